// SPDX-License-Identifier: MIT
/*
 * mmap.c - regions of an iommufd that user space may mmap (kernel:
 * _iommufd_alloc_mmap in drivers/iommu/iommufd/driver.c and
 * iommufd_fops_mmap in main.c, torvalds/linux v6.17). A driver hands a
 * region to the context and tells user space its offset and length in
 * its own output struct; mmap must then name exactly that offset and
 * that length, and the owning object cannot be destroyed while mapped.
 *
 * The simulator has no MMIO page to share: the region is memory the
 * driver fills, and a mapping receives its bytes (see docs/iommufd.md).
 */
#include <errno.h>
#include <stdlib.h>

#include "iofd_private.h"

/**
 * iofd_mmap_alloc() - give @owner a zeroed region of @length bytes at the
 * lowest free offset from one page up (the kernel skips offset 0 so that
 * 0 can mean "none").
 * @ictx: the context.
 * @owner: the object the region belongs to.
 * @length: bytes, a non-zero multiple of the page size.
 * @offset: set to the region's mmap offset.
 * @data: set to the region's bytes.
 *
 * Return: 0, -EINVAL for a bad length or -ENOMEM.
 */
int iofd_mmap_alloc(struct iofd_ctx *ictx, struct iofd_object *owner,
		    uint64_t length, uint64_t *offset, uint8_t **data)
{
	struct iofd_mmap **pp = &ictx->mmaps, *m;
	uint64_t start = IOFD_PAGE_SIZE;

	if (!length || length % IOFD_PAGE_SIZE || length > (1ULL << 30))
		return -EINVAL;
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->offset - start >= length)
			break;
		start = (*pp)->offset + (*pp)->length;
	}
	m = calloc(1, sizeof(*m));
	if (m)
		m->data = calloc(1, length);
	if (!m || !m->data) {
		free(m);
		return -ENOMEM;
	}
	m->owner = owner;
	m->offset = start;
	m->length = length;
	m->next = *pp;
	*pp = m;
	*offset = start;
	*data = m->data;
	return 0;
}

static struct iofd_mmap **mmap_find(struct iofd_ctx *ictx, uint64_t offset)
{
	struct iofd_mmap **pp = &ictx->mmaps;

	while (*pp && (*pp)->offset + (*pp)->length <= offset)
		pp = &(*pp)->next;
	if (!*pp || (*pp)->offset > offset)
		return NULL;
	return pp;
}

/**
 * iofd_mmap_free() - drop the region at @offset (its owner is being
 * freed, so nothing maps it any more).
 * @ictx: the context.
 * @offset: the region's offset.
 */
void iofd_mmap_free(struct iofd_ctx *ictx, uint64_t offset)
{
	struct iofd_mmap **pp = mmap_find(ictx, offset), *m;

	if (!pp)
		return;
	m = *pp;
	*pp = m->next;
	free(m->data);
	free(m);
}

/**
 * iofd_close_mmaps() - the file is closing: every mapping's reference on
 * its owner goes, so teardown can free the owners (and their regions).
 * @ictx: the context.
 */
void iofd_close_mmaps(struct iofd_ctx *ictx)
{
	for (struct iofd_mmap *m = ictx->mmaps; m; m = m->next)
		for (; m->mapped; m->mapped--)
			iofd_put_object(m->owner);
}

/**
 * iommufd_sim_mmap() - mmap(2) of the iommufd (kernel iommufd_fops_mmap):
 * a length that is not whole pages or a private mapping EINVAL, an
 * executable one EPERM, anything but exactly a region's offset and
 * length ENXIO. A mapping holds its region's owner.
 * @ictx: the context.
 * @offset: the mmap offset (bytes).
 * @length: the mapping's length (bytes).
 * @flags: IOMMUSIM_MMAP_SHARED and IOMMUSIM_MMAP_EXEC as asked.
 * @data: set to the region's bytes (valid until iommufd_sim_munmap).
 *
 * Return: 0 or -errno.
 */
int iommufd_sim_mmap(struct iofd_ctx *ictx, uint64_t offset, uint64_t length,
		     unsigned int flags, const void **data)
{
	struct iofd_mmap **pp;

	if (length % IOFD_PAGE_SIZE || !(flags & IOMMUSIM_MMAP_SHARED))
		return -EINVAL;
	if (flags & IOMMUSIM_MMAP_EXEC)
		return -EPERM;
	pp = offset % IOFD_PAGE_SIZE ? NULL : mmap_find(ictx, offset);
	if (!pp || (*pp)->offset != offset || (*pp)->length != length)
		return -ENXIO;
	(*pp)->mapped++;
	(*pp)->owner->users++;
	*data = (*pp)->data;
	return 0;
}

/**
 * iommufd_sim_munmap() - a mapping made by iommufd_sim_mmap() is gone.
 * @ictx: the context.
 * @offset: the offset it was made with.
 *
 * Return: 0, or -EINVAL when no mapping of that region is live.
 */
int iommufd_sim_munmap(struct iofd_ctx *ictx, uint64_t offset)
{
	struct iofd_mmap **pp = mmap_find(ictx, offset);

	if (!pp || (*pp)->offset != offset || !(*pp)->mapped)
		return -EINVAL;
	(*pp)->mapped--;
	iofd_put_object((*pp)->owner);
	return 0;
}

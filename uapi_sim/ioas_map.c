// SPDX-License-Identifier: MIT
/*
 * ioas_map.c - IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP and IOMMU_IOAS_COPY over
 * an IOAS's areas (kernel: drivers/iommu/iommufd/ioas.c and
 * io_pagetable.c; errno order: shared/reference/iommufd-uapi.md 2.2).
 *
 * Every area refers to a pages object (pages.c) holding its user range;
 * COPY and VFIO's cut share it. With no domain attached a map only
 * records (VA, length, rights), as the kernel does: no memory is touched,
 * so mapping an address the caller has not mapped succeeds. With domains,
 * the area is pinned and mapped into each (ioas_domains.c), and a bad
 * user address is EFAULT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"

#define MAP_FLAGS                                               \
	(IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | \
	 IOMMU_IOAS_MAP_READABLE)
#define MAP_PROT (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)

static uint64_t roundup_pow2(uint64_t x)
{
	return x > (1ULL << 63) ? 1ULL << 63 :
	       x <= 1		? 1 :
				  1ULL << (64 - __builtin_clzll(x - 1));
}

/*
 * Automatic placement (kernel iopt_alloc_iova): never 0, from the first
 * page up, inside the allowed ranges when there are any, clear of areas.
 * The alignment is min(roundup_pow2(length), lowest set bit of user_va),
 * at most 2 MiB, and the user_va's offset in its page is kept.
 */
/* First fit in [lo, hi] clear of areas and reserved ranges. */
static int find_in(struct iofd_ioas *ioas, uint64_t lo, uint64_t hi,
		   uint64_t length, uint64_t step, uint64_t off, uint64_t *out)
{
	struct iommu_iova_range usable[16];
	uint64_t n = iofd_ioas_usable_ranges(ioas, usable, 16);

	if (n > 16)
		return -ENOSPC; /* more reserved ranges than any unit makes */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s = usable[i].start > lo ? usable[i].start : lo;
		uint64_t e = usable[i].last < hi ? usable[i].last : hi;

		if (s <= e &&
		    !iopt_find_hole(&ioas->iopt, s, e, length, step, off, out))
			return 0;
	}
	return -ENOSPC;
}

static int alloc_iova(struct iofd_ioas *ioas, uint64_t uva, uint64_t length,
		      uint64_t *out)
{
	struct iommu_iova_range whole = { 0, UINT64_MAX };
	const struct iommu_iova_range *ranges = ioas->nallowed ? ioas->allowed :
								 &whole;
	uint32_t n = ioas->nallowed ? ioas->nallowed : 1;
	uint64_t align = roundup_pow2(length), step, off;

	if (uva && (uva & -uva) < align)
		align = uva & -uva;
	if (align > IOFD_THP_SIZE)
		align = IOFD_THP_SIZE;
	if (align < iofd_ioas_alignment(ioas))
		return -EINVAL;
	step = align < IOFD_PAGE_SIZE ? IOFD_PAGE_SIZE : align;
	off = align < IOFD_PAGE_SIZE ? uva & (IOFD_PAGE_SIZE - 1) : 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t lo = ranges[i].start > IOFD_PAGE_SIZE ?
				      ranges[i].start :
				      IOFD_PAGE_SIZE;

		if (!find_in(ioas, lo, ranges[i].last, length, step, off, out))
			return 0;
	}
	return -ENOSPC;
}

static void free_area(struct iofd_ioas *ioas, struct iopt_area *a)
{
	iofd_ioas_unfill_area(ioas, a);
	iopt_remove(&ioas->iopt, a);
	iofd_pages_put(a->pages);
	free(a);
}

/* A new area on @pages (taking a reference), in every domain. */
static int add_area(struct iofd_ioas *ioas, uint64_t iova, uint64_t length,
		    uint64_t uva, unsigned int prot, struct iofd_pages *pages)
{
	struct iopt_area *a;
	int ret;

	/* kernel iopt_insert_area: no writable area on read-only pages */
	if ((prot & IOMMU_IOAS_MAP_WRITEABLE) && !pages->writable)
		return -EPERM;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->iova = iova;
	a->last = iova + length - 1;
	a->user_va = uva;
	a->prot = prot;
	a->pages = pages;
	pages->refs++;
	iopt_insert(&ioas->iopt, a);
	ret = iofd_ioas_fill_area(ioas, a);
	if (ret) {
		iopt_remove(&ioas->iopt, a);
		iofd_pages_put(pages);
		free(a);
	}
	return ret;
}

/* Where [iova, iova + length) goes: checked when fixed, found when not. */
static int place(struct iofd_ioas *ioas, bool fixed, uint64_t uva,
		 uint64_t length, uint64_t *iova)
{
	uint64_t align = iofd_ioas_alignment(ioas), last;

	if (!length || length % align || (uva & (IOFD_PAGE_SIZE - 1)) % align)
		return -EINVAL;
	/* IO pages above PAGE_SIZE (a domain with contig_io_pages): the
	 * user address keeps the alignment too, as it must on a kernel
	 * whose PAGE_SIZE is that page */
	if (align > IOFD_PAGE_SIZE && uva % align)
		return -EINVAL;
	if (!fixed)
		return alloc_iova(ioas, uva, length, iova);
	if (*iova % align)
		return -EINVAL;
	if (__builtin_add_overflow(*iova, length - 1, &last))
		return -EOVERFLOW;
	if (iofd_ioas_reserved(ioas, *iova, last)) /* kernel iopt_check_iova */
		return -EINVAL;
	if (iopt_overlaps(&ioas->iopt, *iova, last))
		return -EEXIST;
	return 0;
}

/**
 * iofd_ioas_map_pages() - place and record one area (kernel
 * iopt_map_user_pages): the core of IOAS_MAP and VFIO_IOMMU_MAP_DMA.
 * @ioas: the IOAS.
 * @iova: in: the IOVA when @fixed; out: where the area went.
 * @uva: the caller's address of the first byte.
 * @length: bytes.
 * @prot: IOMMU_IOAS_MAP_READABLE / WRITEABLE (0 is allowed here).
 * @fixed: whether *@iova is imposed.
 *
 * Return: 0, -EINVAL, -EOVERFLOW, -EEXIST, -ENOSPC, -ENOMEM; with
 * domains also -EFAULT (not mapped memory) and -ENOMEM (RLIMIT_MEMLOCK).
 */
int iofd_ioas_map_pages(struct iofd_ioas *ioas, uint64_t *iova, uint64_t uva,
			uint64_t length, unsigned int prot, bool fixed)
{
	struct iofd_pages *pages;
	uint64_t end;
	int ret;

	/* iopt_alloc_user_pages checks the user range before any placing */
	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(uva, length, &end))
		return -EOVERFLOW;
	ret = place(ioas, fixed, uva, length, iova);
	if (!ret)
		ret = iofd_pages_get(ioas->ictx, uva, length,
				     prot & IOMMU_IOAS_MAP_WRITEABLE, &pages);
	if (ret)
		return ret;
	ret = add_area(ioas, *iova, length, uva, prot, pages);
	iofd_pages_put(pages); /* the area holds it now, or nobody */
	return ret;
}

/* The checks IOAS_MAP and IOAS_MAP_FILE share, in the kernel's order. */
static int map_args(uint32_t flags, bool reserved, uint64_t iova,
		    uint64_t length)
{
	if ((flags & ~MAP_FLAGS) || reserved)
		return -EOPNOTSUPP;
	if (iova >= UINT64_MAX || length >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(flags & MAP_PROT))
		return -EINVAL;
	return 0;
}

/* kernel iopt_map_file_pages: the file offset plays the user address's
 * part in placement and in the area; the file is taken first (EBADF
 * before any placement error). */
static int map_file_pages(struct iofd_ioas *ioas, uint64_t *iova, int fd,
			  uint64_t start, uint64_t length, unsigned int prot,
			  bool fixed)
{
	struct iofd_pages *pages;
	uint64_t end;
	int ret;

	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(start, length, &end))
		return -EOVERFLOW;
	ret = iofd_pages_get_file(ioas->ictx, fd, start, length,
				  prot & IOMMU_IOAS_MAP_WRITEABLE, &pages);
	if (ret)
		return ret;
	ret = place(ioas, fixed, start, length, iova);
	if (!ret)
		ret = add_area(ioas, *iova, length, start, prot, pages);
	iofd_pages_put(pages);
	return ret;
}

/**
 * iofd_ioas_map_file() - IOMMU_IOAS_MAP_FILE (kernel
 * iommufd_ioas_map_file): IOAS_MAP's checks, then EBADF for a descriptor
 * that is not open, EPERM for a writable map of a file not open for
 * writing; its pages are the file's, pinned (while a domain or access
 * needs them) up to the file's size.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_map_file(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_map_file *cmd = ucmd->cmd;
	struct iofd_ioas *ioas;
	uint64_t iova = cmd->iova;
	int ret;

	ret = map_args(cmd->flags, false, cmd->iova, cmd->length);
	if (ret)
		return ret;
	ioas = iofd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	ret = map_file_pages(ioas, &iova, cmd->fd, cmd->start, cmd->length,
			     cmd->flags & MAP_PROT,
			     cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA);
	if (!ret) {
		cmd->iova = iova;
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iofd_put_object(&ioas->obj);
	return ret;
}

/**
 * iofd_ioas_map() - IOMMU_IOAS_MAP (kernel iommufd_ioas_map): EOPNOTSUPP
 * for flags or reserved, EOVERFLOW for iova or length at U64_MAX, EINVAL
 * without R or W, ENOENT, EINVAL for length 0 or misalignment, EEXIST over
 * an area, ENOSPC when no IOVA is free.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_map(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_map *cmd = ucmd->cmd;
	struct iofd_ioas *ioas;
	uint64_t iova = cmd->iova;
	int ret;

	ret = map_args(cmd->flags, cmd->__reserved, cmd->iova, cmd->length);
	if (ret)
		return ret;
	ioas = iofd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	ret = iofd_ioas_map_pages(ioas, &iova, cmd->user_va, cmd->length,
				  cmd->flags & MAP_PROT,
				  cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA);
	if (!ret) {
		cmd->iova = iova;
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iofd_put_object(&ioas->obj);
	return ret;
}

/*
 * Unmap whole areas inside [iova, last] (kernel iopt_unmap_iova): an area
 * only partly inside is ENOENT (areas are never split), and so is a range
 * with nothing in it unless @all.
 */
int iofd_ioas_unmap_range(struct iofd_ioas *ioas, uint64_t iova, uint64_t last,
			  bool all, uint64_t *unmapped)
{
	struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, iova);

	*unmapped = 0;
	for (struct iopt_area *b = a; b && b->iova <= last;
	     b = iopt_next(&ioas->iopt, b))
		if (b->iova < iova || b->last > last)
			return -ENOENT;
	if (a && a->iova <= last && ioas->accesses) { /* they let go first */
		int ret = iofd_access_unmap(ioas, iova, last);

		if (ret)
			return ret;
	}
	while (a && a->iova <= last) {
		struct iopt_area *next = iopt_next(&ioas->iopt, a);

		*unmapped += a->last - a->iova + 1;
		free_area(ioas, a);
		a = next;
	}
	return *unmapped || all ? 0 : -ENOENT;
}

/**
 * iofd_ioas_unmap() - IOMMU_IOAS_UNMAP (kernel iommufd_ioas_unmap): iova 0
 * with length U64_MAX unmaps everything (even nothing); otherwise the
 * range must hold whole areas. length comes back as the bytes unmapped.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_unmap(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_unmap *cmd = ucmd->cmd;
	struct iofd_ioas *ioas;
	uint64_t unmapped, last;
	int ret;

	ioas = iofd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		ret = iofd_ioas_unmap_range(ioas, 0, UINT64_MAX, true,
					    &unmapped);
	} else if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX) {
		ret = -EOVERFLOW;
	} else if (!cmd->length) {
		ret = -EINVAL;
	} else if (__builtin_add_overflow(cmd->iova, cmd->length - 1, &last)) {
		ret = -EOVERFLOW;
	} else {
		ret = iofd_ioas_unmap_range(ioas, cmd->iova, last, false,
					    &unmapped);
	}
	if (!ret) {
		cmd->length = unmapped;
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iofd_put_object(&ioas->obj);
	return ret;
}

struct piece {
	uint64_t offset, length, user_va;
	struct iofd_pages *pages;
};

/* The areas covering [iova, last] without a gap (kernel iopt_get_pages). */
static int collect(struct iofd_ioas *ioas, uint64_t iova, uint64_t last,
		   struct piece **out, size_t *n)
{
	struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, iova);
	uint64_t at = iova;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (; a && at <= last; a = iopt_next(&ioas->iopt, a)) {
		uint64_t end = a->last < last ? a->last : last;
		struct piece *p;

		if (a->iova > at)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			p = realloc(*out, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			*out = p;
		}
		(*out)[(*n)++] = (struct piece){ at - iova, end - at + 1,
						 a->user_va + (at - a->iova),
						 a->pages };
		if (end == last)
			return 0;
		at = end + 1;
	}
	return -ENOENT;
}

static int copy_into(struct iofd_ioas *dst, struct iommu_ioas_copy *cmd,
		     const struct piece *p, size_t n)
{
	uint64_t iova = cmd->dst_iova;
	int ret = place(dst, cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA,
			p[0].user_va, cmd->length, &iova);

	for (size_t i = 0; !ret && i < n; i++) {
		ret = add_area(dst, iova + p[i].offset, p[i].length,
			       p[i].user_va, cmd->flags & MAP_PROT, p[i].pages);
		if (ret) /* take back what this copy added */
			for (size_t j = 0; j < i; j++)
				free_area(dst, iopt_first_at_or_after(
						       &dst->iopt,
						       iova + p[j].offset));
	}
	if (!ret)
		cmd->dst_iova = iova;
	return ret;
}

/**
 * iofd_ioas_copy() - IOMMU_IOAS_COPY (kernel iommufd_ioas_copy): map into
 * the destination what covers [src_iova, src_iova + length) in the
 * source, which must be covered by areas without a gap (ENOENT).
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_copy(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_copy *cmd = ucmd->cmd;
	struct iofd_ioas *src, *dst;
	struct piece *p = NULL;
	size_t n = 0;
	uint64_t last;
	int ret;

	if (cmd->flags & ~MAP_FLAGS)
		return -EOPNOTSUPP;
	if (cmd->length >= UINT64_MAX || cmd->src_iova >= UINT64_MAX ||
	    cmd->dst_iova >= UINT64_MAX)
		return -EOVERFLOW;
	if (!(cmd->flags & MAP_PROT))
		return -EINVAL;
	src = iofd_get_ioas(ucmd->ictx, cmd->src_ioas_id);
	if (!src)
		return -ENOENT;
	if (!cmd->length)
		ret = -EINVAL;
	else if (__builtin_add_overflow(cmd->src_iova, cmd->length - 1, &last))
		ret = -EOVERFLOW;
	else
		ret = collect(src, cmd->src_iova, last, &p, &n);
	iofd_put_object(&src->obj);
	if (ret)
		goto out_free;
	dst = iofd_get_ioas(ucmd->ictx, cmd->dst_ioas_id);
	if (!dst) {
		ret = -ENOENT;
		goto out_free;
	}
	ret = copy_into(dst, cmd, p, n);
	iofd_put_object(&dst->obj);
	if (!ret)
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	free(p);
	return ret;
}

/*
 * Split the area holding @iova so that @iova ends one piece (kernel
 * iopt_area_split): nothing to do at an area's first or last byte; the
 * new start must keep the IOAS alignment in IOVA and in user address.
 */
static int cut_one(struct iofd_ioas *ioas, uint64_t iova)
{
	struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, iova), *rhs;
	uint64_t align = iofd_ioas_alignment(ioas), skip;

	if (!a || a->iova >= iova || iova == a->last)
		return 0;
	skip = iova + 1 - a->iova;
	if ((iova + 1) % align || (a->user_va + skip) % align)
		return -EINVAL;
	rhs = calloc(1, sizeof(*rhs));
	if (!rhs)
		return -ENOMEM;
	rhs->iova = iova + 1;
	rhs->last = a->last;
	rhs->user_va = a->user_va + skip;
	rhs->prot = a->prot;
	rhs->pages = a->pages;
	a->pages->refs++;
	if (a->pinned) { /* a second pin: cannot fail */
		iofd_pages_pin(a->pages);
		rhs->pinned = true;
	}
	iopt_remove(&ioas->iopt, a); /* its span changes: re-insert */
	a->last = iova;
	iopt_insert(&ioas->iopt, a);
	iopt_insert(&ioas->iopt, rhs);
	return 0;
}

/**
 * iofd_ioas_cut() - split areas so each of @iovas ends one (kernel
 * iopt_cut_iova, used by VFIO type1 unmap to punch holes).
 * @ioas: the IOAS.
 * @iovas: the cut points, in order.
 * @n: how many.
 *
 * Return: 0, -EINVAL (a cut would break the alignment) or -ENOMEM; cuts
 * made before an error stay, as in the kernel.
 */
int iofd_ioas_cut(struct iofd_ioas *ioas, const uint64_t *iovas, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ret = cut_one(ioas, iovas[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/**
 * iofd_ioas_change_process() - IOMMU_IOAS_CHANGE_PROCESS (kernel
 * iommufd_ioas_change_process): moves the pin accounting of file-backed
 * areas to the caller, all or nothing; any area mapped from user VA
 * (IOAS_MAP, COPY of one, VFIO MAP_DMA) makes it EINVAL. A context here
 * is one client, so "the caller" is the account the pins are charged to
 * already and nothing moves (docs/iommufd.md).
 * @ucmd: the command.
 *
 * Return: 0, -EOPNOTSUPP or -EINVAL.
 */
int iofd_ioas_change_process(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_change_process *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	for (uint32_t i = 0; i < ictx->nobjs; i++) {
		struct iofd_object *obj = ictx->objs[i];
		struct iofd_ioas *ioas = (struct iofd_ioas *)obj;

		if (!obj || obj->type != IOFD_OBJ_IOAS)
			continue;
		for (struct iopt_area *a =
			     iopt_first_at_or_after(&ioas->iopt, 0);
		     a; a = iopt_next(&ioas->iopt, a))
			if (a->pages->file_fd < 0)
				return -EINVAL;
	}
	return 0;
}

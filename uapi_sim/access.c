// SPDX-License-Identifier: MIT
/*
 * access.c - accesses: in-"kernel" users of an IOAS that pin its pages
 * or copy through it without a domain (kernel: drivers/iommu/iommufd/
 * device.c iommufd_access_*, and the selftest's staccess items in
 * selftest.c). The selftest reaches them through IOMMU_TEST_CMD with an
 * access "fd"; in process that handle is the access object's id, and the
 * FUSE transport (issue 6) maps real file descriptors onto it.
 *
 * A pinned item holds one pin of every area's pages it touches, so the
 * pages count as pinned for MD_CHECK_REFS and are charged like a
 * domain's. Unmapping an area first drops the items that overlap it (the
 * selftest access's unmap callback does exactly that).
 */
#include <errno.h>
#include <stdlib.h>

#include "iofd_private.h"

struct iofd_access_item {
	struct iofd_access_item *next;
	uint64_t iova, last;
	uint32_t id;
	unsigned int npages;
	struct iofd_pages **pages; /* pinned, each with a reference */
};

static void item_free(struct iofd_access_item *it)
{
	for (unsigned int i = 0; i < it->npages; i++) {
		iofd_pages_unpin(it->pages[i]);
		iofd_pages_put(it->pages[i]);
	}
	free(it->pages);
	free(it);
}

/* Drop the items overlapping [iova, last] (all: 0, U64_MAX). */
static void drop_items(struct iofd_access *ac, uint64_t iova, uint64_t last)
{
	struct iofd_access_item **pp = &ac->items;

	while (*pp) {
		struct iofd_access_item *it = *pp;

		if (it->last < iova || it->iova > last) {
			pp = &it->next;
			continue;
		}
		*pp = it->next;
		item_free(it);
	}
}

static bool holds(const struct iofd_access *ac, uint64_t iova, uint64_t last)
{
	for (const struct iofd_access_item *it = ac->items; it; it = it->next)
		if (it->iova <= last && iova <= it->last)
			return true;
	return false;
}

/**
 * iofd_access_unmap() - before [iova, last] of @ioas is unmapped, every
 * access drops what it pinned there (iopt_unmap_iova_range calling each
 * access's unmap op). An internal access (a HW queue's) has no unmap op
 * and lets go of nothing: the unmap is then EBUSY, and nothing changes.
 *
 * Return: 0 or -EBUSY.
 */
int iofd_access_unmap(struct iofd_ioas *ioas, uint64_t iova, uint64_t last)
{
	struct iofd_access *ac;

	for (ac = ioas->accesses; ac; ac = ac->next_in_ioas)
		if (ac->internal && holds(ac, iova, last))
			return -EBUSY;
	for (ac = ioas->accesses; ac; ac = ac->next_in_ioas)
		drop_items(ac, iova, last);
	return 0;
}

static void detach(struct iofd_access *ac)
{
	struct iofd_ioas *ioas = ac->ioas;
	struct iofd_access **pp;

	if (!ioas)
		return;
	drop_items(ac, 0, UINT64_MAX);
	for (pp = &ioas->accesses; *pp != ac; pp = &(*pp)->next_in_ioas)
		;
	*pp = ac->next_in_ioas;
	if (ac->needs_pin)
		ioas->naccess_pin--;
	iofd_put_object(&ioas->obj);
	ac->ioas = NULL;
}

/* kernel iopt_add_access: a pinning access raises the alignment to
 * PAGE_SIZE, which existing areas must keep (EADDRINUSE). */
static int attach(struct iofd_access *ac, uint32_t ioas_id)
{
	struct iofd_ioas *ioas = iofd_get_ioas(ac->ictx, ioas_id);

	if (!ioas)
		return -ENOENT;
	if (ac->needs_pin && iofd_ioas_alignment(ioas) < IOFD_PAGE_SIZE &&
	    iofd_ioas_misaligned(ioas, IOFD_PAGE_SIZE)) {
		iofd_put_object(&ioas->obj);
		return -EADDRINUSE;
	}
	if (ac->needs_pin)
		ioas->naccess_pin++;
	ac->ioas = ioas; /* keeps the reference get took */
	ac->next_in_ioas = ioas->accesses;
	ioas->accesses = ac;
	return 0;
}

/**
 * iofd_access_create() - an access on IOAS @ioas_id (kernel
 * iommufd_access_create + iommufd_access_attach). It takes an id; its
 * creator holds it, so IOMMU_DESTROY of it is EBUSY.
 * @ictx: the context.
 * @ioas_id: the IOAS.
 * @pin: the access pins pages (needs_pin_pages).
 * @out: the access.
 *
 * Return: 0, -ENOENT, -EADDRINUSE or -ENOMEM.
 */
int iofd_access_create(struct iofd_ctx *ictx, uint32_t ioas_id, bool pin,
		       struct iofd_access **out)
{
	return iofd_access_new(ictx, ioas_id, pin, false, out);
}

/**
 * iofd_access_new() - iofd_access_create(), or (@internal) one iommufd
 * keeps for itself (kernel iommufd_access_create_internal: no id given
 * out, no unmap op).
 */
int iofd_access_new(struct iofd_ctx *ictx, uint32_t ioas_id, bool pin,
		    bool internal, struct iofd_access **out)
{
	struct iofd_access *ac = calloc(1, sizeof(*ac));
	int ret;

	if (!ac)
		return -ENOMEM;
	ac->ictx = ictx;
	ac->needs_pin = pin;
	ac->internal = internal;
	ret = internal ? 0 : iofd_object_add(ictx, &ac->obj, IOFD_OBJ_ACCESS);
	if (ret) {
		free(ac);
		return ret;
	}
	ac->obj.users++; /* the creator's (the access fd) */
	ret = attach(ac, ioas_id);
	if (ret) {
		iofd_access_destroy(ac);
		return ret;
	}
	*out = ac;
	return 0;
}

/** iofd_access_destroy() - what closing the access fd does (an internal
 * access is just freed). */
void iofd_access_destroy(struct iofd_access *ac)
{
	detach(ac);
	if (ac->internal) {
		free(ac);
		return;
	}
	ac->obj.users--;
	iofd_object_remove(ac->ictx, &ac->obj);
}

/** iofd_access_free() - free an access object (its table slot gone). */
void iofd_access_free(struct iofd_access *ac)
{
	detach(ac);
	free(ac);
}

/**
 * iofd_access_get() - the access behind handle @fd, with a reference
 * (iofd_put_object), or NULL (the caller answers EBADFD, as fget does).
 */
struct iofd_access *iofd_access_get(struct iofd_ctx *ictx, uint32_t fd)
{
	return (struct iofd_access *)iofd_get_object(ictx, fd, IOFD_OBJ_ACCESS);
}

/* The areas covering [iova, last] without a gap, each checked for @write
 * (kernel iopt_area_contig_*): ENOENT for a gap, EPERM for read-only. */
static int covered(struct iofd_ioas *ioas, uint64_t iova, uint64_t last,
		   bool write)
{
	struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, iova);
	uint64_t at = iova;

	for (; a; a = iopt_next(&ioas->iopt, a)) {
		if (a->iova > at)
			return -ENOENT;
		if (write && !(a->prot & IOMMU_IOAS_MAP_WRITEABLE))
			return -EPERM;
		if (a->last >= last)
			return 0;
		at = a->last + 1;
	}
	return -ENOENT;
}

static int check_range(struct iofd_access *ac, uint64_t iova, uint64_t length,
		       bool write, uint64_t *last)
{
	if (!ac->ioas)
		return -ENOENT;
	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, last))
		return -EOVERFLOW;
	return covered(ac->ioas, iova, *last, write);
}

/* The pages of [iova, last] are the user's pages at @uptr (the test's
 * iommufd_test_check_pages, by memid.c's identity): EBADE otherwise. */
static int same_pages(struct iofd_access *ac, uint64_t iova, uint64_t last,
		      uint64_t uptr)
{
	struct iofd_ioas *ioas = ac->ioas;
	uint64_t page = iova & ~(IOFD_PAGE_SIZE - 1);
	uint64_t want_va = (uptr - (iova - page)) & ~(IOFD_PAGE_SIZE - 1);
	struct iofd_maps maps;
	int ret = 0;

	iofd_maps_load(ac->ictx, &maps);
	for (; !ret && page <= last;
	     page += IOFD_PAGE_SIZE, want_va += IOFD_PAGE_SIZE) {
		uint64_t at = page < iova ? iova : page;
		struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, at);
		uint64_t off = a->user_va + (at - a->iova) - a->pages->uva_base;
		struct iofd_memid got, want;

		iofd_memid_pages(&maps, a->pages, off & ~(IOFD_PAGE_SIZE - 1),
				 &got);
		iofd_memid_uva(&maps, ac->ictx, want_va, &want);
		if (iofd_memid_cmp(&got, &want))
			ret = -EBADE;
		if (page + IOFD_PAGE_SIZE < page)
			break;
	}
	iofd_maps_free(&maps);
	return ret;
}

/**
 * iofd_access_pin() - pin [iova, iova + length) through the access
 * (kernel iommufd_access_pin_pages) and keep it as an item.
 * @ac: the access.
 * @iova: first byte.
 * @length: bytes.
 * @write: the pins must allow writing (a read-only area: EPERM).
 * @uptr: when not 0, the user address the pages must be (EBADE).
 * @item_id: the item's id.
 *
 * Return: 0, -ENOENT, -EINVAL, -EOVERFLOW, -EPERM, -EBADE, -EFAULT or
 * -ENOMEM (pinning).
 */
int iofd_access_pin(struct iofd_access *ac, uint64_t iova, uint64_t length,
		    bool write, uint64_t uptr, uint32_t *item_id)
{
	struct iofd_access_item *it;
	struct iopt_area *a;
	uint64_t last;
	int ret;

	ret = check_range(ac, iova, length, write, &last);
	if (ret)
		return ret;
	it = calloc(1, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->iova = iova;
	it->last = last;
	for (a = iopt_first_at_or_after(&ac->ioas->iopt, iova);
	     a && a->iova <= last; a = iopt_next(&ac->ioas->iopt, a)) {
		struct iofd_pages **p;

		p = realloc(it->pages, (it->npages + 1) * sizeof(*p));
		if (!p) {
			ret = -ENOMEM;
			break;
		}
		it->pages = p;
		ret = iofd_pages_pin(a->pages);
		if (ret)
			break;
		a->pages->refs++;
		it->pages[it->npages++] = a->pages;
	}
	if (!ret && uptr)
		ret = same_pages(ac, iova, last, uptr);
	if (ret) {
		item_free(it);
		return ret;
	}
	it->id = ac->next_id++;
	it->next = ac->items;
	ac->items = it;
	*item_id = it->id;
	return 0;
}

/**
 * iofd_access_unpin_item() - drop one item (ENOENT when there is none).
 */
int iofd_access_unpin_item(struct iofd_access *ac, uint32_t item_id)
{
	for (struct iofd_access_item **pp = &ac->items; *pp;
	     pp = &(*pp)->next) {
		struct iofd_access_item *it = *pp;

		if (it->id == item_id) {
			*pp = it->next;
			item_free(it);
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * iofd_access_rw() - copy between @buf and the IOAS's memory at @iova
 * (kernel iommufd_access_rw): any byte alignment.
 * @ac: the access.
 * @iova: first byte.
 * @buf: the other side.
 * @length: bytes.
 * @write: into the IOAS (a read-only area: EPERM).
 *
 * Return: 0, -ENOENT, -EINVAL, -EOVERFLOW, -EPERM or -EFAULT.
 */
int iofd_access_rw(struct iofd_access *ac, uint64_t iova, void *buf,
		   uint64_t length, bool write)
{
	uint8_t *p = buf;
	uint64_t last;
	int ret = check_range(ac, iova, length, write, &last);

	if (ret)
		return ret;
	for (struct iopt_area *a =
		     iopt_first_at_or_after(&ac->ioas->iopt, iova);
	     length; a = iopt_next(&ac->ioas->iopt, a)) {
		uint64_t uva = a->user_va + (iova - a->iova);
		uint64_t n = a->last - iova + 1 < length ? a->last - iova + 1 :
							   length;

		ret = iofd_pages_rw(a->pages, uva, p, n, write);
		if (ret)
			return ret;
		p += n;
		iova += n;
		length -= n;
	}
	return 0;
}

/**
 * iofd_access_replace() - move the access to IOAS @ioas_id (kernel
 * iommufd_access_replace): what it pinned is dropped first.
 *
 * Return: 0, -ENOENT or -EADDRINUSE.
 */
int iofd_access_replace(struct iofd_access *ac, uint32_t ioas_id)
{
	struct iofd_ioas *old = ac->ioas, *check;
	int ret;

	check = iofd_get_ioas(ac->ictx, ioas_id);
	if (!check)
		return -ENOENT;
	iofd_put_object(&check->obj);
	if (check == old)
		return 0;
	if (old)
		old->obj.users++; /* keep it while we move */
	detach(ac);
	ret = attach(ac, ioas_id);
	if (ret && old)
		attach(ac, old->obj.id); /* back where it was */
	if (old)
		iofd_put_object(&old->obj);
	return ret;
}

/** iofd_close_accesses() - close every access of the context (close);
 * internal ones go with their owners. */
void iofd_close_accesses(struct iofd_ctx *ictx)
{
	for (uint32_t i = 0; i < ictx->nobjs; i++) {
		struct iofd_object *obj = ictx->objs[i];

		if (obj && obj->type == IOFD_OBJ_ACCESS)
			iofd_access_destroy((struct iofd_access *)obj);
	}
}

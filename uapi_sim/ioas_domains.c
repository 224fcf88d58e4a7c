// SPDX-License-Identifier: MIT
/*
 * ioas_domains.c - an IOAS's domains and reserved ranges (kernel:
 * drivers/iommu/iommufd/io_pagetable.c, iopt_table_add_domain,
 * iopt_fill_domain, iopt_reserve_iova and friends).
 *
 * Invariant: every domain in ioas->hwpts maps exactly the IOAS's areas,
 * and an area is pinned (area->pinned, one pin of its pages) exactly when
 * the IOAS has a domain. A map or unmap updates every domain; adding a
 * domain fills it from the areas, in IOVA order, undoing all on failure.
 *
 * Reserved ranges are few (an MSI window per attached device, the part of
 * the IOVA space outside each domain's aperture), so they are an array.
 */
#include <errno.h>
#include <stdlib.h>

#include "iofd_private.h"

static unsigned int dma_prot(unsigned int map_prot)
{
	return (map_prot & IOMMU_IOAS_MAP_READABLE ? DMA_ACC_READ : 0) |
	       (map_prot & IOMMU_IOAS_MAP_WRITEABLE ? DMA_ACC_WRITE : 0);
}

static uint64_t area_len(const struct iopt_area *a)
{
	return a->last - a->iova + 1;
}

static int map_area(struct iofd_hwpt *hwpt, const struct iopt_area *a)
{
	struct iofd_domain *d = hwpt->dom;

	return d->ops->map(d, a->iova, iofd_pages_pa(a->pages, a->user_va),
			   area_len(a), dma_prot(a->prot));
}

static void unmap_area(struct iofd_hwpt *hwpt, const struct iopt_area *a)
{
	hwpt->dom->ops->unmap(hwpt->dom, a->iova, area_len(a));
}

/**
 * iofd_ioas_fill_area() - pin a new area and map it into every domain
 * (kernel iopt_fill_domains_pages); on failure nothing stays.
 * @ioas: the IOAS (the area is already in its tree).
 * @a: the area.
 *
 * Return: 0, -EFAULT, -ENOMEM or what the domain's map returned.
 */
int iofd_ioas_fill_area(struct iofd_ioas *ioas, struct iopt_area *a)
{
	unsigned int i;
	int ret;

	if (!ioas->nhwpts)
		return 0;
	ret = iofd_pages_pin(a->pages);
	if (ret)
		return ret;
	a->pinned = true;
	for (i = 0; i < ioas->nhwpts; i++) {
		ret = map_area(ioas->hwpts[i], a);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	while (i--)
		unmap_area(ioas->hwpts[i], a);
	iofd_pages_unpin(a->pages);
	a->pinned = false;
	return ret;
}

/**
 * iofd_ioas_unfill_area() - unmap an area from every domain and unpin it.
 * @ioas: the IOAS.
 * @a: the area.
 */
void iofd_ioas_unfill_area(struct iofd_ioas *ioas, struct iopt_area *a)
{
	for (unsigned int i = 0; i < ioas->nhwpts; i++)
		unmap_area(ioas->hwpts[i], a);
	if (a->pinned) {
		iofd_pages_unpin(a->pages);
		a->pinned = false;
	}
}

/* Unmap the areas before @stop (NULL: all) from @hwpt; unpin them too
 * when @hwpt was the only domain. */
static void unfill_domain(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt,
			  struct iopt_area *stop, bool unpin)
{
	for (struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, 0);
	     a != stop; a = iopt_next(&ioas->iopt, a)) {
		unmap_area(hwpt, a);
		if (unpin && a->pinned) {
			iofd_pages_unpin(a->pages);
			a->pinned = false;
		}
	}
}

static int fill_domain(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt)
{
	bool first = !ioas->nhwpts;
	struct iopt_area *a;
	int ret = 0;

	for (a = iopt_first_at_or_after(&ioas->iopt, 0); a;
	     a = iopt_next(&ioas->iopt, a)) {
		if (first) {
			ret = iofd_pages_pin(a->pages);
			if (ret)
				break;
			a->pinned = true;
		}
		ret = map_area(hwpt, a);
		if (ret) {
			if (first) {
				iofd_pages_unpin(a->pages);
				a->pinned = false;
			}
			break;
		}
	}
	if (ret)
		unfill_domain(ioas, hwpt, a, first);
	return ret;
}

/* A domain of windows: the holes between them are reserved too. The
 * windows are in bus-address order (window 0 below window 1). */
static int reserve_holes(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt)
{
	const struct iofd_domain *d = hwpt->dom;
	const struct iommu_iova_range *prev = NULL;
	int ret = 0;

	for (unsigned int w = 0; w < IOFD_DOM_WINDOWS && !ret; w++) {
		if (!(d->win_mask & 1u << w))
			continue;
		if (prev && d->win[w].start > prev->last + 1)
			ret = iofd_ioas_reserve(ioas, prev->last + 1,
						d->win[w].start - 1, hwpt);
		prev = &d->win[w];
	}
	return ret;
}

/* The smallest page @d maps: the IOVA alignment it needs. */
static uint64_t min_page(const struct iofd_domain *d)
{
	return d->pgsize_bitmap & -d->pgsize_bitmap;
}

/**
 * iofd_ioas_add_domain() - make @hwpt's domain mirror @ioas (kernel
 * iopt_table_add_domain): the IOVA alignment rises to the domain's
 * smallest page (above PAGE_SIZE: EINVAL; a misaligned area:
 * EADDRINUSE), what lies outside the aperture (and, for a domain of
 * windows, between them) is reserved (an area or allowed range there:
 * EADDRINUSE), the IOAS's page-size choice applies,
 * then every area is pinned and mapped.
 * @ioas: the IOAS.
 * @hwpt: a paging HWPT not yet in any IOAS.
 *
 * Return: 0 or -errno; on failure the IOAS is as it was.
 */
int iofd_ioas_add_domain(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt)
{
	struct iofd_domain *d = hwpt->dom;
	uint64_t align = iofd_ioas_alignment(ioas);
	struct iofd_hwpt **h;
	int ret;

	if (min_page(d) > IOFD_PAGE_SIZE && !d->contig_io_pages)
		return -EINVAL;
	/* a larger IOVA alignment: areas must already keep it */
	if (min_page(d) > align && iofd_ioas_misaligned(ioas, min_page(d)))
		return -EADDRINUSE;
	h = realloc(ioas->hwpts, (ioas->nhwpts + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	ioas->hwpts = h;
	if (d->aperture_start)
		ret = iofd_ioas_reserve(ioas, 0, d->aperture_start - 1, hwpt);
	else
		ret = 0;
	if (!ret && d->aperture_last != UINT64_MAX)
		ret = iofd_ioas_reserve(ioas, d->aperture_last + 1, UINT64_MAX,
					hwpt);
	if (!ret && d->win_mask)
		ret = reserve_holes(ioas, hwpt);
	if (ret) {
		iofd_ioas_unreserve(ioas, hwpt);
		return ret;
	}
	d->ops->large_pages(d, ioas->huge_pages);
	ret = fill_domain(ioas, hwpt);
	if (ret) {
		iofd_ioas_unreserve(ioas, hwpt);
		return ret;
	}
	ioas->hwpts[ioas->nhwpts++] = hwpt;
	return 0;
}

/**
 * iofd_ioas_remove_domain() - empty @hwpt's domain and forget it (kernel
 * iopt_table_remove_domain); the last domain's leaving unpins the areas.
 * @ioas: the IOAS.
 * @hwpt: one of its domains.
 */
void iofd_ioas_remove_domain(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt)
{
	unsigned int i;

	for (i = 0; i < ioas->nhwpts && ioas->hwpts[i] != hwpt; i++)
		;
	if (i == ioas->nhwpts)
		return;
	ioas->hwpts[i] = ioas->hwpts[--ioas->nhwpts];
	unfill_domain(ioas, hwpt, NULL, !ioas->nhwpts);
	iofd_ioas_unreserve(ioas, hwpt);
}

/**
 * iofd_ioas_reserved() - whether [start, last] touches a reserved range.
 */
bool iofd_ioas_reserved(const struct iofd_ioas *ioas, uint64_t start,
			uint64_t last)
{
	for (unsigned int i = 0; i < ioas->nresv; i++)
		if (ioas->resv[i].start <= last && start <= ioas->resv[i].last)
			return true;
	return false;
}

static bool outside_allowed(const struct iofd_ioas *ioas, uint64_t start,
			    uint64_t last)
{
	for (uint32_t i = 0; i < ioas->nallowed; i++)
		if (ioas->allowed[i].start <= last &&
		    start <= ioas->allowed[i].last)
			return false;
	return true;
}

/**
 * iofd_ioas_reserve() - reserve [start, last] for @owner (kernel
 * iopt_reserve_iova): EADDRINUSE over an allowed range or an area.
 * @ioas: the IOAS.
 * @start: first IOVA.
 * @last: last IOVA (inclusive).
 * @owner: who releases it (iofd_ioas_unreserve).
 *
 * Return: 0, -EADDRINUSE or -ENOMEM.
 */
int iofd_ioas_reserve(struct iofd_ioas *ioas, uint64_t start, uint64_t last,
		      const void *owner)
{
	struct iofd_resv *r;

	if (!outside_allowed(ioas, start, last) ||
	    iopt_overlaps(&ioas->iopt, start, last))
		return -EADDRINUSE;
	r = realloc(ioas->resv, (ioas->nresv + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	ioas->resv = r;
	r[ioas->nresv++] = (struct iofd_resv){ start, last, owner };
	return 0;
}

/** iofd_ioas_unreserve() - drop every range @owner reserved. */
void iofd_ioas_unreserve(struct iofd_ioas *ioas, const void *owner)
{
	for (unsigned int i = 0; i < ioas->nresv;) {
		if (ioas->resv[i].owner == owner)
			ioas->resv[i] = ioas->resv[--ioas->nresv];
		else
			i++;
	}
}

static int cmp_resv(const void *a, const void *b)
{
	const struct iofd_resv *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/**
 * iofd_ioas_usable_ranges() - the holes between reserved ranges over
 * [0, U64_MAX] (what IOMMU_IOAS_IOVA_RANGES reports), in order.
 * @ioas: the IOAS.
 * @out: up to @cap of them (may be NULL when @cap is 0).
 * @cap: room in @out.
 *
 * Return: how many holes there are (may exceed @cap).
 */
uint64_t iofd_ioas_usable_ranges(const struct iofd_ioas *ioas,
				 struct iommu_iova_range *out, uint64_t cap)
{
	uint64_t n = 0, at = 0;
	bool done = false;

	/* sorting in place changes nothing anybody relies on */
	if (ioas->nresv > 1)
		qsort(ioas->resv, ioas->nresv, sizeof(*ioas->resv), cmp_resv);
	for (unsigned int i = 0; i <= ioas->nresv && !done; i++) {
		uint64_t end = i < ioas->nresv ? ioas->resv[i].start : 0;

		if (i < ioas->nresv &&
		    end <= at) { /* overlapping or touching */
			if (ioas->resv[i].last >= at) {
				done = ioas->resv[i].last == UINT64_MAX;
				at = ioas->resv[i].last + 1;
			}
			continue;
		}
		if (n < cap)
			out[n] = (struct iommu_iova_range){
				at, i < ioas->nresv ? end - 1 : UINT64_MAX
			};
		n++;
		if (i < ioas->nresv) {
			done = ioas->resv[i].last == UINT64_MAX;
			at = ioas->resv[i].last + 1;
		}
	}
	return n;
}

// SPDX-License-Identifier: MIT
/*
 * drv_ppc.c - the IBM POWER PHB as iommufd sees it: domains made of DMA
 * windows (hw/ppc_tce/driver.h tables behind a PE's two TVEs), attach by
 * window, hw_info. Upstream Linux has no such iommufd driver (its POWER
 * code offers only blocking and platform domains to iommufd), so the
 * model here is the one the iommufd design discussion asked for; the
 * whole design is in docs/ppc_tce.md, "iommufd on two windows".
 *
 * - A domain has one or two windows; each is a TCE table of its own
 *   geometry. Its IOVA space is exactly the windows: the IOAS reserves
 *   what lies between and around them (ioas_domains.c), so a map in the
 *   hole fails as one over a reserved range does.
 * - An attach to an IOAS makes a domain of both default windows (the
 *   topology's); an IOMMU_HWPT_ALLOC with IOMMUSIM_HWPT_DATA_PPC_TCE_
 *   WINDOW makes one of a single window with the user's geometry.
 * - A device can also be attached per window, with the pseudo-PASID
 *   IOMMUSIM_PASID_WINDOW(w): window 0 to one IOAS and window 1 to
 *   another, since the bus address alone says which applies.
 * - The smallest IOVA alignment of a domain is its largest window page
 *   size, so every map fits whichever window it lands in.
 * - Each device is its own PE and group; the machine's device record
 *   keeps which windows the RID attachment set up, so a detach of the
 *   RID leaves a window attached on its own in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc_tce/regs.h"
#include "iofd_private.h"

struct tce_dom {
	struct iofd_domain d;
	struct tce_table *tbl[IOFD_DOM_WINDOWS];
};

static struct tce_dom *tdom(struct iofd_domain *d)
{
	return (struct tce_dom *)d;
}

static struct iofd_sys *dev_sys(struct iofd_device *idev)
{
	return idev->ictx->sys;
}

static uint32_t dev_pe(struct iofd_device *idev)
{
	return dev_sys(idev)->devs[idev->dev].pe;
}

/* The windows the RID attachment set up (kept in the machine's device). */
static uint32_t *rid_windows(struct iofd_device *idev)
{
	return &dev_sys(idev)->devs[idev->dev].rid_windows;
}

/* ---- domains ------------------------------------------------------------ */

/* The window holding all of [iova, iova + len), or NULL. */
static struct tce_table *window_of(struct iofd_domain *d, uint64_t iova,
				   uint64_t len)
{
	for (unsigned int w = 0; w < IOFD_DOM_WINDOWS; w++)
		if ((d->win_mask & 1u << w) && iova >= d->win[w].start &&
		    iova <= d->win[w].last && len - 1 <= d->win[w].last - iova)
			return tdom(d)->tbl[w];
	return NULL;
}

static int dom_map(struct iofd_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot)
{
	struct tce_table *t = window_of(d, iova, len);

	return t ? tce_table_map(t, iova, pa, len, prot) : -EINVAL;
}

/* iommufd never asks across the hole (it is reserved), but a range over
 * both windows is still answered window by window. */
static uint64_t dom_unmap(struct iofd_domain *d, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1, done = 0;

	for (unsigned int w = 0; w < IOFD_DOM_WINDOWS; w++) {
		const struct iommu_iova_range *r = &d->win[w];
		uint64_t a, b;

		if (!(d->win_mask & 1u << w) || last < r->start ||
		    iova > r->last)
			continue;
		a = iova > r->start ? iova : r->start;
		b = last < r->last ? last : r->last;
		done += tce_table_unmap(tdom(d)->tbl[w], a, b - a + 1);
	}
	return done;
}

/* A TCE maps one IO page; there is nothing larger to choose. */
static void dom_large_pages(struct iofd_domain *d, bool on)
{
	(void)d;
	(void)on;
}

static int dom_iova_to_pa(struct iofd_domain *d, uint64_t iova, uint64_t *pa)
{
	struct tce_table *t = window_of(d, iova, 1);
	unsigned int prot;

	return t ? tce_table_lookup(t, iova, pa, &prot) : -ENOENT;
}

static void dom_free(struct iofd_domain *d)
{
	for (unsigned int w = 0; w < IOFD_DOM_WINDOWS; w++)
		tce_table_free(tdom(d)->tbl[w]);
	free(d);
}

static const struct iofd_domain_ops tce_paging_ops = {
	.map = dom_map,
	.unmap = dom_unmap,
	.large_pages = dom_large_pages,
	.iova_to_pa = dom_iova_to_pa,
	.free = dom_free,
};

/* Window @w of @td with geometry @g: its table, range and page size. */
static int add_window(struct tce_dom *td, struct iofd_sys *sys, unsigned int w,
		      const struct iommusim_ppc_tce_window *g)
{
	struct iofd_domain *d = &td->d;
	uint64_t page = 1ULL << g->page_shift;
	int ret;

	ret = tce_table_create(sys->tce_drv, g->start, g->size, g->page_shift,
			       g->levels, &td->tbl[w]);
	if (ret)
		return ret;
	d->win[w] =
		(struct iommu_iova_range){ g->start, g->start + g->size - 1 };
	if (!d->win_mask || g->start < d->aperture_start)
		d->aperture_start = g->start;
	if (!d->win_mask || d->win[w].last > d->aperture_last)
		d->aperture_last = d->win[w].last;
	d->win_mask |= 1u << w;
	if (page > d->pgsize_bitmap)
		d->pgsize_bitmap = page;
	return 0;
}

/* A domain of the windows in @mask with geometries @g[w]. */
static int make_dom(struct iofd_device *idev, uint32_t mask,
		    const struct iommusim_ppc_tce_window *g,
		    struct iofd_domain **out)
{
	struct tce_dom *td = calloc(1, sizeof(*td));
	int ret = 0;

	if (!td)
		return -ENOMEM;
	td->d.ops = &tce_paging_ops;
	td->d.drv = &iofd_tce_dev_ops;
	/* a TCE maps an IO page from one physically contiguous range; the
	 * pinned window gives those (iofd_domain.contig_io_pages) */
	td->d.contig_io_pages = true;
	for (unsigned int w = 0; w < IOFD_DOM_WINDOWS && !ret; w++)
		if (mask & 1u << w)
			ret = add_window(td, dev_sys(idev), w, &g[w]);
	if (ret) {
		dom_free(&td->d);
		return ret;
	}
	*out = &td->d;
	return 0;
}

/* The generic path: both default windows. Nothing else is offered:
 * no dirty tracking, no nesting, no PASIDs. */
static int alloc_paging(struct iofd_device *idev, uint32_t flags,
			struct iofd_domain **out)
{
	if (flags)
		return -EOPNOTSUPP;
	return make_dom(idev, 3, dev_sys(idev)->tce_win, out);
}

/*
 * One window: the default one (@ug NULL) or the user's geometry. Its
 * window is the one bit 59 of the start names; the checks of the
 * geometry are the table's (tce_table_create: page size the PHB builds,
 * alignment, reach of the levels), all EINVAL.
 */
static int alloc_window(struct iofd_device *idev, unsigned int w,
			const struct iommusim_hwpt_ppc_tce_window *ug,
			struct iofd_domain **out)
{
	struct iommusim_ppc_tce_window g[IOFD_DOM_WINDOWS];

	if (!ug) {
		if (w >= IOFD_DOM_WINDOWS)
			return -EINVAL;
		return make_dom(idev, 1u << w, dev_sys(idev)->tce_win, out);
	}
	if (ug->flags || ug->__reserved)
		return -EOPNOTSUPP;
	if (!ug->size || ug->start + ug->size - 1 < ug->start)
		return -EINVAL;
	w = (ug->start & TCE_WIN1_BASE) ? 1 : 0;
	g[w] = (struct iommusim_ppc_tce_window){
		ug->start, ug->size, ug->page_shift,
		ug->levels ? ug->levels : dev_sys(idev)->tce_win[w].levels
	};
	return make_dom(idev, 1u << w, g, out);
}

/* ---- attach ------------------------------------------------------------- */

/* The PE's windows in @mask to @dom's tables (from whatever was there);
 * @was: the windows the PE had before, cleared where @dom has none. */
static int set_windows(struct iofd_device *idev, struct iofd_domain *dom,
		       uint32_t mask, uint32_t was)
{
	struct tce_drv *drv = dev_sys(idev)->tce_drv;
	uint32_t pe = dev_pe(idev);
	int ret;

	for (unsigned int w = 0; w < IOFD_DOM_WINDOWS; w++) {
		if (mask & 1u << w) {
			ret = tce_drv_attach(drv, pe, w, tdom(dom)->tbl[w]);
			if (ret)
				return ret;
		} else if (was & 1u << w) {
			tce_drv_detach(drv, pe, w);
		}
	}
	return 0;
}

/*
 * The RID into @dom: its windows' TVEs point at its tables, a window the
 * old domain had and this one has not is closed. Each PE is one device
 * and one group (sys.c), so moving the group is programming this PE. A
 * failed TVE write (only a driver bug could make one) puts the old
 * windows back.
 */
static int attach_group(struct iofd_device *idev, struct iofd_domain *dom,
			struct iofd_domain *old)
{
	uint32_t was = *rid_windows(idev);
	int ret = set_windows(idev, dom, dom->win_mask, was);

	if (ret) {
		if (old)
			set_windows(idev, old, old->win_mask, dom->win_mask);
		else
			set_windows(idev, dom, 0, dom->win_mask);
		return ret;
	}
	*rid_windows(idev) = dom->win_mask;
	return 0;
}

static void detach_group(struct iofd_device *idev)
{
	set_windows(idev, NULL, 0, *rid_windows(idev));
	*rid_windows(idev) = 0;
}

/* Window attachments (device.c has checked the pseudo-PASID and that
 * no other attachment holds the window). */
static int attach_pasid(struct iofd_device *idev, uint32_t pasid,
			struct iofd_domain *dom, struct iofd_domain *old)
{
	unsigned int w = pasid & 1;

	(void)old;
	return tce_drv_attach(dev_sys(idev)->tce_drv, dev_pe(idev), w,
			      tdom(dom)->tbl[w]);
}

static void detach_pasid(struct iofd_device *idev, uint32_t pasid)
{
	tce_drv_detach(dev_sys(idev)->tce_drv, dev_pe(idev), pasid & 1);
}

/* No PASIDs: the pseudo-PASIDs of windows are not PCI PASIDs. */
static unsigned int pasid_bits(struct iofd_device *idev)
{
	(void)idev;
	return 0;
}

/* The MSI regions (the 32-bit page at 0xffff0000, everything with bits
 * 63:60 = 1) lie outside both windows, which the domain reserves
 * around, so the device adds nothing. */
static int reserve(struct iofd_device *idev, struct iofd_ioas *ioas)
{
	(void)idev;
	(void)ioas;
	return 0;
}

/* iommusim's own type (iommufd_uapi.h): the PE and its default windows;
 * also the answer to IOMMU_HW_INFO_TYPE_DEFAULT. */
static int hw_info(struct iofd_device *idev, uint32_t type,
		   struct iofd_hw_info *out)
{
	struct iofd_sys *sys = dev_sys(idev);
	struct iommusim_hw_info_ppc_tce data = { 0 };

	if (type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    type != IOMMUSIM_HW_INFO_TYPE_PPC_TCE)
		return -EOPNOTSUPP;
	data.phb_gen = tce_drv_phb_gen(sys->tce_drv);
	data.pe = dev_pe(idev);
	data.nr_windows = IOFD_DOM_WINDOWS;
	data.pgsize_bitmap = tce_drv_pgsizes(sys->tce_drv);
	data.max_levels = TCE_TVE_LEVELS_MAX;
	memcpy(data.windows, sys->tce_win, sizeof(data.windows));
	_Static_assert(sizeof(data) <= sizeof(out->data), "hw_info room");
	out->type = IOMMUSIM_HW_INFO_TYPE_PPC_TCE;
	out->len = sizeof(data);
	memcpy(out->data, &data, sizeof(data));
	out->caps = 0;
	out->max_pasid_log2 = 0;
	return 0;
}

const struct iofd_dev_ops iofd_tce_dev_ops = {
	.name = "ppc_tce",
	.alloc_paging = alloc_paging,
	.nwindows = IOFD_DOM_WINDOWS,
	.alloc_window = alloc_window,
	.pasid_bits = pasid_bits,
	.attach_pasid = attach_pasid,
	.detach_pasid = detach_pasid,
	.attach_group = attach_group,
	.detach_group = detach_group,
	.reserve = reserve,
	.hw_info = hw_info,
	.release = iofd_sys_release_dev,
};

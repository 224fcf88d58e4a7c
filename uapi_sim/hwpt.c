// SPDX-License-Identifier: MIT
/*
 * hwpt.c - hardware page tables and what reads the hardware:
 * IOMMU_HWPT_ALLOC, IOMMU_HWPT_INVALIDATE, IOMMU_GET_HW_INFO,
 * IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP (kernel:
 * drivers/iommu/iommufd/hw_pagetable.c, device.c iommufd_get_hw_info,
 * io_pagetable.c iopt_read_and_clear_dirty_data; the VT-d side as
 * drivers/iommu/intel/iommu.c and nested.c answer).
 *
 * A HWPT holds a domain made by the driver of the device named in
 * HWPT_ALLOC (or attached, for an automatic one): struct iofd_dev_ops in
 * iofd_private.h. A nested HWPT is the user's first stage over a
 * NEST_PARENT paging HWPT of the same driver.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"

#define HWPT_FLAGS                                                        \
	(IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING | \
	 IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)

static struct iofd_hwpt *hwpt_new(struct iofd_ctx *ictx, uint32_t flags,
				  enum iofd_obj_type type)
{
	struct iofd_hwpt *hwpt = calloc(1, sizeof(*hwpt));

	if (!hwpt)
		return NULL;
	hwpt->flags = flags;
	if (iofd_object_add(ictx, &hwpt->obj, type)) {
		free(hwpt);
		return NULL;
	}
	return hwpt;
}

/* A paging HWPT: a domain of the driver's alloc_paging (@w < 0) or of
 * its alloc_window, filled from @ioas. */
static int paging_make(struct iofd_device *idev, struct iofd_ioas *ioas,
		       uint32_t flags, bool auto_domain, int w,
		       const struct iommusim_hwpt_ppc_tce_window *g,
		       struct iofd_hwpt **out)
{
	struct iofd_ctx *ictx = idev->ictx;
	struct iofd_hwpt *hwpt;
	int ret;

	hwpt = hwpt_new(ictx, flags, IOFD_OBJ_HWPT_PAGING);
	if (!hwpt)
		return -ENOMEM;
	hwpt->ioas = ioas;
	ioas->obj.users++;
	hwpt->auto_domain = auto_domain;
	if (w < 0)
		ret = idev->ops->alloc_paging(
			idev, flags & ~(uint32_t)IOMMU_HWPT_FAULT_ID_VALID,
			&hwpt->dom);
	else
		ret = idev->ops->alloc_window(idev, (unsigned int)w, g,
					      &hwpt->dom);
	if (!ret)
		ret = iofd_ioas_add_domain(ioas, hwpt);
	if (ret) {
		iofd_object_remove(ictx, &hwpt->obj);
		return ret;
	}
	*out = hwpt;
	return 0;
}

/**
 * iofd_hwpt_paging_new() - a paging HWPT over @ioas with a domain of
 * @idev's driver (kernel iommufd_hwpt_paging_alloc), filled from the
 * IOAS before anything attaches to it (the kernel fills an automatic one
 * just after its first attach; only the errno of a double failure can
 * differ).
 * @idev: the device whose driver makes the domain.
 * @ioas: the IOAS it mirrors.
 * @flags: IOMMU_HWPT_ALLOC_* (generic checks done by the caller).
 * @auto_domain: made by an attach to the IOAS.
 * @out: the HWPT, in the object table.
 *
 * Return: 0, the driver's -EOPNOTSUPP, errors of the IOAS fill, -ENOSPC,
 * -ENOMEM.
 */
int iofd_hwpt_paging_new(struct iofd_device *idev, struct iofd_ioas *ioas,
			 uint32_t flags, bool auto_domain,
			 struct iofd_hwpt **out)
{
	return paging_make(idev, ioas, flags, auto_domain, -1, NULL, out);
}

/**
 * iofd_hwpt_window_new() - a paging HWPT over @ioas whose domain is one
 * DMA window of @idev's windowed IOMMU (an iommusim extension,
 * drv_ppc.c): window @w with its default geometry, or the geometry @g.
 * @idev: a device whose driver has windows.
 * @ioas: the IOAS it mirrors.
 * @w: the window (ignored with @g: bit 59 of its start picks).
 * @g: the user's geometry, or NULL.
 * @auto_domain: made by an attach to the IOAS.
 * @out: the HWPT, in the object table.
 *
 * Return: 0, -EOPNOTSUPP (no windows), the driver's -EINVAL for a
 * geometry it cannot build, errors of the IOAS fill, -ENOMEM.
 */
int iofd_hwpt_window_new(struct iofd_device *idev, struct iofd_ioas *ioas,
			 unsigned int w,
			 const struct iommusim_hwpt_ppc_tce_window *g,
			 bool auto_domain, struct iofd_hwpt **out)
{
	if (!idev->ops->alloc_window)
		return -EOPNOTSUPP;
	return paging_make(idev, ioas, 0, auto_domain, (int)w, g, out);
}

/** iofd_hwpt_destroy() - free a HWPT nothing uses any more. */
void iofd_hwpt_destroy(struct iofd_hwpt *hwpt)
{
	if (hwpt->ioas) {
		iofd_ioas_remove_domain(hwpt->ioas, hwpt);
		iofd_put_object(&hwpt->ioas->obj);
	}
	if (hwpt->dom)
		hwpt->dom->ops->free(hwpt->dom);
	if (hwpt->parent)
		iofd_put_object(&hwpt->parent->obj);
	if (hwpt->fault)
		iofd_put_object(&hwpt->fault->obj);
	if (hwpt->viommu)
		iofd_put_object(&hwpt->viommu->obj);
	free(hwpt);
}

/* A nested HWPT over @parent (on @v when not NULL) with a domain of
 * @idev's driver. */
static int nested_new(struct iofd_device *idev, struct iofd_hwpt *parent,
		      struct iofd_viommu *v, const struct iommu_hwpt_alloc *c,
		      struct iofd_hwpt **out)
{
	struct iofd_ctx *ictx = idev->ictx;
	struct iofd_hwpt *hwpt;
	int ret;

	hwpt = hwpt_new(ictx, c->flags, IOFD_OBJ_HWPT_NESTED);
	if (!hwpt)
		return -ENOMEM;
	hwpt->parent = parent;
	parent->obj.users++;
	if (v) {
		hwpt->viommu = v;
		v->obj.users++;
	}
	ret = idev->ops->alloc_nested(idev, parent->dom, v, c, &hwpt->dom);
	if (ret) {
		iofd_object_remove(ictx, &hwpt->obj);
		return ret;
	}
	*out = hwpt;
	return 0;
}

/* kernel iommufd_hwpt_nested_alloc, then the driver's alloc_nested */
static int nested_alloc(struct iofd_device *idev, struct iofd_hwpt *parent,
			const struct iommu_hwpt_alloc *c,
			struct iofd_hwpt **out)
{
	if (c->flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID) ||
	    c->data_type == IOMMU_HWPT_DATA_NONE || !idev->ops->alloc_nested)
		return -EOPNOTSUPP;
	if (parent->auto_domain ||
	    !(parent->flags & IOMMU_HWPT_ALLOC_NEST_PARENT) ||
	    parent->dom->drv != idev->ops)
		return -EINVAL;
	return nested_new(idev, parent, NULL, c, out);
}

/* kernel iommufd_viommu_alloc_hwpt_nested: a nested HWPT on a vIOMMU,
 * over the vIOMMU's parent HWPT */
static int viommu_nested_alloc(struct iofd_device *idev, struct iofd_viommu *v,
			       const struct iommu_hwpt_alloc *c,
			       struct iofd_hwpt **out)
{
	if (c->flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID) ||
	    !c->data_len || !idev->ops->alloc_nested)
		return -EOPNOTSUPP;
	if (idev->ops != v->drv)
		return -EINVAL;
	return nested_new(idev, v->hwpt, v, c, out);
}

/*
 * iommusim's HW-specific paging HWPT (IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW):
 * one DMA window with the user's geometry. The data is read as every
 * driver's (iofd_user_data: shorter or longer EINVAL); flags other than
 * FAULT_ID_VALID are EOPNOTSUPP.
 */
static int window_alloc(struct iofd_device *idev, struct iofd_ioas *ioas,
			const struct iommu_hwpt_alloc *c,
			struct iofd_hwpt **out)
{
	struct iommusim_hwpt_ppc_tce_window g;
	int ret;

	if (c->flags & ~(uint32_t)IOMMU_HWPT_FAULT_ID_VALID ||
	    !idev->ops->alloc_window)
		return -EOPNOTSUPP;
	ret = iofd_user_data(idev->ictx, c->data_uptr, c->data_len, &g,
			     sizeof(g), sizeof(g));
	if (ret)
		return ret;
	return iofd_hwpt_window_new(idev, ioas, 0, &g, false, out);
}

static int paging_alloc(struct iofd_device *idev, struct iofd_ioas *ioas,
			const struct iommu_hwpt_alloc *c,
			struct iofd_hwpt **out)
{
	if (c->data_type == IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW)
		return window_alloc(idev, ioas, c, out);
	if (c->flags & ~HWPT_FLAGS || c->data_type != IOMMU_HWPT_DATA_NONE)
		return -EOPNOTSUPP;
	if ((c->flags & IOMMU_HWPT_FAULT_ID_VALID) &&
	    (c->flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return -EOPNOTSUPP;
	return iofd_hwpt_paging_new(idev, ioas, c->flags, false, out);
}

/* FAULT_ID_VALID: the HWPT sends its faults to that object (a ref). */
static int take_fault(struct iofd_ctx *ictx, const struct iommu_hwpt_alloc *c,
		      struct iofd_hwpt *hwpt)
{
	struct iofd_object *fault;

	if (!(c->flags & IOMMU_HWPT_FAULT_ID_VALID))
		return 0;
	fault = iofd_get_object(ictx, c->fault_id, IOFD_OBJ_FAULT);
	if (!fault)
		return -ENOENT;
	hwpt->fault = (struct iofd_fault *)fault; /* keeps get's reference */
	return 0;
}

/**
 * iofd_hwpt_alloc_ioctl() - IOMMU_HWPT_ALLOC (kernel iommufd_hwpt_alloc):
 * __reserved EOPNOTSUPP; data_type and data_len disagreeing EINVAL;
 * dev_id ENOENT; pt_id naming nothing EINVAL; then by what pt_id is: an
 * IOAS gives a paging HWPT, a NEST_PARENT paging HWPT a nested one,
 * anything else EINVAL; last, FAULT_ID_VALID with no such fault ENOENT.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_hwpt_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_hwpt_alloc *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iofd_object *pt;
	struct iofd_device *dev;
	struct iofd_hwpt *hwpt = NULL;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->data_type == IOMMU_HWPT_DATA_NONE) != !cmd->data_len)
		return -EINVAL;
	dev = (struct iofd_device *)iofd_get_object(ictx, cmd->dev_id,
						    IOFD_OBJ_DEVICE);
	if (!dev)
		return -ENOENT;
	pt = iofd_get_object(ictx, cmd->pt_id, IOFD_OBJ_ANY);
	if (!pt) {
		iofd_put_object(&dev->obj);
		return -EINVAL;
	}
	if (pt->type == IOFD_OBJ_IOAS)
		ret = paging_alloc(dev, (struct iofd_ioas *)pt, cmd, &hwpt);
	else if (pt->type == IOFD_OBJ_HWPT_PAGING)
		ret = nested_alloc(dev, (struct iofd_hwpt *)pt, cmd, &hwpt);
	else if (pt->type == IOFD_OBJ_VIOMMU)
		ret = viommu_nested_alloc(dev, (struct iofd_viommu *)pt, cmd,
					  &hwpt);
	else
		ret = -EINVAL;
	iofd_put_object(pt);
	iofd_put_object(&dev->obj);
	if (ret)
		return ret;
	/* the kernel looks the fault object up once the HWPT exists */
	ret = take_fault(ictx, cmd, hwpt);
	cmd->out_hwpt_id = hwpt->obj.id;
	if (!ret)
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		iofd_object_remove(ictx, &hwpt->obj);
	return ret;
}

/**
 * iofd_hwpt_invalidate() - IOMMU_HWPT_INVALIDATE (kernel
 * iommufd_hwpt_invalidate): a nested HWPT's array of driver requests,
 * carried out in order until one fails; entry_num comes back as how many
 * were done, also on failure.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_hwpt_invalidate(struct iofd_ucmd *ucmd)
{
	struct iommu_hwpt_invalidate *cmd = ucmd->cmd;
	struct iofd_object *obj;
	int ret, wret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len)) {
		cmd->entry_num = 0;
		wret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
		return wret ? wret : -EINVAL;
	}
	obj = iofd_get_object(ucmd->ictx, cmd->hwpt_id, IOFD_OBJ_ANY);
	if (!obj)
		return -ENOENT;
	if (obj->type == IOFD_OBJ_HWPT_NESTED) {
		struct iofd_domain *d = ((struct iofd_hwpt *)obj)->dom;
		uint32_t done = 0;

		ret = d->ops->invalidate_user ?
			      d->ops->invalidate_user(d, ucmd->ictx, cmd,
						      &done) :
			      -EOPNOTSUPP;
		cmd->entry_num = done;
	} else if (obj->type == IOFD_OBJ_VIOMMU) {
		struct iofd_viommu *v = (struct iofd_viommu *)obj;
		uint32_t done = 0;

		ret = v->drv->viommu_invalidate ?
			      v->drv->viommu_invalidate(v, ucmd->ictx, cmd,
							&done) :
			      -EOPNOTSUPP;
		cmd->entry_num = done;
	} else {
		ret = -EINVAL;
		cmd->entry_num = 0;
	}
	iofd_put_object(obj);
	wret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	return ret ? ret : wret;
}

/**
 * iofd_get_hw_info() - IOMMU_GET_HW_INFO (kernel iommufd_get_hw_info):
 * the driver's data copied up to data_len, the rest of the user's buffer
 * zeroed, data_len set to the full size, the driver's type and
 * capabilities.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_get_hw_info(struct iofd_ucmd *ucmd)
{
	struct iommu_hw_info *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	static const uint8_t zero[64];
	struct iofd_hw_info info = { 0 };
	struct iofd_device *dev;
	uint32_t n;
	int ret = 0;

	if (cmd->flags & ~(uint32_t)IOMMU_HW_INFO_FLAG_INPUT_TYPE ||
	    cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
	dev = (struct iofd_device *)iofd_get_object(ictx, cmd->dev_id,
						    IOFD_OBJ_DEVICE);
	if (!dev)
		return -ENOENT;
	ret = dev->ops->hw_info(dev, cmd->in_data_type, &info);
	iofd_put_object(&dev->obj);
	if (ret)
		return ret;
	n = cmd->data_len < info.len ? cmd->data_len : info.len;
	if (n)
		ret = iofd_uwrite(ictx, cmd->data_uptr, info.data, n);
	for (uint64_t off = n; !ret && off < cmd->data_len;) {
		uint64_t k = cmd->data_len - off < sizeof(zero) ?
				     cmd->data_len - off :
				     sizeof(zero);

		ret = iofd_uwrite(ictx, cmd->data_uptr + off, zero, k);
		off += k;
	}
	if (ret)
		return ret;
	cmd->data_len = info.len;
	cmd->out_data_type = info.type;
	cmd->out_max_pasid_log2 = info.max_pasid_log2;
	cmd->out_capabilities = info.caps;
	return iofd_ucmd_respond(ucmd, sizeof(*cmd));
}

static struct iofd_hwpt *get_paging(struct iofd_ctx *ictx, uint32_t id)
{
	return (struct iofd_hwpt *)iofd_get_object(ictx, id,
						   IOFD_OBJ_HWPT_PAGING);
}

/* Clear what the hardware marked, reporting nothing (enabling starts
 * from a clean state, kernel iopt_clear_dirty_data). */
/**
 * iofd_dirty_ignore() - a pt_dirty_fn that reports nothing: what a driver
 * hands its page-table code when iommufd asks to clear dirty state
 * without a report (read_and_clear_dirty with @fn NULL).
 */
void iofd_dirty_ignore(void *ctx, uint64_t iova, uint64_t len)
{
	(void)ctx;
	(void)iova;
	(void)len;
}

static void clear_dirty(struct iofd_hwpt *hwpt)
{
	struct iofd_domain *d = hwpt->dom;
	uint64_t len = d->aperture_last - d->aperture_start + 1;

	if (!len) /* an aperture of all 2^64 bytes: no unit has one */
		len = UINT64_MAX & ~0xfffULL;
	d->ops->read_and_clear_dirty(d, d->aperture_start, len, false, NULL,
				     NULL);
}

/**
 * iofd_hwpt_set_dirty_tracking() - IOMMU_HWPT_SET_DIRTY_TRACKING (kernel
 * iommufd_hwpt_set_dirty_tracking; __reserved is not checked there
 * either): EOPNOTSUPP for a HWPT allocated without DIRTY_TRACKING.
 * Enabling clears the dirty bits already set.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_hwpt_set_dirty_tracking(struct iofd_ucmd *ucmd)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct iofd_hwpt *hwpt;
	bool on = cmd->flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	int ret = 0;

	if (cmd->flags & ~(uint32_t)IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;
	hwpt = get_paging(ucmd->ictx, cmd->hwpt_id);
	if (!hwpt)
		return -ENOENT;
	if (!(hwpt->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) ||
	    !hwpt->dom->ops->read_and_clear_dirty)
		ret = -EOPNOTSUPP;
	else if (on && !hwpt->dirty_tracking)
		clear_dirty(hwpt);
	if (!ret && hwpt->dom->ops->set_dirty_tracking)
		ret = hwpt->dom->ops->set_dirty_tracking(hwpt->dom, on);
	if (!ret)
		hwpt->dirty_tracking = on;
	iofd_put_object(&hwpt->obj);
	return ret;
}

/*
 * The bitmap is gathered a window of DIRTY_WINDOW bits at a time, so
 * memory stays bounded whatever the range. A window spans a multiple of
 * 1 MiB (whole bits of page_size) and both drivers report pages from the
 * window's start in steps of their page size (VT-d clips to the range),
 * so no reported page straddles two windows.
 */
#define DIRTY_WINDOW (1ULL << 20)

struct dirty_walk {
	uint64_t iova, page_size, nbits; /* this window */
	uint64_t *bits;
};

static void mark_bits(struct dirty_walk *w, uint64_t iova, uint64_t last)
{
	uint64_t wlast = w->iova + (w->nbits * w->page_size - 1);
	uint64_t first, end;

	if (last < w->iova || iova > wlast)
		return;
	first = (iova < w->iova ? 0 : iova - w->iova) / w->page_size;
	end = ((last > wlast ? wlast : last) - w->iova) / w->page_size;
	for (uint64_t b = first; b <= end; b++)
		w->bits[b / 64] |= 1ULL << (b % 64);
}

static void mark_dirty(void *ctx, uint64_t iova, uint64_t len)
{
	mark_bits(ctx, iova, iova + len - 1);
}

/* OR the window's bits into the user's bitmap from bit @base (the kernel
 * sets bits, never clears them: the caller zeroes the bitmap). */
static int merge_bitmap(struct iofd_ctx *ictx, uint64_t uptr, uint64_t base,
			const struct dirty_walk *w)
{
	uint64_t words = (w->nbits + 63) / 64;

	for (uint64_t i = 0; i < words; i++) {
		uint64_t v, at = uptr + base / 8 + i * 8;

		if (!w->bits[i])
			continue;
		if (iofd_uread(ictx, at, &v, 8))
			return -EFAULT;
		v |= w->bits[i];
		if (iofd_uwrite(ictx, at, &v, 8))
			return -EFAULT;
	}
	return 0;
}

static int read_dirty(struct iofd_ctx *ictx, struct iofd_hwpt *hwpt,
		      const struct iommu_hwpt_get_dirty_bitmap *c)
{
	struct iofd_domain *d = hwpt->dom;
	struct dirty_walk w = { .page_size = c->page_size };
	uint64_t total = c->length / c->page_size;
	int ret = 0;

	if (!(hwpt->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) ||
	    !d->ops->read_and_clear_dirty)
		return -EOPNOTSUPP;
	w.bits = malloc(DIRTY_WINDOW / 8);
	if (!w.bits)
		return -ENOMEM;
	for (uint64_t base = 0; !ret && base < total; base += DIRTY_WINDOW) {
		int64_t n;

		w.nbits = total - base < DIRTY_WINDOW ? total - base :
							DIRTY_WINDOW;
		w.iova = c->iova + base * c->page_size;
		memset(w.bits, 0, (w.nbits + 63) / 64 * 8);
		/* the kernel pins each chunk of the user's bitmap first:
		 * a bitmap that is not there is EFAULT before any walk */
		if (iofd_uread(ictx, c->data + base / 8, w.bits, 1) ||
		    iofd_uread(ictx, c->data + (base + w.nbits - 1) / 8, w.bits,
			       1)) {
			ret = -EFAULT;
			break;
		}
		w.bits[0] = 0;
		n = d->ops->read_and_clear_dirty(
			d, w.iova, w.nbits * c->page_size,
			c->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
			mark_dirty, &w);
		ret = n < 0 ? (int)n : merge_bitmap(ictx, c->data, base, &w);
	}
	free(w.bits);
	return ret;
}

/**
 * iofd_hwpt_get_dirty_bitmap() - IOMMU_HWPT_GET_DIRTY_BITMAP (kernel
 * iommufd_hwpt_get_dirty_bitmap, iommufd_check_iova_range): one bit per
 * page_size bytes from iova, set for each page the unit wrote through the
 * domain; the bits are cleared (and the IOTLB flushed) unless NO_CLEAR.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_hwpt_get_dirty_bitmap(struct iofd_ucmd *ucmd)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct iofd_hwpt *hwpt;
	uint64_t last, align;
	int ret;

	if (cmd->flags & ~(uint32_t)IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR ||
	    cmd->__reserved)
		return -EOPNOTSUPP;
	hwpt = get_paging(ucmd->ictx, cmd->hwpt_id);
	if (!hwpt)
		return -ENOENT;
	align = iofd_ioas_alignment(hwpt->ioas);
	if (!cmd->length ||
	    __builtin_add_overflow(cmd->iova, cmd->length - 1, &last))
		ret = -EOVERFLOW;
	else if (cmd->iova % align || (last + 1) % align || !cmd->page_size ||
		 cmd->iova % cmd->page_size || (last + 1) % cmd->page_size)
		ret = -EINVAL;
	else
		ret = read_dirty(ucmd->ictx, hwpt, cmd);
	iofd_put_object(&hwpt->obj);
	return ret;
}

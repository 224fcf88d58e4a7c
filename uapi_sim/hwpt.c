// SPDX-License-Identifier: MIT
/*
 * hwpt.c - hardware page tables and what reads the hardware:
 * IOMMU_HWPT_ALLOC, IOMMU_HWPT_INVALIDATE, IOMMU_GET_HW_INFO,
 * IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP (kernel:
 * drivers/iommu/iommufd/hw_pagetable.c, device.c iommufd_get_hw_info,
 * io_pagetable.c iopt_read_and_clear_dirty_data; the VT-d side as
 * drivers/iommu/intel/iommu.c and nested.c answer).
 *
 * A paging HWPT is a domain of the VT-d driver side (hw/vtd/driver.h):
 * first stage when the unit has scalable mode and first-stage support and
 * neither nesting nor dirty tracking is asked for (Linux's preference),
 * else second stage. A nested HWPT is the user's first stage over a
 * NEST_PARENT paging HWPT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/vtd/regs.h"
#include "iofd_private.h"
#include "model/bits.h"

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

/**
 * iofd_hwpt_paging_new() - a paging HWPT over @ioas (kernel
 * iommufd_hwpt_paging_alloc), filled from the IOAS before anything
 * attaches to it (the kernel fills an automatic one just after its
 * first attach; only the errno of a double failure can differ).
 * @ictx: the context.
 * @ioas: the IOAS it mirrors.
 * @flags: IOMMU_HWPT_ALLOC_* (checked by the caller).
 * @auto_domain: made by an attach to the IOAS.
 * @out: the HWPT, in the object table.
 *
 * Return: 0, -EOPNOTSUPP (dirty tracking without ECAP.SSADS), errors of
 * the IOAS fill, -ENOSPC, -ENOMEM.
 */
int iofd_hwpt_paging_new(struct iofd_ctx *ictx, struct iofd_ioas *ioas,
			 uint32_t flags, bool auto_domain,
			 struct iofd_hwpt **out)
{
	struct vtd_drv *drv = ictx->sys->drv;
	bool ss = flags & (IOMMU_HWPT_ALLOC_NEST_PARENT |
			   IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	enum vtd_domain_kind kind = VTD_DOMAIN_SS;
	struct vtd_hw_info hw;
	struct iofd_hwpt *hwpt;
	int ret;

	vtd_drv_hw_info(drv, &hw);
	if (!ss && vtd_drv_scalable(drv) && (hw.ecap_reg & VTD_ECAP_FSTS))
		kind = VTD_DOMAIN_FS;
	hwpt = hwpt_new(ictx, flags, IOFD_OBJ_HWPT_PAGING);
	if (!hwpt)
		return -ENOMEM;
	ret = vtd_domain_alloc(
		drv, kind,
		flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING ? VTD_DOMAIN_DIRTY : 0,
		&hwpt->dom);
	hwpt->ioas = ioas;
	ioas->obj.users++;
	hwpt->auto_domain = auto_domain;
	if (!ret)
		ret = iofd_ioas_add_domain(ioas, hwpt);
	if (ret) {
		iofd_object_remove(ictx, &hwpt->obj);
		return ret;
	}
	*out = hwpt;
	return 0;
}

/** iofd_hwpt_destroy() - free a HWPT nothing uses any more. */
void iofd_hwpt_destroy(struct iofd_hwpt *hwpt)
{
	if (hwpt->ioas) {
		iofd_ioas_remove_domain(hwpt->ioas, hwpt);
		iofd_put_object(&hwpt->ioas->obj);
	}
	if (hwpt->parent)
		iofd_put_object(&hwpt->parent->obj);
	if (hwpt->dom)
		vtd_domain_free(hwpt->dom);
	free(hwpt);
}

/* The user's struct iommu_hwpt_vtd_s1, as iommu_copy_struct_from_user:
 * shorter than its last field EINVAL, a non-zero tail E2BIG. */
static int read_vtd_s1(struct iofd_ctx *ictx, const struct iommu_hwpt_alloc *c,
		       struct vtd_s1_data *s1)
{
	struct iommu_hwpt_vtd_s1 u = { 0 };
	size_t min = offsetof(struct iommu_hwpt_vtd_s1, __reserved) +
		     sizeof(u.__reserved);

	if (c->data_type != IOMMU_HWPT_DATA_VTD_S1)
		return -EOPNOTSUPP;
	if (c->data_len < min)
		return -EINVAL;
	for (uint64_t off = sizeof(u); off < c->data_len; off++) {
		uint8_t b;

		if (iofd_uread(ictx, c->data_uptr + off, &b, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (iofd_uread(ictx, c->data_uptr, &u, sizeof(u)))
		return -EFAULT;
	*s1 = (struct vtd_s1_data){ u.flags, u.pgtbl_addr, u.addr_width,
				    u.__reserved };
	return 0;
}

/* kernel iommufd_hwpt_nested_alloc + intel_iommu_domain_alloc_nested */
static int nested_alloc(struct iofd_ctx *ictx, struct iofd_hwpt *parent,
			const struct iommu_hwpt_alloc *c,
			struct iofd_hwpt **out)
{
	struct vtd_s1_data s1;
	struct iofd_hwpt *hwpt;
	int ret;

	if (c->flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID) ||
	    c->data_type == IOMMU_HWPT_DATA_NONE)
		return -EOPNOTSUPP;
	if (parent->auto_domain ||
	    !(parent->flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return -EINVAL;
	ret = read_vtd_s1(ictx, c, &s1);
	if (ret)
		return ret;
	hwpt = hwpt_new(ictx, c->flags, IOFD_OBJ_HWPT_NESTED);
	if (!hwpt)
		return -ENOMEM;
	hwpt->parent = parent;
	parent->obj.users++;
	ret = vtd_nested_alloc(parent->dom, &s1, &hwpt->dom);
	if (ret) {
		iofd_object_remove(ictx, &hwpt->obj);
		return ret;
	}
	*out = hwpt;
	return 0;
}

static int paging_alloc(struct iofd_ctx *ictx, struct iofd_ioas *ioas,
			const struct iommu_hwpt_alloc *c,
			struct iofd_hwpt **out)
{
	struct vtd_hw_info hw;

	vtd_drv_hw_info(ictx->sys->drv, &hw);
	if (c->flags & ~HWPT_FLAGS || c->data_type != IOMMU_HWPT_DATA_NONE)
		return -EOPNOTSUPP;
	if ((c->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !(hw.ecap_reg & VTD_ECAP_SSADS))
		return -EOPNOTSUPP;
	if ((c->flags & IOMMU_HWPT_FAULT_ID_VALID) &&
	    (c->flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return -EOPNOTSUPP;
	return iofd_hwpt_paging_new(ictx, ioas, c->flags, false, out);
}

static int check_fault_id(struct iofd_ctx *ictx,
			  const struct iommu_hwpt_alloc *c)
{
	struct iofd_object *fault;

	/* no fault objects exist yet, so a valid fault_id names nothing */
	if (!(c->flags & IOMMU_HWPT_FAULT_ID_VALID))
		return 0;
	fault = iofd_get_object(ictx, c->fault_id, IOFD_OBJ_FAULT);
	if (!fault)
		return -ENOENT;
	iofd_put_object(fault);
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
	struct iofd_object *dev, *pt;
	struct iofd_hwpt *hwpt = NULL;
	int ret;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->data_type == IOMMU_HWPT_DATA_NONE) != !cmd->data_len)
		return -EINVAL;
	dev = iofd_get_object(ictx, cmd->dev_id, IOFD_OBJ_DEVICE);
	if (!dev)
		return -ENOENT;
	pt = iofd_get_object(ictx, cmd->pt_id, IOFD_OBJ_ANY);
	if (!pt) {
		iofd_put_object(dev);
		return -EINVAL;
	}
	if (pt->type == IOFD_OBJ_IOAS)
		ret = paging_alloc(ictx, (struct iofd_ioas *)pt, cmd, &hwpt);
	else if (pt->type == IOFD_OBJ_HWPT_PAGING)
		ret = nested_alloc(ictx, (struct iofd_hwpt *)pt, cmd, &hwpt);
	else
		ret = -EINVAL;
	iofd_put_object(pt);
	iofd_put_object(dev);
	if (ret)
		return ret;
	/* the kernel looks the fault object up once the HWPT exists */
	ret = check_fault_id(ictx, cmd);
	cmd->out_hwpt_id = hwpt->obj.id;
	if (!ret)
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		iofd_object_remove(ictx, &hwpt->obj);
	return ret;
}

/* One request of the user's array, as iommu_copy_struct_from_full_user_array. */
static int read_s1_inval(struct iofd_ctx *ictx,
			 const struct iommu_hwpt_invalidate *c, uint32_t i,
			 struct vtd_s1_inval *inv)
{
	struct iommu_hwpt_vtd_s1_invalidate u = { 0 };
	uint64_t at = c->data_uptr + (uint64_t)i * c->entry_len;
	size_t n = c->entry_len < sizeof(u) ? c->entry_len : sizeof(u);

	if (c->entry_len < sizeof(u))
		return -EINVAL;
	for (uint64_t off = sizeof(u); off < c->entry_len; off++) {
		uint8_t b;

		if (iofd_uread(ictx, at + off, &b, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (iofd_uread(ictx, at, &u, n))
		return -EFAULT;
	*inv = (struct vtd_s1_inval){ u.addr, u.npages, u.flags, u.__reserved };
	return 0;
}

static int nested_invalidate(struct iofd_ctx *ictx, struct iofd_hwpt *hwpt,
			     struct iommu_hwpt_invalidate *c)
{
	uint32_t done = 0;
	int ret = 0;

	/* the type is checked per entry, as intel's cache_invalidate_user
	 * does: zero entries of any type succeed */
	for (; done < c->entry_num; done++) {
		struct vtd_s1_inval inv;
		unsigned int one;

		ret = c->data_type == IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 ?
			      read_s1_inval(ictx, c, done, &inv) :
			      -EINVAL;
		if (!ret)
			ret = vtd_nested_invalidate(hwpt->dom, &inv, 1, &one);
		if (ret)
			break;
	}
	c->entry_num = done;
	return ret;
}

/**
 * iofd_hwpt_invalidate() - IOMMU_HWPT_INVALIDATE (kernel
 * iommufd_hwpt_invalidate): a nested HWPT's array of VT-d requests,
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
		ret = nested_invalidate(ucmd->ictx, (struct iofd_hwpt *)obj,
					cmd);
	} else {
		ret = -EINVAL;
		cmd->entry_num = 0;
	}
	iofd_put_object(obj);
	wret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	return ret ? ret : wret;
}

/**
 * iofd_get_hw_info() - IOMMU_GET_HW_INFO (kernel iommufd_get_hw_info and
 * intel_iommu_hw_info): struct iommu_hw_info_vtd (flags 0, CAP, ECAP)
 * copied up to data_len, the rest of the user's buffer zeroed, data_len
 * set to the full size; DIRTY_TRACKING when ECAP.SSADS. No device of the
 * machine has PASID enabled yet, so out_max_pasid_log2 is 0.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_get_hw_info(struct iofd_ucmd *ucmd)
{
	struct iommu_hw_info *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iommu_hw_info_vtd data = { 0 };
	static const uint8_t zero[64];
	struct iofd_object *dev;
	struct vtd_hw_info hw;
	uint32_t n;
	int ret = 0;

	if (cmd->flags & ~(uint32_t)IOMMU_HW_INFO_FLAG_INPUT_TYPE ||
	    cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;
	dev = iofd_get_object(ictx, cmd->dev_id, IOFD_OBJ_DEVICE);
	if (!dev)
		return -ENOENT;
	iofd_put_object(dev);
	if (cmd->in_data_type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    cmd->in_data_type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return -EOPNOTSUPP;
	vtd_drv_hw_info(ictx->sys->drv, &hw);
	data.flags = hw.flags;
	data.cap_reg = hw.cap_reg;
	data.ecap_reg = hw.ecap_reg;
	n = cmd->data_len < sizeof(data) ? cmd->data_len : sizeof(data);
	if (n)
		ret = iofd_uwrite(ictx, cmd->data_uptr, &data, n);
	for (uint64_t off = n; !ret && off < cmd->data_len;) {
		uint64_t k = cmd->data_len - off < sizeof(zero) ?
				     cmd->data_len - off :
				     sizeof(zero);

		ret = iofd_uwrite(ictx, cmd->data_uptr + off, zero, k);
		off += k;
	}
	if (ret)
		return ret;
	cmd->data_len = sizeof(data);
	cmd->out_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cmd->out_max_pasid_log2 = 0;
	cmd->out_capabilities =
		hw.ecap_reg & VTD_ECAP_SSADS ? IOMMU_HW_CAP_DIRTY_TRACKING : 0;
	return iofd_ucmd_respond(ucmd, sizeof(*cmd));
}

static struct iofd_hwpt *get_paging(struct iofd_ctx *ictx, uint32_t id)
{
	return (struct iofd_hwpt *)iofd_get_object(ictx, id,
						   IOFD_OBJ_HWPT_PAGING);
}

static void ignore_dirty(void *ctx, uint64_t iova, uint64_t len)
{
	(void)ctx;
	(void)iova;
	(void)len;
}

/* Clear what the hardware marked, reporting nothing (enabling starts
 * from a clean state, kernel iopt_clear_dirty_data). */
static void clear_dirty(struct iofd_hwpt *hwpt)
{
	uint64_t last = hwpt->dom->pt.cfg.va_bits >= 64 ?
				UINT64_MAX :
				(1ULL << hwpt->dom->pt.cfg.va_bits) - 1;

	vtd_domain_read_and_clear_dirty(hwpt->dom, 0, last + 1, false,
					ignore_dirty, NULL);
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
	if (!(hwpt->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		ret = -EOPNOTSUPP;
	else if (on && !hwpt->dirty_tracking)
		clear_dirty(hwpt);
	if (!ret)
		hwpt->dirty_tracking = on;
	iofd_put_object(&hwpt->obj);
	return ret;
}

struct dirty_walk {
	uint64_t iova, page_size, nbits;
	uint64_t *bits;
};

static void mark_dirty(void *ctx, uint64_t iova, uint64_t len)
{
	struct dirty_walk *w = ctx;
	uint64_t first = (iova - w->iova) / w->page_size;
	uint64_t last = (iova + len - 1 - w->iova) / w->page_size;

	for (uint64_t b = first; b <= last && b < w->nbits; b++)
		w->bits[b / 64] |= 1ULL << (b % 64);
}

/* OR the bits into the user's bitmap (the kernel sets bits, never
 * clears them: the caller zeroes the bitmap). */
static int merge_bitmap(struct iofd_ctx *ictx, uint64_t uptr,
			const struct dirty_walk *w)
{
	uint64_t words = (w->nbits + 63) / 64;

	for (uint64_t i = 0; i < words; i++) {
		uint64_t v;

		if (!w->bits[i])
			continue;
		if (iofd_uread(ictx, uptr + i * 8, &v, 8))
			return -EFAULT;
		v |= w->bits[i];
		if (iofd_uwrite(ictx, uptr + i * 8, &v, 8))
			return -EFAULT;
	}
	return 0;
}

static int read_dirty(struct iofd_ctx *ictx, struct iofd_hwpt *hwpt,
		      const struct iommu_hwpt_get_dirty_bitmap *c)
{
	struct dirty_walk w = { c->iova, c->page_size, c->length / c->page_size,
				NULL };
	int64_t n;
	int ret;

	if (!(hwpt->flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING))
		return -EOPNOTSUPP;
	w.bits = calloc((w.nbits + 63) / 64, sizeof(*w.bits));
	if (!w.bits)
		return -ENOMEM;
	n = vtd_domain_read_and_clear_dirty(
		hwpt->dom, c->iova, c->length,
		c->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, mark_dirty,
		&w);
	ret = n < 0 ? (int)n : merge_bitmap(ictx, c->data, &w);
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

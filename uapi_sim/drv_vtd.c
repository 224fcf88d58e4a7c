// SPDX-License-Identifier: MIT
/*
 * drv_vtd.c - the VT-d driver as iommufd sees it (the kernel's
 * drivers/iommu/intel/iommu.c and nested.c behind iommu_ops): domains
 * of the VT-d driver side (hw/vtd/driver.h), group attach through the
 * unit's context / PASID entries, reserved regions, hw_info.
 *
 * Paging domains are first stage when the unit has scalable mode and
 * first-stage support and neither nesting nor dirty tracking is asked
 * for (intel_iommu_domain_alloc_paging_flags tries first stage first),
 * else second stage. A first-stage domain with four levels translates
 * the lower canonical half: its aperture ends at 2^47 - 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/vtd/regs.h"
#include "iofd_private.h"

#define VTD_MSI_START 0xfee00000ULL
#define VTD_MSI_LAST 0xfeefffffULL

struct vtd_dom {
	struct iofd_domain d;
	struct vtd_domain *v;
};

static struct vtd_domain *vdom(struct iofd_domain *d)
{
	return ((struct vtd_dom *)d)->v;
}

static struct iofd_sys *dev_sys(struct iofd_device *idev)
{
	return idev->ictx->sys;
}

/* ---- domains ------------------------------------------------------------ */

static int dom_map(struct iofd_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot)
{
	return vtd_domain_map(vdom(d), iova, pa, len, prot);
}

static uint64_t dom_unmap(struct iofd_domain *d, uint64_t iova, uint64_t len)
{
	return vtd_domain_unmap(vdom(d), iova, len);
}

static void dom_large_pages(struct iofd_domain *d, bool on)
{
	vtd_domain_large_pages(vdom(d), on);
}

static int64_t dom_dirty(struct iofd_domain *d, uint64_t iova, uint64_t len,
			 bool no_clear, pt_dirty_fn fn, void *ctx)
{
	return vtd_domain_read_and_clear_dirty(
		vdom(d), iova, len, no_clear, fn ? fn : iofd_dirty_ignore, ctx);
}

static int dom_iova_to_pa(struct iofd_domain *d, uint64_t iova, uint64_t *pa)
{
	struct vtd_domain *v = vdom(d);
	uint64_t size;

	return v->ops->iova_to_phys(&v->pt, iova, pa, &size);
}

static void dom_free(struct iofd_domain *d)
{
	vtd_domain_free(vdom(d));
	free(d);
}

/* One entry of the user's array (iommu_copy_struct_from_user_array):
 * shorter than the struct EINVAL, a non-zero tail E2BIG. */
static int read_s1_inval(struct iofd_ctx *ictx,
			 const struct iommu_hwpt_invalidate *c, uint32_t i,
			 struct vtd_s1_inval *inv)
{
	struct iommu_hwpt_vtd_s1_invalidate u;
	int ret = iofd_user_data(ictx,
				 c->data_uptr + (uint64_t)i * c->entry_len,
				 c->entry_len, &u, sizeof(u), sizeof(u));

	if (!ret)
		*inv = (struct vtd_s1_inval){ u.addr, u.npages, u.flags,
					      u.__reserved };
	return ret;
}

/* intel_nested_cache_invalidate_user: the type is checked per entry, so
 * zero entries of any type succeed. */
static int dom_invalidate_user(struct iofd_domain *d, struct iofd_ctx *ictx,
			       const struct iommu_hwpt_invalidate *c,
			       uint32_t *done)
{
	int ret = 0;

	for (*done = 0; *done < c->entry_num; (*done)++) {
		struct vtd_s1_inval inv;
		unsigned int one;

		ret = c->data_type == IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 ?
			      read_s1_inval(ictx, c, *done, &inv) :
			      -EINVAL;
		if (!ret)
			ret = vtd_nested_invalidate(vdom(d), &inv, 1, &one);
		if (ret)
			break;
	}
	return ret;
}

static const struct iofd_domain_ops vtd_paging_ops = {
	.map = dom_map,
	.unmap = dom_unmap,
	.large_pages = dom_large_pages,
	.read_and_clear_dirty = dom_dirty,
	.iova_to_pa = dom_iova_to_pa,
	.free = dom_free,
};

static const struct iofd_domain_ops vtd_nested_ops = {
	.invalidate_user = dom_invalidate_user,
	.free = dom_free,
};

static struct iofd_domain *wrap(struct vtd_domain *v)
{
	struct vtd_dom *w = calloc(1, sizeof(*w));
	unsigned int bits = v->pt.cfg.va_bits;

	if (!w)
		return NULL;
	w->v = v;
	w->d.drv = &iofd_vtd_dev_ops;
	w->d.nested = v->kind == VTD_DOMAIN_NESTED;
	w->d.ops = w->d.nested ? &vtd_nested_ops : &vtd_paging_ops;
	w->d.pgsize_bitmap = 1ULL << 12 |
			     (v->leaf_levels & 2 ? 1ULL << 21 : 0) |
			     (v->leaf_levels & 4 ? 1ULL << 30 : 0);
	w->d.aperture_last = bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
	return &w->d;
}

static int wrap_or_free(struct vtd_domain *v, struct iofd_domain **out)
{
	*out = wrap(v);
	if (*out)
		return 0;
	vtd_domain_free(v);
	return -ENOMEM;
}

/* intel_iommu_domain_alloc_paging_flags */
static int alloc_paging(struct iofd_device *idev, uint32_t flags,
			struct iofd_domain **out)
{
	struct vtd_drv *drv = dev_sys(idev)->drv;
	bool ss = flags & (IOMMU_HWPT_ALLOC_NEST_PARENT |
			   IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	enum vtd_domain_kind kind = VTD_DOMAIN_SS;
	struct vtd_domain *v;
	struct vtd_hw_info hw;
	int ret;

	vtd_drv_hw_info(drv, &hw);
	if (flags & ~(uint32_t)(IOMMU_HWPT_ALLOC_NEST_PARENT |
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !(hw.ecap_reg & VTD_ECAP_SSADS))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_NEST_PARENT) &&
	    !(hw.ecap_reg & VTD_ECAP_NEST))
		return -EOPNOTSUPP;
	if (!ss && vtd_drv_scalable(drv) && (hw.ecap_reg & VTD_ECAP_FSTS))
		kind = VTD_DOMAIN_FS;
	ret = vtd_domain_alloc(
		drv, kind,
		flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING ? VTD_DOMAIN_DIRTY : 0,
		&v);
	return ret ? ret : wrap_or_free(v, out);
}

/* intel_iommu_domain_alloc_nested: iommu_copy_struct_from_user rules */
static int alloc_nested(struct iofd_device *idev, struct iofd_domain *parent,
			struct iofd_viommu *viommu,
			const struct iommu_hwpt_alloc *c,
			struct iofd_domain **out)
{
	struct iommu_hwpt_vtd_s1 u;
	struct vtd_s1_data s1;
	struct vtd_domain *v;
	int ret;

	if (viommu || c->data_type != IOMMU_HWPT_DATA_VTD_S1)
		return -EOPNOTSUPP;
	ret = iofd_user_data(idev->ictx, c->data_uptr, c->data_len, &u,
			     sizeof(u), sizeof(u));
	if (ret)
		return ret;
	s1 = (struct vtd_s1_data){ u.flags, u.pgtbl_addr, u.addr_width,
				   u.__reserved };
	ret = vtd_nested_alloc(vdom(parent), &s1, &v);
	return ret ? ret : wrap_or_free(v, out);
}

/* ---- groups ------------------------------------------------------------- */

/* A group's move: into @dom, back to @old (or blocked). */
struct vtd_move {
	struct iofd_sys *sys;
	struct vtd_domain *dom, *old;
};

static int move_to(void *arg, uint16_t rid, uint32_t pasid)
{
	struct vtd_move *m = arg;

	return vtd_attach(m->dom, rid, pasid ? pasid : VTD_NO_PASID);
}

static void move_back(void *arg, uint16_t rid, uint32_t pasid)
{
	struct vtd_move *m = arg;

	if (m->old)
		vtd_attach(m->old, rid, pasid ? pasid : VTD_NO_PASID);
	else
		vtd_detach(m->sys->drv, rid, pasid ? pasid : VTD_NO_PASID);
}

/* Every function of the group into @dom, from @old or blocked, in the
 * hardware: the kernel's iommu_attach_group / iommu_group_replace_domain
 * (and their PASID forms). */
static int move(struct iofd_device *idev, uint32_t pasid,
		struct iofd_domain *dom, struct iofd_domain *old)
{
	struct vtd_move m = { dev_sys(idev), vdom(dom),
			      old ? vdom(old) : NULL };

	return iofd_sys_group_move(idev, pasid, move_to, move_back, &m);
}

static int detach_to(void *arg, uint16_t rid, uint32_t pasid)
{
	move_back(arg, rid, pasid);
	return 0;
}

static int attach_group(struct iofd_device *idev, struct iofd_domain *dom,
			struct iofd_domain *old)
{
	return move(idev, IOMMU_NO_PASID, dom, old);
}

/* Scalable mode: PASIDs below 2^15 (the driver side's one-frame PASID
 * directory); legacy mode has none. */
static unsigned int pasid_bits(struct iofd_device *idev)
{
	return vtd_drv_scalable(dev_sys(idev)->drv) ? 15 : 0;
}

static int attach_pasid(struct iofd_device *idev, uint32_t pasid,
			struct iofd_domain *dom, struct iofd_domain *old)
{
	return move(idev, pasid, dom, old);
}

/* Blocked: every function's entry for @pasid cleared. */
static void detach_pasid(struct iofd_device *idev, uint32_t pasid)
{
	struct vtd_move m = { dev_sys(idev), NULL, NULL };

	iofd_sys_group_move(idev, pasid, detach_to, NULL, &m);
}

static void detach_group(struct iofd_device *idev)
{
	detach_pasid(idev, IOMMU_NO_PASID);
}

/* intel_iommu_get_resv_regions: the interrupt range, IOMMU_RESV_MSI */
static int reserve(struct iofd_device *idev, struct iofd_ioas *ioas)
{
	return iofd_ioas_reserve(ioas, VTD_MSI_START, VTD_MSI_LAST, idev);
}

/* intel_iommu_hw_info: struct iommu_hw_info_vtd; the PASID width the
 * device can use (15 bits in scalable mode, none in legacy). */
static int hw_info(struct iofd_device *idev, uint32_t type,
		   struct iofd_hw_info *out)
{
	struct iommu_hw_info_vtd data = { 0 };
	struct vtd_hw_info hw;

	if (type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return -EOPNOTSUPP;
	vtd_drv_hw_info(dev_sys(idev)->drv, &hw);
	data.flags = hw.flags;
	data.cap_reg = hw.cap_reg;
	data.ecap_reg = hw.ecap_reg;
	out->type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	out->len = sizeof(data);
	memcpy(out->data, &data, sizeof(data));
	out->caps = hw.ecap_reg & VTD_ECAP_SSADS ? IOMMU_HW_CAP_DIRTY_TRACKING :
						   0;
	out->max_pasid_log2 = (uint8_t)pasid_bits(idev);
	return 0;
}

const struct iofd_dev_ops iofd_vtd_dev_ops = {
	.name = "vtd",
	.alloc_paging = alloc_paging,
	.alloc_nested = alloc_nested,
	.pasid_bits = pasid_bits,
	.attach_pasid = attach_pasid,
	.detach_pasid = detach_pasid,
	.attach_group = attach_group,
	.detach_group = detach_group,
	.reserve = reserve,
	.hw_info = hw_info,
	.release = iofd_sys_release_dev,
};

/** iofd_machine_dev() - whether @idev is a device of the machine (not
 * the selftest mock's). */
bool iofd_machine_dev(const struct iofd_device *idev)
{
	return idev->ops == &iofd_vtd_dev_ops ||
	       idev->ops == &iofd_smmu_dev_ops ||
	       idev->ops == &iofd_tce_dev_ops;
}

/**
 * iommufd_sim_bind() - bind machine device @dev to the context (VFIO's
 * VFIO_DEVICE_BIND_IOMMUFD, kernel iommufd_device_bind): claims DMA
 * ownership of its group. The device starts with DMA blocked.
 * @ictx: the context.
 * @dev: the device's index in the machine.
 * @dev_id: the new device object's id.
 *
 * Return: 0; -ENODEV (no such device), -EINVAL (already bound: one open
 * per device, as VFIO's cdev), -EPERM (another context owns its group,
 * iommu_device_claim_dma_owner), -ENOMEM.
 */
int iommufd_sim_bind(struct iofd_ctx *ictx, unsigned int dev, uint32_t *dev_id)
{
	struct iofd_sys *sys = ictx->sys;
	struct iofd_device *idev;
	int ret;

	if (dev >= sys->ndevs)
		return -ENODEV;
	if (sys->devs[dev].idev)
		return -EINVAL;
	ret = iofd_device_bind(ictx, sys->devs[dev].ops,
			       &sys->groups[sys->devs[dev].group], &idev);
	if (ret)
		return ret;
	idev->dev = dev;
	sys->devs[dev].idev = idev;
	*dev_id = idev->obj.id;
	return 0;
}

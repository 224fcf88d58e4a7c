// SPDX-License-Identifier: MIT
/*
 * drv_smmuv3.c - the Arm SMMUv3 driver as iommufd sees it (the kernel's
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c and arm-smmu-v3-iommufd.c
 * behind iommu_ops): domains of the SMMUv3 driver side
 * (hw/smmuv3/driver.h), group and PASID attach through the unit's STEs
 * and CDs, the software MSI window, hw_info, nested domains from a
 * guest STE.
 *
 * Paging domains are stage 1 (arm_smmu_domain_alloc_paging_flags'
 * default) unless they are to be nesting parents, which are stage 2.
 * Dirty tracking needs HTTU with dirty state (IDR0.HTTU 2), which the
 * machine's unit has. A vIOMMU (type ARM_SMMUV3) sits on a nesting
 * parent and takes its VMID (arm_vsmmu_init); nested domains exist only
 * on a vIOMMU, from the guest's STE (arm_vsmmu_alloc_domain_nested); its
 * invalidation array carries raw commands (arm_vsmmu_cache_invalidate)
 * whose virtual StreamIDs are the vDEVICEs' ids.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"
#include "model/bits.h"

/* arm-smmu-v3.c MSI_IOVA_BASE / MSI_IOVA_LENGTH: IOMMU_RESV_SW_MSI */
#define SMMU_MSI_START 0x8000000ULL
#define SMMU_MSI_LAST (0x8000000ULL + 0x100000 - 1)

struct smmu_dom {
	struct iofd_domain d;
	struct smmu_domain *s;
};

static struct smmu_domain *sdom(struct iofd_domain *d)
{
	return ((struct smmu_dom *)d)->s;
}

static struct iofd_sys *dev_sys(struct iofd_device *idev)
{
	return idev->ictx->sys;
}

/* ---- domains ------------------------------------------------------------ */

static int dom_map(struct iofd_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot)
{
	return smmu_domain_map(sdom(d), iova, pa, len, prot);
}

static uint64_t dom_unmap(struct iofd_domain *d, uint64_t iova, uint64_t len)
{
	return smmu_domain_unmap(sdom(d), iova, len);
}

static void dom_large_pages(struct iofd_domain *d, bool on)
{
	smmu_domain_large_pages(sdom(d), on);
}

static int64_t dom_dirty(struct iofd_domain *d, uint64_t iova, uint64_t len,
			 bool no_clear, pt_dirty_fn fn, void *ctx)
{
	return smmu_domain_read_and_clear_dirty(
		sdom(d), iova, len, no_clear, fn ? fn : iofd_dirty_ignore, ctx);
}

static int dom_iova_to_pa(struct iofd_domain *d, uint64_t iova, uint64_t *pa)
{
	struct smmu_domain *s = sdom(d);
	uint64_t size;

	return s->ops->iova_to_phys(&s->pt, iova, pa, &size);
}

static void dom_free(struct iofd_domain *d)
{
	smmu_domain_free(sdom(d));
	free(d);
}

static const struct iofd_domain_ops smmu_paging_ops = {
	.map = dom_map,
	.unmap = dom_unmap,
	.large_pages = dom_large_pages,
	.read_and_clear_dirty = dom_dirty,
	.iova_to_pa = dom_iova_to_pa,
	.free = dom_free,
};

static const struct iofd_domain_ops smmu_nested_ops = {
	.free = dom_free,
};

/* The page sizes of the driver's 4K-granule tables: 4K, 2M, 1G. */
static struct iofd_domain *wrap(struct smmu_domain *s)
{
	struct smmu_dom *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->s = s;
	w->d.drv = &iofd_smmu_dev_ops;
	w->d.nested = s->kind == SMMU_DOMAIN_NESTED;
	w->d.ops = w->d.nested ? &smmu_nested_ops : &smmu_paging_ops;
	w->d.pgsize_bitmap = 1ULL << 12 | 1ULL << 21 | 1ULL << 30;
	w->d.aperture_last = w->d.nested ? 0 : smmu_domain_iova_end(s);
	return &w->d;
}

static int wrap_or_free(struct smmu_domain *s, struct iofd_domain **out)
{
	*out = wrap(s);
	if (*out)
		return 0;
	smmu_domain_free(s);
	return -ENOMEM;
}

/* arm_smmu_domain_alloc_paging_flags */
static int alloc_paging(struct iofd_device *idev, uint32_t flags,
			struct iofd_domain **out)
{
	struct smmu_drv *drv = dev_sys(idev)->smmu_drv;
	bool parent = flags & IOMMU_HWPT_ALLOC_NEST_PARENT;
	unsigned int dflags = 0;
	struct smmu_domain *s;
	int ret;

	if (flags & ~(uint32_t)(IOMMU_HWPT_ALLOC_NEST_PARENT |
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) {
		if (!smmu_drv_has_dirty(drv))
			return -EOPNOTSUPP;
		dflags |= SMMU_DOMAIN_DIRTY;
	}
	if (parent)
		dflags |= SMMU_DOMAIN_NEST_PARENT;
	ret = smmu_domain_alloc(drv, parent ? SMMU_DOMAIN_S2 : SMMU_DOMAIN_S1,
				dflags, &s);
	return ret ? ret : wrap_or_free(s, out);
}

/*
 * arm_vsmmu_alloc_domain_nested: only on a vIOMMU (the kernel's ops offer
 * no other path); the user data is struct iommu_hwpt_arm_smmuv3 (other
 * types EINVAL, as iommu_copy_struct_from_user); the guest STE is
 * checked as arm_smmu_validate_vste (EIO).
 */
static int alloc_nested(struct iofd_device *idev, struct iofd_domain *parent,
			struct iofd_viommu *viommu,
			const struct iommu_hwpt_alloc *c,
			struct iofd_domain **out)
{
	struct iommu_hwpt_arm_smmuv3 u;
	struct smmu_domain *s;
	uint64_t ste[2];
	int ret;

	if (!viommu)
		return -EOPNOTSUPP;
	if (c->data_type != IOMMU_HWPT_DATA_ARM_SMMUV3)
		return -EINVAL;
	ret = iofd_user_data(idev->ictx, c->data_uptr, c->data_len, &u,
			     sizeof(u), sizeof(u));
	if (ret)
		return ret;
	ste[0] = ld_le64(&u.ste[0]);
	ste[1] = ld_le64(&u.ste[1]);
	ret = smmu_nested_alloc(sdom(parent), ste, &s);
	return ret ? ret : wrap_or_free(s, out);
}

/* arm_smmu_get_viommu_size / arm_vsmmu_init: type ARM_SMMUV3 on a
 * stage 2 nesting parent of this SMMU (the core checked the parent);
 * there is no user data. */
static int viommu_init(struct iofd_device *idev, struct iofd_viommu *v,
		       struct iommu_viommu_alloc *c)
{
	(void)idev;
	if (c->type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3)
		return -EOPNOTSUPP;
	if (v && c->data_len)
		return -EINVAL;
	return 0;
}

/* A vSID to the physical StreamID: its vDEVICE on @ctx (the vIOMMU);
 * Linux's lookup failure is EIO (arm_vsmmu_vsid_to_sid). */
static int vsid_to_sid(void *ctx, uint32_t vsid, uint32_t *sid)
{
	struct iofd_viommu *v = ctx;
	struct iofd_device *idev = iofd_viommu_find_dev(v, vsid);

	if (!idev)
		return -EIO;
	*sid = v->ictx->sys->devs[idev->dev].rid;
	return 0;
}

#define INVAL_BATCH 64

/* arm_vsmmu_cache_invalidate: raw 16-byte commands, converted and issued
 * in order; *done counts those the hardware ran. */
static int viommu_invalidate(struct iofd_viommu *v, struct iofd_ctx *ictx,
			     const struct iommu_hwpt_invalidate *c,
			     uint32_t *done)
{
	uint16_t vmid = sdom(v->hwpt->dom)->vmid;
	uint64_t cmds[INVAL_BATCH][2];
	int ret = 0;

	*done = 0;
	if (c->data_type != IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3)
		return -EINVAL;
	while (*done < c->entry_num && !ret) {
		uint32_t n = c->entry_num - *done, k;
		unsigned int ran = 0;

		n = n < INVAL_BATCH ? n : INVAL_BATCH;
		for (k = 0; k < n && !ret; k++) {
			struct iommu_viommu_arm_smmuv3_invalidate u;

			ret = iofd_user_data(
				ictx,
				c->data_uptr +
					(uint64_t)(*done + k) * c->entry_len,
				c->entry_len, &u, sizeof(u), sizeof(u));
			if (!ret) {
				cmds[k][0] = ld_le64(&u.cmd[0]);
				cmds[k][1] = ld_le64(&u.cmd[1]);
			}
		}
		if (ret)
			break;
		ret = smmu_user_invalidate(ictx->sys->smmu_drv, vmid,
					   (const uint64_t(*)[2])cmds, n, &ran,
					   vsid_to_sid, v);
		*done += ran;
	}
	return ret;
}

/* ---- groups ------------------------------------------------------------- */

/* A group's move: into @dom, back to @old (or blocked). The StreamID
 * is the device's RID; PASID 0 is the stream's traffic without one. */
struct smmu_move {
	struct iofd_sys *sys;
	struct smmu_domain *dom, *old;
};

static uint32_t ssid_of(uint32_t pasid)
{
	return pasid == IOMMU_NO_PASID ? SMMU_NO_SSID : pasid;
}

static int move_to(void *arg, uint16_t rid, uint32_t pasid)
{
	struct smmu_move *m = arg;

	return smmu_attach(m->dom, rid, ssid_of(pasid));
}

static void move_back(void *arg, uint16_t rid, uint32_t pasid)
{
	struct smmu_move *m = arg;

	if (m->old)
		smmu_attach(m->old, rid, ssid_of(pasid));
	else
		smmu_detach(m->sys->smmu_drv, rid, ssid_of(pasid));
}

static int detach_to(void *arg, uint16_t rid, uint32_t pasid)
{
	move_back(arg, rid, pasid);
	return 0;
}

/* Every device of the group into @dom, from @old or blocked. */
static int attach_pasid(struct iofd_device *idev, uint32_t pasid,
			struct iofd_domain *dom, struct iofd_domain *old)
{
	struct smmu_move m = { dev_sys(idev), sdom(dom),
			       old ? sdom(old) : NULL };

	return iofd_sys_group_move(idev, pasid, move_to, move_back, &m);
}

static void detach_pasid(struct iofd_device *idev, uint32_t pasid)
{
	struct smmu_move m = { dev_sys(idev), NULL, NULL };

	iofd_sys_group_move(idev, pasid, detach_to, NULL, &m);
}

static int attach_group(struct iofd_device *idev, struct iofd_domain *dom,
			struct iofd_domain *old)
{
	return attach_pasid(idev, IOMMU_NO_PASID, dom, old);
}

static void detach_group(struct iofd_device *idev)
{
	detach_pasid(idev, IOMMU_NO_PASID);
}

static unsigned int pasid_bits(struct iofd_device *idev)
{
	return smmu_drv_ssid_bits(dev_sys(idev)->smmu_drv);
}

/* arm_smmu_get_resv_regions: the software MSI window */
static int reserve(struct iofd_device *idev, struct iofd_ioas *ioas)
{
	return iofd_ioas_reserve(ioas, SMMU_MSI_START, SMMU_MSI_LAST, idev);
}

/* arm_smmu_hw_info: struct iommu_hw_info_arm_smmuv3, the raw IDRs */
static int hw_info(struct iofd_device *idev, uint32_t type,
		   struct iofd_hw_info *out)
{
	struct smmu_drv *drv = dev_sys(idev)->smmu_drv;
	struct iommu_hw_info_arm_smmuv3 data = { 0 };
	struct smmu_hw_info hw;

	if (type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		return -EOPNOTSUPP;
	smmu_drv_hw_info(drv, &hw);
	data.flags = hw.flags;
	memcpy(data.idr, hw.idr, sizeof(data.idr));
	data.iidr = hw.iidr;
	data.aidr = hw.aidr;
	out->type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	out->len = sizeof(data);
	memcpy(out->data, &data, sizeof(data));
	out->caps = smmu_drv_has_dirty(drv) ? IOMMU_HW_CAP_DIRTY_TRACKING : 0;
	out->max_pasid_log2 = (uint8_t)pasid_bits(idev);
	return 0;
}

/* ---- events ------------------------------------------------------------- */

/* The events a guest may see (arm_smmu_handle_event's list). */
static bool guest_event(unsigned int id)
{
	switch (id) {
	case 0x04: /* C_BAD_STE */
	case 0x06: /* F_STREAM_DISABLED */
	case 0x08: /* C_BAD_SUBSTREAMID */
	case 0x0a: /* C_BAD_CD */
	case 0x10: /* F_TRANSLATION */
	case 0x11: /* F_ADDR_SIZE */
	case 0x12: /* F_ACCESS */
	case 0x13: /* F_PERMISSION */
		return true;
	default:
		return false;
	}
}

/*
 * arm_smmu_handle_event + arm_vmaster_report_event: a record of a guest
 * event (not a stage 2 fault, which is the host's) from a device attached
 * to a nested HWPT on a vIOMMU where it has a vDEVICE goes to the
 * vIOMMU's ARM_SMMUV3 vEVENTQ, its StreamID replaced by the vSID; the
 * host keeps the others (here: they are dropped, as nothing else reads
 * them).
 */
static void report(struct iofd_sys *sys, const uint64_t rec[4])
{
	uint32_t sid = (uint32_t)(rec[0] >> 32);
	struct iofd_device *idev = NULL;
	uint8_t vevt[32];
	uint64_t vsid;

	if (!guest_event((unsigned int)(rec[0] & 0xff)) ||
	    (rec[1] & BIT_ULL(39))) /* S2 */
		return;
	for (unsigned int i = 0; i < sys->ndevs && !idev; i++)
		if (sys->devs[i].unit == sys->smmu && sys->devs[i].rid == sid)
			idev = sys->devs[i].idev;
	if (!idev || !idev->hwpt || !idev->hwpt->viommu ||
	    iofd_viommu_virt_id(idev->hwpt->viommu, idev, &vsid))
		return;
	st_le64(vevt, (rec[0] & 0xffffffffULL) | vsid << 32);
	for (unsigned int i = 1; i < 4; i++)
		st_le64(vevt + 8 * i, rec[i]);
	iofd_viommu_report_event(idev->hwpt->viommu,
				 IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, vevt,
				 sizeof(vevt));
}

/**
 * iofd_smmu_drain_events() - the driver's event-queue handler: every
 * record the SMMU wrote, read and delivered (arm_smmu_evtq_thread). The
 * machine calls it after a request of one of the SMMU's devices faults.
 * @sys: the machine.
 */
void iofd_smmu_drain_events(struct iofd_sys *sys)
{
	uint64_t rec[4];

	for (unsigned int n = 0;
	     n < 1024 && !smmu_drv_read_event(sys->smmu_drv, rec); n++)
		report(sys, rec);
}

const struct iofd_dev_ops iofd_smmu_dev_ops = {
	.name = "smmuv3",
	.alloc_paging = alloc_paging,
	.alloc_nested = alloc_nested,
	.viommu_init = viommu_init,
	.viommu_invalidate = viommu_invalidate,
	.pasid_bits = pasid_bits,
	.attach_pasid = attach_pasid,
	.detach_pasid = detach_pasid,
	.attach_group = attach_group,
	.detach_group = detach_group,
	.reserve = reserve,
	.hw_info = hw_info,
	.release = iofd_sys_release_dev,
};

// SPDX-License-Identifier: MIT
/*
 * device.c - device objects: bind, attach, replace, detach and unbind
 * with the kernel's group rules (drivers/iommu/iommufd/device.c), for
 * any driver (struct iofd_dev_ops: VT-d, the selftest mock).
 *
 * Group rules, as the kernel's:
 *  - binding a device claims DMA ownership of its whole IOMMU group for
 *    the context; a device of a group another context owns is EPERM;
 *  - the hardware is attached per group: the first device attached puts
 *    every function of the group in the domain (iommu_attach_group), and
 *    the last one detached puts them all back to blocking DMA;
 *  - every attached device of a group shares one HWPT: attaching another
 *    to a different HWPT is EINVAL (replace moves the whole group);
 *  - a domain of another driver is EINVAL (__iommu_attach_group);
 *  - an attach reserves the device's reserved regions (VT-d: its MSI
 *    window) in the IOAS behind the HWPT; an area there is EADDRINUSE.
 * An automatic HWPT (attach to an IOAS) is shared by later attaches to
 * that IOAS and destroyed when its last device leaves.
 *
 * PASIDs (iommufd_hwpt_pasid_compat and the per-PASID attach records):
 * a PASID attaches only to a HWPT allocated with IOMMU_HWPT_ALLOC_PASID,
 * and only while the RID's HWPT (if any) is such one too; a RID attach
 * to a HWPT without it is EINVAL while any PASID is attached; one PASID
 * of a group is in one HWPT; a device attached with a PASID already is
 * EBUSY. PASIDs take no reserved regions.
 *
 * Windowed devices (IBM POWER TCE, drv_ppc.c; an iommusim extension, see
 * docs/ppc_tce.md): the pseudo-PASID IOMMUSIM_PASID_WINDOW(w) attaches
 * window w alone, through the PASID records, without the PASID rules:
 * the HWPT needs no IOMMU_HWPT_ALLOC_PASID but must have window w, and
 * no two attachments of a group may hold the same window (EADDRINUSE:
 * those bus addresses already translate elsewhere). An attach to an
 * IOAS makes (or shares) an automatic HWPT of exactly the windows
 * wanted: both for the RID, window w for IOMMUSIM_PASID_WINDOW(w).
 */
#include <errno.h>
#include <stdlib.h>

#include "iofd_private.h"

/* The IOAS whose IOVA space the device uses through @hwpt. */
static struct iofd_ioas *hwpt_ioas(struct iofd_hwpt *hwpt)
{
	return hwpt->parent ? hwpt->parent->ioas : hwpt->ioas;
}

/* @idev leaves @hwpt: its unanswered faults there are answered for it
 * (kernel iommufd_auto_response_faults). */
static void leave(struct iofd_device *idev, struct iofd_hwpt *hwpt)
{
	if (hwpt->fault)
		iofd_fault_drop_device(hwpt->fault, idev);
}

/* Drop a device's reference on @hwpt; an automatic one nobody else
 * uses goes with it (kernel iommufd_hw_pagetable_put). */
static void hwpt_put(struct iofd_ctx *ictx, struct iofd_hwpt *hwpt)
{
	hwpt->obj.users--;
	if (hwpt->auto_domain && hwpt->obj.users == 1)
		iofd_object_remove(ictx, &hwpt->obj);
}

/* The windows an attachment with @pasid uses of @hwpt's domain. */
static uint32_t att_windows(struct iofd_hwpt *hwpt, uint32_t pasid)
{
	if (pasid == IOMMU_NO_PASID)
		return hwpt->dom->win_mask;
	return hwpt->dom->win_mask & 1u << (pasid & 1);
}

/* The windowed form of pasid_compat: the window must be in the domain,
 * and no other attachment of the group may hold it. */
static int window_compat(struct iofd_device *idev, struct iofd_hwpt *hwpt,
			 uint32_t pasid)
{
	struct iofd_hwgroup *grp = idev->group;
	uint32_t want = att_windows(hwpt, pasid), held = 0;

	if (!want)
		return -EINVAL;
	if (pasid != IOMMU_NO_PASID && grp->hwpt)
		held |= att_windows(grp->hwpt, IOMMU_NO_PASID);
	for (unsigned int i = 0; i < grp->npasids; i++)
		if (grp->pasids[i].pasid != pasid)
			held |= att_windows(grp->pasids[i].hwpt,
					    grp->pasids[i].pasid);
	return want & held ? -EADDRINUSE : 0;
}

/* kernel iommufd_hwpt_pasid_compat */
static int pasid_compat(struct iofd_device *idev, struct iofd_hwpt *hwpt,
			uint32_t pasid)
{
	struct iofd_hwgroup *grp = idev->group;
	bool compat = hwpt->flags & IOMMU_HWPT_ALLOC_PASID;

	if (idev->ops->nwindows)
		return window_compat(idev, hwpt, pasid);
	if (pasid == IOMMU_NO_PASID)
		return !compat && grp->npasids ? -EINVAL : 0;
	if (!compat)
		return -EINVAL;
	if (grp->hwpt && !(grp->hwpt->flags & IOMMU_HWPT_ALLOC_PASID))
		return -EINVAL;
	return 0;
}

static struct iofd_pasid_att *pasid_find(struct iofd_hwgroup *grp,
					 uint32_t pasid)
{
	for (unsigned int i = 0; i < grp->npasids; i++)
		if (grp->pasids[i].pasid == pasid)
			return &grp->pasids[i];
	return NULL;
}

static bool dev_has_pasid(const struct iofd_device *idev, uint32_t pasid)
{
	for (unsigned int i = 0; i < idev->npasids; i++)
		if (idev->pasids[i] == pasid)
			return true;
	return false;
}

/**
 * iofd_device_pasid_hwpt() - the HWPT @idev's group has for @pasid
 * (IOMMU_NO_PASID: the RID's), or NULL.
 */
struct iofd_hwpt *iofd_device_pasid_hwpt(struct iofd_device *idev,
					 uint32_t pasid)
{
	struct iofd_pasid_att *pa;

	if (pasid == IOMMU_NO_PASID)
		return idev->group->hwpt;
	pa = pasid_find(idev->group, pasid);
	return pa ? pa->hwpt : NULL;
}

/* Whether the device can issue @pasid at all (its driver's width), or
 * for a windowed device whether it names one of its windows. */
static bool pasid_valid(struct iofd_device *idev, uint32_t pasid)
{
	unsigned int bits = idev->ops->pasid_bits(idev);

	if (idev->ops->nwindows)
		return IOMMUSIM_PASID_IS_WINDOW(pasid) &&
		       (pasid & 1) < idev->ops->nwindows;
	return bits && (bits >= 32 || pasid < (1u << bits));
}

/* kernel iommufd_hw_pagetable_attach for a PASID */
static int do_attach_pasid(struct iofd_device *idev, uint32_t pasid,
			   struct iofd_hwpt *hwpt)
{
	struct iofd_hwgroup *grp = idev->group;
	struct iofd_pasid_att *pa = pasid_find(grp, pasid), *arr;
	uint32_t *p;
	int ret;

	if (!pasid_valid(idev, pasid) || hwpt->dom->drv != idev->ops)
		return -EINVAL;
	/* the device's own record first (the kernel inserts it into the
	 * attach's device array before comparing HWPTs): the v6.17 selftest's
	 * pasid_attach re-attaches an attached PASID and expects EBUSY */
	if (dev_has_pasid(idev, pasid))
		return -EBUSY;
	if (pa && pa->hwpt != hwpt)
		return -EINVAL;
	ret = pasid_compat(idev, hwpt, pasid);
	if (ret)
		return ret;
	p = realloc(idev->pasids, (idev->npasids + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	idev->pasids = p;
	if (!pa) {
		arr = realloc(grp->pasids, (grp->npasids + 1) * sizeof(*arr));
		if (!arr)
			return -ENOMEM;
		grp->pasids = arr;
		ret = idev->ops->attach_pasid(idev, pasid, hwpt->dom, NULL);
		if (ret)
			return ret;
		pa = &grp->pasids[grp->npasids++];
		*pa = (struct iofd_pasid_att){ pasid, hwpt, 0 };
	}
	pa->ndev++;
	idev->pasids[idev->npasids++] = pasid;
	hwpt->obj.users++;
	return 0;
}

/* kernel iommufd_device_do_replace for a PASID: every device of the
 * group attached with it moves. */
static int do_replace_pasid(struct iofd_device *idev, uint32_t pasid,
			    struct iofd_hwpt *hwpt)
{
	struct iofd_pasid_att *pa = pasid_find(idev->group, pasid);
	struct iofd_hwpt *old;
	int ret;

	if (!pa || !dev_has_pasid(idev, pasid))
		return -EINVAL;
	ret = pasid_compat(idev, hwpt, pasid);
	if (ret || pa->hwpt == hwpt)
		return ret;
	if (hwpt->dom->drv != idev->ops)
		return -EINVAL;
	old = pa->hwpt;
	ret = idev->ops->attach_pasid(idev, pasid, hwpt->dom, old->dom);
	if (ret)
		return ret;
	leave(idev, old);
	pa->hwpt = hwpt;
	hwpt->obj.users += pa->ndev;
	old->obj.users -= pa->ndev - 1;
	hwpt_put(idev->ictx, old);
	return 0;
}

/* kernel iommufd_hw_pagetable_attach */
static int do_attach(struct iofd_device *idev, uint32_t pasid,
		     struct iofd_hwpt *hwpt)
{
	struct iofd_hwgroup *grp = idev->group;
	struct iofd_ioas *ioas = hwpt_ioas(hwpt);
	int ret;

	if (pasid != IOMMU_NO_PASID)
		return do_attach_pasid(idev, pasid, hwpt);
	if (grp->hwpt && grp->hwpt != hwpt)
		return -EINVAL;
	if (hwpt->dom->drv != idev->ops)
		return -EINVAL;
	ret = pasid_compat(idev, hwpt, pasid);
	if (ret)
		return ret;
	ret = idev->ops->reserve(idev, ioas);
	if (ret)
		return ret;
	if (!grp->hwpt) {
		ret = idev->ops->attach_group(idev, hwpt->dom, NULL);
		if (ret) {
			iofd_ioas_unreserve(ioas, idev);
			return ret;
		}
		grp->hwpt = hwpt;
	}
	grp->nattached++;
	idev->hwpt = hwpt;
	hwpt->obj.users++;
	return 0;
}

/* kernel iommufd_device_do_replace: the whole group moves to @hwpt. */
static int do_replace(struct iofd_device *idev, uint32_t pasid,
		      struct iofd_hwpt *hwpt)
{
	struct iofd_hwgroup *grp = idev->group;
	struct iofd_hwpt *old = grp->hwpt;
	struct iofd_ioas *nioas, *oioas;
	unsigned int i, moved = 0;
	int ret = 0;

	if (pasid != IOMMU_NO_PASID)
		return do_replace_pasid(idev, pasid, hwpt);
	if (!idev->hwpt)
		return -EINVAL;
	if (old == hwpt)
		return 0;
	if (hwpt->dom->drv != idev->ops)
		return -EINVAL;
	ret = pasid_compat(idev, hwpt, pasid);
	if (ret)
		return ret;
	nioas = hwpt_ioas(hwpt);
	oioas = hwpt_ioas(old);
	/* the new IOAS takes every attached device's regions first */
	for (i = 0; i < grp->nbound && !ret && nioas != oioas; i++)
		if (grp->members[i]->hwpt == old)
			ret = grp->members[i]->ops->reserve(grp->members[i],
							    nioas);
	if (!ret)
		ret = idev->ops->attach_group(idev, hwpt->dom, old->dom);
	for (i = 0; i < grp->nbound && nioas != oioas; i++)
		if (grp->members[i]->hwpt == old) /* undo new, or drop old */
			iofd_ioas_unreserve(ret ? nioas : oioas,
					    grp->members[i]);
	if (ret)
		return ret;
	grp->hwpt = hwpt;
	for (i = 0; i < grp->nbound; i++) {
		if (grp->members[i]->hwpt == old) {
			leave(grp->members[i], old);
			grp->members[i]->hwpt = hwpt;
			hwpt->obj.users++;
			moved++;
		}
	}
	/* the old one goes only now, after the new one is in */
	old->obj.users -= moved - 1;
	hwpt_put(idev->ictx, old);
	return 0;
}

/* An attach or replace to an IOAS: an automatic HWPT of it that takes
 * the device, else a new one (kernel iommufd_device_auto_get_domain).
 * Automatic HWPTs are allocated without IOMMU_HWPT_ALLOC_PASID, as the
 * kernel's, so a PASID attach to an IOAS always ends in EINVAL. */
static int auto_domain(struct iofd_device *idev, uint32_t pasid,
		       struct iofd_ioas *ioas, bool replace, uint32_t *pt_id)
{
	uint32_t want = pasid == IOMMU_NO_PASID ? 3 : 1u << (pasid & 1);
	struct iofd_hwpt *hwpt;
	int ret;

	for (unsigned int i = 0; i < ioas->nhwpts; i++) {
		hwpt = ioas->hwpts[i];
		if (!hwpt->auto_domain)
			continue;
		/* a windowed device shares only a domain of its windows */
		if (idev->ops->nwindows && hwpt->dom->win_mask != want)
			continue;
		ret = replace ? do_replace(idev, pasid, hwpt) :
				do_attach(idev, pasid, hwpt);
		if (ret == -EINVAL)
			continue; /* not compatible: try the next */
		if (!ret)
			*pt_id = hwpt->obj.id;
		return ret;
	}
	/* a new one is filled first, so undoing it is only freeing it */
	if (idev->ops->nwindows && pasid != IOMMU_NO_PASID)
		ret = iofd_hwpt_window_new(idev, ioas, pasid & 1, NULL, true,
					   &hwpt);
	else
		ret = iofd_hwpt_paging_new(idev, ioas, 0, true, &hwpt);
	if (ret)
		return ret;
	ret = replace ? do_replace(idev, pasid, hwpt) :
			do_attach(idev, pasid, hwpt);
	if (ret) {
		iofd_object_remove(idev->ictx, &hwpt->obj);
		return ret;
	}
	*pt_id = hwpt->obj.id;
	return 0;
}

/**
 * iofd_device_change_pt() - attach or replace @pasid of @idev to the
 * object @pt_id names (kernel iommufd_device_change_pt): a paging or
 * nested HWPT directly, an IOAS through an automatic HWPT, anything else
 * EINVAL.
 * @idev: the device.
 * @pasid: IOMMU_NO_PASID or a PASID.
 * @pt_id: in: the target; out: the HWPT's id.
 * @replace: the device is attached and moves (EINVAL when it is not).
 *
 * Return: 0 or -errno (see iommufd_sim_attach()).
 */
int iofd_device_change_pt(struct iofd_device *idev, uint32_t pasid,
			  uint32_t *pt_id, bool replace)
{
	struct iofd_object *obj;
	int ret;

	obj = iofd_get_object(idev->ictx, *pt_id, IOFD_OBJ_ANY);
	if (!obj)
		return -ENOENT;
	switch (obj->type) {
	case IOFD_OBJ_HWPT_PAGING:
	case IOFD_OBJ_HWPT_NESTED:
		ret = replace ?
			      do_replace(idev, pasid, (struct iofd_hwpt *)obj) :
			      do_attach(idev, pasid, (struct iofd_hwpt *)obj);
		break;
	case IOFD_OBJ_IOAS:
		ret = auto_domain(idev, pasid, (struct iofd_ioas *)obj, replace,
				  pt_id);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	iofd_put_object(obj);
	return ret;
}

static struct iofd_device *get_device(struct iofd_ctx *ictx, uint32_t id)
{
	return (struct iofd_device *)iofd_get_object(ictx, id, IOFD_OBJ_DEVICE);
}

/**
 * iofd_device_bind() - a device object for a device of driver @ops in
 * group @grp (kernel iommufd_device_bind): DMA ownership of the group
 * goes to the context; its DMA is blocked until an attach.
 * @ictx: the context.
 * @ops: the device's driver.
 * @grp: its group.
 * @out: the object (in the table, held by the binding too).
 *
 * Return: 0, -EPERM (another context owns the group), -EBUSY (a VFIO
 * container uses the group, vfio_spapr.c), -ENOSPC (group full),
 * -ENOMEM.
 */
int iofd_device_bind(struct iofd_ctx *ictx, const struct iofd_dev_ops *ops,
		     struct iofd_hwgroup *grp, struct iofd_device **out)
{
	struct iofd_device *idev;
	int ret;

	if (grp->owner && grp->owner != ictx)
		return -EPERM;
	if (grp->spapr)
		return -EBUSY;
	if (grp->nbound == IOFD_GROUP_MAX)
		return -ENOSPC;
	idev = calloc(1, sizeof(*idev));
	if (!idev)
		return -ENOMEM;
	idev->ictx = ictx;
	idev->ops = ops;
	idev->group = grp;
	ret = iofd_object_add(ictx, &idev->obj, IOFD_OBJ_DEVICE);
	if (ret) {
		free(idev);
		return ret;
	}
	idev->obj.users++; /* the binding's: IOMMU_DESTROY is EBUSY */
	grp->members[grp->nbound++] = idev;
	grp->owner = ictx;
	*out = idev;
	return 0;
}

static void detach_pasid(struct iofd_device *idev, uint32_t pasid)
{
	struct iofd_hwgroup *grp = idev->group;
	struct iofd_pasid_att *pa = pasid_find(grp, pasid);
	struct iofd_hwpt *hwpt;
	unsigned int i;

	if (!pa || !dev_has_pasid(idev, pasid))
		return;
	for (i = 0; idev->pasids[i] != pasid; i++)
		;
	idev->pasids[i] = idev->pasids[--idev->npasids];
	hwpt = pa->hwpt;
	leave(idev, hwpt);
	if (!--pa->ndev) {
		idev->ops->detach_pasid(idev, pasid);
		*pa = grp->pasids[--grp->npasids];
	}
	hwpt_put(idev->ictx, hwpt);
}

/**
 * iofd_device_detach() - @pasid of @idev back to blocked DMA; the last
 * device of the group puts the group there (kernel
 * iommufd_hw_pagetable_detach). Nothing attached: nothing happens.
 * @idev: the device.
 * @pasid: IOMMU_NO_PASID or a PASID.
 */
void iofd_device_detach(struct iofd_device *idev, uint32_t pasid)
{
	struct iofd_hwgroup *grp = idev->group;
	struct iofd_hwpt *hwpt = idev->hwpt;

	if (pasid != IOMMU_NO_PASID) {
		detach_pasid(idev, pasid);
		return;
	}
	if (!hwpt)
		return;
	iofd_ioas_unreserve(hwpt_ioas(hwpt), idev);
	leave(idev, hwpt);
	if (!--grp->nattached) {
		idev->ops->detach_group(idev);
		grp->hwpt = NULL;
	}
	idev->hwpt = NULL;
	hwpt_put(idev->ictx, hwpt);
}

/* Every PASID, then the RID. */
static void detach_all(struct iofd_device *idev)
{
	while (idev->npasids)
		detach_pasid(idev, idev->pasids[0]);
	iofd_device_detach(idev, IOMMU_NO_PASID);
}

/**
 * iofd_device_unbind() - detach and free the device object (what
 * closing a VFIO device file or destroying the selftest's device does).
 * @idev: the device.
 */
void iofd_device_unbind(struct iofd_device *idev)
{
	detach_all(idev);
	idev->obj.users--; /* the binding's */
	iofd_object_remove(idev->ictx, &idev->obj);
}

/** iofd_device_destroy() - free a device object (unbound already). */
void iofd_device_destroy(struct iofd_device *idev)
{
	struct iofd_hwgroup *grp = idev->group;

	detach_all(idev);
	if (idev->vdev) /* goes with its device; its id stays taken */
		iofd_object_tombstone(idev->ictx, &idev->vdev->obj);
	free(idev->pasids);
	for (unsigned int i = 0; i < grp->nbound; i++) {
		if (grp->members[i] == idev) {
			grp->members[i] = grp->members[--grp->nbound];
			break;
		}
	}
	if (!grp->nbound) {
		grp->owner = NULL;
		free(grp->pasids);
		grp->pasids = NULL;
	}
	idev->ops->release(idev);
	free(idev);
}

/**
 * iommufd_sim_attach() - attach a bound device's requests to an IOAS
 * (automatic HWPT) or a HWPT; an attached device is replaced instead, as
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT does.
 * @ictx: the context.
 * @dev_id: the device object.
 * @pasid: IOMMU_NO_PASID, or a PASID (VFIO's IOMMUFD_PT flags.PASID).
 * @pt_id: in: IOAS or HWPT id; out: the HWPT's id.
 *
 * Return: 0; -ENOENT (ids), -EINVAL (group on another HWPT, wrong object
 * kind, a domain of another driver, PASID rules), -EADDRINUSE (an area
 * over the device's reserved range or outside the domain's aperture),
 * -EFAULT / -ENOMEM (pinning a new domain's areas).
 */
int iommufd_sim_attach(struct iofd_ctx *ictx, uint32_t dev_id, uint32_t pasid,
		       uint32_t *pt_id)
{
	struct iofd_device *idev = get_device(ictx, dev_id);
	int ret;

	if (!idev)
		return -ENOENT;
	ret = iofd_device_change_pt(idev, pasid, pt_id,
				    pasid == IOMMU_NO_PASID ?
					    idev->hwpt != NULL :
					    dev_has_pasid(idev, pasid));
	iofd_put_object(&idev->obj);
	return ret;
}

/**
 * iommufd_sim_detach() - back to blocked DMA (VFIO's
 * VFIO_DEVICE_DETACH_IOMMUFD_PT: a detached device is no error).
 * @ictx: the context.
 * @dev_id: the device object.
 * @pasid: IOMMU_NO_PASID or a PASID.
 *
 * Return: 0 or -ENOENT.
 */
int iommufd_sim_detach(struct iofd_ctx *ictx, uint32_t dev_id, uint32_t pasid)
{
	struct iofd_device *idev = get_device(ictx, dev_id);

	if (!idev)
		return -ENOENT;
	iofd_put_object(&idev->obj);
	iofd_device_detach(idev, pasid);
	return 0;
}

/**
 * iommufd_sim_unbind() - detach and unbind a machine device (what
 * closing the VFIO device file does); the last device of a group
 * releases its ownership.
 * @ictx: the context.
 * @dev_id: the device object.
 *
 * Return: 0, or -ENOENT (also for a selftest mock device: its own
 * object owns it).
 */
int iommufd_sim_unbind(struct iofd_ctx *ictx, uint32_t dev_id)
{
	struct iofd_device *idev = get_device(ictx, dev_id);

	if (!idev)
		return -ENOENT;
	iofd_put_object(&idev->obj);
	if (!iofd_machine_dev(idev))
		return -ENOENT;
	iofd_device_unbind(idev);
	return 0;
}

/** iofd_unbind_all() - unbind every machine device of the context. */
void iofd_unbind_all(struct iofd_ctx *ictx)
{
	for (uint32_t i = 0; i < ictx->nobjs; i++) {
		struct iofd_object *obj = ictx->objs[i];

		if (obj && obj->type == IOFD_OBJ_DEVICE)
			iommufd_sim_unbind(ictx, obj->id);
	}
}

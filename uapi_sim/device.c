// SPDX-License-Identifier: MIT
/*
 * device.c - device objects: bind, attach, replace, detach and unbind
 * with the kernel's group rules (drivers/iommu/iommufd/device.c).
 *
 * Group rules, as the kernel's:
 *  - binding a device claims DMA ownership of its whole IOMMU group for
 *    the context; a device of a group another context owns is EBUSY;
 *  - the hardware is attached per group: the first device attached puts
 *    every function of the group in the domain (iommu_attach_group), and
 *    the last one detached puts them all back to blocking DMA;
 *  - every attached device of a group shares one HWPT: attaching another
 *    to a different HWPT is EINVAL (replace moves the whole group);
 *  - an attach reserves the device's MSI window (VT-d: the interrupt
 *    range 0xfee00000-0xfeefffff, intel_iommu_get_resv_regions) in the
 *    IOAS behind the HWPT; an area there makes the attach EADDRINUSE.
 * An automatic HWPT (attach to an IOAS) is shared by later attaches to
 * that IOAS and destroyed when its last device leaves.
 *
 * Only the device's requests without PASID are attached so far; a PASID
 * is -EOPNOTSUPP here (docs/iommufd.md).
 */
#include <errno.h>
#include <stdlib.h>

#include "iofd_private.h"

#define VTD_MSI_START 0xfee00000ULL
#define VTD_MSI_LAST 0xfeefffffULL

static struct iofd_hwgroup *dev_group(struct iofd_device *idev)
{
	struct iofd_sys *sys = idev->ictx->sys;

	return &sys->groups[sys->devs[idev->dev].group];
}

/* Machine device @i's object when it is bound and in @idev's group. */
static struct iofd_device *group_member(struct iofd_device *idev,
					unsigned int i)
{
	struct iofd_sys *sys = idev->ictx->sys;

	if (sys->devs[i].group != sys->devs[idev->dev].group)
		return NULL;
	return sys->devs[i].idev;
}

/* The IOAS whose IOVA space the device uses through @hwpt. */
static struct iofd_ioas *hwpt_ioas(struct iofd_hwpt *hwpt)
{
	return hwpt->parent ? hwpt->parent->ioas : hwpt->ioas;
}

/* Put (or move) every function of the group in @dom, in the hardware. */
static int group_hw_attach(struct iofd_device *idev, struct vtd_domain *dom,
			   struct vtd_domain *old)
{
	struct iofd_sys *sys = idev->ictx->sys;
	unsigned int g = sys->devs[idev->dev].group, i;
	int ret = 0;

	for (i = 0; i < sys->ndevs; i++) {
		if (sys->devs[i].group != g)
			continue;
		ret = vtd_attach(dom, sys->devs[i].rid, VTD_NO_PASID);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	while (i--) { /* back to where they were */
		if (sys->devs[i].group != g)
			continue;
		if (old)
			vtd_attach(old, sys->devs[i].rid, VTD_NO_PASID);
		else
			vtd_detach(sys->drv, sys->devs[i].rid, VTD_NO_PASID);
	}
	return ret;
}

static void group_hw_detach(struct iofd_device *idev)
{
	struct iofd_sys *sys = idev->ictx->sys;
	unsigned int g = sys->devs[idev->dev].group;

	for (unsigned int i = 0; i < sys->ndevs; i++)
		if (sys->devs[i].group == g)
			vtd_detach(sys->drv, sys->devs[i].rid, VTD_NO_PASID);
}

/* Drop a device's reference on @hwpt; an automatic one nobody else
 * uses goes with it (kernel iommufd_hw_pagetable_put). */
static void hwpt_put(struct iofd_ctx *ictx, struct iofd_hwpt *hwpt)
{
	hwpt->obj.users--;
	if (hwpt->auto_domain && hwpt->obj.users == 1)
		iofd_object_remove(ictx, &hwpt->obj);
}

/* kernel iommufd_hw_pagetable_attach */
static int do_attach(struct iofd_device *idev, struct iofd_hwpt *hwpt)
{
	struct iofd_hwgroup *grp = dev_group(idev);
	struct iofd_ioas *ioas = hwpt_ioas(hwpt);
	int ret;

	if (grp->hwpt && grp->hwpt != hwpt)
		return -EINVAL;
	ret = iofd_ioas_reserve(ioas, VTD_MSI_START, VTD_MSI_LAST, idev);
	if (ret)
		return ret;
	if (!grp->hwpt) {
		ret = group_hw_attach(idev, hwpt->dom, NULL);
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
static int do_replace(struct iofd_device *idev, struct iofd_hwpt *hwpt)
{
	struct iofd_ctx *ictx = idev->ictx;
	struct iofd_hwgroup *grp = dev_group(idev);
	struct iofd_hwpt *old = grp->hwpt;
	struct iofd_ioas *nioas = hwpt_ioas(hwpt), *oioas = hwpt_ioas(old);
	struct iofd_sys *sys = ictx->sys;
	unsigned int moved = 0;
	int ret = 0;

	if (old == hwpt)
		return 0;
	/* the new IOAS takes every attached device's window first */
	for (unsigned int i = 0; i < sys->ndevs && !ret; i++) {
		struct iofd_device *d = group_member(idev, i);

		if (d && d->hwpt == old && nioas != oioas)
			ret = iofd_ioas_reserve(nioas, VTD_MSI_START,
						VTD_MSI_LAST, d);
	}
	if (!ret)
		ret = group_hw_attach(idev, hwpt->dom, old->dom);
	for (unsigned int i = 0; i < sys->ndevs; i++) {
		struct iofd_device *d = group_member(idev, i);

		if (!d || d->hwpt != old || nioas == oioas)
			continue;
		/* on failure undo the new windows, else drop the old */
		iofd_ioas_unreserve(ret ? nioas : oioas, d);
	}
	if (ret)
		return ret;
	grp->hwpt = hwpt;
	for (unsigned int i = 0; i < sys->ndevs; i++) {
		struct iofd_device *d = group_member(idev, i);

		if (d && d->hwpt == old) {
			d->hwpt = hwpt;
			hwpt->obj.users++;
			moved++;
		}
	}
	/* the old one goes only now, after the new one is in */
	old->obj.users -= moved - 1;
	hwpt_put(ictx, old);
	return 0;
}

/* An attach or replace to an IOAS: an automatic HWPT of it that takes
 * the device, else a new one (kernel iommufd_device_auto_get_domain). */
static int auto_domain(struct iofd_device *idev, struct iofd_ioas *ioas,
		       bool replace, uint32_t *pt_id)
{
	struct iofd_hwpt *hwpt;
	int ret;

	for (unsigned int i = 0; i < ioas->nhwpts; i++) {
		hwpt = ioas->hwpts[i];
		if (!hwpt->auto_domain)
			continue;
		ret = replace ? do_replace(idev, hwpt) : do_attach(idev, hwpt);
		if (ret == -EINVAL)
			continue; /* not compatible: try the next */
		if (!ret)
			*pt_id = hwpt->obj.id;
		return ret;
	}
	/* a new one is filled first, so undoing it is only freeing it */
	ret = iofd_hwpt_paging_new(idev->ictx, ioas, 0, true, &hwpt);
	if (ret)
		return ret;
	ret = replace ? do_replace(idev, hwpt) : do_attach(idev, hwpt);
	if (ret) {
		iofd_object_remove(idev->ictx, &hwpt->obj);
		return ret;
	}
	*pt_id = hwpt->obj.id;
	return 0;
}

/* Attach or replace to the object @pt_id names (kernel
 * iommufd_device_change_pt); *@pt_id becomes the HWPT's id. */
static int change_pt(struct iofd_device *idev, uint32_t *pt_id, bool replace)
{
	struct iofd_object *obj;
	int ret;

	obj = iofd_get_object(idev->ictx, *pt_id, IOFD_OBJ_ANY);
	if (!obj)
		return -ENOENT;
	switch (obj->type) {
	case IOFD_OBJ_HWPT_PAGING:
	case IOFD_OBJ_HWPT_NESTED:
		ret = replace ? do_replace(idev, (struct iofd_hwpt *)obj) :
				do_attach(idev, (struct iofd_hwpt *)obj);
		break;
	case IOFD_OBJ_IOAS:
		ret = auto_domain(idev, (struct iofd_ioas *)obj, replace,
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
	struct iofd_hwgroup *grp;
	struct iofd_device *idev;
	int ret;

	if (dev >= sys->ndevs)
		return -ENODEV;
	if (sys->devs[dev].idev)
		return -EINVAL;
	grp = &sys->groups[sys->devs[dev].group];
	if (grp->owner && grp->owner != ictx)
		return -EPERM;
	idev = calloc(1, sizeof(*idev));
	if (!idev)
		return -ENOMEM;
	idev->ictx = ictx;
	idev->dev = dev;
	ret = iofd_object_add(ictx, &idev->obj, IOFD_OBJ_DEVICE);
	if (ret) {
		free(idev);
		return ret;
	}
	idev->obj.users++; /* the binding's: IOMMU_DESTROY is EBUSY */
	sys->devs[dev].idev = idev;
	grp->owner = ictx;
	grp->nbound++;
	*dev_id = idev->obj.id;
	return 0;
}

/**
 * iommufd_sim_attach() - attach a bound device's requests to an IOAS
 * (automatic HWPT) or a HWPT; an attached device is replaced instead, as
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT does.
 * @ictx: the context.
 * @dev_id: the device object.
 * @pasid: IOMMU_NO_PASID.
 * @pt_id: in: IOAS or HWPT id; out: the HWPT's id.
 *
 * Return: 0; -ENOENT (ids), -EINVAL (group on another HWPT, wrong object
 * kind, incompatible domain), -EADDRINUSE (an area over the device's
 * reserved range or outside the domain's aperture), -EOPNOTSUPP (PASID),
 * -EFAULT / -ENOMEM (pinning a new domain's areas).
 */
int iommufd_sim_attach(struct iofd_ctx *ictx, uint32_t dev_id, uint32_t pasid,
		       uint32_t *pt_id)
{
	struct iofd_device *idev = get_device(ictx, dev_id);
	int ret;

	if (!idev)
		return -ENOENT;
	if (pasid != IOMMU_NO_PASID)
		ret = -EOPNOTSUPP;
	else
		ret = change_pt(idev, pt_id, idev->hwpt != NULL);
	iofd_put_object(&idev->obj);
	return ret;
}

static void do_detach(struct iofd_device *idev)
{
	struct iofd_hwgroup *grp = dev_group(idev);
	struct iofd_hwpt *hwpt = idev->hwpt;

	if (!hwpt)
		return;
	iofd_ioas_unreserve(hwpt_ioas(hwpt), idev);
	if (!--grp->nattached) {
		group_hw_detach(idev);
		grp->hwpt = NULL;
	}
	idev->hwpt = NULL;
	hwpt_put(idev->ictx, hwpt);
}

/**
 * iommufd_sim_detach() - back to blocked DMA (VFIO's
 * VFIO_DEVICE_DETACH_IOMMUFD_PT: a detached device is no error).
 * @ictx: the context.
 * @dev_id: the device object.
 * @pasid: IOMMU_NO_PASID.
 *
 * Return: 0, -ENOENT or -EOPNOTSUPP (PASID).
 */
int iommufd_sim_detach(struct iofd_ctx *ictx, uint32_t dev_id, uint32_t pasid)
{
	struct iofd_device *idev = get_device(ictx, dev_id);

	if (!idev)
		return -ENOENT;
	iofd_put_object(&idev->obj);
	if (pasid != IOMMU_NO_PASID)
		return -EOPNOTSUPP;
	do_detach(idev);
	return 0;
}

/**
 * iommufd_sim_unbind() - detach and unbind (what closing the VFIO
 * device file does); the last device of a group releases its ownership.
 * @ictx: the context.
 * @dev_id: the device object.
 *
 * Return: 0, or -ENOENT.
 */
int iommufd_sim_unbind(struct iofd_ctx *ictx, uint32_t dev_id)
{
	struct iofd_device *idev = get_device(ictx, dev_id);

	if (!idev)
		return -ENOENT;
	iofd_put_object(&idev->obj);
	do_detach(idev);
	idev->obj.users--; /* the binding's */
	iofd_object_remove(ictx, &idev->obj);
	return 0;
}

/** iofd_device_destroy() - free a device object (unbound already). */
void iofd_device_destroy(struct iofd_device *idev)
{
	struct iofd_sys *sys = idev->ictx->sys;
	struct iofd_hwgroup *grp = dev_group(idev);

	do_detach(idev);
	sys->devs[idev->dev].idev = NULL;
	if (!--grp->nbound)
		grp->owner = NULL;
	free(idev);
}

/** iofd_unbind_all() - unbind every device of the context (close). */
void iofd_unbind_all(struct iofd_ctx *ictx)
{
	for (uint32_t i = 0; i < ictx->nobjs; i++) {
		struct iofd_object *obj = ictx->objs[i];

		if (obj && obj->type == IOFD_OBJ_DEVICE)
			iommufd_sim_unbind(ictx, obj->id);
	}
}

// SPDX-License-Identifier: MIT
/*
 * viommu.c - vIOMMUs, vDEVICEs and vEVENTQs (kernel: drivers/iommu/
 * iommufd/viommu.c and eventq.c): a vIOMMU is a driver's per-VM view of
 * an IOMMU over a NEST_PARENT paging HWPT; a vDEVICE gives a device its
 * virtual id there; nested HWPTs can be made on a vIOMMU, and its cache
 * invalidation takes the driver's array; a vEVENTQ carries the driver's
 * events to the client.
 *
 * Only a driver with viommu_init offers vIOMMUs: the selftest mock
 * (IOMMU_VIOMMU_TYPE_SELFTEST). Linux's VT-d driver has none in v6.17,
 * so a VT-d device gets EOPNOTSUPP. The vEVENTQ "fd" is a handle (the
 * object's id) until the transport makes it a file:
 * iommufd_sim_veventq_read/_close are read() and close() on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"

struct iofd_vevent {
	struct iofd_vevent *next;
	struct iommufd_vevent_header hdr;
	bool lost; /* the LOST_EVENTS header: no data, not counted */
	uint32_t len;
	uint8_t data[];
};

/** iofd_viommu_free() - free a vIOMMU nothing uses any more. */
void iofd_viommu_free(struct iofd_viommu *v)
{
	if (v->mmap_offset)
		iofd_mmap_free(v->ictx, v->mmap_offset);
	iofd_put_object(&v->hwpt->obj);
	free(v->vdevs);
	free(v);
}

/**
 * iofd_viommu_alloc_ioctl() - IOMMU_VIOMMU_ALLOC (kernel
 * iommufd_viommu_alloc_ioctl): flags or type DEFAULT EOPNOTSUPP; dev_id
 * ENOENT; a driver without vIOMMUs or that does not know the type
 * EOPNOTSUPP; hwpt_id not a paging HWPT ENOENT, not NEST_PARENT EINVAL;
 * the driver reads (and may answer into) the user data.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_viommu_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iofd_device *idev;
	struct iofd_hwpt *hwpt = NULL;
	struct iofd_viommu *v = NULL;
	int ret;

	if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	idev = (struct iofd_device *)iofd_get_object(ictx, cmd->dev_id,
						     IOFD_OBJ_DEVICE);
	if (!idev)
		return -ENOENT;
	ret = idev->ops->viommu_init ?
		      idev->ops->viommu_init(idev, NULL, cmd) :
		      -EOPNOTSUPP; /* the type probe (get_viommu_size) */
	if (!ret) {
		hwpt = (struct iofd_hwpt *)iofd_get_object(
			ictx, cmd->hwpt_id, IOFD_OBJ_HWPT_PAGING);
		if (!hwpt)
			ret = -ENOENT;
		else if (!(hwpt->flags & IOMMU_HWPT_ALLOC_NEST_PARENT) ||
			 hwpt->dom->drv != idev->ops)
			ret = -EINVAL;
	}
	if (!ret && !(v = calloc(1, sizeof(*v))))
		ret = -ENOMEM;
	if (!ret)
		ret = iofd_object_add(ictx, &v->obj, IOFD_OBJ_VIOMMU);
	if (ret) {
		free(v);
		if (hwpt)
			iofd_put_object(&hwpt->obj);
		iofd_put_object(&idev->obj);
		return ret;
	}
	v->ictx = ictx;
	v->type = cmd->type;
	v->drv = idev->ops;
	v->hwpt = hwpt; /* keeps get's reference */
	ret = idev->ops->viommu_init(idev, v, cmd);
	iofd_put_object(&idev->obj);
	cmd->out_viommu_id = v->obj.id;
	if (!ret)
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		iofd_object_remove(ictx, &v->obj);
	return ret;
}

/**
 * iofd_vdevice_alloc_ioctl() - IOMMU_VDEVICE_ALLOC (kernel
 * iommufd_vdevice_alloc_ioctl): ENOENT for the ids, EINVAL for a device
 * of another IOMMU, EEXIST when the device has a vDEVICE already or the
 * virtual id is taken in this vIOMMU.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_vdevice_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iofd_viommu *v;
	struct iofd_device *idev;
	struct iofd_vdevice *vd = NULL, **arr;
	int ret = 0;

	v = (struct iofd_viommu *)iofd_get_object(ictx, cmd->viommu_id,
						  IOFD_OBJ_VIOMMU);
	if (!v)
		return -ENOENT;
	idev = (struct iofd_device *)iofd_get_object(ictx, cmd->dev_id,
						     IOFD_OBJ_DEVICE);
	if (!idev)
		ret = -ENOENT;
	else if (idev->ops != v->drv)
		ret = -EINVAL;
	else if (idev->vdev)
		ret = -EEXIST;
	for (unsigned int i = 0; !ret && i < v->nvdevs; i++)
		if (v->vdevs[i]->virt_id == cmd->virt_id)
			ret = -EEXIST;
	if (!ret) {
		arr = realloc(v->vdevs, (v->nvdevs + 1) * sizeof(*arr));
		if (arr)
			v->vdevs = arr;
		vd = arr ? calloc(1, sizeof(*vd)) : NULL;
		ret = vd ? iofd_object_add(ictx, &vd->obj, IOFD_OBJ_VDEVICE) :
			   -ENOMEM;
	}
	if (ret) {
		free(vd);
		if (idev)
			iofd_put_object(&idev->obj);
		iofd_put_object(&v->obj);
		return ret;
	}
	vd->viommu = v; /* keeps get's reference */
	vd->idev = idev;
	vd->virt_id = cmd->virt_id;
	idev->vdev = vd;
	iofd_put_object(&idev->obj);
	v->vdevs[v->nvdevs++] = vd;
	cmd->out_vdevice_id = vd->obj.id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		iofd_object_remove(ictx, &vd->obj);
	return ret;
}

/** iofd_vdevice_free() - free a vDEVICE (its table slot gone). */
void iofd_vdevice_free(struct iofd_vdevice *vd)
{
	struct iofd_viommu *v = vd->viommu;

	for (unsigned int i = 0; i < v->nvdevs; i++) {
		if (v->vdevs[i] == vd) {
			v->vdevs[i] = v->vdevs[--v->nvdevs];
			break;
		}
	}
	if (vd->idev)
		vd->idev->vdev = NULL;
	iofd_put_object(&v->obj);
	free(vd);
}

/**
 * iofd_viommu_find_dev() - the device with virtual id @virt_id in @v.
 */
struct iofd_device *iofd_viommu_find_dev(struct iofd_viommu *v,
					 uint64_t virt_id)
{
	for (unsigned int i = 0; i < v->nvdevs; i++)
		if (v->vdevs[i]->virt_id == virt_id)
			return v->vdevs[i]->idev;
	return NULL;
}

/**
 * iofd_viommu_virt_id() - @idev's virtual id in @v (kernel
 * iommufd_viommu_get_vdev_id): -ENOENT when it has no vDEVICE there.
 */
int iofd_viommu_virt_id(struct iofd_viommu *v, struct iofd_device *idev,
			uint64_t *virt_id)
{
	if (!idev->vdev || idev->vdev->viommu != v)
		return -ENOENT;
	*virt_id = idev->vdev->virt_id;
	return 0;
}

/* ---- vEVENTQ ------------------------------------------------------------ */

/**
 * iofd_veventq_alloc_ioctl() - IOMMU_VEVENTQ_ALLOC (kernel
 * iommufd_veventq_alloc): flags, __reserved or type DEFAULT EOPNOTSUPP,
 * depth 0 EINVAL, ENOENT, EEXIST for a second queue of one type.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_veventq_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_veventq_alloc *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iofd_veventq *q;
	struct iofd_viommu *v;
	int ret = 0;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth)
		return -EINVAL;
	v = (struct iofd_viommu *)iofd_get_object(ictx, cmd->viommu_id,
						  IOFD_OBJ_VIOMMU);
	if (!v)
		return -ENOENT;
	for (q = v->veventqs; q && !ret; q = q->next_in_viommu)
		if (q->type == cmd->type)
			ret = -EEXIST;
	q = ret ? NULL : calloc(1, sizeof(*q));
	if (!ret && !q)
		ret = -ENOMEM;
	if (!ret)
		ret = iofd_object_add(ictx, &q->obj, IOFD_OBJ_VEVENTQ);
	if (ret) {
		free(q);
		iofd_put_object(&v->obj);
		return ret;
	}
	q->obj.users++; /* the fd's */
	q->viommu = v; /* keeps get's reference */
	q->type = cmd->type;
	q->depth = cmd->veventq_depth;
	q->next_in_viommu = v->veventqs;
	v->veventqs = q;
	cmd->out_veventq_id = q->obj.id;
	cmd->out_veventq_fd = q->obj.id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret) {
		q->obj.users--;
		iofd_object_remove(ictx, &q->obj);
	}
	return ret;
}

/** iofd_veventq_free() - free a vEVENTQ (its table slot gone). */
void iofd_veventq_free(struct iofd_veventq *q)
{
	struct iofd_veventq **pp = &q->viommu->veventqs;

	while (*pp != q)
		pp = &(*pp)->next_in_viommu;
	*pp = q->next_in_viommu;
	while (q->events) {
		struct iofd_vevent *e = q->events;

		q->events = e->next;
		free(e);
	}
	iofd_put_object(&q->viommu->obj);
	free(q);
}

static void queue_tail(struct iofd_veventq *q, struct iofd_vevent *e)
{
	struct iofd_vevent **pp = &q->events;

	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	e->next = NULL;
}

/**
 * iofd_viommu_report_event() - a driver's event for the client (kernel
 * iommufd_viommu_report_event): to @v's queue of @type (none:
 * -EOPNOTSUPP). A full queue takes one LOST_EVENTS header instead, moved
 * to the tail with a new sequence number at each loss; sequence numbers
 * run 0..INT_MAX and wrap.
 *
 * Return: 0, -EOPNOTSUPP or -ENOMEM.
 */
int iofd_viommu_report_event(struct iofd_viommu *v, uint32_t type,
			     const void *data, uint32_t len)
{
	struct iofd_veventq *q = v->veventqs;
	struct iofd_vevent *e, **pp;

	while (q && q->type != type)
		q = q->next_in_viommu;
	if (!q)
		return -EOPNOTSUPP;
	if (q->nevents == q->depth) {
		for (pp = &q->events; *pp && !(*pp)->lost; pp = &(*pp)->next)
			;
		e = *pp;
		if (e)
			*pp = e->next; /* moved to the tail below */
		else if (!(e = calloc(1, sizeof(*e))))
			return -ENOMEM;
		e->lost = true;
		e->hdr.flags = IOMMU_VEVENTQ_FLAG_LOST_EVENTS;
	} else {
		e = calloc(1, sizeof(*e) + len);
		if (!e)
			return -ENOMEM;
		memcpy(e->data, data, len);
		e->len = len;
		q->nevents++;
	}
	e->hdr.sequence = q->sequence;
	q->sequence = (q->sequence + 1) & INT32_MAX;
	queue_tail(q, e);
	return 0;
}

static struct iofd_veventq *get_veventq(struct iofd_ctx *ictx, uint32_t fd)
{
	struct iofd_veventq *q = (struct iofd_veventq *)iofd_get_object(
		ictx, fd, IOFD_OBJ_VEVENTQ);

	if (q && !q->fd_closed)
		return q;
	if (q)
		iofd_put_object(&q->obj);
	return NULL;
}

/**
 * iommufd_sim_veventq_read() - read() on a vEVENTQ fd (kernel
 * iommufd_veventq_fops_read): each event is its 8-byte header and its
 * data, taken whole while it fits; ESPIPE for a position.
 *
 * Return: bytes read (0: nothing fits or nothing is queued), -EBADF,
 * -ESPIPE or -EFAULT.
 */
int64_t iommufd_sim_veventq_read(struct iofd_ctx *ictx, uint32_t fd,
				 uint64_t uptr, uint64_t count, uint64_t pos)
{
	const uint64_t hsz = sizeof(struct iommufd_vevent_header);
	struct iofd_veventq *q = get_veventq(ictx, fd);
	uint64_t done = 0;
	int ret = 0;

	if (!q)
		return -EBADF;
	if (pos)
		ret = -ESPIPE;
	while (!ret && q->events) {
		struct iofd_vevent *e = q->events;

		if (count - done < hsz + e->len)
			break;
		ret = iofd_uwrite(ictx, uptr + done, &e->hdr, hsz);
		if (!ret && e->len)
			ret = iofd_uwrite(ictx, uptr + done + hsz, e->data,
					  e->len);
		if (ret)
			break;
		done += hsz + e->len;
		q->events = e->next;
		if (!e->lost)
			q->nevents--;
		free(e);
	}
	iofd_put_object(&q->obj);
	return done ? (int64_t)done : ret;
}

/**
 * iommufd_sim_veventq_pending() - poll() on a vEVENTQ fd: whether a read
 * would return something (EPOLLIN).
 *
 * Return: 1, 0, or -EBADF.
 */
int iommufd_sim_veventq_pending(struct iofd_ctx *ictx, uint32_t fd)
{
	struct iofd_veventq *q = get_veventq(ictx, fd);
	int ret;

	if (!q)
		return -EBADF;
	ret = q->events != NULL;
	iofd_put_object(&q->obj);
	return ret;
}

/** iommufd_sim_veventq_close() - close() on a vEVENTQ fd. */
int iommufd_sim_veventq_close(struct iofd_ctx *ictx, uint32_t fd)
{
	struct iofd_veventq *q = get_veventq(ictx, fd);

	if (!q)
		return -EBADF;
	iofd_put_object(&q->obj);
	q->fd_closed = true;
	q->obj.users--;
	return 0;
}

/** iofd_close_veventqs() - close every vEVENTQ fd of the context. */
void iofd_close_veventqs(struct iofd_ctx *ictx)
{
	for (uint32_t i = 0; i < ictx->nobjs; i++) {
		struct iofd_object *obj = ictx->objs[i];

		if (obj && obj->type == IOFD_OBJ_VEVENTQ)
			iommufd_sim_veventq_close(ictx, obj->id);
	}
}

/* ---- HW queues ---------------------------------------------------------- */

/* Pin the queue's memory through an internal access on the parent's IOAS
 * and find its physical address (kernel iommufd_hw_queue_alloc_phys):
 * ENOENT when not mapped, EFAULT when not physically contiguous. */
static int queue_memory(struct iofd_hw_queue *q,
			const struct iommu_hw_queue_alloc *c, uint64_t *base_pa)
{
	struct iofd_ioas *ioas = q->viommu->hwpt->ioas;
	uint64_t iova = c->nesting_parent_iova, last = iova + c->length - 1;
	uint64_t want = 0;
	uint32_t item;
	int ret;

	ret = iofd_access_new(q->viommu->ictx, ioas->obj.id, true, true,
			      &q->access);
	if (!ret)
		ret = iofd_access_pin(q->access, iova, c->length, false, 0,
				      &item);
	for (struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, iova);
	     !ret && a && a->iova <= last; a = iopt_next(&ioas->iopt, a)) {
		uint64_t at = a->iova < iova ? iova : a->iova;
		uint64_t pa =
			iofd_pages_pa(a->pages, a->user_va + (at - a->iova));

		if (at == iova)
			*base_pa = pa;
		else if (pa != want)
			ret = -EFAULT;
		want = pa + (a->last - at + 1);
	}
	return ret;
}

/**
 * iofd_hw_queue_alloc_ioctl() - IOMMU_HW_QUEUE_ALLOC (kernel
 * iommufd_hw_queue_alloc_ioctl): flags or type DEFAULT EOPNOTSUPP, length
 * 0 EINVAL, a wrapping range EOVERFLOW, ENOENT for the vIOMMU, a driver
 * without the type EOPNOTSUPP; then the memory is pinned (ENOENT, EFAULT;
 * unmapping it is EBUSY from now on) and the driver's rules apply.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_hw_queue_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_hw_queue_alloc *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iofd_hw_queue *q;
	struct iofd_viommu *v;
	uint64_t last, base_pa = 0;
	int ret;

	if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (__builtin_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
				   &last))
		return -EOVERFLOW;
	v = (struct iofd_viommu *)iofd_get_object(ictx, cmd->viommu_id,
						  IOFD_OBJ_VIOMMU);
	if (!v)
		return -ENOENT;
	ret = v->drv->hw_queue_init ?
		      v->drv->hw_queue_init(v, NULL, cmd->type, 0, 0) :
		      -EOPNOTSUPP;
	q = ret ? NULL : calloc(1, sizeof(*q));
	if (!ret && !q)
		ret = -ENOMEM;
	if (!ret)
		ret = iofd_object_add(ictx, &q->obj, IOFD_OBJ_HW_QUEUE);
	if (ret) {
		free(q);
		iofd_put_object(&v->obj);
		return ret;
	}
	q->viommu = v; /* keeps get's reference */
	q->index = cmd->index;
	ret = queue_memory(q, cmd, &base_pa);
	if (!ret)
		ret = v->drv->hw_queue_init(v, q, cmd->type,
					    cmd->nesting_parent_iova, base_pa);
	if (!ret) {
		cmd->out_hw_queue_id = q->obj.id;
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	if (ret)
		iofd_object_remove(ictx, &q->obj);
	return ret;
}

/** iofd_hw_queue_free() - free a HW queue (its table slot gone). */
void iofd_hw_queue_free(struct iofd_hw_queue *q)
{
	struct iofd_viommu *v = q->viommu;

	if (v->drv->hw_queue_destroy)
		v->drv->hw_queue_destroy(v, q);
	if (q->access)
		iofd_access_destroy(q->access);
	iofd_put_object(&v->obj);
	free(q);
}

// SPDX-License-Identifier: MIT
/*
 * fault.c - fault objects (kernel drivers/iommu/iommufd/eventq.c, the
 * IOMMU_FAULT_QUEUE_ALLOC part): a queue of I/O page faults of the
 * devices attached to HWPTs made with FAULT_ID_VALID, which the client
 * reads as whole groups of 40-byte iommu_hwpt_pgfault records and answers
 * with 8-byte iommu_hwpt_page_response records.
 *
 * The fault "fd" is a handle (the object's id) until the transport turns
 * it into a file: iommufd_sim_fault_read/_write/_pending/_close are what
 * read(), write(), poll() and close() on it do. The open handle holds a
 * reference, so IOMMU_DESTROY of the fault is EBUSY until it is closed.
 *
 * Groups are one record each here: the only source of faults so far is
 * IOMMU_TEST_OP_TRIGGER_IOPF, which makes single-page (LAST_PAGE) groups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"

struct iofd_fault_group {
	struct iofd_fault_group *next;
	struct iofd_device *idev; /* who faulted */
	struct iommu_hwpt_pgfault rec; /* rec.cookie: given at read time */
};

static void free_list(struct iofd_fault_group *g)
{
	while (g) {
		struct iofd_fault_group *next = g->next;

		free(g);
		g = next;
	}
}

/** iofd_fault_free() - free a fault object (its table slot gone). */
void iofd_fault_free(struct iofd_fault *f)
{
	free_list(f->pending);
	free_list(f->responding);
	free(f);
}

/**
 * iofd_fault_alloc_ioctl() - IOMMU_FAULT_QUEUE_ALLOC (kernel
 * iommufd_fault_alloc): flags must be 0 (EOPNOTSUPP).
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_fault_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_fault_alloc *cmd = ucmd->cmd;
	struct iofd_fault *f;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	ret = iofd_object_add(ucmd->ictx, &f->obj, IOFD_OBJ_FAULT);
	if (ret) {
		free(f);
		return ret;
	}
	f->obj.users++; /* the fd's */
	f->ictx = ucmd->ictx;
	cmd->out_fault_id = f->obj.id;
	cmd->out_fault_fd = f->obj.id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret) {
		f->obj.users--;
		iofd_object_remove(ucmd->ictx, &f->obj);
	}
	return ret;
}

/**
 * iofd_fault_report() - queue one page request of @idev (kernel
 * iommufd_fault_iopf_handler and iommufd_compose_fault_message).
 * @f: the fault object of the HWPT the request hit.
 * @idev: the device.
 * @rec: the record (dev_id, length and cookie are filled here).
 *
 * Return: 0 or -ENOMEM.
 */
int iofd_fault_report(struct iofd_fault *f, struct iofd_device *idev,
		      const struct iommu_hwpt_pgfault *rec)
{
	struct iofd_fault_group *g = calloc(1, sizeof(*g)), **pp;

	if (!g)
		return -ENOMEM;
	g->idev = idev;
	g->rec = *rec;
	g->rec.dev_id = idev->obj.id;
	g->rec.length = 0;
	g->rec.cookie = 0;
	for (pp = &f->pending; *pp; pp = &(*pp)->next)
		;
	*pp = g;
	return 0;
}

/* Forget @idev's requests: pending ones and those read but unanswered
 * (kernel iommufd_auto_response_faults, when a device leaves a HWPT). */
static void drop_dev(struct iofd_fault_group **pp, struct iofd_device *idev)
{
	while (*pp) {
		struct iofd_fault_group *g = *pp;

		if (g->idev != idev) {
			pp = &g->next;
			continue;
		}
		*pp = g->next;
		free(g);
	}
}

/** iofd_fault_drop_device() - @idev left a HWPT that used @f. */
void iofd_fault_drop_device(struct iofd_fault *f, struct iofd_device *idev)
{
	drop_dev(&f->pending, idev);
	drop_dev(&f->responding, idev);
}

static struct iofd_fault *get_fault(struct iofd_ctx *ictx, uint32_t fd)
{
	struct iofd_fault *f =
		(struct iofd_fault *)iofd_get_object(ictx, fd, IOFD_OBJ_FAULT);

	if (f && !f->fd_closed)
		return f;
	if (f)
		iofd_put_object(&f->obj);
	return NULL;
}

/* The lowest cookie from 1 no unanswered group holds (xa_alloc). */
static uint32_t new_cookie(const struct iofd_fault *f)
{
	uint32_t c = 1;
	bool used = true;

	while (used) {
		used = false;
		for (const struct iofd_fault_group *g = f->responding; g;
		     g = g->next)
			if (g->rec.cookie == c) {
				used = true;
				c++;
				break;
			}
	}
	return c;
}

/**
 * iommufd_sim_fault_read() - read() on a fault fd (kernel
 * iommufd_fault_fops_read): whole groups while they fit, each given a
 * cookie; ESPIPE for a count that is not a multiple of 40 or a position.
 * @ictx: the context.
 * @fd: the handle from IOMMU_FAULT_QUEUE_ALLOC.
 * @uptr: the reader's buffer (a user address).
 * @count: its size.
 * @pos: the file position (must be 0).
 *
 * Return: bytes read (0: nothing pending), -EBADF, -ESPIPE or -EFAULT.
 */
int64_t iommufd_sim_fault_read(struct iofd_ctx *ictx, uint32_t fd,
			       uint64_t uptr, uint64_t count, uint64_t pos)
{
	const uint64_t rsz = sizeof(struct iommu_hwpt_pgfault);
	struct iofd_fault *f = get_fault(ictx, fd);
	uint64_t done = 0;
	int ret = 0;

	if (!f)
		return -EBADF;
	if (pos || count % rsz)
		ret = -ESPIPE;
	while (!ret && f->pending && count - done >= rsz) {
		struct iofd_fault_group *g = f->pending;

		g->rec.cookie = new_cookie(f);
		ret = iofd_uwrite(ictx, uptr + done, &g->rec, rsz);
		if (ret)
			break;
		f->pending = g->next;
		g->next = f->responding;
		f->responding = g;
		done += rsz;
	}
	iofd_put_object(&f->obj);
	return done ? (int64_t)done : ret;
}

/**
 * iommufd_sim_fault_write() - write() on a fault fd (kernel
 * iommufd_fault_fops_write): page responses, each for a cookie read
 * before and a code SUCCESS or INVALID (else EINVAL); ESPIPE for a count
 * that is not a multiple of 8 or a position.
 * @ictx: the context.
 * @fd: the handle.
 * @uptr: the writer's buffer.
 * @count: its size.
 * @pos: the file position (must be 0).
 *
 * Return: bytes consumed, or -errno when the first response failed.
 */
int64_t iommufd_sim_fault_write(struct iofd_ctx *ictx, uint32_t fd,
				uint64_t uptr, uint64_t count, uint64_t pos)
{
	const uint64_t rsz = sizeof(struct iommu_hwpt_page_response);
	struct iofd_fault *f = get_fault(ictx, fd);
	uint64_t done = 0;
	int ret = 0;

	if (!f)
		return -EBADF;
	if (pos || count % rsz)
		ret = -ESPIPE;
	while (!ret && count - done >= rsz) {
		struct iommu_hwpt_page_response r;
		struct iofd_fault_group **pp = &f->responding;

		ret = iofd_uread(ictx, uptr + done, &r, rsz);
		if (ret)
			break;
		if (r.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    r.code != IOMMUFD_PAGE_RESP_INVALID) {
			ret = -EINVAL;
			break;
		}
		while (*pp && (*pp)->rec.cookie != r.cookie)
			pp = &(*pp)->next;
		if (!*pp) {
			ret = -EINVAL;
			break;
		}
		{
			struct iofd_fault_group *g = *pp;

			*pp = g->next; /* answered: the device moves on */
			free(g);
		}
		done += rsz;
	}
	iofd_put_object(&f->obj);
	return done ? (int64_t)done : ret;
}

/**
 * iommufd_sim_fault_pending() - poll() on a fault fd: whether a read
 * would return something (EPOLLIN; EPOLLOUT is always there).
 *
 * Return: 1, 0, or -EBADF.
 */
int iommufd_sim_fault_pending(struct iofd_ctx *ictx, uint32_t fd)
{
	struct iofd_fault *f = get_fault(ictx, fd);
	int ret;

	if (!f)
		return -EBADF;
	ret = f->pending != NULL;
	iofd_put_object(&f->obj);
	return ret;
}

/**
 * iommufd_sim_fault_close() - close() on a fault fd: the object loses
 * the fd's reference (HWPTs using it keep theirs).
 *
 * Return: 0, or -EBADF.
 */
int iommufd_sim_fault_close(struct iofd_ctx *ictx, uint32_t fd)
{
	struct iofd_fault *f = get_fault(ictx, fd);

	if (!f)
		return -EBADF;
	iofd_put_object(&f->obj);
	f->fd_closed = true;
	f->obj.users--;
	return 0;
}

/** iofd_close_faults() - close every fault fd of the context (close). */
void iofd_close_faults(struct iofd_ctx *ictx)
{
	for (uint32_t i = 0; i < ictx->nobjs; i++) {
		struct iofd_object *obj = ictx->objs[i];

		if (obj && obj->type == IOFD_OBJ_FAULT)
			iommufd_sim_fault_close(ictx, obj->id);
	}
}

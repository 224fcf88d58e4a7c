// SPDX-License-Identifier: MIT
/*
 * object.c - the per-context object table and IOMMU_DESTROY (kernel:
 * drivers/iommu/iommufd/main.c, iommufd_object_* and iommufd_destroy).
 *
 * The table is an array indexed by id - 1; a new object takes the lowest
 * free id (id 0 is never used). The table's own reference is one of
 * @users; IOMMU_DESTROY removes an object only when that is the last one,
 * else EBUSY. Close destroys leaves first: it repeatedly frees objects
 * nobody else holds, so dependencies go before what they depend on.
 */
#include <errno.h>
#include <stdlib.h>

#include "iofd_private.h"

/*
 * A tombstone holds the id of an object the kernel destroyed on the
 * user's behalf (a vDEVICE going with its device): the id is not given
 * out again in this context, and naming it is ENOENT.
 */
static struct iofd_object tombstone = { .type = IOFD_OBJ_NONE };

/**
 * iofd_object_add() - publish @obj under the lowest free id.
 * @ictx: the context.
 * @obj: the object (users is set to 1: the table's reference).
 * @type: its kind.
 *
 * Return: 0 or -ENOMEM / -ENOSPC.
 */
int iofd_object_add(struct iofd_ctx *ictx, struct iofd_object *obj,
		    enum iofd_obj_type type)
{
	uint32_t i;

	for (i = 0; i < ictx->nobjs && ictx->objs[i]; i++)
		;
	if (i == ictx->nobjs) {
		struct iofd_object **o;

		if (ictx->nobjs == INT32_MAX)
			return -ENOSPC;
		o = realloc(ictx->objs, (ictx->nobjs + 1) * sizeof(*o));
		if (!o)
			return -ENOMEM;
		ictx->objs = o;
		ictx->objs[ictx->nobjs++] = NULL;
	}
	obj->type = type;
	obj->id = i + 1;
	obj->users = 1;
	ictx->objs[i] = obj;
	return 0;
}

/**
 * iofd_get_object() - look up @id as @type (IOFD_OBJ_ANY for any kind)
 * and take a reference, released with iofd_put_object().
 * @ictx: the context.
 * @id: the id.
 * @type: the kind wanted.
 *
 * Return: the object, or NULL: no such id, or another kind (the kernel
 * answers ENOENT for both).
 */
struct iofd_object *iofd_get_object(struct iofd_ctx *ictx, uint32_t id,
				    enum iofd_obj_type type)
{
	struct iofd_object *obj;

	if (!id || id > ictx->nobjs)
		return NULL;
	obj = ictx->objs[id - 1];
	if (!obj || obj == &tombstone ||
	    (type != IOFD_OBJ_ANY && obj->type != type))
		return NULL;
	obj->users++;
	return obj;
}

/** iofd_put_object() - drop a reference taken by iofd_get_object(). */
void iofd_put_object(struct iofd_object *obj)
{
	obj->users--;
}

/** iofd_object_free() - free an object by kind (table slot already gone). */
void iofd_object_free(struct iofd_object *obj)
{
	switch (obj->type) {
	case IOFD_OBJ_IOAS:
		iofd_ioas_destroy((struct iofd_ioas *)obj);
		break;
	case IOFD_OBJ_HWPT_PAGING:
	case IOFD_OBJ_HWPT_NESTED:
		iofd_hwpt_destroy((struct iofd_hwpt *)obj);
		break;
	case IOFD_OBJ_DEVICE:
		iofd_device_destroy((struct iofd_device *)obj);
		break;
	case IOFD_OBJ_FAULT:
		iofd_fault_free((struct iofd_fault *)obj);
		break;
	case IOFD_OBJ_ACCESS:
		iofd_access_free((struct iofd_access *)obj);
		break;
	case IOFD_OBJ_SELFTEST:
		iofd_stdev_destroy((struct iofd_stdev *)obj);
		break;
	case IOFD_OBJ_VIOMMU:
		iofd_viommu_free((struct iofd_viommu *)obj);
		break;
	case IOFD_OBJ_VDEVICE:
		iofd_vdevice_free((struct iofd_vdevice *)obj);
		break;
	case IOFD_OBJ_VEVENTQ:
		iofd_veventq_free((struct iofd_veventq *)obj);
		break;
	case IOFD_OBJ_HW_QUEUE:
		iofd_hw_queue_free((struct iofd_hw_queue *)obj);
		break;
	default:
		free(obj);
		break;
	}
}

/** iofd_object_remove() - take @obj out of the table and free it. */
void iofd_object_remove(struct iofd_ctx *ictx, struct iofd_object *obj)
{
	ictx->objs[obj->id - 1] = NULL;
	if (ictx->vfio_ioas == (struct iofd_ioas *)obj)
		ictx->vfio_ioas = NULL; /* the compat pointer holds no ref */
	iofd_object_free(obj);
}

/**
 * iofd_object_tombstone() - free @obj and keep its id from reuse
 * (kernel iommufd_object_tombstone_user).
 */
void iofd_object_tombstone(struct iofd_ctx *ictx, struct iofd_object *obj)
{
	uint32_t id = obj->id;

	iofd_object_remove(ictx, obj);
	ictx->objs[id - 1] = &tombstone;
}

/**
 * iofd_destroy_ioctl() - IOMMU_DESTROY: ENOENT for no such id (or id 0),
 * EBUSY while anything else holds the object.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_destroy_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;
	struct iofd_object *obj;

	obj = iofd_get_object(ucmd->ictx, cmd->id, IOFD_OBJ_ANY);
	if (!obj)
		return -ENOENT;
	iofd_put_object(obj);
	if (obj->users != 1)
		return -EBUSY;
	iofd_object_remove(ucmd->ictx, obj);
	return 0;
}

/**
 * iofd_destroy_all() - free every object, leaves first (close).
 * @ictx: the context.
 */
void iofd_destroy_all(struct iofd_ctx *ictx)
{
	bool progress = true;

	while (progress) {
		progress = false;
		for (uint32_t i = 0; i < ictx->nobjs; i++) {
			struct iofd_object *obj = ictx->objs[i];

			if (obj && obj->users == 1) {
				iofd_object_remove(ictx, obj);
				progress = true;
			}
		}
	}
	/* a reference cycle would be a bug: free what is left anyway */
	for (uint32_t i = 0; i < ictx->nobjs; i++)
		if (ictx->objs[i] && ictx->objs[i] != &tombstone)
			iofd_object_remove(ictx, ictx->objs[i]);
}

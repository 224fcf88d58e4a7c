// SPDX-License-Identifier: MIT
/*
 * ioas.c - IOAS objects and the ioctls that need no mapping yet:
 * IOAS_ALLOC, IOAS_ALLOW_IOVAS, IOAS_IOVA_RANGES, OPTION, VFIO_IOAS
 * (kernel: drivers/iommu/iommufd/ioas.c and vfio_compat.c; errno rules:
 * shared/reference/iommufd-uapi.md 2.2).
 *
 * IOVA_RANGES reports the holes between the reserved ranges that
 * attached devices and domains put there (ioas_domains.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"

#define IOFD_MAX_IOVAS (1u << 20) /* entries read by one ALLOW_IOVAS */

/** iofd_get_ioas() - look up an IOAS (with a reference), or NULL. */
struct iofd_ioas *iofd_get_ioas(struct iofd_ctx *ictx, uint32_t id)
{
	return (struct iofd_ioas *)iofd_get_object(ictx, id, IOFD_OBJ_IOAS);
}

/** iofd_ioas_destroy() - free an IOAS the table no longer holds (no
 * HWPT can be left: each holds a reference). */
void iofd_ioas_destroy(struct iofd_ioas *ioas)
{
	for (struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, 0); a;
	     a = iopt_next(&ioas->iopt, a))
		iofd_pages_put(a->pages);
	iopt_free_all(&ioas->iopt);
	free(ioas->allowed);
	free(ioas->resv);
	free(ioas->hwpts);
	free(ioas);
}

/**
 * iofd_ioas_alignment() - the IOVA alignment every map must keep (kernel
 * iopt->iova_alignment): 1, or PAGE_SIZE when huge pages are off, raised
 * to each domain's smallest page and each pinning access's PAGE_SIZE.
 */
uint64_t iofd_ioas_alignment(const struct iofd_ioas *ioas)
{
	uint64_t a = ioas->huge_pages ? 1 : IOFD_PAGE_SIZE;

	for (unsigned int i = 0; i < ioas->nhwpts; i++) {
		uint64_t bm = ioas->hwpts[i]->dom->pgsize_bitmap;

		if ((bm & -bm) > a)
			a = bm & -bm;
	}
	if (ioas->naccess_pin && a < IOFD_PAGE_SIZE)
		a = IOFD_PAGE_SIZE;
	return a;
}

/**
 * iofd_ioas_alloc_ioctl() - IOMMU_IOAS_ALLOC (kernel iommufd_ioas_alloc_ioctl):
 * flags must be 0 (EOPNOTSUPP); a fault writing the id back undoes it.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_alloc_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_alloc *cmd = ucmd->cmd;
	struct iofd_ioas *ioas;
	int ret;

	if (cmd->flags)
		return -EOPNOTSUPP;
	ioas = calloc(1, sizeof(*ioas));
	if (!ioas)
		return -ENOMEM;
	ioas->huge_pages = true;
	ioas->ictx = ucmd->ictx;
	ret = iofd_object_add(ucmd->ictx, &ioas->obj, IOFD_OBJ_IOAS);
	if (ret) {
		free(ioas);
		return ret;
	}
	cmd->out_ioas_id = ioas->obj.id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret) {
		ucmd->ictx->objs[ioas->obj.id - 1] = NULL;
		iofd_ioas_destroy(ioas);
	}
	return ret;
}

static int cmp_range(const void *a, const void *b)
{
	const struct iommu_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/**
 * iofd_ioas_allow_iovas() - IOMMU_IOAS_ALLOW_IOVAS (kernel
 * iommufd_ioas_allow_iovas): replace the allowed list whole. An entry with
 * start >= last, or two overlapping entries, is EINVAL; one over a
 * reserved range EADDRINUSE.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_allow_iovas(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_allow_iovas *cmd = ucmd->cmd;
	struct iommu_iova_range *r = NULL;
	struct iofd_ioas *ioas;
	int ret = 0;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = iofd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	if (cmd->num_iovas > IOFD_MAX_IOVAS) {
		ret = -ENOMEM;
		goto out_put;
	}
	if (cmd->num_iovas) {
		r = calloc(cmd->num_iovas, sizeof(*r));
		if (!r) {
			ret = -ENOMEM;
			goto out_put;
		}
		ret = iofd_uread(ucmd->ictx, cmd->allowed_iovas, r,
				 cmd->num_iovas * sizeof(*r));
		if (ret)
			goto out_free;
	}
	if (r)
		qsort(r, cmd->num_iovas, sizeof(*r), cmp_range);
	for (uint32_t i = 0; i < cmd->num_iovas; i++) {
		if (r[i].start >= r[i].last ||
		    (i && r[i].start <= r[i - 1].last)) {
			ret = -EINVAL;
			goto out_free;
		}
	}
	for (uint32_t i = 0; i < cmd->num_iovas; i++) {
		if (iofd_ioas_reserved(ioas, r[i].start, r[i].last)) {
			ret = -EADDRINUSE; /* kernel iopt_set_allow_iova */
			goto out_free;
		}
	}
	free(ioas->allowed);
	ioas->allowed = r;
	ioas->nallowed = cmd->num_iovas;
	r = NULL;
out_free:
	free(r);
out_put:
	iofd_put_object(&ioas->obj);
	return ret;
}

/**
 * iofd_ioas_iova_ranges() - IOMMU_IOAS_IOVA_RANGES (kernel
 * iommufd_ioas_iova_ranges): the holes of the reserved ranges over
 * [0, U64_MAX], as many as num_iovas allows; num_iovas comes back as the
 * total, and a total above the capacity is EMSGSIZE after the struct was
 * written back.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_ioas_iova_ranges(struct iofd_ucmd *ucmd)
{
	struct iommu_ioas_iova_ranges *cmd = ucmd->cmd;
	uint32_t capacity = cmd->num_iovas;
	uint64_t total;
	struct iofd_ioas *ioas;
	int ret = 0;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = iofd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (!ioas)
		return -ENOENT;
	total = iofd_ioas_usable_ranges(ioas, NULL, 0);
	if (total && capacity) {
		uint64_t n = total < capacity ? total : capacity;
		struct iommu_iova_range *r = calloc(n, sizeof(*r));

		if (r) {
			iofd_ioas_usable_ranges(ioas, r, n);
			ret = iofd_uwrite(ucmd->ictx, cmd->allowed_iovas, r,
					  n * sizeof(*r));
		} else {
			ret = -ENOMEM;
		}
		free(r);
	}
	if (!ret) {
		cmd->num_iovas = (uint32_t)total;
		cmd->out_iova_alignment = iofd_ioas_alignment(ioas);
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	if (!ret && total > capacity)
		ret = -EMSGSIZE;
	iofd_put_object(&ioas->obj);
	return ret;
}

static int option_rlimit_mode(struct iofd_ucmd *ucmd, struct iommu_option *cmd)
{
	struct iofd_ctx *ictx = ucmd->ictx;

	if (cmd->object_id)
		return -EOPNOTSUPP;
	if (cmd->op == IOMMU_OPTION_OP_GET) {
		cmd->val64 = ictx->rlimit_mode;
		return 0;
	}
	if (cmd->val64 > 1)
		return -EINVAL;
	/* the mode can change only while nothing is accounted */
	for (uint32_t i = 0; i < ictx->nobjs; i++)
		if (ictx->objs[i])
			return -EBUSY;
	ictx->rlimit_mode = cmd->val64;
	return 0;
}

/* The IOAS's choice, and every domain's maps from now on with it. */
static void set_large_pages(struct iofd_ioas *ioas, bool on)
{
	ioas->huge_pages = on;
	for (unsigned int i = 0; i < ioas->nhwpts; i++)
		ioas->hwpts[i]->dom->ops->large_pages(ioas->hwpts[i]->dom, on);
}

/* Whether an area breaks an alignment of @align (kernel
 * iopt_check_iova_alignment). */
bool iofd_ioas_misaligned(struct iofd_ioas *ioas, uint64_t align)
{
	for (struct iopt_area *a = iopt_first_at_or_after(&ioas->iopt, 0); a;
	     a = iopt_next(&ioas->iopt, a))
		if ((a->iova | (a->last + 1) | a->user_va) & (align - 1))
			return true;
	return false;
}

/**
 * iofd_ioas_disable_large_pages() - IOVA alignment becomes PAGE_SIZE
 * (kernel iopt_disable_large_pages, also reached by VFIO_SET_IOMMU TYPE1).
 * @ioas: the IOAS.
 *
 * Return: 0; -EINVAL while a domain already maps areas; -EADDRINUSE
 * when an existing area is not page aligned.
 */
int iofd_ioas_disable_large_pages(struct iofd_ioas *ioas)
{
	if (!ioas->huge_pages)
		return 0;
	if (ioas->nhwpts && ioas->iopt.nareas)
		return -EINVAL;
	if (iofd_ioas_misaligned(ioas, IOFD_PAGE_SIZE))
		return -EADDRINUSE;
	set_large_pages(ioas, false);
	return 0;
}

static int option_huge_pages(struct iofd_ucmd *ucmd, struct iommu_option *cmd)
{
	struct iofd_ioas *ioas = iofd_get_ioas(ucmd->ictx, cmd->object_id);
	int ret = 0;

	if (!ioas)
		return -ENOENT;
	if (cmd->op == IOMMU_OPTION_OP_GET)
		cmd->val64 = ioas->huge_pages;
	else if (cmd->val64 > 1)
		ret = -EINVAL;
	else if (!cmd->val64)
		ret = iofd_ioas_disable_large_pages(ioas);
	else
		set_large_pages(ioas, true);
	iofd_put_object(&ioas->obj);
	return ret;
}

/**
 * iofd_option_ioctl() - IOMMU_OPTION (kernel iommufd_option): RLIMIT_MODE
 * (global: object_id 0, SET only on an empty context) and HUGE_PAGES (per
 * IOAS). Only val64 is written back.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_option_ioctl(struct iofd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	int ret;

	if (cmd->__reserved ||
	    (cmd->op != IOMMU_OPTION_OP_SET && cmd->op != IOMMU_OPTION_OP_GET))
		return -EOPNOTSUPP;
	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		ret = option_rlimit_mode(ucmd, cmd);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		ret = option_huge_pages(ucmd, cmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (ret)
		return ret;
	return iofd_uwrite(ucmd->ictx,
			   ucmd->ubuffer + offsetof(struct iommu_option, val64),
			   &cmd->val64, sizeof(cmd->val64));
}

/**
 * iofd_vfio_ioas() - IOMMU_VFIO_IOAS (kernel iommufd_vfio_ioas): GET
 * (ENODEV without one), SET (ENOENT unless an IOAS), CLEAR the IOAS the
 * VFIO compatibility commands act on. The pointer holds no reference.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_vfio_ioas(struct iofd_ucmd *ucmd)
{
	struct iommu_vfio_ioas *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;
	struct iofd_ioas *ioas;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		if (!ictx->vfio_ioas)
			return -ENODEV;
		cmd->ioas_id = ictx->vfio_ioas->obj.id;
		return iofd_ucmd_respond(ucmd, sizeof(*cmd));
	case IOMMU_VFIO_IOAS_SET:
		ioas = iofd_get_ioas(ictx, cmd->ioas_id);
		if (!ioas)
			return -ENOENT;
		ictx->vfio_ioas = ioas;
		iofd_put_object(&ioas->obj);
		return 0;
	case IOMMU_VFIO_IOAS_CLEAR:
		ictx->vfio_ioas = NULL;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

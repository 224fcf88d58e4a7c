// SPDX-License-Identifier: MIT
/*
 * vfio_compat.c - the VFIO type1 container ioctls that iommufd answers on
 * its own fd (kernel: drivers/iommu/iommufd/vfio_compat.c; fact sheet
 * shared/reference/iommufd-uapi.md 2.3). They act on the compat IOAS set
 * by IOMMU_VFIO_IOAS; without one they fail with ENODEV. They do not go
 * through the iommufd size/zero-tail rules: each reads its own minimum
 * (argsz) and writes back only that much.
 *
 * The simulated kernel is built without CONFIG_VFIO_NOIOMMU, so
 * VFIO_NOIOMMU_IOMMU is neither an extension nor a settable type.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "iofd_private.h"

/* The compat IOAS with a reference held, or NULL (ENODEV). */
static struct iofd_ioas *get_compat_ioas(struct iofd_ctx *ictx)
{
	return ictx->vfio_ioas ? iofd_get_ioas(ictx, ictx->vfio_ioas->obj.id) :
				 NULL;
}

/* DMA_CC_IOMMU: 1 when every attached domain enforces coherency; with no
 * domains (none exist yet) that is vacuously true, as in the kernel. */
static int check_extension(struct iofd_ctx *ictx, uint64_t type)
{
	struct iofd_ioas *ioas;

	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		ioas = get_compat_ioas(ictx);
		if (!ioas)
			return -ENODEV;
		iofd_put_object(&ioas->obj);
		return 1;
	default: /* TYPE1_NESTING, UPDATE_VADDR, NOIOMMU, SPAPR, EEH, ... */
		return 0;
	}
}

/* TYPE1 differs from TYPE1v2 only in allowing unmaps inside an area,
 * which the kernel emulates by turning large pages off. */
static int set_iommu(struct iofd_ctx *ictx, uint64_t type)
{
	struct iofd_ioas *ioas;
	int ret = 0;

	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return -EINVAL;
	ioas = get_compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	if (type == VFIO_TYPE1_IOMMU)
		ret = iofd_ioas_disable_large_pages(ioas);
	iofd_put_object(&ioas->obj);
	return ret;
}

static int map_dma(struct iofd_ctx *ictx, uint64_t arg)
{
	struct vfio_iommu_type1_dma_map map;
	unsigned int prot = 0;
	struct iofd_ioas *ioas;
	uint64_t iova;
	int ret;

	if (iofd_uread(ictx, arg, &map, sizeof(map)))
		return -EFAULT;
	if (map.argsz < sizeof(map) ||
	    (map.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)))
		return -EINVAL;
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_IOAS_MAP_READABLE;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_IOAS_MAP_WRITEABLE;
	ioas = get_compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	iova = map.iova; /* type1 maps are always at the given IOVA */
	ret = iofd_ioas_map_pages(ioas, &iova, map.vaddr, map.size, prot, true);
	iofd_put_object(&ioas->obj);
	return ret;
}

/*
 * Returns with *@respond false when the kernel fails before unmapping
 * (UNMAP_ALL with a range, a cut that breaks alignment): then nothing is
 * written back. Unmap errors proper still write back size.
 */
static int unmap_dma_ioas(struct iofd_ioas *ioas,
			  struct vfio_iommu_type1_dma_unmap *u,
			  uint64_t *unmapped, bool *respond)
{
	uint64_t last;
	int ret;

	*unmapped = 0;
	*respond = false;
	if (u->flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (u->iova || u->size)
			return -EINVAL;
		*respond = true;
		return iofd_ioas_unmap_range(ioas, 0, UINT64_MAX, true,
					     unmapped);
	}
	if (!ioas->huge_pages) {
		/* TYPE1: cut at both ends so the range can be punched out;
		 * no cut is needed in front of IOVA 0 */
		const uint64_t cuts[] = { u->iova + u->size - 1, u->iova - 1 };

		ret = iofd_ioas_cut(ioas, cuts, u->iova ? 2 : 1);
		if (ret)
			return ret;
	}
	*respond = true;
	/* the checks of iopt_unmap_iova */
	if (!u->size)
		return -EINVAL;
	if (__builtin_add_overflow(u->iova, u->size - 1, &last))
		return -EOVERFLOW;
	return iofd_ioas_unmap_range(ioas, u->iova, last, false, unmapped);
}

/* The unmapped length replaces size; only the 24-byte head goes back. */
static int unmap_dma(struct iofd_ctx *ictx, uint64_t arg)
{
	struct vfio_iommu_type1_dma_unmap u;
	struct iofd_ioas *ioas;
	uint64_t unmapped;
	bool respond;
	int ret;

	if (iofd_uread(ictx, arg, &u, sizeof(u)))
		return -EFAULT;
	if (u.argsz < sizeof(u) || (u.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return -EINVAL;
	ioas = get_compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	ret = unmap_dma_ioas(ioas, &u, &unmapped, &respond);
	iofd_put_object(&ioas->obj);
	if (!respond)
		return ret;
	u.size = unmapped;
	if (iofd_uwrite(ictx, arg, &u, sizeof(u)))
		ret = -EFAULT;
	return ret;
}

/*
 * The page sizes (kernel iommufd_get_pagesizes): the AND of the attached
 * domains' page sizes with anything below PAGE_SIZE folded into PAGE_SIZE,
 * at least the IOAS alignment. With no domain: every size from PAGE_SIZE.
 */
static uint64_t page_sizes(struct iofd_ioas *ioas)
{
	uint64_t sizes = ~(IOFD_PAGE_SIZE - 1),
		 align = iofd_ioas_alignment(ioas);

	for (unsigned int i = 0; i < ioas->nhwpts; i++)
		sizes &= ioas->hwpts[i]->dom->pgsize_bitmap;
	if (sizes & (IOFD_PAGE_SIZE - 1)) /* vfio_update_pgsize_bitmap */
		sizes = (sizes & ~(IOFD_PAGE_SIZE - 1)) | IOFD_PAGE_SIZE;
	return sizes > align ? sizes : align;
}

/* DMA_AVAIL: the kernel reports U32_MAX (its real limit is the cgroup's). */
static int fill_cap_dma_avail(struct iofd_ctx *ictx, uint64_t at,
			      uint64_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header = { VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1, 0 },
		.avail = UINT32_MAX,
	};

	if (avail >= sizeof(cap) && iofd_uwrite(ictx, at, &cap, sizeof(cap)))
		return -EFAULT;
	return sizeof(cap);
}

/* IOVA_RANGE: the holes between the compat IOAS's reserved ranges, as
 * IOMMU_IOAS_IOVA_RANGES reports them (kernel iommufd_fill_cap_iova). */
static int fill_cap_iova(struct iofd_ctx *ictx, uint64_t at, uint64_t avail)
{
	struct vfio_iommu_type1_info_cap_iova_range cap = {
		.header = { VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1, 0 },
	};
	struct iofd_ioas *ioas = ictx->vfio_ioas;
	struct iommu_iova_range *r;
	uint64_t n = iofd_ioas_usable_ranges(ioas, NULL, 0), need;
	int ret = 0;

	need = sizeof(cap) + n * sizeof(struct vfio_iova_range);
	if (avail < need)
		return (int)need;
	r = calloc(n ? n : 1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	iofd_ioas_usable_ranges(ioas, r, n);
	cap.nr_iovas = (uint32_t)n;
	for (uint64_t i = 0; !ret && i < n; i++) {
		struct vfio_iova_range v = { r[i].start, r[i].last };

		ret = iofd_uwrite(ictx, at + sizeof(cap) + i * sizeof(v), &v,
				  sizeof(v));
	}
	if (!ret)
		ret = iofd_uwrite(ictx, at, &cap, sizeof(cap));
	free(r);
	return ret ? -EFAULT : (int)need;
}

static int fill_caps(struct iofd_ctx *ictx, uint64_t arg, uint32_t argsz,
		     uint64_t *total)
{
	static int (*const fill[])(struct iofd_ctx *, uint64_t, uint64_t) = {
		fill_cap_dma_avail,
		fill_cap_iova,
	};
	uint64_t last_cap = 0;

	*total = sizeof(struct vfio_iommu_type1_info);
	for (size_t i = 0; i < sizeof(fill) / sizeof(fill[0]); i++) {
		int size = fill[i](ictx, arg + *total,
				   argsz > *total ? argsz - *total : 0);
		uint32_t next = (uint32_t)*total;

		if (size < 0)
			return size;
		/* link the previous cap to this one when the buffer held it */
		if (last_cap && argsz >= *total &&
		    iofd_uwrite(ictx,
				last_cap + offsetof(struct vfio_info_cap_header,
						    next),
				&next, sizeof(next)))
			return -EFAULT;
		last_cap = arg + *total;
		*total += (uint64_t)size;
	}
	return 0;
}

/*
 * GET_INFO: argsz below 16 is EINVAL; the caps are written where they
 * fit, cap_offset only when all fit, argsz comes back as the size needed,
 * and no more than min(argsz, 24) bytes of the head are written.
 */
static int get_info(struct iofd_ctx *ictx, uint64_t arg)
{
	struct vfio_iommu_type1_info info;
	const size_t minsz = offsetof(struct vfio_iommu_type1_info, cap_offset);
	struct iofd_ioas *ioas;
	uint64_t total;
	uint32_t argsz;
	int ret;

	memset(&info, 0, sizeof(info));
	if (iofd_uread(ictx, arg, &info, minsz))
		return -EFAULT;
	argsz = info.argsz; /* what the caller's buffer holds */
	if (argsz < minsz)
		return -EINVAL;
	ioas = get_compat_ioas(ictx);
	if (!ioas)
		return -ENODEV;
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = page_sizes(ioas);
	info.cap_offset = 0;
	ret = fill_caps(ictx, arg, argsz, &total);
	if (!ret) {
		if (argsz >= total)
			info.cap_offset = sizeof(info);
		info.argsz = (uint32_t)total;
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		if (iofd_uwrite(ictx, arg, &info,
				argsz < sizeof(info) ? argsz : sizeof(info)))
			ret = -EFAULT;
	}
	iofd_put_object(&ioas->obj);
	return ret;
}

/**
 * iofd_vfio_ioctl() - a command outside iommufd's table (kernel
 * iommufd_vfio_ioctl).
 * @ictx: the context.
 * @cmd: the full ioctl number.
 * @arg: a user pointer, or the integer argument of CHECK_EXTENSION and
 *       SET_IOMMU.
 *
 * Return: a value >= 0 (the API version, an extension's answer) or -errno;
 * -ENOTTY for anything else, VFIO_IOMMU_DIRTY_PAGES included.
 */
int iofd_vfio_ioctl(struct iofd_ctx *ictx, unsigned long cmd, uint64_t arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(ictx, arg);
	case VFIO_SET_IOMMU:
		return set_iommu(ictx, arg);
	case VFIO_IOMMU_GET_INFO:
		return get_info(ictx, arg);
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(ictx, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(ictx, arg);
	default:
		return -ENOTTY;
	}
}

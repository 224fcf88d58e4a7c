/* SPDX-License-Identifier: MIT */
/*
 * vfio_spapr.h - the legacy VFIO container with the sPAPR TCE v2 IOMMU
 * (what /dev/vfio/vfio and /dev/vfio/<group> are on an IBM POWER host),
 * in process: a container, a group per IOMMU group of the PHB's
 * devices, and their ioctls with the Linux uAPI structs. The FUSE
 * transport serves DIR/vfio/vfio and DIR/vfio/<N> with exactly these.
 * docs/vfio_spapr.md says what is offered and which kernel code each
 * rule comes from.
 *
 * Return values are 0 (or a command's positive result) and -errno, as
 * the kernel's handlers return them.
 */
#ifndef IOMMUSIM_UAPI_SIM_VFIO_SPAPR_H
#define IOMMUSIM_UAPI_SIM_VFIO_SPAPR_H

#include <stdint.h>

#include "iommufd.h"
#include "iommufd_uapi.h"

/*
 * The uAPI (include/uapi/linux/vfio.h in torvalds/linux): the group
 * ioctls and the sPAPR additions. VFIO_SPAPR_TCE_GET_INFO shares its
 * number with VFIO_IOMMU_GET_INFO, REGISTER_MEMORY with DIRTY_PAGES.
 */
#define VFIO_GROUP_GET_STATUS VFIO_IO(3)
#define VFIO_GROUP_SET_CONTAINER VFIO_IO(4)
#define VFIO_GROUP_UNSET_CONTAINER VFIO_IO(5)
#define VFIO_GROUP_GET_DEVICE_FD VFIO_IO(6)
#define VFIO_IOMMU_SPAPR_TCE_GET_INFO VFIO_IO(12)
#define VFIO_IOMMU_ENABLE VFIO_IO(15)
#define VFIO_IOMMU_DISABLE VFIO_IO(16)
#define VFIO_IOMMU_SPAPR_REGISTER_MEMORY VFIO_IO(17)
#define VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY VFIO_IO(18)
#define VFIO_IOMMU_SPAPR_TCE_CREATE VFIO_IO(19)
#define VFIO_IOMMU_SPAPR_TCE_REMOVE VFIO_IO(20)
#define VFIO_EEH_PE_OP VFIO_IO(21)

#define VFIO_GROUP_FLAGS_VIABLE (1u << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET (1u << 1)

struct vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};

struct vfio_iommu_spapr_tce_ddw_info {
	uint64_t pgsizes;
	uint32_t max_dynamic_windows_supported;
	uint32_t levels;
};

#define VFIO_IOMMU_SPAPR_INFO_DDW (1u << 0)

struct vfio_iommu_spapr_tce_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t dma32_window_start; /* bytes; an absolute bus address */
	uint32_t dma32_window_size;
	struct vfio_iommu_spapr_tce_ddw_info ddw;
};

struct vfio_iommu_spapr_register_memory {
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t size;
};

struct vfio_iommu_spapr_tce_create {
	uint32_t argsz;
	uint32_t flags;
	uint32_t page_shift;
	uint32_t __resv1;
	uint64_t window_size;
	uint32_t levels;
	uint32_t __resv2;
	uint64_t start_addr; /* out */
};

struct vfio_iommu_spapr_tce_remove {
	uint32_t argsz;
	uint32_t flags;
	uint64_t start_addr;
};

IOFD_ASSERT_SIZE(vfio_group_status, 8);
IOFD_ASSERT_SIZE(vfio_iommu_spapr_tce_ddw_info, 16);
IOFD_ASSERT_SIZE(vfio_iommu_spapr_tce_info, 32);
IOFD_ASSERT_AT(vfio_iommu_spapr_tce_info, ddw, 16);
IOFD_ASSERT_SIZE(vfio_iommu_spapr_register_memory, 24);
IOFD_ASSERT_SIZE(vfio_iommu_spapr_tce_create, 40);
IOFD_ASSERT_AT(vfio_iommu_spapr_tce_create, window_size, 16);
IOFD_ASSERT_AT(vfio_iommu_spapr_tce_create, levels, 24);
IOFD_ASSERT_AT(vfio_iommu_spapr_tce_create, start_addr, 32);
IOFD_ASSERT_SIZE(vfio_iommu_spapr_tce_remove, 16);

struct vfio_spapr_container;
struct vfio_spapr_group;

/*
 * Which container a group's VFIO_GROUP_SET_CONTAINER names by the
 * caller's descriptor @fd: 0 and *@out (NULL when @fd is open but is no
 * container: the kernel's EBADFD), or -EBADF when @fd is not open.
 */
typedef int (*vfio_spapr_resolve_fn)(void *ctx, int32_t fd,
				     struct vfio_spapr_container **out);

int vfio_spapr_container_open(struct iofd_sys *sys,
			      const struct iofd_uaccess *ua,
			      struct vfio_spapr_container **out);
void vfio_spapr_container_close(struct vfio_spapr_container *c);
int vfio_spapr_container_ioctl(struct vfio_spapr_container *c,
			       unsigned long cmd, uint64_t arg);
uint64_t vfio_spapr_container_pinned(const struct vfio_spapr_container *c);

int vfio_spapr_group_is_ppc(const struct iofd_sys *sys, unsigned int group);
int vfio_spapr_group_open(struct iofd_sys *sys, unsigned int group,
			  const struct iofd_uaccess *ua,
			  vfio_spapr_resolve_fn resolve, void *resolve_ctx,
			  struct vfio_spapr_group **out);
void vfio_spapr_group_close(struct vfio_spapr_group *g);
int vfio_spapr_group_ioctl(struct vfio_spapr_group *g, unsigned long cmd,
			   uint64_t arg);
int vfio_spapr_group_set_container(struct vfio_spapr_group *g,
				   struct vfio_spapr_container *c);
int vfio_spapr_group_dev(const struct vfio_spapr_group *g);

#endif /* IOMMUSIM_UAPI_SIM_VFIO_SPAPR_H */

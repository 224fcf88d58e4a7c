/* SPDX-License-Identifier: MIT */
/*
 * iommufd.h - the simulated iommufd, in process: open a context, issue
 * ioctls with the Linux uAPI structs (iommufd_uapi.h), close it. The FUSE
 * transport (issue 6) carries a client's ioctls to exactly this entry.
 *
 * Return values are 0 (or a command's positive result) and -errno, the
 * values the kernel's handler would return; the transport turns them into
 * -1 and errno for the client.
 */
#ifndef IOMMUSIM_UAPI_SIM_IOMMUFD_H
#define IOMMUSIM_UAPI_SIM_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommufd_uapi.h"
#include "model/dma.h"

struct iofd_ctx;

/**
 * struct iofd_uaccess - how the context reaches the caller's memory. The
 * default (NULL to iommufd_sim_open) is this process, through
 * process_vm_readv/writev on itself, so a bad pointer is -EFAULT and never
 * a crash; the FUSE transport passes the client's pid.
 */
struct iofd_uaccess {
	int (*read)(void *ctx, uint64_t uptr, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t uptr, const void *buf, size_t len);
	/*
	 * pin: whether [uptr, uptr + len) is mapped memory of the caller
	 * (0 or -EFAULT); called when an area's pages are pinned for a
	 * domain. NULL: every address is taken as mapped.
	 */
	int (*pin)(void *ctx, uint64_t uptr, uint64_t len, bool write);
	/*
	 * get_file: a file descriptor of the simulator's own for the
	 * client's @fd (IOMMU_IOAS_MAP_FILE), closed by the simulator when
	 * done; -EBADF when @fd is not open, -EINVAL when its file cannot
	 * back memory. NULL: MAP_FILE is EBADF.
	 */
	int (*get_file)(void *ctx, int32_t fd);
	/*
	 * The memory of the process making the current request, held (the
	 * kernel's pages->source_mm): a pages object made by a map takes it
	 * with mm_get and reaches its pages with mm_rw and mm_pin from then
	 * on, whoever makes later requests; both fail (-EFAULT) once that
	 * process is gone. mm_put drops it. NULL mm_get: the pages use
	 * read, write and pin with ctx.
	 */
	void *(*mm_get)(void *ctx);
	void (*mm_put)(void *mm);
	int (*mm_rw)(void *mm, uint64_t uptr, void *buf, size_t len,
		     bool write);
	int (*mm_pin)(void *mm, uint64_t uptr, uint64_t len, bool write);
	void *ctx;
	int32_t pid; /* the client, for /proc/<pid>/maps; 0: this process */
	uint32_t uid; /* whose RLIMIT_MEMLOCK account pins are charged to */
	uint64_t memlock_limit; /* bytes; UINT64_MAX: CAP_IPC_LOCK */
};

/*
 * The simulated machine a context's devices live on: physical memory,
 * the IOMMU units and their PCI devices. Contexts share it, as processes
 * share one host; a device is bound to one context at a time.
 */
struct iofd_sys;

/**
 * struct iofd_topology - what the machine has.
 * @vtd: options of the VT-d unit, as a `machine vtd` line takes them
 *       (NULL: "mode=scalable slads=1 nest=1").
 * @ndevs: PCI devices behind it (0: 4).
 * @group_size: devices per IOMMU group (0 or 1: a group each). Devices
 *              of one group are functions of one device behind a bridge
 *              without ACS: bus g + 1, functions 0 .. group_size - 1.
 * @nsmmu: PCI devices behind the Arm SMMUv3 unit, after the VT-d ones,
 *         one group each (0: 4; IOFD_TOPO_NONE: no SMMUv3 unit).
 * @nppc: PCI devices behind the IBM POWER PHB, after the SMMUv3's, each
 *        its own PE and group (0: 2; IOFD_TOPO_NONE: no PHB).
 * @phb_gen: the PHB's generation, 3 or 4 (0: 4).
 * @tce_win64_bits: log2 of the 64-bit DMA window's size an attach sets
 *                  up (0: 40, 1 TiB).
 * @tce_page_shift: that window's IO page shift (0: 16, 64 KiB).
 * @tce_levels: levels of the TCE tables an attach builds (0: 2).
 */
struct iofd_topology {
	const char *vtd;
	unsigned int ndevs;
	unsigned int group_size;
	unsigned int nsmmu;
	unsigned int nppc;
	unsigned int phb_gen;
	unsigned int tce_win64_bits;
	unsigned int tce_page_shift;
	unsigned int tce_levels;
};

#define IOFD_TOPO_NONE UINT32_MAX

#define IOFD_SYS_MAX_DEVS 256

/** struct iofd_dev_info - one PCI device of the machine. */
struct iofd_dev_info {
	uint16_t rid; /* bus << 8 | devfn: the source id / StreamID */
	const char *unit; /* "vtd", "smmuv3" or "ppc_tce" */
	unsigned int group;
	uint32_t bound_id; /* its device object id when bound, else 0 */
};

int iofd_sys_create(const struct iofd_topology *topo, struct iofd_sys **out,
		    char *err, size_t errlen);
void iofd_sys_destroy(struct iofd_sys *sys);
unsigned int iofd_sys_ndevs(const struct iofd_sys *sys);
int iofd_sys_dev_info(const struct iofd_sys *sys, unsigned int dev,
		      struct iofd_dev_info *info);
int iofd_sys_translate(struct iofd_sys *sys, unsigned int dev, uint32_t pasid,
		       uint64_t iova, unsigned int access,
		       struct dma_result *res);
int iofd_sys_walk(struct iofd_sys *sys, unsigned int dev, uint32_t pasid,
		  uint64_t iova, unsigned int access, char *out, size_t len,
		  struct dma_result *res);
int iofd_sys_dma(struct iofd_sys *sys, unsigned int dev, uint32_t pasid,
		 uint64_t iova, void *buf, size_t len, bool write,
		 struct dma_result *fault);

void iommufd_sim_self_uaccess(struct iofd_uaccess *ua);
int iommufd_sim_open(const struct iofd_uaccess *ua, struct iofd_ctx **out);
int iommufd_sim_open_sys(struct iofd_sys *sys, const struct iofd_uaccess *ua,
			 struct iofd_ctx **out);
int iommufd_sim_ioctl(struct iofd_ctx *ictx, unsigned long cmd, uint64_t arg);
void iommufd_sim_close(struct iofd_ctx *ictx);
struct iofd_sys *iommufd_sim_sys(struct iofd_ctx *ictx);

/*
 * What VFIO's device cdev does for a device (issue 6 puts these behind
 * VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_[DE]ATTACH_IOMMUFD_PT and close).
 * @pasid: IOMMU_NO_PASID (0) for the device's requests without PASID.
 */
#define IOMMU_NO_PASID 0u
int iommufd_sim_bind(struct iofd_ctx *ictx, unsigned int dev, uint32_t *dev_id);
int iommufd_sim_unbind(struct iofd_ctx *ictx, uint32_t dev_id);
int iommufd_sim_attach(struct iofd_ctx *ictx, uint32_t dev_id, uint32_t pasid,
		       uint32_t *pt_id);
int iommufd_sim_detach(struct iofd_ctx *ictx, uint32_t dev_id, uint32_t pasid);

int iommufd_sim_access_close(struct iofd_ctx *ictx, uint32_t access);
int iommufd_sim_access_valid(struct iofd_ctx *ictx, uint32_t access);

/*
 * The fault "fd" of IOMMU_FAULT_QUEUE_ALLOC (a handle until the transport
 * makes it a file): read, write, poll and close.
 */
int64_t iommufd_sim_fault_read(struct iofd_ctx *ictx, uint32_t fd,
			       uint64_t uptr, uint64_t count, uint64_t pos);
int64_t iommufd_sim_fault_write(struct iofd_ctx *ictx, uint32_t fd,
				uint64_t uptr, uint64_t count, uint64_t pos);
int iommufd_sim_fault_pending(struct iofd_ctx *ictx, uint32_t fd);
int iommufd_sim_fault_close(struct iofd_ctx *ictx, uint32_t fd);

/* The vEVENTQ "fd" of IOMMU_VEVENTQ_ALLOC: read and close. */
int64_t iommufd_sim_veventq_read(struct iofd_ctx *ictx, uint32_t fd,
				 uint64_t uptr, uint64_t count, uint64_t pos);
int iommufd_sim_veventq_pending(struct iofd_ctx *ictx, uint32_t fd);
int iommufd_sim_veventq_close(struct iofd_ctx *ictx, uint32_t fd);

/*
 * mmap(2) of the iommufd: a region a driver offered (the selftest mock's
 * vIOMMU page, say) at the exact offset and length it reported; @flags
 * are IOMMUSIM_MMAP_* (iommufd_uapi.h).
 */
int iommufd_sim_mmap(struct iofd_ctx *ictx, uint64_t offset, uint64_t length,
		     unsigned int flags, const void **data);
int iommufd_sim_munmap(struct iofd_ctx *ictx, uint64_t offset);

/** struct iofd_pin_stats - pinned pages charged, per account. */
struct iofd_pin_stats {
	uint64_t user_pages; /* the context's user (RLIMIT_MODE 0) */
	uint64_t process_pages; /* the context itself (RLIMIT_MODE 1) */
};
void iommufd_sim_pin_stats(struct iofd_ctx *ictx, struct iofd_pin_stats *st);

#endif /* IOMMUSIM_UAPI_SIM_IOMMUFD_H */

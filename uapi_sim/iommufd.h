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

#include <stddef.h>
#include <stdint.h>

#include "iommufd_uapi.h"

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
	void *ctx;
};

int iommufd_sim_open(const struct iofd_uaccess *ua, struct iofd_ctx **out);
int iommufd_sim_ioctl(struct iofd_ctx *ictx, unsigned long cmd, uint64_t arg);
void iommufd_sim_close(struct iofd_ctx *ictx);

#endif /* IOMMUSIM_UAPI_SIM_IOMMUFD_H */

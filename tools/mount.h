/* SPDX-License-Identifier: MIT */
/*
 * mount.h - the FUSE front end of uapi_sim (tools/mount.c).
 */
#ifndef IOMMUSIM_TOOLS_MOUNT_H
#define IOMMUSIM_TOOLS_MOUNT_H

#include <stdbool.h>

int iommusim_mount(const char *dir, bool foreground);
int iommusim_run(char **argv);

#endif /* IOMMUSIM_TOOLS_MOUNT_H */

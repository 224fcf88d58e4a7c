/* SPDX-License-Identifier: MIT */
/*
 * mount.h - the FUSE front end of uapi_sim (tools/mount.c).
 */
#ifndef IOMMUSIM_TOOLS_MOUNT_H
#define IOMMUSIM_TOOLS_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "uapi_sim/iommufd.h"

int topology_parse(const char *spec, struct iofd_topology *t, char *vtd,
		   size_t vtdlen, char *err, size_t errlen);
int iommusim_mount(const char *dir, bool foreground,
		   const struct iofd_topology *topo);
int iommusim_run(char **argv, const struct iofd_topology *topo);

#endif /* IOMMUSIM_TOOLS_MOUNT_H */

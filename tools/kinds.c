// SPDX-License-Identifier: MIT
/*
 * kinds.c - the unit kinds `machine KIND` can name.
 *
 * This table is the one place the top layer learns which hardware units
 * exist; a new unit adds its `struct sim_unit_ops` here (see
 * docs/ARCHITECTURE.md, "Adding a unit"). `none` (memory only, no IOMMU)
 * is built into the runner and is not listed.
 */
#include "script.h"

#include "hw/ppc_tce/ppc_tce.h"
#include "hw/smmuv3/smmuv3.h"
#include "hw/vtd/vtd.h"

const struct sim_unit_ops *const iommusim_unit_kinds[] = {
	&vtd_unit_ops,
	&smmuv3_unit_ops,
	&ppc_tce_unit_ops,
	NULL,
};

/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h - the VT-d page-table formats the driver side builds: the
 * model's range engine (model/pt.h) specialised by pt_fmt_ss.h and
 * pt_fmt_fs.h.
 */
#ifndef IOMMUSIM_HW_VTD_PGTABLE_H
#define IOMMUSIM_HW_VTD_PGTABLE_H

#include "model/pt.h"

extern const struct pt_ops vtd_ss_pt_ops; /* second stage, 3-5 levels */
extern const struct pt_ops vtd_fs_pt_ops; /* first stage, 4-5 levels */

#endif /* IOMMUSIM_HW_VTD_PGTABLE_H */

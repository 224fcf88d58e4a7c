/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h - the SMMUv3 page-table formats the driver side builds: the
 * model's range engine (model/pt.h) specialised by pt_fmt_arm_s1.h and
 * pt_fmt_arm_s2.h, once per granule (pgtable_s{1,2}_{4k,16k,64k}.c), and
 * the geometry Linux's io-pgtable-arm would choose (pgtable.c).
 *
 * Engine levels count up from the leaf table; VMSAv8-64 levels count down
 * from the top: engine level e is VMSA level 3 - e, and a domain of
 * @levels levels starts at VMSA level 4 - @levels (smmu_pt_start_level()).
 */
#ifndef IOMMUSIM_HW_SMMUV3_PGTABLE_H
#define IOMMUSIM_HW_SMMUV3_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/pt.h"

/* fmt_flags of both stages */
#define SMMU_PT_HD 0x1u /* hardware dirty state: DBM on writable leaves */

extern const struct pt_ops smmu_pt_s1_4k;
extern const struct pt_ops smmu_pt_s1_16k;
extern const struct pt_ops smmu_pt_s1_64k;
extern const struct pt_ops smmu_pt_s2_4k;
extern const struct pt_ops smmu_pt_s2_16k;
extern const struct pt_ops smmu_pt_s2_64k;

const struct pt_ops *smmu_pt_ops(bool s2, unsigned int granule);
int smmu_pt_geometry(bool s2, unsigned int granule, unsigned int ias,
		     unsigned int oas, uint32_t fmt_flags, struct pt_cfg *cfg);

/* The VMSA level of a domain's top table (the CD or STE start level). */
static inline unsigned int smmu_pt_start_level(const struct pt_cfg *cfg)
{
	return 4 - cfg->levels;
}

#endif /* IOMMUSIM_HW_SMMUV3_PGTABLE_H */

/* SPDX-License-Identifier: MIT */
/*
 * pt_fmt_arm_s1.h - VMSAv8-64 stage 1 translation tables (an SMMUv3 CD's
 * TTB0) for the range engine, as Linux's io-pgtable-arm builds them for
 * an IOMMU domain (ARM_64_LPAE_S1 with IOMMU_CACHE).
 *
 * The including .c file defines PT_FMT_GRANULE_LG2, PT_FMT_NAME and
 * PT_FMT_OPS. Geometry: the hardware derives the start level from TxSZ
 * (smmuv3.md 4.1), so @levels must be exactly what va_bits needs, as
 * Linux computes it: 48 bits take 4 levels with 4K and 16K (the 16K L0
 * table then has 2 entries) and 3 with 64K. No concatenation at stage 1.
 *
 * Leaf (smmuv3.md 4.2; torvalds/linux drivers/iommu/io-pgtable-arm.c
 * arm_lpae_prot_to_pte and __arm_lpae_init_pte):
 *   AttrIndx [4:2]  1, the MAIR slot Linux fills with normal write-back
 *                   memory (ARM_LPAE_MAIR_ATTR_IDX_CACHE)
 *   AP[1] bit 6     unprivileged access allowed, unless DMA_ACC_PRIV
 *                   (Linux ARM_LPAE_PTE_AP_UNPRIV unless IOMMU_PRIV)
 *   AP[2] bit 7     read-only: mapped without DMA_ACC_WRITE
 *   SH [9:8]        inner shareable; AF bit 10 set; nG bit 11 set
 *   DBM bit 51      writable leaves with SMMU_PT_HD
 *   PXN, UXN 53,54  both, without DMA_ACC_EXEC (Linux ARM_LPAE_PTE_XN
 *                   with IOMMU_NOEXEC)
 *
 * Dirty state (HTTU with CD.HD): a writable leaf with DBM is clean while
 * AP[2] is set; the SMMU clears AP[2] on the first write. Like Linux,
 * map installs writable leaves dirty (DBM set, AP[2] clear), and
 * read_and_clear_dirty reports "DBM and not AP[2]" and cleans by setting
 * AP[2] (iopte_writeable_dirty, iopte_set_writeable_clean). That is not
 * one bit set when dirty, so the format supplies the engine's dirty
 * hooks instead of pt_fmt_dirty_bit.
 */
#ifndef IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_S1_H
#define IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_S1_H

#include "pt_fmt_arm.h"

/* Stage 1 leaf attributes (Linux ARM_LPAE_PTE_* of stage 1). */
#define ARM_S1_ATTRINDX GENMASK_ULL(4, 2)
#define ARM_S1_ATTRINDX_CACHE 1 /* MAIR slot of normal WB memory */
#define ARM_S1_AP1 BIT_ULL(6) /* AP[1]: unprivileged access */
#define ARM_S1_AP2 BIT_ULL(7) /* AP[2]: read-only */
#define ARM_S1_NG BIT_ULL(11)
#define ARM_S1_PXN BIT_ULL(53)
#define ARM_S1_UXN BIT_ULL(54)

static inline int pt_fmt_check_cfg(const struct pt_cfg *cfg)
{
	if (arm_check_cfg(cfg) || cfg->levels != arm_levels_for(cfg->va_bits))
		return -EINVAL;
	return 0;
}

static inline int pt_fmt_prot_attrs(const struct pt_cfg *cfg, unsigned int prot,
				    uint64_t *attrs)
{
	uint64_t a = ARM_S1_NG | ARM_PTE_AF |
		     FIELD_PREP(ARM_PTE_SH, ARM_PTE_SH_IS) |
		     FIELD_PREP(ARM_S1_ATTRINDX, ARM_S1_ATTRINDX_CACHE);

	if (!(prot & DMA_ACC_PRIV))
		a |= ARM_S1_AP1;
	if (!(prot & DMA_ACC_WRITE))
		a |= ARM_S1_AP2;
	else if (cfg->fmt_flags & SMMU_PT_HD)
		a |= ARM_PTE_DBM;
	if (!(prot & DMA_ACC_EXEC))
		a |= ARM_S1_PXN | ARM_S1_UXN;
	*attrs = a;
	return 0;
}

#define PT_FMT_DIRTY_HOOKS

static inline bool pt_fmt_leaf_dirty(uint64_t e)
{
	return (e & (ARM_PTE_DBM | ARM_S1_AP2)) == ARM_PTE_DBM;
}

static inline uint64_t pt_fmt_leaf_clean(uint64_t e)
{
	return e | ARM_S1_AP2;
}

#endif /* IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_S1_H */

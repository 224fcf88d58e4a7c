/* SPDX-License-Identifier: MIT */
/*
 * pt_fmt_arm_s2.h - VMSAv8-64 stage 2 translation tables (an SMMUv3 STE's
 * S2TTB) for the range engine, as Linux's io-pgtable-arm builds them
 * (ARM_64_LPAE_S2 with IOMMU_CACHE).
 *
 * The including .c file defines PT_FMT_GRANULE_LG2, PT_FMT_NAME and
 * PT_FMT_OPS. Geometry: the start level is explicit (STE.S2SL0), and the
 * start level may be up to 16 granule-sized tables concatenated into one
 * array aligned to its size (smmuv3.md 4.1; Linux
 * ARM_LPAE_S2_MAX_CONCAT_PAGES): the engine allocates and indexes such a
 * root when va_bits exceeds what @levels tables resolve by 1 to 4 bits.
 * The top table must resolve at least one bit, and S2SL0 cannot start at
 * L0 with 16K or 64K granules (that needs 52-bit addresses), so those
 * have at most 3 levels. smmu_pt_geometry() (pgtable.c) picks what Linux
 * picks.
 *
 * Leaf (smmuv3.md 4.2; torvalds/linux drivers/iommu/io-pgtable-arm.c
 * arm_lpae_prot_to_pte and __arm_lpae_init_pte):
 *   MemAttr [5:2]   0xf, normal write-back outer and inner
 *                   (ARM_LPAE_PTE_MEMATTR_OIWB; no S2FWB)
 *   S2AP [7:6]      bit 6 read, bit 7 write (ARM_LPAE_PTE_HAP_READ/WRITE)
 *   SH [9:8]        inner shareable; AF bit 10 set
 *   DBM bit 51      writable leaves with SMMU_PT_HD
 *   XN bit 54       without DMA_ACC_EXEC: XN[1] alone, "execute never"
 *                   whether or not IDR3.XNX gives XN[0] (bit 53) a
 *                   meaning. Linux sets both bits (ARM_LPAE_PTE_XN),
 *                   which with XNX would read as "privileged execute
 *                   only": a deliberate difference.
 *
 * Dirty state (HTTU with STE.S2HD): a writable leaf with DBM is clean
 * while S2AP[1] (write) is clear, and the SMMU sets S2AP[1] on the first
 * write. As at stage 1, map installs writable leaves dirty (DBM and
 * S2AP[1] set) and read_and_clear_dirty cleans by clearing S2AP[1]: the
 * dirty test needs DBM too, so it is an engine hook, not a single bit.
 * Linux itself offers dirty tracking only at stage 1.
 */
#ifndef IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_S2_H
#define IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_S2_H

#include "pt_fmt_arm.h"

/* Stage 2 leaf attributes (Linux ARM_LPAE_PTE_HAP_*, _MEMATTR_*). */
#define ARM_S2_MEMATTR GENMASK_ULL(5, 2)
#define ARM_S2_MEMATTR_OIWB 0xfULL
#define ARM_S2_S2AP_R BIT_ULL(6)
#define ARM_S2_S2AP_W BIT_ULL(7)
#define ARM_S2_XN BIT_ULL(54) /* XN[1] */

/* Up to 16 concatenated start-level tables. */
#define PT_FMT_CONCAT_MAX_LG2 4

static inline int pt_fmt_check_cfg(const struct pt_cfg *cfg)
{
	unsigned int top = cfg->levels - 1;

	if (arm_check_cfg(cfg) ||
	    cfg->levels > (PT_FMT_GRANULE_LG2 == 12 ? 4u : 3u) ||
	    cfg->va_bits <= pt_gran_shift(PT_FMT_GRANULE_LG2, top))
		return -EINVAL;
	return 0;
}

static inline int pt_fmt_prot_attrs(const struct pt_cfg *cfg, unsigned int prot,
				    uint64_t *attrs)
{
	uint64_t a = ARM_PTE_AF | FIELD_PREP(ARM_PTE_SH, ARM_PTE_SH_IS) |
		     FIELD_PREP(ARM_S2_MEMATTR, ARM_S2_MEMATTR_OIWB);

	if (prot & DMA_ACC_READ)
		a |= ARM_S2_S2AP_R;
	if (prot & DMA_ACC_WRITE) {
		a |= ARM_S2_S2AP_W;
		if (cfg->fmt_flags & SMMU_PT_HD)
			a |= ARM_PTE_DBM;
	}
	if (!(prot & DMA_ACC_EXEC))
		a |= ARM_S2_XN;
	*attrs = a;
	return 0;
}

#define PT_FMT_DIRTY_HOOKS

static inline bool pt_fmt_leaf_dirty(uint64_t e)
{
	return (e & (ARM_PTE_DBM | ARM_S2_S2AP_W)) ==
	       (ARM_PTE_DBM | ARM_S2_S2AP_W);
}

static inline uint64_t pt_fmt_leaf_clean(uint64_t e)
{
	return e & ~ARM_S2_S2AP_W;
}

#endif /* IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_S2_H */

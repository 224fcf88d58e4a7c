// SPDX-License-Identifier: MIT
/*
 * pgtable.c - choosing an SMMUv3 page-table format and its geometry the
 * way Linux's io-pgtable-arm does (torvalds/linux
 * drivers/iommu/io-pgtable-arm.c: arm_lpae_restrict_pgsizes,
 * arm_lpae_alloc_pgtable, arm_64_lpae_alloc_pgtable_s2,
 * arm_lpae_concat_mandatory). The formats themselves are the
 * pgtable_s{1,2}_*.c instances of the range engine.
 */
#include <errno.h>

#include "model/bits.h"
#include "pgtable.h"

/**
 * smmu_pt_ops() - the format for a stage and granule.
 * @s2: stage 2 (else stage 1).
 * @granule: log2 of the granule: 12, 14 or 16.
 *
 * Return: the ops, or NULL for another granule.
 */
const struct pt_ops *smmu_pt_ops(bool s2, unsigned int granule)
{
	switch (granule) {
	case 12:
		return s2 ? &smmu_pt_s2_4k : &smmu_pt_s1_4k;
	case 14:
		return s2 ? &smmu_pt_s2_16k : &smmu_pt_s1_16k;
	case 16:
		return s2 ? &smmu_pt_s2_64k : &smmu_pt_s1_64k;
	default:
		return NULL;
	}
}

/*
 * Where the architecture requires stage 2 to concatenate tables rather
 * than start one level higher (DDI 0487 K.a R_DXBSH, R_SRKBC, as Linux
 * arm_lpae_concat_mandatory() lists them): 16K from L0 with 48-bit input
 * or output; 4K from L0 with a 40- or 42-bit output; 16K from L1 with a
 * 40-bit output.
 */
static bool s2_concat_mandatory(unsigned int granule, unsigned int sl,
				unsigned int ias, unsigned int oas)
{
	if (granule == 14 && sl == 0)
		return ias == 48 || oas == 48;
	if (granule == 12 && sl == 0)
		return oas == 40 || oas == 42;
	return granule == 14 && sl == 1 && oas == 40;
}

/**
 * smmu_pt_geometry() - the domain geometry Linux would pick.
 * @s2: stage 2 (else stage 1).
 * @granule: log2 of the granule: 12, 14 or 16.
 * @ias: input address bits (TxSZ = 64 - @ias), granule+1 to 48.
 * @oas: output address bits, at most 48.
 * @fmt_flags: SMMU_PT_HD or 0.
 * @cfg: filled in, for the matching smmu_pt_ops().
 *
 * Levels are the fewest that resolve @ias with the granule, and every
 * block size the granule has is allowed (4K: 2 MiB and 1 GiB; 16K:
 * 32 MiB; 64K: 512 MiB) where a level holds it. Stage 2 then starts one
 * level lower with 2 to 16 concatenated tables when the walk would start
 * at L0 and 16 tables suffice (Linux up to v6.13, the rule smmuv3.md 4.1
 * states), and also where the architecture makes that mandatory (as
 * Linux since v6.14 does it: s2_concat_mandatory()). For 48-bit input
 * both rules agree: 4K 4 levels, 16K 3 levels with 2 tables at L1, 64K 3
 * levels.
 *
 * Return: 0, or -EINVAL for a geometry the formats cannot have (including
 * a mandatory concatenation of more than 16 tables, which Linux refuses
 * too).
 */
int smmu_pt_geometry(bool s2, unsigned int granule, unsigned int ias,
		     unsigned int oas, uint32_t fmt_flags, struct pt_cfg *cfg)
{
	unsigned int stride = granule - 3, levels, top_bits;
	uint32_t leaves = granule == 12 ? 0x7 : 0x3;

	if ((granule != 12 && granule != 14 && granule != 16) ||
	    ias <= granule || ias > 48 || oas < granule || oas > 48)
		return -EINVAL;
	levels = (ias - granule + stride - 1) / stride;
	/* bits the top table resolves: 1 .. stride */
	top_bits = ias - granule - stride * (levels - 1);
	if (s2 && s2_concat_mandatory(granule, 4 - levels, ias, oas)) {
		if (top_bits > 4)
			return -EINVAL;
		levels--;
	} else if (s2 && levels == 4 && top_bits <= 4) {
		levels--;
	}
	*cfg = (struct pt_cfg){
		.levels = levels,
		.leaf_levels = leaves & (uint32_t)(BIT_ULL(levels) - 1),
		.va_bits = ias,
		.oa_bits = oas,
		.fmt_flags = fmt_flags,
	};
	return 0;
}

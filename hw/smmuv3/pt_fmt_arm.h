/* SPDX-License-Identifier: MIT */
/*
 * pt_fmt_arm.h - what the VMSAv8-64 stage 1 and stage 2 formats share
 * (pt_fmt_arm_s1.h, pt_fmt_arm_s2.h): descriptor types, addresses and the
 * granule geometry, for the range engine (model/pt_engine.h).
 *
 * The including .c file defines PT_FMT_GRANULE_LG2 (12, 14 or 16) first;
 * each granule is its own instance of the engine, so every shift and mask
 * below is a compile-time constant.
 *
 * Levels: the engine counts up from the leaf table (level 0) while
 * VMSAv8-64 counts down from the top (level 3 holds pages), so engine
 * level e is VMSA level 3 - e whatever the number of levels: a 4 KiB
 * granule 2 MiB block is engine level 1, VMSA L2. Comments below use VMSA
 * names with an L prefix (L0..L3) and engine numbers without.
 *
 * Sources: shared/reference/smmuv3.md 4.1 and 4.2 (after Arm DDI 0487
 * D8.3); bit positions checked against torvalds/linux
 * drivers/iommu/io-pgtable-arm.c (ARM_LPAE_PTE_TYPE_*, iopte_leaf,
 * paddr_to_iopte for 48-bit output addresses). The masks are this
 * file's own: the walker (walk.c) has its own, so the two sides only
 * agree if both follow the architecture.
 */
#ifndef IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_H
#define IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_H

#include <errno.h>

#include "model/bits.h"
#include "model/dma.h"
#include "model/pt.h"
#include "pgtable.h"

#ifndef PT_FMT_GRANULE_LG2
#error "define PT_FMT_GRANULE_LG2 (12, 14 or 16) before including this"
#endif
#if PT_FMT_GRANULE_LG2 != 12 && PT_FMT_GRANULE_LG2 != 14 && \
	PT_FMT_GRANULE_LG2 != 16
#error "VMSAv8-64 granules are 4, 16 and 64 KiB"
#endif

/*
 * Descriptor bits [1:0]: 0b11 table (above the last level) or page (at
 * L3), 0b01 block; bit 0 clear is invalid. Linux ARM_LPAE_PTE_TYPE_*.
 */
#define ARM_PTE_VALID BIT_ULL(0)
#define ARM_PTE_TYPE GENMASK_ULL(1, 0)
#define ARM_PTE_TYPE_BLOCK 0x1ULL
#define ARM_PTE_TYPE_TABLE 0x3ULL /* also a page at L3 */

/* Leaf attributes both stages place alike (Linux ARM_LPAE_PTE_*). */
#define ARM_PTE_SH GENMASK_ULL(9, 8)
#define ARM_PTE_SH_IS 0x3ULL /* inner shareable */
#define ARM_PTE_AF BIT_ULL(10)
#define ARM_PTE_DBM BIT_ULL(51)

/*
 * What a leaf keeps when a block is split: the lower attributes [11:2],
 * DBM and XN (both halves), as Linux's iopte_prot(); the contiguous hint
 * (bit 52) is never set here.
 */
#define ARM_PTE_LEAF_ATTRS \
	(GENMASK_ULL(11, 2) | ARM_PTE_DBM | GENMASK_ULL(54, 53))

/* Output (or next-table) address: 48 bits, no FEAT_LPA (smmuv3.md 4.2). */
#define ARM_PTE_OA_TOP 47
#define ARM_PTE_ADDR GENMASK_ULL(ARM_PTE_OA_TOP, PT_FMT_GRANULE_LG2)
#define ARM_OA_MAX_BITS 48

/* Blocks: 4K at L1 (1 GiB) and L2 (2 MiB); 16K and 64K at L2 only. */
#define ARM_LEAF_LEVELS (PT_FMT_GRANULE_LG2 == 12 ? 0x7u : 0x3u)

/* Levels the granule needs to resolve @va_bits, as Linux counts them. */
static inline unsigned int arm_levels_for(unsigned int va_bits)
{
	unsigned int stride = PT_FMT_GRANULE_LG2 - 3;

	return (va_bits - PT_FMT_GRANULE_LG2 + stride - 1) / stride;
}

/* Checks both stages share; pt_eng_init() has checked the engine's. */
static inline int arm_check_cfg(const struct pt_cfg *cfg)
{
	if (cfg->levels > 4 || cfg->leaf_levels & ~ARM_LEAF_LEVELS ||
	    cfg->va_bits > 48 || cfg->oa_bits > ARM_OA_MAX_BITS)
		return -EINVAL;
	return 0;
}

static inline uint64_t pt_fmt_load(const uint8_t *table, unsigned int idx)
{
	return ld_le64(table + idx * 8);
}

static inline void pt_fmt_store(uint8_t *table, unsigned int idx, uint64_t e)
{
	st_le64(table + idx * 8, e);
}

/* Bit 0; at L3 only 0b11 is a page (0b01 is reserved, a fault). */
static inline bool pt_fmt_present(uint64_t e, unsigned int level)
{
	if (!level)
		return (e & ARM_PTE_TYPE) == ARM_PTE_TYPE_TABLE;
	return e & ARM_PTE_VALID;
}

static inline bool pt_fmt_is_leaf(uint64_t e, unsigned int level)
{
	return !level || (e & ARM_PTE_TYPE) == ARM_PTE_TYPE_BLOCK;
}

static inline uint64_t pt_fmt_table_pa(uint64_t e)
{
	return e & ARM_PTE_ADDR;
}

/*
 * A table descriptor carries nothing but its type and address: no
 * NSTable, APTable or XNTable restrictions (Linux
 * arm_lpae_install_table without the NS quirk).
 */
static inline uint64_t pt_fmt_mk_table(const struct pt_cfg *cfg, uint64_t pa)
{
	(void)cfg;
	return (pa & ARM_PTE_ADDR) | ARM_PTE_TYPE_TABLE;
}

static inline uint64_t pt_fmt_leaf_attrs(uint64_t e, unsigned int level)
{
	(void)level;
	return e & ARM_PTE_LEAF_ATTRS;
}

static inline uint64_t pt_fmt_mk_leaf(uint64_t attrs, uint64_t oa,
				      unsigned int level)
{
	return attrs | (oa & ARM_PTE_ADDR) |
	       (level ? ARM_PTE_TYPE_BLOCK : ARM_PTE_TYPE_TABLE);
}

/* A block's address is bits [47:shift(level)]; the bits below are RES0. */
static inline uint64_t pt_fmt_leaf_oa(uint64_t e, unsigned int level)
{
	return e & GENMASK_ULL(ARM_PTE_OA_TOP,
			       pt_gran_shift(PT_FMT_GRANULE_LG2, level));
}

#endif /* IOMMUSIM_HW_SMMUV3_PT_FMT_ARM_H */

/* SPDX-License-Identifier: MIT */
/*
 * pt_fmt_fs.h - VT-d first-stage page tables (x86-64 format) for the range
 * engine.
 *
 * Format: spec 9.7 / Intel SDM vol 3 4.5 (bit masks in structs.h). 4 or 5
 * levels (FSPM 0 / 1); leaves at level 0 (4 KiB), 1 (2 MiB, PS) and 2
 * (1 GiB, PS, with CAP.FS1GP). Only the lower canonical half is mapped
 * (va_bits 47 or 56). Like Linux's x86_64 format, A (and D on writable
 * leaves) are preset so the hardware never has to update them, and U/S is
 * set everywhere so user (non-privileged) DMA is allowed; a mapping
 * without DMA_ACC_EXEC gets XD.
 */
#ifndef IOMMUSIM_HW_VTD_PT_FMT_FS_H
#define IOMMUSIM_HW_VTD_PT_FMT_FS_H

#include <errno.h>

#include "model/dma.h"
#include "model/pt.h"
#include "structs.h"

#define PT_FMT_NAME "vtd-fs"

/* Attribute bits a leaf keeps when it is split into smaller pages. */
#define VTD_FS_LEAF_ATTRS                                             \
	(VTD_FS_P | VTD_FS_RW | VTD_FS_US | VTD_FS_PWT | VTD_FS_PCD | \
	 VTD_FS_A | VTD_FS_D | VTD_FS_G | VTD_FS_XD)

static inline int pt_fmt_check_cfg(const struct pt_cfg *cfg)
{
	if (cfg->levels < 4 || cfg->levels > 5 || cfg->leaf_levels & ~0x7u ||
	    cfg->oa_bits > 52 || cfg->va_bits > pt_level_shift(cfg->levels) - 1)
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

static inline bool pt_fmt_present(uint64_t e, unsigned int level)
{
	(void)level;
	return e & VTD_FS_P;
}

static inline bool pt_fmt_is_leaf(uint64_t e, unsigned int level)
{
	return !level || (e & VTD_FS_PS);
}

static inline uint64_t pt_fmt_table_pa(uint64_t e)
{
	return e & VTD_FS_ADDR;
}

static inline uint64_t pt_fmt_mk_table(const struct pt_cfg *cfg, uint64_t pa)
{
	(void)cfg;
	return VTD_FS_P | VTD_FS_RW | VTD_FS_US | VTD_FS_A | (pa & VTD_FS_ADDR);
}

static inline int pt_fmt_prot_attrs(const struct pt_cfg *cfg, unsigned int prot,
				    uint64_t *attrs)
{
	(void)cfg;
	*attrs = VTD_FS_P | VTD_FS_US | VTD_FS_A;
	if (prot & DMA_ACC_WRITE)
		*attrs |= VTD_FS_RW | VTD_FS_D;
	if (!(prot & DMA_ACC_EXEC))
		*attrs |= VTD_FS_XD;
	return 0;
}

static inline uint64_t pt_fmt_leaf_attrs(uint64_t e, unsigned int level)
{
	(void)level;
	return e & VTD_FS_LEAF_ATTRS;
}

static inline uint64_t pt_fmt_mk_leaf(uint64_t attrs, uint64_t oa,
				      unsigned int level)
{
	return attrs | (oa & VTD_FS_ADDR) | (level ? VTD_FS_PS : 0);
}

static inline uint64_t pt_fmt_leaf_oa(uint64_t e, unsigned int level)
{
	return e & VTD_FS_ADDR & ~(pt_span_bytes(level) - 1);
}

#endif /* IOMMUSIM_HW_VTD_PT_FMT_FS_H */

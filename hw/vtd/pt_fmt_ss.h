/* SPDX-License-Identifier: MIT */
/*
 * pt_fmt_ss.h - VT-d second-stage page tables for the range engine.
 *
 * Format: spec 9.8 "Second-Stage Paging Entries" (bit masks in structs.h).
 * 3, 4 or 5 levels (AW 1, 2, 3); leaves at level 0 (4 KiB), 1 (2 MiB, PS)
 * and 2 (1 GiB, PS) as CAP.SSLPS allows. An entry is present when R or W
 * is set (there is no present bit); table entries carry R|W because the
 * hardware ANDs the rights of every level.
 */
#ifndef IOMMUSIM_HW_VTD_PT_FMT_SS_H
#define IOMMUSIM_HW_VTD_PT_FMT_SS_H

#include <errno.h>

#include "model/dma.h"
#include "model/pt.h"
#include "structs.h"

/* fmt_flags */
#define PT_FMT_VTDSS_SNP 0x1u /* set SNP in leaves (force snooping) */

/* the hardware sets D on writes when the PASID entry has SSADE */
#define pt_fmt_dirty_bit VTD_SS_D

#define PT_FMT_NAME "vtd-ss"

static inline int pt_fmt_check_cfg(const struct pt_cfg *cfg)
{
	if (cfg->levels < 3 || cfg->levels > 5 || cfg->leaf_levels & ~0x7u ||
	    cfg->oa_bits > 52)
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
	return e & (VTD_SS_R | VTD_SS_W);
}

static inline bool pt_fmt_is_leaf(uint64_t e, unsigned int level)
{
	return !level || (e & VTD_SS_PS);
}

static inline uint64_t pt_fmt_table_pa(uint64_t e)
{
	return e & VTD_SS_ADDR;
}

static inline uint64_t pt_fmt_mk_table(const struct pt_cfg *cfg, uint64_t pa)
{
	(void)cfg;
	return VTD_SS_R | VTD_SS_W | (pa & VTD_SS_ADDR);
}

static inline int pt_fmt_prot_attrs(const struct pt_cfg *cfg, unsigned int prot,
				    uint64_t *attrs)
{
	*attrs = 0;
	if (prot & DMA_ACC_READ)
		*attrs |= VTD_SS_R;
	if (prot & DMA_ACC_WRITE)
		*attrs |= VTD_SS_W;
	if (cfg->fmt_flags & PT_FMT_VTDSS_SNP)
		*attrs |= VTD_SS_SNP;
	return 0;
}

static inline uint64_t pt_fmt_leaf_attrs(uint64_t e, unsigned int level)
{
	(void)level;
	return e & (VTD_SS_R | VTD_SS_W | VTD_SS_SNP);
}

static inline uint64_t pt_fmt_mk_leaf(uint64_t attrs, uint64_t oa,
				      unsigned int level)
{
	return attrs | (oa & VTD_SS_ADDR) | (level ? VTD_SS_PS : 0);
}

static inline uint64_t pt_fmt_leaf_oa(uint64_t e, unsigned int level)
{
	return e & VTD_SS_ADDR & ~(pt_span_bytes(level) - 1);
}

#endif /* IOMMUSIM_HW_VTD_PT_FMT_SS_H */

/* SPDX-License-Identifier: MIT */
/*
 * pt.h - the driver-side page-table range engine: what every format
 * shares (a domain's configuration and the ops a driver calls).
 *
 * Vocabulary (as Linux's generic_pt uses it):
 *  - granule: the smallest page and the size of a table, 2^g bytes with g
 *    = 12, 14 or 16, fixed per format at compile time (PT_FMT_GRANULE_LG2,
 *    default 12). A table holds 2^(g-3) eight-byte entries.
 *  - level 0 is the leaf-only table (granule-sized pages); level L entries
 *    each span 2^(g + (g-3)L) bytes (4 KiB granule: 2^(12 + 9L)); the top
 *    table is level levels-1. Architectures that number the other way
 *    (VMSAv8: level 3 holds pages) translate in their format header.
 *  - the top table may be up to 16 granule-sized tables concatenated into
 *    one naturally aligned array (Arm stage 2) when the format allows it:
 *    va_bits then exceeds what @levels full tables resolve.
 *  - iova ranges are [iova, iova + len): @len in bytes, @last = iova+len-1
 *    inclusive where it is clearer.
 *  - prot: DMA_ACC_READ / DMA_ACC_WRITE / DMA_ACC_EXEC from model/dma.h.
 *
 * The tables live in simulated physical memory (struct pm_space), in
 * frames from pm_frame_alloc() (contiguous blocks from
 * pm_frame_alloc_order() for larger granules and concatenated roots),
 * holding the real architectural entries: what the engine writes is
 * exactly what the hardware walkers read. The engine writes entries
 * through the frame's host mapping, as a kernel driver writes through its
 * kernel virtual address.
 *
 * The engine is written once (model/pt_engine.h) and specialised per
 * format by a small header (hw/<unit>/pt_fmt_*.h) and a short .c file that
 * includes both, the way Linux's generic_pt does.
 */
#ifndef IOMMUSIM_MODEL_PT_H
#define IOMMUSIM_MODEL_PT_H

#include <stdbool.h>
#include <stdint.h>

#include "physmem.h"

#define PT_LEVELS_MAX 6
#define PT_CONCAT_MAX_LG2 4 /* at most 16 concatenated top tables */

/**
 * struct pt_cfg - one domain's geometry and format options.
 * @levels: number of table levels (the top table is level @levels - 1).
 * @leaf_levels: bit L set when level L may hold a leaf (bit 0 always).
 * @va_bits: input addresses are below 2^@va_bits.
 * @oa_bits: output addresses are below 2^@oa_bits (the host address width).
 * @fmt_flags: format-specific options (PT_FMT_* of the format header).
 */
struct pt_cfg {
	unsigned int levels;
	uint32_t leaf_levels;
	unsigned int va_bits;
	unsigned int oa_bits;
	uint32_t fmt_flags;
};

/**
 * struct pt_domain - one page table.
 * @pm: the memory the tables live in.
 * @cfg: its geometry.
 * @root: physical address of the top table.
 * @root_lg2: log2 of the top table's entries (more than a granule's when
 *            tables are concatenated).
 * @tables: tables the domain owns, the root included (once, concatenated
 *          or not).
 */
struct pt_domain {
	struct pm_space *pm;
	struct pt_cfg cfg;
	uint64_t root;
	unsigned int root_lg2;
	uint64_t tables;
};

/**
 * struct pt_ops - one format's entry points.
 * @init: allocate the empty top table; -EINVAL for a geometry the format
 *        cannot have, -ENOMEM.
 * @destroy: free every table.
 * @map: map [@iova, @iova + @len) to [@pa, ...) with @prot, using the largest
 *       page that fits at each step. All three granule aligned, @len > 0.
 *       -EADDRINUSE when any part is already mapped (nothing is then left
 *       mapped by this call), -ERANGE beyond va_bits/oa_bits, -EINVAL for
 *       alignment or a @prot without read or write, -ENOMEM.
 * @unmap: unmap every page in [@iova, @iova + @len), splitting a larger
 *         page that the range only partly covers; tables whose whole span
 *         the range covers are freed (as Linux's page-table code does: a
 *         table emptied by a smaller unmap stays until an unmap covers
 *         it, so a 4 KiB unmap never scans a table). Returns bytes that
 *         were mapped and are not any more (holes count nothing).
 * @iova_to_phys: the output address of @iova and the size of the page
 *                mapping it; -ENOENT when not mapped.
 * @read_and_clear_dirty: for every leaf in [@iova, @iova + @len) whose
 *                        hardware dirty bit is set, call @fn with the
 *                        leaf's page (clipped to the range) and clear the
 *                        bit unless @no_clear. The caller must then
 *                        invalidate the IOTLB for what was cleared, as
 *                        the unit may hold the pages cached dirty.
 *                        Returns the number of dirty pages reported, or
 *                        -EINVAL / -ERANGE for a bad range. NULL for a
 *                        format without dirty tracking.
 */
typedef void (*pt_dirty_fn)(void *ctx, uint64_t iova, uint64_t len);

struct pt_ops {
	const char *name;
	int (*init)(struct pt_domain *d, struct pm_space *pm,
		    const struct pt_cfg *cfg);
	void (*destroy)(struct pt_domain *d);
	int (*map)(struct pt_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot);
	uint64_t (*unmap)(struct pt_domain *d, uint64_t iova, uint64_t len);
	int (*iova_to_phys)(struct pt_domain *d, uint64_t iova, uint64_t *pa,
			    uint64_t *page_size);
	int64_t (*read_and_clear_dirty)(struct pt_domain *d, uint64_t iova,
					uint64_t len, bool no_clear,
					pt_dirty_fn fn, void *ctx);
};

/* log2 of the bytes one entry at @level spans, for a 2^@granule_lg2 granule. */
static inline unsigned int pt_gran_shift(unsigned int granule_lg2,
					 unsigned int level)
{
	return granule_lg2 + (granule_lg2 - 3) * level;
}

/* The same for the 4 KiB granule (VT-d, and every format by default). */
static inline unsigned int pt_level_shift(unsigned int level)
{
	return pt_gran_shift(12, level);
}

/* Bytes one entry at @level spans (4 KiB granule). */
static inline uint64_t pt_span_bytes(unsigned int level)
{
	return 1ULL << pt_level_shift(level);
}

#endif /* IOMMUSIM_MODEL_PT_H */

/* SPDX-License-Identifier: MIT */
/*
 * pt_engine.h - the page-table range engine, written once, compiled once per
 * format.
 *
 * A format's .c file defines PT_FMT_OPS (the name of its struct pt_ops),
 * includes its format header (which supplies the pt_fmt_* functions listed
 * below as static inlines) and then this file. Every function here is
 * static, so each format gets its own fully inlined copy.
 *
 * What a format header provides:
 *   PT_FMT_GRANULE_LG2                (optional #define) log2 of the granule:
 *                                     12 (default), 14 or 16. Tables are one
 *                                     granule, 2^(g-3) entries; pages at
 *                                     level 0 are one granule
 *   PT_FMT_CONCAT_MAX_LG2             (optional #define, default 0) up to
 *                                     2^n granule-sized top tables may be
 *                                     concatenated into one (Arm stage 2):
 *                                     allowed when va_bits exceeds what
 *                                     @levels tables resolve by at most n
 *   pt_fmt_check_cfg(cfg)             0 or -EINVAL for an impossible geometry
 *   pt_fmt_load(table, idx)           entry idx of a table (explicit endian)
 *   pt_fmt_store(table, idx, e)
 *   pt_fmt_present(e, level)          whether the hardware sees an entry
 *   pt_fmt_is_leaf(e, level)          a present entry maps memory
 *   pt_fmt_table_pa(e)                next table of a non-leaf entry
 *   pt_fmt_mk_table(cfg, pa)          a non-leaf entry
 *   pt_fmt_prot_attrs(cfg, prot, &a)  leaf attribute bits for @prot
 *   pt_fmt_leaf_attrs(e, level)       attribute bits of an existing leaf
 *   pt_fmt_mk_leaf(attrs, oa, level)  a leaf
 *   pt_fmt_leaf_oa(e, level)          output address of a leaf's page
 *   pt_fmt_dirty_bit                  (optional #define) the leaf's
 *                                     hardware dirty bit; enables
 *                                     read_and_clear_dirty
 *   PT_FMT_DIRTY_HOOKS                (optional #define) instead of
 *                                     pt_fmt_dirty_bit, for formats whose
 *                                     dirty state is not one bit (Arm's
 *                                     DBM with AP[2] / S2AP[1]): the
 *                                     format then supplies
 *     pt_fmt_leaf_dirty(e)              whether the leaf was written
 *     pt_fmt_leaf_clean(e)              the leaf made clean (still mapped,
 *                                       with the same rights)
 *
 * Each operation visits every table in its range once: the walk descends
 * only where the range continues, and each table's slice of the range is
 * handled in one loop (no walk from the root per page).
 */
#ifndef PT_FMT_OPS
#error "define PT_FMT_OPS and include the format header first"
#endif

#include <errno.h>
#include <string.h>

#include "bits.h"
#include "dma.h"
#include "pt.h"

#ifndef PT_FMT_GRANULE_LG2
#define PT_FMT_GRANULE_LG2 12
#endif
#ifndef PT_FMT_CONCAT_MAX_LG2
#define PT_FMT_CONCAT_MAX_LG2 0
#endif
_Static_assert(PT_FMT_GRANULE_LG2 >= PM_FRAME_SHIFT && PT_FMT_GRANULE_LG2 <= 16,
	       "a granule of 4 KiB to 64 KiB");
_Static_assert(PT_FMT_CONCAT_MAX_LG2 <= PT_CONCAT_MAX_LG2,
	       "at most 16 concatenated tables");

/* Everything below is a compile-time constant for a given format. */
#define PT_GRANULE (1ULL << PT_FMT_GRANULE_LG2)
#define PT_ITEMS_LG2 (PT_FMT_GRANULE_LG2 - 3)
#define PT_ITEMS (1u << PT_ITEMS_LG2)
#define PT_TABLE_ORDER (PT_FMT_GRANULE_LG2 - PM_FRAME_SHIFT)

static inline unsigned int pt_shift(unsigned int level)
{
	return pt_gran_shift(PT_FMT_GRANULE_LG2, level);
}

/*
 * The two recursive walks hold the hot loops of map and unmap (a run of
 * entries per table). Starting them on a cache line makes their speed a
 * property of their own code, not of how much code the linker happened
 * to place before them: on the bench's 256-page case a shift of a few
 * dozen bytes elsewhere in the binary moved map time by a third.
 */
#define PT_HOT __attribute__((aligned(64)))

static inline uint64_t pt_span(unsigned int level)
{
	return 1ULL << pt_shift(level);
}

/* log2 of the entries of a table at @level: only the top may be larger. */
static inline unsigned int pt_items_lg2(const struct pt_domain *d,
					unsigned int level)
{
#if PT_FMT_CONCAT_MAX_LG2
	if (level == d->cfg.levels - 1)
		return d->root_lg2;
#else
	(void)d;
	(void)level;
#endif
	return PT_ITEMS_LG2;
}

static inline unsigned int pt_index(const struct pt_domain *d, uint64_t iova,
				    unsigned int level)
{
	return (unsigned int)(iova >> pt_shift(level)) &
	       ((1u << pt_items_lg2(d, level)) - 1);
}

static inline bool pt_leaf_ok(const struct pt_domain *d, unsigned int level)
{
	return d->cfg.leaf_levels & (1u << level);
}

static uint8_t *pt_table(struct pt_domain *d, uint64_t pa)
{
	return pm_frame_host(d->pm, pa);
}

/* A zeroed table of 2^@order frames (PT_TABLE_ORDER but for the root). */
static int pt_alloc_table(struct pt_domain *d, unsigned int order, uint64_t *pa,
			  uint8_t **host)
{
	if (order ? pm_frame_alloc_order(d->pm, order, pa) :
		    pm_frame_alloc(d->pm, pa))
		return -ENOMEM;
	*host = pt_table(d, *pa);
	d->tables++;
	return 0;
}

static void pt_free_table(struct pt_domain *d, uint64_t pa, unsigned int order)
{
	if (order)
		pm_frame_free_order(d->pm, pa, order);
	else
		pm_frame_free(d->pm, pa);
	d->tables--;
}

static unsigned int pt_root_order(const struct pt_domain *d)
{
	return PT_TABLE_ORDER + d->root_lg2 - PT_ITEMS_LG2;
}

/* ---- map ---------------------------------------------------------------- */

/*
 * Install a run of leaves for the whole entries from @idx on that
 * [iova, last] covers in this table, stopping early at any entry already
 * in use (the caller looks at that one). Returns the entries installed.
 * This is the hot loop of a large map: one load and one store an entry.
 */
static unsigned int pt_map_run(uint8_t *table, unsigned int level,
			       unsigned int items, unsigned int idx,
			       uint64_t iova, uint64_t last, uint64_t *pa,
			       uint64_t attrs)
{
	uint64_t size = pt_span(level), oa = *pa;
	uint64_t whole = (last - iova + 1) >> pt_shift(level);
	unsigned int end = items - idx < whole ? items :
						 idx + (unsigned int)whole;
	unsigned int i;

	for (i = idx; i < end; i++, oa += size) {
		if (pt_fmt_present(pt_fmt_load(table, i), level))
			break;
		pt_fmt_store(table, i, pt_fmt_mk_leaf(attrs, oa, level));
	}
	*pa = oa;
	return i - idx;
}

/*
 * Map [iova, last] inside one table at @level. *pa advances with every
 * byte mapped, so on failure the caller knows how far it got.
 */
PT_HOT static int pt_map_table(struct pt_domain *d, uint8_t *table,
			       unsigned int level, uint64_t iova, uint64_t last,
			       uint64_t *pa, uint64_t attrs)
{
	uint64_t size = pt_span(level);
	unsigned int items = 1u << pt_items_lg2(d, level);

	for (;;) {
		unsigned int idx = pt_index(d, iova, level);
		uint64_t entry_last =
			(iova | (size - 1)) < last ? (iova | (size - 1)) : last;
		uint64_t e;
		uint8_t *child;
		uint64_t child_pa;
		int ret;

		if (pt_leaf_ok(d, level) && !(iova & (size - 1)) &&
		    !(*pa & (size - 1)) && entry_last - iova == size - 1) {
			unsigned int n = pt_map_run(table, level, items, idx,
						    iova, last, pa, attrs);

			if (n) {
				entry_last = iova + n * size - 1;
				goto next;
			}
		}
		e = pt_fmt_load(table, idx);
		if (level == 0 ||
		    (pt_fmt_present(e, level) && pt_fmt_is_leaf(e, level)))
			return -EADDRINUSE;
		if (pt_fmt_present(e, level)) {
			child = pt_table(d, pt_fmt_table_pa(e));
			if (!child)
				return -EFAULT; /* not our table */
		} else {
			if (pt_alloc_table(d, PT_TABLE_ORDER, &child_pa,
					   &child))
				return -ENOMEM;
			pt_fmt_store(table, idx,
				     pt_fmt_mk_table(&d->cfg, child_pa));
		}
		ret = pt_map_table(d, child, level - 1, iova, entry_last, pa,
				   attrs);
		if (ret)
			return ret;
next:
		if (entry_last == last)
			return 0;
		iova = entry_last + 1;
	}
}

/* ---- unmap -------------------------------------------------------------- */

/*
 * Replace the leaf at table[idx] (level > 0) by a table of the next level
 * mapping the same memory with the same attributes.
 */
static int pt_split_leaf(struct pt_domain *d, uint8_t *table,
			 unsigned int level, unsigned int idx, uint64_t e)
{
	uint64_t attrs = pt_fmt_leaf_attrs(e, level);
	uint64_t oa = pt_fmt_leaf_oa(e, level);
	uint64_t child_pa, step = pt_span(level - 1);
	uint8_t *child;

	if (pt_alloc_table(d, PT_TABLE_ORDER, &child_pa, &child))
		return -ENOMEM;
	for (unsigned int i = 0; i < PT_ITEMS; i++)
		pt_fmt_store(child, i,
			     pt_fmt_mk_leaf(attrs, oa + i * step, level - 1));
	pt_fmt_store(table, idx, pt_fmt_mk_table(&d->cfg, child_pa));
	return 0;
}

/*
 * Clear the run of whole entries from @idx on that [iova, last] covers in
 * this table, as long as they are leaves or empty; stops at a table entry
 * (the caller descends). *n is set to the entries passed over.
 */
static uint64_t pt_unmap_run(uint8_t *table, unsigned int level,
			     unsigned int items, unsigned int idx,
			     uint64_t iova, uint64_t last, unsigned int *n)
{
	uint64_t whole = (last - iova + 1) >> pt_shift(level);
	unsigned int end = items - idx < whole ? items :
						 idx + (unsigned int)whole;
	uint64_t cleared = 0;
	unsigned int i;

	for (i = idx; i < end; i++) {
		uint64_t e = pt_fmt_load(table, i);

		if (!pt_fmt_present(e, level))
			continue;
		if (!pt_fmt_is_leaf(e, level))
			break;
		pt_fmt_store(table, i, 0);
		cleared++;
	}
	*n = i - idx;
	return cleared << pt_shift(level);
}

PT_HOT static uint64_t pt_unmap_table(struct pt_domain *d, uint8_t *table,
				      unsigned int level, uint64_t iova,
				      uint64_t last)
{
	uint64_t size = pt_span(level), unmapped = 0;
	unsigned int items = 1u << pt_items_lg2(d, level);

	for (;;) {
		unsigned int idx = pt_index(d, iova, level);
		uint64_t span_last = iova | (size - 1);
		uint64_t entry_last = span_last < last ? span_last : last;
		bool whole = !(iova & (size - 1)) && entry_last == span_last;
		uint64_t e;

		if (whole) {
			unsigned int n;

			unmapped += pt_unmap_run(table, level, items, idx, iova,
						 last, &n);
			if (n) {
				entry_last = iova + n * size - 1;
				goto next;
			}
		}
		e = pt_fmt_load(table, idx);
		if (!pt_fmt_present(e, level))
			goto next;
		if (pt_fmt_is_leaf(e, level)) {
			/* Part of a large page: split it, then go on below.
			 * Without memory to split, the page stays mapped. */
			if (pt_split_leaf(d, table, level, idx, e))
				goto next;
			e = pt_fmt_load(table, idx);
		}
		{
			uint64_t child_pa = pt_fmt_table_pa(e);
			uint8_t *child = pt_table(d, child_pa);

			if (!child)
				goto next;
			unmapped += pt_unmap_table(d, child, level - 1, iova,
						   entry_last);
			if (whole) {
				/* everything below was unmapped and freed */
				pt_fmt_store(table, idx, 0);
				pt_free_table(d, child_pa, PT_TABLE_ORDER);
			}
		}
next:
		if (entry_last == last)
			return unmapped;
		iova = entry_last + 1;
	}
}

/* ---- destroy ------------------------------------------------------------ */

static void pt_free_tree(struct pt_domain *d, uint64_t pa, unsigned int level)
{
	uint8_t *table = pt_table(d, pa);
	unsigned int items = 1u << pt_items_lg2(d, level);

	if (!table)
		return;
	for (unsigned int i = 0; level && i < items; i++) {
		uint64_t e = pt_fmt_load(table, i);

		if (pt_fmt_present(e, level) && !pt_fmt_is_leaf(e, level))
			pt_free_tree(d, pt_fmt_table_pa(e), level - 1);
	}
	pt_free_table(d, pa,
		      level == d->cfg.levels - 1 ? pt_root_order(d) :
						   PT_TABLE_ORDER);
}

/* ---- ops ---------------------------------------------------------------- */

/*
 * The top table resolves what is left of va_bits above the levels below
 * it: a granule's worth, or (concatenation) up to 2^PT_FMT_CONCAT_MAX_LG2
 * times that.
 */
static int pt_eng_init(struct pt_domain *d, struct pm_space *pm,
		       const struct pt_cfg *cfg)
{
	unsigned int concat = 0;
	uint8_t *host;

	memset(d, 0, sizeof(*d));
	if (!cfg->levels || cfg->levels > PT_LEVELS_MAX ||
	    pt_shift(cfg->levels - 1) >= 64 || !(cfg->leaf_levels & 1) ||
	    cfg->leaf_levels >> cfg->levels ||
	    cfg->va_bits < PT_FMT_GRANULE_LG2 || cfg->va_bits > 64 ||
	    cfg->oa_bits < PT_FMT_GRANULE_LG2 || cfg->oa_bits > 64 ||
	    pt_fmt_check_cfg(cfg))
		return -EINVAL;
	if (cfg->va_bits > pt_shift(cfg->levels))
		concat = cfg->va_bits - pt_shift(cfg->levels);
	if (concat > PT_FMT_CONCAT_MAX_LG2)
		return -EINVAL;
	d->pm = pm;
	d->cfg = *cfg;
	d->root_lg2 = PT_ITEMS_LG2 + concat;
	return pt_alloc_table(d, pt_root_order(d), &d->root, &host);
}

static void pt_eng_destroy(struct pt_domain *d)
{
	if (d->pm && d->root)
		pt_free_tree(d, d->root, d->cfg.levels - 1);
	d->root = 0;
}

static int pt_check_range(const struct pt_domain *d, uint64_t iova,
			  uint64_t len, uint64_t *last)
{
	if (!len || ((iova | len) & (PT_GRANULE - 1)))
		return -EINVAL;
	if (add_overflows_u64(iova, len - 1, last) ||
	    (d->cfg.va_bits < 64 && *last >> d->cfg.va_bits))
		return -ERANGE;
	return 0;
}

static uint64_t pt_eng_unmap(struct pt_domain *d, uint64_t iova, uint64_t len)
{
	uint64_t last;
	uint8_t *root = pt_table(d, d->root);

	if (!root || pt_check_range(d, iova, len, &last))
		return 0;
	return pt_unmap_table(d, root, d->cfg.levels - 1, iova, last);
}

static int pt_eng_map(struct pt_domain *d, uint64_t iova, uint64_t pa,
		      uint64_t len, unsigned int prot)
{
	uint64_t last, pa_last, attrs, cur = pa;
	uint8_t *root = pt_table(d, d->root);
	int ret;

	ret = pt_check_range(d, iova, len, &last);
	if (ret)
		return ret;
	if (pa & (PT_GRANULE - 1))
		return -EINVAL;
	if (add_overflows_u64(pa, len - 1, &pa_last) ||
	    (d->cfg.oa_bits < 64 && pa_last >> d->cfg.oa_bits))
		return -ERANGE;
	if (!(prot & (DMA_ACC_READ | DMA_ACC_WRITE)) ||
	    pt_fmt_prot_attrs(&d->cfg, prot, &attrs))
		return -EINVAL;
	if (!root)
		return -EFAULT;
	ret = pt_map_table(d, root, d->cfg.levels - 1, iova, last, &cur, attrs);
	/* Leave nothing of a failed map behind. */
	if (ret && cur != pa)
		pt_eng_unmap(d, iova, cur - pa);
	return ret;
}

static int pt_eng_iova_to_phys(struct pt_domain *d, uint64_t iova, uint64_t *pa,
			       uint64_t *page_size)
{
	uint64_t table_pa = d->root;

	*pa = 0;
	*page_size = 0;
	if (d->cfg.va_bits < 64 && iova >> d->cfg.va_bits)
		return -ENOENT;
	for (unsigned int level = d->cfg.levels; level-- > 0;) {
		uint8_t *table = pt_table(d, table_pa);
		uint64_t e;

		if (!table)
			return -ENOENT;
		e = pt_fmt_load(table, pt_index(d, iova, level));
		if (!pt_fmt_present(e, level))
			return -ENOENT;
		if (pt_fmt_is_leaf(e, level)) {
			*page_size = pt_span(level);
			*pa = pt_fmt_leaf_oa(e, level) +
			      (iova & (*page_size - 1));
			return 0;
		}
		table_pa = pt_fmt_table_pa(e);
	}
	return -ENOENT;
}

#if defined(pt_fmt_dirty_bit) && !defined(PT_FMT_DIRTY_HOOKS)
/* The common case: one bit the hardware sets and software clears. */
static inline bool pt_fmt_leaf_dirty(uint64_t e)
{
	return e & pt_fmt_dirty_bit;
}

static inline uint64_t pt_fmt_leaf_clean(uint64_t e)
{
	return e & ~(uint64_t)pt_fmt_dirty_bit;
}
#define PT_FMT_DIRTY_HOOKS
#endif

#ifdef PT_FMT_DIRTY_HOOKS
/* Report (and clear) dirty leaves of [iova, last] in one table. */
static int64_t pt_dirty_table(struct pt_domain *d, uint8_t *table,
			      unsigned int level, uint64_t iova, uint64_t last,
			      bool no_clear, pt_dirty_fn fn, void *ctx)
{
	uint64_t size = pt_span(level);
	int64_t n = 0;

	for (;;) {
		unsigned int idx = pt_index(d, iova, level);
		uint64_t entry_last =
			(iova | (size - 1)) < last ? (iova | (size - 1)) : last;
		uint64_t e = pt_fmt_load(table, idx);

		if (!pt_fmt_present(e, level)) {
			/* nothing mapped here */
		} else if (pt_fmt_is_leaf(e, level)) {
			if (pt_fmt_leaf_dirty(e)) {
				fn(ctx, iova, entry_last - iova + 1);
				n++;
				if (!no_clear)
					pt_fmt_store(table, idx,
						     pt_fmt_leaf_clean(e));
			}
		} else {
			uint8_t *child = pt_table(d, pt_fmt_table_pa(e));

			if (child)
				n += pt_dirty_table(d, child, level - 1, iova,
						    entry_last, no_clear, fn,
						    ctx);
		}
		if (entry_last == last)
			return n;
		iova = entry_last + 1;
	}
}

static int64_t pt_eng_read_and_clear_dirty(struct pt_domain *d, uint64_t iova,
					   uint64_t len, bool no_clear,
					   pt_dirty_fn fn, void *ctx)
{
	uint8_t *root = pt_table(d, d->root);
	uint64_t last;
	int ret = pt_check_range(d, iova, len, &last);

	if (ret)
		return ret;
	if (!root)
		return -EFAULT;
	return pt_dirty_table(d, root, d->cfg.levels - 1, iova, last, no_clear,
			      fn, ctx);
}
#define PT_ENG_DIRTY pt_eng_read_and_clear_dirty
#else
#define PT_ENG_DIRTY NULL
#endif

const struct pt_ops PT_FMT_OPS = {
	.name = PT_FMT_NAME,
	.init = pt_eng_init,
	.destroy = pt_eng_destroy,
	.map = pt_eng_map,
	.unmap = pt_eng_unmap,
	.iova_to_phys = pt_eng_iova_to_phys,
	.read_and_clear_dirty = PT_ENG_DIRTY,
};

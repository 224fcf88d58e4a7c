// SPDX-License-Identifier: MIT
/*
 * driver.c - the operating system's side of one PHB: TCE tables in
 * simulated RAM and the RTT/TVT programming of a PE, as the powernv
 * platform code does it (torvalds/linux
 * arch/powerpc/platforms/powernv/pci-ioda.c and pci-ioda-tce.c).
 *
 * A table is 1-5 levels of 2^tbl_shift big-endian u64s, every level the
 * same size (structs.h). Levels are indexed by raw offset bits (the bus
 * address with bit 59 removed) exactly as walk.c reads them, so entries
 * below bus_base exist in the table but are never written. The top level
 * is allocated with the table; a lower-level block only when a map or a
 * nonzero xchg first needs it, as Linux's pnv_tce(..., alloc=true) does,
 * and it stays until the table is freed (Linux never frees lower levels
 * of a live table either: pnv_pci_ioda2_table_free_pages()).
 *
 * Kill policy (the PHB's TCE cache, translate.c): the cache holds only
 * successful leaf translations, tagged by TVT index and IO page; it never
 * caches an invalid TCE (no negative caching) nor an indirect entry.
 * Hence turning an invalid TCE into a valid one needs no kill, while
 * clearing or replacing a valid TCE, rewriting a TVE and detaching do.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "ppc_tce.h"

/*
 * Above this many pages an unmap kills the whole PE instead of each
 * page. Here every kill, of a page or of a PE, is one scan of the whole
 * TCE cache (tcache_invalidate() with a predicate; 64 sets x 4 ways), so
 * n page kills cost n scans while a PE kill costs one scan plus the
 * refill of what else the PE had cached, at most the 256 entries. Past
 * 64 pages the scans cost more than a quarter of the cache refilled.
 * Linux's pnv_pci_ioda2_tce_invalidate() (pci-ioda.c) always kills the
 * pages it was given (PHB3 kill register writes, or one
 * OPAL_PCI_TCE_KILL_PAGES call with a count); the PE kill is the
 * model's own trade.
 */
#define TCE_DRV_KILL_PAGES_MAX 64

/*
 * Largest level: the frame allocator's biggest block (2^PM_FRAME_ORDER_MAX
 * frames) holds 2^(PM_FRAME_ORDER_MAX + 9) TCEs; TTS (5 bits, tbl_shift -
 * 8) could express more.
 */
#define TCE_DRV_TBL_SHIFT_MAX (PM_FRAME_ORDER_MAX + PM_FRAME_SHIFT - 3)

/**
 * struct tce_drv - the driver of one PHB.
 * @phb: the unit whose registers it programs.
 * @pm: where its tables live.
 * @tve_tbl: the table each TVT entry points at, NULL for none.
 * @tables: every table made and not yet freed.
 */
struct tce_drv {
	struct tce_phb *phb;
	struct pm_space *pm;
	struct tce_table **tve_tbl;
	struct tce_table **tables;
	unsigned int ntables, cap_tables;
};

/* ---- driver ------------------------------------------------------------- */

/**
 * tce_drv_create() - bring up the driver of PHB @phb.
 * @phb: a unit made by ppc_tce_unit_ops (anything else is -EINVAL).
 * @pm: the memory tables are built in; the unit walks its own memory, so
 *      DMA only works when this is the unit's pm_space.
 * @out: the new driver.
 *
 * Nothing is written to the PHB: the RTT and TVT keep what they hold
 * until tce_drv_set_pe() and tce_drv_attach().
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int tce_drv_create(struct sim_unit *phb, struct pm_space *pm,
		   struct tce_drv **out)
{
	struct tce_drv *drv;

	*out = NULL;
	if (!phb || phb->ops != &ppc_tce_unit_ops || !pm)
		return -EINVAL;
	drv = calloc(1, sizeof(*drv));
	if (!drv)
		return -ENOMEM;
	drv->phb = to_tce_phb(phb);
	drv->pm = pm;
	drv->tve_tbl = calloc(2 * drv->phb->num_pes, sizeof(*drv->tve_tbl));
	if (!drv->tve_tbl) {
		free(drv);
		return -ENOMEM;
	}
	*out = drv;
	return 0;
}

/**
 * tce_drv_destroy() - free @drv (NULL is fine).
 *
 * Tables are their owners' to free first; any still alive are freed here
 * (detached from their PEs, their memory given back) so nothing leaks.
 * The PHB must still exist.
 */
void tce_drv_destroy(struct tce_drv *drv)
{
	if (!drv)
		return;
	while (drv->ntables)
		tce_table_free(drv->tables[drv->ntables - 1]);
	free(drv->tables);
	free(drv->tve_tbl);
	free(drv);
}

/** tce_drv_phb_gen() - the PHB's generation: 3 (IODA2) or 4 (IODA3). */
unsigned int tce_drv_phb_gen(const struct tce_drv *drv)
{
	return drv->phb->phb_gen;
}

/**
 * tce_drv_pgsizes() - every IO page size the PHB builds, as a bitmap of
 * 1 << page_shift (PHB3 4K/64K/16M/256M, PHB4 4K/64K/2M/1G; walk.c).
 */
uint64_t tce_drv_pgsizes(const struct tce_drv *drv)
{
	uint64_t mask = 0;

	for (unsigned int s = PM_FRAME_SHIFT; s < 64; s++)
		if (tce_page_shift_ok(drv->phb->phb_gen, s))
			mask |= BIT_ULL(s);
	return mask;
}

/**
 * tce_drv_set_pe() - RTT[@rid] := @pe, as skiboot's phb3_set_pe() /
 * phb4_set_pe() fill the RID translation table for a PE.
 *
 * Real PHBs cache RTT entries (the RTC, invalidated through
 * PHB_RTC_INVALIDATE: open-power/skiboot include/phb3-regs.h,
 * phb4-regs.h); the model has no such cache (every request reads the
 * RTT) and caches TCEs by TVT index, which the new PE's requests do not
 * share with the old PE's, so nothing can be stale and nothing is killed
 * (tce_ioda_write_rtt()).
 *
 * Return: 0, or -EINVAL for @pe >= num_pes (nothing written).
 */
int tce_drv_set_pe(struct tce_drv *drv, uint16_t rid, uint32_t pe)
{
	if (pe >= drv->phb->num_pes)
		return -EINVAL;
	tce_ioda_write_rtt(drv->phb, rid, pe);
	return 0;
}

/* ---- table geometry and walking ----------------------------------------- */

static inline uint64_t tce_psize(const struct tce_table *t)
{
	return BIT_ULL(t->page_shift);
}

static inline uint64_t tce_level_bytes(const struct tce_table *t)
{
	return BIT_ULL(t->tbl_shift + 3);
}

static inline uint64_t tce_level_mask(const struct tce_table *t)
{
	return BIT_ULL(t->tbl_shift) - 1;
}

/* The last bus address of the window (inclusive, never wraps). */
static inline uint64_t tce_last(const struct tce_table *t)
{
	return t->bus_base + (t->size - 1);
}

/* The table index of bus address @iova: raw offset bits, as walk.c. */
static inline uint64_t tce_index(const struct tce_table *t, uint64_t iova)
{
	return (iova & TCE_ADDR_OFFSET) >> t->page_shift;
}

/* The bus address of index @idx (the window bit put back). */
static inline uint64_t tce_iova(const struct tce_table *t, uint64_t idx)
{
	return (t->bus_base & TCE_WIN1_BASE) | idx << t->page_shift;
}

/*
 * The array @v of @n elements of @size bytes, with room for *@cap, made
 * room for one more (doubling *@cap). Return: the array, or NULL (@v is
 * then untouched).
 */
static void *tce_grow(void *v, unsigned int n, unsigned int *cap, size_t size)
{
	unsigned int c = *cap ? 2 * *cap : 8;

	if (n < *cap)
		return v;
	v = realloc(v, c * size);
	if (v)
		*cap = c;
	return v;
}

/* Remember level block @pa for freeing; 0 or -ENOMEM. */
static int tce_frames_add(struct tce_table *t, uint64_t pa)
{
	uint64_t *f =
		tce_grow(t->frames, t->nframes, &t->cap_frames, sizeof(*f));

	if (!f)
		return -ENOMEM;
	t->frames = f;
	t->frames[t->nframes++] = pa;
	return 0;
}

/* A zeroed level block, recorded in @t; 0 or -ENOMEM. */
static int tce_level_alloc(struct tce_table *t, uint64_t *pa)
{
	unsigned int order = t->tbl_shift - TCE_LEVEL_SHIFT_MIN;

	if (pm_frame_alloc_order(t->drv->pm, order, pa))
		return -ENOMEM;
	if (tce_frames_add(t, *pa)) {
		pm_frame_free_order(t->drv->pm, *pa, order);
		return -ENOMEM;
	}
	t->bytes += tce_level_bytes(t);
	return 0;
}

/*
 * Host memory of the level block at @blk, which this table allocated:
 * the driver writes its tables through the frames' host memory, as a
 * kernel through its mapping and as the VT-d and SMMUv3 driver sides do
 * (pm_frame_host gives a whole block, contiguous, from its first frame).
 * NULL only if an indirect entry was overwritten behind the driver's
 * back; callers take that as unreadable table memory.
 */
static uint8_t *tce_block_host(const struct tce_table *t, uint64_t blk)
{
	return pm_frame_host(t->drv->pm, blk);
}

/* Entry @i of a level block's host memory @h. */
static inline uint8_t *tce_ent(const struct tce_table *t, uint8_t *h,
			       uint64_t i)
{
	return h + (i & tce_level_mask(t)) * TCE_ENTRY_SIZE;
}

/*
 * The leaf-level block holding index @idx, walked once from the top.
 * With @alloc, a missing lower level is allocated and linked by an
 * indirect entry (next level | R | W, structs.h). Without, a missing
 * level is -ENOENT and @span is set to log2 of the indices its entry
 * would cover, so callers skip the whole hole in one step.
 * Return: 0, -ENOENT, -ENOMEM, or -EFAULT (table memory unreadable).
 */
static int tce_leaf_block(struct tce_table *t, uint64_t idx, bool alloc,
			  uint64_t *blk, unsigned int *span)
{
	uint64_t base = t->top, e;
	uint8_t *h, *p;

	for (unsigned int l = 0; l + 1 < t->levels; l++) {
		unsigned int sh = t->tbl_shift * (t->levels - 1 - l);

		h = tce_block_host(t, base);
		if (!h)
			return -EFAULT;
		p = tce_ent(t, h, idx >> sh);
		e = ld_be64(p);
		if (!(e & TCE_PCI_RW)) {
			uint64_t next;

			if (!alloc) {
				*span = sh;
				return -ENOENT;
			}
			if (tce_level_alloc(t, &next))
				return -ENOMEM;
			e = next | TCE_PCI_RW;
			st_be64(p, e);
		}
		base = e & TCE_IND_ADDR;
	}
	*blk = base;
	return 0;
}

/* Indices from @idx to the end of its leaf block. */
static inline uint64_t tce_block_left(const struct tce_table *t, uint64_t idx)
{
	return tce_level_mask(t) + 1 - (idx & tce_level_mask(t));
}

/*
 * Clear the valid TCEs of indices [@first, @last]; absent lower levels
 * are skipped a whole hole at a time. No kill. Return: TCEs cleared.
 */
static uint64_t tce_clear(struct tce_table *t, uint64_t first, uint64_t last)
{
	uint64_t idx = first, cleared = 0, blk, n, e;
	unsigned int span;
	uint8_t *h, *p;

	while (idx <= last) {
		if (tce_leaf_block(t, idx, false, &blk, &span) ||
		    !(h = tce_block_host(t, blk))) {
			/* The hole ends at the next 2^span boundary. */
			n = BIT_ULL(span) - (idx & (BIT_ULL(span) - 1));
		} else {
			n = tce_block_left(t, idx);
			if (n > last - idx + 1)
				n = last - idx + 1;
			for (uint64_t j = 0; j < n; j++) {
				p = tce_ent(t, h, idx + j);
				e = ld_be64(p);
				if (!e)
					continue;
				/* An invalid nonzero TCE (xchg) goes too. */
				if (e & TCE_PCI_RW)
					cleared++;
				st_be64(p, 0);
			}
		}
		if (n > last - idx)
			break;
		idx += n;
	}
	t->mapped -= cleared;
	return cleared;
}

/* Kill @t's cached TCEs for every PE using it: whole PE or per page. */
static void tce_kill_range(struct tce_table *t, uint64_t first, uint64_t last)
{
	struct tce_phb *p = t->drv->phb;

	for (unsigned int i = 0; i < t->npes; i++) {
		if (last - first >= TCE_DRV_KILL_PAGES_MAX) {
			tce_kill_pe(p, t->pes[i]);
			continue;
		}
		for (uint64_t idx = first; idx <= last; idx++)
			tce_kill_addr(p, t->pes[i], tce_iova(t, idx));
	}
}

/* ---- tables ------------------------------------------------------------- */

/* The level size for @levels levels reaching index @last_idx (the
 * format's rule, tce_level_shift()), 0 when TTS or the frame allocator
 * cannot give it. */
static unsigned int tce_tbl_shift(uint64_t last_idx, unsigned int levels)
{
	unsigned int s = tce_level_shift(last_idx, levels);

	return s > TCE_DRV_TBL_SHIFT_MAX ? 0 : s;
}

static int tce_tables_add(struct tce_drv *drv, struct tce_table *t)
{
	struct tce_table **v = tce_grow(drv->tables, drv->ntables,
					&drv->cap_tables, sizeof(*v));

	if (!v)
		return -ENOMEM;
	drv->tables = v;
	drv->tables[drv->ntables++] = t;
	return 0;
}

/**
 * tce_table_create() - a TCE table for the window [@bus_base, @bus_base +
 * @size), its top level allocated and zeroed, no PE using it yet.
 * @drv: the driver.
 * @bus_base: first bus address: bits 63:60 zero, bit 59 the window,
 *            aligned to the page size.
 * @size: bytes, a nonzero multiple of the page size; the window may not
 *        cross bit 59 (from window 0 into window 1).
 * @page_shift: an IO page shift this PHB builds (tce_drv_pgsizes()).
 * @levels: 1 to 5.
 * @out: the table.
 *
 * The level size is the smallest tbl_shift >= 9 whose @levels levels
 * index the window's last raw offset (tce_tbl_shift()); a level larger
 * than the frame allocator's largest block (2^19 TCEs, 4 MiB) or than
 * TTS expresses is -EINVAL, so 1 level reaches 2^19 pages.
 *
 * Return: 0, -EINVAL (nothing allocated) or -ENOMEM.
 */
int tce_table_create(struct tce_drv *drv, uint64_t bus_base, uint64_t size,
		     unsigned int page_shift, unsigned int levels,
		     struct tce_table **out)
{
	uint64_t psize, last;
	struct tce_table *t;
	unsigned int ts;

	*out = NULL;
	if (levels < 1 || levels > TCE_TVE_LEVELS_MAX ||
	    !tce_page_shift_ok(drv->phb->phb_gen, page_shift))
		return -EINVAL;
	psize = BIT_ULL(page_shift);
	if (!size || (size & (psize - 1)) || (bus_base & (psize - 1)) ||
	    (bus_base >> 60) || size - 1 > UINT64_MAX - bus_base)
		return -EINVAL;
	last = bus_base + (size - 1);
	if ((last >> 60) || ((last ^ bus_base) & TCE_WIN1_BASE))
		return -EINVAL;
	ts = tce_tbl_shift((last & TCE_ADDR_OFFSET) >> page_shift, levels);
	if (!ts)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct tce_table){
		.drv = drv,
		.bus_base = bus_base,
		.size = size,
		.page_shift = page_shift,
		.levels = levels,
		.tbl_shift = ts,
	};
	if (tce_level_alloc(t, &t->top) || tce_tables_add(drv, t)) {
		if (t->nframes)
			pm_frame_free_order(drv->pm, t->top,
					    ts - TCE_LEVEL_SHIFT_MIN);
		free(t->frames);
		free(t);
		return -ENOMEM;
	}
	*out = t;
	return 0;
}

/* Forget that PE @pe uses @t (if it does). */
static void tce_pes_del(struct tce_table *t, uint32_t pe)
{
	for (unsigned int i = 0; i < t->npes; i++) {
		if (t->pes[i] == pe) {
			t->pes[i] = t->pes[--t->npes];
			return;
		}
	}
}

/**
 * tce_table_free() - detach @t from every PE still using it (TVE cleared,
 * killed), give back every level block and free it. NULL is fine.
 */
void tce_table_free(struct tce_table *t)
{
	struct tce_drv *drv;

	if (!t)
		return;
	drv = t->drv;
	while (t->npes)
		tce_drv_detach(drv, t->pes[t->npes - 1],
			       (t->bus_base >> TCE_ADDR_WINDOW_BIT) & 1);
	for (unsigned int i = 0; i < t->nframes; i++)
		pm_frame_free_order(drv->pm, t->frames[i],
				    t->tbl_shift - TCE_LEVEL_SHIFT_MIN);
	for (unsigned int i = 0; i < drv->ntables; i++) {
		if (drv->tables[i] == t) {
			drv->tables[i] = drv->tables[--drv->ntables];
			break;
		}
	}
	free(t->pes);
	free(t->frames);
	free(t);
}

/* Whether [@iova, @iova + @len) is a nonempty page-aligned window range. */
static bool tce_range_ok(const struct tce_table *t, uint64_t iova, uint64_t len)
{
	uint64_t pmask = tce_psize(t) - 1;

	return len && !((iova | len) & pmask) && iova >= t->bus_base &&
	       iova <= tce_last(t) && len - 1 <= tce_last(t) - iova;
}

/**
 * tce_table_map() - map [@iova, @iova + @len) to [@pa, @pa + @len).
 * @t: the table.
 * @iova: bus address, page aligned, inside the window.
 * @pa: physical address, page aligned, the range below 2^52.
 * @len: bytes, a nonzero multiple of the page size, inside the window.
 * @prot: DMA_ACC_READ (the device reads memory: TCE_PCI_READ) and/or
 *        DMA_ACC_WRITE (the device writes memory: TCE_PCI_WRITE); a TCE
 *        has no execute or privilege bit, so other bits are ignored.
 *
 * One walk per leaf block, then consecutive TCEs stored, so the cost is
 * linear in pages (torvalds/linux pci-ioda-tce.c pnv_tce_build() walks
 * per TCE; this does not). Missing levels are allocated on the way.
 *
 * No kill: every TCE written was invalid before (anything else is
 * -EEXIST), and the TCE cache never holds an invalid TCE or an indirect
 * entry, so nothing cached can be stale. Linux kills here
 * (pnv_ioda2_tce_build() -> pnv_pci_ioda2_tce_invalidate()) because
 * its builder also overwrites valid TCEs.
 *
 * On failure nothing is changed: the TCEs written are cleared again
 * (lower levels allocated on the way stay, counted in @bytes). A nonzero
 * but invalid TCE (no R, no W: only tce_table_xchg() writes one) counts
 * as free and, after a failed map, reads back as 0: both are invalid to
 * DMA and to tce_table_lookup().
 *
 * Return: 0, -EINVAL, -EEXIST (a TCE in the range is valid), -ENOMEM, or
 * -EFAULT if table memory were unreachable (never for allocator frames).
 */
int tce_table_map(struct tce_table *t, uint64_t iova, uint64_t pa, uint64_t len,
		  unsigned int prot)
{
	uint64_t first, last, idx, blk, n, tce_perm = 0, done = 0;
	unsigned int span;
	uint8_t *h;
	int ret = 0;

	if (!(prot & (DMA_ACC_READ | DMA_ACC_WRITE)) ||
	    !tce_range_ok(t, iova, len) || (pa & (tce_psize(t) - 1)) ||
	    pa > GENMASK_ULL(TCE_RPN_TOP, 0) ||
	    len - 1 > GENMASK_ULL(TCE_RPN_TOP, 0) - pa)
		return -EINVAL;
	if (prot & DMA_ACC_READ)
		tce_perm |= TCE_PCI_READ;
	if (prot & DMA_ACC_WRITE)
		tce_perm |= TCE_PCI_WRITE;
	first = tce_index(t, iova);
	last = first + ((len - 1) >> t->page_shift);
	for (idx = first; idx <= last && !ret; idx += n) {
		ret = tce_leaf_block(t, idx, true, &blk, &span);
		if (!ret && !(h = tce_block_host(t, blk)))
			ret = -EFAULT;
		if (ret)
			break;
		n = tce_block_left(t, idx);
		if (n > last - idx + 1)
			n = last - idx + 1;
		for (uint64_t j = 0; j < n; j++) {
			uint8_t *p = tce_ent(t, h, idx + j);

			if (ld_be64(p) & TCE_PCI_RW) {
				ret = -EEXIST;
				break;
			}
			st_be64(p, (pa + ((idx - first + j) << t->page_shift)) |
					   tce_perm);
			done++;
		}
	}
	t->mapped += done;
	/* Undo: the TCEs this call wrote are the first @done of the range. */
	if (ret && done)
		tce_clear(t, first, first + done - 1);
	return ret;
}

/**
 * tce_table_unmap() - clear the TCEs of [@iova, @iova + @len) and kill
 * them from the TCE cache for every PE using @t.
 * @t: the table.
 * @iova: page aligned.
 * @len: page aligned; the part of the range outside the window holds no
 *       TCE and is ignored.
 *
 * Absent lower levels are skipped a whole hole at a time, so unmapping a
 * sparse window costs what is mapped, not its size. Lower levels stay
 * until tce_table_free(), as in Linux. Kills: per page for up to
 * TCE_DRV_KILL_PAGES_MAX pages, the whole PE above (see there); none
 * when nothing was valid, since the cache holds only valid TCEs.
 *
 * Return: bytes that were mapped in the range (what iommu unmap returns);
 * 0, changing nothing, for a misaligned @iova or @len.
 */
uint64_t tce_table_unmap(struct tce_table *t, uint64_t iova, uint64_t len)
{
	uint64_t first, last, end, cleared;

	if (!len || ((iova | len) & (tce_psize(t) - 1)))
		return 0;
	/* Clip to the window (the end computed without wrapping). */
	end = len - 1 > UINT64_MAX - iova ? UINT64_MAX : iova + (len - 1);
	if (end < t->bus_base || iova > tce_last(t))
		return 0;
	first = tce_index(t, iova > t->bus_base ? iova : t->bus_base);
	last = tce_index(t, end < tce_last(t) ? end : tce_last(t));
	cleared = tce_clear(t, first, last);
	if (cleared)
		tce_kill_range(t, first, last);
	return cleared << t->page_shift;
}

/* Whether @iova names one page of @t's window. */
static bool tce_page_ok(const struct tce_table *t, uint64_t iova)
{
	return !(iova & (tce_psize(t) - 1)) && iova >= t->bus_base &&
	       iova <= tce_last(t);
}

/**
 * tce_table_xchg() - exchange the TCE of page @iova with *@tce, returning
 * the old one in *@tce: the VFIO sPAPR MAP/UNMAP primitive
 * (torvalds/linux arch/powerpc/kernel/iommu.c iommu_tce_xchg_no_kill()
 * followed by the kill, as drivers/vfio/vfio_iommu_spapr_tce.c does).
 * @t: the table.
 * @iova: page aligned, inside the window.
 * @tce: in: the full TCE (page address | TCE_PCI_READ/WRITE, or 0);
 *       out: the old TCE (0 when its level was absent).
 *
 * A nonzero value allocates missing levels; 0 under an absent level
 * allocates nothing. @mapped follows the valid (R or W) TCEs. The old
 * TCE is killed for every PE using @t when it was valid (the cache holds
 * nothing else).
 *
 * Return: 0, -EINVAL (outside the window, misaligned, or bits other than
 * the page address up to bit 51 and R|W), -ENOMEM (nothing changed).
 */
int tce_table_xchg(struct tce_table *t, uint64_t iova, uint64_t *tce)
{
	uint64_t allowed = GENMASK_ULL(TCE_RPN_TOP, t->page_shift) | TCE_PCI_RW;
	uint64_t idx, blk, old;
	unsigned int span;
	uint8_t *h, *p;
	int ret;

	if (!tce_page_ok(t, iova) || (*tce & ~allowed))
		return -EINVAL;
	idx = tce_index(t, iova);
	ret = tce_leaf_block(t, idx, *tce != 0, &blk, &span);
	if (ret == -ENOENT) {
		*tce = 0;
		return 0;
	}
	if (ret)
		return ret;
	h = tce_block_host(t, blk);
	if (!h)
		return -EFAULT;
	p = tce_ent(t, h, idx);
	old = ld_be64(p);
	st_be64(p, *tce);
	t->mapped -= !!(old & TCE_PCI_RW);
	t->mapped += !!(*tce & TCE_PCI_RW);
	if (old & TCE_PCI_RW)
		tce_kill_range(t, idx, idx);
	*tce = old;
	return 0;
}

/**
 * tce_table_lookup() - what @t maps @iova to, as the hardware walk would
 * see it (without the TCE cache).
 * @pa: the TCE's page address plus @iova's offset in the page.
 * @prot: DMA_ACC_READ and/or DMA_ACC_WRITE, from TCE_PCI_READ/WRITE.
 *
 * Return: 0, or -ENOENT when @iova is outside the window or its TCE (or
 * a level above it) is not valid.
 */
int tce_table_lookup(struct tce_table *t, uint64_t iova, uint64_t *pa,
		     unsigned int *prot)
{
	uint64_t idx, blk, e;
	unsigned int span;
	uint8_t *h;

	if (iova < t->bus_base || iova > tce_last(t))
		return -ENOENT;
	idx = tce_index(t, iova);
	if (tce_leaf_block(t, idx, false, &blk, &span) ||
	    !(h = tce_block_host(t, blk)))
		return -ENOENT;
	e = ld_be64(tce_ent(t, h, idx));
	if (!(e & TCE_PCI_RW))
		return -ENOENT;
	*pa = (e & GENMASK_ULL(TCE_RPN_TOP, t->page_shift)) |
	      (iova & (tce_psize(t) - 1));
	*prot = 0;
	if (e & TCE_PCI_READ)
		*prot |= DMA_ACC_READ;
	if (e & TCE_PCI_WRITE)
		*prot |= DMA_ACC_WRITE;
	return 0;
}

/* ---- PEs ---------------------------------------------------------------- */

static int tce_pes_add(struct tce_table *t, uint32_t pe)
{
	uint32_t *v;

	for (unsigned int i = 0; i < t->npes; i++)
		if (t->pes[i] == pe)
			return 0;
	v = realloc(t->pes, (t->npes + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	t->pes = v;
	t->pes[t->npes++] = pe;
	return 0;
}

/**
 * tce_drv_attach() - point window @win of PE @pe at table @t, as
 * torvalds/linux pci-ioda.c pnv_pci_ioda2_set_window() does through
 * OPAL (skiboot hw/phb4.c phb4_map_pe_dma_window()).
 * @drv: the driver.
 * @pe: below num_pes.
 * @win: 0 or 1, equal to bit 59 of @t->bus_base.
 * @t: a table of @drv; several PEs may share it.
 *
 * The TVE at index @pe << 1 | @win gets the table form (table address,
 * NUM_LEVELS, TTS, IO_PSIZE: tce_tve_table_form()), which decodes back to
 * @t's geometry, and the TVE's cached TCEs are killed. A table this
 * driver had at that TVE is replaced: @pe leaves its PE list.
 *
 * Return: 0, -EINVAL (nothing written) or -ENOMEM.
 */
int tce_drv_attach(struct tce_drv *drv, uint32_t pe, unsigned int win,
		   struct tce_table *t)
{
	uint32_t index;
	struct tce_table *old;

	if (!t || t->drv != drv || pe >= drv->phb->num_pes || win > 1 ||
	    ((t->bus_base >> TCE_ADDR_WINDOW_BIT) & 1) != win)
		return -EINVAL;
	index = pe << 1 | win;
	old = drv->tve_tbl[index];
	if (tce_pes_add(t, pe))
		return -ENOMEM;
	if (old && old != t)
		tce_pes_del(old, pe);
	drv->tve_tbl[index] = t;
	tce_ioda_write_tvt(drv->phb, index,
			   tce_tve_table_form(t->top, t->levels, t->tbl_shift,
					      t->page_shift));
	return 0;
}

/**
 * tce_drv_detach() - TVE of window @win of PE @pe := 0 (the window is
 * disabled: NO_WINDOW), its cached TCEs killed, and the table the driver
 * had there forgets @pe. Out-of-range @pe or @win is ignored.
 */
void tce_drv_detach(struct tce_drv *drv, uint32_t pe, unsigned int win)
{
	uint32_t index;

	if (pe >= drv->phb->num_pes || win > 1)
		return;
	index = pe << 1 | win;
	if (drv->tve_tbl[index])
		tce_pes_del(drv->tve_tbl[index], pe);
	drv->tve_tbl[index] = NULL;
	tce_ioda_write_tvt(drv->phb, index, 0);
}

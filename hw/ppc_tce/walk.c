// SPDX-License-Identifier: MIT
/*
 * walk.c - TVE decode and the TCE table walk, pure functions of memory,
 * the TVE and the request's window offset (no caches, no recording).
 *
 * Walk (ppc_tce.md 1.4, hardware view; qemu/qemu hw/pci-host/pnv_phb4.c
 * pnv_phb4_translate_tve()): with tbl_shift = TTS + 8 entries per level
 * and the page shift from IO_PSIZE, level i (0 = top) is indexed by
 * offset bits [page_shift + tbl_shift*(levels-i) - 1 : page_shift +
 * tbl_shift*(levels-1-i)]; each entry is a big-endian u64. The hardware
 * indexes with raw address bits and does not subtract the window base;
 * bit 59 (the window select) lies above every index.
 */
#include <inttypes.h>

#include "ppc_tce.h"

static const char *const tce_fault_names[] = {
	[TCE_F_NO_WINDOW] = "NO_WINDOW",
	[TCE_F_TCE_INVALID] = "TCE_INVALID",
	[TCE_F_PERM] = "PERM",
	[TCE_F_TABLE_NOT_PRESENT] = "TABLE_NOT_PRESENT",
	[TCE_F_PE_FROZEN] = "PE_FROZEN",
	[TCE_F_BAD_TVE] = "BAD_TVE",
	[TCE_F_WALK_ABORT] = "WALK_ABORT",
	[TCE_F_MSI] = "MSI",
};

/**
 * tce_fault_name() - the mnemonic of fault @code, "UNKNOWN" if none.
 */
const char *tce_fault_name(uint32_t code)
{
	if (code < ARRAY_SIZE(tce_fault_names) && tce_fault_names[code])
		return tce_fault_names[code];
	return "UNKNOWN";
}

static void tce_fault(struct dma_result *res, uint32_t code)
{
	dma_fault_init(res, code, tce_fault_name(code));
}

/**
 * tce_level_shift() - log2 of the entries of one level of a table of
 * @levels levels that indexes up to @last_idx: the index bits spread
 * evenly over the levels, at least 9 (one 4 KiB page, TTS 1), as
 * torvalds/linux arch/powerpc/platforms/powernv/pci-ioda-tce.c
 * pnv_pci_ioda2_table_alloc_pages() does. Every level has this size
 * (structs.h), the TVE's TTS says it (TTS = shift - 8, 5 bits).
 * @last_idx: the largest TCE index (raw offset >> page shift).
 * @levels: 1 to TCE_TVE_LEVELS_MAX.
 *
 * Return: the shift, or 0 when TTS cannot express it.
 */
unsigned int tce_level_shift(uint64_t last_idx, unsigned int levels)
{
	unsigned int bits = last_idx ? 64 - __builtin_clzll(last_idx) : 0;
	unsigned int s = (bits + levels - 1) / levels;

	if (s < TCE_LEVEL_SHIFT_MIN)
		s = TCE_LEVEL_SHIFT_MIN;
	return s - 8 > FIELD_GET(TCE_TVE_TTS, ~0ull) ? 0 : s;
}

/**
 * tce_page_shift_ok() - whether a PHB of generation @phb_gen builds IO
 * pages of 2^@page_shift bytes (skiboot ibm,supported-tce-sizes:
 * hw/phb3.c 4K/64K/16M/256M, hw/phb4.c 4K/64K/2M/1G; ppc_tce.md 1.2).
 */
bool tce_page_shift_ok(unsigned int phb_gen, unsigned int page_shift)
{
	static const unsigned int phb3[] = { 12, 16, 24, 28 };
	static const unsigned int phb4[] = { 12, 16, 21, 30 };
	const unsigned int *s = phb_gen == 3 ? phb3 : phb4;

	for (unsigned int i = 0; i < 4; i++)
		if (s[i] == page_shift)
			return true;
	return false;
}

static void tce_tve_decode_bypass(uint64_t raw, struct tce_tve *tve)
{
	uint64_t first, end;

	first = FIELD_GET(TCE_TVE_BYP_START_LO, raw) |
		FIELD_GET(TCE_TVE_BYP_START_HI, raw) << 24;
	end = FIELD_GET(TCE_TVE_BYP_END_LO, raw) |
	      FIELD_GET(TCE_TVE_BYP_END_HI, raw) << 24;
	tve->bypass = true;
	tve->byp_first = first << TCE_BYP_SHIFT;
	/*
	 * skiboot hw/phb4.c phb4_map_pe_dma_window_real() packs start +
	 * size, so the end field is exclusive: the first granule after
	 * the window.
	 */
	tve->byp_end = end << TCE_BYP_SHIFT;
}

/**
 * tce_tve_decode() - decode TVE @raw (TVT index @index) for a PHB of
 * generation @phb_gen into @tve.
 *
 * Return: 0, or -1 with the fault in @res: NO_WINDOW for TTS 0 (the
 * window is disabled), BAD_TVE for more than 5 levels or an IO page
 * size this generation does not build.
 */
int tce_tve_decode(unsigned int phb_gen, uint64_t raw, uint32_t index,
		   struct tce_tve *tve, struct dma_result *res)
{
	unsigned int tts = (unsigned int)FIELD_GET(TCE_TVE_TTS, raw);
	unsigned int psize = (unsigned int)FIELD_GET(TCE_TVE_IO_PSIZE, raw);

	*tve = (struct tce_tve){ .raw = raw, .index = index };
	if (!tts) {
		tce_fault(res, TCE_F_NO_WINDOW);
		return -1;
	}
	if (!psize) {
		tce_tve_decode_bypass(raw, tve);
		return 0;
	}
	tve->levels = (unsigned int)FIELD_GET(TCE_TVE_NUM_LEVELS, raw) + 1;
	tve->tbl_shift = tts + 8;
	tve->page_shift = psize + 11;
	tve->table = FIELD_GET(TCE_TVE_TABLE_ADDR, raw) << 12;
	if (tve->levels > TCE_TVE_LEVELS_MAX ||
	    !tce_page_shift_ok(phb_gen, tve->page_shift)) {
		tce_fault(res, TCE_F_BAD_TVE);
		return -1;
	}
	return 0;
}

/**
 * tce_tve_table_form() - the table-form TVE for a @levels level table of
 * 2^@tbl_shift entries per level at @table (4 KiB aligned) mapping IO
 * pages of 2^@page_shift bytes: the inverse of tce_tve_decode(), with the
 * field encodings of regs.h (NUM_LEVELS = levels - 1, TTS = tbl_shift -
 * 8, IO_PSIZE = page_shift - 11). The caller keeps every field in range.
 */
uint64_t tce_tve_table_form(uint64_t table, unsigned int levels,
			    unsigned int tbl_shift, unsigned int page_shift)
{
	return FIELD_PREP(TCE_TVE_TABLE_ADDR, table >> 12) |
	       FIELD_PREP(TCE_TVE_NUM_LEVELS, levels - 1) |
	       FIELD_PREP(TCE_TVE_TTS, tbl_shift - 8) |
	       FIELD_PREP(TCE_TVE_IO_PSIZE, page_shift - 11);
}

static void tce_walk_bypass(const struct tce_tve *tve, uint64_t offset,
			    struct dma_result *res)
{
	if (offset < tve->byp_first || offset >= tve->byp_end) {
		tce_fault(res, TCE_F_NO_WINDOW);
		return;
	}
	/* Bypass maps 16 MiB granules one to one. */
	dma_xlat_set(res, offset & ~GENMASK_ULL(23, 0), BIT_ULL(TCE_BYP_SHIFT),
		     DMA_ACC_READ | DMA_ACC_WRITE);
}

/* Whether @offset is beyond what @tve's table reaches (never wraps). */
static bool tce_beyond_reach(const struct tce_tve *tve, uint64_t offset)
{
	unsigned int reach = tve->tbl_shift * tve->levels + tve->page_shift;

	return reach < 64 && (offset >> reach) != 0;
}

static int tce_fetch(struct pm_space *mem, struct trace *tr, uint64_t pa,
		     unsigned int level, uint64_t *entry,
		     struct dma_result *res)
{
	if (pm_ld64_be(mem, pa, entry)) {
		trace_fetch(tr, "tce", pa, NULL, 0, "fault: bus error",
			    "level=%u", level);
		tce_fault(res, TCE_F_WALK_ABORT);
		dma_fault_add(res, "level", level);
		dma_fault_add(res, "addr", pa);
		return -1;
	}
	return 0;
}

static void tce_leaf(struct trace *tr, const struct tce_tve *tve, uint64_t pa,
		     unsigned int level, uint64_t tce, struct dma_result *res)
{
	unsigned int perm = 0;
	uint64_t page = tce & GENMASK_ULL(TCE_RPN_TOP, tve->page_shift);

	if (!(tce & TCE_PCI_RW)) {
		trace_fetch(tr, "tce", pa, &tce, 1, "fault: invalid",
			    "level=%u R=0 W=0", level);
		tce_fault(res, TCE_F_TCE_INVALID);
		dma_fault_add(res, "level", level);
		return;
	}
	trace_fetch(tr, "tce", pa, &tce, 1, "leaf",
		    "level=%u R=%u W=%u ADDR=0x%" PRIx64, level,
		    (unsigned int)(tce & 1), (unsigned int)(tce >> 1 & 1),
		    page);
	if (tce & TCE_PCI_READ)
		perm |= DMA_ACC_READ;
	if (tce & TCE_PCI_WRITE)
		perm |= DMA_ACC_WRITE;
	dma_xlat_set(res, page, BIT_ULL(tve->page_shift), perm);
}

/**
 * tce_walk() - translate window offset @offset through @tve.
 * @mem: physical memory holding the tables.
 * @tr: trace for every entry fetched.
 * @tve: a decoded, valid TVE.
 * @offset: the IOVA with bit 59 cleared.
 * @res: the page (base address, IO page size, R/W from the TCE) or a
 *       fault; permissions are not checked against any request here.
 */
void tce_walk(struct pm_space *mem, struct trace *tr, const struct tce_tve *tve,
	      uint64_t offset, struct dma_result *res)
{
	uint64_t base = tve->table, pa, entry, idx;
	unsigned int sh;

	if (tve->bypass) {
		tce_walk_bypass(tve, offset, res);
		return;
	}
	if (tce_beyond_reach(tve, offset)) {
		tce_fault(res, TCE_F_NO_WINDOW);
		return;
	}
	sh = tve->page_shift + tve->tbl_shift * (tve->levels - 1);
	for (unsigned int level = 0;; level++) {
		/*
		 * Levels whose index lies wholly above bit 63 (5 levels of
		 * large pages: 28 + 4 * 9 = 64) index with 0: the offset has
		 * no bits there. A C shift by 64 or more is undefined.
		 */
		idx = sh < 64 ? (offset >> sh) & (BIT_ULL(tve->tbl_shift) - 1) :
				0;
		pa = base + idx * TCE_ENTRY_SIZE;
		if (tce_fetch(mem, tr, pa, level, &entry, res))
			return;
		if (level == tve->levels - 1) {
			tce_leaf(tr, tve, pa, level, entry, res);
			return;
		}
		if (!(entry & TCE_PCI_RW)) {
			trace_fetch(tr, "tce-ind", pa, &entry, 1,
				    "fault: not present", "level=%u", level);
			tce_fault(res, TCE_F_TABLE_NOT_PRESENT);
			dma_fault_add(res, "level", level);
			return;
		}
		base = entry & TCE_IND_ADDR;
		trace_fetch(tr, "tce-ind", pa, &entry, 1, "next",
			    "level=%u NEXT=0x%" PRIx64, level, base);
		sh -= tve->tbl_shift;
	}
}

// SPDX-License-Identifier: MIT
/*
 * papr.c - the sPAPR guest interface on the PHB: the LIOBN registry and
 * `papr window add`, the TCE hypercalls (H_PUT_TCE, H_GET_TCE,
 * H_STUFF_TCE, H_PUT_TCE_INDIRECT) and the RTAS dynamic DMA window calls
 * (ibm,query/create/remove/reset-pe-dma-window).
 *
 * Semantics follow QEMU's sPAPR model (qemu/qemu hw/ppc/spapr_iommu.c,
 * hw/ppc/spapr_rtas_ddw.c); docs/ppc_tce.md lists where KVM
 * (torvalds/linux arch/powerpc/kvm/book3s_64_vio.c) differs.
 *
 * A window is a real hardware table: a contiguous block of LEVELS levels
 * of 2^tbl_shift big-endian TCEs, indirect entries pre-filled, its TVE
 * programmed, so DMA through it walks exactly what the hcalls wrote. The
 * registry has one slot per TVT index (PE << 1 | window); the window's
 * bit 59 of the bus offset picks the TVE as the hardware does. The table
 * is indexed by raw offset bits (the IOBA without bit 59), like walk.c.
 * Every hcall and RTAS call kills the TCEs it changed from the cache.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "papr.h"
#include "ppc_tce.h"

/**
 * tce_papr_init() - allocate @p's LIOBN registry. Return: 0 or -ENOMEM.
 */
int tce_papr_init(struct tce_phb *p)
{
	p->papr = calloc(2 * p->num_pes, sizeof(*p->papr));
	p->papr_next = TCE_PAPR_TABLE_BASE;
	return p->papr ? 0 : -ENOMEM;
}

/**
 * tce_papr_fini() - free @p's registry (the tables live in simulated RAM).
 */
void tce_papr_fini(struct tce_phb *p)
{
	free(p->papr);
	p->papr = NULL;
}

/**
 * tce_papr_reset() - forget every window; the TVT is cleared by the caller.
 */
void tce_papr_reset(struct tce_phb *p)
{
	memset(p->papr, 0, 2 * p->num_pes * sizeof(*p->papr));
	p->papr_next = TCE_PAPR_TABLE_BASE;
}

/* A LIOBN with bits 32..63 set is never found (QEMU spapr_tce_find_by_liobn). */
static struct tce_papr_win *tce_papr_find(struct tce_phb *p, uint64_t liobn,
					  uint32_t *index)
{
	if (liobn >> 32)
		return NULL;
	for (uint32_t i = 0; i < 2 * p->num_pes; i++) {
		if (p->papr[i].active && p->papr[i].liobn == liobn) {
			if (index)
				*index = i;
			return &p->papr[i];
		}
	}
	return NULL;
}

/* Zero [pa, pa + len) of simulated memory, 4 KiB at a time. */
static int tce_papr_zero(struct pm_space *mem, uint64_t pa, uint64_t len)
{
	static const uint8_t zero[4096];

	while (len) {
		size_t n = len < sizeof(zero) ? len : sizeof(zero);

		if (pm_write(mem, pa, zero, n))
			return -EFAULT;
		pa += n;
		len -= n;
	}
	return 0;
}

/*
 * Size window @w's table: enough leaf entries to index raw offsets up to
 * its last byte, levels of at least 512 entries (one 4 KiB page, TTS 1),
 * as torvalds/linux arch/powerpc/platforms/powernv/pci-ioda-tce.c
 * pnv_pci_ioda2_table_alloc_pages() splits the index bits over levels.
 * Fills @cnt with the number of tables of each level.
 */
static int tce_papr_geometry(struct tce_papr_win *w, uint64_t *cnt)
{
	uint64_t end = (w->bus_offset & TCE_ADDR_OFFSET) + w->size;
	uint64_t n = ((end - 1) >> w->page_shift) + 1, total = 0;

	w->tbl_shift = tce_level_shift(n - 1, w->levels);
	if (!w->tbl_shift)
		return -EINVAL;
	for (unsigned int l = w->levels; l-- > 0;) {
		unsigned int s = w->tbl_shift;

		cnt[l] = ((n - 1) >> s) + 1;
		n = cnt[l];
		if (cnt[l] > TCE_PAPR_TABLE_MAX >> (s + 3))
			return -E2BIG;
		total += cnt[l];
	}
	w->bytes = total << (w->tbl_shift + 3);
	return w->bytes > TCE_PAPR_TABLE_MAX ? -E2BIG : 0;
}

/*
 * Build @w's table at @base: zero the block, point every indirect entry
 * at its next-level table with R|W (structs.h), level 0 first.
 */
static int tce_papr_build(struct tce_phb *p, struct tce_papr_win *w,
			  const uint64_t *cnt)
{
	uint64_t lvl_bytes = 1ull << (w->tbl_shift + 3), first = w->table;

	if (tce_papr_zero(p->u.mem, w->table, w->bytes))
		return -EFAULT;
	for (unsigned int l = 0; l + 1 < w->levels; l++) {
		uint64_t next = first + cnt[l] * lvl_bytes;

		for (uint64_t j = 0; j < cnt[l + 1]; j++)
			if (pm_st64_be(p->u.mem, first + j * 8,
				       (next + j * lvl_bytes) | TCE_PCI_RW))
				return -EFAULT;
		first = next;
	}
	return 0;
}

/*
 * Place, build and program window @w into TVT slot @index. @table is
 * the block's address or 0 to allocate at or above 4 GiB.
 * Return: 0, -EINVAL (geometry), -E2BIG (too large), -ENOSPC (does not
 * fit in RAM) or -EFAULT (bus error writing the table).
 */
static int tce_papr_install(struct tce_phb *p, uint32_t index,
			    struct tce_papr_win w, uint64_t table)
{
	uint64_t cnt[TCE_TVE_LEVELS_MAX], ram = pm_ram_size(p->u.mem);
	int ret = tce_papr_geometry(&w, cnt);

	if (ret)
		return ret;
	if (!table) {
		uint64_t align = 1ull << (w.tbl_shift + 3);

		table = (p->papr_next + align - 1) & ~(align - 1);
	}
	if (table >= ram || w.bytes > ram - table)
		return -ENOSPC;
	w.table = table;
	ret = tce_papr_build(p, &w, cnt);
	if (ret)
		return ret;
	if (table + w.bytes > p->papr_next)
		p->papr_next = table + w.bytes;
	w.active = true;
	p->papr[index] = w;
	tce_ioda_write_tvt(p, index,
			   tce_tve_table_form(w.table, w.levels, w.tbl_shift,
					      w.page_shift));
	return 0;
}

/* Drop the window in slot @index: TVE cleared, its TCEs killed. */
static void tce_papr_remove(struct tce_phb *p, uint32_t index)
{
	struct tce_papr_win *w = &p->papr[index];

	/* Give the table space back when it was the last one placed. */
	if (w->table + w->bytes == p->papr_next &&
	    w->table >= TCE_PAPR_TABLE_BASE)
		p->papr_next = w->table;
	memset(w, 0, sizeof(*w));
	tce_ioda_write_tvt(p, index, 0);
}

static int tce_papr_num(const char *s, uint64_t max, const char *what,
			uint64_t *val, struct sim_err *err)
{
	if (sim_parse_u64(s, val) || *val > max)
		return sim_errf(err, "papr: bad %s '%s' (max 0x%" PRIx64 ")",
				what, s, max);
	return 0;
}

static const char *const tce_papr_add_usage =
	"usage: papr window add LIOBN PE WIN BUS_OFFSET SIZE PAGE_SHIFT "
	"LEVELS [table=ADDR]";

static int tce_papr_add_parse(struct tce_phb *p, char **argv,
			      struct tce_papr_win *w, uint32_t *index,
			      struct sim_err *err)
{
	uint64_t liobn, pe, win, ps, lv;

	if (tce_papr_num(argv[3], UINT32_MAX, "LIOBN", &liobn, err) ||
	    tce_papr_num(argv[4], p->num_pes - 1, "PE", &pe, err) ||
	    tce_papr_num(argv[5], 1, "WIN", &win, err) ||
	    tce_papr_num(argv[6], TCE_ADDR_OFFSET | TCE_WIN1_BASE, "BUS_OFFSET",
			 &w->bus_offset, err) ||
	    tce_papr_num(argv[7], TCE_WIN1_BASE, "SIZE", &w->size, err) ||
	    tce_papr_num(argv[8], 63, "PAGE_SHIFT", &ps, err) ||
	    tce_papr_num(argv[9], TCE_TVE_LEVELS_MAX, "LEVELS", &lv, err))
		return -EINVAL;
	w->liobn = (uint32_t)liobn;
	w->page_shift = (unsigned int)ps;
	w->levels = (unsigned int)lv;
	*index = (uint32_t)(pe << 1 | win);
	if (!tce_page_shift_ok(p->phb_gen, w->page_shift))
		return sim_errf(err, "papr: page shift %u not built by PHB%u",
				w->page_shift, p->phb_gen);
	if (!w->levels)
		return sim_errf(err, "papr: LEVELS must be 1..5");
	if ((w->bus_offset >> TCE_ADDR_WINDOW_BIT) != win)
		return sim_errf(err, "papr: BUS_OFFSET bit 59 must equal WIN");
	if (!w->size || ((w->bus_offset | w->size) & ((1ull << ps) - 1)))
		return sim_errf(err, "papr: BUS_OFFSET and SIZE must be "
				     "nonzero multiples of the page size");
	if ((w->bus_offset & TCE_ADDR_OFFSET) + w->size > TCE_WIN1_BASE)
		return sim_errf(err, "papr: window passes bit 59");
	if (p->papr[*index].active)
		return sim_errf(err,
				"papr: PE 0x%" PRIx64 " window %" PRIu64
				" already has a LIOBN",
				pe, win);
	if (tce_papr_find(p, liobn, NULL))
		return sim_errf(err, "papr: LIOBN 0x%" PRIx64 " in use", liobn);
	return 0;
}

/* papr window add LIOBN PE WIN BUS_OFFSET SIZE PAGE_SHIFT LEVELS [table=] */
static int tce_papr_cmd_add(struct tce_phb *p, int argc, char **argv,
			    struct sim_out *out, struct sim_err *err)
{
	struct tce_papr_win w = { 0 };
	uint64_t table = 0;
	uint32_t index;
	int ret;

	if (argc < 10 || argc > 11 || strcmp(argv[1], "window") ||
	    strcmp(argv[2], "add"))
		return sim_errf(err, "%s", tce_papr_add_usage);
	if (argc == 11 && (strncmp(argv[10], "table=", 6) ||
			   sim_parse_u64(argv[10] + 6, &table) || !table ||
			   (table & PM_FRAME_MASK)))
		return sim_errf(err,
				"papr: bad '%s' (a nonzero 4 KiB aligned "
				"address)",
				argv[10]);
	if (tce_papr_add_parse(p, argv, &w, &index, err))
		return -EINVAL;
	ret = tce_papr_install(p, index, w, table);
	if (ret)
		return sim_errf(err, "papr: cannot place the table (%s)",
				ret == -ENOSPC ? "beyond RAM" :
				ret == -EFAULT ? "bus error" :
						 "too large");
	sim_outf(out, "ok table=0x%" PRIx64, p->papr[index].table);
	return 0;
}

/* ---- hypercalls --------------------------------------------------------- */

/*
 * The physical address of the TCE for window offset @raw: walk the
 * indirect entries we built. -1 when one is gone (a script overwrote it).
 */
static int tce_papr_entry(struct tce_phb *p, const struct tce_papr_win *w,
			  uint64_t raw, uint64_t *pa)
{
	uint64_t idx = raw >> w->page_shift, tbl = w->table, e;
	uint64_t mask = (1ull << w->tbl_shift) - 1;

	for (unsigned int l = 0; l < w->levels; l++) {
		unsigned int s = w->tbl_shift * (w->levels - 1 - l);
		uint64_t a = tbl + ((idx >> s) & mask) * TCE_ENTRY_SIZE;

		if (l + 1 == w->levels) {
			*pa = a;
			return 0;
		}
		if (pm_ld64_be(p->u.mem, a, &e) || !(e & TCE_PCI_RW))
			return -1;
		tbl = e & TCE_IND_ADDR;
	}
	return -1;
}

/*
 * Store @tce for @ioba (already masked to the page) as QEMU put_tce_emu()
 * does: index = (ioba - bus_offset) >> page_shift, computed unsigned so
 * an IOBA below the window wraps; index >= nb_table is H_PARAMETER. The
 * TCE is not validated. H_HARDWARE if the table cannot be written.
 */
static int tce_papr_put(struct tce_phb *p, uint32_t index,
			const struct tce_papr_win *w, uint64_t ioba,
			uint64_t tce)
{
	uint64_t pa;

	if ((ioba - w->bus_offset) >> w->page_shift >= w->size >> w->page_shift)
		return H_PARAMETER;
	if (tce_papr_entry(p, w, ioba & TCE_ADDR_OFFSET, &pa) ||
	    pm_st64_be(p->u.mem, pa, tce))
		return H_HARDWARE;
	tce_kill_addr(p, index >> 1, ioba);
	return H_SUCCESS;
}

static int tce_papr_get(struct tce_phb *p, const struct tce_papr_win *w,
			uint64_t ioba, uint64_t *tce)
{
	uint64_t pa;

	if ((ioba - w->bus_offset) >> w->page_shift >= w->size >> w->page_shift)
		return H_PARAMETER;
	if (tce_papr_entry(p, w, ioba & TCE_ADDR_OFFSET, &pa) ||
	    pm_ld64_be(p->u.mem, pa, tce))
		return H_HARDWARE;
	return H_SUCCESS;
}

/*
 * H_STUFF_TCE (QEMU h_stuff_tce()): npages > nb_table is H_PARAMETER;
 * then one store per page, stopping at the first failure (a partial
 * update). The result starts as H_PARAMETER, so npages 0 returns it.
 */
static int tce_papr_stuff(struct tce_phb *p, uint32_t index,
			  const struct tce_papr_win *w, uint64_t ioba,
			  uint64_t tce, uint64_t npages)
{
	uint64_t psz = 1ull << w->page_shift;
	int rc = H_PARAMETER;

	if (npages > w->size >> w->page_shift)
		return H_PARAMETER;
	ioba &= ~(psz - 1);
	for (uint64_t i = 0; i < npages; i++, ioba += psz) {
		rc = tce_papr_put(p, index, w, ioba, tce);
		if (rc)
			break;
	}
	return rc;
}

/*
 * H_PUT_TCE_INDIRECT (QEMU h_put_tce_indirect()): npages > 512 or a list
 * address not 4 KiB aligned is H_PARAMETER; entries are big-endian u64s
 * read one at a time and stored in order, stopping at the first failure
 * (entries before it stay written). npages 0 returns H_PARAMETER as in
 * QEMU. A bus error reading the list is H_PARAMETER (ours: QEMU's load
 * would read junk and continue).
 */
static int tce_papr_indirect(struct tce_phb *p, uint32_t index,
			     const struct tce_papr_win *w, uint64_t ioba,
			     uint64_t list, uint64_t npages)
{
	uint64_t psz = 1ull << w->page_shift, tce;
	int rc = H_PARAMETER;

	if (npages > TCE_PAPR_IND_MAX || (list & TCE_PAPR_LIST_ALIGN))
		return H_PARAMETER;
	ioba &= ~(psz - 1);
	for (uint64_t i = 0; i < npages; i++, ioba += psz) {
		if (pm_ld64_be(p->u.mem, list + i * TCE_ENTRY_SIZE, &tce))
			return H_PARAMETER;
		rc = tce_papr_put(p, index, w, ioba, tce);
		if (rc)
			break;
	}
	return rc;
}

struct tce_hcall {
	const char *name;
	unsigned long opcode;
	int nargs;
};

static const struct tce_hcall tce_hcalls[] = {
	{ "H_PUT_TCE", H_PUT_TCE, 3 },
	{ "H_GET_TCE", H_GET_TCE, 2 },
	{ "H_STUFF_TCE", H_STUFF_TCE, 4 },
	{ "H_PUT_TCE_INDIRECT", H_PUT_TCE_INDIRECT, 4 },
};

/**
 * tce_papr_hcall() - issue TCE hypercall @opcode on @p as a guest would.
 * @p: the PHB.
 * @opcode: H_PUT_TCE, H_GET_TCE, H_STUFF_TCE or H_PUT_TCE_INDIRECT.
 * @args: its arguments in PAPR order, LIOBN first (3, 2, 4 and 4 of them).
 * @ret: H_GET_TCE's TCE on H_SUCCESS; untouched otherwise.
 *
 * The `hcall` script command parses its words into exactly this call,
 * so scripts and C callers (benchmarks) run the same code.
 *
 * Return: an H_* code; H_FUNCTION for any other opcode (QEMU).
 */
long tce_papr_hcall(struct tce_phb *p, unsigned long opcode,
		    const uint64_t *args, uint64_t *ret)
{
	const struct tce_papr_win *w;
	uint64_t ioba;
	uint32_t index;

	if (opcode != H_PUT_TCE && opcode != H_GET_TCE &&
	    opcode != H_STUFF_TCE && opcode != H_PUT_TCE_INDIRECT)
		return H_FUNCTION;
	/* An unknown LIOBN is H_PARAMETER (QEMU); KVM says H_TOO_HARD. */
	w = tce_papr_find(p, args[0], &index);
	if (!w)
		return H_PARAMETER;
	/* QEMU masks the IOBA to the page: low bits are ignored. */
	ioba = args[1] & ~((1ull << w->page_shift) - 1);
	switch (opcode) {
	case H_PUT_TCE:
		return tce_papr_put(p, index, w, ioba, args[2]);
	case H_GET_TCE:
		return tce_papr_get(p, w, ioba, ret);
	case H_STUFF_TCE:
		return tce_papr_stuff(p, index, w, args[1], args[2], args[3]);
	default:
		return tce_papr_indirect(p, index, w, args[1], args[2],
					 args[3]);
	}
}

static int tce_papr_cmd_hcall(struct tce_phb *p, int argc, char **argv,
			      struct sim_out *out, struct sim_err *err)
{
	uint64_t a[4] = { 0 }, tce = 0;
	unsigned int h;
	long rc;

	for (h = 0; h < ARRAY_SIZE(tce_hcalls); h++)
		if (argc >= 2 && !strcmp(argv[1], tce_hcalls[h].name))
			break;
	if (h == ARRAY_SIZE(tce_hcalls) || argc != 2 + tce_hcalls[h].nargs)
		return sim_errf(err, "usage: hcall H_PUT_TCE LIOBN IOBA TCE | "
				     "H_GET_TCE LIOBN IOBA | H_STUFF_TCE "
				     "LIOBN IOBA TCE COUNT | H_PUT_TCE_INDIRECT"
				     " LIOBN IOBA LISTADDR COUNT");
	for (int i = 0; i < tce_hcalls[h].nargs; i++)
		if (sim_parse_u64(argv[2 + i], &a[i]))
			return sim_errf(err, "hcall: bad number '%s'",
					argv[2 + i]);
	rc = tce_papr_hcall(p, tce_hcalls[h].opcode, a, &tce);
	if (tce_hcalls[h].opcode == H_GET_TCE && rc == H_SUCCESS)
		sim_outf(out, "rc=0 tce=0x%" PRIx64, tce);
	else
		sim_outf(out, "rc=%ld", rc);
	return 0;
}

/* ---- RTAS --------------------------------------------------------------- */

/* The PE behind config_addr, or -1 for another PHB's BUID. */
static int tce_rtas_pe(struct tce_phb *p, const uint64_t *a, uint32_t *pe)
{
	if ((a[1] << 32 | a[2]) != TCE_PHB_BUID)
		return -1;
	*pe = p->rtt[(a[0] >> 8) & (TCE_NUM_RIDS - 1)];
	return 0;
}

static unsigned int tce_rtas_active(struct tce_phb *p, uint32_t pe)
{
	return p->papr[pe << 1].active + p->papr[pe << 1 | 1].active;
}

/*
 * The query mask of the IO page sizes the generation builds, with the
 * bits of qemu/qemu hw/ppc/spapr_rtas_ddw.c spapr_page_mask_to_query_mask()
 * (2 MiB = 0x100 since v7.1, "ppc/spapr/ddw: Add 2M pagesize"), which the
 * guest decodes the same way (torvalds/linux pseries/iommu.c
 * iommu_get_page_shift()). Neither has a bit for 1 GiB, so PHB4's 1 GiB
 * page is not reported (create still accepts shift 30).
 */
static uint32_t tce_rtas_pgmask(struct tce_phb *p)
{
	if (p->phb_gen == 3)
		return RTAS_DDW_PGSIZE_4K | RTAS_DDW_PGSIZE_64K |
		       RTAS_DDW_PGSIZE_16M | RTAS_DDW_PGSIZE_256M;
	return RTAS_DDW_PGSIZE_4K | RTAS_DDW_PGSIZE_64K | RTAS_DDW_PGSIZE_2M;
}

/*
 * QEMU rtas_ibm_query_pe_dma_window() (qemu/qemu hw/ppc/spapr_rtas_ddw.c,
 * v7.1 and later): 3 args and 5 or 6 returns, else -3. The 6-output form
 * is LoPAR 2.8's, chosen by a guest that finds ibm,ddw-extensions[2] == 1
 * (torvalds/linux arch/powerpc/platforms/pseries/iommu.c query_ddw()): the
 * largest block becomes a 64-bit hi/lo pair.
 */
static int tce_rtas_query(struct tce_phb *p, int n, const uint64_t *a, int nret,
			  uint64_t *r)
{
	uint32_t pe;
	int i = 0;

	if (n != 3 || (nret != 5 && nret != 6) || tce_rtas_pe(p, a, &pe))
		return RTAS_OUT_PARAM_ERROR;
	r[i++] = 2 - tce_rtas_active(p, pe);
	if (nret == 6) {
		r[i++] = TCE_PAPR_LARGEST_BLOCK64 >> 32;
		r[i++] = TCE_PAPR_LARGEST_BLOCK64 & UINT32_MAX;
	} else {
		r[i++] = TCE_PAPR_LARGEST_BLOCK;
	}
	r[i++] = tce_rtas_pgmask(p);
	r[i++] = 0; /* not migration capable */
	return i;
}

/*
 * QEMU rtas_ibm_create_pe_dma_window(): 5 args and 4 returns; a page size
 * the PHB does not build or window_shift < page_shift is -3; two active
 * windows, a taken slot or LIOBN, 2^32 or more TCEs (QEMU's nb_table is a
 * uint32_t, so the count truncates to 0 and the enable fails), or a table
 * we cannot allocate is -1. The window goes at 0 with no active window,
 * else at 1<<59 (placement rule).
 */
static int tce_rtas_create(struct tce_phb *p, int n, const uint64_t *a,
			   int nret, uint64_t *r)
{
	struct tce_papr_win w = { 0 };
	uint32_t pe, index;
	unsigned int win;

	if (n != 5 || nret != 4 || tce_rtas_pe(p, a, &pe))
		return RTAS_OUT_PARAM_ERROR;
	if (a[3] > 63 || !tce_page_shift_ok(p->phb_gen, (unsigned int)a[3]) ||
	    a[4] < a[3])
		return RTAS_OUT_PARAM_ERROR;
	win = tce_rtas_active(p, pe) ? 1 : 0;
	index = pe << 1 | win;
	if (tce_rtas_active(p, pe) == 2 || p->papr[index].active ||
	    a[4] - a[3] >= 32 || a[4] > TCE_ADDR_WINDOW_BIT ||
	    tce_papr_find(p, TCE_PAPR_LIOBN(pe, win), NULL))
		return RTAS_OUT_HW_ERROR;
	w.liobn = TCE_PAPR_LIOBN(pe, win);
	w.bus_offset = win ? TCE_WIN1_BASE : 0;
	w.size = 1ull << a[4];
	w.page_shift = (unsigned int)a[3];
	/* Ours: the fewest levels (up to 5) with levels of <= 2^16 TCEs. */
	w.levels = 1;
	while (w.levels < TCE_TVE_LEVELS_MAX && a[4] - a[3] > 16ull * w.levels)
		w.levels++;
	if (tce_papr_install(p, index, w, 0))
		return RTAS_OUT_HW_ERROR;
	r[0] = w.liobn;
	r[1] = w.bus_offset >> 32;
	r[2] = w.bus_offset & UINT32_MAX;
	return 3;
}

/*
 * Give PE @pe QEMU's default window (hw/ppc/spapr_pci.c
 * spapr_phb_dma_reset()): LIOBN of window 0, bus 0, 1 GiB
 * (SPAPR_PCI_DMA32_SIZE) of 4 KiB TCEs, one level, empty. -1 if another
 * PE's window holds that LIOBN (`papr window add`) or the table does not
 * fit in RAM.
 */
static int tce_rtas_default(struct tce_phb *p, uint32_t pe)
{
	struct tce_papr_win w = {
		.def_win = true,
		.liobn = TCE_PAPR_LIOBN(pe, 0),
		.bus_offset = 0,
		.size = TCE_PAPR_DMA32_SIZE,
		.page_shift = TCE_PAPR_DMA32_SHIFT,
		.levels = 1,
	};

	if (tce_papr_find(p, w.liobn, NULL) ||
	    tce_papr_install(p, pe << 1, w, 0))
		return RTAS_OUT_HW_ERROR;
	return 0;
}

/*
 * QEMU rtas_ibm_remove_pe_dma_window(): 1 arg and 1 return; an unknown
 * LIOBN is -3. Since v7.1 (qemu/qemu commit 31cc81f72801, "spapr/ddw:
 * Reset DMA when the last non-default window is removed") removing the
 * last window restores the default one unless the window removed was the
 * default, as LoPAPR requires. QEMU counts the PHB's windows; we count
 * the PE's (windows are per PE here). If the default cannot be restored
 * the removal stands and the status is -1 (ours: QEMU's reset cannot
 * fail).
 */
static int tce_rtas_remove(struct tce_phb *p, int n, const uint64_t *a,
			   int nret, uint64_t *r)
{
	uint32_t index;
	bool def_win;

	(void)r;
	if (n != 1 || nret != 1 || !tce_papr_find(p, a[0], &index))
		return RTAS_OUT_PARAM_ERROR;
	def_win = p->papr[index].def_win;
	tce_papr_remove(p, index);
	if (!def_win && !tce_rtas_active(p, index >> 1))
		return tce_rtas_default(p, index >> 1);
	return 0;
}

/*
 * QEMU rtas_ibm_reset_pe_dma_window() -> spapr_phb_dma_reset(): 3 args
 * and 1 return; every window of the PE goes and the default comes back.
 * The 4-argument form (LoPAR 2.13 limited addressing, sent by
 * torvalds/linux pseries/iommu.c limited_dma_window()) is -3 as in QEMU,
 * which checks nargs == 3 and does not advertise ibm,ddw-extensions[3].
 */
static int tce_rtas_reset(struct tce_phb *p, int n, const uint64_t *a, int nret,
			  uint64_t *r)
{
	uint32_t pe;

	(void)r;
	if (n != 3 || nret != 1 || tce_rtas_pe(p, a, &pe))
		return RTAS_OUT_PARAM_ERROR;
	for (unsigned int win = 0; win < 2; win++)
		if (p->papr[pe << 1 | win].active)
			tce_papr_remove(p, pe << 1 | win);
	return tce_rtas_default(p, pe);
}

struct tce_rtas_call {
	const char *name;
	/* The return cells a guest asks for when the script does not say. */
	int nret;
	/* Returns a status < 0, or the number of output cells after it. */
	int (*fn)(struct tce_phb *p, int n, const uint64_t *a, int nret,
		  uint64_t *r);
};

static const struct tce_rtas_call tce_rtas_calls[] = {
	{ "ibm,query-pe-dma-window", 5, tce_rtas_query },
	{ "ibm,create-pe-dma-window", 4, tce_rtas_create },
	{ "ibm,remove-pe-dma-window", 1, tce_rtas_remove },
	{ "ibm,reset-pe-dma-window", 1, tce_rtas_reset },
};

#define TCE_RTAS_ARGS_MAX 8
#define TCE_RTAS_RETS_MAX 8

static int tce_papr_cmd_rtas(struct tce_phb *p, int argc, char **argv,
			     struct sim_out *out, struct sim_err *err)
{
	uint64_t a[TCE_RTAS_ARGS_MAX] = { 0 }, r[TCE_RTAS_RETS_MAX], v;
	char line[160];
	unsigned int c;
	int n = argc - 2, ret, len, nret;

	for (c = 0; c < ARRAY_SIZE(tce_rtas_calls); c++)
		if (argc >= 2 && !strcmp(argv[1], tce_rtas_calls[c].name))
			break;
	if (c == ARRAY_SIZE(tce_rtas_calls))
		goto usage;
	nret = tce_rtas_calls[c].nret;
	/* An optional last word nret=N: the return cells the caller gave. */
	if (n > 0 && !strncmp(argv[argc - 1], "nret=", 5)) {
		if (sim_parse_u64(argv[argc - 1] + 5, &v) || !v ||
		    v > TCE_RTAS_RETS_MAX)
			return sim_errf(err, "rtas: bad '%s' (1..%d)",
					argv[argc - 1], TCE_RTAS_RETS_MAX);
		nret = (int)v;
		n--;
	}
	if (n > TCE_RTAS_ARGS_MAX)
		goto usage;
	/* Arguments are 32-bit cells. */
	for (int i = 0; i < n; i++)
		if (sim_parse_u64(argv[2 + i], &a[i]) || a[i] > UINT32_MAX)
			return sim_errf(err, "rtas: bad cell '%s'",
					argv[2 + i]);
	ret = tce_rtas_calls[c].fn(p, n, a, nret, r);
	len = snprintf(line, sizeof(line), "status=%d", ret < 0 ? ret : 0);
	for (int i = 0; i < ret; i++)
		len += snprintf(line + len, sizeof(line) - len,
				" out%d=0x%" PRIx64, i + 1, r[i]);
	sim_outf(out, "%s", line);
	return 0;
usage:
	return sim_errf(err, "usage: rtas ibm,query-pe-dma-window|"
			     "ibm,create-pe-dma-window|"
			     "ibm,remove-pe-dma-window|"
			     "ibm,reset-pe-dma-window CELL... [nret=N]");
}

/**
 * tce_papr_command() - the `papr`, `hcall` and `rtas` script commands.
 * Return: 0, or -EINVAL with a usage message in @err.
 */
int tce_papr_command(struct tce_phb *p, int argc, char **argv,
		     struct sim_out *out, struct sim_err *err)
{
	if (!strcmp(argv[0], "hcall"))
		return tce_papr_cmd_hcall(p, argc, argv, out, err);
	if (!strcmp(argv[0], "rtas"))
		return tce_papr_cmd_rtas(p, argc, argv, out, err);
	return tce_papr_cmd_add(p, argc, argv, out, err);
}

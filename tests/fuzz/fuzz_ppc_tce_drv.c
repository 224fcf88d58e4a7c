// SPDX-License-Identifier: MIT
/*
 * fuzz_ppc_tce_drv.c - libFuzzer harness for the PHB driver
 * (hw/ppc_tce/driver.h): the input is a program of table creates with
 * arbitrary geometry, frees, maps, unmaps, xchgs, lookups, attaches,
 * detaches, RTT writes and DMA requests, on up to four tables at once.
 * RAM is 64 MiB (32 MiB of table frames), so large levels run out and
 * the -ENOMEM paths run too.
 *
 * Checked (abort() on a violation), besides the sanitizers: a map that
 * succeeds is seen by tce_table_lookup(); a failed one leaves @mapped
 * alone; unmap returns whole pages no more than @mapped held; xchg
 * returns the TCE lookup saw; a lookup through a table the harness
 * attached for the request's PE agrees with the unit's translation
 * (page address, rights) and a missing TCE faults; the TCE cache, in
 * strict mode, never serves a stale entry (a missing kill); at the end
 * every table frame is given back.
 *
 * Input: byte 0 bit 0 picks phb=3; then records of one opcode byte (low
 * nibble the op, bits 4-5 the table slot) and 16 argument bytes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc_tce/driver.h"
#include "hw/ppc_tce/ppc_tce.h"
#include "model/bits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 4
#define NO_SLOT 0xff

struct fz {
	struct sim_unit *u;
	struct tce_phb *p;
	struct pm_space *pm;
	struct tce_drv *drv;
	struct tce_table *t[SLOTS];
	uint8_t owner[2 * TCE_PHB4_NUM_PES]; /* slot at each TVE, by us */
};

static const unsigned int fz_shifts[] = { 12, 16, 21, 24, 28, 30 };

/*
 * Mostly plausible geometry, sometimes anything. @x bytes: 0 flags (bit 0
 * raw shift, 1 raw base, 2 window 1, 3 raw size), 1 shift, 2 levels, 3
 * base shift, 4-5 pages; @y: the base (and raw size).
 */
static void fz_create(struct fz *f, unsigned int s, uint64_t x, uint64_t y)
{
	unsigned int fl = x & 0xff, b1 = (x >> 8) & 0xff;
	unsigned int shift = (fl & 1) ? b1 % 40 : fz_shifts[b1 % 6];
	unsigned int levels = ((x >> 16) & 0xff) % 7;
	uint64_t base = y, sz;
	struct tce_table *t;

	if (!(fl & 2))
		base = (((y & 0xffff) << ((x >> 24 & 0xff) % 48)) &
			TCE_ADDR_OFFSET & ~(BIT_ULL(shift) - 1)) |
		       ((fl & 4) ? TCE_WIN1_BASE : 0);
	sz = (fl & 8) ? y >> 7 : (1 + (x >> 32 & 0xffff) % 4096) << shift;
	if (tce_table_create(f->drv, base, sz, shift, levels, &t))
		return;
	tce_table_free(f->t[s]);
	for (size_t i = 0; i < ARRAY_SIZE(f->owner); i++)
		if (f->owner[i] == s)
			f->owner[i] = NO_SLOT;
	f->t[s] = t;
}

static void fz_free(struct fz *f, unsigned int s)
{
	tce_table_free(f->t[s]);
	f->t[s] = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(f->owner); i++)
		if (f->owner[i] == s) {
			f->owner[i] = NO_SLOT;
			/* Freeing cleared the TVE. */
			if (f->p->tvt[i])
				abort();
		}
}

/* An address in or around @t's window, or anything. */
static uint64_t fz_iova(const struct tce_table *t, uint64_t x)
{
	if (x & 1)
		return x;
	return t->bus_base +
	       (((x >> 2 & 0xffffff) % ((t->size >> t->page_shift) + 2))
		<< t->page_shift) -
	       ((x & 2) ? 1ull << t->page_shift : 0);
}

/* Lookup of @iova in slot @s against the unit, when a PE routes there. */
static void fz_lookup(struct fz *f, unsigned int s, uint64_t iova, uint32_t rid,
		      unsigned int acc)
{
	struct tce_table *t = f->t[s];
	struct dma_req req = { .source_id = rid, .addr = iova };
	struct dma_result res;
	unsigned int prot;
	uint32_t pe = f->p->rtt[rid & 0xffff], index;
	uint64_t pa;
	int ret = tce_table_lookup(t, iova, &pa, &prot);

	if (ret && ret != -ENOENT)
		abort();
	index = pe << 1 | (uint32_t)((iova >> TCE_ADDR_WINDOW_BIT) & 1);
	if ((iova >> 60) || index >= 2 * f->p->num_pes || f->owner[index] != s)
		return;
	/* Outside the window, or the 32-bit MSI page (never a DMA). */
	if (iova < t->bus_base || iova - t->bus_base >= t->size ||
	    (iova >= TCE_MSI32_BASE && iova <= TCE_MSI32_LAST))
		return;
	req.access = ret ? DMA_ACC_READ : (prot & acc ? prot & acc : prot);
	f->u->ops->translate(f->u, &req, &res);
	if (ret ? res.ok :
		  (!res.ok || res.xlat.out_addr != pa ||
		   res.xlat.perm != prot ||
		   res.xlat.page_size != BIT_ULL(t->page_shift)))
		abort();
}

/* A length of up to @max pages of @t, or (@y bit 0) nearly anything. */
static uint64_t fz_len(const struct tce_table *t, uint64_t y, uint64_t max)
{
	if (y & 1)
		return y >> 5;
	return (1 + (y >> 8 & 0xfff) % max) << t->page_shift;
}

static void fz_map(struct tce_table *t, uint64_t x, uint64_t y)
{
	uint64_t iova = fz_iova(t, x), len = fz_len(t, y, 600), m = t->mapped;
	uint64_t pa = (y >> 20) << 12, got;
	unsigned int prot = (unsigned int)(x >> 40) % 16, got_prot;
	unsigned int want = prot & (DMA_ACC_READ | DMA_ACC_WRITE);
	int ret;

	if (!(y & 2))
		pa &= ~(BIT_ULL(t->page_shift) - 1);
	ret = tce_table_map(t, iova, pa, len, prot);
	if (t->mapped != (ret ? m : m + (len >> t->page_shift)))
		abort();
	if (!ret && (tce_table_lookup(t, iova, &got, &got_prot) || got != pa ||
		     got_prot != want))
		abort();
}

static void fz_unmap(struct tce_table *t, uint64_t x, uint64_t y)
{
	uint64_t iova = fz_iova(t, x), len = fz_len(t, y, 700), m = t->mapped;
	uint64_t pmask = BIT_ULL(t->page_shift) - 1,
		 v = tce_table_unmap(t, iova, len);
	unsigned int prot;
	uint64_t pa;

	if ((v & pmask) || (v >> t->page_shift) > m ||
	    t->mapped != m - (v >> t->page_shift))
		abort();
	/* An aligned range starting at a mapped page clears it. */
	if (len && !((iova | len) & pmask) &&
	    !tce_table_lookup(t, iova, &pa, &prot))
		abort();
}

/* xchg returns what lookup saw; lookup then sees the new TCE. */
static void fz_xchg(struct tce_table *t, uint64_t x, uint64_t y)
{
	uint64_t iova = fz_iova(t, x), old_pa = 0, tce, v, pa;
	unsigned int old_prot = 0, prot;
	bool had = !tce_table_lookup(t, iova, &old_pa, &old_prot);

	tce = (y & 1) ? y : (y & 2) ? 0 : ((y >> 8) << 12) | (y >> 2 & 3);
	tce &= (y & 4) ? ~0ull : ~(BIT_ULL(t->page_shift) - 1) | 3;
	v = tce;
	if (tce_table_xchg(t, iova, &v))
		return;
	if (had != !!(v & TCE_PCI_RW) ||
	    (had && (v & GENMASK_ULL(51, t->page_shift)) != old_pa))
		abort();
	if (tce_table_lookup(t, iova, &pa, &prot) !=
	    ((tce & TCE_PCI_RW) ? 0 : -ENOENT))
		abort();
}

static void fz_op(struct fz *f, const uint8_t *a)
{
	uint64_t x = ld_le64(a + 1), y = ld_le64(a + 9);
	unsigned int kind = (a[0] & 0xf) % 10, s = a[0] >> 4 & (SLOTS - 1);
	struct tce_table *t = f->t[s];
	uint32_t pe;

	switch (kind) {
	case 0:
		fz_create(f, s, x, y);
		return;
	case 1:
		fz_free(f, s);
		return;
	case 8:
		tce_drv_set_pe(f->drv, (uint16_t)x, (uint32_t)(y % 600));
		return;
	case 9: {
		struct dma_req req = { .source_id = (uint32_t)x & 0xffff,
				       .addr = y,
				       .access = DMA_ACC_READ };
		struct dma_result res;

		f->u->ops->translate(f->u, &req, &res);
		return;
	}
	}
	if (!t)
		return;
	switch (kind) {
	case 2:
		fz_map(t, x, y);
		return;
	case 3:
		fz_unmap(t, x, y);
		return;
	case 4:
		fz_xchg(t, x, y);
		return;
	case 5:
		fz_lookup(f, s, fz_iova(t, x), (uint32_t)y & 0xffff,
			  (unsigned int)(y >> 16) & 3);
		return;
	case 6:
		pe = (uint32_t)(x % 600);
		if (!tce_drv_attach(f->drv, pe, (unsigned int)(y % 3), t)) {
			uint32_t index = pe << 1 | (unsigned int)(y % 3);

			f->owner[index] = (uint8_t)s;
		}
		return;
	default:
		pe = (uint32_t)(x % 600);
		tce_drv_detach(f->drv, pe, (unsigned int)(y % 3));
		if (pe < f->p->num_pes && y % 3 < 2)
			f->owner[pe << 1 | (unsigned int)(y % 3)] = NO_SLOT;
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char phb3[] = "phb=3";
	char *argv[1] = { phb3 };
	struct sim_opts opts = { 0 };
	struct tcache_stats st;
	struct pm_stats ps;
	struct sim_err err;
	struct fz f = { 0 };

	if (pm_create(26, &f.pm))
		return 0;
	if (sim_opts_parse(&opts, size && (data[0] & 1), argv, &err) ||
	    ppc_tce_unit_ops.create(f.pm, &opts, &f.u, &err)) {
		pm_destroy(f.pm);
		return 0;
	}
	f.p = to_tce_phb(f.u);
	memset(f.owner, NO_SLOT, sizeof(f.owner));
	tcache_set_strict(f.u->tc, true);
	if (tce_drv_create(f.u, f.pm, &f.drv))
		abort();
	for (size_t i = 1; i + 17 <= size; i += 17)
		fz_op(&f, data + i);
	for (unsigned int s = 0; s < SLOTS; s += 2)
		fz_free(&f, s);
	/* Slots 1 and 3 are left to the driver to free. */
	tce_drv_destroy(f.drv);
	tcache_get_stats(f.u->tc, &st);
	pm_get_stats(f.pm, &ps);
	if (st.stale || ps.table_frames)
		abort();
	f.u->ops->destroy(f.u);
	pm_destroy(f.pm);
	return 0;
}

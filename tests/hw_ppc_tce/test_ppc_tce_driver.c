// SPDX-License-Identifier: MIT
/*
 * test_ppc_tce_driver.c - the PHB driver (hw/ppc_tce/driver.h): every
 * error path with nothing changed after it; DMA through the unit after
 * map for every IO page size of PHB3 and PHB4, 1 to 5 levels and both
 * windows, with faults after unmap (the TCE cache in strict mode, so a
 * missing kill fails); a seeded property test comparing a shadow model,
 * tce_table_lookup() and the unit's walk after every random map, unmap
 * and xchg; lazy lower levels (@bytes); PEs sharing a table, replacement,
 * detach and freeing.
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/ppc_tce/driver.h"
#include "hw/ppc_tce/ppc_tce.h"
#include "model/bits.h"

#include "tce_test.h"

static struct tce_drv *drv;

static void drop_report(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "stale: %s\n", msg);
}

static uint64_t stale_count(void)
{
	struct tcache_stats st;

	tcache_get_stats(u->tc, &st);
	tcache_drain_stale(u->tc, drop_report, NULL);
	return st.stale;
}

static uint64_t table_frames(void)
{
	struct pm_stats st;

	pm_get_stats(pm, &st);
	return st.table_frames;
}

/* A unit of @opts in strict cache mode with its driver. */
static void drv_up(const char *opts)
{
	make_unit(opts);
	tcache_set_strict(u->tc, true);
	ck_assert_int_eq(tce_drv_create(u, pm, &drv), 0);
}

/* Destroy the driver (freeing tables left alive): nothing may remain. */
static void drv_down(void)
{
	tce_drv_destroy(drv);
	drv = NULL;
	ck_assert_uint_eq(table_frames(), 0);
	ck_assert_uint_eq(stale_count(), 0);
	teardown();
}

static struct tce_table *mk(uint64_t base, uint64_t size, unsigned int shift,
			    unsigned int levels)
{
	struct tce_table *t;
	int ret = tce_table_create(drv, base, size, shift, levels, &t);

	ck_assert_msg(!ret, "create 0x%" PRIx64 "+0x%" PRIx64 " %u %u: %d",
		      base, size, shift, levels, ret);
	return t;
}

static uint64_t tvt(uint32_t index)
{
	return to_tce_phb(u)->tvt[index];
}

/* ---- error paths -------------------------------------------------------- */

START_TEST(test_drv_basics)
{
	static const struct sim_unit_ops other = { .kind = "other" };
	struct sim_unit fake = { .ops = &other };
	struct tce_drv *d = (struct tce_drv *)&fake;

	make_unit("phb=3");
	ck_assert_int_eq(tce_drv_create(&fake, pm, &d), -EINVAL);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(tce_drv_create(NULL, pm, &d), -EINVAL);
	ck_assert_int_eq(tce_drv_create(u, pm, &drv), 0);
	ck_assert_uint_eq(tce_drv_phb_gen(drv), 3);
	ck_assert_uint_eq(tce_drv_pgsizes(drv), BIT_ULL(12) | BIT_ULL(16) |
							BIT_ULL(24) |
							BIT_ULL(28));
	ck_assert_int_eq(tce_drv_set_pe(drv, 0x1234, 7), 0);
	ck_assert_uint_eq(to_tce_phb(u)->rtt[0x1234], 7);
	ck_assert_int_eq(tce_drv_set_pe(drv, 0x1234, TCE_PHB3_NUM_PES),
			 -EINVAL);
	ck_assert_uint_eq(to_tce_phb(u)->rtt[0x1234], 7);
	ck_assert_int_eq(tce_drv_set_pe(drv, 0xffff, TCE_PHB3_NUM_PES - 1), 0);
	ck_assert_uint_eq(to_tce_phb(u)->rtt[0xffff], TCE_PHB3_NUM_PES - 1);
	drv_down();
	drv_up("phb=4");
	ck_assert_uint_eq(tce_drv_phb_gen(drv), 4);
	ck_assert_uint_eq(tce_drv_pgsizes(drv), BIT_ULL(12) | BIT_ULL(16) |
							BIT_ULL(21) |
							BIT_ULL(30));
	ck_assert_int_eq(tce_drv_set_pe(drv, 1, TCE_PHB4_NUM_PES), -EINVAL);
	ck_assert_int_eq(tce_drv_set_pe(drv, 1, TCE_PHB4_NUM_PES - 1), 0);
	drv_down();
}
END_TEST

static const struct {
	uint64_t base, size;
	unsigned int shift, levels;
} bad_geo[] = {
	{ 0, 0x10000, 12, 0 },
	{ 0, 0x10000, 12, 6 },
	{ 0, 0x10000, 13, 1 },
	{ 0, 0x10000, 24, 1 }, /* PHB3 only */
	{ 0, 0x10000, 28, 1 }, /* PHB3 only */
	{ 0, 0, 12, 1 },
	{ 0, 0x1800, 12, 1 },
	{ 0x800, 0x1000, 12, 1 },
	{ 0x1000, 0x10000, 16, 1 },
	{ 1ull << 60, 0x1000, 12, 1 },
	{ 3ull << 59, 0x1000, 12, 1 },
	{ TCE_WIN1_BASE - 0x1000, 0x2000, 12, 3 }, /* crosses bit 59 */
	{ 0, (1ull << 59) + 0x1000, 12, 5 },
	{ 0, 1ull << 60, 12, 5 },
	{ TCE_WIN1_BASE, ~0xfffull, 12, 5 }, /* wraps */
	{ 0, 1ull << 32, 12, 1 }, /* 2^20 TCEs in one level */
	{ 1ull << 40, 0x1000, 12, 1 }, /* index 2^28: one level can't */
	{ 1ull << 58, 0x1000, 12, 2 }, /* 46 bits: 23 per level */
};

START_TEST(test_create_errors)
{
	struct tce_table *t = (struct tce_table *)&drv;

	drv_up("phb=4");
	for (size_t i = 0; i < ARRAY_SIZE(bad_geo); i++) {
		t = (struct tce_table *)&drv;
		ck_assert_msg(
			tce_table_create(drv, bad_geo[i].base, bad_geo[i].size,
					 bad_geo[i].shift, bad_geo[i].levels,
					 &t) == -EINVAL,
			"case %zu", i);
		ck_assert_ptr_null(t);
		ck_assert_uint_eq(table_frames(), 0);
	}
	/* The limits themselves are fine: 2^19 TCEs in one level. */
	t = mk(0, 1ull << 31, 12, 1);
	ck_assert_uint_eq(t->tbl_shift, 19);
	ck_assert_uint_eq(t->bytes, 4ull << 20);
	tce_table_free(t);
	t = mk(1ull << 58, 0x1000, 12, 3);
	ck_assert_uint_eq(t->tbl_shift, 16);
	tce_table_free(t);
	t = mk(0, 1ull << 59, 12, 5);
	ck_assert_uint_eq(t->tbl_shift, 10);
	tce_table_free(t);
	t = mk(TCE_WIN1_BASE, 1ull << 59, 30, 5);
	ck_assert_uint_eq(t->tbl_shift, 9);
	tce_table_free(t);
	/* levels * tbl_shift just covers the index bits (19 -> 10, 7, 5). */
	t = mk(0, 1ull << 31, 12, 2);
	ck_assert_uint_eq(t->tbl_shift, 10);
	tce_table_free(t);
	t = mk(0, 1ull << 31, 12, 3);
	ck_assert_uint_eq(t->tbl_shift, 9);
	tce_table_free(t);
	ck_assert_uint_eq(table_frames(), 0);
	drv_down();
	/* PHB3 rejects PHB4's page sizes. */
	drv_up("phb=3");
	ck_assert_int_eq(tce_table_create(drv, 0, 1 << 21, 21, 1, &t), -EINVAL);
	ck_assert_int_eq(tce_table_create(drv, 0, 1 << 30, 30, 1, &t), -EINVAL);
	t = mk(0, 1 << 24, 24, 1);
	tce_table_free(t);
	tce_table_free(NULL);
	drv_down();
}
END_TEST

/* Whether page @iova of @t maps @pa with @prot (lookup). */
static void expect_lookup(struct tce_table *t, uint64_t iova, uint64_t pa,
			  unsigned int prot)
{
	unsigned int got_prot = 0;
	uint64_t got = 0;

	ck_assert_msg(!tce_table_lookup(t, iova, &got, &got_prot),
		      "lookup 0x%" PRIx64, iova);
	ck_assert_uint_eq(got, pa);
	ck_assert_uint_eq(got_prot, prot);
}

static void expect_absent(struct tce_table *t, uint64_t iova)
{
	unsigned int prot;
	uint64_t pa;

	ck_assert_int_eq(tce_table_lookup(t, iova, &pa, &prot), -ENOENT);
}

START_TEST(test_map_errors)
{
	struct tce_table *t, *t1;
	uint64_t base = 0x100000, bytes, tce, v;

	drv_up("");
	ck_assert_int_eq(tce_drv_set_pe(drv, 0x10, 3), 0);
	/* 3 levels of 512: leaf blocks of 2 MiB of bus space. */
	t = mk(0, 1ull << 32, 12, 3);
	ck_assert_uint_eq(t->tbl_shift, 9);
	ck_assert_int_eq(tce_drv_attach(drv, 3, 0, t), 0);
	ck_assert_int_eq(tce_table_map(t, base, 0x7000000, 0x4000, R | W), 0);
	expect_ok(0x10, base + 0x2008, R, 0x7002008, 0x1000);
	bytes = t->bytes;
	ck_assert_uint_eq(t->mapped, 4);
	ck_assert_int_eq(tce_table_map(t, base, 0x8000000, 0x1000, 0), -EINVAL);
	ck_assert_int_eq(tce_table_map(t, base, 0x8000000, 0x1000,
				       DMA_ACC_EXEC),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, base + 8, 0x8000000, 0x1000, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 0x800000, 0x8000008, 0x1000, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 0x800000, 0x8000000, 0x1008, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 0x800000, 0x8000000, 0, R), -EINVAL);
	ck_assert_int_eq(tce_table_map(t, (1ull << 32) - 0x1000, 0x8000000,
				       0x2000, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 1ull << 32, 0x8000000, 0x1000, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 0x800000, 1ull << 52, 0x1000, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 0x800000, (1ull << 52) - 0x1000,
				       0x2000, R),
			 -EINVAL);
	ck_assert_int_eq(tce_table_map(t, 0x800000, ~0xfffull, 0x2000, R),
			 -EINVAL);
	/* Overlapping a valid TCE: -EEXIST, the pages before it undone. */
	ck_assert_int_eq(tce_table_map(t, base - 0x2000, 0x8000000, 0x4000, W),
			 -EEXIST);
	expect_absent(t, base - 0x2000);
	expect_absent(t, base - 0x1000);
	expect_lookup(t, base, 0x7000000, R | W);
	/* ... also across a leaf block (0x200000) boundary. */
	ck_assert_int_eq(tce_table_map(t, 0x200000, 0x9000000, 0x1000, R), 0);
	ck_assert_int_eq(tce_table_map(t, 0x1fe000, 0x8000000, 0x3000, W),
			 -EEXIST);
	expect_absent(t, 0x1fe000);
	expect_absent(t, 0x1ff000);
	expect_lookup(t, 0x200000, 0x9000000, R);
	ck_assert_uint_eq(t->mapped, 5);
	bytes += 0x1000; /* the leaf block of 0x200000 */
	ck_assert_uint_eq(t->bytes, bytes);
	expect_ok(0x10, base + 0x2008, R, 0x7002008, 0x1000);
	/* unmap: misaligned changes nothing. */
	ck_assert_uint_eq(tce_table_unmap(t, base + 1, 0x1000), 0);
	ck_assert_uint_eq(tce_table_unmap(t, base, 0x1001), 0);
	ck_assert_uint_eq(tce_table_unmap(t, base, 0), 0);
	ck_assert_uint_eq(t->mapped, 5);
	expect_lookup(t, base, 0x7000000, R | W);
	/* xchg: outside, misaligned, stray bits. */
	tce = 0x5000 | TCE_PCI_RW;
	ck_assert_int_eq(tce_table_xchg(t, 1ull << 32, &tce), -EINVAL);
	ck_assert_int_eq(tce_table_xchg(t, base + 0x10, &tce), -EINVAL);
	tce = 1ull << 52 | TCE_PCI_READ;
	ck_assert_int_eq(tce_table_xchg(t, base, &tce), -EINVAL);
	tce = 0x5000 | BIT_ULL(2);
	ck_assert_int_eq(tce_table_xchg(t, base, &tce), -EINVAL);
	ck_assert_uint_eq(tce, 0x5000 | BIT_ULL(2));
	expect_lookup(t, base, 0x7000000, R | W);
	/* lookup: outside the window, not valid. */
	expect_absent(t, 1ull << 32);
	expect_absent(t, TCE_WIN1_BASE | base);
	expect_absent(t, 0x900000);
	/* attach: PE, window, window mismatch. */
	v = tvt(6);
	ck_assert_int_eq(tce_drv_attach(drv, TCE_PHB4_NUM_PES, 0, t), -EINVAL);
	ck_assert_int_eq(tce_drv_attach(drv, 3, 2, t), -EINVAL);
	ck_assert_int_eq(tce_drv_attach(drv, 3, 1, t), -EINVAL);
	ck_assert_int_eq(tce_drv_attach(drv, 3, 0, NULL), -EINVAL);
	ck_assert_uint_eq(tvt(6), v);
	ck_assert_uint_eq(tvt(7), 0);
	t1 = mk(TCE_WIN1_BASE, 1ull << 32, 16, 1);
	ck_assert_int_eq(tce_drv_attach(drv, 3, 0, t1), -EINVAL);
	ck_assert_uint_eq(tvt(6), v);
	ck_assert_uint_eq(t1->npes, 0);
	ck_assert_uint_eq(t->npes, 1);
	tce_drv_detach(drv, TCE_PHB4_NUM_PES, 0); /* ignored */
	tce_drv_detach(drv, 3, 2);
	ck_assert_uint_eq(tvt(6), v);
	expect_ok(0x10, base + 0x2008, R, 0x7002008, 0x1000);
	ck_assert_uint_eq(t->mapped, 5);
	drv_down();
}
END_TEST

/* Allocation failures: a pool of @frames frames. */
START_TEST(test_enomem)
{
	struct tce_table *t, *t2;
	uint64_t tce;

	make_unit("");
	tcache_set_strict(u->tc, true);
	ck_assert_int_eq(pm_frame_pool_set(pm, 1ull << 32,
					   (1ull << 32) + 3 * 0x1000),
			 0);
	ck_assert_int_eq(tce_drv_create(u, pm, &drv), 0);
	t = mk(0, 1ull << 32, 12, 3);
	/* Top, middle and the first leaf fit; the second leaf does not. */
	ck_assert_int_eq(tce_table_map(t, 0x1fe000, 0x8000000, 0x3000, R),
			 -ENOMEM);
	expect_absent(t, 0x1fe000);
	expect_absent(t, 0x1ff000);
	ck_assert_uint_eq(t->mapped, 0);
	ck_assert_uint_eq(t->bytes, 3 * 0x1000);
	ck_assert_uint_eq(table_frames(), 3);
	/* The first leaf block works; xchg into a new block cannot. */
	ck_assert_int_eq(tce_table_map(t, 0x1fe000, 0x8000000, 0x2000, R), 0);
	tce = 0x5000 | TCE_PCI_READ;
	ck_assert_int_eq(tce_table_xchg(t, 0x200000, &tce), -ENOMEM);
	ck_assert_uint_eq(tce, 0x5000 | TCE_PCI_READ);
	/* Clearing under an absent level allocates nothing. */
	tce = 0;
	ck_assert_int_eq(tce_table_xchg(t, 0x200000, &tce), 0);
	ck_assert_uint_eq(tce, 0);
	ck_assert_uint_eq(t->mapped, 2);
	ck_assert_int_eq(tce_table_create(drv, 0, 0x1000, 12, 1, &t2), -ENOMEM);
	ck_assert_ptr_null(t2);
	ck_assert_uint_eq(table_frames(), 3);
	tce_table_free(t);
	drv_down();
}
END_TEST

/* ---- DMA through the unit ----------------------------------------------- */

static const unsigned int shifts[2][4] = { { 12, 16, 24, 28 },
					   { 12, 16, 21, 30 } };

#define DMA_RID 0x123
#define DMA_PE 5

/* Case @_i: PHB (2) x page size (4) x levels (5) x window (2). */
START_TEST(test_dma)
{
	unsigned int gen = 3 + (unsigned int)_i / 40;
	unsigned int shift = shifts[gen - 3][(_i / 10) % 4];
	unsigned int levels = 1 + (unsigned int)(_i / 2) % 5;
	unsigned int win = (unsigned int)_i & 1, k;
	uint64_t ps = 1ull << shift, idx, base, pa = 5ull << 32, far;
	struct tce_tve tv;
	struct dma_result res;
	struct tce_table *t;

	drv_up(gen == 3 ? "phb=3" : "phb=4");
	/* Put the window high enough that every level's index is nonzero. */
	k = 9 * (levels - 1);
	if (k > 58 - shift - 1)
		k = 58 - shift - 1;
	idx = (1ull << k) | 0x105;
	base = (win ? TCE_WIN1_BASE : 0) + (idx << shift);
	ck_assert_int_eq(tce_drv_set_pe(drv, DMA_RID, DMA_PE), 0);
	if (levels == 1 && idx > (1u << 19) - 8)
		base = (win ? TCE_WIN1_BASE : 0) + (0x105ull << shift);
	t = mk(base, 8 * ps, shift, levels);
	ck_assert_int_eq(tce_drv_attach(drv, DMA_PE, win, t), 0);
	/* The TVE decodes back to the table. */
	ck_assert_int_eq(tce_tve_decode(gen, tvt(DMA_PE << 1 | win),
					DMA_PE << 1 | win, &tv, &res),
			 0);
	ck_assert(!tv.bypass);
	ck_assert_uint_eq(tv.levels, levels);
	ck_assert_uint_eq(tv.tbl_shift, t->tbl_shift);
	ck_assert_uint_eq(tv.page_shift, shift);
	ck_assert_uint_eq(tv.table, t->top);
	ck_assert_uint_eq(tvt(DMA_PE << 1 | (win ^ 1)), 0);

	ck_assert_int_eq(tce_table_map(t, base, pa, ps, R), 0);
	ck_assert_int_eq(tce_table_map(t, base + ps, pa + 4 * ps, ps, W), 0);
	ck_assert_int_eq(
		tce_table_map(t, base + 2 * ps, pa + ps, 2 * ps, R | W), 0);
	ck_assert_uint_eq(t->mapped, 4);
	expect_ok(DMA_RID, base + 0x18, R, pa + 0x18, ps);
	expect_fault(DMA_RID, base + 0x18, W, TCE_F_PERM, "PERM");
	expect_ok(DMA_RID, base + ps + ps - 8, W, pa + 4 * ps + ps - 8, ps);
	expect_fault(DMA_RID, base + ps, R, TCE_F_PERM, "PERM");
	expect_ok(DMA_RID, base + 3 * ps + 0x40, R | W, pa + 2 * ps + 0x40, ps);
	ck_assert_uint_eq(xl(DMA_RID, base + 2 * ps, R | W).xlat.perm, R | W);
	expect_fault(DMA_RID, base + 4 * ps, R, TCE_F_TCE_INVALID,
		     "TCE_INVALID");
	/* The other window of the PE is not there. */
	expect_fault(DMA_RID, (base ^ TCE_WIN1_BASE), R, TCE_F_NO_WINDOW,
		     "NO_WINDOW");
	/* A leaf block never touched: its level is not present. */
	far = base + (512ull << shift);
	if (levels > 1 && ((far & TCE_ADDR_OFFSET) >> shift) >> 9 !=
				  ((base & TCE_ADDR_OFFSET) >> shift) >> 9)
		expect_fault(DMA_RID, far, R, TCE_F_TABLE_NOT_PRESENT,
			     "TABLE_NOT_PRESENT");
	/* Unmap one cached page: it must fault at once (kill). */
	ck_assert_uint_eq(tce_table_unmap(t, base + 2 * ps, ps), ps);
	expect_fault(DMA_RID, base + 2 * ps, R, TCE_F_TCE_INVALID,
		     "TCE_INVALID");
	expect_ok(DMA_RID, base + 3 * ps, R, pa + 2 * ps, ps);
	ck_assert_uint_eq(tce_table_unmap(t, base, 8 * ps), 3 * ps);
	ck_assert_uint_eq(t->mapped, 0);
	for (unsigned int i = 0; i < 4; i++)
		expect_fault(DMA_RID, base + i * ps, R, TCE_F_TCE_INVALID,
			     "TCE_INVALID");
	ck_assert_uint_eq(stale_count(), 0);
	/* Freeing detaches: the window is gone. */
	tce_table_free(t);
	ck_assert_uint_eq(tvt(DMA_PE << 1 | win), 0);
	expect_fault(DMA_RID, base, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	drv_down();
}
END_TEST

/* Kills over more than the per-page threshold, and by xchg. */
START_TEST(test_kill_large)
{
	struct tce_table *t;
	uint64_t tce;

	drv_up("");
	ck_assert_int_eq(tce_drv_set_pe(drv, 1, 9), 0);
	ck_assert_int_eq(tce_drv_set_pe(drv, 2, 10), 0);
	ck_assert_int_eq(tce_drv_set_pe(drv, 3, 11), 0);
	t = mk(0, 1ull << 30, 12, 2);
	ck_assert_int_eq(tce_drv_attach(drv, 9, 0, t), 0);
	ck_assert_int_eq(tce_drv_attach(drv, 10, 0, t), 0);
	ck_assert_int_eq(tce_table_map(t, 0, 1ull << 33, 100 * 0x1000, R), 0);
	/* PE 11 gets its own table mapping the same addresses. */
	{
		struct tce_table *o = mk(0, 1ull << 20, 12, 1);

		ck_assert_int_eq(tce_drv_attach(drv, 11, 0, o), 0);
		ck_assert_int_eq(tce_table_map(o, 0, 1ull << 34, 0x10000, R),
				 0);
		expect_ok(3, 0x5000, R, (1ull << 34) + 0x5000, 0x1000);
	}
	for (unsigned int i = 0; i < 100; i += 7) {
		expect_ok(1, i * 0x1000ull, R, (1ull << 33) + i * 0x1000ull,
			  0x1000);
		expect_ok(2, i * 0x1000ull, R, (1ull << 33) + i * 0x1000ull,
			  0x1000);
	}
	ck_assert_uint_eq(tce_table_unmap(t, 0, 100 * 0x1000), 100 * 0x1000);
	for (unsigned int i = 0; i < 100; i += 7) {
		expect_fault(1, i * 0x1000ull, R, TCE_F_TCE_INVALID,
			     "TCE_INVALID");
		expect_fault(2, i * 0x1000ull, R, TCE_F_TCE_INVALID,
			     "TCE_INVALID");
	}
	/* Another PE's table is untouched. */
	expect_ok(3, 0x5000, R, (1ull << 34) + 0x5000, 0x1000);
	/* xchg replaces a cached TCE: the new one is seen at once. */
	ck_assert_int_eq(tce_table_map(t, 0x7000, 0x70000, 0x1000, R), 0);
	expect_ok(1, 0x7008, R, 0x70008, 0x1000);
	tce = 0x90000 | TCE_PCI_RW;
	ck_assert_int_eq(tce_table_xchg(t, 0x7000, &tce), 0);
	ck_assert_uint_eq(tce, 0x70000 | TCE_PCI_READ);
	expect_ok(1, 0x7008, W, 0x90008, 0x1000);
	expect_ok(2, 0x7008, W, 0x90008, 0x1000);
	ck_assert_uint_eq(t->mapped, 1);
	tce = 0;
	ck_assert_int_eq(tce_table_xchg(t, 0x7000, &tce), 0);
	ck_assert_uint_eq(tce, 0x90000 | TCE_PCI_RW);
	expect_fault(1, 0x7008, R, TCE_F_TCE_INVALID, "TCE_INVALID");
	ck_assert_uint_eq(t->mapped, 0);
	ck_assert_uint_eq(stale_count(), 0);
	/* The tables are left for tce_drv_destroy() to free. */
	drv_down();
}
END_TEST

/* Sharing, replacing, detaching, freeing while attached. */
START_TEST(test_attach)
{
	struct tce_table *a, *b;

	drv_up("phb=3");
	ck_assert_int_eq(tce_drv_set_pe(drv, 0x20, 1), 0);
	ck_assert_int_eq(tce_drv_set_pe(drv, 0x21, 2), 0);
	a = mk(TCE_WIN1_BASE, 1ull << 30, 16, 2);
	b = mk(TCE_WIN1_BASE, 1ull << 30, 16, 1);
	ck_assert_int_eq(tce_table_map(a, TCE_WIN1_BASE, 0xa0000, 0x10000, R),
			 0);
	ck_assert_int_eq(tce_table_map(b, TCE_WIN1_BASE, 0xb0000, 0x10000, R),
			 0);
	ck_assert_int_eq(tce_drv_attach(drv, 1, 1, a), 0);
	ck_assert_int_eq(tce_drv_attach(drv, 2, 1, a), 0);
	ck_assert_int_eq(tce_drv_attach(drv, 2, 1, a), 0); /* again: once */
	ck_assert_uint_eq(a->npes, 2);
	expect_ok(0x20, TCE_WIN1_BASE | 4, R, 0xa0004, 0x10000);
	expect_ok(0x21, TCE_WIN1_BASE | 4, R, 0xa0004, 0x10000);
	/* Replace PE 2's window: the cached TCE of @a must not be used. */
	ck_assert_int_eq(tce_drv_attach(drv, 2, 1, b), 0);
	ck_assert_uint_eq(a->npes, 1);
	ck_assert_uint_eq(b->npes, 1);
	expect_ok(0x21, TCE_WIN1_BASE | 4, R, 0xb0004, 0x10000);
	expect_ok(0x20, TCE_WIN1_BASE | 4, R, 0xa0004, 0x10000);
	/* Unmapping @a kills for PE 1 only; PE 2 uses @b now. */
	ck_assert_uint_eq(tce_table_unmap(a, TCE_WIN1_BASE, 0x10000), 0x10000);
	expect_fault(0x20, TCE_WIN1_BASE | 4, R, TCE_F_TCE_INVALID,
		     "TCE_INVALID");
	expect_ok(0x21, TCE_WIN1_BASE | 4, R, 0xb0004, 0x10000);
	tce_drv_detach(drv, 2, 1);
	ck_assert_uint_eq(b->npes, 0);
	ck_assert_uint_eq(tvt(5), 0);
	expect_fault(0x21, TCE_WIN1_BASE | 4, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	/* Freeing @a clears the TVE of PE 1 it still holds. */
	ck_assert_uint_ne(tvt(3), 0);
	tce_table_free(a);
	ck_assert_uint_eq(tvt(3), 0);
	ck_assert_int_eq(tce_drv_attach(drv, 1, 1, b), 0);
	expect_ok(0x20, TCE_WIN1_BASE | 4, R, 0xb0004, 0x10000);
	/* A detach of a TVE the driver never set still clears it. */
	ok_cmd("ioda write TVT 8 0x%llx",
	       (unsigned long long)tve(0x700000, 1, 1, 12));
	tce_drv_detach(drv, 4, 0);
	ck_assert_uint_eq(tvt(8), 0);
	drv_down();
}
END_TEST

/* ---- lazy levels -------------------------------------------------------- */

START_TEST(test_lazy)
{
	struct tce_table *t;
	uint64_t blk;

	drv_up("");
	/* 2^28 TCEs over 3 levels: 2^10 per level, 8 KiB blocks. */
	t = mk(0, 1ull << 40, 12, 3);
	blk = 8192;
	ck_assert_uint_eq(t->tbl_shift, 10);
	ck_assert_uint_eq(t->bytes, blk);
	ck_assert_uint_eq(table_frames(), 2);
	ck_assert_int_eq(tce_table_map(t, 0x12345000, 0x1000, 0x1000, R), 0);
	ck_assert_uint_eq(t->bytes, 3 * blk);
	ck_assert_uint_eq(table_frames(), 6);
	/* Same leaf block: nothing new. */
	ck_assert_int_eq(tce_table_map(t, 0x12346000, 0x1000, 0x1000, R), 0);
	ck_assert_uint_eq(t->bytes, 3 * blk);
	/* Next leaf block under the same middle entry block: one more. */
	ck_assert_int_eq(
		tce_table_map(t, 0x12345000 + (1 << 22), 0x1000, 0x1000, R), 0);
	ck_assert_uint_eq(t->bytes, 4 * blk);
	/* Another top entry: a middle and a leaf. */
	ck_assert_int_eq(tce_table_map(t, 0xff00000000, 0x1000, 0x1000, R), 0);
	ck_assert_uint_eq(t->bytes, 6 * blk);
	/* Unmap keeps levels; freeing gives all back. */
	ck_assert_uint_eq(tce_table_unmap(t, 0, 1ull << 40), 4 * 0x1000);
	ck_assert_uint_eq(t->bytes, 6 * blk);
	ck_assert_uint_eq(t->mapped, 0);
	ck_assert_uint_eq(table_frames(), 12);
	tce_table_free(t);
	ck_assert_uint_eq(table_frames(), 0);
	/* 5 levels over all of window 1: one page costs 5 blocks, and
	 * unmapping the 2^47 pages of the window skips the holes. */
	t = mk(TCE_WIN1_BASE, 1ull << 59, 12, 5);
	ck_assert_uint_eq(t->bytes, blk);
	ck_assert_int_eq(tce_table_map(t, TCE_WIN1_BASE + (3ull << 50), 0x3000,
				       0x2000, W),
			 0);
	ck_assert_uint_eq(t->bytes, 5 * blk);
	ck_assert_uint_eq(tce_table_unmap(t, TCE_WIN1_BASE, 1ull << 59),
			  0x2000);
	/* A clear under absent levels allocates nothing. */
	ck_assert_uint_eq(tce_table_unmap(t, TCE_WIN1_BASE, 1ull << 59), 0);
	ck_assert_uint_eq(t->bytes, 5 * blk);
	ck_assert_uint_eq(table_frames(), 10);
	tce_table_free(t);
	drv_down();
}
END_TEST

/* ---- property test ------------------------------------------------------ */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

struct prop {
	unsigned int seed, op;
	struct tce_table *t;
	uint64_t npages, ps;
	uint64_t *shadow; /* TCE per page of the window */
	uint32_t rids[2];
};

static unsigned int prot_of(uint64_t tce)
{
	return ((tce & TCE_PCI_READ) ? R : 0) | ((tce & TCE_PCI_WRITE) ? W : 0);
}

/* One address against the shadow: lookup and the unit (both PEs). */
static void prop_check_addr(struct prop *s, uint64_t iova)
{
	struct tce_table *t = s->t;
	bool in = iova >= t->bus_base && iova - t->bus_base < t->size;
	uint64_t pg = in ? (iova - t->bus_base) >> t->page_shift : 0;
	uint64_t tce = in ? s->shadow[pg] : 0, pa = 0;
	unsigned int prot = 0;
	int ret = tce_table_lookup(t, iova, &pa, &prot);

	for (unsigned int i = 0; i < 2; i++) {
		struct dma_result r;

		if (tce & TCE_PCI_RW) {
			uint64_t want = (tce & GENMASK_ULL(51, t->page_shift)) |
					(iova & (s->ps - 1));

			ck_assert_msg(
				!ret && pa == want && prot == prot_of(tce),
				"seed %u op %u: lookup 0x%" PRIx64
				" = %d 0x%" PRIx64 " %u, want 0x%" PRIx64 " %u",
				s->seed, s->op, iova, ret, pa, prot, want,
				prot_of(tce));
			r = xl(s->rids[i], iova, prot_of(tce));
			ck_assert_msg(r.ok && r.xlat.out_addr == want &&
					      r.xlat.page_size == s->ps &&
					      r.xlat.perm == prot_of(tce),
				      "seed %u op %u: DMA 0x%" PRIx64
				      " rid 0x%x: ok %d pa 0x%" PRIx64
				      " want 0x%" PRIx64,
				      s->seed, s->op, iova, s->rids[i], r.ok,
				      r.ok ? r.xlat.out_addr : 0, want);
		} else {
			ck_assert_msg(ret == -ENOENT,
				      "seed %u op %u: lookup 0x%" PRIx64
				      " = %d, want -ENOENT",
				      s->seed, s->op, iova, ret);
			r = xl(s->rids[i], iova, R);
			ck_assert_msg(!r.ok,
				      "seed %u op %u: DMA 0x%" PRIx64
				      " rid 0x%x translated to 0x%" PRIx64,
				      s->seed, s->op, iova, s->rids[i],
				      r.xlat.out_addr);
		}
	}
}

static void prop_check(struct prop *s, uint64_t first_pg, uint64_t last_pg)
{
	struct tce_table *t = s->t;
	uint64_t last = t->bus_base + (t->size - 1), n = 0;

	for (uint64_t i = 0; i < s->npages; i++)
		n += !!(s->shadow[i] & TCE_PCI_RW);
	ck_assert_msg(t->mapped == n,
		      "seed %u op %u: mapped %" PRIu64 ", shadow %" PRIu64,
		      s->seed, s->op, t->mapped, n);
	prop_check_addr(s, t->bus_base);
	prop_check_addr(s, t->bus_base + s->ps - 1);
	prop_check_addr(s, last);
	prop_check_addr(s, last - s->ps + 1);
	prop_check_addr(s, last + 1);
	if (t->bus_base & TCE_ADDR_OFFSET)
		prop_check_addr(s, t->bus_base - 1);
	for (int i = 0; i < 4; i++)
		prop_check_addr(s, t->bus_base + rnd_below(t->size));
	/* The pages the op named (they may have been cached before). */
	for (uint64_t pg = first_pg; pg <= last_pg && pg < s->npages;
	     pg += 1 + (last_pg - first_pg) / 4)
		prop_check_addr(s, t->bus_base + (pg << t->page_shift) +
					   rnd_below(s->ps));
}

/* A random page index around the window: sometimes just outside. */
static int64_t prop_page(struct prop *s)
{
	return (int64_t)rnd_below(s->npages + 4) - 2;
}

static uint64_t prop_pa(struct prop *s)
{
	return (rnd() & GENMASK_ULL(49, 0)) & ~(s->ps - 1);
}

static void prop_map(struct prop *s)
{
	int64_t pg = prop_page(s);
	uint64_t n = 1 + rnd_below(rnd() & 1 ? 4 : 80), pa = prop_pa(s);
	unsigned int prot = (unsigned int)rnd_below(4), bad = 0;
	uint64_t iova = s->t->bus_base + (uint64_t)pg * s->ps;
	int want = 0, ret;

	if (!(rnd() & 15))
		bad = 8; /* misaligned */
	if (!prot || bad || pg < 0 || (uint64_t)pg + n > s->npages) {
		want = -EINVAL;
	} else {
		for (uint64_t i = 0; i < n; i++) {
			if (s->shadow[pg + i] & TCE_PCI_RW) {
				want = -EEXIST;
				/* Invalid nonzero TCEs before it read 0. */
				for (uint64_t j = 0; j < i; j++)
					s->shadow[pg + j] = 0;
				break;
			}
		}
	}
	ret = tce_table_map(s->t, iova + bad, pa, n * s->ps, prot);
	ck_assert_msg(ret == want,
		      "seed %u op %u: map page %" PRId64 " +%" PRIu64
		      " prot %u = %d, want %d",
		      s->seed, s->op, pg, n, prot, ret, want);
	if (!want)
		for (uint64_t i = 0; i < n; i++)
			s->shadow[pg + i] = (pa + i * s->ps) |
					    ((prot & R) ? TCE_PCI_READ : 0) |
					    ((prot & W) ? TCE_PCI_WRITE : 0);
	prop_check(s, pg < 0 ? 0 : (uint64_t)pg, (uint64_t)(pg + (int64_t)n));
}

static void prop_unmap(struct prop *s)
{
	int64_t pg = prop_page(s) - (int64_t)rnd_below(3);
	uint64_t n = 1 + rnd_below(rnd() & 1 ? 8 : 160), want = 0, got;
	uint64_t iova = s->t->bus_base + (uint64_t)pg * s->ps;
	bool bad = !(rnd() & 15);

	/* Below bus address 0 there is nothing to name. */
	if (pg < 0 && iova > s->t->bus_base)
		return;
	if (!bad) {
		for (int64_t i = pg; i < pg + (int64_t)n; i++) {
			if (i < 0 || (uint64_t)i >= s->npages)
				continue;
			want += !!(s->shadow[i] & TCE_PCI_RW);
			s->shadow[i] = 0;
		}
	}
	got = tce_table_unmap(s->t, iova, n * s->ps + (bad ? 0x800 : 0));
	ck_assert_msg(got == want * s->ps,
		      "seed %u op %u: unmap page %" PRId64 " +%" PRIu64
		      " = 0x%" PRIx64 ", want 0x%" PRIx64,
		      s->seed, s->op, pg, n, got, want * s->ps);
	prop_check(s, pg < 0 ? 0 : (uint64_t)pg, (uint64_t)(pg + (int64_t)n));
}

static void prop_xchg(struct prop *s)
{
	int64_t pg = (int64_t)rnd_below(s->npages + 2) - 1;
	uint64_t iova = s->t->bus_base + (uint64_t)pg * s->ps, tce, v;
	unsigned int kind = (unsigned int)rnd_below(8);
	bool bad = pg < 0 || (uint64_t)pg >= s->npages;

	if (kind < 3)
		tce = 0;
	else if (kind < 7)
		tce = prop_pa(s) | (1 + rnd_below(3));
	else if (rnd() & 1)
		tce = prop_pa(s); /* nonzero, invalid */
	else
		tce = prop_pa(s) | (s->ps > 0x1000 ? 0x800 : 1ull << 52);
	bad |= (tce & ~(GENMASK_ULL(51, s->t->page_shift) | TCE_PCI_RW)) != 0;
	v = tce;
	ck_assert_int_eq(tce_table_xchg(s->t, iova, &v), bad ? -EINVAL : 0);
	if (!bad) {
		ck_assert_msg(v == s->shadow[pg],
			      "seed %u op %u: xchg page %" PRId64
			      " old 0x%" PRIx64 ", want 0x%" PRIx64,
			      s->seed, s->op, pg, v, s->shadow[pg]);
		s->shadow[pg] = tce;
	}
	prop_check(s, pg < 0 ? 0 : (uint64_t)pg, pg < 0 ? 0 : (uint64_t)pg);
}

#define PROP_GEOMETRIES 48
#define PROP_OPS 400

START_TEST(test_prop)
{
	struct prop s = { .seed = 0x5eed0000u + (unsigned int)_i };
	unsigned int gen, shift, levels, win;
	uint64_t base, size;
	int ret;

	rng = s.seed;
	gen = 3 + (unsigned int)rnd_below(2);
	drv_up(gen == 3 ? "phb=3" : "phb=4");
	/* A geometry the driver accepts: retry until one fits. */
	do {
		unsigned int b;

		shift = shifts[gen - 3][rnd_below(4)];
		levels = 1 + (unsigned int)rnd_below(5);
		win = (unsigned int)rnd_below(2);
		s.npages = 1 + rnd_below(rnd() & 1 ? 40 : 1500);
		b = (unsigned int)rnd_below(59 - shift - 11);
		base = (rnd() & (BIT_ULL(b) - 1)) << shift;
		base |= win ? TCE_WIN1_BASE : 0;
		size = s.npages << shift;
		ret = tce_table_create(drv, base, size, shift, levels, &s.t);
		ck_assert_msg(!ret || ret == -EINVAL, "seed %u: create %d",
			      s.seed, ret);
	} while (ret);
	s.ps = 1ull << shift;
	s.shadow = calloc(s.npages, sizeof(*s.shadow));
	ck_assert_ptr_nonnull(s.shadow);
	s.rids[0] = (uint32_t)rnd_below(0x10000);
	s.rids[1] = s.rids[0] ^ 0x8001;
	ck_assert_int_eq(tce_drv_set_pe(drv, (uint16_t)s.rids[0], 17), 0);
	ck_assert_int_eq(tce_drv_set_pe(drv, (uint16_t)s.rids[1], 200), 0);
	ck_assert_int_eq(tce_drv_attach(drv, 17, win, s.t), 0);
	ck_assert_int_eq(tce_drv_attach(drv, 200, win, s.t), 0);
	for (s.op = 0; s.op < PROP_OPS; s.op++) {
		unsigned int k = (unsigned int)rnd_below(10);

		if (k < 4)
			prop_map(&s);
		else if (k < 7)
			prop_unmap(&s);
		else
			prop_xchg(&s);
	}
	/* Every page at the end. */
	for (uint64_t pg = 0; pg < s.npages; pg++)
		prop_check_addr(&s, s.t->bus_base + (pg << shift));
	ck_assert_msg(stale_count() == 0, "seed %u: stale TCE cache entries",
		      s.seed);
	tce_table_free(s.t);
	ck_assert_uint_eq(tvt(17 << 1 | win), 0);
	ck_assert_uint_eq(tvt(200 << 1 | win), 0);
	free(s.shadow);
	drv_down();
}
END_TEST

static Suite *driver_suite(void)
{
	Suite *s = suite_create("ppc_tce_driver");
	TCase *tc = tcase_create("driver");

	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_drv_basics);
	tcase_add_test(tc, test_create_errors);
	tcase_add_test(tc, test_map_errors);
	tcase_add_test(tc, test_enomem);
	tcase_add_loop_test(tc, test_dma, 0, 80);
	tcase_add_test(tc, test_kill_large);
	tcase_add_test(tc, test_attach);
	tcase_add_test(tc, test_lazy);
	tcase_add_loop_test(tc, test_prop, 0, PROP_GEOMETRIES);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(driver_suite());
}

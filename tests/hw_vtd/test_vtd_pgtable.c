// SPDX-License-Identifier: MIT
/*
 * test_vtd_pgtable.c - the range engine with the VT-d second-stage and
 * first-stage formats: one body per behaviour, run over a table of
 * configurations, plus raw-entry golden checks and a random map/unmap
 * sequence against an independent shadow map.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/vtd/pgtable.h"
#include "hw/vtd/structs.h"
#include "model/bits.h"
#include "model/dma.h"

#define SZ_4K 0x1000ULL
#define SZ_2M 0x200000ULL
#define SZ_1G 0x40000000ULL
#define RW (DMA_ACC_READ | DMA_ACC_WRITE)

static const struct fmt_case {
	const char *what;
	const struct pt_ops *ops;
	struct pt_cfg cfg;
} cases[] = {
	{ "ss 3-level", &vtd_ss_pt_ops, { 3, 0x7, 39, 48, 0 } },
	{ "ss 4-level", &vtd_ss_pt_ops, { 4, 0x7, 48, 48, 0 } },
	{ "ss 5-level", &vtd_ss_pt_ops, { 5, 0x7, 57, 52, 0 } },
	{ "ss 4-level 4K only", &vtd_ss_pt_ops, { 4, 0x1, 48, 48, 0 } },
	{ "ss 4-level no 1G", &vtd_ss_pt_ops, { 4, 0x3, 48, 46, 0 } },
	{ "fs 4-level", &vtd_fs_pt_ops, { 4, 0x7, 47, 48, 0 } },
	{ "fs 5-level no 1G", &vtd_fs_pt_ops, { 5, 0x3, 56, 52, 0 } },
};

static struct pm_space *pm;
static struct pt_domain d;
static const struct fmt_case *fc;

static void setup_case(int i)
{
	fc = &cases[i];
	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &pm), 0);
	ck_assert_int_eq(fc->ops->init(&d, pm, &fc->cfg), 0);
}

static void teardown(void)
{
	struct pm_stats st;

	if (!pm)
		return;
	fc->ops->destroy(&d);
	pm_get_stats(pm, &st);
	/* every table frame came back: no leak */
	ck_assert_uint_eq(st.table_frames, 0);
	pm_destroy(pm);
	pm = NULL;
}

/* The largest page size the configuration can use at an alignment. */
static uint64_t best_size(uint64_t align)
{
	for (int level = 2; level >= 0; level--) {
		uint64_t size = pt_span_bytes((unsigned int)level);

		if ((fc->cfg.leaf_levels & (1u << level)) && !(align % size))
			return size;
	}
	return SZ_4K;
}

/*
 * Tables are freed only when an unmap covers their whole span (as Linux's
 * page-table code does): unmapping the whole input space must leave just
 * the root, and report @want bytes unmapped.
 */
static void unmap_all(uint64_t want)
{
	ck_assert_uint_eq(fc->ops->unmap(&d, 0, 1ULL << fc->cfg.va_bits), want);
	ck_assert_uint_eq(d.tables, 1);
}

static void expect_phys(uint64_t iova, uint64_t pa, uint64_t size)
{
	uint64_t got, got_size;

	ck_assert_msg(!fc->ops->iova_to_phys(&d, iova, &got, &got_size),
		      "%s: 0x%llx not mapped", fc->what,
		      (unsigned long long)iova);
	ck_assert_uint_eq(got, pa);
	ck_assert_uint_eq(got_size, size);
}

static void expect_unmapped(uint64_t iova)
{
	uint64_t got, got_size;

	ck_assert_int_eq(fc->ops->iova_to_phys(&d, iova, &got, &got_size),
			 -ENOENT);
}

START_TEST(test_map_4k)
{
	setup_case(_i);
	ck_assert_uint_eq(d.tables, 1);
	ck_assert_int_eq(fc->ops->map(&d, 0x7000, 0x123456000, SZ_4K, RW), 0);
	expect_phys(0x7000, 0x123456000, SZ_4K);
	expect_phys(0x7abc, 0x123456abc, SZ_4K);
	expect_unmapped(0x6000);
	expect_unmapped(0x8000);
	/* one table per level */
	ck_assert_uint_eq(d.tables, fc->cfg.levels);
	ck_assert_uint_eq(fc->ops->unmap(&d, 0x7000, SZ_4K), SZ_4K);
	expect_unmapped(0x7000);
	/* the leaf table's span was not covered: it stays, empty */
	ck_assert_uint_eq(d.tables, fc->cfg.levels);
	ck_assert_int_eq(fc->ops->map(&d, 0x9000, 0x9000, SZ_4K, RW), 0);
	unmap_all(SZ_4K);
	teardown();
}
END_TEST

START_TEST(test_largest_page)
{
	uint64_t iova = 3 * SZ_1G, pa = 5 * SZ_1G;
	uint64_t len = SZ_1G + SZ_2M + SZ_4K;

	setup_case(_i);
	ck_assert_int_eq(fc->ops->map(&d, iova, pa, len, RW), 0);
	expect_phys(iova, pa, best_size(SZ_1G));
	expect_phys(iova + SZ_1G - 8, pa + SZ_1G - 8, best_size(SZ_1G));
	expect_phys(iova + SZ_1G, pa + SZ_1G, best_size(SZ_2M));
	expect_phys(iova + SZ_1G + SZ_2M, pa + SZ_1G + SZ_2M, SZ_4K);
	expect_unmapped(iova + len);
	ck_assert_uint_eq(fc->ops->unmap(&d, iova, len), len);
	unmap_all(0);
	/* misaligned output: 4 KiB pages only */
	ck_assert_int_eq(fc->ops->map(&d, SZ_2M, SZ_2M + SZ_4K, SZ_2M, RW), 0);
	expect_phys(SZ_2M, SZ_2M + SZ_4K, SZ_4K);
	teardown();
}
END_TEST

START_TEST(test_overlap_leaves_nothing)
{
	setup_case(_i);
	ck_assert_int_eq(fc->ops->map(&d, 0x12000, 0x80000, SZ_4K, RW), 0);
	ck_assert_int_eq(fc->ops->map(&d, 0x10000, 0x90000, 4 * SZ_4K, RW),
			 -EADDRINUSE);
	/* the pages before the collision were taken back */
	expect_unmapped(0x10000);
	expect_unmapped(0x11000);
	expect_phys(0x12000, 0x80000, SZ_4K);
	expect_unmapped(0x13000);
	/* a large page collides with any page inside it */
	if (fc->cfg.leaf_levels & 2) {
		ck_assert_int_eq(fc->ops->map(&d, SZ_2M, SZ_2M, SZ_2M, RW), 0);
		ck_assert_int_eq(fc->ops->map(&d, SZ_2M + SZ_4K, 0, SZ_4K, RW),
				 -EADDRINUSE);
	}
	teardown();
}
END_TEST

START_TEST(test_unmap_splits_large_page)
{
	uint64_t base = 4 * SZ_2M;

	setup_case(_i);
	ck_assert_int_eq(fc->ops->map(&d, base, 0x40000000, SZ_2M, RW), 0);
	expect_phys(base + SZ_4K, 0x40001000, best_size(SZ_2M));
	ck_assert_uint_eq(fc->ops->unmap(&d, base + 5 * SZ_4K, SZ_4K), SZ_4K);
	expect_unmapped(base + 5 * SZ_4K);
	expect_phys(base + 4 * SZ_4K, 0x40004000, SZ_4K);
	expect_phys(base + 6 * SZ_4K, 0x40006000, SZ_4K);
	expect_phys(base, 0x40000000, SZ_4K);
	/* unmapping the rest counts only what was still mapped */
	ck_assert_uint_eq(fc->ops->unmap(&d, base, SZ_2M), SZ_2M - SZ_4K);
	unmap_all(0);
	/* a hole unmaps nothing */
	ck_assert_uint_eq(fc->ops->unmap(&d, base, SZ_2M), 0);
	teardown();
}
END_TEST

START_TEST(test_bad_arguments)
{
	uint64_t top;

	setup_case(_i);
	top = 1ULL << fc->cfg.va_bits;
	ck_assert_int_eq(fc->ops->map(&d, 0x1001, 0, SZ_4K, RW), -EINVAL);
	ck_assert_int_eq(fc->ops->map(&d, 0x1000, 0x10, SZ_4K, RW), -EINVAL);
	ck_assert_int_eq(fc->ops->map(&d, 0x1000, 0, 100, RW), -EINVAL);
	ck_assert_int_eq(fc->ops->map(&d, 0x1000, 0, 0, RW), -EINVAL);
	ck_assert_int_eq(fc->ops->map(&d, 0x1000, 0, SZ_4K, 0), -EINVAL);
	ck_assert_int_eq(fc->ops->map(&d, 0x1000, 0, SZ_4K, DMA_ACC_EXEC),
			 -EINVAL);
	ck_assert_int_eq(fc->ops->map(&d, top - SZ_4K, 0, 2 * SZ_4K, RW),
			 -ERANGE);
	ck_assert_int_eq(fc->ops->map(&d, ~0xfffULL, 0, SZ_4K, RW), -ERANGE);
	ck_assert_int_eq(fc->ops->map(&d, 0, 1ULL << fc->cfg.oa_bits, SZ_4K,
				      RW),
			 -ERANGE);
	/* the very top page is fine */
	ck_assert_int_eq(fc->ops->map(&d, top - SZ_4K, 0, SZ_4K, RW), 0);
	expect_phys(top - 1, 0xfff, SZ_4K);
	ck_assert_uint_eq(fc->ops->unmap(&d, top - SZ_4K, 2 * SZ_4K), 0);
	ck_assert_uint_eq(fc->ops->unmap(&d, top - SZ_4K, SZ_4K), SZ_4K);
	expect_unmapped(top); /* beyond the table: not mapped, no crash */
	teardown();
}
END_TEST

START_TEST(test_bad_config)
{
	struct pm_space *p;
	struct pt_domain x;
	struct pt_cfg c = { 4, 0x7, 48, 48, 0 };

	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &p), 0);
	c.levels = 2;
	ck_assert_int_eq(vtd_ss_pt_ops.init(&x, p, &c), -EINVAL);
	c.levels = 4;
	c.leaf_levels = 0x6; /* no 4 KiB leaves */
	ck_assert_int_eq(vtd_ss_pt_ops.init(&x, p, &c), -EINVAL);
	c.leaf_levels = 0xf; /* 512 GiB leaves */
	ck_assert_int_eq(vtd_ss_pt_ops.init(&x, p, &c), -EINVAL);
	c.leaf_levels = 0x7;
	c.va_bits = 49;
	ck_assert_int_eq(vtd_ss_pt_ops.init(&x, p, &c), -EINVAL);
	c.va_bits = 48; /* fs: only the lower canonical half */
	ck_assert_int_eq(vtd_fs_pt_ops.init(&x, p, &c), -EINVAL);
	c.levels = 3;
	c.va_bits = 39;
	ck_assert_int_eq(vtd_fs_pt_ops.init(&x, p, &c), -EINVAL);
	pm_destroy(p);
}
END_TEST

/* Raw entries as the specification lays them out. */
static uint64_t raw(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(pm_ld64_le(pm, pa, &v), 0);
	return v;
}

START_TEST(test_ss_golden_entries)
{
	uint64_t e4, e3, e2, e1;

	setup_case(1); /* ss 4-level */
	/* iova 0x8040201000: PML4 index 1, PDPE 1, PDE 1, PTE 1 */
	ck_assert_int_eq(vtd_ss_pt_ops.map(&d, 0x8040201000, 0xabcdef000, SZ_4K,
					   DMA_ACC_READ),
			 0);
	e4 = raw(d.root + 8);
	ck_assert_uint_eq(e4 & 0xfff, 0x3); /* R|W, no PS */
	e3 = raw((e4 & VTD_SS_ADDR) + 8);
	ck_assert_uint_eq(e3 & 0xfff, 0x3);
	e2 = raw((e3 & VTD_SS_ADDR) + 8);
	e1 = raw((e2 & VTD_SS_ADDR) + 8);
	ck_assert_uint_eq(e1, 0xabcdef001); /* R only, addr, no PS */
	/* a 2 MiB leaf at PDE index 2: PS (bit 7) | R | W */
	ck_assert_int_eq(
		vtd_ss_pt_ops.map(&d, 0x8040400000, 0x200000000, SZ_2M, RW), 0);
	ck_assert_uint_eq(raw((e3 & VTD_SS_ADDR) + 16), 0x200000083);
	teardown();
}
END_TEST

START_TEST(test_fs_golden_entries)
{
	uint64_t e, pdpt, pd, pt;

	setup_case(5); /* fs 4-level */
	ck_assert_int_eq(vtd_fs_pt_ops.map(&d, 0x1000, 0x5000, SZ_4K, RW), 0);
	e = raw(d.root);
	/* table: P|RW|US|A */
	ck_assert_uint_eq(e & 0xfff, 0x27);
	pdpt = e & VTD_FS_ADDR;
	pd = raw(pdpt) & VTD_FS_ADDR;
	pt = raw(pd) & VTD_FS_ADDR;
	e = raw(pt + 8);
	/* leaf: XD | addr | D | A | US | RW | P */
	ck_assert_uint_eq(e, 0x8000000000005067ULL);
	ck_assert_int_eq(vtd_fs_pt_ops.map(&d, 0x40000000, 0x40000000, SZ_1G,
					   DMA_ACC_READ | DMA_ACC_EXEC),
			 0);
	/* 1 GiB leaf in the PDPT: PS | A | US | P, no XD, no RW */
	e = raw((raw(d.root) & VTD_FS_ADDR) + 8);
	ck_assert_uint_eq(e, 0x400000a5);
	teardown();
}
END_TEST

/*
 * Random map/unmap in a 64 MiB window against a shadow array of one
 * output address per 4 KiB page; every page is checked after every step.
 */
#define WIN_PAGES 16384u
#define NONE UINT64_MAX

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, so a failure reproduces */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

/* Check's assertions write to a pipe on every pass: test the hot loop
 * with plain ifs and assert only on a failure. */
static void check_window(const uint64_t *shadow, uint64_t base)
{
	for (uint64_t p = 0; p < WIN_PAGES; p++) {
		uint64_t got, size;
		int ret = fc->ops->iova_to_phys(&d, base + p * SZ_4K, &got,
						&size);

		if (shadow[p] == NONE && ret != -ENOENT)
			ck_abort_msg("%s: page %llu mapped", fc->what,
				     (unsigned long long)p);
		if (shadow[p] != NONE && (ret || got != shadow[p]))
			ck_abort_msg("%s: page %llu: want 0x%llx got 0x%llx",
				     fc->what, (unsigned long long)p,
				     (unsigned long long)shadow[p],
				     (unsigned long long)got);
	}
}

static void random_step(uint64_t *shadow, uint64_t base)
{
	bool big = rnd() % 4 == 0;
	uint64_t npages = big ? 512 * (1 + rnd() % 3) : 1 + rnd() % 64;
	uint64_t first = rnd() % (WIN_PAGES - npages);
	uint64_t mapped = 0;

	if (big)
		first &= ~511ULL;
	for (uint64_t p = first; p < first + npages; p++)
		mapped += shadow[p] != NONE;
	if (rnd() % 3) {
		uint64_t pa =
			(big ? (rnd() % 64) << 21 : (rnd() % 4096) << 12) +
			(1ULL << 32);
		int ret = fc->ops->map(&d, base + first * SZ_4K, pa,
				       npages * SZ_4K, RW);

		ck_assert_int_eq(ret, mapped ? -EADDRINUSE : 0);
		for (uint64_t p = 0; !mapped && p < npages; p++)
			shadow[first + p] = pa + p * SZ_4K;
	} else {
		uint64_t n = fc->ops->unmap(&d, base + first * SZ_4K,
					    npages * SZ_4K);

		ck_assert_uint_eq(n, mapped * SZ_4K);
		for (uint64_t p = first; p < first + npages; p++)
			shadow[p] = NONE;
	}
}

START_TEST(test_random_against_shadow)
{
	uint64_t *shadow = malloc(WIN_PAGES * sizeof(*shadow));
	/* a 64 MiB window ending at a 1 GiB boundary */
	uint64_t base = SZ_1G - 32 * SZ_2M, left = 0;

	setup_case(_i);
	for (uint64_t p = 0; p < WIN_PAGES; p++)
		shadow[p] = NONE;
	for (int step = 0; step < 1000; step++) {
		random_step(shadow, base);
		if (step % 10 == 0)
			check_window(shadow, base);
	}
	check_window(shadow, base);
	for (uint64_t p = 0; p < WIN_PAGES; p++)
		left += shadow[p] != NONE;
	ck_assert_uint_gt(left, 0);
	ck_assert_uint_eq(fc->ops->unmap(&d, base, WIN_PAGES * SZ_4K),
			  left * SZ_4K);
	unmap_all(0);
	free(shadow);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vtd_pgtable");
	TCase *tc = tcase_create("formats");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_map_4k, 0, ARRAY_SIZE(cases));
	tcase_add_loop_test(tc, test_largest_page, 0, ARRAY_SIZE(cases));
	tcase_add_loop_test(tc, test_overlap_leaves_nothing, 0,
			    ARRAY_SIZE(cases));
	tcase_add_loop_test(tc, test_unmap_splits_large_page, 0,
			    ARRAY_SIZE(cases));
	tcase_add_loop_test(tc, test_bad_arguments, 0, ARRAY_SIZE(cases));
	tcase_add_test(tc, test_bad_config);
	tcase_add_test(tc, test_ss_golden_entries);
	tcase_add_test(tc, test_fs_golden_entries);
	tcase_add_loop_test(tc, test_random_against_shadow, 0,
			    ARRAY_SIZE(cases));
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

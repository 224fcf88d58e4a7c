// SPDX-License-Identifier: MIT
/*
 * test_smmuv3_pgtable.c - the range engine with the VMSAv8-64 stage 1 and
 * stage 2 formats at 4, 16 and 64 KiB granules: one body per behaviour,
 * run over a table of configurations (the six formats at 48 bits, plus a
 * 3-level stage 1 and a concatenated 4K stage 2); raw descriptors checked
 * against numbers written out by hand from smmuv3.md 4.2; random
 * map/unmap against an independent shadow map; the builder against the
 * hardware walker (walk.c); and physmem's contiguous blocks.
 *
 * Sizes are in granules (G) and in the spans of engine levels 1 and 2
 * (B1, B2: 2 MiB and 1 GiB with 4K, 32 MiB and 64 GiB with 16K, 512 MiB
 * and 4 TiB with 64K). Engine level e is VMSA level 3 - e.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/smmuv3/pgtable.h"
#include "hw/smmuv3/smmuv3.h"
#include "model/bits.h"
#include "model/dma.h"
#include "model/trace.h"

#define RW (DMA_ACC_READ | DMA_ACC_WRITE)
#define NONE UINT64_MAX

static const struct fmt_case {
	const char *what;
	bool s2;
	unsigned int g; /* log2 of the granule */
	unsigned int ias;
	unsigned int levels; /* what Linux picks */
	unsigned int concat; /* top tables (1: not concatenated) */
} cases[] = {
	{ "s1 4k", false, 12, 48, 4, 1 },
	{ "s1 16k", false, 14, 48, 4, 1 },
	{ "s1 64k", false, 16, 48, 3, 1 },
	{ "s2 4k", true, 12, 48, 4, 1 },
	{ "s2 16k", true, 14, 48, 3, 2 },
	{ "s2 64k", true, 16, 48, 3, 1 },
	{ "s1 4k 39-bit", false, 12, 39, 3, 1 },
	{ "s2 4k 40-bit", true, 12, 40, 3, 2 },
};

static struct pm_space *pm;
static struct pt_domain d;
static const struct fmt_case *fc;
static const struct pt_ops *ops;
static struct pt_cfg cfg;
static uint64_t G, B1, B2; /* granule, engine level 1 and 2 spans */

static unsigned int shift(unsigned int level)
{
	return fc->g + (fc->g - 3) * level;
}

static uint64_t span(unsigned int level)
{
	return 1ULL << shift(level);
}

static void setup_flags(int i, uint32_t flags)
{
	fc = &cases[i];
	ops = smmu_pt_ops(fc->s2, fc->g);
	ck_assert_ptr_nonnull(ops);
	ck_assert_int_eq(
		smmu_pt_geometry(fc->s2, fc->g, fc->ias, 48, flags, &cfg), 0);
	ck_assert_uint_eq(cfg.levels, fc->levels);
	G = span(0);
	B1 = span(1);
	B2 = span(2);
	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &pm), 0);
	ck_assert_int_eq(ops->init(&d, pm, &cfg), 0);
}

static void setup_case(int i)
{
	setup_flags(i, SMMU_PT_HD);
}

static void teardown(void)
{
	struct pm_stats st;

	ops->destroy(&d);
	pm_get_stats(pm, &st);
	/* every table came back and nothing else was ever written */
	ck_assert_uint_eq(st.table_frames, 0);
	ck_assert_uint_eq(st.ram_frames, 0);
	pm_destroy(pm);
	pm = NULL;
}

static uint64_t largest_block(void)
{
	return cfg.leaf_levels & 4 ? B2 : B1;
}

/* Unmapping everything leaves only the root and reports @want bytes. */
static void unmap_all(uint64_t want)
{
	ck_assert_uint_eq(ops->unmap(&d, 0, 1ULL << fc->ias), want);
	ck_assert_uint_eq(d.tables, 1);
}

static void expect_phys(uint64_t iova, uint64_t pa, uint64_t size)
{
	uint64_t got, got_size;

	ck_assert_msg(!ops->iova_to_phys(&d, iova, &got, &got_size),
		      "%s: 0x%llx not mapped", fc->what,
		      (unsigned long long)iova);
	ck_assert_uint_eq(got, pa);
	ck_assert_uint_eq(got_size, size);
}

static void expect_unmapped(uint64_t iova)
{
	uint64_t got, got_size;

	ck_assert_int_eq(ops->iova_to_phys(&d, iova, &got, &got_size), -ENOENT);
}

static uint64_t raw(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(pm_ld64_le(pm, pa, &v), 0);
	return v;
}

/*
 * Where the descriptor mapping @iova lives, found by reading memory with
 * this test's own decoding (type bits, address [47:g]); *level is the
 * engine level of the leaf.
 */
static uint64_t leaf_addr(uint64_t iova, unsigned int *level)
{
	uint64_t table = d.root;

	for (unsigned int l = cfg.levels; l-- > 0;) {
		uint64_t idx = iova >> shift(l), e; /* iova < 2^ias */

		if (l < cfg.levels - 1)
			idx &= BIT_ULL(fc->g - 3) - 1;
		e = raw(table + idx * 8);
		ck_assert_uint_eq(e & 1, 1);
		if (!l || (e & 3) == 1) {
			*level = l;
			return table + idx * 8;
		}
		table = e & GENMASK_ULL(47, fc->g);
	}
	ck_abort_msg("no leaf");
	return 0;
}

START_TEST(test_map_page)
{
	uint64_t pa = 0x123456 * (1ULL << 16);

	setup_case(_i);
	ck_assert_uint_eq(d.tables, 1);
	ck_assert_int_eq(ops->map(&d, 7 * G, pa, G, RW), 0);
	expect_phys(7 * G, pa, G);
	expect_phys(7 * G + G - 8, pa + G - 8, G);
	expect_unmapped(6 * G);
	expect_unmapped(8 * G);
	ck_assert_uint_eq(d.tables, cfg.levels); /* one table per level */
	ck_assert_uint_eq(ops->unmap(&d, 7 * G, G), G);
	expect_unmapped(7 * G);
	ck_assert_uint_eq(d.tables, cfg.levels); /* the leaf table stays */
	ck_assert_int_eq(ops->map(&d, 9 * G, 9 * G, G, RW), 0);
	unmap_all(G);
	teardown();
}
END_TEST

START_TEST(test_largest_block)
{
	uint64_t top, iova, pa, len;

	setup_case(_i);
	top = largest_block();
	iova = 3 * top;
	pa = 5 * top;
	len = top + B1 + G;
	ck_assert_int_eq(ops->map(&d, iova, pa, len, RW), 0);
	expect_phys(iova, pa, top);
	expect_phys(iova + top - 8, pa + top - 8, top);
	expect_phys(iova + top, pa + top, B1);
	expect_phys(iova + top + B1, pa + top + B1, G);
	expect_unmapped(iova + len);
	expect_unmapped(iova - G);
	ck_assert_uint_eq(ops->unmap(&d, iova, len), len);
	unmap_all(0);
	/* output misaligned for a block: pages only */
	ck_assert_int_eq(ops->map(&d, B1, B1 + G, B1, RW), 0);
	expect_phys(B1, B1 + G, G);
	expect_phys(2 * B1 - G, 2 * B1, G);
	unmap_all(B1);
	teardown();
}
END_TEST

START_TEST(test_overlap_leaves_nothing)
{
	setup_case(_i);
	ck_assert_int_eq(ops->map(&d, 18 * G, 0x80 * G, G, RW), 0);
	ck_assert_int_eq(ops->map(&d, 16 * G, 0x90 * G, 4 * G, RW),
			 -EADDRINUSE);
	/* what the failed call had mapped before the collision is gone */
	expect_unmapped(16 * G);
	expect_unmapped(17 * G);
	expect_phys(18 * G, 0x80 * G, G);
	expect_unmapped(19 * G);
	/* a block collides with any page inside it, and the reverse */
	ck_assert_int_eq(ops->map(&d, B1, B1, B1, RW), 0);
	ck_assert_int_eq(ops->map(&d, B1 + G, 0, G, RW), -EADDRINUSE);
	ck_assert_int_eq(ops->map(&d, 2 * B1 + G, 0, G, RW), 0);
	ck_assert_int_eq(ops->map(&d, 2 * B1, 2 * B1, B1, RW), -EADDRINUSE);
	expect_unmapped(2 * B1);
	expect_phys(B1 + G, B1 + G, B1);
	teardown();
}
END_TEST

START_TEST(test_unmap_splits_block)
{
	uint64_t base, pa = 1ULL << 30;

	setup_case(_i);
	base = 4 * B1;
	ck_assert_int_eq(ops->map(&d, base, pa, B1, RW), 0);
	expect_phys(base + G, pa + G, B1);
	ck_assert_uint_eq(ops->unmap(&d, base + 5 * G, G), G);
	expect_unmapped(base + 5 * G);
	expect_phys(base, pa, G);
	expect_phys(base + 4 * G, pa + 4 * G, G);
	expect_phys(base + 6 * G, pa + 6 * G, G);
	expect_phys(base + B1 - 1, pa + B1 - 1, G);
	/* unmapping the rest counts only what was still mapped */
	ck_assert_uint_eq(ops->unmap(&d, base, B1), B1 - G);
	unmap_all(0);
	ck_assert_uint_eq(ops->unmap(&d, base, B1), 0); /* a hole */
	teardown();
}
END_TEST

/* 4K: a 1 GiB block split by a page unmap keeps 2 MiB blocks around it. */
START_TEST(test_split_two_levels)
{
	uint64_t base, pa;

	setup_case(_i);
	base = 2 * B2;
	pa = 8 * B2;
	if (!(cfg.leaf_levels & 4)) {
		teardown();
		return;
	}
	ck_assert_int_eq(ops->map(&d, base, pa, B2, RW), 0);
	ck_assert_uint_eq(ops->unmap(&d, base + 3 * B1 + G, G), G);
	expect_phys(base, pa, B1);
	expect_phys(base + 4 * B1, pa + 4 * B1, B1);
	expect_phys(base + 3 * B1, pa + 3 * B1, G);
	expect_phys(base + 3 * B1 + 2 * G, pa + 3 * B1 + 2 * G, G);
	expect_unmapped(base + 3 * B1 + G);
	ck_assert_uint_eq(ops->unmap(&d, base, B2), B2 - G);
	unmap_all(0);
	teardown();
}
END_TEST

START_TEST(test_bad_arguments)
{
	uint64_t top, half = 0x800; /* misaligned for every granule */

	setup_case(_i);
	top = 1ULL << fc->ias;
	ck_assert_int_eq(ops->map(&d, G + half, 0, G, RW), -EINVAL);
	ck_assert_int_eq(ops->map(&d, G, half, G, RW), -EINVAL);
	ck_assert_int_eq(ops->map(&d, G, 0, G + half, RW), -EINVAL);
	ck_assert_int_eq(ops->map(&d, G, 0, 0, RW), -EINVAL);
	ck_assert_int_eq(ops->map(&d, G, 0, G, 0), -EINVAL);
	ck_assert_int_eq(ops->map(&d, G, 0, G, DMA_ACC_EXEC), -EINVAL);
	if (fc->g > 12) /* 4 KiB aligned is not granule aligned */
		ck_assert_int_eq(ops->map(&d, 0x1000, 0, G, RW), -EINVAL);
	ck_assert_int_eq(ops->map(&d, top - G, 0, 2 * G, RW), -ERANGE);
	ck_assert_int_eq(ops->map(&d, top, 0, G, RW), -ERANGE);
	ck_assert_int_eq(ops->map(&d, ~(G - 1), 0, G, RW), -ERANGE);
	ck_assert_int_eq(ops->map(&d, 0, 1ULL << 48, G, RW), -ERANGE);
	ck_assert_int_eq(ops->map(&d, 0, (1ULL << 48) - G, 2 * G, RW), -ERANGE);
	/* the very top page is fine */
	ck_assert_int_eq(ops->map(&d, top - G, (1ULL << 48) - G, G, RW), 0);
	expect_phys(top - 1, (1ULL << 48) - 1, G);
	ck_assert_uint_eq(ops->unmap(&d, top - G, 2 * G), 0);
	ck_assert_uint_eq(ops->unmap(&d, top - G, G), G);
	expect_unmapped(top);
	teardown();
}
END_TEST

/*
 * Raw descriptors, numbers written out by hand (smmuv3.md 4.2):
 * stage 1: type [1:0], AttrIndx=1 (0x4), AP[1] 0x40, AP[2] 0x80, SH=IS
 * 0x300, AF 0x400, nG 0x800, DBM bit 51, PXN|UXN bits 54:53;
 * stage 2: type, MemAttr=0xf (0x3c), S2AP R 0x40 W 0x80, SH 0x300, AF
 * 0x400, DBM bit 51, XN bit 54.
 */
static uint64_t want_leaf(bool rw, unsigned int level)
{
	uint64_t type = level ? 0x1 : 0x3;

	if (!fc->s2)
		return type | (rw ? 0x0068000000000f44ULL : 0xf84ULL);
	return type | (rw ? 0x00480000000007fcULL : 0x77cULL);
}

/* A table descriptor: 0b11 and the next table's address, nothing else. */
static uint64_t table_desc(uint64_t at)
{
	uint64_t e = raw(at), next = e & GENMASK_ULL(47, fc->g);

	ck_assert_uint_eq(e & ~GENMASK_ULL(47, fc->g), 0x3);
	ck_assert_ptr_nonnull(pm_frame_host(pm, next)); /* one of ours */
	return next;
}

/* The level-1 table mapping @iova, checking every descriptor above it. */
static uint64_t level1_table(uint64_t iova)
{
	uint64_t table = d.root;

	for (unsigned int l = cfg.levels - 1; l > 1; l--) {
		uint64_t idx = iova >> shift(l);

		if (l < cfg.levels - 1)
			idx &= BIT_ULL(fc->g - 3) - 1;
		table = table_desc(table + idx * 8);
	}
	return table;
}

START_TEST(test_golden_descriptors)
{
	uint64_t iova = 0, pa, blk, pa_blk, l1;

	setup_case(_i);
	pa = 0x2345 * G;
	pa_blk = 3 * B1;
	/* index 1 at every level */
	for (unsigned int l = 0; l < cfg.levels; l++)
		iova += span(l);
	ck_assert_int_eq(ops->map(&d, iova, pa, G, RW), 0);
	l1 = level1_table(iova);
	ck_assert_uint_eq(raw(table_desc(l1 + 8) + 8), pa | want_leaf(true, 0));
	/* a block at index 2 of the same level-1 table, read-only, exec */
	blk = (iova & ~(B2 - 1)) + 2 * B1;
	ck_assert_int_eq(ops->map(&d, blk, pa_blk, B1,
				  DMA_ACC_READ | DMA_ACC_EXEC |
					  (fc->s2 ? 0 : DMA_ACC_PRIV)),
			 0);
	ck_assert_uint_eq(raw(l1 + 16), pa_blk | want_leaf(false, 1));
	/* stage 1 unprivileged read-only: AP[1] too */
	if (!fc->s2) {
		ck_assert_int_eq(ops->map(&d, blk + B1, pa_blk, B1,
					  DMA_ACC_READ | DMA_ACC_EXEC),
				 0);
		ck_assert_uint_eq(raw(l1 + 24),
				  pa_blk | want_leaf(false, 1) | 0x40);
	}
	teardown();
}
END_TEST

/* The concatenated root: one array aligned to its size, indexed whole. */
START_TEST(test_concat_root)
{
	unsigned int top;
	uint64_t iova, idx, root_bytes;

	setup_case(_i);
	top = cfg.levels - 1;
	root_bytes = fc->concat * G;
	ck_assert_uint_eq(d.root_lg2, fc->g - 3 + (fc->concat == 2 ? 1 : 0));
	ck_assert_uint_eq(d.root % root_bytes, 0);
	/* the last top-level entry, in the last concatenated table */
	iova = (1ULL << fc->ias) - span(top);
	idx = iova >> shift(top);
	if (fc->concat > 1)
		ck_assert_uint_eq(idx, root_bytes / 8 - 1);
	else
		ck_assert_uint_lt(idx, G / 8);
	ck_assert_int_eq(ops->map(&d, iova, 0x40 * G, G, RW), 0);
	ck_assert_uint_eq(raw(d.root + idx * 8) & 3, 3);
	expect_phys(iova, 0x40 * G, G);
	ck_assert_uint_eq(d.tables, cfg.levels);
	teardown();
}
END_TEST

START_TEST(test_geometry)
{
	static const struct {
		bool s2;
		unsigned int g, ias, oas;
		int ret;
		unsigned int levels, leaves, va_bits;
	} v[] = {
		{ false, 12, 48, 48, 0, 4, 0x7, 48 },
		{ false, 14, 48, 48, 0, 4, 0x3, 48 },
		{ false, 16, 48, 48, 0, 3, 0x3, 48 },
		{ false, 12, 32, 40, 0, 3, 0x7, 32 },
		{ false, 12, 30, 40, 0, 2, 0x3, 30 },
		{ true, 12, 48, 48, 0, 4, 0x7, 48 },
		{ true, 14, 48, 48, 0, 3, 0x3, 48 }, /* 2 tables at L1 */
		{ true, 16, 48, 48, 0, 3, 0x3, 48 },
		{ true, 12, 40, 48, 0, 3, 0x7, 40 }, /* 2 tables at L1 */
		{ true, 12, 42, 42, 0, 3, 0x7, 42 }, /* 8, mandatory */
		{ true, 12, 43, 48, 0, 3, 0x7, 43 }, /* 16 */
		{ true, 12, 44, 48, 0, 4, 0x7, 44 }, /* 32: no */
		{ true, 12, 44, 40, -EINVAL, 0, 0, 0 }, /* mandatory, 32 */
		{ true, 14, 40, 40, 0, 2, 0x3, 40 }, /* 16 at L2 */
		{ true, 14, 40, 48, 0, 3, 0x3, 40 },
		{ false, 13, 48, 48, -EINVAL, 0, 0, 0 },
		{ false, 12, 49, 48, -EINVAL, 0, 0, 0 },
		{ false, 12, 48, 52, -EINVAL, 0, 0, 0 },
		{ true, 16, 16, 48, -EINVAL, 0, 0, 0 },
	};
	struct pm_space *p;

	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &p), 0);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct pt_cfg c;
		struct pt_domain x;
		int ret = smmu_pt_geometry(v[i].s2, v[i].g, v[i].ias, v[i].oas,
					   0, &c);

		ck_assert_msg(ret == v[i].ret, "case %zu: %d", i, ret);
		if (ret)
			continue;
		ck_assert_msg(c.levels == v[i].levels &&
				      c.leaf_levels == v[i].leaves &&
				      c.va_bits == v[i].va_bits &&
				      c.oa_bits == v[i].oas,
			      "case %zu: %u levels 0x%x", i, c.levels,
			      c.leaf_levels);
		/* and the format takes what the geometry chose */
		ck_assert_int_eq(smmu_pt_ops(v[i].s2, v[i].g)->init(&x, p, &c),
				 0);
		smmu_pt_ops(v[i].s2, v[i].g)->destroy(&x);
	}
	ck_assert_ptr_null(smmu_pt_ops(false, 13));
	pm_destroy(p);
}
END_TEST

START_TEST(test_bad_config)
{
	static const struct {
		const struct pt_ops *ops;
		struct pt_cfg c;
	} v[] = {
		/* stage 1: levels must be exactly what va_bits needs */
		{ &smmu_pt_s1_4k, { 3, 0x7, 48, 48, 0 } },
		{ &smmu_pt_s1_4k, { 4, 0x7, 39, 48, 0 } },
		{ &smmu_pt_s1_64k, { 4, 0x3, 48, 48, 0 } },
		/* no concatenation at stage 1 */
		{ &smmu_pt_s1_16k, { 3, 0x3, 48, 48, 0 } },
		/* blocks only where the granule has them */
		{ &smmu_pt_s1_16k, { 4, 0x7, 48, 48, 0 } },
		{ &smmu_pt_s1_4k, { 4, 0xf, 48, 48, 0 } },
		{ &smmu_pt_s2_64k, { 3, 0x7, 48, 48, 0 } },
		{ &smmu_pt_s1_4k, { 4, 0x6, 48, 48, 0 } },
		/* 48-bit output at most */
		{ &smmu_pt_s1_4k, { 4, 0x7, 48, 52, 0 } },
		{ &smmu_pt_s2_4k, { 4, 0x7, 48, 49, 0 } },
		/* stage 2: more than 16 concatenated tables */
		{ &smmu_pt_s2_4k, { 3, 0x7, 44, 48, 0 } },
		/* stage 2: 16K and 64K cannot start at L0 */
		{ &smmu_pt_s2_16k, { 4, 0x3, 48, 48, 0 } },
		/* stage 2: the top table resolves nothing */
		{ &smmu_pt_s2_4k, { 4, 0x7, 39, 48, 0 } },
		{ &smmu_pt_s2_4k, { 0, 0x1, 39, 48, 0 } },
	};
	struct pm_space *p;

	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &p), 0);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct pt_domain x;

		ck_assert_msg(v[i].ops->init(&x, p, &v[i].c) == -EINVAL,
			      "case %zu accepted", i);
	}
	pm_destroy(p);
}
END_TEST

/* ---- dirty tracking ------------------------------------------------- */

struct dirty_log {
	unsigned int n;
	uint64_t iova[8], len[8];
};

static void log_dirty(void *ctx, uint64_t iova, uint64_t len)
{
	struct dirty_log *l = ctx;

	if (l->n < 8) {
		l->iova[l->n] = iova;
		l->len[l->n] = len;
	}
	l->n++;
}

static int64_t rcd(uint64_t iova, uint64_t len, bool no_clear,
		   struct dirty_log *l)
{
	memset(l, 0, sizeof(*l));
	return ops->read_and_clear_dirty(&d, iova, len, no_clear, log_dirty, l);
}

/* What the SMMU does to a writable-clean DBM leaf on the first write. */
static void hw_write(uint64_t iova)
{
	unsigned int level;
	uint64_t at = leaf_addr(iova, &level), e = raw(at);

	ck_assert_uint_ne(e & BIT_ULL(51), 0);
	e = fc->s2 ? e | BIT_ULL(7) : e & ~BIT_ULL(7);
	ck_assert_int_eq(pm_st64_le(pm, at, e), 0);
}

START_TEST(test_dirty)
{
	uint64_t a, blk, e;
	struct dirty_log l;
	unsigned int level;

	setup_case(_i);
	a = 16 * G;
	blk = 2 * B1;
	ck_assert_ptr_nonnull(ops->read_and_clear_dirty);
	ck_assert_int_eq(ops->map(&d, a, a, G, RW), 0);
	ck_assert_int_eq(ops->map(&d, a + G, a, G, DMA_ACC_READ), 0);
	ck_assert_int_eq(ops->map(&d, blk, blk, B1, RW), 0);
	/* writable leaves start dirty, as Linux maps them */
	ck_assert_int_eq(rcd(0, 4 * B1, true, &l), 2);
	ck_assert_uint_eq(l.iova[0], a);
	ck_assert_uint_eq(l.len[0], G);
	ck_assert_uint_eq(l.iova[1], blk);
	ck_assert_uint_eq(l.len[1], B1);
	ck_assert_int_eq(rcd(0, 4 * B1, false, &l), 2);
	ck_assert_int_eq(rcd(0, 4 * B1, false, &l), 0);
	/* clean: AP[2] set (stage 1) / S2AP[1] clear (stage 2), DBM kept */
	e = raw(leaf_addr(a, &level));
	ck_assert_uint_eq(e & BIT_ULL(51), BIT_ULL(51));
	ck_assert_uint_eq(e & BIT_ULL(7), fc->s2 ? 0 : BIT_ULL(7));
	expect_phys(a, a, G);
	/* the read-only leaf has no DBM: never dirty */
	ck_assert_uint_eq(raw(leaf_addr(a + G, &level)) & BIT_ULL(51), 0);
	/* a write by the hardware, seen and cleared once */
	hw_write(a);
	ck_assert_int_eq(rcd(a, G, false, &l), 1);
	ck_assert_uint_eq(l.iova[0], a);
	ck_assert_int_eq(rcd(a, G, false, &l), 0);
	/* a dirty block reports the part of it in the range */
	hw_write(blk + G);
	ck_assert_int_eq(rcd(blk + 3 * G, 2 * G, true, &l), 1);
	ck_assert_uint_eq(l.iova[0], blk + 3 * G);
	ck_assert_uint_eq(l.len[0], 2 * G);
	/* splitting a dirty block keeps every piece dirty */
	ck_assert_uint_eq(ops->unmap(&d, blk, G), G);
	ck_assert_int_eq(rcd(blk, B1, false, &l), (int64_t)(B1 / G - 1));
	ck_assert_int_eq(rcd(blk, B1, false, &l), 0);
	ck_assert_int_eq(rcd(0, G + 1, false, &l), -EINVAL);
	teardown();
}
END_TEST

START_TEST(test_no_dirty_without_hd)
{
	struct dirty_log l;
	unsigned int level;

	setup_flags(_i, 0);
	ck_assert_int_eq(ops->map(&d, 0, 0, B1, RW), 0);
	ck_assert_uint_eq(raw(leaf_addr(0, &level)) & BIT_ULL(51), 0);
	ck_assert_int_eq(rcd(0, B1, false, &l), 0);
	teardown();
}
END_TEST

/* ---- random steps against a shadow map ------------------------------ */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seeds, so a failure reproduces */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

struct window {
	uint64_t base; /* iova of page 0 */
	uint64_t pages; /* granule pages */
	uint64_t *shadow; /* output address per page, or NONE */
};

static void window_init(struct window *w)
{
	uint64_t ppb = B1 / G;
	/* across a level-2 boundary, or the concatenated tables' */
	uint64_t edge = fc->concat > 1 ? 1ULL << shift(cfg.levels) :
					 1ULL << shift(2);

	w->pages = 8 * ppb > 16384 ? 8 * ppb : 16384;
	w->base = edge - w->pages / 2 * G;
	w->shadow = malloc(w->pages * sizeof(*w->shadow));
	for (uint64_t p = 0; p < w->pages; p++)
		w->shadow[p] = NONE;
}

/* Check's assertions are slow: test with ifs, assert on failure only. */
static void check_window(const struct window *w)
{
	for (uint64_t p = 0; p < w->pages; p++) {
		uint64_t got, size;
		int ret =
			ops->iova_to_phys(&d, w->base + p * G + 8, &got, &size);

		if (w->shadow[p] == NONE && ret != -ENOENT)
			ck_abort_msg("%s: page %llu mapped", fc->what,
				     (unsigned long long)p);
		if (w->shadow[p] != NONE && (ret || got != w->shadow[p] + 8))
			ck_abort_msg("%s: page %llu: want 0x%llx got 0x%llx",
				     fc->what, (unsigned long long)p,
				     (unsigned long long)w->shadow[p],
				     (unsigned long long)got);
	}
}

static void random_step(struct window *w)
{
	uint64_t ppb = B1 / G;
	bool big = rnd() % 4 == 0;
	uint64_t npages = big ? ppb * (1 + rnd() % 3) : 1 + rnd() % 64;
	uint64_t first = rnd() % (w->pages - npages), mapped = 0;

	if (big)
		first &= ~(ppb - 1);
	for (uint64_t p = first; p < first + npages; p++)
		mapped += w->shadow[p] != NONE;
	if (rnd() % 3) {
		uint64_t pa = (big ? (rnd() % 64) * B1 : (rnd() % 4096) * G) +
			      (1ULL << 32);
		int ret = ops->map(&d, w->base + first * G, pa, npages * G, RW);

		ck_assert_int_eq(ret, mapped ? -EADDRINUSE : 0);
		for (uint64_t p = 0; !mapped && p < npages; p++)
			w->shadow[first + p] = pa + p * G;
	} else {
		uint64_t n = ops->unmap(&d, w->base + first * G, npages * G);

		ck_assert_uint_eq(n, mapped * G);
		for (uint64_t p = first; p < first + npages; p++)
			w->shadow[p] = NONE;
	}
}

START_TEST(test_random_against_shadow)
{
	struct window w;
	uint64_t left = 0;

	setup_case(_i);
	rnd_state = 0x9e3779b97f4a7c15ULL + (uint64_t)_i;
	window_init(&w);
	for (int step = 0; step < 400; step++) {
		random_step(&w);
		if (step % 10 == 0)
			check_window(&w);
	}
	check_window(&w);
	for (uint64_t p = 0; p < w.pages; p++)
		left += w.shadow[p] != NONE;
	ck_assert_uint_gt(left, 0);
	ck_assert_uint_eq(ops->unmap(&d, w.base, w.pages * G), left * G);
	unmap_all(0);
	free(w.shadow);
	teardown();
}
END_TEST

/* ---- the builder against the hardware walker (walk.c) --------------- */

static int hw_walk(uint64_t ia, struct smmu_walk_out *out,
		   struct smmu_walk_fault *f)
{
	struct trace tr = { .on = false };
	struct smmu_wreq rq = { .ia = ia, .access = DMA_ACC_READ };
	unsigned int sl = smmu_pt_start_level(&cfg);

	if (fc->s2) {
		struct smmu_s2_cfg s2 = { .vttb = d.root,
					  .granule = (uint8_t)fc->g,
					  .tsz = (uint8_t)(64 - fc->ias),
					  .sl = (uint8_t)sl,
					  .ps = 48,
					  .hd = true,
					  .record = true };

		return smmu_walk_s2(pm, &tr, &s2, &rq, SMMU_CLASS_IN, out, f);
	} else {
		struct smmu_s1_cfg s1 = { .oas = 48,
					  .hd = true,
					  .record = true };

		s1.tt[0] = (struct smmu_tt){ .ttb = d.root,
					     .granule = (uint8_t)fc->g,
					     .tsz = (uint8_t)(64 - fc->ias),
					     .sl = (uint8_t)sl };
		s1.tt[1].epd = true;
		return smmu_walk_s1(pm, &tr, &s1, NULL, &rq, out, f);
	}
}

static void agree_at(uint64_t ia)
{
	struct smmu_walk_out out;
	struct smmu_walk_fault f;
	uint64_t pa, size;
	int ret = hw_walk(ia, &out, &f);

	if (ops->iova_to_phys(&d, ia, &pa, &size)) {
		if (ret != -EFAULT || f.event != SMMU_EVT_F_TRANSLATION)
			ck_abort_msg("%s: 0x%llx: walker %d event 0x%x",
				     fc->what, (unsigned long long)ia, ret,
				     ret ? f.event : 0);
		return;
	}
	if (ret || out.x.out_addr != pa || out.x.page_size != size ||
	    out.x.perm != RW)
		ck_abort_msg("%s: 0x%llx: builder 0x%llx/0x%llx, walker %d "
			     "0x%llx/0x%llx perm 0x%x",
			     fc->what, (unsigned long long)ia,
			     (unsigned long long)pa, (unsigned long long)size,
			     ret, (unsigned long long)out.x.out_addr,
			     (unsigned long long)out.x.page_size, out.x.perm);
}

START_TEST(test_walker_agrees)
{
	struct window w;
	unsigned int sl;

	setup_case(_i);
	/* the hardware derives the same start level from the same fields */
	if (fc->s2) {
		unsigned int sl0 =
			(fc->g == 12 ? 2 : 3) - smmu_pt_start_level(&cfg);

		ck_assert_int_eq(
			smmu_s2_start_level(fc->g, sl0, 64 - fc->ias, &sl), 0);
	} else {
		sl = smmu_s1_start_level(fc->g, 64 - fc->ias);
	}
	ck_assert_uint_eq(sl, smmu_pt_start_level(&cfg));
	rnd_state = 0x51ed270b27a9c3f1ULL + (uint64_t)_i;
	window_init(&w);
	for (int step = 0; step < 200; step++)
		random_step(&w);
	for (int i = 0; i < 4000; i++)
		agree_at(w.base + (rnd() % (w.pages * G) & ~7ULL));
	/* both ends of the input range, and each concatenated table */
	agree_at(0);
	agree_at((1ULL << fc->ias) - 8);
	ck_assert_int_eq(ops->map(&d, (1ULL << fc->ias) - G, 0x77 * G, G, RW),
			 0);
	agree_at((1ULL << fc->ias) - 8);
	free(w.shadow);
	teardown();
}
END_TEST

/* ---- physmem: contiguous table frames ------------------------------- */

START_TEST(test_frame_blocks)
{
	struct pm_space *p;
	struct pm_stats st;
	uint64_t one, blk, big, again, v;
	uint8_t *host;

	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &p), 0);
	ck_assert_int_eq(pm_frame_alloc(p, &one), 0);
	ck_assert_uint_eq(one, 1ULL << 32); /* single frames: bottom up */
	ck_assert_int_eq(pm_frame_alloc_order(p, 4, &blk), 0);
	/* blocks: top down, naturally aligned */
	ck_assert_uint_eq(blk, (1ULL << 40) - 0x10000);
	host = pm_frame_host(p, blk);
	ck_assert_ptr_nonnull(host);
	/* one contiguous host mapping, the same bytes the bus sees */
	st_le64(host + 5 * 0x1000 + 8, 0x1122334455667788ULL);
	ck_assert_int_eq(pm_ld64_le(p, blk + 5 * 0x1000 + 8, &v), 0);
	ck_assert_uint_eq(v, 0x1122334455667788ULL);
	ck_assert_int_eq(pm_st64_le(p, blk + 0xfff8, 0x99), 0);
	ck_assert_uint_eq(ld_le64(host + 0xfff8), 0x99);
	ck_assert_ptr_eq(pm_frame_host(p, blk + 0x3000), host + 0x3000);
	pm_get_stats(p, &st);
	ck_assert_uint_eq(st.table_frames, 17);
	ck_assert_uint_eq(st.ram_frames, 17);
	/* 1 MiB, aligned to 1 MiB, below the first block */
	ck_assert_int_eq(pm_frame_alloc_order(p, 8, &big), 0);
	ck_assert_uint_eq(big & 0xfffff, 0);
	ck_assert_uint_le(big + 0x100000, blk);
	/* frames the alignment skipped serve single allocations */
	ck_assert_int_eq(pm_frame_alloc(p, &again), 0);
	ck_assert(again >= big + 0x100000 && again < blk);
	ck_assert_int_eq(pm_frame_free(p, again), 0);
	/* frees must name the block and its order */
	ck_assert_int_eq(pm_frame_free(p, blk), -EINVAL);
	ck_assert_int_eq(pm_frame_free(p, blk + 0x1000), -EINVAL);
	ck_assert_int_eq(pm_frame_free_order(p, blk, 3), -EINVAL);
	ck_assert_int_eq(pm_frame_free_order(p, blk + 0x1000, 4), -EINVAL);
	ck_assert_int_eq(pm_frame_free_order(p, one, 4), -EINVAL);
	ck_assert_int_eq(pm_frame_free_order(p, blk, 4), 0);
	ck_assert_int_eq(pm_frame_free_order(p, blk, 4), -EINVAL);
	ck_assert_int_eq(pm_ld64_le(p, blk + 5 * 0x1000 + 8, &v), 0);
	ck_assert_uint_eq(v, 0); /* reads as zero again */
	ck_assert_ptr_null(pm_frame_host(p, blk));
	/* a freed block is reused first */
	ck_assert_int_eq(pm_frame_alloc_order(p, 4, &again), 0);
	ck_assert_uint_eq(again, blk);
	ck_assert_int_eq(pm_frame_alloc_order(p, PM_FRAME_ORDER_MAX + 1, &v),
			 -EINVAL);
	ck_assert_int_eq(pm_frame_free_order(p, again, 4), 0);
	ck_assert_int_eq(pm_frame_free_order(p, big, 8), 0);
	ck_assert_int_eq(pm_frame_free(p, one), 0);
	pm_get_stats(p, &st);
	ck_assert_uint_eq(st.table_frames, 0);
	ck_assert_uint_eq(st.table_frames_peak, 17 + 256 + 1);
	ck_assert_uint_eq(st.ram_frames, 0);
	pm_destroy(p);
}
END_TEST

START_TEST(test_frame_blocks_small_pool)
{
	struct pm_space *p;
	struct pm_stats st;
	uint64_t a, blocks[32];
	int nb = 0, ns = 0;

	ck_assert_int_eq(pm_create(24, &p), 0);
	ck_assert_int_eq(pm_frame_pool_set(p, 0x100000, 0x200000), 0);
	/* a frame someone wrote is never part of a block */
	ck_assert_int_eq(pm_st64_le(p, 0x1f0010, 0x77), 0);
	ck_assert_int_eq(pm_frame_alloc_order(p, 4, &a), 0);
	ck_assert_uint_eq(a, 0x1e0000);
	ck_assert_int_eq(pm_frame_free_order(p, a, 4), 0);
	/* the unwritten frames the block skipped serve single frames */
	ck_assert_int_eq(pm_frame_alloc(p, &a), 0);
	ck_assert_uint_eq(a, 0x1ff000);
	/* blocks (the freed one first) down to the pool's base */
	while (nb < 32 && !pm_frame_alloc_order(p, 4, &blocks[nb]))
		nb++;
	ck_assert_int_eq(nb, 15);
	ck_assert_uint_eq(blocks[0], 0x1e0000);
	ck_assert_uint_eq(blocks[nb - 1], 0x100000);
	/* single frames: the 14 other skipped ones, never the written one */
	while (!pm_frame_alloc(p, &a)) {
		ck_assert(a > 0x1f0000 && a < 0x1ff000);
		ns++;
	}
	ck_assert_int_eq(ns, 14);
	pm_get_stats(p, &st);
	ck_assert_uint_eq(st.table_frames, 15 * 16 + 15);
	ck_assert_int_eq(pm_frame_pool_set(p, 0x100000, 0x200000), -EBUSY);
	pm_destroy(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("smmuv3_pgtable");
	TCase *tc = tcase_create("formats");
	TCase *tw = tcase_create("walker");
	TCase *tp = tcase_create("physmem");
	int n = ARRAY_SIZE(cases);

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_map_page, 0, n);
	tcase_add_loop_test(tc, test_largest_block, 0, n);
	tcase_add_loop_test(tc, test_overlap_leaves_nothing, 0, n);
	tcase_add_loop_test(tc, test_unmap_splits_block, 0, n);
	tcase_add_loop_test(tc, test_split_two_levels, 0, n);
	tcase_add_loop_test(tc, test_bad_arguments, 0, n);
	tcase_add_loop_test(tc, test_golden_descriptors, 0, n);
	tcase_add_loop_test(tc, test_concat_root, 0, n);
	tcase_add_test(tc, test_geometry);
	tcase_add_test(tc, test_bad_config);
	tcase_add_loop_test(tc, test_dirty, 0, n);
	tcase_add_loop_test(tc, test_no_dirty_without_hd, 0, n);
	tcase_add_loop_test(tc, test_random_against_shadow, 0, n);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tw, 120);
	tcase_add_loop_test(tw, test_walker_agrees, 0, n);
	suite_add_tcase(s, tw);
	tcase_add_test(tp, test_frame_blocks);
	tcase_add_test(tp, test_frame_blocks_small_pool);
	suite_add_tcase(s, tp);
	return check_run_suite(s);
}

// SPDX-License-Identifier: MIT
/*
 * test_smmuv3_walk.c - the SMMUv3 VMSAv8-64 walkers (hw/smmuv3/walk.c)
 * on tables written by hand into simulated RAM: geometry and start levels,
 * descriptor types per level and granule, region selection with TBI,
 * output-size, access-flag and permission faults, HTTU, stage 2 with
 * concatenation, S2AP and XN, nested table walks, and random content.
 *
 * Descriptor bits are written here as raw bit numbers, independently of
 * walk.c's masks, from shared/reference/smmuv3.md 4.2 (Linux
 * io-pgtable-arm.c ARM_LPAE_PTE_*). pm_create(40) gives RAM below 2^40:
 * anything in [2^40, 2^48) is a bus error on read.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "hw/smmuv3/smmuv3.h"
#include "model/bits.h"

/* descriptor bits (smmuv3.md 4.2) */
#define AP1 BIT_ULL(6) /* S1: unprivileged access; S2: S2AP read */
#define AP2 BIT_ULL(7) /* S1: read-only; S2: S2AP write */
#define S2R BIT_ULL(6)
#define S2W BIT_ULL(7)
#define AF BIT_ULL(10)
#define NG BIT_ULL(11)
#define DBM BIT_ULL(51)
#define PXN BIT_ULL(53) /* S2: XN[0] */
#define UXN BIT_ULL(54) /* S2: XN[1] */
#define PXNT BIT_ULL(59)
#define XNT BIT_ULL(60)
#define APT0 BIT_ULL(61)
#define APT1 BIT_ULL(62)

#define PAGE(pa, attrs) ((pa) | 3 | AF | (attrs))
#define BLOCK(pa, attrs) ((pa) | 1 | AF | (attrs))

#define R DMA_ACC_READ
#define W DMA_ACC_WRITE
#define X DMA_ACC_EXEC
#define P DMA_ACC_PRIV
#define RW (R | W)
#define RWX (R | W | X)

#define TB (1ULL << 40) /* first address beyond RAM */

static const unsigned int granules[] = { 12, 14, 16 };

static struct pm_space *pm;
static uint64_t next_frame;
static uint64_t view_off; /* PA = IPA + view_off for tables built as IPAs */
static struct trace tr;
static struct smmu_walk_out out;
static struct smmu_walk_fault flt;

#define MAX_EV 64
static struct {
	const char *structure, *decision;
	uint64_t addr;
} ev[MAX_EV];
static unsigned int nev;

static void sink(void *ctx, const struct trace_event *e)
{
	(void)ctx;
	if (nev < MAX_EV) {
		ev[nev].structure = e->structure;
		ev[nev].decision = e->decision;
		ev[nev].addr = e->addr;
	}
	nev++;
}

static void setup(void)
{
	ck_assert_int_eq(pm_create(40, &pm), 0);
	next_frame = 0x1000000;
	view_off = 0;
	nev = 0;
	memset(&tr, 0, sizeof(tr));
}

static void teardown(void)
{
	pm_destroy(pm);
	pm = NULL;
}

static void trace_on(void)
{
	nev = 0;
	trace_set(&tr, true, sink, NULL);
}

/* A zeroed, naturally aligned piece of RAM for tables. */
static uint64_t alloc(uint64_t size)
{
	uint64_t pa = (next_frame + size - 1) & ~(size - 1);

	next_frame = pa + size;
	return pa;
}

static void put(uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(pm_st64_le(pm, pa, v), 0);
}

static uint64_t get(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(pm_ld64_le(pm, pa, &v), 0);
	return v;
}

static unsigned int shift_of(unsigned int g, unsigned int level)
{
	return g + (3 - level) * (g - 3);
}

/* Where a walk starts: granule, start level, index bits, root table. */
struct geo {
	unsigned int g, sl, idx_bits;
	uint64_t root;
};

/*
 * Build (or reuse) the tables @ia needs from the start level down to
 * @leaf_level; @tattr[L] is ORed into a table descriptor made at level L.
 * Returns the address of the leaf slot (an IPA when view_off is set).
 */
static uint64_t slot_for(const struct geo *geo, uint64_t ia,
			 unsigned int leaf_level, const uint64_t *tattr)
{
	uint64_t table = geo->root, slot, e;
	unsigned int bits = geo->idx_bits;

	for (unsigned int l = geo->sl;; l++) {
		unsigned int shift = shift_of(geo->g, l);

		slot = table + 8 * ((ia >> shift) & (BIT_ULL(bits) - 1));
		if (l == leaf_level)
			return slot;
		e = get(slot + view_off);
		if (!(e & 1)) {
			e = alloc(1ULL << geo->g) | 3 | (tattr ? tattr[l] : 0);
			put(slot + view_off, e);
		}
		table = e & GENMASK_ULL(47, geo->g);
		bits = geo->g - 3;
	}
}

/* A stage 1 configuration with TTB0 of @g/@tsz and TTB1 disabled. */
static struct smmu_s1_cfg s1_cfg(unsigned int g, unsigned int tsz,
				 struct geo *geo)
{
	struct smmu_s1_cfg c = { .oas = 48 };
	unsigned int sl = smmu_s1_start_level(g, tsz);

	c.tt[0] = (struct smmu_tt){ .ttb = alloc(1ULL << g),
				    .granule = (uint8_t)g,
				    .tsz = (uint8_t)tsz,
				    .sl = (uint8_t)sl };
	c.tt[1] = c.tt[0];
	c.tt[1].ttb = 0;
	c.tt[1].epd = true;
	*geo = (struct geo){ .g = g,
			     .sl = sl,
			     .idx_bits = 64 - tsz - shift_of(g, sl),
			     .root = c.tt[0].ttb };
	return c;
}

/* A stage 2 configuration from S2SL0, with tables in RAM. */
static struct smmu_s2_cfg s2_cfg(unsigned int g, unsigned int tsz,
				 unsigned int sl0, struct geo *geo)
{
	struct smmu_s2_cfg c = { .granule = (uint8_t)g,
				 .tsz = (uint8_t)tsz,
				 .ps = 48 };
	unsigned int sl;

	ck_assert_int_eq(smmu_s2_start_level(g, sl0, tsz, &sl), 0);
	c.sl = (uint8_t)sl;
	geo->g = g;
	geo->sl = sl;
	geo->idx_bits = 64 - tsz - shift_of(g, sl);
	geo->root = alloc(8ULL << geo->idx_bits);
	c.vttb = geo->root;
	return c;
}

static int s1w(const struct smmu_s1_cfg *c, const struct smmu_s2_cfg *s2,
	       uint64_t va, unsigned int acc, bool update)
{
	struct smmu_wreq rq = { .ia = va, .access = acc, .update = update };

	memset(&out, 0, sizeof(out));
	memset(&flt, 0, sizeof(flt));
	return smmu_walk_s1(pm, &tr, c, s2, &rq, &out, &flt);
}

static int s2w(const struct smmu_s2_cfg *c, uint64_t ipa, unsigned int acc,
	       unsigned int class)
{
	struct smmu_wreq rq = { .ia = ipa, .access = acc, .update = true };

	memset(&out, 0, sizeof(out));
	memset(&flt, 0, sizeof(flt));
	return smmu_walk_s2(pm, &tr, c, &rq, class, &out, &flt);
}

#define EXPECT_OK(rc, oa, size, lvl, prm)                       \
	do {                                                    \
		ck_assert_int_eq((rc), 0);                      \
		ck_assert_uint_eq(out.x.out_addr, (oa));        \
		ck_assert_uint_eq(out.x.page_size, (size));     \
		ck_assert_uint_eq(out.level, (lvl));            \
		ck_assert_uint_eq(out.x.perm, (unsigned)(prm)); \
	} while (0)

#define EXPECT_FAULT(rc, evt, lvl, is_s2, cls, ip, fetch)             \
	do {                                                          \
		ck_assert_int_eq((rc), -EFAULT);                      \
		ck_assert_uint_eq(flt.event, (evt));                  \
		ck_assert_uint_eq(flt.level, (lvl));                  \
		ck_assert_int_eq(flt.s2, (is_s2));                    \
		ck_assert_uint_eq(flt.class, (unsigned)(cls));        \
		ck_assert_uint_eq(flt.ipa, (uint64_t)(ip));           \
		ck_assert_uint_eq(flt.fetch_addr, (uint64_t)(fetch)); \
	} while (0)

/* A stage 1 fault of the input address (CLASS IN, no IPA, no fetch). */
#define EXPECT_S1_FAULT(rc, evt, lvl) \
	EXPECT_FAULT(rc, evt, lvl, false, SMMU_CLASS_IN, 0, 0)

#define VA 0x00007f123456789aULL

/* ---- geometry ----------------------------------------------------------- */

/*
 * Stage 1 start level SL = 4 - ceil((64 - TxSZ - g) / stride)
 * (smmuv3.md 4.1; DDI 0487 D8.2). 4K T0SZ 33 is a 31-bit space, still
 * level 1 (one bit at L1); 34 is the first level 2 size. 4 = no level.
 */
START_TEST(test_s1_start_level)
{
	static const struct {
		unsigned int g, tsz, sl;
	} v[] = {
		{ 12, 16, 0 },
		{ 12, 24, 0 },
		{ 12, 25, 1 },
		{ 12, 33, 1 },
		{ 12, 34, 2 },
		{ 12, 39, 2 },
		{ 12, 43, 3 },
		{ 12, 48, 3 },
		{ 14, 16, 0 },
		{ 14, 17, 1 },
		{ 14, 27, 1 },
		{ 14, 28, 2 },
		{ 14, 38, 2 },
		{ 14, 39, 3 },
		{ 16, 16, 1 },
		{ 16, 21, 1 },
		{ 16, 22, 2 },
		{ 16, 34, 2 },
		{ 16, 35, 3 },
		{ 16, 39, 3 },
		/* no level: bad granule, >48-bit VA, no bits above a page */
		{ 13, 25, 4 },
		{ 12, 15, 4 },
		{ 16, 12, 4 },
		{ 12, 52, 4 },
		{ 16, 48, 4 },
		{ 12, 255, 4 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(v); i++)
		ck_assert_msg(smmu_s1_start_level(v[i].g, v[i].tsz) == v[i].sl,
			      "g=%u tsz=%u: %u != %u", v[i].g, v[i].tsz,
			      smmu_s1_start_level(v[i].g, v[i].tsz), v[i].sl);
}
END_TEST

/*
 * S2SL0 decoding and the C_BAD_STE conditions (smmuv3.md 2.3, 4.1): the
 * start level must resolve 1 .. stride + 4 bits of the IPA (up to 16
 * concatenated tables, DDI 0487 S2InconsistentSL); SL0 = 3 needs
 * FEAT_TTST / 52-bit (not modelled).
 */
START_TEST(test_s2_start_level)
{
	static const struct {
		unsigned int g, sl0, tsz;
		int sl; /* -1: -EINVAL */
	} v[] = {
		/* 4K: SL0 0 -> L2 (IPA 22..34 bits), 1 -> L1 (31..43),
		 * 2 -> L0 (40..48) */
		{ 12, 0, 30, 2 },
		{ 12, 0, 42, 2 },
		{ 12, 0, 29, -1 }, /* 14 bits at L2: 32 tables */
		{ 12, 0, 43, -1 }, /* L2 resolves nothing */
		{ 12, 1, 24, 1 }, /* 2 concatenated L1 tables */
		{ 12, 1, 21, 1 }, /* 16 concatenated L1 tables */
		{ 12, 1, 20, -1 }, /* 32 tables */
		{ 12, 1, 33, 1 },
		{ 12, 1, 34, -1 }, /* 30-bit IPA: nothing left for L1 */
		{ 12, 2, 16, 0 },
		{ 12, 2, 24, 0 },
		{ 12, 2, 25, -1 }, /* start level too high */
		{ 12, 3, 16, -1 },
		{ 12, 3, 40, -1 },
		/* 16K: SL0 0 -> L3, 1 -> L2, 2 -> L1 */
		{ 14, 0, 35, 3 },
		{ 14, 0, 34, -1 },
		{ 14, 1, 24, 2 },
		{ 14, 1, 23, -1 },
		{ 14, 1, 38, 2 },
		{ 14, 2, 16, 1 },
		{ 14, 2, 27, 1 },
		{ 14, 2, 28, -1 },
		{ 14, 3, 16, -1 }, /* 16K L0: 52-bit only */
		/* 64K: SL0 0 -> L3, 1 -> L2, 2 -> L1 */
		{ 16, 0, 31, 3 },
		{ 16, 0, 30, -1 },
		{ 16, 1, 18, 2 },
		{ 16, 1, 17, -1 },
		{ 16, 1, 34, 2 },
		{ 16, 2, 16, 1 },
		{ 16, 2, 21, 1 },
		{ 16, 2, 22, -1 },
		{ 16, 3, 16, -1 }, /* 64K L0 */
		/* bad granule, >48-bit IPA */
		{ 13, 1, 24, -1 },
		{ 12, 2, 15, -1 },
		{ 16, 2, 12, -1 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(v); i++) {
		unsigned int sl = 99;
		int rc = smmu_s2_start_level(v[i].g, v[i].sl0, v[i].tsz, &sl);

		ck_assert_msg(rc == (v[i].sl < 0 ? -EINVAL : 0),
			      "g=%u sl0=%u tsz=%u: rc %d", v[i].g, v[i].sl0,
			      v[i].tsz, rc);
		if (v[i].sl >= 0)
			ck_assert_uint_eq(sl, (unsigned int)v[i].sl);
		else
			ck_assert_uint_eq(sl, 99);
	}
}
END_TEST

/* ---- stage 1: descriptor types per level -------------------------------- */

/*
 * A walk from the start level to an L3 page, every granule (smmuv3.md
 * 4.1, 4.2): index = IA[shift(L)+stride-1 : shift(L)], page OA = bits
 * [47:g], one trace event per descriptor named "S1 Ln descriptor".
 */
START_TEST(test_s1_page_walk)
{
	unsigned int g = granules[_i];
	uint64_t gran = 1ULL << g, pa = 0x80000000;
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(g, 16, &geo);
	static const char *const names[] = {
		"S1 L0 descriptor",
		"S1 L1 descriptor",
		"S1 L2 descriptor",
		"S1 L3 descriptor",
	};

	put(slot_for(&geo, VA, 3, NULL), PAGE(pa, AP1 | NG));
	trace_on();
	EXPECT_OK(s1w(&c, NULL, VA, RW, true), pa + (VA & (gran - 1)), gran, 3,
		  RWX);
	ck_assert(!out.global);
	ck_assert_uint_eq(geo.sl, g == 16 ? 1 : 0);
	ck_assert_uint_eq(nev, 4 - geo.sl);
	for (unsigned int l = geo.sl; l <= 3; l++) {
		ck_assert_str_eq(ev[l - geo.sl].structure, names[l]);
		ck_assert_str_eq(ev[l - geo.sl].decision,
				 l == 3 ? "leaf: page" : "next: table");
	}
	/* the first fetch: TTB + 8 * IA[47:shift(SL)] */
	ck_assert_uint_eq(ev[0].addr,
			  geo.root + 8 * (VA >> shift_of(g, geo.sl)));
	/* nG = 0: a global entry */
	put(slot_for(&geo, VA, 3, NULL), PAGE(pa, AP1));
	EXPECT_OK(s1w(&c, NULL, VA, R, true), pa + (VA & (gran - 1)), gran, 3,
		  RWX);
	ck_assert(out.global);
}
END_TEST

/*
 * Blocks where the granule allows them (smmuv3.md 4.2): 4K L1 (1 GiB)
 * and L2 (2 MiB), 16K L2 (32 MiB), 64K L2 (512 MiB). The OA is bits
 * [47:shift(L)]; lower address bits of the descriptor do not count.
 */
START_TEST(test_s1_blocks)
{
	unsigned int g = granules[_i];
	unsigned int levels[2] = { 2, 1 }, n = g == 12 ? 2 : 1;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int l = levels[i], shift = shift_of(g, l);
		uint64_t base = 3ULL << shift, span = 1ULL << shift;
		struct geo geo;
		struct smmu_s1_cfg c = s1_cfg(g, 16, &geo);

		put(slot_for(&geo, VA, l, NULL),
		    BLOCK(base | (1ULL << g), AP1));
		EXPECT_OK(s1w(&c, NULL, VA, R, true), base + (VA & (span - 1)),
			  span, l, RWX);
	}
}
END_TEST

/*
 * 0b01 where it is not a block is a translation fault at that level
 * (smmuv3.md 4.2; QEMU accepts 4K L0 and 64K L1 blocks, which is wrong):
 * 4K L0 and L3, 16K L0, L1 and L3, 64K L1 and L3.
 */
START_TEST(test_s1_bad_blocks)
{
	unsigned int g = granules[_i];
	static const unsigned int bad[3][3] = { { 0, 3, 3 },
						{ 0, 1, 3 },
						{ 1, 3, 3 } };

	for (unsigned int i = 0; i < 3; i++) {
		unsigned int l = bad[_i][i];
		struct geo geo;
		struct smmu_s1_cfg c = s1_cfg(g, 16, &geo);

		put(slot_for(&geo, VA, l, NULL), BLOCK(0, AP1));
		EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true),
				SMMU_EVT_F_TRANSLATION, l);
	}
}
END_TEST

/*
 * Invalid descriptors (bits[1:0] = 0bx0) are translation faults at their
 * level (smmuv3.md 4.2): an empty start table, 0b10 at L3, and an all-ones
 * word with bit 0 clear at L2.
 */
START_TEST(test_s1_invalid)
{
	unsigned int g = granules[_i];
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(g, 16, &geo);

	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_TRANSLATION,
			geo.sl);
	put(slot_for(&geo, VA, 3, NULL), PAGE(0x80000000, AP1) & ~1ULL);
	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_TRANSLATION, 3);
	put(slot_for(&geo, VA, 2, NULL), ~1ULL);
	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_TRANSLATION, 2);
}
END_TEST

/* ---- stage 1: regions ---------------------------------------------------- */

/*
 * T0SZ bounds the input (smmuv3.md 3.4): 4K T0SZ = 25 is a 39-bit space
 * starting at L1 with 512 entries; 2^39 is out of range (F_TRANSLATION,
 * level 0), 2^39 - 4K is the last page.
 */
START_TEST(test_s1_tsz_range)
{
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &geo);
	uint64_t last = (1ULL << 39) - 0x1000;

	ck_assert_uint_eq(geo.sl, 1);
	put(slot_for(&geo, last, 3, NULL), PAGE(0x5000, AP1));
	EXPECT_OK(s1w(&c, NULL, last + 8, R, true), 0x5008, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(geo.root + 8 * 511) & 3, 3);
	EXPECT_S1_FAULT(s1w(&c, NULL, 1ULL << 39, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
}
END_TEST

/* Enable TTB1 with its own tables (4K, T1SZ = @tsz). */
static void enable_ttb1(struct smmu_s1_cfg *c, unsigned int tsz,
			struct geo *geo1)
{
	unsigned int sl = smmu_s1_start_level(12, tsz);

	c->tt[1] = (struct smmu_tt){ .ttb = alloc(0x1000),
				     .granule = 12,
				     .tsz = (uint8_t)tsz,
				     .sl = (uint8_t)sl };
	*geo1 = (struct geo){ .g = 12,
			      .sl = sl,
			      .idx_bits = 64 - tsz - shift_of(12, sl),
			      .root = c->tt[1].ttb };
}

/*
 * TTB1 covers the top of the space: VA[63:64-T1SZ] all ones (smmuv3.md
 * 3.4; QEMU tested all zeros until 2023). A VA with bit 55 set but other
 * top bits not all ones is in the gap.
 */
START_TEST(test_s1_ttb1)
{
	struct geo g0, g1;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &g0);
	uint64_t hi = 0xffffff8000001000ULL;

	enable_ttb1(&c, 25, &g1);
	put(slot_for(&g0, 0x1000, 3, NULL), PAGE(0xa000, AP1));
	put(slot_for(&g1, hi, 3, NULL), PAGE(0xb000, AP1));
	EXPECT_OK(s1w(&c, NULL, 0x1234, R, true), 0xa234, 0x1000, 3, RWX);
	EXPECT_OK(s1w(&c, NULL, hi + 0x234, R, true), 0xb234, 0x1000, 3, RWX);
	/* bits [63:39] must all be ones for TTB1 */
	EXPECT_S1_FAULT(s1w(&c, NULL, 0xffff000000001000ULL, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x0080008000001000ULL, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
}
END_TEST

/*
 * TBI (smmuv3.md 3.4): VA[55] selects the region and with it TBI0 or
 * TBI1 (CD.TBI bits 0 and 1); with TBIx the top byte is not checked, else
 * it must match. QEMU's TBI1 macro returns TBI0: both directions here.
 */
START_TEST(test_s1_tbi)
{
	struct geo g0, g1;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &g0);
	uint64_t lo = 0xab00000000001234ULL, hi = 0x12ffff8000001234ULL;

	enable_ttb1(&c, 25, &g1);
	put(slot_for(&g0, 0x1000, 3, NULL), PAGE(0xa000, AP1));
	put(slot_for(&g1, hi, 3, NULL), PAGE(0xb000, AP1));
	c.tbi = 0;
	EXPECT_S1_FAULT(s1w(&c, NULL, lo, R, true), SMMU_EVT_F_TRANSLATION, 0);
	EXPECT_S1_FAULT(s1w(&c, NULL, hi, R, true), SMMU_EVT_F_TRANSLATION, 0);
	c.tbi = 1; /* TBI0 only */
	EXPECT_OK(s1w(&c, NULL, lo, R, true), 0xa234, 0x1000, 3, RWX);
	EXPECT_S1_FAULT(s1w(&c, NULL, hi, R, true), SMMU_EVT_F_TRANSLATION, 0);
	c.tbi = 2; /* TBI1 only */
	EXPECT_S1_FAULT(s1w(&c, NULL, lo, R, true), SMMU_EVT_F_TRANSLATION, 0);
	EXPECT_OK(s1w(&c, NULL, hi, R, true), 0xb234, 0x1000, 3, RWX);
	/* TBI does not excuse bits [55:64-TxSZ] */
	c.tbi = 3;
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x0000008000001234ULL, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
}
END_TEST

/*
 * Gap addresses with both regions enabled (T0SZ = T1SZ = 16): the top
 * 16 bits neither all zeros nor all ones (smmuv3.md 3.4).
 */
START_TEST(test_s1_gap)
{
	struct geo g0, g1;
	struct smmu_s1_cfg c = s1_cfg(12, 16, &g0);

	enable_ttb1(&c, 16, &g1);
	put(slot_for(&g1, 0xffff800000000000ULL, 3, NULL), PAGE(0xb000, AP1));
	EXPECT_OK(s1w(&c, NULL, 0xffff800000000010ULL, R, true), 0xb010, 0x1000,
		  3, RWX);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x8000000000000000ULL, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x0080000000000000ULL, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x7fff800000000000ULL, R, true),
			SMMU_EVT_F_TRANSLATION, 0);
}
END_TEST

/* EPD0 / EPD1 disable walks of their region: F_TRANSLATION, level 0. */
START_TEST(test_s1_epd)
{
	struct geo g0, g1;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &g0);
	uint64_t hi = 0xffffff8000001000ULL;

	enable_ttb1(&c, 25, &g1);
	put(slot_for(&g0, 0x1000, 3, NULL), PAGE(0xa000, AP1));
	put(slot_for(&g1, hi, 3, NULL), PAGE(0xb000, AP1));
	c.tt[0].epd = true;
	trace_on();
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x1000, R, true), SMMU_EVT_F_TRANSLATION,
			0);
	ck_assert_uint_eq(nev, 1);
	ck_assert_str_eq(ev[0].decision, "fault: translation (EPD)");
	EXPECT_OK(s1w(&c, NULL, hi, R, true), 0xb000, 0x1000, 3, RWX);
	c.tt[0].epd = false;
	c.tt[1].epd = true;
	EXPECT_S1_FAULT(s1w(&c, NULL, hi, R, true), SMMU_EVT_F_TRANSLATION, 0);
	EXPECT_OK(s1w(&c, NULL, 0x1000, R, true), 0xa000, 0x1000, 3, RWX);
}
END_TEST

/* ---- stage 1: faults ----------------------------------------------------- */

/*
 * F_ADDR_SIZE (smmuv3.md 4.4): an output, next-table or TTB address with
 * bits at or above the effective IPS (here 40 bits). TTB: level 0; table:
 * the level of the table descriptor; output: the leaf's level. It beats
 * F_ACCESS.
 */
START_TEST(test_s1_addr_size)
{
	unsigned int g = granules[_i];
	uint64_t gran = 1ULL << g;
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(g, 16, &geo);
	uint64_t slot = slot_for(&geo, VA, 3, NULL);

	c.oas = 40;
	put(slot, PAGE(TB - gran, AP1));
	EXPECT_OK(s1w(&c, NULL, VA, R, true), TB - gran + (VA & (gran - 1)),
		  gran, 3, RWX);
	put(slot, PAGE(TB, AP1));
	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_ADDR_SIZE, 3);
	put(slot, PAGE(TB, AP1) & ~AF);
	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_ADDR_SIZE, 3);
	/* a next-level table above 2^40, named by the L2 descriptor */
	put(slot_for(&geo, VA, 2, NULL), (1ULL << 44) | 3);
	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_ADDR_SIZE, 2);
	/* the TTB itself */
	c.tt[0].ttb = 1ULL << 41;
	EXPECT_S1_FAULT(s1w(&c, NULL, VA, R, true), SMMU_EVT_F_ADDR_SIZE, 0);
}
END_TEST

/*
 * F_ACCESS (smmuv3.md 4.4): AF = 0 faults unless CD.AFFD or CD.HA; with
 * HA the walk sets AF in memory, only when the request may update. AF
 * comes before permissions.
 */
START_TEST(test_s1_access_flag)
{
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &geo);
	uint64_t slot = slot_for(&geo, 0x3000, 3, NULL);
	uint64_t d = PAGE(0x7000, AP1 | AP2) & ~AF;

	put(slot, d);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x3000, R, true), SMMU_EVT_F_ACCESS, 3);
	/* a write would be a permission fault too: AF first */
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x3000, W, true), SMMU_EVT_F_ACCESS, 3);
	c.affd = true;
	EXPECT_OK(s1w(&c, NULL, 0x3000, R, true), 0x7000, 0x1000, 3, R | X);
	ck_assert_uint_eq(get(slot), d);
	c.affd = false;
	c.ha = true;
	EXPECT_OK(s1w(&c, NULL, 0x3000, R, false), 0x7000, 0x1000, 3, R | X);
	ck_assert_uint_eq(get(slot), d);
	/* no AF update when the access then fails its permissions */
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x3000, W, true), SMMU_EVT_F_PERMISSION,
			3);
	ck_assert_uint_eq(get(slot), d);
	EXPECT_OK(s1w(&c, NULL, 0x3000, R, true), 0x7000, 0x1000, 3, R | X);
	ck_assert_uint_eq(get(slot), d | AF);
}
END_TEST

/*
 * Stage 1 permissions (smmuv3.md 4.3; DDI 0487 D8.4 direct permissions):
 * one row per rule. Leaf at L3 of a 4K T0SZ = 25 walk; @tattr goes into
 * the L1 and L2 table descriptors. An EL0-writable page is never
 * privileged-executable and CD.UWXN is IGNORED with AArch64 tables (IHI
 * 0070 5.4, CD.UWXN; DDI 0487 AArch64.S1DirectBasePermissions).
 */
static const struct perm_case {
	const char *rule;
	uint64_t leaf, tattr;
	bool wxn, uwxn, pan, had;
	unsigned int acc;
	int perm; /* -1: F_PERMISSION */
} perm_cases[] = {
	{ "AP=00 privileged RW", 0, 0, 0, 0, 0, 0, P | W, RWX },
	{ "AP=00 no unprivileged access", 0, 0, 0, 0, 0, 0, R, -1 },
	{ "AP=01 unprivileged RW", AP1, 0, 0, 0, 0, 0, W, RWX },
	{ "AP=10 privileged read-only", AP2, 0, 0, 0, 0, 0, P | W, -1 },
	{ "AP=10 privileged read", AP2, 0, 0, 0, 0, 0, P | R, R | X },
	{ "AP=10 no unprivileged access", AP2, 0, 0, 0, 0, 0, R, -1 },
	{ "AP=11 unprivileged read", AP1 | AP2, 0, 0, 0, 0, 0, R, R | X },
	{ "AP=11 read-only", AP1 | AP2, 0, 0, 0, 0, 0, W, -1 },
	{ "APTable[0] no unprivileged", AP1, APT0, 0, 0, 0, 0, R, -1 },
	{ "APTable[0] privileged ok", AP1, APT0, 0, 0, 0, 0, P | W, RWX },
	{ "APTable[1] no write", AP1, APT1, 0, 0, 0, 0, P | W, -1 },
	{ "APTable[1] unprivileged read", AP1, APT1, 0, 0, 0, 0, R, R | X },
	{ "HAD ignores APTable", AP1, APT0 | APT1, 0, 0, 0, 1, W, RWX },
	{ "UXN unprivileged exec", AP1 | UXN, 0, 0, 0, 0, 0, R | X, -1 },
	{ "UXN privileged exec ok", AP1 | AP2 | UXN, 0, 0, 0, 0, 0, P | R | X,
	  R | X },
	{ "PXN privileged exec", AP1 | PXN, 0, 0, 0, 0, 0, P | R | X, -1 },
	{ "PXN unprivileged exec ok", AP1 | PXN, 0, 0, 0, 0, 0, R | X, RWX },
	{ "XNTable unprivileged exec", AP1, XNT, 0, 0, 0, 0, R | X, -1 },
	{ "XNTable privileged ok", AP1 | AP2, XNT, 0, 0, 0, 0, P | R | X,
	  R | X },
	{ "PXNTable privileged exec", AP1, PXNT, 0, 0, 0, 0, P | R | X, -1 },
	{ "PXNTable unprivileged ok", AP1, PXNT, 0, 0, 0, 0, R | X, RWX },
	{ "HAD ignores XNTable", AP1, XNT | PXNT, 0, 0, 0, 1, R | X, RWX },
	{ "WXN privileged writable", AP1, 0, 1, 0, 0, 0, P | R | X, -1 },
	{ "WXN unprivileged writable", AP1, 0, 1, 0, 0, 0, R | X, -1 },
	{ "WXN privileged-only writable", 0, 0, 1, 0, 0, 0, P | R, RW },
	{ "WXN read-only exec ok", AP1 | AP2, 0, 1, 0, 0, 0, R | X, R | X },
	{ "WXN under APTable[1]", AP1, APT1, 1, 0, 0, 0, P | R | X, R | X },
	{ "EL0-writable is PXN", AP1, 0, 0, 0, 0, 0, P | R | X, -1 },
	{ "EL0-writable priv rights", AP1, 0, 0, 0, 0, 0, P | R, RW },
	{ "EL0-writable under APTable[1]", AP1, APT1, 0, 0, 0, 0, P | R | X,
	  R | X },
	{ "EL0-writable under APTable[0]", AP1, APT0, 0, 0, 0, 0, P | R | X,
	  RWX },
	{ "UWXN ignored: EL0-writable", AP1, 0, 0, 1, 0, 0, P | R | X, -1 },
	{ "UWXN ignored: EL0 exec", AP1, 0, 0, 1, 0, 0, R | X, RWX },
	{ "UWXN ignored: privileged-only", 0, 0, 0, 1, 0, 0, P | R | X, RWX },
	{ "UWXN ignored: EL0 read-only", AP1 | AP2, 0, 0, 1, 0, 0, P | R | X,
	  R | X },
	{ "PAN privileged read", AP1, 0, 0, 0, 1, 0, P | R, -1 },
	{ "PAN leaves exec", AP1 | AP2, 0, 0, 0, 1, 0, P | X, X },
	{ "PAN unprivileged read", AP1, 0, 0, 0, 1, 0, R, RWX },
	{ "PAN privileged-only page", 0, 0, 0, 0, 1, 0, P | W, RWX },
	{ "PAN under APTable[0]", AP1, APT0, 0, 0, 1, 0, P | R, RWX },
};

START_TEST(test_s1_permissions)
{
	const struct perm_case *t = &perm_cases[_i];
	uint64_t tattr[4] = { t->tattr, t->tattr, t->tattr, 0 };
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &geo);
	int rc;

	c.wxn = t->wxn;
	c.uwxn = t->uwxn;
	c.pan = t->pan;
	c.tt[0].had = t->had;
	put(slot_for(&geo, 0x40201000, 3, tattr), PAGE(0x9000, t->leaf));
	rc = s1w(&c, NULL, 0x40201010, t->acc, true);
	if (t->perm < 0) {
		ck_assert_msg(rc == -EFAULT, "%s", t->rule);
		EXPECT_S1_FAULT(rc, SMMU_EVT_F_PERMISSION, 3);
	} else {
		ck_assert_msg(rc == 0, "%s: event 0x%x", t->rule, flt.event);
		ck_assert_msg(out.x.perm == (unsigned int)t->perm,
			      "%s: perm 0x%x", t->rule, out.x.perm);
		EXPECT_OK(rc, 0x9010, 0x1000, 3, t->perm);
	}
}
END_TEST

/*
 * Table attributes are judged at the leaf: an invalid leaf under an
 * APTable restriction is F_TRANSLATION, not F_PERMISSION (smmuv3.md 4.4
 * order; QEMU checks APTable at the table).
 */
START_TEST(test_s1_translation_before_aptable)
{
	uint64_t tattr[4] = { APT0 | APT1, APT0 | APT1, APT0 | APT1, 0 };
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &geo);

	slot_for(&geo, 0x40201000, 3, tattr);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x40201000, W, true),
			SMMU_EVT_F_TRANSLATION, 3);
}
END_TEST

/*
 * Dirty state (smmuv3.md 4.2-4.3, CD.HD): a write to a DBM = 1,
 * AP[2] = 1 leaf clears AP[2] (in memory only with update) instead of
 * F_PERMISSION, when nothing else forbids the write; the page counts as
 * writable in perm. Without HD it is read-only.
 */
START_TEST(test_s1_dirty)
{
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &geo);
	uint64_t slot = slot_for(&geo, 0x5000, 3, NULL);
	uint64_t d = PAGE(0x8000, AP1 | AP2 | DBM);
	uint64_t tattr[4] = { APT1, APT1, APT1, 0 };
	uint64_t slot2 = slot_for(&geo, 0x40000000, 3, tattr);

	put(slot, d);
	put(slot2, d);
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x5000, W, true), SMMU_EVT_F_PERMISSION,
			3);
	c.hd = true;
	EXPECT_OK(s1w(&c, NULL, 0x5000, R, true), 0x8000, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot), d);
	EXPECT_OK(s1w(&c, NULL, 0x5000, W, false), 0x8000, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot), d);
	EXPECT_OK(s1w(&c, NULL, 0x5004, W, true), 0x8004, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot), d & ~AP2);
	/* APTable[1] forbids the write: still a permission fault */
	EXPECT_S1_FAULT(s1w(&c, NULL, 0x40000000, W, true),
			SMMU_EVT_F_PERMISSION, 3);
	ck_assert_uint_eq(get(slot2), d);
	/* HA and HD together: one write-back with AF set and AP[2] clear */
	c.ha = true;
	put(slot, d & ~AF);
	EXPECT_OK(s1w(&c, NULL, 0x5000, W, true), 0x8000, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot), d & ~AP2);
}
END_TEST

/*
 * F_WALK_EABT (smmuv3.md 4.4): a descriptor that cannot be read (here at
 * 2^44, beyond RAM) stops the walk; CLASS TT, FetchAddr = the
 * descriptor's PA, level = its level.
 */
START_TEST(test_s1_walk_abort)
{
	struct geo geo;
	struct smmu_s1_cfg c = s1_cfg(12, 25, &geo);
	uint64_t bad = 1ULL << 44, va = 0x40201000;

	put(slot_for(&geo, va, 2, NULL), bad | 3);
	EXPECT_FAULT(s1w(&c, NULL, va, R, true), SMMU_EVT_F_WALK_EABT, 3, false,
		     SMMU_CLASS_TT, 0, bad + 8 * 1);
	c.tt[0].ttb = bad;
	EXPECT_FAULT(s1w(&c, NULL, va, R, true), SMMU_EVT_F_WALK_EABT, 1, false,
		     SMMU_CLASS_TT, 0, bad + 8 * 1);
}
END_TEST

/* ---- stage 2 ------------------------------------------------------------- */

#define IPA 0xfedcba9876ULL

/*
 * A stage 2 walk to a page, every granule, S2T0SZ = 24 and S2SL0 = 1
 * (smmuv3.md 4.1): 4K starts at L1 with 2 concatenated tables, 16K at L2
 * with 16, 64K at L2 with one; the start index is IPA[39:shift(SL)].
 */
START_TEST(test_s2_page_walk)
{
	unsigned int g = granules[_i];
	uint64_t gran = 1ULL << g, pa = 0x90000000;
	struct geo geo;
	struct smmu_s2_cfg c = s2_cfg(g, 24, 1, &geo);

	ck_assert_uint_eq(geo.sl, g == 12 ? 1 : 2);
	ck_assert_uint_eq(geo.idx_bits, g == 12 ? 10 : g == 14 ? 15 : 11);
	put(slot_for(&geo, IPA, 3, NULL), PAGE(pa, S2R | S2W));
	trace_on();
	EXPECT_OK(s2w(&c, IPA, RW, SMMU_CLASS_IN), pa + (IPA & (gran - 1)),
		  gran, 3, RWX);
	ck_assert(!out.global);
	ck_assert_uint_eq(nev, 4 - geo.sl);
	ck_assert_str_eq(ev[0].structure,
			 g == 12 ? "S2 L1 descriptor" : "S2 L2 descriptor");
	ck_assert_str_eq(ev[nev - 1].structure, "S2 L3 descriptor");
	ck_assert_str_eq(ev[nev - 1].decision, "leaf: page");
	ck_assert_uint_eq(ev[0].addr,
			  geo.root + 8 * (IPA >> shift_of(g, geo.sl)));
}
END_TEST

/*
 * Concatenation (smmuv3.md 4.1): the start level indexes one array of
 * 2^(IAsize - shift(SL)) entries at S2TTB. 4K, S2T0SZ = 24, SL0 = 1: two
 * L1 tables, IPA bit 39 picks the second; S2T0SZ = 21: sixteen, IPA
 * [42:39] = 15 picks the last. L1 1 GiB blocks are legal at stage 2.
 */
START_TEST(test_s2_concat)
{
	struct geo geo;
	struct smmu_s2_cfg c = s2_cfg(12, 24, 1, &geo);
	uint64_t ipa = (1ULL << 39) | (5ULL << 30) | 0x1234567;

	ck_assert_uint_eq(geo.idx_bits, 10);
	put(geo.root + 0x1000 + 8 * 5, BLOCK(0x40000000, S2R));
	EXPECT_OK(s2w(&c, ipa, R, SMMU_CLASS_IN), 0x41234567, 1ULL << 30, 1,
		  R | X);
	/* S2TTB bits below the concatenated size count as zero */
	c.vttb |= 0x1000;
	EXPECT_OK(s2w(&c, ipa, R, SMMU_CLASS_IN), 0x41234567, 1ULL << 30, 1,
		  R | X);

	c = s2_cfg(12, 21, 1, &geo);
	ipa = (15ULL << 39) | (5ULL << 30) | 0x1234567;
	ck_assert_uint_eq(geo.idx_bits, 13);
	put(geo.root + 15 * 0x1000 + 8 * 5, BLOCK(0x80000000, S2R | S2W));
	EXPECT_OK(s2w(&c, ipa, W, SMMU_CLASS_IN), 0x81234567, 1ULL << 30, 1,
		  RWX);
	EXPECT_FAULT(s2w(&c, 1ULL << 43, R, SMMU_CLASS_IN),
		     SMMU_EVT_F_TRANSLATION, 0, true, SMMU_CLASS_IN, 1ULL << 43,
		     0);
}
END_TEST

/*
 * Stage 2 input range (smmuv3.md 4.1, 4.4): an IPA at or above
 * 2^(64 - S2T0SZ) is F_TRANSLATION with S2 = 1, the IPA, and the CLASS
 * the caller names.
 */
START_TEST(test_s2_ipa_range)
{
	struct geo geo;
	struct smmu_s2_cfg c = s2_cfg(12, 24, 1, &geo);

	EXPECT_FAULT(s2w(&c, TB, R, SMMU_CLASS_IN), SMMU_EVT_F_TRANSLATION, 0,
		     true, SMMU_CLASS_IN, TB, 0);
	EXPECT_FAULT(s2w(&c, TB + 0x1234, R, SMMU_CLASS_CD),
		     SMMU_EVT_F_TRANSLATION, 0, true, SMMU_CLASS_CD,
		     TB + 0x1234, 0);
	/* in range but unmapped: the L1 entry is invalid */
	EXPECT_FAULT(s2w(&c, TB - 1, R, SMMU_CLASS_TT), SMMU_EVT_F_TRANSLATION,
		     1, true, SMMU_CLASS_TT, TB - 1, 0);
}
END_TEST

/*
 * S2AP (smmuv3.md 4.2-4.3): bit 6 allows reads, bit 7 writes; 00 none,
 * 01 read-only, 10 write-only, 11 read-write.
 */
START_TEST(test_s2ap)
{
	static const struct {
		uint64_t s2ap;
		unsigned int acc;
		int perm;
	} v[] = {
		{ 0, R, -1 },		{ 0, W, -1 },
		{ S2R, R, R | X },	{ S2R, W, -1 },
		{ S2W, W, W | X },	{ S2W, R, -1 },
		{ S2R | S2W, RW, RWX }, { S2R | S2W, P | W, RWX },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(v); i++) {
		struct geo geo;
		struct smmu_s2_cfg c = s2_cfg(12, 24, 1, &geo);
		int rc;

		put(slot_for(&geo, IPA, 3, NULL), PAGE(0x6000, v[i].s2ap));
		rc = s2w(&c, IPA, v[i].acc, SMMU_CLASS_IN);
		if (v[i].perm < 0)
			EXPECT_FAULT(rc, SMMU_EVT_F_PERMISSION, 3, true,
				     SMMU_CLASS_IN, IPA, 0);
		else
			EXPECT_OK(rc, 0x6876, 0x1000, 3, v[i].perm);
	}
}
END_TEST

/*
 * Stage 2 XN (DDI 0487 D8, FEAT_XNX; smmuv3.md 4.2): with IDR3.XNX,
 * XN[1:0] = 00 exec, 01 no privileged exec, 10 none, 11 no unprivileged
 * exec; without it only XN[1] (bit 54) counts, for both.
 */
START_TEST(test_s2_xn)
{
	static const struct {
		bool xnx;
		uint64_t xn;
		bool priv_x, unpriv_x;
	} v[] = {
		{ false, 0, true, true },
		{ false, PXN, true, true },
		{ false, UXN, false, false },
		{ false, UXN | PXN, false, false },
		{ true, 0, true, true },
		{ true, PXN, false, true },
		{ true, UXN, false, false },
		{ true, UXN | PXN, true, false },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(v); i++) {
		struct geo geo;
		struct smmu_s2_cfg c = s2_cfg(12, 24, 1, &geo);
		int rc;

		c.xnx = v[i].xnx;
		put(slot_for(&geo, IPA, 3, NULL),
		    PAGE(0x6000, S2R | S2W | v[i].xn));
		for (unsigned int priv = 0; priv < 2; priv++) {
			bool x = priv ? v[i].priv_x : v[i].unpriv_x;

			rc = s2w(&c, IPA, R | X | (priv ? P : 0),
				 SMMU_CLASS_IN);
			if (x)
				EXPECT_OK(rc, 0x6876, 0x1000, 3, RWX);
			else
				EXPECT_FAULT(rc, SMMU_EVT_F_PERMISSION, 3, true,
					     SMMU_CLASS_IN, IPA, 0);
			rc = s2w(&c, IPA, R | (priv ? P : 0), SMMU_CLASS_IN);
			EXPECT_OK(rc, 0x6876, 0x1000, 3, x ? RWX : RW);
		}
	}
}
END_TEST

/*
 * Stage 2 leaf faults and HTTU (smmuv3.md 4.4): F_ADDR_SIZE above the
 * effective PS, F_ACCESS on AF = 0 unless S2AFFD / S2HA (HA sets AF),
 * S2HD with DBM: a write to a S2AP-write = 0 page sets S2AP[1].
 * F_WALK_EABT reports S2 = 1 with FetchAddr. 4K L0 blocks are reserved.
 */
START_TEST(test_s2_faults)
{
	struct geo geo;
	struct smmu_s2_cfg c = s2_cfg(12, 24, 1, &geo);
	uint64_t slot = slot_for(&geo, IPA, 3, NULL);
	uint64_t d = PAGE(0x6000, S2R | DBM) & ~AF;

	c.ps = 40;
	put(slot, PAGE(TB, S2R));
	EXPECT_FAULT(s2w(&c, IPA, R, SMMU_CLASS_IN), SMMU_EVT_F_ADDR_SIZE, 3,
		     true, SMMU_CLASS_IN, IPA, 0);
	put(slot, d);
	EXPECT_FAULT(s2w(&c, IPA, R, SMMU_CLASS_TT), SMMU_EVT_F_ACCESS, 3, true,
		     SMMU_CLASS_TT, IPA, 0);
	c.affd = true;
	EXPECT_OK(s2w(&c, IPA, R, SMMU_CLASS_IN), 0x6876, 0x1000, 3, R | X);
	ck_assert_uint_eq(get(slot), d);
	EXPECT_FAULT(s2w(&c, IPA, W, SMMU_CLASS_IN), SMMU_EVT_F_PERMISSION, 3,
		     true, SMMU_CLASS_IN, IPA, 0);
	c.affd = false;
	c.ha = true;
	c.hd = true;
	EXPECT_OK(s2w(&c, IPA, R, SMMU_CLASS_IN), 0x6876, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot), d | AF);
	EXPECT_OK(s2w(&c, IPA, W, SMMU_CLASS_IN), 0x6876, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot), d | AF | S2W);
	/* a table beyond RAM */
	put(slot_for(&geo, IPA, 2, NULL), (1ULL << 44) | 3);
	c.ps = 48;
	EXPECT_FAULT(s2w(&c, IPA, R, SMMU_CLASS_IN), SMMU_EVT_F_WALK_EABT, 3,
		     true, SMMU_CLASS_IN, IPA,
		     (1ULL << 44) + 8 * ((IPA >> 12) & 511));
	/* 4K L0 block: reserved */
	c = s2_cfg(12, 16, 2, &geo);
	put(slot_for(&geo, IPA, 0, NULL), BLOCK(0, S2R));
	EXPECT_FAULT(s2w(&c, IPA, R, SMMU_CLASS_IN), SMMU_EVT_F_TRANSLATION, 0,
		     true, SMMU_CLASS_IN, IPA, 0);
}
END_TEST

/* ---- nested -------------------------------------------------------------- */

/*
 * Nested (smmuv3.md 3.1, 9 item 7): every stage 1 table address is an
 * IPA translated by stage 2 before the fetch; the stage 1 leaf output is
 * not. Stage 2 here: 4K, 40-bit IPA, one 1 GiB block IPA [0, 1G) ->
 * PA [1G, 2G). Trace order: S2 fetch, then the S1 fetch at the PA.
 */
START_TEST(test_nested_walk)
{
	struct geo g2, g1;
	struct smmu_s2_cfg s2 = s2_cfg(12, 24, 1, &g2);
	struct smmu_s1_cfg c;
	uint64_t va = 0x12345678;

	put(g2.root, BLOCK(0x40000000, S2R | S2W));
	c = s1_cfg(12, 25, &g1);
	view_off = 0x40000000;
	put(slot_for(&g1, va, 3, NULL) + view_off, PAGE(0x5000000, AP1));
	trace_on();
	EXPECT_OK(s1w(&c, &s2, va, R, true), 0x5000678, 0x1000, 3, RWX);
	ck_assert_uint_eq(nev, 6);
	for (unsigned int i = 0; i < 6; i += 2) {
		ck_assert_str_eq(ev[i].structure, "S2 L1 descriptor");
		ck_assert_str_eq(ev[i].decision, "leaf: block");
		ck_assert_uint_eq(ev[i].addr, g2.root);
		ck_assert_uint_ge(ev[i + 1].addr, 0x40000000);
	}
	ck_assert_str_eq(ev[1].structure, "S1 L1 descriptor");
	ck_assert_uint_eq(ev[1].addr, g1.root + 0x40000000);
	ck_assert_str_eq(ev[5].structure, "S1 L3 descriptor");
}
END_TEST

/*
 * A stage 1 table address faulting at stage 2 is returned as stage 2
 * made it: S2 = 1, CLASS TT, IPA = the stage 1 descriptor's IPA
 * (smmuv3.md 3.1, 6.1). The TTB unmapped; the TTB beyond S2T0SZ; a
 * next-level table unmapped.
 */
START_TEST(test_nested_table_fault)
{
	struct geo g2, g1;
	struct smmu_s2_cfg s2 = s2_cfg(12, 24, 1, &g2);
	struct smmu_s1_cfg c = s1_cfg(12, 25, &g1);
	uint64_t va = 0x40201000, l1 = g1.root + 8 * 1;

	EXPECT_FAULT(s1w(&c, &s2, va, R, true), SMMU_EVT_F_TRANSLATION, 1, true,
		     SMMU_CLASS_TT, l1, 0);
	c.tt[0].ttb = 1ULL << 41;
	EXPECT_FAULT(s1w(&c, &s2, va, R, true), SMMU_EVT_F_TRANSLATION, 0, true,
		     SMMU_CLASS_TT, (1ULL << 41) + 8, 0);
	/* IPA [0, 1G) -> PA [1G, 2G); the L1 entry names a table at 1G + */
	c.tt[0].ttb = g1.root;
	put(g2.root, BLOCK(0x40000000, S2R | S2W));
	put(l1 + 0x40000000, 0x50000000 | 3);
	EXPECT_FAULT(s1w(&c, &s2, va, R, true), SMMU_EVT_F_TRANSLATION, 1, true,
		     SMMU_CLASS_TT, 0x50000000 + 8 * 1, 0);
	/* the stage 2 block has no read permission */
	put(g2.root, BLOCK(0x40000000, S2W));
	EXPECT_FAULT(s1w(&c, &s2, va, R, true), SMMU_EVT_F_PERMISSION, 1, true,
		     SMMU_CLASS_TT, l1, 0);
}
END_TEST

/*
 * The descriptor's own IPA is translated, not its table's base: a 64K
 * stage 1 table spans sixteen 4K stage 2 pages mapped anywhere. S1: 64K,
 * T0SZ = 25 (start L2, 1024 entries); index 512 lies in the table's
 * second 4K page.
 */
START_TEST(test_nested_granules)
{
	struct geo g2;
	struct smmu_s2_cfg s2 = s2_cfg(12, 24, 1, &g2);
	struct smmu_s1_cfg c = { .oas = 48 };
	uint64_t t = 0x20000000, t2 = 0x20010000;
	uint64_t a = 0x30000000, b = 0x30005000, cc = 0x30009000;
	uint64_t va = (512ULL << 29) | (3ULL << 16) | 0x123;

	c.tt[0] = (struct smmu_tt){ .ttb = t, .granule = 16, .tsz = 25 };
	c.tt[0].sl = (uint8_t)smmu_s1_start_level(16, 25);
	c.tt[1].epd = true;
	ck_assert_uint_eq(c.tt[0].sl, 2);
	put(slot_for(&g2, t, 3, NULL), PAGE(a, S2R | S2W));
	put(slot_for(&g2, t + 0x1000, 3, NULL), PAGE(b, S2R | S2W));
	put(slot_for(&g2, t2, 3, NULL), PAGE(cc, S2R | S2W));
	put(b, t2 | 3);
	put(cc + 8 * 3, PAGE(0x7770000, AP1));
	EXPECT_OK(s1w(&c, &s2, va, R, true), 0x7770123, 0x10000, 3, RWX);
}
END_TEST

/*
 * HTTU on a nested stage 1 leaf writes the descriptor through stage 2:
 * its IPA must be writable there, else a stage 2 F_PERMISSION with CLASS
 * TT and the descriptor's IPA (DDI 0487 D8, hardware updates).
 */
START_TEST(test_nested_httu)
{
	struct geo g2, g1;
	struct smmu_s2_cfg s2 = s2_cfg(12, 24, 1, &g2);
	struct smmu_s1_cfg c;
	uint64_t va = 0x12345678, slot;

	put(g2.root, BLOCK(0x40000000, S2R));
	c = s1_cfg(12, 25, &g1);
	c.ha = true;
	view_off = 0x40000000;
	slot = slot_for(&g1, va, 3, NULL);
	put(slot + view_off, PAGE(0x5000000, AP1) & ~AF);
	EXPECT_FAULT(s1w(&c, &s2, va, R, true), SMMU_EVT_F_PERMISSION, 1, true,
		     SMMU_CLASS_TT, slot, 0);
	ck_assert(flt.tt_write); /* the AF update, a write: TTRnW 0 */
	ck_assert_uint_eq(get(slot + view_off), PAGE(0x5000000, AP1) & ~AF);
	put(g2.root, BLOCK(0x40000000, S2R | S2W));
	EXPECT_OK(s1w(&c, &s2, va, R, true), 0x5000678, 0x1000, 3, RWX);
	ck_assert_uint_eq(get(slot + view_off), PAGE(0x5000000, AP1));
}
END_TEST

/* ---- robustness ---------------------------------------------------------- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/*
 * Memory full of descriptors: mostly plausible ones (valid, pointing at
 * one of the frames, random attributes), some with random high bits or
 * addresses, one in eight pure noise.
 */
static void fill_random(uint64_t *frames, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		frames[i] = 0x100000 + 0x10000ULL * i;
	for (unsigned int i = 0; i < n; i++) {
		for (uint64_t off = 0; off < 0x10000; off += 8) {
			uint64_t r = rnd(), e = frames[rnd() % n];

			if (!(r >> 50 & 7))
				e = r & GENMASK_ULL(49, 12);
			e |= (r & GENMASK_ULL(11, 2)) | (r >> 40 & 3 ? 3 : 1);
			if (r >> 44 & 1)
				e |= r & GENMASK_ULL(63, 51);
			if (!(r >> 41 & 7))
				e = r;
			put(frames[i] + off, e);
		}
	}
}

static uint8_t pick(bool sane, unsigned int lo, unsigned int span)
{
	return (uint8_t)(sane ? lo + rnd() % span : rnd());
}

/* One region: sane (valid geometry at a frame) three times in four. */
static void random_tt(struct smmu_tt *tt, const uint64_t *frames,
		      unsigned int n)
{
	static const uint8_t gs[] = { 12, 14, 16, 0, 13, 255 };
	bool sane = rnd() & 3;

	tt->ttb = sane ? frames[rnd() % n] : rnd();
	tt->granule = gs[rnd() % (sane ? 3 : 6)];
	tt->tsz = pick(sane, 16, 24);
	tt->sl = sane ? (uint8_t)smmu_s1_start_level(tt->granule, tt->tsz) :
			(uint8_t)(rnd() % 8);
	tt->epd = rnd() % 8 == 0;
	tt->had = rnd() & 1;
}

static void random_cfgs(const uint64_t *frames, unsigned int n,
			struct smmu_s1_cfg *c, struct smmu_s2_cfg *s2)
{
	static const uint8_t gs[] = { 12, 14, 16, 0, 13, 255 };
	uint64_t r = rnd();
	bool sane = r & 3;
	unsigned int sl = 0;

	memset(c, 0, sizeof(*c));
	random_tt(&c->tt[0], frames, n);
	random_tt(&c->tt[1], frames, n);
	c->tbi = r >> 2 & 3;
	c->oas = pick(r >> 4 & 3, 40, 9);
	c->affd = r >> 8 & 1;
	c->ha = r >> 9 & 1;
	c->hd = r >> 10 & 1;
	c->wxn = r >> 11 & 1;
	c->uwxn = r >> 12 & 1;
	c->pan = r >> 13 & 1;
	memset(s2, 0, sizeof(*s2));
	s2->vttb = sane ? frames[rnd() % n] : rnd();
	s2->granule = gs[rnd() % (sane ? 3 : 6)];
	s2->tsz = pick(sane, 16, 24);
	if (sane && !smmu_s2_start_level(s2->granule, (unsigned int)rnd() % 3,
					 s2->tsz, &sl))
		s2->sl = (uint8_t)sl;
	else
		s2->sl = (uint8_t)(rnd() % 5);
	s2->ps = pick(r >> 14 & 3, 40, 9);
	s2->affd = r >> 18 & 1;
	s2->ha = r >> 19 & 1;
	s2->hd = r >> 20 & 1;
	s2->xnx = r >> 21 & 1;
}

/*
 * Never crash, never leave the contract: any configuration and any table
 * content ends in a translation or one of the five walk events, with
 * levels 0..3 and power-of-two pages (run under ASan/UBSan too).
 */
START_TEST(test_random_never_crash)
{
	uint64_t frames[8];
	unsigned int ok = 0, faults = 0, hist[32] = { 0 };

	rnd_state = 0x9e3779b97f4a7c15ULL;
	fill_random(frames, 8);
	for (unsigned int i = 0; i < 30000; i++) {
		struct smmu_s1_cfg c;
		struct smmu_s2_cfg s2;
		uint64_t ia = rnd();
		unsigned int acc = (unsigned int)rnd() & 15, mode = i % 3, bits;
		int rc;

		random_cfgs(frames, 8, &c, &s2);
		/* mostly inside the configured input range */
		bits = 64 - ((mode == 2 ? s2.tsz : c.tt[0].tsz) & 63);
		if (i & 3)
			ia &= GENMASK_ULL(bits - 1, 0);

		if (mode == 2)
			rc = s2w(&s2, ia, acc, (unsigned int)rnd() % 3);
		else
			rc = s1w(&c, mode ? &s2 : NULL, ia, acc, rnd() & 1);
		ck_assert(rc == 0 || rc == -EFAULT);
		if (rc) {
			faults++;
			hist[flt.event & 31]++;
			ck_assert_uint_le(flt.level, 3);
			ck_assert(flt.event == SMMU_EVT_F_WALK_EABT ||
				  (flt.event >= SMMU_EVT_F_TRANSLATION &&
				   flt.event <= SMMU_EVT_F_PERMISSION));
			ck_assert_uint_le(flt.class, SMMU_CLASS_IN);
			continue;
		}
		ok++;
		ck_assert_uint_le(out.level, 3);
		ck_assert_uint_ge(out.x.page_size, 0x1000);
		ck_assert_uint_eq(out.x.page_size & (out.x.page_size - 1), 0);
		ck_assert_uint_lt(out.x.out_addr, 1ULL << 48);
		ck_assert_uint_eq(out.x.perm & ~(unsigned int)RWX, 0);
	}
	ck_assert_uint_gt(faults, 0);
	ck_assert_uint_gt(ok, 0);
	/* every walk event came up at least once */
	ck_assert_uint_gt(hist[SMMU_EVT_F_WALK_EABT], 0);
	for (unsigned int k = SMMU_EVT_F_TRANSLATION;
	     k <= SMMU_EVT_F_PERMISSION; k++)
		ck_assert_uint_gt(hist[k], 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("smmuv3_walk");
	TCase *geo = tcase_create("geometry");
	TCase *s1 = tcase_create("stage1");
	TCase *s2 = tcase_create("stage2");
	TCase *nest = tcase_create("nested");
	TCase *fuzz = tcase_create("robustness");

	tcase_add_test(geo, test_s1_start_level);
	tcase_add_test(geo, test_s2_start_level);

	tcase_add_checked_fixture(s1, setup, teardown);
	tcase_add_loop_test(s1, test_s1_page_walk, 0, 3);
	tcase_add_loop_test(s1, test_s1_blocks, 0, 3);
	tcase_add_loop_test(s1, test_s1_bad_blocks, 0, 3);
	tcase_add_loop_test(s1, test_s1_invalid, 0, 3);
	tcase_add_loop_test(s1, test_s1_addr_size, 0, 3);
	tcase_add_test(s1, test_s1_tsz_range);
	tcase_add_test(s1, test_s1_ttb1);
	tcase_add_test(s1, test_s1_tbi);
	tcase_add_test(s1, test_s1_gap);
	tcase_add_test(s1, test_s1_epd);
	tcase_add_test(s1, test_s1_access_flag);
	tcase_add_loop_test(s1, test_s1_permissions, 0,
			    (int)ARRAY_SIZE(perm_cases));
	tcase_add_test(s1, test_s1_translation_before_aptable);
	tcase_add_test(s1, test_s1_dirty);
	tcase_add_test(s1, test_s1_walk_abort);

	tcase_add_checked_fixture(s2, setup, teardown);
	tcase_add_loop_test(s2, test_s2_page_walk, 0, 3);
	tcase_add_test(s2, test_s2_concat);
	tcase_add_test(s2, test_s2_ipa_range);
	tcase_add_test(s2, test_s2ap);
	tcase_add_test(s2, test_s2_xn);
	tcase_add_test(s2, test_s2_faults);

	tcase_add_checked_fixture(nest, setup, teardown);
	tcase_add_test(nest, test_nested_walk);
	tcase_add_test(nest, test_nested_table_fault);
	tcase_add_test(nest, test_nested_granules);
	tcase_add_test(nest, test_nested_httu);

	tcase_add_checked_fixture(fuzz, setup, teardown);
	tcase_set_timeout(fuzz, 60);
	tcase_add_test(fuzz, test_random_never_crash);

	suite_add_tcase(s, geo);
	suite_add_tcase(s, s1);
	suite_add_tcase(s, s2);
	suite_add_tcase(s, nest);
	suite_add_tcase(s, fuzz);
	return check_run_suite(s);
}

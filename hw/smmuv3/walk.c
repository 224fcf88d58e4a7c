// SPDX-License-Identifier: MIT
/*
 * walk.c - the SMMUv3 VMSAv8-64 translation-table walkers (AArch64
 * tables, 4, 16 and 64 KiB granules, 48-bit output), pure functions of
 * (memory, configuration, request): they read descriptors, emit one trace
 * event per descriptor read and return the leaf or the fault the event
 * record needs. They record nothing and cache nothing; translate.c does.
 * The one side effect is HTTU: setting AF and clearing the dirty-state
 * bit in a leaf, and only when the request allows it (@update).
 *
 * Vocabulary: g is log2 of the granule, stride = g - 3 index bits per
 * table, shift(L) = g + (3 - L) * stride is the lowest input bit level L
 * resolves, so a level L leaf spans 2^shift(L) bytes. Levels run from the
 * start level (0 at most) down to 3.
 *
 * Sources: shared/reference/smmuv3.md 3.4 (region selection), 4.1
 * (geometry), 4.2 (descriptors), 4.3 (permissions), 4.4 (fault priority),
 * after Arm DDI 0487 chapter D8 and IHI 0070. Bit positions checked
 * against torvalds/linux drivers/iommu/io-pgtable-arm.c (ARM_LPAE_PTE_*)
 * and qemu/qemu hw/arm/smmu-internal.h (PTE_AP, PTE_APTABLE, PTE_AF).
 * Unlike QEMU, blocks are accepted only where the granule allows them
 * (4K: L1, L2; 16K and 64K: L2), and TBI1 really is CD.TBI bit 1.
 *
 * Fault priority inside one stage (smmuv3.md 4.4): F_WALK_EABT (the
 * descriptor could not be read), F_TRANSLATION (input out of range, EPD,
 * invalid or reserved descriptor), F_ADDR_SIZE (table or output address
 * above the output size), F_ACCESS (AF = 0), F_PERMISSION. Table
 * attributes are only gathered on the way down and judged at the leaf,
 * so a lower level's translation fault wins over an APTable restriction.
 * Faults found before any descriptor is read (input range, EPD, table
 * base above the output size) report level 0, as DDI 0487's pseudocode
 * does.
 */
#include <errno.h>
#include <inttypes.h>

#include "smmuv3.h"

/*
 * Descriptor fields (smmuv3.md 4.2; DDI 0487 D8.3). Type in bits [1:0]:
 * bit 0 valid, bit 1 set for a table (L0-L2) or a page (L3), clear for a
 * block. The output address is bits [47:g] of a table or page and
 * [47:shift(L)] of a block (Linux io-pgtable-arm.c iopte_to_paddr for
 * 48-bit OAs; QEMU smmu-internal.h PTE_ADDRESS).
 */
#define TTD_VALID BIT_ULL(0)
#define TTD_TABLE BIT_ULL(1)
#define TTD_AF BIT_ULL(10) /* Linux ARM_LPAE_PTE_AF */
#define TTD_DBM BIT_ULL(51) /* Linux ARM_LPAE_PTE_DBM */
#define TTD_OA_TOP 47

/* Stage 1 leaf: AP[2:1] in [7:6] (Linux ARM_LPAE_PTE_AP_UNPRIV/RDONLY),
 * nG (ARM_LPAE_PTE_nG), PXN and UXN (the two halves of ARM_LPAE_PTE_XN). */
#define TTD_S1_AP1 BIT_ULL(6) /* accessible unprivileged */
#define TTD_S1_AP2 BIT_ULL(7) /* read-only */
#define TTD_S1_NG BIT_ULL(11)
#define TTD_S1_PXN BIT_ULL(53)
#define TTD_S1_UXN BIT_ULL(54)

/* Stage 1 table attributes, unless CD.HADx (smmuv3.md 4.2; QEMU
 * PTE_APTABLE is bits [62:61]). */
#define TTD_S1_PXNTABLE BIT_ULL(59)
#define TTD_S1_XNTABLE BIT_ULL(60) /* UXNTable */
#define TTD_S1_APTABLE0 BIT_ULL(61) /* no unprivileged access below */
#define TTD_S1_APTABLE1 BIT_ULL(62) /* no write below */

/* Stage 2 leaf: S2AP in [7:6] (Linux ARM_LPAE_PTE_HAP_READ/WRITE), XN in
 * [54:53] (XN[1] at 54; XN[0] only with IDR3.XNX). */
#define TTD_S2_S2AP_R BIT_ULL(6)
#define TTD_S2_S2AP_W BIT_ULL(7)
#define TTD_S2_XN GENMASK_ULL(54, 53)

/* Stage 2 may concatenate up to 16 start-level tables: 4 more index bits
 * (smmuv3.md 4.1; Linux ARM_LPAE_S2_MAX_CONCAT_PAGES). */
#define S2_CONCAT_BITS 4

/* The "no start level" answer of smmu_s1_start_level(). */
#define NO_LEVEL 4

static const char *const s1_names[4] = {
	"S1 L0 descriptor",
	"S1 L1 descriptor",
	"S1 L2 descriptor",
	"S1 L3 descriptor",
};

static const char *const s2_names[4] = {
	"S2 L0 descriptor",
	"S2 L1 descriptor",
	"S2 L2 descriptor",
	"S2 L3 descriptor",
};

/**
 * struct walk - one walk in progress (either stage).
 * @pm: memory.
 * @tr: trace.
 * @rq: the request.
 * @f: where a fault goes.
 * @s1: the stage 1 configuration, or NULL in a stage 2 walk.
 * @s2: stage 2: the walk's own configuration, or in a stage 1 walk the
 *      stage that translates table addresses (NULL when not nested).
 * @tt: stage 1: the selected region.
 * @names: trace names per level.
 * @class: stage 2: the CLASS its faults report.
 * @g: log2 of the granule.
 * @oas: output size in bits, at most SMMU_OA_MAX_BITS.
 * @pa: the descriptor being read (its PA).
 * @ipa: stage 1 nested: the same descriptor's IPA.
 * @no_write, @no_unpriv, @xn_table, @pxn_table: stage 1 table attributes
 *      gathered so far (APTable[1], APTable[0], XNTable, PXNTable).
 */
struct walk {
	struct pm_space *pm;
	struct trace *tr;
	const struct smmu_wreq *rq;
	struct smmu_walk_fault *f;
	const struct smmu_s1_cfg *s1;
	const struct smmu_s2_cfg *s2;
	const struct smmu_tt *tt;
	const char *const *names;
	unsigned int class;
	unsigned int g;
	unsigned int oas;
	uint64_t pa, ipa;
	bool no_write, no_unpriv, xn_table, pxn_table;
};

/* ---- geometry ------------------------------------------------------------ */

static bool granule_ok(unsigned int g)
{
	return g == 12 || g == 14 || g == 16;
}

static unsigned int lvl_shift(unsigned int g, unsigned int level)
{
	return g + (3 - level) * (g - 3);
}

/*
 * Where 0b01 is a block without FEAT_LPA2 or 52-bit output: 4K at L1 and
 * L2, 16K and 64K at L2 only (smmuv3.md 4.1, 4.2). Anywhere else,
 * including L3, the encoding is reserved: a translation fault.
 */
static bool block_ok(unsigned int g, unsigned int level)
{
	return level == 2 || (g == 12 && level == 1);
}

static unsigned int min_oas(unsigned int bits)
{
	return bits < SMMU_OA_MAX_BITS ? bits : SMMU_OA_MAX_BITS;
}

/* An address with bits set at or above the output size. */
static bool oa_too_big(uint64_t addr, unsigned int bits)
{
	return bits < 64 && (addr >> bits) != 0;
}

/* The index bits of @ia at @level, @bits wide. */
static uint64_t lvl_index(uint64_t ia, unsigned int shift, unsigned int bits)
{
	return (ia >> shift) & (BIT_ULL(bits) - 1);
}

/**
 * smmu_s1_start_level() - the stage 1 start level of a region (smmuv3.md
 * 4.1): SL = 4 - ceil((64 - @tsz - @granule) / stride), so that the start
 * table resolves between 1 and stride input bits.
 * @granule: log2 of the granule (12, 14 or 16).
 * @tsz: TxSZ.
 *
 * Return: the level 0..3, or 4 when none fits: a granule other than 12,
 * 14 or 16, @tsz below 16 (input addresses above 48 bits need FEAT_LVA,
 * not modelled) or an input size not larger than the granule.
 */
unsigned int smmu_s1_start_level(unsigned int granule, unsigned int tsz)
{
	unsigned int stride = granule - 3, bits;

	if (!granule_ok(granule) || tsz < 16 || tsz >= 64 - granule)
		return NO_LEVEL;
	bits = 64 - tsz - granule;
	return 4 - (bits + stride - 1) / stride;
}

/*
 * A stage 2 start level fits an IPA size when it resolves at least one bit
 * and at most stride + 4 (16 concatenated tables): DDI 0487's
 * S2InconsistentSL rule, as smmuv3.md 4.1 states it. L0 exists only with
 * the 4K granule (16K L0 needs 52-bit addresses; 64K has no L0).
 */
static bool s2_sl_ok(unsigned int g, unsigned int tsz, unsigned int sl)
{
	unsigned int ia, shift;

	if (!granule_ok(g) || sl > 3 || (sl == 0 && g != 12) || tsz < 16 ||
	    tsz > 63)
		return false;
	ia = 64 - tsz;
	shift = lvl_shift(g, sl);
	return ia > shift && ia - shift <= g - 3 + S2_CONCAT_BITS;
}

/**
 * smmu_s2_start_level() - decode STE.S2SL0 for a granule and S2T0SZ.
 * @granule: log2 of the granule (12, 14 or 16).
 * @sl0: S2SL0.
 * @tsz: S2T0SZ.
 * @sl: the start level, on success.
 *
 * 4K: SL0 0, 1, 2 start at L2, L1, L0; 16K and 64K: at L3, L2, L1. SL0 3
 * needs FEAT_TTST or 52-bit addresses, neither modelled. The level must
 * also fit the IPA size (s2_sl_ok()). Every -EINVAL is one of the STE's
 * C_BAD_STE conditions (smmuv3.md 2.3 and 4.1).
 *
 * Return: 0, or -EINVAL.
 */
int smmu_s2_start_level(unsigned int granule, unsigned int sl0,
			unsigned int tsz, unsigned int *sl)
{
	unsigned int level;

	if (!granule_ok(granule) || sl0 > 2)
		return -EINVAL;
	level = (granule == 12 ? 2 : 3) - sl0;
	if (!s2_sl_ok(granule, tsz, level))
		return -EINVAL;
	*sl = level;
	return 0;
}

/* ---- faults and descriptor fetches --------------------------------------- */

/*
 * Fill the fault. Stage 1: CLASS IN, except a descriptor that could not
 * be read (CLASS TT). Stage 2: S2 set, the IPA, and the caller's CLASS.
 */
static int fault(const struct walk *w, unsigned int event, unsigned int level)
{
	struct smmu_walk_fault *f = w->f;

	*f = (struct smmu_walk_fault){ .event = event, .level = level };
	if (event == SMMU_EVT_F_WALK_EABT)
		f->fetch_addr = w->pa;
	if (!w->s1) {
		f->s2 = true;
		f->class = w->class;
		f->ipa = w->rq->ia;
	} else {
		f->class = event == SMMU_EVT_F_WALK_EABT ? SMMU_CLASS_TT :
							   SMMU_CLASS_IN;
	}
	return -EFAULT;
}

/*
 * w->pa for the descriptor at w->ipa: the same address, or in a nested
 * stage 1 walk stage 2's translation of it for @access (a read to fetch,
 * a write to update), whose fault is the walk's (CLASS TT).
 */
static int desc_pa(struct walk *w, unsigned int access)
{
	struct smmu_wreq r = { .ia = w->ipa,
			       .access = access,
			       .update = w->rq->update };
	struct smmu_walk_out o;

	w->pa = w->ipa;
	if (!w->s1 || !w->s2)
		return 0;
	if (smmu_walk_s2(w->pm, w->tr, w->s2, &r, SMMU_CLASS_TT, &o, w->f)) {
		w->f->tt_write = access & DMA_ACC_WRITE;
		return -EFAULT;
	}
	w->pa = o.x.out_addr;
	return 0;
}

/*
 * Read the descriptor at @addr. In a nested stage 1 walk @addr is an IPA:
 * stage 2 translates it first (a read, CLASS TT), and its fault is the
 * walk's fault unchanged. The descriptor's own IPA, not its table's base,
 * is translated: a stage 1 table may span several stage 2 pages.
 */
static int fetch(struct walk *w, uint64_t addr, unsigned int level, uint64_t *e)
{
	w->ipa = addr;
	if (desc_pa(w, DMA_ACC_READ))
		return -EFAULT;
	if (pm_ld64_le(w->pm, w->pa, e)) {
		trace_fetch(w->tr, w->names[level], w->pa, NULL, 0,
			    "fault: walk abort (external abort)",
			    "IA=0x%" PRIx64, w->rq->ia);
		return fault(w, SMMU_EVT_F_WALK_EABT, level);
	}
	return 0;
}

/*
 * Write a leaf back (HTTU). Nested, the stage 1 descriptor's IPA must be
 * writable at stage 2: it is translated again as a write (which may also
 * set stage 2's dirty state). Without @update nothing is written, but the
 * walk ends as if it had been (a strict re-walk must not change memory).
 */
static int write_back(struct walk *w, uint64_t n, unsigned int level)
{
	if (desc_pa(w, DMA_ACC_WRITE))
		return -EFAULT;
	if (w->rq->update && pm_st64_le(w->pm, w->pa, n)) {
		fault(w, SMMU_EVT_F_WALK_EABT, level);
		w->f->tt_write = true;
		return -EFAULT;
	}
	return 0;
}

/* Stage 1 table attributes accumulate down the walk unless HADx is set. */
static void s1_table_attrs(struct walk *w, uint64_t e)
{
	if (w->tt->had)
		return;
	w->no_write |= (e & TTD_S1_APTABLE1) != 0;
	w->no_unpriv |= (e & TTD_S1_APTABLE0) != 0;
	w->xn_table |= (e & TTD_S1_XNTABLE) != 0;
	w->pxn_table |= (e & TTD_S1_PXNTABLE) != 0;
}

static void trace_table(const struct walk *w, unsigned int level, uint64_t e,
			uint64_t next)
{
	if (!w->s1) {
		trace_fetch(w->tr, w->names[level], w->pa, &e, 1, "next: table",
			    "next=0x%" PRIx64, next);
		return;
	}
	trace_fetch(w->tr, w->names[level], w->pa, &e, 1, "next: table",
		    "next=0x%" PRIx64 " APTable=%u XNTable=%u PXNTable=%u",
		    next, (unsigned int)FIELD_GET(GENMASK_ULL(62, 61), e),
		    (unsigned int)FIELD_GET(TTD_S1_XNTABLE, e),
		    (unsigned int)FIELD_GET(TTD_S1_PXNTABLE, e));
}

/*
 * Walk from @table at @level down to a leaf. @idx_bits is how many index
 * bits the start table has (stage 2 concatenation included); below it
 * every table has stride. At most four descriptors are read.
 */
static int walk_tables(struct walk *w, uint64_t table, unsigned int level,
		       unsigned int idx_bits, uint64_t *leaf,
		       unsigned int *leaf_level)
{
	for (; level <= 3; level++) {
		unsigned int shift = lvl_shift(w->g, level);
		uint64_t pa = table + 8 * lvl_index(w->rq->ia, shift, idx_bits);
		uint64_t e, next;

		if (fetch(w, pa, level, &e))
			return -EFAULT;
		if (!(e & TTD_VALID)) {
			trace_fetch(w->tr, w->names[level], w->pa, &e, 1,
				    "fault: translation (invalid)", "type=%u",
				    (unsigned int)(e & 3));
			return fault(w, SMMU_EVT_F_TRANSLATION, level);
		}
		if (!(e & TTD_TABLE) && !block_ok(w->g, level)) {
			trace_fetch(w->tr, w->names[level], w->pa, &e, 1,
				    "fault: translation (reserved block)",
				    "type=1 granule=%u", w->g);
			return fault(w, SMMU_EVT_F_TRANSLATION, level);
		}
		if (level == 3 || !(e & TTD_TABLE)) {
			*leaf = e;
			*leaf_level = level;
			return 0;
		}
		next = e & GENMASK_ULL(TTD_OA_TOP, w->g);
		if (oa_too_big(next, w->oas)) {
			trace_fetch(w->tr, w->names[level], w->pa, &e, 1,
				    "fault: address size (table)",
				    "next=0x%" PRIx64 " oas=%u", next, w->oas);
			return fault(w, SMMU_EVT_F_ADDR_SIZE, level);
		}
		if (w->s1)
			s1_table_attrs(w, e);
		trace_table(w, level, e, next);
		table = next;
		idx_bits = w->g - 3;
	}
	return fault(w, SMMU_EVT_F_TRANSLATION, 3); /* not reached */
}

static const char *leaf_kind(unsigned int level)
{
	return level == 3 ? "leaf: page" : "leaf: block";
}

/* The OA of the request's byte, the span, the level: a successful walk. */
static int walk_done(const struct walk *w, uint64_t oa, unsigned int shift,
		     unsigned int level, unsigned int perm,
		     struct smmu_walk_out *out)
{
	out->x.page_size = BIT_ULL(shift);
	out->x.out_addr = oa | (w->rq->ia & (out->x.page_size - 1));
	out->x.perm = perm;
	out->level = level;
	out->global = false;
	return 0;
}

/* ---- stage 1 --------------------------------------------------------- */

/*
 * The rights a stage 1 leaf grants at the request's privilege (smmuv3.md
 * 4.3, after DDI 0487's direct permission scheme): AP[2:1] limited by
 * APTable; exec by UXN/XNTable or PXN/PXNTable, and by WXN on a page
 * writable at that privilege. A page unprivileged code may write is never
 * privileged-executable: VMSAv8-64 makes every EL0-writable region PXN,
 * and IHI 0070 5.4 makes CD.UWXN IGNORED with AArch64 tables, so UWXN is
 * not looked at. PAN takes privileged data access (not instruction
 * fetches) away from pages unprivileged code can reach after APTable[0].
 * With HD a DBM page counts as writable.
 */
static unsigned int s1_perm(const struct walk *w, uint64_t e)
{
	const struct smmu_s1_cfg *s1 = w->s1;
	bool priv = w->rq->access & DMA_ACC_PRIV;
	bool wr = (!(e & TTD_S1_AP2) || (s1->hd && (e & TTD_DBM))) &&
		  !w->no_write;
	bool ur = (e & TTD_S1_AP1) && !w->no_unpriv, uw = ur && wr;
	bool pr = true, pw = wr;
	bool ux = !(e & TTD_S1_UXN) && !w->xn_table && !(s1->wxn && uw);
	bool px = !(e & TTD_S1_PXN) && !w->pxn_table && !(s1->wxn && pw) && !uw;

	if (s1->pan && ur) {
		pr = false;
		pw = false;
	}
	if (!priv) {
		pr = ur;
		pw = uw;
		px = ux;
	}
	return (pr ? DMA_ACC_READ : 0) | (pw ? DMA_ACC_WRITE : 0) |
	       (px ? DMA_ACC_EXEC : 0);
}

/*
 * The checks both stages make on a leaf before its permissions, in the
 * architecture's order: output address size (F_ADDR_SIZE), then the
 * access flag (F_ACCESS unless @affd; with @ha the flag is set in @n,
 * the descriptor to write back).
 */
static int leaf_size_af(struct walk *w, uint64_t e, unsigned int level,
			bool affd, bool ha, uint64_t *n)
{
	uint64_t oa = e & GENMASK_ULL(TTD_OA_TOP, lvl_shift(w->g, level));
	const char *name = w->names[level];

	if (oa_too_big(oa, w->oas)) {
		trace_fetch(w->tr, name, w->pa, &e, 1, "fault: address size",
			    "OA=0x%" PRIx64 " limit=%u bits", oa, w->oas);
		return fault(w, SMMU_EVT_F_ADDR_SIZE, level);
	}
	if (!(e & TTD_AF) && !affd && !ha) {
		trace_fetch(w->tr, name, w->pa, &e, 1, "fault: access flag",
			    "OA=0x%" PRIx64 " AF=0", oa);
		return fault(w, SMMU_EVT_F_ACCESS, level);
	}
	if (!(e & TTD_AF) && ha)
		*n |= TTD_AF;
	return 0;
}

/* A stage 1 leaf: output size, AF, permissions, HTTU (smmuv3.md 4.4). */
static int s1_leaf(struct walk *w, uint64_t e, unsigned int level,
		   struct smmu_walk_out *out)
{
	unsigned int shift = lvl_shift(w->g, level), perm, need;
	uint64_t oa = e & GENMASK_ULL(TTD_OA_TOP, shift), n = e;
	const char *name = w->names[level];

	if (leaf_size_af(w, e, level, w->s1->affd, w->s1->ha, &n))
		return -EFAULT;
	perm = s1_perm(w, e);
	need = w->rq->access & (DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
	if (need & ~perm) {
		trace_fetch(w->tr, name, w->pa, &e, 1, "fault: permission",
			    "AP=%u PXN=%u UXN=%u perm=0x%x need=0x%x",
			    (unsigned int)FIELD_GET(GENMASK_ULL(7, 6), e),
			    (unsigned int)FIELD_GET(TTD_S1_PXN, e),
			    (unsigned int)FIELD_GET(TTD_S1_UXN, e), perm, need);
		return fault(w, SMMU_EVT_F_PERMISSION, level);
	}
	/* dirty state: the write is allowed, so AP[2] = 1 only means clean */
	if ((need & DMA_ACC_WRITE) && (e & TTD_S1_AP2))
		n &= ~TTD_S1_AP2;
	trace_fetch(w->tr, name, w->pa, &e, 1, leaf_kind(level),
		    "OA=0x%" PRIx64 " AP=%u AF=%u nG=%u DBM=%u PXN=%u "
		    "UXN=%u perm=0x%x%s%s",
		    oa, (unsigned int)FIELD_GET(GENMASK_ULL(7, 6), e),
		    (unsigned int)FIELD_GET(TTD_AF, e),
		    (unsigned int)FIELD_GET(TTD_S1_NG, e),
		    (unsigned int)FIELD_GET(TTD_DBM, e),
		    (unsigned int)FIELD_GET(TTD_S1_PXN, e),
		    (unsigned int)FIELD_GET(TTD_S1_UXN, e), perm,
		    (n ^ e) & TTD_AF ? " set-AF" : "",
		    (n ^ e) & TTD_S1_AP2 ? " set-dirty" : "");
	if (n != e && write_back(w, n, level))
		return -EFAULT;
	walk_done(w, oa, shift, level, perm, out);
	out->global = !(e & TTD_S1_NG);
	return 0;
}

/* A region's geometry is one smmu_s1_start_level() accepts. */
static bool s1_tt_ok(const struct smmu_tt *tt)
{
	return tt->sl < NO_LEVEL &&
	       tt->sl == smmu_s1_start_level(tt->granule, tt->tsz);
}

/*
 * Region selection (smmuv3.md 3.4): VA[55] picks TTB0 or TTB1 and, with
 * it, TBI0 or TBI1; VA[63-8*tbi : 64-TxSZ] must then be all zeros (TTB0)
 * or all ones (TTB1), else the address is in the gap. Faults here are
 * F_TRANSLATION at level 0.
 */
static int s1_select(struct walk *w)
{
	uint64_t va = w->rq->ia, top;
	unsigned int r = (unsigned int)(va >> 55 & 1);
	const struct smmu_tt *tt = &w->s1->tt[r];
	bool tbi = w->s1->tbi >> r & 1;

	w->tt = tt;
	if (tt->epd) {
		trace_fetch(w->tr, "S1 input address", va, NULL, 0,
			    "fault: translation (EPD)", "TTB%u EPD=1", r);
		return fault(w, SMMU_EVT_F_TRANSLATION, 0);
	}
	if (!s1_tt_ok(tt)) {
		trace_fetch(w->tr, "S1 input address", va, NULL, 0,
			    "fault: translation (bad geometry)",
			    "TTB%u granule=%u TxSZ=%u SL=%u", r, tt->granule,
			    tt->tsz, tt->sl);
		return fault(w, SMMU_EVT_F_TRANSLATION, 0);
	}
	top = GENMASK_ULL(tbi ? 55 : 63, 64 - tt->tsz);
	if ((va & top) != (r ? top : 0)) {
		trace_fetch(w->tr, "S1 input address", va, NULL, 0,
			    "fault: translation (out of range)",
			    "TTB%u TBI=%u TxSZ=%u", r, tbi, tt->tsz);
		return fault(w, SMMU_EVT_F_TRANSLATION, 0);
	}
	w->g = tt->granule;
	return 0;
}

/**
 * smmu_walk_s1() - a stage 1 walk (smmuv3.md 3.4, 4).
 * @pm: memory.
 * @tr: trace.
 * @s1: the context descriptor's walk configuration.
 * @s2: for a nested stream, the stage 2 that translates every stage 1
 *      table address (TTB and each next-level table, which are IPAs);
 *      NULL for stage 1 only.
 * @rq: VA, access (DMA_ACC_PRIV for a privileged request), update.
 * @out: the leaf: out_addr is the OA of @rq->ia's byte (an IPA when
 *       nested: the leaf output is NOT translated here; the caller runs
 *       smmu_walk_s2() on it with CLASS IN), page_size the leaf's span,
 *       perm the rights at this request's privilege, global = (nG == 0).
 * @f: the fault. Stage 1's own faults have s2 = false and CLASS IN, or
 *     CLASS TT with fetch_addr for F_WALK_EABT. A stage 2 fault on a
 *     table address is returned as smmu_walk_s2() made it: s2 = true,
 *     CLASS TT, ipa = the stage 1 descriptor's IPA.
 *
 * With CD.HA a leaf's AF is set instead of F_ACCESS; with CD.HD a write
 * to a DBM page clears AP[2] instead of F_PERMISSION. Both are written
 * back only when @rq->update.
 *
 * Return: 0, or -EFAULT with @f filled.
 */
int smmu_walk_s1(struct pm_space *pm, struct trace *tr,
		 const struct smmu_s1_cfg *s1, const struct smmu_s2_cfg *s2,
		 const struct smmu_wreq *rq, struct smmu_walk_out *out,
		 struct smmu_walk_fault *f)
{
	struct walk w = { .pm = pm,
			  .tr = tr,
			  .rq = rq,
			  .f = f,
			  .s1 = s1,
			  .s2 = s2,
			  .names = s1_names,
			  .oas = min_oas(s1->oas) };
	unsigned int idx_bits, level;
	uint64_t table, e;

	if (s1_select(&w))
		return -EFAULT;
	idx_bits = 64 - w.tt->tsz - lvl_shift(w.g, w.tt->sl);
	/* the TTB is aligned to its table; low bits count as zero */
	table = w.tt->ttb & ~(BIT_ULL(idx_bits + 3) - 1);
	if (oa_too_big(table, w.oas)) {
		trace_fetch(tr, "S1 input address", rq->ia, NULL, 0,
			    "fault: address size (TTB)",
			    "TTB=0x%" PRIx64 " oas=%u", table, w.oas);
		return fault(&w, SMMU_EVT_F_ADDR_SIZE, 0);
	}
	if (walk_tables(&w, table, w.tt->sl, idx_bits, &e, &level))
		return -EFAULT;
	return s1_leaf(&w, e, level, out);
}

/* ---- stage 2 --------------------------------------------------------- */

/*
 * Stage 2 execute-never at the request's privilege (DDI 0487 D8, stage 2
 * XN[1:0] with FEAT_XNX): 00 none, 01 privileged, 10 both, 11
 * unprivileged. Without IDR3.XNX only XN[1] counts, for both.
 */
static bool s2_xn(const struct smmu_s2_cfg *s2, uint64_t e, bool priv)
{
	unsigned int xn = (unsigned int)FIELD_GET(TTD_S2_XN, e);

	if (!s2->xnx)
		return xn & 2;
	switch (xn) {
	case 0:
		return false;
	case 1:
		return priv;
	case 2:
		return true;
	default:
		return !priv;
	}
}

static unsigned int s2_perm(const struct smmu_s2_cfg *s2, uint64_t e, bool priv)
{
	bool w = (e & TTD_S2_S2AP_W) || (s2->hd && (e & TTD_DBM));

	return ((e & TTD_S2_S2AP_R) ? DMA_ACC_READ : 0) |
	       (w ? DMA_ACC_WRITE : 0) |
	       (s2_xn(s2, e, priv) ? 0 : DMA_ACC_EXEC);
}

/* A stage 2 leaf: output size, AF, S2AP and XN, HTTU. */
static int s2_leaf(struct walk *w, uint64_t e, unsigned int level,
		   struct smmu_walk_out *out)
{
	const struct smmu_s2_cfg *s2 = w->s2;
	unsigned int shift = lvl_shift(w->g, level), perm, need;
	uint64_t oa = e & GENMASK_ULL(TTD_OA_TOP, shift), n = e;
	const char *name = w->names[level];

	if (leaf_size_af(w, e, level, s2->affd, s2->ha, &n))
		return -EFAULT;
	perm = s2_perm(s2, e, w->rq->access & DMA_ACC_PRIV);
	need = w->rq->access & (DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
	if (need & ~perm) {
		trace_fetch(w->tr, name, w->pa, &e, 1, "fault: permission",
			    "S2AP=%u XN=%u perm=0x%x need=0x%x",
			    (unsigned int)FIELD_GET(GENMASK_ULL(7, 6), e),
			    (unsigned int)FIELD_GET(TTD_S2_XN, e), perm, need);
		return fault(w, SMMU_EVT_F_PERMISSION, level);
	}
	/* dirty state: a write allowed through DBM marks the page written */
	if ((need & DMA_ACC_WRITE) && !(e & TTD_S2_S2AP_W))
		n |= TTD_S2_S2AP_W;
	trace_fetch(w->tr, name, w->pa, &e, 1, leaf_kind(level),
		    "OA=0x%" PRIx64 " S2AP=%u AF=%u DBM=%u XN=%u perm=0x%x%s%s",
		    oa, (unsigned int)FIELD_GET(GENMASK_ULL(7, 6), e),
		    (unsigned int)FIELD_GET(TTD_AF, e),
		    (unsigned int)FIELD_GET(TTD_DBM, e),
		    (unsigned int)FIELD_GET(TTD_S2_XN, e), perm,
		    (n ^ e) & TTD_AF ? " set-AF" : "",
		    (n ^ e) & TTD_S2_S2AP_W ? " set-dirty" : "");
	if (n != e && write_back(w, n, level))
		return -EFAULT;
	return walk_done(w, oa, shift, level, perm, out);
}

/**
 * smmu_walk_s2() - a stage 2 walk (smmuv3.md 4.1-4.4).
 * @pm: memory.
 * @tr: trace.
 * @s2: the STE's stage 2 configuration.
 * @rq: IPA, access (DMA_ACC_PRIV selects the XN half with XNX), update.
 * @class: what the IPA is, for the fault: SMMU_CLASS_IN for a
 *         transaction's address, SMMU_CLASS_TT for a stage 1 table
 *         descriptor, SMMU_CLASS_CD for a CD fetch.
 * @out: the leaf: out_addr of the IPA's byte, page_size, perm (READ per
 *       S2AP[0], WRITE per S2AP[1] or DBM with S2HD, EXEC unless XN
 *       forbids it at this privilege); global is false.
 * @f: the fault: always s2 = true, ipa = @rq->ia, class = @class;
 *     fetch_addr for F_WALK_EABT.
 *
 * An IPA at or above 2^(64 - S2T0SZ) is F_TRANSLATION at level 0. The
 * start level indexes one array of up to 16 concatenated tables at
 * S2TTB. (The S2-only "input above IAS" F_ADDR_SIZE, reported as a stage
 * 1 fault, is the caller's check, not this walk's.)
 *
 * Return: 0, or -EFAULT with @f filled.
 */
int smmu_walk_s2(struct pm_space *pm, struct trace *tr,
		 const struct smmu_s2_cfg *s2, const struct smmu_wreq *rq,
		 unsigned int class, struct smmu_walk_out *out,
		 struct smmu_walk_fault *f)
{
	struct walk w = { .pm = pm,
			  .tr = tr,
			  .rq = rq,
			  .f = f,
			  .s2 = s2,
			  .names = s2_names,
			  .class = class,
			  .g = s2->granule,
			  .oas = min_oas(s2->ps) };
	unsigned int idx_bits, level;
	uint64_t table, e;

	if (!s2_sl_ok(s2->granule, s2->tsz, s2->sl)) {
		trace_fetch(tr, "S2 input address", rq->ia, NULL, 0,
			    "fault: translation (bad geometry)",
			    "granule=%u S2T0SZ=%u SL=%u", s2->granule, s2->tsz,
			    s2->sl);
		return fault(&w, SMMU_EVT_F_TRANSLATION, 0);
	}
	if (rq->ia >> (64 - s2->tsz)) {
		trace_fetch(tr, "S2 input address", rq->ia, NULL, 0,
			    "fault: translation (out of range)", "S2T0SZ=%u",
			    s2->tsz);
		return fault(&w, SMMU_EVT_F_TRANSLATION, 0);
	}
	idx_bits = 64 - s2->tsz - lvl_shift(w.g, s2->sl);
	/* concatenated tables are aligned to their total size */
	table = s2->vttb & ~(BIT_ULL(idx_bits + 3) - 1);
	if (oa_too_big(table, w.oas)) {
		trace_fetch(tr, "S2 input address", rq->ia, NULL, 0,
			    "fault: address size (S2TTB)",
			    "S2TTB=0x%" PRIx64 " ps=%u", table, w.oas);
		return fault(&w, SMMU_EVT_F_ADDR_SIZE, 0);
	}
	if (walk_tables(&w, table, s2->sl, idx_bits, &e, &level))
		return -EFAULT;
	return s2_leaf(&w, e, level, out);
}

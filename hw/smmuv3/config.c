// SPDX-License-Identifier: MIT
/*
 * config.c - SMMUv3 configuration structures: finding a StreamID's STE
 * in a linear or 2-level stream table, finding a SubstreamID's CD in a
 * linear or 2-level CD table (through stage 2 when the stream is
 * nested), and the checks that make an STE or CD ILLEGAL (C_BAD_STE,
 * C_BAD_CD). IHI 0070 chapter 5 as in smmuv3.md sections 2 and 3.
 *
 * Fetches only read; decoding only looks at the words, so the cache
 * (translate.c) can keep raw words and decode them again at no risk.
 * Only doublewords 0-3 of an STE or CD matter to the features modelled
 * (4-7 hold Secure, VMS, MPAM and IMPDEF fields).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "regs.h"
#include "smmuv3.h"
#include "structs.h"

static int cfg_fault(struct smmu_cfg_fault *f, unsigned int event,
		     uint64_t fetch_addr)
{
	f->event = event;
	f->fetch_addr = fetch_addr;
	return -EFAULT;
}

static int read_words(struct smmuv3 *s, uint64_t pa, uint64_t *dw,
		      unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (pm_ld64_le(s->u.mem, pa + 8 * i, &dw[i]))
			return -EFAULT;
	return 0;
}

/* The STE's address for @sid, through the L1STD of a 2-level table. */
static int ste_addr(struct smmuv3 *s, uint32_t sid, uint64_t *pa,
		    struct smmu_cfg_fault *f)
{
	struct trace *tr = &s->u.trace;
	unsigned int log2size, split, fmt, span;
	uint64_t base = s->strtab_base & SMMU_STRTAB_BASE_ADDR, l1pa, l1;
	uint32_t low;

	log2size = (unsigned int)FIELD_GET(SMMU_STRTAB_CFG_LOG2SIZE,
					   s->strtab_base_cfg);
	split = (unsigned int)FIELD_GET(SMMU_STRTAB_CFG_SPLIT,
					s->strtab_base_cfg);
	fmt = (unsigned int)FIELD_GET(SMMU_STRTAB_CFG_FMT, s->strtab_base_cfg);
	if ((log2size < 32 && sid >> log2size) ||
	    (s->feat.sidsize < 32 && sid >> s->feat.sidsize))
		return cfg_fault(f, SMMU_EVT_C_BAD_STREAMID, 0);
	if (fmt == SMMU_STRTAB_FMT_LINEAR) {
		*pa = base + (uint64_t)sid * SMMU_STE_SIZE;
		return 0;
	}
	/* a reserved FMT or SPLIT finds no STE (docs/smmuv3.md) */
	if (fmt != SMMU_STRTAB_FMT_2LVL || !s->feat.st_2lvl ||
	    (split != 6 && split != 8 && split != 10))
		return cfg_fault(f, SMMU_EVT_C_BAD_STREAMID, 0);
	l1pa = base + (uint64_t)(sid >> split) * 8;
	if (pm_ld64_le(s->u.mem, l1pa, &l1)) {
		trace_fetch(tr, "L1STD", l1pa, NULL, 0, "fault: fetch abort",
			    "sid=0x%x", sid);
		return cfg_fault(f, SMMU_EVT_F_STE_FETCH, l1pa);
	}
	span = (unsigned int)FIELD_GET(SMMU_L1STD_SPAN, l1);
	low = sid & ((1u << split) - 1);
	/* Span 0 is an invalid L2 table; it holds 2^(Span - 1) STEs
	 * (smmuv3.md 2.1: QEMU's bound of 2^Span is too lenient) */
	if (!span || span > split + 1 || low >> (span - 1)) {
		trace_fetch(tr, "L1STD", l1pa, &l1, 1,
			    "fault: no STE for this StreamID", "Span=%u", span);
		return cfg_fault(f, SMMU_EVT_C_BAD_STREAMID, 0);
	}
	*pa = (l1 & SMMU_L1STD_L2PTR) + (uint64_t)low * SMMU_STE_SIZE;
	trace_fetch(tr, "L1STD", l1pa, &l1, 1, "next: L2 stream table",
		    "Span=%u L2Ptr=0x%" PRIx64, span, l1 & SMMU_L1STD_L2PTR);
	return 0;
}

/**
 * smmu_fetch_ste() - read the STE of @sid (doublewords 0-3).
 * @s: the unit.
 * @sid: the StreamID.
 * @dw: the words.
 * @f: C_BAD_STREAMID or F_STE_FETCH (with the address) on failure.
 *
 * Return: 0 or -EFAULT.
 */
int smmu_fetch_ste(struct smmuv3 *s, uint32_t sid, uint64_t dw[4],
		   struct smmu_cfg_fault *f)
{
	uint64_t pa;

	if (ste_addr(s, sid, &pa, f))
		return -EFAULT;
	if (read_words(s, pa, dw, 4)) {
		trace_fetch(&s->u.trace, "STE", pa, NULL, 0,
			    "fault: fetch abort", "sid=0x%x", sid);
		return cfg_fault(f, SMMU_EVT_F_STE_FETCH, pa);
	}
	trace_fetch(&s->u.trace, "STE", pa, dw, 4, "decode",
		    "sid=0x%x V=%u Config=%u", sid, (unsigned int)(dw[0] & 1),
		    (unsigned int)FIELD_GET(SMMU_STE0_CONFIG, dw[0]));
	return 0;
}

/* Effective output size in bits of an IPS/S2PS/OAS code, capped at the
 * unit's OAS (codes 6 and 7 are beyond 48 bits: capped too). */
static uint8_t eff_bits(const struct smmuv3 *s, unsigned int code)
{
	static const uint8_t widths[] = { 32, 36, 40, 42, 44, 48, 48, 48 };
	uint8_t w = widths[code & 7];

	return w < s->feat.oas_bits ? w : s->feat.oas_bits;
}

static bool granule_ok(const struct smmuv3 *s, unsigned int g)
{
	return (g == 12 && s->feat.gran4k) || (g == 14 && s->feat.gran16k) ||
	       (g == 16 && s->feat.gran64k);
}

/* S2TG: 0 4K, 1 64K, 2 16K; 0 for reserved. */
static unsigned int s2tg_granule(unsigned int tg)
{
	static const unsigned int g[] = { 12, 16, 14, 0 };

	return g[tg & 3];
}

/* The stage 2 fields (smmuv3.md 2.2 dw2-dw3, checks of 2.3). */
static int decode_s2(struct smmuv3 *s, const uint64_t *dw,
		     struct smmu_s2_cfg *c)
{
	unsigned int g =
		s2tg_granule((unsigned int)FIELD_GET(SMMU_STE2_S2TG, dw[2]));
	unsigned int tsz = (unsigned int)FIELD_GET(SMMU_STE2_S2T0SZ, dw[2]);
	unsigned int sl;

	c->ps = eff_bits(s, (unsigned int)FIELD_GET(SMMU_STE2_S2PS, dw[2]));
	c->vttb = dw[3] & SMMU_STE3_S2TTB;
	if (!g || !granule_ok(s, g) || !(dw[2] & SMMU_STE2_S2AA64) ||
	    (dw[2] & (SMMU_STE2_S2ENDI | SMMU_STE2_S2S)))
		return -EINVAL;
	if (((dw[2] & SMMU_STE2_S2HA) && s->feat.httu < 1) ||
	    ((dw[2] & SMMU_STE2_S2HD) && s->feat.httu < 2))
		return -EINVAL;
	/* IAS = OAS (AArch64 tables only): T0SZ from 64 - IAS to 39 */
	if (tsz > 39 || tsz < 64u - s->feat.oas_bits)
		return -EINVAL;
	if (smmu_s2_start_level(g,
				(unsigned int)FIELD_GET(SMMU_STE2_S2SL0, dw[2]),
				tsz, &sl))
		return -EINVAL;
	if (c->vttb >> c->ps)
		return -EINVAL;
	c->granule = (uint8_t)g;
	c->tsz = (uint8_t)tsz;
	c->sl = (uint8_t)sl;
	c->affd = dw[2] & SMMU_STE2_S2AFFD;
	c->ha = dw[2] & SMMU_STE2_S2HA;
	/* S2HA 0 with S2HD 1 is reserved and behaves as both 0 (IHI 0070
	 * 5.2, S2HA): no dirty state without the access flag */
	c->hd = (dw[2] & SMMU_STE2_S2HD) && c->ha;
	c->xnx = s->idr[3] & SMMU_IDR3_XNX;
	c->record = dw[2] & SMMU_STE2_S2R;
	return 0;
}

/* The stage 1 fields. */
static int decode_s1(struct smmuv3 *s, const uint64_t *dw, struct smmu_ste *ste)
{
	ste->s1fmt = (unsigned int)FIELD_GET(SMMU_STE0_S1FMT, dw[0]);
	ste->s1cdmax = (unsigned int)FIELD_GET(SMMU_STE0_S1CDMAX, dw[0]);
	ste->s1dss = (unsigned int)FIELD_GET(SMMU_STE1_S1DSS, dw[1]);
	ste->s1ctxptr = dw[0] & SMMU_STE0_S1CTXPTR;
	if (ste->s1cdmax > s->feat.ssidsize || ste->s1fmt == 3 ||
	    (ste->s1fmt && !s->feat.cd_2lvl) || ste->s1dss == 3)
		return -EINVAL;
	/* stalls unsupported (STALL_MODEL 1); no EL2 regimes (IDR0.HYP 0) */
	if ((dw[1] & SMMU_STE1_S1STALLD) || FIELD_GET(SMMU_STE1_STRW, dw[1]))
		return -EINVAL;
	return 0;
}

/**
 * smmu_decode_ste() - decode and check an STE's words.
 * @s: the unit.
 * @dw: doublewords 0-3.
 * @ste: the decoded STE (Config 0-3 is "abort, no event": valid).
 *
 * Return: 0, or -EINVAL when the STE is ILLEGAL (C_BAD_STE).
 */
int smmu_decode_ste(struct smmuv3 *s, const uint64_t dw[4],
		    struct smmu_ste *ste)
{
	memset(ste, 0, sizeof(*ste));
	if (!(dw[0] & SMMU_STE0_V))
		return -EINVAL;
	ste->config = (unsigned int)FIELD_GET(SMMU_STE0_CONFIG, dw[0]);
	/* VMID tags every translation when stage 2 exists */
	ste->s2cfg.vmid =
		s->feat.s2p ? (uint16_t)FIELD_GET(SMMU_STE2_S2VMID, dw[2]) : 0;
	if (ste->config < SMMU_STE_CFG_BYPASS ||
	    ste->config == SMMU_STE_CFG_BYPASS)
		return 0;
	ste->s1 = ste->config & 1;
	ste->s2 = ste->config & 2;
	if ((ste->s1 && !s->feat.s1p) || (ste->s2 && !s->feat.s2p))
		return -EINVAL;
	if (ste->s1 && decode_s1(s, dw, ste))
		return -EINVAL;
	if (ste->s2 && decode_s2(s, dw, &ste->s2cfg))
		return -EINVAL;
	return 0;
}

/* One CD-table address: an IPA through stage 2 when nested. */
static int cd_table_pa(struct smmuv3 *s, const struct smmu_ste *ste,
		       uint64_t addr, uint64_t *pa, struct smmu_cfg_fault *f)
{
	struct smmu_wreq rq = { .ia = addr,
				.access = DMA_ACC_READ,
				.update = true };
	struct smmu_walk_out o;

	if (!ste->s2) {
		*pa = addr;
		return 0;
	}
	if (smmu_walk_s2(s->u.mem, &s->u.trace, &ste->s2cfg, &rq, SMMU_CLASS_CD,
			 &o, &f->walk)) {
		f->event = f->walk.event;
		f->fetch_addr = f->walk.fetch_addr;
		return -EFAULT;
	}
	*pa = o.x.out_addr;
	return 0;
}

/**
 * smmu_fetch_cd() - read the CD of @ssid for a stream with stage 1.
 * @s: the unit.
 * @ste: the stream's decoded STE.
 * @ssid: the SubstreamID (0 for traffic without one).
 * @dw: doublewords 0-3.
 * @f: C_BAD_SUBSTREAMID, F_CD_FETCH, or a stage 2 fault (class CD) of a
 *     nested stream, on failure.
 *
 * Return: 0 or -EFAULT.
 */
int smmu_fetch_cd(struct smmuv3 *s, const struct smmu_ste *ste, uint32_t ssid,
		  uint64_t dw[4], struct smmu_cfg_fault *f)
{
	struct trace *tr = &s->u.trace;
	uint64_t addr = ste->s1ctxptr, pa, l1;

	if (ste->s1cdmax < 32 && ssid >> ste->s1cdmax)
		return cfg_fault(f, SMMU_EVT_C_BAD_SUBSTREAMID, 0);
	if (ste->s1fmt == SMMU_STE_S1FMT_LINEAR) {
		addr += (uint64_t)ssid * SMMU_CD_SIZE;
	} else {
		unsigned int bits = ste->s1fmt == SMMU_STE_S1FMT_64 ? 6 : 10;

		if (cd_table_pa(s, ste, addr + (uint64_t)(ssid >> bits) * 8,
				&pa, f))
			return -EFAULT;
		if (pm_ld64_le(s->u.mem, pa, &l1)) {
			trace_fetch(tr, "L1CD", pa, NULL, 0,
				    "fault: fetch abort", "ssid=0x%x", ssid);
			return cfg_fault(f, SMMU_EVT_F_CD_FETCH, pa);
		}
		if (!(l1 & SMMU_L1CD_V)) {
			trace_fetch(tr, "L1CD", pa, &l1, 1, "fault: invalid",
				    "V=0");
			return cfg_fault(f, SMMU_EVT_C_BAD_SUBSTREAMID, 0);
		}
		trace_fetch(tr, "L1CD", pa, &l1, 1, "next: CD table",
			    "L2Ptr=0x%" PRIx64, l1 & SMMU_L1CD_L2PTR);
		addr = (l1 & SMMU_L1CD_L2PTR) +
		       (uint64_t)(ssid & ((1u << bits) - 1)) * SMMU_CD_SIZE;
	}
	if (cd_table_pa(s, ste, addr, &pa, f))
		return -EFAULT;
	if (read_words(s, pa, dw, 4)) {
		trace_fetch(tr, "CD", pa, NULL, 0, "fault: fetch abort",
			    "ssid=0x%x", ssid);
		return cfg_fault(f, SMMU_EVT_F_CD_FETCH, pa);
	}
	trace_fetch(tr, "CD", pa, dw, 4, "decode", "ssid=0x%x V=%u ASID=0x%x",
		    ssid, (unsigned int)!!(dw[0] & SMMU_CD0_V),
		    (unsigned int)FIELD_GET(SMMU_CD0_ASID, dw[0]));
	return 0;
}

/* TG0: 0 4K, 1 64K, 2 16K; TG1: 1 16K, 2 4K, 3 64K (smmuv3.md 3.2). */
static unsigned int tg_granule(unsigned int tg, bool ttb1)
{
	static const unsigned int g0[] = { 12, 16, 14, 0 };
	static const unsigned int g1[] = { 0, 14, 12, 16 };

	return ttb1 ? g1[tg & 3] : g0[tg & 3];
}

/* One of TTB0/TTB1: unchecked when its walks are disabled. */
static int decode_tt(struct smmuv3 *s, uint64_t dw0, uint64_t ttbw,
		     unsigned int i, uint8_t oas, struct smmu_tt *tt)
{
	unsigned int tsz, g;

	tt->epd = dw0 & (i ? SMMU_CD0_EPD1 : SMMU_CD0_EPD0);
	tt->had = (s->idr[3] & SMMU_IDR3_HAD) && (ttbw & SMMU_CD1_HAD);
	tt->ttb = ttbw & SMMU_CD1_TTB;
	if (tt->epd)
		return 0;
	tsz = (unsigned int)(i ? FIELD_GET(SMMU_CD0_T1SZ, dw0) :
				 FIELD_GET(SMMU_CD0_T0SZ, dw0));
	g = tg_granule((unsigned int)(i ? FIELD_GET(SMMU_CD0_TG1, dw0) :
					  FIELD_GET(SMMU_CD0_TG0, dw0)),
		       i);
	if (!g || !granule_ok(s, g) || tsz < 16 || tsz > 39 || tt->ttb >> oas)
		return -EINVAL;
	tt->granule = (uint8_t)g;
	tt->tsz = (uint8_t)tsz;
	tt->sl = (uint8_t)smmu_s1_start_level(g, tsz);
	return 0;
}

/**
 * smmu_decode_cd() - decode and check a CD's words (smmuv3.md 3.3).
 * @s: the unit.
 * @dw: doublewords 0-3.
 * @cd: the decoded CD.
 *
 * Return: 0, or -EINVAL when the CD is ILLEGAL (C_BAD_CD).
 */
int smmu_decode_cd(struct smmuv3 *s, const uint64_t dw[4], struct smmu_cd *cd)
{
	struct smmu_s1_cfg *c = &cd->s1cfg;

	memset(cd, 0, sizeof(*cd));
	if (!(dw[0] & SMMU_CD0_V) || !(dw[0] & SMMU_CD0_AA64) ||
	    (dw[0] & SMMU_CD0_ENDI) || (dw[0] & SMMU_CD0_S))
		return -EINVAL;
	if (((dw[0] & SMMU_CD0_HA) && s->feat.httu < 1) ||
	    ((dw[0] & SMMU_CD0_HD) && s->feat.httu < 2))
		return -EINVAL;
	c->oas = eff_bits(s, (unsigned int)FIELD_GET(SMMU_CD0_IPS, dw[0]));
	if (decode_tt(s, dw[0], dw[1], 0, c->oas, &c->tt[0]) ||
	    decode_tt(s, dw[0], dw[2], 1, c->oas, &c->tt[1]))
		return -EINVAL;
	c->tbi = (uint8_t)FIELD_GET(SMMU_CD0_TBI, dw[0]);
	c->affd = dw[0] & SMMU_CD0_AFFD;
	c->ha = dw[0] & SMMU_CD0_HA;
	/* HA 0 with HD 1 behaves as both 0 (IHI 0070 5.4, CD.HA) */
	c->hd = (dw[0] & SMMU_CD0_HD) && c->ha;
	c->wxn = dw[0] & SMMU_CD0_WXN;
	c->uwxn = dw[0] & SMMU_CD0_UWXN;
	c->pan = dw[0] & SMMU_CD0_PAN;
	c->record = dw[0] & SMMU_CD0_R;
	c->asid = (uint16_t)FIELD_GET(SMMU_CD0_ASID, dw[0]);
	return 0;
}

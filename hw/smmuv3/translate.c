// SPDX-License-Identifier: MIT
/*
 * translate.c - the SMMUv3 request pipeline (IHI 0070 chapter 3; smmuv3.md
 * 2-4 and 6): global bypass or abort, the StreamID's STE, SubstreamID and
 * S1DSS rules, the CD, the TLB, the walks, and the event record of every
 * fault the architecture records; and the unit's caches.
 *
 * Caches live in the model's translation cache, told apart by the tag's
 * kind:
 *   STE (sid)                 an STE's raw doublewords 0-3
 *   CD (sid, ssid)            a CD's raw doublewords 0-3
 *   TLB_S1, TLB_S2, TLB_NEST  (sid, ssid, vmid, asid, privilege, page):
 *                             the translation of one page or block
 * Words 0 and 1 go in out_addr and page_size, 2 and 3 in aux and aux2,
 * and perm holds a 32-bit digest of words 2 and 3: strict mode compares
 * out_addr, page_size and perm against a fresh fetch, so a change to any
 * word is seen (one change in 2^32 to words 2-3 could slip through the
 * digest). One lookup per structure keeps a TLB hit at three lookups.
 * TLB entries carry VMID and ASID, which TLBI commands match; they also
 * carry the StreamID and SubstreamID so that a strict re-walk knows the
 * configuration to walk with (a real TLB would share an entry between
 * streams with the same ASID and VMID: here each stream misses once).
 * Faults are never cached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

#include "regs.h"
#include "smmuv3.h"
#include "structs.h"

enum smmu_tag_kind {
	TAG_STE = 1,
	TAG_CD,
	TAG_TLB_S1,
	TAG_TLB_S2,
	TAG_TLB_NEST,
};

#define TAG_F_SSV 0x1 /* the request had a SubstreamID */
#define TAG_F_PRIV 0x2 /* privileged request */

struct smmu_tag {
	uint8_t kind;
	uint8_t shift; /* log2 of the page size (TLB) */
	uint8_t flags;
	uint8_t pad;
	uint32_t sid;
	uint32_t ssid;
	uint16_t vmid;
	uint16_t asid;
	uint64_t page;
};

/* aux bits of TLB entries */
#define AUX_GLOBAL 0x1 /* stage 1 nG = 0: any ASID */
#define AUX_NO_W 0x2 /* write right withheld: the dirty state is not set */

static struct smmu_tag mktag(unsigned int kind, uint32_t sid, uint32_t ssid)
{
	struct smmu_tag t;

	memset(&t, 0, sizeof(t));
	t.kind = (uint8_t)kind;
	t.sid = sid;
	t.ssid = ssid;
	return t;
}

static const char *const event_names[] = {
	[SMMU_EVT_F_UUT] = "F_UUT",
	[SMMU_EVT_C_BAD_STREAMID] = "C_BAD_STREAMID",
	[SMMU_EVT_F_STE_FETCH] = "F_STE_FETCH",
	[SMMU_EVT_C_BAD_STE] = "C_BAD_STE",
	[SMMU_EVT_F_BAD_ATS_TREQ] = "F_BAD_ATS_TREQ",
	[SMMU_EVT_F_STREAM_DISABLED] = "F_STREAM_DISABLED",
	[SMMU_EVT_F_TRANSL_FORBIDDEN] = "F_TRANSL_FORBIDDEN",
	[SMMU_EVT_C_BAD_SUBSTREAMID] = "C_BAD_SUBSTREAMID",
	[SMMU_EVT_F_CD_FETCH] = "F_CD_FETCH",
	[SMMU_EVT_C_BAD_CD] = "C_BAD_CD",
	[SMMU_EVT_F_WALK_EABT] = "F_WALK_EABT",
	[SMMU_EVT_F_TRANSLATION] = "F_TRANSLATION",
	[SMMU_EVT_F_ADDR_SIZE] = "F_ADDR_SIZE",
	[SMMU_EVT_F_ACCESS] = "F_ACCESS",
	[SMMU_EVT_F_PERMISSION] = "F_PERMISSION",
	[SMMU_EVT_F_TLB_CONFLICT] = "F_TLB_CONFLICT",
	[SMMU_EVT_F_CFG_CONFLICT] = "F_CFG_CONFLICT",
};

/** smmu_event_name() - the spec's name of event @event. */
const char *smmu_event_name(unsigned int event)
{
	if (event < ARRAY_SIZE(event_names) && event_names[event])
		return event_names[event];
	return "UNKNOWN";
}

/* ---- the configuration cache -------------------------------------------- */

static unsigned int digest(const uint64_t dw[4])
{
	return (unsigned int)XXH3_64bits(&dw[2], 2 * sizeof(dw[0]));
}

static bool cache_words(struct smmuv3 *s, unsigned int kind, uint32_t sid,
			uint32_t ssid, uint64_t dw[4])
{
	struct smmu_tag t = mktag(kind, sid, ssid);
	const struct tc_entry *e = tcache_lookup(s->u.tc, &t, sizeof(t));

	if (!e)
		return false;
	dw[0] = e->xlat.out_addr;
	dw[1] = e->xlat.page_size;
	dw[2] = e->aux;
	dw[3] = e->aux2;
	return true;
}

static void cache_put(struct smmuv3 *s, unsigned int kind, uint32_t sid,
		      uint32_t ssid, const uint64_t dw[4])
{
	struct smmu_tag t = mktag(kind, sid, ssid);
	struct dma_xlat x = { .out_addr = dw[0],
			      .page_size = dw[1],
			      .perm = digest(dw) };

	tcache_insert2(s->u.tc, &t, sizeof(t), &x, dw[2], dw[3]);
}

/**
 * smmu_get_ste() - the STE of @sid, from the configuration cache or
 * memory; only valid (legal) STEs are cached.
 * @s: the unit.
 * @sid: the StreamID.
 * @ste: the decoded STE.
 * @f: the configuration fault on failure.
 *
 * Return: 0 or -EFAULT.
 */
int smmu_get_ste(struct smmuv3 *s, uint32_t sid, struct smmu_ste *ste,
		 struct smmu_cfg_fault *f)
{
	struct smmu_last_cfg *last = &s->last;
	bool strict = tcache_strict(s->u.tc), hit;
	uint64_t dw[4];

	if (!strict && last->ste_valid && last->sid == sid) {
		*ste = last->ste;
		return 0;
	}
	hit = cache_words(s, TAG_STE, sid, 0, dw);
	if (!hit && smmu_fetch_ste(s, sid, dw, f))
		return -EFAULT;
	if (smmu_decode_ste(s, dw, ste)) {
		f->event = SMMU_EVT_C_BAD_STE;
		f->fetch_addr = 0;
		return -EFAULT;
	}
	if (!hit)
		cache_put(s, TAG_STE, sid, 0, dw);
	if (last->sid != sid)
		last->cd_valid = false;
	last->ste_valid = true;
	last->sid = sid;
	last->ste = *ste;
	return 0;
}

/**
 * smmu_get_cd() - the CD of (@sid, @ssid), cached like the STE.
 * @s: the unit.
 * @sid: the StreamID.
 * @ssid: the SubstreamID (0 without one).
 * @ste: the stream's STE.
 * @cd: the decoded CD.
 * @f: the fault on failure.
 *
 * Return: 0 or -EFAULT.
 */
int smmu_get_cd(struct smmuv3 *s, uint32_t sid, uint32_t ssid,
		const struct smmu_ste *ste, struct smmu_cd *cd,
		struct smmu_cfg_fault *f)
{
	struct smmu_last_cfg *last = &s->last;
	bool strict = tcache_strict(s->u.tc), hit;
	uint64_t dw[4];

	if (!strict && last->cd_valid && last->sid == sid &&
	    last->ssid == ssid) {
		*cd = last->cd;
		return 0;
	}
	hit = cache_words(s, TAG_CD, sid, ssid, dw);
	if (!hit && smmu_fetch_cd(s, ste, ssid, dw, f))
		return -EFAULT;
	if (smmu_decode_cd(s, dw, cd)) {
		f->event = SMMU_EVT_C_BAD_CD;
		f->fetch_addr = 0;
		return -EFAULT;
	}
	if (!hit)
		cache_put(s, TAG_CD, sid, ssid, dw);
	/* the STE slot is this stream's: smmu_get_ste came first */
	if (last->ste_valid && last->sid == sid) {
		last->cd_valid = true;
		last->ssid = ssid;
		last->cd = *cd;
	}
	return 0;
}

/* ---- invalidation ------------------------------------------------------- */

struct cfg_match {
	uint32_t lo, hi, ssid;
	bool cd_only, all_ssid;
};

static bool cfg_pred(const struct tc_entry *e, void *arg)
{
	const struct cfg_match *m = arg;
	struct smmu_tag t;

	memcpy(&t, e->tag, sizeof(t));
	if (t.kind > TAG_CD || t.sid < m->lo || t.sid > m->hi)
		return false;
	if (t.kind == TAG_STE)
		return !m->cd_only;
	return m->all_ssid || t.ssid == m->ssid;
}

/**
 * smmu_inval_cfg() - drop cached STEs and CDs: of StreamIDs @sid_lo to
 * @sid_hi; CDs only when @cd_only; of every SubstreamID or only @ssid.
 * CFGI_STE drops the stream's CDs too (docs/smmuv3.md, as QEMU).
 *
 * Return: entries dropped.
 */
uint64_t smmu_inval_cfg(struct smmuv3 *s, uint32_t sid_lo, uint32_t sid_hi,
			bool cd_only, bool all_ssid, uint32_t ssid)
{
	struct cfg_match m = { sid_lo, sid_hi, ssid, cd_only, all_ssid };

	s->last.ste_valid = s->last.cd_valid = false;
	return tcache_invalidate(s->u.tc, cfg_pred, &m);
}

static bool tlb_pred(const struct tc_entry *e, void *arg)
{
	const struct smmu_tlbi *ti = arg;
	struct smmu_tag t;
	uint64_t end;

	memcpy(&t, e->tag, sizeof(t));
	if (t.kind < TAG_TLB_S1)
		return false;
	if (ti->s1_only && t.kind == TAG_TLB_S2)
		return false;
	if (ti->s2_only && t.kind != TAG_TLB_S2)
		return false;
	if (ti->by_vmid && t.vmid != ti->vmid)
		return false;
	/* global entries survive NH_ASID and match NH_VA of any ASID */
	if (ti->by_asid && (e->aux & AUX_GLOBAL) && !ti->by_addr)
		return false;
	if (ti->by_asid && !(e->aux & AUX_GLOBAL) && t.asid != ti->asid)
		return false;
	if (!ti->by_addr)
		return true;
	end = t.page + (1ULL << t.shift);
	return ti->addr < end && t.page < ti->addr + ti->len;
}

/**
 * smmu_inval_tlb() - drop the TLB entries a TLBI command names.
 *
 * Return: entries dropped.
 */
uint64_t smmu_inval_tlb(struct smmuv3 *s, const struct smmu_tlbi *ti)
{
	return tcache_invalidate(s->u.tc, tlb_pred, (void *)ti);
}

/* ---- the walks ---------------------------------------------------------- */

/* Stage 1 and/or stage 2 of one request. */
static int walk(struct smmuv3 *s, const struct smmu_ste *ste,
		const struct smmu_cd *cd, const struct smmu_wreq *rq,
		struct smmu_walk_out *o, struct smmu_walk_fault *f)
{
	struct smmu_walk_out o2;
	struct smmu_wreq rq2 = *rq;
	struct pm_space *pm = s->u.mem;
	struct trace *tr = &s->u.trace;

	if (!cd) {
		/* stage 2 only: an IPA beyond IAS is a stage 1 address
		 * size fault (smmuv3.md 4.1) */
		if (s->feat.oas_bits < 64 && rq->ia >> s->feat.oas_bits) {
			memset(f, 0, sizeof(*f));
			f->event = SMMU_EVT_F_ADDR_SIZE;
			f->class = SMMU_CLASS_IN;
			return -EFAULT;
		}
		return smmu_walk_s2(pm, tr, &ste->s2cfg, rq, SMMU_CLASS_IN, o,
				    f);
	}
	if (smmu_walk_s1(pm, tr, &cd->s1cfg, ste->s2 ? &ste->s2cfg : NULL, rq,
			 o, f))
		return -EFAULT;
	if (!ste->s2)
		return 0;
	rq2.ia = o->x.out_addr;
	if (smmu_walk_s2(pm, tr, &ste->s2cfg, &rq2, SMMU_CLASS_IN, &o2, f))
		return -EFAULT;
	/* a combined entry is the smaller page of the two */
	if (o2.x.page_size < o->x.page_size)
		o->x.page_size = o2.x.page_size;
	o->x.out_addr = o2.x.out_addr;
	o->x.perm &= o2.x.perm;
	return 0;
}

/* Whether the configuration lets a write set the dirty state. */
static bool hw_dirty(const struct smmu_ste *ste, const struct smmu_cd *cd)
{
	return (cd && cd->s1cfg.hd) || (ste->s2 && ste->s2cfg.hd);
}

/* The TLB tag of a request: its page of @shift bits. */
/*
 * With TBI for the VA's half (bit 55 chooses TBI0 or TBI1) the top byte is
 * not part of the address: the TLB keeps VA[55:0] sign-extended, so a
 * TLBI by VA names the entry whatever tag the request carried.
 */
static uint64_t tlb_va(const struct smmu_cd *cd, uint64_t va)
{
	unsigned int half = (unsigned int)(va >> 55) & 1;

	if (!cd || !(cd->s1cfg.tbi & (1u << half)))
		return va;
	return half ? va | GENMASK_ULL(63, 56) : va & ~GENMASK_ULL(63, 56);
}

static struct smmu_tag tlb_tag(const struct smmu_ste *ste,
			       const struct smmu_cd *cd,
			       const struct dma_req *req, uint32_t ssid,
			       unsigned int shift)
{
	unsigned int kind = !cd	    ? TAG_TLB_S2 :
			    ste->s2 ? TAG_TLB_NEST :
				      TAG_TLB_S1;
	struct smmu_tag t = mktag(kind, req->source_id, ssid);

	t.vmid = ste->s2cfg.vmid;
	t.asid = cd ? cd->s1cfg.asid : 0;
	t.flags = (uint8_t)((req->has_pasid ? TAG_F_SSV : 0) |
			    (req->access & DMA_ACC_PRIV ? TAG_F_PRIV : 0));
	t.shift = (uint8_t)shift;
	t.page = tlb_va(cd, req->addr) & ~((1ULL << shift) - 1);
	return t;
}

/* Page sizes a walk can end in, smallest first (granule pages, then
 * blocks); nested entries may be as small as either granule. */
static unsigned int tlb_sizes(const struct smmu_ste *ste,
			      const struct smmu_cd *cd, unsigned int *shift)
{
	unsigned int n = 0, gs[2], ng = 0;

	if (cd) {
		for (unsigned int i = 0; i < 2; i++)
			if (!cd->s1cfg.tt[i].epd)
				gs[ng++] = cd->s1cfg.tt[i].granule;
	} else {
		gs[ng++] = ste->s2cfg.granule;
	}
	if (cd && ste->s2)
		gs[ng++] = ste->s2cfg.granule;
	for (unsigned int i = 0; i < ng && gs[i]; i++)
		for (unsigned int l = 1; l <= 3; l++) {
			unsigned int sh = gs[i] + (3 - l) * (gs[i] - 3);
			bool dup = false;

			for (unsigned int j = 0; j < n; j++)
				dup |= shift[j] == sh;
			if (!dup && n < 9)
				shift[n++] = sh;
		}
	return n;
}

static const struct tc_entry *
tlb_lookup(struct smmuv3 *s, const struct smmu_ste *ste,
	   const struct smmu_cd *cd, const struct dma_req *req, uint32_t ssid)
{
	unsigned int shift[9], n = tlb_sizes(ste, cd, shift);

	for (unsigned int i = 0; i < n; i++) {
		struct smmu_tag t = tlb_tag(ste, cd, req, ssid, shift[i]);
		const struct tc_entry *e;

		e = tcache_lookup(s->u.tc, &t, sizeof(t));
		if (e)
			return e;
	}
	return NULL;
}

/* ---- event records ------------------------------------------------------ */

static void record(struct smmuv3 *s, const struct dma_req *req,
		   unsigned int event, const struct smmu_walk_fault *wf,
		   uint64_t fetch_addr)
{
	uint64_t r[4] = { 0 };

	r[0] = FIELD_PREP(SMMU_EVT0_ID, event) |
	       FIELD_PREP(SMMU_EVT0_SID, req->source_id);
	if (req->has_pasid)
		r[0] |= SMMU_EVT0_SSV | FIELD_PREP(SMMU_EVT0_SSID, req->pasid);
	switch (event) {
	case SMMU_EVT_F_STE_FETCH:
	case SMMU_EVT_F_CD_FETCH:
		r[3] = fetch_addr & SMMU_EVT3_FETCH;
		break;
	case SMMU_EVT_F_WALK_EABT:
	case SMMU_EVT_F_TRANSLATION:
	case SMMU_EVT_F_ADDR_SIZE:
	case SMMU_EVT_F_ACCESS:
	case SMMU_EVT_F_PERMISSION:
		r[1] = (req->access & DMA_ACC_WRITE ? 0 : SMMU_EVT1_RNW) |
		       (req->access & DMA_ACC_PRIV ? SMMU_EVT1_PNU : 0) |
		       (req->access & DMA_ACC_EXEC ? SMMU_EVT1_IND : 0) |
		       (wf->s2 ? SMMU_EVT1_S2 : 0) |
		       FIELD_PREP(SMMU_EVT1_CLASS, wf->class);
		/* TTRnW: the failed table access was a read, unless it was
		 * an HTTU descriptor write (IHI 0070 7.3.16) */
		if (wf->class != SMMU_CLASS_IN && !wf->tt_write)
			r[1] |= SMMU_EVT1_TT_RNW;
		r[2] = req->addr;
		if (event == SMMU_EVT_F_WALK_EABT)
			r[3] = wf->fetch_addr & SMMU_EVT3_FETCH;
		else if (wf->s2)
			r[3] = wf->ipa & SMMU_EVT3_IPA;
		break;
	default:
		break;
	}
	smmu_event(s, r);
}

/* Whether CD.R or STE.S2R lets a walk fault be recorded. */
static bool recorded(const struct smmu_ste *ste, const struct smmu_cd *cd,
		     const struct smmu_walk_fault *wf)
{
	if (wf->event == SMMU_EVT_F_WALK_EABT)
		return true;
	if (wf->s2)
		return ste->s2cfg.record;
	return cd ? cd->s1cfg.record : true;
}

static void fail(struct smmuv3 *s, const struct dma_req *req,
		 struct dma_result *res, unsigned int event,
		 const struct smmu_walk_fault *wf, uint64_t fetch_addr,
		 bool rec)
{
	static const struct smmu_walk_fault none;

	if (!wf)
		wf = &none;
	dma_fault_init(res, event, event ? smmu_event_name(event) : "ABORT");
	if (rec && event)
		record(s, req, event, wf, fetch_addr);
	if (event >= SMMU_EVT_F_WALK_EABT && event <= SMMU_EVT_F_PERMISSION) {
		dma_fault_add(res, "level", wf->level);
		dma_fault_add(res, "s2", wf->s2);
		if (wf->s2)
			dma_fault_add(res, "ipa", wf->ipa);
	}
	if (fetch_addr || event == SMMU_EVT_F_WALK_EABT)
		dma_fault_add(res, "fetch",
			      event == SMMU_EVT_F_WALK_EABT ? wf->fetch_addr :
							      fetch_addr);
	if (event)
		dma_fault_add(res, "recorded", rec);
}

static void cfg_fail(struct smmuv3 *s, const struct dma_req *req,
		     struct dma_result *res, const struct smmu_ste *ste,
		     const struct smmu_cfg_fault *cf)
{
	bool walkf = cf->event >= SMMU_EVT_F_TRANSLATION &&
		     cf->event <= SMMU_EVT_F_PERMISSION;

	/* a nested CD fetch's stage 2 fault is gated by S2R */
	fail(s, req, res, cf->event, walkf ? &cf->walk : NULL, cf->fetch_addr,
	     !walkf || ste->s2cfg.record);
}

/* ---- the pipeline ------------------------------------------------------- */

/* SubstreamID and S1DSS rules (smmuv3.md 2.2, 3.1); returns the CD's
 * SubstreamID, -1 for "stage 1 bypass", or -2 with the event in @ev. */
static int pick_ssid(const struct smmu_ste *ste, const struct dma_req *req,
		     unsigned int *ev)
{
	if (req->has_pasid) {
		if (!ste->s1 || !ste->s1cdmax ||
		    (ste->s1dss == SMMU_STE1_S1DSS_SSID0 && !req->pasid)) {
			*ev = SMMU_EVT_C_BAD_SUBSTREAMID;
			return -2;
		}
		return (int)req->pasid;
	}
	if (!ste->s1 || !ste->s1cdmax)
		return ste->s1 ? 0 : -1;
	switch (ste->s1dss) {
	case SMMU_STE1_S1DSS_TERMINATE:
		*ev = SMMU_EVT_F_STREAM_DISABLED;
		return -2;
	case SMMU_STE1_S1DSS_BYPASS:
		return -1;
	default:
		return 0;
	}
}

static void ok_bypass(const struct dma_req *req, struct dma_result *res)
{
	dma_xlat_set(res, req->addr, 4096,
		     DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
}

/* A TLB miss: walk, cache the page, answer. */
static void walk_and_fill(struct smmuv3 *s, const struct smmu_ste *ste,
			  const struct smmu_cd *cd, const struct dma_req *req,
			  uint32_t ssid, struct dma_result *res)
{
	struct smmu_wreq rq = { .ia = req->addr,
				.access = req->access,
				.update = true };
	struct smmu_walk_fault wf;
	struct smmu_walk_out o;
	struct smmu_tag t;
	struct dma_xlat x;
	uint64_t aux = 0;

	if (walk(s, ste, cd, &rq, &o, &wf)) {
		fail(s, req, res, wf.event, &wf, 0, recorded(ste, cd, &wf));
		return;
	}
	x = o.x;
	x.out_addr &= ~(x.page_size - 1);
	if (o.global)
		aux |= AUX_GLOBAL;
	/* a read must not leave a page writable in the TLB before a write
	 * has set its dirty state */
	if (hw_dirty(ste, cd) && !(req->access & DMA_ACC_WRITE) &&
	    (x.perm & DMA_ACC_WRITE)) {
		x.perm &= ~DMA_ACC_WRITE;
		aux |= AUX_NO_W;
	}
	t = tlb_tag(ste, cd, req, ssid,
		    (unsigned int)__builtin_ctzll(x.page_size));
	tcache_insert(s->u.tc, &t, sizeof(t), &x, aux);
	dma_xlat_set(res, o.x.out_addr, o.x.page_size, o.x.perm);
}

/* The stream's configuration is known: CD, TLB, walk. */
static void translate_stream(struct smmuv3 *s, const struct smmu_ste *ste,
			     const struct dma_req *req, struct dma_result *res)
{
	struct smmu_cfg_fault cf = { 0 };
	struct smmu_cd cd, *cdp = NULL;
	const struct tc_entry *e;
	unsigned int ev = 0;
	uint32_t ssid = 0;
	int pick;

	pick = pick_ssid(ste, req, &ev);
	if (pick == -2) {
		fail(s, req, res, ev, NULL, 0, true);
		return;
	}
	if (pick >= 0) {
		ssid = (uint32_t)pick;
		if (smmu_get_cd(s, req->source_id, ssid, ste, &cd, &cf)) {
			cfg_fail(s, req, res, ste, &cf);
			return;
		}
		cdp = &cd;
	}
	if (!cdp && !ste->s2) {
		ok_bypass(req, res);
		return;
	}
	e = tlb_lookup(s, ste, cdp, req, ssid);
	/* a hit serves only what the cached page allows; anything else
	 * walks (and faults, or sets the dirty state) */
	if (e && (e->xlat.perm & req->access & 7) == (req->access & 7)) {
		dma_xlat_set(res,
			     e->xlat.out_addr +
				     (req->addr & (e->xlat.page_size - 1)),
			     e->xlat.page_size, e->xlat.perm);
		return;
	}
	walk_and_fill(s, ste, cdp, req, ssid, res);
}

/**
 * smmu_translate() - one request through the SMMU (the unit's translate).
 * @u: the unit.
 * @req: the request; source_id is the StreamID, pasid the SubstreamID.
 * @res: the translation, or the event (code 0 "ABORT": terminated with
 *       no event, by GBPA.ABORT or an STE whose Config aborts).
 */
void smmu_translate(struct sim_unit *u, const struct dma_req *req,
		    struct dma_result *res)
{
	struct smmuv3 *s = to_smmu(u);
	struct smmu_cfg_fault cf = { 0 };
	struct smmu_ste ste;

	if (!(s->cr0 & SMMU_CR0_SMMUEN)) {
		if (s->gbpa & SMMU_GBPA_ABORT)
			fail(s, req, res, 0, NULL, 0, false);
		else
			ok_bypass(req, res);
		return;
	}
	/* C_BAD_STREAMID is recorded only with CR2.RECINVSID (7.3.3) */
	if (smmu_get_ste(s, req->source_id, &ste, &cf))
		fail(s, req, res, cf.event, NULL, cf.fetch_addr,
		     cf.event != SMMU_EVT_C_BAD_STREAMID ||
			     (s->cr2 & SMMU_CR2_RECINVSID));
	else if (ste.config < SMMU_STE_CFG_BYPASS)
		fail(s, req, res, 0, NULL, 0, false);
	else
		translate_stream(s, &ste, req, res);
}

/* ---- strict mode -------------------------------------------------------- */

static bool rewalk_cfg(struct smmuv3 *s, const struct smmu_tag *t,
		       struct dma_xlat *fresh)
{
	struct smmu_cfg_fault f;
	struct smmu_ste ste;
	uint64_t dw[4];

	if (smmu_fetch_ste(s, t->sid, dw, &f))
		return false;
	if (t->kind == TAG_CD) {
		if (smmu_decode_ste(s, dw, &ste) ||
		    smmu_fetch_cd(s, &ste, t->ssid, dw, &f))
			return false;
	}
	fresh->out_addr = dw[0];
	fresh->page_size = dw[1];
	fresh->perm = digest(dw);
	return true;
}

static bool rewalk_tlb(struct smmuv3 *s, const struct tc_entry *e,
		       const struct smmu_tag *t, struct dma_xlat *fresh)
{
	struct smmu_cfg_fault cf;
	struct smmu_walk_fault wf;
	struct smmu_walk_out o;
	struct smmu_ste ste;
	struct smmu_cd cd;
	struct smmu_wreq rq = {
		.ia = t->page,
		.access = (e->xlat.perm & DMA_ACC_READ ? DMA_ACC_READ :
							 DMA_ACC_WRITE) |
			  (t->flags & TAG_F_PRIV ? DMA_ACC_PRIV : 0),
		.update = false,
	};
	uint64_t dw[4];

	if (smmu_fetch_ste(s, t->sid, dw, &cf) || smmu_decode_ste(s, dw, &ste))
		return false;
	if (t->kind != TAG_TLB_S2) {
		if (smmu_fetch_cd(s, &ste, t->ssid, dw, &cf) ||
		    smmu_decode_cd(s, dw, &cd))
			return false;
	}
	if (walk(s, &ste, t->kind == TAG_TLB_S2 ? NULL : &cd, &rq, &o, &wf))
		return false;
	*fresh = o.x;
	fresh->out_addr &= ~(fresh->page_size - 1);
	if (e->aux & AUX_NO_W)
		fresh->perm &= ~DMA_ACC_WRITE;
	return true;
}

static bool smmu_rewalk(void *ctx, const struct tc_entry *e,
			struct dma_xlat *fresh)
{
	struct smmuv3 *s = ctx;
	struct smmu_tag t;
	bool on = s->u.trace.on, ok;

	memcpy(&t, e->tag, sizeof(t));
	s->u.trace.on = false; /* checks are not the walks a person asked */
	ok = t.kind <= TAG_CD ? rewalk_cfg(s, &t, fresh) :
				rewalk_tlb(s, e, &t, fresh);
	s->u.trace.on = on;
	return ok;
}

static void smmu_describe(void *ctx, const struct tc_entry *e, char *buf,
			  size_t len)
{
	static const char *const kinds[] = { "?",	    "STE",
					     "CD",	    "TLB stage 1",
					     "TLB stage 2", "TLB nested" };
	struct smmu_tag t;

	(void)ctx;
	memcpy(&t, e->tag, sizeof(t));
	if (t.kind <= TAG_CD)
		snprintf(buf, len, "%s sid=0x%x ssid=0x%x", kinds[t.kind],
			 t.sid, t.ssid);
	else
		snprintf(buf, len,
			 "%s sid=0x%x vmid=0x%x asid=0x%x iova=0x%" PRIx64,
			 kinds[t.kind < ARRAY_SIZE(kinds) ? t.kind : 0], t.sid,
			 t.vmid, t.asid, t.page);
}

/* Configuration entries hold words, not translations. */
static void smmu_value(void *ctx, const struct tc_entry *e,
		       const struct dma_xlat *x, char *buf, size_t len)
{
	struct smmu_tag t;
	char perm[8];

	(void)ctx;
	memcpy(&t, e->tag, sizeof(t));
	if (t.kind <= TAG_CD) {
		snprintf(buf, len,
			 "dw0=0x%" PRIx64 " dw1=0x%" PRIx64
			 " dw2-3 digest=0x%x",
			 x->out_addr, x->page_size, x->perm);
		return;
	}
	dma_perm_str(x->perm, perm, sizeof(perm));
	snprintf(buf, len, "pa=0x%" PRIx64 " size=0x%" PRIx64 " perm=%s",
		 x->out_addr, x->page_size, perm);
}

const struct tcache_ops smmu_tcache_ops = {
	.rewalk = smmu_rewalk,
	.describe = smmu_describe,
	.value = smmu_value,
};

// SPDX-License-Identifier: MIT
/*
 * walk.c - the VT-d hardware walkers (legacy mode), pure functions of
 * (memory, configuration, request): they read structures, emit one trace
 * event per fetch and return a translation or the fault reason with the
 * address of the structure at fault. They record nothing and cache
 * nothing; translate.c does.
 *
 * Steps and fault reasons follow spec 3.4 / 7.1.3 as transcribed in
 * shared/reference/vtd.md 3.4 (conditions LRT.x, LCT.x, LSS.x, LGN.x).
 *
 * Check order inside one second-stage entry (sources differ, see
 * docs/vtd.md "Fault priority"): fetch error, then not present (R = W =
 * 0: a read or write fault, never "reserved", since nothing else of a
 * not-present entry is looked at), then the access rights accumulated
 * down to this level, then reserved bits. Rights before reserved bits is
 * what VirtualBox's model does citing spec 7.1.3, and QEMU agrees;
 * OpenVMM checks reserved bits first.
 */
#include <errno.h>
#include <inttypes.h>

#include "structs.h"
#include "vtd.h"

/* Bits at and above the host address width, within an address field. */
static uint64_t above_haw(const struct vtd_config *cfg)
{
	return cfg->haw >= 52 ? 0 : GENMASK_ULL(51, cfg->haw);
}

static int fault(struct vtd_walk_fault *f, unsigned int reason, uint64_t entry)
{
	f->reason = reason;
	f->entry = entry;
	return -EFAULT;
}

/* ---- root and context --------------------------------------------------- */

static int walk_root(struct pm_space *pm, struct trace *tr,
		     const struct vtd_config *cfg, uint64_t rta, uint8_t bus,
		     uint64_t *ctp, struct vtd_walk_fault *f)
{
	uint64_t pa = (rta & VTD_RTADDR_RTA) + 16 * bus, w[2];

	if (pm_ld64_le(pm, pa, &w[0]) || pm_ld64_le(pm, pa + 8, &w[1])) {
		trace_fetch(tr, "root-entry", pa, NULL, 0, "fault: fetch error",
			    "bus=0x%x", bus);
		return fault(f, VTD_FR_ROOT_FETCH, pa);
	}
	if (!(w[0] & VTD_ROOT0_P)) {
		trace_fetch(tr, "root-entry", pa, w, 2, "fault: not present",
			    "P=0");
		return fault(f, VTD_FR_ROOT_NOT_PRESENT, pa);
	}
	if ((w[0] & (VTD_ROOT0_RSVD | above_haw(cfg))) || w[1]) {
		trace_fetch(tr, "root-entry", pa, w, 2, "fault: reserved bit",
			    "P=1");
		return fault(f, VTD_FR_ROOT_RSVD, pa);
	}
	*ctp = w[0] & VTD_ROOT0_CTP;
	trace_fetch(tr, "root-entry", pa, w, 2, "next: context table",
		    "P=1 CTP=0x%" PRIx64, *ctp);
	return 0;
}

/* Context entry checks past presence and reserved bits (LCT.4.x). */
static bool ctx_valid(const struct vtd_config *cfg, uint64_t ecap,
		      const struct vtd_ctx *c)
{
	switch (c->tt) {
	case VTD_TT_UNTRANSLATED:
		break;
	case VTD_TT_ALL:
		if (!(ecap & VTD_ECAP_DT))
			return false;
		break;
	case VTD_TT_PASSTHROUGH:
		if (!(ecap & VTD_ECAP_PT))
			return false;
		break;
	default:
		return false;
	}
	return cfg->sagaw & (1u << c->aw);
}

/**
 * vtd_walk_context() - find and check the legacy context entry of @sid.
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @ecap: the ECAP register.
 * @rta: the latched root-table address.
 * @sid: requester id, bus << 8 | devfn.
 * @ctx: the decoded entry.
 * @f: the fault, on failure; f->fpd_known says whether the context's FPD
 *     bit was read (it qualifies the fault).
 *
 * Return: 0, or -EFAULT with @f filled.
 */
int vtd_walk_context(struct pm_space *pm, struct trace *tr,
		     const struct vtd_config *cfg, uint64_t ecap, uint64_t rta,
		     uint16_t sid, struct vtd_ctx *ctx,
		     struct vtd_walk_fault *f)
{
	uint64_t ctp, pa, w[2];

	f->fpd_known = false;
	if (walk_root(pm, tr, cfg, rta, sid >> 8, &ctp, f))
		return -EFAULT;
	pa = ctp + 16 * (sid & 0xff);
	if (pm_ld64_le(pm, pa, &w[0]) || pm_ld64_le(pm, pa + 8, &w[1])) {
		trace_fetch(tr, "context-entry", pa, NULL, 0,
			    "fault: fetch error", "devfn=0x%x", sid & 0xff);
		return fault(f, VTD_FR_CTX_FETCH, pa);
	}
	/* FPD is meaningful even in a not-present entry (vtd.md 3.7). */
	f->fpd_known = true;
	f->fpd = w[0] & VTD_CTX0_FPD;
	if (!(w[0] & VTD_CTX0_P)) {
		trace_fetch(tr, "context-entry", pa, w, 2, "fault: not present",
			    "P=0 FPD=%u", f->fpd);
		return fault(f, VTD_FR_CTX_NOT_PRESENT, pa);
	}
	if ((w[0] & (VTD_CTX0_RSVD | above_haw(cfg))) ||
	    (w[1] & (VTD_CTX1_RSVD7 | VTD_CTX1_RSVD))) {
		trace_fetch(tr, "context-entry", pa, w, 2,
			    "fault: reserved bit", "P=1");
		return fault(f, VTD_FR_CTX_RSVD, pa);
	}
	ctx->ssptptr = w[0] & VTD_CTX0_SSPTPTR;
	ctx->tt = (uint8_t)FIELD_GET(VTD_CTX0_TT, w[0]);
	ctx->aw = (uint8_t)FIELD_GET(VTD_CTX1_AW, w[1]);
	ctx->did = (uint16_t)FIELD_GET(VTD_CTX1_DID, w[1]);
	ctx->fpd = f->fpd;
	if (!ctx_valid(cfg, ecap, ctx)) {
		trace_fetch(tr, "context-entry", pa, w, 2, "fault: invalid",
			    "P=1 TT=%u AW=%u DID=0x%x", ctx->tt, ctx->aw,
			    ctx->did);
		return fault(f, VTD_FR_CTX_INVALID, pa);
	}
	trace_fetch(tr, "context-entry", pa, w, 2,
		    ctx->tt == VTD_TT_PASSTHROUGH ? "pass-through" :
						    "next: second-stage table",
		    "P=1 FPD=%u TT=%u AW=%u DID=0x%x SSPTPTR=0x%" PRIx64,
		    ctx->fpd, ctx->tt, ctx->aw, ctx->did, ctx->ssptptr);
	return 0;
}

/* ---- second stage ------------------------------------------------------- */

/*
 * Reserved bits of a present second-stage entry at @level (0 = SS-PTE),
 * leaf or not (vtd.md 3.2, QEMU's masks): address bits above HAW, SNP
 * (bit 11) without snoop control, TM (bit 62), PS where the level or
 * CAP.SSLPS does not allow a leaf, and the low address bits of a large
 * page.
 */
static uint64_t ss_rsvd(const struct vtd_config *cfg, uint64_t ecap, uint64_t e,
			unsigned int level)
{
	uint64_t rsvd = above_haw(cfg) | VTD_SS_TM;

	/* SNP is reserved only in legacy mode without snoop control
	 * (vtd.md 3.2: QEMU un-reserves it in scalable mode) */
	if (!(ecap & (VTD_ECAP_SC | VTD_ECAP_SMTS)))
		rsvd |= VTD_SS_SNP;
	if (level == 0)
		return rsvd;
	if (level >= 3 || (level == 1 && !cfg->sp2m) ||
	    (level == 2 && !cfg->sp1g))
		return rsvd | VTD_SS_PS;
	if (e & VTD_SS_PS)
		rsvd |= GENMASK_ULL(12 + 9 * level - 1, 12);
	return rsvd;
}

/* The fault reasons a second-stage walk reports, by mode (vtd.md 3.4-3.5). */
struct ss_codes {
	unsigned int beyond_aw, fetch, top_fetch, rsvd, write, read;
};

static const struct ss_codes legacy_codes = {
	VTD_FR_ADDR_BEYOND_AW, VTD_FR_PTE_FETCH, VTD_FR_CTX_INVALID,
	VTD_FR_PTE_RSVD,       VTD_FR_WRITE,	 VTD_FR_READ,
};

static const struct ss_codes scalable_codes = {
	VTD_SFR_ADDR_BEYOND_AW, VTD_SFR_SS_FETCH, VTD_SFR_SSPTPTR_INVALID,
	VTD_SFR_SS_RSVD,	VTD_SFR_WRITE,	  VTD_SFR_READ,
};

static int denied(struct vtd_walk_fault *f, const struct ss_codes *codes,
		  unsigned int access, uint64_t pa)
{
	return fault(f, (access & DMA_ACC_WRITE) ? codes->write : codes->read,
		     pa);
}

/* Scalable mode with SSADE: set A in every entry used, D in the leaf of a
 * write (spec 3.7.1). The model is single-threaded, so load-modify-store
 * is the atomic update the spec asks for. */
static void ss_update_ad(struct pm_space *pm, uint64_t pa, uint64_t e,
			 bool leaf, bool write)
{
	uint64_t n = e | VTD_SS_A | (leaf && write ? VTD_SS_D : 0);

	if (n != e)
		pm_st64_le(pm, pa, n);
}

/**
 * vtd_walk_ss() - walk the second-stage tables of @ctx.
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @ecap: the ECAP register.
 * @ctx: SSPTPTR, AW, mode (legacy or scalable fault codes) and SSADE.
 * @rq: input address, access needed (DMA_ACC_READ and/or WRITE; none on a
 *      strict re-walk), whether A/D may be written.
 * @x: the translation of the page on success (out_addr = page base).
 * @level: the level of the leaf (0 = 4 KiB).
 * @f: the fault on failure.
 *
 * Return: 0 or -EFAULT.
 */
int vtd_walk_ss(struct pm_space *pm, struct trace *tr,
		const struct vtd_config *cfg, uint64_t ecap,
		const struct vtd_ctx *ctx, const struct vtd_wreq *rq,
		struct dma_xlat *x, unsigned int *level,
		struct vtd_walk_fault *f)
{
	const struct ss_codes *codes = ctx->scalable ? &scalable_codes :
						       &legacy_codes;
	unsigned int levels = ctx->aw + 2u;
	unsigned int width = 30 + 9 * ctx->aw;
	unsigned int need = rq->access & (DMA_ACC_READ | DMA_ACC_WRITE);
	unsigned int perm = DMA_ACC_READ | DMA_ACC_WRITE;
	bool ad = ctx->ssade && rq->update_ad;
	uint64_t table = ctx->ssptptr, iova = rq->iova;

	if (width > cfg->aw_bits)
		width = cfg->aw_bits;
	if (iova >> width) {
		trace_fetch(tr, "input-address", iova, NULL, 0,
			    "fault: beyond the address width", "width=%u",
			    width);
		return fault(f, codes->beyond_aw, 0);
	}
	for (unsigned int l = levels; l-- > 0;) {
		unsigned int shift = 12 + 9 * l;
		uint64_t pa = table + 8 * ((iova >> shift) & 0x1ff), e;
		bool leaf;

		if (pm_ld64_le(pm, pa, &e)) {
			trace_fetch(tr, "ss-entry", pa, NULL, 0,
				    "fault: fetch error", "level=%u", l + 1);
			/* The table SSPTPTR names belongs to the context:
			 * failing to read it is an invalid context / SSPTPTR
			 * (LCT.4.3; QEMU and OpenVMM agree). */
			return fault(f,
				     l == levels - 1 ? codes->top_fetch :
						       codes->fetch,
				     pa);
		}
		if (!(e & (VTD_SS_R | VTD_SS_W))) {
			trace_fetch(tr, "ss-entry", pa, &e, 1,
				    "fault: not present", "level=%u R=0 W=0",
				    l + 1);
			return denied(f, codes, rq->access, pa);
		}
		leaf = !l || (e & VTD_SS_PS);
		perm &= (unsigned int)(e & (VTD_SS_R | VTD_SS_W));
		if ((perm & need) != need) {
			trace_fetch(tr, "ss-entry", pa, &e, 1,
				    "fault: access denied",
				    "level=%u R=%u W=%u", l + 1,
				    (unsigned int)(e & 1),
				    (unsigned int)(e >> 1 & 1));
			return denied(f, codes, rq->access, pa);
		}
		if (e & ss_rsvd(cfg, ecap, e, l)) {
			trace_fetch(tr, "ss-entry", pa, &e, 1,
				    "fault: reserved bit",
				    "level=%u rsvd=0x%" PRIx64, l + 1,
				    e & ss_rsvd(cfg, ecap, e, l));
			return fault(f, codes->rsvd, pa);
		}
		trace_fetch(tr, "ss-entry", pa, &e, 1,
			    leaf ? "leaf" : "next: table",
			    "level=%u R=%u W=%u PS=%u ADDR=0x%" PRIx64, l + 1,
			    (unsigned int)(e & 1), (unsigned int)(e >> 1 & 1),
			    (unsigned int)(e >> 7 & 1), e & VTD_SS_ADDR);
		if (ad)
			ss_update_ad(pm, pa, e, leaf,
				     rq->access & DMA_ACC_WRITE);
		if (!leaf) {
			table = e & VTD_SS_ADDR;
			continue;
		}
		x->page_size = 1ULL << shift;
		x->out_addr = e & VTD_SS_ADDR & ~(x->page_size - 1);
		x->perm = perm;
		*level = l;
		return 0;
	}
	return fault(f, codes->fetch, table); /* not reached */
}

/* ---- scalable mode: root, context, PASID directory and table ------------- */

/**
 * vtd_walk_sm_context() - the scalable-mode root half and 256-bit context
 * entry of @sid (spec 3.4.1, 9.2, 9.4).
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @ecap: ECAP.
 * @rta: latched root-table address.
 * @sid: requester id.
 * @c: the decoded context.
 * @f: the fault; f->fpd_known once the context's FPD was read.
 *
 * Only the root half the devfn selects is checked (vtd.md 7.4).
 *
 * Return: 0 or -EFAULT.
 */
int vtd_walk_sm_context(struct pm_space *pm, struct trace *tr,
			const struct vtd_config *cfg, uint64_t ecap,
			uint64_t rta, uint16_t sid, struct vtd_sctx *c,
			struct vtd_walk_fault *f)
{
	uint8_t devfn = sid & 0xff;
	unsigned int half = devfn >> 7;
	uint64_t pa = (rta & VTD_RTADDR_RTA) + 16 * (sid >> 8) + 8 * half;
	uint64_t r, w[4], rsvd0;

	f->fpd_known = false;
	if (pm_ld64_le(pm, pa, &r)) {
		trace_fetch(tr, "sm-root-half", pa, NULL, 0,
			    "fault: fetch error", "bus=0x%x half=%u", sid >> 8,
			    half);
		return fault(f, VTD_SFR_ROOT_FETCH, pa);
	}
	if (!(r & VTD_SROOT_P)) {
		trace_fetch(tr, "sm-root-half", pa, &r, 1, "fault: not present",
			    "%s=0", half ? "UP" : "LP");
		return fault(f, VTD_SFR_ROOT_NOT_PRESENT, pa);
	}
	if (r & (VTD_SROOT_RSVD | above_haw(cfg))) {
		trace_fetch(tr, "sm-root-half", pa, &r, 1,
			    "fault: reserved bit", "%s=1", half ? "UP" : "LP");
		return fault(f, VTD_SFR_ROOT_RSVD, pa);
	}
	trace_fetch(tr, "sm-root-half", pa, &r, 1, "next: context table",
		    "%s=1 CTP=0x%" PRIx64, half ? "UP" : "LP",
		    r & VTD_SROOT_CTP);
	pa = (r & VTD_SROOT_CTP) + 32 * (devfn & 0x7f);
	for (unsigned int i = 0; i < 4; i++) {
		if (pm_ld64_le(pm, pa + 8 * i, &w[i])) {
			trace_fetch(tr, "sm-context-entry", pa, NULL, 0,
				    "fault: fetch error", "devfn=0x%x", devfn);
			return fault(f, VTD_SFR_CTX_FETCH, pa);
		}
	}
	f->fpd_known = true;
	f->fpd = w[0] & VTD_SCTX0_FPD;
	if (!(w[0] & VTD_SCTX0_P)) {
		trace_fetch(tr, "sm-context-entry", pa, w, 4,
			    "fault: not present", "P=0 FPD=%u", f->fpd);
		return fault(f, VTD_SFR_CTX_NOT_PRESENT, pa);
	}
	/* DTE needs ECAP.DT and PRE needs ECAP.PRS (OpenVMM reserves them;
	 * QEMU does not: see docs/vtd.md); RID_PRIV needs ECAP.RPRIVS (0). */
	rsvd0 = VTD_SCTX0_RSVD | above_haw(cfg) |
		((ecap & VTD_ECAP_DT) ? 0 : VTD_SCTX0_DTE) |
		((ecap & VTD_ECAP_PRS) ? 0 : VTD_SCTX0_PRE);
	if ((w[0] & rsvd0) || (w[1] & (VTD_SCTX1_RSVD | VTD_SCTX1_RID_PRIV)) ||
	    w[2] || w[3]) {
		trace_fetch(tr, "sm-context-entry", pa, w, 4,
			    "fault: reserved bit", "P=1");
		return fault(f, VTD_SFR_CTX_RSVD, pa);
	}
	c->pasiddirptr = w[0] & VTD_SCTX0_PASIDDIRPTR;
	c->pdts = (uint8_t)FIELD_GET(VTD_SCTX0_PDTS, w[0]);
	c->paside = w[0] & VTD_SCTX0_PASIDE;
	c->fpd = f->fpd;
	c->rid_pasid = (uint32_t)FIELD_GET(VTD_SCTX1_RID_PASID, w[1]);
	trace_fetch(tr, "sm-context-entry", pa, w, 4, "next: PASID directory",
		    "P=1 FPD=%u PASIDE=%u PDTS=%u RID_PASID=0x%x "
		    "PASIDDIRPTR=0x%" PRIx64,
		    c->fpd, c->paside, c->pdts, c->rid_pasid, c->pasiddirptr);
	return 0;
}

/* PASID-entry checks past P and reserved bits (spec 9.6; vtd.md 3.5). */
static bool pasid_entry_valid(const struct vtd_config *cfg, uint64_t cap,
			      uint64_t ecap, const struct vtd_pasid_cfg *p)
{
	switch (p->pgtt) {
	case VTD_PGTT_FS:
		if (!(ecap & VTD_ECAP_FSTS))
			return false;
		break;
	case VTD_PGTT_SS:
		if (!(ecap & VTD_ECAP_SSTS) || !(cfg->sagaw & (1u << p->aw)))
			return false;
		break;
	case VTD_PGTT_PT:
		if (!(ecap & VTD_ECAP_PT))
			return false;
		break;
	case VTD_PGTT_NESTED:
		if (!(ecap & VTD_ECAP_NEST) || !(cfg->sagaw & (1u << p->aw)))
			return false;
		break;
	default:
		return false;
	}
	if ((p->pgtt == VTD_PGTT_FS || p->pgtt == VTD_PGTT_NESTED) &&
	    (p->fspm > 1 || (p->fspm == 1 && !(cap & VTD_CAP_FS5LP))))
		return false;
	if (p->ssade && !(ecap & VTD_ECAP_SSADS))
		return false;
	return true;
}

/**
 * vtd_walk_pasid() - the PASID directory and PASID-table entry of @pasid
 * under scalable context @c (spec 3.4.3, 9.5, 9.6).
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @cap: CAP.
 * @ecap: ECAP.
 * @c: the context.
 * @pasid: the request's PASID (or RID_PASID).
 * @p: the decoded entry; p->fpd is the OR of every FPD on the way.
 * @f: the fault; f->fpd holds the FPD accumulated so far.
 *
 * Return: 0 or -EFAULT.
 */
int vtd_walk_pasid(struct pm_space *pm, struct trace *tr,
		   const struct vtd_config *cfg, uint64_t cap, uint64_t ecap,
		   const struct vtd_sctx *c, uint32_t pasid,
		   struct vtd_pasid_cfg *p, struct vtd_walk_fault *f)
{
	uint64_t pa = c->pasiddirptr + 8 * (pasid >> 6), d, w[8];

	f->fpd_known = true;
	f->fpd = c->fpd;
	if (pasid >> (c->pdts + 13)) {
		trace_fetch(tr, "pasid", pasid, NULL, 0,
			    "fault: beyond the PASID directory", "PDTS=%u",
			    c->pdts);
		return fault(f, VTD_SFR_PASID_TOO_LARGE, 0);
	}
	if (pm_ld64_le(pm, pa, &d)) {
		trace_fetch(tr, "pasid-dir-entry", pa, NULL, 0,
			    "fault: fetch error", "pasid=0x%x", pasid);
		return fault(f, VTD_SFR_PDIR_FETCH, pa);
	}
	f->fpd |= (d & VTD_PDE_FPD) != 0; /* read even when P = 0 */
	if (!(d & VTD_PDE_P)) {
		trace_fetch(tr, "pasid-dir-entry", pa, &d, 1,
			    "fault: not present", "P=0");
		return fault(f, VTD_SFR_PDIR_NOT_PRESENT, pa);
	}
	if (d & (VTD_PDE_RSVD | above_haw(cfg))) {
		trace_fetch(tr, "pasid-dir-entry", pa, &d, 1,
			    "fault: reserved bit", "P=1");
		return fault(f, VTD_SFR_PDIR_RSVD, pa);
	}
	trace_fetch(tr, "pasid-dir-entry", pa, &d, 1, "next: PASID table",
		    "P=1 SMPTBLPTR=0x%" PRIx64, d & VTD_PDE_SMPTBLPTR);
	pa = (d & VTD_PDE_SMPTBLPTR) + 64 * (pasid & 0x3f);
	for (unsigned int i = 0; i < 8; i++) {
		if (pm_ld64_le(pm, pa + 8 * i, &w[i])) {
			trace_fetch(tr, "pasid-entry", pa, NULL, 0,
				    "fault: fetch error", "pasid=0x%x", pasid);
			return fault(f, VTD_SFR_PTE_FETCH, pa);
		}
	}
	f->fpd |= (w[0] & VTD_PTE0_FPD) != 0;
	if (!(w[0] & VTD_PTE0_P)) {
		trace_fetch(tr, "pasid-entry", pa, w, 4, "fault: not present",
			    "P=0 FPD=%u", f->fpd);
		return fault(f, VTD_SFR_PTE_NOT_PRESENT, pa);
	}
	if ((w[0] & (VTD_PTE0_RSVD | above_haw(cfg))) ||
	    (w[1] & VTD_PTE1_RSVD) ||
	    (w[2] & (VTD_PTE2_RSVD | above_haw(cfg))) || w[3] || w[4] || w[5] ||
	    w[6] || w[7]) {
		trace_fetch(tr, "pasid-entry", pa, w, 4, "fault: reserved bit",
			    "P=1");
		return fault(f, VTD_SFR_PTE_RSVD, pa);
	}
	p->ssptptr = w[0] & VTD_PTE0_SSPTPTR;
	p->aw = (uint8_t)FIELD_GET(VTD_PTE0_AW, w[0]);
	p->pgtt = (uint8_t)FIELD_GET(VTD_PTE0_PGTT, w[0]);
	p->ssade = w[0] & VTD_PTE0_SSADE;
	p->did = (uint16_t)FIELD_GET(VTD_PTE1_DID, w[1]);
	p->sre = w[2] & VTD_PTE2_SRE;
	p->fspm = (uint8_t)FIELD_GET(VTD_PTE2_FSPM, w[2]);
	p->wpe = w[2] & VTD_PTE2_WPE;
	p->eafe = w[2] & VTD_PTE2_EAFE;
	p->fsptptr = w[2] & VTD_PTE2_FSPTPTR;
	p->fpd = f->fpd;
	if (!pasid_entry_valid(cfg, cap, ecap, p)) {
		trace_fetch(tr, "pasid-entry", pa, w, 4, "fault: invalid",
			    "P=1 PGTT=%u AW=%u FSPM=%u", p->pgtt, p->aw,
			    p->fspm);
		return fault(f, VTD_SFR_PTE_INVALID, pa);
	}
	trace_fetch(tr, "pasid-entry", pa, w, 4, "decoded",
		    "P=1 FPD=%u PGTT=%u DID=0x%x AW=%u SSPTPTR=0x%" PRIx64
		    " FSPTPTR=0x%" PRIx64 " FSPM=%u SRE=%u WPE=%u",
		    p->fpd, p->pgtt, p->did, p->aw, p->ssptptr, p->fsptptr,
		    p->fspm, p->sre, p->wpe);
	return 0;
}

/* ---- first stage (x86-64 paging) ----------------------------------------- */

/*
 * Reserved bits of a present first-stage entry at @level (0 = PTE): bits
 * above HAW, PS in a PML4/PML5 entry or a PDPE without CAP.FS1GP, and the
 * low address bits of a large page above the PAT bit (vtd.md 3.3: the
 * alignment bits start at 13, bit 12 being PAT).
 */
static uint64_t fs_rsvd(const struct vtd_config *cfg, uint64_t e,
			unsigned int level)
{
	uint64_t rsvd = above_haw(cfg);

	if (level == 0)
		return rsvd;
	if (level >= 3 || (level == 2 && !cfg->fs1gp))
		return rsvd | VTD_FS_PS;
	if (e & VTD_FS_PS)
		rsvd |= GENMASK_ULL(12 + 9 * level - 1, 13);
	return rsvd;
}

/* Sign-extension of the top input bit (vtd.md 3.5: 0x80). */
static bool canonical(uint64_t iova, unsigned int width)
{
	uint64_t top = iova >> (width - 1);

	return top == 0 || top == (~0ULL >> (width - 1));
}

static void fs_update_ad(struct pm_space *pm, uint64_t pa, uint64_t e,
			 bool leaf, bool write, bool eafe)
{
	uint64_t n = e | VTD_FS_A | (eafe ? VTD_FS_EA : 0) |
		     (leaf && write ? VTD_FS_D : 0);

	if (n != e)
		pm_st64_le(pm, pa, n);
}

/*
 * Nested translation: a first-stage table address is a guest-physical
 * address, translated by the second stage (read access). Faults of that
 * translation get the nested reasons (Linux dmar.c's strings): beyond the
 * width 0x74, no read permission 0x75 for the FS-PML4 table and 0x76
 * below; fetch errors and reserved bits keep their second-stage codes.
 */
static int nest_table(struct pm_space *pm, struct trace *tr,
		      const struct vtd_config *cfg, uint64_t ecap,
		      const struct vtd_ctx *ss, uint64_t gpa, bool top,
		      bool update_ad, struct dma_xlat *sx,
		      struct vtd_walk_fault *f)
{
	struct vtd_wreq rq = { .iova = gpa,
			       .access = DMA_ACC_READ,
			       .update_ad = update_ad };
	unsigned int level;

	if (!vtd_walk_ss(pm, tr, cfg, ecap, ss, &rq, sx, &level, f))
		return 0;
	if (f->reason == VTD_SFR_ADDR_BEYOND_AW)
		f->reason = VTD_SFR_NEST_FS_BEYOND_AW;
	else if (f->reason == VTD_SFR_READ)
		f->reason = top ? VTD_SFR_NEST_PML4_READ : VTD_SFR_NEST_FS_READ;
	return -EFAULT;
}

/**
 * vtd_walk_fs() - a first-stage walk (spec 3.6, x86-64 paging): 4 or 5
 * levels per FSPM, canonical check, P, U/S, R/W with supervisor writes
 * following WPE, XD, reserved bits, and the A (EA) / D updates. With
 * @nest (PGTT 011) every table address is translated by the second stage
 * first, and an A/D update needs write permission there (0x77).
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @ecap: ECAP.
 * @p: the PASID entry (FSPTPTR, FSPM, WPE, EAFE).
 * @nest: the second stage for nested translation, or NULL.
 * @rq: the request; DMA_ACC_PRIV marks a supervisor request.
 * @x: the translation (of the guest-physical page when nested); perm holds
 *     what this request's privilege may do.
 * @level: the leaf's level.
 * @f: the fault.
 *
 * Return: 0 or -EFAULT.
 */
int vtd_walk_fs(struct pm_space *pm, struct trace *tr,
		const struct vtd_config *cfg, uint64_t ecap,
		const struct vtd_pasid_cfg *p, const struct vtd_ctx *nest,
		const struct vtd_wreq *rq, struct dma_xlat *x,
		unsigned int *level, struct vtd_walk_fault *f)
{
	unsigned int levels = p->fspm ? 5 : 4;
	bool user = !(rq->access & DMA_ACC_PRIV);
	bool write = rq->access & DMA_ACC_WRITE;
	bool rw = true, us = true, xd = false;
	uint64_t table = p->fsptptr;
	struct dma_xlat sx = { .perm = DMA_ACC_READ | DMA_ACC_WRITE };

	if (!canonical(rq->iova, 12 + 9 * levels)) {
		trace_fetch(tr, "input-address", rq->iova, NULL, 0,
			    "fault: not canonical", "width=%u",
			    12 + 9 * levels);
		return fault(f, VTD_SFR_NON_CANONICAL, 0);
	}
	for (unsigned int l = levels; l-- > 0;) {
		unsigned int shift = 12 + 9 * l;
		uint64_t pa, e;
		bool leaf, w_ok;

		if (nest && nest_table(pm, tr, cfg, ecap, nest, table,
				       l == levels - 1, rq->update_ad, &sx, f))
			return -EFAULT;
		if (nest)
			table = sx.out_addr + (table & (sx.page_size - 1));
		pa = table + 8 * ((rq->iova >> shift) & 0x1ff);
		if (pm_ld64_le(pm, pa, &e)) {
			trace_fetch(tr, "fs-entry", pa, NULL, 0,
				    "fault: fetch error", "level=%u", l + 1);
			return fault(f,
				     l == levels - 1 ? VTD_SFR_FSPTPTR_FETCH :
						       VTD_SFR_FS_FETCH,
				     pa);
		}
		if (!(e & VTD_FS_P)) {
			trace_fetch(tr, "fs-entry", pa, &e, 1,
				    "fault: not present", "level=%u P=0",
				    l + 1);
			return fault(f, VTD_SFR_FS_NOT_PRESENT, pa);
		}
		leaf = !l || (e & VTD_FS_PS);
		rw &= (e & VTD_FS_RW) != 0;
		us &= (e & VTD_FS_US) != 0;
		xd |= (e & VTD_FS_XD) != 0;
		w_ok = rw || (!user && !p->wpe);
		if ((user && !us) || (write && !w_ok) ||
		    ((rq->access & DMA_ACC_EXEC) && xd)) {
			trace_fetch(tr, "fs-entry", pa, &e, 1,
				    "fault: access denied",
				    "level=%u RW=%u US=%u XD=%u", l + 1,
				    (unsigned int)(e >> 1 & 1),
				    (unsigned int)(e >> 2 & 1),
				    (unsigned int)(e >> 63));
			return fault(f,
				     user && !us    ? VTD_SFR_USER :
				     write && !w_ok ? VTD_SFR_WRITE :
						      VTD_SFR_EXEC,
				     pa);
		}
		if (e & fs_rsvd(cfg, e, l)) {
			trace_fetch(tr, "fs-entry", pa, &e, 1,
				    "fault: reserved bit",
				    "level=%u rsvd=0x%" PRIx64, l + 1,
				    e & fs_rsvd(cfg, e, l));
			return fault(f, VTD_SFR_FS_RSVD, pa);
		}
		trace_fetch(
			tr, "fs-entry", pa, &e, 1,
			leaf ? "leaf" : "next: table",
			"level=%u P=1 RW=%u US=%u PS=%u XD=%u ADDR=0x%" PRIx64,
			l + 1, (unsigned int)(e >> 1 & 1),
			(unsigned int)(e >> 2 & 1), (unsigned int)(e >> 7 & 1),
			(unsigned int)(e >> 63), e & VTD_FS_ADDR);
		if (rq->update_ad &&
		    (!(e & VTD_FS_A) || (leaf && write && !(e & VTD_FS_D))) &&
		    !(sx.perm & DMA_ACC_WRITE)) {
			/* the A/D write lands in a read-only guest page */
			trace_fetch(tr, "fs-entry", pa, &e, 1,
				    "fault: A/D update not writable",
				    "level=%u", l + 1);
			return fault(f, VTD_SFR_NEST_FS_WRITE, pa);
		}
		if (rq->update_ad)
			fs_update_ad(pm, pa, e, leaf, write, p->eafe);
		if (!leaf) {
			table = e & VTD_FS_ADDR;
			continue;
		}
		x->page_size = 1ULL << shift;
		x->out_addr = e & VTD_FS_ADDR & ~(x->page_size - 1);
		x->perm = DMA_ACC_READ | (w_ok ? DMA_ACC_WRITE : 0) |
			  (xd ? 0 : DMA_ACC_EXEC) | (rq->access & DMA_ACC_PRIV);
		*level = l;
		return 0;
	}
	return fault(f, VTD_SFR_FS_FETCH, table); /* not reached */
}

/**
 * vtd_walk_nested() - nested translation (PGTT 011): the first-stage walk
 * with every table address translated by the second stage, then the
 * first stage's output (a guest-physical address) translated by the
 * second stage with the request's access, under the second-stage fault
 * codes. The page is the smaller of the two; rights are the AND.
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @ecap: ECAP.
 * @p: the PASID entry (both stages).
 * @rq: the request.
 * @x: the translation of the request's page (out_addr = page base).
 * @level: the level whose size that page has.
 * @f: the fault.
 *
 * Return: 0 or -EFAULT.
 */
int vtd_walk_nested(struct pm_space *pm, struct trace *tr,
		    const struct vtd_config *cfg, uint64_t ecap,
		    const struct vtd_pasid_cfg *p, const struct vtd_wreq *rq,
		    struct dma_xlat *x, unsigned int *level,
		    struct vtd_walk_fault *f)
{
	struct vtd_ctx ss = { .ssptptr = p->ssptptr,
			      .did = p->did,
			      .aw = p->aw,
			      .scalable = true,
			      .ssade = p->ssade };
	struct vtd_wreq out = { .access = rq->access &
					  (DMA_ACC_READ | DMA_ACC_WRITE),
				.update_ad = rq->update_ad };
	struct dma_xlat fx, sx;
	unsigned int fl, sl;
	uint64_t gpa, hpa, size;

	if (vtd_walk_fs(pm, tr, cfg, ecap, p, &ss, rq, &fx, &fl, f))
		return -EFAULT;
	gpa = fx.out_addr + (rq->iova & (fx.page_size - 1));
	out.iova = gpa;
	if (vtd_walk_ss(pm, tr, cfg, ecap, &ss, &out, &sx, &sl, f))
		return -EFAULT;
	hpa = sx.out_addr + (gpa & (sx.page_size - 1));
	size = fx.page_size < sx.page_size ? fx.page_size : sx.page_size;
	x->page_size = size;
	x->out_addr = hpa & ~(size - 1);
	x->perm = (fx.perm & ~(DMA_ACC_READ | DMA_ACC_WRITE)) |
		  (fx.perm & sx.perm & (DMA_ACC_READ | DMA_ACC_WRITE));
	*level = fl < sl ? fl : sl;
	return 0;
}

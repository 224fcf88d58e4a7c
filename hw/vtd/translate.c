// SPDX-License-Identifier: MIT
/*
 * translate.c - the VT-d request pipeline: the mode the latched RTADDR.TTM
 * selects, caches (cache.c), walkers (walk.c), fault qualification and
 * recording (fault.c).
 *
 * Legacy (TTM 00): root -> context -> TT (pass-through or second stage).
 * Scalable (TTM 01, mode=scalable): root half -> 256-bit context -> PASID
 * (the request's, or RID_PASID) -> PASID directory and entry -> PGTT:
 * pass-through, second stage only, or first stage only.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "structs.h"
#include "vtd.h"

/* Requests without PASID to this window are interrupts (spec 3.13). */
#define VTD_INTR_BASE 0xfee00000ULL
#define VTD_INTR_LAST 0xfeefffffULL

#define TTM_LEGACY 0
#define TTM_SCALABLE 1

static const char *const fault_names[] = {
	[VTD_FR_ROOT_NOT_PRESENT] = "ROOT_NOT_PRESENT",
	[VTD_FR_CTX_NOT_PRESENT] = "CONTEXT_NOT_PRESENT",
	[VTD_FR_CTX_INVALID] = "CONTEXT_INVALID",
	[VTD_FR_ADDR_BEYOND_AW] = "ADDR_BEYOND_AW",
	[VTD_FR_WRITE] = "WRITE_DENIED",
	[VTD_FR_READ] = "READ_DENIED",
	[VTD_FR_PTE_FETCH] = "SS_FETCH_ERROR",
	[VTD_FR_ROOT_FETCH] = "ROOT_FETCH_ERROR",
	[VTD_FR_CTX_FETCH] = "CONTEXT_FETCH_ERROR",
	[VTD_FR_ROOT_RSVD] = "ROOT_RESERVED",
	[VTD_FR_CTX_RSVD] = "CONTEXT_RESERVED",
	[VTD_FR_PTE_RSVD] = "SS_RESERVED",
	[VTD_FR_TT_BLOCKED] = "TT_BLOCKED",
	[VTD_FR_INTR_ADDR] = "INTERRUPT_ADDRESS",
	[VTD_SFR_RTADDR_INVALID] = "SM_RTADDR_INVALID",
	[VTD_FR_PASID_LEGACY] = "PASID_IN_LEGACY_MODE",
	[VTD_SFR_ROOT_FETCH] = "SM_ROOT_FETCH_ERROR",
	[VTD_SFR_ROOT_NOT_PRESENT] = "SM_ROOT_NOT_PRESENT",
	[VTD_SFR_ROOT_RSVD] = "SM_ROOT_RESERVED",
	[VTD_SFR_CTX_FETCH] = "SM_CONTEXT_FETCH_ERROR",
	[VTD_SFR_CTX_NOT_PRESENT] = "SM_CONTEXT_NOT_PRESENT",
	[VTD_SFR_CTX_RSVD] = "SM_CONTEXT_RESERVED",
	[VTD_SFR_CTX_INVALID] = "SM_CONTEXT_INVALID",
	[VTD_SFR_PASID_DISABLED] = "PASID_NOT_ENABLED",
	[VTD_SFR_PASID_TOO_LARGE] = "PASID_BEYOND_PDTS",
	[VTD_SFR_PDIR_FETCH] = "PASID_DIR_FETCH_ERROR",
	[VTD_SFR_PDIR_NOT_PRESENT] = "PASID_DIR_NOT_PRESENT",
	[VTD_SFR_PDIR_RSVD] = "PASID_DIR_RESERVED",
	[VTD_SFR_PTE_FETCH] = "PASID_ENTRY_FETCH_ERROR",
	[VTD_SFR_PTE_NOT_PRESENT] = "PASID_ENTRY_NOT_PRESENT",
	[VTD_SFR_PTE_RSVD] = "PASID_ENTRY_RESERVED",
	[VTD_SFR_PTE_INVALID] = "PASID_ENTRY_INVALID",
	[VTD_SFR_EXEC_NOT_ENABLED] = "EXECUTE_NOT_ENABLED",
	[VTD_SFR_SUPERVISOR_NOT_ENABLED] = "SUPERVISOR_NOT_ENABLED",
	[VTD_SFR_FS_FETCH] = "FS_FETCH_ERROR",
	[VTD_SFR_FS_NOT_PRESENT] = "FS_NOT_PRESENT",
	[VTD_SFR_FS_RSVD] = "FS_RESERVED",
	[VTD_SFR_FSPTPTR_FETCH] = "FSPTPTR_FETCH_ERROR",
	[VTD_SFR_NEST_FS_BEYOND_AW] = "NESTED_FS_BEYOND_AW",
	[VTD_SFR_NEST_PML4_READ] = "NESTED_PML4_READ_DENIED",
	[VTD_SFR_NEST_FS_READ] = "NESTED_FS_READ_DENIED",
	[VTD_SFR_NEST_FS_WRITE] = "NESTED_FS_WRITE_DENIED",
	[VTD_SFR_SS_FETCH] = "SM_SS_FETCH_ERROR",
	[VTD_SFR_SS_RSVD] = "SM_SS_RESERVED",
	[VTD_SFR_SSPTPTR_INVALID] = "SSPTPTR_INVALID",
	[VTD_SFR_NON_CANONICAL] = "NON_CANONICAL",
	[VTD_SFR_USER] = "USER_DENIED",
	[VTD_SFR_EXEC] = "EXECUTE_DENIED",
	[VTD_SFR_ADDR_BEYOND_AW] = "SM_ADDR_BEYOND_AW",
	[VTD_SFR_WRITE] = "SM_WRITE_DENIED",
	[VTD_SFR_READ] = "SM_READ_DENIED",
	[VTD_SFR_INTR_ADDR] = "SM_INTERRUPT_ADDRESS",
};

/** vtd_fault_name() - the mnemonic this model prints for a reason. */
const char *vtd_fault_name(unsigned int reason)
{
	if (reason < ARRAY_SIZE(fault_names) && fault_names[reason])
		return fault_names[reason];
	return "UNKNOWN";
}

/*
 * Faults a set FPD suppresses (spec 7.1.3 "qualified" faults). Faults
 * raised before any FPD is read (root, context fetch, RTADDR, PASID in
 * legacy mode) are always recorded, and so are fetch errors of the PASID
 * directory and table (QEMU). 0xB / 0x42 (context reserved bit) are
 * qualified as in OpenVMM and VirtualBox (QEMU records them): see
 * docs/vtd.md.
 */
static bool qualified(unsigned int reason)
{
	switch (reason) {
	case VTD_FR_ROOT_NOT_PRESENT:
	case VTD_FR_ROOT_FETCH:
	case VTD_FR_CTX_FETCH:
	case VTD_FR_ROOT_RSVD:
	case VTD_FR_PASID_LEGACY:
	case VTD_SFR_RTADDR_INVALID:
	case VTD_SFR_ROOT_FETCH:
	case VTD_SFR_ROOT_NOT_PRESENT:
	case VTD_SFR_ROOT_RSVD:
	case VTD_SFR_CTX_FETCH:
	case VTD_SFR_PDIR_FETCH:
	case VTD_SFR_PTE_FETCH:
		return false;
	default:
		return true;
	}
}

static void report(struct vtd *v, const struct dma_req *req,
		   struct dma_result *res, const struct vtd_walk_fault *f)
{
	dma_fault_init(res, f->reason, vtd_fault_name(f->reason));
	if (f->entry)
		dma_fault_add(res, "entry", f->entry);
	if (f->fpd_known && f->fpd && qualified(f->reason)) {
		dma_fault_add(res, "fpd", 1); /* not recorded */
		return;
	}
	vtd_record_fault(v, f->reason, (uint16_t)req->source_id, req->addr,
			 req->access & DMA_ACC_WRITE, req->has_pasid,
			 req->pasid);
}

static void fail(struct vtd *v, const struct dma_req *req,
		 struct dma_result *res, unsigned int reason, bool fpd)
{
	struct vtd_walk_fault f = { .reason = reason,
				    .fpd_known = true,
				    .fpd = fpd };

	report(v, req, res, &f);
}

static bool in_intr_window(uint64_t a)
{
	return a >= VTD_INTR_BASE && a <= VTD_INTR_LAST;
}

/* A hit's rights against the request (the IOTLB holds effective rights). */
static unsigned int denied_reason(const struct dma_xlat *x, unsigned int acc,
				  bool scalable)
{
	unsigned int need = acc & (DMA_ACC_READ | DMA_ACC_WRITE);

	if ((x->perm & need) == need)
		return 0;
	if ((need & DMA_ACC_WRITE) && !(x->perm & DMA_ACC_WRITE))
		return scalable ? VTD_SFR_WRITE : VTD_FR_WRITE;
	return scalable ? VTD_SFR_READ : VTD_FR_READ;
}

/* Second-stage translation of @req under @c, through the IOTLB. */
static bool translate_ss(struct vtd *v, const struct dma_req *req,
			 const struct vtd_ctx *c, struct dma_xlat *x,
			 struct dma_result *res)
{
	struct vtd_wreq rq = { .iova = req->addr,
			       .access = req->access,
			       .update_ad = true };
	struct vtd_walk_fault f = { .fpd_known = true, .fpd = c->fpd };
	const struct tc_entry *e;
	unsigned int level, why;

	e = vtd_iotlb_lookup(v, VTD_IOTLB_SS, c->did, 0, false, req->addr);
	/* A write through an entry cached clean walks again to set D
	 * (with SSADE), as a TLB does. */
	if (e && c->ssade && (req->access & DMA_ACC_WRITE) &&
	    !(e->aux & VTD_AUX_DIRTY))
		e = NULL;
	if (e) {
		*x = e->xlat;
		why = denied_reason(x, req->access, c->scalable);
		if (why) {
			fail(v, req, res, why, c->fpd);
			return false;
		}
		return true;
	}
	if (vtd_walk_ss(v->u.mem, &v->u.trace, &v->cfg, v->ecap, c, &rq, x,
			&level, &f)) {
		report(v, req, res, &f);
		return false;
	}
	vtd_iotlb_insert(
		v, VTD_IOTLB_SS, c->did, 0, false, level, req->addr, x,
		c->ssptptr | c->aw | (uint64_t)c->ssade << 2 |
			(uint64_t)c->scalable << 3 |
			((req->access & DMA_ACC_WRITE) ? VTD_AUX_DIRTY : 0),
		0);
	return true;
}

static void finish(struct vtd *v, const struct dma_req *req, struct dma_xlat *x,
		   bool scalable, bool fpd, struct dma_result *res)
{
	x->out_addr += req->addr & (x->page_size - 1);
	if (in_intr_window(x->out_addr)) {
		fail(v, req, res,
		     scalable ? VTD_SFR_INTR_ADDR : VTD_FR_INTR_ADDR, fpd);
		return;
	}
	*res = (struct dma_result){ .ok = true, .xlat = *x };
}

/* ---- legacy ------------------------------------------------------------- */

static void translate_legacy(struct vtd *v, const struct dma_req *req,
			     struct dma_result *res)
{
	struct vtd_walk_fault f = { 0 };
	struct dma_xlat x;
	struct vtd_ctx c;

	if (req->has_pasid) {
		f.reason = VTD_FR_PASID_LEGACY;
		report(v, req, res, &f);
		return;
	}
	if (vtd_ctx_get(v, (uint16_t)req->source_id, &c, &f)) {
		report(v, req, res, &f);
		return;
	}
	if (c.tt == VTD_TT_PASSTHROUGH) {
		/* identity, bounded by the host address width (spec 3.9) */
		if (req->addr >> v->cfg.haw) {
			fail(v, req, res, VTD_FR_ADDR_BEYOND_AW, c.fpd);
			return;
		}
		dma_xlat_set(res, req->addr, 0x1000,
			     DMA_ACC_READ | DMA_ACC_WRITE);
		return;
	}
	if (translate_ss(v, req, &c, &x, res))
		finish(v, req, &x, false, c.fpd, res);
}

/* ---- scalable ----------------------------------------------------------- */

/* First-stage or nested translation of @req, through the IOTLB. */
static bool translate_fs(struct vtd *v, const struct dma_req *req,
			 const struct vtd_pasid_cfg *p, uint32_t pasid,
			 struct dma_xlat *x, struct dma_result *res)
{
	struct vtd_wreq rq = { .iova = req->addr,
			       .access = req->access,
			       .update_ad = true };
	struct vtd_walk_fault f = { .fpd_known = true, .fpd = p->fpd };
	enum vtd_iotlb_kind k = p->pgtt == VTD_PGTT_NESTED ? VTD_IOTLB_NESTED :
							     VTD_IOTLB_FS;
	bool priv = req->access & DMA_ACC_PRIV;
	const struct tc_entry *e;
	unsigned int level, why;
	int ret;

	e = vtd_iotlb_lookup(v, k, p->did, pasid, priv, req->addr);
	/* A write through an entry cached clean walks again to set D. */
	if (e && (req->access & DMA_ACC_WRITE) && !(e->aux & VTD_AUX_DIRTY))
		e = NULL;
	if (e) {
		*x = e->xlat;
		why = denied_reason(x, req->access, true);
		if (why) {
			fail(v, req, res, why, p->fpd);
			return false;
		}
		return true;
	}
	if (k == VTD_IOTLB_NESTED)
		ret = vtd_walk_nested(v->u.mem, &v->u.trace, &v->cfg, v->ecap,
				      p, &rq, x, &level, &f);
	else
		ret = vtd_walk_fs(v->u.mem, &v->u.trace, &v->cfg, v->ecap, p,
				  NULL, &rq, x, &level, &f);
	if (ret) {
		report(v, req, res, &f);
		return false;
	}
	vtd_iotlb_insert(
		v, k, p->did, pasid, priv, level, req->addr, x,
		p->fsptptr | p->fspm | (uint64_t)p->wpe << 2 |
			(uint64_t)p->eafe << 3 |
			((req->access & DMA_ACC_WRITE) ? VTD_AUX_DIRTY : 0),
		p->ssptptr | p->aw | (uint64_t)p->ssade << 2);
	return true;
}

static void translate_scalable(struct vtd *v, const struct dma_req *req,
			       struct dma_result *res)
{
	uint16_t sid = (uint16_t)req->source_id;
	struct vtd_walk_fault f = { 0 };
	struct vtd_pasid_cfg p;
	struct vtd_sctx sc;
	struct dma_xlat x;
	uint32_t pasid;

	if (vtd_sctx_get(v, sid, &sc, &f)) {
		report(v, req, res, &f);
		return;
	}
	if (req->has_pasid && !sc.paside) {
		fail(v, req, res, VTD_SFR_PASID_DISABLED, sc.fpd);
		return;
	}
	pasid = req->has_pasid ? req->pasid : sc.rid_pasid;
	if (vtd_pasid_get(v, sid, &sc, pasid, &p, &f)) {
		report(v, req, res, &f);
		return;
	}
	/* ECAP.ERS = 0: no execute requests (vtd.md 3.5: 0x5C) */
	if (req->access & DMA_ACC_EXEC) {
		fail(v, req, res, VTD_SFR_EXEC_NOT_ENABLED, p.fpd);
		return;
	}
	if ((req->access & DMA_ACC_PRIV) && !p.sre &&
	    (p.pgtt == VTD_PGTT_FS || p.pgtt == VTD_PGTT_NESTED)) {
		fail(v, req, res, VTD_SFR_SUPERVISOR_NOT_ENABLED, p.fpd);
		return;
	}
	switch (p.pgtt) {
	case VTD_PGTT_PT:
		if (req->addr >> v->cfg.haw) {
			fail(v, req, res, VTD_SFR_ADDR_BEYOND_AW, p.fpd);
			return;
		}
		x = (struct dma_xlat){ .out_addr = req->addr & ~0xfffULL,
				       .page_size = 0x1000,
				       .perm = DMA_ACC_READ | DMA_ACC_WRITE };
		break;
	case VTD_PGTT_SS: {
		struct vtd_ctx c = { .ssptptr = p.ssptptr,
				     .did = p.did,
				     .aw = p.aw,
				     .fpd = p.fpd,
				     .scalable = true,
				     .ssade = p.ssade };

		if (!translate_ss(v, req, &c, &x, res))
			return;
		break;
	}
	default: /* FS or nested; anything else failed validation */
		if (!translate_fs(v, req, &p, pasid, &x, res))
			return;
		break;
	}
	finish(v, req, &x, true, p.fpd, res);
}

/**
 * vtd_translate() - one untranslated DMA request (the unit's translate op).
 * @u: the unit.
 * @req: the request; bits of source_id above 15 are ignored (a PCIe
 *       requester id is 16 bits).
 * @res: translation or fault; faults are recorded unless FPD suppresses
 *       them.
 */
void vtd_translate(struct sim_unit *u, const struct dma_req *req,
		   struct dma_result *res)
{
	struct vtd *v = to_vtd(u);
	unsigned int ttm = (unsigned int)FIELD_GET(VTD_RTADDR_TTM, v->rta);

	if (!(v->gsts & VTD_GSTS_TES)) {
		dma_xlat_set(res, req->addr, 0x1000,
			     DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
		return;
	}
	/* An interrupt message, not DMA: interrupt remapping is not
	 * modelled (ECAP.IR = 0), so it passes unchanged. */
	if (!req->has_pasid && in_intr_window(req->addr)) {
		dma_xlat_set(res, req->addr, 0x1000,
			     DMA_ACC_READ | DMA_ACC_WRITE);
		return;
	}
	if (ttm == TTM_LEGACY)
		translate_legacy(v, req, res);
	else if (ttm == TTM_SCALABLE)
		translate_scalable(v, req, res);
	else
		fail(v, req, res, VTD_SFR_RTADDR_INVALID, false);
}

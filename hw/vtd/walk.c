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

	if (!(ecap & VTD_ECAP_SC))
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

static int denied(struct vtd_walk_fault *f, unsigned int access, uint64_t pa)
{
	return fault(f, (access & DMA_ACC_WRITE) ? VTD_FR_WRITE : VTD_FR_READ,
		     pa);
}

/**
 * vtd_walk_ss() - walk the second-stage tables of @ctx for @iova.
 * @pm: memory.
 * @tr: trace.
 * @cfg: unit configuration.
 * @ecap: the ECAP register.
 * @ctx: the context (SSPTPTR, AW).
 * @iova: input address.
 * @access: DMA_ACC_READ and/or DMA_ACC_WRITE needed.
 * @x: the translation of @iova's page on success (out_addr = page base).
 * @level: the level of the leaf (0 = 4 KiB).
 * @f: the fault on failure.
 *
 * Return: 0 or -EFAULT.
 */
int vtd_walk_ss(struct pm_space *pm, struct trace *tr,
		const struct vtd_config *cfg, uint64_t ecap,
		const struct vtd_ctx *ctx, uint64_t iova, unsigned int access,
		struct dma_xlat *x, unsigned int *level,
		struct vtd_walk_fault *f)
{
	unsigned int levels = ctx->aw + 2u;
	unsigned int width = 30 + 9 * ctx->aw;
	unsigned int need = access & (DMA_ACC_READ | DMA_ACC_WRITE);
	unsigned int perm = DMA_ACC_READ | DMA_ACC_WRITE;
	uint64_t table = ctx->ssptptr;

	if (width > cfg->aw_bits)
		width = cfg->aw_bits;
	if (iova >> width) {
		trace_fetch(tr, "input-address", iova, NULL, 0,
			    "fault: beyond the address width", "width=%u",
			    width);
		return fault(f, VTD_FR_ADDR_BEYOND_AW, 0);
	}
	for (unsigned int l = levels; l-- > 0;) {
		unsigned int shift = 12 + 9 * l;
		uint64_t pa = table + 8 * ((iova >> shift) & 0x1ff), e;
		bool leaf;

		if (pm_ld64_le(pm, pa, &e)) {
			trace_fetch(tr, "ss-entry", pa, NULL, 0,
				    "fault: fetch error", "level=%u", l + 1);
			/* The table SSPTPTR names belongs to the context:
			 * failing to read it is an invalid context (LCT.4.3;
			 * QEMU and OpenVMM agree). */
			return fault(f,
				     l == levels - 1 ? VTD_FR_CTX_INVALID :
						       VTD_FR_PTE_FETCH,
				     pa);
		}
		if (!(e & (VTD_SS_R | VTD_SS_W))) {
			trace_fetch(tr, "ss-entry", pa, &e, 1,
				    "fault: not present", "level=%u R=0 W=0",
				    l + 1);
			return denied(f, access, pa);
		}
		leaf = !l || (e & VTD_SS_PS);
		perm &= (unsigned int)(e & (VTD_SS_R | VTD_SS_W));
		if ((perm & need) != need) {
			trace_fetch(tr, "ss-entry", pa, &e, 1,
				    "fault: access denied",
				    "level=%u R=%u W=%u", l + 1,
				    (unsigned int)(e & 1),
				    (unsigned int)(e >> 1 & 1));
			return denied(f, access, pa);
		}
		if (e & ss_rsvd(cfg, ecap, e, l)) {
			trace_fetch(tr, "ss-entry", pa, &e, 1,
				    "fault: reserved bit",
				    "level=%u rsvd=0x%" PRIx64, l + 1,
				    e & ss_rsvd(cfg, ecap, e, l));
			return fault(f, VTD_FR_PTE_RSVD, pa);
		}
		trace_fetch(tr, "ss-entry", pa, &e, 1,
			    leaf ? "leaf" : "next: table",
			    "level=%u R=%u W=%u PS=%u ADDR=0x%" PRIx64, l + 1,
			    (unsigned int)(e & 1), (unsigned int)(e >> 1 & 1),
			    (unsigned int)(e >> 7 & 1), e & VTD_SS_ADDR);
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
	return fault(f, VTD_FR_PTE_FETCH, table); /* not reached */
}

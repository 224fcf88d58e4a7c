// SPDX-License-Identifier: MIT
/*
 * translate.c - the VT-d request pipeline: context cache, IOTLB, the
 * walkers of walk.c, fault qualification and recording.
 *
 * Both caches live in the unit's one struct tcache, told apart by the
 * tag's kind:
 *   context cache  tag (CTX, sid)             value: SSPTPTR in out_addr,
 *                  DID | AW << 16 | TT << 20 | FPD << 24 packed in
 *                  page_size (so strict mode compares every field)
 *   IOTLB          tag (IOTLB, level, did, iova >> page shift)
 *                  value: the page's translation; aux = SSPTPTR | AW
 * The IOTLB is probed at each page size the unit supports. Faults are
 * never cached (allowed: caching is implementation-defined, vtd.md 7.13).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "structs.h"
#include "vtd.h"

#define VTD_TAG_CTX 1
#define VTD_TAG_IOTLB 2

/* Requests without PASID to this window are interrupts (spec 3.13). */
#define VTD_INTR_BASE 0xfee00000ULL
#define VTD_INTR_LAST 0xfeefffffULL

struct vtd_tag {
	uint8_t kind;
	uint8_t level;
	uint16_t id; /* sid (CTX) or did (IOTLB) */
	uint32_t zero;
	uint64_t page;
};

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
	[VTD_FR_PASID_LEGACY] = "PASID_IN_LEGACY_MODE",
};

/** vtd_fault_name() - the mnemonic this model prints for a reason. */
const char *vtd_fault_name(unsigned int reason)
{
	if (reason < ARRAY_SIZE(fault_names) && fault_names[reason])
		return fault_names[reason];
	return "UNKNOWN";
}

/*
 * Faults a set FPD suppresses (spec 7.1.3 "qualified" faults). Root-level
 * faults and a context fetch error come before any FPD is known, so they
 * are always recorded. 0xB (context reserved bit) is qualified here as in
 * OpenVMM and VirtualBox (QEMU records it): see docs/vtd.md.
 */
static bool qualified(unsigned int reason)
{
	switch (reason) {
	case VTD_FR_CTX_NOT_PRESENT:
	case VTD_FR_CTX_INVALID:
	case VTD_FR_ADDR_BEYOND_AW:
	case VTD_FR_WRITE:
	case VTD_FR_READ:
	case VTD_FR_PTE_FETCH:
	case VTD_FR_CTX_RSVD:
	case VTD_FR_PTE_RSVD:
	case VTD_FR_TT_BLOCKED:
	case VTD_FR_INTR_ADDR:
		return true;
	default:
		return false;
	}
}

static void report(struct vtd *v, const struct dma_req *req,
		   struct dma_result *res, const struct vtd_walk_fault *f)
{
	bool write = req->access & DMA_ACC_WRITE;

	dma_fault_init(res, f->reason, vtd_fault_name(f->reason));
	if (f->entry)
		dma_fault_add(res, "entry", f->entry);
	if (f->fpd_known && f->fpd && qualified(f->reason)) {
		dma_fault_add(res, "fpd", 1); /* not recorded */
		return;
	}
	vtd_record_fault(v, f->reason, (uint16_t)req->source_id, req->addr,
			 write, req->has_pasid, req->pasid);
}

/* ---- context cache ------------------------------------------------------ */

static struct vtd_tag ctx_tag(uint16_t sid)
{
	struct vtd_tag t;

	memset(&t, 0, sizeof(t));
	t.kind = VTD_TAG_CTX;
	t.id = sid;
	return t;
}

static uint64_t ctx_pack(const struct vtd_ctx *c)
{
	return c->did | (uint64_t)c->aw << 16 | (uint64_t)c->tt << 20 |
	       (uint64_t)c->fpd << 24;
}

static void ctx_unpack(const struct tc_entry *e, struct vtd_ctx *c)
{
	uint64_t p = e->xlat.page_size;

	c->ssptptr = e->xlat.out_addr;
	c->did = (uint16_t)p;
	c->aw = (uint8_t)(p >> 16 & 0xf);
	c->tt = (uint8_t)(p >> 20 & 0x3);
	c->fpd = p >> 24 & 1;
}

static int lookup_context(struct vtd *v, uint16_t sid, struct vtd_ctx *c,
			  struct vtd_walk_fault *f)
{
	struct vtd_tag t = ctx_tag(sid);
	const struct tc_entry *e = tcache_lookup(v->u.tc, &t, sizeof(t));
	struct dma_xlat x = { 0 };

	if (e) {
		ctx_unpack(e, c);
		return 0;
	}
	if (vtd_walk_context(v->u.mem, &v->u.trace, &v->cfg, v->ecap, v->rta,
			     sid, c, f))
		return -1;
	x.out_addr = c->ssptptr;
	x.page_size = ctx_pack(c);
	tcache_insert(v->u.tc, &t, sizeof(t), &x, 0);
	return 0;
}

/* ---- IOTLB -------------------------------------------------------------- */

static struct vtd_tag iotlb_tag(uint16_t did, unsigned int level, uint64_t iova)
{
	struct vtd_tag t;

	memset(&t, 0, sizeof(t));
	t.kind = VTD_TAG_IOTLB;
	t.level = (uint8_t)level;
	t.id = did;
	t.page = iova >> (12 + 9 * level);
	return t;
}

static const struct tc_entry *lookup_iotlb(struct vtd *v, uint16_t did,
					   uint64_t iova)
{
	for (unsigned int l = 0; l < 3; l++) {
		struct vtd_tag t;
		const struct tc_entry *e;

		if ((l == 1 && !v->cfg.sp2m) || (l == 2 && !v->cfg.sp1g))
			continue;
		t = iotlb_tag(did, l, iova);
		e = tcache_lookup(v->u.tc, &t, sizeof(t));
		if (e)
			return e;
	}
	return NULL;
}

/* ---- strict mode -------------------------------------------------------- */

static bool vtd_rewalk(void *ctx, const struct tc_entry *e,
		       struct dma_xlat *fresh)
{
	struct vtd *v = ctx;
	struct trace quiet = { 0 };
	struct vtd_walk_fault f;
	struct vtd_tag t;
	struct vtd_ctx c;
	unsigned int level;

	memcpy(&t, e->tag, sizeof(t));
	if (t.kind == VTD_TAG_CTX) {
		if (vtd_walk_context(v->u.mem, &quiet, &v->cfg, v->ecap, v->rta,
				     t.id, &c, &f))
			return false;
		fresh->out_addr = c.ssptptr;
		fresh->page_size = ctx_pack(&c);
		fresh->perm = 0;
		return true;
	}
	c.ssptptr = e->aux & ~0xfffULL;
	c.aw = (uint8_t)(e->aux & 0x3);
	c.did = t.id;
	c.tt = VTD_TT_UNTRANSLATED;
	c.fpd = false;
	return !vtd_walk_ss(v->u.mem, &quiet, &v->cfg, v->ecap, &c,
			    t.page << (12 + 9 * t.level), 0, fresh, &level,
			    &f) &&
	       level == t.level;
}

static void vtd_describe(void *ctx, const struct tc_entry *e, char *buf,
			 size_t len)
{
	struct vtd_tag t;

	(void)ctx;
	memcpy(&t, e->tag, sizeof(t));
	if (t.kind == VTD_TAG_CTX)
		snprintf(buf, len, "context sid=0x%x", t.id);
	else
		snprintf(buf, len, "iotlb did=0x%x iova=0x%" PRIx64, t.id,
			 t.page << (12 + 9 * t.level));
}

const struct tcache_ops vtd_tcache_ops = {
	.rewalk = vtd_rewalk,
	.describe = vtd_describe,
};

/* ---- invalidation ------------------------------------------------------- */

struct inval {
	unsigned int kind, gran;
	uint16_t did, sid, sid_ignore;
	uint64_t first, last;
};

static bool inval_match(const struct tc_entry *e, void *arg)
{
	const struct inval *in = arg;
	struct vtd_tag t;
	struct vtd_ctx c;
	uint64_t first, last;

	memcpy(&t, e->tag, sizeof(t));
	if (t.kind != in->kind)
		return false;
	if (in->gran == VTD_INV_GLOBAL)
		return true;
	if (t.kind == VTD_TAG_CTX) {
		ctx_unpack(e, &c);
		if (in->gran == VTD_INV_DOMAIN)
			return c.did == in->did;
		return (t.id & ~in->sid_ignore) == (in->sid & ~in->sid_ignore);
	}
	if (t.id != in->did)
		return false;
	if (in->gran == VTD_INV_DOMAIN)
		return true;
	first = t.page << (12 + 9 * t.level);
	last = first + (1ULL << (12 + 9 * t.level)) - 1;
	return first <= in->last && in->first <= last;
}

/**
 * vtd_inval_context() - drop context-cache entries.
 * @v: the unit.
 * @gran: VTD_INV_GLOBAL, _DOMAIN or _DEVICE.
 * @did: domain (domain granularity).
 * @sid: source id (device granularity).
 * @fm: function mask (device granularity): 0 none, 1 ignore SID bit 2,
 *      2 bits 2:1, 3 bits 2:0 (spec 11.4.7).
 *
 * Return: entries dropped.
 */
uint64_t vtd_inval_context(struct vtd *v, unsigned int gran, uint16_t did,
			   uint16_t sid, unsigned int fm)
{
	struct inval in = {
		.kind = VTD_TAG_CTX, .gran = gran, .did = did, .sid = sid
	};

	in.sid_ignore = (uint16_t)(((1u << fm) - 1) << (3 - fm));
	return tcache_invalidate(v->u.tc, inval_match, &in);
}

/**
 * vtd_inval_iotlb() - drop IOTLB entries.
 * @v: the unit.
 * @gran: VTD_INV_GLOBAL, _DOMAIN or _PAGE.
 * @did: domain.
 * @addr: first page (page granularity), aligned down to 2^@am pages.
 * @am: address mask: 2^@am pages.
 *
 * Return: entries dropped.
 */
uint64_t vtd_inval_iotlb(struct vtd *v, unsigned int gran, uint16_t did,
			 uint64_t addr, unsigned int am)
{
	struct inval in = { .kind = VTD_TAG_IOTLB, .gran = gran, .did = did };
	uint64_t size = 1ULL << (12 + am);

	in.first = addr & ~(size - 1);
	in.last = in.first + size - 1;
	return tcache_invalidate(v->u.tc, inval_match, &in);
}

/* ---- the pipeline ------------------------------------------------------- */

static void passthrough(struct dma_result *res, uint64_t addr)
{
	dma_xlat_set(res, addr, 0x1000,
		     DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
}

static bool in_intr_window(uint64_t a)
{
	return a >= VTD_INTR_BASE && a <= VTD_INTR_LAST;
}

static void translate_ctx(struct vtd *v, const struct dma_req *req,
			  const struct vtd_ctx *c, struct dma_result *res)
{
	struct vtd_walk_fault f = { .fpd_known = true, .fpd = c->fpd };
	unsigned int need = req->access & (DMA_ACC_READ | DMA_ACC_WRITE);
	const struct tc_entry *e;
	struct dma_xlat x;
	unsigned int level;

	if (c->tt == VTD_TT_PASSTHROUGH) {
		/* identity, bounded by the host address width (spec 3.9) */
		if (v->cfg.haw < 64 && req->addr >> v->cfg.haw) {
			f.reason = VTD_FR_ADDR_BEYOND_AW;
			f.entry = 0;
			report(v, req, res, &f);
			return;
		}
		dma_xlat_set(res, req->addr, 0x1000,
			     DMA_ACC_READ | DMA_ACC_WRITE);
		return;
	}
	e = lookup_iotlb(v, c->did, req->addr);
	if (e) {
		x = e->xlat;
		if ((x.perm & need) != need) {
			f.reason = (need & DMA_ACC_WRITE) &&
						   !(x.perm & DMA_ACC_WRITE) ?
					   VTD_FR_WRITE :
					   VTD_FR_READ;
			f.entry = 0;
			report(v, req, res, &f);
			return;
		}
	} else {
		if (vtd_walk_ss(v->u.mem, &v->u.trace, &v->cfg, v->ecap, c,
				req->addr, need, &x, &level, &f)) {
			f.fpd_known = true;
			f.fpd = c->fpd;
			report(v, req, res, &f);
			return;
		}
		{
			struct vtd_tag t = iotlb_tag(c->did, level, req->addr);

			tcache_insert(v->u.tc, &t, sizeof(t), &x,
				      c->ssptptr | c->aw);
		}
	}
	x.out_addr += req->addr & (x.page_size - 1);
	if (in_intr_window(x.out_addr)) {
		f.reason = VTD_FR_INTR_ADDR;
		f.entry = 0;
		report(v, req, res, &f);
		return;
	}
	*res = (struct dma_result){ .ok = true, .xlat = x };
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
	struct vtd_walk_fault f = { 0 };
	struct vtd_ctx c;

	if (!(v->gsts & VTD_GSTS_TES)) {
		passthrough(res, req->addr);
		return;
	}
	if (req->has_pasid) {
		f.reason = VTD_FR_PASID_LEGACY;
		report(v, req, res, &f);
		return;
	}
	/* An interrupt message, not DMA: interrupt remapping is not
	 * modelled (ECAP.IR = 0), so it passes unchanged. */
	if (in_intr_window(req->addr)) {
		passthrough(res, req->addr);
		return;
	}
	if (lookup_context(v, (uint16_t)req->source_id, &c, &f)) {
		report(v, req, res, &f);
		return;
	}
	translate_ctx(v, req, &c, res);
}

// SPDX-License-Identifier: MIT
/*
 * cache.c - the VT-d unit's caches in the model's translation cache:
 * context cache (legacy and scalable), PASID cache and IOTLB, their
 * invalidation by every granularity the registers and descriptors name,
 * and the strict-mode re-walk of each kind.
 *
 * All live in one struct tcache, told apart by the tag's kind. Values are
 * packed into the entry's translation fields so that strict mode, which
 * compares those fields, compares every decoded field:
 *   CTX     (sid)              out_addr SSPTPTR; page_size DID | AW<<16 |
 *                              TT<<20 | FPD<<24
 *   SCTX    (sid)              out_addr PASIDDIRPTR | PDTS | PASIDE<<3 |
 *                              FPD<<4; page_size RID_PASID
 *   PASIDC  (sid, pasid)       out_addr SSPTPTR | AW | PGTT<<3 | FSPM<<6 |
 *                              SSADE<<8 | SRE<<9 | WPE<<10 | EAFE<<11;
 *                              page_size FSPTPTR | FPD; perm DID
 *   IOTLB   (did, level, page) second-stage translations (legacy, and
 *                              scalable SS-only: PASID-independent);
 *                              aux SSPTPTR | AW | SSADE<<2 | scalable<<3 |
 *                              dirty<<4
 *   IOTLBFS (did, pasid, level, privilege, page) first-stage
 *                              translations; aux FSPTPTR | FSPM | WPE<<2 |
 *                              EAFE<<3 | dirty<<4
 *   IOTLBNEST (did, pasid, level, privilege, page) nested translations;
 *                              aux as IOTLBFS; aux2 SSPTPTR | AW | SSADE<<2
 * "dirty" says the filling walk set D: a write hitting a clean entry walks
 * again, so D is set on the first write as on hardware.
 * Faults are never cached (caching is implementation-defined, vtd.md
 * 7.13); so caching mode needs nothing special.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "structs.h"
#include "vtd.h"

enum vtd_tag_kind {
	TAG_CTX = 1,
	TAG_IOTLB = 2,
	TAG_SCTX = 3,
	TAG_PASIDC = 4,
	TAG_IOTLBFS = 5,
	TAG_IOTLBNEST = 6,
};

struct vtd_tag {
	uint8_t kind;
	uint8_t level; /* bit 7: privileged (IOTLBFS) */
	uint16_t id; /* sid or did */
	uint32_t pasid;
	uint64_t page;
};

static struct vtd_tag mktag(unsigned int kind, uint16_t id, uint32_t pasid,
			    unsigned int level, uint64_t page)
{
	struct vtd_tag t;

	memset(&t, 0, sizeof(t));
	t.kind = (uint8_t)kind;
	t.id = id;
	t.pasid = pasid;
	t.level = (uint8_t)level;
	t.page = page;
	return t;
}

static unsigned int tag_shift(const struct vtd_tag *t)
{
	return 12 + 9 * (t->level & 0x7f);
}

/* ---- packing ------------------------------------------------------------ */

static void ctx_pack(const struct vtd_ctx *c, struct dma_xlat *x)
{
	x->out_addr = c->ssptptr;
	x->page_size = c->did | (uint64_t)c->aw << 16 | (uint64_t)c->tt << 20 |
		       (uint64_t)c->fpd << 24;
	x->perm = 0;
}

static void ctx_unpack(const struct dma_xlat *x, struct vtd_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->ssptptr = x->out_addr;
	c->did = (uint16_t)x->page_size;
	c->aw = (uint8_t)(x->page_size >> 16 & 0xf);
	c->tt = (uint8_t)(x->page_size >> 20 & 0x3);
	c->fpd = x->page_size >> 24 & 1;
}

static void sctx_pack(const struct vtd_sctx *c, struct dma_xlat *x)
{
	x->out_addr = c->pasiddirptr | c->pdts | (uint64_t)c->paside << 3 |
		      (uint64_t)c->fpd << 4;
	x->page_size = c->rid_pasid;
	x->perm = 0;
}

static void sctx_unpack(const struct dma_xlat *x, struct vtd_sctx *c)
{
	c->pasiddirptr = x->out_addr & ~0xfffULL;
	c->pdts = (uint8_t)(x->out_addr & 0x7);
	c->paside = x->out_addr >> 3 & 1;
	c->fpd = x->out_addr >> 4 & 1;
	c->rid_pasid = (uint32_t)x->page_size;
}

static void pasid_pack(const struct vtd_pasid_cfg *p, struct dma_xlat *x)
{
	x->out_addr = p->ssptptr | p->aw | (uint64_t)p->pgtt << 3 |
		      (uint64_t)p->fspm << 6 | (uint64_t)p->ssade << 8 |
		      (uint64_t)p->sre << 9 | (uint64_t)p->wpe << 10 |
		      (uint64_t)p->eafe << 11;
	x->page_size = p->fsptptr | p->fpd;
	x->perm = p->did;
}

static void pasid_unpack(const struct dma_xlat *x, struct vtd_pasid_cfg *p)
{
	p->ssptptr = x->out_addr & ~0xfffULL;
	p->aw = (uint8_t)(x->out_addr & 0x7);
	p->pgtt = (uint8_t)(x->out_addr >> 3 & 0x7);
	p->fspm = (uint8_t)(x->out_addr >> 6 & 0x3);
	p->ssade = x->out_addr >> 8 & 1;
	p->sre = x->out_addr >> 9 & 1;
	p->wpe = x->out_addr >> 10 & 1;
	p->eafe = x->out_addr >> 11 & 1;
	p->fsptptr = x->page_size & ~0xfffULL;
	p->fpd = x->page_size & 1;
	p->did = (uint16_t)x->perm;
}

/* ---- lookups ------------------------------------------------------------ */

/**
 * vtd_ctx_get() - the legacy context of @sid, from the cache or memory.
 * @v: the unit.
 * @sid: requester id.
 * @c: the context.
 * @f: the fault when the walk fails.
 *
 * Return: 0 or -EFAULT.
 */
int vtd_ctx_get(struct vtd *v, uint16_t sid, struct vtd_ctx *c,
		struct vtd_walk_fault *f)
{
	struct vtd_tag t = mktag(TAG_CTX, sid, 0, 0, 0);
	const struct tc_entry *e = tcache_lookup(v->u.tc, &t, sizeof(t));
	struct dma_xlat x;

	if (e) {
		ctx_unpack(&e->xlat, c);
		return 0;
	}
	memset(c, 0, sizeof(*c));
	if (vtd_walk_context(v->u.mem, &v->u.trace, &v->cfg, v->ecap, v->rta,
			     sid, c, f))
		return -EFAULT;
	ctx_pack(c, &x);
	tcache_insert(v->u.tc, &t, sizeof(t), &x, 0);
	return 0;
}

/** vtd_sctx_get() - the scalable-mode context of @sid (cache or memory). */
int vtd_sctx_get(struct vtd *v, uint16_t sid, struct vtd_sctx *c,
		 struct vtd_walk_fault *f)
{
	struct vtd_tag t = mktag(TAG_SCTX, sid, 0, 0, 0);
	const struct tc_entry *e = tcache_lookup(v->u.tc, &t, sizeof(t));
	struct dma_xlat x;

	if (e) {
		sctx_unpack(&e->xlat, c);
		return 0;
	}
	if (vtd_walk_sm_context(v->u.mem, &v->u.trace, &v->cfg, v->ecap, v->rta,
				sid, c, f))
		return -EFAULT;
	sctx_pack(c, &x);
	tcache_insert(v->u.tc, &t, sizeof(t), &x, 0);
	return 0;
}

/** vtd_pasid_get() - the PASID entry of (@sid, @pasid) (cache or memory). */
int vtd_pasid_get(struct vtd *v, uint16_t sid, const struct vtd_sctx *c,
		  uint32_t pasid, struct vtd_pasid_cfg *p,
		  struct vtd_walk_fault *f)
{
	struct vtd_tag t = mktag(TAG_PASIDC, sid, pasid, 0, 0);
	const struct tc_entry *e = tcache_lookup(v->u.tc, &t, sizeof(t));
	struct dma_xlat x;

	if (e) {
		pasid_unpack(&e->xlat, p);
		return 0;
	}
	if (vtd_walk_pasid(v->u.mem, &v->u.trace, &v->cfg, v->cap, v->ecap, c,
			   pasid, p, f))
		return -EFAULT;
	pasid_pack(p, &x);
	tcache_insert(v->u.tc, &t, sizeof(t), &x, 0);
	return 0;
}

static unsigned int iotlb_tag_kind(enum vtd_iotlb_kind k)
{
	return k == VTD_IOTLB_SS ? TAG_IOTLB :
	       k == VTD_IOTLB_FS ? TAG_IOTLBFS :
				   TAG_IOTLBNEST;
}

static struct vtd_tag iotlb_tag(enum vtd_iotlb_kind k, uint16_t did,
				uint32_t pasid, bool priv, unsigned int level,
				uint64_t iova)
{
	bool fs = k != VTD_IOTLB_SS;

	return mktag(iotlb_tag_kind(k), did, fs ? pasid : 0,
		     level | (fs && priv ? 0x80 : 0), iova >> (12 + 9 * level));
}

/**
 * vtd_iotlb_lookup() - a cached translation of @iova, probing each page
 * size the translation kind can have.
 * @v: the unit.
 * @k: second stage (PASID-independent), first stage or nested (tagged by
 *     PASID and privilege).
 * @did: domain.
 * @pasid: PASID (first stage and nested only).
 * @priv: privileged request (first stage and nested only).
 * @iova: input address.
 *
 * Return: the entry or NULL.
 */
const struct tc_entry *vtd_iotlb_lookup(struct vtd *v, enum vtd_iotlb_kind k,
					uint16_t did, uint32_t pasid, bool priv,
					uint64_t iova)
{
	bool big[3] = { true, k != VTD_IOTLB_SS || v->cfg.sp2m,
			k == VTD_IOTLB_FS ? v->cfg.fs1gp :
			k == VTD_IOTLB_SS ? v->cfg.sp1g :
					    v->cfg.fs1gp && v->cfg.sp1g };

	for (unsigned int l = 0; l < 3; l++) {
		struct vtd_tag t;
		const struct tc_entry *e;

		if (!big[l])
			continue;
		t = iotlb_tag(k, did, pasid, priv, l, iova);
		e = tcache_lookup(v->u.tc, &t, sizeof(t));
		if (e)
			return e;
	}
	return NULL;
}

/** vtd_iotlb_insert() - cache a translation made at @level. */
void vtd_iotlb_insert(struct vtd *v, enum vtd_iotlb_kind k, uint16_t did,
		      uint32_t pasid, bool priv, unsigned int level,
		      uint64_t iova, const struct dma_xlat *x, uint64_t aux,
		      uint64_t aux2)
{
	struct vtd_tag t = iotlb_tag(k, did, pasid, priv, level, iova);

	tcache_insert2(v->u.tc, &t, sizeof(t), x, aux, aux2);
}

/* ---- strict mode -------------------------------------------------------- */

static bool rewalk_iotlb(struct vtd *v, const struct vtd_tag *t,
			 const struct tc_entry *e, struct dma_xlat *fresh)
{
	struct trace quiet = { 0 };
	struct vtd_wreq rq = { .iova = t->page << tag_shift(t) };
	struct vtd_walk_fault f;
	unsigned int level;

	if (t->kind == TAG_IOTLB) {
		struct vtd_ctx c = { .ssptptr = e->aux & ~0xfffULL,
				     .aw = (uint8_t)(e->aux & 0x3),
				     .ssade = e->aux >> 2 & 1,
				     .scalable = e->aux >> 3 & 1 };

		if (vtd_walk_ss(v->u.mem, &quiet, &v->cfg, v->ecap, &c, &rq,
				fresh, &level, &f))
			return false;
	} else {
		struct vtd_pasid_cfg p = { .fsptptr = e->aux & ~0xfffULL,
					   .fspm = (uint8_t)(e->aux & 0x3),
					   .wpe = e->aux >> 2 & 1,
					   .eafe = e->aux >> 3 & 1,
					   .ssptptr = e->aux2 & ~0xfffULL,
					   .aw = (uint8_t)(e->aux2 & 0x3),
					   .ssade = e->aux2 >> 2 & 1,
					   .did = t->id };

		rq.access = (t->level & 0x80) ? DMA_ACC_PRIV : 0;
		if (t->kind == TAG_IOTLBFS ?
			    vtd_walk_fs(v->u.mem, &quiet, &v->cfg, v->ecap, &p,
					NULL, &rq, fresh, &level, &f) :
			    vtd_walk_nested(v->u.mem, &quiet, &v->cfg, v->ecap,
					    &p, &rq, fresh, &level, &f))
			return false;
	}
	return level == (t->level & 0x7fu);
}

static bool vtd_rewalk(void *ctx, const struct tc_entry *e,
		       struct dma_xlat *fresh)
{
	struct vtd *v = ctx;
	struct trace quiet = { 0 };
	struct vtd_walk_fault f;
	struct vtd_pasid_cfg p;
	struct vtd_sctx sc;
	struct vtd_ctx c;
	struct vtd_tag t;

	memcpy(&t, e->tag, sizeof(t));
	switch (t.kind) {
	case TAG_CTX:
		memset(&c, 0, sizeof(c));
		if (vtd_walk_context(v->u.mem, &quiet, &v->cfg, v->ecap, v->rta,
				     t.id, &c, &f))
			return false;
		ctx_pack(&c, fresh);
		return true;
	case TAG_SCTX:
	case TAG_PASIDC:
		if (vtd_walk_sm_context(v->u.mem, &quiet, &v->cfg, v->ecap,
					v->rta, t.id, &sc, &f))
			return false;
		if (t.kind == TAG_SCTX) {
			sctx_pack(&sc, fresh);
			return true;
		}
		if (vtd_walk_pasid(v->u.mem, &quiet, &v->cfg, v->cap, v->ecap,
				   &sc, t.pasid, &p, &f))
			return false;
		pasid_pack(&p, fresh);
		return true;
	default:
		return rewalk_iotlb(v, &t, e, fresh);
	}
}

static void vtd_describe(void *ctx, const struct tc_entry *e, char *buf,
			 size_t len)
{
	static const char *const kinds[] = {
		[TAG_CTX] = "context",	    [TAG_IOTLB] = "iotlb",
		[TAG_SCTX] = "sm-context",  [TAG_PASIDC] = "pasid-cache",
		[TAG_IOTLBFS] = "iotlb-fs", [TAG_IOTLBNEST] = "iotlb-nested",
	};
	struct vtd_tag t;

	(void)ctx;
	memcpy(&t, e->tag, sizeof(t));
	if (t.kind == TAG_CTX || t.kind == TAG_SCTX)
		snprintf(buf, len, "%s sid=0x%x", kinds[t.kind], t.id);
	else if (t.kind == TAG_PASIDC)
		snprintf(buf, len, "%s sid=0x%x pasid=0x%x", kinds[t.kind],
			 t.id, t.pasid);
	else
		snprintf(buf, len, "%s did=0x%x pasid=0x%x iova=0x%" PRIx64,
			 kinds[t.kind], t.id, t.pasid, t.page << tag_shift(&t));
}

/* Cached structures are shown decoded, translations as translations. */
static void vtd_value(void *ctx, const struct tc_entry *e,
		      const struct dma_xlat *x, char *buf, size_t len)
{
	struct vtd_pasid_cfg p;
	struct vtd_sctx sc;
	struct vtd_ctx c;
	struct vtd_tag t;
	char perm[8];

	(void)ctx;
	memcpy(&t, e->tag, sizeof(t));
	switch (t.kind) {
	case TAG_CTX:
		ctx_unpack(x, &c);
		snprintf(buf, len,
			 "SSPTPTR=0x%" PRIx64 " DID=0x%x AW=%u TT=%u FPD=%u",
			 c.ssptptr, c.did, c.aw, c.tt, c.fpd);
		break;
	case TAG_SCTX:
		sctx_unpack(x, &sc);
		snprintf(buf, len,
			 "PASIDDIRPTR=0x%" PRIx64
			 " PDTS=%u PASIDE=%u RID_PASID=0x%x FPD=%u",
			 sc.pasiddirptr, sc.pdts, sc.paside, sc.rid_pasid,
			 sc.fpd);
		break;
	case TAG_PASIDC:
		pasid_unpack(x, &p);
		snprintf(buf, len,
			 "PGTT=%u DID=0x%x SSPTPTR=0x%" PRIx64
			 " FSPTPTR=0x%" PRIx64 " AW=%u FSPM=%u",
			 p.pgtt, p.did, p.ssptptr, p.fsptptr, p.aw, p.fspm);
		break;
	default:
		dma_perm_str(x->perm, perm, sizeof(perm));
		snprintf(buf, len,
			 "pa=0x%" PRIx64 " size=0x%" PRIx64 " perm=%s",
			 x->out_addr, x->page_size, perm);
		break;
	}
}

const struct tcache_ops vtd_tcache_ops = {
	.rewalk = vtd_rewalk,
	.describe = vtd_describe,
	.value = vtd_value,
};

/* ---- invalidation ------------------------------------------------------- */

struct inval {
	uint32_t kinds; /* bit per tag kind */
	unsigned int gran;
	uint16_t did, sid, sid_ignore;
	bool by_pasid;
	uint32_t pasid;
	bool by_addr;
	uint64_t first, last;
};

static uint16_t entry_did(const struct vtd_tag *t, const struct tc_entry *e)
{
	struct vtd_ctx c;

	switch (t->kind) {
	case TAG_CTX:
		ctx_unpack(&e->xlat, &c);
		return c.did;
	case TAG_PASIDC:
		return (uint16_t)e->xlat.perm;
	default:
		return t->id;
	}
}

static bool inval_match(const struct tc_entry *e, void *arg)
{
	const struct inval *in = arg;
	uint64_t first, last;
	struct vtd_tag t;

	memcpy(&t, e->tag, sizeof(t));
	if (!(in->kinds & (1u << t.kind)))
		return false;
	if (in->gran == VTD_INV_GLOBAL)
		return true;
	if (t.kind == TAG_CTX || t.kind == TAG_SCTX) {
		/* a scalable context names no domain: domain-selective
		 * requests drop them all (allowed: more is always safe) */
		if (in->gran == VTD_INV_DOMAIN)
			return t.kind == TAG_SCTX ||
			       entry_did(&t, e) == in->did;
		return (t.id & ~in->sid_ignore) == (in->sid & ~in->sid_ignore);
	}
	if (entry_did(&t, e) != in->did)
		return false;
	if (in->by_pasid && t.pasid != in->pasid)
		return false;
	if (!in->by_addr)
		return true;
	first = t.page << tag_shift(&t);
	last = first + (1ULL << tag_shift(&t)) - 1;
	return first <= in->last && in->first <= last;
}

static void set_range(struct inval *in, uint64_t addr, unsigned int am)
{
	uint64_t size = 1ULL << (12 + am);

	in->by_addr = true;
	in->first = addr & ~(size - 1);
	in->last = in->first + size - 1;
}

/**
 * vtd_inval_context() - context-cache invalidation (CCMD or descriptor
 * type 1), legacy and scalable contexts alike.
 * @v: the unit.
 * @gran: VTD_INV_GLOBAL, _DOMAIN or _DEVICE.
 * @did: domain (domain granularity).
 * @sid: source id (device granularity).
 * @fm: function mask: 0 none, 1 ignore SID bit 2, 2 bits 2:1, 3 bits 2:0.
 *
 * Return: entries dropped.
 */
uint64_t vtd_inval_context(struct vtd *v, unsigned int gran, uint16_t did,
			   uint16_t sid, unsigned int fm)
{
	struct inval in = { .kinds = 1u << TAG_CTX | 1u << TAG_SCTX,
			    .gran = gran,
			    .did = did,
			    .sid = sid };

	in.sid_ignore = (uint16_t)(((1u << fm) - 1) << (3 - fm));
	return tcache_invalidate(v->u.tc, inval_match, &in);
}

/**
 * vtd_inval_iotlb() - IOTLB invalidation (register or descriptor type 2):
 * second-stage entries by granularity; in scalable mode a domain- or
 * page-selective request also drops every first-stage entry of the
 * domain, whatever its address (vtd.md 4.3).
 * @v: the unit.
 * @gran: VTD_INV_GLOBAL, _DOMAIN or _PAGE.
 * @did: domain.
 * @addr: first page (page granularity).
 * @am: 2^@am pages.
 *
 * Return: entries dropped.
 */
uint64_t vtd_inval_iotlb(struct vtd *v, unsigned int gran, uint16_t did,
			 uint64_t addr, unsigned int am)
{
	struct inval ss = { .kinds = 1u << TAG_IOTLB,
			    .gran = gran,
			    .did = did };
	struct inval fs = { .kinds = 1u << TAG_IOTLBFS | 1u << TAG_IOTLBNEST,
			    .gran = gran == VTD_INV_GLOBAL ? gran :
							     VTD_INV_DOMAIN,
			    .did = did };

	if (gran == VTD_INV_PAGE)
		set_range(&ss, addr, am);
	return tcache_invalidate(v->u.tc, inval_match, &ss) +
	       tcache_invalidate(v->u.tc, inval_match, &fs);
}

/**
 * vtd_inval_piotlb() - PASID-based IOTLB invalidation (descriptor type
 * 6): first-stage entries of (@did, @pasid), all of them (@page false) or
 * 2^@am pages from @addr. Second-stage entries are never touched.
 *
 * Return: entries dropped.
 */
uint64_t vtd_inval_piotlb(struct vtd *v, uint16_t did, uint32_t pasid,
			  bool page, uint64_t addr, unsigned int am)
{
	struct inval in = { .kinds = 1u << TAG_IOTLBFS | 1u << TAG_IOTLBNEST,
			    .gran = VTD_INV_DOMAIN,
			    .did = did,
			    .by_pasid = true,
			    .pasid = pasid };

	if (page)
		set_range(&in, addr, am);
	return tcache_invalidate(v->u.tc, inval_match, &in);
}

/**
 * vtd_inval_pasid_cache() - PASID-cache invalidation (descriptor type 7):
 * everything (@gran VTD_INV_GLOBAL), a domain's entries, or one PASID of a
 * domain (@by_pasid).
 *
 * Return: entries dropped.
 */
uint64_t vtd_inval_pasid_cache(struct vtd *v, unsigned int gran, uint16_t did,
			       bool by_pasid, uint32_t pasid)
{
	struct inval in = { .kinds = 1u << TAG_PASIDC,
			    .gran = gran,
			    .did = did,
			    .by_pasid = by_pasid,
			    .pasid = pasid };

	return tcache_invalidate(v->u.tc, inval_match, &in);
}

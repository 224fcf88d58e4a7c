// SPDX-License-Identifier: MIT
/*
 * translate.c - one DMA through the PHB: RID -> PE (RTT), freeze check,
 * MSI and window decode, TVE, TCE cache, table walk, R/W check.
 * (ppc_tce.md 2.3; qemu/qemu hw/pci-host/pnv_phb4.c
 * pnv_phb4_translate_iommu() for the order of the checks.)
 *
 * The TCE cache lives in the unit's struct tcache. A tag is the TVT index
 * and the IO page number of the window offset; aux holds the page shift
 * the entry was cached at. Bypass translations are not cached: they read
 * no memory. Kills follow the PHB3 TCE kill register (ppc_tce.md 2.2:
 * all, one PE, one PE + address).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ppc_tce.h"

#define TCE_TAG_LEN 12

static void tce_tag(uint8_t *tag, uint32_t index, uint64_t page)
{
	st_le32(tag, index);
	st_le64(tag + 4, page);
}

static void tce_untag(const struct tc_entry *e, uint32_t *index, uint64_t *page)
{
	*index = ld_le32(e->tag);
	*page = ld_le64(e->tag + 4);
}

static bool tce_rewalk(void *ctx, const struct tc_entry *e,
		       struct dma_xlat *fresh)
{
	struct tce_phb *p = ctx;
	struct dma_result res;
	struct tce_tve tve;
	uint32_t index;
	uint64_t page;

	tce_untag(e, &index, &page);
	if (index >= 2 * p->num_pes ||
	    tce_tve_decode(p->phb_gen, p->tvt[index], index, &tve, &res) ||
	    tve.bypass || tve.page_shift != e->aux)
		return false;
	/* No trace: strict-mode checks are not hardware fetches. */
	tce_walk(p->u.mem, &(struct trace){ 0 }, &tve, page << e->aux, &res);
	if (res.ok)
		*fresh = res.xlat;
	return res.ok;
}

static void tce_describe(void *ctx, const struct tc_entry *e, char *buf,
			 size_t len)
{
	uint32_t index;
	uint64_t page;

	(void)ctx;
	tce_untag(e, &index, &page);
	snprintf(buf, len, "pe=0x%x win=%u offset=0x%" PRIx64, index >> 1,
		 index & 1, page << e->aux);
}

const struct tcache_ops tce_tc_ops = {
	.rewalk = tce_rewalk,
	.describe = tce_describe,
};

/* The table-form translation of @offset, through the TCE cache. */
static void tce_lookup(struct tce_phb *p, const struct tce_tve *tve,
		       uint64_t offset, struct dma_result *res)
{
	uint8_t tag[TCE_TAG_LEN];
	const struct tc_entry *e;

	if (tve->bypass) {
		tce_walk(p->u.mem, &p->u.trace, tve, offset, res);
		return;
	}
	tce_tag(tag, tve->index, offset >> tve->page_shift);
	e = tcache_lookup(p->u.tc, tag, sizeof(tag));
	if (e && e->aux == tve->page_shift) {
		*res = (struct dma_result){ .ok = true, .xlat = e->xlat };
		return;
	}
	tce_walk(p->u.mem, &p->u.trace, tve, offset, res);
	if (res->ok)
		tcache_insert(p->u.tc, tag, sizeof(tag), &res->xlat,
			      tve->page_shift);
}

static bool tce_is_msi(uint64_t addr)
{
	return (addr >> 60) == 1 ||
	       (addr >= TCE_MSI32_BASE && addr <= TCE_MSI32_LAST);
}

static void tce_fault_code(struct dma_result *res, uint32_t code)
{
	dma_fault_init(res, code, tce_fault_name(code));
}

/* Everything after the PE is known; returns with @res filled. */
static void tce_translate_pe(struct tce_phb *p, const struct dma_req *req,
			     uint32_t pe, struct dma_result *res)
{
	unsigned int need = req->access & (DMA_ACC_READ | DMA_ACC_WRITE);
	uint64_t offset = req->addr & TCE_ADDR_OFFSET;
	uint32_t index;
	struct tce_tve tve;

	if ((req->addr >> 60) > 1) {
		tce_fault_code(res, TCE_F_NO_WINDOW);
		return;
	}
	index = pe << 1 | (uint32_t)((req->addr >> TCE_ADDR_WINDOW_BIT) & 1);
	if (tce_tve_decode(p->phb_gen, p->tvt[index], index, &tve, res))
		return;
	tce_lookup(p, &tve, offset, res);
	if (res->ok && (res->xlat.perm & need) != need)
		tce_fault_code(res, TCE_F_PERM);
	if (res->ok)
		res->xlat.out_addr += offset & (res->xlat.page_size - 1);
}

/**
 * tce_translate() - the unit's translate op: one DMA request from PCI
 * RID @req->source_id (bus<<8|devfn). Faults other than MSI are recorded
 * for `events`; with EEH on they freeze the PE.
 */
void tce_translate(struct sim_unit *u, const struct dma_req *req,
		   struct dma_result *res)
{
	struct tce_phb *p = to_tce_phb(u);
	uint32_t rid = req->source_id & (TCE_NUM_RIDS - 1);
	uint32_t pe = p->rtt[rid];

	if (p->frozen[pe]) {
		tce_fault_code(res, TCE_F_PE_FROZEN);
	} else if (tce_is_msi(req->addr)) {
		/* An MSI write is not a DMA: report it, record nothing. */
		tce_fault_code(res, TCE_F_MSI);
		dma_fault_add(res, "pe", pe);
		return;
	} else {
		tce_translate_pe(p, req, pe, res);
	}
	if (res->ok)
		return;
	dma_fault_add(res, "pe", pe);
	tce_record(p, req, pe, res);
	if (p->eeh)
		p->frozen[pe] = true;
}

static bool tce_pred_pe(const struct tc_entry *e, void *arg)
{
	return (ld_le32(e->tag) >> 1) == *(uint32_t *)arg;
}

static bool tce_pred_tve(const struct tc_entry *e, void *arg)
{
	return ld_le32(e->tag) == *(uint32_t *)arg;
}

struct tce_kill_addr {
	uint32_t index;
	uint64_t offset;
};

static bool tce_pred_addr(const struct tc_entry *e, void *arg)
{
	const struct tce_kill_addr *k = arg;
	uint32_t index;
	uint64_t page;

	tce_untag(e, &index, &page);
	return index == k->index && page == k->offset >> e->aux;
}

/** tce_kill_all() - kill every cached TCE; returns how many went. */
uint64_t tce_kill_all(struct tce_phb *p)
{
	return tcache_flush(p->u.tc);
}

/** tce_kill_pe() - kill the cached TCEs of both windows of PE @pe. */
uint64_t tce_kill_pe(struct tce_phb *p, uint32_t pe)
{
	return tcache_invalidate(p->u.tc, tce_pred_pe, &pe);
}

/** tce_kill_tve() - kill the cached TCEs of TVT entry @index. */
uint64_t tce_kill_tve(struct tce_phb *p, uint32_t index)
{
	return tcache_invalidate(p->u.tc, tce_pred_tve, &index);
}

/**
 * tce_kill_addr() - kill the cached TCE of PE @pe that maps @iova (its
 * window chosen by bit 59, at whatever page size it was cached).
 */
uint64_t tce_kill_addr(struct tce_phb *p, uint32_t pe, uint64_t iova)
{
	struct tce_kill_addr k = {
		.index = pe << 1 |
			 (uint32_t)((iova >> TCE_ADDR_WINDOW_BIT) & 1),
		.offset = iova & TCE_ADDR_OFFSET,
	};

	return tcache_invalidate(p->u.tc, tce_pred_addr, &k);
}

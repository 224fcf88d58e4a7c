// SPDX-License-Identifier: MIT
/*
 * toy_unit.c - a made-up IOMMU, small enough to read in one sitting, that
 * exercises every part of the unit interface so the scenario runner can be
 * tested before any real unit exists. It models no real hardware.
 *
 * Registers: ID @0x0 (32, RO), BASE @0x8 (64, RW, table address [51:12]),
 * CTRL @0x10 (32, RW, bit 0 EN), FCOUNT @0x14 (32, RO).
 * Table: one level of little-endian 64-bit entries, one per 4 KiB page:
 * bit 0 R, bit 1 W, bits 51:12 output address.
 * Faults: 0x1 NOT_PRESENT, 0x2 PERM, 0x3 RANGE, 0x4 FETCH_ABORT.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/bits.h"
#include "toy_unit.h"

#define TOY_ID 0x00
#define TOY_BASE 0x08
#define TOY_CTRL 0x10
#define TOY_FCOUNT 0x14
#define TOY_CTRL_EN BIT_ULL(0)
#define TOY_PTE_R BIT_ULL(0)
#define TOY_PTE_W BIT_ULL(1)
#define TOY_PTE_ADDR GENMASK_ULL(51, 12)
#define TOY_EVENTS_MAX 16

struct toy_event {
	uint32_t code;
	const char *name;
	uint32_t src;
	uint64_t iova;
};

struct toy {
	struct sim_unit u;
	uint64_t base;
	uint32_t ctrl;
	uint32_t fcount;
	uint64_t entries;
	struct toy_event ev[TOY_EVENTS_MAX];
	unsigned int nev;
	bool ev_overflow;
};

static struct toy *to_toy(struct sim_unit *u)
{
	return container_of(u, struct toy, u);
}

/* The walk, a pure function of memory and the programmed base. */
static void toy_walk(struct toy *t, uint64_t iova, struct dma_result *res)
{
	uint64_t page = iova >> 12, pa, pte;

	if (page >= t->entries) {
		dma_fault_init(res, 0x3, "RANGE");
		return;
	}
	pa = (t->base & TOY_PTE_ADDR) + page * 8;
	if (pm_ld64_le(t->u.mem, pa, &pte)) {
		trace_fetch(&t->u.trace, "toy-pte", pa, NULL, 0,
			    "fault: bus error", "%s", "");
		dma_fault_init(res, 0x4, "FETCH_ABORT");
		dma_fault_add(res, "addr", pa);
		return;
	}
	if (!(pte & (TOY_PTE_R | TOY_PTE_W))) {
		trace_fetch(&t->u.trace, "toy-pte", pa, &pte, 1,
			    "fault: not present", "R=0 W=0");
		dma_fault_init(res, 0x1, "NOT_PRESENT");
		return;
	}
	trace_fetch(&t->u.trace, "toy-pte", pa, &pte, 1, "leaf",
		    "R=%u W=%u ADDR=0x%" PRIx64, (unsigned int)(pte & 1),
		    (unsigned int)((pte >> 1) & 1), pte & TOY_PTE_ADDR);
	dma_xlat_set(res, pte & TOY_PTE_ADDR, 0x1000,
		     ((pte & TOY_PTE_R) ? DMA_ACC_READ : 0) |
			     ((pte & TOY_PTE_W) ? DMA_ACC_WRITE : 0));
}

static bool toy_rewalk(void *ctx, const struct tc_entry *e,
		       struct dma_xlat *fresh)
{
	struct dma_result res;
	uint64_t page;

	memcpy(&page, e->tag, sizeof(page));
	toy_walk(ctx, page << 12, &res);
	if (res.ok)
		*fresh = res.xlat;
	return res.ok;
}

static void toy_describe(void *ctx, const struct tc_entry *e, char *buf,
			 size_t len)
{
	uint64_t page;

	(void)ctx;
	memcpy(&page, e->tag, sizeof(page));
	snprintf(buf, len, "iova=0x%" PRIx64, page << 12);
}

static const struct tcache_ops toy_tc_ops = {
	.rewalk = toy_rewalk,
	.describe = toy_describe,
};

static void toy_record(struct toy *t, const struct dma_req *req,
		       const struct dma_result *res)
{
	t->fcount++;
	if (t->nev == TOY_EVENTS_MAX) {
		t->ev_overflow = true;
		return;
	}
	t->ev[t->nev++] = (struct toy_event){ .code = res->fault.code,
					      .name = res->fault.name,
					      .src = req->source_id,
					      .iova = req->addr };
}

static void toy_translate(struct sim_unit *u, const struct dma_req *req,
			  struct dma_result *res)
{
	struct toy *t = to_toy(u);
	uint64_t page = req->addr >> 12;
	unsigned int need = req->access & (DMA_ACC_READ | DMA_ACC_WRITE);
	const struct tc_entry *e;

	if (!(t->ctrl & TOY_CTRL_EN)) {
		dma_xlat_set(res, req->addr, 0x1000,
			     DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
		return;
	}
	e = tcache_lookup(u->tc, &page, sizeof(page));
	if (e) {
		*res = (struct dma_result){ .ok = true, .xlat = e->xlat };
	} else {
		toy_walk(t, req->addr, res);
		if (res->ok)
			tcache_insert(u->tc, &page, sizeof(page), &res->xlat,
				      0);
	}
	if (res->ok && (res->xlat.perm & need) != need)
		dma_fault_init(res, 0x2, "PERM");
	if (!res->ok) {
		toy_record(t, req, res);
		return;
	}
	res->xlat.out_addr += req->addr & 0xfff;
}

static void toy_reset(struct sim_unit *u)
{
	struct toy *t = to_toy(u);

	t->base = 0;
	t->ctrl = 0;
	t->fcount = 0;
	t->nev = 0;
	t->ev_overflow = false;
	tcache_flush(u->tc);
}

static int toy_create(struct pm_space *mem, struct sim_opts *opts,
		      struct sim_unit **out, struct sim_err *err)
{
	struct toy *t;
	uint64_t entries;

	if (sim_opt_u64(opts, "entries", 512, 1, 4096, &entries, err))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return sim_errf(err, "out of memory");
	if (tcache_create(16, 2, &toy_tc_ops, t, &t->u.tc)) {
		free(t);
		return sim_errf(err, "out of memory");
	}
	t->u.ops = &toy_unit_ops;
	t->u.mem = mem;
	t->entries = entries;
	*out = &t->u;
	return 0;
}

static void toy_destroy(struct sim_unit *u)
{
	tcache_destroy(u->tc);
	free(to_toy(u));
}

static int toy_check_size(uint64_t off, unsigned int size, struct sim_err *err)
{
	unsigned int want = off == TOY_BASE ? 8 : 4;

	if (size != want)
		return sim_errf(
			err,
			"toy: %u-byte access to %u-byte register at 0x%" PRIx64,
			size, want, off);
	return 0;
}

static int toy_mmio_read(struct sim_unit *u, uint64_t off, unsigned int size,
			 uint64_t *val, struct sim_err *err)
{
	struct toy *t = to_toy(u);

	*val = 0;
	if (toy_check_size(off, size, err))
		return -EINVAL;
	if (off == TOY_ID)
		*val = 0x70790001;
	else if (off == TOY_BASE)
		*val = t->base;
	else if (off == TOY_CTRL)
		*val = t->ctrl;
	else if (off == TOY_FCOUNT)
		*val = t->fcount;
	return 0;
}

static int toy_mmio_write(struct sim_unit *u, uint64_t off, unsigned int size,
			  uint64_t val, struct sim_err *err)
{
	struct toy *t = to_toy(u);

	if (toy_check_size(off, size, err))
		return -EINVAL;
	if (off == TOY_BASE)
		t->base = val & TOY_PTE_ADDR;
	else if (off == TOY_CTRL)
		t->ctrl = (uint32_t)(val & TOY_CTRL_EN);
	return 0;
}

static int toy_reg_lookup(struct sim_unit *u, const char *name, uint64_t *off)
{
	static const struct {
		const char *name;
		uint64_t off;
	} regs[] = { { "ID", TOY_ID },
		     { "BASE", TOY_BASE },
		     { "CTRL", TOY_CTRL },
		     { "FCOUNT", TOY_FCOUNT } };

	(void)u;
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		if (!strcmp(regs[i].name, name)) {
			*off = regs[i].off;
			return 0;
		}
	}
	return -ENOENT;
}

static void toy_drain(struct sim_unit *u, struct sim_out *out)
{
	struct toy *t = to_toy(u);

	for (unsigned int i = 0; i < t->nev; i++)
		sim_outf(out, "code=0x%x name=%s src=0x%x iova=0x%" PRIx64,
			 t->ev[i].code, t->ev[i].name, t->ev[i].src,
			 t->ev[i].iova);
	if (t->ev_overflow)
		sim_outf(out, "code=0xff name=OVERFLOW");
	t->nev = 0;
	t->ev_overflow = false;
}

static bool toy_page_pred(const struct tc_entry *e, void *arg)
{
	return !memcmp(e->tag, arg, sizeof(uint64_t));
}

static int toy_command(struct sim_unit *u, int argc, char **argv,
		       struct sim_out *out, struct sim_err *err)
{
	uint64_t n, page;

	if (!strcmp(argv[0], "toy-echo")) {
		char buf[256] = "";
		size_t used = 0;

		for (int i = 1; i < argc && used < sizeof(buf); i++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
						 "%s%s", i > 1 ? " " : "",
						 argv[i]);
		sim_outf(out, "%s", buf);
		return 0;
	}
	if (!strcmp(argv[0], "toy-fail"))
		return sim_errf(err, "toy-fail always fails");
	if (!strcmp(argv[0], "toy-reset")) {
		toy_reset(u);
		return 0;
	}
	if (strcmp(argv[0], "toy-inval"))
		return -ENOENT;
	if (argc != 2)
		return sim_errf(err, "usage: toy-inval all|IOVA");
	if (!strcmp(argv[1], "all")) {
		n = tcache_flush(u->tc);
	} else {
		if (sim_parse_u64(argv[1], &page))
			return sim_errf(err, "bad IOVA '%s'", argv[1]);
		page >>= 12;
		n = tcache_invalidate(u->tc, toy_page_pred, &page);
	}
	sim_outf(out, "ok invalidated=%" PRIu64, n);
	return 0;
}

const struct sim_unit_ops toy_unit_ops = {
	.kind = "toy",
	.summary = "test-only single-level IOMMU",
	.options = "entries=N",
	.create = toy_create,
	.destroy = toy_destroy,
	.reset = toy_reset,
	.mmio_read = toy_mmio_read,
	.mmio_write = toy_mmio_write,
	.reg_lookup = toy_reg_lookup,
	.translate = toy_translate,
	.drain_events = toy_drain,
	.command = toy_command,
};

// SPDX-License-Identifier: MIT
/*
 * fuzz_ppc_tce.c - libFuzzer harness for the PHB TCE unit: the input is a
 * program of big-endian memory stores, TVE and RTT writes, DMA requests,
 * TCE kills, thaws and event drains, so the TVE decode and the 1-5 level
 * walk meet arbitrary TVEs and memory images. RAM is 16 MiB, so most
 * table addresses are bus errors.
 *
 * Checked: no crash or undefined behaviour (the sanitizers), every fault
 * has a code this model names, and every translation names a power-of-two
 * page of at least 4 KiB containing the request's offset in that page.
 *
 * Input: records of one opcode byte and 16 argument bytes. Bit 7 of the
 * first byte picks phb=3, bit 6 eeh=on; the input's length picks strict
 * cache mode.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc_tce/ppc_tce.h"
#include "model/bits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink_line(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static void check(const struct dma_req *req, const struct dma_result *res)
{
	uint64_t ps = res->xlat.page_size;

	if (res->ok && (ps < 0x1000 || (ps & (ps - 1)) ||
			((res->xlat.out_addr ^ req->addr) & (ps - 1))))
		abort();
	if (!res->ok && !strcmp(tce_fault_name(res->fault.code), "UNKNOWN"))
		abort();
}

static void run_cmd(struct sim_unit *u, const char *fmt, uint64_t a, uint64_t b)
{
	struct sim_out out = { .line = sink_line };
	char buf[128], *argv[8];
	struct sim_err err;
	int argc = 0;

	snprintf(buf, sizeof(buf), fmt, a, b);
	for (char *p = strtok(buf, " "); p && argc < 8; p = strtok(NULL, " "))
		argv[argc++] = p;
	u->ops->command(u, argc, argv, &out, &err);
}

/* Bias TVEs toward decodable ones: a small table in RAM, 1-8 levels. */
static uint64_t fuzz_tve(uint64_t x, uint64_t y)
{
	if (x & 1)
		return y;
	return FIELD_PREP(TCE_TVE_TABLE_ADDR, (y & 0xfff000) >> 12) |
	       FIELD_PREP(TCE_TVE_NUM_LEVELS, x >> 8) |
	       FIELD_PREP(TCE_TVE_TTS, 1 + (x >> 12) % 4) |
	       FIELD_PREP(TCE_TVE_IO_PSIZE, (x >> 16) % 20);
}

static void run_op(struct sim_unit *u, struct pm_space *pm, const uint8_t *a)
{
	uint64_t x = ld_le64(a + 1), y = ld_le64(a + 9);
	struct sim_out out = { .line = sink_line };
	struct dma_req req;
	struct dma_result res;

	switch (a[0] % 8) {
	case 0:
		pm_st64_be(pm, x & 0xfffff8, y);
		break;
	case 1:
		run_cmd(u, "ioda write TVT %" PRIu64 " %" PRIu64,
			(x >> 1) % 1100, fuzz_tve(x, y));
		break;
	case 2:
		run_cmd(u, "ioda write RTT %" PRIu64 " %" PRIu64, x & 0x1ffff,
			y % 600);
		break;
	case 3:
	case 4:
		req = (struct dma_req){
			.source_id = (uint32_t)(x & 0x1ffff),
			.addr = (x >> 32 & 1) ? y : y & 0x8000000ffffffffull,
			.access = 1u + (unsigned int)(x >> 17) % 3,
		};
		u->ops->translate(u, &req, &res);
		check(&req, &res);
		break;
	case 5:
		if (x & 1)
			run_cmd(u, "ioda tce-kill addr %" PRIu64 " %" PRIu64,
				(x >> 1) % 600, y);
		else if (x & 2)
			run_cmd(u, "ioda tce-kill pe %" PRIu64 "%.0" PRIu64,
				(x >> 2) % 600, 0);
		else
			run_cmd(u, "ioda tce-kill all%.0" PRIu64 "%.0" PRIu64,
				0, 0);
		break;
	case 6:
		run_cmd(u, "ioda thaw %" PRIu64 "%.0" PRIu64, x % 600, 0);
		break;
	default:
		u->ops->drain_events(u, &out);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char phb3[] = "phb=3", eeh[] = "eeh=on";
	struct sim_opts opts = { 0 };
	struct sim_unit *u;
	struct pm_space *pm;
	struct sim_err err;
	char *argv[2];
	int argc = 0;

	if (pm_create(24, &pm))
		return 0;
	if (size && (data[0] & 0x80))
		argv[argc++] = phb3;
	if (size && (data[0] & 0x40))
		argv[argc++] = eeh;
	if (sim_opts_parse(&opts, argc, argv, &err) ||
	    ppc_tce_unit_ops.create(pm, &opts, &u, &err)) {
		pm_destroy(pm);
		return 0;
	}
	tcache_set_strict(u->tc, size & 1);
	for (size_t i = 0; i + 17 <= size; i += 17)
		run_op(u, pm, data + i);
	u->ops->destroy(u);
	pm_destroy(pm);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * fuzz_ppc_tce.c - libFuzzer harness for the PHB TCE unit: the input is a
 * program of big-endian memory stores, TVE and RTT writes, DMA requests,
 * TCE kills, thaws, event drains, `papr window add`, hcalls and RTAS calls
 * with arbitrary arguments, so the TVE decode, the 1-5 level walk and the
 * PAPR layer meet arbitrary TVEs, windows and memory images. RAM is 16 MiB, so most
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

static void run_line(struct sim_unit *u, char *buf)
{
	struct sim_out out = { .line = sink_line };
	char *argv[12];
	struct sim_err err;
	int argc = 0;

	for (char *p = strtok(buf, " "); p && argc < 12; p = strtok(NULL, " "))
		argv[argc++] = p;
	u->ops->command(u, argc, argv, &out, &err);
}

static void run_cmd(struct sim_unit *u, const char *fmt, uint64_t a, uint64_t b)
{
	char buf[192];

	snprintf(buf, sizeof(buf), fmt, a, b);
	run_line(u, buf);
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

/* A window with its table in the 16 MiB of RAM (or beyond: an error). */
static void fuzz_papr_add(struct sim_unit *u, uint64_t x, uint64_t y)
{
	char fmt[160];

	snprintf(fmt, sizeof(fmt),
		 "papr window add %%" PRIu64 " %u %u %" PRIu64 " %" PRIu64
		 " %u %u table=%%" PRIu64,
		 (unsigned int)(x >> 8) % 600, (unsigned int)(x >> 20) & 1,
		 (x >> 21 & 1) ? y : (uint64_t)(y & 0x800000000ff0000ull),
		 (x >> 22 & 1) ? (y >> 3) : (uint64_t)0x1000 << (x >> 23) % 24,
		 12 + (unsigned int)(x >> 28) % 20,
		 (unsigned int)(x >> 33) % 7);
	run_cmd(u, fmt, (x & 1) ? x >> 40 : 0x80000000 | (x >> 40 & 0x3ff),
		((y >> 12) & 0xfff000) | 0x1000);
}

static void fuzz_hcall(struct sim_unit *u, uint64_t x, uint64_t y)
{
	static const char *const names[] = { "H_PUT_TCE", "H_GET_TCE",
					     "H_STUFF_TCE",
					     "H_PUT_TCE_INDIRECT" };
	uint64_t liobn = (x & 1) ? x : 0x80000000 | (x >> 8 & 0x3ff);
	char fmt[160];

	/* Small COUNTs keep H_STUFF_TCE quick; LISTADDR is in RAM or not. */
	snprintf(fmt, sizeof(fmt),
		 "hcall %s %%" PRIu64 " %%" PRIu64 " %" PRIu64 " %" PRIu64,
		 names[(x >> 1) % 4], (x >> 3 & 1) ? y : (y >> 8) & 0xffff000,
		 (x >> 4 & 1) ? (x >> 32) % 1100 : x >> 16);
	run_cmd(u, fmt, liobn, (x >> 2 & 1) ? y : (y & 0x8000000000fffffull));
}

static void fuzz_rtas(struct sim_unit *u, uint64_t x, uint64_t y)
{
	static const char *const names[] = { "query", "create", "remove",
					     "reset" };
	static const unsigned int ncells[] = { 3, 5, 1, 3 };
	unsigned int c = x % 4, n = ncells[c];
	uint64_t cell[6] = {
		(x >> 4 & 1) ? y >> 40 : (y >> 8) & 0xffff00,
		(x >> 5 & 1) ? (y & 0xffffffff) : 0x8000000,
		(x >> 6 & 1) ? (y >> 32) : 0x20000000,
		(x >> 8) % 40,
		(x >> 16) % 70,
		x >> 32,
	};
	char buf[192];
	int len;

	/* Sometimes the wrong cell count; remove's cell is a LIOBN. */
	if (x >> 2 & 1)
		n = (unsigned int)(x >> 24) % 7;
	if (c == 2 && !(x >> 3 & 1))
		cell[0] = 0x80000000 | (y & 0x3ff);
	len = snprintf(buf, sizeof(buf), "rtas ibm,%s-pe-dma-window", names[c]);
	for (unsigned int i = 0; i < n; i++)
		len += snprintf(buf + len, sizeof(buf) - len, " %" PRIu64,
				cell[i]);
	run_line(u, buf);
}

static void run_op(struct sim_unit *u, struct pm_space *pm, const uint8_t *a)
{
	uint64_t x = ld_le64(a + 1), y = ld_le64(a + 9);
	struct sim_out out = { .line = sink_line };
	struct dma_req req;
	struct dma_result res;

	switch (a[0] % 11) {
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
	case 8:
		fuzz_papr_add(u, x, y);
		break;
	case 9:
		fuzz_hcall(u, x, y);
		break;
	case 10:
		fuzz_rtas(u, x, y);
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

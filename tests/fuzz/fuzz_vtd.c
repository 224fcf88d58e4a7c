// SPDX-License-Identifier: MIT
/*
 * fuzz_vtd.c - libFuzzer harness for the VT-d unit: the input is a
 * program of memory stores, register writes and reads, and DMA requests,
 * so the walkers meet arbitrary memory images and register states (queue
 * included). RAM is 16 MiB, so wild pointers hit bus errors often.
 *
 * Checked: no crash or undefined behaviour (the sanitizers), every fault
 * carries a reason this model defines, and every translation names a
 * power-of-two page of at least 4 KiB.
 *
 * Input: records of one opcode byte and 16 argument bytes. Bit 7 of the
 * first opcode picks mode=scalable (both modes get fuzzed).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/vtd/vtd.h"
#include "model/bits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool known_reason(uint32_t code)
{
	return strcmp(vtd_fault_name(code), "UNKNOWN") != 0;
}

static void sink_line(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static void run_op(struct sim_unit *u, struct pm_space *pm, const uint8_t *a)
{
	uint8_t op = a[0];
	uint64_t x = ld_le64(a + 1), y = ld_le64(a + 9), v;
	struct sim_out out = { .line = sink_line };
	struct sim_err err;
	struct dma_req req;
	struct dma_result res;

	switch (op % 6) {
	case 0:
		pm_st64_le(pm, x & 0xfffff8, y);
		break;
	case 1:
		u->ops->mmio_write(u, x & 0xffc, 4, y, &err);
		break;
	case 2:
		u->ops->mmio_write(u, x & 0xff8, 8, y, &err);
		break;
	case 3:
		req = (struct dma_req){
			.source_id = (uint32_t)(x & 0xffff),
			.addr = y,
			.access = 1u + (unsigned int)(x >> 16) % 3,
			.has_pasid = (x >> 24) & 1,
			.pasid = (uint32_t)(x >> 32) & 0xfffff
		};
		u->ops->translate(u, &req, &res);
		if (res.ok && (res.xlat.page_size < 0x1000 ||
			       (res.xlat.page_size & (res.xlat.page_size - 1))))
			abort();
		if (!res.ok && !known_reason(res.fault.code))
			abort();
		break;
	case 4:
		u->ops->mmio_read(u, x & 0xffc, (op & 8) ? 8 : 4, &v, &err);
		break;
	default:
		u->ops->drain_events(u, &out);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_opts opts = { 0 };
	char mode[] = "mode=scalable", slads[] = "slads=1", nest[] = "nest=1";
	char *argv[] = { mode, slads, nest };
	struct sim_unit *u;
	struct pm_space *pm;
	struct sim_err err;

	if (pm_create(24, &pm))
		return 0;
	if (size && (data[0] & 0x80) && sim_opts_parse(&opts, 3, argv, &err)) {
		pm_destroy(pm);
		return 0;
	}
	if (vtd_unit_ops.create(pm, &opts, &u, &err)) {
		pm_destroy(pm);
		return 0;
	}
	tcache_set_strict(u->tc, size & 1); /* both modes get exercised */
	for (size_t i = 0; i + 17 <= size; i += 17)
		run_op(u, pm, data + i);
	u->ops->destroy(u);
	pm_destroy(pm);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * fuzz_smmuv3.c - libFuzzer harness for the SMMUv3 unit: the input is a
 * program of memory stores, register writes and reads, DMA requests and
 * event drains, so the stream table, CD and page-table walkers, the
 * command queue and the event queue meet arbitrary memory images and
 * register states. RAM is 16 MiB, so wild pointers hit bus errors often.
 *
 * Checked: no crash or undefined behaviour (the sanitizers), every fault
 * is an event this model names (or 0, "terminated without an event"),
 * and every translation names a power-of-two page of at least 4 KiB
 * that contains the output address's offset.
 *
 * Input: records of one opcode byte and 16 argument bytes. Bit 7 of the
 * first opcode turns on HTTU (access flag and dirty state), bit 6 makes
 * the unit stage 1 only; the input's length picks strict cache mode.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/smmuv3/smmuv3.h"
#include "model/bits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink_line(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static void check(const struct dma_result *res)
{
	uint64_t ps = res->xlat.page_size;

	if (res->ok && (ps < 0x1000 || (ps & (ps - 1))))
		abort();
	if (!res->ok && res->fault.code &&
	    !strcmp(smmu_event_name(res->fault.code), "UNKNOWN"))
		abort();
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
		u->ops->mmio_write(u, x & 0x1fffc, 4, y, &err);
		break;
	case 2:
		u->ops->mmio_write(u, x & 0x1fff8, 8, y, &err);
		break;
	case 3:
		req = (struct dma_req){
			.source_id = (uint32_t)(x & 0xffff),
			.addr = y,
			.access = (1u + (unsigned int)(x >> 16) % 3) |
				  (unsigned int)(x >> 20 & 3) << 2,
			.has_pasid = (x >> 24) & 1,
			.pasid = (uint32_t)(x >> 32) & 0xfffff
		};
		u->ops->translate(u, &req, &res);
		check(&res);
		break;
	case 4:
		u->ops->mmio_read(u, x & 0x1fffc, (op & 8) ? 8 : 4, &v, &err);
		break;
	default:
		u->ops->drain_events(u, &out);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_opts opts = { 0 };
	char httu[] = "httu=2", s1[] = "stages=s1";
	char *argv[2];
	int argc = 0;
	struct sim_unit *u;
	struct pm_space *pm;
	struct sim_err err;

	if (pm_create(24, &pm))
		return 0;
	if (size && (data[0] & 0x80))
		argv[argc++] = httu;
	if (size && (data[0] & 0x40))
		argv[argc++] = s1;
	if (sim_opts_parse(&opts, argc, argv, &err) ||
	    smmuv3_unit_ops.create(pm, &opts, &u, &err)) {
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

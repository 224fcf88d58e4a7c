/* SPDX-License-Identifier: MIT */
/*
 * tce_test.h - the fixture the PHB TCE Check suites share: a unit made
 * from `machine ppc_tce` keys on 2^40 bytes of RAM, its commands run
 * with their output line captured, big-endian stores, TVE values built
 * from their fields, and requests with the result they must give.
 */
#ifndef IOMMUSIM_TESTS_HW_PPC_TCE_TCE_TEST_H
#define IOMMUSIM_TESTS_HW_PPC_TCE_TCE_TEST_H

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc_tce/ppc_tce.h"
#include "model/bits.h"

#define UNIT_OPS ppc_tce_unit_ops
#include "unit_fixture.h"

static char line[256];
static unsigned int nlines;

static inline void sink(void *ctx, const char *text)
{
	(void)ctx;
	snprintf(line, sizeof(line), "%s", text);
	nlines++;
}

static struct sim_out out = { .line = sink };

/* Run one unit command; its output line (if any) lands in line[]. */
static inline int cmd(const char *fmt, ...)
{
	char buf[256], *argv[16];
	int argc = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	line[0] = 0;
	nlines = 0;
	for (char *p = strtok(buf, " "); p && argc < 16; p = strtok(NULL, " "))
		argv[argc++] = p;
	return u->ops->command(u, argc, argv, &out, &err);
}

static inline void ok_cmd(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_msg(!cmd("%s", buf), "%s: %s", buf, err.msg);
}

static inline void st(uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(pm_st64_be(pm, pa, v), 0);
}

static inline uint64_t tve(uint64_t table, unsigned int levels,
			   unsigned int tts, unsigned int page_shift)
{
	return FIELD_PREP(TCE_TVE_TABLE_ADDR, table >> 12) |
	       FIELD_PREP(TCE_TVE_NUM_LEVELS, levels - 1) |
	       FIELD_PREP(TCE_TVE_TTS, tts) |
	       FIELD_PREP(TCE_TVE_IO_PSIZE, page_shift - 11);
}

/* One request through the unit, and what its result must be. */
static inline struct dma_result xl(uint32_t rid, uint64_t iova,
				   unsigned int acc)
{
	struct dma_req req = { .source_id = rid, .addr = iova, .access = acc };
	struct dma_result res;

	u->ops->translate(u, &req, &res);
	return res;
}

static inline void expect_ok(uint32_t rid, uint64_t iova, unsigned int acc,
			     uint64_t pa, uint64_t size)
{
	struct dma_result r = xl(rid, iova, acc);

	ck_assert_msg(r.ok, "iova 0x%llx: fault 0x%x %s",
		      (unsigned long long)iova, r.ok ? 0 : r.fault.code,
		      r.ok ? "" : r.fault.name);
	ck_assert_uint_eq(r.xlat.out_addr, pa);
	ck_assert_uint_eq(r.xlat.page_size, size);
}

static inline void expect_fault(uint32_t rid, uint64_t iova, unsigned int acc,
				uint32_t code, const char *name)
{
	struct dma_result r = xl(rid, iova, acc);

	ck_assert_msg(!r.ok, "iova 0x%llx translated",
		      (unsigned long long)iova);
	ck_assert_uint_eq(r.fault.code, code);
	ck_assert_str_eq(r.fault.name, name);
}

#define R DMA_ACC_READ
#define W DMA_ACC_WRITE

#endif /* IOMMUSIM_TESTS_HW_PPC_TCE_TCE_TEST_H */

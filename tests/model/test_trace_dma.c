// SPDX-License-Identifier: MIT
/*
 * test_trace_dma.c - structure-fetch trace events and the printed forms
 * of DMA results.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "model/dma.h"
#include "model/trace.h"

static char last[512];
static unsigned int sink_calls;
static unsigned int arg_evals;

static void sink(void *ctx, const struct trace_event *ev)
{
	(void)ctx;
	sink_calls++;
	trace_event_format(ev, last, sizeof(last));
}

static unsigned int counted(unsigned int v)
{
	arg_evals++;
	return v;
}

START_TEST(test_trace_off_costs_nothing)
{
	struct trace tr = { 0 };
	uint64_t raw = 0x1234;

	trace_fetch(&tr, "pte", 0x1000, &raw, 1, "leaf", "x=%u", counted(1));
	ck_assert_uint_eq(sink_calls, 0);
	ck_assert_uint_eq(arg_evals, 0); /* arguments never evaluated */
	/* on without a sink stays off */
	trace_set(&tr, true, NULL, NULL);
	ck_assert(!tr.on);
	trace_fetch(&tr, "pte", 0x1000, &raw, 1, "leaf", "x=%u", counted(1));
	ck_assert_uint_eq(arg_evals, 0);
}
END_TEST

START_TEST(test_trace_on_formats)
{
	struct trace tr = { 0 };
	uint64_t raw[2] = { 0x1111, 0x2222 };

	trace_set(&tr, true, sink, NULL);
	trace_fetch(&tr, "context-entry", 0x20010, raw, 2, "next: page table",
		    "P=%u DID=0x%x", 1, 0x5);
	ck_assert_uint_eq(sink_calls, 1);
	ck_assert_uint_eq(tr.count, 1);
	/* highest word first, as the specifications draw entries */
	ck_assert_str_eq(
		last,
		"context-entry @0x20010 raw=0x0000000000002222:0x0000000000001111 P=1 DID=0x5 -> next: page table");
	trace_fetch(&tr, "tce", 0x40, raw, 1, "fault", "%s", "");
	ck_assert_str_eq(last, "tce @0x40 raw=0x0000000000001111 -> fault");
	/* more raw words than an event holds are cut, not overrun */
	{
		uint64_t many[6] = { 1, 2, 3, 4, 5, 6 };

		trace_fetch(&tr, "ste", 0, many, 6, "ok", "%s", "");
		ck_assert_ptr_nonnull(strstr(last, "raw=0x0000000000000004:"));
	}
	trace_set(&tr, false, sink, NULL);
	trace_fetch(&tr, "x", 0, raw, 1, "y", "%s", "");
	ck_assert_uint_eq(sink_calls, 3);
}
END_TEST

START_TEST(test_dma_format_ok)
{
	struct dma_result r;
	char buf[256];

	dma_xlat_set(&r, 0x12345678, 0x200000, DMA_ACC_READ | DMA_ACC_WRITE);
	dma_result_format(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ok pa=0x12345678 size=0x200000 perm=rw");
	dma_xlat_set(&r, 0, 0x1000, 0);
	dma_result_format(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ok pa=0x0 size=0x1000 perm=none");
	dma_xlat_set(&r, 0, 0x1000, DMA_ACC_READ | DMA_ACC_EXEC | DMA_ACC_PRIV);
	dma_result_format(&r, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ok pa=0x0 size=0x1000 perm=rxp");
}
END_TEST

START_TEST(test_dma_format_fault)
{
	struct dma_result r;
	char buf[256];
	int n;

	dma_fault_init(&r, 0x2, "CONTEXT_NOT_PRESENT");
	dma_fault_add(&r, "level", 2);
	dma_fault_add(&r, "addr", 0xabc000);
	dma_result_format(&r, buf, sizeof(buf));
	ck_assert_str_eq(
		buf,
		"fault code=0x2 name=CONTEXT_NOT_PRESENT level=0x2 addr=0xabc000");
	/* fields beyond the limit are dropped, not written past the array */
	for (int i = 0; i < DMA_FAULT_MAX_FIELDS + 3; i++)
		dma_fault_add(&r, "x", (uint64_t)i);
	ck_assert_uint_eq(r.fault.nfields, DMA_FAULT_MAX_FIELDS);
	/* a short buffer is cut and terminated; the full length returned */
	n = dma_result_format(&r, buf, 12);
	ck_assert_int_gt(n, 12);
	ck_assert_str_eq(buf, "fault code=");
	/* adding a field to a translation does nothing */
	dma_xlat_set(&r, 1, 0x1000, DMA_ACC_READ);
	dma_fault_add(&r, "x", 1);
	ck_assert(r.ok);
	ck_assert_uint_eq(r.xlat.out_addr, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace_dma");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_trace_off_costs_nothing);
	tcase_add_test(tc, test_trace_on_formats);
	tcase_add_test(tc, test_dma_format_ok);
	tcase_add_test(tc, test_dma_format_fault);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

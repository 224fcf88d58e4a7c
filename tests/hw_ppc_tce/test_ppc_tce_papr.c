// SPDX-License-Identifier: MIT
/*
 * test_ppc_tce_papr.c - the PAPR layer of the PHB unit: `papr window add`
 * (placement, TVE, geometry, usage errors), the four TCE hypercalls with
 * every return code and the partial updates of QEMU, and the RTAS DDW
 * calls (query, create with the placement and LIOBN rules, remove,
 * reset) with their statuses. Sources: shared/reference/ppc_tce.md 3.1
 * and 3.3, the scenario contract (ppc_tce), qemu/qemu
 * hw/ppc/spapr_iommu.c and hw/ppc/spapr_rtas_ddw.c.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/ppc_tce/papr.h"
#include "hw/ppc_tce/ppc_tce.h"
#include "model/bits.h"

#include "tce_test.h"

#define BUID "0x8000000 0x20000000"

/* Run a command that must succeed and print @want. */
static void out_is(const char *want, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_msg(!cmd("%s", buf), "%s: %s", buf, err.msg);
	ck_assert_msg(!strcmp(line, want), "%s: got '%s' want '%s'", buf, line,
		      want);
}

static uint64_t ld(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(pm_ld64_be(pm, pa, &v), 0);
	return v;
}

START_TEST(test_window_add)
{
	make_unit("");
	out_is("ok table=0x100000000", "papr window add 0x80000000 0 0 0 "
				       "0x40000000 12 1");
	/* 2^18 TCEs, 1 level: TTS 10, IO_PSIZE 1. */
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0], 0x1000000a01ull);
	/* The next table goes after it, aligned to its level size. */
	out_is("ok table=0x100200000", "papr window add 5 0 1 "
				       "0x800000000000000 0x100000 16 2");
	ck_assert_uint_eq(to_tce_phb(u)->tvt[1], tve(0x100200000ull, 2, 1, 16));
	/* Two levels: the top entry points at the leaf with R|W. */
	ck_assert_uint_eq(ld(0x100200000), 0x100201000ull | TCE_PCI_RW);
	out_is("ok table=0x300000", "papr window add 6 7 0 0 0x2000 12 1 "
				    "table=0x300000");
	/* A zeroed table: scribbles there are gone. */
	st(0x400000, 0x1234);
	out_is("ok table=0x400000", "papr window add 9 8 0 0 0x2000 12 1 "
				    "table=0x400000");
	ck_assert_uint_eq(ld(0x400000), 0);
	/* PE 7 window 0 is taken; window 1 is free. */
	ck_assert_int_eq(cmd("papr window add 7 7 0 0 0x1000 12 1"), -EINVAL);
	ok_cmd("papr window add 7 7 1 0x800000000000000 0x1000 12 1");
	teardown();
}
END_TEST

START_TEST(test_window_add_errors)
{
	static const char *const bad[] = {
		"papr window add 1 0 0 0 0x1000 12",
		"papr window add 1 0 0 0 0x1000 12 1 table=0x1001",
		"papr window add 1 0 0 0 0x1000 12 1 table=0",
		"papr window add 1 0 0 0 0x1000 12 1 tabel=0x1000",
		"papr window add 1 0 0 0 0x1000 12 1 1 1",
		"papr window add 0x100000000 0 0 0 0x1000 12 1",
		"papr window add 1 512 0 0 0x1000 12 1",
		"papr window add 1 0 2 0 0x1000 12 1",
		"papr window add 1 0 0 0 0x1000 13 1",
		"papr window add 1 0 0 0 0x1000 24 1", /* PHB4: no 16M */
		"papr window add 1 0 0 0 0x1000 12 0",
		"papr window add 1 0 0 0 0x1000 12 6",
		"papr window add 1 0 0 0x800000000000000 0x1000 12 1",
		"papr window add 1 0 1 0 0x1000 12 1",
		"papr window add 1 0 0 0 0 12 1",
		"papr window add 1 0 0 0 0x1800 12 1",
		"papr window add 1 0 0 0x800 0x1000 12 1",
		"papr window add 1 0 0 0x7ffffffffff0000 0x20000 12 1",
		"papr window add 1 0 0 0 0x1000000000000 12 1", /* > 4 GiB */
		"papr window add 1 0 0 0 0x1000 12 1 table=0xfffffffff000",
		"papr window add x 0 0 0 0x1000 12 1",
		"papr window del 1 0 0 0 0x1000 12 1",
		"papr",
	};
	make_unit("");
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(cmd("%s", bad[i]) == -EINVAL, "%s", bad[i]);
	ok_cmd("papr window add 1 0 0 0 0x1000 12 1");
	/* Slot taken; LIOBN taken. */
	ck_assert_int_eq(cmd("papr window add 2 0 0 0 0x1000 12 1"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "already"));
	ck_assert_int_eq(cmd("papr window add 1 1 0 0 0x1000 12 1"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "in use"));
	/* Reset forgets the windows. */
	u->ops->reset(u);
	out_is("ok table=0x100000000", "papr window add 1 0 0 0 0x1000 12 1");
	teardown();
}
END_TEST

START_TEST(test_put_get)
{
	make_unit("");
	ok_cmd("papr window add 0x80000000 0 0 0 0x100000 12 1");
	out_is("rc=0", "hcall H_PUT_TCE 0x80000000 0x5fff 0x90003");
	out_is("rc=0 tce=0x90003", "hcall H_GET_TCE 0x80000000 0x5000");
	ck_assert_uint_eq(ld(0x100000000 + 5 * 8), 0x90003);
	expect_ok(0, 0x5abc, W, 0x90abc, 0x1000);
	/* Unvalidated TCE: any bits are stored. */
	out_is("rc=0", "hcall H_PUT_TCE 0x80000000 0 0xffffffffffffffff");
	out_is("rc=0 tce=0xffffffffffffffff", "hcall H_GET_TCE 0x80000000 0");
	/* Out of the window, unknown LIOBN, LIOBN over 32 bits. */
	out_is("rc=-4", "hcall H_PUT_TCE 0x80000000 0x100000 3");
	out_is("rc=-4", "hcall H_GET_TCE 0x80000000 0x100000");
	out_is("rc=-4", "hcall H_GET_TCE 0x80000000 0xffffffffffffffff");
	out_is("rc=-4", "hcall H_PUT_TCE 0x80000001 0 3");
	out_is("rc=-4", "hcall H_GET_TCE 0x180000000 0");
	/* A table entry a script broke is H_HARDWARE (ours). */
	ok_cmd("papr window add 2 1 0 0 0x400000 12 2");
	st(to_tce_phb(u)->papr[2].table, 0);
	out_is("rc=-1", "hcall H_PUT_TCE 2 0 3");
	out_is("rc=-1", "hcall H_GET_TCE 2 0");
	/* Usage errors. */
	ck_assert_int_eq(cmd("hcall H_PUT_TCE 1 2"), -EINVAL);
	ck_assert_int_eq(cmd("hcall H_GET_TCE 1 2 3"), -EINVAL);
	ck_assert_int_eq(cmd("hcall H_GET_TCE 1 zz"), -EINVAL);
	ck_assert_int_eq(cmd("hcall H_FOO 1 2"), -EINVAL);
	ck_assert_int_eq(cmd("hcall"), -EINVAL);
	teardown();
}
END_TEST

START_TEST(test_window1_offset)
{
	make_unit("");
	ok_cmd("ioda write RTT 8 1");
	ok_cmd("papr window add 0x81 1 1 0x800000000000000 0x100000 12 1");
	/* Below the bus offset wraps and is rejected. */
	out_is("rc=-4", "hcall H_PUT_TCE 0x81 0x1000 3");
	out_is("rc=0", "hcall H_PUT_TCE 0x81 0x8000000000ff000 0x55001");
	expect_ok(8, 0x8000000000ff010, R, 0x55010, 0x1000);
	expect_fault(8, 0x8000000000ff010, W, TCE_F_PERM, "PERM");
	/* Reach of the table is 2^21 bytes; past the window, empty TCEs. */
	expect_fault(8, 0x800000000100000, R, TCE_F_TCE_INVALID, "TCE_INVALID");
	teardown();
}
END_TEST

START_TEST(test_stuff)
{
	make_unit("");
	ok_cmd("papr window add 3 0 0 0 0x4000 12 1");
	out_is("rc=0", "hcall H_STUFF_TCE 3 0x10 0x70003 4");
	for (unsigned int i = 0; i < 4; i++)
		ck_assert_uint_eq(ld(0x100000000 + 8 * i), 0x70003);
	out_is("rc=-4", "hcall H_STUFF_TCE 3 0 0 5");
	out_is("rc=-4", "hcall H_STUFF_TCE 3 0 0 0");
	out_is("rc=-4", "hcall H_STUFF_TCE 4 0 0 1");
	/* Partial: entries 2 and 3 cleared, then off the end. */
	out_is("rc=-4", "hcall H_STUFF_TCE 3 0x2000 0 3");
	ck_assert_uint_eq(ld(0x100000008), 0x70003);
	ck_assert_uint_eq(ld(0x100000010), 0);
	ck_assert_uint_eq(ld(0x100000018), 0);
	ck_assert_int_eq(cmd("hcall H_STUFF_TCE 3 0 0"), -EINVAL);
	teardown();
}
END_TEST

START_TEST(test_indirect)
{
	make_unit("");
	ok_cmd("papr window add 4 0 0 0 0x200000 12 1");
	for (unsigned int i = 0; i < TCE_PAPR_IND_MAX; i++)
		st(0x10000 + 8 * i, 0x1000000ull + (i << 12) + 3);
	out_is("rc=0", "hcall H_PUT_TCE_INDIRECT 4 0x234 0x10000 512");
	ck_assert_uint_eq(ld(0x100000000), 0x1000003);
	ck_assert_uint_eq(ld(0x100000000 + 511 * 8), 0x11ff003);
	expect_ok(0, 0x1ff008, R, 0x11ff008, 0x1000);
	out_is("rc=-4", "hcall H_PUT_TCE_INDIRECT 4 0 0x10000 513");
	out_is("rc=-4", "hcall H_PUT_TCE_INDIRECT 4 0 0x10008 1");
	out_is("rc=-4", "hcall H_PUT_TCE_INDIRECT 4 0 0x10000 0");
	out_is("rc=-4", "hcall H_PUT_TCE_INDIRECT 5 0 0x10000 1");
	/* A list in no memory: H_PARAMETER (ours). */
	out_is("rc=-4", "hcall H_PUT_TCE_INDIRECT 4 0 0xfffffffff000 1");
	/* Partial: 2 entries fit before the end, the third fails. */
	st(0x20000, 0xa003);
	st(0x20008, 0xb003);
	st(0x20010, 0xc003);
	out_is("rc=-4", "hcall H_PUT_TCE_INDIRECT 4 0x1fe000 0x20000 3");
	out_is("rc=0 tce=0xa003", "hcall H_GET_TCE 4 0x1fe000");
	out_is("rc=0 tce=0xb003", "hcall H_GET_TCE 4 0x1ff000");
	teardown();
}
END_TEST

START_TEST(test_hcall_kills)
{
	make_unit("");
	tcache_set_strict(u->tc, true);
	ok_cmd("papr window add 4 0 0 0 0x200000 12 1");
	out_is("rc=0", "hcall H_PUT_TCE 4 0 0x5003");
	expect_ok(0, 0x10, R, 0x5010, 0x1000);
	out_is("rc=0", "hcall H_PUT_TCE 4 0 0x6003");
	expect_ok(0, 0x10, R, 0x6010, 0x1000);
	st(0x30000, 0x7003);
	out_is("rc=0", "hcall H_PUT_TCE_INDIRECT 4 0 0x30000 1");
	expect_ok(0, 0x10, R, 0x7010, 0x1000);
	out_is("rc=0", "hcall H_STUFF_TCE 4 0 0 1");
	expect_fault(0, 0x10, R, TCE_F_TCE_INVALID, "TCE_INVALID");
	teardown();
}
END_TEST

START_TEST(test_rtas_query)
{
	make_unit("phb=3");
	out_is("status=0 out1=0x2 out2=0x80000000 out3=0x47 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0 " BUID);
	teardown();
	make_unit("phb=4");
	out_is("status=0 out1=0x2 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0 " BUID);
	ok_cmd("papr window add 7 0 1 0x800000000000000 0x1000 12 1");
	out_is("status=0 out1=0x1 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0x100 " BUID);
	/* Another PE (RID 0x100 -> PE 9) has both free. */
	ok_cmd("ioda write RTT 0x100 9");
	out_is("status=0 out1=0x2 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0x10000 " BUID);
	out_is("status=-3", "rtas ibm,query-pe-dma-window 0 0x8000000");
	out_is("status=-3", "rtas ibm,query-pe-dma-window 0 0 0x20000000");
	out_is("status=-3", "rtas ibm,query-pe-dma-window 0 " BUID " 1");
	/*
	 * The 6-output form (LoPAR 2.8; QEMU since v7.1, commit
	 * c0e765dafb47): the largest block 2^37 as hi/lo cells. Other
	 * return counts are -3, for every call (QEMU checks nret).
	 */
	out_is("status=0 out1=0x2 out2=0x20 out3=0x0 out4=0x103 out5=0x0",
	       "rtas ibm,query-pe-dma-window 0x10000 " BUID " nret=6");
	out_is("status=0 out1=0x2 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0x10000 " BUID " nret=5");
	out_is("status=-3", "rtas ibm,query-pe-dma-window 0 " BUID " nret=4");
	out_is("status=-3", "rtas ibm,query-pe-dma-window 0 " BUID " nret=7");
	out_is("status=-3",
	       "rtas ibm,create-pe-dma-window 0 " BUID " 16 24 nret=5");
	out_is("status=-3", "rtas ibm,reset-pe-dma-window 0 " BUID " nret=2");
	out_is("status=-3", "rtas ibm,remove-pe-dma-window 0x80000000 nret=2");
	ck_assert_int_eq(cmd("rtas ibm,query-pe-dma-window 0 " BUID " nret=0"),
			 -EINVAL);
	ck_assert_int_eq(cmd("rtas ibm,query-pe-dma-window 0 " BUID " nret=9"),
			 -EINVAL);
	ck_assert_int_eq(cmd("rtas ibm,query-pe-dma-window 0 " BUID " nret=x"),
			 -EINVAL);
	ck_assert_int_eq(cmd("rtas ibm,query-pe-dma-window 0x100000000 " BUID),
			 -EINVAL);
	ck_assert_int_eq(cmd("rtas ibm,query-pe-dma-window x " BUID), -EINVAL);
	ck_assert_int_eq(cmd("rtas ibm,frob 0"), -EINVAL);
	ck_assert_int_eq(cmd("rtas"), -EINVAL);
	ck_assert_int_eq(cmd("rtas ibm,remove-pe-dma-window 1 2 3 4 5 6 7 8 9"),
			 -EINVAL);
	teardown();
}
END_TEST

START_TEST(test_rtas_create_remove)
{
	make_unit("");
	ok_cmd("ioda write RTT 0x208 0x12");
	out_is("status=0 out1=0x80001200 out2=0x0 out3=0x0",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 16 31");
	out_is("rc=0", "hcall H_PUT_TCE 0x80001200 0x7fff0000 0x120003");
	expect_ok(0x208, 0x7fff1234, W, 0x121234, 0x10000);
	out_is("rc=-4", "hcall H_PUT_TCE 0x80001200 0x80000000 3");
	out_is("status=0 out1=0x80001201 out2=0x8000000 out3=0x0",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 12 20");
	/* Two active: hardware error. */
	out_is("status=-1",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 12 20");
	/* Parameter errors. */
	out_is("status=-3", "rtas ibm,create-pe-dma-window 0 " BUID " 24 30");
	out_is("status=-3", "rtas ibm,create-pe-dma-window 0 " BUID " 64 70");
	out_is("status=-3", "rtas ibm,create-pe-dma-window 0 " BUID " 16 15");
	out_is("status=-3", "rtas ibm,create-pe-dma-window 0 " BUID " 16");
	out_is("status=-3", "rtas ibm,create-pe-dma-window 0 0 1 16 20");
	/* Too large a window or table: hardware error. */
	out_is("status=-1", "rtas ibm,create-pe-dma-window 0 " BUID " 12 60");
	out_is("status=-1", "rtas ibm,create-pe-dma-window 0 " BUID " 12 50");
	/* Remove window 0: window 1 stays, a new one goes at 1<<59 (taken). */
	out_is("status=0", "rtas ibm,remove-pe-dma-window 0x80001200");
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0x24], 0);
	expect_fault(0x208, 0x7fff1234, W, TCE_F_NO_WINDOW, "NO_WINDOW");
	out_is("rc=-4", "hcall H_GET_TCE 0x80001200 0");
	out_is("status=-1",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 12 20");
	out_is("status=-3", "rtas ibm,remove-pe-dma-window 0x80001200");
	out_is("status=-3", "rtas ibm,remove-pe-dma-window");
	/*
	 * The PE's last window, not the default: the default comes back
	 * (QEMU since v7.1, commit 31cc81f72801), so the next window goes
	 * at 1<<59.
	 */
	out_is("status=0", "rtas ibm,remove-pe-dma-window 0x80001201");
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0x25], 0);
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0x24] & 0xfff, 0xa01);
	out_is("rc=0 tce=0x0", "hcall H_GET_TCE 0x80001200 0x3ffff000");
	out_is("status=0 out1=0x1 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0x20800 " BUID);
	out_is("status=0 out1=0x80001201 out2=0x8000000 out3=0x0",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 12 20");
	/* Removing the default restores nothing while the DDW lives. */
	out_is("status=0", "rtas ibm,remove-pe-dma-window 0x80001200");
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0x24], 0);
	out_is("status=0", "rtas ibm,remove-pe-dma-window 0x80001201");
	/* That was the last window and not the default: default again. */
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0x24] & 0xfff, 0xa01);
	/* Removing the default when it is the last window restores none. */
	out_is("status=0", "rtas ibm,remove-pe-dma-window 0x80001200");
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0x24], 0);
	out_is("status=0 out1=0x2 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0x20800 " BUID);
	/* Nothing active: the next window goes at 0 again. */
	out_is("status=0 out1=0x80001200 out2=0x0 out3=0x0",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 12 20");
	/* 2^32 TCEs: QEMU's uint32_t nb_table truncates to 0, -1. */
	out_is("status=-1",
	       "rtas ibm,create-pe-dma-window 0x20800 " BUID " 12 44");
	/* The LIOBN rule meets a `papr window add` LIOBN: hardware error. */
	ok_cmd("papr window add 0x80000000 3 0 0 0x1000 12 1");
	out_is("status=-1", "rtas ibm,create-pe-dma-window 0 " BUID " 12 20");
	teardown();
}
END_TEST

START_TEST(test_rtas_reset)
{
	make_unit("");
	ok_cmd("papr window add 0x99 0 0 0 0x1000 12 1");
	/* With window 0 active the new one goes at 1<<59. */
	out_is("status=0 out1=0x80000001 out2=0x8000000 out3=0x0",
	       "rtas ibm,create-pe-dma-window 0 " BUID " 16 24");
	out_is("rc=0", "hcall H_PUT_TCE 0x80000001 0x800000000000000 0x3");
	out_is("status=0", "rtas ibm,reset-pe-dma-window 0 " BUID);
	/* Only the default window: 1 GiB of 4 KiB TCEs, empty. */
	ck_assert_uint_eq(to_tce_phb(u)->tvt[1], 0);
	ck_assert_uint_eq(to_tce_phb(u)->tvt[0] & 0xfff, 0xa01);
	out_is("rc=-4", "hcall H_GET_TCE 0x99 0");
	out_is("rc=-4", "hcall H_GET_TCE 0x80000001 0x800000000000000");
	out_is("rc=0 tce=0x0", "hcall H_GET_TCE 0x80000000 0");
	out_is("rc=0 tce=0x0", "hcall H_GET_TCE 0x80000000 0x3ffff000");
	out_is("rc=-4", "hcall H_GET_TCE 0x80000000 0x40000000");
	out_is("status=0 out1=0x1 out2=0x80000000 out3=0x103 out4=0x0",
	       "rtas ibm,query-pe-dma-window 0 " BUID);
	out_is("status=-3", "rtas ibm,reset-pe-dma-window 0 0 0");
	out_is("status=-3", "rtas ibm,reset-pe-dma-window 0 " BUID " 1");
	/* The default LIOBN held by another PE's window: hardware error. */
	ok_cmd("papr window add 0x80000100 2 0 0 0x1000 12 1");
	ok_cmd("ioda write RTT 0x10 1");
	out_is("status=-1", "rtas ibm,reset-pe-dma-window 0x1000 " BUID);
	teardown();
}
END_TEST

static Suite *ppc_tce_papr_suite(void)
{
	Suite *s = suite_create("ppc_tce_papr");
	TCase *tc = tcase_create("papr");

	tcase_add_test(tc, test_window_add);
	tcase_add_test(tc, test_window_add_errors);
	tcase_add_test(tc, test_put_get);
	tcase_add_test(tc, test_window1_offset);
	tcase_add_test(tc, test_stuff);
	tcase_add_test(tc, test_indirect);
	tcase_add_test(tc, test_hcall_kills);
	tcase_add_test(tc, test_rtas_query);
	tcase_add_test(tc, test_rtas_create_remove);
	tcase_add_test(tc, test_rtas_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(ppc_tce_papr_suite());
}

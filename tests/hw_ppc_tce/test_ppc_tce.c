// SPDX-License-Identifier: MIT
/*
 * test_ppc_tce.c - the PHB TCE unit through its ops: options, TVE field
 * masks, walks of 1 to 5 levels, every IO page size of PHB3 and PHB4,
 * both windows, the bypass form, MSI exclusion, every fault code, the
 * TCE cache (hits, each kill, strict mode catching a TCE changed without
 * a kill), EEH freeze and thaw, and the `ioda` commands with their usage
 * errors. Sources: shared/reference/ppc_tce.md sections 1 and 2 and the
 * scenario contract (script-contract.md, ppc_tce).
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/ppc_tce/ppc_tce.h"
#include "model/bits.h"

#include "tce_test.h"

static void set_tve(unsigned int index, uint64_t v)
{
	ok_cmd("ioda write TVT %u 0x%llx", index, (unsigned long long)v);
}

START_TEST(test_options)
{
	struct tce_phb *p;

	make_unit("");
	p = to_tce_phb(u);
	ck_assert_uint_eq(p->phb_gen, 4);
	ck_assert_uint_eq(p->num_pes, TCE_PHB4_NUM_PES);
	ck_assert(!p->eeh);
	teardown();
	make_unit("phb=3 eeh=on");
	p = to_tce_phb(u);
	ck_assert_uint_eq(p->phb_gen, 3);
	ck_assert_uint_eq(p->num_pes, TCE_PHB3_NUM_PES);
	ck_assert(p->eeh);
	teardown();
	ck_assert_int_eq(try_unit("phb=5"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "phb"));
	teardown();
	ck_assert_int_eq(try_unit("eeh=maybe"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "eeh"));
	teardown();
	ck_assert_int_ne(try_unit("levels=2"), 0);
}
END_TEST

/* Each TVE field alone against its raw word (IBM numbering, 2.2). */
START_TEST(test_tve_masks)
{
	ck_assert_uint_eq(TCE_TVE_TABLE_ADDR, 0xffffffffffff0000ull);
	ck_assert_uint_eq(TCE_TVE_NUM_LEVELS, 0xe000ull);
	ck_assert_uint_eq(TCE_TVE_TTS, 0x1f00ull);
	ck_assert_uint_eq(TCE_TVE_NT50, 0x80ull);
	ck_assert_uint_eq(TCE_TVE_IO_PSIZE, 0x1full);
	ck_assert_uint_eq(tve(0x123000, 3, 5, 16),
			  0x123ull << 16 | 2ull << 13 | 5ull << 8 | 5);
	ck_assert_uint_eq(TCE_TVE_BYP_START_LO, 0xffffff0000000000ull);
	ck_assert_uint_eq(TCE_TVE_BYP_END_LO, 0xffffff0000ull);
	ck_assert_uint_eq(TCE_TVE_BYP_START_HI, 0xc00ull);
	ck_assert_uint_eq(TCE_TVE_BYP_END_HI, 0x300ull);
}
END_TEST

/*
 * A walk of @levels 4 KiB levels (TTS 1, 512 entries) with a different
 * index at every level; tables at 0x100000 + level * 0x1000.
 */
START_TEST(test_levels)
{
	unsigned int levels = (unsigned int)_i;
	uint64_t iova = 0, sh, tbl = 0x100000;

	make_unit("");
	for (unsigned int l = 0; l < levels; l++) {
		sh = 12 + 9 * (levels - 1 - l);
		iova |= (uint64_t)(l + 1) << sh;
	}
	iova |= 0x234;
	for (unsigned int l = 0; l < levels; l++) {
		uint64_t here = tbl + l * 0x1000, next = here + 0x1000;

		st(here + (l + 1) * 8,
		   l == levels - 1 ? 0xabcd000 | TCE_PCI_RW : next | 3);
	}
	set_tve(0, tve(tbl, levels, 1, 12));
	expect_ok(0, iova, R | W, 0xabcd234, 0x1000);
	/* A missing middle level is TABLE_NOT_PRESENT, the leaf TCE_INVALID. */
	if (levels > 1) {
		st(tbl + 8, 0);
		ok_cmd("ioda tce-kill all");
		expect_fault(0, iova, R, TCE_F_TABLE_NOT_PRESENT,
			     "TABLE_NOT_PRESENT");
	} else {
		st(tbl + 8, TCE_PCI_RW & 0);
		ok_cmd("ioda tce-kill all");
		expect_fault(0, iova, R, TCE_F_TCE_INVALID, "TCE_INVALID");
	}
	teardown();
}
END_TEST

static const struct {
	const char *opts;
	unsigned int shift;
	bool ok;
} page_cases[] = {
	{ "phb=3", 12, true },	{ "phb=3", 16, true },	{ "phb=3", 24, true },
	{ "phb=3", 28, true },	{ "phb=3", 21, false }, { "phb=3", 30, false },
	{ "phb=4", 12, true },	{ "phb=4", 16, true },	{ "phb=4", 21, true },
	{ "phb=4", 30, true },	{ "phb=4", 24, false }, { "phb=4", 28, false },
	{ "phb=4", 13, false },
};

START_TEST(test_page_sizes)
{
	unsigned int s = page_cases[_i].shift;
	uint64_t iova = (3ull << s) | 0x123, pa = 0x40ull << 30;

	make_unit(page_cases[_i].opts);
	st(0x200000 + 3 * 8, pa | TCE_PCI_READ);
	set_tve(0, tve(0x200000, 1, 1, s));
	if (page_cases[_i].ok)
		expect_ok(0, iova, R, pa | 0x123, 1ull << s);
	else
		expect_fault(0, iova, R, TCE_F_BAD_TVE, "BAD_TVE");
	teardown();
}
END_TEST

/* Window 1 at 1<<59 uses TVE PE<<1|1 and raw address bits below 59. */
START_TEST(test_windows)
{
	make_unit("");
	ok_cmd("ioda write RTT 0x108 5");
	st(0x300000 + 2 * 8, 0x1000000 | TCE_PCI_RW);
	st(0x310000 + 2 * 8, 0x2000000 | TCE_PCI_RW);
	set_tve(10, tve(0x300000, 1, 1, 12));
	set_tve(11, tve(0x310000, 1, 1, 12));
	expect_ok(0x108, 0x2010, W, 0x1000010, 0x1000);
	expect_ok(0x108, TCE_WIN1_BASE | 0x2010, W, 0x2000010, 0x1000);
	/* Reach of 1 level, TTS 1, 4K pages: 2^(9+12) bytes per window. */
	expect_fault(0x108, 0x200000, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	expect_fault(0x108, TCE_WIN1_BASE | 0x200000, R, TCE_F_NO_WINDOW,
		     "NO_WINDOW");
	expect_fault(0x108, 2ull << 60, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	/* Another RID still maps to PE 0, whose TVEs are invalid (TTS 0). */
	expect_fault(0x109, 0x2010, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	teardown();
}
END_TEST

START_TEST(test_faults)
{
	struct dma_result r;

	make_unit("");
	st(0x400000, 0x5000 | TCE_PCI_READ);
	st(0x400008, 0x6000 | TCE_PCI_WRITE);
	st(0x400010, 0x7000);
	set_tve(0, tve(0x400000, 1, 1, 12));
	expect_ok(0, 0x0, R, 0x5000, 0x1000);
	expect_fault(0, 0x0, W, TCE_F_PERM, "PERM");
	expect_fault(0, 0x1000, R, TCE_F_PERM, "PERM");
	expect_ok(0, 0x1000, W, 0x6000, 0x1000);
	expect_fault(0, 0x2000, R, TCE_F_TCE_INVALID, "TCE_INVALID");
	/* Table beyond RAM: the fetch is a bus error. */
	set_tve(1, tve(1ull << 41, 1, 1, 12));
	r = xl(0, TCE_WIN1_BASE, R);
	ck_assert(!r.ok);
	ck_assert_uint_eq(r.fault.code, TCE_F_WALK_ABORT);
	ck_assert_str_eq(tce_fault_name(r.fault.code), "WALK_ABORT");
	/* NUM_LEVELS 5..7 (6-8 levels) is a bad TVE. */
	set_tve(1, tve(0x400000, 6, 1, 12));
	expect_fault(0, TCE_WIN1_BASE, R, TCE_F_BAD_TVE, "BAD_TVE");
	ck_assert_str_eq(tce_fault_name(0x5), "PE_FROZEN");
	ck_assert_str_eq(tce_fault_name(0x77), "UNKNOWN");
	teardown();
}
END_TEST

/* skiboot phb4_map_pe_dma_window_real() packing of start, start+size. */
static uint64_t bypass_tve(uint64_t start, uint64_t last)
{
	return ((start << 16) & (0xffffffull << 40)) |
	       ((start >> 38) & (3ull << 10)) |
	       ((last >> 8) & (0xffffffull << 16)) |
	       ((last >> 40) & (3ull << 8)) | TCE_PPC_BIT(51) | TCE_TVE_NT50;
}

START_TEST(test_bypass)
{
	make_unit("");
	set_tve(1, bypass_tve(0, 0x100000000ull));
	expect_ok(0, TCE_WIN1_BASE | 0x12345678, R | W, 0x12345678, 0x1000000);
	expect_fault(0, TCE_WIN1_BASE | 0x100000000ull, R, TCE_F_NO_WINDOW,
		     "NO_WINDOW");
	set_tve(0, bypass_tve(0x3000000000000ull, 0x3fffff0000000ull));
	expect_ok(0, 0x3000001000000ull, W, 0x3000001000000ull, 0x1000000);
	expect_ok(0, 0x3ffffefffffffull, W, 0x3ffffefffffffull, 0x1000000);
	expect_fault(0, 0x3ffffff000000ull, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	expect_fault(0, 0x2000000000000ull, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	expect_fault(0, 0x4000000000000ull, R, TCE_F_NO_WINDOW, "NO_WINDOW");
	teardown();
}
END_TEST

START_TEST(test_msi)
{
	struct tce_phb *p;

	make_unit("eeh=on");
	p = to_tce_phb(u);
	set_tve(0, bypass_tve(0, 0x100000000ull));
	expect_fault(0, 1ull << 60, W, TCE_F_MSI, "MSI");
	expect_fault(0, 0xffff0000, W, TCE_F_MSI, "MSI");
	expect_fault(0, 0xffffffff, W, TCE_F_MSI, "MSI");
	expect_ok(0, 0xfffeffff, W, 0xfffeffff, 0x1000000);
	ck_assert(!p->frozen[0]);
	nlines = 0;
	u->ops->drain_events(u, &out);
	ck_assert_uint_eq(nlines, 0);
	teardown();
}
END_TEST

static void drop_report(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static uint64_t stale_count(void)
{
	struct tcache_stats st;

	tcache_get_stats(u->tc, &st);
	return st.stale;
}

START_TEST(test_cache_kill)
{
	make_unit("");
	tcache_set_strict(u->tc, true);
	ok_cmd("ioda write RTT 1 2");
	st(0x500000, 0x10000 | TCE_PCI_RW);
	st(0x500008, 0x11000 | TCE_PCI_RW);
	set_tve(4, tve(0x500000, 1, 1, 12));
	expect_ok(1, 0x0, R, 0x10000, 0x1000);
	expect_ok(1, 0x1000, R, 0x11000, 0x1000);
	/* A store without a kill: the stale TCE is still used, and caught. */
	st(0x500000, 0x20000 | TCE_PCI_RW);
	expect_ok(1, 0x0, R, 0x10000, 0x1000);
	ck_assert_uint_eq(stale_count(), 1);
	tcache_drain_stale(u->tc, drop_report, NULL);
	/* A page kill of the other page leaves it; of this page fixes it. */
	ok_cmd("ioda tce-kill addr 2 0x1000");
	ck_assert_str_eq(line, "ok invalidated=1");
	expect_ok(1, 0x0, R, 0x10000, 0x1000);
	ok_cmd("ioda tce-kill addr 2 0x0fff");
	ck_assert_str_eq(line, "ok invalidated=1");
	expect_ok(1, 0x0, R, 0x20000, 0x1000);
	/* PE kill drops both windows' entries of that PE only. */
	expect_ok(1, 0x1000, R, 0x11000, 0x1000);
	ok_cmd("ioda tce-kill pe 3");
	ck_assert_str_eq(line, "ok invalidated=0");
	ok_cmd("ioda tce-kill pe 2");
	ck_assert_str_eq(line, "ok invalidated=2");
	expect_ok(1, 0x0, R, 0x20000, 0x1000);
	ok_cmd("ioda tce-kill all");
	ck_assert_str_eq(line, "ok invalidated=1");
	ok_cmd("ioda tce-kill all");
	ck_assert_str_eq(line, "ok invalidated=0");
	/* Rewriting a TVE kills what was cached under it. */
	expect_ok(1, 0x0, R, 0x20000, 0x1000);
	set_tve(4, tve(0x500000, 1, 1, 16));
	st(0x500000, 0x30000 | TCE_PCI_RW);
	expect_ok(1, 0x10, R, 0x30010, 0x10000);
	/* Two stale hits above (before and after the wrong page kill). */
	ck_assert_uint_eq(stale_count(), 2);
	teardown();
}
END_TEST

START_TEST(test_eeh)
{
	make_unit("eeh=on");
	ok_cmd("ioda write RTT 0x200 1");
	st(0x600000, 0x8000 | TCE_PCI_READ);
	set_tve(2, tve(0x600000, 1, 1, 12));
	set_tve(0, tve(0x600000, 1, 1, 12));
	expect_ok(0x200, 0x10, R, 0x8010, 0x1000);
	expect_fault(0x200, 0x10, W, TCE_F_PERM, "PERM");
	expect_fault(0x200, 0x10, R, TCE_F_PE_FROZEN, "PE_FROZEN");
	ok_cmd("ioda read FROZEN 1");
	ck_assert_str_eq(line, "0x1");
	/* Other PEs keep going. */
	expect_ok(0x100, 0x10, R, 0x8010, 0x1000);
	ok_cmd("ioda thaw 1");
	ok_cmd("ioda read FROZEN 1");
	ck_assert_str_eq(line, "0x0");
	expect_ok(0x200, 0x10, R, 0x8010, 0x1000);
	teardown();
	make_unit("eeh=off");
	st(0x600000, 0x8000 | TCE_PCI_READ);
	set_tve(0, tve(0x600000, 1, 1, 12));
	expect_fault(0, 0x10, W, TCE_F_PERM, "PERM");
	expect_ok(0, 0x10, R, 0x8010, 0x1000);
	ok_cmd("ioda thaw 0");
	teardown();
}
END_TEST

START_TEST(test_events)
{
	make_unit("");
	ok_cmd("ioda write RTT 0x12 7");
	expect_fault(0x12, 0x1000, W, TCE_F_NO_WINDOW, "NO_WINDOW");
	u->ops->drain_events(u, &out);
	ck_assert_str_eq(line, "code=0x1 name=NO_WINDOW rid=0x12 pe=0x7 "
			       "iova=0x1000 access=w");
	for (unsigned int i = 0; i < TCE_EVENTS_MAX + 3; i++)
		xl(0, 0, R);
	nlines = 0;
	u->ops->drain_events(u, &out);
	ck_assert_uint_eq(nlines, TCE_EVENTS_MAX + 1);
	ck_assert_str_eq(line, "code=0xff name=OVERFLOW");
	nlines = 0;
	u->ops->drain_events(u, &out);
	ck_assert_uint_eq(nlines, 0);
	teardown();
}
END_TEST

START_TEST(test_ioda_cmds)
{
	char *bad[] = { "nope" };
	uint64_t v;

	make_unit("phb=3");
	ok_cmd("ioda write TVT 511 0x1234567890abcdef");
	ok_cmd("ioda read TVT 511");
	ck_assert_str_eq(line, "0x1234567890abcdef");
	ok_cmd("ioda read TVT 0");
	ck_assert_str_eq(line, "0x0");
	ok_cmd("ioda write RTT 0xffff 255");
	ok_cmd("ioda read RTT 0xffff");
	ck_assert_str_eq(line, "0xff");
	ck_assert_int_eq(cmd("ioda write TVT 512 1"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "TVT index"));
	ck_assert_int_eq(cmd("ioda write RTT 0x10000 1"), -EINVAL);
	ck_assert_int_eq(cmd("ioda write RTT 1 256"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "PE"));
	ck_assert_int_eq(cmd("ioda write RTT 1"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "usage"));
	ck_assert_int_eq(cmd("ioda write PEST 1 1"), -EINVAL);
	ck_assert_int_eq(cmd("ioda read TVT"), -EINVAL);
	ck_assert_int_eq(cmd("ioda read TVT x"), -EINVAL);
	ck_assert_int_eq(cmd("ioda read FROZEN 256"), -EINVAL);
	ck_assert_int_eq(cmd("ioda tce-kill"), -EINVAL);
	ck_assert_int_eq(cmd("ioda tce-kill pe"), -EINVAL);
	ck_assert_int_eq(cmd("ioda tce-kill pe 256"), -EINVAL);
	ck_assert_int_eq(cmd("ioda tce-kill addr 1"), -EINVAL);
	ck_assert_int_eq(cmd("ioda tce-kill some"), -EINVAL);
	ck_assert_int_eq(cmd("ioda thaw"), -EINVAL);
	ck_assert_int_eq(cmd("ioda thaw 999"), -EINVAL);
	ck_assert_int_eq(cmd("ioda"), -EINVAL);
	ck_assert_int_eq(cmd("ioda frob"), -EINVAL);
	ck_assert_int_eq(u->ops->command(u, 1, bad, &out, &err), -ENOENT);
	ck_assert_int_eq(u->ops->mmio_read(u, 0, 8, &v, &err), -EINVAL);
	ck_assert_int_eq(u->ops->mmio_write(u, 0, 8, 0, &err), -EINVAL);
	ck_assert_int_eq(u->ops->reg_lookup(u, "TCE_KILL", &v), -ENOENT);
	/* Reset clears the tables. */
	u->ops->reset(u);
	ok_cmd("ioda read TVT 511");
	ck_assert_str_eq(line, "0x0");
	ok_cmd("ioda read RTT 0xffff");
	ck_assert_str_eq(line, "0x0");
	teardown();
}
END_TEST

static Suite *ppc_tce_suite(void)
{
	Suite *s = suite_create("ppc_tce");
	TCase *tc = tcase_create("unit");

	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_tve_masks);
	tcase_add_loop_test(tc, test_levels, 1, 6);
	tcase_add_loop_test(tc, test_page_sizes, 0, ARRAY_SIZE(page_cases));
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_bypass);
	tcase_add_test(tc, test_msi);
	tcase_add_test(tc, test_cache_kill);
	tcase_add_test(tc, test_eeh);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_ioda_cmds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(ppc_tce_suite());
}

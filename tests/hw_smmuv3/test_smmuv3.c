// SPDX-License-Identifier: MIT
/*
 * test_smmuv3.c - the SMMUv3 unit through its ops: options and their
 * messages, register access rules and names, GERROR/GERRORN, the queues'
 * wrap and error states, the caches (strict mode catches each missing
 * CFGI or TLBI; the right command makes it silent), and the dirty state
 * set by the first write after a read cached a page. Each case names the
 * rule it checks (shared/reference/smmuv3.md sections).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/smmuv3.h"
#include "hw/smmuv3/structs.h"
#include "model/bits.h"

#define UNIT_OPS smmuv3_unit_ops
#include "unit_fixture.h"

static void st(uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(pm_st64_le(pm, pa, v), 0);
}

static void sink(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static int submit(uint64_t w0, uint64_t w1)
{
	struct sim_out out = { .line = sink };
	char *argv[4], a[3][32];

	snprintf(a[0], sizeof(a[0]), "submit");
	snprintf(a[1], sizeof(a[1]), "0x%llx", (unsigned long long)w0);
	snprintf(a[2], sizeof(a[2]), "0x%llx", (unsigned long long)w1);
	argv[0] = (char *)"cmdq";
	argv[1] = a[0];
	argv[2] = a[1];
	argv[3] = a[2];
	return u->ops->command(u, 4, argv, &out, &err);
}

static struct dma_result xlate(uint32_t sid, uint64_t addr, unsigned int acc)
{
	struct dma_req req = { .source_id = sid, .addr = addr, .access = acc };
	struct dma_result res;

	u->ops->translate(u, &req, &res);
	return res;
}

/* Linear stream table at 0x10000, queues at 0x20000 / 0x30000, all on. */
static void bring_up(void)
{
	wr(SMMU_STRTAB_BASE, 8, 0x10000);
	wr(SMMU_STRTAB_BASE_CFG, 4, 4);
	wr(SMMU_CMDQ_BASE, 8, 0x20004);
	wr(SMMU_EVENTQ_BASE, 8, 0x30004);
	wr(SMMU_CR0, 4, SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN);
}

/* StreamID 1: stage 1, CD at 0x40000 (ASID 1, 4K, T0SZ 16, TTB0
 * 0x50000), tables 0x50000 -> 0x51000 -> 0x52000 -> 0x53000, VA 0 ->
 * @pa with leaf attribute bits @attrs (AF and AP[1] by default). */
static void s1_stream(uint64_t cd_extra, uint64_t pa, uint64_t attrs)
{
	st(0x10040, SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, 5) | 0x40000);
	st(0x40000, 16 | SMMU_CD0_EPD1 | SMMU_CD0_V |
			    FIELD_PREP(SMMU_CD0_IPS, 5) | SMMU_CD0_AA64 |
			    SMMU_CD0_R | SMMU_CD0_A |
			    FIELD_PREP(SMMU_CD0_ASID, 1) | cd_extra);
	st(0x40008, 0x50000);
	st(0x50000, 0x51003);
	st(0x51000, 0x52003);
	st(0x52000, 0x53003);
	st(0x53000, pa | 3 | attrs);
}

#define AF BIT_ULL(10)
#define AP1 BIT_ULL(6)
#define AP2 BIT_ULL(7)
#define DBM BIT_ULL(51)

/* Options: each key's range, with a message naming it. */
START_TEST(test_options)
{
	static const char *const bad[] = {
		"stages=s3", "oas=41",	  "oas=52",	 "granules=8k",
		"granules=", "sidsize=0", "ssidsize=21", "2lvl_strtab=2",
		"httu=3",    "nosuch=1",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		ck_assert_msg(try_unit(bad[i]), "%s accepted", bad[i]);
		ck_assert_msg(strlen(err.msg) > 0, "%s", bad[i]);
		teardown();
	}
	make_unit("stages=s2 oas=36 granules=16k");
	ck_assert_uint_eq(rd(SMMU_IDR0, 4) & 3, 1); /* S2P only */
	ck_assert_uint_eq(rd(SMMU_IDR5, 4), 1 | SMMU_IDR5_GRAN16K);
	teardown();
}
END_TEST

/* Register access rules (smmuv3.md 1.1): 4 or 8 bytes, aligned, inside
 * 128 KiB; no 8-byte access to a 32-bit register; reserved offsets RAZ/WI;
 * IDRs read-only; page 1 is not an alias of page 0. */
START_TEST(test_access_rules)
{
	uint64_t v;

	make_unit("");
	ck_assert_int_eq(u->ops->mmio_read(u, SMMU_CR0, 8, &v, &err), -EINVAL);
	ck_assert_str_eq(err.msg,
			 "smmuv3: 8-byte access to 32-bit register CR0");
	ck_assert_int_eq(u->ops->mmio_read(u, 2, 4, &v, &err), -EINVAL);
	ck_assert_int_eq(u->ops->mmio_read(u, 0, 2, &v, &err), -EINVAL);
	ck_assert_int_eq(u->ops->mmio_read(u, 0x20000, 4, &v, &err), -EINVAL);
	wr(0x200, 4, ~0u);
	ck_assert_uint_eq(rd(0x200, 4), 0);
	wr(SMMU_IDR0, 4, 0);
	ck_assert_uint_ne(rd(SMMU_IDR0, 4), 0);
	wr(SMMU_EVENTQ_BASE, 8, 0x30004);
	wr(SMMU_EVENTQ_PROD, 4, 3);
	ck_assert_uint_eq(rd(SMMU_EVENTQ_PROD, 4), 3);
	ck_assert_uint_eq(rd(SMMU_EVENTQ_PROD - 0x10000, 4), 0);
	/* 64-bit registers by halves */
	wr(SMMU_STRTAB_BASE + 4, 4, 0x1);
	wr(SMMU_STRTAB_BASE, 4, 0x10040);
	ck_assert_uint_eq(rd(SMMU_STRTAB_BASE, 8), 0x100010040ULL);
	teardown();
}
END_TEST

/* Every register name resolves to its offset (the scripts' `mmio`). */
START_TEST(test_reg_names)
{
	static const struct {
		const char *name;
		uint64_t off;
	} regs[] = { { "CR0", SMMU_CR0 },
		     { "GERRORN", SMMU_GERRORN },
		     { "STRTAB_BASE_CFG", SMMU_STRTAB_BASE_CFG },
		     { "CMDQ_CONS", SMMU_CMDQ_CONS },
		     { "EVENTQ_PROD", SMMU_EVENTQ_PROD },
		     { "PRIQ_CONS", SMMU_PRIQ_CONS } };
	uint64_t off;

	make_unit("");
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		ck_assert_int_eq(u->ops->reg_lookup(u, regs[i].name, &off), 0);
		ck_assert_uint_eq(off, regs[i].off);
	}
	ck_assert_int_eq(u->ops->reg_lookup(u, "CR9", &off), -ENOENT);
	teardown();
}
END_TEST

/* GERROR toggles only when the error is not already active; GERRORN
 * acknowledges (smmuv3.md 1.3). A second command error while one is
 * active changes nothing; commands wait. */
START_TEST(test_gerror_protocol)
{
	make_unit("");
	bring_up();
	ck_assert_int_eq(submit(0x7, 0), 0); /* ILL */
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), SMMU_GERROR_CMDQ_ERR);
	ck_assert_int_eq(submit(0x46, 0), 0); /* waits behind the error */
	ck_assert_uint_eq(rd(SMMU_CMDQ_CONS, 4), 0x1000000);
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), SMMU_GERROR_CMDQ_ERR);
	st(0x20000, 0x46); /* the fix, as Linux does */
	wr(SMMU_GERRORN, 4, SMMU_GERROR_CMDQ_ERR);
	ck_assert_uint_eq(rd(SMMU_CMDQ_CONS, 4) & 0x1f, 2);
	/* the next error toggles GERROR back */
	ck_assert_int_eq(submit(0xff, 0), 0);
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), 0);
	ck_assert_uint_eq(rd(SMMU_GERRORN, 4), SMMU_GERROR_CMDQ_ERR);
	teardown();
}
END_TEST

/* The command queue wraps many times (index and wrap bit); with CMDQEN
 * clear, PROD writes run nothing; the script's submit says why it
 * cannot run. */
START_TEST(test_cmdq_wrap_and_disabled)
{
	make_unit("");
	ck_assert_int_eq(submit(0x46, 0), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "disabled"));
	bring_up();
	for (unsigned int i = 1; i <= 100; i++) {
		ck_assert_int_eq(submit(0x46, 0), 0);
		ck_assert_uint_eq(rd(SMMU_CMDQ_CONS, 4), i & 0x1f);
		ck_assert_uint_eq(rd(SMMU_CMDQ_PROD, 4), i & 0x1f);
	}
	wr(SMMU_CR0, 4, SMMU_CR0_SMMUEN);
	st(0x20000 + 16 * (100 % 16), 0x7); /* would be ILL */
	wr(SMMU_CMDQ_PROD, 4, 101 & 0x1f);
	ck_assert_uint_eq(rd(SMMU_CMDQ_CONS, 4), 100 & 0x1f);
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), 0);
	teardown();
}
END_TEST

/* An event queue whose memory cannot be written raises
 * GERROR.EVENTQ_ABT_ERR and the record is lost (smmuv3.md 6.2). */
START_TEST(test_eventq_abort)
{
	make_unit("");
	bring_up();
	wr(SMMU_CR0, 4, 0);
	wr(SMMU_EVENTQ_BASE, 8, 0x10000000004ULL); /* beyond RAM */
	wr(SMMU_CR0, 4, SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN);
	ck_assert(!xlate(2, 0, DMA_ACC_READ).ok);
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), SMMU_GERROR_EVTQ_ABT);
	ck_assert_uint_eq(rd(SMMU_EVENTQ_PROD, 4), 0);
	teardown();
}
END_TEST

/* Strict mode (smmuv3.md 9 item 10): a PTE changed without TLBI is
 * reported stale; with TLBI_NH_VA nothing is (test_strict_config does
 * the same for STEs and CDs). */
START_TEST(test_strict_catches_missing_invalidation)
{
	struct tcache_stats stats;

	make_unit("");
	bring_up();
	tcache_set_strict(u->tc, true);
	s1_stream(0, 0x80000, AF | AP1);
	ck_assert(xlate(1, 0x10, DMA_ACC_READ).ok);
	/* the PTE with TLBI_NH_VA: silent */
	st(0x53000, 0x90000 | 3 | AF | AP1);
	ck_assert_int_eq(submit(0x0001000000000012ULL, 0), 0);
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x90010);
	tcache_get_stats(u->tc, &stats);
	ck_assert_uint_eq(stats.stale, 0);
	/* the PTE without: stale */
	st(0x53000, 0xa0000 | 3 | AF | AP1);
	xlate(1, 0x10, DMA_ACC_READ);
	tcache_get_stats(u->tc, &stats);
	ck_assert_uint_ge(stats.stale, 1);
	teardown();
}
END_TEST

/* CD and STE changes, each with and without its CFGI. */
START_TEST(test_strict_config)
{
	struct tcache_stats a, b;
	uint64_t cd0;

	make_unit("");
	bring_up();
	tcache_set_strict(u->tc, true);
	s1_stream(0, 0x80000, AF | AP1);
	ck_assert(xlate(1, 0x10, DMA_ACC_READ).ok);
	ck_assert_int_eq(pm_ld64_le(pm, 0x40000, &cd0), 0);
	/* CD: a new ASID with CFGI_CD (and the old ASID's TLBI) */
	st(0x40000, (cd0 & ~SMMU_CD0_ASID) | FIELD_PREP(SMMU_CD0_ASID, 2));
	ck_assert_int_eq(submit(0x100000005ULL, 0), 0);
	ck_assert_int_eq(submit(0x0001000000000011ULL, 0), 0);
	tcache_get_stats(u->tc, &a);
	ck_assert(xlate(1, 0x10, DMA_ACC_READ).ok);
	tcache_get_stats(u->tc, &b);
	ck_assert_uint_eq(b.stale, a.stale);
	/* CD without CFGI_CD */
	st(0x40000, (cd0 & ~SMMU_CD0_ASID) | FIELD_PREP(SMMU_CD0_ASID, 3));
	xlate(1, 0x10, DMA_ACC_READ);
	tcache_get_stats(u->tc, &b);
	ck_assert_uint_gt(b.stale, a.stale);
	/* STE without CFGI_STE */
	ck_assert_int_eq(submit(0x100000005ULL, 0), 0);
	tcache_get_stats(u->tc, &a);
	st(0x10040, SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, 4));
	xlate(1, 0x10, DMA_ACC_READ);
	tcache_get_stats(u->tc, &b);
	ck_assert_uint_gt(b.stale, a.stale);
	/* with CFGI_STE the stream bypasses */
	ck_assert_int_eq(submit(0x100000003ULL, 0), 0);
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x10);
	teardown();
}
END_TEST

/* Configuration caching without strict mode (the last-used STE/CD slot
 * in front of the cache): an STE change is not seen until CFGI_STE, a
 * CD change not until CFGI_CD, as on hardware that caches them. */
START_TEST(test_config_cached_until_cfgi)
{
	make_unit("");
	bring_up();
	s1_stream(0, 0x80000, AF | AP1);
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x80010);
	st(0x10040, SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, 4)); /* bypass */
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x80010);
	ck_assert_int_eq(submit(0x100000003ULL, 0), 0); /* CFGI_STE */
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x10);
	/* back to stage 1; then the CD's TTB0 moves to an empty table */
	st(0x10040, SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, 5) | 0x40000);
	ck_assert_int_eq(submit(0x100000003ULL, 0), 0);
	ck_assert(xlate(1, 0x10, DMA_ACC_READ).ok);
	st(0x40008, 0x60000);
	/* TLBI_NH_ALL (the leaf is global: NH_ASID would keep it) */
	ck_assert_int_eq(submit(0x10, 0), 0);
	ck_assert(xlate(1, 0x10, DMA_ACC_READ).ok); /* walked the old CD */
	ck_assert_int_eq(submit(0x100000005ULL, 0), 0); /* CFGI_CD */
	/* the TLB still holds what the old CD's walk filled */
	ck_assert(xlate(1, 0x10, DMA_ACC_READ).ok);
	ck_assert_int_eq(submit(0x10, 0), 0);
	ck_assert(!xlate(1, 0x10, DMA_ACC_READ).ok);
	teardown();
}
END_TEST

/* TBI (smmuv3.md 3.4): a request whose top byte is ignored is cached
 * under its untagged VA, so TLBI_NH_VA of that VA drops it. */
START_TEST(test_tbi_tlbi)
{
	make_unit("");
	bring_up();
	s1_stream(FIELD_PREP(SMMU_CD0_TBI, 1), 0x80000, AF | AP1);
	ck_assert_uint_eq(
		xlate(1, 0x5a00000000000010ULL, DMA_ACC_READ).xlat.out_addr,
		0x80010);
	st(0x53000, 0x90000 | 3 | AF | AP1);
	ck_assert_int_eq(submit(0x0001000000000012ULL, 0), 0); /* VA 0 */
	ck_assert_uint_eq(
		xlate(1, 0x5a00000000000010ULL, DMA_ACC_READ).xlat.out_addr,
		0x90010);
	teardown();
}
END_TEST

/* Three rules from the IHI 0070 text: CMD_ATC_INV is ILLEGAL without
 * IDR0.ATS (4.5.1); HD without HA behaves as neither (5.4, CD.HA): a
 * write to a clean DBM page is refused, nothing is written back; the
 * event-queue MSI fires as the queue turns non-empty, not per record
 * (3.18.2). */
START_TEST(test_spec_rules)
{
	uint64_t pte, v;

	make_unit("httu=2");
	bring_up();
	ck_assert_int_eq(submit(0x40, 0), 0);
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), SMMU_GERROR_CMDQ_ERR);
	ck_assert_uint_eq(FIELD_GET(SMMU_CMDQ_CONS_ERR, rd(SMMU_CMDQ_CONS, 4)),
			  SMMU_CERROR_ILL);
	st(0x20000, 0x46);
	wr(SMMU_GERRORN, 4, SMMU_GERROR_CMDQ_ERR);
	s1_stream(SMMU_CD0_HD, 0x80000, AF | AP1 | AP2 | DBM);
	ck_assert(!xlate(1, 0x10, DMA_ACC_WRITE).ok);
	ck_assert_int_eq(pm_ld64_le(pm, 0x53000, &pte), 0);
	ck_assert(pte & AP2);
	/* the MSI: once for two records */
	wr(SMMU_EVENTQ_IRQ_CFG0, 8, 0x70000);
	wr(SMMU_EVENTQ_IRQ_CFG1, 4, 0xe1);
	wr(SMMU_IRQ_CTRL, 4, SMMU_IRQ_CTRL_EVENTQ);
	wr(SMMU_EVENTQ_CONS, 4, rd(SMMU_EVENTQ_PROD, 4)); /* drained */
	ck_assert(!xlate(2, 0, DMA_ACC_READ).ok);
	ck_assert_int_eq(pm_ld64_le(pm, 0x70000, &v), 0);
	ck_assert_uint_eq(v, 0xe1);
	st(0x70000, 0);
	ck_assert(!xlate(3, 0, DMA_ACC_READ).ok);
	ck_assert_int_eq(pm_ld64_le(pm, 0x70000, &v), 0);
	ck_assert_uint_eq(v, 0); /* not empty before it: no new MSI */
	teardown();
}
END_TEST

/* HTTU dirty state: a read caches the page without its write right, so
 * the first write walks again and clears AP[2] (smmuv3.md 4.2); a
 * second write hits the cache. */
START_TEST(test_dirty_after_cached_read)
{
	struct dma_result r;
	uint64_t pte;

	make_unit("httu=2");
	bring_up();
	s1_stream(SMMU_CD0_HA | SMMU_CD0_HD, 0x80000, AF | AP1 | AP2 | DBM);
	r = xlate(1, 0x10, DMA_ACC_READ);
	ck_assert(r.ok);
	ck_assert_int_eq(pm_ld64_le(pm, 0x53000, &pte), 0);
	ck_assert(pte & AP2);
	r = xlate(1, 0x10, DMA_ACC_WRITE);
	ck_assert(r.ok);
	ck_assert_int_eq(pm_ld64_le(pm, 0x53000, &pte), 0);
	ck_assert(!(pte & AP2));
	ck_assert(xlate(1, 0x18, DMA_ACC_WRITE).ok);
	teardown();
}
END_TEST

/* Reset (the unit's reset op) disables everything and forgets the
 * caches: translation bypasses again per GBPA. */
START_TEST(test_reset)
{
	make_unit("");
	bring_up();
	s1_stream(0, 0x80000, AF | AP1);
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x80010);
	u->ops->reset(u);
	ck_assert_uint_eq(rd(SMMU_CR0, 4), 0);
	ck_assert_uint_eq(rd(SMMU_STRTAB_BASE, 8), 0);
	ck_assert_uint_eq(xlate(1, 0x10, DMA_ACC_READ).xlat.out_addr, 0x10);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("smmuv3");
	TCase *tc = tcase_create("unit");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_access_rules);
	tcase_add_test(tc, test_reg_names);
	tcase_add_test(tc, test_gerror_protocol);
	tcase_add_test(tc, test_cmdq_wrap_and_disabled);
	tcase_add_test(tc, test_eventq_abort);
	tcase_add_test(tc, test_strict_catches_missing_invalidation);
	tcase_add_test(tc, test_strict_config);
	tcase_add_test(tc, test_config_cached_until_cfgi);
	tcase_add_test(tc, test_tbi_tlbi);
	tcase_add_test(tc, test_spec_rules);
	tcase_add_test(tc, test_dirty_after_cached_read);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

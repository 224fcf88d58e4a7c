// SPDX-License-Identifier: MIT
/*
 * test_vtd.c - the VT-d unit through its ops: register access rules,
 * queue wrap-around, reset, and the cross-check that matters most: tables
 * built by the driver-side second-stage format (the range engine) walked
 * by the hardware model agree with a shadow map after every random
 * map/unmap step.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/vtd/pgtable.h"
#include "hw/vtd/structs.h"
#include "hw/vtd/vtd.h"
#include "model/bits.h"

#define UNIT_OPS vtd_unit_ops
#include "unit_fixture.h"

START_TEST(test_access_rules)
{
	uint64_t v;

	make_unit("");
	ck_assert_int_eq(u->ops->mmio_read(u, VTD_FECTL, 8, &v, &err), -EINVAL);
	ck_assert_str_eq(err.msg,
			 "vtd: 8-byte access to 32-bit register FECTL");
	ck_assert_int_eq(u->ops->mmio_write(u, VTD_CAP + 2, 4, 0, &err),
			 -EINVAL);
	ck_assert_int_eq(u->ops->mmio_read(u, 0x1000, 4, &v, &err), -EINVAL);
	ck_assert_int_eq(u->ops->mmio_read(u, 0, 2, &v, &err), -EINVAL);
	/* reserved offsets read 0 and ignore writes */
	wr(0x3f8, 8, ~0ULL);
	ck_assert_uint_eq(rd(0x3f8, 8), 0);
	/* read-only registers ignore writes */
	wr(VTD_CAP, 8, 0);
	ck_assert_uint_ne(rd(VTD_CAP, 8), 0);
	/* records beyond NFR are reserved space */
	ck_assert_uint_eq(rd(VTD_FRO_OFFSET + 16 * 4, 8), 0);
	teardown();
}
END_TEST

START_TEST(test_options)
{
	struct sim_opts o;
	/* parsing splits the words in place: each is used once */
	char a[] = "nest=1", b[] = "aw=40", c[] = "slads=1", d[] = "nfr=17",
	     e[] = "mode=scalable", f[] = "slads=1";
	char *argv1[] = { a }, *argv2[] = { b }, *argv3[] = { c },
	     *argv4[] = { d }, *argv5[] = { e, f };
	struct sim_unit *x;

	ck_assert_int_eq(pm_create(40, &pm), 0);
	sim_opts_parse(&o, 1, argv1, &err);
	ck_assert_int_eq(vtd_unit_ops.create(pm, &o, &x, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "nest applies to mode=scalable");
	sim_opts_parse(&o, 1, argv2, &err);
	ck_assert_int_eq(vtd_unit_ops.create(pm, &o, &x, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "option aw=40: expected 39, 48 or 57");
	sim_opts_parse(&o, 1, argv3, &err);
	ck_assert_int_eq(vtd_unit_ops.create(pm, &o, &x, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "slads applies to mode=scalable");
	sim_opts_parse(&o, 1, argv4, &err);
	ck_assert_int_eq(vtd_unit_ops.create(pm, &o, &x, &err), -EINVAL);
	/* scalable mode reports SMTS, PASID (20-bit), FS, SS and SSADS */
	ck_assert_int_eq(sim_opts_parse(&o, 2, argv5, &err), 0);
	ck_assert_int_eq(vtd_unit_ops.create(pm, &o, &x, &err), 0);
	{
		uint64_t ecap;

		ck_assert_int_eq(x->ops->mmio_read(x, VTD_ECAP, 8, &ecap, &err),
				 0);
		ck_assert(ecap & VTD_ECAP_SMTS);
		ck_assert(ecap & VTD_ECAP_PASID);
		ck_assert_uint_eq(FIELD_GET(VTD_ECAP_PSS, ecap), 19);
		ck_assert(ecap & VTD_ECAP_FSTS);
		ck_assert(ecap & VTD_ECAP_SSTS);
		ck_assert(ecap & VTD_ECAP_SSADS);
		ck_assert(!(ecap & VTD_ECAP_NEST));
	}
	x->ops->destroy(x);
	pm_destroy(pm);
	pm = NULL;
}
END_TEST

START_TEST(test_reg_names)
{
	uint64_t off;

	make_unit("nfr=2");
	ck_assert_int_eq(u->ops->reg_lookup(u, "IOTLB", &off), 0);
	ck_assert_uint_eq(off, VTD_IOTLB);
	ck_assert_uint_eq(FIELD_GET(VTD_ECAP_IRO, rd(VTD_ECAP, 8)) * 16,
			  VTD_IVA);
	ck_assert_int_eq(u->ops->reg_lookup(u, "FRCD1_HI", &off), 0);
	ck_assert_uint_eq(off,
			  FIELD_GET(VTD_CAP_FRO, rd(VTD_CAP, 8)) * 16 + 24);
	ck_assert_int_eq(u->ops->reg_lookup(u, "FRCD2", &off), -ENOENT);
	ck_assert_int_eq(u->ops->reg_lookup(u, "FRCD01", &off), -ENOENT);
	ck_assert_int_eq(u->ops->reg_lookup(u, "FRCD0_LO", &off), -ENOENT);
	ck_assert_int_eq(u->ops->reg_lookup(u, "GCMD_REG", &off), -ENOENT);
	teardown();
}
END_TEST

/* 300 wait descriptors through a 256-entry queue: IQH and IQT wrap. */
START_TEST(test_queue_wraps)
{
	make_unit("");
	wr(VTD_IQA, 8, 0x300000);
	wr(VTD_GCMD, 4, VTD_GCMD_QIE);
	for (unsigned int i = 0; i < 300; i++) {
		uint64_t base = 0x300000 + (i % 256) * 16, v;

		pm_st64_le(pm, base, 0x25 | (uint64_t)i << 32); /* wait + SW */
		pm_st64_le(pm, base + 8, 0x400000);
		wr(VTD_IQT, 8, ((i + 1) % 256) * 16);
		ck_assert_uint_eq(rd(VTD_IQH, 8), ((i + 1) % 256) * 16);
		pm_load(pm, 0x400000, 4, false, &v);
		if (v != i)
			ck_abort_msg("descriptor %u did not run", i);
	}
	ck_assert_uint_eq(rd(VTD_FSTS, 4), 0);
	teardown();
}
END_TEST

START_TEST(test_reset)
{
	struct dma_req req = { .source_id = 0x10,
			       .addr = 0x1000,
			       .access = DMA_ACC_READ };
	struct dma_result res;

	make_unit("");
	wr(VTD_RTADDR, 8, 0x100000);
	wr(VTD_GCMD, 4, VTD_GCMD_SRTP);
	wr(VTD_GCMD, 4, VTD_GCMD_TE);
	u->ops->translate(u, &req, &res);
	ck_assert(!res.ok);
	ck_assert_uint_ne(rd(VTD_FSTS, 4), 0);
	u->ops->reset(u);
	ck_assert_uint_eq(rd(VTD_GSTS, 4), 0);
	ck_assert_uint_eq(rd(VTD_FSTS, 4), 0);
	ck_assert_uint_eq(rd(VTD_RTADDR, 8), 0);
	ck_assert_uint_eq(rd(VTD_FECTL, 4), VTD_XECTL_IM);
	u->ops->translate(u, &req, &res);
	ck_assert(res.ok); /* translation is off again */
	teardown();
}
END_TEST

/* ---- builder against walker --------------------------------------------- */

#define WIN_PAGES 4096u
#define NONE UINT64_MAX

static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

/* Every page of the window through the hardware; @pasid < 0: none. */
static void check_against_shadow(const uint64_t *shadow, uint64_t base,
				 int pasid, unsigned int unmapped_code)
{
	for (uint64_t p = 0; p < WIN_PAGES; p++) {
		struct dma_req req = { .source_id = 0x10,
				       .addr = base + p * 0x1000 + 0x18,
				       .access = DMA_ACC_READ,
				       .has_pasid = pasid >= 0,
				       .pasid = pasid >= 0 ? (uint32_t)pasid :
							     0 };
		struct dma_result res;

		u->ops->translate(u, &req, &res);
		if (shadow[p] == NONE &&
		    (res.ok || res.fault.code != unmapped_code))
			ck_abort_msg("page %llu: mapped in hardware only",
				     (unsigned long long)p);
		if (shadow[p] != NONE &&
		    (!res.ok || res.xlat.out_addr != shadow[p] + 0x18))
			ck_abort_msg(
				"page %llu: hardware %s 0x%llx, builder 0x%llx",
				(unsigned long long)p,
				res.ok ? "says" : "faults",
				(unsigned long long)(res.ok ?
							     res.xlat.out_addr :
							     res.fault.code),
				(unsigned long long)shadow[p]);
	}
}

/*
 * Random map/unmap through @ops into the domain @d the hardware uses;
 * after each step the domain's IOTLB entries are invalidated (as a careful
 * driver does) and every 20 steps the whole window is checked.
 */
static void random_steps(const struct pt_ops *ops, struct pt_domain *d,
			 uint64_t base, int pasid, unsigned int unmapped_code)
{
	uint64_t *shadow = malloc(WIN_PAGES * sizeof(*shadow));
	struct tcache_stats st;

	tcache_set_strict(u->tc, true);
	for (uint64_t p = 0; p < WIN_PAGES; p++)
		shadow[p] = NONE;
	for (int step = 0; step < 200; step++) {
		bool big = rnd() % 4 == 0;
		uint64_t n = big ? 512 : 1 + rnd() % 32;
		uint64_t first = (rnd() % (WIN_PAGES - n)) &
				 (big ? ~511ULL : ~0ULL);
		uint64_t pa =
			(big ? (rnd() % 32) << 21 : (rnd() % 8192) << 12) +
			(1ULL << 33);
		bool any = false;

		for (uint64_t p = first; p < first + n; p++)
			any |= shadow[p] != NONE;
		if (rnd() % 3 && !any) {
			ck_assert_int_eq(ops->map(d, base + first * 0x1000, pa,
						  n * 0x1000,
						  DMA_ACC_READ | DMA_ACC_WRITE),
					 0);
			for (uint64_t p = 0; p < n; p++)
				shadow[first + p] = pa + p * 0x1000;
		} else {
			ops->unmap(d, base + first * 0x1000, n * 0x1000);
			for (uint64_t p = first; p < first + n; p++)
				shadow[p] = NONE;
		}
		/* domain-selective IOTLB invalidation of DID 7: second
		 * stage entries, and in scalable mode first-stage too */
		wr(VTD_IOTLB, 8,
		   VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, VTD_INV_DOMAIN) |
			   FIELD_PREP(VTD_IOTLB_DID, 7));
		if (step % 20 == 0 || step == 199)
			check_against_shadow(shadow, base, pasid,
					     unmapped_code);
	}
	tcache_get_stats(u->tc, &st);
	ck_assert_uint_eq(st.stale, 0); /* no missed invalidation */
	ck_assert_uint_gt(st.hits, 0);
	free(shadow);
}

START_TEST(test_builder_walker_agree)
{
	struct pt_cfg cfg = { 4, 0x7, 48, 48, 0 };
	struct pt_domain d;

	make_unit("");
	ck_assert_int_eq(vtd_ss_pt_ops.init(&d, pm, &cfg), 0);
	/* root 0x100000 -> context table 0x101000; devfn 0x10 -> domain */
	pm_st64_le(pm, 0x100000, 0x101000 | VTD_ROOT0_P);
	pm_st64_le(pm, 0x101100, d.root | VTD_CTX0_P);
	pm_st64_le(pm, 0x101108, FIELD_PREP(VTD_CTX1_DID, 7) | VTD_AW_48);
	wr(VTD_RTADDR, 8, 0x100000);
	wr(VTD_GCMD, 4, VTD_GCMD_SRTP);
	wr(VTD_GCMD, 4, VTD_GCMD_TE);
	/* a window straddling a 1 GiB boundary */
	random_steps(&vtd_ss_pt_ops, &d, 0x7fe00000, -1, VTD_FR_READ);
	vtd_ss_pt_ops.destroy(&d);
	teardown();
}
END_TEST

/* The same with first-stage tables behind a scalable-mode PASID entry. */
START_TEST(test_fs_builder_walker_agree)
{
	struct pt_cfg cfg = { 4, 0x7, 47, 48, 0 };
	struct pt_domain d;

	make_unit("mode=scalable");
	ck_assert_int_eq(vtd_fs_pt_ops.init(&d, pm, &cfg), 0);
	pm_st64_le(pm, 0x100000, 0x101000 | VTD_SROOT_P);
	pm_st64_le(pm, 0x101200, 0x102000 | VTD_SCTX0_PASIDE | VTD_SCTX0_P);
	pm_st64_le(pm, 0x102000, 0x103000 | VTD_PDE_P);
	/* PASID 9: first stage only, DID 7 */
	pm_st64_le(pm, 0x103000 + 64 * 9,
		   FIELD_PREP(VTD_PTE0_PGTT, VTD_PGTT_FS) | VTD_PTE0_P);
	pm_st64_le(pm, 0x103000 + 64 * 9 + 8, 7);
	pm_st64_le(pm, 0x103000 + 64 * 9 + 16, d.root);
	wr(VTD_RTADDR, 8, 0x100000 | FIELD_PREP(VTD_RTADDR_TTM, 1));
	wr(VTD_GCMD, 4, VTD_GCMD_SRTP);
	wr(VTD_GCMD, 4, VTD_GCMD_TE);
	random_steps(&vtd_fs_pt_ops, &d, 0x7fe00000, 9, VTD_SFR_FS_NOT_PRESENT);
	vtd_fs_pt_ops.destroy(&d);
	teardown();
}
END_TEST

/* Without the invalidation, strict mode catches the stale translation. */
START_TEST(test_strict_catches_missing_invalidation)
{
	struct pt_cfg cfg = { 4, 0x7, 48, 48, 0 };
	struct dma_req req = { .source_id = 0x10,
			       .addr = 0x5000,
			       .access = DMA_ACC_READ };
	struct dma_result res;
	struct tcache_stats st;
	struct pt_domain d;

	make_unit("");
	ck_assert_int_eq(vtd_ss_pt_ops.init(&d, pm, &cfg), 0);
	pm_st64_le(pm, 0x100000, 0x101000 | VTD_ROOT0_P);
	pm_st64_le(pm, 0x101100, d.root | VTD_CTX0_P);
	pm_st64_le(pm, 0x101108, FIELD_PREP(VTD_CTX1_DID, 7) | VTD_AW_48);
	wr(VTD_RTADDR, 8, 0x100000);
	wr(VTD_GCMD, 4, VTD_GCMD_SRTP);
	wr(VTD_GCMD, 4, VTD_GCMD_TE);
	tcache_set_strict(u->tc, true);
	ck_assert_int_eq(
		vtd_ss_pt_ops.map(&d, 0x5000, 0x9000, 0x1000, DMA_ACC_READ), 0);
	u->ops->translate(u, &req, &res);
	ck_assert(res.ok);
	vtd_ss_pt_ops.unmap(&d, 0x5000, 0x1000); /* and forget the IOTLB */
	u->ops->translate(u, &req, &res);
	ck_assert(res.ok); /* the stale entry is still used */
	ck_assert_uint_eq(res.xlat.out_addr, 0x9000);
	tcache_get_stats(u->tc, &st);
	ck_assert_uint_eq(st.stale, 1);
	vtd_ss_pt_ops.destroy(&d);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vtd");
	TCase *tc = tcase_create("unit");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_access_rules);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_reg_names);
	tcase_add_test(tc, test_queue_wraps);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_builder_walker_agree);
	tcase_add_test(tc, test_fs_builder_walker_agree);
	tcase_add_test(tc, test_strict_catches_missing_invalidation);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

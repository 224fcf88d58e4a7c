// SPDX-License-Identifier: MIT
/*
 * test_vtd_driver.c - the VT-d driver side against the VT-d unit: bring-up,
 * domains, attach / replace / detach, map and unmap with invalidation
 * (strict cache mode proves no invalidation is missing), dirty tracking,
 * hw_info, nested-data checks, and no frame leaked.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/vtd/driver.h"
#include "hw/vtd/pgtable.h"
#include "hw/vtd/regs.h"
#include "hw/vtd/vtd.h"
#include "model/bits.h"

#define UNIT_OPS vtd_unit_ops
#include "unit_fixture.h"

static struct vtd_drv *drv;

static void up(const char *opts)
{
	make_unit(opts);
	tcache_set_strict(u->tc, true);
	ck_assert_int_eq(vtd_drv_create(u, pm, &drv), 0);
}

static void down(void)
{
	struct tcache_stats st;
	struct pm_stats ps;

	tcache_get_stats(u->tc, &st);
	ck_assert_uint_eq(st.stale, 0); /* the driver never missed one */
	vtd_drv_destroy(drv);
	pm_get_stats(pm, &ps);
	ck_assert_uint_eq(ps.table_frames, 0); /* nothing leaked */
	teardown();
}

static struct dma_result dma(uint16_t sid, uint32_t pasid, uint64_t iova,
			     unsigned int access)
{
	struct dma_req req = { .source_id = sid,
			       .addr = iova,
			       .access = access,
			       .has_pasid = pasid != VTD_NO_PASID,
			       .pasid = pasid == VTD_NO_PASID ? 0 : pasid };
	struct dma_result res;

	u->ops->translate(u, &req, &res);
	return res;
}

static void expect_pa(uint16_t sid, uint32_t pasid, uint64_t iova, uint64_t pa)
{
	struct dma_result r = dma(sid, pasid, iova, DMA_ACC_READ);

	ck_assert_msg(r.ok, "sid 0x%x iova 0x%llx: fault 0x%x", sid,
		      (unsigned long long)iova, r.fault.code);
	ck_assert_uint_eq(r.xlat.out_addr, pa);
}

static void expect_fault(uint16_t sid, uint32_t pasid, uint64_t iova,
			 uint32_t code)
{
	struct dma_result r = dma(sid, pasid, iova, DMA_ACC_READ);

	ck_assert(!r.ok);
	ck_assert_uint_eq(r.fault.code, code);
}

START_TEST(test_legacy_lifecycle)
{
	struct vtd_domain *a, *b;

	up(_i ? "cm=1" : "");
	ck_assert(!vtd_drv_scalable(drv));
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, 0, &a), 0);
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, 0, &b), 0);
	ck_assert_uint_ne(a->did, b->did);
	ck_assert_int_eq(vtd_domain_map(a, 0x10000, 0x5000000, 0x4000,
					DMA_ACC_READ | DMA_ACC_WRITE),
			 0);
	ck_assert_int_eq(vtd_attach(a, 0x10, VTD_NO_PASID), 0);
	expect_pa(0x10, VTD_NO_PASID, 0x11234, 0x5001234);
	/* unmap invalidates: the cached translation must go */
	ck_assert_uint_eq(vtd_domain_unmap(a, 0x11000, 0x1000), 0x1000);
	expect_fault(0x10, VTD_NO_PASID, 0x11234, VTD_FR_READ);
	expect_pa(0x10, VTD_NO_PASID, 0x12000, 0x5002000);
	/* map after attach (with cm=1 the driver flushes "not present") */
	expect_fault(0x10, VTD_NO_PASID, 0x40000, VTD_FR_READ);
	ck_assert_int_eq(
		vtd_domain_map(a, 0x40000, 0x6000000, 0x1000, DMA_ACC_READ), 0);
	expect_pa(0x10, VTD_NO_PASID, 0x40000, 0x6000000);
	/* replace: the device moves to b */
	ck_assert_int_eq(
		vtd_domain_map(b, 0x12000, 0x7000000, 0x1000, DMA_ACC_READ), 0);
	ck_assert_int_eq(vtd_attach(b, 0x10, VTD_NO_PASID), 0);
	expect_pa(0x10, VTD_NO_PASID, 0x12000, 0x7000000);
	ck_assert_int_eq(vtd_domain_free(b), -EBUSY);
	ck_assert_int_eq(vtd_detach(drv, 0x10, VTD_NO_PASID), 0);
	expect_fault(0x10, VTD_NO_PASID, 0x12000, VTD_FR_CTX_NOT_PRESENT);
	ck_assert_int_eq(vtd_detach(drv, 0x10, VTD_NO_PASID), -ENOENT);
	ck_assert_int_eq(vtd_domain_free(a), 0);
	ck_assert_int_eq(vtd_domain_free(b), 0);
	down();
}
END_TEST

START_TEST(test_legacy_limits)
{
	struct vtd_domain *d;
	struct vtd_hw_info info;
	uint64_t cap, ecap;
	struct sim_err err;

	up("");
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_FS, 0, &d),
			 -EOPNOTSUPP);
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, VTD_DOMAIN_DIRTY,
					  &d),
			 -EOPNOTSUPP);
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, 0x80, &d),
			 -EOPNOTSUPP);
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, 0, &d), 0);
	ck_assert_int_eq(vtd_attach(d, 0x10, 5), -EOPNOTSUPP);
	/* the default unit's 4-level, 48-bit geometry */
	ck_assert_uint_eq(d->pt.cfg.levels, 4);
	ck_assert_uint_eq(d->pt.cfg.va_bits, 48);
	vtd_drv_hw_info(drv, &info);
	u->ops->mmio_read(u, VTD_CAP, 8, &cap, &err);
	u->ops->mmio_read(u, VTD_ECAP, 8, &ecap, &err);
	ck_assert_uint_eq(info.cap_reg, cap);
	ck_assert_uint_eq(info.ecap_reg, ecap);
	ck_assert_uint_eq(info.flags, 0);
	ck_assert_int_eq(vtd_domain_free(d), 0);
	down();
}
END_TEST

START_TEST(test_scalable_pasids)
{
	struct vtd_domain *fs, *ss;

	up(_i ? "mode=scalable cm=1" : "mode=scalable");
	ck_assert(vtd_drv_scalable(drv));
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_FS, 0, &fs), 0);
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, 0, &ss), 0);
	ck_assert_int_eq(vtd_domain_map(fs, 0x200000, 0x40000000, 0x200000,
					DMA_ACC_READ | DMA_ACC_WRITE),
			 0);
	ck_assert_int_eq(vtd_domain_map(ss, 0x200000, 0x50000000, 0x1000,
					DMA_ACC_READ),
			 0);
	ck_assert_int_eq(vtd_attach(fs, 0x10, 7), 0);
	ck_assert_int_eq(vtd_attach(ss, 0x10, VTD_NO_PASID), 0);
	ck_assert_int_eq(vtd_attach(fs, 0x85, 7), 0); /* upper root half */
	expect_pa(0x10, 7, 0x212345, 0x40012345);
	expect_pa(0x85, 7, 0x3fffff, 0x401fffff);
	expect_pa(0x10, VTD_NO_PASID, 0x200abc, 0x50000abc);
	expect_fault(0x10, 8, 0x200000, VTD_SFR_PTE_NOT_PRESENT);
	/* unmap part of the 2 MiB page: split, and both PASIDs flushed */
	ck_assert_uint_eq(vtd_domain_unmap(fs, 0x201000, 0x1000), 0x1000);
	expect_fault(0x10, 7, 0x201000, VTD_SFR_FS_NOT_PRESENT);
	expect_fault(0x85, 7, 0x201000, VTD_SFR_FS_NOT_PRESENT);
	expect_pa(0x85, 7, 0x202000, 0x40002000);
	/* replace PASID 7 of 0x10 by the SS domain */
	ck_assert_int_eq(vtd_attach(ss, 0x10, 7), 0);
	expect_pa(0x10, 7, 0x200000, 0x50000000);
	ck_assert_int_eq(vtd_attach(ss, 0x10, VTD_DRV_PASID_MAX + 1), -EINVAL);
	ck_assert_int_eq(vtd_attach(ss, 0x10, 0), -EINVAL);
	ck_assert_int_eq(vtd_detach(drv, 0x10, 7), 0);
	expect_fault(0x10, 7, 0x200000, VTD_SFR_PTE_NOT_PRESENT);
	ck_assert_int_eq(vtd_detach(drv, 0x85, 7), 0);
	ck_assert_int_eq(vtd_detach(drv, 0x10, VTD_NO_PASID), 0);
	ck_assert_int_eq(vtd_domain_free(fs), 0);
	ck_assert_int_eq(vtd_domain_free(ss), 0);
	down();
}
END_TEST

struct dirty_log {
	uint64_t iova[16];
	unsigned int n;
};

static void log_dirty(void *ctx, uint64_t iova, uint64_t len)
{
	struct dirty_log *l = ctx;

	(void)len;
	if (l->n < 16)
		l->iova[l->n++] = iova;
}

START_TEST(test_dirty_tracking)
{
	struct dirty_log log = { .n = 0 };
	struct vtd_domain *d;
	struct dma_result r;

	up("mode=scalable slads=1");
	ck_assert_int_eq(
		vtd_domain_alloc(drv, VTD_DOMAIN_SS, VTD_DOMAIN_DIRTY, &d), 0);
	ck_assert_int_eq(vtd_domain_map(d, 0x0, 0x8000000, 0x10000,
					DMA_ACC_READ | DMA_ACC_WRITE),
			 0);
	ck_assert_int_eq(vtd_attach(d, 0x10, VTD_NO_PASID), 0);
	r = dma(0x10, VTD_NO_PASID, 0x3000, DMA_ACC_WRITE);
	ck_assert(r.ok);
	r = dma(0x10, VTD_NO_PASID, 0x5000, DMA_ACC_READ);
	ck_assert(r.ok);
	ck_assert_int_eq(vtd_domain_read_and_clear_dirty(d, 0, 0x10000, false,
							 log_dirty, &log),
			 1);
	ck_assert_uint_eq(log.iova[0], 0x3000);
	ck_assert_int_eq(vtd_domain_read_and_clear_dirty(d, 0, 0x10000, false,
							 log_dirty, &log),
			 0);
	/* the IOTLB was flushed: a new write sets D again */
	r = dma(0x10, VTD_NO_PASID, 0x3000, DMA_ACC_WRITE);
	ck_assert(r.ok);
	ck_assert_int_eq(vtd_domain_read_and_clear_dirty(d, 0, 0x10000, true,
							 log_dirty, &log),
			 1);
	ck_assert_int_eq(vtd_domain_read_and_clear_dirty(d, 0, 0x10000, true,
							 log_dirty, &log),
			 1); /* no_clear left it */
	ck_assert_int_eq(vtd_detach(drv, 0x10, VTD_NO_PASID), 0);
	ck_assert_int_eq(vtd_domain_free(d), 0);
	down();
}
END_TEST

START_TEST(test_s1_checks)
{
	uint64_t nest = VTD_ECAP_NEST | VTD_ECAP_SRS, qw[4];
	struct vtd_s1_data s1 = { .pgtbl_addr = 0x1000, .addr_width = 48 };
	struct vtd_s1_inval inv = { .addr = 0x5000, .npages = 3 };

	ck_assert_int_eq(vtd_s1_validate(0, nest, &s1), 0);
	ck_assert_int_eq(vtd_s1_validate(0, 0, &s1), -EOPNOTSUPP);
	s1.flags = 0x8;
	ck_assert_int_eq(vtd_s1_validate(0, nest, &s1), -EOPNOTSUPP);
	s1.flags = VTD_S1_SRE;
	ck_assert_int_eq(vtd_s1_validate(0, VTD_ECAP_NEST, &s1), -EOPNOTSUPP);
	s1.flags = 0;
	s1.reserved = 1;
	ck_assert_int_eq(vtd_s1_validate(0, nest, &s1), -EOPNOTSUPP);
	s1.reserved = 0;
	s1.addr_width = 57;
	ck_assert_int_eq(vtd_s1_validate(0, nest, &s1), -EINVAL);
	ck_assert_int_eq(vtd_s1_validate(VTD_CAP_FS5LP, nest, &s1), 0);
	s1.addr_width = 39;
	ck_assert_int_eq(vtd_s1_validate(VTD_CAP_FS5LP, nest, &s1), -EINVAL);
	s1.addr_width = 48;
	s1.pgtbl_addr = 0x1800;
	ck_assert_int_eq(vtd_s1_validate(0, nest, &s1), -EINVAL);

	/* pages 5, 6, 7: the aligned block of 4 pages from 0x4000 */
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), 0);
	ck_assert_uint_eq(qw[0], 0x6 | 0x30 | 3ULL << 16 | 9ULL << 32);
	ck_assert_uint_eq(qw[1], 0x4000 | 2);
	inv.flags = VTD_S1_INV_LEAF;
	inv.npages = 1;
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), 0);
	ck_assert_uint_eq(qw[1], 0x5000 | 0x40);
	inv.addr = 0;
	inv.npages = UINT64_MAX; /* everything */
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), 0);
	ck_assert_uint_eq(qw[0], 0x6 | 0x20 | 3ULL << 16 | 9ULL << 32);
	inv.addr = 0x1000;
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), -EINVAL);
	inv.npages = 1;
	inv.addr = 0x1001;
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), -EINVAL);
	inv.addr = 0x1000;
	inv.flags = 2;
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), -EOPNOTSUPP);
	inv.flags = 0;
	inv.reserved = 1;
	ck_assert_int_eq(vtd_s1_inval_to_desc(&inv, 3, 9, 18, qw), -EOPNOTSUPP);
}
END_TEST

/* A nested domain: the guest's first stage over a second-stage parent. */
START_TEST(test_nested)
{
	struct pt_cfg gcfg = { 4, 0x3, 47, 48, 0 };
	struct vtd_s1_inval inv = { .addr = 0x1000, .npages = 1 };
	struct vtd_domain *parent, *nested, *other;
	struct vtd_s1_data s1 = { .addr_width = 48 };
	struct pt_domain guest;
	unsigned int done;

	up("mode=scalable nest=1");
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_SS, 0, &parent), 0);
	/* the guest's tables live in frames from 4 GiB on: the parent maps
	 * those guest-physical addresses to the same host addresses */
	ck_assert_int_eq(vtd_domain_map(parent, 1ULL << 32, 1ULL << 32,
					64 << 20, DMA_ACC_READ | DMA_ACC_WRITE),
			 0);
	/* guest data page GPA 0x200000000 -> host 0x300000000 */
	ck_assert_int_eq(vtd_domain_map(parent, 0x200000000, 0x300000000,
					0x2000, DMA_ACC_READ | DMA_ACC_WRITE),
			 0);
	ck_assert_int_eq(vtd_fs_pt_ops.init(&guest, pm, &gcfg), 0);
	ck_assert_int_eq(vtd_fs_pt_ops.map(&guest, 0x1000, 0x200000000, 0x1000,
					   DMA_ACC_READ | DMA_ACC_WRITE),
			 0);
	s1.pgtbl_addr = guest.root;
	ck_assert_int_eq(vtd_nested_alloc(parent, &s1, &nested), 0);
	ck_assert_int_eq(vtd_domain_alloc(drv, VTD_DOMAIN_FS, 0, &other), 0);
	{
		struct vtd_domain *x;

		ck_assert_int_eq(vtd_nested_alloc(other, &s1, &x), -EINVAL);
	}
	ck_assert_int_eq(vtd_domain_free(other), 0);
	ck_assert_int_eq(vtd_domain_map(nested, 0, 0, 0x1000, DMA_ACC_READ),
			 -EINVAL);
	ck_assert_int_eq(vtd_attach(nested, 0x10, 3), 0);
	expect_pa(0x10, 3, 0x1abc, 0x300000abc);
	/* the guest remaps its page and says so */
	vtd_fs_pt_ops.unmap(&guest, 0x1000, 0x1000);
	ck_assert_int_eq(vtd_fs_pt_ops.map(&guest, 0x1000, 0x200001000, 0x1000,
					   DMA_ACC_READ),
			 0);
	ck_assert_int_eq(vtd_nested_invalidate(nested, &inv, 1, &done), 0);
	ck_assert_uint_eq(done, 1);
	expect_pa(0x10, 3, 0x1abc, 0x300001abc);
	/* a bad request stops the batch and says how far it got */
	{
		struct vtd_s1_inval two[2] = {
			inv, { .addr = 0x1001, .npages = 1 }
		};

		ck_assert_int_eq(vtd_nested_invalidate(nested, two, 2, &done),
				 -EINVAL);
		ck_assert_uint_eq(done, 1);
	}
	/* the host unmaps the second stage under it: nested entries go */
	ck_assert_uint_eq(vtd_domain_unmap(parent, 0x200001000, 0x1000),
			  0x1000);
	expect_fault(0x10, 3, 0x1abc, VTD_SFR_READ);
	ck_assert_int_eq(vtd_domain_free(parent), -EBUSY);
	ck_assert_int_eq(vtd_detach(drv, 0x10, 3), 0);
	ck_assert_int_eq(vtd_domain_free(nested), 0);
	vtd_fs_pt_ops.destroy(&guest);
	ck_assert_int_eq(vtd_domain_free(parent), 0);
	down();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vtd_driver");
	TCase *tc = tcase_create("driver");

	tcase_add_loop_test(tc, test_legacy_lifecycle, 0, 2);
	tcase_add_test(tc, test_legacy_limits);
	tcase_add_loop_test(tc, test_scalable_pasids, 0, 2);
	tcase_add_test(tc, test_dirty_tracking);
	tcase_add_test(tc, test_s1_checks);
	tcase_add_test(tc, test_nested);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

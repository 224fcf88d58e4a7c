// SPDX-License-Identifier: MIT
/*
 * test_smmuv3_driver.c - the SMMUv3 driver side against the SMMUv3 unit:
 * bring-up, domains, attach / replace / detach with PASIDs, map and
 * unmap with their TLBIs (strict cache mode in every test proves that no
 * CFGI or TLBI is missing: the unit re-walks memory on every hit and
 * counts stale entries), nested STEs from user data, user invalidation
 * commands, dirty tracking, the event queue, and no frame leaked. Each
 * case names the Linux function it mirrors (torvalds/linux
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c, arm-smmu-v3-iommufd.c).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "hw/smmuv3/driver.h"
#include "hw/smmuv3/pgtable.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/smmuv3.h"
#include "hw/smmuv3/structs.h"
#include "model/bits.h"

#define UNIT_OPS smmuv3_unit_ops
#include "unit_fixture.h"

#define RW (DMA_ACC_READ | DMA_ACC_WRITE)
#define MAIR 0xf404ff44ULL

static struct smmu_drv *drv;

static void up(const char *opts)
{
	make_unit(opts);
	tcache_set_strict(u->tc, true);
	ck_assert_int_eq(smmu_drv_create(u, pm, &drv), 0);
}

static void down(void)
{
	struct tcache_stats st;
	struct pm_stats ps;

	tcache_get_stats(u->tc, &st);
	ck_assert_uint_eq(st.stale, 0); /* the driver never missed one */
	smmu_drv_destroy(drv);
	pm_get_stats(pm, &ps);
	ck_assert_uint_eq(ps.table_frames, 0); /* nothing leaked */
	teardown();
}

static uint64_t ld(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(pm_ld64_le(pm, pa, &v), 0);
	return v;
}

static void st(uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(pm_st64_le(pm, pa, v), 0);
}

/* The STE of @sid, found as the SMMU finds it. */
static void read_ste(uint32_t sid, uint64_t dw[4])
{
	uint64_t base = rd(SMMU_STRTAB_BASE, 8) & SMMU_STRTAB_BASE_ADDR;
	uint64_t cfg = rd(SMMU_STRTAB_BASE_CFG, 4), pa;

	if (FIELD_GET(SMMU_STRTAB_CFG_FMT, cfg) == SMMU_STRTAB_FMT_LINEAR)
		pa = base + 64ULL * sid;
	else
		pa = (ld(base + 8ULL * (sid >> 8)) & SMMU_L1STD_L2PTR) +
		     64ULL * (sid & 0xff);
	for (unsigned int i = 0; i < 4; i++)
		dw[i] = ld(pa + 8 * i);
}

static struct dma_result dma(uint32_t sid, uint32_t ssid, uint64_t iova,
			     unsigned int access)
{
	struct dma_req req = { .source_id = sid,
			       .addr = iova,
			       .access = access,
			       .has_pasid = ssid != SMMU_NO_SSID,
			       .pasid = ssid == SMMU_NO_SSID ? 0 : ssid };
	struct dma_result res;

	u->ops->translate(u, &req, &res);
	return res;
}

static void expect_pa(uint32_t sid, uint32_t ssid, uint64_t iova, uint64_t pa)
{
	struct dma_result r = dma(sid, ssid, iova, DMA_ACC_READ);

	ck_assert_msg(r.ok, "sid 0x%x iova 0x%llx: fault 0x%x %s", sid,
		      (unsigned long long)iova, r.fault.code, r.fault.name);
	ck_assert_uint_eq(r.xlat.out_addr, pa);
}

static void expect_fault(uint32_t sid, uint32_t ssid, uint64_t iova,
			 uint32_t code)
{
	struct dma_result r = dma(sid, ssid, iova, DMA_ACC_READ);

	ck_assert_msg(!r.ok, "sid 0x%x iova 0x%llx translated", sid,
		      (unsigned long long)iova);
	ck_assert_uint_eq(r.fault.code, code);
}

static void drain_events(void)
{
	uint64_t rec[4];

	for (unsigned int i = 0; i < 300 && !smmu_drv_read_event(drv, rec); i++)
		;
}

static void no_event(void)
{
	uint64_t rec[4];

	ck_assert_int_eq(smmu_drv_read_event(drv, rec), -ENOENT);
}

/* arm_smmu_device_reset, arm_smmu_init_strtab, arm_smmu_hw_info */
START_TEST(test_bringup)
{
	uint32_t en = SMMU_CR0_SMMUEN | SMMU_CR0_EVENTQEN | SMMU_CR0_CMDQEN;
	struct smmu_domain *d;
	struct smmu_hw_info hi;
	uint64_t cfg, rec[4];

	up(_i ? "" : "sidsize=8");
	ck_assert_uint_eq(rd(SMMU_CR0, 4), en);
	ck_assert_uint_eq(rd(SMMU_CR0ACK, 4), en);
	ck_assert(rd(SMMU_GBPA, 4) & SMMU_GBPA_ABORT);
	ck_assert(!(rd(SMMU_GBPA, 4) & SMMU_GBPA_UPDATE));
	ck_assert(rd(SMMU_STRTAB_BASE, 8) & SMMU_STRTAB_BASE_RA);
	cfg = rd(SMMU_STRTAB_BASE_CFG, 4);
	if (!_i) {
		ck_assert_uint_eq(FIELD_GET(SMMU_STRTAB_CFG_FMT, cfg), 0);
		ck_assert_uint_eq(FIELD_GET(SMMU_STRTAB_CFG_LOG2SIZE, cfg), 8);
	} else {
		ck_assert_uint_eq(FIELD_GET(SMMU_STRTAB_CFG_FMT, cfg), 1);
		ck_assert_uint_eq(FIELD_GET(SMMU_STRTAB_CFG_SPLIT, cfg), 8);
		ck_assert_uint_eq(FIELD_GET(SMMU_STRTAB_CFG_LOG2SIZE, cfg), 16);
	}
	ck_assert_uint_eq(
		FIELD_GET(SMMU_Q_BASE_LOG2SIZE, rd(SMMU_CMDQ_BASE, 8)), 8);
	ck_assert_uint_eq(
		FIELD_GET(SMMU_Q_BASE_LOG2SIZE, rd(SMMU_EVENTQ_BASE, 8)), 7);
	/* CFGI_ALL + SYNC, TLBI_NSNH_ALL + SYNC, all consumed */
	ck_assert_uint_eq(rd(SMMU_CMDQ_PROD, 4), 4);
	ck_assert_uint_eq(rd(SMMU_CMDQ_CONS, 4), 4);
	ck_assert_uint_eq(rd(SMMU_GERROR, 4), rd(SMMU_GERRORN, 4));
	if (_i) {
		/* no L2 table yet: C_BAD_STREAMID, as for an unprobed
		 * device on Linux */
		expect_fault(5, SMMU_NO_SSID, 0x1000, SMMU_EVT_C_BAD_STREAMID);
		ck_assert_int_eq(smmu_drv_read_event(drv, rec), 0);
		ck_assert_uint_eq(FIELD_GET(SMMU_EVT0_ID, rec[0]),
				  SMMU_EVT_C_BAD_STREAMID);
		ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &d),
				 0);
		ck_assert_int_eq(smmu_attach(d, 0x10, SMMU_NO_SSID), 0);
		ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
		ck_assert_int_eq(smmu_domain_free(d), 0);
	}
	/* an unattached stream aborts without an event */
	expect_fault(5, SMMU_NO_SSID, 0x1000, 0);
	expect_fault(0x10, SMMU_NO_SSID, 0x1000, 0);
	no_event();
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &d), 0);
	ck_assert_int_eq(smmu_attach(d, _i ? 1u << 16 : 256, SMMU_NO_SSID),
			 -EINVAL);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	smmu_drv_hw_info(drv, &hi);
	for (unsigned int i = 0; i < 6; i++)
		ck_assert_uint_eq(hi.idr[i], rd(SMMU_IDR0 + 4 * i, 4));
	ck_assert_uint_eq(hi.iidr, rd(SMMU_IIDR, 4));
	ck_assert_uint_eq(hi.aidr, 1);
	ck_assert_uint_eq(hi.flags, 0);
	ck_assert_uint_eq(hi.impl, 0);
	ck_assert_uint_eq(smmu_drv_ssid_bits(drv), 10);
	ck_assert(!smmu_drv_has_dirty(drv));
	down();
}
END_TEST

/* arm_smmu_make_s1_cd, arm_smmu_make_cdtable_ste,
 * arm_smmu_tlb_inv_range_domain (stage 1) */
START_TEST(test_s1_map_unmap)
{
	struct smmu_domain *d;
	uint64_t ste[4], cd;

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &d), 0);
	ck_assert_uint_eq(d->asid, 1);
	ck_assert_uint_eq(smmu_domain_iova_end(d), (1ULL << 48) - 1);
	ck_assert_int_eq(smmu_domain_map(d, 0x10000, 0x5000000, 0x4000, RW), 0);
	ck_assert_int_eq(smmu_domain_map(d, 0x200000, 0x40000000, 0x200000, RW),
			 0);
	ck_assert_int_eq(smmu_attach(d, 0x10, SMMU_NO_SSID), 0);
	read_ste(0x10, ste);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE0_CONFIG, ste[0]), SMMU_STE_CFG_S1);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE0_S1CDMAX, ste[0]), 10);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE1_S1DSS, ste[1]),
			  SMMU_STE1_S1DSS_SSID0);
	cd = ld(ste[0] & SMMU_STE0_S1CTXPTR);
	ck_assert_uint_eq(FIELD_GET(SMMU_CD0_ASID, cd), d->asid);
	ck_assert_uint_eq(FIELD_GET(SMMU_CD0_T0SZ, cd), 16);
	ck_assert_uint_eq(FIELD_GET(SMMU_CD0_IPS, cd), 5);
	ck_assert(cd & SMMU_CD0_EPD1 && cd & SMMU_CD0_V && cd & SMMU_CD0_R &&
		  cd & SMMU_CD0_A && cd & SMMU_CD0_AA64);
	ck_assert(!(cd & (SMMU_CD0_HA | SMMU_CD0_HD)));
	ck_assert_uint_eq(ld((ste[0] & SMMU_STE0_S1CTXPTR) + 8), d->pt.root);
	ck_assert_uint_eq(ld((ste[0] & SMMU_STE0_S1CTXPTR) + 24), MAIR);
	for (unsigned int round = 0; round < 3; round++) {
		expect_pa(0x10, SMMU_NO_SSID, 0x11234, 0x5001234);
		expect_pa(0x10, SMMU_NO_SSID, 0x12000, 0x5002000);
		expect_pa(0x10, SMMU_NO_SSID, 0x3fffff, 0x401fffff);
		expect_pa(0x10, SMMU_NO_SSID, 0x201000, 0x40001000);
		/* unmap: the TLBI must drop the cached entries */
		ck_assert_uint_eq(smmu_domain_unmap(d, 0x11000, 0x1000),
				  0x1000);
		expect_fault(0x10, SMMU_NO_SSID, 0x11234,
			     SMMU_EVT_F_TRANSLATION);
		expect_pa(0x10, SMMU_NO_SSID, 0x12000, 0x5002000);
		/* part of the 2 MiB block: split, and the block's entry
		 * goes */
		ck_assert_uint_eq(smmu_domain_unmap(d, 0x201000, 0x1000),
				  0x1000);
		expect_fault(0x10, SMMU_NO_SSID, 0x201000,
			     SMMU_EVT_F_TRANSLATION);
		expect_pa(0x10, SMMU_NO_SSID, 0x202000, 0x40002000);
		/* map them back elsewhere: no invalidation needed */
		ck_assert_int_eq(
			smmu_domain_map(d, 0x11000, 0x5001000, 0x1000, RW), 0);
		ck_assert_int_eq(smmu_domain_map(d, 0x201000, 0x40001000,
						 0x1000, RW),
				 0);
	}
	/* a large unmap (range TLBI with several NUM/SCALE commands) */
	ck_assert_uint_eq(smmu_domain_unmap(d, 0x10000, 0x3f0000), 0x204000);
	expect_fault(0x10, SMMU_NO_SSID, 0x3fffff, SMMU_EVT_F_TRANSLATION);
	expect_fault(0x10, SMMU_NO_SSID, 0x12000, SMMU_EVT_F_TRANSLATION);
	ck_assert_int_eq(smmu_domain_free(d), -EBUSY);
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	drain_events();
	down();
}
END_TEST

/* arm_smmu_make_s2_domain_ste, arm_smmu_tlb_inv_range_domain (stage 2) */
START_TEST(test_s2_map_unmap)
{
	struct smmu_domain *d;
	uint64_t ste[4];

	up(_i ? "oas=40" : "");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &d), 0);
	ck_assert_uint_eq(d->vmid, 1);
	ck_assert_uint_eq(smmu_domain_iova_end(d),
			  (1ULL << (_i ? 40 : 48)) - 1);
	ck_assert_int_eq(smmu_domain_map(d, 0x10000, 0x5000000, 0x2000, RW), 0);
	ck_assert_int_eq(smmu_attach(d, 0x20, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_attach(d, 0x20, 3), -EINVAL);
	read_ste(0x20, ste);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE0_CONFIG, ste[0]), SMMU_STE_CFG_S2);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE2_S2VMID, ste[2]), d->vmid);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE2_S2T0SZ, ste[2]), _i ? 24 : 16);
	/* 48 bits start at L0 (SL0 2); 40 bits at L1 with two tables */
	ck_assert_uint_eq(FIELD_GET(SMMU_STE2_S2SL0, ste[2]), _i ? 1 : 2);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE2_S2TG, ste[2]), 0);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE2_S2PS, ste[2]), _i ? 2 : 5);
	ck_assert(ste[2] & SMMU_STE2_S2AA64 && ste[2] & SMMU_STE2_S2R);
	ck_assert_uint_eq(ste[3] & SMMU_STE3_S2TTB, d->pt.root);
	for (unsigned int round = 0; round < 3; round++) {
		expect_pa(0x20, SMMU_NO_SSID, 0x10abc, 0x5000abc);
		expect_pa(0x20, SMMU_NO_SSID, 0x11abc, 0x5001abc);
		ck_assert_uint_eq(smmu_domain_unmap(d, 0x10000, 0x1000),
				  0x1000);
		expect_fault(0x20, SMMU_NO_SSID, 0x10abc,
			     SMMU_EVT_F_TRANSLATION);
		expect_pa(0x20, SMMU_NO_SSID, 0x11abc, 0x5001abc);
		ck_assert_int_eq(
			smmu_domain_map(d, 0x10000, 0x6000000, 0x1000, RW), 0);
		expect_pa(0x20, SMMU_NO_SSID, 0x10abc, 0x6000abc);
		ck_assert_uint_eq(smmu_domain_unmap(d, 0x10000, 0x1000),
				  0x1000);
		ck_assert_int_eq(
			smmu_domain_map(d, 0x10000, 0x5000000, 0x1000, RW), 0);
	}
	ck_assert_int_eq(smmu_detach(drv, 0x20, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	drain_events();
	down();
}
END_TEST

/* arm_smmu_set_pasid, arm_smmu_remove_dev_pasid, arm_smmu_write_cd_entry */
START_TEST(test_pasid)
{
	struct smmu_domain *a, *b, *s2;
	uint64_t ste[4];

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &a), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &b), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &s2), 0);
	ck_assert_int_eq(smmu_domain_map(a, 0x1000, 0x7000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_domain_map(b, 0x1000, 0x8000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(a, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_attach(b, 0x10, 3), 0);
	expect_pa(0x10, SMMU_NO_SSID, 0x1010, 0x7000010);
	expect_pa(0x10, 3, 0x1010, 0x8000010);
	expect_fault(0x10, 4, 0x1010, SMMU_EVT_C_BAD_CD);
	ck_assert_int_eq(smmu_attach(b, 0x10, 0), -EINVAL);
	ck_assert_int_eq(smmu_attach(b, 0x10, 1024), -EINVAL);
	ck_assert_int_eq(smmu_attach(s2, 0x10, 5), -EINVAL);
	/* no stage 2 RID while PASIDs are attached */
	ck_assert_int_eq(smmu_attach(s2, 0x10, SMMU_NO_SSID), -EBUSY);
	/* the RID blocked: PASID 3 keeps working, the RID faults */
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	read_ste(0x10, ste);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE1_S1DSS, ste[1]),
			  SMMU_STE1_S1DSS_TERMINATE);
	expect_fault(0x10, SMMU_NO_SSID, 0x1010, SMMU_EVT_F_STREAM_DISABLED);
	expect_pa(0x10, 3, 0x1010, 0x8000010);
	/* a PASID on a blocked stream, then its RID back */
	ck_assert_int_eq(smmu_attach(a, 0x11, 7), 0);
	expect_pa(0x11, 7, 0x1010, 0x7000010);
	expect_fault(0x11, SMMU_NO_SSID, 0x1010, SMMU_EVT_F_STREAM_DISABLED);
	ck_assert_int_eq(smmu_attach(b, 0x11, SMMU_NO_SSID), 0);
	expect_pa(0x11, SMMU_NO_SSID, 0x1010, 0x8000010);
	/* replace a PASID's domain */
	ck_assert_int_eq(smmu_attach(a, 0x10, 3), 0);
	expect_pa(0x10, 3, 0x1010, 0x7000010);
	ck_assert_int_eq(smmu_domain_unmap(a, 0x1000, 0x1000), 0x1000);
	expect_fault(0x10, 3, 0x1010, SMMU_EVT_F_TRANSLATION);
	expect_fault(0x11, 7, 0x1010, SMMU_EVT_F_TRANSLATION);
	ck_assert_int_eq(smmu_detach(drv, 0x10, 3), 0);
	expect_fault(0x10, 3, 0x1010, 0); /* the stream is back to abort */
	ck_assert_int_eq(smmu_detach(drv, 0x10, 3), -ENOENT);
	/* with the PASIDs gone, a stage 2 RID is fine */
	ck_assert_int_eq(smmu_detach(drv, 0x11, 7), 0);
	ck_assert_int_eq(smmu_attach(s2, 0x11, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_detach(drv, 0x11, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(a), 0);
	ck_assert_int_eq(smmu_domain_free(b), 0);
	ck_assert_int_eq(smmu_domain_free(s2), 0);
	drain_events();
	down();
}
END_TEST

/* arm_smmu_attach_dev over an attached domain, arm_smmu_write_entry's
 * hitless and breaking updates */
START_TEST(test_replace)
{
	struct smmu_domain *a, *b, *s2;

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &a), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &b), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &s2), 0);
	ck_assert_int_eq(smmu_domain_map(a, 0x4000, 0x7000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_domain_map(b, 0x4000, 0x8000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_domain_map(s2, 0x4000, 0x9000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(a, 0x30, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_attach(a, 0x30, SMMU_NO_SSID), 0); /* same */
	expect_pa(0x30, SMMU_NO_SSID, 0x4000, 0x7000000);
	ck_assert_int_eq(smmu_attach(b, 0x30, SMMU_NO_SSID), 0);
	ck_assert_uint_eq(a->natt, 0);
	ck_assert_uint_eq(b->natt, 1);
	expect_pa(0x30, SMMU_NO_SSID, 0x4000, 0x8000000);
	ck_assert_int_eq(smmu_attach(s2, 0x30, SMMU_NO_SSID), 0);
	expect_pa(0x30, SMMU_NO_SSID, 0x4000, 0x9000000);
	ck_assert_int_eq(smmu_attach(a, 0x30, SMMU_NO_SSID), 0);
	expect_pa(0x30, SMMU_NO_SSID, 0x4000, 0x7000000);
	/* b was attached at 0x30 before: its cached entries must not
	 * resurface wrongly after it changed while detached */
	ck_assert_uint_eq(smmu_domain_unmap(b, 0x4000, 0x1000), 0x1000);
	ck_assert_int_eq(smmu_domain_map(b, 0x4000, 0x8001000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(b, 0x30, SMMU_NO_SSID), 0);
	expect_pa(0x30, SMMU_NO_SSID, 0x4000, 0x8001000);
	ck_assert_int_eq(smmu_domain_free(a), 0);
	ck_assert_int_eq(smmu_domain_free(b), -EBUSY);
	ck_assert_int_eq(smmu_detach(drv, 0x30, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(b), 0);
	ck_assert_int_eq(smmu_domain_free(s2), 0);
	down();
}
END_TEST

/* arm_smmu_attach_dev_blocked: detach makes requests abort, no event */
START_TEST(test_detach)
{
	struct smmu_domain *d;
	uint64_t ste[4];

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv,
					   _i ? SMMU_DOMAIN_S2 : SMMU_DOMAIN_S1,
					   0, &d),
			 0);
	ck_assert_int_eq(smmu_domain_map(d, 0x4000, 0x7000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(d, 0x40, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_attach(d, 0x41, SMMU_NO_SSID), 0);
	expect_pa(0x40, SMMU_NO_SSID, 0x4000, 0x7000000);
	expect_pa(0x41, SMMU_NO_SSID, 0x4000, 0x7000000);
	ck_assert_int_eq(smmu_detach(drv, 0x40, SMMU_NO_SSID), 0);
	read_ste(0x40, ste);
	ck_assert_uint_eq(ste[0], SMMU_STE0_V);
	ck_assert_uint_eq(ste[1] | ste[2] | ste[3], 0);
	expect_fault(0x40, SMMU_NO_SSID, 0x4000, 0);
	expect_pa(0x41, SMMU_NO_SSID, 0x4000, 0x7000000);
	no_event();
	ck_assert_int_eq(smmu_detach(drv, 0x40, SMMU_NO_SSID), -ENOENT);
	ck_assert_int_eq(smmu_detach(drv, 0x41, SMMU_NO_SSID), 0);
	expect_fault(0x41, SMMU_NO_SSID, 0x4000, 0);
	no_event();
	ck_assert_int_eq(smmu_domain_free(d), 0);
	down();
}
END_TEST

/* arm_smmu_validate_vste: accepted and refused user STEs */
START_TEST(test_nested_validate)
{
	static const struct {
		uint64_t ste[2];
		int ret;
	} cases[] = {
		{ { 0, 0 }, 0 },
		{ { ~SMMU_STE0_V, ~0ULL }, 0 }, /* V = 0: anything goes */
		{ { SMMU_STE0_V, 0 }, 0 }, /* abort */
		{ { SMMU_STE0_V | 4 << 1, 0 }, 0 }, /* bypass */
		{ { SMMU_STE0_V | 5 << 1 | 0x1234000ULL | 3ULL << 59 | 1 << 4,
		    2 | 0xfc | SMMU_STE1_S1STALLD | 1ULL << 28 },
		  0 },
		{ { SMMU_STE0_V | 6 << 1, 0 }, -EIO }, /* stage 2 */
		{ { SMMU_STE0_V | 7 << 1, 0 }, -EIO }, /* nested */
		{ { SMMU_STE0_V | 1 << 1, 0 }, -EIO }, /* abort 1-3: no */
		{ { SMMU_STE0_V | 5 << 1, 2ULL << 28 }, -EIO }, /* EATS 2 */
		{ { SMMU_STE0_V | 5 << 1, 3ULL << 28 }, -EIO },
		{ { SMMU_STE0_V | 5 << 1 | 1ULL << 52, 0 }, -EIO }, /* RES0 */
		{ { SMMU_STE0_V | 5 << 1, SMMU_STE1_STRW }, -EIO },
		{ { SMMU_STE0_V | 5 << 1, 1ULL << 19 }, -EIO }, /* MEV */
		{ { SMMU_STE0_V | 5 << 1, 1ULL << 44 }, -EIO }, /* SHCFG */
		{ { SMMU_STE0_V | 5 << 1, 1ULL << 8 }, -EIO }, /* S2HWU */
	};
	uint64_t bad[2];

	up("");
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(smmu_nested_validate(drv, cases[i].ste) ==
				      cases[i].ret,
			      "case %u", i);
	/* every dw0 bit outside the allowed set is refused alone */
	for (unsigned int b = 0; b < 64; b++) {
		uint64_t ok0 = SMMU_STE0_V | SMMU_STE0_CONFIG |
			       SMMU_STE0_S1FMT | SMMU_STE0_S1CTXPTR |
			       SMMU_STE0_S1CDMAX;
		uint64_t ok1 = SMMU_STE1_S1DSS | GENMASK_ULL(7, 2) |
			       SMMU_STE1_S1STALLD | SMMU_STE1_EATS;

		bad[0] = SMMU_STE0_V | 5 << 1 | 1ULL << b;
		bad[1] = 0;
		if (!(ok0 & 1ULL << b))
			ck_assert_int_eq(smmu_nested_validate(drv, bad), -EIO);
		bad[0] = SMMU_STE0_V | 5 << 1;
		bad[1] = 1ULL << b;
		if (!(ok1 & 1ULL << b))
			ck_assert_int_eq(smmu_nested_validate(drv, bad), -EIO);
	}
	down();
}
END_TEST

struct vsids {
	uint32_t vsid[4], sid[4];
	unsigned int n;
};

static int vsid_to_sid(void *ctx, uint32_t vsid, uint32_t *sid)
{
	struct vsids *v = ctx;

	for (unsigned int i = 0; i < v->n; i++) {
		if (v->vsid[i] == vsid) {
			*sid = v->sid[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* The command @back slots before CMDQ_PROD, as the SMMU read it. */
static void cmdq_at(unsigned int back, uint64_t c[2])
{
	uint64_t base = rd(SMMU_CMDQ_BASE, 8) & SMMU_Q_BASE_ADDR;
	uint32_t prod = (uint32_t)rd(SMMU_CMDQ_PROD, 4);
	uint32_t idx = (prod - back) & 0xff;

	c[0] = ld(base + 16ULL * idx);
	c[1] = ld(base + 16ULL * idx + 8);
}

/* A guest CD (as arm_smmu_make_s1_cd would make it) at IPA = PA @cd. */
static void guest_cd(uint64_t cd, uint64_t root, uint16_t asid)
{
	st(cd + 8, root);
	st(cd + 24, MAIR);
	st(cd, FIELD_PREP(SMMU_CD0_T0SZ, 16) | SMMU_CD0_EPD1 | SMMU_CD0_V |
		       FIELD_PREP(SMMU_CD0_IPS, 5) | SMMU_CD0_AA64 |
		       SMMU_CD0_R | SMMU_CD0_A |
		       FIELD_PREP(SMMU_CD0_ASID, asid));
}

/*
 * arm_vsmmu_alloc_domain_nested, arm_smmu_make_nested_domain_ste,
 * arm_vsmmu_convert_user_cmd / arm_vsmmu_cache_invalidate: a guest's CD
 * table and stage 1 tables in its own memory (IPAs the parent maps),
 * end to end, and its invalidations.
 */
START_TEST(test_nested)
{
	struct vsids vs = { { 0x42 }, { 0x10 }, 1 };
	struct smmu_domain *parent, *nested, *byp, *abt, *plain, *x;
	struct pt_domain g1, g2;
	struct pt_cfg gcfg;
	uint64_t cdtab, vste[2], ste[4], c[2];
	unsigned int done;

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2,
					   SMMU_DOMAIN_NEST_PARENT, &parent),
			 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &plain), 0);
	/* guest memory for its tables: frames from 4 GiB on, identity */
	ck_assert_int_eq(smmu_domain_map(parent, 1ULL << 32, 1ULL << 32,
					 64 << 20, RW),
			 0);
	/* guest data pages: IPA 0x200000000 -> PA 0x300000000 */
	ck_assert_int_eq(smmu_domain_map(parent, 0x200000000, 0x300000000,
					 0x2000, RW),
			 0);
	ck_assert_int_eq(smmu_pt_geometry(false, 12, 48, 48, 0, &gcfg), 0);
	ck_assert_int_eq(smmu_pt_s1_4k.init(&g1, pm, &gcfg), 0);
	ck_assert_int_eq(smmu_pt_s1_4k.init(&g2, pm, &gcfg), 0);
	ck_assert_int_eq(
		smmu_pt_s1_4k.map(&g1, 0x1000, 0x200000000, 0x1000, RW), 0);
	ck_assert_int_eq(
		smmu_pt_s1_4k.map(&g2, 0x1000, 0x200001000, 0x1000, RW), 0);
	ck_assert_int_eq(pm_frame_alloc(pm, &cdtab), 0);
	ck_assert_uint_lt(cdtab, (1ULL << 32) + (64 << 20));
	guest_cd(cdtab, g1.root, 7);
	vste[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CFG_S1) |
		  cdtab;
	vste[1] = 1ULL << 28; /* EATS 1: accepted, dropped (no ATS) */
	ck_assert_int_eq(smmu_nested_alloc(plain, vste, &x), -EINVAL);
	ck_assert_int_eq(smmu_nested_alloc(parent, vste, &nested), 0);
	ck_assert_uint_eq(nested->vmid, parent->vmid);
	ck_assert_int_eq(smmu_domain_map(nested, 0, 0, 0x1000, RW), -EINVAL);
	ck_assert_int_eq(smmu_attach(nested, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_attach(nested, 0x10, 1), -EINVAL);
	read_ste(0x10, ste);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE0_CONFIG, ste[0]),
			  SMMU_STE_CFG_NESTED);
	ck_assert_uint_eq(ste[0] & SMMU_STE0_S1CTXPTR, cdtab);
	ck_assert(ste[1] & (1ULL << 19)); /* MEV */
	ck_assert_uint_eq(FIELD_GET(SMMU_STE1_EATS, ste[1]), 0);
	ck_assert_uint_eq(FIELD_GET(SMMU_STE2_S2VMID, ste[2]), parent->vmid);
	ck_assert_uint_eq(ste[3] & SMMU_STE3_S2TTB, parent->pt.root);
	expect_pa(0x10, SMMU_NO_SSID, 0x1abc, 0x300000abc);

	/* the guest remaps its page and says so: NH_VA, VMID forced */
	smmu_pt_s1_4k.unmap(&g1, 0x1000, 0x1000);
	ck_assert_int_eq(smmu_pt_s1_4k.map(&g1, 0x1000, 0x200001000, 0x1000,
					   DMA_ACC_READ),
			 0);
	{
		const uint64_t cmd[1][2] = {
			{ SMMU_CMD_TLBI_NH_VA | FIELD_PREP(SMMU_CMD_ASID, 7) |
				  FIELD_PREP(SMMU_CMD_VMID, 0x5555),
			  0x1000 },
		};

		ck_assert_int_eq(smmu_user_invalidate(drv, parent->vmid, cmd, 1,
						      &done, vsid_to_sid, &vs),
				 0);
		ck_assert_uint_eq(done, 1);
		cmdq_at(2, c);
		ck_assert_uint_eq(FIELD_GET(SMMU_CMD_VMID, c[0]), parent->vmid);
		ck_assert_uint_eq(FIELD_GET(SMMU_CMD_ASID, c[0]), 7);
	}
	expect_pa(0x10, SMMU_NO_SSID, 0x1abc, 0x300001abc);

	/* NSNH_ALL becomes NH_ALL of the vIOMMU's VMID */
	{
		const uint64_t cmd[1][2] = { { SMMU_CMD_TLBI_NSNH_ALL, 0 } };

		ck_assert_int_eq(smmu_user_invalidate(drv, parent->vmid, cmd, 1,
						      &done, vsid_to_sid, &vs),
				 0);
		cmdq_at(2, c);
		ck_assert_uint_eq(c[0], SMMU_CMD_TLBI_NH_ALL |
						FIELD_PREP(SMMU_CMD_VMID,
							   parent->vmid));
		ck_assert_uint_eq(c[1], 0);
		/* the SYNC's MSI (MSIData 0) landed on its own slot */
		cmdq_at(1, c);
		ck_assert_uint_eq(c[0] & 0xffffffffULL, 0);
		ck_assert_uint_eq(c[1] & SMMU_CMD1_SYNC_MSIADDR,
				  (rd(SMMU_CMDQ_BASE, 8) & SMMU_Q_BASE_ADDR) +
					  16 * ((rd(SMMU_CMDQ_PROD, 4) - 1) &
						0xff));
	}

	/* the guest moves its CD to other tables: CFGI_CD with the vSID
	 * translated, and NH_ASID for the old entries */
	guest_cd(cdtab, g2.root, 7);
	{
		const uint64_t cmd[2][2] = {
			{ SMMU_CMD_CFGI_CD | FIELD_PREP(SMMU_CMD_SID, 0x42),
			  SMMU_CMD1_LEAF },
			{ SMMU_CMD_TLBI_NH_ASID | FIELD_PREP(SMMU_CMD_ASID, 7),
			  0 },
		};

		ck_assert_int_eq(smmu_user_invalidate(drv, parent->vmid, cmd, 2,
						      &done, vsid_to_sid, &vs),
				 0);
		ck_assert_uint_eq(done, 2);
		cmdq_at(3, c);
		ck_assert_uint_eq(FIELD_GET(SMMU_CMD_OP, c[0]),
				  SMMU_CMD_CFGI_CD);
		ck_assert_uint_eq(FIELD_GET(SMMU_CMD_SID, c[0]), 0x10);
	}
	expect_pa(0x10, SMMU_NO_SSID, 0x1abc, 0x300001abc);

	/* a refused opcode stops the batch: done says how far */
	{
		const uint64_t cmd[3][2] = {
			{ SMMU_CMD_TLBI_NH_ALL, 0 },
			{ SMMU_CMD_CFGI_STE | FIELD_PREP(SMMU_CMD_SID, 0x42),
			  0 },
			{ SMMU_CMD_TLBI_NH_ALL, 0 },
		};
		const uint64_t bad_vsid[2][2] = {
			{ SMMU_CMD_TLBI_NH_ALL, 0 },
			{ SMMU_CMD_CFGI_CD_ALL | FIELD_PREP(SMMU_CMD_SID, 0x99),
			  0 },
		};
		const uint64_t s12[1][2] = { { SMMU_CMD_TLBI_S12_VMALL, 0 } };

		ck_assert_int_eq(smmu_user_invalidate(drv, parent->vmid, cmd, 3,
						      &done, vsid_to_sid, &vs),
				 -EIO);
		ck_assert_uint_eq(done, 1);
		ck_assert_int_eq(smmu_user_invalidate(drv, parent->vmid,
						      bad_vsid, 2, &done,
						      vsid_to_sid, &vs),
				 -ENOENT);
		ck_assert_uint_eq(done, 1);
		ck_assert_int_eq(smmu_user_invalidate(drv, parent->vmid, s12, 1,
						      &done, vsid_to_sid, &vs),
				 -EIO);
		ck_assert_uint_eq(done, 0);
	}

	/* the host unmaps stage 2 under the guest: nested entries go */
	expect_pa(0x10, SMMU_NO_SSID, 0x1abc, 0x300001abc);
	ck_assert_uint_eq(smmu_domain_unmap(parent, 0x200001000, 0x1000),
			  0x1000);
	expect_fault(0x10, SMMU_NO_SSID, 0x1abc, SMMU_EVT_F_TRANSLATION);

	/* bypass and abort user STEs: the parent's stage 2 alone, abort */
	vste[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, 4);
	vste[1] = 0;
	ck_assert_int_eq(smmu_nested_alloc(parent, vste, &byp), 0);
	vste[0] = 0;
	ck_assert_int_eq(smmu_nested_alloc(parent, vste, &abt), 0);
	ck_assert_int_eq(smmu_attach(byp, 0x11, SMMU_NO_SSID), 0);
	expect_pa(0x11, SMMU_NO_SSID, 0x200000abc, 0x300000abc);
	ck_assert_int_eq(smmu_attach(abt, 0x11, SMMU_NO_SSID), 0);
	expect_fault(0x11, SMMU_NO_SSID, 0x200000abc, 0);
	/* replace the nested domain by the bypass one */
	ck_assert_int_eq(smmu_attach(byp, 0x10, SMMU_NO_SSID), 0);
	expect_pa(0x10, SMMU_NO_SSID, 0x200000abc, 0x300000abc);

	ck_assert_int_eq(smmu_domain_free(parent), -EBUSY);
	ck_assert_int_eq(smmu_domain_free(nested), 0);
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_detach(drv, 0x11, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(byp), 0);
	ck_assert_int_eq(smmu_domain_free(abt), 0);
	ck_assert_int_eq(smmu_domain_free(parent), 0);
	ck_assert_int_eq(smmu_domain_free(plain), 0);
	smmu_pt_s1_4k.destroy(&g1);
	smmu_pt_s1_4k.destroy(&g2);
	ck_assert_int_eq(pm_frame_free(pm, cdtab), 0);
	drain_events();
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

/* arm_smmu_read_and_clear_dirty (HTTU: CD HA|HD; stage 2 S2HA|S2HD) */
START_TEST(test_dirty)
{
	struct dirty_log log = { .n = 0 };
	struct smmu_domain *d;
	uint64_t ste[4];

	up("httu=2");
	ck_assert(smmu_drv_has_dirty(drv));
	ck_assert_int_eq(smmu_domain_alloc(drv,
					   _i ? SMMU_DOMAIN_S2 : SMMU_DOMAIN_S1,
					   SMMU_DOMAIN_DIRTY, &d),
			 0);
	ck_assert_int_eq(smmu_domain_map(d, 0, 0x8000000, 0x10000, RW), 0);
	/* writable leaves start dirty (as io-pgtable-arm maps them): the
	 * first pass cleans them, as iommufd does when tracking starts */
	ck_assert_int_eq(smmu_domain_read_and_clear_dirty(d, 0, 0x10000, false,
							  log_dirty, &log),
			 16);
	log.n = 0;
	ck_assert_int_eq(smmu_attach(d, 0x10, SMMU_NO_SSID), 0);
	read_ste(0x10, ste);
	if (_i)
		ck_assert(ste[2] & SMMU_STE2_S2HD && ste[2] & SMMU_STE2_S2HA);
	else
		ck_assert(ld(ste[0] & SMMU_STE0_S1CTXPTR) & SMMU_CD0_HD);
	ck_assert(dma(0x10, SMMU_NO_SSID, 0x3000, DMA_ACC_WRITE).ok);
	ck_assert(dma(0x10, SMMU_NO_SSID, 0x5000, DMA_ACC_READ).ok);
	ck_assert_int_eq(smmu_domain_read_and_clear_dirty(d, 0, 0x10000, false,
							  log_dirty, &log),
			 1);
	ck_assert_uint_eq(log.iova[0], 0x3000);
	ck_assert_int_eq(smmu_domain_read_and_clear_dirty(d, 0, 0x10000, false,
							  log_dirty, &log),
			 0);
	/* the TLB was invalidated: a new write sets the dirty state again */
	ck_assert(dma(0x10, SMMU_NO_SSID, 0x3000, DMA_ACC_WRITE).ok);
	ck_assert(dma(0x10, SMMU_NO_SSID, 0x5000, DMA_ACC_WRITE).ok);
	ck_assert_int_eq(smmu_domain_read_and_clear_dirty(d, 0, 0x10000, true,
							  log_dirty, &log),
			 2);
	ck_assert_int_eq(smmu_domain_read_and_clear_dirty(d, 0, 0x10000, true,
							  log_dirty, &log),
			 2); /* no_clear left them */
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &d), 0);
	ck_assert_int_eq(smmu_domain_read_and_clear_dirty(d, 0, 0x1000, false,
							  log_dirty, &log),
			 -EOPNOTSUPP);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	down();
}
END_TEST

/* arm_smmu_evtq_thread / queue_remove_raw / queue_sync_cons_ovf */
START_TEST(test_events)
{
	struct smmu_domain *d;
	uint64_t rec[4];

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &d), 0);
	ck_assert_int_eq(smmu_attach(d, 0x10, SMMU_NO_SSID), 0);
	no_event();
	expect_fault(0x10, SMMU_NO_SSID, 0x7000000, SMMU_EVT_F_TRANSLATION);
	ck_assert_int_eq(smmu_drv_read_event(drv, rec), 0);
	ck_assert_uint_eq(FIELD_GET(SMMU_EVT0_ID, rec[0]),
			  SMMU_EVT_F_TRANSLATION);
	ck_assert_uint_eq(FIELD_GET(SMMU_EVT0_SID, rec[0]), 0x10);
	ck_assert(!(rec[0] & SMMU_EVT0_SSV));
	ck_assert(rec[1] & SMMU_EVT1_RNW);
	ck_assert_uint_eq(rec[2], 0x7000000);
	no_event();
	/* 130 faults into 128 slots: two lost, OVFLG toggles */
	for (unsigned int i = 0; i < 130; i++)
		expect_fault(0x10, SMMU_NO_SSID, 0x1000ULL * (i + 1),
			     SMMU_EVT_F_TRANSLATION);
	ck_assert(rd(SMMU_EVENTQ_PROD, 4) & SMMU_Q_OVF);
	for (unsigned int i = 0; i < 128; i++) {
		ck_assert_int_eq(smmu_drv_read_event(drv, rec), 0);
		ck_assert_uint_eq(rec[2], 0x1000ULL * (i + 1));
	}
	no_event();
	ck_assert_uint_eq(rd(SMMU_EVENTQ_CONS, 4) & SMMU_Q_OVF,
			  rd(SMMU_EVENTQ_PROD, 4) & SMMU_Q_OVF);
	/* and across the wrap, reading as they come */
	for (unsigned int i = 0; i < 300; i++) {
		expect_fault(0x10, SMMU_NO_SSID, 0x1000ULL * (i + 1),
			     SMMU_EVT_F_TRANSLATION);
		ck_assert_int_eq(smmu_drv_read_event(drv, rec), 0);
		ck_assert_uint_eq(rec[2], 0x1000ULL * (i + 1));
	}
	no_event();
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	down();
}
END_TEST

/* arm_smmu_domain_finalise_s1 / _s2 (xa_alloc / ida_alloc_range from 1),
 * arm_smmu_domain_free_paging */
START_TEST(test_ids)
{
	struct smmu_domain *a, *b, *c, *x, *y, *z, *n;
	uint64_t vste[2] = { 0, 0 };

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &a), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &b), 0);
	ck_assert_uint_eq(a->asid, 1);
	ck_assert_uint_eq(b->asid, 2);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2,
					   SMMU_DOMAIN_NEST_PARENT, &x),
			 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &y), 0);
	ck_assert_uint_eq(x->vmid, 1);
	ck_assert_uint_eq(y->vmid, 2);
	/* a's ASID is flushed when freed: c reuses it at the same stream */
	ck_assert_int_eq(smmu_domain_map(a, 0x4000, 0x7000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(a, 0x10, SMMU_NO_SSID), 0);
	expect_pa(0x10, SMMU_NO_SSID, 0x4000, 0x7000000);
	ck_assert_int_eq(smmu_domain_free(a), -EBUSY);
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(a), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &c), 0);
	ck_assert_uint_eq(c->asid, 1);
	ck_assert_int_eq(smmu_domain_map(c, 0x4000, 0x8000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(c, 0x10, SMMU_NO_SSID), 0);
	expect_pa(0x10, SMMU_NO_SSID, 0x4000, 0x8000000);
	/* the same for VMIDs */
	ck_assert_int_eq(smmu_domain_map(y, 0x4000, 0x7000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(y, 0x11, SMMU_NO_SSID), 0);
	expect_pa(0x11, SMMU_NO_SSID, 0x4000, 0x7000000);
	ck_assert_int_eq(smmu_detach(drv, 0x11, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(y), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &z), 0);
	ck_assert_uint_eq(z->vmid, 2);
	ck_assert_int_eq(smmu_domain_map(z, 0x4000, 0x9000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(z, 0x11, SMMU_NO_SSID), 0);
	expect_pa(0x11, SMMU_NO_SSID, 0x4000, 0x9000000);
	/* a parent with a nested domain on it is busy */
	ck_assert_int_eq(smmu_nested_alloc(x, vste, &n), 0);
	ck_assert_int_eq(smmu_domain_free(x), -EBUSY);
	ck_assert_int_eq(smmu_domain_free(n), 0);
	/* flags */
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1,
					   SMMU_DOMAIN_NEST_PARENT, &n),
			 -EOPNOTSUPP);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1,
					   SMMU_DOMAIN_DIRTY, &n),
			 -EOPNOTSUPP);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0x80, &n),
			 -EOPNOTSUPP);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_NESTED, 0, &n),
			 -EINVAL);
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_detach(drv, 0x11, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(b), 0);
	ck_assert_int_eq(smmu_domain_free(c), 0);
	ck_assert_int_eq(smmu_domain_free(x), 0);
	ck_assert_int_eq(smmu_domain_free(z), 0);
	down();

	/* a stage 1 only unit has no stage 2 domains */
	up("stages=s1 ssidsize=0");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S2, 0, &n),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(smmu_drv_ssid_bits(drv), 0);
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &a), 0);
	ck_assert_int_eq(smmu_domain_map(a, 0x4000, 0x7000000, 0x1000, RW), 0);
	ck_assert_int_eq(smmu_attach(a, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_attach(a, 0x10, 1), -EINVAL);
	expect_pa(0x10, SMMU_NO_SSID, 0x4000, 0x7000000);
	ck_assert_uint_eq(smmu_domain_unmap(a, 0x4000, 0x1000), 0x1000);
	expect_fault(0x10, SMMU_NO_SSID, 0x4000, SMMU_EVT_F_TRANSLATION);
	ck_assert_int_eq(smmu_detach(drv, 0x10, SMMU_NO_SSID), 0);
	ck_assert_int_eq(smmu_domain_free(a), 0);
	down();
}
END_TEST

/* IOMMU_OPTION_HUGE_PAGES off (iopt_disable_large_pages): maps use
 * 4 KiB pages only; on again, blocks return; existing maps stay. */
START_TEST(test_large_pages)
{
	struct smmu_domain *d;
	uint64_t pa, size;

	up("");
	ck_assert_int_eq(smmu_domain_alloc(drv, SMMU_DOMAIN_S1, 0, &d), 0);
	smmu_domain_large_pages(d, false);
	ck_assert_int_eq(smmu_domain_map(d, 0x200000, 0x40000000, 0x200000, RW),
			 0);
	ck_assert_int_eq(d->ops->iova_to_phys(&d->pt, 0x200000, &pa, &size), 0);
	ck_assert_uint_eq(size, 0x1000);
	smmu_domain_large_pages(d, true);
	ck_assert_int_eq(smmu_domain_map(d, 0x400000, 0x40200000, 0x200000, RW),
			 0);
	ck_assert_int_eq(d->ops->iova_to_phys(&d->pt, 0x400000, &pa, &size), 0);
	ck_assert_uint_eq(size, 0x200000);
	ck_assert_int_eq(d->ops->iova_to_phys(&d->pt, 0x200000, &pa, &size), 0);
	ck_assert_uint_eq(size, 0x1000);
	ck_assert_uint_eq(smmu_domain_unmap(d, 0x200000, 0x400000), 0x400000);
	ck_assert_int_eq(smmu_domain_free(d), 0);
	down();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("smmuv3_driver");
	TCase *tc = tcase_create("driver");

	tcase_add_loop_test(tc, test_bringup, 0, 2);
	tcase_add_test(tc, test_s1_map_unmap);
	tcase_add_loop_test(tc, test_s2_map_unmap, 0, 2);
	tcase_add_test(tc, test_pasid);
	tcase_add_test(tc, test_replace);
	tcase_add_loop_test(tc, test_detach, 0, 2);
	tcase_add_test(tc, test_nested_validate);
	tcase_add_test(tc, test_nested);
	tcase_add_loop_test(tc, test_dirty, 0, 2);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_ids);
	tcase_add_test(tc, test_large_pages);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

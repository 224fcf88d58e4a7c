// SPDX-License-Identifier: MIT
/*
 * test_iofd_ppc.c - iommufd on the IBM POWER PHB's two DMA windows
 * (uapi_sim/drv_ppc.c; the design is docs/ppc_tce.md, "iommufd on two
 * windows"): the usable IOVA ranges are exactly the PE's windows, maps
 * land as big-endian TCEs in the right window's table and DMA through
 * the PHB reaches this process's memory, the hole is reserved, the
 * per-window attach (IOMMUSIM_PASID_WINDOW) to two IOASes, the
 * HW-specific window HWPT, hw_info.
 *
 * The default machine has the PHB's two devices at indexes 8 and 9 (after
 * four VT-d and four SMMUv3 devices), PEs 1 and 2.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check_main.h"
#include "test_mem.h"
#include "iofd_test.h"
#include "uapi_sim/iofd_private.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

#define DEV0 8
#define DEV1 9
#define K64 0x10000ULL
#define W1 (1ULL << 59)
#define WIN0_LAST 0x7fffffffULL
#define WIN1_LAST (W1 + (1ULL << 40) - 1)
#define WIN(w) IOMMUSIM_PASID_WINDOW(w)

static struct iofd_sys *sys;

static void up(const struct iofd_topology *t)
{
	char err[160];

	ck_assert_msg(!iofd_sys_create(t, &sys, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, NULL, &ctx), 0);
}

static void setup(void)
{
	up(NULL);
}

static void teardown(void)
{
	iommufd_sim_close(ctx);
	iofd_sys_destroy(sys);
	ctx = NULL;
	sys = NULL;
}

static uint32_t bind(unsigned int dev)
{
	uint32_t id = 0;

	ck_assert_int_eq(iommufd_sim_bind(ctx, dev, &id), 0);
	return id;
}

static int att(uint32_t dev_id, uint32_t pasid, uint32_t *pt)
{
	return iommufd_sim_attach(ctx, dev_id, pasid, pt);
}

static uint32_t ranges(uint32_t ioas, struct iommu_iova_range *r, uint32_t cap,
		       uint64_t *align)
{
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q),
					    .ioas_id = ioas,
					    .num_iovas = cap,
					    .allowed_iovas = (uintptr_t)r };

	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), 0);
	*align = q.out_iova_alignment;
	return q.num_iovas;
}

static int dma(unsigned int dev, uint64_t iova, void *buf, size_t len,
	       bool write, struct dma_result *f)
{
	return iofd_sys_dma(sys, dev, IOMMU_NO_PASID, iova, buf, len, write, f);
}

/* The device reads back what the CPU wrote at @iova (@p its memory). */
static void dma_sees(unsigned int dev, uint64_t iova, const uint8_t *p)
{
	uint8_t got[32];

	ck_assert_int_eq(dma(dev, iova, got, sizeof(got), false, NULL), 0);
	ck_assert_mem_eq(got, p, sizeof(got));
}

static void dma_faults(unsigned int dev, uint64_t iova, uint32_t code)
{
	struct dma_result f;
	uint8_t b[8];

	ck_assert_int_eq(dma(dev, iova, b, sizeof(b), false, &f), -EIO);
	ck_assert_uint_eq(f.fault.code, code);
}

static uint32_t window_hwpt(uint32_t dev, uint32_t ioas, const void *g,
			    uint32_t len, int expect)
{
	struct iommu_hwpt_alloc h = {
		.size = sizeof(h),
		.dev_id = dev,
		.pt_id = ioas,
		.data_type = IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW,
		.data_len = len,
		.data_uptr = (uintptr_t)g,
	};

	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), expect);
	return h.out_hwpt_id;
}

/* Attach to an IOAS: the usable ranges become exactly the two windows
 * and the IOVA alignment the larger window page (64 KiB). */
START_TEST(test_ranges)
{
	struct iommu_iova_range r[4];
	struct iofd_dev_info info;
	uint32_t ioas = ioas_alloc(), dev = bind(DEV0), pt = ioas;
	uint64_t align;

	ck_assert_int_eq(iofd_sys_dev_info(sys, DEV0, &info), 0);
	ck_assert_str_eq(info.unit, "ppc_tce");
	ck_assert_uint_eq(ranges(ioas, r, 4, &align), 1);
	ck_assert_uint_eq(align, 1);
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pt), 0);
	ck_assert_uint_eq(ranges(ioas, r, 4, &align), 2);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[0].last, WIN0_LAST);
	ck_assert_uint_eq(r[1].start, W1);
	ck_assert_uint_eq(r[1].last, WIN1_LAST);
	ck_assert_uint_eq(align, K64);
	/* the hole and the space above window 1 refuse maps like any
	 * reserved range (io_pagetable.c iopt_check_iova: EINVAL) */
	uint8_t *buf = test_aligned(K64, K64);

	ck_assert_int_eq(map_at(ioas, buf, K64, WIN0_LAST + 1, RW), -EINVAL);
	ck_assert_int_eq(map_at(ioas, buf, K64, W1 - K64, RW), -EINVAL);
	ck_assert_int_eq(map_at(ioas, buf, K64, WIN1_LAST + 1, RW), -EINVAL);
	ck_assert_int_eq(map_at(ioas, buf, 2 * K64, WIN0_LAST + 1 - K64, RW),
			 -EINVAL);
	/* below the alignment */
	ck_assert_int_eq(map_at(ioas, buf, PAGE, 0, RW), -EINVAL);
	ck_assert_int_eq(map_at(ioas, buf, K64, PAGE, RW), -EINVAL);
	ck_assert_int_eq(map_at(ioas, buf + PAGE, K64, 0, RW), -EINVAL);
	/* a second device shares the automatic HWPT */
	uint32_t dev1 = bind(DEV1), pt1 = ioas;

	ck_assert_int_eq(att(dev1, IOMMU_NO_PASID, &pt1), 0);
	ck_assert_uint_eq(pt1, pt);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev1), 0);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev), 0);
	/* the last device gone, the automatic HWPT and its holes go */
	ck_assert_uint_eq(ranges(ioas, r, 4, &align), 1);
	ck_assert_int_eq(destroy(ioas), 0);
}
END_TEST

/* Maps in either window are big-endian TCEs the PHB walks: DMA reads
 * and writes this process's memory; unmapped, the PHB faults. */
START_TEST(test_dma_windows)
{
	uint8_t *buf = test_aligned(4 * K64, K64), wr[32];
	uint32_t ioas = ioas_alloc(), dev = bind(DEV0), pt = ioas;
	uint64_t lo = 0x10000, hi = W1 + 0x3000000;
	char walk[1024];
	struct dma_result res;

	for (unsigned int i = 0; i < 4 * K64; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(map_at(ioas, buf, 2 * K64, lo, RW), 0);
	ck_assert_int_eq(map_at(ioas, buf + 2 * K64, 2 * K64, hi,
				IOMMU_IOAS_MAP_READABLE),
			 0);
	dma_faults(DEV0, lo, 0x1); /* not attached: no window, NO_WINDOW */
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pt), 0);
	/* a 64 KiB TCE in window 1, walked through both levels (the TCE
	 * cache is cold): the leaf covers the whole page */
	ck_assert_int_eq(iofd_sys_walk(sys, DEV0, IOMMU_NO_PASID, hi + 0x10,
				       DMA_ACC_READ, walk, sizeof(walk), &res),
			 0);
	ck_assert(res.ok);
	ck_assert_uint_eq(res.xlat.page_size, K64);
	ck_assert_ptr_nonnull(strstr(walk, "tce-ind"));
	ck_assert_ptr_nonnull(strstr(walk, "leaf"));
	dma_sees(DEV0, lo + 0x1234, buf + 0x1234);
	dma_sees(DEV0, lo + K64 + 0xff00, buf + K64 + 0xff00);
	dma_sees(DEV0, hi + 0x8000, buf + 2 * K64 + 0x8000);
	dma_sees(DEV0, hi + K64 + 0x40, buf + 3 * K64 + 0x40);
	memset(wr, 0xa5, sizeof(wr));
	ck_assert_int_eq(dma(DEV0, lo + 0x20, wr, sizeof(wr), true, NULL), 0);
	ck_assert_uint_eq(buf[0x20], 0xa5);
	ck_assert_uint_eq(buf[0x3f], 0xa5);
	/* window 1 was mapped read-only: a DMA write is a TCE PERM fault */
	struct dma_result f;

	ck_assert_int_eq(dma(DEV0, hi, wr, 8, true, &f), -EIO);
	ck_assert_uint_eq(f.fault.code, 0x3);
	/* in the window but not mapped: an invalid TCE */
	dma_faults(DEV0, hi + 2 * K64, 0x2);
	/* unmap: the TCEs are cleared and killed, DMA faults */
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .ioas_id = ioas,
				      .iova = lo,
				      .length = 2 * K64 };

	ck_assert_int_eq(io(IOMMU_IOAS_UNMAP, &u), 0);
	ck_assert_uint_eq(u.length, 2 * K64);
	dma_faults(DEV0, lo + 0x1234, 0x2);
	dma_sees(DEV0, hi + 0x8000, buf + 2 * K64 + 0x8000);
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	dma_faults(DEV0, hi + 0x8000, 0x1);
}
END_TEST

/* The TCE in table memory is big-endian: the leaf the walk fetched,
 * read back as bytes, is the page address | read | write, MSB first. */
START_TEST(test_tce_big_endian)
{
	uint8_t *buf = test_aligned(K64, K64), raw[8];
	uint32_t ioas = ioas_alloc(), dev = bind(DEV0), pt = ioas;
	char walk[1024], *at;
	struct dma_result res;
	uint64_t tce_pa, pa, want = 0;

	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pt), 0);
	ck_assert_int_eq(map_at(ioas, buf, K64, 0x40000, RW), 0);
	ck_assert_int_eq(iofd_sys_walk(sys, DEV0, IOMMU_NO_PASID, 0x40000,
				       DMA_ACC_READ, walk, sizeof(walk), &res),
			 0);
	ck_assert(res.ok);
	pa = res.xlat.out_addr;
	ck_assert_uint_eq(res.xlat.page_size, PAGE); /* window 0: 4 KiB */
	at = strstr(walk, "tce ");
	ck_assert_msg(at, "walk: %s", walk);
	at = strstr(at, "0x");
	ck_assert_ptr_nonnull(at);
	tce_pa = strtoull(at, NULL, 16);
	ck_assert_int_eq(pm_read(sys->pm, tce_pa, raw, sizeof(raw)), 0);
	for (int i = 0; i < 8; i++)
		want = want << 8 | raw[i];
	ck_assert_uint_eq(want, pa | 3);
}
END_TEST

/* An IOAS with areas where the windows are not cannot take the domain
 * (iopt_table_add_domain: EADDRINUSE), nor can the hole be allowed. */
START_TEST(test_hole_in_use)
{
	uint8_t *buf = test_aligned(K64, K64);
	uint32_t ioas = ioas_alloc(), dev = bind(DEV0), pt = ioas;
	struct iommu_iova_range r[4];
	uint64_t align;

	ck_assert_int_eq(map_at(ioas, buf, K64, 0x100000000ULL, RW), 0);
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pt), -EADDRINUSE);
	ck_assert_uint_eq(ranges(ioas, r, 4, &align), 1); /* nothing stayed */
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .ioas_id = ioas,
				      .iova = 0x100000000ULL,
				      .length = K64 };

	ck_assert_int_eq(io(IOMMU_IOAS_UNMAP, &u), 0);
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pt), 0);
	/* automatic IOVA lands inside a window */
	struct iommu_ioas_map m = { .size = sizeof(m),
				    .flags = RW,
				    .ioas_id = ioas,
				    .user_va = (uintptr_t)buf,
				    .length = K64 };

	ck_assert_int_eq(io(IOMMU_IOAS_MAP, &m), 0);
	ck_assert(m.iova <= WIN0_LAST - K64 + 1 ||
		  (m.iova >= W1 && m.iova <= WIN1_LAST - K64 + 1));
	ck_assert_uint_eq(m.iova % K64, 0);
	dma_sees(DEV0, m.iova, buf);
}
END_TEST

/* The multi-attach extension: window 0 on one IOAS, window 1 on another;
 * overlapping attachments are EADDRINUSE; a detach leaves the other. */
START_TEST(test_multi_attach)
{
	uint8_t *a = test_aligned(K64, K64), *b = test_aligned(K64, K64);
	uint32_t ia = ioas_alloc(), ib = ioas_alloc(), ic = ioas_alloc();
	uint32_t dev = bind(DEV0), pa = ia, pb = ib, pc = ic;
	struct iommu_iova_range r[4];
	uint64_t align;

	memset(a, 0x11, K64);
	memset(b, 0x22, K64);
	ck_assert_int_eq(att(dev, WIN(0), &pa), 0);
	ck_assert_int_eq(att(dev, WIN(1), &pb), 0);
	ck_assert_uint_ne(pa, pb);
	/* each IOAS sees its own window only, with its own page size */
	ck_assert_uint_eq(ranges(ia, r, 4, &align), 1);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[0].last, WIN0_LAST);
	ck_assert_uint_eq(align, PAGE);
	ck_assert_uint_eq(ranges(ib, r, 4, &align), 1);
	ck_assert_uint_eq(r[0].start, W1);
	ck_assert_uint_eq(r[0].last, WIN1_LAST);
	ck_assert_uint_eq(align, K64);
	ck_assert_int_eq(map_at(ia, a, PAGE, 0x5000, RW), 0);
	ck_assert_int_eq(map_at(ib, b, K64, W1, RW), 0);
	dma_sees(DEV0, 0x5000, a);
	dma_sees(DEV0, W1 + 0x100, b + 0x100);
	/* the RID over both windows, or a window already held: in use */
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pc), -EADDRINUSE);
	/* bad window names: no third window, and no real PASIDs */
	pc = ic;
	ck_assert_int_eq(att(dev, WIN(2), &pc), -EINVAL);
	ck_assert_int_eq(att(dev, 5, &pc), -EINVAL);
	/* replacing window 0 with another IOAS works and moves it */
	ck_assert_int_eq(map_at(ic, b, K64, 0x10000, RW), 0);
	ck_assert_int_eq(att(dev, WIN(0), &pc), 0);
	dma_sees(DEV0, 0x10000, b);
	dma_faults(DEV0, 0x5000, 0x2);
	/* detach window 0: window 1 keeps working */
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, WIN(0)), 0);
	dma_faults(DEV0, 0x10000, 0x1);
	dma_sees(DEV0, W1 + 0x100, b + 0x100);
	/* the RID's two windows still collide with window 1 */
	pc = ic;
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pc), -EADDRINUSE);
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, WIN(1)), 0);
	dma_faults(DEV0, W1 + 0x100, 0x1);
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pc), 0);
	dma_sees(DEV0, 0x10000, b);
	/* and with the RID on both, a window attach is in use */
	pa = ia;
	ck_assert_int_eq(att(dev, WIN(0), &pa), -EADDRINUSE);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev), 0);
	ck_assert_int_eq(destroy(ia), 0);
	ck_assert_int_eq(destroy(ib), 0);
}
END_TEST

/* A RID on one window's HWPT and the other window per-window: the
 * windows the RID does not use stay free. Detaching the RID leaves
 * the window attachment in place. */
START_TEST(test_rid_one_window)
{
	struct iommusim_hwpt_ppc_tce_window g = {
		.start = 0, .size = 1ULL << 30, .page_shift = 12, .levels = 1
	};
	uint8_t *a = test_aligned(K64, K64), *b = test_aligned(K64, K64);
	uint32_t ia = ioas_alloc(), ib = ioas_alloc(), dev = bind(DEV0);
	uint32_t h0 = window_hwpt(dev, ia, &g, sizeof(g), 0), pb = ib;

	memset(a, 0x33, K64);
	memset(b, 0x44, K64);
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &h0), 0);
	ck_assert_int_eq(att(dev, WIN(1), &pb), 0);
	ck_assert_int_eq(map_at(ia, a, PAGE, 0x3ffff000, RW), 0);
	ck_assert_int_eq(map_at(ia, a, PAGE, 0x40000000, RW), -EINVAL);
	ck_assert_int_eq(map_at(ib, b, K64, W1 + K64, RW), 0);
	dma_sees(DEV0, 0x3ffff000, a);
	dma_sees(DEV0, W1 + K64, b);
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	dma_faults(DEV0, 0x3ffff000, 0x1);
	dma_sees(DEV0, W1 + K64, b);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev), 0);
	ck_assert_int_eq(destroy(h0), 0);
}
END_TEST

/* IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW: the user's geometry, its checks. A
 * second window HWPT on the same IOAS is fine (it is not attached). */
START_TEST(test_window_hwpt)
{
	struct iommusim_hwpt_ppc_tce_window g = {
		.start = W1, .size = 1ULL << 32, .page_shift = 21, .levels = 1
	};
	struct iommu_iova_range r[4];
	uint32_t ioas = ioas_alloc(), dev = bind(DEV0), vtd = bind(0), h;
	uint8_t *buf = test_aligned(4ULL << 20, 2ULL << 20);
	uint64_t align;
	struct { /* a longer struct */
		struct iommusim_hwpt_ppc_tce_window g;
		uint64_t tail;
	} big = { g, 1 };

	h = window_hwpt(dev, ioas, &g, sizeof(g), 0);
	ck_assert_uint_eq(ranges(ioas, r, 4, &align), 1);
	ck_assert_uint_eq(r[0].start, W1);
	ck_assert_uint_eq(r[0].last, W1 + (1ULL << 32) - 1);
	ck_assert_uint_eq(align, 2ULL << 20);
	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &h), 0);
	buf[0x1234] = 0x77;
	ck_assert_int_eq(map_at(ioas, buf, 2ULL << 20, W1 + (6ULL << 20), RW),
			 0);
	uint8_t got;
	struct dma_result res;
	char walk[512];

	ck_assert_int_eq(
		dma(DEV0, W1 + (6ULL << 20) + 0x1234, &got, 1, false, NULL), 0);
	ck_assert_uint_eq(got, 0x77);
	ck_assert_int_eq(iofd_sys_walk(sys, DEV0, IOMMU_NO_PASID,
				       W1 + (6ULL << 20), DMA_ACC_READ, walk,
				       sizeof(walk), &res),
			 0);
	ck_assert_uint_eq(res.xlat.page_size, 2ULL << 20);
	dma_faults(DEV0, 0x1000, 0x1); /* window 0 is closed */
	/* errors: the geometry is checked by the driver (EINVAL), unknown
	 * flags EOPNOTSUPP, the struct by iommu_copy_struct_from_user */
	g.page_shift = 13;
	window_hwpt(dev, ioas, &g, sizeof(g), -EINVAL);
	g.page_shift = 16;
	g.size = 0;
	window_hwpt(dev, ioas, &g, sizeof(g), -EINVAL);
	g.size = K64 * 3 + 1;
	window_hwpt(dev, ioas, &g, sizeof(g), -EINVAL);
	g.size = 1ULL << 40;
	g.start = W1 - (1ULL << 30); /* crosses into window 1 */
	window_hwpt(dev, ioas, &g, sizeof(g), -EINVAL);
	g.start = 0x8ULL << 60; /* bits 63:60 */
	window_hwpt(dev, ioas, &g, sizeof(g), -EINVAL);
	g.start = W1;
	g.levels = 6;
	window_hwpt(dev, ioas, &g, sizeof(g), -EINVAL);
	g.levels = 2;
	g.flags = 1;
	window_hwpt(dev, ioas, &g, sizeof(g), -EOPNOTSUPP);
	g.flags = 0;
	window_hwpt(dev, ioas, &g, sizeof(g) - 4, -EINVAL);
	big.g = g;
	/* longer than the struct: EINVAL, zero tail or not (main.c
	 * iofd_user_data, the v6.17 rule for driver data) */
	window_hwpt(dev, ioas, &big, sizeof(big), -EINVAL);
	big.tail = 0;
	window_hwpt(dev, ioas, &big, sizeof(big), -EINVAL);
	ck_assert_uint_ne(window_hwpt(dev, ioas, &g, sizeof(g), 0), 0);
	/* a device of another IOMMU has no windows */
	window_hwpt(vtd, ioas, &g, sizeof(g), -EOPNOTSUPP);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev), 0);
	ck_assert_int_eq(destroy(h), 0);
}
END_TEST

/* hw_info: iommusim's type, the PE and its windows. */
START_TEST(test_hw_info)
{
	struct iommusim_hw_info_ppc_tce d;
	struct iommu_hw_info hi = { .size = sizeof(hi),
				    .data_len = sizeof(d),
				    .data_uptr = (uintptr_t)&d };

	hi.dev_id = bind(DEV1);
	memset(&d, 0xff, sizeof(d));
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.out_data_type, IOMMUSIM_HW_INFO_TYPE_PPC_TCE);
	ck_assert_uint_eq(hi.data_len, sizeof(d));
	ck_assert_uint_eq(hi.out_capabilities, 0);
	ck_assert_uint_eq(hi.out_max_pasid_log2, 0);
	ck_assert_uint_eq(d.phb_gen, 4);
	ck_assert_uint_eq(d.pe, 2);
	ck_assert_uint_eq(d.nr_windows, 2);
	ck_assert_uint_eq(d.pgsize_bitmap & (1ULL << 12 | 1ULL << 16),
			  1ULL << 12 | 1ULL << 16);
	ck_assert_uint_eq(d.windows[0].start, 0);
	ck_assert_uint_eq(d.windows[0].size, 2ULL << 30);
	ck_assert_uint_eq(d.windows[0].page_shift, 12);
	ck_assert_uint_eq(d.windows[1].start, W1);
	ck_assert_uint_eq(d.windows[1].size, 1ULL << 40);
	ck_assert_uint_eq(d.windows[1].page_shift, 16);
	ck_assert_uint_eq(d.windows[1].levels, 2);
	ck_assert_uint_eq(d.__reserved, 0);
	/* asking for another type */
	hi.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	hi.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
}
END_TEST

/* The topology sets the 64-bit window and the PHB; bad values are
 * refused with a message. */
START_TEST(test_topology)
{
	struct iofd_topology t = { .nppc = 3,
				   .phb_gen = 3,
				   .tce_win64_bits = 36,
				   .tce_page_shift = 24,
				   .tce_levels = 1 };
	struct iofd_topology bad = { .tce_page_shift = 13 };
	struct iofd_topology none = { .nppc = IOFD_TOPO_NONE };
	struct iommu_iova_range r[4];
	struct iofd_dev_info info;
	struct iofd_sys *s2;
	uint64_t align;
	char err[160];

	teardown();
	up(&t);
	ck_assert_uint_eq(iofd_sys_ndevs(sys), 11);
	ck_assert_int_eq(iofd_sys_dev_info(sys, 10, &info), 0);
	ck_assert_str_eq(info.unit, "ppc_tce");
	ck_assert_uint_eq(info.rid, 0x300);
	uint32_t ioas = ioas_alloc(), dev = bind(10), pt = ioas;

	ck_assert_int_eq(att(dev, IOMMU_NO_PASID, &pt), 0);
	ck_assert_uint_eq(ranges(ioas, r, 4, &align), 2);
	ck_assert_uint_eq(r[1].last, W1 + (1ULL << 36) - 1);
	ck_assert_uint_eq(align, 1ULL << 24);
	ck_assert_int_eq(iofd_sys_create(&bad, &s2, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "window 1"));
	ck_assert_int_eq(iofd_sys_create(&none, &s2, err, sizeof(err)), 0);
	ck_assert_uint_eq(iofd_sys_ndevs(s2), 8);
	iofd_sys_destroy(s2);
}
END_TEST

/* Another PE's attachments are its own: device 1's RID (both windows)
 * joins the IOAS of device 0's window 1, whose usable ranges stay the
 * intersection. Closing the context with windows attached and maps in
 * both frees everything (ASan's leak check runs this too), and the
 * PEs' windows close. */
START_TEST(test_close_all)
{
	uint8_t *buf = test_aligned(2 * K64, K64);
	uint32_t ia = ioas_alloc(), ib = ioas_alloc();
	uint32_t d0 = bind(DEV0), d1 = bind(DEV1), pa = ia, pb = ib, pc = ib;
	struct iommu_iova_range r[4];
	uint64_t align;

	ck_assert_int_eq(att(d0, WIN(0), &pa), 0);
	ck_assert_int_eq(att(d0, WIN(1), &pb), 0);
	ck_assert_int_eq(att(d1, IOMMU_NO_PASID, &pc), 0);
	ck_assert_uint_ne(pc, pb);
	ck_assert_uint_eq(ranges(ib, r, 4, &align), 1);
	ck_assert_uint_eq(r[0].start, W1);
	ck_assert_int_eq(map_at(ia, buf, K64, 0, RW), 0);
	ck_assert_int_eq(map_at(ib, buf + K64, K64, W1, RW), 0);
	dma_sees(DEV0, 0, buf);
	dma_sees(DEV0, W1, buf + K64);
	dma_sees(DEV1, W1, buf + K64);
	dma_faults(DEV1, 0, 0x4); /* its window 0 has no table level yet */
	iommufd_sim_close(ctx);
	ctx = NULL;
	dma_faults(DEV0, 0, 0x1);
	dma_faults(DEV1, W1, 0x1);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, NULL, &ctx), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iofd_ppc");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_dma_windows);
	tcase_add_test(tc, test_tce_big_endian);
	tcase_add_test(tc, test_hole_in_use);
	tcase_add_test(tc, test_multi_attach);
	tcase_add_test(tc, test_rid_one_window);
	tcase_add_test(tc, test_window_hwpt);
	tcase_add_test(tc, test_hw_info);
	tcase_add_test(tc, test_topology);
	tcase_add_test(tc, test_close_all);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

// SPDX-License-Identifier: MIT
/*
 * test_iofd_mock.c - IOMMU_TEST_CMD and the selftest's mock driver, as
 * the kernel's tools/testing/selftests/iommu/iommufd.c drives them; each
 * case names the kernel function (drivers/iommu/iommufd/selftest.c and
 * friends) whose behaviour it mirrors.
 */
#define _GNU_SOURCE /* memfd_create */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check_main.h"
#include "iofd_test.h"
#include "uapi_sim/iommufd_test_uapi.h"

#define MPAGE 2048ULL
#define BASE MOCK_APERTURE_START

static void setup(void)
{
	ck_assert_int_eq(iommufd_sim_open(NULL, &ctx), 0);
}

static void teardown(void)
{
	iommufd_sim_close(ctx);
	ctx = NULL;
}

static int tcmd(uint32_t op, uint32_t id, struct iommu_test_cmd *c)
{
	c->size = sizeof(*c);
	c->op = op;
	c->id = id;
	return io(IOMMU_TEST_CMD, c);
}

struct mock {
	uint32_t stdev, hwpt, idev;
};

static int mock_domain(uint32_t pt, uint32_t flags, struct mock *m)
{
	struct iommu_test_cmd c = { 0 };
	int ret;

	c.mock_domain_flags.dev_flags = flags;
	ret = tcmd(flags ? IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS :
			   IOMMU_TEST_OP_MOCK_DOMAIN,
		   pt, &c);
	m->stdev = c.mock_domain.out_stdev_id;
	m->hwpt = c.mock_domain.out_hwpt_id;
	m->idev = c.mock_domain.out_idev_id;
	return ret;
}

static int unmap_all(uint32_t ioas)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .ioas_id = ioas,
				      .length = UINT64_MAX };

	return io(IOMMU_IOAS_UNMAP, &u);
}

static int check_map(uint32_t hwpt, uint64_t iova, uint64_t len, void *p)
{
	struct iommu_test_cmd c = { 0 };

	c.check_map.iova = iova;
	c.check_map.length = len;
	c.check_map.uptr = (uintptr_t)p;
	return tcmd(IOMMU_TEST_OP_MD_CHECK_MAP, hwpt, &c);
}

static int check_refs(void *p, uint64_t len, uint32_t refs)
{
	struct iommu_test_cmd c = { 0 };

	c.check_refs.uptr = (uintptr_t)p;
	c.check_refs.length = len;
	c.check_refs.refs = refs;
	return tcmd(IOMMU_TEST_OP_MD_CHECK_REFS, 0, &c);
}

static uint32_t hwpt_alloc(uint32_t dev, uint32_t pt, uint32_t flags)
{
	struct iommu_hwpt_alloc h = {
		.size = sizeof(h), .flags = flags, .dev_id = dev, .pt_id = pt
	};

	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	return h.out_hwpt_id;
}

/* selftest.c iommufd_test_mock_domain: the selftest object, the device
 * and the automatic HWPT take ids in that order; the mock's aperture and
 * 2 KiB pages show in IOVA_RANGES; mock_domain_hw_info. */
START_TEST(test_mock_domain)
{
	struct iommu_iova_range r[2];
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q),
					    .num_iovas = 2,
					    .allowed_iovas = (uintptr_t)r };
	struct iommu_test_hw_info info = { 0 };
	struct iommu_hw_info hi = { .size = sizeof(hi) };
	uint32_t ioas = ioas_alloc();
	struct mock m;

	ck_assert_int_eq(mock_domain(0, 0, &m), -ENOENT);
	ck_assert_int_eq(mock_domain(ioas, 1u << 7, &m), -EINVAL);
	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	ck_assert_uint_eq(m.stdev, 2);
	ck_assert_uint_eq(m.idev, 3);
	ck_assert_uint_eq(m.hwpt, 4);
	q.ioas_id = ioas;
	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), 0);
	ck_assert_uint_eq(q.num_iovas, 1);
	ck_assert_uint_eq(r[0].start, MOCK_APERTURE_START);
	ck_assert_uint_eq(r[0].last, MOCK_APERTURE_LAST);
	ck_assert_uint_eq(q.out_iova_alignment, MPAGE);
	hi.dev_id = m.idev;
	hi.data_len = sizeof(info);
	hi.data_uptr = (uintptr_t)&info;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.out_data_type, IOMMU_HW_INFO_TYPE_SELFTEST);
	ck_assert_uint_eq(info.test_reg, IOMMU_HW_INFO_SELFTEST_REGVAL);
	ck_assert_uint_eq(hi.out_capabilities, IOMMU_HW_CAP_DIRTY_TRACKING);
	ck_assert_uint_eq(hi.out_max_pasid_log2, 0);
	/* asked types: SELFTEST answers, any other EOPNOTSUPP */
	hi.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	hi.in_data_type = IOMMU_HW_INFO_TYPE_SELFTEST;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	hi.in_data_type = IOMMU_HW_INFO_TYPE_SELFTEST + 1;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
	hi.flags = 0;
	/* the device and the HWPT are held; the selftest object is not */
	ck_assert_int_eq(destroy(m.idev), -EBUSY);
	ck_assert_int_eq(destroy(m.hwpt), -EBUSY);
	ck_assert_int_eq(destroy(ioas), -EBUSY);
	ck_assert_int_eq(destroy(m.stdev), 0);
	ck_assert_int_eq(destroy(m.hwpt), -ENOENT); /* went with its device */
	ck_assert_int_eq(destroy(m.idev), -ENOENT);
	ck_assert_int_eq(destroy(ioas), 0);
	/* PASID-capable and NO_DIRTY devices report so */
	ioas = ioas_alloc();
	ck_assert_int_eq(mock_domain(ioas,
				     MOCK_FLAGS_DEVICE_PASID |
					     MOCK_FLAGS_DEVICE_NO_DIRTY,
				     &m),
			 0);
	hi.dev_id = m.idev;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.out_max_pasid_log2, MOCK_PASID_WIDTH);
	ck_assert_uint_eq(hi.out_capabilities, 0);
}
END_TEST

/* iommufd_test_md_check_pa and iommufd_test_md_check_refs: what the
 * domain maps is the user's memory; each page pinned once while any
 * domain maps it, shared by COPY, none once unmapped. */
START_TEST(test_check_map_refs)
{
	uint8_t *buf = pages(8);
	struct iommu_ioas_copy cp = { .size = sizeof(cp),
				      .flags = IOMMU_IOAS_MAP_FIXED_IOVA | RW,
				      .length = 8 * PAGE,
				      .src_iova = BASE,
				      .dst_iova = BASE + 0x100000 };
	uint32_t a = ioas_alloc(), b = ioas_alloc();
	struct mock ma, mb;

	ck_assert_int_eq(map_at(a, buf, 8 * PAGE, BASE, RW), 0);
	ck_assert_int_eq(check_refs(buf, 8 * PAGE, 0), 0); /* no domain yet */
	ck_assert_int_eq(mock_domain(a, 0, &ma), 0);
	ck_assert_int_eq(check_refs(buf, 8 * PAGE, 1), 0);
	ck_assert_int_eq(check_refs(buf, 8 * PAGE, 0), -EIO);
	ck_assert_int_eq(check_map(ma.hwpt, BASE, 8 * PAGE, buf), 0);
	ck_assert_int_eq(check_map(ma.hwpt, BASE + MPAGE, MPAGE, buf), -EINVAL);
	ck_assert_int_eq(check_map(ma.hwpt, BASE + 8 * PAGE, MPAGE,
				   buf + 8 * PAGE),
			 -EINVAL); /* not mapped */
	ck_assert_int_eq(check_map(ma.hwpt, BASE + 1, MPAGE, buf), -EINVAL);
	ck_assert_int_eq(check_map(a, BASE, MPAGE, buf), -ENOENT);
	ck_assert_int_eq(mock_domain(b, 0, &mb), 0);
	cp.src_ioas_id = a;
	cp.dst_ioas_id = b;
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &cp), 0);
	ck_assert_int_eq(check_map(mb.hwpt, BASE + 0x100000, 8 * PAGE, buf), 0);
	ck_assert_int_eq(check_refs(buf, 8 * PAGE, 1), 0);
	ck_assert_int_eq(unmap_all(a), 0);
	ck_assert_int_eq(check_refs(buf, 8 * PAGE, 1), 0);
	ck_assert_int_eq(unmap_all(b), 0);
	ck_assert_int_eq(check_refs(buf, 8 * PAGE, 0), 0);
	ck_assert_int_eq(check_refs(buf + 1, PAGE, 0), -EINVAL);
	munmap(buf, 8 * PAGE);
	ck_assert_int_eq(check_refs(buf, PAGE, 0), -EFAULT);
}
END_TEST

/* iommufd_device_do_replace through MOCK_DOMAIN_REPLACE: the new
 * automatic HWPT is made before the old one is freed, so its id is new
 * and the old id is free afterwards (fact sheet 3.1). */
START_TEST(test_replace)
{
	struct iommu_test_cmd c = { 0 };
	uint32_t a = ioas_alloc(), b = ioas_alloc(), h;
	struct mock m;

	ck_assert_int_eq(mock_domain(a, 0, &m), 0);
	c.mock_domain_replace.pt_id = b;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	ck_assert_uint_ne(c.mock_domain_replace.pt_id, m.hwpt);
	ck_assert_int_eq(destroy(m.hwpt), -ENOENT);
	h = hwpt_alloc(m.idev, a, 0);
	c.mock_domain_replace.pt_id = h;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	ck_assert_uint_eq(c.mock_domain_replace.pt_id, h);
	c.mock_domain_replace.pt_id = m.stdev;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 -EINVAL);
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.idev, &c),
			 -ENOENT);
	ck_assert_int_eq(destroy(h), -EBUSY);
}
END_TEST

/* iopt_reserve_iova through ADD_RESERVED. */
START_TEST(test_add_reserved)
{
	uint8_t *buf = pages(1);
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc();

	ck_assert_int_eq(map_at(ioas, buf, PAGE, 0x100000, RW), 0);
	c.add_reserved.start = 0x100000;
	c.add_reserved.length = PAGE;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_ADD_RESERVED, ioas, &c),
			 -EADDRINUSE);
	c.add_reserved.start = 0x200000;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_ADD_RESERVED, ioas, &c), 0);
	ck_assert_int_eq(map_at(ioas, buf, PAGE, 0x200000, RW), -EINVAL);
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_ADD_RESERVED, 99, &c), -ENOENT);
	c.memory_limit.limit = 11;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0, &c),
			 -EINVAL);
	c.memory_limit.limit = 16;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 0, &c), 0);
	ck_assert_int_eq(tcmd(99, 0, &c), -EOPNOTSUPP);
	munmap(buf, PAGE);
}
END_TEST

static int set_dirty(uint32_t hwpt, bool on)
{
	struct iommu_hwpt_set_dirty_tracking s = {
		.size = sizeof(s),
		.flags = on ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt
	};

	return io(IOMMU_HWPT_SET_DIRTY_TRACKING, &s);
}

static int mark(uint32_t hwpt, uint64_t iova, uint64_t len, uint64_t ps,
		uint64_t *bits, uint64_t *nr)
{
	struct iommu_test_cmd c = { 0 };
	int ret;

	c.dirty.iova = iova;
	c.dirty.length = len;
	c.dirty.page_size = ps;
	c.dirty.uptr = (uintptr_t)bits;
	ret = tcmd(IOMMU_TEST_OP_DIRTY, hwpt, &c);
	*nr = c.dirty.out_nr_dirty;
	return ret;
}

/* iommufd_test_dirty + mock_domain_read_and_clear_dirty, as the
 * selftest's iommufd_dirty_tracking fixture uses them; and the mock's
 * enforce_dirty rule (a NO_DIRTY device refuses a dirty domain). */
START_TEST(test_dirty)
{
	uint8_t *buf = pages(16);
	uint32_t ioas = ioas_alloc(), hw;
	uint64_t bits[1], nr;
	struct mock m, nd;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	hw = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	ck_assert_int_eq(map_at(ioas, buf, 16 * PAGE, BASE, RW), 0);
	/* tracking off: marking and reading are EINVAL */
	bits[0] = 1;
	ck_assert_int_eq(mark(hw, BASE, 32 * MPAGE, MPAGE, bits, &nr), -EINVAL);
	ck_assert_int_eq(get_dirty_bitmap(hw, BASE, 32 * MPAGE, MPAGE, bits, 0),
			 -EINVAL);
	ck_assert_int_eq(set_dirty(hw, true), 0);
	bits[0] = 0x5555555555555555ULL >> 32; /* every other of 32 */
	ck_assert_int_eq(mark(hw, BASE, 32 * MPAGE, MPAGE, bits, &nr), 0);
	ck_assert_uint_eq(nr, 16);
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(hw, BASE, 32 * MPAGE, MPAGE, bits,
					  IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR),
			 0);
	ck_assert_uint_eq(bits[0], 0x55555555u);
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(hw, BASE, 32 * MPAGE, MPAGE, bits, 0),
			 0);
	ck_assert_uint_eq(bits[0], 0x55555555u);
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(hw, BASE, 32 * MPAGE, MPAGE, bits, 0),
			 0);
	ck_assert_uint_eq(bits[0], 0);
	ck_assert_int_eq(mark(hw, BASE + 1, MPAGE, MPAGE, bits, &nr), -EINVAL);
	ck_assert_int_eq(mark(m.hwpt, BASE, MPAGE, MPAGE, bits, &nr),
			 -EINVAL); /* automatic domain: no tracking */
	/* a NO_DIRTY device: no dirty domain for it, none attaches it */
	ck_assert_int_eq(mock_domain(hw, MOCK_FLAGS_DEVICE_NO_DIRTY, &nd),
			 -EINVAL);
	ck_assert_int_eq(mock_domain(ioas, MOCK_FLAGS_DEVICE_NO_DIRTY, &nd), 0);
	{
		struct iommu_hwpt_alloc h = {
			.size = sizeof(h),
			.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			.dev_id = nd.idev,
			.pt_id = ioas
		};

		ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	}
	munmap(buf, 16 * PAGE);
}
END_TEST

/* A HUGE_IOVA device maps 1 MiB IO pages where IOVA and memory agree;
 * one dirty 2 KiB page reports the whole 1 MiB. */
START_TEST(test_dirty_huge)
{
	const uint64_t M1 = 1ULL << 20, M2 = 2ULL << 20;
	uint8_t *raw = pages(3 * 512), *buf;
	uint32_t ioas = ioas_alloc(), hw;
	uint64_t bits[16] = { 0 }, nr; /* 1024 IO pages */
	struct mock m;

	buf = (uint8_t *)(((uintptr_t)raw + M2 - 1) & ~(M2 - 1));
	ck_assert_int_eq(mock_domain(ioas, MOCK_FLAGS_DEVICE_HUGE_IOVA, &m), 0);
	hw = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	ck_assert_int_eq(map_at(ioas, buf, M2, BASE, RW), 0);
	ck_assert_int_eq(check_map(hw, BASE, M2, buf), 0);
	ck_assert_int_eq(set_dirty(hw, true), 0);
	bits[0] = 1u << 3; /* one IO page of the first 1 MiB */
	ck_assert_int_eq(mark(hw, BASE, M2, MPAGE, bits, &nr), 0);
	ck_assert_uint_eq(nr, 1);
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(hw, BASE, M2, M1 / 8, bits, 0), 0);
	ck_assert_uint_eq(bits[0], 0xff); /* all 8 bits of the first 1 MiB */
	munmap(raw, 3 * 512 * PAGE);
}
END_TEST

static int nested_alloc(uint32_t dev, uint32_t parent, uint32_t iotlb,
			uint32_t *out)
{
	struct iommu_hwpt_selftest data = { iotlb };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .dev_id = dev,
				      .pt_id = parent,
				      .data_type = IOMMU_HWPT_DATA_SELFTEST,
				      .data_len = sizeof(data),
				      .data_uptr = (uintptr_t)&data };
	int ret = io(IOMMU_HWPT_ALLOC, &h);

	*out = h.out_hwpt_id;
	return ret;
}

static int check_iotlb(uint32_t hwpt, uint32_t i, uint32_t v)
{
	struct iommu_test_cmd c = { 0 };

	c.check_iotlb.id = i;
	c.check_iotlb.iotlb = v;
	return tcmd(IOMMU_TEST_OP_MD_CHECK_IOTLB, hwpt, &c);
}

static int invalidate(uint32_t hwpt, uint32_t type, void *reqs, uint32_t len,
		      uint32_t *num)
{
	struct iommu_hwpt_invalidate inv = { .size = sizeof(inv),
					     .hwpt_id = hwpt,
					     .data_uptr = (uintptr_t)reqs,
					     .data_type = type,
					     .entry_len = len,
					     .entry_num = *num };
	int ret = io(IOMMU_HWPT_INVALIDATE, &inv);

	*num = inv.entry_num;
	return ret;
}

/* mock_domain_alloc_nested + mock_domain_cache_invalidate_user, as the
 * selftest's alloc_hwpt_nested checks them. */
START_TEST(test_nested)
{
	struct iommu_hwpt_invalidate_selftest reqs[2];
	uint32_t ioas = ioas_alloc(), parent, n, num;
	struct mock m;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	parent = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT);
	ck_assert_int_eq(nested_alloc(m.idev, m.hwpt, 0, &n), -EINVAL);
	ck_assert_int_eq(
		nested_alloc(m.idev, parent, IOMMU_TEST_IOTLB_DEFAULT, &n), 0);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_int_eq(check_iotlb(n, i, IOMMU_TEST_IOTLB_DEFAULT),
				 0);
	ck_assert_int_eq(check_iotlb(n, 4, IOMMU_TEST_IOTLB_DEFAULT), -EINVAL);
	ck_assert_int_eq(check_iotlb(parent, 0, 0), -ENOENT);
	/* the type is checked even for zero entries */
	num = 0;
	ck_assert_int_eq(invalidate(n,
				    IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
				    reqs, sizeof(reqs[0]), &num),
			 -EINVAL);
	num = 0;
	ck_assert_int_eq(invalidate(n, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				    reqs, sizeof(reqs[0]), &num),
			 0);
	reqs[0] = (struct iommu_hwpt_invalidate_selftest){ 0, 1 };
	reqs[1] = (struct iommu_hwpt_invalidate_selftest){ 0, 4 };
	num = 2;
	ck_assert_int_eq(invalidate(n, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				    reqs, sizeof(reqs[0]), &num),
			 -EINVAL);
	ck_assert_uint_eq(num, 1); /* the first was done */
	ck_assert_int_eq(check_iotlb(n, 1, 0), 0);
	ck_assert_int_eq(check_iotlb(n, 0, IOMMU_TEST_IOTLB_DEFAULT), 0);
	reqs[0] = (struct iommu_hwpt_invalidate_selftest){ 2, 0 };
	num = 1;
	ck_assert_int_eq(invalidate(n, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				    reqs, sizeof(reqs[0]), &num),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(num, 0);
	reqs[0] = (struct iommu_hwpt_invalidate_selftest){
		IOMMU_TEST_INVALIDATE_FLAG_ALL, 0
	};
	num = 1;
	ck_assert_int_eq(invalidate(n, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
				    reqs, sizeof(reqs[0]), &num),
			 0);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_int_eq(check_iotlb(n, i, 0), 0);
	/* the device moves to the nested HWPT and back */
	{
		struct iommu_test_cmd c = { 0 };

		c.mock_domain_replace.pt_id = n;
		ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
				      m.stdev, &c),
				 0);
		ck_assert_int_eq(destroy(n), -EBUSY);
		c.mock_domain_replace.pt_id = parent;
		ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
				      m.stdev, &c),
				 0);
	}
	ck_assert_int_eq(destroy(n), 0);
}
END_TEST

static int create_access(uint32_t ioas, uint32_t flags, uint32_t *fd)
{
	struct iommu_test_cmd c = { 0 };
	int ret;

	c.create_access.flags = flags;
	ret = tcmd(IOMMU_TEST_OP_CREATE_ACCESS, ioas, &c);
	*fd = c.create_access.out_access_fd;
	return ret;
}

static int access_pages(uint32_t fd, uint64_t iova, uint64_t len, void *p,
			uint32_t flags, uint32_t *id)
{
	struct iommu_test_cmd c = { 0 };
	int ret;

	c.access_pages.iova = iova;
	c.access_pages.length = len;
	c.access_pages.uptr = (uintptr_t)p;
	c.access_pages.flags = flags;
	ret = tcmd(IOMMU_TEST_OP_ACCESS_PAGES, fd, &c);
	*id = c.access_pages.out_access_pages_id;
	return ret;
}

static int access_rw(uint32_t fd, uint64_t iova, void *p, uint64_t len,
		     uint32_t flags)
{
	struct iommu_test_cmd c = { 0 };

	c.access_rw.iova = iova;
	c.access_rw.length = len;
	c.access_rw.uptr = (uintptr_t)p;
	c.access_rw.flags = flags;
	return tcmd(IOMMU_TEST_OP_ACCESS_RW, fd, &c);
}

/* iommufd_access_pin_pages / _rw / the selftest access's unmap callback:
 * pins that count as pins, copies at any alignment, EPERM and ENOENT. */
START_TEST(test_access)
{
	uint8_t *buf = pages(4), got[64];
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc(), fd, plain, id, id2;

	for (int i = 0; i < 4 * 4096; i++)
		buf[i] = (uint8_t)(i * 13);
	ck_assert_int_eq(create_access(ioas, 2, &fd), -EOPNOTSUPP);
	ck_assert_int_eq(create_access(99, 0, &fd), -ENOENT);
	ck_assert_int_eq(create_access(ioas,
				       MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
				       &fd),
			 0);
	ck_assert_int_eq(destroy(fd), -EBUSY);
	ck_assert_int_eq(destroy(ioas), -EBUSY);
	ck_assert_int_eq(map_at(ioas, buf, 2 * PAGE, 0x10000, RW), 0);
	ck_assert_int_eq(map_at(ioas, buf + 2 * PAGE, 2 * PAGE, 0x12000,
				IOMMU_IOAS_MAP_READABLE),
			 0);
	ck_assert_int_eq(access_pages(fd, 0x10000, 4 * PAGE, buf, 0, &id), 0);
	ck_assert_int_eq(check_refs(buf, 4 * PAGE, 1), 0);
	ck_assert_int_eq(access_pages(fd, 0x10000, PAGE, buf + PAGE, 0, &id2),
			 -EBADE);
	ck_assert_int_eq(access_pages(fd, 0x12000, PAGE, buf + 2 * PAGE,
				      MOCK_FLAGS_ACCESS_WRITE, &id2),
			 -EPERM);
	ck_assert_int_eq(access_pages(fd, 0x20000, PAGE, NULL, 0, &id2),
			 -ENOENT);
	ck_assert_int_eq(access_pages(fd, 0x10000, 17 << 20, NULL, 0, &id2),
			 -ENOMEM);
	ck_assert_int_eq(access_pages(fd + 1, 0x10000, PAGE, NULL, 0, &id2),
			 -EBADFD);
	c.destroy_access_pages.access_pages_id = id + 7;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, fd, &c),
			 -ENOENT);
	c.destroy_access_pages.access_pages_id = id;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, fd, &c), 0);
	ck_assert_int_eq(check_refs(buf, 4 * PAGE, 0), 0);
	/* an unmap makes the access let go first */
	ck_assert_int_eq(access_pages(fd, 0x10000, PAGE, buf, 0, &id), 0);
	ck_assert_int_eq(check_refs(buf, PAGE, 1), 0);
	{
		struct iommu_ioas_unmap u = { .size = sizeof(u),
					      .ioas_id = ioas,
					      .iova = 0x10000,
					      .length = 2 * PAGE };

		ck_assert_int_eq(io(IOMMU_IOAS_UNMAP, &u), 0);
	}
	ck_assert_int_eq(check_refs(buf, PAGE, 0), 0);
	/* rw at odd offsets, across two areas, and its errors */
	ck_assert_int_eq(map_at(ioas, buf, 2 * PAGE, 0x10000, RW), 0);
	ck_assert_int_eq(access_rw(fd, 0x10000 + 2 * PAGE - 7, got, 20, 0), 0);
	ck_assert_mem_eq(got, buf + 2 * PAGE - 7, 20);
	memset(got, 0xee, sizeof(got));
	ck_assert_int_eq(
		access_rw(fd, 0x10000 + 3, got, 5, MOCK_ACCESS_RW_WRITE), 0);
	ck_assert_uint_eq(buf[3], 0xee);
	ck_assert_uint_eq(buf[8], 8 * 13);
	ck_assert_int_eq(access_rw(fd, 0x12000, got, 4, MOCK_ACCESS_RW_WRITE),
			 -EPERM);
	ck_assert_int_eq(access_rw(fd, 0x30000, got, 4, 0), -ENOENT);
	ck_assert_int_eq(access_rw(fd, 0x10000, got, 0, 0), -EINVAL);
	ck_assert_int_eq(access_rw(fd, 0x10000, got, 4, 1u << 1), -EOPNOTSUPP);
	/* an access that does not pin cannot pin */
	ck_assert_int_eq(create_access(ioas, 0, &plain), 0);
	ck_assert_int_eq(access_pages(plain, 0x10000, PAGE, NULL, 0, &id2),
			 -EOPNOTSUPP);
	ck_assert_int_eq(access_rw(plain, 0x10000, got, 8, 0), 0);
	/* replace moves it; closing it drops its pins */
	c.access_replace_ioas.ioas_id = ioas_alloc();
	ck_assert_int_eq(access_pages(fd, 0x10000, PAGE, buf, 0, &id), 0);
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, fd, &c), 0);
	ck_assert_int_eq(check_refs(buf, PAGE, 0), 0);
	ck_assert_int_eq(access_rw(fd, 0x10000, got, 4, 0), -ENOENT);
	ck_assert_int_eq(iommufd_sim_access_close(ctx, fd), 0);
	ck_assert_int_eq(iommufd_sim_access_close(ctx, fd), -EBADF);
	ck_assert_int_eq(iommufd_sim_access_close(ctx, plain), 0);
	ck_assert_int_eq(destroy(ioas), 0);
	munmap(buf, 4 * PAGE);
}
END_TEST

static int map_file(uint32_t ioas, int fd, uint64_t start, uint64_t len,
		    uint64_t iova, uint32_t prot)
{
	struct iommu_ioas_map_file m = { .size = sizeof(m),
					 .flags = prot |
						  IOMMU_IOAS_MAP_FIXED_IOVA,
					 .ioas_id = ioas,
					 .fd = fd,
					 .start = start,
					 .length = len,
					 .iova = iova };

	return io(IOMMU_IOAS_MAP_FILE, &m);
}

/* ioas.c iommufd_ioas_map_file + pages.c file pages: a memfd mapped by
 * file and by address is the same memory to MD_CHECK_MAP and
 * MD_CHECK_REFS (the selftest's one_domain_file variants); EBADF, EPERM,
 * EFAULT past the end once pinned; CHANGE_PROCESS allows file areas. */
START_TEST(test_map_file)
{
	struct iommu_ioas_change_process chp = { .size = sizeof(chp) };
	int mfd = memfd_create("iofd", 0), ro;
	uint32_t ioas = ioas_alloc(), ioas2 = ioas_alloc();
	uint8_t *mbuf, *anon = pages(1);
	struct mock m;

	ck_assert_int_ge(mfd, 0);
	ck_assert_int_eq(ftruncate(mfd, 16 * PAGE), 0);
	mbuf = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd,
		    0);
	ck_assert(mbuf != MAP_FAILED);
	ck_assert_int_eq(map_file(ioas, -1, 0, PAGE, BASE, RW), -EBADF);
	ck_assert_int_eq(map_file(ioas, mfd, 0, PAGE, BASE, 0), -EINVAL);
	ck_assert_int_eq(map_file(99, mfd, 0, PAGE, BASE, RW), -ENOENT);
	ck_assert_int_eq(map_file(ioas, mfd, 2 * PAGE, 8 * PAGE, BASE, RW), 0);
	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &chp), 0);
	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	ck_assert_int_eq(check_map(m.hwpt, BASE, 8 * PAGE, mbuf + 2 * PAGE), 0);
	ck_assert_int_eq(check_map(m.hwpt, BASE, PAGE, mbuf), -EINVAL);
	ck_assert_int_eq(check_refs(mbuf + 2 * PAGE, 8 * PAGE, 1), 0);
	ck_assert_int_eq(check_refs(mbuf, 2 * PAGE, 0), 0);
	/* the same memory by address as well: two pins */
	ck_assert_int_eq(
		map_at(ioas, mbuf + 2 * PAGE, PAGE, BASE + 0x100000, RW), 0);
	ck_assert_int_eq(
		check_map(m.hwpt, BASE + 0x100000, PAGE, mbuf + 2 * PAGE), 0);
	ck_assert_int_eq(check_refs(mbuf + 2 * PAGE, PAGE, 2), 0);
	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &chp), -EINVAL);
	/* past the end of the file: nothing to pin, EINVAL as
	 * memfd_pin_folios says (the v6.17 selftest checks it) */
	ck_assert_int_eq(map_file(ioas, mfd, 12 * PAGE, 8 * PAGE,
				  BASE + 0x200000, RW),
			 -EINVAL);
	/* a file not open for writing maps only read-only */
	ro = open("/proc/self/exe", O_RDONLY);
	ck_assert_int_ge(ro, 0);
	ck_assert_int_eq(map_file(ioas2, ro, 0, PAGE, BASE, RW), -EPERM);
	ck_assert_int_eq(
		map_file(ioas2, ro, 0, PAGE, BASE, IOMMU_IOAS_MAP_READABLE), 0);
	close(ro);
	ck_assert_int_eq(unmap_all(ioas), 0);
	ck_assert_int_eq(check_refs(mbuf, 16 * PAGE, 0), 0);
	/* anonymous private memory is its own address only */
	ck_assert_int_eq(map_at(ioas, anon, PAGE, BASE, RW), 0);
	ck_assert_int_eq(check_map(m.hwpt, BASE, PAGE, anon), 0);
	ck_assert_int_eq(check_map(m.hwpt, BASE, PAGE, mbuf), -EINVAL);
	munmap(mbuf, 16 * PAGE);
	munmap(anon, PAGE);
	close(mfd);
}
END_TEST

static int pasid_cmd(uint32_t op, uint32_t stdev, uint32_t pasid, uint32_t pt)
{
	struct iommu_test_cmd c = { 0 };

	c.pasid_attach.pasid = pasid;
	c.pasid_attach.pt_id = pt;
	return tcmd(op, stdev, &c);
}

static int pasid_check(uint32_t stdev, uint32_t pasid, uint32_t hwpt)
{
	struct iommu_test_cmd c = { 0 };

	c.pasid_check.pasid = pasid;
	c.pasid_check.hwpt_id = hwpt;
	return tcmd(IOMMU_TEST_OP_PASID_CHECK_HWPT, stdev, &c);
}

/* iommufd_hwpt_pasid_compat and the PASID attach records, through the
 * selftest's PASID ops (as iommufd_device_pasid.pasid_attach uses them):
 * compatibility both ways, EBUSY, replace, the planted ENOMEM of PASID
 * 1024 and its rollback, detach of nothing. */
START_TEST(test_pasid)
{
	struct iommu_hwpt_selftest data = { IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .flags = IOMMU_HWPT_ALLOC_PASID,
				      .data_type = IOMMU_HWPT_DATA_SELFTEST,
				      .data_len = sizeof(data),
				      .data_uptr = (uintptr_t)&data };
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc(), plain, parent, nested;
	struct mock m, np;

	ck_assert_int_eq(mock_domain(ioas, MOCK_FLAGS_DEVICE_PASID, &m), 0);
	plain = hwpt_alloc(m.idev, ioas, 0);
	parent = hwpt_alloc(m.idev, ioas,
			    IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_PASID);
	h.dev_id = m.idev;
	h.pt_id = parent;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	nested = h.out_hwpt_id;
	/* not PASID-compatible HWPTs, or the RID on one: EINVAL */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev, 100,
				   plain),
			 -EINVAL);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev, 100,
				   nested),
			 -EINVAL); /* the RID is on its automatic HWPT */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev, 100,
				   ioas),
			 -EINVAL);
	ck_assert_int_eq(pasid_check(m.stdev, 100, 0), 0);
	c.mock_domain_replace.pt_id = parent;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	ck_assert_int_eq(
		pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev, 100, nested), 0);
	ck_assert_int_eq(pasid_check(m.stdev, 100, nested), 0);
	ck_assert_int_eq(pasid_check(m.stdev, 100, 0), -EINVAL);
	ck_assert_int_eq(pasid_check(m.stdev, 100, parent), -EINVAL);
	ck_assert_int_eq(pasid_check(m.stdev, 0, parent), 0); /* the RID */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev, 100,
				   nested),
			 -EBUSY);
	ck_assert_int_eq(destroy(nested), -EBUSY);
	/* another HWPT on the attached PASID: still EBUSY (the device's own
	 * record is checked before the HWPTs are compared) */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev, 100,
				   parent),
			 -EBUSY);
	/* the RID cannot leave for a HWPT without PASID while one is on */
	c.mock_domain_replace.pt_id = plain;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 -EINVAL);
	/* replace */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_REPLACE, m.stdev, 200,
				   parent),
			 -EINVAL);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_REPLACE, m.stdev, 100,
				   ioas),
			 -EINVAL);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_REPLACE, m.stdev, 100,
				   parent),
			 0);
	ck_assert_int_eq(pasid_check(m.stdev, 100, parent), 0);
	ck_assert_int_eq(destroy(nested), 0);
	/* PASID 1024: the second change into a domain fails, nothing moves */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, m.stdev,
				   IOMMU_TEST_PASID_RESERVED, parent),
			 0);
	h.flags = IOMMU_HWPT_ALLOC_PASID;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	nested = h.out_hwpt_id;
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_REPLACE, m.stdev,
				   IOMMU_TEST_PASID_RESERVED, nested),
			 -ENOMEM);
	ck_assert_int_eq(
		pasid_check(m.stdev, IOMMU_TEST_PASID_RESERVED, parent), 0);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_REPLACE, m.stdev,
				   IOMMU_TEST_PASID_RESERVED, nested),
			 0);
	/* detach, also of nothing */
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_DETACH, m.stdev, 100, 0),
			 0);
	ck_assert_int_eq(pasid_check(m.stdev, 100, 0), 0);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_DETACH, m.stdev, 100, 0),
			 0);
	/* a device without PASID support */
	ck_assert_int_eq(mock_domain(ioas, 0, &np), 0);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, np.stdev, 100,
				   parent),
			 -EINVAL);
	ck_assert_int_eq(pasid_cmd(IOMMU_TEST_OP_PASID_ATTACH, 99, 100, parent),
			 -ENOENT);
	/* destroying the device drops its PASIDs */
	ck_assert_int_eq(destroy(m.stdev), 0);
	ck_assert_int_eq(destroy(nested), 0);
}
END_TEST

static int trigger_iopf(uint32_t dev, uint32_t pasid, uint64_t addr)
{
	struct iommu_test_cmd c = { 0 };

	c.trigger_iopf.dev_id = dev;
	c.trigger_iopf.pasid = pasid;
	c.trigger_iopf.grpid = 0x2;
	c.trigger_iopf.perm = IOMMU_PGFAULT_PERM_READ |
			      IOMMU_PGFAULT_PERM_WRITE;
	c.trigger_iopf.addr = addr;
	return tcmd(IOMMU_TEST_OP_TRIGGER_IOPF, 0, &c);
}

static int64_t respond(uint32_t fd, uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response r = { cookie, code };

	return iommufd_sim_fault_write(ctx, fd, (uintptr_t)&r, sizeof(r), 0);
}

/* eventq.c IOMMU_FAULT_QUEUE_ALLOC and the fault fd, with the selftest's
 * TRIGGER_IOPF into a nested HWPT made with FAULT_ID_VALID: records,
 * cookies (lowest free from 1), responses, ESPIPE, and the automatic
 * answer when the device leaves the HWPT. */
START_TEST(test_fault)
{
	struct iommu_hwpt_selftest data = { IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_fault_alloc fa = { .size = sizeof(fa), .flags = 1 };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .flags = IOMMU_HWPT_FAULT_ID_VALID,
				      .data_type = IOMMU_HWPT_DATA_SELFTEST,
				      .data_len = sizeof(data),
				      .data_uptr = (uintptr_t)&data };
	struct iommu_hwpt_pgfault rec[2];
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc(), parent, iopf;
	struct mock m;

	ck_assert_int_eq(io(IOMMU_FAULT_QUEUE_ALLOC, &fa), -EOPNOTSUPP);
	fa.flags = 0;
	ck_assert_int_eq(io(IOMMU_FAULT_QUEUE_ALLOC, &fa), 0);
	ck_assert_int_eq(destroy(fa.out_fault_id), -EBUSY); /* the fd */
	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	parent = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT);
	h.dev_id = m.idev;
	h.pt_id = parent;
	h.fault_id = fa.out_fault_id;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	iopf = h.out_hwpt_id;
	/* not attached to it yet: the request goes nowhere */
	ck_assert_int_eq(trigger_iopf(m.idev, 0, 0x1000), 0);
	ck_assert_int_eq(iommufd_sim_fault_pending(ctx, fa.out_fault_fd), 0);
	c.mock_domain_replace.pt_id = iopf;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	ck_assert_int_eq(trigger_iopf(m.idev, 0, 0xdeadbeaf000), 0);
	ck_assert_int_eq(trigger_iopf(99, 0, 0), -ENOENT);
	ck_assert_int_eq(iommufd_sim_fault_pending(ctx, fa.out_fault_fd), 1);
	ck_assert_int_eq(iommufd_sim_fault_read(ctx, fa.out_fault_fd,
						(uintptr_t)rec, 39, 0),
			 -ESPIPE);
	ck_assert_int_eq(iommufd_sim_fault_read(ctx, fa.out_fault_fd,
						(uintptr_t)rec, 40, 8),
			 -ESPIPE);
	ck_assert_int_eq(iommufd_sim_fault_read(ctx, fa.out_fault_fd,
						(uintptr_t)rec, sizeof(rec), 0),
			 40);
	ck_assert_uint_eq(rec[0].flags, IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	ck_assert_uint_eq(rec[0].dev_id, m.idev);
	ck_assert_uint_eq(rec[0].grpid, 2);
	ck_assert_uint_eq(rec[0].perm, 3);
	ck_assert_uint_eq(rec[0].addr, 0xdeadbeaf000);
	ck_assert_uint_eq(rec[0].length, 0);
	ck_assert_uint_eq(rec[0].cookie, 1);
	ck_assert_int_eq(trigger_iopf(m.idev, 0, 0x2000), 0);
	ck_assert_int_eq(iommufd_sim_fault_read(ctx, fa.out_fault_fd,
						(uintptr_t)rec, sizeof(rec), 0),
			 40);
	ck_assert_uint_eq(rec[0].cookie, 2);
	ck_assert_int_eq(respond(fa.out_fault_fd, 1, 2), -EINVAL);
	ck_assert_int_eq(respond(fa.out_fault_fd, 99, 0), -EINVAL);
	ck_assert_int_eq(respond(fa.out_fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS),
			 8);
	ck_assert_int_eq(respond(fa.out_fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS),
			 -EINVAL);
	ck_assert_int_eq(trigger_iopf(m.idev, 0, 0x3000), 0);
	ck_assert_int_eq(iommufd_sim_fault_read(ctx, fa.out_fault_fd,
						(uintptr_t)rec, sizeof(rec), 0),
			 40);
	ck_assert_uint_eq(rec[0].cookie, 1); /* the lowest free again */
	/* a PASID with no attach of its own: the mock's PASID table is the
	 * user's, so the request goes to the RID's nested HWPT */
	ck_assert_int_eq(trigger_iopf(m.idev, 1, 0x4000), 0);
	ck_assert_int_eq(iommufd_sim_fault_read(ctx, fa.out_fault_fd,
						(uintptr_t)rec, sizeof(rec), 0),
			 40);
	ck_assert_uint_eq(rec[0].pasid, 1);
	ck_assert_uint_eq(rec[0].flags,
			  IOMMU_PGFAULT_FLAGS_LAST_PAGE |
				  IOMMU_PGFAULT_FLAGS_PASID_VALID);
	ck_assert_uint_eq(rec[0].addr, 0x4000);
	/* leaving the HWPT answers what the device had outstanding */
	c.mock_domain_replace.pt_id = parent;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	ck_assert_int_eq(respond(fa.out_fault_fd, 2, IOMMUFD_PAGE_RESP_SUCCESS),
			 -EINVAL);
	/* the HWPT and the fd hold the object */
	ck_assert_int_eq(iommufd_sim_fault_close(ctx, fa.out_fault_fd), 0);
	ck_assert_int_eq(iommufd_sim_fault_pending(ctx, fa.out_fault_fd),
			 -EBADF);
	ck_assert_int_eq(destroy(fa.out_fault_id), -EBUSY);
	ck_assert_int_eq(destroy(iopf), 0);
	ck_assert_int_eq(destroy(fa.out_fault_id), 0);
}
END_TEST

static int viommu_alloc(uint32_t dev, uint32_t hwpt, uint32_t type, void *data,
			uint32_t len, uint32_t *out)
{
	struct iommu_viommu_alloc v = { .size = sizeof(v),
					.type = type,
					.dev_id = dev,
					.hwpt_id = hwpt,
					.data_len = len,
					.data_uptr = (uintptr_t)data };
	int ret = io(IOMMU_VIOMMU_ALLOC, &v);

	*out = v.out_viommu_id;
	return ret;
}

static int vdevice_alloc(uint32_t viommu, uint32_t dev, uint64_t virt,
			 uint32_t *out)
{
	struct iommu_vdevice_alloc v = { .size = sizeof(v),
					 .viommu_id = viommu,
					 .dev_id = dev,
					 .virt_id = virt };
	int ret = io(IOMMU_VDEVICE_ALLOC, &v);

	*out = v.out_vdevice_id;
	return ret;
}

static int check_cache(uint32_t idev, uint32_t i, uint32_t v)
{
	struct iommu_test_cmd c = { 0 };

	c.check_dev_cache.id = i;
	c.check_dev_cache.cache = v;
	return tcmd(IOMMU_TEST_OP_DEV_CHECK_CACHE, idev, &c);
}

/* viommu.c (kernel viommu.c) with the mock's vIOMMU, as the selftest's
 * iommufd_viommu fixture drives it: allocation errors, user data
 * loopback, vDEVICEs, nested HWPTs on the vIOMMU (a device needs its
 * vDEVICE to attach), the device-cache invalidation, references. */
START_TEST(test_viommu)
{
	struct iommu_viommu_selftest vdata = { .in_data = 0xbeef };
	struct iommu_hwpt_selftest data = { IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .data_type = IOMMU_HWPT_DATA_SELFTEST,
				      .data_len = sizeof(data),
				      .data_uptr = (uintptr_t)&data };
	struct iommu_viommu_invalidate_selftest inv[2];
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc(), parent, v, v2, vd, vd2, nested, num;
	struct mock m, m2;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	ck_assert_int_eq(mock_domain(ioas, 0, &m2), 0);
	parent = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT);
	ck_assert_int_eq(viommu_alloc(m.idev, parent, 0, NULL, 0, &v),
			 -EOPNOTSUPP);
	ck_assert_int_eq(viommu_alloc(m.idev, parent, 0xdead, NULL, 0, &v),
			 -EOPNOTSUPP);
	ck_assert_int_eq(viommu_alloc(99, parent, IOMMU_VIOMMU_TYPE_SELFTEST,
				      NULL, 0, &v),
			 -ENOENT);
	ck_assert_int_eq(viommu_alloc(m.idev, 0, IOMMU_VIOMMU_TYPE_SELFTEST,
				      NULL, 0, &v),
			 -ENOENT);
	ck_assert_int_eq(viommu_alloc(m.idev, m.hwpt,
				      IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &v),
			 -EINVAL); /* not NEST_PARENT */
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, &vdata,
				      sizeof(vdata), &v),
			 0);
	ck_assert_uint_eq(vdata.out_data, 0xbeef);
	ck_assert_int_eq(destroy(parent), -EBUSY);
	/* vDEVICEs: one per device, one per virtual id */
	ck_assert_int_eq(vdevice_alloc(v, 99, 0x99, &vd), -ENOENT);
	ck_assert_int_eq(vdevice_alloc(99, m.idev, 0x99, &vd), -ENOENT);
	ck_assert_int_eq(vdevice_alloc(v, m.idev, 0x99, &vd), 0);
	ck_assert_int_eq(vdevice_alloc(v, m.idev, 0x88, &vd2), -EEXIST);
	ck_assert_int_eq(vdevice_alloc(v, m2.idev, 0x99, &vd2), -EEXIST);
	ck_assert_int_eq(destroy(v), -EBUSY);
	/* a nested HWPT on the vIOMMU; m2 has no vDEVICE: ENOENT */
	h.dev_id = m.idev;
	h.pt_id = v;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	nested = h.out_hwpt_id;
	c.mock_domain_replace.pt_id = nested;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m2.stdev, &c),
			 -ENOENT);
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	/* the device cache, invalidated through the vIOMMU */
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_int_eq(check_cache(m.idev, i,
					     IOMMU_TEST_DEV_CACHE_DEFAULT),
				 0);
	num = 0;
	ck_assert_int_eq(invalidate(v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
				    inv, sizeof(inv[0]), &num),
			 0);
	ck_assert_int_eq(
		invalidate(v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID,
			   inv, sizeof(inv[0]), &num),
		-EINVAL);
	inv[0] = (struct iommu_viommu_invalidate_selftest){ 0, 0x99, 1 };
	inv[1] = (struct iommu_viommu_invalidate_selftest){ 0, 0x77, 2 };
	num = 2;
	ck_assert_int_eq(invalidate(v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
				    inv, sizeof(inv[0]), &num),
			 -EINVAL); /* no vDEVICE 0x77 */
	ck_assert_uint_eq(num, 1);
	ck_assert_int_eq(check_cache(m.idev, 1, 0), 0);
	ck_assert_int_eq(check_cache(m.idev, 2, IOMMU_TEST_DEV_CACHE_DEFAULT),
			 0);
	inv[0] = (struct iommu_viommu_invalidate_selftest){ 0, 0x99, 4 };
	num = 1;
	ck_assert_int_eq(invalidate(v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
				    inv, sizeof(inv[0]), &num),
			 -EINVAL);
	ck_assert_uint_eq(num, 0);
	inv[0] = (struct iommu_viommu_invalidate_selftest){
		IOMMU_TEST_INVALIDATE_FLAG_ALL, 0x99, 0
	};
	num = 1;
	ck_assert_int_eq(invalidate(v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
				    inv, sizeof(inv[0]), &num),
			 0);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_int_eq(check_cache(m.idev, i, 0), 0);
	/* the device goes: its vDEVICE goes too and its id stays taken */
	ck_assert_int_eq(destroy(m.stdev), 0);
	ck_assert_int_eq(destroy(vd), -ENOENT);
	ck_assert_int_eq(viommu_alloc(m2.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &v2),
			 0);
	ck_assert_uint_ne(v2, vd);
	ck_assert_int_eq(destroy(nested), 0);
	ck_assert_int_eq(destroy(v), 0);
	ck_assert_int_eq(destroy(v2), 0);
	ck_assert_int_eq(destroy(parent), 0);
}
END_TEST

/* The mock vIOMMU's mmap region (kernel mock_viommu_init and
 * iommufd_fops_mmap, v6.17): two pages at a non-zero offset, first word
 * in_data; only the exact offset and length map; a mapping holds the
 * vIOMMU; regions are placed lowest-first and reused after a destroy. */
START_TEST(test_viommu_mmap)
{
	struct iommu_viommu_selftest d1 = { .in_data = 0xbeef };
	struct iommu_viommu_selftest d2 = { .in_data = 0xcafe };
	struct iommu_viommu_selftest d3 = { .in_data = 7 };
	uint32_t ioas = ioas_alloc(), parent, v1, v2, v3, word;
	const unsigned int sh = IOMMUSIM_MMAP_SHARED;
	const void *p;
	struct mock m;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	parent = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT);
	/* 8 bytes (in_data, out_data) is the smallest accepted struct */
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, &d1, 4, &v1),
			 -EINVAL);
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, &d1,
				      sizeof(d1), &v1),
			 0);
	ck_assert_uint_eq(d1.out_mmap_offset, 4096); /* page 0 is skipped */
	ck_assert_uint_eq(d1.out_mmap_length, 8192);
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, &d2,
				      sizeof(d2), &v2),
			 0);
	ck_assert_uint_eq(d2.out_mmap_offset, 4096 + 8192);
	/* the selftest's four ENXIO cases, then the other errors */
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096 + 4096, 8192, sh, &p),
			 -ENXIO);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096 + 8192 + 8192, 8192, sh,
					  &p),
			 -ENXIO);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096, 4096, sh, &p), -ENXIO);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096, 16384, sh, &p), -ENXIO);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 0, 8192, sh, &p), -ENXIO);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096, 100, sh, &p), -EINVAL);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096, 8192, 0, &p), -EINVAL);
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096, 8192,
					  sh | IOMMUSIM_MMAP_EXEC, &p),
			 -EPERM);
	ck_assert_int_eq(iommufd_sim_munmap(ctx, 4096), -EINVAL);
	/* a mapping sees in_data and holds the vIOMMU */
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096 + 8192, 8192, sh, &p), 0);
	memcpy(&word, p, sizeof(word));
	ck_assert_uint_eq(word, 0xcafe);
	ck_assert_int_eq(destroy(v2), -EBUSY);
	ck_assert_int_eq(iommufd_sim_munmap(ctx, 4096 + 8192), 0);
	ck_assert_int_eq(destroy(v2), 0);
	/* the freed range is reused: lowest fit */
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096 + 8192, 8192, sh, &p),
			 -ENXIO);
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, &d3,
				      sizeof(d3), &v3),
			 0);
	ck_assert_uint_eq(d3.out_mmap_offset, 4096 + 8192);
	/* a vIOMMU without user data has no region */
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &v2),
			 0);
	/* left mapped: close drops the mapping, then frees everything
	 * (LSan checks nothing leaks) */
	ck_assert_int_eq(iommufd_sim_mmap(ctx, 4096, 8192, sh, &p), 0);
	ck_assert_int_eq(destroy(v1), -EBUSY);
	(void)v3;
}
END_TEST

static int veventq_alloc(uint32_t viommu, uint32_t type, uint32_t depth,
			 uint32_t *fd)
{
	struct iommu_veventq_alloc q = { .size = sizeof(q),
					 .viommu_id = viommu,
					 .type = type,
					 .veventq_depth = depth };
	int ret = io(IOMMU_VEVENTQ_ALLOC, &q);

	*fd = q.out_veventq_fd;
	return ret;
}

static int trigger_vevent(uint32_t dev)
{
	struct iommu_test_cmd c = { 0 };

	c.trigger_vevent.dev_id = dev;
	return tcmd(IOMMU_TEST_OP_TRIGGER_VEVENT, 0, &c);
}

/* eventq.c vEVENTQs with the mock's TRIGGER_VEVENT: records of header
 * and {virt_id}, sequence numbers, one LOST_EVENTS header on overflow,
 * whole records only. */
START_TEST(test_veventq)
{
	struct iommu_hwpt_selftest data = { IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .data_type = IOMMU_HWPT_DATA_SELFTEST,
				      .data_len = sizeof(data),
				      .data_uptr = (uintptr_t)&data };
	uint32_t ioas = ioas_alloc(), parent, v, vd, fd, fd2, buf[16];
	struct iommu_test_cmd c = { 0 };
	struct mock m;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	parent = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT);
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &v),
			 0);
	ck_assert_int_eq(vdevice_alloc(v, m.idev, 0x42, &vd), 0);
	h.dev_id = m.idev;
	h.pt_id = v;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	/* not on the vIOMMU's nested domain yet: ENOENT */
	ck_assert_int_eq(trigger_vevent(m.idev), -ENOENT);
	c.mock_domain_replace.pt_id = h.out_hwpt_id;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m.stdev, &c),
			 0);
	ck_assert_int_eq(trigger_vevent(m.idev), -EOPNOTSUPP); /* no queue */
	ck_assert_int_eq(veventq_alloc(v, 0, 2, &fd), -EOPNOTSUPP);
	ck_assert_int_eq(veventq_alloc(v, IOMMU_VEVENTQ_TYPE_SELFTEST, 0, &fd),
			 -EINVAL);
	ck_assert_int_eq(veventq_alloc(99, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &fd),
			 -ENOENT);
	ck_assert_int_eq(veventq_alloc(v, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &fd),
			 0);
	ck_assert_int_eq(veventq_alloc(v, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, &fd2),
			 -EEXIST);
	ck_assert_int_eq(destroy(fd), -EBUSY); /* the fd holds it */
	ck_assert_int_eq(destroy(v), -EBUSY);
	for (int i = 0; i < 4; i++) /* depth 2: two events, then losses */
		ck_assert_int_eq(trigger_vevent(m.idev), 0);
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, fd, (uintptr_t)buf,
						  sizeof(buf), 4),
			 -ESPIPE);
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, fd, (uintptr_t)buf, 11,
						  0),
			 0); /* a record is 12 bytes */
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, fd, (uintptr_t)buf,
						  sizeof(buf), 0),
			 12 + 12 + 8);
	ck_assert_uint_eq(buf[0], 0); /* flags */
	ck_assert_uint_eq(buf[1], 0); /* sequence */
	ck_assert_uint_eq(buf[2], 0x42); /* virt_id */
	ck_assert_uint_eq(buf[4], 1);
	ck_assert_uint_eq(buf[6], IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	ck_assert_uint_eq(buf[7], 3); /* the last loss's number */
	ck_assert_int_eq(trigger_vevent(m.idev), 0);
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, fd, (uintptr_t)buf,
						  sizeof(buf), 0),
			 12);
	ck_assert_uint_eq(buf[1], 4);
	ck_assert_int_eq(iommufd_sim_veventq_close(ctx, fd), 0);
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, fd, (uintptr_t)buf,
						  sizeof(buf), 0),
			 -EBADF);
	ck_assert_int_eq(destroy(fd), 0);
}
END_TEST

static int hw_queue(uint32_t viommu, uint32_t type, uint32_t index,
		    uint64_t iova, uint64_t len, uint32_t *out)
{
	struct iommu_hw_queue_alloc q = { .size = sizeof(q),
					  .viommu_id = viommu,
					  .type = type,
					  .index = index,
					  .nesting_parent_iova = iova,
					  .length = len };
	int ret = io(IOMMU_HW_QUEUE_ALLOC, &q);

	*out = q.out_hw_queue_id;
	return ret;
}

/* viommu.c HW queues with the mock's rules (as the selftest's hw_queue
 * test): errors in the core's order, the index chain (EIO, EEXIST,
 * EBUSY), the pinned memory (IOAS_UNMAP EBUSY), contiguity (EFAULT). */
START_TEST(test_hw_queue)
{
	const uint32_t T = IOMMU_HW_QUEUE_TYPE_SELFTEST;
	uint8_t *a = pages(2), *b = pages(1);
	uint32_t ioas = ioas_alloc(), parent, v, q0, q1, qx;
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .iova = BASE,
				      .length = 2 * PAGE };
	struct mock m;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	parent = hwpt_alloc(m.idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT);
	ck_assert_int_eq(viommu_alloc(m.idev, parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, NULL, 0, &v),
			 0);
	/* b is pinned first, so its piece of the pinned window lies below
	 * a's: IOVA-adjacent, physically apart */
	ck_assert_int_eq(map_at(ioas, b, PAGE, BASE + 2 * PAGE, RW), 0);
	ck_assert_int_eq(map_at(ioas, a, 2 * PAGE, BASE, RW), 0);
	ck_assert_int_eq(hw_queue(v, 0, 0, BASE, PAGE, &qx), -EOPNOTSUPP);
	ck_assert_int_eq(hw_queue(v, 0xdead, 0, BASE, PAGE, &qx), -EOPNOTSUPP);
	ck_assert_int_eq(hw_queue(v, T, 0, BASE, 0, &qx), -EINVAL);
	ck_assert_int_eq(hw_queue(v, T, 0, UINT64_MAX - PAGE + 2, PAGE, &qx),
			 -EOVERFLOW);
	ck_assert_int_eq(hw_queue(99, T, 0, BASE, PAGE, &qx), -ENOENT);
	ck_assert_int_eq(hw_queue(v, T, 0, BASE + 8 * PAGE, PAGE, &qx),
			 -ENOENT); /* not mapped */
	ck_assert_int_eq(hw_queue(v, T, 0, BASE + PAGE, 2 * PAGE, &qx),
			 -EFAULT); /* two separate buffers */
	ck_assert_int_eq(hw_queue(v, T, 2, BASE, PAGE, &qx), -EINVAL);
	ck_assert_int_eq(hw_queue(v, T, 1, BASE, PAGE, &qx), -EIO);
	ck_assert_int_eq(hw_queue(v, T, 0, BASE, 2 * PAGE, &q0), 0);
	ck_assert_int_eq(hw_queue(v, T, 0, BASE, PAGE, &qx), -EEXIST);
	ck_assert_int_eq(hw_queue(v, T, 1, BASE + 2 * PAGE, PAGE, &q1), 0);
	u.ioas_id = ioas;
	ck_assert_int_eq(io(IOMMU_IOAS_UNMAP, &u), -EBUSY);
	ck_assert_int_eq(check_refs(a, 2 * PAGE, 1), 0);
	ck_assert_int_eq(destroy(q0), -EBUSY); /* q1 depends on it */
	ck_assert_int_eq(destroy(v), -EBUSY);
	ck_assert_int_eq(destroy(q1), 0);
	ck_assert_int_eq(destroy(q0), 0);
	u.length = 2 * PAGE;
	ck_assert_int_eq(io(IOMMU_IOAS_UNMAP, &u), 0);
	ck_assert_int_eq(destroy(v), 0);
	munmap(a, 2 * PAGE);
	munmap(b, PAGE);
}
END_TEST

/* mock_dev_create's cache and iommufd_test_dev_check_cache. */
START_TEST(test_dev_cache)
{
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc();
	struct mock m;

	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	for (uint32_t i = 0; i < 4; i++) {
		c.check_dev_cache.id = i;
		c.check_dev_cache.cache = IOMMU_TEST_DEV_CACHE_DEFAULT;
		ck_assert_int_eq(
			tcmd(IOMMU_TEST_OP_DEV_CHECK_CACHE, m.idev, &c), 0);
	}
	c.check_dev_cache.id = 4;
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_DEV_CHECK_CACHE, m.idev, &c),
			 -EINVAL);
	ck_assert_int_eq(tcmd(IOMMU_TEST_OP_DEV_CHECK_CACHE, m.stdev, &c),
			 -ENOENT);
}
END_TEST

/* Close with mock devices, accesses and pins in place (LSan checks the
 * rest), then a new context sees nothing pinned (teardown_iommufd). */
START_TEST(test_close_all)
{
	uint8_t *buf = pages(2);
	uint32_t ioas = ioas_alloc(), fd, id;
	struct mock m;

	ck_assert_int_eq(map_at(ioas, buf, 2 * PAGE, BASE, RW), 0);
	ck_assert_int_eq(mock_domain(ioas, 0, &m), 0);
	ck_assert_int_eq(create_access(ioas,
				       MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
				       &fd),
			 0);
	ck_assert_int_eq(access_pages(fd, BASE, PAGE, buf, 0, &id), 0);
	ck_assert_int_eq(check_refs(buf, 2 * PAGE, 1), 0);
	iommufd_sim_close(ctx);
	ck_assert_int_eq(iommufd_sim_open(NULL, &ctx), 0);
	ck_assert_int_eq(check_refs(buf, 2 * PAGE, 0), 0);
	munmap(buf, 2 * PAGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iofd_mock");
	TCase *tc = tcase_create("mock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mock_domain);
	tcase_add_test(tc, test_check_map_refs);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_add_reserved);
	tcase_add_test(tc, test_dirty);
	tcase_add_test(tc, test_dirty_huge);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_access);
	tcase_add_test(tc, test_map_file);
	tcase_add_test(tc, test_pasid);
	tcase_add_test(tc, test_fault);
	tcase_add_test(tc, test_viommu);
	tcase_add_test(tc, test_viommu_mmap);
	tcase_add_test(tc, test_veventq);
	tcase_add_test(tc, test_hw_queue);
	tcase_add_test(tc, test_dev_cache);
	tcase_add_test(tc, test_close_all);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

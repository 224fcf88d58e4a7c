// SPDX-License-Identifier: MIT
/*
 * test_iofd.c - the simulated iommufd's dispatcher, object table and the
 * IOAS ioctls that exist so far, against the kernel's rules (each test
 * names the kernel function whose behaviour it checks; fact sheet
 * shared/reference/iommufd-uapi.md 1-2).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check_main.h"
#include "iofd_test.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"
#include "uapi_sim/iopt.h"

static void setup(void)
{
	ck_assert_int_eq(iommufd_sim_open(NULL, &ctx), 0);
}

static void teardown(void)
{
	iommufd_sim_close(ctx);
	ctx = NULL;
}

/* main.c iommufd_fops_ioctl: numbers outside the table, empty slots and
 * wrong direction/size bits are ENOTTY; the size is read first. */
START_TEST(test_dispatch_numbers)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = 1 };

	ck_assert_int_eq(io(0x3b95, &d), -ENOTTY);
	ck_assert_int_eq(io(0x3b7f, &d), -ENOTTY);
	ck_assert_int_eq(io(0x3b9f, &d), -ENOTTY);
	ck_assert_int_eq(io(0x3ba0, &d), -EINVAL); /* IOMMU_TEST_CMD: min 68 */
	ck_assert_int_eq(io(0x3ba1, &d), -ENOTTY); /* past the table: VFIO */
	/* _IOR(';', 0x80, u32) is not IOMMU_DESTROY */
	ck_assert_int_eq(io(0x80043b80, &d), -ENOTTY);
	ck_assert_int_eq(io(IOMMU_DESTROY, NULL), -EFAULT);
	ck_assert_int_eq(io(IOMMU_DESTROY, &d), -ENOENT);
}
END_TEST

/* The selftest's cmd_length probes for every command that exists. */
static const struct len_case {
	unsigned long cmd;
	uint32_t size, min;
} len_cases[] = {
	{ IOMMU_DESTROY, 8, 8 },
	{ IOMMU_IOAS_ALLOC, 12, 12 },
	{ IOMMU_IOAS_ALLOW_IOVAS, 24, 24 },
	{ IOMMU_IOAS_IOVA_RANGES, 32, 32 },
	{ IOMMU_OPTION, 24, 24 },
	{ IOMMU_VFIO_IOAS, 12, 12 },
	{ IOMMU_IOAS_MAP, 40, 40 },
	{ IOMMU_IOAS_MAP_FILE, 40, 40 },
	{ IOMMU_IOAS_UNMAP, 24, 24 },
	{ IOMMU_IOAS_COPY, 40, 40 },
	{ IOMMU_IOAS_CHANGE_PROCESS, 8, 8 },
	{ IOMMU_HWPT_ALLOC, 48, 24 },
	{ IOMMU_GET_HW_INFO, 40, 32 },
	{ IOMMU_HWPT_SET_DIRTY_TRACKING, 16, 16 },
	{ IOMMU_HWPT_GET_DIRTY_BITMAP, 48, 48 },
	{ IOMMU_HWPT_INVALIDATE, 32, 32 },
	{ IOMMU_FAULT_QUEUE_ALLOC, 16, 16 },
	{ IOMMU_VIOMMU_ALLOC, 40, 24 },
	{ IOMMU_VDEVICE_ALLOC, 24, 24 },
	{ IOMMU_VEVENTQ_ALLOC, 32, 28 },
	{ IOMMU_HW_QUEUE_ALLOC, 40, 40 },
	{ 0x3ba0 /* IOMMU_TEST_CMD */, 72, 68 },
};

START_TEST(test_cmd_length)
{
	const struct len_case *c = &len_cases[_i];
	uint8_t buf[80], buf2[80];
	int a, b;

	memset(buf, 0, sizeof(buf));
	*(uint32_t *)buf = c->min - 1;
	ck_assert_int_eq(io(c->cmd, buf), -EINVAL);
	memset(buf, 0, sizeof(buf));
	*(uint32_t *)buf = c->size + 1;
	buf[c->size] = 0xff;
	ck_assert_int_eq(io(c->cmd, buf), -E2BIG);
	/* size+1 with a zero tail behaves exactly as size */
	iommufd_sim_close(ctx);
	iommufd_sim_open(NULL, &ctx);
	memset(buf, 0, sizeof(buf));
	*(uint32_t *)buf = c->size;
	a = io(c->cmd, buf);
	iommufd_sim_close(ctx);
	iommufd_sim_open(NULL, &ctx);
	memset(buf2, 0, sizeof(buf2));
	*(uint32_t *)buf2 = c->size + 1;
	b = io(c->cmd, buf2);
	ck_assert_int_eq(a, b);
	ck_assert_mem_eq(buf + 4, buf2 + 4, c->size - 4);
}
END_TEST

/* The selftest's cmd_ex_fail on IOMMU_DESTROY. */
START_TEST(test_destroy_extended)
{
	struct {
		struct iommu_destroy d;
		uint64_t extra;
	} ex = { { sizeof(ex), 0 }, 0 };

	ck_assert_int_eq(io(IOMMU_DESTROY, &ex), -ENOENT);
	ex.extra = 1;
	ck_assert_int_eq(io(IOMMU_DESTROY, &ex), -E2BIG);
	ex.d.size = 7;
	ck_assert_int_eq(io(IOMMU_DESTROY, &ex), -EINVAL);
}
END_TEST

/* main.c: ids start at 1, the lowest free one is reused; destroy of a
 * missing id (or 0) is ENOENT. */
START_TEST(test_ids)
{
	struct iommu_destroy d = { .size = sizeof(d) };

	ck_assert_uint_eq(ioas_alloc(), 1);
	ck_assert_uint_eq(ioas_alloc(), 2);
	ck_assert_uint_eq(ioas_alloc(), 3);
	d.id = 2;
	ck_assert_int_eq(io(IOMMU_DESTROY, &d), 0);
	ck_assert_int_eq(io(IOMMU_DESTROY, &d), -ENOENT);
	d.id = 0;
	ck_assert_int_eq(io(IOMMU_DESTROY, &d), -ENOENT);
	ck_assert_uint_eq(ioas_alloc(), 2);
	ck_assert_uint_eq(ioas_alloc(), 4);
}
END_TEST

/* ioas.c iommufd_ioas_alloc_ioctl: flags EOPNOTSUPP; the id is written
 * back with the whole struct, never past the kernel's size; a fault on
 * the write-back undoes the allocation. */
START_TEST(test_ioas_alloc)
{
	struct {
		struct iommu_ioas_alloc a;
		uint32_t tail;
	} big = { { sizeof(big), 0, 77 }, 0 };
	struct iommu_ioas_alloc a = { .size = sizeof(a), .flags = 1 };
	struct iommu_ioas_alloc *ro;

	ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &a), -EOPNOTSUPP);
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &big), 0);
	ck_assert_uint_eq(big.a.out_ioas_id, 1);
	ck_assert_uint_eq(big.a.size, sizeof(big)); /* input written back */
	ck_assert_uint_eq(big.tail, 0);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ro, MAP_FAILED);
	ro->size = sizeof(*ro);
	mprotect(ro, 4096, PROT_READ);
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, ro), -EFAULT);
	munmap(ro, 4096);
	ck_assert_uint_eq(ioas_alloc(), 2); /* id 2 was given back */
}
END_TEST

/* ioas.c iommufd_ioas_iova_ranges: the whole space, alignment 1, the
 * num_iovas protocol with EMSGSIZE after the write-back. */
START_TEST(test_iova_ranges)
{
	struct iommu_iova_range r[2] = { { 7, 7 }, { 7, 7 } };
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q) };

	q.ioas_id = ioas_alloc();
	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), -EMSGSIZE);
	ck_assert_uint_eq(q.num_iovas, 1);
	ck_assert_uint_eq(q.out_iova_alignment, 1);
	q.allowed_iovas = (uintptr_t)r;
	q.num_iovas = 2;
	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), 0);
	ck_assert_uint_eq(q.num_iovas, 1);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[0].last, UINT64_MAX);
	ck_assert_uint_eq(r[1].start, 7); /* untouched */
	q.allowed_iovas = 8;
	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), -EFAULT);
	q.__reserved = 1;
	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), -EOPNOTSUPP);
	q.__reserved = 0;
	q.ioas_id = 99;
	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), -ENOENT);
}
END_TEST

/* ioas.c iommufd_ioas_allow_iovas. */
START_TEST(test_allow_iovas)
{
	struct iommu_iova_range r[2] = { { 0x10000, 0x1ffff },
					 { 0x40000, 0x7ffff } };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a) };

	a.ioas_id = ioas_alloc();
	a.num_iovas = 2;
	a.allowed_iovas = (uintptr_t)r;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	r[1].start = 0x1ffff; /* overlaps the first */
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), -EINVAL);
	r[1].start = r[1].last; /* start >= last */
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), -EINVAL);
	a.allowed_iovas = 16;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), -EFAULT);
	a.num_iovas = 0; /* clears, whatever the pointer */
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	a.__reserved = 1;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), -EOPNOTSUPP);
	a.__reserved = 0;
	a.ioas_id = 5;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), -ENOENT);
}
END_TEST

/* ioas.c iommufd_option. */
START_TEST(test_option)
{
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_RLIMIT_MODE,
				  .op = IOMMU_OPTION_OP_GET };
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q) };

	ck_assert_int_eq(io(IOMMU_OPTION, &o), 0);
	ck_assert_uint_eq(o.val64, 0);
	o.op = IOMMU_OPTION_OP_SET;
	o.val64 = 2;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EINVAL);
	o.val64 = 1;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), 0);
	o.object_id = 1;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EOPNOTSUPP);
	o.object_id = 0;
	q.ioas_id = ioas_alloc();
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EBUSY); /* not empty */
	o.option_id = IOMMU_OPTION_HUGE_PAGES;
	o.op = IOMMU_OPTION_OP_GET;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -ENOENT); /* object 0 */
	o.object_id = q.ioas_id;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), 0);
	ck_assert_uint_eq(o.val64, 1);
	o.op = IOMMU_OPTION_OP_SET;
	o.val64 = 0;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), 0);
	io(IOMMU_IOAS_IOVA_RANGES, &q);
	ck_assert_uint_eq(q.out_iova_alignment, 4096);
	o.val64 = 3;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EINVAL);
	o.op = 2;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EOPNOTSUPP);
	o.op = IOMMU_OPTION_OP_GET;
	o.option_id = 7;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EOPNOTSUPP);
	o.option_id = IOMMU_OPTION_HUGE_PAGES;
	o.__reserved = 1;
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EOPNOTSUPP);
}
END_TEST

/* vfio_compat.c iommufd_vfio_ioas: the pointer holds no reference. */
START_TEST(test_vfio_ioas)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v),
				     .op = IOMMU_VFIO_IOAS_GET };
	struct iommu_destroy d = { .size = sizeof(d) };

	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), -ENODEV);
	v.op = IOMMU_VFIO_IOAS_SET;
	v.ioas_id = 3;
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), -ENOENT);
	v.ioas_id = ioas_alloc();
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), 0);
	v.op = IOMMU_VFIO_IOAS_GET;
	v.ioas_id = 0;
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), 0);
	ck_assert_uint_eq(v.ioas_id, 1);
	d.id = 1;
	ck_assert_int_eq(io(IOMMU_DESTROY, &d), 0); /* no EBUSY */
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), -ENODEV);
	v.op = IOMMU_VFIO_IOAS_CLEAR;
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), 0);
	v.op = 3;
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), -EOPNOTSUPP);
	v.op = IOMMU_VFIO_IOAS_GET;
	v.__reserved = 1;
	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), -EOPNOTSUPP);
}
END_TEST

static int map(uint32_t ioas, uint32_t flags, uint64_t uva, uint64_t len,
	       uint64_t *iova)
{
	struct iommu_ioas_map m = { .size = sizeof(m),
				    .flags = flags,
				    .ioas_id = ioas,
				    .user_va = uva,
				    .length = len,
				    .iova = *iova };
	int ret = io(IOMMU_IOAS_MAP, &m);

	*iova = m.iova;
	return ret;
}

static int unmap(uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *done)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len
	};
	int ret = io(IOMMU_IOAS_UNMAP, &u);

	*done = u.length;
	return ret;
}

#define FIXED IOMMU_IOAS_MAP_FIXED_IOVA

/* ioas.c iommufd_ioas_map: the order of checks; no memory is touched
 * without a domain (the selftest maps 2 GiB it never allocated). */
START_TEST(test_map_checks)
{
	uint32_t ioas = ioas_alloc();
	uint64_t iova = 0x10000;

	ck_assert_int_eq(map(ioas, FIXED | RW | 8, 1UL << 31, 0x4000, &iova),
			 -EOPNOTSUPP);
	ck_assert_int_eq(map(ioas, FIXED, 1UL << 31, 0x4000, &iova), -EINVAL);
	iova = UINT64_MAX;
	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0x4000, &iova), -EOVERFLOW);
	iova = 0x10000;
	ck_assert_int_eq(map(99, FIXED | RW, 0, 0x4000, &iova), -ENOENT);
	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0, &iova), -EINVAL);
	ck_assert_int_eq(map(ioas, FIXED | RW, 1UL << 31, 0x4000, &iova), 0);
	ck_assert_uint_eq(iova, 0x10000);
	iova = 0x13000;
	ck_assert_int_eq(map(ioas, FIXED | RW, 1UL << 31, 0x1000, &iova),
			 -EEXIST);
	iova = 0xfffffffffffff000ULL;
	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0x2000, &iova), -EOVERFLOW);
}
END_TEST

/* io_pagetable.c iopt_alloc_iova: never 0, aligned to the smaller of the
 * length (rounded to a power of two) and user_va's lowest set bit, clear
 * of areas, inside the allowed ranges. */
START_TEST(test_map_auto)
{
	struct iommu_iova_range allow = { 0x100000, 0x1fffff };
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a),
					    .num_iovas = 1,
					    .allowed_iovas =
						    (uintptr_t)&allow };
	uint32_t ioas = ioas_alloc();
	uint64_t i1 = 0, i2 = 0, i3 = 0;

	ck_assert_int_eq(map(ioas, RW, 0x200000000, 0x4000, &i1), 0);
	ck_assert_uint_ne(i1, 0);
	ck_assert_uint_eq(i1 % 0x4000, 0);
	ck_assert_int_eq(map(ioas, RW, 0x200000000, 0x4000, &i2), 0);
	ck_assert(i2 > i1 + 0x3fff || i2 + 0x3fff < i1);
	/* the page offset of user_va is kept */
	ck_assert_int_eq(map(ioas, RW, 0x300000123, 0x1000, &i3), 0);
	ck_assert_uint_eq(i3 & 0xfff, 0x123);
	a.ioas_id = ioas;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &a), 0);
	i1 = 0;
	ck_assert_int_eq(map(ioas, RW, 0x400000000, 0x10000, &i1), 0);
	ck_assert(i1 >= allow.start && i1 + 0xffff <= allow.last);
	ck_assert_int_eq(map(ioas, RW, 0x400000000, 0x200000, &i1), -ENOSPC);
	/* iopt_alloc_user_pages: a user range that wraps, before placing */
	ck_assert_int_eq(map(ioas, RW, UINT64_MAX - 0xfff, 0x2000, &i1),
			 -EOVERFLOW);
}
END_TEST

/* io_pagetable.c iopt_unmap_iova: whole areas only, length back. */
START_TEST(test_unmap)
{
	uint32_t ioas = ioas_alloc();
	uint64_t iova = 0x10000, done;

	ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &done), 0); /* empty */
	ck_assert_uint_eq(done, 0);
	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0x4000, &iova), 0);
	iova = 0x14000;
	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0x2000, &iova), 0);
	ck_assert_int_eq(unmap(ioas, 0x11000, 0x1000, &done), -ENOENT);
	ck_assert_int_eq(unmap(ioas, 0x10000, 0x5000, &done), -ENOENT);
	ck_assert_int_eq(unmap(ioas, 0x20000, 0x1000, &done), -ENOENT);
	ck_assert_int_eq(unmap(ioas, 0x10000, 0, &done), -EINVAL);
	ck_assert_int_eq(unmap(ioas, 0x10000, UINT64_MAX - 1, &done),
			 -EOVERFLOW);
	ck_assert_int_eq(unmap(ioas, 0xf000, 0x5000, &done), 0);
	ck_assert_uint_eq(done, 0x4000);
	ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &done), 0);
	ck_assert_uint_eq(done, 0x2000);
}
END_TEST

/* ioas.c iommufd_ioas_copy: the source must be covered without a gap. */
START_TEST(test_copy)
{
	uint32_t src = ioas_alloc(), dst = ioas_alloc();
	struct iommu_ioas_copy c = { .size = sizeof(c),
				     .flags = RW,
				     .dst_ioas_id = dst,
				     .src_ioas_id = src,
				     .length = 0x3000,
				     .src_iova = 0x10000 };
	uint64_t iova = 0x10000, done;

	ck_assert_int_eq(map(src, FIXED | RW, 0x7000000, 0x2000, &iova), 0);
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &c), -ENOENT); /* gap */
	iova = 0x12000;
	ck_assert_int_eq(map(src, FIXED | RW, 0x9000000, 0x2000, &iova), 0);
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &c), 0);
	ck_assert_uint_ne(c.dst_iova, 0);
	/* two areas arrived: unmapping one piece alone is fine */
	ck_assert_int_eq(unmap(dst, c.dst_iova, 0x2000, &done), 0);
	ck_assert_uint_eq(done, 0x2000);
	ck_assert_int_eq(unmap(dst, 0, UINT64_MAX, &done), 0);
	ck_assert_uint_eq(done, 0x1000);
	c.length = 0;
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &c), -EINVAL);
	c.length = 0x1000;
	c.dst_ioas_id = 42;
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &c), -ENOENT);
	c.flags = 0;
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &c), -EINVAL);
	c.flags = 0x10;
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &c), -EOPNOTSUPP);
}
END_TEST

/* HUGE_PAGES off needs page-aligned areas (kernel
 * iopt_disable_large_pages: EADDRINUSE), then maps must be page sized. */
START_TEST(test_huge_pages_off)
{
	uint32_t ioas = ioas_alloc();
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = IOMMU_OPTION_OP_SET,
				  .object_id = ioas };
	uint64_t iova = 0x10000, done;

	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0x100, &iova), 0);
	ck_assert_int_eq(io(IOMMU_OPTION, &o), -EADDRINUSE);
	ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &done), 0);
	ck_assert_int_eq(io(IOMMU_OPTION, &o), 0);
	ck_assert_int_eq(map(ioas, FIXED | RW, 0, 0x100, &iova), -EINVAL);
	ck_assert_int_eq(map(ioas, FIXED | RW, 0x10, 0x1000, &iova), -EINVAL);
}
END_TEST

/* The area tree against a brute-force list, random operations. */
START_TEST(test_area_tree)
{
	enum { SLOTS = 512 };
	struct iopt_area *slot[SLOTS] = { 0 };
	uint64_t state = 12345;
	struct iopt t = { 0 };

	for (int step = 0; step < 20000; step++) {
		unsigned int k;

		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (unsigned int)(state >> 33) % SLOTS;
		if (slot[k]) {
			iopt_remove(&t, slot[k]);
			free(slot[k]);
			slot[k] = NULL;
		} else {
			slot[k] = calloc(1, sizeof(*slot[k]));
			slot[k]->iova = (uint64_t)k << 12;
			slot[k]->last = slot[k]->iova + 0xfff;
			iopt_insert(&t, slot[k]);
		}
		if (step % 97 == 0) {
			uint64_t q = (state >> 20) % (SLOTS << 12);
			unsigned int want = (unsigned int)(q >> 12);
			struct iopt_area *a;

			while (want < SLOTS && !slot[want])
				want++;
			a = iopt_first_at_or_after(&t, q);
			if (want == SLOTS ? a != NULL : a != slot[want])
				ck_abort_msg("first_at_or_after(0x%llx) wrong",
					     (unsigned long long)q);
		}
	}
	{
		uint64_t count = 0;

		for (struct iopt_area *a = iopt_first_at_or_after(&t, 0); a;
		     a = iopt_next(&t, a))
			count++;
		ck_assert_uint_eq(count, t.nareas);
	}
	iopt_free_all(&t);
}
END_TEST

/* The old step-over-every-area scan, kept as the reference for the tree. */
static int scan_hole(struct iopt *t, uint64_t lo, uint64_t hi, uint64_t len,
		     uint64_t step, uint64_t off, uint64_t *out)
{
	uint64_t start = lo;

	for (;;) {
		uint64_t cand = start - (start - off) % step, last;
		struct iopt_area *a;

		if (cand < start && __builtin_add_overflow(cand, step, &cand))
			return -1;
		if (__builtin_add_overflow(cand, len - 1, &last) || last > hi)
			return -1;
		a = iopt_first_at_or_after(t, cand);
		if (!a || a->iova > last) {
			*out = cand;
			return 0;
		}
		if (a->last == UINT64_MAX)
			return -1;
		start = a->last + 1;
	}
}

static unsigned int rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(*state >> 33);
}

static void check_find_hole(struct iopt *t, uint64_t *st, unsigned int *found)
{
	uint64_t lo = (uint64_t)(rnd(st) % (256 * 16)) << 12;
	uint64_t hi = lo + ((uint64_t)(rnd(st) % (256 * 8)) << 12);
	uint64_t len = (uint64_t)(1 + rnd(st) % 40) << 12;
	uint64_t step = 0x1000ULL << (rnd(st) % 6);
	uint64_t off = rnd(st) % 3 ? 0 : rnd(st) % 0x1000;
	uint64_t a = 1, b = 2;
	int ra, rb;

	if (rnd(st) % 8 == 0)
		hi = UINT64_MAX;
	ra = iopt_find_hole(t, lo, hi, len, step, off, &a);
	rb = scan_hole(t, lo, hi, len, step, off, &b);
	if (ra != rb || (!ra && a != b))
		ck_abort_msg("lo 0x%llx hi 0x%llx len 0x%llx step 0x%llx: "
			     "tree %d 0x%llx, scan %d 0x%llx",
			     (unsigned long long)lo, (unsigned long long)hi,
			     (unsigned long long)len, (unsigned long long)step,
			     ra, (unsigned long long)a, rb,
			     (unsigned long long)b);
	*found += !ra;
}

/* iopt_find_hole() against the linear first-fit scan, random trees. */
START_TEST(test_find_hole)
{
	enum { SLOTS = 256, STEPS = 6000, QUERIES = 4 };
	struct iopt_area *slot[SLOTS] = { 0 };
	uint64_t st = 777;
	struct iopt t = { 0 };
	unsigned int found = 0;

	for (int i = 0; i < STEPS; i++) {
		unsigned int k = rnd(&st) % SLOTS;

		/* slot k owns 16 pages from k * 16; its area fills part */
		if (slot[k]) {
			iopt_remove(&t, slot[k]);
			free(slot[k]);
			slot[k] = NULL;
		} else {
			uint64_t first = rnd(&st) % 16;
			uint64_t n = 1 + rnd(&st) % (16 - first);

			slot[k] = calloc(1, sizeof(*slot[k]));
			slot[k]->iova = ((uint64_t)k * 16 + first) << 12;
			slot[k]->last = slot[k]->iova + (n << 12) - 1;
			iopt_insert(&t, slot[k]);
		}
		for (int q = 0; q < QUERIES; q++)
			check_find_hole(&t, &st, &found);
	}
	/* both outcomes were exercised, not just one */
	ck_assert_uint_gt(found, STEPS * QUERIES / 10);
	ck_assert_uint_lt(found, STEPS * QUERIES);
	iopt_free_all(&t);
}
END_TEST

static int ioint(unsigned long cmd, uint64_t v)
{
	return iommufd_sim_ioctl(ctx, cmd, v);
}

static void compat_set(uint32_t ioas)
{
	struct iommu_vfio_ioas v = { .size = sizeof(v),
				     .ioas_id = ioas,
				     .op = IOMMU_VFIO_IOAS_SET };

	ck_assert_int_eq(io(IOMMU_VFIO_IOAS, &v), 0);
}

static int dma_map(uint32_t flags, uint64_t va, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = flags,
					      .vaddr = va,
					      .iova = iova,
					      .size = size };

	return io(VFIO_IOMMU_MAP_DMA, &m);
}

static int dma_unmap(uint32_t flags, uint64_t iova, uint64_t size,
		     uint64_t *out)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size
	};
	int ret = io(VFIO_IOMMU_UNMAP_DMA, &u);

	*out = u.size;
	return ret;
}

/* vfio_compat.c without a compat IOAS (the selftest's set_iommu_cmd,
 * info_cmd, map_cmd and unmap_cmd): fixed answers, otherwise ENODEV. */
START_TEST(test_vfio_no_ioas)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	uint64_t out;

	ck_assert_int_eq(ioint(VFIO_GET_API_VERSION, 0), VFIO_API_VERSION);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU), 1);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 1);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL), 1);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU),
			 -ENODEV);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_TYPE1_NESTING_IOMMU),
			 0);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU), 0);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR), 0);
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, 12345), 0);
	ck_assert_int_eq(ioint(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), -EINVAL);
	ck_assert_int_eq(ioint(VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -ENODEV);
	ck_assert_int_eq(io(VFIO_IOMMU_GET_INFO, &info), -ENODEV);
	info.argsz = 15;
	ck_assert_int_eq(io(VFIO_IOMMU_GET_INFO, &info), -EINVAL);
	ck_assert_int_eq(io(VFIO_IOMMU_GET_INFO, NULL), -EFAULT);
	ck_assert_int_eq(dma_map(VFIO_DMA_MAP_FLAG_READ, 0x100000, 0x10000,
				 0x1000),
			 -ENODEV);
	ck_assert_int_eq(dma_map(VFIO_DMA_MAP_FLAG_VADDR, 0x100000, 0x10000,
				 0x1000),
			 -EINVAL);
	ck_assert_int_eq(dma_unmap(0, 0x10000, 0x1000, &out), -ENODEV);
	ck_assert_int_eq(dma_unmap(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				   0x10000, 0x1000, &out),
			 -EINVAL);
	ck_assert_int_eq(io(VFIO_IOMMU_DIRTY_PAGES, &info), -ENOTTY);
	ck_assert_int_eq(io(VFIO_IO(3), &info), -ENOTTY);
}
END_TEST

/* iommufd_vfio_iommu_get_info: caps written where they fit, nothing past
 * argsz touched, argsz back as the size needed (24 + 12 + 32). */
START_TEST(test_vfio_get_info)
{
	uint8_t buf[128];
	struct vfio_iommu_type1_info *info = (void *)buf;
	struct vfio_iommu_type1_info_dma_avail avail;
	/* the IOVA cap sits at 36, off its 8-byte alignment: copy it out */
	struct vfio_iommu_type1_info_cap_iova_range iova;
	struct vfio_iova_range range;
	uint32_t size;

	compat_set(ioas_alloc());
	ck_assert_int_eq(ioint(VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), 1);
	for (size = 16; size <= 68; size += 4) {
		memset(buf, 0xaa, sizeof(buf));
		info->argsz = size;
		ck_assert_int_eq(io(VFIO_IOMMU_GET_INFO, buf), 0);
		ck_assert_uint_eq(info->argsz, 68);
		ck_assert_uint_eq(info->flags, VFIO_IOMMU_INFO_PGSIZES |
						       VFIO_IOMMU_INFO_CAPS);
		ck_assert_uint_eq(info->iova_pgsizes, ~0xfffULL);
		for (uint32_t i = size; i < sizeof(buf); i++)
			if (buf[i] != 0xaa)
				ck_abort_msg("argsz %u: byte %u written", size,
					     i);
		if (size >= 24)
			ck_assert_uint_eq(info->cap_offset,
					  size >= 68 ? 24 : 0);
	}
	memcpy(&avail, buf + 24, sizeof(avail));
	memcpy(&iova, buf + 36, sizeof(iova));
	memcpy(&range, buf + 36 + sizeof(iova), sizeof(range));
	ck_assert_uint_eq(avail.header.id, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	ck_assert_uint_eq(avail.header.version, 1);
	ck_assert_uint_eq(avail.header.next, 36);
	ck_assert_uint_eq(avail.avail, UINT32_MAX);
	ck_assert_uint_eq(iova.header.id, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	ck_assert_uint_eq(iova.header.version, 1);
	ck_assert_uint_eq(iova.header.next, 0);
	ck_assert_uint_eq(iova.nr_iovas, 1);
	ck_assert_uint_eq(range.start, 0);
	ck_assert_uint_eq(range.end, UINT64_MAX);
}
END_TEST

/* vfio_compat.c map/unmap on TYPE1v2: whole areas only, like the IOAS. */
START_TEST(test_vfio_map_v2)
{
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u),
						.flags =
							VFIO_DMA_UNMAP_FLAG_ALL,
						.iova = 0x1000,
						.size = 77 };
	uint32_t ioas = ioas_alloc();
	uint64_t out;

	compat_set(ioas);
	ck_assert_int_eq(ioint(VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), 0);
	ck_assert_int_eq(dma_map(rw, 0x200000, 0x10000, 0x4000), 0);
	ck_assert_int_eq(dma_map(rw, 0x200000, 0x12000, 0x1000), -EEXIST);
	ck_assert_int_eq(dma_map(rw, 0x200000, 0x20000, 0), -EINVAL);
	ck_assert_int_eq(dma_map(rw, UINT64_MAX - 0xfff, 0x20000, 0x1000),
			 -EOVERFLOW);
	ck_assert_int_eq(dma_map(0, 0x200000, 0x20000, 0x1000), 0);
	ck_assert_int_eq(dma_unmap(0, 0x11000, 0x1000, &out), -ENOENT);
	ck_assert_uint_eq(out, 0); /* written back even on failure */
	ck_assert_int_eq(io(VFIO_IOMMU_UNMAP_DMA, &u), -EINVAL);
	ck_assert_uint_eq(u.size, 77); /* ALL with a range: untouched */
	ck_assert_int_eq(dma_unmap(0, 0x10000, 0x4000, &out), 0);
	ck_assert_uint_eq(out, 0x4000);
	ck_assert_int_eq(dma_unmap(VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &out), 0);
	ck_assert_uint_eq(out, 0x1000);
	ck_assert_int_eq(dma_unmap(VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &out), 0);
	ck_assert_uint_eq(out, 0);
}
END_TEST

/* iommufd_vfio_set_iommu TYPE1 turns large pages off, and its unmaps cut
 * areas (iopt_cut_iova / iopt_area_split). */
START_TEST(test_vfio_type1_cut)
{
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = IOMMU_OPTION_OP_GET };
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u),
						.iova = 0x12800,
						.size = 0x800 };
	uint32_t ioas = ioas_alloc();
	uint64_t out;

	o.object_id = ioas;
	compat_set(ioas);
	ck_assert_int_eq(ioint(VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), 0);
	ck_assert_int_eq(io(IOMMU_OPTION, &o), 0);
	ck_assert_uint_eq(o.val64, 0);
	ck_assert_int_eq(dma_map(rw, 0x200000, 0x10000, 0x4000), 0);
	/* punch out the second page: three areas are left behind */
	ck_assert_int_eq(dma_unmap(0, 0x11000, 0x1000, &out), 0);
	ck_assert_uint_eq(out, 0x1000);
	/* a cut that would start an area off a page: EINVAL, no write-back */
	ck_assert_int_eq(io(VFIO_IOMMU_UNMAP_DMA, &u), -EINVAL);
	ck_assert_uint_eq(u.size, 0x800);
	/* the pieces keep their user addresses: copy one and unmap it */
	ck_assert_int_eq(dma_unmap(0, 0x13000, 0x1000, &out), 0);
	ck_assert_uint_eq(out, 0x1000);
	ck_assert_int_eq(unmap(ioas, 0x10000, 0x1000, &out), 0);
	ck_assert_uint_eq(out, 0x1000);
	ck_assert_int_eq(unmap(ioas, 0x12000, 0x1000, &out), 0);
	ck_assert_uint_eq(out, 0x1000);
	ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &out), 0);
	ck_assert_uint_eq(out, 0);
}
END_TEST

/*
 * A shadow of an IOAS for the property test: sorted areas in a plain
 * array, with the kernel's rules written the obvious way (first fit,
 * whole-area unmap), so the tree-based code is checked against it.
 */
struct shadow {
	struct {
		uint64_t iova, last;
	} a[4096];
	size_t n;
};

static bool shadow_overlaps(const struct shadow *s, uint64_t iova,
			    uint64_t last)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->a[i].iova <= last && s->a[i].last >= iova)
			return true;
	return false;
}

static void shadow_add(struct shadow *s, uint64_t iova, uint64_t last)
{
	size_t i = s->n;

	while (i && s->a[i - 1].iova > iova) {
		s->a[i] = s->a[i - 1];
		i--;
	}
	s->a[i].iova = iova;
	s->a[i].last = last;
	s->n++;
}

static uint64_t shadow_first_fit(const struct shadow *s, uint64_t len,
				 uint64_t align)
{
	uint64_t cand = align > 0x1000 ? align : 0x1000;

	for (size_t i = 0; i < s->n; i++) {
		if (s->a[i].last < cand)
			continue;
		if (s->a[i].iova > cand + len - 1)
			break;
		cand = (s->a[i].last + align) & ~(align - 1);
	}
	return cand;
}

/* -ENOENT, or the bytes of the whole areas inside [iova, last], removed */
static int64_t shadow_unmap(struct shadow *s, uint64_t iova, uint64_t last)
{
	uint64_t done = 0;
	size_t j = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->a[i].iova <= last && s->a[i].last >= iova &&
		    (s->a[i].iova < iova || s->a[i].last > last))
			return -ENOENT;
	for (size_t i = 0; i < s->n; i++) {
		if (s->a[i].iova >= iova && s->a[i].last <= last)
			done += s->a[i].last - s->a[i].iova + 1;
		else
			s->a[j++] = s->a[i];
	}
	s->n = j;
	return done ? (int64_t)done : -ENOENT;
}

static uint64_t lowbit_min(uint64_t len, uint64_t uva)
{
	uint64_t align = 1;

	while (align < len)
		align <<= 1;
	if ((uva & -uva) < align)
		align = uva & -uva;
	return align > (2ULL << 20) ? 2ULL << 20 : align;
}

static void shadow_step(uint32_t ioas, struct shadow *sh, uint64_t *st)
{
	unsigned int op = rnd(st) % 8;
	uint64_t iova = (uint64_t)(rnd(st) % 1024) << 12;
	uint64_t len = (uint64_t)(1 + rnd(st) % 64) << 12, got = 0, want;
	uint64_t uva = (1ULL << 40) | ((uint64_t)(rnd(st) % 16) << 12);
	int ret;

	if (op < 3 && sh->n < 4000) { /* fixed map */
		iova = iova ? iova : 0x1000;
		ret = map(ioas, FIXED | RW, uva, len, &iova);
		if (!shadow_overlaps(sh, iova, iova + len - 1)) {
			ck_assert_int_eq(ret, 0);
			shadow_add(sh, iova, iova + len - 1);
		} else {
			ck_assert_int_eq(ret, -EEXIST);
		}
	} else if (op < 5 && sh->n < 4000) { /* automatic placement */
		want = shadow_first_fit(sh, len, lowbit_min(len, uva));
		ck_assert_int_eq(map(ioas, RW, uva, len, &got), 0);
		ck_assert_uint_eq(got, want);
		shadow_add(sh, got, got + len - 1);
	} else if (op < 7) { /* unmap a range */
		int64_t expect = shadow_unmap(sh, iova, iova + 2 * len - 1);

		ret = unmap(ioas, iova, 2 * len, &got);
		if (expect < 0) {
			ck_assert_int_eq(ret, (int)expect);
		} else {
			ck_assert_int_eq(ret, 0);
			ck_assert_uint_eq(got, (uint64_t)expect);
		}
	} else if (rnd(st) % 16 == 0) { /* now and then, everything */
		uint64_t total = 0;

		for (size_t i = 0; i < sh->n; i++)
			total += sh->a[i].last - sh->a[i].iova + 1;
		ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &got), 0);
		ck_assert_uint_eq(got, total);
		sh->n = 0;
	}
}

/* Property: random MAP/UNMAP sequences give the shadow's results. */
START_TEST(test_shadow_ioas)
{
	static struct shadow sh;
	uint32_t ioas = ioas_alloc();
	uint64_t st = 4242, got, total = 0;

	sh.n = 0;
	for (int i = 0; i < 20000; i++)
		shadow_step(ioas, &sh, &st);
	for (size_t i = 0; i < sh.n; i++)
		total += sh.a[i].last - sh.a[i].iova + 1;
	ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &got), 0);
	ck_assert_uint_eq(got, total);
}
END_TEST

/* ioas.c iommufd_ioas_change_process: any area mapped from user VA makes
 * it EINVAL (only MAP_FILE areas can move); with none it succeeds. */
START_TEST(test_change_process)
{
	struct iommu_ioas_change_process c = { .size = sizeof(c) };
	uint64_t iova = 0x10000, done;
	uint32_t ioas;

	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &c), 0);
	c.__reserved = 1;
	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &c), -EOPNOTSUPP);
	c.__reserved = 0;
	ioas_alloc();
	ioas = ioas_alloc();
	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &c), 0);
	ck_assert_int_eq(map(ioas, FIXED | RW, 0x100000, 0x1000, &iova), 0);
	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &c), -EINVAL);
	ck_assert_int_eq(unmap(ioas, 0, UINT64_MAX, &done), 0);
	ck_assert_int_eq(io(IOMMU_IOAS_CHANGE_PROCESS, &c), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iofd");
	TCase *tc = tcase_create("dispatch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dispatch_numbers);
	tcase_add_loop_test(tc, test_cmd_length, 0,
			    sizeof(len_cases) / sizeof(len_cases[0]));
	tcase_add_test(tc, test_destroy_extended);
	tcase_add_test(tc, test_ids);
	tcase_add_test(tc, test_ioas_alloc);
	tcase_add_test(tc, test_iova_ranges);
	tcase_add_test(tc, test_allow_iovas);
	tcase_add_test(tc, test_option);
	tcase_add_test(tc, test_vfio_ioas);
	tcase_add_test(tc, test_map_checks);
	tcase_add_test(tc, test_map_auto);
	tcase_add_test(tc, test_unmap);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_huge_pages_off);
	tcase_add_test(tc, test_area_tree);
	tcase_add_test(tc, test_find_hole);
	tcase_add_test(tc, test_shadow_ioas);
	tcase_add_test(tc, test_change_process);
	tcase_add_test(tc, test_vfio_no_ioas);
	tcase_add_test(tc, test_vfio_get_info);
	tcase_add_test(tc, test_vfio_map_v2);
	tcase_add_test(tc, test_vfio_type1_cut);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

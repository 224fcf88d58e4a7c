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
#include "uapi_sim/iommufd.h"

static struct iofd_ctx *ctx;

static void setup(void)
{
	ck_assert_int_eq(iommufd_sim_open(NULL, &ctx), 0);
}

static void teardown(void)
{
	iommufd_sim_close(ctx);
	ctx = NULL;
}

static int io(unsigned long cmd, void *arg)
{
	return iommufd_sim_ioctl(ctx, cmd, (uint64_t)(uintptr_t)arg);
}

static uint32_t ioas_alloc(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

/* main.c iommufd_fops_ioctl: numbers outside the table, empty slots and
 * wrong direction/size bits are ENOTTY; the size is read first. */
START_TEST(test_dispatch_numbers)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = 1 };

	ck_assert_int_eq(io(0x3b95, &d), -ENOTTY);
	ck_assert_int_eq(io(0x3b7f, &d), -ENOTTY);
	ck_assert_int_eq(io(0x3b9f, &d), -ENOTTY);
	ck_assert_int_eq(io(0x3ba0, &d), -ENOTTY); /* IOMMU_TEST_CMD: not yet */
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
};

START_TEST(test_cmd_length)
{
	const struct len_case *c = &len_cases[_i];
	uint8_t buf[64], buf2[64];
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
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

// SPDX-License-Identifier: MIT
/*
 * test_physmem.c - simulated physical memory: byte order, sparseness,
 * bus errors, client regions and the table-frame allocator.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "model/bits.h"
#include "model/physmem.h"

static struct pm_space *pm;

static void setup(void)
{
	ck_assert_int_eq(pm_create(PM_RAM_BITS_DEFAULT, &pm), 0);
}

static void teardown(void)
{
	pm_destroy(pm);
	pm = NULL;
}

START_TEST(test_create_limits)
{
	struct pm_space *p = (void *)1;

	ck_assert_int_eq(pm_create(PM_RAM_BITS_MIN - 1, &p), -EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(pm_create(PM_RAM_BITS_MAX + 1, &p), -EINVAL);
	ck_assert_int_eq(pm_create(PM_RAM_BITS_MAX, &p), 0);
	ck_assert_uint_eq(pm_ram_size(p), 1ULL << 52);
	pm_destroy(p);
	pm_destroy(NULL);
	ck_assert_uint_eq(pm_ram_size(pm), 1ULL << 40);
}
END_TEST

START_TEST(test_reads_zero_until_written)
{
	uint8_t buf[64];
	struct pm_stats st;
	uint64_t v = 1;

	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(pm_read(pm, 0x123456789, buf, sizeof(buf)), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	ck_assert_int_eq(pm_load(pm, (1ULL << 40) - 8, 8, false, &v), 0);
	ck_assert_uint_eq(v, 0);
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.ram_frames, 0);
}
END_TEST

/* One value stored at each width and order; bytes checked one by one. */
static const struct endian_case {
	unsigned int size;
	bool be;
	uint64_t val;
	uint8_t bytes[8];
} endian_cases[] = {
	{ 1, false, 0xa5, { 0xa5 } },
	{ 1, true, 0x5a, { 0x5a } },
	{ 2, false, 0x1234, { 0x34, 0x12 } },
	{ 2, true, 0x1234, { 0x12, 0x34 } },
	{ 4, false, 0x11223344, { 0x44, 0x33, 0x22, 0x11 } },
	{ 4, true, 0x11223344, { 0x11, 0x22, 0x33, 0x44 } },
	{ 8, false, 0x0102030405060708ULL, { 8, 7, 6, 5, 4, 3, 2, 1 } },
	{ 8, true, 0x0102030405060708ULL, { 1, 2, 3, 4, 5, 6, 7, 8 } },
};

START_TEST(test_endianness)
{
	const struct endian_case *c = &endian_cases[_i];
	/* aligned, unaligned and straddling a frame boundary */
	const uint64_t addrs[] = { 0x1000, 0x2003, 0x3ffd };

	for (size_t a = 0; a < ARRAY_SIZE(addrs); a++) {
		uint8_t got[8];
		uint64_t v;

		ck_assert_int_eq(pm_store(pm, addrs[a], c->size, c->be, c->val),
				 0);
		ck_assert_int_eq(pm_read(pm, addrs[a], got, c->size), 0);
		ck_assert_mem_eq(got, c->bytes, c->size);
		ck_assert_int_eq(pm_load(pm, addrs[a], c->size, c->be, &v), 0);
		ck_assert_uint_eq(v, c->val);
		/* the other byte order reads the bytes reversed */
		if (c->size > 1) {
			uint64_t r;

			ck_assert_int_eq(
				pm_load(pm, addrs[a], c->size, !c->be, &r), 0);
			ck_assert_uint_eq(
				r, c->be ? (c->size == 8 ? ld_le64(c->bytes) :
					    c->size == 4 ? ld_le32(c->bytes) :
							   ld_le16(c->bytes)) :
					   (c->size == 8 ? ld_be64(c->bytes) :
					    c->size == 4 ? ld_be32(c->bytes) :
							   ld_be16(c->bytes)));
		}
	}
}
END_TEST

START_TEST(test_bad_size)
{
	uint64_t v = 7;

	ck_assert_int_eq(pm_load(pm, 0, 3, false, &v), -EINVAL);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pm_store(pm, 0, 16, false, 1), -EINVAL);
}
END_TEST

START_TEST(test_store_truncates_to_size)
{
	uint64_t v;

	ck_assert_int_eq(pm_store(pm, 0x100, 2, false, 0xdeadbeef), 0);
	ck_assert_int_eq(pm_load(pm, 0x100, 4, false, &v), 0);
	ck_assert_uint_eq(v, 0xbeef);
}
END_TEST

START_TEST(test_sparse_high_addresses)
{
	struct pm_space *big;
	struct pm_stats st;
	uint64_t top = (1ULL << 52) - 8;
	uint64_t v;

	ck_assert_int_eq(pm_create(52, &big), 0);
	ck_assert_int_eq(pm_st64_le(big, top, 0xfeedface01234567ULL), 0);
	ck_assert_int_eq(pm_st64_be(big, 1ULL << 45, 0x42), 0);
	ck_assert_int_eq(pm_ld64_le(big, top, &v), 0);
	ck_assert_uint_eq(v, 0xfeedface01234567ULL);
	ck_assert_int_eq(pm_ld64_be(big, 1ULL << 45, &v), 0);
	ck_assert_uint_eq(v, 0x42);
	pm_get_stats(big, &st);
	ck_assert_uint_eq(st.ram_frames, 2);
	ck_assert_uint_eq(st.data_bytes, 2 * PM_FRAME_SIZE);
	/* bookkeeping for two frames in a 4 PiB space stays tiny */
	ck_assert_uint_lt(st.overhead_bytes, 8192);
	/* the last byte of RAM is RAM, the next one is not */
	ck_assert_int_eq(pm_load(big, (1ULL << 52) - 1, 1, false, &v), 0);
	ck_assert_int_eq(pm_load(big, 1ULL << 52, 1, false, &v), -EFAULT);
	pm_destroy(big);
}
END_TEST

START_TEST(test_zero_store_allocates_nothing)
{
	struct pm_stats st;
	uint8_t zeros[8192] = { 0 };

	ck_assert_int_eq(pm_st64_le(pm, 0x5000, 0), 0);
	ck_assert_int_eq(pm_write(pm, 0x10800, zeros, sizeof(zeros)), 0);
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.ram_frames, 0);
	/* but zero over a written frame really clears it */
	ck_assert_int_eq(pm_st64_le(pm, 0x5000, 0x99), 0);
	ck_assert_int_eq(pm_st64_le(pm, 0x5000, 0), 0);
	{
		uint64_t v = 1;

		ck_assert_int_eq(pm_ld64_le(pm, 0x5000, &v), 0);
		ck_assert_uint_eq(v, 0);
	}
}
END_TEST

START_TEST(test_bus_errors)
{
	uint64_t ram = pm_ram_size(pm), v = 5;
	uint8_t buf[16] = { 1, 2,  3,  4,  5,  6,  7,  8,
			    9, 10, 11, 12, 13, 14, 15, 16 };

	ck_assert_int_eq(pm_ld64_le(pm, ram, &v), -EFAULT);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pm_st64_le(pm, ram, 1), -EFAULT);
	ck_assert_int_eq(pm_read(pm, UINT64_MAX, buf, 1), -EFAULT);
	ck_assert_int_eq(pm_read(pm, UINT64_MAX - 3, buf, 8), -EFAULT);
	ck_assert_int_eq(pm_write(pm, UINT64_MAX - 3, buf, 8), -EFAULT);
	/* a write straddling the end of RAM is refused whole */
	ck_assert_int_eq(pm_write(pm, ram - 8, buf, 16), -EFAULT);
	ck_assert_int_eq(pm_ld64_le(pm, ram - 8, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* a read straddling it fails too */
	ck_assert_int_eq(pm_read(pm, ram - 8, buf, 16), -EFAULT);
	/* zero-length accesses never fault */
	ck_assert_int_eq(pm_read(pm, UINT64_MAX, buf, 0), 0);
}
END_TEST

START_TEST(test_bulk_across_frames)
{
	size_t n = 3 * PM_FRAME_SIZE + 100;
	uint8_t *src = malloc(n), *dst = malloc(n);

	for (size_t i = 0; i < n; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(pm_write(pm, 0x7ff0, src, n), 0);
	ck_assert_int_eq(pm_read(pm, 0x7ff0, dst, n), 0);
	ck_assert_mem_eq(src, dst, n);
	free(src);
	free(dst);
}
END_TEST

/* Many frames written and half of them freed again: the frame map's
 * deletion must keep every other frame reachable. */
START_TEST(test_frame_map_stress)
{
	enum { N = 20000 };
	uint64_t *pas = malloc(N * sizeof(*pas));
	struct pm_stats st;
	uint64_t v;

	pm_frame_pool_set(pm, 0, 1ULL << 36);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(pm_frame_alloc(pm, &pas[i]), 0);
		ck_assert_int_eq(pm_st64_le(pm, pas[i], pas[i] ^ 0x5a5a), 0);
	}
	for (int i = 0; i < N; i += 2)
		ck_assert_int_eq(pm_frame_free(pm, pas[i]), 0);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(pm_ld64_le(pm, pas[i], &v), 0);
		ck_assert_uint_eq(v, (i & 1) ? pas[i] ^ 0x5a5a : 0);
	}
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.table_frames, N / 2);
	ck_assert_uint_eq(st.ram_frames, N / 2);
	ck_assert_uint_eq(st.table_frames_peak, N);
	free(pas);
}
END_TEST

START_TEST(test_frame_alloc)
{
	struct pm_stats st;
	uint64_t a, b, c, v;

	ck_assert_int_eq(pm_frame_alloc(pm, &a), 0);
	ck_assert_int_eq(pm_frame_alloc(pm, &b), 0);
	/* default pool starts at 4 GiB: scripts keep the low 4 GiB */
	ck_assert_uint_eq(a, 1ULL << 32);
	ck_assert_uint_eq(b, a + PM_FRAME_SIZE);
	ck_assert_int_eq(pm_ld64_le(pm, a + 8, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pm_st64_le(pm, a, 0x1234), 0);
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.table_frames, 2);
	ck_assert_uint_eq(st.table_frames_peak, 2);

	ck_assert_int_eq(pm_frame_free(pm, a), 0);
	ck_assert_int_eq(pm_ld64_le(pm, a, &v), 0);
	ck_assert_uint_eq(v, 0); /* freed frames read as zero */
	ck_assert_int_eq(pm_frame_free(pm, a), -EINVAL); /* double free */
	ck_assert_int_eq(pm_frame_free(pm, b + 8), -EINVAL);
	ck_assert_int_eq(pm_frame_free(pm, 0x1000), -EINVAL);
	ck_assert_int_eq(pm_frame_alloc(pm, &c), 0);
	ck_assert_uint_eq(c, a); /* reused */
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.table_frames, 2);
	ck_assert_uint_eq(st.table_frames_peak, 2);
	ck_assert_int_eq(pm_frame_free(pm, b), 0);
	ck_assert_int_eq(pm_frame_free(pm, c), 0);
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.table_frames, 0);
	ck_assert_uint_eq(st.ram_frames, 0);
}
END_TEST

START_TEST(test_frame_alloc_skips_written_frames)
{
	uint64_t a, v;

	ck_assert_int_eq(pm_frame_pool_set(pm, 0x10000, 0x13000), 0);
	ck_assert_int_eq(pm_st64_le(pm, 0x10010, 0x77), 0);
	ck_assert_int_eq(pm_frame_alloc(pm, &a), 0);
	ck_assert_uint_eq(a, 0x11000);
	ck_assert_int_eq(pm_ld64_le(pm, 0x10010, &v), 0);
	ck_assert_uint_eq(v, 0x77);
	ck_assert_int_eq(pm_frame_alloc(pm, &a), 0);
	ck_assert_uint_eq(a, 0x12000);
	ck_assert_int_eq(pm_frame_alloc(pm, &a), -ENOMEM);
	ck_assert_int_eq(pm_frame_pool_set(pm, 0x20000, 0x30000), -EBUSY);
	/* a plain store into the written frame cannot free it */
	ck_assert_int_eq(pm_frame_free(pm, 0x10000), -EINVAL);
}
END_TEST

START_TEST(test_frame_pool_args)
{
	uint64_t ram = pm_ram_size(pm);

	ck_assert_int_eq(pm_frame_pool_set(pm, 0x1001, 0x2000), -EINVAL);
	ck_assert_int_eq(pm_frame_pool_set(pm, 0x2000, 0x2000), -EINVAL);
	ck_assert_int_eq(pm_frame_pool_set(pm, 0, ram + PM_FRAME_SIZE),
			 -EINVAL);
	ck_assert_int_eq(pm_frame_pool_set(pm, ram - PM_FRAME_SIZE, ram), 0);
}
END_TEST

START_TEST(test_small_ram_pool)
{
	struct pm_space *p;
	uint64_t a;

	ck_assert_int_eq(pm_create(20, &p), 0); /* 1 MiB */
	ck_assert_int_eq(pm_frame_alloc(p, &a), 0);
	ck_assert_uint_eq(a, 1u << 19); /* upper half */
	pm_destroy(p);
}
END_TEST

START_TEST(test_host_region)
{
	uint8_t *host = calloc(1, 2 * PM_FRAME_SIZE);
	uint64_t base = (1ULL << 40) + 0x2000; /* above RAM */
	struct pm_stats st;
	unsigned int id;
	uint64_t v;

	ck_assert_int_eq(pm_ld64_le(pm, base, &v), -EFAULT);
	ck_assert_int_eq(
		pm_region_add_host(pm, base, 2 * PM_FRAME_SIZE, host, &id), 0);
	host[0x1ff8] = 0xab;
	ck_assert_int_eq(pm_load(pm, base + 0x1ff8, 1, false, &v), 0);
	ck_assert_uint_eq(v, 0xab);
	ck_assert_int_eq(pm_st64_be(pm, base + 0xffc, 0x0102030405060708), 0);
	ck_assert_uint_eq(host[0xffc], 1);
	ck_assert_uint_eq(host[0x1003], 8);
	/* one past the region is a bus error again */
	ck_assert_int_eq(pm_ld64_le(pm, base + 2 * PM_FRAME_SIZE, &v), -EFAULT);
	pm_get_stats(pm, &st);
	ck_assert_uint_eq(st.regions, 1);
	ck_assert_uint_eq(st.ram_frames, 0);

	/* the client went away */
	ck_assert_int_eq(pm_region_revoke(pm, id), 0);
	ck_assert_int_eq(pm_ld64_le(pm, base, &v), -EFAULT);
	ck_assert_int_eq(pm_st64_le(pm, base, 1), -EFAULT);
	ck_assert_int_eq(pm_region_remove(pm, id), 0);
	ck_assert_int_eq(pm_region_remove(pm, id), -ENOENT);
	ck_assert_int_eq(pm_region_revoke(pm, id), -ENOENT);
	free(host);
}
END_TEST

START_TEST(test_region_shadows_ram)
{
	uint8_t *host = calloc(1, PM_FRAME_SIZE);
	unsigned int id;
	uint64_t v;

	ck_assert_int_eq(pm_st64_le(pm, 0x9000, 0x1111), 0);
	ck_assert_int_eq(
		pm_region_add_host(pm, 0x9000, PM_FRAME_SIZE, host, &id), 0);
	ck_assert_int_eq(pm_ld64_le(pm, 0x9000, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pm_st64_le(pm, 0x9000, 0x2222), 0);
	ck_assert_uint_eq(ld_le64(host), 0x2222);
	ck_assert_int_eq(pm_region_remove(pm, id), 0);
	ck_assert_int_eq(pm_ld64_le(pm, 0x9000, &v), 0);
	ck_assert_uint_eq(v, 0x1111); /* RAM was never touched */
	free(host);
}
END_TEST

START_TEST(test_region_args)
{
	uint8_t host[2 * 4096];
	unsigned int id;

	ck_assert_int_eq(pm_region_add_host(pm, 0x1001, 4096, host, &id),
			 -EINVAL);
	ck_assert_int_eq(pm_region_add_host(pm, 0x1000, 100, host, &id),
			 -EINVAL);
	ck_assert_int_eq(pm_region_add_host(pm, 0x1000, 0, host, &id), -EINVAL);
	ck_assert_int_eq(pm_region_add_host(pm, 0x1000, 4096, NULL, &id),
			 -EINVAL);
	ck_assert_int_eq(pm_region_add_host(pm, 1ULL << 52, 4096, host, &id),
			 -EINVAL);
	ck_assert_int_eq(pm_region_add_host(pm, UINT64_MAX & ~0xfffULL, 4096,
					    host, &id),
			 -EINVAL);
	ck_assert_int_eq(pm_region_add(pm, 0x1000, 4096, NULL, NULL, &id),
			 -EINVAL);
	ck_assert_int_eq(pm_region_add_host(pm, 0x4000, 8192, host, &id), 0);
	ck_assert_int_eq(pm_region_add_host(pm, 0x5000, 4096, host, NULL),
			 -EEXIST);
	ck_assert_int_eq(pm_region_add_host(pm, 0x3000, 8192, host, NULL),
			 -EEXIST);
	ck_assert_int_eq(pm_region_add_host(pm, 0x3000, 4096, host, NULL), 0);
	ck_assert_int_eq(pm_region_add_host(pm, 0x6000, 4096, host, NULL), 0);
}
END_TEST

/* A remote-style region: callbacks, a failing backend, release. */
struct fake_remote {
	uint8_t mem[8192];
	bool gone;
	int released;
};

static int fake_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct fake_remote *r = ctx;

	if (r->gone)
		return -EFAULT;
	memcpy(buf, r->mem + off, len);
	return 0;
}

static int fake_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct fake_remote *r = ctx;

	if (r->gone)
		return -EFAULT;
	memcpy(r->mem + off, buf, len);
	return 0;
}

static void fake_release(void *ctx)
{
	((struct fake_remote *)ctx)->released++;
}

static const struct pm_region_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
	.release = fake_release,
};

START_TEST(test_ops_region)
{
	struct fake_remote r = { .gone = false };
	unsigned int id;
	uint64_t v;

	ck_assert_int_eq(pm_region_add(pm, 0x100000, 8192, &fake_ops, &r, &id),
			 0);
	ck_assert_int_eq(pm_store(pm, 0x100ffe, 4, false, 0xaabbccdd), 0);
	ck_assert_uint_eq(r.mem[0xffe], 0xdd);
	ck_assert_uint_eq(r.mem[0x1001], 0xaa);
	ck_assert_int_eq(pm_load(pm, 0x100ffe, 4, false, &v), 0);
	ck_assert_uint_eq(v, 0xaabbccdd);
	r.gone = true; /* the process died under us */
	ck_assert_int_eq(pm_load(pm, 0x100000, 4, false, &v), -EFAULT);
	ck_assert_int_eq(pm_region_remove(pm, id), 0);
	ck_assert_int_eq(r.released, 1);
	/* and a region still present at destroy is released then */
	ck_assert_int_eq(pm_region_add(pm, 0x100000, 8192, &fake_ops, &r, &id),
			 0);
	pm_destroy(pm);
	pm = NULL;
	ck_assert_int_eq(r.released, 2);
}
END_TEST

START_TEST(test_frame_alloc_avoids_regions)
{
	uint8_t host[4096];
	uint64_t a;

	ck_assert_int_eq(pm_frame_pool_set(pm, 0x10000, 0x12000), 0);
	ck_assert_int_eq(pm_region_add_host(pm, 0x10000, 4096, host, NULL), 0);
	ck_assert_int_eq(pm_frame_alloc(pm, &a), 0);
	ck_assert_uint_eq(a, 0x11000);
}
END_TEST

static Suite *physmem_suite(void)
{
	Suite *s = suite_create("physmem");
	TCase *tc = tcase_create("core");

	/* correctness, not speed: under ASan with every suite running at
	 * once the frame-map stress test outlives Check's 4 s default */
	tcase_set_timeout(tc, 120);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_limits);
	tcase_add_test(tc, test_reads_zero_until_written);
	tcase_add_loop_test(tc, test_endianness, 0, ARRAY_SIZE(endian_cases));
	tcase_add_test(tc, test_bad_size);
	tcase_add_test(tc, test_store_truncates_to_size);
	tcase_add_test(tc, test_sparse_high_addresses);
	tcase_add_test(tc, test_zero_store_allocates_nothing);
	tcase_add_test(tc, test_bus_errors);
	tcase_add_test(tc, test_bulk_across_frames);
	tcase_add_test(tc, test_frame_map_stress);
	tcase_add_test(tc, test_frame_alloc);
	tcase_add_test(tc, test_frame_alloc_skips_written_frames);
	tcase_add_test(tc, test_frame_pool_args);
	tcase_add_test(tc, test_small_ram_pool);
	tcase_add_test(tc, test_host_region);
	tcase_add_test(tc, test_region_shadows_ram);
	tcase_add_test(tc, test_region_args);
	tcase_add_test(tc, test_ops_region);
	tcase_add_test(tc, test_frame_alloc_avoids_regions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(physmem_suite());
}

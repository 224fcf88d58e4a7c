/* SPDX-License-Identifier: MIT */
/*
 * iofd_test.h - what the uapi_sim test files share: the context under
 * test and the two calls every test makes. Included once per test file.
 */
#ifndef IOMMUSIM_TESTS_IOFD_TEST_H
#define IOMMUSIM_TESTS_IOFD_TEST_H

#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

static struct iofd_ctx *ctx;

/* One ioctl on the context under test: 0 or -errno, as the kernel's. */
static inline int io(unsigned long cmd, void *arg)
{
	return iommufd_sim_ioctl(ctx, cmd, (uint64_t)(uintptr_t)arg);
}

static inline uint32_t ioas_alloc(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

#define PAGE 4096ULL
#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

static inline int map_at(uint32_t ioas, void *buf, uint64_t len, uint64_t iova,
			 uint32_t prot)
{
	struct iommu_ioas_map m = { .size = sizeof(m),
				    .flags = prot | IOMMU_IOAS_MAP_FIXED_IOVA,
				    .ioas_id = ioas,
				    .user_va = (uintptr_t)buf,
				    .length = len,
				    .iova = iova };

	return io(IOMMU_IOAS_MAP, &m);
}

static inline int destroy(uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return io(IOMMU_DESTROY, &d);
}

/* @n fresh pages of this process (munmap them when done). */
static inline void *pages(size_t n)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert(p != MAP_FAILED);
	return p;
}

static inline int get_dirty_bitmap(uint32_t hwpt, uint64_t iova, uint64_t len,
				   uint64_t psize, uint64_t *bits,
				   uint32_t flags)
{
	struct iommu_hwpt_get_dirty_bitmap g = { .size = sizeof(g),
						 .hwpt_id = hwpt,
						 .flags = flags,
						 .iova = iova,
						 .length = len,
						 .page_size = psize,
						 .data = (uintptr_t)bits };

	return io(IOMMU_HWPT_GET_DIRTY_BITMAP, &g);
}

/* uaccess ops that trust the caller: plain memcpy. */
static inline int direct_read(void *c, uint64_t uptr, void *buf, size_t len)
{
	(void)c;
	memcpy(buf, (const void *)(uintptr_t)uptr, len);
	return 0;
}

static inline int direct_write(void *c, uint64_t uptr, const void *buf,
			       size_t len)
{
	(void)c;
	memcpy((void *)(uintptr_t)uptr, buf, len);
	return 0;
}

#endif /* IOMMUSIM_TESTS_IOFD_TEST_H */

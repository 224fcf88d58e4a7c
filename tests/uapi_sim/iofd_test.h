/* SPDX-License-Identifier: MIT */
/*
 * iofd_test.h - what the uapi_sim test files share: the context under
 * test and the two calls every test makes. Included once per test file.
 */
#ifndef IOMMUSIM_TESTS_IOFD_TEST_H
#define IOMMUSIM_TESTS_IOFD_TEST_H

#include <check.h>
#include <stdint.h>

#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

static struct iofd_ctx *ctx;

/* One ioctl on the context under test: 0 or -errno, as the kernel's. */
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

#endif /* IOMMUSIM_TESTS_IOFD_TEST_H */

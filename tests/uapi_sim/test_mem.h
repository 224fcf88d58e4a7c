/* SPDX-License-Identifier: MIT */
/*
 * test_mem.h - user memory for the uapi_sim tests that need alignment
 * above a page (a POWER window's 64 KiB or 2 MiB IO pages).
 */
#ifndef IOMMUSIM_TESTS_TEST_MEM_H
#define IOMMUSIM_TESTS_TEST_MEM_H

#include <check.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* @len zeroed bytes of this process's memory aligned to @align (never
 * unmapped: mappings may outlive a check; the test process is short). */
static inline uint8_t *test_aligned(uint64_t len, uint64_t align)
{
	uint8_t *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert(p != MAP_FAILED);
	p += (align - ((uintptr_t)p & (align - 1))) & (align - 1);
	memset(p, 0, len);
	return p;
}

#endif /* IOMMUSIM_TESTS_TEST_MEM_H */

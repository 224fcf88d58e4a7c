/* SPDX-License-Identifier: MIT */
/*
 * e2e.h - what every end-to-end client shares: CHECK, which reports a
 * failed condition with its line and errno and counts it, so a client
 * runs all its checks and exits 1 if any failed.
 */
#ifndef IOMMUSIM_TESTS_E2E_H
#define IOMMUSIM_TESTS_E2E_H

#include <errno.h>
#include <stdio.h>

static int failures;

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr,                                 \
				"%s:%d: check failed: %s (errno %d)\n", \
				__FILE__, __LINE__, #cond, errno);      \
			failures++;                                     \
		}                                                       \
	} while (0)

#endif /* IOMMUSIM_TESTS_E2E_H */

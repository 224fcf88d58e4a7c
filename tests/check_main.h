/* SPDX-License-Identifier: MIT */
/*
 * check_main.h - the one way every Check suite in tests/ is run: forked
 * (so a crash or a leak in one test is that test's error, not the run's),
 * with the normal summary line scripts/test collects.
 */
#ifndef IOMMUSIM_TESTS_CHECK_MAIN_H
#define IOMMUSIM_TESTS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int check_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif

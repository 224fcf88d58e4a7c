/* SPDX-License-Identifier: MIT */
/*
 * unit_fixture.h - the fixture the hardware units' Check suites share:
 * one unit of UNIT_OPS (define it before including this) made from
 * `machine` keys on 2^40 bytes of RAM, torn down after each test, and
 * its MMIO registers read and written with the unit's own checks.
 */
#ifndef IOMMUSIM_TESTS_UNIT_FIXTURE_H
#define IOMMUSIM_TESTS_UNIT_FIXTURE_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/physmem.h"
#include "model/unit.h"

#ifndef UNIT_OPS
#error "define UNIT_OPS (the unit's struct sim_unit_ops) first"
#endif

static struct pm_space *pm;
static struct sim_unit *u;
static struct sim_err err;

/* The unit from @opts ("key=value ..."): 0, or -EINVAL with err.msg. A
 * key nobody took is an error too, as the script runner refuses it. */
static inline int try_unit(const char *opts)
{
	char buf[256], *argv[16];
	struct sim_opts o;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (char *p = strtok(buf, " "); p && argc < 16; p = strtok(NULL, " "))
		argv[argc++] = p;
	ck_assert_int_eq(pm_create(40, &pm), 0);
	ck_assert_int_eq(sim_opts_parse(&o, argc, argv, &err), 0);
	if (UNIT_OPS.create(pm, &o, &u, &err))
		return -EINVAL;
	if (sim_opts_unused(&o))
		return sim_errf(&err, "unused %s", sim_opts_unused(&o));
	return 0;
}

static inline void make_unit(const char *opts)
{
	ck_assert_msg(!try_unit(opts), "%s", err.msg);
}

static inline void teardown(void)
{
	if (u)
		u->ops->destroy(u);
	pm_destroy(pm);
	u = NULL;
	pm = NULL;
}

static inline uint64_t rd(uint64_t off, unsigned int size)
{
	uint64_t v;

	ck_assert_msg(!u->ops->mmio_read(u, off, size, &v, &err), "%s",
		      err.msg);
	return v;
}

static inline void wr(uint64_t off, unsigned int size, uint64_t v)
{
	ck_assert_msg(!u->ops->mmio_write(u, off, size, v, &err), "%s",
		      err.msg);
}

#endif /* IOMMUSIM_TESTS_UNIT_FIXTURE_H */

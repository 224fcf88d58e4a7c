// SPDX-License-Identifier: MIT
/*
 * test_unit_opts.c - numbers, key=value options and messages shared by
 * the units and the runner.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "model/bits.h"
#include "model/unit.h"

static const struct num_case {
	const char *text;
	int ret;
	uint64_t val;
} num_cases[] = {
	{ "0", 0, 0 },
	{ "42", 0, 42 },
	{ "0x2A", 0, 42 },
	{ "0Xff", 0, 255 },
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "0xffffffffffffffff", 0, UINT64_MAX },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "0x10000000000000000", -ERANGE, 0 },
	{ "", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "12a", -EINVAL, 0 },
	{ "0xg", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1 ", -EINVAL, 0 },
};

START_TEST(test_parse_u64)
{
	const struct num_case *c = &num_cases[_i];
	uint64_t v = 99;

	ck_assert_msg(sim_parse_u64(c->text, &v) == c->ret, "'%s'", c->text);
	ck_assert_uint_eq(v, c->val);
}
END_TEST

START_TEST(test_opts)
{
	char a[] = "ram=44", b[] = "mode=scalable", c[] = "extra=1";
	char *argv[] = { a, b, c };
	static const char *const modes[] = { "legacy", "scalable", NULL };
	struct sim_opts o;
	struct sim_err err = { "" };
	unsigned int mode;
	uint64_t v;

	ck_assert_int_eq(sim_opts_parse(&o, 3, argv, &err), 0);
	ck_assert_int_eq(sim_opt_u64(&o, "ram", 40, 16, 52, &v, &err), 0);
	ck_assert_uint_eq(v, 44);
	ck_assert_int_eq(sim_opt_u64(&o, "absent", 7, 0, 9, &v, &err), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(sim_opt_choice(&o, "mode", modes, 0, &mode, &err), 0);
	ck_assert_uint_eq(mode, 1);
	ck_assert_str_eq(sim_opts_unused(&o), "extra");
	ck_assert_int_eq(sim_opt_u64(&o, "extra", 0, 0, 9, &v, &err), 0);
	ck_assert_ptr_null(sim_opts_unused(&o));
}
END_TEST

START_TEST(test_opts_errors)
{
	char a[] = "ram=99", b[] = "mode=fancy", c[] = "novalue", d[] = "=3",
	     e[] = "ram=1";
	static const char *const modes[] = { "legacy", "scalable", NULL };
	struct sim_err err = { "" };
	struct sim_opts o;
	unsigned int mode;
	uint64_t v;

	{
		char *argv[] = { a, b };

		ck_assert_int_eq(sim_opts_parse(&o, 2, argv, &err), 0);
		ck_assert_int_eq(sim_opt_u64(&o, "ram", 40, 16, 52, &v, &err),
				 -EINVAL);
		ck_assert_str_eq(
			err.msg,
			"option ram=99: expected a number from 16 to 52");
		ck_assert_int_eq(sim_opt_choice(&o, "mode", modes, 0, &mode,
						&err),
				 -EINVAL);
		ck_assert_str_eq(err.msg,
				 "option mode=fancy: expected legacy|scalable");
	}
	{
		char *argv[] = { c };

		ck_assert_int_eq(sim_opts_parse(&o, 1, argv, &err), -EINVAL);
		ck_assert_str_eq(err.msg, "expected key=value, got 'novalue'");
	}
	{
		char *argv[] = { d };

		ck_assert_int_eq(sim_opts_parse(&o, 1, argv, &err), -EINVAL);
	}
	{
		char x[] = "ram=2";
		char *argv[] = { e, x };

		ck_assert_int_eq(sim_opts_parse(&o, 2, argv, &err), -EINVAL);
		ck_assert_str_eq(err.msg, "option 'ram' given twice");
	}
	{
		char words[SIM_OPTS_MAX + 1][8];
		char *argv[SIM_OPTS_MAX + 1];

		for (int i = 0; i <= SIM_OPTS_MAX; i++) {
			snprintf(words[i], sizeof(words[i]), "k%d=1", i);
			argv[i] = words[i];
		}
		ck_assert_int_eq(sim_opts_parse(&o, SIM_OPTS_MAX + 1, argv,
						&err),
				 -EINVAL);
	}
	ck_assert_int_eq(sim_errf(NULL, "x"), -EINVAL);
}
END_TEST

static char line[64];

static void grab(void *ctx, const char *text)
{
	(void)ctx;
	snprintf(line, sizeof(line), "%s", text);
}

START_TEST(test_outf)
{
	struct sim_out out = { .line = grab };

	sim_outf(&out, "code=0x%x name=%s", 5, "X");
	ck_assert_str_eq(line, "code=0x5 name=X");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("unit_opts");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_parse_u64, 0, ARRAY_SIZE(num_cases));
	tcase_add_test(tc, test_opts);
	tcase_add_test(tc, test_opts_errors);
	tcase_add_test(tc, test_outf);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

// SPDX-License-Identifier: MIT
/*
 * test_script.c - the scenario runner: every command, every error path,
 * exit statuses and what a person reads on stdout and stderr.
 *
 * Commands that need a unit run against tests/tools/toy_unit.c, a test-only
 * unit that implements the whole unit interface.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "model/bits.h"
#include "tools/script.h"
#include "toy_unit.h"

static const struct sim_unit_ops *const kinds[] = { &toy_unit_ops, NULL };

static int status;
static char *out, *err;
static size_t out_len, err_len;

/* Point @cfg's streams at fresh in-memory buffers (out, err). */
static void open_streams(struct script_cfg *cfg)
{
	free(out);
	free(err);
	out = err = NULL;
	cfg->out = open_memstream(&out, &out_len);
	cfg->err = open_memstream(&err, &err_len);
	ck_assert(cfg->out && cfg->err);
}

static void close_streams(struct script_cfg *cfg)
{
	fclose(cfg->out);
	fclose(cfg->err);
}

static void run_len(const char *text, size_t len)
{
	struct script_cfg cfg = { .kinds = kinds };

	open_streams(&cfg);
	status = script_run_buffer(&cfg, "t.script", text, len);
	close_streams(&cfg);
}

static void run(const char *text)
{
	run_len(text, strlen(text));
}

static void teardown(void)
{
	free(out);
	free(err);
	out = err = NULL;
}

/* A toy machine with a table at 0x10000 mapping iova page N to 0x80000+N
 * pages: pages 0-2 rw, page 3 read-only, page 4 not present. */
#define TOY_SETUP                       \
	"machine toy\n"                 \
	"mem write64 0x10000 0x80003\n" \
	"mem write64 0x10008 0x81003\n" \
	"mem write64 0x10010 0x82003\n" \
	"mem write64 0x10018 0x83001\n" \
	"mmio write64 BASE 0x10000\n"   \
	"mmio write32 CTRL 1\n"

START_TEST(test_none_memory)
{
	run("machine none\n"
	    "mem write64 0x1000 0x1122334455667788\n"
	    "mem read64 0x1000\n"
	    "expect 0x1122334455667788\n"
	    "mem read32be 0x1000\n"
	    "expect 0x88776655\n"
	    "mem read16 0x1006\n"
	    "expect 0x1122\n"
	    "mem write8be 0x1000 0xff\n"
	    "mem read8 0x1000\n"
	    "expect 0xff\n"
	    "mem write16be 0x1fff 0xabcd\n" /* straddles two frames */
	    "mem read8 0x2000\n"
	    "expect 0xcd\n"
	    "mem read64 0x10000000000\n"
	    "expect bus-error addr=0x10000000000\n"
	    "mem write32 0xffffffffffffffff 1\n"
	    "expect bus-error\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(out, "0x1122334455667788\n0x88776655\n0x1122\n0xff\n"
			      "0xcd\nbus-error addr=0x10000000000\n"
			      "bus-error addr=0xffffffffffffffff\n");
}
END_TEST

START_TEST(test_none_ram_option)
{
	run("machine none ram=20\n"
	    "mem read8 0xfffff\nexpect 0x0\n"
	    "mem read8 0x100000\nexpect bus-error\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_none_translate_and_dma)
{
	run("machine none\n"
	    "translate 0x10 iova=0x5678 access=rw\n"
	    "expect ok pa=0x5678 size=0x1000 perm=rwx\n"
	    "dma write 3 iova=0xffe data=0102030405\n"
	    "expect ok\n"
	    "dma read 3 iova=0xffc len=8\n"
	    "expect ok data=0000010203040500\n"
	    "mem read8 0x1002\nexpect 0x5\n"
	    "dma write 1 iova=0x10000000000 data=aa\n"
	    "expect bus-error pa=0x10000000000\n"
	    "events\nexpect end\n"
	    "mem stats\nexpect ram_frames=2 table_frames=0\n"
	    "trace on\ntrace off\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_toy_translate_and_faults)
{
	run(TOY_SETUP "mmio read32 ID\nexpect 0x70790001\n"
		      "mmio read64 8\nexpect 0x10000\n"
		      "translate 1 iova=0x1234 access=w\n"
		      "expect ok pa=0x81234 size=0x1000 perm=rw\n"
		      "translate 1 iova=0x3010 access=w\n"
		      "expect fault code=0x2 name=PERM\n"
		      "translate 2 iova=0x3010 access=r\n"
		      "expect ok pa=0x83010\n"
		      "translate 7 iova=0x4000 access=r\n"
		      "expect fault code=0x1 name=NOT_PRESENT\n"
		      "translate 7 iova=0x200000 access=r\n"
		      "expect fault code=0x3\n"
		      "mmio read32 FCOUNT\nexpect 0x3\n"
		      "events\n"
		      "expect code=0x2 name=PERM src=0x1 iova=0x3010\n"
		      "expect code=0x1 name=NOT_PRESENT src=0x7 iova=0x4000\n"
		      "expect code=0x3 name=RANGE src=0x7 iova=0x200000\n"
		      "expect end\n"
		      "events\nexpect end\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_toy_fetch_abort_fields)
{
	run("machine toy\n"
	    "mmio write64 BASE 0x20000000000\n" /* beyond 1 TiB of RAM */
	    "mmio write32 CTRL 1\n"
	    "translate 1 iova=0x1000 access=r\n"
	    "expect fault code=0x4 name=FETCH_ABORT addr=0x20000000008\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_toy_dma_across_pages)
{
	run(TOY_SETUP "dma write 1 iova=0xffe data=a1a2a3a4\n"
		      "expect ok\n"
		      "mem read16 0x80ffe\nexpect 0xa2a1\n"
		      "mem read16 0x81000\nexpect 0xa4a3\n"
		      "dma read 1 iova=0xfff len=2\n"
		      "expect ok data=a2a3\n"
		      /* page 3 is read-only: the write stops there */
		      "dma write 1 iova=0x2fff data=b1b2\n"
		      "expect fault code=0x2 name=PERM\n"
		      "mem read8 0x82fff\nexpect 0xb1\n"
		      "mem read8 0x83000\nexpect 0x0\n"
		      "dma read 1 iova=0x3ffe len=4 pasid=5\n"
		      "expect fault code=0x1\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_reset)
{
	run(TOY_SETUP "translate 1 iova=0x1000 access=r\nexpect ok pa=0x81000\n"
		      "reset\n"
		      "mmio read32 CTRL\nexpect 0x0\n"
		      "mmio read64 BASE\nexpect 0x0\n"
		      "translate 1 iova=0x1000 access=r\nexpect ok pa=0x1000\n"
		      "mem read64 0x10008\nexpect 0x81003\n" /* memory stays */
		      "cache stats\nexpect hits=0 misses=1 entries=0\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
	run("machine none\nreset\nmem read8 0\nexpect 0x0\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_toy_bypass_when_disabled)
{
	run("machine toy\n"
	    "translate 1 iova=0xabc000 access=rw\n"
	    "expect ok pa=0xabc000\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_trace_lines)
{
	run(TOY_SETUP "trace on\n"
		      "translate 1 iova=0x1000 access=r\n"
		      "expect ok pa=0x81000\n"
		      "translate 1 iova=0x4000 access=r\n"
		      "expect fault code=0x1\n"
		      "trace off\n"
		      "toy-inval all\n"
		      "translate 1 iova=0x1000 access=r\n"
		      "expect ok\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
	/* trace lines are indented and not seen by expect */
	ck_assert_str_eq(
		out,
		"  toy-pte @0x10008 raw=0x0000000000081003 R=1 W=1 ADDR=0x81000 -> leaf\n"
		"ok pa=0x81000 size=0x1000 perm=rw\n"
		"  toy-pte @0x10020 raw=0x0000000000000000 R=0 W=0 -> fault: not present\n"
		"fault code=0x1 name=NOT_PRESENT\n"
		"ok invalidated=1\n"
		"ok pa=0x81000 size=0x1000 perm=rw\n");
}
END_TEST

START_TEST(test_cache_stats_and_strict)
{
	run(TOY_SETUP
	    "translate 1 iova=0x1000 access=r\n"
	    "translate 1 iova=0x1008 access=r\n"
	    "cache stats\n"
	    "expect hits=1 misses=1 entries=1 capacity=32 evictions=0 invalidated=0 stale=0 strict=off\n"
	    "cache strict on\n"
	    "mem write64 0x10008 0x91003\n" /* remap, no invalidation */
	    "translate 1 iova=0x1000 access=r\n"
	    "expect ok pa=0x81000\n" /* the cache still says so */
	    "cache stats\n"
	    "expect hits=2 misses=1 entries=1 capacity=32 evictions=0 invalidated=0 stale=1 strict=on\n"
	    "toy-inval 0x1000\nexpect ok invalidated=1\n"
	    "translate 1 iova=0x1000 access=r\n"
	    "expect ok pa=0x91000\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
	ck_assert_str_eq(
		err,
		"t.script:14: strict: stale cache entry iova=0x1000: cached pa=0x81000 size=0x1000 perm=rw, memory now pa=0x91000 size=0x1000 perm=rw (missing invalidation)\n");
}
END_TEST

START_TEST(test_unit_commands)
{
	run("machine toy entries=4\n"
	    "toy-echo hello   world\n"
	    "expect hello world\n"
	    "mmio write64 BASE 0x10000\nmmio write32 CTRL 1\n"
	    "translate 1 iova=0x4000 access=r\nexpect fault code=0x3\n"
	    "toy-reset\n"
	    "mmio read32 CTRL\nexpect 0x0\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);
}
END_TEST

START_TEST(test_expect_rules)
{
	run("machine toy\n"
	    "toy-echo ok pa=0x1 size=0x2\n"
	    "expect ok pa=0x1\n" /* prefix followed by a space */
	    "toy-echo ok pa=0x12\n"
	    "expect ok pa=0x1\n" /* not a word boundary: fails */
	    "toy-echo a b   \n"
	    "expect    a b  # trailing blanks and comments do not count\n"
	    "events\n"
	    "expect end\n"
	    "expect end\n" /* nothing left: fails */
	    "mem write8 0 1\n"
	    "expect 0x1\n"); /* a write prints nothing: fails */
	ck_assert_int_eq(status, SCRIPT_EXPECT_FAILED);
	ck_assert_str_eq(
		err,
		"t.script:5: expect failed: wanted 'ok pa=0x1', got 'ok pa=0x12'\n"
		"t.script:10: expect failed: wanted 'end', but the previous command printed no further line\n"
		"t.script:12: expect failed: wanted '0x1', but the previous command printed no further line\n"
		"t.script: 3 expect lines failed\n");
}
END_TEST

/* Input that must stop the run with status 2 and say why, with its line. */
static const struct usage_case {
	const char *script;
	const char *msg;
} usage_cases[] = {
	{ "mem read8 0\n",
	  "t.script:1: the first command must be 'machine KIND'" },
	{ "expect 0x0\n",
	  "t.script:1: the first command must be 'machine KIND'" },
	{ "machine\n", "t.script:1: machine: usage" },
	{ "machine vax\n",
	  "t.script:1: machine: unknown kind 'vax' (known: none, toy)" },
	{ "machine none\nmachine none\n",
	  "t.script:2: machine: the machine already exists" },
	{ "machine none ram=60\n",
	  "t.script:1: machine none: option ram=60: expected a number from 16 to 52" },
	{ "machine none foo=1\n",
	  "t.script:1: machine none: unknown option 'foo' (options: ram=BITS)" },
	{ "machine toy bar=1\n",
	  "t.script:1: machine toy: unknown option 'bar' (options: ram=BITS entries=N)" },
	{ "machine toy entries=0\n",
	  "t.script:1: machine toy: option entries=0" },
	{ "machine none ram\n",
	  "t.script:1: machine none: expected key=value, got 'ram'" },
	{ "machine none ram=20 ram=21\n", "given twice" },
	{ "machine none\nmem write8 0 0x100\n",
	  "t.script:2: value 0x100 is out of range (largest 0xff)" },
	{ "machine none\nmem write16 0 0x10000\n",
	  "value 0x10000 is out of range (largest 0xffff)" },
	{ "machine none\nmem write32 0 0x100000000\n",
	  "out of range (largest 0xffffffff)" },
	{ "machine none\nmem write64 0 0x10000000000000000\n",
	  "value 0x10000000000000000 is out of range" },
	{ "machine none\nmem write128 0 1\n", "mem: expected writeN" },
	{ "machine none\nmem write8le 0 1\n", "mem: expected writeN" },
	{ "machine none\nmem write8 0\n", "mem: usage: mem write8 ADDR VALUE" },
	{ "machine none\nmem read8\n", "mem: usage: mem read8 ADDR" },
	{ "machine none\nmem read8 zero\n",
	  "address: expected a number, got 'zero'" },
	{ "machine none\nmem\n", "mem: expected" },
	{ "machine none\nmmio read32 0\n",
	  "t.script:2: machine none has no MMIO registers" },
	{ "machine toy\nmmio read16 0\n",
	  "mmio: expected read32, read64, write32 or write64, got 'read16'" },
	{ "machine toy\nmmio\n", "mmio: expected read32" },
	{ "machine toy\nmmio read32 NOPE\n",
	  "mmio: machine toy has no register named 'NOPE'" },
	{ "machine toy\nmmio read32 BASE\n",
	  "mmio: toy: 4-byte access to 8-byte register at 0x8" },
	{ "machine toy\nmmio write64 CTRL 1\n",
	  "mmio: toy: 8-byte access to 4-byte register at 0x10" },
	{ "machine toy\nmmio write32 CTRL 0x100000000\n",
	  "out of range (largest 0xffffffff)" },
	{ "machine toy\nmmio write32 CTRL\n",
	  "mmio: usage: mmio write32 REG VALUE" },
	{ "machine none\ntranslate\n", "translate: usage" },
	{ "machine none\ntranslate 1 access=r\n",
	  "translate: iova= and access= are required" },
	{ "machine none\ntranslate 1 iova=0\n",
	  "translate: iova= and access= are required" },
	{ "machine none\ntranslate 1 iova=0 access=x\n",
	  "access=x: expected r, w or rw" },
	{ "machine none\ntranslate 1 iova=0 access=r pasid=0x100000\n",
	  "pasid 0x100000 is out of range (largest 0xfffff)" },
	{ "machine none\ntranslate 0x100000000 iova=0 access=r\n",
	  "source id 0x100000000 is out of range" },
	{ "machine none\ntranslate 1 iova=0 access=r bogus\n",
	  "translate: unexpected 'bogus'" },
	{ "machine none\ndma\n", "dma: usage" },
	{ "machine none\ndma copy 1 iova=0\n", "dma: usage" },
	{ "machine none\ndma write 1 iova=0\n",
	  "dma write: iova= and data= are required" },
	{ "machine none\ndma write 1 iova=0 data=abc\n",
	  "data= needs an even, nonzero number of hex digits" },
	{ "machine none\ndma write 1 iova=0 data=\n", "data= needs an even" },
	{ "machine none\ndma write 1 iova=0 data=zz\n",
	  "data=: 'zz' is not a hex byte" },
	{ "machine none\ndma write 1 iova=0 len=4\n",
	  "dma write: unexpected 'len=4'" },
	{ "machine none\ndma read 1 iova=0\n",
	  "dma read: iova= and len= are required" },
	{ "machine none\ndma read 1 iova=0 len=0\n",
	  "dma read: len must be at least 1" },
	{ "machine none\ndma read 1 iova=0 len=65537\n",
	  "len 65537 is out of range" },
	{ "machine none\ndma read 1 iova=0xffffffffffffffff len=2\n",
	  "dma: iova range wraps past 2^64" },
	{ "machine none\nevents now\n", "events: takes no arguments" },
	{ "machine toy\nreset now\n", "reset: takes no arguments" },
	{ "machine none\ntrace maybe\n",
	  "trace: expected 'trace on' or 'trace off'" },
	{ "machine none\ncache stats\n",
	  "machine none has no translation cache" },
	{ "machine toy\ncache strict maybe\n",
	  "cache: expected 'cache stats' or 'cache strict on|off'" },
	{ "machine none\nexpect\n", "t.script:2: expect: usage: expect TEXT" },
	{ "machine none\nfrobnicate\n",
	  "t.script:2: unknown command 'frobnicate'" },
	{ "machine toy\ntoy-fail\n",
	  "t.script:2: toy-fail: toy-fail always fails" },
	{ "machine toy\ntoy-inval\n", "toy-inval: usage: toy-inval all|IOVA" },
	{ "machine none\n"
	  "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a "
	  "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a\n",
	  "t.script:2: more than 64 words on one line" },
};

START_TEST(test_usage_errors)
{
	const struct usage_case *c = &usage_cases[_i];

	run(c->script);
	ck_assert_msg(status == SCRIPT_USAGE, "status %d for: %s", status,
		      c->script);
	ck_assert_msg(strstr(err, c->msg), "wanted '%s' in '%s'", c->msg, err);
	/* one message, one line */
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
}
END_TEST

START_TEST(test_usage_error_stops_the_run)
{
	run("machine none\nmem read8 0\nbogus\nmem read8 1\n");
	ck_assert_int_eq(status, SCRIPT_USAGE);
	ck_assert_str_eq(out, "0x0\n");
	/* a usage error wins over an earlier failed expect */
	run("machine none\nmem read8 0\nexpect 0x1\nbogus\n");
	ck_assert_int_eq(status, SCRIPT_USAGE);
}
END_TEST

START_TEST(test_hostile_bytes)
{
	static const char nul[] = "machine none\nmem read8 0\0 junk\n";
	char *big;

	run_len(nul, sizeof(nul) - 1);
	ck_assert_int_eq(status, SCRIPT_USAGE);
	ck_assert_str_eq(err, "t.script:2: NUL byte in line\n");

	/* CRLF endings, tabs, comment-only and blank lines */
	run("# a comment\r\n\r\n\tmachine\tnone\t\r\nmem read8 0 # why\r\n"
	    "expect 0x0\r\n");
	ck_assert_msg(status == SCRIPT_OK, "%s", err);

	/* a 1 MiB line is an error message, not a crash */
	big = malloc(1 << 20);
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	memcpy(big, "machine none\nmem read8 ", 23);
	run(big);
	ck_assert_int_eq(status, SCRIPT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "address: expected a number"));
	free(big);

	/* no trailing newline */
	run("machine none\nmem read8 0\nexpect 0x0");
	ck_assert_int_eq(status, SCRIPT_OK);
}
END_TEST

START_TEST(test_empty_script_warns)
{
	run("# nothing here\n");
	ck_assert_int_eq(status, SCRIPT_OK);
	ck_assert_str_eq(err,
			 "t.script: warning: no 'machine' line, nothing ran\n");
}
END_TEST

START_TEST(test_long_dma_read_line)
{
	size_t n = 65536;
	char *want;

	run("machine none\nmem write8 0x3000 0x5a\n"
	    "dma read 1 iova=0x3000 len=65536\n");
	ck_assert_int_eq(status, SCRIPT_OK);
	/* "ok data=" + 2 hex digits a byte + newline, nothing cut */
	ck_assert_uint_eq(strlen(out), 8 + 2 * n + 1);
	want = "ok data=5a00";
	ck_assert_int_eq(strncmp(out, want, strlen(want)), 0);
}
END_TEST

START_TEST(test_run_file)
{
	char path[] = "/tmp/iommusim-test-XXXXXX";
	struct script_cfg cfg = { .kinds = kinds };
	FILE *f;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("machine toy\nmmio read32 ID\nexpect 0x70790001\n", f);
	fclose(f);
	open_streams(&cfg);
	ck_assert_int_eq(script_run_file(&cfg, path), SCRIPT_OK);
	unlink(path);
	ck_assert_int_eq(script_run_file(&cfg, path), SCRIPT_USAGE);
	close_streams(&cfg);
	ck_assert_str_eq(out, "0x70790001\n");
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
}
END_TEST

START_TEST(test_echo)
{
	struct script_cfg cfg = { .kinds = kinds, .echo = true };
	const char *s =
		"# intro\nmachine none\n\nmem read8 0 # c\nexpect 0x0\n";

	open_streams(&cfg);
	ck_assert_int_eq(script_run_buffer(&cfg, "e", s, strlen(s)), SCRIPT_OK);
	close_streams(&cfg);
	ck_assert_str_eq(out, "> machine none\n> mem read8 0\n0x0\n");
}
END_TEST

/* The built-in kind table has what `iommusim kinds` lists. */
START_TEST(test_default_kinds)
{
	struct script_cfg cfg = { 0 };
	const char *s = "machine none\nmem read8 0\nexpect 0x0\n";

	open_streams(&cfg);
	ck_assert_int_eq(script_run_buffer(&cfg, "d", s, strlen(s)), SCRIPT_OK);
	close_streams(&cfg);
	for (unsigned int i = 0; iommusim_unit_kinds[i]; i++)
		ck_assert_ptr_nonnull(iommusim_unit_kinds[i]->create);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("script");
	TCase *tc = tcase_create("runner");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_none_memory);
	tcase_add_test(tc, test_none_ram_option);
	tcase_add_test(tc, test_none_translate_and_dma);
	tcase_add_test(tc, test_toy_translate_and_faults);
	tcase_add_test(tc, test_toy_fetch_abort_fields);
	tcase_add_test(tc, test_toy_dma_across_pages);
	tcase_add_test(tc, test_toy_bypass_when_disabled);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_trace_lines);
	tcase_add_test(tc, test_cache_stats_and_strict);
	tcase_add_test(tc, test_unit_commands);
	tcase_add_test(tc, test_expect_rules);
	tcase_add_loop_test(tc, test_usage_errors, 0, ARRAY_SIZE(usage_cases));
	tcase_add_test(tc, test_usage_error_stops_the_run);
	tcase_add_test(tc, test_hostile_bytes);
	tcase_add_test(tc, test_empty_script_warns);
	tcase_add_test(tc, test_long_dma_read_line);
	tcase_add_test(tc, test_run_file);
	tcase_add_test(tc, test_default_kinds);
	tcase_add_test(tc, test_echo);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

// SPDX-License-Identifier: MIT
/*
 * test_tcache.c - the translation cache: hits, misses, set-local
 * eviction, predicate invalidation and strict-mode stale detection.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "model/bits.h"
#include "model/tcache.h"

/* The tag the tests use: a domain and a page number. */
struct tag {
	uint32_t domain;
	uint32_t pad;
	uint64_t page;
};

/* "Memory" the strict-mode re-walk reads: page -> pa, or fault. */
struct world {
	uint64_t pa[16];
	bool faults[16];
	unsigned int rewalks;
	char reports[80][TC_MSG_MAX];
	unsigned int nreports;
};

static bool world_rewalk(void *ctx, const struct tc_entry *e,
			 struct dma_xlat *fresh)
{
	struct world *w = ctx;
	struct tag t;

	memcpy(&t, e->tag, sizeof(t));
	w->rewalks++;
	if (t.page >= 16 || w->faults[t.page])
		return false;
	fresh->out_addr = w->pa[t.page];
	fresh->page_size = 0x1000;
	fresh->perm = DMA_ACC_READ | DMA_ACC_WRITE;
	return true;
}

static void world_describe(void *ctx, const struct tc_entry *e, char *buf,
			   size_t len)
{
	struct tag t;

	(void)ctx;
	memcpy(&t, e->tag, sizeof(t));
	snprintf(buf, len, "domain=%u page=0x%llx", t.domain,
		 (unsigned long long)t.page);
}

static const struct tcache_ops world_ops = {
	.rewalk = world_rewalk,
	.describe = world_describe,
};

static void collect(void *ctx, const char *msg)
{
	struct world *w = ctx;

	if (w->nreports < ARRAY_SIZE(w->reports))
		snprintf(w->reports[w->nreports++], TC_MSG_MAX, "%s", msg);
}

static struct tag mktag(uint32_t domain, uint64_t page)
{
	struct tag t = { .domain = domain, .page = page };

	return t;
}

static struct dma_xlat mkx(uint64_t pa)
{
	struct dma_xlat x = { .out_addr = pa,
			      .page_size = 0x1000,
			      .perm = DMA_ACC_READ | DMA_ACC_WRITE };

	return x;
}

START_TEST(test_create_args)
{
	struct tcache *tc = (void *)1;

	ck_assert_int_eq(tcache_create(0, 4, NULL, NULL, &tc), -EINVAL);
	ck_assert_ptr_null(tc);
	ck_assert_int_eq(tcache_create(3, 4, NULL, NULL, &tc), -EINVAL);
	ck_assert_int_eq(tcache_create(4, 0, NULL, NULL, &tc), -EINVAL);
	ck_assert_int_eq(tcache_create(4, 65, NULL, NULL, &tc), -EINVAL);
	ck_assert_int_eq(tcache_create(4, 4, NULL, NULL, &tc), 0);
	tcache_destroy(tc);
	tcache_destroy(NULL);
}
END_TEST

START_TEST(test_hit_miss_replace)
{
	struct tcache *tc;
	struct tcache_stats st;
	struct tag t = mktag(1, 5), u = mktag(2, 5);
	struct dma_xlat x = mkx(0x5000);
	const struct tc_entry *e;

	ck_assert_int_eq(tcache_create(64, 4, NULL, NULL, &tc), 0);
	ck_assert_ptr_null(tcache_lookup(tc, &t, sizeof(t)));
	ck_assert_int_eq(tcache_insert(tc, &t, sizeof(t), &x, 7), 0);
	e = tcache_lookup(tc, &t, sizeof(t));
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->xlat.out_addr, 0x5000);
	ck_assert_uint_eq(e->aux, 7);
	/* a different tag with the same page misses */
	ck_assert_ptr_null(tcache_lookup(tc, &u, sizeof(u)));
	/* re-inserting replaces in place */
	x.out_addr = 0x9000;
	ck_assert_int_eq(tcache_insert(tc, &t, sizeof(t), &x, 8), 0);
	e = tcache_lookup(tc, &t, sizeof(t));
	ck_assert_uint_eq(e->xlat.out_addr, 0x9000);
	tcache_get_stats(tc, &st);
	ck_assert_uint_eq(st.hits, 2);
	ck_assert_uint_eq(st.misses, 2);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_uint_eq(st.inserts, 2);
	ck_assert_uint_eq(st.capacity, 256);
	/* tags of a bad length are refused, never read past */
	ck_assert_int_eq(tcache_insert(tc, &t, 0, &x, 0), -EINVAL);
	ck_assert_int_eq(tcache_insert(tc, &t, TC_TAG_MAX + 1, &x, 0), -EINVAL);
	ck_assert_ptr_null(tcache_lookup(tc, &t, 0));
	ck_assert_ptr_null(tcache_lookup(tc, &t, TC_TAG_MAX + 1));
	tcache_destroy(tc);
}
END_TEST

START_TEST(test_eviction_is_set_local)
{
	struct tcache *tc;
	struct tcache_stats st;
	struct dma_xlat x = mkx(0);
	unsigned int present = 0;

	/* one set of two ways: the third entry evicts exactly one */
	ck_assert_int_eq(tcache_create(1, 2, NULL, NULL, &tc), 0);
	for (uint64_t p = 0; p < 3; p++) {
		struct tag t = mktag(1, p);

		x.out_addr = p << 12;
		ck_assert_int_eq(tcache_insert(tc, &t, sizeof(t), &x, 0), 0);
	}
	for (uint64_t p = 0; p < 3; p++) {
		struct tag t = mktag(1, p);

		present += tcache_lookup(tc, &t, sizeof(t)) != NULL;
	}
	ck_assert_uint_eq(present, 2);
	{
		struct tag newest = mktag(1, 2);

		ck_assert_ptr_nonnull(
			tcache_lookup(tc, &newest, sizeof(newest)));
	}
	tcache_get_stats(tc, &st);
	ck_assert_uint_eq(st.evictions, 1);
	ck_assert_uint_eq(st.entries, 2);
	tcache_destroy(tc);
}
END_TEST

static bool pred_domain(const struct tc_entry *e, void *arg)
{
	struct tag t;

	memcpy(&t, e->tag, sizeof(t));
	return t.domain == *(uint32_t *)arg;
}

START_TEST(test_invalidate_by_predicate)
{
	struct tcache *tc;
	struct tcache_stats st;
	struct dma_xlat x = mkx(0x1000);
	uint32_t dom = 2;

	ck_assert_int_eq(tcache_create(256, 4, NULL, NULL, &tc), 0);
	for (uint32_t d = 1; d <= 3; d++) {
		for (uint64_t p = 0; p < 10; p++) {
			struct tag t = mktag(d, p);

			tcache_insert(tc, &t, sizeof(t), &x, 0);
		}
	}
	ck_assert_uint_eq(tcache_invalidate(tc, pred_domain, &dom), 10);
	for (uint32_t d = 1; d <= 3; d++) {
		for (uint64_t p = 0; p < 10; p++) {
			struct tag t = mktag(d, p);
			bool hit = tcache_lookup(tc, &t, sizeof(t)) != NULL;

			ck_assert_int_eq(hit, d != 2);
		}
	}
	tcache_get_stats(tc, &st);
	ck_assert_uint_eq(st.entries, 20);
	ck_assert_uint_eq(st.invalidated, 10);
	ck_assert_uint_eq(tcache_flush(tc), 20);
	tcache_get_stats(tc, &st);
	ck_assert_uint_eq(st.entries, 0);
	tcache_destroy(tc);
}
END_TEST

START_TEST(test_strict_detects_stale)
{
	struct world w = { .pa = { 0 } };
	struct tcache *tc;
	struct tcache_stats st;
	struct tag t = mktag(1, 3);
	struct dma_xlat x = mkx(0x3000);
	const struct tc_entry *e;

	w.pa[3] = 0x3000;
	ck_assert_int_eq(tcache_create(16, 2, &world_ops, &w, &tc), 0);
	tcache_insert(tc, &t, sizeof(t), &x, 0);

	/* not strict: no re-walk at all */
	ck_assert_ptr_nonnull(tcache_lookup(tc, &t, sizeof(t)));
	ck_assert_uint_eq(w.rewalks, 0);

	tcache_set_strict(tc, true);
	ck_assert(tcache_strict(tc));
	ck_assert_ptr_nonnull(tcache_lookup(tc, &t, sizeof(t)));
	ck_assert_uint_eq(w.rewalks, 1);
	ck_assert_uint_eq(tcache_drain_stale(tc, collect, &w), 0);

	/* software changes the table and forgets to invalidate */
	w.pa[3] = 0x7000;
	e = tcache_lookup(tc, &t, sizeof(t));
	ck_assert_uint_eq(e->xlat.out_addr, 0x3000); /* hardware uses it */
	ck_assert_uint_eq(tcache_drain_stale(tc, collect, &w), 1);
	ck_assert_str_eq(
		w.reports[0],
		"stale cache entry domain=1 page=0x3: cached pa=0x3000 size=0x1000 perm=rw, memory now pa=0x7000 size=0x1000 perm=rw (missing invalidation)");
	/* ... or clears the entry */
	w.faults[3] = true;
	tcache_lookup(tc, &t, sizeof(t));
	ck_assert_uint_eq(tcache_drain_stale(tc, collect, &w), 1);
	ck_assert_ptr_nonnull(strstr(w.reports[1], "memory now faults"));
	tcache_get_stats(tc, &st);
	ck_assert_uint_eq(st.stale, 2);

	/* after the invalidation it should have sent, all is quiet */
	tcache_flush(tc);
	ck_assert_ptr_null(tcache_lookup(tc, &t, sizeof(t)));
	ck_assert_uint_eq(tcache_drain_stale(tc, collect, &w), 0);
	tcache_destroy(tc);
}
END_TEST

START_TEST(test_strict_report_overflow)
{
	struct world w = { .pa = { 0 } };
	struct tcache *tc;
	struct tcache_stats st;
	struct tag t = mktag(1, 4);
	struct dma_xlat x = mkx(0x4000);

	w.faults[4] = true;
	ck_assert_int_eq(tcache_create(16, 2, &world_ops, &w, &tc), 0);
	tcache_set_strict(tc, true);
	tcache_insert(tc, &t, sizeof(t), &x, 0);
	for (int i = 0; i < TC_STALE_MAX + 5; i++)
		tcache_lookup(tc, &t, sizeof(t));
	ck_assert_uint_eq(tcache_drain_stale(tc, collect, &w),
			  TC_STALE_MAX + 1);
	ck_assert_str_eq(w.reports[TC_STALE_MAX],
			 "5 more stale cache hits not shown");
	tcache_get_stats(tc, &st);
	ck_assert_uint_eq(st.stale, TC_STALE_MAX + 5);
	tcache_destroy(tc);
}
END_TEST

/* Strict mode with no re-walk callback checks nothing and says nothing. */
START_TEST(test_strict_without_ops)
{
	struct tcache *tc;
	struct tag t = mktag(1, 1);
	struct dma_xlat x = mkx(0x1000);
	struct world w = { .pa = { 0 } };

	ck_assert_int_eq(tcache_create(4, 1, NULL, NULL, &tc), 0);
	tcache_set_strict(tc, true);
	tcache_insert(tc, &t, sizeof(t), &x, 0);
	ck_assert_ptr_nonnull(tcache_lookup(tc, &t, sizeof(t)));
	ck_assert_uint_eq(tcache_drain_stale(tc, collect, &w), 0);
	tcache_destroy(tc);
}
END_TEST

static Suite *tcache_suite(void)
{
	Suite *s = suite_create("tcache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_create_args);
	tcase_add_test(tc, test_hit_miss_replace);
	tcase_add_test(tc, test_eviction_is_set_local);
	tcase_add_test(tc, test_invalidate_by_predicate);
	tcase_add_test(tc, test_strict_detects_stale);
	tcase_add_test(tc, test_strict_report_overflow);
	tcase_add_test(tc, test_strict_without_ops);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(tcache_suite());
}

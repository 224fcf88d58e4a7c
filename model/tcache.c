// SPDX-License-Identifier: MIT
/*
 * tcache.c - set-associative translation cache with strict-mode checking.
 *
 * Layout: @sets * @ways entries, way-major inside a set. A set's victim
 * is chosen round-robin among its ways once no way is empty: simple,
 * deterministic (the same script always evicts the same entry) and local.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hash is on every lookup: let the compiler inline XXH3 (the header
 * from Debian's libxxhash-dev supports this) instead of a library call. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "tcache.h"

struct tcache {
	struct tc_entry *entries;
	uint8_t *victim; /* per set: next way to evict */
	unsigned int sets;
	unsigned int ways;
	const struct tcache_ops *ops;
	void *ctx;
	bool strict;
	struct tcache_stats st;
	char stale_msgs[TC_STALE_MAX][TC_MSG_MAX];
	unsigned int nstale; /* queued reports */
	uint64_t stale_dropped; /* reports not queued since the last drain */
};

/**
 * tcache_create() - make an empty cache.
 * @sets: number of sets, a power of two (1 .. 2^20).
 * @ways: entries per set (1 .. 64).
 * @ops: strict-mode callbacks (may be NULL: strict mode then only counts
 *       nothing, as there is nothing to compare with).
 * @ctx: for @ops.
 * @out: the cache.
 *
 * Return: 0, -EINVAL, -ENOMEM.
 */
int tcache_create(unsigned int sets, unsigned int ways,
		  const struct tcache_ops *ops, void *ctx, struct tcache **out)
{
	struct tcache *tc;

	*out = NULL;
	if (!sets || (sets & (sets - 1)) || sets > (1u << 20) || !ways ||
	    ways > 64)
		return -EINVAL;
	tc = calloc(1, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	tc->entries = calloc((size_t)sets * ways, sizeof(*tc->entries));
	tc->victim = calloc(sets, 1);
	if (!tc->entries || !tc->victim) {
		tcache_destroy(tc);
		return -ENOMEM;
	}
	tc->sets = sets;
	tc->ways = ways;
	tc->ops = ops;
	tc->ctx = ctx;
	tc->st.capacity = (uint64_t)sets * ways;
	*out = tc;
	return 0;
}

/** tcache_destroy() - free @tc (NULL is fine). */
void tcache_destroy(struct tcache *tc)
{
	if (!tc)
		return;
	free(tc->entries);
	free(tc->victim);
	free(tc);
}

static struct tc_entry *set_of(struct tcache *tc, uint64_t hash)
{
	return &tc->entries[(size_t)(hash & (tc->sets - 1)) * tc->ways];
}

static bool tag_equal(const struct tc_entry *e, uint64_t hash, const void *tag,
		      size_t len)
{
	return e->tag_len == len && e->hash == hash &&
	       !memcmp(e->tag, tag, len);
}

static bool xlat_equal(const struct dma_xlat *a, const struct dma_xlat *b)
{
	return a->out_addr == b->out_addr && a->page_size == b->page_size &&
	       a->perm == b->perm;
}

static void show_value(struct tcache *tc, const struct tc_entry *e,
		       const struct dma_xlat *x, char *buf, size_t len)
{
	char perm[8];

	if (tc->ops->value) {
		tc->ops->value(tc->ctx, e, x, buf, len);
		return;
	}
	dma_perm_str(x->perm, perm, sizeof(perm));
	snprintf(buf, len, "pa=0x%" PRIx64 " size=0x%" PRIx64 " perm=%s",
		 x->out_addr, x->page_size, perm);
}

static void stale_report(struct tcache *tc, const struct tc_entry *e,
			 bool fresh_ok, const struct dma_xlat *fresh)
{
	char what[96] = "", cached[80], now[80] = "";
	char *msg;

	tc->st.stale++;
	if (tc->nstale >= TC_STALE_MAX) {
		tc->stale_dropped++;
		return;
	}
	msg = tc->stale_msgs[tc->nstale++];
	if (tc->ops->describe)
		tc->ops->describe(tc->ctx, e, what, sizeof(what));
	show_value(tc, e, &e->xlat, cached, sizeof(cached));
	if (fresh_ok)
		show_value(tc, e, fresh, now, sizeof(now));
	snprintf(
		msg, TC_MSG_MAX,
		"stale cache entry %s: cached %s, memory now %s (missing invalidation)",
		what, cached, fresh_ok ? now : "faults");
}

static void strict_check(struct tcache *tc, const struct tc_entry *e)
{
	struct dma_xlat fresh = { 0 };
	bool ok;

	if (!tc->ops || !tc->ops->rewalk)
		return;
	ok = tc->ops->rewalk(tc->ctx, e, &fresh);
	if (!ok || !xlat_equal(&e->xlat, &fresh))
		stale_report(tc, e, ok, &fresh);
}

/**
 * tcache_lookup() - find the entry for a tag.
 * @tc: the cache.
 * @tag: key bytes.
 * @tag_len: 1 .. TC_TAG_MAX.
 *
 * In strict mode a hit is re-walked and a stale entry reported (the entry
 * is still returned: hardware would use it).
 *
 * Return: the entry (valid until the next insert or invalidation), or
 * NULL on a miss.
 */
const struct tc_entry *tcache_lookup(struct tcache *tc, const void *tag,
				     size_t tag_len)
{
	uint64_t hash;
	struct tc_entry *set;

	if (!tag_len || tag_len > TC_TAG_MAX)
		return NULL;
	hash = XXH3_64bits(tag, tag_len);
	set = set_of(tc, hash);
	for (unsigned int w = 0; w < tc->ways; w++) {
		if (!tag_equal(&set[w], hash, tag, tag_len))
			continue;
		tc->st.hits++;
		if (tc->strict)
			strict_check(tc, &set[w]);
		return &set[w];
	}
	tc->st.misses++;
	return NULL;
}

/**
 * tcache_insert() - cache a translation, replacing the tag's old entry or
 * evicting one entry of the tag's set.
 * @tc: the cache.
 * @tag: key bytes.
 * @tag_len: 1 .. TC_TAG_MAX.
 * @xlat: the page's translation (out_addr = page base).
 * @aux: unit-defined.
 *
 * Return: 0, or -EINVAL for a bad tag length.
 */
int tcache_insert(struct tcache *tc, const void *tag, size_t tag_len,
		  const struct dma_xlat *xlat, uint64_t aux)
{
	return tcache_insert2(tc, tag, tag_len, xlat, aux, 0);
}

/** tcache_insert2() - tcache_insert() with a second unit-defined word. */
int tcache_insert2(struct tcache *tc, const void *tag, size_t tag_len,
		   const struct dma_xlat *xlat, uint64_t aux, uint64_t aux2)
{
	struct tc_entry *set, *e = NULL;
	uint64_t hash;
	size_t s;

	if (!tag_len || tag_len > TC_TAG_MAX)
		return -EINVAL;
	hash = XXH3_64bits(tag, tag_len);
	s = (size_t)(hash & (tc->sets - 1));
	set = set_of(tc, hash);
	for (unsigned int w = 0; w < tc->ways && !e; w++)
		if (tag_equal(&set[w], hash, tag, tag_len))
			e = &set[w];
	for (unsigned int w = 0; w < tc->ways && !e; w++)
		if (!set[w].tag_len) {
			e = &set[w];
			tc->st.entries++;
		}
	if (!e) {
		e = &set[tc->victim[s]];
		tc->victim[s] = (uint8_t)((tc->victim[s] + 1) % tc->ways);
		tc->st.evictions++;
	}
	e->hash = hash;
	memcpy(e->tag, tag, tag_len);
	e->tag_len = (uint8_t)tag_len;
	e->xlat = *xlat;
	e->aux = aux;
	e->aux2 = aux2;
	tc->st.inserts++;
	return 0;
}

/**
 * tcache_invalidate() - drop every entry @pred accepts.
 * @tc: the cache.
 * @pred: the unit's test (NULL drops everything).
 * @arg: for @pred.
 *
 * Return: entries dropped.
 */
uint64_t tcache_invalidate(struct tcache *tc, tc_pred_fn pred, void *arg)
{
	size_t n = (size_t)tc->sets * tc->ways;
	uint64_t dropped = 0;

	if (!tc->st.entries) /* nothing cached: no scan (the common unmap) */
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct tc_entry *e = &tc->entries[i];

		if (!e->tag_len || (pred && !pred(e, arg)))
			continue;
		e->tag_len = 0;
		dropped++;
	}
	tc->st.entries -= dropped;
	tc->st.invalidated += dropped;
	return dropped;
}

/** tcache_flush() - drop everything; returns entries dropped. */
uint64_t tcache_flush(struct tcache *tc)
{
	return tcache_invalidate(tc, NULL, NULL);
}

/** tcache_set_strict() - turn strict (re-walk on every hit) mode on/off. */
void tcache_set_strict(struct tcache *tc, bool strict)
{
	tc->strict = strict;
}

/** tcache_strict() - whether strict mode is on. */
bool tcache_strict(const struct tcache *tc)
{
	return tc->strict;
}

/**
 * tcache_drain_stale() - hand every queued stale-entry report to @fn and
 * forget them. Reports beyond TC_STALE_MAX were counted (stats.stale) but
 * not kept; a last message says how many.
 * @tc: the cache.
 * @fn: receives each message.
 * @ctx: for @fn.
 *
 * Return: reports delivered.
 */
unsigned int tcache_drain_stale(struct tcache *tc, tc_report_fn fn, void *ctx)
{
	unsigned int n = tc->nstale;

	for (unsigned int i = 0; i < n; i++)
		fn(ctx, tc->stale_msgs[i]);
	if (tc->stale_dropped) {
		char msg[TC_MSG_MAX];

		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " more stale cache hits not shown",
			 tc->stale_dropped);
		fn(ctx, msg);
		n++;
	}
	tc->nstale = 0;
	tc->stale_dropped = 0;
	return n;
}

/** tcache_get_stats() - counters and occupancy. */
void tcache_get_stats(const struct tcache *tc, struct tcache_stats *st)
{
	*st = tc->st;
}

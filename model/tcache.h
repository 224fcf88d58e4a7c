/* SPDX-License-Identifier: MIT */
/*
 * tcache.h - a translation cache (IOTLB, config cache ...) for the units.
 *
 * An entry is keyed by a tag: a unit-defined byte string of at most
 * TC_TAG_MAX bytes naming what was translated (e.g. domain id, PASID and
 * the IOVA's page number at some page size). The tag is hashed with XXH3
 * and placed in a set-associative array: lookups and inserts are O(ways),
 * a full set evicts one entry of that set only (never the whole cache), and
 * invalidation runs a unit predicate over every entry, so each architectural
 * invalidation command removes exactly what it names.
 *
 * Strict mode: on every hit the cache asks the unit to walk memory afresh
 * for the tag (ops->rewalk) and compares. A difference means software
 * changed a structure and did not invalidate: the hit still returns the
 * cached (stale) value, as hardware would, and a report is queued for
 * tcache_drain_stale(). No hardware does this; it is how iommusim catches
 * a missing invalidation.
 */
#ifndef IOMMUSIM_MODEL_TCACHE_H
#define IOMMUSIM_MODEL_TCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dma.h"

#define TC_TAG_MAX 32
#define TC_STALE_MAX 64 /* queued reports; later ones are only counted */
#define TC_MSG_MAX 320

/**
 * struct tc_entry - one cached translation.
 * @hash: XXH3 of the tag.
 * @tag: the unit's key bytes.
 * @tag_len: bytes used in @tag; 0 marks an empty way.
 * @xlat: the translation of the whole page: @xlat.out_addr is its base.
 * @aux: unit-defined (a level, a domain id, a config word ...).
 * @aux2: more of the same (tcache_insert2()).
 */
struct tc_entry {
	uint64_t hash;
	uint8_t tag[TC_TAG_MAX];
	uint8_t tag_len;
	struct dma_xlat xlat;
	uint64_t aux;
	uint64_t aux2;
};

/**
 * struct tcache_ops - what strict mode needs from the unit.
 * @rewalk: translate @e's tag from memory now; return true and fill
 *          @fresh, or false when memory now yields a fault.
 * @describe: optional; name @e's tag for a person ("did=1 iova=0x2000").
 * @value: optional; show a value of @e's kind (cached or fresh) for a
 *         person, for caches that pack something other than a
 *         translation into struct dma_xlat; default "pa=... size=...
 *         perm=...".
 */
struct tcache_ops {
	bool (*rewalk)(void *ctx, const struct tc_entry *e,
		       struct dma_xlat *fresh);
	void (*describe)(void *ctx, const struct tc_entry *e, char *buf,
			 size_t len);
	void (*value)(void *ctx, const struct tc_entry *e,
		      const struct dma_xlat *x, char *buf, size_t len);
};

struct tcache_stats {
	uint64_t hits;
	uint64_t misses;
	uint64_t inserts;
	uint64_t evictions;
	uint64_t invalidated;
	uint64_t stale;
	uint64_t entries;
	uint64_t capacity;
};

struct tcache;

typedef bool (*tc_pred_fn)(const struct tc_entry *e, void *arg);
typedef void (*tc_report_fn)(void *ctx, const char *msg);

int tcache_create(unsigned int sets, unsigned int ways,
		  const struct tcache_ops *ops, void *ctx, struct tcache **out);
void tcache_destroy(struct tcache *tc);

const struct tc_entry *tcache_lookup(struct tcache *tc, const void *tag,
				     size_t tag_len);
int tcache_insert(struct tcache *tc, const void *tag, size_t tag_len,
		  const struct dma_xlat *xlat, uint64_t aux);
int tcache_insert2(struct tcache *tc, const void *tag, size_t tag_len,
		   const struct dma_xlat *xlat, uint64_t aux, uint64_t aux2);
uint64_t tcache_invalidate(struct tcache *tc, tc_pred_fn pred, void *arg);
uint64_t tcache_flush(struct tcache *tc);

void tcache_set_strict(struct tcache *tc, bool strict);
bool tcache_strict(const struct tcache *tc);
unsigned int tcache_drain_stale(struct tcache *tc, tc_report_fn fn, void *ctx);
void tcache_get_stats(const struct tcache *tc, struct tcache_stats *st);

#endif /* IOMMUSIM_MODEL_TCACHE_H */

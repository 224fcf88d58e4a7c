// SPDX-License-Identifier: MIT
/*
 * bench_model.c - speed of the model/ core, each case against a baseline
 * measured in the same run, reported as ratios (a table, and JSON).
 *
 *   physmem load, one frame     pm_ld64_le on one table page (walker pattern)
 *                               vs a plain load from a host array
 *   physmem load, many frames   pm_ld64_le over 64 Ki scattered frames
 *                               vs the same loads from a host array
 *   trace off                   a load plus trace_fetch() with tracing off
 *                               vs the load alone
 *   tcache hit                  tcache_lookup() of a present tag
 *                               vs XXH3 of that tag alone
 *   frame alloc+free            pm_frame_alloc()+pm_frame_free()
 *                               vs calloc(1, 4096)+free() (a table frame must be zero)
 *
 * Each case runs REPS times and keeps the fastest; ns/op and the ratio
 * (case / baseline) are printed. Absolute numbers depend on the machine,
 * ratios much less. `--quick` runs few iterations (a smoke run for ctest;
 * its figures mean nothing). `--json FILE` writes the results to FILE.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "bench_util.h"
#include "model/bits.h"
#include "model/physmem.h"
#include "model/tcache.h"
#include "model/trace.h"

#define REPS 5
#define NFRAMES (64u * 1024)

struct result {
	const char *name;
	double ns;
	double base_ns;
};

static uint64_t iters = 4u << 20;
static volatile uint64_t sink;

typedef void (*bench_fn)(void *ctx, uint64_t n);

static double best_ns_per_op(bench_fn fn, void *ctx)
{
	double best = 1e30;

	for (int r = 0; r < REPS; r++) {
		double t0 = bench_now_ns(), dt;

		fn(ctx, iters);
		dt = (bench_now_ns() - t0) / (double)iters;
		if (dt < best)
			best = dt;
	}
	return best;
}

/* Scattered but reproducible frame order. */
static inline uint64_t frame_of(uint64_t i)
{
	return (i * 40503u) & (NFRAMES - 1);
}

struct mem_ctx {
	struct pm_space *pm;
	uint8_t *host;
	struct trace tr;
};

static void host_one(void *ctx, uint64_t n)
{
	struct mem_ctx *m = ctx;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += ld_le64(m->host + ((i & 511) << 3));
	sink = acc;
}

static void pm_one(void *ctx, uint64_t n)
{
	struct mem_ctx *m = ctx;
	uint64_t acc = 0, v;

	for (uint64_t i = 0; i < n; i++) {
		pm_ld64_le(m->pm, (i & 511) << 3, &v);
		acc += v;
	}
	sink = acc;
}

static void host_many(void *ctx, uint64_t n)
{
	struct mem_ctx *m = ctx;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += ld_le64(m->host + (frame_of(i) << 12) + ((i & 7) << 3));
	sink = acc;
}

static void pm_many(void *ctx, uint64_t n)
{
	struct mem_ctx *m = ctx;
	uint64_t acc = 0, v;

	for (uint64_t i = 0; i < n; i++) {
		pm_ld64_le(m->pm, (frame_of(i) << 12) + ((i & 7) << 3), &v);
		acc += v;
	}
	sink = acc;
}

static void pm_one_traced_off(void *ctx, uint64_t n)
{
	struct mem_ctx *m = ctx;
	uint64_t acc = 0, v;

	for (uint64_t i = 0; i < n; i++) {
		uint64_t pa = (i & 511) << 3;

		pm_ld64_le(m->pm, pa, &v);
		trace_fetch(&m->tr, "pte", pa, &v, 1, "leaf", "ADDR=0x%" PRIx64,
			    v & GENMASK_ULL(51, 12));
		acc += v;
	}
	sink = acc;
}

struct tc_ctx {
	struct tcache *tc;
	uint64_t tags[256][2];
};

static void xxh_only(void *ctx, uint64_t n)
{
	struct tc_ctx *c = ctx;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++)
		acc += XXH3_64bits(c->tags[i & 255], sizeof(c->tags[0]));
	sink = acc;
}

static void tc_hits(void *ctx, uint64_t n)
{
	struct tc_ctx *c = ctx;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		const struct tc_entry *e = tcache_lookup(
			c->tc, c->tags[i & 255], sizeof(c->tags[0]));

		acc += e ? e->xlat.out_addr : 1;
	}
	sink = acc;
}

static void malloc_free(void *ctx, uint64_t n)
{
	(void)ctx;
	for (uint64_t i = 0; i < n; i++) {
		void *volatile p = calloc(1, 4096);

		free(p);
	}
}

static void frame_alloc_free(void *ctx, uint64_t n)
{
	struct mem_ctx *m = ctx;
	uint64_t pa;

	for (uint64_t i = 0; i < n; i++) {
		if (pm_frame_alloc(m->pm, &pa) || pm_frame_free(m->pm, pa))
			abort();
	}
}

static void report(const struct result *r, unsigned int n, const char *json)
{
	FILE *f;

	printf("%-28s %12s %12s %8s\n", "case", "ns/op", "baseline", "ratio");
	for (unsigned int i = 0; i < n; i++)
		printf("%-28s %12.2f %12.2f %8.2f\n", r[i].name, r[i].ns,
		       r[i].base_ns, r[i].ns / r[i].base_ns);
	if (!json)
		return;
	f = fopen(json, "w");
	if (!f) {
		perror(json);
		exit(1);
	}
	fprintf(f,
		"{\n  \"bench\": \"model\",\n  \"iterations\": %" PRIu64
		",\n  \"results\": [\n",
		iters);
	for (unsigned int i = 0; i < n; i++)
		fprintf(f,
			"    {\"case\": \"%s\", \"ns_per_op\": %.3f, "
			"\"baseline_ns_per_op\": %.3f, \"ratio\": %.3f}%s\n",
			r[i].name, r[i].ns, r[i].base_ns,
			r[i].ns / r[i].base_ns, i + 1 < n ? "," : "");
	fprintf(f, "  ]\n}\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *json;
	bool quick;
	struct mem_ctx m = { 0 };
	struct tc_ctx c = { 0 };
	struct result r[5];
	struct pm_stats st;

	if (bench_parse_args(argc, argv, "bench_model", &quick, &json))
		return 2;
	if (quick)
		iters = 1u << 12;
	if (pm_create(40, &m.pm) || !(m.host = calloc(NFRAMES, 4096)))
		return 1;
	for (uint64_t f = 0; f < NFRAMES; f++) {
		pm_st64_le(m.pm, f << 12, f | 1);
		st_le64(m.host + (f << 12), f | 1);
	}
	pm_get_stats(m.pm, &st);
	r[0] = (struct result){ "physmem load, one frame",
				best_ns_per_op(pm_one, &m),
				best_ns_per_op(host_one, &m) };
	r[1] = (struct result){ "physmem load, many frames",
				best_ns_per_op(pm_many, &m),
				best_ns_per_op(host_many, &m) };
	r[2] = (struct result){ "trace off (load+trace)",
				best_ns_per_op(pm_one_traced_off, &m),
				best_ns_per_op(pm_one, &m) };

	if (tcache_create(512, 4, NULL, NULL, &c.tc))
		return 1;
	for (unsigned int i = 0; i < 256; i++) {
		struct dma_xlat x = { .out_addr = (uint64_t)i << 12,
				      .page_size = 4096 };

		c.tags[i][0] = 1;
		c.tags[i][1] = i;
		tcache_insert(c.tc, c.tags[i], sizeof(c.tags[i]), &x, 0);
	}
	r[3] = (struct result){ "tcache hit", best_ns_per_op(tc_hits, &c),
				best_ns_per_op(xxh_only, &c) };
	r[4] = (struct result){ "frame alloc+free",
				best_ns_per_op(frame_alloc_free, &m),
				best_ns_per_op(malloc_free, NULL) };
	report(r, ARRAY_SIZE(r), json);
	printf("frame map for %u frames: %" PRIu64
	       " bytes of bookkeeping (%.1f per frame)\n",
	       NFRAMES, st.overhead_bytes, (double)st.overhead_bytes / NFRAMES);
	tcache_destroy(c.tc);
	pm_destroy(m.pm);
	free(m.host);
	return 0;
}

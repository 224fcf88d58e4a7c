/* SPDX-License-Identifier: MIT */
/*
 * bench_util.h - what every bench/ program shares: the clock, the
 * command line (--quick, --json FILE); for map/unmap benches the row
 * type with its table and JSON output, the timed map/unmap loop and its
 * store-loop baseline; for translate benches the hash and table-load
 * baselines. Header-only: each benchmark is its own small program.
 */
#ifndef IOMMUSIM_BENCH_UTIL_H
#define IOMMUSIM_BENCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#include "model/bits.h"
#include "model/dma.h"
#include "model/physmem.h"
#include "model/pt.h"
#include "model/unit.h"

#define BENCH_REPS 5 /* the fastest of this many rounds is kept */

static volatile uint64_t bench_sink;

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* 0, or 2 after printing the usage for @name. */
static inline int bench_parse_args(int argc, char **argv, const char *name,
				   bool *quick, const char **json)
{
	*quick = false;
	*json = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			*quick = true;
		} else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
			*json = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--quick] [--json FILE]\n",
				name);
			return 2;
		}
	}
	return 0;
}

/* One map/unmap case: ns per call and the same-run baseline. */
struct bench_mu_row {
	char name[48];
	double map_ns, unmap_ns, base_ns;
};

static inline void bench_mu_print(const struct bench_mu_row *rows, size_t n)
{
	printf("%-24s %10s %10s %12s %9s %9s\n", "case", "map ns", "unmap ns",
	       "baseline ns", "map/base", "unmap/base");
	for (size_t i = 0; i < n; i++)
		printf("%-24s %10.1f %10.1f %12.1f %9.2f %9.2f\n", rows[i].name,
		       rows[i].map_ns, rows[i].unmap_ns, rows[i].base_ns,
		       rows[i].map_ns / rows[i].base_ns,
		       rows[i].unmap_ns / rows[i].base_ns);
}

/* The rows as a JSON array's elements, one per line. */
static inline void bench_mu_json_rows(FILE *f, const struct bench_mu_row *rows,
				      size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"    {\"case\": \"%s\", \"map_ns\": %.2f, "
			"\"unmap_ns\": %.2f, \"baseline_ns\": %.2f, "
			"\"map_ratio\": %.3f, \"unmap_ratio\": %.3f}%s\n",
			rows[i].name, rows[i].map_ns, rows[i].unmap_ns,
			rows[i].base_ns, rows[i].map_ns / rows[i].base_ns,
			rows[i].unmap_ns / rows[i].base_ns,
			i + 1 < n ? "," : "");
}

/* 0, or -1 with the reason printed. */
static inline int bench_mu_json(const char *path, const char *bench,
				const struct bench_mu_row *rows, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"bench\": \"%s\",\n  \"results\": [\n", bench);
	bench_mu_json_rows(f, rows, n);
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

/**
 * struct bench_mu_case - one map/unmap case.
 * @name: for the table.
 * @size: bytes per call.
 * @npages: 8-byte entries a call must store at least (the baseline).
 * @ops: calls per round.
 */
struct bench_mu_case {
	const char *name;
	uint64_t size;
	uint64_t npages;
	unsigned int ops;
};

/* The least any page-table code must do for @c: store as many 8-byte
 * entries into host memory (@arr, @n of them, a power of two). */
static inline double bench_store_baseline(const struct bench_mu_case *c,
					  uint64_t *arr, size_t n)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_REPS; r++) {
		double t0 = bench_now_ns(), dt;
		size_t k = 0;

		for (unsigned int op = 0; op < c->ops; op++) {
			for (uint64_t j = 0; j < c->npages; j++, k++)
				st_le64(&arr[k & (n - 1)], (k << 12) | 3);
			__asm__ volatile("" ::: "memory");
		}
		dt = (bench_now_ns() - t0) / c->ops;
		best = dt < best ? dt : best;
	}
	return best;
}

/* Map @c->ops distinct ranges, then unmap them, with a format's ops on a
 * fresh 2^48 memory; the fastest round's ns per call into @row. */
static inline int bench_map_unmap(const struct pt_ops *ops,
				  const struct pt_cfg *cfg,
				  const struct bench_mu_case *c,
				  struct bench_mu_row *row)
{
	struct pm_space *pm;
	struct pt_domain d;

	row->map_ns = row->unmap_ns = 1e30;
	if (pm_create(48, &pm))
		return -1;
	pm_frame_pool_set(pm, 1ULL << 32, 1ULL << 40);
	if (ops->init(&d, pm, cfg))
		return -1;
	for (int r = 0; r < BENCH_REPS; r++) {
		double t0, t1, t2;

		t0 = bench_now_ns();
		for (unsigned int op = 0; op < c->ops; op++)
			if (ops->map(&d, (uint64_t)op * c->size,
				     (uint64_t)op * c->size, c->size,
				     DMA_ACC_READ | DMA_ACC_WRITE))
				return -1;
		t1 = bench_now_ns();
		for (unsigned int op = 0; op < c->ops; op++)
			if (ops->unmap(&d, (uint64_t)op * c->size, c->size) !=
			    c->size)
				return -1;
		t2 = bench_now_ns();
		if ((t1 - t0) / c->ops < row->map_ns)
			row->map_ns = (t1 - t0) / c->ops;
		if ((t2 - t1) / c->ops < row->unmap_ns)
			row->unmap_ns = (t2 - t1) / c->ops;
	}
	ops->destroy(&d);
	pm_destroy(pm);
	return 0;
}

/* The least a hashed cache lookup costs: XXH3 of a 16-byte tag. */
static inline double bench_hash_baseline(uint64_t iters)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_REPS; r++) {
		uint64_t tag[2] = { 1, 0 }, acc = 0;
		double t0 = bench_now_ns(), dt;

		for (uint64_t i = 0; i < iters; i++) {
			tag[1] = i & 255;
			acc += XXH3_64bits(tag, sizeof(tag));
		}
		bench_sink = acc;
		dt = (bench_now_ns() - t0) / (double)iters;
		best = dt < best ? dt : best;
	}
	return best;
}

/*
 * The least a 4-level walk of 4 KiB tables costs: the four dependent
 * loads from the tables' host memory with no checks (@addr_mask takes
 * the next table's address out of an entry), over the same pages a
 * translate bench visits ((i * 40503) mod @npages).
 */
static inline double bench_table_loads(struct pm_space *pm, uint64_t root,
				       uint64_t addr_mask, uint64_t npages,
				       uint64_t iters)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_REPS; r++) {
		uint64_t acc = 0;
		double t0 = bench_now_ns(), dt;

		for (uint64_t i = 0; i < iters; i++) {
			uint64_t iova = ((i * 40503) % npages) << 12;
			uint64_t table = root;

			for (int l = 3; l >= 0; l--) {
				const uint8_t *t = pm_frame_host(pm, table);
				uint64_t e = ld_le64(
					t + 8 * ((iova >> (12 + 9 * l)) & 511));

				table = e & addr_mask;
			}
			acc += table;
		}
		bench_sink = acc;
		dt = (bench_now_ns() - t0) / (double)iters;
		best = dt < best ? dt : best;
	}
	return best;
}

/*
 * ns per translation through a unit, fastest of BENCH_REPS rounds of
 * @iters read requests from @source_id (with @pasid when @has_pasid)
 * over @npages 4 KiB pages visited in a scattered order.
 */
static inline double bench_translate(struct sim_unit *u, uint32_t source_id,
				     bool has_pasid, uint32_t pasid,
				     uint64_t npages, uint64_t iters)
{
	double best = 1e30;

	for (int r = 0; r < BENCH_REPS; r++) {
		struct dma_result res;
		uint64_t acc = 0;
		double t0 = bench_now_ns(), dt;

		for (uint64_t i = 0; i < iters; i++) {
			struct dma_req req = {
				.source_id = source_id,
				.addr = ((i * 40503) % npages) << 12,
				.access = DMA_ACC_READ,
				.has_pasid = has_pasid,
				.pasid = pasid,
			};

			u->ops->translate(u, &req, &res);
			acc += res.xlat.out_addr;
		}
		bench_sink = acc;
		dt = (bench_now_ns() - t0) / (double)iters;
		best = dt < best ? dt : best;
	}
	return best;
}

#endif /* IOMMUSIM_BENCH_UTIL_H */

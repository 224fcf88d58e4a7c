// SPDX-License-Identifier: MIT
/*
 * bench_iofd_ioas.c - IOMMU_IOAS_MAP and IOMMU_IOAS_UNMAP through the
 * simulated iommufd's ioctl entry point, against a baseline measured in
 * the same run: the cheapest ioctl there is (IOMMU_OPTION GET of
 * RLIMIT_MODE), which pays the same dispatch and struct copies.
 *
 * The caller's memory is reached by memcpy (a uaccess that trusts the
 * bench) so the figures are the simulator's, not process_vm_readv's.
 * Each case pre-fills the IOAS with N 4 KiB areas packed from the first
 * page up, then maps OPS more 4 KiB areas, fixed above them or placed
 * automatically, and unmaps them one by one; the fastest of REPS rounds
 * is kept. Growth with N shows the cost of the area tree: fixed maps are
 * O(log N); automatic placement is first fit from the bottom (as the
 * kernel's iopt_alloc_iova) over a tree that records each subtree's
 * largest hole, so it skips packed areas by subtrees, not one by one.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_iofd.h"
#include "bench_util.h"
#include "model/bits.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

#define REPS 5
#define FILL_BASE 0x1000ULL

static const struct iofd_uaccess direct = {
	.read = bench_direct_read,
	.write = bench_direct_write,
	.memlock_limit = UINT64_MAX,
};

static int map(struct iofd_ctx *ctx, uint32_t ioas, bool fixed, uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas,
		.user_va = 0x7f0000000000ULL,
		.length = 0x1000,
		.iova = *iova,
	};
	int ret = bench_iofd_io(ctx, IOMMU_IOAS_MAP, &m);

	*iova = m.iova;
	return ret;
}

static int unmap(struct iofd_ctx *ctx, uint32_t ioas, uint64_t iova)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .ioas_id = ioas,
				      .iova = iova,
				      .length = 0x1000 };

	return bench_iofd_io(ctx, IOMMU_IOAS_UNMAP, &u);
}

static double baseline(struct iofd_ctx *ctx, unsigned int ops)
{
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_RLIMIT_MODE,
				  .op = IOMMU_OPTION_OP_GET };
	double best = 1e30;

	for (int r = 0; r < REPS; r++) {
		double t0 = bench_now_ns(), dt;

		for (unsigned int i = 0; i < ops; i++)
			if (bench_iofd_io(ctx, IOMMU_OPTION, &o))
				return -1;
		dt = (bench_now_ns() - t0) / ops;
		best = dt < best ? dt : best;
	}
	return best;
}

static int run_case(uint64_t fill, bool fixed, unsigned int ops,
		    struct bench_mu_row *row)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	uint64_t *iovas = calloc(ops, sizeof(*iovas));
	struct iofd_ctx *ctx;
	int ret = -1;

	if (!iovas || iommufd_sim_open(&direct, &ctx))
		goto out_free;
	if (bench_iofd_io(ctx, IOMMU_IOAS_ALLOC, &a))
		goto out;
	for (uint64_t i = 0; i < fill; i++) {
		uint64_t iova = FILL_BASE + i * 0x1000;

		if (map(ctx, a.out_ioas_id, true, &iova))
			goto out;
	}
	row->map_ns = row->unmap_ns = 1e30;
	for (int r = 0; r < REPS; r++) {
		uint64_t top = FILL_BASE + fill * 0x1000 + 0x100000;
		double t0, t1, t2;

		t0 = bench_now_ns();
		for (unsigned int i = 0; i < ops; i++) {
			iovas[i] = top + (uint64_t)i * 0x1000;
			if (map(ctx, a.out_ioas_id, fixed, &iovas[i]))
				goto out;
		}
		t1 = bench_now_ns();
		for (unsigned int i = 0; i < ops; i++)
			if (unmap(ctx, a.out_ioas_id, iovas[i]))
				goto out;
		t2 = bench_now_ns();
		if ((t1 - t0) / ops < row->map_ns)
			row->map_ns = (t1 - t0) / ops;
		if ((t2 - t1) / ops < row->unmap_ns)
			row->unmap_ns = (t2 - t1) / ops;
	}
	row->base_ns = baseline(ctx, ops);
	ret = row->base_ns > 0 ? 0 : -1;
out:
	iommufd_sim_close(ctx);
out_free:
	free(iovas);
	return ret;
}

int main(int argc, char **argv)
{
	static const uint64_t fills[] = { 0, 1024, 65536 };
	struct bench_mu_row rows[2 * ARRAY_SIZE(fills)];
	const char *json;
	unsigned int ops;
	size_t nrows = 0;
	bool quick;

	if (bench_parse_args(argc, argv, "bench_iofd_ioas", &quick, &json))
		return 2;
	for (int fixed = 1; fixed >= 0; fixed--) {
		for (size_t fi = 0; fi < ARRAY_SIZE(fills); fi++) {
			struct bench_mu_row *row = &rows[nrows++];
			uint64_t fill = quick ? fills[fi] / 64 : fills[fi];

			ops = 4096;
			if (quick)
				ops /= 64;

			snprintf(row->name, sizeof(row->name),
				 "%s 4K @%" PRIu64 " areas",
				 fixed ? "fixed" : "auto", fill);
			if (run_case(fill, fixed, ops, row)) {
				fprintf(stderr, "%s: map/unmap failed\n",
					row->name);
				return 1;
			}
		}
	}
	bench_mu_print(rows, nrows);
	return json && bench_mu_json(json, "iofd_ioas", rows, nrows) ? 1 : 0;
}

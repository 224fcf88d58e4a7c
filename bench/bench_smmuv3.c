// SPDX-License-Identifier: MIT
/*
 * bench_smmuv3.c - the SMMUv3 formats and unit, against baselines
 * measured in the same run (as bench_vtd_pgtable and bench_vtd_translate
 * do for VT-d, so the per-entry costs compare):
 *
 *  map / unmap through the range engine for stage 1 and stage 2 of each
 *  granule: one page, 256 pages in one call, one L2 block (2 MiB, 32 MiB
 *  or 512 MiB) and, for 4K, one 1 GiB block; vs a loop storing the same
 *  number of 8-byte entries into host memory;
 *
 *  translate, stage 1 4K (tables built by the same format, STE and CD
 *  written as a driver would): TLB hit over 256 pages vs XXH3 of a
 *  16-byte tag; a 4-level miss over 65536 pages vs the four table loads
 *  with no checks.
 *
 * Reported as ns per call and the ratio; JSON with --json FILE.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "hw/smmuv3/pgtable.h"
#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/smmuv3.h"
#include "hw/smmuv3/structs.h"
#include "model/bits.h"
#include "model/dma.h"

/* The cases of one granule: a page, 256 pages, the L2 block, and the
 * 1 GiB L1 block of the 4K granule. */
static unsigned int cases_of(unsigned int g, bool quick,
			     struct bench_mu_case *c)
{
	uint64_t page = 1ULL << g, l2 = 1ULL << (g + (g - 3));
	unsigned int n = 0;

	c[n++] = (struct bench_mu_case){ "page", page, 1, 8192 };
	c[n++] = (struct bench_mu_case){ "256 pages", 256 * page, 256, 256 };
	c[n++] = (struct bench_mu_case){ "L2 block", l2, 1,
					 g == 16 ? 32 : 1024 };
	if (g == 12)
		c[n++] =
			(struct bench_mu_case){ "1G block", 1ULL << 30, 1, 64 };
	for (unsigned int i = 0; quick && i < n; i++)
		c[i].ops = c[i].ops / 64 ? c[i].ops / 64 : 1;
	return n;
}

static int bench_pgtables(bool quick, struct bench_mu_row *rows, size_t *nrows)
{
	static const unsigned int grans[] = { 12, 14, 16 };
	size_t n = 1 << 20;
	uint64_t *arr = calloc(n, sizeof(*arr));

	if (!arr)
		return -1;
	for (int s2 = 0; s2 < 2; s2++) {
		for (size_t gi = 0; gi < ARRAY_SIZE(grans); gi++) {
			struct bench_mu_case c[4];
			unsigned int nc = cases_of(grans[gi], quick, c);
			struct pt_cfg cfg;

			if (smmu_pt_geometry(s2, grans[gi], 48, 48, 0, &cfg))
				return -1;
			for (unsigned int ci = 0; ci < nc; ci++) {
				struct bench_mu_row *row = &rows[(*nrows)++];

				snprintf(row->name, sizeof(row->name),
					 "s%d %uK %s", s2 + 1,
					 1u << (grans[gi] - 10), c[ci].name);
				if (bench_map_unmap(smmu_pt_ops(s2, grans[gi]),
						    &cfg, &c[ci], row))
					return -1;
				row->base_ns =
					bench_store_baseline(&c[ci], arr, n);
			}
		}
	}
	free(arr);
	return 0;
}

/* ---- translation -------------------------------------------------------- */

struct tresult {
	const char *name;
	double ns, base;
};

/* StreamID 1, stage 1, 4K, ASID 1: the STE and CD a driver would write
 * (smmuv3.md 2.2, 3.2), the tables from the stage 1 format. */
static int bench_s1_translate(bool quick, struct tresult *r)
{
	uint64_t npages = 65536, iters = quick ? 1 << 10 : 1 << 20;
	struct sim_opts opts = { 0 };
	struct pm_space *pm;
	struct sim_unit *u;
	struct sim_err err;
	struct pt_domain d;
	struct pt_cfg cfg;
	uint64_t v;

	if (pm_create(40, &pm) || smmuv3_unit_ops.create(pm, &opts, &u, &err) ||
	    smmu_pt_geometry(false, 12, 48, 48, 0, &cfg) ||
	    smmu_pt_s1_4k.init(&d, pm, &cfg))
		return -1;
	for (uint64_t p = 0; p < npages; p++)
		if (smmu_pt_s1_4k.map(&d, p << 12, (p << 12) + (1ULL << 34),
				      0x1000, DMA_ACC_READ))
			return -1;
	pm_st64_le(pm, 0x10040,
		   SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CFG_S1) |
			   0x40000);
	v = 16 | SMMU_CD0_EPD1 | SMMU_CD0_V | FIELD_PREP(SMMU_CD0_IPS, 5) |
	    SMMU_CD0_AA64 | SMMU_CD0_R | SMMU_CD0_A |
	    FIELD_PREP(SMMU_CD0_ASID, 1);
	pm_st64_le(pm, 0x40000, v);
	pm_st64_le(pm, 0x40008, d.root);
	u->ops->mmio_write(u, SMMU_STRTAB_BASE, 8, 0x10000, &err);
	u->ops->mmio_write(u, SMMU_STRTAB_BASE_CFG, 4, 4, &err);
	u->ops->mmio_write(u, SMMU_CR0, 4, SMMU_CR0_SMMUEN, &err);
	r[0].name = "s1 4K TLB hit";
	r[1].name = "s1 4K 4-level miss";
	r[0].ns = bench_translate(u, 1, false, 0, 256, iters);
	r[1].ns = bench_translate(u, 1, false, 0, npages, iters);
	r[0].base = bench_hash_baseline(iters);
	r[1].base = bench_table_loads(pm, d.root, GENMASK_ULL(47, 12), npages,
				      iters);
	smmu_pt_s1_4k.destroy(&d);
	u->ops->destroy(u);
	pm_destroy(pm);
	return 0;
}

/* Both tables as one JSON object; 0 or -1 with the reason printed. */
static int write_json(const char *path, const struct bench_mu_row *rows,
		      size_t n, const struct tresult *tr, size_t nt)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"bench\": \"smmuv3\",\n  \"pgtable\": [\n");
	bench_mu_json_rows(f, rows, n);
	fprintf(f, "  ],\n  \"translate\": [\n");
	for (size_t i = 0; i < nt; i++)
		fprintf(f,
			"    {\"case\": \"%s\", \"ns_per_op\": %.2f, "
			"\"baseline_ns_per_op\": %.2f, \"ratio\": %.3f}%s\n",
			tr[i].name, tr[i].ns, tr[i].base, tr[i].ns / tr[i].base,
			i + 1 < nt ? "," : "");
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_mu_row rows[32];
	struct tresult tr[2];
	size_t nrows = 0;
	const char *json;
	bool quick;

	if (bench_parse_args(argc, argv, "bench_smmuv3", &quick, &json))
		return 2;
	if (bench_pgtables(quick, rows, &nrows) ||
	    bench_s1_translate(quick, tr)) {
		fprintf(stderr, "bench_smmuv3: set-up failed\n");
		return 1;
	}
	bench_mu_print(rows, nrows);
	printf("\n%-28s %10s %12s %8s\n", "translate", "ns/op", "baseline ns",
	       "ratio");
	for (int i = 0; i < 2; i++)
		printf("%-28s %10.1f %12.1f %8.2f\n", tr[i].name, tr[i].ns,
		       tr[i].base, tr[i].ns / tr[i].base);
	if (json && write_json(json, rows, nrows, tr, 2))
		return 1;
	return 0;
}

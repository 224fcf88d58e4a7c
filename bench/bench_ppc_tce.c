// SPDX-License-Identifier: MIT
/*
 * bench_ppc_tce.c - the cost per IO page of filling and clearing TCEs on
 * an IBM POWER PHB (PHB4), two ways, against a baseline measured in the
 * same run:
 *
 *  hcall: H_PUT_TCE through the PAPR layer (tce_papr_hcall(), what a
 *  guest's TCE hypercall costs the model), one call per page, a valid
 *  TCE to map and 0 to clear, on a `papr window add` window;
 *
 *  drv: tce_table_map() and tce_table_unmap() of the driver
 *  (hw/ppc_tce/driver.c) on a table attached to the PE, in runs of 1
 *  and 256 pages per call;
 *
 * for 4 KiB and 64 KiB IO pages and tables of 1 to 4 levels. The window
 * holds 2^16 pages; every round maps distinct runs then clears them.
 * Baseline: one 8-byte store per page into host memory
 * (bench_store_baseline()). Reported as ns per page and the ratio; JSON
 * with --json FILE.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "hw/ppc_tce/driver.h"
#include "hw/ppc_tce/papr.h"
#include "hw/ppc_tce/ppc_tce.h"

#define WIN_PAGES_LG2 16
#define PE 0

struct setup {
	struct pm_space *pm;
	struct sim_unit *u;
};

static void sink_line(void *ctx, const char *text)
{
	(void)ctx;
	(void)text;
}

static int setup_up(struct setup *s)
{
	struct sim_opts opts = { 0 };
	struct sim_err err;

	if (pm_create(40, &s->pm))
		return -1;
	return ppc_tce_unit_ops.create(s->pm, &opts, &s->u, &err) ? -1 : 0;
}

static void setup_down(struct setup *s)
{
	s->u->ops->destroy(s->u);
	pm_destroy(s->pm);
}

/* H_PUT_TCE per page: map then clear @c->ops runs of @c->npages. */
static int bench_hcall(unsigned int shift, unsigned int levels,
		       const struct bench_mu_case *c, struct bench_mu_row *row)
{
	struct sim_out out = { .line = sink_line };
	uint64_t ps = 1ull << shift, pages = c->npages * c->ops;
	struct tce_phb *p;
	struct sim_err err;
	struct setup s;
	char cmd[160], *argv[12];
	int argc = 0;

	if (setup_up(&s))
		return -1;
	p = to_tce_phb(s.u);
	snprintf(cmd, sizeof(cmd),
		 "papr window add %u %u 0 0 %" PRIu64 " %u %u",
		 TCE_PAPR_LIOBN(PE, 0), PE, ps << WIN_PAGES_LG2, shift, levels);
	for (char *t = strtok(cmd, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	if (s.u->ops->command(s.u, argc, argv, &out, &err))
		return -1;
	row->map_ns = row->unmap_ns = 1e30;
	for (int r = 0; r < BENCH_REPS; r++) {
		uint64_t a[3] = { TCE_PAPR_LIOBN(PE, 0), 0, 0 };
		double t0, t1, t2;

		t0 = bench_now_ns();
		for (uint64_t i = 0; i < pages; i++) {
			a[1] = i << shift;
			a[2] = ((1ull << 34) + (i << shift)) | TCE_PCI_RW;
			if (tce_papr_hcall(p, H_PUT_TCE, a, NULL) != H_SUCCESS)
				return -1;
		}
		t1 = bench_now_ns();
		a[2] = 0;
		for (uint64_t i = 0; i < pages; i++) {
			a[1] = i << shift;
			if (tce_papr_hcall(p, H_PUT_TCE, a, NULL) != H_SUCCESS)
				return -1;
		}
		t2 = bench_now_ns();
		if ((t1 - t0) / pages < row->map_ns)
			row->map_ns = (t1 - t0) / pages;
		if ((t2 - t1) / pages < row->unmap_ns)
			row->unmap_ns = (t2 - t1) / pages;
	}
	setup_down(&s);
	return 0;
}

/* tce_table_map/unmap of @c->ops runs of @c->npages pages each. */
static int bench_drv(unsigned int shift, unsigned int levels,
		     const struct bench_mu_case *c, struct bench_mu_row *row)
{
	uint64_t ps = 1ull << shift, len = c->npages << shift;
	struct tce_table *t;
	struct tce_drv *drv;
	struct setup s;

	if (setup_up(&s) || tce_drv_create(s.u, s.pm, &drv) ||
	    tce_table_create(drv, 0, ps << WIN_PAGES_LG2, shift, levels, &t) ||
	    tce_drv_attach(drv, PE, 0, t))
		return -1;
	row->map_ns = row->unmap_ns = 1e30;
	for (int r = 0; r < BENCH_REPS; r++) {
		double t0, t1, t2;

		t0 = bench_now_ns();
		for (unsigned int op = 0; op < c->ops; op++)
			if (tce_table_map(t, op * len, (1ull << 34) + op * len,
					  len, DMA_ACC_READ | DMA_ACC_WRITE))
				return -1;
		t1 = bench_now_ns();
		for (unsigned int op = 0; op < c->ops; op++)
			if (tce_table_unmap(t, op * len, len) != len)
				return -1;
		t2 = bench_now_ns();
		if ((t1 - t0) / (c->ops * c->npages) < row->map_ns)
			row->map_ns = (t1 - t0) / (c->ops * c->npages);
		if ((t2 - t1) / (c->ops * c->npages) < row->unmap_ns)
			row->unmap_ns = (t2 - t1) / (c->ops * c->npages);
	}
	tce_table_free(t);
	tce_drv_destroy(drv);
	setup_down(&s);
	return 0;
}

static int bench_all(bool quick, struct bench_mu_row *rows, size_t *nrows)
{
	static const unsigned int shifts[] = { 12, 16 };
	static const uint64_t runs[] = { 1, 256 };
	size_t n = 1 << 20;
	uint64_t *arr = calloc(n, sizeof(*arr));

	if (!arr)
		return -1;
	for (int kind = 0; kind < 2; kind++) {
		for (size_t si = 0; si < ARRAY_SIZE(shifts); si++) {
			for (unsigned int lv = 1; lv <= 4; lv++) {
				for (size_t ri = 0; ri < ARRAY_SIZE(runs);
				     ri++) {
					struct bench_mu_row *row =
						&rows[(*nrows)++];
					struct bench_mu_case c = {
						"",
						0,
						runs[ri],
						(unsigned int)((1u << 16) /
							       runs[ri]),
					};

					if (quick)
						c.ops /= 64;
					snprintf(row->name, sizeof(row->name),
						 "%s %uK L%u x%" PRIu64,
						 kind ? "drv" : "hcall",
						 1u << (shifts[si] - 10), lv,
						 runs[ri]);
					if ((kind ? bench_drv : bench_hcall)(
						    shifts[si], lv, &c, row)) {
						free(arr);
						return -1;
					}
					row->base_ns = bench_store_baseline(
							       &c, arr, n) /
						       (double)c.npages;
				}
			}
		}
	}
	free(arr);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_mu_row rows[32];
	size_t nrows = 0;
	const char *json;
	bool quick;

	if (bench_parse_args(argc, argv, "bench_ppc_tce", &quick, &json))
		return 2;
	if (bench_all(quick, rows, &nrows)) {
		fprintf(stderr, "bench_ppc_tce: set-up failed\n");
		return 1;
	}
	printf("TCE fill (map) and clear (unmap), ns per IO page; baseline: "
	       "one 8-byte store per page\n");
	bench_mu_print(rows, nrows);
	if (json && bench_mu_json(json, "ppc_tce", rows, nrows))
		return 1;
	return 0;
}

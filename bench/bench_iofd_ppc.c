// SPDX-License-Identifier: MIT
/*
 * bench_iofd_ppc.c - IOMMU_IOAS_MAP + IOMMU_IOAS_UNMAP through iommufd
 * onto an IBM POWER PHB window (uapi_sim/drv_ppc.c), per IO page: 4 KiB
 * pages in window 0 and 64 KiB pages in window 1, TCE tables of 1 to 4
 * levels, runs of 1, 256 and 16384 pages. The window is made with the
 * HW-specific HWPT allocation (IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW) so the
 * levels are the bench's choice, and attached to the device's RID.
 *
 * The whole path is measured: the ioctl, the pin check of the user range,
 * accounting, one big-endian TCE store per page (and the table levels a
 * first map allocates: each round maps the same range again, so only the
 * first round pays for them and the fastest round is kept), and on unmap
 * the TCEs cleared and the PE's TCE cache killed.
 *
 * Baseline, same run: one 8-byte store per page into a page-sized table
 * (the floor of any page-table update); the ratio says how far the path
 * is from it. H_PUT_TCE and the driver's own map are in bench_ppc_tce.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench_iofd.h"
#include "bench_util.h"
#include "model/bits.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

#define PPC_DEV 8 /* the default machine's first PHB device */
#define WIN1 (1ULL << 59)
#define MAX_PAGES 16384ULL

struct setup {
	struct iofd_ctx *ctx;
	uint32_t ioas;
	uint64_t base;
};

/* An IOAS whose only domain is one window of @shift-bit pages with
 * @levels levels, the PPC device attached to it. */
static int make(unsigned int shift, unsigned int levels, struct setup *s)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommusim_hwpt_ppc_tce_window g = {
		.start = shift == 12 ? 0 : WIN1,
		/* 2^19 TCEs: one level is 4 MiB, the largest block the
		 * frame allocator gives */
		.size = shift == 12 ? 1ULL << 31 : 1ULL << 35,
		.page_shift = shift,
		.levels = levels,
	};
	struct iommu_hwpt_alloc h = {
		.size = sizeof(h),
		.data_type = IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW,
		.data_len = sizeof(g),
		.data_uptr = (uintptr_t)&g,
	};
	uint32_t dev;

	s->base = g.start;
	if (bench_iofd_open(&s->ctx) ||
	    bench_iofd_io(s->ctx, IOMMU_IOAS_ALLOC, &a))
		return -1;
	s->ioas = h.pt_id = a.out_ioas_id;
	if (iommufd_sim_bind(s->ctx, PPC_DEV, &dev))
		return -1;
	h.dev_id = dev;
	if (bench_iofd_io(s->ctx, IOMMU_HWPT_ALLOC, &h))
		return -1;
	return iommufd_sim_attach(s->ctx, dev, IOMMU_NO_PASID, &h.out_hwpt_id);
}

static int run_case(uint8_t *mem, unsigned int shift, unsigned int levels,
		    uint64_t npages, unsigned int reps,
		    struct bench_mu_row *row)
{
	uint64_t bytes = npages << shift;
	struct iommu_ioas_map m = { .size = sizeof(m),
				    .flags = IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE |
					     IOMMU_IOAS_MAP_FIXED_IOVA,
				    .user_va = (uintptr_t)mem,
				    .length = bytes };
	struct setup s = { 0 };
	int ret = -1;

	if (make(shift, levels, &s))
		goto out;
	m.ioas_id = s.ioas;
	m.iova = s.base + (1ULL << 24);
	if (bench_iofd_rounds(s.ctx, &m, npages, reps, row))
		goto out;
	ret = 0;
out:
	if (s.ctx)
		iommufd_sim_close(s.ctx);
	return ret;
}

int main(int argc, char **argv)
{
	static const uint64_t runs[] = { 1, 256, MAX_PAGES };
	static const unsigned int shifts[] = { 12, 16 };
	struct bench_mu_row rows[2 * 4 * ARRAY_SIZE(runs)];
	uint64_t span = MAX_PAGES << 16;
	const char *json;
	size_t nrows = 0;
	uint8_t *raw, *mem;
	bool quick;

	if (bench_parse_args(argc, argv, "bench_iofd_ppc", &quick, &json))
		return 2;
	/* never touched; 64 KiB aligned, as 64 KiB IO pages ask */
	raw = mmap(NULL, span + (64 << 10), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	mem = raw + ((0x10000 - ((uintptr_t)raw & 0xffff)) & 0xffff);
	for (size_t si = 0; si < ARRAY_SIZE(shifts); si++) {
		for (unsigned int lv = 1; lv <= 4; lv++) {
			for (size_t ri = 0; ri < ARRAY_SIZE(runs); ri++) {
				struct bench_mu_row *row = &rows[nrows++];
				uint64_t n = runs[ri];
				unsigned int reps;

				if (quick && n > 256)
					n = 256;
				reps = (unsigned int)(65536 / n);
				reps = reps < 3 ? 3 : reps > 2000 ? 2000 : reps;
				if (quick)
					reps = 2;
				snprintf(row->name, sizeof(row->name),
					 "%uK x%" PRIu64 " %u level%s",
					 1u << (shifts[si] - 10), n, lv,
					 lv == 1 ? "" : "s");
				if (run_case(mem, shifts[si], lv, n, reps,
					     row)) {
					fprintf(stderr,
						"%s: map/unmap failed\n",
						row->name);
					return 1;
				}
			}
		}
	}
	printf("IOAS_MAP/UNMAP onto a POWER TCE window, ns per IO page "
	       "(baseline: one TCE store per page)\n");
	bench_mu_print(rows, nrows);
	munmap(raw, span + (64 << 10));
	return json && bench_mu_json(json, "iofd_ppc", rows, nrows) ? 1 : 0;
}

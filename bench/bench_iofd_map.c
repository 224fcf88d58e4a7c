// SPDX-License-Identifier: MIT
/*
 * bench_iofd_map.c - IOMMU_IOAS_MAP + IOMMU_IOAS_UNMAP of 4 KiB to 1 GiB
 * of this process's memory with zero, one and two VT-d domains attached
 * (automatic HWPTs of two devices in different groups would share one,
 * so the second domain is an explicit HWPT_ALLOC on the same IOAS).
 * IOMMU_OPTION_HUGE_PAGES is off, so every domain maps 4 KiB pages, as
 * for memory without huge pages. Figures are nanoseconds per 4 KiB page.
 *
 * The whole path is measured: the ioctl, the pin check of the user range
 * (mincore), RLIMIT_MEMLOCK accounting, one page-table entry per page and
 * domain, and on unmap the entries cleared and the IOTLB invalidated
 * through the unit's invalidation queue. The ioctl structs themselves
 * are copied with memcpy rather than process_vm_readv (as
 * bench_iofd_ioas does), so a syscall per copy does not hide the rest.
 *
 * Baseline, same run: one 8-byte store per page into a page-sized table,
 * the least any page-table update can do; the ratio says how far the
 * path is from that floor. For scale, Linux's iommufd maps and pins at
 * about 16 ns per 4 KiB page (16 GiB in 0.268 s, issue 5); the aim is
 * at most 15 ns per page with one domain.
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

#define PAGE 4096ULL
#define IOVA 0x40000000ULL
#define MAX_BYTES (1ULL << 30)

struct setup {
	struct iofd_ctx *ctx;
	uint32_t ioas;
};

/* An IOAS with 4 KiB pages only and @ndom domains on it. */
static int make(unsigned int ndom, struct setup *s)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_HUGE_PAGES,
				  .op = IOMMU_OPTION_OP_SET,
				  .val64 = 0 };
	struct iommu_hwpt_alloc h = { .size = sizeof(h) };
	uint32_t dev[2], pt;

	if (bench_iofd_open(&s->ctx) ||
	    bench_iofd_io(s->ctx, IOMMU_IOAS_ALLOC, &a))
		return -1;
	s->ioas = o.object_id = a.out_ioas_id;
	if (bench_iofd_io(s->ctx, IOMMU_OPTION, &o))
		return -1;
	for (unsigned int i = 0; i < ndom; i++)
		if (iommufd_sim_bind(s->ctx, i, &dev[i]))
			return -1;
	if (ndom >= 1) {
		pt = s->ioas;
		if (iommufd_sim_attach(s->ctx, dev[0], IOMMU_NO_PASID, &pt))
			return -1;
	}
	if (ndom >= 2) {
		h.dev_id = dev[1];
		h.pt_id = s->ioas;
		if (bench_iofd_io(s->ctx, IOMMU_HWPT_ALLOC, &h))
			return -1;
		pt = h.out_hwpt_id;
		if (iommufd_sim_attach(s->ctx, dev[1], IOMMU_NO_PASID, &pt))
			return -1;
	}
	return 0;
}

static int run_case(uint8_t *mem, uint64_t bytes, unsigned int ndom,
		    unsigned int reps, struct bench_mu_row *row)
{
	uint64_t npages = bytes / PAGE;
	struct iommu_ioas_map m = { .size = sizeof(m),
				    .flags = IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE |
					     IOMMU_IOAS_MAP_FIXED_IOVA,
				    .user_va = (uintptr_t)mem,
				    .length = bytes };
	struct setup s;
	int ret = -1;

	if (make(ndom, &s))
		goto out;
	m.ioas_id = s.ioas;
	m.iova = IOVA;
	if (bench_iofd_rounds(s.ctx, &m, npages, reps, row))
		goto out;
	ret = 0;
out:
	iommufd_sim_close(s.ctx);
	return ret;
}

int main(int argc, char **argv)
{
	static const uint64_t sizes[] = { 4096, 64 << 10, 2 << 20, 64 << 20,
					  1ULL << 30 };
	struct bench_mu_row rows[3 * ARRAY_SIZE(sizes)];
	const char *json;
	size_t nrows = 0;
	uint8_t *mem;
	bool quick;

	if (bench_parse_args(argc, argv, "bench_iofd_map", &quick, &json))
		return 2;
	/* never touched: the pin check and DMA setup need no resident pages */
	mem = mmap(NULL, MAX_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (unsigned int ndom = 0; ndom <= 2; ndom++) {
		for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
			struct bench_mu_row *row = &rows[nrows++];
			uint64_t bytes = sizes[si];
			unsigned int reps;

			if (quick && bytes > (2 << 20))
				bytes = 2 << 20;
			/* about 64 Ki pages per case, at least 3 rounds */
			reps = (unsigned int)((1ULL << 28) / bytes);
			reps = reps < 3 ? 3 : reps > 2000 ? 2000 : reps;
			if (quick)
				reps = 2;
			snprintf(row->name, sizeof(row->name),
				 "%" PRIu64 "K %u domain%s", bytes >> 10, ndom,
				 ndom == 1 ? "" : "s");
			if (run_case(mem, bytes, ndom, reps, row)) {
				fprintf(stderr, "%s: map/unmap failed\n",
					row->name);
				return 1;
			}
		}
	}
	printf("ns per 4 KiB page (baseline: one PTE store per page)\n");
	bench_mu_print(rows, nrows);
	munmap(mem, MAX_BYTES);
	return json && bench_mu_json(json, "iofd_map", rows, nrows) ? 1 : 0;
}

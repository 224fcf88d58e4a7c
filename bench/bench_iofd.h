/* SPDX-License-Identifier: MIT */
/*
 * bench_iofd.h - what the iommufd benches share: a context whose user
 * memory is this process's, reached with memcpy rather than
 * process_vm_readv (so a system call per copy does not hide the rest),
 * the ioctl call, and the rounds of map and unmap compared with the
 * per-page floor (bench_util.h's store loop into a page-sized table).
 */
#ifndef IOMMUSIM_BENCH_IOFD_H
#define IOMMUSIM_BENCH_IOFD_H

#include <stdint.h>
#include <string.h>

#include "bench_util.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

static inline int bench_iofd_io(struct iofd_ctx *ctx, unsigned long cmd,
				void *arg)
{
	return iommufd_sim_ioctl(ctx, cmd, (uint64_t)(uintptr_t)arg);
}

static inline int bench_direct_read(void *c, uint64_t uptr, void *buf,
				    size_t len)
{
	(void)c;
	memcpy(buf, (const void *)(uintptr_t)uptr, len);
	return 0;
}

static inline int bench_direct_write(void *c, uint64_t uptr, const void *buf,
				     size_t len)
{
	(void)c;
	memcpy((void *)(uintptr_t)uptr, buf, len);
	return 0;
}

/* A context on the default machine over this process's memory, with
 * the pin check of the real path (mincore) kept. */
static inline int bench_iofd_open(struct iofd_ctx **ctx)
{
	struct iofd_uaccess ua;

	iommufd_sim_self_uaccess(&ua);
	ua.read = bench_direct_read;
	ua.write = bench_direct_write;
	return iommufd_sim_open(&ua, ctx);
}

/*
 * The fastest of @reps rounds of IOAS_MAP of @m (a fixed IOVA) then
 * IOAS_UNMAP of the same range, per page of @npages, into @row with the
 * store floor (bench_store_baseline) measured right after. Return: 0, or
 * -1 when a call fails or the unmap does not take back the whole range.
 */
static inline int bench_iofd_rounds(struct iofd_ctx *ctx,
				    struct iommu_ioas_map *m, uint64_t npages,
				    unsigned int reps, struct bench_mu_row *row)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .ioas_id = m->ioas_id };
	struct bench_mu_case floor = { .ops = 1 };
	static uint64_t table[512];
	uint64_t iova = m->iova;

	row->map_ns = row->unmap_ns = 1e30;
	for (unsigned int r = 0; r < reps; r++) {
		double t0, t1, t2;

		m->iova = u.iova = iova;
		u.length = m->length;
		t0 = bench_now_ns();
		if (bench_iofd_io(ctx, IOMMU_IOAS_MAP, m))
			return -1;
		t1 = bench_now_ns();
		if (bench_iofd_io(ctx, IOMMU_IOAS_UNMAP, &u) ||
		    u.length != m->length)
			return -1;
		t2 = bench_now_ns();
		if ((t1 - t0) / npages < row->map_ns)
			row->map_ns = (t1 - t0) / npages;
		if ((t2 - t1) / npages < row->unmap_ns)
			row->unmap_ns = (t2 - t1) / npages;
	}
	/* the floor: one 8-byte store per page, bench_util.h's loop */
	floor.npages = npages < 4096 ? 4096 : npages;
	row->base_ns = bench_store_baseline(&floor, table, ARRAY_SIZE(table)) /
		       (double)floor.npages;
	return 0;
}

#endif /* IOMMUSIM_BENCH_IOFD_H */

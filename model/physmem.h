/* SPDX-License-Identifier: MIT */
/*
 * physmem.h - the simulated physical address space.
 *
 * Vocabulary:
 *  - pa: a simulated physical address, 0 .. 2^52 - 1.
 *  - frame: a 4 KiB, 4 KiB-aligned piece of physical memory; pfn = pa >> 12.
 *  - RAM: physical addresses below the configured RAM size. RAM reads as
 *    zero until written; a frame gets host memory (through jemalloc) only
 *    when a nonzero byte is first stored in it.
 *  - region: a 4 KiB-aligned physical range backed by memory the client
 *    owns (a host pointer in process, or a remote process's memory through
 *    an ops table). A region shadows RAM where the two overlap.
 *  - table frame: a frame handed out by the frame allocator for page tables
 *    and other in-memory structures a driver builds. The allocator keeps
 *    the accounting the benchmarks and leak checks read. A block of order
 *    n is 2^n physically contiguous table frames, naturally aligned, with
 *    one contiguous host mapping (tables of 16 and 64 KiB granules).
 *  - bus error: an access to a pa that is neither RAM nor a live region, or
 *    to a region whose owner has gone. It is returned as -EFAULT, never a
 *    crash; the hardware units turn it into their architecture's walk or
 *    fetch abort.
 *
 * A pm_space is not thread-safe: one thread (or a caller holding a lock)
 * owns it. Every function that takes an address accepts any 64-bit value.
 */
#ifndef IOMMUSIM_MODEL_PHYSMEM_H
#define IOMMUSIM_MODEL_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PM_FRAME_SHIFT 12
#define PM_FRAME_SIZE (1ULL << PM_FRAME_SHIFT)
#define PM_FRAME_MASK (PM_FRAME_SIZE - 1)

/* RAM size limits, as log2 of bytes. */
#define PM_RAM_BITS_MIN 16
#define PM_RAM_BITS_DEFAULT 40
#define PM_RAM_BITS_MAX 52

/* Largest block pm_frame_alloc_order() hands out: 2^10 frames (4 MiB). */
#define PM_FRAME_ORDER_MAX 10

/* Largest physical address width the model represents at all. */
#define PM_ADDR_BITS 52

struct pm_space;

/**
 * struct pm_region_ops - how a client-backed region reaches its memory.
 * @read: copy @len bytes at byte offset @off of the region into @buf;
 *        0, or -EFAULT when the memory is gone.
 * @write: the other direction.
 * @release: optional; called once when the region is removed.
 *
 * Offsets and lengths passed in always lie inside the region.
 */
struct pm_region_ops {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	void (*release)(void *ctx);
};

/**
 * struct pm_stats - accounting of one address space.
 * @ram_frames: RAM frames that have host memory behind them.
 * @table_frames: frames the allocator handed out and not yet freed.
 * @table_frames_peak: the most @table_frames has been.
 * @data_bytes: host bytes holding simulated frame contents.
 * @overhead_bytes: host bytes of bookkeeping beyond frame contents
 *                  (frame map, free list, region table).
 * @regions: client-backed regions registered.
 */
struct pm_stats {
	uint64_t ram_frames;
	uint64_t table_frames;
	uint64_t table_frames_peak;
	uint64_t data_bytes;
	uint64_t overhead_bytes;
	unsigned int regions;
};

int pm_create(unsigned int ram_bits, struct pm_space **out);
void pm_destroy(struct pm_space *pm);
uint64_t pm_ram_size(const struct pm_space *pm);

int pm_read(struct pm_space *pm, uint64_t pa, void *buf, size_t len);
int pm_write(struct pm_space *pm, uint64_t pa, const void *buf, size_t len);

/*
 * Scalar accesses. @size is 1, 2, 4 or 8 bytes; @big_endian picks the byte
 * order of the number in memory. Any alignment is accepted (a DMA-capable
 * bus does not care); a value that straddles two frames is handled.
 */
int pm_load(struct pm_space *pm, uint64_t pa, unsigned int size,
	    bool big_endian, uint64_t *val);
int pm_store(struct pm_space *pm, uint64_t pa, unsigned int size,
	     bool big_endian, uint64_t val);

static inline int pm_ld64_le(struct pm_space *pm, uint64_t pa, uint64_t *v)
{
	return pm_load(pm, pa, 8, false, v);
}

static inline int pm_ld64_be(struct pm_space *pm, uint64_t pa, uint64_t *v)
{
	return pm_load(pm, pa, 8, true, v);
}

static inline int pm_st64_le(struct pm_space *pm, uint64_t pa, uint64_t v)
{
	return pm_store(pm, pa, 8, false, v);
}

static inline int pm_st64_be(struct pm_space *pm, uint64_t pa, uint64_t v)
{
	return pm_store(pm, pa, 8, true, v);
}

int pm_region_add(struct pm_space *pm, uint64_t base, uint64_t size,
		  const struct pm_region_ops *ops, void *ctx, unsigned int *id);
int pm_region_add_host(struct pm_space *pm, uint64_t base, uint64_t size,
		       void *host, unsigned int *id);
int pm_region_revoke(struct pm_space *pm, unsigned int id);
int pm_region_remove(struct pm_space *pm, unsigned int id);

int pm_frame_pool_set(struct pm_space *pm, uint64_t base, uint64_t end);
int pm_frame_alloc(struct pm_space *pm, uint64_t *pa);
int pm_frame_free(struct pm_space *pm, uint64_t pa);
int pm_frame_alloc_order(struct pm_space *pm, unsigned int order, uint64_t *pa);
int pm_frame_free_order(struct pm_space *pm, uint64_t pa, unsigned int order);
uint8_t *pm_frame_host(struct pm_space *pm, uint64_t pa);

void pm_get_stats(const struct pm_space *pm, struct pm_stats *st);

#endif /* IOMMUSIM_MODEL_PHYSMEM_H */

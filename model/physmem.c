// SPDX-License-Identifier: MIT
/*
 * physmem.c - sparse simulated physical memory, client regions and the
 * table-frame allocator.
 *
 * RAM frames live in an open-addressing hash table keyed by pfn (linear
 * probing, backward-shift deletion, so there are no tombstones and a
 * lookup never degrades after many frees). A one-entry cache of the last
 * frame touched makes the common walker pattern (several loads from one
 * table page) a compare and a memcpy.
 *
 * Frame contents come from jemalloc (mallocx with 4 KiB alignment). In
 * sanitizer builds (IOMMUSIM_NO_JEMALLOC) they come from the libc
 * allocator instead: jemalloc and ASan both replace malloc and cannot
 * share a process, and ASan should see every frame.
 *
 * Regions are few (one per pinned client buffer): a sorted array with a
 * binary search, skipped entirely while there are none.
 *
 * Table frames come from a pool: single frames from its bottom up, blocks
 * of 2^n contiguous frames (tables of 16 and 64 KiB granules) from its
 * top down, each size with its own free list, so the two never fragment
 * each other and single frames keep their lowest-first order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef IOMMUSIM_NO_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "bits.h"
#include "physmem.h"

#define PM_MAP_MIN_CAP 64

/*
 * A slot is 16 bytes: the pfn (at most 40 bits) with the table-frame flags
 * in the top bits of the same word, and the frame's host memory.
 *
 * A block of 2^order table frames (pm_frame_alloc_order()) has one host
 * allocation: its first frame's slot owns it and records the order, every
 * other frame's slot points into it and is marked TAIL (never freed alone).
 */
#define PM_SLOT_TABLE BIT_ULL(63) /* handed out by pm_frame_alloc*() */
#define PM_SLOT_TAIL BIT_ULL(62) /* later frame of a block: data not owned */
#define PM_SLOT_ORDER GENMASK_ULL(59, 56) /* first frame of a block: order */
#define PM_SLOT_PFN GENMASK_ULL(51, 0)

/* Freed table frames (or blocks) of one order, reused last in first out. */
struct pm_freelist {
	uint64_t *pfns;
	uint64_t n;
	uint64_t cap;
};

struct pm_slot {
	uint64_t key; /* pfn | PM_SLOT_TABLE */
	uint8_t *data; /* NULL: the slot is empty */
};

struct pm_region {
	uint64_t base;
	uint64_t size;
	const struct pm_region_ops *ops; /* NULL: host memory at @host */
	void *ctx;
	uint8_t *host;
	unsigned int id;
	bool live; /* false once revoked: every access is a bus error */
};

struct pm_space {
	uint64_t ram_size;

	/* frame map: @cap is a power of two, at most half full */
	struct pm_slot *slots;
	uint64_t cap;
	uint64_t used;
	uint64_t last_pfn; /* one-entry lookup cache ... */
	uint8_t *last_data; /* ... valid while non-NULL */

	/* client regions, sorted by base, non-overlapping */
	struct pm_region *regions;
	unsigned int nregions;
	unsigned int region_cap;
	unsigned int next_region_id;

	/*
	 * table-frame allocator over pfns [pool_base, pool_end): single
	 * frames from pool_next up, blocks from pool_top down
	 */
	uint64_t pool_base;
	uint64_t pool_end;
	uint64_t pool_next;
	uint64_t pool_top;
	struct pm_freelist free[PM_FRAME_ORDER_MAX + 1];
	uint64_t table_frames;
	uint64_t table_frames_peak;
};

/* ---- frame contents ---------------------------------------------------- */

/* Zeroed host memory for 2^@order frames, 4 KiB aligned. */
static uint8_t *frame_mem_alloc(unsigned int order)
{
	size_t size = (size_t)PM_FRAME_SIZE << order;
#ifdef IOMMUSIM_NO_JEMALLOC
	void *p = NULL;

	if (posix_memalign(&p, PM_FRAME_SIZE, size))
		return NULL;
	memset(p, 0, size);
	return p;
#else
	return mallocx(size, MALLOCX_ALIGN(PM_FRAME_SIZE) | MALLOCX_ZERO);
#endif
}

static void frame_mem_free(uint8_t *p)
{
#ifdef IOMMUSIM_NO_JEMALLOC
	free(p);
#else
	if (p)
		dallocx(p, MALLOCX_ALIGN(PM_FRAME_SIZE));
#endif
}

/* ---- frame map ----------------------------------------------------------- */

static inline uint64_t slot_home(const struct pm_space *pm, uint64_t pfn)
{
	/* Fibonacci hashing: neighbouring pfns land far apart. */
	return (pfn * 0x9e3779b97f4a7c15ULL) >> (64 - __builtin_ctzll(pm->cap));
}

static struct pm_slot *slot_find(struct pm_space *pm, uint64_t pfn)
{
	uint64_t mask = pm->cap - 1;
	uint64_t i = slot_home(pm, pfn);

	for (;; i = (i + 1) & mask) {
		struct pm_slot *s = &pm->slots[i];

		if (!s->data)
			return NULL;
		if ((s->key & PM_SLOT_PFN) == pfn)
			return s;
	}
}

static int map_grow(struct pm_space *pm)
{
	struct pm_slot *old = pm->slots;
	uint64_t old_cap = pm->cap;
	struct pm_slot *slots;

	slots = calloc(old_cap * 2, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	pm->slots = slots;
	pm->cap = old_cap * 2;
	for (uint64_t i = 0; i < old_cap; i++) {
		uint64_t j, mask = pm->cap - 1;

		if (!old[i].data)
			continue;
		for (j = slot_home(pm, old[i].key & PM_SLOT_PFN); slots[j].data;
		     j = (j + 1) & mask)
			;
		slots[j] = old[i];
	}
	free(old);
	return 0;
}

/* Room for @n more slots while keeping the map at most half full. */
static int map_reserve(struct pm_space *pm, uint64_t n)
{
	while ((pm->used + n) * 2 > pm->cap)
		if (map_grow(pm))
			return -ENOMEM;
	return 0;
}

/* Puts @pfn with host memory @data in the map (room already reserved). */
static struct pm_slot *slot_put(struct pm_space *pm, uint64_t pfn,
				uint64_t flags, uint8_t *data)
{
	uint64_t mask = pm->cap - 1, i;

	for (i = slot_home(pm, pfn); pm->slots[i].data; i = (i + 1) & mask)
		;
	pm->slots[i] = (struct pm_slot){ .key = pfn | flags, .data = data };
	pm->used++;
	return &pm->slots[i];
}

/* Adds a backed frame for @pfn, which must not be in the map yet. */
static struct pm_slot *slot_insert(struct pm_space *pm, uint64_t pfn,
				   uint64_t flags)
{
	uint8_t *data;

	if (map_reserve(pm, 1))
		return NULL;
	data = frame_mem_alloc(0);
	if (!data)
		return NULL;
	return slot_put(pm, pfn, flags, data);
}

/*
 * Frees @s (its host memory too, unless a block's first frame owns that)
 * and closes the gap so later probes still find their keys.
 */
static void slot_remove(struct pm_space *pm, struct pm_slot *s)
{
	uint64_t mask = pm->cap - 1;
	uint64_t hole = (uint64_t)(s - pm->slots);
	uint64_t i = hole;

	if (pm->last_data == s->data)
		pm->last_data = NULL;
	if (!(s->key & PM_SLOT_TAIL))
		frame_mem_free(s->data);
	pm->slots[hole].data = NULL;
	pm->used--;
	for (;;) {
		uint64_t home;

		i = (i + 1) & mask;
		if (!pm->slots[i].data)
			return;
		home = slot_home(pm, pm->slots[i].key & PM_SLOT_PFN);
		/* Move the entry back unless its home lies in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			pm->slots[hole] = pm->slots[i];
			pm->slots[i].data = NULL;
			hole = i;
		}
	}
}

static uint8_t *frame_data(struct pm_space *pm, uint64_t pfn)
{
	struct pm_slot *s;

	if (pm->last_data && pm->last_pfn == pfn)
		return pm->last_data;
	s = slot_find(pm, pfn);
	if (!s)
		return NULL;
	pm->last_pfn = pfn;
	pm->last_data = s->data;
	return s->data;
}

/* ---- regions ------------------------------------------------------------ */

static struct pm_region *region_find(struct pm_space *pm, uint64_t pa)
{
	unsigned int lo = 0, hi = pm->nregions;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		struct pm_region *r = &pm->regions[mid];

		if (pa < r->base)
			hi = mid;
		else if (pa - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static int region_access(struct pm_region *r, uint64_t pa, void *buf,
			 size_t len, bool write)
{
	uint64_t off = pa - r->base;

	if (!r->live)
		return -EFAULT;
	if (!r->ops) {
		if (write)
			memcpy(r->host + off, buf, len);
		else
			memcpy(buf, r->host + off, len);
		return 0;
	}
	if (write)
		return r->ops->write(r->ctx, off, buf, len) ? -EFAULT : 0;
	return r->ops->read(r->ctx, off, buf, len) ? -EFAULT : 0;
}

/* ---- accesses ----------------------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static int ram_access(struct pm_space *pm, uint64_t pa, uint8_t *buf,
		      size_t len, bool write)
{
	uint64_t pfn = pa >> PM_FRAME_SHIFT;
	uint8_t *data = frame_data(pm, pfn);

	if (!write) {
		if (data)
			memcpy(buf, data + (pa & PM_FRAME_MASK), len);
		else
			memset(buf, 0, len);
		return 0;
	}
	if (!data) {
		struct pm_slot *s;

		/* Zeros into a frame that reads as zero change nothing. */
		if (all_zero(buf, len))
			return 0;
		s = slot_insert(pm, pfn, 0);
		if (!s)
			return -ENOMEM;
		data = s->data;
	}
	memcpy(data + (pa & PM_FRAME_MASK), buf, len);
	return 0;
}

/* Whether every byte of [pa, pa + len) is RAM or a live region. */
static bool range_reachable(struct pm_space *pm, uint64_t pa, size_t len)
{
	uint64_t last = pa + len - 1;

	if (!pm->nregions)
		return last < pm->ram_size;
	for (uint64_t p = pa & ~PM_FRAME_MASK; p <= last; p += PM_FRAME_SIZE) {
		struct pm_region *r = region_find(pm, p);

		if (r ? !r->live : p >= pm->ram_size)
			return false;
	}
	return true;
}

static int pm_access(struct pm_space *pm, uint64_t pa, uint8_t *buf, size_t len,
		     bool write)
{
	uint64_t end;

	if (!len)
		return 0;
	if (add_overflows_u64(pa, len, &end) || end > (1ULL << PM_ADDR_BITS))
		return -EFAULT;
	/* A write that would fault part-way is refused whole. */
	if (write && !range_reachable(pm, pa, len))
		return -EFAULT;
	while (len) {
		size_t chunk = PM_FRAME_SIZE - (pa & PM_FRAME_MASK);
		struct pm_region *r = NULL;
		int ret;

		if (chunk > len)
			chunk = len;
		if (pm->nregions)
			r = region_find(pm, pa);
		if (r)
			ret = region_access(r, pa, buf, chunk, write);
		else if (pa >= pm->ram_size)
			ret = -EFAULT;
		else
			ret = ram_access(pm, pa, buf, chunk, write);
		if (ret)
			return ret;
		pa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * pm_read() - copy simulated physical memory into @buf.
 * @pm: the address space.
 * @pa: first physical address.
 * @buf: destination, @len bytes.
 * @len: byte count; 0 is a no-op.
 *
 * Return: 0, or -EFAULT (bus error) when any byte is neither RAM nor a
 * live region; @buf is then partly filled.
 */
int pm_read(struct pm_space *pm, uint64_t pa, void *buf, size_t len)
{
	return pm_access(pm, pa, buf, len, false);
}

/**
 * pm_write() - store @len bytes from @buf into simulated physical memory.
 * @pm: the address space.
 * @pa: first physical address.
 * @buf: source.
 * @len: byte count.
 *
 * Return: 0; -EFAULT (bus error, nothing written) when any byte is neither
 * RAM nor a live region; -ENOMEM when host memory ran out.
 */
int pm_write(struct pm_space *pm, uint64_t pa, const void *buf, size_t len)
{
	return pm_access(pm, pa, (uint8_t *)buf, len, true);
}

/* The common case: RAM, no regions, the access inside one frame. */
static inline bool fast_ram(const struct pm_space *pm, uint64_t pa,
			    unsigned int size)
{
	return !pm->nregions && pa < pm->ram_size &&
	       (pa & PM_FRAME_MASK) <= PM_FRAME_SIZE - size;
}

static uint64_t decode(const uint8_t *b, unsigned int size, bool big_endian)
{
	switch (size) {
	case 1:
		return b[0];
	case 2:
		return big_endian ? ld_be16(b) : ld_le16(b);
	case 4:
		return big_endian ? ld_be32(b) : ld_le32(b);
	default:
		return big_endian ? ld_be64(b) : ld_le64(b);
	}
}

static void encode(uint8_t *b, unsigned int size, bool big_endian, uint64_t val)
{
	switch (size) {
	case 1:
		b[0] = (uint8_t)val;
		break;
	case 2:
		big_endian ? st_be16(b, (uint16_t)val) :
			     st_le16(b, (uint16_t)val);
		break;
	case 4:
		big_endian ? st_be32(b, (uint32_t)val) :
			     st_le32(b, (uint32_t)val);
		break;
	default:
		big_endian ? st_be64(b, val) : st_le64(b, val);
		break;
	}
}

static bool size_ok(unsigned int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/**
 * pm_load() - load a 1, 2, 4 or 8 byte number.
 * @pm: the address space.
 * @pa: its first byte.
 * @size: bytes.
 * @big_endian: byte order in memory.
 * @val: the number (zero-extended); set to 0 on error.
 *
 * Return: 0, -EINVAL for a bad @size, or -EFAULT.
 */
int pm_load(struct pm_space *pm, uint64_t pa, unsigned int size,
	    bool big_endian, uint64_t *val)
{
	uint8_t b[8];
	int ret;

	*val = 0;
	if (!size_ok(size))
		return -EINVAL;
	if (likely(fast_ram(pm, pa, size))) {
		const uint8_t *d = frame_data(pm, pa >> PM_FRAME_SHIFT);

		if (d)
			*val = decode(d + (pa & PM_FRAME_MASK), size,
				      big_endian);
		return 0;
	}
	ret = pm_read(pm, pa, b, size);
	if (ret)
		return ret;
	*val = decode(b, size, big_endian);
	return 0;
}

/**
 * pm_store() - store the low @size bytes of @val.
 * @pm: the address space.
 * @pa: first byte.
 * @size: 1, 2, 4 or 8.
 * @big_endian: byte order in memory.
 * @val: the number; bits above @size bytes are ignored.
 *
 * Return: 0, -EINVAL for a bad @size, -EFAULT or -ENOMEM.
 */
int pm_store(struct pm_space *pm, uint64_t pa, unsigned int size,
	     bool big_endian, uint64_t val)
{
	uint8_t b[8];

	if (!size_ok(size))
		return -EINVAL;
	if (likely(fast_ram(pm, pa, size))) {
		uint8_t *d = frame_data(pm, pa >> PM_FRAME_SHIFT);

		if (d) {
			encode(d + (pa & PM_FRAME_MASK), size, big_endian, val);
			return 0;
		}
	}
	encode(b, size, big_endian, val);
	return pm_write(pm, pa, b, size);
}

/* ---- life cycle --------------------------------------------------------- */

/**
 * pm_create() - make an empty physical address space.
 * @ram_bits: RAM size as log2 bytes, PM_RAM_BITS_MIN..PM_RAM_BITS_MAX.
 * @out: the new space.
 *
 * The table-frame pool starts as [4 GiB, end of RAM) when RAM is larger
 * than 8 GiB (so scripts keep the low 4 GiB to themselves), else as the
 * upper half of RAM.
 *
 * Return: 0, -EINVAL for a bad size, -ENOMEM.
 */
int pm_create(unsigned int ram_bits, struct pm_space **out)
{
	struct pm_space *pm;

	*out = NULL;
	if (ram_bits < PM_RAM_BITS_MIN || ram_bits > PM_RAM_BITS_MAX)
		return -EINVAL;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	pm->slots = calloc(PM_MAP_MIN_CAP, sizeof(*pm->slots));
	if (!pm->slots) {
		free(pm);
		return -ENOMEM;
	}
	pm->cap = PM_MAP_MIN_CAP;
	pm->ram_size = 1ULL << ram_bits;
	pm->next_region_id = 1;
	if (ram_bits > 33)
		pm->pool_base = (1ULL << 32) >> PM_FRAME_SHIFT;
	else
		pm->pool_base = (pm->ram_size / 2) >> PM_FRAME_SHIFT;
	pm->pool_end = pm->ram_size >> PM_FRAME_SHIFT;
	pm->pool_next = pm->pool_base;
	pm->pool_top = pm->pool_end;
	*out = pm;
	return 0;
}

/**
 * pm_destroy() - free the space, its frames, and release every region.
 * @pm: the space, or NULL.
 */
void pm_destroy(struct pm_space *pm)
{
	if (!pm)
		return;
	for (unsigned int i = 0; i < pm->nregions; i++)
		if (pm->regions[i].ops && pm->regions[i].ops->release)
			pm->regions[i].ops->release(pm->regions[i].ctx);
	for (uint64_t i = 0; i < pm->cap; i++)
		if (!(pm->slots[i].key & PM_SLOT_TAIL))
			frame_mem_free(pm->slots[i].data);
	free(pm->slots);
	free(pm->regions);
	for (unsigned int o = 0; o <= PM_FRAME_ORDER_MAX; o++)
		free(pm->free[o].pfns);
	free(pm);
}

/** pm_ram_size() - bytes of RAM, starting at physical address 0. */
uint64_t pm_ram_size(const struct pm_space *pm)
{
	return pm->ram_size;
}

/* ---- region management -------------------------------------------------- */

static int region_insert(struct pm_space *pm, const struct pm_region *nr)
{
	unsigned int pos = 0;

	if (pm->nregions == pm->region_cap) {
		unsigned int cap = pm->region_cap ? pm->region_cap * 2 : 4;
		struct pm_region *r;

		r = realloc(pm->regions, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		pm->regions = r;
		pm->region_cap = cap;
	}
	while (pos < pm->nregions && pm->regions[pos].base < nr->base)
		pos++;
	/* Neighbours must end before us and start after us. */
	if (pos > 0 &&
	    pm->regions[pos - 1].base + pm->regions[pos - 1].size > nr->base)
		return -EEXIST;
	if (pos < pm->nregions && nr->base + nr->size > pm->regions[pos].base)
		return -EEXIST;
	memmove(&pm->regions[pos + 1], &pm->regions[pos],
		(pm->nregions - pos) * sizeof(*nr));
	pm->regions[pos] = *nr;
	pm->nregions++;
	return 0;
}

static int region_add(struct pm_space *pm, struct pm_region *nr,
		      unsigned int *id)
{
	uint64_t end;
	int ret;

	if (!nr->size || ((nr->base | nr->size) & PM_FRAME_MASK) ||
	    add_overflows_u64(nr->base, nr->size, &end) ||
	    end > (1ULL << PM_ADDR_BITS))
		return -EINVAL;
	nr->id = pm->next_region_id;
	nr->live = true;
	ret = region_insert(pm, nr);
	if (ret)
		return ret;
	pm->next_region_id++;
	pm->last_data = NULL;
	if (id)
		*id = nr->id;
	return 0;
}

/**
 * pm_region_add() - back [@base, @base + @size) with client memory.
 * @pm: the space.
 * @base: 4 KiB aligned physical base.
 * @size: 4 KiB multiple, nonzero.
 * @ops: read/write callbacks (both required).
 * @ctx: passed to @ops.
 * @id: the region's id for later calls (optional).
 *
 * Return: 0, -EINVAL (alignment, size, above 2^52, missing ops), -EEXIST
 * (overlaps another region), -ENOMEM.
 */
int pm_region_add(struct pm_space *pm, uint64_t base, uint64_t size,
		  const struct pm_region_ops *ops, void *ctx, unsigned int *id)
{
	struct pm_region nr = {
		.base = base, .size = size, .ops = ops, .ctx = ctx
	};

	if (!ops || !ops->read || !ops->write)
		return -EINVAL;
	return region_add(pm, &nr, id);
}

/**
 * pm_region_add_host() - back a physical range with a host buffer.
 * @pm: the space.
 * @base: 4 KiB aligned physical base.
 * @size: 4 KiB multiple; @host must hold that many bytes.
 * @host: the buffer; it must outlive the region (or be revoked first).
 * @id: the region's id (optional).
 *
 * Return: as pm_region_add().
 */
int pm_region_add_host(struct pm_space *pm, uint64_t base, uint64_t size,
		       void *host, unsigned int *id)
{
	struct pm_region nr = { .base = base, .size = size, .host = host };

	if (!host)
		return -EINVAL;
	return region_add(pm, &nr, id);
}

static struct pm_region *region_by_id(struct pm_space *pm, unsigned int id)
{
	for (unsigned int i = 0; i < pm->nregions; i++)
		if (pm->regions[i].id == id)
			return &pm->regions[i];
	return NULL;
}

/**
 * pm_region_revoke() - the client's memory is gone: from now on every
 * access to the region is a bus error. The range stays claimed, as a
 * vanished process's pinned pages stay mapped until the driver unmaps.
 * @pm: the space.
 * @id: from pm_region_add*().
 *
 * Return: 0, or -ENOENT.
 */
int pm_region_revoke(struct pm_space *pm, unsigned int id)
{
	struct pm_region *r = region_by_id(pm, id);

	if (!r)
		return -ENOENT;
	r->live = false;
	return 0;
}

/**
 * pm_region_remove() - forget a region; its range becomes RAM (or nothing)
 * again. Calls the region's release op.
 * @pm: the space.
 * @id: from pm_region_add*().
 *
 * Return: 0, or -ENOENT.
 */
int pm_region_remove(struct pm_space *pm, unsigned int id)
{
	struct pm_region *r = region_by_id(pm, id);
	unsigned int pos;

	if (!r)
		return -ENOENT;
	if (r->ops && r->ops->release)
		r->ops->release(r->ctx);
	pos = (unsigned int)(r - pm->regions);
	memmove(r, r + 1, (pm->nregions - pos - 1) * sizeof(*r));
	pm->nregions--;
	return 0;
}

/* ---- table-frame allocator ---------------------------------------------- */

/**
 * pm_frame_pool_set() - choose where table frames come from.
 * @pm: the space; no table frame may be allocated.
 * @base: first physical address of the pool (4 KiB aligned).
 * @end: end (exclusive), at most the RAM size.
 *
 * Return: 0, -EINVAL, or -EBUSY while table frames are in use.
 */
int pm_frame_pool_set(struct pm_space *pm, uint64_t base, uint64_t end)
{
	if (((base | end) & PM_FRAME_MASK) || base >= end || end > pm->ram_size)
		return -EINVAL;
	if (pm->table_frames)
		return -EBUSY;
	pm->pool_base = base >> PM_FRAME_SHIFT;
	pm->pool_end = end >> PM_FRAME_SHIFT;
	pm->pool_next = pm->pool_base;
	pm->pool_top = pm->pool_end;
	for (unsigned int o = 0; o <= PM_FRAME_ORDER_MAX; o++)
		pm->free[o].n = 0;
	return 0;
}

/* A pool frame is usable when nobody wrote it and no region covers it. */
static bool pool_frame_usable(struct pm_space *pm, uint64_t pfn)
{
	if (slot_find(pm, pfn))
		return false;
	return !pm->nregions || !region_find(pm, pfn << PM_FRAME_SHIFT);
}

static int freelist_push(struct pm_space *pm, unsigned int order, uint64_t pfn)
{
	struct pm_freelist *fl = &pm->free[order];

	if (fl->n == fl->cap) {
		uint64_t cap = fl->cap ? fl->cap * 2 : 64;
		uint64_t *f = realloc(fl->pfns, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		fl->pfns = f;
		fl->cap = cap;
	}
	fl->pfns[fl->n++] = pfn;
	return 0;
}

static int pool_take(struct pm_space *pm, uint64_t *pfn)
{
	struct pm_freelist *fl = &pm->free[0];

	while (fl->n) {
		*pfn = fl->pfns[--fl->n];
		if (pool_frame_usable(pm, *pfn))
			return 0;
	}
	for (; pm->pool_next < pm->pool_top; pm->pool_next++) {
		if (pool_frame_usable(pm, pm->pool_next)) {
			*pfn = pm->pool_next++;
			return 0;
		}
	}
	return -ENOMEM;
}

/* The highest unusable frame of [pfn, pfn + n), or UINT64_MAX if none. */
static uint64_t block_unusable(struct pm_space *pm, uint64_t pfn, uint64_t n)
{
	for (uint64_t p = pfn + n; p-- > pfn;)
		if (!pool_frame_usable(pm, p))
			return p;
	return UINT64_MAX;
}

/*
 * Cut a naturally aligned block of 2^@order frames from the top of the
 * pool, below every block cut before and above every single frame handed
 * out, so single frames keep coming lowest first as they always have.
 * Frames the alignment skips are offered to single-frame allocations.
 */
static int block_carve(struct pm_space *pm, unsigned int order, uint64_t *pfn)
{
	uint64_t n = 1ULL << order, top = pm->pool_top, start, bad;

	for (;;) {
		if (top < n)
			return -ENOMEM;
		start = (top - n) & ~(n - 1);
		if (start < pm->pool_next)
			return -ENOMEM;
		bad = block_unusable(pm, start, n);
		if (bad == UINT64_MAX)
			break;
		top = bad;
	}
	for (uint64_t p = start + n; p < pm->pool_top; p++)
		if (freelist_push(pm, 0, p))
			break; /* the rest stays unused: harmless */
	pm->pool_top = start;
	*pfn = start;
	return 0;
}

static int block_take(struct pm_space *pm, unsigned int order, uint64_t *pfn)
{
	struct pm_freelist *fl = &pm->free[order];

	while (fl->n) {
		*pfn = fl->pfns[--fl->n];
		if (block_unusable(pm, *pfn, 1ULL << order) == UINT64_MAX)
			return 0;
	}
	return block_carve(pm, order, pfn);
}

static void table_frames_add(struct pm_space *pm, uint64_t n)
{
	pm->table_frames += n;
	if (pm->table_frames > pm->table_frames_peak)
		pm->table_frames_peak = pm->table_frames;
}

/**
 * pm_frame_alloc() - hand out a zeroed 4 KiB frame for tables.
 * @pm: the space.
 * @pa: its physical address.
 *
 * Frames come from the pool (pm_frame_pool_set()), lowest first, reusing
 * freed frames before new ones; a pool frame some script or client already
 * wrote is skipped, never handed out.
 *
 * Return: 0, or -ENOMEM when the pool or host memory is exhausted.
 */
int pm_frame_alloc(struct pm_space *pm, uint64_t *pa)
{
	uint64_t pfn;

	*pa = 0;
	if (pool_take(pm, &pfn))
		return -ENOMEM;
	if (!slot_insert(pm, pfn, PM_SLOT_TABLE)) {
		/* Put the frame back where pool_take() will find it again. */
		if (pm->free[0].n < pm->free[0].cap)
			pm->free[0].pfns[pm->free[0].n++] = pfn;
		else
			pm->pool_next = pfn;
		return -ENOMEM;
	}
	table_frames_add(pm, 1);
	*pa = pfn << PM_FRAME_SHIFT;
	return 0;
}

/**
 * pm_frame_alloc_order() - hand out 2^@order physically contiguous, zeroed
 * table frames, naturally aligned (the block's address is a multiple of its
 * size), as tables larger than 4 KiB need (16 and 64 KiB granules,
 * concatenated stage 2 tables).
 * @pm: the space.
 * @order: 0 to PM_FRAME_ORDER_MAX; 0 is pm_frame_alloc().
 * @pa: the block's physical address.
 *
 * Blocks come from the top of the pool downwards (single frames from the
 * bottom up), reusing freed blocks of the same order first; like single
 * frames they skip any frame already written or covered by a region. The
 * block's host memory is one contiguous allocation: pm_frame_host() of @pa
 * gives all of it. Each frame counts as a table frame in the statistics.
 *
 * Return: 0, -EINVAL for a bad @order, -ENOMEM.
 */
int pm_frame_alloc_order(struct pm_space *pm, unsigned int order, uint64_t *pa)
{
	uint64_t pfn, n = 1ULL << order;
	uint8_t *data;

	*pa = 0;
	if (order > PM_FRAME_ORDER_MAX)
		return -EINVAL;
	if (!order)
		return pm_frame_alloc(pm, pa);
	if (map_reserve(pm, n) || block_take(pm, order, &pfn))
		return -ENOMEM;
	data = frame_mem_alloc(order);
	if (!data) {
		freelist_push(pm, order, pfn); /* or lose it: out of memory */
		return -ENOMEM;
	}
	slot_put(pm, pfn, PM_SLOT_TABLE | FIELD_PREP(PM_SLOT_ORDER, order),
		 data);
	for (uint64_t i = 1; i < n; i++)
		slot_put(pm, pfn + i, PM_SLOT_TABLE | PM_SLOT_TAIL,
			 data + i * PM_FRAME_SIZE);
	table_frames_add(pm, n);
	*pa = pfn << PM_FRAME_SHIFT;
	return 0;
}

/**
 * pm_frame_free_order() - return a block from pm_frame_alloc_order(); it
 * reads as zero afterwards.
 * @pm: the space.
 * @pa: the block's address, as pm_frame_alloc_order() returned it.
 * @order: the order it was allocated with.
 *
 * Return: 0; -EINVAL for any other address or order (double free, a frame
 * inside a block, a single frame freed as a block and the reverse);
 * -ENOMEM when the free list cannot grow (nothing is freed then).
 */
int pm_frame_free_order(struct pm_space *pm, uint64_t pa, unsigned int order)
{
	uint64_t pfn = pa >> PM_FRAME_SHIFT, n = 1ULL << order;
	struct pm_slot *s;

	if (order > PM_FRAME_ORDER_MAX || (pa & ((PM_FRAME_SIZE << order) - 1)))
		return -EINVAL;
	s = slot_find(pm, pfn);
	if (!s || (s->key & (PM_SLOT_TABLE | PM_SLOT_TAIL | PM_SLOT_ORDER)) !=
			  (PM_SLOT_TABLE | FIELD_PREP(PM_SLOT_ORDER, order)))
		return -EINVAL;
	if (freelist_push(pm, order, pfn))
		return -ENOMEM;
	if (order) {
		/* Tails first: the first frame's slot owns the host memory,
		 * and removals move slots, so look each one up afresh. */
		for (uint64_t i = n; i-- > 1;)
			slot_remove(pm, slot_find(pm, pfn + i));
		s = slot_find(pm, pfn);
	}
	slot_remove(pm, s);
	pm->table_frames -= n;
	return 0;
}

/**
 * pm_frame_free() - return a table frame; it reads as zero afterwards.
 * @pm: the space.
 * @pa: an address pm_frame_alloc() returned and that is not yet freed.
 *
 * Return: 0, or -EINVAL for any other address (double free included).
 */
int pm_frame_free(struct pm_space *pm, uint64_t pa)
{
	return pm_frame_free_order(pm, pa, 0);
}

/**
 * pm_frame_host() - the host memory behind a table frame, for the driver
 * side that built it (as a kernel driver writes its tables through a
 * kernel virtual address). Hardware models never use this: they read
 * through pm_load()/pm_read() and see bus errors like hardware does.
 * @pm: the space.
 * @pa: an address pm_frame_alloc() or pm_frame_alloc_order() returned and
 *      not yet freed (or any frame inside such a block).
 *
 * Return: the frame's host memory (4 KiB; from the first frame of a block,
 * the whole block, contiguous), or NULL for any other address.
 */
uint8_t *pm_frame_host(struct pm_space *pm, uint64_t pa)
{
	struct pm_slot *s;

	if (pa & PM_FRAME_MASK)
		return NULL;
	s = slot_find(pm, pa >> PM_FRAME_SHIFT);
	return s && (s->key & PM_SLOT_TABLE) ? s->data : NULL;
}

static uint64_t freelist_bytes(const struct pm_space *pm)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o <= PM_FRAME_ORDER_MAX; o++)
		n += pm->free[o].cap * sizeof(uint64_t);
	return n;
}

/**
 * pm_get_stats() - the space's accounting.
 * @pm: the space.
 * @st: filled in.
 */
void pm_get_stats(const struct pm_space *pm, struct pm_stats *st)
{
	st->ram_frames = pm->used;
	st->table_frames = pm->table_frames;
	st->table_frames_peak = pm->table_frames_peak;
	st->data_bytes = pm->used * PM_FRAME_SIZE;
	st->overhead_bytes = sizeof(*pm) + pm->cap * sizeof(struct pm_slot) +
			     freelist_bytes(pm) +
			     pm->region_cap * sizeof(struct pm_region);
	st->regions = pm->nregions;
}

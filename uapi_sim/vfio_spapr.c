// SPDX-License-Identifier: MIT
/*
 * vfio_spapr.c - the legacy VFIO container (/dev/vfio/vfio) with the
 * sPAPR TCE v2 IOMMU driver, and the group files (/dev/vfio/<group>) of
 * the IBM POWER PHB's devices: what QEMU's sPAPR machine and DPDK use on
 * a POWER host. Rules and errnos follow torvalds/linux
 * drivers/vfio/container.c (the container), drivers/vfio/group.c (the
 * group file), drivers/vfio/vfio_iommu_spapr_tce.c (the IOMMU driver),
 * arch/powerpc/mm/book3s64/iommu_api.c (preregistered memory) and
 * arch/powerpc/platforms/powernv/pci-ioda.c (tables and windows);
 * docs/vfio_spapr.md lists them and the choices made where they say
 * nothing or could not be followed.
 *
 * The IOMMU driver's state (tables, preregistered memory, mm) exists
 * from VFIO_SET_IOMMU until the last group leaves the container, as the
 * kernel opens and releases its driver data. Every TCE is written with
 * tce_table_xchg (hw/ppc_tce/driver.h), one per IO page, as the kernel's
 * tce_iommu_build_v2 does, and every window is programmed into the PE
 * of every group in the container.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc_tce/regs.h"
#include "hw/ppc_tce/structs.h"
#include "iofd_private.h"
#include "vfio_spapr.h"

#define SPAPR_TABLES 2 /* IOMMU_TABLE_GROUP_MAX_TABLES */
#define SPAPR_MAX_LEVELS 5 /* POWERNV_IOMMU_MAX_LEVELS */
/* A POWER kernel pins ordinary memory in 64 KiB pages: the largest TCE
 * page preregistered memory can back without hugetlbfs (iommu_api.c). */
#define SPAPR_HOST_PAGE_SHIFT 16
#define SPAPR_PAGE_SHIFT 12 /* the simulated kernel's PAGE_SHIFT */
#define SPAPR_CHUNK 512 /* user addresses kept per block, as a TCE level */
#define SPAPR_NAME_MAX 4096 /* strndup_user(arg, PAGE_SIZE) */

/* Preregistered memory (the kernel's mm_iommu_table_group_mem_t). */
struct spapr_mem {
	struct spapr_mem *next;
	uint64_t ua, size;
	unsigned int pageshift; /* largest IO page it can back */
	struct iofd_pages *pg; /* pinned from registration to release */
	uint64_t mapped; /* TCEs pointing into it */
};

/* The user address behind each TCE of SPAPR_CHUNK entries (the kernel's
 * it_userspace): which region a TCE uses when it is cleared. */
struct spapr_ua {
	struct iopt_area node; /* [first entry, last entry] */
	unsigned int used;
	uint64_t ua[SPAPR_CHUNK];
};

struct spapr_table {
	struct tce_table *tbl;
	uint64_t charged; /* pages of locked memory for the table */
	struct iopt uas; /* struct spapr_ua by entry */
};

struct vfio_spapr_container {
	struct iofd_sys *sys;
	struct iofd_ctx *ictx; /* user memory, pins and their account */
	bool fd_open;
	struct vfio_spapr_group *groups; /* set to this container */
	bool iommu_set; /* VFIO_SET_IOMMU done: the driver's state below */
	unsigned int nattached; /* groups in the driver's list */
	bool enabled; /* v2: set by the first registration */
	bool def_window_pending;
	bool has_mm;
	void *mm; /* the process that set it (uaccess mm_get), held */
	struct spapr_table *tables[SPAPR_TABLES];
	struct spapr_mem *mems;
};

struct vfio_spapr_group {
	struct iofd_sys *sys;
	struct iofd_hwgroup *hw;
	unsigned int index, dev;
	uint32_t pe;
	struct iofd_uaccess ua;
	vfio_spapr_resolve_fn resolve;
	void *resolve_ctx;
	struct vfio_spapr_container *container;
	struct vfio_spapr_group *next; /* in the container's list */
	bool attached; /* in the IOMMU driver's list */
};

static uint64_t tbl_entries(const struct tce_table *t)
{
	return t->size >> t->page_shift;
}

static uint64_t tbl_first(const struct tce_table *t)
{
	return t->bus_base >> t->page_shift;
}

/* account_locked_vm(): the container's process account (RLIMIT_MEMLOCK
 * in pages; UINT64_MAX is CAP_IPC_LOCK). */
static int account(struct vfio_spapr_container *c, uint64_t npages, bool inc)
{
	struct iofd_ctx *ictx = c->ictx;
	uint64_t limit = ictx->ua.memlock_limit >> SPAPR_PAGE_SHIFT;

	if (!inc) {
		ictx->pinned_pages -= npages;
		return 0;
	}
	if (ictx->ua.memlock_limit != UINT64_MAX &&
	    (ictx->pinned_pages > limit || npages > limit - ictx->pinned_pages))
		return -ENOMEM;
	ictx->pinned_pages += npages;
	return 0;
}

/* --- the mm: one process drives a container (tce_iommu_mm_set) --- */

static bool same_mm(struct vfio_spapr_container *c)
{
	struct iofd_uaccess *ua = &c->ictx->ua;
	void *m;

	if (!ua->mm_get)
		return true; /* in process: one address space */
	m = ua->mm_get(ua->ctx);
	if (m)
		ua->mm_put(m);
	return m == c->mm;
}

static int mm_set(struct vfio_spapr_container *c)
{
	struct iofd_uaccess *ua = &c->ictx->ua;

	if (c->has_mm)
		return same_mm(c) ? 0 : -EPERM;
	c->has_mm = true;
	c->mm = ua->mm_get ? ua->mm_get(ua->ctx) : NULL;
	return 0;
}

/* --- preregistered memory (iommu_api.c) --- */

static struct spapr_mem *mem_lookup(struct vfio_spapr_container *c, uint64_t ua,
				    uint64_t size)
{
	for (struct spapr_mem *m = c->mems; m; m = m->next)
		if (m->ua <= ua && size <= m->size &&
		    ua - m->ua <= m->size - size)
			return m;
	return NULL;
}

/* mm_iommu_ua_to_hpa(): the physical address of @ua for an IO page of
 * @shift, -EFAULT when the region cannot back such a page. */
static int mem_ua_to_hpa(const struct spapr_mem *m, uint64_t ua,
			 unsigned int shift, uint64_t *hpa)
{
	if (ua - m->ua >= m->size || shift > m->pageshift)
		return -EFAULT;
	*hpa = iofd_pages_pa(m->pg, ua);
	return 0;
}

/* The largest IO page a region can back: its natural alignment, at most
 * the host page (mm_iommu_do_alloc; hugetlbfs, which allows more, is not
 * modelled). */
static unsigned int mem_pageshift(uint64_t ua, uint64_t size)
{
	unsigned int s = (unsigned int)__builtin_ctzll(ua | size);

	return s < SPAPR_HOST_PAGE_SHIFT ? s : SPAPR_HOST_PAGE_SHIFT;
}

static void mem_free(struct vfio_spapr_container *c, struct spapr_mem *m)
{
	struct spapr_mem **pp = &c->mems;

	while (*pp != m)
		pp = &(*pp)->next;
	*pp = m->next;
	iofd_pages_unpin(m->pg);
	iofd_pages_put(m->pg);
	free(m);
}

/*
 * tce_iommu_register_pages() with mm_iommu_new(): pinned and charged at
 * once (FOLL_WRITE: the memory must be writable). The kernel keeps the
 * list per process; here it is per container (docs/vfio_spapr.md).
 */
static int register_pages(struct vfio_spapr_container *c, uint64_t ua,
			  uint64_t size)
{
	struct spapr_mem *m;
	int ret;

	if ((ua | size) & (IOFD_PAGE_SIZE - 1) || ua + size < ua)
		return -EINVAL;
	if (!size)
		return -ENOMEM; /* the kernel's vzalloc(0) of the page array */
	for (m = c->mems; m; m = m->next) {
		if (m->ua == ua && m->size == size)
			return -EBUSY;
		if (m->ua < ua + size && ua < m->ua + m->size)
			return -EINVAL; /* overlaps another region */
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	ret = iofd_pages_get(c->ictx, ua, size, true, &m->pg);
	if (!ret) {
		ret = iofd_pages_pin(m->pg);
		if (ret)
			iofd_pages_put(m->pg);
	}
	if (ret) {
		free(m);
		return ret == -ENOSPC ? -ENOMEM : ret;
	}
	m->ua = ua;
	m->size = size;
	m->pageshift = mem_pageshift(ua, size);
	m->next = c->mems;
	c->mems = m;
	c->enabled = true;
	return 0;
}

/*
 * tce_iommu_unregister_pages(). A region TCEs still use is EBUSY and
 * stays registered: the kernel's mm_iommu_put says EBUSY too, but its
 * caller drops that and forgets the region, which then stays pinned
 * until the process exits (docs/vfio_spapr.md).
 */
static int unregister_pages(struct vfio_spapr_container *c, uint64_t ua,
			    uint64_t size)
{
	struct spapr_mem *m;

	if ((ua | size) & (IOFD_PAGE_SIZE - 1))
		return -EINVAL;
	for (m = c->mems; m; m = m->next)
		if (m->ua == ua && m->size == size)
			break;
	if (!m)
		return -ENOENT;
	if (m->mapped)
		return -EBUSY;
	mem_free(c, m);
	return 0;
}

/* --- TCEs (tce_iommu_build_v2 / tce_iommu_clear) --- */

/* The block of user addresses holding @entry, made when missing. */
static struct spapr_ua *ua_block(struct spapr_table *t, uint64_t entry)
{
	uint64_t first = entry - entry % SPAPR_CHUNK;
	struct iopt_area *n = iopt_first_at_or_after(&t->uas, entry);
	struct spapr_ua *b;

	if (n && n->iova <= entry)
		return (struct spapr_ua *)n;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->node.iova = first;
	b->node.last = first + SPAPR_CHUNK - 1;
	iopt_insert(&t->uas, &b->node);
	return b;
}

/* tce_iommu_unuse_page_v2(): the region the TCE at @entry used loses a
 * mapping and the entry forgets its user address. */
static void forget_ua(struct vfio_spapr_container *c, struct spapr_table *t,
		      struct spapr_ua *b, uint64_t entry)
{
	uint64_t *ua = &b->ua[entry % SPAPR_CHUNK];
	struct spapr_mem *m = mem_lookup(c, *ua, 1ULL << t->tbl->page_shift);

	if (m && m->mapped)
		m->mapped--;
	*ua = 0;
	b->used--;
}

static void drop_if_empty(struct spapr_table *t, struct spapr_ua *b)
{
	if (b->used)
		return;
	iopt_remove(&t->uas, &b->node);
	free(b);
}

/* tce_iommu_clear(): [entry, entry + pages) emptied; only entries with
 * a user address were ever written, so only blocks that exist are
 * visited (the kernel skips missing levels the same way). */
static void clear_tces(struct vfio_spapr_container *c, struct spapr_table *t,
		       uint64_t entry, uint64_t pages)
{
	uint64_t last = entry + pages - 1;
	struct iopt_area *n, *next;

	if (!pages)
		return;
	for (n = iopt_first_at_or_after(&t->uas, entry); n && n->iova <= last;
	     n = next) {
		struct spapr_ua *b = (struct spapr_ua *)n;
		uint64_t lo = n->iova > entry ? n->iova : entry;
		uint64_t hi = n->last < last ? n->last : last;

		next = n->last >= last ? NULL : iopt_next(&t->uas, n);
		for (uint64_t e = lo; e <= hi; e++) {
			uint64_t tce = 0;

			if (!b->ua[e % SPAPR_CHUNK] ||
			    tce_table_xchg(t->tbl, e << t->tbl->page_shift,
					   &tce))
				continue;
			if (tce & TCE_PCI_RW)
				forget_ua(c, t, b, e);
		}
		drop_if_empty(t, b);
	}
}

/* One TCE: @tce in, the old one out; the old one's region loses it. */
static int put_tce(struct vfio_spapr_container *c, struct spapr_table *t,
		   uint64_t entry, uint64_t ua, uint64_t tce)
{
	struct spapr_ua *b = ua_block(t, entry);
	int ret;

	if (!b)
		return -ENOMEM;
	ret = tce_table_xchg(t->tbl, entry << t->tbl->page_shift, &tce);
	if (ret) {
		drop_if_empty(t, b);
		return ret;
	}
	/* it replaced a mapping: that one is gone (the kernel's v2 MAP
	 * overwrites without asking) */
	if ((tce & TCE_PCI_RW) && b->ua[entry % SPAPR_CHUNK])
		forget_ua(c, t, b, entry);
	b->ua[entry % SPAPR_CHUNK] = ua;
	b->used++;
	return 0;
}

/*
 * tce_iommu_build_v2(): @pages TCEs from @entry for user memory from @ua
 * (preregistered), undone on failure. The kernel does not check the
 * window's end here (it indexes past its table); iommusim stops there
 * with EINVAL.
 */
static int build_tces(struct vfio_spapr_container *c, struct spapr_table *t,
		      uint64_t entry, uint64_t ua, uint64_t pages,
		      uint64_t perm)
{
	unsigned int shift = t->tbl->page_shift;
	uint64_t end = tbl_first(t->tbl) + tbl_entries(t->tbl), i;
	int ret = 0;

	for (i = 0; i < pages; i++, ua += 1ULL << shift) {
		struct spapr_mem *m = mem_lookup(c, ua, 1ULL << shift);
		uint64_t hpa;

		if (!m || mem_ua_to_hpa(m, ua, shift, &hpa)) {
			ret = -EINVAL;
			break;
		}
		if (entry + i >= end) {
			ret = -EINVAL;
			break;
		}
		m->mapped++;
		ret = put_tce(c, t, entry + i, ua, hpa | perm);
		if (ret) {
			m->mapped--;
			break;
		}
	}
	if (ret)
		clear_tces(c, t, entry, i);
	return ret;
}

/* --- windows (tce_iommu_create_window and the PowerNV callbacks) --- */

/* pnv_pci_ioda2_get_table_size(): bytes of all levels, 0 when the
 * geometry is refused (the kernel's PAGE_SHIFT is this kernel's). */
static uint64_t table_size(unsigned int page_shift, uint64_t window_size,
			   unsigned int levels)
{
	unsigned int wshift, eshift, lshift;
	uint64_t bytes = 0, tsize, dsize;

	if (!levels || levels > SPAPR_MAX_LEVELS || !window_size ||
	    (window_size & (window_size - 1)))
		return 0;
	wshift = (unsigned int)__builtin_ctzll(window_size);
	if (wshift < page_shift || wshift - page_shift + 3 >= 64)
		return 0;
	eshift = wshift - page_shift;
	tsize = eshift + 3 > 12 ? 1ULL << (eshift + 3) : 4096;
	lshift = (eshift + levels - 1) / levels + 3;
	if (lshift < SPAPR_PAGE_SHIFT)
		lshift = SPAPR_PAGE_SHIFT;
	dsize = 1ULL << lshift;
	for (; levels; levels--) {
		bytes += (tsize + dsize - 1) & ~(dsize - 1);
		tsize = tsize / dsize * 8;
		if (tsize < dsize)
			tsize = dsize;
	}
	return bytes;
}

static int find_table(struct vfio_spapr_container *c, uint64_t ioba)
{
	for (int i = 0; i < SPAPR_TABLES; i++) {
		struct spapr_table *t = c->tables[i];
		uint64_t entry;

		if (!t)
			continue;
		entry = ioba >> t->tbl->page_shift;
		if (entry >= tbl_first(t->tbl) &&
		    entry - tbl_first(t->tbl) < tbl_entries(t->tbl))
			return i;
	}
	return -1;
}

static void free_table(struct vfio_spapr_container *c, struct spapr_table *t)
{
	clear_tces(c, t, tbl_first(t->tbl), tbl_entries(t->tbl));
	tce_table_free(t->tbl);
	account(c, t->charged, false);
	free(t);
}

/* Window @num of every group's PE; on failure none of them has it. */
static int set_window_all(struct vfio_spapr_container *c, int num,
			  struct spapr_table *t)
{
	struct vfio_spapr_group *g;
	int ret = 0;

	for (g = c->groups; g && !ret; g = g->next)
		if (g->attached)
			ret = tce_drv_attach(c->sys->tce_drv, g->pe,
					     (unsigned int)num, t->tbl);
	if (ret)
		for (g = c->groups; g; g = g->next)
			if (g->attached)
				tce_drv_detach(c->sys->tce_drv, g->pe,
					       (unsigned int)num);
	return ret;
}

/*
 * tce_iommu_create_window(): the first free slot; window 0 starts at
 * the 32-bit window's bus address, window 1 at 1 << 59 (the platform's
 * create_table). The table's whole size is charged first.
 */
static int create_window(struct vfio_spapr_container *c,
			 unsigned int page_shift, uint64_t window_size,
			 unsigned int levels, uint64_t *start)
{
	struct spapr_table *t;
	uint64_t bytes, base;
	int num, ret;

	for (num = 0; num < SPAPR_TABLES && c->tables[num]; num++)
		;
	if (num == SPAPR_TABLES)
		return -ENOSPC;
	if (page_shift >= 64 ||
	    !(tce_drv_pgsizes(c->sys->tce_drv) & (1ULL << page_shift)))
		return -EINVAL;
	bytes = table_size(page_shift, window_size, levels);
	if (!bytes)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->charged = bytes >> SPAPR_PAGE_SHIFT;
	ret = account(c, t->charged, true);
	if (ret) {
		free(t);
		return ret;
	}
	base = num ? TCE_WIN1_BASE : c->sys->tce_win[0].start;
	ret = tce_table_create(c->sys->tce_drv, base, window_size, page_shift,
			       levels, &t->tbl);
	if (!ret) {
		ret = set_window_all(c, num, t);
		if (ret)
			tce_table_free(t->tbl);
	}
	if (ret) {
		/* the kernel keeps the charge when create_table fails */
		account(c, t->charged, false);
		free(t);
		return ret;
	}
	c->tables[num] = t;
	*start = base;
	return 0;
}

/* tce_iommu_remove_window(): any address inside names the window. */
static int remove_window(struct vfio_spapr_container *c, uint64_t start)
{
	int num = find_table(c, start);
	struct spapr_table *t;

	if (num < 0)
		return -EINVAL;
	t = c->tables[num];
	clear_tces(c, t, tbl_first(t->tbl), tbl_entries(t->tbl));
	for (struct vfio_spapr_group *g = c->groups; g; g = g->next)
		if (g->attached)
			tce_drv_detach(c->sys->tce_drv, g->pe,
				       (unsigned int)num);
	free_table(c, t);
	c->tables[num] = NULL;
	return 0;
}

/* tce_iommu_create_default_window(): 4 KiB pages, one level, the size
 * of the platform's 32-bit window, made on first use. */
static int default_window(struct vfio_spapr_container *c)
{
	uint64_t start;
	int ret;

	if (!c->def_window_pending)
		return 0;
	if (!c->nattached)
		return -ENODEV;
	ret = create_window(c, 12, c->sys->tce_win[0].size, 1, &start);
	if (!ret)
		c->def_window_pending = false;
	return ret;
}

/* --- groups in the IOMMU driver (tce_iommu_attach/detach_group) --- */

static int tce_attach(struct vfio_spapr_container *c,
		      struct vfio_spapr_group *g)
{
	int ret = 0;

	if (g->attached)
		return -EBUSY;
	/* take_ownership: every existing window into the new PE */
	for (int i = 0; i < SPAPR_TABLES && !ret; i++)
		if (c->tables[i])
			ret = tce_drv_attach(c->sys->tce_drv, g->pe,
					     (unsigned int)i,
					     c->tables[i]->tbl);
	if (!c->nattached && !c->tables[0])
		c->def_window_pending = true;
	if (ret) {
		for (unsigned int i = 0; i < SPAPR_TABLES; i++)
			tce_drv_detach(c->sys->tce_drv, g->pe, i);
		return ret;
	}
	g->attached = true;
	c->nattached++;
	return 0;
}

/* release_ownership as of "vfio/spapr: Always clear TCEs before
 * unsetting the window": every window is emptied, then unset. */
static void tce_detach(struct vfio_spapr_container *c,
		       struct vfio_spapr_group *g)
{
	if (!g->attached)
		return;
	g->attached = false;
	c->nattached--;
	for (int i = 0; i < SPAPR_TABLES; i++) {
		struct spapr_table *t = c->tables[i];

		if (!t)
			continue;
		clear_tces(c, t, tbl_first(t->tbl), tbl_entries(t->tbl));
		tce_drv_detach(c->sys->tce_drv, g->pe, (unsigned int)i);
	}
}

/* tce_iommu_release(): tables, registered memory and the mm go. */
static void tce_release(struct vfio_spapr_container *c)
{
	struct iofd_uaccess *ua = &c->ictx->ua;

	for (struct vfio_spapr_group *g = c->groups; g; g = g->next)
		tce_detach(c, g);
	for (int i = 0; i < SPAPR_TABLES; i++)
		if (c->tables[i])
			free_table(c, c->tables[i]);
	while (c->mems)
		mem_free(c, c->mems);
	if (c->mm)
		ua->mm_put(c->mm);
	c->iommu_set = false;
	c->nattached = 0;
	c->enabled = c->def_window_pending = c->has_mm = false;
	c->mm = NULL;
	memset(c->tables, 0, sizeof(c->tables));
}

/* --- the IOMMU driver's ioctls (tce_iommu_ioctl, v2) --- */

static int get_info(struct vfio_spapr_container *c, uint64_t arg)
{
	const size_t minsz = offsetof(struct vfio_iommu_spapr_tce_info, ddw);
	struct vfio_iommu_spapr_tce_info info;

	if (!c->nattached)
		return -ENXIO;
	if (iofd_uread(c->ictx, arg, &info, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.dma32_window_start = (uint32_t)c->sys->tce_win[0].start;
	info.dma32_window_size = (uint32_t)c->sys->tce_win[0].size;
	info.flags = VFIO_IOMMU_SPAPR_INFO_DDW;
	info.ddw.pgsizes = tce_drv_pgsizes(c->sys->tce_drv);
	info.ddw.max_dynamic_windows_supported = SPAPR_TABLES;
	info.ddw.levels = SPAPR_MAX_LEVELS;
	return iofd_uwrite(c->ictx, arg, &info,
			   info.argsz >= sizeof(info) ? sizeof(info) : minsz) ?
		       -EFAULT :
		       0;
}

/* VFIO_DMA_MAP_FLAG_READ: the device reads memory (DMA_TO_DEVICE). */
static uint64_t tce_perm(uint32_t flags)
{
	return (flags & VFIO_DMA_MAP_FLAG_READ ? TCE_PCI_READ : 0) |
	       (flags & VFIO_DMA_MAP_FLAG_WRITE ? TCE_PCI_WRITE : 0);
}

/* MAP and UNMAP: the pending default window made, then the window
 * holding @iova (ENXIO for none). */
static int window_of(struct vfio_spapr_container *c, uint64_t iova,
		     struct spapr_table **t)
{
	int ret = default_window(c), num;

	if (ret)
		return ret;
	num = find_table(c, iova);
	if (num < 0)
		return -ENXIO;
	*t = c->tables[num];
	return 0;
}

static int map_dma(struct vfio_spapr_container *c, uint64_t arg)
{
	struct vfio_iommu_type1_dma_map p;
	struct spapr_table *t;
	uint64_t mask;
	int ret;

	if (!c->enabled)
		return -EPERM;
	if (iofd_uread(c->ictx, arg, &p, sizeof(p)))
		return -EFAULT;
	if (p.argsz < sizeof(p) ||
	    (p.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)))
		return -EINVAL;
	ret = window_of(c, p.iova, &t);
	if (ret)
		return ret;
	mask = (1ULL << t->tbl->page_shift) - 1;
	if ((p.size & mask) || (p.vaddr & mask) || !tce_perm(p.flags))
		return -EINVAL;
	/* iommu_tce_put_param_check() is a macro of ||: it yields 1, and
	 * the kernel returns that 1 as the ioctl's result */
	if (p.iova & mask)
		return 1;
	return build_tces(c, t, p.iova >> t->tbl->page_shift, p.vaddr,
			  p.size >> t->tbl->page_shift, tce_perm(p.flags));
}

static int unmap_dma(struct vfio_spapr_container *c, uint64_t arg)
{
	const size_t minsz = sizeof(struct vfio_iommu_type1_dma_unmap);
	struct vfio_iommu_type1_dma_unmap p;
	struct spapr_table *t;
	uint64_t mask, entry, pages;
	int ret;

	if (!c->enabled)
		return -EPERM;
	if (iofd_uread(c->ictx, arg, &p, minsz))
		return -EFAULT;
	if (p.argsz < minsz || p.flags)
		return -EINVAL;
	ret = window_of(c, p.iova, &t);
	if (ret)
		return ret;
	mask = (1ULL << t->tbl->page_shift) - 1;
	if (p.size & mask)
		return -EINVAL;
	entry = p.iova >> t->tbl->page_shift;
	pages = p.size >> t->tbl->page_shift;
	/* iommu_tce_clear_param_check(): 1 as above */
	if ((p.iova & mask) ||
	    entry + pages > tbl_first(t->tbl) + tbl_entries(t->tbl))
		return 1;
	clear_tces(c, t, entry, pages);
	return 0;
}

static int reg_mem(struct vfio_spapr_container *c, uint64_t arg, bool reg)
{
	struct vfio_iommu_spapr_register_memory p;
	int ret = reg ? mm_set(c) : c->has_mm ? 0 : -EPERM;

	if (ret)
		return ret;
	if (iofd_uread(c->ictx, arg, &p, sizeof(p)))
		return -EFAULT;
	if (p.argsz < sizeof(p) || p.flags)
		return -EINVAL;
	return reg ? register_pages(c, p.vaddr, p.size) :
		     unregister_pages(c, p.vaddr, p.size);
}

/* What CREATE and REMOVE check first: the mm, a group, then their
 * struct (@len bytes, argsz and flags leading it as in every VFIO one). */
static int window_args(struct vfio_spapr_container *c, uint64_t arg, void *buf,
		       uint32_t len)
{
	uint32_t head[2];
	int ret = mm_set(c);

	if (ret)
		return ret;
	if (!c->nattached)
		return -ENXIO;
	if (iofd_uread(c->ictx, arg, buf, len))
		return -EFAULT;
	memcpy(head, buf, sizeof(head));
	return head[0] < len || head[1] ? -EINVAL : 0;
}

static int tce_create(struct vfio_spapr_container *c, uint64_t arg)
{
	struct vfio_iommu_spapr_tce_create cr;
	int ret = window_args(c, arg, &cr, sizeof(cr));

	if (!ret)
		ret = default_window(c);
	if (!ret)
		ret = create_window(c, cr.page_shift, cr.window_size, cr.levels,
				    &cr.start_addr);
	/* as the kernel: the window stays when the answer cannot be
	 * written */
	if (!ret && iofd_uwrite(c->ictx, arg, &cr, sizeof(cr)))
		ret = -EFAULT;
	return ret;
}

static int tce_remove(struct vfio_spapr_container *c, uint64_t arg)
{
	struct vfio_iommu_spapr_tce_remove rm;
	int ret = window_args(c, arg, &rm, sizeof(rm));

	if (ret)
		return ret;
	if (c->def_window_pending && !rm.start_addr) {
		c->def_window_pending = false; /* the user does without it */
		return 0;
	}
	return remove_window(c, rm.start_addr);
}

static int tce_ioctl(struct vfio_spapr_container *c, unsigned long cmd,
		     uint64_t arg)
{
	if (c->has_mm && !same_mm(c))
		return -EPERM;
	switch (cmd) {
	case VFIO_IOMMU_SPAPR_TCE_GET_INFO:
		return get_info(c, arg);
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(c, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(c, arg);
	case VFIO_IOMMU_SPAPR_REGISTER_MEMORY:
	case VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY:
		return reg_mem(c, arg, cmd == VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
	case VFIO_IOMMU_SPAPR_TCE_CREATE:
		return tce_create(c, arg);
	case VFIO_IOMMU_SPAPR_TCE_REMOVE:
		return tce_remove(c, arg);
	case VFIO_EEH_PE_OP:
		return -ENODEV; /* EEH is off: no PE has EEH state */
	default: /* ENABLE and DISABLE are v1's */
		return -ENOTTY;
	}
}

/* --- the container (container.c) --- */

/* VFIO_SPAPR_TCE_IOMMU (v1) is not offered: docs/vfio_spapr.md. */
static int check_extension(uint64_t arg)
{
	return arg == VFIO_SPAPR_TCE_v2_IOMMU ? 1 : 0;
}

static int set_iommu(struct vfio_spapr_container *c, uint64_t arg)
{
	struct vfio_spapr_group *g;
	int ret = 0;

	if (!c->groups || c->iommu_set)
		return -EINVAL;
	if (!check_extension(arg))
		return -ENODEV; /* no driver answered the type */
	c->iommu_set = true;
	for (g = c->groups; g && !ret; g = g->next)
		ret = tce_attach(c, g);
	if (ret)
		tce_release(c);
	return ret;
}

/**
 * vfio_spapr_container_open() - a new container (opening /dev/vfio/vfio).
 * @sys: the machine; it must outlive the container.
 * @ua: how to reach the opener's memory (NULL: this process).
 * @out: the container.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_spapr_container_open(struct iofd_sys *sys,
			      const struct iofd_uaccess *ua,
			      struct vfio_spapr_container **out)
{
	struct vfio_spapr_container *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	ret = iommufd_sim_open_sys(sys, ua, &c->ictx);
	if (ret) {
		free(c);
		return ret;
	}
	/* locked_vm of the process, not of the user (account_locked_vm) */
	c->ictx->rlimit_mode = 1;
	c->sys = sys;
	c->fd_open = true;
	*out = c;
	return 0;
}

static void container_put(struct vfio_spapr_container *c)
{
	if (c->fd_open || c->groups)
		return;
	iommufd_sim_close(c->ictx);
	free(c);
}

/**
 * vfio_spapr_container_close() - the container's file is closed. As in
 * the kernel, groups still set to it keep it (and its mappings) alive;
 * the last of them to leave frees it.
 * @c: the container.
 */
void vfio_spapr_container_close(struct vfio_spapr_container *c)
{
	c->fd_open = false;
	container_put(c);
}

/**
 * vfio_spapr_container_ioctl() - one ioctl on the container.
 * @c: the container.
 * @cmd: the command.
 * @arg: its argument (a user pointer, or a number).
 *
 * Return: as the kernel's vfio_fops_unl_ioctl: a result >= 0 or -errno.
 */
int vfio_spapr_container_ioctl(struct vfio_spapr_container *c,
			       unsigned long cmd, uint64_t arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(arg);
	case VFIO_SET_IOMMU:
		return set_iommu(c, arg);
	default:
		return c->iommu_set ? tce_ioctl(c, cmd, arg) : -EINVAL;
	}
}

/** vfio_spapr_container_pinned() - pages charged to @c (registered
 * memory and tables). */
uint64_t vfio_spapr_container_pinned(const struct vfio_spapr_container *c)
{
	return c->ictx->pinned_pages;
}

/* --- groups (group.c) --- */

/**
 * vfio_spapr_group_is_ppc() - whether IOMMU group @group of @sys is one
 * of the PHB's (a group file exists for it).
 * @sys: the machine.
 * @group: the group's index in the machine.
 *
 * Return: its device's index, or -ENODEV.
 */
int vfio_spapr_group_is_ppc(const struct iofd_sys *sys, unsigned int group)
{
	if (!sys->phb || group >= sys->ngroups)
		return -ENODEV;
	for (unsigned int i = 0; i < sys->ndevs; i++)
		if (sys->devs[i].group == group)
			return sys->devs[i].unit == sys->phb ? (int)i : -ENODEV;
	return -ENODEV;
}

/**
 * vfio_spapr_group_open() - open a group file (vfio_group_fops_open):
 * one open at a time, and not while a device of it is bound to an
 * iommufd (the kernel's cdev_device_open_cnt); while open, the group's
 * devices cannot be bound (EBUSY in iofd_device_bind).
 * @sys: the machine.
 * @group: the group's index.
 * @ua: how to reach the opener's memory (NULL: this process).
 * @resolve: VFIO_GROUP_SET_CONTAINER's descriptor lookup (NULL: every
 *           descriptor is EBADF).
 * @resolve_ctx: for @resolve.
 * @out: the group.
 *
 * Return: 0, -ENODEV (not a PHB group), -EBUSY or -ENOMEM.
 */
int vfio_spapr_group_open(struct iofd_sys *sys, unsigned int group,
			  const struct iofd_uaccess *ua,
			  vfio_spapr_resolve_fn resolve, void *resolve_ctx,
			  struct vfio_spapr_group **out)
{
	int dev = vfio_spapr_group_is_ppc(sys, group);
	struct vfio_spapr_group *g;

	if (dev < 0)
		return dev;
	if (sys->groups[group].spapr || sys->groups[group].owner)
		return -EBUSY;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	if (ua)
		g->ua = *ua;
	else
		iommufd_sim_self_uaccess(&g->ua);
	g->sys = sys;
	g->hw = &sys->groups[group];
	g->index = group;
	g->dev = (unsigned int)dev;
	g->pe = sys->devs[dev].pe;
	g->resolve = resolve;
	g->resolve_ctx = resolve_ctx;
	g->hw->spapr = g;
	*out = g;
	return 0;
}

/* vfio_container_attach_group() */
static int attach_container(struct vfio_spapr_container *c,
			    struct vfio_spapr_group *g)
{
	int ret;

	if (g->hw->owner) /* iommu_group_claim_dma_owner() */
		return -EPERM;
	if (c->iommu_set) {
		ret = tce_attach(c, g);
		if (ret)
			return ret;
	}
	g->container = c;
	g->next = c->groups;
	c->groups = g;
	return 0;
}

/* vfio_group_detach_container(): the last group out releases the
 * driver; a closed container goes with it. */
static void detach_container(struct vfio_spapr_group *g)
{
	struct vfio_spapr_container *c = g->container;
	struct vfio_spapr_group **pp = &c->groups;

	if (c->iommu_set)
		tce_detach(c, g);
	while (*pp != g)
		pp = &(*pp)->next;
	*pp = g->next;
	g->container = NULL;
	g->next = NULL;
	if (c->iommu_set && !c->groups)
		tce_release(c);
	container_put(c);
}

/**
 * vfio_spapr_group_set_container() - VFIO_GROUP_SET_CONTAINER once the
 * descriptor is known.
 * @g: the group.
 * @c: the container the descriptor is, or NULL when it is another file.
 *
 * Return: 0, -EINVAL (already set), -EBADFD (@c NULL), or the IOMMU
 * driver's error when the container's IOMMU is set.
 */
int vfio_spapr_group_set_container(struct vfio_spapr_group *g,
				   struct vfio_spapr_container *c)
{
	if (g->container)
		return -EINVAL;
	if (!c)
		return -EBADFD;
	return attach_container(c, g);
}

static int get_status(struct vfio_spapr_group *g, uint64_t arg)
{
	struct vfio_group_status st;

	if (g->ua.read(g->ua.ctx, arg, &st, sizeof(st)))
		return -EFAULT;
	if (st.argsz < sizeof(st))
		return -EINVAL;
	st.flags = g->container ? VFIO_GROUP_FLAGS_CONTAINER_SET |
					  VFIO_GROUP_FLAGS_VIABLE :
		   g->hw->owner ? 0 :
				  VFIO_GROUP_FLAGS_VIABLE;
	return g->ua.write(g->ua.ctx, arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static int set_container(struct vfio_spapr_group *g, uint64_t arg)
{
	struct vfio_spapr_container *c = NULL;
	int32_t fd;
	int ret;

	if (g->ua.read(g->ua.ctx, arg, &fd, sizeof(fd)))
		return -EFAULT;
	ret = g->resolve ? g->resolve(g->resolve_ctx, fd, &c) : -EBADF;
	return ret ? ret : vfio_spapr_group_set_container(g, c);
}

/*
 * VFIO_GROUP_GET_DEVICE_FD: the name is checked as the kernel checks it
 * (strndup_user, then the PCI name of the group's device, then a
 * container with an IOMMU), but no descriptor can be made: EOPNOTSUPP
 * (docs/vfio_spapr.md).
 */
static int get_device_fd(struct vfio_spapr_group *g, uint64_t arg)
{
	char name[SPAPR_NAME_MAX], want[32];
	uint16_t rid = g->sys->devs[g->dev].rid;
	size_t n;

	for (n = 0; n < sizeof(name); n++) {
		if (g->ua.read(g->ua.ctx, arg + n, &name[n], 1))
			return -EFAULT;
		if (!name[n])
			break;
	}
	if (n == sizeof(name))
		return -EINVAL;
	snprintf(want, sizeof(want), "0000:%02x:%02x.%x", rid >> 8,
		 (rid >> 3) & 0x1f, rid & 7);
	if (strcmp(name, want))
		return -ENODEV;
	if (!g->container || !g->container->iommu_set)
		return -EINVAL;
	return -EOPNOTSUPP;
}

/**
 * vfio_spapr_group_ioctl() - one ioctl on a group file.
 * @g: the group.
 * @cmd: VFIO_GROUP_*.
 * @arg: its user pointer.
 *
 * Return: 0 or -errno as group.c's; -ENOTTY for other commands.
 */
int vfio_spapr_group_ioctl(struct vfio_spapr_group *g, unsigned long cmd,
			   uint64_t arg)
{
	switch (cmd) {
	case VFIO_GROUP_GET_STATUS:
		return get_status(g, arg);
	case VFIO_GROUP_SET_CONTAINER:
		return set_container(g, arg);
	case VFIO_GROUP_UNSET_CONTAINER:
		if (!g->container)
			return -EINVAL;
		detach_container(g);
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD:
		return get_device_fd(g, arg);
	default:
		return -ENOTTY;
	}
}

/** vfio_spapr_group_dev() - the machine index of @g's device (for DMA). */
int vfio_spapr_group_dev(const struct vfio_spapr_group *g)
{
	return (int)g->dev;
}

/**
 * vfio_spapr_group_close() - the group file is closed: it leaves its
 * container (vfio_group_fops_release) and its devices may be bound
 * again.
 * @g: the group.
 */
void vfio_spapr_group_close(struct vfio_spapr_group *g)
{
	if (g->container)
		detach_container(g);
	g->hw->spapr = NULL;
	free(g);
}

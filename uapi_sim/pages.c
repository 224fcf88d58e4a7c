// SPDX-License-Identifier: MIT
/*
 * pages.c - the user memory behind an IOAS's areas (the kernel's
 * iopt_pages, drivers/iommu/iommufd/pages.c): one object per mapped user
 * range, shared by every area made from it (COPY, VFIO's cut), and the
 * pinned window of physical memory through which DMA reaches it.
 *
 * Pinning (iofd_pages_pin) happens when an area enters a domain or an
 * access pins it: the kernel pins only then. The first pin of an object
 * checks the user range (uaccess pin op: EFAULT), charges its pages to
 * the context's RLIMIT_MODE account (the user's, shared by every context
 * of one uid, or the context's own; ENOMEM beyond memlock_limit; a limit
 * of UINT64_MAX, CAP_IPC_LOCK, counts but never refuses) and gives it a
 * piece of the window. One of 2 MiB or more is placed so that its
 * physical address and its user address agree modulo 2 MiB (as memory
 * backed by transparent huge pages would), which lets a domain use large
 * pages where the IOVA agrees too.
 *
 * The window is one physmem region whose accesses land here: the pinned
 * object covering the address forwards them to the client's memory
 * through the context's uaccess. Anything else in the window, including
 * the place of an object unpinned since, is a bus error, so DMA through a
 * stale translation cannot reach the client's memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iofd_private.h"

#define WINDOW_BASE (1ULL << 46)
#define WINDOW_SIZE (1ULL << 46)

/* All of @len at file offset @off, or -EFAULT (a short file). */
static int file_rw(int fd, uint64_t off, uint8_t *p, size_t len, bool write)
{
	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, (off_t)off) :
				    pread(fd, p, len, (off_t)off);

		if (n <= 0)
			return -EFAULT;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int window_access(struct iofd_sys *sys, uint64_t off, void *buf,
			 size_t len, bool write)
{
	uint64_t pa = WINDOW_BASE + off;
	uint8_t *p = buf;

	while (len) {
		struct iopt_area *n = iopt_first_at_or_after(&sys->pa_tree, pa);
		struct iofd_pages *pg = (struct iofd_pages *)n;
		uint64_t uva;
		size_t chunk;
		int ret;

		if (!n || n->iova > pa) /* only pinned objects are here */
			return -EFAULT;
		chunk = n->last - pa + 1 < len ? n->last - pa + 1 : len;
		uva = pg->uva_base + (pa - n->iova);
		ret = iofd_pages_rw(pg, uva, p, chunk, write);
		if (ret)
			return -EFAULT;
		p += chunk;
		pa += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * iofd_pages_rw() - bytes of @pg's memory: the file's (MAP_FILE), else
 * the process that mapped it (mm_rw), else the context's client.
 * @pg: the pages.
 * @uva: user address (a file offset for MAP_FILE) of the first byte.
 * @buf: the other side.
 * @len: bytes.
 * @write: into @pg's memory.
 *
 * Return: 0 or -EFAULT.
 */
int iofd_pages_rw(struct iofd_pages *pg, uint64_t uva, void *buf, size_t len,
		  bool write)
{
	struct iofd_uaccess *ua = &pg->ictx->ua;
	int ret;

	if (pg->file_fd >= 0)
		ret = file_rw(pg->file_fd, uva, buf, len, write);
	else if (pg->mm)
		ret = ua->mm_rw(pg->mm, uva, buf, len, write);
	else
		ret = write ? ua->write(ua->ctx, uva, buf, len) :
			      ua->read(ua->ctx, uva, buf, len);
	return ret ? -EFAULT : 0;
}

static int window_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	return window_access(ctx, off, buf, len, false);
}

static int window_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	return window_access(ctx, off, (void *)buf, len, true);
}

static const struct pm_region_ops window_ops = {
	.read = window_read,
	.write = window_write,
};

/** iofd_pages_window_init() - register the pinned window of @sys. */
int iofd_pages_window_init(struct iofd_sys *sys)
{
	return pm_region_add(sys->pm, WINDOW_BASE, WINDOW_SIZE, &window_ops,
			     sys, &sys->window_id);
}

/**
 * iofd_pages_get() - a pages object for [uva, uva + length) of @ictx's
 * client; it gets its place in the window when first pinned.
 * @ictx: the context whose client owns the memory.
 * @uva: first byte.
 * @length: bytes (> 0, no overflow: the caller checked).
 * @writable: whether any area may let devices write it.
 * @out: the object, one reference.
 *
 * Return: 0 or -ENOMEM.
 */
int iofd_pages_get(struct iofd_ctx *ictx, uint64_t uva, uint64_t length,
		   bool writable, struct iofd_pages **out)
{
	uint64_t base = uva & ~(IOFD_PAGE_SIZE - 1);
	struct iofd_pages *pg = calloc(1, sizeof(*pg));

	if (!pg)
		return -ENOMEM;
	pg->file_fd = -1;
	pg->uva_base = base;
	pg->span = ((uva + length - 1) | (IOFD_PAGE_SIZE - 1)) - base + 1;
	pg->writable = writable;
	pg->ictx = ictx;
	if (ictx->ua.mm_get)
		pg->mm = ictx->ua.mm_get(ictx->ua.ctx);
	pg->refs = 1;
	*out = pg;
	return 0;
}

/**
 * iofd_pages_get_file() - a pages object for bytes [start, start +
 * length) of the client's file @fd (kernel iopt_alloc_file_pages): the
 * file offset takes the user address's place, and the simulator holds
 * its own descriptor of the file for as long as the object lives.
 * @ictx: the context.
 * @fd: the client's descriptor.
 * @start: first byte in the file.
 * @length: bytes (> 0, no overflow).
 * @writable: whether any area may let devices write it.
 * @out: the object, one reference.
 *
 * A writable object needs the file open for writing: EPERM otherwise.
 * (v6.17 did not check; the later kernel fix "iommufd: Check the file is
 * writable" returns EPERM here, and a user would expect it.)
 *
 * Return: 0, -EBADF, -EPERM or -ENOMEM.
 */
int iofd_pages_get_file(struct iofd_ctx *ictx, int fd, uint64_t start,
			uint64_t length, bool writable, struct iofd_pages **out)
{
	struct iofd_uaccess *ua = &ictx->ua;
	int own = ua->get_file ? ua->get_file(ua->ctx, fd) : -EBADF;
	int ret;

	if (own < 0)
		return own == -EINVAL ? -EINVAL : -EBADF;
	if (writable && (fcntl(own, F_GETFL) & O_ACCMODE) == O_RDONLY) {
		close(own);
		return -EPERM;
	}
	ret = iofd_pages_get(ictx, start, length, writable, out);
	if (ret) {
		close(own);
		return ret;
	}
	(*out)->file_fd = own;
	return 0;
}

/* A place in the window for a pinned object: one of 2 MiB or more keeps
 * its user address's offset modulo 2 MiB, one of 64 KiB or more modulo
 * 64 KiB (so a 64 KiB TCE of a POWER window can map it). */
static int place(struct iofd_pages *pg)
{
	struct iofd_sys *sys = pg->ictx->sys;
	uint64_t align = pg->span >= IOFD_THP_SIZE    ? IOFD_THP_SIZE :
			 pg->span >= IOFD_BIG_IO_PAGE ? IOFD_BIG_IO_PAGE :
							IOFD_PAGE_SIZE;
	uint64_t off = pg->uva_base & (align - 1), pa;

	/*
	 * Any hole of span + align - 4 KiB holds the piece at the right
	 * offset, so the search asks for that with no alignment: the tree's
	 * largest-hole summaries then find one in O(log n). (Asking for the
	 * alignment itself can scan every hole that is long enough but
	 * misaligned; the lowest address does not matter here.)
	 */
	if (iopt_find_hole(
		    &sys->pa_tree, WINDOW_BASE, WINDOW_BASE + WINDOW_SIZE - 1,
		    pg->span + align - IOFD_PAGE_SIZE, IOFD_PAGE_SIZE, 0, &pa))
		return -ENOSPC;
	pa += (off - pa) & (align - 1);
	pg->node.iova = pa;
	pg->node.last = pa + pg->span - 1;
	iopt_insert(&sys->pa_tree, &pg->node);
	return 0;
}

/** iofd_pages_put() - drop a reference; the last frees the object. */
void iofd_pages_put(struct iofd_pages *pg)
{
	if (--pg->refs)
		return;
	if (pg->file_fd >= 0)
		close(pg->file_fd);
	if (pg->mm)
		pg->ictx->ua.mm_put(pg->mm);
	free(pg); /* unpinned, so out of the window */
}

/** iofd_pages_pa() - the physical address of user address @uva (the
 * object is pinned). */
uint64_t iofd_pages_pa(const struct iofd_pages *pg, uint64_t uva)
{
	return pg->node.iova + (uva - pg->uva_base);
}

static uint64_t *user_account(struct iofd_sys *sys, uint32_t uid)
{
	void *p;

	for (unsigned int i = 0; i < sys->nusers; i++)
		if (sys->users[i].uid == uid)
			return &sys->users[i].pages;
	p = realloc(sys->users, (sys->nusers + 1) * sizeof(*sys->users));
	if (!p)
		return NULL;
	sys->users = p;
	sys->users[sys->nusers].uid = uid;
	sys->users[sys->nusers].pages = 0;
	return &sys->users[sys->nusers++].pages;
}

/* The account a pin is charged to (kernel iopt_pages account_mode). */
static uint64_t *account(struct iofd_ctx *ictx, bool per_process, uint32_t uid)
{
	return per_process ? &ictx->pinned_pages : user_account(ictx->sys, uid);
}

/* Charge @npages to the account RLIMIT_MODE picks (kernel
 * iopt_pages_update_pinned: -ENOMEM past RLIMIT_MEMLOCK). */
static int charge(struct iofd_pages *pg, uint64_t npages)
{
	struct iofd_ctx *ictx = pg->ictx;
	uint64_t *acct = account(ictx, ictx->rlimit_mode, ictx->ua.uid);
	uint64_t limit = ictx->ua.memlock_limit / IOFD_PAGE_SIZE;

	if (!acct)
		return -ENOMEM;
	if (ictx->ua.memlock_limit != UINT64_MAX &&
	    (*acct > limit || npages > limit - *acct))
		return -ENOMEM;
	*acct += npages;
	pg->per_process = ictx->rlimit_mode;
	pg->uid = ictx->ua.uid;
	pg->charged = npages;
	return 0;
}

/* A file's pages exist up to its size: pinning past it is EINVAL, as
 * memfd_pin_folios answers (the v6.17 selftest's mock_domain file basic
 * maps one byte past a memfd's end, and past it after ftruncate(0)). */
static int file_pin(struct iofd_pages *pg)
{
	struct stat st;

	if (fstat(pg->file_fd, &st) || st.st_size < 0 ||
	    (uint64_t)st.st_size < pg->uva_base + pg->span)
		return -EINVAL;
	return 0;
}

static void uncharge(struct iofd_pages *pg)
{
	/* the account exists: charge() found or made it */
	*account(pg->ictx, pg->per_process, pg->uid) -= pg->charged;
	pg->charged = 0;
}

/**
 * iofd_pages_pin() - one more holder (an area in domains, an access
 * item) of @pg; the first pins: checks the memory, charges it, places it
 * in the window.
 * @pg: the pages.
 *
 * Return: 0, -EFAULT (the user range is not mapped memory), -EINVAL
 * (a file range past the file's end), -ENOMEM
 * (over RLIMIT_MEMLOCK) or -ENOSPC (window full).
 */
int iofd_pages_pin(struct iofd_pages *pg)
{
	struct iofd_uaccess *ua = &pg->ictx->ua;
	int ret;

	if (pg->pin_users) {
		pg->pin_users++;
		return 0;
	}
	if (pg->file_fd >= 0) {
		ret = file_pin(pg);
		if (ret)
			return ret;
	} else if (pg->mm ? ua->mm_pin(pg->mm, pg->uva_base, pg->span,
				       pg->writable) :
			    ua->pin && ua->pin(ua->ctx, pg->uva_base, pg->span,
					       pg->writable)) {
		return -EFAULT;
	}
	ret = charge(pg, pg->span / IOFD_PAGE_SIZE);
	if (ret)
		return ret;
	ret = place(pg);
	if (ret) {
		uncharge(pg);
		return ret;
	}
	pg->pin_users = 1;
	return 0;
}

/** iofd_pages_unpin() - undo one iofd_pages_pin(); the last uncharges
 * and gives the window back (DMA there is a bus error from now on). */
void iofd_pages_unpin(struct iofd_pages *pg)
{
	if (--pg->pin_users)
		return;
	uncharge(pg);
	iopt_remove(&pg->ictx->sys->pa_tree, &pg->node);
}

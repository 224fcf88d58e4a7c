// SPDX-License-Identifier: MIT
/*
 * memid.c - which memory a user address or a pinned object is: the
 * simulator's stand-in for comparing struct page pointers, which the
 * selftest's checks (MD_CHECK_MAP, MD_CHECK_REFS, ACCESS_PAGES) rely on.
 *
 * A user address inside a file-backed mapping of the client (memfd,
 * MAP_SHARED anonymous memory, which Linux backs by a shmem file, or any
 * file) is (device, inode, offset in the file), read from
 * /proc/<pid>/maps; anything else is (address space, address). A pages
 * object made by IOAS_MAP_FILE is (device, inode, offset) from fstat, so
 * a memfd mapped both ways compares equal, as the kernel's pages would.
 * The maps file is read once per command into a sorted table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "iofd_private.h"

/**
 * iofd_maps_load() - the file-backed mappings of @ictx's client.
 * @ictx: the context (ua.pid 0: this process).
 * @m: filled; empty when the maps file cannot be read (every address is
 *     then anonymous).
 */
void iofd_maps_load(const struct iofd_ctx *ictx, struct iofd_maps *m)
{
	char path[64], line[512];
	size_t cap = 0;
	FILE *f;

	m->v = NULL;
	m->n = 0;
	if (ictx->ua.pid)
		snprintf(path, sizeof(path), "/proc/%d/maps", ictx->ua.pid);
	else
		snprintf(path, sizeof(path), "/proc/self/maps");
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off, ino;
		unsigned int maj, min;
		struct iofd_vma *v;

		if (sscanf(line,
			   "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64
			   " %x:%x %" SCNu64,
			   &start, &end, &off, &maj, &min, &ino) != 6 ||
		    !ino)
			continue;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(m->v, cap * sizeof(*v));
			if (!v)
				break;
			m->v = v;
		}
		m->v[m->n++] = (struct iofd_vma){ start, end, off,
						  makedev(maj, min), ino };
	}
	fclose(f);
}

void iofd_maps_free(struct iofd_maps *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* The maps file lists mappings in address order: binary search. */
static const struct iofd_vma *vma_at(const struct iofd_maps *m, uint64_t uva)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (uva < m->v[mid].start)
			hi = mid;
		else if (uva >= m->v[mid].end)
			lo = mid + 1;
		else
			return &m->v[mid];
	}
	return NULL;
}

/**
 * iofd_memid_uva() - which memory user address @uva of @ictx's client is.
 */
void iofd_memid_uva(const struct iofd_maps *m, const struct iofd_ctx *ictx,
		    uint64_t uva, struct iofd_memid *id)
{
	const struct iofd_vma *v = vma_at(m, uva);

	if (v) {
		*id = (struct iofd_memid){ .dev = v->dev,
					   .ino = v->ino,
					   .off = v->off + (uva - v->start) };
		return;
	}
	/* an address space is known by how it is reached (iofd_same_mm) */
	*id = (struct iofd_memid){ .anon = true,
				   .dev = (uintptr_t)ictx->ua.read,
				   .ino = (uintptr_t)ictx->ua.ctx,
				   .off = uva };
}

/**
 * iofd_memid_pages() - which memory byte @off of pinned object @pg is.
 */
void iofd_memid_pages(const struct iofd_maps *m, const struct iofd_pages *pg,
		      uint64_t off, struct iofd_memid *id)
{
	struct stat st;

	if (pg->file_fd < 0) {
		iofd_memid_uva(m, pg->ictx, pg->uva_base + off, id);
		return;
	}
	if (fstat(pg->file_fd, &st)) { /* cannot fail on an open fd */
		*id = (struct iofd_memid){ .anon = true, .off = UINT64_MAX };
		return;
	}
	*id = (struct iofd_memid){ .dev = st.st_dev,
				   .ino = st.st_ino,
				   .off = pg->uva_base + off };
}

/** iofd_memid_cmp() - order of identities; 0 when the same memory. */
int iofd_memid_cmp(const struct iofd_memid *a, const struct iofd_memid *b)
{
	if (a->anon != b->anon)
		return a->anon ? 1 : -1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off;
}

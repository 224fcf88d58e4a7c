// SPDX-License-Identifier: MIT
/*
 * preload.c - libiommusim-preload.so, the helper `iommusim run` puts in
 * PROGRAM (LD_PRELOAD) so the commands that create a file descriptor in
 * the kernel (IOMMU_TEST_OP_CREATE_ACCESS, IOMMU_FAULT_QUEUE_ALLOC,
 * IOMMU_VEVENTQ_ALLOC) give PROGRAM a real one (docs/transport.md).
 *
 * The daemon answers those commands with a handle; after a successful
 * one the shim opens the mount's object file ($IOMMUSIM_OBJECT), binds
 * that open to the handle (IOMMUSIM_OBJ_BIND, naming the iommufd) and
 * writes the new descriptor where the kernel writes its fd. read, write
 * and poll on it then reach the object through FUSE with no help. The
 * shim also:
 *  - turns an access descriptor back into its handle in the
 *    IOMMU_TEST_CMD ops that name an access by fd (the struct is copied,
 *    never changed in place);
 *  - makes close() of one of its descriptors destroy the object before
 *    close() returns, as the kernel's last fput does (FUSE would release
 *    the file only afterwards);
 *  - serves mmap() of an iommufd (a driver's region, IOMMUSIM_MMAP): a
 *    shared anonymous mapping receives the region's bytes, and holds a
 *    duplicate of the descriptor until munmap() takes the last of it, as
 *    the kernel's mapping holds the file.
 * A dup of one of its descriptors (dup, dup2, dup3, F_DUPFD) shares it;
 * the object goes with the last. Everything else goes straight to libc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "uapi_sim/iommufd_test_uapi.h"
#include "uapi_sim/iommufd_uapi.h"

#define MAX_FDS 65536

/*
 * The object files the shim opened, by descriptor number; a dup of one
 * shares its entry, and the object goes with the last of them. After a
 * fork another process holds the file too, so a close here only drops
 * this process's descriptor and the daemon frees the object when FUSE
 * releases the file (the kernel frees it at the last close anywhere).
 */
struct made_file {
	uint8_t kind; /* IOMMUSIM_OBJ_* */
	uint32_t handle;
	unsigned int fds; /* this process's descriptors of it */
	bool shared; /* a fork shares it: no synchronous close */
};
static struct made_file *made[MAX_FDS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The live mappings of iommufd regions. */
struct region {
	uintptr_t start, end;
	uint64_t offset;
	int fd; /* a duplicate: the mapping keeps the file open */
};
static struct region *regions;
static unsigned int nregions;

static int (*libc_ioctl)(int, unsigned long, ...);
static int (*libc_close)(int);
static void *(*libc_mmap)(void *, size_t, int, int, int, off_t);
static int (*libc_munmap)(void *, size_t);

static void find_libc(void)
{
	if (!libc_ioctl) {
		libc_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT,
								     "ioctl");
		libc_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
		libc_mmap = (void *(*)(void *, size_t, int, int, int,
				       off_t))dlsym(RTLD_NEXT, "mmap");
		libc_munmap =
			(int (*)(void *, size_t))dlsym(RTLD_NEXT, "munmap");
	}
}

/* Where the command wrote its "fd", and which kind it is; 0 when @req is
 * not a creating command. */
static unsigned int created(unsigned long req, void *arg, size_t *at)
{
	if (req == IOMMU_FAULT_QUEUE_ALLOC) {
		*at = offsetof(struct iommu_fault_alloc, out_fault_fd);
		return IOMMUSIM_OBJ_FAULT;
	}
	if (req == IOMMU_VEVENTQ_ALLOC) {
		*at = offsetof(struct iommu_veventq_alloc, out_veventq_fd);
		return IOMMUSIM_OBJ_VEVENTQ;
	}
	if (req == IOMMU_TEST_CMD &&
	    ((struct iommu_test_cmd *)arg)->op == IOMMU_TEST_OP_CREATE_ACCESS) {
		*at = offsetof(struct iommu_test_cmd,
			       create_access.out_access_fd);
		return IOMMUSIM_OBJ_ACCESS;
	}
	return 0;
}

/* The test ops that name an access by its descriptor in ->id. */
static bool names_access(const struct iommu_test_cmd *cmd)
{
	return cmd->op == IOMMU_TEST_OP_DESTROY_ACCESS_PAGES ||
	       cmd->op == IOMMU_TEST_OP_ACCESS_PAGES ||
	       cmd->op == IOMMU_TEST_OP_ACCESS_RW ||
	       cmd->op == IOMMU_TEST_OP_ACCESS_REPLACE_IOAS;
}

/* Give the handle at @arg + @at a file; 0, or -1 with errno set. */
static int make_fd(int iommufd, unsigned int kind, uint8_t *arg, size_t at)
{
	const char *path = getenv("IOMMUSIM_OBJECT");
	struct iommusim_obj_bind b = { .argsz = sizeof(b),
				       .iommufd = iommufd,
				       .kind = kind };
	struct made_file *f = calloc(1, sizeof(*f));
	int fd;

	memcpy(&b.handle, arg + at, sizeof(b.handle));
	if (!path || !f) {
		free(f);
		errno = path ? ENOMEM : ENODEV;
		return -1;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fd >= MAX_FDS || libc_ioctl(fd, IOMMUSIM_OBJ_BIND, &b)) {
		int e = fd >= MAX_FDS ? EMFILE : errno;

		if (fd >= 0)
			libc_close(fd);
		free(f);
		errno = e;
		return -1;
	}
	f->kind = (uint8_t)kind;
	f->handle = b.handle;
	f->fds = 1;
	pthread_mutex_lock(&lock);
	made[fd] = f;
	pthread_mutex_unlock(&lock);
	memcpy(arg + at, &fd, sizeof(fd));
	return 0;
}

/*
 * IOMMU_TEST_CMD: when it names an access by a descriptor of ours, send a
 * copy naming the handle and copy back what the daemon wrote, the
 * descriptor restored. The caller's struct is read with
 * process_vm_readv, so a bad pointer is the daemon's EFAULT, never a
 * crash here.
 */
static int test_cmd(int fd, struct iommu_test_cmd *cmd)
{
	struct iommu_test_cmd copy;
	struct iovec local = { &copy, sizeof(copy) };
	struct iovec remote = { cmd, sizeof(copy) };
	uint32_t id;
	int ret;

	if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) !=
		    (ssize_t)sizeof(copy) ||
	    copy.size != sizeof(copy) || !names_access(&copy))
		return libc_ioctl(fd, IOMMU_TEST_CMD, cmd);
	id = copy.id;
	pthread_mutex_lock(&lock);
	if (id < MAX_FDS && made[id] && made[id]->kind == IOMMUSIM_OBJ_ACCESS)
		copy.id = made[id]->handle;
	pthread_mutex_unlock(&lock);
	if (copy.id == id)
		return libc_ioctl(fd, IOMMU_TEST_CMD, cmd);
	ret = libc_ioctl(fd, IOMMU_TEST_CMD, &copy);
	copy.id = id;
	memcpy(cmd, &copy, sizeof(copy));
	return ret;
}

int ioctl(int fd, unsigned long req, ...)
{
	unsigned int kind;
	va_list ap;
	void *arg;
	size_t at;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	find_libc();
	ret = req == IOMMU_TEST_CMD ? test_cmd(fd, arg) :
				      libc_ioctl(fd, req, arg);
	if (ret || !arg || !(kind = created(req, arg, &at)))
		return ret;
	return make_fd(fd, kind, arg, at);
}

/*
 * @fd stops naming its object file here: true when it was the last
 * descriptor of a file no other process shares, so the object must go
 * now. Called with the lock held.
 */
static bool forget_fd(int fd)
{
	struct made_file *f;
	bool last;

	if (fd < 0 || fd >= MAX_FDS || !made[fd])
		return false;
	f = made[fd];
	made[fd] = NULL;
	if (--f->fds)
		return false;
	last = !f->shared;
	free(f);
	return last;
}

int close(int fd)
{
	bool last;

	find_libc();
	pthread_mutex_lock(&lock);
	last = forget_fd(fd);
	pthread_mutex_unlock(&lock);
	if (last) /* the object goes now, as with the kernel's last fput */
		libc_ioctl(fd, IOMMUSIM_OBJ_CLOSE);
	return libc_close(fd);
}

/* @nfd is now a duplicate of @fd (dup, dup2, dup3, F_DUPFD). */
static int duplicated(int fd, int nfd)
{
	if (nfd < 0 || fd < 0 || fd >= MAX_FDS)
		return nfd;
	pthread_mutex_lock(&lock);
	if (made[fd] && nfd < MAX_FDS) {
		made[nfd] = made[fd];
		made[fd]->fds++;
	}
	pthread_mutex_unlock(&lock);
	return nfd;
}

int dup(int fd)
{
	static int (*libc_dup)(int);

	if (!libc_dup)
		libc_dup = (int (*)(int))dlsym(RTLD_NEXT, "dup");
	return duplicated(fd, libc_dup(fd));
}

/* dup2 and dup3 close @nfd first when it is open: that may be the last
 * descriptor of an object file of ours. */
static void replacing(int fd, int nfd)
{
	bool last;

	if (fd == nfd)
		return;
	pthread_mutex_lock(&lock);
	last = forget_fd(nfd);
	pthread_mutex_unlock(&lock);
	if (last)
		libc_ioctl(nfd, IOMMUSIM_OBJ_CLOSE);
}

int dup2(int fd, int nfd)
{
	static int (*libc_dup2)(int, int);

	find_libc();
	if (!libc_dup2)
		libc_dup2 = (int (*)(int, int))dlsym(RTLD_NEXT, "dup2");
	if (fcntl(fd, F_GETFD) < 0)
		return -1; /* EBADF, and @nfd stays as it is */
	replacing(fd, nfd);
	return fd == nfd ? nfd : duplicated(fd, libc_dup2(fd, nfd));
}

int dup3(int fd, int nfd, int flags)
{
	static int (*libc_dup3)(int, int, int);

	find_libc();
	if (!libc_dup3)
		libc_dup3 = (int (*)(int, int, int))dlsym(RTLD_NEXT, "dup3");
	if (fd == nfd || fcntl(fd, F_GETFD) < 0)
		return libc_dup3(fd, nfd, flags); /* EINVAL or EBADF */
	replacing(fd, nfd);
	return duplicated(fd, libc_dup3(fd, nfd, flags));
}

int fcntl(int fd, int cmd, ...)
{
	static int (*libc_fcntl)(int, int, ...);
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, cmd);
	arg = va_arg(ap, void *); /* an int or a pointer: passed on as is */
	va_end(ap);
	if (!libc_fcntl)
		libc_fcntl = (int (*)(int, int, ...))dlsym(RTLD_NEXT, "fcntl");
	ret = libc_fcntl(fd, cmd, arg);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return duplicated(fd, ret);
	return ret;
}

/* Whether @fd is a file of the simulator's mount (the object file's). */
static bool on_mount(int fd)
{
	static dev_t dev;
	static int known; /* 1: dev is the mount's; -1: there is none */
	const char *path;
	struct stat st;

	if (!known) {
		path = getenv("IOMMUSIM_OBJECT");
		known = path && !stat(path, &st) ? 1 : -1;
		if (known > 0)
			dev = st.st_dev;
	}
	return known > 0 && !fstat(fd, &st) && st.st_dev == dev;
}

static void *fail(void *p, size_t len, int err)
{
	if (p)
		libc_munmap(p, len);
	errno = err;
	return MAP_FAILED;
}

/* Remember a live mapping; the duplicate is taken last, so a failure
 * here leaves nothing behind but the caller's cleanup. */
static int remember(void *p, size_t len, uint64_t offset, int fd)
{
	struct region *r;
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (dup < 0)
		return -1;
	pthread_mutex_lock(&lock);
	r = realloc(regions, (nregions + 1) * sizeof(*r));
	if (r) {
		regions = r;
		regions[nregions++] = (struct region){ (uintptr_t)p,
						       (uintptr_t)p + len,
						       offset, dup };
	}
	pthread_mutex_unlock(&lock);
	if (!r) {
		libc_close(dup);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * mmap() of an iommufd: the kernel's generic checks first (an unaligned
 * offset or an empty length EINVAL), then the daemon's (the region's):
 * the mapping is made readable and writable for the daemon to fill, then
 * given the protection asked for.
 */
static void *iommufd_mmap(void *addr, size_t len, int prot, int flags, int fd,
			  off_t off)
{
	size_t pages = (len + 4095) & ~(size_t)4095;
	int type = flags & MAP_TYPE;
	struct iommusim_mmap m = { .argsz = sizeof(m),
				   .offset = (uint64_t)off,
				   .length = pages };
	void *p;

	if (!len || !pages || (off & 4095) || off < 0)
		return fail(NULL, 0, EINVAL);
	if (type == MAP_SHARED || type == MAP_SHARED_VALIDATE)
		m.flags |= IOMMUSIM_MMAP_SHARED;
	if (prot & PROT_EXEC)
		m.flags |= IOMMUSIM_MMAP_EXEC;
	p = libc_mmap(addr, pages, PROT_READ | PROT_WRITE,
		      (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) | MAP_SHARED |
			      MAP_ANONYMOUS,
		      -1, 0);
	if (p == MAP_FAILED)
		return p;
	m.uptr = (uintptr_t)p;
	if (libc_ioctl(fd, IOMMUSIM_MMAP, &m)) {
		if (errno != ENOTTY)
			return fail(p, pages, errno);
		/* not an iommufd: whatever the file itself does */
		libc_munmap(p, pages);
		return libc_mmap(addr, len, prot, flags, fd, off);
	}
	if ((prot != (PROT_READ | PROT_WRITE) && mprotect(p, pages, prot)) ||
	    remember(p, pages, m.offset, fd)) {
		int e = errno;

		libc_ioctl(fd, IOMMUSIM_MUNMAP, (unsigned long)m.offset);
		return fail(p, pages, e);
	}
	return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	find_libc();
	if ((flags & MAP_ANONYMOUS) || fd < 0 || !on_mount(fd))
		return libc_mmap(addr, len, prot, flags, fd, off);
	return iommufd_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

/* What is left of @r once [lo, hi) is unmapped: it keeps its reference
 * while any of it is mapped (a hole in the middle keeps both ends). */
static bool region_gone(struct region *r, uintptr_t lo, uintptr_t hi)
{
	if (hi <= r->start || lo >= r->end)
		return false;
	if (lo <= r->start && hi >= r->end)
		return true;
	if (lo <= r->start)
		r->start = hi;
	else if (hi >= r->end)
		r->end = lo;
	return false;
}

int munmap(void *addr, size_t len)
{
	uintptr_t lo = (uintptr_t)addr, hi = lo + ((len + 4095) & ~4095UL);
	int ret;

	find_libc();
	ret = libc_munmap(addr, len);
	if (ret)
		return ret;
	pthread_mutex_lock(&lock);
	for (unsigned int i = 0; i < nregions;) {
		struct region r = regions[i];

		if (!region_gone(&regions[i], lo, hi)) {
			i++;
			continue;
		}
		regions[i] = regions[--nregions];
		libc_ioctl(r.fd, IOMMUSIM_MUNMAP, (unsigned long)r.offset);
		libc_close(r.fd);
	}
	pthread_mutex_unlock(&lock);
	return 0;
}

/* After a fork both processes hold every object file. */
static void share_files(void)
{
	for (int fd = 0; fd < MAX_FDS; fd++)
		if (made[fd])
			made[fd]->shared = true;
}

/* A child has copies of the mappings but holds no reference of its own:
 * forget them (its duplicates are its own descriptors to close). */
static void child_after_fork(void)
{
	share_files();
	for (unsigned int i = 0; i < nregions; i++)
		libc_close(regions[i].fd);
	nregions = 0;
}

__attribute__((constructor)) static void preload_init(void)
{
	find_libc();
	pthread_atfork(NULL, share_files, child_after_fork);
}

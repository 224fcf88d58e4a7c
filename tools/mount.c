// SPDX-License-Identifier: MIT
/*
 * mount.c - `iommusim mount DIR`: the simulated /dev/iommu as a FUSE file,
 * DIR/iommu, so unmodified programs reach uapi_sim (issue 6).
 *
 * Transport (docs/transport.md): iommufd's commands are _IO ioctls, so
 * FUSE hands the server the caller's raw pointer and thread id; the
 * server reads and writes the caller's structs with process_vm_readv /
 * process_vm_writev on that thread. Each open of DIR/iommu is its own
 * context; the opener is pinned by a pidfd (a recycled pid can never be
 * served) through which MAP_FILE takes the caller's descriptor
 * (pidfd_getfd). Requests are served by a fixed pool of threads, each
 * reading the FUSE device itself (libfuse's own multi-threaded loop,
 * which starts and stops workers as load changes, costs about 280 us a
 * request on this machine: docs/transport.md); uapi_sim runs under one
 * lock, so the pool keeps the mount answering (open, release, a bind's
 * own lookup) while one request runs, not to run two at once.
 * Unknown commands answer ENOTTY, never ENOSYS (which FUSE would turn
 * into "ioctl unsupported" for the file).
 *
 * Capabilities and limits are the caller's as the kernel reports them
 * (/proc/<pid>/status CapEff, /proc/<pid>/limits), never anything the
 * client says.
 */
#define FUSE_USE_VERSION 35
#define _GNU_SOURCE
#include <errno.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mount.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"
#include "uapi_sim/vfio_spapr.h"

enum client_kind {
	CL_IOMMU,
	CL_VFIO,
	CL_OBJECT,
	CL_STATS,
	CL_CONTAINER,
	CL_GROUP
};

/*
 * One open file: DIR/iommu (a context), DIR/vfio/devices/vfioN (a
 * device, once bound, in some iommu client's context), DIR/object (an
 * fd-returning command's object, once bound to its handle), or on a
 * POWER machine DIR/vfio/vfio (a VFIO sPAPR container) or DIR/vfio/N
 * (an IOMMU group of the PHB: docs/vfio_spapr.md).
 */
struct client {
	pid_t tgid; /* the opener */
	pid_t tid; /* the thread of the request being served */
	int pidfd; /* the opener, pinned */
	enum client_kind kind;
	/* iommu */
	struct iofd_ctx *ctx;
	unsigned int refs; /* the open file, and each file bound to it */
	struct client *next_live;
	bool local; /* user addresses are the daemon's (object read/write) */
	/* vfio and object */
	struct client *bound; /* the iommu client it is bound in */
	/* vfio */
	unsigned int dev;
	uint32_t dev_id;
	/* object */
	uint32_t obj_kind; /* IOMMUSIM_OBJ_* */
	uint32_t handle;
	bool handle_open;
	struct fuse_pollhandle *ph; /* a poll waiting for EPOLLIN */
	struct client *next_obj;
	/* vfio/vfio (a sPAPR container) and vfio/<N> (a group) */
	struct vfio_spapr_container *spc;
	struct vfio_spapr_group *spg;
	struct client *cont; /* group: the container set (a reference) */
	struct client *next_cont; /* container: in the containers list */
	bool file_open; /* container: its file is still open */
};

/* The daemon asks a file of its own which open it is (vfio bind); the
 * payload is copied out by the kernel (_IOR), unlike iommufd's _IO. */
#define IOMMUSIM_WHOAMI _IOR(IOMMUFD_TYPE, 0xef, uint64_t)

/* Two: every reader of the FUSE device is woken in turn, and each more
 * one cost about 2 us a request in bench_fuse on this machine. A thread
 * is added while all the others are asking (iommu_cookie_of_fd). */
#define POOL_THREADS 2
#define POOL_MAX 64
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t pool[POOL_MAX];
static unsigned int pool_size, pool_asking;
static bool pool_closing;
static struct fuse_session *pool_se;
static int pool_grow(void);
struct client;
static int spapr_open(struct client *cl, const struct iofd_uaccess *ua,
		      int grp);
static void spapr_release(struct client *cl);
static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct iofd_sys *machine;
static struct client *live; /* iommu clients with a context */
static struct client *objects; /* bound object files */
/* container clients until their last reference (the file, each group
 * set to it) goes: a group keeps a closed container's mappings alive */
static struct client *containers;

/* The mount's device number, and the inode numbers of its files (the
 * attributes are cached for a day, so an fstat of a descriptor of ours
 * never comes back here: the one serving thread may be the asker). */
static dev_t mount_dev;
#define INO_ROOT 1
#define INO_IOMMU 2
#define INO_VFIO 3
#define INO_VFIO_DEVICES 4
#define INO_OBJECT 5
#define INO_STATS 6
#define INO_VFIO_FIRST 16
#define INO_CONTAINER 7
#define INO_GROUP_FIRST 0x10000 /* + the group's index */

static int remote_rw(struct client *cl, uint64_t uptr, void *buf, size_t len,
		     bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)uptr, len };
	ssize_t n;

	if (!len)
		return 0;
	if (cl->local) { /* an object file's read or write: our buffer */
		memcpy(write ? (void *)uptr : buf, write ? buf : (void *)uptr,
		       len);
		return 0;
	}
	n = write ? process_vm_writev(cl->tid, &local, 1, &remote, 1, 0) :
		    process_vm_readv(cl->tid, &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

static int remote_read(void *ctx, uint64_t uptr, void *buf, size_t len)
{
	return remote_rw(ctx, uptr, buf, len, false);
}

static int remote_write(void *ctx, uint64_t uptr, const void *buf, size_t len)
{
	return remote_rw(ctx, uptr, (void *)buf, len, true);
}

/* Whether [uptr, uptr + len) is covered by @pid's mappings (and, for
 * @write, writable ones): /proc/<pid>/maps, in address order. */
static int maps_cover(pid_t pid, uint64_t uptr, uint64_t len, bool write)
{
	uint64_t at = uptr & ~0xfffULL, end;
	char path[64], line[512];
	FILE *f;

	if (__builtin_add_overflow(uptr, len, &end))
		return -EFAULT;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -EFAULT;
	while (at < end && fgets(line, sizeof(line), f)) {
		uint64_t s, e;
		char perm[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &s, &e, perm) !=
		    3)
			continue;
		if (e <= at)
			continue;
		if (s > at || (write && perm[1] != 'w') || perm[0] != 'r')
			break;
		at = e;
	}
	fclose(f);
	return at >= end ? 0 : -EFAULT;
}

static int remote_pin(void *ctx, uint64_t uptr, uint64_t len, bool write)
{
	return maps_cover(((struct client *)ctx)->tgid, uptr, len, write);
}

/*
 * The memory of one process (the kernel's mm), held by the pages objects
 * its maps made: they reach it, not the memory of whoever makes a later
 * request (a forked child maps its buffer; once it is gone, pinning that
 * buffer is EFAULT, as the v6.17 selftest's fork_gone expects). Shared
 * per process; a pidfd tells when it is gone (a recycled pid is another
 * process). All under big_lock.
 */
struct remote_mm {
	struct remote_mm *next;
	pid_t tgid;
	int pidfd;
	unsigned int refs;
};

static struct remote_mm *mms;
static bool proc_field(pid_t pid, const char *file, const char *key,
		       const char *fmt, void *val);

static bool mm_alive(const struct remote_mm *m)
{
	return m->pidfd >= 0 &&
	       !syscall(SYS_pidfd_send_signal, m->pidfd, 0, NULL, 0);
}

static void *remote_mm_get(void *ctx)
{
	struct client *cl = ctx;
	pid_t tgid = cl->tgid;
	struct remote_mm *m;

	if (cl->tid != cl->tgid) /* another thread, or another process */
		proc_field(cl->tid, "status", "Tgid:", "%d", &tgid);
	for (m = mms; m; m = m->next)
		if (m->tgid == tgid && mm_alive(m)) {
			m->refs++;
			return m;
		}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL; /* the context's client stands in */
	m->tgid = tgid;
	m->pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	m->refs = 1;
	m->next = mms;
	mms = m;
	return m;
}

static void remote_mm_put(void *mm)
{
	struct remote_mm *m = mm, **pp;

	if (--m->refs)
		return;
	for (pp = &mms; *pp != m; pp = &(*pp)->next)
		;
	*pp = m->next;
	if (m->pidfd >= 0)
		close(m->pidfd);
	free(m);
}

static int remote_mm_rw(void *mm, uint64_t uptr, void *buf, size_t len,
			bool write)
{
	struct remote_mm *m = mm;
	struct iovec local = { buf, len }, remote = { (void *)uptr, len };
	ssize_t n;

	if (!len)
		return 0;
	if (!mm_alive(m))
		return -EFAULT;
	n = write ? process_vm_writev(m->tgid, &local, 1, &remote, 1, 0) :
		    process_vm_readv(m->tgid, &local, 1, &remote, 1, 0);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

static int remote_mm_pin(void *mm, uint64_t uptr, uint64_t len, bool write)
{
	struct remote_mm *m = mm;

	return mm_alive(m) ? maps_cover(m->tgid, uptr, len, write) : -EFAULT;
}

/* The file's attributes from the kernel's cache, never a request (the
 * asker may be the thread that would have to answer). */
static bool is_ours(int fd, uint64_t *ino)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO,
		  &stx) ||
	    makedev(stx.stx_dev_major, stx.stx_dev_minor) != mount_dev)
		return false;
	*ino = stx.stx_ino;
	return true;
}

/* MAP_FILE's file. One of this mount's own files cannot back memory (the
 * kernel's memfd_pin_folios refuses what is not shmem or hugetlbfs, with
 * EINVAL), and reading it would be a request to ourselves under the lock. */
static int remote_get_file(void *ctx, int32_t fd)
{
	struct client *cl = ctx;
	long nfd = syscall(SYS_pidfd_getfd, cl->pidfd, fd, 0);
	uint64_t ino;

	if (nfd < 0)
		return -EBADF;
	if (is_ours((int)nfd, &ino)) {
		close((int)nfd);
		return -EINVAL;
	}
	return (int)nfd;
}

/* A number from a /proc/<pid>/ file line starting with @key. */
static bool proc_field(pid_t pid, const char *file, const char *key,
		       const char *fmt, void *val)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, key, klen) &&
			sscanf(line + klen, fmt, val) == 1;
	fclose(f);
	return found;
}

/* The caller's RLIMIT_MEMLOCK, or none with CAP_IPC_LOCK (bit 14). */
static uint64_t memlock_limit(pid_t pid)
{
	unsigned long long capeff = 0, lim;
	char soft[32] = "";

	if (proc_field(pid, "status", "CapEff:", "%llx", &capeff) &&
	    (capeff >> 14 & 1))
		return UINT64_MAX;
	if (!proc_field(pid, "limits", "Max locked memory", "%31s", soft) ||
	    !strcmp(soft, "unlimited") || sscanf(soft, "%llu", &lim) != 1)
		return UINT64_MAX;
	return lim;
}

/* N of "/vfio/devices/vfioN" for a device of the machine, else -1. */
static int vfio_index(const char *path)
{
	unsigned int n;
	char tail;

	if (sscanf(path, "/vfio/devices/vfio%u%c", &n, &tail) != 1 ||
	    n >= iofd_sys_ndevs(machine))
		return -1;
	return (int)n;
}

/* N of "/vfio/N" for an IOMMU group of the POWER PHB's devices (N is
 * the machine's group index, docs/vfio_spapr.md), else -1. */
static int group_index(const char *path)
{
	char canon[32];
	unsigned int n;

	if (sscanf(path, "/vfio/%u", &n) != 1 ||
	    vfio_spapr_group_is_ppc(machine, n) < 0)
		return -1;
	snprintf(canon, sizeof(canon), "/vfio/%u", n);
	return strcmp(path, canon) ? -1 : (int)n;
}

/* DIR/vfio/vfio exists when the machine has a POWER PHB with devices,
 * as /dev/vfio/vfio with the sPAPR TCE driver does on a POWER host. */
static bool is_container(const char *path)
{
	if (strcmp(path, "/vfio/vfio"))
		return false;
	for (unsigned int g = 0; g < iofd_sys_ndevs(machine); g++)
		if (vfio_spapr_group_is_ppc(machine, g) >= 0)
			return true;
	return false;
}

static int fs_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	int dev = vfio_index(path), grp = group_index(path);

	(void)fi;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFDIR | 0755;
	st->st_nlink = 2;
	if (!strcmp(path, "/"))
		st->st_ino = INO_ROOT;
	else if (!strcmp(path, "/vfio"))
		st->st_ino = INO_VFIO;
	else if (!strcmp(path, "/vfio/devices"))
		st->st_ino = INO_VFIO_DEVICES;
	else if (!strcmp(path, "/iommu") || dev >= 0)
		st->st_ino = dev >= 0 ? INO_VFIO_FIRST + (unsigned int)dev :
					INO_IOMMU;
	else if (!strcmp(path, "/object"))
		st->st_ino = INO_OBJECT;
	else if (!strcmp(path, "/stats"))
		st->st_ino = INO_STATS;
	else if (is_container(path))
		st->st_ino = INO_CONTAINER;
	else if (grp >= 0)
		st->st_ino = INO_GROUP_FIRST + (unsigned int)grp;
	else
		return -ENOENT;
	if (st->st_ino == INO_STATS) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
	}
	if (st->st_ino == INO_IOMMU || st->st_ino == INO_OBJECT ||
	    st->st_ino == INO_CONTAINER || st->st_ino >= INO_VFIO_FIRST) {
		st->st_mode = S_IFREG | 0666;
		st->st_nlink = 1;
	}
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	if (!strcmp(path, "/")) {
		fill(buf, "iommu", NULL, 0, 0);
		fill(buf, "object", NULL, 0, 0);
		fill(buf, "stats", NULL, 0, 0);
		fill(buf, "vfio", NULL, 0, 0);
	} else if (!strcmp(path, "/vfio")) {
		fill(buf, "devices", NULL, 0, 0);
		if (is_container("/vfio/vfio"))
			fill(buf, "vfio", NULL, 0, 0);
		for (unsigned int g = 0; g < iofd_sys_ndevs(machine); g++) {
			char name[16];

			if (vfio_spapr_group_is_ppc(machine, g) < 0)
				continue;
			snprintf(name, sizeof(name), "%u", g);
			fill(buf, name, NULL, 0, 0);
		}
	} else if (!strcmp(path, "/vfio/devices")) {
		for (unsigned int i = 0; i < iofd_sys_ndevs(machine); i++) {
			char name[32];

			snprintf(name, sizeof(name), "vfio%u", i);
			fill(buf, name, NULL, 0, 0);
		}
	} else {
		return -ENOENT;
	}
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	struct fuse_context *fc = fuse_get_context();
	struct iofd_uaccess ua = { .read = remote_read,
				   .write = remote_write,
				   .pin = remote_pin,
				   .get_file = remote_get_file,
				   .mm_get = remote_mm_get,
				   .mm_put = remote_mm_put,
				   .mm_rw = remote_mm_rw,
				   .mm_pin = remote_mm_pin };
	int dev = vfio_index(path), grp = group_index(path);
	struct client *cl;
	int ret = 0;

	bool object = !strcmp(path, "/object");
	bool stats = !strcmp(path, "/stats");
	bool cont = is_container(path);

	if (strcmp(path, "/iommu") && dev < 0 && !object && !stats && !cont &&
	    grp < 0)
		return -ENOENT;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	/* the thread group of the opener: FUSE gives its thread id */
	cl->tgid = fc->pid;
	proc_field(fc->pid, "status", "Tgid:", "%d", &cl->tgid);
	cl->tid = fc->pid;
	cl->pidfd = (int)syscall(SYS_pidfd_open, cl->tgid, 0);
	if (cl->pidfd < 0) {
		free(cl);
		return -ESRCH;
	}
	cl->kind = dev >= 0 ? CL_VFIO :
		   object   ? CL_OBJECT :
		   stats    ? CL_STATS :
		   cont	    ? CL_CONTAINER :
		   grp >= 0 ? CL_GROUP :
			      CL_IOMMU;
	cl->dev = dev < 0 ? 0 : (unsigned int)dev;
	ua.ctx = cl;
	ua.uid = fc->uid;
	ua.pid = cl->tgid;
	ua.memlock_limit = memlock_limit(cl->tgid);
	pthread_mutex_lock(&big_lock);
	if (cl->kind == CL_IOMMU) {
		ret = iommufd_sim_open_sys(machine, &ua, &cl->ctx);
		if (!ret) {
			cl->refs = 1;
			cl->next_live = live;
			live = cl;
		}
	} else if (cl->kind == CL_CONTAINER || cl->kind == CL_GROUP) {
		ret = spapr_open(cl, &ua, grp);
	}
	pthread_mutex_unlock(&big_lock);
	if (ret) {
		close(cl->pidfd);
		free(cl);
		return ret;
	}
	fi->fh = (uintptr_t)cl;
	fi->direct_io = 1;
	fi->nonseekable = 1;
	/* no FLUSH on close: the daemon closes descriptors of its own files
	 * (a bind's lookup, MAP_FILE of one) and must never wait on itself */
	fi->noflush = 1;
	return 0;
}

/* Drop a reference on an iommu client; the last closes its context
 * (a vfio file bound to it keeps it, as the kernel's device holds the
 * iommufd). Called with big_lock held. */
static void iommu_put(struct client *cl)
{
	struct client **pp;

	if (--cl->refs)
		return;
	for (pp = &live; *pp != cl; pp = &(*pp)->next_live)
		;
	*pp = cl->next_live;
	iommufd_sim_close(cl->ctx);
	close(cl->pidfd);
	free(cl);
}

/* What the last close of the kernel's file does to its object. Called
 * with big_lock held. */
static void obj_close(struct client *oc)
{
	struct iofd_ctx *ctx = oc->bound->ctx;

	if (!oc->handle_open)
		return;
	oc->handle_open = false;
	if (oc->ph) {
		fuse_pollhandle_destroy(oc->ph);
		oc->ph = NULL;
	}
	if (oc->obj_kind == IOMMUSIM_OBJ_ACCESS)
		iommufd_sim_access_close(ctx, oc->handle);
	else if (oc->obj_kind == IOMMUSIM_OBJ_FAULT)
		iommufd_sim_fault_close(ctx, oc->handle);
	else
		iommufd_sim_veventq_close(ctx, oc->handle);
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct client *cl = (struct client *)(uintptr_t)fi->fh;

	(void)path;
	pthread_mutex_lock(&big_lock);
	if (cl->kind == CL_IOMMU) {
		iommu_put(cl);
	} else if (cl->kind == CL_CONTAINER || cl->kind == CL_GROUP) {
		spapr_release(cl);
	} else {
		if (cl->kind == CL_OBJECT && cl->bound) {
			struct client **pp = &objects;

			obj_close(cl);
			while (*pp != cl)
				pp = &(*pp)->next_obj;
			*pp = cl->next_obj;
			iommu_put(cl->bound);
		} else if (cl->bound) { /* closing the device file unbinds */
			iommufd_sim_unbind(cl->bound->ctx, cl->dev_id);
			iommu_put(cl->bound);
		}
		close(cl->pidfd);
		free(cl);
	}
	pthread_mutex_unlock(&big_lock);
	return 0;
}

/*
 * Which open of DIR/iommu the caller's descriptor @fd is (kernel
 * iommufd_ctx_from_fd). FUSE names the open file only to the thread that
 * serves a request on it, so the daemon takes the descriptor
 * (pidfd_getfd) and asks the file itself: IOMMUSIM_WHOAMI, answered by
 * another pool thread without the lock. Called without big_lock; while
 * it asks, at least one pool thread is not asking (the pool grows when
 * it must), and that one never waits on an asker, so the question is
 * always answered. The answer is a cookie, checked against the live list
 * under the lock.
 * A descriptor of anything else is EBADFD.
 */
static int cookie_of_fd(struct client *vc, int32_t fd, uint64_t want,
			uint64_t *cookie)
{
	long own = syscall(SYS_pidfd_getfd, vc->pidfd, fd, 0);
	uint64_t ino;
	int ret = 0;

	if (own < 0)
		return -EBADF;
	if (!is_ours((int)own, &ino) || ino != want) {
		close((int)own);
		return -EBADFD;
	}
	pthread_mutex_lock(&pool_lock);
	pool_asking++;
	if (pool_asking >= pool_size && pool_grow())
		ret = -ENOMEM; /* no thread could answer */
	pthread_mutex_unlock(&pool_lock);
	if (!ret && ioctl((int)own, IOMMUSIM_WHOAMI, cookie))
		ret = -EBADFD;
	pthread_mutex_lock(&pool_lock);
	pool_asking--;
	pthread_mutex_unlock(&pool_lock);
	close((int)own);
	return ret;
}

static int iommu_cookie_of_fd(struct client *vc, int32_t fd, uint64_t *cookie)
{
	return cookie_of_fd(vc, fd, INO_IOMMU, cookie);
}

/* The live iommu client with @cookie; called with big_lock held. */
static struct client *iommu_of_cookie(uint64_t cookie)
{
	for (struct client *c = live; c; c = c->next_live)
		if ((uintptr_t)c == cookie)
			return c;
	return NULL;
}

/* vfio_df_ioctl_bind_iommufd */
static int vfio_bind(struct client *vc, pid_t tid, uint64_t arg)
{
	struct vfio_device_bind_iommufd b;
	const uint32_t minsz =
		offsetof(struct vfio_device_bind_iommufd, token_uuid_ptr);
	struct client *cl = NULL;
	uint64_t cookie;
	int ret;

	if (remote_rw(vc, arg, &b, minsz, false))
		return -EFAULT;
	if (b.argsz < minsz || b.iommufd < 0 ||
	    (b.flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN))
		return -EINVAL;
	ret = iommu_cookie_of_fd(vc, b.iommufd, &cookie);
	if (ret)
		return ret;
	pthread_mutex_lock(&big_lock);
	vc->tid = tid;
	if (vc->bound)
		ret = -EINVAL; /* one bind per device file */
	else if (!(cl = iommu_of_cookie(cookie)))
		ret = -EBADFD; /* closed while we asked */
	if (!ret)
		ret = iommufd_sim_bind(cl->ctx, vc->dev, &vc->dev_id);
	if (!ret && remote_rw(vc,
			      arg + offsetof(struct vfio_device_bind_iommufd,
					     out_devid),
			      &vc->dev_id, sizeof(vc->dev_id), true)) {
		iommufd_sim_unbind(cl->ctx, vc->dev_id);
		ret = -EFAULT;
	}
	if (!ret) {
		vc->bound = cl;
		cl->refs++;
	}
	pthread_mutex_unlock(&big_lock);
	return ret;
}

/* vfio_df_ioctl_attach_pt / _detach_pt; called with big_lock held */
static int vfio_attach(struct client *vc, uint64_t arg, bool attach)
{
	struct vfio_device_attach_iommufd_pt a = { 0 };
	const uint32_t minsz = attach ? 12 : 8;
	uint32_t pasid = IOMMU_NO_PASID;
	int ret;

	if (remote_rw(vc, arg, &a, minsz, false))
		return -EFAULT;
	if (a.argsz < minsz || (a.flags & ~VFIO_DEVICE_ATTACH_PASID))
		return -EINVAL;
	if (a.flags & VFIO_DEVICE_ATTACH_PASID) {
		/* attach: pasid follows pt_id; detach: it follows flags */
		uint64_t at = arg + (attach ? 12 : 8);

		if (a.argsz < minsz + 4 || remote_rw(vc, at, &pasid, 4, false))
			return a.argsz < minsz + 4 ? -EINVAL : -EFAULT;
	}
	if (!attach)
		return iommufd_sim_detach(vc->bound->ctx, vc->dev_id, pasid);
	ret = iommufd_sim_attach(vc->bound->ctx, vc->dev_id, pasid, &a.pt_id);
	if (!ret && remote_rw(vc, arg + 8, &a.pt_id, 4, true)) {
		iommufd_sim_detach(vc->bound->ctx, vc->dev_id, pasid);
		ret = -EFAULT;
	}
	return ret;
}

/* vfio_device_get_info for a vfio-pci device on a cdev */
static int vfio_info(struct client *vc, uint64_t arg)
{
	struct vfio_device_info info;
	const uint32_t minsz = offsetof(struct vfio_device_info, cap_offset);

	if (remote_rw(vc, arg, &info, minsz, false))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET |
		     VFIO_DEVICE_FLAGS_CDEV;
	info.num_regions = 9; /* VFIO_PCI_NUM_REGIONS */
	info.num_irqs = 5; /* VFIO_PCI_NUM_IRQS */
	return remote_rw(vc, arg, &info, minsz, true);
}

/* IOMMUSIM_VFIO_DMA: the device's DMA engine, driven by the program */
static int vfio_dma(struct client *vc, uint64_t arg)
{
	struct iommusim_vfio_dma d;
	struct dma_result fault;
	uint8_t *buf;
	bool wr;
	int ret;

	if (remote_rw(vc, arg, &d, sizeof(d), false))
		return -EFAULT;
	if (d.argsz < sizeof(d) ||
	    (d.flags & ~(IOMMUSIM_VFIO_DMA_WRITE | IOMMUSIM_VFIO_DMA_PASID)) ||
	    d.length > (1u << 20))
		return -EINVAL;
	wr = d.flags & IOMMUSIM_VFIO_DMA_WRITE;
	buf = calloc(1, d.length ? d.length : 1);
	if (!buf)
		return -ENOMEM;
	ret = wr ? remote_rw(vc, d.uptr, buf, d.length, false) : 0;
	if (!ret)
		ret = iofd_sys_dma(machine, vc->dev,
				   d.flags & IOMMUSIM_VFIO_DMA_PASID ?
					   d.pasid :
					   IOMMU_NO_PASID,
				   d.iova, buf, d.length, wr, &fault);
	d.out_fault = ret == -EIO ? fault.fault.code : 0;
	if (remote_rw(vc, arg, &d, sizeof(d), true))
		ret = -EFAULT;
	if (!ret && !wr)
		ret = remote_rw(vc, d.uptr, buf, d.length, true);
	free(buf);
	return ret;
}

/* IOMMUSIM_VFIO_WALK: the decoded walk of one request, as text */
static int vfio_walk(struct client *vc, uint64_t arg)
{
	struct iommusim_vfio_walk w;
	struct dma_result res;
	char *text, tail[160];
	size_t used;
	int ret;

	if (remote_rw(vc, arg, &w, sizeof(w), false))
		return -EFAULT;
	if (w.argsz < sizeof(w) || (w.flags & ~IOMMUSIM_VFIO_DMA_PASID) ||
	    !w.buflen || w.buflen > (1u << 20) || !w.access || (w.access & ~3u))
		return -EINVAL;
	text = calloc(1, w.buflen);
	if (!text)
		return -ENOMEM;
	iofd_sys_walk(machine, vc->dev,
		      w.flags & IOMMUSIM_VFIO_DMA_PASID ? w.pasid :
							  IOMMU_NO_PASID,
		      w.iova, w.access, text, w.buflen, &res);
	dma_result_format(&res, tail, sizeof(tail));
	used = strlen(text);
	snprintf(text + used, w.buflen - used, "%s%s\n",
		 used ? "" : "(no walk: a cache of the unit answered)\n", tail);
	w.out_len = (uint32_t)strlen(text) + 1;
	ret = remote_rw(vc, w.uptr, text, w.out_len, true);
	if (!ret)
		ret = remote_rw(vc, arg, &w, sizeof(w), true);
	free(text);
	return ret ? ret : res.ok ? 0 : -EIO;
}

static void notify_polls(void);

static int vfio_ioctl(struct client *vc, pid_t tid, unsigned int cmd,
		      uint64_t arg)
{
	int ret;

	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return vfio_bind(vc, tid, arg);
	pthread_mutex_lock(&big_lock);
	vc->tid = tid;
	if (!vc->bound) /* every other ioctl needs the bind first */
		ret = -EINVAL;
	else if (cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT ||
		 cmd == VFIO_DEVICE_DETACH_IOMMUFD_PT)
		ret = vfio_attach(vc, arg,
				  cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	else if (cmd == VFIO_DEVICE_GET_INFO)
		ret = vfio_info(vc, arg);
	else if (cmd == IOMMUSIM_VFIO_DMA)
		ret = vfio_dma(vc, arg); /* a fault may have queued an event */
	else if (cmd == IOMMUSIM_VFIO_WALK)
		ret = vfio_walk(vc, arg);
	else
		ret = -ENOTTY;
	notify_polls();
	pthread_mutex_unlock(&big_lock);
	return ret;
}

/* Whether @h is an open handle of @kind in @ctx, and no other object
 * file has it. Called with big_lock held. */
static int obj_valid(struct client *cl, uint32_t kind, uint32_t h)
{
	int ret;

	for (struct client *o = objects; o; o = o->next_obj)
		if (o->bound == cl && o->handle_open && o->handle == h &&
		    o->obj_kind == kind)
			return -EBUSY;
	if (kind == IOMMUSIM_OBJ_ACCESS)
		ret = iommufd_sim_access_valid(cl->ctx, h);
	else if (kind == IOMMUSIM_OBJ_FAULT)
		ret = iommufd_sim_fault_pending(cl->ctx, h);
	else
		ret = iommufd_sim_veventq_pending(cl->ctx, h);
	return ret < 0 ? -EBADF : 0;
}

/* IOMMUSIM_OBJ_BIND: this open of DIR/object becomes the file of the
 * handle (the context is named by the caller's iommufd, as a vfio bind
 * names it: iommu_cookie_of_fd, without the lock). */
static int obj_bind(struct client *oc, const struct iommusim_obj_bind *b)
{
	struct client *cl = NULL;
	uint64_t cookie;
	int ret;

	if (b->argsz < sizeof(*b) || b->kind < IOMMUSIM_OBJ_ACCESS ||
	    b->kind > IOMMUSIM_OBJ_VEVENTQ)
		return -EINVAL;
	ret = iommu_cookie_of_fd(oc, b->iommufd, &cookie);
	if (ret)
		return ret;
	pthread_mutex_lock(&big_lock);
	if (oc->bound)
		ret = -EINVAL; /* one object a file */
	else if (!(cl = iommu_of_cookie(cookie)))
		ret = -EBADFD;
	else
		ret = obj_valid(cl, b->kind, b->handle);
	if (!ret) {
		oc->bound = cl;
		cl->refs++;
		oc->obj_kind = b->kind;
		oc->handle = b->handle;
		oc->handle_open = true;
		oc->next_obj = objects;
		objects = oc;
	}
	pthread_mutex_unlock(&big_lock);
	return ret;
}

static int obj_ioctl(struct client *oc, unsigned int cmd, void *data)
{
	if (cmd == IOMMUSIM_OBJ_BIND)
		return obj_bind(oc, data);
	if (cmd != IOMMUSIM_OBJ_CLOSE)
		return -ENOTTY;
	pthread_mutex_lock(&big_lock);
	if (oc->bound)
		obj_close(oc);
	pthread_mutex_unlock(&big_lock);
	return oc->bound ? 0 : -EINVAL;
}

/* Whether a read of the object file would return something: 1, 0, or
 * -EBADF. Called with big_lock held. */
static int obj_pending(struct client *oc)
{
	if (!oc->bound || !oc->handle_open)
		return -EBADF;
	if (oc->obj_kind == IOMMUSIM_OBJ_FAULT)
		return iommufd_sim_fault_pending(oc->bound->ctx, oc->handle);
	if (oc->obj_kind == IOMMUSIM_OBJ_VEVENTQ)
		return iommufd_sim_veventq_pending(oc->bound->ctx, oc->handle);
	return 0;
}

/* Wake the polls that now have something to read (after any ioctl: an
 * IOPF or a vEVENT is queued by one). Called with big_lock held. */
static void notify_polls(void)
{
	for (struct client *o = objects; o; o = o->next_obj)
		if (o->ph && obj_pending(o) > 0) {
			fuse_notify_poll(o->ph);
			fuse_pollhandle_destroy(o->ph);
			o->ph = NULL;
		}
}

/*
 * read() and write() on an object file: the kernel's file ignores its
 * position (it never moves it), so the position FUSE sends (which does
 * move) is not passed on. An access file has neither: EINVAL, as the
 * kernel's anonymous access file has no read or write.
 */
static int obj_rw(struct client *oc, char *buf, size_t size, bool write)
{
	struct client *cl = oc->bound;
	int64_t n;

	if (!cl || !oc->handle_open)
		return -EBADF;
	if (oc->obj_kind == IOMMUSIM_OBJ_ACCESS ||
	    (write && oc->obj_kind == IOMMUSIM_OBJ_VEVENTQ))
		return -EINVAL;
	cl->local = true;
	if (write)
		n = iommufd_sim_fault_write(cl->ctx, oc->handle, (uintptr_t)buf,
					    size, 0);
	else if (oc->obj_kind == IOMMUSIM_OBJ_FAULT)
		n = iommufd_sim_fault_read(cl->ctx, oc->handle, (uintptr_t)buf,
					   size, 0);
	else
		n = iommufd_sim_veventq_read(cl->ctx, oc->handle,
					     (uintptr_t)buf, size, 0);
	cl->local = false;
	return (int)n;
}

/*
 * DIR/stats: what the daemon holds now, a "name value" line each, so a
 * test (or a curious user) can see that a client's death freed all it
 * had: open iommufds (contexts), vfio files bound, object files bound,
 * and pages pinned for them (charged to users or processes).
 */
static int stats_read(char *buf, size_t size, off_t off)
{
	unsigned int ctxs = 0, objs = 0, bound = 0;
	uint64_t pinned = 0;
	char text[512];
	int len;

	pthread_mutex_lock(&big_lock);
	for (struct client *c = live; c; c = c->next_live) {
		struct iofd_pin_stats ps;

		iommufd_sim_pin_stats(c->ctx, &ps);
		pinned += ps.user_pages + ps.process_pages;
		ctxs++;
		bound += c->refs - 1; /* each bound file holds one */
	}
	for (struct client *o = objects; o; o = o->next_obj)
		objs++;
	for (struct client *c = containers; c; c = c->next_cont)
		pinned += vfio_spapr_container_pinned(c->spc);
	pthread_mutex_unlock(&big_lock);
	len = snprintf(text, sizeof(text),
		       "contexts %u\nbound_files %u\nobject_files %u\n"
		       "pinned_pages %" PRIu64 "\n",
		       ctxs, bound, objs, pinned);
	if (off >= len)
		return 0;
	if (size > (size_t)(len - off))
		size = (size_t)(len - off);
	memcpy(buf, text + off, size);
	return (int)size;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct client *oc = (struct client *)(uintptr_t)fi->fh;
	int ret;

	(void)path;
	if (oc->kind == CL_STATS)
		return stats_read(buf, size, off);
	if (oc->kind != CL_OBJECT)
		return -EINVAL;
	pthread_mutex_lock(&big_lock);
	ret = obj_rw(oc, buf, size, false);
	pthread_mutex_unlock(&big_lock);
	return ret;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct client *oc = (struct client *)(uintptr_t)fi->fh;
	int ret;

	(void)path;
	(void)off;
	if (oc->kind != CL_OBJECT)
		return -EINVAL;
	pthread_mutex_lock(&big_lock);
	ret = obj_rw(oc, (char *)buf, size, true);
	notify_polls();
	pthread_mutex_unlock(&big_lock);
	return ret;
}

/* poll(): a fault file is always writable (EPOLLOUT) and readable when a
 * fault is pending; a vEVENTQ file readable when an event is queued. */
static int fs_poll(const char *path, struct fuse_file_info *fi,
		   struct fuse_pollhandle *ph, unsigned int *reventsp)
{
	struct client *oc = (struct client *)(uintptr_t)fi->fh;
	int pending;

	(void)path;
	if (oc->kind != CL_OBJECT) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		*reventsp = 0;
		return 0;
	}
	pthread_mutex_lock(&big_lock);
	pending = obj_pending(oc);
	*reventsp = pending > 0 ? POLLIN | POLLRDNORM : 0;
	if (oc->obj_kind == IOMMUSIM_OBJ_FAULT && pending >= 0)
		*reventsp |= POLLOUT | POLLWRNORM;
	if (pending < 0)
		*reventsp = POLLERR;
	if (ph && pending == 0) {
		if (oc->ph)
			fuse_pollhandle_destroy(oc->ph);
		oc->ph = ph;
	} else if (ph) {
		fuse_pollhandle_destroy(ph);
	}
	pthread_mutex_unlock(&big_lock);
	return 0;
}

/* IOMMUSIM_WHOAMI: for the daemon only (a bind's lookup); no lock */
static int whoami(struct client *cl, void *arg)
{
	pid_t tgid = 0;

	proc_field(fuse_get_context()->pid, "status", "Tgid:", "%d", &tgid);
	if (tgid != getpid())
		return -ENOTTY;
	*(uint64_t *)arg = (uintptr_t)cl;
	return 0;
}

/*
 * IOMMUSIM_MMAP: the helper's mapping at m.uptr becomes the region's
 * bytes; the mapping is counted only once they are there. Called with
 * big_lock held.
 */
static int iommu_mmap(struct client *cl, uint64_t arg)
{
	struct iommusim_mmap m;
	const void *data;
	int ret;

	if (remote_rw(cl, arg, &m, sizeof(m), false))
		return -EFAULT;
	if (m.argsz < sizeof(m))
		return -EINVAL;
	ret = iommufd_sim_mmap(cl->ctx, m.offset, m.length, m.flags, &data);
	if (ret)
		return ret;
	ret = remote_rw(cl, m.uptr, (void *)data, m.length, true);
	if (ret)
		iommufd_sim_munmap(cl->ctx, m.offset);
	return ret;
}

/*
 * The VFIO sPAPR container and group files (uapi_sim/vfio_spapr.c).
 * A container client lives while its file is open or a group is set to
 * it (its refs), as the kernel's container outlives its file then; a
 * group client holds a reference on the container client it is set to.
 */

/* Open a container or group (docs/vfio_spapr.md); with big_lock held. */
static int spapr_open(struct client *cl, const struct iofd_uaccess *ua, int grp)
{
	int ret;

	if (cl->kind == CL_GROUP) {
		ret = vfio_spapr_group_open(machine, (unsigned int)grp, ua,
					    NULL, NULL, &cl->spg);
		if (!ret)
			cl->dev = (unsigned int)vfio_spapr_group_dev(cl->spg);
		return ret;
	}
	ret = vfio_spapr_container_open(machine, ua, &cl->spc);
	if (ret)
		return ret;
	cl->refs = 1;
	cl->file_open = true;
	cl->next_cont = containers;
	containers = cl;
	return 0;
}

/* Drop a reference on a container client; with big_lock held. */
static void cont_put(struct client *cc)
{
	struct client **pp;

	if (--cc->refs)
		return;
	for (pp = &containers; *pp != cc; pp = &(*pp)->next_cont)
		;
	*pp = cc->next_cont;
	close(cc->pidfd);
	free(cc);
}

/* Close a container or group file; with big_lock held. */
static void spapr_release(struct client *cl)
{
	if (cl->kind == CL_CONTAINER) {
		cl->file_open = false;
		vfio_spapr_container_close(cl->spc);
		cont_put(cl);
		return;
	}
	vfio_spapr_group_close(cl->spg); /* leaves its container */
	if (cl->cont)
		cont_put(cl->cont);
	close(cl->pidfd);
	free(cl);
}

/*
 * VFIO_GROUP_SET_CONTAINER: the caller's descriptor, as a bind names its
 * iommufd (cookie_of_fd, without the lock); a descriptor of another file
 * is EBADFD once the group's own checks pass (group.c's order).
 */
static int group_set_container(struct client *gc, pid_t tid, uint64_t arg)
{
	struct client *cc = NULL;
	uint64_t cookie = 0;
	int32_t fd;
	int ret;

	pthread_mutex_lock(&big_lock);
	gc->tid = tid;
	ret = remote_rw(gc, arg, &fd, sizeof(fd), false);
	pthread_mutex_unlock(&big_lock);
	if (ret)
		return ret;
	ret = cookie_of_fd(gc, fd, INO_CONTAINER, &cookie);
	if (ret == -EBADFD)
		ret = 0; /* open, but not a container */
	if (ret)
		return ret;
	pthread_mutex_lock(&big_lock);
	for (struct client *c = containers; c && cookie; c = c->next_cont)
		if ((uintptr_t)c == cookie && c->file_open)
			cc = c;
	ret = vfio_spapr_group_set_container(gc->spg, cc ? cc->spc : NULL);
	if (!ret) {
		gc->cont = cc;
		cc->refs++;
	}
	pthread_mutex_unlock(&big_lock);
	return ret;
}

static int spapr_ioctl(struct client *cl, pid_t tid, unsigned int cmd,
		       uint64_t arg, void *data)
{
	int ret;

	if (cl->kind == CL_CONTAINER && cmd == IOMMUSIM_WHOAMI)
		return whoami(cl, data);
	if (cl->kind == CL_GROUP && cmd == VFIO_GROUP_SET_CONTAINER)
		return group_set_container(cl, tid, arg);
	pthread_mutex_lock(&big_lock);
	cl->tid = tid;
	if (cl->kind == CL_CONTAINER)
		ret = vfio_spapr_container_ioctl(cl->spc, cmd, arg);
	else if (cmd == IOMMUSIM_VFIO_DMA) /* iommusim's own */
		ret = vfio_dma(cl, arg);
	else if (cmd == IOMMUSIM_VFIO_WALK)
		ret = vfio_walk(cl, arg);
	else
		ret = vfio_spapr_group_ioctl(cl->spg, cmd, arg);
	if (!ret && cmd == VFIO_GROUP_UNSET_CONTAINER && cl->cont) {
		cont_put(cl->cont);
		cl->cont = NULL;
	}
	pthread_mutex_unlock(&big_lock);
	return ret == -ENOSYS ? -ENOTTY : ret;
}

static int fs_ioctl(const char *path, unsigned int cmd, void *arg,
		    struct fuse_file_info *fi, unsigned int flags, void *data)
{
	struct client *cl = (struct client *)(uintptr_t)fi->fh;
	pid_t tid = fuse_get_context()->pid;
	int ret;

	(void)path;
	(void)flags;
	(void)data;
	if (cl->kind == CL_VFIO)
		return vfio_ioctl(cl, tid, cmd, (uint64_t)(uintptr_t)arg);
	if (cl->kind == CL_OBJECT)
		return obj_ioctl(cl, cmd, data);
	if (cl->kind == CL_STATS)
		return -ENOTTY;
	if (cl->kind == CL_CONTAINER || cl->kind == CL_GROUP)
		return spapr_ioctl(cl, tid, cmd, (uint64_t)(uintptr_t)arg,
				   data);
	if (cmd == IOMMUSIM_WHOAMI)
		return whoami(cl, data);
	pthread_mutex_lock(&big_lock);
	cl->tid = tid;
	if (cmd == IOMMUSIM_MMAP)
		ret = iommu_mmap(cl, (uintptr_t)arg);
	else if (cmd == IOMMUSIM_MUNMAP)
		ret = iommufd_sim_munmap(cl->ctx, (uintptr_t)arg);
	else
		ret = iommufd_sim_ioctl(cl->ctx, cmd, (uint64_t)(uintptr_t)arg);
	notify_polls();
	pthread_mutex_unlock(&big_lock);
	return ret == -ENOSYS ? -ENOTTY : ret;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->use_ino = 1;
	cfg->attr_timeout = 86400;
	cfg->entry_timeout = 86400;
	return NULL;
}

static const struct fuse_operations fs_ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.release = fs_release,
	.read = fs_read,
	.write = fs_write,
	.ioctl = fs_ioctl,
	.poll = fs_poll,
};

/* The device number of the mount at @dir, from /proc/self/mountinfo (a
 * stat of it would be a request nobody serves yet). */
static dev_t dev_of_mount(const char *dir)
{
	char real[4096], line[4096], point[4096];
	unsigned int maj, min;
	dev_t dev = 0;
	FILE *f;

	if (!realpath(dir, real))
		snprintf(real, sizeof(real), "%s", dir);
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min,
			   point) == 3 &&
		    !strcmp(point, real))
			dev = makedev(maj, min);
	fclose(f);
	return dev;
}

static sem_t pool_done; /* a pool thread has stopped */

/*
 * One pool thread: read a request from the FUSE device, serve it, repeat
 * until the session ends (unmount: the read fails with ENODEV; a signal:
 * serve_pool ends the session and interrupts the read with SIGUSR1).
 */
static void *pool_thread(void *arg)
{
	struct fuse_session *se = arg;
	struct fuse_buf buf = { 0 };
	int res;

	while (!fuse_session_exited(se)) {
		res = fuse_session_receive_buf(se, &buf);
		if (res == -EINTR)
			continue;
		if (res <= 0)
			break;
		fuse_session_process_buf(se, &buf);
	}
	free(buf.mem);
	sem_post(&pool_done);
	return NULL;
}

static void wake(int sig)
{
	(void)sig; /* only to interrupt a read */
}

/* One more pool thread, with the stopping signals blocked (they are for
 * serve_pool's thread); 0 or -1. Called with pool_lock held. */
static int pool_grow(void)
{
	sigset_t stop, old;
	int ret;

	if (pool_size == POOL_MAX || pool_closing)
		return -1;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	ret = pthread_create(&pool[pool_size], NULL, pool_thread, pool_se);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -1;
	pool_size++;
	return 0;
}

/*
 * Serve with POOL_THREADS threads (more while binds ask) until the
 * session ends; 0 then, -1 when the pool could not start. libfuse's
 * handlers for the stopping signals (SIGINT, SIGTERM, SIGHUP) run in this
 * thread, which only waits; a pool thread woken from its read finds the
 * session ended.
 */
static int serve_pool(struct fuse_session *se)
{
	struct sigaction sa = { .sa_handler = wake }; /* no SA_RESTART */
	unsigned int n;
	int ret = 0;

	sigaction(SIGUSR1, &sa, NULL);
	sem_init(&pool_done, 0, 0);
	pool_se = se;
	pthread_mutex_lock(&pool_lock);
	while (pool_size < POOL_THREADS && !ret)
		ret = pool_grow();
	pthread_mutex_unlock(&pool_lock);
	if (ret)
		fuse_session_exit(se);
	while (!fuse_session_exited(se) && sem_wait(&pool_done))
		; /* EINTR: a signal; libfuse's handler ended the session */
	fuse_session_exit(se);
	pthread_mutex_lock(&pool_lock);
	pool_closing = true; /* no more threads from here */
	n = pool_size;
	pthread_mutex_unlock(&pool_lock);
	for (unsigned int i = 0; i < n; i++)
		while (pthread_tryjoin_np(pool[i], NULL)) {
			pthread_kill(pool[i], SIGUSR1);
			usleep(1000);
		}
	return ret;
}

/**
 * iommusim_mount() - serve DIR/iommu until unmounted or signalled.
 * @dir: the mount point (an existing directory).
 * @foreground: stay attached to the terminal.
 * @topo: the machine (NULL: the default).
 *
 * Return: a process exit status.
 */
int iommusim_mount(const char *dir, bool foreground,
		   const struct iofd_topology *topo)
{
	char *argv[] = { "iommusim", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	char err[256];
	struct fuse *f;
	int ret = 1;

	if (iofd_sys_create(topo, &machine, err, sizeof(err))) {
		fprintf(stderr, "iommusim mount: %s\n", err);
		return 1;
	}
	f = fuse_new(&args, &fs_ops, sizeof(fs_ops), NULL);
	if (!f || fuse_mount(f, dir)) {
		fprintf(stderr, "iommusim mount: cannot mount on %s\n", dir);
		goto out;
	}
	if (fuse_set_signal_handlers(fuse_get_session(f)) ||
	    fuse_daemonize(foreground)) {
		fuse_unmount(f);
		goto out;
	}
	mount_dev = dev_of_mount(dir);
	ret = serve_pool(fuse_get_session(f)) < 0 ? 1 : 0;
	fuse_remove_signal_handlers(fuse_get_session(f));
	fuse_unmount(f);
out:
	if (f)
		fuse_destroy(f);
	fuse_opt_free_args(&args);
	iofd_sys_destroy(machine);
	return ret;
}

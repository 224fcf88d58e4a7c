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
 * (pidfd_getfd). Requests are served by several threads; one lock keeps
 * the machine and its contexts single-threaded, as uapi_sim requires.
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
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mount.h"
#include "uapi_sim/iommufd.h"

struct client {
	pid_t tgid; /* the opener */
	pid_t tid; /* the thread of the request being served */
	int pidfd; /* the opener, pinned */
	struct iofd_ctx *ctx;
};

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct iofd_sys *machine;

static int remote_rw(struct client *cl, uint64_t uptr, void *buf, size_t len,
		     bool write)
{
	struct iovec local = { buf, len }, remote = { (void *)uptr, len };
	ssize_t n;

	if (!len)
		return 0;
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

/* Whether [uptr, uptr + len) is covered by the caller's mappings (and,
 * for @write, writable ones): /proc/<pid>/maps, in address order. */
static int remote_pin(void *ctx, uint64_t uptr, uint64_t len, bool write)
{
	struct client *cl = ctx;
	uint64_t at = uptr & ~0xfffULL, end;
	char path[64], line[512];
	FILE *f;

	if (__builtin_add_overflow(uptr, len, &end))
		return -EFAULT;
	snprintf(path, sizeof(path), "/proc/%d/maps", cl->tgid);
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

static int remote_get_file(void *ctx, int32_t fd)
{
	struct client *cl = ctx;
	long nfd = syscall(SYS_pidfd_getfd, cl->pidfd, fd, 0);

	return nfd < 0 ? -EBADF : (int)nfd;
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

static int fs_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (!strcmp(path, "/iommu")) {
		st->st_mode = S_IFREG | 0666;
		st->st_nlink = 1;
		return 0;
	}
	return -ENOENT;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
		      off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	if (strcmp(path, "/"))
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "iommu", NULL, 0, 0);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	struct fuse_context *fc = fuse_get_context();
	struct iofd_uaccess ua = { .read = remote_read,
				   .write = remote_write,
				   .pin = remote_pin,
				   .get_file = remote_get_file };
	struct client *cl;
	int ret;

	if (strcmp(path, "/iommu"))
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
	ua.ctx = cl;
	ua.uid = fc->uid;
	ua.pid = cl->tgid;
	ua.memlock_limit = memlock_limit(cl->tgid);
	pthread_mutex_lock(&big_lock);
	ret = iommufd_sim_open_sys(machine, &ua, &cl->ctx);
	pthread_mutex_unlock(&big_lock);
	if (ret) {
		close(cl->pidfd);
		free(cl);
		return ret;
	}
	fi->fh = (uintptr_t)cl;
	fi->direct_io = 1;
	fi->nonseekable = 1;
	return 0;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct client *cl = (struct client *)(uintptr_t)fi->fh;

	(void)path;
	pthread_mutex_lock(&big_lock);
	iommufd_sim_close(cl->ctx);
	pthread_mutex_unlock(&big_lock);
	close(cl->pidfd);
	free(cl);
	return 0;
}

static int fs_ioctl(const char *path, unsigned int cmd, void *arg,
		    struct fuse_file_info *fi, unsigned int flags, void *data)
{
	struct client *cl = (struct client *)(uintptr_t)fi->fh;
	int ret;

	(void)path;
	(void)flags;
	(void)data;
	pthread_mutex_lock(&big_lock);
	cl->tid = fuse_get_context()->pid;
	ret = iommufd_sim_ioctl(cl->ctx, cmd, (uint64_t)(uintptr_t)arg);
	pthread_mutex_unlock(&big_lock);
	return ret == -ENOSYS ? -ENOTTY : ret;
}

static const struct fuse_operations fs_ops = {
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.release = fs_release,
	.ioctl = fs_ioctl,
};

/**
 * iommusim_mount() - serve DIR/iommu until unmounted or signalled.
 * @dir: the mount point (an existing directory).
 * @foreground: stay attached to the terminal.
 *
 * Return: a process exit status.
 */
int iommusim_mount(const char *dir, bool foreground)
{
	char *argv[] = { "iommusim", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_loop_config *cfg;
	char err[256];
	struct fuse *f;
	int ret = 1;

	if (iofd_sys_create(NULL, &machine, err, sizeof(err))) {
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
	cfg = fuse_loop_cfg_create();
	/* a signal (SIGINT, SIGTERM) ends the loop with its number: a
	 * clean stop; only a negative value is a failure */
	ret = fuse_loop_mt(f, cfg) < 0 ? 1 : 0;
	fuse_loop_cfg_destroy(cfg);
	fuse_remove_signal_handlers(fuse_get_session(f));
	fuse_unmount(f);
out:
	if (f)
		fuse_destroy(f);
	fuse_opt_free_args(&args);
	iofd_sys_destroy(machine);
	return ret;
}

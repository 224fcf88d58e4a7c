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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mount.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

/*
 * One open file: DIR/iommu (a context) or DIR/vfio/devices/vfioN (a
 * device, once bound, in some iommu client's context).
 */
struct client {
	pid_t tgid; /* the opener */
	pid_t tid; /* the thread of the request being served */
	int pidfd; /* the opener, pinned */
	bool vfio;
	/* iommu */
	struct iofd_ctx *ctx;
	unsigned int refs; /* the open file, and each vfio file bound to it */
	struct client *next_live;
	/* vfio */
	unsigned int dev;
	struct client *bound; /* the iommu client it is bound in */
	uint32_t dev_id;
};

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct iofd_sys *machine;
static struct client *live; /* iommu clients with a context */

/* iommusim's own: the daemon asks an iommu file it holds which client it
 * is (how VFIO_DEVICE_BIND_IOMMUFD finds the context of a descriptor). */
#define IOMMUSIM_WHOAMI IOMMUFD_IO(0xe1)

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
	if (!strcmp(path, "/vfio") || !strcmp(path, "/vfio/devices")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (!strcmp(path, "/iommu") || vfio_index(path) >= 0) {
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
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	if (!strcmp(path, "/")) {
		fill(buf, "iommu", NULL, 0, 0);
		fill(buf, "vfio", NULL, 0, 0);
	} else if (!strcmp(path, "/vfio")) {
		fill(buf, "devices", NULL, 0, 0);
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
				   .get_file = remote_get_file };
	int dev = vfio_index(path);
	struct client *cl;
	int ret = 0;

	if (strcmp(path, "/iommu") && dev < 0)
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
	cl->vfio = dev >= 0;
	cl->dev = dev < 0 ? 0 : (unsigned int)dev;
	ua.ctx = cl;
	ua.uid = fc->uid;
	ua.pid = cl->tgid;
	ua.memlock_limit = memlock_limit(cl->tgid);
	pthread_mutex_lock(&big_lock);
	if (!cl->vfio) {
		ret = iommufd_sim_open_sys(machine, &ua, &cl->ctx);
		if (!ret) {
			cl->refs = 1;
			cl->next_live = live;
			live = cl;
		}
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

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct client *cl = (struct client *)(uintptr_t)fi->fh;

	(void)path;
	pthread_mutex_lock(&big_lock);
	if (!cl->vfio) {
		iommu_put(cl);
	} else {
		if (cl->bound) { /* closing the device file unbinds it */
			iommufd_sim_unbind(cl->bound->ctx, cl->dev_id);
			iommu_put(cl->bound);
		}
		close(cl->pidfd);
		free(cl);
	}
	pthread_mutex_unlock(&big_lock);
	return 0;
}

/* The iommu client behind the caller's descriptor @fd, or NULL: the
 * daemon takes the descriptor and asks it (IOMMUSIM_WHOAMI). Must be
 * called without big_lock: the question is served by another thread. */
static struct client *iommu_of_fd(struct client *vc, int32_t fd)
{
	long own = syscall(SYS_pidfd_getfd, vc->pidfd, fd, 0);
	uint64_t who = 0;

	if (own < 0)
		return NULL;
	if (ioctl((int)own, IOMMUSIM_WHOAMI, &who))
		who = 0;
	close((int)own);
	return (struct client *)(uintptr_t)who;
}

static bool is_live(const struct client *cl)
{
	for (const struct client *c = live; c; c = c->next_live)
		if (c == cl)
			return true;
	return false;
}

/* vfio_df_ioctl_bind_iommufd */
static int vfio_bind(struct client *vc, uint64_t arg)
{
	struct vfio_device_bind_iommufd b;
	const uint32_t minsz =
		offsetof(struct vfio_device_bind_iommufd, token_uuid_ptr);
	struct client *cl;
	int ret;

	if (remote_rw(vc, arg, &b, minsz, false))
		return -EFAULT;
	if (b.argsz < minsz || b.iommufd < 0 ||
	    (b.flags & ~VFIO_DEVICE_BIND_FLAG_TOKEN))
		return -EINVAL;
	cl = iommu_of_fd(vc, b.iommufd);
	pthread_mutex_lock(&big_lock);
	if (vc->bound)
		ret = -EINVAL; /* one bind per device file */
	else if (!cl || !is_live(cl))
		ret = -EBADFD; /* not an iommufd */
	else
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

static int vfio_ioctl(struct client *vc, unsigned int cmd, uint64_t arg)
{
	int ret;

	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return vfio_bind(vc, arg);
	pthread_mutex_lock(&big_lock);
	if (!vc->bound) /* every other ioctl needs the bind first */
		ret = -EINVAL;
	else if (cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT ||
		 cmd == VFIO_DEVICE_DETACH_IOMMUFD_PT)
		ret = vfio_attach(vc, arg,
				  cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	else if (cmd == VFIO_DEVICE_GET_INFO)
		ret = vfio_info(vc, arg);
	else if (cmd == IOMMUSIM_VFIO_DMA)
		ret = vfio_dma(vc, arg);
	else if (cmd == IOMMUSIM_VFIO_WALK)
		ret = vfio_walk(vc, arg);
	else
		ret = -ENOTTY;
	pthread_mutex_unlock(&big_lock);
	return ret;
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
	if (!cl->vfio && cmd == IOMMUSIM_WHOAMI) {
		pid_t tgid = 0;

		/* only the daemon itself: the answer goes to its memory */
		proc_field(tid, "status", "Tgid:", "%d", &tgid);
		if (tgid == getpid()) {
			*(uint64_t *)arg = (uintptr_t)cl;
			return 0;
		}
	}
	if (cl->vfio) {
		cl->tid = tid;
		return vfio_ioctl(cl, cmd, (uint64_t)(uintptr_t)arg);
	}
	pthread_mutex_lock(&big_lock);
	cl->tid = tid;
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

// SPDX-License-Identifier: MIT
/*
 * main.c - the iommufd context and the ioctl dispatcher, in the order the
 * kernel's drivers/iommu/iommufd/main.c checks (fact sheet
 * shared/reference/iommufd-uapi.md 1.2):
 *   1. a number outside the table goes to the VFIO compatibility handler
 *      (vfio_compat.c);
 *   2. the leading u32 size is read (EFAULT);
 *   3. a slot whose full command differs (or is empty) is ENOTTY;
 *   4. size below the command's minimum is EINVAL;
 *   5. the struct is copied: shorter ones zero-extended, longer ones only if
 *      every extra byte is zero (else E2BIG);
 *   6. the handler runs and writes the whole struct back through
 *      iofd_ucmd_respond() (min(user size, struct size) bytes).
 *
 * Only the commands in iofd_ops_by_nr[] exist so far; the others answer
 * ENOTTY like an absent ioctl (docs/iommufd.md says which).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include "iofd_private.h"
#include "iommufd_test_uapi.h"

union iofd_ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_ioas_alloc ioas_alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_option option;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_ioas_map map;
	struct iommu_ioas_map_file map_file;
	struct iommu_ioas_unmap unmap;
	struct iommu_ioas_copy copy;
	struct iommu_ioas_change_process change_process;
	struct iommu_hwpt_alloc hwpt_alloc;
	struct iommu_hw_info hw_info;
	struct iommu_hwpt_set_dirty_tracking set_dirty;
	struct iommu_hwpt_get_dirty_bitmap get_dirty;
	struct iommu_hwpt_invalidate invalidate;
	struct iommu_test_cmd test;
	struct iommu_fault_alloc fault_alloc;
	struct iommu_viommu_alloc viommu_alloc;
	struct iommu_vdevice_alloc vdevice_alloc;
	struct iommu_veventq_alloc veventq_alloc;
	struct iommu_hw_queue_alloc hw_queue_alloc;
};

struct iofd_ioctl_op {
	unsigned long cmd;
	uint32_t size;
	uint32_t min_size;
	int (*execute)(struct iofd_ucmd *ucmd);
};

/* min_size is the end of the last field an old client must supply. */
#define IOCTL_OP(ioctl, fn, type, last)                                       \
	[ioctl & 0xff] = {                                                    \
		.cmd = ioctl,                                                 \
		.size = sizeof(type),                                         \
		.min_size = offsetof(type, last) + sizeof(((type *)0)->last), \
		.execute = fn,                                                \
	}

#define IOFD_TABLE_BASE IOMMUFD_CMD_BASE
#define IOFD_TABLE_END ((IOMMU_TEST_CMD & 0xff) + 1)

static const struct iofd_ioctl_op iofd_ops_by_nr[IOFD_TABLE_END] = {
	IOCTL_OP(IOMMU_DESTROY, iofd_destroy_ioctl, struct iommu_destroy, id),
	IOCTL_OP(IOMMU_IOAS_ALLOC, iofd_ioas_alloc_ioctl,
		 struct iommu_ioas_alloc, out_ioas_id),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, iofd_ioas_allow_iovas,
		 struct iommu_ioas_allow_iovas, allowed_iovas),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, iofd_ioas_iova_ranges,
		 struct iommu_ioas_iova_ranges, out_iova_alignment),
	IOCTL_OP(IOMMU_IOAS_MAP, iofd_ioas_map, struct iommu_ioas_map, iova),
	IOCTL_OP(IOMMU_IOAS_MAP_FILE, iofd_ioas_map_file,
		 struct iommu_ioas_map_file, iova),
	IOCTL_OP(IOMMU_IOAS_UNMAP, iofd_ioas_unmap, struct iommu_ioas_unmap,
		 length),
	IOCTL_OP(IOMMU_IOAS_COPY, iofd_ioas_copy, struct iommu_ioas_copy,
		 src_iova),
	IOCTL_OP(IOMMU_OPTION, iofd_option_ioctl, struct iommu_option, val64),
	IOCTL_OP(IOMMU_VFIO_IOAS, iofd_vfio_ioas, struct iommu_vfio_ioas,
		 __reserved),
	IOCTL_OP(IOMMU_IOAS_CHANGE_PROCESS, iofd_ioas_change_process,
		 struct iommu_ioas_change_process, __reserved),
	IOCTL_OP(IOMMU_HWPT_ALLOC, iofd_hwpt_alloc_ioctl,
		 struct iommu_hwpt_alloc, __reserved),
	IOCTL_OP(IOMMU_GET_HW_INFO, iofd_get_hw_info, struct iommu_hw_info,
		 __reserved),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, iofd_hwpt_set_dirty_tracking,
		 struct iommu_hwpt_set_dirty_tracking, __reserved),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, iofd_hwpt_get_dirty_bitmap,
		 struct iommu_hwpt_get_dirty_bitmap, data),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, iofd_hwpt_invalidate,
		 struct iommu_hwpt_invalidate, __reserved),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, iofd_fault_alloc_ioctl,
		 struct iommu_fault_alloc, out_fault_fd),
	IOCTL_OP(IOMMU_VIOMMU_ALLOC, iofd_viommu_alloc_ioctl,
		 struct iommu_viommu_alloc, out_viommu_id),
	IOCTL_OP(IOMMU_VDEVICE_ALLOC, iofd_vdevice_alloc_ioctl,
		 struct iommu_vdevice_alloc, virt_id),
	IOCTL_OP(IOMMU_VEVENTQ_ALLOC, iofd_veventq_alloc_ioctl,
		 struct iommu_veventq_alloc, out_veventq_fd),
	IOCTL_OP(IOMMU_HW_QUEUE_ALLOC, iofd_hw_queue_alloc_ioctl,
		 struct iommu_hw_queue_alloc, length),
	IOCTL_OP(IOMMU_TEST_CMD, iofd_test_cmd, struct iommu_test_cmd, last),
};

/* ---- the caller's memory ------------------------------------------------ */

static int self_read(void *ctx, uint64_t uptr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)uptr, len };

	(void)ctx;
	if (!len)
		return 0;
	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) ==
			       (ssize_t)len ?
		       0 :
		       -EFAULT;
}

static int self_write(void *ctx, uint64_t uptr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len },
		     remote = { (void *)uptr, len };

	(void)ctx;
	if (!len)
		return 0;
	return process_vm_writev(getpid(), &local, 1, &remote, 1, 0) ==
			       (ssize_t)len ?
		       0 :
		       -EFAULT;
}

/** iofd_uread() - copy from the caller; -EFAULT for a bad address. */
int iofd_uread(struct iofd_ctx *ictx, uint64_t uptr, void *buf, size_t len)
{
	return ictx->ua.read(ictx->ua.ctx, uptr, buf, len) ? -EFAULT : 0;
}

/** iofd_uwrite() - copy to the caller; -EFAULT for a bad address. */
int iofd_uwrite(struct iofd_ctx *ictx, uint64_t uptr, const void *buf,
		size_t len)
{
	return ictx->ua.write(ictx->ua.ctx, uptr, buf, len) ? -EFAULT : 0;
}

/**
 * iofd_ucmd_respond() - write the command struct back to the caller:
 * the whole struct, input fields included, up to the caller's size.
 * @ucmd: the command.
 * @cmd_len: the kernel's size of the struct.
 *
 * Return: 0 or -EFAULT.
 */
int iofd_ucmd_respond(struct iofd_ucmd *ucmd, size_t cmd_len)
{
	size_t n = ucmd->user_size < cmd_len ? ucmd->user_size : cmd_len;

	return iofd_uwrite(ucmd->ictx, ucmd->ubuffer, ucmd->cmd, n);
}

/* ---- dispatch ----------------------------------------------------------- */

/* The extensible-struct copy (the kernel's copy_struct_from_user). */
static int copy_struct(struct iofd_ctx *ictx, void *dst, size_t ksize,
		       uint64_t src, size_t usize)
{
	uint8_t tail[64];

	memset(dst, 0, ksize);
	if (usize <= ksize)
		return iofd_uread(ictx, src, dst, usize);
	for (size_t off = ksize; off < usize;) {
		size_t n = usize - off < sizeof(tail) ? usize - off :
							sizeof(tail);

		if (iofd_uread(ictx, src + off, tail, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (tail[i])
				return -E2BIG;
		off += n;
	}
	return iofd_uread(ictx, src, dst, ksize);
}

/**
 * iofd_user_data() - a driver's user struct, as the kernel's
 * __iommu_copy_struct_from_user (torvalds/linux include/linux/iommu.h):
 * shorter than @min or longer than @size EINVAL (not E2BIG: a driver's
 * data must not outgrow the kernel's struct, zero tail or not; the v6.17
 * selftest's "structure size sanity" checks it), shorter ones
 * zero-extended.
 * @ictx: the context.
 * @uptr: the user's pointer.
 * @ulen: the user's length.
 * @dst: the struct.
 * @size: its size.
 * @min: the end of its last mandatory field.
 *
 * Return: 0, -EINVAL or -EFAULT.
 */
int iofd_user_data(struct iofd_ctx *ictx, uint64_t uptr, uint32_t ulen,
		   void *dst, size_t size, size_t min)
{
	if (ulen < min || ulen > size)
		return -EINVAL;
	return copy_struct(ictx, dst, size, uptr, ulen);
}

/*
 * The common case in one copy: a struct no longer than ours, read whole
 * at once (across a process boundary each copy is a system call). The
 * results are the kernel's order of checks (size read, number, minimum
 * size) for every struct this can read; anything else (an unknown
 * number, a longer struct, or bytes past the caller's struct that cannot
 * be read) is -EAGAIN: the step-by-step path decides.
 */
static int read_whole(struct iofd_ctx *ictx, const struct iofd_ioctl_op *op,
		      unsigned long cmd, struct iofd_ucmd *ucmd)
{
	uint8_t *p = (uint8_t *)ucmd->cmd;

	if (!op->execute || op->cmd != cmd ||
	    iofd_uread(ictx, ucmd->ubuffer, p, op->size))
		return -EAGAIN;
	memcpy(&ucmd->user_size, p, sizeof(ucmd->user_size));
	if (ucmd->user_size > op->size)
		return -EAGAIN;
	if (ucmd->user_size < op->min_size)
		return -EINVAL;
	/* the caller's struct ends here: ours is zero-extended */
	memset(p + ucmd->user_size, 0, op->size - ucmd->user_size);
	return 0;
}

/**
 * iommufd_sim_ioctl() - one ioctl on a context.
 * @ictx: the context.
 * @cmd: the ioctl number.
 * @arg: the caller's pointer (a user address).
 *
 * Return: the handler's result: 0 or -errno (a VFIO compatibility command
 * may answer a positive value).
 */
int iommufd_sim_ioctl(struct iofd_ctx *ictx, unsigned long cmd, uint64_t arg)
{
	union iofd_ucmd_buffer buf;
	struct iofd_ucmd ucmd = { .ictx = ictx, .ubuffer = arg, .cmd = &buf };
	const struct iofd_ioctl_op *op;
	unsigned int nr = cmd & 0xff;
	int ret;

	if (nr < IOFD_TABLE_BASE || nr >= IOFD_TABLE_END)
		return iofd_vfio_ioctl(ictx, cmd, arg);
	op = &iofd_ops_by_nr[nr];
	ret = read_whole(ictx, op, cmd, &ucmd);
	if (ret != -EAGAIN)
		return ret ? ret : op->execute(&ucmd);
	if (iofd_uread(ictx, arg, &ucmd.user_size, sizeof(ucmd.user_size)))
		return -EFAULT;
	if (!op->execute || op->cmd != cmd)
		return -ENOTTY;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	ret = copy_struct(ictx, &buf, op->size, arg, ucmd.user_size);
	if (ret)
		return ret;
	return op->execute(&ucmd);
}

/* Whether [uptr, uptr + len) is mapped in this process: mincore() fails
 * with ENOMEM on a hole, and costs no page faults. */
static int self_pin(void *ctx, uint64_t uptr, uint64_t len, bool write)
{
	unsigned char vec[16384];
	const uint64_t chunk = sizeof(vec) * IOFD_PAGE_SIZE;
	uint64_t at = uptr & ~(IOFD_PAGE_SIZE - 1), end;

	(void)ctx;
	(void)write; /* mincore cannot tell read-only memory: docs/iommufd.md */
	if (__builtin_add_overflow(uptr, len, &end))
		return -EFAULT;
	while (at < end) {
		uint64_t n = end - at < chunk ? end - at : chunk;

		if (mincore((void *)at, n, vec))
			return -EFAULT;
		at += n;
	}
	return 0;
}

/* Our own descriptor of the caller's file (the kernel takes a reference
 * on the struct file). */
static int self_get_file(void *ctx, int32_t fd)
{
	int nfd;

	(void)ctx;
	nfd = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return nfd < 0 ? -EBADF : nfd;
}

/* CAP_IPC_LOCK (bit 14 of CapEff) lifts RLIMIT_MEMLOCK, as in the kernel. */
static bool self_cap_ipc_lock(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &eff) == 1;
	fclose(f);
	return found && (eff >> 14 & 1);
}

/**
 * iommufd_sim_self_uaccess() - the uaccess iommufd_sim_open() uses when
 * given none: this process's memory through process_vm_readv/writev, pin
 * checks by mincore, this process's uid and RLIMIT_MEMLOCK (none with
 * CAP_IPC_LOCK).
 * @ua: filled.
 */
void iommufd_sim_self_uaccess(struct iofd_uaccess *ua)
{
	struct rlimit rl;

	*ua = (struct iofd_uaccess){ .read = self_read,
				     .write = self_write,
				     .pin = self_pin,
				     .get_file = self_get_file,
				     .uid = (uint32_t)getuid(),
				     .memlock_limit = UINT64_MAX };
	if (!self_cap_ipc_lock() && !getrlimit(RLIMIT_MEMLOCK, &rl) &&
	    rl.rlim_cur != RLIM_INFINITY)
		ua->memlock_limit = rl.rlim_cur;
}

/**
 * iommufd_sim_open_sys() - a new context on machine @sys (what opening
 * /dev/iommu makes).
 * @sys: the machine; it must outlive the context.
 * @ua: how to reach the caller's memory, or NULL for this process (with
 *      its RLIMIT_MEMLOCK, unless it has CAP_IPC_LOCK).
 * @out: the context.
 *
 * Return: 0 or -ENOMEM.
 */
int iommufd_sim_open_sys(struct iofd_sys *sys, const struct iofd_uaccess *ua,
			 struct iofd_ctx **out)
{
	struct iofd_ctx *ictx = calloc(1, sizeof(*ictx));

	*out = NULL;
	if (!ictx)
		return -ENOMEM;
	if (ua)
		ictx->ua = *ua;
	else
		iommufd_sim_self_uaccess(&ictx->ua);
	ictx->sys = sys;
	sys->nctx++;
	*out = ictx;
	return 0;
}

/* The machine of iommufd_sim_open(): made by the first such context,
 * freed with the last. Contexts are not thread-safe (docs/iommufd.md). */
static struct iofd_sys *default_sys;

/**
 * iommufd_sim_open() - a new context on the default machine (one VT-d
 * unit, four devices: iofd_sys_create() with no topology).
 * @ua: as iommufd_sim_open_sys().
 * @out: the context.
 *
 * Return: 0 or -ENOMEM.
 */
int iommufd_sim_open(const struct iofd_uaccess *ua, struct iofd_ctx **out)
{
	int ret;

	if (!default_sys) {
		ret = iofd_sys_create(NULL, &default_sys, NULL, 0);
		if (ret)
			return ret;
		default_sys->is_default = true;
	}
	ret = iommufd_sim_open_sys(default_sys, ua, out);
	if (ret && !default_sys->nctx) {
		iofd_sys_destroy(default_sys);
		default_sys = NULL;
	}
	return ret;
}

/**
 * iommufd_sim_close() - close the context's accesses and unbind its
 * devices (as closing their files first would), destroy every object
 * (leaves first) and the context, as the kernel's release does.
 * @ictx: the context (NULL is fine).
 */
void iommufd_sim_close(struct iofd_ctx *ictx)
{
	struct iofd_sys *sys;

	if (!ictx)
		return;
	sys = ictx->sys;
	iofd_close_accesses(ictx);
	iofd_close_faults(ictx);
	iofd_close_veventqs(ictx);
	iofd_close_mmaps(ictx);
	iofd_unbind_all(ictx);
	iofd_destroy_all(ictx);
	free(ictx->objs);
	free(ictx);
	if (!--sys->nctx && sys->is_default) {
		iofd_sys_destroy(sys);
		default_sys = NULL;
	}
}

/**
 * iommufd_sim_pin_stats() - pages charged to the context's accounts now.
 * @ictx: the context.
 * @st: filled.
 */
void iommufd_sim_pin_stats(struct iofd_ctx *ictx, struct iofd_pin_stats *st)
{
	struct iofd_sys *sys = ictx->sys;

	st->process_pages = ictx->pinned_pages;
	st->user_pages = 0;
	for (unsigned int i = 0; i < sys->nusers; i++)
		if (sys->users[i].uid == ictx->ua.uid)
			st->user_pages = sys->users[i].pages;
}

/** iommufd_sim_sys() - the machine a context lives on. */
struct iofd_sys *iommufd_sim_sys(struct iofd_ctx *ictx)
{
	return ictx->sys;
}

/**
 * iofd_same_mm() - whether two contexts' clients share one address
 * space: the same uaccess methods on the same handle (this process for
 * the default; one client process for the transport).
 */
bool iofd_same_mm(const struct iofd_ctx *a, const struct iofd_ctx *b)
{
	return a->ua.read == b->ua.read && a->ua.ctx == b->ua.ctx;
}

/**
 * iommufd_sim_access_close() - what closing a selftest access fd does
 * (IOMMU_TEST_OP_CREATE_ACCESS returns the handle in out_access_fd).
 * @ictx: the context.
 * @access: the handle.
 *
 * Return: 0, or -EBADF for no such access.
 */
int iommufd_sim_access_close(struct iofd_ctx *ictx, uint32_t access)
{
	struct iofd_access *ac = iofd_access_get(ictx, access);

	if (!ac)
		return -EBADF;
	iofd_put_object(&ac->obj);
	iofd_access_destroy(ac);
	return 0;
}

/**
 * iommufd_sim_access_valid() - whether @access is an open access handle
 * (a transport checks it before giving it a file).
 *
 * Return: 0, or -EBADF.
 */
int iommufd_sim_access_valid(struct iofd_ctx *ictx, uint32_t access)
{
	struct iofd_access *ac = iofd_access_get(ictx, access);

	if (!ac)
		return -EBADF;
	iofd_put_object(&ac->obj);
	return 0;
}

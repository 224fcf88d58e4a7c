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
 *    the file only afterwards).
 * Descriptors it did not make (a dup of one, say) pass through as they
 * are. Everything else goes straight to libc.
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
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "uapi_sim/iommufd_test_uapi.h"
#include "uapi_sim/iommufd_uapi.h"

#define MAX_FDS 65536

/* The descriptors the shim made: kind (0: none) and handle, by number. */
static struct {
	uint8_t kind;
	uint32_t handle;
} made[MAX_FDS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int (*libc_ioctl)(int, unsigned long, ...);
static int (*libc_close)(int);

static void find_libc(void)
{
	if (!libc_ioctl) {
		libc_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT,
								     "ioctl");
		libc_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
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
	int fd;

	memcpy(&b.handle, arg + at, sizeof(b.handle));
	if (!path) {
		errno = ENODEV;
		return -1;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fd >= MAX_FDS || libc_ioctl(fd, IOMMUSIM_OBJ_BIND, &b)) {
		int e = fd >= MAX_FDS ? EMFILE : errno;

		libc_close(fd);
		errno = e;
		return -1;
	}
	pthread_mutex_lock(&lock);
	made[fd].kind = (uint8_t)kind;
	made[fd].handle = b.handle;
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
	if (id >= MAX_FDS || made[id].kind != IOMMUSIM_OBJ_ACCESS)
		return libc_ioctl(fd, IOMMU_TEST_CMD, cmd);
	copy.id = made[id].handle;
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

int close(int fd)
{
	bool ours = false;

	find_libc();
	if (fd >= 0 && fd < MAX_FDS) {
		pthread_mutex_lock(&lock);
		ours = made[fd].kind != 0;
		made[fd].kind = 0;
		pthread_mutex_unlock(&lock);
	}
	if (ours) /* the object goes now, as with the kernel's last fput */
		libc_ioctl(fd, IOMMUSIM_OBJ_CLOSE);
	return libc_close(fd);
}

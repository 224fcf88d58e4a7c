// SPDX-License-Identifier: MIT
/*
 * e2e_basic.c - a real client of the simulated /dev/iommu through FUSE:
 * the kernel's dispatch rules (sizes, unknown commands, bad pointers),
 * IOAS_ALLOC / MAP / UNMAP / DESTROY with ids and lengths written back,
 * and the VFIO compat API version, checked with plain ioctl(2) and errno.
 * Usage: e2e_basic PATH-OF-IOMMU. Exit 0 when every check held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/iommufd_uapi.h"

#include "e2e.h"

/* ioctl(2) as a client sees it: 0, or -1 with errno. */
static int ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg);
}

int main(int argc, char **argv)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_destroy d = { .size = sizeof(d) };
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct iommu_ioas_unmap u = { .size = sizeof(u) };
	void *buf;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: e2e_basic PATH\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	CHECK(ioc(fd, IOMMU_IOAS_ALLOC, &a) == 0 && a.out_ioas_id == 1);
	/* the kernel's dispatch: short size, unknown number, bad pointer */
	a.size = 4;
	CHECK(ioc(fd, IOMMU_IOAS_ALLOC, &a) == -1 && errno == EINVAL);
	CHECK(ioc(fd, 0x3b9f, &a) == -1 && errno == ENOTTY);
	CHECK(ioc(fd, IOMMU_IOAS_ALLOC, (void *)8) == -1 && errno == EFAULT);
	/* map the client's own buffer, unmap it, length written back */
	buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		  IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = 1;
	m.user_va = (uintptr_t)buf;
	m.length = 8192;
	m.iova = 0x100000;
	CHECK(ioc(fd, IOMMU_IOAS_MAP, &m) == 0);
	CHECK(ioc(fd, IOMMU_IOAS_MAP, &m) == -1 && errno == EEXIST);
	u.ioas_id = 1;
	u.length = UINT64_MAX;
	CHECK(ioc(fd, IOMMU_IOAS_UNMAP, &u) == 0 && u.length == 8192);
	/* MAP_FILE takes the caller's descriptor: a memfd maps; the
	 * iommufd itself cannot back memory */
	{
		struct iommu_ioas_map_file mf = { .size = sizeof(mf) };
		int mfd = memfd_create("e2e", 0);

		CHECK(mfd >= 0 && ftruncate(mfd, 8192) == 0);
		mf.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE;
		mf.ioas_id = 1;
		mf.fd = mfd;
		mf.length = 8192;
		mf.iova = 0x100000;
		CHECK(ioc(fd, IOMMU_IOAS_MAP_FILE, &mf) == 0);
		close(mfd); /* the mapping holds the file */
		u.length = UINT64_MAX;
		CHECK(ioc(fd, IOMMU_IOAS_UNMAP, &u) == 0 && u.length == 8192);
		mf.fd = fd;
		CHECK(ioc(fd, IOMMU_IOAS_MAP_FILE, &mf) == -1 &&
		      errno == EINVAL);
		mf.fd = 1000;
		CHECK(ioc(fd, IOMMU_IOAS_MAP_FILE, &mf) == -1 &&
		      errno == EBADF);
	}
	d.id = 1;
	CHECK(ioc(fd, IOMMU_DESTROY, &d) == 0);
	CHECK(ioc(fd, IOMMU_DESTROY, &d) == -1 && errno == ENOENT);
	/* the VFIO container API on the same fd: version 0 */
	CHECK(ioctl(fd, VFIO_GET_API_VERSION) == VFIO_API_VERSION);
	close(fd);
	if (failures)
		fprintf(stderr, "e2e_basic: %d checks failed\n", failures);
	else
		printf("e2e_basic: all checks held\n");
	return failures ? 1 : 0;
}

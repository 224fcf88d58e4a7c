// SPDX-License-Identifier: MIT
/*
 * e2e_vfio.c - a client that binds a VT-d device through its vfio file,
 * as real userspace does (VFIO_DEVICE_BIND_IOMMUFD with the iommufd
 * descriptor, VFIO_DEVICE_ATTACH_IOMMUFD_PT), maps a buffer and has the
 * device DMA into it (iommusim's IOMMUSIM_VFIO_DMA): the bytes land in
 * this process's memory, and an unmapped IOVA is refused by the IOMMU.
 * Usage: e2e_vfio PATH-OF-IOMMU (the vfio files are beside it).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/iommufd_uapi.h"

#include "e2e.h"

/*
 * Two iommufds in one process: a device binds to the one its descriptor
 * names, and only that context's objects can be attached.
 */
static void two_contexts(const char *iommu)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommu_ioas_alloc a1 = { .size = sizeof(a1) };
	struct iommu_ioas_alloc a2 = { .size = sizeof(a2) };
	char dir[4096], path[4096];
	int fd1 = open(iommu, O_RDWR), fd2 = open(iommu, O_RDWR), vfd;

	snprintf(dir, sizeof(dir), "%s", iommu);
	snprintf(path, sizeof(path), "%s/vfio/devices/vfio1", dirname(dir));
	vfd = open(path, O_RDWR);
	CHECK(fd1 >= 0 && fd2 >= 0 && vfd >= 0);
	/* ids count per context: fd1 gets 1-3, fd2 1 (and 2, the device) */
	for (int i = 0; i < 3; i++)
		CHECK(ioctl(fd1, IOMMU_IOAS_ALLOC, &a1) == 0);
	CHECK(ioctl(fd2, IOMMU_IOAS_ALLOC, &a2) == 0);
	b.iommufd = fd2;
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0);
	at.pt_id = a1.out_ioas_id; /* fd1's third IOAS: not in fd2 */
	CHECK(ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) == -1 &&
	      errno == ENOENT);
	at.pt_id = a2.out_ioas_id;
	CHECK(ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) == 0);
	close(vfd);
	close(fd2);
	close(fd1);
}

int main(int argc, char **argv)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct iommusim_vfio_dma d = { .argsz = sizeof(d) };
	char path[4096], dir[4096], msg[] = "hello from the device";
	int fd, vfd, vfd2;
	uint8_t *buf;

	if (argc != 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	snprintf(path, sizeof(path), "%s/vfio/devices/vfio0", dirname(dir));
	fd = open(argv[1], O_RDWR);
	vfd = open(path, O_RDWR);
	if (fd < 0 || vfd < 0) {
		perror("open");
		return 1;
	}
	/* nothing but BIND before the bind */
	CHECK(ioctl(vfd, VFIO_DEVICE_GET_INFO, &info) == -1 && errno == EINVAL);
	b.iommufd = -1;
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == -1 &&
	      errno == EINVAL);
	b.iommufd = 0; /* stdin: not an iommufd */
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == -1 &&
	      errno == EBADFD);
	b.iommufd = fd;
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0 && b.out_devid);
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == -1 &&
	      errno == EINVAL);
	vfd2 = open(path, O_RDWR); /* the same device: bound already */
	CHECK(ioctl(vfd2, VFIO_DEVICE_BIND_IOMMUFD, &b) == -1 &&
	      errno == EINVAL);
	close(vfd2);
	CHECK(ioctl(vfd, VFIO_DEVICE_GET_INFO, &info) == 0 &&
	      (info.flags & VFIO_DEVICE_FLAGS_CDEV));
	/* an IOAS with a buffer, the device attached to it */
	CHECK(ioctl(fd, IOMMU_IOAS_ALLOC, &a) == 0);
	buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		  IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = a.out_ioas_id;
	m.user_va = (uintptr_t)buf;
	m.length = 8192;
	m.iova = 0x200000;
	CHECK(ioctl(fd, IOMMU_IOAS_MAP, &m) == 0);
	at.pt_id = a.out_ioas_id;
	CHECK(ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) == 0 &&
	      at.pt_id != a.out_ioas_id); /* the automatic HWPT */
	/* the device writes; the bytes are in this process's buffer */
	d.flags = IOMMUSIM_VFIO_DMA_WRITE;
	d.iova = 0x200000 + 4096 - 8; /* across the page boundary */
	d.length = sizeof(msg);
	d.uptr = (uintptr_t)msg;
	CHECK(ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == 0);
	CHECK(!memcmp(buf + 4096 - 8, msg, sizeof(msg)));
	/* an IOVA nobody mapped: the IOMMU refuses it */
	d.iova = 0x900000;
	CHECK(ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == -1 && errno == EIO &&
	      d.out_fault != 0);
	/* closing the device file unbinds it: the IOAS can go. FUSE sends
	 * the release after close() returns (docs/transport.md), so the
	 * IOAS may be busy for a moment */
	close(vfd);
	{
		struct iommu_destroy x = { .size = sizeof(x),
					   .id = a.out_ioas_id };
		int ret, tries = 0;

		while ((ret = ioctl(fd, IOMMU_DESTROY, &x)) && errno == EBUSY &&
		       tries++ < 200)
			usleep(5000);
		CHECK(ret == 0);
	}
	close(fd);
	two_contexts(argv[1]);
	if (failures)
		fprintf(stderr, "e2e_vfio: %d checks failed\n", failures);
	else
		printf("e2e_vfio: all checks held\n");
	return failures ? 1 : 0;
}

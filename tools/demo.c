// SPDX-License-Identifier: MIT
/*
 * demo.c - `iommusim-demo`: the main job's client, run under `iommusim
 * run`. It does what a VFIO user-space driver does with Linux's iommufd:
 * binds a VT-d device through /dev/vfio/devices/vfio0 to /dev/iommu,
 * makes an IOAS, maps a buffer of its own memory at an IOVA, attaches the
 * device; then has the device write into that IOVA and prints what
 * arrived in the buffer, with the page walk the VT-d unit did to
 * translate it, and shows a DMA to an IOVA nobody mapped being refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/iommufd_uapi.h"

#define IOVA 0x10000000ULL
#define LEN (4 * 4096ULL)

static int must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "iommusim-demo: %s: %s\n", what,
			strerror(errno));
		exit(1);
	}
	return ret;
}

static void walk(int vfd, uint64_t iova)
{
	static char text[8192];
	struct iommusim_vfio_walk w = { .argsz = sizeof(w),
					.access = 2, /* a write */
					.iova = iova,
					.uptr = (uintptr_t)text,
					.buflen = sizeof(text) };

	ioctl(vfd, IOMMUSIM_VFIO_WALK, &w);
	printf("%s", text);
}

int main(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommusim_vfio_dma d = { .argsz = sizeof(d) };
	const char msg[] = "Hello from a VT-d device!";
	int fd, vfd;
	uint8_t *buf;

	fd = must(open("/dev/iommu", O_RDWR), "/dev/iommu");
	vfd = must(open("/dev/vfio/devices/vfio0", O_RDWR),
		   "/dev/vfio/devices/vfio0");
	b.iommufd = fd;
	must(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b),
	     "VFIO_DEVICE_BIND_IOMMUFD");
	must(ioctl(fd, IOMMU_IOAS_ALLOC, &a), "IOMMU_IOAS_ALLOC");
	buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return must(-1, "mmap");
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		  IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = a.out_ioas_id;
	m.user_va = (uintptr_t)buf;
	m.length = LEN;
	m.iova = IOVA;
	must(ioctl(fd, IOMMU_IOAS_MAP, &m), "IOMMU_IOAS_MAP");
	at.pt_id = a.out_ioas_id;
	must(ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at),
	     "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	printf("device vfio0 bound to /dev/iommu as device %u; IOAS %u maps "
	       "%llu KiB of this process at IOVA 0x%llx;\n"
	       "the device is attached through HWPT %u (a VT-d page table).\n\n",
	       b.out_devid, a.out_ioas_id, (unsigned long long)LEN / 1024,
	       (unsigned long long)IOVA, at.pt_id);

	printf("How the VT-d unit translates a write to IOVA 0x%llx:\n",
	       (unsigned long long)(IOVA + 0x1234));
	walk(vfd, IOVA + 0x1234);
	d.flags = IOMMUSIM_VFIO_DMA_WRITE;
	d.iova = IOVA + 0x1234;
	d.length = sizeof(msg);
	d.uptr = (uintptr_t)msg;
	must(ioctl(vfd, IOMMUSIM_VFIO_DMA, &d), "IOMMUSIM_VFIO_DMA");
	printf("\nThe device wrote %zu bytes there; this process's buffer at "
	       "offset 0x1234 now holds:\n  \"%s\"\n\n",
	       sizeof(msg), (char *)buf + 0x1234);

	printf("A write to IOVA 0x%llx, which nobody mapped:\n",
	       (unsigned long long)(IOVA + LEN));
	walk(vfd, IOVA + LEN);
	d.iova = IOVA + LEN;
	if (ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == 0 || errno != EIO) {
		fprintf(stderr,
			"iommusim-demo: the unmapped DMA went through\n");
		return 1;
	}
	printf("The IOMMU refused it (fault reason 0x%x); nothing was "
	       "written.\n",
	       d.out_fault);
	close(vfd);
	close(fd);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * demo.c - `iommusim-demo [vfioN]`: the main job's client, run under
 * `iommusim run`. It does what a VFIO user-space driver does with Linux's
 * iommufd: binds a device (vfio0, a VT-d device, unless told another:
 * vfio4 is behind the Arm SMMUv3 in the default machine) through
 * /dev/vfio/devices/ to /dev/iommu, makes an IOAS, maps a buffer of its
 * own memory at an IOVA, attaches the device (vfio8 is behind the IBM
 * POWER PHB, whose windows take 64 KiB IO pages: the buffer is one); then has the device write
 * into that IOVA and prints what arrived in the buffer, with the walk the
 * IOMMU did to translate it, and shows a DMA to an IOVA nobody mapped
 * being refused. IOMMU_GET_HW_INFO says which IOMMU it is.
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
/* 64 KiB, aligned: a whole IO page of the POWER PHB's default 64-bit
 * window, which sets the IOVA alignment of the IOAS (docs/ppc_tce.md) */
#define LEN 0x10000ULL

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

/* The IOMMU in front of the bound device, from IOMMU_GET_HW_INFO. */
static const char *iommu_name(int fd, uint32_t dev_id)
{
	struct iommu_hw_info hi = { .size = sizeof(hi), .dev_id = dev_id };

	must(ioctl(fd, IOMMU_GET_HW_INFO, &hi), "IOMMU_GET_HW_INFO");
	if (hi.out_data_type == IOMMUSIM_HW_INFO_TYPE_PPC_TCE)
		return "POWER TCE";
	return hi.out_data_type == IOMMU_HW_INFO_TYPE_ARM_SMMUV3 ? "SMMUv3" :
								   "VT-d";
}

int main(int argc, char **argv)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommusim_vfio_dma d = { .argsz = sizeof(d) };
	const char *vfio = argc > 1 ? argv[1] : "vfio0", *unit;
	char path[64], msg[64];
	int fd, vfd;
	uint8_t *buf;

	if (argc > 2 || strlen(vfio) > 16 || strncmp(vfio, "vfio", 4)) {
		fprintf(stderr, "usage: iommusim-demo [vfioN]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", vfio);
	fd = must(open("/dev/iommu", O_RDWR), "/dev/iommu");
	vfd = must(open(path, O_RDWR), path);
	b.iommufd = fd;
	must(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b),
	     "VFIO_DEVICE_BIND_IOMMUFD");
	unit = iommu_name(fd, b.out_devid);
	snprintf(msg, sizeof(msg), "Hello from a%s %s device!",
		 unit[0] == 'S' ? "n" : "", unit);
	must(ioctl(fd, IOMMU_IOAS_ALLOC, &a), "IOMMU_IOAS_ALLOC");
	buf = mmap(NULL, 2 * LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return must(-1, "mmap");
	buf += (LEN - ((uintptr_t)buf & (LEN - 1))) & (LEN - 1);
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
	printf("device %s bound to /dev/iommu as device %u; IOAS %u maps "
	       "%llu KiB of this process at IOVA 0x%llx;\n"
	       "the device is attached through HWPT %u (a%s %s page table).\n\n",
	       vfio, b.out_devid, a.out_ioas_id, (unsigned long long)LEN / 1024,
	       (unsigned long long)IOVA, at.pt_id, unit[0] == 'S' ? "n" : "",
	       unit);

	printf("How the %s unit translates a write to IOVA 0x%llx:\n", unit,
	       (unsigned long long)(IOVA + 0x1234));
	walk(vfd, IOVA + 0x1234);
	d.flags = IOMMUSIM_VFIO_DMA_WRITE;
	d.iova = IOVA + 0x1234;
	d.length = strlen(msg) + 1;
	d.uptr = (uintptr_t)msg;
	must(ioctl(vfd, IOMMUSIM_VFIO_DMA, &d), "IOMMUSIM_VFIO_DMA");
	printf("\nThe device wrote %zu bytes there; this process's buffer at "
	       "offset 0x1234 now holds:\n  \"%s\"\n\n",
	       strlen(msg) + 1, (char *)buf + 0x1234);

	printf("A write to IOVA 0x%llx, which nobody mapped:\n",
	       (unsigned long long)(IOVA + LEN));
	walk(vfd, IOVA + LEN);
	d.iova = IOVA + LEN;
	if (ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == 0 || errno != EIO) {
		fprintf(stderr,
			"iommusim-demo: the unmapped DMA went through\n");
		return 1;
	}
	printf("The IOMMU refused it (fault code 0x%x); nothing was "
	       "written.\n",
	       d.out_fault);
	close(vfd);
	close(fd);
	return 0;
}

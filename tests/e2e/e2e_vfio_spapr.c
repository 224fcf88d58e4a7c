// SPDX-License-Identifier: MIT
/*
 * e2e_vfio_spapr.c - a legacy VFIO user on an IBM POWER host, as QEMU's
 * sPAPR machine drives it: open the container (DIR/vfio/vfio) and the
 * device's group (DIR/vfio/8), put the group in the container, choose
 * the sPAPR TCE v2 IOMMU, read the windows, preregister memory, map it
 * into the default 32-bit window and into a created 64-bit window at
 * 1 << 59 (64 KiB pages, two levels) and have the device DMA into it
 * through the PHB (iommusim's IOMMUSIM_VFIO_DMA on the group file);
 * then the errnos a user meets, the group's exclusion of iommufd binds,
 * and the release of every pin when the files close.
 * Run as `iommusim run -- e2e_vfio_spapr`: the files are /dev/iommu and
 * /dev/vfio/{vfio,8,9,devices}, as on a POWER host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/vfio_spapr.h"

#include "e2e.h"

#define K64 0x10000ULL
#define W1 (1ULL << 59)
#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* A file of /dev/vfio, where `iommusim run` puts the daemon's. */
static int open_at(const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "/dev/%s", name);
	return open(path, O_RDWR);
}

/* The device of group @gfd writes @len bytes of a pattern at @iova;
 * 0 or -errno. */
static int dev_write(int gfd, uint64_t iova, uint8_t *pat, uint64_t len)
{
	struct iommusim_vfio_dma d = { .argsz = sizeof(d),
				       .flags = IOMMUSIM_VFIO_DMA_WRITE,
				       .iova = iova,
				       .length = len,
				       .uptr = (uintptr_t)pat };

	for (uint64_t i = 0; i < len; i++)
		pat[i] = (uint8_t)(iova + i * 13 + 1);
	return ioctl(gfd, IOMMUSIM_VFIO_DMA, &d) ? -errno : 0;
}

static int map(int cfd, const void *va, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = RW,
					      .vaddr = (uintptr_t)va,
					      .iova = iova,
					      .size = size };

	return ioctl(cfd, VFIO_IOMMU_MAP_DMA, &m);
}

static uint8_t *aligned(uint64_t len)
{
	uint8_t *p = mmap(NULL, len + K64, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	p += (K64 - ((uintptr_t)p & (K64 - 1))) & (K64 - 1);
	memset(p, 0, len);
	return p;
}

/* The group keeps iommufd binds of its device out, and the reverse. */
static void ownership(int iommu)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b),
					      .iommufd = iommu };
	int vfd = open_at("vfio/devices/vfio9"), g;

	CHECK(vfd >= 0);
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0);
	g = open_at("vfio/9");
	CHECK(g < 0 && errno == EBUSY);
	close(vfd);
	/* the unbind comes with FUSE's RELEASE, a moment later */
	for (int i = 0; i < 200 && (g = open_at("vfio/9")) < 0; i++)
		usleep(10000);
	CHECK(g >= 0);
	vfd = open_at("vfio/devices/vfio9");
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == -1 && errno == EBUSY);
	close(vfd);
	close(g);
}

int main(void)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
	struct vfio_iommu_spapr_register_memory r = { .argsz = sizeof(r) };
	struct vfio_iommu_spapr_tce_create c = { .argsz = sizeof(c) };
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };
	uint8_t *buf = aligned(8 * K64), pat[64];
	int cfd, gfd, iommu, bad = 12345;
	int pinned;

	if (!buf)
		return 2;
	iommu = open("/dev/iommu", O_RDWR);
	cfd = open_at("vfio/vfio");
	gfd = open_at("vfio/8");
	CHECK(iommu >= 0 && cfd >= 0 && gfd >= 0);
	CHECK(open_at("vfio/0") < 0 && errno == ENOENT); /* a VT-d group */
	CHECK(open_at("vfio/8") < 0 && errno == EBUSY);

	CHECK(ioctl(cfd, VFIO_GET_API_VERSION) == VFIO_API_VERSION);
	CHECK(ioctl(cfd, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU) == 1);
	CHECK(ioctl(cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 0);
	CHECK(ioctl(gfd, VFIO_GROUP_GET_STATUS, &st) == 0 &&
	      st.flags == VFIO_GROUP_FLAGS_VIABLE);
	/* the container is named by a descriptor of this process */
	CHECK(ioctl(gfd, VFIO_GROUP_SET_CONTAINER, &bad) == -1 &&
	      errno == EBADF);
	CHECK(ioctl(gfd, VFIO_GROUP_SET_CONTAINER, &iommu) == -1 &&
	      errno == EBADFD);
	CHECK(ioctl(cfd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) == -1 &&
	      errno == EINVAL); /* no group yet */
	CHECK(ioctl(gfd, VFIO_GROUP_SET_CONTAINER, &cfd) == 0);
	CHECK(ioctl(gfd, VFIO_GROUP_GET_STATUS, &st) == 0 &&
	      st.flags == (VFIO_GROUP_FLAGS_VIABLE |
			   VFIO_GROUP_FLAGS_CONTAINER_SET));
	CHECK(ioctl(cfd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU) == -1 &&
	      errno == ENODEV);
	CHECK(ioctl(cfd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU) == 0);
	CHECK(ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, "0000:01:00.0") == -1 &&
	      errno == EOPNOTSUPP);
	CHECK(ioctl(cfd, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info) == 0);
	CHECK(info.flags == VFIO_IOMMU_SPAPR_INFO_DDW &&
	      info.dma32_window_start == 0 &&
	      info.dma32_window_size == 0x80000000u &&
	      info.ddw.max_dynamic_windows_supported == 2 &&
	      (info.ddw.pgsizes & K64));

	/* v2: memory is preregistered before it is mapped */
	CHECK(map(cfd, buf, 0x10000, K64) == -1 && errno == EPERM);
	r.vaddr = (uintptr_t)buf;
	r.size = 8 * K64;
	CHECK(ioctl(cfd, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &r) == 0);
	CHECK(stat_value("pinned_pages") >= 128);
	CHECK(map(cfd, buf, 0x10000, K64) == 0);
	CHECK(dev_write(gfd, 0x10000 + 0x40, pat, sizeof(pat)) == 0);
	CHECK(!memcmp(buf + 0x40, pat, sizeof(pat)));
	CHECK(map(cfd, buf, 0x100000000ULL, K64) == -1 && errno == ENXIO);

	/* a 64-bit window of 64 KiB pages in two levels */
	c.page_shift = 16;
	c.window_size = 1ULL << 32;
	c.levels = 2;
	CHECK(ioctl(cfd, VFIO_IOMMU_SPAPR_TCE_CREATE, &c) == 0);
	CHECK(c.start_addr == W1);
	CHECK(ioctl(cfd, VFIO_IOMMU_SPAPR_TCE_CREATE, &c) == -1 &&
	      errno == ENOSPC);
	CHECK(map(cfd, buf + 2 * K64, W1 + 4 * K64, 2 * K64) == 0);
	CHECK(dev_write(gfd, W1 + 5 * K64 + 8, pat, sizeof(pat)) == 0);
	CHECK(!memcmp(buf + 3 * K64 + 8, pat, sizeof(pat)));
	/* in use: cannot be unregistered */
	CHECK(ioctl(cfd, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &r) == -1 &&
	      errno == EBUSY);

	/* unmapped: the PHB refuses the device */
	u.iova = W1 + 4 * K64;
	u.size = 2 * K64;
	CHECK(ioctl(cfd, VFIO_IOMMU_UNMAP_DMA, &u) == 0);
	CHECK(dev_write(gfd, W1 + 5 * K64, pat, 8) == -EIO);
	CHECK(dev_write(gfd, 0x10000, pat, 8) == 0);

	ownership(iommu);

	/* closing with everything in place frees it all */
	close(cfd);
	CHECK(dev_write(gfd, 0x10000, pat, 8) == 0); /* the group holds it */
	close(gfd);
	for (int i = 0; i < 200 && (pinned = stat_value("pinned_pages")); i++)
		usleep(10000);
	CHECK(pinned == 0);
	gfd = open_at("vfio/8");
	CHECK(gfd >= 0);
	CHECK(dev_write(gfd, 0x10000, pat, 8) == -EIO);
	close(gfd);
	close(iommu);
	if (!failures)
		printf("e2e_vfio_spapr: all checks held\n");
	return failures ? 1 : 0;
}

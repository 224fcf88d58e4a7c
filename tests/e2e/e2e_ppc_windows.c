// SPDX-License-Identifier: MIT
/*
 * e2e_ppc_windows.c - a device behind the IBM POWER PHB through
 * /dev/iommu and its vfio file (docs/ppc_tce.md, "iommufd on two
 * windows"): hw_info names the windows; attached to an IOAS, the IOAS's
 * usable ranges are exactly the two windows with a 64 KiB alignment and
 * DMA works in both; then the per-window attach over VFIO's PASID form
 * (IOMMUSIM_PASID_WINDOW) puts window 0 in one IOAS and window 1 in
 * another, a clash is EADDRINUSE, and detaching one window leaves the
 * other. Run as `iommusim run -- e2e_ppc_windows`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/iommufd_uapi.h"

#include "e2e.h"

#define K64 0x10000ULL
#define W1 (1ULL << 59)

static int fd, vfd;

static uint32_t ioas_alloc(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	CHECK(ioctl(fd, IOMMU_IOAS_ALLOC, &a) == 0);
	return a.out_ioas_id;
}

static int map(uint32_t ioas, void *buf, uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = len,
		.iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &m);
}

static int unmap(uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len
	};

	return ioctl(fd, IOMMU_IOAS_UNMAP, &u);
}

/* VFIO_DEVICE_ATTACH_IOMMUFD_PT, with @pasid when not ~0u. */
static int attach(uint32_t pt, uint32_t pasid)
{
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at),
						    .pt_id = pt };

	if (pasid != ~0u) {
		at.flags = VFIO_DEVICE_ATTACH_PASID;
		at.pasid = pasid;
	}
	return ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

/* VFIO_DEVICE_DETACH_IOMMUFD_PT, of @pasid when not ~0u. */
static int detach(uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt) };

	if (pasid != ~0u) {
		dt.flags = VFIO_DEVICE_ATTACH_PASID;
		dt.pasid = pasid;
	}
	return ioctl(vfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt);
}

/* The device writes @msg at @iova: 0, or the fault code (EIO). */
static unsigned int dma(uint64_t iova, const char *msg)
{
	struct iommusim_vfio_dma d = { .argsz = sizeof(d),
				       .flags = IOMMUSIM_VFIO_DMA_WRITE,
				       .iova = iova,
				       .length = strlen(msg) + 1,
				       .uptr = (uintptr_t)msg };

	if (ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == 0)
		return 0;
	return errno == EIO ? d.out_fault : 0xdead;
}

static uint32_t ranges(uint32_t ioas, struct iommu_iova_range *r,
		       uint64_t *align)
{
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q),
					    .ioas_id = ioas,
					    .num_iovas = 4,
					    .allowed_iovas = (uintptr_t)r };

	CHECK(ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &q) == 0);
	*align = q.out_iova_alignment;
	return q.num_iovas;
}

static void hw_info(uint32_t dev_id)
{
	struct iommusim_hw_info_ppc_tce info;
	struct iommu_hw_info hi = { .size = sizeof(hi),
				    .dev_id = dev_id,
				    .data_len = sizeof(info),
				    .data_uptr = (uintptr_t)&info };

	CHECK(ioctl(fd, IOMMU_GET_HW_INFO, &hi) == 0);
	CHECK(hi.out_data_type == IOMMUSIM_HW_INFO_TYPE_PPC_TCE);
	CHECK(info.nr_windows == 2 && info.pe == 1);
	CHECK(info.windows[0].start == 0 && info.windows[1].start == W1);
	CHECK(info.windows[1].page_shift == 16);
}

int main(void)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct iommu_iova_range r[4];
	uint32_t ia, ib, ic;
	uint64_t align;
	uint8_t *buf;

	fd = open("/dev/iommu", O_RDWR);
	vfd = open("/dev/vfio/devices/vfio8", O_RDWR); /* behind the PHB */
	if (fd < 0 || vfd < 0) {
		perror("open");
		return 1;
	}
	buf = mmap(NULL, 4 * K64, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	if (buf == MAP_FAILED)
		return 1;
	buf += (K64 - ((uintptr_t)buf & (K64 - 1))) & (K64 - 1);
	b.iommufd = fd;
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0);
	hw_info(b.out_devid);

	/* the generic path: one IOAS, both windows */
	ia = ioas_alloc();
	CHECK(attach(ia, ~0u) == 0);
	CHECK(ranges(ia, r, &align) == 2);
	CHECK(r[0].start == 0 && r[0].last == 0x7fffffffULL);
	CHECK(r[1].start == W1 && r[1].last == W1 + (1ULL << 40) - 1);
	CHECK(align == K64);
	CHECK(map(ia, buf, K64, 0x100000) == 0);
	CHECK(map(ia, buf + K64, K64, W1 + K64) == 0);
	CHECK(map(ia, buf, K64, 0x80000000ULL) == -1 && errno == EINVAL);
	CHECK(dma(0x100010, "window 0") == 0);
	CHECK(!strcmp((char *)buf + 0x10, "window 0"));
	CHECK(dma(W1 + K64 + 0x20, "window 1") == 0);
	CHECK(!strcmp((char *)buf + K64 + 0x20, "window 1"));
	CHECK(dma(0x200000, "unmapped") == 0x2); /* TCE_INVALID */

	/* per window: window 0 stays on ia by name, window 1 moves to ib */
	CHECK(detach(~0u) == 0);
	CHECK(dma(0x100010, "gone") == 0x1); /* NO_WINDOW */
	ib = ioas_alloc();
	CHECK(map(ib, buf + 2 * K64, K64, W1) == 0);
	/* ia still maps into window 1: a window-0-only domain cannot
	 * take it (the rest is reserved), until that area goes */
	CHECK(attach(ia, IOMMUSIM_PASID_WINDOW(0)) == -1 &&
	      errno == EADDRINUSE);
	CHECK(unmap(ia, W1 + K64, K64) == 0);
	CHECK(attach(ia, IOMMUSIM_PASID_WINDOW(0)) == 0);
	CHECK(attach(ib, IOMMUSIM_PASID_WINDOW(1)) == 0);
	CHECK(ranges(ib, r, &align) == 1);
	CHECK(r[0].start == W1 && align == K64);
	CHECK(dma(0x100030, "again 0") == 0);
	CHECK(!strcmp((char *)buf + 0x30, "again 0"));
	CHECK(dma(W1 + 0x40, "in ib") == 0);
	CHECK(!strcmp((char *)buf + 2 * K64 + 0x40, "in ib"));
	/* the RID over both windows clashes with the window attachments */
	ic = ioas_alloc();
	CHECK(attach(ic, ~0u) == -1 && errno == EADDRINUSE);
	/* detaching window 1 leaves window 0 working */
	CHECK(detach(IOMMUSIM_PASID_WINDOW(1)) == 0);
	CHECK(dma(W1 + 0x40, "gone") == 0x1);
	CHECK(dma(0x100050, "still 0") == 0);
	CHECK(!strcmp((char *)buf + 0x50, "still 0"));

	close(vfd);
	close(fd);
	if (failures)
		fprintf(stderr, "e2e_ppc_windows: %d checks failed\n",
			failures);
	else
		printf("e2e_ppc_windows: all checks held\n");
	return failures ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * e2e_smmuv3.c - what a VMM does with an Arm SMMUv3 device through
 * /dev/iommu and its vfio file (QEMU's accelerated vSMMU path): bind,
 * map guest memory in an IOAS, a stage 2 nesting parent, a vIOMMU, a
 * vDEVICE with the guest's StreamID, a vEVENTQ (a real descriptor under
 * `iommusim run`), a nested HWPT from the guest's STE, attach; then the
 * device's DMA goes through the guest's own CD and stage 1 tables, and a
 * guest fault arrives on the vEVENTQ (poll wakes, read gives the record
 * with the virtual StreamID). Run as `iommusim run -- e2e_smmuv3`.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/iommufd_uapi.h"

#include "e2e.h"

#define IPA 0x100000ULL /* guest memory: IPA IPA + n is buf + n */
#define VSID 0x42

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The guest's CD (ASID 5, 4K, 48-bit) and stage 1 tables: VA 0 -> IPA
 * + 0x8000 (smmuv3.md 3.2, 4.2). */
static void guest_tables(uint8_t *buf)
{
	put64(buf, 16 | 1ULL << 30 | 1ULL << 31 | 5ULL << 32 | 1ULL << 41 |
			   1ULL << 45 | 1ULL << 46 | 5ULL << 48);
	put64(buf + 8, IPA + 0x1000);
	for (int l = 0; l < 3; l++)
		put64(buf + 0x1000 * (l + 1), (IPA + 0x2000 + 0x1000 * l) | 3);
	put64(buf + 0x4000, (IPA + 0x8000) | 3 | 1 << 6 | 1 << 10);
}

int main(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommu_hwpt_alloc parent = { .size = sizeof(parent) };
	struct iommu_viommu_alloc v = { .size = sizeof(v) };
	struct iommu_vdevice_alloc vd = { .size = sizeof(vd) };
	struct iommu_veventq_alloc q = { .size = sizeof(q) };
	struct iommu_hwpt_alloc n = { .size = sizeof(n) };
	struct iommusim_vfio_dma d = { .argsz = sizeof(d) };
	uint64_t ste[2] = { 1 | 5 << 1 | IPA, 0 }, rec[5];
	char msg[] = "through the guest's tables";
	struct pollfd p = { .events = POLLIN };
	int fd, vfd;
	uint8_t *buf;

	fd = open("/dev/iommu", O_RDWR);
	vfd = open("/dev/vfio/devices/vfio4", O_RDWR); /* behind the SMMUv3 */
	if (fd < 0 || vfd < 0) {
		perror("open");
		return 1;
	}
	buf = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	if (buf == MAP_FAILED)
		return 1;
	guest_tables(buf);
	b.iommufd = fd;
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0);
	CHECK(ioctl(fd, IOMMU_IOAS_ALLOC, &a) == 0);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		  IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = a.out_ioas_id;
	m.user_va = (uintptr_t)buf;
	m.length = 16 * 4096;
	m.iova = IPA;
	CHECK(ioctl(fd, IOMMU_IOAS_MAP, &m) == 0);
	parent.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	parent.dev_id = b.out_devid;
	parent.pt_id = a.out_ioas_id;
	CHECK(ioctl(fd, IOMMU_HWPT_ALLOC, &parent) == 0);
	v.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	v.dev_id = b.out_devid;
	v.hwpt_id = parent.out_hwpt_id;
	CHECK(ioctl(fd, IOMMU_VIOMMU_ALLOC, &v) == 0);
	vd.viommu_id = v.out_viommu_id;
	vd.dev_id = b.out_devid;
	vd.virt_id = VSID;
	CHECK(ioctl(fd, IOMMU_VDEVICE_ALLOC, &vd) == 0);
	q.viommu_id = v.out_viommu_id;
	q.type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3;
	q.veventq_depth = 8;
	CHECK(ioctl(fd, IOMMU_VEVENTQ_ALLOC, &q) == 0);
	n.dev_id = b.out_devid;
	n.pt_id = v.out_viommu_id;
	n.data_type = IOMMU_HWPT_DATA_ARM_SMMUV3;
	n.data_len = sizeof(ste);
	n.data_uptr = (uintptr_t)ste;
	CHECK(ioctl(fd, IOMMU_HWPT_ALLOC, &n) == 0);
	at.pt_id = n.out_hwpt_id;
	CHECK(ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) == 0);

	/* DMA at VA 0x10 lands at IPA + 0x8010: this process's buffer */
	d.flags = IOMMUSIM_VFIO_DMA_WRITE;
	d.iova = 0x10;
	d.length = sizeof(msg);
	d.uptr = (uintptr_t)msg;
	CHECK(ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == 0);
	CHECK(!strcmp((char *)buf + 0x8010, msg));

	/* a guest fault: the vEVENTQ descriptor polls readable and gives the
	 * header and the 32-byte record with the virtual StreamID */
	p.fd = (int)q.out_veventq_fd;
	CHECK(poll(&p, 1, 0) == 0);
	d.iova = 0x5000;
	CHECK(ioctl(vfd, IOMMUSIM_VFIO_DMA, &d) == -1 && errno == EIO);
	CHECK(d.out_fault == 0x10); /* F_TRANSLATION */
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
	CHECK(read(p.fd, rec, sizeof(rec)) == 40);
	CHECK((rec[1] & 0xff) == 0x10 && rec[1] >> 32 == VSID);
	CHECK(rec[3] == 0x5000);

	close(p.fd);
	close(vfd);
	close(fd);
	if (failures)
		fprintf(stderr, "e2e_smmuv3: %d checks failed\n", failures);
	else
		printf("e2e_smmuv3: all checks held\n");
	return failures ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * test_vfio_spapr.c - the legacy VFIO container with the sPAPR TCE v2
 * IOMMU (uapi_sim/vfio_spapr.c, docs/vfio_spapr.md): every ioctl's
 * success and its kernel errnos, the state left after a failure, DMA
 * through the PHB into this process's memory in the default window and
 * in a created 64-bit window, group ownership against iommufd binds,
 * and closing in any order with everything released.
 *
 * The default machine has the PHB's two devices at indexes 8 and 9, in
 * IOMMU groups 8 and 9, PEs 1 and 2.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check_main.h"
#include "test_mem.h"
#include "uapi_sim/iofd_private.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/vfio_spapr.h"

#define DEV0 8
#define DEV1 9
#define GRP0 8
#define GRP1 9
#define PAGE 4096ULL
#define K64 0x10000ULL
#define W1 (1ULL << 59)
#define FD_CONT 3 /* the resolver's descriptor of the container */
#define FD_OTHER 4 /* an open descriptor of another file */
#define NAME_LEN 4096 /* strndup_user(arg, PAGE_SIZE) */
#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

static struct iofd_sys *sys;
static struct iofd_ctx *ictx; /* an iommufd on the same machine */
static struct vfio_spapr_container *cont;
static struct vfio_spapr_group *grp0;

static int resolve(void *ctx, int32_t fd, struct vfio_spapr_container **out)
{
	(void)ctx;
	if (fd == FD_CONT) {
		*out = cont;
		return 0;
	}
	if (fd == FD_OTHER) {
		*out = NULL;
		return 0;
	}
	return -EBADF;
}

static void setup(void)
{
	char err[160];

	ck_assert_msg(!iofd_sys_create(NULL, &sys, err, sizeof(err)), "%s",
		      err);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, NULL, &ictx), 0);
	ck_assert_int_eq(vfio_spapr_container_open(sys, NULL, &cont), 0);
	ck_assert_int_eq(vfio_spapr_group_open(sys, GRP0, NULL, resolve, NULL,
					       &grp0),
			 0);
}

static void teardown(void)
{
	if (grp0)
		vfio_spapr_group_close(grp0);
	if (cont)
		vfio_spapr_container_close(cont);
	iommufd_sim_close(ictx);
	iofd_sys_destroy(sys);
	grp0 = NULL;
	cont = NULL;
	ictx = NULL;
	sys = NULL;
}

static int cio(unsigned long cmd, const void *arg)
{
	return vfio_spapr_container_ioctl(cont, cmd, (uint64_t)(uintptr_t)arg);
}

static int cnum(unsigned long cmd, uint64_t arg)
{
	return vfio_spapr_container_ioctl(cont, cmd, arg);
}

static int gio(struct vfio_spapr_group *g, unsigned long cmd, const void *arg)
{
	return vfio_spapr_group_ioctl(g, cmd, (uint64_t)(uintptr_t)arg);
}

static int set_cont(struct vfio_spapr_group *g, int32_t fd)
{
	return gio(g, VFIO_GROUP_SET_CONTAINER, &fd);
}

/* Group 0 in the container, the v2 IOMMU set. */
static void ready(void)
{
	ck_assert_int_eq(set_cont(grp0, FD_CONT), 0);
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), 0);
}

static int reg(bool on, const void *va, uint64_t size)
{
	struct vfio_iommu_spapr_register_memory r = { .argsz = sizeof(r),
						      .vaddr = (uintptr_t)va,
						      .size = size };

	return cio(on ? VFIO_IOMMU_SPAPR_REGISTER_MEMORY :
			VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY,
		   &r);
}

static int map(const void *va, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = flags,
					      .vaddr = (uintptr_t)va,
					      .iova = iova,
					      .size = size };

	return cio(VFIO_IOMMU_MAP_DMA, &m);
}

static int unmap(uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u),
						.iova = iova,
						.size = size };

	return cio(VFIO_IOMMU_UNMAP_DMA, &u);
}

static int create(uint32_t shift, uint64_t size, uint32_t levels,
		  uint64_t *start)
{
	struct vfio_iommu_spapr_tce_create c = { .argsz = sizeof(c),
						 .page_shift = shift,
						 .window_size = size,
						 .levels = levels,
						 .start_addr = 0x1234 };
	int ret = cio(VFIO_IOMMU_SPAPR_TCE_CREATE, &c);

	if (start)
		*start = c.start_addr;
	return ret;
}

static int remove_win(uint64_t start)
{
	struct vfio_iommu_spapr_tce_remove r = { .argsz = sizeof(r),
						 .start_addr = start };

	return cio(VFIO_IOMMU_SPAPR_TCE_REMOVE, &r);
}

static int dma(unsigned int dev, uint64_t iova, void *buf, size_t len,
	       bool write)
{
	struct dma_result f;

	return iofd_sys_dma(sys, dev, IOMMU_NO_PASID, iova, buf, len, write,
			    &f);
}

/* The device writes a pattern at @iova; it must appear at @p. */
static void dma_lands(unsigned int dev, uint64_t iova, const uint8_t *p)
{
	uint8_t pat[32], back[32];

	for (unsigned int i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(iova * 3 + i + dev);
	ck_assert_int_eq(dma(dev, iova, pat, sizeof(pat), true), 0);
	ck_assert_mem_eq(p, pat, sizeof(pat));
	ck_assert_int_eq(dma(dev, iova, back, sizeof(back), false), 0);
	ck_assert_mem_eq(back, pat, sizeof(pat));
}

static void dma_faults(unsigned int dev, uint64_t iova)
{
	uint8_t b[8];

	ck_assert_int_eq(dma(dev, iova, b, sizeof(b), false), -EIO);
}

/* Container ioctls before any group: only the three generic ones. */
START_TEST(test_container_api)
{
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };

	ck_assert_int_eq(cnum(VFIO_GET_API_VERSION, 0), VFIO_API_VERSION);
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU),
			 1);
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU), 0);
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 0);
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, VFIO_EEH), 0);
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, 0xdead), 0);
	/* no group: SET_IOMMU is EINVAL, anything else EINVAL too */
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU),
			 -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_MAP_DMA, &info), -EINVAL);
	ck_assert_int_eq(cnum(0x1234, 0), -EINVAL);
	/* a group but a type nobody offers: ENODEV, and still unset */
	ck_assert_int_eq(set_cont(grp0, FD_CONT), 0);
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), -ENODEV);
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -ENODEV);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -EINVAL);
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), 0);
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU),
			 -EINVAL);
	/* v2: v1's ENABLE/DISABLE and unknown commands are ENOTTY; EEH is
	 * off on this machine */
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU),
			 1);
	ck_assert_int_eq(cnum(VFIO_IOMMU_ENABLE, 0), -ENOTTY);
	ck_assert_int_eq(cnum(VFIO_IOMMU_DISABLE, 0), -ENOTTY);
	ck_assert_int_eq(cnum(VFIO_IOMMU_GET_INFO + 50, 0), -ENOTTY);
	ck_assert_int_eq(cio(VFIO_EEH_PE_OP, &info), -ENODEV);
}
END_TEST

/* Group files: PHB groups only, one open at a time, status, containers. */
START_TEST(test_group_file)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_spapr_group *g;

	ck_assert_int_eq(vfio_spapr_group_open(sys, 0, NULL, resolve, NULL, &g),
			 -ENODEV); /* a VT-d group */
	ck_assert_int_eq(vfio_spapr_group_open(sys, 4, NULL, resolve, NULL, &g),
			 -ENODEV); /* an SMMUv3 group */
	ck_assert_int_eq(vfio_spapr_group_open(sys, 99, NULL, resolve, NULL,
					       &g),
			 -ENODEV);
	ck_assert_int_eq(vfio_spapr_group_open(sys, GRP0, NULL, resolve, NULL,
					       &g),
			 -EBUSY);
	ck_assert_int_eq(vfio_spapr_group_dev(grp0), DEV0);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_STATUS, &st), 0);
	ck_assert_uint_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	st.argsz = 4;
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_STATUS, &st), -EINVAL);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_STATUS, (void *)8), -EFAULT);
	ck_assert_int_eq(gio(grp0, 0x1234, &st), -ENOTTY);
	/* SET_CONTAINER: the descriptor's errors in group.c's order */
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_SET_CONTAINER, (void *)8),
			 -EFAULT);
	ck_assert_int_eq(set_cont(grp0, 77), -EBADF);
	ck_assert_int_eq(set_cont(grp0, FD_OTHER), -EBADFD);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_UNSET_CONTAINER, NULL), -EINVAL);
	ck_assert_int_eq(set_cont(grp0, FD_CONT), 0);
	ck_assert_int_eq(set_cont(grp0, FD_CONT), -EINVAL);
	ck_assert_int_eq(set_cont(grp0, FD_OTHER), -EINVAL);
	st.argsz = sizeof(st);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_STATUS, &st), 0);
	ck_assert_uint_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE |
					    VFIO_GROUP_FLAGS_CONTAINER_SET);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_STATUS, &st), 0);
	ck_assert_uint_eq(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	/* closed, it can be opened again */
	vfio_spapr_group_close(grp0);
	grp0 = NULL;
	ck_assert_int_eq(
		vfio_spapr_group_open(sys, GRP0, NULL, NULL, NULL, &grp0), 0);
	ck_assert_int_eq(set_cont(grp0, FD_CONT), -EBADF); /* no resolver */
}
END_TEST

/* VFIO_GROUP_GET_DEVICE_FD checks the name but cannot make a
 * descriptor through FUSE: EOPNOTSUPP at the end. */
START_TEST(test_get_device_fd)
{
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_DEVICE_FD, (void *)8),
			 -EFAULT);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_DEVICE_FD, "0000:02:00.0"),
			 -ENODEV);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_DEVICE_FD, "0000:01:00.0"),
			 -EINVAL); /* no container */
	ck_assert_int_eq(set_cont(grp0, FD_CONT), 0);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_DEVICE_FD, "0000:01:00.0"),
			 -EINVAL); /* no IOMMU yet */
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU), 0);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_DEVICE_FD, "0000:01:00.0"),
			 -EOPNOTSUPP);
	char *longname = malloc(NAME_LEN);

	memset(longname, 'a', NAME_LEN);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_GET_DEVICE_FD, longname),
			 -EINVAL); /* strndup_user: longer than a page */
	free(longname);
}
END_TEST

/* GET_INFO: the default window and the DDW capabilities; argsz picks
 * how much is written. */
START_TEST(test_get_info)
{
	struct vfio_iommu_spapr_tce_info info;

	ready();
	memset(&info, 0xff, sizeof(info));
	info.argsz = sizeof(info);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), 0);
	ck_assert_uint_eq(info.flags, VFIO_IOMMU_SPAPR_INFO_DDW);
	ck_assert_uint_eq(info.dma32_window_start, 0);
	ck_assert_uint_eq(info.dma32_window_size, 0x80000000u);
	ck_assert_uint_eq(info.ddw.pgsizes, tce_drv_pgsizes(sys->tce_drv));
	ck_assert(info.ddw.pgsizes & (1ULL << 12));
	ck_assert(info.ddw.pgsizes & (1ULL << 16));
	ck_assert_uint_eq(info.ddw.max_dynamic_windows_supported, 2);
	ck_assert_uint_eq(info.ddw.levels, 5);
	/* the pre-DDW size: the ddw part is left alone */
	memset(&info, 0xff, sizeof(info));
	info.argsz = 16;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), 0);
	ck_assert_uint_eq(info.dma32_window_size, 0x80000000u);
	ck_assert_uint_eq(info.ddw.pgsizes, UINT64_MAX);
	info.argsz = 15;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, (void *)8),
			 -EFAULT);
}
END_TEST

/* Preregistration: pinned and charged at once; its errnos. */
START_TEST(test_register)
{
	uint8_t *buf = test_aligned(16 * PAGE, K64);
	struct vfio_iommu_spapr_register_memory r = { .argsz = sizeof(r) };
	uint64_t base;
	void *hole;

	ready();
	/* nothing set the mm yet: UNREGISTER is EPERM before anything */
	ck_assert_int_eq(reg(false, buf, PAGE), -EPERM);
	base = vfio_spapr_container_pinned(cont);
	ck_assert_uint_eq(base, 0);
	ck_assert_int_eq(reg(true, buf + 1, PAGE), -EINVAL);
	ck_assert_int_eq(reg(true, buf, PAGE + 1), -EINVAL);
	ck_assert_int_eq(reg(true, (void *)(uintptr_t)-PAGE, 2 * PAGE),
			 -EINVAL); /* wraps */
	ck_assert_int_eq(reg(true, buf, 0), -ENOMEM); /* vzalloc(0) */
	r.vaddr = (uintptr_t)buf;
	r.size = PAGE;
	r.flags = 1;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &r), -EINVAL);
	r.flags = 0;
	r.argsz = 23;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &r), -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_REGISTER_MEMORY, (void *)8),
			 -EFAULT);
	/* memory that is not there */
	hole = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	ck_assert(hole != MAP_FAILED);
	ck_assert_int_eq(munmap(hole, 2 * PAGE), 0);
	ck_assert_int_eq(reg(true, hole, 2 * PAGE), -EFAULT);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 0);
	/* registered: 8 pages charged */
	ck_assert_int_eq(reg(true, buf, 8 * PAGE), 0);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 8);
	ck_assert_int_eq(reg(true, buf, 8 * PAGE), -EBUSY);
	ck_assert_int_eq(reg(true, buf + PAGE, 8 * PAGE), -EINVAL);
	ck_assert_int_eq(reg(true, buf + 4 * PAGE, 8 * PAGE), -EINVAL);
	ck_assert_int_eq(reg(true, buf + 8 * PAGE, 8 * PAGE), 0);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 16);
	/* unregister: exact ranges only */
	ck_assert_int_eq(reg(false, buf, 4 * PAGE), -ENOENT);
	ck_assert_int_eq(reg(false, buf + 1, 8 * PAGE), -EINVAL);
	r.argsz = sizeof(r);
	r.flags = 2;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &r), -EINVAL);
	ck_assert_int_eq(reg(false, buf, 8 * PAGE), 0);
	ck_assert_int_eq(reg(false, buf, 8 * PAGE), -ENOENT);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 8);
	ck_assert_int_eq(reg(false, buf + 8 * PAGE, 8 * PAGE), 0);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 0);
}
END_TEST

/* MAP_DMA / UNMAP_DMA in the default window: DMA lands in this
 * process's memory, faults after the unmap; every refusal. */
START_TEST(test_map_default_window)
{
	uint8_t *buf = test_aligned(8 * PAGE, K64),
		*other = test_aligned(PAGE, PAGE);
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };

	ready();
	/* v2: no registration yet, so not enabled */
	ck_assert_int_eq(map(buf, 0x10000, PAGE, RW), -EPERM);
	ck_assert_int_eq(unmap(0x10000, PAGE), -EPERM);
	ck_assert_int_eq(reg(true, buf, 8 * PAGE), 0);
	m.argsz = 31;
	ck_assert_int_eq(cio(VFIO_IOMMU_MAP_DMA, &m), -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_MAP_DMA, (void *)8), -EFAULT);
	ck_assert_int_eq(map(buf, 0x10000, PAGE, RW | 4), -EINVAL);
	ck_assert_int_eq(map(buf, 0x10000, PAGE, 0), -EINVAL);
	ck_assert_int_eq(map(buf, 0x100000000ULL, PAGE, RW), -ENXIO);
	ck_assert_int_eq(map(buf, W1, PAGE, RW), -ENXIO);
	ck_assert_int_eq(map(buf, 0x10000, PAGE + 1, RW), -EINVAL);
	ck_assert_int_eq(map(buf + 1, 0x10000, PAGE, RW), -EINVAL);
	/* the kernel's iommu_tce_put_param_check yields 1 */
	ck_assert_int_eq(map(buf, 0x10001, PAGE, RW), 1);
	/* outside registered memory: EINVAL, nothing mapped */
	ck_assert_int_eq(map(other, 0x10000, PAGE, RW), -EINVAL);
	dma_faults(DEV0, 0x10000);
	/* runs off the registered region on page 9: the first 8 undone */
	ck_assert_int_eq(map(buf, 0x20000, 9 * PAGE, RW), -EINVAL);
	dma_faults(DEV0, 0x20000);
	dma_faults(DEV0, 0x20000 + 7 * PAGE);
	ck_assert_int_eq(reg(false, buf, 8 * PAGE), 0); /* nothing held */
	ck_assert_int_eq(reg(true, buf, 8 * PAGE), 0);
	/* a good map; size 0 is a no-op */
	ck_assert_int_eq(map(buf, 0x10000, 0, RW), 0);
	ck_assert_int_eq(map(buf, 0x10000, 2 * PAGE, RW), 0);
	dma_lands(DEV0, 0x10000, buf);
	dma_lands(DEV0, 0x10000 + PAGE + 100, buf + PAGE + 100);
	dma_faults(DEV0, 0x10000 + 2 * PAGE);
	dma_faults(DEV1, 0x10000); /* not in the container */
	/* in use: cannot be unregistered */
	ck_assert_int_eq(reg(false, buf, 8 * PAGE), -EBUSY);
	/* UNMAP refusals */
	u.argsz = 23;
	ck_assert_int_eq(cio(VFIO_IOMMU_UNMAP_DMA, &u), -EINVAL);
	u.argsz = sizeof(u);
	u.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	ck_assert_int_eq(cio(VFIO_IOMMU_UNMAP_DMA, &u), -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_UNMAP_DMA, (void *)8), -EFAULT);
	ck_assert_int_eq(unmap(0x100000000ULL, PAGE), -ENXIO);
	ck_assert_int_eq(unmap(0x10000, PAGE + 1), -EINVAL);
	ck_assert_int_eq(unmap(0x10001, PAGE), 1);
	ck_assert_int_eq(unmap(0x7ffff000, 2 * PAGE), 1); /* past the end */
	dma_lands(DEV0, 0x10000, buf); /* all refused: still mapped */
	ck_assert_int_eq(unmap(0x10000, 2 * PAGE), 0);
	dma_faults(DEV0, 0x10000);
	dma_faults(DEV0, 0x10000 + PAGE);
	ck_assert_int_eq(unmap(0x10000, 2 * PAGE), 0); /* nothing there */
	ck_assert_int_eq(reg(false, buf, 8 * PAGE), 0);
}
END_TEST

/* Direction: READ only lets the device read; WRITE only lets it write. */
START_TEST(test_map_direction)
{
	uint8_t *buf = test_aligned(4 * PAGE, PAGE), b[8] = { 1 };

	ready();
	ck_assert_int_eq(reg(true, buf, 4 * PAGE), 0);
	ck_assert_int_eq(map(buf, 0, PAGE, VFIO_DMA_MAP_FLAG_READ), 0);
	ck_assert_int_eq(map(buf + PAGE, PAGE, PAGE, VFIO_DMA_MAP_FLAG_WRITE),
			 0);
	buf[0] = 0x5a;
	ck_assert_int_eq(dma(DEV0, 0, b, 1, false), 0);
	ck_assert_uint_eq(b[0], 0x5a);
	ck_assert_int_eq(dma(DEV0, 0, b, 1, true), -EIO);
	ck_assert_uint_eq(buf[0], 0x5a);
	ck_assert_int_eq(dma(DEV0, PAGE, b, 1, true), 0);
	ck_assert_uint_eq(buf[PAGE], b[0]);
	ck_assert_int_eq(dma(DEV0, PAGE, b, 1, false), -EIO);
}
END_TEST

/* A v2 map over a mapped page replaces it, and the old region is free. */
START_TEST(test_map_replaces)
{
	uint8_t *a = test_aligned(PAGE, PAGE), *b = test_aligned(PAGE, PAGE);

	ready();
	ck_assert_int_eq(reg(true, a, PAGE), 0);
	ck_assert_int_eq(reg(true, b, PAGE), 0);
	ck_assert_int_eq(map(a, 0x3000, PAGE, RW), 0);
	ck_assert_int_eq(reg(false, a, PAGE), -EBUSY);
	ck_assert_int_eq(map(b, 0x3000, PAGE, RW), 0);
	dma_lands(DEV0, 0x3000, b);
	ck_assert_int_eq(reg(false, a, PAGE), 0);
	ck_assert_int_eq(reg(false, b, PAGE), -EBUSY);
}
END_TEST

/* The default window, a created 64-bit window of 64 KiB pages with two
 * levels, the slots, CREATE's and REMOVE's errnos. */
START_TEST(test_two_windows)
{
	uint8_t *buf = test_aligned(8 * K64, K64);
	struct vfio_iommu_spapr_tce_create c = { .argsz = sizeof(c) };
	uint64_t start = 0, before;

	ready();
	ck_assert_int_eq(reg(true, buf, 8 * K64), 0);
	before = vfio_spapr_container_pinned(cont);
	c.argsz = 39;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_CREATE, &c), -EINVAL);
	c.argsz = sizeof(c);
	c.flags = 1;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_CREATE, &c), -EINVAL);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_CREATE, (void *)8), -EFAULT);
	ck_assert_int_eq(create(13, 1ULL << 30, 2, NULL), -EINVAL);
	ck_assert_int_eq(create(70, 1ULL << 30, 2, NULL), -EINVAL);
	ck_assert_int_eq(create(16, 1ULL << 30, 0, NULL), -EINVAL);
	ck_assert_int_eq(create(16, 1ULL << 30, 6, NULL), -EINVAL);
	ck_assert_int_eq(create(16, 3ULL << 30, 2, NULL), -EINVAL);
	ck_assert_int_eq(create(16, 0, 2, NULL), -EINVAL);
	ck_assert_int_eq(create(16, PAGE, 1, NULL), -EINVAL);
	/* the refusals made the pending default window (4 KiB pages, one
	 * level, 2 GiB: 4 MiB of table, 1024 pages charged) */
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), before + 1024);
	ck_assert_int_eq(create(16, 1ULL << 30, 2, &start), 0);
	ck_assert_uint_eq(start, W1);
	ck_assert_uint_gt(vfio_spapr_container_pinned(cont), before + 1024);
	ck_assert_int_eq(create(16, 1ULL << 30, 2, NULL), -ENOSPC);
	/* 64 KiB pages: IOVA, vaddr and size aligned to them */
	ck_assert_int_eq(map(buf + PAGE, W1, K64, RW), -EINVAL);
	ck_assert_int_eq(map(buf, W1, PAGE, RW), -EINVAL);
	ck_assert_int_eq(map(buf, W1 + PAGE, K64, RW), 1);
	ck_assert_int_eq(map(buf, W1 + 0x3000000, 2 * K64, RW), 0);
	ck_assert_int_eq(map(buf + 2 * K64, 0x40000, K64, RW), 0);
	dma_lands(DEV0, W1 + 0x3000000, buf);
	dma_lands(DEV0, W1 + 0x3000000 + K64 + 0x1230, buf + K64 + 0x1230);
	dma_lands(DEV0, 0x40000 + 0x800, buf + 2 * K64 + 0x800);
	dma_faults(DEV0, W1);
	dma_faults(DEV0, W1 + (1ULL << 30)); /* beyond the window */
	ck_assert_int_eq(map(buf, W1 + (1ULL << 30), K64, RW), -ENXIO);
	/* a map running past the window's end is refused and undone */
	ck_assert_int_eq(map(buf, W1 + (1ULL << 30) - K64, 2 * K64, RW),
			 -EINVAL);
	dma_faults(DEV0, W1 + (1ULL << 30) - K64);
	/* REMOVE: any address inside names the window */
	struct vfio_iommu_spapr_tce_remove r = { .argsz = 15 };

	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_REMOVE, &r), -EINVAL);
	r.argsz = sizeof(r);
	r.flags = 1;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_REMOVE, &r), -EINVAL);
	ck_assert_int_eq(remove_win(0x100000000ULL), -EINVAL);
	ck_assert_int_eq(remove_win(W1 + 0x3000000), 0);
	dma_faults(DEV0, W1 + 0x3000000);
	ck_assert_int_eq(remove_win(W1), -EINVAL);
	/* its TCEs went with it: the region only has the default map */
	ck_assert_int_eq(unmap(0x40000, K64), 0);
	ck_assert_int_eq(reg(false, buf, 8 * K64), 0);
	/* removing the default window frees slot 0: the next window is
	 * made there, at bus address 0, with the page size asked for */
	ck_assert_int_eq(remove_win(0), 0);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 0);
	ck_assert_int_eq(create(16, 1ULL << 28, 3, &start), 0);
	ck_assert_uint_eq(start, 0);
	ck_assert_int_eq(reg(true, buf, 8 * K64), 0);
	ck_assert_int_eq(map(buf + K64, 5 * K64, K64, RW), 0);
	dma_lands(DEV0, 5 * K64 + 8, buf + K64 + 8);
}
END_TEST

/* The default window is the platform's until first use; removing it
 * while pending just drops it (tce_iommu_remove "start 0"). */
START_TEST(test_default_window_pending)
{
	uint8_t *buf = test_aligned(PAGE, K64);
	uint64_t start = 1;

	ready();
	ck_assert_int_eq(reg(true, buf, PAGE), 0);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 1);
	ck_assert_int_eq(remove_win(0), 0);
	ck_assert_int_eq(map(buf, 0, PAGE, RW), -ENXIO);
	ck_assert_int_eq(remove_win(0), -EINVAL);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 1);
	ck_assert_int_eq(create(12, 1ULL << 24, 1, &start), 0);
	ck_assert_uint_eq(start, 0);
	ck_assert_int_eq(map(buf, 0x5000, PAGE, RW), 0);
	dma_lands(DEV0, 0x5000, buf);
	/* a 64 KiB window asks for 64 KiB alignment of the registration:
	 * a 4 KiB region cannot back one */
	ck_assert_int_eq(create(16, 1ULL << 30, 2, &start), 0);
	ck_assert_int_eq(map(buf, W1, K64, RW), -EINVAL);
}
END_TEST

/* Group ownership: an open group file blocks iommufd binds of its
 * device (EBUSY), a bound device blocks the group's open (EBUSY). */
START_TEST(test_ownership)
{
	struct vfio_spapr_group *g1;
	uint32_t id = 0;

	ck_assert_int_eq(iommufd_sim_bind(ictx, DEV0, &id), -EBUSY);
	ck_assert_int_eq(iommufd_sim_bind(ictx, DEV1, &id), 0);
	ck_assert_int_eq(vfio_spapr_group_open(sys, GRP1, NULL, resolve, NULL,
					       &g1),
			 -EBUSY);
	ck_assert_int_eq(iommufd_sim_unbind(ictx, id), 0);
	ck_assert_int_eq(
		vfio_spapr_group_open(sys, GRP1, NULL, resolve, NULL, &g1), 0);
	ck_assert_int_eq(iommufd_sim_bind(ictx, DEV1, &id), -EBUSY);
	ready();
	ck_assert_int_eq(set_cont(g1, FD_CONT), 0);
	ck_assert_int_eq(iommufd_sim_bind(ictx, DEV1, &id), -EBUSY);
	vfio_spapr_group_close(g1);
	vfio_spapr_group_close(grp0);
	grp0 = NULL;
	ck_assert_int_eq(iommufd_sim_bind(ictx, DEV0, &id), 0);
	ck_assert_int_eq(iommufd_sim_unbind(ictx, id), 0);
}
END_TEST

/* Two groups share the windows; a group joining later gets them; one
 * leaving empties every window (release_ownership clears the TCEs). */
START_TEST(test_two_groups)
{
	uint8_t *buf = test_aligned(4 * K64, K64);
	struct vfio_spapr_group *g1;
	uint64_t start;

	ck_assert_int_eq(
		vfio_spapr_group_open(sys, GRP1, NULL, resolve, NULL, &g1), 0);
	ck_assert_int_eq(set_cont(g1, FD_CONT), 0);
	ready();
	ck_assert_int_eq(reg(true, buf, 4 * K64), 0);
	ck_assert_int_eq(map(buf, 0x8000, PAGE, RW), 0);
	dma_lands(DEV0, 0x8000, buf);
	dma_lands(DEV1, 0x8010, buf + 0x10);
	ck_assert_int_eq(gio(g1, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	dma_faults(DEV1, 0x8000);
	dma_faults(DEV0, 0x8000); /* cleared by the detach */
	ck_assert_int_eq(create(16, 1ULL << 32, 2, &start), 0);
	ck_assert_int_eq(map(buf, 0x8000, PAGE, RW), 0);
	ck_assert_int_eq(map(buf + K64, start, K64, RW), 0);
	/* joins an IOMMU that is set: both windows programmed into it */
	ck_assert_int_eq(set_cont(g1, FD_CONT), 0);
	ck_assert_int_eq(map(buf + 2 * K64, start + K64, K64, RW), 0);
	dma_lands(DEV1, 0x8000, buf);
	dma_lands(DEV1, start + K64, buf + 2 * K64);
	dma_lands(DEV0, start, buf + K64);
	vfio_spapr_group_close(g1);
	dma_faults(DEV0, start);
}
END_TEST

/* The last group out releases the IOMMU: pins, tables, windows; the
 * container is unset again. */
START_TEST(test_last_group_releases)
{
	uint8_t *buf = test_aligned(K64, K64);
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };

	ready();
	ck_assert_int_eq(reg(true, buf, K64), 0);
	ck_assert_int_eq(create(16, 1ULL << 32, 2, NULL), 0);
	ck_assert_int_eq(map(buf, W1, K64, RW), 0);
	ck_assert_int_eq(map(buf, 0, K64, RW), 0);
	ck_assert_uint_gt(vfio_spapr_container_pinned(cont), 16);
	ck_assert_int_eq(gio(grp0, VFIO_GROUP_UNSET_CONTAINER, NULL), 0);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 0);
	dma_faults(DEV0, W1);
	dma_faults(DEV0, 0);
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -EINVAL);
	ck_assert_int_eq(cnum(VFIO_SET_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU),
			 -EINVAL);
	ready(); /* and it can start over */
	ck_assert_int_eq(reg(true, buf, K64), 0);
}
END_TEST

/* Closing the container with a group in it keeps the IOMMU (the
 * group holds the container); closing the group then frees all. */
START_TEST(test_close_container_first)
{
	uint8_t *buf = test_aligned(4 * K64, K64);

	ready();
	ck_assert_int_eq(reg(true, buf, 4 * K64), 0);
	ck_assert_int_eq(create(16, 1ULL << 32, 3, NULL), 0);
	ck_assert_int_eq(map(buf, W1 + K64, 2 * K64, RW), 0);
	ck_assert_int_eq(map(buf, 0x1000, 3 * PAGE, RW), 0);
	vfio_spapr_container_close(cont);
	cont = NULL;
	dma_lands(DEV0, W1 + K64, buf);
	vfio_spapr_group_close(grp0);
	grp0 = NULL;
	dma_faults(DEV0, W1 + K64);
	dma_faults(DEV0, 0x1000);
	ck_assert_ptr_null(sys->groups[GRP0].spapr);
	ck_assert_uint_eq(sys->nctx, 1); /* only the test's iommufd */
}
END_TEST

/* Closing the group first releases the IOMMU at once. */
START_TEST(test_close_group_first)
{
	uint8_t *buf = test_aligned(K64, K64);

	ready();
	ck_assert_int_eq(reg(true, buf, K64), 0);
	ck_assert_int_eq(map(buf, 0x1000, PAGE, RW), 0);
	vfio_spapr_group_close(grp0);
	grp0 = NULL;
	dma_faults(DEV0, 0x1000);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 0);
	ck_assert_int_eq(map(buf, 0x1000, PAGE, RW), -EINVAL); /* unset */
}
END_TEST

/* RLIMIT_MEMLOCK: registrations and tables are charged to it. */
START_TEST(test_memlock)
{
	struct iofd_uaccess ua;
	uint8_t *buf = test_aligned(2048 * PAGE, K64);

	vfio_spapr_container_close(cont);
	iommufd_sim_self_uaccess(&ua);
	ua.memlock_limit = 2048 * PAGE;
	ck_assert_int_eq(vfio_spapr_container_open(sys, &ua, &cont), 0);
	ready();
	ck_assert_int_eq(reg(true, buf, 64 * PAGE), 0);
	/* 1 GiB of 4 KiB TCEs in two levels: about 2 MiB of table */
	ck_assert_int_eq(create(12, 1ULL << 32, 2, NULL), -ENOMEM);
	ck_assert_uint_eq(vfio_spapr_container_pinned(cont), 64 + 1024);
	ck_assert_int_eq(create(16, 1ULL << 30, 2, NULL), 0);
	ck_assert_int_eq(reg(false, buf, 64 * PAGE), 0);
	ck_assert_int_eq(reg(true, buf, 2048 * PAGE), -ENOMEM);
}
END_TEST

/* One process drives a container: after the mm is set, another one is
 * EPERM (tce_iommu_mm_set and the ioctl's check); CHECK_EXTENSION is
 * not checked. */
static int cur_mm = 1;
static struct iofd_uaccess self_ua;

static void *mm_get(void *ctx)
{
	(void)ctx;
	return (void *)(uintptr_t)cur_mm;
}

static void mm_put(void *mm)
{
	(void)mm;
}

static int mm_rw(void *mm, uint64_t uptr, void *buf, size_t len, bool write)
{
	(void)mm;
	return write ? self_ua.write(self_ua.ctx, uptr, buf, len) :
		       self_ua.read(self_ua.ctx, uptr, buf, len);
}

static int mm_pin(void *mm, uint64_t uptr, uint64_t len, bool write)
{
	(void)mm;
	return self_ua.pin(self_ua.ctx, uptr, len, write);
}

START_TEST(test_other_process)
{
	struct vfio_iommu_spapr_tce_info info = { .argsz = sizeof(info) };
	uint8_t *buf = test_aligned(PAGE, PAGE);
	struct iofd_uaccess ua;

	vfio_spapr_container_close(cont);
	iommufd_sim_self_uaccess(&self_ua);
	ua = self_ua;
	ua.mm_get = mm_get;
	ua.mm_put = mm_put;
	ua.mm_rw = mm_rw;
	ua.mm_pin = mm_pin;
	ck_assert_int_eq(vfio_spapr_container_open(sys, &ua, &cont), 0);
	ready();
	cur_mm = 2; /* nothing set the mm yet: anyone may */
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), 0);
	cur_mm = 1;
	ck_assert_int_eq(reg(true, buf, PAGE), 0);
	cur_mm = 2;
	ck_assert_int_eq(cio(VFIO_IOMMU_SPAPR_TCE_GET_INFO, &info), -EPERM);
	ck_assert_int_eq(map(buf, 0, PAGE, RW), -EPERM);
	ck_assert_int_eq(create(16, 1ULL << 30, 2, NULL), -EPERM);
	ck_assert_int_eq(cnum(VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_v2_IOMMU),
			 1);
	cur_mm = 1;
	ck_assert_int_eq(map(buf, 0, PAGE, RW), 0);
	dma_lands(DEV0, 0, buf);
}
END_TEST

static Suite *vfio_spapr_suite(void)
{
	Suite *s = suite_create("vfio_spapr");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_container_api);
	tcase_add_test(tc, test_group_file);
	tcase_add_test(tc, test_get_device_fd);
	tcase_add_test(tc, test_get_info);
	tcase_add_test(tc, test_register);
	tcase_add_test(tc, test_map_default_window);
	tcase_add_test(tc, test_map_direction);
	tcase_add_test(tc, test_map_replaces);
	tcase_add_test(tc, test_two_windows);
	tcase_add_test(tc, test_default_window_pending);
	tcase_add_test(tc, test_ownership);
	tcase_add_test(tc, test_two_groups);
	tcase_add_test(tc, test_last_group_releases);
	tcase_add_test(tc, test_close_container_first);
	tcase_add_test(tc, test_close_group_first);
	tcase_add_test(tc, test_memlock);
	tcase_add_test(tc, test_other_process);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(vfio_spapr_suite());
}

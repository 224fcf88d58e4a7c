// SPDX-License-Identifier: MIT
/*
 * test_iofd_dev.c - devices, groups, HWPTs and pinned memory of the
 * simulated iommufd over the VT-d unit: every check names the kernel
 * function (drivers/iommu/iommufd/) whose behaviour it mirrors. DMA goes
 * through the unit's hardware path into this process's own memory.
 */
#define _GNU_SOURCE /* memfd_create */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check_main.h"
#include "iofd_test.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

#define MSI_START 0xfee00000ULL
#define MSI_LAST 0xfeefffffULL

static struct iofd_sys *sys;

static void up(const char *vtd, unsigned int ndevs, unsigned int gs)
{
	struct iofd_topology t = { .vtd = vtd,
				   .ndevs = ndevs,
				   .group_size = gs };
	char err[128];

	ck_assert_msg(!iofd_sys_create(&t, &sys, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, NULL, &ctx), 0);
}

static void setup(void)
{
	up(NULL, 0, 0);
}

static void teardown(void)
{
	iommufd_sim_close(ctx);
	iofd_sys_destroy(sys);
	ctx = NULL;
	sys = NULL;
}

static int unmap_at(uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len
	};

	return io(IOMMU_IOAS_UNMAP, &u);
}

static uint32_t bind(unsigned int dev)
{
	uint32_t id = 0;

	ck_assert_int_eq(iommufd_sim_bind(ctx, dev, &id), 0);
	ck_assert_uint_ne(id, 0);
	return id;
}

static uint32_t attach(uint32_t dev_id, uint32_t pt)
{
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev_id, IOMMU_NO_PASID, &pt),
			 0);
	return pt;
}

/* Device @dev reads @len bytes at @iova: 0 or -EIO (an IOMMU fault). */
static int dma_rd(unsigned int dev, uint64_t iova, void *buf, size_t len)
{
	return iofd_sys_dma(sys, dev, IOMMU_NO_PASID, iova, buf, len, false,
			    NULL);
}

static int dma_wr(unsigned int dev, uint64_t iova, const void *buf, size_t len)
{
	return iofd_sys_dma(sys, dev, IOMMU_NO_PASID, iova, (void *)buf, len,
			    true, NULL);
}

static uint32_t hwpt_alloc(uint32_t dev_id, uint32_t pt, uint32_t flags,
			   int expect)
{
	struct iommu_hwpt_alloc h = {
		.size = sizeof(h), .flags = flags, .dev_id = dev_id, .pt_id = pt
	};

	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), expect);
	return h.out_hwpt_id;
}

/* The default machine: one VT-d unit with four devices, then one SMMUv3
 * with four, then one POWER PHB with two (PEs 1 and 2), a group each. */
START_TEST(test_topology)
{
	struct iofd_topology bad = { .vtd = "mode=scalable colour=blue" };
	struct iofd_topology grp = { .ndevs = 6, .group_size = 3 };
	struct iofd_topology none = { .ndevs = 2,
				      .nsmmu = IOFD_TOPO_NONE,
				      .nppc = IOFD_TOPO_NONE };
	struct iofd_dev_info info;
	struct iofd_sys *s2;
	char err[128];

	ck_assert_uint_eq(iofd_sys_ndevs(sys), 10);
	for (unsigned int i = 0; i < 10; i++) {
		ck_assert_int_eq(iofd_sys_dev_info(sys, i, &info), 0);
		ck_assert_uint_eq(info.rid, (i % 4 + 1) << 8);
		ck_assert_str_eq(info.unit, i < 4 ? "vtd" :
					    i < 8 ? "smmuv3" :
						    "ppc_tce");
		ck_assert_uint_eq(info.group, i);
		ck_assert_uint_eq(info.bound_id, 0);
	}
	ck_assert_int_eq(iofd_sys_dev_info(sys, 10, &info), -ENODEV);
	ck_assert_int_eq(iofd_sys_create(&none, &s2, err, sizeof(err)), 0);
	ck_assert_uint_eq(iofd_sys_ndevs(s2), 2);
	iofd_sys_destroy(s2);
	ck_assert_int_eq(iofd_sys_create(&bad, &s2, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(s2);
	ck_assert_ptr_nonnull(strstr(err, "colour"));
	/* functions of one device behind a bridge without ACS */
	ck_assert_int_eq(iofd_sys_create(&grp, &s2, err, sizeof(err)), 0);
	ck_assert_int_eq(iofd_sys_dev_info(s2, 4, &info), 0);
	ck_assert_uint_eq(info.rid, 0x201);
	ck_assert_uint_eq(info.group, 1);
	iofd_sys_destroy(s2);
}
END_TEST

/* device.c iommufd_device_bind: DMA ownership of the whole group; the
 * device object cannot be destroyed by IOMMU_DESTROY while bound. */
START_TEST(test_bind)
{
	struct iofd_ctx *other;
	struct iofd_dev_info info;
	uint32_t d0, id;

	teardown();
	up(NULL, 4, 2); /* groups {0,1} {2,3} */
	d0 = bind(0);
	ck_assert_int_eq(iofd_sys_dev_info(sys, 0, &info), 0);
	ck_assert_uint_eq(info.bound_id, d0);
	ck_assert_int_eq(destroy(d0), -EBUSY);
	ck_assert_int_eq(iommufd_sim_bind(ctx, 0, &id), -EINVAL);
	ck_assert_int_eq(iommufd_sim_bind(ctx, 10, &id), -ENODEV);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, NULL, &other), 0);
	/* the group is this context's: its sibling cannot go elsewhere */
	ck_assert_int_eq(iommufd_sim_bind(other, 1, &id), -EPERM);
	ck_assert_int_eq(iommufd_sim_bind(other, 2, &id), 0);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, d0), 0);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, d0), -ENOENT);
	ck_assert_int_eq(iommufd_sim_bind(other, 1, &id), 0);
	iommufd_sim_close(other);
	/* closing released the ownership too */
	ck_assert_int_eq(iommufd_sim_bind(ctx, 1, &id), 0);
}
END_TEST

/* device.c iommufd_device_auto_get_domain: DMA through the domain lands
 * in the process's memory, both ways; unmap takes it away again. */
START_TEST(test_attach_dma)
{
	uint8_t *buf = pages(4), got[64];
	struct dma_result res;
	uint32_t ioas = ioas_alloc(), dev = bind(0), hwpt;

	for (int i = 0; i < 64; i++)
		buf[PAGE + i] = (uint8_t)(i * 7);
	ck_assert_int_eq(map_at(ioas, buf, 4 * PAGE, 0x100000, RW), 0);
	ck_assert_int_eq(dma_rd(0, 0x100000 + PAGE, got, 64), -EIO);
	hwpt = attach(dev, ioas);
	ck_assert_uint_ne(hwpt, ioas); /* the automatic HWPT's id */
	ck_assert_int_eq(destroy(hwpt), -EBUSY);
	ck_assert_int_eq(destroy(ioas), -EBUSY);
	ck_assert_int_eq(dma_rd(0, 0x100000 + PAGE, got, 64), 0);
	ck_assert_mem_eq(got, buf + PAGE, 64);
	/* a write across a page boundary lands in the client's pages */
	memset(got, 0xa5, sizeof(got));
	ck_assert_int_eq(dma_wr(0, 0x100000 + 2 * PAGE - 32, got, 64), 0);
	ck_assert_uint_eq(buf[2 * PAGE - 32], 0xa5);
	ck_assert_uint_eq(buf[2 * PAGE + 31], 0xa5);
	ck_assert_uint_eq(buf[2 * PAGE + 32], 0);
	/* other devices stay blocked */
	ck_assert_int_eq(dma_rd(1, 0x100000, got, 8), -EIO);
	/* a map after the attach reaches the domain at once */
	ck_assert_int_eq(
		map_at(ioas, buf, PAGE, 0x400000, IOMMU_IOAS_MAP_READABLE), 0);
	ck_assert_int_eq(dma_rd(0, 0x400000 + 5, got, 4), 0);
	ck_assert_int_eq(iofd_sys_translate(sys, 0, IOMMU_NO_PASID, 0x400000,
					    DMA_ACC_WRITE, &res),
			 0);
	ck_assert(!res.ok); /* read-only area */
	ck_assert_int_eq(unmap_at(ioas, 0x100000, 4 * PAGE), 0);
	ck_assert_int_eq(dma_rd(0, 0x100000 + PAGE, got, 8), -EIO);
	/* detaching the last device frees the automatic HWPT */
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(destroy(hwpt), -ENOENT);
	ck_assert_int_eq(dma_rd(0, 0x400000, got, 4), -EIO);
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev), 0);
	ck_assert_int_eq(destroy(ioas), 0);
	munmap(buf, 4 * PAGE);
}
END_TEST

/* device.c iommufd_device_auto_get_domain reuses the IOAS's automatic
 * HWPT; iommufd_hw_pagetable_attach: one HWPT per group (EINVAL). */
START_TEST(test_groups)
{
	uint8_t *a = pages(1), *b = pages(1), got;
	uint32_t ioas_a, ioas_b, d0, d1, d2, h0, h2, pt;

	teardown();
	up(NULL, 4, 2);
	ioas_a = ioas_alloc();
	ioas_b = ioas_alloc();
	a[0] = 0xaa;
	b[0] = 0xbb;
	ck_assert_int_eq(map_at(ioas_a, a, PAGE, 0x10000, RW), 0);
	ck_assert_int_eq(map_at(ioas_b, b, PAGE, 0x10000, RW), 0);
	d0 = bind(0);
	d1 = bind(1);
	d2 = bind(2);
	h0 = attach(d0, ioas_a);
	/* the hardware attaches the group: device 1 translates already */
	ck_assert_int_eq(dma_rd(1, 0x10000, &got, 1), 0);
	ck_assert_uint_eq(got, 0xaa);
	pt = ioas_b;
	ck_assert_int_eq(iommufd_sim_attach(ctx, d1, IOMMU_NO_PASID, &pt),
			 -EINVAL);
	ck_assert_uint_eq(attach(d1, ioas_a), h0);
	h2 = attach(d2, ioas_a);
	ck_assert_uint_eq(h2, h0); /* shared automatic domain */
	/* replace moves the whole group 0 to IOAS b */
	ck_assert_uint_ne(attach(d0, ioas_b), h0);
	ck_assert_int_eq(dma_rd(1, 0x10000, &got, 1), 0);
	ck_assert_uint_eq(got, 0xbb);
	ck_assert_int_eq(dma_rd(2, 0x10000, &got, 1), 0);
	ck_assert_uint_eq(got, 0xaa);
	/* h0 lives on while device 2 uses it */
	ck_assert_int_eq(destroy(h0), -EBUSY);
	ck_assert_int_eq(iommufd_sim_detach(ctx, d2, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(destroy(h0), -ENOENT);
	/* one device of the group leaving keeps the group attached */
	ck_assert_int_eq(iommufd_sim_detach(ctx, d0, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(dma_rd(0, 0x10000, &got, 1), 0);
	ck_assert_int_eq(iommufd_sim_detach(ctx, d1, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(dma_rd(0, 0x10000, &got, 1), -EIO);
	munmap(a, PAGE);
	munmap(b, PAGE);
}
END_TEST

/* iommufd_device_do_replace with explicit HWPTs: the device moves to the
 * new domain; the old HWPT stays (it is not automatic). */
START_TEST(test_replace_explicit)
{
	uint8_t *a = pages(1), *b = pages(1), got;
	uint32_t ioas_a = ioas_alloc(), ioas_b = ioas_alloc(), d0 = bind(0);
	uint32_t ha, hb;

	a[0] = 1;
	b[0] = 2;
	ha = hwpt_alloc(d0, ioas_a, 0, 0);
	hb = hwpt_alloc(d0, ioas_b, 0, 0);
	/* an explicit HWPT is filled at allocation */
	ck_assert_int_eq(map_at(ioas_a, a, PAGE, 0x10000, RW), 0);
	ck_assert_int_eq(map_at(ioas_b, b, PAGE, 0x10000, RW), 0);
	ck_assert_uint_eq(attach(d0, ha), ha);
	ck_assert_int_eq(dma_rd(0, 0x10000, &got, 1), 0);
	ck_assert_uint_eq(got, 1);
	ck_assert_uint_eq(attach(d0, hb), hb);
	ck_assert_int_eq(dma_rd(0, 0x10000, &got, 1), 0);
	ck_assert_uint_eq(got, 2);
	ck_assert_int_eq(destroy(ha), 0);
	ck_assert_int_eq(destroy(hb), -EBUSY);
	ck_assert_uint_eq(attach(d0, hb), hb); /* same HWPT: nothing */
	ck_assert_int_eq(iommufd_sim_unbind(ctx, d0), 0);
	ck_assert_int_eq(destroy(hb), 0);
	munmap(a, PAGE);
	munmap(b, PAGE);
}
END_TEST

static uint32_t iova_ranges(uint32_t ioas, struct iommu_iova_range *r,
			    uint32_t cap, uint64_t *align)
{
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q),
					    .ioas_id = ioas,
					    .num_iovas = cap,
					    .allowed_iovas = (uintptr_t)r };

	ck_assert_int_eq(io(IOMMU_IOAS_IOVA_RANGES, &q), 0);
	*align = q.out_iova_alignment;
	return q.num_iovas;
}

/* io_pagetable.c iopt_table_enforce_dev_resv_regions, iopt_reserve_iova,
 * iopt_check_iova, iopt_set_allow_iova and the aperture of
 * iopt_table_add_domain, as IOVA_RANGES shows them. */
START_TEST(test_reserved)
{
	uint8_t *buf = pages(256);
	struct iommu_iova_range r[4];
	struct iommu_ioas_allow_iovas al = { .size = sizeof(al) };
	struct iommu_ioas_map m = { .size = sizeof(m), .flags = RW };
	uint32_t ioas = ioas_alloc(), dev = bind(0), pt;
	uint64_t align;

	ck_assert_uint_eq(iova_ranges(ioas, r, 4, &align), 1);
	ck_assert_uint_eq(align, 1);
	/* an area over the MSI window: the attach is refused */
	ck_assert_int_eq(map_at(ioas, buf, PAGE, MSI_START + PAGE, RW), 0);
	pt = ioas;
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev, IOMMU_NO_PASID, &pt),
			 -EADDRINUSE);
	ck_assert_uint_eq(iova_ranges(ioas, r, 4, &align), 1);
	ck_assert_int_eq(unmap_at(ioas, MSI_START + PAGE, PAGE), 0);
	attach(dev, ioas);
	ck_assert_uint_eq(iova_ranges(ioas, r, 4, &align), 2);
	ck_assert_uint_eq(align, PAGE);
	ck_assert_uint_eq(r[0].start, 0);
	ck_assert_uint_eq(r[0].last, MSI_START - 1);
	ck_assert_uint_eq(r[1].start, MSI_LAST + 1);
	/* the aperture: a first-stage domain (4 levels) translates the
	 * lower canonical half, 47 bits */
	ck_assert_uint_eq(r[1].last, (1ULL << 47) - 1);
	/* fixed maps into reserved space are EINVAL */
	ck_assert_int_eq(map_at(ioas, buf, PAGE, MSI_START, RW), -EINVAL);
	ck_assert_int_eq(map_at(ioas, buf, PAGE, 1ULL << 47, RW), -EINVAL);
	/* an allowed range over it is EADDRINUSE */
	r[0] = (struct iommu_iova_range){ MSI_START - 0x100000, MSI_START };
	al.ioas_id = ioas;
	al.num_iovas = 1;
	al.allowed_iovas = (uintptr_t)r;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &al), -EADDRINUSE);
	/* automatic placement steps over the window */
	r[0] = (struct iommu_iova_range){ MSI_START - 0x100000, MSI_START - 1 };
	r[1] = (struct iommu_iova_range){ MSI_LAST + 1, MSI_LAST + 0x100000 };
	al.num_iovas = 2;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOW_IOVAS, &al), 0);
	m.ioas_id = ioas;
	m.user_va = (uintptr_t)buf;
	m.length = 0x100000;
	ck_assert_int_eq(io(IOMMU_IOAS_MAP, &m), 0);
	ck_assert_uint_eq(m.iova, MSI_START - 0x100000);
	ck_assert_int_eq(io(IOMMU_IOAS_MAP, &m), 0);
	ck_assert_uint_eq(m.iova, MSI_LAST + 1);
	ck_assert_int_eq(io(IOMMU_IOAS_MAP, &m), -ENOSPC);
	/* detach gives the window back */
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	ck_assert_uint_eq(iova_ranges(ioas, r, 4, &align), 1);
	ck_assert_uint_eq(align, 1);
	munmap(buf, 256 * PAGE);
}
END_TEST

/* pages.c pfn_reader_user_pin: pinning happens only with a domain, and a
 * range that is not mapped memory is EFAULT then. */
START_TEST(test_pin_efault)
{
	uint8_t *buf = pages(4);
	uint32_t ioas = ioas_alloc(), dev = bind(0), pt = ioas;
	struct iofd_pin_stats st;

	munmap(buf + 2 * PAGE, PAGE); /* a hole in the middle */
	ck_assert_int_eq(map_at(ioas, buf, 4 * PAGE, 0x10000, RW), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 0);
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev, IOMMU_NO_PASID, &pt),
			 -EFAULT);
	ck_assert_int_eq(unmap_at(ioas, 0x10000, 4 * PAGE), 0);
	attach(dev, ioas);
	ck_assert_int_eq(map_at(ioas, buf, 4 * PAGE, 0x10000, RW), -EFAULT);
	ck_assert_int_eq(map_at(ioas, buf, 2 * PAGE, 0x10000, RW), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 2);
	/* the last domain leaving unpins (iopt_table_remove_domain) */
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 0);
	attach(dev, ioas);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 2);
	munmap(buf, 2 * PAGE);
	munmap(buf + 3 * PAGE, PAGE);
}
END_TEST

/* pages.c iopt_pages_update_pinned / incr_user_locked_vm: ENOMEM past
 * RLIMIT_MEMLOCK; a COPY shares the pages and is not charged twice;
 * RLIMIT_MODE 1 charges the context instead of the user. */
START_TEST(test_memlock)
{
	struct iofd_uaccess ua = { .read = direct_read,
				   .write = direct_write,
				   .uid = 4242,
				   .memlock_limit = 16 * PAGE };
	struct iommu_option opt = { .size = sizeof(opt),
				    .option_id = IOMMU_OPTION_RLIMIT_MODE,
				    .op = IOMMU_OPTION_OP_SET,
				    .val64 = 1 };
	struct iommu_ioas_copy cp = { .size = sizeof(cp),
				      .flags = IOMMU_IOAS_MAP_FIXED_IOVA |
					       IOMMU_IOAS_MAP_READABLE,
				      .length = 8 * PAGE,
				      .src_iova = 0x100000,
				      .dst_iova = 0x200000 };
	uint8_t *buf = pages(32);
	struct iofd_pin_stats st;
	struct iofd_ctx *second;
	uint32_t ioas, ioas2, dev;

	iommufd_sim_close(ctx);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, &ua, &ctx), 0);
	ioas = ioas_alloc();
	ioas2 = ioas_alloc();
	dev = bind(0);
	attach(dev, ioas);
	ck_assert_int_eq(map_at(ioas, buf, 8 * PAGE, 0x100000, RW), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 8);
	ck_assert_uint_eq(st.process_pages, 0);
	ck_assert_int_eq(map_at(ioas, buf + 8 * PAGE, 16 * PAGE, 0x200000, RW),
			 -ENOMEM);
	ck_assert_int_eq(map_at(ioas, buf + 8 * PAGE, 8 * PAGE, 0x200000, RW),
			 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 16);
	/* a second domain and a copy pin nothing new */
	attach(bind(1), ioas2);
	cp.src_ioas_id = ioas;
	cp.dst_ioas_id = ioas2;
	ck_assert_int_eq(io(IOMMU_IOAS_COPY, &cp), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 16);
	/* the user's account is shared by the user's other contexts */
	ck_assert_int_eq(iommufd_sim_open_sys(sys, &ua, &second), 0);
	iommufd_sim_pin_stats(second, &st);
	ck_assert_uint_eq(st.user_pages, 16);
	iommufd_sim_close(second);
	ck_assert_int_eq(unmap_at(ioas, 0, UINT64_MAX), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 8); /* the copy still holds 8 */
	ck_assert_int_eq(unmap_at(ioas2, 0, UINT64_MAX), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.user_pages, 0);
	/* per-process accounting, chosen on an empty context */
	iommufd_sim_close(ctx);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, &ua, &ctx), 0);
	ck_assert_int_eq(io(IOMMU_OPTION, &opt), 0);
	ioas = ioas_alloc();
	attach(bind(0), ioas);
	ck_assert_int_eq(map_at(ioas, buf, 4 * PAGE, 0x100000, RW), 0);
	iommufd_sim_pin_stats(ctx, &st);
	ck_assert_uint_eq(st.process_pages, 4);
	ck_assert_uint_eq(st.user_pages, 0);
	munmap(buf, 32 * PAGE);
}
END_TEST

/* hw_pagetable.c iommufd_hwpt_alloc, in its order of checks. */
START_TEST(test_hwpt_alloc_errors)
{
	struct iommu_hwpt_alloc h = { .size = sizeof(h) };
	uint32_t ioas = ioas_alloc(), dev = bind(0), hp;

	h.dev_id = dev;
	h.pt_id = ioas;
	h.__reserved = 1;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	h.__reserved = 0;
	h.data_len = 8;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EINVAL);
	h.data_len = 0;
	h.data_type = IOMMU_HWPT_DATA_VTD_S1;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EINVAL);
	h.data_type = 0;
	h.dev_id = ioas;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -ENOENT);
	h.dev_id = dev;
	h.pt_id = 99;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EINVAL);
	h.pt_id = dev;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EINVAL);
	h.pt_id = ioas;
	h.flags = 1u << 7;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	h.flags = IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_NEST_PARENT;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	h.flags = IOMMU_HWPT_FAULT_ID_VALID;
	h.fault_id = ioas;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -ENOENT);
	ck_assert_int_eq(destroy(ioas + 2), -ENOENT); /* nothing left */
	hp = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0);
	ck_assert_int_eq(destroy(ioas), -EBUSY); /* the HWPT holds it */
	ck_assert_int_eq(destroy(hp), 0);
	ck_assert_int_eq(destroy(ioas), 0);
}
END_TEST

/* intel_iommu_domain_alloc_paging_flags: no second-stage A/D, no dirty
 * tracking (EOPNOTSUPP); legacy mode has no nesting either. */
START_TEST(test_hwpt_legacy)
{
	struct iommu_hw_info hi = { .size = sizeof(hi) };
	uint32_t ioas, dev;

	teardown();
	up("mode=legacy", 0, 0);
	ioas = ioas_alloc();
	dev = bind(0);
	hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, -EOPNOTSUPP);
	hi.dev_id = dev;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.out_capabilities, 0);
	ck_assert_uint_eq(hi.out_max_pasid_log2, 0); /* no PASIDs in legacy */
	ck_assert_uint_ne(hwpt_alloc(dev, ioas, 0, 0), 0);
}
END_TEST

static int nested(uint32_t dev, uint32_t parent, const void *data, uint32_t len,
		  uint32_t type, uint32_t *out)
{
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .dev_id = dev,
				      .pt_id = parent,
				      .data_type = type,
				      .data_len = len,
				      .data_uptr = (uintptr_t)data };
	int ret = io(IOMMU_HWPT_ALLOC, &h);

	*out = h.out_hwpt_id;
	return ret;
}

/* iommufd_hwpt_nested_alloc + intel_iommu_domain_alloc_nested. */
START_TEST(test_hwpt_nested_alloc)
{
	struct {
		struct iommu_hwpt_vtd_s1 s1;
		uint64_t tail;
	} d = { { 0, 0x100000, 48, 0 }, 0 };
	uint32_t ioas = ioas_alloc(), dev = bind(0), plain, parent, n, n2;

	plain = hwpt_alloc(dev, ioas, 0, 0);
	parent = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0);
	ck_assert_int_eq(nested(dev, plain, &d, 24, IOMMU_HWPT_DATA_VTD_S1, &n),
			 -EINVAL);
	ck_assert_int_eq(nested(dev, parent, &d, 24, 2, &n), -EOPNOTSUPP);
	ck_assert_int_eq(nested(dev, parent, &d, 16, IOMMU_HWPT_DATA_VTD_S1,
				&n),
			 -EINVAL);
	/* longer than the kernel's struct: EINVAL, zero tail or not
	 * (include/linux/iommu.h __iommu_copy_struct_from_user) */
	d.tail = 1;
	ck_assert_int_eq(nested(dev, parent, &d, 32, IOMMU_HWPT_DATA_VTD_S1,
				&n),
			 -EINVAL);
	d.tail = 0;
	ck_assert_int_eq(nested(dev, parent, &d, 32, IOMMU_HWPT_DATA_VTD_S1,
				&n),
			 -EINVAL);
	d.s1.addr_width = 40;
	ck_assert_int_eq(nested(dev, parent, &d, 24, IOMMU_HWPT_DATA_VTD_S1,
				&n),
			 -EINVAL);
	d.s1.addr_width = 48;
	d.s1.flags = 1u << 5;
	ck_assert_int_eq(nested(dev, parent, &d, 24, IOMMU_HWPT_DATA_VTD_S1,
				&n),
			 -EOPNOTSUPP);
	d.s1.flags = 0;
	ck_assert_int_eq(nested(dev, parent, NULL, 24, IOMMU_HWPT_DATA_VTD_S1,
				&n),
			 -EFAULT);
	ck_assert_int_eq(
		nested(dev, parent, &d, 24, IOMMU_HWPT_DATA_VTD_S1, &n), 0);
	ck_assert_int_eq(nested(dev, n, &d, 24, IOMMU_HWPT_DATA_VTD_S1, &n2),
			 -EINVAL); /* nested on nested */
	ck_assert_int_eq(destroy(parent), -EBUSY);
	{
		/* Linux's VT-d driver offers no vIOMMU (v6.17) */
		struct iommu_viommu_alloc va = { .size = sizeof(va),
						 .type = 1,
						 .dev_id = dev,
						 .hwpt_id = parent };

		ck_assert_int_eq(io(IOMMU_VIOMMU_ALLOC, &va), -EOPNOTSUPP);
	}
	ck_assert_int_eq(destroy(n), 0);
	ck_assert_int_eq(destroy(parent), 0);
	ck_assert_int_eq(destroy(plain), 0);
}
END_TEST

/* device.c iommufd_get_hw_info + intel_iommu_hw_info. */
START_TEST(test_hw_info)
{
	uint8_t data[64];
	struct iommu_hw_info_vtd *v = (void *)data;
	struct iommu_hw_info hi = { .size = sizeof(hi) };
	uint32_t dev = bind(0), ioas = ioas_alloc();

	hi.dev_id = dev;
	hi.flags = 2;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
	hi.flags = 0;
	hi.__reserved[1] = 1;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
	hi.__reserved[1] = 0;
	hi.dev_id = ioas;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), -ENOENT);
	hi.dev_id = dev;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.data_len, sizeof(*v));
	ck_assert_uint_eq(hi.out_data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
	ck_assert_uint_eq(hi.out_capabilities, IOMMU_HW_CAP_DIRTY_TRACKING);
	ck_assert_uint_eq(hi.out_max_pasid_log2, 15);
	/* the rest of a longer buffer is zeroed */
	memset(data, 0xff, sizeof(data));
	hi.data_len = sizeof(data);
	hi.data_uptr = (uintptr_t)data;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.data_len, sizeof(*v));
	ck_assert_uint_eq(v->flags, 0);
	ck_assert_uint_ne(v->cap_reg, 0);
	ck_assert_uint_ne(v->ecap_reg, 0);
	for (size_t i = sizeof(*v); i < sizeof(data); i++)
		ck_assert_uint_eq(data[i], 0);
	/* a shorter buffer gets its part only */
	memset(data, 0xff, sizeof(data));
	hi.data_len = 4;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(v->flags, 0);
	ck_assert_uint_eq(data[4], 0xff);
	hi.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	hi.in_data_type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), -EOPNOTSUPP);
	hi.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
}
END_TEST

/* An SMMUv3 device (arm-smmu-v3.c behind iommu_ops): bind, map, attach
 * a stage 1 domain, DMA both ways through the unit into this process's
 * pages; hw_info is the raw IDRs (arm_smmu_hw_info); the software MSI
 * window is reserved (arm_smmu_get_resv_regions); a nesting parent is a
 * stage 2 domain that DMA also goes through; detach blocks DMA. */
START_TEST(test_smmuv3_device)
{
	uint8_t *buf = pages(4), got[64], data[64];
	struct iommu_hw_info_arm_smmuv3 *a = (void *)data;
	struct iommu_hw_info hi = { .size = sizeof(hi),
				    .data_len = sizeof(data),
				    .data_uptr = (uintptr_t)data };
	uint32_t ioas = ioas_alloc(), dev = bind(4), hwpt, parent;
	uint64_t idr0;

	for (int i = 0; i < 64; i++)
		buf[PAGE + i] = (uint8_t)(i * 3);
	ck_assert_int_eq(map_at(ioas, buf, 4 * PAGE, 0x100000, RW), 0);
	ck_assert_int_eq(dma_rd(4, 0x100000 + PAGE, got, 64), -EIO);
	hwpt = attach(dev, ioas);
	ck_assert_int_eq(dma_rd(4, 0x100000 + PAGE, got, 64), 0);
	ck_assert_mem_eq(got, buf + PAGE, 64);
	memset(got, 0x5a, sizeof(got));
	ck_assert_int_eq(dma_wr(4, 0x100000 + 2 * PAGE - 32, got, 64), 0);
	ck_assert_uint_eq(buf[2 * PAGE - 32], 0x5a);
	ck_assert_uint_eq(buf[2 * PAGE + 31], 0x5a);
	ck_assert_int_eq(dma_rd(5, 0x100000, got, 8), -EIO); /* not bound */
	ck_assert_int_eq(map_at(ioas, buf, PAGE, 0x8000000, RW), -EINVAL);
	/* hw_info */
	hi.dev_id = dev;
	ck_assert_int_eq(io(IOMMU_GET_HW_INFO, &hi), 0);
	ck_assert_uint_eq(hi.out_data_type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	ck_assert_uint_eq(hi.data_len, sizeof(*a));
	ck_assert_uint_eq(hi.out_capabilities, IOMMU_HW_CAP_DIRTY_TRACKING);
	idr0 = a->idr[0];
	ck_assert_uint_eq(idr0 & 3, 3); /* S1P | S2P */
	ck_assert_uint_eq(a->idr[5] & 7, 5); /* OAS 48 bits */
	/* a nesting parent is stage 2: replace onto it, DMA still flows */
	parent = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0);
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev, IOMMU_NO_PASID, &parent),
			 0);
	ck_assert_int_eq(dma_rd(4, 0x100000 + 2 * PAGE - 32, got, 4), 0);
	ck_assert_uint_eq(got[0], 0x5a);
	ck_assert_int_eq(destroy(hwpt), -ENOENT); /* the automatic one went */
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(dma_rd(4, 0x100000, got, 8), -EIO);
	ck_assert_int_eq(destroy(parent), 0);
	ck_assert_int_eq(iommufd_sim_unbind(ctx, dev), 0);
	ck_assert_int_eq(destroy(ioas), 0);
}
END_TEST

/* Little-endian qword @v at @p (guest tables in this process's pages). */
static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int smmu_inval(uint32_t viommu, const uint64_t (*cmds)[2], uint32_t n,
		      uint32_t *done)
{
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c),
		.hwpt_id = viommu,
		.data_uptr = (uintptr_t)cmds,
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = 16,
		.entry_num = n,
	};
	int ret = io(IOMMU_HWPT_INVALIDATE, &c);

	*done = c.entry_num;
	return ret;
}

/*
 * A vIOMMU on an SMMUv3 (arm-smmu-v3-iommufd.c): on a stage 2 nesting
 * parent, a vDEVICE with virtual StreamID 0x42, a nested HWPT from the
 * guest's STE whose CD and stage 1 tables live at IPAs (this process's
 * pages, mapped in the IOAS): DMA goes VA -> IPA -> this process's page
 * (arm_vsmmu_alloc_domain_nested); disallowed STE bits EIO
 * (arm_smmu_validate_vste); the invalidation array of raw commands with
 * vSIDs (arm_vsmmu_cache_invalidate / convert_user_cmd).
 */
START_TEST(test_smmuv3_viommu)
{
	uint8_t *buf = pages(16), got[8];
	uint32_t ioas = ioas_alloc(), dev = bind(4), parent, viommu, nested;
	struct iommu_viommu_alloc va = { .size = sizeof(va),
					 .type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
					 .dev_id = dev };
	struct iommu_vdevice_alloc vd = { .size = sizeof(vd),
					  .dev_id = dev,
					  .virt_id = 0x42 };
	uint64_t ste[2] = { 1 | 5 << 1 | 0x100000, 0 };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .dev_id = dev,
				      .data_type = IOMMU_HWPT_DATA_ARM_SMMUV3,
				      .data_len = sizeof(ste),
				      .data_uptr = (uintptr_t)ste };
	struct iommu_veventq_alloc q = { .size = sizeof(q),
					 .type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
					 .veventq_depth = 4 };
	uint64_t cmds[2][2], ev[5];
	uint32_t done;

	/* guest memory: IPA 0x100000 + n is buf + n */
	ck_assert_int_eq(map_at(ioas, buf, 16 * PAGE, 0x100000, RW), 0);
	/* CD: T0SZ 16, 4K, EPD1, V, IPS 48, AA64, R, A, ASID 5; TTB0 IPA
	 * 0x101000; L0..L3 at IPA 0x101000..0x104000, VA 0 -> IPA 0x108000 */
	put64(buf, 16 | 1ULL << 30 | 1ULL << 31 | 5ULL << 32 | 1ULL << 41 |
			   1ULL << 45 | 1ULL << 46 | 5ULL << 48);
	put64(buf + 8, 0x101000);
	for (int l = 0; l < 3; l++)
		put64(buf + 0x1000 * (l + 1), (0x102000 + 0x1000 * l) | 3);
	put64(buf + 0x4000, 0x108000 | 3 | 1 << 6 | 1 << 10);
	parent = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0);
	va.hwpt_id = parent;
	ck_assert_int_eq(io(IOMMU_VIOMMU_ALLOC, &va), 0);
	viommu = va.out_viommu_id;
	vd.viommu_id = viommu;
	ck_assert_int_eq(io(IOMMU_VDEVICE_ALLOC, &vd), 0);
	/* a nested HWPT needs the vIOMMU: on the parent it is EOPNOTSUPP */
	h.pt_id = parent;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EOPNOTSUPP);
	h.pt_id = viommu;
	ste[1] = 1ULL << 19; /* MEV: not the guest's to set */
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), -EIO);
	ste[1] = 0;
	ck_assert_int_eq(io(IOMMU_HWPT_ALLOC, &h), 0);
	nested = h.out_hwpt_id;
	attach(dev, nested);
	ck_assert_int_eq(dma_wr(4, 0x10, "nested!", 8), 0);
	ck_assert_str_eq((char *)buf + 0x8010, "nested!");
	/* a guest fault reaches the vEVENTQ with the vSID
	 * (arm_vmaster_report_event): header, then the 32-byte record */
	q.viommu_id = viommu;
	ck_assert_int_eq(io(IOMMU_VEVENTQ_ALLOC, &q), 0);
	ck_assert_int_eq(dma_rd(4, 0x1000, got, 8), -EIO); /* unmapped VA */
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, q.out_veventq_fd,
						  (uintptr_t)ev, sizeof(ev), 0),
			 40);
	ck_assert_uint_eq(ev[1] & 0xff, 0x10); /* F_TRANSLATION */
	ck_assert_uint_eq(ev[1] >> 32, 0x42); /* the vSID */
	ck_assert_uint_eq(ev[3], 0x1000); /* InputAddr */
	/* a stage 2 fault is the host's: the guest's IPA 0x108000's page
	 * unmapped from the parent */
	ck_assert_int_eq(unmap_at(ioas, 0x100000, 16 * PAGE), 0);
	ck_assert_int_eq(dma_rd(4, 0x10, got, 8), -EIO);
	ck_assert_int_eq(iommufd_sim_veventq_read(ctx, q.out_veventq_fd,
						  (uintptr_t)ev, sizeof(ev), 0),
			 0);
	/* invalidation: CFGI_CD of vSID 0x42, TLBI_NH_ASID 5 */
	cmds[0][0] = 0x05 | 0x42ULL << 32;
	cmds[0][1] = 0;
	cmds[1][0] = 0x11 | 5ULL << 48;
	cmds[1][1] = 0;
	ck_assert_int_eq(
		smmu_inval(viommu, (const uint64_t(*)[2])cmds, 2, &done), 0);
	ck_assert_uint_eq(done, 2);
	/* CFGI_STE is the VMM's, not the guest's: EIO after one */
	cmds[1][0] = 0x03 | 0x42ULL << 32;
	ck_assert_int_eq(
		smmu_inval(viommu, (const uint64_t(*)[2])cmds, 2, &done), -EIO);
	ck_assert_uint_eq(done, 1);
	/* a vSID with no vDEVICE */
	cmds[0][0] = 0x05 | 0x43ULL << 32;
	ck_assert_int_eq(
		smmu_inval(viommu, (const uint64_t(*)[2])cmds, 1, &done), -EIO);
	ck_assert_uint_eq(done, 0);
	/* teardown in the kernel's order */
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, IOMMU_NO_PASID), 0);
	ck_assert_int_eq(iommufd_sim_veventq_close(ctx, q.out_veventq_fd), 0);
	ck_assert_int_eq(destroy(q.out_veventq_id), 0);
	ck_assert_int_eq(destroy(nested), 0);
	ck_assert_int_eq(destroy(vd.out_vdevice_id), 0);
	ck_assert_int_eq(destroy(viommu), 0);
	ck_assert_int_eq(destroy(parent), 0);
}
END_TEST

/* Dirty tracking on an SMMUv3 device (HTTU dirty state: DBM leaves,
 * AP[2] cleared by the hardware on a write; arm_smmu_read_and_clear_dirty
 * through io-pgtable-arm): enabling clears, only written pages report,
 * a report clears, a later write is seen again. */
START_TEST(test_smmuv3_dirty)
{
	struct iommu_hwpt_set_dirty_tracking sd = {
		.size = sizeof(sd), .flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE
	};
	uint8_t *buf = pages(16), b = 1;
	uint32_t ioas = ioas_alloc(), dev = bind(4);
	uint64_t bits[2];

	sd.hwpt_id = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0);
	ck_assert_int_eq(map_at(ioas, buf, 16 * PAGE, 0x100000, RW), 0);
	attach(dev, sd.hwpt_id);
	ck_assert_int_eq(io(IOMMU_HWPT_SET_DIRTY_TRACKING, &sd), 0);
	ck_assert_int_eq(dma_wr(4, 0x100000 + 3 * PAGE + 9, &b, 1), 0);
	ck_assert_int_eq(dma_wr(4, 0x100000 + 12 * PAGE, &b, 1), 0);
	ck_assert_int_eq(dma_rd(4, 0x100000 + 5 * PAGE, &b, 1), 0);
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(sd.hwpt_id, 0x100000, 16 * PAGE, PAGE,
					  bits, 0),
			 0);
	ck_assert_uint_eq(bits[0], (1u << 3) | (1u << 12));
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(sd.hwpt_id, 0x100000, 16 * PAGE, PAGE,
					  bits, 0),
			 0);
	ck_assert_uint_eq(bits[0], 0);
	ck_assert_int_eq(dma_wr(4, 0x100000 + 3 * PAGE, &b, 1), 0);
	ck_assert_int_eq(get_dirty_bitmap(sd.hwpt_id, 0x100000, 16 * PAGE, PAGE,
					  bits, 0),
			 0);
	ck_assert_uint_eq(bits[0], 1u << 3);
}
END_TEST

/* hw_pagetable.c iommufd_hwpt_set_dirty_tracking and
 * iommufd_hwpt_get_dirty_bitmap, read from the unit's second-stage D
 * bits (ECAP.SSADS) after real DMA writes. */
START_TEST(test_dirty)
{
	struct iommu_hwpt_set_dirty_tracking sd = { .size = sizeof(sd) };
	uint8_t *buf = pages(16), b = 1;
	uint32_t ioas = ioas_alloc(), dev = bind(0), hw, plain;
	uint64_t bits[2];

	hw = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0);
	plain = hwpt_alloc(dev, ioas, 0, 0);
	ck_assert_int_eq(map_at(ioas, buf, 16 * PAGE, 0x100000, RW), 0);
	attach(dev, hw);
	ck_assert_int_eq(dma_wr(0, 0x100000, &b, 1), 0); /* before: cleared */
	sd.hwpt_id = hw;
	sd.flags = 2;
	ck_assert_int_eq(io(IOMMU_HWPT_SET_DIRTY_TRACKING, &sd), -EOPNOTSUPP);
	sd.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	sd.hwpt_id = ioas;
	ck_assert_int_eq(io(IOMMU_HWPT_SET_DIRTY_TRACKING, &sd), -ENOENT);
	sd.hwpt_id = plain;
	ck_assert_int_eq(io(IOMMU_HWPT_SET_DIRTY_TRACKING, &sd), -EOPNOTSUPP);
	sd.hwpt_id = hw;
	ck_assert_int_eq(io(IOMMU_HWPT_SET_DIRTY_TRACKING, &sd), 0);
	ck_assert_int_eq(dma_wr(0, 0x100000 + 3 * PAGE + 9, &b, 1), 0);
	ck_assert_int_eq(dma_wr(0, 0x100000 + 12 * PAGE, &b, 1), 0);
	ck_assert_int_eq(dma_rd(0, 0x100000 + 5 * PAGE, &b, 1), 0);
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100000, 16 * PAGE, PAGE, bits,
					  IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR),
			 0);
	ck_assert_uint_eq(bits[0], (1u << 3) | (1u << 12));
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(
		get_dirty_bitmap(hw, 0x100000, 16 * PAGE, PAGE, bits, 0), 0);
	ck_assert_uint_eq(bits[0], (1u << 3) | (1u << 12));
	memset(bits, 0, sizeof(bits));
	ck_assert_int_eq(
		get_dirty_bitmap(hw, 0x100000, 16 * PAGE, PAGE, bits, 0), 0);
	ck_assert_uint_eq(bits[0], 0);
	/* a write after the clear is seen again (the IOTLB was flushed) */
	ck_assert_int_eq(dma_wr(0, 0x100000 + 3 * PAGE, &b, 1), 0);
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100000, 16 * PAGE, 2 * PAGE,
					  bits, 0),
			 0);
	ck_assert_uint_eq(bits[0], 1u << 1);
	/* bits are only ever set */
	bits[0] = 1ULL << 60;
	ck_assert_int_eq(
		get_dirty_bitmap(hw, 0x100000, 16 * PAGE, PAGE, bits, 0), 0);
	ck_assert_uint_eq(bits[0], 1ULL << 60);
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100000, 16 * PAGE, PAGE, bits,
					  2),
			 -EOPNOTSUPP);
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100000, 16 * PAGE, 0, bits, 0),
			 -EINVAL);
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100000, 16 * PAGE, 3 * PAGE,
					  bits, 0),
			 -EINVAL);
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100800, PAGE, PAGE, bits, 0),
			 -EINVAL);
	ck_assert_int_eq(get_dirty_bitmap(hw, UINT64_MAX - PAGE + 1, 2 * PAGE,
					  PAGE, bits, 0),
			 -EOVERFLOW);
	ck_assert_int_eq(get_dirty_bitmap(plain, 0x100000, PAGE, PAGE, bits, 0),
			 -EOPNOTSUPP);
	/* a bitmap that is not memory: EFAULT (the kernel pins it first) */
	ck_assert_int_eq(get_dirty_bitmap(hw, 0x100000, PAGE, PAGE, NULL, 0),
			 -EFAULT);
	munmap(buf, 16 * PAGE);
}
END_TEST

/* The IOAS's huge-page choice reaches the domain: 2 MiB leaves where IOVA
 * and memory agree, 4 KiB only with IOMMU_OPTION_HUGE_PAGES off
 * (iopt_disable_large_pages: EINVAL once a domain maps areas). */
START_TEST(test_huge_pages)
{
	const uint64_t M2 = 2ULL << 20;
	uint8_t *raw = pages(3 * 512), *buf;
	struct iommu_option opt = { .size = sizeof(opt),
				    .option_id = IOMMU_OPTION_HUGE_PAGES,
				    .op = IOMMU_OPTION_OP_SET };
	struct dma_result res;
	uint32_t ioas = ioas_alloc(), dev = bind(0);

	buf = (uint8_t *)(((uintptr_t)raw + M2 - 1) & ~(M2 - 1));
	attach(dev, ioas);
	ck_assert_int_eq(map_at(ioas, buf, M2, 0x40000000, RW), 0);
	iofd_sys_translate(sys, 0, IOMMU_NO_PASID, 0x40000000 + 0x1234,
			   DMA_ACC_READ, &res);
	ck_assert(res.ok);
	ck_assert_uint_eq(res.xlat.page_size, M2);
	opt.object_id = ioas;
	opt.val64 = 0;
	ck_assert_int_eq(io(IOMMU_OPTION, &opt), -EINVAL);
	ck_assert_int_eq(unmap_at(ioas, 0, UINT64_MAX), 0);
	ck_assert_int_eq(io(IOMMU_OPTION, &opt), 0);
	ck_assert_int_eq(map_at(ioas, buf, M2, 0x40000000, RW), 0);
	iofd_sys_translate(sys, 0, IOMMU_NO_PASID, 0x40000000 + 0x1234,
			   DMA_ACC_READ, &res);
	ck_assert(res.ok);
	ck_assert_uint_eq(res.xlat.page_size, PAGE);
	munmap(raw, 3 * 512 * PAGE);
}
END_TEST

/* PASID attach on VT-d (scalable mode): requests with the PASID use its
 * own domain, the RID keeps its own; the PASID entry goes away on
 * detach. Legacy mode has no PASIDs. */
START_TEST(test_vtd_pasid)
{
	uint8_t *a = pages(1), *b = pages(1), got;
	uint32_t ioas_a = ioas_alloc(), ioas_b = ioas_alloc(), dev = bind(0);
	uint32_t ha, hb, pt;
	struct dma_result res;

	a[0] = 0xa1;
	b[0] = 0xb2;
	ck_assert_int_eq(map_at(ioas_a, a, PAGE, 0x10000, RW), 0);
	ck_assert_int_eq(map_at(ioas_b, b, PAGE, 0x10000, RW), 0);
	ha = hwpt_alloc(dev, ioas_a, IOMMU_HWPT_ALLOC_PASID, 0);
	hb = hwpt_alloc(dev, ioas_b, IOMMU_HWPT_ALLOC_PASID, 0);
	attach(dev, ha);
	pt = hb;
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev, 1u << 15, &pt), -EINVAL);
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev, 5, &pt), 0);
	ck_assert_int_eq(iofd_sys_dma(sys, 0, 5, 0x10000, &got, 1, false, NULL),
			 0);
	ck_assert_uint_eq(got, 0xb2);
	ck_assert_int_eq(dma_rd(0, 0x10000, &got, 1), 0);
	ck_assert_uint_eq(got, 0xa1);
	ck_assert_int_eq(iofd_sys_dma(sys, 0, 6, 0x10000, &got, 1, false, &res),
			 -EIO); /* a PASID nobody attached */
	ck_assert_int_eq(destroy(hb), -EBUSY);
	ck_assert_int_eq(iommufd_sim_detach(ctx, dev, 5), 0);
	ck_assert_int_eq(iofd_sys_dma(sys, 0, 5, 0x10000, &got, 1, false, NULL),
			 -EIO);
	ck_assert_int_eq(destroy(hb), 0);
	teardown();
	up("mode=legacy", 0, 0);
	ioas_a = ioas_alloc();
	dev = bind(0);
	pt = ioas_a;
	ck_assert_int_eq(iommufd_sim_attach(ctx, dev, 5, &pt), -EINVAL);
	munmap(a, PAGE);
	munmap(b, PAGE);
}
END_TEST

/* A MAP_FILE area through the VT-d unit: DMA reads and writes the
 * file's bytes (pages.c file pages, pread/pwrite behind the window). */
START_TEST(test_file_dma)
{
	struct iommu_ioas_map_file m = { .size = sizeof(m),
					 .flags = RW |
						  IOMMU_IOAS_MAP_FIXED_IOVA,
					 .start = PAGE,
					 .length = 2 * PAGE,
					 .iova = 0x200000 };
	int mfd = memfd_create("iofd", 0);
	char got[8] = "", back[8] = "";
	uint32_t ioas = ioas_alloc();

	ck_assert_int_ge(mfd, 0);
	ck_assert_int_eq(ftruncate(mfd, 4 * PAGE), 0);
	ck_assert_int_eq(pwrite(mfd, "abcdefg", 8, PAGE + 16), 8);
	m.ioas_id = ioas;
	m.fd = mfd;
	ck_assert_int_eq(io(IOMMU_IOAS_MAP_FILE, &m), 0);
	attach(bind(0), ioas);
	ck_assert_int_eq(dma_rd(0, 0x200000 + 16, got, 8), 0);
	ck_assert_str_eq(got, "abcdefg");
	ck_assert_int_eq(dma_wr(0, 0x200000 + PAGE, "XYZ", 4), 0);
	ck_assert_int_eq(pread(mfd, back, 4, 2 * PAGE), 4);
	ck_assert_str_eq(back, "XYZ");
	/* the area holds its own reference: closing the fd changes nothing */
	close(mfd);
	ck_assert_int_eq(dma_rd(0, 0x200000 + 16, got, 8), 0);
	ck_assert_str_eq(got, "abcdefg");
}
END_TEST

/* Close with everything in place: devices unbound, objects freed leaves
 * first, the group's ownership released (LSan checks the rest). */
START_TEST(test_close_all)
{
	uint8_t *buf = pages(2), got;
	uint32_t ioas = ioas_alloc(), dev = bind(0), h;

	ck_assert_int_eq(map_at(ioas, buf, 2 * PAGE, 0x10000, RW), 0);
	h = hwpt_alloc(dev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0);
	attach(dev, h);
	attach(bind(1), ioas);
	iommufd_sim_close(ctx);
	ck_assert_int_eq(dma_rd(0, 0x10000, &got, 1), -EIO);
	ck_assert_int_eq(iommufd_sim_open_sys(sys, NULL, &ctx), 0);
	ck_assert_uint_eq(bind(0), 1);
	munmap(buf, 2 * PAGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iofd_dev");
	TCase *tc = tcase_create("devices");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_topology);
	tcase_add_test(tc, test_bind);
	tcase_add_test(tc, test_attach_dma);
	tcase_add_test(tc, test_smmuv3_device);
	tcase_add_test(tc, test_smmuv3_viommu);
	tcase_add_test(tc, test_smmuv3_dirty);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_replace_explicit);
	tcase_add_test(tc, test_reserved);
	tcase_add_test(tc, test_pin_efault);
	tcase_add_test(tc, test_memlock);
	tcase_add_test(tc, test_hwpt_alloc_errors);
	tcase_add_test(tc, test_hwpt_legacy);
	tcase_add_test(tc, test_hwpt_nested_alloc);
	tcase_add_test(tc, test_hw_info);
	tcase_add_test(tc, test_dirty);
	tcase_add_test(tc, test_huge_pages);
	tcase_add_test(tc, test_vtd_pasid);
	tcase_add_test(tc, test_file_dma);
	tcase_add_test(tc, test_close_all);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

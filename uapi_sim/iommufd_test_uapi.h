/* SPDX-License-Identifier: MIT */
/*
 * iommufd_test_uapi.h - the selftest interface of Linux v6.17
 * (IOMMU_TEST_CMD and the mock driver's constants and data structs), as
 * tools/testing/selftests/iommu uses it. Layout facts from torvalds/linux
 * drivers/iommu/iommufd/iommufd_test.h at 20896914 (v6.17); this is the
 * project's own transcription, every offset pinned below.
 */
#ifndef IOMMUSIM_UAPI_SIM_IOMMUFD_TEST_UAPI_H
#define IOMMUSIM_UAPI_SIM_IOMMUFD_TEST_UAPI_H

#include <stddef.h>
#include <stdint.h>

#include "iommufd_uapi.h"

enum {
	IOMMU_TEST_OP_ADD_RESERVED = 1,
	IOMMU_TEST_OP_MOCK_DOMAIN = 2,
	IOMMU_TEST_OP_MD_CHECK_MAP = 3,
	IOMMU_TEST_OP_MD_CHECK_REFS = 4,
	IOMMU_TEST_OP_CREATE_ACCESS = 5,
	IOMMU_TEST_OP_DESTROY_ACCESS_PAGES = 6,
	IOMMU_TEST_OP_ACCESS_PAGES = 7,
	IOMMU_TEST_OP_ACCESS_RW = 8,
	IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
	IOMMU_TEST_OP_ACCESS_REPLACE_IOAS = 11,
	IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS = 12,
	IOMMU_TEST_OP_DIRTY = 13,
	IOMMU_TEST_OP_MD_CHECK_IOTLB = 14,
	IOMMU_TEST_OP_TRIGGER_IOPF = 15,
	IOMMU_TEST_OP_DEV_CHECK_CACHE = 16,
	IOMMU_TEST_OP_TRIGGER_VEVENT = 17,
	IOMMU_TEST_OP_PASID_ATTACH = 18,
	IOMMU_TEST_OP_PASID_REPLACE = 19,
	IOMMU_TEST_OP_PASID_DETACH = 20,
	IOMMU_TEST_OP_PASID_CHECK_HWPT = 21,
};

#define MOCK_APERTURE_START (1ULL << 24)
#define MOCK_APERTURE_LAST ((1ULL << 31) - 1)

#define MOCK_FLAGS_ACCESS_WRITE (1u << 0)
#define MOCK_FLAGS_ACCESS_SYZ (1u << 16)
#define MOCK_ACCESS_RW_WRITE (1u << 0)
#define MOCK_ACCESS_RW_SLOW_PATH (1u << 2)
#define MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES (1u << 0)
#define MOCK_FLAGS_DEVICE_NO_DIRTY (1u << 0)
#define MOCK_FLAGS_DEVICE_HUGE_IOVA (1u << 1)
#define MOCK_FLAGS_DEVICE_PASID (1u << 2)
#define MOCK_NESTED_DOMAIN_IOTLB_ID_MAX 3
#define MOCK_NESTED_DOMAIN_IOTLB_NUM 4
#define MOCK_DEV_CACHE_ID_MAX 3
#define MOCK_DEV_CACHE_NUM 4
#define IOMMU_TEST_PASID_RESERVED 1024
#define MOCK_PASID_WIDTH 20

#define IOMMU_HW_INFO_TYPE_SELFTEST 0xfeedbeefu
#define IOMMU_HW_INFO_SELFTEST_REGVAL 0xdeadbeefu
#define IOMMU_HWPT_DATA_SELFTEST 0xdeadu
#define IOMMU_TEST_IOTLB_DEFAULT 0xbadbeefu
#define IOMMU_TEST_DEV_CACHE_DEFAULT 0xbaddadu
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST 0xdeadbeefu
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeefu
#define IOMMU_TEST_INVALIDATE_FLAG_ALL (1u << 0)
#define IOMMU_VIOMMU_TYPE_SELFTEST 0xdeadbeefu
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST 0xdeadbeefu
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeefu
#define IOMMU_VEVENTQ_TYPE_SELFTEST 0xbeefbeefu
#define IOMMU_HW_QUEUE_TYPE_SELFTEST 0xdeadbeefu
#define IOMMU_TEST_HW_QUEUE_MAX 2

struct iommu_test_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t __reserved;
	union {
		struct {
			uint64_t start;
			uint64_t length;
		} add_reserved;
		struct {
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;
		} mock_domain;
		struct {
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;
			uint32_t dev_flags;
		} mock_domain_flags;
		struct {
			uint32_t pt_id;
		} mock_domain_replace;
		struct {
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;
		} check_map;
		struct {
			uint64_t length;
			uint64_t uptr;
			uint32_t refs;
		} check_refs;
		struct {
			uint32_t out_access_fd;
			uint32_t flags;
		} create_access;
		struct {
			uint32_t access_pages_id;
		} destroy_access_pages;
		struct {
			uint32_t flags;
			uint32_t out_access_pages_id;
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;
		} access_pages;
		struct {
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;
			uint32_t flags;
		} access_rw;
		struct {
			uint32_t limit;
		} memory_limit;
		struct {
			uint32_t ioas_id;
		} access_replace_ioas;
		struct {
			uint32_t flags;
			uint64_t iova;
			uint64_t length;
			uint64_t page_size;
			uint64_t uptr;
			uint64_t out_nr_dirty;
		} dirty;
		struct {
			uint32_t id;
			uint32_t iotlb;
		} check_iotlb;
		struct {
			uint32_t dev_id;
			uint32_t pasid;
			uint32_t grpid;
			uint32_t perm;
			uint64_t addr;
		} trigger_iopf;
		struct {
			uint32_t id;
			uint32_t cache;
		} check_dev_cache;
		struct {
			uint32_t dev_id;
		} trigger_vevent;
		struct {
			uint32_t pasid;
			uint32_t pt_id;
		} pasid_attach;
		struct {
			uint32_t pasid;
			uint32_t pt_id;
		} pasid_replace;
		struct {
			uint32_t pasid;
		} pasid_detach;
		struct {
			uint32_t pasid;
			uint32_t hwpt_id;
		} pasid_check;
	};
	uint32_t last;
};

#define IOMMU_TEST_CMD IOMMUFD_IO(IOMMUFD_CMD_BASE + 32)

struct iommu_test_hw_info {
	uint32_t flags;
	uint32_t test_reg;
};

struct iommu_hwpt_selftest {
	uint32_t iotlb;
};

struct iommu_hwpt_invalidate_selftest {
	uint32_t flags;
	uint32_t iotlb_id;
};

/* v6.17 added the mmap region (torvalds/linux
 * drivers/iommu/iommufd/iommufd_test.h at v6.17) */
struct iommu_viommu_selftest {
	uint32_t in_data;
	uint32_t out_data;
	uint64_t out_mmap_offset;
	uint64_t out_mmap_length;
};

struct iommu_viommu_invalidate_selftest {
	uint32_t flags;
	uint32_t vdev_id;
	uint32_t cache_id;
};

struct iommu_viommu_event_selftest {
	uint32_t virt_id;
};

#define IOFD_TEST_AT(field, off)                                        \
	_Static_assert(offsetof(struct iommu_test_cmd, field) == (off), \
		       "iommu_test_cmd." #field)
_Static_assert(sizeof(struct iommu_test_cmd) == 72, "iommu_test_cmd size");
IOFD_TEST_AT(op, 4);
IOFD_TEST_AT(id, 8);
IOFD_TEST_AT(__reserved, 12);
IOFD_TEST_AT(add_reserved.start, 16);
IOFD_TEST_AT(add_reserved.length, 24);
IOFD_TEST_AT(mock_domain.out_stdev_id, 16);
IOFD_TEST_AT(mock_domain.out_hwpt_id, 20);
IOFD_TEST_AT(mock_domain.out_idev_id, 24);
IOFD_TEST_AT(mock_domain_flags.dev_flags, 28);
IOFD_TEST_AT(mock_domain_replace.pt_id, 16);
IOFD_TEST_AT(check_map.iova, 16);
IOFD_TEST_AT(check_map.length, 24);
IOFD_TEST_AT(check_map.uptr, 32);
IOFD_TEST_AT(check_refs.length, 16);
IOFD_TEST_AT(check_refs.uptr, 24);
IOFD_TEST_AT(check_refs.refs, 32);
IOFD_TEST_AT(create_access.out_access_fd, 16);
IOFD_TEST_AT(create_access.flags, 20);
IOFD_TEST_AT(destroy_access_pages.access_pages_id, 16);
IOFD_TEST_AT(access_pages.flags, 16);
IOFD_TEST_AT(access_pages.out_access_pages_id, 20);
IOFD_TEST_AT(access_pages.iova, 24);
IOFD_TEST_AT(access_pages.length, 32);
IOFD_TEST_AT(access_pages.uptr, 40);
IOFD_TEST_AT(access_rw.iova, 16);
IOFD_TEST_AT(access_rw.length, 24);
IOFD_TEST_AT(access_rw.uptr, 32);
IOFD_TEST_AT(access_rw.flags, 40);
IOFD_TEST_AT(memory_limit.limit, 16);
IOFD_TEST_AT(access_replace_ioas.ioas_id, 16);
IOFD_TEST_AT(dirty.flags, 16);
IOFD_TEST_AT(dirty.iova, 24);
IOFD_TEST_AT(dirty.length, 32);
IOFD_TEST_AT(dirty.page_size, 40);
IOFD_TEST_AT(dirty.uptr, 48);
IOFD_TEST_AT(dirty.out_nr_dirty, 56);
IOFD_TEST_AT(check_iotlb.id, 16);
IOFD_TEST_AT(check_iotlb.iotlb, 20);
IOFD_TEST_AT(trigger_iopf.dev_id, 16);
IOFD_TEST_AT(trigger_iopf.pasid, 20);
IOFD_TEST_AT(trigger_iopf.grpid, 24);
IOFD_TEST_AT(trigger_iopf.perm, 28);
IOFD_TEST_AT(trigger_iopf.addr, 32);
IOFD_TEST_AT(check_dev_cache.id, 16);
IOFD_TEST_AT(check_dev_cache.cache, 20);
IOFD_TEST_AT(trigger_vevent.dev_id, 16);
IOFD_TEST_AT(pasid_attach.pasid, 16);
IOFD_TEST_AT(pasid_attach.pt_id, 20);
IOFD_TEST_AT(pasid_check.hwpt_id, 20);
IOFD_TEST_AT(last, 64);
_Static_assert(sizeof(struct iommu_test_hw_info) == 8, "test_hw_info");
_Static_assert(sizeof(struct iommu_hwpt_invalidate_selftest) == 8,
	       "invalidate_selftest");
_Static_assert(sizeof(struct iommu_viommu_selftest) == 24, "viommu_selftest");
_Static_assert(offsetof(struct iommu_viommu_selftest, out_mmap_offset) == 8,
	       "viommu_selftest.out_mmap_offset");
_Static_assert(sizeof(struct iommu_viommu_invalidate_selftest) == 12,
	       "viommu_invalidate_selftest");

#endif /* IOMMUSIM_UAPI_SIM_IOMMUFD_TEST_UAPI_H */

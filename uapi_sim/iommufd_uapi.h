/* SPDX-License-Identifier: MIT */
/*
 * iommufd_uapi.h - the project's own transcription of the Linux v6.17
 * iommufd uAPI (include/uapi/linux/iommufd.h): ioctl numbers, structs,
 * flags and enums. Struct layouts and numbers are facts of the ABI; every
 * size and field offset is pinned by a _Static_assert below, taken from
 * the project's fact sheet (shared/reference/iommufd-uapi.md section 2,
 * checked there by compiling a layout program on x86-64).
 *
 * Every u64 of the uAPI is 8-byte aligned (__aligned_u64), so these
 * layouts hold on any LP64 ABI. Not yet transcribed: IOMMU_TEST_CMD
 * (struct iommu_test_cmd, issue 5).
 *
 * The VFIO type1 compatibility subset that iommufd answers on the same fd
 * comes last (include/uapi/linux/vfio.h; numbers and layouts also in the
 * fact sheet section 2.3).
 */
#ifndef IOMMUSIM_UAPI_SIM_IOMMUFD_UAPI_H
#define IOMMUSIM_UAPI_SIM_IOMMUFD_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#define IOMMUFD_TYPE ';'
#define IOMMUFD_CMD_BASE 0x80
/* _IO(';', nr): direction none, size 0. */
#define IOMMUFD_IO(nr) ((IOMMUFD_TYPE << 8) | (nr))

enum {
	IOMMUFD_CMD_DESTROY = 0x80,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IOMMUFD_CMD_IOAS_COPY = 0x83,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_OPTION = 0x87,
	IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
	IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
	IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
	IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
};

#define IOMMU_DESTROY IOMMUFD_IO(IOMMUFD_CMD_DESTROY)
#define IOMMU_IOAS_ALLOC IOMMUFD_IO(IOMMUFD_CMD_IOAS_ALLOC)
#define IOMMU_IOAS_ALLOW_IOVAS IOMMUFD_IO(IOMMUFD_CMD_IOAS_ALLOW_IOVAS)
#define IOMMU_IOAS_COPY IOMMUFD_IO(IOMMUFD_CMD_IOAS_COPY)
#define IOMMU_IOAS_IOVA_RANGES IOMMUFD_IO(IOMMUFD_CMD_IOAS_IOVA_RANGES)
#define IOMMU_IOAS_MAP IOMMUFD_IO(IOMMUFD_CMD_IOAS_MAP)
#define IOMMU_IOAS_UNMAP IOMMUFD_IO(IOMMUFD_CMD_IOAS_UNMAP)
#define IOMMU_OPTION IOMMUFD_IO(IOMMUFD_CMD_OPTION)
#define IOMMU_VFIO_IOAS IOMMUFD_IO(IOMMUFD_CMD_VFIO_IOAS)
#define IOMMU_HWPT_ALLOC IOMMUFD_IO(IOMMUFD_CMD_HWPT_ALLOC)
#define IOMMU_GET_HW_INFO IOMMUFD_IO(IOMMUFD_CMD_GET_HW_INFO)
#define IOMMU_HWPT_SET_DIRTY_TRACKING \
	IOMMUFD_IO(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)
#define IOMMU_HWPT_GET_DIRTY_BITMAP \
	IOMMUFD_IO(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)
#define IOMMU_HWPT_INVALIDATE IOMMUFD_IO(IOMMUFD_CMD_HWPT_INVALIDATE)
#define IOMMU_FAULT_QUEUE_ALLOC IOMMUFD_IO(IOMMUFD_CMD_FAULT_QUEUE_ALLOC)
#define IOMMU_IOAS_MAP_FILE IOMMUFD_IO(IOMMUFD_CMD_IOAS_MAP_FILE)
#define IOMMU_VIOMMU_ALLOC IOMMUFD_IO(IOMMUFD_CMD_VIOMMU_ALLOC)
#define IOMMU_VDEVICE_ALLOC IOMMUFD_IO(IOMMUFD_CMD_VDEVICE_ALLOC)
#define IOMMU_IOAS_CHANGE_PROCESS IOMMUFD_IO(IOMMUFD_CMD_IOAS_CHANGE_PROCESS)
#define IOMMU_VEVENTQ_ALLOC IOMMUFD_IO(IOMMUFD_CMD_VEVENTQ_ALLOC)
#define IOMMU_HW_QUEUE_ALLOC IOMMUFD_IO(IOMMUFD_CMD_HW_QUEUE_ALLOC)

struct iommu_destroy {
	uint32_t size;
	uint32_t id;
};

struct iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

struct iommu_iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

struct iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t __reserved;
	uint64_t allowed_iovas;
	uint64_t out_iova_alignment;
};

struct iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t __reserved;
	uint64_t allowed_iovas;
};

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t __reserved;
	uint64_t user_va;
	uint64_t length;
	uint64_t iova;
};

struct iommu_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	uint64_t start;
	uint64_t length;
	uint64_t iova;
};

struct iommu_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	uint64_t length;
	uint64_t dst_iova;
	uint64_t src_iova;
};

struct iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	uint64_t iova;
	uint64_t length;
};

enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,
	IOMMU_OPTION_HUGE_PAGES = 1,
};

enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

struct iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t __reserved;
	uint32_t object_id;
	uint64_t val64;
};

enum iommufd_vfio_ioas_op {
	IOMMU_VFIO_IOAS_GET = 0,
	IOMMU_VFIO_IOAS_SET = 1,
	IOMMU_VFIO_IOAS_CLEAR = 2,
};

struct iommu_vfio_ioas {
	uint32_t size;
	uint32_t ioas_id;
	uint16_t op;
	uint16_t __reserved;
};

enum iommufd_hwpt_alloc_flags {
	IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
	IOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

enum iommu_hwpt_data_type {
	IOMMU_HWPT_DATA_NONE = 0,
	IOMMU_HWPT_DATA_VTD_S1 = 1,
	IOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
};

struct iommu_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t out_hwpt_id;
	uint32_t __reserved;
	uint32_t data_type;
	uint32_t data_len;
	uint64_t data_uptr;
	uint32_t fault_id;
	uint32_t __reserved2;
};

/* VT-d first-stage data of a nested HWPT (IOMMU_HWPT_DATA_VTD_S1). */
enum iommu_hwpt_vtd_s1_flags {
	IOMMU_VTD_S1_SRE = 1 << 0,
	IOMMU_VTD_S1_EAFE = 1 << 1,
	IOMMU_VTD_S1_WPE = 1 << 2,
};

struct iommu_hwpt_vtd_s1 {
	uint64_t flags;
	uint64_t pgtbl_addr;
	uint32_t addr_width;
	uint32_t __reserved;
};

enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
	IOMMU_HW_INFO_TYPE_DEFAULT = 0,
	IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
};

enum iommufd_hw_info_flags {
	IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

enum iommufd_hw_capabilities {
	IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
	IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
	IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,
};

/* iommu_hw_info_vtd.flags: the Sapphire Rapids erratum (never set here:
 * the simulated unit does not have it) */
#define IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 (1u << 0)

struct iommu_hw_info_vtd {
	uint32_t flags;
	uint32_t __reserved;
	uint64_t cap_reg;
	uint64_t ecap_reg;
};

/*
 * Arm SMMUv3 and its NVIDIA Tegra241 CMDQV extension (v6.17
 * include/uapi/linux/iommufd.h). Fields the kernel declares
 * __aligned_le64 are little-endian on every host: read them with
 * ld_le64().
 */
struct iommu_hw_info_arm_smmuv3 {
	uint32_t flags;
	uint32_t __reserved;
	uint32_t idr[6]; /* the raw SMMU_IDR0-5 */
	uint32_t iidr;
	uint32_t aidr;
};

struct iommu_hw_info_tegra241_cmdqv {
	uint32_t flags;
	uint8_t version;
	uint8_t log2vcmdqs;
	uint8_t log2vsids;
	uint8_t __reserved;
};

/* IOMMU_HWPT_DATA_ARM_SMMUV3: the guest's STE doublewords 0 and 1 */
struct iommu_hwpt_arm_smmuv3 {
	uint64_t ste[2]; /* little-endian */
};

/* IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3: one raw 16-byte command */
struct iommu_viommu_arm_smmuv3_invalidate {
	uint64_t cmd[2]; /* little-endian */
};

/* IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV user data */
struct iommu_viommu_tegra241_cmdqv {
	uint64_t out_vintf_mmap_offset;
	uint64_t out_vintf_mmap_length;
};

/* vEVENTQ records: a raw event (StreamID made virtual), and the
 * Tegra241 queue error map */
struct iommu_vevent_arm_smmuv3 {
	uint64_t evt[4]; /* little-endian */
};

struct iommu_vevent_tegra241_cmdqv {
	uint64_t lvcmdq_err_map[2]; /* little-endian */
};

struct iommu_hw_info {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t data_len;
	uint64_t data_uptr;
	union {
		uint32_t in_data_type;
		uint32_t out_data_type;
	};
	uint8_t out_max_pasid_log2;
	uint8_t __reserved[3];
	uint64_t out_capabilities;
};

enum iommufd_hwpt_set_dirty_tracking_flags {
	IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
};

struct iommu_hwpt_set_dirty_tracking {
	uint32_t size;
	uint32_t flags;
	uint32_t hwpt_id;
	uint32_t __reserved;
};

enum iommufd_hwpt_get_dirty_bitmap_flags {
	IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

struct iommu_hwpt_get_dirty_bitmap {
	uint32_t size;
	uint32_t hwpt_id;
	uint32_t flags;
	uint32_t __reserved;
	uint64_t iova;
	uint64_t length;
	uint64_t page_size;
	uint64_t data;
};

enum iommu_hwpt_invalidate_data_type {
	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
	IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

enum iommu_hwpt_vtd_s1_invalidate_flags {
	IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0,
};

struct iommu_hwpt_vtd_s1_invalidate {
	uint64_t addr;
	uint64_t npages;
	uint32_t flags;
	uint32_t __reserved;
};

struct iommu_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;
	uint64_t data_uptr;
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;
	uint32_t __reserved;
};

struct iommu_fault_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_fault_id;
	uint32_t out_fault_fd;
};

enum iommu_hwpt_pgfault_flags {
	IOMMU_PGFAULT_FLAGS_PASID_VALID = 1 << 0,
	IOMMU_PGFAULT_FLAGS_LAST_PAGE = 1 << 1,
};

enum iommu_hwpt_pgfault_perm {
	IOMMU_PGFAULT_PERM_READ = 1 << 0,
	IOMMU_PGFAULT_PERM_WRITE = 1 << 1,
	IOMMU_PGFAULT_PERM_EXEC = 1 << 2,
	IOMMU_PGFAULT_PERM_PRIV = 1 << 3,
};

struct iommu_hwpt_pgfault {
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t perm;
	uint32_t __reserved;
	uint64_t addr;
	uint32_t length;
	uint32_t cookie;
};

enum iommufd_page_response_code {
	IOMMUFD_PAGE_RESP_SUCCESS = 0,
	IOMMUFD_PAGE_RESP_INVALID = 1,
};

struct iommu_hwpt_page_response {
	uint32_t cookie;
	uint32_t code;
};

enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
	IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t __reserved;
	uint64_t data_uptr;
};

struct iommu_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	uint64_t virt_id;
};

struct iommu_ioas_change_process {
	uint32_t size;
	uint32_t __reserved;
};

enum iommu_veventq_flag {
	IOMMU_VEVENTQ_FLAG_LOST_EVENTS = 1u << 0,
};

struct iommufd_vevent_header {
	uint32_t flags;
	uint32_t sequence;
};

enum iommu_veventq_type {
	IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t __reserved;
};

enum iommu_hw_queue_type {
	IOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
	IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

struct iommu_hw_queue_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t index;
	uint32_t out_hw_queue_id;
	uint64_t nesting_parent_iova;
	uint64_t length;
};

/* ---- the layout, pinned (fact sheet section 2) -------------------------- */

#define IOFD_ASSERT_AT(type, field, off)                      \
	_Static_assert(offsetof(struct type, field) == (off), \
		       #type "." #field " offset")
#define IOFD_ASSERT_SIZE(type, sz) \
	_Static_assert(sizeof(struct type) == (sz), #type " size")

IOFD_ASSERT_SIZE(iommu_destroy, 8);
IOFD_ASSERT_SIZE(iommu_hw_info_arm_smmuv3, 40);
IOFD_ASSERT_AT(iommu_hw_info_arm_smmuv3, idr, 8);
IOFD_ASSERT_AT(iommu_hw_info_arm_smmuv3, aidr, 36);
IOFD_ASSERT_SIZE(iommu_hw_info_tegra241_cmdqv, 8);
IOFD_ASSERT_AT(iommu_hw_info_tegra241_cmdqv, log2vsids, 6);
IOFD_ASSERT_SIZE(iommu_hwpt_arm_smmuv3, 16);
IOFD_ASSERT_SIZE(iommu_viommu_arm_smmuv3_invalidate, 16);
IOFD_ASSERT_SIZE(iommu_viommu_tegra241_cmdqv, 16);
IOFD_ASSERT_SIZE(iommu_vevent_arm_smmuv3, 32);
IOFD_ASSERT_SIZE(iommu_vevent_tegra241_cmdqv, 16);
IOFD_ASSERT_AT(iommu_destroy, id, 4);
IOFD_ASSERT_SIZE(iommu_ioas_alloc, 12);
IOFD_ASSERT_AT(iommu_ioas_alloc, out_ioas_id, 8);
IOFD_ASSERT_SIZE(iommu_iova_range, 16);
IOFD_ASSERT_SIZE(iommu_ioas_allow_iovas, 24);
IOFD_ASSERT_AT(iommu_ioas_allow_iovas, num_iovas, 8);
IOFD_ASSERT_AT(iommu_ioas_allow_iovas, allowed_iovas, 16);
IOFD_ASSERT_SIZE(iommu_ioas_iova_ranges, 32);
IOFD_ASSERT_AT(iommu_ioas_iova_ranges, allowed_iovas, 16);
IOFD_ASSERT_AT(iommu_ioas_iova_ranges, out_iova_alignment, 24);
IOFD_ASSERT_SIZE(iommu_ioas_map, 40);
IOFD_ASSERT_AT(iommu_ioas_map, user_va, 16);
IOFD_ASSERT_AT(iommu_ioas_map, length, 24);
IOFD_ASSERT_AT(iommu_ioas_map, iova, 32);
IOFD_ASSERT_SIZE(iommu_ioas_map_file, 40);
IOFD_ASSERT_AT(iommu_ioas_map_file, fd, 12);
IOFD_ASSERT_AT(iommu_ioas_map_file, start, 16);
IOFD_ASSERT_AT(iommu_ioas_map_file, iova, 32);
IOFD_ASSERT_SIZE(iommu_ioas_copy, 40);
IOFD_ASSERT_AT(iommu_ioas_copy, src_ioas_id, 12);
IOFD_ASSERT_AT(iommu_ioas_copy, length, 16);
IOFD_ASSERT_AT(iommu_ioas_copy, dst_iova, 24);
IOFD_ASSERT_AT(iommu_ioas_copy, src_iova, 32);
IOFD_ASSERT_SIZE(iommu_ioas_unmap, 24);
IOFD_ASSERT_AT(iommu_ioas_unmap, iova, 8);
IOFD_ASSERT_AT(iommu_ioas_unmap, length, 16);
IOFD_ASSERT_SIZE(iommu_option, 24);
IOFD_ASSERT_AT(iommu_option, op, 8);
IOFD_ASSERT_AT(iommu_option, __reserved, 10);
IOFD_ASSERT_AT(iommu_option, object_id, 12);
IOFD_ASSERT_AT(iommu_option, val64, 16);
IOFD_ASSERT_SIZE(iommu_vfio_ioas, 12);
IOFD_ASSERT_AT(iommu_vfio_ioas, op, 8);
IOFD_ASSERT_AT(iommu_vfio_ioas, __reserved, 10);
IOFD_ASSERT_SIZE(iommu_hwpt_alloc, 48);
IOFD_ASSERT_AT(iommu_hwpt_alloc, out_hwpt_id, 16);
IOFD_ASSERT_AT(iommu_hwpt_alloc, __reserved, 20);
IOFD_ASSERT_AT(iommu_hwpt_alloc, data_type, 24);
IOFD_ASSERT_AT(iommu_hwpt_alloc, data_uptr, 32);
IOFD_ASSERT_AT(iommu_hwpt_alloc, fault_id, 40);
IOFD_ASSERT_AT(iommu_hwpt_alloc, __reserved2, 44);
IOFD_ASSERT_SIZE(iommu_hwpt_vtd_s1, 24);
IOFD_ASSERT_AT(iommu_hwpt_vtd_s1, addr_width, 16);
IOFD_ASSERT_SIZE(iommu_hw_info_vtd, 24);
IOFD_ASSERT_AT(iommu_hw_info_vtd, cap_reg, 8);
IOFD_ASSERT_AT(iommu_hw_info_vtd, ecap_reg, 16);
IOFD_ASSERT_SIZE(iommu_hw_info, 40);
IOFD_ASSERT_AT(iommu_hw_info, data_len, 12);
IOFD_ASSERT_AT(iommu_hw_info, data_uptr, 16);
IOFD_ASSERT_AT(iommu_hw_info, out_data_type, 24);
IOFD_ASSERT_AT(iommu_hw_info, out_max_pasid_log2, 28);
IOFD_ASSERT_AT(iommu_hw_info, __reserved, 29);
IOFD_ASSERT_AT(iommu_hw_info, out_capabilities, 32);
IOFD_ASSERT_SIZE(iommu_hwpt_set_dirty_tracking, 16);
IOFD_ASSERT_AT(iommu_hwpt_set_dirty_tracking, hwpt_id, 8);
IOFD_ASSERT_SIZE(iommu_hwpt_get_dirty_bitmap, 48);
IOFD_ASSERT_AT(iommu_hwpt_get_dirty_bitmap, flags, 8);
IOFD_ASSERT_AT(iommu_hwpt_get_dirty_bitmap, iova, 16);
IOFD_ASSERT_AT(iommu_hwpt_get_dirty_bitmap, page_size, 32);
IOFD_ASSERT_AT(iommu_hwpt_get_dirty_bitmap, data, 40);
IOFD_ASSERT_SIZE(iommu_hwpt_vtd_s1_invalidate, 24);
IOFD_ASSERT_AT(iommu_hwpt_vtd_s1_invalidate, flags, 16);
IOFD_ASSERT_SIZE(iommu_hwpt_invalidate, 32);
IOFD_ASSERT_AT(iommu_hwpt_invalidate, data_uptr, 8);
IOFD_ASSERT_AT(iommu_hwpt_invalidate, data_type, 16);
IOFD_ASSERT_AT(iommu_hwpt_invalidate, entry_len, 20);
IOFD_ASSERT_AT(iommu_hwpt_invalidate, entry_num, 24);
IOFD_ASSERT_AT(iommu_hwpt_invalidate, __reserved, 28);
IOFD_ASSERT_SIZE(iommu_fault_alloc, 16);
IOFD_ASSERT_AT(iommu_fault_alloc, out_fault_fd, 12);
IOFD_ASSERT_SIZE(iommu_hwpt_pgfault, 40);
IOFD_ASSERT_AT(iommu_hwpt_pgfault, perm, 16);
IOFD_ASSERT_AT(iommu_hwpt_pgfault, addr, 24);
IOFD_ASSERT_AT(iommu_hwpt_pgfault, length, 32);
IOFD_ASSERT_AT(iommu_hwpt_pgfault, cookie, 36);
IOFD_ASSERT_SIZE(iommu_hwpt_page_response, 8);
IOFD_ASSERT_SIZE(iommu_viommu_alloc, 40);
IOFD_ASSERT_AT(iommu_viommu_alloc, out_viommu_id, 20);
IOFD_ASSERT_AT(iommu_viommu_alloc, data_len, 24);
IOFD_ASSERT_AT(iommu_viommu_alloc, data_uptr, 32);
IOFD_ASSERT_SIZE(iommu_vdevice_alloc, 24);
IOFD_ASSERT_AT(iommu_vdevice_alloc, out_vdevice_id, 12);
IOFD_ASSERT_AT(iommu_vdevice_alloc, virt_id, 16);
IOFD_ASSERT_SIZE(iommu_ioas_change_process, 8);
IOFD_ASSERT_SIZE(iommufd_vevent_header, 8);
IOFD_ASSERT_SIZE(iommu_veventq_alloc, 32);
IOFD_ASSERT_AT(iommu_veventq_alloc, veventq_depth, 16);
IOFD_ASSERT_AT(iommu_veventq_alloc, out_veventq_fd, 24);
IOFD_ASSERT_SIZE(iommu_hw_queue_alloc, 40);
IOFD_ASSERT_AT(iommu_hw_queue_alloc, out_hw_queue_id, 20);
IOFD_ASSERT_AT(iommu_hw_queue_alloc, nesting_parent_iova, 24);
IOFD_ASSERT_AT(iommu_hw_queue_alloc, length, 32);

/*
 * VFIO type1 compatibility (include/uapi/linux/vfio.h). _IO(';', 100 + n).
 * Only what iommufd's vfio_compat.c answers is here.
 */
#define VFIO_BASE 100
#define VFIO_IO(n) IOMMUFD_IO(VFIO_BASE + (n))
#define VFIO_GET_API_VERSION VFIO_IO(0)
#define VFIO_CHECK_EXTENSION VFIO_IO(1)
#define VFIO_SET_IOMMU VFIO_IO(2)
#define VFIO_IOMMU_GET_INFO VFIO_IO(12)
#define VFIO_IOMMU_MAP_DMA VFIO_IO(13)
#define VFIO_IOMMU_UNMAP_DMA VFIO_IO(14)
#define VFIO_IOMMU_DIRTY_PAGES VFIO_IO(17)

#define VFIO_API_VERSION 0

/* VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU arguments */
enum {
	VFIO_TYPE1_IOMMU = 1,
	VFIO_SPAPR_TCE_IOMMU = 2,
	VFIO_TYPE1v2_IOMMU = 3,
	VFIO_DMA_CC_IOMMU = 4,
	VFIO_EEH = 5,
	VFIO_TYPE1_NESTING_IOMMU = 6,
	VFIO_SPAPR_TCE_v2_IOMMU = 7,
	VFIO_NOIOMMU_IOMMU = 8,
	VFIO_UNMAP_ALL = 9,
	VFIO_UPDATE_VADDR = 10,
};

struct vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next; /* offset of the next cap from the struct start, 0 ends */
};

#define VFIO_IOMMU_INFO_PGSIZES (1u << 0)
#define VFIO_IOMMU_INFO_CAPS (1u << 1)

struct vfio_iommu_type1_info {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova_pgsizes;
	uint32_t cap_offset;
	uint32_t pad;
};

struct vfio_iova_range {
	uint64_t start;
	uint64_t end; /* inclusive */
};

#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE 1
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION 2
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL 3

struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	uint32_t nr_iovas;
	uint32_t reserved;
	struct vfio_iova_range iova_ranges[];
};

struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	uint32_t avail;
};

#define VFIO_DMA_MAP_FLAG_READ (1u << 0)
#define VFIO_DMA_MAP_FLAG_WRITE (1u << 1)
#define VFIO_DMA_MAP_FLAG_VADDR (1u << 2)

struct vfio_iommu_type1_dma_map {
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t iova;
	uint64_t size;
};

#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP (1u << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL (1u << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR (1u << 2)

struct vfio_iommu_type1_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova;
	uint64_t size;
	uint8_t data[];
};

IOFD_ASSERT_SIZE(vfio_info_cap_header, 8);
IOFD_ASSERT_SIZE(vfio_iommu_type1_info, 24);
IOFD_ASSERT_AT(vfio_iommu_type1_info, iova_pgsizes, 8);
IOFD_ASSERT_AT(vfio_iommu_type1_info, cap_offset, 16);
IOFD_ASSERT_SIZE(vfio_iommu_type1_info_cap_iova_range, 16);
IOFD_ASSERT_SIZE(vfio_iova_range, 16);
IOFD_ASSERT_SIZE(vfio_iommu_type1_info_dma_avail, 12);
IOFD_ASSERT_SIZE(vfio_iommu_type1_dma_map, 32);
IOFD_ASSERT_AT(vfio_iommu_type1_dma_map, size, 24);
IOFD_ASSERT_SIZE(vfio_iommu_type1_dma_unmap, 24);
IOFD_ASSERT_AT(vfio_iommu_type1_dma_unmap, size, 16);

/*
 * VFIO device cdev (include/uapi/linux/vfio.h, v6.17; layouts as in
 * torvalds/linux and its generated bindings): what a program does with a
 * /dev/vfio/devices/vfioN file to bind it to an iommufd.
 */
#define VFIO_DEVICE_GET_INFO VFIO_IO(7)
#define VFIO_DEVICE_BIND_IOMMUFD VFIO_IO(18)
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT VFIO_IO(19)
#define VFIO_DEVICE_DETACH_IOMMUFD_PT VFIO_IO(20)

#define VFIO_DEVICE_FLAGS_RESET (1u << 0)
#define VFIO_DEVICE_FLAGS_PCI (1u << 1)
#define VFIO_DEVICE_FLAGS_CDEV (1u << 9)

struct vfio_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	uint32_t cap_offset;
	uint32_t pad;
};

#define VFIO_DEVICE_BIND_FLAG_TOKEN (1u << 0)

struct vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
	uint64_t token_uuid_ptr;
};

#define VFIO_DEVICE_ATTACH_PASID (1u << 0)

struct vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;
	uint32_t pasid;
};

#define VFIO_DEVICE_DETACH_PASID (1u << 0)

struct vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;
};

IOFD_ASSERT_SIZE(vfio_device_info, 24);
IOFD_ASSERT_AT(vfio_device_info, num_irqs, 12);
IOFD_ASSERT_SIZE(vfio_device_bind_iommufd, 24);
IOFD_ASSERT_AT(vfio_device_bind_iommufd, out_devid, 12);
IOFD_ASSERT_AT(vfio_device_bind_iommufd, token_uuid_ptr, 16);
IOFD_ASSERT_SIZE(vfio_device_attach_iommufd_pt, 16);
IOFD_ASSERT_AT(vfio_device_attach_iommufd_pt, pt_id, 8);
IOFD_ASSERT_SIZE(vfio_device_detach_iommufd_pt, 12);

/*
 * iommusim's own (not Linux's): make a device of a vfio file do DMA, the
 * way its DMA engine would, so a program can see its mappings used.
 * IOMMUSIM_VFIO_DMA on a bound vfio file; EIO (with the unit's fault code
 * in out_fault) when the IOMMU refuses a page.
 */
#define IOMMUSIM_VFIO_DMA_WRITE (1u << 0) /* the device writes memory */
#define IOMMUSIM_VFIO_DMA_PASID (1u << 1) /* requests carry @pasid */

struct iommusim_vfio_dma {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;
	uint32_t out_fault; /* the unit's fault code when EIO */
	uint64_t iova;
	uint64_t length; /* at most 1 MiB */
	uint64_t uptr; /* the bytes written, or where read ones go */
};

#define IOMMUSIM_VFIO_DMA IOMMUFD_IO(0xe0)

/*
 * iommusim's own: how the IOMMU translates one request of the device,
 * as text: a line per structure the unit fetched (none when its caches
 * answered), then "ok pa=..." or the fault. EIO when it faults.
 */
struct iommusim_vfio_walk {
	uint32_t argsz;
	uint32_t flags; /* IOMMUSIM_VFIO_DMA_PASID */
	uint32_t pasid;
	uint32_t access; /* 1: read, 2: write */
	uint64_t iova;
	uint64_t uptr; /* the text */
	uint32_t buflen;
	uint32_t out_len; /* bytes written, the NUL included */
};

#define IOMMUSIM_VFIO_WALK IOMMUFD_IO(0xe2)

IOFD_ASSERT_SIZE(iommusim_vfio_walk, 40);

IOFD_ASSERT_SIZE(iommusim_vfio_dma, 40);
IOFD_ASSERT_AT(iommusim_vfio_dma, uptr, 32);

/*
 * iommusim's own: the object file. The kernel answers IOMMU_TEST_OP_
 * CREATE_ACCESS, IOMMU_FAULT_QUEUE_ALLOC and IOMMU_VEVENTQ_ALLOC with a
 * new file descriptor; a FUSE server cannot put one in its caller, so
 * iommusim answers with a handle and a helper in the caller (the
 * LD_PRELOAD shim of `iommusim run`, tools/preload.c) opens DIR/object
 * and binds that open file to the handle: read, write, poll and close
 * then act on the object as on the kernel's file. IOMMUSIM_OBJ_CLOSE
 * does at once what the last close does (FUSE releases a file only
 * after close() has returned).
 */
#define IOMMUSIM_OBJ_ACCESS 1 /* IOMMU_TEST_OP_CREATE_ACCESS */
#define IOMMUSIM_OBJ_FAULT 2 /* IOMMU_FAULT_QUEUE_ALLOC */
#define IOMMUSIM_OBJ_VEVENTQ 3 /* IOMMU_VEVENTQ_ALLOC */

struct iommusim_obj_bind {
	uint32_t argsz;
	int32_t iommufd; /* the caller's descriptor of the context */
	uint32_t kind; /* IOMMUSIM_OBJ_* */
	uint32_t handle; /* what the command returned as its "fd" */
};

/* _IOW: the kernel copies the struct in, unlike iommufd's _IO */
#define IOMMUSIM_OBJ_BIND _IOW(IOMMUFD_TYPE, 0xed, struct iommusim_obj_bind)
#define IOMMUSIM_OBJ_CLOSE IOMMUFD_IO(0xee)

IOFD_ASSERT_SIZE(iommusim_obj_bind, 16);

/*
 * iommusim's own: mmap(2) of the iommufd (a driver's region, such as the
 * selftest mock vIOMMU's page), for the helper in the caller. The helper
 * makes a shared anonymous mapping of @length at @uptr and asks
 * IOMMUSIM_MMAP on the iommufd: the kernel's checks (iommufd_fops_mmap)
 * give their errno, and on success the region's bytes are written at
 * @uptr and the mapping holds the region's owner until IOMMUSIM_MUNMAP
 * (its argument is the offset itself, not a pointer). The bytes are a
 * copy made at mmap time: see docs/transport.md.
 */
#define IOMMUSIM_MMAP_SHARED 0x1u /* MAP_SHARED was asked */
#define IOMMUSIM_MMAP_EXEC 0x2u /* PROT_EXEC was asked */

struct iommusim_mmap {
	uint32_t argsz;
	uint32_t flags; /* IOMMUSIM_MMAP_* */
	uint64_t offset; /* mmap's offset, bytes */
	uint64_t length; /* the mapping's length, whole pages */
	uint64_t uptr; /* the caller's mapping */
};

#define IOMMUSIM_MMAP IOMMUFD_IO(0xe3)
#define IOMMUSIM_MUNMAP IOMMUFD_IO(0xe4)

IOFD_ASSERT_SIZE(iommusim_mmap, 32);

/*
 * iommusim's own (docs/ppc_tce.md, "iommufd on two windows"): upstream
 * Linux has no iommu_hw_info type or HWPT data for IBM POWER TCE; these
 * are this simulator's, numbered far from upstream's small values.
 *
 * IOMMUSIM_HW_INFO_TYPE_PPC_TCE: IOMMU_GET_HW_INFO of a device behind a
 * POWER PHB answers struct iommusim_hw_info_ppc_tce: the PE's DMA windows
 * as an attach to an IOAS sets them up (window 0 at bus address 0,
 * window 1 at 1 << 59).
 */
#define IOMMUSIM_HW_INFO_TYPE_PPC_TCE 0x10000u

struct iommusim_ppc_tce_window {
	uint64_t start; /* first bus address */
	uint64_t size; /* bytes */
	uint32_t page_shift; /* IO page size, log2 */
	uint32_t levels; /* TCE table levels */
};

struct iommusim_hw_info_ppc_tce {
	uint32_t flags; /* 0 */
	uint32_t phb_gen; /* 3 (IODA2) or 4 (IODA3) */
	uint32_t pe; /* the device's partitionable endpoint */
	uint32_t nr_windows; /* 2 */
	uint64_t pgsize_bitmap; /* IO page sizes the PHB builds */
	uint32_t max_levels; /* 5 */
	uint32_t __reserved;
	struct iommusim_ppc_tce_window windows[2]; /* default geometry */
};

/*
 * IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW: IOMMU_HWPT_ALLOC with an IOAS as
 * pt_id and this data makes a paging HWPT of one DMA window with the
 * chosen geometry (bit 59 of @start picks the TVE); flags and
 * __reserved must be 0.
 */
#define IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW 0x10000u

struct iommusim_hwpt_ppc_tce_window {
	uint64_t start;
	uint64_t size;
	uint32_t page_shift;
	uint32_t levels; /* 0: the driver's default (2) */
	uint32_t flags;
	uint32_t __reserved;
};

/*
 * The PASID value that names DMA window @w of a device behind a POWER
 * PHB in an attach, replace or detach (iommufd_sim_attach,
 * VFIO_DEVICE_[DE]ATTACH_IOMMUFD_PT with the PASID flag): the device is
 * then attached per window, to a different IOAS for each if wanted.
 * Real PASIDs are at most 20 bits, so these never name one.
 */
#define IOMMUSIM_PASID_WINDOW(w) (0x80000000u | (uint32_t)(w))
#define IOMMUSIM_PASID_IS_WINDOW(p) (((p)&0xfffffffeu) == 0x80000000u)

IOFD_ASSERT_SIZE(iommusim_hw_info_ppc_tce, 80);
IOFD_ASSERT_SIZE(iommusim_hwpt_ppc_tce_window, 32);

#endif /* IOMMUSIM_UAPI_SIM_IOMMUFD_UAPI_H */

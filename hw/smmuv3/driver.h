/* SPDX-License-Identifier: MIT */
/*
 * driver.h - the driver side of the SMMUv3 unit: what Linux's
 * arm-smmu-v3 driver does (torvalds/linux
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c and arm-smmu-v3-iommufd.c),
 * done the same way, so uapi_sim (and tests) can use an SMMUv3 the way
 * iommufd uses real hardware.
 *
 * The driver reaches the unit only through what silicon offers a kernel:
 * MMIO registers (the unit's mmio ops) and physical memory, where it
 * builds the stream table, CD tables, page tables (through the range
 * engine formats, hw/smmuv3/pgtable.h) and its command and event queues.
 * It never looks at the unit's internals. Every STE or CD change is made
 * the way a careful driver makes it on live hardware (Linux's hitless
 * update: qwords in an order the SMMU can never see half-done, each step
 * followed by CFGI + CMD_SYNC), every unmap is followed by the TLBI the
 * stage needs and a CMD_SYNC whose completion the driver checks.
 */
#ifndef IOMMUSIM_HW_SMMUV3_DRIVER_H
#define IOMMUSIM_HW_SMMUV3_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "model/pt.h"
#include "model/unit.h"

#define SMMU_NO_SSID UINT32_MAX /* requests without a SubstreamID */
#define SMMU_DRV_MAX_ATTACH 64

struct smmu_drv;

enum smmu_domain_kind {
	SMMU_DOMAIN_S1, /* stage 1, an ASID, a CD (Linux's default) */
	SMMU_DOMAIN_S2, /* stage 2, a VMID (nesting parents, no stage 1) */
	SMMU_DOMAIN_NESTED, /* a user stage 1 STE on a stage 2 parent */
};

/* Domain flags */
#define SMMU_DOMAIN_DIRTY 0x1u /* HTTU dirty state (IDR0.HTTU 2) */
#define SMMU_DOMAIN_NEST_PARENT 0x2u /* S2 only: nested domains on it */

/**
 * struct smmu_domain - one page table (or, nested, one user STE).
 * @drv: its driver.
 * @kind: stage.
 * @flags: SMMU_DOMAIN_*.
 * @asid: stage 1: its ASID (1 and up).
 * @vmid: stage 2 and nested: the VMID (the parent's for nested).
 * @granule: log2 of the page-table granule (12: the driver's choice).
 * @ops: the page-table format (NULL for nested).
 * @pt: the table.
 * @parent: nested: the stage 2 domain.
 * @ste: nested: the user's STE dw0 and dw1 as given.
 * @nested_users: stage 2: nested domains on it.
 * @leaf_levels: the engine's leaf levels with blocks allowed.
 * @sids, @ssids, @natt: where it is attached.
 */
struct smmu_domain {
	struct smmu_drv *drv;
	enum smmu_domain_kind kind;
	unsigned int flags;
	uint16_t asid;
	uint16_t vmid;
	unsigned int granule;
	const struct pt_ops *ops;
	struct pt_domain pt;
	struct smmu_domain *parent;
	uint64_t ste[2];
	unsigned int nested_users;
	uint32_t leaf_levels; /* the block sizes the format offers */
	uint32_t sids[SMMU_DRV_MAX_ATTACH];
	uint32_t ssids[SMMU_DRV_MAX_ATTACH];
	unsigned int natt;
};

/**
 * struct smmu_hw_info - IOMMU_GET_HW_INFO for an SMMUv3 (struct
 * iommu_hw_info_arm_smmuv3: flags, impl, the raw IDR0-5, IIDR, AIDR).
 */
struct smmu_hw_info {
	uint32_t flags;
	uint32_t impl;
	uint32_t idr[6];
	uint32_t iidr;
	uint32_t aidr;
};

int smmu_drv_create(struct sim_unit *u, struct pm_space *pm,
		    struct smmu_drv **out);
void smmu_drv_destroy(struct smmu_drv *drv);
void smmu_drv_hw_info(const struct smmu_drv *drv, struct smmu_hw_info *info);
unsigned int smmu_drv_ssid_bits(const struct smmu_drv *drv);
bool smmu_drv_has_dirty(const struct smmu_drv *drv);

int smmu_domain_alloc(struct smmu_drv *drv, enum smmu_domain_kind kind,
		      unsigned int flags, struct smmu_domain **out);
int smmu_domain_free(struct smmu_domain *dom);
uint64_t smmu_domain_iova_end(const struct smmu_domain *dom);
int smmu_domain_map(struct smmu_domain *dom, uint64_t iova, uint64_t pa,
		    uint64_t len, unsigned int prot);
uint64_t smmu_domain_unmap(struct smmu_domain *dom, uint64_t iova,
			   uint64_t len);
void smmu_domain_large_pages(struct smmu_domain *dom, bool on);
int64_t smmu_domain_read_and_clear_dirty(struct smmu_domain *dom, uint64_t iova,
					 uint64_t len, bool no_clear,
					 pt_dirty_fn fn, void *ctx);

int smmu_attach(struct smmu_domain *dom, uint32_t sid, uint32_t ssid);
int smmu_detach(struct smmu_drv *drv, uint32_t sid, uint32_t ssid);

int smmu_nested_validate(const struct smmu_drv *drv, const uint64_t ste[2]);
int smmu_nested_alloc(struct smmu_domain *parent, const uint64_t ste[2],
		      struct smmu_domain **out);

/*
 * One user invalidation command (struct
 * iommu_viommu_arm_smmuv3_invalidate: two little-endian qwords) for a
 * vIOMMU whose VMID is @vmid; @vsid_to_sid turns a virtual StreamID into
 * the physical one (-ENOENT when the vIOMMU has no such vDEVICE).
 */
typedef int (*smmu_vsid_fn)(void *ctx, uint32_t vsid, uint32_t *sid);
int smmu_user_invalidate(struct smmu_drv *drv, uint16_t vmid,
			 const uint64_t (*cmds)[2], unsigned int n,
			 unsigned int *done, smmu_vsid_fn vsid_to_sid,
			 void *ctx);

int smmu_drv_read_event(struct smmu_drv *drv, uint64_t rec[4]);

#endif /* IOMMUSIM_HW_SMMUV3_DRIVER_H */

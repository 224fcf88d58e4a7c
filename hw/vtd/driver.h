/* SPDX-License-Identifier: MIT */
/*
 * driver.h - the driver side of the VT-d unit: what Linux's intel-iommu
 * driver does, done the same way, so uapi_sim (and tests) can use a VT-d
 * unit the way iommufd uses real hardware.
 *
 * The driver reaches the unit only through what silicon offers a kernel:
 * MMIO registers (the unit's mmio ops) and physical memory, where it
 * builds the root, context and PASID structures, page tables (through the
 * range engine formats), and its invalidation queue. It never looks at
 * the unit's internals.
 *
 * Mode: scalable when the unit reports ECAP.SMTS, else legacy. Scalable
 * devices get a one-frame PASID directory (PDTS = 2: PASIDs below 2^15).
 * Invalidation goes through the queue, each batch closed by a wait
 * descriptor whose status write the driver checks.
 */
#ifndef IOMMUSIM_HW_VTD_DRIVER_H
#define IOMMUSIM_HW_VTD_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "model/pt.h"
#include "model/unit.h"

#define VTD_NO_PASID UINT32_MAX
#define VTD_DRV_PASID_MAX ((1u << 15) - 1)
#define VTD_DRV_MAX_ATTACH 64

struct vtd_drv;

enum vtd_domain_kind {
	VTD_DOMAIN_SS, /* second stage (legacy context or PGTT 010) */
	VTD_DOMAIN_FS, /* first stage (scalable, PGTT 001) */
	VTD_DOMAIN_NESTED, /* user first stage on a second-stage parent */
};

/* Domain flags */
#define VTD_DOMAIN_DIRTY 0x1u /* second stage with A/D (ECAP.SSADS) */

/* First-stage data of a nested domain (struct iommu_hwpt_vtd_s1). */
#define VTD_S1_SRE 0x1u
#define VTD_S1_EAFE 0x2u
#define VTD_S1_WPE 0x4u
struct vtd_s1_data {
	uint64_t flags;
	uint64_t pgtbl_addr;
	uint32_t addr_width;
	uint32_t reserved;
};

/* A nested domain's invalidation request (iommu_hwpt_vtd_s1_invalidate). */
#define VTD_S1_INV_LEAF 0x1u
struct vtd_s1_inval {
	uint64_t addr;
	uint64_t npages;
	uint32_t flags;
	uint32_t reserved;
};

struct vtd_attach {
	uint16_t sid;
	uint32_t pasid; /* VTD_NO_PASID: the device's requests without PASID */
};

/**
 * struct vtd_domain - one page table with a domain id.
 * @drv: its driver.
 * @did: domain id (1 and up).
 * @kind: stage.
 * @flags: VTD_DOMAIN_*.
 * @ops: the page-table format.
 * @pt: the table.
 * @att: where it is attached.
 * @natt: entries in @att.
 */
struct vtd_domain {
	struct vtd_drv *drv;
	uint16_t did;
	enum vtd_domain_kind kind;
	struct vtd_domain *parent; /* nested: the second stage */
	struct vtd_s1_data s1; /* nested: the user's first stage */
	unsigned int nested_users; /* parent: nested domains on it */
	unsigned int flags;
	const struct pt_ops *ops;
	struct pt_domain pt;
	unsigned int leaf_levels; /* the page sizes the unit offers */
	struct vtd_attach att[VTD_DRV_MAX_ATTACH];
	unsigned int natt;
};

/**
 * struct vtd_hw_info - what iommufd's IOMMU_GET_HW_INFO reports for VT-d
 * (struct iommu_hw_info_vtd: flags, then the raw CAP and ECAP).
 */
struct vtd_hw_info {
	uint32_t flags;
	uint64_t cap_reg;
	uint64_t ecap_reg;
};

int vtd_drv_create(struct sim_unit *u, struct pm_space *pm,
		   struct vtd_drv **out);
void vtd_drv_destroy(struct vtd_drv *drv);
bool vtd_drv_scalable(const struct vtd_drv *drv);
void vtd_drv_hw_info(const struct vtd_drv *drv, struct vtd_hw_info *info);

int vtd_domain_alloc(struct vtd_drv *drv, enum vtd_domain_kind kind,
		     unsigned int flags, struct vtd_domain **out);
int vtd_domain_free(struct vtd_domain *dom);
int vtd_domain_map(struct vtd_domain *dom, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot);
void vtd_domain_large_pages(struct vtd_domain *dom, bool on);
uint64_t vtd_domain_unmap(struct vtd_domain *dom, uint64_t iova, uint64_t len);
int64_t vtd_domain_read_and_clear_dirty(struct vtd_domain *dom, uint64_t iova,
					uint64_t len, bool no_clear,
					pt_dirty_fn fn, void *ctx);

int vtd_attach(struct vtd_domain *dom, uint16_t sid, uint32_t pasid);
int vtd_detach(struct vtd_drv *drv, uint16_t sid, uint32_t pasid);

int vtd_s1_validate(uint64_t cap, uint64_t ecap, const struct vtd_s1_data *s1);
int vtd_nested_alloc(struct vtd_domain *parent, const struct vtd_s1_data *s1,
		     struct vtd_domain **out);
int vtd_nested_invalidate(struct vtd_domain *dom,
			  const struct vtd_s1_inval *inv, unsigned int n,
			  unsigned int *done);
int vtd_s1_inval_to_desc(const struct vtd_s1_inval *inv, uint16_t did,
			 uint32_t pasid, uint64_t mamv, uint64_t qw[4]);

#endif /* IOMMUSIM_HW_VTD_DRIVER_H */

/* SPDX-License-Identifier: MIT */
/*
 * drv_private.h - what the files of the SMMUv3 driver side share
 * (driver.c: bring-up, stream and CD tables, domains, attach; drv_cmdq.c:
 * the command queue, TLB invalidation, the event queue; drv_nested.c:
 * nested STEs and user invalidation commands): the driver's state, the
 * fields the unit does not decode, and register access.
 */
#ifndef IOMMUSIM_HW_SMMUV3_DRV_PRIVATE_H
#define IOMMUSIM_HW_SMMUV3_DRV_PRIVATE_H

#include "driver.h"
#include "pgtable.h"
#include "regs.h"
#include "structs.h"

/*
 * Attribute fields the unit does not decode, so structs.h lacks them;
 * positions from torvalds/linux drivers/iommu/arm/arm-smmu-v3/
 * arm-smmu-v3.h (CTXDESC_CD_0_TCR_*, STRTAB_STE_1_*, STRTAB_STE_2_*,
 * CR1_*, CR2_*, CMDQ_SYNC_0_*) and shared/reference/smmuv3.md 1.3, 2.2,
 * 3.2, 5.2.
 */
#define CD0_IR0 GENMASK_ULL(9, 8)
#define CD0_OR0 GENMASK_ULL(11, 10)
#define CD0_SH0 GENMASK_ULL(13, 12)
#define STE1_S1CIR GENMASK_ULL(3, 2)
#define STE1_S1COR GENMASK_ULL(5, 4)
#define STE1_S1CSH GENMASK_ULL(7, 6)
#define STE1_MEV BIT_ULL(19)
#define STE1_SHCFG GENMASK_ULL(45, 44)
#define STE2_VTCR GENMASK_ULL(50, 32)
#define STE2_S2IR0 GENMASK_ULL(41, 40)
#define STE2_S2OR0 GENMASK_ULL(43, 42)
#define STE2_S2SH0 GENMASK_ULL(45, 44)
#define CR1_QUEUE_IC GENMASK_ULL(1, 0)
#define CR1_QUEUE_OC GENMASK_ULL(3, 2)
#define CR1_QUEUE_SH GENMASK_ULL(5, 4)
#define CR1_TABLE_IC GENMASK_ULL(7, 6)
#define CR1_TABLE_OC GENMASK_ULL(9, 8)
#define CR1_TABLE_SH GENMASK_ULL(11, 10)
#define CR2_RECINVSID BIT_ULL(1)
#define CR2_PTM BIT_ULL(2)
#define SYNC0_MSH GENMASK_ULL(23, 22)
#define SYNC0_MSIATTR GENMASK_ULL(27, 24)

#define CACHE_WB 1 /* CR1 and STE/CD walk attributes: write-back */
#define SH_ISH 3 /* inner shareable */
#define MEMATTR_OIWB 0xf
/* io-pgtable-arm's MAIR: NC, WBRWA, Device-nGnRE, INC_OWBRWA */
#define LINUX_MAIR 0xf404ff44ULL

#define NQW 8 /* qwords of an STE or a CD */
#define STRTAB_SPLIT 8
#define L1_BITS_MAX 9 /* one frame of L1 descriptors */
#define SSID_BITS_MAX 10
#define CMDQ_LOG2 8
#define EVTQ_LOG2 7
#define CMDQ_BATCH 64 /* commands per CMD_SYNC */
#define POLL_MAX 1000 /* register and MSI polls; the unit answers at once */
#define TLBI_OPS_MAX 64 /* per-page TLBIs before a whole-context one */

struct smmu_stream {
	uint32_t sid;
	struct smmu_domain *dom; /* traffic without SSID; NULL: blocked */
	uint64_t cdtab; /* CD table, 0: none */
	unsigned int nssids; /* valid CDs at SSIDs other than 0 */
};

struct smmu_att {
	uint32_t sid, ssid;
	struct smmu_domain *dom;
};

struct smmu_drv {
	struct sim_unit *u;
	struct pm_space *pm;
	uint32_t idr[6];
	unsigned int oas_code, oas_bits;
	unsigned int sid_bits; /* StreamIDs the table covers */
	unsigned int ssid_bits; /* S1CDMax */
	bool two_level;
	uint64_t strtab;
	unsigned int strtab_order;
	uint64_t l2[1u << L1_BITS_MAX];
	uint64_t cmdq, evtq;
	uint32_t cmdq_prod, evtq_cons, cr0;
	uint8_t asid_map[65536 / 8], vmid_map[65536 / 8];
	struct smmu_stream *streams;
	size_t nstreams, streams_cap;
	struct smmu_att *att;
	size_t natt, att_cap;
};

/* ---- registers and memory ----------------------------------------------- */

static inline uint64_t rd(const struct smmu_drv *drv, uint64_t off)
{
	struct sim_err err;
	uint64_t v = 0;

	drv->u->ops->mmio_read(drv->u, off, 4, &v, &err);
	return v;
}

static inline void wr(struct smmu_drv *drv, uint64_t off, unsigned int size,
		      uint64_t v)
{
	struct sim_err err;

	drv->u->ops->mmio_write(drv->u, off, size, v, &err);
}

/* The host mapping of @pa inside a frame (or block) the driver owns. */
static inline uint8_t *host(struct smmu_drv *drv, uint64_t base, uint64_t off)
{
	return pm_frame_host(drv->pm, base) + off;
}

/* drv_cmdq.c */
int drv_cmdq_submit(struct smmu_drv *drv, const uint64_t (*cmd)[2],
		    unsigned int n, unsigned int *done);
int drv_cmd1(struct smmu_drv *drv, uint64_t w0, uint64_t w1);

#endif /* IOMMUSIM_HW_SMMUV3_DRV_PRIVATE_H */

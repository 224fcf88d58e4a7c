/* SPDX-License-Identifier: MIT */
/*
 * vtd.h - the Intel VT-d remapping unit: state and the internal interface
 * between its files.
 *
 *   vtd.c        creation from options, reset, the register file (MMIO)
 *   translate.c  the request pipeline: caches, walk, fault recording
 *   walk.c       the hardware walkers, pure functions of memory and config
 *   fault.c      fault recording registers, FSTS, fault / completion events
 *   qi.c         register-based and queued invalidation
 *
 * Modelled: legacy mode (RTADDR.TTM = 00): root table, 128-bit context
 * entries (TT untranslated and pass-through), second-stage walks of 3, 4
 * and 5 levels with 2 MiB / 1 GiB pages, every legacy fault reason, FPD,
 * N fault recording registers with compression and overflow, the fault
 * event MSI, context cache and IOTLB, CCMD / IOTLB register invalidation,
 * and the invalidation queue (context-cache, IOTLB, wait). Scalable mode
 * is not modelled yet: `mode=scalable` is refused (see docs/vtd.md).
 */
#ifndef IOMMUSIM_HW_VTD_VTD_H
#define IOMMUSIM_HW_VTD_VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "model/unit.h"
#include "regs.h"

extern const struct sim_unit_ops vtd_unit_ops;

/* Legacy fault reasons (spec 7.1.3, Linux dmar.c dma_remap_fault_reasons). */
enum vtd_fault_reason {
	VTD_FR_ROOT_NOT_PRESENT = 0x1,
	VTD_FR_CTX_NOT_PRESENT = 0x2,
	VTD_FR_CTX_INVALID = 0x3,
	VTD_FR_ADDR_BEYOND_AW = 0x4,
	VTD_FR_WRITE = 0x5,
	VTD_FR_READ = 0x6,
	VTD_FR_PTE_FETCH = 0x7,
	VTD_FR_ROOT_FETCH = 0x8,
	VTD_FR_CTX_FETCH = 0x9,
	VTD_FR_ROOT_RSVD = 0xa,
	VTD_FR_CTX_RSVD = 0xb,
	VTD_FR_PTE_RSVD = 0xc,
	VTD_FR_TT_BLOCKED = 0xd,
	VTD_FR_INTR_ADDR = 0xe,
	VTD_FR_PASID_LEGACY = 0x31, /* request with PASID while TTM = 00 */
};

const char *vtd_fault_name(unsigned int reason);

/**
 * struct vtd_config - what `machine vtd` keys chose; CAP/ECAP derive
 * from it.
 */
struct vtd_config {
	unsigned int aw_bits; /* 39, 48 or 57: MGAW + 1 */
	unsigned int
		haw; /* host address width: pointer bits above are reserved */
	unsigned int nfr; /* fault recording registers */
	bool cm; /* caching mode */
	bool pt; /* pass-through (ECAP.PT) */
	bool sp2m, sp1g; /* CAP.SSLPS */
	unsigned int sagaw; /* CAP.SAGAW bitmap, bit n = AW code n */
};

/**
 * struct vtd_ctx - a decoded, validated legacy context entry (what the
 * context cache holds).
 */
struct vtd_ctx {
	uint64_t ssptptr;
	uint16_t did;
	uint8_t aw;
	uint8_t tt;
	bool fpd;
};

/**
 * struct vtd_walk_fault - why a walk stopped.
 * @reason: VTD_FR_*.
 * @entry: physical address of the structure that caused it (0 if none).
 * @fpd_known: the walk read an FPD bit before failing; @fpd is its value.
 */
struct vtd_walk_fault {
	unsigned int reason;
	uint64_t entry;
	bool fpd_known;
	bool fpd;
};

/* A logged fault record, for `events`. */
struct vtd_event {
	uint8_t reason;
	uint16_t sid;
	bool write;
	bool pasid_present;
	uint32_t pasid;
	uint64_t addr;
	uint8_t index;
};

#define VTD_EVENTS_MAX 256

struct vtd {
	struct sim_unit u;
	struct vtd_config cfg;

	/* registers (vtd.c) */
	uint64_t cap, ecap;
	uint32_t gsts;
	uint64_t rtaddr; /* as last written */
	uint64_t rta; /* latched by SRTP: the root table in use */
	uint64_t ccmd;
	uint64_t iva, iotlb;

	/* fault recording (fault.c) */
	uint32_t fsts;
	uint32_t fectl, fedata, feaddr, feuaddr;
	uint64_t frcd[VTD_NFR_MAX][2];
	unsigned int frcd_next;
	struct vtd_event events[VTD_EVENTS_MAX];
	unsigned int nevents;
	uint64_t events_lost;

	/* invalidation queue (qi.c) */
	uint64_t iqh, iqt, iqa, iqercd;
	uint32_t ics, iectl, iedata, ieaddr, ieuaddr;
};

static inline struct vtd *to_vtd(struct sim_unit *u)
{
	return container_of(u, struct vtd, u);
}

/* walk.c */
int vtd_walk_context(struct pm_space *pm, struct trace *tr,
		     const struct vtd_config *cfg, uint64_t ecap, uint64_t rta,
		     uint16_t sid, struct vtd_ctx *ctx,
		     struct vtd_walk_fault *f);
int vtd_walk_ss(struct pm_space *pm, struct trace *tr,
		const struct vtd_config *cfg, uint64_t ecap,
		const struct vtd_ctx *ctx, uint64_t iova, unsigned int access,
		struct dma_xlat *x, unsigned int *level,
		struct vtd_walk_fault *f);

/* translate.c */
void vtd_translate(struct sim_unit *u, const struct dma_req *req,
		   struct dma_result *res);
extern const struct tcache_ops vtd_tcache_ops;
uint64_t vtd_inval_context(struct vtd *v, unsigned int gran, uint16_t did,
			   uint16_t sid, unsigned int fm);
uint64_t vtd_inval_iotlb(struct vtd *v, unsigned int gran, uint16_t did,
			 uint64_t addr, unsigned int am);

/* fault.c */
void vtd_fault_reset(struct vtd *v);
void vtd_record_fault(struct vtd *v, unsigned int reason, uint16_t sid,
		      uint64_t addr, bool write, bool pasid_present,
		      uint32_t pasid);
void vtd_fsts_write(struct vtd *v, uint32_t val);
void vtd_fectl_write(struct vtd *v, uint32_t val);
void vtd_frcd_write(struct vtd *v, unsigned int idx, unsigned int word,
		    uint64_t val, uint64_t mask);
void vtd_set_fsts_error(struct vtd *v, uint32_t bit);
void vtd_ics_write(struct vtd *v, uint32_t val);
void vtd_iectl_write(struct vtd *v, uint32_t val);
void vtd_completion_event(struct vtd *v);
void vtd_drain_events(struct sim_unit *u, struct sim_out *out);

/* qi.c */
void vtd_qi_reset(struct vtd *v);
void vtd_qi_enable(struct vtd *v, bool on);
void vtd_qi_process(struct vtd *v);
void vtd_ccmd_write(struct vtd *v, uint64_t val, uint64_t mask);
void vtd_iotlb_write(struct vtd *v, uint64_t val, uint64_t mask);
int vtd_qi_submit(struct vtd *v, const uint64_t *qw, unsigned int n,
		  struct sim_out *out, struct sim_err *err);

#endif /* IOMMUSIM_HW_VTD_VTD_H */

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
 *   cache.c      context cache, PASID cache and IOTLB; invalidation
 *
 * Modelled: legacy mode (root, context, second stage) and scalable mode
 * (root halves, 256-bit context, PASID directory and table; PGTT
 * pass-through, second stage only, first stage only), every fault reason
 * of those features, FPD, fault recording and events, the caches, and
 * register and queued invalidation (128- and 256-bit descriptors).
 * Nested translation is not modelled yet (see docs/vtd.md).
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

/* Scalable-mode fault reasons (spec 7.1.3; Linux dmar.c
 * dma_remap_sm_fault_reasons; vtd.md 3.5-3.6). */
enum vtd_sm_fault_reason {
	VTD_SFR_RTADDR_INVALID = 0x30,
	VTD_SFR_ROOT_FETCH = 0x38,
	VTD_SFR_ROOT_NOT_PRESENT = 0x39,
	VTD_SFR_ROOT_RSVD = 0x3a,
	VTD_SFR_CTX_FETCH = 0x40,
	VTD_SFR_CTX_NOT_PRESENT = 0x41,
	VTD_SFR_CTX_RSVD = 0x42,
	VTD_SFR_CTX_INVALID = 0x43,
	VTD_SFR_PASID_DISABLED = 0x45,
	VTD_SFR_PASID_TOO_LARGE = 0x46,
	VTD_SFR_PDIR_FETCH = 0x50,
	VTD_SFR_PDIR_NOT_PRESENT = 0x51,
	VTD_SFR_PDIR_RSVD = 0x52,
	VTD_SFR_PTE_FETCH = 0x58,
	VTD_SFR_PTE_NOT_PRESENT = 0x59,
	VTD_SFR_PTE_RSVD = 0x5a,
	VTD_SFR_PTE_INVALID = 0x5b,
	VTD_SFR_EXEC_NOT_ENABLED = 0x5c,
	VTD_SFR_SUPERVISOR_NOT_ENABLED = 0x5d,
	VTD_SFR_FS_FETCH = 0x70,
	VTD_SFR_FS_NOT_PRESENT = 0x71,
	VTD_SFR_FS_RSVD = 0x72,
	VTD_SFR_FSPTPTR_FETCH = 0x73,
	VTD_SFR_NEST_FS_BEYOND_AW = 0x74,
	VTD_SFR_NEST_PML4_READ = 0x75,
	VTD_SFR_NEST_FS_READ = 0x76,
	VTD_SFR_NEST_FS_WRITE = 0x77,
	VTD_SFR_SS_FETCH = 0x78,
	VTD_SFR_SS_RSVD = 0x7a,
	VTD_SFR_SSPTPTR_INVALID = 0x7b,
	VTD_SFR_NON_CANONICAL = 0x80,
	VTD_SFR_USER = 0x81,
	VTD_SFR_EXEC = 0x82,
	VTD_SFR_ADDR_BEYOND_AW = 0x83,
	VTD_SFR_WRITE = 0x85,
	VTD_SFR_READ = 0x86,
	VTD_SFR_INTR_ADDR = 0x87,
};

const char *vtd_fault_name(unsigned int reason);

/**
 * struct vtd_config - what `machine vtd` keys chose; CAP/ECAP derive
 * from it.
 */
struct vtd_config {
	unsigned int aw_bits; /* 39, 48 or 57: MGAW + 1 */
	unsigned int haw; /* host address width: bits above reserved */
	unsigned int nfr; /* fault recording registers */
	bool cm; /* caching mode */
	bool pt; /* pass-through (ECAP.PT) */
	bool sp2m, sp1g; /* CAP.SSLPS */
	unsigned int sagaw; /* CAP.SAGAW bitmap, bit n = AW code n */
	bool scalable; /* mode=scalable */
	bool fs1gp; /* CAP.FS1GP: first-stage 1 GiB pages */
	bool slads; /* ECAP.SSADS: second-stage A/D */
	bool nest; /* ECAP.NEST: nested translation */
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
	bool scalable; /* scalable-mode fault codes for the SS walk */
	bool ssade; /* scalable: set A/D in SS entries */
};

/**
 * struct vtd_sctx - a decoded scalable-mode context entry.
 */
struct vtd_sctx {
	uint64_t pasiddirptr;
	uint8_t pdts;
	bool paside;
	bool fpd;
	uint32_t rid_pasid;
};

/**
 * struct vtd_pasid_cfg - a decoded, validated PASID-table entry: what the
 * PASID cache holds.
 */
struct vtd_pasid_cfg {
	uint64_t ssptptr, fsptptr;
	uint16_t did;
	uint8_t pgtt, aw, fspm;
	bool ssade, sre, wpe, eafe, fpd;
};

/* IOTLB entry aux bit: the walk that filled it set D (see cache.c). */
#define VTD_AUX_DIRTY BIT_ULL(4)

/* One request as a walker sees it. */
struct vtd_wreq {
	uint64_t iova;
	unsigned int access; /* DMA_ACC_* */
	bool update_ad; /* write A/D bits back (not on strict re-walks) */
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

/* An interrupt source's registers: control (IM, IP), MSI data and address
 * (the fault event FE* and the invalidation completion event IE*). */
struct vtd_event_regs {
	uint32_t ctl, data, addr, uaddr;
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
	struct vtd_event_regs
		fe; /* fault event: FECTL, FEDATA, FEADDR, FEUADDR */
	uint64_t frcd[VTD_NFR_MAX][2];
	unsigned int frcd_next;
	struct vtd_event events[VTD_EVENTS_MAX];
	unsigned int nevents;
	uint64_t events_lost;

	/* invalidation queue (qi.c) */
	uint64_t iqh, iqt, iqa, iqercd;
	uint32_t ics;
	struct vtd_event_regs ie; /* completion event: IECTL, IEDATA, ... */
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
		const struct vtd_ctx *ctx, const struct vtd_wreq *rq,
		struct dma_xlat *x, unsigned int *level,
		struct vtd_walk_fault *f);

/* walk_sm.c */
int vtd_walk_sm_context(struct pm_space *pm, struct trace *tr,
			const struct vtd_config *cfg, uint64_t ecap,
			uint64_t rta, uint16_t sid, struct vtd_sctx *c,
			struct vtd_walk_fault *f);
int vtd_walk_pasid(struct pm_space *pm, struct trace *tr,
		   const struct vtd_config *cfg, uint64_t cap, uint64_t ecap,
		   const struct vtd_sctx *c, uint32_t pasid,
		   struct vtd_pasid_cfg *p, struct vtd_walk_fault *f);
int vtd_walk_fs(struct pm_space *pm, struct trace *tr,
		const struct vtd_config *cfg, uint64_t ecap,
		const struct vtd_pasid_cfg *p, const struct vtd_ctx *nest,
		const struct vtd_wreq *rq, struct dma_xlat *x,
		unsigned int *level, struct vtd_walk_fault *f);
int vtd_walk_nested(struct pm_space *pm, struct trace *tr,
		    const struct vtd_config *cfg, uint64_t ecap,
		    const struct vtd_pasid_cfg *p, const struct vtd_wreq *rq,
		    struct dma_xlat *x, unsigned int *level,
		    struct vtd_walk_fault *f);

/* translate.c */
void vtd_translate(struct sim_unit *u, const struct dma_req *req,
		   struct dma_result *res);

/* cache.c */
extern const struct tcache_ops vtd_tcache_ops;
int vtd_ctx_get(struct vtd *v, uint16_t sid, struct vtd_ctx *c,
		struct vtd_walk_fault *f);
int vtd_sctx_get(struct vtd *v, uint16_t sid, struct vtd_sctx *c,
		 struct vtd_walk_fault *f);
int vtd_pasid_get(struct vtd *v, uint16_t sid, const struct vtd_sctx *c,
		  uint32_t pasid, struct vtd_pasid_cfg *p,
		  struct vtd_walk_fault *f);
enum vtd_iotlb_kind {
	VTD_IOTLB_SS, /* second stage: PASID-independent */
	VTD_IOTLB_FS, /* first stage: by PASID and privilege */
	VTD_IOTLB_NESTED, /* both stages: by PASID and privilege */
};
const struct tc_entry *vtd_iotlb_lookup(struct vtd *v, enum vtd_iotlb_kind k,
					uint16_t did, uint32_t pasid, bool priv,
					uint64_t iova);
void vtd_iotlb_insert(struct vtd *v, enum vtd_iotlb_kind k, uint16_t did,
		      uint32_t pasid, bool priv, unsigned int level,
		      uint64_t iova, const struct dma_xlat *x, uint64_t aux,
		      uint64_t aux2);
uint64_t vtd_inval_context(struct vtd *v, unsigned int gran, uint16_t did,
			   uint16_t sid, unsigned int fm);
uint64_t vtd_inval_iotlb(struct vtd *v, unsigned int gran, uint16_t did,
			 uint64_t addr, unsigned int am);
uint64_t vtd_inval_piotlb(struct vtd *v, uint16_t did, uint32_t pasid,
			  bool page, uint64_t addr, unsigned int am);
uint64_t vtd_inval_pasid_cache(struct vtd *v, unsigned int gran, uint16_t did,
			       bool by_pasid, uint32_t pasid);

/* fault.c */
void vtd_fault_reset(struct vtd *v);
void vtd_record_fault(struct vtd *v, unsigned int reason, uint16_t sid,
		      uint64_t addr, bool write, bool pasid_present,
		      uint32_t pasid);
void vtd_fsts_write(struct vtd *v, uint32_t val);
void vtd_frcd_write(struct vtd *v, unsigned int idx, unsigned int word,
		    uint64_t val, uint64_t mask);
void vtd_set_fsts_error(struct vtd *v, uint32_t bit);
void vtd_ics_write(struct vtd *v, uint32_t val);
void vtd_event_ctl_write(struct vtd *v, struct vtd_event_regs *r, uint32_t val);
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

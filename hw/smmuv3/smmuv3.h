/* SPDX-License-Identifier: MIT */
/*
 * smmuv3.h - the Arm SMMUv3: state and the internal interface between its
 * files.
 *
 *   smmuv3.c   creation from options, reset, the register file (MMIO)
 *   config.c   stream table and context descriptors: fetch, decode, checks
 *   walk.c     the VMSAv8-64 walkers, pure functions of memory and config
 *   translate.c the request pipeline: caches, config, walks, events
 *   queue.c    the command queue and the event queue
 *
 * Sources: Arm IHI 0070 (SMMU architecture) and DDI 0487 chapter D8
 * (VMSAv8-64), as transcribed in shared/reference/smmuv3.md, checked
 * against torvalds/linux drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h and
 * drivers/iommu/io-pgtable-arm.c, and qemu/qemu hw/arm/smmu-common.c.
 * Every choice where sources disagree is in docs/smmuv3.md.
 */
#ifndef IOMMUSIM_HW_SMMUV3_SMMUV3_H
#define IOMMUSIM_HW_SMMUV3_SMMUV3_H

#include <stdbool.h>
#include <stdint.h>

#include "model/unit.h"

extern const struct sim_unit_ops smmuv3_unit_ops;

/* Event numbers (IHI 0070 7.3; smmuv3.md 6.2; Linux EVT_ID_*). */
enum smmu_event {
	SMMU_EVT_F_UUT = 0x01,
	SMMU_EVT_C_BAD_STREAMID = 0x02,
	SMMU_EVT_F_STE_FETCH = 0x03,
	SMMU_EVT_C_BAD_STE = 0x04,
	SMMU_EVT_F_BAD_ATS_TREQ = 0x05,
	SMMU_EVT_F_STREAM_DISABLED = 0x06,
	SMMU_EVT_F_TRANSL_FORBIDDEN = 0x07,
	SMMU_EVT_C_BAD_SUBSTREAMID = 0x08,
	SMMU_EVT_F_CD_FETCH = 0x09,
	SMMU_EVT_C_BAD_CD = 0x0a,
	SMMU_EVT_F_WALK_EABT = 0x0b,
	SMMU_EVT_F_TRANSLATION = 0x10,
	SMMU_EVT_F_ADDR_SIZE = 0x11,
	SMMU_EVT_F_ACCESS = 0x12,
	SMMU_EVT_F_PERMISSION = 0x13,
	SMMU_EVT_F_TLB_CONFLICT = 0x20,
	SMMU_EVT_F_CFG_CONFLICT = 0x21,
};

const char *smmu_event_name(unsigned int event);

/* Event record CLASS (dw1[41:40]): what was being translated. */
enum smmu_class {
	SMMU_CLASS_CD = 0, /* a CD (or L1CD) fetch address, nested */
	SMMU_CLASS_TT = 1, /* a stage 1 table descriptor address */
	SMMU_CLASS_IN = 2, /* the transaction's input address */
};

/* ---- translation table walks (walk.c) ----------------------------------- */

/*
 * Granules are given as log2 of their size: 12 (4 KiB), 14 (16 KiB) or
 * 16 (64 KiB). Levels are VMSAv8-64's: 0 (top) to 3 (pages). Output
 * addresses are at most 48 bits (no FEAT_LPA/LPA2: docs/smmuv3.md).
 */
#define SMMU_OA_MAX_BITS 48

/**
 * struct smmu_tt - one stage 1 translation table (TTB0 or TTB1 of a CD).
 * @ttb: table base (a PA, or an IPA when the stream is nested).
 * @granule: log2 of the granule.
 * @tsz: TxSZ; the region is 2^(64 - @tsz) bytes.
 * @sl: start level, from @granule and @tsz (smmu_s1_start_level()).
 * @epd: walks of this region are disabled (F_TRANSLATION).
 * @had: hierarchical attributes (APTable, XNTable, PXNTable) ignored.
 */
struct smmu_tt {
	uint64_t ttb;
	uint8_t granule;
	uint8_t tsz;
	uint8_t sl;
	bool epd;
	bool had;
};

/**
 * struct smmu_s1_cfg - a decoded, checked context descriptor: what the
 * walker of stage 1 needs.
 * @tt: TTB0 and TTB1.
 * @tbi: top byte ignore: bit 0 TBI0, bit 1 TBI1.
 * @oas: effective output size in bits: min(IPS, IDR5.OAS), <= 48.
 * @affd: access flag faults disabled (AF = 0 is not a fault).
 * @ha: hardware sets AF (HTTU); @hd: hardware dirty state (DBM).
 * @wxn, @uwxn, @pan: the CD's WXN, UWXN and PAN. UWXN is decoded but
 *                     the walk ignores it: IHI 0070 5.4 makes it IGNORED
 *                     with AArch64 tables (test_s1_permissions shows it).
 * @record: CD.R: record F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and
 *          F_PERMISSION of stage 1.
 * @asid: CD.ASID.
 */
struct smmu_s1_cfg {
	struct smmu_tt tt[2];
	uint8_t tbi;
	uint8_t oas;
	bool affd, ha, hd;
	bool wxn, uwxn, pan;
	bool record;
	uint16_t asid;
};

/**
 * struct smmu_s2_cfg - the decoded, checked stage 2 fields of an STE.
 * @vttb: S2TTB (a PA); with concatenation the first of the tables.
 * @granule: log2 of the granule (from S2TG).
 * @tsz: S2T0SZ; IPAs at or above 2^(64 - @tsz) are F_TRANSLATION.
 * @sl: start level 0..3 (from S2SL0: smmu_s2_start_level()).
 * @ps: effective output size in bits: min(S2PS, IDR5.OAS), <= 48.
 * @affd: S2AFFD; @ha, @hd: S2HA, S2HD.
 * @xnx: IDR3.XNX: XN[0] (bit 53) splits privileged and unprivileged
 *       execution; else only XN[1] (bit 54) counts.
 * @record: STE.S2R: record stage 2 F_TRANSLATION ... F_PERMISSION.
 * @vmid: S2VMID.
 */
struct smmu_s2_cfg {
	uint64_t vttb;
	uint8_t granule;
	uint8_t tsz;
	uint8_t sl;
	uint8_t ps;
	bool affd, ha, hd;
	bool xnx;
	bool record;
	uint16_t vmid;
};

/**
 * struct smmu_wreq - one access as a walker sees it.
 * @ia: the input address (VA for stage 1, IPA for stage 2).
 * @access: DMA_ACC_READ and/or DMA_ACC_WRITE, optionally DMA_ACC_EXEC
 *          (instruction fetch) and DMA_ACC_PRIV (privileged).
 * @update: HTTU may write descriptors back (AF, dirty state); false on the
 *          cache's strict re-walks, which must not change memory (they
 *          then behave as if the update had been made).
 */
struct smmu_wreq {
	uint64_t ia;
	unsigned int access;
	bool update;
};

/**
 * struct smmu_walk_out - a successful walk.
 * @x: out_addr is the output address of @ia's byte; page_size the size of
 *     the page or block that mapped it; perm the DMA_ACC_READ/WRITE/EXEC
 *     rights that leaf (with the table attributes above it) grants to a
 *     request of this privilege.
 * @level: level of the leaf.
 * @global: stage 1 leaf with nG = 0 (not tagged by ASID).
 */
struct smmu_walk_out {
	struct dma_xlat x;
	unsigned int level;
	bool global;
};

/**
 * struct smmu_walk_fault - why a walk stopped, as the event record needs
 * it.
 * @event: SMMU_EVT_F_WALK_EABT, F_TRANSLATION, F_ADDR_SIZE, F_ACCESS or
 *         F_PERMISSION.
 * @s2: the fault happened at stage 2 (record dw1 bit 39).
 * @class: SMMU_CLASS_* (record dw1[41:40]).
 * @ipa: the IPA stage 2 was translating (when @s2).
 * @fetch_addr: the descriptor's PA that could not be read (F_WALK_EABT).
 * @level: the level at which the walk stopped.
 * @tt_write: the table access that failed was a descriptor write (an HTTU
 *            update): the record's TTRnW (dw1 bit 44) is then 0 (IHI 0070
 *            7.3.16, whose example is this case).
 */
struct smmu_walk_fault {
	unsigned int event;
	bool s2;
	unsigned int class;
	uint64_t ipa;
	uint64_t fetch_addr;
	unsigned int level;
	bool tt_write;
};

unsigned int smmu_s1_start_level(unsigned int granule, unsigned int tsz);
int smmu_s2_start_level(unsigned int granule, unsigned int sl0,
			unsigned int tsz, unsigned int *sl);
int smmu_walk_s1(struct pm_space *pm, struct trace *tr,
		 const struct smmu_s1_cfg *s1, const struct smmu_s2_cfg *s2,
		 const struct smmu_wreq *rq, struct smmu_walk_out *out,
		 struct smmu_walk_fault *f);
int smmu_walk_s2(struct pm_space *pm, struct trace *tr,
		 const struct smmu_s2_cfg *s2, const struct smmu_wreq *rq,
		 unsigned int class, struct smmu_walk_out *out,
		 struct smmu_walk_fault *f);

/* ---- the unit ----------------------------------------------------------- */

/**
 * struct smmu_features - what `machine smmuv3` keys chose; the IDRs
 * derive from it (docs/smmuv3.md lists the keys).
 */
struct smmu_features {
	bool s1p, s2p; /* stages=s1|s2|nested */
	uint8_t oas_code; /* IDR5.OAS encoding */
	uint8_t oas_bits; /* the same in bits */
	bool gran4k, gran16k, gran64k;
	uint8_t sidsize, ssidsize;
	bool st_2lvl, cd_2lvl;
	uint8_t httu; /* 0 none, 1 access flag, 2 access flag and dirty */
};

/** struct smmu_queue - a circular queue's registers. */
struct smmu_queue {
	uint64_t base; /* *_BASE as written */
	uint32_t prod, cons;
	uint64_t irq_cfg0;
	uint32_t irq_cfg1, irq_cfg2;
};

/* A decoded STE: what config.c hands translate.c. */
struct smmu_ste {
	unsigned int config; /* SMMU_STE_CFG_* or 0..3 (abort) */
	bool s1, s2; /* the stages Config enables */
	unsigned int s1fmt, s1cdmax, s1dss;
	uint64_t s1ctxptr;
	struct smmu_s2_cfg s2cfg;
};

/* A decoded CD. */
struct smmu_cd {
	struct smmu_s1_cfg s1cfg;
};

/**
 * struct smmu_cfg_fault - a configuration error or fetch abort, as the
 * event record needs it.
 */
struct smmu_cfg_fault {
	unsigned int event; /* SMMU_EVT_C_* or F_*_FETCH, or 0: abort with no
			       event (STE Config 0b0xx) */
	uint64_t fetch_addr;
	struct smmu_walk_fault walk; /* a nested CD fetch's stage 2 fault
				        (event F_TRANSLATION ... ) */
};

#define SMMU_EVENT_LOG_MAX 256

/*
 * The configuration the last request used, decoded: a small first level
 * in front of the STE/CD cache, emptied by every CFGI and by reset, and
 * bypassed in strict mode (whose checks live in the STE/CD cache).
 */
struct smmu_last_cfg {
	bool ste_valid, cd_valid;
	uint32_t sid, ssid;
	struct smmu_ste ste;
	struct smmu_cd cd;
};

struct smmuv3 {
	struct sim_unit u;
	struct smmu_features feat;
	uint32_t idr[6];

	uint32_t cr0, cr1, cr2, gbpa, irq_ctrl;
	uint32_t gerror, gerrorn;
	uint64_t gerror_irq_cfg0;
	uint32_t gerror_irq_cfg1, gerror_irq_cfg2;
	uint64_t strtab_base;
	uint32_t strtab_base_cfg;
	struct smmu_queue cmdq, evtq, priq;

	struct smmu_last_cfg last;

	/* events written to the queue, for `events` (oldest first) */
	uint64_t log[SMMU_EVENT_LOG_MAX][4];
	unsigned int nlog;
};

static inline struct smmuv3 *to_smmu(struct sim_unit *u)
{
	return container_of(u, struct smmuv3, u);
}

/* config.c */
int smmu_fetch_ste(struct smmuv3 *s, uint32_t sid, uint64_t dw[4],
		   struct smmu_cfg_fault *f);
int smmu_decode_ste(struct smmuv3 *s, const uint64_t dw[4],
		    struct smmu_ste *ste);
int smmu_fetch_cd(struct smmuv3 *s, const struct smmu_ste *ste, uint32_t ssid,
		  uint64_t dw[4], struct smmu_cfg_fault *f);
int smmu_decode_cd(struct smmuv3 *s, const uint64_t dw[4], struct smmu_cd *cd);

/* translate.c */
void smmu_translate(struct sim_unit *u, const struct dma_req *req,
		    struct dma_result *res);
extern const struct tcache_ops smmu_tcache_ops;
int smmu_get_ste(struct smmuv3 *s, uint32_t sid, struct smmu_ste *ste,
		 struct smmu_cfg_fault *f);
int smmu_get_cd(struct smmuv3 *s, uint32_t sid, uint32_t ssid,
		const struct smmu_ste *ste, struct smmu_cd *cd,
		struct smmu_cfg_fault *f);
uint64_t smmu_inval_cfg(struct smmuv3 *s, uint32_t sid_lo, uint32_t sid_hi,
			bool cd_only, bool all_ssid, uint32_t ssid);
struct smmu_tlbi {
	bool by_vmid, by_asid, by_addr, s1_only, s2_only, leaf;
	uint16_t vmid, asid;
	uint64_t addr, len;
};
uint64_t smmu_inval_tlb(struct smmuv3 *s, const struct smmu_tlbi *ti);

/* queue.c */
void smmu_queue_reset(struct smmuv3 *s);
void smmu_cmdq_consume(struct smmuv3 *s);
void smmu_event(struct smmuv3 *s, const uint64_t rec[4]);
void smmu_gerror_raise(struct smmuv3 *s, uint32_t bit);
void smmu_drain_events(struct sim_unit *u, struct sim_out *out);
int smmu_cmdq_submit(struct smmuv3 *s, uint64_t w0, uint64_t w1,
		     struct sim_out *out, struct sim_err *err);

#endif /* IOMMUSIM_HW_SMMUV3_SMMUV3_H */

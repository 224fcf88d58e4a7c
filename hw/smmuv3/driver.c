// SPDX-License-Identifier: MIT
/*
 * driver.c - the SMMUv3 driver side: bring-up, domains, STE and CD
 * programming with the hitless update, attach / replace / detach (PASIDs
 * included), hw_info. drv_cmdq.c holds the command queue, the TLBIs each
 * stage needs after an unmap or a dirty clear, and the event queue;
 * drv_nested.c nested STEs from user data and user invalidation
 * commands; drv_private.h what they share.
 *
 * Everything follows torvalds/linux drivers/iommu/arm/arm-smmu-v3/
 * arm-smmu-v3.c and arm-smmu-v3-iommufd.c (function names cited where a
 * step mirrors one), and reaches the unit only as that driver reaches
 * silicon: its MMIO registers (ops->mmio_read/mmio_write) and physical
 * memory, where the stream table, CD tables, page tables and both queues
 * live in frames from pm_frame_alloc*() written through pm_frame_host().
 * Field positions are the masks of regs.h and structs.h, plus the few
 * attribute fields below that the unit does not decode.
 *
 * Choices (each documented where it is made):
 *  - Stream table: linear for IDR1.SIDSIZE <= 8; otherwise 2-level with
 *    SPLIT 8 as Linux, the L1 table one frame (512 descriptors), so
 *    StreamIDs below 2^min(SIDSIZE, 17) are usable. L2 tables are made on
 *    the first attach in their range (as Linux makes them when a device
 *    is probed), filled with abort STEs; a StreamID whose L2 table does
 *    not exist yet is C_BAD_STREAMID, as on Linux for an unprobed device.
 *  - Unused STEs are abort STEs (V = 1, Config 0: no event), as Linux's
 *    arm_smmu_init_initial_stes() writes them (no bypass: GBPA.ABORT too).
 *  - CD tables are per StreamID and linear with S1CDMax = ssid_bits =
 *    min(IDR1.SSIDSIZE, 10): Linux's linear bound (CTXDESC_L2_ENTRIES,
 *    1024 CDs); PASIDs are 1 .. 2^ssid_bits - 1. CD 0 serves traffic
 *    without a SubstreamID (S1DSS = SSID0).
 *  - The queues: 256 commands and 128 events (one frame each); IRQs stay
 *    off (the driver polls: every CMD_SYNC is waited for at once).
 *  - One command helper for everything (cmdq_submit): the commands, then
 *    a CMD_SYNC with CS = SIG_IRQ whose MSI targets its own slot with
 *    MSIData 0 (Linux's MSI poll, ARM_SMMU_OPT_MSIPOLL): the SYNC's
 *    non-zero first word must read 0 afterwards, CMDQ_CONS must have
 *    caught up and GERROR.CMDQ_ERR must be inactive; a command error is
 *    skipped as Linux's arm_smmu_cmdq_skip_err() does and reported -EIO.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv_private.h"

/* Write a register and poll its ACK mirror (arm_smmu_write_reg_sync). */
static int write_sync(struct smmu_drv *drv, uint64_t off, uint64_t ack,
		      uint32_t val)
{
	wr(drv, off, 4, val);
	for (unsigned int i = 0; i < POLL_MAX; i++)
		if (rd(drv, ack) == val)
			return 0;
	return -EIO;
}

static int cr0_set(struct smmu_drv *drv, uint32_t val)
{
	drv->cr0 = val;
	return write_sync(drv, SMMU_CR0, SMMU_CR0ACK, val);
}

/* GBPA: wait for UPDATE clear, write with UPDATE, wait again
 * (arm_smmu_update_gbpa). */
static int gbpa_update(struct smmu_drv *drv, uint32_t set, uint32_t clr)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < POLL_MAX; i++) {
		v = (uint32_t)rd(drv, SMMU_GBPA);
		if (!(v & SMMU_GBPA_UPDATE))
			break;
	}
	if (i == POLL_MAX)
		return -EIO;
	wr(drv, SMMU_GBPA, 4, ((v & ~clr) | set) | SMMU_GBPA_UPDATE);
	for (i = 0; i < POLL_MAX; i++)
		if (!(rd(drv, SMMU_GBPA) & SMMU_GBPA_UPDATE))
			return 0;
	return -EIO;
}

/* ---- hitless STE / CD updates (arm_smmu_write_entry) -------------------- */

typedef void (*used_fn)(const uint64_t *ent, uint64_t *used);

/* The STE bits the SMMU looks at for this entry (arm_smmu_get_ste_used,
 * plus the stage 2 HTTU bits and MEV this driver also sets). */
static void ste_used(const uint64_t *e, uint64_t *used)
{
	unsigned int cfg = (unsigned int)FIELD_GET(SMMU_STE0_CONFIG, e[0]);

	memset(used, 0, NQW * sizeof(*used));
	used[0] = SMMU_STE0_V;
	if (!(e[0] & SMMU_STE0_V))
		return;
	used[0] |= SMMU_STE0_CONFIG;
	if (cfg & 1) {
		used[0] |= SMMU_STE0_S1FMT | SMMU_STE0_S1CTXPTR |
			   SMMU_STE0_S1CDMAX;
		used[1] |= SMMU_STE1_S1DSS | STE1_S1CIR | STE1_S1COR |
			   STE1_S1CSH | SMMU_STE1_S1STALLD | SMMU_STE1_STRW |
			   SMMU_STE1_EATS;
		used[2] |= SMMU_STE2_S2VMID;
		if (FIELD_GET(SMMU_STE1_S1DSS, e[1]) == SMMU_STE1_S1DSS_BYPASS)
			used[1] |= STE1_SHCFG;
	}
	if (cfg & 2) {
		used[1] |= SMMU_STE1_EATS | STE1_SHCFG | STE1_MEV;
		used[2] |= SMMU_STE2_S2VMID | STE2_VTCR | SMMU_STE2_S2AA64 |
			   SMMU_STE2_S2ENDI | SMMU_STE2_S2PTW | SMMU_STE2_S2R |
			   SMMU_STE2_S2HA | SMMU_STE2_S2HD;
		used[3] |= SMMU_STE3_S2TTB;
	}
	if (cfg == SMMU_STE_CFG_BYPASS)
		used[1] |= STE1_SHCFG;
}

/* The CD bits in use: all of a valid CD (arm_smmu_get_cd_used). */
static void cd_used(const uint64_t *e, uint64_t *used)
{
	memset(used, 0, NQW * sizeof(*used));
	used[0] = SMMU_CD0_V;
	if (!(e[0] & SMMU_CD0_V))
		return;
	memset(used, 0xff, NQW * sizeof(*used));
	if (e[0] & SMMU_CD0_EPD0) {
		used[0] &= ~(SMMU_CD0_T0SZ | SMMU_CD0_TG0 | CD0_IR0 | CD0_OR0 |
			     CD0_SH0);
		used[1] &= ~SMMU_CD1_TTB;
	}
}

/* One entry in memory and the CFGI that makes the SMMU re-read it. */
struct entry_writer {
	struct smmu_drv *drv;
	uint8_t *ent;
	used_fn used;
	uint64_t cfgi[2];
	int ret;
};

/* Write qwords [start, start + len) of @target; CFGI + SYNC if any
 * changed. */
static void entry_set(struct entry_writer *w, const uint64_t *target,
		      unsigned int start, unsigned int len)
{
	bool changed = false;

	for (unsigned int i = start; i < start + len; i++) {
		if (ld_le64(w->ent + 8 * i) != target[i]) {
			st_le64(w->ent + 8 * i, target[i]);
			changed = true;
		}
	}
	if (changed && !w->ret)
		w->ret = drv_cmd1(w->drv, w->cfgi[0], w->cfgi[1]);
}

/*
 * Move the entry to @target so the SMMU never sees a mix it could use
 * wrongly (the reasoning of arm_smmu_write_entry): bits the current
 * entry ignores may change freely; if then only one qword's used bits
 * differ it is written alone (hitless), else V goes to 0 first, the other
 * qwords are written, and qword 0 last. Every step is followed by the
 * CFGI and a CMD_SYNC.
 */
static int write_entry(struct entry_writer *w, const uint64_t *target)
{
	uint64_t cur[NQW], cur_used[NQW], tgt_used[NQW], step[NQW];
	unsigned int diff = 0, crit = 0, ndiff = 0;

	for (unsigned int i = 0; i < NQW; i++)
		cur[i] = ld_le64(w->ent + 8 * i);
	w->used(cur, cur_used);
	w->used(target, tgt_used);
	for (unsigned int i = 0; i < NQW; i++) {
		step[i] = (cur[i] & cur_used[i]) | (target[i] & ~cur_used[i]);
		if ((step[i] & tgt_used[i]) != target[i]) {
			diff |= 1u << i;
			crit = i;
			ndiff++;
		}
	}
	if (ndiff == 1) {
		step[crit] = cur[crit];
		entry_set(w, step, 0, NQW);
		entry_set(w, target, crit, 1);
		entry_set(w, target, 0, NQW);
	} else if (diff) {
		step[0] = 0;
		entry_set(w, step, 0, 1);
		entry_set(w, target, 1, NQW - 1);
		entry_set(w, target, 0, 1);
	} else {
		entry_set(w, target, 0, NQW); /* only ignored bits differ */
	}
	return w->ret;
}

/* ---- the stream table --------------------------------------------------- */

static void make_abort_ste(uint64_t *t)
{
	memset(t, 0, NQW * sizeof(*t));
	t[0] = SMMU_STE0_V; /* Config 0: abort, no event */
}

static void fill_abort_stes(uint8_t *p, unsigned int n)
{
	uint64_t t[NQW];

	make_abort_ste(t);
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int q = 0; q < NQW; q++)
			st_le64(p + (size_t)i * SMMU_STE_SIZE + 8 * q, t[q]);
}

/*
 * The STE of @sid; in a 2-level table its L2 table is made on first use
 * (arm_smmu_init_l2_strtab: abort STEs, then the L1 descriptor with
 * Span = SPLIT + 1), and the L1 descriptor invalidated.
 */
static int ste_ptr(struct smmu_drv *drv, uint32_t sid, uint8_t **p)
{
	unsigned int i1 = sid >> STRTAB_SPLIT;
	uint64_t l2;
	int ret;

	if (!drv->two_level) {
		*p = host(drv, drv->strtab, (uint64_t)sid * SMMU_STE_SIZE);
		return 0;
	}
	if (!drv->l2[i1]) {
		if (pm_frame_alloc_order(drv->pm, STRTAB_SPLIT + 6 - 12, &l2))
			return -ENOMEM;
		fill_abort_stes(pm_frame_host(drv->pm, l2), 1u << STRTAB_SPLIT);
		st_le64(host(drv, drv->strtab, 8ULL * i1),
			FIELD_PREP(SMMU_L1STD_SPAN, STRTAB_SPLIT + 1) |
				(l2 & SMMU_L1STD_L2PTR));
		drv->l2[i1] = l2;
		ret = drv_cmd1(
			drv, SMMU_CMD_CFGI_STE | FIELD_PREP(SMMU_CMD_SID, sid),
			0);
		if (ret)
			return ret;
	}
	*p = host(drv, drv->l2[i1],
		  (uint64_t)(sid & ((1u << STRTAB_SPLIT) - 1)) * SMMU_STE_SIZE);
	return 0;
}

/* arm_smmu_write_ste: the hitless update with CFGI_STE (Leaf). */
static int ste_write(struct smmu_drv *drv, uint32_t sid, const uint64_t *t)
{
	struct entry_writer w = {
		.drv = drv,
		.used = ste_used,
		.cfgi = { SMMU_CMD_CFGI_STE | FIELD_PREP(SMMU_CMD_SID, sid),
			  SMMU_CMD1_LEAF },
	};
	int ret = ste_ptr(drv, sid, &w.ent);

	return ret ? ret : write_entry(&w, t);
}

static int strtab_init(struct smmu_drv *drv)
{
	unsigned int sidsize =
		(unsigned int)FIELD_GET(SMMU_IDR1_SIDSIZE, drv->idr[1]);
	unsigned int l1, bytes_lg2;
	uint32_t cfg;

	drv->two_level = sidsize > STRTAB_SPLIT &&
			 FIELD_GET(SMMU_IDR0_ST_LEVEL, drv->idr[0]) == 1;
	if (!drv->two_level) {
		drv->sid_bits = sidsize < STRTAB_SPLIT ? sidsize : STRTAB_SPLIT;
		bytes_lg2 = drv->sid_bits + 6;
		drv->strtab_order = bytes_lg2 > 12 ? bytes_lg2 - 12 : 0;
		cfg = (uint32_t)FIELD_PREP(SMMU_STRTAB_CFG_LOG2SIZE,
					   drv->sid_bits);
	} else {
		l1 = sidsize - STRTAB_SPLIT;
		if (l1 > L1_BITS_MAX)
			l1 = L1_BITS_MAX;
		drv->sid_bits = STRTAB_SPLIT + l1;
		cfg = (uint32_t)(FIELD_PREP(SMMU_STRTAB_CFG_FMT,
					    SMMU_STRTAB_FMT_2LVL) |
				 FIELD_PREP(SMMU_STRTAB_CFG_SPLIT,
					    STRTAB_SPLIT) |
				 FIELD_PREP(SMMU_STRTAB_CFG_LOG2SIZE,
					    drv->sid_bits));
	}
	if (pm_frame_alloc_order(drv->pm, drv->strtab_order, &drv->strtab))
		return -ENOMEM;
	if (!drv->two_level)
		fill_abort_stes(pm_frame_host(drv->pm, drv->strtab),
				1u << drv->sid_bits);
	wr(drv, SMMU_STRTAB_BASE, 8, drv->strtab | SMMU_STRTAB_BASE_RA);
	wr(drv, SMMU_STRTAB_BASE_CFG, 4, cfg);
	return 0;
}

/* ---- bring-up (arm_smmu_device_reset) ----------------------------------- */

static int queues_init(struct smmu_drv *drv)
{
	int ret;

	if (pm_frame_alloc(drv->pm, &drv->cmdq) ||
	    pm_frame_alloc(drv->pm, &drv->evtq))
		return -ENOMEM;
	wr(drv, SMMU_CMDQ_BASE, 8,
	   SMMU_Q_BASE_RWA | (drv->cmdq & SMMU_Q_BASE_ADDR) |
		   FIELD_PREP(SMMU_Q_BASE_LOG2SIZE, CMDQ_LOG2));
	wr(drv, SMMU_CMDQ_PROD, 4, 0);
	wr(drv, SMMU_CMDQ_CONS, 4, 0);
	ret = cr0_set(drv, SMMU_CR0_CMDQEN);
	if (ret)
		return ret;
	/* forget whatever the unit may have cached */
	ret = drv_cmd1(drv, SMMU_CMD_CFGI_STE_RANGE,
		       FIELD_PREP(SMMU_CMD1_RANGE, 31));
	if (!ret)
		ret = drv_cmd1(drv, SMMU_CMD_TLBI_NSNH_ALL, 0);
	if (ret)
		return ret;
	wr(drv, SMMU_EVENTQ_BASE, 8,
	   SMMU_Q_BASE_RWA | (drv->evtq & SMMU_Q_BASE_ADDR) |
		   FIELD_PREP(SMMU_Q_BASE_LOG2SIZE, EVTQ_LOG2));
	wr(drv, SMMU_EVENTQ_PROD, 4, 0);
	wr(drv, SMMU_EVENTQ_CONS, 4, 0);
	return cr0_set(drv, drv->cr0 | SMMU_CR0_EVENTQEN);
}

static int bring_up(struct smmu_drv *drv)
{
	int ret;

	if (rd(drv, SMMU_CR0) & SMMU_CR0_SMMUEN) {
		ret = gbpa_update(drv, SMMU_GBPA_ABORT, 0);
		if (ret)
			return ret;
	}
	ret = cr0_set(drv, 0);
	/* no bypass while the SMMU is off (Linux with disable_bypass) */
	if (!ret)
		ret = gbpa_update(drv, SMMU_GBPA_ABORT, 0);
	if (ret)
		return ret;
	wr(drv, SMMU_CR1, 4,
	   FIELD_PREP(CR1_TABLE_SH, SH_ISH) |
		   FIELD_PREP(CR1_TABLE_OC, CACHE_WB) |
		   FIELD_PREP(CR1_TABLE_IC, CACHE_WB) |
		   FIELD_PREP(CR1_QUEUE_SH, SH_ISH) |
		   FIELD_PREP(CR1_QUEUE_OC, CACHE_WB) |
		   FIELD_PREP(CR1_QUEUE_IC, CACHE_WB));
	wr(drv, SMMU_CR2, 4, CR2_PTM | CR2_RECINVSID);
	ret = strtab_init(drv);
	if (!ret)
		ret = queues_init(drv);
	if (!ret)
		ret = cr0_set(drv, drv->cr0 | SMMU_CR0_SMMUEN);
	return ret;
}

/**
 * smmu_drv_create() - take over an SMMUv3: stream table of abort STEs,
 * command and event queues, GBPA abort, CFGI_ALL and TLBI_NSNH_ALL, then
 * the event queue and translation on, each CR0 change acknowledged.
 * @u: an SMMUv3 unit (machine smmuv3).
 * @pm: its memory.
 * @out: the driver.
 *
 * Return: 0, -EOPNOTSUPP (no AArch64 tables, or neither stage), -ENOMEM,
 * -EIO (a register or CMD_SYNC did not answer).
 */
int smmu_drv_create(struct sim_unit *u, struct pm_space *pm,
		    struct smmu_drv **out)
{
	static const unsigned int oas[] = { 32, 36, 40, 42, 44, 48, 48, 48 };
	struct smmu_drv *drv = calloc(1, sizeof(*drv));
	unsigned int ssid;
	int ret;

	*out = NULL;
	if (!drv)
		return -ENOMEM;
	drv->u = u;
	drv->pm = pm;
	for (unsigned int i = 0; i < 6; i++)
		drv->idr[i] = (uint32_t)rd(drv, SMMU_IDR0 + 4 * i);
	drv->oas_code = (unsigned int)FIELD_GET(SMMU_IDR5_OAS, drv->idr[5]);
	if (drv->oas_code > 5)
		drv->oas_code = 5; /* no 52-bit support: cap at 48 */
	drv->oas_bits = oas[drv->oas_code];
	ssid = (unsigned int)FIELD_GET(SMMU_IDR1_SSIDSIZE, drv->idr[1]);
	drv->ssid_bits = ssid < SSID_BITS_MAX ? ssid : SSID_BITS_MAX;
	drv->asid_map[0] = drv->vmid_map[0] = 1; /* 0 is not handed out */
	if (!(FIELD_GET(SMMU_IDR0_TTF, drv->idr[0]) & SMMU_IDR0_TTF_AARCH64) ||
	    !(drv->idr[0] & (SMMU_IDR0_S1P | SMMU_IDR0_S2P)))
		ret = -EOPNOTSUPP;
	else
		ret = bring_up(drv);
	if (ret) {
		smmu_drv_destroy(drv);
		return ret;
	}
	*out = drv;
	return 0;
}

/* CD tables: 2^ssid_bits CDs of 64 bytes */
static unsigned int cdtab_order(const struct smmu_drv *drv)
{
	return drv->ssid_bits > 6 ? drv->ssid_bits - 6 : 0;
}

/**
 * smmu_drv_destroy() - translation and queues off, every structure the
 * driver made freed. Domains are the caller's to free first.
 * @drv: the driver (NULL is fine).
 */
void smmu_drv_destroy(struct smmu_drv *drv)
{
	if (!drv)
		return;
	write_sync(drv, SMMU_CR0, SMMU_CR0ACK, 0);
	for (size_t i = 0; i < drv->nstreams; i++)
		if (drv->streams[i].cdtab)
			pm_frame_free_order(drv->pm, drv->streams[i].cdtab,
					    cdtab_order(drv));
	for (unsigned int i = 0; i < ARRAY_SIZE(drv->l2); i++)
		if (drv->l2[i])
			pm_frame_free_order(drv->pm, drv->l2[i],
					    STRTAB_SPLIT + 6 - 12);
	if (drv->strtab)
		pm_frame_free_order(drv->pm, drv->strtab, drv->strtab_order);
	if (drv->cmdq)
		pm_frame_free(drv->pm, drv->cmdq);
	if (drv->evtq)
		pm_frame_free(drv->pm, drv->evtq);
	free(drv->streams);
	free(drv->att);
	free(drv);
}

/**
 * smmu_drv_hw_info() - IOMMU_GET_HW_INFO: the raw IDR0-5, IIDR and AIDR
 * read from the registers, flags and impl 0 (arm_smmu_hw_info).
 * @drv: the driver.
 * @info: filled in.
 */
void smmu_drv_hw_info(const struct smmu_drv *drv, struct smmu_hw_info *info)
{
	memset(info, 0, sizeof(*info));
	for (unsigned int i = 0; i < 6; i++)
		info->idr[i] = (uint32_t)rd(drv, SMMU_IDR0 + 4 * i);
	info->iidr = (uint32_t)rd(drv, SMMU_IIDR);
	info->aidr = (uint32_t)rd(drv, SMMU_AIDR);
}

/** smmu_drv_ssid_bits() - S1CDMax of the driver's CD tables (0: no
 * PASIDs); PASIDs 1 .. 2^bits - 1 can be attached. */
unsigned int smmu_drv_ssid_bits(const struct smmu_drv *drv)
{
	return (drv->idr[0] & SMMU_IDR0_S1P) ? drv->ssid_bits : 0;
}

/** smmu_drv_has_dirty() - whether the unit sets dirty state (HTTU 2). */
bool smmu_drv_has_dirty(const struct smmu_drv *drv)
{
	return FIELD_GET(SMMU_IDR0_HTTU, drv->idr[0]) == 2;
}

/* ---- ASIDs and VMIDs ---------------------------------------------------- */

/* The lowest free id from 1 (ASIDs: xa_alloc from 1; VMIDs:
 * ida_alloc_range from 1, 0 being kept for stage 2 bypass STEs). */
static int id_alloc(uint8_t *map, unsigned int bits, uint16_t *id)
{
	for (uint32_t i = 1; i < (1u << bits); i++) {
		if (!(map[i / 8] & (1u << (i % 8)))) {
			map[i / 8] |= (uint8_t)(1u << (i % 8));
			*id = (uint16_t)i;
			return 0;
		}
	}
	return -ENOSPC;
}

static void id_free(uint8_t *map, uint16_t id)
{
	if (id)
		map[id / 8] &= (uint8_t) ~(1u << (id % 8));
}

/* ---- domains ------------------------------------------------------------ */

static int domain_init(struct smmu_drv *drv, struct smmu_domain *dom)
{
	bool s2 = dom->kind == SMMU_DOMAIN_S2;
	uint32_t fmt = (dom->flags & SMMU_DOMAIN_DIRTY) ? SMMU_PT_HD : 0;
	/* stage 1: 48-bit VA (no VAX); stage 2: IAS = OAS (AArch64 only) */
	unsigned int ias = s2 ? drv->oas_bits : 48;
	struct pt_cfg cfg;
	int ret;

	ret = smmu_pt_geometry(s2, 12, ias, drv->oas_bits, fmt, &cfg);
	if (ret)
		return ret;
	dom->granule = 12;
	dom->ops = smmu_pt_ops(s2, 12);
	if (s2)
		ret = id_alloc(drv->vmid_map,
			       (drv->idr[0] & SMMU_IDR0_VMID16) ? 16 : 8,
			       &dom->vmid);
	else
		ret = id_alloc(drv->asid_map,
			       (drv->idr[0] & SMMU_IDR0_ASID16) ? 16 : 8,
			       &dom->asid);
	if (ret)
		return ret;
	ret = dom->ops->init(&dom->pt, drv->pm, &cfg);
	if (ret) {
		id_free(drv->vmid_map, dom->vmid);
		id_free(drv->asid_map, dom->asid);
	}
	return ret;
}

/**
 * smmu_domain_alloc() - a paging domain (arm_smmu_domain_finalise): stage
 * 1 with its ASID, or stage 2 with its VMID; 4 KiB granule.
 * @drv: the driver.
 * @kind: SMMU_DOMAIN_S1 or SMMU_DOMAIN_S2 (nested: smmu_nested_alloc()).
 * @flags: SMMU_DOMAIN_DIRTY (IDR0.HTTU 2), SMMU_DOMAIN_NEST_PARENT (stage
 *         2 only, on a unit with both stages).
 * @out: the domain.
 *
 * Return: 0, -EINVAL (kind), -EOPNOTSUPP (flags or a feature the unit
 * lacks), -ENOSPC (no ASID/VMID), -ENOMEM.
 */
int smmu_domain_alloc(struct smmu_drv *drv, enum smmu_domain_kind kind,
		      unsigned int flags, struct smmu_domain **out)
{
	uint32_t need = kind == SMMU_DOMAIN_S2 ? SMMU_IDR0_S2P : SMMU_IDR0_S1P;
	struct smmu_domain *dom;
	int ret;

	*out = NULL;
	if (kind != SMMU_DOMAIN_S1 && kind != SMMU_DOMAIN_S2)
		return -EINVAL;
	if ((flags & ~(SMMU_DOMAIN_DIRTY | SMMU_DOMAIN_NEST_PARENT)) ||
	    !(drv->idr[0] & need) || !(drv->idr[5] & SMMU_IDR5_GRAN4K))
		return -EOPNOTSUPP;
	if ((flags & SMMU_DOMAIN_DIRTY) && !smmu_drv_has_dirty(drv))
		return -EOPNOTSUPP;
	if ((flags & SMMU_DOMAIN_NEST_PARENT) &&
	    (kind != SMMU_DOMAIN_S2 || !(drv->idr[0] & SMMU_IDR0_S1P)))
		return -EOPNOTSUPP;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	dom->drv = drv;
	dom->kind = kind;
	dom->flags = flags;
	ret = domain_init(drv, dom);
	if (ret) {
		free(dom);
		return ret;
	}
	dom->leaf_levels = dom->pt.cfg.leaf_levels;
	*out = dom;
	return 0;
}

/**
 * smmu_domain_large_pages() - whether maps may use blocks (iommufd's
 * IOMMU_OPTION_HUGE_PAGES); mappings already made stay as they are.
 * @dom: a stage 1 or stage 2 domain.
 * @on: allow the format's blocks (4K granule: 2 MiB and 1 GiB).
 */
void smmu_domain_large_pages(struct smmu_domain *dom, bool on)
{
	if (dom->kind != SMMU_DOMAIN_NESTED)
		dom->pt.cfg.leaf_levels = on ? dom->leaf_levels : 1u;
}

/**
 * smmu_domain_free() - free a domain attached nowhere. Its ASID or VMID
 * is flushed from the TLB before it can be handed out again (stricter
 * than Linux, which relies on every mapping having been unmapped).
 * @dom: the domain.
 *
 * Return: 0, or -EBUSY while attached or while nested domains use it.
 */
int smmu_domain_free(struct smmu_domain *dom)
{
	struct smmu_drv *drv = dom->drv;

	if (dom->natt || dom->nested_users)
		return -EBUSY;
	if (dom->kind == SMMU_DOMAIN_NESTED) {
		dom->parent->nested_users--;
		free(dom);
		return 0;
	}
	if (dom->kind == SMMU_DOMAIN_S1)
		drv_cmd1(drv,
			 SMMU_CMD_TLBI_NH_ASID |
				 FIELD_PREP(SMMU_CMD_ASID, dom->asid),
			 0);
	else
		drv_cmd1(drv,
			 SMMU_CMD_TLBI_S12_VMALL |
				 FIELD_PREP(SMMU_CMD_VMID, dom->vmid),
			 0);
	dom->ops->destroy(&dom->pt);
	id_free(drv->asid_map, dom->asid);
	id_free(drv->vmid_map, dom->vmid);
	free(dom);
	return 0;
}

/** smmu_domain_iova_end() - the last input address a domain can map
 * (Linux's aperture_end); 0 for a nested domain. */
uint64_t smmu_domain_iova_end(const struct smmu_domain *dom)
{
	if (dom->kind == SMMU_DOMAIN_NESTED)
		return 0;
	return (1ULL << dom->pt.cfg.va_bits) - 1;
}

/**
 * smmu_domain_map() - map a range through the page-table format. The SMMU
 * caches no "not present", so nothing is invalidated.
 * @dom: a stage 1 or stage 2 domain.
 * @iova: input address.
 * @pa: output address.
 * @len: bytes.
 * @prot: DMA_ACC_READ / WRITE / EXEC.
 *
 * Return: as struct pt_ops map; -EINVAL for a nested domain.
 */
int smmu_domain_map(struct smmu_domain *dom, uint64_t iova, uint64_t pa,
		    uint64_t len, unsigned int prot)
{
	if (dom->kind == SMMU_DOMAIN_NESTED)
		return -EINVAL; /* the user owns its stage 1 */
	return dom->ops->map(&dom->pt, iova, pa, len, prot);
}

/* ---- STE and CD contents ------------------------------------------------ */

/* arm_smmu_make_s1_cd: 4K, 48-bit VA, TTB1 disabled, Linux's MAIR. */
static void make_s1_cd(const struct smmu_domain *dom, uint64_t *t)
{
	const struct smmu_drv *drv = dom->drv;

	memset(t, 0, NQW * sizeof(*t));
	t[0] = FIELD_PREP(SMMU_CD0_T0SZ, 64 - dom->pt.cfg.va_bits) |
	       FIELD_PREP(SMMU_CD0_TG0, 0) | FIELD_PREP(CD0_IR0, CACHE_WB) |
	       FIELD_PREP(CD0_OR0, CACHE_WB) | FIELD_PREP(CD0_SH0, SH_ISH) |
	       SMMU_CD0_EPD1 | SMMU_CD0_V |
	       FIELD_PREP(SMMU_CD0_IPS, drv->oas_code) | SMMU_CD0_AA64 |
	       SMMU_CD0_R | SMMU_CD0_A | SMMU_CD0_ASET |
	       FIELD_PREP(SMMU_CD0_ASID, dom->asid);
	if (dom->flags & SMMU_DOMAIN_DIRTY)
		t[0] |= SMMU_CD0_HA | SMMU_CD0_HD;
	t[1] = dom->pt.root & SMMU_CD1_TTB;
	t[3] = LINUX_MAIR;
}

/* arm_smmu_make_cdtable_ste: the stream's CD table, no ATS, NS-EL1,
 * VMID 0. */
static void make_cdtable_ste(const struct smmu_drv *drv,
			     const struct smmu_stream *st, unsigned int s1dss,
			     uint64_t *t)
{
	memset(t, 0, NQW * sizeof(*t));
	t[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CFG_S1) |
	       FIELD_PREP(SMMU_STE0_S1FMT, SMMU_STE_S1FMT_LINEAR) |
	       (st->cdtab & SMMU_STE0_S1CTXPTR) |
	       FIELD_PREP(SMMU_STE0_S1CDMAX, drv->ssid_bits);
	t[1] = FIELD_PREP(SMMU_STE1_S1DSS, s1dss) |
	       FIELD_PREP(STE1_S1CIR, CACHE_WB) |
	       FIELD_PREP(STE1_S1COR, CACHE_WB) |
	       FIELD_PREP(STE1_S1CSH, SH_ISH);
}

/* S2SL0 of a 4K table starting at VMSA level @sl: L0 2, L1 1, L2 0. */
static unsigned int s2sl0_4k(unsigned int sl)
{
	return 2 - sl;
}

/* arm_smmu_make_s2_domain_ste (S2HA/S2HD for a dirty-tracking domain:
 * ours, Linux has no stage 2 dirty tracking). */
static void make_s2_ste(const struct smmu_domain *dom, uint64_t *t)
{
	const struct smmu_drv *drv = dom->drv;

	memset(t, 0, NQW * sizeof(*t));
	t[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CFG_S2);
	t[2] = FIELD_PREP(SMMU_STE2_S2VMID, dom->vmid) |
	       FIELD_PREP(SMMU_STE2_S2T0SZ, 64 - dom->pt.cfg.va_bits) |
	       FIELD_PREP(SMMU_STE2_S2SL0,
			  s2sl0_4k(smmu_pt_start_level(&dom->pt.cfg))) |
	       FIELD_PREP(STE2_S2IR0, CACHE_WB) |
	       FIELD_PREP(STE2_S2OR0, CACHE_WB) |
	       FIELD_PREP(STE2_S2SH0, SH_ISH) | FIELD_PREP(SMMU_STE2_S2TG, 0) |
	       FIELD_PREP(SMMU_STE2_S2PS, drv->oas_code) | SMMU_STE2_S2AA64 |
	       SMMU_STE2_S2PTW | SMMU_STE2_S2R;
	if (dom->flags & SMMU_DOMAIN_DIRTY)
		t[2] |= SMMU_STE2_S2HA | SMMU_STE2_S2HD;
	t[3] = dom->pt.root & SMMU_STE3_S2TTB;
}

/*
 * arm_smmu_make_nested_domain_ste: a user STE with V = 0 or Config abort
 * is an abort STE, bypass is the parent's stage 2 alone; stage 1 is
 * Config nested with the parent's stage 2 fields, the user's dw0/dw1
 * bits, and MEV.
 */
static void make_nested_ste(const struct smmu_domain *dom, uint64_t *t)
{
	unsigned int cfg =
		(unsigned int)FIELD_GET(SMMU_STE0_CONFIG, dom->ste[0]);

	if (!(dom->ste[0] & SMMU_STE0_V))
		cfg = 0;
	if (cfg == SMMU_STE_CFG_BYPASS) {
		make_s2_ste(dom->parent, t);
		return;
	}
	if (cfg != SMMU_STE_CFG_S1) {
		make_abort_ste(t);
		return;
	}
	make_s2_ste(dom->parent, t);
	t[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CONFIG, SMMU_STE_CFG_NESTED) |
	       (dom->ste[0] & ~(SMMU_STE0_CONFIG | SMMU_STE0_V));
	t[1] |= dom->ste[1] | STE1_MEV;
}

/* ---- CD tables ---------------------------------------------------------- */

static int cdtab_get(struct smmu_drv *drv, struct smmu_stream *st)
{
	if (st->cdtab)
		return 0;
	return pm_frame_alloc_order(drv->pm, cdtab_order(drv), &st->cdtab) ?
		       -ENOMEM :
		       0;
}

/* The STE points elsewhere now: drop cached CDs, then the table. */
static void cdtab_free(struct smmu_drv *drv, struct smmu_stream *st)
{
	if (!st->cdtab)
		return;
	drv_cmd1(drv, SMMU_CMD_CFGI_CD_ALL | FIELD_PREP(SMMU_CMD_SID, st->sid),
		 0);
	pm_frame_free_order(drv->pm, st->cdtab, cdtab_order(drv));
	st->cdtab = 0;
	st->nssids = 0;
}

/* arm_smmu_write_cd_entry: the hitless update with CFGI_CD (Leaf). */
static int cd_write(struct smmu_drv *drv, struct smmu_stream *st, uint32_t ssid,
		    const uint64_t *t)
{
	struct entry_writer w = {
		.drv = drv,
		.ent = host(drv, st->cdtab, (uint64_t)ssid * SMMU_CD_SIZE),
		.used = cd_used,
		.cfgi = { SMMU_CMD_CFGI_CD | FIELD_PREP(SMMU_CMD_SID, st->sid) |
				  FIELD_PREP(SMMU_CMD_SSID, ssid),
			  SMMU_CMD1_LEAF },
	};

	return write_entry(&w, t);
}

static bool cd_valid(struct smmu_drv *drv, struct smmu_stream *st,
		     uint32_t ssid)
{
	return ld_le64(host(drv, st->cdtab, (uint64_t)ssid * SMMU_CD_SIZE)) &
	       SMMU_CD0_V;
}

/* ---- attachments -------------------------------------------------------- */

static struct smmu_stream *stream_find(struct smmu_drv *drv, uint32_t sid)
{
	for (size_t i = 0; i < drv->nstreams; i++)
		if (drv->streams[i].sid == sid)
			return &drv->streams[i];
	return NULL;
}

static struct smmu_stream *stream_get(struct smmu_drv *drv, uint32_t sid)
{
	struct smmu_stream *st = stream_find(drv, sid);

	if (st)
		return st;
	if (drv->nstreams == drv->streams_cap) {
		size_t cap = drv->streams_cap ? drv->streams_cap * 2 : 16;
		struct smmu_stream *s = realloc(drv->streams, cap * sizeof(*s));

		if (!s)
			return NULL;
		drv->streams = s;
		drv->streams_cap = cap;
	}
	st = &drv->streams[drv->nstreams++];
	memset(st, 0, sizeof(*st));
	st->sid = sid;
	return st;
}

static struct smmu_att *att_find(struct smmu_drv *drv, uint32_t sid,
				 uint32_t ssid)
{
	for (size_t i = 0; i < drv->natt; i++)
		if (drv->att[i].sid == sid && drv->att[i].ssid == ssid)
			return &drv->att[i];
	return NULL;
}

static int att_reserve(struct smmu_drv *drv)
{
	size_t cap = drv->att_cap ? drv->att_cap * 2 : 16;
	struct smmu_att *a;

	if (drv->natt < drv->att_cap)
		return 0;
	a = realloc(drv->att, cap * sizeof(*a));
	if (!a)
		return -ENOMEM;
	drv->att = a;
	drv->att_cap = cap;
	return 0;
}

static void att_del(struct smmu_drv *drv, struct smmu_att *rec)
{
	struct smmu_domain *dom = rec->dom;

	for (unsigned int i = 0; i < dom->natt; i++) {
		if (dom->sids[i] == rec->sid && dom->ssids[i] == rec->ssid) {
			dom->natt--;
			dom->sids[i] = dom->sids[dom->natt];
			dom->ssids[i] = dom->ssids[dom->natt];
			break;
		}
	}
	*rec = drv->att[--drv->natt];
}

static void att_add(struct smmu_drv *drv, struct smmu_domain *dom, uint32_t sid,
		    uint32_t ssid)
{
	drv->att[drv->natt++] = (struct smmu_att){ sid, ssid, dom };
	dom->sids[dom->natt] = sid;
	dom->ssids[dom->natt] = ssid;
	dom->natt++;
}

/* Guest stage 1 entries of a VM whose STE went away (ours: Linux leaves
 * this to the guest's own TLBIs). */
static int nested_gone(struct smmu_drv *drv, struct smmu_domain *old)
{
	if (!old || old->kind != SMMU_DOMAIN_NESTED)
		return 0;
	return drv_cmd1(
		drv,
		SMMU_CMD_TLBI_NH_ALL | FIELD_PREP(SMMU_CMD_VMID, old->vmid), 0);
}

/* The stream's traffic without SSID goes to @dom (arm_smmu_attach_dev). */
static int attach_rid(struct smmu_domain *dom, struct smmu_stream *st)
{
	struct smmu_drv *drv = dom->drv;
	struct smmu_domain *old = st->dom;
	uint64_t t[NQW];
	int ret;

	if (dom->kind == SMMU_DOMAIN_S1) {
		ret = cdtab_get(drv, st);
		if (ret)
			return ret;
		make_s1_cd(dom, t);
		ret = cd_write(drv, st, 0, t);
		if (ret)
			return ret;
		make_cdtable_ste(drv, st, SMMU_STE1_S1DSS_SSID0, t);
	} else {
		/* stage 2 and nested STEs have no CD table for PASIDs */
		if (st->nssids)
			return -EBUSY;
		if (dom->kind == SMMU_DOMAIN_S2)
			make_s2_ste(dom, t);
		else
			make_nested_ste(dom, t);
	}
	ret = ste_write(drv, st->sid, t);
	if (ret)
		return ret;
	st->dom = dom;
	if (dom->kind != SMMU_DOMAIN_S1)
		cdtab_free(drv, st);
	return nested_gone(drv, old);
}

/* A CD at @ssid (arm_smmu_set_pasid): the RID must be stage 1 or blocked;
 * a blocked RID gets the CD table with S1DSS terminate, as Linux. */
static int attach_pasid(struct smmu_domain *dom, struct smmu_stream *st,
			uint32_t ssid)
{
	struct smmu_drv *drv = dom->drv;
	uint64_t t[NQW];
	bool was;
	int ret;

	if (dom->kind != SMMU_DOMAIN_S1 || !ssid ||
	    ssid >> smmu_drv_ssid_bits(drv))
		return -EINVAL;
	if (st->dom && st->dom->kind != SMMU_DOMAIN_S1)
		return -EINVAL;
	ret = cdtab_get(drv, st);
	if (ret)
		return ret;
	was = cd_valid(drv, st, ssid);
	make_s1_cd(dom, t);
	ret = cd_write(drv, st, ssid, t);
	if (ret)
		return ret;
	if (!was)
		st->nssids++;
	if (st->dom)
		return 0;
	make_cdtable_ste(drv, st, SMMU_STE1_S1DSS_TERMINATE, t);
	return ste_write(drv, st->sid, t);
}

/**
 * smmu_attach() - make @dom translate the requests of @sid (with SSID
 * @ssid, or without one for SMMU_NO_SSID), replacing what was there: the
 * new STE/CD is written in full (hitless where possible) before the old
 * attachment is forgotten.
 * @dom: the domain.
 * @sid: the StreamID (below 2^sid_bits of the stream table).
 * @ssid: a PASID (stage 1 domains only, 1 .. 2^ssid_bits - 1) or
 *        SMMU_NO_SSID.
 *
 * Return: 0; -EINVAL (StreamID or SSID out of range, a PASID on a stream
 * whose RID is stage 2 or nested, a PASID for a non stage 1 domain);
 * -EBUSY (stage 2 or nested RID while PASIDs are attached); -ENOSPC;
 * -ENOMEM; -EIO.
 */
int smmu_attach(struct smmu_domain *dom, uint32_t sid, uint32_t ssid)
{
	struct smmu_drv *drv = dom->drv;
	struct smmu_stream *st;
	struct smmu_att *old;
	int ret;

	if (drv->sid_bits < 32 && sid >> drv->sid_bits)
		return -EINVAL;
	if (ssid != SMMU_NO_SSID && dom->kind != SMMU_DOMAIN_S1)
		return -EINVAL;
	old = att_find(drv, sid, ssid);
	if (old && old->dom == dom)
		return 0;
	if (dom->natt == SMMU_DRV_MAX_ATTACH)
		return -ENOSPC;
	if (att_reserve(drv))
		return -ENOMEM;
	st = stream_get(drv, sid);
	if (!st)
		return -ENOMEM;
	if (ssid == SMMU_NO_SSID)
		ret = attach_rid(dom, st);
	else
		ret = attach_pasid(dom, st, ssid);
	if (ret)
		return ret;
	old = att_find(drv, sid, ssid);
	if (old)
		att_del(drv, old);
	att_add(drv, dom, sid, ssid);
	return 0;
}

/* Traffic without SSID blocked (Linux's blocked domain): abort STE, or
 * with PASIDs still attached the CD table with S1DSS terminate and CD 0
 * cleared. */
static int detach_rid(struct smmu_drv *drv, struct smmu_stream *st)
{
	struct smmu_domain *old = st->dom;
	uint64_t t[NQW];
	int ret;

	if (st->nssids) {
		make_cdtable_ste(drv, st, SMMU_STE1_S1DSS_TERMINATE, t);
		ret = ste_write(drv, st->sid, t);
		memset(t, 0, sizeof(t));
		if (!ret)
			ret = cd_write(drv, st, 0, t);
	} else {
		make_abort_ste(t);
		ret = ste_write(drv, st->sid, t);
		if (!ret)
			cdtab_free(drv, st);
	}
	if (ret)
		return ret;
	st->dom = NULL;
	return nested_gone(drv, old);
}

static int detach_pasid(struct smmu_drv *drv, struct smmu_stream *st,
			uint32_t ssid)
{
	uint64_t t[NQW] = { 0 };
	int ret = cd_write(drv, st, ssid, t);

	if (ret)
		return ret;
	st->nssids--;
	if (st->nssids || st->dom)
		return 0;
	make_abort_ste(t);
	ret = ste_write(drv, st->sid, t);
	if (!ret)
		cdtab_free(drv, st);
	return ret;
}

/**
 * smmu_detach() - stop translating (@sid, @ssid): requests without SSID
 * then abort with no event (or, while PASIDs remain, end in
 * F_STREAM_DISABLED); a detached PASID's CD becomes invalid. A CD table
 * no longer used is freed once the STE no longer points at it.
 * @drv: the driver.
 * @sid: the StreamID.
 * @ssid: as for smmu_attach().
 *
 * Return: 0, -ENOENT when not attached, -EIO.
 */
int smmu_detach(struct smmu_drv *drv, uint32_t sid, uint32_t ssid)
{
	struct smmu_att *rec = att_find(drv, sid, ssid);
	struct smmu_stream *st = stream_find(drv, sid);
	int ret;

	if (!rec || !st)
		return -ENOENT;
	if (ssid == SMMU_NO_SSID)
		ret = detach_rid(drv, st);
	else
		ret = detach_pasid(drv, st, ssid);
	if (ret)
		return ret;
	att_del(drv, rec);
	return 0;
}

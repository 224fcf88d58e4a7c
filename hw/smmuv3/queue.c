// SPDX-License-Identifier: MIT
/*
 * queue.c - the SMMUv3 command queue and event queue (IHI 0070 chapters
 * 4 and 7; smmuv3.md 1.4, 5 and 6), GERROR, and MSIs.
 *
 * PROD and CONS hold an index below 2^LOG2SIZE and a wrap bit at bit
 * LOG2SIZE: empty when both are equal, full when the indexes are equal
 * and the wrap bits differ. Commands run when CMDQ_PROD is written, in
 * order, until the queue is empty or a command fails: then CONS stays on
 * it, CMDQ_CONS.ERR says why and GERROR.CMDQ_ERR is toggled; nothing more
 * runs until software acknowledges it through GERRORN.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "regs.h"
#include "smmuv3.h"
#include "structs.h"

void smmu_queue_reset(struct smmuv3 *s)
{
	memset(&s->cmdq, 0, sizeof(s->cmdq));
	memset(&s->evtq, 0, sizeof(s->evtq));
	memset(&s->priq, 0, sizeof(s->priq));
	s->nlog = 0;
}

static unsigned int q_log2(const struct smmu_queue *q)
{
	return (unsigned int)FIELD_GET(SMMU_Q_BASE_LOG2SIZE, q->base);
}

/* Index plus wrap bit of a PROD or CONS value. */
static uint32_t q_iw(const struct smmu_queue *q, uint32_t v)
{
	return v & ((2u << q_log2(q)) - 1);
}

static bool q_empty(const struct smmu_queue *q)
{
	return q_iw(q, q->prod) == q_iw(q, q->cons);
}

static bool q_full(const struct smmu_queue *q)
{
	uint32_t n = 1u << q_log2(q);

	return q_iw(q, q->prod) == (q_iw(q, q->cons) ^ n);
}

/* @v advanced by one entry; bits above the wrap bit kept. */
static uint32_t q_next(const struct smmu_queue *q, uint32_t v)
{
	uint32_t m = (2u << q_log2(q)) - 1;

	return (v & ~m) | ((v + 1) & m);
}

static uint64_t q_slot(const struct smmu_queue *q, uint32_t v,
		       unsigned int entry)
{
	uint32_t idx = v & ((1u << q_log2(q)) - 1);

	return (q->base & SMMU_Q_BASE_ADDR) + (uint64_t)idx * entry;
}

/* A 32-bit MSI write; an abort is @abt_bit in GERROR (0: none). */
static void msi_write(struct smmuv3 *s, uint64_t addr, uint32_t data,
		      uint32_t abt_bit)
{
	uint8_t b[4];

	st_le32(b, data);
	if (pm_write(s->u.mem, addr & SMMU_IRQ_CFG0_ADDR, b, 4) && abt_bit)
		smmu_gerror_raise(s, abt_bit);
}

/**
 * smmu_gerror_raise() - signal a global error: toggle its GERROR bit
 * unless the error is already active (GERROR != GERRORN there), and send
 * the GERROR MSI when enabled.
 * @s: the unit.
 * @bit: SMMU_GERROR_*.
 */
void smmu_gerror_raise(struct smmuv3 *s, uint32_t bit)
{
	if ((s->gerror ^ s->gerrorn) & bit)
		return;
	s->gerror ^= bit;
	if ((s->irq_ctrl & SMMU_IRQ_CTRL_GERROR) && s->gerror_irq_cfg0 &&
	    bit != SMMU_GERROR_MSI_GERROR_ABT)
		msi_write(s, s->gerror_irq_cfg0, s->gerror_irq_cfg1,
			  SMMU_GERROR_MSI_GERROR_ABT);
}

/**
 * smmu_event() - write one 32-byte record to the event queue: dropped
 * while the queue is disabled; when it is full, OVFLG in
 * EVENTQ_PROD toggles and the record is lost; an abort writing it is
 * GERROR.EVENTQ_ABT_ERR. The queue's MSI is sent, when enabled, as a
 * record makes the queue non-empty (IHI 0070 3.18.2).
 * @s: the unit.
 * @rec: the record's four doublewords.
 */
void smmu_event(struct smmuv3 *s, const uint64_t rec[4])
{
	struct smmu_queue *q = &s->evtq;
	uint8_t b[SMMU_EVT_SIZE];
	bool was_empty;
	uint64_t pa;

	if (!(s->cr0 & SMMU_CR0_EVENTQEN))
		return;
	if (q_full(q)) {
		if (!((q->prod ^ q->cons) & SMMU_Q_OVF))
			q->prod ^= (uint32_t)SMMU_Q_OVF;
		return;
	}
	was_empty = q_empty(q);
	pa = q_slot(q, q->prod, SMMU_EVT_SIZE);
	for (unsigned int i = 0; i < 4; i++)
		st_le64(b + 8 * i, rec[i]);
	if (pm_write(s->u.mem, pa, b, sizeof(b))) {
		smmu_gerror_raise(s, SMMU_GERROR_EVTQ_ABT);
		return;
	}
	q->prod = q_next(q, q->prod);
	if (s->nlog < SMMU_EVENT_LOG_MAX)
		memcpy(s->log[s->nlog++], rec, 4 * sizeof(rec[0]));
	/* the interrupt fires as the queue turns non-empty (3.18.2) */
	if (was_empty && (s->irq_ctrl & SMMU_IRQ_CTRL_EVENTQ) && q->irq_cfg0)
		msi_write(s, q->irq_cfg0, q->irq_cfg1,
			  SMMU_GERROR_MSI_EVTQ_ABT);
}

/* ---- commands ----------------------------------------------------------- */

/* Bytes of a TLBI's range: TG 0 is one address (any page size), else
 * (NUM + 1) << SCALE pages of the TG granule (4K, 16K, 64K). */
static uint64_t tlbi_len(uint64_t w0, uint64_t w1)
{
	unsigned int tg = (unsigned int)FIELD_GET(SMMU_CMD1_TG, w1);
	uint64_t num = FIELD_GET(SMMU_CMD_NUM, w0) + 1;
	unsigned int scale = (unsigned int)FIELD_GET(SMMU_CMD_SCALE, w0);

	if (!tg)
		return 1;
	return (num << scale) << (10 + 2 * tg);
}

static int cmd_tlbi(struct smmuv3 *s, unsigned int op, uint64_t w0, uint64_t w1)
{
	struct smmu_tlbi ti = { .vmid = (uint16_t)FIELD_GET(SMMU_CMD_VMID, w0),
				.asid = (uint16_t)FIELD_GET(SMMU_CMD_ASID,
							    w0) };

	switch (op) {
	case SMMU_CMD_TLBI_NH_ALL:
	case SMMU_CMD_TLBI_NH_ASID:
	case SMMU_CMD_TLBI_NH_VA:
	case SMMU_CMD_TLBI_NH_VAA:
		if (!s->feat.s1p)
			return SMMU_CERROR_ILL;
		ti.s1_only = true;
		ti.by_vmid = s->feat.s2p;
		ti.by_asid = op == SMMU_CMD_TLBI_NH_ASID ||
			     op == SMMU_CMD_TLBI_NH_VA;
		ti.by_addr = op == SMMU_CMD_TLBI_NH_VA ||
			     op == SMMU_CMD_TLBI_NH_VAA;
		break;
	case SMMU_CMD_TLBI_S12_VMALL:
		if (!s->feat.s2p)
			return SMMU_CERROR_ILL;
		ti.by_vmid = true;
		break;
	case SMMU_CMD_TLBI_S2_IPA:
		if (!s->feat.s2p)
			return SMMU_CERROR_ILL;
		ti.by_vmid = ti.by_addr = ti.s2_only = true;
		break;
	default: /* TLBI_NSNH_ALL */
		break;
	}
	if (ti.by_addr) {
		ti.addr = w1 & SMMU_CMD1_ADDR;
		ti.len = tlbi_len(w0, w1);
		ti.leaf = w1 & SMMU_CMD1_LEAF;
	}
	smmu_inval_tlb(s, &ti);
	return SMMU_CERROR_NONE;
}

static int cmd_cfgi(struct smmuv3 *s, unsigned int op, uint64_t w0, uint64_t w1)
{
	uint32_t sid = (uint32_t)FIELD_GET(SMMU_CMD_SID, w0);
	uint32_t ssid = (uint32_t)FIELD_GET(SMMU_CMD_SSID, w0);
	unsigned int range = (unsigned int)FIELD_GET(SMMU_CMD1_RANGE, w1);
	uint64_t n;

	switch (op) {
	case SMMU_CMD_CFGI_STE:
		smmu_inval_cfg(s, sid, sid, false, true, 0);
		break;
	case SMMU_CMD_CFGI_STE_RANGE: /* Range 31 is CFGI_ALL */
		if (range == 31) {
			smmu_inval_cfg(s, 0, UINT32_MAX, false, true, 0);
			break;
		}
		n = 2ULL << range;
		sid &= ~(uint32_t)(n - 1);
		smmu_inval_cfg(s, sid, (uint32_t)(sid + n - 1), false, true, 0);
		break;
	case SMMU_CMD_CFGI_CD:
		smmu_inval_cfg(s, sid, sid, true, false, ssid);
		break;
	default: /* CFGI_CD_ALL */
		smmu_inval_cfg(s, sid, sid, true, true, 0);
		break;
	}
	return SMMU_CERROR_NONE;
}

/* CMD_SYNC: everything before it is done (commands run in order here);
 * CS = SIG_IRQ writes MSIData to MSIAddr (Linux's MSI poll points it at
 * the command's own slot), SIG_SEV has nothing to wake, 3 is reserved. */
static int cmd_sync(struct smmuv3 *s, uint64_t w0, uint64_t w1)
{
	unsigned int cs = (unsigned int)FIELD_GET(SMMU_CMD_SYNC_CS, w0);

	if (cs == 3)
		return SMMU_CERROR_ILL;
	if (cs == SMMU_CMD_SYNC_CS_IRQ)
		msi_write(s, w1 & SMMU_CMD1_SYNC_MSIADDR,
			  (uint32_t)FIELD_GET(SMMU_CMD_SYNC_MSIDATA, w0),
			  SMMU_GERROR_MSI_CMDQ_ABT);
	return SMMU_CERROR_NONE;
}

/* One command; returns its CERROR code. */
static int cmd_exec(struct smmuv3 *s, uint64_t w0, uint64_t w1)
{
	unsigned int op = (unsigned int)FIELD_GET(SMMU_CMD_OP, w0);

	if (w0 & SMMU_CMD_SSEC) /* the Non-secure queue */
		return SMMU_CERROR_ILL;
	switch (op) {
	case SMMU_CMD_PREFETCH_CONFIG:
	case SMMU_CMD_PREFETCH_ADDR:
		return SMMU_CERROR_NONE; /* hints */
	case SMMU_CMD_CFGI_STE:
	case SMMU_CMD_CFGI_STE_RANGE:
	case SMMU_CMD_CFGI_CD:
	case SMMU_CMD_CFGI_CD_ALL:
		return cmd_cfgi(s, op, w0, w1);
	case SMMU_CMD_TLBI_NH_ALL:
	case SMMU_CMD_TLBI_NH_ASID:
	case SMMU_CMD_TLBI_NH_VA:
	case SMMU_CMD_TLBI_NH_VAA:
	case SMMU_CMD_TLBI_S12_VMALL:
	case SMMU_CMD_TLBI_S2_IPA:
	case SMMU_CMD_TLBI_NSNH_ALL:
		return cmd_tlbi(s, op, w0, w1);
	case SMMU_CMD_ATC_INV: /* ILLEGAL with IDR0.ATS 0 (IHI 0070 4.5.1) */
		return SMMU_CERROR_ILL;
	case SMMU_CMD_SYNC:
		return cmd_sync(s, w0, w1);
	default: /* EL2/EL3 TLBIs (no IDR0.HYP), PRI, stalls, unknown */
		return SMMU_CERROR_ILL;
	}
}

/**
 * smmu_cmdq_consume() - run the commands between CMDQ_CONS and CMDQ_PROD
 * while the queue is enabled and no command error is waiting for GERRORN.
 * @s: the unit.
 */
void smmu_cmdq_consume(struct smmuv3 *s)
{
	struct smmu_queue *q = &s->cmdq;

	if (!(s->cr0 & SMMU_CR0_CMDQEN))
		return;
	/* at most one lap: a full queue holds 2^LOG2SIZE commands */
	for (uint32_t n = 0; n <= (1u << q_log2(q)) && !q_empty(q); n++) {
		uint64_t pa = q_slot(q, q->cons, 16), w0, w1;
		int err;

		if ((s->gerror ^ s->gerrorn) & SMMU_GERROR_CMDQ_ERR)
			return;
		if (pm_ld64_le(s->u.mem, pa, &w0) ||
		    pm_ld64_le(s->u.mem, pa + 8, &w1))
			err = SMMU_CERROR_ABT;
		else
			err = cmd_exec(s, w0, w1);
		if (err) {
			q->cons = (q->cons & ~(uint32_t)SMMU_CMDQ_CONS_ERR) |
				  (uint32_t)FIELD_PREP(SMMU_CMDQ_CONS_ERR, err);
			smmu_gerror_raise(s, SMMU_GERROR_CMDQ_ERR);
			return;
		}
		q->cons = q_next(q, q->cons);
	}
}

/**
 * smmu_cmdq_submit() - the script's `cmdq submit W0 W1`: write one
 * command at CMDQ_PROD, advance PROD (which runs it) and print `ok` or
 * `error code=0x...` (CMDQ_CONS.ERR) when a command error is active.
 * @s: the unit.
 * @w0: the command's first doubleword; @w1: its second.
 * @out: where the line goes.
 * @err: a usage message (queue disabled or full).
 *
 * Return: 0, or -EINVAL with @err set.
 */
int smmu_cmdq_submit(struct smmuv3 *s, uint64_t w0, uint64_t w1,
		     struct sim_out *out, struct sim_err *err)
{
	struct smmu_queue *q = &s->cmdq;
	uint64_t pa = q_slot(q, q->prod, 16);

	if (!(s->cr0 & SMMU_CR0_CMDQEN))
		return sim_errf(err, "cmdq submit: the command queue is "
				     "disabled (CR0.CMDQEN = 0)");
	if (q_full(q))
		return sim_errf(err, "cmdq submit: the command queue is full "
				     "(a command error waits for GERRORN?)");
	if (pm_st64_le(s->u.mem, pa, w0) || pm_st64_le(s->u.mem, pa + 8, w1))
		return sim_errf(err,
				"cmdq submit: CMDQ_BASE slot 0x%" PRIx64
				" is not memory",
				pa);
	q->prod = q_next(q, q->prod);
	smmu_cmdq_consume(s);
	if ((s->gerror ^ s->gerrorn) & SMMU_GERROR_CMDQ_ERR)
		sim_outf(out, "error code=0x%" PRIx64,
			 FIELD_GET(SMMU_CMDQ_CONS_ERR, q->cons));
	else
		sim_outf(out, "ok");
	return 0;
}

/* ---- `events` ----------------------------------------------------------- */

static const char *const class_names[] = { "CD", "TT", "IN", "?" };

/* One record, decoded: fields that apply to its type only. */
static void print_record(struct sim_out *out, const uint64_t r[4])
{
	unsigned int id = (unsigned int)FIELD_GET(SMMU_EVT0_ID, r[0]);
	char ssid[32] = "", tail[160] = "";

	if (r[0] & SMMU_EVT0_SSV)
		snprintf(ssid, sizeof(ssid), " ssid=0x%" PRIx64,
			 FIELD_GET(SMMU_EVT0_SSID, r[0]));
	switch (id) {
	case SMMU_EVT_F_STE_FETCH:
	case SMMU_EVT_F_CD_FETCH:
		snprintf(tail, sizeof(tail), " fetch=0x%" PRIx64,
			 r[3] & SMMU_EVT3_FETCH);
		break;
	case SMMU_EVT_F_WALK_EABT:
	case SMMU_EVT_F_TRANSLATION:
	case SMMU_EVT_F_ADDR_SIZE:
	case SMMU_EVT_F_ACCESS:
	case SMMU_EVT_F_PERMISSION:
		snprintf(tail, sizeof(tail),
			 " addr=0x%" PRIx64 " rnw=%u pnu=%u ind=%u s2=%u "
			 "class=%s",
			 r[2], !!(r[1] & SMMU_EVT1_RNW),
			 !!(r[1] & SMMU_EVT1_PNU), !!(r[1] & SMMU_EVT1_IND),
			 !!(r[1] & SMMU_EVT1_S2),
			 class_names[FIELD_GET(SMMU_EVT1_CLASS, r[1])]);
		if (id == SMMU_EVT_F_WALK_EABT)
			snprintf(tail + strlen(tail),
				 sizeof(tail) - strlen(tail),
				 " fetch=0x%" PRIx64, r[3] & SMMU_EVT3_FETCH);
		else if (r[1] & SMMU_EVT1_S2)
			snprintf(tail + strlen(tail),
				 sizeof(tail) - strlen(tail), " ipa=0x%" PRIx64,
				 r[3] & SMMU_EVT3_IPA);
		break;
	case SMMU_EVT_F_STREAM_DISABLED:
	case SMMU_EVT_C_BAD_SUBSTREAMID:
	case SMMU_EVT_C_BAD_CD:
		break;
	default:
		break;
	}
	sim_outf(out, "code=0x%x name=%s sid=0x%" PRIx64 "%s%s", id,
		 smmu_event_name(id), FIELD_GET(SMMU_EVT0_SID, r[0]), ssid,
		 tail);
}

/**
 * smmu_drain_events() - the records written to the event queue since the
 * last drain, oldest first (records lost to a disabled or full queue were
 * never written, so they are not shown: EVENTQ_PROD.OVFLG tells).
 * @u: the unit.
 * @out: one line each.
 */
void smmu_drain_events(struct sim_unit *u, struct sim_out *out)
{
	struct smmuv3 *s = to_smmu(u);

	for (unsigned int i = 0; i < s->nlog; i++)
		print_record(out, s->log[i]);
	s->nlog = 0;
}

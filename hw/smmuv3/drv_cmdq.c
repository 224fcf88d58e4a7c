// SPDX-License-Identifier: MIT
/*
 * drv_cmdq.c - the SMMUv3 driver's command queue (every command goes
 * through drv_cmdq_submit: the commands, then a CMD_SYNC whose MSI into
 * its own slot is checked, as Linux's MSI poll), the TLB invalidations
 * each stage needs after an unmap or a dirty-bit clear
 * (arm_smmu_tlb_inv_range_domain), and reading the event queue. Part of
 * the driver side described in driver.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv_private.h"

/* ---- the command queue -------------------------------------------------- */

#define CMDQ_IW ((2u << CMDQ_LOG2) - 1) /* index and wrap bit */

static uint8_t *cmdq_slot(struct smmu_drv *drv, uint32_t prod)
{
	return host(drv, drv->cmdq,
		    (uint64_t)(prod & ((1u << CMDQ_LOG2) - 1)) * 16);
}

static void cmdq_put(struct smmu_drv *drv, uint64_t w0, uint64_t w1)
{
	uint8_t *slot = cmdq_slot(drv, drv->cmdq_prod);

	st_le64(slot, w0);
	st_le64(slot + 8, w1);
	drv->cmdq_prod = (drv->cmdq_prod + 1) & CMDQ_IW;
}

static bool cmdq_err_active(struct smmu_drv *drv)
{
	return (rd(drv, SMMU_GERROR) ^ rd(drv, SMMU_GERRORN)) &
	       SMMU_GERROR_CMDQ_ERR;
}

/*
 * A command error: the bad command becomes a CMD_SYNC and GERRORN
 * acknowledges the error, so the queue runs on (arm_smmu_cmdq_skip_err
 * and arm_smmu_gerror_handler).
 */
static void cmdq_skip_err(struct smmu_drv *drv, uint32_t cons)
{
	uint8_t *slot = cmdq_slot(drv, cons);

	st_le64(slot, SMMU_CMD_SYNC);
	st_le64(slot + 8, 0);
	wr(drv, SMMU_GERRORN, 4,
	   rd(drv, SMMU_GERRORN) ^ (uint32_t)SMMU_GERROR_CMDQ_ERR);
}

/*
 * Issue up to CMDQ_BATCH commands and a CMD_SYNC, and wait for it. @ran
 * gets how many of the commands completed before an error. The queue is
 * empty on entry: every submission waits for its SYNC.
 */
static int cmdq_batch(struct smmu_drv *drv, const uint64_t (*cmd)[2],
		      unsigned int n, unsigned int *ran)
{
	uint32_t start = drv->cmdq_prod, sync, cons = 0;
	uint64_t msi;
	unsigned int i;

	for (i = 0; i < n; i++)
		cmdq_put(drv, cmd[i][0], cmd[i][1]);
	sync = drv->cmdq_prod;
	msi = drv->cmdq + (uint64_t)(sync & ((1u << CMDQ_LOG2) - 1)) * 16;
	/* MSIData 0 overwrites the SYNC's own (non-zero) first word */
	cmdq_put(drv,
		 SMMU_CMD_SYNC |
			 FIELD_PREP(SMMU_CMD_SYNC_CS, SMMU_CMD_SYNC_CS_IRQ) |
			 FIELD_PREP(SYNC0_MSH, SH_ISH) |
			 FIELD_PREP(SYNC0_MSIATTR, MEMATTR_OIWB),
		 msi & SMMU_CMD1_SYNC_MSIADDR);
	wr(drv, SMMU_CMDQ_PROD, 4, drv->cmdq_prod);
	for (i = 0; i < POLL_MAX; i++)
		if (!ld_le32(cmdq_slot(drv, sync)))
			break;
	cons = (uint32_t)rd(drv, SMMU_CMDQ_CONS);
	if (i < POLL_MAX && !cmdq_err_active(drv) &&
	    (cons & CMDQ_IW) == drv->cmdq_prod) {
		*ran = n;
		return 0;
	}
	*ran = ((cons & CMDQ_IW) - start) & CMDQ_IW;
	if (*ran > n)
		*ran = n;
	if (cmdq_err_active(drv))
		cmdq_skip_err(drv, cons);
	return -EIO;
}

/**
 * drv_cmdq_submit() - every command the driver sends goes through here, in
 * batches that each end with a CMD_SYNC.
 * @drv: the driver.
 * @cmd: the commands.
 * @n: how many.
 * @done: if not NULL, how many completed (all of them on success).
 *
 * Return: 0 or -EIO.
 */
int drv_cmdq_submit(struct smmu_drv *drv, const uint64_t (*cmd)[2],
		    unsigned int n, unsigned int *done)
{
	unsigned int off = 0, ran = 0;
	int ret = 0;

	do {
		unsigned int k = n - off < CMDQ_BATCH ? n - off : CMDQ_BATCH;

		ret = cmdq_batch(drv, cmd + off, k, &ran);
		off += ran;
	} while (!ret && off < n);
	if (done)
		*done = off;
	return ret;
}

int drv_cmd1(struct smmu_drv *drv, uint64_t w0, uint64_t w1)
{
	const uint64_t c[1][2] = { { w0, w1 } };

	return drv_cmdq_submit(drv, c, 1, NULL);
}

/* ---- TLB invalidation (arm_smmu_tlb_inv_range_domain) ------------------- */

struct cmd_list {
	uint64_t c[80][2];
	unsigned int n;
};

static void cl_add(struct cmd_list *cl, uint64_t w0, uint64_t w1)
{
	if (cl->n < ARRAY_SIZE(cl->c)) {
		cl->c[cl->n][0] = w0;
		cl->c[cl->n][1] = w1;
		cl->n++;
	}
}

/*
 * By-address commands for [iova, iova + len) in 4 KiB pages. With RIL
 * (__arm_smmu_tlb_inv_range): each command takes the lowest set bits of
 * the page count as NUM x 2^SCALE pages, TG 4K, TTL 0 (not leaf only:
 * unmap may free tables). Without RIL one command per page up to
 * TLBI_OPS_MAX pages (Linux's CMDQ_MAX_TLBI_OPS is 512; the list here is
 * smaller); beyond either limit the caller's whole-context command (@all)
 * is used instead.
 */
static void tlbi_range(struct smmu_drv *drv, struct cmd_list *cl, uint64_t w0,
		       uint64_t all, uint64_t iova, uint64_t len)
{
	uint64_t start = iova & ~0xfffULL;
	uint64_t pages = ((iova + len + 0xfff) >> 12) - (start >> 12);

	if (!(drv->idr[3] & SMMU_IDR3_RIL)) {
		if (pages >= TLBI_OPS_MAX) {
			cl_add(cl, all, 0);
			return;
		}
		for (uint64_t i = 0; i < pages; i++)
			cl_add(cl, w0, (start + (i << 12)) & SMMU_CMD1_ADDR);
		return;
	}
	if ((pages & 31) == 1)
		pages++; /* never NUM 0 with SCALE 0 (Linux's errata note) */
	while (pages) {
		unsigned int scale = (unsigned int)__builtin_ctzll(pages);
		uint64_t num = (pages >> scale) & 31;

		if (scale > 31) {
			cl_add(cl, all, 0);
			return;
		}
		cl_add(cl,
		       w0 | FIELD_PREP(SMMU_CMD_NUM, num - 1) |
			       FIELD_PREP(SMMU_CMD_SCALE, scale),
		       FIELD_PREP(SMMU_CMD1_TG, 1) | (start & SMMU_CMD1_ADDR));
		start += num << (scale + 12);
		pages -= num << scale;
	}
}

/*
 * What the unit may cache of [iova, iova + len) in @dom: stage 1 by ASID
 * (VMID 0, as arm_smmu_make_cdtable_ste sets it); stage 2 by VMID and
 * IPA, then, for a nesting parent, TLBI_NH_ALL of the VMID so combined
 * entries of the nested domains on it go too (Linux v6.13+:
 * "When the S2 domain changes all the nested S1 ASIDs have to be flushed
 * too").
 */
static int flush_range(struct smmu_domain *dom, uint64_t iova, uint64_t len)
{
	struct cmd_list cl = { .n = 0 };
	uint64_t vmid = FIELD_PREP(SMMU_CMD_VMID, dom->vmid);

	if (dom->kind == SMMU_DOMAIN_S1) {
		uint64_t asid = FIELD_PREP(SMMU_CMD_ASID, dom->asid);

		tlbi_range(dom->drv, &cl, SMMU_CMD_TLBI_NH_VA | asid,
			   SMMU_CMD_TLBI_NH_ASID | asid, iova, len);
	} else {
		tlbi_range(dom->drv, &cl, SMMU_CMD_TLBI_S2_IPA | vmid,
			   SMMU_CMD_TLBI_S12_VMALL | vmid, iova, len);
		if ((dom->flags & SMMU_DOMAIN_NEST_PARENT) || dom->nested_users)
			cl_add(&cl, SMMU_CMD_TLBI_NH_ALL | vmid, 0);
	}
	return drv_cmdq_submit(dom->drv, cl.c, cl.n, NULL);
}

/**
 * smmu_domain_unmap() - unmap a range, then invalidate it: stage 1
 * TLBI_NH_VA for the ASID, stage 2 TLBI_S2_IPA (and TLBI_NH_ALL of the
 * VMID for nesting parents), then CMD_SYNC. Attached or not: the TLB may
 * still hold the domain's entries from an earlier attachment.
 * @dom: the domain.
 * @iova: input address.
 * @len: bytes.
 *
 * Return: bytes unmapped.
 */
uint64_t smmu_domain_unmap(struct smmu_domain *dom, uint64_t iova, uint64_t len)
{
	uint64_t n;

	if (dom->kind == SMMU_DOMAIN_NESTED)
		return 0;
	n = dom->ops->unmap(&dom->pt, iova, len);
	if (n)
		flush_range(dom, iova, len);
	return n;
}

/**
 * smmu_domain_read_and_clear_dirty() - report the pages the SMMU wrote
 * (HTTU dirty state), make them clean and invalidate them as unmap does,
 * so that the next write sets the dirty state again.
 * @dom: a domain allocated with SMMU_DOMAIN_DIRTY.
 * @iova: first address.
 * @len: bytes.
 * @no_clear: report only.
 * @fn: called per dirty page (clipped to the range).
 * @ctx: for @fn.
 *
 * Return: dirty pages reported, -EOPNOTSUPP without dirty tracking, or
 * a range error of the format.
 */
int64_t smmu_domain_read_and_clear_dirty(struct smmu_domain *dom, uint64_t iova,
					 uint64_t len, bool no_clear,
					 pt_dirty_fn fn, void *ctx)
{
	int64_t n;

	if (!(dom->flags & SMMU_DOMAIN_DIRTY) || !dom->ops ||
	    !dom->ops->read_and_clear_dirty)
		return -EOPNOTSUPP;
	n = dom->ops->read_and_clear_dirty(&dom->pt, iova, len, no_clear, fn,
					   ctx);
	if (n > 0 && !no_clear)
		flush_range(dom, iova, len);
	return n;
}

/* ---- the event queue ---------------------------------------------------- */

#define EVTQ_IW ((2u << EVTQ_LOG2) - 1)

/**
 * smmu_drv_read_event() - the oldest record in the event queue, consumed
 * (EVENTQ_CONS advanced, index and wrap bit; an overflow is acknowledged
 * by copying OVFLG to OVACKFLG, as Linux's queue_sync_cons_ovf).
 * @drv: the driver.
 * @rec: the record's four doublewords.
 *
 * Return: 0, or -ENOENT when the queue is empty.
 */
int smmu_drv_read_event(struct smmu_drv *drv, uint64_t rec[4])
{
	uint32_t prod = (uint32_t)rd(drv, SMMU_EVENTQ_PROD);
	uint32_t cons = drv->evtq_cons, ovf = prod & (uint32_t)SMMU_Q_OVF;
	uint8_t *slot;

	if ((prod & EVTQ_IW) == (cons & EVTQ_IW)) {
		if ((cons & (uint32_t)SMMU_Q_OVF) != ovf) {
			drv->evtq_cons = (cons & EVTQ_IW) | ovf;
			wr(drv, SMMU_EVENTQ_CONS, 4, drv->evtq_cons);
		}
		return -ENOENT;
	}
	slot = host(drv, drv->evtq,
		    (uint64_t)(cons & ((1u << EVTQ_LOG2) - 1)) * SMMU_EVT_SIZE);
	for (unsigned int i = 0; i < 4; i++)
		rec[i] = ld_le64(slot + 8 * i);
	drv->evtq_cons = ((cons + 1) & EVTQ_IW) | ovf;
	wr(drv, SMMU_EVENTQ_CONS, 4, drv->evtq_cons);
	return 0;
}

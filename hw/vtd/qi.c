// SPDX-License-Identifier: MIT
/*
 * qi.c - invalidation: register-based (CCMD, IOTLB at ECAP.IRO) and the
 * invalidation queue (spec 6.5, 11.4.7-8, 11.4.20-25).
 *
 * Descriptor formats and reserved-bit masks: shared/reference/vtd.md 4.1
 * (QEMU's vtd_inv_desc_reserved_check masks, Linux's VTD_QI_* macros). The
 * type is 7 bits split over QW0[3:0] and QW0[11:9]. Handled: 1 (context
 * cache), 2 (IOTLB), 5 (wait), and with mode=scalable in a 256-bit queue
 * 6 (PASID-based IOTLB) and 7 (PASID cache). Device-TLB (3, 8: ECAP.DT =
 * 0), interrupt-entry cache (4: ECAP.IR = 0) and page-group responses (9)
 * are invalid here and stop the queue with FSTS.IQE, leaving IQH on the
 * offending descriptor.
 *
 * The model processes the queue synchronously on each IQT write (and on
 * `qi submit`): by the time software reads IQH, the work is done.
 */
#include <inttypes.h>
#include <stdio.h>

#include "structs.h"
#include "vtd.h"

static unsigned int desc_type(uint64_t qw0)
{
	return (unsigned int)(qw0 & 0xf) | (unsigned int)((qw0 >> 9) & 0x7)
						   << 4;
}

static unsigned int mamv(const struct vtd *v)
{
	return (unsigned int)FIELD_GET(VTD_CAP_MAMV, v->cap);
}

/* ---- descriptors -------------------------------------------------------- */

static int do_cc(struct vtd *v, const uint64_t *qw)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_QI_G, qw[0]);

	if ((qw[0] & VTD_QI_CC_RSVD0) || qw[1] || !g)
		return -1;
	vtd_inval_context(v, g, (uint16_t)FIELD_GET(VTD_QI_DID, qw[0]),
			  (uint16_t)FIELD_GET(VTD_QI_CC_SID, qw[0]),
			  (unsigned int)FIELD_GET(VTD_QI_CC_FM, qw[0]));
	return 0;
}

static int do_iotlb(struct vtd *v, const uint64_t *qw)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_QI_G, qw[0]);
	unsigned int am = (unsigned int)FIELD_GET(VTD_QI_IOTLB_AM, qw[1]);

	if ((qw[0] & VTD_QI_IOTLB_RSVD0) || (qw[1] & VTD_QI_IOTLB_RSVD1) || !g)
		return -1;
	if (g == VTD_INV_PAGE && (!(v->cap & VTD_CAP_PSI) || am > mamv(v)))
		return -1;
	vtd_inval_iotlb(v, g, (uint16_t)FIELD_GET(VTD_QI_DID, qw[0]),
			qw[1] & VTD_QI_IOTLB_ADDR, am);
	return 0;
}

static int do_wait(struct vtd *v, const uint64_t *qw)
{
	if ((qw[0] & VTD_QI_WAIT_RSVD0) || (qw[1] & VTD_QI_WAIT_RSVD1))
		return -1;
	/* Status write: 32 bits of data to QW1 with bits 1:0 cleared (the
	 * address is not shifted; vtd.md 7.9). FN needs nothing here:
	 * every earlier descriptor is already complete. */
	if (qw[0] & VTD_QI_WAIT_SW)
		pm_store(v->u.mem, qw[1] & ~VTD_QI_WAIT_RSVD1, 4, false,
			 FIELD_GET(VTD_QI_WAIT_DATA, qw[0]));
	if (qw[0] & VTD_QI_WAIT_IF)
		vtd_completion_event(v);
	return 0;
}

/* PASID-based IOTLB (type 6): G 10 = all of (DID, PASID), 11 = pages. */
static int do_piotlb(struct vtd *v, const uint64_t *qw)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_QI_G, qw[0]);

	if ((qw[0] & VTD_QI_PIOTLB_RSVD0) || (qw[1] & VTD_QI_PIOTLB_RSVD1) ||
	    g < 2)
		return -1;
	vtd_inval_piotlb(v, (uint16_t)FIELD_GET(VTD_QI_DID, qw[0]),
			 (uint32_t)FIELD_GET(VTD_QI_PASID, qw[0]), g == 3,
			 qw[1] & VTD_QI_IOTLB_ADDR,
			 (unsigned int)FIELD_GET(VTD_QI_IOTLB_AM, qw[1]));
	return 0;
}

/* PASID cache (type 7): G 00 domain, 01 PASID, 11 global; 10 invalid. */
static int do_pc(struct vtd *v, const uint64_t *qw)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_QI_G, qw[0]);

	if ((qw[0] & VTD_QI_PC_RSVD0) || qw[1] || g == 2)
		return -1;
	vtd_inval_pasid_cache(v, g == 3 ? VTD_INV_GLOBAL : VTD_INV_DOMAIN,
			      (uint16_t)FIELD_GET(VTD_QI_DID, qw[0]), g == 1,
			      (uint32_t)FIELD_GET(VTD_QI_PASID, qw[0]));
	return 0;
}

static int do_desc(struct vtd *v, const uint64_t *qw, bool wide)
{
	unsigned int type = desc_type(qw[0]);

	/* The upper half of a 256-bit descriptor of these types must be 0;
	 * the PASID-based types exist only in a 256-bit queue (QEMU). */
	if (wide && (qw[2] || qw[3]))
		return -1;
	if (!wide && type >= VTD_QI_TYPE_PIOTLB)
		return -1;
	switch (type) {
	case VTD_QI_TYPE_CC:
		return do_cc(v, qw);
	case VTD_QI_TYPE_IOTLB:
		return do_iotlb(v, qw);
	case VTD_QI_TYPE_WAIT:
		return do_wait(v, qw);
	case VTD_QI_TYPE_PIOTLB:
		return v->cfg.scalable ? do_piotlb(v, qw) : -1;
	case VTD_QI_TYPE_PC:
		return v->cfg.scalable ? do_pc(v, qw) : -1;
	default:
		return -1; /* 3, 4, 8, 9 and the rest: not supported here */
	}
}

/* ---- the queue ---------------------------------------------------------- */

static uint64_t queue_bytes(const struct vtd *v)
{
	return 4096ULL << FIELD_GET(VTD_IQA_QS, v->iqa);
}

static bool wide(const struct vtd *v)
{
	return v->iqa & VTD_IQA_DW;
}

static void qi_error(struct vtd *v)
{
	vtd_set_fsts_error(v, (uint32_t)VTD_FSTS_IQE);
}

/**
 * vtd_qi_process() - run descriptors from IQH up to IQT, unless the queue
 * is off or stopped by an earlier error (FSTS.IQE, until software clears
 * it and writes IQT again).
 * @v: the unit.
 */
void vtd_qi_process(struct vtd *v)
{
	uint64_t step = wide(v) ? 32 : 16;

	if (!(v->gsts & VTD_GSTS_QIES) || (v->fsts & VTD_FSTS_IQE))
		return;
	/* A tail beyond the queue, or misaligned for 256-bit entries. */
	if (v->iqt >= queue_bytes(v) || (wide(v) && (v->iqt & 0x10))) {
		qi_error(v);
		return;
	}
	while (v->iqh != v->iqt) {
		uint64_t qw[4] = { 0 };
		uint64_t base = (v->iqa & VTD_IQA_IQA) + v->iqh;
		uint8_t raw[32];
		bool fetched = !pm_read(v->u.mem, base, raw, step);

		for (unsigned int i = 0; fetched && i < step / 8; i++)
			qw[i] = ld_le64(raw + 8 * i);
		if (!fetched || do_desc(v, qw, wide(v))) {
			qi_error(v); /* IQH stays on the descriptor */
			return;
		}
		v->iqh = (v->iqh + step) % queue_bytes(v);
	}
}

/** vtd_qi_enable() - GCMD.QIE: turning it on resets IQH. */
void vtd_qi_enable(struct vtd *v, bool on)
{
	if (on && !(v->gsts & VTD_GSTS_QIES)) {
		v->iqh = 0;
		v->gsts |= (uint32_t)VTD_GSTS_QIES;
		vtd_qi_process(v);
	} else if (!on) {
		v->gsts &= ~(uint32_t)VTD_GSTS_QIES;
	}
}

/** vtd_qi_reset() - queue registers to their reset state. */
void vtd_qi_reset(struct vtd *v)
{
	v->iqh = v->iqt = v->iqa = v->iqercd = 0;
}

/**
 * vtd_qi_submit() - the `qi submit W0 W1 [W2 W3]` script command: write
 * one descriptor at IQT, advance IQT (wrapping) and let the unit run.
 * @v: the unit.
 * @qw: the descriptor words.
 * @n: 2 or 4 (must match IQA.DW).
 * @out: prints "ok", or "error fsts=0x..." when the queue stopped.
 * @err: usage errors.
 *
 * Return: 0, or -EINVAL for a usage error.
 */
int vtd_qi_submit(struct vtd *v, const uint64_t *qw, unsigned int n,
		  struct sim_out *out, struct sim_err *err)
{
	uint64_t step = wide(v) ? 32 : 16;
	uint64_t base = (v->iqa & VTD_IQA_IQA) + v->iqt;
	uint64_t buf[4] = { qw[0], qw[1], n > 2 ? qw[2] : 0,
			    n > 2 ? qw[3] : 0 };

	if (!(v->gsts & VTD_GSTS_QIES))
		return sim_errf(
			err,
			"the invalidation queue is not enabled (GCMD.QIE)");
	if ((n == 4) != wide(v))
		return sim_errf(err, "IQA.DW=%u: descriptors have %u words",
				wide(v) ? 1 : 0, wide(v) ? 4 : 2);
	for (unsigned int i = 0; i < step / 8; i++)
		if (pm_st64_le(v->u.mem, base + 8 * i, buf[i]))
			return sim_errf(err,
					"the queue at 0x%" PRIx64
					" is not in memory",
					base);
	v->iqt = (v->iqt + step) % queue_bytes(v);
	vtd_qi_process(v);
	if (v->fsts & VTD_FSTS_IQE)
		sim_outf(out, "error fsts=0x%x", v->fsts);
	else
		sim_outf(out, "ok");
	return 0;
}

/* ---- register-based invalidation ---------------------------------------- */

/**
 * vtd_ccmd_write() - CCMD: the command fires when the write covers ICC
 * (bit 63; a 32-bit write to the upper half counts). Register-based
 * invalidation works only while the queue is off (spec 6.5.1); with the
 * queue on, the request completes with CAIG = 0 (not performed).
 * @v: the unit.
 * @val: the register's new value.
 * @mask: bits the access wrote.
 */
void vtd_ccmd_write(struct vtd *v, uint64_t val, uint64_t mask)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_CCMD_CIRG, val);

	v->ccmd = val & ~VTD_CCMD_CAIG;
	if (!(mask & VTD_CCMD_ICC) || !(val & VTD_CCMD_ICC))
		return;
	v->ccmd &= ~(VTD_CCMD_ICC | VTD_CCMD_CAIG);
	if ((v->gsts & VTD_GSTS_QIES) || !g)
		return;
	vtd_inval_context(v, g, (uint16_t)FIELD_GET(VTD_CCMD_DID, val),
			  (uint16_t)FIELD_GET(VTD_CCMD_SID, val),
			  (unsigned int)FIELD_GET(VTD_CCMD_FM, val));
	v->ccmd |= FIELD_PREP(VTD_CCMD_CAIG, g);
}

/**
 * vtd_iotlb_write() - IOTLB register: fires when the write covers IVT
 * (bit 63); page-selective requests use IVA (ADDR, AM). An invalid
 * request (AM > MAMV, no PSI, queue on) completes with IAIG = 0.
 * @v: the unit.
 * @val: the register's new value.
 * @mask: bits the access wrote.
 */
void vtd_iotlb_write(struct vtd *v, uint64_t val, uint64_t mask)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_IOTLB_IIRG, val);
	unsigned int am = (unsigned int)FIELD_GET(VTD_IVA_AM, v->iva);

	v->iotlb = val & ~VTD_IOTLB_IAIG;
	if (!(mask & VTD_IOTLB_IVT) || !(val & VTD_IOTLB_IVT))
		return;
	v->iotlb &= ~(VTD_IOTLB_IVT | VTD_IOTLB_IAIG);
	if ((v->gsts & VTD_GSTS_QIES) || !g)
		return;
	if (g == VTD_INV_PAGE && (!(v->cap & VTD_CAP_PSI) || am > mamv(v)))
		return;
	vtd_inval_iotlb(v, g, (uint16_t)FIELD_GET(VTD_IOTLB_DID, val),
			v->iva & VTD_IVA_ADDR, am);
	v->iotlb |= FIELD_PREP(VTD_IOTLB_IAIG, g);
}

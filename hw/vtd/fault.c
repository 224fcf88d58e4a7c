// SPDX-License-Identifier: MIT
/*
 * fault.c - primary fault logging (spec 7.2.1): the fault recording
 * registers, FSTS, and the fault and invalidation-completion events.
 *
 * Recording (vtd.md 3.8, as QEMU, OpenVMM and VirtualBox agree):
 *  1. while FSTS.PFO is set nothing is recorded;
 *  2. a fault whose source id already has a pending record (F = 1) is
 *     dropped (compression);
 *  3. if the next record is still pending, PFO is set and the fault is
 *     dropped;
 *  4. otherwise the record is written, F set, the index advanced with
 *     wrap-around; FSTS.FRI names the first pending record.
 * The fault event (an MSI: FEDATA written to FEUADDR:FEADDR) fires only
 * when PPF, PFO and IQE were all clear before (QEMU's rule); with
 * FECTL.IM set, IP is set instead and the event is delivered when IM is
 * cleared, unless software has cleared the status first.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vtd.h"

static bool frcd_pending(const struct vtd *v, unsigned int i)
{
	return v->frcd[i][1] & VTD_FRCD1_F;
}

/* PPF and FRI are computed from the records (PPF is read-only). */
static void update_ppf(struct vtd *v)
{
	unsigned int first = 0;
	bool any = false;

	for (unsigned int i = 0; i < v->cfg.nfr; i++) {
		unsigned int idx = (v->frcd_next + i) % v->cfg.nfr;

		if (frcd_pending(v, idx)) {
			first = idx;
			any = true;
			break;
		}
	}
	v->fsts &= ~(uint32_t)(VTD_FSTS_PPF | VTD_FSTS_FRI);
	if (any)
		v->fsts |= (uint32_t)(VTD_FSTS_PPF |
				      FIELD_PREP(VTD_FSTS_FRI, first));
}

static bool fsts_any_pending(uint32_t fsts)
{
	return fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO | VTD_FSTS_IQE |
		       VTD_FSTS_ICE | VTD_FSTS_ITE);
}

/* An MSI is a 32-bit write of the data to the address (bits 1:0
 * ignored); a bus error on it is lost, as on a real bus. */
static void msi(struct vtd *v, const struct vtd_event_regs *r)
{
	uint64_t pa = ((uint64_t)r->uaddr << 32 | r->addr) & ~3ULL;

	pm_store(v->u.mem, pa, 4, false, r->data);
}

/* Deliver an event now, or hold it in IP while masked. */
static void raise_event(struct vtd *v, struct vtd_event_regs *r)
{
	if (r->ctl & VTD_XECTL_IM) {
		r->ctl |= (uint32_t)VTD_XECTL_IP;
		return;
	}
	msi(v, r);
	r->ctl &= ~(uint32_t)VTD_XECTL_IP;
}

static void fault_event(struct vtd *v, uint32_t pre_fsts)
{
	if (pre_fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO | VTD_FSTS_IQE))
		return;
	raise_event(v, &v->fe);
}

static void log_event(struct vtd *v, const struct vtd_event *ev)
{
	if (v->nevents == VTD_EVENTS_MAX) {
		v->events_lost++;
		return;
	}
	v->events[v->nevents++] = *ev;
}

/**
 * vtd_record_fault() - log one primary fault in the recording registers.
 * @v: the unit.
 * @reason: fault reason.
 * @sid: requester id.
 * @addr: faulting input address (recorded page aligned).
 * @write: a write request (FRCD.T = 0) or a read (T = 1).
 * @pasid_present: the request carried a PASID (FRCD.PP, PV).
 * @pasid: that PASID.
 */
void vtd_record_fault(struct vtd *v, unsigned int reason, uint16_t sid,
		      uint64_t addr, bool write, bool pasid_present,
		      uint32_t pasid)
{
	uint32_t pre = v->fsts;
	unsigned int idx = v->frcd_next;
	struct vtd_event ev;

	if (v->fsts & VTD_FSTS_PFO)
		return;
	for (unsigned int i = 0; i < v->cfg.nfr; i++)
		if (frcd_pending(v, i) &&
		    FIELD_GET(VTD_FRCD1_SID, v->frcd[i][1]) == sid)
			return;
	if (frcd_pending(v, idx)) {
		v->fsts |= (uint32_t)VTD_FSTS_PFO;
		fault_event(v, pre);
		return;
	}
	v->frcd[idx][0] = addr & VTD_FRCD0_FI;
	v->frcd[idx][1] = FIELD_PREP(VTD_FRCD1_SID, sid) |
			  FIELD_PREP(VTD_FRCD1_FR, reason) |
			  (write ? 0 : VTD_FRCD1_T) | VTD_FRCD1_F;
	if (pasid_present)
		v->frcd[idx][1] |= VTD_FRCD1_PP |
				   FIELD_PREP(VTD_FRCD1_PV, pasid);
	v->frcd_next = (idx + 1) % v->cfg.nfr;
	update_ppf(v);
	fault_event(v, pre);
	memset(&ev, 0, sizeof(ev));
	ev.reason = (uint8_t)reason;
	ev.sid = sid;
	ev.write = write;
	ev.pasid_present = pasid_present;
	ev.pasid = pasid;
	ev.addr = addr & VTD_FRCD0_FI;
	ev.index = (uint8_t)idx;
	log_event(v, &ev);
}

/* Once nothing is pending any more, a held (masked) event is dropped. */
static void maybe_clear_ip(struct vtd *v)
{
	if (!fsts_any_pending(v->fsts))
		v->fe.ctl &= ~(uint32_t)VTD_XECTL_IP;
}

/** vtd_fsts_write() - FSTS: write 1 to clear PFO, IQE, ICE, ITE. */
void vtd_fsts_write(struct vtd *v, uint32_t val)
{
	v->fsts &= ~(val & (uint32_t)VTD_FSTS_RW1C);
	update_ppf(v);
	maybe_clear_ip(v);
}

/**
 * vtd_event_ctl_write() - FECTL or IECTL: IM is writable; unmasking
 * delivers a held event.
 * @v: the unit.
 * @r: &v->fe or &v->ie.
 * @val: the value written.
 */
void vtd_event_ctl_write(struct vtd *v, struct vtd_event_regs *r, uint32_t val)
{
	bool held = r->ctl & VTD_XECTL_IP;

	r->ctl = (r->ctl & (uint32_t)VTD_XECTL_IP) |
		 (val & (uint32_t)VTD_XECTL_IM);
	if (held && !(r->ctl & VTD_XECTL_IM))
		raise_event(v, r);
}

/**
 * vtd_frcd_write() - a write to fault record @idx: only F (RW1C) in word 1
 * is writable.
 * @v: the unit.
 * @idx: record number.
 * @word: 0 (low qword) or 1 (high qword).
 * @val: the value written, placed in the qword.
 * @mask: which bits of the qword the access covered.
 */
void vtd_frcd_write(struct vtd *v, unsigned int idx, unsigned int word,
		    uint64_t val, uint64_t mask)
{
	if (idx >= v->cfg.nfr || word != 1)
		return;
	if (val & mask & VTD_FRCD1_F) {
		v->frcd[idx][1] &= ~VTD_FRCD1_F;
		update_ppf(v);
		maybe_clear_ip(v);
	}
}

/**
 * vtd_set_fsts_error() - an invalidation-queue error (IQE, ICE, ITE):
 * set it in FSTS and raise the fault event.
 * @v: the unit.
 * @bit: the FSTS bit.
 */
void vtd_set_fsts_error(struct vtd *v, uint32_t bit)
{
	uint32_t pre = v->fsts;

	v->fsts |= bit;
	fault_event(v, pre);
}

/** vtd_completion_event() - invalidation-wait completion (ICS.IWC). */
void vtd_completion_event(struct vtd *v)
{
	if (v->ics & VTD_ICS_IWC)
		return; /* already pending: no second interrupt */
	v->ics |= (uint32_t)VTD_ICS_IWC;
	raise_event(v, &v->ie);
}

/** vtd_ics_write() - ICS: write 1 to clear IWC (and a held event). */
void vtd_ics_write(struct vtd *v, uint32_t val)
{
	if (val & VTD_ICS_IWC) {
		v->ics &= ~(uint32_t)VTD_ICS_IWC;
		v->ie.ctl &= ~(uint32_t)VTD_XECTL_IP;
	}
}

/** vtd_fault_reset() - recording registers to their reset state. */
void vtd_fault_reset(struct vtd *v)
{
	memset(v->frcd, 0, sizeof(v->frcd));
	v->frcd_next = 0;
	v->fsts = 0;
	v->fe.ctl = (uint32_t)VTD_XECTL_IM;
	v->fe.data = v->fe.addr = v->fe.uaddr = 0;
	v->ics = 0;
	v->ie.ctl = (uint32_t)VTD_XECTL_IM;
	v->ie.data = v->ie.addr = v->ie.uaddr = 0;
	v->nevents = 0;
	v->events_lost = 0;
}

/**
 * vtd_drain_events() - every fault written to a recording register since
 * the last drain, one line each (the unit's drain_events op).
 * @u: the unit.
 * @out: where the lines go.
 */
void vtd_drain_events(struct sim_unit *u, struct sim_out *out)
{
	struct vtd *v = to_vtd(u);

	for (unsigned int i = 0; i < v->nevents; i++) {
		const struct vtd_event *ev = &v->events[i];
		char pasid[32] = "";

		if (ev->pasid_present)
			snprintf(pasid, sizeof(pasid), " pasid=0x%x",
				 ev->pasid);
		sim_outf(out,
			 "code=0x%x name=%s sid=0x%x addr=0x%" PRIx64
			 " type=%s%s frcd=%u",
			 ev->reason, vtd_fault_name(ev->reason), ev->sid,
			 ev->addr, ev->write ? "write" : "read", pasid,
			 ev->index);
	}
	if (v->events_lost)
		sim_outf(out, "code=0x0 name=EVENTS_LOST count=%" PRIu64,
			 v->events_lost);
	v->nevents = 0;
	v->events_lost = 0;
}

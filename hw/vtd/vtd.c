// SPDX-License-Identifier: MIT
/*
 * vtd.c - the Intel VT-d remapping unit: creation from `machine vtd` keys,
 * reset state, and the MMIO register file with its side effects.
 *
 * Access rules (spec 11.2, vtd.md 1.4): registers take naturally aligned
 * 4- and 8-byte accesses; a 64-bit register may be written as two 32-bit
 * halves, and a command fires on the write that covers its trigger bit
 * (CCMD.ICC and IOTLB.IVT live in the upper dword). An 8-byte access to a
 * 32-bit register, or a misaligned one, is refused with a message (that is
 * a malformed access, not a register value); reserved offsets read 0 and
 * ignore writes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtd.h"

#define VTD_VERSION 0x10 /* 1.0, as QEMU and OpenVMM report */
#define VTD_MAMV 18 /* largest PSI address mask (QEMU's value) */

struct vtd_reg {
	const char *name;
	uint16_t off;
	uint8_t size;
};

static const struct vtd_reg vtd_regs[] = {
	{ "VER", VTD_VER, 4 },	     { "CAP", VTD_CAP, 8 },
	{ "ECAP", VTD_ECAP, 8 },     { "GCMD", VTD_GCMD, 4 },
	{ "GSTS", VTD_GSTS, 4 },     { "RTADDR", VTD_RTADDR, 8 },
	{ "CCMD", VTD_CCMD, 8 },     { "FSTS", VTD_FSTS, 4 },
	{ "FECTL", VTD_FECTL, 4 },   { "FEDATA", VTD_FEDATA, 4 },
	{ "FEADDR", VTD_FEADDR, 4 }, { "FEUADDR", VTD_FEUADDR, 4 },
	{ "AFLOG", VTD_AFLOG, 8 },   { "PMEN", VTD_PMEN, 4 },
	{ "IQH", VTD_IQH, 8 },	     { "IQT", VTD_IQT, 8 },
	{ "IQA", VTD_IQA, 8 },	     { "ICS", VTD_ICS, 4 },
	{ "IECTL", VTD_IECTL, 4 },   { "IEDATA", VTD_IEDATA, 4 },
	{ "IEADDR", VTD_IEADDR, 4 }, { "IEUADDR", VTD_IEUADDR, 4 },
	{ "IQERCD", VTD_IQERCD, 8 }, { "IRTA", VTD_IRTA, 8 },
	{ "IVA", VTD_IVA, 8 },	     { "IOTLB", VTD_IOTLB, 8 },
};

/* ---- creation and reset ------------------------------------------------- */

static uint64_t make_cap(const struct vtd_config *c)
{
	return FIELD_PREP(VTD_CAP_ND, 6) | (c->cm ? VTD_CAP_CM : 0) |
	       FIELD_PREP(VTD_CAP_SAGAW, c->sagaw) |
	       FIELD_PREP(VTD_CAP_MGAW, c->aw_bits - 1) |
	       FIELD_PREP(VTD_CAP_FRO, VTD_FRO_OFFSET / 16) |
	       FIELD_PREP(VTD_CAP_SSLPS,
			  (c->sp2m ? 1 : 0) | (c->sp1g ? 2 : 0)) |
	       VTD_CAP_PSI | FIELD_PREP(VTD_CAP_NFR, c->nfr - 1) |
	       FIELD_PREP(VTD_CAP_MAMV, VTD_MAMV) |
	       (c->scalable && c->fs1gp ? VTD_CAP_FS1GP : 0) |
	       (c->scalable && c->aw_bits == 57 ? VTD_CAP_FS5LP : 0) |
	       /* SRTP also flushes every cache: the model does so */
	       VTD_CAP_ESRTPS;
}

static uint64_t make_ecap(const struct vtd_config *c)
{
	uint64_t ecap = VTD_ECAP_C | VTD_ECAP_QI | (c->pt ? VTD_ECAP_PT : 0) |
			FIELD_PREP(VTD_ECAP_IRO, VTD_IRO_OFFSET / 16);

	/* Scalable mode: first and second stage, 20-bit PASIDs (PSS 19),
	 * supervisor requests, RID_PASID, coherent scalable walks. */
	if (c->scalable)
		ecap |= VTD_ECAP_SMTS | VTD_ECAP_PASID |
			FIELD_PREP(VTD_ECAP_PSS, 19) | VTD_ECAP_SRS |
			VTD_ECAP_SSTS | VTD_ECAP_FSTS | VTD_ECAP_SMPWCS |
			VTD_ECAP_RPS | (c->slads ? VTD_ECAP_SSADS : 0) |
			(c->nest ? VTD_ECAP_NEST : 0);
	return ecap;
}

static void vtd_reset(struct sim_unit *u)
{
	struct vtd *v = to_vtd(u);

	v->gsts = 0;
	v->rtaddr = v->rta = 0;
	v->ccmd = 0;
	v->iva = v->iotlb = 0;
	vtd_fault_reset(v);
	vtd_qi_reset(v);
	tcache_flush(u->tc);
}

static int parse_options(struct sim_opts *o, struct vtd_config *c,
			 struct sim_err *err)
{
	static const char *const modes[] = { "legacy", "scalable", NULL };
	uint64_t aw, haw, nfr, cm, pt, sslps, fl1gp, slads, nest;
	unsigned int mode;

	if (sim_opt_choice(o, "mode", modes, 0, &mode, err) ||
	    sim_opt_u64(o, "aw", 48, 39, 57, &aw, err) ||
	    sim_opt_u64(o, "haw", 48, 39, 52, &haw, err) ||
	    sim_opt_u64(o, "nfr", 4, 1, VTD_NFR_MAX, &nfr, err) ||
	    sim_opt_u64(o, "cm", 0, 0, 1, &cm, err) ||
	    sim_opt_u64(o, "pt", 1, 0, 1, &pt, err) ||
	    sim_opt_u64(o, "sslps", 3, 0, 3, &sslps, err) ||
	    sim_opt_u64(o, "fl1gp", 1, 0, 1, &fl1gp, err) ||
	    sim_opt_u64(o, "slads", 0, 0, 1, &slads, err) ||
	    sim_opt_u64(o, "nest", 0, 0, 1, &nest, err))
		return -EINVAL;
	if (aw != 39 && aw != 48 && aw != 57)
		return sim_errf(err,
				"option aw=%" PRIu64 ": expected 39, 48 or 57",
				aw);
	if (mode == 0 && nest)
		return sim_errf(err, "nest applies to mode=scalable");
	if (mode == 0 && slads)
		return sim_errf(err, "slads applies to mode=scalable");
	c->scalable = mode == 1;
	c->fs1gp = fl1gp;
	c->slads = slads;
	c->nest = nest;
	c->aw_bits = (unsigned int)aw;
	c->haw = (unsigned int)haw;
	c->nfr = (unsigned int)nfr;
	c->cm = cm;
	c->pt = pt;
	c->sp2m = sslps & 1;
	c->sp1g = sslps & 2;
	/* 3-level always; 4-level from aw=48; 5-level with aw=57 */
	c->sagaw = 1u << VTD_AW_39;
	if (aw >= 48)
		c->sagaw |= 1u << VTD_AW_48;
	if (aw == 57)
		c->sagaw |= 1u << VTD_AW_57;
	return 0;
}

static int vtd_create(struct pm_space *mem, struct sim_opts *opts,
		      struct sim_unit **out, struct sim_err *err)
{
	struct vtd_config cfg;
	struct vtd *v;

	if (parse_options(opts, &cfg, err))
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return sim_errf(err, "out of memory");
	if (tcache_create(256, 4, &vtd_tcache_ops, v, &v->u.tc)) {
		free(v);
		return sim_errf(err, "out of memory");
	}
	v->u.ops = &vtd_unit_ops;
	v->u.mem = mem;
	v->cfg = cfg;
	v->cap = make_cap(&cfg);
	v->ecap = make_ecap(&cfg);
	vtd_reset(&v->u);
	*out = &v->u;
	return 0;
}

static void vtd_destroy(struct sim_unit *u)
{
	tcache_destroy(u->tc);
	free(to_vtd(u));
}

/* ---- register side effects ---------------------------------------------- */

static void gcmd_write(struct vtd *v, uint32_t val)
{
	if (val & VTD_GCMD_SRTP) {
		v->rta = v->rtaddr;
		v->gsts |= (uint32_t)VTD_GSTS_RTPS;
		tcache_flush(v->u.tc); /* CAP.ESRTPS */
	}
	if (val & VTD_GCMD_TE)
		v->gsts |= (uint32_t)VTD_GSTS_TES;
	else
		v->gsts &= ~(uint32_t)VTD_GSTS_TES;
	vtd_qi_enable(v, val & VTD_GCMD_QIE);
	/* WBF (CAP.RWBF = 0), SFL/EAFL (CAP.AFL = 0), IRE/SIRTP/CFI
	 * (ECAP.IR = 0): nothing to do, their status bits stay 0. */
}

/*
 * The fault-event and invalidation-event register blocks share one layout
 * (CTL, DATA, ADDR, UADDR at +0, +4, +8, +0xc: the offsets in regs.h,
 * spec 11.4.10 and 11.4.23 onwards): the block and the register's index
 * in it, or NULL.
 */
static struct vtd_event_regs *event_block(struct vtd *v, uint16_t off,
					  unsigned int *idx)
{
	if (off >= VTD_FECTL && off <= VTD_FEUADDR) {
		*idx = (off - VTD_FECTL) / 4;
		return &v->fe;
	}
	if (off >= VTD_IECTL && off <= VTD_IEUADDR) {
		*idx = (off - VTD_IECTL) / 4;
		return &v->ie;
	}
	return NULL;
}

static uint32_t event_read(const struct vtd_event_regs *r, unsigned int idx)
{
	const uint32_t vals[] = { r->ctl, r->data, r->addr, r->uaddr };

	return vals[idx];
}

/* CTL has its own rules; the address keeps a dword alignment (bits 1:0
 * read 0). */
static void event_write(struct vtd *v, struct vtd_event_regs *r,
			unsigned int idx, uint32_t val)
{
	switch (idx) {
	case 0:
		vtd_event_ctl_write(v, r, val);
		break;
	case 1:
		r->data = val;
		break;
	case 2:
		r->addr = val & ~3u;
		break;
	default:
		r->uaddr = val;
		break;
	}
}

static uint64_t reg_read(struct vtd *v, uint16_t off)
{
	struct vtd_event_regs *ev;
	unsigned int idx;

	ev = event_block(v, off, &idx);
	if (ev)
		return event_read(ev, idx);
	switch (off) {
	case VTD_VER:
		return VTD_VERSION;
	case VTD_CAP:
		return v->cap;
	case VTD_ECAP:
		return v->ecap;
	case VTD_GSTS:
		return v->gsts;
	case VTD_RTADDR:
		return v->rtaddr;
	case VTD_CCMD:
		return v->ccmd;
	case VTD_FSTS:
		return v->fsts;
	case VTD_IQH:
		return v->iqh;
	case VTD_IQT:
		return v->iqt;
	case VTD_IQA:
		return v->iqa;
	case VTD_ICS:
		return v->ics;
	case VTD_IQERCD:
		return v->iqercd;
	case VTD_IVA:
		return v->iva;
	case VTD_IOTLB:
		return v->iotlb;
	default:
		return 0; /* GCMD (write-only) and absent features */
	}
}

static void reg_write(struct vtd *v, uint16_t off, uint64_t val, uint64_t mask)
{
	struct vtd_event_regs *ev;
	unsigned int idx;

	ev = event_block(v, off, &idx);
	if (ev) {
		event_write(v, ev, idx, (uint32_t)val);
		return;
	}
	switch (off) {
	case VTD_GCMD:
		gcmd_write(v, (uint32_t)val);
		break;
	case VTD_RTADDR:
		/* TTM exists only with scalable-mode support */
		v->rtaddr = val & (VTD_RTADDR_RTA |
				   (v->cfg.scalable ? VTD_RTADDR_TTM : 0));
		break;
	case VTD_CCMD:
		vtd_ccmd_write(v, val, mask);
		break;
	case VTD_FSTS:
		vtd_fsts_write(v, (uint32_t)val);
		break;
	case VTD_IQT:
		v->iqt = val & VTD_IQT_QT;
		if (mask & 0xffffffffULL)
			vtd_qi_process(v);
		break;
	/* DW (256-bit descriptors) needs scalable-mode support */
	case VTD_IQA:
		v->iqa = val & (VTD_IQA_IQA | VTD_IQA_QS |
				(v->cfg.scalable ? VTD_IQA_DW : 0));
		break;
	case VTD_ICS:
		vtd_ics_write(v, (uint32_t)val);
		break;
	case VTD_IVA:
		v->iva = val & (VTD_IVA_ADDR | VTD_IVA_IH | VTD_IVA_AM);
		break;
	case VTD_IOTLB:
		vtd_iotlb_write(v, val, mask);
		break;
	default:
		break; /* read-only or absent */
	}
}

/* ---- MMIO --------------------------------------------------------------- */

static const struct vtd_reg *find_reg(uint64_t off, unsigned int size)
{
	for (size_t i = 0; i < ARRAY_SIZE(vtd_regs); i++) {
		const struct vtd_reg *r = &vtd_regs[i];

		if (off == r->off || (r->size == 8 && off == r->off + 4u))
			return r;
	}
	(void)size;
	return NULL;
}

static int check_access(struct vtd *v, uint64_t off, unsigned int size,
			struct sim_err *err)
{
	(void)v;
	if (size != 4 && size != 8)
		return sim_errf(err,
				"vtd: %u-byte register access (4 or 8 only)",
				size);
	if (off & (size - 1))
		return sim_errf(err,
				"vtd: misaligned %u-byte access at 0x%" PRIx64,
				size, off);
	if (off >= VTD_MMIO_SIZE)
		return sim_errf(err,
				"vtd: offset 0x%" PRIx64
				" is beyond the 4 KiB register window",
				off);
	return 0;
}

/* A fault recording register: FRO + 16 i, word 0 at +0, word 1 at +8. */
static bool frcd_slot(struct vtd *v, uint64_t off, unsigned int *idx,
		      unsigned int *word, unsigned int *shift)
{
	uint64_t rel = off - VTD_FRO_OFFSET;

	if (off < VTD_FRO_OFFSET || rel >= 16ULL * v->cfg.nfr)
		return false;
	*idx = (unsigned int)(rel / 16);
	*word = (unsigned int)(rel % 16) / 8;
	*shift = (unsigned int)(rel % 8) * 8;
	return true;
}

static int vtd_mmio_read(struct sim_unit *u, uint64_t off, unsigned int size,
			 uint64_t *val, struct sim_err *err)
{
	struct vtd *v = to_vtd(u);
	uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL;
	unsigned int idx, word, shift;
	const struct vtd_reg *r;

	*val = 0;
	if (check_access(v, off, size, err))
		return -EINVAL;
	if (frcd_slot(v, off, &idx, &word, &shift)) {
		*val = (v->frcd[idx][word] >> shift) & mask;
		return 0;
	}
	r = find_reg(off, size);
	if (!r)
		return 0;
	if (size > r->size)
		return sim_errf(err, "vtd: 8-byte access to 32-bit register %s",
				r->name);
	*val = (reg_read(v, r->off) >> ((off - r->off) * 8)) & mask;
	return 0;
}

static int vtd_mmio_write(struct sim_unit *u, uint64_t off, unsigned int size,
			  uint64_t val, struct sim_err *err)
{
	struct vtd *v = to_vtd(u);
	uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL;
	unsigned int idx, word, shift;
	const struct vtd_reg *r;
	uint64_t cur;

	if (check_access(v, off, size, err))
		return -EINVAL;
	val &= mask;
	if (frcd_slot(v, off, &idx, &word, &shift)) {
		vtd_frcd_write(v, idx, word, val << shift, mask << shift);
		return 0;
	}
	r = find_reg(off, size);
	if (!r)
		return 0;
	if (size > r->size)
		return sim_errf(err, "vtd: 8-byte access to 32-bit register %s",
				r->name);
	shift = (unsigned int)(off - r->off) * 8;
	mask <<= shift;
	cur = r->off == VTD_GCMD ? 0 : reg_read(v, r->off);
	reg_write(v, r->off, (cur & ~mask) | (val << shift), mask);
	return 0;
}

static int vtd_reg_lookup(struct sim_unit *u, const char *name, uint64_t *off)
{
	struct vtd *v = to_vtd(u);
	unsigned int n;
	char hi[4];

	for (size_t i = 0; i < ARRAY_SIZE(vtd_regs); i++) {
		if (!strcmp(vtd_regs[i].name, name)) {
			*off = vtd_regs[i].off;
			return 0;
		}
	}
	/* FRCDn (low qword) and FRCDn_HI (high qword) */
	hi[0] = '\0';
	if (sscanf(name, "FRCD%u%3s", &n, hi) >= 1 && n < v->cfg.nfr &&
	    (!hi[0] || !strcmp(hi, "_HI"))) {
		char canon[16];

		snprintf(canon, sizeof(canon), "FRCD%u%s", n, hi);
		if (strcmp(canon, name))
			return -ENOENT;
		*off = VTD_FRO_OFFSET + 16ULL * n + (hi[0] ? 8 : 0);
		return 0;
	}
	return -ENOENT;
}

/* ---- script commands ---------------------------------------------------- */

static int vtd_command(struct sim_unit *u, int argc, char **argv,
		       struct sim_out *out, struct sim_err *err)
{
	uint64_t qw[4];

	if (strcmp(argv[0], "qi"))
		return -ENOENT;
	if ((argc != 4 && argc != 6) || strcmp(argv[1], "submit"))
		return sim_errf(err, "usage: qi submit W0 W1 [W2 W3]");
	for (int i = 2; i < argc; i++)
		if (sim_parse_u64(argv[i], &qw[i - 2]))
			return sim_errf(err, "'%s' is not a 64-bit number",
					argv[i]);
	return vtd_qi_submit(to_vtd(u), qw, (unsigned int)argc - 2, out, err);
}

const struct sim_unit_ops vtd_unit_ops = {
	.kind = "vtd",
	.summary = "Intel VT-d remapping unit (legacy and scalable mode)",
	.options =
		"mode=legacy|scalable aw=39|48|57 haw=N nfr=N cm=0|1 pt=0|1 sslps=0-3 fl1gp=0|1 slads=0|1 nest=0|1",
	.create = vtd_create,
	.destroy = vtd_destroy,
	.reset = vtd_reset,
	.mmio_read = vtd_mmio_read,
	.mmio_write = vtd_mmio_write,
	.reg_lookup = vtd_reg_lookup,
	.translate = vtd_translate,
	.drain_events = vtd_drain_events,
	.command = vtd_command,
};

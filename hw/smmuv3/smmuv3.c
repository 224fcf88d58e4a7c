// SPDX-License-Identifier: MIT
/*
 * smmuv3.c - the Arm SMMUv3 unit: creation from `machine smmuv3` keys,
 * reset, and the register file (IHI 0070 chapter 6; smmuv3.md 1).
 *
 * Register side effects take effect at once: CR0ACK and IRQ_CTRLACK
 * follow their registers on the write, GBPA's UPDATE clears as it is
 * written, and a write to CMDQ_PROD (or one that re-enables the command
 * queue, or acknowledges CMDQ_ERR through GERRORN) consumes commands
 * before the write returns, so scripts and drivers never see a
 * half-done change (the contract's "complete before the next command").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regs.h"
#include "smmuv3.h"
#include "structs.h"

/* ---- features ----------------------------------------------------------- */

static int oas_code(uint64_t bits, uint8_t *code)
{
	static const uint8_t widths[] = { 32, 36, 40, 42, 44, 48 };

	for (uint8_t i = 0; i < ARRAY_SIZE(widths); i++) {
		if (widths[i] == bits) {
			*code = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_granules(const char *list, struct smmu_features *f,
			  struct sim_err *err)
{
	char buf[64], *save = NULL, *tok;

	f->gran4k = f->gran16k = f->gran64k = false;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "4k"))
			f->gran4k = true;
		else if (!strcmp(tok, "16k"))
			f->gran16k = true;
		else if (!strcmp(tok, "64k"))
			f->gran64k = true;
		else
			return sim_errf(err,
					"option granules: '%s' is not 4k, 16k "
					"or 64k",
					tok);
	}
	if (!f->gran4k && !f->gran16k && !f->gran64k)
		return sim_errf(err, "option granules: none given");
	return 0;
}

/* The granules= option, read by hand: its value is a list. */
static const char *opt_string(struct sim_opts *o, const char *key,
			      const char *def)
{
	for (unsigned int i = 0; i < o->n; i++) {
		if (!strcmp(o->kv[i].key, key)) {
			o->kv[i].used = true;
			return o->kv[i].val;
		}
	}
	return def;
}

static int parse_options(struct sim_opts *o, struct smmu_features *f,
			 struct sim_err *err)
{
	static const char *const stages[] = { "nested", "s1", "s2", NULL };
	uint64_t oas, sid, ssid, st2, cd2, httu;
	unsigned int stage;

	if (sim_opt_choice(o, "stages", stages, 0, &stage, err) ||
	    sim_opt_u64(o, "oas", 48, 32, 48, &oas, err) ||
	    sim_opt_u64(o, "sidsize", 16, 1, 32, &sid, err) ||
	    sim_opt_u64(o, "ssidsize", 16, 0, 20, &ssid, err) ||
	    sim_opt_u64(o, "2lvl_strtab", 1, 0, 1, &st2, err) ||
	    sim_opt_u64(o, "2lvl_cdtab", 1, 0, 1, &cd2, err) ||
	    sim_opt_u64(o, "httu", 0, 0, 2, &httu, err))
		return -EINVAL;
	if (oas_code(oas, &f->oas_code))
		return sim_errf(err,
				"option oas=%" PRIu64
				": expected 32, 36, 40, 42, 44 or 48",
				oas);
	if (parse_granules(opt_string(o, "granules", "4k,16k,64k"), f, err))
		return -EINVAL;
	f->oas_bits = (uint8_t)oas;
	f->s1p = stage != 2;
	f->s2p = stage != 1;
	f->sidsize = (uint8_t)sid;
	f->ssidsize = (uint8_t)ssid;
	f->st_2lvl = st2;
	f->cd_2lvl = cd2;
	f->httu = (uint8_t)httu;
	return 0;
}

/*
 * The ID registers of the chosen features. Fixed choices: AArch64 tables
 * only, little-endian only, terminate model with stalls unsupported
 * (STALL_MODEL 1, TERM_MODEL 0), ASID16, VMID16, coherent walks, MSIs,
 * hierarchical attribute disable, range invalidation, XNX with stage 2,
 * queues of up to 2^19 entries (as QEMU); no ATS, PRI, EL2 or BTM.
 */
static void make_idrs(struct smmuv3 *s)
{
	const struct smmu_features *f = &s->feat;
	uint64_t idr0 = 0;

	idr0 |= f->s2p ? SMMU_IDR0_S2P : 0;
	idr0 |= f->s1p ? SMMU_IDR0_S1P : 0;
	idr0 |= FIELD_PREP(SMMU_IDR0_TTF, SMMU_IDR0_TTF_AARCH64);
	idr0 |= SMMU_IDR0_COHACC | SMMU_IDR0_ASID16 | SMMU_IDR0_MSI |
		SMMU_IDR0_VMID16;
	idr0 |= FIELD_PREP(SMMU_IDR0_HTTU, f->httu);
	idr0 |= f->cd_2lvl ? SMMU_IDR0_CD2L : 0;
	idr0 |= FIELD_PREP(SMMU_IDR0_TTENDIAN, SMMU_IDR0_TTENDIAN_LE);
	idr0 |= FIELD_PREP(SMMU_IDR0_STALL_MODEL, SMMU_IDR0_STALL_TERM_ONLY);
	idr0 |= FIELD_PREP(SMMU_IDR0_ST_LEVEL, f->st_2lvl ? 1 : 0);
	s->idr[0] = (uint32_t)idr0;
	s->idr[1] = (uint32_t)(FIELD_PREP(SMMU_IDR1_SIDSIZE, f->sidsize) |
			       FIELD_PREP(SMMU_IDR1_SSIDSIZE, f->ssidsize) |
			       FIELD_PREP(SMMU_IDR1_EVENTQS, 19) |
			       FIELD_PREP(SMMU_IDR1_CMDQS, 19));
	s->idr[2] = 0;
	s->idr[3] = (uint32_t)(SMMU_IDR3_HAD | SMMU_IDR3_RIL |
			       (f->s2p ? SMMU_IDR3_XNX : 0));
	s->idr[4] = 0;
	s->idr[5] = (uint32_t)(FIELD_PREP(SMMU_IDR5_OAS, f->oas_code) |
			       (f->gran4k ? SMMU_IDR5_GRAN4K : 0) |
			       (f->gran16k ? SMMU_IDR5_GRAN16K : 0) |
			       (f->gran64k ? SMMU_IDR5_GRAN64K : 0));
}

static void smmu_reset(struct sim_unit *u)
{
	struct smmuv3 *s = to_smmu(u);

	s->cr0 = s->cr1 = s->cr2 = 0;
	s->gbpa = SMMU_GBPA_RESET;
	s->irq_ctrl = 0;
	s->gerror = s->gerrorn = 0;
	s->gerror_irq_cfg0 = 0;
	s->gerror_irq_cfg1 = s->gerror_irq_cfg2 = 0;
	s->strtab_base = 0;
	s->strtab_base_cfg = 0;
	smmu_queue_reset(s);
	tcache_flush(u->tc);
	memset(&s->last, 0, sizeof(s->last));
}

static int smmu_create(struct pm_space *mem, struct sim_opts *opts,
		       struct sim_unit **out, struct sim_err *err)
{
	struct smmu_features feat;
	struct smmuv3 *s;

	memset(&feat, 0, sizeof(feat));
	if (parse_options(opts, &feat, err))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return sim_errf(err, "out of memory");
	if (tcache_create(256, 4, &smmu_tcache_ops, s, &s->u.tc)) {
		free(s);
		return sim_errf(err, "out of memory");
	}
	s->u.ops = &smmuv3_unit_ops;
	s->u.mem = mem;
	s->feat = feat;
	make_idrs(s);
	smmu_reset(&s->u);
	*out = &s->u;
	return 0;
}

static void smmu_destroy(struct sim_unit *u)
{
	tcache_destroy(u->tc);
	free(to_smmu(u));
}

/* ---- the register table ------------------------------------------------- */

struct smmu_reg {
	const char *name;
	uint32_t off;
	uint8_t size;
};

static const struct smmu_reg smmu_regs[] = {
	{ "IDR0", SMMU_IDR0, 4 },
	{ "IDR1", SMMU_IDR1, 4 },
	{ "IDR2", SMMU_IDR2, 4 },
	{ "IDR3", SMMU_IDR3, 4 },
	{ "IDR4", SMMU_IDR4, 4 },
	{ "IDR5", SMMU_IDR5, 4 },
	{ "IIDR", SMMU_IIDR, 4 },
	{ "AIDR", SMMU_AIDR, 4 },
	{ "CR0", SMMU_CR0, 4 },
	{ "CR0ACK", SMMU_CR0ACK, 4 },
	{ "CR1", SMMU_CR1, 4 },
	{ "CR2", SMMU_CR2, 4 },
	{ "STATUSR", SMMU_STATUSR, 4 },
	{ "GBPA", SMMU_GBPA, 4 },
	{ "AGBPA", SMMU_AGBPA, 4 },
	{ "IRQ_CTRL", SMMU_IRQ_CTRL, 4 },
	{ "IRQ_CTRLACK", SMMU_IRQ_CTRLACK, 4 },
	{ "GERROR", SMMU_GERROR, 4 },
	{ "GERRORN", SMMU_GERRORN, 4 },
	{ "GERROR_IRQ_CFG0", SMMU_GERROR_IRQ_CFG0, 8 },
	{ "GERROR_IRQ_CFG1", SMMU_GERROR_IRQ_CFG1, 4 },
	{ "GERROR_IRQ_CFG2", SMMU_GERROR_IRQ_CFG2, 4 },
	{ "STRTAB_BASE", SMMU_STRTAB_BASE, 8 },
	{ "STRTAB_BASE_CFG", SMMU_STRTAB_BASE_CFG, 4 },
	{ "CMDQ_BASE", SMMU_CMDQ_BASE, 8 },
	{ "CMDQ_PROD", SMMU_CMDQ_PROD, 4 },
	{ "CMDQ_CONS", SMMU_CMDQ_CONS, 4 },
	{ "EVENTQ_BASE", SMMU_EVENTQ_BASE, 8 },
	{ "EVENTQ_IRQ_CFG0", SMMU_EVENTQ_IRQ_CFG0, 8 },
	{ "EVENTQ_IRQ_CFG1", SMMU_EVENTQ_IRQ_CFG1, 4 },
	{ "EVENTQ_IRQ_CFG2", SMMU_EVENTQ_IRQ_CFG2, 4 },
	{ "PRIQ_BASE", SMMU_PRIQ_BASE, 8 },
	{ "PRIQ_IRQ_CFG0", SMMU_PRIQ_IRQ_CFG0, 8 },
	{ "PRIQ_IRQ_CFG1", SMMU_PRIQ_IRQ_CFG1, 4 },
	{ "PRIQ_IRQ_CFG2", SMMU_PRIQ_IRQ_CFG2, 4 },
	{ "EVENTQ_PROD", SMMU_EVENTQ_PROD, 4 },
	{ "EVENTQ_CONS", SMMU_EVENTQ_CONS, 4 },
	{ "PRIQ_PROD", SMMU_PRIQ_PROD, 4 },
	{ "PRIQ_CONS", SMMU_PRIQ_CONS, 4 },
};

static uint64_t reg_read(struct smmuv3 *s, uint32_t off)
{
	switch (off) {
	case SMMU_IDR0:
	case SMMU_IDR1:
	case SMMU_IDR2:
	case SMMU_IDR3:
	case SMMU_IDR4:
	case SMMU_IDR5:
		return s->idr[(off - SMMU_IDR0) / 4];
	case SMMU_IIDR:
		return 0;
	case SMMU_AIDR:
		return 0x1; /* SMMUv3.1 (smmuv3.md 1.1) */
	case SMMU_CR0:
	case SMMU_CR0ACK: /* every change takes effect at once */
		return s->cr0;
	case SMMU_CR1:
		return s->cr1;
	case SMMU_CR2:
		return s->cr2;
	case SMMU_GBPA:
		return s->gbpa;
	case SMMU_IRQ_CTRL:
	case SMMU_IRQ_CTRLACK:
		return s->irq_ctrl;
	case SMMU_GERROR:
		return s->gerror;
	case SMMU_GERRORN:
		return s->gerrorn;
	case SMMU_GERROR_IRQ_CFG0:
		return s->gerror_irq_cfg0;
	case SMMU_GERROR_IRQ_CFG1:
		return s->gerror_irq_cfg1;
	case SMMU_GERROR_IRQ_CFG2:
		return s->gerror_irq_cfg2;
	case SMMU_STRTAB_BASE:
		return s->strtab_base;
	case SMMU_STRTAB_BASE_CFG:
		return s->strtab_base_cfg;
	case SMMU_CMDQ_BASE:
		return s->cmdq.base;
	case SMMU_CMDQ_PROD:
		return s->cmdq.prod;
	case SMMU_CMDQ_CONS:
		return s->cmdq.cons;
	case SMMU_EVENTQ_BASE:
		return s->evtq.base;
	case SMMU_EVENTQ_IRQ_CFG0:
		return s->evtq.irq_cfg0;
	case SMMU_EVENTQ_IRQ_CFG1:
		return s->evtq.irq_cfg1;
	case SMMU_EVENTQ_IRQ_CFG2:
		return s->evtq.irq_cfg2;
	case SMMU_EVENTQ_PROD:
		return s->evtq.prod;
	case SMMU_EVENTQ_CONS:
		return s->evtq.cons;
	case SMMU_PRIQ_BASE:
		return s->priq.base;
	case SMMU_PRIQ_PROD:
		return s->priq.prod;
	case SMMU_PRIQ_CONS:
		return s->priq.cons;
	default:
		return 0; /* STATUSR, AGBPA, PRIQ_IRQ_CFGn: RAZ here */
	}
}

/* A queue BASE with LOG2SIZE capped at the IDR1 maximum (19). */
static uint64_t q_base(uint64_t val)
{
	uint64_t lg = FIELD_GET(SMMU_Q_BASE_LOG2SIZE, val);

	val &= SMMU_Q_BASE_RWA | SMMU_Q_BASE_ADDR | SMMU_Q_BASE_LOG2SIZE;
	if (lg > 19)
		val = (val & ~SMMU_Q_BASE_LOG2SIZE) |
		      FIELD_PREP(SMMU_Q_BASE_LOG2SIZE, 19);
	return val;
}

static void cr0_write(struct smmuv3 *s, uint32_t val)
{
	bool cmdq_on = !(s->cr0 & SMMU_CR0_CMDQEN) && (val & SMMU_CR0_CMDQEN);

	s->cr0 = val & ~SMMU_CR0_RES0;
	if (cmdq_on)
		smmu_cmdq_consume(s);
}

/* GERRORN: software acknowledges errors by toggling bits to match. */
static void gerrorn_write(struct smmuv3 *s, uint32_t val)
{
	bool cmdq_was = (s->gerror ^ s->gerrorn) & SMMU_GERROR_CMDQ_ERR;

	s->gerrorn = val & SMMU_GERROR_MASK;
	if (cmdq_was && !((s->gerror ^ s->gerrorn) & SMMU_GERROR_CMDQ_ERR))
		smmu_cmdq_consume(s);
}

static void reg_write(struct smmuv3 *s, uint32_t off, uint64_t val)
{
	bool smmuen = s->cr0 & SMMU_CR0_SMMUEN;

	switch (off) {
	case SMMU_CR0:
		cr0_write(s, (uint32_t)val);
		break;
	case SMMU_CR1:
		s->cr1 = (uint32_t)(val & SMMU_CR1_MASK);
		break;
	case SMMU_CR2:
		s->cr2 = (uint32_t)(val & SMMU_CR2_MASK);
		break;
	case SMMU_GBPA: /* fields change only with UPDATE, which clears */
		if (val & SMMU_GBPA_UPDATE)
			s->gbpa = (uint32_t)(val & SMMU_GBPA_FIELDS);
		break;
	case SMMU_IRQ_CTRL:
		s->irq_ctrl = (uint32_t)(val & SMMU_IRQ_CTRL_MASK);
		break;
	case SMMU_GERRORN:
		gerrorn_write(s, (uint32_t)val);
		break;
	case SMMU_GERROR_IRQ_CFG0:
		s->gerror_irq_cfg0 = val & SMMU_IRQ_CFG0_ADDR;
		break;
	case SMMU_GERROR_IRQ_CFG1:
		s->gerror_irq_cfg1 = (uint32_t)val;
		break;
	case SMMU_GERROR_IRQ_CFG2:
		s->gerror_irq_cfg2 = (uint32_t)(val & SMMU_IRQ_CFG2_MASK);
		break;
	case SMMU_STRTAB_BASE: /* writable only while SMMUEN = 0 */
		if (!smmuen)
			s->strtab_base = val & (SMMU_STRTAB_BASE_RA |
						SMMU_STRTAB_BASE_ADDR);
		break;
	case SMMU_STRTAB_BASE_CFG:
		if (!smmuen)
			s->strtab_base_cfg =
				(uint32_t)(val & (SMMU_STRTAB_CFG_LOG2SIZE |
						  SMMU_STRTAB_CFG_SPLIT |
						  SMMU_STRTAB_CFG_FMT));
		break;
	case SMMU_CMDQ_BASE: /* only while CMDQEN = 0 */
		if (!(s->cr0 & SMMU_CR0_CMDQEN))
			s->cmdq.base = q_base(val);
		break;
	case SMMU_CMDQ_PROD:
		s->cmdq.prod = (uint32_t)(val & SMMU_Q_IDX_WRAP);
		smmu_cmdq_consume(s);
		break;
	case SMMU_CMDQ_CONS: /* software initialises it while disabled */
		if (!(s->cr0 & SMMU_CR0_CMDQEN))
			s->cmdq.cons = (uint32_t)(val & (SMMU_Q_IDX_WRAP |
							 SMMU_CMDQ_CONS_ERR));
		break;
	case SMMU_EVENTQ_BASE:
		if (!(s->cr0 & SMMU_CR0_EVENTQEN))
			s->evtq.base = q_base(val);
		break;
	case SMMU_EVENTQ_IRQ_CFG0:
		s->evtq.irq_cfg0 = val & SMMU_IRQ_CFG0_ADDR;
		break;
	case SMMU_EVENTQ_IRQ_CFG1:
		s->evtq.irq_cfg1 = (uint32_t)val;
		break;
	case SMMU_EVENTQ_IRQ_CFG2:
		s->evtq.irq_cfg2 = (uint32_t)(val & SMMU_IRQ_CFG2_MASK);
		break;
	case SMMU_EVENTQ_PROD: /* software may set it only while disabled */
		if (!(s->cr0 & SMMU_CR0_EVENTQEN))
			s->evtq.prod = (uint32_t)(val & (SMMU_Q_IDX_WRAP |
							 SMMU_Q_OVF));
		break;
	case SMMU_EVENTQ_CONS:
		s->evtq.cons = (uint32_t)(val & (SMMU_Q_IDX_WRAP | SMMU_Q_OVF));
		break;
	case SMMU_PRIQ_BASE:
		if (!(s->cr0 & SMMU_CR0_PRIQEN))
			s->priq.base = q_base(val);
		break;
	case SMMU_PRIQ_CONS:
		s->priq.cons = (uint32_t)(val & (SMMU_Q_IDX_WRAP | SMMU_Q_OVF));
		break;
	default:
		break; /* read-only or absent */
	}
}

/* ---- MMIO --------------------------------------------------------------- */

static const struct smmu_reg *find_reg(uint64_t off)
{
	for (size_t i = 0; i < ARRAY_SIZE(smmu_regs); i++) {
		const struct smmu_reg *r = &smmu_regs[i];

		if (off == r->off || (r->size == 8 && off == r->off + 4u))
			return r;
	}
	return NULL;
}

static int check_access(uint64_t off, unsigned int size, struct sim_err *err)
{
	if (size != 4 && size != 8)
		return sim_errf(err,
				"smmuv3: %u-byte register access (4 or 8 only)",
				size);
	if (off & (size - 1))
		return sim_errf(
			err, "smmuv3: misaligned %u-byte access at 0x%" PRIx64,
			size, off);
	if (off >= SMMU_MMIO_SIZE)
		return sim_errf(err,
				"smmuv3: offset 0x%" PRIx64
				" is beyond the 128 KiB register window",
				off);
	return 0;
}

static int smmu_mmio_read(struct sim_unit *u, uint64_t off, unsigned int size,
			  uint64_t *val, struct sim_err *err)
{
	uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL;
	const struct smmu_reg *r;

	*val = 0;
	if (check_access(off, size, err))
		return -EINVAL;
	r = find_reg(off);
	if (!r)
		return 0; /* reserved: RAZ */
	if (size > r->size)
		return sim_errf(err,
				"smmuv3: 8-byte access to 32-bit register %s",
				r->name);
	*val = (reg_read(to_smmu(u), r->off) >> ((off - r->off) * 8)) & mask;
	return 0;
}

/* A 32-bit half of a 64-bit register merges into the rest of it. */
static int smmu_mmio_write(struct sim_unit *u, uint64_t off, unsigned int size,
			   uint64_t val, struct sim_err *err)
{
	struct smmuv3 *s = to_smmu(u);
	uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL;
	const struct smmu_reg *r;
	unsigned int shift;

	if (check_access(off, size, err))
		return -EINVAL;
	r = find_reg(off);
	if (!r)
		return 0; /* reserved: WI */
	if (size > r->size)
		return sim_errf(err,
				"smmuv3: 8-byte access to 32-bit register %s",
				r->name);
	val &= mask;
	shift = (unsigned int)(off - r->off) * 8;
	mask <<= shift;
	reg_write(s, r->off, (reg_read(s, r->off) & ~mask) | (val << shift));
	return 0;
}

static int smmu_reg_lookup(struct sim_unit *u, const char *name, uint64_t *off)
{
	(void)u;
	for (size_t i = 0; i < ARRAY_SIZE(smmu_regs); i++) {
		if (!strcmp(smmu_regs[i].name, name)) {
			*off = smmu_regs[i].off;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- script commands ---------------------------------------------------- */

static int smmu_command(struct sim_unit *u, int argc, char **argv,
			struct sim_out *out, struct sim_err *err)
{
	uint64_t w[2];

	if (strcmp(argv[0], "cmdq"))
		return -ENOENT;
	if (argc != 4 || strcmp(argv[1], "submit"))
		return sim_errf(err, "usage: cmdq submit W0 W1");
	for (int i = 2; i < 4; i++)
		if (sim_parse_u64(argv[i], &w[i - 2]))
			return sim_errf(err, "'%s' is not a 64-bit number",
					argv[i]);
	return smmu_cmdq_submit(to_smmu(u), w[0], w[1], out, err);
}

const struct sim_unit_ops smmuv3_unit_ops = {
	.kind = "smmuv3",
	.summary = "Arm SMMUv3 (stage 1, stage 2 and nested; 4K/16K/64K)",
	.options = "stages=nested|s1|s2 oas=32|36|40|42|44|48 "
		   "granules=4k,16k,64k sidsize=1-32 ssidsize=0-20 "
		   "2lvl_strtab=0|1 2lvl_cdtab=0|1 httu=0|1|2",
	.create = smmu_create,
	.destroy = smmu_destroy,
	.reset = smmu_reset,
	.mmio_read = smmu_mmio_read,
	.mmio_write = smmu_mmio_write,
	.reg_lookup = smmu_reg_lookup,
	.translate = smmu_translate,
	.drain_events = smmu_drain_events,
	.command = smmu_command,
};

// SPDX-License-Identifier: MIT
/*
 * ppc_tce.c - the PHB unit: creation from `machine ppc_tce` keys, reset,
 * fault recording for `events`, and the `ioda` script commands that stand
 * in for the IODA table access registers (TVT, RTT), the TCE kill
 * register and the EEH thaw.
 *
 * No MMIO registers are modelled: the scenario contract programs the PHB
 * through `ioda`, so `mmio` on this kind is a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ppc_tce.h"

static const char *const tce_phb_choices[] = { "3", "4", NULL };
static const char *const tce_eeh_choices[] = { "off", "on", NULL };

/**
 * tce_record() - queue fault @res of request @req from PE @pe for
 * `events`; once the queue is full later faults only set the overflow.
 */
void tce_record(struct tce_phb *p, const struct dma_req *req, uint32_t pe,
		const struct dma_result *res)
{
	if (p->nev == TCE_EVENTS_MAX) {
		p->ev_overflow = true;
		return;
	}
	p->ev[p->nev++] = (struct tce_event){
		.code = res->fault.code,
		.name = res->fault.name,
		.rid = req->source_id & (TCE_NUM_RIDS - 1),
		.pe = pe,
		.iova = req->addr,
		.access = req->access & (DMA_ACC_READ | DMA_ACC_WRITE),
	};
}

static void tce_reset(struct sim_unit *u)
{
	struct tce_phb *p = to_tce_phb(u);

	/* The RTT lives in zeroed memory on hardware: every RID is PE 0. */
	memset(p->rtt, 0, TCE_NUM_RIDS * sizeof(*p->rtt));
	memset(p->tvt, 0, 2 * p->num_pes * sizeof(*p->tvt));
	memset(p->frozen, 0, p->num_pes * sizeof(*p->frozen));
	p->nev = 0;
	p->ev_overflow = false;
	tce_papr_reset(p);
	tcache_flush(u->tc);
}

static void tce_destroy(struct sim_unit *u)
{
	struct tce_phb *p = to_tce_phb(u);

	tcache_destroy(u->tc);
	tce_papr_fini(p);
	free(p->rtt);
	free(p->tvt);
	free(p->frozen);
	free(p);
}

static int tce_create(struct pm_space *mem, struct sim_opts *opts,
		      struct sim_unit **out, struct sim_err *err)
{
	unsigned int gen, eeh;
	struct tce_phb *p;

	if (sim_opt_choice(opts, "phb", tce_phb_choices, 1, &gen, err) ||
	    sim_opt_choice(opts, "eeh", tce_eeh_choices, 0, &eeh, err))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return sim_errf(err, "out of memory");
	p->u.ops = &ppc_tce_unit_ops;
	p->u.mem = mem;
	p->phb_gen = gen + 3;
	p->num_pes = p->phb_gen == 3 ? TCE_PHB3_NUM_PES : TCE_PHB4_NUM_PES;
	p->eeh = eeh;
	p->rtt = calloc(TCE_NUM_RIDS, sizeof(*p->rtt));
	p->tvt = calloc(2 * p->num_pes, sizeof(*p->tvt));
	p->frozen = calloc(p->num_pes, sizeof(*p->frozen));
	if (!p->rtt || !p->tvt || !p->frozen || tce_papr_init(p) ||
	    tcache_create(64, 4, &tce_tc_ops, p, &p->u.tc)) {
		tce_papr_fini(p);
		free(p->rtt);
		free(p->tvt);
		free(p->frozen);
		free(p);
		return sim_errf(err, "out of memory");
	}
	*out = &p->u;
	return 0;
}

static int tce_mmio_read(struct sim_unit *u, uint64_t off, unsigned int size,
			 uint64_t *val, struct sim_err *err)
{
	(void)u;
	(void)off;
	(void)size;
	*val = 0;
	return sim_errf(err, "ppc_tce: no MMIO registers; use 'ioda'");
}

static int tce_mmio_write(struct sim_unit *u, uint64_t off, unsigned int size,
			  uint64_t val, struct sim_err *err)
{
	(void)u;
	(void)off;
	(void)size;
	(void)val;
	return sim_errf(err, "ppc_tce: no MMIO registers; use 'ioda'");
}

static int tce_reg_lookup(struct sim_unit *u, const char *name, uint64_t *off)
{
	(void)u;
	(void)name;
	(void)off;
	return -ENOENT;
}

static void tce_drain(struct sim_unit *u, struct sim_out *out)
{
	struct tce_phb *p = to_tce_phb(u);
	char acc[8];

	for (unsigned int i = 0; i < p->nev; i++) {
		const struct tce_event *e = &p->ev[i];

		dma_perm_str(e->access, acc, sizeof(acc));
		sim_outf(out,
			 "code=0x%x name=%s rid=0x%x pe=0x%x iova=0x%" PRIx64
			 " access=%s",
			 e->code, e->name, e->rid, e->pe, e->iova, acc);
	}
	if (p->ev_overflow)
		sim_outf(out, "code=0xff name=OVERFLOW");
	p->nev = 0;
	p->ev_overflow = false;
}

/* Parse @s as a number no larger than @max, naming it @what on error. */
static int tce_arg(const char *s, uint64_t max, const char *what, uint64_t *val,
		   struct sim_err *err)
{
	if (sim_parse_u64(s, val) || *val > max)
		return sim_errf(err, "ioda: bad %s '%s' (max 0x%" PRIx64 ")",
				what, s, max);
	return 0;
}

/**
 * tce_ioda_write_tvt() - write TVT entry @index (< 2 * num_pes) as the
 * IODA table access registers do, and kill what was cached under it.
 *
 * The cache is tagged by TVT index, not by the TVE's contents, so a new
 * TVE must not see the TCEs its predecessor cached.
 */
void tce_ioda_write_tvt(struct tce_phb *p, uint32_t index, uint64_t val)
{
	p->tvt[index] = val;
	tce_kill_tve(p, index);
}

/**
 * tce_ioda_write_rtt() - point RID @rid (< TCE_NUM_RIDS) at PE @pe
 * (< num_pes). Nothing is killed: every request reads the RTT afresh
 * (the model has no RTT cache) and cached TCEs are tagged by TVT index,
 * which the new PE's requests do not share with the old one's.
 */
void tce_ioda_write_rtt(struct tce_phb *p, uint32_t rid, uint32_t pe)
{
	p->rtt[rid] = (uint16_t)pe;
}

static int tce_cmd_write(struct tce_phb *p, int argc, char **argv,
			 struct sim_err *err)
{
	uint64_t idx, val;

	if (argc == 5 && !strcmp(argv[2], "TVT")) {
		if (tce_arg(argv[3], 2 * p->num_pes - 1, "TVT index", &idx,
			    err) ||
		    tce_arg(argv[4], UINT64_MAX, "TVE", &val, err))
			return -EINVAL;
		tce_ioda_write_tvt(p, (uint32_t)idx, val);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[2], "RTT")) {
		if (tce_arg(argv[3], TCE_NUM_RIDS - 1, "RID", &idx, err) ||
		    tce_arg(argv[4], p->num_pes - 1, "PE", &val, err))
			return -EINVAL;
		tce_ioda_write_rtt(p, (uint32_t)idx, (uint32_t)val);
		return 0;
	}
	return sim_errf(err, "usage: ioda write TVT INDEX VALUE | "
			     "ioda write RTT RID PE");
}

static int tce_cmd_read(struct tce_phb *p, int argc, char **argv,
			struct sim_out *out, struct sim_err *err)
{
	uint64_t idx;

	if (argc == 4 && !strcmp(argv[2], "TVT")) {
		if (tce_arg(argv[3], 2 * p->num_pes - 1, "TVT index", &idx,
			    err))
			return -EINVAL;
		sim_outf(out, "0x%" PRIx64, p->tvt[idx]);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[2], "RTT")) {
		if (tce_arg(argv[3], TCE_NUM_RIDS - 1, "RID", &idx, err))
			return -EINVAL;
		sim_outf(out, "0x%x", p->rtt[idx]);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[2], "FROZEN")) {
		if (tce_arg(argv[3], p->num_pes - 1, "PE", &idx, err))
			return -EINVAL;
		sim_outf(out, "0x%x", p->frozen[idx] ? 1 : 0);
		return 0;
	}
	return sim_errf(err, "usage: ioda read TVT INDEX | ioda read RTT RID"
			     " | ioda read FROZEN PE");
}

static int tce_cmd_kill(struct tce_phb *p, int argc, char **argv,
			struct sim_out *out, struct sim_err *err)
{
	uint64_t pe, iova, n;

	if (argc == 3 && !strcmp(argv[2], "all")) {
		n = tce_kill_all(p);
	} else if (argc == 4 && !strcmp(argv[2], "pe")) {
		if (tce_arg(argv[3], p->num_pes - 1, "PE", &pe, err))
			return -EINVAL;
		n = tce_kill_pe(p, (uint32_t)pe);
	} else if (argc == 5 && !strcmp(argv[2], "addr")) {
		if (tce_arg(argv[3], p->num_pes - 1, "PE", &pe, err) ||
		    tce_arg(argv[4], UINT64_MAX, "IOVA", &iova, err))
			return -EINVAL;
		n = tce_kill_addr(p, (uint32_t)pe, iova);
	} else {
		return sim_errf(err, "usage: ioda tce-kill all | "
				     "ioda tce-kill pe PE | "
				     "ioda tce-kill addr PE IOVA");
	}
	sim_outf(out, "ok invalidated=%" PRIu64, n);
	return 0;
}

static int tce_cmd_thaw(struct tce_phb *p, int argc, char **argv,
			struct sim_err *err)
{
	uint64_t pe;

	if (argc != 3)
		return sim_errf(err, "usage: ioda thaw PE");
	if (tce_arg(argv[2], p->num_pes - 1, "PE", &pe, err))
		return -EINVAL;
	p->frozen[pe] = false;
	return 0;
}

static int tce_command(struct sim_unit *u, int argc, char **argv,
		       struct sim_out *out, struct sim_err *err)
{
	struct tce_phb *p = to_tce_phb(u);

	if (!strcmp(argv[0], "papr") || !strcmp(argv[0], "hcall") ||
	    !strcmp(argv[0], "rtas"))
		return tce_papr_command(p, argc, argv, out, err);
	if (strcmp(argv[0], "ioda"))
		return -ENOENT;
	if (argc >= 2 && !strcmp(argv[1], "write"))
		return tce_cmd_write(p, argc, argv, err);
	if (argc >= 2 && !strcmp(argv[1], "read"))
		return tce_cmd_read(p, argc, argv, out, err);
	if (argc >= 2 && !strcmp(argv[1], "tce-kill"))
		return tce_cmd_kill(p, argc, argv, out, err);
	if (argc >= 2 && !strcmp(argv[1], "thaw"))
		return tce_cmd_thaw(p, argc, argv, err);
	return sim_errf(err, "usage: ioda write|read|tce-kill|thaw ...");
}

const struct sim_unit_ops ppc_tce_unit_ops = {
	.kind = "ppc_tce",
	.summary = "IBM POWER PHB3/PHB4 TCE DMA windows (IODA2/IODA3)",
	.options = "phb=3|4 eeh=off|on",
	.create = tce_create,
	.destroy = tce_destroy,
	.reset = tce_reset,
	.mmio_read = tce_mmio_read,
	.mmio_write = tce_mmio_write,
	.reg_lookup = tce_reg_lookup,
	.translate = tce_translate,
	.drain_events = tce_drain,
	.command = tce_command,
};

/* SPDX-License-Identifier: MIT */
/*
 * ppc_tce.h - an IBM POWER PHB3/PHB4 DMA translation unit (IODA2/IODA3):
 * RID -> PE through the RTT, PE -> two TVEs (window 0 at bus address 0,
 * window 1 at 1<<59), TVE -> a 1-5 level table of big-endian TCEs.
 *
 * Vocabulary: "offset" is the IOVA with the window bit (59) removed, the
 * raw address bits the hardware indexes with; "level 0" is the top table
 * of a walk and the last level holds the leaf TCEs; "last" is inclusive.
 *
 * The IODA tables (RTT, TVT) and the PE freeze state are reached through
 * `ioda` script commands, not MMIO: the unit models no MMIO registers.
 */
#ifndef IOMMUSIM_HW_PPC_TCE_H
#define IOMMUSIM_HW_PPC_TCE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/unit.h"
#include "regs.h"
#include "structs.h"

struct tce_papr_win;

#define TCE_EVENTS_MAX 64

/**
 * struct tce_tve - a decoded TVE.
 * @raw: the entry as written.
 * @index: its TVT index (PE << 1 | window).
 * @bypass: bypass form: the window is [@byp_first, @byp_end).
 * @levels: table levels, 1..5 (table form).
 * @tbl_shift: log2(entries of one level) = TTS + 8.
 * @page_shift: log2(IO page size) = IO_PSIZE + 11.
 * @table: top-level table physical address.
 */
struct tce_tve {
	uint64_t raw;
	uint32_t index;
	bool bypass;
	uint64_t byp_first;
	uint64_t byp_end;
	unsigned int levels;
	unsigned int tbl_shift;
	unsigned int page_shift;
	uint64_t table;
};

struct tce_event {
	uint32_t code;
	const char *name;
	uint32_t rid;
	uint32_t pe;
	uint64_t iova;
	unsigned int access;
};

/**
 * struct tce_phb - one PHB.
 * @u: the common unit part (first member).
 * @phb_gen: 3 or 4.
 * @num_pes: PEs of this generation; the TVT has 2 * @num_pes entries.
 * @eeh: a DMA error freezes its PE.
 * @rtt: RID -> PE.
 * @tvt: the TVEs as written.
 * @frozen: per-PE DMA freeze state.
 * @papr: the LIOBN registry, one slot per TVT index (papr.c).
 * @papr_next: where the next table the model places itself may start.
 */
struct tce_phb {
	struct sim_unit u;
	unsigned int phb_gen;
	unsigned int num_pes;
	bool eeh;
	uint16_t *rtt;
	uint64_t *tvt;
	bool *frozen;
	struct tce_papr_win *papr;
	uint64_t papr_next;
	struct tce_event ev[TCE_EVENTS_MAX];
	unsigned int nev;
	bool ev_overflow;
};

static inline struct tce_phb *to_tce_phb(struct sim_unit *u)
{
	return container_of(u, struct tce_phb, u);
}

/* walk.c */
bool tce_page_shift_ok(unsigned int phb_gen, unsigned int page_shift);
unsigned int tce_level_shift(uint64_t last_idx, unsigned int levels);
int tce_tve_decode(unsigned int phb_gen, uint64_t raw, uint32_t index,
		   struct tce_tve *tve, struct dma_result *res);
void tce_walk(struct pm_space *mem, struct trace *tr, const struct tce_tve *tve,
	      uint64_t offset, struct dma_result *res);
const char *tce_fault_name(uint32_t code);
uint64_t tce_tve_table_form(uint64_t table, unsigned int levels,
			    unsigned int tbl_shift, unsigned int page_shift);

/* translate.c */
extern const struct tcache_ops tce_tc_ops;
void tce_translate(struct sim_unit *u, const struct dma_req *req,
		   struct dma_result *res);
uint64_t tce_kill_all(struct tce_phb *p);
uint64_t tce_kill_pe(struct tce_phb *p, uint32_t pe);
uint64_t tce_kill_tve(struct tce_phb *p, uint32_t index);
uint64_t tce_kill_addr(struct tce_phb *p, uint32_t pe, uint64_t iova);

/* papr.c */
int tce_papr_init(struct tce_phb *p);
void tce_papr_fini(struct tce_phb *p);
void tce_papr_reset(struct tce_phb *p);
int tce_papr_command(struct tce_phb *p, int argc, char **argv,
		     struct sim_out *out, struct sim_err *err);
long tce_papr_hcall(struct tce_phb *p, unsigned long opcode,
		    const uint64_t *args, uint64_t *ret);

/* ppc_tce.c */
void tce_record(struct tce_phb *p, const struct dma_req *req, uint32_t pe,
		const struct dma_result *res);
void tce_ioda_write_tvt(struct tce_phb *p, uint32_t index, uint64_t val);
void tce_ioda_write_rtt(struct tce_phb *p, uint32_t rid, uint32_t pe);

extern const struct sim_unit_ops ppc_tce_unit_ops;

#endif /* IOMMUSIM_HW_PPC_TCE_H */

/* SPDX-License-Identifier: MIT */
/*
 * driver.h - the operating system's side of one PHB (what Linux's
 * arch/powerpc/platforms/powernv/pci-ioda.c and pci-ioda-tce.c do for a
 * PE): TCE tables built in simulated RAM, big-endian, with their lower
 * levels allocated on first use; the RTT and the two TVEs of a PE
 * programmed; the TCE cache killed after every change that could leave
 * a stale entry.
 *
 * Layers: uapi_sim/drv_ppc.c (iommufd domains) and uapi_sim/vfio_spapr.c
 * (the VFIO sPAPR TCE v2 container) call this; this calls the unit's own
 * functions (ppc_tce.h) as a driver writes the PHB's registers.
 *
 * Vocabulary as in ppc_tce.h: a window's bus addresses are
 * [bus_base, bus_base + size); bit 59 of bus_base picks the TVE.
 */
#ifndef IOMMUSIM_HW_PPC_TCE_DRIVER_H
#define IOMMUSIM_HW_PPC_TCE_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "model/physmem.h"
#include "model/unit.h"

struct tce_drv;

/**
 * struct tce_table - one window's TCE table.
 * @drv: the driver that made it.
 * @bus_base: first bus address of the window (0 or with bit 59 set, plus
 *            an offset aligned to the page size).
 * @size: bytes of bus space; a multiple of the page size.
 * @page_shift: IO page shift (12, 16, 21, 24, 28 or 30 as the PHB allows).
 * @levels: 1-5.
 * @tbl_shift: log2(entries of one level), at least 9 (a 4 KiB level).
 * @top: physical address of the top level.
 * @bytes: bytes of table memory allocated now (all levels).
 * @mapped: valid leaf TCEs now.
 *
 * The remaining members are the driver's.
 */
struct tce_table {
	struct tce_drv *drv;
	uint64_t bus_base;
	uint64_t size;
	unsigned int page_shift;
	unsigned int levels;
	unsigned int tbl_shift;
	uint64_t top;
	uint64_t bytes;
	uint64_t mapped;
	/* driver-private */
	uint32_t *pes; /* PEs whose TVE points at this table */
	unsigned int npes;
	uint64_t *frames; /* every level block allocated, for freeing */
	unsigned int nframes, cap_frames;
};

int tce_drv_create(struct sim_unit *phb, struct pm_space *pm,
		   struct tce_drv **out);
void tce_drv_destroy(struct tce_drv *drv);
unsigned int tce_drv_phb_gen(const struct tce_drv *drv);
uint64_t tce_drv_pgsizes(const struct tce_drv *drv);
int tce_drv_set_pe(struct tce_drv *drv, uint16_t rid, uint32_t pe);

int tce_table_create(struct tce_drv *drv, uint64_t bus_base, uint64_t size,
		     unsigned int page_shift, unsigned int levels,
		     struct tce_table **out);
void tce_table_free(struct tce_table *t);
int tce_table_map(struct tce_table *t, uint64_t iova, uint64_t pa, uint64_t len,
		  unsigned int prot);
uint64_t tce_table_unmap(struct tce_table *t, uint64_t iova, uint64_t len);
int tce_table_xchg(struct tce_table *t, uint64_t iova, uint64_t *tce);
int tce_table_lookup(struct tce_table *t, uint64_t iova, uint64_t *pa,
		     unsigned int *prot);

int tce_drv_attach(struct tce_drv *drv, uint32_t pe, unsigned int win,
		   struct tce_table *t);
void tce_drv_detach(struct tce_drv *drv, uint32_t pe, unsigned int win);

#endif /* IOMMUSIM_HW_PPC_TCE_DRIVER_H */

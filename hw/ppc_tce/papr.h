/* SPDX-License-Identifier: MIT */
/*
 * papr.h - the sPAPR (PAPR guest) view of the PHB: the LIOBN registry,
 * the TCE hypercalls and the RTAS dynamic DMA window calls.
 *
 * Numbers: fact sheet ppc_tce.md 3.1 and 3.3; qemu/qemu
 * include/hw/ppc/spapr.h (hcall return codes, RTAS statuses,
 * RTAS_DDW_PGSIZE_*) and hw/pci-host/spapr.h (default 32-bit window).
 */
#ifndef IOMMUSIM_HW_PPC_TCE_PAPR_H
#define IOMMUSIM_HW_PPC_TCE_PAPR_H

#include <stdbool.h>
#include <stdint.h>

/* Hypercall return codes. */
#define H_SUCCESS 0
#define H_HARDWARE (-1)
#define H_FUNCTION (-2)
#define H_PARAMETER (-4)

/* TCE hypercall opcodes (qemu/qemu include/hw/ppc/spapr.h). */
#define H_GET_TCE 0x1C
#define H_PUT_TCE 0x20
#define H_STUFF_TCE 0x138
#define H_PUT_TCE_INDIRECT 0x13C

/* RTAS statuses. */
#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_HW_ERROR (-1)
#define RTAS_OUT_PARAM_ERROR (-3)

/* H_PUT_TCE_INDIRECT: at most 512 list entries, list 4 KiB aligned. */
#define TCE_PAPR_IND_MAX 512
#define TCE_PAPR_LIST_ALIGN 0xfffull

/* LIOBN of window W of PE P (script contract). */
#define TCE_PAPR_LIOBN(pe, win) (0x80000000u | (uint32_t)(pe) << 8 | (win))

/*
 * Query page-size mask bits (LoPAR; qemu/qemu include/hw/ppc/spapr.h
 * RTAS_DDW_PGSIZE_*; 2M is out of order, added later).
 */
#define RTAS_DDW_PGSIZE_4K 0x01
#define RTAS_DDW_PGSIZE_64K 0x02
#define RTAS_DDW_PGSIZE_16M 0x04
#define RTAS_DDW_PGSIZE_256M 0x40
#define RTAS_DDW_PGSIZE_2M 0x100

/*
 * Largest block reported by query, in TCEs: QEMU's constants
 * (qemu/qemu hw/ppc/spapr_rtas_ddw.c rtas_ibm_query_pe_dma_window(),
 * since v7.1): 2^31 in the 5-output form, and in the 6-output form
 * (LoPAR 2.8, ibm,ddw-extensions[2] == 1) 2^37 as hi/lo cells, the 2 MiB
 * pages below 1<<59.
 */
#define TCE_PAPR_LARGEST_BLOCK 0x80000000u
#define TCE_PAPR_LARGEST_BLOCK64 (1ull << 37)

/* Default 32-bit window: 1 GiB of 4 KiB pages at bus address 0. */
#define TCE_PAPR_DMA32_SIZE 0x40000000ull
#define TCE_PAPR_DMA32_SHIFT 12

/* Tables the model places itself go at or above this (contract). */
#define TCE_PAPR_TABLE_BASE 0x100000000ull
/* Largest table (all levels) we allocate and zero: 4 GiB, so a 4 KiB-page
 * window over 2 TiB (2^29 TCEs) fits; zeroing a 2 GiB table takes about
 * 0.7 s here, so the cap keeps a create under a few seconds. */
#define TCE_PAPR_TABLE_MAX (1ull << 32)

/**
 * struct tce_papr_win - one registered window (LIOBN).
 * @active: the slot holds a window.
 * @def_win: it is the PE's default window (made by reset); removing the
 *	last window of a PE restores the default only when this is clear.
 * @liobn: its logical IO bus number.
 * @bus_offset: first bus address (bit 59 = the TVE's window).
 * @size: bytes; nb_table = @size >> @page_shift.
 * @page_shift: IO page shift.
 * @levels: table levels.
 * @tbl_shift: log2(entries per level).
 * @table: the top level's physical address.
 * @bytes: bytes of all levels (one contiguous block).
 */
struct tce_papr_win {
	bool active;
	bool def_win;
	uint32_t liobn;
	uint64_t bus_offset;
	uint64_t size;
	unsigned int page_shift;
	unsigned int levels;
	unsigned int tbl_shift;
	uint64_t table;
	uint64_t bytes;
};

#endif /* IOMMUSIM_HW_PPC_TCE_PAPR_H */

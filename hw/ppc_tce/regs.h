/* SPDX-License-Identifier: MIT */
/*
 * regs.h - PHB3 (IODA2) / PHB4 (IODA3) IODA table formats the TCE unit
 * models: the TVE (TVT entry), the RID translation table and the fault
 * codes of the scenario contract.
 *
 * IBM bit numbering: IBM bit n of a 64-bit word is LSB bit 63 - n. The
 * masks below are LSB masks; each comment gives the IBM range.
 */
#ifndef IOMMUSIM_HW_PPC_TCE_REGS_H
#define IOMMUSIM_HW_PPC_TCE_REGS_H

#include "model/bits.h"

/* IBM bit n as an LSB mask, and IBM bits a..b (a <= b) inclusive. */
#define TCE_PPC_BIT(n) BIT_ULL(63 - (n))
#define TCE_PPC_BITMASK(a, b) GENMASK_ULL(63 - (a), 63 - (b))

/*
 * TVE, translated (table) form. Fact sheet ppc_tce.md 2.2; field layout
 * from open-power/skiboot include/phb4-regs.h (IODA3_TVT_*) and
 * include/phb3-regs.h (IODA2_TVT_*), decode as in
 * qemu/qemu hw/pci-host/pnv_phb4.c pnv_phb4_translate_tve().
 */
#define TCE_TVE_TABLE_ADDR TCE_PPC_BITMASK(0, 47) /* table PA >> 12 */
#define TCE_TVE_NUM_LEVELS TCE_PPC_BITMASK(48, 50) /* levels - 1 */
#define TCE_TVE_TTS TCE_PPC_BITMASK(51, 55) /* log2(level bytes) - 11 */
#define TCE_TVE_NT50 TCE_PPC_BIT(56) /* PHB4: bypass form marker */
#define TCE_TVE_IO_PSIZE TCE_PPC_BITMASK(59, 63) /* page_shift - 11 */

#define TCE_TVE_LEVELS_MAX 5

/*
 * TVE, bypass ("real") form: IO_PSIZE 0 with TTS nonzero. skiboot
 * hw/phb4.c phb4_map_pe_dma_window_real() packs PCI address bits 49:24
 * of the window start and of start + size (an exclusive end): start
 * 47:24 in IBM 0-23, start 49:48 in IBM 52-53, end 47:24 in IBM 24-47,
 * end 49:48 in IBM 54-55, and sets IBM 51 (plus IBM 56 on PHB4).
 */
#define TCE_TVE_BYP_START_LO TCE_PPC_BITMASK(0, 23)
#define TCE_TVE_BYP_END_LO TCE_PPC_BITMASK(24, 47)
#define TCE_TVE_BYP_START_HI TCE_PPC_BITMASK(52, 53)
#define TCE_TVE_BYP_END_HI TCE_PPC_BITMASK(54, 55)
#define TCE_BYP_SHIFT 24 /* bypass bounds are 16 MiB granules */

/*
 * DMA address decode (ppc_tce.md 2.1; qemu/qemu hw/pci-host/pnv_phb4.c
 * pnv_phb4_translate_iommu()): bits 63:60 == 0 is DMA with bit 59 picking
 * the TVE; == 1 is the 64-bit MSI region; the 32-bit MSI page is
 * 0xffff0000..0xffffffff.
 */
#define TCE_ADDR_WINDOW_BIT 59
#define TCE_WIN1_BASE BIT_ULL(TCE_ADDR_WINDOW_BIT)
#define TCE_ADDR_OFFSET GENMASK_ULL(58, 0)
#define TCE_MSI32_BASE 0xffff0000ull
#define TCE_MSI32_LAST 0xffffffffull

/* PE counts: skiboot include/phb3.h (256) and include/phb4.h (512). */
#define TCE_PHB3_NUM_PES 256
#define TCE_PHB4_NUM_PES 512
#define TCE_NUM_RIDS 0x10000

/* The PHB's BUID (script contract); a config_addr is bus<<16|devfn<<8. */
#define TCE_PHB_BUID 0x800000020000000ull

/* Fault codes: 0x1-0x5 fixed by the script contract, the rest ours. */
enum tce_fault {
	TCE_F_NO_WINDOW = 0x1,
	TCE_F_TCE_INVALID = 0x2,
	TCE_F_PERM = 0x3,
	TCE_F_TABLE_NOT_PRESENT = 0x4,
	TCE_F_PE_FROZEN = 0x5,
	TCE_F_BAD_TVE = 0x6, /* NUM_LEVELS > 4, or a page size not built */
	TCE_F_WALK_ABORT = 0x7, /* bus error fetching a table entry */
	TCE_F_MSI = 0x8, /* address in an MSI region: not a DMA */
};

#endif /* IOMMUSIM_HW_PPC_TCE_REGS_H */

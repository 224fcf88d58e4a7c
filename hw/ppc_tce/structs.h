/* SPDX-License-Identifier: MIT */
/*
 * structs.h - the in-memory TCE table format: 1 to 5 levels of big-endian
 * 64-bit entries, every level the same size.
 *
 * Fact sheet ppc_tce.md 1.1 and 1.3; torvalds/linux
 * arch/powerpc/platforms/powernv/pci-ioda-tce.c (pnv_tce(), indirect
 * entries carry R|W) and qemu/qemu hw/pci-host/pnv_phb3.c
 * pnv_phb3_translate_tve() (indirect entry with no R/W is an error, next
 * base is entry & ~0xfff).
 */
#ifndef IOMMUSIM_HW_PPC_TCE_STRUCTS_H
#define IOMMUSIM_HW_PPC_TCE_STRUCTS_H

#include "model/bits.h"

#define TCE_ENTRY_SIZE 8
/* The smallest level: one 4 KiB page of 512 entries (TVE TTS 1). */
#define TCE_LEVEL_SHIFT_MIN 9

/* Leaf TCE: LSB bit 0 read (to device), bit 1 write (from device). */
#define TCE_PCI_READ BIT_ULL(0)
#define TCE_PCI_WRITE BIT_ULL(1)
#define TCE_PCI_RW (TCE_PCI_READ | TCE_PCI_WRITE)
/*
 * Page address: the byte address with the low page_shift bits cleared,
 * taken up to bit 51 (a 52-bit real address; unverified upper bound).
 */
#define TCE_RPN_TOP 51

/* Indirect entry: next-level table address (4 KiB aligned) | R | W. */
#define TCE_IND_ADDR GENMASK_ULL(63, 12)

#endif /* IOMMUSIM_HW_PPC_TCE_STRUCTS_H */

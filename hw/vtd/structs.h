/* SPDX-License-Identifier: MIT */
/*
 * structs.h - Intel VT-d in-memory formats as masks on little-endian
 * 64-bit words: root and context entries, second-stage and first-stage
 * paging entries.
 *
 * Sources: Intel VT-d Architecture Specification rev 4.1, chapter 9
 * (9.1 root entry, 9.3 context entry, 9.8 second-stage paging entries,
 * 9.7 first-stage paging entries), as transcribed in the project's fact
 * sheet (shared/reference/vtd.md sections 2 and 3), and cross-checked with
 * torvalds/linux drivers/iommu/generic_pt/fmt/vtdss.h (SS bits) and
 * qemu/qemu hw/i386/intel_iommu_internal.h (reserved masks).
 *
 * A multi-word entry is an array of u64 words numbered as the spec numbers
 * them: a field named VTD_CTX1_* lives in word 1 (entry bits 127:64).
 * Level numbering follows the walker and the builder alike: level 0 is the
 * leaf-only table (SS-PTE / PTE), level 1 the SS-PDE / PDE (2 MiB leaves),
 * level 2 the SS-PDPE / PDPE (1 GiB leaves), level 3 PML4, level 4 PML5.
 *
 * Only masks live here. The driver-side builder (pt_fmt_*.h) and the
 * hardware walker (walk.c) each decode entries with their own code, so a
 * bug in one cannot be cancelled by the same bug in the other; golden
 * vectors check both against the specification.
 */
#ifndef IOMMUSIM_HW_VTD_STRUCTS_H
#define IOMMUSIM_HW_VTD_STRUCTS_H

#include "model/bits.h"

/* Root entry, legacy mode (spec 9.1): 16 bytes, indexed by bus. */
#define VTD_ROOT0_P BIT_ULL(0)
#define VTD_ROOT0_RSVD GENMASK_ULL(11, 1)
#define VTD_ROOT0_CTP GENMASK_ULL(63, 12)
/* word 1 is reserved in legacy mode */

/* Context entry, legacy mode (spec 9.3): 16 bytes, indexed by devfn. */
#define VTD_CTX0_P BIT_ULL(0)
#define VTD_CTX0_FPD BIT_ULL(1)
#define VTD_CTX0_TT GENMASK_ULL(3, 2)
#define VTD_CTX0_RSVD GENMASK_ULL(11, 4)
#define VTD_CTX0_SSPTPTR GENMASK_ULL(63, 12)
#define VTD_CTX1_AW GENMASK_ULL(2, 0)
#define VTD_CTX1_AVAIL GENMASK_ULL(6, 3) /* ignored, software use */
#define VTD_CTX1_RSVD7 BIT_ULL(7)
#define VTD_CTX1_DID GENMASK_ULL(23, 8)
#define VTD_CTX1_RSVD GENMASK_ULL(63, 24)

#define VTD_TT_UNTRANSLATED 0 /* walk SS tables; ATS translation blocked */
#define VTD_TT_ALL 1 /* also device-TLB requests (ECAP.DT) */
#define VTD_TT_PASSTHROUGH 2 /* output = input (ECAP.PT) */

/* Root entry, scalable mode (spec 9.2; vtd.md 2.1): two halves. */
#define VTD_SROOT_P BIT_ULL(0) /* LP in word 0, UP in word 1 */
#define VTD_SROOT_RSVD GENMASK_ULL(11, 1)
#define VTD_SROOT_CTP GENMASK_ULL(63, 12)

/* Context entry, scalable mode (spec 9.4; vtd.md 2.3): 32 bytes, indexed
 * by devfn & 0x7f in the table the root half names. */
#define VTD_SCTX0_P BIT_ULL(0)
#define VTD_SCTX0_FPD BIT_ULL(1)
#define VTD_SCTX0_DTE BIT_ULL(2)
#define VTD_SCTX0_PASIDE BIT_ULL(3)
#define VTD_SCTX0_PRE BIT_ULL(4)
#define VTD_SCTX0_RSVD GENMASK_ULL(8, 5)
#define VTD_SCTX0_PDTS GENMASK_ULL(11, 9)
#define VTD_SCTX0_PASIDDIRPTR GENMASK_ULL(63, 12)
#define VTD_SCTX1_RID_PASID GENMASK_ULL(19, 0)
#define VTD_SCTX1_RID_PRIV BIT_ULL(20)
#define VTD_SCTX1_RSVD GENMASK_ULL(63, 21)
/* words 2 and 3 are reserved */

/* PASID directory entry (spec 9.5; vtd.md 2.4): 8 bytes, by PASID[19:6]. */
#define VTD_PDE_P BIT_ULL(0)
#define VTD_PDE_FPD BIT_ULL(1)
#define VTD_PDE_RSVD GENMASK_ULL(11, 2)
#define VTD_PDE_SMPTBLPTR GENMASK_ULL(63, 12)

/* Scalable-mode PASID-table entry (spec 9.6; vtd.md 2.5): 64 bytes, by
 * PASID[5:0]. Reserved masks as OpenVMM's (rev 4.1). */
#define VTD_PTE0_P BIT_ULL(0)
#define VTD_PTE0_FPD BIT_ULL(1)
#define VTD_PTE0_AW GENMASK_ULL(4, 2)
#define VTD_PTE0_PGTT GENMASK_ULL(8, 6)
#define VTD_PTE0_SSADE BIT_ULL(9)
#define VTD_PTE0_RSVD (BIT_ULL(5) | GENMASK_ULL(11, 10))
#define VTD_PTE0_SSPTPTR GENMASK_ULL(63, 12)
#define VTD_PTE1_DID GENMASK_ULL(15, 0)
#define VTD_PTE1_RSVD (GENMASK_ULL(22, 16) | GENMASK_ULL(31, 27))
#define VTD_PTE1_PWSNP BIT_ULL(23)
#define VTD_PTE1_PGSNP BIT_ULL(24)
#define VTD_PTE2_SRE BIT_ULL(0)
#define VTD_PTE2_FSPM GENMASK_ULL(3, 2) /* 0: 4-level, 1: 5-level */
#define VTD_PTE2_WPE BIT_ULL(4)
#define VTD_PTE2_EAFE BIT_ULL(7)
#define VTD_PTE2_RSVD (BIT_ULL(1) | GENMASK_ULL(11, 8))
#define VTD_PTE2_FSPTPTR GENMASK_ULL(63, 12)
/* words 3 to 7 are reserved */

#define VTD_PGTT_FS 1
#define VTD_PGTT_SS 2
#define VTD_PGTT_NESTED 3
#define VTD_PGTT_PT 4

/* Second-stage paging entry (spec 9.8; generic_pt fmt/vtdss.h). */
#define VTD_SS_R BIT_ULL(0)
#define VTD_SS_W BIT_ULL(1)
#define VTD_SS_X BIT_ULL(2) /* ignored in rev 4.1 */
#define VTD_SS_PS BIT_ULL(7)
#define VTD_SS_A BIT_ULL(8)
#define VTD_SS_D BIT_ULL(9)
#define VTD_SS_SNP BIT_ULL(11)
#define VTD_SS_ADDR GENMASK_ULL(51, 12)
#define VTD_SS_TM BIT_ULL(62) /* old transient-mapping bit: reserved */

/* First-stage paging entry, x86-64 format (spec 9.7; Intel SDM vol 3
 * 4.5; shared/reference/vtd.md 3.3). */
#define VTD_FS_P BIT_ULL(0)
#define VTD_FS_RW BIT_ULL(1)
#define VTD_FS_US BIT_ULL(2)
#define VTD_FS_PWT BIT_ULL(3)
#define VTD_FS_PCD BIT_ULL(4)
#define VTD_FS_A BIT_ULL(5)
#define VTD_FS_D BIT_ULL(6) /* leaf only */
#define VTD_FS_PS BIT_ULL(7) /* PDPE/PDE; PAT in a 4 KiB PTE */
#define VTD_FS_G BIT_ULL(8) /* leaf only */
#define VTD_FS_EA BIT_ULL(10) /* extended accessed, with EAFE */
#define VTD_FS_PAT_LARGE BIT_ULL(12) /* PAT of 2 MiB / 1 GiB leaves */
#define VTD_FS_ADDR GENMASK_ULL(51, 12)
#define VTD_FS_XD BIT_ULL(63)

/*
 * Invalidation descriptors (spec 6.5.2; vtd.md 4.1, which transcribes
 * Linux's QI_* macros and QEMU's reserved-bit masks). The type is 7 bits:
 * QW0[3:0] and QW0[11:9]. QW1 fields are marked.
 */
#define VTD_QI_TYPE_CC 0x1
#define VTD_QI_TYPE_IOTLB 0x2
#define VTD_QI_TYPE_DEVTLB 0x3
#define VTD_QI_TYPE_IEC 0x4
#define VTD_QI_TYPE_WAIT 0x5
#define VTD_QI_TYPE_PIOTLB 0x6
#define VTD_QI_TYPE_PC 0x7

/* QW0 fields shared by types 1 and 2. */
#define VTD_QI_G GENMASK_ULL(5, 4)
#define VTD_QI_DID GENMASK_ULL(31, 16)
#define VTD_QI_CC_SID GENMASK_ULL(47, 32)
#define VTD_QI_CC_FM GENMASK_ULL(49, 48)
#define VTD_QI_IOTLB_DW BIT_ULL(6)
#define VTD_QI_IOTLB_DR BIT_ULL(7)
#define VTD_QI_IOTLB_AM GENMASK_ULL(5, 0) /* QW1 */
#define VTD_QI_IOTLB_IH BIT_ULL(6) /* QW1 */
#define VTD_QI_IOTLB_ADDR GENMASK_ULL(63, 12)
#define VTD_QI_WAIT_IF BIT_ULL(4)
#define VTD_QI_WAIT_SW BIT_ULL(5)
#define VTD_QI_WAIT_FN BIT_ULL(6)
#define VTD_QI_WAIT_PD BIT_ULL(7)
#define VTD_QI_WAIT_DATA GENMASK_ULL(63, 32)

/* Reserved bits (vtd.md 4.1, QEMU). */
#define VTD_QI_CC_RSVD0 0xfffc00000000f1c0ULL
#define VTD_QI_IOTLB_RSVD0 0xffffffff0000f100ULL
#define VTD_QI_IOTLB_RSVD1 0xf80ULL
#define VTD_QI_WAIT_RSVD0 0xfffff180ULL /* includes PD: ECAP.PDS = 0 */
#define VTD_QI_WAIT_RSVD1 0x3ULL
#define VTD_QI_PASID GENMASK_ULL(51, 32)
#define VTD_QI_PIOTLB_RSVD0 0xfff000000000f1c0ULL
#define VTD_QI_PIOTLB_RSVD1 0xf80ULL
#define VTD_QI_PC_RSVD0 0xfff000000000f1c0ULL

#endif /* IOMMUSIM_HW_VTD_STRUCTS_H */

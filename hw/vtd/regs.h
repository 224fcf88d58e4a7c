/* SPDX-License-Identifier: MIT */
/*
 * regs.h - Intel VT-d remapping-unit registers: offsets and fields.
 *
 * Source: Intel VT-d Architecture Specification rev 4.1, chapter 11
 * (register descriptions), as transcribed in the project's fact sheet
 * shared/reference/vtd.md section 1, cross-checked with
 * torvalds/linux drivers/iommu/intel/iommu.h (the DMAR_ register, cap_ and ecap_
 * macros) and qemu/qemu hw/i386/intel_iommu_internal.h.
 *
 * Encodings to keep in mind: MGAW and NFR store "value - 1"; FRO and IRO
 * are in 16-byte units; ND gives 2^(4 + 2 ND) domains; SAGAW bit (8 + n)
 * means AW code n is supported (AW n: n + 2 levels, 30 + 9 n bits).
 */
#ifndef IOMMUSIM_HW_VTD_REGS_H
#define IOMMUSIM_HW_VTD_REGS_H

#include "model/bits.h"

/* Offsets (spec 11.4). */
#define VTD_VER 0x000 /* 32 RO */
#define VTD_CAP 0x008 /* 64 RO */
#define VTD_ECAP 0x010 /* 64 RO */
#define VTD_GCMD 0x018 /* 32 WO, reads 0 */
#define VTD_GSTS 0x01c /* 32 RO */
#define VTD_RTADDR 0x020 /* 64 RW, latched by GCMD.SRTP */
#define VTD_CCMD 0x028 /* 64 RW, fires on ICC (bit 63) */
#define VTD_FSTS 0x034 /* 32 RW1C / RO */
#define VTD_FECTL 0x038 /* 32 */
#define VTD_FEDATA 0x03c /* 32 */
#define VTD_FEADDR 0x040 /* 32 */
#define VTD_FEUADDR 0x044 /* 32 */
#define VTD_AFLOG 0x058 /* 64 (CAP.AFL = 0: reads 0) */
#define VTD_PMEN 0x064 /* 32 (CAP.PLMR = PHMR = 0: reads 0) */
#define VTD_IQH 0x080 /* 64 RO */
#define VTD_IQT 0x088 /* 64 RW */
#define VTD_IQA 0x090 /* 64 RW */
#define VTD_ICS 0x09c /* 32 RW1C */
#define VTD_IECTL 0x0a0 /* 32 */
#define VTD_IEDATA 0x0a4 /* 32 */
#define VTD_IEADDR 0x0a8 /* 32 */
#define VTD_IEUADDR 0x0ac /* 32 */
#define VTD_IQERCD 0x0b0 /* 64 RO */
#define VTD_IRTA 0x0b8 /* 64 (ECAP.IR = 0: reads 0) */

/*
 * Where this model puts the IOTLB and fault-recording registers (the
 * spec lets hardware choose; CAP.FRO and ECAP.IRO tell software). These
 * match a real Xeon's layout (FRO 0x400, IRO 0x500; see vtd.md 1.1).
 */
#define VTD_FRO_OFFSET 0x400
#define VTD_IRO_OFFSET 0x500
#define VTD_IVA (VTD_IRO_OFFSET + 0) /* 64 RW */
#define VTD_IOTLB (VTD_IRO_OFFSET + 8) /* 64 RW, fires on IVT (bit 63) */
#define VTD_NFR_MAX 16 /* records fit between FRO and IRO */
#define VTD_MMIO_SIZE 0x1000

/* VER (spec 11.4.1) */
#define VTD_VER_MAJOR GENMASK_ULL(7, 4)
#define VTD_VER_MINOR GENMASK_ULL(3, 0)

/* CAP (spec 11.4.2; vtd.md 1.2) */
#define VTD_CAP_ND GENMASK_ULL(2, 0)
#define VTD_CAP_AFL BIT_ULL(3)
#define VTD_CAP_RWBF BIT_ULL(4)
#define VTD_CAP_PLMR BIT_ULL(5)
#define VTD_CAP_PHMR BIT_ULL(6)
#define VTD_CAP_CM BIT_ULL(7)
#define VTD_CAP_SAGAW GENMASK_ULL(12, 8)
#define VTD_CAP_MGAW GENMASK_ULL(21, 16)
#define VTD_CAP_ZLR BIT_ULL(22)
#define VTD_CAP_FRO GENMASK_ULL(33, 24)
#define VTD_CAP_SSLPS GENMASK_ULL(37, 34) /* bit 34 2 MiB, bit 35 1 GiB */
#define VTD_CAP_PSI BIT_ULL(39)
#define VTD_CAP_NFR GENMASK_ULL(47, 40)
#define VTD_CAP_MAMV GENMASK_ULL(53, 48)
#define VTD_CAP_DWD BIT_ULL(54)
#define VTD_CAP_DRD BIT_ULL(55)
#define VTD_CAP_FS1GP BIT_ULL(56)
#define VTD_CAP_PI BIT_ULL(59)
#define VTD_CAP_FS5LP BIT_ULL(60)
#define VTD_CAP_ESIRTPS BIT_ULL(62)
#define VTD_CAP_ESRTPS BIT_ULL(63)

/* AW codes (context / PASID entry AW, SAGAW bit index): levels = AW + 2,
 * input width = 30 + 9 * AW. */
#define VTD_AW_39 1
#define VTD_AW_48 2
#define VTD_AW_57 3

/* ECAP (spec 11.4.3; vtd.md 1.3) */
#define VTD_ECAP_C BIT_ULL(0)
#define VTD_ECAP_QI BIT_ULL(1)
#define VTD_ECAP_DT BIT_ULL(2)
#define VTD_ECAP_IR BIT_ULL(3)
#define VTD_ECAP_EIM BIT_ULL(4)
#define VTD_ECAP_PT BIT_ULL(6)
#define VTD_ECAP_SC BIT_ULL(7)
#define VTD_ECAP_IRO GENMASK_ULL(17, 8)
#define VTD_ECAP_MHMV GENMASK_ULL(23, 20)
#define VTD_ECAP_NEST BIT_ULL(26)
#define VTD_ECAP_PRS BIT_ULL(29)
#define VTD_ECAP_ERS BIT_ULL(30)
#define VTD_ECAP_SRS BIT_ULL(31)
#define VTD_ECAP_PSS GENMASK_ULL(39, 35)
#define VTD_ECAP_PASID BIT_ULL(40)
#define VTD_ECAP_SMTS BIT_ULL(43)
#define VTD_ECAP_SSADS BIT_ULL(45)
#define VTD_ECAP_SSTS BIT_ULL(46)
#define VTD_ECAP_FSTS BIT_ULL(47)
#define VTD_ECAP_SMPWCS BIT_ULL(48)
#define VTD_ECAP_RPS BIT_ULL(49)

/* GCMD / GSTS: command bits and the status bits at the same positions
 * (spec 11.4.4 / 11.4.5). */
#define VTD_GCMD_TE BIT_ULL(31)
#define VTD_GCMD_SRTP BIT_ULL(30)
#define VTD_GCMD_SFL BIT_ULL(29)
#define VTD_GCMD_EAFL BIT_ULL(28)
#define VTD_GCMD_WBF BIT_ULL(27)
#define VTD_GCMD_QIE BIT_ULL(26)
#define VTD_GCMD_IRE BIT_ULL(25)
#define VTD_GCMD_SIRTP BIT_ULL(24)
#define VTD_GCMD_CFI BIT_ULL(23)
#define VTD_GSTS_TES VTD_GCMD_TE
#define VTD_GSTS_RTPS VTD_GCMD_SRTP
#define VTD_GSTS_FLS VTD_GCMD_SFL
#define VTD_GSTS_AFLS VTD_GCMD_EAFL
#define VTD_GSTS_WBFS VTD_GCMD_WBF
#define VTD_GSTS_QIES VTD_GCMD_QIE
#define VTD_GSTS_IRES VTD_GCMD_IRE
#define VTD_GSTS_IRTPS VTD_GCMD_SIRTP
#define VTD_GSTS_CFIS VTD_GCMD_CFI

/* RTADDR (spec 11.4.6) */
#define VTD_RTADDR_RTA GENMASK_ULL(63, 12)
#define VTD_RTADDR_TTM GENMASK_ULL(11, 10)

/* CCMD (spec 11.4.7) */
#define VTD_CCMD_ICC BIT_ULL(63)
#define VTD_CCMD_CIRG GENMASK_ULL(62, 61)
#define VTD_CCMD_CAIG GENMASK_ULL(60, 59)
#define VTD_CCMD_FM GENMASK_ULL(33, 32)
#define VTD_CCMD_SID GENMASK_ULL(31, 16)
#define VTD_CCMD_DID GENMASK_ULL(15, 0)
#define VTD_INV_GLOBAL 1 /* CIRG / IIRG / descriptor G encodings */
#define VTD_INV_DOMAIN 2
#define VTD_INV_DEVICE 3 /* CCMD: device; IOTLB: page */
#define VTD_INV_PAGE 3

/* IVA / IOTLB (spec 11.4.8) */
#define VTD_IVA_ADDR GENMASK_ULL(63, 12)
#define VTD_IVA_IH BIT_ULL(6)
#define VTD_IVA_AM GENMASK_ULL(5, 0)
#define VTD_IOTLB_IVT BIT_ULL(63)
#define VTD_IOTLB_IIRG GENMASK_ULL(61, 60)
#define VTD_IOTLB_IAIG GENMASK_ULL(58, 57)
#define VTD_IOTLB_DR BIT_ULL(49)
#define VTD_IOTLB_DW BIT_ULL(48)
#define VTD_IOTLB_DID GENMASK_ULL(47, 32)

/* FSTS (spec 11.4.9) */
#define VTD_FSTS_PFO BIT_ULL(0) /* RW1C */
#define VTD_FSTS_PPF BIT_ULL(1) /* RO */
#define VTD_FSTS_AFO BIT_ULL(2)
#define VTD_FSTS_APF BIT_ULL(3)
#define VTD_FSTS_IQE BIT_ULL(4) /* RW1C */
#define VTD_FSTS_ICE BIT_ULL(5) /* RW1C */
#define VTD_FSTS_ITE BIT_ULL(6) /* RW1C */
#define VTD_FSTS_FRI GENMASK_ULL(15, 8)
#define VTD_FSTS_RW1C \
	(VTD_FSTS_PFO | VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)

/* FECTL / IECTL (spec 11.4.10, 11.4.23) */
#define VTD_XECTL_IM BIT_ULL(31)
#define VTD_XECTL_IP BIT_ULL(30)

/* FRCD: 128-bit fault recording register (spec 11.4.14); word 0 at +0,
 * word 1 at +8. */
#define VTD_FRCD0_FI GENMASK_ULL(63, 12)
#define VTD_FRCD1_SID GENMASK_ULL(15, 0)
#define VTD_FRCD1_T2 BIT_ULL(28) /* entry bit 92 (rev 5.x) */
#define VTD_FRCD1_PP BIT_ULL(31)
#define VTD_FRCD1_FR GENMASK_ULL(39, 32)
#define VTD_FRCD1_PV GENMASK_ULL(59, 40)
#define VTD_FRCD1_AT GENMASK_ULL(61, 60)
#define VTD_FRCD1_T BIT_ULL(62) /* 1 = read, 0 = write */
#define VTD_FRCD1_F BIT_ULL(63) /* RW1C */

/* Invalidation queue (spec 11.4.20-11.4.24) */
#define VTD_IQH_QH GENMASK_ULL(18, 4)
#define VTD_IQT_QT GENMASK_ULL(18, 4)
#define VTD_IQA_IQA GENMASK_ULL(63, 12)
#define VTD_IQA_DW BIT_ULL(11)
#define VTD_IQA_QS GENMASK_ULL(2, 0)
#define VTD_ICS_IWC BIT_ULL(0)
#define VTD_IQERCD_IQEI GENMASK_ULL(3, 0)

/*
 * IQERCD fields (torvalds/linux drivers/iommu/intel/iommu.h DMAR_IQER_REG_*).
 * The IQEI reason encodings are in the spec's table only, which no source
 * at hand transcribes: this model leaves IQEI at 0 (see docs/vtd.md).
 */
#define VTD_IQERCD_ITESID GENMASK_ULL(47, 32)
#define VTD_IQERCD_ICESID GENMASK_ULL(63, 48)

#endif /* IOMMUSIM_HW_VTD_REGS_H */

// SPDX-License-Identifier: MIT
/* pgtable_s2_16k.c - the range engine for SMMUv3 stage 2, 16 KiB granule. */
#define PT_FMT_GRANULE_LG2 14
#define PT_FMT_NAME "arm-s2-16k"
#define PT_FMT_OPS smmu_pt_s2_16k
#include "pt_fmt_arm_s2.h"
#include "model/pt_engine.h"

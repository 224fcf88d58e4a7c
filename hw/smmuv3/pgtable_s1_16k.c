// SPDX-License-Identifier: MIT
/* pgtable_s1_16k.c - the range engine for SMMUv3 stage 1, 16 KiB granule. */
#define PT_FMT_GRANULE_LG2 14
#define PT_FMT_NAME "arm-s1-16k"
#define PT_FMT_OPS smmu_pt_s1_16k
#include "pt_fmt_arm_s1.h"
#include "model/pt_engine.h"

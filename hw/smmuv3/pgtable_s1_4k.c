// SPDX-License-Identifier: MIT
/* pgtable_s1_4k.c - the range engine for SMMUv3 stage 1, 4 KiB granule. */
#define PT_FMT_GRANULE_LG2 12
#define PT_FMT_NAME "arm-s1-4k"
#define PT_FMT_OPS smmu_pt_s1_4k
#include "pt_fmt_arm_s1.h"
#include "model/pt_engine.h"

// SPDX-License-Identifier: MIT
/* pgtable_s2_4k.c - the range engine for SMMUv3 stage 2, 4 KiB granule. */
#define PT_FMT_GRANULE_LG2 12
#define PT_FMT_NAME "arm-s2-4k"
#define PT_FMT_OPS smmu_pt_s2_4k
#include "pt_fmt_arm_s2.h"
#include "model/pt_engine.h"

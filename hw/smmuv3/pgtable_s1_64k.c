// SPDX-License-Identifier: MIT
/* pgtable_s1_64k.c - the range engine for SMMUv3 stage 1, 64 KiB granule. */
#define PT_FMT_GRANULE_LG2 16
#define PT_FMT_NAME "arm-s1-64k"
#define PT_FMT_OPS smmu_pt_s1_64k
#include "pt_fmt_arm_s1.h"
#include "model/pt_engine.h"

// SPDX-License-Identifier: MIT
/* pgtable_ss.c - the range engine specialised for VT-d second stage. */
#include "pgtable.h"
#include "pt_fmt_ss.h"
#define PT_FMT_OPS vtd_ss_pt_ops
#include "model/pt_engine.h"

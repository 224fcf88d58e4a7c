// SPDX-License-Identifier: MIT
/* pgtable_fs.c - the range engine specialised for VT-d first stage. */
#include "pgtable.h"
#include "pt_fmt_fs.h"
#define PT_FMT_OPS vtd_fs_pt_ops
#include "model/pt_engine.h"

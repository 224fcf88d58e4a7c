/* SPDX-License-Identifier: MIT */
/*
 * script.h - the scenario runner (`iommusim script FILE`).
 *
 * Runs the line-oriented language of the scenario script contract
 * (docs/SCRIPTS.md) against one unit: machine, mem, mmio, translate, dma,
 * events, expect, trace, cache, plus the unit's own commands.
 *
 * Exit codes: SCRIPT_OK when every expect held, SCRIPT_EXPECT_FAILED when
 * one did not (the run goes on to report every failure), SCRIPT_USAGE on
 * the first syntax or usage error (the run stops there).
 */
#ifndef IOMMUSIM_TOOLS_SCRIPT_H
#define IOMMUSIM_TOOLS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../model/unit.h"

enum script_status {
	SCRIPT_OK = 0,
	SCRIPT_EXPECT_FAILED = 1,
	SCRIPT_USAGE = 2,
};

/* Largest script accepted, and largest DMA payload of one command. */
#define SCRIPT_MAX_BYTES (64u << 20)
#define SCRIPT_DMA_MAX 65536u

/**
 * struct script_cfg - how to run.
 * @kinds: NULL-terminated unit kinds `machine` may name, besides the
 *         built-in `none`; NULL means iommusim_unit_kinds.
 * @out: command output (stdout).
 * @err: messages (stderr).
 * @echo: print each command line but `expect`, as "> LINE", before its
 *        output (for people reading a run; echoed lines are not output
 *        lines).
 */
struct script_cfg {
	const struct sim_unit_ops *const *kinds;
	FILE *out;
	FILE *err;
	bool echo;
};

extern const struct sim_unit_ops *const iommusim_unit_kinds[];

int script_run_buffer(const struct script_cfg *cfg, const char *name,
		      const char *text, size_t len);
int script_run_file(const struct script_cfg *cfg, const char *path);

#endif /* IOMMUSIM_TOOLS_SCRIPT_H */

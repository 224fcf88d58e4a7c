/* SPDX-License-Identifier: MIT */
/*
 * unit.h - the interface every hardware unit (hw/vtd, hw/smmuv3,
 * hw/ppc_tce, ...) implements, and the small helpers it needs: options,
 * error messages and line output.
 *
 * A unit is the hardware only: a register file reached by MMIO, the
 * in-memory structures it walks through its struct pm_space, its caches
 * and its fault/event recording. It never sees driver data structures;
 * drivers and scripts reach it the way software reaches silicon.
 *
 * A unit embeds struct sim_unit as its first member and recovers itself
 * with container_of(). Everything here is called by the layers above
 * (the scenario runner, uapi_sim's driver ops, tests): never the reverse.
 */
#ifndef IOMMUSIM_MODEL_UNIT_H
#define IOMMUSIM_MODEL_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dma.h"
#include "physmem.h"
#include "tcache.h"
#include "trace.h"

#define SIM_ERR_MAX 256
#define SIM_OPTS_MAX 32

/** struct sim_err - a message for a person, filled where an error starts. */
struct sim_err {
	char msg[SIM_ERR_MAX];
};

int sim_errf(struct sim_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * struct sim_out - where a unit's output lines go (one call per line, no
 * newline in @text).
 */
struct sim_out {
	void (*line)(void *ctx, const char *text);
	void *ctx;
};

void sim_outf(struct sim_out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * struct sim_opts - `key=value` options of a `machine` line. Each lookup
 * marks its key used, so the caller can reject keys nobody asked for.
 */
struct sim_opts {
	unsigned int n;
	struct {
		const char *key;
		const char *val;
		bool used;
	} kv[SIM_OPTS_MAX];
};

int sim_opts_parse(struct sim_opts *o, int argc, char **argv,
		   struct sim_err *err);
int sim_opt_u64(struct sim_opts *o, const char *key, uint64_t def, uint64_t min,
		uint64_t max, uint64_t *val, struct sim_err *err);
int sim_opt_choice(struct sim_opts *o, const char *key,
		   const char *const *choices, unsigned int def,
		   unsigned int *val, struct sim_err *err);
const char *sim_opts_unused(const struct sim_opts *o);

int sim_parse_u64(const char *s, uint64_t *val);

struct sim_unit;

/**
 * struct sim_unit_ops - one kind of unit.
 * @kind: the `machine` keyword ("vtd").
 * @summary: one line for listings.
 * @options: the `key=value` options it takes, for help and messages.
 * @create: build the unit in its architectural reset state on @mem;
 *          consume its options from @opts (through sim_opt_*).
 * @destroy: free it.
 * @reset: back to the reset state (memory is not touched).
 * @mmio_read: register read at byte offset @off, @size 4 or 8.
 * @mmio_write: register write with every architectural side effect.
 *              Both return 0, or -EINVAL with @err set when the access
 *              itself is malformed (size, alignment); writes to reserved
 *              offsets follow the architecture (usually ignored).
 * @reg_lookup: offset of the register named @name (the spec's mnemonic);
 *              -ENOENT when there is none.
 * @translate: one DMA request through the unit, caches included; records
 *             the fault in the unit's fault registers / event queue as the
 *             hardware would.
 * @drain_events: emit one line per fault record / event written since the
 *                last drain, oldest first, each starting "code=0x...".
 * @command: a unit-specific script command (argv[0] is its name); returns
 *           -ENOENT when @argv[0] is not one of its commands, -EINVAL with
 *           @err set for a malformed one, else 0.
 */
struct sim_unit_ops {
	const char *kind;
	const char *summary;
	const char *options;
	int (*create)(struct pm_space *mem, struct sim_opts *opts,
		      struct sim_unit **out, struct sim_err *err);
	void (*destroy)(struct sim_unit *u);
	void (*reset)(struct sim_unit *u);
	int (*mmio_read)(struct sim_unit *u, uint64_t off, unsigned int size,
			 uint64_t *val, struct sim_err *err);
	int (*mmio_write)(struct sim_unit *u, uint64_t off, unsigned int size,
			  uint64_t val, struct sim_err *err);
	int (*reg_lookup)(struct sim_unit *u, const char *name, uint64_t *off);
	void (*translate)(struct sim_unit *u, const struct dma_req *req,
			  struct dma_result *res);
	void (*drain_events)(struct sim_unit *u, struct sim_out *out);
	int (*command)(struct sim_unit *u, int argc, char **argv,
		       struct sim_out *out, struct sim_err *err);
};

/**
 * struct sim_unit - the part every unit shares; the first member of each.
 * @ops: its kind.
 * @mem: the physical memory it reads (and writes records into).
 * @trace: its structure-fetch trace (off at creation).
 * @tc: its main translation cache, or NULL; the runner's `cache` command
 *      reads and switches it.
 */
struct sim_unit {
	const struct sim_unit_ops *ops;
	struct pm_space *mem;
	struct trace trace;
	struct tcache *tc;
};

#endif /* IOMMUSIM_MODEL_UNIT_H */

// SPDX-License-Identifier: MIT
/*
 * script.c - the scenario runner.
 *
 * One pass, line by line: each line is stripped of its comment, split into
 * words and dispatched through a command table. A command's output lines
 * are printed at once and also kept until the next command, so `expect`
 * lines can check them in order. Trace lines (indented, from `trace on`)
 * and strict-cache warnings are not output lines: expect never sees them.
 *
 * Everything in a script is untrusted: numbers are range-checked before
 * use, sizes are capped, and every failure is a message with the file and
 * line, never a crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../model/bits.h"
#include "script.h"

#define SCRIPT_MAX_WORDS 64

struct script {
	const struct script_cfg *cfg;
	const char *name;
	unsigned int lineno;

	bool have_machine;
	const char *kind;
	struct pm_space *pm;
	struct sim_unit *unit; /* NULL for `machine none` */

	/* output lines of the last command, and how many expect consumed */
	char **lines;
	unsigned int nlines;
	unsigned int lines_cap;
	unsigned int checked;

	unsigned int failures;
	char msg[SIM_ERR_MAX + 64];
};

struct script_cmd {
	const char *name;
	int (*fn)(struct script *s, int argc, char **argv);
};

/* ---- messages and output ------------------------------------------------ */

static int __attribute__((format(printf, 2, 3)))
script_error(struct script *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void lines_clear(struct script *s)
{
	for (unsigned int i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	s->nlines = 0;
	s->checked = 0;
}

/* Print one output line and keep it for expect. */
static void script_emit(struct script *s, const char *text)
{
	fprintf(s->cfg->out, "%s\n", text);
	if (s->nlines == s->lines_cap) {
		unsigned int cap = s->lines_cap ? s->lines_cap * 2 : 16;
		char **v = realloc(s->lines, cap * sizeof(*v));

		if (!v)
			return; /* printed, just not checkable */
		s->lines = v;
		s->lines_cap = cap;
	}
	s->lines[s->nlines] = strdup(text);
	if (s->lines[s->nlines])
		s->nlines++;
}

static void __attribute__((format(printf, 2, 3)))
script_emitf(struct script *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	script_emit(s, buf);
}

static void out_line(void *ctx, const char *text)
{
	script_emit(ctx, text);
}

static void trace_line(void *ctx, const struct trace_event *ev)
{
	struct script *s = ctx;
	char buf[512];

	trace_event_format(ev, buf, sizeof(buf));
	fprintf(s->cfg->out, "  %s\n", buf);
}

static void stale_line(void *ctx, const char *msg)
{
	struct script *s = ctx;

	fprintf(s->cfg->err, "%s:%u: strict: %s\n", s->name, s->lineno, msg);
}

/* ---- argument helpers --------------------------------------------------- */

static int parse_num(struct script *s, const char *what, const char *text,
		     uint64_t max, uint64_t *val)
{
	int ret = sim_parse_u64(text, val);

	if (ret == -ERANGE || (!ret && *val > max))
		return script_error(s,
				    "%s %s is out of range (largest 0x%" PRIx64
				    ")",
				    what, text, max);
	if (ret)
		return script_error(s, "%s: expected a number, got '%s'", what,
				    text);
	return 0;
}

/* The value of `key=` in @word, or NULL when @word is not that key. */
static const char *key_value(const char *word, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(word, key, n) || word[n] != '=')
		return NULL;
	return word + n + 1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode an even-length hex string; *buf is malloc'ed, *len its size. */
static int parse_hex_bytes(struct script *s, const char *text, uint8_t **buf,
			   size_t *len)
{
	size_t n = strlen(text);

	*buf = NULL;
	if (!n || (n & 1))
		return script_error(
			s, "data= needs an even, nonzero number of hex digits");
	if (n / 2 > SCRIPT_DMA_MAX)
		return script_error(s, "data= is longer than %u bytes",
				    SCRIPT_DMA_MAX);
	*buf = malloc(n / 2);
	if (!*buf)
		return script_error(s, "out of memory");
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);

		if (hi < 0 || lo < 0) {
			free(*buf);
			*buf = NULL;
			return script_error(s,
					    "data=: '%c%c' is not a hex byte",
					    text[i], text[i + 1]);
		}
		(*buf)[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

static int need_unit(struct script *s, const char *what)
{
	if (s->unit)
		return 0;
	return script_error(s, "machine %s has no %s", s->kind, what);
}

/* ---- machine ------------------------------------------------------------ */

static const struct sim_unit_ops *find_kind(struct script *s, const char *k)
{
	const struct sim_unit_ops *const *kinds = s->cfg->kinds;

	if (!kinds)
		kinds = iommusim_unit_kinds;
	for (unsigned int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i]->kind, k))
			return kinds[i];
	return NULL;
}

static int kind_list(struct script *s, char *buf, size_t len)
{
	const struct sim_unit_ops *const *kinds = s->cfg->kinds;
	size_t used;

	if (!kinds)
		kinds = iommusim_unit_kinds;
	used = (size_t)snprintf(buf, len, "none");
	for (unsigned int i = 0; kinds[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, ", %s",
					 kinds[i]->kind);
	return 0;
}

static int cmd_machine(struct script *s, int argc, char **argv)
{
	const struct sim_unit_ops *ops = NULL;
	struct sim_opts opts;
	struct sim_err err = { "" };
	uint64_t ram_bits;
	const char *unused;
	char list[256];

	if (s->have_machine)
		return script_error(
			s,
			"machine: the machine already exists (one per script)");
	if (argc < 2)
		return script_error(
			s, "machine: usage: machine KIND [key=value ...]");
	if (strcmp(argv[1], "none")) {
		ops = find_kind(s, argv[1]);
		if (!ops) {
			kind_list(s, list, sizeof(list));
			return script_error(
				s, "machine: unknown kind '%s' (known: %s)",
				argv[1], list);
		}
	}
	if (sim_opts_parse(&opts, argc - 2, argv + 2, &err) ||
	    sim_opt_u64(&opts, "ram", PM_RAM_BITS_DEFAULT, PM_RAM_BITS_MIN,
			PM_RAM_BITS_MAX, &ram_bits, &err))
		return script_error(s, "machine %s: %s", argv[1], err.msg);
	if (pm_create((unsigned int)ram_bits, &s->pm))
		return script_error(s, "machine: out of memory");
	s->kind = ops ? ops->kind : "none";
	s->have_machine = true;
	if (ops && ops->create(s->pm, &opts, &s->unit, &err))
		return script_error(s, "machine %s: %s", argv[1], err.msg);
	unused = sim_opts_unused(&opts);
	if (unused)
		return script_error(
			s,
			"machine %s: unknown option '%s' (options: ram=BITS%s%s)",
			s->kind, unused, ops && ops->options ? " " : "",
			ops && ops->options ? ops->options : "");
	return 0;
}

/* ---- mem ---------------------------------------------------------------- */

/* "write32be" -> write, 4 bytes, big endian. */
static int parse_mem_op(const char *op, const char *verb, unsigned int *size,
			bool *be)
{
	size_t n = strlen(verb);
	const char *w = op + n;

	if (strncmp(op, verb, n))
		return -1;
	if (!strncmp(w, "8", 1) && (w[1] == '\0' || !strcmp(w + 1, "be")))
		*size = 1, w += 1;
	else if (!strncmp(w, "16", 2))
		*size = 2, w += 2;
	else if (!strncmp(w, "32", 2))
		*size = 4, w += 2;
	else if (!strncmp(w, "64", 2))
		*size = 8, w += 2;
	else
		return -1;
	if (!strcmp(w, "be"))
		*be = true;
	else if (!*w)
		*be = false;
	else
		return -1;
	return 0;
}

static int cmd_mem_stats(struct script *s)
{
	struct pm_stats st;

	pm_get_stats(s->pm, &st);
	script_emitf(s,
		     "ram_frames=%" PRIu64 " table_frames=%" PRIu64
		     " table_frames_peak=%" PRIu64 " data_bytes=%" PRIu64
		     " overhead_bytes=%" PRIu64 " regions=%u",
		     st.ram_frames, st.table_frames, st.table_frames_peak,
		     st.data_bytes, st.overhead_bytes, st.regions);
	return 0;
}

static int cmd_mem(struct script *s, int argc, char **argv)
{
	unsigned int size;
	uint64_t addr, val;
	bool be;

	if (argc == 2 && !strcmp(argv[1], "stats"))
		return cmd_mem_stats(s);
	if (argc >= 2 && !parse_mem_op(argv[1], "write", &size, &be)) {
		if (argc != 4)
			return script_error(s, "mem: usage: mem %s ADDR VALUE",
					    argv[1]);
		if (parse_num(s, "address", argv[2], UINT64_MAX, &addr) ||
		    parse_num(s, "value", argv[3],
			      size == 8 ? UINT64_MAX : (1ULL << size * 8) - 1,
			      &val))
			return -1;
		if (pm_store(s->pm, addr, size, be, val) == -EFAULT)
			script_emitf(s, "bus-error addr=0x%" PRIx64, addr);
		return 0;
	}
	if (argc >= 2 && !parse_mem_op(argv[1], "read", &size, &be)) {
		if (argc != 3)
			return script_error(s, "mem: usage: mem %s ADDR",
					    argv[1]);
		if (parse_num(s, "address", argv[2], UINT64_MAX, &addr))
			return -1;
		if (pm_load(s->pm, addr, size, be, &val))
			script_emitf(s, "bus-error addr=0x%" PRIx64, addr);
		else
			script_emitf(s, "0x%" PRIx64, val);
		return 0;
	}
	return script_error(
		s,
		"mem: expected writeN, writeNbe, readN, readNbe (N = 8, 16, 32, 64) or stats");
}

/* ---- mmio --------------------------------------------------------------- */

static int mmio_reg(struct script *s, const char *text, uint64_t *off)
{
	if (text[0] >= '0' && text[0] <= '9')
		return parse_num(s, "register offset", text, UINT64_MAX, off);
	if (!s->unit->ops->reg_lookup ||
	    s->unit->ops->reg_lookup(s->unit, text, off))
		return script_error(
			s, "mmio: machine %s has no register named '%s'",
			s->kind, text);
	return 0;
}

static int cmd_mmio(struct script *s, int argc, char **argv)
{
	struct sim_err err = { "" };
	bool write;
	uint64_t off, val = 0;
	unsigned int size;

	if (need_unit(s, "MMIO registers"))
		return -1;
	if (argc < 2)
		return script_error(
			s, "mmio: expected read32, read64, write32 or write64");
	if (!strcmp(argv[1], "read32") || !strcmp(argv[1], "read64"))
		write = false;
	else if (!strcmp(argv[1], "write32") || !strcmp(argv[1], "write64"))
		write = true;
	else
		return script_error(
			s,
			"mmio: expected read32, read64, write32 or write64, got '%s'",
			argv[1]);
	size = strstr(argv[1], "64") ? 8 : 4;
	if (argc != (write ? 4 : 3))
		return script_error(s, "mmio: usage: mmio %s REG%s", argv[1],
				    write ? " VALUE" : "");
	if (mmio_reg(s, argv[2], &off))
		return -1;
	if (write) {
		if (parse_num(s, "value", argv[3],
			      size == 8 ? UINT64_MAX : UINT32_MAX, &val))
			return -1;
		if (s->unit->ops->mmio_write(s->unit, off, size, val, &err))
			return script_error(s, "mmio: %s", err.msg);
		return 0;
	}
	if (s->unit->ops->mmio_read(s->unit, off, size, &val, &err))
		return script_error(s, "mmio: %s", err.msg);
	script_emitf(s, "0x%" PRIx64, val);
	return 0;
}

/* ---- translate and dma -------------------------------------------------- */

static void do_translate(struct script *s, const struct dma_req *req,
			 struct dma_result *res)
{
	if (!s->unit) {
		/* No IOMMU: the bus address is the physical address. */
		dma_xlat_set(res, req->addr, PM_FRAME_SIZE,
			     DMA_ACC_READ | DMA_ACC_WRITE | DMA_ACC_EXEC);
		return;
	}
	s->unit->ops->translate(s->unit, req, res);
	if (s->unit->tc)
		tcache_drain_stale(s->unit->tc, stale_line, s);
}

static int parse_source(struct script *s, const char *text, struct dma_req *req)
{
	uint64_t v;

	if (parse_num(s, "source id", text, UINT32_MAX, &v))
		return -1;
	req->source_id = (uint32_t)v;
	return 0;
}

static int parse_pasid(struct script *s, const char *text, struct dma_req *req)
{
	uint64_t v;

	/* PCIe PASIDs and SMMUv3 SubstreamIDs are at most 20 bits. */
	if (parse_num(s, "pasid", text, 0xfffff, &v))
		return -1;
	req->pasid = (uint32_t)v;
	req->has_pasid = true;
	return 0;
}

static int parse_access(struct script *s, const char *text, unsigned int *acc)
{
	if (!strcmp(text, "r"))
		*acc = DMA_ACC_READ;
	else if (!strcmp(text, "w"))
		*acc = DMA_ACC_WRITE;
	else if (!strcmp(text, "rw"))
		*acc = DMA_ACC_READ | DMA_ACC_WRITE;
	else
		return script_error(s, "access=%s: expected r, w or rw", text);
	return 0;
}

static int cmd_translate(struct script *s, int argc, char **argv)
{
	struct dma_req req = { 0 };
	struct dma_result res;
	bool have_iova = false;
	unsigned int acc = 0;
	char line[1024];
	const char *v;

	if (argc < 2)
		return script_error(
			s,
			"translate: usage: translate SRC iova=ADDR access=r|w|rw [pasid=N] [priv] [exec]");
	if (parse_source(s, argv[1], &req))
		return -1;
	for (int i = 2; i < argc; i++) {
		if ((v = key_value(argv[i], "iova"))) {
			if (parse_num(s, "iova", v, UINT64_MAX, &req.addr))
				return -1;
			have_iova = true;
		} else if ((v = key_value(argv[i], "access"))) {
			if (parse_access(s, v, &acc))
				return -1;
		} else if ((v = key_value(argv[i], "pasid"))) {
			if (parse_pasid(s, v, &req))
				return -1;
		} else if (!strcmp(argv[i], "priv")) {
			req.access |= DMA_ACC_PRIV;
		} else if (!strcmp(argv[i], "exec")) {
			req.access |= DMA_ACC_EXEC;
		} else {
			return script_error(s, "translate: unexpected '%s'",
					    argv[i]);
		}
	}
	if (!have_iova || !acc)
		return script_error(
			s, "translate: iova= and access= are required");
	req.access |= acc;
	do_translate(s, &req, &res);
	dma_result_format(&res, line, sizeof(line));
	script_emit(s, line);
	return 0;
}

/*
 * Move @len bytes between @buf and the device's view of memory, one
 * translated page at a time, the way a DMA engine splits a transfer at
 * page boundaries. The first fault or bus error ends the transfer (bytes
 * before it have moved, as on a real bus) and is the command's line.
 */
static bool dma_transfer(struct script *s, struct dma_req *req, uint8_t *buf,
			 size_t len)
{
	bool write = req->access & DMA_ACC_WRITE;
	uint64_t iova = req->addr;
	struct dma_result res;
	char line[1024];
	size_t done = 0;

	while (done < len) {
		uint64_t size, chunk;
		int ret;

		req->addr = iova + done;
		do_translate(s, req, &res);
		if (!res.ok) {
			dma_result_format(&res, line, sizeof(line));
			script_emit(s, line);
			return false;
		}
		size = res.xlat.page_size;
		/* A unit bug must not stall or overrun the transfer. */
		if (!size || (size & (size - 1)))
			size = PM_FRAME_SIZE;
		chunk = size - (req->addr & (size - 1));
		if (chunk > len - done)
			chunk = len - done;
		if (write)
			ret = pm_write(s->pm, res.xlat.out_addr, buf + done,
				       chunk);
		else
			ret = pm_read(s->pm, res.xlat.out_addr, buf + done,
				      chunk);
		if (ret) {
			script_emitf(s, "bus-error pa=0x%" PRIx64,
				     res.xlat.out_addr);
			return false;
		}
		done += chunk;
	}
	return true;
}

static int dma_args(struct script *s, int argc, char **argv, bool write,
		    struct dma_req *req, uint8_t **data, size_t *len)
{
	bool have_iova = false;
	uint64_t n = 0;
	const char *v;

	if (parse_source(s, argv[2], req))
		return -1;
	for (int i = 3; i < argc; i++) {
		if ((v = key_value(argv[i], "iova"))) {
			if (parse_num(s, "iova", v, UINT64_MAX, &req->addr))
				return -1;
			have_iova = true;
		} else if ((v = key_value(argv[i], "pasid"))) {
			if (parse_pasid(s, v, req))
				return -1;
		} else if (write && (v = key_value(argv[i], "data"))) {
			free(*data);
			if (parse_hex_bytes(s, v, data, len))
				return -1;
		} else if (!write && (v = key_value(argv[i], "len"))) {
			if (parse_num(s, "len", v, SCRIPT_DMA_MAX, &n))
				return -1;
			if (!n)
				return script_error(
					s, "dma read: len must be at least 1");
			*len = (size_t)n;
		} else {
			return script_error(s, "dma %s: unexpected '%s'",
					    argv[1], argv[i]);
		}
	}
	if (!have_iova || !*len)
		return script_error(
			s, write ? "dma write: iova= and data= are required" :
				   "dma read: iova= and len= are required");
	if (req->addr + (*len - 1) < req->addr)
		return script_error(s, "dma: iova range wraps past 2^64");
	return 0;
}

static int cmd_dma(struct script *s, int argc, char **argv)
{
	struct dma_req req = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	bool write;
	int ret = -1;

	if (argc < 3 || (strcmp(argv[1], "read") && strcmp(argv[1], "write")))
		return script_error(
			s,
			"dma: usage: dma write SRC iova=ADDR data=HEX [pasid=N] | dma read SRC iova=ADDR len=N [pasid=N]");
	write = !strcmp(argv[1], "write");
	if (dma_args(s, argc, argv, write, &req, &data, &len))
		goto out_free;
	req.access = write ? DMA_ACC_WRITE : DMA_ACC_READ;
	if (!write) {
		data = calloc(1, len);
		if (!data) {
			script_error(s, "out of memory");
			goto out_free;
		}
	}
	ret = 0;
	if (!dma_transfer(s, &req, data, len))
		goto out_free;
	if (write) {
		script_emit(s, "ok");
	} else {
		char *line = malloc(len * 2 + 16);

		if (!line) {
			ret = script_error(s, "out of memory");
			goto out_free;
		}
		strcpy(line, "ok data=");
		for (size_t i = 0; i < len; i++)
			sprintf(line + 8 + i * 2, "%02x", data[i]);
		/* script_emitf would cut a long line; emit it whole. */
		script_emit(s, line);
		free(line);
	}
out_free:
	free(data);
	return ret;
}

/* ---- events, trace, cache ----------------------------------------------- */

static int cmd_events(struct script *s, int argc, char **argv)
{
	struct sim_out out = { .line = out_line, .ctx = s };

	(void)argv;
	if (argc != 1)
		return script_error(s, "events: takes no arguments");
	if (s->unit && s->unit->ops->drain_events)
		s->unit->ops->drain_events(s->unit, &out);
	script_emit(s, "end");
	return 0;
}

static int cmd_trace(struct script *s, int argc, char **argv)
{
	bool on;

	if (argc != 2 || (strcmp(argv[1], "on") && strcmp(argv[1], "off")))
		return script_error(
			s, "trace: expected 'trace on' or 'trace off'");
	on = !strcmp(argv[1], "on");
	if (s->unit)
		trace_set(&s->unit->trace, on, trace_line, s);
	return 0;
}

static int cmd_cache(struct script *s, int argc, char **argv)
{
	struct tcache_stats st;

	if (!s->unit || !s->unit->tc)
		return script_error(s, "machine %s has no translation cache",
				    s->kind);
	if (argc == 2 && !strcmp(argv[1], "stats")) {
		tcache_get_stats(s->unit->tc, &st);
		script_emitf(s,
			     "hits=%" PRIu64 " misses=%" PRIu64
			     " entries=%" PRIu64 " capacity=%" PRIu64
			     " evictions=%" PRIu64 " invalidated=%" PRIu64
			     " stale=%" PRIu64 " strict=%s",
			     st.hits, st.misses, st.entries, st.capacity,
			     st.evictions, st.invalidated, st.stale,
			     tcache_strict(s->unit->tc) ? "on" : "off");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "strict") &&
	    (!strcmp(argv[2], "on") || !strcmp(argv[2], "off"))) {
		tcache_set_strict(s->unit->tc, !strcmp(argv[2], "on"));
		return 0;
	}
	return script_error(
		s, "cache: expected 'cache stats' or 'cache strict on|off'");
}

/* Back to the reset state; memory is not part of the unit and stays. */
static int cmd_reset(struct script *s, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return script_error(s, "reset: takes no arguments");
	if (s->unit && s->unit->ops->reset)
		s->unit->ops->reset(s->unit);
	return 0;
}

/* ---- expect ------------------------------------------------------------- */

/* @line, trimmed, equals @want or starts with @want and a space. */
static bool expect_matches(const char *line, const char *want)
{
	size_t n = strlen(want), l;

	while (*line == ' ' || *line == '\t')
		line++;
	l = strlen(line);
	while (l && (line[l - 1] == ' ' || line[l - 1] == '\t'))
		l--;
	if (l < n || strncmp(line, want, n))
		return false;
	return l == n || line[n] == ' ';
}

static void run_expect(struct script *s, const char *want)
{
	const char *got;

	if (s->checked >= s->nlines) {
		fprintf(s->cfg->err,
			"%s:%u: expect failed: wanted '%s', but the previous command printed no further line\n",
			s->name, s->lineno, want);
		s->failures++;
		return;
	}
	got = s->lines[s->checked++];
	if (expect_matches(got, want))
		return;
	fprintf(s->cfg->err, "%s:%u: expect failed: wanted '%s', got '%s'\n",
		s->name, s->lineno, want, got);
	s->failures++;
}

/* ---- dispatch ----------------------------------------------------------- */

static const struct script_cmd script_cmds[] = {
	{ "machine", cmd_machine }, { "mem", cmd_mem },
	{ "mmio", cmd_mmio },	    { "translate", cmd_translate },
	{ "dma", cmd_dma },	    { "events", cmd_events },
	{ "trace", cmd_trace },	    { "cache", cmd_cache },
	{ "reset", cmd_reset },
};

static int unit_command(struct script *s, int argc, char **argv)
{
	struct sim_out out = { .line = out_line, .ctx = s };
	struct sim_err err = { "" };
	int ret = -ENOENT;

	if (s->unit && s->unit->ops->command)
		ret = s->unit->ops->command(s->unit, argc, argv, &out, &err);
	if (ret == -ENOENT)
		return script_error(s, "unknown command '%s'", argv[0]);
	if (ret)
		return script_error(s, "%s: %s", argv[0],
				    err.msg[0] ? err.msg : "failed");
	return 0;
}

static int dispatch(struct script *s, int argc, char **argv)
{
	if (!s->have_machine && strcmp(argv[0], "machine"))
		return script_error(s,
				    "the first command must be 'machine KIND'");
	lines_clear(s);
	for (unsigned int i = 0; i < ARRAY_SIZE(script_cmds); i++)
		if (!strcmp(argv[0], script_cmds[i].name))
			return script_cmds[i].fn(s, argc, argv);
	return unit_command(s, argc, argv);
}

static char *trim(char *p)
{
	char *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return p;
}

/* One line, NUL-terminated and writable. Returns -1 on a usage error. */
static int run_line(struct script *s, char *line)
{
	char *argv[SCRIPT_MAX_WORDS];
	char *hash = strchr(line, '#');
	char *save = NULL;
	int argc = 0;
	char *p;

	if (hash)
		*hash = '\0';
	line = trim(line);
	if (!*line)
		return 0;
	if (!strncmp(line, "expect", 6) &&
	    (line[6] == ' ' || line[6] == '\t' || !line[6])) {
		char *want = trim(line + 6);

		if (!*want)
			return script_error(s, "expect: usage: expect TEXT");
		if (!s->have_machine)
			return script_error(
				s, "the first command must be 'machine KIND'");
		run_expect(s, want);
		return 0;
	}
	/* expect lines are not echoed: the line they check is right above */
	if (s->cfg->echo)
		fprintf(s->cfg->out, "> %s\n", line);
	for (p = strtok_r(line, " \t", &save); p;
	     p = strtok_r(NULL, " \t", &save)) {
		if (argc == SCRIPT_MAX_WORDS)
			return script_error(s, "more than %d words on one line",
					    SCRIPT_MAX_WORDS);
		argv[argc++] = p;
	}
	return dispatch(s, argc, argv);
}

static void script_free(struct script *s)
{
	lines_clear(s);
	free(s->lines);
	if (s->unit)
		s->unit->ops->destroy(s->unit);
	pm_destroy(s->pm);
}

/**
 * script_run_buffer() - run a whole script held in memory.
 * @cfg: kinds and streams.
 * @name: the file name used in messages.
 * @text: the script (need not be NUL-terminated; may contain anything).
 * @len: its length.
 *
 * Return: SCRIPT_OK, SCRIPT_EXPECT_FAILED or SCRIPT_USAGE.
 */
int script_run_buffer(const struct script_cfg *cfg, const char *name,
		      const char *text, size_t len)
{
	struct script s = { .cfg = cfg, .name = name, .kind = "none" };
	int status = SCRIPT_OK;
	size_t pos = 0;
	char *line;

	if (len > SCRIPT_MAX_BYTES) {
		fprintf(cfg->err, "%s: larger than %u bytes\n", name,
			SCRIPT_MAX_BYTES);
		return SCRIPT_USAGE;
	}
	while (pos < len && status == SCRIPT_OK) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		s.lineno++;
		if (memchr(text + pos, '\0', n)) {
			script_error(&s, "NUL byte in line");
			status = SCRIPT_USAGE;
			break;
		}
		line = strndup(text + pos, n);
		if (!line || run_line(&s, line))
			status = SCRIPT_USAGE;
		if (!line)
			script_error(&s, "out of memory");
		free(line);
		pos += n + 1;
	}
	if (status == SCRIPT_USAGE)
		fprintf(cfg->err, "%s:%u: %s\n", name, s.lineno, s.msg);
	else if (!s.have_machine)
		fprintf(cfg->err,
			"%s: warning: no 'machine' line, nothing ran\n", name);
	if (status == SCRIPT_OK && s.failures) {
		fprintf(cfg->err, "%s: %u expect line%s failed\n", name,
			s.failures, s.failures == 1 ? "" : "s");
		status = SCRIPT_EXPECT_FAILED;
	}
	script_free(&s);
	return status;
}

/**
 * script_run_file() - read @path ("-" for standard input) and run it.
 * @cfg: kinds and streams.
 * @path: the file.
 *
 * Return: as script_run_buffer(); SCRIPT_USAGE when the file cannot be read.
 */
int script_run_file(const struct script_cfg *cfg, const char *path)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int ret;

	if (!f) {
		fprintf(cfg->err, "%s: %s\n", path, strerror(errno));
		return SCRIPT_USAGE;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = cap > SCRIPT_MAX_BYTES + 1 ? NULL :
							  realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (!n)
			break;
	}
	if (ferror(f) || (len == cap && !feof(f))) {
		fprintf(cfg->err,
			"%s: cannot read the whole file (larger than %u bytes?)\n",
			path, SCRIPT_MAX_BYTES);
		ret = SCRIPT_USAGE;
	} else {
		ret = script_run_buffer(cfg, is_stdin ? "<stdin>" : path, buf,
					len);
	}
	if (!is_stdin)
		fclose(f);
	free(buf);
	return ret;
}

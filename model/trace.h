/* SPDX-License-Identifier: MIT */
/*
 * trace.h - one event per structure fetch of a hardware walk.
 *
 * A walker calls trace_fetch() after every read of an in-memory structure
 * (root entry, context entry, STE, CD, page-table entry, TCE ...): what it
 * was, where it lived, the raw value, the fields it decoded and what the
 * walker decided ("next level", "leaf", "fault: not present"). Teaching
 * output (`trace on` in scripts), debugging and tests all read these same
 * events through one sink.
 *
 * Cost when off: trace_fetch() is a macro that tests one flag with a
 * not-taken branch hint before evaluating any argument, so the decoded-field
 * formatting is never done unless someone is listening.
 */
#ifndef IOMMUSIM_MODEL_TRACE_H
#define IOMMUSIM_MODEL_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "bits.h"

#define TRACE_FIELDS_MAX 192

/**
 * struct trace_event - one structure fetch.
 * @structure: the specification's name of what was read ("context-entry").
 * @addr: physical address of its first byte.
 * @raw: the raw words as read (already byte-swapped to numbers).
 * @nraw: how many of @raw are meaningful (1..4).
 * @fields: decoded fields as "KEY=VALUE ..." (may be empty).
 * @decision: what the walker did with it.
 */
struct trace_event {
	const char *structure;
	uint64_t addr;
	uint64_t raw[4];
	unsigned int nraw;
	char fields[TRACE_FIELDS_MAX];
	const char *decision;
};

typedef void (*trace_sink_fn)(void *ctx, const struct trace_event *ev);

/**
 * struct trace - a unit's trace switch and sink.
 * @on: whether events are produced at all.
 * @sink: receives each event (called only while @on).
 * @ctx: passed to @sink.
 * @count: events delivered since creation (tests use it).
 */
struct trace {
	bool on;
	trace_sink_fn sink;
	void *ctx;
	uint64_t count;
};

void trace_set(struct trace *tr, bool on, trace_sink_fn sink, void *ctx);

void __trace_fetch(struct trace *tr, const char *structure, uint64_t addr,
		   const uint64_t *raw, unsigned int nraw, const char *decision,
		   const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/*
 * trace_fetch(tr, structure, addr, raw, nraw, decision, fmt, ...) - report
 * one fetch; @fmt and its arguments describe the decoded fields.
 */
#define trace_fetch(tr, ...)                              \
	do {                                              \
		if (unlikely((tr)->on))                   \
			__trace_fetch((tr), __VA_ARGS__); \
	} while (0)

int trace_event_format(const struct trace_event *ev, char *buf,
		       unsigned int len);

#endif /* IOMMUSIM_MODEL_TRACE_H */

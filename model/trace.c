// SPDX-License-Identifier: MIT
/*
 * trace.c - delivery and printing of structure-fetch events.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trace.h"

/**
 * trace_set() - switch tracing on or off and choose the sink.
 * @tr: the unit's trace.
 * @on: produce events from now on.
 * @sink: where they go; with NULL tracing stays off.
 * @ctx: for @sink.
 */
void trace_set(struct trace *tr, bool on, trace_sink_fn sink, void *ctx)
{
	tr->sink = sink;
	tr->ctx = ctx;
	tr->on = on && sink;
}

/* Out of line on purpose: only reached when tracing is on. */
void __trace_fetch(struct trace *tr, const char *structure, uint64_t addr,
		   const uint64_t *raw, unsigned int nraw, const char *decision,
		   const char *fmt, ...)
{
	struct trace_event ev = {
		.structure = structure,
		.addr = addr,
		.decision = decision,
	};
	va_list ap;

	if (!tr->sink)
		return;
	if (nraw > ARRAY_SIZE(ev.raw))
		nraw = ARRAY_SIZE(ev.raw);
	if (raw)
		memcpy(ev.raw, raw, nraw * sizeof(*raw));
	ev.nraw = raw ? nraw : 0;
	va_start(ap, fmt);
	vsnprintf(ev.fields, sizeof(ev.fields), fmt, ap);
	va_end(ap);
	tr->count++;
	tr->sink(tr->ctx, &ev);
}

/**
 * trace_event_format() - one event as the scripts' teaching line:
 *   "STRUCTURE @0xADDR raw=0x...[:0x...] FIELDS -> DECISION"
 * (raw words of a multi-word entry are printed highest word first, the
 * way the specifications draw them). The caller adds the indent.
 * @ev: the event.
 * @buf: output.
 * @len: its size.
 *
 * Return: what snprintf returns for the whole line.
 */
int trace_event_format(const struct trace_event *ev, char *buf,
		       unsigned int len)
{
	size_t used;
	int n;

	n = snprintf(buf, len, "%s @0x%" PRIx64, ev->structure, ev->addr);
	for (unsigned int i = 0; i < ev->nraw && n >= 0; i++) {
		used = (size_t)n < len ? (size_t)n : len;
		n += snprintf(buf + used, len - used, "%s0x%016" PRIx64,
			      i ? ":" : " raw=", ev->raw[ev->nraw - 1 - i]);
	}
	if (n < 0)
		return n;
	used = (size_t)n < len ? (size_t)n : len;
	n += snprintf(buf + used, len - used, "%s%s -> %s",
		      ev->fields[0] ? " " : "", ev->fields,
		      ev->decision ? ev->decision : "?");
	return n;
}

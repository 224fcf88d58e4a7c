// SPDX-License-Identifier: MIT
/*
 * unit.c - options, messages and numbers shared by every unit and the
 * scenario runner. Numbers are decimal or 0x-hex, unsigned, 64-bit, and
 * anything else (a sign, a trailing letter, overflow) is refused.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

/**
 * sim_errf() - set @err's message.
 * @err: where it goes (may be NULL).
 * @fmt: printf format.
 *
 * Return: -EINVAL, so callers can `return sim_errf(err, ...)`.
 */
int sim_errf(struct sim_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * sim_outf() - emit one formatted output line.
 * @out: the sink.
 * @fmt: printf format; lines longer than 1 KiB are cut.
 */
void sim_outf(struct sim_out *out, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	out->line(out->ctx, buf);
}

/**
 * sim_parse_u64() - parse a decimal or 0x-hex unsigned number.
 * @s: the text (whole string must be the number).
 * @val: result.
 *
 * Return: 0, or -EINVAL (not a number), -ERANGE (above 2^64 - 1).
 */
int sim_parse_u64(const char *s, uint64_t *val)
{
	unsigned int base = 10;
	uint64_t v = 0;

	*val = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return -ERANGE;
	}
	*val = v;
	return 0;
}

/**
 * sim_opts_parse() - split `key=value` words.
 * @o: filled in; points into @argv, which must outlive it.
 * @argc: word count.
 * @argv: the words.
 * @err: message on failure.
 *
 * Return: 0, or -EINVAL for a word without '=', an empty key, a repeated
 * key or more than SIM_OPTS_MAX words.
 */
int sim_opts_parse(struct sim_opts *o, int argc, char **argv,
		   struct sim_err *err)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i])
			return sim_errf(err, "expected key=value, got '%s'",
					argv[i]);
		if (o->n == SIM_OPTS_MAX)
			return sim_errf(err, "more than %d options",
					SIM_OPTS_MAX);
		*eq = '\0';
		for (unsigned int j = 0; j < o->n; j++)
			if (!strcmp(o->kv[j].key, argv[i]))
				return sim_errf(err, "option '%s' given twice",
						argv[i]);
		o->kv[o->n].key = argv[i];
		o->kv[o->n].val = eq + 1;
		o->n++;
	}
	return 0;
}

static const char *opt_take(struct sim_opts *o, const char *key)
{
	for (unsigned int i = 0; i < o->n; i++) {
		if (!strcmp(o->kv[i].key, key)) {
			o->kv[i].used = true;
			return o->kv[i].val;
		}
	}
	return NULL;
}

/**
 * sim_opt_u64() - a numeric option.
 * @o: the options.
 * @key: its name.
 * @def: value when absent.
 * @min: smallest allowed.
 * @max: largest allowed.
 * @val: result.
 * @err: message on failure.
 *
 * Return: 0, or -EINVAL with @err naming the option and the range.
 */
int sim_opt_u64(struct sim_opts *o, const char *key, uint64_t def, uint64_t min,
		uint64_t max, uint64_t *val, struct sim_err *err)
{
	const char *s = opt_take(o, key);

	*val = def;
	if (!s)
		return 0;
	if (sim_parse_u64(s, val) || *val < min || *val > max)
		return sim_errf(
			err,
			"option %s=%s: expected a number from %llu to %llu",
			key, s, (unsigned long long)min,
			(unsigned long long)max);
	return 0;
}

/**
 * sim_opt_choice() - an option that takes one of a few words.
 * @o: the options.
 * @key: its name.
 * @choices: NULL-terminated list of words.
 * @def: index used when absent.
 * @val: index of the word given.
 * @err: message on failure.
 *
 * Return: 0, or -EINVAL listing the choices.
 */
int sim_opt_choice(struct sim_opts *o, const char *key,
		   const char *const *choices, unsigned int def,
		   unsigned int *val, struct sim_err *err)
{
	const char *s = opt_take(o, key);
	char list[128] = "";
	size_t used = 0;

	*val = def;
	if (!s)
		return 0;
	for (unsigned int i = 0; choices[i]; i++) {
		if (!strcmp(s, choices[i])) {
			*val = i;
			return 0;
		}
	}
	for (unsigned int i = 0; choices[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? "|" : "", choices[i]);
	return sim_errf(err, "option %s=%s: expected %s", key, s, list);
}

/** sim_opts_unused() - the first key nobody looked up, or NULL. */
const char *sim_opts_unused(const struct sim_opts *o)
{
	for (unsigned int i = 0; i < o->n; i++)
		if (!o->kv[i].used)
			return o->kv[i].key;
	return NULL;
}

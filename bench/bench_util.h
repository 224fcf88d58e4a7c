/* SPDX-License-Identifier: MIT */
/*
 * bench_util.h - what every bench/ program shares: the clock, the
 * command line (--quick, --json FILE) and, for map/unmap benches, the
 * row type with its table and JSON output. Header-only: each benchmark
 * is its own small program.
 */
#ifndef IOMMUSIM_BENCH_UTIL_H
#define IOMMUSIM_BENCH_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* 0, or 2 after printing the usage for @name. */
static inline int bench_parse_args(int argc, char **argv, const char *name,
				   bool *quick, const char **json)
{
	*quick = false;
	*json = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			*quick = true;
		} else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
			*json = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--quick] [--json FILE]\n",
				name);
			return 2;
		}
	}
	return 0;
}

/* One map/unmap case: ns per call and the same-run baseline. */
struct bench_mu_row {
	char name[48];
	double map_ns, unmap_ns, base_ns;
};

static inline void bench_mu_print(const struct bench_mu_row *rows, size_t n)
{
	printf("%-24s %10s %10s %12s %9s %9s\n", "case", "map ns", "unmap ns",
	       "baseline ns", "map/base", "unmap/base");
	for (size_t i = 0; i < n; i++)
		printf("%-24s %10.1f %10.1f %12.1f %9.2f %9.2f\n", rows[i].name,
		       rows[i].map_ns, rows[i].unmap_ns, rows[i].base_ns,
		       rows[i].map_ns / rows[i].base_ns,
		       rows[i].unmap_ns / rows[i].base_ns);
}

/* 0, or -1 with the reason printed. */
static inline int bench_mu_json(const char *path, const char *bench,
				const struct bench_mu_row *rows, size_t n)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"bench\": \"%s\",\n  \"results\": [\n", bench);
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"    {\"case\": \"%s\", \"map_ns\": %.2f, "
			"\"unmap_ns\": %.2f, \"baseline_ns\": %.2f, "
			"\"map_ratio\": %.3f, \"unmap_ratio\": %.3f}%s\n",
			rows[i].name, rows[i].map_ns, rows[i].unmap_ns,
			rows[i].base_ns, rows[i].map_ns / rows[i].base_ns,
			rows[i].unmap_ns / rows[i].base_ns,
			i + 1 < n ? "," : "");
	fprintf(f, "  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

#endif /* IOMMUSIM_BENCH_UTIL_H */

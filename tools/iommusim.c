// SPDX-License-Identifier: MIT
/*
 * iommusim.c - the command-line front end: `iommusim SUBCOMMAND ...`.
 */
#include <stdio.h>
#include <string.h>

#include "mount.h"
#include "script.h"

#ifndef IOMMUSIM_VERSION
#define IOMMUSIM_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iommusim COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  script [--echo] FILE|-\n"
		"                  run a scenario script (docs/SCRIPTS.md); --echo\n"
		"                  prints each command before its output;\n"
		"                  exit 0: every expect held, 1: an expect failed,\n"
		"                  2: syntax or usage error\n"
		"  run [--topology SPEC] [--] PROGRAM [ARGS...]\n"
		"                  run PROGRAM with the simulated /dev/iommu and\n"
		"                  /dev/vfio/devices/vfioN (private mount\n"
		"                  namespace); exit with its status\n"
		"  mount [--topology SPEC] [--foreground] DIR\n"
		"                  serve the simulated /dev/iommu as DIR/iommu\n"
		"                  (FUSE) until unmounted or signalled\n"
		"  SPEC: space-separated devices=N (1-256, default 4),\n"
		"        group=G (devices per IOMMU group, 1-8, default 1)\n"
		"        and VT-d options as a script's `machine vtd` line\n"
		"        takes them (docs/transport.md)\n"
		"  kinds           list the machine kinds a script can create\n"
		"  version         print the version\n"
		"  help            this text\n");
}

/* `run` and `mount`: their options, then PROGRAM or DIR. */
static int cmd_serve(int argc, char **argv)
{
	bool run = !strcmp(argv[1], "run"), fg = false;
	const char *spec = NULL;
	struct iofd_topology topo;
	char vtd[1024], err[256];
	int i = 2;

	while (i < argc) {
		if (!strcmp(argv[i], "--topology") && i + 1 < argc) {
			spec = argv[i + 1];
			i += 2;
		} else if (!run && !strcmp(argv[i], "--foreground")) {
			fg = true;
			i++;
		} else {
			i += !strcmp(argv[i], "--");
			break;
		}
	}
	if (run ? i >= argc : i != argc - 1) {
		fprintf(stderr, run ? "usage: iommusim run [--topology SPEC] "
				      "[--] PROGRAM [ARGS...]\n" :
				      "usage: iommusim mount [--topology SPEC] "
				      "[--foreground] DIR\n");
		return 2;
	}
	if (topology_parse(spec, &topo, vtd, sizeof(vtd), err, sizeof(err))) {
		fprintf(stderr, "iommusim %s: --topology: %s\n", argv[1], err);
		return 2;
	}
	return run ? iommusim_run(argv + i, &topo) :
		     iommusim_mount(argv[i], fg, &topo);
}

static int cmd_kinds(void)
{
	printf("none\tmemory only, no IOMMU: DMA addresses are physical\n");
	for (unsigned int i = 0; iommusim_unit_kinds[i]; i++)
		printf("%s\t%s\n", iommusim_unit_kinds[i]->kind,
		       iommusim_unit_kinds[i]->summary);
	return 0;
}

int main(int argc, char **argv)
{
	struct script_cfg cfg = { .out = stdout, .err = stderr };

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "script")) {
		int i = 2;

		if (argc == 4 && !strcmp(argv[2], "--echo")) {
			cfg.echo = true;
			i = 3;
		}
		if (argc != i + 1) {
			fprintf(stderr,
				"usage: iommusim script [--echo] FILE|-\n");
			return 2;
		}
		return script_run_file(&cfg, argv[i]);
	}
	if (!strcmp(argv[1], "run") || !strcmp(argv[1], "mount"))
		return cmd_serve(argc, argv);
	if (!strcmp(argv[1], "kinds") && argc == 2)
		return cmd_kinds();
	if (!strcmp(argv[1], "version") && argc == 2) {
		printf("iommusim %s\n", IOMMUSIM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "iommusim: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}

/* SPDX-License-Identifier: MIT */
/*
 * e2e.h - what every end-to-end client shares: CHECK, which reports a
 * failed condition with its line and errno and counts it, so a client
 * runs all its checks and exits 1 if any failed; and stat_value, a
 * count from the daemon's stats file.
 */
#ifndef IOMMUSIM_TESTS_E2E_H
#define IOMMUSIM_TESTS_E2E_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			fprintf(stderr,                                 \
				"%s:%d: check failed: %s (errno %d)\n", \
				__FILE__, __LINE__, #cond, errno);      \
			failures++;                                     \
		}                                                       \
	} while (0)

/* The count @name in /dev/iommusim/stats (`iommusim run` mounts the
 * daemon's directory there), or -1. */
static inline int stat_value(const char *name)
{
	char text[512], *at;
	int fd = open("/dev/iommusim/stats", O_RDONLY), n;

	if (fd < 0)
		return -1;
	n = (int)read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	at = strstr(text, name);
	return at ? atoi(at + strlen(name) + 1) : -1;
}

#endif /* IOMMUSIM_TESTS_E2E_H */

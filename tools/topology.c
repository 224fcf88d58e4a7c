// SPDX-License-Identifier: MIT
/*
 * topology.c - the machine `iommusim mount` and `iommusim run` serve,
 * from `--topology SPEC`: space-separated key=value words. `devices=N`
 * (PCI devices behind the VT-d unit, one vfio file each, 1-256; default
 * 4), `group=G` (VT-d devices per IOMMU group, 1-8; default 1) and
 * `smmuv3=N` (PCI devices behind the Arm SMMUv3 unit, numbered after the
 * VT-d ones, 0-256; default 4; 0: no SMMUv3), `ppc=N` (PCI devices
 * behind the IBM POWER PHB, numbered after the SMMUv3's, one PE each,
 * 0-255; default 2; 0: no PHB), `phb=3|4` (its generation; default 4),
 * `tce_win64_bits=B` (the 64-bit DMA window is 2^B bytes, 24-58;
 * default 40), `tce_page_shift=S` (its IO page shift; default 16) and
 * `tce_levels=L` (TCE table levels, 1-5; default 2) are the machine's; every
 * other word is an option of the VT-d unit, as a scenario's `machine
 * vtd` line takes them (docs/SCRIPTS.md). Given any VT-d word, the unit
 * has exactly those options; given none, the default
 * (mode=scalable slads=1 nest=1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mount.h"

static int number(const char *word, const char *key, unsigned int min,
		  unsigned int max, unsigned int *out, char *err, size_t errlen)
{
	const char *v = word + strlen(key);
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || n < min || n > max) {
		snprintf(err, errlen, "%s must be a number from %u to %u", key,
			 min, max);
		return -1;
	}
	*out = (unsigned int)n;
	return 0;
}

/**
 * topology_parse() - @spec into @t; the VT-d words are copied to @vtd.
 * @spec: the words (NULL or empty: the default machine).
 * @t: the topology (its vtd points into @vtd, or is NULL).
 * @vtd: room for the VT-d words.
 * @vtdlen: its size.
 * @err: a message for a person on failure.
 * @errlen: its size.
 *
 * Return: 0, or -1 with @err set.
 */
int topology_parse(const char *spec, struct iofd_topology *t, char *vtd,
		   size_t vtdlen, char *err, size_t errlen)
{
	char *copy = strdup(spec ? spec : ""), *save = NULL, *w;
	size_t used = 0;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	vtd[0] = 0;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (w = strtok_r(copy, " \t", &save); w && !ret;
	     w = strtok_r(NULL, " \t", &save)) {
		if (!strncmp(w, "devices=", 8)) {
			ret = number(w, "devices=", 1, IOFD_SYS_MAX_DEVS,
				     &t->ndevs, err, errlen);
		} else if (!strncmp(w, "smmuv3=", 7)) {
			ret = number(w, "smmuv3=", 0, IOFD_SYS_MAX_DEVS,
				     &t->nsmmu, err, errlen);
			if (!ret && !t->nsmmu)
				t->nsmmu = IOFD_TOPO_NONE;
		} else if (!strncmp(w, "ppc=", 4)) {
			ret = number(w, "ppc=", 0, 255, &t->nppc, err, errlen);
			if (!ret && !t->nppc)
				t->nppc = IOFD_TOPO_NONE;
		} else if (!strncmp(w, "phb=", 4)) {
			ret = number(w, "phb=", 3, 4, &t->phb_gen, err, errlen);
		} else if (!strncmp(w, "tce_win64_bits=", 15)) {
			ret = number(w, "tce_win64_bits=", 24, 58,
				     &t->tce_win64_bits, err, errlen);
		} else if (!strncmp(w, "tce_page_shift=", 15)) {
			ret = number(w, "tce_page_shift=", 12, 30,
				     &t->tce_page_shift, err, errlen);
		} else if (!strncmp(w, "tce_levels=", 11)) {
			ret = number(w, "tce_levels=", 1, 5, &t->tce_levels,
				     err, errlen);
		} else if (!strncmp(w, "group=", 6)) {
			ret = number(w, "group=", 1, 8, &t->group_size, err,
				     errlen);
		} else if (!strchr(w, '=')) {
			snprintf(err, errlen, "'%s' is not key=value", w);
			ret = -1;
		} else if (used + strlen(w) + 2 > vtdlen) {
			snprintf(err, errlen, "too many VT-d options");
			ret = -1;
		} else {
			used += (size_t)snprintf(vtd + used, vtdlen - used,
						 "%s%s", used ? " " : "", w);
		}
	}
	free(copy);
	t->vtd = vtd[0] ? vtd : NULL;
	return ret;
}

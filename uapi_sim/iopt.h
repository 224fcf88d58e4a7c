/* SPDX-License-Identifier: MIT */
/*
 * iopt.h - an IOAS's IOVA space (the kernel's io_pagetable): the mapped
 * areas in a balanced tree keyed by IOVA (AVL; areas never overlap, so the
 * neighbours of a point answer every overlap question in O(log n)).
 *
 * Vocabulary as the kernel's: [iova, last] with @last inclusive.
 */
#ifndef IOMMUSIM_UAPI_SIM_IOPT_H
#define IOMMUSIM_UAPI_SIM_IOPT_H

#include <stdbool.h>
#include <stdint.h>

struct iofd_pages;

struct iopt_area {
	uint64_t iova;
	uint64_t last;
	uint64_t user_va; /* of iova */
	unsigned int prot; /* IOMMU_IOAS_MAP_READABLE / WRITEABLE */
	struct iofd_pages *pages; /* the user memory (pages.c) */
	bool pinned; /* holds a pin of @pages: it is in the domains */
	/* tree links and the subtree summary kept by iopt.c */
	struct iopt_area *left, *right;
	int height;
	uint64_t min_iova, max_last; /* span of the subtree */
	uint64_t max_hole; /* largest gap between its consecutive areas */
};

struct iopt {
	struct iopt_area *root;
	uint64_t nareas;
};

struct iopt_area *iopt_first_at_or_after(struct iopt *t, uint64_t iova);
struct iopt_area *iopt_next(struct iopt *t, struct iopt_area *a);
bool iopt_overlaps(struct iopt *t, uint64_t iova, uint64_t last);
void iopt_insert(struct iopt *t, struct iopt_area *a);
void iopt_remove(struct iopt *t, struct iopt_area *a);
void iopt_free_all(struct iopt *t);
int iopt_find_hole(const struct iopt *t, uint64_t lo, uint64_t hi,
		   uint64_t length, uint64_t step, uint64_t off, uint64_t *out);

#endif /* IOMMUSIM_UAPI_SIM_IOPT_H */

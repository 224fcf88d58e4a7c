/* SPDX-License-Identifier: MIT */
/*
 * iofd_private.h - what the uapi_sim files share: the context, the object
 * table, the ucmd a handler gets. Prefix iofd_.
 *
 * Objects embed struct iofd_object first. @users counts references: the
 * id table holds one; every object or attachment that depends on an
 * object holds another, and IOMMU_DESTROY succeeds only when the table's
 * is the last (the kernel's rule, main.c). Ids start at 1 and the lowest
 * free id is reused, as the kernel's xarray allocation does.
 */
#ifndef IOMMUSIM_UAPI_SIM_IOFD_PRIVATE_H
#define IOMMUSIM_UAPI_SIM_IOFD_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommufd.h"
#include "iopt.h"

/* The simulated kernel's PAGE_SIZE, and the largest automatic-IOVA
 * alignment iopt_alloc_iova uses (a PMD, for THP-backed memory). */
#define IOFD_PAGE_SIZE 4096ULL
#define IOFD_THP_SIZE (2ULL << 20)

enum iofd_obj_type {
	IOFD_OBJ_NONE,
	IOFD_OBJ_ANY,
	IOFD_OBJ_IOAS,
};

struct iofd_object {
	enum iofd_obj_type type;
	uint32_t id;
	unsigned int users;
};

struct iofd_ioas {
	struct iofd_object obj;
	struct iommu_iova_range *allowed; /* sorted, non-overlapping */
	uint32_t nallowed;
	bool huge_pages; /* IOMMU_OPTION_HUGE_PAGES */
	struct iopt iopt; /* the mapped areas */
};

struct iofd_ctx {
	struct iofd_uaccess ua;
	struct iofd_object **objs; /* objs[id - 1] */
	uint32_t nobjs;
	struct iofd_ioas *vfio_ioas; /* compat IOAS; holds no reference */
	uint64_t rlimit_mode; /* IOMMU_OPTION_RLIMIT_MODE */
};

/* One ioctl in flight (the kernel's struct iommufd_ucmd). */
struct iofd_ucmd {
	struct iofd_ctx *ictx;
	uint64_t ubuffer;
	uint32_t user_size;
	void *cmd;
};

int iofd_ucmd_respond(struct iofd_ucmd *ucmd, size_t cmd_len);
int iofd_uread(struct iofd_ctx *ictx, uint64_t uptr, void *buf, size_t len);
int iofd_uwrite(struct iofd_ctx *ictx, uint64_t uptr, const void *buf,
		size_t len);

/* object.c */
int iofd_object_add(struct iofd_ctx *ictx, struct iofd_object *obj,
		    enum iofd_obj_type type);
struct iofd_object *iofd_get_object(struct iofd_ctx *ictx, uint32_t id,
				    enum iofd_obj_type type);
void iofd_put_object(struct iofd_object *obj);
void iofd_destroy_all(struct iofd_ctx *ictx);
int iofd_destroy_ioctl(struct iofd_ucmd *ucmd);
void iofd_object_free(struct iofd_object *obj);

/* ioas.c */
int iofd_ioas_alloc_ioctl(struct iofd_ucmd *ucmd);
int iofd_ioas_allow_iovas(struct iofd_ucmd *ucmd);
int iofd_ioas_iova_ranges(struct iofd_ucmd *ucmd);
int iofd_option_ioctl(struct iofd_ucmd *ucmd);
int iofd_vfio_ioas(struct iofd_ucmd *ucmd);
void iofd_ioas_destroy(struct iofd_ioas *ioas);
struct iofd_ioas *iofd_get_ioas(struct iofd_ctx *ictx, uint32_t id);
uint64_t iofd_ioas_alignment(const struct iofd_ioas *ioas);
int iofd_ioas_disable_large_pages(struct iofd_ioas *ioas);

/* ioas_map.c */
int iofd_ioas_map(struct iofd_ucmd *ucmd);
int iofd_ioas_unmap(struct iofd_ucmd *ucmd);
int iofd_ioas_copy(struct iofd_ucmd *ucmd);
int iofd_ioas_map_pages(struct iofd_ioas *ioas, uint64_t *iova, uint64_t uva,
			uint64_t length, unsigned int prot, bool fixed);
int iofd_ioas_unmap_range(struct iofd_ioas *ioas, uint64_t iova, uint64_t last,
			  bool all, uint64_t *unmapped);
int iofd_ioas_cut(struct iofd_ioas *ioas, const uint64_t *iovas, size_t n);
int iofd_ioas_change_process(struct iofd_ucmd *ucmd);

/* vfio_compat.c */
int iofd_vfio_ioctl(struct iofd_ctx *ictx, unsigned long cmd, uint64_t arg);

#endif /* IOMMUSIM_UAPI_SIM_IOFD_PRIVATE_H */

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

#include "hw/ppc_tce/driver.h"
#include "hw/smmuv3/driver.h"
#include "hw/vtd/driver.h"
#include "iommufd.h"
#include "iopt.h"
#include "model/physmem.h"
#include "model/pt.h"
#include "model/unit.h"

/* The simulated kernel's PAGE_SIZE, and the largest automatic-IOVA
 * alignment iopt_alloc_iova uses (a PMD, for THP-backed memory). */
#define IOFD_PAGE_SIZE 4096ULL
#define IOFD_THP_SIZE (2ULL << 20)
/* Pinned pieces of at least this keep their user offset modulo it. */
#define IOFD_BIG_IO_PAGE (64ULL << 10)

enum iofd_obj_type {
	IOFD_OBJ_NONE,
	IOFD_OBJ_ANY,
	IOFD_OBJ_DEVICE,
	IOFD_OBJ_FAULT,
	IOFD_OBJ_HWPT_PAGING,
	IOFD_OBJ_HWPT_NESTED,
	IOFD_OBJ_IOAS,
	IOFD_OBJ_ACCESS,
	IOFD_OBJ_VIOMMU,
	IOFD_OBJ_VDEVICE,
	IOFD_OBJ_VEVENTQ,
	IOFD_OBJ_HW_QUEUE,
	IOFD_OBJ_SELFTEST,
};

struct iofd_object {
	enum iofd_obj_type type;
	uint32_t id;
	unsigned int users;
};

/* A reserved IOVA range of an IOAS and who put it there. */
struct iofd_resv {
	uint64_t start, last;
	const void *owner; /* a device (its MSI window) or a HWPT (aperture) */
};

struct iofd_hwpt;

struct iofd_ioas {
	struct iofd_object obj;
	struct iofd_ctx *ictx;
	struct iommu_iova_range *allowed; /* sorted, non-overlapping */
	uint32_t nallowed;
	bool huge_pages; /* IOMMU_OPTION_HUGE_PAGES */
	struct iopt iopt; /* the mapped areas */
	struct iofd_resv *resv; /* unsorted; a handful */
	unsigned int nresv;
	struct iofd_hwpt **hwpts; /* paging HWPTs filled from this IOAS */
	unsigned int nhwpts;
	unsigned int naccess_pin; /* attached accesses that pin pages */
	struct iofd_access *accesses; /* attached, a list */
};

/*
 * The user memory behind areas (pages.c). @node is keyed by physical
 * address in the machine's window tree (the area tree's code, reused).
 */
struct iofd_pages {
	struct iopt_area node; /* in the window tree while pinned */
	int file_fd; /* IOAS_MAP_FILE: our own fd of the file; else -1 */
	/* user address of the first page (file: its offset in the file) */
	uint64_t uva_base;
	uint64_t span; /* bytes of whole pages from uva_base */
	struct iofd_ctx *ictx;
	void *mm; /* whose memory (uaccess mm_get), or NULL: the context's */
	unsigned int refs; /* areas made from it */
	unsigned int pin_users; /* of those, areas in domains */
	bool writable;
	bool per_process; /* charged to the context, not the user */
	uint32_t uid;
	uint64_t charged; /* pages */
};

/*
 * The driver interface (the kernel's iommu_ops and iommu_domain_ops, cut
 * down to what iommufd calls): each kind of device has a driver (VT-d in
 * drv_vtd.c, the selftest mock in mock.c) that makes domains for it and
 * puts its group in them. Code above this line never names a unit.
 */
struct iofd_device;
struct iofd_domain;
struct iofd_viommu;

#define IOFD_DOM_WINDOWS 2
struct iofd_hw_queue;

struct iofd_domain_ops {
	/* map [iova, iova + len) to pa.. with DMA_ACC_* @prot */
	int (*map)(struct iofd_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot);
	uint64_t (*unmap)(struct iofd_domain *d, uint64_t iova, uint64_t len);
	void (*large_pages)(struct iofd_domain *d, bool on);
	/* NULL when the domain cannot track dirty pages; @fn NULL clears
	 * without reporting */
	int64_t (*read_and_clear_dirty)(struct iofd_domain *d, uint64_t iova,
					uint64_t len, bool no_clear,
					pt_dirty_fn fn, void *ctx);
	/* optional: told when tracking turns on or off */
	int (*set_dirty_tracking)(struct iofd_domain *d, bool on);
	/* nested: the user's invalidation array; *done entries handled */
	int (*invalidate_user)(struct iofd_domain *d, struct iofd_ctx *ictx,
			       const struct iommu_hwpt_invalidate *c,
			       uint32_t *done);
	int (*iova_to_pa)(struct iofd_domain *d, uint64_t iova, uint64_t *pa);
	void (*free)(struct iofd_domain *d);
};

/**
 * struct iofd_domain - what every driver's domain starts with.
 * @ops: its operations.
 * @drv: the driver that made it: only its devices attach (else EINVAL).
 * @pgsize_bitmap: page sizes it maps with.
 * @aperture_start: first IOVA it translates.
 * @aperture_last: last one.
 * @nested: a user-managed first stage over a parent.
 * @win_mask: a domain of DMA windows (IBM POWER TCE): bit w set when it
 *            has window w, which translates @win[w] and nothing else;
 *            the aperture then spans them all and the holes between
 *            are reserved too. 0: one aperture.
 * @win: the windows' ranges, by window number.
 * @contig_io_pages: its smallest page may exceed PAGE_SIZE: the driver
 *                   maps IO pages from the contiguous pieces the pinned
 *                   window gives (as a 64 KiB-page POWER kernel maps
 *                   64 KiB TCEs); the IOAS alignment then asks user
 *                   addresses for it too.
 */
struct iofd_domain {
	const struct iofd_domain_ops *ops;
	const struct iofd_dev_ops *drv;
	uint64_t pgsize_bitmap;
	uint64_t aperture_start, aperture_last;
	bool nested;
	uint32_t win_mask;
	struct iommu_iova_range win[IOFD_DOM_WINDOWS];
	bool contig_io_pages;
};

/* IOMMU_GET_HW_INFO's answer from a driver. */
struct iofd_hw_info {
	uint32_t type;
	uint32_t len;
	uint8_t data[128];
	uint64_t caps;
	uint8_t max_pasid_log2;
};

struct iofd_dev_ops {
	const char *name;
	/* the guest owns the PASID table (iommu_ops.user_pasid_table): a
	 * page request for a PASID with no attach goes to the RID's nested
	 * HWPT */
	bool user_pasid_table;
	/* EOPNOTSUPP for flags it does not offer */
	int (*alloc_paging)(struct iofd_device *idev, uint32_t flags,
			    struct iofd_domain **out);
	/*
	 * Windowed IOMMUs (IBM POWER TCE): how many DMA windows a device
	 * has (0: none; attach by IOMMUSIM_PASID_WINDOW(w) is then EINVAL),
	 * and a domain of one window: @g NULL the default geometry of
	 * window @w, else @g (from IOMMUSIM_HWPT_DATA_PPC_TCE_WINDOW).
	 */
	unsigned int nwindows;
	int (*alloc_window)(struct iofd_device *idev, unsigned int w,
			    const struct iommusim_hwpt_ppc_tce_window *g,
			    struct iofd_domain **out);
	/* reads the user data of @c; parent is one of this driver's; made
	 * on @viommu when not NULL */
	int (*alloc_nested)(struct iofd_device *idev,
			    struct iofd_domain *parent,
			    struct iofd_viommu *viommu,
			    const struct iommu_hwpt_alloc *c,
			    struct iofd_domain **out);
	/* NULL: no vIOMMUs. @v NULL: only whether the type is known
	 * (EOPNOTSUPP); else set @v up from the user data of @c */
	int (*viommu_init)(struct iofd_device *idev, struct iofd_viommu *v,
			   struct iommu_viommu_alloc *c);
	/* a HW queue of @type at @index, its memory at @base_pa (the
	 * parent's translation of @iova): EOPNOTSUPP for an unknown type */
	int (*hw_queue_init)(struct iofd_viommu *v, struct iofd_hw_queue *q,
			     uint32_t type, uint64_t iova, uint64_t base_pa);
	void (*hw_queue_destroy)(struct iofd_viommu *v,
				 struct iofd_hw_queue *q);
	/* the vIOMMU's cache invalidation array; *done entries handled */
	int (*viommu_invalidate)(struct iofd_viommu *v, struct iofd_ctx *ictx,
				 const struct iommu_hwpt_invalidate *c,
				 uint32_t *done);
	/* PASID width of the device (0: no PASID support) */
	unsigned int (*pasid_bits)(struct iofd_device *idev);
	/* the group's requests with @pasid into @dom (from @old or blocked) */
	int (*attach_pasid)(struct iofd_device *idev, uint32_t pasid,
			    struct iofd_domain *dom, struct iofd_domain *old);
	void (*detach_pasid)(struct iofd_device *idev, uint32_t pasid);
	/* the group into @dom (from @old, or from blocked when NULL) */
	int (*attach_group)(struct iofd_device *idev, struct iofd_domain *dom,
			    struct iofd_domain *old);
	void (*detach_group)(struct iofd_device *idev);
	/* the device's reserved IOVA regions into @ioas, owner @idev */
	int (*reserve)(struct iofd_device *idev, struct iofd_ioas *ioas);
	/* @type: IOMMU_HW_INFO_TYPE_DEFAULT or the one asked for */
	int (*hw_info)(struct iofd_device *idev, uint32_t type,
		       struct iofd_hw_info *out);
	/* the device is gone (its object freed) */
	void (*release)(struct iofd_device *idev);
};

/* A paging or nested HWPT: a domain of a driver. */
struct iofd_hwpt {
	struct iofd_object obj;
	struct iofd_ioas *ioas; /* paging: the IOAS it mirrors (a ref) */
	struct iofd_hwpt *parent; /* nested: its paging parent (a ref) */
	struct iofd_domain *dom;
	uint32_t flags; /* IOMMU_HWPT_ALLOC_* */
	bool auto_domain; /* made by an attach to an IOAS */
	bool dirty_tracking; /* SET_DIRTY_TRACKING enabled */
	struct iofd_fault *fault; /* FAULT_ID_VALID: where faults go (a ref) */
	struct iofd_viommu *viommu; /* nested on a vIOMMU (a ref) */
};

#define IOFD_GROUP_MAX 8

/* A PASID of a group in a domain (kernel iommufd_attach for a PASID). */
struct iofd_pasid_att {
	uint32_t pasid;
	struct iofd_hwpt *hwpt;
	unsigned int ndev; /* devices attached with this PASID */
};

/* One IOMMU group: DMA ownership and its domain (kernel iommufd_group). */
struct iofd_hwgroup {
	struct iofd_ctx *owner; /* the context that claimed DMA ownership */
	void *spapr; /* the VFIO sPAPR container using it (vfio_spapr.c) */
	struct iofd_device *members[IOFD_GROUP_MAX]; /* bound by @owner */
	unsigned int nbound;
	struct iofd_hwpt *hwpt; /* the domain every attached device shares */
	unsigned int nattached;
	struct iofd_pasid_att *pasids; /* PASIDs in domains */
	unsigned int npasids;
};

/* A bound device object (the kernel's iommufd_device). */
struct iofd_device {
	struct iofd_object obj;
	struct iofd_ctx *ictx;
	const struct iofd_dev_ops *ops;
	struct iofd_hwgroup *group;
	unsigned int dev; /* machine devices: index in the machine */
	void *drv_data; /* the driver's own (mock: its device) */
	struct iofd_hwpt *hwpt; /* attached (RID), a reference */
	uint32_t *pasids; /* PASIDs it is attached with (each a reference) */
	unsigned int npasids;
	struct iofd_vdevice *vdev; /* its vDEVICE, or NULL */
};

/* A selftest mock device (mock.c): alone in its group. */
struct iofd_mock_dev {
	uint32_t flags; /* MOCK_FLAGS_DEVICE_* */
	struct iofd_hwgroup group;
	struct iofd_device *idev; /* bound, or NULL */
	struct iofd_domain *domain; /* attached (RID) */
	uint32_t cache[4]; /* MOCK_DEV_CACHE_NUM entries */
	bool pasid_1024_fail; /* the mock's planted replace failure */
	struct iofd_viommu *viommu; /* of the nested domain it is on */
	uint64_t vdev_id; /* its virtual id there */
};

/* The selftest object owning a mock device (IOMMU_TEST_OP_MOCK_DOMAIN). */
struct iofd_stdev {
	struct iofd_object obj;
	struct iofd_mock_dev *md;
};

/* A fault object (fault.c): page requests queued for the client. */
struct iofd_fault_group;
struct iofd_fault {
	struct iofd_object obj;
	struct iofd_ctx *ictx;
	struct iofd_fault_group *pending; /* not read yet, oldest first */
	struct iofd_fault_group *responding; /* read, not answered */
	bool fd_closed;
};

/*
 * mmap.c: a region of the iommufd user space may mmap (the kernel's
 * struct iommufd_mmap): the owner cannot be destroyed while mapped.
 */
struct iofd_mmap {
	struct iofd_mmap *next;
	struct iofd_object *owner;
	uint64_t offset, length; /* page aligned; offset is never 0 */
	uint8_t *data;
	unsigned int mapped; /* live mappings of it */
};
int iofd_mmap_alloc(struct iofd_ctx *ictx, struct iofd_object *owner,
		    uint64_t length, uint64_t *offset, uint8_t **data);
void iofd_mmap_free(struct iofd_ctx *ictx, uint64_t offset);
void iofd_close_mmaps(struct iofd_ctx *ictx);

/* viommu.c */
struct iofd_vdevice;
struct iofd_veventq;
struct iofd_viommu {
	struct iofd_object obj;
	struct iofd_ctx *ictx;
	uint32_t type;
	const struct iofd_dev_ops *drv;
	struct iofd_hwpt *hwpt; /* the NEST_PARENT paging HWPT (a ref) */
	struct iofd_vdevice **vdevs;
	unsigned int nvdevs;
	struct iofd_veventq *veventqs;
	struct iofd_hw_queue *hw_queues[2]; /* the mock's, by index */
	uint64_t mmap_offset; /* its mmap region's offset; 0: none */
};

struct iofd_hw_queue {
	struct iofd_object obj;
	struct iofd_viommu *viommu; /* a ref */
	struct iofd_access *access; /* internal: pins the queue's memory */
	uint32_t index;
	struct iofd_hw_queue *prev; /* the mock's: one below it (a ref) */
};

struct iofd_vdevice {
	struct iofd_object obj;
	struct iofd_viommu *viommu; /* a ref */
	struct iofd_device *idev;
	uint64_t virt_id;
};

struct iofd_vevent;
struct iofd_veventq {
	struct iofd_object obj;
	struct iofd_viommu *viommu; /* a ref */
	struct iofd_veventq *next_in_viommu;
	uint32_t type, depth, nevents, sequence;
	struct iofd_vevent *events; /* oldest first */
	bool fd_closed;
};

/* An access (kernel iommufd_access): in-"kernel" use of an IOAS. */
struct iofd_access_item;
struct iofd_access {
	struct iofd_object obj;
	struct iofd_ctx *ictx;
	struct iofd_ioas *ioas; /* attached, a reference; NULL when none */
	bool needs_pin;
	bool internal; /* iommufd's own (a HW queue's): no id, no unmap op */
	struct iofd_access_item *items; /* pinned ranges (selftest items) */
	uint32_t next_id;
	struct iofd_access *next_in_ioas;
};

/* One PCI device of the machine. */
struct iofd_hwdev {
	uint16_t rid; /* VT-d source id; SMMUv3 StreamID; PHB RTT index */
	uint32_t pe; /* behind the PHB: its partitionable endpoint */
	uint32_t rid_windows; /* PHB: windows its RID attachment set up */
	unsigned int group;
	struct sim_unit *unit; /* the IOMMU in front of it */
	const struct iofd_dev_ops *ops; /* its driver */
	struct iofd_device *idev; /* bound, or NULL */
};

struct iofd_sys {
	struct pm_space *pm;
	struct sim_unit *vtd;
	struct vtd_drv *drv;
	struct sim_unit *smmu; /* or NULL */
	struct smmu_drv *smmu_drv;
	struct sim_unit *phb; /* the IBM POWER PHB, or NULL */
	struct tce_drv *tce_drv;
	/* the two windows an attach to an IOAS sets up (the topology's) */
	struct iommusim_ppc_tce_window tce_win[2];
	struct iofd_hwdev *devs;
	unsigned int ndevs;
	struct iofd_hwgroup *groups;
	unsigned int ngroups;
	struct iopt pa_tree; /* pages objects by physical address */
	unsigned int window_id;
	struct {
		uint32_t uid;
		uint64_t pages;
	} * users; /* pinned-page accounts per user */
	unsigned int nusers;
	unsigned int nctx; /* contexts open on it */
	bool is_default; /* made by iommufd_sim_open(): freed with its last */
};

struct iofd_ctx {
	struct iofd_uaccess ua;
	struct iofd_sys *sys;
	uint64_t pinned_pages; /* RLIMIT_MODE 1 account */
	struct iofd_object **objs; /* objs[id - 1] */
	uint32_t nobjs;
	struct iofd_ioas *vfio_ioas; /* compat IOAS; holds no reference */
	uint64_t rlimit_mode; /* IOMMU_OPTION_RLIMIT_MODE */
	struct iofd_mmap *mmaps; /* mmap regions, by offset */
};

/* One ioctl in flight (the kernel's struct iommufd_ucmd). */
struct iofd_ucmd {
	struct iofd_ctx *ictx;
	uint64_t ubuffer;
	uint32_t user_size;
	void *cmd;
};

int iofd_ucmd_respond(struct iofd_ucmd *ucmd, size_t cmd_len);
int iofd_user_data(struct iofd_ctx *ictx, uint64_t uptr, uint32_t ulen,
		   void *dst, size_t size, size_t min);
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
void iofd_object_remove(struct iofd_ctx *ictx, struct iofd_object *obj);
void iofd_object_tombstone(struct iofd_ctx *ictx, struct iofd_object *obj);

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
bool iofd_ioas_misaligned(struct iofd_ioas *ioas, uint64_t align);

/* ioas_map.c */
int iofd_ioas_map(struct iofd_ucmd *ucmd);
int iofd_ioas_unmap(struct iofd_ucmd *ucmd);
int iofd_ioas_copy(struct iofd_ucmd *ucmd);
int iofd_ioas_map_pages(struct iofd_ioas *ioas, uint64_t *iova, uint64_t uva,
			uint64_t length, unsigned int prot, bool fixed);
int iofd_ioas_map_file(struct iofd_ucmd *ucmd);
int iofd_ioas_unmap_range(struct iofd_ioas *ioas, uint64_t iova, uint64_t last,
			  bool all, uint64_t *unmapped);
int iofd_ioas_cut(struct iofd_ioas *ioas, const uint64_t *iovas, size_t n);
int iofd_ioas_change_process(struct iofd_ucmd *ucmd);

/* pages.c */
int iofd_pages_window_init(struct iofd_sys *sys);
int iofd_pages_get(struct iofd_ctx *ictx, uint64_t uva, uint64_t length,
		   bool writable, struct iofd_pages **out);
int iofd_pages_get_file(struct iofd_ctx *ictx, int fd, uint64_t start,
			uint64_t length, bool writable,
			struct iofd_pages **out);
void iofd_pages_put(struct iofd_pages *pg);
int iofd_pages_rw(struct iofd_pages *pg, uint64_t uva, void *buf, size_t len,
		  bool write);
uint64_t iofd_pages_pa(const struct iofd_pages *pg, uint64_t uva);
int iofd_pages_pin(struct iofd_pages *pg);
void iofd_pages_unpin(struct iofd_pages *pg);

/* hwpt.c */
int iofd_hwpt_alloc_ioctl(struct iofd_ucmd *ucmd);
int iofd_hwpt_paging_new(struct iofd_device *idev, struct iofd_ioas *ioas,
			 uint32_t flags, bool auto_domain,
			 struct iofd_hwpt **out);
int iofd_hwpt_window_new(struct iofd_device *idev, struct iofd_ioas *ioas,
			 unsigned int w,
			 const struct iommusim_hwpt_ppc_tce_window *g,
			 bool auto_domain, struct iofd_hwpt **out);
void iofd_hwpt_destroy(struct iofd_hwpt *hwpt);
int iofd_get_hw_info(struct iofd_ucmd *ucmd);
int iofd_hwpt_set_dirty_tracking(struct iofd_ucmd *ucmd);
int iofd_hwpt_get_dirty_bitmap(struct iofd_ucmd *ucmd);
int iofd_hwpt_invalidate(struct iofd_ucmd *ucmd);

/* ioas_domains.c: keeping every domain of an IOAS equal to its areas */
int iofd_ioas_add_domain(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt);
void iofd_ioas_remove_domain(struct iofd_ioas *ioas, struct iofd_hwpt *hwpt);
int iofd_ioas_fill_area(struct iofd_ioas *ioas, struct iopt_area *a);
void iofd_ioas_unfill_area(struct iofd_ioas *ioas, struct iopt_area *a);
int iofd_ioas_reserve(struct iofd_ioas *ioas, uint64_t start, uint64_t last,
		      const void *owner);
void iofd_ioas_unreserve(struct iofd_ioas *ioas, const void *owner);
bool iofd_ioas_reserved(const struct iofd_ioas *ioas, uint64_t start,
			uint64_t last);
uint64_t iofd_ioas_usable_ranges(const struct iofd_ioas *ioas,
				 struct iommu_iova_range *out, uint64_t cap);

/* memid.c: which memory an address or pinned object is */
struct iofd_vma {
	uint64_t start, end, off, dev, ino;
};

struct iofd_maps {
	struct iofd_vma *v;
	size_t n;
};

/* (device, inode, offset), or for anonymous memory (the address
 * space's two keys in dev and ino, the address in off). */
struct iofd_memid {
	bool anon;
	uint64_t dev, ino, off;
};

void iofd_maps_load(const struct iofd_ctx *ictx, struct iofd_maps *m);
void iofd_maps_free(struct iofd_maps *m);
void iofd_memid_uva(const struct iofd_maps *m, const struct iofd_ctx *ictx,
		    uint64_t uva, struct iofd_memid *id);
void iofd_memid_pages(const struct iofd_maps *m, const struct iofd_pages *pg,
		      uint64_t off, struct iofd_memid *id);
int iofd_memid_cmp(const struct iofd_memid *a, const struct iofd_memid *b);

/* device.c */
int iofd_device_bind(struct iofd_ctx *ictx, const struct iofd_dev_ops *ops,
		     struct iofd_hwgroup *grp, struct iofd_device **out);
void iofd_device_unbind(struct iofd_device *idev);
int iofd_device_change_pt(struct iofd_device *idev, uint32_t pasid,
			  uint32_t *pt_id, bool replace);
void iofd_device_detach(struct iofd_device *idev, uint32_t pasid);
struct iofd_hwpt *iofd_device_pasid_hwpt(struct iofd_device *idev,
					 uint32_t pasid);
void iofd_device_destroy(struct iofd_device *idev);
void iofd_unbind_all(struct iofd_ctx *ictx);

/* drv_vtd.c */
void iofd_dirty_ignore(void *ctx, uint64_t iova, uint64_t len);
void iofd_sys_release_dev(struct iofd_device *idev);
int iofd_sys_group_move(struct iofd_device *idev, uint32_t pasid,
			int (*to)(void *arg, uint16_t rid, uint32_t pasid),
			void (*back)(void *arg, uint16_t rid, uint32_t pasid),
			void *arg);
extern const struct iofd_dev_ops iofd_vtd_dev_ops;
extern const struct iofd_dev_ops iofd_smmu_dev_ops;
extern const struct iofd_dev_ops iofd_tce_dev_ops;
void iofd_smmu_drain_events(struct iofd_sys *sys);
bool iofd_machine_dev(const struct iofd_device *idev);

/* mock.c */
extern const struct iofd_dev_ops iofd_mock_dev_ops;
bool iofd_mock_is_paging(const struct iofd_domain *d);
bool iofd_mock_is_nested(const struct iofd_domain *d);
int64_t iofd_mock_set_dirty(struct iofd_domain *d, uint64_t iova,
			    uint64_t page_size, const uint64_t *bits,
			    uint64_t nbits);
uint32_t iofd_mock_iotlb(const struct iofd_domain *d, unsigned int i);

/* test_cmd.c */
int iofd_test_cmd(struct iofd_ucmd *ucmd);
void iofd_stdev_destroy(struct iofd_stdev *st);

/* fault.c */
int iofd_fault_alloc_ioctl(struct iofd_ucmd *ucmd);
void iofd_fault_free(struct iofd_fault *f);
int iofd_fault_report(struct iofd_fault *f, struct iofd_device *idev,
		      const struct iommu_hwpt_pgfault *rec);
void iofd_fault_drop_device(struct iofd_fault *f, struct iofd_device *idev);
void iofd_close_faults(struct iofd_ctx *ictx);

/* viommu.c */
int iofd_viommu_alloc_ioctl(struct iofd_ucmd *ucmd);
int iofd_vdevice_alloc_ioctl(struct iofd_ucmd *ucmd);
int iofd_veventq_alloc_ioctl(struct iofd_ucmd *ucmd);
int iofd_hw_queue_alloc_ioctl(struct iofd_ucmd *ucmd);
void iofd_hw_queue_free(struct iofd_hw_queue *q);
void iofd_viommu_free(struct iofd_viommu *v);
void iofd_vdevice_free(struct iofd_vdevice *vd);
void iofd_veventq_free(struct iofd_veventq *q);
struct iofd_device *iofd_viommu_find_dev(struct iofd_viommu *v,
					 uint64_t virt_id);
int iofd_viommu_virt_id(struct iofd_viommu *v, struct iofd_device *idev,
			uint64_t *virt_id);
int iofd_viommu_report_event(struct iofd_viommu *v, uint32_t type,
			     const void *data, uint32_t len);
void iofd_close_veventqs(struct iofd_ctx *ictx);

/* access.c */
int iofd_access_create(struct iofd_ctx *ictx, uint32_t ioas_id, bool pin,
		       struct iofd_access **out);
void iofd_access_destroy(struct iofd_access *ac);
void iofd_access_free(struct iofd_access *ac);
struct iofd_access *iofd_access_get(struct iofd_ctx *ictx, uint32_t fd);
int iofd_access_pin(struct iofd_access *ac, uint64_t iova, uint64_t length,
		    bool write, uint64_t uptr, uint32_t *item_id);
int iofd_access_unpin_item(struct iofd_access *ac, uint32_t item_id);
int iofd_access_rw(struct iofd_access *ac, uint64_t iova, void *buf,
		   uint64_t length, bool write);
int iofd_access_replace(struct iofd_access *ac, uint32_t ioas_id);
int iofd_access_unmap(struct iofd_ioas *ioas, uint64_t iova, uint64_t last);
int iofd_access_new(struct iofd_ctx *ictx, uint32_t ioas_id, bool pin,
		    bool internal, struct iofd_access **out);
void iofd_close_accesses(struct iofd_ctx *ictx);
bool iofd_same_mm(const struct iofd_ctx *a, const struct iofd_ctx *b);

/* vfio_compat.c */
int iofd_vfio_ioctl(struct iofd_ctx *ictx, unsigned long cmd, uint64_t arg);

#endif /* IOMMUSIM_UAPI_SIM_IOFD_PRIVATE_H */

// SPDX-License-Identifier: MIT
/*
 * sys.c - the simulated machine under the iommufd contexts: physical
 * memory, one VT-d unit, one Arm SMMUv3 unit and one IBM POWER PHB with
 * their driver sides, their PCI devices (VT-d's first, then the
 * SMMUv3's, then the PHB's) and IOMMU groups, and the pinned-memory
 * window.
 *
 * Physical layout:
 *   [0, 1 TiB)          RAM; the drivers' tables come from its frame pool.
 *   [64 TiB, 128 TiB)   the pinned window: each pinned user range (struct
 *                       iofd_pages) owns a piece of it, so a domain maps
 *                       IOVA to a physical address there and DMA through
 *                       the unit lands in the client's own memory.
 * The window lies below 2^48, inside the VT-d unit's default HAW and the
 * 48-bit output of its page tables (hw/vtd/driver.c ss_cfg).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc_tce/ppc_tce.h"
#include "hw/smmuv3/smmuv3.h"
#include "hw/vtd/vtd.h"
#include "model/trace.h"
#include "iofd_private.h"

#define SYS_RAM_BITS 40
#define SYS_DEFAULT_VTD "mode=scalable slads=1 nest=1"
#define SYS_DEFAULT_DEVS 4
#define SYS_DEFAULT_SMMU_DEVS 4
#define SYS_DEFAULT_PPC_DEVS 2
/* The PE's default windows: 2 GiB of 4 KiB pages at bus address 0 (the
 * 32-bit window Linux's PowerNV code sets up, pnv_pci_ioda2_setup_
 * default_config in torvalds/linux arch/powerpc/platforms/powernv/
 * pci-ioda.c, at most 2 GiB) and a 64-bit window at 1 << 59. */
#define SYS_TCE_WIN32_SIZE (2ULL << 30)
#define SYS_TCE_WIN64_BITS 40
#define SYS_TCE_WIN64_SHIFT 16
#define SYS_TCE_LEVELS 2
#define SYS_OPTS_LEN 512

static int make_vtd(struct iofd_sys *sys, const char *opts, char *err,
		    size_t errlen)
{
	char buf[SYS_OPTS_LEN], *argv[SIM_OPTS_MAX], *save = NULL;
	struct sim_opts o;
	struct sim_err e = { "" };
	const char *unused;
	int argc = 0, ret;

	if (strlen(opts) >= sizeof(buf)) {
		snprintf(err, errlen, "vtd options: longer than %zu bytes",
			 sizeof(buf) - 1);
		return -EINVAL;
	}
	strcpy(buf, opts);
	for (char *w = strtok_r(buf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (argc == SIM_OPTS_MAX) {
			snprintf(err, errlen, "vtd options: more than %d",
				 SIM_OPTS_MAX);
			return -EINVAL;
		}
		argv[argc++] = w;
	}
	ret = sim_opts_parse(&o, argc, argv, &e);
	if (!ret)
		ret = vtd_unit_ops.create(sys->pm, &o, &sys->vtd, &e);
	if (ret) {
		snprintf(err, errlen, "vtd options: %s", e.msg);
		return -EINVAL;
	}
	unused = sim_opts_unused(&o);
	if (unused) {
		snprintf(err, errlen, "vtd options: unknown key '%s'", unused);
		return -EINVAL;
	}
	ret = vtd_drv_create(sys->vtd, sys->pm, &sys->drv);
	if (ret)
		snprintf(err, errlen, "vtd driver bring-up failed: %s",
			 strerror(-ret));
	return ret;
}

/* The SMMUv3 unit with the contract's default capabilities plus HTTU
 * (dirty tracking) and its driver side. */
static int make_smmu(struct iofd_sys *sys, char *err, size_t errlen)
{
	char httu[] = "httu=2", *argv[] = { httu };
	struct sim_err e = { "" };
	struct sim_opts o;
	int ret;

	ret = sim_opts_parse(&o, 1, argv, &e);
	if (!ret)
		ret = smmuv3_unit_ops.create(sys->pm, &o, &sys->smmu, &e);
	if (ret) {
		snprintf(err, errlen, "smmuv3: %s", e.msg);
		return -EINVAL;
	}
	ret = smmu_drv_create(sys->smmu, sys->pm, &sys->smmu_drv);
	if (ret)
		snprintf(err, errlen, "smmuv3 driver bring-up failed: %s",
			 strerror(-ret));
	return ret;
}

/* The PHB (EEH off: iommufd has no way to thaw a PE, see
 * docs/ppc_tce.md), its driver side and the windows an attach makes; a
 * geometry the PHB cannot build is refused here, with a message. */
static int make_phb(struct iofd_sys *sys, const struct iofd_topology *t,
		    char *err, size_t errlen)
{
	char phb[16], *argv[] = { phb };
	unsigned int gen = t->phb_gen ? t->phb_gen : 4;
	unsigned int bits = t->tce_win64_bits ? t->tce_win64_bits :
						SYS_TCE_WIN64_BITS;
	unsigned int levels = t->tce_levels ? t->tce_levels : SYS_TCE_LEVELS;
	struct sim_err e = { "" };
	struct sim_opts o;
	int ret;

	if ((gen != 3 && gen != 4) || bits < 24 || bits > 58) {
		snprintf(err, errlen,
			 "topology: phb must be 3 or 4, tce_win64_bits 24-58");
		return -EINVAL;
	}
	snprintf(phb, sizeof(phb), "phb=%u", gen);
	ret = sim_opts_parse(&o, 1, argv, &e);
	if (!ret)
		ret = ppc_tce_unit_ops.create(sys->pm, &o, &sys->phb, &e);
	if (ret) {
		snprintf(err, errlen, "ppc_tce: %s", e.msg);
		return -EINVAL;
	}
	ret = tce_drv_create(sys->phb, sys->pm, &sys->tce_drv);
	if (ret) {
		snprintf(err, errlen, "ppc_tce driver bring-up failed: %s",
			 strerror(-ret));
		return ret;
	}
	sys->tce_win[0] = (struct iommusim_ppc_tce_window){ 0,
							    SYS_TCE_WIN32_SIZE,
							    12, levels };
	sys->tce_win[1] = (struct iommusim_ppc_tce_window){
		TCE_WIN1_BASE, 1ULL << bits,
		t->tce_page_shift ? t->tce_page_shift : SYS_TCE_WIN64_SHIFT,
		levels
	};
	for (unsigned int w = 0; w < 2; w++) {
		struct iommusim_ppc_tce_window *g = &sys->tce_win[w];
		struct tce_table *tbl;

		ret = tce_table_create(sys->tce_drv, g->start, g->size,
				       g->page_shift, g->levels, &tbl);
		if (ret) {
			snprintf(err, errlen,
				 "topology: PHB%u cannot build window %u "
				 "(0x%llx bytes of %u-bit pages, %u levels)",
				 gen, w, (unsigned long long)g->size,
				 g->page_shift, g->levels);
			return -EINVAL;
		}
		tce_table_free(tbl);
	}
	return 0;
}

/*
 * VT-d devices first (functions of one group share a bus), then SMMUv3
 * devices, then the PHB's, one group each; a device's id at its unit is its PCI RID,
 * bus g + 1 for group g (the SMMUv3 StreamID is the RID, as on Arm
 * servers).
 */
static int make_devs(struct iofd_sys *sys, const struct iofd_topology *t,
		     char *err, size_t errlen)
{
	unsigned int n = t->ndevs ? t->ndevs : SYS_DEFAULT_DEVS;
	unsigned int gs = t->group_size ? t->group_size : 1;
	unsigned int ns = t->nsmmu == IOFD_TOPO_NONE ? 0 :
			  t->nsmmu		     ? t->nsmmu :
						       SYS_DEFAULT_SMMU_DEVS;
	unsigned int np = t->nppc == IOFD_TOPO_NONE ? 0 :
			  t->nppc		    ? t->nppc :
						      SYS_DEFAULT_PPC_DEVS;
	unsigned int vg;

	if (n > IOFD_SYS_MAX_DEVS || ns > IOFD_SYS_MAX_DEVS ||
	    np > IOFD_SYS_MAX_DEVS || gs > 8) {
		snprintf(err, errlen,
			 "topology: at most %d devices per unit and 8 per "
			 "group",
			 IOFD_SYS_MAX_DEVS);
		return -EINVAL;
	}
	if (ns && make_smmu(sys, err, errlen))
		return -EINVAL;
	if (np && make_phb(sys, t, err, errlen))
		return -EINVAL;
	vg = (n + gs - 1) / gs;
	sys->ndevs = n + ns + np;
	sys->ngroups = vg + ns + np;
	sys->devs = calloc(sys->ndevs, sizeof(*sys->devs));
	sys->groups = calloc(sys->ngroups, sizeof(*sys->groups));
	if (!sys->devs || !sys->groups)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		sys->devs[i].group = i / gs;
		sys->devs[i].rid = (uint16_t)((i / gs + 1) << 8 | (i % gs));
		sys->devs[i].unit = sys->vtd;
		sys->devs[i].ops = &iofd_vtd_dev_ops;
	}
	for (unsigned int i = 0; i < ns; i++) {
		struct iofd_hwdev *d = &sys->devs[n + i];

		d->group = vg + i;
		d->rid = (uint16_t)((i + 1) << 8);
		d->unit = sys->smmu;
		d->ops = &iofd_smmu_dev_ops;
	}
	/* PE i + 1 (PE 0 is where RIDs nobody set up point) */
	for (unsigned int i = 0; i < np; i++) {
		struct iofd_hwdev *d = &sys->devs[n + ns + i];

		d->group = vg + ns + i;
		d->rid = (uint16_t)((i + 1) << 8);
		d->pe = i + 1;
		d->unit = sys->phb;
		d->ops = &iofd_tce_dev_ops;
		if (tce_drv_set_pe(sys->tce_drv, d->rid, d->pe)) {
			snprintf(err, errlen,
				 "topology: more PPC devices "
				 "than the PHB has PEs");
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * iofd_sys_create() - build a machine.
 * @topo: what it has (NULL: the default topology).
 * @out: the machine.
 * @err: a message for a person when it fails (may be NULL).
 * @errlen: its size.
 *
 * Return: 0, -EINVAL (bad topology, message in @err) or -ENOMEM.
 */
int iofd_sys_create(const struct iofd_topology *topo, struct iofd_sys **out,
		    char *err, size_t errlen)
{
	static const struct iofd_topology def;
	struct iofd_sys *sys;
	char scratch[8];
	int ret;

	if (!err) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	*err = 0;
	*out = NULL;
	if (!topo)
		topo = &def;
	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return -ENOMEM;
	ret = pm_create(SYS_RAM_BITS, &sys->pm);
	if (!ret)
		ret = make_vtd(sys, topo->vtd ? topo->vtd : SYS_DEFAULT_VTD,
			       err, errlen);
	if (!ret)
		ret = make_devs(sys, topo, err, errlen);
	if (!ret)
		ret = iofd_pages_window_init(sys);
	if (ret) {
		iofd_sys_destroy(sys);
		return ret;
	}
	*out = sys;
	return 0;
}

/**
 * iofd_sys_destroy() - free a machine no context uses any more.
 * @sys: the machine (NULL is fine).
 */
void iofd_sys_destroy(struct iofd_sys *sys)
{
	if (!sys)
		return;
	if (sys->tce_drv)
		tce_drv_destroy(sys->tce_drv);
	if (sys->phb)
		sys->phb->ops->destroy(sys->phb);
	if (sys->smmu_drv)
		smmu_drv_destroy(sys->smmu_drv);
	if (sys->smmu)
		sys->smmu->ops->destroy(sys->smmu);
	if (sys->drv)
		vtd_drv_destroy(sys->drv);
	if (sys->vtd)
		sys->vtd->ops->destroy(sys->vtd);
	if (sys->pm)
		pm_destroy(sys->pm);
	free(sys->users);
	free(sys->devs);
	free(sys->groups);
	free(sys);
}

/**
 * iofd_sys_group_move() - move every device of @idev's group, with
 * @pasid, to a new configuration (a driver's attach_group/attach_pasid;
 * the kernel's iommu_attach_group moves the whole group).
 * @idev: a bound machine device.
 * @pasid: IOMMU_NO_PASID, or the PASID.
 * @to: makes the change for one device (its unit id); -errno stops it.
 * @back: on failure, puts each device already moved back where it was,
 *        in reverse order; may be NULL when @to cannot fail.
 * @arg: for @to and @back.
 *
 * Return: 0, or @to's error.
 */
int iofd_sys_group_move(struct iofd_device *idev, uint32_t pasid,
			int (*to)(void *arg, uint16_t rid, uint32_t pasid),
			void (*back)(void *arg, uint16_t rid, uint32_t pasid),
			void *arg)
{
	struct iofd_sys *sys = idev->ictx->sys;
	unsigned int g = sys->devs[idev->dev].group, i;
	int ret = 0;

	for (i = 0; i < sys->ndevs && !ret; i++)
		if (sys->devs[i].group == g)
			ret = to(arg, sys->devs[i].rid, pasid);
	if (!ret)
		return 0;
	i--; /* the one that failed changed nothing */
	while (i--)
		if (sys->devs[i].group == g && back)
			back(arg, sys->devs[i].rid, pasid);
	return ret;
}

/**
 * iofd_sys_release_dev() - a machine device's object is gone: the device
 * can be bound again (every machine driver's iofd_dev_ops.release).
 * @idev: the device object being freed.
 */
void iofd_sys_release_dev(struct iofd_device *idev)
{
	idev->ictx->sys->devs[idev->dev].idev = NULL;
}

/** iofd_sys_ndevs() - how many PCI devices the machine has. */
unsigned int iofd_sys_ndevs(const struct iofd_sys *sys)
{
	return sys->ndevs;
}

/**
 * iofd_sys_dev_info() - what device @dev is.
 * @sys: the machine.
 * @dev: its index, 0 .. iofd_sys_ndevs() - 1.
 * @info: filled.
 *
 * Return: 0 or -ENODEV.
 */
int iofd_sys_dev_info(const struct iofd_sys *sys, unsigned int dev,
		      struct iofd_dev_info *info)
{
	if (dev >= sys->ndevs)
		return -ENODEV;
	info->rid = sys->devs[dev].rid;
	info->unit = sys->devs[dev].unit->ops->kind;
	info->group = sys->devs[dev].group;
	info->bound_id = sys->devs[dev].idev ? sys->devs[dev].idev->obj.id : 0;
	return 0;
}

/**
 * iofd_sys_dma() - device @dev reads or writes @len bytes at @iova, the
 * way its DMA engine would: every page through the IOMMU.
 * @sys: the machine.
 * @dev: the device.
 * @pasid: IOMMU_NO_PASID, or the PASID the requests carry.
 * @iova: the address the device uses.
 * @buf: where the bytes come from or go.
 * @len: how many.
 * @write: a DMA write (memory is written) rather than a read.
 * @fault: on -EIO, the unit's fault; may be NULL.
 *
 * Return: 0; -EIO when the unit refused a page (bytes before it moved);
 * -EFAULT when the translation pointed at memory that is not there;
 * -ENODEV for no such device.
 */
int iofd_sys_dma(struct iofd_sys *sys, unsigned int dev, uint32_t pasid,
		 uint64_t iova, void *buf, size_t len, bool write,
		 struct dma_result *fault)
{
	unsigned int acc = write ? DMA_ACC_WRITE : DMA_ACC_READ;
	uint8_t *p = buf;

	if (dev >= sys->ndevs)
		return -ENODEV;
	while (len) { /* a page (or less) at a time, as the IOMMU sees it */
		size_t n = IOFD_PAGE_SIZE - (iova & (IOFD_PAGE_SIZE - 1));
		struct dma_result res;
		int ret;

		if (n > len)
			n = len;
		iofd_sys_translate(sys, dev, pasid, iova, acc, &res);
		if (!res.ok) {
			if (fault)
				*fault = res;
			return -EIO;
		}
		ret = write ? pm_write(sys->pm, res.xlat.out_addr, p, n) :
			      pm_read(sys->pm, res.xlat.out_addr, p, n);
		if (ret)
			return ret;
		p += n;
		iova += n;
		len -= n;
	}
	return 0;
}

/**
 * iofd_sys_translate() - what the IOMMU makes of one request of device
 * @dev: the unit's translation (output address, page size, rights) or
 * its fault, recorded in the unit as the hardware would.
 * @sys: the machine.
 * @dev: the device.
 * @pasid: IOMMU_NO_PASID, or the request's PASID.
 * @iova: the address.
 * @access: DMA_ACC_* bits.
 * @res: the result.
 *
 * Return: 0, or -ENODEV for no such device.
 */
int iofd_sys_translate(struct iofd_sys *sys, unsigned int dev, uint32_t pasid,
		       uint64_t iova, unsigned int access,
		       struct dma_result *res)
{
	struct dma_req req = {
		.pasid = pasid,
		.has_pasid = pasid != IOMMU_NO_PASID,
		.addr = iova,
		.access = access,
	};

	if (dev >= sys->ndevs)
		return -ENODEV;
	req.source_id = sys->devs[dev].rid;
	sys->devs[dev].unit->ops->translate(sys->devs[dev].unit, &req, res);
	/* the SMMU's faults are event records: its driver's handler runs */
	if (!res->ok && sys->devs[dev].unit == sys->smmu)
		iofd_smmu_drain_events(sys);
	return 0;
}

struct walk_text {
	char *out;
	size_t len, used;
};

static void walk_line(void *ctx, const struct trace_event *ev)
{
	struct walk_text *w = ctx;
	char line[512];
	int n;

	trace_event_format(ev, line, sizeof(line));
	n = snprintf(w->out + w->used, w->len - w->used, "%s\n", line);
	if (n > 0)
		w->used += (size_t)n < w->len - w->used ? (size_t)n :
							  w->len - w->used - 1;
}

/**
 * iofd_sys_walk() - translate like iofd_sys_translate() and describe the
 * walk: one line per structure the unit fetched (empty when a cache
 * answered), for people learning how the IOMMU got there.
 * @sys: the machine.
 * @dev: the device.
 * @pasid: IOMMU_NO_PASID or the request's PASID.
 * @iova: the address.
 * @access: DMA_ACC_* bits.
 * @out: the text (NUL-terminated, cut to fit).
 * @len: its size (at least 1).
 * @res: the translation or fault.
 *
 * Return: 0, or -ENODEV.
 */
int iofd_sys_walk(struct iofd_sys *sys, unsigned int dev, uint32_t pasid,
		  uint64_t iova, unsigned int access, char *out, size_t len,
		  struct dma_result *res)
{
	struct walk_text w = { out, len, 0 };
	struct sim_unit *u;
	struct trace saved;
	int ret;

	out[0] = 0;
	if (dev >= sys->ndevs)
		return -ENODEV;
	u = sys->devs[dev].unit;
	saved = u->trace;
	trace_set(&u->trace, true, walk_line, &w);
	ret = iofd_sys_translate(sys, dev, pasid, iova, access, res);
	trace_set(&u->trace, saved.on, saved.sink, saved.ctx);
	return ret;
}

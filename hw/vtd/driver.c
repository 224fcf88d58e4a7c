// SPDX-License-Identifier: MIT
/*
 * driver.c - the VT-d driver side: unit bring-up, domains, attach and
 * detach with the invalidation sequences Linux's intel-iommu uses, map and
 * unmap with IOTLB invalidation, dirty tracking, hw_info, and the checks
 * of nested first-stage data.
 *
 * Everything here reaches the unit through its MMIO registers and builds
 * structures in physical memory (frames from pm_frame_alloc, written
 * through pm_frame_host as a kernel writes through its mapping). The
 * structure layouts are the masks of structs.h; nothing of walk.c or the
 * unit's state is used, so a bug here shows up as a wrong walk there.
 *
 * Invalidation goes through the queue: descriptors, then a wait
 * descriptor whose status write the driver checks (the unit processes the
 * queue synchronously, so one check suffices; a missing status or
 * FSTS.IQE is reported as -EIO).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "pgtable.h"
#include "regs.h"
#include "structs.h"

#define PDTS_USED 2 /* one-frame PASID directory: 512 entries */

struct vtd_att_rec {
	uint16_t sid;
	uint32_t pasid;
	struct vtd_domain *dom;
};

struct vtd_drv {
	struct sim_unit *u;
	struct pm_space *pm;
	uint64_t cap, ecap;
	bool scalable;
	uint32_t gcmd; /* persistent GCMD bits (GCMD reads 0) */
	uint64_t root;
	uint64_t iq, iqt, iq_size;
	unsigned int iq_step;
	uint64_t status;
	uint32_t seq;
	uint8_t did_used[65536 / 8];
	uint64_t *frames; /* structure frames to free at destroy */
	size_t nframes, frames_cap;
	struct vtd_att_rec *att;
	size_t natt, att_cap;
};

/* ---- registers and memory ----------------------------------------------- */

static uint64_t rd(struct vtd_drv *drv, uint64_t off, unsigned int size)
{
	struct sim_err err;
	uint64_t v = 0;

	drv->u->ops->mmio_read(drv->u, off, size, &v, &err);
	return v;
}

static void wr(struct vtd_drv *drv, uint64_t off, unsigned int size, uint64_t v)
{
	struct sim_err err;

	drv->u->ops->mmio_write(drv->u, off, size, v, &err);
}

static uint8_t *host(struct vtd_drv *drv, uint64_t pa)
{
	return pm_frame_host(drv->pm, pa & ~0xfffULL) + (pa & 0xfff);
}

static int frame(struct vtd_drv *drv, uint64_t *pa)
{
	if (drv->nframes == drv->frames_cap) {
		size_t cap = drv->frames_cap ? drv->frames_cap * 2 : 16;
		uint64_t *f = realloc(drv->frames, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		drv->frames = f;
		drv->frames_cap = cap;
	}
	if (pm_frame_alloc(drv->pm, pa))
		return -ENOMEM;
	drv->frames[drv->nframes++] = *pa;
	return 0;
}

/* ---- invalidation queue ------------------------------------------------- */

static void qi_put(struct vtd_drv *drv, uint64_t qw0, uint64_t qw1)
{
	uint8_t *slot = host(drv, drv->iq + drv->iqt);

	memset(slot, 0, drv->iq_step);
	st_le64(slot, qw0);
	st_le64(slot + 8, qw1);
	drv->iqt = (drv->iqt + drv->iq_step) % drv->iq_size;
}

/* Close the batch with a wait descriptor and check it completed. */
static int qi_flush(struct vtd_drv *drv)
{
	uint32_t seq = ++drv->seq;

	qi_put(drv,
	       VTD_QI_TYPE_WAIT | VTD_QI_WAIT_SW |
		       FIELD_PREP(VTD_QI_WAIT_DATA, seq),
	       drv->status);
	wr(drv, VTD_IQT, 8, drv->iqt);
	if ((rd(drv, VTD_FSTS, 4) & VTD_FSTS_IQE) ||
	    ld_le32(host(drv, drv->status)) != seq)
		return -EIO;
	return 0;
}

/* Queue what a changed legacy context entry needs, in the order software
 * must invalidate: the device's context-cache entry, then the domain's
 * IOTLB entries (descriptor fields: structs.h). The caller flushes. */
static void ctx_entry_inv(struct vtd_drv *drv, uint16_t did, uint16_t sid)
{
	qi_put(drv,
	       VTD_QI_TYPE_CC | FIELD_PREP(VTD_QI_G, VTD_INV_DEVICE) |
		       FIELD_PREP(VTD_QI_DID, did) |
		       FIELD_PREP(VTD_QI_CC_SID, sid),
	       0);
	qi_put(drv,
	       VTD_QI_TYPE_IOTLB | FIELD_PREP(VTD_QI_G, VTD_INV_DOMAIN) |
		       FIELD_PREP(VTD_QI_DID, did),
	       0);
}

static unsigned int mamv(const struct vtd_drv *drv)
{
	return (unsigned int)FIELD_GET(VTD_CAP_MAMV, drv->cap);
}

/*
 * The smallest address mask whose naturally aligned block of 2^am pages
 * covers [iova, iova + len); above MAMV (or no PSI) the caller falls back
 * to a domain-wide invalidation.
 */
static int psi_mask(uint64_t iova, uint64_t len, unsigned int max)
{
	uint64_t first = iova >> 12, last = (iova + len - 1) >> 12;

	for (unsigned int am = 0; am <= max; am++)
		if ((first >> am) == (last >> am))
			return (int)am;
	return -1;
}

static void qi_iotlb(struct vtd_drv *drv, uint16_t did, uint64_t iova,
		     uint64_t len)
{
	int am = (drv->cap & VTD_CAP_PSI) && len ?
			 psi_mask(iova, len, mamv(drv)) :
			 -1;

	if (am < 0) {
		qi_put(drv,
		       VTD_QI_TYPE_IOTLB |
			       FIELD_PREP(VTD_QI_G, VTD_INV_DOMAIN) |
			       FIELD_PREP(VTD_QI_DID, did),
		       0);
		return;
	}
	qi_put(drv,
	       VTD_QI_TYPE_IOTLB | FIELD_PREP(VTD_QI_G, VTD_INV_PAGE) |
		       FIELD_PREP(VTD_QI_DID, did),
	       (iova & ~((0x1000ULL << am) - 1)) | (uint64_t)am);
}

static void qi_piotlb(struct vtd_drv *drv, uint16_t did, uint32_t pasid,
		      uint64_t iova, uint64_t len, bool leaf)
{
	int am = len ? psi_mask(iova, len, 63 - 12) : -1;

	if (am < 0) {
		qi_put(drv,
		       VTD_QI_TYPE_PIOTLB | FIELD_PREP(VTD_QI_G, 2) |
			       FIELD_PREP(VTD_QI_DID, did) |
			       FIELD_PREP(VTD_QI_PASID, pasid),
		       0);
		return;
	}
	qi_put(drv,
	       VTD_QI_TYPE_PIOTLB | FIELD_PREP(VTD_QI_G, 3) |
		       FIELD_PREP(VTD_QI_DID, did) |
		       FIELD_PREP(VTD_QI_PASID, pasid),
	       (iova & ~((0x1000ULL << am) - 1)) |
		       (leaf ? VTD_QI_IOTLB_IH : 0) | (uint64_t)am);
}

/* ---- bring-up ----------------------------------------------------------- */

static int bring_up(struct vtd_drv *drv)
{
	int ret = frame(drv, &drv->root);

	if (!ret)
		ret = frame(drv, &drv->iq);
	if (!ret)
		ret = frame(drv, &drv->status);
	if (ret)
		return ret;
	/* root table, latched by SRTP (TTM 01 in scalable mode) */
	wr(drv, VTD_RTADDR, 8,
	   drv->root | (drv->scalable ? FIELD_PREP(VTD_RTADDR_TTM, 1) : 0));
	wr(drv, VTD_GCMD, 4, drv->gcmd | VTD_GCMD_SRTP);
	if (!(rd(drv, VTD_GSTS, 4) & VTD_GSTS_RTPS))
		return -EIO;
	/* a one-frame queue: 256 128-bit or 128 256-bit descriptors */
	drv->iq_step = drv->scalable ? 32 : 16;
	drv->iq_size = 4096;
	wr(drv, VTD_IQT, 8, 0);
	wr(drv, VTD_IQA, 8, drv->iq | (drv->scalable ? VTD_IQA_DW : 0));
	drv->gcmd |= VTD_GCMD_QIE;
	wr(drv, VTD_GCMD, 4, drv->gcmd);
	if (!(rd(drv, VTD_GSTS, 4) & VTD_GSTS_QIES))
		return -EIO;
	/* start from empty caches, then translate */
	qi_put(drv, VTD_QI_TYPE_CC | FIELD_PREP(VTD_QI_G, VTD_INV_GLOBAL), 0);
	qi_put(drv, VTD_QI_TYPE_IOTLB | FIELD_PREP(VTD_QI_G, VTD_INV_GLOBAL),
	       0);
	if (drv->scalable)
		qi_put(drv, VTD_QI_TYPE_PC | FIELD_PREP(VTD_QI_G, 3), 0);
	ret = qi_flush(drv);
	if (ret)
		return ret;
	drv->gcmd |= VTD_GCMD_TE;
	wr(drv, VTD_GCMD, 4, drv->gcmd);
	return (rd(drv, VTD_GSTS, 4) & VTD_GSTS_TES) ? 0 : -EIO;
}

/**
 * vtd_drv_create() - take over a VT-d unit: root table, invalidation
 * queue, global invalidation, translation on.
 * @u: a VT-d unit (machine vtd).
 * @pm: its memory.
 * @out: the driver.
 *
 * Return: 0, -EOPNOTSUPP (no queued invalidation), -ENOMEM, -EIO.
 */
int vtd_drv_create(struct sim_unit *u, struct pm_space *pm,
		   struct vtd_drv **out)
{
	struct vtd_drv *drv = calloc(1, sizeof(*drv));
	int ret;

	*out = NULL;
	if (!drv)
		return -ENOMEM;
	drv->u = u;
	drv->pm = pm;
	drv->cap = rd(drv, VTD_CAP, 8);
	drv->ecap = rd(drv, VTD_ECAP, 8);
	drv->scalable = drv->ecap & VTD_ECAP_SMTS;
	drv->did_used[0] = 1; /* DID 0 is reserved with caching mode */
	ret = (drv->ecap & VTD_ECAP_QI) ? bring_up(drv) : -EOPNOTSUPP;
	if (ret) {
		vtd_drv_destroy(drv);
		return ret;
	}
	*out = drv;
	return 0;
}

/**
 * vtd_drv_destroy() - translation off, every structure frame freed.
 * Domains are the caller's to free first.
 * @drv: the driver (NULL is fine).
 */
void vtd_drv_destroy(struct vtd_drv *drv)
{
	if (!drv)
		return;
	wr(drv, VTD_GCMD, 4, 0);
	for (size_t i = 0; i < drv->nframes; i++)
		pm_frame_free(drv->pm, drv->frames[i]);
	free(drv->frames);
	free(drv->att);
	free(drv);
}

/** vtd_drv_scalable() - whether the driver runs the unit in scalable mode. */
bool vtd_drv_scalable(const struct vtd_drv *drv)
{
	return drv->scalable;
}

/** vtd_drv_hw_info() - raw CAP and ECAP, as IOMMU_GET_HW_INFO reports. */
void vtd_drv_hw_info(const struct vtd_drv *drv, struct vtd_hw_info *info)
{
	info->flags = 0;
	info->cap_reg = drv->cap;
	info->ecap_reg = drv->ecap;
}

/* ---- domains ------------------------------------------------------------ */

static int did_alloc(struct vtd_drv *drv, uint16_t *did)
{
	for (uint32_t d = 1; d < 65536; d++) {
		if (!(drv->did_used[d / 8] & (1u << (d % 8)))) {
			drv->did_used[d / 8] |= (uint8_t)(1u << (d % 8));
			*did = (uint16_t)d;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Second-stage geometry: the largest AW in SAGAW within MGAW. */
static int ss_cfg(const struct vtd_drv *drv, struct pt_cfg *cfg)
{
	unsigned int mgaw = (unsigned int)FIELD_GET(VTD_CAP_MGAW, drv->cap) + 1;
	unsigned int sagaw = (unsigned int)FIELD_GET(VTD_CAP_SAGAW, drv->cap);
	unsigned int sslps = (unsigned int)FIELD_GET(VTD_CAP_SSLPS, drv->cap);

	for (int aw = 3; aw >= 1; aw--) {
		if (!(sagaw & (1u << aw)))
			continue;
		cfg->levels = (unsigned int)aw + 2;
		cfg->va_bits = 30 + 9 * (unsigned int)aw;
		if (cfg->va_bits > mgaw)
			cfg->va_bits = mgaw;
		cfg->leaf_levels = 1u | (sslps & 1 ? 2u : 0) |
				   (sslps & 2 ? 4u : 0);
		cfg->oa_bits = 48;
		cfg->fmt_flags = 0;
		return 0;
	}
	return -EOPNOTSUPP;
}

/**
 * vtd_domain_alloc() - a paging domain with its own domain id.
 * @drv: the driver.
 * @kind: VTD_DOMAIN_SS, or VTD_DOMAIN_FS (scalable mode, ECAP.FSTS).
 * @flags: VTD_DOMAIN_DIRTY for second-stage dirty tracking (ECAP.SSADS).
 * @out: the domain.
 *
 * Return: 0, -EOPNOTSUPP (unknown flag or a feature the unit lacks),
 * -ENOSPC (no domain id), -ENOMEM.
 */
int vtd_domain_alloc(struct vtd_drv *drv, enum vtd_domain_kind kind,
		     unsigned int flags, struct vtd_domain **out)
{
	struct pt_cfg cfg;
	struct vtd_domain *dom;
	int ret;

	*out = NULL;
	if (flags & ~VTD_DOMAIN_DIRTY)
		return -EOPNOTSUPP;
	if ((flags & VTD_DOMAIN_DIRTY) &&
	    (kind != VTD_DOMAIN_SS || !(drv->ecap & VTD_ECAP_SSADS)))
		return -EOPNOTSUPP;
	if (kind == VTD_DOMAIN_FS) {
		if (!drv->scalable || !(drv->ecap & VTD_ECAP_FSTS))
			return -EOPNOTSUPP;
		cfg = (struct pt_cfg){ 4, 0x3, 47, 48, 0 };
		if (drv->cap & VTD_CAP_FS1GP)
			cfg.leaf_levels |= 4;
	} else if (kind != VTD_DOMAIN_SS || ss_cfg(drv, &cfg)) {
		return -EOPNOTSUPP;
	}
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	dom->drv = drv;
	dom->kind = kind;
	dom->flags = flags;
	dom->ops = kind == VTD_DOMAIN_FS ? &vtd_fs_pt_ops : &vtd_ss_pt_ops;
	ret = did_alloc(drv, &dom->did);
	if (!ret)
		ret = dom->ops->init(&dom->pt, drv->pm, &cfg);
	dom->leaf_levels = cfg.leaf_levels;
	if (ret) {
		if (dom->did)
			drv->did_used[dom->did / 8] &=
				(uint8_t) ~(1u << (dom->did % 8));
		free(dom);
		return ret;
	}
	*out = dom;
	return 0;
}

/**
 * vtd_domain_free() - free a domain that is attached nowhere.
 * @dom: the domain.
 *
 * Return: 0, or -EBUSY while attached.
 */
int vtd_domain_free(struct vtd_domain *dom)
{
	struct vtd_drv *drv = dom->drv;

	if (dom->natt || dom->nested_users)
		return -EBUSY;
	if (dom->parent)
		dom->parent->nested_users--;
	else
		dom->ops->destroy(&dom->pt);
	drv->did_used[dom->did / 8] &= (uint8_t) ~(1u << (dom->did % 8));
	free(dom);
	return 0;
}

/* Invalidate what the unit may cache of [iova, iova + len) in @dom. */
static int flush_range(struct vtd_domain *dom, uint64_t iova, uint64_t len,
		       bool leaf)
{
	struct vtd_drv *drv = dom->drv;

	if (dom->kind == VTD_DOMAIN_SS) {
		qi_iotlb(drv, dom->did, iova, len);
		/* nested translations built on this second stage are cached
		 * under the nested domains' ids: a domain-selective IOTLB
		 * invalidation of each drops them (vtd.md 4.3) */
		for (size_t i = 0; dom->nested_users && i < drv->natt; i++)
			if (drv->att[i].dom->parent == dom)
				qi_put(drv,
				       VTD_QI_TYPE_IOTLB |
					       FIELD_PREP(VTD_QI_G,
							  VTD_INV_DOMAIN) |
					       FIELD_PREP(VTD_QI_DID,
							  drv->att[i].dom->did),
				       0);
	} else {
		for (unsigned int i = 0; i < dom->natt; i++)
			qi_piotlb(drv, dom->did,
				  dom->att[i].pasid == VTD_NO_PASID ?
					  0 :
					  dom->att[i].pasid,
				  iova, len, leaf);
	}
	return qi_flush(drv);
}

/**
 * vtd_domain_map() - map a range; with caching mode the unit may have
 * cached "not present", so the range is invalidated (as Linux's
 * iotlb_sync_map does).
 * @dom: the domain.
 * @iova: input address.
 * @pa: output address.
 * @len: bytes.
 * @prot: DMA_ACC_READ / WRITE.
 *
 * Return: as struct pt_ops map, or -EIO from the invalidation.
 */
int vtd_domain_map(struct vtd_domain *dom, uint64_t iova, uint64_t pa,
		   uint64_t len, unsigned int prot)
{
	int ret;

	if (dom->kind == VTD_DOMAIN_NESTED)
		return -EINVAL; /* the user owns its first stage */
	ret = dom->ops->map(&dom->pt, iova, pa, len, prot);

	if (ret || !(dom->drv->cap & VTD_CAP_CM) || !dom->natt)
		return ret;
	return flush_range(dom, iova, len, false);
}

/**
 * vtd_domain_large_pages() - whether maps may use the unit's large pages
 * (iommufd's IOMMU_OPTION_HUGE_PAGES); mappings already made stay as
 * they are.
 * @dom: a paging domain.
 * @on: allow 2 MiB / 1 GiB leaves where the unit supports them.
 */
void vtd_domain_large_pages(struct vtd_domain *dom, bool on)
{
	dom->pt.cfg.leaf_levels = on ? dom->leaf_levels : 1u;
}

/**
 * vtd_domain_unmap() - unmap a range, then invalidate the IOTLB for it
 * (page-selective where the range fits an address mask).
 * @dom: the domain.
 * @iova: input address.
 * @len: bytes.
 *
 * Return: bytes unmapped.
 */
uint64_t vtd_domain_unmap(struct vtd_domain *dom, uint64_t iova, uint64_t len)
{
	uint64_t n;

	if (dom->kind == VTD_DOMAIN_NESTED)
		return 0;
	n = dom->ops->unmap(&dom->pt, iova, len);

	if (n && dom->natt)
		flush_range(dom, iova, len, false);
	return n;
}

/**
 * vtd_domain_read_and_clear_dirty() - report pages the unit wrote since
 * the last call (second-stage D bits, domain allocated with
 * VTD_DOMAIN_DIRTY), clear them and invalidate the IOTLB so the next write
 * sets D again.
 * @dom: the domain.
 * @iova: first address.
 * @len: bytes.
 * @no_clear: report only.
 * @fn: called per dirty page (or large page, clipped to the range).
 * @ctx: for @fn.
 *
 * Return: dirty pages reported, -EOPNOTSUPP without dirty tracking, or a
 * range error.
 */
int64_t vtd_domain_read_and_clear_dirty(struct vtd_domain *dom, uint64_t iova,
					uint64_t len, bool no_clear,
					pt_dirty_fn fn, void *ctx)
{
	int64_t n;

	if (!(dom->flags & VTD_DOMAIN_DIRTY) || !dom->ops ||
	    !dom->ops->read_and_clear_dirty)
		return -EOPNOTSUPP;
	n = dom->ops->read_and_clear_dirty(&dom->pt, iova, len, no_clear, fn,
					   ctx);
	if (n > 0 && !no_clear && dom->natt)
		flush_range(dom, iova, len, false);
	return n;
}

/* ---- attachments -------------------------------------------------------- */

static struct vtd_att_rec *att_find(struct vtd_drv *drv, uint16_t sid,
				    uint32_t pasid)
{
	for (size_t i = 0; i < drv->natt; i++)
		if (drv->att[i].sid == sid && drv->att[i].pasid == pasid)
			return &drv->att[i];
	return NULL;
}

static int att_add(struct vtd_drv *drv, struct vtd_domain *dom, uint16_t sid,
		   uint32_t pasid)
{
	if (dom->natt == VTD_DRV_MAX_ATTACH)
		return -ENOSPC;
	if (drv->natt == drv->att_cap) {
		size_t cap = drv->att_cap ? drv->att_cap * 2 : 16;
		struct vtd_att_rec *a = realloc(drv->att, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		drv->att = a;
		drv->att_cap = cap;
	}
	drv->att[drv->natt++] = (struct vtd_att_rec){ sid, pasid, dom };
	dom->att[dom->natt++] = (struct vtd_attach){ sid, pasid };
	return 0;
}

static void att_del(struct vtd_drv *drv, struct vtd_att_rec *rec)
{
	struct vtd_domain *dom = rec->dom;

	for (unsigned int i = 0; i < dom->natt; i++) {
		if (dom->att[i].sid == rec->sid &&
		    dom->att[i].pasid == rec->pasid) {
			dom->att[i] = dom->att[--dom->natt];
			break;
		}
	}
	*rec = drv->att[--drv->natt];
}

/* The context table of @sid's bus (and root half), made on first use. */
static int ctx_table(struct vtd_drv *drv, uint16_t sid, uint64_t *table)
{
	unsigned int half = drv->scalable ? (sid & 0xff) >> 7 : 0;
	uint8_t *re = host(drv, drv->root + 16 * (sid >> 8) + 8 * half);
	uint64_t e = ld_le64(re);

	if (e & VTD_ROOT0_P) {
		*table = e & VTD_ROOT0_CTP;
		return 0;
	}
	if (frame(drv, table))
		return -ENOMEM;
	st_le64(re, *table | VTD_ROOT0_P);
	return 0;
}

/* Legacy: point @sid's context entry at the domain. */
static int attach_legacy(struct vtd_domain *dom, uint16_t sid,
			 struct vtd_att_rec *old)
{
	struct vtd_drv *drv = dom->drv;
	uint64_t table, aw = dom->pt.cfg.levels - 2;
	uint8_t *ce;
	int ret;

	if (dom->kind != VTD_DOMAIN_SS)
		return -EOPNOTSUPP;
	ret = ctx_table(drv, sid, &table);
	if (ret)
		return ret;
	ce = host(drv, table + 16 * (sid & 0xff));
	if (old) {
		/* tear down first: not present, then flush what the old
		 * domain may have cached for this device */
		st_le64(ce, 0);
		st_le64(ce + 8, 0);
		ctx_entry_inv(drv, old->dom->did, sid);
		ret = qi_flush(drv);
		if (ret)
			return ret;
	}
	st_le64(ce + 8, FIELD_PREP(VTD_CTX1_DID, dom->did) |
				FIELD_PREP(VTD_CTX1_AW, aw));
	st_le64(ce, dom->pt.root | VTD_CTX0_P); /* P last */
	if (!(drv->cap & VTD_CAP_CM))
		return 0;
	/* caching mode: the unit may have cached "not present" */
	ctx_entry_inv(drv, dom->did, sid);
	return qi_flush(drv);
}

/* Scalable: the PASID entry of (sid, pasid), the structures made on first
 * use. */
static int pasid_entry(struct vtd_drv *drv, uint16_t sid, uint32_t pasid,
		       uint8_t **pe)
{
	uint64_t table, dir, pt;
	uint8_t *ce, *de;
	int ret = ctx_table(drv, sid, &table);

	if (ret)
		return ret;
	ce = host(drv, table + 32 * (sid & 0x7f));
	if (!(ld_le64(ce) & VTD_SCTX0_P)) {
		if (frame(drv, &dir))
			return -ENOMEM;
		st_le64(ce + 8, 0); /* RID_PASID 0 */
		st_le64(ce, dir | FIELD_PREP(VTD_SCTX0_PDTS, PDTS_USED) |
				    VTD_SCTX0_PASIDE | VTD_SCTX0_P);
		if (drv->cap & VTD_CAP_CM) {
			qi_put(drv,
			       VTD_QI_TYPE_CC |
				       FIELD_PREP(VTD_QI_G, VTD_INV_DEVICE) |
				       FIELD_PREP(VTD_QI_CC_SID, sid),
			       0);
			ret = qi_flush(drv);
			if (ret)
				return ret;
		}
	}
	dir = ld_le64(ce) & VTD_SCTX0_PASIDDIRPTR;
	de = host(drv, dir + 8 * (pasid >> 6));
	if (!(ld_le64(de) & VTD_PDE_P)) {
		if (frame(drv, &pt))
			return -ENOMEM;
		st_le64(de, pt | VTD_PDE_P);
	}
	*pe = host(drv,
		   (ld_le64(de) & VTD_PDE_SMPTBLPTR) + 64 * (pasid & 0x3f));
	return 0;
}

/* Flush what a PASID entry's domain may have cached for (did, pasid). */
static void pasid_flush(struct vtd_drv *drv, struct vtd_domain *dom,
			uint32_t pasid)
{
	qi_put(drv,
	       VTD_QI_TYPE_PC | FIELD_PREP(VTD_QI_G, 1) |
		       FIELD_PREP(VTD_QI_DID, dom->did) |
		       FIELD_PREP(VTD_QI_PASID, pasid),
	       0);
	if (dom->kind != VTD_DOMAIN_SS)
		qi_piotlb(drv, dom->did, pasid, 0, 0, false);
	else
		qi_put(drv,
		       VTD_QI_TYPE_IOTLB |
			       FIELD_PREP(VTD_QI_G, VTD_INV_DOMAIN) |
			       FIELD_PREP(VTD_QI_DID, dom->did),
		       0);
}

static int attach_scalable(struct vtd_domain *dom, uint16_t sid, uint32_t pasid,
			   struct vtd_att_rec *old)
{
	struct vtd_drv *drv = dom->drv;
	uint64_t pwsnp = (drv->ecap & VTD_ECAP_SMPWCS) ? VTD_PTE1_PWSNP : 0;
	uint64_t w0;
	uint8_t *pe;
	int ret = pasid_entry(drv, sid, pasid, &pe);

	if (ret)
		return ret;
	if (old) {
		st_le64(pe, ld_le64(pe) & ~VTD_PTE0_P);
		pasid_flush(drv, old->dom, pasid);
		ret = qi_flush(drv);
		if (ret)
			return ret;
	}
	memset(pe, 0, 64);
	st_le64(pe + 8, FIELD_PREP(VTD_PTE1_DID, dom->did) | pwsnp);
	if (dom->kind == VTD_DOMAIN_FS) {
		st_le64(pe + 16, dom->pt.root); /* FSPM 0: 4-level */
		w0 = FIELD_PREP(VTD_PTE0_PGTT, VTD_PGTT_FS);
	} else if (dom->kind == VTD_DOMAIN_NESTED) {
		struct vtd_domain *ss = dom->parent;

		/* the user's first stage (a guest-physical pointer and its
		 * flags) over the parent's second stage */
		st_le64(pe + 16,
			dom->s1.pgtbl_addr |
				FIELD_PREP(VTD_PTE2_FSPM,
					   dom->s1.addr_width == 57) |
				((dom->s1.flags & VTD_S1_SRE) ? VTD_PTE2_SRE :
								0) |
				((dom->s1.flags & VTD_S1_WPE) ? VTD_PTE2_WPE :
								0) |
				((dom->s1.flags & VTD_S1_EAFE) ? VTD_PTE2_EAFE :
								 0));
		w0 = ss->pt.root |
		     FIELD_PREP(VTD_PTE0_AW, ss->pt.cfg.levels - 2) |
		     FIELD_PREP(VTD_PTE0_PGTT, VTD_PGTT_NESTED) |
		     ((ss->flags & VTD_DOMAIN_DIRTY) ? VTD_PTE0_SSADE : 0);
	} else {
		w0 = dom->pt.root |
		     FIELD_PREP(VTD_PTE0_AW, dom->pt.cfg.levels - 2) |
		     FIELD_PREP(VTD_PTE0_PGTT, VTD_PGTT_SS) |
		     ((dom->flags & VTD_DOMAIN_DIRTY) ? VTD_PTE0_SSADE : 0);
	}
	st_le64(pe, w0 | VTD_PTE0_P); /* P last */
	if (!(drv->cap & VTD_CAP_CM))
		return 0;
	pasid_flush(drv, dom, pasid);
	return qi_flush(drv);
}

/**
 * vtd_attach() - make @dom translate requests of @sid (with @pasid, or
 * without PASID for VTD_NO_PASID), replacing what was there. Follows
 * Linux: an entry in use is torn down (not present, then the old domain's
 * caches flushed) before the new one is written with P last; with caching
 * mode the new entry is flushed too.
 * @dom: the domain.
 * @sid: requester id.
 * @pasid: PASID (scalable mode, 1..VTD_DRV_PASID_MAX) or VTD_NO_PASID.
 *
 * Return: 0, -EINVAL (bad PASID), -EOPNOTSUPP (PASID or first stage in
 * legacy mode), -ENOMEM, -ENOSPC, -EIO.
 */
int vtd_attach(struct vtd_domain *dom, uint16_t sid, uint32_t pasid)
{
	struct vtd_drv *drv = dom->drv;
	struct vtd_att_rec *old = att_find(drv, sid, pasid);
	int ret;

	if (old && old->dom == dom)
		return 0;
	if (pasid != VTD_NO_PASID &&
	    (!drv->scalable || !pasid || pasid > VTD_DRV_PASID_MAX))
		return drv->scalable ? -EINVAL : -EOPNOTSUPP;
	if (dom->natt == VTD_DRV_MAX_ATTACH)
		return -ENOSPC;
	if (drv->scalable)
		ret = attach_scalable(dom, sid,
				      pasid == VTD_NO_PASID ? 0 : pasid, old);
	else
		ret = attach_legacy(dom, sid, old);
	if (ret)
		return ret;
	if (old)
		att_del(drv, old);
	return att_add(drv, dom, sid, pasid);
}

/**
 * vtd_detach() - stop translating (@sid, @pasid): the entry becomes not
 * present and the domain's caches for it are flushed; DMA then faults.
 * @drv: the driver.
 * @sid: requester id.
 * @pasid: as for vtd_attach().
 *
 * Return: 0, -ENOENT when not attached, -EIO.
 */
int vtd_detach(struct vtd_drv *drv, uint16_t sid, uint32_t pasid)
{
	struct vtd_att_rec *rec = att_find(drv, sid, pasid);
	struct vtd_domain *dom;
	uint64_t table;
	uint8_t *e;

	if (!rec)
		return -ENOENT;
	dom = rec->dom;
	if (drv->scalable) {
		if (pasid_entry(drv, sid, pasid == VTD_NO_PASID ? 0 : pasid,
				&e))
			return -EIO;
		st_le64(e, ld_le64(e) & ~VTD_PTE0_P);
		pasid_flush(drv, dom, pasid == VTD_NO_PASID ? 0 : pasid);
	} else {
		if (ctx_table(drv, sid, &table))
			return -EIO;
		e = host(drv, table + 16 * (sid & 0xff));
		st_le64(e, 0);
		st_le64(e + 8, 0);
		ctx_entry_inv(drv, dom->did, sid);
	}
	att_del(drv, rec);
	return qi_flush(drv);
}

/* ---- nested first-stage data -------------------------------------------- */

/**
 * vtd_s1_validate() - check a nested domain's first-stage data (struct
 * iommu_hwpt_vtd_s1) against the unit's capabilities.
 * @cap: CAP.
 * @ecap: ECAP.
 * @s1: the data.
 *
 * Return: 0; -EOPNOTSUPP for an unknown flag, a nonzero reserved field,
 * or a unit without nesting (ECAP.NEST) or the feature a flag asks for
 * (SRE: ECAP.SRS); -EINVAL for an address width other than 48 or 57 (57
 * needs CAP.FS5LP) or a misaligned table address.
 */
int vtd_s1_validate(uint64_t cap, uint64_t ecap, const struct vtd_s1_data *s1)
{
	if (s1->flags & ~(uint64_t)(VTD_S1_SRE | VTD_S1_EAFE | VTD_S1_WPE) ||
	    s1->reserved)
		return -EOPNOTSUPP;
	if (!(ecap & VTD_ECAP_NEST))
		return -EOPNOTSUPP;
	if ((s1->flags & VTD_S1_SRE) && !(ecap & VTD_ECAP_SRS))
		return -EOPNOTSUPP;
	if (s1->addr_width != 48 && s1->addr_width != 57)
		return -EINVAL;
	if (s1->addr_width == 57 && !(cap & VTD_CAP_FS5LP))
		return -EINVAL;
	if (s1->pgtbl_addr & 0xfff)
		return -EINVAL;
	return 0;
}

/**
 * vtd_s1_inval_to_desc() - turn a nested domain's invalidation request
 * (struct iommu_hwpt_vtd_s1_invalidate) into the PASID-based IOTLB
 * descriptor that carries it out. The checks are Linux's: only the LEAF
 * flag, reserved zero, a 4 KiB aligned address, and addr 0 with npages
 * U64_MAX for "everything".
 * @inv: the request.
 * @did: the domain's id.
 * @pasid: the PASID it is attached with.
 * @mamv: unused by P_IOTLB (which is not limited by MAMV); kept for
 *        callers that emit type-2 descriptors.
 * @qw: the 256-bit descriptor.
 *
 * Return: 0, -EOPNOTSUPP (flags, reserved) or -EINVAL (address, count).
 */
int vtd_s1_inval_to_desc(const struct vtd_s1_inval *inv, uint16_t did,
			 uint32_t pasid, uint64_t mamv, uint64_t qw[4])
{
	int am;

	(void)mamv;
	if ((inv->flags & ~VTD_S1_INV_LEAF) || inv->reserved)
		return -EOPNOTSUPP;
	if ((inv->addr & 0xfff) || (inv->npages == UINT64_MAX && inv->addr) ||
	    !inv->npages)
		return -EINVAL;
	memset(qw, 0, 4 * sizeof(*qw));
	am = inv->npages == UINT64_MAX || inv->npages > (1ULL << 51) ?
		     -1 :
		     psi_mask(inv->addr, inv->npages << 12, 63 - 12);
	qw[0] = VTD_QI_TYPE_PIOTLB | FIELD_PREP(VTD_QI_DID, did) |
		FIELD_PREP(VTD_QI_PASID, pasid);
	if (am < 0) {
		qw[0] |= FIELD_PREP(VTD_QI_G, 2);
		return 0;
	}
	qw[0] |= FIELD_PREP(VTD_QI_G, 3);
	qw[1] = (inv->addr & ~((0x1000ULL << am) - 1)) |
		((inv->flags & VTD_S1_INV_LEAF) ? VTD_QI_IOTLB_IH : 0) |
		(uint64_t)am;
	return 0;
}

/**
 * vtd_nested_alloc() - a nested domain: the user's first-stage tables
 * (guest-physical, @s1) over the second-stage domain @parent. It gets its
 * own domain id; translations it makes are cached under that id.
 * @parent: a second-stage domain of a scalable-mode driver.
 * @s1: checked with vtd_s1_validate().
 * @out: the domain.
 *
 * Return: 0, -EINVAL (parent not a second stage), the errors of
 * vtd_s1_validate(), -ENOSPC, -ENOMEM.
 */
int vtd_nested_alloc(struct vtd_domain *parent, const struct vtd_s1_data *s1,
		     struct vtd_domain **out)
{
	struct vtd_drv *drv = parent->drv;
	struct vtd_domain *dom;
	int ret;

	*out = NULL;
	if (parent->kind != VTD_DOMAIN_SS)
		return -EINVAL;
	ret = vtd_s1_validate(drv->cap, drv->ecap, s1);
	if (ret)
		return ret;
	if (!drv->scalable)
		return -EOPNOTSUPP;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	ret = did_alloc(drv, &dom->did);
	if (ret) {
		free(dom);
		return ret;
	}
	dom->drv = drv;
	dom->kind = VTD_DOMAIN_NESTED;
	dom->parent = parent;
	dom->s1 = *s1;
	parent->nested_users++;
	*out = dom;
	return 0;
}

/**
 * vtd_nested_invalidate() - carry out a nested domain's invalidation
 * requests (IOMMU_HWPT_INVALIDATE), each for every PASID the domain is
 * attached with, stopping at the first bad one.
 * @dom: a nested domain.
 * @inv: the requests.
 * @n: how many.
 * @done: how many were carried out (iommufd reports it back).
 *
 * Return: 0, -EINVAL (not a nested domain), the errors of
 * vtd_s1_inval_to_desc(), -EIO.
 */
int vtd_nested_invalidate(struct vtd_domain *dom,
			  const struct vtd_s1_inval *inv, unsigned int n,
			  unsigned int *done)
{
	struct vtd_drv *drv = dom->drv;
	uint64_t qw[4];
	int ret = 0;

	*done = 0;
	if (dom->kind != VTD_DOMAIN_NESTED)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		ret = vtd_s1_inval_to_desc(&inv[i], dom->did, 0, mamv(drv), qw);
		if (ret)
			break;
		for (unsigned int a = 0; a < dom->natt; a++) {
			uint32_t pasid = dom->att[a].pasid == VTD_NO_PASID ?
						 0 :
						 dom->att[a].pasid;

			qi_put(drv, qw[0] | FIELD_PREP(VTD_QI_PASID, pasid),
			       qw[1]);
		}
		ret = qi_flush(drv);
		if (ret)
			break;
		(*done)++;
	}
	return ret;
}

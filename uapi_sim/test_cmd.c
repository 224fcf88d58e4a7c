// SPDX-License-Identifier: MIT
/*
 * test_cmd.c - IOMMU_TEST_CMD, the selftest's window into the "kernel"
 * (drivers/iommu/iommufd/selftest.c iommufd_test at torvalds/linux
 * 20896914, v6.17): mock devices and domains, reserved ranges, checks of
 * what domains map and what is pinned, accesses, dirty bits, the nested
 * mock IOTLB and the device cache.
 *
 * Identity of memory: the kernel compares physical pages; here two user
 * addresses are the same memory when they are the same address of the
 * same client (iofd_same_mm), and a domain's physical address leads back
 * to the user address through the pages object that owns it.
 *
 * Every v6.17 op exists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"
#include "iommufd_test_uapi.h"

#define MOCK_IO_PAGE (IOFD_PAGE_SIZE / 2)
#define ACCESS_MAX_LEN (16ULL << 20) /* the kernel's syzkaller guard */

/** iofd_stdev_destroy() - the selftest object goes: its device with it. */
void iofd_stdev_destroy(struct iofd_stdev *st)
{
	if (st->md) {
		if (st->md->idev)
			iofd_device_unbind(st->md->idev);
		free(st->md);
	}
	free(st);
}

static struct iofd_stdev *get_stdev(struct iofd_ctx *ictx, uint32_t id)
{
	return (struct iofd_stdev *)iofd_get_object(ictx, id,
						    IOFD_OBJ_SELFTEST);
}

/* iommufd_test_mock_domain: ids in the kernel's order (the selftest
 * object, the device, then an automatic HWPT). */
static int mock_domain(struct iofd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iofd_ctx *ictx = ucmd->ictx;
	uint32_t flags = cmd->op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS ?
				 cmd->mock_domain_flags.dev_flags :
				 0;
	struct iofd_stdev *st = calloc(1, sizeof(*st));
	struct iofd_device *idev;
	uint32_t pt_id = cmd->id;
	int ret;

	if (!st)
		return -ENOMEM;
	ret = iofd_object_add(ictx, &st->obj, IOFD_OBJ_SELFTEST);
	if (ret) {
		free(st);
		return ret;
	}
	if (flags & ~(MOCK_FLAGS_DEVICE_NO_DIRTY | MOCK_FLAGS_DEVICE_HUGE_IOVA |
		      MOCK_FLAGS_DEVICE_PASID)) {
		ret = -EINVAL;
		goto out;
	}
	st->md = calloc(1, sizeof(*st->md));
	if (!st->md) {
		ret = -ENOMEM;
		goto out;
	}
	st->md->flags = flags;
	for (unsigned int i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		st->md->cache[i] = IOMMU_TEST_DEV_CACHE_DEFAULT;
	ret = iofd_device_bind(ictx, &iofd_mock_dev_ops, &st->md->group, &idev);
	if (ret)
		goto out;
	idev->drv_data = st->md;
	st->md->idev = idev;
	ret = iofd_device_change_pt(idev, IOMMU_NO_PASID, &pt_id, false);
	if (ret)
		goto out;
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_stdev_id = st->obj.id;
	cmd->mock_domain.out_idev_id = idev->obj.id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
out:
	if (ret)
		iofd_object_remove(ictx, &st->obj);
	return ret;
}

/* iommufd_test_mock_domain_replace */
static int mock_domain_replace(struct iofd_ucmd *ucmd,
			       struct iommu_test_cmd *cmd)
{
	struct iofd_stdev *st = get_stdev(ucmd->ictx, cmd->id);
	uint32_t pt_id = cmd->mock_domain_replace.pt_id;
	int ret;

	if (!st)
		return -ENOENT;
	ret = iofd_device_change_pt(st->md->idev, IOMMU_NO_PASID, &pt_id, true);
	if (!ret) {
		cmd->mock_domain_replace.pt_id = pt_id;
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iofd_put_object(&st->obj);
	return ret;
}

/* iommufd_test_add_reserved: kept until the IOAS goes. A zero length
 * (which the kernel would turn into an inverted range) is EINVAL here. */
static int add_reserved(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iofd_ioas *ioas = iofd_get_ioas(ictx, cmd->id);
	uint64_t last;
	int ret;

	if (!ioas)
		return -ENOENT;
	if (!cmd->add_reserved.length ||
	    __builtin_add_overflow(cmd->add_reserved.start,
				   cmd->add_reserved.length - 1, &last))
		ret = -EINVAL;
	else
		ret = iofd_ioas_reserve(ioas, cmd->add_reserved.start, last,
					NULL);
	iofd_put_object(&ioas->obj);
	return ret;
}

/* A mock paging HWPT (get_md_pagetable): ENOENT, or EINVAL for another
 * driver's. */
static int get_mock_paging(struct iofd_ctx *ictx, uint32_t id,
			   struct iofd_hwpt **out)
{
	struct iofd_hwpt *hwpt = (struct iofd_hwpt *)iofd_get_object(
		ictx, id, IOFD_OBJ_HWPT_PAGING);

	if (!hwpt)
		return -ENOENT;
	if (!iofd_mock_is_paging(hwpt->dom)) {
		iofd_put_object(&hwpt->obj);
		return -EINVAL;
	}
	*out = hwpt;
	return 0;
}

/* Whether the client has memory at [uptr, uptr + len) (GUP's EFAULT):
 * the pin op, or without one a byte of each page read. */
static int user_mapped(struct iofd_ctx *ictx, uint64_t uptr, uint64_t len)
{
	struct iofd_uaccess *ua = &ictx->ua;
	uint8_t b;

	if (ua->pin)
		return ua->pin(ua->ctx, uptr, len, false) ? -EFAULT : 0;
	for (uint64_t off = 0; off < len; off += IOFD_PAGE_SIZE)
		if (ua->read(ua->ctx, uptr + off, &b, 1))
			return -EFAULT;
	return 0;
}

/* The pages object owning physical address @pa, or NULL. */
static struct iofd_pages *pages_at(struct iofd_sys *sys, uint64_t pa)
{
	struct iopt_area *n = iopt_first_at_or_after(&sys->pa_tree, pa);

	return n && n->iova <= pa ? (struct iofd_pages *)n : NULL;
}

/* iommufd_test_md_check_pa: each 2 KiB IO page of the domain maps the
 * memory at the same offset of @uptr (memid.c says what "same" is). */
static int check_map(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	uint64_t iova = cmd->check_map.iova, len = cmd->check_map.length;
	uint64_t uptr = cmd->check_map.uptr, end;
	struct iofd_hwpt *hwpt;
	struct iofd_maps maps;
	int ret;

	if (iova % MOCK_IO_PAGE || len % MOCK_IO_PAGE || uptr % MOCK_IO_PAGE ||
	    __builtin_add_overflow(uptr, len, &end))
		return -EINVAL;
	ret = get_mock_paging(ictx, cmd->id, &hwpt);
	if (ret)
		return ret;
	iofd_maps_load(ictx, &maps);
	for (; !ret && len; len -= MOCK_IO_PAGE) {
		struct iofd_memid want, got;
		struct iofd_pages *pg;
		uint64_t pa;

		ret = user_mapped(ictx, uptr & ~(IOFD_PAGE_SIZE - 1),
				  IOFD_PAGE_SIZE);
		if (ret)
			break;
		if (hwpt->dom->ops->iova_to_pa(hwpt->dom, iova, &pa) ||
		    !(pg = pages_at(ictx->sys, pa))) {
			ret = -EINVAL;
			break;
		}
		iofd_memid_pages(&maps, pg, pa - pg->node.iova, &got);
		iofd_memid_uva(&maps, ictx, uptr, &want);
		if (iofd_memid_cmp(&got, &want))
			ret = -EINVAL;
		iova += MOCK_IO_PAGE;
		uptr += MOCK_IO_PAGE;
	}
	iofd_maps_free(&maps);
	iofd_put_object(&hwpt->obj);
	return ret;
}

struct ref_target {
	struct iofd_memid id;
	uint64_t page;
};

static int cmp_target(const void *a, const void *b)
{
	return iofd_memid_cmp(&((const struct ref_target *)a)->id,
			      &((const struct ref_target *)b)->id);
}

/* Count, for each target page, the pinned objects holding that memory. */
static void count_pins(struct iofd_sys *sys, const struct iofd_maps *maps,
		       const struct ref_target *t, uint64_t n, uint32_t *count)
{
	for (struct iopt_area *nd = iopt_first_at_or_after(&sys->pa_tree, 0);
	     nd; nd = iopt_next(&sys->pa_tree, nd)) {
		struct iofd_pages *pg = (struct iofd_pages *)nd;

		for (uint64_t off = 0; off < pg->span; off += IOFD_PAGE_SIZE) {
			struct ref_target key, *hit;

			iofd_memid_pages(maps, pg, off, &key.id);
			hit = bsearch(&key, t, n, sizeof(*t), cmp_target);
			if (hit)
				count[hit->page]++;
		}
	}
}

/* iommufd_test_md_check_refs: every page of the range is pinned @refs
 * times; each pinned pages object holding a page pins it once. */
static int check_refs(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	uint64_t uptr = cmd->check_refs.uptr, len = cmd->check_refs.length;
	uint64_t npages = len / IOFD_PAGE_SIZE, end;
	struct ref_target *t = NULL;
	struct iofd_maps maps;
	uint32_t *count = NULL;
	int ret;

	if (len % IOFD_PAGE_SIZE || uptr % IOFD_PAGE_SIZE ||
	    __builtin_add_overflow(uptr, len, &end))
		return -EINVAL;
	if (!len)
		return 0;
	ret = user_mapped(ictx, uptr, len);
	if (ret)
		return ret;
	t = calloc(npages, sizeof(*t));
	count = calloc(npages, sizeof(*count));
	if (!t || !count) {
		ret = -ENOMEM;
		goto out;
	}
	iofd_maps_load(ictx, &maps);
	for (uint64_t i = 0; i < npages; i++) {
		iofd_memid_uva(&maps, ictx, uptr + i * IOFD_PAGE_SIZE,
			       &t[i].id);
		t[i].page = i;
	}
	qsort(t, npages, sizeof(*t), cmp_target);
	count_pins(ictx->sys, &maps, t, npages, count);
	iofd_maps_free(&maps);
	for (uint64_t i = 0; i < npages && !ret; i++)
		if (count[i] != cmd->check_refs.refs)
			ret = -EIO;
out:
	free(t);
	free(count);
	return ret;
}

/* iommufd_test_create_access: the "fd" is the access's handle. */
static int create_access(struct iofd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iofd_access *ac;
	int ret;

	if (cmd->create_access.flags &
	    ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
		return -EOPNOTSUPP;
	ret = iofd_access_create(
		ucmd->ictx, cmd->id,
		cmd->create_access.flags &
			MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES,
		&ac);
	if (ret)
		return ret;
	cmd->create_access.out_access_fd = ac->obj.id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		iofd_access_destroy(ac);
	return ret;
}

/* __iommufd_test_syz_conv_iova: {nth_area u32, offset u32} to an IOVA */
static uint64_t syz_iova(struct iofd_access *ac, uint64_t raw)
{
	uint32_t nth = (uint32_t)raw, off = (uint32_t)(raw >> 32);

	if (!ac->ioas)
		return 0;
	for (struct iopt_area *a = iopt_first_at_or_after(&ac->ioas->iopt, 0);
	     a; a = iopt_next(&ac->ioas->iopt, a))
		if (!nth--)
			return a->iova + off;
	return 0;
}

/* iommufd_test_access_pages */
static int access_pages(struct iofd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint32_t flags = cmd->access_pages.flags, id;
	uint64_t iova = cmd->access_pages.iova;
	struct iofd_access *ac;
	int ret;

	if (cmd->access_pages.length > ACCESS_MAX_LEN)
		return -ENOMEM;
	if (flags & ~(MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;
	ac = iofd_access_get(ucmd->ictx, cmd->id);
	if (!ac)
		return -EBADFD;
	if (!ac->needs_pin) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = syz_iova(ac, iova);
	ret = iofd_access_pin(ac, iova, cmd->access_pages.length,
			      flags & MOCK_FLAGS_ACCESS_WRITE,
			      cmd->access_pages.uptr, &id);
	if (ret)
		goto out;
	cmd->access_pages.out_access_pages_id = id;
	ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	if (ret)
		iofd_access_unpin_item(ac, id);
out:
	iofd_put_object(&ac->obj);
	return ret;
}

/* iommufd_test_access_rw */
static int access_rw(struct iofd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint64_t len = cmd->access_rw.length, iova = cmd->access_rw.iova;
	uint32_t flags = cmd->access_rw.flags;
	bool write = flags & MOCK_ACCESS_RW_WRITE;
	struct iofd_access *ac;
	void *tmp = NULL;
	int ret = 0;

	if (len > ACCESS_MAX_LEN)
		return -ENOMEM;
	if (flags & ~(MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH |
		      MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;
	ac = iofd_access_get(ucmd->ictx, cmd->id);
	if (!ac)
		return -EBADFD;
	if (len && !(tmp = calloc(1, len)))
		ret = -ENOMEM;
	if (!ret && write)
		ret = iofd_uread(ucmd->ictx, cmd->access_rw.uptr, tmp, len);
	if (!ret && (flags & MOCK_FLAGS_ACCESS_SYZ))
		iova = syz_iova(ac, iova);
	if (!ret)
		ret = iofd_access_rw(ac, iova, tmp, len, write);
	if (!ret && !write)
		ret = iofd_uwrite(ucmd->ictx, cmd->access_rw.uptr, tmp, len);
	free(tmp);
	iofd_put_object(&ac->obj);
	return ret;
}

static int access_simple(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iofd_access *ac = iofd_access_get(ictx, cmd->id);
	int ret;

	if (!ac)
		return -EBADFD;
	if (cmd->op == IOMMU_TEST_OP_DESTROY_ACCESS_PAGES)
		ret = iofd_access_unpin_item(
			ac, cmd->destroy_access_pages.access_pages_id);
	else
		ret = iofd_access_replace(ac, cmd->access_replace_ioas.ioas_id);
	iofd_put_object(&ac->obj);
	return ret;
}

/* iommufd_test_dirty: the user's bitmap is read a window at a time */
#define MARK_WINDOW (1ULL << 18) /* bits */

static int dirty(struct iofd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	uint64_t ps = cmd->dirty.page_size, len = cmd->dirty.length, nbits;
	struct iofd_hwpt *hwpt;
	uint64_t *bits = NULL;
	int64_t count = 0;
	int ret;

	if (!ps || !len || cmd->dirty.iova % ps || len % ps || !cmd->dirty.uptr)
		return -EINVAL;
	ret = get_mock_paging(ucmd->ictx, cmd->id, &hwpt);
	if (ret)
		return ret;
	nbits = len / ps;
	if (iofd_mock_set_dirty(hwpt->dom, 0, ps, NULL, 0) < 0)
		ret = -EINVAL; /* tracking is off */
	else if (!(bits = malloc(MARK_WINDOW / 8)))
		ret = -ENOMEM;
	for (uint64_t base = 0; !ret && base < nbits; base += MARK_WINDOW) {
		uint64_t n = nbits - base < MARK_WINDOW ? nbits - base :
							  MARK_WINDOW;

		memset(bits, 0, MARK_WINDOW / 8);
		ret = iofd_uread(ucmd->ictx, cmd->dirty.uptr + base / 8, bits,
				 (n + 7) / 8);
		if (!ret)
			count += iofd_mock_set_dirty(
				hwpt->dom, cmd->dirty.iova + base * ps, ps,
				bits, n);
	}
	if (!ret) {
		cmd->dirty.out_nr_dirty = (uint64_t)count;
		ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	free(bits);
	iofd_put_object(&hwpt->obj);
	return ret;
}

/* iommufd_test_md_check_iotlb */
static int check_iotlb(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iofd_hwpt *hwpt = (struct iofd_hwpt *)iofd_get_object(
		ictx, cmd->id, IOFD_OBJ_HWPT_NESTED);
	int ret = 0;

	if (!hwpt)
		return -ENOENT;
	if (!iofd_mock_is_nested(hwpt->dom) ||
	    cmd->check_iotlb.id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX ||
	    iofd_mock_iotlb(hwpt->dom, cmd->check_iotlb.id) !=
		    cmd->check_iotlb.iotlb)
		ret = -EINVAL;
	iofd_put_object(&hwpt->obj);
	return ret;
}

/* iommufd_test_dev_check_cache */
static int check_dev_cache(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iofd_device *idev = (struct iofd_device *)iofd_get_object(
		ictx, cmd->id, IOFD_OBJ_DEVICE);
	struct iofd_mock_dev *md;
	int ret = 0;

	if (!idev)
		return -ENOENT;
	md = idev->ops == &iofd_mock_dev_ops ? idev->drv_data : NULL;
	if (!md || cmd->check_dev_cache.id > MOCK_DEV_CACHE_ID_MAX ||
	    md->cache[cmd->check_dev_cache.id] != cmd->check_dev_cache.cache)
		ret = -EINVAL;
	iofd_put_object(&idev->obj);
	return ret;
}

/* iommufd_test_pasid_attach / _replace / _detach */
static int pasid_op(struct iofd_ucmd *ucmd, struct iommu_test_cmd *cmd)
{
	struct iofd_stdev *st = get_stdev(ucmd->ictx, cmd->id);
	uint32_t pasid = cmd->pasid_attach.pasid;
	struct iofd_device *idev;
	int ret = 0;

	if (!st)
		return -ENOENT;
	idev = st->md->idev;
	if (cmd->op == IOMMU_TEST_OP_PASID_DETACH) {
		iofd_device_detach(idev, pasid);
	} else {
		ret = iofd_device_change_pt(
			idev, pasid, &cmd->pasid_attach.pt_id,
			cmd->op == IOMMU_TEST_OP_PASID_REPLACE);
		if (!ret)
			ret = iofd_ucmd_respond(ucmd, sizeof(*cmd));
		if (ret && cmd->op == IOMMU_TEST_OP_PASID_ATTACH &&
		    iofd_device_pasid_hwpt(idev, pasid) &&
		    ret == -EFAULT) /* the kernel detaches on a failed reply */
			iofd_device_detach(idev, pasid);
	}
	iofd_put_object(&st->obj);
	return ret;
}

/* iommufd_test_pasid_check_hwpt: hwpt_id 0 means "nothing attached" */
static int pasid_check(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iofd_stdev *st = get_stdev(ictx, cmd->id);
	struct iofd_hwpt *cur, *want;
	int ret = 0;

	if (!st)
		return -ENOENT;
	cur = iofd_device_pasid_hwpt(st->md->idev, cmd->pasid_check.pasid);
	if (!cmd->pasid_check.hwpt_id) {
		ret = cur ? -EINVAL : 0;
	} else {
		want = (struct iofd_hwpt *)iofd_get_object(
			ictx, cmd->pasid_check.hwpt_id, IOFD_OBJ_ANY);
		if (!want)
			ret = -ENOENT;
		else if (want->obj.type != IOFD_OBJ_HWPT_PAGING &&
			 want->obj.type != IOFD_OBJ_HWPT_NESTED)
			ret = -EINVAL;
		else if (want != cur)
			ret = -EINVAL;
		if (want)
			iofd_put_object(&want->obj);
	}
	iofd_put_object(&st->obj);
	return ret;
}

/* iommufd_test_trigger_iopf: a page request of device dev_id (LAST_PAGE,
 * PASID_VALID for a PASID), delivered to the fault object of the HWPT
 * the device or PASID is attached to (for the mock, an unattached PASID
 * falls back to the RID's nested HWPT); dropped when there is none (the
 * command still succeeds, as the kernel's). */
static int trigger_iopf(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iommu_hwpt_pgfault rec = {
		.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE,
		.pasid = cmd->trigger_iopf.pasid,
		.grpid = cmd->trigger_iopf.grpid,
		.perm = cmd->trigger_iopf.perm,
		.addr = cmd->trigger_iopf.addr,
	};
	struct iofd_device *idev = (struct iofd_device *)iofd_get_object(
		ictx, cmd->trigger_iopf.dev_id, IOFD_OBJ_DEVICE);
	struct iofd_hwpt *hwpt;
	int ret = 0;

	if (!idev)
		return -ENOENT;
	if (rec.pasid != IOMMU_NO_PASID)
		rec.flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
	hwpt = iofd_device_pasid_hwpt(idev, rec.pasid);
	/* iommu.c find_fault_handler: a driver with a user-managed PASID
	 * table sends requests for an unattached PASID to the RID's nested
	 * HWPT (the selftest triggers with PASID 1 on a RID attach) */
	if (!hwpt && rec.pasid != IOMMU_NO_PASID &&
	    idev->ops->user_pasid_table) {
		hwpt = iofd_device_pasid_hwpt(idev, IOMMU_NO_PASID);
		if (hwpt && hwpt->obj.type != IOFD_OBJ_HWPT_NESTED)
			hwpt = NULL;
	}
	if (hwpt && hwpt->fault)
		ret = iofd_fault_report(hwpt->fault, idev, &rec);
	iofd_put_object(&idev->obj);
	return ret;
}

/* iommufd_test_trigger_vevent: a selftest vEVENT {virt_id} for the
 * device's vDEVICE on the vIOMMU of the nested domain it is attached to;
 * ENOENT without one, EOPNOTSUPP without a SELFTEST vEVENTQ. */
static int trigger_vevent(struct iofd_ctx *ictx, struct iommu_test_cmd *cmd)
{
	struct iofd_device *idev = (struct iofd_device *)iofd_get_object(
		ictx, cmd->trigger_vevent.dev_id, IOFD_OBJ_DEVICE);
	struct iommu_viommu_event_selftest ev;
	struct iofd_mock_dev *md;
	int ret = -ENOENT;

	if (!idev)
		return -ENOENT;
	md = idev->ops == &iofd_mock_dev_ops ? idev->drv_data : NULL;
	if (md && md->viommu && md->vdev_id) {
		ev.virt_id = (uint32_t)md->vdev_id;
		ret = iofd_viommu_report_event(md->viommu,
					       IOMMU_VEVENTQ_TYPE_SELFTEST, &ev,
					       sizeof(ev));
	}
	iofd_put_object(&idev->obj);
	return ret;
}

/**
 * iofd_test_cmd() - IOMMU_TEST_CMD (kernel iommufd_test): by op; an
 * unknown op is EOPNOTSUPP.
 * @ucmd: the command.
 *
 * Return: 0 or -errno.
 */
int iofd_test_cmd(struct iofd_ucmd *ucmd)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct iofd_ctx *ictx = ucmd->ictx;

	switch (cmd->op) {
	case IOMMU_TEST_OP_ADD_RESERVED:
		return add_reserved(ictx, cmd);
	case IOMMU_TEST_OP_MOCK_DOMAIN:
	case IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS:
		return mock_domain(ucmd, cmd);
	case IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE:
		return mock_domain_replace(ucmd, cmd);
	case IOMMU_TEST_OP_MD_CHECK_MAP:
		return check_map(ictx, cmd);
	case IOMMU_TEST_OP_MD_CHECK_REFS:
		return check_refs(ictx, cmd);
	case IOMMU_TEST_OP_MD_CHECK_IOTLB:
		return check_iotlb(ictx, cmd);
	case IOMMU_TEST_OP_DEV_CHECK_CACHE:
		return check_dev_cache(ictx, cmd);
	case IOMMU_TEST_OP_CREATE_ACCESS:
		return create_access(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_PAGES:
		return access_pages(ucmd, cmd);
	case IOMMU_TEST_OP_ACCESS_RW:
		return access_rw(ucmd, cmd);
	case IOMMU_TEST_OP_DESTROY_ACCESS_PAGES:
	case IOMMU_TEST_OP_ACCESS_REPLACE_IOAS:
		return access_simple(ictx, cmd);
	case IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT:
		/* batching has no visible effect here; the kernel's floor */
		return cmd->memory_limit.limit <
				       sizeof(uint64_t) + sizeof(uint32_t) ?
			       -EINVAL :
			       0;
	case IOMMU_TEST_OP_DIRTY:
		return dirty(ucmd, cmd);
	case IOMMU_TEST_OP_PASID_ATTACH:
	case IOMMU_TEST_OP_PASID_REPLACE:
	case IOMMU_TEST_OP_PASID_DETACH:
		return pasid_op(ucmd, cmd);
	case IOMMU_TEST_OP_PASID_CHECK_HWPT:
		return pasid_check(ictx, cmd);
	case IOMMU_TEST_OP_TRIGGER_IOPF:
		return trigger_iopf(ictx, cmd);
	case IOMMU_TEST_OP_TRIGGER_VEVENT:
		return trigger_vevent(ictx, cmd);
	default:
		return -EOPNOTSUPP;
	}
}

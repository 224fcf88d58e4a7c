// SPDX-License-Identifier: MIT
/*
 * mock.c - the selftest's mock IOMMU driver (the kernel's
 * drivers/iommu/iommufd/selftest.c mock_ops; constants from
 * iommufd_test.h, torvalds/linux at 20896914), so the kernel's own
 * selftest sees the same driver here.
 *
 * A mock device sits alone in its group and has no hardware: a mock
 * paging domain is a table of 2 KiB IO pages (MOCK_IO_PAGE_SIZE is half
 * of PAGE_SIZE) over the aperture [16 MiB, 2 GiB), each entry holding the
 * physical address (in the pinned window) and the mock's flags; devices
 * flagged HUGE_IOVA may map 1 MiB pages, whose every 2 KiB entry is
 * marked huge. The entry table is 256 lazily made chunks of 4096 entries
 * (the aperture has 2^20 IO pages).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iofd_private.h"
#include "iommufd_test_uapi.h"

#define MOCK_IO_PAGE (IOFD_PAGE_SIZE / 2)
#define MOCK_HUGE_PAGE (512 * MOCK_IO_PAGE)
#define MOCK_SLOTS (1u << 20) /* IO pages below 2 GiB */
#define CHUNK_SHIFT 12
#define CHUNK (1u << CHUNK_SHIFT)

/* Entry: pa / MOCK_IO_PAGE in the low bits, the mock's flags on top. */
#define ENT_PFN_MASK ((1ULL << 56) - 1)
#define ENT_PRESENT (1ULL << 60)
#define ENT_DIRTY (1ULL << 61)
#define ENT_HUGE (1ULL << 62)

struct mock_domain {
	struct iofd_domain d;
	uint64_t *chunk[MOCK_SLOTS / CHUNK];
	bool dirty_ops; /* allocated with DIRTY_TRACKING */
	bool tracking; /* SET_DIRTY_TRACKING on */
	bool huge; /* HUGE_IOVA: 1 MiB pages allowed */
};

struct mock_nested {
	struct iofd_domain d;
	struct iofd_viommu *viommu; /* made on one, or NULL */
	uint32_t iotlb[MOCK_NESTED_DOMAIN_IOTLB_NUM];
};

static struct mock_domain *mdom(struct iofd_domain *d)
{
	return (struct mock_domain *)d;
}

static struct iofd_mock_dev *mdev(struct iofd_device *idev)
{
	return idev->drv_data;
}

/* The entry of IO page @slot, made when @make; NULL outside the table. */
static uint64_t *slot_ent(struct mock_domain *m, uint64_t slot, bool make)
{
	uint64_t **c;

	if (slot >= MOCK_SLOTS)
		return NULL;
	c = &m->chunk[slot >> CHUNK_SHIFT];
	if (!*c && make)
		*c = calloc(CHUNK, sizeof(**c));
	return *c ? &(*c)[slot & (CHUNK - 1)] : NULL;
}

static uint64_t slot_get(struct mock_domain *m, uint64_t slot)
{
	uint64_t *e = slot_ent(m, slot, false);

	return e ? *e : 0;
}

/* mock_domain_map_pages, with iommu_map's choice of page size */
static int mock_map(struct iofd_domain *d, uint64_t iova, uint64_t pa,
		    uint64_t len, unsigned int prot)
{
	struct mock_domain *m = mdom(d);
	uint64_t done = 0;

	(void)prot;
	if ((iova | pa | len) % MOCK_IO_PAGE)
		return -EINVAL;
	while (done < len) {
		uint64_t cur = iova + done, p = pa + done, size = MOCK_IO_PAGE;

		if ((d->pgsize_bitmap & MOCK_HUGE_PAGE) &&
		    !((cur | p) & (MOCK_HUGE_PAGE - 1)) &&
		    len - done >= MOCK_HUGE_PAGE)
			size = MOCK_HUGE_PAGE;
		for (uint64_t off = 0; off < size; off += MOCK_IO_PAGE) {
			uint64_t *e =
				slot_ent(m, (cur + off) / MOCK_IO_PAGE, true);

			if (!e) { /* outside the table, or no memory */
				d->ops->unmap(d, iova, done + off);
				return -ENOMEM;
			}
			*e = ((p + off) / MOCK_IO_PAGE) | ENT_PRESENT |
			     (size == MOCK_HUGE_PAGE ? ENT_HUGE : 0);
		}
		done += size;
	}
	return 0;
}

static uint64_t mock_unmap(struct iofd_domain *d, uint64_t iova, uint64_t len)
{
	struct mock_domain *m = mdom(d);

	for (uint64_t off = 0; off < len; off += MOCK_IO_PAGE) {
		uint64_t *e = slot_ent(m, (iova + off) / MOCK_IO_PAGE, false);

		if (e)
			*e = 0;
	}
	return len;
}

static void mock_large_pages(struct iofd_domain *d, bool on)
{
	d->pgsize_bitmap = MOCK_IO_PAGE |
			   (on && mdom(d)->huge ? MOCK_HUGE_PAGE : 0);
}

/* Any IO page of [head, head + size) dirty; cleared unless @no_clear
 * (mock_test_and_clear_dirty). */
static bool test_and_clear(struct mock_domain *m, uint64_t head, uint64_t size,
			   bool no_clear)
{
	bool dirty = false;

	for (uint64_t cur = head; cur < head + size; cur += MOCK_IO_PAGE) {
		uint64_t *e = slot_ent(m, cur / MOCK_IO_PAGE, false);

		if (!e || !(*e & ENT_DIRTY))
			continue;
		dirty = true;
		if (!no_clear)
			*e &= ~ENT_DIRTY;
	}
	return dirty;
}

/* mock_domain_read_and_clear_dirty: a dirty IO page of a huge page
 * reports the whole 1 MiB. @fn NULL: clearing without a bitmap, which
 * the mock allows while tracking is off. */
static int64_t mock_dirty(struct iofd_domain *d, uint64_t iova, uint64_t len,
			  bool no_clear, pt_dirty_fn fn, void *ctx)
{
	struct mock_domain *m = mdom(d);
	uint64_t end = iova + len;
	int64_t n = 0;

	if (!m->tracking && fn)
		return -EINVAL;
	do {
		uint64_t e = slot_get(m, iova / MOCK_IO_PAGE);
		uint64_t size = e & ENT_HUGE ? MOCK_HUGE_PAGE : MOCK_IO_PAGE;

		if (e &&
		    test_and_clear(m, iova & ~(size - 1), size, no_clear) &&
		    fn) {
			fn(ctx, iova, size);
			n++;
		}
		iova += size;
	} while (iova < end && iova);
	return n;
}

/* mock_domain_set_dirty_tracking */
static int mock_set_tracking(struct iofd_domain *d, bool on)
{
	if (on && !mdom(d)->dirty_ops)
		return -EINVAL;
	mdom(d)->tracking = on;
	return 0;
}

static int mock_iova_to_pa(struct iofd_domain *d, uint64_t iova, uint64_t *pa)
{
	uint64_t e = slot_get(mdom(d), iova / MOCK_IO_PAGE);

	if (!e)
		return -ENOENT;
	*pa = (e & ENT_PFN_MASK) * MOCK_IO_PAGE + iova % MOCK_IO_PAGE;
	return 0;
}

static void mock_free(struct iofd_domain *d)
{
	struct mock_domain *m = mdom(d);

	for (unsigned int i = 0; i < MOCK_SLOTS / CHUNK; i++)
		free(m->chunk[i]);
	free(m);
}

static const struct iofd_domain_ops mock_paging_ops = {
	.map = mock_map,
	.unmap = mock_unmap,
	.large_pages = mock_large_pages,
	.read_and_clear_dirty = mock_dirty,
	.set_dirty_tracking = mock_set_tracking,
	.iova_to_pa = mock_iova_to_pa,
	.free = mock_free,
};

/* mock_domain_cache_invalidate_user: wrong type EINVAL even for zero
 * entries; per entry unknown flags EOPNOTSUPP, index above 3 EINVAL. */
static int mock_invalidate(struct iofd_domain *d, struct iofd_ctx *ictx,
			   const struct iommu_hwpt_invalidate *c,
			   uint32_t *done)
{
	struct mock_nested *n = (struct mock_nested *)d;
	int ret = 0;

	*done = 0;
	if (c->data_type != IOMMU_HWPT_INVALIDATE_DATA_SELFTEST)
		return -EINVAL;
	for (; *done < c->entry_num; (*done)++) {
		struct iommu_hwpt_invalidate_selftest inv;

		ret = iofd_user_data(
			ictx, c->data_uptr + (uint64_t)*done * c->entry_len,
			c->entry_len, &inv, sizeof(inv), sizeof(inv));
		if (!ret && (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL))
			ret = -EOPNOTSUPP;
		if (!ret && inv.iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX)
			ret = -EINVAL;
		if (ret)
			break;
		for (unsigned int i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
			if ((inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) ||
			    i == inv.iotlb_id)
				n->iotlb[i] = 0;
	}
	return ret;
}

static void mock_nested_free(struct iofd_domain *d)
{
	free(d);
}

static const struct iofd_domain_ops mock_nested_ops = {
	.invalidate_user = mock_invalidate,
	.free = mock_nested_free,
};

/* mock_domain_alloc_paging_flags */
static int alloc_paging(struct iofd_device *idev, uint32_t flags,
			struct iofd_domain **out)
{
	struct iofd_mock_dev *md = mdev(idev);
	struct mock_domain *m;

	if (flags &
	    ~(uint32_t)(IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
			IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if ((flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    (md->flags & MOCK_FLAGS_DEVICE_NO_DIRTY))
		return -EOPNOTSUPP;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->d.ops = &mock_paging_ops;
	m->d.drv = &iofd_mock_dev_ops;
	m->d.aperture_start = MOCK_APERTURE_START;
	m->d.aperture_last = MOCK_APERTURE_LAST;
	m->huge = md->flags & MOCK_FLAGS_DEVICE_HUGE_IOVA;
	m->d.pgsize_bitmap = MOCK_IO_PAGE | (m->huge ? MOCK_HUGE_PAGE : 0);
	m->dirty_ops = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	*out = &m->d;
	return 0;
}

/* mock_domain_alloc_nested: IOMMU_HWPT_DATA_SELFTEST, {iotlb} */
static int alloc_nested(struct iofd_device *idev, struct iofd_domain *parent,
			struct iofd_viommu *viommu,
			const struct iommu_hwpt_alloc *c,
			struct iofd_domain **out)
{
	struct iommu_hwpt_selftest cfg;
	struct mock_nested *n;
	int ret;

	(void)parent;
	if (c->flags &
	    ~(uint32_t)(IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_FAULT_ID_VALID))
		return -EOPNOTSUPP;
	if (c->data_type != IOMMU_HWPT_DATA_SELFTEST)
		return -EOPNOTSUPP;
	ret = iofd_user_data(idev->ictx, c->data_uptr, c->data_len, &cfg,
			     sizeof(cfg), sizeof(cfg));
	if (ret)
		return ret;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->d.ops = &mock_nested_ops;
	n->d.drv = &iofd_mock_dev_ops;
	n->d.nested = true;
	n->viommu = viommu;
	for (unsigned int i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		n->iotlb[i] = cfg.iotlb;
	*out = &n->d;
	return 0;
}

/* mock_domain_nop_attach: a dirty-tracking domain refuses a NO_DIRTY
 * device with EINVAL (so an automatic-domain search moves on). */
static int attach_group(struct iofd_device *idev, struct iofd_domain *dom,
			struct iofd_domain *old)
{
	struct iofd_mock_dev *md = mdev(idev);
	struct iofd_viommu *v = NULL;
	uint64_t vdev_id = 0;
	int ret;

	(void)old;
	if (!dom->nested && mdom(dom)->dirty_ops &&
	    (md->flags & MOCK_FLAGS_DEVICE_NO_DIRTY))
		return -EINVAL;
	/* a nested domain of a vIOMMU needs the device's vDEVICE there */
	if (dom->nested && (v = ((struct mock_nested *)dom)->viommu)) {
		ret = iofd_viommu_virt_id(v, idev, &vdev_id);
		if (ret)
			return ret;
	}
	md->viommu = v;
	md->vdev_id = vdev_id;
	md->domain = dom;
	return 0;
}

static void detach_group(struct iofd_device *idev)
{
	mdev(idev)->domain = NULL;
	mdev(idev)->viommu = NULL;
	mdev(idev)->vdev_id = 0;
}

/* mock_get_viommu_size + mock_viommu_init: type SELFTEST; user data
 * {in_data, ...} comes back with out_data = in_data and a two-page mmap
 * region whose first word is in_data (the v6.17 selftest maps it). */
static int viommu_init(struct iofd_device *idev, struct iofd_viommu *v,
		       struct iommu_viommu_alloc *c)
{
	struct iommu_viommu_selftest data;
	uint8_t *page;
	uint32_t n;
	int ret;

	if (c->type != IOMMU_VIOMMU_TYPE_SELFTEST)
		return -EOPNOTSUPP;
	if (!v || !c->data_len)
		return 0;
	ret = iofd_user_data(idev->ictx, c->data_uptr, c->data_len, &data,
			     sizeof(data),
			     offsetof(struct iommu_viommu_selftest, out_data) +
				     sizeof(data.out_data));
	if (ret)
		return ret;
	data.out_data = data.in_data;
	/* the mock's two pages (an order-1 allocation) */
	ret = iofd_mmap_alloc(idev->ictx, &v->obj, 2 * IOFD_PAGE_SIZE,
			      &v->mmap_offset, &page);
	if (ret)
		return ret;
	data.out_mmap_offset = v->mmap_offset;
	data.out_mmap_length = 2 * IOFD_PAGE_SIZE;
	memcpy(page, &data.in_data, sizeof(data.in_data)); /* a CPU u32 */
	n = c->data_len < sizeof(data) ? c->data_len : sizeof(data);
	return iofd_uwrite(idev->ictx, c->data_uptr, &data, n);
}

/* mock_viommu_get_hw_queue_size + mock_hw_queue_init_phys: type
 * SELFTEST; indexes below 2; index i needs i - 1 (EIO) and pins it
 * (destroying it is then EBUSY); the physical address must be what the
 * parent domain translates the IOVA to (EFAULT). @q NULL: the type probe. */
static int hw_queue_init(struct iofd_viommu *v, struct iofd_hw_queue *q,
			 uint32_t type, uint64_t iova, uint64_t base_pa)
{
	struct iofd_domain *parent = v->hwpt->dom;
	struct iofd_hw_queue *prev = NULL;
	uint64_t pa;

	if (type != IOMMU_HW_QUEUE_TYPE_SELFTEST)
		return -EOPNOTSUPP;
	if (!q)
		return 0;
	if (q->index >= IOMMU_TEST_HW_QUEUE_MAX)
		return -EINVAL;
	if (v->hw_queues[q->index])
		return -EEXIST;
	if (q->index) {
		prev = v->hw_queues[q->index - 1];
		if (!prev)
			return -EIO;
	}
	if (parent->ops->iova_to_pa(parent, iova, &pa) || pa != base_pa)
		return -EFAULT;
	if (prev) {
		q->prev = prev;
		prev->obj.users++; /* iommufd_hw_queue_depend */
	}
	v->hw_queues[q->index] = q;
	return 0;
}

static void hw_queue_destroy(struct iofd_viommu *v, struct iofd_hw_queue *q)
{
	if (q->index < IOMMU_TEST_HW_QUEUE_MAX && v->hw_queues[q->index] == q)
		v->hw_queues[q->index] = NULL;
	if (q->prev)
		iofd_put_object(&q->prev->obj);
}

/* mock_viommu_cache_invalidate: zero entries of the right type probe it;
 * then {flags, vdev_id, cache_id} entries clear device cache entries. */
static int viommu_invalidate(struct iofd_viommu *v, struct iofd_ctx *ictx,
			     const struct iommu_hwpt_invalidate *c,
			     uint32_t *done)
{
	int ret = 0;

	*done = 0;
	if (c->data_type != IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST)
		return -EINVAL;
	for (; *done < c->entry_num; (*done)++) {
		struct iommu_viommu_invalidate_selftest inv;
		struct iofd_device *idev;

		ret = iofd_user_data(
			ictx, c->data_uptr + (uint64_t)*done * c->entry_len,
			c->entry_len, &inv, sizeof(inv), 0);
		if (!ret && (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL))
			ret = -EOPNOTSUPP;
		if (!ret && inv.cache_id > MOCK_DEV_CACHE_ID_MAX)
			ret = -EINVAL;
		if (!ret && !(idev = iofd_viommu_find_dev(v, inv.vdev_id)))
			ret = -EINVAL;
		if (ret)
			break;
		for (unsigned int i = 0; i < MOCK_DEV_CACHE_NUM; i++)
			if ((inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) ||
			    i == inv.cache_id)
				mdev(idev)->cache[i] = 0;
	}
	return ret;
}

static unsigned int pasid_bits(struct iofd_device *idev)
{
	return mdev(idev)->flags & MOCK_FLAGS_DEVICE_PASID ? MOCK_PASID_WIDTH :
							     0;
}

/* mock_domain_set_dev_pasid_nop: PASID 1024 fails every second change
 * into a domain (the selftest's rollback check); blocking it clears. */
static int attach_pasid(struct iofd_device *idev, uint32_t pasid,
			struct iofd_domain *dom, struct iofd_domain *old)
{
	struct iofd_mock_dev *md = mdev(idev);

	(void)dom;
	(void)old;
	if (pasid != IOMMU_TEST_PASID_RESERVED)
		return 0;
	md->pasid_1024_fail = !md->pasid_1024_fail;
	return md->pasid_1024_fail ? 0 : -ENOMEM;
}

static void detach_pasid(struct iofd_device *idev, uint32_t pasid)
{
	if (pasid == IOMMU_TEST_PASID_RESERVED)
		mdev(idev)->pasid_1024_fail = false;
}

static int reserve(struct iofd_device *idev, struct iofd_ioas *ioas)
{
	(void)idev;
	(void)ioas;
	return 0; /* a mock device has no reserved regions */
}

/* mock_domain_hw_info (DEFAULT or SELFTEST get the selftest data, any
 * other type EOPNOTSUPP: the v6.17 selftest's get_hw_info asks for
 * SELFTEST + 1 and expects that) and mock_domain_capable */
static int hw_info(struct iofd_device *idev, uint32_t type,
		   struct iofd_hw_info *out)
{
	struct iommu_test_hw_info info = { 0, IOMMU_HW_INFO_SELFTEST_REGVAL };
	struct iofd_mock_dev *md = mdev(idev);

	if (type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    type != IOMMU_HW_INFO_TYPE_SELFTEST)
		return -EOPNOTSUPP;
	out->type = IOMMU_HW_INFO_TYPE_SELFTEST;
	out->len = sizeof(info);
	memcpy(out->data, &info, sizeof(info));
	out->caps = md->flags & MOCK_FLAGS_DEVICE_NO_DIRTY ?
			    0 :
			    IOMMU_HW_CAP_DIRTY_TRACKING;
	out->max_pasid_log2 =
		md->flags & MOCK_FLAGS_DEVICE_PASID ? MOCK_PASID_WIDTH : 0;
	return 0;
}

static void release(struct iofd_device *idev)
{
	mdev(idev)->idev = NULL;
}

const struct iofd_dev_ops iofd_mock_dev_ops = {
	.user_pasid_table = true, /* selftest.c mock_ops */
	.name = "mock",
	.alloc_paging = alloc_paging,
	.alloc_nested = alloc_nested,
	.viommu_init = viommu_init,
	.viommu_invalidate = viommu_invalidate,
	.hw_queue_init = hw_queue_init,
	.hw_queue_destroy = hw_queue_destroy,
	.pasid_bits = pasid_bits,
	.attach_pasid = attach_pasid,
	.detach_pasid = detach_pasid,
	.attach_group = attach_group,
	.detach_group = detach_group,
	.reserve = reserve,
	.hw_info = hw_info,
	.release = release,
};

/** iofd_mock_is_paging() - whether @d is a mock paging domain. */
bool iofd_mock_is_paging(const struct iofd_domain *d)
{
	return d->ops == &mock_paging_ops;
}

/**
 * iofd_mock_set_dirty() - IOMMU_TEST_OP_DIRTY on a mock paging domain:
 * for each set bit i of @bits, the entry at index (iova + i * page_size)
 * / page_size is marked dirty when present. The index divides by
 * @page_size, not by the IO page size, exactly as the kernel's
 * iommufd_test_dirty does.
 * @d: the domain.
 * @iova: first IOVA.
 * @page_size: bytes per bit.
 * @bits: the bitmap.
 * @nbits: bits in it.
 *
 * Return: entries marked, or -EINVAL while tracking is off.
 */
int64_t iofd_mock_set_dirty(struct iofd_domain *d, uint64_t iova,
			    uint64_t page_size, const uint64_t *bits,
			    uint64_t nbits)
{
	struct mock_domain *m = mdom(d);
	int64_t count = 0;

	if (!m->tracking)
		return -EINVAL;
	for (uint64_t i = 0; i < nbits; i++) {
		uint64_t *e;

		if (!(bits[i / 64] >> (i % 64) & 1))
			continue;
		e = slot_ent(m, (iova + i * page_size) / page_size, false);
		if (e && *e) {
			*e |= ENT_DIRTY;
			count++;
		}
	}
	return count;
}

/** iofd_mock_iotlb() - entry @i of a mock nested domain's IOTLB. */
uint32_t iofd_mock_iotlb(const struct iofd_domain *d, unsigned int i)
{
	return ((const struct mock_nested *)d)->iotlb[i];
}

/** iofd_mock_is_nested() - whether @d is a mock nested domain. */
bool iofd_mock_is_nested(const struct iofd_domain *d)
{
	return d->ops == &mock_nested_ops;
}

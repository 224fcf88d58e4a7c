// SPDX-License-Identifier: MIT
/*
 * test_iofd_prop.c - a property test of the simulated iommufd with
 * devices: random sequences of IOAS_ALLOC, DESTROY, MAP (good and bad
 * user addresses), UNMAP, bind / attach / detach / unbind of the VT-d
 * machine's devices, ioctls with bad sizes and bad pointers, and device
 * DMA, each checked against a small shadow model that predicts the
 * result (errno, the id given out) and what DMA must read. ASan/LSan
 * runs of the suite check that nothing leaks on the way.
 *
 * The shadow follows the kernel's rules as docs/iommufd.md states them:
 * lowest free id; IOMMU_DESTROY EBUSY while referenced; one automatic
 * HWPT per IOAS shared by its attached devices, gone with the last one;
 * pinning (EFAULT for memory that is not there) only while a domain
 * exists; whole-area unmaps.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "iofd_test.h"

#define NIDS 64
#define NDEV 4
#define SLOTS 32 /* IOVA pages used: [BASE, BASE + SLOTS pages) */
#define BASE 0x100000ULL
#define BAD_VA 0x1000ULL /* never mapped in a process */

enum kind { K_NONE, K_IOAS, K_DEV, K_HWPT };

struct shadow {
	enum kind kind[NIDS + 1];
	/* IOAS: areas by slot (area id + 1, 0 = free), start and length */
	unsigned int area[NIDS + 1][SLOTS];
	bool bad[NIDS + 1][SLOTS]; /* the area's memory does not exist */
	uint32_t hwpt_of[NIDS + 1]; /* IOAS: its automatic HWPT, or 0 */
	unsigned int nattached[NIDS + 1]; /* IOAS: devices on its HWPT */
	uint32_t dev_id[NDEV]; /* bound device object, or 0 */
	uint32_t dev_ioas[NDEV]; /* the IOAS it is attached to, or 0 */
	unsigned int next_area;
};

static struct shadow sh;
/* how often the interesting outcomes happened (the walk must reach them) */
static unsigned int n_dma_ok, n_attach_ok, n_efault, n_busy;
static uint8_t *mem; /* SLOTS pages of real memory, page i at slot i */
static uint64_t rng;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static uint32_t lowest_free(void)
{
	for (uint32_t id = 1; id <= NIDS; id++)
		if (sh.kind[id] == K_NONE)
			return id;
	return 0;
}

static bool ioas_has_bad(uint32_t ioas)
{
	for (unsigned int s = 0; s < SLOTS; s++)
		if (sh.area[ioas][s] && sh.bad[ioas][s])
			return true;
	return false;
}

/* One of the IOASes that exist, or 0 (now and then an id that is not
 * an IOAS, which must then be ENOENT-free: callers skip 0). */
static uint32_t pick_ioas(void)
{
	uint32_t ids[NIDS], n = 0;

	for (uint32_t id = 1; id <= NIDS; id++)
		if (sh.kind[id] == K_IOAS)
			ids[n++] = id;
	return n ? ids[rnd(n)] : 0;
}

static void op_ioas_alloc(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	uint32_t want = lowest_free(), n = 0;

	for (uint32_t id = 1; id <= NIDS; id++)
		n += sh.kind[id] == K_IOAS;
	if (!want || n >= 3) /* a few IOASes, so devices meet areas */
		return;
	ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &a), 0);
	ck_assert_uint_eq(a.out_ioas_id, want);
	sh.kind[want] = K_IOAS;
	memset(sh.area[want], 0, sizeof(sh.area[want]));
}

static void op_destroy(void)
{
	uint32_t id = rnd(NIDS + 2);
	int want;

	if (id > NIDS || sh.kind[id] == K_NONE)
		want = -ENOENT;
	else if (sh.kind[id] == K_DEV || sh.kind[id] == K_HWPT ||
		 (sh.kind[id] == K_IOAS && sh.hwpt_of[id]))
		want = -EBUSY;
	else
		want = 0;
	ck_assert_int_eq(destroy(id), want);
	n_busy += want == -EBUSY;
	if (!want)
		sh.kind[id] = K_NONE;
}

static void op_map(void)
{
	uint32_t ioas = pick_ioas();
	unsigned int s = rnd(SLOTS), n = 1 + rnd(4);
	bool bad = !rnd(12), clash = false;
	int want;

	if (!ioas)
		return;
	if (s + n > SLOTS)
		n = SLOTS - s;
	for (unsigned int i = s; i < s + n; i++)
		clash |= sh.area[ioas][i] != 0;
	want = clash ? -EEXIST : bad && sh.hwpt_of[ioas] ? -EFAULT : 0;
	ck_assert_int_eq(map_at(ioas, bad ? (void *)BAD_VA : mem + s * PAGE,
				n * PAGE, BASE + s * PAGE, RW),
			 want);
	n_efault += want == -EFAULT;
	if (want)
		return;
	sh.next_area++;
	for (unsigned int i = s; i < s + n; i++) {
		sh.area[ioas][i] = sh.next_area;
		sh.bad[ioas][i] = bad;
	}
}

static void op_unmap(void)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u) };
	uint32_t ioas = pick_ioas();
	unsigned int s = rnd(SLOTS), n = 1 + rnd(6), got = 0;
	int want = 0;

	if (!ioas)
		return;
	if (s + n > SLOTS)
		n = SLOTS - s;
	/* an area cut by either end: ENOENT; nothing inside: ENOENT */
	if ((sh.area[ioas][s] && s &&
	     sh.area[ioas][s - 1] == sh.area[ioas][s]) ||
	    (s + n < SLOTS && sh.area[ioas][s + n - 1] &&
	     sh.area[ioas][s + n] == sh.area[ioas][s + n - 1]))
		want = -ENOENT;
	for (unsigned int i = s; i < s + n; i++)
		got += sh.area[ioas][i] != 0;
	if (!got)
		want = -ENOENT;
	u.ioas_id = ioas;
	u.iova = BASE + s * PAGE;
	u.length = n * PAGE;
	ck_assert_int_eq(io(IOMMU_IOAS_UNMAP, &u), want);
	if (want)
		return;
	ck_assert_uint_eq(u.length, got * PAGE);
	for (unsigned int i = s; i < s + n; i++)
		sh.area[ioas][i] = 0;
}

/* The device leaves its IOAS's automatic HWPT (gone with the last). */
static void shadow_detach(unsigned int d)
{
	uint32_t ioas = sh.dev_ioas[d];

	if (!ioas)
		return;
	sh.dev_ioas[d] = 0;
	if (!--sh.nattached[ioas]) {
		sh.kind[sh.hwpt_of[ioas]] = K_NONE;
		sh.hwpt_of[ioas] = 0;
	}
}

static void op_bind(void)
{
	unsigned int d = rnd(NDEV);
	uint32_t id, want = lowest_free();

	if (sh.dev_id[d]) {
		ck_assert_int_eq(iommufd_sim_unbind(ctx, sh.dev_id[d]), 0);
		shadow_detach(d);
		sh.kind[sh.dev_id[d]] = K_NONE;
		sh.dev_id[d] = 0;
		return;
	}
	if (!want)
		return;
	ck_assert_int_eq(iommufd_sim_bind(ctx, d, &id), 0);
	ck_assert_uint_eq(id, want);
	sh.kind[id] = K_DEV;
	sh.dev_id[d] = id;
}

static void op_attach(void)
{
	unsigned int d = rnd(NDEV);
	uint32_t ioas = pick_ioas(), pt = ioas, want_id;
	int want;

	if (!sh.dev_id[d] || !ioas)
		return;
	if (sh.dev_ioas[d] == ioas)
		return; /* replace with itself: covered by the unit tests */
	/* a new automatic HWPT is made (and must pin) unless one exists */
	want_id = sh.hwpt_of[ioas] ? sh.hwpt_of[ioas] : lowest_free();
	want = !sh.hwpt_of[ioas] && ioas_has_bad(ioas) ? -EFAULT : 0;
	if (!want_id)
		return;
	ck_assert_int_eq(iommufd_sim_attach(ctx, sh.dev_id[d], IOMMU_NO_PASID,
					    &pt),
			 want);
	n_efault += want == -EFAULT;
	if (want)
		return;
	n_attach_ok++;
	ck_assert_uint_eq(pt, want_id);
	shadow_detach(d); /* a replace: the old HWPT goes after */
	if (!sh.hwpt_of[ioas]) {
		sh.hwpt_of[ioas] = want_id;
		sh.kind[want_id] = K_HWPT;
	}
	sh.nattached[ioas]++;
	sh.dev_ioas[d] = ioas;
}

static void op_detach(void)
{
	unsigned int d = rnd(NDEV);

	if (!sh.dev_id[d])
		return;
	ck_assert_int_eq(iommufd_sim_detach(ctx, sh.dev_id[d], IOMMU_NO_PASID),
			 0);
	shadow_detach(d);
}

/* What device @d reads at slot @s is the buffer's page, or a fault. */
static void op_dma(void)
{
	unsigned int d = rnd(NDEV), s = rnd(SLOTS);
	uint32_t ioas = sh.dev_ioas[d];

	/* mostly where something is mapped, so the data path is checked */
	for (unsigned int tries = 0; ioas && rnd(4) && tries < SLOTS; tries++) {
		if (sh.area[ioas][s])
			break;
		s = (s + 1) % SLOTS;
	}
	bool ok = ioas && sh.area[ioas][s];
	uint8_t got[16];
	int ret;

	mem[s * PAGE + 5] = (uint8_t)rnd(256);
	ret = iofd_sys_dma(iommufd_sim_sys(ctx), d, IOMMU_NO_PASID,
			   BASE + s * PAGE, got, sizeof(got), false, NULL);
	ck_assert_int_eq(ret, ok ? 0 : -EIO);
	if (ok)
		ck_assert_mem_eq(got, mem + s * PAGE, sizeof(got));
	n_dma_ok += ok;
}

/* Bad sizes and pointers: EINVAL, E2BIG, EFAULT, nothing changes. */
static void op_bad(void)
{
	struct {
		struct iommu_ioas_alloc a;
		uint32_t tail;
	} x = { { 0 }, 1 };

	switch (rnd(3)) {
	case 0:
		x.a.size = rnd(12);
		ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &x), -EINVAL);
		break;
	case 1:
		x.a.size = sizeof(x);
		ck_assert_int_eq(io(IOMMU_IOAS_ALLOC, &x), -E2BIG);
		break;
	default:
		ck_assert_int_eq(iommufd_sim_ioctl(ctx, IOMMU_IOAS_MAP, BAD_VA),
				 -EFAULT);
		break;
	}
}

START_TEST(test_random_sequences)
{
	static void (*const ops[])(void) = {
		op_ioas_alloc, op_destroy, op_map,    op_map, op_unmap, op_bind,
		op_attach,     op_attach,  op_detach, op_dma, op_dma,	op_bad,
	};

	memset(&sh, 0, sizeof(sh));
	n_dma_ok = n_attach_ok = n_efault = n_busy = 0;
	rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(_i + 1);
	mem = pages(SLOTS);
	ck_assert_int_eq(iommufd_sim_open(NULL, &ctx), 0);
	for (unsigned int step = 0; step < 4000; step++)
		ops[rnd(sizeof(ops) / sizeof(ops[0]))]();
	iommufd_sim_close(ctx);
	ctx = NULL;
	munmap(mem, SLOTS * PAGE);
	ck_assert_msg(n_dma_ok > 40 && n_attach_ok > 40 && n_efault > 5 &&
			      n_busy > 5,
		      "walk too shallow: dma %u attach %u efault %u busy %u",
		      n_dma_ok, n_attach_ok, n_efault, n_busy);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iofd_prop");
	TCase *tc = tcase_create("prop");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_random_sequences, 0, 4);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}

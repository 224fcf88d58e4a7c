// SPDX-License-Identifier: MIT
/*
 * fuzz_vfio_spapr.c - libFuzzer harness for the VFIO sPAPR TCE v2
 * container and group files (uapi_sim/vfio_spapr.c): each input runs a
 * sequence of operations on a fresh default machine with one container
 * and the PHB's two groups open. "User memory" is a 128 KiB arena owned
 * by the harness at 0x10000 (two 64 KiB pages); anything else is a bad
 * address (EFAULT).
 *
 * Record: op (1 byte), arg (1 byte), 40 bytes that become the struct at
 * the arena's start. op % 6: 0 a container ioctl (arg picks it; the
 * integer commands take arg >> 4), 1 a group ioctl (arg & 1 the group,
 * arg >> 1 the command; SET_CONTAINER's descriptor is the struct's
 * first word: 3 the container, 4 another file, else EBADF), 2 close or
 * reopen a group, 3 close or reopen the container, 4 the device's DMA
 * (the struct's first word the IOVA), 5 an iommufd bind or unbind of
 * the device. Checked: every result is one the kernel's code can give,
 * and closing everything leaks nothing (ASan).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uapi_sim/vfio_spapr.h"

#define ARENA_BASE 0x10000ULL
#define ARENA_SIZE 0x20000u
#define RECORD 42u
#define FD_CONT 3
#define FD_OTHER 4
#define PPC_DEV 8 /* the default machine's PHB devices: 8, 9; groups too */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(65536)));

static bool in_arena(uint64_t uptr, uint64_t len)
{
	return uptr >= ARENA_BASE && uptr - ARENA_BASE <= ARENA_SIZE &&
	       len <= ARENA_SIZE - (uptr - ARENA_BASE);
}

static int arena_rw(uint64_t uptr, void *buf, size_t len, bool write)
{
	if (!in_arena(uptr, len))
		return -EFAULT;
	if (write)
		memcpy(arena + (uptr - ARENA_BASE), buf, len);
	else
		memcpy(buf, arena + (uptr - ARENA_BASE), len);
	return 0;
}

static int arena_read(void *ctx, uint64_t uptr, void *buf, size_t len)
{
	(void)ctx;
	return arena_rw(uptr, buf, len, false);
}

static int arena_write(void *ctx, uint64_t uptr, const void *buf, size_t len)
{
	(void)ctx;
	return arena_rw(uptr, (void *)buf, len, true);
}

static int arena_pin(void *ctx, uint64_t uptr, uint64_t len, bool write)
{
	(void)ctx;
	(void)write;
	return in_arena(uptr, len) ? 0 : -EFAULT;
}

struct state {
	struct iofd_sys *sys;
	struct iofd_ctx *ictx;
	struct vfio_spapr_container *cont;
	struct vfio_spapr_group *grp[2];
	uint32_t dev_id[2];
};

static int resolve(void *ctx, int32_t fd, struct vfio_spapr_container **out)
{
	struct state *s = ctx;

	if (fd == FD_CONT && s->cont) {
		*out = s->cont;
		return 0;
	}
	if (fd == FD_OTHER) {
		*out = NULL;
		return 0;
	}
	return -EBADF;
}

static bool known(int ret)
{
	static const int ok[] = { 0,	   1,	    -ENOTTY, -EFAULT,
				  -EINVAL, -ENOENT, -EBUSY,  -ENOMEM,
				  -ENODEV, -ENOSPC, -EPERM,  -EBADFD,
				  -EBADF,  -ENXIO,  -EIO,    -EOPNOTSUPP };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ret == ok[i])
			return true;
	return false;
}

static const unsigned long cont_cmds[] = {
	VFIO_GET_API_VERSION,
	VFIO_CHECK_EXTENSION,
	VFIO_SET_IOMMU,
	VFIO_IOMMU_SPAPR_TCE_GET_INFO,
	VFIO_IOMMU_MAP_DMA,
	VFIO_IOMMU_UNMAP_DMA,
	VFIO_IOMMU_SPAPR_REGISTER_MEMORY,
	VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY,
	VFIO_IOMMU_SPAPR_TCE_CREATE,
	VFIO_IOMMU_SPAPR_TCE_REMOVE,
	VFIO_IOMMU_ENABLE,
	VFIO_EEH_PE_OP,
};

static const unsigned long grp_cmds[] = {
	VFIO_GROUP_GET_STATUS,
	VFIO_GROUP_SET_CONTAINER,
	VFIO_GROUP_UNSET_CONTAINER,
	VFIO_GROUP_GET_DEVICE_FD,
};

static int cont_op(struct state *s, uint8_t arg)
{
	unsigned long cmd = cont_cmds[arg % 12];
	uint64_t a = ARENA_BASE;

	if (!s->cont)
		return 0;
	if (cmd == VFIO_CHECK_EXTENSION || cmd == VFIO_SET_IOMMU)
		a = arg >> 4;
	return vfio_spapr_container_ioctl(s->cont, cmd, a);
}

static int group_op(struct state *s, uint8_t arg)
{
	struct vfio_spapr_group *g = s->grp[arg & 1];

	return g ? vfio_spapr_group_ioctl(g, grp_cmds[(arg >> 1) % 4],
					  ARENA_BASE) :
		   0;
}

static int group_toggle(struct state *s, const struct iofd_uaccess *ua,
			uint8_t arg)
{
	unsigned int i = arg & 1;

	if (s->grp[i]) {
		vfio_spapr_group_close(s->grp[i]);
		s->grp[i] = NULL;
		return 0;
	}
	return vfio_spapr_group_open(s->sys, PPC_DEV + i, ua, resolve, s,
				     &s->grp[i]);
}

static int cont_toggle(struct state *s, const struct iofd_uaccess *ua)
{
	if (s->cont) {
		vfio_spapr_container_close(s->cont);
		s->cont = NULL;
		return 0;
	}
	return vfio_spapr_container_open(s->sys, ua, &s->cont);
}

static int dma_op(struct state *s, uint8_t arg)
{
	uint8_t buf[64];
	uint64_t iova;
	int ret;

	memcpy(&iova, arena, sizeof(iova));
	memcpy(buf, arena + 8, sizeof(buf));
	ret = iofd_sys_dma(s->sys, PPC_DEV + (arg & 1), IOMMU_NO_PASID, iova,
			   buf, 1 + arena[8] % sizeof(buf), arg & 2, NULL);
	return ret == -EIO || ret == -EFAULT ? 0 : ret;
}

static int bind_op(struct state *s, uint8_t arg)
{
	unsigned int i = arg & 1;
	uint32_t id = 0;
	int ret;

	if (s->dev_id[i]) {
		ret = iommufd_sim_unbind(s->ictx, s->dev_id[i]);
		s->dev_id[i] = 0;
		return ret;
	}
	ret = iommufd_sim_bind(s->ictx, PPC_DEV + i, &id);
	if (!ret)
		s->dev_id[i] = id;
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a small RLIMIT_MEMLOCK keeps tables the input asks for small */
	struct iofd_uaccess ua = { .read = arena_read,
				   .write = arena_write,
				   .pin = arena_pin,
				   .memlock_limit = 16u << 20 };
	struct state s = { 0 };
	int ret = 0;

	memset(arena, 0, sizeof(arena));
	if (iofd_sys_create(NULL, &s.sys, NULL, 0))
		return 0;
	if (iommufd_sim_open_sys(s.sys, &ua, &s.ictx) ||
	    vfio_spapr_container_open(s.sys, &ua, &s.cont))
		abort();
	group_toggle(&s, &ua, 0);
	group_toggle(&s, &ua, 1);
	for (size_t i = 0; i + RECORD <= size; i += RECORD) {
		uint8_t op = data[i] % 6, arg = data[i + 1];

		memcpy(arena, data + i + 2, RECORD - 2);
		switch (op) {
		case 0:
			ret = cont_op(&s, arg);
			break;
		case 1:
			ret = group_op(&s, arg);
			break;
		case 2:
			ret = group_toggle(&s, &ua, arg);
			break;
		case 3:
			ret = cont_toggle(&s, &ua);
			break;
		case 4:
			ret = dma_op(&s, arg);
			break;
		default:
			ret = bind_op(&s, arg);
			break;
		}
		if (!known(ret))
			abort();
	}
	for (unsigned int i = 0; i < 2; i++)
		if (s.grp[i])
			vfio_spapr_group_close(s.grp[i]);
	if (s.cont)
		vfio_spapr_container_close(s.cont);
	iommufd_sim_close(s.ictx);
	iofd_sys_destroy(s.sys);
	return 0;
}

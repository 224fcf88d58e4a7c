// SPDX-License-Identifier: MIT
/*
 * fuzz_iofd.c - libFuzzer harness for the simulated iommufd: the input is
 * a sequence of ioctls run on one context. "User memory" is a 4 KiB arena
 * owned by the harness (addresses 0x10000-0x10fff); anything else is a
 * bad address (EFAULT), so wild pointers in the structs are tested
 * without touching the fuzzer's own memory.
 *
 * Record: nr (1 byte, folded into 0x60-0xa8), size (1 byte), 48 bytes
 * that become the struct at the arena's start (the size word
 * overwritten); the rest of the arena keeps what earlier records left
 * there. 0x60-0xa3 are ioctls (the VFIO compatibility commands, iommufd's
 * table, IOMMU_TEST_CMD at 0xa0); the integer-argument VFIO commands
 * (CHECK_EXTENSION, SET_IOMMU) take the size byte as arg; descriptor 7
 * is an 8 KiB memfd for IOAS_MAP_FILE. 0xa4-0xa7 are
 * what the device side does, with arguments from the struct bytes: bind
 * or unbind a machine device, attach (or replace), the "fd" calls
 * (access close, fault read/write/close, vEVENTQ read/close) and detach,
 * and a device's DMA (through the VT-d unit into the arena); 0xa8 is
 * mmap or munmap of the context (offsets near the mock vIOMMU's regions).
 * Checked: every result is 0, 1 (an extension's answer) or one of the
 * errnos iommufd uses.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uapi_sim/iommufd.h"

#define ARENA_BASE 0x10000ULL
#define ARENA_SIZE 4096u
#define RECORD 50u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t arena[ARENA_SIZE];

static int arena_read(void *ctx, uint64_t uptr, void *buf, size_t len)
{
	(void)ctx;
	if (uptr < ARENA_BASE || uptr - ARENA_BASE > ARENA_SIZE ||
	    len > ARENA_SIZE - (uptr - ARENA_BASE))
		return -EFAULT;
	memcpy(buf, arena + (uptr - ARENA_BASE), len);
	return 0;
}

static int arena_write(void *ctx, uint64_t uptr, const void *buf, size_t len)
{
	(void)ctx;
	if (uptr < ARENA_BASE || uptr - ARENA_BASE > ARENA_SIZE ||
	    len > ARENA_SIZE - (uptr - ARENA_BASE))
		return -EFAULT;
	memcpy(arena + (uptr - ARENA_BASE), buf, len);
	return 0;
}

/* Only the arena is memory: pinning anything else is EFAULT, as pinning
 * unmapped memory is (this also keeps maps into domains small). */
static int arena_pin(void *ctx, uint64_t uptr, uint64_t len, bool write)
{
	(void)ctx;
	(void)write;
	if (uptr < ARENA_BASE || uptr - ARENA_BASE > ARENA_SIZE ||
	    len > ARENA_SIZE - (uptr - ARENA_BASE))
		return -EFAULT;
	return 0;
}

/* One 8 KiB memfd stands for the client's files: its descriptor is 7. */
static int harness_file = -1;

static int arena_get_file(void *ctx, int32_t fd)
{
	(void)ctx;
	if (fd != 7)
		return -EBADF;
	if (harness_file < 0) {
		harness_file = memfd_create("fuzz_iofd", MFD_CLOEXEC);
		if (harness_file < 0 || ftruncate(harness_file, 8192))
			return -EBADF;
	}
	return fcntl(harness_file, F_DUPFD_CLOEXEC, 0);
}

static bool known_errno(int ret)
{
	static const int ok[] = { 0,	       1,	    -ENOTTY, -EFAULT,
				  -EINVAL,     -E2BIG,	    -ENOENT, -EBUSY,
				  -EOPNOTSUPP, -ENOMEM,	    -ENODEV, -EMSGSIZE,
				  -ENOSPC,     -EADDRINUSE, -EEXIST, -EOVERFLOW,
				  -EPERM,      -EBADFD,	    -EBADE,  -EIO,
				  -EBADF,      -ESPIPE,	    -ENXIO };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ret == ok[i])
			return true;
	return false;
}

static uint32_t arena_u32(unsigned int i)
{
	uint32_t v;

	memcpy(&v, arena + 4 * i, sizeof(v));
	return v;
}

/* 0xa8: mmap (every byte of a region mapped is read, so ASan sees its
 * length is true) or munmap. */
volatile uint8_t fuzz_iofd_sink; /* global: no compiler may drop the reads */

static int mmap_op(struct iofd_ctx *ctx, uint32_t arg)
{
	uint64_t offset = (uint64_t)(arena_u32(1) % 16) << 12;
	const uint8_t *p;
	int ret;

	if (arg & 1)
		return iommufd_sim_munmap(ctx, offset);
	ret = iommufd_sim_mmap(ctx, offset, (uint64_t)((arg >> 1) % 4) << 12,
			       (arg >> 3) & 3, (const void **)&p);
	for (uint64_t i = 0; !ret && i < ((arg >> 1) % 4) << 12; i++)
		fuzz_iofd_sink ^= p[i];
	return ret;
}

/* The PASID of an attach or detach: the RID, PASID 1, or a window of a
 * POWER PHB device (the default machine's devices 8 and 9). */
static uint32_t fuzz_pasid(uint32_t sel)
{
	static const uint32_t p[] = { 0, 1, IOMMUSIM_PASID_WINDOW(0),
				      IOMMUSIM_PASID_WINDOW(1) };

	return p[sel & 3];
}

/* The device side: 0xa4 bind/unbind, 0xa5 attach, 0xa6 detach or close
 * an access, 0xa7 DMA of up to 64 bytes. Devices 0-9: VT-d, SMMUv3 and
 * the PHB's; 10 is none. */
static int device_op(struct iofd_ctx *ctx, unsigned int nr, uint32_t arg)
{
	uint32_t id = arena_u32(1), pt = arena_u32(2);
	uint64_t iova = (uint64_t)arena_u32(3) << 32 | arena_u32(2);
	uint8_t buf[64];
	int64_t n;

	switch (nr) {
	case 0xa4:
		return arg & 1 ? iommufd_sim_unbind(ctx, id) :
				 iommufd_sim_bind(ctx, (arg >> 1) % 11, &id);
	case 0xa5:
		return iommufd_sim_attach(ctx, id, fuzz_pasid(arg), &pt);
	case 0xa6:
		switch (arg & 7) {
		case 0:
			return iommufd_sim_access_close(ctx, id);
		case 1:
			return iommufd_sim_detach(ctx, id, 0);
		case 2: /* read into the arena's second half */
			n = iommufd_sim_fault_read(ctx, id, ARENA_BASE + 2048,
						   (arg >> 3) % 32 * 8, 0);
			if (n > 0 && n % 40)
				abort(); /* whole records only */
			break;
		case 3:
			n = iommufd_sim_fault_write(ctx, id, ARENA_BASE + 16,
						    (arg >> 3) % 32, 0);
			if (n > 0 && n % 8)
				abort();
			break;
		case 4:
			n = iommufd_sim_veventq_read(ctx, id, ARENA_BASE + 2048,
						     (arg >> 3) % 32 * 4, 0);
			break;
		case 5:
			return iommufd_sim_veventq_close(ctx, id);
		case 6:
			return iommufd_sim_fault_close(ctx, id);
		default:
			return iommufd_sim_detach(ctx, id,
						  fuzz_pasid(arg >> 3));
		}
		return n > 0 ? 0 : (int)n;
	default:
		memcpy(buf, arena + 16, sizeof(buf));
		return iofd_sys_dma(iommufd_sim_sys(ctx), (arg >> 1) % 11, 0,
				    iova, buf, (arg >> 2) % 64, arg & 1, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iofd_uaccess ua = { .read = arena_read,
				   .write = arena_write,
				   .pin = arena_pin,
				   .get_file = arena_get_file,
				   .memlock_limit = UINT64_MAX };
	struct iofd_ctx *ctx;

	memset(arena, 0, sizeof(arena));
	if (iommufd_sim_open(&ua, &ctx))
		return 0;
	for (size_t i = 0; i + RECORD <= size; i += RECORD) {
		unsigned int nr = 0x60 + data[i] % 0x49;
		uint64_t arg = ARENA_BASE;
		uint32_t usize = data[i + 1];
		int ret;

		memcpy(arena, data + i + 2, RECORD - 2);
		memcpy(arena, &usize, sizeof(usize));
		if (nr == 0x65 ||
		    nr == 0x66) /* VFIO_CHECK_EXTENSION, SET_IOMMU */
			arg = usize;
		if (nr == 0xa8)
			ret = mmap_op(ctx, usize);
		else if (nr >= 0xa4)
			ret = device_op(ctx, nr, usize);
		else
			ret = iommufd_sim_ioctl(ctx, (';' << 8) | nr, arg);
		if (!known_errno(ret))
			abort();
	}
	iommufd_sim_close(ctx);
	return 0;
}

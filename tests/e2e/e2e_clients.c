// SPDX-License-Identifier: MIT
/*
 * e2e_clients.c - many clients at once, and clients that die. Run as
 * `iommusim run -- e2e_clients` (it opens /dev/iommu, /dev/vfio/devices
 * and reads /dev/iommusim/stats).
 *  - 8 processes, each with its own iommufd, map, pin (a mock domain),
 *    copy through an access and unmap 100 times at once: every result
 *    is checked in every process.
 *  - 4 processes each bind a vfio device, attach it, pin memory and hold
 *    an access and a fault queue, then loop on ioctls (1 GiB maps and
 *    unmaps, so some are killed mid-ioctl) until SIGKILL. Afterwards the
 *    daemon holds nothing of theirs (DIR/stats: no contexts, bound or
 *    object files, pinned pages), their devices can be bound again, and
 *    the daemon still answers.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi_sim/iommufd_test_uapi.h"
#include "uapi_sim/iommufd_uapi.h"

#include "e2e.h"

#define WORKERS 8
#define VICTIMS 4
#define GIB (1ull << 30)
/* inside the mock domain's aperture (selftest.c MOCK_APERTURE_START) */
#define MOCK_IOVA 0x1000000

static int tcmd(int fd, uint32_t op, uint32_t id, struct iommu_test_cmd *c)
{
	c->size = sizeof(*c);
	c->op = op;
	c->id = id;
	return ioctl(fd, IOMMU_TEST_CMD, c);
}

static uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	CHECK(ioctl(fd, IOMMU_IOAS_ALLOC, &a) == 0);
	return a.out_ioas_id;
}

static int map(int fd, uint32_t ioas, void *p, uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map m = { .size = sizeof(m),
				    .flags = IOMMU_IOAS_MAP_FIXED_IOVA |
					     IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE,
				    .ioas_id = ioas,
				    .user_va = (uintptr_t)p,
				    .length = len,
				    .iova = iova };

	return ioctl(fd, IOMMU_IOAS_MAP, &m);
}

static int unmap_all(int fd, uint32_t ioas)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u),
				      .ioas_id = ioas,
				      .length = UINT64_MAX };

	return ioctl(fd, IOMMU_IOAS_UNMAP, &u);
}

/* One concurrent client: its own context, its own bytes, checked. */
static int worker(int n)
{
	int fd = open("/dev/iommu", O_RDWR);
	struct iommu_test_cmd c = { 0 };
	uint8_t *buf, got[32];
	uint32_t ioas;
	int afd;

	if (fd < 0)
		return 1;
	ioas = ioas_alloc(fd);
	CHECK(tcmd(fd, IOMMU_TEST_OP_MOCK_DOMAIN, ioas, &c) == 0);
	memset(&c, 0, sizeof(c));
	CHECK(tcmd(fd, IOMMU_TEST_OP_CREATE_ACCESS, ioas, &c) == 0);
	afd = (int)c.create_access.out_access_fd;
	buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 100 && !failures; i++) {
		memset(buf, n * 16 + i % 16, 65536);
		CHECK(map(fd, ioas, buf, 65536, MOCK_IOVA) == 0);
		memset(&c, 0, sizeof(c));
		c.access_rw.iova = MOCK_IOVA + (uint64_t)i * 600;
		c.access_rw.length = sizeof(got);
		c.access_rw.uptr = (uintptr_t)got;
		CHECK(tcmd(fd, IOMMU_TEST_OP_ACCESS_RW, (uint32_t)afd, &c) ==
		      0);
		for (size_t k = 0; k < sizeof(got); k++)
			if (got[k] != (uint8_t)(n * 16 + i % 16)) {
				CHECK(got[k] == (uint8_t)(n * 16 + i % 16));
				break;
			}
		CHECK(unmap_all(fd, ioas) == 0);
	}
	close(afd);
	close(fd);
	return failures ? 1 : 0;
}

/* A client that takes everything it can and dies holding it. */
static void victim(int n, int ready)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	struct iommu_test_cmd c = { 0 };
	char path[64];
	int fd = open("/dev/iommu", O_RDWR), vfd;
	uint32_t ioas = ioas_alloc(fd);
	void *big, *small;

	snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", n);
	vfd = open(path, O_RDWR);
	b.iommufd = fd;
	CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0);
	at.pt_id = ioas;
	CHECK(ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) == 0);
	CHECK(tcmd(fd, IOMMU_TEST_OP_MOCK_DOMAIN, ioas, &c) == 0);
	memset(&c, 0, sizeof(c));
	CHECK(tcmd(fd, IOMMU_TEST_OP_CREATE_ACCESS, ioas, &c) == 0);
	CHECK(ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &fa) == 0);
	small = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(map(fd, ioas, small, 1 << 20, MOCK_IOVA) == 0);
	big = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (write(ready, "r", 1) != 1 || failures)
		_exit(1);
	for (;;) { /* pinning 1 GiB takes a while: killed inside, often */
		map(fd, ioas, big, GIB, 0x40000000);
		struct iommu_ioas_unmap u = { .size = sizeof(u),
					      .ioas_id = ioas,
					      .iova = 0x40000000,
					      .length = GIB };
		ioctl(fd, IOMMU_IOAS_UNMAP, &u);
	}
}

static bool daemon_holds_nothing(void)
{
	return stat_value("contexts") == 0 && stat_value("bound_files") == 0 &&
	       stat_value("object_files") == 0 &&
	       stat_value("pinned_pages") == 0;
}

/* FUSE releases a dead client's files a moment after it dies. */
static bool wait_for_nothing(void)
{
	for (int i = 0; i < 500; i++) {
		if (daemon_holds_nothing())
			return true;
		usleep(10000);
	}
	return false;
}

static void many_at_once(void)
{
	pid_t pid[WORKERS];
	int st;

	for (int i = 0; i < WORKERS; i++) {
		pid[i] = fork();
		if (!pid[i])
			_exit(worker(i));
	}
	for (int i = 0; i < WORKERS; i++)
		CHECK(waitpid(pid[i], &st, 0) == pid[i] && WIFEXITED(st) &&
		      WEXITSTATUS(st) == 0);
	CHECK(wait_for_nothing());
}

static void deaths(void)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	pid_t pid[VICTIMS];
	int ready[2], st, fd;
	char r;

	CHECK(pipe(ready) == 0);
	for (int i = 0; i < VICTIMS; i++) {
		pid[i] = fork();
		if (!pid[i])
			victim(i, ready[1]);
	}
	close(ready[1]); /* a victim dying early ends the read */
	for (int i = 0; i < VICTIMS; i++)
		CHECK(read(ready[0], &r, 1) == 1);
	CHECK(stat_value("contexts") == VICTIMS);
	CHECK(stat_value("bound_files") ==
	      3 * VICTIMS); /* vfio, access, fault */
	CHECK(stat_value("pinned_pages") > 0);
	usleep(20000);
	for (int i = 0; i < VICTIMS; i++)
		kill(pid[i], SIGKILL);
	for (int i = 0; i < VICTIMS; i++)
		CHECK(waitpid(pid[i], &st, 0) == pid[i] && WIFSIGNALED(st));
	CHECK(wait_for_nothing());
	/* their devices are free, and the daemon answers */
	fd = open("/dev/iommu", O_RDWR);
	b.iommufd = fd;
	for (int i = 0; i < VICTIMS; i++) {
		char path[64];
		int vfd;

		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", i);
		vfd = open(path, O_RDWR);
		CHECK(ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) == 0);
		close(vfd);
	}
	CHECK(ioas_alloc(fd) != 0);
	close(fd);
}

int main(void)
{
	many_at_once();
	deaths();
	if (failures)
		fprintf(stderr, "e2e_clients: %d checks failed\n", failures);
	else
		printf("e2e_clients: all checks held\n");
	return failures ? 1 : 0;
}

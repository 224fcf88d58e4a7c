// SPDX-License-Identifier: MIT
/*
 * e2e_fdops.c - the commands that create a file descriptor in the kernel
 * give a real one under `iommusim run` (tools/preload.c and the mount's
 * object file): an access descriptor names its access in IOMMU_TEST_CMD
 * and closing it frees the access before close() returns; a fault queue
 * descriptor polls, reads records and takes responses; mmap of the
 * iommufd maps a vIOMMU's region with the kernel's checks, holds the
 * vIOMMU while mapped and keeps the file open after close(). Run as
 * `iommusim run -- e2e_fdops` (it opens /dev/iommu).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi_sim/iommufd_test_uapi.h"
#include "uapi_sim/iommufd_uapi.h"

#include "e2e.h"

static int fd;

static int tcmd(uint32_t op, uint32_t id, struct iommu_test_cmd *c)
{
	c->size = sizeof(*c);
	c->op = op;
	c->id = id;
	return ioctl(fd, IOMMU_TEST_CMD, c);
}

static uint32_t ioas_alloc(void)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	CHECK(ioctl(fd, IOMMU_IOAS_ALLOC, &a) == 0);
	return a.out_ioas_id;
}

/* Whether @f is a descriptor of a file on the iommufd's own mount. */
static int on_mount(int f)
{
	struct stat a, b;

	return !fstat(f, &a) && !fstat(fd, &b) && a.st_dev == b.st_dev &&
	       a.st_ino != b.st_ino;
}

static int destroy(uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &d);
}

/* An access is a descriptor: it names the access (through a duplicate
 * too), and closing the last descriptor frees the access at once, so
 * the IOAS it held can go right after. */
static void access_fd(void)
{
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc();
	uint8_t *buf, got[16];
	int afd, d1, d2, d3;

	buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memcpy(buf + 100, "through an access", 17);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		  IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = ioas;
	m.user_va = (uintptr_t)buf;
	m.length = 8192;
	m.iova = 0x10000;
	CHECK(ioctl(fd, IOMMU_IOAS_MAP, &m) == 0);
	CHECK(tcmd(IOMMU_TEST_OP_CREATE_ACCESS, ioas, &c) == 0);
	afd = (int)c.create_access.out_access_fd;
	/* a real descriptor of this process, not the object's id */
	CHECK(fcntl(afd, F_GETFD) >= 0 && on_mount(afd));
	CHECK(read(afd, got, 1) == -1 && errno == EINVAL);
	memset(&c, 0, sizeof(c));
	c.access_rw.iova = 0x10000 + 100;
	c.access_rw.length = 7;
	c.access_rw.uptr = (uintptr_t)got;
	CHECK(tcmd(IOMMU_TEST_OP_ACCESS_RW, (uint32_t)afd, &c) == 0);
	CHECK(!memcmp(got, "through", 7));
	CHECK(c.id == (uint32_t)afd); /* the caller's struct is its own */
	CHECK(destroy(ioas) == -1 && errno == EBUSY); /* the access holds it */
	/* duplicates share the file: the access goes with the last one */
	d1 = dup(afd);
	d2 = fcntl(afd, F_DUPFD_CLOEXEC, 100);
	d3 = dup2(afd, 200);
	CHECK(d1 >= 0 && d2 >= 100 && d3 == 200);
	CHECK(close(afd) == 0);
	CHECK(tcmd(IOMMU_TEST_OP_ACCESS_RW, (uint32_t)d2, &c) == 0);
	CHECK(close(d1) == 0 && close(d2) == 0);
	CHECK(destroy(ioas) == -1 && errno == EBUSY); /* d3 still holds it */
	CHECK(dup2(d1, d3) == -1 && errno == EBADF); /* d3 stays */
	CHECK(tcmd(IOMMU_TEST_OP_ACCESS_RW, (uint32_t)d3, &c) == 0);
	CHECK(dup2(fd, d3) == d3); /* closes the last one */
	CHECK(destroy(ioas) == 0); /* no wait: the last close freed it */
	close(d3);
	CHECK(tcmd(IOMMU_TEST_OP_ACCESS_RW, (uint32_t)afd, &c) == -1);
	munmap(buf, 8192);
}

static int trigger_iopf(uint32_t dev, uint64_t addr)
{
	struct iommu_test_cmd c = { 0 };

	c.trigger_iopf.dev_id = dev;
	c.trigger_iopf.grpid = 0x2;
	c.trigger_iopf.perm = IOMMU_PGFAULT_PERM_READ |
			      IOMMU_PGFAULT_PERM_WRITE;
	c.trigger_iopf.addr = addr;
	return tcmd(IOMMU_TEST_OP_TRIGGER_IOPF, 0, &c);
}

/* A fault queue is a descriptor: poll says when a fault is pending, read
 * gives the record, write the response (the selftest's iopf flow). */
static void fault_fd(void)
{
	struct iommu_hwpt_selftest data = { IOMMU_TEST_IOTLB_DEFAULT };
	struct iommu_fault_alloc fa = { .size = sizeof(fa) };
	struct iommu_hwpt_alloc h = { .size = sizeof(h),
				      .flags = IOMMU_HWPT_FAULT_ID_VALID,
				      .data_type = IOMMU_HWPT_DATA_SELFTEST,
				      .data_len = sizeof(data),
				      .data_uptr = (uintptr_t)&data };
	struct iommu_hwpt_alloc parent = {
		.size = sizeof(parent), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT
	};
	struct iommu_hwpt_page_response r = { 0 };
	struct iommu_hwpt_pgfault rec[2];
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc(), idev, stdev;
	struct pollfd p = { .events = POLLIN | POLLOUT };

	CHECK(ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &fa) == 0);
	p.fd = (int)fa.out_fault_fd;
	CHECK(fcntl(p.fd, F_GETFD) >= 0 && on_mount(p.fd));
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	CHECK(read(p.fd, rec, sizeof(rec)) == 0); /* nothing yet */
	CHECK(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN, ioas, &c) == 0);
	stdev = c.mock_domain.out_stdev_id;
	idev = c.mock_domain.out_idev_id;
	parent.dev_id = idev;
	parent.pt_id = ioas;
	CHECK(ioctl(fd, IOMMU_HWPT_ALLOC, &parent) == 0);
	h.dev_id = idev;
	h.pt_id = parent.out_hwpt_id;
	h.fault_id = fa.out_fault_id;
	CHECK(ioctl(fd, IOMMU_HWPT_ALLOC, &h) == 0);
	memset(&c, 0, sizeof(c));
	c.mock_domain_replace.pt_id = h.out_hwpt_id;
	CHECK(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, stdev, &c) == 0);
	CHECK(trigger_iopf(idev, 0xdeadbeaf000) == 0);
	p.revents = 0;
	CHECK(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN));
	CHECK(read(p.fd, rec, 39) == -1 && errno == ESPIPE);
	CHECK(read(p.fd, rec, sizeof(rec)) == (ssize_t)sizeof(rec[0]));
	CHECK(rec[0].dev_id == idev && rec[0].addr == 0xdeadbeaf000 &&
	      rec[0].cookie == 1);
	/* a second read at the moved file position: the kernel's file
	 * ignores the position, and so does this one */
	CHECK(trigger_iopf(idev, 0x2000) == 0);
	CHECK(read(p.fd, rec, sizeof(rec)) == (ssize_t)sizeof(rec[0]));
	r.cookie = 1;
	r.code = IOMMUFD_PAGE_RESP_SUCCESS;
	CHECK(write(p.fd, &r, sizeof(r)) == (ssize_t)sizeof(r));
	CHECK(write(p.fd, &r, sizeof(r)) == -1 && errno == EINVAL);
	p.revents = 0;
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	CHECK(close(p.fd) == 0);
}

/*
 * Memory belongs to the process that mapped it (the kernel's source_mm):
 * a forked child maps its copy of a buffer through the parent's
 * iommufd; an access reads the child's bytes, not the parent's; once the
 * child is gone the bytes are gone too, and a domain cannot pin them.
 */
static void forked_mapping(void)
{
	struct iommu_test_cmd c = { 0 };
	uint32_t ioas = ioas_alloc();
	int ready[2], done[2], afd, st;
	char *buf, got[8] = { 0 };
	pid_t child;

	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(buf, 'P', 4096);
	CHECK(tcmd(IOMMU_TEST_OP_CREATE_ACCESS, ioas, &c) == 0);
	afd = (int)c.create_access.out_access_fd;
	CHECK(pipe(ready) == 0 && pipe(done) == 0);
	child = fork();
	if (!child) {
		struct iommu_ioas_map m = {
			.size = sizeof(m),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE,
			.ioas_id = ioas,
			.user_va = (uintptr_t)buf,
			.length = 4096,
			.iova = MOCK_APERTURE_START,
		};
		char r;

		memset(buf, 'C', 4096); /* the child's copy differs */
		close(afd); /* the parent's access stays: it shares the file */
		if (ioctl(fd, IOMMU_IOAS_MAP, &m) ||
		    write(ready[1], "r", 1) != 1)
			_exit(1);
		_exit(read(done[0], &r, 1) == 1 ? 0 : 1);
	}
	CHECK(read(ready[0], got, 1) == 1);
	memset(&c, 0, sizeof(c));
	c.access_rw.iova = MOCK_APERTURE_START;
	c.access_rw.length = sizeof(got);
	c.access_rw.uptr = (uintptr_t)got;
	CHECK(tcmd(IOMMU_TEST_OP_ACCESS_RW, (uint32_t)afd, &c) == 0);
	CHECK(!memcmp(got, "CCCCCCCC", 8));
	CHECK(write(done[1], "d", 1) == 1);
	CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	CHECK(tcmd(IOMMU_TEST_OP_ACCESS_RW, (uint32_t)afd, &c) == -1 &&
	      errno == EFAULT);
	memset(&c, 0, sizeof(c));
	CHECK(tcmd(IOMMU_TEST_OP_MOCK_DOMAIN, ioas, &c) == -1 &&
	      errno == EFAULT);
	close(afd);
	munmap(buf, 4096);
}

static uint32_t viommu_with_region(int f, struct iommu_viommu_selftest *d)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_hwpt_alloc parent = {
		.size = sizeof(parent), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT
	};
	struct iommu_viommu_alloc v = { .size = sizeof(v),
					.type = IOMMU_VIOMMU_TYPE_SELFTEST,
					.data_len = sizeof(*d),
					.data_uptr = (uintptr_t)d };
	struct iommu_test_cmd c = { .size = sizeof(c),
				    .op = IOMMU_TEST_OP_MOCK_DOMAIN };

	CHECK(ioctl(f, IOMMU_IOAS_ALLOC, &a) == 0);
	c.id = a.out_ioas_id;
	CHECK(ioctl(f, IOMMU_TEST_CMD, &c) == 0);
	parent.dev_id = c.mock_domain.out_idev_id;
	parent.pt_id = a.out_ioas_id;
	CHECK(ioctl(f, IOMMU_HWPT_ALLOC, &parent) == 0);
	v.dev_id = c.mock_domain.out_idev_id;
	v.hwpt_id = parent.out_hwpt_id;
	CHECK(ioctl(f, IOMMU_VIOMMU_ALLOC, &v) == 0);
	return v.out_viommu_id;
}

static bool map_fails(size_t len, uint64_t off, int prot, int flags, int err)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	return p == MAP_FAILED && errno == err;
}

/* The mock vIOMMU's region (kernel iommufd_fops_mmap and
 * mock_viommu_init, v6.17); then a mapping outliving close(). */
static void viommu_mmap(void)
{
	struct iommu_viommu_selftest d = { .in_data = 0xbeef };
	const int rw = PROT_READ | PROT_WRITE;
	uint32_t v = viommu_with_region(fd, &d), *word;
	int fd2, i;

	CHECK(d.out_data == 0xbeef && d.out_mmap_length == 8192 &&
	      d.out_mmap_offset && !(d.out_mmap_offset % 4096));
	CHECK(map_fails(8192, d.out_mmap_offset + 4096, rw, MAP_SHARED, ENXIO));
	CHECK(map_fails(4096, d.out_mmap_offset, rw, MAP_SHARED, ENXIO));
	CHECK(map_fails(16384, d.out_mmap_offset, rw, MAP_SHARED, ENXIO));
	CHECK(map_fails(8192, d.out_mmap_offset, rw, MAP_PRIVATE, EINVAL));
	CHECK(map_fails(8192, d.out_mmap_offset, rw | PROT_EXEC, MAP_SHARED,
			EPERM));
	CHECK(map_fails(8192, d.out_mmap_offset + 1, rw, MAP_SHARED, EINVAL));
	word = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, d.out_mmap_offset);
	CHECK(word != MAP_FAILED);
	if (word == MAP_FAILED)
		return;
	CHECK(*word == 0xbeef && word[1] == 0);
	CHECK(destroy(v) == -1 && errno == EBUSY);
	CHECK(munmap(word, 8192) == 0);
	CHECK(destroy(v) == 0);

	/* the mapping keeps its file, as the kernel's vma does */
	fd2 = open("/dev/iommu", O_RDWR);
	CHECK(fd2 >= 0);
	d.in_data = 0x5a5a;
	viommu_with_region(fd2, &d);
	word = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd2, d.out_mmap_offset);
	CHECK(word != MAP_FAILED);
	if (word == MAP_FAILED)
		return;
	close(fd2);
	CHECK(*word == 0x5a5a);
	CHECK(stat_value("contexts") == 2);
	/* unmapped in two halves: the last half lets the file go */
	CHECK(munmap(word, 4096) == 0);
	CHECK(stat_value("contexts") == 2);
	CHECK(munmap(word + 1024, 4096) == 0);
	for (i = 0; i < 500 && stat_value("contexts") != 1; i++)
		usleep(10000); /* FUSE releases the file a moment later */
	CHECK(stat_value("contexts") == 1);
}

int main(void)
{
	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0) {
		perror("/dev/iommu");
		return 1;
	}
	access_fd();
	fault_fd();
	forked_mapping();
	viommu_mmap();
	close(fd);
	if (failures)
		fprintf(stderr, "e2e_fdops: %d checks failed\n", failures);
	else
		printf("e2e_fdops: all checks held\n");
	return failures ? 1 : 0;
}

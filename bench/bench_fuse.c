// SPDX-License-Identifier: MIT
/*
 * bench_fuse.c - the cost of the FUSE transport (issue 6), against two
 * baselines measured in the same run:
 *  - the same ioctl in process (iommufd_sim_ioctl, no transport);
 *  - a pipe ping-pong between two processes: the floor for any
 *    cross-process transport on this machine.
 * Cases: a small ioctl (IOMMU_OPTION GET), IOAS_ALLOC + DESTROY,
 * IOAS_MAP + UNMAP of 1 GiB of never-touched memory with no domain (no
 * pinning: the transport's share is what is measured), and the same with
 * one VT-d domain attached (a device of the machine bound and attached:
 * through its vfio file, or iommufd_sim_bind in process), where every
 * page is pinned and written into the unit's page table. Medians.
 *
 * Usage: bench_fuse IOMMUSIM [--quick] [--json FILE]; IOMMUSIM is the
 * iommusim binary that serves the mount. Exit 77 (skipped, with the
 * reason printed) when FUSE cannot be used here.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "uapi_sim/iommufd.h"
#include "uapi_sim/iommufd_uapi.h"

#define GIB (1ULL << 30)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* One round trip through a pipe pair to a child and back. */
static double pipe_pingpong(int rounds)
{
	int to[2], from[2];
	double *t = calloc((size_t)rounds, sizeof(*t)), m;
	char c = 0;
	pid_t pid;

	if (!t || pipe(to) || pipe(from))
		return -1;
	pid = fork();
	if (!pid) {
		close(to[1]); /* so the parent's close is our EOF */
		close(from[0]);
		while (read(to[0], &c, 1) == 1)
			if (write(from[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	for (int i = 0; i < rounds; i++) {
		double t0 = bench_now_ns();

		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			return -1;
		t[i] = bench_now_ns() - t0;
	}
	close(to[1]);
	waitpid(pid, NULL, 0);
	close(from[0]);
	m = median(t, rounds);
	free(t);
	return m;
}

typedef int (*ioc_fn)(void *h, unsigned long cmd, void *arg);

static int via_fuse(void *h, unsigned long cmd, void *arg)
{
	return ioctl(*(int *)h, cmd, arg) ? -errno : 0;
}

static int via_process(void *h, unsigned long cmd, void *arg)
{
	return iommufd_sim_ioctl(h, cmd, (uint64_t)(uintptr_t)arg);
}

/* Bind device 0 and attach it to @ioas: through the mount's vfio0 file
 * (the descriptor stays open, bound, until the bench exits) or in
 * process. */
static const char *vfio0;

static int attach_fuse(void *h, uint32_t ioas)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b),
					      .iommufd = *(int *)h };
	struct vfio_device_attach_iommufd_pt a = { .argsz = sizeof(a),
						   .pt_id = ioas };
	int vfd = open(vfio0, O_RDWR);

	if (vfd < 0 || ioctl(vfd, VFIO_DEVICE_BIND_IOMMUFD, &b) ||
	    ioctl(vfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a))
		return -1;
	return 0;
}

static int attach_process(void *h, uint32_t ioas)
{
	uint32_t dev_id;

	if (iommufd_sim_bind(h, 0, &dev_id) ||
	    iommufd_sim_attach(h, dev_id, IOMMU_NO_PASID, &ioas))
		return -1;
	return 0;
}

/* Median ns of one case: 0 small ioctl, 1 alloc+destroy, 2 map+unmap,
 * 3 map+unmap with a domain (@attach). */
static double run_case(ioc_fn io, int (*attach)(void *, uint32_t), void *h,
		       int which, int rounds, void *mem)
{
	struct iommu_option o = { .size = sizeof(o),
				  .option_id = IOMMU_OPTION_RLIMIT_MODE,
				  .op = IOMMU_OPTION_OP_GET };
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_destroy d = { .size = sizeof(d) };
	struct iommu_ioas_map m = { .size = sizeof(m) };
	struct iommu_ioas_unmap u = { .size = sizeof(u) };
	double *t = calloc((size_t)rounds, sizeof(*t)), med;
	uint32_t ioas = 0;

	if (!t)
		return -1;
	if (which >= 2) {
		if (io(h, IOMMU_IOAS_ALLOC, &a))
			return -1;
		ioas = a.out_ioas_id;
	}
	if (which == 3 && attach(h, ioas))
		return -1;
	for (int i = 0; i < rounds; i++) {
		double t0 = bench_now_ns();
		int ret = 0;

		if (which == 0) {
			ret = io(h, IOMMU_OPTION, &o);
		} else if (which == 1) {
			ret = io(h, IOMMU_IOAS_ALLOC, &a);
			d.id = a.out_ioas_id;
			ret = ret ? ret : io(h, IOMMU_DESTROY, &d);
		} else {
			m.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				  IOMMU_IOAS_MAP_READABLE |
				  IOMMU_IOAS_MAP_WRITEABLE;
			m.ioas_id = u.ioas_id = ioas;
			m.user_va = (uintptr_t)mem;
			m.length = GIB;
			m.iova = GIB;
			u.iova = GIB;
			u.length = GIB;
			ret = io(h, IOMMU_IOAS_MAP, &m);
			ret = ret ? ret : io(h, IOMMU_IOAS_UNMAP, &u);
		}
		if (ret)
			return -1;
		t[i] = bench_now_ns() - t0;
	}
	med = median(t, rounds);
	free(t);
	return med;
}

/* Start `IOMMUSIM mount --foreground DIR`; 0 when DIR/iommu appeared. */
static int start_daemon(const char *sim, const char *dir, pid_t *pid)
{
	char path[512];

	*pid = fork();
	if (!*pid) {
		execl(sim, sim, "mount", "--foreground", dir, (char *)NULL);
		_exit(127);
	}
	snprintf(path, sizeof(path), "%s/iommu", dir);
	for (int i = 0; i < 200; i++) {
		if (!access(path, F_OK))
			return 0;
		if (waitpid(*pid, NULL, WNOHANG) == *pid)
			return -1;
		usleep(20000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const int ioctls[] = { 1, 2, 2, 2 };
	static const char *const names[] = { "OPTION GET (small ioctl)",
					     "IOAS_ALLOC + DESTROY",
					     "MAP + UNMAP 1 GiB",
					     "MAP + UNMAP 1 GiB, VT-d" };
	enum { NCASES = 4 };
	struct {
		double fuse, local;
	} rows[NCASES];
	char dir[] = "/tmp/bench-fuse-XXXXXX", path[512], vpath[512];
	const char *json;
	struct iofd_ctx *ctx = NULL;
	struct iofd_uaccess ua;
	double floor;
	bool quick;
	int fd, rounds, ret = 1;
	pid_t daemon;
	void *mem;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_fuse IOMMUSIM [--quick] "
				"[--json FILE]\n");
		return 2;
	}
	if (bench_parse_args(argc - 1, argv + 1, "bench_fuse IOMMUSIM", &quick,
			     &json))
		return 2;
	if (access("/dev/fuse", F_OK)) {
		printf("skipped: /dev/fuse is missing on this machine\n");
		return 77;
	}
	if (!mkdtemp(dir) || start_daemon(argv[1], dir, &daemon)) {
		printf("skipped: iommusim mount could not mount\n");
		return 77;
	}
	snprintf(path, sizeof(path), "%s/iommu", dir);
	snprintf(vpath, sizeof(vpath), "%s/vfio/devices/vfio0", dir);
	vfio0 = vpath;
	fd = open(path, O_RDWR);
	mem = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	iommufd_sim_self_uaccess(&ua);
	if (fd < 0 || mem == MAP_FAILED || iommufd_sim_open(&ua, &ctx))
		goto out;
	rounds = quick ? 50 : 2000;
	floor = pipe_pingpong(rounds);
	printf("pipe ping-pong between two processes: %.0f ns (median)\n",
	       floor);
	for (int w = 0; w < NCASES; w++) {
		int r = w == 2 ? rounds / 10 + 3 :
			w == 3 ? rounds / 200 + 3 :
				 rounds;

		rows[w].fuse = run_case(via_fuse, attach_fuse, &fd, w, r, mem);
		rows[w].local =
			run_case(via_process, attach_process, ctx, w, r, mem);
		if (rows[w].fuse < 0 || rows[w].local < 0) {
			fprintf(stderr, "bench_fuse: %s failed\n", names[w]);
			goto out;
		}
	}
	/* the pipe ratio is per ioctl: a round trip each */
	printf("%-26s %12s %12s %14s %12s\n", "case (median)", "FUSE ns",
	       "in-proc ns", "per ioctl/pipe", "FUSE/in-proc");
	for (int w = 0; w < NCASES; w++)
		printf("%-26s %12.0f %12.0f %14.2f %12.2f\n", names[w],
		       rows[w].fuse, rows[w].local,
		       rows[w].fuse / ioctls[w] / floor,
		       rows[w].fuse / rows[w].local);
	ret = 0;
	if (json) {
		FILE *f = fopen(json, "w");

		if (!f) {
			perror(json);
			ret = 1;
			goto out;
		}
		fprintf(f,
			"{\n  \"bench\": \"fuse\",\n  \"pipe_ns\": %.1f,\n"
			"  \"results\": [\n",
			floor);
		for (int w = 0; w < NCASES; w++)
			fprintf(f,
				"    {\"case\": \"%s\", \"fuse_ns\": %.1f, "
				"\"in_process_ns\": %.1f, \"ioctls\": %d, "
				"\"per_ioctl_over_pipe\": %.3f, "
				"\"fuse_over_in_process\": %.3f}%s\n",
				names[w], rows[w].fuse, rows[w].local,
				ioctls[w], rows[w].fuse / ioctls[w] / floor,
				rows[w].fuse / rows[w].local,
				w < NCASES - 1 ? "," : "");
		fprintf(f, "  ]\n}\n");
		ret = fclose(f) ? 1 : 0;
	}
out:
	if (fd >= 0)
		close(fd);
	iommufd_sim_close(ctx);
	kill(daemon, SIGTERM);
	waitpid(daemon, NULL, 0);
	rmdir(dir);
	return ret;
}

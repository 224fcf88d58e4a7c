// SPDX-License-Identifier: MIT
/*
 * run.c - `iommusim run -- PROGRAM ARGS...`: PROGRAM sees the simulated
 * /dev/iommu and /dev/vfio/devices/vfioN at the paths Linux uses, and
 * nothing on the machine changes (issue 6).
 *
 * `run` first enters a mount namespace of its own (private, so nothing
 * it mounts is seen outside, even if it is killed). There a daemon
 * (`iommusim mount`, in a child) serves a scratch directory, and /dev is
 * an overlay of the real /dev (so the files can be added without
 * touching devtmpfs) with /dev/pts and /dev/shm put back on top; the
 * daemon's files are bind-mounted at /dev/iommu and /dev/vfio (the
 * devices' cdevs, and the sPAPR container and groups: vfio_spapr.md),
 * and the whole mount at /dev/iommusim. PROGRAM runs with the helper for
 * fd-returning commands preloaded (tools/preload.c). The namespace dies
 * with the last of them; the daemon is stopped with SIGTERM. The exit
 * status is PROGRAM's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount.h"

static int fail(const char *what)
{
	fprintf(stderr, "iommusim run: %s: %s\n", what, strerror(errno));
	return -1;
}

/* Put a file at @path in the (overlaid) /dev, then bind @src over it. */
static int bind_file(const char *src, const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0666);

	if (fd < 0)
		return fail(path);
	close(fd);
	return mount(src, path, NULL, MS_BIND, NULL) ? fail(path) : 0;
}

/* A mount namespace of our own, where nothing propagates out. */
static int private_ns(void)
{
	if (unshare(CLONE_NEWNS))
		return fail("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return fail("making / private");
	return 0;
}

/* In our own mount namespace: the simulated files under /dev. */
static int setup_dev(const char *served, const char *tmp)
{
	char p[1024], q[1024];

	if (mount("tmpfs", tmp, "tmpfs", 0, "mode=0700"))
		return fail("tmpfs");
	snprintf(p, sizeof(p), "%s/old", tmp);
	mkdir(p, 0700);
	if (mount("/dev", p, NULL, MS_BIND | MS_REC, NULL))
		return fail("keeping the old /dev");
	snprintf(p, sizeof(p), "%s/upper", tmp);
	mkdir(p, 0755);
	snprintf(q, sizeof(q), "%s/work", tmp);
	mkdir(q, 0755);
	{
		char opts[3 * 1024 + 64];

		snprintf(opts, sizeof(opts),
			 "lowerdir=%s/old,upperdir=%s,workdir=%s", tmp, p, q);
		if (mount("overlay", "/dev", "overlay", 0, opts))
			return fail("overlay on /dev");
	}
	/* what the overlay hid: the terminal's and shared memory's mounts */
	snprintf(p, sizeof(p), "%s/old/pts", tmp);
	mount(p, "/dev/pts", NULL, MS_BIND | MS_REC, NULL);
	snprintf(p, sizeof(p), "%s/old/shm", tmp);
	mount(p, "/dev/shm", NULL, MS_BIND | MS_REC, NULL);
	snprintf(p, sizeof(p), "%s/iommu", served);
	if (bind_file(p, "/dev/iommu"))
		return -1;
	/* all of /dev/vfio: the devices' cdevs, and on a machine with a
	 * POWER PHB the legacy container and group files beside them */
	mkdir("/dev/vfio", 0755);
	snprintf(p, sizeof(p), "%s/vfio", served);
	if (mount(p, "/dev/vfio", NULL, MS_BIND, NULL))
		return fail("/dev/vfio");
	mkdir("/dev/iommusim", 0755);
	if (mount(served, "/dev/iommusim", NULL, MS_BIND, NULL))
		return fail("/dev/iommusim");
	return 0;
}

/*
 * The helper for PROGRAM: $IOMMUSIM_PRELOAD, else beside this binary (a
 * build tree), else where `cmake --install` puts it. Without it the
 * fd-returning commands answer handles, as under `iommusim mount`.
 */
static void set_preload(void)
{
	const char *name = "libiommusim-preload.so", *old;
	char exe[4096], path[4200], *slash, *both;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	path[0] = 0;
	if (getenv("IOMMUSIM_PRELOAD")) {
		snprintf(path, sizeof(path), "%s", getenv("IOMMUSIM_PRELOAD"));
	} else if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		snprintf(path, sizeof(path), "%s/%s", exe, name);
	}
	if (!path[0] || access(path, R_OK))
		snprintf(path, sizeof(path), "%s/%s", IOMMUSIM_PKGLIBDIR, name);
	if (access(path, R_OK)) {
		fprintf(stderr,
			"iommusim run: %s not found: fd-returning commands "
			"will answer handles, not descriptors\n",
			name);
		return;
	}
	old = getenv("LD_PRELOAD");
	if (old && *old && asprintf(&both, "%s %s", path, old) > 0) {
		setenv("LD_PRELOAD", both, 1);
		free(both);
	} else {
		setenv("LD_PRELOAD", path, 1);
	}
	setenv("IOMMUSIM_OBJECT", "/dev/iommusim/object", 1);
	/* a sanitized PROGRAM would refuse a library loaded before its
	 * runtime; the helper is not sanitized and needs no such order */
	setenv("ASAN_OPTIONS",
	       getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "", 1);
	if (!strstr(getenv("ASAN_OPTIONS"), "verify_asan_link_order")) {
		char *opts;

		if (asprintf(&opts, "%s%sverify_asan_link_order=0",
			     getenv("ASAN_OPTIONS"),
			     *getenv("ASAN_OPTIONS") ? ":" : "") > 0) {
			setenv("ASAN_OPTIONS", opts, 1);
			free(opts);
		}
	}
}

/**
 * iommusim_run() - run @argv[0] with the simulated devices, as above.
 * @argv: PROGRAM and its arguments (NULL-terminated).
 * @topo: the machine (NULL: the default).
 *
 * Return: PROGRAM's exit status (128 + signal when killed), or 1 when the
 * environment could not be made.
 */
int iommusim_run(char **argv, const struct iofd_topology *topo)
{
	char dir[] = "/tmp/iommusim-run-XXXXXX", path[4096];
	char tmp[] = "/tmp/iommusim-dev-XXXXXX"; /* the overlay's layers */
	int status = 1, st;
	pid_t daemon, prog;

	if (!mkdtemp(dir) || !mkdtemp(tmp))
		return fail("mkdtemp") ? 1 : 1;
	if (private_ns()) {
		rmdir(dir);
		rmdir(tmp);
		return 1;
	}
	daemon = fork();
	if (daemon < 0)
		return fail("fork") ? 1 : 1;
	if (!daemon)
		_exit(iommusim_mount(dir, true, topo));
	snprintf(path, sizeof(path), "%s/iommu", dir);
	for (int i = 0; access(path, F_OK); i++) {
		if (i == 200 || waitpid(daemon, &st, WNOHANG) == daemon) {
			fprintf(stderr,
				"iommusim run: the daemon did not "
				"mount %s\n",
				dir);
			kill(daemon, SIGTERM);
			waitpid(daemon, &st, 0);
			rmdir(dir);
			rmdir(tmp);
			return 1;
		}
		usleep(20000);
	}
	if (setup_dev(dir, tmp)) {
		kill(daemon, SIGTERM);
		waitpid(daemon, &st, 0);
		rmdir(dir);
		rmdir(tmp);
		return 1;
	}
	prog = fork();
	if (!prog) {
		set_preload();
		execvp(argv[0], argv);
		fprintf(stderr, "iommusim run: %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (prog > 0 && waitpid(prog, &st, 0) == prog)
		status = WIFEXITED(st)	 ? WEXITSTATUS(st) :
			 WIFSIGNALED(st) ? 128 + WTERMSIG(st) :
					   1;
	kill(daemon, SIGTERM);
	if (waitpid(daemon, &st, 0) == daemon &&
	    !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "iommusim run: the daemon exited with %d\n",
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	umount2("/dev", MNT_DETACH); /* our namespace: for the rmdirs */
	umount2(tmp, MNT_DETACH);
	rmdir(dir);
	rmdir(tmp);
	return status;
}

#!/usr/bin/env bash
# install_smoke.sh BUILD_DIR: install into a scratch prefix, then build and
# run a small program against the installed library through pkg-config,
# the way a user of libiommusim would.
set -euo pipefail
build=$1
prefix=$build/install-smoke
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig:$prefix/lib/$(gcc -print-multiarch)/pkgconfig
cat >"$prefix/user.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tools/script.h>
#include <uapi_sim/iommufd.h>

int main(void)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iofd_ctx *ctx;

	/* the uAPI header compiles in a client, and the entry point works */
	if (iommufd_sim_open(NULL, &ctx) ||
	    iommufd_sim_ioctl(ctx, IOMMU_IOAS_ALLOC, (uintptr_t)&alloc) ||
	    alloc.out_ioas_id != 1)
		return 3;
	iommufd_sim_close(ctx);

	const char *s = "machine none\nmem write32be 0x10 0x01020304\n"
			"mem read32 0x10\nexpect 0x4030201\n";
	struct script_cfg cfg = { .out = stdout, .err = stderr };

	return script_run_buffer(&cfg, "user", s, strlen(s));
}
C
cc -Wall -Werror "$prefix/user.c" -o "$prefix/user" \
	$(pkg-config --cflags --libs iommusim)
LD_LIBRARY_PATH=$(pkg-config --variable=libdir iommusim) "$prefix/user"
test -x "$prefix/bin/iommusim"
"$prefix/bin/iommusim" version

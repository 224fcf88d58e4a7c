#!/usr/bin/env bash
# run_e2e.sh IOMMUSIM CLIENT [ARGS...]: mount the simulated /dev/iommu on a
# scratch directory, run CLIENT with the iommu file's path first, unmount,
# and exit with the client's status. Exit 77 (ctest: skipped) with a
# printed reason where FUSE cannot be used.
set -u
sim=$1
client=$2
shift 2
if [ ! -c /dev/fuse ]; then
	echo "skipped: /dev/fuse is missing on this machine"
	exit 77
fi
dir=$(mktemp -d)
"$sim" mount --foreground "$dir" &
daemon=$!
for _ in $(seq 100); do
	[ -e "$dir/iommu" ] && break
	if ! kill -0 "$daemon" 2>/dev/null; then
		echo "skipped: iommusim mount could not mount (FUSE refused)"
		rmdir "$dir"
		exit 77
	fi
	sleep 0.05
done
"$client" "$dir/iommu" "$@"
status=$?
kill -TERM "$daemon"
wait "$daemon"
dstatus=$?
rmdir "$dir" 2>/dev/null
if [ "$dstatus" -ne 0 ]; then
	echo "iommusim mount exited with $dstatus"
	[ "$status" -eq 0 ] && status=1
fi
exit "$status"

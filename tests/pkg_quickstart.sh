#!/bin/bash
# SPDX-License-Identifier: MIT
# The README's quick start, `./run.sh`: each program its run mode starts
# (./build/PATH) is an executable the build makes at BUILD_DIR/PATH, and
# they are shmwriter (in the background) and shmtop.  The tree's layout
# once moved the programs under build/src/ while run.sh kept the old paths.
#   pkg_quickstart.sh SOURCE_DIR BUILD_DIR
set -u
SRC=$1 BUILD=$2
run=$(sed -n '/^run)$/,/^\t;;$/p' "$SRC/run.sh")
[[ -n $run ]] || { echo "FAIL: no run) case in run.sh"; exit 1; }
mapfile -t paths < <(grep -oE '\./build/[^ "]+' <<<"$run")
fail=0
for p in "${paths[@]}"; do
	if [[ -x $BUILD/${p#./build/} && -f $BUILD/${p#./build/} ]]; then
		echo "ok   $p"
	else
		echo "FAIL: run.sh starts $p, which the build does not make ($BUILD/${p#./build/})"
		fail=1
	fi
done
names=$(printf '%s\n' "${paths[@]##*/}" | sort | tr '\n' ' ')
[[ $names == "shmtop shmwriter " ]] ||
	{ echo "FAIL: run.sh's run mode starts '$names', want shmtop and shmwriter"; fail=1; }
exit $fail

# SPDX-License-Identifier: MIT
# Shared by the package tests (sourced, not run).
#   build_deb BUILD_DIR OUT_DIR VERSION
# makes the .deb of BUILD_DIR with cpack into OUT_DIR under a strict umask
# (to show the packaged directories do not depend on it) and sets DEB to
# its path; on failure it prints why and returns 1.
build_deb() {
	local build=$1 out=$2 version=$3
	mkdir -p "$out" || return 1
	if ! (cd "$build" && umask 077 && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1); then
		cat "$out/cpack.log"
		echo "FAIL: cpack -G DEB"
		return 1
	fi
	DEB=$out/shmtop_${version}_$(dpkg --print-architecture).deb
	[[ -f $DEB ]] || { ls -l "$out"; echo "FAIL: no $DEB"; return 1; }
	echo "built $(basename "$DEB"), $(stat -c %s "$DEB") bytes"
}

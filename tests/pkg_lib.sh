# SPDX-License-Identifier: MIT
# Shared by the package tests (sourced, not run).
#   build_deb BUILD_DIR OUT_DIR VERSION
# makes the .debs of BUILD_DIR with cpack into OUT_DIR under a strict umask
# (to show the packaged directories do not depend on it) and sets DEB,
# LIB_DEB and DEV_DEB to the paths of shmtop, libshmtop0 and libshmtop-dev,
# DEBS to all three; on failure it prints why and returns 1.
build_deb() {
	local build=$1 out=$2 version=$3 arch d
	mkdir -p "$out" || return 1
	if ! (cd "$build" && umask 077 && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1); then
		cat "$out/cpack.log"
		echo "FAIL: cpack -G DEB"
		return 1
	fi
	arch=$(dpkg --print-architecture)
	DEB=$out/shmtop_${version}_$arch.deb
	LIB_DEB=$out/libshmtop0_${version}_$arch.deb
	DEV_DEB=$out/libshmtop-dev_${version}_$arch.deb
	DEBS=("$DEB" "$LIB_DEB" "$DEV_DEB")
	for d in "${DEBS[@]}"; do
		[[ -f $d ]] || { ls -l "$out"; echo "FAIL: no $d"; return 1; }
		echo "built $(basename "$d"), $(stat -c %s "$d") bytes"
	done
	[[ $(find "$out" -maxdepth 1 -name '*.deb' | wc -l) == 3 ]] || {
		ls -l "$out"
		echo "FAIL: cpack made other packages than these three"
		return 1
	}
}

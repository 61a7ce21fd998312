#!/bin/bash
# SPDX-License-Identifier: MIT
# Install into a DESTDIR (prefix /usr, then /opt/shmtop) and check the tree:
# every file where GNUInstallDirs puts it, nothing else, the modes Debian
# expects, the man pages equal to assets/, the unit naming the installed
# shmwriter, the changelog and copyright file, and the installed programs
# printing CMake's version; libshmtop (issue 14) in the library directory,
# its links, its header and shmtop.pc naming this prefix.
#   pkg_install.sh BUILD_DIR SOURCE_DIR VERSION
set -u
BUILD=$1 SRC=$2 VERSION=$3
# the build's library and header directories, relative to the prefix
cache() { sed -n "s/^$1:PATH=//p" "$BUILD/CMakeCache.txt"; }
LIBDIR=$(cache CMAKE_INSTALL_LIBDIR) INCLUDEDIR=$(cache CMAKE_INSTALL_INCLUDEDIR)
[[ -n $LIBDIR && -n $INCLUDEDIR ]] || { echo "FAIL: no CMAKE_INSTALL_LIBDIR or INCLUDEDIR in the cache"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }

# mode_is PATH MODE
mode_is() {
	local m
	m=$(stat -c %a "$1" 2>/dev/null) || { fail "missing: ${1#"$TMP"}"; return; }
	[[ $m == "$2" ]] || fail "${1#"$TMP"}: mode $m, want $2"
}

check_tree() { # ROOT PREFIX
	local root=$1 p=$2 doc=$1$2/share/doc/shmtop
	local want=(
		"$p/bin/shmtop 755"
		"$p/bin/shmwriter 755"
		"$p/share/man/man1/shmtop.1.gz 644"
		"$p/share/man/man1/shmwriter.1.gz 644"
		"$p/share/man/man5/shmtop-record.5.gz 644"
		"$p/share/bash-completion/completions/shmtop 644"
		"$p/share/bash-completion/completions/shmwriter 644"
		"$p/share/doc/shmtop/README.md 644"
		"$p/share/doc/shmtop/changelog.gz 644"
		"$p/share/doc/shmtop/copyright 644"
		"$p/share/doc/shmtop/examples/shmwriter.service 644"
		"$p/share/doc/shmtop/examples/shmwriter.sysusers.conf 644"
		"$p/$LIBDIR/libshmtop.so.$VERSION 644"
		"$p/$LIBDIR/libshmtop.a 644"
		"$p/$LIBDIR/pkgconfig/shmtop.pc 644"
		"$p/$INCLUDEDIR/shmtop/shmtop.h 644"
	)
	local w f expected=()
	for w in "${want[@]}"; do
		mode_is "$root${w% *}" "${w#* }"
		expected+=("${w% *}")
	done
	# Nothing installed that is not listed (screenshots excepted).
	while IFS= read -r f; do
		f=${f#"$root"}
		[[ " ${expected[*]} " == *" $f "* || $f =~ \.(png|svg|gif|cast)$ ]] ||
			fail "unexpected file installed: $f"
	done < <(find "$root" -type f)
	# Directories 755, not group-writable under umask 002.
	while IFS= read -r f; do
		mode_is "$f" 755
	done < <(find "$root$p" -type d)

	local lib=$root$p/$LIBDIR
	[[ $(readlink "$lib/libshmtop.so.0") == "libshmtop.so.$VERSION" ]] ||
		fail "libshmtop.so.0 -> '$(readlink "$lib/libshmtop.so.0")', want libshmtop.so.$VERSION"
	[[ $(readlink "$lib/libshmtop.so") == libshmtop.so.0 ]] ||
		fail "libshmtop.so -> '$(readlink "$lib/libshmtop.so")', want libshmtop.so.0"
	cmp -s "$root$p/$INCLUDEDIR/shmtop/shmtop.h" "$SRC/include/shmtop/shmtop.h" ||
		fail "shmtop.h differs from include/shmtop/shmtop.h"
	grep -qx "prefix=$p" "$lib/pkgconfig/shmtop.pc" || fail "shmtop.pc: no prefix=$p"
	grep -qx "Version: $VERSION" "$lib/pkgconfig/shmtop.pc" || fail "shmtop.pc: no Version: $VERSION"

	local page
	for page in shmtop.1 shmwriter.1 shmtop-record.5; do
		gzip -dc "$root$p/share/man/man${page##*.}/$page.gz" | cmp -s - "$SRC/assets/$page" ||
			fail "$page.gz differs from assets/$page"
	done
	cmp -s "$root$p/share/bash-completion/completions/shmtop" \
		"$SRC/assets/shmtop.bash-completion" || fail "bash completion differs from assets/"
	cmp -s "$doc/README.md" "$SRC/README.md" || fail "README.md differs"
	gzip -dc "$doc/changelog.gz" | cmp -s - "$SRC/NEWS" || fail "changelog.gz is not NEWS"
	cmp -s "$doc/copyright" "$BUILD/doc/copyright" || fail "copyright differs from the build's"
	grep -qx "ExecStart=$p/bin/shmwriter .*" "$doc/examples/shmwriter.service" ||
		fail "unit's ExecStart does not name $p/bin/shmwriter: $(grep ExecStart "$doc/examples/shmwriter.service")"
	! grep -q '@[A-Z_]*@' "$doc/examples/shmwriter.service" || fail "unit has unreplaced @VARS@"
	grep -qx 'User=shmwriter' "$doc/examples/shmwriter.service" || fail "unit has no User=shmwriter"
	! grep -q '^DynamicUser=yes' "$doc/examples/shmwriter.service" ||
		fail "DynamicUser= implies RemoveIPC=yes"

	local prog out
	for prog in shmtop shmwriter; do
		out=$("$root$p/bin/$prog" --version 2>&1)
		[[ $out == "$prog (shmtop) $VERSION" ]] ||
			fail "installed $prog --version: '$out', want '$prog (shmtop) $VERSION'"
		out=$("$root$p/bin/$prog" -V 2>&1)
		[[ $out == "$prog (shmtop) $VERSION" ]] || fail "installed $prog -V: '$out'"
	done
}

for prefix in /usr /opt/shmtop; do
	root=$TMP/root${prefix//\//_}
	if ! (umask 002 && DESTDIR=$root cmake --install "$BUILD" --prefix "$prefix" >"$TMP/log" 2>&1); then
		cat "$TMP/log"
		fail "cmake --install --prefix $prefix failed"
		continue
	fi
	grep -i warn "$TMP/log" && fail "cmake --install printed a warning"
	check_tree "$root" "$prefix"
	echo "prefix $prefix: $(find "$root" -type f | wc -l) files checked"
done

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo "install tree OK"

#!/bin/bash
# SPDX-License-Identifier: MIT
# libshmtop0 and libshmtop-dev installed with dpkg on this system, as a user
# has them: the ldconfig trigger put libshmtop.so.0 in ld.so's cache;
# examples/counters.c builds with `pkg-config --cflags --libs shmtop` alone
# and runs on the installed library, publishing what its loop makes;
# dpkg-shlibdeps gives it the dependency libshmtop0 (>= V) from the
# package's symbols file.  Then both purged: none of their files or
# directories is left, nor their dpkg records, nor the ld.so cache entry.
#   pkg_dpkg.sh SOURCE_DIR BUILD_DIR VERSION
#   exit 77 (skipped): not root, a tool missing, or libshmtop already on the
#   system (a package or files of its own: the test would remove them)
set -u
SRC=$1 BUILD=$2 VERSION=$3
((EUID == 0)) || { echo "SKIP: dpkg -i needs root"; exit 77; }
for tool in dpkg dpkg-deb dpkg-shlibdeps cpack cc pkg-config ldconfig python3; do
	command -v $tool >/dev/null || { echo "SKIP: no $tool"; exit 77; }
done
PKGS=(libshmtop0 libshmtop-dev)
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[[ -z $st || $st == not-installed ]] || { echo "SKIP: $p is $st on this system"; exit 77; }
done
# shellcheck disable=SC2034 # for e2e_lib.sh: this run's keys, removed at exit
SHMTOP=/bin/false WRITER=/bin/false RUN=pkg_dpkg-$$
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
. "$(dirname "$0")/pkg_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }
die() { echo "FAIL: $*"; exit 1; }

build_deb "$BUILD" "$TMP/out" "$VERSION" || exit 1
# What the two packages hold; which of their paths exist already (shared
# directories: /usr/lib/<multiarch>...).  A file of theirs may not.
for d in "$LIB_DEB" "$DEV_DEB"; do
	dpkg-deb -c "$d" | awk '{ print substr($6, 2) }' | sed 's|/$||'
done | grep . | sort -u >"$TMP/paths"
while read -r f; do
	if [[ -d $f && ! -L $f ]]; then
		echo "$f" >>"$TMP/before"
	elif [[ -e $f || -L $f ]]; then
		echo "SKIP: $f exists already (libshmtop installed by other means?)"
		exit 77
	fi
done <"$TMP/paths"

# Install; purge at exit whatever happens.
CLEANUPS+=("dpkg --purge ${PKGS[*]} >/dev/null 2>&1")
dpkg -i "$LIB_DEB" "$DEV_DEB" >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; die "dpkg -i"; }
for p in "${PKGS[@]}"; do
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$p") == installed ]] || fail "$p is not installed"
done
ldconfig -p | grep -q 'libshmtop\.so\.0 ' || fail "libshmtop.so.0 is not in ld.so's cache: no ldconfig trigger?"

# A user's program: pkg-config's flags alone, no LD_LIBRARY_PATH.
flags=$(pkg-config --cflags --libs shmtop) || die "pkg-config --cflags --libs shmtop"
echo "pkg-config --cflags --libs shmtop: '$flags' (version $(pkg-config --modversion shmtop))"
[[ $(pkg-config --modversion shmtop) == "$VERSION" ]] || fail "pkg-config --modversion: not $VERSION"
cd "$TMP" || die "cd $TMP"
# shellcheck disable=SC2086 # pkg-config's flags are words
cc "$SRC/examples/counters.c" $flags -o counters || die "cc counters.c \$(pkg-config --cflags --libs shmtop)"
lib=$(ldd ./counters | sed -n 's/.*libshmtop\.so\.0 => \([^ ]*\).*/\1/p')
[[ $(readlink -f "$lib") == "$(readlink -f "/usr/lib/$(cc -print-multiarch)/libshmtop.so.$VERSION")" ]] ||
	fail "counters does not run on the packaged library: $(ldd ./counters)"
k=$(key 1)
KEYS+=("$k")
out=$(timeout 60 ./counters "$k" 100 2>&1) || fail "counters $k 100: exit $?: $out"
want=$(python3 -c 'print(f"requests=100 bytes_out={sum(100 + i * 7 % 900 for i in range(1, 101))} queue={100 % 17}")')
[[ $out == "$want" ]] || fail "counters printed '$out', its loop makes '$want'"
has_segment "$k" || fail "counters left no segment on $k"
echo "counters $k 100: $out (libshmtop.so.0 => $lib)"

# dpkg-shlibdeps, as a package of that program would run it: the installed
# symbols file gives libshmtop0 (>= the version of the newest symbol used).
mkdir -p debian && : >debian/control
deps=$(dpkg-shlibdeps -O counters 2>"$TMP/shlibdeps.err") || { cat "$TMP/shlibdeps.err"; fail "dpkg-shlibdeps"; }
echo "dpkg-shlibdeps counters: $deps"
[[ $deps =~ (^|[=,\ ])libshmtop0\ \(\>=\ ([^\)]+)\) ]] || fail "dpkg-shlibdeps: no libshmtop0 (>= V) in '$deps'"
dpkg --compare-versions "${BASH_REMATCH[2]:-0}" le "$VERSION" || fail "libshmtop0 (>= ${BASH_REMATCH[2]}): after $VERSION"

# Purge: nothing of the packages is left.
dpkg --purge "${PKGS[@]}" >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; fail "dpkg --purge"; }
while read -r f; do
	grep -qxF "$f" "$TMP/before" 2>/dev/null && continue
	[[ -e $f || -L $f ]] && fail "left after purge: $f"
done <"$TMP/paths"
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[[ -z $st || $st == not-installed ]] || fail "$p is $st after purge"
	compgen -G "/var/lib/dpkg/info/${p}[:.]*" && fail "dpkg's records of $p are left (above)"
done
ldconfig -p | grep 'libshmtop' && fail "libshmtop is still in ld.so's cache (above)"
pkg-config --exists shmtop 2>/dev/null && fail "pkg-config still finds shmtop"
echo "purged: $(wc -l <"$TMP/paths") paths checked, $(wc -l <"$TMP/before" 2>/dev/null || echo 0) directories there before"

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo "libshmtop0 and libshmtop-dev: installed, used and purged cleanly"

#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the .deb from this build tree with cpack and inspect it: its control
# fields (dpkg-deb -I), the dependencies on libncursesw6, libtinfo6 and libsmartcols1 and
# that this Debian satisfies every one of them, its files and their modes
# and owners (dpkg-deb -c), and the packaged programs running --version.
#   pkg_deb.sh BUILD_DIR VERSION          exit 77: no dpkg-deb (skipped)
set -u
BUILD=$1 VERSION=$2
command -v dpkg-deb >/dev/null || { echo "SKIP: no dpkg-deb"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }

# A strict umask, to show the packaged directories do not depend on it.
if ! (cd "$BUILD" && umask 077 && cpack -G DEB -B "$TMP/out" >"$TMP/log" 2>&1); then
	cat "$TMP/log"
	echo "FAIL: cpack -G DEB"
	exit 1
fi
arch=$(dpkg --print-architecture)
deb=$TMP/out/shmtop_${VERSION}_$arch.deb
[[ -f $deb ]] || { ls -l "$TMP/out"; echo "FAIL: no $deb"; exit 1; }
echo "built $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
dpkg-deb -I "$deb" >"$TMP/info" || fail "dpkg-deb -I"
sed 's/^/    /' "$TMP/info"
[[ $(field Package) == shmtop ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$VERSION" ]] || fail "Version: $(field Version), want $VERSION"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
[[ $(field Section) == utils ]] || fail "Section: $(field Section)"
[[ $(field Priority) == optional ]] || fail "Priority: $(field Priority)"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer: '$(field Maintainer)'"
desc=$(field Description)
[[ $(head -1 <<<"$desc") == "top for System V shared memory" ]] || fail "Description summary: $(head -1 <<<"$desc")"
(($(wc -l <<<"$desc") >= 3)) || fail "Description has no long text"

# Dependencies: ncurses is there, and each one is satisfied on this system.
depends=$(field Depends)
for lib in libc6 libncursesw6 libtinfo6 libsmartcols1; do
	[[ ", $depends" == *", $lib "* || ", $depends," == *", $lib,"* ]] || fail "Depends lacks $lib: $depends"
done
IFS=',' read -ra deps <<<"$depends"
for d in "${deps[@]}"; do
	d=$(sed 's/^ *//; s/ *$//' <<<"$d")
	[[ $d == *"|"* ]] && continue
	name=${d%% *}
	have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null) || { fail "dependency $name not installed"; continue; }
	if [[ $d =~ \((..?)\ (.+)\) ]]; then
		op=${BASH_REMATCH[1]} ver=${BASH_REMATCH[2]}
		case $op in '>=') op=ge ;; '<=') op=le ;; '=') op=eq ;; '>>') op=gt ;; '<<') op=lt ;; esac
		dpkg --compare-versions "$have" "$op" "$ver" || fail "$name $have does not satisfy $d"
	fi
done

# Files, modes, owners.
dpkg-deb -c "$deb" >"$TMP/contents" || fail "dpkg-deb -c"
want=(
	"-rwxr-xr-x ./usr/bin/shmtop"
	"-rwxr-xr-x ./usr/bin/shmwriter"
	"-rw-r--r-- ./usr/share/man/man1/shmtop.1.gz"
	"-rw-r--r-- ./usr/share/man/man1/shmwriter.1.gz"
	"-rw-r--r-- ./usr/share/bash-completion/completions/shmtop"
	"-rw-r--r-- ./usr/share/bash-completion/completions/shmwriter"
	"-rw-r--r-- ./usr/share/doc/shmtop/README.md"
	"-rw-r--r-- ./usr/share/doc/shmtop/examples/shmwriter.service"
	"-rw-r--r-- ./usr/share/doc/shmtop/examples/shmwriter.sysusers.conf"
)
for w in "${want[@]}"; do
	awk -v m="${w%% *}" -v p="${w#* }" '$1 == m && $2 == "root/root" && $6 == p { ok = 1 } END { exit !ok }' \
		"$TMP/contents" || fail "not in the .deb as '${w%% *} root/root': ${w#* }"
done
awk '$1 !~ /^[d-]/ || ($1 ~ /^d/ && $1 != "drwxr-xr-x") || $2 != "root/root" { print; bad = 1 } END { exit bad }' \
	"$TMP/contents" || fail "entries above have a bad type, mode or owner"
# Nothing else, but the screenshots and figures that README.md shows.
n=$(awk '$1 ~ /^-/ && $6 !~ /^\.\/usr\/share\/doc\/shmtop\/[^/]+\.(png|svg|gif|cast)$/' "$TMP/contents" | wc -l)
((n == ${#want[@]})) || fail "$n files in the .deb, want ${#want[@]}"
awk '{ print $6 }' "$TMP/contents" | grep -v '^\./usr/' && fail "files outside /usr"

# The packaged programs: stripped, linked against what Depends names, and
# printing CMake's version.
dpkg-deb -x "$deb" "$TMP/root" || fail "dpkg-deb -x"
for prog in shmtop shmwriter; do
	bin=$TMP/root/usr/bin/$prog
	out=$("$bin" --version 2>&1)
	[[ $out == "$prog (shmtop) $VERSION" ]] || fail "packaged $prog --version: '$out'"
	ldd "$bin" | grep -q 'not found' && fail "$prog: unresolved libraries: $(ldd "$bin")"
	if command -v readelf >/dev/null && readelf -S "$bin" | grep -q '\.debug_info'; then
		fail "$prog is not stripped"
	fi
done
ldd "$TMP/root/usr/bin/shmtop" | grep -q libncursesw || fail "shmtop does not link libncursesw"
gzip -t "$TMP/root/usr/share/man/man1/"*.gz || fail "man pages are not valid gzip"
ExecStart=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$TMP/root/usr/share/doc/shmtop/examples/shmwriter.service")
[[ $ExecStart == /usr/bin/shmwriter ]] || fail "unit runs '$ExecStart', not /usr/bin/shmwriter"

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo ".deb OK: Depends: $depends"

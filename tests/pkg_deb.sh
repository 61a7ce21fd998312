#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the .deb from this build tree with cpack and inspect it: its control
# fields (dpkg-deb -I), the dependencies on libncursesw6, libtinfo6 and libsmartcols1 and
# that this Debian satisfies every one of them, its files and their modes
# and owners (dpkg-deb -c), the copyright file against LICENSE, the
# changelog's version, and the packaged programs: stripped, hardened (PIE,
# RELRO, BIND_NOW, stack protector) when HARDENED is 1, with fortified
# functions when FORTIFIED is 1 (an optimised build without sanitizers),
# running --version.
#   pkg_deb.sh SOURCE_DIR BUILD_DIR VERSION HARDENED FORTIFIED
#                                             exit 77: no dpkg-deb (skipped)
set -u
SRC=$1 BUILD=$2 VERSION=$3 HARDENED=$4 FORTIFIED=$5
command -v dpkg-deb >/dev/null || { echo "SKIP: no dpkg-deb"; exit 77; }
. "$(dirname "$0")/pkg_lib.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }

build_deb "$BUILD" "$TMP/out" "$VERSION" || exit 1
deb=$DEB arch=$(dpkg --print-architecture)

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
[[ $(head -1 <<<"$desc") == "live viewer of System V shared memory, like top" ]] ||
	fail "Description summary: $(head -1 <<<"$desc")"
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
	"-rw-r--r-- ./usr/share/doc/shmtop/changelog.gz"
	"-rw-r--r-- ./usr/share/doc/shmtop/copyright"
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

# The packaged programs: stripped as dh_strip does (no symbols, debug
# information, .comment or .note), hardened as hardening-check wants it,
# linked against what Depends names, and printing CMake's version.
dpkg-deb -x "$deb" "$TMP/root" || fail "dpkg-deb -x"
for prog in shmtop shmwriter; do
	bin=$TMP/root/usr/bin/$prog
	out=$("$bin" --version 2>&1)
	[[ $out == "$prog (shmtop) $VERSION" ]] || fail "packaged $prog --version: '$out'"
	ldd "$bin" | grep -q 'not found' && fail "$prog: unresolved libraries: $(ldd "$bin")"
	readelf -SW "$bin" >"$TMP/sections" || { fail "readelf -S $prog"; continue; }
	readelf -dW "$bin" >"$TMP/dynamic" && readelf -lW "$bin" >"$TMP/segments" &&
		readelf --dyn-syms -W "$bin" >"$TMP/dynsyms" || { fail "readelf $prog"; continue; }
	grep -Eo ' \.(symtab|debug_[a-z]+|comment|note) ' "$TMP/sections" | sort -u | tr '\n' ' ' |
		grep . && fail "$prog is not stripped: the sections above remain"
	echo "$prog: stripped"
	((HARDENED)) || continue
	grep -Eq 'FLAGS_1.* PIE' "$TMP/dynamic" || fail "$prog is not PIE"
	grep -q ' GNU_RELRO ' "$TMP/segments" || fail "$prog has no RELRO segment"
	grep -Eq '\(FLAGS\).* BIND_NOW|\(BIND_NOW\)' "$TMP/dynamic" || fail "$prog is not BIND_NOW"
	grep -qw '__stack_chk_fail' "$TMP/dynsyms" || fail "$prog: no stack protector (__stack_chk_fail)"
	echo "$prog: PIE, RELRO, BIND_NOW, stack protector"
	((FORTIFIED)) || continue
	chk=$(grep -Eow '__[a-z0-9_]+_chk' "$TMP/dynsyms" | sort -u | tr '\n' ' ')
	[[ -n $chk ]] || fail "$prog: no fortified functions (__*_chk)"
	echo "$prog: fortified: $chk"
done
ldd "$TMP/root/usr/bin/shmtop" | grep -q libncursesw || fail "shmtop does not link libncursesw"
gzip -t "$TMP/root/usr/share/man/man1/"*.gz || fail "man pages are not valid gzip"

# The changelog is NEWS, its latest entry this version; the copyright file
# carries LICENSE's holders and text (lintian checks its DEP-5 syntax).
doc=$TMP/root/usr/share/doc/shmtop
gzip -dc "$doc/changelog.gz" | cmp -s - "$SRC/NEWS" || fail "changelog.gz is not NEWS"
v=$(dpkg-parsechangelog -l "$SRC/NEWS" -S Version 2>&1)
[[ $v == "$VERSION" ]] || fail "NEWS: latest version '$v', want $VERSION (add an entry)"
grep -qx 'License: Expat' "$doc/copyright" || fail "copyright: no 'License: Expat'"
[[ $(sed -n 's/^Copyright: //p' "$doc/copyright") == "$(sed -n 's/^Copyright (c) //p' "$SRC/LICENSE")" ]] ||
	fail "copyright: holders differ from LICENSE's"
# The licence text: the continuation lines of the License paragraphs.
awk 'p && /^ / { l = substr($0, 2); print (l == "." ? "" : l) } /^License: Expat$/ { p = 1 }' \
	"$doc/copyright" >"$TMP/text"
sed -n '/^Permission/,$p' "$SRC/LICENSE" >"$TMP/license"
[[ -s $TMP/license ]] || fail "LICENSE: no 'Permission' paragraph"
diff "$TMP/license" "$TMP/text" || fail "copyright: the licence text differs from LICENSE's (above)"
ExecStart=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$TMP/root/usr/share/doc/shmtop/examples/shmwriter.service")
[[ $ExecStart == /usr/bin/shmwriter ]] || fail "unit runs '$ExecStart', not /usr/bin/shmwriter"

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo ".deb OK: Depends: $depends"

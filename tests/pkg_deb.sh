#!/bin/bash
# SPDX-License-Identifier: MIT
# Build the .debs from this build tree with cpack and inspect them: shmtop,
# libshmtop0 and libshmtop-dev.  Their control fields (dpkg-deb -I), the
# dependencies on libncursesw6, libtinfo6 and libsmartcols1 and that this
# Debian satisfies every one of them, their files and their modes and owners
# (dpkg-deb -c: no library in shmtop, no header in libshmtop0, the library
# in /usr/lib/<multiarch>), the copyright file against LICENSE, the
# changelog's version, and the packaged programs: stripped, hardened (PIE,
# RELRO, BIND_NOW, stack protector) when HARDENED is 1, with fortified
# functions when FORTIFIED is 1 (an optimised build without sanitizers),
# running --version.  libshmtop0's control files: shlibs, a symbols file
# listing exactly what the library exports, the ldconfig trigger and no
# maintainer script; the library stripped, with its soname.
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
arch=$(dpkg --print-architecture)
# where Debian puts libraries: /usr/lib/x86_64-linux-gnu on amd64
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || cc -print-multiarch)
[[ -n $multiarch ]] || { echo "FAIL: no multiarch triplet (dpkg-architecture, cc -print-multiarch)"; exit 1; }
libdir=./usr/lib/$multiarch

# Control fields: those of every package, then each one's.
field() { dpkg-deb -f "$1" "$2"; } # DEB FIELD
want_field() {                      # DEB FIELD VALUE
	local v
	v=$(field "$1" "$2")
	[[ $v == "$3" ]] || fail "$(basename "$1"): $2: '$v', want '$3'"
}
for d in "${DEBS[@]}"; do
	dpkg-deb -I "$d" >"$TMP/info" || fail "dpkg-deb -I $d"
	sed 's/^/    /' "$TMP/info"
	[[ $(basename "$d") == "$(field "$d" Package)_${VERSION}_$arch.deb" ]] ||
		fail "$(basename "$d"): Package: $(field "$d" Package)"
	want_field "$d" Version "$VERSION"
	want_field "$d" Architecture "$arch"
	want_field "$d" Priority optional
	[[ $(field "$d" Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] ||
		fail "$(basename "$d"): Maintainer: '$(field "$d" Maintainer)'"
	(($(field "$d" Description | wc -l) >= 3)) || fail "$(basename "$d"): Description has no long text"
done
# want_summary DEB SUMMARY: the Description's first line
want_summary() {
	[[ $(field "$1" Description | head -1) == "$2" ]] ||
		fail "$(basename "$1"): Description summary: $(field "$1" Description | head -1)"
}
want_summary "$DEB" "live viewer of System V shared memory, like top"
want_summary "$LIB_DEB" "library to publish counters that shmtop shows live"
want_summary "$DEV_DEB" "library to publish counters that shmtop shows live (development)"
want_field "$DEB" Section utils
want_field "$LIB_DEB" Section libs
want_field "$DEV_DEB" Section libdevel
want_field "$DEB" Multi-Arch no # dpkg-deb -f: no field
want_field "$LIB_DEB" Multi-Arch same
want_field "$DEV_DEB" Multi-Arch same
want_field "$LIB_DEB" Source shmtop
want_field "$DEV_DEB" Source shmtop
want_field "$DEV_DEB" Depends "libshmtop0 (= $VERSION)"

# Dependencies: ncurses is there (libc6 for the library), and each one is
# satisfied on this system.
depends=$(field "$DEB" Depends)
for lib in libc6 libncursesw6 libtinfo6 libsmartcols1; do
	[[ ", $depends" == *", $lib "* || ", $depends," == *", $lib,"* ]] || fail "Depends lacks $lib: $depends"
done
# (a sanitizer build's library needs the sanitizers' runtime libraries too)
[[ ", $(field "$LIB_DEB" Depends)," =~ ,\ libc6\ \(\>=\ [0-9.]+\), ]] ||
	fail "libshmtop0: Depends: '$(field "$LIB_DEB" Depends)', want libc6 (>= VERSION)"
IFS=',' read -ra deps <<<"$depends, $(field "$LIB_DEB" Depends)"
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

# check_files DEB EXTRA WANT...: DEB holds the WANT entries ("MODE PATH", or
# "lrwxrwxrwx PATH -> TARGET") owned by root/root, directories 0755 under
# /usr, and nothing else but files whose path matches the regex EXTRA.
check_files() {
	local deb=$1 extra=$2 w n
	shift 2
	echo "$(basename "$deb"):"
	dpkg-deb -c "$deb" >"$TMP/contents" || { fail "dpkg-deb -c $deb"; return; }
	awk '$1 !~ /^d/ { print "    " $1, $3, $6 (NF > 6 ? " " $7 " " $8 : "") }' "$TMP/contents"
	for w in "$@"; do
		awk -v m="${w%% *}" -v p="${w#* }" '$1 == m && $2 == "root/root" &&
			(m ~ /^l/ ? $6 " " $7 " " $8 : $6) == p { ok = 1 } END { exit !ok }' "$TMP/contents" ||
			fail "not in $(basename "$deb") as '${w%% *} root/root': ${w#* }"
	done
	awk '$1 !~ /^[dl-]/ || ($1 ~ /^d/ && $1 != "drwxr-xr-x") || $2 != "root/root" { print; bad = 1 }
		END { exit bad }' "$TMP/contents" || fail "entries above have a bad type, mode or owner"
	n=$(awk -v x="$extra" '$1 !~ /^d/ && (x == "" || $6 !~ x)' "$TMP/contents" | wc -l)
	((n == $#)) || fail "$n files in $(basename "$deb"), want $#"
	awk '{ print $6 }' "$TMP/contents" | grep -v '^\./usr/' && fail "files outside /usr in $(basename "$deb")"
}
# shmtop: the programs and their docs, no library nor header; the
# screenshots and figures that README.md shows besides.
check_files "$DEB" '^\./usr/share/doc/shmtop/[^/]+\.(png|svg|gif|cast)$' \
	"-rwxr-xr-x ./usr/bin/shmtop" \
	"-rwxr-xr-x ./usr/bin/shmwriter" \
	"-rw-r--r-- ./usr/share/man/man1/shmtop.1.gz" \
	"-rw-r--r-- ./usr/share/man/man1/shmwriter.1.gz" \
	"-rw-r--r-- ./usr/share/bash-completion/completions/shmtop" \
	"-rw-r--r-- ./usr/share/bash-completion/completions/shmwriter" \
	"-rw-r--r-- ./usr/share/doc/shmtop/README.md" \
	"-rw-r--r-- ./usr/share/doc/shmtop/changelog.gz" \
	"-rw-r--r-- ./usr/share/doc/shmtop/copyright" \
	"-rw-r--r-- ./usr/share/doc/shmtop/examples/shmwriter.service" \
	"-rw-r--r-- ./usr/share/doc/shmtop/examples/shmwriter.sysusers.conf"
# libshmtop0: the shared library and its soname's link alone.
check_files "$LIB_DEB" '' \
	"-rw-r--r-- $libdir/libshmtop.so.$VERSION" \
	"lrwxrwxrwx $libdir/libshmtop.so.0 -> libshmtop.so.$VERSION" \
	"-rw-r--r-- ./usr/share/doc/libshmtop0/changelog.gz" \
	"-rw-r--r-- ./usr/share/doc/libshmtop0/copyright"
# libshmtop-dev: what a program builds with, and the record's format.
check_files "$DEV_DEB" '' \
	"-rw-r--r-- ./usr/include/shmtop/shmtop.h" \
	"-rw-r--r-- ./usr/share/man/man5/shmtop-record.5.gz" \
	"lrwxrwxrwx $libdir/libshmtop.so -> libshmtop.so.0" \
	"-rw-r--r-- $libdir/libshmtop.a" \
	"-rw-r--r-- $libdir/pkgconfig/shmtop.pc" \
	"-rw-r--r-- ./usr/share/doc/libshmtop-dev/changelog.gz" \
	"-rw-r--r-- ./usr/share/doc/libshmtop-dev/copyright"

# The packaged programs: stripped as dh_strip does (no symbols, debug
# information, .comment or .note), hardened as hardening-check wants it,
# linked against what Depends names, and printing CMake's version.
for d in "${DEBS[@]}"; do
	dpkg-deb -x "$d" "$TMP/root" || fail "dpkg-deb -x $d"
done
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
gzip -t "$TMP/root/usr/share/man/man"[15]/*.gz || fail "man pages are not valid gzip"

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

# The library packages' docs are shmtop's.
for p in libshmtop0 libshmtop-dev; do
	for f in copyright changelog.gz; do
		cmp -s "$doc/$f" "$TMP/root/usr/share/doc/$p/$f" || fail "$p's $f differs from shmtop's"
	done
done

# libshmtop0: the library stripped, with its soname and no run path; its
# control members shlibs, symbols (exactly what the library exports) and
# the ldconfig trigger, and no maintainer script (lintian wants the trigger,
# not a postinst calling ldconfig).
so=$TMP/root/usr/lib/$multiarch/libshmtop.so.$VERSION
readelf -SW "$so" | grep -Eo ' \.(symtab|debug_[a-z]+|comment|note) ' | sort -u | tr '\n' ' ' |
	grep . && fail "libshmtop.so is not stripped: the sections above remain"
soname=$(readelf -dW "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == libshmtop.so.0 ]] || fail "packaged library: soname '$soname', want libshmtop.so.0"
readelf -dW "$so" | grep -E '\((RPATH|RUNPATH)\)' && fail "the packaged library has a run path"
members=$(dpkg-deb --ctrl-tarfile "$LIB_DEB" | tar -t | grep -v '/$' | sed 's|^\./||' | sort | tr '\n' ' ')
[[ $members == "control md5sums shlibs symbols triggers " ]] ||
	fail "libshmtop0's control members: $members; want control md5sums shlibs symbols triggers"
dpkg-deb -e "$LIB_DEB" "$TMP/control" || fail "dpkg-deb -e $LIB_DEB"
echo "libshmtop0's control files:"
sed 's/^/    /' "$TMP/control/shlibs" "$TMP/control/triggers"
[[ $(<"$TMP/control/triggers") == "activate-noawait ldconfig" ]] || fail "triggers: $(<"$TMP/control/triggers")"
[[ $(<"$TMP/control/shlibs") == "libshmtop 0 libshmtop0 (>= $VERSION)" ]] ||
	fail "shlibs: $(<"$TMP/control/shlibs")"
sym=$TMP/control/symbols
[[ $(head -2 "$sym") == $'libshmtop.so.0 libshmtop0 #MINVER#\n* Build-Depends-Package: libshmtop-dev' ]] ||
	fail "symbols: the header is $(head -2 "$sym")"
# Each symbol of version LIBSHMTOP_0, from a version of the package up to
# this one.
awk '/^ / && !($1 ~ /@LIBSHMTOP_0$/ && NF == 2) { print; bad = 1 } END { exit bad }' "$sym" ||
	fail "symbols: the lines above are not 'NAME@LIBSHMTOP_0 VERSION'"
while read -r s v; do
	dpkg --compare-versions "$v" le "$VERSION" || fail "symbols: $s from $v, after $VERSION"
done < <(grep '^ ' "$sym")
grep '^ ' "$sym" | sed 's/^ *//; s/@.*//' | sort >"$TMP/listed"
nm -D --defined-only "$so" | awk '{ print $3 }' | sed 's/@.*//' | sort >"$TMP/exported"
diff "$TMP/exported" "$TMP/listed" || fail "symbols lists other than what libshmtop.so exports (< exported, > listed)"
echo "symbols: $(wc -l <"$TMP/listed") entries, what libshmtop.so.0 exports"

# libshmtop-dev: the header, shmtop-record(5), shmtop.pc naming /usr and
# the multiarch directory, the static library without debugging information.
cmp -s "$TMP/root/usr/include/shmtop/shmtop.h" "$SRC/include/shmtop/shmtop.h" ||
	fail "packaged shmtop.h differs from include/shmtop/shmtop.h"
gzip -dc "$TMP/root/usr/share/man/man5/shmtop-record.5.gz" | cmp -s - "$SRC/assets/shmtop-record.5" ||
	fail "packaged shmtop-record.5.gz differs from assets/shmtop-record.5"
pc=$TMP/root/usr/lib/$multiarch/pkgconfig/shmtop.pc
grep -qx 'prefix=/usr' "$pc" || fail "shmtop.pc: no prefix=/usr"
grep -Eqx "libdir=(/usr|\\\$\\{prefix\\})/lib/$multiarch" "$pc" || fail "shmtop.pc: libdir is not /usr/lib/$multiarch"
grep -qx "Version: $VERSION" "$pc" || fail "shmtop.pc: no Version: $VERSION"
readelf -SW "$TMP/root/usr/lib/$multiarch/libshmtop.a" | grep -Eo ' \.(debug_[a-z]+|comment) ' | sort -u |
	tr '\n' ' ' | grep . && fail "libshmtop.a has the sections above"

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo ".debs OK: shmtop Depends: $depends; libshmtop0 Depends: $(field "$LIB_DEB" Depends)"

#!/bin/bash
# SPDX-License-Identifier: MIT
# libshmtop as a program outside the tree uses it (issue 14): install the
# project into a temporary prefix, build examples/counters.c there with
# nothing but pkg-config's flags, run it, and read what it published back
# through examples/read_counters.py (Python ctypes on the installed
# libshmtop.so.0): the values the example printed, the values its loop must
# have made, and the values read agree, and so do those that
# tests/record_reader.py, a reader made from shmtop-record(5) alone, reads.
# Then the library itself: the soname and its links, only the header's functions exported (and with the
# version LIBSHMTOP_0), none of the internal ones (record_*, control_*,
# trust_*, names_*...), from the shared and the static library alike; no
# code the library does not use in either (the version 2 writer, a test
# fixture, least of all); and the example linked statically running
# without libshmtop.so.
#   pkg_library.sh SOURCE_DIR BUILD_DIR VERSION SHMTOP
set -u
# shellcheck disable=SC2034 # SHMTOP, WRITER and RUN: for e2e_lib.sh (and the --json check)
SRC=$1 BUILD=$2 VERSION=$3 SHMTOP=$4 WRITER=/bin/false RUN=pkg_library-$$
for tool in cc pkg-config python3 nm readelf; do
	command -v $tool >/dev/null || { echo "SKIP: no $tool"; exit 77; }
done
# this run's keys, every segment on them removed at exit
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")
errors=0
fail() { echo "FAIL: $*"; errors=$((errors + 1)); }
die() { echo "FAIL: $*"; exit 1; }

prefix=$TMP/prefix
cmake --install "$BUILD" --prefix "$prefix" >"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log"; die "cmake --install --prefix $prefix"; }
pc=$(find "$prefix" -name shmtop.pc)
[[ -n $pc ]] || die "no shmtop.pc installed under $prefix"
libdir=$(dirname "$(dirname "$pc")")
export PKG_CONFIG_PATH=$libdir/pkgconfig
echo "installed: $(cd "$prefix" && find . -path ./share -prune -o \( -type f -o -type l \) -print |
	grep -v '/bin/' | sort | tr '\n' ' ')"

so=$libdir/libshmtop.so.$VERSION
[[ -f $so && ! -L $so ]] || die "no $so"
# A sanitizer build's library needs the sanitizer's runtime: the examples
# are built with it too, and Python loads it first (without leak checks:
# the interpreter's own would fail the run).
san=() preload=()
for rt in $(readelf -dW "$so" | sed -n 's/.*(NEEDED).*\[lib\(asan\|ubsan\|tsan\)\.so.*/\1/p'); do
	case $rt in
	asan) san+=(-fsanitize=address) preload+=("$(cc -print-file-name=libasan.so)") ;;
	ubsan) san+=(-fsanitize=undefined) ;;
	tsan) san+=(-fsanitize=thread) preload+=("$(cc -print-file-name=libtsan.so)") ;;
	esac
done
((${#san[@]})) && echo "sanitizer build: the examples with ${san[*]}"
PRELOAD=$(
	IFS=:
	echo "${preload[*]}"
)

# pkg-config: the version, the directories of this installation
[[ $(pkg-config --modversion shmtop) == "$VERSION" ]] ||
	fail "pkg-config --modversion: $(pkg-config --modversion shmtop), want $VERSION"
flags=$(pkg-config --cflags --libs shmtop) || die "pkg-config --cflags --libs shmtop"
echo "pkg-config --cflags --libs shmtop: $flags"
[[ " $flags " == *" -I$prefix/include "* ]] || fail "--cflags does not name $prefix/include"
[[ " $flags " == *" -L$libdir -lshmtop "* ]] || fail "--libs does not name $libdir"
[[ -f $prefix/include/shmtop/shmtop.h ]] || fail "no include/shmtop/shmtop.h"
[[ -e $prefix/src/protocol/record.h ]] && fail "record.h installed: the public API is shmtop.h"

# The example, built as its comment says; and free of warnings.
cd "$TMP" || die "cd $TMP"
# shellcheck disable=SC2086 # pkg-config's flags are words
cc "$SRC/examples/counters.c" $flags "${san[@]}" -o counters || die "cc counters.c \$(pkg-config ...) failed"
# shellcheck disable=SC2086
cc -Wall -Wextra -Wpedantic -Werror "$SRC/examples/counters.c" $flags "${san[@]}" -o /dev/null ||
	fail "counters.c has warnings (above)"
lines=$(wc -l <"$SRC/examples/counters.c")
((lines <= 30)) || fail "examples/counters.c has $lines lines, at most 30"

# read_counters.py mirrors shmtop.h's structs: the same sizes and offsets.
cat >layout.c <<'C'
#include <shmtop/shmtop.h>
#include <stdio.h>
#define F(s, f) printf(" %s.%s=%zu", #s, #f, offsetof(struct s, f))
int main(void)
{
	printf("status=%zu value=%zu", sizeof(struct shmtop_status), sizeof(struct shmtop_value));
	F(shmtop_status, ncounters), F(shmtop_status, refused), F(shmtop_value, value);
	F(shmtop_value, changed_wall_ns), puts("");
}
C
# shellcheck disable=SC2086
cc layout.c $flags -o layout || die "cc layout.c"
c_layout=$(./layout)
py_layout=$(sed '/^lib = /,$d' "$SRC/examples/read_counters.py" | python3 -c '
import sys; exec(sys.stdin.read()); S, V = Status, Value
print(f"status={C.sizeof(S)} value={C.sizeof(V)}", *(f"shmtop_{c.__name__.lower()}.{f}={getattr(c, f).offset}"
      for c, f in ((S, "ncounters"), (S, "refused"), (V, "value"), (V, "changed_wall_ns"))))')
[[ $py_layout == "$c_layout" ]] || fail "read_counters.py's structs: $py_layout; shmtop.h's: $c_layout"

# What counters.c's loop makes in STEPS steps, as it prints it.
expected() {
	python3 -c 'import sys; n = int(sys.argv[1])
print(f"requests={n} bytes_out={sum(100 + i * 7 % 900 for i in range(1, n + 1))} queue={n % 17}")' "$1"
}

# pairs: "name=value ..." of a reader, sorted one a line, for comparing.
pairs() { tr ' ' '\n' <<<"$1" | grep . | sort; }

# check_reader WHAT WANT CMD...: CMD's counters ("name=value ...") are WANT.
check_reader() {
	local what=$1 want=$2 out
	shift 2
	out=$("$@" 2>&1) || { fail "$what failed: $out"; return; }
	if [[ $(pairs "$out") == "$(pairs "$want")" ]]; then
		echo "$what: $out"
	else
		fail "$what read '$out', the example published '$want'"
	fi
}

# json_pairs: shmtop --json's counters as "name=value ...": every object
# with a name and a numeric value in the last line's document.
json_pairs() {
	"$@" | tail -1 | python3 -c 'import json, sys
def walk(o):
    if isinstance(o, dict):
        if isinstance(o.get("name"), str) and isinstance(o.get("value"), int):
            yield o["name"] + "=" + str(o["value"])
        for v in o.values(): yield from walk(v)
    elif isinstance(o, list):
        for v in o: yield from walk(v)
print(" ".join(walk(json.load(sys.stdin))))'
}

# run_example NAME BINARY KEY STEPS: run it, check what it printed.
run_example() {
	local name=$1 bin=$2 k=$3 steps=$4 out want
	KEYS+=("$k")
	want=$(expected "$steps")
	out=$(LD_LIBRARY_PATH=$libdir timeout 60 "$bin" "$k" "$steps" 2>&1) ||
		{ fail "$name $k $steps: exit $?: $out"; return 1; }
	[[ $out == "$want" ]] || { fail "$name printed '$out', its loop makes '$want'"; return 1; }
	echo "$name $k $steps: $out"
	has_segment "$k" || { fail "$name left no segment on $k"; return 1; }
	check_reader "read_counters.py (ctypes)" "$out" \
		env LD_LIBRARY_PATH="$libdir" LD_PRELOAD="$PRELOAD" \
		    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		    python3 "$SRC/examples/read_counters.py" "$k"
	# A reader made from shmtop-record(5) alone (libc, no libshmtop) agrees.
	check_reader "record_reader.py (shmtop-record(5) alone)" "$out" \
		python3 "$SRC/tests/record_reader.py" "$k"
	# The viewer reads version 3: its --json lists every counter.
	check_reader "shmtop --json" "$out" json_pairs "$SHMTOP" --json -n 1 -k "$k"
}
run_example counters ./counters "$(key 1)" 300
LD_LIBRARY_PATH=$libdir ldd ./counters | grep -q "libshmtop.so.0 => $libdir/" ||
	fail "counters is not linked with the installed libshmtop.so.0: $(ldd ./counters)"

# The shared library: its soname, its links, no run path.
[[ $(readlink "$libdir/libshmtop.so.0") == "libshmtop.so.$VERSION" ]] ||
	fail "libshmtop.so.0 -> $(readlink "$libdir/libshmtop.so.0")"
[[ $(readlink "$libdir/libshmtop.so") == libshmtop.so.0 ]] ||
	fail "libshmtop.so -> $(readlink "$libdir/libshmtop.so")"
soname=$(readelf -dW "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == libshmtop.so.0 ]] || fail "soname '$soname', want libshmtop.so.0"
readelf -dW "$so" | grep -E '\((RPATH|RUNPATH)\)' && fail "the installed library has a run path"
readelf -dW counters | grep -q '(NEEDED).*\[libshmtop.so.0\]' || fail "counters does not need libshmtop.so.0"

# Exported: exactly the functions shmtop.h declares (its inline hot path is
# no symbol), each of version LIBSHMTOP_0.
grep -v '^static ' "$SRC/include/shmtop/shmtop.h" |
	sed -n 's/^[a-z].*[ *]\(shmtop_[a-z_]*\)(.*/\1/p' | sort -u >"$TMP/api"
(($(wc -l <"$TMP/api") >= 10)) || die "found only $(wc -l <"$TMP/api") functions in shmtop.h"
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort >"$TMP/exported"
grep -v '@@LIBSHMTOP_0$' "$TMP/exported" | sed 's/^/    /' | grep . &&
	fail "exported without the version LIBSHMTOP_0 (above)"
sed -i 's/@.*//' "$TMP/exported"
if ! diff "$TMP/api" "$TMP/exported" >"$TMP/diff"; then
	sed 's/^/    /' "$TMP/diff"
	fail "libshmtop.so exports other than shmtop.h's functions (< missing, > extra)"
fi
echo "libshmtop.so.0 exports $(wc -l <"$TMP/exported") symbols, all shmtop.h's"
# The static library: its global definitions are the same.
nm -g --defined-only "$libdir/libshmtop.a" | awk 'NF == 3 { print $3 }' | sort >"$TMP/static"
if ! diff "$TMP/api" "$TMP/static" >"$TMP/diff"; then
	sed 's/^/    /' "$TMP/diff"
	fail "libshmtop.a defines globally other than shmtop.h's functions (< missing, > extra)"
fi

# Code the library does not use is not in it (issue 22).  The version 2
# writer is a test fixture (tests/fixture/v2writer.c): none of its functions,
# nor any writer_* (its names before it moved), is defined in either library,
# local symbols included.
nm --defined-only "$so" "$libdir/libshmtop.a" | awk 'NF == 3 { print $3 }' | sort -u >"$TMP/defined"
sed -n 's/^[a-z].*[ *]\(v2writer_[a-z_]*\)(.*/\1/p' "$SRC/tests/fixture/v2writer.h" >"$TMP/engine"
(($(wc -l <"$TMP/engine") >= 5)) || die "found only $(wc -l <"$TMP/engine") functions in v2writer.h"
grep -xFf "$TMP/engine" "$TMP/defined" | sed 's/^/    /' | grep . &&
	fail "libshmtop defines the version 2 writer's functions (above)"
grep -E '(^|_)writer_' "$TMP/defined" | sed 's/^/    /' | grep . &&
	fail "libshmtop defines writer_* functions (above): the version 2 writer's"
# And nothing else it does not use: libshmtop.a, its every function in a
# section of its own, linked whole into a shared object exporting shmtop_*
# with --gc-sections loses no function.
readelf -SW "$libdir/libshmtop.a" | grep -q '\.text\.shmtop_open\b' ||
	fail "libshmtop.a's functions are not in sections of their own (-ffunction-sections): unused code cannot be found"
echo 'LIBSHMTOP_0 { global: shmtop_*; local: *; };' >"$TMP/map"
cc -shared -o "$TMP/whole.so" -Wl,--whole-archive "$libdir/libshmtop.a" -Wl,--no-whole-archive \
	-Wl,--gc-sections,--print-gc-sections -Wl,--version-script="$TMP/map" "${san[@]}" -lpthread 2>"$TMP/gc" ||
	{ cat "$TMP/gc"; die "cc -shared libshmtop.a failed"; }
if sed -n "s/.*removing unused section '\.text\.\([^']*\)'.*/    \1/p" "$TMP/gc" | grep .; then
	fail "libshmtop holds functions that it does not use (above)"
else
	echo "libshmtop.so.0 defines $(nm --defined-only "$so" | grep -c ' [tT] ') functions, all used, none the version 2 writer's"
fi

# The example linked statically: no libshmtop.so needed, the same values.
# shellcheck disable=SC2046
cc "$SRC/examples/counters.c" $(pkg-config --cflags shmtop) "$libdir/libshmtop.a" \
	$(pkg-config --static --libs-only-other shmtop) "${san[@]}" -o counters-static || die "static link failed"
readelf -dW counters-static | grep -q 'NEEDED.*libshmtop' && fail "counters-static needs libshmtop.so"
run_example counters-static ./counters-static "$(key 2)" 200

# From the build tree, with no install: the README's recipe as it is, with
# PKG_CONFIG_PATH naming the build directory, finds shmtop-uninstalled.pc
# there (pkg-config's convention, before any installed shmtop.pc): this
# tree's header and the build's library, which the program's run path names.
pc_un=$BUILD/shmtop-uninstalled.pc
[[ -f $pc_un ]] || die "no $pc_un"
uflags=$(PKG_CONFIG_PATH=$BUILD:$PKG_CONFIG_PATH pkg-config --cflags --libs shmtop) ||
	die "PKG_CONFIG_PATH=$BUILD pkg-config --cflags --libs shmtop"
echo "PKG_CONFIG_PATH=BUILD pkg-config --cflags --libs shmtop: $uflags"
[[ " $uflags " == *" -I$SRC/include "* ]] || fail "uninstalled --cflags does not name $SRC/include"
blib=$(dirname "$(find "$BUILD" -name "libshmtop.so.$VERSION" -print -quit)")
[[ " $uflags " == *" -L$blib "* ]] || fail "uninstalled --libs does not name $blib"
[[ $(PKG_CONFIG_PATH=$BUILD pkg-config --modversion shmtop) == "$VERSION" ]] ||
	fail "uninstalled --modversion: want $VERSION"
# shellcheck disable=SC2086 # pkg-config's flags are words
cc "$SRC/examples/counters.c" $uflags "${san[@]}" -o counters-uninstalled ||
	die "cc counters.c \$(PKG_CONFIG_PATH=$BUILD pkg-config ...) failed"
env -u LD_LIBRARY_PATH ldd ./counters-uninstalled | grep -q "libshmtop.so.0 => $blib/" ||
	fail "counters-uninstalled does not load the build's libshmtop.so.0: $(ldd ./counters-uninstalled)"
libdir=$blib run_example counters-uninstalled ./counters-uninstalled "$(key 3)" 150

((errors == 0)) || { echo "$errors failure(s)"; exit 1; }
echo "libshmtop OK"

#!/bin/bash
# SPDX-License-Identifier: MIT
# An object's detail view decodes its bytes as a segment's dashboard does
# (issue 24, point 3), with a real process writing a real file: python3
# rewrites "%d\0" in place every 0.2 s through a shared mapping of it.
#  - shmtop FILE shows the value (the file's own number, read here apart
#    from shmtop) growing, RUNNING, a rate and a history graph, the writer
#    unknown; the file's fields (kind file, its path) and holders stay;
#  - the writer killed: STALLED, its last value kept;
#  - a file of bytes that are no format: the refusal after what the object
#    is, and the preview of its bytes;
#  - a copy of a version 3 record's bytes (tests/pubcounters') in a file:
#    the counters table, j and k moving the selection, the graph's title
#    naming the counter selected.
#
# usage: e2e_objcounters.sh SHMTOP PUBCOUNTERS
set -u
SHMTOP=$(realpath "$1")
PUB=$(realpath "$2")
WRITER=/bin/false # e2e_lib's writer(), unused here
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=objctr$$
. "$(dirname "$0")/e2e_lib.sh"
command -v python3 >/dev/null || {
	echo "SKIP: needs python3"
	exit 77
}
TMP=$(mktemp -d)
chmod 0755 "$TMP"
CLEANUPS+=("rm -rf '$TMP'")

# counter PATH: a process counting in PATH (4096 bytes, mapped shared), the
# number and its NUL rewritten in place every 0.2 s, until killed; sets CPID.
counter() {
	python3 -c '
import mmap, sys, time
p = sys.argv[1]
with open(p, "wb") as f:
    f.truncate(4096)
f = open(p, "r+b")
m = mmap.mmap(f.fileno(), 4096)
n = 1000
while True:
    b = b"%d\0" % n
    m[0:len(b)] = b
    if n == 1000:
        open(p + ".ready", "w").close()
    n += 1
    time.sleep(0.2)' "$1" &
	CPID=$!
	PIDS+=("$CPID")
	until_ok 10 test -e "$1.ready" || fail "counter in $1 did not start"
	rm -f "$1.ready"
}

# number PATH: the file's number, up to its NUL.
number() { python3 -c 'import sys; print(open(sys.argv[1], "rb").read(32).split(b"\0")[0].decode())' "$1"; }
# graph_max NAME: the max of the history graph's title on the screen.
graph_max() { screen "$1" | sed -n 's/.*history: value  min [0-9]*  max \([0-9]*\).*/\1/p'; }

t_live_then_stalled() {
	local f=$TMP/count.db a b last
	counter "$f" || return 1
	view live 120 40 "$SHMTOP $f -d 2" || return 1
	see live "RUNNING" || return 1
	see live "writer unknown" || return 1
	see live "history: value  min [0-9]+  max [0-9]+  1 column = 1 sample" 10 || return 1
	see live "rate [0-9.]+/s" 10 || return 1
	see live "kind +file" || return 1
	see live "holders: 1 process" 10 || return 1
	a=$(graph_max live)
	sleep 1.5
	b=$(graph_max live)
	[[ -n $a && -n $b ]] && ((b > a)) || fail "the value did not grow: $a then $b" || return 1
	((b >= 1000 && b <= $(number "$f"))) || fail "graph max $b, the file $(number "$f")" || return 1
	kill "$CPID"
	until_ok 5 gone "$CPID" || fail "counter did not exit" || return 1
	last=$(number "$f")
	see live "STALLED" 10 || return 1
	see live "rate 0/s" || return 1
	[[ $(graph_max live) == "$last" ]] || fail "graph max $(graph_max live), the file $last" || return 1
}

t_refused() {
	local f=$TMP/junk.db
	printf '123x not a counter\n' >"$f"
	view junk 120 40 "$SHMTOP $f" || return 1
	see junk "FILE" || return 1
	see junk "junk.db: a file mapped shared .*; not a text counter:" || return 1
	see junk "no NUL after the digits" || return 1
	see junk "123x not a counter" || return 1 # the preview
	! shows junk "RUNNING|STALLED" || fail "a refused file shown live" || return 1
}

t_v3_copy() {
	local k f=$TMP/v3.db out=$TMP/pub.out
	k=$(key 1)
	KEYS+=("$k")
	"$PUB" "$k" 3 >"$out" 2>&1 &
	PIDS+=("$!")
	until_ok 10 grep -q '^ready$' "$out" || fail "pubcounters: $(cat "$out")" || return 1
	until_ok 5 grep -q '^tick 2 ' "$out" || fail "pubcounters did not tick" || return 1
	python3 - "$k" "$f" "$(bytes "$k")" <<'PY' || fail "copy of the segment" || return 1
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
shmid = libc.shmget(int(sys.argv[1], 0), 0, 0)
p = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
assert shmid >= 0 and p not in (None, ctypes.c_void_p(-1).value)
open(sys.argv[2], "wb").write(ctypes.string_at(p, int(sys.argv[3])))
PY
	view v3 120 40 "$SHMTOP $f" || return 1
	see v3 "counters: 3  selected 1/3" || return 1
	see v3 "> c00" || return 1
	see v3 "kind +file" || return 1
	keys v3 j
	see v3 "counters: 3  selected 2/3" || return 1
	see v3 "history of c01:" || return 1
	keys v3 k
	see v3 "counters: 3  selected 1/3" || return 1
}

run_cases t_live_then_stalled t_refused t_v3_copy

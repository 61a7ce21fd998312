#!/bin/bash
# SPDX-License-Identifier: MIT
# The classic example's counter read as a counter (issue 22, point 2):
# tests/textcounter does sprintf(shm, "%d", n++) every second into a
# 1024-byte segment; shmtop -k on it shows a live value (the segment's own
# number, read here through shmat), its rate (about 1/s), a history graph,
# the writer unknown and no controls; the same in --json, parsed.  Killed,
# it is STALLED with its last value; text that stops being a number is a
# foreign segment, and a number again is read afresh; a number past
# UINT64_MAX is refused with its reason.
#
# usage: e2e_textcounter.sh SHMTOP TEXTCOUNTER
set -u
SHMTOP=$(realpath "$1")
TEXT=$(realpath "$2")
WRITER=/bin/false # e2e_lib's writer(), unused here
HERE=$(dirname "$(realpath "$0")")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=textc$$
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")

json_get() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# seg KEY [TEXT]: the segment's text up to its NUL (through shmat, not
# shmtop); with TEXT, write TEXT and a NUL there first.
seg() {
	python3 - "$@" <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
shmid = libc.shmget(int(sys.argv[1], 0), 0, 0)
p = libc.shmat(shmid, None, 0)
if shmid < 0 or p in (None, ctypes.c_void_p(-1).value):
    sys.exit("seg: no segment on " + sys.argv[1])
if len(sys.argv) > 2:
    ctypes.memmove(p, sys.argv[2].encode() + b"\0", len(sys.argv[2]) + 1)
print(ctypes.string_at(p).decode())
libc.shmdt(ctypes.c_void_p(p))
PY
}

# counter KEY: start the classic counter on KEY; sets TPID.
counter() {
	KEYS+=("$1")
	"$TEXT" "$1" &
	TPID=$!
	PIDS+=("$TPID")
	until_ok 5 has_segment "$1" || fail "textcounter on $1 did not start"
}

# graph_max NAME: the max of the history graph's title on the screen.
graph_max() { screen "$1" | sed -n 's/.*history: value  min [0-9]*  max \([0-9]*\).*/\1/p'; }
# near A B: A and B within 1 of each other (read a moment apart).
near() { (($1 - $2 <= 1 && $2 - $1 <= 1)); }

# Live: the screen's value is the segment's number, its rate about 1/s,
# the writer unknown, no controls; the title's shmid is ipcs's.
t_live() {
	local k id v s
	k=$(key 1)
	counter "$k" || return 1
	id=$(shmid "$k")
	view live 100 30 "$SHMTOP -k $k -d 5" || return 1
	see live "RUNNING" || return 1
	see live "shmid $id " || return 1
	see live "writer unknown \\(made by pid $TPID\\)" || return 1
	see live "controls: none \\(a text counter takes no commands\\)" || return 1
	# enough changes for a rate and a period
	see live "rate (0\\.9[0-9]|1\\.[01][0-9])/s" 15 || return 1
	see live "changing about every 1 s" 10 || return 1
	see live "history: value  min [0-9]+  max [0-9]+  1 column = 1 sample" || return 1
	v=$(graph_max live) s=$(seg "$k")
	[[ -n $v ]] && near "$v" "$s" || fail "graph max '$v', the segment '$s'" || return 1
	! shows live "p pause|r reset" || fail "controls offered" || return 1
	# --json, two reads a second apart: the segment's number, counting
	"$SHMTOP" -k "$k" --json -n 2 -d 10 >"$TMP/live.json" || fail "--json exited $?" || return 1
	s=$(seg "$k")
	python3 - "$s" "$TMP/live.json" <<'PY' || fail "JSON: $(cat "$TMP/live.json")" || return 1
import json, sys
now = int(sys.argv[1])
a, b = (json.loads(l) for l in open(sys.argv[2]))
assert a["state"] == b["state"] == "running", (a["state"], b["state"])
assert a["count"] <= b["count"] and abs(b["count"] - now) <= 1, (a["count"], b["count"], now)
for d in (a, b):
    assert d["writer_pid"] is None and d["resets"] is None and d["writer_alive"] is None, d
    assert "counters" not in d and d["busy"] is False
assert a["rate"] is None or 0 <= a["rate"] <= 2, a["rate"]
PY
}

# Killed: STALLED, its last value kept (the segment still says it).
t_stalled() {
	local k last
	k=$(key 2)
	counter "$k" || return 1
	view stall 100 30 "$SHMTOP -k $k -d 5" || return 1
	see stall "RUNNING" || return 1
	sleep 2
	kill "$TPID"
	until_ok 5 gone "$TPID" || fail "textcounter did not exit" || return 1
	last=$(seg "$k")
	see stall "STALLED" 10 || return 1
	see stall "rate 0/s" || return 1
	[[ $(graph_max stall) == "$last" ]] || fail "graph max $(graph_max stall), the segment $last" || return 1
	# a fresh read has seen no change yet: running, its count the segment's
	[[ $("$SHMTOP" -k "$k" --json -n 1 | json_get '(d["count"], d["state"])') == "($last, 'running')" ]] ||
		fail "--json is not the segment's $last" || return 1
}

# Text that stops being a number: foreign, with the reason; a number again
# is read afresh; past UINT64_MAX is refused.
t_not_number() {
	local k
	k=$(key 3)
	KEYS+=("$k")
	python3 -c 'import ctypes, sys; libc = ctypes.CDLL(None); sys.exit(libc.shmget(int(sys.argv[1], 0), 1024, 0o1600) < 0)' "$k" ||
		fail "no segment" || return 1
	seg "$k" 41 >/dev/null
	view odd 100 30 "$SHMTOP -k $k -d 2" || return 1
	see odd "RUNNING|STALLED" || return 1
	seg "$k" "hello" >/dev/null
	see odd "FOREIGN" || return 1
	see odd "holds a segment shmwriter did not make" || return 1
	seg "$k" 7 >/dev/null
	see odd "RUNNING" || return 1
	see odd "history: value  min 7  max 7" || return 1
	seg "$k" 18446744073709551616 >/dev/null # 2^64
	see odd "FOREIGN" || return 1
	see odd "not a text counter: the number overflows" || return 1
	"$SHMTOP" -k "$k" --json -n 1 >"$TMP/big.json"
	[[ $(json_get 'd["state"], d["count"]' <"$TMP/big.json") == "('foreign', None)" ]] ||
		fail "2^64: $(cat "$TMP/big.json")" || return 1
}

run_cases ${CASES:-t_live t_stalled t_not_number}

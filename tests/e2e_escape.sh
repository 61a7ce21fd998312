#!/bin/bash
# SPDX-License-Identifier: MIT
# Nothing from outside reaches a terminal raw (issue 21, point 2): /dev/shm
# names holding each class of control (C0, OSC 0 and OSC 52, DEL, C1 as a
# byte and as U+009B, every bidirectional control, U+2028/U+2029, invalid
# UTF-8, backslash), held by a process whose comm (prctl) holds ESC, BEL,
# U+202E and a raw C1 byte, and a libshmtop publisher whose counters' names
# hold the bidirectional controls and separators, started as a file named
# by that comm, go through every output: -a -b, -a --json, --prometheus
# (--values), -k K -b, -k K --json, and the full screen of the list, an
# object's dashboard and a record's dashboard on a pty of the test's own.
# Each output's BYTES are checked (what tmux renders cannot prove it): valid
# UTF-8 (plain ASCII under LANG=C), no control character but newline in
# text (the screen: none of the planted sequences), and the escapes of
# src/util/escape.h where the text shows.
#
# usage: e2e_escape.sh SHMTOP PUBCOUNTERS
set -u
SHMTOP=$(realpath "$1")
PUB=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
# shellcheck disable=SC2034 # WRITER, RUN: for e2e_lib.sh
WRITER='' RUN=esc$$
HERE=$(dirname "$(realpath "$0")")
# shellcheck source=tests/e2e_lib.sh
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-escape.XXXXXX") || exit 1
[[ -n ${KEEP:-} ]] || CLEANUPS+=("rm -rf '$TMP'")
PREFIX="esc$$-"
# the holder removes its names at SIGTERM; this, if it could not
CLEANUPS+=("rm -f '/dev/shm/$PREFIX'*")

# The planted bytes, shared by the helpers below (Python bytes literals).
cat >"$TMP/planted.py" <<'PY'
import os
PREFIX = os.environ["PREFIX"].encode()
# class -> the bytes of a /dev/shm name (PREFIX + class + "-" + these)
NAMES = {
    "c0": b"\x1b]0;PWNED\x07\x1b[2J",
    "c0end": b"a\x1c\x1d\x1e\x1fb",  # the last C0 bytes; splitlines() splits on three
    "osc52": b"\x1b]52;c;UFdORUQ=\x07",
    "del": b"x\x7fy",
    "c1byte": b"\x9b31m",
    "c1cp": b"\xc2\x9b31m\xc2\x85",
    "bidi1": "\u202a\u202b\u202c\u202d\u202e".encode(),
    "bidi2": "\u2066\u2067\u2068\u2069".encode(),
    "marks": "\u200e\u200f\u061c".encode(),
    "seps": "a\u2028b\u2029c".encode(),
    "bad": b"\xff\xfe\xc0\xaf\xed\xa0\x80",
    "ws": b"a\nb\tc\rd",
    "bs": b"back\\x1b",
    "ok": "café-名前".encode(),
}
# the escaped text each shows (src/util/escape.h), in a UTF-8 locale
SHOWN = {
    "c0": rb"\x1b]0;PWNED\x07\x1b[2J",
    "c0end": rb"a\x1c\x1d\x1e\x1fb",
    "osc52": rb"\x1b]52;c;UFdORUQ=\x07",
    "del": rb"x\x7fy",
    "c1byte": rb"\x9b31m",
    "c1cp": rb"\u009b31m\u0085",
    "bidi1": rb"\u202a\u202b\u202c\u202d\u202e",
    "bidi2": rb"\u2066\u2067\u2068\u2069",
    "marks": rb"\u200e\u200f\u061c",
    "seps": rb"a\u2028b\u2029c",
    "bad": rb"\xff\xfe\xc0\xaf\xed\xa0\x80",
    "ws": rb"a\nb\tc\rd",
    "bs": rb"back\\x1b",
    "ok": "café-名前".encode(),
}
COMM = b"\x1b]0;PW\x07\x1b[2J\xe2\x80\xae\x9b"  # 15 bytes, all comm holds
COMM_SHOWN = rb"\x1b]0;PW\x07\x1b[2J\u202e\x9b"
# the publisher's counter names (tests/pubcounters.c "controls")
COUNTERS = ["lre\u202a-rle\u202b-pdf\u202c", "lro\u202d-rlo\u202e-x",
            "lri\u2066-rli\u2067-fsi\u2068", "pdi\u2069-lrm\u200e-rlm\u200f",
            "alm\u061c-ls\u2028-ps\u2029", "back\\slash"]
COUNTERS_SHOWN = [rb"lre\u202a-rle\u202b-pdf\u202c", rb"lro\u202d-rlo\u202e-x",
                  rb"lri\u2066-rli\u2067-fsi\u2068", rb"pdi\u2069-lrm\u200e-rlm\u200f",
                  rb"alm\u061c-ls\u2028-ps\u2029", rb"back\\slash"]
# what must never be in any output: each planted control, raw
RAW = [b"\x1b]0;PW", b"\x1b]52;", b"\x07", b"\x7f", b"\xc2\x9b", b"\xc2\x85",
       b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xd8\x9c", b"\xe2\x80\x8e", b"\xe2\x80\x8f"] + \
      [chr(c).encode() for c in list(range(0x202a, 0x202f)) + list(range(0x2066, 0x206a))]


def full(cls):
    return PREFIX + cls.encode() + b"-" + NAMES[cls]
PY

# The holder: every planted name made in /dev/shm and mapped, then its
# comm set; "ready" on stdout; removes them on SIGTERM.
cat >"$TMP/holder.py" <<'PY'
import ctypes, mmap, os, signal, sys
sys.path.insert(0, os.path.dirname(__file__))
from planted import NAMES, COMM, full
maps, paths = [], []
for cls in NAMES:
    p = b"/dev/shm/" + full(cls)
    fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    paths.append(p)
    os.ftruncate(fd, 4096)
    maps.append(mmap.mmap(fd, 4096))
    os.close(fd)
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(15, ctypes.c_char_p(COMM), 0, 0, 0) == 0  # PR_SET_NAME
assert open("/proc/self/comm", "rb").read() == COMM + b"\n"
def bye(*_):
    for p in paths:
        os.unlink(p)
    os._exit(0)
signal.signal(signal.SIGTERM, bye)
print("ready", flush=True)
while True:
    signal.pause()
PY

# The byte checks: check.py MODE FILE [EXPECT...] where MODE is text (UTF-8,
# no control but newline), ascii (printable ASCII and newline), screen
# (UTF-8, none of the planted controls) or screen-ascii (7-bit, none of
# them); EXPECT names what must show: a class, "comm" or "counters".
cat >"$TMP/check.py" <<'PY'
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from planted import SHOWN, COMM_SHOWN, COUNTERS_SHOWN, RAW, NAMES
mode, path, expect = sys.argv[1], sys.argv[2], sys.argv[3:]
data = open(path, "rb").read()
CONTROLS = set(range(0, 0x20)) | {0x7f} | set(range(0x80, 0xa0)) | \
    {0x061c, 0x200e, 0x200f, 0x2028, 0x2029} | set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))
def bad(what, at):
    sys.exit("%s at byte %d: %r" % (what, at, data[max(0, at - 30):at + 30]))
if mode in ("ascii", "screen-ascii"):
    for i, b in enumerate(data):
        if b >= 0x80 or (mode == "ascii" and (b < 0x20 and b != 0x0a or b == 0x7f)):
            bad("byte 0x%02x" % b, i)
else:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad("invalid UTF-8 (%s)" % e.reason, e.start)
    if mode == "text":
        for i, c in enumerate(text):
            if ord(c) in CONTROLS and c != "\n":
                bad("U+%04X" % ord(c), len(text[:i].encode()))
for r in RAW:
    if r in data:
        bad("raw %r" % r, data.index(r))
for e in expect:
    if e == "comm":
        want = [COMM_SHOWN]
    elif e == "counters":
        want = COUNTERS_SHOWN
    elif e.startswith("ascii:"):
        cls = e[6:]
        want = ["".join(chr(b) if 0x20 <= b < 0x7f and b != 0x5c else "\\\\" if b == 0x5c
                        else {0x0a: "\\n", 0x09: "\\t", 0x0d: "\\r"}.get(b, "\\x%02x" % b)
                        for b in NAMES[cls]).encode()]
    else:
        want = [SHOWN[e]]
    for w in want:
        if w not in data:
            sys.exit("%s: %r not shown in %s" % (e, w, path))
PY

# onpty.py OUT COLS ROWS KEYS-AFTER EXPECT -- CMD...: CMD on a pty of its own
# (COLS x ROWS), its bytes to OUT; once EXPECT (escaped text, a Python
# bytes literal) has shown, KEYS-AFTER (a bytes literal: keys, then 'q') is
# typed a key at a time, each once the output is quiet; exits 1 when
# EXPECT never shows (30 s: a loaded host).
cat >"$TMP/onpty.py" <<'PY'
import ast, fcntl, os, pty, select, struct, sys, termios, time
out, cols, rows, keys, expect = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    ast.literal_eval(sys.argv[4]), ast.literal_eval(sys.argv[5])
cmd = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execv(cmd[0], cmd)
data = b""
def read(until):
    global data
    while time.monotonic() < until:
        r, _, _ = select.select([fd], [], [], 0.1)
        if not r:
            return True  # quiet
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        data += chunk
    return True
deadline = time.monotonic() + 30
while expect not in data and time.monotonic() < deadline:
    if not read(deadline):
        break
seen = expect in data
for k in keys + b"q":
    read(time.monotonic() + 1)
    os.write(fd, bytes([k]))
    time.sleep(0.3)
end = time.monotonic() + 5
while read(end) and time.monotonic() < end:
    pass
os.kill(pid, 15) if not os.waitpid(pid, os.WNOHANG)[0] else None
open(out, "wb").write(data)
sys.exit(0 if seen else 1)
PY
export PREFIX

python3 "$TMP/holder.py" >"$TMP/holder.out" 2>&1 &
HOLDER=$!
PIDS+=("$HOLDER")
until_ok 10 grep -q '^ready$' "$TMP/holder.out" || {
	echo "holder: $(cat "$TMP/holder.out")"
	exit 1
}
# The publisher, started as a file named by the comm, so that its comm
# (and its command line) is the hostile one.
COMM=$(printf '\033]0;PW\007\033[2J\342\200\256\233')
ln -s "$PUB" "$TMP/$COMM"
K=$(key 1)
KEYS+=("$K")
"$TMP/$COMM" "$K" 7 all controls >"$TMP/pub.out" 2>&1 &
PIDS+=("$!")
until_ok 10 grep -q '^ready$' "$TMP/pub.out" || {
	echo "pubcounters: $(cat "$TMP/pub.out")"
	exit 1
}
CLASSES=(c0 osc52 del c1byte c1cp bidi1 bidi2 marks seps bad ws bs ok)

check() { python3 "$TMP/check.py" "$@"; }

# -a -b: the table, every class and the holder's comm escaped; LANG=C ASCII
t_list_batch() {
	"$SHMTOP" -a -b -n 1 >"$TMP/list.txt" || fail "shmtop -a -b failed" || return 1
	check text "$TMP/list.txt" "${CLASSES[@]}" comm || fail "shmtop -a -b" || return 1
	LC_ALL=C "$SHMTOP" -a -b -n 1 >"$TMP/list.c" || fail "LANG=C shmtop -a -b failed" || return 1
	check ascii "$TMP/list.c" ascii:ok ascii:bidi1 ascii:c1cp || fail "LANG=C shmtop -a -b"
}

# -a --json: valid JSON of raw bytes with no control, the names and comm as
# they are once parsed (invalid bytes as U+FFFD)
t_list_json() {
	"$SHMTOP" -a --json -n 1 >"$TMP/list.json" || fail "shmtop -a --json failed" || return 1
	check text "$TMP/list.json" || fail "shmtop -a --json: raw bytes" || return 1
	python3 - "$TMP/list.json" <<'PY' || fail "shmtop -a --json: values"
import json, os, sys
sys.path.insert(0, os.environ["TMPD"])
from planted import NAMES, COMM, full
rows = json.loads(open(sys.argv[1], "rb").read().decode())["sharedmemory"]
by = {r["name"]: r for r in rows if r.get("name")}
for cls in NAMES:
    name = full(cls).decode("utf-8", "replace")
    assert name in by, (cls, name)
    comms = [h["comm"] for h in by[name]["holders"]]
    assert COMM.decode("utf-8", "replace") in comms, (cls, comms)
PY
}

# --prometheus and --prometheus --values: valid by prom_check.py, no raw
# control; a label value is the escaped text (its backslashes doubled)
t_prom() {
	"$SHMTOP" --prometheus -n 1 >"$TMP/prom" || fail "shmtop --prometheus failed" || return 1
	python3 "$HERE/prom_check.py" "$TMP/prom" >/dev/null || fail "prom_check.py" || return 1
	check text "$TMP/prom" || fail "shmtop --prometheus: raw bytes" || return 1
	grep -qF "name=\"${PREFIX}c0-\\\\x1b]0;PWNED\\\\x07\\\\x1b[2J\"" "$TMP/prom" ||
		fail "the c0 name's label" || return 1
	grep -qF "name=\"${PREFIX}bidi1-\\\\u202a\\\\u202b\\\\u202c\\\\u202d\\\\u202e\"" "$TMP/prom" ||
		fail "the bidi name's label" || return 1
	"$SHMTOP" --prometheus --values -n 1 >"$TMP/promv" ||
		fail "shmtop --prometheus --values failed" || return 1
	python3 "$HERE/prom_check.py" "$TMP/promv" >/dev/null || fail "prom_check.py --values" || return 1
	check text "$TMP/promv" || fail "shmtop --prometheus --values: raw bytes" || return 1
	grep -qF 'counter="lro\\u202d-rlo\\u202e-x"' "$TMP/promv" || fail "the counter's label"
}

# -k K -b: the writer's comm, the counters' names; LANG=C and --ascii:
# ASCII
t_record_batch() {
	"$SHMTOP" -k "$K" -b -n 1 >"$TMP/rec.txt" || fail "shmtop -k -b failed" || return 1
	check text "$TMP/rec.txt" comm counters || fail "shmtop -k -b" || return 1
	LC_ALL=C "$SHMTOP" -k "$K" -b -n 1 >"$TMP/rec.c" || fail "LANG=C shmtop -k -b" || return 1
	check ascii "$TMP/rec.c" || fail "LANG=C shmtop -k -b" || return 1
	"$SHMTOP" --ascii -k "$K" -b -n 1 >"$TMP/rec.a" || fail "shmtop --ascii -k -b" || return 1
	check ascii "$TMP/rec.a" || fail "shmtop --ascii -k -b"
}

# -k K --json: no raw control, the names as they are once parsed
t_record_json() {
	"$SHMTOP" -k "$K" --json -n 1 >"$TMP/rec.json" || fail "shmtop -k --json failed" || return 1
	check text "$TMP/rec.json" || fail "shmtop -k --json: raw bytes" || return 1
	python3 - "$TMP/rec.json" <<'PY' || fail "shmtop -k --json: values"
import json, os, sys
sys.path.insert(0, os.environ["TMPD"])
from planted import COUNTERS, COMM
r = json.loads(open(sys.argv[1], "rb").read().decode().split("\n")[0])
names = [c["name"] for c in r["counters"]]
assert names[:len(COUNTERS)] == COUNTERS, names
assert r["writer_command"] == COMM.decode("utf-8", "replace"), r["writer_command"]
PY
}

# The screen on a pty: the list (filtered to the planted names), then Enter
# on its first row (an object's dashboard), q back, q; a record's
# dashboard.  In C.UTF-8, in C, and with --ascii in C.UTF-8 (ASCII only).
t_screen() {
	local v loc mode shown ascii
	for v in utf8 c ascii; do
		loc=C.UTF-8 mode=screen shown="b'lro\\\\u202d'" ascii=()
		[[ $v != utf8 ]] && mode=screen-ascii shown="b'lro\\\\xe2\\\\x80\\\\xad'"
		[[ $v == c ]] && loc=C
		[[ $v == ascii ]] && ascii=(--ascii)
		LC_ALL=$loc python3 "$TMP/onpty.py" "$TMP/scr.list.$v" 200 60 'b"\rq"' \
			"b'${PREFIX}bs-back'" -- "$SHMTOP" "${ascii[@]}" -a -F "$PREFIX" ||
			fail "$v: the list never showed the names" || return 1
		check "$mode" "$TMP/scr.list.$v" || fail "$v: shmtop -a on a pty" || return 1
		LC_ALL=$loc python3 "$TMP/onpty.py" "$TMP/scr.rec.$v" 200 60 'b""' \
			"$shown" -- "$SHMTOP" "${ascii[@]}" -k "$K" ||
			fail "$v: the dashboard never showed the names" || return 1
		check "$mode" "$TMP/scr.rec.$v" || fail "$v: shmtop -k on a pty" || return 1
	done
	# what the UTF-8 screens show: the escapes (of the names that fit the
	# list's 40 cells)
	check screen "$TMP/scr.list.utf8" c0 seps marks ws bs comm ||
		fail "the list's escapes" || return 1
	check screen "$TMP/scr.rec.utf8" counters || fail "the dashboard's escapes"
}

export TMPD=$TMP
run_cases t_list_batch t_list_json t_prom t_record_batch t_record_json t_screen

#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop's MMV reader against PCP's own producer (issue 24, point 5):
# tests/mmv_producer.py writes, through libpcp_mmv (python3-pcp), an MMV
# file of each version (1 through pcp.mmv, 2 and 3 through the registry
# API) into a PCP_TMP_DIR of the test's own (no /var/lib/pcp), with an
# instance domain, every type and semantics, units and help, and changes
# its values every 10 ms for 2 s; tests/dump_mmv reads it all that time
# (every read consistent, none refused); then the producer stops changing
# the values and prints them, and the dump is compared (tests/mmv_check.py)
# with what it set and with PCP's mmvdump of the same file, and so are
# `shmtop FILE --json` (values, kinds by semantics, units, help) and
# `shmtop FILE --prometheus` (through prometheus_client's parser; exit 0 of
# both, 3 once the file is gone).  The producer
# alive then killed: the PROCESS flag's pid alive, then dead.  The
# producer making its file anew every 50 ms while it is read: whole reads
# or "not there yet", never a damaged one.  Then files that are not to be
# read: a symbolic link, a FIFO (no hang), a file cut short, one of 65 MiB;
# an instance name of terminal controls shown escaped; a file cut and
# rewritten in place under the reads (SIGBUS ends a read, not the reader).
#
# mmvdump is in Debian's pcp package, which does not configure without
# systemd: it is taken from `apt-get download pcp` unpacked with dpkg -x
# when it is not installed.
#
# usage: e2e_mmv.sh DUMP_MMV SHMTOP
set -u
DUMP=$(realpath "$1")
SHMTOP=$(realpath "$2")
HERE=$(dirname "$(realpath "$0")")
PY=/usr/bin/python3 # Debian's, where python3-pcp is
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok: $*"; }

if ! $PY -c 'import pcp.mmv' 2>/dev/null; then
	echo "FAIL: python3-pcp is not installed (./run.sh test installs it)"
	exit 1
fi

mmvdump=""
for m in "$(command -v mmvdump)" /usr/lib/pcp/pmdas/mmv/mmvdump /var/lib/pcp/pmdas/mmv/mmvdump; do
	[[ -n $m && -x $m ]] && mmvdump=$m && break
done
if [[ -z $mmvdump ]]; then
	mkdir "$TMP/pcpdeb"
	# lists older than the archive: updated once (as root) and tried again
	if (cd "$TMP/pcpdeb" && { apt-get download pcp >/dev/null 2>&1 ||
		{ [[ $(id -u) == 0 ]] && apt-get update -qq >/dev/null 2>&1 &&
			apt-get download pcp >/dev/null 2>&1; }; } && dpkg -x pcp_*.deb x); then
		mmvdump=$TMP/pcpdeb/x/usr/lib/pcp/pmdas/mmv/mmvdump
	fi
fi
if [[ ! -x $mmvdump ]]; then
	echo "FAIL: no mmvdump (not installed, and apt-get download pcp failed)"
	exit 1
fi
echo "mmvdump: $mmvdump"

export PCP_TMP_DIR=$TMP/pcp
mkdir -p "$PCP_TMP_DIR/mmv"

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS >= end)) && return 1
		sleep 0.05
	done
}

for v in v1 v2 v3; do
	f=$PCP_TMP_DIR/mmv/acme$v
	$PY "$HERE/mmv_producer.py" "acme$v" $v 2 >"$TMP/set.$v" 2>"$TMP/err.$v" &
	pid=$!
	PIDS+=("$pid")
	wait_for 20 test -s "$f" || fail "$v: the producer made no file: $(cat "$TMP/err.$v")"
	# read while the values change: every read consistent
	reads=0 refused=0
	while [[ ! -s $TMP/set.$v ]] && kill -0 "$pid" 2>/dev/null; do
		if "$DUMP" "$f" >"$TMP/live.$v" 2>"$TMP/why.$v"; then
			reads=$((reads + 1))
			[[ $(grep -c -v '^#' "$TMP/live.$v") == 16 ]] ||
				fail "$v: a read under updates has $(grep -c -v '^#' "$TMP/live.$v") values"
		else
			refused=$((refused + 1))
			cat "$TMP/why.$v"
		fi
	done
	((reads > 0 && refused == 0)) && ok "$v: $reads reads while the values changed, 0 refused" ||
		fail "$v: $reads reads under updates, $refused refused"
	wait_for 20 grep -q '^value' "$TMP/set.$v" || fail "$v: the producer printed nothing"
	"$DUMP" "$f" >"$TMP/dump.$v" 2>&1 || fail "$v: dump_mmv: $(cat "$TMP/dump.$v")"
	"$mmvdump" "$f" >"$TMP/mmvdump.$v" 2>&1 || fail "$v: mmvdump failed: $(head -3 "$TMP/mmvdump.$v")"
	"$SHMTOP" "$f" --json -n 1 >"$TMP/json.$v" || fail "$v: shmtop --json: exit $?"
	"$SHMTOP" "$f" --prometheus >"$TMP/prom.$v" || fail "$v: shmtop --prometheus: exit $?"
	if $PY "$HERE/mmv_check.py" "$TMP/set.$v" "$TMP/dump.$v" "$TMP/mmvdump.$v" \
		"$TMP/json.$v" "$TMP/prom.$v"; then
		ok "$v: the dump and shmtop's outputs equal what the producer set and mmvdump"
	else
		fail "$v: the dump differs"
		cat "$TMP/dump.$v"
	fi
	n=${v#v}
	head -1 "$TMP/dump.$v" | grep -q "^# mmv version $n .* flags process pid $pid alive$" &&
		ok "$v: version $n, the producer's pid $pid alive" ||
		fail "$v: header $(head -1 "$TMP/dump.$v"), want version $n pid $pid alive"
	if [[ $v == v3 ]]; then
		grep -qx '# label {"site":"acme"}' "$TMP/dump.$v" && ok "v3: its label" ||
			fail "v3: no label in the dump"
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null
	"$DUMP" "$f" | head -1 | grep -q "pid $pid dead$" && ok "$v: killed, its pid dead" ||
		fail "$v: killed producer not shown dead"
	"$SHMTOP" "$f" --json -n 1 | $PY -c 'import json,sys; d=json.load(sys.stdin); sys.exit(not (d["writer_pid"] == int(sys.argv[1]) and d["writer_alive"] is False))' "$pid" &&
		ok "$v: shmtop --json: writer_pid $pid, not alive" || fail "$v: --json's writer of the killed producer"
done

# shmtop FILE -b of a file removed while it is watched: its counters
# first, then exit 3 (absent), as a segment removed
f=$PCP_TMP_DIR/mmv/acmev2
cp "$f" "$TMP/gone.mmv"
"$SHMTOP" "$TMP/gone.mmv" -b -n 3 -d 5 >"$TMP/gone.out" 2>&1 &
gone=$!
sleep 0.2
rm "$TMP/gone.mmv"
wait "$gone"
rc=$?
if ((rc == 3)) && grep -q '^counters: 16' "$TMP/gone.out"; then
	ok "shmtop FILE -b: its 16 counters, exit 3 once the file is removed"
else
	fail "shmtop FILE -b of a removed file: exit $rc, $(head -c 600 "$TMP/gone.out")"
fi

# The producer making its file again and again (every 50 ms, as a restart
# does: unlinked, created, g1 written, the layout, then g2): every read is
# a whole file of 16 values, after retries when it met one in flux, or a
# refusal saying the file is not there yet, never a damaged or partial one.
for v in v1 v2; do
	f=$PCP_TMP_DIR/mmv/remake$v
	$PY "$HERE/mmv_producer.py" "remake$v" $v 3 remake >"$TMP/set.r$v" 2>"$TMP/err.r$v" &
	pid=$!
	PIDS+=("$pid")
	wait_for 20 test -s "$f" || fail "remake $v: no file: $(cat "$TMP/err.r$v")"
	whole=0 retried=0 absent=0 bad=0
	while [[ ! -s $TMP/set.r$v ]] && kill -0 "$pid" 2>/dev/null; do
		if "$DUMP" "$f" >"$TMP/live.r$v" 2>"$TMP/why.r$v"; then
			if [[ $(grep -c -v '^#' "$TMP/live.r$v") == 16 ]]; then
				whole=$((whole + 1))
				grep -q '^# reads 1$' "$TMP/live.r$v" || retried=$((retried + 1))
			else
				bad=$((bad + 1))
			fi
		elif grep -q "No such file\|not a regular file of 1 byte\|no MMV magic\|in flux\|generation 0" "$TMP/why.r$v"; then
			absent=$((absent + 1))
		else
			bad=$((bad + 1))
			cat "$TMP/why.r$v"
		fi
	done
	kill "$pid"
	wait "$pid" 2>/dev/null
	((whole > 0 && bad == 0)) &&
		ok "remake $v: $whole whole reads ($retried after meeting it in flux), $absent while it was not there yet, 0 damaged" ||
		fail "remake $v: $whole whole, $bad damaged or partial, $absent absent"
done

# files not to read, each refused with a reason and quickly
good=$PCP_TMP_DIR/mmv/acmev2
refuse() { # NAME FILE PATTERN
	local out
	out=$(timeout 5 "$DUMP" "$2" 2>&1)
	local rc=$?
	if ((rc == 1)) && grep -q "$3" <<<"$out"; then
		ok "$1 refused: $out"
	else
		fail "$1: exit $rc, $out"
	fi
}
ln -s "$good" "$TMP/link"
refuse "a symbolic link" "$TMP/link" "Too many levels of symbolic links\|symbolic"
mkfifo "$TMP/fifo"
refuse "a FIFO" "$TMP/fifo" "not a regular file"
head -c 3000 "$good" >"$TMP/short"
refuse "a file cut short" "$TMP/short" "past the end\|not a string"
truncate -s 65M "$TMP/huge"
refuse "a file of 65 MiB" "$TMP/huge" "not a regular file of 1 byte to 64 MiB"

# names with terminal controls (the instance's name, in its string of the
# strings section, rewritten): read, and shown escaped, no control byte out
$PY - "$good" "$TMP/controls" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
tocs = struct.unpack_from("i", b, 24)[0]
for i in range(tocs):
    t, n, off = struct.unpack_from("iiQ", b, 40 + 16 * i)
    if t == 5:  # strings: the first is instance 0's name
        name = b"\x1b]0;owned\x07\x1b[2J\r\xc2\x9b1m\xe2\x80\xae"
        b[off:off + 256] = name + bytes(256 - len(name))
open(sys.argv[2], "wb").write(b)
PY
if "$DUMP" "$TMP/controls" >"$TMP/dump.controls" 2>&1 &&
	grep -q 'x1b\]0;owned\\x07\\x1b\[2J\\r\\u009b1m\\u202e' "$TMP/dump.controls" &&
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$TMP/dump.controls"; then
	ok "an instance name of terminal controls shown escaped: $(grep -m1 -o 'anvils\|\\x1b[^	]*' "$TMP/dump.controls")"
else
	fail "controls in a name: $(head -3 "$TMP/dump.controls")"
fi

# a file cut short and written again in place while it is read: the copy
# out of the mapping meets a SIGBUS past the new end, which ends the read
# with a reason, never the reader
cp "$good" "$TMP/shrink"
(
	end=$((SECONDS + 3))
	while ((SECONDS < end)); do
		truncate -s 100 "$TMP/shrink"
		cat "$good" >"$TMP/shrink"
	done
) &
shrinker=$!
PIDS+=("$shrinker")
declare -A rcs=()
shrank=0
while kill -0 "$shrinker" 2>/dev/null; do
	"$DUMP" "$TMP/shrink" >/dev/null 2>"$TMP/why.shrink"
	rc=$?
	rcs[$rc]=$((${rcs[$rc]:-0} + 1))
	grep -q "shrank" "$TMP/why.shrink" && shrank=$((shrank + 1))
done
summary=$(for rc in "${!rcs[@]}"; do echo -n "exit $rc: ${rcs[$rc]}, "; done)
if [[ -z ${rcs[*]} ]] || [[ -n $(for rc in "${!rcs[@]}"; do ((rc > 1)) && echo x; done) ]]; then
	fail "reads of a file cut under them: $summary"
else
	ok "reads of a file cut under them: ${summary}$shrank ended by SIGBUS (the file shrank)"
fi

if ((fails)); then
	echo "e2e_mmv: $fails failures"
	exit 1
fi
echo "e2e_mmv: all passed"

#!/bin/bash
# SPDX-License-Identifier: MIT
# Every segment on the host, end to end: segments of two owners, several
# modes and every status (locked, dest, dest and locked, private) are made
# with tests/shmseg; shmtop's reader must show them exactly as
# /proc/sysvipc/shm, `ipcs -m`, `ipcs -m -p` and `ipcs -m -i` do (the
# number of segments and every field), and --check's comparison with
# IPC_STAT must find no difference.  Also prints the time to read 1,000
# segments.  Needs root (SHM_LOCK, useradd); exits 77 (skip) otherwise.
#
#   e2e_segments.sh SHMSEG [SHMTOP]   (with SHMTOP, also its -a, --json,
#                                      --prometheus and --check output)
set -u
SHMSEG=${1:?usage: e2e_segments.sh SHMSEG [SHMTOP]}
SHMTOP=${2:-}
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v ipcs >/dev/null; then
	echo "SKIP: needs root, useradd and ipcs"
	exit 77
fi
RUN=segs$$
. "$(dirname "$0")/e2e_lib.sh"
# The user runs shmseg: a copy it can reach (the build may sit in a 0700 home)
stage SHMSEG || { echo "cannot stage $SHMSEG"; exit 1; }

TMP=$(mktemp -d /tmp/e2e_segments.XXXXXX)
USER_NAME=shmseg$$
IDS=()
EXTRA=()
HOLDERS=()
fails=0

cleanup() {
	local p id
	for p in "${HOLDERS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${HOLDERS[@]}"; do wait "$p" 2>/dev/null; done
	for id in "${IDS[@]}" "${EXTRA[@]}"; do ipcrm -m "$id" 2>/dev/null; done
	if id "$USER_NAME" >/dev/null 2>&1; then userdel "$USER_NAME" 2>/dev/null; fi
	rm -rf "$TMP"
}
CLEANUPS+=(cleanup)

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# create KEY SIZE MODE [user]: the shmid in LAST
create() {
	local id
	LAST=
	if [ -n "${4:-}" ]; then
		id=$(runuser -u "$4" -- "$SHMSEG" create "$1" "$2" "$3") || return 1
	else
		id=$("$SHMSEG" create "$1" "$2" "$3") || return 1
	fi
	[ -n "$id" ] || return 1
	IDS+=("$id")
	LAST=$id
}

# hold ID ro|rw [user]: an attached process, tracked by pid
hold() {
	local out=$TMP/hold.${#HOLDERS[@]} deadline=$((SECONDS + 5))
	if [ -n "${3:-}" ]; then
		runuser -u "$3" -- "$SHMSEG" hold "$1" "$2" >"$out" 2>>"$TMP/holders.err" &
	else
		"$SHMSEG" hold "$1" "$2" >"$out" &
	fi
	HOLDERS+=("$!")
	until grep -q ready "$out" 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || { fail "holder of $1 never attached"; return 1; }
		sleep 0.02
	done
}

useradd -M -N "$USER_NAME" || { echo "useradd failed"; exit 1; }

# The segments: owners root and the user, modes 600/644/640/666/400, and
# statuses -, locked, dest, dest+locked, plus a private one (key 0).
create "$(key 1)" 16640 0600 || fail "create plain"
s_plain=$LAST
create "$(key 2)" 4096 0644 || fail "create locked"
s_locked=$LAST
"$SHMSEG" lock "$s_locked" || fail "SHM_LOCK"
create "$(key 3)" 1000 0640 "$USER_NAME" || fail "create as $USER_NAME"
s_user=$LAST
create "$(key 4)" 8192 0600 "$USER_NAME" || fail "create dest as $USER_NAME"
s_udest=$LAST
hold "$s_udest" rw "$USER_NAME"
runuser -u "$USER_NAME" -- "$SHMSEG" rm "$s_udest" || fail "IPC_RMID as $USER_NAME"
create "$(key 5)" 100000 0666 || fail "create shared"
s_three=$LAST
hold "$s_three" rw
hold "$s_three" ro
hold "$s_three" rw "$USER_NAME"
create "$(key 6)" 65536 0400 || fail "create dest+locked"
s_both=$LAST
"$SHMSEG" lock "$s_both" || fail "SHM_LOCK 2"
hold "$s_both" ro
"$SHMSEG" rm "$s_both" || fail "IPC_RMID"
create 0 4097 0600 || fail "create private"
s_priv=$LAST
MINE=("$s_plain" "$s_locked" "$s_user" "$s_udest" "$s_three" "$s_both" "$s_priv")
echo "segments: ${MINE[*]}"

# only_mine COLUMN: the lines whose COLUMN-th field is one of our shmids
only_mine() {
	awk -v col="$1" -v ids=" ${MINE[*]} " 'index(ids, " " $col " ") > 0'
}

# settled CMD...: CMD (two reads, then a diff of them) until it finds no
# difference, 5 times at most; the last differences shown.  Another program
# attaching a segment of ours between the two reads (a viewer of every
# segment does) moves its atime, lpid and rss; a fault of the reader would
# not come and go.
settled() {
	local i
	for i in 1 2 3 4 5; do
		"$@" >"$TMP/diff" && return 0
		sleep 0.2
	done
	cat "$TMP/diff"
	return 1
}

# 1. The reader against /proc/sysvipc/shm: every field, single-spaced.
rows_vs_proc() {
	"$SHMSEG" rows | only_mine 2 | sort >"$TMP/rows"
	awk 'NR > 1 { $1 = $1; print }' /proc/sysvipc/shm | only_mine 2 | sort >"$TMP/proc"
	diff -u "$TMP/proc" "$TMP/rows"
}
settled rows_vs_proc || fail "reader differs from /proc/sysvipc/shm"
n=$(wc -l <"$TMP/rows")
[ "$n" = 7 ] || fail "reader shows $n of our 7 segments"
[ "$(wc -l <"$TMP/proc")" = 7 ] || fail "/proc shows $(wc -l <"$TMP/proc") of our 7 segments"
# the statuses really are there: perms of dest, locked and both
grep -q "^[-0-9]* $s_udest 1600 " "$TMP/rows" || fail "dest segment not 1600"
grep -q "^[-0-9]* $s_locked 2644 " "$TMP/rows" || fail "locked segment not 2644"
grep -q "^[-0-9]* $s_both 3400 " "$TMP/rows" || fail "dest+locked segment not 3400"
grep -q "^0 $s_priv 600 4097 " "$TMP/rows" || fail "private segment not key 0"
grep -q "^0 $s_udest " "$TMP/rows" || fail "dest segment's key not 0"
awk -v id="$s_three" '$2 == id && $7 != 3 { exit 1 }' "$TMP/rows" || fail "nattch of shared not 3"
uid=$(id -u "$USER_NAME")
awk -v id="$s_user" -v uid="$uid" '$2 == id && ($8 != uid || $10 != uid) { exit 1 }' \
	"$TMP/rows" || fail "owner of the user's segment"

# 2. Against ipcs -m, -m -p and -m -i (every field, times as ipcs prints them).
ipcs_m() {
	ipcs -m | awk 'NF >= 6 && $1 ~ /^0x/ { $1 = $1; print }' | only_mine 2 | sort >"$TMP/ipcs"
	"$SHMSEG" ipcs-m | only_mine 2 | sort >"$TMP/ours"
	diff -u "$TMP/ipcs" "$TMP/ours"
}
settled ipcs_m || fail "ipcs -m differs"
[ "$(wc -l <"$TMP/ipcs")" = 7 ] || fail "ipcs -m shows $(wc -l <"$TMP/ipcs") of our 7"
ipcs_p() {
	ipcs -m -p | awk 'NF == 4 && $1 ~ /^[0-9]+$/ { $1 = $1; print }' | only_mine 1 | sort \
		>"$TMP/ipcsp"
	"$SHMSEG" ipcs-p | only_mine 1 | sort >"$TMP/oursp"
	diff -u "$TMP/ipcsp" "$TMP/oursp"
}
settled ipcs_p || fail "ipcs -m -p differs"
[ "$(wc -l <"$TMP/ipcsp")" = 7 ] || fail "ipcs -m -p shows $(wc -l <"$TMP/ipcsp") of our 7"
ipcs_i() { diff -u <(ipcs -m -i "$1") <("$SHMSEG" ipcs-i "$1"); }
for id in "${MINE[@]}"; do
	settled ipcs_i "$id" || fail "ipcs -m -i $id differs"
done

# 3. --check: IPC_STAT against /proc, clean on this healthy host; and as
# the user, who may IPC_STAT only some of them (SHM_STAT_ANY for the rest).
"$SHMSEG" check >"$TMP/check" || { cat "$TMP/check"; fail "check found differences"; }
grep -q ': 0 differences$' "$TMP/check" || fail "check: no summary"
cat "$TMP/check" | tail -1
runuser -u "$USER_NAME" -- "$SHMSEG" check >"$TMP/check.user" ||
	{ cat "$TMP/check.user"; fail "check as $USER_NAME found differences"; }
tail -1 "$TMP/check.user"

# 3b. The shmtop program itself, on the same host: a JSON row per segment,
# every one of ours in the table, a Prometheus series per segment, a clean
# --check.  Other segments may come and go meanwhile (other tests, other
# programs): every segment in /proc both before and after a run (so present
# throughout) must be in its output, each once, and ours with their fields.
shmids() { awk 'NR > 1 { print $2 }' /proc/sysvipc/shm | sort; }
# stable_during CMD...: run CMD into $TMP/out; the shmids present all along
# into $TMP/stable
stable_during() {
	shmids >"$TMP/before"
	"$@" >"$TMP/out"
	local rc=$?
	shmids | comm -12 "$TMP/before" - >"$TMP/stable"
	return $rc
}
if [ -n "$SHMTOP" ]; then
	stable_during "$SHMTOP" -a --json -n 1 || fail "shmtop -a --json failed"
	python3 - "$TMP/out" "$TMP/stable" "$TMP/rows" <<'PY' || fail "shmtop -a --json"
import json, sys
# The list is one JSON document, valid UTF-8 whatever bytes a command holds.
rows = json.loads(open(sys.argv[1], "rb").read().decode())["sharedmemory"]
# the SysV segments of this IPC namespace (other kinds have no id)
rows = [r for r in rows if r["kind"] == "sysv" and r.get("ipcns") is None]
ids = [r["id"] for r in rows]
assert len(ids) == len(set(ids)), "a segment printed twice"
stable = {int(l) for l in open(sys.argv[2])}
assert stable <= set(ids), f"missing: {sorted(stable - set(ids))}"
# ours, against the reader's rows (key shmid perms size cpid lpid nattch uid ...)
by_id = {i: r for i, r in zip(ids, rows)}
for line in open(sys.argv[3]):
    key, shmid, perms, size, cpid, lpid, nattch = (int(x) for x in line.split()[:7])
    r = by_id[shmid]
    assert int(r["key"], 16) == key % (1 << 32) and r["nattch"] == nattch, (line, r)
    assert r["cpid"] == cpid and r["size"] == size, (line, r)
print(f"    shmtop -a --json: {len(rows)} rows, the {len(stable)} segments present throughout"
      " among them")
PY
	stable_during "$SHMTOP" -a -b -n 1 --sort shmid || fail "shmtop -a -b failed"
	awk '$2 ~ /^[0-9]+$/ { print $2 }' "$TMP/out" | sort >"$TMP/table"
	[ -z "$(comm -23 "$TMP/stable" "$TMP/table")" ] ||
		fail "shmtop -a -b lacks shmids $(comm -23 "$TMP/stable" "$TMP/table" | tr '\n' ' ')"
	for id in "${MINE[@]}"; do
		grep -qx "$id" "$TMP/table" || fail "shmtop -a -b lacks shmid $id"
	done
	stable_during "$SHMTOP" --prometheus -n 1 || fail "shmtop --prometheus failed"
	python3 - "$TMP/out" "$TMP/stable" <<'PY' || fail "shmtop --prometheus"
import re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
label = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')
series, count = {}, None
for line in open(sys.argv[1], newline="").read().split("\n"):
    if not line or line.startswith("#"):
        continue
    m = sample.match(line)
    assert m, f"not a sample: {line!r}"
    name, labels, value = m.group(1), dict(label.findall(m.group(3) or "")), float(m.group(4))
    if name == "shmtop_segments":
        count = value
    if "shmid" in labels and name.startswith("shmtop_segment_"):
        series.setdefault(name, set()).add(int(labels["shmid"]))
stable = {int(l) for l in open(sys.argv[2])}
assert count is not None and count >= len(stable), (count, len(stable))
assert series, "no per-segment series"
for name, ids in series.items():
    assert stable <= ids, f"{name} lacks {sorted(stable - ids)}"
PY
	"$SHMTOP" --check >"$TMP/check.shmtop" || { cat "$TMP/check.shmtop"; fail "shmtop --check"; }
	tail -1 "$TMP/check.shmtop"
fi

# 4. The figure: read 1,000 segments (ours, 1000 more, removed after).
"$SHMSEG" create 0 64 0600 1000 >"$TMP/extra" || fail "create the 1000 extra"
mapfile -t EXTRA <"$TMP/extra" # what was made, for the cleanup, whatever failed
[ ${#EXTRA[@]} -eq 1000 ] || fail "made ${#EXTRA[@]} of the 1000 extra"
"$SHMSEG" time 200
"$SHMSEG" check | tail -1
[ ${#EXTRA[@]} -eq 0 ] || ipcrm $(printf -- '-m %s ' "${EXTRA[@]}")
EXTRA=()

if [ "$fails" -gt 0 ]; then
	echo "e2e_segments: $fails failures"
	exit 1
fi
echo "e2e_segments: all passed"

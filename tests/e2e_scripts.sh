#!/bin/bash
# SPDX-License-Identifier: MIT
# The script outputs (issue 23), with real objects: a libshmtop publisher
# (tests/pubcounters), a POSIX object named RUN-sysv (so that -F sysv
# matches it and -t sysv does not) and a memfd object, held by python3:
#   - --json is JSON Lines in every mode: -a --json -n 2 and -k --json -n 2
#     are exactly 2 lines, each parsed by json.loads, the list's rows with
#     lsipc -m --json's key names;
#   - -t KINDS selects kinds exactly in -a -b, -a --json, --prometheus and
#     on screen (tmux); an unknown kind exits 2 with one line;
#   - --raw and --noheadings keep every row's fields: awk '{print $2}' is
#     the shmid of a SysV row and "-" for the others; with --raw every
#     row of the host has one field a column (a blank in a name is \x20);
#   - --no-color and --ascii are accepted in every mode;
#   - --prometheus -k/-i: that segment's families, object line and
#     counters alone (tests/prom_check.py), exit 3 for no segment;
#   - in a locale whose decimal point is a comma (de_DE, made here with
#     localedef), --json still parses and --prometheus still checks: numbers
#     are written as the formats say, whatever LC_NUMERIC.
#
# usage: e2e_scripts.sh SHMTOP PUBCOUNTERS
set -u
SHMTOP=$(realpath "$1")
PUB=$(realpath "$2")
WRITER=/bin/false
HERE=$(dirname "$(realpath "$0")")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR
[[ -d /dev/shm && -w /dev/shm ]] || { echo "SKIP: no writable /dev/shm"; exit 77; }
for tool in python3 tmux; do
	command -v $tool >/dev/null || { echo "SKIP: no $tool"; exit 77; }
done
RUN=scripts$$
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'" "rm -f /dev/shm/$RUN*")

K=$(key 1)
KEYS+=("$K")
"$PUB" "$K" 3 >"$TMP/pub" 2>&1 &
PIDS+=("$!")
until_ok 10 grep -q '^ready$' "$TMP/pub" || { echo "FAIL: pubcounters: $(cat "$TMP/pub")"; exit 1; }
ID=$(shmid "$K")
# python3 hold: a POSIX object RUN-sysv and a memfd object RUN-memfd, mapped
cat >"$TMP/hold.py" <<'PY'
import mmap, os, signal, sys
run = sys.argv[1]
fd = os.open("/dev/shm/" + run + "-sysv", os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
os.ftruncate(fd, 8192)
a = mmap.mmap(fd, 8192)
sp = os.open("/dev/shm/" + run + "-sp ace", os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
os.ftruncate(sp, 4096)
c = mmap.mmap(sp, 4096)
m = os.memfd_create(run + "-memfd")
os.ftruncate(m, 4096)
b = mmap.mmap(m, 4096)
open(sys.argv[2], "w").write("ready\n")
signal.pause()
PY
python3 "$TMP/hold.py" "$RUN" "$TMP/ready" &
PIDS+=("$!")
until_ok 10 test -s "$TMP/ready" || { echo "FAIL: the holder did not start"; exit 1; }

# rows: every JSON line of stdin parsed alone; prints "kind name-or-id" a row.
# (a name's controls escaped, one row a line: another test on the host may
# hold a /dev/shm name with a newline in it)
ROWS='import json, sys
lines = sys.stdin.read().split("\n")
assert lines[-1] == "", "no newline at the end"
for l in lines[:-1]:
    for r in json.loads(l)["sharedmemory"]:
        name = str(r["name"]).encode("unicode_escape").decode("ascii")
        print(r["kind"], name if r["kind"] != "sysv" else r["id"])'

json_lines() {
	local n
	"$SHMTOP" -a --json -n 2 -d 1 >"$TMP/list.json" || fail "-a --json exit $?" || return 1
	n=$(wc -l <"$TMP/list.json")
	((n == 2)) || fail "-a --json -n 2: $n lines, want 2" || return 1
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert list(d) == ["sharedmemory"] and d["sharedmemory"], d.keys()' "$TMP/list.json" ||
		fail "a line of -a --json is no document" || return 1
	# lsipc's key names: every key of lsipc -m --json's rows is a key of ours
	if command -v lsipc >/dev/null && lsipc -m --json >"$TMP/lsipc.json" 2>/dev/null; then
		python3 -c 'import json, sys
ls = json.load(open(sys.argv[1]))["sharedmemory"]
ours = json.loads(open(sys.argv[2]).readline())["sharedmemory"]
want = set(ls[0]) if ls else set()
got = set(ours[0])
assert want <= got, want - got' "$TMP/lsipc.json" "$TMP/list.json" ||
			fail "keys not lsipc's" || return 1
	fi
	"$SHMTOP" -k "$K" --json -n 2 -d 1 >"$TMP/seg.json" || fail "-k --json exit $?" || return 1
	n=$(wc -l <"$TMP/seg.json")
	((n == 2)) || fail "-k --json -n 2: $n lines" || return 1
	python3 -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)["counters"]' "$TMP/seg.json" || fail "-k --json lines"
}

kinds() {
	local out rc
	"$SHMTOP" -a --json -n 1 -F sysv | python3 -c "$ROWS" >"$TMP/F" || fail "-F sysv" || return 1
	grep -qx "posix $RUN-sysv" "$TMP/F" || fail "-F sysv does not match the POSIX $RUN-sysv" || return 1
	"$SHMTOP" -a --json -n 1 -t sysv | python3 -c "$ROWS" >"$TMP/t" || fail "-t sysv" || return 1
	grep -qx "sysv $ID" "$TMP/t" || fail "-t sysv lacks shmid $ID" || return 1
	grep -v '^sysv ' "$TMP/t" | grep . && { fail "-t sysv lists other kinds (above)"; return 1; }
	"$SHMTOP" -a --json -n 1 -t POSIX,memfd | python3 -c "$ROWS" >"$TMP/pm" || fail "-t posix,memfd" || return 1
	grep -qx "posix $RUN-sysv" "$TMP/pm" && grep -q "^memfd $RUN-memfd" "$TMP/pm" ||
		fail "-t posix,memfd: $(grep "$RUN" "$TMP/pm")" || return 1
	grep -Ev '^(posix|memfd) ' "$TMP/pm" | grep . && { fail "-t posix,memfd lists others"; return 1; }
	# -a -b: the KIND column
	"$SHMTOP" -a -b -n 1 --noheadings -o KIND,NAME -t memfd | awk '$1 != "memfd"' | grep . &&
		{ fail "-a -b -t memfd lists other kinds (above)"; return 1; }
	# --prometheus: every object sample of kind memfd
	"$SHMTOP" --prometheus -t memfd >"$TMP/t.prom" || fail "--prometheus -t memfd" || return 1
	python3 "$HERE/prom_check.py" "$TMP/t.prom" >/dev/null || fail "prom_check -t memfd" || return 1
	grep -q "^shmtop_object_bytes{kind=\"memfd\",name=\"$RUN-memfd\"" "$TMP/t.prom" ||
		fail "--prometheus -t memfd lacks $RUN-memfd" || return 1
	grep '^shmtop_object_[a-z_]*{' "$TMP/t.prom" | grep -v 'kind="memfd"' | grep . &&
		{ fail "--prometheus -t memfd has other kinds (above)"; return 1; }
	# unknown: one line, exit 2
	out=$("$SHMTOP" -a -b -t sysv,files 2>&1)
	rc=$?
	((rc == 2)) || fail "-t files: exit $rc" || return 1
	[[ $out == *"invalid kind 'files'"* && $(wc -l <<<"$out") == 1 ]] || fail "-t files said: $out"
}

kinds_screen() {
	view tp 200 50 "$SHMTOP -a -t posix" || return 1
	see tp "$RUN-sysv" || return 1
	screen tp | grep -E "^ *$K " && { fail "-a -t posix shows the SysV $K"; return 1; }
	# the rows, under the three heading lines and the column titles
	screen tp | sed 1,4d | grep -E " (sysv|memfd|sem|deleted) " &&
		{ fail "-a -t posix shows other kinds (above)"; return 1; }
	view ts 200 50 "$SHMTOP -a -t sysv" || return 1
	see ts "$K" || return 1
	screen ts | grep -q "$RUN-sysv" && { fail "-a -t sysv shows the POSIX $RUN-sysv"; return 1; }
	return 0
}

raw_fields() {
	local f
	for f in --raw --noheadings; do
		"$SHMTOP" -a -b -n 1 "$f" -o KEY,ID,PERMS,KIND,NAME >"$TMP/raw" || fail "$f exit $?" || return 1
		[[ $f == --raw ]] && sed -i 1d "$TMP/raw"
		awk -v k="$K" '$1 == k { print $2 }' "$TMP/raw" | grep -qx "$ID" || fail "$f: \$2 of $K is not $ID" || return 1
		awk -v n="$RUN-sysv" '$5 == n { print $2, $4 }' "$TMP/raw" | grep -qx -- "- posix" ||
			fail "$f: the POSIX row's \$2 \$4: $(grep "$RUN-sysv" "$TMP/raw")" || return 1
		awk -v n="$RUN-memfd" '$5 == n { print $1, $2, $4 }' "$TMP/raw" | grep -qx -- "- - memfd" ||
			fail "$f: the memfd row: $(grep "$RUN-memfd" "$TMP/raw")" || return 1
		# every row of the host (a name with a blank is \x20 there, as
		# lsipc writes it); --noheadings keeps the aligned text, as lsipc's
		[[ $f == --raw ]] && awk 'NF != 5' "$TMP/raw" | grep . &&
			{ fail "$f: rows without 5 fields (above)"; return 1; }
		[[ $f == --raw ]] && ! grep -qF -- "$RUN-sp\x20ace" "$TMP/raw" &&
			{ fail "$f: no $RUN-sp\\x20ace row: $(grep -- "$RUN-sp" "$TMP/raw")"; return 1; }
	done
	return 0
}

look_options() {
	local args rc
	for args in "-k $K -b -n 1 --no-color" "-k $K --json -n 1 --ascii --no-color" \
		"-a -b -n 1 --no-color --ascii" "-a --json -n 1 --no-color" "--prometheus --no-color --ascii" \
		"--prometheus -k $K --no-color"; do
		# shellcheck disable=SC2086
		"$SHMTOP" $args >/dev/null 2>"$TMP/err"
		rc=$?
		((rc == 0)) || fail "shmtop $args: exit $rc: $(cat "$TMP/err")" || return 1
	done
	"$SHMTOP" --check --no-color --ascii >/dev/null 2>"$TMP/err"
	rc=$?
	((rc != 2)) || fail "--check --no-color --ascii: exit 2: $(cat "$TMP/err")"
}

prom_segment() {
	local sel rc
	for sel in "-k $K" "-i $ID"; do
		# shellcheck disable=SC2086
		"$SHMTOP" --prometheus $sel >"$TMP/seg.prom" || fail "--prometheus $sel: exit $?" || return 1
		python3 "$HERE/prom_check.py" "$TMP/seg.prom" >"$TMP/seg.samples" ||
			fail "prom_check $sel: $(tail -1 "$TMP/seg.samples")" || return 1
		grep -q "^shmtop_counter_c00_total{key=\"$K\",shmid=\"$ID\"" "$TMP/seg.prom" ||
			fail "$sel: no counter c00 of $K" || return 1
		grep -q "^shmtop_object_bytes{kind=\"sysv\",name=\"\",id=\"$ID\"" "$TMP/seg.prom" ||
			fail "$sel: no object line of $ID" || return 1
		# alone: every sample names this segment, none is the host's
		grep -v -e '^#' -e "key=\"$K\"" -e "id=\"$ID\"" "$TMP/seg.prom" | grep . &&
			{ fail "$sel: samples of others or of the host (above)"; return 1; }
	done
	"$SHMTOP" --prometheus -k "$(key 9)" >/dev/null 2>"$TMP/err"
	rc=$?
	((rc == 3)) || fail "--prometheus -k of no segment: exit $rc" || return 1
	grep -q "no segment with key $(key 9)" "$TMP/err" || fail "said: $(cat "$TMP/err")"
}

numeric_locale() {
	local loc=$TMP/locale
	mkdir -p "$loc"
	localedef -i de_DE -f UTF-8 "$loc/de_DE.UTF-8" 2>"$TMP/err" ||
		fail "localedef de_DE: $(tail -1 "$TMP/err")" || return 1
	# the locale's own printf writes "0,5": what a careless --json would do
	[[ $(LOCPATH=$loc LC_ALL=de_DE.UTF-8 env printf '%.1f' 0.5 2>/dev/null) == 0,5 ]] ||
		fail "the de_DE locale made has no decimal comma" || return 1
	LOCPATH=$loc LC_ALL=de_DE.UTF-8 "$SHMTOP" -k "$K" --json -n 2 -d 1 >"$TMP/de.json" ||
		fail "-k --json in de_DE: exit $?" || return 1
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert isinstance(d["rate"], (int, float)), d["rate"]' "$TMP/de.json" ||
		fail "-k --json in de_DE: not JSON: $(head -c 300 "$TMP/de.json")" || return 1
	LOCPATH=$loc LC_ALL=de_DE.UTF-8 "$SHMTOP" -a --json -n 1 >"$TMP/de-list.json" &&
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/de-list.json" ||
		fail "-a --json in de_DE: not JSON" || return 1
	LOCPATH=$loc LC_ALL=de_DE.UTF-8 "$SHMTOP" --prometheus -k "$K" >"$TMP/de.prom" ||
		fail "--prometheus in de_DE: exit $?" || return 1
	python3 "$HERE/prom_check.py" "$TMP/de.prom" >"$TMP/de.samples" ||
		fail "--prometheus in de_DE: $(tail -1 "$TMP/de.samples")"
}

run_cases json_lines kinds kinds_screen raw_fields look_options prom_segment numeric_locale

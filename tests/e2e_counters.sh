#!/bin/bash
# SPDX-License-Identifier: MIT
# The single view on a version 3 record (issue 14, point 4), with
# tests/pubcounters (N named counters, counter i growing by i + 1 a second,
# the last one a gauge): the counters table shows every counter with the
# values the publisher has (checked against shmtop --json, itself checked
# against the publisher's arithmetic: one consistent step); Down selects
# another counter and the big digits, details and graph follow it; p pauses
# (PAUSED, the values stop), r resets; a publisher that does not accept
# reset shows "refused" and offers no r; hostile names keep the columns;
# --json lists every counter; --prometheus --values passes prom_check.py
# with one metric per counter.  shmwriter --stdin (issue 14, point 3): a
# pipe's lines and bytes in the table, as wc counts them, the record
# stopped with every byte counted when the pipe closes.
#
# usage: e2e_counters.sh SHMTOP PUBCOUNTERS SHMWRITER
set -u
SHMTOP=$(realpath "$1")
PUB=$(realpath "$2")
# shellcheck disable=SC2034 # RUN: for e2e_lib.sh
WRITER=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=ctr$$
HERE=$(dirname "$(realpath "$0")")
# shellcheck source=tests/e2e_lib.sh
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-counters.XXXXXX") || exit 1
CLEANUPS+=("rm -rf '$TMP'")

# publish KEY N [ACCEPT [NAMES]]: pubcounters in the background, ready;
# sets PPID_.
publish() {
	local out="$TMP/pub.$1"
	KEYS+=("$1")
	"$PUB" "$@" >"$out" 2>&1 &
	PPID_=$!
	PIDS+=("$PPID_")
	until_ok 10 grep -q '^ready$' "$out" || fail "pubcounters $*: $(cat "$out")"
}

# json KEY: one --json line of the record on KEY.
json() { "$SHMTOP" --json -n 1 -k "$1"; }

# values KEY: "name=value" of every counter, from --json, one a line.
values() {
	json "$1" | python3 -c 'import json, sys
for c in json.load(sys.stdin)["counters"]: print(c["name"] + "=" + str(c["value"]))'
}

# consistent KEY N: --json's counters are N, named c00.., and one step of
# the publisher's loop: counter i is (i + 1) * s, the gauge 100 + (N-1) * s
# (after a reset, which zeroes the gauge too, the publisher's s runs on:
# the gauge is then only checked to be 0 or a step's).  Prints s.
consistent() {
	json "$1" | python3 -c 'import json, sys
n = int(sys.argv[1])
d = json.load(sys.stdin)
c = d["counters"]
reset = d["resets"] > 0
assert len(c) == n, f"{len(c)} counters, want {n}"
assert [x["name"] for x in c] == [f"c{i:02d}" for i in range(n)], [x["name"] for x in c]
s = c[0]["value"]
for i, x in enumerate(c):
    want = 100 + i * s if i == n - 1 else (i + 1) * s
    kind = "gauge" if i == n - 1 else "counter"
    assert x["kind"] == kind, (x, kind)
    if i == n - 1 and reset:
        assert x["value"] == 0 or (x["value"] - 100) % i == 0, x
    else:
        assert x["value"] == want, (x, want, s)
    # a gauge has no rate; a counter none until two recent samples
    assert x["rate"] is None or kind == "counter", x
    assert x["unit"] == ("" if kind == "gauge" else "req"), x
print(s)' "$2"
}

# table_values NAME: "name=value" of the table's rows on screen (a row:
# NAME UNIT HISTORY VALUE RATE, the value the field before the last).
table_values() {
	screen "$1" | awk '/── counters: /{on=1; next} /── events/{on=0}
		on && $1 != "NAME" && NF >= 3 { n = ($1 == ">") ? $2 : $1; print n "=" $(NF - 1) }'
}

# table_is NAME: the table's rows show the values WANT ("name=value" lines).
table_is() { [[ $(table_values "$1" | sort) == "$WANT" ]]; }

# --- the cases ---------------------------------------------------------------

test_table() {
	local k
	k=$(key 1)
	publish "$k" 6 || return 1
	view table 120 50 "$SHMTOP -k $k -d 5" || return 1
	see table "counters: 6  selected 1/6" || return 1
	local i
	for i in 00 01 02 03 04 05; do
		shows table "^(> |  )c$i .* [0-9]+ +[^ ]+$" || { fail "no row for c$i"; return 1; }
	done
	consistent "$k" 6 >/dev/null || { fail "--json is not one step of the publisher"; return 1; }
	# one counter selected: the big digits' details and the graph are its
	see table "c00  rate [0-9.]+/s" || return 1 # its rate: about 1/s, as steps fall
	see table "history of c00:" || return 1
	keys table Down
	see table "counters: 6  selected 2/6" || return 1
	see table "^> c01 " || return 1
	see table "c01  rate [0-9.]+/s" || return 1
	see table "history of c01:" || return 1
	keys table j
	see table "^> c02 " || return 1
	keys table k
	see table "^> c01 " || return 1

	# p pauses: PAUSED, and the values stop (on screen and in --json)
	keys table p
	see table "PAUSED" || return 1
	see table "pause acknowledged" || return 1
	local a b
	a=$(values "$k")
	sleep 1.5
	b=$(values "$k")
	[[ $a == "$b" ]] || { fail "values moved while paused: $a / $b"; return 1; }
	# the table shows the values --json reads
	WANT=$(sort <<<"$a")
	until_ok 5 table_is table ||
		{ fail "table $(table_values table | tr '\n' ' ') != json $(tr '\n' ' ' <<<"$a")"; return 1; }

	# p again resumes; r resets (resets 1, the counters start again)
	keys table p
	see table "RUNNING" || return 1
	sleep 1.2
	local before after
	before=$(consistent "$k" 6) || return 1
	keys table r
	see table "Reset the count to 0\\?" || return 1
	keys table y
	see table "reset acknowledged" || return 1
	after=$(consistent "$k" 6) || return 1
	((after < before)) || { fail "after reset c00 is $after, was $before"; return 1; }
	json "$k" | grep -q '"resets":1,' || { fail "resets is not 1 after r"; return 1; }
	see table "resets 1" || return 1
}

test_refused() {
	local k
	k=$(key 2)
	publish "$k" 3 pause || return 1
	view refused 100 40 "$SHMTOP -k $k -d 5" || return 1
	see refused "counters: 3" || return 1
	see refused "p pause" || return 1
	shows refused "rReset" && { fail "r offered for a program that refuses reset"; return 1; }
	see refused "the program refuses reset" || return 1
	keys refused r # the box, then y: the program refuses it
	see refused "Reset the count to 0\\?" || return 1
	keys refused y
	see refused "reset refused by the program" || return 1
	json "$k" | grep -q '"resets":0,' || { fail "a refused reset was applied"; return 1; }
}

# Cells of each line's text up to the end of "req" (the UNIT column), as
# the terminal counts them (wcwidth in C.UTF-8), for the table's rows.
unit_cells() {
	screen "$1" | python3 -c 'import ctypes, sys
libc = ctypes.CDLL(None)
libc.setlocale(6, b"C.UTF-8")
on = False
for line in sys.stdin.read().split("\n"):
    if "── counters:" in line: on = True; continue
    if "── events" in line: break
    if not on or "NAME" in line or " req" not in line: continue
    pre = line[:line.index(" req") + 4]
    print(sum(max(libc.wcwidth(ord(ch)), 0) for ch in pre))'
}

test_hostile() {
	local k
	k=$(key 3)
	publish "$k" 8 all hostile || return 1
	view hostile 150 50 "$SHMTOP -k $k -d 5" || return 1
	see hostile "counters: 8" || return 1
	see hostile "back" || return 1
	local cells
	cells=$(unit_cells hostile | sort -u)
	[[ -n $cells && $(wc -l <<<"$cells") -eq 1 ]] ||
		{ fail "the UNIT column moves: cells $(tr '\n' ' ' <<<"$cells")"; screen hostile | sed 's/^/    | /'; return 1; }
	[[ $(unit_cells hostile | wc -l) -eq 7 ]] ||
		{ fail "not 7 counter rows with their unit"; screen hostile | sed 's/^/    | /'; return 1; }
	# the JSON keeps the names as they are
	json "$k" | python3 -c 'import json, sys
c = json.load(sys.stdin)["counters"]
assert len(c) == 8, len(c)
assert c[0]["name"] == "wide-名前-カウンター", c[0]
assert c[1]["name"] == "back\\slash\\\\name", c[1]' || { fail "--json names"; return 1; }
}

test_outputs() {
	local k id
	k=$(key 4)
	publish "$k" 5 || return 1
	sleep 1.2
	id=$(shmid "$k")
	consistent "$k" 5 >/dev/null || { fail "--json"; return 1; }
	# batch text: the table
	"$SHMTOP" -b -n 1 -k "$k" >"$TMP/batch" || { fail "-b exit $?"; return 1; }
	grep -q "^counters: 5  selected 1/5" "$TMP/batch" || { fail "-b has no table"; return 1; }
	grep -Eq "^  c04 .* [0-9]+ +-$" "$TMP/batch" || { fail "-b has no gauge row"; return 1; }
	# Prometheus with --values: one metric per counter, valid
	"$SHMTOP" --prometheus --values >"$TMP/prom" || { fail "--prometheus exit $?"; return 1; }
	python3 "$HERE/prom_check.py" "$TMP/prom" >"$TMP/samples" ||
		{ fail "prom_check: $(tail -1 "$TMP/samples")"; return 1; }
	local mine
	mine=$(grep -E "^shmtop_counter_[a-z0-9_]+\{key=\"$k\",shmid=\"$id\",counter=\"c0[0-4]\"\} [0-9]+$" "$TMP/prom")
	[[ $(wc -l <<<"$mine") -eq 5 ]] || { fail "not 5 counter samples: $mine"; return 1; }
	[[ $(cut -d'{' -f1 <<<"$mine" | sort -u | wc -l) -eq 5 ]] || { fail "not 5 metrics"; return 1; }
	grep -q "^# TYPE shmtop_counter_c00_total counter$" "$TMP/prom" || { fail "c00 not a counter"; return 1; }
	grep -q "^# TYPE shmtop_counter_c04 gauge$" "$TMP/prom" || { fail "c04 not a gauge"; return 1; }
	# without --values nothing is attached, and no counter is read
	"$SHMTOP" --prometheus >"$TMP/prom0" || return 1
	grep -q "key=\"$k\",shmid=\"$id\",counter=" "$TMP/prom0" &&
		{ fail "counters read without --values"; return 1; }
	return 0
}

test_stdin() {
	local k w fifo="$TMP/in"
	k=$(key 5)
	KEYS+=("$k")
	mkfifo "$fifo" || return 1
	"$WRITER" --stdin -k "$k" -i 0.2 <"$fifo" >"$TMP/w.out" 2>&1 &
	w=$!
	PIDS+=("$w")
	exec 7>"$fifo" # the pipe's writing end, held open
	until_ok 10 grep -q "(created)" "$TMP/w.out" || { fail "shmwriter --stdin: $(cat "$TMP/w.out")"; return 1; }
	view stdin 110 40 "$SHMTOP -k $k -d 5" 7>&- || return 1 # tmux must not hold the pipe
	see stdin "counters: 2  selected 1/2" || return 1
	WANT=$'bytes=0\nlines=0'
	until_ok 5 table_is stdin || { fail "an empty pipe: $(table_values stdin | tr '\n' ' ')"; return 1; }
	# lines of every length, and a last one without its newline
	python3 -c 'import random, sys
random.seed(5)
out = sys.stdout.buffer
for i in range(3000):
    out.write(b"x" * random.randrange(0, 200) + b"\n")
out.write(b"no newline")' >"$TMP/data"
	cat "$TMP/data" >&7
	WANT=$(printf 'bytes=%d\nlines=%d' "$(wc -c <"$TMP/data")" "$(wc -l <"$TMP/data")")
	until_ok 10 table_is stdin ||
		{ fail "table $(table_values stdin | tr '\n' ' ') != wc $(tr '\n' ' ' <<<"$WANT")"; return 1; }
	shows stdin "^  bytes +B .* [0-9]+ +[^ ]+/s$" || { fail "bytes has no unit B"; screen stdin | sed 's/^/    | /'; return 1; }
	# the end of the pipe ends the writer; the record says stopped
	exec 7>&-
	until_ok 5 gone "$w" || { fail "shmwriter --stdin did not exit at the end of its input"; return 1; }
	wait "$w" || { fail "shmwriter --stdin exited $?"; return 1; }
	see stdin "STOPPED" || return 1
	until_ok 5 table_is stdin || { fail "the last values were lost"; return 1; }
}

run_cases test_table test_refused test_hostile test_outputs test_stdin

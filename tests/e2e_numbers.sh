#!/bin/bash
# SPDX-License-Identifier: MIT
# The numbers shmtop shows are right (issue 21): shmwriter counts once per
# interval across a takeover while a viewer parked in the list holds the
# predecessor's control segment; a publisher at -i 5 is running, not
# stalled, 3.5 s after its beat; one rate in the heading, the counters
# table and --json, 0 once the values stop (paused, stopped); a writer that
# exited after its segment was removed is shown dead, not running; as
# nobody, an object held by root's process is not an orphan but unknown;
# this viewer's reset is logged as its own; another IPC namespace's
# segment shows no made-up fields and says "other ns" everywhere.
#
# usage: e2e_numbers.sh SHMTOP SHMWRITER PUBCOUNTERS SHMOBJ SHMSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
PUB=$(realpath "$3")
SHMOBJ=$(realpath "$4")
SHMSEG=$(realpath "$5")
HERE=$(dirname "$(realpath "$0")")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=numbers$$
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")

# json_get EXPR < JSON: python's value of EXPR over the parsed input d.
json_get() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
# count_of KEY: the record's count, read once.
count_of() { "$SHMTOP" -k "$1" --json -n 1 | json_get 'd["count"]'; }
# beat_age_over KEY SECONDS: the count (which shmwriter changes just before
# each beat) is between SECONDS and 4.9 s old; the JSON in $TMP/slow.json.
beat_age_over() {
	"$SHMTOP" -k "$1" --json -n 1 >"$TMP/slow.json" &&
		json_get "$2 <= d['age'] < 4.9" <"$TMP/slow.json" | grep -q True
}
# screen_at NAME REGEX: the screen, kept in $TMP/screen, matches REGEX.
screen_at() { screen "$1" >"$TMP/screen" && grep -Eq -- "$2" "$TMP/screen"; }
# past US: the clock (EPOCHREALTIME, in µs) is at US or later.
past() { ((${EPOCHREALTIME/./} >= $1)); }
writer_is() { [[ $("$SHMTOP" -k "$1" --json -n 1 | json_get 'd["writer_pid"]') == "$2" ]]; }

# Writer A, a viewer on it switched to the list (Tab): A stops, B takes
# over, and the viewer still holds A's control segment, so B's loop wakes
# every 50 ms to forward its commands.  Over 10 s at -i 1 the count grows
# by 10 ± 1 (it grew by about 200 when each wake-up counted).
t_takeover_count() {
	local k a c0 c1 t0 t1 rc=0
	k=$(key 1)
	writer "$k" -i 1 || return 1
	a=$WPID
	view park 120 30 "$SHMTOP -k $k" || return 1
	see park "RUNNING" || return 1
	keys park Tab
	see park "^F1Help F2Setup F3Search" 30 || return 1
	kill "$a"
	until_ok 5 gone "$a" || fail "writer A did not exit" || return 1
	writer "$k" -i 1 || return 1
	until_ok 5 writer_is "$k" "$WPID" || fail "writer B did not take over" || return 1
	t0=${EPOCHREALTIME/./} c0=$(count_of "$k")
	until_ok 15 past $((t0 + 10000000))
	t1=${EPOCHREALTIME/./} c1=$(count_of "$k")
	[[ -n $c0 && -n $c1 ]] || fail "no count read" || return 1
	echo "    count grew by $((c1 - c0)) in $(((t1 - t0) / 1000)) ms after the takeover"
	((c1 - c0 >= 9 && c1 - c0 <= 11)) || fail "count grew by $((c1 - c0)), not 10 ± 1" || rc=1
	return $rc
}

# shmwriter -i 5 beats once every 5 s: 3.5 s after a beat it is running,
# on screen and in --json, not stalled (a threshold of 2 s whatever the
# period said STALLED).
t_slow_period() {
	local k rc=0
	k=$(key 2)
	writer "$k" -i 5 || return 1
	until_ok 25 beat_age_over "$k" 3.5 || fail "no beat 3.5 s old seen" || return 1
	[[ $(json_get 'd["state"]' <"$TMP/slow.json") == running ]] ||
		fail "3.5 s after a beat at -i 5: $(cat "$TMP/slow.json")" || rc=1
	view slow 100 30 "$SHMTOP -k $k" || return 1
	until_ok 25 screen_at slow "changed [34]s ago" || fail "no 'changed 3s ago' seen" || return 1
	grep -q RUNNING "$TMP/screen" && ! grep -q STALLED "$TMP/screen" ||
		fail "3.5 s after a beat at -i 5:" || { sed 's/^/    | /' "$TMP/screen"; rc=1; }
	return $rc
}

# rates_are KEY TOP C1: --json's top-level rate and counters[1].rate (the
# only counter's of a shmwriter record), to a tenth; True: above 0.5.
rates_are() {
	"$SHMTOP" -k "$1" --json -n 1 >"$TMP/rates.json" &&
		[[ $(json_get 'tuple(r if r is None else round(r, 1) if r < 0.5 else True for r in
			(d["rate"], d["counters"][min(1, len(d["counters"]) - 1)]["rate"]))' \
			<"$TMP/rates.json") == "($2, $3)" ]]
}

# Paused with p: the heading, c01's row and --json all say 0 (the table and
# counters[].rate kept the rate of before the pause); a writer stopped:
# 0 in --json, whatever its history says.
t_rates_stop() {
	local k rc=0
	k=$(key 3)
	KEYS+=("$k")
	"$PUB" "$k" 3 >"$TMP/pub.out" 2>&1 &
	PIDS+=($!)
	until_ok 10 grep -q '^ready$' "$TMP/pub.out" || fail "pubcounters: $(cat "$TMP/pub.out")" || return 1
	view rates 120 30 "$SHMTOP -k $k" || return 1
	see rates "c01 .* [0-9]+ +[1-9][0-9.]*/s$" || return 1
	until_ok 10 rates_are "$k" True True || fail "running: $(cat "$TMP/rates.json")" || rc=1
	keys rates p
	see rates "PAUSED" || return 1
	see rates "c01 .* [0-9]+ +0/s$" || rc=1
	see rates "rate 0/s" || rc=1
	until_ok 5 rates_are "$k" 0.0 0.0 || fail "paused: $(cat "$TMP/rates.json")" || rc=1

	k=$(key 4)
	writer "$k" -i 0.2 || return 1
	until_ok 10 rates_are "$k" True True || fail "running: $(cat "$TMP/rates.json")" || rc=1
	kill "$WPID"
	until_ok 5 gone "$WPID" || fail "shmwriter did not exit" || return 1
	until_ok 5 rates_are "$k" 0.0 0.0 || fail "stopped: $(cat "$TMP/rates.json")" || rc=1
	return $rc
}

# The writer's segment removed from the list (x, y): the writer exits, and
# the dashboard says it is gone (dead, or exited if the viewer saw it mark
# its record stopped), not "stalled, running" for a pid that no longer exists.
t_removed_writer_gone() {
	local k w rc=0
	k=$(key 5)
	writer "$k" -i 0.5 || return 1
	w=$WPID
	view gone 120 40 "$SHMTOP -k $k" || return 1
	see gone "writer pid $w \\(shmwriter\\) alive, running" || return 1
	keys gone Tab
	see gone "^F1Help F2Setup F3Search" 30 || return 1 # the first scan of a busy host
	keys gone /
	see gone "^Filter: _" || return 1
	tmux -L "$RUN-gone" send-keys -l "$k"
	keys gone Enter
	see gone "^filter: " || return 1
	keys gone x
	see gone "Remove SysV segment key $k" || return 1
	keys gone y
	until_ok 10 gone "$w" || fail "the writer did not exit" || return 1
	see gone "shmwriter \\(pid $w\\) exited" || rc=1
	keys gone Tab
	see gone "writer pid $w \\(shmwriter\\) (dead|exited)" || rc=1
	if shows gone "writer pid $w .*(alive|stalled)"; then
		fail "pid $w shown alive"
		rc=1
	fi
	return $rc
}

# A POSIX object held by root's process, listed by nobody, who cannot read
# root's maps: its holders are unknown ("?" in the table and on screen,
# null in JSON), it is no orphan and has no _orphan sample, and the heading
# says how many processes were unreadable.  Root sees its holder, as ever.
t_unknown_holders() {
	[[ $(id -u) -eq 0 ]] && id nobody >/dev/null 2>&1 || { echo "    needs root and nobody"; return 77; }
	local name=nums$$unknown out rc=0 shmtop=$SHMTOP
	stage shmtop || return 1
	"$SHMOBJ" posix "$name" 4096 4096 >"$TMP/obj.out" 2>&1 &
	PIDS+=($!)
	CLEANUPS+=("rm -f '/dev/shm/$name'")
	until_ok 5 test -s "$TMP/obj.out" || fail "shmobj did not start" || return 1
	nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$shmtop" "$@"; }
	nobody -a --json -n 1 -F "$name" >"$TMP/nobody.json" || fail "nobody's --json: $?" || return 1
	[[ $(json_get '[(r["holders"], r["orphan"]) for r in d["sharedmemory"]]' <"$TMP/nobody.json") == "[(None, None)]" ]] ||
		fail "nobody's JSON: $(cat "$TMP/nobody.json")" || rc=1
	"$SHMTOP" -a --json -n 1 -F "$name" >"$TMP/root.json" || return 1
	[[ $(json_get '[(len(r["holders"]), r["orphan"]) for r in d["sharedmemory"]]' <"$TMP/root.json") == "[(1, False)]" ]] ||
		fail "root's JSON: $(cat "$TMP/root.json")" || rc=1
	nobody -a -b -n 1 -F "$name" >"$TMP/nobody.txt" || return 1
	awk -v n="$name" '$NF == n && $(NF - 1) == "?" && $(NF - 2) == "?" { ok = 1 } END { exit !ok }' "$TMP/nobody.txt" ||
		fail "nobody's table: $(cat "$TMP/nobody.txt")" || rc=1
	grep -Eq "[0-9]+ of [0-9]+ processes unreadable" "$TMP/nobody.txt" || fail "no count of unreadable" || rc=1
	nobody --prometheus >"$TMP/nobody.prom" || return 1
	grep -q "^shmtop_object_bytes{.*name=\"$name\"" "$TMP/nobody.prom" || fail "no bytes sample" || rc=1
	if grep -q "^shmtop_object_orphan{.*name=\"$name\"" "$TMP/nobody.prom"; then
		fail "an _orphan sample: $(grep "name=\"$name\"" "$TMP/nobody.prom")"
		rc=1
	fi
	view unknown 160 30 "setpriv --reuid=nobody --regid=nogroup --clear-groups -- $shmtop -a -F $name" || return 1
	see unknown "processes unreadable" || rc=1
	see unknown "^$name +posix .* \\? +- " || rc=1
	return $rc
}

# r in the dashboard: its event log says the reset was this viewer's.
t_own_reset() {
	local k
	k=$(key 6)
	writer "$k" -i 0.5 || return 1
	view own 120 50 "$SHMTOP -k $k" || return 1
	see own "RUNNING" || return 1
	see own "events \\(newest last\\)" || return 1
	keys own r
	see own "Reset the count to 0\\?" || return 1
	keys own y
	see own "count reset \\(resets 1\\) by this viewer" || return 1
}

# A segment of another IPC namespace (unshare -i), known only from its
# holder's maps: no ID, mode or pids of this namespace's (null in JSON,
# blank in the table), its own shmid by its namespace in NAME, STATUS
# "other ns" in every output, and -F matches what the screen shows.
t_other_ns() {
	[[ $(id -u) -eq 0 ]] && command -v unshare >/dev/null || { echo "    needs root and unshare"; return 77; }
	local k
	k=$(key 7)
	unshare -i sh -c "id=\$('$SHMSEG' create $k 4096 600) && exec '$SHMSEG' hold \$id rw" \
		>"$TMP/ns.out" 2>&1 &
	local holder=$! ns
	PIDS+=("$holder")
	until_ok 5 grep -q '^ready$' "$TMP/ns.out" || fail "shmseg: $(cat "$TMP/ns.out")" || return 1
	ns=$(stat -L -c %i "/proc/$holder/ns/ipc")
	[[ -n $ns && $ns != "$(stat -L -c %i /proc/self/ns/ipc)" ]] || fail "no namespace of its own" || return 1
	"$SHMTOP" -a --json -n 1 -F 'other ns' >"$TMP/ns.json" || fail "-F 'other ns' exited $?" || return 1
	[[ $(json_get "[(r['id'], r['perms'], r['mode'], r['cpid'], r['lpid'], r['status'], r['name'].endswith('] shmid 0'), r['ipcns'], r['nsid'])
		for r in d['sharedmemory'] if r['key'] == '$k']" <"$TMP/ns.json") == "[(None, None, None, None, None, 'other ns', True, $ns, 0)]" ]] ||
		fail "JSON: $(cat "$TMP/ns.json")" || return 1
	# its shmid in a column of its own, beside its namespace; ID is "-" (no value, in --raw)
	"$SHMTOP" -a -b -n 1 --raw --noheadings -o KEY,IPCNS,NSID,ID,STATUS -F "$k" >"$TMP/ns.raw" || return 1
	[[ $(<"$TMP/ns.raw") == "$k $ns 0 - other\\x20ns" ]] || fail "raw: $(cat "$TMP/ns.raw")" || return 1
	"$SHMTOP" -a -b -n 1 -F 'other ns' >"$TMP/ns.txt" || return 1
	awk -v k="$k" '$1 == k && $2 !~ /^[0-9]+$/ && / other ns / && /ipc:\[[0-9]+\] shmid 0$/ { ok = 1 }
		END { exit !ok }' "$TMP/ns.txt" || fail "table: $(cat "$TMP/ns.txt")" || return 1
	view ns 160 30 "$SHMTOP -a -F '$k'" || return 1
	see ns "^$k +sysv .* other ns .*ipc:\\[[0-9]+\\] shmid 0" || return 1
}

run_cases ${CASES:-t_takeover_count t_slow_period t_rates_stop t_removed_writer_gone t_unknown_holders t_own_reset t_other_ns}

#!/bin/bash
# SPDX-License-Identifier: MIT
# The scan never freezes the screen (issue 21).  Another user's 3 processes
# each map N distinct memfds (tests/memfds: 60,000, about what
# vm.max_map_count allows; fewer in a sanitizer build), and root's
# `shmtop -a` in tmux is asked to rescan ('a') again and again; during each
# rescan '/' opens the filter line and Esc closes it, each timed from
# send-keys until the screen shows it.  Prints how long making the memfds
# took, and the average and worst time to answer a key.  Fails if the list
# never shows the memfds, if a rescan is never seen under way, or if a key
# is not shown within 3 s: on main, which scanned inside the key loop, the
# worst was 30.8 s.  Needs root and useradd.
#
# usage: e2e_objlist_scan.sh SHMTOP MEMFDS N
set -u
SHMTOP=$(realpath "$1")
MEMFDS=$(realpath "$2")
N=$3
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=scan$$
. "$(dirname "$0")/e2e_lib.sh"

PROCS=3 ROUNDS=6 BOUND_MS=3000
can_add_users || { echo "SKIP: needs root and useradd"; exit 77; }
U=shsc$$
add_user "$U" || exit 1
stage MEMFDS || exit 1
DIR=$(mktemp -d)
CLEANUPS+=("rm -rf '$DIR'")

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
ready() { grep -q '^ready' "$1"; }
heading() { screen list | head -n 3; }
# filter_open: the filter line is up.
filter_open() { screen list | grep -q '^Filter: _'; }
filter_closed() { ! filter_open; }

# press KEY CHECK: send KEY, poll CHECK until it holds; sets MS (or fails
# past BOUND_MS).
press() {
	local t0
	t0=$(now_ms)
	keys list "$1"
	while ! $2; do
		MS=$(($(now_ms) - t0))
		if ((MS > BOUND_MS)); then
			fail "'$1' not shown after $MS ms; the heading:"
			heading | sed 's/^/    | /'
			return 1
		fi
		sleep 0.02
	done
	MS=$(($(now_ms) - t0))
}

memfd_count() { heading | grep -o 'memfd [0-9]*' | head -n 1 | cut -d' ' -f2; }
memfds_listed() { (($(memfd_count) >= $1)); }

t_keys_during_scans() {
	local i t0 made=0
	view list 160 40 "$SHMTOP -a" || return 1
	see list 'holders [0-9].* ago' 30 || return 1
	t0=$(now_ms)
	for i in $(seq "$PROCS"); do
		setpriv --reuid="$U" --regid="$(id -g "$U")" --init-groups -- \
			"$MEMFDS" "$N" "shmtop-e2e-scan.$$.$i" >"$DIR/$i.out" 2>&1 &
		PIDS+=("$!")
	done
	for i in $(seq "$PROCS"); do
		until_ok 60 ready "$DIR/$i.out" || fail "memfds $i: $(cat "$DIR/$i.out")" || return 1
		made=$((made + N))
	done
	echo "    $PROCS processes of user $U map $N memfds each: made in $(($(now_ms) - t0)) ms" \
		"($(cut -d' ' -f3 "$DIR"/*.out | paste -sd' ') s each)"
	local total=0 count=0 worst=0 scans=0
	for i in $(seq "$ROUNDS"); do
		keys list a
		# the rescan under way: the heading says so until it is shown
		until_ok 3 bash -c "tmux -L '$RUN-list' capture-pane -p | head -n 1 |
			grep -q 'scanning'" && scans=$((scans + 1))
		press / filter_open || return 1
		total=$((total + MS)) count=$((count + 1))
		((MS > worst)) && worst=$MS
		press Escape filter_closed || return 1
		total=$((total + MS)) count=$((count + 1))
		((MS > worst)) && worst=$MS
	done
	echo "    $count keys during $scans of $ROUNDS rescans: average $((total / count)) ms," \
		"worst $worst ms (bound $BOUND_MS ms)"
	((scans > 0)) || fail "no rescan was seen under way ('scanning' in the heading)" || return 1
	until_ok 60 memfds_listed "$made" ||
		fail "the list shows $(memfd_count) memfd objects, not $made or more" || return 1
	echo "    the list shows $(memfd_count) memfd objects"
	keys list a
	keys list q
	until_ok 10 gone "$VPID" || fail "q did not quit during a scan"
}

run_cases t_keys_during_scans

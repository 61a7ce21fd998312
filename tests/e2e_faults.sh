#!/bin/bash
# SPDX-License-Identifier: MIT
# Fault injection with a viewer attached, printing figures: the writer
# killed with -9 at random moments (FAULT_RUNS times, default 100) and taken
# over by a new one, the writer stopped (SIGSTOP), the segment removed and
# re-created, a resize storm, and the viewer itself killed with -9.
#
# usage: e2e_faults.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=fault$$
RUNS=${FAULT_RUNS:-100}
. "$(dirname "$0")/e2e_lib.sh"
DIR=$(mktemp -d)
CLEANUPS+=("rm -rf '$DIR'")
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The count in the segment, from batch JSON ("" if unreadable).
json_count() { "$SHMTOP" -k "$1" --json -n 1 2>/dev/null | sed -nE 's/.*"count":([0-9]+).*/\1/p'; }

# cpu_ticks PID: user + system clock ticks used so far.
cpu_ticks() { sed -E 's/.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

t_kill9_writer() {
	local k i t0 dt worst=0 total=0 lost=0 dead before after line
	# each of the RUNS waits three times (the writer's start, RUNNING,
	# DEAD): polled every 20 ms, not 100, which also times DEAD closer
	local POLL=0.02
	k=$(key 1)
	KEYS+=("$k")
	view kill 100 30 "$SHMTOP -k $k -d 1" || return 1
	for ((i = 1; i <= RUNS; i++)); do
		"$WRITER" -k "$k" -i 0.005 >"$DIR/w.out" 2>&1 &
		local w=$!
		PIDS+=("$w")
		until_ok 10 grep -q "pid $w" "$DIR/w.out" || fail "writer $i did not start" || return 1
		line=$(cat "$DIR/w.out")
		after=$(sed -nE 's/.*count ([0-9]+).*/\1/p' <<<"$line")
		if [[ -n ${dead:-} && -n $after ]] && ((after < dead)); then
			lost=$((lost + dead - after))
		fi
		see kill "RUNNING" 10 >/dev/null || fail "run $i: not RUNNING after start" || return 1
		sleep "0.$((RANDOM % 10))$((RANDOM % 10))" # a random moment, 0-99 ms
		kill -9 "$w"
		t0=$(now_ms)
		until_ok 5 shows kill "DEAD" || fail "run $i: DEAD not shown in 5 s" || return 1
		dt=$(($(now_ms) - t0))
		total=$((total + dt))
		((dt > worst)) && worst=$dt
		{ wait "$w"; } 2>/dev/null
		dead=$(json_count "$k")
		gone "$VPID" && fail "run $i: the viewer died" && return 1
	done
	echo "    $RUNS kill -9 of the writer: DEAD shown after $((total / RUNS)) ms on average," \
		"$worst ms at worst; $lost counts lost; viewer crashes 0"
	((worst <= 2000)) || fail "DEAD took $worst ms, more than 2 s" || return 1
	((lost == 0)) || fail "$lost counts lost"
}

t_sigstop_writer() {
	local k c0 c1 pct
	k=$(key 2)
	writer "$k" -i 0.1 || return 1
	view stop 100 30 "$SHMTOP -k $k" || return 1
	see stop "RUNNING" || return 1
	kill -STOP "$WPID"
	see stop "STALLED" 5 || return 1
	c0=$(cpu_ticks "$VPID")
	sleep 5
	c1=$(cpu_ticks "$VPID")
	pct=$(((c1 - c0) * 100 * 100 / (5 * $(getconf CLK_TCK)))) # hundredths of a percent
	echo "    viewer CPU while the writer is stopped: $((pct / 100)).$(printf %02d $((pct % 100))) %"
	((pct < 500)) || fail "viewer used more than 5 % CPU" || return 1
	kill -CONT "$WPID"
	see stop "RUNNING" 5
}

t_ipcrm_recreate() {
	local k id t0 dt
	k=$(key 3)
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	view rm 100 30 "$SHMTOP -k $k -d 1" || return 1
	see rm "RUNNING" || return 1
	ipcrm -m "$id"
	see rm "REMOVED" 5 || return 1
	until_ok 5 gone "$WPID" || fail "the writer outlived its segment" || return 1
	t0=$(now_ms)
	writer "$k" -i 0.1 || return 1
	local id2
	id2=$(shmid "$k")
	[[ -n $id2 && $id2 != "$id" ]] || fail "no new shmid" || return 1
	see rm "shmid +$id2( |$)" 5 || return 1
	see rm "RUNNING" 5 || return 1
	dt=$(($(now_ms) - t0))
	echo "    re-attached to the new segment $dt ms after it was created"
	((dt <= 2000)) || fail "re-attaching took more than 2 s"
}

t_resize_storm() {
	local k i t0 sizes=("200 60" "80 24" "40 12" "20 6" "120 40" "50 15" "300 100" "10 3")
	k=$(key 4)
	writer "$k" -i 0.05 || return 1
	view storm 120 40 "$SHMTOP -k $k -d 1" || return 1
	see storm "RUNNING" || return 1
	t0=$(now_ms)
	for ((i = 0; i < 240; i++)); do
		# shellcheck disable=SC2086
		set -- ${sizes[i % ${#sizes[@]}]}
		tmux -L "$RUN-storm" resize-window -x "$1" -y "$2" 2>/dev/null
	done
	echo "    240 resizes in $(($(now_ms) - t0)) ms"
	tmux -L "$RUN-storm" resize-window -x 120 -y 40
	gone "$VPID" && fail "the viewer died in the storm" && return 1
	see storm "RUNNING" 5 || return 1
	see storm "shmid +$(shmid "$k")" 5
}

t_kill9_viewer() {
	local k id c
	k=$(key 5)
	writer "$k" -i 0.05 || return 1
	id=$(shmid "$k")
	view victim 100 30 "$SHMTOP -k $k" || return 1
	see victim "RUNNING" || return 1
	until_ok 5 nattch_is "$id" 2 || fail "nattch not 2" || return 1
	kill -9 "$VPID"
	until_ok 5 nattch_is "$id" 1 || fail "nattch did not drop after kill -9 of the viewer" ||
		return 1
	c=$(json_count "$k")
	sleep 0.5
	(($(json_count "$k") > c)) || fail "the writer stopped counting" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | grep -q '"state":"running"' || fail "writer not running"
}

run_cases t_kill9_writer t_sigstop_writer t_ipcrm_recreate t_resize_storm t_kill9_viewer

#!/bin/bash
# SPDX-License-Identifier: MIT
# What a tick reads, end to end: shmtop at -d 1 (ten ticks a second) under
# strace, counting its openat() and shmctl() calls.
#  - The single view finds the attached processes with one scan of every
#    /proc/PID/maps at the start, and scans again only when the segment's
#    attachments move (here: another viewer attaching), never per tick; it
#    reads the writer's /proc/PID/stat once, then watches a pidfd.
#  - The list of every segment reads /proc/sysvipc/shm each tick and nothing
#    else per tick: the limits and the creators of the rows on screen again
#    every few seconds, each owner's name once.
#
# usage: e2e_ticks.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=ticks$$
. "$(dirname "$0")/e2e_lib.sh"
if ! command -v strace >/dev/null; then
	echo "SKIP: strace is not installed"
	exit 77
fi
TRACE=$(mktemp -d)
CLEANUPS+=("rm -rf '$TRACE'")

# count FILE REGEX: lines of the strace log FILE that match REGEX.
count() { grep -cE -- "$2" "$1"; }

# traced NAME ARGS...: shmtop ARGS in tmux server NAME under strace, its
# log in $TRACE/NAME.
traced() {
	local n=$1
	shift
	view "$n" 120 40 "strace -f -qq -e trace=openat,shmctl -o $TRACE/$n $SHMTOP $*"
}

t_single_view() {
	local k=$(key 1) log=$TRACE/single ticks scans stats more
	writer "$k" -i 0.1 || return 1
	traced single -k "$k" -d 1 || return 1
	see single "RUNNING" || return 1
	sleep 3
	# a full scan opens every process's maps, the writer's among them
	ticks=$(count "$log" 'shmctl\([0-9]+, IPC_STAT')
	scans=$(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/maps\"")
	# the writer's liveness: its start time read once, then a pidfd
	stats=$(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/stat\"")
	echo "    single view: $ticks ticks, $scans scans of /proc/*/maps," \
		"the writer's /proc/PID/stat read $stats times"
	((ticks >= 20)) || fail "only $ticks ticks in 3 s at -d 1" || return 1
	((stats <= 2)) || fail "the writer's stat read $stats times in $ticks ticks" || return 1
	((scans >= 1 && scans <= 2)) || fail "$scans scans of /proc/*/maps in $ticks ticks" ||
		return 1
	# another viewer attaches and detaches: nattch, atime and dtime move
	"$SHMTOP" -k "$k" -b -n 1 >/dev/null || fail "batch viewer failed" || return 1
	until_ok 5 eval '(($(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/maps\"") > scans))' ||
		fail "no new scan after another viewer attached" || return 1
	more=$(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/maps\"")
	echo "    after another viewer attached: $more scans"
	keys single q
}

t_list_view() {
	local log=$TRACE/list ticks limits names most
	writer "$(key 2)" || return 1 # a row on screen whose creator is alive
	traced list -a -d 1 || return 1
	see list "^KEY +SHMID" || return 1
	sleep 3
	ticks=$(count "$log" 'openat\(AT_FDCWD, "/proc/sysvipc/shm"')
	limits=$(count "$log" 'openat\(AT_FDCWD, "/proc/sys/kernel/shmmni"')
	names=$(count "$log" 'openat\(AT_FDCWD, "/etc/passwd"')
	# the ticks that looked up creators (/proc/PID/stat between two reads
	# of /proc/sysvipc/shm)
	most=$(awk '/"\/proc\/sysvipc\/shm"/ { tick++ }
		/openat\(AT_FDCWD, "\/proc\/[0-9]+\/stat"/ { if (!(tick in seen)) n++; seen[tick] }
		END { print n + 0 }' "$log")
	echo "    list view: $ticks ticks; limits read $limits times, /etc/passwd $names," \
		"creators looked up in $most"
	((ticks >= 20)) || fail "only $ticks ticks in 3 s at -d 1" || return 1
	((limits >= 1 && limits <= 2)) || fail "limits read $limits times in $ticks ticks" ||
		return 1
	((names <= 3)) || fail "/etc/passwd read $names times in $ticks ticks" || return 1
	((most >= 1 && most <= 2)) || fail "creators looked up in $most of $ticks ticks" || return 1
	keys list q
}

run_cases t_single_view t_list_view

#!/bin/bash
# SPDX-License-Identifier: MIT
# What a tick reads, end to end: shmtop at -d 1 (ten ticks a second) under
# strace, counting its openat() and shmctl() calls.
#  - The single view finds the attached processes with one scan of every
#    /proc/PID/maps at the start, and scans again only when the segment's
#    attachments move (here: another viewer attaching), never per tick; it
#    reads the writer's /proc/PID/stat once, then watches a pidfd.
#  - The object list reads /proc/sysvipc/shm and lists /dev/shm
#    each tick, and nothing else per tick: the limits, the creators of the
#    rows on screen and whether a SysV orphan's creator is gone again every
#    few seconds, each owner's name once; /proc/PID/maps only on the scans
#    for holders (at the start, every 10 s, and on the key a).
# Other activity on the host cannot fail it: it counts only what concerns
# its own segments and their writers.
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

# Other programs on the host may attach the test's segment too (a viewer of
# every segment reads the records it finds), and each attach rightly makes
# the viewer scan /proc again.  So a scan is checked against what the viewer
# saw: unprompted_scans LOG SHMID PID counts the scans (the openat of PID's
# maps) made when the segment's nattch, atime, dtime and lpid, in the
# IPC_STAT before it, were those of the last scan.  None may be.
unprompted_scans() {
	awk -v id="$2" -v maps="\"/proc/$3/maps\"" '
		index($0, "shmctl(" id ", IPC_STAT") {
			st = ""
			n = split($0, f, /[,{}() ]+/)
			for (i = 1; i <= n; i++)
				if (f[i] ~ /^shm_(nattch|atime|dtime|lpid)=/) st = st " " f[i]
		}
		index($0, "openat(AT_FDCWD, " maps) {
			if (scans++ && st == last) bad++
			last = st
		}
		END { print bad + 0 }' "$1"
}

t_single_view() {
	local k=$(key 1) log=$TRACE/single id ticks scans stats more bad
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	traced single -k "$k" -d 1 || return 1
	see single "RUNNING" || return 1
	# 30 ticks (3 s at -d 1; longer on a loaded host)
	until_ok 30 eval '(($(count "$log" "shmctl\($id, IPC_STAT") >= 30))' ||
		fail "fewer than 30 ticks in 30 s at -d 1" || return 1
	ticks=$(count "$log" "shmctl\($id, IPC_STAT")
	# a full scan opens every process's maps, the writer's among them
	scans=$(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/maps\"")
	bad=$(unprompted_scans "$log" "$id" "$WPID")
	# the writer's liveness: its start time read once, then a pidfd
	stats=$(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/stat\"")
	echo "    single view: $ticks ticks, $scans scans of /proc/*/maps ($bad not prompted by" \
		"an attach or detach), the writer's /proc/PID/stat read $stats times"
	((stats <= 2)) || fail "the writer's stat read $stats times in $ticks ticks" || return 1
	((scans >= 1 && bad == 0)) || fail "$bad scans of /proc/*/maps without a reason" ||
		return 1
	# another viewer attaches and detaches: nattch, atime and dtime move
	"$SHMTOP" -k "$k" -b -n 1 >/dev/null || fail "batch viewer failed" || return 1
	until_ok 5 eval '(($(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/maps\"") > scans))' ||
		fail "no new scan after another viewer attached" || return 1
	more=$(count "$log" "openat\(AT_FDCWD, \"/proc/$WPID/maps\"")
	echo "    after another viewer attached: $more scans"
	keys single q
}

# uids: the owners of the segments on the host now, one a line.
uids() { awk 'NR > 1 { print $8 }' /proc/sysvipc/shm | sort -u; }

# orphan KEY: a SysV segment on KEY whose creator has exited; sets OCPID.
orphan() {
	KEYS+=("$1")
	python3 -c 'import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
sys.exit(libc.shmget(int(sys.argv[1], 16), 4096, 0o1000 | 0o600) < 0)' "$1" ||
		fail "cannot make an orphan on $1" || return 1
	OCPID=$(cpid_of "$(shmid "$1")")
	[[ -n $OCPID ]] || fail "no cpid for the orphan on $1"
}

# The list, with this test's row on screen (selected if need be, whatever
# else is on the host), watched for 12 s or more: each tick reads
# /proc/sysvipc/shm and lists /dev/shm; the limits, the command of the
# row's creator (the writer) and whether the orphan's creator is gone are
# read again once in 5 s; owner names once each; the writer's maps only
# on the scans for holders (every 10 s), and at once on the key a.
t_list_view() {
	local k=$(key 2) log=$TRACE/list from t0 secs ticks devshm limits names lookups owners
	local scans gone more scan
	writer "$k" || return 1 # a row on screen whose creator is alive
	orphan "$(key 3)" || return 1
	# the object list's scan opens each /proc/PID directory, then its maps
	# and fd relative to it
	scan="openat\\([0-9]+, \"$WPID\", O_RDONLY[A-Z_|]*O_DIRECTORY"
	traced list -a -d 1 --sort key || return 1
	see list "^KEY/NAME[▼▲v^]? +SHMID +KIND" || return 1
	# by key, biggest first: this run's 0x73... keys near the top
	keys list k
	see list "^KEY/NAMEv|^KEY/NAME▼" || return 1
	until_ok 3 shows list "^$k " || select_key list "$k" || return 1
	see list "^$(key 3) .* orphan " || return 1
	sleep 1 # the row's first look-up done
	from=$(($(wc -l <"$log") + 1)) t0=$(date +%s%N)
	uids >"$TRACE/owners"
	until_ok 60 eval '(($(tail -n +$from "$log" | count - "\"/proc/sysvipc/shm\"") >= 50 &&
		$(date +%s%N) - t0 >= 12000000000))' || fail "fewer than 50 ticks in 60 s" || return 1
	uids >>"$TRACE/owners"
	secs=$((($(date +%s%N) - t0) / 1000000000))
	tail -n +"$from" "$log" >"$TRACE/window"
	ticks=$(count "$TRACE/window" '"/proc/sysvipc/shm"')
	devshm=$(count "$TRACE/window" 'openat\(AT_FDCWD, "/dev/shm", [^)]*O_DIRECTORY')
	limits=$(count "$TRACE/window" '"/proc/sys/kernel/shmmni"')
	names=$(count "$TRACE/window" '"/etc/passwd"')
	scans=$(count "$TRACE/window" "$scan")
	lookups=$(count "$TRACE/window" "openat\(AT_FDCWD, \"/proc/$WPID/stat\"")
	gone=$(count "$TRACE/window" "openat\(AT_FDCWD, \"/proc/$OCPID/stat\"")
	owners=$(sort -u "$TRACE/owners" | wc -l)
	echo "    list view: $ticks ticks in $secs s; /dev/shm listed $devshm times;" \
		"limits read $limits times, /etc/passwd $names ($owners owners on the host)," \
		"the writer's command $lookups, its maps $scans (scans), the orphan's creator $gone"
	((devshm >= ticks)) || fail "/dev/shm listed $devshm times in $ticks ticks" || return 1
	((limits >= 1 && limits <= secs / 5 + 1)) ||
		fail "limits read $limits times in $secs s" || return 1
	((names <= owners)) || fail "/etc/passwd read $names times in $ticks ticks" || return 1
	((scans >= 1 && scans <= secs / 10 + 1)) ||
		fail "the writer's maps read $scans times in $secs s (a scan every 10 s)" ||
		return 1
	((lookups >= 1 && lookups <= secs / 5 + 1 + scans)) ||
		fail "the writer's command read $lookups times in $secs s" || return 1
	# memoized: the host's churn may ask again, but never every tick
	((gone >= 1 && gone <= ticks / 4)) ||
		fail "the orphan's creator looked up $gone times in $ticks ticks" || return 1
	# the key a scans now
	more=$(count "$log" "$scan")
	keys list a
	until_ok 5 eval '(($(count "$log" "$scan") > more))' ||
		fail "no scan of /proc after the key a" || return 1
	see list "holders [0-9<]+s ago" || return 1
	keys list q
}

run_cases t_single_view t_list_view

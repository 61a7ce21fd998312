#!/bin/bash
# SPDX-License-Identifier: MIT
# The attacks of issue 15, as a second and a third local user would make
# them, each of which must fail:
#  - user A plants a byte copy of a stopped record (with a forged pthread
#    mutex where version 1 kept its lock) in a 0666 segment, or in a 0600
#    one given to root with IPC_SET, or root's own copied into a 0620 one:
#    root's shmwriter refuses it, naming owner, creator and mode, and no
#    byte changes;
#  - A copies user B's live record into a segment of A's own (also one given
#    to B): root's viewer says why the controls are off, and r and p change
#    nothing in B's writer;
#  - a relative --pidfile with a decoy of the same name at /: the decoy
#    survives, the right file goes; a symlink or another user's pidfile is
#    refused and nothing is created;
#  - -m with group or other write bits is refused; --control-mode 0666 warns.
# Needs root and useradd.
#
# usage: e2e_trust.sh SHMTOP SHMWRITER MKSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=trust$$
. "$(dirname "$0")/e2e_lib.sh"

can_add_users || { echo "SKIP: needs root and useradd"; exit 77; }
A=shta$$ B=shtb$$
add_user "$A" && add_user "$B" || exit 1
stage SHMTOP WRITER MKSEG || exit 1
DIR=$(mktemp -d)
CLEANUPS+=("rm -rf '$DIR'")
UA=$(id -u "$A") UB=$(id -u "$B")

as() { runuser -u "$1" -- "${@:2}"; }
# json KEY FIELD: a field of the record on KEY, from batch JSON, parsed.
json() {
	"$SHMTOP" -k "$1" --json -n 1 2>/dev/null |
		python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$2"
}
has_sem() { [[ -n $(ipcs -s | awk -v k="$1" '$1 == k { print $2 }') ]]; }

# A's (or USER's) stopped record on key N, to copy from.
stopped_record_of_a() { # N [USER]
	local k
	k=$(key "$1")
	KEYS+=("$k")
	as "${2:-$A}" "$WRITER" -k "$k" >/dev/null 2>&1 &
	PIDS+=("$!")
	until_ok 10 has_segment "$k" || fail "A's writer did not start" || return 1
	local w
	w=$(cpid_of "$(shmid "$k")") # the writer itself, not runuser
	[[ -n $w ]] || fail "no writer pid" || return 1
	kill "$w"
	until_ok 5 gone "$w" || fail "A's writer did not stop" || return 1
	[[ $(json "$k" state) == stopped ]] || fail "A's record is $(json "$k" state), not stopped"
}

# refused KEY OWNER CREATOR MODE: root's shmwriter refuses the segment on
# KEY with a message naming them, and changes none of its bytes.
refused() {
	local k=$1 before after err rc
	before=$("$MKSEG" "$k" sum)
	err=$(timeout 10 "$WRITER" -k "$k" 2>&1 >/dev/null)
	rc=$?
	after=$("$MKSEG" "$k" sum)
	echo "    shmwriter: $err"
	((rc == 1)) || fail "shmwriter exited $rc" || return 1
	[[ $err == *"owned by $2"*", created by $3"*", mode $4"* ]] ||
		fail "the message does not name owner $2, creator $3 and mode $4" || return 1
	[[ -n $before && $before == "$after" ]] || fail "bytes changed: $before -> $after" ||
		return 1
	! has_sem "$k" || fail "a semaphore was left on $k"
}

t_planted_0666() {
	local k
	k=$(key 2)
	stopped_record_of_a 1 || return 1
	KEYS+=("$k")
	as "$A" "$MKSEG" "$k" copy "$(key 1)" 0666 mutex || fail "A could not plant" || return 1
	refused "$k" "$A (uid $UA)" "$A (uid $UA)" 0666
}

t_planted_given_to_root() {
	local k
	k=$(key 3)
	KEYS+=("$k")
	as "$A" "$MKSEG" "$k" copy "$(key 1)" 0600 mutex || fail "A could not plant" || return 1
	as "$A" "$MKSEG" "$k" chown 0 || fail "A could not give it to root" || return 1
	[[ $(ipcs -m | awk -v k="$k" '$1 == k { print $3 }') == root ]] || fail "not root's" ||
		return 1
	refused "$k" "root (uid 0)" "$A (uid $UA)" 0600
}

# Owner and creator are root's own, but the group may write: the mode
# alone decides (issue 21: only a unit test held this check).
t_planted_0620() {
	local k
	k=$(key 12)
	stopped_record_of_a 11 root || return 1
	KEYS+=("$k")
	"$MKSEG" "$k" copy "$(key 11)" 0620 || fail "could not plant" || return 1
	refused "$k" "root (uid 0)" "root (uid 0)" 0620
}

# copy_view N [chown]: B's live writer on key N, A's copy of its record on
# key N+1 (given to B with chown), viewed by root; r and p change nothing.
copy_view() {
	local kb ka why r0 s0
	kb=$(key "$1") ka=$(key $(($1 + 1)))
	KEYS+=("$kb" "$ka")
	as "$B" "$WRITER" -k "$kb" -m 0644 -i 0.2 >/dev/null 2>&1 &
	PIDS+=("$!")
	until_ok 10 has_segment "$kb" || fail "B's writer did not start" || return 1
	until_ok 5 test "$(json "$kb" state)" = running || fail "B's writer not running" || return 1
	as "$A" "$MKSEG" "$ka" copy "$kb" 0644 || fail "A could not copy B's record" || return 1
	if [[ ${2:-} == chown ]]; then
		as "$A" "$MKSEG" "$ka" chown "$UB" || fail "A could not give it to B" || return 1
		why="names shmid $(shmid "$kb"), not this segment \(shmid $(shmid "$ka"); a copy"
	else
		why="control segment [0-9]+ is owned by $B \(uid $UB\), the data segment by $A \(uid $UA\)"
	fi
	r0=$(json "$kb" resets) s0=$(json "$kb" state)
	[[ $r0 == 0 && $s0 == running ]] || fail "B's writer: resets $r0, $s0" || return 1
	view "copy$1" 200 40 "$SHMTOP -k $ka" || return 1
	see "copy$1" "controls disabled: .*$why" || return 1
	screen "copy$1" | grep -o "controls disabled: .*" | head -1 | sed 's/^/    screen: /'
	keys "copy$1" r
	see "copy$1" "controls disabled" || return 1
	keys "copy$1" p
	see "copy$1" "controls disabled" || return 1
	# B's writer would have applied a command within milliseconds
	local end=$((SECONDS + 2))
	while ((SECONDS <= end)); do
		[[ $(json "$kb" resets) == 0 && $(json "$kb" state) == running ]] ||
			fail "B's writer changed: resets $(json "$kb" resets), $(json "$kb" state)" ||
			return 1
		sleep 0.2
	done
}

t_copy_of_live_record() { copy_view 4; }
t_copy_given_to_owner() { copy_view 6 chown; }

t_pidfile_relative() {
	local k pid line decoy=/run.pid
	k=$(key 8)
	KEYS+=("$k")
	[[ -e $decoy ]] && { echo "    $decoy exists already: case skipped"; return 0; }
	echo "decoy $$" >"$decoy"
	CLEANUPS+=("[[ \$(cat $decoy 2>/dev/null) == 'decoy $$' ]] && rm -f $decoy")
	line=$(cd "$DIR" && "$WRITER" -k "$k" -D --pidfile run.pid 2>&1)
	pid=$(sed -nE 's/.* pid ([0-9]+) .*/\1/p' <<<"$line")
	[[ -n $pid ]] || fail "no pid in '$line'" || return 1
	PIDS+=("$pid")
	[[ $(cat "$DIR/run.pid" 2>/dev/null) == "$pid" ]] || fail "$DIR/run.pid does not hold $pid" ||
		return 1
	kill "$pid"
	until_ok 5 gone "$pid" || fail "the daemon did not stop" || return 1
	until_ok 5 test ! -e "$DIR/run.pid" || fail "$DIR/run.pid was left behind" || return 1
	[[ $(cat "$decoy") == "decoy $$" ]] || fail "the decoy $decoy was touched"
}

# pidfile_refused PATH SAYS: refused with SAYS; no segment, no semaphore.
pidfile_refused() {
	local k err rc
	k=$(key 9)
	KEYS+=("$k")
	err=$(timeout 10 "$WRITER" -k "$k" -D --pidfile "$1" 2>&1 >/dev/null)
	rc=$?
	echo "    shmwriter: $err"
	((rc == 1)) || fail "exit $rc" || return 1
	[[ $err == *"$2"* ]] || fail "the message lacks '$2'" || return 1
	! has_segment "$k" || fail "a segment was made" || return 1
	! has_sem "$k" || fail "a semaphore was made"
}

t_pidfile_symlink() {
	ln -s "$DIR/target" "$DIR/link.pid"
	pidfile_refused "$DIR/link.pid" "symbolic link" || return 1
	[[ ! -e $DIR/target ]] || fail "the link's target was created"
}

t_pidfile_other_owner() {
	touch "$DIR/a.pid"
	chown "$A" "$DIR/a.pid"
	pidfile_refused "$DIR/a.pid" "owned by another user" || return 1
	[[ ! -s $DIR/a.pid ]] || fail "A's file was written"
}

t_modes() {
	local k err rc m
	k=$(key 10)
	KEYS+=("$k")
	for m in 0666 0620; do
		err=$(timeout 10 "$WRITER" -k "$k" -m "$m" 2>&1 >/dev/null)
		rc=$?
		echo "    -m $m: $err"
		((rc == 2)) || fail "-m $m: exit $rc, not 2" || return 1
		[[ $err == *"write the data segment"* ]] || fail "-m $m: no reason given" || return 1
		! has_segment "$k" || fail "-m $m made a segment" || return 1
	done
	"$WRITER" -k "$k" --control-mode 0666 >/dev/null 2>"$DIR/warn" &
	WPID=$!
	PIDS+=("$WPID")
	until_ok 10 has_segment "$k" || fail "writer did not start" || return 1
	grep -q "warning: control mode 0666 lets every local user pause and reset" "$DIR/warn" ||
		fail "no warning for --control-mode 0666: $(cat "$DIR/warn")" || return 1
	# the lock: ipcs -s lists it, owner only, one semaphore
	[[ $(ipcs -s | awk -v k="$k" '$1 == k { print $3, $4, $5 }') == "root 600 1" ]] ||
		fail "ipcs -s does not show the lock" || return 1
	kill "$WPID"
	until_ok 5 gone "$WPID" || fail "writer did not stop" || return 1
	! has_sem "$k" || fail "the lock outlived the writer"
}

run_cases t_planted_0666 t_planted_given_to_root t_planted_0620 t_copy_of_live_record t_copy_given_to_owner \
	t_pidfile_relative t_pidfile_symlink t_pidfile_other_owner t_modes

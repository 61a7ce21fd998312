#!/bin/bash
# SPDX-License-Identifier: MIT
# Permissions with real other users, made by the test and removed after:
# a 0600 data segment is "permission denied" to another user, naming owner
# and mode; a 0644 one may be viewed but the controls are disabled with the
# reason; a 0660 control segment lets the writer's group pause and reset;
# every viewer maps the data read-only; and with /proc mounted hidepid=2 a
# live writer is not mistaken for a dead one.  Needs root.
#
# usage: e2e_users.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=users$$
. "$(dirname "$0")/e2e_lib.sh"

can_add_users || { echo "SKIP: needs root and useradd"; exit 77; }
GROUP=shmg$$ OWNER=shmo$$ MEMBER=shmm$$ OTHER=shmx$$
add_group "$GROUP" || exit 1
add_user "$OWNER" -g "$GROUP" && add_user "$MEMBER" -G "$GROUP" && add_user "$OTHER" || exit 1
# The other users run copies they can reach (the build may sit in a 0700 home).
stage SHMTOP WRITER || { echo "cannot stage the programs"; exit 1; }
for p in "$SHMTOP" "$WRITER"; do
	runuser -u "$OTHER" -- test -x "$p" || { echo "$p not reachable by $OTHER"; exit 1; }
done

# writer_as USER KEY ARGS...: shmwriter run by USER; sets WPID.
writer_as() {
	local u=$1 k=$2
	shift 2
	KEYS+=("$k")
	runuser -u "$u" -- "$WRITER" -k "$k" "$@" >/dev/null 2>&1 &
	WPID=$!
	PIDS+=("$WPID")
	until_ok 10 has_segment "$k" || fail "writer on $k did not start"
}
json_as() { runuser -u "$1" -- "$SHMTOP" -k "$2" --json -n 1 2>/dev/null; }
# The data mapping of pid's /SYSV<key> segment: its permission letters.
map_perms() { awk -v k="/SYSV${2#0x}" '$6 == k { print $2; exit }' "/proc/$1/maps"; }
viewer_pid() { pgrep -u "$1" -f -x "$SHMTOP -k $2"; }

t_denied_0600() {
	local k
	k=$(key 1)
	writer_as "$OWNER" "$k" || return 1
	view denied 100 30 "runuser -u $OTHER -- $SHMTOP -k $k" || return 1
	see denied "permission denied" || return 1
	see denied "owned by $OWNER:$GROUP, mode rw------- \(0600\)" || return 1
	json_as "$OTHER" "$k" | grep -q '"state":"denied"' || fail "batch mode not 'denied'"
}

t_view_only_0644() {
	local k id vp count
	k=$(key 2)
	writer_as "$OWNER" "$k" -m 0644 -i 0.2 || return 1
	id=$(shmid "$k")
	view viewer 100 30 "runuser -u $OTHER -- $SHMTOP -k $k" || return 1
	see viewer "RUNNING" || return 1
	see viewer "controls disabled: control segment [0-9]+ is owned by $OWNER:$GROUP, mode rw------- \(0600\)" ||
		return 1
	keys viewer p
	see viewer "controls disabled" || return 1
	sleep 0.5
	json_as "$OWNER" "$k" | grep -q '"state":"running"' || fail "the writer was paused" || return 1
	vp=$(viewer_pid "$OTHER" "$k")
	[[ -n $vp ]] || fail "no viewer process" || return 1
	[[ $(map_perms "$vp" "$k") == r--s ]] ||
		fail "viewer maps the data segment '$(map_perms "$vp" "$k")', not r--s" || return 1
	count=$(json_as "$OTHER" "$k" | sed -nE 's/.*"count":([0-9]+).*/\1/p')
	[[ -n $count ]] || fail "the other user cannot read the count"
}

t_group_controls_0660() {
	local k
	k=$(key 3)
	writer_as "$OWNER" "$k" -m 0640 --control-mode 0660 -i 0.1 || return 1
	view member 100 30 "runuser -u $MEMBER -- $SHMTOP -k $k" || return 1
	see member "RUNNING" || return 1
	see member "controls: p pause, r reset" || return 1
	keys member p
	see member "PAUSED" || return 1
	json_as "$OWNER" "$k" | grep -q '"state":"paused"' || fail "writer not paused" || return 1
	keys member r
	see member "Reset the count to 0\\?" || return 1
	keys member y
	see member "reset acknowledged" || return 1
	json_as "$OWNER" "$k" | grep -q '"resets":1' || fail "writer not reset" || return 1
	keys member p
	see member "RUNNING" || return 1
	# a user outside the group may not even read 0640
	json_as "$OTHER" "$k" | grep -q '"state":"denied"' || fail "outsider not denied"
}

t_hidepid() {
	local k out
	k=$(key 4)
	writer "$k" -m 0644 || return 1
	out=$(unshare -m sh -c "mount -t proc -o hidepid=2 proc /proc &&
		runuser -u $OTHER -- $SHMTOP -k $k --json -n 1") || fail "unshare/mount failed" || return 1
	[[ $out == *'"state":"running"'* && $out == *'"writer_alive":true'* ]] ||
		fail "with hidepid=2 the live writer shows as: $out"
}

run_cases t_denied_0600 t_view_only_0644 t_group_controls_0660 t_hidepid

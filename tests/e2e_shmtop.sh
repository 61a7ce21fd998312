#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end tests of shmtop in a real terminal.  Each case runs shmtop in a
# tmux server of its own, types with send-keys, reads the screen with
# capture-pane and checks it against ipcs and the writer.  Every wait polls
# with a deadline; keys are unique to this run; everything made is removed.
#
# usage: e2e_shmtop.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=e2e$$
. "$(dirname "$0")/e2e_lib.sh"

# The count on a screen laid out without big digits ("123  rate ...").
value() { screen "$1" | sed -nE 's/^([0-9]+)  rate .*/\1/p' | head -1; }
value_above() { local v; v=$(value "$1"); [[ -n $v ]] && ((v > $2)); }
value_below() { local v; v=$(value "$1"); [[ -n $v ]] && ((v < $2)); }

# --- the cases ---------------------------------------------------------------

t_matches_ipcs() {
	local k id sz cp v
	k=$(key 1)
	writer "$k" -i 0.1 || return 1
	view ipcs 100 30 "$SHMTOP -k $k" || return 1
	see ipcs "RUNNING" || return 1
	until_ok 5 nattch_is "$(shmid "$k")" 2 || fail "nattch is not 2 with the viewer attached"
	id=$(shmid "$k") sz=$(bytes "$k") cp=$(cpid_of "$id")
	[[ -n $id && -n $sz && -n $cp ]] || fail "ipcs gave nothing for $k" || return 1
	[[ $cp == "$WPID" ]] || fail "ipcs cpid $cp is not the writer $WPID" || return 1
	see ipcs "key $k +shmid $id " || return 1
	see ipcs "shmid +$id( |$)" || return 1
	see ipcs "size +$sz " || return 1
	see ipcs "cpid +$cp( |$)" || return 1
	see ipcs "nattch +2( |$)" || return 1
	see ipcs "perms +rw------- 0600" || return 1
	see ipcs "writer pid $WPID \(shmwriter\) alive, running" || return 1
	# The value advances: read it where it is drawn as plain digits.
	view ipcs2 70 16 "$SHMTOP -k $k -d 1" || return 1
	see ipcs2 "^[0-9]+  rate" || return 1
	v=$(value ipcs2)
	until_ok 10 value_above ipcs2 "$((v + 3))" || fail "value stuck at $v"
}

t_pause_resume() {
	local k v1 v2
	k=$(key 2)
	writer "$k" -i 0.05 || return 1
	view pause 70 16 "$SHMTOP -k $k -d 1" || return 1
	see pause "RUNNING" || return 1
	keys pause p
	see pause "PAUSED" || return 1
	see pause "pause acknowledged" || return 1
	v1=$(value pause)
	sleep 1 # 20 writer intervals
	v2=$(value pause)
	[[ -n $v1 && $v1 == "$v2" ]] || fail "value moved while paused: $v1 -> $v2" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | grep -q '"state":"paused"' || fail "JSON not paused" ||
		return 1
	keys pause p
	see pause "RUNNING" || return 1
	until_ok 10 value_above pause "$v2" || fail "value did not move after resume"
}

t_reset() {
	local k
	k=$(key 3)
	writer "$k" -i 0.02 || return 1
	view reset 70 16 "$SHMTOP -k $k -d 1" || return 1
	until_ok 15 value_above reset 60 || fail "count did not reach 60" || return 1
	# r asks with the count and the other viewers; any key but y cancels
	keys reset r
	see reset "Reset the count to 0\\?" || return 1
	see reset "now [0-9]+, writer pid [0-9]+" || return 1
	see reset "other viewers attached: 0" || return 1
	keys reset n
	see reset "reset cancelled" || return 1
	value_above reset 60 || fail "n reset the count" || return 1
	keys reset r
	see reset "Reset the count to 0\\?" || return 1
	keys reset y
	see reset "reset acknowledged" || return 1
	until_ok 5 value_below reset 40 || fail "value did not drop after reset" || return 1
	see reset "resets 1" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | grep -q '"resets":1,' || fail "JSON resets is not 1"
}

t_resize() {
	local k
	k=$(key 4)
	writer "$k" -i 0.1 || return 1
	view resize 100 30 "$SHMTOP -k $k" || return 1
	see resize "ctime " || return 1
	tmux -L "$RUN-resize" resize-window -x 50 -y 15
	see resize "^ shmtop  key $k" || return 1
	see resize "^nattch +2" || return 1
	[[ $(screen resize | wc -l) -eq 15 ]] || fail "not 15 rows" || return 1
	! screen resize | grep -q 'ctime' || fail "50x15 still shows the 100x30 layout" || return 1
	tmux -L "$RUN-resize" resize-window -x 36 -y 8
	see resize "terminal too small: need 40×10" || return 1
	tmux -L "$RUN-resize" resize-window -x 20 -y 6
	see resize "^ *terminal too small:" || return 1
	see resize "^ *need 40×10" || return 1
	tmux -L "$RUN-resize" resize-window -x 100 -y 30
	see resize "ctime " || return 1
	see resize "RUNNING" || return 1
	! shows resize "too small" || fail "'too small' left on screen"
}

t_ascii() {
	local k raw
	k=$(key 5)
	writer "$k" -i 0.1 || return 1
	view ascii 100 30 "env LANG=C LC_ALL=C $SHMTOP -k $k" || return 1
	see ascii "RUNNING" || return 1
	# lines in ACS, which tmux's capture prints as the letters q, x, u, m
	see ascii "^qq segment" || return 1
	see ascii "^ +[0-9]+u[ .:|#]*#" || return 1 # the graph: scale label, ASCII ramp
	see ascii "^ +mq*\^q*$" || return 1          # the axis and the newest marker
	! screen ascii | LC_ALL=C grep -q '[^ -~]' || fail "non-ASCII on the screen" || return 1
	# The bytes themselves, on a pty of our own.
	raw=$(mktemp)
	TERM=xterm LANG=C LC_ALL=C script -qfec "$SHMTOP -k $k -n 3 -d 1" "$raw" </dev/null \
		>/dev/null 2>&1
	grep -q "RUNNING" "$raw" || fail "no screen recorded by script" || { rm -f "$raw"; return 1; }
	! LC_ALL=C grep -q '[^[:print:][:cntrl:]]' "$raw" || fail "non-ASCII bytes sent under LANG=C"
	local rc=$?
	rm -f "$raw"
	return $rc
}

t_quit() {
	local k id
	k=$(key 6)
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	view quit 80 24 "$SHMTOP -k $k" || return 1
	see quit "RUNNING" || return 1
	until_ok 5 nattch_is "$id" 2 || fail "viewer not attached" || return 1
	keys quit q
	until_ok 5 gone "$VPID" || fail "q did not quit" || return 1
	until_ok 5 nattch_is "$id" 1 || fail "nattch did not drop after q" || return 1
	# Esc never quits (as htop): it says so; F10 quits; a hang-up ends it too, detached.
	view quit2 80 24 "$SHMTOP -k $k" || return 1
	see quit2 "RUNNING" || return 1
	keys quit2 Escape
	see quit2 "Esc: nothing to go back to \\(q or F10 quits\\)" || return 1
	! gone "$VPID" || fail "Esc quit" || return 1
	keys quit2 F10
	until_ok 3 gone "$VPID" || fail "F10 did not quit" || return 1
	view quit3 80 24 "$SHMTOP -k $k" || return 1
	see quit3 "RUNNING" || return 1
	until_ok 5 nattch_is "$id" 2 || fail "viewer not attached" || return 1
	kill -HUP "$VPID"
	until_ok 3 gone "$VPID" || fail "SIGHUP did not quit" || return 1
	until_ok 5 nattch_is "$id" 1 || fail "nattch did not drop after SIGHUP"
}

t_late_writer() {
	local k
	k=$(key 7)
	view late 80 24 "$SHMTOP -k $k" || return 1
	see late "no segment with key $k" || return 1
	see late "WAITING" || return 1
	writer "$k" -i 0.1 || return 1
	see late "RUNNING" || return 1
	see late "shmid +$(shmid "$k")( |$)"
}

t_removed() {
	local k id1 id2
	k=$(key 8)
	writer "$k" -i 0.1 || return 1
	id1=$(shmid "$k")
	local w1=$WPID
	view removed 80 24 "$SHMTOP -k $k" || return 1
	see removed "shmid +$id1( |$)" || return 1
	ipcrm -m "$id1"
	see removed "REMOVED" || return 1
	see removed "segment shmid $id1 was removed" || return 1
	kill "$w1"
	until_ok 5 gone "$w1" || fail "writer did not stop" || return 1
	writer "$k" -i 0.1 || return 1
	id2=$(shmid "$k")
	[[ -n $id2 && $id2 != "$id1" ]] || fail "no new segment" || return 1
	see removed "shmid +$id2( |$)" || return 1
	see removed "RUNNING"
}

t_foreign() {
	local k id
	k=$(key 9)
	KEYS+=("$k")
	# The classic example's segment, 1024 bytes, mode 0666, holding text
	# that is no number (its number is a text counter: e2e_textcounter).
	python3 - "$((BASE + 9))" <<'PY' || fail "cannot make the foreign segment" || return 1
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
shmid = libc.shmget(ctypes.c_int(int(sys.argv[1]) - (1 << 32) if int(sys.argv[1]) >= 1 << 31 else int(sys.argv[1])), 1024, 0o1000 | 0o666)
assert shmid >= 0, ctypes.get_errno()
addr = libc.shmat(shmid, None, 0)
ctypes.memmove(addr, b"hello, world\0", 13)
libc.shmdt(ctypes.c_void_p(addr))
PY
	id=$(shmid "$k")
	[[ -n $id ]] || fail "foreign segment missing" || return 1
	view foreign 100 30 "$SHMTOP -k $k" || return 1
	see foreign "FOREIGN" || return 1
	see foreign "key $k holds a segment shmwriter did not make" || return 1
	see foreign "size +1024 " || return 1
	see foreign "perms +rw-rw-rw- 0666" || return 1
	# its preview's window moves through the segment and stays within it
	see foreign "preview: text, first 256 of 1024 bytes, then zeros  PgUp/PgDn" || return 1
	keys foreign NPage
	see foreign "preview: hex, bytes 256-511 of 1024" || return 1
	see foreign "\(all 256 bytes are zero\)" || return 1
	keys foreign NPage NPage NPage NPage
	see foreign "preview: hex, bytes 768-1023 of 1024" || return 1
	keys foreign PPage PPage PPage PPage PPage
	see foreign "preview: text, first 256 of 1024 bytes" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | grep -q '"state":"foreign"' || fail "JSON not foreign" ||
		return 1
	"$WRITER" -k "$k" >/dev/null 2>&1 && fail "shmwriter wrote a foreign segment" && return 1
	kill -0 "$VPID" || fail "shmtop died on a foreign segment"
}

t_batch_json() {
	local k id out
	k=$(key 10)
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	out=$("$SHMTOP" -k "$k" -b -n 2 -d 1)
	[[ $(grep -c "^shmtop  key $k  shmid $id - RUNNING$" <<<"$out") -eq 2 ]] ||
		fail "batch did not print 2 snapshots: $out" || return 1
	grep -Eq "^size +$(bytes "$k") " <<<"$out" || fail "batch size" || return 1
	grep -Eq "^cpid +$WPID$" <<<"$out" || fail "batch cpid" || return 1
	grep -Eq "^count [0-9]+  rate " <<<"$out" || fail "batch count" || return 1
	out=$("$SHMTOP" -k "$k" --json -n 2 -d 1)
	[[ $(wc -l <<<"$out") -eq 2 ]] || fail "JSON: not 2 lines" || return 1
	python3 - "$k" "$id" "$(bytes "$k")" "$WPID" "$(nattch_of "$id")" <<PY || fail "JSON fields"
import json, sys
k, shmid, size, wpid, nattch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rows = [json.loads(l) for l in """$out""".split("\n")]
for r in rows:
    assert r["key"] == k and r["id"] == shmid and r["size"] == size, r
    assert r["cpid"] == wpid and r["writer_pid"] == wpid and r["state"] == "running", r
    assert r["perms"] == "rw-------" and r["status"] is None, r
    assert r["nattch"] == nattch + 1, (r, nattch)  # ipcs ran without the batch viewer
    assert r["writer_command"] == "shmwriter" and r["writer_alive"] is True, r
    assert isinstance(r["age"], float) and 0 <= r["age"] < 2, r
assert rows[1]["count"] > rows[0]["count"], rows
PY
}

t_arguments() {
	local err rc
	for args in "-k zz" "-d 0" "-n 0" "--bogus" "one two" "-k" "-k 1 -f /"; do
		# shellcheck disable=SC2086
		err=$("$SHMTOP" $args 2>&1 >/dev/null)
		rc=$?
		[[ $rc -eq 2 ]] || fail "'$args' exited $rc, not 2" || return 1
		[[ $(wc -l <<<"$err") -eq 1 && $err == shmtop:* ]] ||
			fail "'$args' said: $err" || return 1
	done
	# one operand is a PATH: a missing one is a runtime error, said in one line
	err=$("$SHMTOP" no-such-path 2>&1 >/dev/null)
	rc=$?
	[[ $rc -eq 1 && $(wc -l <<<"$err") -eq 1 && $err == shmtop:*no-such-path* ]] ||
		fail "'no-such-path' exited $rc: $err" || return 1
	"$SHMTOP" -V | grep -q '^shmtop (shmtop) [0-9]' || fail "-V" || return 1
	"$SHMTOP" --help | grep -q -- '--batch' || fail "--help" || return 1
	err=$("$SHMTOP" </dev/null 2>&1) && fail "no tty accepted" && return 1
	[[ $err == *"-b"* ]] || fail "no tty message: $err" || return 1
	view dumb 80 24 "bash -c 'TERM=dumb $SHMTOP; echo rc=\$?; sleep 30'" || return 1
	see dumb "terminal type 'dumb'.*-b" || return 1
	see dumb "rc=1"
}

# The writer killed with -9: DEAD within 2 s, the last value kept.
t_dead() {
	local k v j
	k=$(key 11)
	writer "$k" -i 0.1 || return 1
	view dead 70 16 "$SHMTOP -k $k -d 1" || return 1
	see dead "RUNNING" || return 1
	kill -9 "$WPID"
	until_ok 2 shows dead "DEAD" || fail "DEAD not shown within 2 s" || { screen dead; return 1; }
	j=$("$SHMTOP" -k "$k" --json -n 1)
	v=$(sed -nE 's/.*"count":([0-9]+),.*/\1/p' <<<"$j")
	[[ -n $v ]] || fail "no count in JSON: $j" || return 1
	see dead "^$v  rate" || return 1
	grep -q '"state":"dead"' <<<"$j" || fail "JSON not dead: $j" || return 1
	sleep 1
	[[ $(value dead) == "$v" ]] || fail "value changed after death"
}

# SIGSTOP: STALLED; SIGCONT: RUNNING again.
t_stalled() {
	local k
	k=$(key 12)
	writer "$k" -i 0.1 || return 1
	view stall 70 16 "$SHMTOP -k $k -d 1" || return 1
	see stall "RUNNING" || return 1
	until_ok 10 value_above stall 2 || fail "value stuck" || return 1
	kill -STOP "$WPID"
	see stall "STALLED" 6 || { kill -CONT "$WPID"; return 1; }
	see stall "writer pid $WPID .*(stalled|stopped \(T\)), running, .*beat [0-9.]+s" || { kill -CONT "$WPID"; return 1; }
	kill -CONT "$WPID"
	see stall "RUNNING" 5
}

# The attached processes panel lists the writer (rw) and this viewer (ro),
# marked as such; another viewer is not.
t_attached() {
	local k id
	k=$(key 13)
	writer "$k" -i 0.5 || return 1
	id=$(shmid "$k")
	view att 120 40 "$SHMTOP -k $k" || return 1
	see att "attached: 2 processes, nattch 2" || return 1
	[[ -n $WPID && -n $VPID ]] || fail "no pids" || return 1
	see att "^ *$WPID root +rw +[^ ]*shmwriter -k $k" || return 1
	see att "^ *$VPID root +ro +\(this viewer\) [^ ]*shmtop -k $k" || return 1
	# A third attach (a batch viewer that stays a while) is picked up by
	# the nattch change, and dropped when it leaves.
	"$SHMTOP" -k "$k" -b -n 30 -d 1 >/dev/null &
	local b=$!
	PIDS+=("$b")
	see att "attached: 3 processes, nattch 3" || return 1
	see att "^ *$b root +ro +[^ ]*shmtop -k $k -b" || return 1
	kill "$b"
	see att "attached: 2 processes, nattch 2" || return 1
	! shows att "^ *$b root" || fail "batch viewer still listed"
}

# Another user: a 0644 segment is shown with the controls disabled and why;
# a 0600 one says permission denied, naming the owner and mode.
t_other_user() {
	local k1 k2 u="shmt$$"
	can_add_users || { echo "    SKIP: needs root and useradd"; return 77; }
	k1=$(key 14) k2=$(key 15)
	add_user "$u" || fail "useradd $u" || return 1
	# the user runs a copy it can reach (the build may sit in a 0700 home)
	local SHMTOP=$SHMTOP
	stage SHMTOP || fail "cannot stage $SHMTOP" || return 1
	writer "$k1" -i 0.2 -m 0644 || return 1
	view user1 140 30 "runuser -u $u -- $SHMTOP -k $k1" || return 1
	see user1 "RUNNING" || return 1
	see user1 "controls disabled: control segment [0-9]+ is owned by root:root, mode rw------- \(0600\): view only" ||
		return 1
	keys user1 p
	see user1 "controls disabled" || return 1
	! shows user1 "pause requested" || fail "pause sent without permission" || return 1
	writer "$k2" -i 0.2 -m 0600 || return 1
	view user2 140 30 "runuser -u $u -- $SHMTOP -k $k2" || return 1
	see user2 "NO ACCESS" || return 1
	local id2
	id2=$(shmid "$k2")
	[[ -n $id2 ]] || fail "no shmid for $k2" || return 1
	see user2 "permission denied for key $k2: segment shmid $id2 is owned by root:root, mode rw------- \(0600\)"
}

# NO_COLOR=1 and --no-color: no colour escapes on the wire; without them,
# the same screen has colour (so the check can fail).
t_no_color() {
	local k raw rc=0
	k=$(key 16)
	writer "$k" -i 0.1 || return 1
	raw=$(mktemp)
	sgr_colour() { LC_ALL=C grep -aEq $'\e\\[([0-9;]*;)?(3[0-9]|4[0-9]|9[0-7]|10[0-7])(;[0-9;]*)?m' "$1"; }
	TERM=xterm-256color script -qfec "$SHMTOP -k $k -n 3 -d 1" "$raw" </dev/null >/dev/null 2>&1
	grep -aq "RUNNING" "$raw" && sgr_colour "$raw" || fail "no colour without NO_COLOR" || rc=1
	TERM=xterm-256color NO_COLOR=1 script -qfec "$SHMTOP -k $k -n 3 -d 1" "$raw" </dev/null \
		>/dev/null 2>&1
	grep -aq "RUNNING" "$raw" || fail "NO_COLOR: nothing recorded" || rc=1
	! sgr_colour "$raw" || fail "colour escapes sent with NO_COLOR=1" || rc=1
	TERM=xterm-256color script -qfec "$SHMTOP -k $k -n 3 -d 1 --no-color" "$raw" </dev/null \
		>/dev/null 2>&1
	grep -aq "RUNNING" "$raw" || fail "--no-color: nothing recorded" || rc=1
	! sgr_colour "$raw" || fail "colour escapes sent with --no-color" || rc=1
	rm -f "$raw"
	return $rc
}

# E2E_ONLY="t_dead t_stalled" runs just those.
run_cases ${E2E_ONLY:-t_matches_ipcs t_pause_resume t_reset t_resize t_ascii t_quit \
	t_late_writer t_removed t_foreign t_batch_json t_arguments t_dead t_stalled t_attached \
	t_other_user t_no_color}

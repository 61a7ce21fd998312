#!/bin/bash
# SPDX-License-Identifier: MIT
# The detail views of SysV semaphore sets and message queues (issue 25,
# points 3 and 5), opened with Enter on their row of `shmtop -a`, with real
# objects on this run's keys made and changed by python3 (ctypes to libc's
# semget, semctl, semop, msgget, msgsnd, msgrcv):
#   - a set of 3: each semaphore's value, ncount, zcount and pid on screen
#     are those of `ipcs -s -i ID`, after SETVALs while watched and with two
#     processes blocked in semop() (one for sem 1 to rise, one for sem 0 to
#     reach 0); the log says each waiter arriving and leaving; with the scan
#     of waiters (issue 25 point 4: shmtop -a --json has "waiters"), each
#     is in the processes panel by pid with what it waits for; ipcrm of the
#     set while watched: GONE, "removed", the viewer still running;
#   - a queue: messages and bytes of `ipcs -q -i ID` (cbytes of qbytes),
#     the depth graph, sends and receives while watched counted (the
#     estimates) with a rate, the last sender's command while it runs;
#     the log says full (two messages of 8192 bytes in qbytes 16384), empty
#     and removed;
#   - watching changes nothing: the set's otime and the queue's stime and
#     rtime (set a second before) are the same after seconds of each view;
#   - a set of 1000 semaphores: the first 64 read, and said so;
#   - another user on root's 0600 set and queue: "no read permission", the
#     fields of /proc/sysvipc, a queue's depth still.
#
# usage: e2e_ipcdetail.sh SHMTOP
set -u
SHMTOP=$(realpath "$1")
WRITER=/bin/false # e2e_lib.sh's writer(), unused here
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=screen
unset NO_COLOR ESCDELAY
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
command -v ipcs >/dev/null || { echo "SKIP: no ipcs"; exit 77; }
RUN=ipcdet$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-ipcdetail.XXXXXX") || exit 1
CLEANUPS+=("rm -rf '$TMP'")

# ipc.py OP ARGS: make, change and wait on sets and queues.
cat >"$TMP/ipc.py" <<'PY'
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT, IPC_EXCL, IPC_NOWAIT, SETVAL = 0o1000, 0o2000, 0o4000, 16
class Msg(ctypes.Structure):
    _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 8192)]
def check(v, what):
    if v < 0:
        sys.exit("%s: errno %d" % (what, ctypes.get_errno()))
    return v
def semop(i, num, op, flg):
    b = (ctypes.c_short * 3)(num, op, flg)  # struct sembuf
    return libc.semop(i, b, 1)
op, a = sys.argv[1], [int(x, 0) for x in sys.argv[2:]]
m = Msg(1, b"message")
if op == "mkset":  # KEY NSEMS: sem 0 raised to 5 by a semop (otime set)
    i = check(libc.semget(a[0], a[1], IPC_CREAT | IPC_EXCL | 0o600), "semget")
    check(semop(i, 0, 5, 0), "semop")
    print(i)
elif op == "setval":  # ID NUM VALUE
    check(libc.semctl(a[0], a[1], SETVAL, ctypes.c_int(a[2])), "semctl SETVAL")
elif op == "wait":  # ID NUM OP: blocks until the semop can be done
    print("waiting", flush=True)
    semop(a[0], a[1], a[2], 0)
elif op == "mkq":  # KEY: one message sent, one received (stime, rtime set)
    i = check(libc.msgget(a[0], IPC_CREAT | IPC_EXCL | 0o600), "msgget")
    check(libc.msgsnd(i, ctypes.byref(m), 3, IPC_NOWAIT), "msgsnd")
    check(libc.msgrcv(i, ctypes.byref(m), 8192, 0, IPC_NOWAIT), "msgrcv")
    print(i)
elif op == "send":  # ID N SIZE [GAP]: N messages, GAP seconds apart
    for _ in range(a[1]):
        check(libc.msgsnd(a[0], ctypes.byref(m), a[2], IPC_NOWAIT), "msgsnd")
        time.sleep(a[3] / 1000 if len(a) > 3 else 0)
elif op == "sendhold":  # ID SIZE: one message, then sleeps (a live sender)
    check(libc.msgsnd(a[0], ctypes.byref(m), a[1], IPC_NOWAIT), "msgsnd")
    print("sent", flush=True)
    time.sleep(60)
elif op == "recv":  # ID N
    for _ in range(a[1]):
        check(libc.msgrcv(a[0], ctypes.byref(m), 8192, 0, IPC_NOWAIT), "msgrcv")
PY
ipc() { python3 "$TMP/ipc.py" "$@"; }

# bg OUT ARGS: ipc.py in the background until it prints; sets BPID.
bg() {
	local out=$1
	shift
	python3 "$TMP/ipc.py" "$@" >"$out" 2>&1 &
	BPID=$!
	PIDS+=("$BPID")
	until_ok 10 test -s "$out" || fail "ipc.py $* did not start: $(cat "$out")"
}

# field FILE ID COLUMN: a /proc/sysvipc file's COLUMN (by its heading) of ID.
field() {
	awk -v id="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$2 == id { print $c[col] }' "/proc/sysvipc/$1"
}

# open_row NAME KEY [PREFIX]: the list filtered on KEY (run after PREFIX:
# runuser), Enter on its one row.
open_row() {
	view "$1" 200 64 "${3:-}$SHMTOP -a -d 1 -F $2" || return 1
	see "$1" "^$2 " || return 1
	keys "$1" Enter
}

# sems_match NAME ID: the screen's counters of each semaphore are ipcs -s -i's.
sems_match() {
	ipcs -s -i "$2" >"$TMP/ipcs" || return 1
	screen "$1" >"$TMP/screen"
	python3 - "$TMP/ipcs" "$TMP/screen" <<'PY'
import re, sys
ipcs, scr = open(sys.argv[1]).read().split("\n"), open(sys.argv[2]).read().split("\n")
want, got = {}, {}
at = [i for i, l in enumerate(ipcs) if l.split()[:2] == ["semnum", "value"]]
for l in ipcs[at[0] + 1:] if at else []:
    f = l.split()
    if len(f) == 5:
        for name, v in zip(("value", "ncount", "zcount", "pid"), f[1:]):
            want["sem %s %s" % (f[0], name)] = v
for l in scr:
    m = re.match(r"^[> ] (sem \d+ (value|ncount|zcount|pid)) .* (\d+) +\S+$", l)
    if m:
        got[m.group(1)] = m.group(3)
sys.exit(0 if want and want == got else 1)
PY
}

t_set() {
	local k id w1 w2 otime rc=0
	k=$(key 1)
	KEYS+=("$k")
	id=$(ipc mkset "$k" 3) && [[ -n $id ]] || fail "cannot make the set" || return 1
	ipc setval "$id" 1 7 || return 1
	otime=$(field sem "$id" otime)
	T0=$(date +%s)
	until_ok 3 test "$(date +%s)" -gt "$T0" # a semop by the viewer would show
	open_row set "$k" || return 1
	see set "shmtop  sysv-sem  key $k  semid $id .*SYSV-SEM" || return 1
	see set "a SysV semaphore set of 3 semaphores" || rc=1
	see set " nsems +3$" || rc=1
	see set "counters: 12 " || rc=1
	see set "created: semaphore set semid $id \(its ctime" || rc=1
	until_ok 5 sems_match set "$id" || { fail "the semaphores are not ipcs -s -i $id's"; rc=1; }
	# changed while watched
	ipc setval "$id" 2 9 || return 1
	see set "^  sem 2 value .* 9 " || rc=1
	until_ok 5 sems_match set "$id" || { fail "after SETVAL: not ipcs -s -i $id's"; rc=1; }
	# waiters: sem 1 to rise by 100 (value 7), sem 0 to reach 0 (value 5)
	bg "$TMP/w1" wait "$id" 1 -100 || return 1
	w1=$BPID
	bg "$TMP/w2" wait "$id" 0 0 || return 1
	w2=$BPID
	see set "wait: sem 1: ncount 0 -> 1 \(waiting for it to rise\)" || rc=1
	see set "wait: sem 0: zcount 0 -> 1 \(waiting for it to reach 0\)" || rc=1
	# named by a scan of /proc (a rows' waiters: shmtop -a --json says "waiters")
	if "$SHMTOP" -a --json -n 1 -t sysv-sem | grep -q '"waiters"'; then
		keys set a # a scan now
		see set "^ +$w1 root +waits +python3: sem 1 to rise \(op -100\)" || rc=1
		see set "^ +$w2 root +waits +python3: sem 0 to reach 0" || rc=1
		see set "(^| )waiters +2( |$)" || rc=1
	else
		echo "    (no scan of waiters in this build: the processes panel has the last operators only)"
	fi
	until_ok 5 sems_match set "$id" || { fail "with waiters: not ipcs -s -i $id's"; rc=1; }
	sleep 2 # seconds of the view; the waiters' semops are not done
	[[ $(field sem "$id" otime) == "$otime" ]] ||
		{ fail "otime moved while watched: $otime -> $(field sem "$id" otime)"; rc=1; }
	kill "$w1" "$w2"
	see set "unwait: sem 1: ncount 1 -> 0" || rc=1
	see set "unwait: sem 0: zcount 1 -> 0" || rc=1
	if "$SHMTOP" -a --json -n 1 -t sysv-sem | grep -q '"waiters"'; then
		keys set a
		see set "unwait: pid $w1 \(python3\) no longer waits for sem 1 to rise" || rc=1
	fi
	# removed while watched
	ipcrm -s "$id" || return 1
	see set "GONE" || rc=1
	see set "removed: semid $id was a SysV semaphore set" || rc=1
	see set "removed: semaphore set semid $id: the id is no longer listed" || rc=1
	sleep 0.5
	gone "$VPID" && { fail "the viewer exited on the removed set"; rc=1; }
	return $rc
}

# queue_match NAME ID: messages and bytes on screen are ipcs -q -i's.
queue_match() {
	local q c b
	ipcs -q -i "$2" >"$TMP/ipcsq" || return 1
	q=$(sed -n 's/.*qnum=\([0-9]*\).*/\1/p' "$TMP/ipcsq")
	c=$(sed -n 's/.*cbytes=\([0-9]*\).*/\1/p' "$TMP/ipcsq")
	b=$(sed -n 's/.*qbytes=\([0-9]*\).*/\1/p' "$TMP/ipcsq")
	shows "$1" "^messages +$q +bytes +$c of qbytes $b" &&
		shows "$1" "^[> ] messages .* $q +\S+$" && shows "$1" "^  bytes +bytes .* $c +\S+$"
}

t_queue() {
	local k id stime rtime s rc=0
	k=$(key 2)
	KEYS+=("$k")
	id=$(ipc mkq "$k") && [[ -n $id ]] || fail "cannot make the queue" || return 1
	stime=$(field msg "$id" stime) rtime=$(field msg "$id" rtime)
	T0=$(date +%s)
	until_ok 3 test "$(date +%s)" -gt "$T0" # a msgsnd or msgrcv by the viewer would show
	open_row queue "$k" || return 1
	see queue "shmtop  sysv-msg  key $k  msqid $id .*SYSV-MSG" || return 1
	see queue "estimates, lower bounds" || rc=1
	until_ok 5 queue_match queue "$id" || { fail "not ipcs -q -i $id's"; rc=1; }
	sleep 3 # seconds of the view, nothing sent or received
	[[ $(field msg "$id" stime) == "$stime" && $(field msg "$id" rtime) == "$rtime" ]] ||
		{ fail "stime/rtime moved while watched: $stime $rtime -> $(field msg "$id" stime) $(field msg "$id" rtime)"; rc=1; }
	# sends while watched: their count, a rate, the depth
	ipc send "$id" 10 100 200 &
	s=$!
	see queue "^  sent \(est\.\) .* [0-9]+ +([1-9][0-9.]*|0\.[0-9]*[1-9][0-9]*)/s$" ||
		{ fail "no send rate"; rc=1; }
	wait "$s"
	see queue "^  sent \(est\.\) .* 10 +\S+$" || rc=1
	until_ok 5 queue_match queue "$id" || { fail "after sends: not ipcs -q -i $id's"; rc=1; }
	see queue "── history of messages: value  min 0  max 10 " || rc=1
	ipc recv "$id" 4 || return 1
	see queue "^  received \(est\.\) .* 4 +\S+$" || rc=1
	until_ok 5 queue_match queue "$id" || { fail "after receives: not ipcs -q -i $id's"; rc=1; }
	# the last sender, alive: its command; then full and empty
	ipc recv "$id" 6 || return 1
	see queue "empty: the last of [0-9]+ messages? received" || rc=1
	bg "$TMP/s1" sendhold "$id" 8192 || return 1
	see queue "^ +$BPID root +sender +python3" || rc=1
	ipc send "$id" 1 8192 || return 1
	see queue "full: 16384 bytes of qbytes 16384 in 2 messages" || rc=1
	see queue "^messages +2 +bytes +16384 of qbytes 16384 \(full\)" || rc=1
	until_ok 5 queue_match queue "$id" || { fail "full: not ipcs -q -i $id's"; rc=1; }
	ipc recv "$id" 2 || return 1
	see queue "empty: the last of 2 messages received" || rc=1
	kill "$BPID"
	ipcrm -q "$id" || return 1
	see queue "GONE" || rc=1
	see queue "removed: message queue msqid $id: the id is no longer listed" || rc=1
	gone "$VPID" && { fail "the viewer exited on the removed queue"; rc=1; }
	return $rc
}

# A set of 1000 semaphores: the first 64 read, and said so.
t_huge() {
	local k id
	k=$(key 3)
	KEYS+=("$k")
	id=$(ipc mkset "$k" 1000) && [[ -n $id ]] || fail "cannot make the set" || return 1
	open_row huge "$k" || return 1
	see huge "a SysV semaphore set of 1000 semaphores \(the first shown\)" || return 1
	see huge "counters: 256 " || return 1
	see huge " nsems +1000$"
}

# Root's 0600 set and queue seen by another user: no values, said plainly,
# /proc/sysvipc's fields shown; the queue's depth still (from /proc).
t_other_user() {
	can_add_users || { echo "    SKIP: needs root and useradd"; return 77; }
	local u=shmi$$ ks kq sid qid
	add_user "$u" || return 1
	stage SHMTOP || return 1
	ks=$(key 4) kq=$(key 5)
	KEYS+=("$ks" "$kq")
	sid=$(ipc mkset "$ks" 2) && qid=$(ipc mkq "$kq") || fail "cannot make them" || return 1
	ipc send "$qid" 2 10 || return 1
	open_row oset "$ks" "runuser -u $u -- " || return 1
	see oset "shmtop  sysv-sem  key $ks  semid $sid " || return 1
	see oset "no read permission \(mode 600\): the semaphores' values need it" || return 1
	see oset " nsems +2$" || return 1
	open_row oq "$kq" "runuser -u $u -- " || return 1
	see oq "shmtop  sysv-msg  key $kq  msqid $qid " || return 1
	see oq "^messages +2 +bytes +20 \(qbytes unread\)" || return 1
	see oq "^[> ] messages .* 2 +\S+$"
}

run_cases t_set t_queue t_huge t_other_user

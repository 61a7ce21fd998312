#!/bin/bash
# SPDX-License-Identifier: MIT
# Who is blocked on what (issue 25, point 4), with real waiters: ipcwait
# (tests/ipcwait.c) in semop on a set of 2 semaphores (semnum 1, sem_op
# -1), msgsnd on a full queue, FUTEX_WAIT on a word at offset 8 of a
# /dev/shm object and mq_receive/mq_send on POSIX queues; python3-sysv-ipc
# (the Debian package: /usr/bin/python3) in Semaphore.acquire() on the same
# set and MessageQueue.receive() on another queue; ipcwait's second thread
# in semop on the set (its main thread in pthread_join).
#   - `shmtop -a --json` (parsed) finds each by its pid on its object, with
#     its op, a semop's semnum and sem_op, a futex's offset, a since no
#     later than the scan, and WAITERS their count (-o, --raw); a waiter's
#     since is the same in the second of two snapshots; the set's ncount
#     in `ipcs -s -i ID`, semaphore by semaphore, equals the waiters found;
#     the mq waiters by pid on their queues' mqueue rows;
#   - --prometheus: shmtop_object_waiters of each object, by kind and id,
#     and shmtop_blocked_processes;
#   - the scan's claims (scanwaits): the mq waiters' queues by the device
#     and inode their fd resolves to (stat -L /proc/PID/fd/N: no mqueue
#     mount here), the futex's object by /dev/shm's file, at offset 8;
#   - the list screen's heading says "N processes blocked on IPC";
#   - the detail views of a POSIX object (from the list, Enter) and of a
#     SysV segment (ipcwait shmfutex: attached by shmid) list the processes
#     blocked on a futex in them, with the offset; their event log says
#     when one arrives and leaves;
#   - a waiter that gets its semaphore, its message or its futex wake
#     leaves the list at the next scan;
#   - another user (made here): their process blocked on their own set is
#     its waiter; the same user's process blocked on a set of another IPC
#     namespace whose semid is one of root's (sem_next_id) is no waiter of
#     root's set, nor is one stopped (T) or traced (t, PTRACE_INTERRUPT)
#     while blocked on a set it may use; as that user, the summary and the
#     screen say how many processes are unreadable, and root's waiters are
#     not shown;
#   - watching changes nothing: the sets' otime and the queues' stime and
#     rtime are the same after the viewers ran.
#
# usage: e2e_blocked.sh SHMTOP IPCWAIT SCANWAITS
set -u
SHMTOP=$(realpath "$1")
IPCWAIT=$(realpath "$2")
SCANWAITS=$(realpath "$3")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=screen
unset NO_COLOR ESCDELAY
PY=/usr/bin/python3
$PY -c 'import sysv_ipc' 2>/dev/null || { echo "SKIP: no python3-sysv-ipc"; exit 77; }
command -v ipcs >/dev/null || { echo "SKIP: no ipcs"; exit 77; }
RUN=blocked$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")
OBJ=/dev/shm/shmtop-blocked$$ MQR=/shmtop-blocked-r$$ MQS=/shmtop-blocked-s$$
CLEANUPS+=("rm -f '$OBJ'" "'$IPCWAIT' mqunlink '$MQR'" "'$IPCWAIT' mqunlink '$MQS'")

# The run's keys 1 to 6 (sets, queues, the user's set, a segment), removed at exit
# whatever made them (ipc_make runs in a subshell: $(...)).
for k in 1 2 3 4 5 6; do KEYS+=("$(key $k)"); done

# ipc_make KEY sem|msg MODE [NSEMS]: a set or queue on key KEY, its id.
ipc_make() {
	$PY - "$@" <<'PY'
import sys, sysv_ipc
key, what, mode = int(sys.argv[1]), sys.argv[2], int(sys.argv[3], 8)
if what == "sem":
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    i = libc.semget(key, int(sys.argv[4]), 0o1000 | 0o2000 | mode)
    if i < 0:
        sys.exit("semget: errno %d" % ctypes.get_errno())
    print(i)
else:
    print(sysv_ipc.MessageQueue(key, sysv_ipc.IPC_CREX, mode).id)
PY
}

# bg CMD...: CMD in the background, printing "ready" on stdout before it
# blocks (ipcwait, or $PY -c ... print ready); sets BPID once it is ready.
bg() {
	local out=$TMP/bg.$RANDOM
	"$@" >"$out" 2>&1 &
	BPID=$!
	PIDS+=("$BPID")
	until_ok 10 grep -q ready "$out" || { fail "$* did not get ready: $(cat "$out")"; return 1; }
}

# The documents: shmtop -a --json -n N [-d D] into $TMP/json.
snap() { "$SHMTOP" -a --json "$@" >"$TMP/json" 2>"$TMP/err"; }

# waiters_found PID...: every pid is a waiter in $TMP/json (a new snapshot).
waiters_found() {
	snap -n 1 || return 1
	$PY - "$TMP/json" "$@" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1]).readline())
pids = {w["pid"] for r in doc["sharedmemory"] for w in (r.get("waiters") or [])}
sys.exit(0 if all(int(p) in pids for p in sys.argv[2:]) else 1)
PY
}
# waiter_gone PID: pid is no waiter in a new snapshot.
waiter_gone() {
	snap -n 1 || return 1
	$PY - "$TMP/json" "$1" <<'PY'
import json, sys
doc = json.loads(open(sys.argv[1]).readline())
pids = {w["pid"] for r in doc["sharedmemory"] for w in (r.get("waiters") or [])}
sys.exit(1 if int(sys.argv[2]) in pids else 0)
PY
}

SET=$(ipc_make $((BASE + 1)) sem 600 2) && QUEUE=$(ipc_make $((BASE + 2)) msg 600) &&
	FULLQ=$(ipc_make $((BASE + 3)) msg 600) || exit 1
# times_of: "ID OTIME" of our sets, "ID STIME RTIME" of our queues.
times_of() {
	awk -v s="$SET" 'NR > 1 && $2 == s { print "sem", $2, $(NF - 1) }' /proc/sysvipc/sem
	awk -v a="$QUEUE" -v b="$FULLQ" 'NR > 1 && ($2 == a || $2 == b) { print "msg", $2, $12, $13 }' \
		/proc/sysvipc/msg
}

start_waiters() {
	bg "$IPCWAIT" sem "$SET" 1 -1 && W_SEM=$BPID &&
		bg $PY -c "import sysv_ipc; s = sysv_ipc.Semaphore($((BASE + 1))); print('ready', flush=True); s.acquire()" &&
		W_PYSEM=$BPID &&
		bg $PY -c "import sysv_ipc; q = sysv_ipc.MessageQueue($((BASE + 2))); print('ready', flush=True); q.receive()" &&
		W_PYMSG=$BPID &&
		bg "$IPCWAIT" msgsnd "$FULLQ" && W_SND=$BPID &&
		bg "$IPCWAIT" semthread "$SET" 0 -1 && W_THR=$BPID &&
		bg "$IPCWAIT" futex "$OBJ" 8 && W_FUTEX=$BPID &&
		bg "$IPCWAIT" mqrecv "$MQR" && W_MQR=$BPID &&
		bg "$IPCWAIT" mqsend "$MQS" && W_MQS=$BPID
}

t_json() {
	until_ok 10 waiters_found "$W_SEM" "$W_PYSEM" "$W_PYMSG" "$W_SND" "$W_FUTEX" "$W_THR" ||
		{ fail "the waiters were not all found: $(cat "$TMP/json" "$TMP/err")"; return 1; }
	ipcs -s -i "$SET" >"$TMP/ipcs" || { fail "ipcs -s -i $SET"; return 1; }
	"$SHMTOP" -a -b -n 1 --raw -t sysv-sem,sysv-msg -o ID,KIND,WAITERS >"$TMP/raw" ||
		{ fail "shmtop -a -b -o WAITERS"; return 1; }
	snap -n 2 -d 15 || { fail "shmtop -a --json -n 2"; return 1; }
	$PY - "$TMP" "$SET $QUEUE $FULLQ ${OBJ#/dev/shm/} ${MQR#/} ${MQS#/}" \
		"$W_SEM $W_PYSEM $W_PYMSG $W_SND $W_FUTEX $W_MQR $W_MQS $W_THR" <<'PY'
import json, sys, time
tmp, objs, pids = sys.argv[1], sys.argv[2].split(), [int(p) for p in sys.argv[3].split()]
sset, queue, fullq, name, mqr, mqs = (int(objs[0]), int(objs[1]), int(objs[2]), objs[3],
                                      objs[4], objs[5])
w_sem, w_pysem, w_pymsg, w_snd, w_futex, w_mqr, w_mqs, w_thr = pids
bad = []
docs = [json.loads(l) for l in open(tmp + "/json")]
if len(docs) != 2:
    sys.exit("    FAIL: %d documents" % len(docs))
def rows(doc):
    return doc["sharedmemory"]
def waiters_of(doc, kind, key, value):
    for r in rows(doc):
        if r["kind"] == kind and r[key] == value:
            return r, {w["pid"]: w for w in (r["waiters"] or [])}
    return None, {}
d = docs[0]
r, ws = waiters_of(d, "sysv-sem", "id", sset)
if r is None:
    bad.append("no row of the set %d" % sset)
want = {w_sem: ("semop", 1, -1, None), w_pysem: ("semop", 0, -1, None),
        w_thr: ("semop", 0, -1, None)}  # w_thr: its second thread
for pid, (op, num, sop, off) in want.items():
    w = ws.get(pid)
    if not w or (w["op"], w["semnum"], w["semop"], w["offset"]) != (op, num, sop, off):
        bad.append("set %d: waiter %d is %s, want %s" % (sset, pid, w, (op, num, sop, off)))
if r is not None and r["waiters"] is not None and r.get("waiters") and len(ws) != 3:
    bad.append("set %d: waiters %s, want 3" % (sset, sorted(ws)))
for q, pid, op in ((queue, w_pymsg, "msgrcv"), (fullq, w_snd, "msgsnd")):
    r, ws = waiters_of(d, "sysv-msg", "id", q)
    w = ws.get(pid)
    if not w or w["op"] != op or w["semnum"] is not None or w["offset"] is not None:
        bad.append("queue %d: waiter %d is %s, want %s" % (q, pid, w, op))
    elif r["waiters"] and len(ws) != 1:
        bad.append("queue %d: %d waiters" % (q, len(ws)))
r, ws = waiters_of(d, "posix", "name", name)
w = ws.get(w_futex)
if not w or (w["op"], w["offset"], w["comm"]) != ("futex", 8, "ipcwait"):
    bad.append("%s: waiter %d is %s, want a futex at offset 8" % (name, w_futex, w))
# the mqueue rows (from the holders' fds, or the viewer's mqueue mount):
# each mq waiter once, by its pid, on the row of its queue
mq = [r for r in rows(d) if r["kind"] == "mqueue"]
for pid, op, qname in ((w_mqr, "mq_receive", mqr), (w_mqs, "mq_send", mqs)):
    found = [(r, w) for r in mq for w in (r["waiters"] or []) if w["pid"] == pid]
    if len(found) != 1 or found[0][1]["op"] != op or qname not in found[0][0]["name"]:
        bad.append("mqueue waiter %d: %s, want %s on %s" %
                   (pid, [(r["name"], w) for r, w in found], op, qname))
# since: no later than now, the same in the second snapshot
now = time.time()
def sinces(doc):
    return {w["pid"]: w["since"] for r in rows(doc) for w in (r["waiters"] or [])}
s0, s1 = sinces(docs[0]), sinces(docs[1])
for pid in (w_sem, w_pysem, w_pymsg, w_snd, w_futex, w_thr):
    if pid not in s0 or pid not in s1 or not (0 < s0[pid] <= now) or s0[pid] != s1[pid]:
        bad.append("since of %d: %s then %s" % (pid, s0.get(pid), s1.get(pid)))
# every waiter of another row is of a known op
for r in rows(d):
    for w in r["waiters"] or []:
        if w["op"] not in ("semop", "msgrcv", "msgsnd", "mq_receive", "mq_send", "futex"):
            bad.append("op %r" % w["op"])
    if r["waiters"] is not None and r["waiters"] and r["kind"] == "sysv" and r["ipcns"]:
        bad.append("a waiter of another namespace's segment: %s" % r)
# ncount of ipcs -s -i, semaphore by semaphore
nc = {}
for l in open(tmp + "/ipcs"):
    f = l.split()
    if len(f) == 5 and f[0].isdigit():
        nc[int(f[0])] = int(f[2])
r, ws = waiters_of(d, "sysv-sem", "id", sset)
mine = {}
for w in ws.values():
    mine[w["semnum"]] = mine.get(w["semnum"], 0) + 1
if nc != {0: mine.get(0, 0), 1: mine.get(1, 0)}:
    bad.append("ipcs ncount %s, the waiters by semnum %s" % (nc, mine))
# WAITERS in the table
raw = {(f[1], f[0]): f[2] for f in (l.split() for l in open(tmp + "/raw").read().split("\n")[1:]) if len(f) == 3}
for kind, i, n in (("sysv-sem", sset, 3), ("sysv-msg", queue, 1), ("sysv-msg", fullq, 1)):
    if raw.get((kind, str(i))) != str(n):
        bad.append("WAITERS of %s %d: %s, want %d" % (kind, i, raw.get((kind, str(i))), n))
for b in bad:
    print("    FAIL:", b)
sys.exit(1 if bad else 0)
PY
}

# --prometheus: each object's waiters (shmtop_object_waiters, by kind and
# id: a set's semid, an object's inode) and the heading's count
# (shmtop_blocked_processes), our 8 waiters at least.
t_prom() {
	"$SHMTOP" -a --prometheus >"$TMP/prom" || { fail "shmtop -a --prometheus"; return 1; }
	$PY - "$TMP/prom" "$SET $QUEUE $FULLQ $(stat -c %i "$OBJ")" <<'PY'
import re, sys
sset, queue, fullq, ino = sys.argv[2].split()
w, blocked = {}, None
for l in open(sys.argv[1]):
    m = re.match(r'shmtop_object_waiters\{kind="([^"]*)",name="[^"]*",id="([^"]*)",.*\} (\d+)$', l)
    if m:
        w[(m.group(1), m.group(2))] = int(m.group(3))
    m = re.match(r"shmtop_blocked_processes (\d+)$", l)
    if m:
        blocked = int(m.group(1))
bad = ["%s %s: %s waiters, want %d" % (k, i, w.get((k, i)), n)
       for k, i, n in (("sysv-sem", sset, 3), ("sysv-msg", queue, 1), ("sysv-msg", fullq, 1),
                       ("posix", ino, 1))
       if w.get((k, i)) != n]
if blocked is None or blocked < 8:
    bad.append("shmtop_blocked_processes %s, want 8 or more" % blocked)
for b in bad:
    print("    FAIL:", b)
sys.exit(1 if bad else 0)
PY
}

# claim_is PID OP KIND DEV INO: the scan's claim of PID is that.
claim_is() {
	"$SCANWAITS" >"$TMP/claims" || return 1
	awk -v p="$1" '$1 == p { print $2, $3, $4, $5 }' "$TMP/claims" | grep -qx "$2 $3 $4 $5"
}
# fd_of PID NAME: the fd of PID whose link is NAME.
fd_of() {
	local f
	for f in /proc/"$1"/fd/*; do
		[[ $(readlink "$f") == "$2" ]] && { echo "$f"; return 0; }
	done
	return 1
}

t_claims() {
	local rc=0 p name op f id
	for p in "$W_MQR:$MQR:mq_receive" "$W_MQS:$MQS:mq_send"; do
		IFS=: read -r p name op <<<"$p"
		f=$(fd_of "$p" "$name") || { fail "no fd of $name in $p"; rc=1; continue; }
		id=$(stat -L -c '%d %i' "$f")
		until_ok 5 claim_is "$p" "$op" mqueue $id ||
			{ fail "claim of $p: $(grep "^$p " "$TMP/claims"), want $op mqueue $id"; rc=1; }
	done
	id=$(stat -c '%d %i' "$OBJ")
	claim_is "$W_FUTEX" futex posix $id || { fail "futex claim: $(grep "^$W_FUTEX " "$TMP/claims"), want $id"; rc=1; }
	grep -q "^$W_FUTEX futex posix .* 8\$" "$TMP/claims" || { fail "futex offset: $(grep "^$W_FUTEX " "$TMP/claims")"; rc=1; }
	return $rc
}

# blocked_at_least NAME N: the heading's count on screen NAME is N or more.
blocked_at_least() {
	local n
	n=$(screen "$1" | sed -n 's/.* \([0-9][0-9]*\) process\(es\)\? blocked on IPC.*/\1/p' | head -1)
	[[ -n $n ]] && ((n >= $2))
}

t_screen() {
	view list 250 40 "$SHMTOP -a -d 1" || return 1
	see list "[0-9]+ process(es)? blocked on IPC" || return 1
	until_ok 10 blocked_at_least list 6 || {
		fail "the heading counts fewer than our 6 waiters:"
		screen list | head -3 | sed 's/^/    | /'
		return 1
	}
	keys list q
	until_ok 5 gone "$VPID" || fail "the list did not quit"
}

# The detail views of memory show the processes blocked on a futex in it,
# and their event log a waiter arriving and leaving: the POSIX object's
# (opened from the list with Enter; its waiters ipcwait at offset 8 and
# one at 16, woken here), and a SysV segment's (shmtop -k; ipcwait attached
# by shmid, waiting at offset 8, woken here).
t_views() {
	local name=${OBJ#/dev/shm/} w16 seg wseg
	bg "$IPCWAIT" futex "$OBJ" 16 && w16=$BPID || return 1
	view obj 200 50 "$SHMTOP -a -d 2" || return 1
	# the list drawn first: keys typed before curses sets its mode are flushed
	see obj "^KEY/NAME" || return 1
	filter obj "$name" || return 1
	see obj "$name" || return 1
	keys obj Enter
	see obj "name +$name" || return 1
	see obj "holders: [0-9]+ process(es)?, 2 waiting on a futex in it" 15 || return 1
	see obj "^ *$W_FUTEX root +waits +ipcwait: a futex at offset 8(, .* or more)?\$" || return 1
	see obj "^ *$w16 root +waits +ipcwait: a futex at offset 16" || return 1
	"$IPCWAIT" wake "$OBJ" 16 || { fail "futex wake"; return 1; }
	until_ok 10 gone "$w16" || { fail "the waiter at 16 still runs"; return 1; }
	keys obj a # a rescan
	see obj "unwait: pid $w16 \(ipcwait\) no longer waits for a futex at offset 16" 15 || return 1
	see obj "holders: [0-9]+ process(es)?, 1 waiting on a futex in it" || return 1
	keys obj q
	seg=$($PY -c "import ctypes; l = ctypes.CDLL(None); print(l.shmget($((BASE + 6)), 4096, 0o1600))") &&
		((seg >= 0)) || { fail "shmget"; return 1; }
	view seg 200 50 "$SHMTOP -k $(key 6) -d 2" || return 1
	see seg "attached: 1 process" 15 || return 1 # the viewer
	bg "$IPCWAIT" shmfutex "$seg" 8 && wseg=$BPID || return 1
	keys seg a
	see seg "attached: 2 processes, nattch 2 \(1 is this viewer\), 1 waiting on a futex in it" 15 ||
		return 1
	see seg "^ *$wseg root +waits +ipcwait: a futex at offset 8" || return 1
	see seg "wait: pid $wseg \(ipcwait\) waits for a futex at offset 8" || return 1
	"$IPCWAIT" shmwake "$seg" 8 || { fail "shmwake"; return 1; }
	until_ok 10 gone "$wseg" || { fail "the segment's waiter still runs"; return 1; }
	keys seg a
	see seg "unwait: pid $wseg \(ipcwait\) no longer waits for a futex at offset 8" 15 || return 1
	keys seg q
}

# BLOCKED_CAPTURE=FILE (by hand, not a check): the list screen with the
# run's waiters (its heading's count; the screen has no WAITERS column, so
# `-a -b -o ...,WAITERS` beside it) and the set's detail view, into FILE.
t_capture() {
	local kinds=sysv-sem,sysv-msg,posix,mqueue
	view cap 160 45 "$SHMTOP -a -t $kinds --sort waiters" || return 1
	until_ok 10 blocked_at_least cap 8 || { fail "the heading counts fewer than 8"; return 1; }
	until_ok 10 shows cap "${OBJ#/dev/shm/}" || return 1
	sleep 1
	{
		echo "\$ shmtop -a -t $kinds --sort waiters"
		screen cap | sed '/^ *$/d' # the list's empty rows
		echo
		echo "\$ shmtop -a -b -n 1 -t $kinds --sort waiters -o KIND,KEY,ID,OWNER,NSEMS,MSGS,HOLDERS,WAITERS,NAME"
		"$SHMTOP" -a -b -n 1 -t $kinds --sort waiters -o KIND,KEY,ID,OWNER,NSEMS,MSGS,HOLDERS,WAITERS,NAME
	} >"$BLOCKED_CAPTURE"
	filter cap "$(key 1)" || return 1
	keys cap Enter
	see cap "semid +$SET" || return 1
	see cap "processes: 3 waiting" 15 || return 1
	sleep 1
	{
		echo
		echo "\$ (the list, / $(key 1), Enter: the set's detail view)"
		screen cap
	} >>"$BLOCKED_CAPTURE"
	keys cap q
}

# A waiter that gets what it waits for leaves the list at the next scan:
# the second of two snapshots 3 s apart, woken between them (the waiters
# kept from the first for their since), and every later one.
t_leave() {
	local rc=0 two
	"$SHMTOP" -a --json -n 2 -d 30 >"$TMP/two" 2>&1 &
	two=$!
	PIDS+=("$two")
	until_ok 10 grep -q . "$TMP/two" || { fail "no first snapshot"; return 1; }
	$PY -c "import sysv_ipc; s = sysv_ipc.Semaphore($((BASE + 1))); s.release(); s.release()" ||
		{ fail "release"; return 1; } # semaphore 0, twice: python's and the thread's
	$PY -c "import ctypes; l = ctypes.CDLL(None); op = (ctypes.c_short * 3)(1, 1, 0); assert l.semop($SET, op, 1) == 0" ||
		{ fail "semop +1 on semaphore 1"; return 1; }
	$PY -c "import sysv_ipc; sysv_ipc.MessageQueue($((BASE + 2))).send(b'x')" ||
		{ fail "send"; return 1; }
	"$IPCWAIT" wake "$OBJ" 8 || { fail "futex wake"; return 1; }
	wait "$two" || { fail "shmtop -a --json -n 2: $(cat "$TMP/two")"; rc=1; }
	$PY - "$TMP/two" "$W_SEM $W_PYSEM $W_PYMSG $W_FUTEX $W_THR" "$W_SND" <<'PY' || rc=1
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
woken, stays = {int(p) for p in sys.argv[2].split()}, int(sys.argv[3])
pids = [{w["pid"] for r in d["sharedmemory"] for w in (r["waiters"] or [])} for d in docs]
if len(docs) != 2 or not woken | {stays} <= pids[0] or woken & pids[1] or stays not in pids[1]:
    sys.exit("    FAIL: waiters before %s, after %s; woken %s, staying %d" % (
        sorted(pids[0] & (woken | {stays})), sorted(pids[-1] & (woken | {stays})), sorted(woken), stays))
PY
	for p in "$W_SEM" "$W_PYSEM" "$W_PYMSG" "$W_FUTEX" "$W_THR"; do
		until_ok 10 gone "$p" || { fail "waiter $p still runs"; rc=1; }
		until_ok 10 waiter_gone "$p" || { fail "waiter $p still listed"; rc=1; }
	done
	waiters_found "$W_SND" || { fail "the msgsnd waiter left too"; rc=1; }
	return $rc
}

t_watching() {
	times_of >"$TMP/after"
	diff "$TMP/before" "$TMP/after" >/dev/null || {
		fail "times changed: $(diff "$TMP/before" "$TMP/after" | tr '\n' ' ')"
		return 1
	}
}

# Another user: their own set's waiter shown; another namespace's id,
# a stopped and a traced process not waiters; what they cannot see.
t_users() {
	can_add_users || { echo "    needs root and useradd"; return 77; }
	[[ -w /proc/sys/kernel/sem_next_id ]] || { echo "    no sem_next_id"; return 77; }
	local u=shmb$$ rc=0 open own foreign w_own w_stop w_trace w_ns
	add_user "$u" || return 1
	stage SHMTOP IPCWAIT || return 1
	# as the user, exec'd in place (runuser would fork, and stop with its child)
	local AS="setpriv --reuid=$u --regid=$(id -g "$u") --init-groups"
	# root's set that anyone may use (0666): only the namespace rule keeps
	# the foreign claim out; the user's own set (0600)
	open=$(ipc_make $((BASE + 4)) sem 666 1) || return 1
	own=$(runuser -u "$u" -- $PY -c "import sysv_ipc; print(sysv_ipc.Semaphore($((BASE + 5)), sysv_ipc.IPC_CREX, 0o600).id)") ||
		{ fail "the user's set"; return 1; }
	bg $AS "$IPCWAIT" sem "$own" 0 -1 && w_own=$BPID || return 1
	# in a new IPC namespace, a set whose semid is root's $open
	bg unshare --ipc sh -c "echo $open > /proc/sys/kernel/sem_next_id &&
		$PY -c 'import ctypes; l = ctypes.CDLL(None); assert l.semget(0, 1, 0o1666) == $open' &&
		exec $AS $IPCWAIT sem $open 0 -1" && w_ns=$BPID || return 1
	[[ $(readlink /proc/$w_ns/ns/ipc) != $(readlink /proc/self/ns/ipc) ]] ||
		{ fail "not in another namespace"; return 1; }
	# stopped and traced while blocked on root's 0666 set
	bg $AS "$IPCWAIT" sem "$open" 0 -1 && w_stop=$BPID || return 1
	bg $AS "$IPCWAIT" sem "$open" 0 -1 && w_trace=$BPID || return 1
	until_ok 10 waiters_found "$w_own" "$w_stop" "$w_trace" ||
		{ fail "the user's waiters not found before stopping"; return 1; }
	kill -STOP "$w_stop"
	$PY -c "
import ctypes, sys, time
l = ctypes.CDLL(None, use_errno=True)
pid = $w_trace
assert l.ptrace(0x4206, pid, 0, 0) == 0, ctypes.get_errno()  # PTRACE_SEIZE
assert l.ptrace(0x4207, pid, 0, 0) == 0  # PTRACE_INTERRUPT: stopped, traced
print('ready', flush=True)
time.sleep(60)
" >"$TMP/tracer" 2>&1 &
	PIDS+=($!)
	until_ok 10 grep -q ready "$TMP/tracer" || { fail "tracer: $(cat "$TMP/tracer")"; return 1; }
	until_ok 5 grep -q '^State:.*[tT]' /proc/$w_trace/status || { fail "not traced"; rc=1; }
	grep -q '^State:.*T' /proc/$w_stop/status || { fail "not stopped"; rc=1; }
	until_ok 10 waiter_gone "$w_stop" || { fail "a stopped process is a waiter"; rc=1; }
	waiter_gone "$w_trace" || { fail "a traced process is a waiter"; rc=1; }
	waiter_gone "$w_ns" || { fail "another namespace's process is a waiter of root's set"; rc=1; }
	waiters_found "$w_own" || { fail "the user's own waiter is not found"; rc=1; }
	$PY - "$TMP/json" "$open" "$own" "$w_own" <<'PY' || rc=1
import json, sys
doc = json.loads(open(sys.argv[1]).readline())
sets = {r["id"]: r for r in doc["sharedmemory"] if r["kind"] == "sysv-sem"}
o, mine, pid = sets.get(int(sys.argv[2])), sets.get(int(sys.argv[3])), int(sys.argv[4])
if o is None or o["waiters"] != []:
    sys.exit("    FAIL: root's open set: %s" % o)
if mine is None or [w["pid"] for w in mine["waiters"]] != [pid] or mine["waiters"][0]["semnum"] != 0:
    sys.exit("    FAIL: the user's set: %s" % mine)
PY
	# as the user: root's waiters unseen, and said so
	runuser -u "$u" -- "$SHMTOP" -a -b -n 1 >"$TMP/user-b" 2>&1 || { fail "shmtop -a -b as $u"; rc=1; }
	grep -Eq "\([0-9]+ of [0-9]+ processes unreadable\)" "$TMP/user-b" ||
		{ fail "the user's summary says nothing unreadable: $(sed -n 5p "$TMP/user-b")"; rc=1; }
	runuser -u "$u" -- "$SHMTOP" -a --json -n 1 >"$TMP/user-json" 2>&1 || { fail "json as $u"; rc=1; }
	$PY - "$TMP/user-json" "$SET" "$w_own" "$FULLQ" <<'PY' || rc=1
import json, sys
doc = json.loads(open(sys.argv[1]).readline())
pids = {w["pid"] for r in doc["sharedmemory"] for w in (r["waiters"] or [])}
if int(sys.argv[3]) not in pids:
    sys.exit("    FAIL: the user does not see their own waiter: %s" % pids)
for r in doc["sharedmemory"]:
    if r["kind"] == "sysv-msg" and r["id"] == int(sys.argv[4]) and r["waiters"]:
        sys.exit("    FAIL: the user sees root's msgsnd waiter: %s" % r["waiters"])
PY
	view user 250 40 "runuser -u $u -- $SHMTOP -a -d 1" || return 1
	see user ", [0-9]+ process(es)? unreadable.*[0-9]+ process(es)? blocked on IPC" || rc=1
	keys user q
	kill -CONT "$w_stop"
	return $rc
}

# (the waiters blocked, the full queue filled: what the viewers must not change)
start_waiters || exit 1
times_of >"$TMP/before"
run_cases t_json t_prom t_claims t_screen t_views ${BLOCKED_CAPTURE:+t_capture} t_watching t_leave t_users

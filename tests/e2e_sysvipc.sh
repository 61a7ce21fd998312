#!/bin/bash
# SPDX-License-Identifier: MIT
# SysV semaphore sets and message queues in the object list (issue 25,
# point 1), with real objects on this run's keys made by python3 (ctypes to
# libc's semget, semop, msgget, msgsnd, msgrcv): a set of 1 semaphore (mode
# 0600, one semop), a set of 3 (0644), a queue holding three messages of
# 5, 7 and 11 bytes (0600), and a queue whose one message was received
# (0640).
#   - `shmtop -a -b -n 1 --raw -o ...` and `shmtop -a --json -t
#     sysv-sem,sysv-msg` give each the key, id, kind, owner, perms, NSEMS,
#     USEDBYTES, MSGS, LSPID and LRPID that `lsipc -s -J` / `lsipc -q -J`
#     give, and the times (OTIME, SEND, RECV, CTIME) of /proc/sysvipc; -t
#     keeps those two kinds only;
#   - watching changes nothing: every set's otime and every queue's stime
#     and rtime are the same after the batch runs and 3 s of the list
#     screen (the objects' own times are set a second before, so a semop
#     or msgrcv by the viewer would show);
#   - the list screen shows their rows (KEY and SHMID as a segment's, SIZE
#     a queue's bytes or "-" for a set, NATTCH "-") and the kinds' counts in
#     its heading; F9 on a set asks (its key, id, semaphores, owner, mode,
#     waiters) and n keeps it; Enter opens its detail view and q comes back;
#   - the orphans in -a --json: the sets and queues python3 used (it has
#     exited), not the set never used;
#   - F9 then y on a set and on a queue removes them (gone from ipcs), and
#     the box of a set a process is blocked on names it;
#   - the lock a writer killed with -9 leaves: once its segment is removed,
#     an orphan (ORPHAN yes, STATUS "lock without segment", "lock orphan"
#     on screen); a new writer on the key takes that same set over, and
#     stopped cleanly (--remove-on-exit) leaves neither set nor segment;
#     killed again, its leaked lock removed with F9 and y (the box says it
#     is a writer's lock whose segment is gone), and a new writer on the key
#     runs with a new lock;
#   - another user (useradd, runuser): F9 y on root's set is refused naming
#     its owner (0644, and 0600 that they may not read: checked through
#     /proc/sysvipc); their own set of mode 000 (no IPC_STAT for them
#     either) removed; a set of theirs that root listed, removed and made again
#     on the same id (sem_next_id), is refused by root's y as changed, and
#     the new set kept.
#
# usage: e2e_sysvipc.sh SHMTOP SHMWRITER
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=screen
unset NO_COLOR ESCDELAY
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
command -v lsipc >/dev/null || { echo "SKIP: no lsipc"; exit 77; }
RUN=sysvipc$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")

# The objects, on keys 1 to 4; prints "SET1 SET3 QUEUE QUEUE_RECV" (their ids).
make_objects() {
	python3 - "$BASE" <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
base = int(sys.argv[1])
IPC_CREAT, IPC_EXCL, IPC_NOWAIT = 0o1000, 0o2000, 0o4000
def check(v, what):
    if v < 0:
        sys.exit("%s: errno %d" % (what, ctypes.get_errno()))
    return v
s1 = check(libc.semget(base + 1, 1, IPC_CREAT | IPC_EXCL | 0o600), "semget 1")
s3 = check(libc.semget(base + 2, 3, IPC_CREAT | IPC_EXCL | 0o644), "semget 3")
q = check(libc.msgget(base + 3, IPC_CREAT | IPC_EXCL | 0o600), "msgget")
qr = check(libc.msgget(base + 4, IPC_CREAT | IPC_EXCL | 0o640), "msgget recv")
op = (ctypes.c_short * 3)(0, 1, 0)  # struct sembuf { num, op, flg }
check(libc.semop(s1, op, 1), "semop")
class Msg(ctypes.Structure):
    _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 16)]
m = Msg(1, b"hello, queue")
for n in (5, 7, 11):
    check(libc.msgsnd(q, ctypes.byref(m), n, IPC_NOWAIT), "msgsnd")
check(libc.msgsnd(qr, ctypes.byref(m), 3, IPC_NOWAIT), "msgsnd recv")
check(libc.msgrcv(qr, ctypes.byref(m), 16, 0, IPC_NOWAIT), "msgrcv")
print(s1, s3, q, qr)
PY
}

# The times a viewer must not change, of our objects: "ID OTIME" lines of
# /proc/sysvipc/sem, "ID STIME RTIME" of msg (columns found by the heading).
times_of() {
	local f ids
	for f in sem msg; do
		ids=$([[ $f == sem ]] && echo "$SET1 $SET3" || echo "$QUEUE $QUEUE_RECV")
		awk -v ids=" $ids " 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			index(ids, " " $2 " ") {
				if ("otime" in c) print "sem", $2, $c["otime"]
				else print "msg", $2, $c["stime"], $c["rtime"]
			}' "/proc/sysvipc/$f"
	done | sort
}

# The batch outputs against lsipc and /proc/sysvipc.
t_batch() {
	"$SHMTOP" -a -b -n 1 --raw --bytes -t sysv-sem,sysv-msg \
		-o KEY,ID,KIND,OWNER,PERMS,NSEMS,USEDBYTES,MSGS,LSPID,LRPID,SIZE,NATTCH,HOLDERS >"$TMP/raw" ||
		{ fail "shmtop -a -b --raw failed"; return 1; }
	"$SHMTOP" -a --json -n 1 -t sysv-sem,sysv-msg >"$TMP/json" ||
		{ fail "shmtop -a --json failed"; return 1; }
	lsipc -s -J -b -o KEY,ID,OWNER,PERMS,NSEMS >"$TMP/lsipc-s" || { fail "lsipc -s"; return 1; }
	lsipc -q -J -b -o KEY,ID,OWNER,PERMS,USEDBYTES,MSGS,LSPID,LRPID >"$TMP/lsipc-q" ||
		{ fail "lsipc -q"; return 1; }
	cp /proc/sysvipc/sem "$TMP/proc-sem"
	cp /proc/sysvipc/msg "$TMP/proc-msg"
	python3 - "$TMP" "$IDS" <<'PY'
import json, sys
tmp, ids = sys.argv[1], [int(x) for x in sys.argv[2].split()]
sets, queues = ids[:2], ids[2:]
bad = []
def proc(name):
    lines = open("%s/proc-%s" % (tmp, name)).read().split("\n")
    head = lines[0].split()
    return {int(f[1]): dict(zip(head, f)) for f in (l.split() for l in lines[1:] if l.strip())}
psem, pmsg = proc("sem"), proc("msg")
ls = {int(r["id"]): r for r in json.load(open(tmp + "/lsipc-s"))["semaphores"]}
lq = {int(r["id"]): r for r in json.load(open(tmp + "/lsipc-q"))["messages"]}
doc = json.loads(open(tmp + "/json").read())
rows = doc["sharedmemory"]
if {r["kind"] for r in rows} - {"sysv-sem", "sysv-msg"}:
    bad.append("-t sysv-sem,sysv-msg let other kinds through: %s" % {r["kind"] for r in rows})
byid = {(r["kind"], r["id"]): r for r in rows}
raw = open(tmp + "/raw").read().split("\n")
if raw[0].split() != "KEY ID KIND OWNER PERMS NSEMS USEDBYTES MSGS LSPID LRPID SIZE NATTCH HOLDERS".split():
    bad.append("raw heading: %r" % raw[0])
rawid = {(f[2], int(f[1])): f for f in (l.split() for l in raw[1:] if l.strip())}
def t(v):  # a /proc time as the JSON gives it
    return int(v) or None
for kind, mine, l, p in (("sysv-sem", sets, ls, psem), ("sysv-msg", queues, lq, pmsg)):
    for i in mine:
        r, f = byid.get((kind, i)), rawid.get((kind, i))
        if r is None or f is None or i not in l or i not in p:
            bad.append("%s %d: json %s, raw %s, lsipc %s, proc %s" % (kind, i, r is not None,
                       f is not None, i in l, i in p))
            continue
        want = {"key": l[i]["key"], "owner": l[i]["owner"], "perms": l[i]["perms"],
                "ctime": t(p[i]["ctime"]), "holders": None, "nattch": None,
                "name": None, "cpid": None, "rss": None}
        if kind == "sysv-sem":
            want.update(nsems=int(l[i]["nsems"]), otime=t(p[i]["otime"]), size=None,
                        usedbytes=None, msgs=None, lspid=None)
            cells = [l[i]["key"], str(i), kind, l[i]["owner"], l[i]["perms"], l[i]["nsems"],
                     "-", "-", "-", "-", "-", "-", "-"]
        else:
            want.update(usedbytes=int(l[i]["usedbytes"]), msgs=int(l[i]["msgs"]),
                        lspid=int(l[i]["lspid"]), lrpid=int(l[i]["lrpid"]),
                        send=t(p[i]["stime"]), recv=t(p[i]["rtime"]),
                        size=int(l[i]["usedbytes"]), nsems=None, otime=None)
            cells = [l[i]["key"], str(i), kind, l[i]["owner"], l[i]["perms"], "-",
                     l[i]["usedbytes"], l[i]["msgs"], l[i]["lspid"], l[i]["lrpid"],
                     l[i]["usedbytes"], "-", "-"]
        for k, v in want.items():
            if r.get(k, "missing") != v:
                bad.append("%s %d: json %s is %r, want %r" % (kind, i, k, r.get(k, "missing"), v))
        if f != cells:
            bad.append("%s %d: raw %s, want %s" % (kind, i, f, cells))
# what was made, as made
q = byid.get(("sysv-msg", queues[0]), {})
if (q.get("usedbytes"), q.get("msgs"), q.get("recv")) != (23, 3, None):
    bad.append("queue: usedbytes %s msgs %s recv %s, want 23 3 None" % (q.get("usedbytes"),
               q.get("msgs"), q.get("recv")))
qr = byid.get(("sysv-msg", queues[1]), {})
if qr.get("msgs") != 0 or not qr.get("lrpid") or not qr.get("recv"):
    bad.append("received queue: %s" % qr)
s1, s3 = byid.get(("sysv-sem", sets[0]), {}), byid.get(("sysv-sem", sets[1]), {})
if (s1.get("nsems"), s3.get("nsems"), s3.get("perms"), s3.get("otime")) != (1, 3, "rw-r--r--", None) \
        or not s1.get("otime"):
    bad.append("sets: %s %s" % (s1, s3))
# orphans: python3, which used them, exited; SET3 was never used and root
# runs processes
orphans = [byid.get(k, {}).get("orphan") for k in (("sysv-sem", sets[0]), ("sysv-sem", sets[1]),
           ("sysv-msg", queues[0]), ("sysv-msg", queues[1]))]
if orphans != [True, False, True, True]:
    bad.append("orphans of SET1 SET3 QUEUE QUEUE_RECV: %s, want True False True True" % orphans)
for b in bad:
    print("    FAIL:", b)
sys.exit(1 if bad else 0)
PY
}

# The list screen: the rows, the heading, F9 and Enter on a set.
t_screen() {
	local rc=0
	view list 200 50 "$SHMTOP -a -d 1 -F $(key 0 | cut -c1-8)" || return 1
	see list "^Kinds .* sysv-sem [0-9]+  sysv-msg [0-9]+ " || rc=1
	see list "^$(key 1) +$SET1 +sysv-sem +root +rw------- +- +- +orphan +- " || rc=1
	see list "^$(key 2) +$SET3 +sysv-sem +root +rw-r--r-- +- +- +- " || rc=1
	see list "^$(key 3) +$QUEUE +sysv-msg +root +rw------- +23 +- +orphan +- " || rc=1
	see list "^$(key 4) +$QUEUE_RECV +sysv-msg +root +rw-r----- +0 +- +orphan +- " || rc=1
	sleep 3 # three ticks of the list
	keys list /
	tmux -L "$RUN-list" send-keys -N 20 BSpace # the -F text
	keys list "$(key 2)" Enter
	see list "^$(key 2) +$SET3 " || rc=1
	keys list F9
	see list "Remove SysV semaphore set key $(key 2), semid $SET3\?" || rc=1
	see list "3 semaphores, owner root, mode 644" || rc=1
	see list "no process waits on it|waiters unknown" || rc=1
	keys list n
	keys list Enter
	see list "shmtop  sysv-sem  key $(key 2)  semid $SET3 " || rc=1
	keys list q # back to the list (e2e_ipcdetail.sh tests the detail views)
	see list "^$(key 2) +$SET3 " || rc=1
	keys list q
	until_ok 5 gone "$VPID" || { fail "the list did not quit"; rc=1; }
	[[ $(ipcs -s | awk -v k="$(key 2)" '$1 == k { print $2 }') == "$SET3" ]] ||
		{ fail "the set is gone"; rc=1; }
	return $rc
}

# Watching changed no time (the batch runs and the screen came after BEFORE).
t_watching() {
	times_of >"$TMP/after"
	[[ $(wc -l <"$TMP/before") == 4 ]] || { fail "times of 4 objects: $(cat "$TMP/before")"; return 1; }
	diff "$TMP/before" "$TMP/after" >/dev/null || {
		fail "times changed:"
		diff "$TMP/before" "$TMP/after" | sed 's/^/    | /'
		return 1
	}
}

KEYS+=("$(key 1)" "$(key 2)" "$(key 3)" "$(key 4)")
read -r SET1 SET3 QUEUE QUEUE_RECV < <(make_objects)
[[ -n ${QUEUE_RECV:-} ]] || { fail "cannot make the sets and queues"; exit 1; }
IDS="$SET1 $SET3 $QUEUE $QUEUE_RECV"
times_of >"$TMP/before"
T0=$(date +%s)
until_ok 3 test "$(date +%s)" -gt "$T0" # the next second: a change would show

lock_of() { ipcs -s | awk -v k="$1" '$1 == k { print $2 }'; }

# The sysv-sem row of key $1 in -a --json: "ORPHAN STATUS" (None when null).
lock_row() {
	"$SHMTOP" -a --json -n 1 -t sysv-sem | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin)["sharedmemory"] if r["key"] == sys.argv[1]]
print(len(rows), *((r["orphan"], r["status"]) for r in rows))' "$1"
}

t_lock_leak() {
	local k semid out
	k=$(key 9)
	writer "$k" -i 0.05 --remove-on-exit || return 1
	semid=$(lock_of "$k")
	[[ -n $semid ]] || fail "no lock set on $k" || return 1
	out=$(lock_row "$k")
	[[ $out == "1 (False, None)" ]] || fail "a running writer's lock: $out" || return 1
	kill -9 "$WPID"
	wait "$WPID" 2>/dev/null
	ipcrm -M "$k" || return 1
	[[ $(lock_of "$k") == "$semid" ]] || fail "the lock went with its writer" || return 1
	out=$(lock_row "$k")
	[[ $out == "1 (True, 'lock without segment')" ]] || fail "the leaked lock: $out" ||
		return 1
	view leak 200 30 "$SHMTOP -a -t sysv-sem -F $k" || return 1
	see leak "$k +$semid +sysv-sem .* lock orphan" || return 1
	# a new writer on the key: the same set, held, no orphan
	writer "$k" -i 0.05 --remove-on-exit || return 1
	[[ $(lock_of "$k") == "$semid" ]] || fail "a new lock: $(lock_of "$k"), was $semid" ||
		return 1
	out=$(lock_row "$k")
	[[ $out == "1 (False, None)" ]] || fail "the lock taken over: $out" || return 1
	kill -TERM "$WPID"
	wait "$WPID" 2>/dev/null
	until_ok 5 test -z "$(lock_of "$k")" || fail "the lock left after a clean stop" ||
		return 1
	! has_segment "$k" || fail "the segment left after a clean stop" || return 1
	# killed again: the leaked lock removed from the list, then a new writer
	writer "$k" -i 0.05 --remove-on-exit || return 1
	semid=$(lock_of "$k")
	kill -9 "$WPID"
	wait "$WPID" 2>/dev/null
	ipcrm -M "$k" || return 1
	view rm 200 30 "$SHMTOP -a -t sysv-sem -F $k" || return 1
	see rm "$k +$semid +sysv-sem .* lock orphan" || return 1
	keys rm F9
	see rm "Remove SysV semaphore set key $k, semid $semid\?" || return 1
	see rm "a writer's lock whose segment is gone" || return 1
	keys rm y
	until_ok 5 no_set "$k" || fail "the lock is still there: $(ipcs -s)" ||
		return 1
	keys rm q
	writer "$k" -i 0.05 --remove-on-exit || return 1
	[[ -n $(lock_of "$k") && $(lock_of "$k") != "$semid" ]] ||
		fail "the new writer's lock: '$(lock_of "$k")', the removed one $semid" || return 1
	out=$(lock_row "$k")
	[[ $out == "1 (False, None)" ]] || fail "the new writer's lock: $out" || return 1
	kill -TERM "$WPID"
	wait "$WPID" 2>/dev/null
	until_ok 5 no_set "$k" || fail "the new lock left after a clean stop"
}

# python3 ctypes on IPC, the script on stdin (IPC_PY): "sem KEY NSEMS MODE",
# "msg KEY MODE", "block ID" (wait on semaphore 0 of set ID, which is 0),
# "rm ID" (a set); prints the id.
IPC_PY=$TMP/ipc.py
cat >"$IPC_PY" <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT, IPC_EXCL, IPC_RMID = 0o1000, 0o2000, 0
what, a = sys.argv[1], sys.argv[2:]
if what == "sem":
    v = libc.semget(int(a[0], 0), int(a[1]), IPC_CREAT | IPC_EXCL | int(a[2], 8))
elif what == "msg":
    v = libc.msgget(int(a[0], 0), IPC_CREAT | IPC_EXCL | int(a[1], 8))
elif what == "block":
    v = libc.semop(int(a[0]), (ctypes.c_short * 3)(0, -1, 0), 1)
elif what == "rm":
    v = libc.semctl(int(a[0]), 0, IPC_RMID)
if v < 0:
    sys.exit("%s: errno %d" % (what, ctypes.get_errno()))
print(v)
PY
ipc() { python3 - "$@" <"$IPC_PY"; }
no_set() { [[ -z $(lock_of "$1") ]]; }
no_queue() { [[ -z $(ipcs -q | awk -v k="$1" '$1 == k') ]]; }
waiting_one() { [[ $(ipcs -s -i "$1" | awk '$1 == "0" { print $3 }') == 1 ]]; }
ipc_as() { runuser -u "$1" -- python3 - "${@:2}" <"$IPC_PY"; }

# F9 then y on a set and on a queue: gone; a blocked process named first.
t_remove() {
	local set queue blocked rc=0
	KEYS+=("$(key 10)" "$(key 11)")
	set=$(ipc sem "$(key 10)" 1 600) || return 1
	queue=$(ipc msg "$(key 11)" 600) || return 1
	python3 - block "$set" <"$IPC_PY" >/dev/null 2>&1 &
	blocked=$!
	PIDS+=("$blocked")
	until_ok 5 waiting_one "$set" ||
		fail "no process waits on the set" || return 1
	view rm2 200 40 "$SHMTOP -a -d 1 -F $(key 10)" || return 1
	see rm2 "^$(key 10) +$set +sysv-sem " || return 1
	keys rm2 a # a scan, for the waiters
	sleep 1
	keys rm2 F9
	see rm2 "Remove SysV semaphore set key $(key 10), semid $set\\?" || return 1
	see rm2 "1 semaphore, owner root, mode 600" || rc=1
	# its waiter by pid once the blocked scan names it; else none or unknown
	see rm2 "woken with EIDRM: $blocked python3|no process waits on it|waiters unknown" ||
		rc=1
	keys rm2 y
	until_ok 5 gone "$blocked" || { fail "the waiter was not woken"; rc=1; kill "$blocked"; }
	wait "$blocked" 2>/dev/null
	until_ok 5 no_set "$(key 10)" ||
		fail "the set is still there" || return 1
	keys rm2 q
	view rm3 200 40 "$SHMTOP -a -d 1 -F $(key 11)" || return 1
	see rm3 "^$(key 11) +$queue +sysv-msg " || return 1
	keys rm3 F9
	see rm3 "Remove SysV message queue key $(key 11), msqid $queue\\?" || return 1
	see rm3 "0 messages, 0B? \\(0 bytes\\) lost with it, owner root, mode 600" || rc=1
	keys rm3 y
	until_ok 5 no_queue "$(key 11)" ||
		fail "the queue is still there" || return 1
	keys rm3 q
	return $rc
}

# Another user: root's set is not theirs to remove; their set, removed and
# made again on its id after root listed it, is another set to root.
t_other_user() {
	local u=rm$$ uid set theirs again rc=0
	can_add_users || { echo "    needs root and useradd"; return 77; }
	add_user "$u" || return 1
	stage SHMTOP || return 1 # the build may be under a 0700 home
	uid=$(id -u "$u")
	KEYS+=("$(key 12)" "$(key 13)" "$(key 14)")
	set=$(ipc sem "$(key 12)" 1 644) || return 1
	view other 200 40 "runuser -u $u -- $SHMTOP -a -d 5 -F $(key 12)" || return 1
	see other "^$(key 12) +$set +sysv-sem +root " || return 1
	keys other F9
	see other "Remove SysV semaphore set key $(key 12), semid $set\?" || return 1
	keys other y
	see other "cannot remove semaphore set semid $set: owned by root \(uid 0\), you are uid $uid" ||
		rc=1
	[[ $(ipcs -s | awk -v k="$(key 12)" '$1 == k { print $2 }') == "$set" ]] ||
		fail "root's set is gone" || rc=1
	keys other q
	# without read permission (IPC_STAT refused): checked in /proc/sysvipc,
	# root's 0600 set refused by the kernel, their own mode 000 set removed
	KEYS+=("$(key 15)" "$(key 16)")
	local closed mine
	closed=$(ipc sem "$(key 15)" 1 600) || return 1
	mine=$(ipc_as "$u" sem "$(key 16)" 1 000) || return 1
	view noread 200 40 "runuser -u $u -- $SHMTOP -a -d 5 -F $(key 15)" || return 1
	see noread "^$(key 15) +$closed +sysv-sem +root " || return 1
	keys noread F9
	see noread "Remove SysV semaphore set key $(key 15), semid $closed\\?" || return 1
	keys noread y
	see noread "cannot remove semaphore set semid $closed: owned by root \\(uid 0\\), you are uid $uid" ||
		rc=1
	keys noread q
	view own 200 40 "runuser -u $u -- $SHMTOP -a -d 5 -F $(key 16)" || return 1
	see own "^$(key 16) +$mine +sysv-sem +$u +--------- " || return 1
	keys own F9
	see own "Remove SysV semaphore set key $(key 16), semid $mine\\?" || return 1
	keys own y
	until_ok 5 no_set "$(key 16)" || fail "their mode 000 set is still there" || rc=1
	keys own q
	# theirs, listed by root; removed and made again on its id
	theirs=$(ipc_as "$u" sem "$(key 13)" 1 600) ||
		return 1
	view root 200 40 "$SHMTOP -a -d 5 -F $(key 13)" || return 1
	see root "^$(key 13) +$theirs +sysv-sem +$u " || return 1
	keys root F9
	see root "Remove SysV semaphore set key $(key 13), semid $theirs\?" || return 1
	ipc_as "$u" rm "$theirs" >/dev/null || return 1
	echo "$theirs" >/proc/sys/kernel/sem_next_id
	again=$(ipc_as "$u" sem "$(key 14)" 1 600) ||
		return 1
	[[ $again == "$theirs" ]] || fail "made again on $again, not $theirs" || return 1
	keys root y
	see root "cannot remove semaphore set semid $theirs: it changed since it was listed" ||
		rc=1
	[[ $(ipcs -s | awk -v k="$(key 14)" '$1 == k { print $2 }') == "$theirs" ]] ||
		fail "their new set is gone" || rc=1
	keys root q
	return $rc
}

run_cases ${CASES:-t_batch t_screen t_watching t_lock_leak t_remove t_other_user}

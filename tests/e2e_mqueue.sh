#!/bin/bash
# SPDX-License-Identifier: MIT
# POSIX message queues in the object list (issue 25: point 1's mqueue kind,
# its orphans and point 6's removal), with real queues made by
# tests/mqholder, in a mount namespace of the test's own (unshare --mount
# --propagation private: the host's mounts are not changed; the queues are
# the host's IPC namespace's, named /shmtop-e2e-PID-*, all unlinked at
# exit):
#   - no mqueue file system mounted (any the namespace had unmounted): a
#     holder's queue is still a row, from its fd (name, QSIZE, holder),
#     not removable by name, and the summary says how to list every queue;
#     its detail view reads it by its name alone (mq_open());
#   - mounted on a folder of the test's (not /dev/mqueue: the viewer finds
#     it in mountinfo, after another IPC namespace's mount, which it
#     skips, its queue not listed): each queue's row against what
#     mq_getattr() and its file say (QSIZE as SIZE and QSIZE, mode, owner,
#     MTIME the file's mtime, its holder by pid); a read moves the file's
#     atime and ctime, never its mtime; -t mqueue keeps that kind only,
#     --sort size orders by QSIZE; --prometheus has its samples; the kinds'
#     totals count it;
#   - Enter on a queue's row: its detail view, against mq_getattr() and
#     the file (messages, maxmsg, msgsize, QSIZE), its holders, the graph;
#     watching moves no mtime and takes no message; full, empty (and the
#     estimates), a blocked receiver (with the scan of waiters), removed
#     and made again under its name (another queue);
#   - the queue whose holder is killed is an orphan, with its bytes;
#   - F9, y on the list screen unlinks a queue (gone from the mount);
#   - another user's queue, named with control characters, shown escaped
#     on the screen, owned by them in root's view; when they swap it for
#     another queue of the same name between root's F9 and y, root's
#     removal refuses ("changed since it was listed") and their new queue
#     stays; their queue held full, its file made unreadable (chmod 000)
#     and unlinked under root's detail view: read still, answering keys,
#     then removed; viewed by that user, root's 0640 queue says that
#     mq_getattr() needs read permission, and that its holders are
#     unknown (root's processes unreadable).
#
# usage: e2e_mqueue.sh SHMTOP MQHOLDER
set -u
if [[ -z ${E2E_MQUEUE_NS:-} ]]; then
	[[ $(id -u) -eq 0 ]] || { echo "SKIP: root needed (a mount namespace)"; exit 77; }
	command -v unshare >/dev/null || { echo "SKIP: no unshare"; exit 77; }
	E2E_MQUEUE_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
SHMTOP=$(realpath "$1")
MQHOLDER=$(realpath "$2")
WRITER=/bin/true
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=screen
unset NO_COLOR ESCDELAY
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
RUN=mqueue$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d)
chmod 0755 "$TMP"
CLEANUPS+=("rm -rf '$TMP'")
P=shmtop-e2e-$$
MQS=() # the names this test made: unlinked at exit (after the holders are killed)
unlink_ours() {
	python3 - "$@" <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
for n in sys.argv[1:]:
    libc.mq_unlink(n.encode("utf-8", "surrogateescape"))
PY
}
# first: unmounted before the folder is removed (rm -rf in a mount of the
# host's queues would unlink other tests' queues)
CLEANUPS=("umount -l '$TMP/mq' 2>/dev/null" "umount -l '$TMP/other' 2>/dev/null" 'unlink_ours "${MQS[@]}"' "${CLEANUPS[@]}")

# hold VAR ARGS...: mqholder ARGS in the background until it says "ready PID
# QSIZE"; its pid in VAR, QSIZE in VAR_QSIZE.  The last ARG is the name.
hold() {
	local v=$1
	shift
	MQS+=("${@: -1}")
	"${AS[@]}" "$MQHOLDER" "$@" >"$TMP/$v" 2>"$TMP/$v.err" &
	PIDS+=("$!")
	until_ok 10 grep -qs '^ready ' "$TMP/$v" ||
		{ echo "    mqholder $* did not start: $(cat "$TMP/$v.err")"; return 1; }
	printf -v "$v" '%s' "$(awk '{ print $2 }' "$TMP/$v")"
	printf -v "${v}_QSIZE" '%s' "$(awk '{ print $3 }' "$TMP/$v")"
}
AS=()

# json: shmtop -a --json -t mqueue, one snapshot.
json() { "$SHMTOP" -a --json -n 1 -t mqueue "$@" >"$TMP/json" 2>"$TMP/json.err"; }
# check PY: a python3 check of the JSON rows (r: the rows by name), with
# the environment; fails with what it prints.
check() {
	python3 - "$TMP/json" "$1" <<'PY'
import json, os, sys
rows = json.load(open(sys.argv[1]))["sharedmemory"]
r = {x["name"]: x for x in rows}
env = os.environ
exec(sys.argv[2])
PY
}

# No mqueue mount: a queue known from its holder's fd only.
t_no_mount() {
	local m rc=0
	for m in $(awk '$0 ~ / - mqueue / { print $5 }' /proc/self/mountinfo); do
		umount -l "$m" || return 1
	done
	hold H0 -c -n 2 -s 10 "/$P-nomount" || return 1
	json || return 1
	H0=$H0 Q=$H0_QSIZE N="/$P-nomount" check '
n = env["N"]
assert n in r, "no row of %s: %s" % (n, sorted(r))
x = r[n]
assert x["kind"] == "mqueue", x
assert x["qsize"] == int(env["Q"]) == 20 and x["size"] == 20, x
assert [h["pid"] for h in x["holders"]] == [int(env["H0"])], x["holders"]
assert x["holders"][0]["fds"] == 1 and x["orphan"] is False, x
assert x["perms"] == "rw-------" and x["owner"] == "root", x
assert all(y["kind"] == "mqueue" for y in rows), rows
' || rc=1
	"$SHMTOP" -a -b -n 1 -t mqueue >"$TMP/text" || rc=1
	grep -q "no mqueue file system mounted: mount -t mqueue none /dev/mqueue lists every queue" \
		"$TMP/text" || fail "the summary does not say that no mqueue is mounted" || rc=1
	# F9 on it: not removable by name
	view nomount 200 50 "$SHMTOP -a -d 1 -F $P-nomount" || return 1
	see nomount "^/$P-nomount +mqueue +root +rw------- +20 " || rc=1
	keys nomount F9
	see nomount "cannot be removed by name: no mqueue file system is mounted" || rc=1
	keys nomount n
	# Enter: its detail view, by mq_open() of the name alone (QSIZE read
	# through that descriptor), checked to be the holder's inode
	keys nomount Enter
	see nomount "messages +2 of maxmsg 8( |$)" || rc=1
	see nomount "bytes +20 of 80 \\(8 \\* msgsize 10\\)" || rc=1
	see nomount "^ +$H0 root +fd +mqholder" || rc=1
	keys nomount q q
	kill "$H0"
	return $rc
}

# The viewer's mount on $TMP/mq, after another IPC namespace's on
# $TMP/other (first in mountinfo) holding a queue /P-otherns that nobody
# holds: the viewer must skip that mount (an mq_open() of its queue finds
# none in the viewer's namespace) and take its own.
mount_mq() {
	mkdir -p "$TMP/mq" "$TMP/other" || return 1
	unshare --ipc bash -c 'mount -t mqueue none "$1" || exit 1
		"$2" -c -n 2 -s 4 "/$3-otherns" >"$4" &
		for _ in $(seq 50); do grep -qs ready "$4" && break; sleep 0.1; done
		kill $!' _ "$TMP/other" "$MQHOLDER" "$P" "$TMP/otherns.out" || return 1
	[[ -e $TMP/other/$P-otherns ]] || { echo "    no queue in the other namespace's mount"; return 1; }
	mount -t mqueue none "$TMP/mq"
}

# The rows against mq_getattr() and the files; times; -t, --sort, --prometheus.
t_rows() {
	local rc=0 f
	hold HA -c -n 3 -s 16 -p 640 "/$P-a" || return 1
	hold HB -c -n 1 -s 100 "/$P-b" || return 1
	f="$TMP/mq/$P-a"
	[[ -f $f ]] || { fail "no $f in the mount"; return 1; }
	local before after
	touch -d '2001-01-01 00:00:00' "$f" # mtime and atime an old known time
	before=$(stat -c '%X %Y %Z' "$f")
	sleep 1.1
	json || return 1
	after=$(stat -c '%X %Y %Z' "$f")
	P=$P HA=$HA HB=$HB QA=$HA_QSIZE QB=$HB_QSIZE A="/$P-a" B="/$P-b" \
		TEXT="$(cat "$f")" MTIME="$(stat -c %Y "$f")" check '
a, b = r.get(env["A"]), r.get(env["B"])
assert a and b, sorted(r)
text = env["TEXT"]
assert text.startswith("QSIZE:"), text
q = int(text.split()[0].split(":")[1])
assert a["qsize"] == int(env["QA"]) == q == 48 and a["size"] == 48, (a, text)
assert b["qsize"] == int(env["QB"]) == 100, b
assert a["perms"] == "rw-r-----" and a["mode"] == "0640", a
assert a["owner"] == "root" and a["uid"] == 0, a
assert a["ctime"] == int(env["MTIME"]) == 978307200, (a["ctime"], env["MTIME"])
assert [h["pid"] for h in a["holders"]] == [int(env["HA"])], a["holders"]
assert [h["pid"] for h in b["holders"]] == [int(env["HB"])], b["holders"]
assert a["orphan"] is False and b["orphan"] is False, (a, b)
assert a["rss"] is None and a["key"] is None and a["id"] is None, a
assert "/" + env["P"] + "-otherns" not in r, "the mount of another IPC namespace listed"
' || rc=1
	# the read set atime and ctime (now), never mtime
	read -r ba bm bc <<<"$before"
	read -r aa am ac <<<"$after"
	((am == bm)) || fail "the viewer moved the mtime: $before -> $after" || rc=1
	((aa > ba && ac >= bc)) || fail "atime/ctime not moved by a read as documented: $before -> $after" || rc=1
	# --sort size: b (100) before a (48), biggest first
	"$SHMTOP" -a -b -n 1 --raw --noheadings -t mqueue --sort size -o NAME,QSIZE,SIZE --bytes |
		grep -- "-e2e-$$-" >"$TMP/sorted"
	[[ $(head -1 "$TMP/sorted") == "/$P-b 100 100" && $(sed -n 2p "$TMP/sorted") == "/$P-a 48 48" ]] ||
		{ fail "--sort size: $(cat "$TMP/sorted")"; rc=1; }
	# the kinds' totals: bytes at least ours
	"$SHMTOP" -a -b -n 1 -t mqueue >"$TMP/text"
	grep -Eq "mqueue [0-9]+: [0-9]" "$TMP/text" || fail "no mqueue total: $(sed -n 4p "$TMP/text")" || rc=1
	"$SHMTOP" -a --prometheus -n 1 >"$TMP/prom" || rc=1
	grep -q "^shmtop_object_bytes{kind=\"mqueue\",name=\"/$P-a\",.*} 48$" "$TMP/prom" ||
		{ fail "no prometheus sample of /$P-a: $(grep "$P-a" "$TMP/prom")"; rc=1; }
	grep -Eq '^shmtop_objects_bytes\{kind="mqueue"\} [1-9]' "$TMP/prom" ||
		fail "no mqueue bytes total" || rc=1
	# the list screen's row
	view rows 200 50 "$SHMTOP -a -d 1 -F $P-" || return 1
	see rows "^/$P-a +mqueue +root +rw-r----- +48 " || rc=1
	see rows "^/$P-b +mqueue +root +rw------- +100 " || rc=1
	keys rows q
	return $rc
}

# mq PY NAME...: a python3 snippet with mq(name) (mq_open O_RDONLY |
# O_NONBLOCK), attr(name) (mq_getattr: flags, maxmsg, msgsize, curmsgs),
# recv(name, n) (n messages received, O_NONBLOCK) and unlink(name).
mq() {
	python3 - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
class Attr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long),
                ("msgsize", ctypes.c_long), ("curmsgs", ctypes.c_long),
                ("pad", ctypes.c_long * 4)]
def mq(n):
    d = libc.mq_open(n.encode("utf-8", "surrogateescape"), os.O_RDONLY | os.O_NONBLOCK)
    if d < 0: raise OSError(ctypes.get_errno(), "mq_open " + n)
    return d
def attr(n):
    d, a = mq(n), Attr()
    libc.mq_getattr(d, ctypes.byref(a))
    libc.mq_close(d)
    return (a.maxmsg, a.msgsize, a.curmsgs)
def recv(n, k):
    d = mq(n)
    buf = ctypes.create_string_buffer(8192)
    for _ in range(k):
        assert libc.mq_receive(d, buf, 8192, None) >= 0, ctypes.get_errno()
    libc.mq_close(d)
def unlink(n): libc.mq_unlink(n.encode("utf-8", "surrogateescape"))
exec(sys.argv[1])
PY
}

# Enter on a queue's row: its detail view against mq_getattr() and the
# file, the graph of its depth; watching seconds moves no mtime and takes
# no message; a second sender fills it (full), a receive drains it
# (empty); a receiver blocked on it is a waiter (with the scan of waiters);
# a process's mq_notify() registration set, then cleared as it exits;
# unlinked and made again under its name: removed, another queue.
t_detail() {
	local rc=0 n="/$P-d" f="$TMP/mq/$P-d" m0 m1
	hold HD -c -m 4 -s 16 -n 2 "$n" || return 1
	view detail 200 60 "$SHMTOP -a -d 5 -F $P-d" || return 1
	see detail "^/$P-d +mqueue " || return 1
	m0=$(stat -c %y "$f")
	keys detail Enter
	see detail "shmtop  mqueue  /$P-d .* MQUEUE" || rc=1
	read -r mx sz cur <<<"$(N="$n" mq 'print(*attr(os.environ["N"]))')"
	((mx == 4 && sz == 16 && cur == 2)) || fail "mq_getattr: $mx $sz $cur" || rc=1
	grep -q "^QSIZE:32 " "$f" || fail "the file: $(cat "$f")" || rc=1
	see detail "messages +$cur of maxmsg $mx( |$)" || rc=1
	see detail "bytes +32 of 64 \\($mx \\* msgsize $sz\\)" || rc=1
	see detail "notify +none" || rc=1
	see detail "^ +$HD root +fd +mqholder" || rc=1
	see detail "holders +1( |$)" || rc=1
	see detail "created: POSIX message queue /$P-d is there" || rc=1
	see detail "^> messages +.* 2 " || rc=1
	see detail "history of messages" || rc=1
	sleep 2 # watched: seconds of polls (every 0.5 s) and a scan
	m1=$(stat -c %y "$f")
	[[ $m0 == "$m1" ]] || fail "the view moved the mtime: $m0 -> $m1" || rc=1
	read -r _ _ cur <<<"$(N="$n" mq 'print(*attr(os.environ["N"]))')"
	((cur == 2)) || fail "messages taken by watching: $cur left" || rc=1
	# another sender fills it: full, and a second holder at the next scan
	hold HS -n 2 "$n" || return 1
	see detail "full: 4 messages of maxmsg 4, 64 bytes" || rc=1
	see detail "messages +4 of maxmsg 4 \\(full\\)" || rc=1
	keys detail a
	see detail "holders +2( |$)" || rc=1
	see detail "^ +$HS root +fd +mqholder" || rc=1
	# drained: empty; four received, two sent (estimates)
	N="$n" mq 'recv(os.environ["N"], 4)' || rc=1
	see detail "empty: the last of 4 messages received" || rc=1
	see detail "^  received \\(est\\.\\) .* 4 " || rc=1
	see detail "^  sent \\(est\\.\\) .* 2 " || rc=1
	# a receiver blocked on the empty queue
	hold HR -r "$n" || return 1
	if "$SHMTOP" -a --json -n 1 -t mqueue | grep -q '"waiters"'; then
		keys detail a
		see detail "^ +$HR root +waits +mqholder: a message" || rc=1
		see detail "wait: pid $HR \\(mqholder\\) waits for a message" || rc=1
	else
		echo "    (no scan of waiters in this build: the holders alone)"
	fi
	# a process asks to be notified (mq_notify, SIGEV_NONE), then exits
	N="$n" python3 -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
d = libc.mq_open(os.environ["N"].encode(), os.O_RDONLY | os.O_NONBLOCK)
sev = ctypes.create_string_buffer(64)
ctypes.c_int.from_buffer(sev, 12).value = 1  # sigev_notify = SIGEV_NONE
assert d >= 0 and libc.mq_notify(d, sev) == 0, ctypes.get_errno()
print("ready", flush=True)
time.sleep(30)' >"$TMP/notify" &
	local np=$!
	PIDS+=("$np")
	until_ok 5 grep -qs ready "$TMP/notify" || fail "mq_notify did not register" || rc=1
	see detail "notify +pid $np \\(mq_notify\\)" || rc=1
	see detail "notify: pid $np asked to be notified of a message" || rc=1
	kill "$np"
	see detail "notify: pid $np's notification cleared" || rc=1
	# unlinked and made again under the name: another queue
	N="$n" mq 'unlink(os.environ["N"]); libc.mq_close(libc.mq_open(os.environ["N"].encode(), os.O_CREAT | os.O_RDONLY, 0o600, None))' || rc=1
	see detail "removed: POSIX message queue /$P-d: the name is another queue now" || rc=1
	see detail "GONE" || rc=1
	see detail "removed: /$P-d \\(its name is another queue now\\)" || rc=1
	keys detail q q
	kill "$HD" "$HS" "$HR" 2>/dev/null
	return $rc
}

# The holder of b killed: b an orphan, with its 100 bytes.
t_orphan() {
	local rc=0
	kill "$HB" && until_ok 5 gone "$HB" || return 1
	json || return 1
	B="/$P-b" check '
b = r[env["B"]]
assert b["orphan"] is True and b["holders"] == [] and b["qsize"] == 100, b
' || rc=1
	view orphan 200 50 "$SHMTOP -a -d 1 -F $P-b" || return 1
	see orphan "^/$P-b +mqueue +root +rw------- +100 .* orphan " || rc=1
	keys orphan q
	return $rc
}

# F9, y unlinks b (an orphan) from the mount.
t_remove() {
	local rc=0
	view rm 200 50 "$SHMTOP -a -d 1 -F $P-b" || return 1
	see rm "^/$P-b +mqueue " || return 1
	keys rm F9
	see rm "Remove POSIX message queue /$P-b\\?" || rc=1
	see rm "QSIZE 100 \\(100 bytes\\), owner root, in $TMP/mq" || rc=1
	keys rm y
	until_ok 5 test ! -e "$TMP/mq/$P-b" || fail "/$P-b still there" || rc=1
	[[ -e $TMP/mq/$P-a ]] || fail "/$P-a went too" || rc=1
	keys rm q
	return $rc
}

# Another user's queue named with controls; swapped under root's F9.
t_other_user() {
	can_add_users || { echo "    root with useradd needed"; return 77; }
	local u=mq$$ rc=0
	add_user "$u" || return 1
	stage MQHOLDER || return 1
	local name=$'/'"$P"$'-u\x01\tx'
	AS=(runuser -u "$u" --)
	hold HU -c -n 2 -s 8 -p 600 "$name" || { AS=(); return 1; }
	AS=()
	json || return 1
	N="$name" U="$u" check '
x = r.get(env["N"])
assert x, sorted(r)
assert x["owner"] == env["U"] and x["qsize"] == 16, x
' || rc=1
	# their queue held full, its file made unreadable, then unlinked: root's
	# detail view reads it still (root), never blocks, and says removed
	AS=(runuser -u "$u" --)
	hold HF -c -m 2 -s 8 -n 2 -p 600 "/$P-full" || { AS=(); return 1; }
	AS=()
	view udetail 200 60 "$SHMTOP -a -d 5 -F $P-full" || return 1
	see udetail "^/$P-full +mqueue +$u " || return 1
	keys udetail Enter
	see udetail "messages +2 of maxmsg 2 \\(full\\)" || rc=1
	see udetail "owner +$u:" || rc=1
	see udetail "^ +$HF $u +fd +mqholder" || rc=1
	runuser -u "$u" -- chmod 000 "$TMP/mq/$P-full" || rc=1
	see udetail "perms +--------- 0000" || rc=1
	keys udetail +
	see udetail "refresh every" || fail "the view does not answer keys" || rc=1
	see udetail "messages +2 of maxmsg 2 \\(full\\)" || rc=1
	N="/$P-full" runuser -u "$u" -- python3 -c 'import ctypes, os; ctypes.CDLL(None).mq_unlink(os.environ["N"].encode())' || rc=1
	see udetail "removed: POSIX message queue /$P-full: the name is gone" || rc=1
	keys udetail q q
	runuser -u "$u" -- kill "$HF"
	# as that user, root's 0640 queue: no read permission, said; the rest shown
	local us=$SHMTOP
	stage us || return 1
	view uview 200 60 "runuser -u $u -- $us -a -d 5 -F $P-a" || return 1
	see uview "^/$P-a +mqueue +root " || return 1
	keys uview Enter
	see uview "no read permission \\(mode 640\\): mq_getattr\\(\\) needs it" || rc=1
	see uview "messages +unread \\(mq_getattr\\)" || rc=1
	see uview "bytes +unread" || rc=1
	see uview "holders +0 \\(unknown: others' processes unreadable\\)" || rc=1
	keys uview q q
	view user 200 50 "$SHMTOP -a -d 1 -F $P-u" || return 1
	see user "^/$P-u\\\\x01\\\\tx +mqueue +$u +rw------- +16 " || rc=1
	keys user F9
	see user "Remove POSIX message queue" || rc=1
	# the user swaps the queue for another of the same name
	runuser -u "$u" -- kill "$HU"
	until_ok 5 gone "$HU"
	python3 - "$name" <<'PY' || rc=1
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
sys.exit(libc.mq_unlink(sys.argv[1].encode()) != 0)
PY
	AS=(runuser -u "$u" --)
	hold HU2 -c -n 1 -s 8 -p 600 "$name" || { AS=(); return 1; }
	AS=()
	keys user y
	see user "cannot remove POSIX message queue /$P-u.*changed since it was listed" || rc=1
	[[ -e $TMP/mq/$P-u$'\x01\t'x ]] || fail "the user's new queue was removed" || rc=1
	keys user q
	return $rc
}

run_cases t_no_mount
first=$?
mount_mq || { echo "cannot mount mqueue on $TMP/mq"; exit 1; }
run_cases t_rows t_detail t_orphan t_remove t_other_user
rest=$?
((first == 1 || rest == 1)) && exit 1
((first == 77 || rest == 77)) && exit 77
exit 0

#!/bin/bash
# SPDX-License-Identifier: MIT
# The batch outputs of the object list (shmtop -a -b, -a --json, --prometheus)
# with real objects of every kind, made here by small python3 holders: a
# POSIX object mapped by one process and held by an fd alone in another, an
# orphan POSIX object, a semaphore's file, a memfd object, an object
# unlinked while mapped, and names with a space, a newline, invalid UTF-8
# and 255 bytes; and by tests/shmobj a real POSIX semaphore (sem_open) and
# a SysV orphan (its creator exited).  Checked against os.stat and the holders' pids:
#   - the JSON parses (strict UTF-8) and lists every kind with its size,
#     resident bytes (st_blocks * 512), holders and orphan flag; the SysV
#     columns of other kinds are null;
#   - -F narrows JSON, the table and Prometheus to the rows that match;
#   - --prometheus passes tests/prom_check.py, and the label values parse
#     back to the names;
#   - the table keeps one line a row and its NAME column aligned;
#   - watching changes nothing: lpid, atime and dtime of a shmwriter
#     segment (/proc/sysvipc/shm) are the same before and after
#     `-a -b -n 3`, `-a --json` and `--prometheus`; with --values shmtop's
#     own pid becomes the lpid (so the check can fail).
#
# usage: e2e_objlist_out.sh SHMTOP SHMWRITER SHMOBJ
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
SHMOBJ=$(realpath "$3")
HERE=$(dirname "$(realpath "$0")")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR
[[ -d /dev/shm && -w /dev/shm ]] || { echo "SKIP: no writable /dev/shm"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
RUN=objlistout$$
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'" "rm -f /dev/shm/$RUN* /dev/shm/sem.$RUN*")

# A holder of one object: python3 hold.py MODE NAME SIZE READYFILE.
#   map      create /dev/shm/NAME, map it read-write, touch its first half
#   fd       open the existing /dev/shm/NAME and only hold the descriptor
#   memfd    memfd_create(NAME), map it, touch its first half
#   deleted  as map, then unlink the name
# It writes "size blocks" of the object (fstat) to READYFILE, then waits
# to be killed.
cat >"$TMP/hold.py" <<'PY'
import mmap, os, signal, sys
mode, name, size, ready = sys.argv[1], os.fsencode(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
path = b"/dev/shm/" + name
if mode == "fd":
    fd = os.open(path, os.O_RDWR)
else:
    if mode == "memfd":
        fd = os.memfd_create(name)
    else:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    os.ftruncate(fd, size)
    m = mmap.mmap(fd, size)
    for i in range(0, size // 2, 4096):
        m[i] = 1
    if mode == "deleted":
        os.unlink(path)
st = os.fstat(fd)
with open(ready + ".tmp", "w") as f:
    f.write("%d %d\n" % (st.st_size, st.st_blocks))
os.rename(ready + ".tmp", ready)
signal.pause()
PY

# hold MODE NAME SIZE: start a holder; sets HPID, and HSTAT to "size blocks".
hold() {
	local ready=$TMP/ready.$((++NHOLD))
	python3 "$TMP/hold.py" "$1" "$2" "$3" "$ready" 2>"$TMP/hold.err" &
	HPID=$!
	PIDS+=("$HPID")
	until_ok 10 test -s "$ready" || fail "holder $1 did not start: $(cat "$TMP/hold.err")" ||
		return 1
	HSTAT=$(cat "$ready")
}
NHOLD=0

# The objects, by name; their holders' pids and fstat figures.
N_OBJ=$RUN.obj
N_ORPHAN=$RUN.orphan
N_SEM=sem.$RUN
N_REALSEM=$RUN.sem # sem_open("/NAME") makes /dev/shm/sem.NAME
N_MEMFD=$RUN.memfd
N_DELETED=$RUN.deleted
N_SPACE="$RUN sp ace"
N_NL=$RUN.nl$'\n'line
N_BAD=$RUN.bad$'\xff\xfe'
N_LONG=$RUN.$(printf 'x%.0s' $(seq $((255 - ${#RUN} - 1))))
make_objects() {
	hold map "$N_OBJ" $((64 * 4096)) || return 1
	OBJ_PID=$HPID OBJ_STAT=$HSTAT
	hold fd "$N_OBJ" 0 || return 1
	FD_PID=$HPID
	hold memfd "$N_MEMFD" $((32 * 4096)) || return 1
	MEMFD_PID=$HPID MEMFD_STAT=$HSTAT
	hold deleted "$N_DELETED" $((16 * 4096)) || return 1
	DELETED_PID=$HPID DELETED_STAT=$HSTAT
	# files nobody holds: orphans
	head -c 10000 /dev/zero >"/dev/shm/$N_ORPHAN" || return 1
	head -c 32 /dev/zero >"/dev/shm/$N_SEM" || return 1
	local n
	for n in "$N_SPACE" "$N_NL" "$N_BAD" "$N_LONG"; do
		printf 'hostile' >"/dev/shm/$n" || fail "cannot create a hostile name" || return 1
	done
	[[ ${#N_LONG} == 255 ]] || fail "the long name is ${#N_LONG} bytes" || return 1
	"$SHMOBJ" sem "$N_REALSEM" >"$TMP/sem.out" 2>&1 &
	PIDS+=("$!")
	until_ok 10 test -s "$TMP/sem.out" || fail "shmobj sem did not start" || return 1
	SEM_PID=$(awk '{ print $1 }' "$TMP/sem.out")
	[[ $SEM_PID =~ ^[0-9]+$ ]] || fail "shmobj sem: $(cat "$TMP/sem.out")" || return 1
	local ok
	ok=$(key 2)
	KEYS+=("$ok")
	ORPHAN_ID=$("$SHMOBJ" orphan "$ok" 8192) || fail "shmobj orphan" || return 1
	[[ $ORPHAN_ID =~ ^[0-9]+$ ]] || fail "shmobj orphan: '$ORPHAN_ID'" || return 1
}

# The expected objects as JSON, for the checks in python.
expected() {
	python3 - "$RUN" "$OBJ_PID" "$FD_PID" "$MEMFD_PID" "$DELETED_PID" "$OBJ_STAT" \
		"$MEMFD_STAT" "$DELETED_STAT" "$WPID" "$WKEY" "$WID" "$SEM_PID" "$ORPHAN_ID" <<-'PY'
		import json, os, sys
		run = sys.argv[1]
		obj_pid, fd_pid, memfd_pid, deleted_pid = map(int, sys.argv[2:6])
		stats = [tuple(map(int, s.split())) for s in sys.argv[6:9]]
		def disk(name):
		    st = os.stat(b"/dev/shm/" + os.fsencode(name))
		    return st.st_size, st.st_blocks
		def shown(name):  # as JSON shows it: invalid bytes as U+FFFD
		    return os.fsencode(name).decode("utf-8", "replace")
		names = {"obj": run + ".obj", "orphan": run + ".orphan", "sem": "sem." + run,
		         "space": run + " sp ace", "nl": run + ".nl\nline",
		         "bad": os.fsdecode(os.fsencode(run + ".bad") + b"\xff\xfe"),
		         "long": run + "." + "x" * (255 - len(run) - 1)}
		objs = {}
		for tag, kind in [("obj", "posix"), ("orphan", "posix"), ("sem", "sem"), ("space", "posix"),
		                  ("nl", "posix"), ("bad", "posix"), ("long", "posix")]:
		    size, blocks = disk(names[tag])
		    objs[tag] = {"kind": kind, "name": shown(names[tag]), "raw": names[tag],
		                 "size": size, "rss": blocks * 512, "holders": [],
		                 "orphan": tag != "obj"}
		size, blocks = disk("sem." + run + ".sem")
		objs["realsem"] = {"kind": "sem", "name": "sem." + run + ".sem",
		                   "raw": "sem." + run + ".sem", "size": size, "rss": blocks * 512,
		                   "holders": [int(sys.argv[12])], "orphan": False}
		objs["obj"]["holders"] = [obj_pid, fd_pid]
		objs["obj"]["rss"] = stats[0][1] * 512
		objs["memfd"] = {"kind": "memfd", "name": run + ".memfd", "raw": run + ".memfd",
		                 "size": stats[1][0], "rss": stats[1][1] * 512, "holders": [memfd_pid],
		                 "orphan": False}
		objs["deleted"] = {"kind": "deleted", "name": run + ".deleted", "raw": run + ".deleted",
		                   "size": stats[2][0], "rss": stats[2][1] * 512,
		                   "holders": [deleted_pid], "orphan": False}
		print(json.dumps({"objs": objs, "fd_pid": fd_pid, "obj_pid": obj_pid,
		                  "writer": {"pid": int(sys.argv[9]), "key": sys.argv[10],
		                             "id": int(sys.argv[11])},
		                  "sysv_orphan": int(sys.argv[13])}))
	PY
}

# The JSON: every kind, sizes, resident bytes, holders, orphans; the
# writer's segment with its holder; -F narrows.
t_json() {
	local rc=0
	"$SHMTOP" -a --json -n 1 >"$TMP/all.json" || fail "-a --json exited $?" || return 1
	"$SHMTOP" -a --json -n 1 -F "$RUN" >"$TMP/mine.json" || fail "-F exited $?" || return 1
	"$SHMTOP" -a --json -n 1 -F "$N_ORPHAN" >"$TMP/orphan.json" || fail "-F orphan" || return 1
	"$SHMTOP" -a --json -n 1 -F "$WKEY" >"$TMP/key.json" || fail "-F key" || return 1
	python3 - "$TMP/expected.json" "$TMP/all.json" "$TMP/mine.json" "$TMP/orphan.json" \
		"$TMP/key.json" <<-'PY' || rc=1
		import json, sys
		exp = json.load(open(sys.argv[1]))
		def load(path):
		    return json.loads(open(path, "rb").read().decode("utf-8", "strict"))["sharedmemory"]
		rows, mine, orphan, bykey = (load(p) for p in sys.argv[2:6])
		errors = []
		kinds = {r["kind"] for r in rows}
		for k in ("sysv", "posix", "sem", "memfd", "deleted"):
		    if k not in kinds:
		        errors.append("no %s row at all" % k)
		def find(rs, o):
		    return [r for r in rs if r["kind"] == o["kind"] and r["name"] == o["name"]]
		for tag, o in exp["objs"].items():
		    found = find(rows, o)
		    if len(found) != 1:
		        errors.append("%s (%s %r): %d rows" % (tag, o["kind"], o["name"], len(found)))
		        continue
		    r = found[0]
		    for f in ("size", "rss", "orphan"):
		        if r[f] != o[f]:
		            errors.append("%s: %s %r, want %r" % (tag, f, r[f], o[f]))
		    for f in ("key", "id", "nattch", "cpid", "lpid", "status", "swap"):
		        if r[f] is not None:
		            errors.append("%s: %s %r, want null" % (tag, f, r[f]))
		    pids = sorted(h["pid"] for h in r["holders"] or [])
		    if pids != sorted(o["holders"]):
		        errors.append("%s: holders %r, want %r" % (tag, pids, sorted(o["holders"])))
		    for h in r["holders"] or []:
		        if h["user"] != "root" or h["comm"] not in ("python3", "shmobj"):
		            errors.append("%s: holder %r" % (tag, h))
		        maps = h["rw"] + h["ro"]
		        if h["pid"] == exp["fd_pid"] and (maps or h["fds"] < 1):
		            errors.append("%s: the fd-only holder %r" % (tag, h))
		        if h["pid"] != exp["fd_pid"] and h["rw"] < 1:
		            errors.append("%s: a mapper without a read-write map %r" % (tag, h))
		w = exp["writer"]
		ws = [r for r in rows if r["kind"] == "sysv" and r["id"] == w["id"]]
		if len(ws) != 1:
		    errors.append("the writer's segment: %d rows" % len(ws))
		else:
		    r = ws[0]
		    if r["key"] != w["key"] or r["name"] is not None or not isinstance(r["rss"], int):
		        errors.append("the writer's segment: %r" % r)
		    if w["pid"] not in [h["pid"] for h in r["holders"] or []]:
		        errors.append("the writer %d not among its holders %r" % (w["pid"], r["holders"]))
		    if r["count"] is not None or r["state"] is not None:
		        errors.append("a record read without --values: %r" % r)
		    if r["orphan"] is not False:
		        errors.append("the writer's segment: orphan %r" % r["orphan"])
		os_ = [r for r in rows if r["kind"] == "sysv" and r["id"] == exp["sysv_orphan"]]
		if len(os_) != 1 or os_[0]["orphan"] is not True or os_[0]["holders"] != [] or \
		   os_[0]["nattch"] != 0 or os_[0]["size"] != 8192 or os_[0]["name"] is not None:
		    errors.append("the SysV orphan: %r" % os_)
		want = sorted((o["kind"], o["name"]) for o in exp["objs"].values())
		got = sorted((r["kind"], r["name"]) for r in mine)
		if got != want:
		    errors.append("-F RUN: %r, want %r" % (got, want))
		if [(r["kind"], r["name"]) for r in orphan] != [("posix", exp["objs"]["orphan"]["name"])]:
		    errors.append("-F the orphan's name: %r" % [(r["kind"], r["name"]) for r in orphan])
		# the writer's segment, and its lock: a semaphore set on its key
		if sorted((r["kind"], r["key"]) for r in bykey) != [("sysv", w["key"]), ("sysv-sem", w["key"])] \
		        or [r["id"] for r in bykey if r["kind"] == "sysv"] != [w["id"]]:
		    errors.append("-F the writer's key: %r" % [(r["kind"], r["id"]) for r in bykey])
		for e in errors:
		    print("    FAIL: " + e)
		sys.exit(1 if errors else 0)
	PY
	return $rc
}

# The table: one line a row, the NAME column where the heading puts it,
# hostile names escaped by the rule of src/util/escape.h; -F narrows it too.
t_table() {
	local rc=0
	"$SHMTOP" -a -b -n 1 -F "$RUN" >"$TMP/table" || fail "-a -b -F exited $?" || return 1
	python3 - "$TMP/expected.json" "$TMP/table" "$HERE" <<-'PY' || rc=1
		import json, os, sys
		sys.path.insert(0, sys.argv[3])
		from escape_rule import shown
		exp = json.load(open(sys.argv[1]))
		text = open(sys.argv[2], "rb").read().decode("utf-8", "strict")
		errors = []
		summary, _, table = text.partition("\n\n")
		lines = table.rstrip("\n").split("\n")
		head, rows = lines[0], lines[1:]
		at = head.find("NAME")
		# lsipc's columns in their places first (a script's $2 is the shmid)
		if head.split()[:3] != ["KEY", "ID", "PERMS"] or not head.endswith("NAME") or at < 0:
		    errors.append("heading %r" % head)
		kind_at = head.find(" KIND ") + 1
		want = sorted(shown(os.fsencode(o["raw"])) for o in exp["objs"].values())
		got = sorted(r[at:] for r in rows)
		if len(rows) != len(exp["objs"]):
		    errors.append("%d rows, want %d: %r" % (len(rows), len(exp["objs"]), rows))
		if got != want:
		    errors.append("NAME column %r, want %r" % (got, want))
		for r in rows:
		    if r[at - 1:at] != " " or r[kind_at - 1:kind_at] != " " or \
		       r[kind_at:].split()[0] not in ("posix", "sem", "memfd", "deleted"):
		        errors.append("row out of line: %r" % r)
		if "; %d of " % len(exp["objs"]) not in summary or "orphans " not in summary:
		    errors.append("summary %r" % summary)
		for e in errors:
		    print("    FAIL: " + e)
		sys.exit(1 if errors else 0)
	PY
	return $rc
}

# Prometheus: valid, every object with its kind and name (labels parse back
# to the names as the screen shows them), -F keeps ours and the host's
# totals.
t_prometheus() {
	local rc=0
	"$SHMTOP" --prometheus >"$TMP/prom" || fail "--prometheus exited $?" || return 1
	"$SHMTOP" --prometheus -F "$RUN" >"$TMP/prom.mine" || fail "--prometheus -F" || return 1
	python3 "$HERE/prom_check.py" "$TMP/prom" >"$TMP/samples" ||
		fail "invalid exposition: $(cat "$TMP/samples")" || return 1
	python3 "$HERE/prom_check.py" "$TMP/prom.mine" >"$TMP/samples" ||
		fail "invalid exposition with -F: $(cat "$TMP/samples")" || return 1
	python3 - "$HERE" "$TMP/expected.json" "$TMP/prom" "$TMP/prom.mine" <<-'PY' || rc=1
		import json, sys
		sys.path.insert(0, sys.argv[1])
		import os, prom_check
		from escape_rule import shown
		exp = json.load(open(sys.argv[2]))
		def samples(path):
		    return prom_check.check(open(path, "rb").read().decode("utf-8"))
		full, mine = samples(sys.argv[3]), samples(sys.argv[4])
		errors = []
		def objects(ss, metric):
		    return {(l["kind"], l["name"]): float(v) for n, l, v in ss if n == metric}
		allb, mineb = objects(full, "shmtop_object_bytes"), objects(mine, "shmtop_object_bytes")
		for o in exp["objs"].values():  # a label holds the name as the screen shows it
		    o["name"] = shown(os.fsencode(o["raw"]))
		for tag, o in exp["objs"].items():
		    k = (o["kind"], o["name"])
		    if allb.get(k) != o["size"]:
		        errors.append("%s: shmtop_object_bytes %r, want %r" % (tag, allb.get(k), o["size"]))
		    h = objects(full, "shmtop_object_holders").get(k)
		    if h != len(o["holders"]):
		        errors.append("%s: shmtop_object_holders %r" % (tag, h))
		want = sorted((o["kind"], o["name"]) for o in exp["objs"].values())
		if sorted(mineb) != want:
		    errors.append("-F: %r, want %r" % (sorted(mineb), want))
		tot = {(n, l.get("kind")): v for n, l, v in full if n.startswith("shmtop_objects")}
		totm = {(n, l.get("kind")): v for n, l, v in mine if n.startswith("shmtop_objects")}
		if tot.get(("shmtop_objects", "posix")) is None or float(tot[("shmtop_objects", "posix")]) < 6:
		    errors.append("shmtop_objects{kind=posix} %r" % tot.get(("shmtop_objects", "posix")))
		if tot.get(("shmtop_objects", "sysv")) != totm.get(("shmtop_objects", "sysv")):
		    errors.append("-F changed the host's totals")
		if not any(n == "shmtop_segment_bytes" and l["shmid"] == str(exp["writer"]["id"])
		           for n, l, v in full):
		    errors.append("no shmtop_segment_bytes for the writer's segment")
		for e in errors:
		    print("    FAIL: " + e)
		sys.exit(1 if errors else 0)
	PY
	return $rc
}

# lpid atime dtime nattch of shmid $1, from /proc/sysvipc/shm.
shm_fields() {
	awk -v id="$1" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["shmid"] == id { print $c["lpid"], $c["atime"], $c["dtime"], $c["nattch"] }' \
		/proc/sysvipc/shm
}

# Watching changes nothing; --values does change lpid (to shmtop's pid).
t_watching() {
	local before after args rc=0 pid
	before=$(shm_fields "$WID")
	[[ -n $before ]] || fail "no /proc/sysvipc/shm line for shmid $WID" || return 1
	for args in "-a -b -n 3 -d 1" "-a --json -n 1" "-a --prometheus" "-a -b -n 1 -o ALL"; do
		# shellcheck disable=SC2086
		"$SHMTOP" $args >/dev/null || fail "shmtop $args exited $?" || rc=1
		after=$(shm_fields "$WID")
		[[ $after == "$before" ]] ||
			fail "shmtop $args changed lpid atime dtime nattch: $before -> $after" || rc=1
	done
	"$SHMTOP" -a --json -n 1 --values >"$TMP/values.json" &
	pid=$!
	wait "$pid" || fail "--values exited $?" || rc=1
	after=$(shm_fields "$WID")
	[[ ${after%% *} == "$pid" ]] ||
		fail "--values did not attach: lpid ${after%% *}, shmtop was $pid" || rc=1
	python3 - "$TMP/values.json" "$WID" <<-'PY' || rc=1
		import json, sys
		rows = json.load(open(sys.argv[1]))["sharedmemory"]
		r = [r for r in rows if r["kind"] == "sysv" and r["id"] == int(sys.argv[2])]
		ok = len(r) == 1 and isinstance(r[0]["count"], int) and r[0]["state"] == "running"
		if not ok:
		    print("    FAIL: --values: the record not read: %r" % r)
		sys.exit(0 if ok else 1)
	PY
	return $rc
}

# --sort rss starts biggest first (as the list's m key does), --sort id
# orders the SysV segments by shmid, smallest first (as -o names the column).
t_sort() {
	local rc=0
	"$SHMTOP" -a -b -n 1 --sort rss -F "$RUN" -o RSS,NAME --bytes --noheadings \
		>"$TMP/byrss" || fail "--sort rss exited $?" || return 1
	"$SHMTOP" -a -b -n 1 --sort id -o KIND,ID --noheadings >"$TMP/byid" ||
		fail "--sort id exited $?" || return 1
	python3 - "$TMP/byrss" "$TMP/byid" "$WID" "$ORPHAN_ID" <<-'PY' || rc=1
		import sys
		errors = []
		rss = [int(l.split()[0]) for l in open(sys.argv[1], "rb").read().decode().splitlines()
		       if l.split() and l.split()[0].isdigit()]
		if len(set(rss)) < 3:
		    errors.append("--sort rss: %r, want 3 sizes at least" % rss)
		if rss != sorted(rss, reverse=True):
		    errors.append("--sort rss is not biggest first: %r" % rss)
		ids = [int(l.split()[1]) for l in open(sys.argv[2]).read().splitlines()
		       if l.split()[:1] == ["sysv"] and len(l.split()) > 1]
		for want in sys.argv[3:5]:
		    if int(want) not in ids:
		        errors.append("--sort id: shmid %s missing from %r" % (want, ids))
		if ids != sorted(ids):
		    errors.append("--sort id is not ascending: %r" % ids)
		for e in errors:
		    print("FAIL:", e)
		sys.exit(1 if errors else 0)
	PY
	return $rc
}

# Bad values of the new options: one line, status 2.
t_bad_options() {
	local rc=0 out
	for args in "-a -b -F" "-F x" "--values" "-a --json -F ''"; do
		out=$(eval "\"$SHMTOP\" $args" 2>&1 >/dev/null)
		local st=$?
		[[ $st == 2 && $(wc -l <<<"$out") == 1 && $out == shmtop:* ]] ||
			fail "shmtop $args: status $st, '$out'" || rc=1
	done
	return $rc
}

WKEY=$(key 1)
writer "$WKEY" -i 0.1 || exit 1
WID=$(shmid "$WKEY")
[[ -n $WID ]] || { fail "no shmid for the writer"; exit 1; }
make_objects || exit 1
expected >"$TMP/expected.json" || { fail "cannot stat the objects"; exit 1; }

run_cases t_json t_table t_prometheus t_watching t_sort t_bad_options

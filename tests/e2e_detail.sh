#!/bin/bash
# SPDX-License-Identifier: MIT
# The detail view of one object, with real segments and real holders
# (issue 13, points 6 to 8): the viewer's own attach is marked as its own
# (lpid, nattch, its line of the attached processes) while nattch stays the
# kernel's count; the single-segment JSON lists the attached processes as
# the screen does, checked against the pids of the processes holding it.
#
# usage: e2e_detail.sh SHMTOP SHMSEG
set -u
SHMTOP=$(realpath "$1")
SHMSEG=$(realpath "$2")
WRITER=/bin/false # e2e_lib.sh's writer(), unused here
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=det$$
. "$(dirname "$0")/e2e_lib.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shmtop-detail.XXXXXX") || exit 1
CLEANUPS+=("rm -rf '$TMP'")
ME=$(id -un)

# create KEY SIZE MODE: a segment (not a shmwriter record); sets ID.
create() {
	KEYS+=("$1")
	ID=$("$SHMSEG" create "$1" "$2" "$3") && [[ -n $ID ]] || fail "shmseg create $1"
}

# hold ID ro|rw: a process holding the segment attached; sets HPID once it
# is attached.
hold() {
	local out="$TMP/hold.$1.$2.$RANDOM"
	"$SHMSEG" hold "$1" "$2" >"$out" 2>&1 &
	HPID=$!
	PIDS+=("$HPID")
	until_ok 10 grep -q '^ready$' "$out" || fail "shmseg hold $1 $2 did not attach: $(cat "$out")"
}

lpid_of() { ipcs -m -p | awk -v i="$1" '$1 == i { print $4 }'; }

# --- the cases ---------------------------------------------------------------

# A segment held by two processes, opened by key: the viewer's attach is
# the last, so lpid is the viewer's and says so; nattch counts it and says
# so; its line is marked and no holder's is.  A third holder takes lpid over.
t_own_attach() {
	local k h1 h2 h3
	k=$(key 1)
	create "$k" 4096 0600 || return 1
	hold "$ID" ro || return 1
	h1=$HPID
	hold "$ID" rw || return 1
	h2=$HPID
	view own 120 40 "$SHMTOP -k $k" || return 1
	see own "FOREIGN" || return 1
	until_ok 5 nattch_is "$ID" 3 || fail "nattch is not 3 with the viewer attached" || return 1
	[[ $(lpid_of "$ID") == "$VPID" ]] || fail "ipcs lpid $(lpid_of "$ID") is not the viewer $VPID" ||
		return 1
	see own "lpid +$VPID \(this viewer\)" || return 1
	see own "nattch +3 \(1 is this viewer\)" || return 1
	see own "attached: 3 processes, nattch 3 \(1 is this viewer\)" || return 1
	see own "^ *$VPID $ME +ro +\(this viewer\) [^ ]*shmtop -k $k\$" || return 1
	see own "^ *$h1 $ME +ro +[^ ]*shmseg hold $ID ro\$" || return 1
	see own "^ *$h2 $ME +rw +[^ ]*shmseg hold $ID rw\$" || return 1
	[[ $(screen own | grep -o "this viewer" | wc -l) -eq 4 ]] ||
		fail "'this viewer' said other than 4 times (lpid, nattch, the title, its line)" ||
		return 1

	hold "$ID" rw || return 1
	h3=$HPID
	[[ $(lpid_of "$ID") == "$h3" ]] || fail "ipcs lpid is not the new holder $h3" || return 1
	see own "lpid +$h3( |\$)" || return 1
	see own "nattch +4 \(1 is this viewer\)" || return 1
	see own "attached: 4 processes, nattch 4 \(1 is this viewer\)" || return 1
	see own "^ *$h3 $ME +rw +[^ ]*shmseg hold $ID rw\$" || return 1
	! shows own "lpid +[0-9]+ \(this viewer\)" || fail "lpid still marked as the viewer's"
}

# The single-segment JSON: the attached processes, pids against the
# holders and the batch viewer itself, rw/ro, user, command, the viewer's
# own line marked, nattch the kernel's.
t_json_attached() {
	local k bp
	k=$(key 2)
	create "$k" 8192 0600 || return 1
	hold "$ID" ro || return 1
	local h1=$HPID
	hold "$ID" rw || return 1
	local h2=$HPID
	# exit status 5: not a shmwriter segment
	"$SHMTOP" -k "$k" --json -n 1 >"$TMP/one.json" &
	bp=$!
	wait "$bp"
	(($? == 5)) || fail "shmtop -k --json did not exit 5" || return 1
	"$SHMTOP" -i "$ID" --json -n 1 >"$TMP/byid.json"
	(($? == 5)) || fail "shmtop -i --json did not exit 5" || return 1
	python3 - "$TMP/one.json" "$bp" "$h1" "$h2" "$ID" "$ME" "$(id -u)" "$TMP/byid.json" <<'PY'
import json, sys
path, bp, h1, h2, shmid, me, uid, byid = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6], int(sys.argv[7]), sys.argv[8]
errors = []
def check(r, viewer):
    if r["id"] != shmid:
        errors.append("id %r" % r["id"])
    if r["viewer_pid"] != viewer or r["viewer_attached"] is not True:
        errors.append("viewer_pid %r / attached %r, not %d" % (r["viewer_pid"], r["viewer_attached"], viewer))
    att = r["attached"]
    pids = sorted(p["pid"] for p in att)
    want = sorted([viewer, h1, h2])
    if pids != want:
        errors.append("attached pids %r, not %r" % (pids, want))
    if r["nattch"] != 3 or r["attached_total"] != 3:
        errors.append("nattch %r, attached_total %r, not 3" % (r["nattch"], r["attached_total"]))
    for p in att:
        mode = {viewer: "ro", h1: "ro", h2: "rw"}.get(p["pid"])
        if p["map"] != mode or p["maps"] != 1:
            errors.append("pid %d: map %r x%r, not %s x1" % (p["pid"], p["map"], p["maps"], mode))
        if p["user"] != me or p["uid"] != uid:
            errors.append("pid %d: user %r uid %r" % (p["pid"], p["user"], p["uid"]))
        if p["viewer"] != (p["pid"] == viewer):
            errors.append("pid %d: viewer %r" % (p["pid"], p["viewer"]))
        cmd = open("/proc/%d/cmdline" % p["pid"], "rb").read().rstrip(b"\0").replace(b"\0", b" ").decode() \
            if p["pid"] != viewer else None
        if cmd is not None and p["command"] != cmd:
            errors.append("pid %d: command %r, not %r" % (p["pid"], p["command"], cmd))
    if not any(p["pid"] == viewer and "shmtop" in p["command"] and "--json" in p["command"] for p in att):
        errors.append("the viewer's own line: %r" % att)
r = json.loads(open(path, "rb").read().decode("utf-8", "strict"))
check(r, bp)
r2 = json.loads(open(byid, "rb").read().decode("utf-8", "strict"))
check(r2, r2["viewer_pid"])
if r2["viewer_pid"] in (bp, h1, h2, 0):
    errors.append("-i: viewer_pid %r" % r2["viewer_pid"])
for e in errors:
    print("    FAIL: " + e)
sys.exit(1 if errors else 0)
PY
}

# A POSIX object in /dev/shm, mapped read-write by a python3 process,
# opened from the list (Enter on its row).  Skips while the list shows no
# POSIX objects (the object list's /dev/shm read and the list's kinds are
# other branches of issue 13).
t_posix_object() {
	local name="shmtop-e2e-$RUN" path hp out="$TMP/holder.out" i
	path=/dev/shm/$name
	CLEANUPS+=("rm -f '$path'")
	printf 'hello from e2e\n' >"$path" && truncate -s 4096 "$path" || fail "cannot make $path" ||
		return 1
	python3 -c '
import mmap, signal, sys
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 0)
print("ready", flush=True)
signal.pause()' "$path" >"$out" 2>&1 &
	hp=$!
	PIDS+=("$hp")
	until_ok 10 grep -q '^ready$' "$out" || fail "holder did not map $path" || return 1
	view obj 160 50 "$SHMTOP -a" || return 1
	until_ok 10 shows obj "$name" || fail "the list does not show $name" || return 1
	keys obj Home
	for ((i = 0; i < 400; i++)); do
		selected obj | grep -qF "$name" && break
		keys obj Down
		sleep 0.05
	done
	selected obj | grep -qF "$name" || fail "never selected $name" || return 1
	keys obj Enter
	see obj "POSIX" || return 1
	see obj "name +$name" || return 1
	see obj "size +4096 " || return 1
	see obj "inode +$(stat -c %i "$path")( |\$)" || return 1
	see obj "perms +$(stat -c %A "$path" | cut -c2-) 0$(stat -c %a "$path")" || return 1
	see obj "preview: text, first 256 of 4096 bytes, then zeros" || return 1
	see obj "^  hello from e2e" || return 1
	see obj "holders: 1 process," 15 || return 1
	see obj "^ *$hp $ME +rw\+fd +python3" || return 1 # python keeps its file open
	truncate -s 8192 "$path"
	see obj "size +8192 " || return 1
	see obj "resize: size 4096 -> 8192 bytes" || return 1
	# the preview's window moves through the whole object, a page a key
	printf 'second page' | dd of="$path" bs=1 seek=4096 conv=notrunc status=none
	local n
	for ((n = 0; n < 16; n++)); do keys obj NPage; done
	see obj "preview: text, bytes 4096-4351 of 8192, then zeros  PgUp/PgDn" || return 1
	see obj "^  second page" || return 1
	for ((n = 0; n < 40; n++)); do keys obj NPage; done
	see obj "preview: hex, bytes 7936-8191 of 8192" || return 1 # the last window
	keys obj PPage
	see obj "preview: hex, bytes 7680-7935 of 8192" || return 1
	for ((n = 0; n < 40; n++)); do keys obj PPage; done
	see obj "preview: text, first 256 of 8192 bytes, then zeros  PgUp/PgDn" || return 1
	keys obj q
	see obj "$name" || return 1 # back on the list
}

run_cases t_own_attach t_json_attached t_posix_object

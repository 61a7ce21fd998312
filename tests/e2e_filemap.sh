#!/bin/bash
# SPDX-License-Identifier: MIT
# Shared file mappings as objects of kind file (issue 24, point 1), with
# real processes mapping real files (python3's mmap, MAP_SHARED):
#  - a file mapped rw-s is a row with its holder's pid and its size, in
#    -a -b (-t file selects exactly these rows) and in --json;
#  - a file in a known place (/tmp/hsperfdata_USER/PID) stays a row when
#    its mapper is killed, as an orphan;
#  - another user's symlink in a known folder is not followed;
#  - shmtop PATH: a file's rows alone in batch, a folder's files, and on
#    the full screen the file's detail view; a FIFO, a symlink or a missing
#    path is one line and a non-zero exit at once;
#  - the list screen shows the row with KIND file and its path.
#
# usage: e2e_filemap.sh SHMTOP
set -u
SHMTOP=$(realpath "$1")
WRITER=/bin/false
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=filemap$$
. "$(dirname "$0")/e2e_lib.sh"
command -v python3 >/dev/null || {
	echo "SKIP: needs python3"
	exit 77
}
TMP=$(mktemp -d)
chmod 0755 "$TMP"
CLEANUPS+=("rm -rf '$TMP'")
HS=/tmp/hsperfdata_shmtoptest$$ # a known place, for real
CLEANUPS+=("rm -rf '$HS'")

# mapper PATH BYTES: a process mapping PATH (made BYTES long) shared and
# writable, until killed; sets MPID once it has mapped it.
mapper() {
	python3 -c '
import mmap, sys, time
p, n = sys.argv[1], int(sys.argv[2])
with open(p, "wb") as f:
    f.truncate(n)
f = open(p, "r+b")
m = mmap.mmap(f.fileno(), n)
m[0:5] = b"hello"
open(p + ".ready", "w").close()
time.sleep(300)' "$1" "$2" &
	MPID=$!
	PIDS+=("$MPID")
	until_ok 10 test -e "$1.ready" || fail "mapper of $1 did not start"
	rm -f "$1.ready"
}

# list [ARGS]: the file rows of one batch list: KIND SIZE HOLDERS ORPHAN NAME.
list() { "$SHMTOP" -a -b -n 1 --raw --noheadings --bytes -o KIND,SIZE,HOLDERS,ORPHAN,NAME "$@"; }

t_mapped_row() {
	mapper "$TMP/app.db" 12288 || return 1
	local row
	row=$(list -t file | awk -v p="$TMP/app.db" '$5 == p')
	[[ $row == "file 12288 1 no $TMP/app.db" ]] || fail "row: '$row'" || return 1
	# -t file: these rows alone
	list -t file | awk '$1 != "file" { bad = 1 } END { exit bad }' ||
		fail "-t file let another kind through" || return 1
	list | grep -q "^file .* $TMP/app.db\$" || fail "not in the whole list" || return 1
	"$SHMTOP" -a --json -n 1 -t file | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = [r for r in d["sharedmemory"] if r["name"] == sys.argv[1]]
assert len(rows) == 1, rows
r = rows[0]
assert r["kind"] == "file" and r["size"] == 12288, r
assert [h["pid"] for h in r["holders"]] == [int(sys.argv[2])], r["holders"]
assert r["holders"][0]["rw"] >= 1 and r["orphan"] is False, r
assert all(x["kind"] == "file" for x in d["sharedmemory"])' "$TMP/app.db" "$MPID" ||
		fail "--json" || return 1
	# the holder's pid in the default -a -b text too
	"$SHMTOP" -a -b -n 1 -t file -o NAME,HOLDERS --bytes | grep -q "$TMP/app.db" || return 1
	kill "$MPID"
}

t_orphan_known_place() {
	mkdir -p "$HS" && chmod 0755 "$HS"
	mapper "$HS/12345" 32768 || return 1
	[[ $(list -t file | awk -v p="$HS/12345" '$5 == p') == "file 32768 1 no $HS/12345" ]] ||
		fail "mapped: $(list -t file)" || return 1
	kill "$MPID"
	until_ok 10 gone "$MPID"
	local row
	row=$(list -t file | awk -v p="$HS/12345" '$5 == p')
	[[ $row == "file 32768 0 yes $HS/12345" ]] || fail "after the kill: '$row'" || return 1
}

t_symlink_not_followed() {
	can_add_users || return 77
	local u=sfm$$ d=/tmp/hsperfdata_sfm$$
	add_user "$u" || return 1
	CLEANUPS+=("rm -rf '$d'")
	echo secret >"$TMP/secret"
	chmod 0600 "$TMP/secret"
	runuser -u "$u" -- mkdir -m 0755 "$d" || return 1
	runuser -u "$u" -- ln -s "$TMP/secret" "$d/4242" || return 1
	runuser -u "$u" -- ln -s "$HS" "$d/../hsperfdata_sfmlink$$" 2>/dev/null
	CLEANUPS+=("rm -f /tmp/hsperfdata_sfmlink$$")
	local out
	out=$(list -t file)
	grep -q "$d/4242\|$TMP/secret\|hsperfdata_sfmlink" <<<"$out" &&
		fail "a planted symlink was followed: $out" && return 1
	# and shmtop PATH refuses it
	out=$(timeout 5 "$SHMTOP" "$d/4242" -b -n 1 2>&1)
	(($? == 1)) && [[ $out == *"is a symbolic link"* ]] || fail "PATH of a symlink: $out"
}

t_path() {
	mkdir -p "$TMP/prom"
	mapper "$TMP/prom/counter_1.db" 4096 || return 1
	head -c 100 /dev/zero >"$TMP/prom/gauge_all_2.db" # nobody maps it
	local out
	out=$(list -t file 2>&1 | grep -c "$TMP/prom/")
	[[ $out == 1 ]] || fail "the whole list: $out rows of the folder, want 1 (the mapped one)" ||
		return 1
	out=$("$SHMTOP" "$TMP/prom/counter_1.db" -b -n 1 --raw --noheadings --bytes \
		-o KIND,SIZE,HOLDERS,NAME)
	[[ $out == "file 4096 1 $TMP/prom/counter_1.db" ]] || fail "PATH of a file: '$out'" ||
		return 1
	out=$("$SHMTOP" "$TMP/prom" -b -n 1 --raw --noheadings --bytes -o SIZE,HOLDERS,NAME | sort)
	[[ $out == "100 0 $TMP/prom/gauge_all_2.db"$'\n'"4096 1 $TMP/prom/counter_1.db" ]] ||
		fail "PATH of a folder: '$out'" || return 1
	# -o: the rows, whether or not a folder format takes the folder
	"$SHMTOP" "$TMP/prom/" --json -n 1 -o NAME | python3 -c '
import json, sys
d = json.load(sys.stdin)["sharedmemory"]
assert sorted(r["name"] for r in d) == [sys.argv[1] + "/counter_1.db", sys.argv[1] + "/gauge_all_2.db"], d' \
		"$TMP/prom" || fail "PATH --json" || return 1
	kill "$MPID"
}

t_path_refused() {
	mkfifo "$TMP/fifo"
	local out rc t0=$SECONDS
	out=$(timeout 5 "$SHMTOP" "$TMP/fifo" -b -n 1 2>&1)
	rc=$?
	((rc == 1 && SECONDS - t0 < 3)) && [[ $out == "shmtop: $TMP/fifo: is a FIFO"* ]] ||
		fail "FIFO -b: rc $rc, '$out'" || return 1
	[[ $(wc -l <<<"$out") == 1 ]] || fail "more than one line: $out" || return 1
	out=$(timeout 5 "$SHMTOP" "$TMP/fifo" 2>&1 </dev/null)
	rc=$?
	((rc == 1)) && [[ $out == *"is a FIFO"* ]] || fail "FIFO screen: rc $rc, '$out'" || return 1
	out=$(timeout 5 "$SHMTOP" "$TMP/none" -b 2>&1)
	rc=$?
	((rc == 1)) && [[ $out == *"No such file"* ]] || fail "missing: rc $rc, '$out'" || return 1
	out=$(timeout 5 "$SHMTOP" /dev/null --json 2>&1)
	rc=$?
	((rc == 1)) && [[ $out == *"is a device"* ]] || fail "device: rc $rc, '$out'" || return 1
	if can_add_users; then
		local u=nfm$$
		add_user "$u" || return 1
		mkdir -m 0700 "$TMP/closed"
		local U=$SHMTOP
		stage U || return 1 # a copy the user can reach
		out=$(cd / && timeout 5 runuser -u "$u" -- "$U" "$TMP/closed" -b -n 1 2>&1)
		rc=$?
		((rc == 4)) && [[ $out == *"permission denied"* ]] ||
			fail "closed folder: rc $rc, '$out'" || return 1
	fi
}

t_screen() {
	mapper "$TMP/screen.db" 8192 || return 1
	view list 200 40 "$SHMTOP -a -t file" || return 1
	see list "$TMP/screen\\.db +file .* python3" 15 || return 1
	view obj 120 40 "$SHMTOP $TMP/screen.db" || return 1
	see obj "FILE" || return 1
	see obj "a file mapped shared" || return 1
	see obj "hello" || return 1 # the preview of its first bytes
	kill "$MPID"
}

run_cases t_mapped_row t_orphan_known_place t_symlink_not_followed t_path t_path_refused t_screen

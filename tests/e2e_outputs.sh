#!/bin/bash
# SPDX-License-Identifier: MIT
# The script outputs, parsed as scripts parse them: a closed pipe ends
# shmtop quietly (SIGPIPE, as yes | head), any other write error is said and
# exits 1 in every mode; exit statuses tell read, absent, denied (another
# user on a 0600 segment), foreign, damaged, runtime and usage errors apart;
# --prometheus writes one exposition (checked by tests/prom_check.py, and
# promtool where installed) and the README's textfile recipe works; the
# JSON is valid UTF-8 with a writer whose name is 0xFF 0xFE, and its keys
# are the list's; the list agrees with lsipc -m (text and JSON, same
# columns); -i SHMID opens a segment by shmid.
#
# usage: e2e_outputs.sh SHMTOP SHMWRITER MKSEG SHMSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
SHMSEG=$(realpath "$4")
HERE=$(dirname "$(realpath "$0")")
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=outputs$$
. "$HERE/e2e_lib.sh"
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")

# json_get EXPR < JSON: python's value of EXPR over the parsed input d.
json_get() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# A closed pipe: no message, death by SIGPIPE (status 141 in bash).
t_closed_pipe() {
	local k rc=0 args
	k=$(key 1)
	writer "$k" -i 0.1 || return 1
	for args in "-a -b" "-a -b -n 1000 -d 1" "-a --json" "--prometheus -d 1" "-k $k -b -d 1" \
		"-k $k --json -d 1"; do
		# shellcheck disable=SC2086
		"$SHMTOP" $args 2>"$TMP/err" | head -c 1 >/dev/null
		local st=${PIPESTATUS[0]}
		[[ $st == 141 ]] || fail "'$args | head': exit $st, not 141 (SIGPIPE)" || rc=1
		[[ ! -s $TMP/err ]] || fail "'$args | head' said: $(cat "$TMP/err")" || rc=1
	done
	return $rc
}

# /dev/full and a closed stdout: one line on stderr, exit 1, in every mode.
t_write_errors() {
	local k rc=0 args st
	k=$(key 2)
	writer "$k" -i 0.1 || return 1
	for args in "--check" "-a -b -n 1" "-a --json -n 1" "--prometheus" "-k $k -b -n 1" \
		"-k $k --json -n 1" "--help" "--version"; do
		# shellcheck disable=SC2086
		"$SHMTOP" $args >/dev/full 2>"$TMP/err"
		st=$?
		[[ $st == 1 ]] || fail "'$args >/dev/full' exited $st, not 1" || rc=1
		[[ $(wc -l <"$TMP/err") == 1 ]] && grep -q "^shmtop: write error: No space left" "$TMP/err" ||
			fail "'$args >/dev/full' said: $(cat "$TMP/err")" || rc=1
		# shellcheck disable=SC2086
		"$SHMTOP" $args >&- 2>"$TMP/err"
		st=$?
		[[ $st == 1 ]] || fail "'$args >&-' exited $st, not 1" || rc=1
		[[ $(wc -l <"$TMP/err") == 1 ]] && grep -q "^shmtop: write error:" "$TMP/err" ||
			fail "'$args >&-' said: $(cat "$TMP/err")" || rc=1
	done
	return $rc
}

# rc_of EXPECTED CMD...: CMD exits EXPECTED.
rc_of() {
	local want=$1 st
	shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	st=$?
	[[ $st == "$want" ]] || fail "'$*' exited $st, not $want: $(head -c 300 "$TMP/err")"
}

# Exit statuses: 0 read, 1 runtime, 2 usage, 3 absent, 4 denied (another
# user, 0600), 5 foreign, 6 damaged; the state is the last -n snapshot's.
t_exit_status() {
	local k kf kd ka u="shmo$$" rc=0
	k=$(key 3) kf=$(key 4) kd=$(key 5) ka=$(key 6)
	writer "$k" -i 0.1 -m 0600 || return 1
	rc_of 0 "$SHMTOP" -k "$k" -b -n 1 || rc=1
	rc_of 0 "$SHMTOP" -k "$k" --json -n 2 -d 1 || rc=1
	rc_of 3 "$SHMTOP" -k "$ka" -b -n 1 || rc=1
	rc_of 3 "$SHMTOP" -k "$ka" --json -n 1 || rc=1
	[[ $(json_get 'd["state"]' <"$TMP/out") == waiting ]] || fail "absent: not waiting" || rc=1
	KEYS+=("$kf" "$kd")
	"$MKSEG" "$kf" tiny >/dev/null || fail "mkseg tiny" || return 1
	"$MKSEG" "$kd" absurd >/dev/null || fail "mkseg absurd" || return 1
	rc_of 5 "$SHMTOP" -k "$kf" -b -n 1 || rc=1
	rc_of 6 "$SHMTOP" -k "$kd" --json -n 1 || rc=1
	[[ $(json_get 'd["state"]' <"$TMP/out") == damaged ]] || fail "absurd: not damaged" || rc=1
	# runtime, not usage: no --help hint
	rc_of 1 "$SHMTOP" -f /nonexistent/shmtop -b -n 1 || rc=1
	grep -q "help" "$TMP/err" && { fail "-f /nonexistent hints at --help"; rc=1; }
	rc_of 2 "$SHMTOP" -b --check || rc=1
	grep -q "^shmtop: --batch cannot be used with --check (see 'shmtop --help')$" "$TMP/err" ||
		fail "-b --check said: $(cat "$TMP/err")" || rc=1
	rc_of 2 "$SHMTOP" -a -k "$k" -b -n 1 || rc=1
	rc_of 2 "$SHMTOP" --prometheus -k "$k" -i 1 || rc=1
	rc_of 3 "$SHMTOP" --prometheus -k "$(key 9)" || rc=1 # one segment's, and none there
	rc_of 2 "$SHMTOP" --sort size -k "$k" -b -n 1 || rc=1
	# denied: another user, a 0600 segment, the binary staged where it can run it
	can_add_users || { echo "    (not root, or no useradd: denied not run)"; return $rc; }
	add_user "$u" || fail "useradd $u" || return 1
	local viewer=$SHMTOP
	stage viewer || fail "stage" || return 1
	rc_of 4 runuser -u "$u" -- "$viewer" -k "$k" -b -n 1 || rc=1
	grep -q "NO ACCESS" "$TMP/out" || fail "not NO ACCESS: $(head -3 "$TMP/out")" || rc=1
	rc_of 4 runuser -u "$u" -- "$viewer" -k "$k" --json -n 1 || rc=1
	[[ $(json_get 'd["state"]' <"$TMP/out") == denied ]] || fail "JSON not denied" || rc=1
	return $rc
}

# --prometheus: one exposition, valid; -n 2 two; the README's recipe
# writes the file whole; our segment's size is ipcs'.
t_prometheus() {
	local k id dir rc=0
	k=$(key 7)
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	[[ -n $id ]] || fail "no shmid" || return 1
	timeout 10 "$SHMTOP" --prometheus >"$TMP/prom" || fail "--prometheus did not end by itself" ||
		return 1
	python3 "$HERE/prom_check.py" "$TMP/prom" >"$TMP/samples" ||
		fail "invalid exposition: $(cat "$TMP/samples")" || return 1
	grep -qx "shmtop_segment_bytes{key=\"$k\",owner=\"root\",shmid=\"$id\"} $(bytes "$k")" \
		"$TMP/samples" || fail "no shmtop_segment_bytes for $k" || rc=1
	# the writer's figures only with --values (reading them attaches)
	! grep -q "^shmtop_writer_up{key=\"$k\"" "$TMP/samples" ||
		fail "shmtop_writer_up without --values" || rc=1
	timeout 10 "$SHMTOP" --prometheus --values >"$TMP/promv" || fail "--values" || return 1
	python3 "$HERE/prom_check.py" "$TMP/promv" >"$TMP/samples" ||
		fail "invalid exposition with --values: $(cat "$TMP/samples")" || return 1
	grep -qx "shmtop_writer_up{key=\"$k\",owner=\"root\",shmid=\"$id\"} 1" "$TMP/samples" ||
		fail "writer not up" || rc=1
	if command -v promtool >/dev/null; then
		promtool check metrics <"$TMP/prom" || fail "promtool check metrics" || rc=1
	fi
	timeout 10 "$SHMTOP" --prometheus -n 2 -d 1 >"$TMP/prom2" || fail "-n 2" || return 1
	python3 "$HERE/prom_check.py" --expositions 2 "$TMP/prom2" >/dev/null ||
		fail "not two expositions" || rc=1
	# with -d alone it goes on until stopped
	timeout 2 "$SHMTOP" --prometheus -d 3 >/dev/null
	[[ $? == 124 ]] || fail "--prometheus -d 3 ended by itself" || rc=1
	# the README's textfile-collector recipe, word for word
	dir=$TMP/textfile
	mkdir -p "$dir"
	sed -n '/^# textfile recipe$/,/^```$/p' "$HERE/../README.md" | sed '1d;$d' |
		sed "s#/var/lib/prometheus/node-exporter#$dir#g; s#^shmtop #$SHMTOP #" >"$TMP/recipe.sh"
	[[ -s $TMP/recipe.sh ]] || fail "no recipe in the README" || return 1
	PATH=$(dirname "$SHMTOP"):$PATH sh -e "$TMP/recipe.sh" || fail "the recipe failed" || return 1
	python3 "$HERE/prom_check.py" "$dir/shmtop.prom" >/dev/null || fail "recipe: invalid file" || rc=1
	[[ -z $(find "$dir" -type f ! -name shmtop.prom) ]] || fail "recipe left a temp file" || rc=1
	return $rc
}

# A writer whose name is the bytes 0xFF 0xFE: every JSON output parses as
# strict UTF-8 and shows the name as U+FFFD U+FFFD; the single-segment
# JSON and the list's row have the same keys and values for the segment.
t_json_utf8() {
	local k rc=0 bin
	k=$(key 8)
	bin=$TMP/$'\xff\xfe'
	cp "$WRITER" "$bin" || return 1
	KEYS+=("$k")
	"$bin" -k "$k" -i 0.1 >/dev/null 2>&1 &
	PIDS+=("$!")
	until_ok 10 has_segment "$k" || fail "writer did not start" || return 1
	[[ $(cat "/proc/$!/comm" | od -An -tx1 | tr -d ' ') == fffe0a ]] || fail "comm is not ff fe" || return 1
	"$SHMTOP" -k "$k" --json -n 1 >"$TMP/one.json" || fail "--json exited $?" || return 1
	"$SHMTOP" -a --json -n 1 >"$TMP/all.json" || fail "-a --json exited $?" || return 1
	python3 - "$TMP/one.json" "$TMP/all.json" "$k" <<-'PY' || rc=1
		import json, sys
		one = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
		rows = json.loads(open(sys.argv[2], "rb").read().decode("utf-8", "strict"))["sharedmemory"]
		# the segment's (its writer lock, a sysv-sem row, has the key too)
		row = [r for r in rows if r["key"] == sys.argv[3] and r["kind"] == "sysv"]
		errors = []
		if len(row) != 1:
		    errors.append("%d rows for the key" % len(row))
		else:
		    row = row[0]
		    if one["writer_command"] != "\ufffd\ufffd":
		        errors.append("writer_command %r" % one["writer_command"])
		    if row["command"] != "\ufffd\ufffd":
		        errors.append("command %r" % row["command"])
		    lsipc = ["key", "id", "owner", "perms", "cuid", "cuser", "cgid", "cgroup", "uid",
		             "user", "gid", "group", "ctime", "size", "nattch", "status", "attach",
		             "detach", "cpid", "lpid"]
		    for name in lsipc + ["mode", "count", "state", "resets", "writer_pid", "writer_alive"]:
		        if name not in one or name not in row:
		            errors.append("%s missing: single %s, list %s" % (name, name in one, name in row))
		    for name in ["key", "id", "owner", "perms", "mode", "cuid", "cuser", "cgid", "cgroup",
		                 "uid", "user", "gid", "group", "ctime", "size", "status", "cpid"]:
		        if one.get(name) != row.get(name):
		            errors.append("%s: single %r, list %r" % (name, one.get(name), row.get(name)))
		    if not isinstance(one["owner"], str) or ":" in one["owner"]:
		        errors.append("owner %r is not a user name" % one["owner"])
		for e in errors:
		    print("    FAIL: " + e)
		sys.exit(1 if errors else 0)
	PY
	return $rc
}

# The list against lsipc -m, for segments of ours of lsipc's sizes: the
# same rows and values in KEY,ID,OWNER,PERMS,SIZE,NATTCH, as raw text
# (sizes as lsipc writes them) and as JSON (--bytes for lsipc).
t_lsipc() {
	local i k id ids=() size rc=0 cols=KEY,ID,OWNER,PERMS,SIZE,NATTCH
	i=10
	# (not 16640, a record's size: any shmtop -a running meanwhile attaches those)
	for size in 1 40 1023 1024 4096 16700 1075 1076 1572864 3145728; do
		k=$(key $i)
		KEYS+=("$k")
		id=$("$SHMSEG" create "$k" "$size" 0640) || fail "create $size" || return 1
		ids+=("$id")
		i=$((i + 1))
	done
	"$SHMSEG" hold "${ids[0]}" ro >/dev/null 2>&1 &
	PIDS+=("$!")
	until_ok 5 nattch_is "${ids[0]}" 1 || fail "no attach" || return 1
	local want got
	want=$(lsipc -m --raw --noheadings -o $cols | awk -v ids=" ${ids[*]} " 'index(ids, " " $2 " ")' | sort)
	# -t sysv: lsipc -m's segments (a set's or a queue's id may be a shmid too)
	got=$("$SHMTOP" -a -b -n 1 -t sysv --raw --noheadings -o $cols | awk -v ids=" ${ids[*]} " 'index(ids, " " $2 " ")' | sort)
	[[ $(wc -l <<<"$want") == "${#ids[@]}" ]] || fail "lsipc lists $(wc -l <<<"$want") of ours" || return 1
	[[ $want == "$got" ]] || { fail "raw tables differ"; diff <(echo "$want") <(echo "$got") | sed 's/^/    /'; rc=1; }
	lsipc -m --json -b -o $cols >"$TMP/lsipc.json"
	"$SHMTOP" -a --json -n 1 -t sysv -o $cols >"$TMP/shmtop.json" || fail "shmtop -a --json" || return 1
	python3 - "$TMP/lsipc.json" "$TMP/shmtop.json" "${ids[@]}" <<-'PY' || rc=1
		import json, sys
		ids = set(int(i) for i in sys.argv[3:])
		def rows(path):
		    doc = json.load(open(path))
		    table = doc.get("sharedmemory", doc.get("sharedmem"))
		    return {int(r["id"]): {k: (None if v is None else str(v)) for k, v in r.items()}
		            for r in table if r["id"] is not None and int(r["id"]) in ids}
		a, b = rows(sys.argv[1]), rows(sys.argv[2])
		bad = [(i, a.get(i), b.get(i)) for i in sorted(ids) if a.get(i) != b.get(i)]
		for i, x, y in bad:
		    print("    FAIL: shmid %d: lsipc %r, shmtop %r" % (i, x, y))
		sys.exit(1 if bad or len(a) != len(ids) else 0)
	PY
	return $rc
}

# -i SHMID: the segment by shmid, whatever its key, in batch, JSON and the
# full screen; with -a it is refused.
t_by_shmid() {
	local k id rc=0
	k=$(key 20)
	writer "$k" -i 0.1 || return 1
	id=$(shmid "$k")
	[[ -n $id ]] || fail "no shmid" || return 1
	"$SHMTOP" -i "$id" --json -n 1 >"$TMP/id.json" || fail "-i --json exited $?" || return 1
	[[ $(json_get '(d["id"], d["key"], d["state"])' <"$TMP/id.json") == "($id, '$k', 'running')" ]] ||
		fail "-i $id: $(cat "$TMP/id.json")" || rc=1
	"$SHMTOP" --id "$id" -b -n 1 | head -1 | grep -q "shmid $id" || fail "-i -b: no shmid $id" || rc=1
	view byid 100 30 "$SHMTOP -i $id" || return 1
	see byid "shmid $id" || rc=1
	see byid "RUNNING" || rc=1
	rc_of 2 "$SHMTOP" -a -i "$id" || rc=1
	return $rc
}

run_cases t_closed_pipe t_write_errors t_exit_status t_prometheus t_json_utf8 t_lsipc t_by_shmid

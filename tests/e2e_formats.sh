#!/bin/bash
# SPDX-License-Identifier: MIT
# The object list's FORMAT column (issue 24, point 2), over real objects:
#  - POSIX objects holding the bytes of real producers (a JDK 17's
#    hsperfdata, PCP MMV, a prometheus_client .db file, a Varnish index),
#    the classic text counter, random bytes and none, one named as another
#    format: -a -b -o NAME,FORMAT and -a --json (parsed) name each by its
#    bytes, never its name;
#  - SysV segments (the classic counter, shmwriter's record): FORMAT only
#    with --values, which attaches; without it "-", null in JSON, and
#    the segment's lpid untouched;
#  - a JVM's file in its known place (/tmp/hsperfdata_USER/PID), another
#    user's, 0600: hsperfdata as root;
#  - as another user, a root object of mode 0600: "?" (null in JSON);
#  - --sort format orders by it;
#  - the list screen with FORMAT picked (columns= in the settings file)
#    shows the same formats as the batch list.
#
# usage: e2e_formats.sh SHMTOP SHMWRITER MKSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
HERE=$(dirname "$(realpath "$0")")
FIX=$HERE/fixture
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen TZ=UTC
unset NO_COLOR ESCDELAY
RUN=formats$$
. "$HERE/e2e_lib.sh"
command -v python3 >/dev/null || {
	echo "SKIP: needs python3"
	exit 77
}
TMP=$(mktemp -d)
chmod 0755 "$TMP"
CLEANUPS+=("rm -rf '$TMP'" "rm -f /dev/shm/$RUN-*")

# The objects and the format each must show.
declare -A WANT=(
	[$RUN-jvm]=hsperfdata [$RUN-pcp]=mmv [$RUN-prom]=prometheus [$RUN-varnish]=varnish
	[$RUN-text]=text [$RUN-random]=data [$RUN-empty]=empty [$RUN-hsperfdata]=mmv
)
make_objects() {
	rm -f /dev/shm/"$RUN"-*
	cp "$FIX/hsperf/hsperfdata-openjdk17" "/dev/shm/$RUN-jvm"
	cp "$FIX/mmv/v2.mmv" "/dev/shm/$RUN-pcp"
	cp "$FIX/prom/counter_32690.db" "/dev/shm/$RUN-prom"
	cp "$FIX/varnish/_.vsm_child/_.index" "/dev/shm/$RUN-varnish"
	{ printf '9527\0'; head -c 1019 /dev/zero; } >"/dev/shm/$RUN-text"
	head -c 4096 /dev/urandom >"/dev/shm/$RUN-random"
	: >"/dev/shm/$RUN-empty"
	cp "$FIX/mmv/v1.mmv" "/dev/shm/$RUN-hsperfdata" # its name is not its format
	chmod 0600 /dev/shm/"$RUN"-*
	# never read: a FIFO (not listed), a symlink to a JVM's bytes
	mkfifo "/dev/shm/$RUN-fifo"
	ln -s "/dev/shm/$RUN-jvm" "/dev/shm/$RUN-link"
}

# formats [ARGS]: "NAME FORMAT" of this run's rows of one batch list.
formats() {
	timeout 20 "$SHMTOP" -a -b -n 1 --raw --noheadings -o NAME,FORMAT -F "$RUN" "$@"
}

t_posix() {
	make_objects
	local out name fmt n=0
	out=$(formats -t posix) || fail "shmtop -a -b: $?" || return 1
	while read -r name fmt; do
		[[ ${WANT[$name]+set} ]] || fail "an unexpected row: $name $fmt" || return 1
		[[ $fmt == "${WANT[$name]}" ]] || fail "$name: '$fmt', want ${WANT[$name]}" || return 1
		n=$((n + 1))
	done <<<"$out"
	((n == ${#WANT[@]})) || fail "$n rows, want ${#WANT[@]}: $out" || return 1
	# JSON: every column by default, format among them
	local want
	want=$(for k in "${!WANT[@]}"; do printf '%s=%s\n' "$k" "${WANT[$k]}"; done)
	timeout 20 "$SHMTOP" -a --json -n 1 -F "$RUN" -t posix | python3 -c '
import json, sys
want = dict(l.split("=", 1) for l in sys.argv[1].split())
rows = json.load(sys.stdin)["sharedmemory"]
got = {r["name"]: r["format"] for r in rows}
assert got == want, (got, want)' "$want" || fail "--json" || return 1
	# --sort format: by its name
	out=$(formats -t posix --sort format | awk '{ print $2 }')
	[[ $out == "$(sort <<<"$out")" ]] || fail "--sort format: $out"
}

t_sysv() {
	local kc kw
	kc=$(key 1)
	kw=$(key 2)
	KEYS+=("$kc")
	"$MKSEG" "$kc" classic &
	PIDS+=($!)
	until_ok 10 has_segment "$kc" || fail "no classic counter" || return 1
	writer "$kw" || return 1
	local lpid
	lpid=$(ipcs -m -p | awk -v i="$(shmid "$kw")" '$1 == i { print $4 }')
	local out
	out=$(timeout 20 "$SHMTOP" -a -b -n 1 --raw --noheadings -o KEY,FORMAT -t sysv |
		awk -v a="$kc" -v b="$kw" '$1 == a || $1 == b')
	[[ $(sort <<<"$out") == "$(printf '%s -\n%s -' "$kc" "$kw" | sort)" ]] ||
		fail "without --values: '$out'" || return 1
	[[ $(ipcs -m -p | awk -v i="$(shmid "$kw")" '$1 == i { print $4 }') == "$lpid" ]] ||
		fail "the lpid moved without --values" || return 1
	out=$(timeout 20 "$SHMTOP" -a -b -n 1 --raw --noheadings -o KEY,FORMAT -t sysv --values |
		awk -v a="$kc" -v b="$kw" '$1 == a || $1 == b' | sort)
	[[ $out == "$(printf '%s text\n%s shmtop' "$kc" "$kw" | sort)" ]] ||
		fail "with --values: '$out'" || return 1
	timeout 20 "$SHMTOP" -a --json -n 1 -t sysv | python3 -c '
import json, sys
rows = {r["key"]: r["format"] for r in json.load(sys.stdin)["sharedmemory"]}
assert rows[sys.argv[1]] is None and rows[sys.argv[2]] is None, rows' "$kc" "$kw" ||
		fail "JSON without --values" || return 1
}

t_known_place() {
	can_add_users || return 77
	local u=jfm$$ d=/tmp/hsperfdata_jfm$$
	add_user "$u" || return 1
	CLEANUPS+=("rm -rf '$d'")
	runuser -u "$u" -- mkdir -m 0755 "$d" || return 1
	# the fixture where the user can read it (the clone may be in a 0700 home)
	install -m 0644 "$FIX/hsperf/hsperfdata-openjdk17" "$TMP/hsperfdata" || return 1
	runuser -u "$u" -- cp "$TMP/hsperfdata" "$d/4242" || return 1
	runuser -u "$u" -- chmod 0600 "$d/4242"
	local out
	out=$(timeout 20 "$SHMTOP" -a -b -n 1 --raw --noheadings -o NAME,FORMAT -t file |
		awk -v p="$d/4242" '$1 == p { print $2 }')
	[[ $out == hsperfdata ]] || fail "$d/4242: '$out'"
}

t_unreadable() {
	can_add_users || return 77
	local u=ufm$$
	add_user "$u" || return 1
	make_objects
	local S=$SHMTOP
	stage S || return 1
	local out
	out=$(cd / && timeout 20 runuser -u "$u" -- "$S" -a -b -n 1 --raw --noheadings \
		-o NAME,FORMAT -F "$RUN-pcp")
	[[ $out == "$RUN-pcp ?" ]] || fail "another user's 0600 object: '$out'" || return 1
	(cd / && timeout 20 runuser -u "$u" -- "$S" -a --json -n 1 -F "$RUN-pcp") | python3 -c '
import json, sys
rows = json.load(sys.stdin)["sharedmemory"]
assert len(rows) == 1 and rows[0]["format"] is None, rows' || fail "JSON: not null"
}

t_screen() {
	make_objects
	mkdir -p "$TMP/cfg/shmtop" && chmod 0700 "$TMP/cfg"
	echo "columns=KEY,KIND,SIZE,FORMAT" >"$TMP/cfg/shmtop/shmtoprc"
	view list 120 40 "env XDG_CONFIG_HOME=$TMP/cfg $SHMTOP -a -F $RUN" || return 1
	see list "FORMAT" || return 1
	see list "$RUN-jvm +posix .* hsperfdata" || return 1
	local name
	for name in "${!WANT[@]}"; do
		[[ $(row_of list "$name" | awk '{ print $NF }') == "${WANT[$name]}" ]] ||
			fail "screen: $name: '$(row_of list "$name")'" || return 1
	done
}

run_cases t_posix t_sysv t_known_place t_unreadable t_screen

#!/bin/bash
# SPDX-License-Identifier: MIT
# A live JVM's hsperfdata on the object dashboard (issue 24, point 3), with
# a real java process and shmtop /tmp/hsperfdata_USER/PID in tmux:
#  - the heading names the JVM by its file's name: "writer pid PID (java)
#    alive", RUNNING; killed, DEAD;
#  - / gc narrows the counters table: its title "counters: N of M", N the
#    names holding "gc" in any case and M all of them, as dump_hsperf lists
#    them (jcmd's names); every row shown holds gc; j moves to the next one
#    shown; Esc shows all M again;
#  - a counter of ticks shown as seconds ("0.123 s", unit s).
#
# usage: e2e_jvm_screen.sh SHMTOP DUMP_HSPERF
set -u
SHMTOP=$(realpath "$1")
DUMP=$(realpath "$2")
WRITER=/bin/false # e2e_lib's writer(), unused here
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen
unset NO_COLOR ESCDELAY
RUN=jvmscr$$
. "$(dirname "$0")/e2e_lib.sh"
for t in java javac; do
	command -v "$t" >/dev/null || {
		echo "FAIL: $t is missing: apt-get install openjdk-17-jdk-headless (./run.sh test does)"
		exit 1
	}
done
TMP=$(mktemp -d)
CLEANUPS+=("rm -rf '$TMP'")

# jvm: a java process that allocates (its GC counters move); sets JPID
# and FILE, its hsperfdata.
jvm() {
	cat >"$TMP/Alloc.java" <<'EOF'
public class Alloc {
    static volatile long sink;
    public static void main(String[] args) throws Exception {
        System.out.println("ready");
        for (;;) {
            sink += new byte[256 * 1024].length;
            Thread.sleep(2);
        }
    }
}
EOF
	javac -d "$TMP" "$TMP/Alloc.java" || fail "javac" || return 1
	java -Xmx32m -cp "$TMP" Alloc >"$TMP/out" 2>&1 &
	JPID=$!
	PIDS+=("$JPID")
	FILE=/tmp/hsperfdata_$(id -un)/$JPID
	until_ok 30 grep -q ready "$TMP/out" || fail "java did not start: $(cat "$TMP/out")" || return 1
	until_ok 30 "$DUMP" "$FILE" >/dev/null 2>&1 || fail "no readable $FILE" || return 1
}

# title NAME: the counters table's title on the screen.
title() { screen "$1" | sed -n 's/.*\(counters: [^─]*[^ ─]\).*/\1/p'; }
# rows NAME: the names of the counters table's rows (after its heads).
rows() { screen "$1" | awk '/^  NAME /{ on = 1; next } on && /^(> |  )[^ ]/ { print $1 == ">" ? $2 : $1; next } on { exit }'; }

t_heading_filter() {
	jvm || return 1
	view jvm 160 60 "$SHMTOP $FILE -d 5" || return 1
	see jvm "writer pid $JPID \(java\) alive" 10 || return 1
	see jvm "RUNNING" || return 1
	see jvm "counters: [0-9]+  selected 1/" || return 1
	keys jvm /
	see jvm "^Filter: _" 5 || return 1
	tmux -L "$RUN-jvm" send-keys -l gc
	keys jvm Enter
	see jvm "counters: [0-9]+ of [0-9]+  filter \"gc\"  selected 1/" || return 1
	local t n m want wantall names r
	for try in 1 2; do # a JVM may add a counter between the two looks
		t=$(title jvm)
		n=$(sed -n 's/counters: \([0-9]*\) of.*/\1/p' <<<"$t")
		m=$(sed -n 's/counters: [0-9]* of \([0-9]*\).*/\1/p' <<<"$t")
		names=$("$DUMP" "$FILE" | cut -d= -f1)
		want=$(grep -ci gc <<<"$names")
		wantall=$(wc -l <<<"$names")
		[[ $n == "$want" && $m == "$wantall" ]] && break
		sleep 1
	done
	[[ $n == "$want" && $m == "$wantall" ]] ||
		fail "title \"$t\": want $want of $wantall (dump_hsperf's)" || return 1
	r=$(rows jvm)
	[[ -n $r ]] || fail "no rows" || return 1
	if grep -viq gc <<<"$r"; then
		fail "rows without gc: $(grep -vi gc <<<"$r" | head -3 | tr '\n' ' ')"
		return 1
	fi
	echo "    filter gc: $n of $m counters, $(wc -l <<<"$r") rows shown, each holding gc"
	keys jvm j
	see jvm "filter \"gc\"  selected 2/$n" || return 1
	see jvm "history of [^ ]*[gG][cC]" || return 1
	keys jvm Escape
	see jvm "counters: $m  selected" || return 1
	# a time in ticks as seconds
	keys jvm /
	tmux -L "$RUN-jvm" send-keys -l collector.0.time
	keys jvm Enter
	see jvm "sun\.gc\.collector\.0\.time +s .* [0-9]+\.[0-9]{3} s" || return 1
	kill "$JPID"
	until_ok 10 gone "$JPID" || fail "java did not exit" || return 1
	# the JVM removes its file at exit: the heading says it is gone, or dead
	see jvm "DEAD|GONE" 10 || return 1
}

run_cases t_heading_filter

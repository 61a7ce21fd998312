#!/bin/bash
# SPDX-License-Identifier: MIT
# What the viewer shows at the edges, with the real programs: the help box
# at every size keeps its right border; the footer offers p and r only
# where they work; a writer SIGSTOPped in the middle of an update is shown
# by a fresh viewer as busy, stopped and STALLED (screen, text and JSON);
# bad option values and ambiguous long options exit 2 with one line.
#
# usage: e2e_screen.sh SHMTOP SHMWRITER MKSEG
set -u
SHMTOP=$(realpath "$1")
WRITER=$(realpath "$2")
MKSEG=$(realpath "$3")
unset NO_COLOR ESCDELAY
export LANG=C.UTF-8
RUN=scr$$
. "$(dirname "$0")/e2e_lib.sh"

# help_box COLS ROWS: the screen (stdin) shows the help box whole or cut
# to the screen, every row of it with both borders in the box's columns and
# no text beyond them.
help_box() {
	python3 -c '
import sys
cols, rows = int(sys.argv[1]), int(sys.argv[2])
lines = sys.stdin.read().split("\n")[:rows]
top = next((y for y, l in enumerate(lines) if "shmtop help" in l), None)
if top is None:
    sys.exit("no help box")
t = lines[top]
left, right = t.rfind("\u250c", 0, t.index("shmtop help")), t.find("\u2510")
if left < 0 or right <= left or right >= cols:
    sys.exit("top border: %r" % t)
bottom = next((y for y in range(top + 1, len(lines))
               if len(lines[y]) > right and lines[y][left] == "\u2514"), None)
if bottom is None:
    sys.exit("no bottom border")
for y in range(top + 1, bottom + 1):
    l = lines[y].ljust(cols)
    edge = "\u2518" if y == bottom else "\u2502"
    if l[right] != edge or l[left] != ("\u2514" if y == bottom else "\u2502"):
        sys.exit("row %d: %r" % (y, lines[y]))
    if y < bottom and l[right - 1] != " ":
        sys.exit("row %d: text touches the border: %r" % (y, lines[y]))
' "$@"
}
help_fits() { screen "$1" | help_box "$2" "$3" 2>/dev/null; }

t_help_border() {
	local k s cols rows
	k=$(key 1)
	writer "$k" -i 0.2 || return 1
	view h 80 24 "$SHMTOP -k $k" || return 1
	tmux -L "$RUN-h" set-option -g window-size manual >/dev/null
	see h RUNNING || return 1
	keys h '?'
	for s in "80 24" "40 10" "40 24" "41 30" "57 20" "100 15" "120 40" "200 50"; do
		read -r cols rows <<<"$s"
		tmux -L "$RUN-h" resize-window -x "$cols" -y "$rows"
		if ! until_ok 10 help_fits h "$cols" "$rows"; then
			screen h | help_box "$cols" "$rows"
			screen h | sed 's/^/    | /'
			fail "help box at ${cols}x$rows"
			return 1
		fi
	done
}

footer() { screen "$1" | grep -v '^$' | tail -1; }
# footer_ok NAME CONTROLS: the footer is up, and offers p and r only if
# CONTROLS is yes.
footer_ok() {
	local f
	f=$(footer "$1")
	[[ $f == "F1Help "* ]] || return 1
	if [[ $2 == yes ]]; then
		[[ $f == *"pPause rReset"* ]]
	else
		[[ $f != *"pPause"* && $f != *"pResume"* && $f != *"rReset"* ]]
	fi
}

t_footer() {
	local k f
	k=$(key 2)
	KEYS+=("$k")
	"$MKSEG" "$k" tiny || return 1
	view f 100 30 "$SHMTOP -k $k" || return 1
	see f FOREIGN || return 1
	until_ok 10 footer_ok f no || fail "foreign: footer '$(footer f)'" || return 1
	[[ $(footer f) != *"c clear"* ]] || fail "foreign: c offered: '$(footer f)'" || return 1

	k=$(key 3)
	writer "$k" -i 0.2 || return 1
	view g 100 30 "$SHMTOP -k $k" || return 1
	see g RUNNING || return 1
	until_ok 10 footer_ok g yes || fail "live: footer '$(footer g)'" || return 1
	kill -9 "$WPID"
	see g DEAD || return 1
	until_ok 10 footer_ok g no || fail "dead writer: footer '$(footer g)'" || return 1
}

# seq_of PID KEY: the record's seq, read through the writer's own mapping
# (the header gives the payload's offset).
seq_of() {
	python3 -c '
import struct, sys
pid, key = int(sys.argv[1]), int(sys.argv[2], 0)
name = "/SYSV%08x" % key
start = next(int(l.split("-")[0], 16) for l in open("/proc/%d/maps" % pid) if name in l)
with open("/proc/%d/mem" % pid, "rb") as f:
    f.seek(start + 16)
    f.seek(start + struct.unpack("<I", f.read(4))[0])
    print(struct.unpack("<Q", f.read(8))[0])
' "$1" "$2"
}
stopped() { [[ $(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null) == T ]]; }

# A version 3 record's seqlock is open for a few ns of each count's
# publication (its checksum is made before): a random stop lands there
# once in 80 to 250 tries, so up to 3000 (about 0.07 s each) are allowed.
t_stopped_mid_update() {
	local k i seq=0 out
	k=$(key 4)
	writer "$k" -i 0 || return 1
	for ((i = 1; i <= 3000; i++)); do
		kill -STOP "$WPID"
		until_ok 5 stopped "$WPID" || fail "writer did not stop" || return 1
		seq=$(seq_of "$WPID" "$k") || fail "cannot read seq" || return 1
		((seq % 2 == 1)) && break
		kill -CONT "$WPID"
	done
	((seq % 2 == 1)) || fail "never stopped mid-update in $((i - 1)) tries" || return 1
	echo "    stopped mid-update (seq $seq) after $i tries"
	out=$("$SHMTOP" -k "$k" -b -n 1)
	grep -q -- "- STALLED$" <<<"$out" || fail "text: not STALLED: $out" || return 1
	grep -q "record busy" <<<"$out" || fail "text: busy not said: $out" || return 1
	grep -q "writer pid $WPID (shmwriter) stalled (T: stopped)" <<<"$out" ||
		fail "text: writer not named: $out" || return 1
	"$SHMTOP" -k "$k" --json -n 1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
want = {"state": "stalled", "busy": True, "writer_pid": int(sys.argv[1]),
        "writer_alive": True, "writer_proc_state": "T", "writer_command": "shmwriter"}
bad = {k: d.get(k) for k in want if d.get(k) != want[k]}
sys.exit("json: %r" % bad if bad else 0)
' "$WPID" || return 1
	view m 100 30 "$SHMTOP -k $k" || return 1
	see m STALLED || return 1
	see m "writer pid $WPID \(shmwriter\) stalled \(T: stopped\)" || return 1
	kill -CONT "$WPID"
	see m RUNNING || return 1
}

# bad_arg EXPECT PROGRAM ARGS...: exit 2 and one line on stderr holding EXPECT.
bad_arg() {
	local want=$1 err rc
	shift
	err=$(timeout 5 "$@" 2>&1 >/dev/null)
	rc=$?
	[[ $rc == 2 && $err == *"$want"* && $(wc -l <<<"$err") == 1 ]] && return 0
	fail "$(basename "$1") ${*:2}: exit $rc, '$err'"
}

t_option_edges() {
	local k ok=0
	k=$(key 5)
	KEYS+=("$k")
	bad_arg "invalid interval '0x10'" "$WRITER" -k "$k" -i 0x10 || ok=1
	bad_arg "invalid interval '-0'" "$WRITER" -k "$k" -i -0 || ok=1
	bad_arg "invalid interval '1e-3'" "$WRITER" -k "$k" -i 1e-3 || ok=1
	bad_arg "invalid interval 'inf'" "$WRITER" -k "$k" -i inf || ok=1
	bad_arg "invalid interval 'nan'" "$WRITER" -k "$k" -i nan || ok=1
	bad_arg "invalid mode '+600'" "$WRITER" -k "$k" -m +600 || ok=1
	bad_arg "invalid mode '0x180'" "$WRITER" -k "$k" -m 0x180 || ok=1
	bad_arg "invalid key '-1'" "$WRITER" -k -1 || ok=1
	bad_arg "option '--re' is ambiguous; possibilities: '--remove-on-exit' '--reset'" \
		"$WRITER" -k "$k" --re || ok=1
	bad_arg "unknown option '--bogus'" "$WRITER" -k "$k" --bogus || ok=1
	bad_arg "invalid key '-1'" "$SHMTOP" -k -1 -b -n 1 || ok=1
	bad_arg "invalid key '+1'" "$SHMTOP" -k +1 -b -n 1 || ok=1
	bad_arg "option '--a' is ambiguous; possibilities:" "$SHMTOP" --a || ok=1
	bad_arg "'--ascii'" "$SHMTOP" --a || ok=1
	bad_arg "option '--key' needs an argument" "$SHMTOP" --key || ok=1
	has_segment "$k" && fail "a refused writer made a segment" && ok=1
	return $ok
}

run_cases t_help_border t_footer t_stopped_mid_update t_option_edges

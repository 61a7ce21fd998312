#!/bin/bash
# SPDX-License-Identifier: MIT
# shmtop's prometheus_client reader against the library itself (issue 24,
# point 5): tests/prom_workers.py runs 5 worker processes of Debian's
# python3-prometheus-client in multiprocess mode (PROMETHEUS_MULTIPROC_DIR
# a folder of the test's own): counters with labels of quotes, unicode and
# a backslash, gauges of modes all, livesum, max and min, a histogram and
# a summary.  Three exit, two stay; one of those adds to a counter as fast
# as it can while tests/dump_promdb reads the folder again and again
# (every read whole, none refused, the counter never going back).  Then
# one staying worker is killed with -9 and the folder is compared
# (tests/promdb_compare.py) with MultiProcessCollector's generate_latest()
# read back by the library's parser: the same samples, every value equal.
# The killed worker's files are kept, as users find them (only
# mark_process_dead(), which the library's README has gunicorn's
# child_exit hook call, removes anything, and only live gauges' files):
# dump_promdb marks them dead and the live worker's alive.  Then
# mark_process_dead() for each ended pid, and the comparison again;
# dump_promdb --drop-dead-live before it equals the collector after it.
# Then files that are not to be read: a symbolic link, a FIFO (no hang),
# an empty file (a worker killed before it wrote: read as nothing), a
# file cut short, a name of terminal controls; a file cut and rewritten in
# place under the reads (SIGBUS ends a read, not the reader).
#
# With the worker killed, `shmtop DIR` in tmux shows the folder as one
# object: its counters table against the same dump (tests/promdb_screen.py)
# and its heading's files and dead processes' files as dump_promdb counts
# them.
#
# usage: e2e_promdb.sh DUMP_PROMDB SHMTOP
set -u
DUMP=$(realpath "$1")
SHMTOP=$(realpath "$2")
HERE=$(dirname "$(realpath "$0")")
PY=/usr/bin/python3 # Debian's, where python3-prometheus-client is
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	tmux -L "$TMUX_SERVER" kill-server 2>/dev/null
	rm -rf "$TMP"
}
TMUX_SERVER=e2e_promdb-$$
trap cleanup EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok: $*"; }

if ! $PY -c 'import prometheus_client.multiprocess' 2>/dev/null; then
	echo "FAIL: python3-prometheus-client is not installed (./run.sh test installs it)"
	exit 1
fi
echo "prometheus_client: $($PY -c 'import importlib.metadata as m; print(m.version("prometheus_client"))' 2>/dev/null)"

# wait_for SECONDS CMD...: poll until CMD succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS >= end)) && return 1
		sleep 0.05
	done
}

DIR=$TMP/multiproc
mkdir "$DIR"
export PROMETHEUS_MULTIPROC_DIR=$DIR
SPIN=1000000
$PY "$HERE/prom_workers.py" "$DIR" 5 300 2 $SPIN >"$TMP/workers.out" 2>"$TMP/workers.err" &
PIDS+=($!)
main=$!
if ! wait_for 60 grep -q '^done' "$TMP/workers.out" || ! wait_for 30 grep -q '^spin' "$TMP/workers.out" ||
	! wait_for 30 grep -q '^hang' "$TMP/workers.out"; then
	cat "$TMP/workers.err"
	echo "FAIL: the workers did not start"
	exit 1
fi
victim=$(grep '^hang' "$TMP/workers.out" | cut -d' ' -f2)
spinner=$(grep '^spin' "$TMP/workers.out" | cut -d' ' -f2)
PIDS+=("$victim" "$spinner")

# Reads while the spinner adds to spin_total.
reads=0 refused=0 back=0 last=-1 seen=0 mid=0
while ! grep -q '^idle' "$TMP/workers.out" && ((reads < 2000)); do
	if ! "$DUMP" "$DIR" >"$TMP/live" 2>"$TMP/live.err"; then
		refused=$((refused + 1))
		continue
	fi
	reads=$((reads + 1))
	grep -q '^# refused' "$TMP/live" && refused=$((refused + 1)) && cp "$TMP/live" "$TMP/live.refused"
	v=$(awk -F'\t' '$1 == "sample" && $2 == "spin_total" { print $3 }' "$TMP/live")
	if [[ -n $v ]]; then
		seen=$((seen + 1))
		awk -v a="$v" -v b="$last" 'BEGIN { exit !(a + 0 >= b + 0) }' || back=$((back + 1))
		((v > 0 && v < SPIN)) && mid=$((mid + 1))
		last=$v
	fi
done
if ((refused || back || mid < 3)); then
	fail "reads while a worker writes: $reads reads, $refused refused, $back went back, $mid saw spin_total moving"
	[[ -f $TMP/live.refused ]] && grep '^# refused' "$TMP/live.refused"
else
	ok "reads while a worker writes: $reads reads ($mid while spin_total moved), none refused, spin_total never went back (last $last)"
fi
wait_for 60 grep -q '^idle' "$TMP/workers.out" || fail "the spinner did not finish"

kill -9 "$victim"
gone() { [[ ! -e /proc/$victim/stat ]] || [[ $(sed 's/.*) //' "/proc/$victim/stat" 2>/dev/null | cut -c1) == Z ]]; }
wait_for 10 gone || fail "the killed worker stays"
"$DUMP" "$DIR" >"$TMP/dump" 2>"$TMP/dump.err" || fail "dump_promdb: $(cat "$TMP/dump.err")"
if out=$($PY "$HERE/promdb_compare.py" "$DIR" "$TMP/dump"); then
	ok "against MultiProcessCollector, one worker killed, its files kept: $out"
else
	fail "against MultiProcessCollector, one worker killed: $out"
fi
nvictim=$(ls "$DIR" | grep -c "_$victim\.db$")
dead_victim=$(grep -c "^# file .* $victim dead " "$TMP/dump")
alive_spinner=$(grep -c "^# file .* $spinner alive " "$TMP/dump")
nspinner=$(ls "$DIR" | grep -c "_$spinner\.db$")
dead=$(grep -c '^# file .* dead ' "$TMP/dump")
if ((nvictim > 0 && dead_victim == nvictim && alive_spinner == nspinner && dead == $(ls "$DIR" | wc -l) - nspinner)); then
	ok "the killed worker's $nvictim files marked dead, the live one's $nspinner alive, $dead dead in all ($(grep '^# files' "$TMP/dump"))"
else
	fail "dead marks: killed $victim has $nvictim files, $dead_victim marked dead; live $spinner $nspinner, $alive_spinner alive; $dead dead"
fi

# The folder as one object: shmtop DIR's dashboard.
tmux -L "$TMUX_SERVER" -f /dev/null new-session -d -x 200 -y 70 "exec $SHMTOP $DIR"
shown() { tmux -L "$TMUX_SERVER" capture-pane -p >"$TMP/screen" 2>/dev/null && grep -q 'counters: ' "$TMP/screen" && grep -q ' of dead processes' "$TMP/screen"; }
if wait_for 20 shown; then
	"$DUMP" "$DIR" >"$TMP/dump3" 2>&1
	read -r files dead < <(awk '$2 == "files" { print $3, $7 }' "$TMP/dump3")
	heading=$(grep -o '[0-9]* files\? ([^)]*), [0-9]* of dead processes ([^)]*)' "$TMP/screen")
	if [[ $heading == "$files files ("*"), $dead of dead processes ("* ]] && ((dead >= nvictim && nvictim > 0)); then
		ok "shmtop DIR's heading: $heading (dump_promdb: $files files, $dead dead)"
	else
		fail "shmtop DIR's heading [$heading], dump_promdb: $files files, $dead dead"
	fi
	if out=$($PY "$HERE/promdb_screen.py" "$TMP/dump3" "$TMP/screen"); then
		ok "shmtop DIR's counters table = dump_promdb's aggregate: $out"
	else
		fail "shmtop DIR's counters table: $out"
		cat "$TMP/screen"
	fi
else
	fail "shmtop DIR shows no counters table"
	tmux -L "$TMUX_SERVER" capture-pane -p
fi
tmux -L "$TMUX_SERVER" kill-server 2>/dev/null

"$DUMP" --drop-dead-live "$DIR" >"$TMP/dropped" 2>&1 || fail "dump_promdb --drop-dead-live"
# what the README's child_exit hook does, for every worker that ended
ended=$(grep '^worker' "$TMP/workers.out" | cut -d' ' -f2 | grep -vx "$spinner" | tr '\n' ,)
$PY -c "from prometheus_client.multiprocess import mark_process_dead as m
for p in [$ended]: m(p, '$DIR')"
left=$(ls "$DIR" | grep -c "_$victim\.db$")
if out=$($PY "$HERE/promdb_compare.py" "$DIR" "$TMP/dropped"); then
	ok "--drop-dead-live before mark_process_dead() of the 4 ended workers = the collector after it ($left of the killed worker's $nvictim files left): $out"
else
	fail "--drop-dead-live against the collector after mark_process_dead(): $out"
fi
"$DUMP" "$DIR" >"$TMP/dump2" 2>&1
if out=$($PY "$HERE/promdb_compare.py" "$DIR" "$TMP/dump2"); then
	ok "against MultiProcessCollector after mark_process_dead(): $out"
else
	fail "against MultiProcessCollector after mark_process_dead(): $out"
fi

# Files that are not to be read, beside good ones.
BAD=$TMP/bad
mkdir "$BAD"
cp "$DIR/counter_$spinner.db" "$BAD/"
ln -s "$DIR/counter_$victim.db" "$BAD/counter_1.db"
mkfifo "$BAD/counter_2.db"
: >"$BAD/gauge_livesum_3.db"
head -c 20 "$DIR/counter_$spinner.db" >"$BAD/counter_4.db"
cp "$DIR/counter_$spinner.db" "$BAD/counter_"$'\e[2J'"5.db"
cp "$DIR/counter_$spinner.db" "$BAD/summary_00.db"
timeout 10 "$DUMP" "$BAD" >"$TMP/bad.out" 2>&1
rc=$?
want=("counter_1.db: Too many levels of symbolic links" "counter_2.db: not a regular file"
	"gauge_livesum_3.db: empty (0 bytes)" "counter_4.db: used "
	'counter_\x1b[2J5.db: no pid' "summary_00.db: no pid")
miss=""
for w in "${want[@]}"; do grep -qF "# refused $w" "$TMP/bad.out" || miss+=" [$w]"; done
if ((rc == 0)) && [[ -z $miss ]] && ! grep -q $'\e' "$TMP/bad.out" &&
	grep -q "^# file counter_$spinner.db counter - $spinner alive" "$TMP/bad.out"; then
	ok "a link, a FIFO, an empty file, a cut one and bad names refused with their reasons, the good one read"
else
	fail "bad files (exit $rc, missing:$miss):"
	cat -v "$TMP/bad.out"
fi

# A file of 600 entries (the library's, 48,008 bytes used of 65,536) cut short and
# written again in place while it is read: the parse of the mapping meets
# a SIGBUS past the new end, which ends the read with a reason, never the
# reader.
BIG=$TMP/big
mkdir "$BIG"
PROMETHEUS_MULTIPROC_DIR=$BIG $PY -c "from prometheus_client import Counter
c = Counter('many', 'Many', ['n'])
for i in range(600): c.labels(n='label value number %d' % i).inc(i)"
good=$(ls "$BIG"/counter_*.db)
cp "$good" "$TMP/counter_9.db"
(
	end=$((SECONDS + 3))
	while ((SECONDS < end)); do
		truncate -s 100 "$TMP/counter_9.db"
		cat "$good" >"$TMP/counter_9.db"
	done
) &
shrinker=$!
PIDS+=("$shrinker")
declare -A rcs=()
shrank=0 whole=0
while kill -0 "$shrinker" 2>/dev/null; do
	"$DUMP" "$TMP/counter_9.db" >"$TMP/shrink.out" 2>/dev/null
	rc=$?
	rcs[$rc]=$((${rcs[$rc]:-0} + 1))
	grep -q "shrank" "$TMP/shrink.out" && shrank=$((shrank + 1))
	((rc == 0)) && [[ $(grep -c '^entry' "$TMP/shrink.out") == 600 ]] && whole=$((whole + 1))
done
summary=$(for rc in "${!rcs[@]}"; do echo -n "exit $rc: ${rcs[$rc]}, "; done)
if [[ -z ${rcs[*]} ]] || [[ -n $(for rc in "${!rcs[@]}"; do ((rc > 1)) && echo x; done) ]] ||
	((whole != ${rcs[0]:-0})); then
	fail "reads of a file cut under them: $summary$whole whole"
else
	ok "reads of a file cut under them: ${summary}$whole read whole (600 entries), $shrank ended by SIGBUS (the file shrank)"
fi

kill -9 "$spinner" "$main" 2>/dev/null
if ((fails)); then
	echo "e2e_promdb: $fails failures"
	exit 1
fi
echo "e2e_promdb: all passed"

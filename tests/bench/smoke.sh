#!/bin/bash
# SPDX-License-Identifier: MIT
# bench_smoke: every benchmark runs to the end, briefly, and says what it
# found.  Timings are printed, never judged here; what fails this test is
# what the benchmarks themselves call broken (a torn read under a lock, an
# invalid copy, a writer that does not start or answer, shmtop dying under
# the harness) or a report or chart that comes out incomplete.
#   smoke.sh BENCH_DIR
set -u
dir=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0

# run NAME ARGS...: run one benchmark, keep its output, check its exit status.
run() {
	local name=$1
	shift
	local t0=$SECONDS
	if "$dir/$name" "$@" >"$out/$name.txt" 2>&1; then
		echo "$name: ran in $((SECONDS - t0)) s"
	else
		echo "FAIL: $name exited with status $?; its output:"
		sed 's/^/    /' "$out/$name.txt"
		status=1
	fi
}

# expect NAME REGEX WHAT: NAME's output must have a line matching REGEX.
expect() {
	if ! grep -Eq -- "$2" "$out/$1.txt"; then
		echo "FAIL: $1 printed no $3 (/$2/)"
		status=1
	fi
}

run bench_publish --smoke
expect bench_publish '^ +seqlock \(inline, record\.h\) .* 0 +0\.00%$' "untorn seqlock row"
expect bench_publish 'issue 6 target: >= 70 % of the limit' "writer against its limit"
run bench_read --smoke
expect bench_read '^ +record_read\(\) +\| +[0-9.]+ ns' "record_read() row"
expect bench_read 'record_read\(\): busy, invalid +\| +[0-9]+, 0 ' "invalid count of 0"
run bench_command
expect bench_command '^ +p99 +\| +[0-9.]+ +\|' "p99 row"
expect bench_command 'commands, not acked +\| +1000, +0 ' "1000 commands all acknowledged"
run bench_counters --smoke
expect bench_counters '^   shmtop_inc\(\) \(library counter\) +[0-9.]+ +[0-9.]+x$' "shmtop_inc() row"
expect bench_counters '^   4 +[0-9.]+ ns +[0-9.]+ ns$' "4-thread row"
expect bench_counters '^   publisher idle +[0-9.]+ ns +[0-9.]+ ns .* 0 +-$' "idle snapshot row, 0 invalid"
expect bench_counters 'torn \(value, time\) pairs under the flat-out step: 0 in [1-9][0-9]* whole' \
	"0 torn pairs"
run bench_viewer --smoke --svg "$out/chart.svg"
expect bench_viewer '^  shmtop +[0-9]+ +[0-9.]+ +[0-9.]+' "shmtop row"
expect bench_viewer 'key to PAUSED/RUNNING on the stream p50' "key-to-screen latency"
expect bench_viewer '^  1000 segments, -a +[0-9]+' "1,000-segment list row"
expect bench_viewer '^  4 +[0-9.]+ [kM]? +[0-9.]+' "4-viewer writer row"
if [[ $(head -c 4 "$out/chart.svg" 2>/dev/null) != "<svg" ]] ||
	[[ $(tail -n 1 "$out/chart.svg") != "</svg>" ]]; then
	echo "FAIL: bench_viewer wrote no complete chart"
	status=1
fi
run bench_objlist --smoke
expect bench_objlist '^   objlist_collect\(NAMES\|DEVSHM\|ORPHANS\) +[0-9.]+ +[0-9.]+' "collect row"
expect bench_objlist '^   objlist_scan\(\) +[0-9.]+ +[0-9.]+' "scan row"
expect bench_objlist '^   floor: /proc/sysvipc/shm read whole +[0-9.]+' "floor row"
expect bench_objlist '^   shmtop -a with 10 POSIX objects: [0-9]+ bytes/s' "bytes/s on screen"
# 10 objects, 10 segments, 10 processes: each listed exactly, with its holders
if [[ $(grep -c '^   check: the object list lists exactly the objects made' \
	"$out/bench_objlist.txt") != 3 ]]; then
	echo "FAIL: bench_objlist did not find exactly what it made in its 3 set-ups"
	status=1
fi
run bench_scan --smoke
expect bench_scan '^   600 +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ MB +[0-9.]+ ms' "600-mapping row"
expect bench_scan '^   check: shmtop listed exactly the helper' "every memfd listed"
run bench_watch --smoke
expect bench_watch '^   \|   shmtop -k 0x[0-9a-f]{8} +[0-9]+ +[0-9.]+ +[0-9.]+' "shmtop row"
expect bench_watch '^  shmtop, 16 counters \(v3\) +[0-9]+ +[0-9.]+' "16-counter summary row"
expect bench_watch '^  shmtop, shmwriter +[0-9]+ +[0-9.]+' "shmwriter summary row"
expect bench_watch '^  shmtop shows the 16 counters: ' "whether the counters are shown"
run bench_producers --smoke
expect bench_producers '^  hsperf_parse\(\) +[0-9.]+ us +[0-9.]+ ns/counter$' "parse row"
expect bench_producers '^  its mapping kept, decode_object\(\) under the guard +[0-9.]+ us' \
	"live decode_object() row"
expect bench_producers '^  shmtop / jstat +[0-9.]+x +[0-9.]+x$' "shmtop / jstat ratios"
expect bench_producers '^  shmtop DIR -b -n 1 +[0-9.]+ +[0-9.]+ +[0-9.]+ MB +[1-9][0-9]* lines' \
	"shmtop row against varnishstat"

for f in "$out"/*.txt; do
	echo "---- $(basename "$f" .txt)"
	cat "$f"
done
exit $status

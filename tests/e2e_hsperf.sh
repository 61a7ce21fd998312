#!/bin/bash
# SPDX-License-Identifier: MIT
# The hsperfdata reader against the JVM itself (issue 24): a Java program
# compiled here runs (allocating, so its GC counters move; starting threads),
# and in each round `jcmd PID PerfCounter.print` is taken, then dump_hsperf
# (src/view/hsperf.c over the live file, mapped read-only), then jcmd again.
# Checked: the same names in all three, the pid from the file's name, every
# constant (numbers and strings) equal to jcmd's exactly, every monotonic
# counter between jcmd's two readings, and strings read as strings.
# openjdk-17-jdk-headless is in run.sh's test packages: missing, this fails.
# Usage: e2e_hsperf.sh DUMP_HSPERF
set -u
DUMP=$1
for t in java javac jcmd python3; do
	if ! command -v "$t" >/dev/null; then
		echo "FAIL: $t is missing: apt-get install openjdk-17-jdk-headless (./run.sh test does)"
		exit 1
	fi
done

tmp=$(mktemp -d)
jvm=
cleanup() {
	[[ -n $jvm ]] && kill "$jvm" 2>/dev/null && wait "$jvm" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/Churn.java" <<'EOF'
public class Churn {
    static volatile long sink;
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        boolean told = false;
        for (long i = 0;; i++) {
            byte[] b = new byte[64 * 1024];
            sink += b.length;
            if (i % 2000 == 0) {
                Thread t = new Thread(() -> sink++);
                t.start();
                t.join();
            }
            if (i % 200 == 0) Thread.sleep(1);
            if (!told && System.nanoTime() - start > 1_000_000_000L) {
                System.out.println("ready");
                told = true;
            }
        }
    }
}
EOF
javac -d "$tmp" "$tmp/Churn.java" || { echo "FAIL: javac"; exit 1; }
java -Xmx64m -cp "$tmp" Churn >"$tmp/out" 2>&1 &
jvm=$!
file=/tmp/hsperfdata_$(id -un)/$jvm

deadline=$((SECONDS + 60))
until grep -q ready "$tmp/out" && "$DUMP" "$file" >/dev/null 2>&1; do
	if ((SECONDS > deadline)) || ! kill -0 "$jvm" 2>/dev/null; then
		echo "FAIL: no readable $file within 60 s"
		cat "$tmp/out"
		"$DUMP" "$file"
		exit 1
	fi
	sleep 0.2
done

ok=0
for round in 1 2 3 4 5 6; do
	jcmd "$jvm" PerfCounter.print >"$tmp/before" 2>&1 || { echo "FAIL: jcmd"; cat "$tmp/before"; exit 1; }
	"$DUMP" -k "$file" >"$tmp/dump" || { echo "FAIL: dump_hsperf"; exit 1; }
	jcmd "$jvm" PerfCounter.print >"$tmp/after" 2>&1 || { echo "FAIL: jcmd"; exit 1; }
	python3 - "$tmp" "$jvm" <<'PY'
import sys
tmp, pid = sys.argv[1], sys.argv[2]

def jcmd(path):
    out = {}
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        line = line.rstrip("\n")
        if line == pid + ":":
            continue
        name, sep, value = line.partition("=")
        if not sep:
            sys.exit("jcmd line without '=': " + line)
        out[name] = value
    return out

before, after = jcmd(tmp + "/before"), jcmd(tmp + "/after")
dump, kind, got_pid = {}, {}, None
for line in open(tmp + "/dump", encoding="utf-8", errors="surrogateescape"):
    line = line.rstrip("\n")
    if line.startswith("#pid="):
        got_pid = line[5:]
        continue
    pair, k, unit = line.split("\t")
    name, _, value = pair.partition("=")
    dump[name], kind[name] = value, k

if got_pid != pid:
    sys.exit("FAIL: pid %s from the file's name, the JVM is %s" % (got_pid, pid))
if set(before) != set(after):
    print("    a counter appeared between the two jcmd runs: %s; again"
          % sorted(set(after) ^ set(before)))
    sys.exit(3)
if set(dump) != set(before):
    sys.exit("FAIL: %d names only jcmd has (%s), %d only dump_hsperf has (%s)"
             % (len(set(before) - set(dump)), sorted(set(before) - set(dump))[:5],
                len(set(dump) - set(before)), sorted(set(dump) - set(before))[:5]))
bad, n = [], {"constant": 0, "counter": 0, "gauge": 0}
moved = strings = 0
for name, v in dump.items():
    k = kind[name]
    n[k] += 1
    b, a = before[name], after[name]
    if v.startswith('"') != b.startswith('"'):
        bad.append("%s: %s here, %s in jcmd" % (name, v, b))
        continue
    if v.startswith('"'):
        strings += 1
        if k == "constant" and not (v == b == a):
            bad.append("%s: constant %s, jcmd %s then %s" % (name, v, b, a))
        continue
    if k == "constant" and not (int(v) == int(b) == int(a)):
        bad.append("%s: constant %s, jcmd %s then %s" % (name, v, b, a))
    if k == "counter":
        if not int(b) <= int(v) <= int(a):
            bad.append("%s: counter %s, not between jcmd's %s and %s" % (name, v, b, a))
        moved += int(b) != int(a)
if bad:
    sys.exit("FAIL: %d values differ:\n    " % len(bad) + "\n    ".join(bad[:10]))
if n["constant"] < 20 or n["counter"] < 50 or strings < 10 or moved < 5:
    sys.exit("FAIL: too little to compare: %s, %d strings, %d counters moved"
             % (n, strings, moved))
print("    %d names (jcmd's, its 6 sun.perfdata.* included): %d constants "
      "(%d strings among all) equal, %d counters between jcmd's readings (%d moved), "
      "%d gauges" % (len(dump), n["constant"], strings, n["counter"], moved, n["gauge"]))
PY
	rc=$?
	if ((rc == 0)); then
		ok=$((ok + 1))
	elif ((rc != 3)); then
		exit 1
	fi
	((ok >= 3)) && break
done
if ((ok < 3)); then
	echo "FAIL: only $ok of 6 rounds had a stable set of names"
	exit 1
fi
echo "PASS: dump_hsperf agrees with jcmd PerfCounter.print in $ok rounds"

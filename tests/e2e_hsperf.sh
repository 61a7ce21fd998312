#!/bin/bash
# SPDX-License-Identifier: MIT
# The hsperfdata reader against the JVM itself (issue 24): a Java program
# compiled here runs (allocating, so its GC counters move; starting threads),
# and in each round `jcmd PID PerfCounter.print` is taken, then dump_hsperf
# (src/view/hsperf.c over the live file, mapped read-only), then jcmd again.
# Checked: the same names in all three, the pid from the file's name, every
# constant (numbers and strings) equal to jcmd's exactly, every monotonic
# counter between jcmd's two readings, and strings read as strings.  And
# the same of shmtop's outputs of the file taken between the two jcmd runs:
# `shmtop FILE --json -n 1` (parsed by python3's json: every name, kind and
# unit as dump_hsperf's, values as jcmd's) and `shmtop FILE --prometheus`
# (parsed by prometheus_client's own parser: a family per counter, TYPE by
# kind, the source name in the counter label, the values as jcmd's).
# openjdk-17-jdk-headless is in run.sh's test packages: missing, this fails.
# Usage: e2e_hsperf.sh DUMP_HSPERF SHMTOP
set -u
DUMP=$1
SHMTOP=$2
PY=/usr/bin/python3 # Debian's, where python3-prometheus-client is
if ! "$PY" -c 'import prometheus_client.parser' 2>/dev/null; then
	echo "FAIL: python3-prometheus-client is not installed (./run.sh test installs it)"
	exit 1
fi
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
	"$SHMTOP" "$file" --json -n 1 >"$tmp/json" || { echo "FAIL: shmtop --json: $?"; exit 1; }
	"$SHMTOP" "$file" --prometheus >"$tmp/prom" || { echo "FAIL: shmtop --prometheus: $?"; exit 1; }
	jcmd "$jvm" PerfCounter.print >"$tmp/after" 2>&1 || { echo "FAIL: jcmd"; exit 1; }
	"$PY" - "$tmp" "$jvm" "$file" <<'PY'
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
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

# shmtop FILE --json: every counter, its kind and unit as the reader's,
# its value as jcmd's (a text the model keeps MODEL_TEXT_MAX - 1 bytes of)
doc = json.load(open(tmp + "/json"))
if doc["path"] != sys.argv[3] or doc["format"] != "hsperfdata" or doc["kind"] != "file":
    sys.exit("FAIL: --json path/format/kind %r %r %r" % (doc["path"], doc["format"], doc["kind"]))
units = {}
for line in open(tmp + "/dump", encoding="utf-8", errors="surrogateescape"):
    if not line.startswith("#pid="):
        pair, k, unit = line.rstrip("\n").split("\t")
        # the model's unit: none and string say nothing more than the value
        units[pair.partition("=")[0]] = "" if unit in ("none", "string") else unit
js = {c["name"]: c for c in doc["counters"]}
if set(js) != set(before):
    sys.exit("FAIL: --json: %d names only jcmd has (%s), %d only shmtop has (%s)"
             % (len(set(before) - set(js)), sorted(set(before) - set(js))[:5],
                len(set(js) - set(before)), sorted(set(js) - set(before))[:5]))
def between(name, v, exact):
    b, a = before[name], after[name]
    if b.startswith('"'):
        t = b[1:-1].encode("utf-8", "surrogateescape")
        got = v.encode("utf-8", "surrogateescape") if isinstance(v, str) else None
        return got is not None and (got == t or (len(got) >= 120 and t.startswith(got)))
    if isinstance(v, str) or v is None:
        return False
    return v == int(b) == int(a) if exact else int(b) <= v <= int(a)
texts = 0
for name, c in js.items():
    k = kind[name]
    # sun.perfdata.*: the file's header, which the decoder types itself
    if not name.startswith("sun.perfdata.") and (c["kind"] != k or c["unit"] != units[name]):
        bad.append("%s: --json kind %s unit %r, the reader's %s %r"
                   % (name, c["kind"], c["unit"], k, units[name]))
    k = c["kind"]
    texts += isinstance(c["value"], str)
    if not between(name, c["value"], k == "constant"):
        if k == "gauge" and (isinstance(c["value"], str) == before[name].startswith('"')):
            continue  # a level (or a text) that changes: not bounded by jcmd's readings
        bad.append("%s: --json %r, jcmd %s then %s" % (name, c["value"], before[name], after[name]))
odd = [nm for nm, c in js.items() if isinstance(c["value"], str) != before[nm].startswith('"')]
bad += ["%s: --json %r, jcmd %s" % (nm, js[nm]["value"], before[nm]) for nm in odd]
if bad or texts != strings:
    sys.exit("FAIL: --json: %d texts (the reader %d), %d differ:\n    " % (texts, strings, len(bad))
             + "\n    ".join(bad[:10]))

# shmtop FILE --prometheus, through prometheus_client's parser
want_type = {"counter": "counter", "gauge": "gauge", "constant": "unknown"}
seen, fams = {}, list(text_string_to_metric_families(open(tmp + "/prom").read()))
for f in fams:
    if not f.name.startswith("shmtop_hsperfdata_"):
        bad.append("family %s: not shmtop_hsperfdata_" % f.name)
    for smp in f.samples:
        name = smp.labels.get("counter")
        if smp.labels.get("path") != sys.argv[3] or name not in before:
            bad.append("%s: labels %s" % (smp.name, smp.labels))
            continue
        seen[name] = True
        if "value" in smp.labels:  # a text: NAME_info 1
            if f.type != "gauge" or not f.name.endswith("_info") or smp.value != 1 \
                    or not (between(name, smp.labels["value"], True)
                            or js[name]["kind"] == "gauge"):
                bad.append("%s: %s %s %s" % (name, f.type, smp.labels, smp.value))
            continue
        k = js[name]["kind"]
        if f.type != want_type[k] or (k == "counter") != smp.name.endswith("_total"):
            bad.append("%s: family %s of type %s for a %s" % (name, smp.name, f.type, k))
        v = smp.value
        if k != "gauge" and not between(name, int(v) if v == int(v) else v, k == "constant"):
            bad.append("%s: --prometheus %r, jcmd %s then %s" % (name, v, before[name], after[name]))
if bad or set(seen) != set(before):
    sys.exit("FAIL: --prometheus: %d of %d names, %d differ:\n    "
             % (len(seen), len(before), len(bad)) + "\n    ".join(bad[:10]))

print("    %d names (jcmd's, its 6 sun.perfdata.* included): %d constants "
      "(%d strings among all) equal, %d counters between jcmd's readings (%d moved), "
      "%d gauges; the same in shmtop --json and --prometheus (%d families)"
      % (len(dump), n["constant"], strings, n["counter"], moved, n["gauge"], len(fams)))
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
# a copy with a hostile entry offset: a known format that fails its
# checks, exit 6 with the reason, as a damaged segment; bytes of no format:
# the file's row, exit 0
cp "$file" "$tmp/bad"
printf '\xff\xff\xff\x7f' | dd of="$tmp/bad" bs=1 seek=24 conv=notrunc 2>/dev/null
out=$("$SHMTOP" "$tmp/bad" --json -n 1)
rc=$?
if ((rc != 6)) || ! "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(not (d["state"] == "damaged" and "damaged hsperfdata" in d["message"]))' "$out"; then
	echo "FAIL: a damaged copy: exit $rc, $out"
	exit 1
fi
yes 'no format here' | head -c 4096 >"$tmp/noise"
out=$("$SHMTOP" "$tmp/noise" -b -n 1)
rc=$?
if ((rc != 0)) || ! grep -q "^KEY .* NAME$" <<<"$out" || ! grep -q " file .* $tmp/noise$" <<<"$out"; then
	echo "FAIL: a file of no format: exit $rc, $out"
	exit 1
fi
# -o asks for the list's columns: the JVM's file as its row
out=$("$SHMTOP" "$file" -b -n 1 --raw --noheadings -o KIND,NAME)
if [[ $out != "file $file" ]]; then
	echo "FAIL: -o of the JVM's file: $out"
	exit 1
fi
echo "    a damaged copy: exit 6, state damaged, the reason said; a file of no format, and -o: the row"
echo "PASS: dump_hsperf, shmtop --json and --prometheus agree with jcmd PerfCounter.print in $ok rounds"

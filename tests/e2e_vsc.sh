#!/bin/bash
# SPDX-License-Identifier: MIT
# The VSC reader against varnishd itself (issue 24): varnishd runs on
# 127.0.0.1 (a free port) with its own -n folder in a temporary directory,
# `python3 -m http.server` as its backend, and serves a few requests; in
# each of three rounds (more requests between them) `varnishstat -n DIR -1
# -j` is taken, then dump_vsc (src/view/vsc.c over the live files, mapped
# read-only), then varnishstat again.  Checked: the same names in the same
# order as varnishstat lists them (it lists every level: info, diag and
# debug), each counter's type and format equal to varnishstat's flag and
# format, every counter between varnishstat's two readings, gauges and
# bitmaps present; the requests counted.  Then copies of the folder that
# are not to be read, each refused with a reason: an index naming
# ../../etc/passwd, an ident of terminal controls, a segment file cut
# shorter than its index says, a symbolic link, a FIFO as the index (no
# hang).  The decoder (dump_vsc --decode: decode_folder(), the model's
# counters) is checked in each round the same way: names in varnishstat's
# order, kind and unit from its flag and format, counters between its two
# readings, gauges equal when both readings agree, the writer the worker's
# pid; and so is shmtop's own output of the folder, `shmtop DIR --json -n
# 1` (the folder as one object, its counters).  varnishd is stopped and
# everything removed at the end.
# varnish is in run.sh's test packages: missing, this fails.
# Usage: e2e_vsc.sh DUMP_VSC SHMTOP
set -u
DUMP=$(realpath "$1")
SHMTOP=$(realpath "$2")
PATH=$PATH:/usr/sbin
for t in varnishd varnishstat python3; do
	if ! command -v "$t" >/dev/null; then
		echo "FAIL: $t is missing: apt-get install varnish (./run.sh test does)"
		exit 1
	fi
done

tmp=$(mktemp -d)
# varnishd's worker runs as its own user (vcache) and must reach the folder
chmod 755 "$tmp"
vpid= bpid=
cleanup() {
	[[ -n $vpid ]] && kill "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
	[[ -n $bpid ]] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok: $*"; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
bport=$(free_port)
vport=$(free_port)
mkdir "$tmp/www"
echo hello >"$tmp/www/a.txt"
python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$bport" >"$tmp/backend.log" 2>&1 &
bpid=$!
n=$tmp/n
jail=()
[[ $(id -u) != 0 ]] && jail=(-j none)
varnishd -F "${jail[@]}" -n "$n" -a "127.0.0.1:$vport" -b "127.0.0.1:$bport" -T none \
	-s malloc,16m >"$tmp/varnishd.log" 2>&1 &
vpid=$!

deadline=$((SECONDS + 60))
until varnishstat -n "$n" -1 -f MAIN.uptime 2>/dev/null | grep -q '^MAIN.uptime'; do
	if ((SECONDS > deadline)) || ! kill -0 "$vpid" 2>/dev/null; then
		echo "FAIL: varnishd did not start within 60 s: $(tail -5 "$tmp/varnishd.log")"
		exit 1
	fi
	sleep 0.2
done
echo "varnishd $(varnishd -V 2>&1 | head -1) pid $vpid on 127.0.0.1:$vport, -n $n"

requests() { # COUNT: that many requests, one in four for a missing page
	python3 - "$vport" "$1" <<'EOF'
import sys, urllib.request, urllib.error
port, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    path = "/missing%d" % i if i % 4 == 3 else "/a.txt"
    try:
        urllib.request.urlopen("http://127.0.0.1:%s%s" % (port, path), timeout=10).read()
    except urllib.error.HTTPError:
        pass
EOF
}

# check_decoded FILE WHAT: FILE ("# writer pid N", then a line a counter:
# "NAME VALUE<tab>KIND<tab>UNIT") against varnishstat's two runs around
# it ($tmp/before.json, $tmp/after.json)
check_decoded() {
	if python3 - "$tmp/before.json" "$1" "$tmp/after.json" "$(head -1 "$n/_.vsm_child/_.index")" <<'EOF'; then
import json, sys
before = json.load(open(sys.argv[1]))["counters"]
after = json.load(open(sys.argv[3]))["counters"]
child_pid = sys.argv[4].split()[1]
lines = open(sys.argv[2]).read().splitlines()
bad = []
if lines[0] != "# writer pid " + child_pid:
    bad.append("writer: %r, the worker's index says %s" % (lines[0], child_pid))
order, got = [], {}
for line in lines[1:]:
    nv, kind, unit = line.split("\t")
    name, value = nv.split(" ")
    order.append(name)
    got[name] = (int(value), kind, unit)
if order != list(before):
    bad.append("names: %d decoded, %d in varnishstat" % (len(order), len(before)))
unit_of = {"i": "", "B": "bytes", "d": "seconds", "b": "bitmap"}
for name in order:
    if name not in before:
        continue
    v, kind, unit = got[name]
    b, a = before[name], after[name]
    if kind != ("counter" if b["flag"] == "c" else "gauge") or unit != unit_of[b["format"]]:
        bad.append("%s: %s %r, varnishstat %s/%s" % (name, kind, unit, b["flag"], b["format"]))
    if kind == "counter" and not (b["value"] <= v <= a["value"]):
        bad.append("%s: %d not between %d and %d" % (name, v, b["value"], a["value"]))
    if kind == "gauge" and b["value"] == a["value"] and v != b["value"]:
        bad.append("%s: gauge %d, varnishstat %d both times" % (name, v, b["value"]))
if bad:
    print("\n".join(bad[:20]))
    sys.exit(1)
print("%d counters decoded, writer pid %s" % (len(order), child_pid))
EOF
		ok "$2 equal varnishstat -1 -j"
	else
		fail "$2 differ from varnishstat"
	fi
}

sent=0
for round in 1 2 3; do
	requests 20 || fail "round $round: the requests failed"
	sent=$((sent + 20))
	varnishstat -n "$n" -1 -j >"$tmp/before.json" || fail "varnishstat before"
	"$DUMP" -k "$n" >"$tmp/dump" 2>"$tmp/why" || fail "round $round: dump_vsc: $(cat "$tmp/why")"
	"$DUMP" --decode "$n" >"$tmp/decoded" 2>"$tmp/why.d" ||
		fail "round $round: dump_vsc --decode: $(cat "$tmp/why.d")"
	"$SHMTOP" "$n" --json -n 1 >"$tmp/shmtop.json" 2>"$tmp/why.s" ||
		fail "round $round: shmtop DIR --json: $(cat "$tmp/why.s")"
	varnishstat -n "$n" -1 -j >"$tmp/after.json" || fail "varnishstat after"
	if python3 - "$tmp/before.json" "$tmp/dump" "$tmp/after.json" "$sent" <<'EOF'; then
import json, sys
before = json.load(open(sys.argv[1]))["counters"]
after = json.load(open(sys.argv[3]))["counters"]
sent = int(sys.argv[4])
dump, order = {}, []
for line in open(sys.argv[2]):
    if line.startswith("#"):
        continue
    nv, typ, fmt, level = line.rstrip("\n").split("\t")
    name, value = nv.split(" ")
    dump[name] = (int(value), typ, fmt, level)
    order.append(name)
flag = {"counter": "c", "gauge": "g", "bitmap": "b"}
form = {"integer": "i", "bytes": "B", "bitmap": "b", "duration": "d"}
bad = []
if list(before) != list(after):
    sys.exit("varnishd's counters changed between the two varnishstat runs: round again")
if order != list(before):
    missing = set(before) - set(dump)
    extra = set(dump) - set(before)
    bad.append("names: %d in the dump, %d in varnishstat; missing %s, extra %s"
               % (len(order), len(before), sorted(missing)[:5], sorted(extra)[:5]))
kinds, levels = {}, {}
for name in order:
    if name not in before:
        continue
    v, typ, fmt, level = dump[name]
    b, a = before[name], after[name]
    kinds[typ] = kinds.get(typ, 0) + 1
    levels[level] = levels.get(level, 0) + 1
    if flag[typ] != b["flag"] or form[fmt] != b["format"]:
        bad.append("%s: %s/%s, varnishstat %s/%s" % (name, typ, fmt, b["flag"], b["format"]))
    if typ == "counter" and not (b["value"] <= v <= a["value"]):
        bad.append("%s: %d not between %d and %d" % (name, v, b["value"], a["value"]))
if dump.get("MAIN.client_req", (0,))[0] < sent:
    bad.append("MAIN.client_req %s, %d requests sent" % (dump.get("MAIN.client_req"), sent))
if "VBE.boot.default.req" not in dump or "SMA.s0.c_bytes" not in dump:
    bad.append("no VBE.boot.default.req or SMA.s0.c_bytes")
if bad:
    print("\n".join(bad[:20]))
    sys.exit(1)
print("%d counters as varnishstat lists them (%s; levels %s), counters between its two "
      "readings; MAIN.client_req %d, VBE.boot.default.req %d, SMA.s0.c_bytes %d"
      % (len(order), ", ".join("%s %d" % (t, k) for t, k in sorted(kinds.items())),
         ", ".join("%d %s" % (k, l) for l, k in sorted(levels.items())),
         dump["MAIN.client_req"][0], dump["VBE.boot.default.req"][0],
         dump["SMA.s0.c_bytes"][0]))
EOF
		ok "round $round: equal to varnishstat -1 -j"
	else
		fail "round $round: the dump differs from varnishstat"
	fi
	# the decoder (decode_folder(), the model's counters), and shmtop's JSON
	# of the folder, against the same two runs
	check_decoded "$tmp/decoded" "round $round: the decoder's counters"
	python3 - "$tmp/shmtop.json" >"$tmp/shmtop.lines" <<'EOF' ||
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "Varnish VSM", d["format"]
print("# writer pid %s" % d["writer_pid"])
for c in d["counters"]:
    print("%s %d\t%s\t%s" % (c["name"], c["value"], c["kind"], c["unit"]))
EOF
		fail "round $round: shmtop DIR --json: not the JSON of a Varnish folder"
	check_decoded "$tmp/shmtop.lines" "round $round: shmtop DIR --json's counters"
done
head -1 "$tmp/dump" | grep -q "^# _.vsm_mgt pid $vpid alive$" && ok "the manager's pid $vpid alive" ||
	fail "the index's pid: $(head -1 "$tmp/dump"), want $vpid"
# varnishstat -1 (text) lists the same names as -1 -j
if diff <(varnishstat -n "$n" -1 | awk '{print $1}') <("$DUMP" "$n" | awk '{print $1}') >/dev/null; then
	ok "varnishstat -1 lists the same $("$DUMP" "$n" | wc -l) names"
else
	fail "varnishstat -1's names differ from the dump's"
fi

# copies of the folder (its indexes, Stat and StatDoc files): as they are,
# read; damaged, refused with a reason, quickly
copy() { # DIR: a copy of the live folder
	local s
	for s in _.vsm_mgt _.vsm_child; do
		mkdir -p "$1/$s"
		cp "$n/$s/_.index" "$1/$s/"
		cp "$n/$s"/_.Stat* "$n/$s"/_.VSC_cluster* "$1/$s/" 2>/dev/null
	done
}
copy "$tmp/c0"
"$DUMP" "$tmp/c0" >"$tmp/dump.c0" 2>&1 && [[ $(wc -l <"$tmp/dump.c0") == $("$DUMP" "$n" | wc -l) ]] &&
	ok "a copy read whole: $(wc -l <"$tmp/dump.c0") counters" || fail "the copy: $(head -3 "$tmp/dump.c0")"

refuse() { # NAME DIR PATTERN
	local out rc
	out=$(timeout 5 "$DUMP" "$2" 2>&1)
	rc=$?
	if ((rc == 1)) && grep -q -- "$3" <<<"$out"; then
		ok "$1 refused: $out"
	else
		fail "$1: exit $rc, $out"
	fi
}
ci=_.vsm_child/_.index
main=$(awk '$6 == "MAIN" { print $2 }' "$tmp/c0/$ci")

copy "$tmp/c1"
echo "+ ../../../etc/passwd 0 80 Stat MAIN" >>"$tmp/c1/$ci"
refuse "an index naming ../../../etc/passwd" "$tmp/c1" 'not one component'

copy "$tmp/c2"
printf '+ _.Stat.x 0 80 Stat \033]0;owned\007\033[2J\n' >>"$tmp/c2/$ci"
out=$(timeout 5 "$DUMP" "$tmp/c2" 2>&1)
if (($? == 1)) && grep -q 'byte 0x1b' <<<"$out" && ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out"; then
	ok "an ident of terminal controls refused, no control byte out: $out"
else
	fail "an ident of terminal controls: $out"
fi

copy "$tmp/c3"
truncate -s 100 "$tmp/c3/_.vsm_child/$main"
refuse "a segment file cut shorter than its index says" "$tmp/c3" 'past the end of its file'

copy "$tmp/c4"
rm "$tmp/c4/_.vsm_child/$main"
ln -s "$n/_.vsm_child/$main" "$tmp/c4/_.vsm_child/$main"
refuse "a segment file that is a symbolic link" "$tmp/c4" 'Too many levels of symbolic links\|symbolic'

copy "$tmp/c5"
rm "$tmp/c5/$ci"
mkfifo "$tmp/c5/$ci"
refuse "a FIFO as the index" "$tmp/c5" 'not a regular file'

copy "$tmp/c6"
sed -i '2s/ 0 / 4 /' "$tmp/c6/$ci"
refuse "a misaligned offset" "$tmp/c6" 'offset a multiple of 8'

# a segment file cut and written again in place while it is read: the
# copy meets a SIGBUS past the new end, which ends the read with a reason,
# never the reader
copy "$tmp/c7"
cp "$tmp/c7/_.vsm_child/$main" "$tmp/main.whole"
(
	end=$((SECONDS + 3))
	while ((SECONDS < end)); do
		truncate -s 0 "$tmp/c7/_.vsm_child/$main"
		cat "$tmp/main.whole" >"$tmp/c7/_.vsm_child/$main"
	done
) &
shrinker=$!
declare -A rcs=()
shrank=0
while kill -0 "$shrinker" 2>/dev/null; do
	"$DUMP" "$tmp/c7" >/dev/null 2>"$tmp/why.c7"
	rc=$?
	rcs[$rc]=$((${rcs[$rc]:-0} + 1))
	grep -q "shrank" "$tmp/why.c7" && shrank=$((shrank + 1))
done
wait "$shrinker"
summary=$(for rc in "${!rcs[@]}"; do echo -n "exit $rc: ${rcs[$rc]}, "; done)
if [[ -z ${rcs[*]} ]] || [[ -n $(for rc in "${!rcs[@]}"; do ((rc > 1)) && echo x; done) ]]; then
	fail "reads of a file cut under them: $summary"
else
	ok "reads of a file cut under them: ${summary}$shrank ended by SIGBUS (the file shrank)"
fi

kill "$vpid" && wait "$vpid" 2>/dev/null
vpid=
[[ ! -e $n/_.vsm_child/_.index ]] && ok "varnishd stopped, its worker's index gone" ||
	fail "varnishd stopped, but $n/_.vsm_child/_.index stays"

if ((fails)); then
	echo "e2e_vsc: $fails failures"
	exit 1
fi
echo "e2e_vsc: all passed"

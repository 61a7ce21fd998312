#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mmv_check.py PRODUCED DUMP [MMVDUMP [JSON PROM]]: shmtop's reading of an
MMV file (DUMP, tests/dump_mmv's output) against what the producer set
(PRODUCED, tests/mmv_producer.py's output) and, given, against PCP's own
mmvdump of the same file; and given, `shmtop FILE --json` (JSON) and
`shmtop FILE --prometheus` (PROM, through prometheus_client's own parser)
against the dump and the producer.  Prints the figures compared; exits 1
on a difference."""
import json
import re
import struct
import sys

TYPES = {0: "32", 1: "u32", 2: "64", 3: "u64", 4: "float", 5: "double", 6: "string"}
SEMS = {1: "counter", 3: "instant", 4: "discrete"}
errors = []


def err(msg):
    errors.append(msg)


def read_dump(path):
    head, values, metrics = None, {}, {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# mmv "):
            head = line
            continue
        if line.startswith("#"):
            continue
        metric, inst, typ, sem, units, value, one, helptext = line.split("\t")
        name = metric if inst == "-" else "%s[%s]" % (metric, inst)
        if name in values:
            err("dump: %s twice" % name)
        values[name] = (typ, value)
        metrics[metric] = (typ, sem, "" if units == "-" else units, one, helptext)
    return head, values, metrics


def same(typ, a, b, tolerance=0.0):
    if typ == "string":
        return a == b
    if typ in ("float", "double"):
        x, y = float(a), float(b)
        if typ == "float" and tolerance == 0.0:
            y = struct.unpack("f", struct.pack("f", y))[0]
        return abs(x - y) <= tolerance * max(1.0, abs(y))
    return int(a) == int(b)


def against_producer(path, values, metrics):
    nv = nm = 0
    want = set()
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "meta":
            nm += 1
            got = metrics.get(f[1])
            if not got:
                err("producer's metric %s not in the dump" % f[1])
            elif (got[0], got[1], got[3], got[4]) != tuple(f[2:6]):
                err("metric %s: dump %s, producer %s" % (f[1], got, f[2:6]))
        elif f[0] == "value":
            nv += 1
            want.add(f[1])
            got = values.get(f[1])
            if not got:
                err("producer's value %s not in the dump" % f[1])
            elif not same(got[0], got[1], f[2]):
                err("value %s: dump %s, producer %s" % (f[1], got[1], f[2]))
    extra = set(values) - want
    if extra:
        err("values in the dump the producer did not set: %s" % sorted(extra))
    print("mmv_check: producer: %d values and %d metrics (type, semantics, one-line and "
          "long help) compared" % (nv, nm))


def against_mmvdump(path, values, metrics):
    text = open(path, encoding="utf-8").read()
    nm = nv = 0
    # metrics: "  [item/offset] name" then the lines indented under it
    for m in re.finditer(r"^  \[\d+/\d+\] (\S+)\n((?:       .*\n)+)", text, re.M):
        name, body = m.group(1), m.group(2)
        t = re.search(r"type=.* \(0x([0-9a-f]+)\), sem=.* \(0x([0-9a-f]+)\)", body)
        if not t:
            continue  # an indom's block
        nm += 1
        units = re.search(r"units=(.*)", body).group(1)
        one = re.search(r"shorttext=(.*)", body)
        helptext = re.search(r"helptext=(.*)", body)
        want = (TYPES.get(int(t.group(1), 16), "?"), SEMS.get(int(t.group(2), 16), "?"), units,
                one.group(1) if one else "-", helptext.group(1) if helptext else "-")
        if metrics.get(name) != want:
            err("metric %s: dump %s, mmvdump %s" % (name, metrics.get(name), want))
    seen = set()
    vals = re.search(r"values offset .*?\n((?:  .*\n)*)", text)
    vals = vals.group(1) if vals else ""
    for m in re.finditer(r'^  \[\d+/\d+\] ([^\n\[=]+?)(?:\[-?\d+ or "(.*)"\])? = (.*)$', vals, re.M):
        metric, inst, value = m.group(1), m.group(2), m.group(3)
        name = metric if inst is None else "%s[%s]" % (metric, inst)
        nv += 1
        seen.add(name)
        got = values.get(name)
        if not got:
            err("mmvdump's value %s not in the dump" % name)
            continue
        if got[0] == "string":
            value = value[1:-1]
        # mmvdump prints floats with %f: six decimals
        if not same(got[0], got[1], value, 1e-6 if got[0] in ("float", "double") else 0.0):
            err("value %s: dump %s, mmvdump %s" % (name, got[1], value))
    if set(values) - seen:
        err("values mmvdump did not show: %s" % sorted(set(values) - seen))
    print("mmv_check: mmvdump: %d values and %d metrics (type, semantics, units, "
          "one-line and long help) compared" % (nv, nm))


KIND = {"counter": "counter", "instant": "gauge", "discrete": "gauge"}


def metric_of(name):
    return name.split("[", 1)[0] if name.endswith("]") else name


def against_shmtop(json_path, prom_path, produced, values, metrics):
    """The object's counters as shmtop's outputs give them: every value the
    producer set (and the dump read), with its metric's kind (by semantics),
    unit and help (the one-line help, else the long one)."""
    want = {}
    for line in open(produced, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "value":
            want[f[1]] = f[2]
    doc = json.load(open(json_path, encoding="utf-8"))
    if doc.get("format") != "MMV file" or doc.get("kind") != "file":
        err("--json: format %r kind %r" % (doc.get("format"), doc.get("kind")))
    js = {c["name"]: c for c in doc.get("counters", [])}
    if set(js) != set(want) or set(js) != set(values):
        err("--json names %s, the producer's %s" % (sorted(js), sorted(want)))
    texts = 0
    for name, c in js.items():
        if name not in values or name not in want:
            continue
        typ, sem, units, one, helptext = metrics[metric_of(name)]
        helpline = one if one != "-" else helptext if helptext != "-" else None
        if c["kind"] != KIND[sem] or c["unit"] != units or c.get("help") != helpline:
            err("--json %s: kind %s unit %r help %r; %s %r %r" % (name, c["kind"], c["unit"],
                c.get("help"), sem, units, helpline))
        v = c["value"]
        if typ == "string":
            texts += 1
            ok = v == want[name] == values[name][1]
        else:
            ok = not isinstance(v, str) and v is not None and same(typ, str(v), want[name]) \
                and same(typ, str(v), values[name][1])
        if not ok:
            err("--json %s: %r, the producer's %s, the dump's %s" % (name, v, want[name],
                values[name][1]))
    from prometheus_client.parser import text_string_to_metric_families
    ptype = {"counter": "counter", "gauge": "gauge"}
    seen = set()
    fams = list(text_string_to_metric_families(open(prom_path, encoding="utf-8").read()))
    for f in fams:
        for smp in f.samples:
            name = smp.labels.get("counter")
            if name not in js or smp.labels.get("path") != doc["path"]:
                err("--prometheus %s: labels %s" % (smp.name, smp.labels))
                continue
            seen.add(name)
            typ, sem, units, one, helptext = metrics[metric_of(name)]
            helpline = one if one != "-" else helptext if helptext != "-" else None
            fam = "shmtop_mmv_" + re.sub("[^a-zA-Z0-9_]", "_", metric_of(name))
            if typ == "string":
                fam += "_info"
                ok = f.type == "gauge" and smp.value == 1 and smp.labels.get("value") == want[name]
            else:
                num = repr(smp.value) if typ in ("float", "double") else "%d" % smp.value
                ok = f.type == ptype[KIND[sem]] and same(typ, num, want[name])
            if f.name != fam or (helpline and f.documentation != helpline) or not ok:
                err("--prometheus %s: family %s %s (%r) %s %s, want %s %s %s" % (
                    name, f.name, f.type, f.documentation, smp.value, smp.labels, fam,
                    KIND[sem], want[name]))
    if seen != set(js):
        err("--prometheus: samples of %d of the %d counters" % (len(seen), len(js)))
    print("mmv_check: shmtop --json: %d values (%d texts) with kind, unit and help, "
          "--prometheus: %d families, %d samples compared" % (len(js), texts, len(fams),
                                                              len(seen)))


def main():
    if len(sys.argv) not in (3, 4, 6):
        sys.exit(__doc__)
    head, values, metrics = read_dump(sys.argv[2])
    if not head:
        err("dump: no header line")
    against_producer(sys.argv[1], values, metrics)
    if len(sys.argv) >= 4:
        against_mmvdump(sys.argv[3], values, metrics)
    if len(sys.argv) == 6:
        against_shmtop(sys.argv[4], sys.argv[5], sys.argv[1], values, metrics)
    for e in errors:
        print("mmv_check: FAIL: " + e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

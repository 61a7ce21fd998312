#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""promdb_screen.py DUMP SCREEN: shmtop DIR's counters table (a tmux
capture of a prometheus_client folder's dashboard) against dump_promdb's
aggregate of the same folder, for tests/e2e_promdb.sh.  Each sample's
name as the exposition writes it (labels sorted, values escaped) that the
table's name column shows whole and plainly (printable ASCII, no
backslash) must be a row with the same value; the table's count must be
the dump's.  Prints "N samples, M compared", exit 1 with the first
difference."""
import sys


def unesc(s):
    # dump_promdb's escaper: \t and \\ are all these names can hold
    return s.replace("\\t", "\t").replace("\\\\", "\\")


def expo(name, labels):
    esc = lambda v: v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
    if not labels:
        return name
    return name + "{" + ",".join('%s="%s"' % (k, esc(v)) for k, v in sorted(labels)) + "}"


samples = {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    f = line.rstrip("\n").split("\t")
    if f[0] != "sample":
        continue
    labels = [tuple(unesc(x).split("=", 1)) for x in f[3:]]
    samples[expo(unesc(f[1]), labels)] = float(f[2])
screen = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()
head = [i for i, l in enumerate(screen) if l.lstrip().startswith("NAME") and "VALUE" in l]
if not head:
    sys.exit("no counters table on the screen")
width = screen[head[0]].index("HISTORY") - 2
count = [l for l in screen if "counters: " in l]
if not count or ("counters: %d " % len(samples)) not in count[0]:
    sys.exit("table count %r, the dump has %d samples" % (count[:1], len(samples)))
rows = {}
for l in screen[head[0] + 1:]:
    if not l.startswith(("> ", "  ")) or len(l) < width + 2:
        break
    rows[l[2:2 + width].rstrip()] = l.split()[-2]
compared = 0
for name, value in samples.items():
    if len(name) > width - 1 or not name.isascii() or "\\" in name or not name.isprintable():
        continue
    if name not in rows:
        continue  # below the table's end
    if float(rows[name]) != value:
        sys.exit("%s: %s on the screen, %r in the dump" % (name, rows[name], value))
    compared += 1
if compared < 10:
    sys.exit("only %d samples compared: %r" % (compared, sorted(rows)))
print("%d samples, %d compared" % (len(samples), compared))

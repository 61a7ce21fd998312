#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare dump_promdb's aggregate of a multiprocess folder with what
prometheus_client's own MultiProcessCollector exposes for it.

  promdb_compare.py DIR DUMP     (DUMP: dump_promdb's output for DIR)

The exposition of generate_latest() is read back by the library's own
parser; dump_promdb's "sample" lines are unescaped (shmtop's escaper:
\\\\, \\n, \\t, \\r, \\xNN, \\uXXXX, \\UXXXXXXXX).  The two sets of samples
(name and labels) must be the same and every value equal, exactly (the
producer's values are sums of powers of two).  Prints "samples N equal N";
exit 1 with the differences.
"""
import re
import sys

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

ESC = re.compile(r"\\(\\|n|t|r|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def unescape(s):
    def one(m):
        e = m.group(1)
        simple = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
        if e in simple:
            return simple[e]
        if e[0] == "x":
            return chr(int(e[1:], 16))  # a byte that was not UTF-8: test inputs have none
        return chr(int(e[1:], 16))
    return ESC.sub(one, s)


def theirs(path):
    reg = CollectorRegistry()
    MultiProcessCollector(reg, path=path)
    text = generate_latest(reg).decode()
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def ours(dump):
    out = {}
    for line in open(dump, encoding="utf-8"):
        if not line.startswith("sample\t"):
            continue
        f = line.rstrip("\n").split("\t")
        labels = frozenset(tuple(unescape(x) for x in kv.split("=", 1)) for kv in f[3:])
        out[(unescape(f[1]), labels)] = float(f[2])
    return out


def main():
    a, b = theirs(sys.argv[1]), ours(sys.argv[2])
    bad = []
    for k in sorted(set(a) | set(b), key=repr):
        if k not in b:
            bad.append("only in the collector's: %r = %r" % (k, a[k]))
        elif k not in a:
            bad.append("only in dump_promdb's: %r = %r" % (k, b[k]))
        elif a[k] != b[k]:
            bad.append("%r: collector %r, dump_promdb %r" % (k, a[k], b[k]))
    equal = sum(1 for k in a if k in b and a[k] == b[k])
    print("samples %d equal %d" % (len(a), equal))
    for line in bad:
        print(line)
    sys.exit(1 if bad or not a else 0)


if __name__ == "__main__":
    main()

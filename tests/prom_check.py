#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check Prometheus text exposition format 0.0.4, as promtool and the
Prometheus parser read it: the file is UTF-8 and ends in a newline; HELP and
TYPE at most once a family and before its samples; a family's samples
together; metric and label names, label values (only \\\\, \\" and \\n
escaped), values and time stamps well-formed; no sample twice.

  prom_check.py [--expositions N] [FILE]   (stdin without FILE)

Prints the samples as "name{labels} value" lines on success; exit 1 with
the line and the reason on the first error.  With --expositions N the input
is N expositions one after the other (each starts where the first family
starts again), each checked on its own."""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
VALUE = re.compile(r"^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?Inf|NaN)$")
SUFFIXES = ("_bucket", "_count", "_sum")


class Bad(Exception):
    pass


def parse_labels(s, i, line):
    """Parse {a="b",...} from s[i] == '{'; return (labels, index after '}')."""
    labels = {}
    i += 1
    while True:
        if s[i:i + 1] == "}":
            return labels, i + 1
        m = re.compile(LABEL).match(s, i)
        if not m:
            raise Bad("bad label name")
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            raise Bad("label %s: expected =\"" % name)
        i += 2
        value = []
        while True:
            if i >= len(s):
                raise Bad("label %s: unterminated value" % name)
            c = s[i]
            if c == "\\":
                e = s[i + 1:i + 2]
                if e not in ("\\", '"', "n"):
                    raise Bad("label %s: bad escape \\%s" % (name, e))
                value.append({"n": "\n"}.get(e, e))
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                value.append(c)
                i += 1
        if name in labels:
            raise Bad("label %s twice" % name)
        labels[name] = "".join(value)
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            raise Bad("expected , or } after label %s" % name)


def family_of(name, types):
    for suf in SUFFIXES:
        if name.endswith(suf) and types.get(name[: -len(suf)]) in ("histogram", "summary"):
            return name[: -len(suf)]
    return name


def check(text):
    if text and not text.endswith("\n"):
        raise Bad("does not end in a newline")
    helps, types, done, seen, samples = set(), {}, set(), set(), []
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        try:
            if not line.strip():
                continue
            if line.startswith("#"):
                parts = line.split(None, 3)
                if len(parts) >= 2 and parts[1] in ("HELP", "TYPE"):
                    if len(parts) < 3 or not re.fullmatch(NAME, parts[2]):
                        raise Bad("bad metric name in %s" % parts[1])
                    fam = parts[2]
                    if fam in done:
                        raise Bad("%s of %s after its samples ended" % (parts[1], fam))
                    if current != fam and current is not None:
                        done.add(current)
                    current = fam
                    if parts[1] == "HELP":
                        if fam in helps:
                            raise Bad("second HELP for %s" % fam)
                        helps.add(fam)
                        doc = parts[3] if len(parts) > 3 else ""
                        if re.search(r"\\[^\\n]", doc.replace("\\\\", "")):
                            raise Bad("bad escape in HELP")
                    else:
                        if fam in types:
                            raise Bad("second TYPE for %s" % fam)
                        if any(s[0] == fam for s in samples):
                            raise Bad("TYPE of %s after its samples" % fam)
                        if len(parts) != 4 or parts[3] not in TYPES:
                            raise Bad("bad TYPE")
                        types[fam] = parts[3]
                continue
            m = re.compile(NAME).match(line)
            if not m:
                raise Bad("bad metric name")
            name, i = m.group(0), m.end()
            labels = {}
            if line[i:i + 1] == "{":
                labels, i = parse_labels(line, i, line)
            rest = line[i:]
            if not rest.startswith(" "):
                raise Bad("expected a space before the value")
            fields = rest.split(" ")[1:]
            if len(fields) not in (1, 2) or not VALUE.match(fields[0]):
                raise Bad("bad value %r" % rest)
            if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
                raise Bad("bad time stamp")
            fam = family_of(name, types)
            if fam in done:
                raise Bad("samples of %s split by another family" % fam)
            if current != fam and current is not None:
                done.add(current)
            current = fam
            key = (name, tuple(sorted(labels.items())))
            if key in seen:
                raise Bad("sample twice")
            seen.add(key)
            samples.append((name, labels, fields[0]))
        except Bad as e:
            raise Bad("line %d: %s: %s" % (n, e, line))
    return samples


def main():
    args = sys.argv[1:]
    count = 1
    if args[:1] == ["--expositions"]:
        count = int(args[1])
        args = args[2:]
    data = open(args[0], "rb").read() if args else sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("not UTF-8: %s" % e)
        return 1
    parts = [text]
    if count > 1:
        first = text.split("\n", 1)[0]
        parts = [first + p for p in text.split(first)[1:]]
    if len(parts) != count or not text:
        print("%d expositions, not %d" % (len(parts), count))
        return 1
    for p in parts:
        try:
            samples = check(p)
        except Bad as e:
            print(e)
            return 1
    for name, labels, value in samples:
        lab = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
        print("%s{%s} %s" % (name, lab, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())

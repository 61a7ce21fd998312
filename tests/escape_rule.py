# SPDX-License-Identifier: MIT
"""The escaping rule of src/util/escape.h, for the tests to say what a name
shows as: shown(raw bytes) is the text of ESCAPE_UTF8 (every well-formed
character but the controls passes), as Prometheus labels hold it once
parsed and as the screen and -b show names free of zero-width characters
in a UTF-8 locale; shown(raw, ascii=True) that of a non-UTF-8 locale."""

CONTROLS = set(range(0x20)) | {0x7f} | set(range(0x80, 0xa0)) | \
    {0x061c, 0x200e, 0x200f, 0x2028, 0x2029} | set(range(0x202a, 0x202f)) | \
    set(range(0x2066, 0x206a))
NAMED = {0x5c: "\\\\", 0x0a: "\\n", 0x09: "\\t", 0x0d: "\\r"}


def shown(raw, ascii=False):
    out, i = [], 0
    while i < len(raw):
        b = raw[i]
        k = 0
        if not ascii and b >= 0x80:
            for n in (2, 3, 4):
                try:
                    c = raw[i:i + n].decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(c) == 1:
                    k = n
                    break
        if k:
            cp = ord(raw[i:i + k].decode("utf-8"))
            out.append("\\u%04x" % cp if cp in CONTROLS else raw[i:i + k].decode("utf-8"))
            i += k
            continue
        if b in NAMED:
            out.append(NAMED[b])
        elif b < 0x20 or b >= 0x7f:
            out.append("\\x%02x" % b)
        else:
            out.append(chr(b))
        i += 1
    return "".join(out)

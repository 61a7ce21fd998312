#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A reader of the version 3 record written from shmtop-record(5) alone:
no libshmtop, no header of shmtop's, only libc's shmget and shmat (ctypes)
and the page's offsets, checks and checksum.  tests/pkg_library.sh runs it
beside libshmtop's readers on a live record: if the page left out a fact a
reader needs, this reader and they disagree.

    record_reader.py KEY      prints "name=value ..." of every counter
"""
import ctypes
import struct
import sys
import time

M64 = (1 << 64) - 1
SHM_RDONLY = 0o10000


def fail(why):
    sys.exit("record_reader: " + why)


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64 if r else x


def up(x):
    return (x + 63) // 64 * 64


STATUS = [  # (name, format) from writer_start to reserved, the page's order
    ("writer_start", "Q"), ("started_ns", "q"), ("beat_ns", "q"), ("period_ns", "q"),
    ("stamp_wall_ns", "q"), ("stamp_mono_ns", "q"), ("resets", "Q"), ("reset_ack", "Q"),
    ("hist_next", "Q"), ("writers", "Q"), ("refused", "Q"), ("writer_pid", "i"),
    ("state", "I"), ("control_id", "i"), ("request_ack", "I"), ("refused_req", "I"),
    ("refused_cmds", "I"), ("ncounters", "I"), ("reserved", "I")]
STATUS_FMT = "=" + "".join(f for _, f in STATUS)  # at 136, then check (u64) at 256


def checksum(st, pub):
    lane = [0, 0, 0, 0x9E3779B97F4A7C15]
    for f, (name, fmt) in enumerate(STATUS):
        v = st[name] & (0xFFFFFFFF if fmt in "iI" else M64)
        lane[f % 4] ^= rotl(v, (5 * f + 1) % 64)
    for i, (value, wall, mono) in enumerate(pub):
        k = 3 * i + 19
        lane[0] ^= rotl(value, (5 * k + 1) % 64)
        lane[1] ^= rotl(wall & M64, (5 * k + 6) % 64)
        lane[2] ^= rotl(mono & M64, (5 * k + 11) % 64)
        lane[3] = (lane[3] + value) & M64
    h = lane[0] ^ lane[1] ^ lane[2] ^ lane[3]
    return ((h ^ (h >> 29)) * 0xBF58476D1CE4E5B9) & M64


def main():
    key = int(sys.argv[1], 0)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    shmid = libc.shmget(key, 0, 0)
    if shmid < 0:
        fail("no segment on key 0x%08x" % key)
    with open("/proc/sysvipc/shm") as f:
        sizes = {int(r.split()[1]): int(r.split()[3]) for r in list(f)[1:]}
    segsz = sizes.get(shmid) or fail("shmid %d not in /proc/sysvipc/shm" % shmid)
    base = libc.shmat(shmid, None, SHM_RDONLY)
    if base in (None, ctypes.c_void_p(-1).value):
        fail("shmat: errno %d" % ctypes.get_errno())

    def u64(off):
        return ctypes.c_uint64.from_address(base + off).value

    def raw(off, n):
        return ctypes.string_at(base + off, n)

    # Header: checked, in the page's order, before any other byte is read.
    if segsz < 320:
        fail("segment of %d bytes" % segsz)
    (magic, version, endian, header_size, layout_size, segment_size, hist_cap, capacity,
     accept, _, meta_off, token, pub_off, hot_off, hist_off) = struct.unpack_from(
         "=QIIIIQIIIIQQQQQ", raw(0, 88))
    if magic != 0x5052504F544D4853 or endian != 0x01020304 or version != 3:
        fail("not a version 3 record (magic %x, endian %x, version %d)" % (magic, endian, version))
    if header_size != 128 or layout_size != 320:
        fail("header_size %d, layout_size %d" % (header_size, layout_size))
    if not (1 <= capacity <= 4096 and 2 <= hist_cap <= 65536):
        fail("capacity %d, hist_cap %d" % (capacity, hist_cap))
    want_meta = 320
    want_pub = up(want_meta + 96 * capacity)
    want_hot = up(want_pub + 24 * capacity)
    want_hist = want_hot + 64 * capacity
    size = want_hist + 8 * (1 + capacity) * hist_cap
    if (meta_off, pub_off, hot_off, hist_off) != (want_meta, want_pub, want_hot, want_hist):
        fail("area offsets do not match capacity and hist_cap")
    if segment_size != size or segsz != size:
        fail("segment_size %d, computed %d, shm_segsz %d" % (segment_size, size, segsz))
    if accept & ~3:
        fail("accept 0x%x" % accept)

    # Status and published values with the seqlock.
    for _ in range(1000):
        s1 = u64(128)
        if s1 & 1:
            time.sleep(0.0001)
            continue
        st = dict(zip((n for n, _ in STATUS), struct.unpack_from(STATUS_FMT, raw(136, 120))))
        check = u64(256)
        n = min(st["ncounters"], capacity)
        pub = [struct.unpack_from("=Qqq", raw(pub_off + 24 * i, 24)) for i in range(n)]
        if u64(128) == s1:
            break
    else:
        fail("publisher busy or dead mid-update")
    if st["ncounters"] > capacity or checksum(st, pub) != check:
        fail("status corrupt (ncounters %d, checksum)" % st["ncounters"])
    if not (1 <= st["state"] <= 3 and st["writer_pid"] > 0 and
            0 < st["period_ns"] <= 86400 * 10**9 and st["control_id"] >= -1 and
            min(st["started_ns"], st["beat_ns"], st["stamp_wall_ns"], st["stamp_mono_ns"]) >= 0
            and not st["refused_cmds"] & ~3):
        fail("status out of range: %r" % st)

    # Metadata: published, name, unit, kind; names unique.
    names = []
    for i in range(n):
        m = raw(meta_off + 96 * i, 96)
        published, kind = struct.unpack_from("=II", m)
        name, unit = m[8:72], m[72:88]
        if published != 1 or kind not in (1, 2) or b"\0" not in name or b"\0" not in unit:
            fail("counter %d: metadata" % i)
        name = name.split(b"\0")[0].decode("utf-8")  # strict: invalid UTF-8 raises
        unit = unit.split(b"\0")[0]
        if not name or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in name) or \
                any(b < 0x20 or b > 0x7E for b in unit) or name in names:
            fail("counter %d: name or unit" % i)
        names.append(name)
    print(" ".join("%s=%d" % (name, v[0]) for name, v in zip(names, pub)))


main()

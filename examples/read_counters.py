#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print the counters of key argv[1] through libshmtop: read_counters.py 0x1234"""
import ctypes as C, sys
class Status(C.Structure):
    _fields_ = [("writer_pid", C.c_int), ("state", C.c_uint32), ("writer_alive", C.c_bool),
                ("resets", C.c_uint64), ("stamp_wall_ns", C.c_int64), ("period_ns", C.c_int64),
                ("ncounters", C.c_size_t), ("accept", C.c_uint), ("refused", C.c_uint64)]
class Value(C.Structure):
    _fields_ = [("name", C.c_char * 64), ("unit", C.c_char * 16), ("kind", C.c_int),
                ("value", C.c_uint64), ("changed_wall_ns", C.c_int64)]
lib = C.CDLL("libshmtop.so.0")
lib.shmtop_reader_open.restype = C.c_void_p
lib.shmtop_read.argtypes = [C.c_void_p, C.POINTER(Status), C.POINTER(Value), C.c_size_t,
                            C.c_char_p, C.c_size_t]
lib.shmtop_read.restype, lib.shmtop_reader_close.argtypes = C.c_long, [C.c_void_p]
why, st, v = C.create_string_buffer(256), Status(), (Value * 4096)()
r = lib.shmtop_reader_open(C.c_int(int(sys.argv[1], 0)), 0, why, 256)
n = lib.shmtop_read(r, C.byref(st), v, 4096, why, 256) if r else -1
if n < 0:
    sys.exit("read_counters: " + why.value.decode())
print(" ".join(f"{c.name.decode()}={c.value}" for c in v[:n]))
lib.shmtop_reader_close(r)

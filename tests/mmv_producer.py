#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A producer of PCP MMV files through PCP's own library (python3-pcp,
libpcp-mmv1), for shmtop's MMV reader.

  mmv_producer.py NAME v1|v2|v3 [SECONDS [remake]]

writes $PCP_TMP_DIR/mmv/NAME: instance domains of three and two instances, a
metric of every type (32, u32, 64, u64, float, double, string) and of every
semantics (counter, instant, discrete), units, one-line and long help.
v1 goes through pcp.mmv.MemoryMappedValues (mmv_stats_init: version 1);
v2 through the registry API (mmv_stats_registry ...) with a metric name of
64 bytes or more, which makes the library write version 2; v3 the same
plus a label (labels make version 3).  With SECONDS, the values change for
that long (every 10 ms); then it stops changing them and prints what it
set, flushes, and sleeps until killed (the file stays mapped, as a live
producer's does).  With remake, the file is also made again (unlinked and
created anew, as the library does on each start) every 50 ms of those
SECONDS, so that readers meet it in flux.  Without SECONDS it sets the values once, prints them and
exits (the file stays).  What it prints, tab-separated:
  meta   metric  type  semantics  oneline|-  help|-   (one a metric)
  value  name    value                                (name[instance])
"""
import ctypes
import sys
import time

import cmmv
import cpmapi
from pcp import mmv, pmapi

INDOM = 61
INSTANCES = [(0, "anvils"), (1, "rockets"), (2, "giant rubber bands")]
INDOM2 = 62
COLOURS = [(5, "red"), (9, "blue")]
LONG = "acme.a_metric_name_long_enough_to_need_version_2_of_the_file_format.bytes"

# name, item, type, semantics, units (dimSpace, dimTime, dimCount,
# scaleSpace, scaleTime, scaleCount), indom, one-line, help
METRICS = [
    ("acme.products.count", 7, cmmv.MMV_TYPE_U64, cmmv.MMV_SEM_COUNTER,
     (0, 0, 1, 0, 0, cpmapi.PM_COUNT_ONE), INDOM, "Acme products made",
     "Products made in the Acme factory since it started."),
    ("acme.rate", 8, cmmv.MMV_TYPE_DOUBLE, cmmv.MMV_SEM_INSTANT,
     (1, -1, 0, cpmapi.PM_SPACE_KBYTE, cpmapi.PM_TIME_SEC, 0), 0,
     "Throughput", "Kilobytes a second through the factory gate."),
    ("acme.temp", 9, cmmv.MMV_TYPE_FLOAT, cmmv.MMV_SEM_INSTANT,
     (0, 0, 0, 0, 0, 0), INDOM, "Temperature", "Each line's temperature."),
    ("acme.workers", 10, cmmv.MMV_TYPE_I32, cmmv.MMV_SEM_DISCRETE,
     (0, 0, 1, 0, 0, 0), 0, "Workers", "Workers on the floor, may go down."),
    ("acme.shifts", 11, cmmv.MMV_TYPE_U32, cmmv.MMV_SEM_DISCRETE,
     (0, 0, 1, 0, 0, 3), 0, "Shifts in thousands", None),
    ("acme.offset", 12, cmmv.MMV_TYPE_I64, cmmv.MMV_SEM_INSTANT,
     (0, 1, 0, 0, cpmapi.PM_TIME_USEC, 0), 0, None, None),
    ("acme.state", 13, cmmv.MMV_TYPE_STRING, cmmv.MMV_SEM_DISCRETE,
     (0, 0, 0, 0, 0, 0), 0, "State", "The factory's state in words."),
    ("acme.busy", 14, cmmv.MMV_TYPE_U64, cmmv.MMV_SEM_COUNTER,
     (0, 1, 0, 0, cpmapi.PM_TIME_MSEC, 0), INDOM, "Busy time",
     "Milliseconds each line was busy."),
    ("acme.paint", 15, cmmv.MMV_TYPE_U32, cmmv.MMV_SEM_INSTANT,
     (1, 0, 0, cpmapi.PM_SPACE_MBYTE, 0, 0), INDOM2, "Paint left", "Paint left of each colour."),
]


def b(s):
    return None if s is None else s.encode()


def units(u):
    return pmapi.pmUnits(*u)


def start_v1(name, flags):
    values = mmv.MemoryMappedValues(name, flags, 42)
    dom = mmv.mmv_indom(serial=INDOM, shorttext="Acme products")
    dom.helptext = b"The products the Acme Corporation makes."
    dom.set_instances([mmv.mmv_instance(i, n) for i, n in INSTANCES])
    dom2 = mmv.mmv_indom(serial=INDOM2, shorttext="Colours")
    dom2.set_instances([mmv.mmv_instance(i, n) for i, n in COLOURS])
    ms = []
    for (mname, item, typ, sem, u, indom, one, helptext) in METRICS:
        m = mmv.mmv_metric(name=mname, item=item, typeof=typ, semantics=sem,
                           dimension=units(u), indom=indom, shorttext=one or "")
        # pcp.mmv's constructor drops semantics and dimension and sets
        # helptext to shorttext: set them as the C structure has them
        m.semantics = sem
        m.dimension = units(u)
        m.shorttext = b(one)
        m.helptext = b(helptext)
        ms.append(m)
    values.add_indoms([dom, dom2])
    values.add_metrics(ms)
    values.start()
    if not values.started():
        sys.exit("mmv_producer: mmv_stats_init failed")
    return values


class Registry:
    """The registry API of libpcp_mmv, through ctypes (pcp.mmv has none)."""

    def __init__(self, name, flags, label):
        lib = ctypes.CDLL("libpcp_mmv.so.1")
        vp, cp, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        lib.mmv_stats_registry.restype = vp
        lib.mmv_stats_registry.argtypes = [cp, i, i]
        lib.mmv_stats_add_indom.argtypes = [vp, i, cp, cp]
        lib.mmv_stats_add_instance.argtypes = [vp, i, i, cp]
        lib.mmv_stats_add_metric.argtypes = [vp, cp, i, i, i, pmapi.pmUnits, i, cp, cp]
        lib.mmv_stats_add_registry_label.argtypes = [vp, cp, cp, i, i]
        lib.mmv_stats_start.restype = vp
        lib.mmv_stats_start.argtypes = [vp]
        self.lib = lib
        # the library keeps the pointers it is given: keep the bytes alive
        self.keep = []

        def kb(s):
            self.keep.append(b(s))
            return self.keep[-1]
        reg = lib.mmv_stats_registry(kb(name), 43, flags)
        if not reg:
            sys.exit("mmv_producer: mmv_stats_registry failed")
        lib.mmv_stats_add_indom(reg, INDOM, kb("Acme products"),
                                kb("The products the Acme Corporation makes."))
        for inst, iname in INSTANCES:
            lib.mmv_stats_add_instance(reg, INDOM, inst, kb(iname))
        lib.mmv_stats_add_indom(reg, INDOM2, kb("Colours"), None)
        for inst, iname in COLOURS:
            lib.mmv_stats_add_instance(reg, INDOM2, inst, kb(iname))
        for k, (mname, item, typ, sem, u, indom, one, helptext) in enumerate(METRICS):
            if k == 0:
                mname = LONG
            lib.mmv_stats_add_metric(reg, kb(mname), item, typ, sem, units(u),
                                     indom, kb(one), kb(helptext))
        if label:
            lib.mmv_stats_add_registry_label(reg, kb("site"), kb('"acme"'),
                                             cmmv.MMV_STRING_TYPE, 0)
        self.reg = reg
        self.addr = lib.mmv_stats_start(reg)
        if not self.addr:
            sys.exit("mmv_producer: mmv_stats_start failed")
        # the same value calls as pcp.mmv's, on this mapping
        self.values = mmv.MemoryMappedValues(name)
        self.values._handle = self.addr

    def remake(self):
        self.addr = self.lib.mmv_stats_start(self.reg)
        if not self.addr:
            sys.exit("mmv_producer: mmv_stats_start failed")
        self.values._handle = self.addr


def main():
    if len(sys.argv) not in (3, 4, 5) or sys.argv[2] not in ("v1", "v2", "v3"):
        sys.exit(__doc__)
    name, version = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) >= 4 else None
    remaking = len(sys.argv) == 5 and sys.argv[4] == "remake"
    flags = cmmv.MMV_FLAG_PROCESS
    if version == "v1":
        values = start_v1(name, flags)
        first = METRICS[0][0]
        remake = values.restart
    else:
        reg = Registry(name, flags, version == "v3")
        values = reg.values
        first = LONG
        remake = reg.remake

    def mapping(mname, inst=None):
        if mname == METRICS[0][0]:
            mname = first
        m = values.lookup_mapping(mname, inst)
        if not m:
            sys.exit("mmv_producer: no value %s[%s]" % (mname, inst))
        return m

    def setall(t):
        got = {}
        for inst, iname in INSTANCES:
            values.set(mapping("acme.products.count", iname), 1000 * (inst + 1) + t)
            got["%s[%s]" % (first, iname)] = str(1000 * (inst + 1) + t)
            values.set(mapping("acme.temp", iname), 20.5 + inst + t % 7)
            got["acme.temp[%s]" % iname] = repr(20.5 + inst + t % 7)
            values.set(mapping("acme.busy", iname), 10 * t + inst)
            got["acme.busy[%s]" % iname] = str(10 * t + inst)
        for inst, iname in COLOURS:
            values.set(mapping("acme.paint", iname), inst * 100 + t)
            got["acme.paint[%s]" % iname] = str(inst * 100 + t)
        values.set(mapping("acme.rate"), 1234.25 + t)
        got["acme.rate"] = repr(1234.25 + t)
        values.set(mapping("acme.workers"), 40 - t % 50)
        got["acme.workers"] = str(40 - t % 50)
        values.set(mapping("acme.shifts"), 3 + t)
        got["acme.shifts"] = str(3 + t)
        values.set(mapping("acme.offset"), -5000 - t)
        got["acme.offset"] = str(-5000 - t)
        state = "running %d" % t
        values.set_string(mapping("acme.state"), state)
        got["acme.state"] = state
        return got

    t = 0
    got = setall(t)
    if seconds is not None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t += 1
            if remaking and t % 5 == 0:
                remake()
            got = setall(t)
            time.sleep(0.01)
    tnames = {cmmv.MMV_TYPE_I32: "32", cmmv.MMV_TYPE_U32: "u32", cmmv.MMV_TYPE_I64: "64",
              cmmv.MMV_TYPE_U64: "u64", cmmv.MMV_TYPE_FLOAT: "float",
              cmmv.MMV_TYPE_DOUBLE: "double", cmmv.MMV_TYPE_STRING: "string"}
    snames = {cmmv.MMV_SEM_COUNTER: "counter", cmmv.MMV_SEM_INSTANT: "instant",
              cmmv.MMV_SEM_DISCRETE: "discrete"}
    for k, (mname, _, typ, sem, _, _, one, helptext) in enumerate(METRICS):
        print("meta\t%s\t%s\t%s\t%s\t%s" % (first if k == 0 else mname, tnames[typ],
                                            snames[sem], one or "-", helptext or "-"))
    for k in sorted(got):
        print("value\t%s\t%s" % (k, got[k]))
    sys.stdout.flush()
    if seconds is not None:
        while True:
            time.sleep(60)


if __name__ == "__main__":
    main()

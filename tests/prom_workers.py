#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""prometheus_client in multiprocess mode, for tests/e2e_promdb.sh and the
fixture in tests/fixture/prom: WORKERS processes (multiprocessing, fork)
each update a counter with labels (quotes, unicode, a backslash), gauges
of modes all, livesum, max and min, a histogram and a summary, with values
that are sums of powers of two (so every sum is exact in any order).

  prom_workers.py DIR WORKERS ROUNDS HANG SPIN

The directory must be PROMETHEUS_MULTIPROC_DIR already.  Each worker does
ROUNDS rounds (each prints "worker PID" first); the last HANG workers then
stay until killed, the others exit; the last of all prints "spin PID",
adds 1 to spin_total SPIN times, as fast as it can (for a reader running
meanwhile), then prints "idle PID"; the other staying ones print "hang
PID".  Prints "done" when the workers that exit have.
  prom_workers.py --expose DIR    prints MultiProcessCollector's exposition
"""
import multiprocessing
import os
import sys
import time


def work(i, rounds, hang, spin):
    from prometheus_client import Counter, Gauge, Histogram, Summary
    print("worker", os.getpid(), flush=True)
    c = Counter("jobs", "Jobs done, \"quoted\" help \u00e9", ["kind", "where"])
    g_all = Gauge("temp", "Per-worker temperature", ["room"], multiprocess_mode="all")
    g_sum = Gauge("inflight", "In flight", multiprocess_mode="livesum")
    g_max = Gauge("peak", "Peak", multiprocess_mode="max")
    g_min = Gauge("low", "Low", multiprocess_mode="min")
    h = Histogram("latency_seconds", "Latency", ["path"], buckets=(0.25, 1, 4))
    s = Summary("size_bytes", "Sizes")
    for r in range(rounds):
        c.labels(kind='say "hi"', where="caf\u00e9 \u2603 \\").inc(1 + i)
        c.labels(kind="plain", where="x").inc(0.5)
        g_all.labels(room="r%d" % (i % 2)).set(i * 0.25 + r)
        g_sum.set(i + 1)
        g_max.set(i * 2 + r)
        g_min.set(10 - i - r * 0.5)
        h.labels(path="/a").observe(0.125 * ((i + r) % 40))
        s.observe(2 ** (i % 4))
    if hang:
        print("spin" if spin else "hang", os.getpid(), flush=True)
        if spin:
            t = Counter("spin", "Spins")
            for _ in range(spin):
                t.inc()
            print("idle", os.getpid(), flush=True)
        while True:
            time.sleep(1)


def main():
    if sys.argv[1] == "--expose":
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector
        reg = CollectorRegistry()
        MultiProcessCollector(reg, path=sys.argv[2])
        sys.stdout.write(generate_latest(reg).decode())
        return
    workers, rounds, hang, spin = (int(a) for a in sys.argv[2:6])
    ctx = multiprocessing.get_context("fork")
    ps = [ctx.Process(target=work, args=(i, rounds, i >= workers - hang,
                                         spin if i == workers - 1 else 0))
          for i in range(workers)]
    for p in ps:
        p.start()
    for p in ps[:workers - hang]:
        p.join()
        if p.exitcode:
            sys.exit("a worker failed")
    print("done", flush=True)
    for p in ps[workers - hang:]:
        p.join()


if __name__ == "__main__":
    main()

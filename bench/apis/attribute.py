#!/usr/bin/env python3
"""bench/apis/attribute: where each path's CPU goes, per request.

Runs the turns of apibench.py (the API, the direct Invoke and the direct
Invoke carrying the API's event, in 50 ms slots on the same connections)
under `perf record -a` (cpu-clock samples of every process, stamped with
CLOCK_MONOTONIC like the slots), gives each sample to the path whose slot it
fell in, and prints, per path, the CPU per answered request of Kumo, the
Node.js runtimes, wrk and the rest, and the symbols whose time per request
differs most between the API and the other two paths. The first turn is
left out. Needs root (or CAP_PERFMON) for -a; perf comes from linux-perf.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

import apibench
from funcbench import Kumo, invoke_path

PATTERN = apibench.SLOT_PATTERN
FREQUENCY = 2999  # samples per second per CPU


def group(comm):
    if comm in ("kumo", "node", "wrk"):
        return comm
    if comm.startswith("rocksdb:"):
        return "kumo"  # RocksDB's background threads are Kumo's
    return "idle" if comm == "swapper" else "other"


def samples(data):
    """(process group, CLOCK_MONOTONIC seconds, symbol) of every sample."""
    out = subprocess.run(["perf", "script", "-i", data, "-F", "comm,time,ip,sym"],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        m = re.match(r"^\s*(.*?)\s+(\d+\.\d+):\s*[0-9a-f]+\s*(.*)$", line)
        if m:
            yield group(m.group(1)), float(m.group(2)), m.group(3).strip() or "[unknown]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kumo", default=os.environ.get("KUMO_BIN", os.path.join(
        apibench.ROOT, "build", "kumo")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SECONDS_", "20")))
    parser.add_argument("--connections", type=int,
                        default=int(os.environ.get("CONNECTIONS", "8")))
    parser.add_argument("--top", type=int, default=12, help="symbols listed per comparison")
    args = parser.parse_args()
    n = args.connections

    kumo = Kumo(args.kumo)
    with tempfile.TemporaryDirectory(prefix="kumo-attribute-") as tmp:
        event_file = os.path.join(tmp, "event.json")
        data = os.path.join(tmp, "perf.data")
        try:
            _, host = apibench.create(kumo, n)
            with open(event_file, "wb") as f:
                f.write(apibench.api_event(kumo))
            direct = invoke_path(apibench.NAME)
            apibench.wrk(kumo.port, n, 3, direct, apibench.INVOKE_LUA)
            apibench.wrk(kumo.port, n, 3, "/", apibench.API_LUA, host)
            perf = subprocess.Popen(["perf", "record", "-a", "-q", "-e", "cpu-clock",
                                     "-F", str(FREQUENCY), "-k", "CLOCK_MONOTONIC", "-o", data],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                slots, first, bad = apibench.alternating_wrk(kumo.port, n, args.seconds, host,
                                                             direct, event_file)
            finally:
                perf.send_signal(2)
                _, err = perf.communicate()
            if perf.returncode not in (0, -2, 130):
                sys.exit(f"perf record failed: {err.decode(errors='replace')}")
        finally:
            kumo.stop()
        if bad:
            sys.exit(f"FAILED: {bad} bad answers")

        answered = collections.Counter()
        for i in range(len(PATTERN), len(slots)):
            answered[PATTERN[i % len(PATTERN)]] += slots[i]
        by_group = collections.defaultdict(collections.Counter)
        by_symbol = collections.defaultdict(collections.Counter)
        for who, when, symbol in samples(data):
            i = int((when - first) * 1000 // apibench.SLOT_MS)
            if len(PATTERN) <= i < len(slots):
                path = PATTERN[i % len(PATTERN)]
                by_group[path][who] += 1
                by_symbol[path][(who, symbol)] += 1

    def per_request(counter, path, key):  # µs of CPU per answered request
        return counter[path][key] * 1e6 / FREQUENCY / answered[path]

    groups = ("kumo", "node", "wrk", "other")
    print(f"{args.seconds} s of turns at {n} connections; answers: " +
          ", ".join(f"{p} {answered[p]}" for p in ("api", "direct", "event")))
    print("CPU per answered request (µs)" + "".join(f"{g:>9}" for g in groups) + f"{'busy':>9}")
    for path in ("api", "direct", "event"):
        values = [per_request(by_group, path, g) for g in groups]
        print(f"  {path:28}" + "".join(f"{v:9.1f}" for v in values) + f"{sum(values):9.1f}")
    for other in ("direct", "event"):
        keys = set(by_symbol["api"]) | set(by_symbol[other])
        rows = sorted(((per_request(by_symbol, "api", k) - per_request(by_symbol, other, k), k)
                       for k in keys if k[0] != "idle"), reverse=True)
        print(f"symbols with the most more time per request through the API than {other} (µs):")
        for d, (who, symbol) in rows[:args.top]:
            print(f"  {d:+6.2f}  {who:6} {symbol[:100]}")


if __name__ == "__main__":
    sys.exit(main())

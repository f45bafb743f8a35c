#!/usr/bin/env python3
"""bench/apis: a warm Node.js function through an HTTP API vs. invoked directly.

Starts `kumo server` (port 0, throwaway data directory, auth off), creates a
trivial Node.js function answering {statusCode: 200, body: "ok"} with reserved
concurrency CONNECTIONS, puts an HTTP API in front of it (quick create:
$default route, AWS_PROXY payload 2.0, auto-deployed $default stage), starts
CONNECTIONS environments through both paths, then measures with wrk, in
ROUNDS interleaved rounds (medians of the rounds are reported; the p50 target
is checked on the median of each round's API/direct pair):

* API: GET / on the API's own host ({apiId}.execute-api.localhost:PORT; wrk
  connects to 127.0.0.1 and sends that Host header), every answer checked to
  be 200 "ok" (api.lua); at 1 connection, also the path form
  /_aws/execute-api/{apiId}/;
* direct: an unsigned POST /2015-03-31/functions/NAME/invocations
  (bench/functions/invoke.lua), the same function, so the same environments;
* direct with the API's event: the same Invoke with, as its payload, the
  payload 2.0 event the API hands the function (captured once through an
  echo function behind its own API; event.lua), which splits what the API
  path adds into the bigger event (runtime client and handler side) and the
  gateway itself;

at 1 connection (requests/s, p50, p99) and at CONNECTIONS connections; then,
for the throughput shares the target is checked on, the three taking turns
in 50 ms slots on the same connections for ALTERNATE seconds, at 1 and at
CONNECTIONS connections (alternating.lua), so that all three see the same
moments of the host: each API slot's count of answers next to its
neighbouring direct (or direct-with-event) slot's gives one ratio, and the
ratios' geometric mean, with its 95% interval, is the API's throughput share
of the direct Invoke (the target) and of the direct Invoke carrying its
event (the gateway itself). Prints the API's added latency and its share of
the direct throughput next to the issue's targets, checking that no cold
start or throttle happened during the figures. Standard library only; wrk
comes from bench/functions/setup.
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "functions"))
from funcbench import INVOKE_BODY, Kumo, invoke_path, zip_of  # noqa: E402

API_LUA = os.path.join(HERE, "api.lua")
EVENT_LUA = os.path.join(HERE, "event.lua")
ALTERNATING_LUA = os.path.join(HERE, "alternating.lua")
SLOT_MS = 50
SLOT_PATTERN = ("api", "direct", "api", "event")  # alternating.lua's order of the slots
INVOKE_LUA = os.path.join(ROOT, "bench", "functions", "invoke.lua")
NAME = "bench-api"
SOURCE = 'exports.handler = async () => ({ statusCode: 200, body: "ok" });\n'
ECHO_SOURCE = "exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });\n"



# Two-sided 95% quantiles of Student's t by degrees of freedom; between
# entries the smaller df's (the wider interval) is used.
T975 = [(1, 12.71), (2, 4.30), (3, 3.18), (4, 2.78), (5, 2.57), (6, 2.45), (7, 2.36), (8, 2.31),
        (9, 2.26), (10, 2.23), (15, 2.13), (20, 2.09), (30, 2.04), (40, 2.02), (60, 2.00), (120, 1.98)]


def t975(df):
    return next((t for d, t in reversed(T975) if d <= df), math.inf)

def wrk_start(port, connections, seconds, path, lua, host=None, env=None):
    """Starts wrk (1 thread); wrk_result reads what it measured."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
           "-s", lua]
    if host:
        cmd += ["-H", f"Host: {host}"]
    return subprocess.Popen(cmd + [f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, **(env or {})))


def wrk_result(proc):
    """(requests/s, p50 ms, p99 ms, bad answers) of a wrk_start."""
    out, _ = proc.communicate()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, out)

    def ms(label):
        m = re.search(r"^\s*" + label + r"%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Socket errors:.*", out)
    if errors:
        print(f"  {' '.join(proc.args[-3:])}: {errors.group(0)}", file=sys.stderr)
    bad = int(re.search(r"^bad=(\d+)$", out, re.M).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), ms("50"), ms("99"), bad


def drain():
    """wrk leaves up to `connections` invocations running when it stops: let
    them finish, or the next figure's first requests find every one of the
    function's reserved environments busy and are throttled."""
    time.sleep(0.1)


def wrk(port, connections, seconds, *path_args):
    """Runs wrk (1 thread); returns (requests/s, p50 ms, p99 ms, bad answers)."""
    result = wrk_result(wrk_start(port, connections, seconds, *path_args))
    drain()
    return result


def alternating_wrk(port, connections, seconds, host, direct, event_file, control=False):
    """Runs alternating.lua; returns (slot counts, when slot 0 began in
    CLOCK_MONOTONIC seconds, bad answers)."""
    env = dict(os.environ, BENCH_API_HOST=host, BENCH_DIRECT_PATH=direct,
               BENCH_EVENT_FILE=event_file, BENCH_SLOT_MS=str(SLOT_MS))
    if control:
        env["BENCH_CONTROL"] = "1"
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", ALTERNATING_LUA, f"http://127.0.0.1:{port}"],
                         env=env, capture_output=True, text=True, check=True).stdout
    drain()
    slots = [int(n) for n in re.search(r"^slots=([\d,]*)$", out, re.M).group(1).split(",") if n]
    first = float(re.search(r"^first=([\d.]+)$", out, re.M).group(1)) / 1000
    return slots, first, int(re.search(r"^bad=(\d+)$", out, re.M).group(1))


def alternate(port, connections, seconds, host, direct, event_file, control=False):
    """The API, the direct Invoke and the direct Invoke carrying the API's
    event taking turns in SLOT_MS slots (API, direct, API, event, ...) for
    `seconds` on `connections` connections (alternating.lua). Returns the
    logarithms of the API's throughput share, one per direct slot and one per
    event slot: the mean count of the two API slots around it over its own
    count. The first turn (the connections' first requests) is left out.
    Also returns the bad answers. With `control`, every slot sends the API's
    request: the method compared with itself, whose shares should be 1."""
    slots, _, bad = alternating_wrk(port, connections, seconds, host, direct, event_file, control)
    shares = {"direct": [], "event": []}
    # Every other slot is the API's; the first turn is left out.
    for i in range(len(SLOT_PATTERN) + 1, len(slots) - 1, 2):
        around = (slots[i - 1] + slots[i + 1]) / 2
        if around and slots[i]:
            shares[SLOT_PATTERN[i % len(SLOT_PATTERN)]].append(math.log(around / slots[i]))
    return shares, bad


def quick_api(kumo, name, source, connections=None):
    """A Node.js function `name` running `source` (reserved concurrency
    `connections` if given) behind a quick-created HTTP API. Returns the
    API's id, its Host, and the body of one GET /."""
    fn = kumo.call("POST", "/2015-03-31/functions", {
        "FunctionName": name, "Runtime": "nodejs20.x", "Handler": "index.handler",
        "Role": "arn:aws:iam::000000000000:role/bench", "MemorySize": 128,
        "Code": {"ZipFile": zip_of("index.js", source)},
    })
    if connections:
        kumo.call("PUT", f"/2017-10-31/functions/{name}/concurrency",
                  {"ReservedConcurrentExecutions": connections})
    api = kumo.call("POST", "/v2/apis", {"name": name, "protocolType": "HTTP",
                                         "target": fn["FunctionArn"]})
    host = f"{api['apiId']}.execute-api.localhost:{kumo.port}"
    status, _, body = kumo.request("GET", "/", headers={"Host": host})
    if status != 200:
        sys.exit(f"GET / on {host} ({name}) answered {status}: {body[:500]!r}")
    return api["apiId"], host, body


def create(kumo, connections):
    """The function (reserved concurrency `connections`) and its HTTP API."""
    api_id, host, body = quick_api(kumo, NAME, SOURCE, connections)
    if body != b"ok":
        sys.exit(f"GET / on {host} answered {body[:500]!r}")
    status, _, body = kumo.request("POST", invoke_path(NAME), INVOKE_BODY)
    if status != 200 or json.loads(body).get("body") != "ok":
        sys.exit(f"Invoke {NAME} answered {status}: {body[:500]!r}")
    return api_id, host


def api_event(kumo):
    """The payload 2.0 event of a GET / through a quick-created API: what the
    benchmark's function receives from wrk, but for one header
    (Accept-Encoding, which http.client adds)."""
    _, host, body = quick_api(kumo, "bench-api-echo", ECHO_SOURCE)
    if json.loads(body).get("version") != "2.0":
        sys.exit(f"GET / on {host} (echo) answered {body[:500]!r}")
    return body


def counters(kumo):
    return {m: kumo.metric(m, NAME) for m in ("kumo_function_cold_starts_total",
                                              "kumo_function_throttles_total",
                                              "kumo_function_environments")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kumo", default=os.environ.get("KUMO_BIN", os.path.join(ROOT, "build", "kumo")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "5")),
                        help="seconds per wrk measurement")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", "5")),
                        help="interleaved rounds; the median is reported")
    parser.add_argument("--alternate", type=int, default=int(os.environ.get("ALTERNATE", "60")),
                        help="seconds of the three taking turns behind each throughput share")
    parser.add_argument("--control", type=int, default=int(os.environ.get("CONTROL", "0")),
                        help="seconds of a control of the turns (the API's request in every "
                             "slot, whose share should be 1); 0: none")
    parser.add_argument("--connections", type=int, default=int(os.environ.get("CONNECTIONS", "8")),
                        help="connections of the concurrent figure = reserved concurrency")
    args = parser.parse_args()
    n = args.connections

    load_before = os.getloadavg()
    kumo = Kumo(args.kumo)
    event_file = tempfile.NamedTemporaryFile(prefix="kumo-apibench-event-", suffix=".json")
    try:
        api_id, host = create(kumo, n)
        event = api_event(kumo)
        event_file.write(event)
        event_file.flush()
        direct = invoke_path(NAME)
        # name -> wrk arguments after port, connections and seconds
        paths = {"api": ("/", API_LUA, host),
                 "path": (f"/_aws/execute-api/{api_id}/", API_LUA),
                 "direct": (direct, INVOKE_LUA),
                 "event": (direct, EVENT_LUA, None, {"BENCH_EVENT_FILE": event_file.name})}
        # Start the n environments, through both paths.
        wrk(kumo.port, n, 3, *paths["direct"])
        wrk(kumo.port, n, 3, *paths["api"])
        before = counters(kumo)
        figures = {}  # (path, connections) -> [(rps, p50, p99, bad) per round]
        for r in range(args.rounds):
            runs = [("api", 1), ("path", 1), ("direct", 1), ("event", 1),
                    ("api", n), ("direct", n), ("event", n)]
            if r % 2:  # alternate who goes first, so drift hits all alike
                runs = [(w, c) for c in (1, n) for w, cc in reversed(runs) if cc == c]
            for which, conns in runs:
                result = wrk(kumo.port, conns, args.duration, *paths[which])
                figures.setdefault((which, conns), []).append(result)
        # The throughput shares the target is checked on: the three taking
        # turns in short slots, so the host's drift is the same for each
        # slot and its neighbours, and the spread of the slots' ratios gives
        # each estimate's confidence interval. API/direct is the target;
        # API/event is what the gateway itself costs.
        shares, bad_turns = {}, 0  # (connections, "direct" | "event") -> [log(API / it)]
        for conns in (1, n):
            turns, bad = alternate(kumo.port, conns, args.alternate, host, direct, event_file.name)
            bad_turns += bad
            for other, logs in turns.items():
                shares[(conns, other)] = logs
        after = counters(kumo)
        controls = {}  # connections -> [log(API / API)]
        if args.control:
            for conns in (1, n):
                turns, bad = alternate(kumo.port, conns, args.control, host, direct,
                                       event_file.name, control=True)
                bad_turns += bad
                controls[conns] = turns["direct"] + turns["event"]
    finally:
        kumo.stop()
        event_file.close()
    load_after = os.getloadavg()

    def med(which, conns, i):
        return statistics.median(f[i] for f in figures[(which, conns)])

    def mean_ms(which, conns):  # wrk's mean latency, from the throughput
        return 1000 * conns / med(which, conns, 0)

    print(f"\nkumo {args.kumo}; function nodejs20.x, reserved concurrency {n}, "
          f"{before['kumo_function_environments']:.0f} environments warm")
    print(f"wrk 1 thread, {args.duration}s per figure, median of {args.rounds} interleaved rounds")
    print(f"payload: {len(event)} bytes through the API (its 2.0 event), {len(INVOKE_BODY)} bytes "
          f"for the direct Invoke\n")
    print(f"{'':46}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
    for conns in (1, n):
        for label, which in (("API, by host", "api"), ("API, path form", "path"),
                             ("direct Invoke", "direct"), ("direct Invoke, API's event as payload", "event")):
            if (which, conns) in figures:
                print(f"{label + f', {conns} conn':46}{med(which, conns, 0):>9.0f}{med(which, conns, 1):>9.3f}"
                      f"{med(which, conns, 2):>9.3f}{mean_ms(which, conns):>9.3f}")

    def verdict(ok):
        return "met" if ok else "MISSED"

    def interval(logs):
        """(low, estimate, high): the geometric mean of per-slot ratios, given
        as logs, with its 95% interval (Student's t, so a short run gives the
        wide interval it deserves rather than a verdict)."""
        mean = statistics.mean(logs)
        half = (t975(len(logs) - 1) * statistics.stdev(logs) / math.sqrt(len(logs))
                if len(logs) > 1 else math.inf)
        return math.exp(mean - half), math.exp(mean), math.exp(mean + half)

    def per_round(conns, i, combine):
        # The API and the direct figure of one round ran back to back: their
        # pairing cancels most of the host's drift between rounds.
        return [combine(a[i], d[i]) for a, d in zip(figures[("api", conns)], figures[("direct", conns)])]

    print("API - direct: medians of each round's pair (the rounds' throughput shares in brackets); "
          f"the throughput share over {args.alternate} s of {SLOT_MS} ms turns (95% interval)")
    for conns in (1, n):
        added = round(statistics.median(per_round(conns, 1, lambda a, d: a - d)), 3)
        rounds = per_round(conns, 0, lambda a, d: a / d)
        low, share, high = interval(shares[(conns, "direct")])
        # Decided only when the whole interval is on one side of the target.
        decided = "met" if low >= 0.9 else "MISSED" if high < 0.9 else "undecided: the interval spans it"
        print(f"{conns} conn: API - direct: p50 {added:+.3f} ms (target <= +0.2: {verdict(added <= 0.2)}), "
              f"p99 {statistics.median(per_round(conns, 2, lambda a, d: a - d)):+.3f} ms, "
              f"throughput [{' '.join(f'{x:.2f}' for x in rounds)}]; "
              f"{share:.2f}x ({low:.2f}-{high:.2f}) (target >= 0.9x: {decided})")
        event = mean_ms("event", conns) - mean_ms("direct", conns)
        gateway = mean_ms("api", conns) - mean_ms("event", conns)
        print(f"        of the mean {mean_ms('api', conns) - mean_ms('direct', conns):+.3f} ms: "
              f"the bigger event {event:+.3f} ms, the gateway itself {gateway:+.3f} ms")
        low, share, high = interval(shares[(conns, "event")])
        print(f"        the gateway itself, next to the direct Invoke carrying the API's event: "
              f"throughput share {share:.2f}x ({low:.2f}-{high:.2f})")
    if controls:
        parts = []
        for c, logs in controls.items():
            low, share, high = interval(logs)
            parts.append(f"{c} conn {share:.3f}x ({low:.3f}-{high:.3f})")
        print(f"control: the API's request in every slot ({args.control} s; its share should be "
              "1.00x): " + ", ".join(parts))
    cold = after["kumo_function_cold_starts_total"] - before["kumo_function_cold_starts_total"]
    throttled = after["kumo_function_throttles_total"] - before["kumo_function_throttles_total"]
    print(f"during the figures: {cold:.0f} cold starts, {throttled:.0f} throttles "
          f"(both should be 0); environments {before['kumo_function_environments']:.0f} -> "
          f"{after['kumo_function_environments']:.0f}")
    print("load average (1/5/15 min): before " + " ".join(f"{x:.2f}" for x in load_before) +
          ", after " + " ".join(f"{x:.2f}" for x in load_after) + f"; {os.cpu_count()} cores")
    bad = sum(f[3] for results in figures.values() for f in results)
    bad += bad_turns
    if bad or cold or throttled:
        print(f"FAILED: {bad} bad answers, {cold:.0f} cold starts, {throttled:.0f} throttles")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

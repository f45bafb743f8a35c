#!/usr/bin/env python3
"""bench/functions: warm Invoke latency and throughput, and cold starts.

Starts `kumo server` (in memory, auth off), creates a trivial Node.js and a
trivial Python function, and measures in one run:

* warm Invoke p50 / p99 at 1 client and invokes/s at 8 clients, end to end
  through Kumo's HTTP edge (unsigned POST .../functions/NAME/invocations),
  with wrk; next to the edge's own floor (GET /_kumo/health, 1 client);
* cold start: UpdateFunctionConfiguration changes a variable (which retires
  the warm environments), the benchmark waits until the function has no live
  environment, then times one Invoke; each is checked to be a cold start
  (kumo_function_cold_starts_total). Interleaved with it, the bare
  interpreter start (`node -e 0` / `python3 -c 0` with one write, the
  interpreters Kumo runs, in an environment like a function's) timed the
  same number of times: spawn to its first byte, and spawn to exit. The
  target is judged on the first (a cold start ends with the answer, not
  an exit).

Prints a table with the targets of issue 3 and the load average.
Standard library only; wrk comes from bench/functions/setup.
"""
import argparse
import base64
import http.client
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LUA = os.path.join(HERE, "invoke.lua")
NODE = "/usr/bin/node"  # EngineOptions::node_path
FUNCTIONS = {
    # name: (runtime, handler, file name, source)
    "bench-node": ("nodejs20.x", "index.handler", "index.js",
                   "exports.handler = async (event) => ({ ok: true });\n"),
    "bench-python": ("python3.11", "app.handler", "app.py",
                     "def handler(event, context):\n    return {\"ok\": True}\n"),
}
INVOKE_BODY = b'{"n":1}'


def kumo_python():
    """The interpreter Kumo runs: it asks `python3` on PATH for sys.executable."""
    out = subprocess.run(["python3", "-c", "import sys;print(sys.executable)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Kumo:
    """A `kumo server` on a free port with a throwaway data directory."""

    def __init__(self, binary):
        self.data_dir = tempfile.mkdtemp(prefix="kumo-funcbench-")
        self.proc = subprocess.Popen(
            [binary, "server", "--in-memory", "--port", "0", "--data-dir", self.data_dir,
             "--log-level", "warn"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = None
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"ready on http://[\d.]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.stop()
            sys.exit("kumo server did not start:\n" + "".join(lines))
        # Drain its output so a chatty server never blocks on a full pipe.
        self.drain = subprocess.Popen(["cat"], stdin=self.proc.stdout,
                                      stdout=subprocess.DEVNULL)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers, body bytes) over one kept-alive connection."""
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closes connections idle past --idle-timeout (a long
            # run between two metric reads); a GET is safe to send again.
            if method != "GET":
                raise
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
        return r.status, r.headers, r.read()

    def call(self, method, path, doc=None, expect=(200, 201)):
        status, _, body = self.request(method, path, None if doc is None else json.dumps(doc))
        if status not in expect:
            sys.exit(f"{method} {path} answered {status}: {body[:500]!r}")
        return json.loads(body) if body else None

    def metric(self, name, function):
        _, _, body = self.request("GET", "/_kumo/metrics")
        m = re.search(r"^" + name + r"\{[^}]*function=\"" + re.escape(function) +
                      r"\"[^}]*\}\s+([\d.eE+-]+)$", body.decode(), re.M)
        return float(m.group(1)) if m else 0.0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def zip_of(file_name, source):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(file_name, source)
    return base64.b64encode(buf.getvalue()).decode()


def invoke_path(name):
    return f"/2015-03-31/functions/{name}/invocations"


def create_functions(kumo):
    for name, (runtime, handler, file_name, source) in FUNCTIONS.items():
        kumo.call("POST", "/2015-03-31/functions", {
            "FunctionName": name, "Runtime": runtime, "Handler": handler,
            "Role": "arn:aws:iam::000000000000:role/bench", "MemorySize": 128,
            "Code": {"ZipFile": zip_of(file_name, source)},
        })
        status, headers, body = kumo.request("POST", invoke_path(name), INVOKE_BODY)
        if status != 200 or headers.get("X-Amz-Function-Error") or json.loads(body) != {"ok": True}:
            sys.exit(f"{name}: first invoke answered {status} {dict(headers)} {body!r}")


def wrk(port, path, connections, seconds, lua=True):
    """Runs wrk; returns (requests/s, p50 ms, p99 ms, bad answers)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if lua:
        cmd += ["-s", LUA]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout

    def ms(label):
        m = re.search(r"^\s*" + label + r"%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = int(re.search(r"^bad=(\d+)$", out, re.M).group(1)) if lua else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    bad += int(m.group(1)) if m and not lua else 0
    errors = re.search(r"Socket errors:.*", out)
    if errors:
        print(f"  wrk {path} -c{connections}: {errors.group(0)}", file=sys.stderr)
    return rps, ms("50"), ms("99"), bad


def runtime_seconds(kumo, name):
    """(invocations, seconds between handing events to the runtime and its answer)."""
    return (kumo.metric("kumo_function_invocations_total", name),
            kumo.metric("kumo_function_duration_seconds_total", name))


# The bare interpreters get an environment like the one Kumo gives functions,
# not the caller's: NODE_EXTRA_CA_CERTS alone (set on some machines) makes
# `node -e 0` parse a CA bundle and start ~3x slower.
BARE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "en_US.UTF-8", "TZ": ":UTC"}


def time_spawn(argv):
    """(ms from spawn to the first byte the process writes, ms to its exit).
    The first is the interpreter's start; the exit adds its teardown (30 ms
    for Python on a busy machine when site-packages imports much at start)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=BARE_ENV)
    proc.stdout.read(1)
    started = time.perf_counter()
    proc.stdout.read()
    if proc.wait() != 0:
        sys.exit(f"{argv} failed")
    return (started - start) * 1000, (time.perf_counter() - start) * 1000


def time_cold_invoke(kumo, name, round_number):
    """Retires the function's environments, waits for them to end, times one
    Invoke. Returns (end-to-end ms, Init Duration ms, Duration ms): the last
    two from the REPORT line (LogType Tail)."""
    kumo.call("PUT", f"/2015-03-31/functions/{name}/configuration",
              {"Environment": {"Variables": {"BENCH_ROUND": str(round_number)}}})
    deadline = time.monotonic() + 10
    while kumo.metric("kumo_function_environments", name) > 0:
        if time.monotonic() > deadline:
            sys.exit(f"{name}: retired environments still live after 10 s")
        time.sleep(0.005)
    cold_before = kumo.metric("kumo_function_cold_starts_total", name)
    start = time.perf_counter()
    status, headers, body = kumo.request("POST", invoke_path(name), INVOKE_BODY,
                                         {"X-Amz-Log-Type": "Tail"})
    elapsed = (time.perf_counter() - start) * 1000
    if status != 200 or headers.get("X-Amz-Function-Error"):
        sys.exit(f"{name}: cold invoke answered {status}: {body!r}")
    if kumo.metric("kumo_function_cold_starts_total", name) != cold_before + 1:
        sys.exit(f"{name}: the timed invoke was not a cold start")
    tail = base64.b64decode(headers.get("X-Amz-Log-Result", "")).decode()
    init = re.search(r"\tInit Duration: ([\d.]+) ms", tail)
    duration = re.search(r"\tDuration: ([\d.]+) ms", tail)
    if not (init and duration):
        sys.exit(f"{name}: no REPORT line with Init Duration in the cold invoke's log: {tail!r}")
    return elapsed, float(init.group(1)), float(duration.group(1))


def print_perf_split(path):
    """CPU samples per command (and, for kumo, per thread name) in a perf.data."""
    out = subprocess.run(["perf", "report", "-i", path, "--stdio", "--no-children",
                          "--sort", "comm", "-g", "none", "--percent-limit", "1"],
                         capture_output=True, text=True).stdout
    print(f"\nCPU during the Python 8-client figure (perf record -a; {path}):")
    for line in out.splitlines():
        if line.strip() and not line.startswith("#"):
            print("  " + line.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kumo", default=os.environ.get("KUMO_BIN", os.path.join(ROOT, "build", "kumo")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "10")),
                        help="seconds per wrk measurement")
    parser.add_argument("--cold", type=int, default=int(os.environ.get("COLD_RUNS", "20")),
                        help="cold starts (and bare interpreter starts) per runtime")
    parser.add_argument("--perf", metavar="FILE",
                        help="perf record -a -g into FILE during the Python 8-client figure, "
                             "then print the CPU share per command")
    args = parser.parse_args()

    python = kumo_python()
    # `node -e 0` / `python3 -c 0` plus one write, to see when user code runs.
    bare = {"bench-node": [NODE, "-e", "require('fs').writeSync(1, '.')"],
            "bench-python": [python, "-c", "import os; os.write(1, b'.')"]}
    load_before = os.getloadavg()
    kumo = Kumo(args.kumo)
    try:
        create_functions(kumo)
        results = {name: {} for name in FUNCTIONS}

        # Cold starts first (the pool is small: one environment per function),
        # interleaved with the bare interpreter so drift hits both alike.
        for name in FUNCTIONS:
            time_spawn(bare[name])  # page cache warm for both
        for i in range(args.cold):
            for name in FUNCTIONS:
                cold, init, duration = time_cold_invoke(kumo, name, i)
                results[name].setdefault("cold", []).append(cold)
                results[name].setdefault("init", []).append(init)
                results[name].setdefault("first", []).append(duration)
                to_start, to_exit = time_spawn(bare[name])
                results[name].setdefault("bare", []).append(to_start)
                results[name].setdefault("bare_exit", []).append(to_exit)

        # Warm: 8 environments per function exist after the warm-up.
        floor = wrk(kumo.port, "/_kumo/health", 1, max(3, args.duration // 2), lua=False)
        for name in FUNCTIONS:
            wrk(kumo.port, invoke_path(name), 8, 3)  # starts the 8 environments
            cold_before = kumo.metric("kumo_function_cold_starts_total", name)
            before = runtime_seconds(kumo, name)
            results[name]["c1"] = wrk(kumo.port, invoke_path(name), 1, args.duration)
            after = runtime_seconds(kumo, name)
            results[name]["in_runtime_ms"] = (after[1] - before[1]) / (after[0] - before[0]) * 1000
            perf = None
            if args.perf and name == "bench-python":
                perf = subprocess.Popen(["perf", "record", "-a", "-g", "-q", "-o", args.perf, "--",
                                         "sleep", str(args.duration)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results[name]["c8"] = wrk(kumo.port, invoke_path(name), 8, args.duration)
            if perf:
                perf.wait()
            results[name]["cold_in_warm"] = (
                kumo.metric("kumo_function_cold_starts_total", name) - cold_before)
        warm_bad = sum(results[n][k][3] for n in FUNCTIONS for k in ("c1", "c8"))
    finally:
        kumo.stop()
    load_after = os.getloadavg()

    node, py = results["bench-node"], results["bench-python"]
    med = statistics.median

    def row(label, a, b, fmt, target="", verdict=""):
        print(f"{label:34}{format(a, fmt):>12}{format(b, fmt):>12}   {target:30}{verdict}")

    def verdict(ok):
        return "met" if ok else "MISSED"

    cold_gap = {n: med(r["cold"]) - med(r["bare"]) for n, r in results.items()}
    print(f"\nkumo {args.kumo}; node {NODE}; python {python}")
    print(f"wrk {args.duration}s per figure, 1 thread; {args.cold} cold starts per runtime\n")
    print(f"{'':34}{'Node 20':>12}{'Python':>12}   {'target':30}")
    row("warm p50, 1 client (ms)", node["c1"][1], py["c1"][1], ".3f", "<= 1 ms (both)",
        verdict(node["c1"][1] <= 1 and py["c1"][1] <= 1))
    row("warm p99, 1 client (ms)", node["c1"][2], py["c1"][2], ".3f")
    row("warm invokes/s, 1 client", node["c1"][0], py["c1"][0], ".0f")
    row("warm invokes/s, 8 clients", node["c8"][0], py["c8"][0], ".0f", ">= 3,000/s (Python)",
        verdict(py["c8"][0] >= 3000))
    row("warm p50, 8 clients (ms)", node["c8"][1], py["c8"][1], ".3f")
    row("warm p99, 8 clients (ms)", node["c8"][2], py["c8"][2], ".3f")
    row("cold starts during warm figures", node["cold_in_warm"], py["cold_in_warm"], ".0f",
        "0: all were warm")
    row("cold start p50 (ms)", med(node["cold"]), med(py["cold"]), ".1f")
    row("cold start min (ms)", min(node["cold"]), min(py["cold"]), ".1f")
    row("cold start max (ms)", max(node["cold"]), max(py["cold"]), ".1f")
    row("bare interpreter start p50 (ms)", med(node["bare"]), med(py["bare"]), ".1f",
        "spawn -> first byte written")
    row("bare interpreter start min (ms)", min(node["bare"]), min(py["bare"]), ".1f")
    row("bare spawn -> exit p50 (ms)", med(node["bare_exit"]), med(py["bare_exit"]), ".1f",
        "node -e 0 / python3 -c 0 style")
    row("cold p50 - bare start p50 (ms)", cold_gap["bench-node"], cold_gap["bench-python"], ".1f",
        "<= 20 ms (both)", verdict(max(cold_gap.values()) <= 20))
    print("\nwhere a cold start's time goes (p50s; Init and Duration from the REPORT line):")
    row("  Init Duration: launch -> GET /next", med(node["init"]), med(py["init"]), ".1f")
    row("  Init Duration - bare interpreter", med(node["init"]) - med(node["bare"]),
        med(py["init"]) - med(py["bare"]), ".1f", "sandbox + runtime client start")
    row("  Duration of the first invoke", med(node["first"]), med(py["first"]), ".1f")
    row("  rest: edge + engine (ms)",
        med([c - i - d for c, i, d in zip(node["cold"], node["init"], node["first"])]),
        med([c - i - d for c, i, d in zip(py["cold"], py["init"], py["first"])]), ".1f")
    print("\nwhere a warm invoke's time goes (1 client, means):")
    row("  end to end (1 / invokes/s) (ms)", 1000 / node["c1"][0], 1000 / py["c1"][0], ".3f")
    row("  event handed to runtime -> answer", node["in_runtime_ms"], py["in_runtime_ms"], ".3f",
        "runtime client + handler + Runtime API")
    row("  rest: edge + engine + wrk (ms)", 1000 / node["c1"][0] - node["in_runtime_ms"],
        1000 / py["c1"][0] - py["in_runtime_ms"], ".3f")
    print(f"  edge floor, GET /_kumo/health at 1 client: p50 {floor[1]:.3f} ms, "
          f"p99 {floor[2]:.3f} ms, mean {1000 / floor[0]:.3f} ms")
    print("load average (1/5/15 min): before " + " ".join(f"{x:.2f}" for x in load_before) +
          ", after " + " ".join(f"{x:.2f}" for x in load_after) + f"; {os.cpu_count()} cores")
    if args.perf:
        print_perf_split(args.perf)
    if warm_bad:
        print(f"FAILED: {warm_bad} warm invokes answered an error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cold-start cost of Kumo's runtime clients, next to the bare interpreters.

    python3 runtimes/bench/startup.py [--runs 30] [--python /usr/bin/python3]

For each client it spawns the process with a trivial handler and measures, on
a minimal Runtime API endpoint (one blocking socket, no framework), the time
from spawn to the first GET /invocation/next (what Lambda reports as init)
and to the response POST of the first invocation. The baselines are the wall
times of `node -e 0` and `python3 -c 0` (spawn to exit) in the same run,
with the same minimal environment as the clients. CPU time (user + system of
the child, until it exits or is killed after its first response) is printed
too: on a busy machine it is steadier than wall time.
Prints medians and minima in milliseconds.
"""


def cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_CLIENT = os.path.join(HERE, "..", "node", "index.js")
PYTHON_CLIENT = os.path.join(HERE, "..", "python", "bootstrap.py")
EVENT = b'{"hello": "world"}'


def read_request(conn, buf):
    """Reads one request (headers + Content-Length body); returns leftover."""
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            raise ConnectionError("client closed")
        buf += data
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += conn.recv(65536)
    return rest[length:]


def time_client(argv, env):
    """Returns (ms to first GET /next, ms to first response POST, CPU ms)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(30)
    env = dict(env, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % server.getsockname()[1])
    cpu = cpu_ms()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        conn, _ = server.accept()
        conn.settimeout(30)
        buf = read_request(conn, b"")
        first_get = time.perf_counter()
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"
            b"Lambda-Runtime-Deadline-Ms: %d\r\n"
            b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:0:function:f\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (time.time() * 1000 + 60000, len(EVENT), EVENT)
        )
        read_request(conn, buf)
        response = time.perf_counter()
        conn.close()
    finally:
        proc.kill()
        proc.wait()
        server.close()
    return (first_get - start) * 1000, (response - start) * 1000, cpu_ms() - cpu


def time_exit(argv, env):
    """Returns (wall ms from spawn to exit, CPU ms)."""
    cpu = cpu_ms()
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True)
    return (time.perf_counter() - start) * 1000, cpu_ms() - cpu


def summary(name, samples):
    return f"{name:44s} median {statistics.median(samples):7.1f} ms   min {min(samples):7.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    default_python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    parser.add_argument("--python", default=default_python)
    parser.add_argument("--node", default=shutil.which("node") or "node")
    args = parser.parse_args()

    task = tempfile.mkdtemp(prefix="kumo-bench-")
    with open(os.path.join(task, "index.js"), "w") as f:
        f.write("exports.handler = async (event) => event;\n")
    with open(os.path.join(task, "app.py"), "w") as f:
        f.write("def handler(event, context):\n    return event\n")
    base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LAMBDA_TASK_ROOT": task,
                "AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST"}
    node_env = dict(base_env, _HANDLER="index.handler")
    py_env = dict(base_env, _HANDLER="app.handler")

    rows = {}

    def add(name, value):
        rows.setdefault(name, []).append(value)

    runs = [
        ("node -e 0", [args.node, "-e", "0"], None),
        ("node client", [args.node, NODE_CLIENT], node_env),
        ("python3 -c 0", [args.python, "-c", "0"], None),
        ("python3 client", [args.python, PYTHON_CLIENT], py_env),
        ("python3 -S -c 0", [args.python, "-S", "-c", "0"], None),
        ("python3 -S client", [args.python, "-S", PYTHON_CLIENT], py_env),
    ]
    for _ in range(args.runs):  # interleaved so machine noise hits all rows alike
        for name, argv, env in runs:
            if env is None:
                wall, cpu = time_exit(argv, base_env)
                add(f"{name}: exit", wall)
            else:
                get, resp, cpu = time_client(argv, env)
                add(f"{name}: first GET /next", get)
                add(f"{name}: first response", resp)
            add(f"{name}: CPU", cpu)
    shutil.rmtree(task, True)
    print(f"{args.runs} runs; node {args.node}, python {args.python}")
    for name, samples in rows.items():
        print(summary(name, samples))


if __name__ == "__main__":
    main()

"""Shared fixture for the runtime client tests: a fake Runtime API, a task
root written from a dict of files, and the client running as a subprocess."""

import os
import re
import shutil
import sys
import tempfile
import textwrap
import time
import unittest

from fake_runtime_api import FakeRuntimeApi, RuntimeProcess, lambda_env

RUNTIMES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_CLIENT = os.path.join(RUNTIMES, "node", "index.js")
PYTHON_CLIENT = os.path.join(RUNTIMES, "python", "bootstrap.py")
NODE = shutil.which("node")

# 2024-01-01T00:00:00.000Z
ISO_MILLIS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


class RuntimeCase(unittest.TestCase):
    """Subclasses set `argv` (the client command) and write handlers with
    start(handler, files)."""

    argv = None

    def setUp(self):
        self.task_root = tempfile.mkdtemp(prefix="kumo-task-")
        self.addCleanup(shutil.rmtree, self.task_root, True)

    def write_files(self, files, root=None):
        root = root or self.task_root
        for name, text in files.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text).lstrip("\n"))
        return root

    def start(self, handler, files, chunked_events=False, drop_after_post=False, **env):
        """Starts the client for `handler`; returns (api, process)."""
        self.write_files(files)
        api = FakeRuntimeApi(chunked_events=chunked_events, drop_after_post=drop_after_post)
        self.addCleanup(api.close)
        proc = RuntimeProcess(self.argv, lambda_env(api, handler, self.task_root, **env))
        self.addCleanup(proc.stop)
        return api, proc

    def invoke(self, api, event=None, **kwargs):
        """Queues an invocation and returns what the client posted for it."""
        request_id = api.enqueue(event, **kwargs)
        return api.wait_result(request_id)

    def invoke_for_context(self, api, **kwargs):
        """Invokes with a deadline 10 s away; returns (request id, the JSON
        answer without its "remaining" field, which must be in (2000, 10000])."""
        request_id = api.enqueue({}, deadline_ms=int(time.time() * 1000) + 10000, **kwargs)
        got = api.wait_result(request_id).json()
        remaining = got.pop("remaining")
        self.assertGreater(remaining, 2000)
        self.assertLessEqual(remaining, 10000)
        return request_id, got

    def assert_init_error(self, proc, api, error_type, exit_code):
        posted = api.wait_init_error()
        self.assertEqual(posted.kind, "init_error")
        self.assertEqual(posted.error_type_header, error_type)
        body = posted.json()
        self.assertEqual(body["errorType"], error_type)
        self.assertEqual(proc.wait_exit(), exit_code)
        self.assertEqual(api.next_calls, [], "no GET /next after a failed init")
        return body

    def assert_log_line(self, stdout, pattern):
        if not re.search(pattern, stdout, re.M):
            self.fail(f"no log line matches {pattern!r} in:\n{stdout}")


def python_argv():
    return [sys.executable, PYTHON_CLIENT]


class CommonRuntimeTests:
    """Tests both clients must pass. The RuntimeCase subclass sets `echo`, a
    (handler, files) pair whose handler answers {"pid", "count", "event"}
    (count: invocations served by the process), and `upper`, one that
    answers {"got": len(event["data"]), "data": event["data"] upper-cased}."""

    echo = None
    upper = None

    def test_one_process_serves_many_invocations_on_one_connection(self):
        api, proc = self.start(*self.echo)
        for n in range(1, 4):
            posted = self.invoke(api, {"n": n})
            self.assertEqual(posted.kind, "response")
            self.assertEqual(posted.headers["content-type"], "application/json")
            self.assertEqual(posted.json(), {"pid": proc.pid, "count": n, "event": {"n": n}})
        self.assertGreaterEqual(len(api.next_calls), 3)
        self.assertEqual(len(set(api.next_calls)), 1, "GET /next reuses one connection")
        self.assertEqual({p.client_port for p in api.posted()}, set(api.next_calls))
        self.assertIsNone(proc.proc.poll())

    def test_reconnects_when_the_server_drops_kept_alive_connections(self):
        api, proc = self.start(*self.echo, drop_after_post=True)
        for n in range(1, 4):
            self.assertEqual(self.invoke(api, {"n": n}).json()["count"], n)
        self.assertEqual(len(set(api.next_calls)), len(api.next_calls), "a new connection each time")
        self.assertIsNone(proc.proc.poll())

    def test_large_payloads_both_ways(self):
        api, _ = self.start(*self.upper)
        data = "abcdefghij" * 500_000  # 5 MB
        got = self.invoke(api, {"data": data}).json()
        self.assertEqual(got["got"], len(data))
        self.assertEqual(got["data"], data.upper())

    def test_chunked_event_bodies(self):
        api, proc = self.start(*self.echo, chunked_events=True)
        event = {"text": "\u00e9" * 100_000, "n": 1}
        self.assertEqual(self.invoke(api, event).json(), {"pid": proc.pid, "count": 1, "event": event})
        self.assertEqual(self.invoke(api, {"n": 2}).json()["count"], 2)

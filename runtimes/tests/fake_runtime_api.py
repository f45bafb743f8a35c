"""A fake Lambda Runtime API (2018-06-01) for testing the runtime clients.

FakeRuntimeApi serves one execution environment on 127.0.0.1 (port 0) from a
thread: the test queues invocations with enqueue(), the client long-polls
GET /invocation/next, and what the client posts back is recorded for
wait_result() / wait_init_error(). Request bodies may use Content-Length or
chunked transfer coding (with trailers); event bodies are sent with
Content-Length, or chunked when the server is built with chunked_events=True.
With drop_after_post=True the server closes each connection after answering
a POST, without warning, as a server dropping idle keep-alive connections.

RuntimeProcess runs a client as a subprocess and collects its output.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = "/2018-06-01/runtime"


class Posted:
    """One POST the client made: kind is 'response', 'error' or 'init_error'."""

    def __init__(self, kind, request_id, headers, body, chunked, trailers, client_port):
        self.kind = kind
        self.request_id = request_id
        self.headers = headers  # lower-case names
        self.body = body
        self.chunked = chunked
        self.trailers = trailers  # lower-case names
        self.client_port = client_port
        self.received_at = time.time()

    def json(self):
        return json.loads(self.body)

    @property
    def error_type_header(self):
        return self.headers.get("lambda-runtime-function-error-type")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api = None  # set per server subclass

    def log_message(self, *args):
        pass

    def _reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _read_body(self):
        """Returns (body, chunked, trailers)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts, trailers = [], {}
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip(), 16)
                if size == 0:
                    break
                parts.append(self.rfile.read(size))
                self.rfile.read(2)
            while True:
                line = self.rfile.readline().strip()
                if not line:
                    break
                name, _, value = line.decode("latin-1").partition(":")
                trailers[name.strip().lower()] = value.strip()
            return b"".join(parts), True, trailers
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length), False, {}

    def do_GET(self):
        if self.path != f"{API}/invocation/next":
            self._reply(404, b'{"errorType":"NotFound"}')
            return
        self.api.next_calls.append(self.client_address[1])
        item = self.api.take_event()
        if item is None:  # shutting down
            self.close_connection = True
            self._reply(503, b"")
            return
        headers, body = item
        if not self.api.chunked_events:
            self._reply(200, body, headers)
            return
        self.send_response(200)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        step = 7919
        for start in range(0, len(body), step):
            piece = body[start : start + step]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def do_POST(self):
        body, chunked, trailers = self._read_body()
        port = self.client_address[1]
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.path == f"{API}/init/error":
            posted = Posted("init_error", None, headers, body, chunked, trailers, port)
        else:
            prefix = f"{API}/invocation/"
            rest = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
            request_id, _, kind = rest.partition("/")
            if kind not in ("response", "error") or not request_id:
                self._reply(404, b'{"errorType":"NotFound"}')
                return
            posted = Posted(kind, request_id, headers, body, chunked, trailers, port)
        self.api.record(posted)
        self._reply(202, b'{"status":"OK"}', (("Content-Type", "application/json"),))
        if self.api.drop_after_post:
            self.close_connection = True  # silently, without "Connection: close"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that exits (as after an init error) drops its connection.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeRuntimeApi:
    def __init__(self, chunked_events=False, drop_after_post=False):
        self.chunked_events = chunked_events
        self.drop_after_post = drop_after_post
        self.next_calls = []  # client port of every GET /next
        self._events = queue.Queue()
        self._posted = []
        self._cond = threading.Condition()
        self._closing = False
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self):
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def enqueue(self, event=None, *, raw_body=None, request_id=None, deadline_ms=None,
                trace_id=None, client_context=None, identity=None, arn=None,
                content_type="application/json"):
        """Queues one invocation; returns its request id."""
        request_id = request_id or str(uuid.uuid4())
        if deadline_ms is None:
            deadline_ms = int(time.time() * 1000) + 30000
        headers = [
            ("Content-Type", content_type),
            ("Lambda-Runtime-Aws-Request-Id", request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
            ("Lambda-Runtime-Invoked-Function-Arn",
             arn or "arn:aws:lambda:us-east-1:000000000000:function:fn"),
        ]
        if trace_id is not None:
            headers.append(("Lambda-Runtime-Trace-Id", trace_id))
        if client_context is not None:
            headers.append(("Lambda-Runtime-Client-Context", json.dumps(client_context)))
        if identity is not None:
            headers.append(("Lambda-Runtime-Cognito-Identity", json.dumps(identity)))
        body = raw_body if raw_body is not None else json.dumps(event).encode()
        self._events.put((headers, body))
        return request_id

    def take_event(self):
        while not self._closing:
            try:
                return self._events.get(timeout=0.1)
            except queue.Empty:
                continue
        return None

    def record(self, posted):
        with self._cond:
            self._posted.append(posted)
            self._cond.notify_all()

    def _wait(self, match, timeout):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for posted in self._posted:
                    if match(posted):
                        return posted
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the runtime client posted nothing matching in time")
                self._cond.wait(left)

    def wait_result(self, request_id, timeout=20):
        return self._wait(lambda p: p.request_id == request_id, timeout)

    def wait_init_error(self, timeout=20):
        return self._wait(lambda p: p.kind == "init_error", timeout)

    def posted(self):
        with self._cond:
            return list(self._posted)

    def close(self):
        self._closing = True
        self._server.shutdown()
        self._server.server_close()


class RuntimeProcess:
    """A runtime client subprocess; stdout and stderr are collected as bytes."""

    def __init__(self, argv, env, cwd=None):
        self.proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.pid = self.proc.pid
        self._out = bytearray()
        self._err = bytearray()
        self._readers = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _pump(stream, sink):
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink.extend(chunk)

    def wait_exit(self, timeout=20):
        code = self.proc.wait(timeout)
        for reader in self._readers:
            reader.join(5)
        return code

    def stdout(self):
        return self._out.decode("utf-8", "replace")

    def stderr(self):
        return self._err.decode("utf-8", "replace")

    def wait_stdout(self, text, timeout=20):
        """Waits until `text` appears on stdout; returns all stdout."""
        deadline = time.monotonic() + timeout
        while text not in self.stdout():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{text!r} not printed; stdout: {self.stdout()!r}")
            time.sleep(0.01)
        return self.stdout()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for reader in self._readers:
            reader.join(5)
        self.proc.stdout.close()
        self.proc.stderr.close()


def lambda_env(api, handler, task_root, **extra):
    """The environment Kumo gives an execution environment."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_LAMBDA_RUNTIME_API": api.address,
        "_HANDLER": handler,
        "LAMBDA_TASK_ROOT": task_root,
        "AWS_LAMBDA_FUNCTION_NAME": "fn",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]0123456789abcdef",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
    }
    env.update(extra)
    return env

"""Starts a real `kumo server` for a test and gives it real AWS clients.

Each KumoServer runs the built binary on a free port (port 0, read back from
its ready line) with a fresh temporary data directory, and stops it at the end.
Clients: boto3 (botocore), and the AWS CLI through `aws_cli()`.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import boto3
from botocore.config import Config

KUMO_BIN = os.environ.get(
    "KUMO_BIN",
    os.path.join(os.path.dirname(__file__), "..", "..", "build", "kumo"))
READY = re.compile(r"ready on http://([\d.]+):(\d+)")
CLIENT_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class KumoServer:
    """A running `kumo server`. Use as a context manager or call start/stop."""

    def __init__(self, *args, data_dir=None, in_memory=False):
        self.args = list(args)
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="kumo-test-")
        self.in_memory = in_memory
        self.proc = None
        self.port = None
        self.output = []

    def start(self, timeout=15):
        cmd = [KUMO_BIN, "server", "--port", "0", "--data-dir", self.data_dir,
               "--log-level", "warn"] + self.args
        if self.in_memory:
            cmd.append("--in-memory")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = READY.search(line)
            if m:
                self.port = int(m.group(2))
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.proc.kill()
        raise RuntimeError("kumo server did not become ready:\n" + "".join(self.output))

    def _drain(self):
        stream = self.proc.stdout
        for line in stream:
            self.output.append(line)
        stream.close()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Stops the server with `sig`; returns its exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code

    def cleanup(self):
        if self.proc is not None:
            self.stop(signal.SIGKILL)
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def client(self, service, access_key="test", secret_key="test", **config):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 1}, **config))

    def aws_cli(self, *args, check=True, env=None):
        """Runs the AWS CLI against this server; returns (exit code, stdout, stderr)."""
        full_env = dict(os.environ, **CLIENT_ENV)
        full_env.update(env or {})
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json", *args],
                           capture_output=True, text=True, env=full_env, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed ({p.returncode}): {p.stderr}")
        return p.returncode, p.stdout, p.stderr

    def http(self, method, path, body=None, headers=None, host=None):
        """A plain HTTP request; returns (status, headers dict, body bytes)."""
        req = urllib.request.Request(self.endpoint + path, data=body, method=method,
                                     headers=headers or {})
        if host:
            req.add_header("Host", host)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def get_json(self, path):
        status, _, body = self.http("GET", path)
        return status, json.loads(body)


class KumoTestCase(unittest.TestCase):
    """One server for the whole class (in memory unless the class says otherwise)."""

    server_args = ()
    in_memory = True

    @classmethod
    def setUpClass(cls):
        cls.kumo = KumoServer(*cls.server_args, in_memory=cls.in_memory).start()

    @classmethod
    def tearDownClass(cls):
        cls.kumo.cleanup()

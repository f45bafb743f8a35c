"""The fake Runtime API itself: both request body framings, 404s, init errors."""

import http.client
import json
import unittest

from fake_runtime_api import API, FakeRuntimeApi


class FakeRuntimeApiTest(unittest.TestCase):
    def setUp(self):
        self.api = FakeRuntimeApi()
        self.addCleanup(self.api.close)
        host, port = self.api.address.split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=10)
        self.addCleanup(self.conn.close)

    def next_invocation(self):
        self.conn.request("GET", f"{API}/invocation/next")
        res = self.conn.getresponse()
        return res.status, res.getheader("Lambda-Runtime-Aws-Request-Id"), res.read()

    def test_content_length_and_chunked_posts_on_one_connection(self):
        first = self.api.enqueue({"a": 1})
        second = self.api.enqueue({"b": 2})
        status, request_id, body = self.next_invocation()
        self.assertEqual((status, request_id, json.loads(body)), (200, first, {"a": 1}))
        self.conn.request("POST", f"{API}/invocation/{first}/response", b'{"ok": 1}')
        self.assertEqual(self.conn.getresponse().read(), b'{"status":"OK"}')

        status, request_id, _ = self.next_invocation()
        self.assertEqual(request_id, second)
        self.conn.request("POST", f"{API}/invocation/{second}/error",
                          iter([b'{"errorType": ', b'"X"}']), encode_chunked=True,
                          headers={"Lambda-Runtime-Function-Error-Type": "X"})
        res = self.conn.getresponse()
        self.assertEqual((res.status, res.read()), (202, b'{"status":"OK"}'))

        plain = self.api.wait_result(first, timeout=5)
        self.assertEqual((plain.kind, plain.chunked, plain.json()), ("response", False, {"ok": 1}))
        chunked = self.api.wait_result(second, timeout=5)
        self.assertEqual((chunked.kind, chunked.chunked, chunked.json()), ("error", True, {"errorType": "X"}))
        self.assertEqual(chunked.error_type_header, "X")
        self.assertEqual(len(set(self.api.next_calls)), 1)

    def test_chunked_event_bodies(self):
        api = FakeRuntimeApi(chunked_events=True)
        self.addCleanup(api.close)
        host, port = api.address.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        self.addCleanup(conn.close)
        api.enqueue({"text": "x" * 20000})
        conn.request("GET", f"{API}/invocation/next")
        res = conn.getresponse()
        self.assertEqual(res.getheader("Transfer-Encoding"), "chunked")
        self.assertEqual(json.loads(res.read()), {"text": "x" * 20000})

    def test_init_error_and_unknown_paths(self):
        self.conn.request("POST", f"{API}/init/error", b'{"errorType": "Runtime.X"}')
        self.assertEqual(self.conn.getresponse().read(), b'{"status":"OK"}')
        self.assertEqual(self.api.wait_init_error(timeout=5).json(), {"errorType": "Runtime.X"})
        for method, path in (("POST", f"{API}/invocation/abc/other"), ("GET", f"{API}/nope")):
            self.conn.request(method, path, b"{}" if method == "POST" else None)
            res = self.conn.getresponse()
            self.assertEqual((res.status, res.read()), (404, b'{"errorType":"NotFound"}'))


if __name__ == "__main__":
    unittest.main()

"""lambda_runtime's HTTP/1.1 client: requests written and answers parsed at
any segmentation (a fake socket hands out `step` bytes per read)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
import lambda_runtime  # noqa: E402

sys.path.pop(0)


class FakeSocket:
    def __init__(self, answer, step):
        self.answer = answer
        self.step = step
        self.sent = b""
        self.closed = False

    def sendall(self, data):
        self.sent += bytes(data)

    def recv(self, size):
        chunk = self.answer[: min(size, self.step)]
        self.answer = self.answer[len(chunk):]
        return chunk

    def recv_into(self, view):
        chunk = self.recv(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)

    def close(self):
        self.closed = True


ANSWERS = [
    (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello",
     200, "hello", False),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nTrailer: v\r\n\r\n",
     200, "abc0123456789abcdef", False),
    (b"HTTP/1.1 204 No Content\r\n\r\n", 204, "", False),
    (b"HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", 202, "{}", True),
    (b"HTTP/1.1 500 Oops\r\n\r\nuntil the connection closes", 500, "until the connection closes",
     True),
]


class HttpClientTest(unittest.TestCase):
    def test_answers_at_any_segmentation(self):
        for answer, status, body, closes in ANSWERS:
            for step in (1, 2, 7, len(answer)):
                with self.subTest(answer=answer, step=step):
                    client = lambda_runtime.RuntimeApiClient("127.0.0.1:9001")
                    sock = client.sock = FakeSocket(answer, step)
                    got = client.request("POST", "/p", b"{}", (("X-B", "2"),))
                    self.assertEqual((got[0], got[2].decode()), (status, body))
                    self.assertEqual(sock.closed, closes)
                    self.assertEqual(client.sock is None, closes)

    def test_request_bytes(self):
        client = lambda_runtime.RuntimeApiClient("[::1]:9001")
        self.assertEqual((client.host, client.port), ("::1", 9001))
        sock = client.sock = FakeSocket(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" * 2, 64)
        client.request("GET", "/2018-06-01/runtime/invocation/next")
        client.request("POST", "/r", b"\x00" * 70000, (("Content-Type", "application/json"),))
        self.assertEqual(
            sock.sent,
            b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: [::1]:9001\r\n\r\n"
            b"POST /r HTTP/1.1\r\nHost: [::1]:9001\r\nContent-Type: application/json\r\n"
            b"Content-Length: 70000\r\n\r\n" + b"\x00" * 70000,
        )


if __name__ == "__main__":
    unittest.main()

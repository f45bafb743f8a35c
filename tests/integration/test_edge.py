"""The edge: STS through real clients, health, metrics, protocol errors,
HTTP behaviours (keep-alive, 100-continue, chunked, body limit) and shutdown."""
import http.client
import json
import signal
import socket
import time
import unittest

import botocore.exceptions

from kumo_harness import KumoServer, KumoTestCase


class StsTest(KumoTestCase):
    def test_aws_cli_get_caller_identity(self):
        _, out, _ = self.kumo.aws_cli("sts", "get-caller-identity")
        identity = json.loads(out)
        self.assertEqual(identity["Account"], "000000000000")
        self.assertEqual(identity["Arn"], "arn:aws:iam::000000000000:root")

    def test_boto3_get_caller_identity(self):
        identity = self.kumo.client("sts").get_caller_identity()
        self.assertEqual(identity["Account"], "000000000000")
        self.assertEqual(identity["UserId"], "test")
        self.assertTrue(identity["ResponseMetadata"]["RequestId"])

    def test_unknown_action_gets_query_error(self):
        status, _, body = self.kumo.http(
            "POST", "/", body=b"Action=NoSuchThing&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        self.assertIn(b"<Type>Sender</Type>", body)


class InternalEndpointsTest(KumoTestCase):
    def test_health_reports_version_uptime_and_services(self):
        status, health = self.kumo.get_json("/_kumo/health")
        self.assertEqual(status, 200)
        self.assertEqual(health["version"], "0.1.0")
        self.assertIn("sts", health["services"])
        self.assertGreaterEqual(health["uptime_seconds"], 0)

    def test_metrics_count_requests_and_errors(self):
        self.kumo.client("sts").get_caller_identity()
        self.kumo.http("POST", "/", body=b"Action=Nope&Version=2011-06-15",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        status, headers, body = self.kumo.http("GET", "/_kumo/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertIn('kumo_requests_total{service="sts",operation="GetCallerIdentity"}', text)
        self.assertIn('kumo_request_duration_seconds_bucket{service="sts",operation="GetCallerIdentity",le="+Inf"}', text)
        self.assertIn('kumo_errors_total{service="sts",operation="Nope",code="InvalidAction"} 1', text)


class UnknownRoutesTest(KumoTestCase):
    def test_unknown_json_target_gets_json_error(self):
        status, headers, body = self.kumo.http(
            "POST", "/", body=b"{}",
            headers={"X-Amz-Target": "NoSuchService_20200101.DoIt",
                     "Content-Type": "application/x-amz-json-1.0"})
        self.assertEqual(status, 400)
        err = json.loads(body)
        self.assertEqual(err["__type"], "UnknownOperationException")
        self.assertIn("NoSuchService_20200101.DoIt", err["message"])

    def test_unknown_rest_path_gets_rest_json_error(self):
        status, headers, body = self.kumo.http("GET", "/no/such/thing")
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "UnknownOperationException")
        self.assertTrue(json.loads(body)["message"])

    def test_every_response_carries_a_request_id(self):
        _, headers, _ = self.kumo.http("GET", "/no/such/thing")
        self.assertRegex(headers.get("x-amzn-RequestId", ""), r"^[0-9a-f-]{36}$")


class HttpBehaviourTest(KumoTestCase):
    def test_keep_alive_serves_many_requests_on_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.kumo.port, timeout=10)
        for _ in range(20):
            conn.request("GET", "/_kumo/health")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            r.read()
        conn.close()

    def _raw(self, data, read_until=b"\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", self.kumo.port), timeout=10)
        s.sendall(data)
        return s

    def test_expect_100_continue(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        s = self._raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        first = s.recv(1024)
        self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue"), first)
        s.sendall(body)
        reply = b""
        while b"</GetCallerIdentityResponse>" not in reply:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        self.assertIn(b"HTTP/1.1 200", reply)
        s.close()

    def test_chunked_request_body(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7])
                          for i in range(0, len(body), 7)) + b"0\r\n\r\n"
        s = self._raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks)
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        self.assertIn(b"HTTP/1.1 200", reply)
        self.assertIn(b"<Account>000000000000</Account>", reply)

    def test_malformed_request_gets_400_and_server_keeps_serving(self):
        s = self._raw(b"THIS IS NOT HTTP\r\n\r\n")
        reply = s.recv(65536)
        self.assertIn(b"400", reply.split(b"\r\n")[0])
        s.close()
        status, _ = self.kumo.get_json("/_kumo/health")
        self.assertEqual(status, 200)


class BodyLimitTest(unittest.TestCase):
    def test_body_over_limit_gets_413(self):
        with KumoServer("--max-body-mb", "1", in_memory=True) as kumo:
            s = socket.create_connection(("127.0.0.1", kumo.port), timeout=10)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + b"a" * 65536)
            reply = s.recv(65536)
            self.assertIn(b" 413 ", reply.split(b"\r\n")[0])
            s.close()


class TimeoutTest(unittest.TestCase):
    def _wait_closed(self, sock, bound):
        sock.settimeout(bound)
        try:
            return sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def test_idle_connection_is_closed(self):
        with KumoServer("--idle-timeout", "1", in_memory=True) as kumo:
            s = socket.create_connection(("127.0.0.1", kumo.port), timeout=10)
            start = time.monotonic()
            self.assertTrue(self._wait_closed(s, 10), "idle connection was not closed")
            self.assertGreaterEqual(time.monotonic() - start, 0.9)
            s.close()

    def test_slow_request_is_cut_off(self):
        with KumoServer("--request-timeout", "1", "--idle-timeout", "30", in_memory=True) as kumo:
            s = socket.create_connection(("127.0.0.1", kumo.port), timeout=10)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
            self.assertTrue(self._wait_closed(s, 10), "a slow request held its connection")
            s.close()
            self.assertEqual(kumo.get_json("/_kumo/health")[0], 200)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_exits_zero(self):
        kumo = KumoServer(in_memory=True).start()
        try:
            self.assertEqual(kumo.client("sts").get_caller_identity()["Account"], "000000000000")
            self.assertEqual(kumo.stop(signal.SIGTERM), 0)
        finally:
            kumo.cleanup()

    def test_sigint_exits_zero_and_ready_is_fast(self):
        start = time.monotonic()
        kumo = KumoServer().start()
        ready = time.monotonic() - start
        try:
            # A generous bound that still catches a server that blocks at start-up.
            self.assertLess(ready, 5.0)
            self.assertEqual(kumo.stop(signal.SIGINT), 0)
        finally:
            kumo.cleanup()

    def test_sigterm_under_load_always_exits_zero(self):
        # Guards the shutdown order: a stop while requests are in flight once
        # crashed in io_context teardown in about one run of ten.
        import threading
        for _ in range(12):
            kumo = KumoServer(in_memory=True).start()
            sts = kumo.client("sts")

            def hammer():
                try:
                    for _ in range(30):
                        sts.get_caller_identity()
                except Exception:  # the server going away mid-loop is expected
                    pass
            threads = [threading.Thread(target=hammer) for _ in range(4)]
            for t in threads:
                t.start()
            try:
                self.assertEqual(kumo.stop(signal.SIGTERM), 0, "".join(kumo.output))
            finally:
                for t in threads:
                    t.join()
                kumo.cleanup()

    def test_second_server_on_same_data_dir_refuses_clearly(self):
        with KumoServer() as first:
            second = KumoServer(data_dir=first.data_dir)
            with self.assertRaises(RuntimeError) as ctx:
                second.start()
            self.assertIn(first.data_dir, str(ctx.exception))


if __name__ == "__main__":
    unittest.main()

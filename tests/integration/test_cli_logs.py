"""`kumo logs NAME [--follow]` prints a function's log group through the
Logs API, also when the server requires SigV4."""
import os
import subprocess
import time
import unittest

from kumo_harness import KUMO_BIN, KumoServer


def now_ms():
    return int(time.time() * 1000)


class KumoLogsCommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kumo = KumoServer("--auth", "sigv4", in_memory=True).start()
        cls.logs = cls.kumo.client("logs")
        cls.logs.create_log_group(logGroupName="/aws/lambda/shop")
        cls.logs.create_log_stream(logGroupName="/aws/lambda/shop", logStreamName="2026/11/21/[$LATEST]abc")
        cls.logs.put_log_events(logGroupName="/aws/lambda/shop", logStreamName="2026/11/21/[$LATEST]abc",
                                logEvents=[{"timestamp": now_ms() - 1000, "message": "START RequestId: r1\n"},
                                           {"timestamp": now_ms() - 500, "message": "hello from shop\n"}])

    @classmethod
    def tearDownClass(cls):
        cls.kumo.cleanup()

    def run_logs(self, *args):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
        return subprocess.run([KUMO_BIN, "logs", *args, "--endpoint", self.kumo.endpoint],
                              capture_output=True, text=True, timeout=30, env=env)

    def test_prints_events_of_the_function_in_order(self):
        p = self.run_logs("shop")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 2, p.stdout)
        self.assertTrue(lines[0].endswith("2026/11/21/[$LATEST]abc START RequestId: r1"), lines[0])
        self.assertTrue(lines[1].endswith("hello from shop"), lines[1])

    def test_filter_pattern(self):
        p = self.run_logs("shop", "--filter", "hello")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 1)

    def test_unknown_function_fails_with_the_aws_error(self):
        p = self.run_logs("nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn("ResourceNotFoundException", p.stderr)

    def test_bad_since_is_refused(self):
        p = self.run_logs("shop", "--since", "yesterday")
        self.assertEqual(p.returncode, 2)

    def test_follow_prints_new_events_as_they_arrive(self):
        self.logs.create_log_group(logGroupName="/aws/lambda/tail")
        self.logs.create_log_stream(logGroupName="/aws/lambda/tail", logStreamName="s")
        self.logs.put_log_events(logGroupName="/aws/lambda/tail", logStreamName="s",
                                 logEvents=[{"timestamp": now_ms() - 900, "message": "one"},
                                            {"timestamp": now_ms() - 800, "message": "hello from tail"}])
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
        proc = subprocess.Popen([KUMO_BIN, "logs", "tail", "--follow", "--endpoint", self.kumo.endpoint],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            seen = [proc.stdout.readline(), proc.stdout.readline()]
            self.assertIn("hello from tail", seen[1])
            self.logs.put_log_events(logGroupName="/aws/lambda/tail", logStreamName="s",
                                     logEvents=[{"timestamp": now_ms(), "message": "a new line"}])
            line = proc.stdout.readline()  # bounded by the test timeout below
            self.assertIn("a new line", line)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()


if __name__ == "__main__":
    unittest.main()

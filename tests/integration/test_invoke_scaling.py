"""Execution environments through boto3: warm reuse, parallel invocations in
parallel environments, reserved concurrency and the account limit (429
TooManyRequestsException), code and configuration updates retiring old
environments, keep-alive reaping, and the function meter at /_kumo/metrics."""
import time
import unittest

from test_invoke_sync import InvokeTestCase, make_zip, parallel, poll, report_of, tail_of


class WarmPoolTest(InvokeTestCase):
    def test_warm_reuse(self):
        self.function("warm")
        answers = [self.invoke_ok("warm", {}, LogType="Tail") for _ in range(3)]
        self.assertEqual(len({a["Body"]["environment"] for a in answers}), 1)
        self.assertEqual([a["Body"]["calls"] for a in answers], [1, 2, 3])
        self.assertIsNotNone(report_of(tail_of(answers[0]))["init"])
        self.assertIsNone(report_of(tail_of(answers[1]))["init"])
        self.assertIsNone(report_of(tail_of(answers[2]))["init"])

    def test_parallel_invocations_run_in_parallel_environments(self):
        self.function("sleepy", runtime="nodejs20.x")
        started = time.monotonic()
        answers = parallel([lambda: self.invoke_ok("sleepy", {"action": "sleep", "seconds": 1})
                            for _ in range(4)])
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, 3.5, "four 1 s sleeps in one environment would take 4 s")
        self.assertEqual(len({a["Body"]["environment"] for a in answers}), 4)
        # Afterwards the four environments are warm: four more run without a cold start.
        again = parallel([lambda: self.invoke_ok("sleepy", {"action": "sleep", "seconds": 0.5},
                                                 LogType="Tail") for _ in range(4)])
        self.assertLessEqual({a["Body"]["environment"] for a in again},
                             {a["Body"]["environment"] for a in answers})
        self.assertTrue(all(report_of(tail_of(a))["init"] is None for a in again))

    def test_code_and_configuration_updates_retire_environments(self):
        self.function("changing", files={"app.py": "import uuid\nENV = uuid.uuid4().hex\n"
                                                   "def handler(e, c):\n    return ['one', ENV]\n"})
        first = self.invoke_ok("changing", {})["Body"]
        self.assertEqual(self.invoke_ok("changing", {})["Body"], first)
        self.lam.update_function_code(FunctionName="changing", ZipFile=make_zip({
            "app.py": "import os, uuid\nENV = uuid.uuid4().hex\n"
                      "def handler(e, c):\n    return [os.environ.get('MODE', 'two'), ENV]\n"}))
        second = self.invoke_ok("changing", {}, LogType="Tail")
        self.assertEqual(second["Body"][0], "two", "the new code runs on the next invoke")
        self.assertNotEqual(second["Body"][1], first[1])
        self.assertIsNotNone(report_of(tail_of(second))["init"])
        self.lam.update_function_configuration(FunctionName="changing",
                                               Environment={"Variables": {"MODE": "three"}})
        third = self.invoke_ok("changing", {})["Body"]
        self.assertEqual(third[0], "three")
        self.assertNotEqual(third[1], second["Body"][1])
        # A published version keeps its own environments across $LATEST changes.
        self.lam.publish_version(FunctionName="changing")
        v1 = self.invoke_ok("changing", {}, Qualifier="1")["Body"]
        self.lam.update_function_configuration(FunctionName="changing",
                                               Environment={"Variables": {"MODE": "four"}})
        self.assertEqual(self.invoke_ok("changing", {})["Body"][0], "four")
        self.assertEqual(self.invoke_ok("changing", {}, Qualifier="1")["Body"], v1)

    def test_an_update_during_an_invocation_retires_that_environment_after_it(self):
        self.function("busy", files={"app.py": "import time\n"
                                               "def handler(e, c):\n"
                                               "    time.sleep(e.get('sleep', 0))\n"
                                               "    return 'old'\n"})

        def update_while_running():
            self.wait_in_flight("busy", 1)
            self.lam.update_function_code(FunctionName="busy", ZipFile=make_zip({
                "app.py": "def handler(e, c):\n    return 'new'\n"}))

        running, _ = parallel([lambda: self.invoke_ok("busy", {"sleep": 1.5}), update_while_running])
        self.assertEqual(running["Body"], "old", "the invocation in flight finishes on its code")
        self.assertEqual(self.invoke_ok("busy", {})["Body"], "new")
        poll(lambda: self.metrics().get(("kumo_function_environments", "busy")) == 1,
             timeout=10, what="the old environment to end")

    def test_deleting_a_function_ends_its_environments(self):
        self.function("doomed")
        parallel([lambda: self.invoke_ok("doomed", {"action": "sleep", "seconds": 0.5})
                  for _ in range(2)])
        self.assertEqual(self.metrics()[("kumo_function_environments", "doomed")], 2)
        self.lam.delete_function(FunctionName="doomed")
        poll(lambda: self.metrics().get(("kumo_function_environments", "doomed")) == 0,
             timeout=10, what="the deleted function's environments to end")
        self.function("doomed", files={"app.py": "def handler(e, c):\n    return 'reborn'\n"})
        self.assertEqual(self.invoke_ok("doomed", {})["Body"], "reborn")


class ReservedConcurrencyTest(InvokeTestCase):
    def test_reserved_concurrency_one_throttles_the_second_invoke(self):
        self.function("single", runtime="nodejs20.x")
        self.lam.put_function_concurrency(FunctionName="single", ReservedConcurrentExecutions=1)

        def attempt():
            try:
                return self.invoke_ok("single", {"action": "sleep", "seconds": 1.5})["StatusCode"]
            except AssertionError:
                raise
            except Exception:  # the 429, checked again below
                return 429

        self.assertEqual(sorted(parallel([attempt, attempt])), [200, 429])
        # Alone, it runs.
        self.assertEqual(self.invoke_ok("single", {})["StatusCode"], 200)
        results = parallel([lambda: self.invoke_ok("single", {"action": "sleep", "seconds": 1.5}),
                            lambda: (self.wait_in_flight("single", 1),
                                     self.throttled("single", {}))[1]])
        self.assertEqual(results[1].get("Reason"),
                         "ReservedFunctionConcurrentInvocationLimitExceeded")

    def test_reserved_concurrency_zero_always_throttles(self):
        self.function("stopped")
        self.lam.put_function_concurrency(FunctionName="stopped", ReservedConcurrentExecutions=0)
        for _ in range(3):
            self.throttled("stopped", {"log": "must not run"})
        self.assertEqual(self.logs.describe_log_groups(
            logGroupNamePrefix="/aws/lambda/stopped")["logGroups"], [])
        self.lam.delete_function_concurrency(FunctionName="stopped")
        self.assertEqual(self.invoke_ok("stopped", {})["Body"]["calls"], 1)


class AccountConcurrencyTest(InvokeTestCase):
    server_args = ("--account-concurrency", "2")

    def test_account_limit_throttles_across_functions(self):
        self.function("acct-a", runtime="nodejs20.x")
        self.function("acct-b", runtime="nodejs20.x")

        def attempt(name):
            try:
                self.invoke_ok(name, {"action": "sleep", "seconds": 1.5})
                return 200
            except AssertionError:
                raise
            except Exception:
                return 429

        results = parallel([lambda: attempt("acct-a"), lambda: attempt("acct-a"),
                            lambda: attempt("acct-b")])
        self.assertEqual(sorted(results), [200, 200, 429])
        results = parallel([lambda: self.invoke_ok("acct-a", {"action": "sleep", "seconds": 1.5}),
                            lambda: self.invoke_ok("acct-b", {"action": "sleep", "seconds": 1.5}),
                            lambda: (self.wait_in_flight("acct-a", 1),
                                     self.wait_in_flight("acct-b", 1),
                                     self.throttled("acct-b", {}))[2]])
        self.assertEqual(results[2].get("Reason"), "ConcurrentInvocationLimitExceeded")
        self.assertEqual(self.invoke_ok("acct-b", {})["StatusCode"], 200)


class KeepAliveTest(InvokeTestCase):
    server_args = ("--function-keep-alive", "1")

    def test_idle_environments_are_reaped(self):
        self.function("reaped")
        first = self.invoke_ok("reaped", {}, LogType="Tail")
        self.assertIsNotNone(report_of(tail_of(first))["init"])
        warm = self.invoke_ok("reaped", {}, LogType="Tail")
        self.assertIsNone(report_of(tail_of(warm))["init"])
        self.assertEqual(warm["Body"]["environment"], first["Body"]["environment"])
        poll(lambda: self.metrics().get(("kumo_function_environments", "reaped")) == 0,
             timeout=10, what="the idle environment to be reaped")
        cold = self.invoke_ok("reaped", {}, LogType="Tail")
        self.assertIsNotNone(report_of(tail_of(cold))["init"], "after reaping: a cold start")
        self.assertNotEqual(cold["Body"]["environment"], first["Body"]["environment"])
        self.assertEqual(cold["Body"]["calls"], 1)


class MetricsTest(InvokeTestCase):
    def test_function_meter(self):
        self.function("metered", MemorySize=256)
        self.function("metered-other")
        parallel([lambda: self.invoke_ok("metered", {"action": "sleep", "seconds": 1})
                  for _ in range(3)])
        self.invoke_ok("metered", {})
        self.invoke_error("metered", {"action": "raise"})
        self.invoke_error("metered", {"action": "exit", "code": 1})
        self.lam.put_function_concurrency(FunctionName="metered", ReservedConcurrentExecutions=0)
        self.throttled("metered", {})
        self.throttled("metered", {})
        self.lam.delete_function_concurrency(FunctionName="metered")
        self.invoke_ok("metered-other", {})

        m = self.metrics()

        def value(series, fn="metered"):
            return m[(f"kumo_function_{series}", fn)]

        self.assertEqual(value("invocations_total"), 6)
        self.assertEqual(value("errors_total"), 2)
        self.assertEqual(value("throttles_total"), 2)
        # Three parallel environments; the exit ended one of them.
        self.assertEqual(value("cold_starts_total"), 3)
        self.assertGreaterEqual(value("duration_seconds_total"), 3)
        self.assertLess(value("duration_seconds_total"), 10)
        # Billed: duration rounded up per invocation, times 0.25 GB.
        billed = value("billed_gb_seconds_total")
        self.assertGreaterEqual(billed, value("duration_seconds_total") * 0.25)
        self.assertLessEqual(billed, (value("duration_seconds_total") + 0.006) * 0.25 + 1e-9)
        self.assertEqual(value("concurrent_executions"), 0)
        self.assertEqual(value("environments"), 2, "the exited environment is gone")
        self.assertEqual(value("invocations_total", "metered-other"), 1)
        self.assertEqual(value("errors_total", "metered-other"), 0)
        self.assertEqual(value("cold_starts_total", "metered-other"), 1)


if __name__ == "__main__":
    unittest.main()

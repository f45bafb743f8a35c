"""Faults inside functions, reported as AWS Lambda reports them (a 200 with
X-Amz-Function-Error: Unhandled and Lambda's payload): timeouts, process
exits and signals, memory above MemorySize, init errors (missing module,
missing handler, syntax error), a provided runtime without bootstrap; the
environment is replaced and the next invocation works; a crashing function
does not disturb another function running at the same time."""
import time
import unittest

from test_invoke_sync import InvokeTestCase, parallel, poll, report_of, tail_of


class TimeoutTest(InvokeTestCase):
    def test_timeout_then_next_invoke_works(self):
        self.function("slow", Timeout=1)
        before = self.invoke_ok("slow", {})["Body"]["environment"]
        started = time.monotonic()
        r = self.invoke_error("slow", {"action": "sleep", "seconds": 30}, LogType="Tail")
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, 5, "the timeout ends the invocation after about 1 s")
        self.assertGreaterEqual(elapsed, 0.9)
        request_id = r["ResponseMetadata"]["RequestId"]
        self.assertEqual(r["Body"], {
            "errorType": "Sandbox.Timedout",
            "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 seconds"})
        tail = tail_of(r)
        self.assertRegex(tail, rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z {request_id} "
                               r"Task timed out after 1\.00 seconds")
        self.assertIn("Status: timeout", tail)
        self.assertGreaterEqual(float(report_of(tail)["duration"]), 1000)

        after = self.invoke_ok("slow", {}, LogType="Tail")
        self.assertNotEqual(after["Body"]["environment"], before, "a timed-out environment is replaced")
        self.assertIsNotNone(report_of(tail_of(after))["init"])


class ExitTest(InvokeTestCase):
    def exits(self, name, event, message, runtime="python3.12"):
        self.function(name, runtime=runtime)
        first = self.invoke_ok(name, {})["Body"]["environment"]
        r = self.invoke_error(name, event, LogType="Tail")
        request_id = r["ResponseMetadata"]["RequestId"]
        self.assertEqual(r["Body"], {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {message}"})
        tail = tail_of(r)
        self.assertIn(f"RequestId: {request_id} Error: Runtime exited with error: {message}", tail)
        self.assertIn("Status: error\tError Type: Runtime.ExitError", tail)
        again = self.invoke_ok(name, {})["Body"]
        self.assertNotEqual(again["environment"], first, "the environment is replaced")
        self.assertEqual(again["calls"], 1)

    def test_node_process_exit(self):
        self.exits("node-exit", {"action": "exit", "code": 1}, "exit status 1", runtime="nodejs20.x")

    def test_python_sys_exit(self):
        self.exits("py-exit", {"action": "exit", "code": 3}, "exit status 3")

    def test_python_segmentation_fault(self):
        self.exits("py-segv", {"action": "signal", "signal": "SIGSEGV"}, "signal: segmentation fault")

    def test_python_exit_zero(self):
        self.function("py-exit0")
        r = self.invoke_error("py-exit0", {"action": "exit", "code": 0})
        self.assertEqual(r["Body"]["errorMessage"],
                         f"RequestId: {r['ResponseMetadata']['RequestId']} Error: Runtime exited "
                         "without providing a reason")

    def test_runtime_exiting_between_invocations(self):
        self.function("late-exit", runtime="nodejs20.x", files={"index.js": (
            "exports.handler = async (e) => {\n"
            "  if (e.exitSoon) setTimeout(() => process.exit(7), 50);\n"
            "  return 'answered';\n};\n")})
        self.assertEqual(self.invoke_ok("late-exit", {"exitSoon": True})["Body"], "answered")
        poll(lambda: self.metrics().get(("kumo_function_environments", "late-exit")) == 0,
             timeout=10, what="the exited environment to be dropped")
        r = self.invoke_ok("late-exit", {}, LogType="Tail")
        self.assertEqual(r["Body"], "answered")
        self.assertIsNotNone(report_of(tail_of(r))["init"], "a new environment")


class MemoryTest(InvokeTestCase):
    def out_of_memory(self, name, runtime):
        self.function(name, runtime=runtime, MemorySize=128)
        first = self.invoke_ok(name, {})["Body"]["environment"]
        self.assertEqual(self.invoke_ok(name, {"action": "alloc", "mb": 16})["Body"], 16 << 20)
        r = self.invoke_error(name, {"action": "alloc", "mb": 300}, LogType="Tail")
        request_id = r["ResponseMetadata"]["RequestId"]
        self.assertEqual(r["Body"], {
            "errorType": "Runtime.OutOfMemory",
            "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"})
        report = report_of(tail_of(r))
        self.assertEqual(report["memory"], "128")
        self.assertGreaterEqual(int(report["used"]), 100, "the peak is near the limit")
        self.assertLessEqual(int(report["used"]), 129)
        self.assertIn("Error Type: Runtime.OutOfMemory", tail_of(r))
        again = self.invoke_ok(name, {})["Body"]
        self.assertNotEqual(again["environment"], first, "the environment is replaced")

    def test_python_above_memory_size(self):
        self.out_of_memory("py-hog", "python3.12")

    def test_node_above_memory_size(self):
        self.out_of_memory("node-hog", "nodejs20.x")


class InitErrorTest(InvokeTestCase):
    def init_error(self, name, runtime, handler, files):
        self.function(name, runtime=runtime, handler=handler, files=files)
        r = self.invoke_error(name, {}, LogType="Tail")
        self.assertIn("Status: error", tail_of(r))
        # Not cached: the next invocation tries again and fails the same way.
        self.assertEqual(self.invoke_error(name, {})["Body"]["errorType"], r["Body"]["errorType"])
        return r["Body"]

    def test_python_import_error(self):
        body = self.init_error("py-import", "python3.12", "app.handler",
                               {"app.py": "import not_a_module\ndef handler(e, c):\n    return 1\n"})
        self.assertEqual(body, {
            "errorMessage": "Unable to import module 'app': No module named 'not_a_module'",
            "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []})
        missing = self.init_error("py-nofile", "python3.12", "nothere.handler",
                                  {"app.py": "def handler(e, c):\n    return 1\n"})
        self.assertEqual(missing["errorMessage"], "Unable to import module 'nothere': No module "
                                                  "named 'nothere'")

    def test_python_handler_not_found(self):
        body = self.init_error("py-nohandler", "python3.12", "app.nope",
                               {"app.py": "def handler(e, c):\n    return 1\n"})
        self.assertEqual(body["errorType"], "Runtime.HandlerNotFound")
        self.assertEqual(body["errorMessage"], "Handler 'nope' missing on module 'app'")

    def test_python_syntax_error(self):
        body = self.init_error("py-syntax", "python3.12", "app.handler",
                               {"app.py": "def handler(e, c)\n    return 1\n"})
        self.assertEqual(body["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertTrue(body["errorMessage"].startswith("Syntax error in module 'app': "),
                        body["errorMessage"])

    def test_python_exception_at_import(self):
        body = self.init_error("py-initraise", "python3.12", "app.handler",
                               {"app.py": "raise RuntimeError('no config')\n"})
        self.assertEqual((body["errorType"], body["errorMessage"]), ("RuntimeError", "no config"))

    def test_node_import_error(self):
        body = self.init_error("node-import", "nodejs20.x", "index.handler", {
            "index.js": "const x = require('not-a-package');\nexports.handler = async () => x;\n"})
        self.assertEqual(body["errorType"], "Runtime.ImportModuleError")
        self.assertTrue(body["errorMessage"].startswith(
            "Error: Cannot find module 'not-a-package'\nRequire stack:\n- /var/task/index.js"),
            body["errorMessage"])
        self.assertIsInstance(body["trace"], list)

    def test_node_handler_not_found(self):
        body = self.init_error("node-nohandler", "nodejs20.x", "index.handler",
                               {"index.js": "exports.other = async () => 1;\n"})
        self.assertEqual(body["errorType"], "Runtime.HandlerNotFound")
        self.assertEqual(body["errorMessage"], "index.handler is undefined or not exported")

    def test_node_syntax_error(self):
        body = self.init_error("node-syntax", "nodejs20.x", "index.handler",
                               {"index.js": "exports.handler = async () => {{;\n"})
        self.assertEqual(body["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertTrue(body["errorMessage"].startswith("SyntaxError: "), body["errorMessage"])

    def test_provided_runtime_without_bootstrap(self):
        self.function("no-bootstrap", runtime="provided.al2023", handler="x.y",
                      files={"readme.txt": "nothing to run\n"})
        r = self.invoke_error("no-bootstrap", {})
        self.assertEqual(r["Body"], {
            "errorType": "Runtime.InvalidEntrypoint",
            "errorMessage": f"RequestId: {r['ResponseMetadata']['RequestId']} Error: Couldn't find "
                            "valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"})


class CrashContainmentTest(InvokeTestCase):
    def test_a_crashing_function_does_not_affect_another(self):
        self.function("crasher")
        self.function("steady", runtime="nodejs20.x")

        def crash():
            return self.invoke_error("crasher", {"action": "exit", "code": 2})["Body"]["errorType"]

        def steady():
            return self.invoke_ok("steady", {"action": "sleep", "seconds": 0.2})["Body"]["calls"]

        results = parallel([crash if i % 2 else steady for i in range(16)], workers=6)
        self.assertEqual(results[1::2], ["Runtime.ExitError"] * 8)
        self.assertTrue(all(isinstance(c, int) and c >= 1 for c in results[0::2]), results)


if __name__ == "__main__":
    unittest.main()

"""The Python client (runtimes/python/bootstrap.py) against the fake Runtime API."""

import json
import os
import subprocess
import sys
import textwrap
import time
import unittest

from runtime_case import PYTHON_CLIENT, CommonRuntimeTests, RuntimeCase, python_argv

ECHO = {
    "app.py": """
        import os
        count = 0

        def handler(event, context):
            global count
            count += 1
            return {"pid": os.getpid(), "count": count, "event": event}
    """
}

# [INFO]\t2024-01-01T00:00:00.000Z\t<request id>\tmessage
LOG_PREFIX = r"\[{level}\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{request_id}\t"


class PythonRuntimeTest(CommonRuntimeTests, RuntimeCase):
    argv = python_argv()
    echo = ("app.handler", ECHO)
    upper = ("app.handler", {"app.py": """
        def handler(event, context):
            return {"got": len(event["data"]), "data": event["data"].upper()}
    """})

    # ------------------------------------------------------------ invocations

    def test_context_fields(self):
        files = {
            "app.py": """
                import os

                def handler(event, context):
                    cc = context.client_context
                    return {
                        "aws_request_id": context.aws_request_id,
                        "function_name": context.function_name,
                        "function_version": context.function_version,
                        "invoked_function_arn": context.invoked_function_arn,
                        "memory_limit_in_mb": context.memory_limit_in_mb,
                        "log_group_name": context.log_group_name,
                        "log_stream_name": context.log_stream_name,
                        "remaining": context.get_remaining_time_in_millis(),
                        "identity": [context.identity.cognito_identity_id,
                                     context.identity.cognito_identity_pool_id],
                        "client_context": None if cc is None else
                            [cc.custom, cc.env, cc.client.app_title],
                        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                        "repr": repr(context).startswith("LambdaContext([aws_request_id="),
                    }
            """
        }
        api, _ = self.start("app.handler", files)
        request_id, got = self.invoke_for_context(
            api, trace_id="Root=1-abc;Sampled=0",
            client_context={"custom": {"k": "v"}, "env": {"e": "1"}, "client": {"app_title": "T"}},
            identity={"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"},
            arn="arn:aws:lambda:us-east-1:000000000000:function:fn:7")
        self.assertEqual(got, {
            "aws_request_id": request_id,
            "function_name": "fn",
            "function_version": "$LATEST",
            "invoked_function_arn": "arn:aws:lambda:us-east-1:000000000000:function:fn:7",
            "memory_limit_in_mb": "256",
            "log_group_name": "/aws/lambda/fn",
            "log_stream_name": "2024/01/01/[$LATEST]0123456789abcdef",
            "identity": ["id-1", "pool-1"],
            "client_context": [{"k": "v"}, {"e": "1"}, "T"],
            "trace": "Root=1-abc;Sampled=0",
            "repr": True,
        })
        second = self.invoke(api, {}).json()
        self.assertEqual((second["trace"], second["identity"], second["client_context"]),
                         (None, [None, None], None))

    def test_trace_id_reaches_subprocesses_on_every_invocation(self):
        # The first invocation sets it through os.environ, the later ones
        # through the runtime's own environ entry (TraceVariable).
        files = {"app.py": """
            import os
            import subprocess

            def handler(event, context):
                child = subprocess.run(["printenv", "_X_AMZN_TRACE_ID"], capture_output=True, text=True)
                return [os.environ.get("_X_AMZN_TRACE_ID"), os.getenv("_X_AMZN_TRACE_ID"),
                        child.stdout.strip() if child.returncode == 0 else None]
        """}
        api, _ = self.start("app.handler", files)
        for trace in ("Root=1-a;Sampled=0", "Root=1-b;Sampled=0", None, "Root=1-c;Sampled=0",
                      "Root=1-" + "d" * 300):
            self.assertEqual(self.invoke(api, {}, trace_id=trace).json(), [trace] * 3)

    def test_a_new_trace_id_per_invocation_does_not_accumulate_memory(self):
        # glibc's setenv() keeps every value it was given: 300,000 trace ids
        # through os.environ grow the process by ~40 MB.
        script = """
            import sys
            sys.path.insert(0, sys.argv[1])
            import lambda_runtime

            def rss():
                with open("/proc/self/statm") as f:
                    return int(f.read().split()[1]) * 4096

            trace = lambda_runtime.TraceVariable()
            trace.set("Root=1-first")
            trace.load()
            before = rss()
            for i in range(300000):
                trace.set(f"Root=1-6540a1b2-{10**12 + i:x}abcdef0123456789;Parent=0123456789abcdef;Sampled=0")
            print(rss() - before)
        """
        runtime_dir = os.path.dirname(PYTHON_CLIENT)
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(script), runtime_dir],
                             capture_output=True, text=True, check=True).stdout
        self.assertLess(int(out), 10 * 1024 * 1024)

    def test_remaining_time_is_zero_after_the_deadline(self):
        files = {"app.py": "def handler(e, c):\n    return c.get_remaining_time_in_millis()\n"}
        api, _ = self.start("app.handler", files)
        past = int(time.time() * 1000) - 500
        self.assertEqual(self.invoke(api, {}, deadline_ms=past).json(), 0)

    def test_response_encodings(self):
        files = {
            "app.py": """
                from decimal import Decimal

                def handler(event, context):
                    kind = event["kind"]
                    if kind == "none":
                        return None
                    if kind == "bytes":
                        return b"\\x00raw"
                    if kind == "decimal":
                        return {"price": Decimal("12345678901234567890.123"), "n": Decimal("2")}
                    if kind == "unicode":
                        return {"text": "h\\u00e9"}
                    return {1, 2}
            """
        }
        api, _ = self.start("app.handler", files)
        self.assertEqual(self.invoke(api, {"kind": "none"}).body, b"null")
        raw = self.invoke(api, {"kind": "bytes"})
        self.assertEqual((raw.body, raw.headers["content-type"]), (b"\x00raw", "application/unknown"))
        self.assertEqual(self.invoke(api, {"kind": "decimal"}).body,
                         b'{"price": 12345678901234567890.123, "n": 2}')
        self.assertEqual(self.invoke(api, {"kind": "unicode"}).body, b'{"text": "h\\u00e9"}')
        bad = self.invoke(api, {"kind": "set"})
        self.assertEqual(bad.kind, "error")
        self.assertEqual(bad.json()["errorType"], "Runtime.MarshalError")
        self.assertEqual(bad.json()["errorMessage"],
                         "Unable to marshal response: Object of type set is not JSON serializable")

    def test_non_json_event_is_passed_as_bytes(self):
        files = {"app.py": "def handler(e, c):\n    return repr(e)\n"}
        api, _ = self.start("app.handler", files)
        posted = self.invoke(api, raw_body=b"plain", content_type="text/plain")
        self.assertEqual(posted.json(), "b'plain'")

    # ------------------------------------------------------------ handler names and paths

    def test_handler_in_folder_by_slash_and_by_dots(self):
        files = {"pkg/sub/mod.py": "def handler(e, c):\n    return __name__\n"}
        for name in ("pkg/sub/mod.handler", "pkg.sub.mod.handler"):
            with self.subTest(name=name):
                api, proc = self.start(name, files)
                self.assertEqual(self.invoke(api, {}).json(), "pkg.sub.mod")
                proc.stop()

    def test_sys_path_and_working_directory(self):
        files = {
            "app.py": """
                import os, sys

                def handler(event, context):
                    return {"path": sys.path[:3], "cwd": os.getcwd()}
            """
        }
        api, _ = self.start("app.handler", files)
        got = self.invoke(api, {}).json()
        version = "python%d.%d" % __import__("sys").version_info[:2]
        self.assertEqual(got["path"], [self.task_root, f"/opt/python/lib/{version}/site-packages",
                                       "/opt/python"])
        self.assertEqual(os.path.realpath(got["cwd"]), os.path.realpath(self.task_root))

    def test_runtime_files_are_not_importable(self):
        files = {
            "app.py": """
                import sys

                def handler(event, context):
                    try:
                        import lambda_runtime
                        return lambda_runtime.__file__
                    except ImportError:
                        return [p for p in sys.path if "runtimes" in p]
            """
        }
        api, _ = self.start("app.handler", files)
        # Neither importable nor on sys.path: the runtime's folder is hidden.
        self.assertEqual(self.invoke(api, {}).json(), [])

    # ------------------------------------------------------------ invocation errors

    def test_raised_error_shape_and_the_process_goes_on(self):
        files = {
            "app.py": """
                def handler(event, context):
                    if event.get("fail"):
                        raise ValueError("bad value")
                    return "ok"
            """
        }
        api, proc = self.start("app.handler", files)
        posted = self.invoke(api, {"fail": True})
        self.assertEqual(posted.kind, "error")
        self.assertEqual(posted.error_type_header, "ValueError")
        body = posted.json()
        self.assertEqual(list(body), ["errorMessage", "errorType", "requestId", "stackTrace"])
        self.assertEqual(body["errorMessage"], "bad value")
        self.assertEqual(body["errorType"], "ValueError")
        self.assertEqual(body["requestId"], posted.request_id)
        app = os.path.join(self.task_root, "app.py")
        self.assertEqual(body["stackTrace"], [
            f'  File "{app}", line 3, in handler\n    raise ValueError("bad value")\n'])
        self.assertEqual(self.invoke(api, {}).json(), "ok")
        self.assertIsNone(proc.proc.poll())
        nbsp = "\u00a0"
        self.assertIn(
            f"[ERROR] ValueError: bad value\rTraceback (most recent call last):\r"
            f'{nbsp * 2}File "{app}", line 3, in handler\r{nbsp * 4}raise ValueError("bad value")\n',
            proc.wait_stdout("[ERROR] ValueError: bad value"))

    def test_error_with_empty_message(self):
        files = {"app.py": "def handler(e, c):\n    raise KeyError\n"}
        api, _ = self.start("app.handler", files)
        body = self.invoke(api, {}).json()
        self.assertEqual((body["errorType"], body["errorMessage"]), ("KeyError", ""))

    # ------------------------------------------------------------ init errors

    def test_missing_module_is_import_module_error(self):
        api, proc = self.start("missing.handler", {})
        body = self.assert_init_error(proc, api, "Runtime.ImportModuleError", 1)
        self.assertEqual(body, {
            "errorMessage": "Unable to import module 'missing': No module named 'missing'",
            "errorType": "Runtime.ImportModuleError",
            "requestId": "",
            "stackTrace": [],
        })
        self.assertIn("[ERROR] Runtime.ImportModuleError: Unable to import module 'missing': "
                      "No module named 'missing'\rTraceback (most recent call last):\n",
                      proc.stdout())

    def test_missing_dependency_is_import_module_error(self):
        api, proc = self.start("app.handler", {"app.py": "import not_installed\n"})
        body = self.assert_init_error(proc, api, "Runtime.ImportModuleError", 1)
        self.assertEqual(body["errorMessage"],
                         "Unable to import module 'app': No module named 'not_installed'")

    def test_missing_function_is_handler_not_found(self):
        api, proc = self.start("app.nope", {"app.py": "def handler(e, c):\n    return 1\n"})
        body = self.assert_init_error(proc, api, "Runtime.HandlerNotFound", 1)
        self.assertEqual(body["errorMessage"], "Handler 'nope' missing on module 'app'")

    def test_syntax_error_is_user_code_syntax_error(self):
        api, proc = self.start("app.handler", {"app.py": "def handler(e, c)\n    return 1\n"})
        body = self.assert_init_error(proc, api, "Runtime.UserCodeSyntaxError", 1)
        self.assertTrue(body["errorMessage"].startswith("Syntax error in module 'app': "))
        self.assertIn("Line 1", body["stackTrace"][0])

    def test_malformed_handler_name(self):
        api, proc = self.start("app", {"app.py": ""})
        body = self.assert_init_error(proc, api, "Runtime.MalformedHandlerName", 1)
        self.assertEqual(body["errorMessage"],
                         "Bad handler 'app': not enough values to unpack (expected 2, got 1)")

    def test_built_in_module_conflict(self):
        api, proc = self.start("sys.handler", {})
        body = self.assert_init_error(proc, api, "Runtime.BuiltInModuleConflict", 1)
        self.assertEqual(body["errorMessage"], "Cannot use built-in module sys as a handler module")

    def test_exception_while_importing(self):
        api, proc = self.start("app.handler", {"app.py": "raise RuntimeError('no config')\n"})
        body = self.assert_init_error(proc, api, "RuntimeError", 1)
        self.assertEqual(body["errorMessage"], "no config")
        self.assertIn("app.py", body["stackTrace"][-1])
        self.assertFalse(any("lambda_runtime.py" in line for line in body["stackTrace"]))

    # ------------------------------------------------------------ logs

    def test_logging_and_print_output(self):
        files = {
            "app.py": """
                import logging
                logging.getLogger().warning("loading")
                logger = logging.getLogger()
                logger.setLevel(logging.INFO)

                def handler(event, context):
                    print("plain print")
                    logger.info("hello %s", "world")
                    logging.getLogger("child").error("child error")
                    logger.debug("not shown at INFO")
                    logging.basicConfig(format="%(message)s")  # no-op: a handler exists
                    logger.info("still lambda format")
                    return 1
            """
        }
        api, proc = self.start("app.handler", files)
        request_id = self.invoke(api, {}).request_id
        out = proc.wait_stdout("still lambda format")  # the last line the handler writes
        self.assert_log_line(out, "^" + LOG_PREFIX.format(level="WARNING", request_id="") + "loading$")
        self.assert_log_line(out, r"^plain print$")
        for level, text in [("INFO", "hello world"), ("ERROR", "child error"),
                            ("INFO", "still lambda format")]:
            self.assert_log_line(out, "^" + LOG_PREFIX.format(level=level, request_id=request_id)
                                 + text + "$")
        self.assertNotIn("not shown", out)

    def test_logging_imported_by_the_runtime_user_only_once(self):
        files = {
            "app.py": """
                import importlib, logging

                def handler(event, context):
                    return [type(h).__name__ for h in logging.getLogger().handlers]
            """
        }
        api, _ = self.start("app.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), ["LambdaLoggerHandler"])

    def test_json_log_format_and_level(self):
        files = {
            "app.py": """
                import logging
                logger = logging.getLogger("app")

                def handler(event, context):
                    logger.info("dropped below WARN")
                    logger.warning("kept %d", 1, extra={"order": 7})
                    try:
                        1 / 0
                    except ZeroDivisionError:
                        logger.exception("failed")
                    raise ValueError("bad")
            """
        }
        api, proc = self.start("app.handler", files,
                               AWS_LAMBDA_LOG_FORMAT="JSON", AWS_LAMBDA_LOG_LEVEL="WARN")
        request_id = self.invoke(api, {}).request_id
        out = proc.wait_stdout("ValueError")  # the last record: the invocation's error
        records = [json.loads(line) for line in out.split("\n") if line]
        self.assertNotIn("dropped below WARN", proc.stdout())
        warn = records[0]
        self.assertRegex(warn.pop("timestamp"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(warn, {"level": "WARN", "message": "kept 1", "logger": "app",
                                "requestId": request_id, "order": 7})
        failed = records[1]
        self.assertEqual((failed["level"], failed["errorType"], failed["errorMessage"]),
                         ("ERROR", "ZeroDivisionError", "division by zero"))
        self.assertIn("app.py:handler:", failed["location"])
        error = records[2]
        self.assertEqual((error["log_level"], error["errorType"], error["requestId"]),
                         ("ERROR", "ValueError", request_id))


if __name__ == "__main__":
    unittest.main()

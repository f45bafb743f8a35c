"""Invoke (RequestResponse) through boto3 and the AWS CLI against functions
that really run: payloads, X-Amz-Executed-Version for versions, aliases
(with routing weights) and $LATEST, DryRun, LogType Tail, Lambda's error
shapes for Node.js and Python, every runtime identifier, provided runtimes
(a shell bootstrap, a bootstrap from a layer), handler forms, the context
object, environment variables, and the function's own SDK calls reaching
Kumo. Every expectation is what AWS Lambda answers.

The helpers here (probe functions, InvokeTestCase) are shared by the other
test_invoke_*.py files."""
import base64
import concurrent.futures
import contextlib
import json
import os
import re
import tempfile
import time
import unittest

import boto3
import botocore.configprovider
import botocore.exceptions
from botocore.config import Config

from test_lambda_api import ROLE, LambdaTestCase, arn, make_zip

# A Python function that does what its event asks. ENVIRONMENT is random per
# execution environment and CALLS counts the invocations it served.
PY_PROBE = {"app.py": """\
import json, os, signal, sys, time, uuid

ENVIRONMENT = uuid.uuid4().hex
CALLS = 0


def handler(event, context):
    global CALLS
    CALLS += 1
    action = event.get("action", "echo")
    if "log" in event:
        print(event["log"])
    if action == "sleep":
        time.sleep(event["seconds"])
    elif action == "raise":
        raise ValueError(event.get("message", "boom"))
    elif action == "exit":
        sys.exit(event["code"])
    elif action == "signal":
        os.kill(os.getpid(), getattr(signal, event["signal"]))
        time.sleep(5)
    elif action == "alloc":
        hog = b"x" * (event["mb"] << 20)
        return len(hog)
    elif action == "big":
        return "x" * event["bytes"]
    elif action == "environ":
        return dict(os.environ)
    elif action == "context":
        return {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
            "client_context": context.client_context and {
                "custom": context.client_context.custom, "env": context.client_context.env,
                "app_title": context.client_context.client.app_title},
        }
    return {"event": event, "environment": ENVIRONMENT, "calls": CALLS}
"""}

# The same for Node.js (CommonJS).
NODE_PROBE = {"index.js": """\
const { randomUUID } = require("node:crypto");
const ENVIRONMENT = randomUUID();
let calls = 0;

exports.handler = async (event, context) => {
  calls += 1;
  if (event.log) console.log(event.log);
  switch (event.action) {
    case "sleep":
      await new Promise((resolve) => setTimeout(resolve, event.seconds * 1000));
      break;
    case "raise":
      throw new Error(event.message ?? "boom");
    case "exit":
      process.exit(event.code);
    case "alloc":
      return Buffer.alloc(event.mb << 20, 1).length;
    case "big":
      return "x".repeat(event.bytes);
    case "environ":
      return process.env;
    case "v8":
      return {
        heapLimitMb: require("v8").getHeapStatistics().heap_size_limit / 1048576,
        gc: typeof gc,
        maxHeaderSize: require("http").maxHeaderSize,
      };
    case "context":
      return {
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        remaining: context.getRemainingTimeInMillis(),
        clientContext: context.clientContext ?? null,
      };
  }
  return { event, environment: ENVIRONMENT, calls };
};
"""}

PY_RUNTIMES = ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13"]
NODE_RUNTIMES = ["nodejs18.x", "nodejs20.x", "nodejs22.x"]
REPORT = re.compile(r"REPORT RequestId: (?P<id>[0-9a-f-]{36})\tDuration: (?P<duration>\d+\.\d\d) ms\t"
                    r"Billed Duration: (?P<billed>\d+) ms\tMemory Size: (?P<memory>\d+) MB\t"
                    r"Max Memory Used: (?P<used>\d+) MB\t(Init Duration: (?P<init>\d+\.\d\d) ms\t)?")
LOG_STREAM = re.compile(r"^\d{4}/\d{2}/\d{2}/\[(\$LATEST|\d+)\][0-9a-f]{32}$")


def tail_of(response):
    """The decoded X-Amz-Log-Result of an Invoke answer."""
    return base64.b64decode(response["LogResult"]).decode()


def report_of(tail):
    """The REPORT line's fields, as a dict of strings (init is None when warm)."""
    m = REPORT.search(tail)
    if m is None:
        raise AssertionError(f"no REPORT line in:\n{tail}")
    return m.groupdict()


def parallel(calls, workers=None):
    """Runs the zero-argument callables at once; returns their results in order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers or len(calls)) as pool:
        return [f.result() for f in [pool.submit(c) for c in calls]]


def poll(check, timeout=20.0, interval=0.1, what="the condition"):
    """Calls `check` until it returns something truthy; returns that, or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class InvokeTestCase(LambdaTestCase):
    """A server per class with functions that run; clients for Lambda and Logs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_clients()

    @classmethod
    def make_clients(cls):
        cls.raw = cls.kumo.client("lambda", parameter_validation=False)
        cls.logs = cls.kumo.client("logs")
        # No retries at all (the harness's max_attempts=1 still retries a 429 once).
        cls.lam = boto3.client(
            "lambda", endpoint_url=cls.kumo.endpoint, region_name="us-east-1",
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}, max_pool_connections=32))

    def function(self, name, files=None, runtime="python3.12", handler=None, **kwargs):
        """Creates a function (the Python probe unless told otherwise)."""
        if files is None:
            files = NODE_PROBE if runtime.startswith("nodejs") else PY_PROBE
        if handler is None:
            handler = "index.handler" if runtime.startswith("nodejs") else "app.handler"
        return self.lam.create_function(FunctionName=name, Runtime=runtime, Role=ROLE,
                                        Handler=handler, Code={"ZipFile": make_zip(files)},
                                        **kwargs)

    def invoke(self, name, event=None, **kwargs):
        """Invokes; the answer gets "Body" (the payload parsed as JSON, None if empty)."""
        if event is not None:
            kwargs["Payload"] = json.dumps(event).encode()
        r = self.lam.invoke(FunctionName=name, **kwargs)
        raw = r["Payload"].read()
        r["Raw"] = raw
        r["Body"] = json.loads(raw) if raw else None
        return r

    @contextlib.contextmanager
    def trace_header(self, value):
        """Invokes made inside send X-Amzn-Trace-Id: `value`."""
        def add(request, **_):
            request.headers["X-Amzn-Trace-Id"] = value

        self.lam.meta.events.register("before-send.lambda.Invoke", add)
        try:
            yield
        finally:
            self.lam.meta.events.unregister("before-send.lambda.Invoke", add)

    def invoke_ok(self, name, event=None, **kwargs):
        r = self.invoke(name, event, **kwargs)
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r, r["Body"])
        return r

    def invoke_error(self, name, event=None, **kwargs):
        """Expects 200 with X-Amz-Function-Error: Unhandled; returns the answer."""
        r = self.invoke(name, event, **kwargs)
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r.get("FunctionError"), "Unhandled", r["Body"])
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"].get("x-amz-function-error"),
                         "Unhandled")
        return r

    def throttled(self, name, event=None, **kwargs):
        """Expects 429 TooManyRequestsException; returns the error response."""
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.invoke(name, event, **kwargs)
        response = caught.exception.response
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 429)
        self.assertEqual(response["Error"]["Code"], "TooManyRequestsException")
        self.assertEqual(response["Error"]["Message"], "Rate Exceeded.")
        return response

    def log_events(self, name, pattern):
        """Messages of /aws/lambda/NAME matching the filter pattern (all pages)."""
        try:
            pages = self.logs.get_paginator("filter_log_events").paginate(
                logGroupName=f"/aws/lambda/{name}", filterPattern=pattern)
            return [e["message"] for page in pages for e in page["events"]]
        except self.logs.exceptions.ResourceNotFoundException:
            return []

    def wait_for_logs(self, name, pattern, timeout=20.0):
        """Polls until a line of /aws/lambda/NAME matches; returns the matching lines."""
        return poll(lambda: self.log_events(name, pattern), timeout=timeout,
                    what=f"a log line matching {pattern!r} in /aws/lambda/{name}")

    def metrics(self):
        """/_kumo/metrics as {(series, function): value} for the function series."""
        status, _, body = self.kumo.http("GET", "/_kumo/metrics")
        self.assertEqual(status, 200)
        out = {}
        for line in body.decode().splitlines():
            m = re.match(r'^(kumo_function_\w+)\{region="[^"]*",function="([^"]*)"\} (\S+)$', line)
            if m:
                out[(m.group(1), m.group(2))] = float(m.group(3))
        return out

    def wait_in_flight(self, name, count, timeout=10.0):
        """Polls the meter until `count` invocations of `name` are in flight."""
        poll(lambda: self.metrics().get(("kumo_function_concurrent_executions", name), 0) >= count,
             timeout=timeout, interval=0.02, what=f"{count} invocation(s) of {name} in flight")


class RequestResponseTest(InvokeTestCase):
    def test_payload_and_executed_version(self):
        self.function("echo")
        r = self.invoke("echo", {"hello": "world", "n": [1, 2.5, None]})
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", r)
        self.assertNotIn("LogResult", r, "no LogType: no log")
        self.assertEqual(r["Body"]["event"], {"hello": "world", "n": [1, 2.5, None]})
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["x-amz-executed-version"], "$LATEST")
        # No payload: the function gets {}.
        self.assertEqual(self.invoke("echo")["Body"]["event"], {})
        # By ARN, partial ARN and with $LATEST spelled out.
        for ref in (arn("echo"), "000000000000:function:echo", "echo:$LATEST"):
            self.assertEqual(self.invoke_ok(ref, {"via": ref})["Body"]["event"], {"via": ref})
        self.assertEqual(self.invoke_ok("echo", {}, Qualifier="$LATEST")["ExecutedVersion"],
                         "$LATEST")

    def test_versions_and_aliases(self):
        self.function("versioned", Environment={"Variables": {"RELEASE": "one"}})
        self.lam.publish_version(FunctionName="versioned")
        self.lam.update_function_configuration(FunctionName="versioned",
                                               Environment={"Variables": {"RELEASE": "two"}})
        self.lam.publish_version(FunctionName="versioned")
        self.lam.update_function_configuration(FunctionName="versioned",
                                               Environment={"Variables": {"RELEASE": "latest"}})
        self.lam.create_alias(FunctionName="versioned", Name="live", FunctionVersion="1")

        def release(**kwargs):
            r = self.invoke_ok("versioned", {"action": "environ"}, **kwargs)
            return r["ExecutedVersion"], r["Body"]["RELEASE"], r["Body"]["AWS_LAMBDA_FUNCTION_VERSION"]

        self.assertEqual(release(Qualifier="1"), ("1", "one", "1"))
        self.assertEqual(release(Qualifier="2"), ("2", "two", "2"))
        self.assertEqual(release(), ("$LATEST", "latest", "$LATEST"))
        self.assertEqual(release(Qualifier="live"), ("1", "one", "1"))
        ctx = self.invoke_ok(arn("versioned", "live"), {"action": "context"})["Body"]
        self.assertEqual(ctx["invoked_function_arn"], arn("versioned", "live"))
        self.assertEqual(ctx["function_version"], "1")
        self.assert_error(404, "ResourceNotFoundException", self.lam.invoke,
                          message=f"Function not found: {arn('versioned', '9')}",
                          FunctionName="versioned", Qualifier="9")

    def test_alias_routing_weights_run_both_versions(self):
        self.function("weighted", Environment={"Variables": {"RELEASE": "one"}})
        self.lam.publish_version(FunctionName="weighted")
        self.lam.update_function_configuration(FunctionName="weighted",
                                               Environment={"Variables": {"RELEASE": "two"}})
        self.lam.publish_version(FunctionName="weighted")
        self.lam.create_alias(FunctionName="weighted", Name="canary", FunctionVersion="1",
                              RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
        calls = [lambda: self.invoke_ok("weighted", {"action": "environ"}, Qualifier="canary")
                 for _ in range(40)]
        seen = {}
        for r in parallel(calls, workers=4):
            version = r["ExecutedVersion"]
            self.assertEqual(r["Body"]["RELEASE"], {"1": "one", "2": "two"}[version])
            seen[version] = seen.get(version, 0) + 1
        # P(all 40 on one version) = 2 * 0.5^40.
        self.assertEqual(sorted(seen), ["1", "2"], seen)

    def test_dry_run_is_204_and_runs_nothing(self):
        self.function("dry")
        r = self.invoke("dry", {"log": "must not run"}, InvocationType="DryRun")
        self.assertEqual(r["StatusCode"], 204)
        self.assertEqual(r["Raw"], b"")
        self.assertNotIn("ExecutedVersion", r)
        self.assertEqual(self.logs.describe_log_groups(
            logGroupNamePrefix="/aws/lambda/dry")["logGroups"], [])

    def test_log_tail(self):
        self.function("tailed", MemorySize=256)
        cold = self.invoke_ok("tailed", {"log": "first line"}, LogType="Tail")
        request_id = cold["ResponseMetadata"]["RequestId"]
        lines = tail_of(cold).splitlines()
        self.assertEqual(lines[0], f"START RequestId: {request_id} Version: $LATEST")
        self.assertIn("first line", lines)
        self.assertEqual(lines[-2], f"END RequestId: {request_id}")
        report = report_of(lines[-1])
        self.assertEqual(report["id"], request_id)
        self.assertEqual(report["memory"], "256")
        self.assertGreaterEqual(int(report["billed"]), float(report["duration"]))
        self.assertLess(int(report["billed"]) - float(report["duration"]), 1.0,
                        "billed duration rounds up to the millisecond")
        self.assertGreater(int(report["used"]), 0)
        self.assertLessEqual(int(report["used"]), 256)
        self.assertIsNotNone(report["init"], "a cold start reports Init Duration")
        self.assertGreater(float(report["init"]), 0)

        warm = self.invoke_ok("tailed", {"log": "second line"}, LogType="Tail")
        self.assertIsNone(report_of(tail_of(warm))["init"], "a warm start has no Init Duration")
        self.assertNotIn("first line", tail_of(warm))

        # The tail is the last 4 KB: the start of a long output is cut off.
        noisy = "\n".join(f"line {i:05d} " + "y" * 40 for i in range(400))
        long = self.invoke_ok("tailed", {"log": noisy}, LogType="Tail")
        raw = base64.b64decode(long["LogResult"])
        self.assertLessEqual(len(raw), 4096)
        self.assertGreater(len(raw), 3000)
        self.assertNotIn(b"START RequestId", raw)
        self.assertIn(b"line 00399", raw)
        self.assertTrue(raw.decode().rstrip("\n").splitlines()[-1].startswith("REPORT RequestId: "))

        # The same lines are in CloudWatch Logs, in the environment's stream.
        streams = self.logs.describe_log_streams(logGroupName="/aws/lambda/tailed")["logStreams"]
        self.assertEqual(len(streams), 1)
        self.assertRegex(streams[0]["logStreamName"], LOG_STREAM)
        self.wait_for_logs("tailed", f'"END RequestId: {request_id}"')

    def test_node_gets_aws_v8_flags_for_its_memory_size(self):
        # AWS's bootstrap: old space = memory - memory/10, semi-spaces of
        # memory/20 (V8 adds the young generation, three semi-spaces, to the
        # limit); gc() exposed; 80 KiB HTTP headers. V8's own default on this
        # host would be gigabytes.
        for memory in (128, 512):
            with self.subTest(memory=memory):
                name = f"node-v8-{memory}"
                self.function(name, runtime="nodejs20.x", MemorySize=memory)
                got = self.invoke_ok(name, {"action": "v8"})["Body"]
                old, semi = memory - memory // 10, memory // 10 // 2
                self.assertGreaterEqual(got["heapLimitMb"], old)
                self.assertLessEqual(got["heapLimitMb"], old + 4 * semi)
                self.assertEqual((got["gc"], got["maxHeaderSize"]), ("function", 81920))

    def test_node_error_shape(self):
        self.function("node-raise", runtime="nodejs20.x")
        r = self.invoke_error("node-raise", {"action": "raise", "message": "it broke"},
                              LogType="Tail")
        body = r["Body"]
        self.assertEqual(list(body), ["errorType", "errorMessage", "trace"])
        self.assertEqual(body["errorType"], "Error")
        self.assertEqual(body["errorMessage"], "it broke")
        self.assertEqual(body["trace"][0], "Error: it broke")
        self.assertTrue(any("/var/task/index.js" in t for t in body["trace"]), body["trace"])
        self.assertEqual(r["ExecutedVersion"], "$LATEST")
        tail = tail_of(r)
        self.assertIn("\tERROR\tInvoke Error \t", tail)
        self.assertIsNotNone(report_of(tail)["init"])
        # A function error keeps the environment.
        self.assertEqual(self.invoke_ok("node-raise", {})["Body"]["calls"], 2)

        self.function("node-custom", runtime="nodejs20.x", files={"index.js": (
            "class OrderError extends Error { constructor(m) { super(m); this.name = 'OrderError'; } }\n"
            "exports.handler = async () => { throw new OrderError('no stock'); };\n")})
        custom = self.invoke_error("node-custom", {})["Body"]
        self.assertEqual((custom["errorType"], custom["errorMessage"]), ("OrderError", "no stock"))
        self.function("node-string", runtime="nodejs20.x", files={
            "index.js": "exports.handler = async () => { throw 'plain'; };\n"})
        self.assertEqual(self.invoke_error("node-string", {})["Body"],
                         {"errorType": "string", "errorMessage": "plain", "trace": []})

    def test_python_error_shape(self):
        self.function("py-raise")
        r = self.invoke_error("py-raise", {"action": "raise", "message": "it broke"})
        body = r["Body"]
        self.assertEqual(sorted(body), ["errorMessage", "errorType", "requestId", "stackTrace"])
        self.assertEqual(body["errorType"], "ValueError")
        self.assertEqual(body["errorMessage"], "it broke")
        self.assertEqual(body["requestId"], r["ResponseMetadata"]["RequestId"])
        self.assertTrue(body["stackTrace"][-1].startswith('  File "/var/task/app.py", line '),
                        body["stackTrace"])
        self.assertIn("raise ValueError", body["stackTrace"][-1])
        self.assertEqual(self.invoke_ok("py-raise", {})["Body"]["calls"], 2)

    def test_every_runtime_identifier(self):
        for runtime in PY_RUNTIMES + NODE_RUNTIMES:
            self.function("rt-" + runtime.replace(".", "-"), runtime=runtime)
        answers = parallel([lambda rt=rt: (rt, self.invoke_ok(
            "rt-" + rt.replace(".", "-"), {"action": "environ"})["Body"])
            for rt in PY_RUNTIMES + NODE_RUNTIMES], workers=4)
        for runtime, environ in answers:
            self.assertEqual(environ["AWS_EXECUTION_ENV"], "AWS_Lambda_" + runtime)
            self.assertEqual(environ["AWS_LAMBDA_FUNCTION_NAME"], "rt-" + runtime.replace(".", "-"))

    def test_provided_runtime_with_a_shell_bootstrap(self):
        bootstrap = """\
#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\\r\\n')"
  echo "handling $ID"
  curl -sS -o /dev/null -X POST "$API/invocation/$ID/response" \\
    -d "{\\"echo\\":$EVENT,\\"handler\\":\\"$_HANDLER\\",\\"root\\":\\"$LAMBDA_TASK_ROOT\\"}"
done
"""
        self.function("shell", runtime="provided.al2023", handler="function.handler",
                      files={"bootstrap": (bootstrap, 0o755)})
        r = self.invoke_ok("shell", {"n": 1}, LogType="Tail")
        self.assertEqual(r["Body"], {"echo": {"n": 1}, "handler": "function.handler",
                                     "root": "/var/task"})
        self.assertIn(f"handling {r['ResponseMetadata']['RequestId']}", tail_of(r))
        self.assertEqual(self.invoke_ok("shell", {"n": 2})["Body"]["echo"], {"n": 2})

    def test_provided_runtime_with_the_bootstrap_in_a_layer(self):
        bootstrap = """\
#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\\r\\n')"
  curl -sS -o /dev/null -X POST "$API/invocation/$ID/response" -d "$(handler "$EVENT")"
done
"""
        layer = self.lam.publish_layer_version(
            LayerName="shell-runtime", Content={"ZipFile": make_zip({"bootstrap": (bootstrap, 0o755)})},
            CompatibleRuntimes=["provided.al2023"])
        self.function("layered", runtime="provided.al2023", handler="greet.handler",
                      Layers=[layer["LayerVersionArn"]],
                      files={"greet.sh": 'handler() { printf \'{"greeting":"hi","got":%s}\' "$1"; }\n'})
        self.assertEqual(self.invoke_ok("layered", {"x": True})["Body"],
                         {"greeting": "hi", "got": {"x": True}})

    def test_handler_forms(self):
        cases = {
            "nested-node": ("nodejs20.x", "src/handlers/api.handler", {
                "src/handlers/api.js": "exports.handler = async (e) => ({ form: 'nested', e });\n"}),
            "esm-node": ("nodejs20.x", "index.handler", {
                "index.mjs": "import { sep } from 'node:path';\n"
                             "export const handler = async (e) => ({ form: 'esm', sep, e });\n"}),
            "cjs-node": ("nodejs22.x", "lib.handler", {
                "lib.cjs": "module.exports.handler = async (e) => ({ form: 'cjs', e });\n"}),
            "module-type-node": ("nodejs20.x", "index.handler", {
                "package.json": '{"type": "module"}\n',
                "index.js": "export const handler = async (e) => ({ form: 'type-module', e });\n"}),
            "callback-node": ("nodejs18.x", "index.handler", {
                "index.js": "exports.handler = (e, context, callback) => {\n"
                            "  setTimeout(() => callback(null, { form: 'callback', e }), 10);\n};\n"}),
            "nested-export-node": ("nodejs20.x", "index.api.v1", {
                "index.js": "exports.api = { v1: async (e) => ({ form: 'nested-export', e }) };\n"}),
            "nested-python": ("python3.12", "pkg/sub/mod.handler", {
                "pkg/sub/mod.py": "from pkg.sub import helper\n"
                                  "def handler(e, c):\n    return {'form': helper.FORM, 'e': e}\n",
                "pkg/sub/helper.py": "FORM = 'nested-py'\n"}),
            "dotted-python": ("python3.11", "pkg.sub.mod.handler", {
                "pkg/__init__.py": "", "pkg/sub/__init__.py": "",
                "pkg/sub/mod.py": "def handler(e, c):\n    return {'form': 'dotted-py', 'e': e}\n"}),
        }
        for name, (runtime, handler, files) in cases.items():
            self.function(name, files=files, runtime=runtime, handler=handler)
        results = parallel([lambda n=n: (n, self.invoke_ok(n, {"k": n})["Body"]) for n in cases],
                           workers=4)
        forms = {"nested-node": "nested", "esm-node": "esm", "cjs-node": "cjs",
                 "module-type-node": "type-module", "callback-node": "callback",
                 "nested-export-node": "nested-export", "nested-python": "nested-py",
                 "dotted-python": "dotted-py"}
        for name, body in results:
            self.assertEqual(body["form"], forms[name], body)
            self.assertEqual(body["e"], {"k": name})
        self.assertEqual(dict(results)["esm-node"]["sep"], "/")

    def test_context_fields(self):
        self.function("ctx-py", MemorySize=192, Timeout=7)
        self.function("ctx-node", runtime="nodejs20.x", MemorySize=192, Timeout=7)
        py = self.invoke_ok("ctx-py", {"action": "context"})
        node = self.invoke_ok("ctx-node", {"action": "context"})
        for r, name in ((py, "ctx-py"), (node, "ctx-node")):
            values = list(r["Body"].values())
            request_id, fn, version, invoked, memory, group, stream, remaining, client = values
            self.assertIsNone(client)
            self.assertEqual(request_id, r["ResponseMetadata"]["RequestId"])
            self.assertEqual((fn, version, invoked), (name, "$LATEST", arn(name)))
            self.assertEqual(memory, "192", "memory limit is a string, as in AWS")
            self.assertEqual(group, f"/aws/lambda/{name}")
            self.assertRegex(stream, LOG_STREAM)
            self.assertGreater(remaining, 5000)
            self.assertLessEqual(remaining, 7000)
        by_arn = self.invoke_ok(arn("ctx-node"), {"action": "context"})["Body"]
        self.assertEqual(by_arn["invokedFunctionArn"], arn("ctx-node"))

        # X-Amz-Client-Context (base64 JSON) reaches context.client_context / clientContext.
        client_context = {"custom": {"k": "v"}, "env": {"platform": "test"},
                          "client": {"app_title": "kumo-tests", "installation_id": "i-1"}}
        encoded = base64.b64encode(json.dumps(client_context).encode()).decode()
        py = self.invoke_ok("ctx-py", {"action": "context"}, ClientContext=encoded)["Body"]
        self.assertEqual(py["client_context"], {"custom": {"k": "v"}, "env": {"platform": "test"},
                                                "app_title": "kumo-tests"})
        node = self.invoke_ok("ctx-node", {"action": "context"}, ClientContext=encoded)["Body"]
        self.assertEqual(node["clientContext"]["custom"], {"k": "v"})
        self.assertEqual(node["clientContext"]["client"]["app_title"], "kumo-tests")

    def test_the_callers_trace_continues_in_the_function(self):
        root = "1-5759e988-bd862e3fe1be46a994272793"
        self.function("trace-py")
        self.function("trace-node", runtime="nodejs20.x")
        for name in ("trace-py", "trace-node"):
            fresh = self.invoke_ok(name, {"action": "environ"})["Body"]["_X_AMZN_TRACE_ID"]
            self.assertRegex(fresh, r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$")
            with self.trace_header(f"Root={root};Parent=53995c3f42cd8ad8;Sampled=1"):
                traced = self.invoke_ok(name, {"action": "environ"})["Body"]["_X_AMZN_TRACE_ID"]
            self.assertRegex(traced, "^Root=" + root + r";Parent=[0-9a-f]{16};Sampled=1$", name)
            self.assertNotIn("53995c3f42cd8ad8", traced)

    def test_environment_variables(self):
        variables = {"STAGE": "test", "GREETING": "hello world", "EMPTY": "", "UNICODE": "café"}
        self.function("env-py", Environment={"Variables": variables})
        self.function("env-node", runtime="nodejs20.x", Environment={"Variables": variables})
        for name in ("env-py", "env-node"):
            environ = self.invoke_ok(name, {"action": "environ"})["Body"]
            for key, value in variables.items():
                self.assertEqual(environ.get(key), value, key)
            self.assertEqual(environ["AWS_LAMBDA_FUNCTION_NAME"], name)
            self.assertEqual(environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "128")
            self.assertEqual(environ["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST")
            self.assertEqual(environ["AWS_REGION"], "us-east-1")
            self.assertEqual(environ["AWS_DEFAULT_REGION"], "us-east-1")
            self.assertEqual(environ["LAMBDA_TASK_ROOT"], "/var/task")
            self.assertEqual(environ["AWS_LAMBDA_LOG_GROUP_NAME"], f"/aws/lambda/{name}")
            self.assertRegex(environ["AWS_LAMBDA_LOG_STREAM_NAME"], LOG_STREAM)
            self.assertEqual(environ["AWS_ENDPOINT_URL"], self.kumo.endpoint)
            self.assertIn("AWS_ACCESS_KEY_ID", environ)
        # A configuration update reaches the next invocation.
        self.lam.update_function_configuration(FunctionName="env-py",
                                               Environment={"Variables": {"STAGE": "prod"}})
        environ = self.invoke_ok("env-py", {"action": "environ"})["Body"]
        self.assertEqual(environ.get("STAGE"), "prod")
        self.assertNotIn("GREETING", environ)

    @unittest.skipUnless(hasattr(botocore.configprovider, "ConfiguredEndpointProvider"),
                         "this botocore (also the functions') ignores AWS_ENDPOINT_URL")
    def test_python_functions_sdk_calls_reach_kumo(self):
        marker = "/kumo-test/seen-from-a-function"
        self.logs.create_log_group(logGroupName=marker)
        self.function("sdk-py", Timeout=30, files={"app.py": """\
import boto3

def handler(event, context):
    identity = boto3.client("sts").get_caller_identity()
    groups = boto3.client("logs").describe_log_groups(logGroupNamePrefix="/kumo-test/")
    return {"account": identity["Account"], "arn": identity["Arn"],
            "groups": [g["logGroupName"] for g in groups["logGroups"]]}
"""})
        body = self.invoke_ok("sdk-py", {})["Body"]
        self.assertEqual(body["account"], "000000000000")
        self.assertTrue(body["arn"].startswith("arn:aws:"), body["arn"])
        self.assertEqual(body["groups"], [marker])


class SizeLimitsTest(InvokeTestCase):
    def test_request_over_6_mb_is_413_and_runs_nothing(self):
        self.function("big-in", MemorySize=512)
        payload = json.dumps({"x": "a" * (6 * 1024 * 1024)}).encode()
        err = self.assert_error(413, "RequestTooLargeException", self.lam.invoke,
                                FunctionName="big-in", Payload=payload)
        self.assertEqual(err["Message"], "Request must be smaller than 6291456 bytes for the "
                                         "InvokeFunction operation")
        self.assertEqual(self.metrics().get(("kumo_function_invocations_total", "big-in"), 0), 0)
        # Just under the limit runs.
        under = {"x": "a" * (6 * 1024 * 1024 - 100)}
        self.assertEqual(len(self.invoke_ok("big-in", under)["Body"]["event"]["x"]),
                         len(under["x"]))

    def test_response_over_6_mb_is_lambdas_error_and_keeps_the_environment(self):
        self.function("big-out", MemorySize=512)
        first = self.invoke_ok("big-out", {})["Body"]["environment"]
        r = self.invoke_error("big-out", {"action": "big", "bytes": 6 * 1024 * 1024 + 200})
        self.assertEqual(r["Body"], {
            "errorMessage": "Response payload size exceeded maximum allowed payload size "
                            "(6291556 bytes).",
            "errorType": "Function.ResponseSizeTooLarge"})
        # Just under the limit: a JSON string of 6291556 bytes with its quotes.
        fits = self.invoke_ok("big-out", {"action": "big", "bytes": 6291556 - 2})
        self.assertEqual(len(fits["Raw"]), 6291556)
        self.assertEqual(self.invoke_ok("big-out", {})["Body"]["environment"], first)


class AwsCliTest(InvokeTestCase):
    def test_invoke_through_the_cli(self):
        self.function("cli-fn", runtime="nodejs20.x")
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.json")
            _, stdout, _ = self.kumo.aws_cli("lambda", "invoke", "--function-name", "cli-fn",
                                             "--payload", '{"from": "cli"}', "--log-type", "Tail",
                                             out)
            answer = json.loads(stdout)
            self.assertEqual(answer["StatusCode"], 200)
            self.assertEqual(answer["ExecutedVersion"], "$LATEST")
            self.assertIn("REPORT RequestId: ", base64.b64decode(answer["LogResult"]).decode())
            with open(out) as f:
                self.assertEqual(json.load(f)["event"], {"from": "cli"})

            _, stdout, _ = self.kumo.aws_cli("lambda", "invoke", "--function-name", "cli-fn",
                                             "--payload", '{"action": "raise"}', out)
            self.assertEqual(json.loads(stdout)["FunctionError"], "Unhandled")
            with open(out) as f:
                self.assertEqual(json.load(f)["errorMessage"], "boom")

            _, stdout, _ = self.kumo.aws_cli("lambda", "invoke", "--function-name", "cli-fn",
                                             "--invocation-type", "DryRun", out)
            self.assertEqual(json.loads(stdout)["StatusCode"], 204)


if __name__ == "__main__":
    unittest.main()

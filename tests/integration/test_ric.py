"""The Runtime API conforms: AWS's own runtime interface client for Node.js
(npm `aws-lambda-ric`, unchanged) runs a `provided.al2023` function.

The function's zip holds only a `bootstrap` shell script and the handler; the
RIC comes in a layer that this test builds from the installed package
(`nodejs/node_modules/aws-lambda-ric`, so it is at
/opt/nodejs/node_modules/aws-lambda-ric inside the sandbox), and the bootstrap
runs it with the system node, which the sandbox sees under /usr.

Checked: a successful invoke (event, context and the environment's reuse), a
function error in the RIC's shape, and the RIC's log lines (text and JSON).
The package is installed by the repository's package.json; if package.json
does not list it the tests are skipped, if it lists it and it is missing they
fail."""
import base64
import json
import os
import unittest

from kumo_harness import KumoTestCase
from test_lambda_api import ROLE, make_zip

SOURCE_DIR = os.environ.get(
    "KUMO_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
RIC_DIR = os.path.join(SOURCE_DIR, "node_modules", "aws-lambda-ric")
LAYER_RIC = "/opt/nodejs/node_modules/aws-lambda-ric"

HANDLER = r"""
let invocations = 0;
class ValidationError extends Error {
  constructor(message) { super(message); this.name = 'ValidationError'; }
}
exports.handler = async (event, context) => {
  invocations += 1;
  console.log('processing', event.name);
  console.error('to stderr', { n: invocations });
  if (event.fail) throw new ValidationError('bad input: ' + event.name);
  return {
    greeting: 'hello ' + event.name,
    invocations,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    arn: context.invokedFunctionArn,
    memory: context.memoryLimitInMB,
    remainingPositive: context.getRemainingTimeInMillis() > 0,
    variable: process.env.GREETING_TARGET,
  };
};
"""


def ric_listed_in_package_json():
    with open(os.path.join(SOURCE_DIR, "package.json")) as f:
        manifest = json.load(f)
    return "aws-lambda-ric" in manifest.get("dependencies", {})


def ric_layer_zip():
    """The installed RIC as a layer: the package without the native build's
    sources and scratch folders (deps/ alone is ~150 MB after npm install)."""
    build_only = {"deps", "src", "scripts", "build", "node-addon-api"}
    files = {}
    for folder, dirs, names in os.walk(RIC_DIR):
        if folder == RIC_DIR:
            dirs[:] = [d for d in dirs if d not in build_only]
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, RIC_DIR)
            with open(path, "rb") as f:
                mode = os.stat(path).st_mode & 0o777
                files[f"nodejs/node_modules/aws-lambda-ric/{relative}"] = (f.read(), mode | 0o444)
    return make_zip(files)


def ric_entry():
    """The RIC's command (package.json "bin"), relative to its folder."""
    with open(os.path.join(RIC_DIR, "package.json")) as f:
        manifest = json.load(f)
    bin_field = manifest["bin"]
    entry = bin_field if isinstance(bin_field, str) else bin_field["aws-lambda-ric"]
    return os.path.normpath(entry)


class AwsRuntimeInterfaceClientTest(KumoTestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(RIC_DIR):
            if not ric_listed_in_package_json():
                raise unittest.SkipTest("aws-lambda-ric is not in package.json")
            raise AssertionError(f"aws-lambda-ric is in package.json but not installed in {RIC_DIR}")
        super().setUpClass()
        cls.lam = cls.kumo.client("lambda")
        layer = cls.lam.publish_layer_version(
            LayerName="aws-lambda-ric", Content={"ZipFile": ric_layer_zip()},
            CompatibleRuntimes=["provided.al2023"])
        # The RIC 3.x entry wants the handler as its argument; 4.x reads _HANDLER.
        bootstrap = f'#!/bin/sh\nexec /usr/bin/node {LAYER_RIC}/{ric_entry()} "$_HANDLER"\n'
        code = make_zip({"bootstrap": (bootstrap, 0o755), "index.js": HANDLER})
        for name, extra in (("ric-text", {}), ("ric-json", {"LoggingConfig": {"LogFormat": "JSON"}})):
            cls.lam.create_function(
                FunctionName=name, Runtime="provided.al2023", Role=ROLE, Handler="index.handler",
                Code={"ZipFile": code}, Layers=[layer["LayerVersionArn"]], MemorySize=256,
                Timeout=30, Environment={"Variables": {"GREETING_TARGET": "kumo"}}, **extra)

    def invoke(self, name, event):
        """Invokes with LogType Tail; returns (response, payload JSON, log tail text)."""
        r = self.lam.invoke(FunctionName=name, Payload=json.dumps(event).encode(), LogType="Tail")
        payload = json.loads(r["Payload"].read())
        return r, payload, base64.b64decode(r["LogResult"]).decode()

    def test_successful_invoke_gets_event_context_and_reuses_environment(self):
        r, payload, _ = self.invoke("ric-text", {"name": "ada"})
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r)
        request_id = r["ResponseMetadata"]["RequestId"]
        self.assertEqual(payload["greeting"], "hello ada")
        self.assertEqual(payload["requestId"], request_id)
        self.assertEqual(payload["functionName"], "ric-text")
        self.assertEqual(payload["arn"], "arn:aws:lambda:us-east-1:000000000000:function:ric-text")
        self.assertEqual(payload["memory"], "256")
        self.assertTrue(payload["remainingPositive"])
        self.assertEqual(payload["variable"], "kumo")
        # The RIC loops on /next: the next invoke reaches the same process.
        _, again, _ = self.invoke("ric-text", {"name": "bob"})
        self.assertEqual(again["greeting"], "hello bob")
        self.assertEqual(again["invocations"], payload["invocations"] + 1)

    def test_thrown_error_has_the_rics_shape(self):
        r, payload, log = self.invoke("ric-text", {"name": "eve", "fail": True})
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(payload["errorType"], "ValidationError")
        self.assertEqual(payload["errorMessage"], "bad input: eve")
        self.assertIsInstance(payload["trace"], list)
        self.assertEqual(payload["trace"][0], "ValidationError: bad input: eve")
        self.assertTrue(any("/var/task/index.js" in line for line in payload["trace"]), payload)
        # The environment survives a function error.
        _, ok, _ = self.invoke("ric-text", {"name": "after"})
        self.assertEqual(ok["greeting"], "hello after")
        request_id = r["ResponseMetadata"]["RequestId"]
        self.assertIn(f"\t{request_id}\tERROR\tInvoke Error \t", log)

    def test_text_log_lines_carry_request_id_and_level(self):
        r, _, log = self.invoke("ric-text", {"name": "logs"})
        request_id = r["ResponseMetadata"]["RequestId"]
        lines = log.splitlines()
        self.assertTrue(any(line.startswith(f"START RequestId: {request_id}") for line in lines), log)
        info = [line for line in lines if f"\t{request_id}\tINFO\tprocessing logs" in line]
        self.assertEqual(len(info), 1, log)
        self.assertRegex(info[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t")
        self.assertTrue(any(f"\t{request_id}\tERROR\tto stderr {{ n: " in line for line in lines), log)
        self.assertTrue(any(line.startswith(f"END RequestId: {request_id}") for line in lines), log)
        self.assertTrue(any(line.startswith(f"REPORT RequestId: {request_id}") for line in lines), log)

    def test_json_log_format_gives_one_json_object_per_console_call(self):
        r, payload, log = self.invoke("ric-json", {"name": "structured"})
        self.assertEqual(payload["greeting"], "hello structured")
        request_id = r["ResponseMetadata"]["RequestId"]
        records = []
        for line in log.splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
        info = [rec for rec in records if rec.get("message") == "processing structured"]
        self.assertEqual(len(info), 1, log)
        self.assertEqual(info[0]["level"], "INFO")
        self.assertEqual(info[0]["requestId"], request_id)
        self.assertRegex(info[0]["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        errors = [rec for rec in records if rec.get("level") == "ERROR"]
        self.assertEqual(len(errors), 1, log)


if __name__ == "__main__":
    unittest.main()

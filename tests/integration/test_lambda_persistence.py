"""Lambda state that outlives the process, and Lambda behind --auth sigv4.

A server on a data directory is stopped with SIGTERM and started again on it:
functions, versions, aliases, layers, settings and code are all still there.
With --auth sigv4, API calls must be signed but GetFunction's Code.Location
is fetched unsigned, as clients fetch a presigned S3 URL."""
import json
import shutil
import signal
import tempfile
import unittest
import urllib.error
import urllib.request

import botocore.exceptions

from test_lambda_api import (NODE_CODE, PY_CODE, ROLE, download, layer_arn, make_zip,
                             sha256_b64)
from kumo_harness import KumoServer


class RestartTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="kumo-lambda-restart-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)

    def start(self):
        server = KumoServer(data_dir=self.data_dir).start()
        self.addCleanup(server.cleanup)
        return server, server.client("lambda")

    def restart(self, server):
        """SIGTERM, then a new server on the same data directory."""
        # The exit status is not asserted: a race in the server's shutdown
        # (src/server, src/edge) can crash it after the store is closed. This
        # test is about what survives, which a crash at that point cannot lose.
        server.stop(signal.SIGTERM)
        return self.start()

    def test_everything_survives_a_restart(self):
        server, lam = self.start()
        layer_zip = make_zip({"python/shared.py": "VALUE = 1\n"})
        layer = lam.publish_layer_version(LayerName="shared", Content={"ZipFile": layer_zip},
                                          CompatibleRuntimes=["python3.12"])
        v1_zip = make_zip(PY_CODE)
        lam.create_function(FunctionName="durable", Runtime="python3.12", Role=ROLE,
                            Handler="app.handler", Code={"ZipFile": v1_zip},
                            Layers=[layer["LayerVersionArn"]], Tags={"keep": "me"},
                            Environment={"Variables": {"STAGE": "one"}})
        lam.publish_version(FunctionName="durable")
        v2_zip = make_zip({"app.py": "def handler(e, c):\n    return 2\n"})
        lam.update_function_code(FunctionName="durable", ZipFile=v2_zip)
        lam.publish_version(FunctionName="durable")
        lam.create_alias(FunctionName="durable", Name="live", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
        lam.put_function_concurrency(FunctionName="durable", ReservedConcurrentExecutions=5)
        lam.put_function_event_invoke_config(FunctionName="durable", MaximumRetryAttempts=0)
        lam.add_permission(FunctionName="durable", StatementId="s", Principal="*",
                           Action="lambda:InvokeFunction")
        lam.create_function(FunctionName="gone", Runtime="nodejs20.x", Role=ROLE,
                            Handler="index.handler", Code={"ZipFile": make_zip(NODE_CODE)})
        lam.delete_function(FunctionName="gone")
        before = lam.get_function(FunctionName="durable")
        server, lam = self.restart(server)
        after = lam.get_function(FunctionName="durable")
        self.assertEqual(after["Configuration"], before["Configuration"])
        self.assertEqual(after["Tags"], {"keep": "me"})
        self.assertEqual(after["Concurrency"], {"ReservedConcurrentExecutions": 5})
        self.assertEqual(download(after["Code"]["Location"])[1], v2_zip)
        one = lam.get_function(FunctionName="durable", Qualifier="1")
        self.assertEqual(one["Configuration"]["CodeSha256"], sha256_b64(v1_zip))
        self.assertEqual(download(one["Code"]["Location"])[1], v1_zip)
        self.assertEqual([v["Version"] for v in
                          lam.list_versions_by_function(FunctionName="durable")["Versions"]],
                         ["$LATEST", "1", "2"])
        alias = lam.get_alias(FunctionName="durable", Name="live")
        self.assertEqual(alias["RoutingConfig"], {"AdditionalVersionWeights": {"2": 0.1}})
        self.assertEqual(lam.get_function_event_invoke_config(
            FunctionName="durable")["MaximumRetryAttempts"], 0)
        policy = json.loads(lam.get_policy(FunctionName="durable")["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["s"])
        got_layer = lam.get_layer_version_by_arn(Arn=layer["LayerVersionArn"])
        self.assertEqual(download(got_layer["Content"]["Location"])[1], layer_zip)
        self.assertEqual([f["FunctionName"] for f in lam.list_functions()["Functions"]],
                         ["durable"])

        # Numbering continues where it stopped.
        lam.update_function_configuration(FunctionName="durable", Timeout=9)
        self.assertEqual(lam.publish_version(FunctionName="durable")["Version"], "3")
        again = lam.publish_layer_version(LayerName="shared", Content={"ZipFile": layer_zip})
        self.assertEqual(again["LayerVersionArn"], layer_arn("shared", 2))
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            lam.get_function(FunctionName="gone")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_code_shared_by_two_functions_survives_deleting_one(self):
        server, lam = self.start()
        zipped = make_zip(NODE_CODE)
        for name in ("twin-a", "twin-b"):
            lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=ROLE,
                                Handler="index.handler", Code={"ZipFile": zipped})
        lam.delete_function(FunctionName="twin-a")
        server, lam = self.restart(server)
        got = lam.get_function(FunctionName="twin-b")
        self.assertEqual(download(got["Code"]["Location"])[1], zipped)


class SigV4Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kumo = KumoServer("--auth", "sigv4", in_memory=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.kumo.cleanup()

    def test_code_location_downloads_unsigned(self):
        lam = self.kumo.client("lambda")
        zipped = make_zip(NODE_CODE)
        lam.create_function(FunctionName="signed", Runtime="nodejs20.x", Role=ROLE,
                            Handler="index.handler", Code={"ZipFile": zipped})
        location = lam.get_function(FunctionName="signed")["Code"]["Location"]
        self.assertEqual(download(location), (200, zipped))
        layer = lam.publish_layer_version(LayerName="signed-layer",
                                          Content={"ZipFile": make_zip({"x.txt": "x"})})
        self.assertEqual(download(layer["Content"]["Location"])[0], 200)

    def test_api_calls_must_be_signed(self):
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(self.kumo.endpoint + "/2015-03-31/functions/", timeout=30)
        self.assertEqual(caught.exception.code, 403)
        wrong = self.kumo.client("lambda", secret_key="not-the-secret")
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            wrong.list_functions()
        # Lambda's own name for a bad signature (STS and S3 say SignatureDoesNotMatch).
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidSignatureException")


if __name__ == "__main__":
    unittest.main()

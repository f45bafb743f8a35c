"""Lambda's other resources through boto3: layers, reserved concurrency and
the account's limits, event invoke configs, account settings, tags, resource
policies, and Invoke's checks (DryRun, payload limits) while no execution
engine is attached."""
import json
import unittest

import botocore.exceptions

from test_lambda_api import (ACCOUNT, NODE_CODE, PY_CODE, ROLE, LambdaTestCase, arn, download,
                             layer_arn, make_zip, sha256_b64)

LAYER_CODE = {"nodejs/node_modules/greet/index.js": "module.exports = () => 'hi';\n"}


class LayersTest(LambdaTestCase):
    def publish(self, name, files=None, **kwargs):
        return self.lam.publish_layer_version(
            LayerName=name, Content={"ZipFile": make_zip(files or LAYER_CODE)}, **kwargs)

    def test_layer_version_lifecycle(self):
        zipped = make_zip(LAYER_CODE)
        v1 = self.lam.publish_layer_version(
            LayerName="greet", Description="greetings", LicenseInfo="MIT",
            Content={"ZipFile": zipped}, CompatibleRuntimes=["nodejs20.x", "nodejs22.x"],
            CompatibleArchitectures=["x86_64"])
        self.assertEqual(v1["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(v1["LayerArn"], layer_arn("greet"))
        self.assertEqual(v1["LayerVersionArn"], layer_arn("greet", 1))
        self.assertEqual(v1["Version"], 1)
        self.assertEqual((v1["Description"], v1["LicenseInfo"]), ("greetings", "MIT"))
        self.assertEqual(v1["CompatibleRuntimes"], ["nodejs20.x", "nodejs22.x"])
        self.assertEqual(v1["CompatibleArchitectures"], ["x86_64"])
        self.assertEqual(v1["Content"]["CodeSha256"], sha256_b64(zipped))
        self.assertEqual(v1["Content"]["CodeSize"], len(zipped))
        self.assertRegex(v1["CreatedDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertEqual(download(v1["Content"]["Location"])[1], zipped)
        v2 = self.publish("greet", {"python/greet.py": "X = 1\n"}, CompatibleRuntimes=["python3.12"])
        self.assertEqual(v2["Version"], 2)

        got = self.lam.get_layer_version(LayerName="greet", VersionNumber=1)
        self.assertEqual(got["LayerVersionArn"], layer_arn("greet", 1))
        self.assertEqual(download(got["Content"]["Location"])[1], zipped)
        by_arn = self.lam.get_layer_version_by_arn(Arn=layer_arn("greet", 2))
        self.assertEqual((by_arn["Version"], by_arn["CompatibleRuntimes"]), (2, ["python3.12"]))
        by_layer_arn = self.lam.get_layer_version(LayerName=layer_arn("greet"), VersionNumber=2)
        self.assertEqual(by_layer_arn["Version"], 2)

        versions = self.lam.list_layer_versions(LayerName="greet")["LayerVersions"]
        self.assertEqual([v["Version"] for v in versions], [2, 1])
        self.assertNotIn("Content", versions[0])
        node_only = self.lam.list_layer_versions(LayerName="greet",
                                                 CompatibleRuntime="nodejs20.x")["LayerVersions"]
        self.assertEqual([v["Version"] for v in node_only], [1])
        layers = self.lam.list_layers(CompatibleRuntime="nodejs22.x")["Layers"]
        greet = [l for l in layers if l["LayerName"] == "greet"]
        self.assertEqual(len(greet), 1)
        self.assertEqual(greet[0]["LayerArn"], layer_arn("greet"))
        self.assertEqual(greet[0]["LatestMatchingVersion"]["Version"], 1)

        self.assertEqual(self.lam.delete_layer_version(LayerName="greet", VersionNumber=1)
                         ["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_layer_version,
                          message="The resource you requested does not exist.",
                          LayerName="greet", VersionNumber=1)
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_layer_version_by_arn,
                          Arn=layer_arn("greet", 1))
        self.lam.delete_layer_version(LayerName="greet", VersionNumber=1)  # idempotent
        self.assertEqual(self.publish("greet")["Version"], 3, "numbers are never reused")

    def test_layer_errors(self):
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_layer_version,
                          LayerName="absent", VersionNumber=1)
        self.assertEqual(self.lam.list_layer_versions(LayerName="absent")["LayerVersions"], [])
        self.assert_error(400, "ValidationException", self.raw.get_layer_version_by_arn,
                          Arn="arn:aws:lambda:us-east-1:000000000000:layer:noversion")
        self.assert_error(400, "ValidationException", self.raw.publish_layer_version,
                          LayerName="bad name", Content={"ZipFile": make_zip(LAYER_CODE)})
        err = self.assert_error(400, "ValidationException", self.raw.publish_layer_version,
                                LayerName="badrt", Content={"ZipFile": make_zip(LAYER_CODE)},
                                CompatibleRuntimes=["cobol"])
        self.assertIn("at 'compatibleRuntimes' failed to satisfy constraint", err["Message"])
        self.assert_error(400, "InvalidParameterValueException", self.lam.publish_layer_version,
                          LayerName="notzip", Content={"ZipFile": b"nope"})
        self.assert_error(400, "InvalidParameterValueException", self.lam.publish_layer_version,
                          LayerName="escape", Content={"ZipFile": make_zip({"../x": "x"})})

    def test_list_layers_pages(self):
        for i in range(5):
            self.publish(f"paged-{i}")
        pages = list(self.lam.get_paginator("list_layers").paginate(
            PaginationConfig={"PageSize": 2}))
        names = [l["LayerName"] for p in pages for l in p["Layers"]]
        paged = [n for n in names if n.startswith("paged-")]
        self.assertEqual(paged, [f"paged-{i}" for i in range(5)])
        self.assertEqual(len(names), len(set(names)))

    def test_functions_use_layers(self):
        a = self.publish("use-a")
        b = self.publish("use-b", {"python/b.py": "B = 2\n"})
        made = self.create("layered", PY_CODE, runtime="python3.12", handler="app.handler",
                           Layers=[a["LayerVersionArn"], b["LayerVersionArn"]])
        self.assertEqual(made["Layers"], [
            {"Arn": a["LayerVersionArn"], "CodeSize": a["Content"]["CodeSize"]},
            {"Arn": b["LayerVersionArn"], "CodeSize": b["Content"]["CodeSize"]}])
        a2 = self.publish("use-a")
        err = self.assert_error(400, "InvalidParameterValueException",
                                self.lam.update_function_configuration, FunctionName="layered",
                                Layers=[a["LayerVersionArn"], a2["LayerVersionArn"]])
        self.assertIn("Two different versions of the same layer", err["Message"])
        many = [self.publish(f"many-{i}")["LayerVersionArn"] for i in range(6)]
        self.assert_error(400, "InvalidParameterValueException",
                          self.lam.update_function_configuration, FunctionName="layered",
                          Layers=many, message="Cannot reference more than 5 layers.")
        updated = self.lam.update_function_configuration(FunctionName="layered",
                                                         Layers=[a2["LayerVersionArn"]])
        self.assertEqual([l["Arn"] for l in updated["Layers"]], [a2["LayerVersionArn"]])
        # Deleting a layer version leaves the functions that use it intact.
        self.lam.delete_layer_version(LayerName="use-a", VersionNumber=2)
        config = self.lam.get_function_configuration(FunctionName="layered")
        self.assertEqual([l["Arn"] for l in config["Layers"]], [a2["LayerVersionArn"]])
        cleared = self.lam.update_function_configuration(FunctionName="layered", Layers=[])
        self.assertNotIn("Layers", cleared)


class ConcurrencyAndSettingsTest(LambdaTestCase):
    def test_reserved_concurrency_and_account_limits(self):
        self.create("conc-a")
        self.create("conc-b")
        self.assertEqual(self.lam.get_function_concurrency(FunctionName="conc-a").get(
            "ReservedConcurrentExecutions"), None)
        put = self.lam.put_function_concurrency(FunctionName="conc-a",
                                                ReservedConcurrentExecutions=600)
        self.assertEqual(put["ReservedConcurrentExecutions"], 600)
        self.assertEqual(self.lam.get_function_concurrency(
            FunctionName="conc-a")["ReservedConcurrentExecutions"], 600)
        self.assertEqual(self.lam.get_function(FunctionName="conc-a")["Concurrency"],
                         {"ReservedConcurrentExecutions": 600})
        settings = self.lam.get_account_settings()
        self.assertEqual(settings["AccountLimit"]["ConcurrentExecutions"], 1000)
        self.assertEqual(settings["AccountLimit"]["UnreservedConcurrentExecutions"], 400)

        self.assert_error(
            400, "InvalidParameterValueException", self.lam.put_function_concurrency,
            message="Specified ReservedConcurrentExecutions for function decreases account's "
                    "UnreservedConcurrentExecution below its minimum value of [100].",
            FunctionName="conc-b", ReservedConcurrentExecutions=301)
        self.lam.put_function_concurrency(FunctionName="conc-b", ReservedConcurrentExecutions=300)
        # Replacing a function's own reservation counts only the others.
        self.lam.put_function_concurrency(FunctionName="conc-a", ReservedConcurrentExecutions=600)

        self.assertEqual(self.lam.delete_function_concurrency(FunctionName="conc-a")
                         ["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNotIn("ReservedConcurrentExecutions",
                         self.lam.get_function_concurrency(FunctionName="conc-a"))
        self.assertEqual(self.lam.get_account_settings()["AccountLimit"]
                         ["UnreservedConcurrentExecutions"], 700)
        self.lam.delete_function_concurrency(FunctionName="conc-b")
        self.assert_error(400, "ValidationException", self.raw.put_function_concurrency,
                          FunctionName="conc-a", ReservedConcurrentExecutions=-1)
        self.assert_error(404, "ResourceNotFoundException", self.lam.put_function_concurrency,
                          FunctionName="conc-missing", ReservedConcurrentExecutions=1)
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_function_concurrency,
                          FunctionName="conc-missing")

    def test_account_settings_count_functions_and_code(self):
        before = self.lam.get_account_settings()
        self.assertEqual(before["AccountLimit"]["CodeSizeZipped"], 52428800)
        self.assertEqual(before["AccountLimit"]["CodeSizeUnzipped"], 262144000)
        made = self.create("counted")
        after = self.lam.get_account_settings()
        self.assertEqual(after["AccountUsage"]["FunctionCount"],
                         before["AccountUsage"]["FunctionCount"] + 1)
        self.assertEqual(after["AccountUsage"]["TotalCodeSize"],
                         before["AccountUsage"]["TotalCodeSize"] + made["CodeSize"])


class EventInvokeConfigTest(LambdaTestCase):
    def test_put_get_update_list_delete(self):
        self.create("async-fn")
        self.create("async-target")
        self.lam.publish_version(FunctionName="async-fn")
        put = self.lam.put_function_event_invoke_config(
            FunctionName="async-fn", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=3600,
            DestinationConfig={"OnFailure": {"Destination": arn("async-target")}})
        self.assertEqual(put["FunctionArn"], arn("async-fn", "$LATEST"))
        self.assertEqual((put["MaximumRetryAttempts"], put["MaximumEventAgeInSeconds"]), (1, 3600))
        self.assertEqual(put["DestinationConfig"]["OnFailure"], {"Destination": arn("async-target")})
        got = self.lam.get_function_event_invoke_config(FunctionName="async-fn")
        self.assertEqual(got["MaximumRetryAttempts"], 1)

        updated = self.lam.update_function_event_invoke_config(FunctionName="async-fn",
                                                               MaximumRetryAttempts=0)
        self.assertEqual((updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]),
                         (0, 3600), "update keeps what it was not given")
        replaced = self.lam.put_function_event_invoke_config(FunctionName="async-fn",
                                                             MaximumRetryAttempts=2)
        self.assertNotIn("MaximumEventAgeInSeconds", replaced, "put replaces the whole config")
        self.lam.put_function_event_invoke_config(FunctionName="async-fn", Qualifier="1",
                                                  MaximumEventAgeInSeconds=60)
        listed = self.lam.list_function_event_invoke_configs(
            FunctionName="async-fn")["FunctionEventInvokeConfigs"]
        self.assertEqual(sorted(c["FunctionArn"] for c in listed),
                         [arn("async-fn", "$LATEST"), arn("async-fn", "1")])

        self.lam.delete_function_event_invoke_config(FunctionName="async-fn")
        self.assert_error(
            404, "ResourceNotFoundException", self.lam.get_function_event_invoke_config,
            message=f"The function {arn('async-fn', '$LATEST')} doesn't have an EventInvokeConfig",
            FunctionName="async-fn")
        self.assert_error(404, "ResourceNotFoundException",
                          self.lam.update_function_event_invoke_config,
                          FunctionName="async-fn", MaximumRetryAttempts=1)

    def test_event_invoke_config_checks(self):
        self.create("async-checks")
        self.assert_error(400, "ValidationException", self.raw.put_function_event_invoke_config,
                          FunctionName="async-checks", MaximumRetryAttempts=3)
        self.assert_error(400, "ValidationException", self.raw.put_function_event_invoke_config,
                          FunctionName="async-checks", MaximumEventAgeInSeconds=21601)
        self.assert_error(
            400, "InvalidParameterValueException", self.lam.put_function_event_invoke_config,
            message="You can't specify the function as a destination for itself.",
            FunctionName="async-checks",
            DestinationConfig={"OnSuccess": {"Destination": arn("async-checks")}})
        self.assert_error(
            400, "InvalidParameterValueException", self.lam.put_function_event_invoke_config,
            message=f"The destination ARN {arn('nowhere')} is invalid.",
            FunctionName="async-checks",
            DestinationConfig={"OnFailure": {"Destination": arn("nowhere")}})
        ok = self.lam.put_function_event_invoke_config(
            FunctionName="async-checks", DestinationConfig={
                "OnSuccess": {"Destination": f"arn:aws:sqs:us-east-1:{ACCOUNT}:done"}})
        self.assertEqual(ok["DestinationConfig"]["OnSuccess"]["Destination"],
                         f"arn:aws:sqs:us-east-1:{ACCOUNT}:done")
        self.assert_error(404, "ResourceNotFoundException",
                          self.lam.put_function_event_invoke_config,
                          FunctionName="async-none", MaximumRetryAttempts=1)


class TagsAndPolicyTest(LambdaTestCase):
    def test_tags(self):
        self.create("tagged", Tags={"a": "1"})
        self.lam.tag_resource(Resource=arn("tagged"), Tags={"b": "2", "a": "one"})
        self.assertEqual(self.lam.list_tags(Resource=arn("tagged"))["Tags"],
                         {"a": "one", "b": "2"})
        self.lam.untag_resource(Resource=arn("tagged"), TagKeys=["a"])
        self.assertEqual(self.lam.list_tags(Resource=arn("tagged"))["Tags"], {"b": "2"})
        self.assertEqual(self.lam.get_function(FunctionName="tagged")["Tags"], {"b": "2"})
        self.assert_error(404, "ResourceNotFoundException", self.lam.list_tags,
                          Resource=arn("untagged-missing"))
        too_many = {f"k{i}": "v" for i in range(51)}
        self.assert_error(400, "InvalidParameterValueException", self.lam.tag_resource,
                          Resource=arn("tagged"), Tags=too_many)

    def test_permissions_and_policy(self):
        self.create("guarded")
        self.lam.publish_version(FunctionName="guarded")
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_policy,
                          message="The resource you requested does not exist.",
                          FunctionName="guarded")
        added = self.lam.add_permission(
            FunctionName="guarded", StatementId="s3-invoke", Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::my-bucket",
            SourceAccount=ACCOUNT)
        self.assertEqual(added["ResponseMetadata"]["HTTPStatusCode"], 201)
        statement = json.loads(added["Statement"])
        self.assertEqual(statement["Sid"], "s3-invoke")
        self.assertEqual(statement["Effect"], "Allow")
        self.assertEqual(statement["Principal"], {"Service": "s3.amazonaws.com"})
        self.assertEqual(statement["Action"], "lambda:InvokeFunction")
        self.assertEqual(statement["Resource"], arn("guarded"))
        self.assertEqual(statement["Condition"]["ArnLike"], {"AWS:SourceArn": "arn:aws:s3:::my-bucket"})
        self.assertEqual(statement["Condition"]["StringEquals"], {"AWS:SourceAccount": ACCOUNT})
        self.lam.add_permission(FunctionName="guarded", StatementId="acct",
                                Action="lambda:GetFunction", Principal=ACCOUNT)

        policy = self.lam.get_policy(FunctionName="guarded")
        document = json.loads(policy["Policy"])
        self.assertEqual(document["Version"], "2012-10-17")
        self.assertEqual([s["Sid"] for s in document["Statement"]], ["s3-invoke", "acct"])
        self.assertEqual(document["Statement"][1]["Principal"],
                         {"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
        self.assertRegex(policy["RevisionId"], r"^[0-9a-f-]{36}$")

        self.assert_error(409, "ResourceConflictException", self.lam.add_permission,
                          FunctionName="guarded", StatementId="acct",
                          Action="lambda:InvokeFunction", Principal="*")
        self.assert_error(412, "PreconditionFailedException", self.lam.add_permission,
                          FunctionName="guarded", StatementId="late",
                          Action="lambda:InvokeFunction", Principal="*", RevisionId="stale")
        self.assert_error(400, "InvalidParameterValueException", self.lam.add_permission,
                          FunctionName="guarded", StatementId="x", Qualifier="$LATEST",
                          Action="lambda:InvokeFunction", Principal="*")
        on_version = self.lam.add_permission(FunctionName="guarded", StatementId="v1",
                                             Qualifier="1", Action="lambda:InvokeFunction",
                                             Principal="events.amazonaws.com")
        self.assertEqual(json.loads(on_version["Statement"])["Resource"], arn("guarded", "1"))
        self.assertEqual(len(json.loads(self.lam.get_policy(FunctionName="guarded", Qualifier="1")
                                        ["Policy"])["Statement"]), 1)

        self.lam.remove_permission(FunctionName="guarded", StatementId="s3-invoke")
        remaining = json.loads(self.lam.get_policy(FunctionName="guarded")["Policy"])
        self.assertEqual([s["Sid"] for s in remaining["Statement"]], ["acct"])
        self.assert_error(404, "ResourceNotFoundException", self.lam.remove_permission,
                          message="Statement s3-invoke is not found in resource policy.",
                          FunctionName="guarded", StatementId="s3-invoke")
        self.lam.remove_permission(FunctionName="guarded", StatementId="acct")
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_policy,
                          FunctionName="guarded")


class InvokeChecksTest(LambdaTestCase):
    """Invoke's own checks; successful invocations belong to the execution engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam.create_function(FunctionName="callee", Runtime="nodejs20.x", Role=ROLE,
                                Handler="index.handler", Code={"ZipFile": make_zip(NODE_CODE)})

    def test_dry_run_is_204(self):
        r = self.lam.invoke(FunctionName="callee", InvocationType="DryRun", Payload=b'{"a": 1}')
        self.assertEqual(r["StatusCode"], 204)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.lam.invoke(FunctionName=arn("callee"),
                                         InvocationType="DryRun")["StatusCode"], 204)
        self.assert_error(404, "ResourceNotFoundException", self.lam.invoke,
                          message=f"Function not found: {arn('callee', '5')}",
                          FunctionName="callee", InvocationType="DryRun", Qualifier="5")
        self.assert_error(404, "ResourceNotFoundException", self.lam.invoke,
                          FunctionName="nobody-home", InvocationType="DryRun")

    def test_payload_over_6_mb_is_413(self):
        payload = b'{"x": "' + b"a" * (6 * 1024 * 1024) + b'"}'
        err = self.assert_error(413, "RequestTooLargeException", self.lam.invoke,
                                FunctionName="callee", Payload=payload)
        self.assertEqual(err["Message"], "Request must be smaller than 6291456 bytes for the "
                                         "InvokeFunction operation")

    def test_event_payload_limit_is_1_mb(self):
        payload = b'{"x": "' + b"a" * (1024 * 1024) + b'"}'
        err = self.assert_error(413, "RequestTooLargeException", self.lam.invoke,
                                FunctionName="callee", InvocationType="Event", Payload=payload)
        self.assertIn("must be smaller than 1048576 bytes", err["Message"])
        # Past the old 256 KB limit: accepted (queued, or refused for want of an engine).
        under = b'{"x": "' + b"a" * (600 * 1024) + b'"}'
        try:
            status = self.lam.invoke(FunctionName="callee", InvocationType="Event",
                                     Payload=under)["StatusCode"]
            self.assertEqual(status, 202)
        except botocore.exceptions.ClientError as e:
            self.assertNotEqual(e.response["Error"]["Code"], "RequestTooLargeException")

    def test_invalid_json_and_headers(self):
        err = self.assert_error(400, "InvalidRequestContentException", self.lam.invoke,
                                FunctionName="callee", InvocationType="DryRun", Payload=b"{nope")
        self.assertTrue(err["Message"].startswith("Could not parse request body into json: "),
                        err["Message"])
        self.assert_error(400, "ValidationException", self.raw.invoke, FunctionName="callee",
                          InvocationType="Sometimes")


if __name__ == "__main__":
    unittest.main()

"""Lambda versions and aliases through boto3 and the AWS CLI: PublishVersion
(and no new version while $LATEST is unchanged), ListVersionsByFunction,
aliases with routing weights and their checks, and the `function-active` /
`function-updated` waiters of `aws lambda wait`."""
import json
import os
import tempfile
import unittest

from test_lambda_api import (NODE_CODE, ROLE, LambdaTestCase, arn, make_zip, sha256_b64)


class VersionsTest(LambdaTestCase):
    def test_publish_only_when_latest_changed(self):
        created = self.create("pub", Description="first")
        v1 = self.lam.publish_version(FunctionName="pub", Description="release one")
        self.assertEqual(v1["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(v1["Version"], "1")
        self.assertEqual(v1["FunctionArn"], arn("pub", "1"))
        self.assertEqual(v1["Description"], "release one")
        self.assertEqual(v1["CodeSha256"], created["CodeSha256"])
        self.assertEqual(v1["State"], "Pending")

        again = self.lam.publish_version(FunctionName="pub")
        self.assertEqual(again["Version"], "1", "an unchanged $LATEST publishes nothing new")
        self.assertEqual(
            [v["Version"] for v in self.lam.list_versions_by_function(FunctionName="pub")["Versions"]],
            ["$LATEST", "1"])

        self.lam.update_function_configuration(FunctionName="pub", MemorySize=512)
        v2 = self.lam.publish_version(FunctionName="pub")
        self.assertEqual((v2["Version"], v2["MemorySize"]), ("2", 512))
        new_zip = make_zip({"index.js": "exports.handler = async () => 3;\n"})
        self.lam.update_function_code(FunctionName="pub", ZipFile=new_zip)
        v3 = self.lam.publish_version(FunctionName="pub", CodeSha256=sha256_b64(new_zip))
        self.assertEqual(v3["Version"], "3")

        # Published versions are immutable snapshots.
        one = self.lam.get_function_configuration(FunctionName="pub", Qualifier="1")
        self.assertEqual((one["MemorySize"], one["CodeSha256"]), (128, created["CodeSha256"]))
        self.assertEqual((one["State"], one["LastUpdateStatus"]), ("Active", "Successful"))
        self.assertNotIn("LastUpdateStatus", v1, "the publish answer says Pending only")

    def test_publish_checks_code_sha_and_revision(self):
        created = self.create("pubcheck")
        err = self.assert_error(400, "InvalidParameterValueException", self.lam.publish_version,
                                FunctionName="pubcheck", CodeSha256="abc")
        self.assertEqual(err["Message"],
                         f"CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST "
                         f"({created['CodeSha256']}). Please try again with the CodeSHA256 in "
                         "$LATEST.")
        self.assert_error(412, "PreconditionFailedException", self.lam.publish_version,
                          FunctionName="pubcheck", RevisionId="nope")
        latest = self.lam.get_function_configuration(FunctionName="pubcheck")
        self.assertEqual(self.lam.publish_version(
            FunctionName="pubcheck", RevisionId=latest["RevisionId"])["Version"], "1")
        self.assert_error(404, "ResourceNotFoundException", self.lam.publish_version,
                          FunctionName="pub-missing")

    def test_publish_on_create_and_on_update_code(self):
        made = self.create("pubcreate", Publish=True)
        self.assertEqual(made["Version"], "1")
        self.assertEqual(made["FunctionArn"], arn("pubcreate", "1"))
        updated = self.lam.update_function_code(
            FunctionName="pubcreate", ZipFile=make_zip({"index.js": "// two\n"}), Publish=True)
        self.assertEqual(updated["Version"], "2")
        self.assertEqual(updated["FunctionArn"], arn("pubcreate", "2"))

    def test_list_versions_pages(self):
        self.create("many")
        for memory in range(129, 136):
            self.lam.update_function_configuration(FunctionName="many", MemorySize=memory)
            self.lam.publish_version(FunctionName="many")
        first = self.lam.list_versions_by_function(FunctionName="many", MaxItems=3)
        self.assertEqual([v["Version"] for v in first["Versions"]], ["$LATEST", "1", "2"])
        self.assertEqual(first["Versions"][1]["FunctionArn"], arn("many", "1"))
        self.assertNotIn("State", first["Versions"][0])
        pages = list(self.lam.get_paginator("list_versions_by_function").paginate(
            FunctionName="many", PaginationConfig={"PageSize": 3}))
        self.assertEqual(len(pages), 3)
        self.assertEqual([v["Version"] for p in pages for v in p["Versions"]],
                         ["$LATEST"] + [str(i) for i in range(1, 8)])
        self.assert_error(404, "ResourceNotFoundException", self.lam.list_versions_by_function,
                          message=f"Function not found: {arn('nothing')}", FunctionName="nothing")


class AliasesTest(LambdaTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam.create_function(FunctionName="aliased", Runtime="nodejs20.x", Role=ROLE,
                                Handler="index.handler", Code={"ZipFile": make_zip(NODE_CODE)})
        for memory in (256, 512):
            cls.lam.publish_version(FunctionName="aliased")
            cls.lam.update_function_configuration(FunctionName="aliased", MemorySize=memory)
        cls.lam.publish_version(FunctionName="aliased")  # versions 1, 2, 3

    def test_alias_lifecycle_with_routing(self):
        created = self.lam.create_alias(
            FunctionName="aliased", Name="live", FunctionVersion="1", Description="prod",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(created["AliasArn"], arn("aliased", "live"))
        self.assertEqual((created["Name"], created["FunctionVersion"]), ("live", "1"))
        self.assertEqual(created["Description"], "prod")
        self.assertEqual(created["RoutingConfig"], {"AdditionalVersionWeights": {"2": 0.25}})
        self.assertRegex(created["RevisionId"], r"^[0-9a-f-]{36}$")

        got = self.lam.get_alias(FunctionName="aliased", Name="live")
        self.assertEqual(got["RoutingConfig"], created["RoutingConfig"])
        through = self.lam.get_function(FunctionName="aliased", Qualifier="live")["Configuration"]
        self.assertEqual((through["Version"], through["FunctionArn"]), ("1", arn("aliased", "live")))

        self.assert_error(409, "ResourceConflictException", self.lam.create_alias,
                          message=f"Alias already exists: {arn('aliased', 'live')}",
                          FunctionName="aliased", Name="live", FunctionVersion="2")
        self.assert_error(412, "PreconditionFailedException", self.lam.update_alias,
                          FunctionName="aliased", Name="live", FunctionVersion="3",
                          RevisionId="stale")
        updated = self.lam.update_alias(FunctionName="aliased", Name="live", FunctionVersion="2",
                                        RoutingConfig={"AdditionalVersionWeights": {"3": 0.5}},
                                        RevisionId=created["RevisionId"])
        self.assertEqual(updated["FunctionVersion"], "2")
        self.assertEqual(updated["Description"], "prod")
        self.assertEqual(updated["RoutingConfig"], {"AdditionalVersionWeights": {"3": 0.5}})
        self.assertNotEqual(updated["RevisionId"], created["RevisionId"])
        cleared = self.lam.update_alias(FunctionName="aliased", Name="live",
                                        RoutingConfig={"AdditionalVersionWeights": {}})
        self.assertNotIn("RoutingConfig", cleared)

        self.assertEqual(self.lam.delete_alias(FunctionName="aliased", Name="live")
                         ["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_alias,
                          message=f"Cannot find alias arn: {arn('aliased', 'live')}",
                          FunctionName="aliased", Name="live")

    def test_routing_weight_checks(self):
        def refused(status, code, weights, version="1"):
            return self.assert_error(
                status, code, self.raw.create_alias, FunctionName="aliased", Name="weighted",
                FunctionVersion=version, RoutingConfig={"AdditionalVersionWeights": weights})

        err = refused(400, "ValidationException", {"2": 1.5})
        self.assertIn("at 'routingConfig.additionalVersionWeights' failed to satisfy constraint",
                      err["Message"])
        self.assertIn("{2=1.5}", err["Message"])
        refused(400, "ValidationException", {"2": -0.1})
        refused(400, "InvalidParameterValueException", {"2": 0.1, "3": 0.1})
        err = refused(400, "InvalidParameterValueException", {"1": 0.5})
        self.assertEqual(err["Message"], "Invalid function version 1. Function version 1 is "
                                         "already included in routing configuration.")
        err = refused(400, "InvalidParameterValueException", {"2": 0.5}, version="$LATEST")
        self.assertEqual(err["Message"],
                         "$LATEST is not supported for an alias pointing to more than 1 version")
        refused(404, "ResourceNotFoundException", {"9": 0.5})
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_alias,
                          FunctionName="aliased", Name="weighted")

    def test_alias_names_and_targets(self):
        self.assert_error(400, "ValidationException", self.raw.create_alias,
                          FunctionName="aliased", Name="123", FunctionVersion="1")
        self.assert_error(404, "ResourceNotFoundException", self.lam.create_alias,
                          message=f"Function not found: {arn('aliased', '42')}",
                          FunctionName="aliased", Name="future", FunctionVersion="42")
        self.assert_error(404, "ResourceNotFoundException", self.lam.create_alias,
                          FunctionName="no-such-fn", Name="a", FunctionVersion="1")
        self.lam.create_alias(FunctionName="aliased", Name="dev", FunctionVersion="$LATEST")
        self.lam.create_alias(FunctionName="aliased", Name="blue", FunctionVersion="3")
        self.lam.create_alias(FunctionName="aliased", Name="green", FunctionVersion="3")
        self.addCleanup(lambda: [self.lam.delete_alias(FunctionName="aliased", Name=n)
                                 for n in ("dev", "blue", "green")])
        names = [a["Name"] for a in self.lam.list_aliases(FunctionName="aliased")["Aliases"]]
        self.assertEqual(names, ["blue", "dev", "green"])
        on3 = self.lam.list_aliases(FunctionName="aliased", FunctionVersion="3")["Aliases"]
        self.assertEqual([a["Name"] for a in on3], ["blue", "green"])
        pages = list(self.lam.get_paginator("list_aliases").paginate(
            FunctionName="aliased", PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["Aliases"]) for p in pages], [2, 1])

        err = self.assert_error(409, "ResourceConflictException", self.lam.delete_function,
                                FunctionName="aliased", Qualifier="3")
        self.assertEqual(err["Message"], "Unable to delete version because the following aliases "
                                         "reference it: [blue, green]")
        # An alias is reached by every name form.
        config = self.lam.get_function_configuration(FunctionName=arn("aliased", "blue"))
        self.assertEqual((config["Version"], config["MemorySize"]), ("3", 512))


class WaitersTest(LambdaTestCase):
    """`aws lambda wait` polls GetFunctionConfiguration until State / LastUpdateStatus."""

    def cli(self, *args):
        return self.kumo.aws_cli("lambda", *args)

    def test_function_active_and_updated_waiters(self):
        zip_path = self.write_zip()
        _, out, _ = self.cli("create-function", "--function-name", "waited", "--runtime",
                             "python3.12", "--role", ROLE, "--handler", "app.handler",
                             "--zip-file", "fileb://" + zip_path)
        self.assertEqual(json.loads(out)["State"], "Pending")
        self.cli("wait", "function-active", "--function-name", "waited")
        self.cli("wait", "function-active-v2", "--function-name", "waited")
        _, out, _ = self.cli("update-function-configuration", "--function-name", "waited",
                             "--timeout", "20")
        self.assertEqual(json.loads(out)["LastUpdateStatus"], "InProgress")
        self.cli("wait", "function-updated", "--function-name", "waited")
        self.cli("wait", "function-updated-v2", "--function-name", "waited")
        self.cli("publish-version", "--function-name", "waited")
        self.cli("wait", "function-updated", "--function-name", "waited", "--qualifier", "1")
        _, out, _ = self.cli("get-function-configuration", "--function-name", "waited")
        self.assertEqual(json.loads(out)["Timeout"], 20)

    def test_waiter_fails_for_a_missing_function(self):
        code, _, err = self.kumo.aws_cli("lambda", "wait", "function-active", "--function-name",
                                         "never-made", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("ResourceNotFoundException", err)

    def write_zip(self):
        fd, path = tempfile.mkstemp(suffix=".zip")
        with os.fdopen(fd, "wb") as f:
            f.write(make_zip({"app.py": "def handler(e, c):\n    return 1\n"}))
        self.addCleanup(os.unlink, path)
        return path


if __name__ == "__main__":
    unittest.main()

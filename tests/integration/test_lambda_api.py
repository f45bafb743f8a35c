"""The Lambda control plane through boto3: creating, reading, listing,
updating and deleting functions, and every input check CreateFunction makes
(names and ARN forms, handler, runtime, memory, timeout, environment, and the
zip: size, unzipped size, entries that climb out, symbolic links). Every
expectation is what AWS answers. The helpers here are shared by the other
test_lambda_*.py files."""
import base64
import hashlib
import io
import os
import stat
import unittest
import urllib.request
import zipfile

import botocore.exceptions

from kumo_harness import KumoServer, KumoTestCase

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
ACCOUNT = "000000000000"
REGION = "us-east-1"
NODE_CODE = {"index.js": "exports.handler = async (event) => ({ ok: true, event });\n"}
PY_CODE = {"app.py": "def handler(event, context):\n    return {'ok': True}\n"}
BOOTSTRAP = {"bootstrap": ("#!/bin/sh\necho provided\n", 0o755)}


def arn(name, qualifier=None):
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


def layer_arn(name, version=None):
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}"
    return f"{base}:{version}" if version else base


def make_zip(files, compression=zipfile.ZIP_DEFLATED):
    """A zip of {name: text-or-bytes} or {name: (content, mode)}, world-readable."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, content in files.items():
            mode = 0o644
            if isinstance(content, tuple):
                content, mode = content
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 5))
            info.compress_type = compression
            info.create_system = 3  # unix, so the mode below is honoured
            info.external_attr = (stat.S_IFREG | mode) << 16
            z.writestr(info, content)
    return buf.getvalue()


def zip_with_links(files, links):
    """make_zip(files) plus symbolic links {name: target}."""
    buf = io.BytesIO(make_zip(files))
    with zipfile.ZipFile(buf, "a") as z:
        for name, target in links.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 5))
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, target)
    return buf.getvalue()


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def download(url):
    """GETs a Code.Location / Content.Location without signing: (status, bytes)."""
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.status, r.read()


class LambdaTestCase(KumoTestCase):
    """A server per class, a boto3 Lambda client, and helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.kumo.client("lambda")
        # Client-side checks off, so the server's own checks are what is tested.
        cls.raw = cls.kumo.client("lambda", parameter_validation=False)

    def error_of(self, call, **kwargs):
        """Calls `call` expecting an AWS error; returns (HTTP status, Error dict)."""
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        r = caught.exception.response
        return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]

    def assert_error(self, status, code, call, message=None, **kwargs):
        got_status, err = self.error_of(call, **kwargs)
        self.assertEqual((got_status, err["Code"]), (status, code), err.get("Message"))
        if message is not None:
            self.assertEqual(err["Message"], message)
        return err

    def create(self, name, files=None, runtime="nodejs20.x", handler="index.handler", **kwargs):
        return self.lam.create_function(
            FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
            Code={"ZipFile": make_zip(files or NODE_CODE)}, **kwargs)

    def create_args(self, name, **overrides):
        args = dict(FunctionName=name, Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
                    Code={"ZipFile": make_zip(NODE_CODE)})
        args.update(overrides)
        return args


class CreateAndReadTest(LambdaTestCase):
    def test_create_node_function_answers_pending_then_reads_active(self):
        zipped = make_zip(NODE_CODE)
        created = self.lam.create_function(
            FunctionName="node-fn", Runtime="nodejs20.x", Role=ROLE, Handler="index.handler",
            Code={"ZipFile": zipped}, Description="a node function", MemorySize=256, Timeout=30,
            Environment={"Variables": {"STAGE": "test", "GREETING": "hello"}})
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(created["FunctionName"], "node-fn")
        self.assertEqual(created["FunctionArn"], arn("node-fn"))
        self.assertEqual(created["Runtime"], "nodejs20.x")
        self.assertEqual(created["Handler"], "index.handler")
        self.assertEqual(created["Role"], ROLE)
        self.assertEqual(created["Description"], "a node function")
        self.assertEqual((created["MemorySize"], created["Timeout"]), (256, 30))
        self.assertEqual(created["Environment"], {"Variables": {"STAGE": "test", "GREETING": "hello"}})
        self.assertEqual(created["CodeSha256"], sha256_b64(zipped))
        self.assertEqual(created["CodeSize"], len(zipped))
        self.assertEqual(created["Version"], "$LATEST")
        self.assertEqual(created["State"], "Pending")
        self.assertEqual(created["StateReasonCode"], "Creating")
        self.assertEqual(created["PackageType"], "Zip")
        self.assertEqual(created["Architectures"], ["x86_64"])
        self.assertEqual(created["EphemeralStorage"], {"Size": 512})
        self.assertEqual(created["TracingConfig"], {"Mode": "PassThrough"})
        self.assertEqual(created["LoggingConfig"], {"LogFormat": "Text", "LogGroup": "/aws/lambda/node-fn"})
        self.assertRegex(created["LastModified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertRegex(created["RevisionId"], r"^[0-9a-f-]{36}$")

        config = self.lam.get_function_configuration(FunctionName="node-fn")
        self.assertEqual(config["State"], "Active")
        self.assertEqual(config["LastUpdateStatus"], "Successful")
        self.assertEqual(config["RevisionId"], created["RevisionId"])
        self.assertNotIn("StateReasonCode", config)

    def test_create_python_and_provided_functions(self):
        py = self.create("py-fn", PY_CODE, runtime="python3.12", handler="app.handler",
                         Architectures=["arm64"])
        self.assertEqual((py["Runtime"], py["Handler"]), ("python3.12", "app.handler"))
        self.assertEqual(py["Architectures"], ["arm64"])
        for runtime in ("provided.al2023", "provided.al2", "provided"):
            name = "bin-" + runtime.replace(".", "-")
            made = self.create(name, BOOTSTRAP, runtime=runtime, handler="bootstrap")
            self.assertEqual(made["Runtime"], runtime)
        got = self.lam.get_function(FunctionName="bin-provided-al2023")
        with zipfile.ZipFile(io.BytesIO(download(got["Code"]["Location"])[1])) as z:
            mode = z.getinfo("bootstrap").external_attr >> 16
        self.assertTrue(mode & stat.S_IXUSR, "the stored zip keeps bootstrap executable")

    def test_create_twice_conflicts(self):
        self.create("twice")
        self.assert_error(409, "ResourceConflictException", self.lam.create_function,
                          message="Function already exist: twice", **self.create_args("twice"))

    def test_get_function_code_location_downloads_the_same_bytes(self):
        zipped = make_zip({"index.js": "exports.handler = async () => 'download';\n",
                           "lib/data.json": '{"n": 1}'})
        self.lam.create_function(FunctionName="dl", Runtime="nodejs22.x", Role=ROLE,
                                 Handler="index.handler", Code={"ZipFile": zipped},
                                 Tags={"team": "core"})
        got = self.lam.get_function(FunctionName="dl")
        self.assertEqual(got["Code"]["RepositoryType"], "S3")
        self.assertTrue(got["Code"]["Location"].startswith(self.kumo.endpoint + "/"))
        status, body = download(got["Code"]["Location"])
        self.assertEqual(status, 200)
        self.assertEqual(body, zipped)
        self.assertEqual(got["Configuration"]["CodeSha256"], sha256_b64(body))
        self.assertEqual(got["Configuration"]["CodeSize"], len(body))
        self.assertEqual(got["Tags"], {"team": "core"})
        self.assertNotIn("Concurrency", got)

    def test_code_download_of_unknown_digest_is_404(self):
        status, _, body = self.kumo.http("GET", "/_kumo/code/" + "0" * 64 + ".zip")
        self.assertEqual(status, 404)
        status, _, _ = self.kumo.http("GET", "/_kumo/code/../../etc/passwd")
        self.assertEqual(status, 404)

    def test_every_name_form_reaches_the_function(self):
        self.create("forms")
        self.lam.publish_version(FunctionName="forms")
        for name in ("forms", arn("forms"), f"{ACCOUNT}:function:forms",
                     f"{REGION}:{ACCOUNT}:function:forms"):
            config = self.lam.get_function_configuration(FunctionName=name)
            self.assertEqual(config["FunctionArn"], arn("forms"), name)
        for name, qualifier in ((arn("forms", "1"), None), ("forms:1", None), ("forms", "1"),
                                ("forms:$LATEST", None)):
            kwargs = {"Qualifier": qualifier} if qualifier else {}
            config = self.lam.get_function_configuration(FunctionName=name, **kwargs)
            expected = name.rsplit(":", 1)[1] if qualifier is None else qualifier
            self.assertEqual(config["Version"], expected)
            self.assertEqual(config["FunctionArn"], arn("forms", expected))

    def test_name_and_qualifier_errors_on_read(self):
        self.create("readerr")
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_function,
                          message=f"Function not found: {arn('nobody')}", FunctionName="nobody")
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_function,
                          message=f"Function not found: {arn('readerr', '7')}",
                          FunctionName="readerr", Qualifier="7")
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_function,
                          message=f"Function not found: {arn('readerr', 'no-alias')}",
                          FunctionName="readerr:no-alias")
        self.assert_error(
            400, "InvalidParameterValueException", self.lam.get_function,
            message="The derived qualifier from the function name does not match the specified "
                    "qualifier.", FunctionName="readerr:1", Qualifier="2")
        self.assert_error(
            404, "ResourceNotFoundException", self.lam.get_function,
            message="Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
            FunctionName=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:readerr")
        err = self.assert_error(400, "ValidationException", self.raw.get_function,
                                FunctionName="bad name!")
        self.assertTrue(err["Message"].startswith(
            "1 validation error detected: Value 'bad name!' at 'functionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "), err["Message"])

    def test_list_functions_pages_with_marker_and_paginator(self):
        server = KumoServer(in_memory=True).start()  # a list of our own
        self.addCleanup(server.cleanup)
        lam = server.client("lambda")
        names = [f"page-{i:02d}" for i in range(7)]
        for name in reversed(names):
            lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                                Handler="app.handler", Code={"ZipFile": make_zip(PY_CODE)})
        first = lam.list_functions(MaxItems=3)
        self.assertEqual([f["FunctionName"] for f in first["Functions"]], names[:3])
        self.assertIn("NextMarker", first)
        self.assertNotIn("State", first["Functions"][0])  # list items carry no state
        second = lam.list_functions(MaxItems=3, Marker=first["NextMarker"])
        self.assertEqual([f["FunctionName"] for f in second["Functions"]], names[3:6])
        last = lam.list_functions(MaxItems=3, Marker=second["NextMarker"])
        self.assertEqual([f["FunctionName"] for f in last["Functions"]], names[6:])
        self.assertNotIn("NextMarker", last)

        pages = list(lam.get_paginator("list_functions").paginate(
            PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 4)
        self.assertEqual([f["FunctionName"] for p in pages for f in p["Functions"]], names)

        lam.publish_version(FunctionName="page-00")
        every = lam.list_functions(FunctionVersion="ALL")["Functions"]
        self.assertEqual(len(every), 8)
        self.assertEqual([f["FunctionArn"] for f in every[:2]],
                         [arn("page-00", "$LATEST"), arn("page-00", "1")])

        # Pages of FunctionVersion=ALL follow the list's order even when one
        # name is a prefix of others ("page-00" < "page-00-b" < "page-001").
        for name in ("page-00-b", "page-001"):
            lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Publish=True,
                                Handler="app.handler", Code={"ZipFile": make_zip(PY_CODE)})
        paged = [f["FunctionArn"] for p in lam.get_paginator("list_functions").paginate(
            FunctionVersion="ALL", PaginationConfig={"PageSize": 1, "MaxItems": 50})
                 for f in p["Functions"]]
        self.assertEqual(paged[:6], [arn("page-00", "$LATEST"), arn("page-00", "1"),
                                     arn("page-00-b", "$LATEST"), arn("page-00-b", "1"),
                                     arn("page-001", "$LATEST"), arn("page-001", "1")])
        self.assertEqual(len(paged), 12)

        _, err = self.error_of(server.client("lambda", parameter_validation=False).list_functions,
                               MaxItems=0)
        self.assertEqual(err["Code"], "ValidationException")
        self.assertIn("Value '0' at 'maxItems' failed to satisfy constraint: Member must have "
                      "value greater than or equal to 1", err["Message"])

    def test_update_code_and_configuration_with_revision_ids(self):
        created = self.create("upd", Environment={"Variables": {"KEY": "1"}})
        new_zip = make_zip({"index.js": "exports.handler = async () => 'v2';\n"})
        self.assert_error(
            412, "PreconditionFailedException", self.lam.update_function_code,
            message="The Revision Id provided does not match the latest Revision Id. Call the "
                    "GetFunction/GetAlias API to retrieve the latest Revision Id",
            FunctionName="upd", ZipFile=new_zip, RevisionId="00000000-0000-0000-0000-000000000000")
        code = self.lam.update_function_code(FunctionName="upd", ZipFile=new_zip,
                                             RevisionId=created["RevisionId"])
        self.assertEqual(code["CodeSha256"], sha256_b64(new_zip))
        self.assertEqual(code["LastUpdateStatus"], "InProgress")
        self.assertNotEqual(code["RevisionId"], created["RevisionId"])
        self.assertEqual(download(self.lam.get_function(FunctionName="upd")["Code"]["Location"])[1],
                         new_zip)

        self.assert_error(412, "PreconditionFailedException",
                          self.lam.update_function_configuration,
                          FunctionName="upd", Timeout=10, RevisionId=created["RevisionId"])
        config = self.lam.update_function_configuration(
            FunctionName="upd", Timeout=10, MemorySize=1024, Handler="index.other",
            Runtime="nodejs18.x", Description="updated", RevisionId=code["RevisionId"])
        self.assertEqual((config["Timeout"], config["MemorySize"]), (10, 1024))
        self.assertEqual((config["Handler"], config["Runtime"]), ("index.other", "nodejs18.x"))
        self.assertEqual(config["Environment"], {"Variables": {"KEY": "1"}})  # untouched
        self.assertEqual(config["CodeSha256"], sha256_b64(new_zip))
        self.assertEqual(config["LastUpdateStatus"], "InProgress")
        steady = self.lam.get_function_configuration(FunctionName="upd")
        self.assertEqual(steady["LastUpdateStatus"], "Successful")
        self.assertEqual(steady["RevisionId"], config["RevisionId"])

        cleared = self.lam.update_function_configuration(FunctionName="upd",
                                                         Environment={"Variables": {}})
        self.assertEqual(cleared["Environment"], {"Variables": {}})
        self.assert_error(404, "ResourceNotFoundException", self.lam.update_function_code,
                          FunctionName="upd-missing", ZipFile=new_zip)

    def test_update_code_dry_run_changes_nothing(self):
        created = self.create("dry")
        new_zip = make_zip({"index.js": "// dry\n"})
        answer = self.lam.update_function_code(FunctionName="dry", ZipFile=new_zip, DryRun=True)
        self.assertEqual(answer["CodeSha256"], sha256_b64(new_zip))
        after = self.lam.get_function_configuration(FunctionName="dry")
        self.assertEqual(after["CodeSha256"], created["CodeSha256"])
        self.assertEqual(after["RevisionId"], created["RevisionId"])

    def test_delete_function_and_a_version(self):
        self.create("del")
        self.lam.publish_version(FunctionName="del")
        self.lam.update_function_configuration(FunctionName="del", Timeout=9)
        self.lam.publish_version(FunctionName="del")
        self.assert_error(
            400, "InvalidParameterValueException", self.lam.delete_function,
            message="$LATEST version cannot be deleted without deleting the function.",
            FunctionName="del", Qualifier="$LATEST")
        deleted = self.lam.delete_function(FunctionName="del", Qualifier="1")
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        versions = self.lam.list_versions_by_function(FunctionName="del")["Versions"]
        self.assertEqual([v["Version"] for v in versions], ["$LATEST", "2"])
        self.assert_error(404, "ResourceNotFoundException", self.lam.delete_function,
                          message=f"Function not found: {arn('del', '1')}",
                          FunctionName="del", Qualifier="1")
        self.lam.delete_function(FunctionName=arn("del"))
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_function,
                          FunctionName="del")
        self.assert_error(404, "ResourceNotFoundException", self.lam.delete_function,
                          message=f"Function not found: {arn('del')}", FunctionName="del")



class CreateValidationTest(LambdaTestCase):
    def assert_create_refused(self, status, code, message=None, **overrides):
        return self.assert_error(status, code, self.raw.create_function, message=message,
                                 **self.create_args(overrides.pop("FunctionName", "refused"),
                                                    **overrides))

    def assert_not_created(self, name="refused"):
        self.assert_error(404, "ResourceNotFoundException", self.lam.get_function,
                          FunctionName=name)

    def test_function_names_and_arn_forms(self):
        for name in (arn("by-arn"), f"{ACCOUNT}:function:by-partial",
                     f"{REGION}:{ACCOUNT}:function:by-region"):
            made = self.lam.create_function(**self.create_args(name))
            self.assertEqual(made["FunctionArn"], arn(name.rsplit(":", 1)[1]))
        err = self.assert_create_refused(400, "InvalidParameterValueException",
                                         FunctionName="has space")
        self.assertIn("Value 'has space' at 'functionName' failed to satisfy constraint: Member "
                      "must satisfy regular expression pattern", err["Message"])
        long_name = "n" * 65
        self.assert_create_refused(
            400, "InvalidParameterValueException", FunctionName=long_name,
            message=f"1 validation error detected: Value '{long_name}' at 'functionName' failed "
                    "to satisfy constraint: Member must have length less than or equal to 64")
        self.assert_create_refused(400, "ValidationException", FunctionName="qualified:1")
        self.assert_create_refused(400, "ValidationException", FunctionName=arn("qualified", "1"))
        self.assert_create_refused(
            404, "ResourceNotFoundException", FunctionName=f"arn:aws:lambda:us-west-2:{ACCOUNT}"
            ":function:elsewhere",
            message="Functions from 'us-west-2' are not reachable in this region ('us-east-1')")
        self.lam.create_function(**self.create_args("n" * 64))

    def test_required_members(self):
        self.assert_error(
            400, "ValidationException", self.raw.create_function,
            message="1 validation error detected: Value null at 'role' failed to satisfy "
                    "constraint: Member must not be null",
            FunctionName="norole", Runtime="nodejs20.x", Handler="index.handler",
            Code={"ZipFile": make_zip(NODE_CODE)})
        self.assert_error(
            400, "InvalidParameterValueException", self.raw.create_function,
            message="Runtime and Handler are mandatory parameters for functions created with "
                    "deployment packages.",
            FunctionName="nohandler", Role=ROLE, Runtime="nodejs20.x",
            Code={"ZipFile": make_zip(NODE_CODE)})
        err = self.assert_create_refused(400, "ValidationException", Role="not-a-role")
        self.assertIn("Value 'not-a-role' at 'role' failed to satisfy constraint", err["Message"])
        self.assert_not_created()

    def test_handler(self):
        self.assert_create_refused(
            400, "ValidationException", Handler="index handler",
            message="1 validation error detected: Value 'index handler' at 'handler' failed to "
                    "satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+")
        handler = "h" * 129
        self.assert_create_refused(
            400, "ValidationException", Handler=handler,
            message=f"1 validation error detected: Value '{handler}' at 'handler' failed to "
                    "satisfy constraint: Member must have length less than or equal to 128")
        self.lam.create_function(**self.create_args("handler-128", Handler="h" * 124 + ".fun"))
        self.assert_not_created()

    def test_runtimes(self):
        for runtime in ("nodejs18.x", "nodejs20.x", "nodejs22.x", "python3.9", "python3.10",
                        "python3.11", "python3.12", "python3.13"):
            name = "rt-" + runtime.replace(".", "-")
            self.assertEqual(self.lam.create_function(
                **self.create_args(name, Runtime=runtime))["Runtime"], runtime)
        err = self.assert_create_refused(400, "InvalidParameterValueException", Runtime="cobol1.0")
        self.assertTrue(err["Message"].startswith(
            "Value cobol1.0 at 'runtime' failed to satisfy constraint: Member must satisfy enum "
            "value set: ["), err["Message"])
        self.assertTrue(err["Message"].endswith("] or be a valid ARN"), err["Message"])
        self.assertIn("nodejs20.x", err["Message"])
        err = self.assert_create_refused(400, "InvalidParameterValueException", Runtime="python2.7")
        self.assertRegex(err["Message"],
                         r"^The runtime parameter of python2\.7 is no longer supported for "
                         r"creating or updating AWS Lambda functions\. We recommend you use the "
                         r"new runtime \(python3\.\d+\) while creating or updating functions\.$")
        self.assert_not_created()

    def test_memory_and_timeout_bounds(self):
        cases = [("MemorySize", 127, "memorySize", "greater than or equal to 128"),
                 ("MemorySize", 10241, "memorySize", "less than or equal to 10240"),
                 ("Timeout", 0, "timeout", "greater than or equal to 1"),
                 ("Timeout", 901, "timeout", "less than or equal to 900")]
        for member, value, field, bound in cases:
            self.assert_create_refused(
                400, "ValidationException", **{member: value},
                message=f"1 validation error detected: Value '{value}' at '{field}' failed to "
                        f"satisfy constraint: Member must have value {bound}")
        self.assert_not_created()
        high = self.lam.create_function(**self.create_args("limits-high", MemorySize=10240,
                                                           Timeout=900))
        self.assertEqual((high["MemorySize"], high["Timeout"]), (10240, 900))
        low = self.lam.create_function(**self.create_args("limits-low", MemorySize=128, Timeout=1))
        self.assertEqual((low["MemorySize"], low["Timeout"]), (128, 1))
        err = self.assert_error(400, "ValidationException",
                                self.raw.update_function_configuration,
                                FunctionName="limits-low", Timeout=901, MemorySize=100)
        self.assertTrue(err["Message"].startswith("2 validation errors detected: "), err["Message"])

    def test_environment(self):
        big = {"VAR_" + str(i): "x" * 100 for i in range(40)}
        err = self.assert_create_refused(400, "InvalidParameterValueException",
                                         Environment={"Variables": big})
        self.assertTrue(err["Message"].startswith(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided exceeded the 4KB limit. String measured: "), err["Message"])
        err = self.assert_create_refused(400, "InvalidParameterValueException",
                                         Environment={"Variables": {"AWS_REGION": "x"}})
        self.assertTrue(err["Message"].endswith("Reserved keys used in this request: AWS_REGION"),
                        err["Message"])
        self.assert_create_refused(400, "ValidationException",
                                   Environment={"Variables": {"1BAD": "x"}})
        self.assert_not_created()
        # Just under the limit is accepted: {"K":"v..."} measured as JSON.
        value = "v" * (4096 - len('{"KEY":""}'))
        ok = self.lam.create_function(**self.create_args(
            "env-4k", Environment={"Variables": {"KEY": value}}))
        self.assertEqual(ok["Environment"]["Variables"]["KEY"], value)
        self.assert_error(400, "InvalidParameterValueException",
                          self.lam.update_function_configuration, FunctionName="env-4k",
                          Environment={"Variables": {"KEY": value + "v"}})

    def test_layers_count_and_existence(self):
        self.assert_create_refused(
            400, "InvalidParameterValueException", Layers=[layer_arn("ghost", 1)],
            message=f"Layer version {layer_arn('ghost', 1)} does not exist.")
        self.assert_create_refused(400, "ValidationException", Layers=["not-an-arn"])
        self.assert_not_created()

    def test_zip_that_is_not_a_zip(self):
        self.assert_create_refused(
            400, "InvalidParameterValueException", Code={"ZipFile": b"this is not a zip"},
            message="Could not unzip uploaded file. Please check your file, then try to upload "
                    "again.")
        self.assert_create_refused(400, "InvalidParameterValueException", Code={})
        self.assert_not_created()

    def test_zip_entries_must_stay_inside_the_code_directory(self):
        bad_zips = {
            "dotdot": make_zip({"index.js": "//", "../x": "escape"}),
            "nested-dotdot": make_zip({"index.js": "//", "lib/../../x": "escape"}),
            "absolute": make_zip({"index.js": "//", "/etc/kumo-test": "escape"}),
            "link-out": zip_with_links(NODE_CODE, {"passwd": "/etc/passwd"}),
            "link-up": zip_with_links(NODE_CODE, {"lib/up": "../../secret"}),
            # Each target alone stays inside; followed through sub/up, "l" is root/..
            "link-chain": zip_with_links({"index.js": "//", "sub/f.js": "//"},
                                         {"sub/up": "..", "l": "sub/up/.."}),
        }
        for label, zipped in bad_zips.items():
            with self.subTest(label):
                err = self.assert_create_refused(400, "InvalidParameterValueException",
                                                 FunctionName="zip-" + label,
                                                 Code={"ZipFile": zipped})
                self.assertTrue(err["Message"].startswith("Could not unzip uploaded file."),
                                err["Message"])
                self.assert_not_created("zip-" + label)
        ok = zip_with_links({"index.js": "//", "lib/real.js": "//"},
                            {"lib/alias.js": "real.js", "top": "lib/alias.js"})
        self.lam.create_function(**self.create_args("zip-links-inside", Code={"ZipFile": ok}))
        got = self.lam.get_function(FunctionName="zip-links-inside")
        self.assertEqual(download(got["Code"]["Location"])[1], ok)

    def test_unzipped_size_over_250_mb(self):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("index.js", "//")
            info = zipfile.ZipInfo("zeros.bin")
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with z.open(info, "w", force_zip64=True) as f:
                chunk = bytes(1 << 20)
                for _ in range(251):
                    f.write(chunk)
        self.assertLess(len(buf.getvalue()), 1 << 20)  # it really is a bomb
        self.assert_create_refused(
            400, "InvalidParameterValueException", FunctionName="bomb",
            Code={"ZipFile": buf.getvalue()},
            message="Unzipped size must be smaller than 262144000 bytes")
        self.assert_not_created("bomb")


class LargeZipTest(unittest.TestCase):
    """Past 50 MB zipped: a server of its own that accepts bodies that large."""

    def test_zip_over_50_mb_is_413(self):
        with KumoServer("--max-body-mb", "120", in_memory=True) as kumo:
            lam = kumo.client("lambda", read_timeout=300)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
                z.writestr("index.js", "//")
                info = zipfile.ZipInfo("random.bin")
                info.external_attr = 0o644 << 16
                z.writestr(info, os.urandom(50 * 1024 * 1024 + 64 * 1024))
            zipped = buf.getvalue()
            self.assertGreater(len(zipped), 52428800)
            with self.assertRaises(botocore.exceptions.ClientError) as caught:
                lam.create_function(FunctionName="huge", Runtime="nodejs20.x", Role=ROLE,
                                    Handler="index.handler", Code={"ZipFile": zipped})
            response = caught.exception.response
            self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 413)
            self.assertEqual(response["Error"]["Code"], "RequestEntityTooLargeException")
            self.assertRegex(response["Error"]["Message"], r"must be smaller than \d+ bytes")
            with self.assertRaises(botocore.exceptions.ClientError) as caught:
                lam.get_function(FunctionName="huge")
            self.assertEqual(caught.exception.response["Error"]["Code"],
                             "ResourceNotFoundException")


if __name__ == "__main__":
    unittest.main()

"""--auth sigv4: boto3- and CLI-signed requests pass; a wrong secret, an
unknown key, a skewed clock, a tampered request and an unsigned request are
refused with AWS's codes."""
import datetime
import os
import tempfile
import unittest
from unittest import mock

import botocore.auth
import botocore.exceptions
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kumo_harness import KumoServer

CREDENTIALS = """# a copy of someone's ~/.aws/credentials
[default]
aws_access_key_id = AKIDKUMOTEST
aws_secret_access_key = kumo-secret/with+chars

[ci]
aws_access_key_id=AKIDCI
aws_secret_access_key=ci-secret
region = eu-west-1
"""


class SigV4Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kumo-auth-")
        cls.creds = os.path.join(cls.tmp, "credentials")
        with open(cls.creds, "w") as f:
            f.write(CREDENTIALS)
        cls.kumo = KumoServer("--auth", "sigv4", "--credentials", cls.creds, in_memory=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.kumo.cleanup()

    def sts(self, key="AKIDKUMOTEST", secret="kumo-secret/with+chars"):
        return self.kumo.client("sts", access_key=key, secret_key=secret)

    def test_signed_requests_pass_for_every_profile(self):
        self.assertEqual(self.sts().get_caller_identity()["UserId"], "AKIDKUMOTEST")
        self.assertEqual(self.sts("AKIDCI", "ci-secret").get_caller_identity()["UserId"], "AKIDCI")

    def test_aws_cli_signed_with_the_file_passes(self):
        env = {"AWS_SHARED_CREDENTIALS_FILE": self.creds, "AWS_PROFILE": "ci",
               "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
        env = {k: v for k, v in env.items()}
        code, out, err = self.kumo.aws_cli("sts", "get-caller-identity", env=env, check=False)
        self.assertEqual(code, 0, err)
        self.assertIn("000000000000", out)

    def test_wrong_secret_is_refused(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.sts(secret="not-the-secret").get_caller_identity()
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_unknown_access_key_is_refused(self):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.sts(key="AKIDNOBODY").get_caller_identity()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidClientTokenId")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_request_dated_20_minutes_off_is_refused(self):
        skewed = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
        with mock.patch("botocore.auth.get_current_datetime", return_value=skewed):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                self.sts().get_caller_identity()
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn("Signature expired", err["Error"]["Message"])

    def _signed(self, body):
        req = AWSRequest(method="POST", url=self.kumo.endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        botocore.auth.SigV4Auth(Credentials("AKIDKUMOTEST", "kumo-secret/with+chars"),
                                "sts", "us-east-1").add_auth(req)
        return dict(req.headers.items())

    def test_tampered_body_is_refused(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        headers = self._signed(body)
        status, _, reply = self.kumo.http("POST", "/", body=body, headers=headers)
        self.assertEqual(status, 200, reply)
        status, _, reply = self.kumo.http("POST", "/", body=body + b"&x=1", headers=headers)
        self.assertEqual(status, 403)
        self.assertIn(b"SignatureDoesNotMatch", reply)

    def test_unsigned_request_is_refused(self):
        status, _, reply = self.kumo.http(
            "POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 403)
        self.assertIn(b"MissingAuthenticationToken", reply)

    def test_internal_endpoints_need_no_signature(self):
        self.assertEqual(self.kumo.get_json("/_kumo/health")[0], 200)


class AuthOffTest(unittest.TestCase):
    def test_any_signature_passes_when_auth_is_off(self):
        with KumoServer(in_memory=True) as kumo:
            sts = kumo.client("sts", access_key="whatever", secret_key="wrong")
            self.assertEqual(sts.get_caller_identity()["Account"], "000000000000")

    def test_bad_credentials_file_stops_start_up_with_its_path(self):
        with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
            f.write("[default]\naws_access_key_id\n")
        kumo = KumoServer("--auth", "sigv4", "--credentials", f.name, in_memory=True)
        with self.assertRaises(RuntimeError) as ctx:
            kumo.start()
        self.assertIn(f.name, str(ctx.exception))
        kumo.cleanup()


if __name__ == "__main__":
    unittest.main()

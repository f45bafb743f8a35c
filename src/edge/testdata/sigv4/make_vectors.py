#!/usr/bin/env python3
"""Records SigV4 vectors signed by botocore, for sigv4_test.cc to check.

Each case drives a real boto3 client (or its presigner) against a fake
endpoint: a 'before-send' hook captures the request exactly as it would go on
the wire and stops it there, so nothing touches the network. Signing time is
pinned, and botocore's own canonical request and string to sign are captured
by wrapping SigV4Auth, so the C++ side can assert every stage.

Run it again only when a case is added:
    python3 src/edge/testdata/sigv4/make_vectors.py > src/edge/testdata/sigv4/botocore-vectors.txt

Output format (same markers as aws-sig-v4-test-suite.txt):
    === name
    --- meta      key=value lines: access_key, secret_key, region, service, now
    --- req       request line and Name:value headers, as sent
    --- body-hex  the body, hex (empty line when there is none)
    --- creq      botocore's canonical request
    --- sts       botocore's string to sign
    --- signature botocore's signature
"""

import datetime
import sys
from unittest import mock
from urllib.parse import urlsplit

import boto3
import botocore
import botocore.auth
from botocore.config import Config

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
NOW = datetime.datetime(2024, 1, 15, 9, 30, 0)
HEADERS_TO_DROP = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request"}

_stages = {}


class _Captured(Exception):
    pass


def _wrap(name):
    original = getattr(botocore.auth.SigV4Auth, name)

    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _stages[name] = result
        return result

    setattr(botocore.auth.SigV4Auth, name, wrapper)


for _name in ("canonical_request", "string_to_sign", "signature"):
    _wrap(_name)


def _client(service, endpoint, token=None, **config):
    base = Config(retries={"max_attempts": 0}, **config)
    client = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=token,
        config=base,
    )
    return client


def _body_bytes(body):
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    data = body.read()
    return data if isinstance(data, bytes) else data.encode()


def _emit(name, service, method, url, headers, body):
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lines = [f"{method} {target} HTTP/1.1", f"Host:{parts.netloc}"]
    for key, value in headers.items():
        if key.lower() in HEADERS_TO_DROP:
            continue
        if isinstance(value, bytes):
            value = value.decode()
        lines.append(f"{key}:{value}")
    print(f"=== {name}")
    print("--- meta")
    print(f"access_key={ACCESS_KEY}")
    print(f"secret_key={SECRET_KEY}")
    print(f"region={REGION}")
    print(f"service={service}")
    print(f"now={NOW.strftime('%Y%m%dT%H%M%SZ')}")
    print("--- req")
    print("\n".join(lines))
    print("--- body-hex")
    print(_body_bytes(body).hex())
    print("--- creq")
    print(_stages["canonical_request"])
    print("--- sts")
    print(_stages["string_to_sign"])
    print("--- signature")
    print(_stages["signature"])
    print()


def _capture_call(name, service, client, operation, **params):
    captured = {}

    def before_send(request, **_):
        captured["request"] = request
        raise _Captured()

    client.meta.events.register("before-send", before_send)
    _stages.clear()
    try:
        getattr(client, operation)(**params)
    except _Captured:
        pass
    finally:
        client.meta.events.unregister("before-send", before_send)
    request = captured["request"]
    _emit(name, service, request.method, request.url, request.headers, request.body)


def _capture_presign(name, service, client, operation, params, expires, method):
    _stages.clear()
    url = client.generate_presigned_url(
        operation, Params=params, ExpiresIn=expires, HttpMethod=method
    )
    _emit(name, service, method, url, {}, b"")


def main():
    print("# Requests signed by botocore " + botocore.__version__ + ", written by make_vectors.py")
    print("# (see its docstring for the format). Do not edit by hand: rerun the script.")
    print()
    http = "http://localhost:4566"
    https = "https://localhost:4566"
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW):
        dynamodb = _client("dynamodb", http)
        _capture_call(
            "dynamodb-put-item", "dynamodb", dynamodb, "put_item",
            TableName="Music",
            Item={"Artist": {"S": "No One  You Know"}, "Year": {"N": "2024"}},
        )
        dynamodb_session = _client("dynamodb", http, token="FQoGZXIvYXdzEXAMPLE+token/==")
        _capture_call(
            "dynamodb-get-item-session-token", "dynamodb", dynamodb_session, "get_item",
            TableName="Music", Key={"Artist": {"S": "a"}},
        )
        lam = _client("lambda", http)
        _capture_call(
            "lambda-get-function-configuration-space-colon", "lambda", lam,
            "get_function_configuration",
            FunctionName="arn:aws:lambda:us-east-1:000000000000:function:my func",
            Qualifier="v 1",
        )
        _capture_call(
            "lambda-invoke-qualified", "lambda", lam, "invoke",
            FunctionName="my-function:live", Payload=b'{"key": "value"}',
        )
        s3_unsigned = _client(
            "s3", https, s3={"addressing_style": "path", "payload_signing_enabled": False},
            request_checksum_calculation="when_required",
        )
        _capture_call(
            "s3-put-object-unsigned-payload", "s3", s3_unsigned, "put_object",
            Bucket="bucket", Key="dir/my key:x=y+z~.txt", Body=b"hello world",
        )
        s3_trailer = _client("s3", https, s3={"addressing_style": "path"})
        _capture_call(
            "s3-put-object-streaming-trailer", "s3", s3_trailer, "put_object",
            Bucket="bucket", Key="photos/2024/cat.jpg", Body=b"0123456789",
        )
        s3_http = _client("s3", http, s3={"addressing_style": "path"}, signature_version="s3v4")
        _capture_call(
            "s3-list-objects-v2-query", "s3", s3_http, "list_objects_v2",
            Bucket="bucket", Prefix="a b/c+d", Delimiter="/", MaxKeys=10,
        )
        _capture_presign(
            "s3-presigned-get", "s3", s3_http, "get_object",
            {"Bucket": "bucket", "Key": "reports/q1 2024.csv"}, 900, "GET",
        )
        sts = _client("sts", http)
        _capture_call("sts-get-caller-identity", "sts", sts, "get_caller_identity")
        _capture_presign(
            "sts-presigned-get-caller-identity", "sts", sts, "get_caller_identity",
            {}, 60, "GET",
        )


if __name__ == "__main__":
    sys.exit(main())

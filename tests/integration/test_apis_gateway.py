"""HTTP APIs (API Gateway v2 data plane): a real server, functions that echo
their event, APIs built with boto3, and plain HTTP clients. Every
expectation is what API Gateway HTTP APIs answer: the event a function
receives (payload 1.0 and 2.0), route selection, stages and stage
variables, response mapping, errors, authorizers (JWT with keys fetched
from an issuer, Lambda REQUEST with simple and IAM responses and caching),
CORS, throttling, HTTP_PROXY integrations and access logs."""
import base64
import http.client
import http.server
import io
import json
import threading
import time
import unittest
import zipfile

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kumo_harness import KumoTestCase

ACCOUNT = "000000000000"


def invocation_uri(arn):
    """The API Gateway form of a Lambda function's ARN (authorizers, imports)."""
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"


# The event as the body; the function's own trace header as x-function-trace,
# its request id as x-function-request-id.
ECHO = """
export const handler = async (event, context) => ({
  statusCode: 200,
  headers: {"content-type": "application/json", "x-function-trace": process.env._X_AMZN_TRACE_ID,
            "x-function-request-id": context.awsRequestId},
  body: JSON.stringify(event)});
"""

# Answers in the shape named by ?mode=, to exercise response mapping.
SHAPES = """
export const handler = async (event) => {
  const q = event.queryStringParameters || {};
  switch (q.mode) {
    case "object": return {hello: "world"};
    case "string": return "plain";
    case "cookies": return {statusCode: 201, cookies: ["a=1", "b=2"], headers: {"x-custom": "v"}, body: "c"};
    case "base64": return {statusCode: 200, isBase64Encoded: true, headers: {"content-type": "application/octet-stream"},
                           body: Buffer.from("bin\\u0000ary").toString("base64")};
    case "multi": return {statusCode: 202, headers: {a: "1"}, multiValueHeaders: {b: ["x", "y"]}, body: "m"};
    case "error": throw new Error("boom");
    case "sleep": await new Promise((r) => setTimeout(r, 3000)); return "late";
    case "cors": return {statusCode: 200, headers: {"access-control-allow-origin": "https://evil.example"}, body: "x"};
    default: return {notAProxyShape: true};
  }
};
"""

# A simple-response authorizer that counts its invocations (warm state).
SIMPLE_AUTHORIZER = """
let calls = 0;
export const handler = async (event) => {
  calls += 1;
  const token = (event.headers || {}).authorization;
  return {isAuthorized: token === "let-me-in", context: {user: "alice", calls}};
};
"""

POLICY_AUTHORIZER = """
export const handler = async (event) => ({
  principalId: "user-7",
  policyDocument: {Version: "2012-10-17", Statement: [{
    Action: "execute-api:Invoke",
    Effect: (event.headers || {}).authorization === "allow" ? "Allow" : "Deny",
    Resource: [event.routeArn]}]},
  context: {tier: "gold"}});
"""


def zip_of(source):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.mjs", source)
    return buf.getvalue()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    """An OpenID Connect issuer on loopback: discovery document, JWKS, signing."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.key.public_key().public_numbers()
        jwk = {"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
               "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
               "e": b64url(numbers.e.to_bytes(3, "big"))}
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks.json"}
                elif self.path == "/jwks.json":
                    body = {"keys": [jwk]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, **claims):
        header = {"alg": "RS256", "kid": "k1", "typ": "JWT"}
        payload = {"iss": self.url, "aud": "my-api", "sub": "user-1", "exp": int(time.time()) + 300}
        payload.update(claims)
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
        signature = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)


class Backend:
    """An HTTP server that answers with what it received, for HTTP_PROXY."""

    def __init__(self):
        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("content-length") or 0)
                body = json.dumps({"method": self.command, "path": self.path,
                                   "headers": {k.lower(): v for k, v in self.headers.items()},
                                   "body": self.rfile.read(length).decode()}).encode()
                self.send_response(207)
                self.send_header("content-type", "application/json")
                self.send_header("x-backend", "yes")
                self.send_header("x-amzn-RequestId", "backend-" + self.path.rsplit("/", 1)[-1])
                self.send_header("x-amz-id-2", "second-id")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = answer

            def do_HEAD(self):
                self.send_response(200)
                self.send_header("content-type", "text/plain")
                self.send_header("content-length", "1234")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class ApiTestCase(KumoTestCase):
    """A Kumo with Lambda and API Gateway clients, and plain HTTP calls to an API."""

    host = None  # the API's execute-api host, set by the subclass

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = int(cls.kumo.endpoint.rsplit(":", 1)[1])
        cls.lam = cls.kumo.client("lambda")
        cls.gw = cls.kumo.client("apigatewayv2")

    @classmethod
    def create_function(cls, name, source):
        arn = cls.lam.create_function(FunctionName=name, Runtime="nodejs20.x", Handler="index.handler",
                                      Role=f"arn:aws:iam::{ACCOUNT}:role/lambda",
                                      Code={"ZipFile": zip_of(source)}, Timeout=10)["FunctionArn"]
        cls.lam.get_waiter("function_active_v2").wait(FunctionName=name)
        return arn

    def call(self, method, path, headers=None, body=None, host=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Host": host or self.host}
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, r.headers, data


class GatewayTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = cls.kumo.client("logs")
        arns = {name: cls.create_function(name, source) for name, source in
                [("echo", ECHO), ("shapes", SHAPES), ("simple-auth", SIMPLE_AUTHORIZER),
                 ("policy-auth", POLICY_AUTHORIZER)]}
        cls.echo_arn = arns["echo"]
        cls.issuer = Issuer()
        cls.backend = Backend()
        api = cls.gw.create_api(
            Name="pets", ProtocolType="HTTP",
            CorsConfiguration={"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
                               "AllowHeaders": ["content-type"], "ExposeHeaders": ["x-custom"],
                               "MaxAge": 300})
        cls.api_id = api_id = api["ApiId"]

        def integration(arn, version, **extra):
            return cls.gw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                             PayloadFormatVersion=version, **extra)["IntegrationId"]

        echo2 = integration(arns["echo"], "2.0")
        echo1 = integration(arns["echo"], "1.0")
        shapes2 = integration(arns["shapes"], "2.0", TimeoutInMillis=1000)
        shapes1 = integration(arns["shapes"], "1.0")
        by_stage = integration("arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}", "2.0")
        proxy = cls.gw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                                          IntegrationUri=cls.backend.url + "/backend/{proxy}",
                                          PayloadFormatVersion="1.0")["IntegrationId"]
        simple = cls.gw.create_authorizer(
            ApiId=api_id, Name="simple", AuthorizerType="REQUEST", AuthorizerPayloadFormatVersion="2.0",
            EnableSimpleResponses=True, IdentitySource=["$request.header.Authorization"],
            AuthorizerResultTtlInSeconds=300,
            AuthorizerUri=invocation_uri(arns["simple-auth"]))
        policy = cls.gw.create_authorizer(
            ApiId=api_id, Name="policy", AuthorizerType="REQUEST", AuthorizerPayloadFormatVersion="2.0",
            IdentitySource=["$request.header.Authorization"], AuthorizerResultTtlInSeconds=0,
            AuthorizerUri=invocation_uri(arns["policy-auth"]))
        jwt = cls.gw.create_authorizer(
            ApiId=api_id, Name="jwt", AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Audience": ["my-api"], "Issuer": cls.issuer.url})
        routes = [
            ("GET /pets", echo2, {}), ("POST /pets", echo2, {}), ("GET /pets/{id}", echo2, {}),
            ("GET /pets/mine", echo2, {}), ("ANY /files/{proxy+}", echo1, {}), ("$default", echo2, {}),
            ("GET /shape", shapes2, {}), ("GET /shape1", shapes1, {}), ("GET /by-stage", by_stage, {}),
            ("ANY /proxy/{proxy+}", proxy, {}), ("GET /limited", echo2, {}),
            ("GET /private", echo2, {"AuthorizationType": "CUSTOM", "AuthorizerId": simple["AuthorizerId"]}),
            ("GET /policy", echo1, {"AuthorizationType": "CUSTOM", "AuthorizerId": policy["AuthorizerId"]}),
            ("GET /jwt", echo2, {"AuthorizationType": "JWT", "AuthorizerId": jwt["AuthorizerId"],
                                 "AuthorizationScopes": ["read"]}),
            ("GET /jwt-admin", echo2, {"AuthorizationType": "JWT", "AuthorizerId": jwt["AuthorizerId"],
                                       "AuthorizationScopes": ["admin"]}),
        ]
        for key, target, extra in routes:
            cls.gw.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{target}", **extra)
        cls.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        cls.gw.create_stage(
            ApiId=api_id, StageName="dev", AutoDeploy=True, StageVariables={"color": "blue", "fn": "echo"},
            RouteSettings={"GET /limited": {"ThrottlingBurstLimit": 0, "ThrottlingRateLimit": 0}},
            AccessLogSettings={"DestinationArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:pets-access",
                               "Format": '{"id":"$context.requestId","status":"$context.status",'
                                         '"route":"$context.routeKey","nothing":"$context.unknownThing",'
                                         '"error":"$context.error.message",'
                                         '"integration":"$context.integration.requestId",'
                                         '"endpoint":"$context.awsEndpointRequestId",'
                                         '"endpoint2":"$context.awsEndpointRequestId2"}'})
        cls.host = f"{api_id}.execute-api.localhost:{cls.port}"

    def event(self, method, path, **kwargs):
        status, headers, body = self.call(method, path, **kwargs)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["apigw-requestid"])
        # An HTTP API's answer carries API Gateway's request id, not the one
        # of the AWS APIs (x-amzn-RequestId).
        self.assertNotIn("x-amzn-RequestId", headers)
        return json.loads(body)

    # ---- events -------------------------------------------------------------------------

    def test_payload_2_0_event(self):
        ev = self.event("POST", "/pets?b=2&a=1&a=3", body=b'{"name":"rex"}',
                        headers={"Content-Type": "application/json", "Cookie": "c1=v1; c2=v2",
                                 "X-Multi": "one", "User-Agent": "tests/1.0"})
        self.assertEqual(ev["version"], "2.0")
        self.assertEqual(ev["routeKey"], "POST /pets")
        self.assertEqual(ev["rawPath"], "/pets")
        self.assertEqual(ev["rawQueryString"], "b=2&a=1&a=3")
        self.assertEqual(ev["queryStringParameters"], {"a": "1,3", "b": "2"})
        self.assertEqual(ev["cookies"], ["c1=v1", "c2=v2"])
        self.assertNotIn("cookie", ev["headers"])
        self.assertEqual(ev["headers"]["x-multi"], "one")
        self.assertEqual(ev["headers"]["content-type"], "application/json")
        self.assertEqual(ev["headers"]["x-forwarded-for"], "127.0.0.1")
        self.assertEqual(ev["headers"]["x-forwarded-proto"], "http")
        self.assertEqual(ev["headers"]["x-forwarded-port"], str(self.port))
        self.assertTrue(ev["headers"]["x-amzn-trace-id"].startswith("Root=1-"))
        self.assertEqual(ev["body"], '{"name":"rex"}')
        self.assertIs(ev["isBase64Encoded"], False)
        self.assertNotIn("pathParameters", ev)
        self.assertNotIn("stageVariables", ev)
        ctx = ev["requestContext"]
        self.assertEqual(ctx["accountId"], ACCOUNT)
        self.assertEqual(ctx["apiId"], self.api_id)
        self.assertEqual(ctx["domainName"], f"{self.api_id}.execute-api.localhost")
        self.assertEqual(ctx["domainPrefix"], self.api_id)
        self.assertEqual(ctx["http"], {"method": "POST", "path": "/pets", "protocol": "HTTP/1.1",
                                       "sourceIp": "127.0.0.1", "userAgent": "tests/1.0"})
        self.assertEqual(ctx["routeKey"], "POST /pets")
        self.assertEqual(ctx["stage"], "$default")
        self.assertAlmostEqual(ctx["timeEpoch"] / 1000, time.time(), delta=60)
        self.assertRegex(ctx["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$")
        self.assertNotIn("authorizer", ctx)

    def test_the_function_starts_a_trace_of_its_own(self):
        # HTTP APIs take no part in X-Ray: on AWS the function's
        # _X_AMZN_TRACE_ID is a new trace, not the event's x-amzn-trace-id.
        status, headers, body = self.call("GET", "/pets")
        self.assertEqual(status, 200, body)
        root = json.loads(body)["headers"]["x-amzn-trace-id"]
        self.assertRegex(root, r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$")
        trace = headers["x-function-trace"]
        self.assertRegex(trace, r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$")
        self.assertNotEqual(trace.split(";")[0], root)
        # Each request is a trace of its own.
        _, again, _ = self.call("GET", "/pets")
        self.assertNotEqual(again["x-function-trace"].split(";")[0], trace.split(";")[0])

    def test_payload_1_0_event_and_greedy_path(self):
        ev = self.event("PUT", "/files/a/b%20c.txt?x=1&x=2", body=b"\x00\x01binary",
                        headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(ev["version"], "1.0")
        self.assertEqual(ev["resource"], "/files/{proxy+}")
        self.assertEqual(ev["path"], "/files/a/b c.txt")
        self.assertEqual(ev["httpMethod"], "PUT")
        self.assertEqual(ev["pathParameters"], {"proxy": "a/b c.txt"})
        self.assertEqual(ev["queryStringParameters"], {"x": "2"})
        self.assertEqual(ev["multiValueQueryStringParameters"], {"x": ["1", "2"]})
        self.assertEqual(ev["multiValueHeaders"]["Content-Type"], ["application/octet-stream"])
        self.assertIs(ev["isBase64Encoded"], True)
        self.assertEqual(base64.b64decode(ev["body"]), b"\x00\x01binary")
        self.assertIsNone(ev["stageVariables"])
        ctx = ev["requestContext"]
        self.assertEqual(ctx["httpMethod"], "PUT")
        self.assertEqual(ctx["resourcePath"], "/files/{proxy+}")
        self.assertEqual(ctx["stage"], "$default")
        self.assertEqual(ctx["identity"]["sourceIp"], "127.0.0.1")
        # No authorizer: 1.0 still has an empty one, in JWT's shape.
        self.assertEqual(ctx["authorizer"], {"claims": None, "scopes": None})

    def test_route_selection(self):
        self.assertEqual(self.event("GET", "/pets/mine")["routeKey"], "GET /pets/mine")
        # API Gateway decodes the path once before routing: "%2F" separates
        # segments, and a '/' inside a parameter is sent as "%252F".
        ev = self.event("GET", "/pets/a%2Fb")
        self.assertEqual((ev["routeKey"], ev["rawPath"]), ("$default", "/pets/a/b"))
        ev = self.event("GET", "/pets/a%252Fb")
        self.assertEqual((ev["routeKey"], ev["pathParameters"]), ("GET /pets/{id}", {"id": "a/b"}))
        self.assertEqual(ev["rawPath"], "/pets/a/b")
        self.assertEqual(self.event("DELETE", "/pets")["routeKey"], "$default")
        self.assertEqual(self.event("GET", "/nothing/here")["routeKey"], "$default")
        self.assertEqual(self.event("DELETE", "/files/x")["version"], "1.0")

    def test_paths_are_decoded_as_api_gateway_decodes_them(self):
        # Live captures of HTTP APIs (hotsock/voker's ingress-paths fixture):
        # decoded once for routing, cut at a '?' that decoding produced,
        # decoded again for the event; a path that cannot be is a 400.
        for sent, raw_path in [("/capture/space%20value", "/capture/space value"),
                               ("/capture/question%3Fvalue", "/capture/question"),
                               ("/capture/hash%23value", "/capture/hash#value"),
                               ("/capture/literal%252Fvalue", "/capture/literal/value"),
                               ("/capture/literal%253Fvalue", "/capture/literal?value"),
                               ("/capture/literal%2525value", "/capture/literal%value")]:
            with self.subTest(sent=sent):
                ev = self.event("GET", sent + "?q=%3F")
                self.assertEqual(ev["rawPath"], raw_path)
                self.assertEqual(ev["requestContext"]["http"]["path"], raw_path)
                self.assertEqual(ev["rawQueryString"], "q=%3F")
        for sent in ["/capture/percent%25done", "/capture/bad%zz"]:
            with self.subTest(sent=sent):
                status, headers, body = self.call("GET", sent)
                self.assertEqual((status, json.loads(body)), (400, {"message": "Bad Request"}))
                self.assertTrue(headers["apigw-requestid"])

    def test_not_found_without_default_route_or_stage(self):
        bare = self.gw.create_api(Name="bare", ProtocolType="HTTP")["ApiId"]
        status, headers, body = self.call("GET", "/", host=f"{bare}.execute-api.localhost:{self.port}")
        self.assertEqual((status, json.loads(body)), (404, {"message": "Not Found"}))
        status, headers, body = self.call("GET", "/", host=f"nosuchapi.execute-api.localhost:{self.port}")
        self.assertEqual((status, json.loads(body)), (404, {"message": "Not Found"}))
        self.assertTrue(headers["apigw-requestid"])
        self.assertNotIn("x-amzn-RequestId", headers)
        integration = self.gw.create_integration(
            ApiId=bare, IntegrationType="AWS_PROXY", PayloadFormatVersion="2.0",
            IntegrationUri=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:echo")["IntegrationId"]
        self.gw.create_route(ApiId=bare, RouteKey="GET /only", Target=f"integrations/{integration}")
        self.gw.create_stage(ApiId=bare, StageName="$default", AutoDeploy=True)
        status, _, body = self.call("GET", "/other", host=f"{bare}.execute-api.localhost:{self.port}")
        self.assertEqual((status, json.loads(body)), (404, {"message": "Not Found"}))
        status, _, _ = self.call("GET", "/only", host=f"{bare}.execute-api.localhost:{self.port}")
        self.assertEqual(status, 200)

    def test_named_stage_path_form_and_stage_variables(self):
        status, _, body = self.call("GET", f"/_aws/execute-api/{self.api_id}/dev/pets/7?q=1",
                                    host=f"127.0.0.1:{self.port}")
        self.assertEqual(status, 200, body)
        ev = json.loads(body)
        self.assertEqual(ev["requestContext"]["stage"], "dev")
        self.assertEqual(ev["rawPath"], "/dev/pets/7")
        self.assertEqual(ev["pathParameters"], {"id": "7"})
        self.assertEqual(ev["stageVariables"], {"color": "blue", "fn": "echo"})
        # The integration's function comes from a stage variable.
        ev = self.event("GET", "/dev/by-stage")
        self.assertEqual(ev["routeKey"], "GET /by-stage")
        status, _, _ = self.call("GET", "/by-stage")  # $default has no `fn`: the function is missing
        self.assertEqual(status, 500)

    # ---- responses ----------------------------------------------------------------------

    def test_response_mapping_payload_2_0(self):
        status, headers, body = self.call("GET", "/shape?mode=object")
        self.assertEqual((status, headers["content-type"], json.loads(body)),
                         (200, "application/json", {"hello": "world"}))
        # HEAD ($default takes it): no body, the length a body would have.
        status, headers, body = self.call("HEAD", "/anything")
        self.assertEqual((status, body), (200, b""))
        self.assertGreater(int(headers["content-length"]), 100)
        status, headers, body = self.call("GET", "/shape?mode=string")
        self.assertEqual((status, body), (200, b"plain"))
        status, headers, body = self.call("GET", "/shape?mode=cookies")
        self.assertEqual((status, body, headers["x-custom"]), (201, b"c", "v"))
        self.assertEqual(headers.get_all("set-cookie"), ["a=1", "b=2"])
        status, headers, body = self.call("GET", "/shape?mode=base64")
        self.assertEqual((status, body), (200, b"bin\x00ary"))
        status, _, body = self.call("GET", "/shape?mode=error")
        self.assertEqual((status, json.loads(body)), (500, {"message": "Internal Server Error"}))
        status, _, body = self.call("GET", "/shape?mode=sleep")
        self.assertEqual((status, json.loads(body)), (503, {"message": "Service Unavailable"}))

    def test_payload_limits(self):
        # Lambda takes events up to 6 MB: 5 MB of form data is 6.7 MB once base64 in the event.
        status, _, body = self.call("POST", "/pets", body=b"a" * (5 * 1024 * 1024),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((status, json.loads(body)), (413, {"message": "Request Entity Too Large"}))
        # The same 5 MB as text fits.
        status, _, body = self.call("POST", "/pets", body=b"a" * (5 * 1024 * 1024),
                                    headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 200)
        self.assertEqual(len(json.loads(body)["body"]), 5 * 1024 * 1024)
        # An HTTP API takes at most 10 MB, whatever the integration.
        status, _, body = self.call("POST", "/proxy/big", body=b"a" * (10 * 1024 * 1024 + 1))
        self.assertEqual((status, json.loads(body)), (413, {"message": "Request Entity Too Large"}))

    def test_response_mapping_payload_1_0(self):
        status, headers, body = self.call("GET", "/shape1?mode=multi")
        self.assertEqual((status, body, headers["a"]), (202, b"m", "1"))
        self.assertEqual(headers.get_all("b"), ["x", "y"])
        status, _, body = self.call("GET", "/shape1?mode=object")  # not the proxy shape
        self.assertEqual((status, json.loads(body)), (500, {"message": "Internal Server Error"}))

    # ---- authorizers --------------------------------------------------------------------

    def test_lambda_authorizer_simple_response_and_cache(self):
        status, headers, body = self.call("GET", "/private")
        self.assertEqual((status, json.loads(body)), (401, {"message": "Unauthorized"}))
        # API Gateway's own answers, like its 404s: JSON, with its request id.
        self.assertEqual(headers["content-type"], "application/json")
        self.assertTrue(headers["apigw-requestid"])
        status, headers, body = self.call("GET", "/private", headers={"Authorization": "wrong"})
        self.assertEqual((status, json.loads(body)), (403, {"message": "Forbidden"}))
        self.assertEqual(headers["content-type"], "application/json")
        first = self.event("GET", "/private", headers={"Authorization": "let-me-in"})
        context = first["requestContext"]["authorizer"]["lambda"]
        self.assertEqual(context["user"], "alice")
        second = self.event("GET", "/private", headers={"Authorization": "let-me-in"})
        # Cached for AuthorizerResultTtlInSeconds: the authorizer ran once for this identity.
        self.assertEqual(second["requestContext"]["authorizer"]["lambda"]["calls"], context["calls"])
        # ResetAuthorizersCache drops the stage's cached answers: the authorizer runs again.
        self.gw.reset_authorizers_cache(ApiId=self.api_id, StageName="$default")
        third = self.event("GET", "/private", headers={"Authorization": "let-me-in"})
        self.assertGreater(third["requestContext"]["authorizer"]["lambda"]["calls"], context["calls"])
        fourth = self.event("GET", "/private", headers={"Authorization": "let-me-in"})
        self.assertEqual(fourth["requestContext"]["authorizer"]["lambda"]["calls"],
                         third["requestContext"]["authorizer"]["lambda"]["calls"])
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.reset_authorizers_cache(ApiId=self.api_id, StageName="nope")

    def test_lambda_authorizer_iam_policy(self):
        ev = self.event("GET", "/policy", headers={"Authorization": "allow"})
        self.assertEqual(ev["requestContext"]["authorizer"]["tier"], "gold")
        self.assertEqual(ev["requestContext"]["authorizer"]["principalId"], "user-7")
        status, _, body = self.call("GET", "/policy", headers={"Authorization": "deny"})
        self.assertEqual((status, json.loads(body)), (403, {"message": "Forbidden"}))

    def test_jwt_authorizer(self):
        token = self.issuer.token(scope="read write", email="a@example.com")
        ev = self.event("GET", "/jwt", headers={"Authorization": "Bearer " + token})
        jwt = ev["requestContext"]["authorizer"]["jwt"]
        self.assertEqual(jwt["claims"]["sub"], "user-1")
        self.assertEqual(jwt["claims"]["email"], "a@example.com")
        self.assertEqual(jwt["scopes"], ["read", "write"])
        status, headers, body = self.call("GET", "/jwt-admin", headers={"Authorization": token})
        self.assertEqual((status, json.loads(body)), (403, {"message": "Forbidden"}))
        for bad in (self.issuer.token(aud="other"), self.issuer.token(exp=int(time.time()) - 10),
                    token[:-4] + "AAAA", "not-a-token"):
            status, headers, body = self.call("GET", "/jwt", headers={"Authorization": bad})
            self.assertEqual((status, json.loads(body)), (401, {"message": "Unauthorized"}), bad)
            self.assertIn("invalid_token", headers["www-authenticate"])
        status, _, _ = self.call("GET", "/jwt")
        self.assertEqual(status, 401)

    # ---- CORS, throttling, HTTP proxy, access logs -------------------------------------------

    def test_cors_preflight_and_response_headers(self):
        # No route takes the preflight: the gateway answers it.
        api = self.gw.create_api(Name="cors", ProtocolType="HTTP", Target=self.echo_arn, RouteKey="GET /items",
                                 CorsConfiguration={"AllowOrigins": ["https://*"], "AllowMethods": ["GET"]})
        host = f"{api['ApiId']}.execute-api.localhost:{self.port}"
        status, headers, body = self.call("OPTIONS", "/items", host=host, headers={
            "Origin": "https://any.example", "Access-Control-Request-Method": "GET"})
        self.assertEqual((status, body, headers["access-control-allow-origin"]), (204, b"", "https://any.example"))
        status, headers, body = self.call("OPTIONS", "/items", host=host, headers={
            "Origin": "http://plain.example", "Access-Control-Request-Method": "GET"})
        self.assertEqual(status, 204)
        self.assertNotIn("access-control-allow-origin", headers)
        # Here $default takes every OPTIONS request, as on AWS: the integration
        # runs and the gateway puts the preflight headers on its answer.
        status, headers, body = self.call("OPTIONS", "/pets", headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
        self.assertEqual((status, json.loads(body)["routeKey"]), (200, "$default"))
        self.assertEqual(headers["access-control-allow-origin"], "https://app.example")
        self.assertEqual(headers["access-control-allow-methods"], "GET,POST")
        self.assertEqual(headers["access-control-allow-headers"], "content-type")
        self.assertEqual(headers["access-control-max-age"], "300")
        # An OPTIONS request that is not a preflight gets no CORS headers.
        status, headers, _ = self.call("OPTIONS", "/pets", headers={"Origin": "https://app.example"})
        self.assertEqual(status, 200)
        self.assertNotIn("access-control-allow-origin", headers)
        status, headers, _ = self.call("GET", "/shape?mode=cors", headers={"Origin": "https://app.example"})
        self.assertEqual(headers["access-control-allow-origin"], "https://app.example")
        self.assertEqual(headers["access-control-expose-headers"], "x-custom")
        status, headers, _ = self.call("GET", "/shape?mode=cors", headers={"Origin": "https://evil.example"})
        self.assertNotIn("access-control-allow-origin", headers)

    def test_route_throttling(self):
        status, _, body = self.call("GET", "/dev/limited")
        self.assertEqual((status, json.loads(body)), (429, {"message": "Too Many Requests"}))
        self.assertEqual(self.call("GET", "/limited")[0], 200)  # $default stage: no limit set

    def test_http_proxy_integration(self):
        status, headers, body = self.call("POST", "/proxy/deep/path?x=1", body=b"hello",
                                          headers={"X-Test": "t", "Content-Type": "text/plain"})
        self.assertEqual((status, headers["x-backend"]), (207, "yes"))
        seen = json.loads(body)
        self.assertEqual(seen["method"], "POST")
        self.assertEqual(seen["path"], "/backend/deep/path?x=1")
        self.assertEqual(seen["body"], "hello")
        self.assertEqual(seen["headers"]["x-test"], "t")
        # API Gateway's proxy headers: Forwarded and Via, not X-Forwarded-*.
        self.assertEqual(seen["headers"]["forwarded"],
                         f'by=127.0.0.1;for=127.0.0.1;host="{self.host}";proto=http')
        self.assertEqual(seen["headers"]["via"], "HTTP/1.1 AmazonAPIGateway")
        self.assertNotIn("x-forwarded-for", seen["headers"])
        # A client's own are passed on, with the gateway's after them.
        status, _, body = self.call("GET", "/proxy/x", headers={
            "Forwarded": "for=192.0.2.60", "Via": "1.1 corp-proxy", "X-Forwarded-For": "192.0.2.60"})
        seen = json.loads(body)["headers"]
        self.assertEqual(seen["forwarded"],
                         f'for=192.0.2.60, by=127.0.0.1;for=127.0.0.1;host="{self.host}";proto=http')
        self.assertEqual(seen["via"], "1.1 corp-proxy, HTTP/1.1 AmazonAPIGateway")
        self.assertEqual(seen["x-forwarded-for"], "192.0.2.60")
        # HEAD: the backend's Content-Length (what a GET would send), no body.
        status, headers, body = self.call("HEAD", "/proxy/x")
        self.assertEqual((status, headers["content-length"], body), (200, "1234", b""))

    def test_http_proxy_default_route_sends_the_whole_path(self):
        # "When the $default route receives a request, API Gateway sends the
        # full request path to the integration."
        api = self.gw.create_api(Name="proxied", ProtocolType="HTTP", Target=self.backend.url + "/base/")
        host = f"{api['ApiId']}.execute-api.localhost:{self.port}"
        for sent, seen_path in [("/store/checkout?a=1&b=2", "/base/store/checkout?a=1&b=2"),
                                ("/", "/base/"),
                                ("/a%20b/c", "/base/a%20b/c")]:
            with self.subTest(sent=sent):
                status, _, body = self.call("GET", sent, host=host)
                self.assertEqual(status, 207, body)
                self.assertEqual(json.loads(body)["path"], seen_path)

    def test_access_log_lines(self):
        function_ids = {}
        for _ in range(2):
            status, headers, body = self.call("GET", "/dev/pets/1")
            self.assertEqual(status, 200, body)
            function_ids[json.loads(body)["requestContext"]["requestId"]] = headers["x-function-request-id"]
        status, headers, body = self.call("GET", "/dev/proxy/item7")
        self.assertEqual(status, 207, body)
        proxied = headers["apigw-requestid"]
        self.call("GET", "/dev/limited")
        deadline = time.time() + 20
        lines = []
        while time.time() < deadline:
            try:
                events = self.logs.filter_log_events(logGroupName="pets-access")["events"]
                lines = [json.loads(e["message"]) for e in events]
            except self.logs.exceptions.ResourceNotFoundException:
                lines = []
            if len(lines) >= 4:
                break
            time.sleep(0.1)
        by_id = {line["id"]: line for line in lines}
        # integration.requestId is the invocation's: the function's context.awsRequestId.
        for request_id, function_id in function_ids.items():
            self.assertEqual(by_id[request_id], {"id": request_id, "status": "200",
                                                 "route": "GET /pets/{id}", "nothing": "-", "error": "-",
                                                 "integration": function_id, "endpoint": function_id,
                                                 "endpoint2": "-"})
        # An HTTP backend's x-amzn-RequestId and x-amz-id-2.
        self.assertEqual([by_id[proxied][k] for k in ("integration", "endpoint", "endpoint2")],
                         ["backend-item7", "backend-item7", "second-id"])
        # API Gateway's own answers name their error.
        self.assertIn(("429", "Too Many Requests"), [(line["status"], line["error"]) for line in lines])


if __name__ == "__main__":
    unittest.main()

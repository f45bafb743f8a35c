"""HTTP API parameter mapping through real clients: integrations created with
boto3 carry requestParameters and responseParameters; plain HTTP requests
show what the function (it echoes its event) or the HTTP backend received
and what the client got back."""

import json
import unittest

import botocore.exceptions

from test_apis_gateway import (ECHO, SHAPES, SIMPLE_AUTHORIZER, ApiTestCase, Backend, Issuer,
                               invocation_uri)

# A Lambda authorizer whose context has keys named like payload 2.0's nesting.
NAMING_AUTHORIZER = """
export const handler = async () => ({isAuthorized: true, context: {lambda: "l", jwt: "j", ratio: 1.5}});
"""


class ParameterMappingTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        arns = {name: cls.create_function(name, source)
                for name, source in [("map-echo", ECHO), ("map-shapes", SHAPES),
                                     ("map-auth", SIMPLE_AUTHORIZER), ("map-naming", NAMING_AUTHORIZER)]}
        cls.issuer = Issuer()
        cls.backend = Backend()
        cls.api_id = api_id = cls.gw.create_api(Name="mapped", ProtocolType="HTTP")["ApiId"]
        cls.echo_parameters = {
            "append:header.x-tenant": "$request.querystring.tenant",
            "overwrite:header.x-route": "${request.path.id}|${context.routeKey}|${stageVariables.color}",
            "remove:header.x-secret": "''",
            "overwrite:querystring.q": "$request.body.query.terms[1]",
            "remove:querystring.drop": "''",
            "overwrite:path": "/mapped${request.path}",
        }
        echo = cls.gw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arns["map-echo"],
            PayloadFormatVersion="2.0", RequestParameters=cls.echo_parameters,
            ResponseParameters={"200": {"append:header.x-request": "$context.requestId",
                                        "overwrite:header.x-from-body": "$response.body.headers.x-tenant"}})
        shapes = cls.gw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arns["map-shapes"],
            PayloadFormatVersion="2.0",
            ResponseParameters={"201": {"overwrite:statuscode": "202",
                                        "append:header.x-was": "$response.header.x-custom",
                                        "remove:header.x-custom": "''"},
                                "500": {"overwrite:statuscode": "418"}})
        proxy = cls.gw.create_integration(
            ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
            IntegrationUri=cls.backend.url + "/backend/{proxy}", PayloadFormatVersion="1.0",
            RequestParameters={"overwrite:path": "/rewritten/${request.path.proxy}",
                               "append:header.x-added": "static",
                               "remove:header.x-drop": "''"},
            ResponseParameters={"207": {"overwrite:statuscode": "200",
                                        "overwrite:header.x-backend": "mapped",
                                        "append:header.x-seen-path": "$response.body.path"}})
        # Who the authorizer said the caller is, handed on as headers.
        who = cls.gw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arns["map-echo"],
            PayloadFormatVersion="2.0",
            RequestParameters={"overwrite:header.x-user": "$context.authorizer.user",
                               "overwrite:header.x-sub": "$context.authorizer.claims.sub",
                               "overwrite:header.x-email": "${context.authorizer.claims.email}"})
        def simple_authorizer(name, function):
            return cls.gw.create_authorizer(
                ApiId=api_id, Name=name, AuthorizerType="REQUEST", AuthorizerPayloadFormatVersion="2.0",
                EnableSimpleResponses=True, IdentitySource=["$request.header.Authorization"],
                AuthorizerUri=invocation_uri(arns[function]))

        lambda_auth = simple_authorizer("simple", "map-auth")
        # Payload 1.0: the authorizer's context is requestContext.authorizer itself.
        who_v1 = cls.gw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arns["map-echo"],
            PayloadFormatVersion="1.0",
            RequestParameters={"overwrite:header.x-lambda": "$context.authorizer.lambda",
                               "overwrite:header.x-jwt": "$context.authorizer.jwt",
                               "overwrite:header.x-ratio": "$context.authorizer.ratio"})
        naming_auth = simple_authorizer("naming", "map-naming")
        jwt_auth = cls.gw.create_authorizer(
            ApiId=api_id, Name="jwt", AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Audience": ["my-api"], "Issuer": cls.issuer.url})
        routes = [("POST /m/{id}", echo, {}), ("GET /s", shapes, {}), ("ANY /p/{proxy+}", proxy, {}),
                  ("GET /who/lambda", who, {"AuthorizationType": "CUSTOM",
                                            "AuthorizerId": lambda_auth["AuthorizerId"]}),
                  ("GET /who/jwt", who, {"AuthorizationType": "JWT", "AuthorizerId": jwt_auth["AuthorizerId"]}),
                  ("GET /who/v1", who_v1, {"AuthorizationType": "CUSTOM",
                                           "AuthorizerId": naming_auth["AuthorizerId"]}),
                  ("GET /who/v2", who, {"AuthorizationType": "CUSTOM",
                                        "AuthorizerId": naming_auth["AuthorizerId"]})]
        for key, target, extra in routes:
            cls.gw.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{target['IntegrationId']}",
                                **extra)
        cls.echo_id = echo["IntegrationId"]
        cls.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True,
                            StageVariables={"color": "blue"})
        cls.host = f"{api_id}.execute-api.localhost:{cls.port}"

    # ---- data plane ---------------------------------------------------------------------

    def test_request_mapping_reaches_the_function_event(self):
        status, headers, body = self.call(
            "POST", "/m/7?tenant=acme&drop=1&keep=k&q=old",
            headers={"X-Secret": "s", "X-Tenant": "first", "Content-Type": "application/json"},
            body=json.dumps({"query": {"terms": ["dogs", "cats"]}}))
        self.assertEqual(status, 200, body)
        event = json.loads(body)
        self.assertEqual(event["headers"]["x-tenant"], "first,acme")
        self.assertEqual(event["headers"]["x-route"], "7|POST /m/{id}|blue")
        self.assertNotIn("x-secret", event["headers"])
        self.assertEqual(event["queryStringParameters"], {"tenant": "acme", "keep": "k", "q": "cats"})
        self.assertEqual(event["rawQueryString"], "tenant=acme&keep=k&q=cats")
        self.assertEqual(event["rawPath"], "/mapped/m/7")
        self.assertEqual(event["routeKey"], "POST /m/{id}")
        self.assertEqual(event["pathParameters"], {"id": "7"})
        # The response mapping of status 200 ran on the function's answer.
        self.assertEqual(headers["x-request"], headers["apigw-requestid"])
        self.assertEqual(headers["x-from-body"], "first,acme")

    def test_a_mapping_whose_value_is_empty_is_not_applied(self):
        status, _, body = self.call("POST", "/m/8", headers={"Content-Type": "application/json"},
                                    body="not json")
        self.assertEqual(status, 200, body)
        event = json.loads(body)
        self.assertNotIn("x-tenant", event["headers"])
        self.assertIsNone(event.get("queryStringParameters"))

    def test_authorizer_results_can_be_mapped(self):
        status, _, body = self.call("GET", "/who/lambda", headers={"Authorization": "let-me-in"})
        self.assertEqual(status, 200, body)
        headers = json.loads(body)["headers"]
        self.assertEqual(headers["x-user"], "alice")
        self.assertNotIn("x-sub", headers)
        token = self.issuer.token(email="a@example.com")
        status, _, body = self.call("GET", "/who/jwt", headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 200, body)
        headers = json.loads(body)["headers"]
        self.assertEqual((headers["x-sub"], headers["x-email"]), ("user-1", "a@example.com"))
        self.assertNotIn("x-user", headers)

    def test_authorizer_context_keys_are_read_in_the_integrations_payload_shape(self):
        # 1.0: {lambda: "l", jwt: "j", ...} as the context gave it.
        status, _, body = self.call("GET", "/who/v1", headers={"Authorization": "x"})
        self.assertEqual(status, 200, body)
        event = json.loads(body)
        self.assertEqual(event["requestContext"]["authorizer"]["lambda"], "l")
        self.assertEqual((event["headers"]["x-lambda"], event["headers"]["x-jwt"]), ("l", "j"))
        # A number reads as it was written ("1.5", not Boost.JSON's "1.5E0").
        self.assertEqual(event["headers"]["x-ratio"], "1.5")
        # 2.0: {lambda: {lambda: "l", jwt: "j"}}; $context.authorizer.user reads inside it.
        status, _, body = self.call("GET", "/who/v2", headers={"Authorization": "x"})
        self.assertEqual(status, 200, body)
        event = json.loads(body)
        self.assertEqual(event["requestContext"]["authorizer"],
                         {"lambda": {"lambda": "l", "jwt": "j", "ratio": 1.5}})
        self.assertNotIn("x-user", event["headers"])

    def test_response_mapping_follows_the_integration_status(self):
        status, headers, body = self.call("GET", "/s?mode=cookies")
        self.assertEqual((status, body), (202, b"c"))
        self.assertEqual(headers["x-was"], "v")
        self.assertNotIn("x-custom", headers)
        # No mapping for 200: the answer is as the function gave it.
        status, headers, _ = self.call("GET", "/s?mode=object")
        self.assertEqual(status, 200)
        # A function error is the gateway's 500, not an integration response: not mapped.
        status, _, body = self.call("GET", "/s?mode=error")
        self.assertEqual((status, json.loads(body)), (500, {"message": "Internal Server Error"}))

    def test_http_proxy_request_and_response_mapping(self):
        status, headers, body = self.call("GET", "/p/a/b?x=1", headers={"X-Drop": "d", "X-Keep": "k"})
        self.assertEqual(status, 200, body)
        seen = json.loads(body)
        self.assertEqual(seen["path"], "/rewritten/a/b?x=1")
        self.assertEqual(seen["headers"]["x-added"], "static")
        self.assertEqual(seen["headers"]["x-keep"], "k")
        self.assertNotIn("x-drop", seen["headers"])
        self.assertEqual(headers["x-backend"], "mapped")
        self.assertEqual(headers["x-seen-path"], "/rewritten/a/b?x=1")

    # ---- control plane ------------------------------------------------------------------

    def assertBadRequest(self, fragment, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.gw.create_integration(ApiId=self.api_id, IntegrationType="HTTP_PROXY",
                                       IntegrationMethod="GET", IntegrationUri=self.backend.url,
                                       PayloadFormatVersion="1.0", **kwargs)
        error = ctx.exception.response
        self.assertEqual(error["Error"]["Code"], "BadRequestException")
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertIn(fragment, error["Error"]["Message"])

    def test_mappings_are_returned_as_given(self):
        got = self.gw.get_integration(ApiId=self.api_id, IntegrationId=self.echo_id)
        self.assertEqual(got["RequestParameters"], self.echo_parameters)
        self.assertEqual(got["ResponseParameters"]["200"]["append:header.x-request"], "$context.requestId")

    def test_malformed_mappings_are_refused(self):
        before = len(self.gw.get_integrations(ApiId=self.api_id)["Items"])
        self.assertBadRequest("reserved", RequestParameters={"overwrite:header.Authorization": "x"})
        self.assertBadRequest("reserved", ResponseParameters={"200": {"append:header.x-amzn-id": "x"}})
        self.assertBadRequest("rename:header.x", RequestParameters={"rename:header.x": "y"})
        self.assertBadRequest("$request.cookie.c", RequestParameters={"overwrite:header.x": "$request.cookie.c"})
        self.assertBadRequest("$request.header.y",
                              ResponseParameters={"200": {"overwrite:header.x": "$request.header.y"}})
        self.assertBadRequest("'700'", ResponseParameters={"700": {"overwrite:statuscode": "200"}})
        self.assertBadRequest("'abc'", ResponseParameters={"200": {"overwrite:statuscode": "abc"}})
        self.assertEqual(len(self.gw.get_integrations(ApiId=self.api_id)["Items"]), before)
        # An update with a bad mapping changes nothing either.
        with self.assertRaises(botocore.exceptions.ClientError):
            self.gw.update_integration(ApiId=self.api_id, IntegrationId=self.echo_id,
                                       RequestParameters={"overwrite:header.Via": "x"})
        got = self.gw.get_integration(ApiId=self.api_id, IntegrationId=self.echo_id)
        self.assertEqual(got["RequestParameters"], self.echo_parameters)


if __name__ == "__main__":
    unittest.main()

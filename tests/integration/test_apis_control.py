"""The API Gateway v2 control plane (HTTP APIs) driven by boto3's
`apigatewayv2` client against a real `kumo server` (with --auth sigv4):
every operation, quick create, status codes (201 creates, 204 deletes),
AWS's errors (404/400/409 with their messages), state that survives a
restart, and `kumo apis ls`."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions

from kumo_harness import KUMO_BIN, KumoServer, KumoTestCase

FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:hello"
INVOCATION_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                  + FUNCTION_ARN + "/invocations")
ROUTE_KEY_MESSAGE = ('The provided route key is not formatted properly for HTTP protocol. '
                     'Format should be "<HTTP METHOD> /<RESOURCE PATH>" or "$default"')


def status(response):
    return response["ResponseMetadata"]["HTTPStatusCode"]


class ApisControlTest(KumoTestCase):
    server_args = ("--auth", "sigv4")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.apigw = cls.kumo.client("apigatewayv2")

    def assertError(self, code, http_status, call, *args, message=None, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            call(*args, **kwargs)
        error = ctx.exception.response
        self.assertEqual(error["Error"]["Code"], code)
        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], http_status)
        if message is not None:
            self.assertEqual(error["Error"]["Message"], message)
        return error

    def new_api(self, **kwargs):
        api = self.apigw.create_api(Name=kwargs.pop("Name", "test"), ProtocolType="HTTP", **kwargs)
        self.addCleanup(self._delete_quietly, api["ApiId"])
        return api

    def _delete_quietly(self, api_id):
        try:
            self.apigw.delete_api(ApiId=api_id)
        except botocore.exceptions.ClientError:
            pass

    def lambda_integration(self, api_id, **kwargs):
        return self.apigw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=FUNCTION_ARN,
            PayloadFormatVersion="2.0", **kwargs)

    def test_api_lifecycle(self):
        api = self.apigw.create_api(Name="shop", ProtocolType="HTTP", Description="d",
                                    Tags={"team": "web"})
        self.assertEqual(status(api), 201)
        api_id = api["ApiId"]
        self.assertRegex(api_id, r"^[a-z0-9]{10}$")
        self.assertEqual(api["ApiEndpoint"],
                         f"http://{api_id}.execute-api.localhost:{self.kumo.port}")
        self.assertEqual(api["RouteSelectionExpression"], "${request.method} ${request.path}")
        self.assertEqual(api["ApiKeySelectionExpression"], "$request.header.x-api-key")
        self.assertEqual(api["Tags"], {"team": "web"})
        self.assertFalse(api["DisableExecuteApiEndpoint"])
        self.assertIsNotNone(api["CreatedDate"].tzinfo)

        got = self.apigw.get_api(ApiId=api_id)
        self.assertEqual(status(got), 200)
        self.assertEqual(got["Name"], "shop")
        self.assertIn(api_id, [a["ApiId"] for a in self.apigw.get_apis()["Items"]])

        updated = self.apigw.update_api(ApiId=api_id, Name="store", DisableExecuteApiEndpoint=True)
        self.assertEqual(updated["Name"], "store")
        self.assertEqual(updated["Description"], "d")
        self.assertTrue(updated["DisableExecuteApiEndpoint"])

        self.assertEqual(status(self.apigw.delete_api(ApiId=api_id)), 204)
        error = self.assertError("NotFoundException", 404, self.apigw.get_api, ApiId=api_id,
                                 message=f"Invalid API identifier specified 000000000000:{api_id}")
        self.assertEqual(error["ResourceType"], "Api")

    def test_get_apis_pages(self):
        ids = {self.new_api(Name=f"page{i}")["ApiId"] for i in range(3)}
        seen, token, pages = set(), None, 0
        while True:
            kwargs = {"MaxResults": "1"}
            if token:
                kwargs["NextToken"] = token
            page = self.apigw.get_apis(**kwargs)
            self.assertLessEqual(len(page["Items"]), 1)
            seen.update(a["ApiId"] for a in page["Items"])
            pages += 1
            token = page.get("NextToken")
            if not token or pages > 50:
                break
        self.assertTrue(ids <= seen)

    def test_websocket_and_bad_input_are_refused(self):
        self.assertError("BadRequestException", 400, self.apigw.create_api, Name="ws",
                         ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action",
                         message="WebSocket APIs are not supported by Kumo")
        self.assertError("BadRequestException", 400, self.apigw.create_api, Name="x" * 129,
                         ProtocolType="HTTP")
        self.assertError("BadRequestException", 400, self.apigw.create_api, Name="c",
                         ProtocolType="HTTP",
                         CorsConfiguration={"AllowOrigins": ["*"], "AllowCredentials": True})

    def test_quick_create(self):
        api = self.new_api(Name="quick", Target=FUNCTION_ARN, RouteKey="GET /hello")
        api_id = api["ApiId"]
        integrations = self.apigw.get_integrations(ApiId=api_id)["Items"]
        self.assertEqual(len(integrations), 1)
        integration = integrations[0]
        self.assertEqual(integration["IntegrationType"], "AWS_PROXY")
        self.assertEqual(integration["IntegrationUri"], FUNCTION_ARN)
        self.assertEqual(integration["PayloadFormatVersion"], "2.0")
        self.assertEqual(integration["TimeoutInMillis"], 30000)
        self.assertTrue(integration["ApiGatewayManaged"])
        routes = self.apigw.get_routes(ApiId=api_id)["Items"]
        self.assertEqual([(r["RouteKey"], r["Target"]) for r in routes],
                         [("GET /hello", "integrations/" + integration["IntegrationId"])])
        stage = self.apigw.get_stage(ApiId=api_id, StageName="$default")
        self.assertTrue(stage["AutoDeploy"])
        self.assertTrue(stage["ApiGatewayManaged"])
        self.assertRegex(stage["DeploymentId"], r"^[a-z0-9]{7}$")
        self.assertEqual(stage["LastDeploymentStatusMessage"],
                         f"Successfully deployed stage with deployment ID '{stage['DeploymentId']}'")

        # UpdateApi retargets the quick-create integration and route; the
        # $default stage deploys the change by itself.
        self.apigw.update_api(ApiId=api_id, Target="http://127.0.0.1:9/backend", RouteKey="ANY /{proxy+}")
        integration = self.apigw.get_integration(ApiId=api_id,
                                                 IntegrationId=integration["IntegrationId"])
        self.assertEqual(integration["IntegrationType"], "HTTP_PROXY")
        self.assertEqual(integration["IntegrationMethod"], "ANY")
        self.assertEqual(self.apigw.get_routes(ApiId=api_id)["Items"][0]["RouteKey"], "ANY /{proxy+}")
        self.assertNotEqual(self.apigw.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"],
                            stage["DeploymentId"])

    def test_routes_and_integrations(self):
        api_id = self.new_api()["ApiId"]
        created = self.lambda_integration(api_id, TimeoutInMillis=5000)
        self.assertEqual(status(created), 201)
        integration_id = created["IntegrationId"]
        self.assertRegex(integration_id, r"^[a-z0-9]{7}$")
        self.assertEqual(created["IntegrationMethod"], "POST")
        self.assertEqual(created["ConnectionType"], "INTERNET")
        via_uri = self.apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                                IntegrationUri=INVOCATION_URI,
                                                PayloadFormatVersion="1.0")
        self.assertEqual(via_uri["IntegrationUri"], INVOCATION_URI)
        http = self.apigw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                                             IntegrationMethod="GET",
                                             IntegrationUri="https://example.com/{proxy}")
        self.assertEqual(http["PayloadFormatVersion"], "1.0")

        self.assertError("BadRequestException", 400, self.apigw.create_integration, ApiId=api_id,
                         IntegrationType="AWS_PROXY", IntegrationUri=FUNCTION_ARN)
        self.assertError("BadRequestException", 400, self.lambda_integration, api_id,
                         TimeoutInMillis=30001)
        self.assertError("BadRequestException", 400, self.apigw.create_integration, ApiId=api_id,
                         IntegrationType="MOCK",
                         message="Currently, an API with a protocol type of HTTP may only be "
                                 "associated with proxy integrations (AWS_PROXY, HTTP_PROXY)")

        route = self.apigw.create_route(ApiId=api_id, RouteKey="GET /pets/{id}",
                                        Target="integrations/" + integration_id)
        self.assertEqual(status(route), 201)
        self.assertEqual(route["AuthorizationType"], "NONE")
        self.assertFalse(route["ApiKeyRequired"])
        self.assertError("ConflictException", 409, self.apigw.create_route, ApiId=api_id,
                         RouteKey="GET /pets/{id}",
                         message="Route with key GET /pets/{id} already exists for this API")
        self.assertError("BadRequestException", 400, self.apigw.create_route, ApiId=api_id,
                         RouteKey="GET pets", message=ROUTE_KEY_MESSAGE)
        # The same path but for a variable's name: no request could tell them apart.
        self.assertError("ConflictException", 409, self.apigw.create_route, ApiId=api_id,
                         RouteKey="GET /pets/{name}",
                         message="The provided route key GET /pets/{name} has a conflicting "
                                 "variable on the same hierarchical level as GET /pets/{id}")
        self.assertError("NotFoundException", 404, self.apigw.get_route, ApiId=api_id,
                         RouteId="nope123", message="Invalid Route identifier specified nope123")

        updated = self.apigw.update_route(ApiId=api_id, RouteId=route["RouteId"],
                                          RouteKey="POST /pets/{id}")
        self.assertEqual(updated["RouteKey"], "POST /pets/{id}")
        self.assertEqual(updated["Target"], "integrations/" + integration_id)
        self.assertEqual(len(self.apigw.get_routes(ApiId=api_id)["Items"]), 1)
        other = self.apigw.create_route(ApiId=api_id, RouteKey="GET /pets/{name}")["RouteId"]
        self.assertError("ConflictException", 409, self.apigw.update_route, ApiId=api_id,
                         RouteId=other, RouteKey="POST /pets/{name}")
        self.apigw.delete_route(ApiId=api_id, RouteId=other)

        self.assertError("ConflictException", 409, self.apigw.delete_integration, ApiId=api_id,
                         IntegrationId=integration_id)
        updated_integration = self.apigw.update_integration(ApiId=api_id, IntegrationId=integration_id,
                                                            TimeoutInMillis=100)
        self.assertEqual(updated_integration["TimeoutInMillis"], 100)
        self.assertEqual(updated_integration["PayloadFormatVersion"], "2.0")
        self.assertEqual(status(self.apigw.delete_route(ApiId=api_id, RouteId=route["RouteId"])), 204)
        self.assertEqual(status(self.apigw.delete_integration(ApiId=api_id,
                                                              IntegrationId=integration_id)), 204)
        self.assertError("NotFoundException", 404, self.apigw.get_integration, ApiId=api_id,
                         IntegrationId=integration_id,
                         message=f"Invalid Integration identifier specified {integration_id}")
        self.assertEqual(len(self.apigw.get_integrations(ApiId=api_id)["Items"]), 2)

    def test_a_number_no_double_holds_is_refused(self):
        # 1e400 is not a double: refused, and nothing is stored that could
        # not be read back after a restart.
        api_id = self.new_api()["ApiId"]
        request = botocore.awsrequest.AWSRequest(
            method="POST", url=f"{self.kumo.endpoint}/v2/apis/{api_id}/stages",
            data='{"stageName":"s1","defaultRouteSettings":{"throttlingRateLimit":1e400}}',
            headers={"Content-Type": "application/json"})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials("test", "test"),
                                "apigateway", "us-east-1").add_auth(request)
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(
                request.url, data=request.body, method="POST",
                headers=dict(request.headers.items())), timeout=30)
        self.assertEqual(refused.exception.code, 400)
        self.assertEqual(json.loads(refused.exception.read())["message"],
                         "Invalid value for 'throttlingRateLimit': it must be a number "
                         "within a double's range")
        self.assertEqual(self.apigw.get_stages(ApiId=api_id)["Items"], [])

    def test_stages_and_deployments(self):
        api_id = self.new_api()["ApiId"]
        self.assertError("BadRequestException", 400, self.apigw.create_deployment, ApiId=api_id,
                         message="Unable to deploy API because no routes exist in this API")
        integration_id = self.lambda_integration(api_id)["IntegrationId"]
        self.apigw.create_route(ApiId=api_id, RouteKey="GET /one",
                                Target="integrations/" + integration_id)
        stage = self.apigw.create_stage(
            ApiId=api_id, StageName="prod", StageVariables={"fn": "hello"},
            DefaultRouteSettings={"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.5},
            RouteSettings={"GET /one": {"ThrottlingBurstLimit": 1}},
            AccessLogSettings={"DestinationArn": "arn:aws:logs:us-east-1:000000000000:log-group:access",
                               "Format": "$context.requestId"})
        self.assertEqual(status(stage), 201)
        self.assertFalse(stage["AutoDeploy"])
        self.assertNotIn("DeploymentId", stage)
        self.assertEqual(stage["DefaultRouteSettings"]["ThrottlingRateLimit"], 5.5)
        self.assertEqual(stage["RouteSettings"]["GET /one"]["ThrottlingBurstLimit"], 1)
        self.assertError("ConflictException", 409, self.apigw.create_stage, ApiId=api_id,
                         StageName="prod", message="Stage already exists")
        self.assertError("BadRequestException", 400, self.apigw.create_stage, ApiId=api_id,
                         StageName="bad stage!")
        self.assertError("BadRequestException", 400, self.apigw.create_stage, ApiId=api_id,
                         StageName="x", DefaultRouteSettings={"LoggingLevel": "INFO"},
                         message="Execution logs are not supported on protocolType HTTP")
        self.assertError("NotFoundException", 404, self.apigw.create_stage, ApiId=api_id,
                         StageName="x", RouteSettings={"GET /nope": {"ThrottlingBurstLimit": 1}},
                         message="Unable to find Route by key GET /nope within the provided RouteSettings")
        self.assertError("BadRequestException", 400, self.apigw.create_stage, ApiId=api_id,
                         StageName="x", StageVariables={"v": "has space"},
                         message="Invalid stage variable value 'has space' of 'v': "
                                 "values must match [A-Za-z0-9-._~:/?#&=,]+")
        # Settings of a route renamed since stay, and do not stand in the way
        # of other changes to the stage; given again, they are refused.
        renamed_route = self.apigw.create_route(ApiId=api_id, RouteKey="GET /two",
                                                Target="integrations/" + integration_id)["RouteId"]
        self.apigw.update_stage(ApiId=api_id, StageName="prod",
                                RouteSettings={"GET /two": {"ThrottlingBurstLimit": 2}})
        self.apigw.update_route(ApiId=api_id, RouteId=renamed_route, RouteKey="GET /three")
        described = self.apigw.update_stage(ApiId=api_id, StageName="prod", Description="kept")
        self.assertEqual(described["RouteSettings"]["GET /two"]["ThrottlingBurstLimit"], 2)
        self.assertError("NotFoundException", 404, self.apigw.update_stage, ApiId=api_id,
                         StageName="prod", RouteSettings={"GET /two": {"ThrottlingBurstLimit": 3}},
                         message="Unable to find Route by key GET /two within the provided RouteSettings")
        self.apigw.delete_route_settings(ApiId=api_id, StageName="prod", RouteKey="GET /two")
        self.apigw.delete_route(ApiId=api_id, RouteId=renamed_route)

        deployment = self.apigw.create_deployment(ApiId=api_id, StageName="prod", Description="v1")
        self.assertEqual(status(deployment), 201)
        self.assertEqual(deployment["DeploymentStatus"], "DEPLOYED")
        self.assertFalse(deployment["AutoDeployed"])
        deployment_id = deployment["DeploymentId"]
        self.assertEqual(self.apigw.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"],
                         deployment_id)
        self.assertEqual(self.apigw.get_deployment(ApiId=api_id, DeploymentId=deployment_id)["Description"],
                         "v1")
        self.assertEqual([d["DeploymentId"] for d in self.apigw.get_deployments(ApiId=api_id)["Items"]],
                         [deployment_id])
        self.assertError("BadRequestException", 400, self.apigw.delete_deployment, ApiId=api_id,
                         DeploymentId=deployment_id,
                         message="Active stages pointing to this deployment must be moved or deleted")
        renamed = self.apigw.update_deployment(ApiId=api_id, DeploymentId=deployment_id, Description="first")
        self.assertEqual((status(renamed), renamed["Description"], renamed["DeploymentId"]),
                         (200, "first", deployment_id))
        self.assertEqual(self.apigw.get_deployment(ApiId=api_id, DeploymentId=deployment_id)["Description"],
                         "first")

        # Stage settings deleted one by one: a route's settings (by route key), the access log.
        self.assertEqual(status(self.apigw.delete_route_settings(ApiId=api_id, StageName="prod",
                                                                 RouteKey="GET /one")), 204)
        self.assertError("NotFoundException", 404, self.apigw.delete_route_settings, ApiId=api_id,
                         StageName="prod", RouteKey="GET /one",
                         message="Unable to find RouteSettings for route key GET /one in stage prod")
        self.assertEqual(status(self.apigw.delete_access_log_settings(ApiId=api_id, StageName="prod")), 204)
        stage = self.apigw.get_stage(ApiId=api_id, StageName="prod")
        self.assertEqual(stage["RouteSettings"], {})
        self.assertNotIn("AccessLogSettings", stage)
        self.assertEqual(stage["DefaultRouteSettings"]["ThrottlingRateLimit"], 5.5)
        self.assertError("NotFoundException", 404, self.apigw.delete_access_log_settings, ApiId=api_id,
                         StageName="nope")

        updated = self.apigw.update_stage(ApiId=api_id, StageName="prod", StageVariables={"fn": "other"},
                                          AutoDeploy=True)
        self.assertEqual(updated["StageVariables"], {"fn": "other"})
        self.assertTrue(updated["AutoDeploy"])
        self.assertNotEqual(updated["DeploymentId"], deployment_id, "AutoDeploy on deploys at once")
        # An auto-deployed stage takes no deployment from the caller.
        self.assertError("BadRequestException", 400, self.apigw.update_stage, ApiId=api_id,
                         StageName="prod", DeploymentId=deployment_id,
                         message=f"Deployment ID cannot be set on this stage 000000000000:{api_id} "
                                 "because AutoDeploy is enabled.")
        self.assertEqual(self.apigw.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"],
                         updated["DeploymentId"])
        self.assertEqual([s["StageName"] for s in self.apigw.get_stages(ApiId=api_id)["Items"]], ["prod"])
        self.assertEqual(status(self.apigw.delete_deployment(ApiId=api_id, DeploymentId=deployment_id)), 204)
        self.assertEqual(status(self.apigw.delete_stage(ApiId=api_id, StageName="prod")), 204)
        self.assertError("NotFoundException", 404, self.apigw.get_stage, ApiId=api_id, StageName="prod")
        self.assertError("NotFoundException", 404, self.apigw.get_deployment, ApiId=api_id,
                         DeploymentId=deployment_id,
                         message=f"Invalid Deployment identifier specified {deployment_id}")

    def test_authorizers(self):
        api_id = self.new_api()["ApiId"]
        jwt = self.apigw.create_authorizer(
            ApiId=api_id, Name="jwt", AuthorizerType="JWT",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Issuer": "https://issuer.example.com", "Audience": ["api"]})
        self.assertEqual(status(jwt), 201)
        self.assertEqual(jwt["JwtConfiguration"], {"Issuer": "https://issuer.example.com",
                                                   "Audience": ["api"]})
        lam = self.apigw.create_authorizer(
            ApiId=api_id, Name="lambda", AuthorizerType="REQUEST", AuthorizerUri=INVOCATION_URI,
            AuthorizerPayloadFormatVersion="2.0", EnableSimpleResponses=True,
            IdentitySource=["$request.header.Authorization"], AuthorizerResultTtlInSeconds=300)
        self.assertEqual(lam["AuthorizerUri"], INVOCATION_URI)
        self.assertTrue(lam["EnableSimpleResponses"])
        self.assertEqual(lam["AuthorizerResultTtlInSeconds"], 300)
        self.assertError("BadRequestException", 400, self.apigw.create_authorizer, ApiId=api_id,
                         Name="bad", AuthorizerType="REQUEST", AuthorizerUri=FUNCTION_ARN,
                         AuthorizerPayloadFormatVersion="2.0", IdentitySource=[])

        route = self.apigw.create_route(ApiId=api_id, RouteKey="GET /me", AuthorizationType="JWT",
                                        AuthorizerId=jwt["AuthorizerId"], AuthorizationScopes=["read"])
        self.assertEqual(route["AuthorizationScopes"], ["read"])
        self.assertError("BadRequestException", 400, self.apigw.create_route, ApiId=api_id,
                         RouteKey="GET /c", AuthorizationType="CUSTOM", AuthorizerId=jwt["AuthorizerId"])
        self.assertError("ConflictException", 409, self.apigw.delete_authorizer, ApiId=api_id,
                         AuthorizerId=jwt["AuthorizerId"])

        renamed = self.apigw.update_authorizer(ApiId=api_id, AuthorizerId=lam["AuthorizerId"],
                                               Name="renamed")
        self.assertEqual(renamed["Name"], "renamed")
        self.assertEqual(renamed["AuthorizerUri"], INVOCATION_URI)
        self.assertEqual(len(self.apigw.get_authorizers(ApiId=api_id)["Items"]), 2)
        self.assertEqual(status(self.apigw.delete_authorizer(ApiId=api_id,
                                                             AuthorizerId=lam["AuthorizerId"])), 204)
        self.assertError("NotFoundException", 404, self.apigw.get_authorizer, ApiId=api_id,
                         AuthorizerId=lam["AuthorizerId"],
                         message=f"Invalid Authorizer identifier specified {lam['AuthorizerId']}")

    def test_cors_configuration(self):
        api_id = self.new_api(CorsConfiguration={"AllowOrigins": ["https://app.example.com"],
                                                 "AllowMethods": ["GET"], "MaxAge": 60})["ApiId"]
        self.assertEqual(self.apigw.get_api(ApiId=api_id)["CorsConfiguration"],
                         {"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET"],
                          "MaxAge": 60})
        self.apigw.update_api(ApiId=api_id, CorsConfiguration={"AllowOrigins": ["*"],
                                                               "AllowHeaders": ["authorization"]})
        self.assertEqual(self.apigw.get_api(ApiId=api_id)["CorsConfiguration"],
                         {"AllowOrigins": ["*"], "AllowHeaders": ["authorization"]})
        self.assertEqual(status(self.apigw.delete_cors_configuration(ApiId=api_id)), 204)
        self.assertNotIn("CorsConfiguration", self.apigw.get_api(ApiId=api_id))

    def test_tags(self):
        api_id = self.new_api(Tags={"a": "1"})["ApiId"]
        arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
        self.assertEqual(status(self.apigw.tag_resource(ResourceArn=arn, Tags={"b": "2"})), 201)
        self.assertEqual(self.apigw.get_tags(ResourceArn=arn)["Tags"], {"a": "1", "b": "2"})
        self.assertEqual(status(self.apigw.untag_resource(ResourceArn=arn, TagKeys=["a"])), 204)
        self.assertEqual(self.apigw.get_api(ApiId=api_id)["Tags"], {"b": "2"})
        self.apigw.create_stage(ApiId=api_id, StageName="prod", Tags={"s": "1"})
        self.assertEqual(self.apigw.get_tags(ResourceArn=arn + "/stages/prod")["Tags"], {"s": "1"})
        self.assertError("NotFoundException", 404, self.apigw.get_tags,
                         ResourceArn="arn:aws:apigateway:us-east-1::/apis/nope000000")

    def test_aws_cli_reads_the_same_state(self):
        api_id = self.new_api(Name="cli")["ApiId"]
        _, out, _ = self.kumo.aws_cli("apigatewayv2", "get-api", "--api-id", api_id)
        self.assertIn('"Name": "cli"', out)


class ApisPersistenceTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="kumo-apis-restart-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)

    def start(self):
        server = KumoServer(data_dir=self.data_dir).start()
        self.addCleanup(server.cleanup)
        return server, server.client("apigatewayv2")

    def test_everything_survives_a_restart(self):
        server, apigw = self.start()
        api_id = apigw.create_api(Name="durable", ProtocolType="HTTP", Target=FUNCTION_ARN,
                                  Tags={"keep": "me"},
                                  CorsConfiguration={"AllowOrigins": ["*"]})["ApiId"]
        integration_id = apigw.create_integration(
            ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=FUNCTION_ARN,
            PayloadFormatVersion="1.0")["IntegrationId"]
        authorizer_id = apigw.create_authorizer(
            ApiId=api_id, Name="jwt", AuthorizerType="JWT",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Issuer": "https://issuer.example.com", "Audience": ["a"]})["AuthorizerId"]
        apigw.create_route(ApiId=api_id, RouteKey="GET /me", Target="integrations/" + integration_id,
                           AuthorizationType="JWT", AuthorizerId=authorizer_id)
        apigw.create_stage(ApiId=api_id, StageName="prod", StageVariables={"x": "1"})
        apigw.create_deployment(ApiId=api_id, StageName="prod")
        gone = apigw.create_api(Name="gone", ProtocolType="HTTP")["ApiId"]
        apigw.delete_api(ApiId=gone)

        def snapshot(client):
            # ApiEndpoint names the port the client used, which a restart changes.
            strip = lambda r: {k: v for k, v in r.items() if k not in ("ResponseMetadata", "ApiEndpoint")}
            return [strip(client.get_api(ApiId=api_id)),
                    strip(client.get_routes(ApiId=api_id)),
                    strip(client.get_integrations(ApiId=api_id)),
                    strip(client.get_authorizers(ApiId=api_id)),
                    strip(client.get_stages(ApiId=api_id)),
                    strip(client.get_deployments(ApiId=api_id))]

        before = snapshot(apigw)
        # The exit status is not asserted (see test_lambda_persistence.py):
        # this test is about what survives.
        server.stop(signal.SIGTERM)
        server, apigw = self.start()
        self.assertEqual(snapshot(apigw), before)
        self.assertEqual(apigw.get_api(ApiId=api_id)["ApiEndpoint"],
                         f"http://{api_id}.execute-api.localhost:{server.port}")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            apigw.get_api(ApiId=gone)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NotFoundException")
        # And it keeps working after the restart.
        self.assertEqual(apigw.create_route(ApiId=api_id, RouteKey="GET /after")["RouteKey"], "GET /after")


class KumoApisLsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kumo = KumoServer("--auth", "sigv4", in_memory=True).start()
        cls.apigw = cls.kumo.client("apigatewayv2")

    @classmethod
    def tearDownClass(cls):
        cls.kumo.cleanup()

    def run_ls(self):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
        return subprocess.run([KUMO_BIN, "apis", "ls", "--endpoint", self.kumo.endpoint],
                              capture_output=True, text=True, timeout=30, env=env)

    def test_lists_apis_stages_and_both_url_forms(self):
        port = self.kumo.port
        quick = self.apigw.create_api(Name="quick", ProtocolType="HTTP", Target=FUNCTION_ARN)["ApiId"]
        staged = self.apigw.create_api(Name="staged", ProtocolType="HTTP")["ApiId"]
        self.apigw.create_stage(ApiId=staged, StageName="prod")
        bare = self.apigw.create_api(Name="bare", ProtocolType="HTTP")["ApiId"]
        p = self.run_ls()
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertIn(f"{quick}  quick", lines)
        self.assertIn(f"  $default  http://{quick}.execute-api.localhost:{port}/  "
                      f"http://127.0.0.1:{port}/_aws/execute-api/{quick}/", lines)
        self.assertIn(f"{staged}  staged", lines)
        self.assertIn(f"  prod  http://{staged}.execute-api.localhost:{port}/prod/  "
                      f"http://127.0.0.1:{port}/_aws/execute-api/{staged}/prod/  (not deployed)", lines)
        bare_line = lines.index(f"{bare}  bare")
        self.assertEqual(lines[bare_line + 1], "  (no stages)")

    def test_unreachable_server_fails(self):
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
        p = subprocess.run([KUMO_BIN, "apis", "ls", "--endpoint", "http://127.0.0.1:1"],
                           capture_output=True, text=True, timeout=30, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertTrue(re.search("cannot reach Kumo", p.stderr), p.stderr)


if __name__ == "__main__":
    unittest.main()

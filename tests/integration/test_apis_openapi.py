"""HTTP APIs defined by OpenAPI 3.0 through real clients: ImportApi with boto3
and the AWS CLI (YAML and JSON, Lambda and JWT authorizers, CORS, $ref'd
integrations), the imported API served to plain HTTP calls, ReimportApi
replacing the definition under live stages, ExportApi (JSON and YAML, with
and without extensions, of a stage) and the export imported again."""

import json
import tempfile
import unittest

import yaml

from test_apis_gateway import ECHO, SIMPLE_AUTHORIZER, ApiTestCase, Issuer, invocation_uri


DEFINITION = """
openapi: 3.0.1
info:
  title: pets-openapi
  description: imported
  version: "1.0"
x-amazon-apigateway-cors:
  allowOrigins: ["https://app.example"]
  allowMethods: [GET, POST]
  maxAge: 300
paths:
  /pets:
    get:
      operationId: listPets
      x-amazon-apigateway-integration:
        $ref: '#/components/x-amazon-apigateway-integrations/echo'
    post:
      x-amazon-apigateway-integration:
        $ref: '#/components/x-amazon-apigateway-integrations/echo'
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      x-amazon-apigateway-integration:
        type: aws_proxy
        # AWS variables, resolved on import (AWS's own example's form).
        uri: arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:oas-echo/invocations
        httpMethod: POST
        payloadFormatVersion: "1.0"
  /private:
    get:
      security:
        - simple: []
      x-amazon-apigateway-integration:
        $ref: '#/components/x-amazon-apigateway-integrations/echo'
  /jwt:
    get:
      security:
        - jwt: [read]
      x-amazon-apigateway-integration:
        $ref: '#/components/x-amazon-apigateway-integrations/echo'
  $default:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        $ref: '#/components/x-amazon-apigateway-integrations/echo'
components:
  securitySchemes:
    simple:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: $request.header.Authorization
        authorizerUri: AUTH_URI
        authorizerPayloadFormatVersion: "2.0"
        enableSimpleResponses: true
        authorizerResultTtlInSeconds: 0
    jwt:
      type: oauth2
      flows: {}
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration:
          issuer: ISSUER
          audience: [my-api]
  x-amazon-apigateway-integrations:
    echo:
      type: aws_proxy
      uri: ECHO_URI
      httpMethod: POST
      payloadFormatVersion: "2.0"
      timeoutInMillis: 5000
"""


class OpenApiTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.echo_arn = cls.create_function("oas-echo", ECHO)
        cls.auth_arn = cls.create_function("oas-auth", SIMPLE_AUTHORIZER)
        cls.issuer = Issuer()
        cls.definition = (DEFINITION.replace("ECHO_URI", invocation_uri(cls.echo_arn))
                          .replace("AUTH_URI", invocation_uri(cls.auth_arn))
                          .replace("ISSUER", cls.issuer.url))

    def import_api(self, body, **extra):
        api = self.gw.import_api(Body=body, **extra)
        self.addCleanup(self.gw.delete_api, ApiId=api["ApiId"])
        return api

    def routes(self, api_id):
        items = self.gw.get_routes(ApiId=api_id)["Items"]
        return {r["RouteKey"]: r for r in items}

    def serve(self, api_id):
        self.gw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        self.host = f"{api_id}.execute-api.localhost:{self.port}"

    def test_import_yaml_builds_the_api_and_serves_it(self):
        api = self.import_api(self.definition)
        self.assertEqual(api["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual((api["Name"], api["Description"], api["Version"], api["ProtocolType"]),
                         ("pets-openapi", "imported", "1.0", "HTTP"))
        self.assertEqual(api["CorsConfiguration"]["AllowOrigins"], ["https://app.example"])
        self.assertEqual(api["CorsConfiguration"]["MaxAge"], 300)
        api_id = api["ApiId"]
        self.assertEqual(self.gw.get_stages(ApiId=api_id)["Items"], [], "an import makes no stage")

        routes = self.routes(api_id)
        self.assertEqual(sorted(routes), ["$default", "GET /jwt", "GET /pets", "GET /pets/{id}",
                                          "GET /private", "POST /pets"])
        self.assertEqual(routes["GET /pets"]["OperationName"], "listPets")
        integrations = {i["IntegrationId"]: i for i in self.gw.get_integrations(ApiId=api_id)["Items"]}
        shared = routes["GET /pets"]["Target"].split("/")[1]
        self.assertEqual(routes["POST /pets"]["Target"], routes["GET /pets"]["Target"],
                         "operations that $ref one integration share it")
        self.assertEqual(len(integrations), 2)
        self.assertEqual((integrations[shared]["IntegrationType"], integrations[shared]["PayloadFormatVersion"],
                          integrations[shared]["TimeoutInMillis"]), ("AWS_PROXY", "2.0", 5000))
        single = integrations[routes["GET /pets/{id}"]["Target"].split("/")[1]]
        self.assertEqual(single["PayloadFormatVersion"], "1.0")
        self.assertEqual(single["IntegrationUri"], invocation_uri(self.echo_arn))

        authorizers = {a["Name"]: a for a in self.gw.get_authorizers(ApiId=api_id)["Items"]}
        self.assertEqual(authorizers["simple"]["AuthorizerType"], "REQUEST")
        self.assertTrue(authorizers["simple"]["EnableSimpleResponses"])
        self.assertEqual(authorizers["jwt"]["JwtConfiguration"],
                         {"Audience": ["my-api"], "Issuer": self.issuer.url})
        self.assertEqual((routes["GET /private"]["AuthorizationType"], routes["GET /private"]["AuthorizerId"]),
                         ("CUSTOM", authorizers["simple"]["AuthorizerId"]))
        self.assertEqual((routes["GET /jwt"]["AuthorizationType"], routes["GET /jwt"]["AuthorizationScopes"]),
                         ("JWT", ["read"]))

        self.serve(api_id)
        status, _, body = self.call("GET", "/pets?x=1")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["routeKey"], "GET /pets")
        status, _, body = self.call("GET", "/pets/7")
        event = json.loads(body)
        self.assertEqual((event["resource"], event["pathParameters"]), ("/pets/{id}", {"id": "7"}))
        self.assertEqual(json.loads(self.call("DELETE", "/anything")[2])["routeKey"], "$default")
        self.assertEqual(self.call("GET", "/private")[0], 401)
        status, _, body = self.call("GET", "/private", headers={"Authorization": "let-me-in"})
        self.assertEqual(json.loads(body)["requestContext"]["authorizer"]["lambda"]["user"], "alice")
        token = self.issuer.token(scope="read")
        status, _, body = self.call("GET", "/jwt", headers={"Authorization": "Bearer " + token})
        self.assertEqual(status, 200, body)
        # CORS headers on the answer; the $default route takes OPTIONS requests, as on AWS.
        status, headers, body = self.call("OPTIONS", "/pets", headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
        self.assertEqual((status, json.loads(body)["routeKey"], headers["access-control-allow-origin"]),
                         (200, "$default", "https://app.example"))

    def test_import_json_with_the_cli_and_basepath(self):
        definition = {
            "openapi": "3.0.1", "info": {"title": "cli-import", "version": "2"},
            "servers": [{"url": "https://example.com/{basePath}",
                         "variables": {"basePath": {"default": "v1"}}}],
            "paths": {"/things": {"get": {"x-amazon-apigateway-integration": {
                "type": "AWS_PROXY", "uri": self.echo_arn, "payloadFormatVersion": "2.0"}}}}}
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(definition, f)
            f.flush()
            _, out, _ = self.kumo.aws_cli("apigatewayv2", "import-api", "--body", f"file://{f.name}",
                                          "--basepath", "prepend")
        api_id = json.loads(out)["ApiId"]
        self.addCleanup(self.gw.delete_api, ApiId=api_id)
        self.assertEqual(list(self.routes(api_id)), ["GET /v1/things"])

    def test_bad_definitions_are_refused_and_change_nothing(self):
        before = len(self.gw.get_apis()["Items"])
        for body, message in [
            ("openapi: 3.0.1\npaths: {}\n", "title"),
            ('{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}', "3.0"),
            ("openapi: [unclosed\n", ""),
        ]:
            with self.assertRaises(self.gw.exceptions.BadRequestException) as caught:
                self.gw.import_api(Body=body)
            self.assertIn(message, str(caught.exception))
        # A route the control plane refuses refuses the whole import.
        bad_route = {"openapi": "3.0.1", "info": {"title": "x", "version": "1"},
                     "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {
                         "type": "aws_proxy", "uri": self.echo_arn, "payloadFormatVersion": "2.0",
                         "timeoutInMillis": 99999}}}}}
        with self.assertRaises(self.gw.exceptions.BadRequestException) as caught:
            self.gw.import_api(Body=json.dumps(bad_route))
        self.assertIn("timeoutInMillis", str(caught.exception))
        with self.assertRaises(self.gw.exceptions.BadRequestException):
            self.gw.import_api(Body=self.definition, Basepath="sideways")
        self.assertEqual(len(self.gw.get_apis()["Items"]), before)

    def test_warnings_and_fail_on_warnings(self):
        # An operation of an unsupported integration type: a warning.
        definition = {"openapi": "3.0.1", "info": {"title": "warned", "version": "1"},
                      "paths": {"/ok": {"get": {"x-amazon-apigateway-integration": {
                                    "type": "aws_proxy", "uri": self.echo_arn, "payloadFormatVersion": "2.0"}}},
                                "/mock": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}
        api = self.import_api(json.dumps(definition))
        self.assertTrue(api.get("Warnings"), api)
        with self.assertRaises(self.gw.exceptions.BadRequestException):
            self.gw.import_api(Body=json.dumps(definition), FailOnWarnings=True)

    def test_reimport_replaces_the_definition_under_live_stages(self):
        api_id = self.import_api(self.definition)["ApiId"]
        self.serve(api_id)
        self.gw.update_stage(ApiId=api_id, StageName="$default",
                             RouteSettings={"GET /pets": {"ThrottlingBurstLimit": 5, "ThrottlingRateLimit": 5}})
        replacement = {"openapi": "3.0.1", "info": {"title": "pets-v2", "version": "2"},
                       "paths": {"/v2/pets": {"get": {"x-amazon-apigateway-integration": {
                           "type": "aws_proxy", "uri": self.echo_arn, "payloadFormatVersion": "2.0"}}}}}
        api = self.gw.reimport_api(ApiId=api_id, Body=json.dumps(replacement))
        self.assertEqual((api["ApiId"], api["Name"]), (api_id, "pets-v2"))
        self.assertNotIn("CorsConfiguration", api)
        self.assertEqual(list(self.routes(api_id)), ["GET /v2/pets"])
        self.assertEqual(len(self.gw.get_authorizers(ApiId=api_id)["Items"]), 0)
        self.assertEqual(self.gw.get_stage(ApiId=api_id, StageName="$default")["RouteSettings"], {})
        # The AutoDeploy stage serves the new definition at once.
        self.assertEqual(self.call("GET", "/pets")[0], 404)
        self.assertEqual(json.loads(self.call("GET", "/v2/pets")[2])["routeKey"], "GET /v2/pets")
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.reimport_api(ApiId="nope123456", Body=json.dumps(replacement))

    def test_export_json_and_yaml_round_trip(self):
        api_id = self.import_api(self.definition)["ApiId"]
        exported = json.loads(self.gw.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON")["body"].read())
        self.assertTrue(exported["openapi"].startswith("3.0"))
        self.assertEqual(exported["info"]["title"], "pets-openapi")
        self.assertEqual(set(exported["paths"]), {"/pets", "/pets/{id}", "/private", "/jwt", "/$default"})
        get_pets = exported["paths"]["/pets"]["get"]
        self.assertEqual(get_pets["x-amazon-apigateway-integration"]["payloadFormatVersion"], "2.0")
        self.assertIn("x-amazon-apigateway-any-method", exported["paths"]["/$default"])
        self.assertEqual(exported["paths"]["/jwt"]["get"]["security"], [{"jwt": ["read"]}])
        self.assertIn("x-amazon-apigateway-authorizer", exported["components"]["securitySchemes"]["simple"])
        self.assertEqual(exported["x-amazon-apigateway-cors"]["allowOrigins"], ["https://app.example"])

        plain = json.loads(self.gw.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON",
                                              IncludeExtensions=False)["body"].read())
        self.assertNotIn("x-amazon-apigateway-integration", plain["paths"]["/pets"]["get"])
        self.assertNotIn("x-amazon-apigateway-cors", plain)

        as_yaml = self.gw.export_api(ApiId=api_id, Specification="OAS30", OutputType="YAML")["body"].read().decode()
        self.assertEqual(yaml.safe_load(as_yaml)["paths"]["/pets/{id}"]["get"]
                         ["x-amazon-apigateway-integration"]["payloadFormatVersion"], "1.0",
                         "YAML keeps \"1.0\" a string")
        # The export, imported again, gives the same API.
        for body in (as_yaml, json.dumps(exported)):
            copy = self.import_api(body)
            self.assertEqual(sorted(self.routes(copy["ApiId"])), sorted(self.routes(api_id)))
            self.assertEqual(copy["CorsConfiguration"], self.gw.get_api(ApiId=api_id)["CorsConfiguration"])
            self.assertEqual(sorted(a["Name"] for a in self.gw.get_authorizers(ApiId=copy["ApiId"])["Items"]),
                             ["jwt", "simple"])

    def test_export_a_stage_and_bad_exports(self):
        api_id = self.import_api(self.definition)["ApiId"]
        self.gw.create_stage(ApiId=api_id, StageName="prod")
        self.gw.create_deployment(ApiId=api_id, StageName="prod")
        self.gw.create_route(ApiId=api_id, RouteKey="GET /later")
        staged = json.loads(self.gw.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON",
                                               StageName="prod")["body"].read())
        self.assertNotIn("/later", staged["paths"], "a stage exports its deployment")
        latest = json.loads(self.gw.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON")["body"].read())
        self.assertIn("/later", latest["paths"])
        for extra in [{"Specification": "OAS20", "OutputType": "JSON"},
                      {"Specification": "OAS30", "OutputType": "XML"},
                      {"Specification": "OAS30", "OutputType": "JSON", "ExportVersion": "2.0"}]:
            with self.assertRaises(self.gw.exceptions.BadRequestException):
                self.gw.export_api(ApiId=api_id, **extra)
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.export_api(ApiId=api_id, Specification="OAS30", OutputType="JSON", StageName="nope")
        with self.assertRaises(self.gw.exceptions.NotFoundException):
            self.gw.export_api(ApiId="nope123456", Specification="OAS30", OutputType="JSON")


if __name__ == "__main__":
    unittest.main()

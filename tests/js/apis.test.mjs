// The apigatewayv2 control plane through the AWS SDK for JavaScript v3, whose
// rest-json deserializers are stricter than botocore's in places: timestamps
// become Dates, errors are typed by their code, deletes resolve on 204, and an
// export is a byte array. One API is built up route by route, deployed to a
// named stage, served, then taken apart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  ApiGatewayV2Client, ConflictException, CreateApiCommand, CreateAuthorizerCommand,
  CreateDeploymentCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
  DeleteApiCommand, DeleteAuthorizerCommand, DeleteIntegrationCommand, DeleteRouteCommand, ExportApiCommand,
  GetApiCommand, GetApisCommand, GetRoutesCommand, GetStageCommand, GetTagsCommand,
  NotFoundException, BadRequestException, TagResourceCommand, UpdateRouteCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { startKumo } from "./harness.mjs";

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:absent";

let kumo;
let client;
before(async () => {
  kumo = await startKumo();
  client = new ApiGatewayV2Client(kumo.clientConfig);
});
after(async () => {
  client?.destroy();
  await kumo?.stop();
});

async function rejectsWith(promise, type, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof type, `${err.name}: ${err.message}`);
    assert.match(err.message, message);
    assert.equal(err.$metadata.httpStatusCode, type === NotFoundException ? 404
      : type === ConflictException ? 409 : 400);
    return true;
  });
}

test("an API built, deployed, served and taken apart", async () => {
  const before = new Date(Date.now() - 5000);
  const api = await client.send(new CreateApiCommand({
    Name: "js-api", ProtocolType: "HTTP", Tags: { team: "js" },
    CorsConfiguration: { AllowOrigins: ["https://app.example"], AllowMethods: ["GET"], MaxAge: 60 },
  }));
  assert.equal(api.$metadata.httpStatusCode, 201);
  assert.match(api.ApiId, /^[a-z0-9]{10}$/);
  // The endpoint is where Kumo serves the API.
  assert.equal(api.ApiEndpoint, `http://${api.ApiId}.execute-api.localhost:${kumo.port}`);
  assert.ok(api.CreatedDate instanceof Date && api.CreatedDate >= before, String(api.CreatedDate));
  assert.equal(api.RouteSelectionExpression, "${request.method} ${request.path}");
  assert.deepEqual(api.CorsConfiguration,
    { AllowOrigins: ["https://app.example"], AllowMethods: ["GET"], MaxAge: 60 });
  assert.deepEqual(api.Tags, { team: "js" });

  const integration = await client.send(new CreateIntegrationCommand({
    ApiId: api.ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: FUNCTION_ARN,
    PayloadFormatVersion: "2.0", TimeoutInMillis: 5000,
  }));
  assert.equal(integration.$metadata.httpStatusCode, 201);
  assert.equal(integration.IntegrationMethod, "POST");
  assert.equal(integration.TimeoutInMillis, 5000);
  const target = `integrations/${integration.IntegrationId}`;

  const authorizer = await client.send(new CreateAuthorizerCommand({
    ApiId: api.ApiId, Name: "jwt", AuthorizerType: "JWT",
    IdentitySource: ["$request.header.Authorization"],
    JwtConfiguration: { Issuer: "https://issuer.example", Audience: ["js"] },
  }));
  assert.deepEqual(authorizer.JwtConfiguration, { Issuer: "https://issuer.example", Audience: ["js"] });

  const keys = ["GET /a", "GET /b/{id}", "POST /c/{proxy+}", "ANY /d"];
  const routes = [];
  for (const key of keys) {
    routes.push(await client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: key, Target: target })));
  }
  await rejectsWith(client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /a" })),
    ConflictException, /GET \/a/);
  await rejectsWith(client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "FETCH /x" })),
    BadRequestException, /route key is not formatted properly/);
  const secured = await client.send(new UpdateRouteCommand({
    ApiId: api.ApiId, RouteId: routes[0].RouteId, AuthorizationType: "JWT",
    AuthorizerId: authorizer.AuthorizerId, AuthorizationScopes: ["read"],
  }));
  assert.equal(secured.AuthorizationType, "JWT");
  assert.deepEqual(secured.AuthorizationScopes, ["read"]);

  // GetRoutes pages through MaxResults (a string in the query) and NextToken.
  const seen = [];
  let token;
  do {
    const page = await client.send(new GetRoutesCommand({ ApiId: api.ApiId, MaxResults: "3", NextToken: token }));
    assert.ok(page.Items.length <= 3);
    seen.push(...page.Items.map((r) => r.RouteKey));
    token = page.NextToken;
  } while (token);
  assert.deepEqual(seen.sort(), [...keys].sort());
  const one = await client.send(new GetRoutesCommand({ ApiId: api.ApiId, MaxResults: "1" }));
  assert.equal(one.Items.length, 1);
  assert.ok(one.NextToken);

  const stage = await client.send(new CreateStageCommand({
    ApiId: api.ApiId, StageName: "dev", StageVariables: { color: "blue" },
    DefaultRouteSettings: { ThrottlingBurstLimit: 5, ThrottlingRateLimit: 2.5 },
  }));
  assert.equal(stage.$metadata.httpStatusCode, 201);
  assert.ok(stage.LastUpdatedDate instanceof Date);
  assert.equal(stage.DefaultRouteSettings.ThrottlingRateLimit, 2.5);
  const deployment = await client.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "dev" }));
  assert.equal(deployment.DeploymentStatus, "DEPLOYED");
  const deployed = await client.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "dev" }));
  assert.equal(deployed.DeploymentId, deployment.DeploymentId);
  const renamed = await client.send(new UpdateStageCommand({
    ApiId: api.ApiId, StageName: "dev", StageVariables: { color: "green" },
  }));
  assert.deepEqual(renamed.StageVariables, { color: "green" });

  // Served: the route with no authorizer answers the function's 500 (the
  // function does not exist); the JWT route refuses a request without a token.
  const base = `${kumo.endpoint}/_aws/execute-api/${api.ApiId}/dev`;
  const open = await fetch(`${base}/b/1`);
  assert.equal(open.status, 500);
  assert.deepEqual(await open.json(), { message: "Internal Server Error" });
  const closed = await fetch(`${base}/a`);
  assert.equal(closed.status, 401);
  assert.deepEqual(await closed.json(), { message: "Unauthorized" });

  const exported = await client.send(new ExportApiCommand({
    ApiId: api.ApiId, Specification: "OAS30", OutputType: "JSON", StageName: "dev",
  }));
  assert.ok(exported.body instanceof Uint8Array);
  const spec = JSON.parse(Buffer.from(exported.body).toString());
  assert.equal(spec.openapi, "3.0.1");
  assert.deepEqual(Object.keys(spec.paths).sort(), ["/a", "/b/{id}", "/c/{proxy+}", "/d"]);

  const arn = `arn:aws:apigateway:us-east-1::/apis/${api.ApiId}`;
  await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { env: "test" } }));
  assert.deepEqual((await client.send(new GetTagsCommand({ ResourceArn: arn }))).Tags,
    { team: "js", env: "test" });

  // An integration or authorizer a route still uses cannot go (in API
  // Gateway's words); once the routes are gone they can.
  await assert.rejects(client.send(new DeleteIntegrationCommand({
    ApiId: api.ApiId, IntegrationId: integration.IntegrationId,
  })), (err) => {
    assert.ok(err instanceof ConflictException, err.name);
    const ids = /^Cannot delete Integration because it is referenced by the following Routes with Ids: \[(.*)\]$/
      .exec(err.message);
    assert.ok(ids, err.message);
    assert.deepEqual(ids[1].split(", ").sort(), routes.map((r) => r.RouteId).sort());
    return true;
  });
  await rejectsWith(client.send(new DeleteAuthorizerCommand({
    ApiId: api.ApiId, AuthorizerId: authorizer.AuthorizerId,
  })), ConflictException, /^Cannot delete authorizer 'jwt', is referenced in route: GET \/a$/);
  for (const route of routes) {
    const gone = await client.send(new DeleteRouteCommand({ ApiId: api.ApiId, RouteId: route.RouteId }));
    assert.equal(gone.$metadata.httpStatusCode, 204);
  }
  await client.send(new DeleteIntegrationCommand({ ApiId: api.ApiId, IntegrationId: integration.IntegrationId }));
  await client.send(new DeleteAuthorizerCommand({ ApiId: api.ApiId, AuthorizerId: authorizer.AuthorizerId }));

  assert.ok((await client.send(new GetApisCommand({}))).Items.some((a) => a.ApiId === api.ApiId));
  const deleted = await client.send(new DeleteApiCommand({ ApiId: api.ApiId }));
  assert.equal(deleted.$metadata.httpStatusCode, 204);
  await rejectsWith(client.send(new GetApiCommand({ ApiId: api.ApiId })), NotFoundException,
    new RegExp(api.ApiId));
});

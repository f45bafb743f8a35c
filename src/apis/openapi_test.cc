#include "apis/openapi.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace kumo::apis {
namespace {

namespace json = boost::json;

// A realistic definition: a $ref'd Lambda integration shared by two
// operations, an HTTP proxy with parameter mapping, a greedy ANY route, the
// $default route, JWT and Lambda authorizers (operation and root security),
// CORS, tags and the endpoint configuration under the server.
constexpr std::string_view kPetStoreYaml = R"(openapi: 3.0.1
info:
  title: Pet Store
  description: A pet store
  version: 1.10
servers:
  - url: https://api.example.com/{basePath}
    variables:
      basePath:
        default: v1
    x-amazon-apigateway-endpoint-configuration:
      disableExecuteApiEndpoint: true
tags:
  - name: Owner
    x-amazon-apigateway-tag-value: Admin
  - name: Prod
paths:
  /pets:
    get:
      operationId: ListPets
      security:
        - jwt-auth: [pets.read, pets.list]
      x-amazon-apigateway-integration:
        $ref: '#/components/x-amazon-apigateway-integrations/pets'
    post:
      security:
        - lambda-auth: []
      x-amazon-apigateway-integration:
        $ref: "#/components/x-amazon-apigateway-integrations/pets"
  /pets/{petId}:
    parameters:
      - name: petId
        in: path
        required: true
        schema: {type: string}
    get:
      requestBody:
        content: {}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: https://backend.example.com/pets/{petId}
        payloadFormatVersion: 1.0
        timeoutInMillis: 5000
        requestParameters:
          append:header.x-source: openapi
        responseParameters:
          "200":
            overwrite:header.cache-control: max-age=60
  /files/{proxy+}:
    x-amazon-apigateway-any-method:
      security: []
      x-amazon-apigateway-integration:
        type: AWS_PROXY
        httpMethod: POST
        uri: arn:aws:lambda:us-east-1:000000000000:function:files
        payloadFormatVersion: "2.0"
  $default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:lambda:us-east-1:000000000000:function:fallback
        payloadFormatVersion: '2.0'
security:
  - jwt-auth: []
components:
  securitySchemes:
    jwt-auth:
      type: oauth2
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration:
          issuer: https://issuer.example.com
          audience: [pets-api]
    lambda-auth:
      type: apiKey
      name: X-Token
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: $request.header.X-Token, $request.querystring.token
        authorizerUri: arn:aws:lambda:us-east-1:000000000000:function:auth
        authorizerPayloadFormatVersion: "2.0"
        enableSimpleResponses: true
        authorizerResultTtlInSeconds: 300
  x-amazon-apigateway-integrations:
    pets:
      type: aws_proxy
      httpMethod: POST
      uri: arn:aws:lambda:us-east-1:000000000000:function:pets
      payloadFormatVersion: "2.0"
      passthroughBehavior: when_no_templates
x-amazon-apigateway-cors:
  allowOrigins: ["https://www.example.com"]
  allowMethods: [GET, POST]
  allowHeaders: [authorization]
  exposeHeaders: [x-request-id]
  maxAge: 300
  allowCredentials: true
)";

// The same definition in JSON.
constexpr std::string_view kPetStoreJson = R"({
  "openapi": "3.0.1",
  "info": {"title": "Pet Store", "description": "A pet store", "version": "1.10"},
  "servers": [{"url": "https://api.example.com/{basePath}",
               "variables": {"basePath": {"default": "v1"}},
               "x-amazon-apigateway-endpoint-configuration": {"disableExecuteApiEndpoint": true}}],
  "tags": [{"name": "Owner", "x-amazon-apigateway-tag-value": "Admin"}, {"name": "Prod"}],
  "paths": {
    "/pets": {
      "get": {"operationId": "ListPets", "security": [{"jwt-auth": ["pets.read", "pets.list"]}],
              "x-amazon-apigateway-integration": {
                "$ref": "#/components/x-amazon-apigateway-integrations/pets"}},
      "post": {"security": [{"lambda-auth": []}],
               "x-amazon-apigateway-integration": {
                 "$ref": "#/components/x-amazon-apigateway-integrations/pets"}}},
    "/pets/{petId}": {
      "parameters": [{"name": "petId", "in": "path", "required": true}],
      "get": {"x-amazon-apigateway-integration": {
        "type": "http_proxy", "httpMethod": "GET",
        "uri": "https://backend.example.com/pets/{petId}", "payloadFormatVersion": 1.0,
        "timeoutInMillis": 5000,
        "requestParameters": {"append:header.x-source": "openapi"},
        "responseParameters": {"200": {"overwrite:header.cache-control": "max-age=60"}}}}},
    "/files/{proxy+}": {
      "x-amazon-apigateway-any-method": {"security": [], "x-amazon-apigateway-integration": {
        "type": "AWS_PROXY", "httpMethod": "POST",
        "uri": "arn:aws:lambda:us-east-1:000000000000:function:files",
        "payloadFormatVersion": "2.0"}}},
    "$default": {
      "x-amazon-apigateway-any-method": {"isDefaultRoute": true,
        "x-amazon-apigateway-integration": {
          "type": "aws_proxy", "httpMethod": "POST",
          "uri": "arn:aws:lambda:us-east-1:000000000000:function:fallback",
          "payloadFormatVersion": "2.0"}}}},
  "security": [{"jwt-auth": []}],
  "components": {
    "securitySchemes": {
      "jwt-auth": {"type": "oauth2", "x-amazon-apigateway-authorizer": {
        "type": "jwt", "identitySource": "$request.header.Authorization",
        "jwtConfiguration": {"issuer": "https://issuer.example.com", "audience": ["pets-api"]}}},
      "lambda-auth": {"type": "apiKey", "name": "X-Token", "in": "header",
        "x-amazon-apigateway-authorizer": {
          "type": "request",
          "identitySource": "$request.header.X-Token, $request.querystring.token",
          "authorizerUri": "arn:aws:lambda:us-east-1:000000000000:function:auth",
          "authorizerPayloadFormatVersion": "2.0", "enableSimpleResponses": true,
          "authorizerResultTtlInSeconds": 300}}},
    "x-amazon-apigateway-integrations": {
      "pets": {"type": "aws_proxy", "httpMethod": "POST",
               "uri": "arn:aws:lambda:us-east-1:000000000000:function:pets",
               "payloadFormatVersion": "2.0", "passthroughBehavior": "when_no_templates"}}},
  "x-amazon-apigateway-cors": {
    "allowOrigins": ["https://www.example.com"], "allowMethods": ["GET", "POST"],
    "allowHeaders": ["authorization"], "exposeHeaders": ["x-request-id"], "maxAge": 300,
    "allowCredentials": true}
})";

json::value J(std::string_view text) { return json::parse(text); }

const OpenApiImport::RouteSpec* FindRoute(const OpenApiImport& imported, std::string_view key) {
  for (const OpenApiImport::RouteSpec& route : imported.routes) {
    if (route.members.at("routeKey").as_string() == key) return &route;
  }
  return nullptr;
}

OpenApiImport ReadOk(std::string_view body, std::string_view basepath = "") {
  Result<OpenApiImport> r = ReadOpenApi(body, basepath);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : OpenApiImport{};
}

Error ReadError(std::string_view body, std::string_view basepath = "") {
  Result<OpenApiImport> r = ReadOpenApi(body, basepath);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

void ExpectPetStore(const OpenApiImport& imported) {
  EXPECT_EQ(json::value(imported.api),
            J(R"({"name": "Pet Store", "description": "A pet store", "version": "1.10",
                  "disableExecuteApiEndpoint": true,
                  "corsConfiguration": {"allowOrigins": ["https://www.example.com"],
                    "allowMethods": ["GET", "POST"], "allowHeaders": ["authorization"],
                    "exposeHeaders": ["x-request-id"], "maxAge": 300, "allowCredentials": true},
                  "tags": {"Owner": "Admin", "Prod": ""}})"));
  EXPECT_TRUE(imported.warnings.empty()) << imported.warnings.front();
  ASSERT_EQ(imported.authorizers.size(), 2u);
  EXPECT_EQ(json::value(imported.authorizers[0]), J(R"({"name": "jwt-auth", "authorizerType": "JWT",
                  "identitySource": ["$request.header.Authorization"],
                  "jwtConfiguration": {"audience": ["pets-api"],
                                       "issuer": "https://issuer.example.com"}})"));
  EXPECT_EQ(json::value(imported.authorizers[1]),
            J(R"({"name": "lambda-auth", "authorizerType": "REQUEST",
                  "identitySource": ["$request.header.X-Token", "$request.querystring.token"],
                  "authorizerUri": "arn:aws:lambda:us-east-1:000000000000:function:auth",
                  "authorizerPayloadFormatVersion": "2.0", "enableSimpleResponses": true,
                  "authorizerResultTtlInSeconds": 300})"));
  // The component, then one integration per inline operation.
  ASSERT_EQ(imported.integrations.size(), 4u);
  EXPECT_EQ(json::value(imported.integrations[0]), J(R"({"integrationType": "AWS_PROXY",
                  "integrationUri": "arn:aws:lambda:us-east-1:000000000000:function:pets",
                  "integrationMethod": "POST", "payloadFormatVersion": "2.0"})"));
  EXPECT_EQ(json::value(imported.integrations[1]), J(R"({"integrationType": "HTTP_PROXY",
                  "integrationUri": "https://backend.example.com/pets/{petId}",
                  "integrationMethod": "GET", "payloadFormatVersion": "1.0",
                  "timeoutInMillis": 5000,
                  "requestParameters": {"append:header.x-source": "openapi"},
                  "responseParameters": {"200": {"overwrite:header.cache-control": "max-age=60"}}
                 })"));
  ASSERT_EQ(imported.routes.size(), 5u);

  const OpenApiImport::RouteSpec* list = FindRoute(imported, "GET /pets");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(json::value(list->members), J(R"({"routeKey": "GET /pets", "operationName": "ListPets",
                  "authorizationType": "JWT", "authorizationScopes": ["pets.read", "pets.list"]})"));
  EXPECT_EQ(list->integration, 0u);
  EXPECT_EQ(list->authorizer, 0u);

  const OpenApiImport::RouteSpec* create = FindRoute(imported, "POST /pets");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(json::value(create->members),
            J(R"({"routeKey": "POST /pets", "authorizationType": "CUSTOM"})"));
  EXPECT_EQ(create->integration, 0u);  // shared through the $ref
  EXPECT_EQ(create->authorizer, 1u);

  const OpenApiImport::RouteSpec* get = FindRoute(imported, "GET /pets/{petId}");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->members.at("authorizationType"), "JWT");  // the root's security
  EXPECT_FALSE(get->members.contains("authorizationScopes"));
  EXPECT_EQ(get->integration, 1u);
  EXPECT_EQ(get->authorizer, 0u);

  const OpenApiImport::RouteSpec* files = FindRoute(imported, "ANY /files/{proxy+}");
  ASSERT_NE(files, nullptr);
  EXPECT_FALSE(files->members.contains("authorizationType"));  // security: []
  EXPECT_FALSE(files->authorizer.has_value());
  ASSERT_TRUE(files->integration.has_value());
  EXPECT_EQ(imported.integrations[*files->integration].at("integrationUri"),
            "arn:aws:lambda:us-east-1:000000000000:function:files");

  const OpenApiImport::RouteSpec* fallback = FindRoute(imported, "$default");
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(fallback->members.at("authorizationType"), "JWT");
  ASSERT_TRUE(fallback->integration.has_value());
  EXPECT_EQ(imported.integrations[*fallback->integration].at("integrationUri"),
            "arn:aws:lambda:us-east-1:000000000000:function:fallback");
}

TEST(ReadOpenApiTest, ImportsYamlDefinition) { ExpectPetStore(ReadOk(kPetStoreYaml)); }

TEST(ReadOpenApiTest, ImportsJsonDefinition) { ExpectPetStore(ReadOk(kPetStoreJson)); }

TEST(ReadOpenApiTest, YamlFlowMappingStartingWithBraceIsYaml) {
  OpenApiImport imported = ReadOk("{openapi: 3.0.0, info: {title: Flow, version: 2}}");
  EXPECT_EQ(imported.api.at("name"), "Flow");
  EXPECT_EQ(imported.api.at("version"), "2");
}

TEST(ReadOpenApiTest, IdenticalInlineIntegrationsStaySeparate) {
  OpenApiImport imported = ReadOk(R"(openapi: 3.0.1
info: {title: T}
paths:
  /a:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:lambda:us-east-1:1:function:f", payloadFormatVersion: "2.0"}
  /b:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:lambda:us-east-1:1:function:f", payloadFormatVersion: "2.0"}
  /c:
    get:
      summary: no integration
)");
  ASSERT_EQ(imported.integrations.size(), 2u);
  EXPECT_EQ(FindRoute(imported, "GET /a")->integration, 0u);
  EXPECT_EQ(FindRoute(imported, "GET /b")->integration, 1u);
  EXPECT_FALSE(FindRoute(imported, "GET /c")->integration.has_value());
}

TEST(ReadOpenApiTest, DefaultsPayloadFormatVersionForRestExports) {
  OpenApiImport imported = ReadOk(R"(openapi: 3.0.1
info: {title: T}
paths:
  /a:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://x"}
)");
  EXPECT_EQ(imported.integrations.at(0).at("payloadFormatVersion"), "1.0");
}

constexpr std::string_view kBasePathDefinition = R"(openapi: 3.0.1
info: {title: T}
servers:
  - url: https://api.example.com/{stage}/api/
    variables: {stage: {default: prod}}
paths:
  /: {get: {}}
  /pets: {get: {}}
  $default: {x-amazon-apigateway-any-method: {}}
)";

TEST(ReadOpenApiTest, BasepathPrependsTheServerPath) {
  OpenApiImport imported = ReadOk(kBasePathDefinition, "prepend");
  EXPECT_NE(FindRoute(imported, "GET /prod/api"), nullptr);
  EXPECT_NE(FindRoute(imported, "GET /prod/api/pets"), nullptr);
  EXPECT_NE(FindRoute(imported, "$default"), nullptr);
}

TEST(ReadOpenApiTest, BasepathSplitDropsTheFirstSegment) {
  OpenApiImport imported = ReadOk(kBasePathDefinition, "split");
  EXPECT_NE(FindRoute(imported, "GET /api/pets"), nullptr);
  EXPECT_NE(FindRoute(imported, "GET /api"), nullptr);
}

TEST(ReadOpenApiTest, BasepathIgnoredByDefault) {
  for (std::string_view mode : {"", "ignore", "IGNORE"}) {
    OpenApiImport imported = ReadOk(kBasePathDefinition, mode);
    EXPECT_NE(FindRoute(imported, "GET /pets"), nullptr) << mode;
    EXPECT_NE(FindRoute(imported, "GET /"), nullptr) << mode;
  }
}

TEST(ReadOpenApiTest, RejectsUnknownBasepath) {
  Error e = ReadError(kBasePathDefinition, "append");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, "BadRequestException");
  EXPECT_NE(e.message.find("Basepath"), std::string::npos) << e.message;
}

TEST(ReadOpenApiTest, RejectsWhatIsNotOpenApi30) {
  Error swagger = ReadError(R"({"swagger": "2.0", "info": {"title": "T", "version": "1"}})");
  EXPECT_EQ(swagger.code, "BadRequestException");
  EXPECT_NE(swagger.message.find("Only OpenAPI 3.0"), std::string::npos) << swagger.message;
  EXPECT_NE(swagger.message.find("Swagger 2.0"), std::string::npos) << swagger.message;
  Error v31 = ReadError("openapi: 3.1.0\ninfo: {title: T}\n");
  EXPECT_NE(v31.message.find("OpenAPI 3.1.0"), std::string::npos) << v31.message;
  EXPECT_EQ(ReadError("info: {title: T}\n").code, "BadRequestException");
  EXPECT_EQ(ReadError("openapi: 3.0.1\ninfo: {version: '1'}\n").code, "BadRequestException");
  EXPECT_NE(ReadError("openapi: 3.0.1\n").message.find("info.title"), std::string::npos);
}

TEST(ReadOpenApiTest, RejectsMalformedDocuments) {
  Error bad_json = ReadError(R"({"openapi": "3.0.1", "info": )");
  EXPECT_EQ(bad_json.code, "BadRequestException");
  EXPECT_NE(bad_json.message.find("JSON"), std::string::npos) << bad_json.message;
  // Broken JSON that a YAML reader would take is still reported as JSON.
  Error almost = ReadError(R"({"openapi": "3.0.1", "info": })");
  EXPECT_NE(almost.message.find("as JSON"), std::string::npos) << almost.message;
  Error bad_yaml = ReadError("openapi: 3.0.1\ninfo: [title\n");
  EXPECT_EQ(bad_yaml.code, "BadRequestException");
  EXPECT_NE(bad_yaml.message.find("YAML"), std::string::npos) << bad_yaml.message;
  EXPECT_EQ(ReadError("just a string").code, "BadRequestException");
  EXPECT_EQ(ReadError("   ").code, "BadRequestException");
  EXPECT_EQ(ReadError("- a\n- b\n").code, "BadRequestException");
}

TEST(ReadOpenApiTest, RejectsCyclicAndExplodingAliases) {
  EXPECT_EQ(ReadError("openapi: &a [*a]\n").code, "BadRequestException");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [*" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + "]\n";
  }
  EXPECT_NE(ReadError(bomb).message.find("too many values"), std::string::npos);
}

TEST(ReadOpenApiTest, RejectsMembersOfTheWrongType) {
  Error e = ReadError(R"(openapi: 3.0.1
info: {title: T}
paths:
  /a:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, timeoutInMillis: soon}
)");
  EXPECT_NE(e.message.find("paths./a.get.x-amazon-apigateway-integration.timeoutInMillis"),
            std::string::npos)
      << e.message;
}

TEST(ReadOpenApiTest, RejectsMoreThanOneSecurityRequirement) {
  constexpr std::string_view kHead = R"(openapi: 3.0.1
info: {title: T}
components:
  securitySchemes:
    a: {type: oauth2, x-amazon-apigateway-authorizer: {type: jwt}}
    b: {type: oauth2, x-amazon-apigateway-authorizer: {type: jwt}}
paths:
  /a:
    get:
)";
  Error either = ReadError(std::string(kHead) + "      security: [{a: []}, {b: []}]\n");
  EXPECT_NE(either.message.find("more than one security requirement"), std::string::npos);
  Error both = ReadError(std::string(kHead) + "      security: [{a: [], b: []}]\n");
  EXPECT_NE(both.message.find("more than one security requirement"), std::string::npos);
}

TEST(ReadOpenApiTest, WarnsAboutWhatItIgnores) {
  OpenApiImport imported = ReadOk(R"(openapi: 3.0.1
info: {title: T}
x-amazon-apigateway-binary-media-types: [image/png]
components:
  securitySchemes:
    plain: {type: http, scheme: bearer}
paths:
  /mock:
    get:
      x-amazon-apigateway-integration: {type: mock}
  /missing:
    get:
      security: [{nowhere: []}]
  /plain:
    get:
      security: [{plain: []}]
  /ref:
    get:
      x-amazon-apigateway-integration: {$ref: "#/components/x-amazon-apigateway-integrations/nope"}
)");
  ASSERT_EQ(imported.routes.size(), 4u);  // the routes are still created
  EXPECT_TRUE(imported.integrations.empty());
  EXPECT_TRUE(imported.authorizers.empty());
  for (const OpenApiImport::RouteSpec& route : imported.routes) {
    EXPECT_FALSE(route.members.contains("authorizationType"));
  }
  std::string all;
  for (const std::string& w : imported.warnings) all += w + "\n";
  EXPECT_EQ(imported.warnings.size(), 5u) << all;
  EXPECT_NE(all.find("x-amazon-apigateway-binary-media-types"), std::string::npos) << all;
  EXPECT_NE(all.find("integration type mock is not supported"), std::string::npos) << all;
  EXPECT_NE(all.find("security scheme nowhere is not defined"), std::string::npos) << all;
  EXPECT_NE(all.find("security scheme plain has no x-amazon-apigateway-authorizer"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("/nope' does not name an integration"), std::string::npos) << all;
}

TEST(ReadOpenApiTest, MapsIamAndOpenIdConnectSchemes) {
  OpenApiImport imported = ReadOk(R"(openapi: 3.0.1
info: {title: T}
components:
  securitySchemes:
    sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
    oidc:
      type: openIdConnect
      openIdConnectUrl: https://issuer.example.com/pool/.well-known/openid-configuration
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: [$request.header.Authorization]
        jwtConfiguration: {audience: client-1}
paths:
  /iam: {get: {security: [{sigv4: []}]}}
  /ext: {get: {x-amazon-apigateway-auth: {type: AWS_IAM}}}
  /oidc: {get: {security: [{oidc: [email]}]}}
)");
  EXPECT_EQ(FindRoute(imported, "GET /iam")->members.at("authorizationType"), "AWS_IAM");
  EXPECT_EQ(FindRoute(imported, "GET /ext")->members.at("authorizationType"), "AWS_IAM");
  ASSERT_EQ(imported.authorizers.size(), 1u);
  EXPECT_EQ(json::value(imported.authorizers[0].at("jwtConfiguration")),
            J(R"({"audience": ["client-1"], "issuer": "https://issuer.example.com/pool"})"));
  EXPECT_EQ(json::value(FindRoute(imported, "GET /oidc")->members),
            J(R"({"routeKey": "GET /oidc", "authorizationType": "JWT",
                  "authorizationScopes": ["email"]})"));
}

// GetApi, GetRoutes, GetIntegrations and GetAuthorizers answers.
OpenApiSource PetStoreSource() {
  OpenApiSource source;
  source.api = J(R"({"apiId": "abc123", "name": "Pet Store", "description": "Pets",
                     "protocolType": "HTTP", "disableExecuteApiEndpoint": true,
                     "corsConfiguration": {"allowOrigins": ["*"], "maxAge": 60},
                     "tags": {"team": "pets", "cost": "123"}})")
                   .as_object();
  for (std::string_view route : {
           R"({"routeId": "r1", "routeKey": "GET /pets/{petId}", "target": "integrations/i1",
               "authorizationType": "JWT", "authorizerId": "au1", "operationName": "GetPet",
               "authorizationScopes": ["pets.read"], "apiKeyRequired": false})",
           R"({"routeId": "r2", "routeKey": "ANY /files/{proxy+}", "target": "integrations/i2",
               "authorizationType": "CUSTOM", "authorizerId": "au2"})",
           R"({"routeId": "r3", "routeKey": "$default", "target": "integrations/i1",
               "authorizationType": "NONE"})",
           R"({"routeId": "r4", "routeKey": "POST /pets", "authorizationType": "NONE"})"}) {
    source.routes.push_back(J(route).as_object());
  }
  for (std::string_view integration : {
           R"({"integrationId": "i1", "integrationType": "AWS_PROXY", "integrationMethod": "POST",
               "integrationUri": "arn:aws:lambda:us-east-1:000000000000:function:pets",
               "payloadFormatVersion": "2.0", "timeoutInMillis": 30000,
               "connectionType": "INTERNET"})",
           R"({"integrationId": "i2", "integrationType": "HTTP_PROXY", "integrationMethod": "ANY",
               "integrationUri": "https://files.example.com/{proxy}",
               "payloadFormatVersion": "1.0", "timeoutInMillis": 5000,
               "connectionType": "INTERNET", "credentialsArn": "arn:aws:iam::0:role/r",
               "requestParameters": {"overwrite:path": "$request.path.proxy"},
               "responseParameters": {"404": {"overwrite:statuscode": "410"}},
               "tlsConfig": {"serverNameToVerify": "files.example.com"}})",
           R"({"integrationId": "i3", "integrationType": "AWS_PROXY", "integrationMethod": "POST",
               "integrationUri": "arn:aws:lambda:us-east-1:000000000000:function:spare",
               "payloadFormatVersion": "1.0", "timeoutInMillis": 30000,
               "connectionType": "INTERNET"})"}) {
    source.integrations.push_back(J(integration).as_object());
  }
  source.authorizers.push_back(
      J(R"({"authorizerId": "au1", "authorizerType": "JWT", "name": "jwt-auth",
            "identitySource": ["$request.header.Authorization"],
            "jwtConfiguration": {"audience": ["pets-api"], "issuer": "https://issuer.example.com"}})")
          .as_object());
  source.authorizers.push_back(
      J(R"({"authorizerId": "au2", "authorizerType": "REQUEST", "name": "lambda-auth",
            "identitySource": ["$request.header.X-Token"],
            "authorizerUri": "arn:aws:lambda:us-east-1:000000000000:function:auth",
            "authorizerPayloadFormatVersion": "2.0", "authorizerResultTtlInSeconds": 300,
            "enableSimpleResponses": true,
            "authorizerCredentialsArn": "arn:aws:iam::0:role/auth"})")
          .as_object());
  source.server_url = "http://abc123.execute-api.localhost:4566";
  source.updated = "2026-11-22 10:00:00UTC";
  return source;
}

json::object Export(const OpenApiSource& source, bool extensions = true) {
  std::string text = WriteOpenApi(source, {.yaml = false, .include_extensions = extensions});
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return doc.is_object() ? doc.as_object() : json::object();
}

TEST(WriteOpenApiTest, ExportsAwsShapes) {
  OpenApiSource source = PetStoreSource();
  source.stage = J(R"({"stageName": "prod"})").as_object();
  json::object doc = Export(source);
  EXPECT_EQ(doc.at("openapi"), "3.0.1");
  EXPECT_EQ(doc.at("info"), J(R"({"title": "Pet Store", "description": "Pets",
                                  "version": "2026-11-22 10:00:00UTC"})"));
  EXPECT_EQ(doc.at("servers"), J(R"([{"url": "http://abc123.execute-api.localhost:4566/{basePath}",
      "variables": {"basePath": {"default": "prod"}},
      "x-amazon-apigateway-endpoint-configuration": {"disableExecuteApiEndpoint": true}}])"));
  EXPECT_EQ(doc.at("tags"), J(R"([{"name": "team", "x-amazon-apigateway-tag-value": "pets"},
                                  {"name": "cost", "x-amazon-apigateway-tag-value": "123"}])"));
  const json::object& paths = doc.at("paths").as_object();
  EXPECT_EQ(paths.at("/pets/{petId}"), J(R"({
    "get": {
      "operationId": "GetPet",
      "responses": {"default": {"description": "Default response for GET /pets/{petId}"}},
      "security": [{"jwt-auth": ["pets.read"]}],
      "x-amazon-apigateway-integration": {"payloadFormatVersion": "2.0", "type": "aws_proxy",
        "httpMethod": "POST", "uri": "arn:aws:lambda:us-east-1:000000000000:function:pets",
        "connectionType": "INTERNET"}},
    "parameters": [{"name": "petId", "in": "path",
                    "description": "Generated path parameter for petId", "required": true,
                    "schema": {"type": "string"}}]})"));
  const json::object& files = paths.at("/files/{proxy+}").as_object();
  EXPECT_EQ(files.at("parameters").at(0).at("name"), "proxy+");
  const json::object& any = files.at("x-amazon-apigateway-any-method").as_object();
  EXPECT_EQ(any.at("security"), J(R"([{"lambda-auth": []}])"));
  EXPECT_EQ(any.at("x-amazon-apigateway-integration"), J(R"({
    "responseParameters": {"404": {"overwrite:statuscode": "410"}},
    "requestParameters": {"overwrite:path": "$request.path.proxy"},
    "payloadFormatVersion": "1.0", "type": "http_proxy", "httpMethod": "ANY",
    "uri": "https://files.example.com/{proxy}", "connectionType": "INTERNET",
    "timeoutInMillis": 5000, "credentials": "arn:aws:iam::0:role/r",
    "tlsConfig": {"serverNameToVerify": "files.example.com"}})"));
  const json::object& fallback =
      paths.at("/$default").at("x-amazon-apigateway-any-method").as_object();
  EXPECT_EQ(fallback.at("isDefaultRoute"), true);
  EXPECT_EQ(fallback.at("responses").at("default").at("description"),
            "Default response for $default");
  EXPECT_FALSE(fallback.contains("security"));
  const json::object& post = paths.at("/pets").at("post").as_object();
  EXPECT_FALSE(post.contains("x-amazon-apigateway-integration"));  // no target
  EXPECT_FALSE(paths.at("/pets").as_object().contains("parameters"));

  const json::object& schemes = doc.at("components").at("securitySchemes").as_object();
  EXPECT_EQ(schemes.at("jwt-auth"), J(R"({"type": "oauth2", "flows": {},
    "x-amazon-apigateway-authorizer": {"identitySource": "$request.header.Authorization",
      "jwtConfiguration": {"audience": ["pets-api"], "issuer": "https://issuer.example.com"},
      "type": "jwt"}})"));
  EXPECT_EQ(schemes.at("lambda-auth"), J(R"({"type": "apiKey", "name": "X-Token", "in": "header",
    "x-amazon-apigateway-authorizer": {"identitySource": "$request.header.X-Token",
      "authorizerUri": "arn:aws:lambda:us-east-1:000000000000:function:auth",
      "authorizerCredentials": "arn:aws:iam::0:role/auth",
      "authorizerPayloadFormatVersion": "2.0", "authorizerResultTtlInSeconds": 300,
      "type": "request", "enableSimpleResponses": true}})"));
  EXPECT_EQ(doc.at("components").at("x-amazon-apigateway-integrations"), J(R"({
    "unusedIntegration_i3": {"payloadFormatVersion": "1.0", "type": "aws_proxy",
      "httpMethod": "POST", "uri": "arn:aws:lambda:us-east-1:000000000000:function:spare",
      "connectionType": "INTERNET"}})"));
  EXPECT_EQ(doc.at("x-amazon-apigateway-cors"), J(R"({"allowOrigins": ["*"], "maxAge": 60})"));
  EXPECT_EQ(doc.at("x-amazon-apigateway-importexport-version"), "1.0");
}

TEST(WriteOpenApiTest, DefaultStageAndApiVersion) {
  OpenApiSource source = PetStoreSource();
  source.api["version"] = "v7";
  source.stage = J(R"({"stageName": "$default"})").as_object();
  json::object doc = Export(source);
  EXPECT_EQ(doc.at("info").at("version"), "v7");
  EXPECT_EQ(doc.at("servers").at(0).at("variables").at("basePath").at("default"), "");
}

TEST(WriteOpenApiTest, WithoutExtensionsIsPlainOpenApi) {
  OpenApiSource source = PetStoreSource();
  std::string text = WriteOpenApi(source, {.yaml = false, .include_extensions = false});
  for (std::string_view ext :
       {"x-amazon-apigateway-integration", "x-amazon-apigateway-authorizer",
        "x-amazon-apigateway-cors", "x-amazon-apigateway-importexport-version",
        "x-amazon-apigateway-endpoint-configuration", "x-amazon-apigateway-tag-value"}) {
    EXPECT_EQ(text.find(ext), std::string::npos) << ext;
  }
  json::object doc = Export(source, false);
  EXPECT_EQ(doc.at("components").at("securitySchemes").at("jwt-auth"),
            J(R"({"type": "oauth2", "flows": {}})"));
  EXPECT_EQ(doc.at("paths").at("/pets/{petId}").at("get").at("security"),
            J(R"([{"jwt-auth": ["pets.read"]}])"));
}

TEST(WriteOpenApiTest, YamlQuotesAmbiguousStrings) {
  std::string text = WriteOpenApi(PetStoreSource(), {.yaml = true});
  EXPECT_NE(text.find("openapi: \"3.0.1\""), std::string::npos) << text;
  EXPECT_NE(text.find("payloadFormatVersion: \"2.0\""), std::string::npos) << text;
  EXPECT_NE(text.find("x-amazon-apigateway-tag-value: \"123\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"404\":"), std::string::npos) << text;
  EXPECT_NE(text.find("timeoutInMillis: 5000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("default: \"\""), std::string::npos) << text;
}

// What a route's integration and authorizer amount to, whichever side it
// comes from: members with AWS's defaults filled in and ids dropped.
json::value Effective(const json::object& o, const std::vector<std::string_view>& keys) {
  json::object out;
  for (std::string_view key : keys) {
    auto it = o.find(key);
    if (it != o.end() && !(it->value().is_string() && it->value().get_string().empty())) {
      out[key] = it->value();
    }
  }
  if (o.contains("integrationType") && !out.contains("timeoutInMillis")) {
    out["timeoutInMillis"] = 30000;
  }
  return out;
}

const std::vector<std::string_view> kIntegrationKeys = {
    "integrationType", "integrationUri",    "integrationMethod",  "payloadFormatVersion",
    "timeoutInMillis", "requestParameters", "responseParameters", "tlsConfig",
    "credentialsArn",  "description"};
const std::vector<std::string_view> kAuthorizerKeys = {"name",
                                                       "authorizerType",
                                                       "identitySource",
                                                       "jwtConfiguration",
                                                       "authorizerUri",
                                                       "authorizerPayloadFormatVersion",
                                                       "authorizerResultTtlInSeconds",
                                                       "enableSimpleResponses",
                                                       "authorizerCredentialsArn"};

json::value AuthorizationType(const json::object& route) {
  return route.contains("authorizationType") ? route.at("authorizationType") : json::value("NONE");
}

void ExpectRoundTrip(bool yaml) {
  OpenApiSource source = PetStoreSource();
  std::string text = WriteOpenApi(source, {.yaml = yaml});
  Result<OpenApiImport> read = ReadOpenApi(text, "ignore");
  ASSERT_TRUE(read.ok()) << read.error().message << "\n" << text;
  const OpenApiImport& imported = read.value();
  EXPECT_TRUE(imported.warnings.empty()) << imported.warnings.front();
  EXPECT_EQ(imported.api.at("name"), "Pet Store");
  EXPECT_EQ(imported.api.at("description"), "Pets");
  EXPECT_EQ(imported.api.at("corsConfiguration"), source.api.at("corsConfiguration"));
  EXPECT_EQ(imported.api.at("tags"), source.api.at("tags"));
  EXPECT_EQ(imported.api.at("disableExecuteApiEndpoint"), true);
  ASSERT_EQ(imported.routes.size(), source.routes.size()) << text;
  for (const json::object& route : source.routes) {
    std::string key(route.at("routeKey").as_string());
    const OpenApiImport::RouteSpec* spec = FindRoute(imported, key);
    ASSERT_NE(spec, nullptr) << key;
    EXPECT_EQ(Effective(spec->members, {"operationName", "authorizationScopes"}),
              Effective(route, {"operationName", "authorizationScopes"}))
        << key;
    EXPECT_EQ(AuthorizationType(spec->members), AuthorizationType(route)) << key;
    ASSERT_EQ(spec->authorizer.has_value(), route.contains("authorizerId")) << key;
    for (const json::object& authorizer : source.authorizers) {
      if (spec->authorizer && authorizer.at("authorizerId") == route.at("authorizerId")) {
        EXPECT_EQ(Effective(imported.authorizers[*spec->authorizer], kAuthorizerKeys),
                  Effective(authorizer, kAuthorizerKeys))
            << key;
      }
    }
    ASSERT_EQ(spec->integration.has_value(), route.contains("target")) << key;
    for (const json::object& integration : source.integrations) {
      if (spec->integration &&
          "integrations/" + std::string(integration.at("integrationId").as_string()) ==
              route.at("target").as_string()) {
        EXPECT_EQ(Effective(imported.integrations[*spec->integration], kIntegrationKeys),
                  Effective(integration, kIntegrationKeys))
            << key;
      }
    }
  }
  // The integration no route targets comes back too.
  bool spare = false;
  for (const json::object& integration : imported.integrations) {
    spare = spare || Effective(integration, kIntegrationKeys) ==
                         Effective(source.integrations[2], kIntegrationKeys);
  }
  EXPECT_TRUE(spare) << text;
  EXPECT_EQ(imported.authorizers.size(), source.authorizers.size());
}

TEST(OpenApiRoundTripTest, Json) { ExpectRoundTrip(/*yaml=*/false); }

TEST(OpenApiRoundTripTest, Yaml) { ExpectRoundTrip(/*yaml=*/true); }

TEST(OpenApiRoundTripTest, ImportedDefinitionExportsAndReadsBackTheSame) {
  // Import → (pretend the control plane stored it) → export → import.
  OpenApiImport first = ReadOk(kPetStoreYaml);
  OpenApiSource source;
  source.api = first.api;
  for (size_t i = 0; i < first.integrations.size(); ++i) {
    json::object integration = first.integrations[i];
    integration["integrationId"] = "i" + std::to_string(i);
    source.integrations.push_back(std::move(integration));
  }
  for (size_t i = 0; i < first.authorizers.size(); ++i) {
    json::object authorizer = first.authorizers[i];
    authorizer["authorizerId"] = "a" + std::to_string(i);
    source.authorizers.push_back(std::move(authorizer));
  }
  for (const OpenApiImport::RouteSpec& spec : first.routes) {
    json::object route = spec.members;
    if (spec.integration) route["target"] = "integrations/i" + std::to_string(*spec.integration);
    if (spec.authorizer) route["authorizerId"] = "a" + std::to_string(*spec.authorizer);
    source.routes.push_back(std::move(route));
  }
  source.server_url = "https://api.example.com";
  source.stage = J(R"({"stageName": "v1"})").as_object();
  OpenApiImport second = ReadOk(WriteOpenApi(source, {.yaml = true}), "prepend");
  EXPECT_EQ(json::value(second.api), json::value(first.api));
  EXPECT_EQ(json::value(second.authorizers[0]), json::value(first.authorizers[0]));
  EXPECT_EQ(json::value(second.authorizers[1]), json::value(first.authorizers[1]));
  ASSERT_EQ(second.routes.size(), first.routes.size());
  for (const OpenApiImport::RouteSpec& spec : first.routes) {
    std::string key(spec.members.at("routeKey").as_string());
    // With "prepend", the stage exported as the basePath comes back as a prefix.
    std::string prefixed = key == "$default" ? key : key.replace(key.find(' '), 1, " /v1");
    const OpenApiImport::RouteSpec* again = FindRoute(second, prefixed);
    ASSERT_NE(again, nullptr) << prefixed;
    EXPECT_EQ(AuthorizationType(again->members), AuthorizationType(spec.members)) << key;
    ASSERT_TRUE(again->integration.has_value());
    EXPECT_EQ(Effective(second.integrations[*again->integration], kIntegrationKeys),
              Effective(first.integrations[*spec.integration], kIntegrationKeys))
        << key;
  }
}

}  // namespace
}  // namespace kumo::apis

// The shape checks the control plane makes before anything is stored:
// route keys, Lambda and HTTP URIs, stage names, resource ARNs, and the
// integration and authorizer rules of HTTP APIs.
#include "apis/control_validation.h"

#include <gtest/gtest.h>

namespace kumo::apis {
namespace {

TEST(RouteKeyTest, AcceptsDefaultAndMethodPathKeys) {
  EXPECT_TRUE(ParseRouteKey("$default").has_value());
  EXPECT_EQ(ParseRouteKey("$default")->method, "");
  auto key = ParseRouteKey("GET /pets/{id}");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->method, "GET");
  EXPECT_EQ(key->path, "/pets/{id}");
  for (const char* ok : {"ANY /{proxy+}", "POST /", "DELETE /a/b-c_d.e~f", "OPTIONS /x/{a}/y/{b+}",
                         "HEAD /files/{path+}", "PATCH /v1/items/{item.id}"}) {
    EXPECT_TRUE(ParseRouteKey(ok).has_value()) << ok;
  }
}

TEST(RouteKeyTest, RefusesMalformedKeys) {
  for (const char* bad :
       {"", "GET", "GET pets", "get /pets", "FETCH /pets", "GET  /pets", "GET /pets/", "GET //pets",
        "GET /{proxy+}/more", "GET /{}", "GET /{a}/{a}", "GET /a{b}", "GET /{a", "GET /pets?x=1",
        "GET /a b", "$DEFAULT", "ANY /{+}"}) {
    EXPECT_FALSE(ParseRouteKey(bad).has_value()) << bad;
  }
  EXPECT_EQ(BadRouteKey().code, "BadRequestException");
  EXPECT_EQ(BadRouteKey().http_status, 400);
}

TEST(TargetTest, OnlyIntegrationsTargets) {
  EXPECT_EQ(IntegrationIdFromTarget("integrations/abc1234"), "abc1234");
  EXPECT_FALSE(IntegrationIdFromTarget("integration/abc").has_value());
  EXPECT_FALSE(IntegrationIdFromTarget("integrations/").has_value());
  EXPECT_FALSE(IntegrationIdFromTarget("integrations/a/b").has_value());
}

TEST(LambdaUriTest, BareAndInvocationFormsGiveTheFunctionArn) {
  const std::string arn = "arn:aws:lambda:us-east-1:000000000000:function:hello";
  EXPECT_EQ(LambdaArnFromUri(arn, false), arn);
  EXPECT_EQ(LambdaArnFromUri(arn + ":live", false), arn + ":live");
  EXPECT_EQ(LambdaArnFromUri(arn + ":$LATEST", false), arn + ":$LATEST");
  std::string invocation =
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + arn + ":7/invocations";
  EXPECT_EQ(LambdaArnFromUri(invocation, false), arn + ":7");
  EXPECT_EQ(LambdaArnFromUri(invocation, true), arn + ":7");
  EXPECT_FALSE(LambdaArnFromUri(arn, true).has_value()) << "authorizers take the invocation form";
  EXPECT_EQ(LambdaArnFromUri("arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}",
                             false),
            "arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}");
  for (const char* bad :
       {"arn:aws:lambda:us-east-1:000000000000:function:",
        "arn:aws:lambda:us-east-1:123:function:f", "arn:aws:s3:::bucket", "hello",
        "arn:aws:lambda:us-east-1:000000000000:layer:x",
        "arn:aws:lambda:us-east-1:000000000000:function:f:a:b",
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/hello/invocations",
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:000000000000:function:f"}) {
    EXPECT_FALSE(LambdaArnFromUri(bad, false).has_value()) << bad;
  }
}

TEST(HttpUrlTest, HttpAndHttpsWithAHost) {
  EXPECT_TRUE(IsHttpUrl("http://127.0.0.1:8080/path"));
  EXPECT_TRUE(IsHttpUrl("https://example.com"));
  EXPECT_TRUE(IsHttpUrl("http://${stageVariables.host}/x"));
  EXPECT_TRUE(IsHttpUrl("https://example.com/{proxy}"));
  EXPECT_TRUE(IsHttpUrl("https://example.com/items/{id}?q={proxy+}"));
  EXPECT_FALSE(IsHttpUrl("https://example.com/{}"));
  EXPECT_FALSE(IsHttpUrl("ftp://example.com"));
  EXPECT_FALSE(IsHttpUrl("http://"));
  EXPECT_FALSE(IsHttpUrl("example.com"));
}

TEST(StageNameTest, DefaultOrWordCharacters) {
  EXPECT_TRUE(IsValidStageName("$default"));
  EXPECT_TRUE(IsValidStageName("prod"));
  EXPECT_TRUE(IsValidStageName("v1_beta-2"));
  EXPECT_FALSE(IsValidStageName(""));
  EXPECT_FALSE(IsValidStageName("bad stage"));
  EXPECT_FALSE(IsValidStageName("$latest"));
  EXPECT_FALSE(IsValidStageName(std::string(129, 'a')));
}

TEST(ResourceArnTest, ApisAndStages) {
  EXPECT_EQ(ApiArn("us-east-1", "abc"), "arn:aws:apigateway:us-east-1::/apis/abc");
  auto api = ParseResourceArn("arn:aws:apigateway:eu-west-1::/apis/abc");
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->region, "eu-west-1");
  EXPECT_EQ(api->api_id, "abc");
  EXPECT_EQ(api->stage, "");
  auto stage = ParseResourceArn(StageArn("us-east-1", "abc", "$default"));
  ASSERT_TRUE(stage.has_value());
  EXPECT_EQ(stage->stage, "$default");
  EXPECT_FALSE(ParseResourceArn("arn:aws:apigateway:us-east-1::/restapis/abc").has_value());
  EXPECT_FALSE(ParseResourceArn("arn:aws:apigateway:us-east-1::/apis/abc/routes/x").has_value());
}

TEST(RandomIdTest, LowerCaseAlphanumerics) {
  std::mt19937_64 rng(7);
  std::string id = RandomId(rng, 10);
  EXPECT_EQ(id.size(), 10u);
  for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
}

Integration LambdaIntegration() {
  Integration i;
  i.type = IntegrationType::kAwsProxy;
  i.uri = "arn:aws:lambda:us-east-1:000000000000:function:hello";
  i.payload_format_version = "2.0";
  return i;
}

TEST(IntegrationRulesTest, LambdaProxyNeedsAPayloadVersionAndGetsPost) {
  Integration i = LambdaIntegration();
  ASSERT_TRUE(FinishIntegration(i).ok());
  EXPECT_EQ(i.method, "POST");
  EXPECT_EQ(i.function_arn, i.uri);
  i.payload_format_version = "";
  EXPECT_EQ(FinishIntegration(i).error().code, "BadRequestException");
  i.payload_format_version = "3.0";
  EXPECT_NE(FinishIntegration(i).error().message.find("1.0 and 2.0"), std::string::npos);
}

TEST(IntegrationRulesTest, TimeoutBounds) {
  for (int64_t ms : {50, 30000}) {
    Integration i = LambdaIntegration();
    i.timeout_ms = ms;
    EXPECT_TRUE(FinishIntegration(i).ok()) << ms;
  }
  for (int64_t ms : {49, 30001}) {
    Integration i = LambdaIntegration();
    i.timeout_ms = ms;
    EXPECT_FALSE(FinishIntegration(i).ok()) << ms;
  }
}

TEST(IntegrationRulesTest, HttpProxyNeedsAUrlAndAMethodAndPayload10) {
  Integration i;
  i.type = IntegrationType::kHttpProxy;
  i.uri = "https://example.com/{proxy}";
  EXPECT_FALSE(FinishIntegration(i).ok()) << "no method";
  i.method = "ANY";
  ASSERT_TRUE(FinishIntegration(i).ok());
  EXPECT_EQ(i.payload_format_version, "1.0");
  i.payload_format_version = "2.0";
  EXPECT_FALSE(FinishIntegration(i).ok());
  i.payload_format_version = "1.0";
  i.uri = "arn:aws:lambda:us-east-1:000000000000:function:hello";
  EXPECT_FALSE(FinishIntegration(i).ok());
}

TEST(AuthorizerRulesTest, JwtNeedsIssuerAudienceAndOneSource) {
  Authorizer a;
  a.name = "jwt";
  a.type = AuthorizerType::kJwt;
  a.identity_source = {"$request.header.Authorization"};
  EXPECT_FALSE(FinishAuthorizer(a).ok()) << "no jwtConfiguration";
  a.jwt_issuer = "https://issuer.example.com";
  a.jwt_audience = {"aud"};
  EXPECT_TRUE(FinishAuthorizer(a).ok());
  a.identity_source.push_back("$request.header.X");
  EXPECT_FALSE(FinishAuthorizer(a).ok());
  a.identity_source = {"header.Authorization"};
  EXPECT_FALSE(FinishAuthorizer(a).ok());
}

TEST(AuthorizerRulesTest, RequestNeedsAnInvocationUriAndAPayloadVersion) {
  Authorizer a;
  a.name = "lambda";
  a.type = AuthorizerType::kRequest;
  a.authorizer_uri =
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
      "arn:aws:lambda:us-east-1:000000000000:function:auth/invocations";
  EXPECT_FALSE(FinishAuthorizer(a).ok()) << "no payload format version";
  a.payload_format_version = "2.0";
  a.enable_simple_responses = true;
  ASSERT_TRUE(FinishAuthorizer(a).ok());
  EXPECT_EQ(a.function_arn, "arn:aws:lambda:us-east-1:000000000000:function:auth");
  a.payload_format_version = "1.0";
  EXPECT_FALSE(FinishAuthorizer(a).ok()) << "simple responses need 2.0";
  a.enable_simple_responses = false;
  a.result_ttl_seconds = 300;
  EXPECT_FALSE(FinishAuthorizer(a).ok()) << "caching needs an identity source";
  a.identity_source = {"$request.header.Authorization"};
  EXPECT_TRUE(FinishAuthorizer(a).ok());
  a.result_ttl_seconds = 3601;
  EXPECT_FALSE(FinishAuthorizer(a).ok());
}

TEST(CorsRulesTest, CredentialsNeverWithAWildcardOrigin) {
  CorsConfig cors;
  cors.allow_origins = {"*"};
  cors.allow_methods = {"GET", "*"};
  EXPECT_TRUE(CheckCors(cors).ok());
  cors.allow_credentials = true;
  EXPECT_FALSE(CheckCors(cors).ok());
  cors.allow_origins = {"https://app.example.com"};
  EXPECT_TRUE(CheckCors(cors).ok());
  cors.allow_methods = {"FETCH"};
  EXPECT_FALSE(CheckCors(cors).ok());
  cors.allow_methods = {};
  cors.max_age = 86401;
  EXPECT_FALSE(CheckCors(cors).ok());
}

TEST(ErrorsTest, NotFoundCarriesAwsWordingAndResourceType) {
  Error e = ApiNotFound("abc");
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.code, "NotFoundException");
  EXPECT_EQ(e.message, "Invalid API identifier specified 000000000000:abc");
  EXPECT_EQ(e.details_json, R"({"resourceType":"Api"})");
  EXPECT_EQ(Conflict("x").http_status, 409);
}

}  // namespace
}  // namespace kumo::apis

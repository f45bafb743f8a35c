// Lambda REQUEST authorizers: identity sources, the 1.0/2.0 events, simple
// and IAM answers, policy wildcards and the result cache, with a fake invoker.
#include "apis/lambda_authorizer.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kumo::apis {
namespace {

namespace json = boost::json;

constexpr char kArn[] = "arn:aws:execute-api:us-east-1:000000000000:api1/$default/GET/pets/7";

TEST(IdentitySourceTest, ParsesEveryKindAndRefusesOthers) {
  struct Case {
    const char* text;
    IdentitySource::Kind kind;
    const char* name;
  } cases[] = {{"$request.header.Authorization", IdentitySource::Kind::kHeader, "Authorization"},
               {"$request.querystring.token", IdentitySource::Kind::kQueryString, "token"},
               {"$context.routeKey", IdentitySource::Kind::kContext, "routeKey"},
               {"$stageVariables.key", IdentitySource::Kind::kStageVariable, "key"}};
  for (const Case& c : cases) {
    Result<IdentitySource> source = ParseIdentitySource(c.text);
    ASSERT_TRUE(source.ok()) << c.text;
    EXPECT_EQ(source->kind, c.kind);
    EXPECT_EQ(source->name, c.name);
    EXPECT_EQ(source->expression, c.text);
  }
  for (const char* bad : {"", "Authorization", "$request.header.", "$request.body.x", "$method"}) {
    Result<IdentitySource> source = ParseIdentitySource(bad);
    ASSERT_FALSE(source.ok()) << bad;
    EXPECT_EQ(source.error().http_status, 400);
    EXPECT_EQ(source.error().code, "BadRequestException");
  }
}

std::vector<IdentitySource> Sources(std::initializer_list<const char*> texts) {
  std::vector<IdentitySource> out;
  for (const char* text : texts) out.push_back(ParseIdentitySource(text).value());
  return out;
}

TEST(IdentitySourceTest, ResolvesValuesAndRefusesMissingOnesWith401) {
  edge::Headers headers;
  headers.Add("authorization", "tok");
  headers.Add("X-Multi", "a");
  headers.Add("x-multi", "b");
  headers.Add("X-Empty", "");
  std::vector<std::pair<std::string, std::string>> query{{"t", "1"}, {"T", "2"}, {"t", "3"}};
  std::map<std::string, std::string> stage{{"env", "dev"}};
  IdentityInputs inputs{headers, query, stage, [](std::string_view name) {
                          return name == "routeKey" ? std::optional<std::string>("GET /pets")
                                                    : std::nullopt;
                        }};
  AuthOutcome<std::vector<std::string>> values = ResolveIdentitySources(
      Sources({"$request.header.Authorization", "$request.header.x-multi", "$request.querystring.t",
               "$context.routeKey", "$stageVariables.env"}),
      inputs);
  ASSERT_TRUE(values.ok()) << values.failure().reason;
  EXPECT_EQ(values.value(), (std::vector<std::string>{"tok", "a,b", "1,3", "GET /pets", "dev"}));
  for (const char* missing :
       {"$request.header.Missing", "$request.header.X-Empty", "$request.querystring.Missing",
        "$context.stage", "$stageVariables.other"}) {
    AuthOutcome<std::vector<std::string>> refused =
        ResolveIdentitySources(Sources({"$request.header.Authorization", missing}), inputs);
    ASSERT_FALSE(refused.ok()) << missing;
    EXPECT_EQ(refused.failure().status, 401);
    EXPECT_EQ(refused.failure().Message(), "Unauthorized");
    EXPECT_EQ(refused.failure().www_authenticate, "");
  }
  EXPECT_TRUE(ResolveIdentitySources({}, inputs).ok());
}

TEST(AuthorizerEventTest, RouteArnHasTheStageMethodAndPath) {
  EXPECT_EQ(BuildRouteArn("us-east-1", "123456789012", "abcdef123", "test", "GET", "/request"),
            "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request");
  EXPECT_EQ(BuildRouteArn("r", "a", "api", "$default", "POST", "/"),
            "arn:aws:execute-api:r:a:api/$default/POST/");
}

json::object ProxyEventV2() {
  return json::parse(R"({"version":"2.0","routeKey":"GET /pets/{id}","rawPath":"/pets/7",
    "rawQueryString":"a=1","cookies":["c=1"],"headers":{"authorization":"tok"},
    "queryStringParameters":{"a":"1"},
    "requestContext":{"apiId":"api1","authorizer":{"jwt":{}},"http":{"method":"GET"}},
    "pathParameters":{"id":"7"},"body":"secret","isBase64Encoded":false})")
      .as_object();
}

TEST(AuthorizerEventTest, Version2EventCopiesTheRequestPartInAwsOrder) {
  json::object event = BuildAuthorizerEventV2(ProxyEventV2(), kArn, {"tok", "x"});
  std::vector<std::string> keys;
  for (const auto& member : event) keys.emplace_back(member.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"version", "type", "routeArn", "identitySource",
                                            "routeKey", "rawPath", "rawQueryString", "cookies",
                                            "headers", "queryStringParameters", "requestContext",
                                            "pathParameters"}));
  EXPECT_EQ(event["version"], "2.0");
  EXPECT_EQ(event["type"], "REQUEST");
  EXPECT_EQ(event["routeArn"], kArn);
  EXPECT_EQ(event["identitySource"], json::parse(R"(["tok","x"])"));
  EXPECT_FALSE(event["requestContext"].as_object().contains("authorizer"));
  EXPECT_EQ(event["requestContext"].as_object()["apiId"], "api1");
}

TEST(AuthorizerEventTest, Version1EventCarriesMethodArnAndJoinedIdentity) {
  json::object proxy = json::parse(R"({"version":"1.0","resource":"/pets/{id}","path":"/pets/7",
    "httpMethod":"GET","headers":{"Authorization":"tok"},"multiValueHeaders":{"Authorization":["tok"]},
    "queryStringParameters":null,"multiValueQueryStringParameters":null,
    "requestContext":{"stage":"$default","authorizer":{}},"pathParameters":{"id":"7"},
    "stageVariables":null,"body":null,"isBase64Encoded":false})")
                           .as_object();
  json::object event = BuildAuthorizerEventV1(proxy, kArn, {"tok", "x"});
  EXPECT_EQ(event["version"], "1.0");
  EXPECT_EQ(event["type"], "REQUEST");
  EXPECT_EQ(event["methodArn"], kArn);
  EXPECT_EQ(event["identitySource"], "tok,x");
  EXPECT_EQ(event["authorizationToken"], "tok,x");
  EXPECT_EQ(event["resource"], "/pets/{id}");
  EXPECT_EQ(event["httpMethod"], "GET");
  EXPECT_TRUE(event["queryStringParameters"].is_null());
  EXPECT_FALSE(event.contains("body"));
  EXPECT_FALSE(event.contains("isBase64Encoded"));
  EXPECT_FALSE(event["requestContext"].as_object().contains("authorizer"));
}

TEST(PolicyTest, WildcardMatching) {
  EXPECT_TRUE(WildcardMatch("*", "", false));
  EXPECT_TRUE(WildcardMatch("a*c", "abbbc", false));
  EXPECT_TRUE(WildcardMatch("a*/GET/*", "a1/$default/GET/pets/7", false));
  EXPECT_TRUE(WildcardMatch("a?c", "abc", false));
  EXPECT_FALSE(WildcardMatch("a?c", "ac", false));
  EXPECT_FALSE(WildcardMatch("a*d", "abc", false));
  EXPECT_FALSE(WildcardMatch("ABC", "abc", false));
  EXPECT_TRUE(WildcardMatch("ABC", "abc", true));
  EXPECT_TRUE(WildcardMatch("*a*b*", "xxaxxbxx", false));
}

Result<bool> Allows(const char* policy, std::string_view arn = kArn) {
  return PolicyAllows(json::parse(policy).as_object(), arn);
}

TEST(PolicyTest, EvaluatesLikeIam) {
  auto allow = [](const char* resource) {
    return std::string(R"({"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke",
      "Effect":"Allow","Resource":")") +
           resource + "\"}]}";
  };
  EXPECT_TRUE(Allows(allow(kArn).c_str()).value());
  EXPECT_TRUE(Allows(allow("arn:aws:execute-api:us-east-1:*:api1/*/GET/*").c_str()).value());
  EXPECT_TRUE(Allows(allow("*").c_str()).value());
  EXPECT_FALSE(Allows(allow("arn:aws:execute-api:us-east-1:*:api1/*/POST/*").c_str()).value());
  // A single statement object, an action list with wildcards, actions ignoring case.
  EXPECT_TRUE(Allows(R"({"Statement":{"Action":["s3:GetObject","Execute-API:*"],"Effect":"Allow",
    "Resource":["x","arn:aws:execute-api:*"]}})")
                  .value());
  EXPECT_FALSE(
      Allows(R"({"Statement":{"Action":"s3:*","Effect":"Allow","Resource":"*"}})").value());
  // An explicit deny wins over any allow; no statement means deny.
  EXPECT_FALSE(Allows(R"({"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"},
    {"Action":"execute-api:Invoke","Effect":"Deny","Resource":"*/GET/pets/*"}]})")
                   .value());
  EXPECT_FALSE(Allows(R"({"Statement":[]})").value());
  // Unsupported statements are ignored.
  EXPECT_FALSE(
      Allows(R"({"Statement":[{"NotAction":"x","Effect":"Allow","Resource":"*"}]})").value());
  for (const char* bad :
       {R"({})", R"({"Statement":[{"Action":"*","Resource":"*"}]})",
        R"({"Statement":[{"Action":"*","Effect":"allow","Resource":"*"}]})",
        R"({"Statement":[{"Action":1,"Effect":"Allow","Resource":"*"}]})",
        R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})", R"({"Statement":["x"]})"}) {
    Result<bool> result = Allows(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().http_status, 500);
  }
}

TEST(AuthorizerResponseTest, ChecksTheShapeOfEachKind) {
  Result<AuthorizerResponse> simple =
      ParseAuthorizerResponse(R"({"isAuthorized":true,"context":{"user":"u1","n":1}})", true);
  ASSERT_TRUE(simple.ok());
  EXPECT_TRUE(simple->is_authorized);
  EXPECT_EQ(simple->context["n"], 1);
  Result<AuthorizerResponse> iam = ParseAuthorizerResponse(
      R"({"principalId":"p1","policyDocument":{"Statement":[]},"context":null})", false);
  ASSERT_TRUE(iam.ok());
  EXPECT_EQ(iam->principal_id, "p1");
  EXPECT_TRUE(iam->context.empty());
  for (const char* bad : {"", "[]", R"({"isAuthorized":"true"})", R"({"context":{}})",
                          R"({"isAuthorized":true,"context":"x"})"}) {
    EXPECT_FALSE(ParseAuthorizerResponse(bad, true).ok()) << bad;
  }
  for (const char* bad : {R"({"isAuthorized":true})", R"({"policyDocument":{}})",
                          R"({"principalId":1,"policyDocument":{"Statement":[]}})"}) {
    EXPECT_FALSE(ParseAuthorizerResponse(bad, false).ok()) << bad;
  }
}

// An invoker that answers `payload` and records the events it was given.
struct FakeFunction {
  std::string payload;
  std::string function_error;
  bool fail = false;
  std::vector<std::string> events;

  AuthorizerInvoker Invoker() {
    return [this](std::string event, AuthorizerInvokeCallback done) {
      events.push_back(std::move(event));
      if (fail) return done(Error(502, "ServiceException", "no such function"));
      done(AuthorizerInvokeResult{200, function_error, payload});
    };
  }
};

class LambdaAuthorizerTest : public ::testing::Test {
 protected:
  LambdaAuthorizerTest() : clock_(1000000), authorizer_(clock_, 3) {
    config_.authorizer_id = "auth1";
    config_.payload_format_version = "2.0";
    config_.enable_simple_responses = true;
    config_.result_ttl_seconds = 300;
    config_.identity_sources = Sources({"$request.header.Authorization"});
  }

  AuthOutcome<LambdaAuthorization> Authorize(const std::string& identity,
                                             const std::string& arn = kArn) {
    std::optional<AuthOutcome<LambdaAuthorization>> out;
    authorizer_.Authorize(
        config_, arn, {identity}, [] { return ProxyEventV2(); }, function_.Invoker(),
        [&](AuthOutcome<LambdaAuthorization> o) { out.emplace(std::move(o)); });
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : AuthOutcome<LambdaAuthorization>(AuthFailure{});
  }

  ManualClock clock_;
  LambdaAuthorizer authorizer_;
  LambdaAuthorizerConfig config_;
  FakeFunction function_;
};

TEST_F(LambdaAuthorizerTest, SimpleResponsesAllowWithContextOrForbid) {
  function_.payload = R"({"isAuthorized":true,"context":{"user":"u1"}})";
  AuthOutcome<LambdaAuthorization> allowed = Authorize("tok");
  ASSERT_TRUE(allowed.ok()) << allowed.failure().reason;
  EXPECT_EQ(allowed.value().context["user"], "u1");
  EXPECT_FALSE(allowed.value().from_cache);
  ASSERT_EQ(function_.events.size(), 1u);
  json::object event = json::parse(function_.events[0]).as_object();
  EXPECT_EQ(event["version"], "2.0");
  EXPECT_EQ(event["routeArn"], kArn);
  EXPECT_EQ(event["identitySource"], json::parse(R"(["tok"])"));
  function_.payload = R"({"isAuthorized":false})";
  AuthOutcome<LambdaAuthorization> denied = Authorize("other");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.failure().status, 403);
  EXPECT_EQ(denied.failure().Message(), "Forbidden");
}

TEST_F(LambdaAuthorizerTest, IamResponsesAreEvaluatedAgainstTheRoute) {
  config_.enable_simple_responses = false;
  function_.payload = R"({"principalId":"me","policyDocument":{"Version":"2012-10-17",
    "Statement":[{"Action":"execute-api:Invoke","Effect":"Allow",
    "Resource":"arn:aws:execute-api:us-east-1:000000000000:api1/*/GET/pets/*"}]},
    "context":{"tier":"gold"}})";
  AuthOutcome<LambdaAuthorization> allowed = Authorize("tok");
  ASSERT_TRUE(allowed.ok()) << allowed.failure().reason;
  EXPECT_EQ(allowed.value().principal_id, "me");
  EXPECT_EQ(allowed.value().context["tier"], "gold");
  // The cached policy is evaluated again for another route: no invoke, but a deny.
  std::string post = "arn:aws:execute-api:us-east-1:000000000000:api1/$default/POST/pets";
  AuthOutcome<LambdaAuthorization> denied = Authorize("tok", post);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.failure().status, 403);
  EXPECT_EQ(function_.events.size(), 1u);
}

TEST_F(LambdaAuthorizerTest, Payload10AlwaysReadsPolicies) {
  config_.payload_format_version = "1.0";  // simple responses do not apply
  function_.payload = R"({"principalId":"me","policyDocument":{"Statement":[
    {"Action":"execute-api:Invoke","Effect":"Deny","Resource":"*"}]}})";
  AuthOutcome<LambdaAuthorization> denied = Authorize("tok");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.failure().status, 403);
  json::object event = json::parse(function_.events.at(0)).as_object();
  EXPECT_EQ(event["version"], "1.0");
  EXPECT_EQ(event["methodArn"], kArn);
  EXPECT_EQ(event["identitySource"], "tok");
}

TEST_F(LambdaAuthorizerTest, FailuresAre500AndNeverCached) {
  function_.fail = true;
  EXPECT_EQ(Authorize("tok").failure().status, 500);
  function_.fail = false;
  function_.function_error = "Unhandled";
  function_.payload = R"({"errorMessage":"boom"})";
  EXPECT_EQ(Authorize("tok").failure().status, 500);
  function_.function_error.clear();
  function_.payload = "not json";
  AuthOutcome<LambdaAuthorization> malformed = Authorize("tok");
  EXPECT_EQ(malformed.failure().status, 500);
  EXPECT_EQ(malformed.failure().Message(), "Internal Server Error");
  EXPECT_EQ(authorizer_.cached_entries(), 0u);
  function_.payload = R"({"isAuthorized":true})";
  EXPECT_TRUE(Authorize("tok").ok());
  EXPECT_EQ(function_.events.size(), 4u);
}

TEST_F(LambdaAuthorizerTest, CacheByIdentityValuesUntilTheTtl) {
  function_.payload = R"({"isAuthorized":true})";
  ASSERT_TRUE(Authorize("tok").ok());
  AuthOutcome<LambdaAuthorization> hit = Authorize("tok");
  ASSERT_TRUE(hit.ok());
  EXPECT_TRUE(hit.value().from_cache);
  EXPECT_EQ(function_.events.size(), 1u);
  ASSERT_TRUE(Authorize("tok2").ok());  // other identity: a miss
  EXPECT_EQ(function_.events.size(), 2u);
  clock_.AdvanceMillis(299 * 1000);
  EXPECT_TRUE(Authorize("tok").value().from_cache);
  clock_.AdvanceMillis(1000);
  EXPECT_FALSE(Authorize("tok").value().from_cache);
  EXPECT_EQ(function_.events.size(), 3u);
  // Denials are cached too.
  function_.payload = R"({"isAuthorized":false})";
  EXPECT_EQ(Authorize("bad").failure().status, 403);
  EXPECT_EQ(Authorize("bad").failure().status, 403);
  EXPECT_EQ(function_.events.size(), 4u);
}

TEST_F(LambdaAuthorizerTest, CachedAnswersStayInTheirScope) {
  function_.payload = R"({"isAuthorized":true})";
  config_.cache_scope = "api/prod/dep1/0";
  ASSERT_TRUE(Authorize("tok").ok());
  EXPECT_TRUE(Authorize("tok").value().from_cache);
  config_.cache_scope = "api/prod/dep1/1";  // ResetAuthorizersCache
  EXPECT_FALSE(Authorize("tok").value().from_cache);
  config_.cache_scope = "api/dev/dep1/1";  // another stage
  EXPECT_FALSE(Authorize("tok").value().from_cache);
  config_.cache_scope = "api/prod/dep1/1";
  EXPECT_TRUE(Authorize("tok").value().from_cache);
  EXPECT_EQ(function_.events.size(), 3u);
}

TEST_F(LambdaAuthorizerTest, NoCacheWithoutTtlOrIdentitySources) {
  function_.payload = R"({"isAuthorized":true})";
  config_.result_ttl_seconds = 0;
  ASSERT_TRUE(Authorize("tok").ok());
  ASSERT_TRUE(Authorize("tok").ok());
  config_.result_ttl_seconds = 300;
  config_.identity_sources.clear();
  ASSERT_TRUE(Authorize("tok").ok());
  ASSERT_TRUE(Authorize("tok").ok());
  EXPECT_EQ(function_.events.size(), 4u);
  EXPECT_EQ(authorizer_.cached_entries(), 0u);
}

TEST_F(LambdaAuthorizerTest, CacheIsBoundedLeastRecentlyUsedFirst) {
  function_.payload = R"({"isAuthorized":true})";
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(Authorize(id).ok());
  ASSERT_TRUE(Authorize("a").value().from_cache);  // "b" is now the oldest
  ASSERT_TRUE(Authorize("d").ok());
  EXPECT_EQ(authorizer_.cached_entries(), 3u);
  EXPECT_TRUE(Authorize("a").value().from_cache);
  EXPECT_FALSE(Authorize("b").value().from_cache);
  config_.authorizer_id = "auth2";  // the same identity under another authorizer misses
  EXPECT_FALSE(Authorize("a").value().from_cache);
}

}  // namespace
}  // namespace kumo::apis

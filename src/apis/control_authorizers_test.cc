// Authorizers through the edge handler: JWT and Lambda (REQUEST) shapes,
// their checks, and authorizers routes still use.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "apis/control_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::Reply;

constexpr char kAuthorizerUri[] =
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:000000000000:function:auth/invocations";

class AuthorizersOpsTest : public testing::ControlTest {
 protected:
  void SetUp() override {
    ControlTest::SetUp();
    api_ = CreateApi();
    base_ = "/v2/apis/" + api_;
  }
  Reply CreateLambdaAuthorizer(json::object extra = {}) {
    json::object body{{"name", "lambda"},
                      {"authorizerType", "REQUEST"},
                      {"authorizerUri", kAuthorizerUri},
                      {"authorizerPayloadFormatVersion", "2.0"},
                      {"identitySource", json::array{"$request.header.Authorization"}}};
    for (auto& kv : extra) body[kv.key()] = kv.value();
    return Call("POST", base_ + "/authorizers", body);
  }
  std::string api_;
  std::string base_;
};

TEST_F(AuthorizersOpsTest, JwtAuthorizer) {
  Reply r = Call("POST", base_ + "/authorizers",
                 {{"name", "cognito"},
                  {"authorizerType", "JWT"},
                  {"identitySource", json::array{"$request.header.Authorization"}},
                  {"jwtConfiguration",
                   {{"issuer", "https://cognito-idp.us-east-1.amazonaws.com/pool"},
                    {"audience", json::array{"client-a", "client-b"}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.Str("authorizerId");
  EXPECT_EQ(id.size(), 7u);
  EXPECT_EQ(r.Str("authorizerType"), "JWT");
  EXPECT_EQ(json::serialize(r.Json()["jwtConfiguration"]),
            R"({"audience":["client-a","client-b"],)"
            R"("issuer":"https://cognito-idp.us-east-1.amazonaws.com/pool"})");
  EXPECT_EQ(json::serialize(r.Json()["identitySource"]), R"(["$request.header.Authorization"])");
  EXPECT_FALSE(r.Json().contains("authorizerUri"));
  EXPECT_EQ(Call("GET", base_ + "/authorizers/" + id).body, r.body);
  EXPECT_EQ(Call("POST", base_ + "/authorizers",
                 {{"name", "j"},
                  {"authorizerType", "JWT"},
                  {"identitySource", json::array{"$request.header.A"}}})
                .status,
            400)
      << "no jwtConfiguration";
  // The token comes from a header or a query string parameter only.
  for (const char* source : {"$context.identity.sourceIp", "$stageVariables.token"}) {
    Reply bad = Call("POST", base_ + "/authorizers",
                     {{"name", "j"},
                      {"authorizerType", "JWT"},
                      {"identitySource", json::array{source}},
                      {"jwtConfiguration",
                       {{"issuer", "https://issuer.example"}, {"audience", json::array{"a"}}}}});
    EXPECT_EQ(bad.status, 400) << source;
    EXPECT_EQ(bad.Message(), "Invalid identity source '" + std::string(source) +
                                 "' for a JWT authorizer. Use $request.header.{name} or "
                                 "$request.querystring.{name}");
  }
  EXPECT_EQ(Call("POST", base_ + "/authorizers",
                 {{"name", "q"},
                  {"authorizerType", "JWT"},
                  {"identitySource", json::array{"$request.querystring.token"}},
                  {"jwtConfiguration",
                   {{"issuer", "https://issuer.example"}, {"audience", json::array{"a"}}}}})
                .status,
            201);
}

TEST_F(AuthorizersOpsTest, LambdaAuthorizer) {
  Reply r = CreateLambdaAuthorizer(
      {{"enableSimpleResponses", true}, {"authorizerResultTtlInSeconds", 300}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Str("authorizerType"), "REQUEST");
  EXPECT_EQ(r.Str("authorizerUri"), kAuthorizerUri);
  EXPECT_EQ(r.Str("authorizerPayloadFormatVersion"), "2.0");
  EXPECT_EQ(r.Json()["enableSimpleResponses"], json::value(true));
  EXPECT_EQ(r.Json()["authorizerResultTtlInSeconds"], json::value(300));
  EXPECT_EQ(CreateLambdaAuthorizer(
                {{"authorizerUri", "arn:aws:lambda:us-east-1:000000000000:function:auth"}})
                .status,
            400)
      << "the invocation-URI form is required";
  EXPECT_EQ(CreateLambdaAuthorizer({{"authorizerResultTtlInSeconds", 3601}}).status, 400);
  EXPECT_EQ(CreateLambdaAuthorizer(
                {{"authorizerPayloadFormatVersion", "1.0"}, {"enableSimpleResponses", true}})
                .status,
            400);
  EXPECT_EQ(CreateLambdaAuthorizer({{"authorizerType", "TOKEN"}}).status, 400);
  EXPECT_EQ(CreateLambdaAuthorizer({{"identitySource", json::array{"Authorization"}}}).status, 400);
}

TEST_F(AuthorizersOpsTest, UpdateDeleteAndUse) {
  std::string id = CreateLambdaAuthorizer().Str("authorizerId");
  Reply updated = Call("PATCH", base_ + "/authorizers/" + id,
                       {{"name", "renamed"}, {"authorizerResultTtlInSeconds", 60}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Str("name"), "renamed");
  EXPECT_EQ(updated.Str("authorizerUri"), kAuthorizerUri);

  std::string route =
      Call("POST", base_ + "/routes",
           {{"routeKey", "GET /x"}, {"authorizationType", "CUSTOM"}, {"authorizerId", id}})
          .Str("routeId");
  Reply in_use = Call("DELETE", base_ + "/authorizers/" + id);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(Call("PATCH", base_ + "/authorizers/" + id,
                 {{"authorizerType", "JWT"},
                  {"authorizerUri", ""},
                  {"jwtConfiguration",
                   {{"issuer", "https://i.example.com"}, {"audience", json::array{"a"}}}}})
                .status,
            409)
      << "a route's authorizer cannot change type";
  ASSERT_EQ(Call("DELETE", base_ + "/routes/" + route).status, 204);
  EXPECT_EQ(Call("DELETE", base_ + "/authorizers/" + id).status, 204);
  Reply gone = Call("GET", base_ + "/authorizers/" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.Message(), "Invalid Authorizer identifier specified " + id);
  EXPECT_EQ(Call("GET", base_ + "/authorizers").Json()["items"].as_array().size(), 0u);
}

TEST_F(AuthorizersOpsTest, DeploymentsCarryAuthorizers) {
  std::string id = CreateLambdaAuthorizer().Str("authorizerId");
  Call("POST", base_ + "/routes",
       {{"routeKey", "GET /x"}, {"authorizationType", "CUSTOM"}, {"authorizerId", id}});
  ASSERT_EQ(
      Call("POST", base_ + "/stages", {{"stageName", "$default"}, {"autoDeploy", true}}).status,
      201);
  auto stage = service_->catalog().Lookup(api_, "$default");
  ASSERT_TRUE(stage.ok());
  const Authorizer* authorizer = (*stage)->deployment->FindAuthorizer(id);
  ASSERT_NE(authorizer, nullptr);
  EXPECT_EQ(authorizer->type, AuthorizerType::kRequest);
  EXPECT_EQ(authorizer->function_arn, "arn:aws:lambda:us-east-1:000000000000:function:auth");
  const Route* route = (*stage)->deployment->FindRouteByKey("GET /x");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->authorization_type, AuthorizationType::kCustom);
  EXPECT_EQ(route->authorizer_id, id);
}

}  // namespace
}  // namespace kumo::apis

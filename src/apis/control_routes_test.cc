// Routes and integrations through the edge handler: shapes, status codes,
// and AWS's errors for bad keys, duplicates, missing targets and
// integrations HTTP APIs cannot have.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "apis/control_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::kFunctionArn;
using testing::Reply;

class RoutesOpsTest : public testing::ControlTest {
 protected:
  void SetUp() override {
    ControlTest::SetUp();
    api_ = CreateApi();
    base_ = "/v2/apis/" + api_;
  }
  std::string api_;
  std::string base_;
};

TEST_F(RoutesOpsTest, CreateRouteAnswers201AndGetReadsIt) {
  std::string integration = CreateIntegration(api_);
  Reply r = Call("POST", base_ + "/routes",
                 {{"routeKey", "GET /pets/{id}"},
                  {"target", "integrations/" + integration},
                  {"operationName", "getPet"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.Str("routeId");
  EXPECT_EQ(id.size(), 7u);
  EXPECT_EQ(r.Str("routeKey"), "GET /pets/{id}");
  EXPECT_EQ(r.Str("target"), "integrations/" + integration);
  EXPECT_EQ(r.Str("authorizationType"), "NONE");
  EXPECT_EQ(r.Str("operationName"), "getPet");
  EXPECT_EQ(r.Json()["apiKeyRequired"], json::value(false));
  EXPECT_FALSE(r.Json().contains("apiGatewayManaged"));
  Reply get = Call("GET", base_ + "/routes/" + id);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, r.body);
  EXPECT_EQ(Call("GET", base_ + "/routes").Json()["items"].as_array().size(), 1u);
}

TEST_F(RoutesOpsTest, RouteErrors) {
  CreateRoute(api_, "GET /pets");
  Reply dup = Call("POST", base_ + "/routes", {{"routeKey", "GET /pets"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code, "ConflictException");
  EXPECT_EQ(dup.Message(), "Route with key GET /pets already exists for this API");

  Reply bad = Call("POST", base_ + "/routes", {{"routeKey", "GET pets"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_code, "BadRequestException");
  EXPECT_EQ(bad.Message(),
            "The provided route key is not formatted properly for HTTP protocol. Format should be "
            "\"<HTTP METHOD> /<RESOURCE PATH>\" or \"$default\"");
  EXPECT_EQ(Call("POST", base_ + "/routes", {}).status, 400) << "routeKey is required";
  EXPECT_EQ(
      Call("POST", base_ + "/routes", {{"routeKey", "GET /x"}, {"target", "lambda/x"}}).status,
      400);
  Reply missing_target =
      Call("POST", base_ + "/routes", {{"routeKey", "GET /x"}, {"target", "integrations/abcdefg"}});
  EXPECT_EQ(missing_target.status, 404);
  EXPECT_EQ(missing_target.Message(), "Invalid Integration identifier specified abcdefg");
  EXPECT_EQ(
      Call("POST", base_ + "/routes", {{"routeKey", "GET /x"}, {"authorizationType", "AWS_IAM"}})
          .status,
      400);
  EXPECT_EQ(Call("POST", base_ + "/routes", {{"routeKey", "GET /x"}, {"authorizationType", "JWT"}})
                .status,
            400)
      << "JWT needs an authorizer";
  EXPECT_EQ(
      Call("POST", base_ + "/routes", {{"routeKey", "GET /x"}, {"apiKeyRequired", true}}).status,
      400);

  Reply unknown = Call("GET", base_ + "/routes/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Message(), "Invalid Route identifier specified nope");
  EXPECT_EQ(unknown.Str("resourceType"), "Route");
  EXPECT_EQ(Call("DELETE", base_ + "/routes/nope").status, 404);
}

TEST_F(RoutesOpsTest, UpdateAndDeleteRoute) {
  std::string integration = CreateIntegration(api_);
  std::string a = CreateRoute(api_, "GET /a", integration);
  CreateRoute(api_, "GET /b");
  Reply r = Call("PATCH", base_ + "/routes/" + a, {{"routeKey", "POST /a"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Str("routeKey"), "POST /a");
  EXPECT_EQ(r.Str("target"), "integrations/" + integration) << "members not given are kept";
  EXPECT_EQ(Call("PATCH", base_ + "/routes/" + a, {{"routeKey", "GET /b"}}).status, 409);
  EXPECT_EQ(Call("PATCH", base_ + "/routes/" + a, {{"target", ""}}).Str("target"), "<absent>");
  Reply deleted = Call("DELETE", base_ + "/routes/" + a);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(Call("GET", base_ + "/routes/" + a).status, 404);
}

TEST_F(RoutesOpsTest, LambdaProxyIntegrations) {
  Reply r = Call("POST", base_ + "/integrations",
                 {{"integrationType", "AWS_PROXY"},
                  {"integrationUri", std::string(kFunctionArn) + ":live"},
                  {"payloadFormatVersion", "1.0"},
                  {"timeoutInMillis", 5000},
                  {"description", "to lambda"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Str("integrationId").size(), 7u);
  EXPECT_EQ(r.Str("integrationType"), "AWS_PROXY");
  EXPECT_EQ(r.Str("integrationMethod"), "POST");
  EXPECT_EQ(r.Str("connectionType"), "INTERNET");
  EXPECT_EQ(r.Str("payloadFormatVersion"), "1.0");
  EXPECT_EQ(r.Json()["timeoutInMillis"], json::value(5000));
  EXPECT_EQ(r.Str("description"), "to lambda");

  std::string invocation = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" +
                           std::string(kFunctionArn) + "/invocations";
  Reply via_uri = Call("POST", base_ + "/integrations",
                       {{"integrationType", "AWS_PROXY"},
                        {"integrationUri", invocation},
                        {"payloadFormatVersion", "2.0"}});
  ASSERT_EQ(via_uri.status, 201) << via_uri.body;
  EXPECT_EQ(via_uri.Str("integrationUri"), invocation);
  EXPECT_EQ(via_uri.Json()["timeoutInMillis"], json::value(30000));

  Reply no_version = Call("POST", base_ + "/integrations",
                          {{"integrationType", "AWS_PROXY"}, {"integrationUri", kFunctionArn}});
  EXPECT_EQ(no_version.status, 400);
  EXPECT_NE(no_version.Message().find("PayloadFormatVersion is required"), std::string::npos);
  EXPECT_EQ(Call("POST", base_ + "/integrations",
                 {{"integrationType", "AWS_PROXY"},
                  {"integrationUri", kFunctionArn},
                  {"payloadFormatVersion", "2.0"},
                  {"timeoutInMillis", 30001}})
                .status,
            400);
  EXPECT_EQ(Call("POST", base_ + "/integrations",
                 {{"integrationType", "AWS_PROXY"},
                  {"integrationUri", "arn:aws:sqs:us-east-1:000000000000:q"},
                  {"payloadFormatVersion", "2.0"}})
                .status,
            400);
  Reply aws = Call("POST", base_ + "/integrations",
                   {{"integrationType", "AWS"}, {"integrationUri", kFunctionArn}});
  EXPECT_EQ(aws.Message(),
            "Currently, an API with a protocol type of HTTP may only be associated with proxy "
            "integrations (AWS_PROXY, HTTP_PROXY)");
  EXPECT_EQ(Call("POST", base_ + "/integrations", {{"integrationUri", kFunctionArn}}).status, 400);
}

TEST_F(RoutesOpsTest, HttpProxyIntegrationsAndUpdates) {
  Reply r = Call("POST", base_ + "/integrations",
                 {{"integrationType", "HTTP_PROXY"},
                  {"integrationUri", "https://backend.example.com/{proxy}"},
                  {"integrationMethod", "GET"},
                  {"requestParameters", {{"append:header.x-from", "kumo"}}},
                  {"tlsConfig", {{"serverNameToVerify", "backend.example.com"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Str("payloadFormatVersion"), "1.0");
  EXPECT_EQ(json::serialize(r.Json()["requestParameters"]), R"({"append:header.x-from":"kumo"})");
  EXPECT_EQ(json::serialize(r.Json()["tlsConfig"]),
            R"({"serverNameToVerify":"backend.example.com"})");
  std::string id = r.Str("integrationId");
  EXPECT_EQ(Call("POST", base_ + "/integrations",
                 {{"integrationType", "HTTP_PROXY"}, {"integrationUri", "https://x.example.com"}})
                .status,
            400)
      << "HTTP_PROXY needs a method";

  Reply updated = Call("PATCH", base_ + "/integrations/" + id, {{"timeoutInMillis", 100}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["timeoutInMillis"], json::value(100));
  EXPECT_EQ(updated.Str("integrationMethod"), "GET");
  Reply to_lambda = Call("PATCH", base_ + "/integrations/" + id,
                         {{"integrationType", "AWS_PROXY"},
                          {"integrationUri", kFunctionArn},
                          {"payloadFormatVersion", "2.0"}});
  EXPECT_EQ(to_lambda.status, 200) << to_lambda.body;
  EXPECT_EQ(Call("PATCH", base_ + "/integrations/" + id, {{"payloadFormatVersion", "9"}}).status,
            400);
  EXPECT_EQ(Call("GET", base_ + "/integrations/" + id).Str("payloadFormatVersion"), "2.0")
      << "a refused update changes nothing";

  Reply unknown = Call("GET", base_ + "/integrations/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Message(), "Invalid Integration identifier specified nope");
}

TEST_F(RoutesOpsTest, AnIntegrationARouteTargetsCannotBeDeleted) {
  std::string integration = CreateIntegration(api_);
  std::string route = CreateRoute(api_, "GET /x", integration);
  Reply in_use = Call("DELETE", base_ + "/integrations/" + integration);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(in_use.error_code, "ConflictException");
  ASSERT_EQ(Call("DELETE", base_ + "/routes/" + route).status, 204);
  EXPECT_EQ(Call("DELETE", base_ + "/integrations/" + integration).status, 204);
  EXPECT_EQ(Call("GET", base_ + "/integrations").Json()["items"].as_array().size(), 0u);
}

TEST_F(RoutesOpsTest, JwtAndCustomRoutesNeedTheMatchingAuthorizer) {
  Reply jwt =
      Call("POST", base_ + "/authorizers",
           {{"name", "jwt"},
            {"authorizerType", "JWT"},
            {"identitySource", json::array{"$request.header.Authorization"}},
            {"jwtConfiguration",
             {{"issuer", "https://issuer.example.com"}, {"audience", json::array{"api"}}}}});
  ASSERT_EQ(jwt.status, 201) << jwt.body;
  std::string jwt_id = jwt.Str("authorizerId");
  Reply route = Call("POST", base_ + "/routes",
                     {{"routeKey", "GET /me"},
                      {"authorizationType", "JWT"},
                      {"authorizerId", jwt_id},
                      {"authorizationScopes", json::array{"read"}}});
  ASSERT_EQ(route.status, 201) << route.body;
  EXPECT_EQ(route.Str("authorizerId"), jwt_id);
  EXPECT_EQ(json::serialize(route.Json()["authorizationScopes"]), R"(["read"])");
  EXPECT_EQ(
      Call("POST", base_ + "/routes",
           {{"routeKey", "GET /c"}, {"authorizationType", "CUSTOM"}, {"authorizerId", jwt_id}})
          .status,
      400)
      << "CUSTOM needs a REQUEST authorizer";
  EXPECT_EQ(
      Call("POST", base_ + "/routes",
           {{"routeKey", "GET /c"}, {"authorizationType", "JWT"}, {"authorizerId", "missing"}})
          .status,
      404);
  // Back to NONE drops the authorizer.
  Reply none =
      Call("PATCH", base_ + "/routes/" + route.Str("routeId"), {{"authorizationType", "NONE"}});
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.Str("authorizerId"), "<absent>");
  EXPECT_FALSE(none.Json().contains("authorizationScopes"));
}

}  // namespace
}  // namespace kumo::apis

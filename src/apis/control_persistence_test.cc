// Everything the control plane acknowledges survives closing and reopening
// the store, and what it deleted stays deleted.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "apis/control_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::kFunctionArn;
using testing::Reply;

class PersistenceTest : public testing::ControlTest {
 protected:
  void SetUp() override {
    on_disk_ = true;
    ControlTest::SetUp();
  }
};

TEST_F(PersistenceTest, EverythingSurvivesAReopen) {
  std::string id =
      CreateApi({{"name", "durable"},
                 {"target", kFunctionArn},
                 {"tags", {{"k", "v"}}},
                 {"corsConfiguration", {{"allowOrigins", json::array{"*"}}, {"maxAge", 60}}}});
  std::string base = "/v2/apis/" + id;
  std::string integration = CreateIntegration(id);
  std::string authorizer =
      Call("POST", base + "/authorizers",
           {{"name", "jwt"},
            {"authorizerType", "JWT"},
            {"identitySource", json::array{"$request.header.Authorization"}},
            {"jwtConfiguration",
             {{"issuer", "https://issuer.example.com"}, {"audience", json::array{"a"}}}}})
          .Str("authorizerId");
  Call("POST", base + "/routes",
       {{"routeKey", "GET /me"},
        {"target", "integrations/" + integration},
        {"authorizationType", "JWT"},
        {"authorizerId", authorizer},
        {"authorizationScopes", json::array{"s"}}});
  ASSERT_EQ(Call("POST", base + "/stages",
                 {{"stageName", "prod"},
                  {"stageVariables", {{"x", "1"}}},
                  {"routeSettings", {{"GET /me", {{"throttlingBurstLimit", 3}}}}}})
                .status,
            201);
  std::string deployment =
      Call("POST", base + "/deployments", {{"stageName", "prod"}}).Str("deploymentId");
  ASSERT_EQ(Call("PATCH", base + "/deployments/" + deployment, {{"description", "renamed"}}).status,
            200);
  std::string gone = CreateApi({{"name", "gone"}});
  ASSERT_EQ(Call("DELETE", "/v2/apis/" + gone).status, 204);

  std::vector<std::string> paths = {base,
                                    base + "/routes",
                                    base + "/integrations",
                                    base + "/authorizers",
                                    base + "/stages",
                                    base + "/deployments",
                                    base + "/stages/prod"};
  std::vector<std::string> before;
  for (const std::string& p : paths) before.push_back(Call("GET", p).body);
  uint64_t default_routes =
      service_->catalog().Lookup(id, "$default").value()->deployment->routes.size();

  Reopen();
  for (size_t i = 0; i < paths.size(); ++i)
    EXPECT_EQ(Call("GET", paths[i]).body, before[i]) << paths[i];
  EXPECT_EQ(Call("GET", "/v2/apis/" + gone).status, 404);
  auto prod = service_->catalog().Lookup(id, "prod");
  ASSERT_TRUE(prod.ok());
  ASSERT_NE((*prod)->deployment, nullptr);
  EXPECT_EQ((*prod)->deployment->id, deployment);
  EXPECT_EQ((*prod)->deployment->description, "renamed");
  const Route* route = (*prod)->deployment->FindRouteByKey("GET /me");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->method, "GET");
  EXPECT_EQ(route->path, "/me");
  EXPECT_EQ(route->integration_id, integration);
  EXPECT_EQ(route->authorization_type, AuthorizationType::kJwt);
  EXPECT_EQ((*prod)->deployment->FindIntegration(integration)->function_arn, kFunctionArn);
  EXPECT_EQ((*prod)->SettingsFor("GET /me").throttling_burst_limit, 3);
  EXPECT_EQ((*prod)->api.cors->max_age, 60);
  EXPECT_EQ(service_->catalog().Lookup(id, "$default").value()->deployment->routes.size(),
            default_routes);

  // Writes after the reopen keep working on the loaded state.
  CreateRoute(id, "GET /after", integration);
  Reopen();
  EXPECT_NE(
      service_->catalog().Lookup(id, "$default").value()->deployment->FindRouteByKey("GET /after"),
      nullptr);
  EXPECT_EQ(Call("GET", base + "/deployments").Json()["items"].as_array().size(), 2u)
      << "prod's manual deployment and $default's latest automatic one";
}

}  // namespace
}  // namespace kumo::apis

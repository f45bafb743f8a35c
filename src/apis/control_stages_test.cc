// Stages and deployments: what a stage serves (its deployment's snapshot,
// or every change with AutoDeploy), stage settings and their checks, and
// the deployment lifecycle.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "apis/control_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::Reply;

class StagesOpsTest : public testing::ControlTest {
 protected:
  void SetUp() override {
    ControlTest::SetUp();
    api_ = CreateApi();
    base_ = "/v2/apis/" + api_;
  }
  // The route keys stage `stage` serves now.
  std::vector<std::string> Served(const std::string& stage) {
    auto found = service_->catalog().Lookup(api_, stage);
    EXPECT_TRUE(found.ok());
    std::vector<std::string> keys;
    if (!found.ok() || (*found)->deployment == nullptr) return keys;
    for (const Route& route : (*found)->deployment->routes) keys.push_back(route.key);
    return keys;
  }
  std::string api_;
  std::string base_;
};

TEST_F(StagesOpsTest, CreateStageAnswers201WithItsSettings) {
  Reply r =
      Call("POST", base_ + "/stages",
           {{"stageName", "prod"},
            {"description", "live"},
            {"stageVariables", {{"fn", "hello"}}},
            {"defaultRouteSettings", {{"throttlingBurstLimit", 10}, {"throttlingRateLimit", 5.5}}},
            {"accessLogSettings",
             {{"destinationArn", "arn:aws:logs:us-east-1:000000000000:log-group:access"},
              {"format", "$context.requestId"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  json::object o = r.Json();
  EXPECT_EQ(r.Str("stageName"), "prod");
  EXPECT_EQ(r.Str("description"), "live");
  EXPECT_EQ(o["autoDeploy"], json::value(false));
  EXPECT_EQ(json::serialize(o["stageVariables"]), R"({"fn":"hello"})");
  EXPECT_EQ(
      json::serialize(o["defaultRouteSettings"]),
      R"({"throttlingBurstLimit":10,"throttlingRateLimit":5.5E0,"detailedMetricsEnabled":false})");
  EXPECT_EQ(json::serialize(o["routeSettings"]), "{}");
  EXPECT_EQ(r.Str("createdDate"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(r.Str("lastUpdatedDate"), "2023-11-14T22:13:20Z");
  EXPECT_FALSE(o.contains("deploymentId"));
  EXPECT_EQ(Call("GET", base_ + "/stages/prod").body, r.body);

  auto stage = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(stage.ok());
  EXPECT_EQ((*stage)->stage.variables.at("fn"), "hello");
  EXPECT_EQ((*stage)->stage.default_route_settings.throttling_burst_limit, 10);
  ASSERT_TRUE((*stage)->stage.access_log.has_value());
  EXPECT_EQ((*stage)->stage.access_log->format, "$context.requestId");
  EXPECT_EQ((*stage)->deployment, nullptr) << "never deployed";
  EXPECT_FALSE(service_->catalog().HasDefaultStage(api_));
}

TEST_F(StagesOpsTest, StageErrors) {
  ASSERT_EQ(Call("POST", base_ + "/stages", {{"stageName", "prod"}}).status, 201);
  Reply dup = Call("POST", base_ + "/stages", {{"stageName", "prod"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code, "ConflictException");
  EXPECT_EQ(dup.Message(), "Stage already exists");
  EXPECT_EQ(Call("POST", base_ + "/stages", {{"stageName", "bad stage!"}}).status, 400);
  EXPECT_EQ(Call("POST", base_ + "/stages", {}).status, 400);
  Reply logs = Call("POST", base_ + "/stages",
                    {{"stageName", "s"}, {"defaultRouteSettings", {{"loggingLevel", "INFO"}}}});
  EXPECT_EQ(logs.Message(), "Execution logs are not supported on protocolType HTTP");
  Reply unknown_route =
      Call("POST", base_ + "/stages",
           {{"stageName", "s"}, {"routeSettings", {{"GET /nope", {{"throttlingBurstLimit", 1}}}}}});
  EXPECT_EQ(unknown_route.status, 404);
  EXPECT_EQ(unknown_route.Str("resourceType"), "Route");
  EXPECT_EQ(unknown_route.Message(),
            "Unable to find Route by key GET /nope within the provided RouteSettings");
  EXPECT_EQ(Call("POST", base_ + "/stages",
                 {{"stageName", "s"},
                  {"accessLogSettings", {{"destinationArn", "arn:aws:s3:::b"}, {"format", "x"}}}})
                .status,
            400);
  EXPECT_EQ(Call("POST", base_ + "/stages",
                 {{"stageName", "s"},
                  {"accessLogSettings",
                   {{"destinationArn", "arn:aws:logs:us-east-1:000000000000:log-group:g"}}}})
                .status,
            400)
      << "a format is required";
  EXPECT_EQ(
      Call("POST", base_ + "/stages", {{"stageName", "s"}, {"stageVariables", {{"a-b", "1"}}}})
          .status,
      400);
  for (const char* value : {"has space", "", "a$b"}) {
    Reply bad =
        Call("POST", base_ + "/stages", {{"stageName", "s"}, {"stageVariables", {{"a", value}}}});
    EXPECT_EQ(bad.status, 400) << value;
    EXPECT_EQ(bad.Message(), "Invalid stage variable value '" + std::string(value) +
                                 "' of 'a': values must match [A-Za-z0-9-._~:/?#&=,]+");
  }
  EXPECT_EQ(Call("POST", base_ + "/stages",
                 {{"stageName", "s"},
                  {"stageVariables", {{"url", "https://h.example:8/p?q=1&r=a,b#f~x"}}}})
                .status,
            201);
  EXPECT_EQ(Call("DELETE", base_ + "/stages/s").status, 204);
  EXPECT_EQ(
      Call("POST", base_ + "/stages", {{"stageName", "s"}, {"deploymentId", "nope123"}}).status,
      404);
  Reply missing = Call("GET", base_ + "/stages/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Str("resourceType"), "Stage");
}

TEST_F(StagesOpsTest, DeploymentsNeedRoutes) {
  Reply r = Call("POST", base_ + "/deployments", {});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code, "BadRequestException");
  EXPECT_EQ(r.Message(), "Unable to deploy API because no routes exist in this API");
  // An AutoDeploy stage records the failure instead of failing the call.
  Reply stage = Call("POST", base_ + "/stages", {{"stageName", "$default"}, {"autoDeploy", true}});
  ASSERT_EQ(stage.status, 201) << stage.body;
  EXPECT_EQ(stage.Str("lastDeploymentStatusMessage"),
            "Deployment attempt failed: Unable to deploy API because no routes exist in this API");
  EXPECT_FALSE(stage.Json().contains("deploymentId"));
  CreateRoute(api_, "GET /first");
  EXPECT_EQ(Served("$default"), std::vector<std::string>{"GET /first"});
}

TEST_F(StagesOpsTest, AManualStageServesItsDeploymentsSnapshot) {
  std::string integration = CreateIntegration(api_);
  CreateRoute(api_, "GET /one", integration);
  ASSERT_EQ(Call("POST", base_ + "/stages", {{"stageName", "prod"}}).status, 201);
  Reply deployment =
      Call("POST", base_ + "/deployments", {{"stageName", "prod"}, {"description", "v1"}});
  ASSERT_EQ(deployment.status, 201) << deployment.body;
  std::string v1 = deployment.Str("deploymentId");
  EXPECT_EQ(deployment.Str("deploymentStatus"), "DEPLOYED");
  EXPECT_EQ(deployment.Str("description"), "v1");
  EXPECT_EQ(deployment.Json()["autoDeployed"], json::value(false));
  Reply stage = Call("GET", base_ + "/stages/prod");
  EXPECT_EQ(stage.Str("deploymentId"), v1);
  EXPECT_EQ(stage.Str("lastDeploymentStatusMessage"),
            "Successfully deployed stage with deployment ID '" + v1 + "'");

  CreateRoute(api_, "GET /two", integration);
  EXPECT_EQ(Served("prod"), std::vector<std::string>{"GET /one"}) << "not deployed yet";
  auto snapshot = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(snapshot.ok());
  ASSERT_NE((*snapshot)->deployment->FindIntegration(integration), nullptr);
  EXPECT_EQ((*snapshot)->deployment->FindIntegration(integration)->function_arn,
            testing::kFunctionArn);

  std::string v2 = Call("POST", base_ + "/deployments", {}).Str("deploymentId");
  EXPECT_EQ(Served("prod"), std::vector<std::string>{"GET /one"})
      << "a deployment without stageName";
  ASSERT_EQ(Call("PATCH", base_ + "/stages/prod", {{"deploymentId", v2}}).status, 200);
  EXPECT_EQ(Served("prod"), (std::vector<std::string>{"GET /one", "GET /two"}));
  EXPECT_EQ((*snapshot)->deployment->routes.size(), 1u)
      << "snapshots already handed out never change";

  Reply in_use = Call("DELETE", base_ + "/deployments/" + v2);
  EXPECT_EQ(in_use.status, 400);
  EXPECT_EQ(in_use.Message(), "Active stages pointing to this deployment must be moved or deleted");
  EXPECT_EQ(Call("DELETE", base_ + "/deployments/" + v1).status, 204);
  EXPECT_EQ(Call("GET", base_ + "/deployments/" + v1).status, 404);
  EXPECT_EQ(Call("GET", base_ + "/deployments/" + v1).Message(),
            "Invalid Deployment identifier specified " + v1);
  EXPECT_EQ(Call("GET", base_ + "/deployments/" + v2).Str("deploymentId"), v2);
  EXPECT_EQ(Call("GET", base_ + "/deployments").Json()["items"].as_array().size(), 1u);
  EXPECT_EQ(Call("POST", base_ + "/deployments", {{"stageName", "nope"}}).status, 404);
}

TEST_F(StagesOpsTest, AnAutoDeployStageFollowsEveryChange) {
  std::string integration = CreateIntegration(api_);
  CreateRoute(api_, "GET /one", integration);
  ASSERT_EQ(Call("POST", base_ + "/stages", {{"stageName", "dev"}, {"autoDeploy", true}}).status,
            201);
  EXPECT_EQ(Served("dev"), std::vector<std::string>{"GET /one"});
  std::string route = CreateRoute(api_, "GET /two", integration);
  EXPECT_EQ(Served("dev"), (std::vector<std::string>{"GET /one", "GET /two"}));
  ASSERT_EQ(Call("DELETE", base_ + "/routes/" + route).status, 204);
  EXPECT_EQ(Served("dev"), std::vector<std::string>{"GET /one"});
  Reply deployments = Call("GET", base_ + "/deployments");
  ASSERT_EQ(deployments.Json()["items"].as_array().size(), 1u);
  EXPECT_EQ(deployments.Json()["items"].as_array()[0].as_object().at("autoDeployed"), true);
  EXPECT_EQ(deployments.Json()["items"].as_array()[0].as_object().at("description"),
            "Automatic deployment triggered by changes to the Api configuration");

  // Turning AutoDeploy on for a manual stage deploys it at once.
  ASSERT_EQ(Call("POST", base_ + "/stages", {{"stageName", "qa"}}).status, 201);
  EXPECT_TRUE(Served("qa").empty());
  Reply on = Call("PATCH", base_ + "/stages/qa", {{"autoDeploy", true}});
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(Served("qa"), std::vector<std::string>{"GET /one"});
}

TEST_F(StagesOpsTest, UpdateStageSettingsApplyWithoutADeployment) {
  std::string integration = CreateIntegration(api_);
  CreateRoute(api_, "GET /one", integration);
  ASSERT_EQ(
      Call("POST", base_ + "/stages", {{"stageName", "prod"}, {"stageVariables", {{"a", "1"}}}})
          .status,
      201);
  clock_.AdvanceMillis(60000);
  Reply r = Call("PATCH", base_ + "/stages/prod",
                 {{"stageVariables", {{"b", "2"}}},
                  {"routeSettings", {{"GET /one", {{"throttlingRateLimit", 1}}}}},
                  {"description", "changed"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::serialize(r.Json()["stageVariables"]), R"({"b":"2"})");
  EXPECT_EQ(r.Str("lastUpdatedDate"), "2023-11-14T22:14:20Z");
  EXPECT_EQ(r.Str("createdDate"), "2023-11-14T22:13:20Z");
  auto stage = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(stage.ok());
  EXPECT_EQ((*stage)->stage.variables, (std::map<std::string, std::string>{{"b", "2"}}));
  EXPECT_EQ((*stage)->SettingsFor("GET /one").throttling_rate_limit, 1.0);
  EXPECT_FALSE((*stage)->SettingsFor("GET /other").throttling_rate_limit.has_value());
  EXPECT_EQ(Call("PATCH", base_ + "/stages/nope", {{"description", "x"}}).status, 404);

  Reply deleted = Call("DELETE", base_ + "/stages/prod");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_FALSE(service_->catalog().HasStage(api_, "prod"));
  EXPECT_EQ(Call("GET", base_ + "/stages").Json()["items"].as_array().size(), 0u);
}

TEST_F(StagesOpsTest, StageSettingsCanBeDeletedOneByOne) {
  std::string integration = CreateIntegration(api_);
  CreateRoute(api_, "GET /one", integration);
  CreateRoute(api_, "GET /two", integration);
  ASSERT_EQ(Call("POST", base_ + "/stages",
                 {{"stageName", "prod"},
                  {"routeSettings",
                   {{"GET /one", {{"throttlingRateLimit", 1}}},
                    {"GET /two", {{"throttlingRateLimit", 2}}}}},
                  {"accessLogSettings",
                   {{"destinationArn", "arn:aws:logs:us-east-1:000000000000:log-group:access"},
                    {"format", "$context.requestId"}}}})
                .status,
            201);
  clock_.AdvanceMillis(60000);
  // The route key is one path segment, '/' and ' ' percent-encoded.
  Reply gone = Call("DELETE", base_ + "/stages/prod/routesettings/GET%20%2Fone");
  EXPECT_EQ(gone.status, 204) << gone.body;
  Reply again = Call("DELETE", base_ + "/stages/prod/routesettings/GET%20%2Fone");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.error_code, "NotFoundException");
  EXPECT_EQ(again.Message(), "Unable to find RouteSettings for route key GET /one in stage prod");
  EXPECT_EQ(Call("DELETE", base_ + "/stages/nope/routesettings/GET%20%2Ftwo").status, 404);
  EXPECT_EQ(Call("DELETE", base_ + "/stages/prod/accesslogsettings").status, 204);
  Reply stage = Call("GET", base_ + "/stages/prod");
  EXPECT_EQ(json::serialize(stage.Json()["routeSettings"]),
            R"({"GET /two":{"throttlingRateLimit":2E0}})");
  EXPECT_FALSE(stage.Json().contains("accessLogSettings")) << stage.body;
  EXPECT_EQ(stage.Str("lastUpdatedDate"), "2023-11-14T22:14:20Z");
  auto served = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(served.ok());
  EXPECT_FALSE((*served)->stage.access_log.has_value());
  EXPECT_FALSE((*served)->SettingsFor("GET /one").throttling_rate_limit.has_value());
  EXPECT_EQ((*served)->SettingsFor("GET /two").throttling_rate_limit, 2.0);
  EXPECT_EQ(Call("DELETE", base_ + "/stages/nope/accesslogsettings").status, 404);
}

TEST_F(StagesOpsTest, ResetAuthorizersCacheStartsANewCacheGeneration) {
  ASSERT_EQ(Call("POST", base_ + "/stages", {{"stageName", "prod"}}).status, 201);
  auto before = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(before.ok());
  Reply reset = Call("DELETE", base_ + "/stages/prod/cache/authorizers");
  EXPECT_EQ(reset.status, 204) << reset.body;
  auto after = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->stage.authorizer_cache_generation,
            (*before)->stage.authorizer_cache_generation + 1);
  Reply missing = Call("DELETE", base_ + "/stages/nope/cache/authorizers");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Message(), "Invalid stage identifier specified nope");
}

TEST_F(StagesOpsTest, UpdateDeploymentChangesItsDescription) {
  CreateRoute(api_, "GET /one", CreateIntegration(api_));
  ASSERT_EQ(Call("POST", base_ + "/stages", {{"stageName", "prod"}}).status, 201);
  std::string id =
      Call("POST", base_ + "/deployments", {{"stageName", "prod"}, {"description", "v1"}})
          .Str("deploymentId");
  auto served = service_->catalog().Lookup(api_, "prod");
  ASSERT_TRUE(served.ok());
  Reply r = Call("PATCH", base_ + "/deployments/" + id, {{"description", "first"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Str("deploymentId"), id);
  EXPECT_EQ(r.Str("description"), "first");
  EXPECT_EQ(r.Str("deploymentStatus"), "DEPLOYED");
  EXPECT_EQ(Call("GET", base_ + "/deployments/" + id).Str("description"), "first");
  EXPECT_EQ((*served)->deployment->description, "v1") << "snapshots handed out never change";
  EXPECT_EQ(Served("prod"), std::vector<std::string>{"GET /one"});
  EXPECT_EQ(Call("PATCH", base_ + "/deployments/" + id, {}).Str("description"), "first");
  Reply too_long =
      Call("PATCH", base_ + "/deployments/" + id, {{"description", std::string(1025, 'x')}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(Call("GET", base_ + "/deployments/" + id).Str("description"), "first");
  EXPECT_EQ(Call("PATCH", base_ + "/deployments/nope", {{"description", "x"}}).status, 404);
}

}  // namespace
}  // namespace kumo::apis

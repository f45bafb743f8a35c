// The catalog the data plane reads: lookups by API and stage, listings,
// the generation counter, and that reads race safely with writes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "apis/control_test_util.h"

namespace kumo::apis {
namespace {

using testing::kFunctionArn;

class CatalogTest : public testing::ControlTest {};

TEST_F(CatalogTest, LookupFindsStagesAndFailsWith404) {
  const ApiCatalog& catalog = service_->catalog();
  std::string id = CreateApi({{"target", kFunctionArn}, {"name", "quick"}});
  auto stage = catalog.Lookup(id, "$default");
  ASSERT_TRUE(stage.ok());
  EXPECT_EQ((*stage)->api.id, id);
  EXPECT_EQ((*stage)->api.name, "quick");
  EXPECT_EQ((*stage)->api.region, "us-east-1");
  EXPECT_EQ((*stage)->stage.name, "$default");
  EXPECT_TRUE((*stage)->stage.auto_deploy);
  ASSERT_NE((*stage)->deployment, nullptr);
  EXPECT_EQ((*stage)->stage.deployment_id, (*stage)->deployment->id);
  const Route& route = (*stage)->deployment->routes.at(0);
  const Integration* integration = (*stage)->deployment->FindIntegration(route.integration_id);
  ASSERT_NE(integration, nullptr);
  EXPECT_EQ(integration->type, IntegrationType::kAwsProxy);
  EXPECT_EQ(integration->function_arn, kFunctionArn);
  EXPECT_EQ(integration->payload_format_version, "2.0");
  EXPECT_EQ(integration->timeout_ms, 30000);

  auto no_stage = catalog.Lookup(id, "prod");
  ASSERT_FALSE(no_stage.ok());
  EXPECT_EQ(no_stage.error().http_status, 404);
  auto no_api = catalog.Lookup("nope", "$default");
  ASSERT_FALSE(no_api.ok());
  EXPECT_EQ(no_api.error().code, "NotFoundException");
  EXPECT_TRUE(catalog.HasStage(id, "$default"));
  EXPECT_FALSE(catalog.HasStage(id, "prod"));
  EXPECT_FALSE(catalog.HasDefaultStage("nope"));
  EXPECT_TRUE(catalog.FindApi(id)->HasDefaultStage());
}

TEST_F(CatalogTest, ListStagesAndGeneration) {
  const ApiCatalog& catalog = service_->catalog();
  uint64_t g0 = catalog.Generation();
  std::string a = CreateApi({{"name", "a"}});
  EXPECT_GT(catalog.Generation(), g0);
  ASSERT_EQ(Call("POST", "/v2/apis/" + a + "/stages", {{"stageName", "prod"}}).status, 201);
  ASSERT_EQ(Call("POST", "/v2/apis/" + a + "/stages", {{"stageName", "dev"}, {"autoDeploy", true}})
                .status,
            201);
  std::vector<StageSummary> stages = catalog.ListStages();
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].api_id, a);
  EXPECT_EQ(stages[0].api_name, "a");
  EXPECT_EQ(stages[0].stage_name, "dev");
  EXPECT_TRUE(stages[0].auto_deploy);
  EXPECT_FALSE(stages[0].deployed) << "no routes to deploy";
  EXPECT_EQ(stages[1].stage_name, "prod");
  uint64_t g1 = catalog.Generation();
  EXPECT_EQ(Call("GET", "/v2/apis/" + a).status, 200);
  EXPECT_EQ(catalog.Generation(), g1) << "reads change nothing";
  EXPECT_EQ(Call("POST", "/v2/apis/" + a + "/stages", {{"stageName", "prod"}}).status, 409);
  EXPECT_EQ(catalog.Generation(), g1) << "refused writes change nothing";
}

TEST_F(CatalogTest, ReadersRaceWritersSafely) {
  std::string id = CreateApi({{"target", kFunctionArn}});
  std::string integration = CreateIntegration(id);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!stop) {
      auto stage = service_->catalog().Lookup(id, "$default");
      ASSERT_TRUE(stage.ok());
      // Everything a snapshot's routes target is in the same snapshot.
      for (const Route& route : (*stage)->deployment->routes) {
        if (!route.integration_id.empty()) {
          ASSERT_NE((*stage)->deployment->FindIntegration(route.integration_id), nullptr);
        }
      }
      ++reads;
    }
  });
  for (int i = 0; i < 50; ++i) CreateRoute(id, "GET /r" + std::to_string(i), integration);
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(service_->catalog().Lookup(id, "$default").value()->deployment->routes.size(), 51u);
}

}  // namespace
}  // namespace kumo::apis

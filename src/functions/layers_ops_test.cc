// Layers: publishing, lookup by name and ARN, listing with filters, deletion,
// and their use by functions (order kept, checks on reference).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "functions/testing/service_fixture.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::Reply;

class LayersOpsTest : public testing::ServiceTest {};

constexpr char kLayerArn[] = "arn:aws:lambda:us-east-1:000000000000:layer:";

TEST_F(LayersOpsTest, PublishNumbersVersionsAndReturnsArns) {
  Reply first = PublishLayer("deps", "one",
                             {{"CompatibleRuntimes", json::array{"python3.12"}},
                              {"Description", "d"},
                              {"LicenseInfo", "MIT"}});
  ASSERT_EQ(first.status, 201) << first.body;
  json::object o = first.Json();
  EXPECT_EQ(o["LayerArn"].as_string(), std::string(kLayerArn) + "deps");
  EXPECT_EQ(o["LayerVersionArn"].as_string(), std::string(kLayerArn) + "deps:1");
  EXPECT_EQ(o["Version"].as_int64(), 1);
  EXPECT_EQ(Dump(o["CompatibleRuntimes"]), R"(["python3.12"])");
  EXPECT_EQ(o["LicenseInfo"].as_string(), "MIT");
  EXPECT_TRUE(o["Content"]
                  .as_object()
                  .at("Location")
                  .as_string()
                  .starts_with("http://localhost:4566/_kumo/code/"));
  Reply second = PublishLayer("deps", "two");
  EXPECT_EQ(second.Json()["Version"].as_int64(), 2);
  EXPECT_FALSE(second.Json().contains("CompatibleRuntimes"));

  Reply got = Call("GET", "/2018-10-31/layers/deps/versions/1");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Json()["Description"].as_string(), "d");
  Reply by_arn = Call("GET", "/2018-10-31/layers?find=LayerVersion&Arn=" +
                                 edge::PercentEncode(std::string(kLayerArn) + "deps:2", false));
  ASSERT_EQ(by_arn.status, 200) << by_arn.body;
  EXPECT_EQ(by_arn.Json()["Version"].as_int64(), 2);
  Reply bad_arn = Call("GET", "/2018-10-31/layers?find=LayerVersion&Arn=nope");
  EXPECT_EQ(bad_arn.error_code, "ValidationException");
  Reply missing = Call("GET", "/2018-10-31/layers/deps/versions/9");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Message(), "The resource you requested does not exist.");
  EXPECT_EQ(Call("GET", "/2018-10-31/layers/deps/versions/0").Message(),
            "Layer Version Cannot be less than 1");
}

TEST_F(LayersOpsTest, ValidatesCompatibleRuntimesAndContent) {
  Reply r = PublishLayer("deps", "x", {{"CompatibleRuntimes", json::array{"cobol"}}});
  EXPECT_EQ(r.error_code, "ValidationException");
  EXPECT_TRUE(r.Message().starts_with(
      "1 validation error detected: Value '[cobol]' at 'compatibleRuntimes' failed to satisfy "
      "constraint: Member must satisfy enum value set: [nodejs, nodejs4.3,"));
  Reply s3 = Call("POST", "/2018-10-31/layers/deps/versions",
                  Dump(json::object{{"Content", json::object{{"S3Bucket", "b"}, {"S3Key", "k"}}}}));
  EXPECT_EQ(s3.error_code, "InvalidParameterValueException");
  EXPECT_EQ(Call("POST", "/2018-10-31/layers/bad%20name/versions", "{}").error_code,
            "ValidationException");
}

TEST_F(LayersOpsTest, ListsLatestMatchingVersionsAndDeletes) {
  ASSERT_EQ(PublishLayer("a", "1", {{"CompatibleRuntimes", json::array{"python3.12"}}}).status,
            201);
  ASSERT_EQ(PublishLayer("a", "2", {{"CompatibleRuntimes", json::array{"nodejs20.x"}}}).status,
            201);
  ASSERT_EQ(PublishLayer("b", "3").status, 201);
  json::array layers = Call("GET", "/2018-10-31/layers").Json()["Layers"].as_array();
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].as_object().at("LatestMatchingVersion").as_object().at("Version").as_int64(),
            2);
  json::array py =
      Call("GET", "/2018-10-31/layers?CompatibleRuntime=python3.12").Json()["Layers"].as_array();
  ASSERT_EQ(py.size(), 1u);
  EXPECT_EQ(py[0].as_object().at("LatestMatchingVersion").as_object().at("Version").as_int64(), 1);
  EXPECT_EQ(Call("GET", "/2018-10-31/layers?CompatibleRuntime=cobol").error_code,
            "ValidationException");

  json::array versions =
      Call("GET", "/2018-10-31/layers/a/versions").Json()["LayerVersions"].as_array();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].as_object().at("Version").as_int64(), 2) << "newest first";
  Reply page = Call("GET", "/2018-10-31/layers/a/versions?MaxItems=1");
  ASSERT_TRUE(page.Json().contains("NextMarker"));
  Reply rest = Call(
      "GET", "/2018-10-31/layers/a/versions?MaxItems=1&Marker=" +
                 edge::PercentEncode(std::string(page.Json()["NextMarker"].as_string()), false));
  EXPECT_EQ(rest.Json()["LayerVersions"].as_array()[0].as_object().at("Version").as_int64(), 1);

  EXPECT_EQ(Call("DELETE", "/2018-10-31/layers/a/versions/2").status, 204);
  EXPECT_EQ(Call("DELETE", "/2018-10-31/layers/a/versions/2").status, 204);
  EXPECT_EQ(Call("GET", "/2018-10-31/layers/a/versions/2").status, 404);
  EXPECT_EQ(PublishLayer("a", "4").Json()["Version"].as_int64(), 3) << "numbers are not reused";
}

TEST_F(LayersOpsTest, FunctionsReferenceLayersInOrder) {
  ASSERT_EQ(PublishLayer("x", "x1").status, 201);
  ASSERT_EQ(PublishLayer("y", "y1").status, 201);
  std::string x = std::string(kLayerArn) + "x:1";
  std::string y = std::string(kLayerArn) + "y:1";
  Reply r = Create("f", {{"Layers", json::array{y, x}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["Layers"].as_array().size(), 2u);
  EXPECT_EQ(r.Json()["Layers"].as_array()[0].as_object().at("Arn").as_string(), y);
  Result<FunctionConfig> c = service_->Resolve("us-east-1", "f", "");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->layer_dirs.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(c->layer_dirs[0] + "/python/lib.py"));
  EXPECT_NE(c->layer_dirs[0], c->layer_dirs[1]);

  // A deleted layer version keeps working for the functions that use it.
  ASSERT_EQ(Call("DELETE", "/2018-10-31/layers/y/versions/1").status, 204);
  EXPECT_TRUE(std::filesystem::exists(service_->Resolve("us-east-1", "f", "")->layer_dirs[0]));

  Reply missing = Create("g", {{"Layers", json::array{std::string(kLayerArn) + "x:9"}}});
  EXPECT_EQ(missing.Message(), "Layer version " + std::string(kLayerArn) + "x:9 does not exist.");
  ASSERT_EQ(PublishLayer("x", "x2").status, 201);
  Reply twice = Create("g", {{"Layers", json::array{x, std::string(kLayerArn) + "x:2"}}});
  EXPECT_EQ(twice.error_code, "InvalidParameterValueException");
  EXPECT_TRUE(twice.Message().starts_with("Two different versions of the same layer"));
  json::array six;
  for (int i = 0; i < 6; ++i) six.push_back(json::value(x));
  EXPECT_EQ(Create("g", {{"Layers", six}}).Message(), "Cannot reference more than 5 layers.");
  Reply unversioned = Create("g", {{"Layers", json::array{std::string(kLayerArn) + "x"}}});
  EXPECT_EQ(unversioned.error_code, "ValidationException");
}

}  // namespace
}  // namespace kumo::functions

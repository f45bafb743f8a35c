// Everything the control plane acknowledges survives a restart, and code no
// record refers to is collected when the service opens.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "common/encoding.h"
#include "edge/service.h"
#include "functions/lambda_service.h"
#include "functions/testing/service_fixture.h"
#include "functions/testing/test_zip.h"
#include "storage/store.h"

namespace kumo::functions {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class PersistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kumo-functions-persist-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  void Open() {
    service_.reset();
    store_.reset();
    storage::Options options;
    options.path = dir_ + "/db";
    auto store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    LambdaServiceOptions service_options;
    service_options.data_dir = dir_;
    auto service = LambdaService::Open(*store_, service_options);
    ASSERT_TRUE(service.ok()) << service.error().message;
    service_ = std::move(service).value();
    descriptor_ = service_->Descriptor();
  }

  testing::Reply Call(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    edge::Call call;
    call.request.method = method;
    call.request.raw_path = path;
    call.request.path = path;
    call.request.body = body;
    call.request.region = "us-east-1";
    auto sink = std::make_shared<testing::RecordingSink>();
    descriptor_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kRestJson, "r"));
    return testing::ToReply(*sink);
  }

  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<LambdaService> service_;
  edge::ServiceDescriptor descriptor_;
};

TEST_F(PersistenceTest, StateSurvivesARestart) {
  Open();
  json::object layer{{"Content", testing::ZipCode(testing::OneFileZip("lib.py", "L"))}};
  ASSERT_EQ(Call("POST", "/2018-10-31/layers/deps/versions", testing::Dump(layer)).status, 201);
  json::object fn{
      {"FunctionName", "f"},
      {"Runtime", "provided.al2023"},
      {"Handler", "bootstrap"},
      {"Role", "arn:aws:iam::000000000000:role/r"},
      {"Publish", true},
      {"Layers", json::array{"arn:aws:lambda:us-east-1:000000000000:layer:deps:1"}},
      {"Code", testing::ZipCode(testing::MakeZip({{"bootstrap", "#!/bin/sh", 0100755}}))}};
  ASSERT_EQ(Call("POST", "/2015-03-31/functions", testing::Dump(fn)).status, 201);
  ASSERT_EQ(
      Call("POST", "/2015-03-31/functions/f/aliases", R"({"Name":"live","FunctionVersion":"1"})")
          .status,
      201);
  ASSERT_EQ(
      Call("PUT", "/2017-10-31/functions/f/concurrency", R"({"ReservedConcurrentExecutions":7})")
          .status,
      200);
  std::string before = Call("GET", "/2015-03-31/functions/f?Qualifier=live").body;

  Open();  // a new process would see the same
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f?Qualifier=live").body, before);
  Result<FunctionConfig> c = service_->Resolve("us-east-1", "f", "live");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->version, "1");
  EXPECT_EQ(c->reserved_concurrency, 7);
  ASSERT_EQ(c->layer_dirs.size(), 1u);
  EXPECT_TRUE(fs::exists(c->layer_dirs[0] + "/lib.py"));
  struct stat st;
  ASSERT_EQ(::stat((c->code_dir + "/bootstrap").c_str(), &st), 0);
  EXPECT_NE(st.st_mode & 0100, 0u) << "bootstrap stays executable";
  EXPECT_EQ(Call("GET", "/2018-10-31/layers/deps/versions/1").status, 200);
  // Version numbers continue where they were.
  ASSERT_EQ(Call("PUT", "/2015-03-31/functions/f/configuration", R"({"Timeout":5})").status, 200);
  EXPECT_EQ(json::parse(Call("POST", "/2015-03-31/functions/f/versions", "{}").body)
                .as_object()["Version"]
                .as_string(),
            "2");
}

TEST_F(PersistenceTest, UnreferencedCodeIsCollectedOnOpen) {
  Open();
  json::object fn{{"FunctionName", "f"},
                  {"Runtime", "python3.12"},
                  {"Handler", "index.handler"},
                  {"Role", "arn:aws:iam::000000000000:role/r"},
                  {"Code", testing::ZipCode(testing::OneFileZip("index.py", "old"))}};
  ASSERT_EQ(Call("POST", "/2015-03-31/functions", testing::Dump(fn)).status, 201);
  std::string old_dir = service_->Resolve("us-east-1", "f", "")->code_dir;
  ASSERT_EQ(Call("PUT", "/2015-03-31/functions/f/code",
                 testing::Dump(testing::ZipCode(testing::OneFileZip("index.py", "new"))))
                .status,
            200);
  std::string new_dir = service_->Resolve("us-east-1", "f", "")->code_dir;
  EXPECT_TRUE(fs::exists(old_dir)) << "kept while the process may still run it";
  Open();
  EXPECT_FALSE(fs::exists(old_dir));
  EXPECT_TRUE(fs::exists(new_dir));
  EXPECT_TRUE(fs::exists(new_dir + ".zip"));
}

}  // namespace
}  // namespace kumo::functions

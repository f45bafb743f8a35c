// Helpers for the TableService tests: an in-memory Store, the service on a
// manual clock, and calls through its handler with a recording sink.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "edge/service.h"
#include "storage/store.h"
#include "tables/table_service.h"

namespace kumo::tables::testing {

// 2024-01-01T00:00:00Z.
inline constexpr int64_t kNow = 1704067200000;

// Records the one answer of a call; the answer may come from another thread.
class RecordingSink : public edge::ResponseSink {
 public:
  void Complete(edge::Response response, std::string_view error_code) override {
    std::lock_guard lock(mu_);
    response_ = std::move(response);
    ++calls_;
    cv_.notify_all();
  }
  edge::Response Wait() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10), [this] { return calls_ > 0; })) {
      ADD_FAILURE() << "the handler never answered";
    }
    return response_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  edge::Response response_;
};

struct CallResult {
  int status = 0;
  boost::json::object body;
  std::string raw;
  // The AWS error code without its namespace, "" on success.
  std::string type() const {
    auto it = body.find("__type");
    if (it == body.end()) return "";
    std::string t(it->value().as_string());
    size_t hash = t.find('#');
    return hash == std::string::npos ? t : t.substr(hash + 1);
  }
  std::string message() const {
    auto it = body.find("message");
    return it == body.end() ? "" : std::string(it->value().as_string());
  }
};

inline boost::json::value ParseLenient(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 256;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  EXPECT_FALSE(ec) << text;
  return v;
}

class TableServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(StoreOptions());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    Reopen();
  }
  void TearDown() override {
    service_.reset();
    if (store_) IgnoreError(store_->Close());  // teardown: nothing to report to
  }

  // In memory unless a fixture needs the disk.
  virtual storage::Options StoreOptions() {
    storage::Options options;
    options.in_memory = true;
    return options;
  }

  virtual TableServiceOptions Options() {
    TableServiceOptions options;
    options.clock = &clock_;
    options.ttl_sweep_interval = std::chrono::milliseconds(0);
    return options;
  }

  // Drops the service and opens a new one on the same Store, as a restart would.
  void Reopen() {
    if (service_) service_->Shutdown();
    service_.reset();
    Result<std::unique_ptr<TableService>> service = TableService::Open(*store_, Options());
    ASSERT_TRUE(service.ok()) << service.error().message;
    service_ = std::move(service).value();
    descriptor_ = service_->Descriptor();
  }

  // Sends `body` to DynamoDB_20120810.<operation> and waits for the answer.
  CallResult Call(const std::string& operation, const std::string& body) {
    auto sink = std::make_shared<RecordingSink>();
    edge::Call call;
    call.operation = operation;
    call.request.method = "POST";
    call.request.body = body;
    call.request.region = "us-east-1";
    call.request.headers.Set("Host", "localhost:4566");
    descriptor_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kJson, "rid"));
    edge::Response response = sink->Wait();
    CallResult result;
    result.status = response.status;
    result.raw = response.body;
    boost::json::value parsed = ParseLenient(response.body);
    if (parsed.is_object()) result.body = parsed.as_object();
    return result;
  }
  // A call that must succeed.
  boost::json::object Ok(const std::string& operation, const std::string& body) {
    CallResult result = Call(operation, body);
    EXPECT_EQ(result.status, 200) << operation << " " << body << ": " << result.type() << " "
                                  << result.message();
    return result.body;
  }
  // A call that must fail with `type`; returns its message.
  std::string Fails(const std::string& operation, const std::string& body,
                    const std::string& type) {
    CallResult result = Call(operation, body);
    EXPECT_EQ(result.status, 400) << operation << " " << body << ": " << result.raw;
    EXPECT_EQ(result.type(), type) << operation << " " << body << ": " << result.raw;
    return result.message();
  }

  // A PAY_PER_REQUEST table keyed pk (S) [+ sk (N)].
  void CreateSimpleTable(const std::string& name, bool with_sort = false) {
    std::string defs = R"([{"AttributeName":"pk","AttributeType":"S"})";
    std::string keys = R"([{"AttributeName":"pk","KeyType":"HASH"})";
    if (with_sort) {
      defs += R"(,{"AttributeName":"sk","AttributeType":"N"})";
      keys += R"(,{"AttributeName":"sk","KeyType":"RANGE"})";
    }
    Ok("CreateTable", R"({"TableName":")" + name + R"(","AttributeDefinitions":)" + defs +
                          R"(],"KeySchema":)" + keys + R"(],"BillingMode":"PAY_PER_REQUEST"})");
  }

  static std::string Json(const boost::json::value& v) { return boost::json::serialize(v); }

  ManualClock clock_{kNow};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<TableService> service_;
  edge::ServiceDescriptor descriptor_;
};

}  // namespace kumo::tables::testing

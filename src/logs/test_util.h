// Helpers shared by the logs unit tests: an in-memory Store with a LogStore
// on a manual clock, synchronous wrappers of the callback API, and a
// recording ResponseSink for calls through the service handler.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "edge/service.h"
#include "logs/log_store.h"
#include "logs/logs_service.h"
#include "storage/store.h"

namespace kumo::logs::testing {

// 2024-01-01T00:00:00Z: far enough from 0 that retention floors are positive.
inline constexpr int64_t kNow = 1704067200000;

// Runs `call(done)` and waits (bounded) for `done`.
template <typename Call>
Status Sync(Call call) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();
  call([promise](Status status) { promise->set_value(std::move(status)); });
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "a LogStore callback never ran";
    return Internal("timeout");
  }
  return future.get();
}

// The message of a failed Result/Status, or "" (and a test failure) if it succeeded.
template <typename R>
std::string ErrorOf(const R& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

class LogsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::Options options;
    options.in_memory = true;
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    Reopen();
  }
  void TearDown() override {
    logs_.reset();
    if (store_) IgnoreError(store_->Close());  // teardown: nothing to report to
  }

  // Drops the LogStore and opens a new one on the same Store, as a restart would.
  void Reopen(std::chrono::milliseconds sweep = std::chrono::milliseconds(0)) {
    logs_.reset();
    LogStoreOptions options;
    options.clock = &clock_;
    options.retention_sweep_interval = sweep;
    Result<std::unique_ptr<LogStore>> logs = LogStore::Open(*store_, options);
    ASSERT_TRUE(logs.ok()) << logs.error().message;
    logs_ = std::move(logs).value();
  }

  GroupRef Group(std::string name, std::string region = "us-east-1") {
    return GroupRef{std::move(region), std::move(name)};
  }
  Status CreateGroup(const GroupRef& group) {
    return Sync([&](Done done) { logs_->CreateGroup(group, {}, "", std::move(done)); });
  }
  Status CreateStream(const GroupRef& group, std::string_view stream) {
    return Sync([&](Done done) { logs_->CreateStream(group, stream, std::move(done)); });
  }
  Status Append(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events) {
    return Sync(
        [&](Done done) { logs_->Append(group, stream, std::move(events), std::move(done)); });
  }

  ManualClock clock_{kNow};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<LogStore> logs_;
};

// Records the one answer of a call; the answer may come from another thread.
class RecordingSink : public edge::ResponseSink {
 public:
  void Complete(edge::Response response, std::string_view error_code) override {
    std::lock_guard lock(mu_);
    response_ = std::move(response);
    error_code_ = std::string(error_code);
    ++calls_;
    cv_.notify_all();
  }
  // Waits (bounded) for the answer.
  edge::Response Wait() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10), [this] { return calls_ > 0; })) {
      ADD_FAILURE() << "the handler never answered";
    }
    return response_;
  }
  std::string error_code() {
    std::lock_guard lock(mu_);
    return error_code_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  edge::Response response_;
  std::string error_code_;
};

struct CallResult {
  int status = 0;
  std::string content_type;
  boost::json::object body;
  std::string type() const {  // the AWS error code, "" on success
    auto it = body.find("__type");
    return it == body.end() ? "" : std::string(it->value().as_string());
  }
  std::string message() const {
    auto it = body.find("message");
    return it == body.end() ? "" : std::string(it->value().as_string());
  }
};

class ServiceFixture : public LogsFixture {
 protected:
  void SetUp() override {
    LogsFixture::SetUp();
    service_ = LogsService(*logs_);
  }

  // Sends `body` to Logs_20140328.<operation> and waits for the answer.
  CallResult Call(const std::string& operation, const std::string& body,
                  const std::string& region = "us-east-1") {
    auto sink = std::make_shared<RecordingSink>();
    edge::Call call;
    call.operation = operation;
    call.request.method = "POST";
    call.request.body = body;
    call.request.region = region;
    call.request.headers.Set("X-Amz-Target", "Logs_20140328." + operation);
    service_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kJson, "rid"));
    edge::Response response = sink->Wait();
    CallResult result;
    result.status = response.status;
    result.content_type = std::string(response.headers.Get("Content-Type").value_or(""));
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(response.body, ec);
    EXPECT_FALSE(ec) << response.body;
    if (!ec && parsed.is_object()) result.body = parsed.as_object();
    return result;
  }
  // Call that must succeed.
  boost::json::object Ok(const std::string& operation, const std::string& body,
                         const std::string& region = "us-east-1") {
    CallResult result = Call(operation, body, region);
    EXPECT_EQ(result.status, 200) << operation << " " << body << ": " << result.type() << " "
                                  << result.message();
    return result.body;
  }

  edge::ServiceDescriptor service_;
};

}  // namespace kumo::logs::testing

// Helpers shared by the streams unit tests: an in-memory Store with a
// StreamStore on a manual clock, the write path in miniature (Record, write
// the batch, Committed), and calls through the service handler.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "common/clock.h"
#include "edge/service.h"
#include "storage/store.h"
#include "storage/store_test_util.h"
#include "tables/service_test_util.h"
#include "tables/streams/stream_store.h"
#include "tables/streams/streams_service.h"
#include "tables/test_util.h"

namespace kumo::tables::streams::testing {

using tables::testing::I;

using tables::testing::kNow;  // 2024-01-01T00:00:00Z
inline constexpr int64_t kDayMillis = 24 * 3600 * 1000;

inline StreamTarget Target(std::string table = "Music", std::string view = "NEW_AND_OLD_IMAGES",
                           std::string region = "us-east-1") {
  StreamTarget target;
  target.table_name = table;
  target.region = region;
  target.stream_arn = "arn:aws:dynamodb:" + region + ":000000000000:table/" + table +
                      "/stream/2024-01-01T00:00:00.000";
  target.view_type = std::move(view);
  target.key_schema.partition = KeyAttribute{"pk", AttrType::kS};
  target.key_schema.sort = KeyAttribute{"sk", AttrType::kN};
  return target;
}

class StreamsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::Options options;
    options.in_memory = true;
    store_ = storage::testing::OpenOrFail(options);
    ASSERT_NE(store_, nullptr);
    Reopen();
  }
  void TearDown() override {
    streams_.reset();
    if (store_) IgnoreError(store_->Close());  // teardown: nothing to report to
  }

  // Drops the StreamStore and opens a new one on the same Store, as a restart would.
  void Reopen() {
    streams_.reset();
    StreamStoreOptions options;
    options.clock = &clock_;
    options.sweep_interval = std::chrono::milliseconds(0);
    Result<std::unique_ptr<StreamStore>> streams = StreamStore::Open(*store_, options);
    ASSERT_TRUE(streams.ok()) << streams.error().message;
    streams_ = std::move(streams).value();
  }

  // What the table write path does for one change: Record into the item's
  // batch, write it, report Committed. Returns the token (the sequence).
  uint64_t Write(const StreamTarget& target, ChangeKind kind, const Item* old_image,
                 const Item* new_image, bool by_ttl = false) {
    storage::WriteBatch batch;
    ItemChange change{kind, old_image, new_image, by_ttl, clock_.NowMillis()};
    Result<uint64_t> token = streams_->Record(batch, target, change);
    EXPECT_TRUE(token.ok()) << token.error().message;
    if (!token.ok()) return 0;
    Status written = store_->Write(batch);
    EXPECT_TRUE(written.ok());
    streams_->Committed(*token);
    return *token;
  }
  uint64_t Put(const StreamTarget& target, const Item& item) {
    return Write(target, ChangeKind::kInsert, nullptr, &item);
  }

  // Every visible record's JSON from TRIM_HORIZON, parsed.
  std::vector<boost::json::object> ReadAll(const StreamTarget& target) {
    std::vector<boost::json::object> out;
    Result<RecordPage> page = streams_->ReadAfter(target.stream_arn, kTrimHorizon, 1000);
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok()) return out;
    for (const StoredStreamRecord& record : page->records) {
      out.push_back(boost::json::parse(record.json).as_object());
    }
    return out;
  }

  ManualClock clock_{kNow};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<StreamStore> streams_;
};

// The handler's answer, recorded (shared with the TableService tests).
using tables::testing::CallResult;
using tables::testing::RecordingSink;

class ServiceFixture : public StreamsFixture {
 protected:
  void SetUp() override {
    StreamsFixture::SetUp();
    service_ = StreamsService(*streams_);
  }

  CallResult Call(const std::string& operation, const boost::json::object& body,
                  const std::string& region = "us-east-1") {
    auto sink = std::make_shared<RecordingSink>();
    edge::Call call;
    call.operation = operation;
    call.request.method = "POST";
    call.request.body = boost::json::serialize(body);
    call.request.region = region;
    call.request.headers.Set("X-Amz-Target", "DynamoDBStreams_20120810." + operation);
    service_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kJson, "rid"));
    edge::Response response = sink->Wait();
    last_content_type_ = std::string(response.headers.Get("Content-Type").value_or(""));
    CallResult result;
    result.status = response.status;
    result.raw = response.body;
    boost::json::value parsed = tables::testing::ParseLenient(response.body);
    if (parsed.is_object()) result.body = parsed.as_object();
    return result;
  }
  // A call that must succeed.
  boost::json::object Ok(const std::string& operation, const boost::json::object& body,
                         const std::string& region = "us-east-1") {
    CallResult result = Call(operation, body, region);
    EXPECT_EQ(result.status, 200) << operation << " " << boost::json::serialize(body) << ": "
                                  << result.type() << " " << result.message();
    return result.body;
  }

  edge::ServiceDescriptor service_;
  std::string last_content_type_;  // of the last Call's answer
};

}  // namespace kumo::tables::streams::testing

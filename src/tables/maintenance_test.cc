// Background work and the write path's side effects: GSI backfill after
// UpdateTable, index deletion, TTL sweeps (through the normal delete path,
// by_ttl stream records), stream records written in the item's batch, and
// DeleteTable dropping the data.
#include <gtest/gtest.h>

#include <thread>

#include "tables/service_test_util.h"

namespace kumo::tables::testing {
namespace {

// A ChangeRecorder that writes each record into the batch it is given, so
// tests see records exactly when the item write is durable.
class BatchRecorder : public ChangeRecorder {
 public:
  explicit BatchRecorder(storage::Family family) : family_(family) {}
  Result<uint64_t> Record(storage::WriteBatch& batch, const StreamTarget& target,
                          const ItemChange& change) override {
    std::lock_guard lock(mu_);
    uint64_t token = ++next_;
    std::string kind = change.kind == ChangeKind::kInsert   ? "INSERT"
                       : change.kind == ChangeKind::kModify ? "MODIFY"
                                                            : "REMOVE";
    char key[32];
    snprintf(key, sizeof(key), "%08llu", static_cast<unsigned long long>(token));
    batch.Put(family_, key, kind + (change.by_ttl ? " ttl " : " ") + target.view_type);
    return token;
  }
  void Aborted(uint64_t) override {}
  void StreamEnabled(const StreamTarget& target, int64_t) override {
    std::lock_guard lock(mu_);
    enabled_.push_back(target.stream_arn);
  }
  void StreamDisabled(const std::string& arn) override {
    std::lock_guard lock(mu_);
    disabled_.push_back(arn);
  }
  std::vector<std::string> enabled() {
    std::lock_guard lock(mu_);
    return enabled_;
  }
  std::vector<std::string> disabled() {
    std::lock_guard lock(mu_);
    return disabled_;
  }

 private:
  std::mutex mu_;
  storage::Family family_;
  uint64_t next_ = 0;
  std::vector<std::string> enabled_, disabled_;
};

class MaintenanceTest : public TableServiceFixture {
 protected:
  void SetUp() override {
    storage::Options options;
    options.in_memory = true;
    Result<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    Result<storage::Family> family = store_->OpenFamily("test_stream");
    ASSERT_TRUE(family.ok());
    stream_family_ = *family;
    recorder_ = std::make_unique<BatchRecorder>(stream_family_);
    Reopen();
  }
  TableServiceOptions Options() override {
    TableServiceOptions options = TableServiceFixture::Options();
    options.recorder = recorder_.get();
    options.ttl_sweep_interval = sweep_;
    return options;
  }
  std::vector<std::string> StreamRecords() {
    std::vector<std::string> out;
    std::unique_ptr<storage::Iterator> it = store_->NewIterator(stream_family_);
    for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->value());
    return out;
  }
  // Polls `condition` for up to 10 s.
  template <typename F>
  bool Eventually(F condition) {
    for (int i = 0; i < 1000; ++i) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  storage::Family stream_family_;
  std::unique_ptr<BatchRecorder> recorder_;
  std::chrono::milliseconds sweep_{0};
};

TEST_F(MaintenanceTest, AddedGlobalIndexIsBackfilledThenActive) {
  CreateSimpleTable("ttt");
  for (int i = 0; i < 50; ++i) {
    std::string g = i % 5 == 0 ? R"(,"g":{"S":"yes"})" : "";
    Ok("PutItem", R"({"TableName":"ttt","Item":{"pk":{"S":"k)" + std::to_string(i) + R"("})" + g + "}}");
  }
  boost::json::object updated = Ok("UpdateTable", R"({"TableName":"ttt",
      "AttributeDefinitions":[{"AttributeName":"g","AttributeType":"S"}],
      "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],
        "Projection":{"ProjectionType":"ALL"}}}]})");
  const auto& gsi = updated.at("TableDescription").at("GlobalSecondaryIndexes").as_array()[0];
  EXPECT_EQ(gsi.at("IndexStatus").as_string(), "CREATING");
  ASSERT_TRUE(Eventually([&] {
    return Ok("DescribeTable", R"({"TableName":"ttt"})").at("Table").at("GlobalSecondaryIndexes").as_array()[0]
               .at("IndexStatus").as_string() == "ACTIVE";
  }));
  const auto index = Ok("DescribeTable", R"({"TableName":"ttt"})").at("Table").at("GlobalSecondaryIndexes").as_array()[0];
  EXPECT_EQ(index.at("ItemCount").as_int64(), 10);
  boost::json::object page = Ok("Query", R"({"TableName":"ttt","IndexName":"by-g","KeyConditionExpression":"g = :y",
      "ExpressionAttributeValues":{":y":{"S":"yes"}}})");
  EXPECT_EQ(page.at("Count").as_int64(), 10);

  Ok("UpdateTable", R"({"TableName":"ttt","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"by-g"}}]})");
  EXPECT_FALSE(Ok("DescribeTable", R"({"TableName":"ttt"})").at("Table").as_object().contains("GlobalSecondaryIndexes"));
  Fails("Query", R"({"TableName":"ttt","IndexName":"by-g","KeyConditionExpression":"g = :y",
      "ExpressionAttributeValues":{":y":{"S":"yes"}}})", "ValidationException");
}

TEST_F(MaintenanceTest, StreamRecordsShareTheItemBatch) {
  Ok("CreateTable", R"({"TableName":"sss","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
      "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}})");
  ASSERT_EQ(recorder_->enabled().size(), 1u);
  Ok("PutItem", R"({"TableName":"sss","Item":{"pk":{"S":"a"},"v":{"N":"1"}}})");
  Ok("PutItem", R"({"TableName":"sss","Item":{"pk":{"S":"a"},"v":{"N":"1"}}})");  // no change: no record
  Ok("UpdateItem", R"({"TableName":"sss","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET v = :two",
      "ExpressionAttributeValues":{":two":{"N":"2"}}})");
  Ok("DeleteItem", R"({"TableName":"sss","Key":{"pk":{"S":"a"}}})");
  Ok("DeleteItem", R"({"TableName":"sss","Key":{"pk":{"S":"a"}}})");  // nothing deleted: no record
  Fails("PutItem", R"({"TableName":"sss","Item":{"pk":{"S":"b"}},"ConditionExpression":"attribute_exists(pk) "})",
        "ConditionalCheckFailedException");
  EXPECT_EQ(StreamRecords(), (std::vector<std::string>{"INSERT NEW_IMAGE", "MODIFY NEW_IMAGE", "REMOVE NEW_IMAGE"}));
  Ok("UpdateTable", R"({"TableName":"sss","StreamSpecification":{"StreamEnabled":false}})");
  Ok("PutItem", R"({"TableName":"sss","Item":{"pk":{"S":"c"}}})");
  EXPECT_EQ(StreamRecords().size(), 3u);
  EXPECT_EQ(recorder_->disabled().size(), 1u);
}

TEST_F(MaintenanceTest, ExpiredItemsAreReadableUntilSwept) {
  CreateSimpleTable("ttl");
  Ok("UpdateTimeToLive", R"({"TableName":"ttl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})");
  const int64_t now = kNow / 1000;
  Ok("PutItem", R"({"TableName":"ttl","Item":{"pk":{"S":"old"},"exp":{"N":")" + std::to_string(now - 10) + R"("}}})");
  EXPECT_TRUE(Ok("GetItem", R"({"TableName":"ttl","Key":{"pk":{"S":"old"}}})").contains("Item"));
}

class TtlSweepTest : public MaintenanceTest {
 protected:
  void SetUp() override {
    sweep_ = std::chrono::milliseconds(20);
    MaintenanceTest::SetUp();
  }
};

TEST_F(TtlSweepTest, SweeperDeletesExpiredItemsThroughTheDeletePath) {
  Ok("CreateTable", R"({"TableName":"ttl","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
      "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"OLD_IMAGE"}})");
  const int64_t now = kNow / 1000;
  auto put = [&](const std::string& key, int64_t exp) {
    Ok("PutItem", R"({"TableName":"ttl","Item":{"pk":{"S":")" + key + R"("},"exp":{"N":")" + std::to_string(exp) + R"("}}})");
  };
  put("expired", now - 10);
  put("future", now + 3600);
  put("ancient", now - 6LL * 365 * 24 * 3600);  // more than five years back: ignored, as on AWS
  Ok("PutItem", R"({"TableName":"ttl","Item":{"pk":{"S":"text"},"exp":{"S":"1"}}})");
  Ok("UpdateTimeToLive", R"({"TableName":"ttl","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})");
  ASSERT_TRUE(Eventually([&] {
    return !Ok("GetItem", R"({"TableName":"ttl","Key":{"pk":{"S":"expired"}}})").contains("Item");
  }));
  for (const char* kept : {"future", "ancient", "text"}) {
    EXPECT_TRUE(Ok("GetItem", R"({"TableName":"ttl","Key":{"pk":{"S":")" + std::string(kept) + R"("}}})").contains("Item"))
        << kept;
  }
  std::vector<std::string> records = StreamRecords();
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records.back(), "REMOVE ttl OLD_IMAGE");
  EXPECT_EQ(Ok("DescribeTable", R"({"TableName":"ttl"})").at("Table").at("ItemCount").as_int64(), 3);
}

TEST_F(MaintenanceTest, DeleteTableDropsItsData) {
  CreateSimpleTable("gone");
  Ok("PutItem", R"({"TableName":"gone","Item":{"pk":{"S":"a"}}})");
  Ok("DeleteTable", R"({"TableName":"gone"})");
  Fails("PutItem", R"({"TableName":"gone","Item":{"pk":{"S":"a"}}})", "ResourceNotFoundException");
  CreateSimpleTable("gone");
  EXPECT_EQ(Ok("Scan", R"({"TableName":"gone"})").at("Count").as_int64(), 0);
  EXPECT_EQ(Ok("DescribeTable", R"({"TableName":"gone"})").at("Table").at("ItemCount").as_int64(), 0);
}

}  // namespace
}  // namespace kumo::tables::testing

// Single-item operations through the handler: PutItem, GetItem, UpdateItem,
// DeleteItem with conditions, ReturnValues, consumed capacity, index key
// checks, and concurrent conditional writes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/store_test_util.h"
#include "tables/service_test_util.h"

namespace kumo::tables::testing {
namespace {

class ItemsOpsTest : public TableServiceFixture {
 protected:
  void SetUp() override {
    TableServiceFixture::SetUp();
    CreateSimpleTable("items");
  }

  // 8 threads x 50 conditional increments of one counter: none may be lost.
  // Returns how many batches went through the store's commit thread meanwhile.
  uint64_t ConcurrentIncrements() {
    storage::Store& store = *store_;
    Ok("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"counter"},"n":{"N":"0"}}})");
    const uint64_t batches_before = store.GetCommitStats().batches;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          CallResult r = Call("UpdateItem", R"({"TableName":"items","Key":{"pk":{"S":"counter"}},
              "UpdateExpression":"SET n = n + :one","ConditionExpression":"attribute_exists(n) ",
              "ExpressionAttributeValues":{":one":{"N":"1"}}})");
          if (r.status == 200) ++ok;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 400);
    EXPECT_EQ(
        Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"counter"}},"ConsistentRead":true})")
            .at("Item")
            .at("n")
            .at("N")
            .as_string(),
        "400");
    return store.GetCommitStats().batches - batches_before;
  }
};

TEST_F(ItemsOpsTest, PutGetDeleteRoundTrip) {
  Ok("PutItem",
     R"({"TableName":"items","Item":{"pk":{"S":"a"},"n":{"N":"1.50"},"l":{"L":[{"BOOL":true},{"NULL":true}]},
      "ss":{"SS":["y","x"]}}})");
  boost::json::object got = Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"a"}}})");
  EXPECT_EQ(Json(got.at("Item").at("n")), R"({"N":"1.5"})");
  EXPECT_EQ(Json(got.at("Item").at("ss")), R"({"SS":["x","y"]})");
  EXPECT_EQ(Json(got.at("Item").at("l")), R"({"L":[{"BOOL":true},{"NULL":true}]})");
  EXPECT_EQ(
      Json(Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"a"}},"ProjectionExpression":"#n",
      "ExpressionAttributeNames":{"#n":"n"}})")),
      R"({"Item":{"n":{"N":"1.5"}}})");
  EXPECT_EQ(Json(Ok("GetItem",
                    R"({"TableName":"items","Key":{"pk":{"S":"a"}},"AttributesToGet":["pk"]})")),
            R"({"Item":{"pk":{"S":"a"}}})");
  EXPECT_EQ(Json(Ok("DeleteItem",
                    R"({"TableName":"items","Key":{"pk":{"S":"a"}},"ReturnValues":"ALL_OLD"})")
                     .at("Attributes")
                     .at("pk")),
            R"({"S":"a"})");
  EXPECT_EQ(Json(Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"a"}}})")), "{}");
}

TEST_F(ItemsOpsTest, KeyAndRequestValidation) {
  EXPECT_EQ(
      Fails("GetItem", R"({"TableName":"items","Key":{"other":{"S":"a"}}})", "ValidationException"),
      "The provided key element does not match the schema");
  EXPECT_EQ(
      Fails("PutItem", R"({"TableName":"items","Item":{"x":{"S":"a"}}})", "ValidationException"),
      "One or more parameter values were invalid: Missing the key pk in the item");
  EXPECT_EQ(
      Fails("PutItem", R"({"TableName":"items","Item":{"pk":{"N":"1"}}})", "ValidationException"),
      "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
  EXPECT_EQ(Fails("GetItem", R"({"TableName":"missing","Key":{"pk":{"S":"a"}}})",
                  "ResourceNotFoundException"),
            "Requested resource not found");
  EXPECT_EQ(
      Fails("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"a"}},"ReturnValues":"ALL_NEW"})",
            "ValidationException"),
      "ReturnValues can only be ALL_OLD or NONE");
  EXPECT_EQ(
      Fails(
          "PutItem",
          R"({"TableName":"items","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_exists(pk) ",
      "Expected":{"pk":{"Exists":false}}})",
          "ValidationException"),
      "Can not use both expression and non-expression parameters in the same request: "
      "Non-expression "
      "parameters: {Expected} Expression parameters: {ConditionExpression}");
  EXPECT_EQ(
      Fails(
          "PutItem",
          R"({"TableName":"items","Item":{"pk":{"S":"a"}},"ExpressionAttributeValues":{":v":{"S":"x"}}})",
          "ValidationException"),
      "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression "
      "is null");
  EXPECT_EQ(Fails("PutItem",
                  R"({"TableName":"items","Item":{"pk":{"S":"a"}},"ConditionExpression":"a = :v",
      "ExpressionAttributeValues":{":v":{"S":"x"},":w":{"S":"y"}}})",
                  "ValidationException"),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
  EXPECT_EQ(Fails("GetItem", R"({"Key":{"pk":{"S":"a"}}})", "ValidationException"),
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
            "Member must not be null");
}

TEST_F(ItemsOpsTest, ConditionalWrites) {
  Ok("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"a"},"v":{"N":"1"}}})");
  EXPECT_EQ(
      Fails(
          "PutItem",
          R"({"TableName":"items","Item":{"pk":{"S":"a"}},"ConditionExpression":"attribute_not_exists(pk) "})",
          "ConditionalCheckFailedException"),
      "The conditional request failed");
  CallResult failed = Call("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"a"}},
      "ConditionExpression":"v = :two","ExpressionAttributeValues":{":two":{"N":"2"}},
      "ReturnValuesOnConditionCheckFailure":"ALL_OLD"})");
  EXPECT_EQ(failed.type(), "ConditionalCheckFailedException");
  EXPECT_EQ(Json(failed.body.at("Item")), R"({"pk":{"S":"a"},"v":{"N":"1"}})");
  Ok("PutItem",
     R"({"TableName":"items","Item":{"pk":{"S":"a"},"v":{"N":"2"}},"Expected":{"v":{"Value":{"N":"1"}}}})");
  Fails("DeleteItem",
        R"({"TableName":"items","Key":{"pk":{"S":"a"}},"ConditionExpression":"v = :one",
      "ExpressionAttributeValues":{":one":{"N":"1"}}})",
        "ConditionalCheckFailedException");
  Ok("DeleteItem", R"({"TableName":"items","Key":{"pk":{"S":"a"}},"ConditionExpression":"v = :two",
      "ExpressionAttributeValues":{":two":{"N":"2"}}})");
}

TEST_F(ItemsOpsTest, UpdateItemReturnValues) {
  boost::json::object created = Ok("UpdateItem", R"({"TableName":"items","Key":{"pk":{"S":"u"}},
      "UpdateExpression":"SET a = :a, b = :b","ExpressionAttributeValues":{":a":{"N":"1"},":b":{"S":"x"}},
      "ReturnValues":"ALL_NEW"})");
  EXPECT_EQ(Json(created.at("Attributes")), R"({"a":{"N":"1"},"b":{"S":"x"},"pk":{"S":"u"}})");
  boost::json::object old = Ok("UpdateItem", R"({"TableName":"items","Key":{"pk":{"S":"u"}},
      "UpdateExpression":"ADD a :one REMOVE b","ExpressionAttributeValues":{":one":{"N":"5"}},
      "ReturnValues":"UPDATED_OLD"})");
  EXPECT_EQ(Json(old.at("Attributes")), R"({"a":{"N":"1"},"b":{"S":"x"}})");
  boost::json::object updated_new = Ok("UpdateItem", R"({"TableName":"items","Key":{"pk":{"S":"u"}},
      "UpdateExpression":"SET c = :c","ExpressionAttributeValues":{":c":{"BOOL":false}},"ReturnValues":"UPDATED_NEW"})");
  EXPECT_EQ(Json(updated_new.at("Attributes")), R"({"c":{"BOOL":false}})");
  EXPECT_EQ(Json(Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"u"}}})").at("Item")),
            R"({"a":{"N":"6"},"c":{"BOOL":false},"pk":{"S":"u"}})");
  EXPECT_EQ(Fails("UpdateItem",
                  R"({"TableName":"items","Key":{"pk":{"S":"u"}},"UpdateExpression":"SET pk = :v",
      "ExpressionAttributeValues":{":v":{"S":"z"}}})",
                  "ValidationException"),
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute "
            "is part of the key");
  // Legacy AttributeUpdates.
  Ok("UpdateItem", R"({"TableName":"items","Key":{"pk":{"S":"u"}},
      "AttributeUpdates":{"d":{"Action":"PUT","Value":{"S":"legacy"}}}})");
  EXPECT_EQ(Json(Ok("GetItem",
                    R"({"TableName":"items","Key":{"pk":{"S":"u"}},"ProjectionExpression":"d"})")),
            R"({"Item":{"d":{"S":"legacy"}}})");
  // REMOVE on a missing item creates nothing.
  Ok("UpdateItem",
     R"({"TableName":"items","Key":{"pk":{"S":"ghost"}},"UpdateExpression":"REMOVE x"})");
  EXPECT_EQ(Json(Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"ghost"}}})")), "{}");
}

TEST_F(ItemsOpsTest, ConsumedCapacity) {
  std::string big(5000, 'x');
  Ok("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"big"},"v":{"S":")" + big + R"("}}})");
  CallResult put = Call("PutItem", R"({"TableName":"items","Item":{"pk":{"S":"small"}},
      "ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(
      put.raw,
      R"({"ConsumedCapacity":{"TableName":"items","CapacityUnits":1.0,"WriteCapacityUnits":1.0}})");
  boost::json::object strong =
      Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"big"}},"ConsistentRead":true,
      "ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(strong.at("ConsumedCapacity").at("CapacityUnits").as_double(),
            2.0);  // 5006 bytes: two 4 KB units
  boost::json::object eventual = Ok("GetItem", R"({"TableName":"items","Key":{"pk":{"S":"big"}},
      "ReturnConsumedCapacity":"INDEXES"})");
  EXPECT_EQ(eventual.at("ConsumedCapacity").at("CapacityUnits").as_double(), 1.0);
  EXPECT_EQ(eventual.at("ConsumedCapacity").at("Table").at("ReadCapacityUnits").as_double(), 1.0);
  boost::json::object update = Ok("UpdateItem", R"({"TableName":"items","Key":{"pk":{"S":"big"}},
      "UpdateExpression":"REMOVE v","ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(update.at("ConsumedCapacity").at("CapacityUnits").as_double(),
            5.0);  // the larger image: 5 KB
}

TEST_F(ItemsOpsTest, IndexKeyTypesAreChecked) {
  Ok("CreateTable", R"({"TableName":"indexed","BillingMode":"PAY_PER_REQUEST",
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"N"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
    "GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],
      "Projection":{"ProjectionType":"ALL"}}]})");
  EXPECT_EQ(Fails("PutItem", R"({"TableName":"indexed","Item":{"pk":{"S":"a"},"g":{"S":"x"}}})",
                  "ValidationException"),
            "One or more parameter values were invalid: Type mismatch for Index Key g Expected: N "
            "Actual: S "
            "IndexName: by-g");
  Ok("PutItem", R"({"TableName":"indexed","Item":{"pk":{"S":"a"},"g":{"N":"1"}}})");
  EXPECT_EQ(Fails("UpdateItem",
                  R"({"TableName":"indexed","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET g = :s",
      "ExpressionAttributeValues":{":s":{"S":"x"}}})",
                  "ValidationException"),
            "One or more parameter values were invalid: Type mismatch for Index Key g Expected: N "
            "Actual: S "
            "IndexName: by-g");
}

// Many threads increment one counter with conditional writes: every
// acknowledged increment is kept (atomic read-modify-write).
// In memory (as with --no-fsync) a write is made on the caller's thread:
// nothing goes through the commit thread.
TEST_F(ItemsOpsTest, ConcurrentUpdatesAreAtomic) { EXPECT_EQ(ConcurrentIncrements(), 0u); }

// On a store that fsyncs, every write goes through the commit thread, where
// concurrent writes share one fsync.
class SyncedItemsOpsTest : public ItemsOpsTest {
 protected:
  storage::Options StoreOptions() override {
    storage::Options options;
    options.path = dir_.path();
    options.durability = storage::Durability::kSync;
    return options;
  }
  storage::testing::TempDir dir_;
};

TEST_F(SyncedItemsOpsTest, ConcurrentUpdatesAreAtomic) { EXPECT_EQ(ConcurrentIncrements(), 400u); }

}  // namespace
}  // namespace kumo::tables::testing

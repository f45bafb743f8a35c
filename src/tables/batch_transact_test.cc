// BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems
// through the handler: limits, duplicates, all-or-nothing transactions with
// ordered cancellation reasons, and ClientRequestToken idempotency.
#include <gtest/gtest.h>

#include "tables/service_test_util.h"

namespace kumo::tables::testing {
namespace {

class BatchTransactTest : public TableServiceFixture {
 protected:
  void SetUp() override {
    TableServiceFixture::SetUp();
    CreateSimpleTable("aaa");
    CreateSimpleTable("bbb");
  }
  static std::string Puts(int n, const std::string& prefix = "k") {
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ',';
      out += R"({"PutRequest":{"Item":{"pk":{"S":")" + prefix + std::to_string(i) + R"("}}}})";
    }
    return out;
  }
};

TEST_F(BatchTransactTest, BatchWriteAndGet) {
  Ok("BatchWriteItem", R"({"RequestItems":{"aaa":[)" + Puts(3) + R"(],"bbb":[)" + Puts(2, "x") + "]}}");
  boost::json::object got = Ok("BatchGetItem", R"({"RequestItems":{"aaa":{"Keys":[{"pk":{"S":"k0"}},{"pk":{"S":"k2"}},
      {"pk":{"S":"missing"}}]},"bbb":{"Keys":[{"pk":{"S":"x1"}}],"ProjectionExpression":"pk"}},"ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(got.at("Responses").at("aaa").as_array().size(), 2u);
  EXPECT_EQ(Json(got.at("Responses").at("bbb")), R"([{"pk":{"S":"x1"}}])");
  EXPECT_EQ(Json(got.at("UnprocessedKeys")), "{}");
  EXPECT_EQ(got.at("ConsumedCapacity").as_array()[0].at("CapacityUnits").as_double(), 1.5);
  boost::json::object deleted = Ok("BatchWriteItem", R"({"RequestItems":{"aaa":[{"DeleteRequest":{"Key":{"pk":{"S":"k0"}}}}]}})");
  EXPECT_EQ(Json(deleted.at("UnprocessedItems")), "{}");
  EXPECT_EQ(Ok("DescribeTable", R"({"TableName":"aaa"})").at("Table").at("ItemCount").as_int64(), 2);
}

TEST_F(BatchTransactTest, BatchLimitsAndDuplicates) {
  EXPECT_EQ(Fails("BatchWriteItem", R"({"RequestItems":{"aaa":[)" + Puts(2) + "," + Puts(1) + "]}}", "ValidationException"),
            "Provided list of item keys contains duplicates");
  EXPECT_EQ(Fails("BatchWriteItem", R"({"RequestItems":{"aaa":[)" + Puts(20) + R"(],"bbb":[)" + Puts(6) + "]}}",
                  "ValidationException"),
            "Too many items requested for the BatchWriteItem call");
  std::string keys;
  for (int i = 0; i < 101; ++i) keys += std::string(i ? "," : "") + R"({"pk":{"S":"k)" + std::to_string(i) + R"("}})";
  EXPECT_EQ(Fails("BatchGetItem", R"({"RequestItems":{"aaa":{"Keys":[)" + keys + "]}}}", "ValidationException"),
            "Too many items requested for the BatchGetItem call");
  EXPECT_EQ(Fails("BatchGetItem", R"({"RequestItems":{"aaa":{"Keys":[{"pk":{"S":"k"}},{"pk":{"S":"k"}}]}}})",
                  "ValidationException"),
            "Provided list of item keys contains duplicates");
  Fails("BatchWriteItem", R"({"RequestItems":{"nope":[)" + Puts(1) + "]}}", "ResourceNotFoundException");
}

TEST_F(BatchTransactTest, TransactionIsAllOrNothing) {
  Ok("PutItem", R"({"TableName":"aaa","Item":{"pk":{"S":"acct"},"balance":{"N":"10"}}})");
  const std::string transfer = R"({"TransactItems":[
      {"Update":{"TableName":"aaa","Key":{"pk":{"S":"acct"}},"UpdateExpression":"SET balance = balance - :amt",
        "ConditionExpression":"balance >= :amt","ExpressionAttributeValues":{":amt":{"N":"7"}}}},
      {"Put":{"TableName":"bbb","Item":{"pk":{"S":"receipt"}}}},
      {"ConditionCheck":{"TableName":"aaa","Key":{"pk":{"S":"absent"}},"ConditionExpression":"attribute_not_exists(pk) "}}]})";
  Ok("TransactWriteItems", transfer);
  CallResult second = Call("TransactWriteItems", transfer);
  EXPECT_EQ(second.type(), "TransactionCanceledException");
  EXPECT_EQ(second.message(),
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            "[ConditionalCheckFailed, None, None]");
  EXPECT_EQ(Json(second.body.at("CancellationReasons")),
            R"([{"Code":"ConditionalCheckFailed","Message":"The conditional request failed"},{"Code":"None"},{"Code":"None"}])");
  EXPECT_EQ(Ok("GetItem", R"({"TableName":"aaa","Key":{"pk":{"S":"acct"}}})").at("Item").at("balance").at("N").as_string(), "3");

  // A failing condition late in the list leaves the earlier writes undone.
  CallResult cancelled = Call("TransactWriteItems", R"({"TransactItems":[
      {"Put":{"TableName":"bbb","Item":{"pk":{"S":"never"}}}},
      {"Delete":{"TableName":"aaa","Key":{"pk":{"S":"acct"}},"ConditionExpression":"balance > :x",
        "ExpressionAttributeValues":{":x":{"N":"100"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}]})");
  EXPECT_EQ(cancelled.type(), "TransactionCanceledException");
  EXPECT_EQ(Json(cancelled.body.at("CancellationReasons").as_array()[1].at("Item")),
            R"({"balance":{"N":"3"},"pk":{"S":"acct"}})");
  EXPECT_EQ(Json(Ok("GetItem", R"({"TableName":"bbb","Key":{"pk":{"S":"never"}}})")), "{}");

  EXPECT_EQ(Fails("TransactWriteItems", R"({"TransactItems":[{"Put":{"TableName":"aaa","Item":{"pk":{"S":"same"}}}},
      {"Delete":{"TableName":"aaa","Key":{"pk":{"S":"same"}}}}]})", "ValidationException"),
            "Transaction request cannot include multiple operations on one item");
}

TEST_F(BatchTransactTest, ClientRequestTokenIsIdempotent) {
  Ok("PutItem", R"({"TableName":"aaa","Item":{"pk":{"S":"n"},"v":{"N":"0"}}})");
  const std::string request = R"({"ClientRequestToken":"tok-1","TransactItems":[{"Update":{"TableName":"aaa",
      "Key":{"pk":{"S":"n"}},"UpdateExpression":"ADD v :one","ExpressionAttributeValues":{":one":{"N":"1"}}}}]})";
  Ok("TransactWriteItems", request);
  Ok("TransactWriteItems", request);  // replayed: not applied twice
  EXPECT_EQ(Ok("GetItem", R"({"TableName":"aaa","Key":{"pk":{"S":"n"}}})").at("Item").at("v").at("N").as_string(), "1");
  Fails("TransactWriteItems", R"({"ClientRequestToken":"tok-1","TransactItems":[{"Put":{"TableName":"aaa",
      "Item":{"pk":{"S":"other"}}}}]})", "IdempotentParameterMismatchException");
  clock_.AdvanceMillis(11 * 60 * 1000);  // the token expires after 10 minutes
  Ok("TransactWriteItems", request);
  EXPECT_EQ(Ok("GetItem", R"({"TableName":"aaa","Key":{"pk":{"S":"n"}}})").at("Item").at("v").at("N").as_string(), "2");
}

TEST_F(BatchTransactTest, TransactGetItems) {
  Ok("PutItem", R"({"TableName":"aaa","Item":{"pk":{"S":"one"},"x":{"S":"1"},"y":{"S":"2"}}})");
  boost::json::object got = Ok("TransactGetItems", R"({"TransactItems":[
      {"Get":{"TableName":"aaa","Key":{"pk":{"S":"one"}},"ProjectionExpression":"x"}},
      {"Get":{"TableName":"bbb","Key":{"pk":{"S":"none"}}}}],"ReturnConsumedCapacity":"TOTAL"})");
  EXPECT_EQ(Json(got.at("Responses")), R"([{"Item":{"x":{"S":"1"}}},{}])");
  EXPECT_EQ(got.at("ConsumedCapacity").as_array()[0].at("CapacityUnits").as_double(), 2.0);
}

}  // namespace
}  // namespace kumo::tables::testing

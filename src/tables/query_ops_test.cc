// Query and Scan through the handler: key conditions, order, paging by
// Limit and by the 1 MB page size, filters, Select, parallel scan
// segments, and reads from global and local secondary indexes.
#include <gtest/gtest.h>

#include <set>

#include "tables/service_test_util.h"

namespace kumo::tables::testing {
namespace {

class QueryOpsTest : public TableServiceFixture {
 protected:
  void SetUp() override {
    TableServiceFixture::SetUp();
    Ok("CreateTable", R"({"TableName":"events","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
        {"AttributeName":"kind","AttributeType":"S"},{"AttributeName":"score","AttributeType":"N"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
      "GlobalSecondaryIndexes":[{"IndexName":"by-kind","KeySchema":[{"AttributeName":"kind","KeyType":"HASH"},
        {"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
      "LocalSecondaryIndexes":[{"IndexName":"by-score","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
        {"AttributeName":"score","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]})");
    for (int i = 1; i <= 10; ++i) {
      std::string kind = i % 2 == 0 ? R"(,"kind":{"S":"even"})" : "";  // odd items are not in by-kind
      Ok("PutItem", R"({"TableName":"events","Item":{"pk":{"S":"p"},"sk":{"N":")" + std::to_string(i) +
                        R"("},"score":{"N":")" + std::to_string(100 - i) + R"("},"v":{"S":"x"})" + kind + "}}");
    }
    Ok("PutItem", R"({"TableName":"events","Item":{"pk":{"S":"other"},"sk":{"N":"1"},"kind":{"S":"even"}}})");
  }

  std::vector<std::string> SortKeys(const boost::json::object& page) {
    std::vector<std::string> out;
    for (const auto& item : page.at("Items").as_array()) out.emplace_back(item.at("sk").at("N").as_string());
    return out;
  }
};

TEST_F(QueryOpsTest, KeyConditionsAndOrder) {
  boost::json::object page = Ok("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b",
      "ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"3"},":b":{"N":"5"}}})");
  EXPECT_EQ(SortKeys(page), (std::vector<std::string>{"3", "4", "5"}));
  EXPECT_EQ(page.at("Count").as_int64(), 3);
  EXPECT_EQ(page.at("ScannedCount").as_int64(), 3);
  page = Ok("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p AND sk > :a","ScanIndexForward":false,
      "ExpressionAttributeValues":{":p":{"S":"p"},":a":{"N":"7"}}})");
  EXPECT_EQ(SortKeys(page), (std::vector<std::string>{"10", "9", "8"}));
  page = Ok("Query", R"({"TableName":"events","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"p"}]},
      "sk":{"ComparisonOperator":"LT","AttributeValueList":[{"N":"3"}]}}})");
  EXPECT_EQ(SortKeys(page), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Fails("Query", R"({"TableName":"events"})", "ValidationException"),
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  EXPECT_EQ(Fails("Query", R"({"TableName":"events","IndexName":"nope","KeyConditionExpression":"pk = :p",
      "ExpressionAttributeValues":{":p":{"S":"p"}}})", "ValidationException"),
            "The table does not have the specified index: nope");
}

TEST_F(QueryOpsTest, LimitPagingAndFilter) {
  std::vector<std::string> seen;
  std::string start;
  int pages = 0;
  do {
    std::string body = R"({"TableName":"events","KeyConditionExpression":"pk = :p","Limit":4,
        "FilterExpression":"sk <> :three","ExpressionAttributeValues":{":p":{"S":"p"},":three":{"N":"3"}})";
    if (!start.empty()) body += R"(,"ExclusiveStartKey":)" + start;
    boost::json::object page = Ok("Query", body + "}");
    EXPECT_EQ(page.at("ScannedCount").as_int64(), pages < 2 ? 4 : 2);
    for (const std::string& sk : SortKeys(page)) seen.push_back(sk);
    start = page.contains("LastEvaluatedKey") ? Json(page.at("LastEvaluatedKey")) : "";
    ++pages;
  } while (!start.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "4", "5", "6", "7", "8", "9", "10"}));

  boost::json::object count = Ok("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p","Select":"COUNT",
      "ExpressionAttributeValues":{":p":{"S":"p"}}})");
  EXPECT_FALSE(count.contains("Items"));
  EXPECT_EQ(count.at("Count").as_int64(), 10);
  EXPECT_EQ(Fails("Query", R"({"TableName":"events","KeyConditionExpression":"pk = :p","ExclusiveStartKey":{"pk":{"S":"zzz"},"sk":{"N":"1"}},
      "ExpressionAttributeValues":{":p":{"S":"p"}}})", "ValidationException"),
            "The provided starting key is outside query boundaries based on provided conditions");
}

TEST_F(QueryOpsTest, PagesStopAtOneMegabyte) {
  CreateSimpleTable("big", true);
  std::string blob(100 * 1024, 'b');
  for (int i = 0; i < 15; ++i) {
    Ok("PutItem", R"({"TableName":"big","Item":{"pk":{"S":"p"},"sk":{"N":")" + std::to_string(i) +
                      R"("},"data1":{"S":")" + blob + R"("}}})");
  }
  boost::json::object page = Ok("Query", R"({"TableName":"big","KeyConditionExpression":"pk = :p","Select":"COUNT",
      "FilterExpression":"attribute_not_exists(data1) ","ExpressionAttributeValues":{":p":{"S":"p"}}})");
  // Item sizes count before the filter: the 11th ~100 KB item crosses 1 MB.
  EXPECT_EQ(page.at("ScannedCount").as_int64(), 11);
  EXPECT_EQ(page.at("Count").as_int64(), 0);
  EXPECT_EQ(page.at("LastEvaluatedKey").at("sk").at("N").as_string(), "10");
}

TEST_F(QueryOpsTest, GlobalIndexIsSparseAndProjected) {
  boost::json::object page = Ok("Query", R"({"TableName":"events","IndexName":"by-kind",
      "KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"even"}}})");
  ASSERT_EQ(page.at("Count").as_int64(), 6);
  // Sorted by the index sort key, then the table key: other/1 comes first.
  EXPECT_EQ(Json(page.at("Items").as_array()[0]), R"({"kind":{"S":"even"},"pk":{"S":"other"},"sk":{"N":"1"}})");
  EXPECT_EQ(Json(page.at("Items").as_array()[1]), R"({"kind":{"S":"even"},"pk":{"S":"p"},"sk":{"N":"2"}})");
  EXPECT_EQ(Fails("Query", R"({"TableName":"events","IndexName":"by-kind","Select":"ALL_ATTRIBUTES",
      "KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"even"}}})", "ValidationException"),
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
            "secondary index by-kind because its projection type is not ALL");
  EXPECT_EQ(Fails("Query", R"({"TableName":"events","IndexName":"by-kind","ConsistentRead":true,
      "KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"even"}}})", "ValidationException"),
            "Consistent reads are not supported on global secondary indexes");
  // The index follows updates: moving an item out of the index removes its entry.
  Ok("UpdateItem", R"({"TableName":"events","Key":{"pk":{"S":"p"},"sk":{"N":"2"}},"UpdateExpression":"REMOVE kind"})");
  page = Ok("Query", R"({"TableName":"events","IndexName":"by-kind","Limit":2,
      "KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"even"}}})");
  EXPECT_EQ(page.at("Items").as_array()[1].at("sk").at("N").as_string(), "4");
  EXPECT_EQ(Json(page.at("LastEvaluatedKey")), R"({"kind":{"S":"even"},"pk":{"S":"p"},"sk":{"N":"4"}})");
  page = Ok("Query", R"({"TableName":"events","IndexName":"by-kind","ExclusiveStartKey":)" +
                         Json(page.at("LastEvaluatedKey")) +
                         R"(,"KeyConditionExpression":"kind = :k","ExpressionAttributeValues":{":k":{"S":"even"}}})");
  EXPECT_EQ(page.at("Count").as_int64(), 3);
}

TEST_F(QueryOpsTest, LocalIndexFetchesAllAttributes) {
  boost::json::object page = Ok("Query", R"({"TableName":"events","IndexName":"by-score","Limit":1,
      "KeyConditionExpression":"pk = :p AND score < :s","ExpressionAttributeValues":{":p":{"S":"p"},":s":{"N":"95"}}})");
  EXPECT_EQ(Json(page.at("Items").as_array()[0]), R"({"pk":{"S":"p"},"score":{"N":"90"},"sk":{"N":"10"}})");
  page = Ok("Query", R"({"TableName":"events","IndexName":"by-score","Select":"ALL_ATTRIBUTES","Limit":1,
      "KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}})");
  EXPECT_EQ(page.at("Items").as_array()[0].at("v").at("S").as_string(), "x");
}

TEST_F(QueryOpsTest, ScanSegmentsCoverTheTableOnce) {
  std::multiset<std::string> keys;
  for (int segment = 0; segment < 4; ++segment) {
    boost::json::object page = Ok("Scan", R"({"TableName":"events","TotalSegments":4,"Segment":)" +
                                              std::to_string(segment) + "}");
    for (const auto& item : page.at("Items").as_array()) {
      keys.insert(std::string(item.at("pk").at("S").as_string()) + "/" + std::string(item.at("sk").at("N").as_string()));
    }
  }
  EXPECT_EQ(keys.size(), 11u);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), 11u);
  boost::json::object filtered = Ok("Scan", R"({"TableName":"events","ScanFilter":{"sk":{"ComparisonOperator":"GT",
      "AttributeValueList":[{"N":"8"}]}}})");
  EXPECT_EQ(filtered.at("Count").as_int64(), 2);
  EXPECT_EQ(filtered.at("ScannedCount").as_int64(), 11);
  EXPECT_EQ(Fails("Scan", R"({"TableName":"events","Segment":1})", "ValidationException"),
            "The TotalSegments parameter is required but was not present in the request when parameter Segment is present");
  EXPECT_EQ(Fails("Scan", R"({"TableName":"events","Segment":2,"TotalSegments":2})", "ValidationException"),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less "
            "than TotalSegments: 2");
  boost::json::object index_scan = Ok("Scan", R"({"TableName":"events","IndexName":"by-kind"})");
  EXPECT_EQ(index_scan.at("Count").as_int64(), 6);
}

}  // namespace
}  // namespace kumo::tables::testing

// Control-plane operations through the handler: CreateTable validation,
// DescribeTable, ListTables paging, UpdateTable, DeleteTable, tags, TTL,
// DescribeEndpoints/DescribeLimits, and metadata surviving a restart.
#include <gtest/gtest.h>

#include "tables/service_test_util.h"

namespace kumo::tables::testing {
namespace {

using TablesOpsTest = TableServiceFixture;

TEST_F(TablesOpsTest, CreateDescribeDeleteTable) {
  boost::json::object created = Ok("CreateTable", R"({
    "TableName":"Music",
    "AttributeDefinitions":[{"AttributeName":"Artist","AttributeType":"S"},
                            {"AttributeName":"Song","AttributeType":"S"}],
    "KeySchema":[{"AttributeName":"Artist","KeyType":"HASH"},{"AttributeName":"Song","KeyType":"RANGE"}],
    "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7},
    "Tags":[{"Key":"team","Value":"a"}]})");
  const auto& desc = created.at("TableDescription").as_object();
  EXPECT_EQ(desc.at("TableStatus").as_string(), "CREATING");
  EXPECT_EQ(desc.at("TableArn").as_string(), "arn:aws:dynamodb:us-east-1:000000000000:table/Music");
  EXPECT_EQ(desc.at("ProvisionedThroughput").at("WriteCapacityUnits").as_int64(), 7);
  EXPECT_FALSE(desc.contains("BillingModeSummary"));

  boost::json::object described = Ok("DescribeTable", R"({"TableName":"Music"})");
  const auto& table = described.at("Table").as_object();
  EXPECT_EQ(table.at("TableStatus").as_string(), "ACTIVE");
  EXPECT_EQ(table.at("ItemCount").as_int64(), 0);
  EXPECT_EQ(Json(table.at("KeySchema")),
            R"([{"AttributeName":"Artist","KeyType":"HASH"},{"AttributeName":"Song","KeyType":"RANGE"}])");
  EXPECT_EQ(table.at("CreationDateTime").as_double(), kNow / 1000.0);

  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"Music","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})",
                  "ResourceInUseException"),
            "Table already exists: Music");

  boost::json::object deleted = Ok("DeleteTable", R"({"TableName":"Music"})");
  EXPECT_EQ(deleted.at("TableDescription").at("TableStatus").as_string(), "DELETING");
  EXPECT_EQ(Fails("DescribeTable", R"({"TableName":"Music"})", "ResourceNotFoundException"),
            "Requested resource not found: Table: Music not found");
  Fails("DeleteTable", R"({"TableName":"Music"})", "ResourceNotFoundException");
}

TEST_F(TablesOpsTest, CreateTableValidationMessages) {
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"ab","AttributeDefinitions":[],"KeySchema":[]})",
                  "ValidationException"),
            "2 validation errors detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member "
            "must have length greater than or equal to 3; Value '[]' at 'keySchema' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}]})",
                  "ValidationException"),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both "
            "be specified when BillingMode is PROVISIONED");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"b","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})",
                  "ValidationException"),
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            "AttributeDefinitions. Keys: [b], AttributeDefinitions: [a]");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},
      {"AttributeName":"b","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})",
                  "ValidationException"),
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly "
            "match number of attributes defined in AttributeDefinitions");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"})",
                  "ValidationException"),
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"X"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})",
                  "ValidationException"),
            "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed "
            "to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
      "ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})",
                  "ValidationException"),
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can "
            "be specified when BillingMode is PAY_PER_REQUEST");
  EXPECT_EQ(Fails("CreateTable", R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},
      {"AttributeName":"b","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
      "LocalSecondaryIndexes":[{"IndexName":"lsi","KeySchema":[{"AttributeName":"a","KeyType":"HASH"},
        {"AttributeName":"b","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]})",
                  "ValidationException"),
            "One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
            "required when specifying a LocalSecondaryIndex");
}

TEST_F(TablesOpsTest, CreateTableWithIndexesStreamAndSse) {
  boost::json::object created = Ok("CreateTable", R"({
    "TableName":"Orders",
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},
      {"AttributeName":"status","AttributeType":"S"},{"AttributeName":"total","AttributeType":"N"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
    "BillingMode":"PAY_PER_REQUEST",
    "GlobalSecondaryIndexes":[{"IndexName":"by-status","KeySchema":[{"AttributeName":"status","KeyType":"HASH"}],
      "Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["total"]}}],
    "LocalSecondaryIndexes":[{"IndexName":"by-total","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
      {"AttributeName":"total","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
    "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"},
    "SSESpecification":{"Enabled":true}})");
  const auto& desc = created.at("TableDescription").as_object();
  EXPECT_EQ(desc.at("BillingModeSummary").at("BillingMode").as_string(), "PAY_PER_REQUEST");
  EXPECT_EQ(desc.at("StreamSpecification").at("StreamViewType").as_string(), "NEW_AND_OLD_IMAGES");
  EXPECT_EQ(desc.at("LatestStreamLabel").as_string(), "2024-01-01T00:00:00.000");
  EXPECT_EQ(desc.at("LatestStreamArn").as_string(),
            "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2024-01-01T00:00:00.000");
  EXPECT_EQ(desc.at("SSEDescription").at("Status").as_string(), "ENABLED");
  const auto& gsi = desc.at("GlobalSecondaryIndexes").as_array()[0].as_object();
  EXPECT_EQ(gsi.at("IndexArn").as_string(), "arn:aws:dynamodb:us-east-1:000000000000:table/Orders/index/by-status");
  EXPECT_EQ(Json(gsi.at("Projection")), R"({"ProjectionType":"INCLUDE","NonKeyAttributes":["total"]})");
  const auto& lsi = desc.at("LocalSecondaryIndexes").as_array()[0].as_object();
  EXPECT_FALSE(lsi.contains("IndexStatus"));
  boost::json::object described = Ok("DescribeTable", R"({"TableName":"Orders"})");
  EXPECT_EQ(described.at("Table").at("GlobalSecondaryIndexes").as_array()[0].at("IndexStatus").as_string(), "ACTIVE");
}

TEST_F(TablesOpsTest, ListTablesPages) {
  for (const char* name : {"ccc", "aaa", "bbb"}) CreateSimpleTable(name);
  boost::json::object page = Ok("ListTables", R"({"Limit":2})");
  EXPECT_EQ(Json(page.at("TableNames")), R"(["aaa","bbb"])");
  EXPECT_EQ(page.at("LastEvaluatedTableName").as_string(), "bbb");
  page = Ok("ListTables", R"({"ExclusiveStartTableName":"bbb"})");
  EXPECT_EQ(Json(page.at("TableNames")), R"(["ccc"])");
  EXPECT_FALSE(page.contains("LastEvaluatedTableName"));
  EXPECT_EQ(Fails("ListTables", R"({"Limit":0})", "ValidationException"),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have "
            "value greater than or equal to 1");
}

TEST_F(TablesOpsTest, UpdateTableBillingAndStream) {
  CreateSimpleTable("things");
  EXPECT_EQ(Fails("UpdateTable", R"({"TableName":"things"})", "ValidationException"),
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
            "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  boost::json::object updated = Ok("UpdateTable", R"({"TableName":"things","BillingMode":"PROVISIONED",
      "ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":4}})");
  EXPECT_EQ(updated.at("TableDescription").at("ProvisionedThroughput").at("ReadCapacityUnits").as_int64(), 3);
  Ok("UpdateTable", R"({"TableName":"things","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})");
  Fails("UpdateTable", R"({"TableName":"things","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})",
        "ValidationException");
  Ok("UpdateTable", R"({"TableName":"things","StreamSpecification":{"StreamEnabled":false}})");
  boost::json::object table = Ok("DescribeTable", R"({"TableName":"things"})").at("Table").as_object();
  EXPECT_FALSE(table.contains("StreamSpecification"));
  EXPECT_TRUE(table.contains("LatestStreamArn"));
  EXPECT_EQ(table.at("BillingModeSummary").at("BillingMode").as_string(), "PROVISIONED");
}

TEST_F(TablesOpsTest, TagsAndTimeToLive) {
  CreateSimpleTable("tagged");
  const std::string arn = "arn:aws:dynamodb:us-east-1:000000000000:table/tagged";
  Ok("TagResource", R"({"ResourceArn":")" + arn + R"(","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]})");
  Ok("UntagResource", R"({"ResourceArn":")" + arn + R"(","TagKeys":["a"]})");
  EXPECT_EQ(Json(Ok("ListTagsOfResource", R"({"ResourceArn":")" + arn + R"("})").at("Tags")),
            R"([{"Key":"b","Value":"2"}])");
  Fails("ListTagsOfResource", R"({"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/nope"})",
        "ResourceNotFoundException");

  EXPECT_EQ(Json(Ok("DescribeTimeToLive", R"({"TableName":"tagged"})")),
            R"({"TimeToLiveDescription":{"TimeToLiveStatus":"DISABLED"}})");
  EXPECT_EQ(Json(Ok("UpdateTimeToLive", R"({"TableName":"tagged","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})")),
            R"({"TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})");
  EXPECT_EQ(Fails("UpdateTimeToLive", R"({"TableName":"tagged","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})",
                  "ValidationException"),
            "TimeToLive is already enabled");
  EXPECT_EQ(Json(Ok("DescribeTimeToLive", R"({"TableName":"tagged"})")),
            R"({"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"exp"}})");
}

TEST_F(TablesOpsTest, EndpointsLimitsAndUnknownOperations) {
  EXPECT_EQ(Json(Ok("DescribeEndpoints", "{}")),
            R"({"Endpoints":[{"Address":"localhost:4566","CachePeriodInMinutes":1440}]})");
  EXPECT_EQ(Ok("DescribeLimits", "{}").at("TableMaxReadCapacityUnits").as_int64(), 40000);
  Fails("CreateBackup", R"({"TableName":"t","BackupName":"b"})", "UnknownOperationException");
  Fails("GetItem", "{not json", "SerializationException");
}

TEST_F(TablesOpsTest, MetadataAndCountsSurviveRestart) {
  CreateSimpleTable("kept", true);
  Ok("PutItem", R"({"TableName":"kept","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"xyz"}}})");
  Ok("UpdateTimeToLive", R"({"TableName":"kept","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}})");
  Reopen();
  boost::json::object table = Ok("DescribeTable", R"({"TableName":"kept"})").at("Table").as_object();
  EXPECT_EQ(table.at("ItemCount").as_int64(), 1);
  EXPECT_EQ(table.at("TableSizeBytes").as_int64(), 11);  // pk+a: 3, sk+1: 2+2, v+xyz: 4
  EXPECT_EQ(Ok("DescribeTimeToLive", R"({"TableName":"kept"})").at("TimeToLiveDescription").at("TimeToLiveStatus").as_string(),
            "ENABLED");
  EXPECT_EQ(Ok("GetItem", R"({"TableName":"kept","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}})").at("Item").at("v").at("S").as_string(),
            "xyz");
  CreateSimpleTable("second");  // ids are not reused after a restart
  Ok("PutItem", R"({"TableName":"second","Item":{"pk":{"S":"a"}}})");
  EXPECT_EQ(Ok("DescribeTable", R"({"TableName":"kept"})").at("Table").at("ItemCount").as_int64(), 1);
}

}  // namespace
}  // namespace kumo::tables::testing

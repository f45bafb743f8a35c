// LogsService through its handler: groups, streams, retention, tags, and
// the protocol (dispatch, content type, validation and error shapes).
#include "logs/logs_service.h"

#include <gtest/gtest.h>

#include "logs/test_util.h"

namespace kumo::logs {
namespace {

using testing::kNow;

class LogsServiceTest : public testing::ServiceFixture {};

std::vector<std::string> Names(const boost::json::object& body, std::string_view list,
                               std::string_view field) {
  std::vector<std::string> out;
  for (const auto& item : body.at(list).as_array()) {
    out.emplace_back(item.as_object().at(field).as_string());
  }
  return out;
}

TEST_F(LogsServiceTest, DescriptorRoutesLogsTargets) {
  EXPECT_EQ(service_.name, "logs");
  EXPECT_EQ(service_.protocol, edge::Protocol::kJson);
  EXPECT_EQ(service_.target_prefixes, std::vector<std::string>{"Logs_20140328"});
  EXPECT_EQ(service_.signing_names, std::vector<std::string>{"logs"});
}

TEST_F(LogsServiceTest, UnknownOperationsAndBadJsonAreRefused) {
  testing::CallResult unknown = Call("StartLiveTail", "{}");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.type(), "UnknownOperationException");
  testing::CallResult bad = Call("DescribeLogGroups", "{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.type(), "SerializationException");
  testing::CallResult wrong_type = Call("CreateLogGroup", R"({"logGroupName": 5})");
  EXPECT_EQ(wrong_type.type(), "SerializationException");
}

TEST_F(LogsServiceTest, CreateAndDescribeLogGroupsAsAwsShapesThem) {
  testing::CallResult created =
      Call("CreateLogGroup", R"({"logGroupName":"/app/a","tags":{"env":"dev"}})");
  EXPECT_EQ(created.status, 200);
  EXPECT_EQ(created.content_type, "application/x-amz-json-1.1");
  EXPECT_TRUE(created.body.empty());

  boost::json::object out = Ok("DescribeLogGroups", "{}");
  ASSERT_EQ(out.at("logGroups").as_array().size(), 1u);
  const auto& group = out.at("logGroups").as_array()[0].as_object();
  EXPECT_EQ(group.at("logGroupName").as_string(), "/app/a");
  EXPECT_EQ(group.at("arn").as_string(), "arn:aws:logs:us-east-1:000000000000:log-group:/app/a:*");
  EXPECT_EQ(group.at("logGroupArn").as_string(),
            "arn:aws:logs:us-east-1:000000000000:log-group:/app/a");
  EXPECT_EQ(group.at("creationTime").as_int64(), kNow);
  EXPECT_EQ(group.at("storedBytes").as_int64(), 0);
  EXPECT_EQ(group.at("metricFilterCount").as_int64(), 0);
  EXPECT_EQ(group.at("logGroupClass").as_string(), "STANDARD");
  EXPECT_FALSE(group.contains("retentionInDays")) << "AWS omits it for never-expire groups";
  EXPECT_FALSE(out.contains("nextToken"));

  testing::CallResult again = Call("CreateLogGroup", R"({"logGroupName":"/app/a"})");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.type(), "ResourceAlreadyExistsException");
  EXPECT_EQ(again.message(), "The specified log group already exists");

  // Regions are separate.
  EXPECT_TRUE(Ok("DescribeLogGroups", "{}", "eu-west-1").at("logGroups").as_array().empty());
}

TEST_F(LogsServiceTest, LogGroupNamesAreValidatedWithAwsMessages) {
  testing::CallResult bad = Call("CreateLogGroup", R"({"logGroupName":"a b"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.type(), "InvalidParameterException");
  EXPECT_EQ(bad.message(),
            "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
  testing::CallResult missing = Call("CreateLogGroup", "{}");
  EXPECT_EQ(missing.message(),
            "1 validation error detected: Value null at 'logGroupName' failed to satisfy "
            "constraint: Member must not be null");
  testing::CallResult two = Call("CreateLogGroup", "{\"logGroupName\":\"" + std::string(513, 'a') +
                                                       "\",\"logGroupClass\":\"CHEAP\"}");
  EXPECT_EQ(two.message().rfind("2 validation errors detected: ", 0), 0u) << two.message();
  EXPECT_NE(two.message().find("Member must have length less than or equal to 512"),
            std::string::npos);
  EXPECT_NE(two.message().find(
                "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]"),
            std::string::npos);
}

TEST_F(LogsServiceTest, DescribeLogGroupsPagesAndFilters) {
  for (std::string name : {"/aws/lambda/b", "/aws/lambda/a", "/aws/lambda/c", "/other/DataLogs"}) {
    Ok("CreateLogGroup", "{\"logGroupName\":\"" + name + "\"}");
  }
  boost::json::object page =
      Ok("DescribeLogGroups", R"({"logGroupNamePrefix":"/aws/lambda/","limit":2})");
  EXPECT_EQ(Names(page, "logGroups", "logGroupName"),
            (std::vector<std::string>{"/aws/lambda/a", "/aws/lambda/b"}));
  ASSERT_TRUE(page.contains("nextToken"));
  boost::json::object next = Ok(
      "DescribeLogGroups", "{\"logGroupNamePrefix\":\"/aws/lambda/\",\"limit\":2,\"nextToken\":" +
                               boost::json::serialize(page.at("nextToken")) + "}");
  EXPECT_EQ(Names(next, "logGroups", "logGroupName"), (std::vector<std::string>{"/aws/lambda/c"}));
  EXPECT_FALSE(next.contains("nextToken"));

  boost::json::object pattern = Ok("DescribeLogGroups", R"({"logGroupNamePattern":"Data"})");
  EXPECT_EQ(Names(pattern, "logGroups", "logGroupName"),
            (std::vector<std::string>{"/other/DataLogs"}));
  EXPECT_FALSE(pattern.at("logGroups").as_array()[0].as_object().contains("storedBytes"))
      << "with a pattern AWS returns only arn, creationTime and logGroupName";

  boost::json::object by_id = Ok(
      "DescribeLogGroups",
      R"({"logGroupIdentifiers":["/aws/lambda/c","arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a"]})");
  EXPECT_EQ(Names(by_id, "logGroups", "logGroupName"),
            (std::vector<std::string>{"/aws/lambda/a", "/aws/lambda/c"}));

  testing::CallResult limit = Call("DescribeLogGroups", R"({"limit":51})");
  EXPECT_EQ(limit.message(),
            "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 50");
  EXPECT_EQ(
      Call("DescribeLogGroups", R"({"logGroupNamePrefix":"a","logGroupNamePattern":"b"})").type(),
      "InvalidParameterException");
  EXPECT_EQ(Call("DescribeLogGroups", R"({"nextToken":"!!!"})").message(),
            "The specified nextToken is invalid.");
}

TEST_F(LogsServiceTest, DeleteLogGroupAnswersNotFoundAsAws) {
  testing::CallResult missing = Call("DeleteLogGroup", R"({"logGroupName":"nope"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.type(), "ResourceNotFoundException");
  EXPECT_EQ(missing.message(), "The specified log group does not exist.");
  Ok("CreateLogGroup", R"({"logGroupName":"g"})");
  Ok("DeleteLogGroup", R"({"logGroupName":"g"})");
  EXPECT_TRUE(Ok("DescribeLogGroups", "{}").at("logGroups").as_array().empty());
}

TEST_F(LogsServiceTest, LogStreamsCreateDescribeOrderAndDelete) {
  Ok("CreateLogGroup", R"({"logGroupName":"g"})");
  EXPECT_EQ(Call("CreateLogStream", R"({"logGroupName":"missing","logStreamName":"s"})").message(),
            "The specified log group does not exist.");
  EXPECT_EQ(Call("CreateLogStream", R"({"logGroupName":"g","logStreamName":"a:b"})").type(),
            "InvalidParameterException");
  for (std::string name : {"b", "a", "c"}) {
    Ok("CreateLogStream", "{\"logGroupName\":\"g\",\"logStreamName\":\"" + name + "\"}");
  }
  EXPECT_EQ(Call("CreateLogStream", R"({"logGroupName":"g","logStreamName":"a"})").type(),
            "ResourceAlreadyExistsException");
  // Last event times: b newest, c oldest, a none (0).
  ASSERT_TRUE(Append(Group("g"), "b", {{kNow - 10, "x"}}).ok());
  ASSERT_TRUE(Append(Group("g"), "c", {{kNow - 20, "y"}}).ok());

  boost::json::object by_name = Ok("DescribeLogStreams", R"({"logGroupName":"g"})");
  EXPECT_EQ(Names(by_name, "logStreams", "logStreamName"),
            (std::vector<std::string>{"a", "b", "c"}));
  const auto& b = by_name.at("logStreams").as_array()[1].as_object();
  EXPECT_EQ(b.at("arn").as_string(),
            "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:b");
  EXPECT_EQ(b.at("firstEventTimestamp").as_int64(), kNow - 10);
  EXPECT_EQ(b.at("lastEventTimestamp").as_int64(), kNow - 10);
  EXPECT_EQ(b.at("lastIngestionTime").as_int64(), kNow);
  EXPECT_EQ(b.at("storedBytes").as_int64(), 0) << "deprecated for streams: AWS reports 0";
  EXPECT_FALSE(by_name.at("logStreams").as_array()[0].as_object().contains("lastEventTimestamp"));

  boost::json::object newest =
      Ok("DescribeLogStreams",
         R"({"logGroupIdentifier":"g","orderBy":"LastEventTime","descending":true,"limit":2})");
  EXPECT_EQ(Names(newest, "logStreams", "logStreamName"), (std::vector<std::string>{"b", "c"}));
  ASSERT_TRUE(newest.contains("nextToken"));
  boost::json::object rest = Ok("DescribeLogStreams",
                                "{\"logGroupName\":\"g\",\"orderBy\":\"LastEventTime\","
                                "\"descending\":true,\"limit\":2,\"nextToken\":" +
                                    boost::json::serialize(newest.at("nextToken")) + "}");
  EXPECT_EQ(Names(rest, "logStreams", "logStreamName"), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(rest.contains("nextToken"));

  boost::json::object prefixed =
      Ok("DescribeLogStreams", R"({"logGroupName":"g","logStreamNamePrefix":"b"})");
  EXPECT_EQ(Names(prefixed, "logStreams", "logStreamName"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(Call("DescribeLogStreams",
                 R"({"logGroupName":"g","orderBy":"LastEventTime","logStreamNamePrefix":"b"})")
                .message(),
            "Cannot order by LastEventTime with a logStreamNamePrefix.");
  EXPECT_EQ(Call("DescribeLogStreams", "{}").type(), "InvalidParameterException");
  EXPECT_EQ(Call("DescribeLogStreams", R"({"logGroupName":"g","logGroupIdentifier":"g"})").type(),
            "InvalidParameterException");

  Ok("DeleteLogStream", R"({"logGroupName":"g","logStreamName":"b"})");
  EXPECT_EQ(Call("DeleteLogStream", R"({"logGroupName":"g","logStreamName":"b"})").message(),
            "The specified log stream does not exist.");
  EXPECT_EQ(
      Names(Ok("DescribeLogStreams", R"({"logGroupName":"g"})"), "logStreams", "logStreamName"),
      (std::vector<std::string>{"a", "c"}));
}

TEST_F(LogsServiceTest, RetentionPoliciesTakeOnlyAwsValues) {
  Ok("CreateLogGroup", R"({"logGroupName":"g"})");
  testing::CallResult bad =
      Call("PutRetentionPolicy", R"({"logGroupName":"g","retentionInDays":2})");
  EXPECT_EQ(bad.type(), "InvalidParameterException");
  EXPECT_EQ(bad.message(),
            "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy "
            "constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, "
            "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  EXPECT_EQ(Call("PutRetentionPolicy", R"({"logGroupName":"x","retentionInDays":7})").type(),
            "ResourceNotFoundException");
  Ok("PutRetentionPolicy", R"({"logGroupName":"g","retentionInDays":7})");
  auto group = Ok("DescribeLogGroups", "{}").at("logGroups").as_array()[0].as_object();
  EXPECT_EQ(group.at("retentionInDays").as_int64(), 7);
  Ok("DeleteRetentionPolicy", R"({"logGroupName":"g"})");
  group = Ok("DescribeLogGroups", "{}").at("logGroups").as_array()[0].as_object();
  EXPECT_FALSE(group.contains("retentionInDays"));
}

TEST_F(LogsServiceTest, TagsByArnAndByLogGroupName) {
  Ok("CreateLogGroup", R"({"logGroupName":"g","tags":{"a":"1"}})");
  const std::string arn = "arn:aws:logs:us-east-1:000000000000:log-group:g";
  Ok("TagResource", "{\"resourceArn\":\"" + arn + "\",\"tags\":{\"b\":\"2\"}}");
  Ok("TagLogGroup", R"({"logGroupName":"g","tags":{"c":"3"}})");
  boost::json::object tags = Ok("ListTagsForResource", "{\"resourceArn\":\"" + arn + "\"}");
  EXPECT_EQ(boost::json::serialize(tags), R"({"tags":{"a":"1","b":"2","c":"3"}})");
  // The model's ARN pattern has no '*': LogGroup.arn (with ":*") is refused, as on AWS.
  EXPECT_EQ(Call("ListTagsForResource", "{\"resourceArn\":\"" + arn + ":*\"}").type(),
            "InvalidParameterException");
  Ok("UntagResource", "{\"resourceArn\":\"" + arn + "\",\"tagKeys\":[\"a\"]}");
  Ok("UntagLogGroup", R"({"logGroupName":"g","tags":["c"]})");
  EXPECT_EQ(boost::json::serialize(Ok("ListTagsLogGroup", R"({"logGroupName":"g"})")),
            R"({"tags":{"b":"2"}})");

  EXPECT_EQ(Call("ListTagsForResource",
                 R"({"resourceArn":"arn:aws:logs:us-east-1:000000000000:log-group:nope"})")
                .type(),
            "ResourceNotFoundException");
  EXPECT_EQ(
      Call("TagResource",
           R"({"resourceArn":"arn:aws:lambda:us-east-1:000000000000:function:f","tags":{"a":"1"}})")
          .type(),
      "InvalidParameterException");
  EXPECT_EQ(Call("TagResource", "{\"resourceArn\":\"" + arn + "\",\"tags\":{}}").type(),
            "InvalidParameterException");
  std::string many = "{";
  for (int i = 0; i < 50; ++i)
    many += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
  testing::CallResult too_many =
      Call("TagResource", "{\"resourceArn\":\"" + arn + "\",\"tags\":" + many + "}}");
  EXPECT_EQ(too_many.type(), "TooManyTagsException");
}

}  // namespace
}  // namespace kumo::logs

// PutLogEvents, GetLogEvents and FilterLogEvents through the handler: batch
// limits, rejected events, tokens as AWS hands them out, filter patterns.
#include <gtest/gtest.h>

#include "logs/logs_service.h"
#include "logs/test_util.h"

namespace kumo::logs {
namespace {

using testing::kNow;

constexpr int64_t kDay = 86400000;

std::string Event(int64_t timestamp, const std::string& message) {
  return "{\"timestamp\":" + std::to_string(timestamp) +
         ",\"message\":" + boost::json::serialize(boost::json::value(message)) + "}";
}

std::string Put(const std::vector<std::string>& events, const std::string& stream = "s") {
  std::string list;
  for (const std::string& event : events) list += (list.empty() ? "" : ",") + event;
  return "{\"logGroupName\":\"g\",\"logStreamName\":\"" + stream + "\",\"logEvents\":[" + list +
         "]}";
}

std::vector<std::string> Messages(const boost::json::object& body) {
  std::vector<std::string> out;
  for (const auto& event : body.at("events").as_array()) {
    out.emplace_back(event.as_object().at("message").as_string());
  }
  return out;
}

std::string Str(const boost::json::object& body, std::string_view key) {
  return std::string(body.at(key).as_string());
}

class LogsEventsTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    Ok("CreateLogGroup", R"({"logGroupName":"g"})");
    Ok("CreateLogStream", R"({"logGroupName":"g","logStreamName":"s"})");
  }
};

TEST_F(LogsEventsTest, PutThenGetReturnsEventsWithIngestionTime) {
  boost::json::object put =
      Ok("PutLogEvents", Put({Event(kNow - 2, "one"), Event(kNow - 1, "two")}));
  EXPECT_FALSE(put.contains("rejectedLogEventsInfo"));
  boost::json::object got =
      Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","startFromHead":true})");
  ASSERT_EQ(got.at("events").as_array().size(), 2u);
  const auto& first = got.at("events").as_array()[0].as_object();
  EXPECT_EQ(first.at("timestamp").as_int64(), kNow - 2);
  EXPECT_EQ(first.at("message").as_string(), "one");
  EXPECT_EQ(first.at("ingestionTime").as_int64(), kNow);
  EXPECT_EQ(Str(got, "nextForwardToken").substr(0, 2), "f/");
  EXPECT_EQ(Str(got, "nextBackwardToken").substr(0, 2), "b/");
}

TEST_F(LogsEventsTest, PutNeedsExistingGroupAndStream) {
  EXPECT_EQ(Call("PutLogEvents", Put({Event(kNow, "x")}, "nope")).message(),
            "The specified log stream does not exist.");
  testing::CallResult group = Call(
      "PutLogEvents",
      R"({"logGroupName":"none","logStreamName":"s","logEvents":[{"timestamp":1,"message":"x"}]})");
  EXPECT_EQ(group.type(), "ResourceNotFoundException");
  EXPECT_EQ(group.message(), "The specified log group does not exist.");
}

TEST_F(LogsEventsTest, PutValidatesBatchesAsAws) {
  testing::CallResult order = Call("PutLogEvents", Put({Event(kNow, "b"), Event(kNow - 1, "a")}));
  EXPECT_EQ(order.type(), "InvalidParameterException");
  EXPECT_EQ(order.message(),
            "Log events in a single PutLogEvents request must be in chronological order.");

  // 1,048,576 bytes counting 26 per event: exactly the limit passes, one more byte fails.
  std::string fits(1048576 - 26, 'x');
  EXPECT_EQ(Call("PutLogEvents", Put({Event(kNow, fits)})).status, 200);
  testing::CallResult big = Call("PutLogEvents", Put({Event(kNow, fits + "x")}));
  EXPECT_EQ(big.type(), "InvalidParameterException");
  EXPECT_EQ(big.message(), "Upload too large: 1048577 bytes exceeds limit of 1048576");

  std::vector<std::string> many(10001, Event(kNow, "m"));
  EXPECT_EQ(Call("PutLogEvents", Put(many)).message(),
            "1 validation error detected: Value '[...]' at 'logEvents' failed to satisfy "
            "constraint: Member must have length less than or equal to 10000");
  EXPECT_EQ(Call("PutLogEvents", Put({})).type(), "InvalidParameterException");
  testing::CallResult empty = Call("PutLogEvents", Put({Event(kNow, "")}));
  EXPECT_EQ(empty.message(),
            "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to "
            "satisfy constraint: Member must have length greater than or equal to 1");
  testing::CallResult span =
      Call("PutLogEvents", Put({Event(kNow - kDay - 1, "a"), Event(kNow, "b")}));
  EXPECT_EQ(span.type(), "InvalidParameterException");
}

TEST_F(LogsEventsTest, TooOldExpiredAndTooNewEventsAreRejectedAndTheRestStored) {
  Ok("PutRetentionPolicy", R"({"logGroupName":"g","retentionInDays":1})");
  boost::json::object put = Ok(
      "PutLogEvents", Put({Event(kNow - 15 * kDay, "too old"), Event(kNow - 2 * kDay, "expired 1"),
                           Event(kNow - 2 * kDay + 1, "expired 2"), Event(kNow - 1000, "kept"),
                           Event(kNow + 3 * 3600 * 1000, "too new")}));
  ASSERT_TRUE(put.contains("rejectedLogEventsInfo")) << boost::json::serialize(put);
  EXPECT_EQ(
      boost::json::serialize(put.at("rejectedLogEventsInfo")),
      R"({"tooOldLogEventEndIndex":1,"expiredLogEventEndIndex":3,"tooNewLogEventStartIndex":4})");
  EXPECT_EQ(Messages(Ok("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s"})")),
            (std::vector<std::string>{"kept"}));
}

TEST_F(LogsEventsTest, GetLogEventsTokensWalkBothWaysAndRepeatAtTheEnd) {
  std::vector<std::string> events;
  for (int i = 0; i < 5; ++i) events.push_back(Event(kNow - 10 + i, "e" + std::to_string(i)));
  Ok("PutLogEvents", Put(events));
  auto get = [&](const std::string& extra) {
    return Ok("GetLogEvents",
              "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"limit\":2" + extra + "}");
  };
  boost::json::object tail = get("");  // newest first by default
  EXPECT_EQ(Messages(tail), (std::vector<std::string>{"e3", "e4"}));
  boost::json::object back = get(",\"nextToken\":\"" + Str(tail, "nextBackwardToken") + "\"");
  EXPECT_EQ(Messages(back), (std::vector<std::string>{"e1", "e2"}));
  back = get(",\"nextToken\":\"" + Str(back, "nextBackwardToken") + "\"");
  EXPECT_EQ(Messages(back), (std::vector<std::string>{"e0"}));
  std::string start = Str(back, "nextBackwardToken");
  boost::json::object end = get(",\"nextToken\":\"" + start + "\"");
  EXPECT_TRUE(Messages(end).empty());
  EXPECT_EQ(Str(end, "nextBackwardToken"), start) << "at the end the same token comes back";

  boost::json::object forward = get(",\"nextToken\":\"" + Str(back, "nextForwardToken") + "\"");
  EXPECT_EQ(Messages(forward), (std::vector<std::string>{"e1", "e2"}));
  std::string at_end = Str(tail, "nextForwardToken");
  boost::json::object none = get(",\"nextToken\":\"" + at_end + "\"");
  EXPECT_TRUE(Messages(none).empty());
  EXPECT_EQ(Str(none, "nextForwardToken"), at_end);
  // New events show up behind a forward token: how a follower polls.
  Ok("PutLogEvents", Put({Event(kNow, "e5")}));
  EXPECT_EQ(Messages(get(",\"nextToken\":\"" + at_end + "\"")), (std::vector<std::string>{"e5"}));

  boost::json::object range =
      Ok("GetLogEvents",
         "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"startFromHead\":true,\"startTime\":" +
             std::to_string(kNow - 9) + ",\"endTime\":" + std::to_string(kNow - 7) + "}");
  EXPECT_EQ(Messages(range), (std::vector<std::string>{"e1", "e2"}));

  EXPECT_EQ(Call("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","nextToken":"x/1"})")
                .message(),
            "The specified nextToken is invalid.");
  EXPECT_EQ(
      Call("GetLogEvents", R"({"logGroupName":"g","logStreamName":"s","limit":10001})").type(),
      "InvalidParameterException");
  EXPECT_EQ(Call("GetLogEvents", R"({"logGroupName":"g","logStreamName":"nope"})").message(),
            "The specified log stream does not exist.");
  boost::json::object by_arn = Ok(
      "GetLogEvents",
      R"({"logGroupIdentifier":"arn:aws:logs:us-east-1:000000000000:log-group:g","logStreamName":"s","limit":1})");
  EXPECT_EQ(Messages(by_arn), (std::vector<std::string>{"e5"}));
}

TEST_F(LogsEventsTest, FilterLogEventsMatchesPatternsAcrossStreamsWithPages) {
  Ok("CreateLogStream", R"({"logGroupName":"g","logStreamName":"t"})");
  Ok("PutLogEvents", Put({Event(kNow - 5, "ERROR disk"), Event(kNow - 3, "INFO ok"),
                          Event(kNow - 1, "ERROR net")}));
  Ok("PutLogEvents",
     Put({Event(kNow - 4, R"({"level":"ERROR","ms":900})"), Event(kNow - 2, "WARN slow")}, "t"));

  boost::json::object all = Ok("FilterLogEvents", R"({"logGroupName":"g"})");
  EXPECT_EQ(Messages(all), (std::vector<std::string>{"ERROR disk", R"({"level":"ERROR","ms":900})",
                                                     "INFO ok", "WARN slow", "ERROR net"}));
  const auto& first = all.at("events").as_array()[0].as_object();
  EXPECT_EQ(first.at("logStreamName").as_string(), "s");
  EXPECT_EQ(first.at("eventId").as_string().size(), 56u);
  EXPECT_TRUE(all.at("searchedLogStreams").as_array().empty());
  EXPECT_FALSE(all.contains("nextToken"));

  EXPECT_EQ(
      Messages(Ok("FilterLogEvents", R"({"logGroupName":"g","filterPattern":"?WARN ?INFO"})")),
      (std::vector<std::string>{"INFO ok", "WARN slow"}));
  EXPECT_EQ(
      Messages(Ok("FilterLogEvents", R"({"logGroupName":"g","filterPattern":"ERROR -disk"})")),
      (std::vector<std::string>{R"({"level":"ERROR","ms":900})", "ERROR net"}));
  EXPECT_EQ(
      Messages(Ok("FilterLogEvents", R"({"logGroupName":"g","filterPattern":"{ $.ms > 500 }"})")),
      (std::vector<std::string>{R"({"level":"ERROR","ms":900})"}));
  EXPECT_EQ(Messages(Ok("FilterLogEvents", R"({"logGroupName":"g","logStreamNames":["t"]})")),
            (std::vector<std::string>{R"({"level":"ERROR","ms":900})", "WARN slow"}));
  EXPECT_EQ(Messages(Ok("FilterLogEvents",
                        "{\"logGroupName\":\"g\",\"startTime\":" + std::to_string(kNow - 3) +
                            ",\"endTime\":" + std::to_string(kNow - 2) + "}")),
            (std::vector<std::string>{"INFO ok", "WARN slow"}));

  boost::json::object page =
      Ok("FilterLogEvents", R"({"logGroupName":"g","filterPattern":"ERROR","limit":2})");
  EXPECT_EQ(Messages(page),
            (std::vector<std::string>{"ERROR disk", R"({"level":"ERROR","ms":900})"}));
  ASSERT_TRUE(page.contains("nextToken"));
  boost::json::object rest = Ok("FilterLogEvents",
                                "{\"logGroupName\":\"g\",\"filterPattern\":\"ERROR\",\"limit\":2,"
                                "\"nextToken\":\"" +
                                    Str(page, "nextToken") + "\"}");
  EXPECT_EQ(Messages(rest), (std::vector<std::string>{"ERROR net"}));
  EXPECT_FALSE(rest.contains("nextToken"));

  testing::CallResult unsupported =
      Call("FilterLogEvents", R"({"logGroupName":"g","filterPattern":"[ip, user]"})");
  EXPECT_EQ(unsupported.type(), "InvalidParameterException");
  EXPECT_NE(unsupported.message().find("does not support"), std::string::npos);
  EXPECT_EQ(Call("FilterLogEvents",
                 R"({"logGroupName":"g","logStreamNames":["s"],"logStreamNamePrefix":"s"})")
                .type(),
            "InvalidParameterException");
  EXPECT_EQ(Call("FilterLogEvents", R"({"logGroupName":"nope"})").message(),
            "The specified log group does not exist.");
  EXPECT_EQ(Call("FilterLogEvents", R"({"logGroupName":"g","nextToken":"bm90IGEgcG9zaXRpb24="})")
                .message(),
            "The specified nextToken is invalid.");
}

TEST_F(LogsEventsTest, LambdaStyleAppendIsReadableThroughTheApi) {
  ASSERT_TRUE(Append(Group("/aws/lambda/fn"), "2024/01/01/[$LATEST]abc",
                     {{kNow, "START RequestId: 1"}, {kNow + 1, "hello"}})
                  .ok());
  boost::json::object groups = Ok("DescribeLogGroups", R"({"logGroupNamePrefix":"/aws/lambda/"})");
  ASSERT_EQ(groups.at("logGroups").as_array().size(), 1u);
  boost::json::object got = Ok(
      "GetLogEvents",
      R"({"logGroupName":"/aws/lambda/fn","logStreamName":"2024/01/01/[$LATEST]abc","startFromHead":true})");
  EXPECT_EQ(Messages(got), (std::vector<std::string>{"START RequestId: 1", "hello"}));
}

}  // namespace
}  // namespace kumo::logs

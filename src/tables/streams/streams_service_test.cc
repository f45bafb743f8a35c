// StreamsService through its handler: each operation's shapes, pagination,
// iterator types and lifetimes, and AWS's error codes and messages.
#include "tables/streams/streams_service.h"

#include <gtest/gtest.h>

#include "tables/streams/stream_keys.h"
#include "tables/streams/test_util.h"

namespace kumo::tables::streams {
namespace {

using boost::json::object;
using testing::I;
using testing::kDayMillis;
using testing::kNow;
using testing::Target;

class StreamsServiceTest : public testing::ServiceFixture {
 protected:
  std::string ShardId(const StreamTarget& t) {
    object out = Ok("DescribeStream", {{"StreamArn", t.stream_arn}});
    return std::string(
        out.at("StreamDescription").at("Shards").as_array()[0].at("ShardId").as_string());
  }
  std::string Iterator(const StreamTarget& t, const std::string& type,
                       const std::string& sequence = "") {
    object request{
        {"StreamArn", t.stream_arn}, {"ShardId", ShardId(t)}, {"ShardIteratorType", type}};
    if (!sequence.empty()) request["SequenceNumber"] = sequence;
    return std::string(Ok("GetShardIterator", request).at("ShardIterator").as_string());
  }
  std::vector<std::string> Sequences(const object& get_records) {
    std::vector<std::string> out;
    for (const auto& r : get_records.at("Records").as_array()) {
      out.emplace_back(r.at("dynamodb").at("SequenceNumber").as_string());
    }
    return out;
  }
};

TEST_F(StreamsServiceTest, DescriptorRoutesDynamoDbStreamsTargets) {
  EXPECT_EQ(service_.name, "dynamodbstreams");
  EXPECT_EQ(service_.protocol, edge::Protocol::kJson);
  EXPECT_EQ(service_.target_prefixes, std::vector<std::string>{"DynamoDBStreams_20120810"});
  EXPECT_EQ(service_.signing_names, std::vector<std::string>{"dynamodb"});
}

TEST_F(StreamsServiceTest, UnknownOperationsBadJsonAndWrongTypesAreRefused) {
  EXPECT_EQ(Call("PutRecord", {}).type(), "UnknownOperationException");
  auto sink = std::make_shared<testing::RecordingSink>();
  edge::Call call;
  call.operation = "ListStreams";
  call.request.body = "{nope";
  service_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kJson, "rid"));
  EXPECT_EQ(sink->Wait().status, 400);
  testing::CallResult wrong = Call("ListStreams", {{"Limit", "ten"}});
  EXPECT_EQ(wrong.type(), "SerializationException");
}

TEST_F(StreamsServiceTest, ListStreamsFiltersAndPaginates) {
  for (const char* table : {"Alpha", "Beta", "Gamma"}) streams_->StreamEnabled(Target(table), kNow);
  testing::CallResult all = Call("ListStreams", {});
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(last_content_type_, "application/x-amz-json-1.0");
  ASSERT_EQ(all.body.at("Streams").as_array().size(), 3u);
  const object& first = all.body.at("Streams").as_array()[0].as_object();
  EXPECT_EQ(first.at("TableName").as_string(), "Alpha");
  EXPECT_EQ(first.at("StreamArn").as_string(), Target("Alpha").stream_arn);
  EXPECT_EQ(first.at("StreamLabel").as_string(), "2024-01-01T00:00:00.000");
  EXPECT_FALSE(all.body.contains("LastEvaluatedStreamArn"));

  object page1 = Ok("ListStreams", {{"Limit", 2}});
  ASSERT_EQ(page1.at("Streams").as_array().size(), 2u);
  ASSERT_TRUE(page1.contains("LastEvaluatedStreamArn"));
  EXPECT_EQ(page1.at("LastEvaluatedStreamArn").as_string(), Target("Beta").stream_arn);
  object page2 =
      Ok("ListStreams", {{"Limit", 2}, {"ExclusiveStartStreamArn", Target("Beta").stream_arn}});
  ASSERT_EQ(page2.at("Streams").as_array().size(), 1u);
  EXPECT_EQ(page2.at("Streams").as_array()[0].at("TableName").as_string(), "Gamma");
  EXPECT_FALSE(page2.contains("LastEvaluatedStreamArn"));

  object beta = Ok("ListStreams", {{"TableName", "Beta"}});
  ASSERT_EQ(beta.at("Streams").as_array().size(), 1u);
  EXPECT_TRUE(Ok("ListStreams", {}, "eu-west-1").at("Streams").as_array().empty());

  testing::CallResult bad = Call("ListStreams", {{"Limit", 101}});
  EXPECT_EQ(bad.type(), "ValidationException");
  EXPECT_EQ(bad.message(),
            "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 100");
}

TEST_F(StreamsServiceTest, DescribeStreamShowsTheShardAndClosesItWhenDisabled) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  object out = Ok("DescribeStream", {{"StreamArn", t.stream_arn}});
  const object& d = out.at("StreamDescription").as_object();
  EXPECT_EQ(d.at("StreamArn").as_string(), t.stream_arn);
  EXPECT_EQ(d.at("StreamLabel").as_string(), "2024-01-01T00:00:00.000");
  EXPECT_EQ(d.at("StreamStatus").as_string(), "ENABLED");
  EXPECT_EQ(d.at("StreamViewType").as_string(), "NEW_AND_OLD_IMAGES");
  EXPECT_EQ(d.at("TableName").as_string(), "Music");
  EXPECT_DOUBLE_EQ(d.at("CreationRequestDateTime").to_number<double>(), kNow / 1000.0);
  EXPECT_EQ(
      boost::json::serialize(d.at("KeySchema")),
      R"([{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}])");
  ASSERT_EQ(d.at("Shards").as_array().size(), 1u);
  const object& shard = d.at("Shards").as_array()[0].as_object();
  EXPECT_FALSE(shard.contains("ParentShardId"));
  EXPECT_TRUE(shard.at("SequenceNumberRange").as_object().contains("StartingSequenceNumber"));
  EXPECT_FALSE(shard.at("SequenceNumberRange").as_object().contains("EndingSequenceNumber"));

  Item a = I(R"({"pk":{"S":"a"},"sk":{"N":"1"}})");
  uint64_t last = Put(t, a);
  streams_->StreamDisabled(t.stream_arn);
  object closed_out = Ok("DescribeStream", {{"StreamArn", t.stream_arn}});
  const object& closed = closed_out.at("StreamDescription").as_object();
  EXPECT_EQ(closed.at("StreamStatus").as_string(), "DISABLED");
  EXPECT_EQ(closed.at("Shards")
                .as_array()[0]
                .at("SequenceNumberRange")
                .at("EndingSequenceNumber")
                .as_string(),
            FormatSequence(last));

  std::string shard_id(shard.at("ShardId").as_string());
  EXPECT_TRUE(
      Ok("DescribeStream", {{"StreamArn", t.stream_arn}, {"ExclusiveStartShardId", shard_id}})
          .at("StreamDescription")
          .at("Shards")
          .as_array()
          .empty());
  EXPECT_TRUE(
      Ok("DescribeStream", {{"StreamArn", t.stream_arn},
                            {"ShardFilter", {{"Type", "CHILD_SHARDS"}, {"ShardId", shard_id}}}})
          .at("StreamDescription")
          .at("Shards")
          .as_array()
          .empty())
      << "the one shard has no children";

  testing::CallResult missing = Call("DescribeStream", {{"StreamArn", t.stream_arn + "0"}});
  EXPECT_EQ(missing.type(), "ResourceNotFoundException");
  testing::CallResult none = Call("DescribeStream", {});
  EXPECT_EQ(none.message(),
            "1 validation error detected: Value null at 'streamArn' failed to satisfy constraint: "
            "Member must not be null");
}

TEST_F(StreamsServiceTest, GetRecordsFollowsTheShardPageByPage) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = I(R"({"pk":{"S":"a"},"sk":{"N":"1"},"v":{"N":"1"}})");
  Item b = I(R"({"pk":{"S":"a"},"sk":{"N":"1"},"v":{"N":"2"}})");
  Write(t, ChangeKind::kInsert, nullptr, &a);
  Write(t, ChangeKind::kModify, &a, &b);
  Write(t, ChangeKind::kRemove, &b, nullptr);

  std::string iterator = Iterator(t, "TRIM_HORIZON");
  object first = Ok("GetRecords", {{"ShardIterator", iterator}, {"Limit", 2}});
  ASSERT_EQ(first.at("Records").as_array().size(), 2u);
  const object& insert = first.at("Records").as_array()[0].as_object();
  EXPECT_EQ(insert.at("eventName").as_string(), "INSERT");
  EXPECT_EQ(insert.at("dynamodb").at("NewImage").at("v").at("N").as_string(), "1");
  EXPECT_EQ(first.at("Records").as_array()[1].at("eventName").as_string(), "MODIFY");
  object second = Ok("GetRecords", {{"ShardIterator", first.at("NextShardIterator")}});
  ASSERT_EQ(second.at("Records").as_array().size(), 1u);
  EXPECT_EQ(second.at("Records").as_array()[0].at("eventName").as_string(), "REMOVE");
  object empty = Ok("GetRecords", {{"ShardIterator", second.at("NextShardIterator")}});
  EXPECT_TRUE(empty.at("Records").as_array().empty());
  ASSERT_TRUE(empty.contains("NextShardIterator")) << "an open shard always continues";

  // A new record appears behind the caught-up iterator.
  Item c = I(R"({"pk":{"S":"c"},"sk":{"N":"3"}})");
  Put(t, c);
  object later = Ok("GetRecords", {{"ShardIterator", empty.at("NextShardIterator")}});
  ASSERT_EQ(later.at("Records").as_array().size(), 1u);
  EXPECT_EQ(
      later.at("Records").as_array()[0].at("dynamodb").at("Keys").at("pk").at("S").as_string(),
      "c");

  // Disabling closes the shard: once drained, no NextShardIterator.
  streams_->StreamDisabled(t.stream_arn);
  object closed = Ok("GetRecords", {{"ShardIterator", later.at("NextShardIterator")}});
  EXPECT_TRUE(closed.at("Records").as_array().empty());
  EXPECT_FALSE(closed.contains("NextShardIterator"));
}

TEST_F(StreamsServiceTest, IteratorTypesStartWhereAwsSays) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = I(R"({"pk":{"S":"a"},"sk":{"N":"1"}})");
  std::vector<std::string> seqs;
  for (int i = 0; i < 3; ++i) seqs.push_back(FormatSequence(Put(t, a)));

  auto read = [&](const std::string& type, const std::string& seq = "") {
    return Sequences(Ok("GetRecords", {{"ShardIterator", Iterator(t, type, seq)}}));
  };
  EXPECT_EQ(read("TRIM_HORIZON"), seqs);
  EXPECT_TRUE(read("LATEST").empty());
  EXPECT_EQ(read("AT_SEQUENCE_NUMBER", seqs[1]), (std::vector<std::string>{seqs[1], seqs[2]}));
  EXPECT_EQ(read("AFTER_SEQUENCE_NUMBER", seqs[1]), (std::vector<std::string>{seqs[2]}));

  std::string shard = ShardId(t);
  testing::CallResult no_seq =
      Call("GetShardIterator", {{"StreamArn", t.stream_arn},
                                {"ShardId", shard},
                                {"ShardIteratorType", "AT_SEQUENCE_NUMBER"}});
  EXPECT_EQ(no_seq.type(), "ValidationException");
  testing::CallResult bad_type =
      Call("GetShardIterator",
           {{"StreamArn", t.stream_arn}, {"ShardId", shard}, {"ShardIteratorType", "OLDEST"}});
  EXPECT_EQ(bad_type.message(),
            "1 validation error detected: Value 'OLDEST' at 'shardIteratorType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, "
            "AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]");
  testing::CallResult other_shard =
      Call("GetShardIterator", {{"StreamArn", t.stream_arn},
                                {"ShardId", "shardId-00000001700000000000-00000000"},
                                {"ShardIteratorType", "LATEST"}});
  EXPECT_EQ(other_shard.type(), "ResourceNotFoundException");
  testing::CallResult not_ours =
      Call("GetShardIterator", {{"StreamArn", t.stream_arn},
                                {"ShardId", shard},
                                {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                                {"SequenceNumber", "900000000000000000001"}});
  EXPECT_EQ(not_ours.type(), "ValidationException");
}

TEST_F(StreamsServiceTest, IteratorsExpireAfterFifteenMinutes) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  std::string iterator = Iterator(t, "TRIM_HORIZON");
  clock_.AdvanceMillis(15 * 60 * 1000);
  object fresh = Ok("GetRecords", {{"ShardIterator", iterator}});
  clock_.AdvanceMillis(1);
  testing::CallResult expired = Call("GetRecords", {{"ShardIterator", iterator}});
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(expired.type(), "ExpiredIteratorException");
  EXPECT_EQ(Call("GetRecords", {{"ShardIterator", fresh.at("NextShardIterator")}}).status, 200)
      << "each NextShardIterator gets a fresh lifetime";
  EXPECT_EQ(Call("GetRecords", {{"ShardIterator", "garbage"}}).type(), "ValidationException");
  EXPECT_EQ(Call("GetRecords", {{"ShardIterator", iterator}, {"Limit", 1001}}).type(),
            "ValidationException");
}

TEST_F(StreamsServiceTest, ReadingBeforeTheTrimHorizonIsTrimmedDataAccess) {
  StreamTarget t = Target();
  streams_->StreamEnabled(t, kNow);
  Item a = I(R"({"pk":{"S":"a"},"sk":{"N":"1"}})");
  std::string old_seq = FormatSequence(Put(t, a));
  clock_.AdvanceMillis(kDayMillis + 1);
  std::string at_old = Iterator(t, "AT_SEQUENCE_NUMBER", old_seq);
  testing::CallResult trimmed = Call("GetRecords", {{"ShardIterator", at_old}});
  EXPECT_EQ(trimmed.type(), "TrimmedDataAccessException");
  EXPECT_TRUE(
      Sequences(Ok("GetRecords", {{"ShardIterator", Iterator(t, "TRIM_HORIZON")}})).empty());

  ASSERT_TRUE(streams_->Sweep().ok());
  testing::CallResult refused =
      Call("GetShardIterator", {{"StreamArn", t.stream_arn},
                                {"ShardId", ShardId(t)},
                                {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                                {"SequenceNumber", old_seq}});
  EXPECT_EQ(refused.type(), "TrimmedDataAccessException");
}

}  // namespace
}  // namespace kumo::tables::streams

// The record JSON per view type and event kind, sequence-number text, shard
// ids and shard iterator tokens.
#include "tables/streams/stream_record.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <regex>

#include "common/encoding.h"
#include "tables/streams/stream_keys.h"
#include "tables/streams/streams_input.h"
#include "tables/streams/test_util.h"

namespace kumo::tables::streams {
namespace {

using testing::I;
using testing::kNow;

boost::json::object Render(const std::string& view, const ItemChange& change, uint64_t seq = 7) {
  StreamTarget target = testing::Target("Music", view);
  RecordContext context{target.stream_arn, target.region, target.view_type, target.key_schema};
  std::string json = RenderRecord(context, change, seq, kNow + 999);
  return boost::json::parse(json).as_object();
}

const Item kOld = I(R"({"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"old"}})");
const Item kNew = I(R"({"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"new"},"n":{"L":[{"N":"2"}]}})");

TEST(StreamRecordTest, InsertCarriesEveryFieldAwsSends) {
  boost::json::object r = Render("NEW_AND_OLD_IMAGES", {ChangeKind::kInsert, nullptr, &kNew});
  EXPECT_EQ(r.at("eventName").as_string(), "INSERT");
  EXPECT_EQ(r.at("eventVersion").as_string(), "1.1");
  EXPECT_EQ(r.at("eventSource").as_string(), "aws:dynamodb");
  EXPECT_EQ(r.at("awsRegion").as_string(), "us-east-1");
  EXPECT_TRUE(
      std::regex_match(std::string(r.at("eventID").as_string()), std::regex("[0-9a-f]{32}")));
  EXPECT_FALSE(r.contains("userIdentity"));
  const auto& d = r.at("dynamodb").as_object();
  EXPECT_EQ(d.at("ApproximateCreationDateTime").as_int64(), kNow / 1000) << "whole seconds";
  EXPECT_EQ(boost::json::serialize(d.at("Keys")), R"({"pk":{"S":"a"},"sk":{"N":"1"}})");
  EXPECT_EQ(boost::json::serialize(d.at("NewImage")),
            R"({"n":{"L":[{"N":"2"}]},"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"new"}})");
  EXPECT_FALSE(d.contains("OldImage")) << "an insert has no old image";
  EXPECT_EQ(d.at("SequenceNumber").as_string(), "100000000000000000007");
  EXPECT_EQ(d.at("StreamViewType").as_string(), "NEW_AND_OLD_IMAGES");
  EXPECT_EQ(
      d.at("SizeBytes").as_int64(),
      static_cast<int64_t>(ItemSize(I(R"({"pk":{"S":"a"},"sk":{"N":"1"}})")) + ItemSize(kNew)));
}

TEST(StreamRecordTest, ImagesFollowTheViewType) {
  ItemChange modify{ChangeKind::kModify, &kOld, &kNew};
  ItemChange remove{ChangeKind::kRemove, &kOld, nullptr};
  auto images = [](const boost::json::object& r) {
    const auto& d = r.at("dynamodb").as_object();
    return std::string(d.contains("NewImage") ? "N" : "") + (d.contains("OldImage") ? "O" : "");
  };
  EXPECT_EQ(images(Render("KEYS_ONLY", modify)), "");
  EXPECT_EQ(images(Render("NEW_IMAGE", modify)), "N");
  EXPECT_EQ(images(Render("OLD_IMAGE", modify)), "O");
  EXPECT_EQ(images(Render("NEW_AND_OLD_IMAGES", modify)), "NO");
  EXPECT_EQ(images(Render("NEW_IMAGE", remove)), "");
  EXPECT_EQ(images(Render("NEW_AND_OLD_IMAGES", remove)), "O");
  boost::json::object removed = Render("KEYS_ONLY", remove);
  EXPECT_EQ(removed.at("eventName").as_string(), "REMOVE");
  EXPECT_EQ(boost::json::serialize(removed.at("dynamodb").at("Keys")),
            R"({"pk":{"S":"a"},"sk":{"N":"1"}})")
      << "a removal's keys come from the old image";
  EXPECT_EQ(Render("OLD_IMAGE", modify).at("dynamodb").at("OldImage").at("v").at("S").as_string(),
            "old");
}

TEST(StreamRecordTest, TtlRemovalsNameTheDynamoDbService) {
  boost::json::object r = Render("KEYS_ONLY", {ChangeKind::kRemove, &kOld, nullptr, true});
  EXPECT_EQ(boost::json::serialize(r.at("userIdentity")),
            R"({"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"})");
}

TEST(StreamRecordTest, EventIdsDifferPerRecord) {
  ItemChange insert{ChangeKind::kInsert, nullptr, &kNew};
  EXPECT_NE(Render("KEYS_ONLY", insert, 1).at("eventID"),
            Render("KEYS_ONLY", insert, 2).at("eventID"));
}

TEST(StreamRecordTest, StoredRecordsRoundTripAndRejectTruncation) {
  std::string value = EncodeStoredRecord(kNow, "{}");
  Result<StoredRecordView> view = DecodeStoredRecord(value);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->creation_millis, kNow);
  EXPECT_EQ(view->json, "{}");
  EXPECT_FALSE(DecodeStoredRecord("short").ok());
}

TEST(StreamKeysTest, SequenceNumbersAre21DigitsInNumericOrder) {
  EXPECT_EQ(FormatSequence(1), "100000000000000000001");
  EXPECT_EQ(FormatSequence(UINT64_MAX), "118446744073709551615");
  EXPECT_LT(FormatSequence(9), FormatSequence(10));
  EXPECT_LT(FormatSequence(99999), FormatSequence(100000));
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{123456789}, UINT64_MAX}) {
    EXPECT_EQ(ParseSequence(FormatSequence(v)), v);
  }
  EXPECT_FALSE(ParseSequence("200000000000000000001")) << "not one Kumo issued";
  EXPECT_FALSE(ParseSequence("10000000000000000001")) << "20 digits";
  EXPECT_FALSE(ParseSequence("1000000000000000000x1"));
  EXPECT_FALSE(ParseSequence("199999999999999999999")) << "above uint64";
}

TEST(StreamKeysTest, ShardIdsLookLikeAwsAndAreStable) {
  std::string arn = testing::Target().stream_arn;
  std::string id = MakeShardId(arn, 1700000000000);
  EXPECT_TRUE(std::regex_match(id, std::regex("shardId-00000001700000000000-[0-9a-f]{8}"))) << id;
  EXPECT_EQ(id, MakeShardId(arn, 1700000000000));
  EXPECT_NE(id, MakeShardId(arn + "x", 1700000000000));
  EXPECT_GE(id.size(), 28u);
  EXPECT_LE(id.size(), 65u);
}

TEST(StreamKeysTest, RecordKeysOrderByStreamThenSequence) {
  EXPECT_LT(RecordKey(1, 2), RecordKey(1, 256));
  EXPECT_LT(RecordKey(1, UINT64_MAX), RecordKey(2, 0));
  EXPECT_LT(RecordKey(1, UINT64_MAX), RecordEnd(1));
  EXPECT_EQ(SequenceOfRecordKey(RecordKey(3, 77)), 77u);
}

TEST(ShardIteratorTest, TokensRoundTripAndRejectTampering) {
  ShardIteratorToken token{testing::Target().stream_arn, "shardId-00000001700000000000-0a1b2c3d",
                           42, kNow};
  std::string text = EncodeShardIterator(token);
  Result<ShardIteratorToken> back = DecodeShardIterator(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->stream_arn, token.stream_arn);
  EXPECT_EQ(back->shard_id, token.shard_id);
  EXPECT_EQ(back->position, 42u);
  EXPECT_EQ(back->issued_millis, kNow);

  std::string decoded = *Base64Decode(text);
  decoded[decoded.size() - 1] ^= 1;  // another ARN, same checksum
  for (const std::string& bad :
       {Base64Encode(decoded), std::string("not base64!"), Base64Encode("short"), std::string()}) {
    Result<ShardIteratorToken> rejected = DecodeShardIterator(bad);
    ASSERT_FALSE(rejected.ok()) << bad;
    EXPECT_EQ(rejected.error().code, "ValidationException");
  }
}

}  // namespace
}  // namespace kumo::tables::streams

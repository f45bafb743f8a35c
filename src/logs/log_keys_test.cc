// Key encodings: byte order must equal (name, timestamp, sequence) order and
// no stream's range may contain another stream's keys.
#include "logs/log_keys.h"

#include <gtest/gtest.h>

namespace kumo::logs {
namespace {

TEST(LogKeysTest, EventKeysOrderByTimestampThenSequence) {
  std::string prefix = keys::EventPrefix("us-east-1", "g", "s");
  std::string a = prefix + keys::EventSuffix({5, 9});
  std::string b = prefix + keys::EventSuffix({6, 1});
  std::string c = prefix + keys::EventSuffix({6, 2});
  std::string d = prefix + keys::EventSuffix({256, 0});  // crosses a byte boundary
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_EQ(keys::ParseEventPosition(c, prefix.size()), (EventPosition{6, 2}));
  EXPECT_FALSE(keys::ParseEventPosition(prefix, prefix.size()).has_value());
}

TEST(LogKeysTest, StreamRangesDoNotOverlapEvenWhenNamesArePrefixes) {
  // "a" is a prefix of "a\0b" and "ab": their event ranges must stay apart.
  std::string a = keys::EventPrefix("r", "g", "a");
  std::string a_nul = keys::EventPrefix("r", "g", std::string("a\0b", 3));
  std::string ab = keys::EventPrefix("r", "g", "ab");
  for (const std::string& other : {a_nul, ab}) {
    std::string key = other + keys::EventSuffix({1, 1});
    EXPECT_FALSE(key >= a && key < keys::PrefixEnd(a)) << "a stream range holds another's event";
  }
  EXPECT_LT(a, a_nul);  // name order is kept: "a" < "a\0b" < "ab"
  EXPECT_LT(a_nul, ab);
  // A group's events hold its streams' events and no other group's.
  std::string group = keys::GroupEventPrefix("r", "g");
  EXPECT_TRUE(a.starts_with(group));
  EXPECT_FALSE(keys::EventPrefix("r", "g2", "a").starts_with(group));
}

TEST(LogKeysTest, GroupAndStreamKeysRoundTrip) {
  std::string nul("x\0y", 3);
  std::optional<keys::Names> group = keys::ParseGroupKey(keys::GroupKey("eu-west-1", nul));
  ASSERT_TRUE(group.has_value());
  EXPECT_EQ(group->region, "eu-west-1");
  EXPECT_EQ(group->group, nul);
  std::optional<keys::Names> stream =
      keys::ParseStreamKey(keys::StreamKey("r", "/aws/lambda/f", "2024/01/01/[$LATEST]ab"));
  ASSERT_TRUE(stream.has_value());
  EXPECT_EQ(stream->group, "/aws/lambda/f");
  EXPECT_EQ(stream->stream, "2024/01/01/[$LATEST]ab");
  EXPECT_FALSE(keys::ParseStreamKey(keys::GroupKey("r", "g")).has_value());
  EXPECT_FALSE(keys::ParseGroupKey("G\x01").has_value());
}

TEST(LogKeysTest, PrefixEndSkipsTrailingFfBytes) {
  EXPECT_EQ(keys::PrefixEnd("ab"), "ac");
  EXPECT_EQ(keys::PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(keys::PrefixEnd(std::string("\xff", 1)), "");
}

TEST(LogKeysTest, PositionsFormatAs56DigitsInOrder) {
  std::string low = FormatPosition({1704067200000, 7});
  std::string high = FormatPosition({1704067200001, 1});
  EXPECT_EQ(low.size(), 56u);
  EXPECT_LT(low, high);
  EXPECT_EQ(ParsePosition(low), (EventPosition{1704067200000, 7}));
  EXPECT_FALSE(ParsePosition("123").has_value());
  EXPECT_FALSE(ParsePosition(std::string(55, '0') + "x").has_value());
  EXPECT_FALSE(
      ParsePosition(std::string(36, '9') + std::string(20, '0')).has_value());  // > INT64_MAX
  EXPECT_FALSE(
      ParsePosition(std::string(36, '0') + std::string(20, '9')).has_value());  // > UINT64_MAX
}

}  // namespace
}  // namespace kumo::logs

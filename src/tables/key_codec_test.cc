#include "tables/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::ErrorOf;
using testing::I;
using testing::V;

std::mt19937_64& Rng() {
  static std::mt19937_64 rng(20240611);
  return rng;
}

Number RandomNumber() {
  auto& rng = Rng();
  // Mix tiny and huge magnitudes, many digits and few, and exact zeros.
  if (rng() % 50 == 0) return Number();
  int digit_count = 1 + static_cast<int>(rng() % Number::kMaxDigits);
  std::string digits;
  for (int i = 0; i < digit_count; ++i) digits.push_back(static_cast<char>('0' + rng() % 10));
  if (rng() % 3 == 0) digits = digits.substr(0, 1 + rng() % 3);  // short numbers collide more
  int exponent = static_cast<int>(rng() % 60) - 30;
  if (rng() % 10 == 0) exponent = static_cast<int>(rng() % 200) - 160;
  std::string text = (rng() % 2 ? "-" : "") + digits + "e" + std::to_string(exponent);
  Result<Number> n = Number::Parse(text);
  return n.ok() ? *n : Number::FromInt(static_cast<int64_t>(rng() % 1000) - 500);
}

std::string RandomBytes() {
  auto& rng = Rng();
  std::string s(rng() % 12, '\0');
  // Small alphabet including 0x00 and 0xFF so prefixes and escapes are exercised.
  static const char kAlphabet[] = {'\0', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'};
  for (char& c : s) c = kAlphabet[rng() % sizeof(kAlphabet)];
  return s;
}

int Sign(int v) { return (v > 0) - (v < 0); }

int CompareBytes(const std::string& a, const std::string& b) { return Sign(a.compare(b)); }

void ExpectOrderPreserved(const std::vector<AttributeValue>& values) {
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    const AttributeValue& a = values[i];
    const AttributeValue& b = values[i + 1];
    std::string ea = EncodeKeyValue(a);
    std::string eb = EncodeKeyValue(b);
    ASSERT_EQ(CompareBytes(ea, eb), Sign(CompareScalars(a, b)))
        << testing::Json(Item{{"a", a}, {"b", b}});
    // Appending more components never changes the order of unequal values.
    if (CompareScalars(a, b) != 0) {
      EXPECT_EQ(CompareBytes(ea + "\xff\xff", eb), Sign(CompareScalars(a, b)));
      EXPECT_EQ(CompareBytes(ea, eb + "\xff\xff"), Sign(CompareScalars(a, b)));
    }
    std::string buffer = ea + "rest";
    KeyReader reader(buffer);
    Result<AttributeValue> back = reader.Read(a.type());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, a);
    EXPECT_EQ(reader.remaining(), "rest");
  }
}

TEST(KeyCodecTest, NumberOrderIsValueOrder) {
  std::vector<AttributeValue> values;
  for (int i = 0; i < 3000; ++i) values.push_back(AttributeValue::N(RandomNumber()));
  for (const char* edge : {"0", "1", "-1", "1e-130", "-1e-130", "9.9999999999999999999999999999999999999e125",
                           "-9.9999999999999999999999999999999999999e125", "10", "1.01", "0.1"}) {
    values.push_back(AttributeValue::N(Number::Parse(edge).value()));
  }
  std::shuffle(values.begin(), values.end(), Rng());
  ExpectOrderPreserved(values);  // random pairs
  std::sort(values.begin(), values.end(),
            [](const AttributeValue& a, const AttributeValue& b) { return CompareScalars(a, b) < 0; });
  ExpectOrderPreserved(values);  // neighbours in value order, the hard cases
}

TEST(KeyCodecTest, StringAndBinaryOrderIsByteOrder) {
  for (AttrType type : {AttrType::kS, AttrType::kB}) {
    std::vector<AttributeValue> values;
    for (int i = 0; i < 3000; ++i) {
      std::string bytes = RandomBytes();
      values.push_back(type == AttrType::kS ? AttributeValue::S(bytes) : AttributeValue::B(bytes));
    }
    ExpectOrderPreserved(values);
    std::sort(values.begin(), values.end(),
              [](const AttributeValue& a, const AttributeValue& b) { return a.str() < b.str(); });
    ExpectOrderPreserved(values);
  }
}

TEST(KeyCodecTest, ItemKeysGroupPartitionsAndSortWithin) {
  KeySchema schema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};
  std::string prefix = PartitionPrefix(V(R"({"S":"user"})"));
  std::vector<std::string> keys;
  for (const char* sk : {"-5", "-0.5", "0", "2", "10", "1e20"}) {
    Item key{{"pk", V(R"({"S":"user"})")}, {"sk", AttributeValue::N(Number::Parse(sk).value())}};
    std::string encoded = ItemKeyFromKey(schema, key).value();
    EXPECT_EQ(encoded.substr(0, prefix.size()), prefix);
    EXPECT_LT(encoded, PrefixSuccessor(prefix));
    keys.push_back(encoded);
    Result<PrimaryKey> back = DecodeItemKey(schema, encoded);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->partition, key.at("pk"));
    EXPECT_EQ(*back->sort, key.at("sk"));
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  // Another partition never falls inside this one's prefix range.
  std::string other = EncodeItemKey(V(R"({"S":"user2"})"), nullptr);
  EXPECT_FALSE(other >= prefix && other < PrefixSuccessor(prefix));
  EXPECT_EQ(PartitionHash(V(R"({"S":"user"})")), PartitionHash(V(R"({"S":"user"})")));
}

TEST(KeyCodecTest, ValidatesKeysWithAwsMessages) {
  KeySchema schema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};
  EXPECT_EQ(ErrorOf(ItemKeyFromItem(schema, I(R"({"pk":{"S":"a"}})"))),
            "One or more parameter values were invalid: Missing the key sk in the item");
  EXPECT_EQ(ErrorOf(ItemKeyFromItem(schema, I(R"({"pk":{"S":"a"},"sk":{"S":"1"}})"))),
            "One or more parameter values were invalid: Type mismatch for key sk expected: N "
            "actual: S");
  EXPECT_EQ(ErrorOf(ItemKeyFromItem(schema, I(R"({"pk":{"S":""},"sk":{"N":"1"}})"))),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk");
  EXPECT_TRUE(ItemKeyFromItem(schema, I(R"({"pk":{"S":"a"},"sk":{"N":"1"},"x":{"S":""}})")).ok());
  const std::string mismatch = "The provided key element does not match the schema";
  EXPECT_EQ(ErrorOf(ItemKeyFromKey(schema, I(R"({"pk":{"S":"a"}})"))), mismatch);
  EXPECT_EQ(ErrorOf(ItemKeyFromKey(schema, I(R"({"pk":{"S":"a"},"sk":{"N":"1"},"x":{"N":"1"}})"))),
            mismatch);
  EXPECT_EQ(ErrorOf(ItemKeyFromKey(schema, I(R"({"pk":{"N":"1"},"sk":{"N":"1"}})"))), mismatch);

  KeyAttribute pk{"pk", AttrType::kS};
  EXPECT_TRUE(ValidateKeyValue(pk, AttributeValue::S(std::string(2048, 'x')), true).ok());
  EXPECT_EQ(ErrorOf(ValidateKeyValue(pk, AttributeValue::S(std::string(2049, 'x')), true)),
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum "
            "size limit of2048 bytes");
  EXPECT_TRUE(ValidateKeyValue(pk, AttributeValue::B(std::string(1024, 'x')), false).ok());
  EXPECT_EQ(ErrorOf(ValidateKeyValue(pk, AttributeValue::B(std::string(1025, 'x')), false)),
            "One or more parameter values were invalid: Aggregated size of all range keys has "
            "exceeded the size limit of 1024 bytes");
}

TEST(KeyCodecTest, ScanSegmentsTileTheHashSpace) {
  for (uint32_t total : {1u, 2u, 3u, 7u, 1000000u}) {
    std::string previous_end;
    for (uint32_t segment : {0u, total / 2, total - 1}) {
      KeyRange range = ScanSegmentRange(segment, total);
      EXPECT_EQ(range.begin.size(), 4u);
      EXPECT_EQ(range.end.empty(), segment == total - 1);
      if (!range.end.empty()) {
        EXPECT_LT(range.begin, range.end);
      }
    }
    for (uint32_t segment = 0; segment + 1 < std::min(total, 50u); ++segment) {
      EXPECT_EQ(ScanSegmentRange(segment, total).end, ScanSegmentRange(segment + 1, total).begin);
    }
    EXPECT_EQ(ScanSegmentRange(0, total).begin, std::string(4, '\0'));
  }
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff\xff")), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff")), "");
}

TEST(KeyCodecTest, RejectsMalformedKeys) {
  EXPECT_FALSE(KeyReader("abc").Read(AttrType::kS).ok());           // no terminator
  EXPECT_FALSE(KeyReader(std::string("a\0\x02", 3)).Read(AttrType::kS).ok());
  EXPECT_FALSE(KeyReader("\x07").Read(AttrType::kN).ok());          // bad sign
  EXPECT_FALSE(KeyReader(std::string("\x03\x82\x0b", 3)).Read(AttrType::kN).ok());  // no end
  EXPECT_FALSE(KeyReader(std::string("\x03\x82\xf0\x00", 4)).Read(AttrType::kN).ok());
}

}  // namespace
}  // namespace kumo::tables

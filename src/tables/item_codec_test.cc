#include "tables/item_codec.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::I;

const char* kEveryType =
    R"({"pk":{"S":"p"},"b":{"B":"AAEC/w=="},"bs":{"BS":["AQ==","Ag=="]},"t":{"BOOL":true},)"
    R"("f":{"BOOL":false},"l":{"L":[{"NULL":true},{"N":"-0.5"},{"L":[]}]},)"
    R"("m":{"M":{"q\"uote":{"S":"line\nbreak"},"empty":{"M":{}}}},"n":{"N":"-12.5"},)"
    R"("ns":{"NS":["-1","2"]},"s":{"S":""},"ss":{"SS":["x","y"]}})";

TEST(ItemCodecTest, RoundTripsEveryType) {
  Item item = I(kEveryType);
  std::string encoded = EncodeItem(item);
  Result<Item> decoded = DecodeItem(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, item);
}

TEST(ItemCodecTest, IsCompact) {
  Item item = I(R"({"id":{"S":"user-1"},"age":{"N":"42"},"ok":{"BOOL":true}})");
  // version + count + (1+2 "id" + 1 tag + 1+6) + (1+3 + 1 + 1+2) + (1+2 + 1)
  EXPECT_EQ(EncodeItem(item).size(), 2u + 11u + 8u + 4u);
}

TEST(ItemCodecTest, JsonFastPathMatchesTreeSerializer) {
  Item item = I(kEveryType);
  std::string fast;
  ASSERT_TRUE(AppendEncodedItemJson(EncodeItem(item), fast).ok());
  EXPECT_EQ(fast, testing::Json(item));
  EXPECT_EQ(boost::json::parse(fast), boost::json::parse(kEveryType));
}

TEST(ItemCodecTest, RejectsCorruptInputWithoutCrashing) {
  std::string encoded = EncodeItem(I(kEveryType));
  // Every truncation and every single-byte corruption must fail cleanly or
  // decode to some item; never read out of bounds (run under ASan).
  for (size_t len = 0; len < encoded.size(); ++len) {
    EXPECT_FALSE(DecodeItem(encoded.substr(0, len)).ok()) << len;
    std::string out;
    EXPECT_FALSE(AppendEncodedItemJson(encoded.substr(0, len), out).ok()) << len;
  }
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string bad = encoded;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    (void)DecodeItem(bad).ok();
    std::string out;
    IgnoreError(AppendEncodedItemJson(bad, out));  // only the absence of crashes is checked
  }
  EXPECT_EQ(DecodeItem(std::string("\x02\x00", 2)).error().code, "InternalFailure");
}

}  // namespace
}  // namespace kumo::tables

#include "common/json_text.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/json.h"

namespace kumo {
namespace {

// What AppendJsonString writes parses back to the same bytes, and matches
// Boost.JSON's own serializer, for every single byte and some mixtures.
TEST(JsonTextTest, StringsRoundTripAndMatchBoostJson) {
  std::vector<std::string> samples = {"", "plain", "quote \" and backslash \\", "tab\tnew\nline\r",
                                      "\b\f\x01\x1f\x7f", "utf-8 \xc3\xa9\xe2\x82\xac"};
  for (int c = 0; c < 128; ++c) samples.push_back(std::string(1, static_cast<char>(c)));
  for (const std::string& s : samples) {
    std::string out;
    AppendJsonString(s, out);
    EXPECT_EQ(boost::json::parse(out).as_string(), s) << out;
    EXPECT_EQ(out, boost::json::serialize(boost::json::string_view(s))) << s;
  }
}

// Long strings are scanned 8 bytes at a time: every byte at every place of a
// word, and bytes from 0x80 up (copied as they are) next to it.
TEST(JsonTextTest, EveryByteAtEveryPlaceOfALongString) {
  for (int c = 0; c < 256; ++c) {
    for (size_t at = 0; at < 20; ++at) {
      std::string s(20, c < 128 ? 'a' : '\xe9');
      s[at] = static_cast<char>(c);
      std::string out;
      AppendJsonString(s, out);
      if (c < 128) EXPECT_EQ(out, boost::json::serialize(boost::json::string_view(s))) << c << " " << at;
      else EXPECT_EQ(out, "\"" + s + "\"") << c << " " << at;
    }
  }
}

TEST(JsonTextTest, AppendsToWhatIsThere) {
  std::string out = "{\"a\":";
  AppendJsonString("x", out);
  EXPECT_EQ(out, "{\"a\":\"x\"");
}

// JsonText: a value as text ($context variables, mapping values).
TEST(JsonTextTest, JsonTextWritesNumbersAsPeopleDo) {
  EXPECT_EQ(JsonText(boost::json::parse(R"("a b")")), "a b");
  EXPECT_EQ(JsonText(boost::json::parse("7")), "7");
  EXPECT_EQ(JsonText(boost::json::parse("1.5")), "1.5");
  EXPECT_EQ(JsonText(boost::json::parse("-0.25")), "-0.25");
  EXPECT_EQ(JsonText(boost::json::parse("true")), "true");
  EXPECT_EQ(JsonText(boost::json::parse(R"({"a":[1,"x"]})")), R"({"a":[1,"x"]})");
}

}  // namespace
}  // namespace kumo

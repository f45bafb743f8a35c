#include "common/utf8.h"

#include <gtest/gtest.h>

namespace kumo {
namespace {

TEST(Utf8Test, ValidTextIsKept) {
  for (std::string_view text : {"", "plain", "caf\xC3\xA9", "\xE4\xB8\x96\xE7\x95\x8C",
                                "\xF0\x9F\x98\x80", "\x7F"}) {
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    EXPECT_EQ(ToValidUtf8(text), text);
  }
}

TEST(Utf8Test, EachInvalidByteBecomesOneReplacementCharacter) {
  const std::string kBad = "\xEF\xBF\xBD";
  struct Case {
    std::string_view in;
    std::string out;
  };
  for (const Case& c : {Case{"\xFF", kBad}, Case{"a\xFF\xFE" "b", "a" + kBad + kBad + "b"},
                        Case{"\xC0\xAF", kBad + kBad},              // overlong '/'
                        Case{"\xED\xA0\x80", kBad + kBad + kBad},  // a surrogate
                        Case{"\xF4\x90\x80\x80", kBad + kBad + kBad + kBad},  // > U+10FFFF
                        Case{"\xE4\xB8", kBad + kBad},              // cut short
                        Case{"\x80x", kBad + "x"}}) {
    EXPECT_FALSE(IsValidUtf8(c.in));
    EXPECT_EQ(ToValidUtf8(c.in), c.out);
    EXPECT_TRUE(IsValidUtf8(ToValidUtf8(c.in)));
  }
}

}  // namespace
}  // namespace kumo

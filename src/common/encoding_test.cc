#include "common/encoding.h"

#include <gtest/gtest.h>

#include <vector>

namespace kumo {
namespace {

TEST(EncodingTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(EncodingTest, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(EncodingTest, Base64RoundTripsAndRejectsGarbage) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                std::string("\0\xff", 2)}) {
    auto decoded = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(decoded.has_value()) << s;
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(Base64Decode("Zm9").has_value());
  EXPECT_FALSE(Base64Decode("Zm9v!A==").has_value());
  EXPECT_FALSE(Base64Decode("Z=9v").has_value());
}

TEST(EncodingTest, UuidHasVersion4Shape) {
  std::string a = NewUuid(), b = NewUuid();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
}

TEST(EncodingTest, FastRandomHexHasTheLengthAskedAndVaries) {
  for (size_t n : {0u, 1u, 8u, 11u, 12u, 16u}) {
    std::string hex = FastRandomHex(n);
    EXPECT_EQ(hex.size(), 2 * n);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  }
  EXPECT_NE(FastRandomHex(12), FastRandomHex(12));
}

TEST(EncodingTest, AsciiLowerChangesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Content-Type: X_Y@[Z]"), "content-type: x_y@[z]");
  EXPECT_EQ(AsciiLower("\xC3\x84\xC3\xA4"), "\xC3\x84\xC3\xA4");  // UTF-8 stays as it is
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('['), '[');
}

TEST(EncodingTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace kumo

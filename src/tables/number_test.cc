#include "tables/number.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tables/test_util.h"

namespace kumo::tables {
namespace {

std::string Canon(std::string_view text) {
  return testing::ValueOf(Number::Parse(text), text).ToString();
}

std::string ParseError(std::string_view text) {
  Result<Number> n = Number::Parse(text);
  EXPECT_FALSE(n.ok()) << text;
  if (n.ok()) return "";
  EXPECT_EQ(n.error().http_status, 400);
  EXPECT_EQ(n.error().code, "ValidationException");
  return n.error().message;
}

Number N(std::string_view text) { return Number::Parse(text).value(); }

TEST(NumberTest, NormalisesToAwsOutputForm) {
  EXPECT_EQ(Canon("1.50"), "1.5");
  EXPECT_EQ(Canon("1E+2"), "100");
  EXPECT_EQ(Canon("-0.000"), "0");
  EXPECT_EQ(Canon("0.1e-5"), "0.000001");
  EXPECT_EQ(Canon("+3"), "3");
  EXPECT_EQ(Canon(".123"), "0.123");
  EXPECT_EQ(Canon("0001.23"), "1.23");
  EXPECT_EQ(Canon("1e+5"), "100000");
  EXPECT_EQ(Canon("0e1000"), "0");
  EXPECT_EQ(Canon("-17.4E37"), "-174000000000000000000000000000000000000");
  EXPECT_EQ(Canon("5."), "5");
  EXPECT_EQ(Canon("-7.1234"), "-7.1234");
  EXPECT_EQ(Canon("123.456e1"), "1234.56");
  EXPECT_EQ(Canon("1e-130"), "0." + std::string(129, '0') + "1");
  EXPECT_EQ(Canon("1e125"), "1" + std::string(125, '0'));
}

TEST(NumberTest, RejectsWhatDynamoDbRejects) {
  for (const char* bad : {"NaN", "Infinity", "-Infinity", "dog", " 1", "1 ", "1e", "e5", ".", "+",
                          "1.2.3", "0x10", "--1", "1e+"}) {
    EXPECT_EQ(ParseError(bad), std::string("The parameter cannot be converted to a numeric value: ") + bad);
  }
  EXPECT_EQ(ParseError(""), "The parameter cannot be converted to a numeric value");
}

TEST(NumberTest, EnforcesMagnitudeRange) {
  const std::string overflow =
      "Number overflow. Attempting to store a number with magnitude larger than supported range";
  const std::string underflow =
      "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  EXPECT_EQ(ParseError("1e126"), overflow);
  EXPECT_EQ(ParseError("-11e125"), overflow);
  EXPECT_EQ(ParseError("1e99999999999999999999"), overflow);
  EXPECT_EQ(ParseError("1e-131"), underflow);
  EXPECT_EQ(ParseError("0.9e-130"), underflow);
  EXPECT_TRUE(Number::Parse("9.9999999999999999999999999999999999999E+125").ok());
  EXPECT_TRUE(Number::Parse("-1E-130").ok());
}

TEST(NumberTest, EnforcesThirtyEightDigits) {
  EXPECT_EQ(Canon("3.1415926535897932384626433832795028841"), "3.1415926535897932384626433832795028841");
  EXPECT_EQ(Canon("31415926535897932384626433832795028841e30"),
            "31415926535897932384626433832795028841" + std::string(30, '0'));
  EXPECT_EQ(ParseError("3.14159265358979323846264338327950288419"),
            "Attempting to store more than 38 significant digits in a Number");
  // Leading and trailing zeros are not significant.
  EXPECT_EQ(Canon("000000000012345678901234567890123456789012345678.00000000000"),
            "12345678901234567890123456789012345678");
}

TEST(NumberTest, ComparesByValue) {
  EXPECT_EQ(N("10").Compare(N("9")), 1);
  EXPECT_EQ(N("-10").Compare(N("-9")), -1);
  EXPECT_EQ(N("1.0").Compare(N("1")), 0);
  EXPECT_EQ(N("0").Compare(N("-0.0001")), 1);
  EXPECT_EQ(N("0.0001").Compare(N("0")), 1);
  EXPECT_EQ(N("1e-130").Compare(N("1e125")), -1);
  EXPECT_EQ(N("12345678901234567890123456789012345678").Compare(N("12345678901234567890123456789012345679")), -1);
  EXPECT_TRUE(N("100") == N("1e2"));
  EXPECT_FALSE(N("100") == N("-100"));
}

TEST(NumberTest, AddsAndSubtractsExactly) {
  EXPECT_EQ(Number::Add(N("0.1"), N("0.2")).value().ToString(), "0.3");
  EXPECT_EQ(Number::Add(N("1"), N("10000000000000000000000")).value().ToString(), "10000000000000000000001");
  EXPECT_EQ(Number::Subtract(N("10000000000000000000000"), N("1")).value().ToString(), "9999999999999999999999");
  EXPECT_EQ(Number::Add(N("-5"), N("3")).value().ToString(), "-2");
  EXPECT_EQ(Number::Add(N("5"), N("-5")).value().ToString(), "0");
  EXPECT_EQ(Number::Subtract(N("-1.5"), N("-1.25")).value().ToString(), "-0.25");
  EXPECT_EQ(Number::Add(N("99999999999999999999999999999999999999"), N("1")).value().ToString(),
            "1" + std::string(38, '0'));
}

TEST(NumberTest, ArithmeticOutOfRangeIsAnError) {
  // 1e50 + 1 needs 51 digits: DynamoDB calls this an overflow.
  Result<Number> imprecise = Number::Add(N("1e50"), N("1"));
  ASSERT_FALSE(imprecise.ok());
  EXPECT_NE(imprecise.error().message.find("Number overflow"), std::string::npos);
  Result<Number> big = Number::Add(N("9e125"), N("9e125"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("overflow"), std::string::npos);
  Result<Number> tiny = Number::Subtract(N("2e-130"), N("1.9e-130"));
  ASSERT_FALSE(tiny.ok());
  EXPECT_NE(tiny.error().message.find("underflow"), std::string::npos);
}

TEST(NumberTest, FromIntAndPartsRoundTrip) {
  EXPECT_EQ(Number::FromInt(0).ToString(), "0");
  EXPECT_EQ(Number::FromInt(-1200).ToString(), "-1200");
  EXPECT_EQ(Number::FromInt(INT64_MIN).ToString(), "-9223372036854775808");
  Number n = N("-123.45");
  EXPECT_EQ(n.Digits(), "12345");
  EXPECT_EQ(n.scientific_exponent(), 2);
  Number back = Number::FromParts(true, n.Digits(), n.scientific_exponent()).value();
  EXPECT_TRUE(back == n);
  EXPECT_FALSE(Number::FromParts(false, "012", 0).ok());
  EXPECT_FALSE(Number::FromParts(false, "120", 0).ok());
}

// Property: addition agrees with subtraction and with comparison on random values.
TEST(NumberTest, RandomArithmeticIsConsistent) {
  std::mt19937_64 rng(42);
  auto random_number = [&] {
    std::string digits = std::to_string(rng() % 1000000000000ULL);
    int exponent = static_cast<int>(rng() % 40) - 20;
    std::string text = ((rng() & 1) ? "-" : "") + digits + "e" + std::to_string(exponent);
    return N(text);
  };
  for (int i = 0; i < 2000; ++i) {
    Number a = random_number();
    Number b = random_number();
    Result<Number> sum = Number::Add(a, b);
    if (!sum.ok()) continue;  // needed more than 38 digits
    Number back = Number::Subtract(*sum, b).value();
    EXPECT_TRUE(back == a) << a.ToString() << " + " << b.ToString();
    if (!b.is_zero()) {
      EXPECT_EQ(sum->Compare(a), b.is_negative() ? -1 : 1);
    }
    EXPECT_EQ(N(a.ToString()).Compare(a), 0);
  }
}

}  // namespace
}  // namespace kumo::tables

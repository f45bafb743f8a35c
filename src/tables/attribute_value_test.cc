#include "tables/attribute_value.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::ErrorOf;
using testing::I;
using testing::Json;
using testing::V;

Result<AttributeValue> Parse(std::string_view json) {
  return AttributeValueFromJson(testing::ParseJson(json));
}

TEST(AttributeValueTest, ParsesEveryType) {
  EXPECT_EQ(V(R"({"S":"hi"})").str(), "hi");
  EXPECT_EQ(V(R"({"N":"1.50"})").num().ToString(), "1.5");
  EXPECT_EQ(V(R"({"B":"AQID"})").str(), std::string("\x01\x02\x03"));
  EXPECT_TRUE(V(R"({"BOOL":true})").boolean());
  EXPECT_EQ(V(R"({"NULL":true})").type(), AttrType::kNull);
  EXPECT_EQ(V(R"({"M":{"a":{"S":"x"}}})").map().at("a").str(), "x");
  EXPECT_EQ(V(R"({"L":[{"N":"1"},{"S":"x"}]})").list().size(), 2u);
  EXPECT_EQ(V(R"({"SS":["b","a"]})").strings(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(V(R"({"NS":["10","9"]})").numbers()[0].ToString(), "9");
  EXPECT_EQ(V(R"({"BS":["AQ=="]})").strings()[0], "\x01");
  // Empty strings, binaries, lists and maps are values like any other.
  EXPECT_EQ(V(R"({"S":""})").str(), "");
  EXPECT_TRUE(V(R"({"L":[]})").list().empty());
  EXPECT_TRUE(V(R"({"M":{}})").map().empty());
}

TEST(AttributeValueTest, RejectsMalformedValuesWithAwsMessages) {
  EXPECT_EQ(ErrorOf(Parse(R"({})")),
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(Parse(R"({"X":"y"})")),
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(ErrorOf(Parse(R"({"S":"a","N":"1"})")),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            "the supported datatypes");
  EXPECT_EQ(ErrorOf(Parse(R"({"SS":[]})")),
            "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(ErrorOf(Parse(R"({"NS":[]})")),
            "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(ErrorOf(Parse(R"({"BS":[]})")),
            "One or more parameter values were invalid: Binary sets should not be empty");
  EXPECT_EQ(ErrorOf(Parse(R"({"SS":["a","b","a"]})")),
            "One or more parameter values were invalid: Input collection [a, b, a] contains "
            "duplicates.");
  EXPECT_EQ(ErrorOf(Parse(R"({"NS":["1","1.0"]})")), "Input collection contains duplicates");
  EXPECT_EQ(ErrorOf(Parse(R"({"NULL":false})")),
            "One or more parameter values were invalid: Null attribute value types must have the "
            "value of true");
  EXPECT_EQ(ErrorOf(Parse(R"({"N":"abc"})")),
            "The parameter cannot be converted to a numeric value: abc");
  EXPECT_EQ(ErrorOf(Parse(R"({"M":{"a":{"SS":[]}}})")),
            "One or more parameter values were invalid: An string set  may not be empty");
}

TEST(AttributeValueTest, WrongJsonShapesAreSerializationErrors) {
  for (const char* json : {R"({"N":123})", R"({"S":true})", R"({"B":"!!!!"})", R"({"L":{}})",
                           R"({"BOOL":"true"})", R"("x")"}) {
    Result<AttributeValue> v = Parse(json);
    ASSERT_FALSE(v.ok()) << json;
    EXPECT_EQ(v.error().code, "SerializationException") << json;
  }
}

TEST(AttributeValueTest, LimitsNestingDepth) {
  std::string deep = R"({"S":"x"})";
  for (int i = 0; i < kMaxNestingDepth; ++i) deep = R"({"L":[)" + deep + "]}";
  EXPECT_TRUE(Parse(deep).ok());
  deep = R"({"L":[)" + deep + "]}";
  EXPECT_EQ(ErrorOf(Parse(deep)), "Nesting Levels have exceeded supported limits");
}

TEST(AttributeValueTest, EqualityIsDynamoDbEquality) {
  EXPECT_EQ(V(R"({"SS":["a","b"]})"), V(R"({"SS":["b","a"]})"));
  EXPECT_EQ(V(R"({"N":"1"})"), V(R"({"N":"1.000"})"));
  EXPECT_FALSE(V(R"({"S":"1"})") == V(R"({"N":"1"})"));
  EXPECT_FALSE(V(R"({"S":"a"})") == V(R"({"B":"YQ=="})"));
  EXPECT_EQ(V(R"({"M":{"a":{"L":[{"N":"2"}]}}})"), V(R"({"M":{"a":{"L":[{"N":"2.0"}]}}})"));
  EXPECT_FALSE(V(R"({"L":[{"N":"1"},{"N":"2"}]})") == V(R"({"L":[{"N":"2"},{"N":"1"}]})"));
}

TEST(AttributeValueTest, SetAlgebra) {
  AttributeValue u = SetUnion(V(R"({"SS":["a","c"]})"), V(R"({"SS":["b","c"]})"));
  EXPECT_EQ(u, V(R"({"SS":["a","b","c"]})"));
  AttributeValue d = SetDifference(V(R"({"NS":["1","2","3"]})"), V(R"({"NS":["2.0","7"]})"));
  EXPECT_EQ(d, V(R"({"NS":["1","3"]})"));
  EXPECT_TRUE(SetContains(V(R"({"NS":["1","2"]})"), V(R"({"N":"2.00"})")));
  EXPECT_FALSE(SetContains(V(R"({"SS":["1"]})"), V(R"({"N":"1"})")));
}

TEST(AttributeValueTest, JsonRoundTrip) {
  const std::string json =
      R"({"b":{"B":"AAEC/w=="},"bs":{"BS":["AQ==","Ag=="]},"f":{"BOOL":false},)"
      R"("l":{"L":[{"NULL":true},{"N":"-0.5"}]},"m":{"M":{"q\"uote":{"S":"line\nbreak\u0001"}}},)"
      R"("n":{"N":"100"},"ns":{"NS":["-1","2"]},"s":{"S":"h\u00e9"},"ss":{"SS":["x","y"]}})";
  Item item = I(json);
  std::string text = Json(item);
  EXPECT_EQ(boost::json::parse(text), boost::json::parse(json));
  EXPECT_EQ(boost::json::parse(text), boost::json::value(ItemToJson(item)));
  EXPECT_EQ(I(text), item);
}

TEST(AttributeValueTest, SizeIsComputedAsAwsDoes) {
  // Names count their UTF-8 bytes; strings and binaries their length.
  EXPECT_EQ(ItemSize(I(R"({"ab":{"S":"héllo"}})")), 2u + 6u);
  EXPECT_EQ(ItemSize(I(R"({"a":{"B":"AQID"}})")), 1u + 3u);
  EXPECT_EQ(ItemSize(I(R"({"a":{"BOOL":true},"b":{"NULL":true}})")), 4u);
  // Numbers: one byte per two significant digits (aligned on the point), plus one.
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"0"})")), 1u);
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"1"})")), 2u);
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"12"})")), 2u);
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"1.2"})")), 3u);
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"123"})")), 3u);
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"-123"})")), 4u);
  EXPECT_EQ(AttributeValueSize(V(R"({"N":"12345678901234567890123456789012345678"})")), 20u);
  // Lists and maps: 3 bytes plus 1 per element.
  EXPECT_EQ(AttributeValueSize(V(R"({"L":[{"S":"ab"},{"BOOL":true}]})")), 3u + (1 + 2) + (1 + 1));
  EXPECT_EQ(AttributeValueSize(V(R"({"M":{"k":{"S":"ab"}}})")), 3u + 1 + 1 + 2);
  EXPECT_EQ(AttributeValueSize(V(R"({"SS":["ab","c"]})")), 3u);
}

TEST(AttributeValueTest, ItemSizeLimit) {
  Item item{{"k", AttributeValue::S(std::string(kMaxItemSize - 1, 'x'))}};
  EXPECT_TRUE(CheckItemSize(item).ok());
  item["kk"] = AttributeValue::S("");
  EXPECT_EQ(ErrorOf(CheckItemSize(item)), "Item size has exceeded the maximum allowed size");
  EXPECT_EQ(ErrorOf(CheckItemSize(item, true)),
            "Item size to update has exceeded the maximum allowed size");
}

TEST(AttributeValueTest, TypeNames) {
  EXPECT_EQ(TypeName(AttrType::kBool), "BOOL");
  EXPECT_EQ(LongTypeName(AttrType::kS), "STRING");
  EXPECT_EQ(TypeFromName("NS"), AttrType::kNS);
  EXPECT_EQ(TypeFromName("ns"), std::nullopt);
}

}  // namespace
}  // namespace kumo::tables

#include "tables/legacy.h"

#include <gtest/gtest.h>

#include "tables/condition_evaluator.h"
#include "tables/key_condition.h"
#include "tables/projection.h"
#include "tables/update_evaluator.h"
#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::ErrorOf;
using testing::I;
using testing::Json;
using testing::ParseJson;

const char* kItem = R"({"pk":{"S":"p"},"n":{"N":"10"},"s":{"S":"banana"},"tags":{"SS":["red"]}})";

bool Expected(std::string_view expected, const char* op = nullptr) {
  boost::json::value conditional = op ? boost::json::value(op) : boost::json::value();
  Result<Condition> c = ConditionFromExpected(ParseJson(expected), op ? &conditional : nullptr);
  EXPECT_TRUE(c.ok()) << expected << ": " << (c.ok() ? "" : c.error().message);
  return c.ok() && EvaluateCondition(*c, I(kItem));
}

bool Filter(std::string_view filter, const char* op = nullptr) {
  boost::json::value conditional = op ? boost::json::value(op) : boost::json::value();
  Result<Condition> c = ConditionFromFilter(ParseJson(filter), op ? &conditional : nullptr, "ScanFilter");
  EXPECT_TRUE(c.ok()) << filter << ": " << (c.ok() ? "" : c.error().message);
  return c.ok() && EvaluateCondition(*c, I(kItem));
}

TEST(LegacyTest, ExpectedValueAndExists) {
  EXPECT_TRUE(Expected(R"({"n":{"Value":{"N":"10"}}})"));
  EXPECT_TRUE(Expected(R"({"n":{"Value":{"N":"10"},"Exists":true}})"));
  EXPECT_FALSE(Expected(R"({"n":{"Value":{"N":"11"}}})"));
  EXPECT_TRUE(Expected(R"({"zz":{"Exists":false}})"));
  EXPECT_FALSE(Expected(R"({"n":{"Exists":false}})"));
  EXPECT_TRUE(Expected(R"({})"));
  EXPECT_TRUE(Expected(R"({"n":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"9"}]},
                           "s":{"ComparisonOperator":"BEGINS_WITH","Value":{"S":"ban"}}})"));
  EXPECT_FALSE(Expected(R"({"n":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"10"}]},
                            "s":{"ComparisonOperator":"NOT_NULL"}})"));
  EXPECT_TRUE(Expected(R"({"n":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"10"}]},
                           "s":{"ComparisonOperator":"NOT_NULL"}})", "OR"));
}

TEST(LegacyTest, ExpectedValidation) {
  auto error = [](std::string_view expected) {
    return ErrorOf(ConditionFromExpected(ParseJson(expected), nullptr));
  };
  const std::string invalid = "One or more parameter values were invalid: ";
  EXPECT_EQ(error(R"({"a":{}})"), invalid + "Value must be provided when Exists is null for Attribute: a");
  EXPECT_EQ(error(R"({"a":{"Exists":true}})"),
            invalid + "Value must be provided when Exists is true for Attribute: a");
  EXPECT_EQ(error(R"({"a":{"Exists":false,"Value":{"S":"x"}}})"),
            invalid + "Value cannot be used when Exists is false for Attribute: a");
  EXPECT_EQ(error(R"({"a":{"Exists":true,"ComparisonOperator":"EQ","Value":{"S":"x"}}})"),
            invalid + "Exists and ComparisonOperator cannot be used together for Attribute: a");
  EXPECT_EQ(error(R"({"a":{"Value":{"S":"x"},"AttributeValueList":[{"S":"x"}],"ComparisonOperator":"EQ"}})"),
            invalid + "Value and AttributeValueList cannot be used together for Attribute: a");
  EXPECT_EQ(error(R"({"a":{"AttributeValueList":[{"S":"x"}]}})"),
            invalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"EQ"}})"),
            invalid + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a");
}

TEST(LegacyTest, FilterOperators) {
  EXPECT_TRUE(Filter(R"({"n":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"10"}]}})"));
  EXPECT_TRUE(Filter(R"({"n":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"N":"10"}]}})"));
  EXPECT_TRUE(Filter(R"({"tags":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"red"}]}})"));
  EXPECT_TRUE(Filter(R"({"tags":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"blue"}]}})"));
  EXPECT_FALSE(Filter(R"({"zz":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"blue"}]}})"));
  EXPECT_TRUE(Filter(R"({"zz":{"ComparisonOperator":"NULL"}})"));
  EXPECT_TRUE(Filter(R"({"zz":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"x"}]}})"));
  EXPECT_TRUE(Filter(R"({"s":{"ComparisonOperator":"LT","AttributeValueList":[{"S":"cherry"}]},
                         "n":{"ComparisonOperator":"LE","AttributeValueList":[{"N":"10"}]}})"));
}

TEST(LegacyTest, FilterValidation) {
  auto error = [](std::string_view filter) {
    return ErrorOf(ConditionFromFilter(ParseJson(filter), nullptr, "QueryFilter"));
  };
  const std::string invalid = "One or more parameter values were invalid: ";
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"EQ","AttributeValueList":[]}})"),
            invalid + "Invalid number of argument(s) for the EQ ComparisonOperator");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"NULL","AttributeValueList":[{"S":"x"}]}})"),
            invalid + "Invalid number of argument(s) for the NULL ComparisonOperator");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"LT","AttributeValueList":[{"SS":["x"]}]}})"),
            invalid + "ComparisonOperator LT is not valid for SS AttributeValue type");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"N":"1"}]}})"),
            invalid + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"S":"x"}]}})"),
            invalid + "AttributeValues inside AttributeValueList must be of same type");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"5"},{"N":"1"}]}})"),
            "The BETWEEN condition was provided a range where the lower bound is greater than the "
            "upper bound");
  EXPECT_EQ(error(R"({"a":{"ComparisonOperator":"LIKE","AttributeValueList":[{"N":"5"}]}})"),
            "1 validation error detected: Value 'LIKE' at 'queryFilter.a.member.comparisonOperator' "
            "failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, "
            "LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
}

TEST(LegacyTest, KeyConditionsUseTheKeyConditionChecks) {
  KeySchema schema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};
  Result<Condition> c = ConditionFromFilter(
      ParseJson(R"({"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"u"}]},
                    "sk":{"ComparisonOperator":"GE","AttributeValueList":[{"N":"3"}]}})"),
      nullptr, "KeyConditions");
  ASSERT_TRUE(c.ok());
  Result<KeyCondition> k = ExtractKeyCondition(*c, schema);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->sort->op, SortKeyCondition::Op::kGe);
}

TEST(LegacyTest, AttributesToGet) {
  Result<std::vector<Path>> paths = PathsFromAttributesToGet(ParseJson(R"(["n", "a.b", "zz"])"));
  ASSERT_TRUE(paths.ok());
  Item item = I(R"({"n":{"N":"1"},"a.b":{"S":"literal"},"a":{"M":{"b":{"S":"nested"}}}})");
  EXPECT_EQ(Project(item, *paths), I(R"({"n":{"N":"1"},"a.b":{"S":"literal"}})"));
  EXPECT_EQ(ErrorOf(PathsFromAttributesToGet(ParseJson(R"(["a","a"])"))),
            "One or more parameter values were invalid: Duplicate value in attribute name: a");
}

TEST(LegacyTest, AttributeUpdates) {
  Result<UpdateExpression> u = UpdateFromAttributeUpdates(ParseJson(R"({
      "put":{"Value":{"S":"v"}}, "gone":{"Action":"DELETE"},
      "count":{"Action":"ADD","Value":{"N":"2"}}, "list":{"Action":"ADD","Value":{"L":[{"N":"9"}]}},
      "tags":{"Action":"DELETE","Value":{"SS":["a"]}}})"));
  ASSERT_TRUE(u.ok()) << u.error().message;
  Result<Item> out = ApplyUpdate(*u, I(R"({"gone":{"N":"1"},"count":{"N":"1"},
      "list":{"L":[{"N":"1"}]},"tags":{"SS":["a","b"]}})"));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(Json(*out), Json(I(R"({"put":{"S":"v"},"count":{"N":"3"},
      "list":{"L":[{"N":"1"},{"N":"9"}]},"tags":{"SS":["b"]}})")));
  const std::string invalid = "One or more parameter values were invalid: ";
  EXPECT_EQ(ErrorOf(UpdateFromAttributeUpdates(ParseJson(R"({"a":{"Action":"PUT"}})"))),
            invalid + "Only DELETE action is allowed when no attribute value is specified");
  EXPECT_EQ(ErrorOf(UpdateFromAttributeUpdates(ParseJson(R"({"a":{"Action":"ADD","Value":{"S":"x"}}})"))),
            invalid + "ADD action is not supported for the type S");
  EXPECT_EQ(ErrorOf(UpdateFromAttributeUpdates(ParseJson(R"({"a":{"Action":"DELETE","Value":{"N":"1"}}})"))),
            invalid + "DELETE action with value is not supported for the type N");
  EXPECT_EQ(ErrorOf(UpdateFromAttributeUpdates(ParseJson(R"({"a":{"Action":"MERGE","Value":{"N":"1"}}})"))),
            "1 validation error detected: Value 'MERGE' at 'attributeUpdates.a.member.action' "
            "failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]");
}

}  // namespace
}  // namespace kumo::tables

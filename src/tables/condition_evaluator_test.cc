#include "tables/condition_evaluator.h"

#include <gtest/gtest.h>

#include "tables/expression_resolver.h"
#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::Attrs;
using testing::I;

const char* kItem = R"({
  "pk":{"S":"p"}, "n":{"N":"10"}, "s":{"S":"banana"}, "b":{"B":"AQID"},
  "flag":{"BOOL":true}, "nothing":{"NULL":true},
  "tags":{"SS":["green","red"]}, "nums":{"NS":["1","5"]}, "bins":{"BS":["AQ=="]},
  "letters":{"L":[{"S":"a"},{"S":"b"},{"N":"3"}]},
  "info":{"M":{"nested":{"M":{"deep":{"S":"x"}}},"arr":{"L":[{"M":{"v":{"N":"1"}}},{"M":{"v":{"N":"2"}}}]}}},
  "dotted.name":{"S":"yes"}, "unicode":{"S":"\ud83d\ude00"}
})";

// Compiles `text` with the given values and evaluates it over kItem.
bool Holds(std::string_view text, std::string_view values = "", std::string_view names = "") {
  ExpressionAttributes attrs = Attrs(names, values);
  Result<Condition> c = CompileCondition(text, ExpressionKind::kCondition, attrs);
  EXPECT_TRUE(c.ok()) << text << ": " << (c.ok() ? "" : c.error().message);
  return c.ok() && EvaluateCondition(*c, I(kItem));
}

TEST(ConditionEvaluatorTest, ComparesNumbersByValueAndStringsByBytes) {
  EXPECT_TRUE(Holds("n > :v", R"({":v":{"N":"9"}})"));
  EXPECT_TRUE(Holds("n < :v", R"({":v":{"N":"100"}})"));
  EXPECT_TRUE(Holds("n = :v", R"({":v":{"N":"10.0"}})"));
  EXPECT_TRUE(Holds("n >= :v AND n <= :v", R"({":v":{"N":"1e1"}})"));
  EXPECT_TRUE(Holds("s > :v", R"({":v":{"S":"apple"}})"));
  EXPECT_TRUE(Holds("s < :v", R"({":v":{"S":"banana_"}})"));
  // U+1F600 (F0 9F 98 80) sorts after U+FFFD (EF BF BD) by UTF-8 bytes.
  EXPECT_TRUE(Holds("unicode > :v", R"({":v":{"S":"\ufffd"}})"));
  EXPECT_TRUE(Holds("b < :v", R"({":v":{"B":"AQQ="}})"));
  EXPECT_TRUE(Holds("b > :v", R"({":v":{"B":"AQ=="}})"));
}

TEST(ConditionEvaluatorTest, MissingAndMismatchedTypes) {
  const char* one = R"({":v":{"N":"1"}})";
  EXPECT_TRUE(Holds("absent <> :v", one));
  EXPECT_FALSE(Holds("absent = :v", one));
  EXPECT_FALSE(Holds("absent < :v", one));
  EXPECT_FALSE(Holds("absent = elsewhere"));
  EXPECT_TRUE(Holds("absent <> elsewhere"));
  EXPECT_FALSE(Holds("s > :v", one));
  EXPECT_TRUE(Holds("s <> :v", one));
  EXPECT_FALSE(Holds("tags > :v", one));
  EXPECT_TRUE(Holds("flag = :t", R"({":t":{"BOOL":true}})"));
  EXPECT_FALSE(Holds("flag = :t", R"({":t":{"S":"true"}})"));
  EXPECT_TRUE(Holds("tags = :t", R"({":t":{"SS":["red","green"]}})"));
  EXPECT_TRUE(Holds("letters = :l", R"({":l":{"L":[{"S":"a"},{"S":"b"},{"N":"3.0"}]}})"));
  EXPECT_TRUE(Holds("nothing = :n", R"({":n":{"NULL":true}})"));
}

TEST(ConditionEvaluatorTest, BetweenAndIn) {
  EXPECT_TRUE(Holds("n BETWEEN :lo AND :hi", R"({":lo":{"N":"10"},":hi":{"N":"20"}})"));
  EXPECT_FALSE(Holds("n BETWEEN :lo AND :hi", R"({":lo":{"N":"11"},":hi":{"N":"20"}})"));
  EXPECT_FALSE(Holds("s BETWEEN :lo AND :hi", R"({":lo":{"N":"1"},":hi":{"N":"20"}})"));
  EXPECT_TRUE(Holds("s IN (:a, :b)", R"({":a":{"S":"apple"},":b":{"S":"banana"}})"));
  EXPECT_FALSE(Holds("s IN (:a)", R"({":a":{"S":"apple"}})"));
  EXPECT_FALSE(Holds("absent IN (:a)", R"({":a":{"S":"apple"}})"));
  // Bounds from the item: an inverted range simply does not match.
  EXPECT_FALSE(Holds("n BETWEEN n AND :lo", R"({":lo":{"N":"1"}})"));
}

TEST(ConditionEvaluatorTest, LogicalOperators) {
  const char* v = R"({":yes":{"N":"10"},":no":{"N":"11"}})";
  EXPECT_TRUE(Holds("n = :yes OR n = :yes AND n = :no", v));
  EXPECT_FALSE(Holds("(n = :yes OR n = :yes) AND n = :no", v));
  EXPECT_TRUE(Holds("NOT n = :no AND n = :yes", v));
  EXPECT_FALSE(Holds("not (n = :yes)", R"({":yes":{"N":"10"}})"));
}

TEST(ConditionEvaluatorTest, Functions) {
  EXPECT_TRUE(Holds("attribute_exists(n) AND attribute_not_exists(absent)"));
  EXPECT_TRUE(Holds("attribute_exists(nothing)"));
  EXPECT_TRUE(Holds("attribute_type(tags, :ss) AND attribute_type(nothing, :null)",
                    R"({":ss":{"S":"SS"},":null":{"S":"NULL"}})"));
  EXPECT_FALSE(Holds("attribute_type(n, :s)", R"({":s":{"S":"S"}})"));
  EXPECT_FALSE(Holds("attribute_type(absent, :s)", R"({":s":{"S":"S"}})"));
  EXPECT_TRUE(Holds("begins_with(s, :p)", R"({":p":{"S":"ban"}})"));
  EXPECT_FALSE(Holds("begins_with(s, :p)", R"({":p":{"S":"nan"}})"));
  EXPECT_TRUE(Holds("begins_with(b, :p)", R"({":p":{"B":"AQI="}})"));
  EXPECT_FALSE(Holds("begins_with(n, :p)", R"({":p":{"S":"1"}})"));
  EXPECT_TRUE(Holds("contains(s, :sub)", R"({":sub":{"S":"nan"}})"));
  EXPECT_TRUE(Holds("contains(tags, :v)", R"({":v":{"S":"red"}})"));
  EXPECT_FALSE(Holds("contains(tags, :v)", R"({":v":{"S":"blue"}})"));
  EXPECT_TRUE(Holds("contains(nums, :v)", R"({":v":{"N":"5.0"}})"));
  EXPECT_TRUE(Holds("contains(bins, :v)", R"({":v":{"B":"AQ=="}})"));
  EXPECT_TRUE(Holds("contains(letters, :v)", R"({":v":{"N":"3"}})"));
  EXPECT_FALSE(Holds("contains(letters, :v)", R"({":v":{"S":"3"}})"));
  EXPECT_TRUE(Holds("contains(b, :v)", R"({":v":{"B":"AgM="}})"));
}

TEST(ConditionEvaluatorTest, Size) {
  EXPECT_TRUE(Holds("size(s) = :v", R"({":v":{"N":"6"}})"));
  EXPECT_TRUE(Holds("size(unicode) = :v", R"({":v":{"N":"4"}})"));  // UTF-8 bytes
  EXPECT_TRUE(Holds("size(b) = :v", R"({":v":{"N":"3"}})"));
  EXPECT_TRUE(Holds("size(tags) = :two AND size(letters) = :three AND size(info) = :two",
                    R"({":two":{"N":"2"},":three":{"N":"3"}})"));
  EXPECT_FALSE(Holds("size(n) = :v", R"({":v":{"N":"2"}})"));
  EXPECT_FALSE(Holds("size(absent) >= :v", R"({":v":{"N":"0"}})"));
  EXPECT_TRUE(Holds("size(absent) <> :v", R"({":v":{"N":"0"}})"));
}

TEST(ConditionEvaluatorTest, DocumentPaths) {
  EXPECT_TRUE(Holds("info.nested.deep = :x", R"({":x":{"S":"x"}})"));
  EXPECT_TRUE(Holds("info.arr[1].v = :two", R"({":two":{"N":"2"}})"));
  EXPECT_TRUE(Holds("letters[0] = :a", R"({":a":{"S":"a"}})"));
  EXPECT_TRUE(Holds("attribute_not_exists(letters[9])"));
  EXPECT_TRUE(Holds("attribute_not_exists(s.x)"));
  EXPECT_TRUE(Holds("attribute_not_exists(info[0])"));
  EXPECT_TRUE(Holds("#d = :y", R"({":y":{"S":"yes"}})", R"({"#d":"dotted.name"})"));
}

}  // namespace
}  // namespace kumo::tables

#include "tables/key_condition.h"

#include <gtest/gtest.h>

#include "tables/expression_resolver.h"
#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::Attrs;
using testing::ErrorOf;
using testing::V;

const KeySchema kSchema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};

Result<KeyCondition> Extract(std::string_view text, std::string_view values,
                             const KeySchema& schema = kSchema) {
  ExpressionAttributes attrs = Attrs("", values);
  Result<Condition> c = CompileCondition(text, ExpressionKind::kKeyCondition, attrs);
  if (!c.ok()) return c.error();
  return ExtractKeyCondition(*c, schema);
}

constexpr const char* kValues = R"({":p":{"S":"user"},":a":{"N":"2"},":b":{"N":"5"}})";

TEST(KeyConditionTest, AcceptsPartitionEqualityAndOneSortCondition) {
  Result<KeyCondition> k = Extract("pk = :p", kValues);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->partition, V(R"({"S":"user"})"));
  EXPECT_FALSE(k->sort);
  k = Extract(":a < sk AND pk = :p", kValues);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->sort->op, SortKeyCondition::Op::kGt);  // flipped
  k = Extract("pk = :p AND sk BETWEEN :a AND :b", kValues);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->sort->op, SortKeyCondition::Op::kBetween);
  EXPECT_EQ(k->sort->upper, V(R"({"N":"5"})"));
  KeySchema string_sort{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kS}};
  k = Extract("pk = :p AND begins_with(sk, :p)", kValues, string_sort);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->sort->op, SortKeyCondition::Op::kBeginsWith);
}

TEST(KeyConditionTest, RejectsWhatAwsRejects) {
  EXPECT_EQ(ErrorOf(Extract("pk = :p OR sk = :a", kValues)),
            "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND NOT sk = :a", kValues)),
            "Invalid operator used in KeyConditionExpression: NOT");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND sk IN (:a)", kValues)),
            "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND sk <> :a", kValues)),
            "Invalid operator used in KeyConditionExpression: <>");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND attribute_exists(sk)", kValues)),
            "Invalid operator used in KeyConditionExpression: attribute_exists");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND size(sk) = :a", kValues)),
            "KeyConditionExpressions cannot contain nested operations");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND :a BETWEEN sk AND :b", kValues)),
            "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
            "attribute as its first operand");
  EXPECT_EQ(ErrorOf(Extract("pk = sk", kValues)),
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
            "condition");
  EXPECT_EQ(ErrorOf(Extract("pk.x = :p", kValues)),
            "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND :a = :b", kValues)),
            "Invalid condition in KeyConditionExpression: No key attribute specified");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND pk = :p", kValues)),
            "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(ErrorOf(Extract("sk = :a", kValues)), "Query condition missed key schema element: pk");
  EXPECT_EQ(ErrorOf(Extract("pk > :p", kValues)), "Query key condition not supported");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND extra = :a", kValues)), "Query key condition not supported");
  EXPECT_EQ(ErrorOf(Extract("pk = :a", kValues)),
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
  EXPECT_EQ(ErrorOf(Extract("pk = :p AND sk = :p", kValues)),
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type");
}

// Every sort value falls inside the range exactly when it matches the condition.
TEST(KeyConditionTest, RangesSelectExactlyTheMatchingKeys) {
  std::vector<AttributeValue> numbers;
  for (const char* n : {"-100", "-2", "-1.5", "0", "1", "2", "2.5", "5", "5.0001", "100"}) {
    numbers.push_back(AttributeValue::N(Number::Parse(n).value()));
  }
  const AttributeValue pk = V(R"({"S":"user"})");
  const AttributeValue other_pk = V(R"({"S":"user2"})");
  for (const char* text : {"pk = :p", "pk = :p AND sk = :a", "pk = :p AND sk < :a", "pk = :p AND sk <= :a",
                           "pk = :p AND sk > :a", "pk = :p AND sk >= :a",
                           "pk = :p AND sk BETWEEN :a AND :b"}) {
    Result<KeyCondition> k = Extract(text, kValues);
    ASSERT_TRUE(k.ok()) << text;
    KeyRange range = KeyConditionRange(*k);
    for (const AttributeValue& sk : numbers) {
      std::string key = EncodeItemKey(pk, &sk);
      bool in_range = key >= range.begin && key < range.end;
      bool matches = !k->sort || SortKeyMatches(*k->sort, sk);
      EXPECT_EQ(in_range, matches) << text << " sk=" << sk.num().ToString();
      std::string foreign = EncodeItemKey(other_pk, &sk);
      EXPECT_FALSE(foreign >= range.begin && foreign < range.end);
    }
  }
  KeySchema string_sort{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kS}};
  Result<KeyCondition> k =
      Extract("pk = :p AND begins_with(sk, :x)", R"({":p":{"S":"user"},":x":{"S":"ab"}})", string_sort);
  ASSERT_TRUE(k.ok());
  KeyRange range = KeyConditionRange(*k);
  for (const char* s : {"a", "ab", "ab\x01", "abc", "ac", "b", "aa\xff"}) {
    AttributeValue sk = AttributeValue::S(s);
    std::string key = EncodeItemKey(pk, &sk);
    EXPECT_EQ(key >= range.begin && key < range.end, SortKeyMatches(*k->sort, sk)) << s;
  }
}

}  // namespace
}  // namespace kumo::tables

#include "tables/expression_resolver.h"

#include <gtest/gtest.h>

#include "tables/reserved_words.h"
#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::Attrs;
using testing::ErrorOf;
using testing::ParseJson;

// Compiles a ConditionExpression; returns its description or the error message.
std::string Condition(std::string_view text, std::string_view names = "",
                      std::string_view values = "") {
  ExpressionAttributes attrs = Attrs(names, values);
  Result<tables::Condition> c = CompileCondition(text, ExpressionKind::kCondition, attrs);
  if (!c.ok()) return c.error().message;
  Status used = attrs.CheckAllUsed();
  return used.ok() ? Describe(*c) : used.error().message;
}

std::string Update(std::string_view text, std::string_view names = "", std::string_view values = "") {
  ExpressionAttributes attrs = Attrs(names, values);
  Result<UpdateExpression> u = CompileUpdate(text, attrs);
  if (!u.ok()) return u.error().message;
  Status used = attrs.CheckAllUsed();
  return used.ok() ? Describe(*u) : used.error().message;
}

std::string Projection(std::string_view text, std::string_view names = "") {
  ExpressionAttributes attrs = Attrs(names);
  Result<ProjectionExpression> p = CompileProjection(text, attrs);
  if (!p.ok()) return p.error().message;
  std::string out;
  for (const Path& path : p->paths) out += path.ToString();
  return out;
}

constexpr const char* kOne = R"({":v":{"N":"1"}})";

TEST(ExpressionResolverTest, SubstitutesNamesAndValues) {
  EXPECT_EQ(Condition("#a.#b[2] = :v", R"({"#a":"x.y","#b":"status"})", kOne), "x.y.status[2] = N:1");
  EXPECT_EQ(Update("SET #one = #two", R"({"#one":"c","#two":"a"})"), "SET c = a");
}

TEST(ExpressionResolverTest, RejectsUndefinedAndUnused) {
  EXPECT_EQ(Condition("#a = :v", "", kOne),
            "Invalid ConditionExpression: An expression attribute name used in the document path "
            "is not defined; attribute name: #a");
  EXPECT_EQ(Update("SET a = :absent", "", R"({":other":{"N":"1"}})"),
            "Invalid UpdateExpression: An expression attribute value used in expression is not "
            "defined; attribute value: :absent");
  EXPECT_EQ(Update("SET a = :v", "", R"({":v":{"N":"1"},":unused":{"N":"2"},":x":{"S":"x"}})"),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused, :x}");
  EXPECT_EQ(Update("SET a = :v", R"({"#n":"x"})", kOne),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}");
}

TEST(ExpressionResolverTest, ValidatesTheAttributeMaps) {
  auto error = [](std::string_view names, std::string_view values) {
    boost::json::object request;
    if (!names.empty()) request["ExpressionAttributeNames"] = ParseJson(names);
    if (!values.empty()) request["ExpressionAttributeValues"] = ParseJson(values);
    return ErrorOf(ExpressionAttributes::FromRequest(request));
  };
  EXPECT_EQ(error("{}", ""), "ExpressionAttributeNames must not be empty");
  EXPECT_EQ(error("", "{}"), "ExpressionAttributeValues must not be empty");
  EXPECT_EQ(error(R"({"#a-b":"x"})", ""),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#a-b\"");
  EXPECT_EQ(error("", R"({"v":{"S":"x"}})"),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\"");
  EXPECT_EQ(error("", R"({":v":{"SS":[]}})"),
            "ExpressionAttributeValues contains invalid value: One or more parameter values were "
            "invalid: An string set  may not be empty for key :v");
}

TEST(ExpressionResolverTest, RejectsReservedWords) {
  EXPECT_EQ(ReservedWordCount(), 573u);
  EXPECT_TRUE(IsReservedWord("status"));
  EXPECT_TRUE(IsReservedWord("Name"));
  EXPECT_FALSE(IsReservedWord("names_"));
  EXPECT_EQ(Update("SET status = :v", "", kOne),
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
  EXPECT_EQ(Condition("a.Size = :v", "", kOne),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Size");
  EXPECT_EQ(Projection("id, #n", R"({"#n":"name"})"), "[id][name]");
  EXPECT_EQ(Projection("name"),
            "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name");
}

TEST(ExpressionResolverTest, ChecksFunctions) {
  EXPECT_EQ(Condition("starts_with(a, :v)", "", R"({":v":{"S":"x"}})"),
            "Invalid ConditionExpression: Invalid function name; function: starts_with");
  EXPECT_EQ(Condition("ATTRIBUTE_EXISTS(a)"),
            "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS");
  EXPECT_EQ(Condition("begins_with(a, :v) = :v", "", R"({":v":{"S":"x"}})"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an "
            "expression; function: begins_with");
  EXPECT_EQ(Condition("size(a)"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an "
            "expression; function: size");
  EXPECT_EQ(Condition("begins_with(a)"),
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
            "operator or function: begins_with, number of operands: 1");
  EXPECT_EQ(Condition("attribute_exists(:v)", "", kOne),
            "Invalid ConditionExpression: Operator or function requires a document path; operator "
            "or function: attribute_exists");
  EXPECT_EQ(Condition("begins_with(a, :v)", "", kOne),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N");
  EXPECT_EQ(Condition("attribute_type(a, :t)", "", R"({":t":{"S":"STRING"}})"),
            "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid "
            "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  EXPECT_EQ(Condition("attribute_type(a, :v)", "", kOne),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: attribute_type, operand type: N");
  EXPECT_EQ(Condition("size(:v) > :v", "", kOne),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: size, operand type: N");
  EXPECT_EQ(Condition("contains(a, a)"),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining "
            "operands for this operator or function; operator: contains, first operand: [a]");
  EXPECT_EQ(Condition("a.b = a.b"),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining "
            "operands for this operator or function; operator: =, first operand: [a, b]");
  EXPECT_EQ(Condition("size(a) > :v AND attribute_type(b, :t)", "", R"({":v":{"N":"1"},":t":{"S":"SS"}})"),
            "(size(a) > N:1 AND attribute_type(b, S:SS))");
}

TEST(ExpressionResolverTest, ChecksComparisonOperands) {
  EXPECT_EQ(Condition("a < :l", "", R"({":l":{"L":[]}})"),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: <, operand type: L");
  EXPECT_EQ(Condition("a = :l", "", R"({":l":{"L":[]}})"), "a = L:");
  EXPECT_EQ(Condition("a BETWEEN :hi AND :lo", "", R"({":hi":{"N":"5"},":lo":{"N":"1"}})"),
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater "
            "than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
            "operand: AttributeValue: {N:1}");
  EXPECT_EQ(Condition("a BETWEEN :x AND :y", "", R"({":x":{"N":"5"},":y":{"S":"a"}})"),
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower "
            "and upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: "
            "AttributeValue: {S:a}");
  std::string in = "a IN (";
  std::string values = "{";
  for (int i = 0; i < 101; ++i) {
    in += (i ? ", :v" : ":v") + std::to_string(i);
    values += std::string(i ? "," : "") + "\":v" + std::to_string(i) + "\":{\"N\":\"" +
              std::to_string(i) + "\"}";
  }
  EXPECT_EQ(Condition(in + ")", "", values + "}"),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; "
            "number of operands: 101");
  EXPECT_EQ(Condition("((a = :v))", "", kOne),
            "Invalid ConditionExpression: The expression has redundant parentheses;");
}

TEST(ExpressionResolverTest, ChecksUpdates) {
  EXPECT_EQ(Update("SET a = :v SET b = :v", "", kOne),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update "
            "expression;");
  EXPECT_EQ(Update("SET a = f(b)"), "Invalid UpdateExpression: Invalid function name; function: f");
  EXPECT_EQ(Update("SET a = size(b)"), "Invalid UpdateExpression: Invalid function name; function: size");
  EXPECT_EQ(Update("SET a = list_append(:v)", "", R"({":v":{"L":[]}})"),
            "Invalid UpdateExpression: Incorrect number of operands for operator or function; "
            "operator or function: list_append, number of operands: 1");
  EXPECT_EQ(Update("SET a = list_append(:l, :s)", "", R"({":l":{"L":[]},":s":{"S":"x"}})"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator "
            "or function: list_append, operand type: S");
  EXPECT_EQ(Update("SET a = list_append(list_append(:l, :l), :l)", "", R"({":l":{"L":[]}})"),
            "Invalid UpdateExpression: The function is not allowed to be used this way in an "
            "expression; function: list_append");
  EXPECT_EQ(Update("SET a = :s + :v", "", R"({":s":{"S":"x"},":v":{"N":"1"}})"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator "
            "or function: +, operand type: S");
  EXPECT_EQ(Update("SET a = if_not_exists(:v, :v)", "", kOne),
            "Invalid UpdateExpression: Operator or function requires a document path; operator or "
            "function: if_not_exists");
  EXPECT_EQ(Update("ADD a :s", "", R"({":s":{"S":"x"}})"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
            "ADD, operand type: STRING");
  EXPECT_EQ(Update("DELETE a :v", "", kOne),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
            "DELETE, operand type: NUMBER");
  EXPECT_EQ(Update("ADD a :l", "", R"({":l":{"L":[]}})"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
            "ADD, operand type: LIST");
  EXPECT_EQ(Update("SET a = if_not_exists(a, :v) + :v ADD s :s DELETE t :s", "",
                   R"({":v":{"N":"1"},":s":{"SS":["x"]}})"),
            "SET a = (if_not_exists(a, N:1) + N:1); ADD s SS:; DELETE t SS:");
}

TEST(ExpressionResolverTest, RejectsOverlappingAndConflictingPaths) {
  const std::string overlap =
      "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
      "rewrite one of these paths; ";
  EXPECT_EQ(Update("SET a = :v REMOVE a", "", kOne), overlap + "path one: [a], path two: [a]");
  EXPECT_EQ(Update("SET #a1 = :v, #a2 = :v", R"({"#a1":"a","#a2":"a"})", kOne),
            overlap + "path one: [a], path two: [a]");
  EXPECT_EQ(Update("SET a.b = :v, a = :v", "", kOne), overlap + "path one: [a, b], path two: [a]");
  EXPECT_EQ(Update("SET a[1][1] = :v, a[1] = :v", "", kOne),
            overlap + "path one: [a, [1], [1]], path two: [a, [1]]");
  EXPECT_EQ(Update("SET a.b = :v, a[1] = :v", "", kOne),
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
            "rewrite one of these paths; path one: [a, b], path two: [a, [1]]");
  EXPECT_EQ(Update("SET a.b = :v, a.c = :v, b = a.b REMOVE c[1], c[2]", "", kOne),
            "SET a.b = N:1; SET a.c = N:1; SET b = a.b; REMOVE c[1]; REMOVE c[2]");
  EXPECT_EQ(Projection("a.b, a"),
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
            "or rewrite one of these paths; path one: [a, b], path two: [a]");
  EXPECT_EQ(Projection("a[0], a.b"),
            "Invalid ProjectionExpression: Two document paths conflict with each other; must "
            "remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]");
}

TEST(ExpressionResolverTest, PrefixesParseErrorsWithTheParameter) {
  ExpressionAttributes attrs;
  EXPECT_EQ(ErrorOf(CompileCondition("", ExpressionKind::kFilter, attrs)),
            "Invalid FilterExpression: The expression can not be empty;");
  EXPECT_EQ(ErrorOf(CompileCondition("a = = b", ExpressionKind::kKeyCondition, attrs)),
            "Invalid KeyConditionExpression: Syntax error; token: \"=\", near: \"= = b\"");
}

}  // namespace
}  // namespace kumo::tables

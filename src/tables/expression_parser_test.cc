#include "tables/expression_parser.h"

#include <gtest/gtest.h>

#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::ErrorOf;

std::string Cond(std::string_view text) {
  return Describe(testing::ValueOf(ParseCondition(text), text));
}

std::string Upd(std::string_view text) { return Describe(testing::ValueOf(ParseUpdate(text), text)); }

TEST(ExpressionParserTest, PrecedenceIsNotThenAndThenOr) {
  EXPECT_EQ(Cond("a = :x OR b = :y AND c = :z"), "(a = :x OR (b = :y AND c = :z))");
  EXPECT_EQ(Cond("NOT a = :x AND b = :y"), "(NOT a = :x AND b = :y)");
  EXPECT_EQ(Cond("(a = :x OR b = :y) AND c = :z"), "((a = :x OR b = :y) AND c = :z)");
  EXPECT_EQ(Cond("a = :x OR b = :y OR c = :z"), "((a = :x OR b = :y) OR c = :z)");
  EXPECT_EQ(Cond("not not a = :x"), "NOT NOT a = :x");
  EXPECT_EQ(Cond("a = :x and b = :y Or c = :z"), "((a = :x AND b = :y) OR c = :z)");
}

TEST(ExpressionParserTest, ComparisonsBetweenInAndFunctions) {
  EXPECT_EQ(Cond("a<>:x"), "a <> :x");
  EXPECT_EQ(Cond("a <= :x"), "a <= :x");
  EXPECT_EQ(Cond(":x >= a"), ":x >= a");
  EXPECT_EQ(Cond("a BETWEEN :lo AND :hi AND b = :y"), "(a BETWEEN :lo AND :hi AND b = :y)");
  EXPECT_EQ(Cond("a in (:x, :y, b)"), "a IN (:x, :y, b)");
  EXPECT_EQ(Cond("begins_with(#n, :p)"), "begins_with(#n, :p)");
  EXPECT_EQ(Cond("size(a.b) > :n"), "size(a.b) > :n");
  EXPECT_EQ(Cond("attribute_exists(a) AND NOT attribute_not_exists(b)"),
            "(attribute_exists(a) AND NOT attribute_not_exists(b))");
  // A parenthesized operand is not a nested condition.
  EXPECT_EQ(Cond("(a) = :x"), "a = :x");
  EXPECT_EQ(Cond("(a = :x)"), "a = :x");
  // Unknown functions parse; the resolver rejects them.
  EXPECT_EQ(Cond("f(a, :b)"), "f(a, :b)");
}

TEST(ExpressionParserTest, Paths) {
  EXPECT_EQ(Cond("a.b[3].#c[0][1] = :v"), "a.b[3].#c[0][1] = :v");
  EXPECT_EQ(Cond("a . b [ 2 ] = :v"), "a.b[2] = :v");
  Result<Condition> c = ParseCondition("#x.y = :v");
  ASSERT_TRUE(c.ok());
  const Path& path = c->operands[0].path;
  EXPECT_TRUE(path.elements[0].placeholder);
  EXPECT_EQ(path.elements[0].name, "#x");
  EXPECT_FALSE(path.elements[1].placeholder);
}

TEST(ExpressionParserTest, FlagsRedundantParentheses) {
  Result<Condition> c = ParseCondition("((a = :x))");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->redundant_parens);
  Result<Condition> ok = ParseCondition("((a = :x) AND b = :y)");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->redundant_parens);
  Result<Condition> operand = ParseCondition("((a)) = :x");
  ASSERT_TRUE(operand.ok());
  EXPECT_TRUE(operand->operands[0].redundant_parens);
}

TEST(ExpressionParserTest, SyntaxErrorsNameTheToken) {
  EXPECT_EQ(ErrorOf(ParseCondition("a = = :v")), "Syntax error; token: \"=\", near: \"= = :v\"");
  EXPECT_EQ(ErrorOf(ParseCondition("_hidden = :v")), "Syntax error; token: \"_\", near: \"_hidden\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a = :v AND")), "Syntax error; token: \"<EOF>\", near: \"AND\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a")), "Syntax error; token: \"<EOF>\", near: \"a\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a = :v b")), "Syntax error; token: \"b\", near: \":v b\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a[:x] = :v")), "Syntax error; token: \":x\", near: \"[:x]\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a = in")), "Syntax error; token: \"in\", near: \"= in\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a = :v AND (b = :w")),
            "Syntax error; token: \"<EOF>\", near: \":w\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a = é")), "Syntax error; token: \"é\", near: \"= é\"");
  EXPECT_EQ(ErrorOf(ParseCondition("a[99999999999] = :v")),
            "Syntax error; token: \"99999999999\", near: \"[99999999999]\"");
  EXPECT_EQ(ErrorOf(ParseCondition("  ")), "The expression can not be empty;");
  EXPECT_EQ(ErrorOf(ParseCondition("")), "The expression can not be empty;");
}

TEST(ExpressionParserTest, UpdateClauses) {
  EXPECT_EQ(Upd("SET a = :v, b = c REMOVE d, e[1] ADD f :n DELETE g :s"),
            "SET a = :v; SET b = c; REMOVE d; REMOVE e[1]; ADD f :n; DELETE g :s");
  EXPECT_EQ(Upd("set a=a+:one"), "SET a = (a + :one)");
  EXPECT_EQ(Upd("SET a = if_not_exists(a, :zero) - :one"), "SET a = (if_not_exists(a, :zero) - :one)");
  EXPECT_EQ(Upd("SET a = (b + :v)"), "SET a = (b + :v)");
  EXPECT_EQ(Upd("SET a = (b) + :v"), "SET a = (b + :v)");
  EXPECT_EQ(Upd("SET a = list_append(:v, a)"), "SET a = list_append(:v, a)");
  EXPECT_EQ(Upd("REMOVE a SET b = :v"), "REMOVE a; SET b = :v");
  Result<UpdateExpression> twice = ParseUpdate("SET a = :v REMOVE b SET c = :w");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->repeated_clause, "SET");
}

TEST(ExpressionParserTest, UpdateSyntaxErrors) {
  EXPECT_EQ(ErrorOf(ParseUpdate("SET _123 = :v")), "Syntax error; token: \"_\", near: \"SET _123\"");
  EXPECT_FALSE(ParseUpdate("SET a = :a + :b + :c").ok());
  EXPECT_FALSE(ParseUpdate("SET :a = :b").ok());
  EXPECT_FALSE(ParseUpdate("HELLO a = :v").ok());
  EXPECT_FALSE(ParseUpdate("SET a = if_not_exists(a, :v + :w)").ok());
  EXPECT_FALSE(ParseUpdate("ADD a b").ok());
  EXPECT_FALSE(ParseUpdate("SET a[#x] = :v").ok());
  EXPECT_FALSE(ParseUpdate("SET hi-there = :v").ok());
  EXPECT_FALSE(ParseUpdate("SET a = :v,").ok());
  EXPECT_EQ(ErrorOf(ParseUpdate("SET")), "Syntax error; token: \"<EOF>\", near: \"SET\"");
}

TEST(ExpressionParserTest, Projections) {
  Result<ProjectionExpression> p = ParseProjection("a, b.c, d[1], #e");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->paths.size(), 4u);
  EXPECT_EQ(p->paths[2].ToString(), "[d, [1]]");
  EXPECT_FALSE(ParseProjection("a,").ok());
  EXPECT_FALSE(ParseProjection("a b").ok());
  EXPECT_FALSE(ParseProjection(":v").ok());
}

}  // namespace
}  // namespace kumo::tables

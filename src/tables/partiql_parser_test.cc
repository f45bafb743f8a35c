// PartiQL statements into resolved expression trees, and the planning
// helpers (the item a write names, the key range of a SELECT, NextToken),
// without HTTP or storage: the accepted subset, AWS's error messages, and
// parameters.
#include "tables/partiql_parser.h"

#include <gtest/gtest.h>

#include "tables/partiql_lexer.h"
#include "tables/partiql_plan.h"

namespace kumo::tables {
namespace {

using Kind = PartiqlStatement::Kind;

PartiqlStatement Parse(std::string_view text, std::vector<AttributeValue> parameters = {}) {
  Result<PartiqlStatement> s = ParsePartiql(text, parameters);
  EXPECT_TRUE(s.ok()) << text << ": " << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s).value() : PartiqlStatement{};
}

std::string ErrorOf(std::string_view text, std::vector<AttributeValue> parameters = {}) {
  Result<PartiqlStatement> s = ParsePartiql(text, parameters);
  EXPECT_FALSE(s.ok()) << text;
  if (s.ok()) return "";
  EXPECT_EQ(s.error().code, "ValidationException") << text;
  return s.error().message;
}

std::string Where(std::string_view text, std::vector<AttributeValue> parameters = {}) {
  PartiqlStatement s = Parse(text, std::move(parameters));
  return s.where ? Describe(*s.where) : "";
}

const std::string kMalformed = "Statement wasn't well formed, can't be processed: ";

TEST(PartiqlLexerTest, TokensQuotesAndComments) {
  Result<std::vector<PartiqlToken>> tokens = LexPartiql(R"(SELECT "a""b", 'it''s' -- note
      /* block */ 1.5e3 ? <> <<)");
  ASSERT_TRUE(tokens.ok());
  std::vector<std::pair<Tok, std::string>> got;
  for (const PartiqlToken& t : *tokens) got.emplace_back(t.kind, t.text);
  EXPECT_EQ(got, (std::vector<std::pair<Tok, std::string>>{{Tok::kIdent, "SELECT"},
                                                           {Tok::kQuoted, "a\"b"},
                                                           {Tok::kPunct, ","},
                                                           {Tok::kString, "it's"},
                                                           {Tok::kNumber, "1.5e3"},
                                                           {Tok::kParam, "?"},
                                                           {Tok::kPunct, "<>"},
                                                           {Tok::kPunct, "<<"},
                                                           {Tok::kEnd, ""}}));
  EXPECT_FALSE(LexPartiql("SELECT 'open").ok());
  EXPECT_EQ(LexPartiql("SELECT /* open").error().message, kMalformed);
  EXPECT_FALSE(LexPartiql("SELECT # x").ok());
}

TEST(PartiqlParserTest, SelectForms) {
  PartiqlStatement s = Parse(R"(SELECT * FROM "Music" WHERE Artist = 'Acme' AND year >= 2000)");
  EXPECT_EQ(s.kind, Kind::kSelect);
  EXPECT_EQ(s.table, "Music");
  EXPECT_FALSE(s.index);
  EXPECT_FALSE(s.projection);
  EXPECT_EQ(Describe(*s.where), "(Artist = S:Acme AND year >= N:2000)");

  s = Parse(R"(select a, "b".c[2], d['e'] from Music."by-year" where a = ? order by year desc)",
            {AttributeValue::N(Number::FromInt(7))});
  EXPECT_EQ(s.table, "Music");
  EXPECT_EQ(s.index, "by-year");
  ASSERT_TRUE(s.projection);
  ASSERT_EQ(s.projection->size(), 3u);
  EXPECT_EQ(Describe(Operand::OfPath((*s.projection)[1])), "b.c[2]");
  EXPECT_EQ(Describe(Operand::OfPath((*s.projection)[2])), "d.e");
  EXPECT_EQ(Describe(*s.where), "a = N:7");
  ASSERT_EQ(s.order_by.size(), 1u);
  EXPECT_EQ(s.order_by[0].attribute, "year");
  EXPECT_TRUE(s.order_by[0].descending);

  // Reserved words of the expression language are fine as PartiQL names.
  EXPECT_EQ(Where(R"(SELECT * FROM t WHERE status = 'x' AND "name" <> 'y';)"),
            "(status = S:x AND name <> S:y)");
  EXPECT_FALSE(Parse("SELECT * FROM t").where);
}

TEST(PartiqlParserTest, ConditionOperators) {
  EXPECT_EQ(Where("SELECT * FROM t WHERE a = 1 OR NOT (b < 2 AND c != 3)"),
            "(a = N:1 OR NOT (b < N:2 AND c <> N:3))");
  EXPECT_EQ(Where("SELECT * FROM t WHERE a BETWEEN -1 AND 1.5"), "a BETWEEN N:-1 AND N:1.5");
  EXPECT_EQ(Where("SELECT * FROM t WHERE a IN [1, 2] AND b NOT IN ('x')"),
            "(a IN (N:1, N:2) AND NOT b IN (S:x))");
  EXPECT_EQ(Where("SELECT * FROM t WHERE BEGINS_WITH(a, 'x') AND contains(b, 1) AND size(c) > 2"),
            "((begins_with(a, S:x) AND contains(b, N:1)) AND size(c) > N:2)");
  EXPECT_EQ(Where("SELECT * FROM t WHERE a IS MISSING AND b IS NOT MISSING"),
            "(attribute_not_exists(a) AND attribute_exists(b))");
  EXPECT_EQ(Where("SELECT * FROM t WHERE a IS NULL"),
            "(attribute_type(a, S:NULL) OR attribute_not_exists(a))");
  EXPECT_EQ(Where("SELECT * FROM t WHERE a IS NOT STRING"), "NOT attribute_type(a, S:S)");
  EXPECT_EQ(Where("SELECT * FROM t WHERE a = TRUE AND b = NULL"), "(a = BOOL: AND b = NULL:)");
}

TEST(PartiqlParserTest, ValuesAndParameters) {
  PartiqlStatement s = Parse(R"(INSERT INTO "t" VALUE {'pk': ?, 'n': -12.50, 'l': [1, 'a', [true]],
      'm': {'x': null}, 'ss': <<'b', 'a', 'b'>>, 'ns': <<2, 1>>, 'bs': <<?>>})",
                             {AttributeValue::S("k"), AttributeValue::B("\x01")});
  EXPECT_EQ(s.kind, Kind::kInsert);
  EXPECT_EQ(s.item.size(), 7u);
  EXPECT_EQ(s.item.at("pk"), AttributeValue::S("k"));
  EXPECT_EQ(s.item.at("n").num().ToString(), "-12.5");
  EXPECT_EQ(s.item.at("l").list().size(), 3u);
  EXPECT_EQ(s.item.at("m").map().at("x").type(), AttrType::kNull);
  EXPECT_EQ(s.item.at("ss"), AttributeValue::SS({"a", "b"}));
  EXPECT_EQ(s.item.at("ns").type(), AttrType::kNS);
  EXPECT_EQ(s.item.at("bs"), AttributeValue::BS({"\x01"}));

  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE a = ? AND b = ?", {AttributeValue::S("x")}),
            "Number of parameters in request and statement don't match.");
  // Extra parameters are ignored, as on AWS.
  EXPECT_EQ(Where("SELECT * FROM t WHERE a = ?", {AttributeValue::S("x"), AttributeValue::S("y")}),
            "a = S:x");
  EXPECT_EQ(ErrorOf("INSERT INTO t VALUE {'a': <<>>}"), "Empty bags are not supported");
  EXPECT_EQ(
      ErrorOf("INSERT INTO t VALUE {'a': <<1, 'x'>>}"),
      "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
  EXPECT_EQ(ErrorOf("INSERT INTO t VALUE {'a': 1, 'a': 2}"),
            "Duplicate keys in tuple. Key: a under root");
  EXPECT_EQ(ErrorOf("INSERT INTO t VALUE {a: 1}"),
            "Tuple keys must be of type String. Actual type: SYMBOL under root");
  EXPECT_EQ(ErrorOf("INSERT INTO t VALUE [1]"),
            "Unsupported format in item expression. Please use struct format {...} to express item "
            "values for insert "
            "statement.");
  EXPECT_EQ(ErrorOf("INSERT INTO t VALUES ({'a': 1})"),
            "Unsupported operation: Inserting multiple items in a single statement is not "
            "supported, use \"INSERT "
            "INTO tableName VALUE item\" instead");
}

TEST(PartiqlParserTest, UpdateAndDelete) {
  PartiqlStatement s =
      Parse(R"(UPDATE "Music" SET AwardsWon = 1 SET AwardDetail = {'Grammys': [2020]},
      n = n + ?, l = list_append(l, [1]), c = if_not_exists(c, 0) REMOVE old, x[2]
      WHERE Artist = 'Acme' AND SongTitle = 'Rocks' RETURNING MODIFIED NEW *)",
            {AttributeValue::N(Number::FromInt(2))});
  EXPECT_EQ(s.kind, Kind::kUpdate);
  EXPECT_EQ(
      Describe(s.update),
      "SET AwardsWon = N:1; SET AwardDetail = M:; SET n = (n + N:2); SET l = list_append(l, L:); "
      "SET c = if_not_exists(c, N:0); REMOVE old; REMOVE x[2]");
  EXPECT_EQ(s.returning, PartiqlStatement::Returning::kModifiedNew);
  s = Parse(
      "UPDATE t SET tags = set_add(tags, <<'a'>>), gone = set_delete(gone, <<1>>) WHERE pk = 'k'");
  EXPECT_EQ(Describe(s.update), "ADD tags SS:; DELETE gone NS:");
  EXPECT_EQ(ErrorOf("UPDATE t SET tags = set_add(other, <<'a'>>) WHERE pk = 'k'"),
            "The first argument to SET_ADD must equal the assignment value");
  EXPECT_EQ(ErrorOf("UPDATE t SET tags = set_add(tags, 'a') WHERE pk = 'k'"),
            "The second argument to SET_ADD must be a value with type SET");
  // The resolver's checks apply to the translated trees.
  EXPECT_EQ(ErrorOf("UPDATE t SET a = 1, a.b = 2 WHERE pk = 'k'"),
            "Two document paths overlap with each other; must remove or rewrite one of these "
            "paths; path one: [a], "
            "path two: [a, b]");
  EXPECT_EQ(ErrorOf("UPDATE t SET a = 1"),
            "Where clause does not contain a mandatory equality on all key attributes");
  EXPECT_EQ(ErrorOf("UPDATE t ADD a 1 WHERE pk = 'k'"),
            "Only SET and REMOVE are supported in update expressions at this time");

  s = Parse("DELETE FROM \"t\" WHERE pk = 'k' AND v > 3 RETURNING ALL OLD *");
  EXPECT_EQ(s.kind, Kind::kDelete);
  EXPECT_EQ(Describe(*s.where), "(pk = S:k AND v > N:3)");
  EXPECT_EQ(s.returning, PartiqlStatement::Returning::kAllOld);
  EXPECT_EQ(ErrorOf("DELETE FROM t WHERE pk = 'k' RETURNING ALL NEW *"),
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in "
            "DELETE statements.");
  EXPECT_EQ(ErrorOf("INSERT INTO t VALUE {'pk': 'k'} RETURNING ALL OLD *"),
            "RETURNING is not supported in INSERT");

  s = Parse("EXISTS(SELECT * FROM t WHERE pk = 'k' AND v = 1)");
  EXPECT_EQ(s.kind, Kind::kExists);
}

TEST(PartiqlParserTest, SyntaxErrorsAsAwsWordsThem) {
  EXPECT_EQ(ErrorOf("SLECT * FROM t"), kMalformed + "Expected data manipulation");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE pk = 1 foo"),
            kMalformed + "Unexpected token after expression");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE pk = 1)"),
            kMalformed + "Unexpected token after expression");
  EXPECT_EQ(ErrorOf("DELETE FROM t WHERE pk = 1 ORDER BY pk"),
            kMalformed + "Unexpected token after expression");
  EXPECT_EQ(ErrorOf("SELECT * FROM t ORDER BY pk WHERE pk = 1"),
            kMalformed + "Unexpected token after expression");
  for (const char* text :
       {"SELECT * FROM t WHERE", "SELECT * FROM t WHERE;", "UPDATE t SET a = 1 WHERE",
        "DELETE FROM t WHERE", "SELECT * FROM t WHERE NOT", "SELECT * FROM t WHERE (",
        "SELECT * FROM"}) {
    EXPECT_EQ(ErrorOf(text), kMalformed + "Unexpected term") << text;
  }
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE pk = 'a' AND"),
            kMalformed + "Missing right-hand side expression of infix operator");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE pk = 'a' OR"),
            kMalformed + "Missing right-hand side expression of infix operator");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE ORDER BY pk"), kMalformed + "Unexpected keyword");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE IS NULL"), kMalformed + "Unexpected operator");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE pk = LIKE"), kMalformed + "Unexpected operator");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE pk = 'a' AND x IS FOO"),
            kMalformed + "Expected type name");
  for (const char* text : {"DELETE FROM", "DELETE FROM;", "DELETE FROM WHERE pk = 'a'"}) {
    EXPECT_EQ(ErrorOf(text), kMalformed + "Expected identifier for simple path") << text;
  }
  EXPECT_EQ(ErrorOf("SELECT * FROM t x WHERE pk = 'a'"), "Aliasing is not supported");
  EXPECT_EQ(ErrorOf("SELECT * FROM t AS x"), "Aliasing is not supported");
  EXPECT_EQ(ErrorOf("UPDATE t x SET a = 3 WHERE pk = 'x'"), "Aliasing is not supported");
  EXPECT_EQ(ErrorOf("INSERT INTO t x VALUE {'pk': 'x'}"),
            kMalformed + "Unexpected token after expression");
  EXPECT_EQ(ErrorOf("SELECT *, a FROM t"),
            "Other attributes should not be present in the projection when '*' is used.");
  EXPECT_EQ(ErrorOf("SELECT * FROM t WHERE a"),
            "WHERE clause must contain an expression that resolves to a boolean");
  EXPECT_EQ(ErrorOf("SELECT * FROM t ORDER BY pk"),
            "Must have WHERE clause in the statement when using ORDER BY clause.");
  EXPECT_EQ(
      ErrorOf("SELECT * FROM t WHERE pk = 1e200"),
      "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

Condition WhereOf(std::string_view text) { return *Parse(text).where; }

TEST(PartiqlPlanTest, TargetItemNeedsAnEqualityOnEveryKeyAttribute) {
  const KeySchema schema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};
  Result<ItemTarget> target =
      TargetItem(WhereOf("DELETE FROM t WHERE 1 = sk AND pk = 'a' AND v > 2"), schema);
  ASSERT_TRUE(target.ok()) << target.error().message;
  EXPECT_EQ(target->key,
            (Item{{"pk", AttributeValue::S("a")}, {"sk", AttributeValue::N(Number::FromInt(1))}}));
  ASSERT_TRUE(target->rest);
  EXPECT_EQ(Describe(*target->rest), "v > N:2");
  EXPECT_FALSE(TargetItem(WhereOf("DELETE FROM t WHERE pk = 'a' AND sk = 1"), schema)->rest);

  const std::string incomplete =
      "Where clause does not contain a mandatory equality on all key attributes";
  EXPECT_EQ(TargetItem(WhereOf("DELETE FROM t WHERE pk = 'a'"), schema).error().message,
            incomplete);
  EXPECT_EQ(TargetItem(WhereOf("DELETE FROM t WHERE pk = 'a' OR sk = 1"), schema).error().message,
            incomplete);
  EXPECT_EQ(TargetItem(WhereOf("DELETE FROM t WHERE pk = 'a' AND sk > 1"), schema).error().message,
            incomplete);
  EXPECT_EQ(TargetItem(std::nullopt, schema).error().message, incomplete);
  EXPECT_EQ(
      TargetItem(WhereOf("DELETE FROM t WHERE pk = 'a' AND sk = 1 AND pk = 'b'"), schema)
          .error()
          .message,
      "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported");
}

TEST(PartiqlPlanTest, SelectKeyConditionPicksAQueryOrAScan) {
  const KeySchema schema{{"pk", AttrType::kS}, KeyAttribute{"sk", AttrType::kN}};
  std::optional<KeyCondition> key = SelectKeyCondition(
      WhereOf("SELECT * FROM t WHERE v = 1 AND 'a' = pk AND sk BETWEEN 2 AND 5"), schema);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->partition, AttributeValue::S("a"));
  ASSERT_TRUE(key->sort);
  EXPECT_EQ(key->sort->op, SortKeyCondition::Op::kBetween);
  key =
      SelectKeyCondition(WhereOf("SELECT * FROM t WHERE pk = 'a' AND begins_with(v, 'x')"), schema);
  ASSERT_TRUE(key);
  EXPECT_FALSE(key->sort);  // a condition on another attribute only filters
  EXPECT_FALSE(SelectKeyCondition(WhereOf("SELECT * FROM t WHERE pk = 'a' OR pk = 'b'"), schema));
  EXPECT_FALSE(SelectKeyCondition(WhereOf("SELECT * FROM t WHERE pk > 'a'"), schema));
  EXPECT_FALSE(SelectKeyCondition(WhereOf("SELECT * FROM t WHERE pk = 1"),
                                  schema));  // wrong type: a Scan finds none
}

TEST(PartiqlPlanTest, NextTokenIsBoundToItsRequest) {
  const Item key{{"pk", AttributeValue::S("a")}};
  const std::string token = EncodeNextToken(key, "SELECT * FROM t");
  Result<Item> decoded = DecodeNextToken(token, "SELECT * FROM t");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, key);
  EXPECT_EQ(DecodeNextToken(token, "SELECT * FROM u").error().message,
            "NextToken does not match request");
  EXPECT_EQ(DecodeNextToken("garbage!", "SELECT * FROM t").error().message, "Invalid NextToken");
}

}  // namespace
}  // namespace kumo::tables

// Filter patterns as AWS documents them: terms, phrases, ?-terms,
// exclusions, JSON conditions; unsupported syntax is refused, not ignored.
#include "logs/filter_pattern.h"

#include <gtest/gtest.h>

namespace kumo::logs {
namespace {

bool Match(std::string_view pattern, std::string_view message) {
  Result<FilterPattern> compiled = FilterPattern::Parse(pattern);
  EXPECT_TRUE(compiled.ok()) << pattern << ": " << (compiled.ok() ? "" : compiled.error().message);
  return compiled.ok() && compiled->Matches(message);
}

Error ParseError(std::string_view pattern) {
  Result<FilterPattern> compiled = FilterPattern::Parse(pattern);
  EXPECT_FALSE(compiled.ok()) << pattern;
  return compiled.ok() ? Error{} : compiled.error();
}

TEST(FilterPatternTest, BlankAndQuotedSpaceMatchEverything) {
  for (std::string_view pattern : {"", "   ", "\" \""}) {
    Result<FilterPattern> compiled = FilterPattern::Parse(pattern);
    ASSERT_TRUE(compiled.ok());
    EXPECT_TRUE(compiled->MatchesEverything()) << "'" << pattern << "'";
    EXPECT_TRUE(compiled->Matches("nospace"));
  }
}

TEST(FilterPatternTest, TermsMustAllOccurCaseSensitively) {
  EXPECT_TRUE(Match("ERROR", "[ERROR] disk full"));
  EXPECT_FALSE(Match("ERROR", "[error] disk full"));
  EXPECT_TRUE(Match("ERROR disk", "[ERROR] disk full"));
  EXPECT_FALSE(Match("ERROR memory", "[ERROR] disk full"));
}

TEST(FilterPatternTest, QuotedPhrasesMatchExactly) {
  EXPECT_TRUE(Match("\"INTERNAL SERVER ERROR\"", "500 INTERNAL SERVER ERROR"));
  EXPECT_FALSE(Match("\"INTERNAL SERVER ERROR\"", "INTERNAL ERROR SERVER"));
  EXPECT_TRUE(Match(R"("say \"hi\"")", R"(they say "hi")"));
}

TEST(FilterPatternTest, QuestionTermsNeedAnyOneAndMinusTermsExclude) {
  EXPECT_TRUE(Match("?ERROR ?WARN", "WARN low disk"));
  EXPECT_TRUE(Match("?ERROR ?WARN", "ERROR no disk"));
  EXPECT_FALSE(Match("?ERROR ?WARN", "INFO fine"));
  EXPECT_TRUE(Match("ERROR -Exception", "ERROR timeout"));
  EXPECT_FALSE(Match("ERROR -Exception", "ERROR NullPointerException"));
  EXPECT_FALSE(Match("-\"health check\"", "a health check"));
  EXPECT_TRUE(Match("req ?ERROR ?WARN -ignore", "req WARN"));
  EXPECT_FALSE(Match("req ?ERROR ?WARN -ignore", "req WARN ignore"));
  EXPECT_FALSE(Match("req ?ERROR ?WARN -ignore", "WARN"));
}

TEST(FilterPatternTest, JsonEqualityWildcardsAndNumbers) {
  std::string event =
      R"({"level":"ERROR","latency":250,"user":{"id":"u-17","tags":["a","b"]},"ok":false,"x":null})";
  EXPECT_TRUE(Match(R"({ $.level = "ERROR" })", event));
  EXPECT_TRUE(Match("{ $.level = ERROR }", event));
  EXPECT_FALSE(Match(R"({ $.level = "WARN" })", event));
  EXPECT_TRUE(Match(R"({ $.level != "WARN" })", event));
  EXPECT_TRUE(Match(R"({ $.user.id = "u-*" })", event));
  EXPECT_FALSE(Match(R"({ $.user.id = "x-*" })", event));
  EXPECT_TRUE(Match(R"({ $.user.tags[1] = "b" })", event));
  EXPECT_FALSE(Match(R"({ $.user.tags[5] = "b" })", event));
  EXPECT_TRUE(Match("{ $.latency > 200 }", event));
  EXPECT_TRUE(Match("{ $.latency >= 250 }", event));
  EXPECT_FALSE(Match("{ $.latency < 250 }", event));
  EXPECT_TRUE(Match("{ $.latency = 250.0 }", event));
  EXPECT_FALSE(Match("{ $.level > 1 }", event)) << "a string field never compares as a number";
  EXPECT_FALSE(Match(R"({ $.latency = "250" })", event)) << "nor a number as a string";
}

TEST(FilterPatternTest, JsonLogicAndPredicates) {
  std::string event = R"({"level":"ERROR","latency":250,"ok":false,"x":null})";
  EXPECT_TRUE(Match(R"({ $.level = "ERROR" && $.latency > 100 })", event));
  EXPECT_FALSE(Match(R"({ $.level = "ERROR" && $.latency > 300 })", event));
  EXPECT_TRUE(Match(R"({ $.level = "INFO" || $.latency > 100 })", event));
  EXPECT_TRUE(Match(R"({ ($.level = "INFO" || $.level = "ERROR") && $.ok IS FALSE })", event));
  EXPECT_FALSE(Match(R"({ $.level = "INFO" || ($.level = "ERROR" && $.ok IS TRUE) })", event));
  EXPECT_TRUE(Match("{ $.x IS NULL }", event));
  EXPECT_FALSE(Match("{ $.level IS NULL }", event));
  EXPECT_TRUE(Match("{ $.missing NOT EXISTS }", event));
  EXPECT_FALSE(Match("{ $.level NOT EXISTS }", event));
  EXPECT_FALSE(Match(R"({ $.level = "ERROR" })", "ERROR not json"))
      << "plain text never matches JSON";
}

TEST(FilterPatternTest, UnsupportedAndMalformedPatternsAreInvalidParameters) {
  Error space = ParseError("[ip, user, status=404]");
  EXPECT_EQ(space.code, "InvalidParameterException");
  EXPECT_EQ(space.http_status, 400);
  EXPECT_NE(space.message.find("space-delimited"), std::string::npos);
  EXPECT_NE(ParseError("%ERROR|WARN%").message.find("regular-expression"), std::string::npos);
  for (std::string_view bad : {"\"unterminated", "?", "ERROR -", "{ $.a = 1", "{ level = 1 }",
                               "{ $.a > \"x\" }", "{ $.a }", "{ ($.a = 1 }", "{ $.a = 1 } x",
                               "{ $.* = 1 }", "{ $.a[x] = 1 }", "{ $.a IS MAYBE }"}) {
    EXPECT_EQ(ParseError(bad).code, "InvalidParameterException") << bad;
  }
}

TEST(FilterPatternTest, DeepNestingIsRefusedNotOverflowed) {
  std::string deep = "{ " + std::string(200, '(') + "$.a = 1" + std::string(200, ')') + " }";
  EXPECT_EQ(ParseError(deep).code, "InvalidParameterException");
}

}  // namespace
}  // namespace kumo::logs

#include "apis/route_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kumo::apis {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

RouteMatcher MustBuild(const std::vector<std::string>& keys) {
  std::vector<RouteEntry> entries;
  for (size_t i = 0; i < keys.size(); ++i) entries.push_back({keys[i], "r" + std::to_string(i)});
  auto built = RouteMatcher::Build(entries);
  EXPECT_TRUE(built.ok()) << (built.ok() ? "" : built.error().message);
  return built.ok() ? *built : RouteMatcher();
}

// The selected route key, or "none".
std::string Select(const RouteMatcher& m, std::string_view method, std::string_view path) {
  auto match = m.Match(method, path);
  return match ? std::string(match->route_key) : "none";
}

// The example of "Routing API requests" in the HTTP API developer guide.
TEST(RouteMatcherTest, DocumentedExample) {
  RouteMatcher m =
      MustBuild({"GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default"});
  EXPECT_EQ(Select(m, "GET", "/pets/dog/1"), "GET /pets/dog/{id}");
  EXPECT_EQ(Select(m, "GET", "/pets/cat/1"), "GET /pets/{proxy+}");
  EXPECT_EQ(Select(m, "POST", "/test/5"), "ANY /{proxy+}");
  EXPECT_EQ(Select(m, "GET", "/"), "$default");  // a greedy variable needs a segment
}

TEST(RouteMatcherTest, LiteralBeatsVariableBeatsGreedy) {
  RouteMatcher m = MustBuild({"GET /pets/{proxy+}", "GET /pets/{id}", "GET /pets/dog"});
  EXPECT_EQ(Select(m, "GET", "/pets/dog"), "GET /pets/dog");
  EXPECT_EQ(Select(m, "GET", "/pets/cat"), "GET /pets/{id}");
  EXPECT_EQ(Select(m, "GET", "/pets/cat/1"), "GET /pets/{proxy+}");
}

TEST(RouteMatcherTest, LeftmostLiteralDecides) {
  RouteMatcher m = MustBuild({"GET /{a}/b", "GET /a/{b}"});
  EXPECT_EQ(Select(m, "GET", "/a/b"), "GET /a/{b}");
  EXPECT_EQ(Select(m, "GET", "/x/b"), "GET /{a}/b");
}

TEST(RouteMatcherTest, BacktracksWhenTheLiteralBranchDeadEnds) {
  RouteMatcher m = MustBuild({"GET /a/b/c", "GET /{x}/b/d"});
  EXPECT_EQ(Select(m, "GET", "/a/b/d"), "GET /{x}/b/d");
}

TEST(RouteMatcherTest, FullMatchBeatsGreedyWithMoreLiterals) {
  RouteMatcher m = MustBuild({"GET /x/y/{proxy+}", "GET /{a}/{b}/{c}"});
  EXPECT_EQ(Select(m, "GET", "/x/y/z"), "GET /{a}/{b}/{c}");
  EXPECT_EQ(Select(m, "GET", "/x/y/z/w"), "GET /x/y/{proxy+}");
}

TEST(RouteMatcherTest, DeeperGreedyWins) {
  RouteMatcher m = MustBuild({"ANY /{proxy+}", "GET /files/{proxy+}", "GET /files/{dir}/{rest+}"});
  EXPECT_EQ(Select(m, "GET", "/files/a/b"), "GET /files/{dir}/{rest+}");
  EXPECT_EQ(Select(m, "GET", "/files/a"), "GET /files/{proxy+}");
  EXPECT_EQ(Select(m, "GET", "/other/a"), "ANY /{proxy+}");
}

TEST(RouteMatcherTest, MethodBeatsAnyOnTheSamePath) {
  RouteMatcher m = MustBuild({"ANY /pets", "GET /pets", "POST /pets"});
  EXPECT_EQ(Select(m, "GET", "/pets"), "GET /pets");
  EXPECT_EQ(Select(m, "POST", "/pets"), "POST /pets");
  EXPECT_EQ(Select(m, "DELETE", "/pets"), "ANY /pets");
}

TEST(RouteMatcherTest, MorePreciseWithAnyBeatsLessPreciseWithMethod) {
  RouteMatcher m = MustBuild({"GET /pets/{id}", "ANY /pets/dog"});
  EXPECT_EQ(Select(m, "GET", "/pets/dog"), "ANY /pets/dog");
}

TEST(RouteMatcherTest, MethodMismatchFallsThrough) {
  RouteMatcher m = MustBuild({"POST /pets/dog", "GET /pets/{id}", "GET /{proxy+}"});
  EXPECT_EQ(Select(m, "GET", "/pets/dog"), "GET /pets/{id}");
  EXPECT_EQ(Select(m, "PUT", "/pets/dog"), "none");
  EXPECT_EQ(Select(m, "HEAD", "/pets/1"), "none");  // HEAD is not GET
}

TEST(RouteMatcherTest, DefaultIsLastAndNoMatchIsNone) {
  RouteMatcher with_default = MustBuild({"GET /pets", "$default"});
  EXPECT_EQ(Select(with_default, "POST", "/pets"), "$default");
  EXPECT_EQ(Select(with_default, "GET", "/nothing"), "$default");
  RouteMatcher without = MustBuild({"GET /pets"});
  EXPECT_EQ(Select(without, "GET", "/nothing"), "none");
  EXPECT_EQ(Select(RouteMatcher(), "GET", "/"), "none");
}

TEST(RouteMatcherTest, RootRoute) {
  RouteMatcher m = MustBuild({"GET /", "GET /{id}"});
  EXPECT_EQ(Select(m, "GET", "/"), "GET /");
  EXPECT_EQ(Select(m, "GET", ""), "GET /");
  EXPECT_EQ(Select(m, "GET", "/x"), "GET /{id}");
}

TEST(RouteMatcherTest, TrailingSlashIsItsOwnSegment) {
  RouteMatcher m = MustBuild({"GET /pets", "GET /pets/{id}"});
  EXPECT_EQ(Select(m, "GET", "/pets/"), "none");
  RouteMatcher greedy = MustBuild({"GET /pets", "GET /pets/{proxy+}", "GET /{all+}"});
  EXPECT_EQ(Select(greedy, "GET", "/pets/"), "GET /{all+}");
  EXPECT_EQ(greedy.Match("GET", "/pets/")->path_parameters, (Params{{"all", "pets/"}}));
  EXPECT_EQ(greedy.Match("GET", "/pets/a/")->path_parameters, (Params{{"proxy", "a/"}}));
}

TEST(RouteMatcherTest, ExtraLeadingSlashesAreIgnored) {
  RouteMatcher m = MustBuild({"GET /pets/{id}"});
  auto match = m.Match("GET", "//pets/7");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->path_parameters, (Params{{"id", "7"}}));
}

TEST(RouteMatcherTest, PathsAreCaseSensitive) {
  RouteMatcher m = MustBuild({"GET /Pets"});
  EXPECT_EQ(Select(m, "GET", "/Pets"), "GET /Pets");
  EXPECT_EQ(Select(m, "GET", "/pets"), "none");
}

TEST(RouteMatcherTest, ParametersAreDecoded) {
  RouteMatcher m = MustBuild({"GET /users/{user}/files/{path+}", "GET /caf\xC3\xA9/{x}"});
  auto match = m.Match("GET", "/users/a%20b%2Fc/files/x%2Fy/z%3F");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route_id, "r0");
  EXPECT_EQ(match->path_parameters, (Params{{"user", "a b/c"}, {"path", "x/y/z?"}}));
  // Literals compare decoded; a malformed escape is kept literally.
  match = m.Match("GET", "/caf%C3%A9/%zz");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->path_parameters, (Params{{"x", "%zz"}}));
}

TEST(RouteMatcherTest, EncodedSlashStaysInsideItsSegment) {
  RouteMatcher m = MustBuild({"GET /a/{x}", "GET /a/b/c"});
  auto match = m.Match("GET", "/a/b%2Fc");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route_key, "GET /a/{x}");
  EXPECT_EQ(match->path_parameters, (Params{{"x", "b/c"}}));
}

TEST(RouteMatcherTest, VariableNeedsANonEmptySegment) {
  RouteMatcher m = MustBuild({"GET /a/{x}/c"});
  EXPECT_EQ(Select(m, "GET", "/a//c"), "none");
  EXPECT_EQ(Select(m, "GET", "/a/b/c"), "GET /a/{x}/c");
}

TEST(RouteMatcherTest, DifferentVariableNamesOnSharedPrefixes) {
  RouteMatcher m = MustBuild({"GET /pets/{id}", "GET /pets/{petId}/toys/{toyId}"});
  EXPECT_EQ(m.Match("GET", "/pets/1")->path_parameters, (Params{{"id", "1"}}));
  EXPECT_EQ(m.Match("GET", "/pets/1/toys/2")->path_parameters,
            (Params{{"petId", "1"}, {"toyId", "2"}}));
}

TEST(RouteMatcherTest, DeepPathsBeyondTheInlineSegments) {
  std::string key = "GET ";
  std::string path;
  for (int i = 0; i < 40; ++i) {
    key += "/s" + std::to_string(i);
    path += "/s" + std::to_string(i);
  }
  key += "/{last}";
  path += "/end%21";
  RouteMatcher m = MustBuild({key});
  auto match = m.Match("GET", path);
  ASSERT_TRUE(match);
  EXPECT_EQ(match->path_parameters, (Params{{"last", "end!"}}));
}

TEST(RouteMatcherTest, RejectsMalformedKeys) {
  for (const char* bad :
       {"", "GET", "GET pets", "FETCH /pets", "get /pets", "GET /pets/{id", "GET /pets/x{id}",
        "GET /{proxy+}/x", "GET /{}", "GET /{+}", "GET /{a}/{a}", "GET /a b", "$DEFAULT"}) {
    Status s = RouteMatcher::ValidateRouteKey(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "BadRequestException");
    EXPECT_EQ(s.error().http_status, 400);
  }
  for (const char* good :
       {"$default", "GET /", "ANY /{proxy+}", "OPTIONS /a/{b}/c", "HEAD /x.json"}) {
    EXPECT_TRUE(RouteMatcher::ValidateRouteKey(good).ok()) << good;
  }
}

TEST(RouteMatcherTest, RejectsDuplicatesAndConflicts) {
  EXPECT_FALSE(RouteMatcher::Build({{"GET /a", "1"}, {"GET /a", "2"}}).ok());
  EXPECT_FALSE(RouteMatcher::Build({{"$default", "1"}, {"$default", "2"}}).ok());
  auto renamed = RouteMatcher::Build({{"GET /a/{x}", "1"}, {"GET /a/{y}", "2"}});
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().http_status, 409);
  EXPECT_EQ(renamed.error().message,
            "The provided route key GET /a/{y} has a conflicting variable on the same "
            "hierarchical level as GET /a/{x}");
  auto greedy = RouteMatcher::Build({{"ANY /a/{p+}", "1"}, {"ANY /a/{q+}", "2"}});
  ASSERT_FALSE(greedy.ok());
  EXPECT_EQ(greedy.error().code, "ConflictException");
  auto bad = RouteMatcher::Build({{"GET /a", "1"}, {"GET /a{", "2"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, testing::HasSubstr("GET /a{"));
  EXPECT_TRUE(RouteMatcher::Build({{"GET /a/{x}", "1"}, {"POST /a/{y}", "2"}}).ok());
}

TEST(RouteMatcherTest, CopiesShareTheRoutes) {
  RouteMatcher copy;
  {
    RouteMatcher m = MustBuild({"GET /a/{x}"});
    copy = m;
  }
  auto match = copy.Match("GET", "/a/1");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route_key, "GET /a/{x}");
  EXPECT_EQ(match->route_id, "r0");
  EXPECT_EQ(copy.size(), 1u);
}

}  // namespace
}  // namespace kumo::apis

#include "edge/http_types.h"

#include <gtest/gtest.h>

namespace kumo::edge {
namespace {

TEST(HeadersTest, LookupIgnoresCaseAndSetReplacesAll) {
  Headers h;
  h.Add("X-Amz-Target", "a");
  h.Add("x-amz-target", "b");
  EXPECT_EQ(h.Get("X-AMZ-TARGET"), "a");
  EXPECT_EQ(h.GetAll("x-amz-target").size(), 2u);
  h.Set("x-Amz-target", "c");
  EXPECT_EQ(h.GetAll("x-amz-target").size(), 1u);
  EXPECT_EQ(h.Get("x-amz-target"), "c");
  h.Remove("X-AMZ-TARGET");
  EXPECT_FALSE(h.Has("x-amz-target"));
}

TEST(PercentTest, DecodesAndRejectsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("a%2", false).has_value());
  EXPECT_FALSE(PercentDecode("a%zz", false).has_value());
  EXPECT_FALSE(PercentDecode("%", false).has_value());
}

TEST(PercentTest, EncodesAllButUnreserved) {
  EXPECT_EQ(PercentEncode("a b/c~", false), "a%20b%2Fc~");
  EXPECT_EQ(PercentEncode("a b/c", true), "a%20b/c");
}

TEST(QueryStringTest, ParsesPairsInOrder) {
  auto q = ParseQueryString("Action=GetCallerIdentity&Version=2011-06-15&empty&x=a%2Bb+c", true);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].first, "Action");
  EXPECT_EQ(q[0].second, "GetCallerIdentity");
  EXPECT_EQ(q[2].first, "empty");
  EXPECT_EQ(q[2].second, "");
  EXPECT_EQ(q[3].second, "a+b c");
}

TEST(RequestTest, HostNameDropsPortAndLowercases) {
  Request r;
  r.headers.Set("Host", "AbC.execute-api.LOCALHOST:4566");
  EXPECT_EQ(r.HostName(), "abc.execute-api.localhost");
  r.headers.Set("Host", "[::1]:4566");
  EXPECT_EQ(r.HostName(), "[::1]");
}

}  // namespace
}  // namespace kumo::edge

#include "tables/projection.h"

#include <gtest/gtest.h>

#include "tables/expression_resolver.h"
#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::Attrs;
using testing::I;

Item Projected(std::string_view item, std::string_view projection, std::string_view names = "") {
  ExpressionAttributes attrs = Attrs(names);
  Result<ProjectionExpression> p = CompileProjection(projection, attrs);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? Project(I(item), p->paths) : Item();
}

TEST(ProjectionTest, KeepsRequestedPathsInTheirStructure) {
  const char* item = R"({"pk":{"S":"p"},"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}},
      "letters":{"L":[{"S":"x"},{"S":"y"},{"S":"z"}]},"alt":{"S":"o"}})";
  EXPECT_EQ(Projected(item, "a.c, letters[2], letters[0], #o", R"({"#o":"alt"})"),
            I(R"({"a":{"M":{"c":{"N":"2"}}},"letters":{"L":[{"S":"x"},{"S":"z"}]},"alt":{"S":"o"}})"));
  EXPECT_EQ(Projected(item, "pk"), I(R"({"pk":{"S":"p"}})"));
  EXPECT_EQ(Projected(item, "a"), I(R"({"a":{"M":{"b":{"N":"1"},"c":{"N":"2"}}}})"));
}

TEST(ProjectionTest, MissingPathsAreAbsent) {
  const char* item = R"({"a":{"M":{"b":{"N":"1"}}},"l":{"L":[{"N":"1"}]},"s":{"S":"x"}})";
  EXPECT_EQ(Projected(item, "a.zz, l[5], s.x, nope"), Item());
  EXPECT_EQ(Projected(item, "s[0]"), Item());
  EXPECT_EQ(Projected(item, "a.b, a.zz"), I(R"({"a":{"M":{"b":{"N":"1"}}}})"));
}

TEST(ProjectionTest, NestedListsAndMaps) {
  const char* item = R"({"a":{"L":[{"M":{"x":{"N":"1"},"y":{"N":"2"}}},{"M":{"x":{"N":"3"}}},{"L":[{"S":"p"},{"S":"q"}]}]}})";
  EXPECT_EQ(Projected(item, "a[1].x, a[0].y, a[2][1]"),
            I(R"({"a":{"L":[{"M":{"y":{"N":"2"}}},{"M":{"x":{"N":"3"}}},{"L":[{"S":"q"}]}]}})"));
}

TEST(ProjectionTest, LegacyRepeatedPathsAreHarmless) {
  Item item = I(R"({"a":{"M":{"b":{"N":"1"}}}})");
  EXPECT_EQ(Project(item, {MakePath({"a"}), MakePath({"a", "b"}), MakePath({"a"})}), item);
}

}  // namespace
}  // namespace kumo::tables

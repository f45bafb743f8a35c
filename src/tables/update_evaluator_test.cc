#include "tables/update_evaluator.h"

#include <gtest/gtest.h>

#include "tables/expression_resolver.h"
#include "tables/test_util.h"

namespace kumo::tables {
namespace {

using testing::Attrs;
using testing::I;
using testing::Json;

Result<Item> Apply(std::string_view item, std::string_view update, std::string_view values = "",
                   std::string_view names = "", bool existed = true) {
  ExpressionAttributes attrs = Attrs(names, values);
  Result<UpdateExpression> u = CompileUpdate(update, attrs);
  EXPECT_TRUE(u.ok()) << update << ": " << (u.ok() ? "" : u.error().message);
  if (!u.ok()) return u.error();
  return ApplyUpdate(*u, I(item), existed);
}

// Applies the update and returns the resulting item as JSON text (or the error).
std::string Updated(std::string_view item, std::string_view update, std::string_view values = "",
                std::string_view names = "") {
  Result<Item> out = Apply(item, update, values, names);
  return out.ok() ? Json(*out) : out.error().message;
}

std::string J(std::string_view json) { return Json(I(json)); }

const char* kBase = R"({"pk":{"S":"p"},"tally":{"N":"1"},"label":{"S":"x"},
  "letters":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]},"info":{"M":{"a":{"N":"1"}}},"tags":{"SS":["a","b"]}})";

TEST(UpdateEvaluatorTest, SetTopLevelAndNested) {
  EXPECT_EQ(Updated(kBase, "SET a = :a, info.b = :b, #l[0] = :z",
                R"({":a":{"S":"A"},":b":{"N":"2"},":z":{"N":"0"}})", R"({"#l":"letters"})"),
            J(R"({"pk":{"S":"p"},"tally":{"N":"1"},"label":{"S":"x"},"a":{"S":"A"},
                 "letters":{"L":[{"N":"0"},{"N":"2"},{"N":"3"}]},"info":{"M":{"a":{"N":"1"},"b":{"N":"2"}}},
                 "tags":{"SS":["a","b"]}})"));
}

TEST(UpdateEvaluatorTest, ReadsOperandsFromTheItemBeforeTheUpdate) {
  EXPECT_EQ(Updated(R"({"a":{"N":"1"},"b":{"N":"2"}})", "SET a = b, b = a"),
            J(R"({"a":{"N":"2"},"b":{"N":"1"}})"));
  EXPECT_EQ(Updated(R"({"a":{"S":"hello"}})", "REMOVE a SET b = a"), J(R"({"b":{"S":"hello"}})"));
  EXPECT_EQ(Updated(R"({"a":{"S":"hello"}})", "SET x = :v, y = x", R"({":v":{"N":"4"}})"),
            "The provided expression refers to an attribute that does not exist in the item");
}

TEST(UpdateEvaluatorTest, Arithmetic) {
  EXPECT_EQ(Updated(R"({"f":{"N":"0.1"},"t":{"N":"1"}})", "SET f = f + :f, t = t - :one",
                R"({":f":{"N":"0.2"},":one":{"N":"1"}})"),
            J(R"({"f":{"N":"0.3"},"t":{"N":"0"}})"));
  EXPECT_EQ(Updated("{}", "SET t = if_not_exists(t, :zero) + :one", R"({":zero":{"N":"0"},":one":{"N":"1"}})"),
            J(R"({"t":{"N":"1"}})"));
  EXPECT_EQ(Updated(R"({"s":{"S":"x"}})", "SET t = s + :one", R"({":one":{"N":"1"}})"),
            "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Updated("{}", "SET t = :a + :b", R"({":a":{"N":"9e125"},":b":{"N":"9e125"}})"),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
}

TEST(UpdateEvaluatorTest, ListAppendAndIfNotExists) {
  EXPECT_EQ(Updated(R"({"l":{"L":[{"N":"1"}]}})",
                "SET l = list_append(l, :t), f = list_append(:h, l), n = list_append(if_not_exists(n, :e), :t)",
                R"({":t":{"L":[{"N":"9"}]},":h":{"L":[{"N":"0"}]},":e":{"L":[]}})"),
            J(R"({"l":{"L":[{"N":"1"},{"N":"9"}]},"f":{"L":[{"N":"0"},{"N":"1"}]},"n":{"L":[{"N":"9"}]}})"));
  EXPECT_EQ(Updated(R"({"b":{"N":"7"}})", "SET a = list_append(b, :t)", R"({":t":{"L":[]}})"),
            "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Updated("{}", "SET a = list_append(b, :t)", R"({":t":{"L":[]}})"),
            "The provided expression refers to an attribute that does not exist in the item");
  EXPECT_EQ(Updated(R"({"a":{"N":"2"}})", "SET a = if_not_exists(a, :v), b = if_not_exists(c, :v)",
                R"({":v":{"N":"3"}})"),
            J(R"({"a":{"N":"2"},"b":{"N":"3"}})"));
}

TEST(UpdateEvaluatorTest, ListIndexes) {
  const char* list = R"({"a":{"L":[{"N":"2"},{"N":"3"},{"N":"4"},{"N":"5"},{"N":"6"},{"N":"7"}]}})";
  const char* v17 = R"({":v":{"N":"17"}})";
  const std::string expected = J(R"({"a":{"L":[{"N":"2"},{"N":"4"},{"N":"17"},{"N":"6"},{"N":"7"}]}})");
  EXPECT_EQ(Updated(list, "REMOVE a[1] SET a[3] = :v", v17), expected);
  EXPECT_EQ(Updated(list, "SET a[3] = :v REMOVE a[1]", v17), expected);
  EXPECT_EQ(Updated(R"({"a":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]}})", "REMOVE a[0], a[2]"),
            J(R"({"a":{"L":[{"N":"2"}]}})"));
  EXPECT_EQ(Updated(R"({"a":{"L":[{"S":"one"}]}})", "SET a[84] = :a1, a[37] = :a2, a[17] = :a3",
                R"({":a1":{"S":"a1"},":a2":{"S":"a2"},":a3":{"S":"a3"}})"),
            J(R"({"a":{"L":[{"S":"one"},{"S":"a3"},{"S":"a2"},{"S":"a1"}]}})"));
  EXPECT_EQ(Updated(R"({"a":{"L":[{"N":"4"}]}})", "REMOVE a[17]"), J(R"({"a":{"L":[{"N":"4"}]}})"));
  EXPECT_EQ(Updated(R"({"a":{"L":[{"N":"1"}]}})", "REMOVE a[0]"), J(R"({"a":{"L":[]}})"));
}

TEST(UpdateEvaluatorTest, InvalidDocumentPaths) {
  const std::string invalid = "The document path provided in the update expression is invalid for update";
  const char* item = R"({"a":{"S":"hello"},"b":{"L":[{"S":"hi"}]}})";
  const char* v = R"({":v":{"N":"7"}})";
  for (const char* update : {"SET a.c = :v", "SET b.c = :v", "SET c.c = :v", "SET a[0] = :v",
                             "SET c[0] = :v"}) {
    EXPECT_EQ(Updated(item, update, v), invalid) << update;
  }
  for (const char* update : {"REMOVE a.c", "REMOVE b.c", "REMOVE c.c", "REMOVE a[0]"}) {
    EXPECT_EQ(Updated(item, update), invalid) << update;
  }
  // Missing leaves under existing parents are fine; so is anything when the item did not exist.
  EXPECT_EQ(Updated(R"({"a":{"M":{"x":{"N":"3"}}},"b":{"L":[]}})", "REMOVE a.y, b[7], c"),
            J(R"({"a":{"M":{"x":{"N":"3"}}},"b":{"L":[]}})"));
  Result<Item> fresh = Apply(R"({"pk":{"S":"k"}})", "REMOVE x.y", "", "", /*existed=*/false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*fresh, I(R"({"pk":{"S":"k"}})"));
}

TEST(UpdateEvaluatorTest, AddAndDelete) {
  EXPECT_EQ(Updated(kBase, "ADD tally :five, newCount :five, tags :more, nums :ns",
                R"({":five":{"N":"5"},":more":{"SS":["b","c"]},":ns":{"NS":["1"]}})"),
            J(R"({"pk":{"S":"p"},"tally":{"N":"6"},"label":{"S":"x"},"newCount":{"N":"5"},
                 "letters":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]},"info":{"M":{"a":{"N":"1"}}},
                 "tags":{"SS":["a","b","c"]},"nums":{"NS":["1"]}})"));
  EXPECT_EQ(Updated(kBase, "ADD label :one", R"({":one":{"N":"1"}})"),
            "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Updated(kBase, "ADD tags :ns", R"({":ns":{"NS":["1"]}})"),
            "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Updated(R"({"s":{"SS":["a","b"]}})", "DELETE s :a", R"({":a":{"SS":["a","zz"]}})"),
            J(R"({"s":{"SS":["b"]}})"));
  EXPECT_EQ(Updated(R"({"s":{"SS":["a"]},"k":{"N":"1"}})", "DELETE s :a", R"({":a":{"SS":["a"]}})"),
            J(R"({"k":{"N":"1"}})"));
  EXPECT_EQ(Updated(R"({"k":{"N":"1"}})", "DELETE s :a", R"({":a":{"SS":["a"]}})"), J(R"({"k":{"N":"1"}})"));
  EXPECT_EQ(Updated(R"({"s":{"NS":["1"]}})", "DELETE s :a", R"({":a":{"SS":["a"]}})"),
            "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(Updated(R"({"m":{"M":{"n":{"N":"1"}}}})", "ADD m.n :v", R"({":v":{"N":"-3"}})"),
            J(R"({"m":{"M":{"n":{"N":"-2"}}}})"));
}

TEST(UpdateEvaluatorTest, CombinesClauses) {
  EXPECT_EQ(Updated(kBase, "SET a = :a REMOVE info ADD #c :one DELETE tags :t",
                R"({":a":{"N":"1"},":one":{"N":"1"},":t":{"SS":["a"]}})", R"({"#c":"tally"})"),
            J(R"({"pk":{"S":"p"},"tally":{"N":"2"},"label":{"S":"x"},"a":{"N":"1"},
                 "letters":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]},"tags":{"SS":["b"]}})"));
}

}  // namespace
}  // namespace kumo::tables

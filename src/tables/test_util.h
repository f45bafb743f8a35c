// Helpers shared by the tables unit tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <string_view>

#include "tables/attribute_value.h"
#include "tables/expression_attributes.h"

namespace kumo::tables::testing {

// boost::json's default depth limit (32) is below DynamoDB's nesting limit.
inline boost::json::value ParseJson(std::string_view json) {
  boost::json::parse_options options;
  options.max_depth = 256;
  return boost::json::parse(json, {}, options);
}

// The value of `r`; on error, fails the test (naming `context`) and returns T{}.
template <typename T>
T ValueOf(Result<T> r, std::string_view context) {
  EXPECT_TRUE(r.ok()) << context << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : T{};
}

// Parses DynamoDB JSON of one value, e.g. R"({"N":"1"})"; fails the test on error.
inline AttributeValue V(std::string_view json) {
  return ValueOf(AttributeValueFromJson(ParseJson(json)), json);
}

// Parses DynamoDB JSON of an item, e.g. R"({"a":{"S":"x"}})".
inline Item I(std::string_view json) { return ValueOf(ItemFromJson(ParseJson(json)), json); }

// ExpressionAttributes from JSON maps, e.g. Attrs(R"({"#n":"name"})", R"({":v":{"N":"1"}})").
inline ExpressionAttributes Attrs(std::string_view names = "", std::string_view values = "") {
  boost::json::object request;
  if (!names.empty()) request["ExpressionAttributeNames"] = ParseJson(names);
  if (!values.empty()) request["ExpressionAttributeValues"] = ParseJson(values);
  Result<ExpressionAttributes> attrs = ExpressionAttributes::FromRequest(request);
  EXPECT_TRUE(attrs.ok()) << (attrs.ok() ? "" : attrs.error().message);
  return attrs.ok() ? std::move(attrs).value() : ExpressionAttributes();
}

inline std::string Json(const Item& item) {
  std::string out;
  AppendItemJsonText(item, out);
  return out;
}

// The message of a failed Result/Status, or "" (and a test failure) if it succeeded.
template <typename R>
std::string ErrorOf(const R& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.error().message;
}

}  // namespace kumo::tables::testing

#include "apis/openapi_yaml.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace kumo::apis {
namespace {

namespace json = boost::json;

json::value J(std::string_view text) { return json::parse(text); }

TEST(YamlTest, ScalarsKeepTheirTypesAndText) {
  Result<json::value> v = ParseYaml(R"(a: 1.0
b: 1.10
c: '123'
d: 5000
e: true
f: ~
g: "true"
h: 007
i: !!str 12
j: -2.5
k: yes
)");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v.value(), J(R"({"a": 1.0, "b": "1.10", "c": "123", "d": 5000, "e": true, "f": null,
                            "g": "true", "h": "007", "i": "12", "j": -2.5, "k": "yes"})"));
}

TEST(YamlTest, QuotesStringsThatReadAsOtherTypes) {
  for (std::string_view s : {"", "2.0", "true", "False", "123", "-1", ".5", "null", "~", "yes",
                             "off", "1e3", "0x1F", "2026-11-22 10:00:00UTC"}) {
    EXPECT_TRUE(YamlNeedsQuotes(s)) << s;
  }
  for (std::string_view s : {"/pets/{id}", "$request.header.Authorization", "GET", "arn:aws:x",
                             "x-amazon-apigateway-cors", "truely"}) {
    EXPECT_FALSE(YamlNeedsQuotes(s)) << s;
  }
  json::value tricky = J(R"({"2.0": ["2.0", "true", "123", "null", "", "~", "-1", "yes", "#x",
                                     "a: b", "- x", "*a", "{a}", "multi\nline", " pad "],
                              "n": 1.5, "i": -3, "b": false, "z": null, "e": {}, "l": []})");
  std::string text = EmitYaml(tricky);
  EXPECT_NE(text.find("\"2.0\":"), std::string::npos) << text;
  Result<json::value> back = ParseYaml(text);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  EXPECT_EQ(back.value(), tricky) << text;
}

}  // namespace
}  // namespace kumo::apis

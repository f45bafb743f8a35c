// Function names, qualifiers and ARNs are parsed in every form the Lambda API
// accepts and rejected with AWS's wording otherwise.
#include "functions/names.h"

#include <gtest/gtest.h>

namespace kumo::functions {
namespace {

FunctionRef Parse(std::string_view in, std::string_view qualifier = "",
                  NameShape shape = NameShape::kFunctionName) {
  Result<FunctionRef> r = ParseFunctionRef(in, qualifier, "us-east-1", shape);
  EXPECT_TRUE(r.ok()) << in << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : FunctionRef{};
}

TEST(ParseFunctionRefTest, AcceptsEveryNameForm) {
  EXPECT_EQ(Parse("my-fn").name, "my-fn");
  EXPECT_TRUE(Parse("my-fn").bare_name);
  FunctionRef q = Parse("my-fn:prod");
  EXPECT_EQ(q.name, "my-fn");
  EXPECT_EQ(q.qualifier, "prod");
  EXPECT_FALSE(q.bare_name);
  EXPECT_EQ(Parse("000000000000:function:my_fn").name, "my_fn");
  EXPECT_EQ(Parse("000000000000:function:my_fn:7").qualifier, "7");
  FunctionRef arn = Parse("arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST");
  EXPECT_EQ(arn.name, "f");
  EXPECT_EQ(arn.qualifier, "$LATEST");
  EXPECT_EQ(Parse("us-east-1:000000000000:function:f").name, "f");
  EXPECT_EQ(Parse("a.b", "", NameShape::kNamespacedName).name, "a.b");
}

TEST(ParseFunctionRefTest, QualifierParameterMergesWithTheArn) {
  EXPECT_EQ(Parse("f", "3").qualifier, "3");
  EXPECT_EQ(Parse("f:3", "3").qualifier, "3");
  Result<FunctionRef> r = ParseFunctionRef("f:3", "4", "us-east-1", NameShape::kFunctionName);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValueException");
  EXPECT_EQ(r.error().message,
            "The derived qualifier from the function name does not match the specified "
            "qualifier.");
}

TEST(ParseFunctionRefTest, RejectsMalformedNamesWithTheModelPattern) {
  for (std::string_view bad : {"bad name", "a:b:c", "arn:aws:s3:::bucket", "f!", "", "a.b"}) {
    Result<FunctionRef> r = ParseFunctionRef(bad, "", "us-east-1", NameShape::kFunctionName);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "ValidationException") << bad;
    EXPECT_EQ(r.error().http_status, 400);
  }
  Result<FunctionRef> r = ParseFunctionRef("bad name", "", "us-east-1", NameShape::kFunctionName);
  EXPECT_EQ(r.error().message,
            "1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
            "(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
  std::string long_name(141, 'a');
  r = ParseFunctionRef(long_name, "", "us-east-1", NameShape::kFunctionName);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Member must have length less than or equal to 140"),
            std::string::npos);
  r = ParseFunctionRef("f", "bad qualifier", "us-east-1", NameShape::kFunctionName);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("at 'qualifier'"), std::string::npos);
}

TEST(ParseFunctionRefTest, AnArnOfAnotherRegionIsNotFound) {
  Result<FunctionRef> r = ParseFunctionRef("arn:aws:lambda:eu-west-1:000000000000:function:f", "",
                                           "us-east-1", NameShape::kFunctionName);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 404);
  EXPECT_EQ(r.error().message,
            "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')");
}

TEST(NamesTest, AliasesVersionsRegionsAndKeys) {
  EXPECT_TRUE(IsAliasName("prod"));
  EXPECT_TRUE(IsAliasName("v1-blue"));
  EXPECT_FALSE(IsAliasName("123"));
  EXPECT_FALSE(IsAliasName("$LATEST"));
  EXPECT_TRUE(IsVersionNumber("12"));
  EXPECT_FALSE(IsVersionNumber("1a"));
  EXPECT_TRUE(IsRegion("us-gov-west-1"));
  EXPECT_FALSE(IsRegion("useast1"));
  EXPECT_LT(VersionKey(9), VersionKey(10));
  EXPECT_LT(std::string("$LATEST"), VersionKey(1)) << "$LATEST lists first";
  EXPECT_EQ(QualifiedArn("us-east-1", "f", "2"),
            "arn:aws:lambda:us-east-1:000000000000:function:f:2");
}

TEST(NamesTest, LayerArns) {
  auto ref = ParseLayerArn("arn:aws:lambda:us-east-1:000000000000:layer:deps:3");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->name, "deps");
  EXPECT_EQ(ref->version, 3);
  EXPECT_EQ(ref->account, "000000000000");
  ref = ParseLayerArn("arn:aws:lambda:us-east-1:000000000000:layer:deps");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->version, 0);
  EXPECT_FALSE(ParseLayerArn("arn:aws:lambda:us-east-1:000000000000:function:f:1").has_value());
  EXPECT_EQ(LayerVersionArn("us-east-1", "deps", 3),
            "arn:aws:lambda:us-east-1:000000000000:layer:deps:3");
}

}  // namespace
}  // namespace kumo::functions

// Resource policies and tags.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "functions/testing/service_fixture.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::Reply;

class PolicyOpsTest : public testing::ServiceTest {
 protected:
  Reply AddPermission(const std::string& fn, json::object body, const std::string& query = "") {
    return Call("POST", "/2015-03-31/functions/" + fn + "/policy" + query, Dump(body));
  }
  static json::object S3Permission(const std::string& sid) {
    return {{"StatementId", sid},
            {"Action", "lambda:InvokeFunction"},
            {"Principal", "s3.amazonaws.com"},
            {"SourceArn", "arn:aws:s3:::bucket"},
            {"SourceAccount", "000000000000"}};
  }
  static constexpr char kTagsPath[] =
      "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af";
};

TEST_F(PolicyOpsTest, AddPermissionStoresTheStatement) {
  json::object created = Create("f").Json();
  Reply r = AddPermission("f", S3Permission("s3"));
  ASSERT_EQ(r.status, 201) << r.body;
  json::object statement = json::parse(r.Json()["Statement"].as_string()).as_object();
  EXPECT_EQ(Dump(statement),
            R"({"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},)"
            R"("Action":"lambda:InvokeFunction",)"
            R"("Resource":"arn:aws:lambda:us-east-1:000000000000:function:f",)"
            R"("Condition":{"StringEquals":{"AWS:SourceAccount":"000000000000"},)"
            R"("ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}})");
  Reply policy = Call("GET", "/2015-03-31/functions/f/policy");
  ASSERT_EQ(policy.status, 200);
  json::object doc = json::parse(policy.Json()["Policy"].as_string()).as_object();
  EXPECT_EQ(doc["Version"].as_string(), "2012-10-17");
  EXPECT_EQ(doc["Id"].as_string(), "default");
  EXPECT_EQ(doc["Statement"].as_array().size(), 1u);
  std::string revision(policy.Json()["RevisionId"].as_string());
  EXPECT_NE(revision, created["RevisionId"].as_string()) << "a policy change is a revision";

  Reply dup = AddPermission("f", S3Permission("s3"));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.Message(),
            "The statement id (s3) provided already exists. Please provide a new statement id, "
            "or remove the existing statement.");
  json::object stale = S3Permission("other");
  stale["RevisionId"] = "old";
  EXPECT_EQ(AddPermission("f", stale).status, 412);
  json::object account = S3Permission("acct");
  account["Principal"] = "123456789012";
  ASSERT_EQ(AddPermission("f", account).status, 201);
  EXPECT_NE(Call("GET", "/2015-03-31/functions/f/policy")
                .Json()["Policy"]
                .as_string()
                .find(R"({"AWS":"arn:aws:iam::123456789012:root"})"),
            std::string::npos);
}

TEST_F(PolicyOpsTest, PermissionErrors) {
  ASSERT_EQ(Create("f").status, 201);
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f/policy").Message(),
            "The resource you requested does not exist.");
  EXPECT_EQ(AddPermission("f", S3Permission("s"), "?Qualifier=%24LATEST").Message(),
            "We currently do not support adding policies for $LATEST.");
  json::object bad_principal = S3Permission("p");
  bad_principal["Principal"] = "somebody";
  EXPECT_EQ(AddPermission("f", bad_principal).Message(),
            "The provided principal was invalid. Please check the principal and try again.");
  json::object bad_sid = S3Permission("bad sid");
  EXPECT_EQ(AddPermission("f", bad_sid).error_code, "ValidationException");
  EXPECT_EQ(AddPermission("nope", S3Permission("s")).status, 404);

  ASSERT_EQ(AddPermission("f", S3Permission("keep")).status, 201);
  Reply missing = Call("DELETE", "/2015-03-31/functions/f/policy/other");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Message(), "Statement other is not found in resource policy.");
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f/policy/keep?RevisionId=old").status, 412);
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f/policy/keep").status, 204);
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f/policy").status, 404) << "empty policy is gone";
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f/policy/keep").Message(),
            "No policy is associated with the given resource.");
}

TEST_F(PolicyOpsTest, PoliciesOnVersionsAndAliasesAreSeparate) {
  ASSERT_EQ(Create("f", {{"Publish", true}}).status, 201);
  ASSERT_EQ(Call("POST", "/2015-03-31/functions/f/aliases",
                 Dump(json::object{{"Name", "live"}, {"FunctionVersion", "1"}}))
                .status,
            201);
  ASSERT_EQ(AddPermission("f", S3Permission("s"), "?Qualifier=live").status, 201);
  ASSERT_EQ(AddPermission("f", S3Permission("s"), "?Qualifier=1").status, 201)
      << "same sid, other scope";
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f/policy").status, 404);
  std::string policy(
      Call("GET", "/2015-03-31/functions/f/policy?Qualifier=live").Json()["Policy"].as_string());
  EXPECT_NE(policy.find("function:f:live"), std::string::npos);
  EXPECT_EQ(AddPermission("f", S3Permission("x"), "?Qualifier=nope").status, 404);
}

TEST_F(PolicyOpsTest, Tags) {
  ASSERT_EQ(Create("f", {{"Tags", json::object{{"a", "1"}}}}).status, 201);
  ASSERT_EQ(Call("POST", kTagsPath, Dump(json::object{{"Tags", {{"b", "2"}, {"a", "3"}}}})).status,
            204);
  EXPECT_EQ(Dump(Call("GET", kTagsPath).Json()), R"({"Tags":{"a":"3","b":"2"}})");
  ASSERT_EQ(Call("DELETE", std::string(kTagsPath) + "?tagKeys=a&tagKeys=zzz").status, 204);
  EXPECT_EQ(Dump(Call("GET", kTagsPath).Json()), R"({"Tags":{"b":"2"}})");
  EXPECT_EQ(Call("DELETE", kTagsPath).error_code, "ValidationException");
  EXPECT_EQ(Call("POST", kTagsPath, R"({"Tags":{}})").Message(),
            "An error occurred and the request cannot be processed.");
  EXPECT_EQ(Call("POST", std::string(kTagsPath) + "%3A1", R"({"Tags":{"a":"b"}})").Message(),
            "Tags on function aliases and versions are not supported. Please specify a function "
            "ARN.");
  EXPECT_EQ(Call("GET", "/2017-03-31/tags/f").error_code, "ValidationException");
  EXPECT_EQ(Call("GET",
                 "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Anope")
                .status,
            404);
  json::object many;
  for (int i = 0; i < 51; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(Call("POST", kTagsPath, Dump(json::object{{"Tags", many}})).Message(),
            "Number of tags exceeds resource tag limit.");
}

}  // namespace
}  // namespace kumo::functions

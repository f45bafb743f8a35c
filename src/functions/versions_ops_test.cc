// Versions and aliases: publishing only on change, the CodeSha256 and
// RevisionId guards, alias routing validation and alias resolution.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "functions/testing/service_fixture.h"
#include "functions/testing/test_zip.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::Reply;

class VersionsOpsTest : public testing::ServiceTest {
 protected:
  Reply Publish(const std::string& fn, json::object body = {}) {
    return Call("POST", "/2015-03-31/functions/" + fn + "/versions", Dump(body));
  }
  Reply UpdateTimeout(const std::string& fn, int timeout) {
    return Call("PUT", "/2015-03-31/functions/" + fn + "/configuration",
                Dump(json::object{{"Timeout", timeout}}));
  }
  Reply CreateAlias(const std::string& fn, json::object body) {
    return Call("POST", "/2015-03-31/functions/" + fn + "/aliases", Dump(body));
  }
  std::string Version(const Reply& r) { return std::string(r.Json()["Version"].as_string()); }
};

TEST_F(VersionsOpsTest, PublishesOnlyWhenSomethingChanged) {
  ASSERT_EQ(Create("f").status, 201);
  Reply first = Publish("f", {{"Description", "first"}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Version(first), "1");
  EXPECT_EQ(first.Json()["State"].as_string(), "Pending");
  EXPECT_EQ(first.Json()["Description"].as_string(), "first");
  EXPECT_FALSE(first.Json().contains("LastUpdateStatus"));
  EXPECT_EQ(first.Json()["FunctionArn"].as_string(),
            "arn:aws:lambda:us-east-1:000000000000:function:f:1");
  EXPECT_EQ(Version(Publish("f")), "1") << "nothing changed: the existing version comes back";
  ASSERT_EQ(UpdateTimeout("f", 9).status, 200);
  EXPECT_EQ(Version(Publish("f")), "2");
  Reply v1 = Call("GET", "/2015-03-31/functions/f/configuration?Qualifier=1");
  EXPECT_EQ(v1.Json()["Timeout"].as_int64(), 3) << "published versions are immutable";
  EXPECT_EQ(v1.Json()["State"].as_string(), "Active");
}

TEST_F(VersionsOpsTest, PublishedVersionsReadActiveAndSuccessful) {
  ASSERT_EQ(Create("f").status, 201);
  ASSERT_EQ(UpdateTimeout("f", 9).status, 200);
  Reply published = Publish("f");
  EXPECT_FALSE(published.Json().contains("LastUpdateStatus")) << "the answer says Pending only";
  Reply read = Call("GET", "/2015-03-31/functions/f/configuration?Qualifier=1");
  EXPECT_EQ(read.Json()["State"].as_string(), "Active");
  ASSERT_TRUE(read.Json().contains("LastUpdateStatus")) << read.body;
  EXPECT_EQ(read.Json()["LastUpdateStatus"].as_string(), "Successful");
  Reply again = Publish("f");  // unchanged: the existing version, as reads show it
  EXPECT_EQ(again.Json()["LastUpdateStatus"].as_string(), "Successful");
}

TEST_F(VersionsOpsTest, PublishChecksCodeShaAndRevision) {
  json::object created = Create("f").Json();
  Reply sha = Publish("f", {{"CodeSha256", "wrong"}});
  EXPECT_EQ(sha.error_code, "InvalidParameterValueException");
  EXPECT_EQ(sha.Message(), "CodeSHA256 (wrong) is different from current CodeSHA256 in $LATEST (" +
                               std::string(created["CodeSha256"].as_string()) +
                               "). Please try again with the CodeSHA256 in $LATEST.");
  EXPECT_EQ(Publish("f", {{"RevisionId", "old"}}).status, 412);
  EXPECT_EQ(
      Publish("f", {{"CodeSha256", created["CodeSha256"]}, {"RevisionId", created["RevisionId"]}})
          .status,
      201);
  EXPECT_EQ(Publish("nope").status, 404);
}

TEST_F(VersionsOpsTest, VersionNumbersAreNotReusedAfterDelete) {
  ASSERT_EQ(Create("f").status, 201);
  ASSERT_EQ(Version(Publish("f")), "1");
  ASSERT_EQ(Call("DELETE", "/2015-03-31/functions/f?Qualifier=1").status, 204);
  ASSERT_EQ(UpdateTimeout("f", 5).status, 200);
  EXPECT_EQ(Version(Publish("f")), "2");
  Reply list = Call("GET", "/2015-03-31/functions/f/versions");
  json::array versions = list.Json()["Versions"].as_array();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].as_object().at("Version").as_string(), "$LATEST");
  EXPECT_EQ(versions[1].as_object().at("Version").as_string(), "2");
  Reply page = Call("GET", "/2015-03-31/functions/f/versions?MaxItems=1");
  EXPECT_EQ(page.Json()["Versions"].as_array().size(), 1u);
  EXPECT_TRUE(page.Json().contains("NextMarker"));
}

TEST_F(VersionsOpsTest, AliasLifecycle) {
  ASSERT_EQ(Create("f").status, 201);
  ASSERT_EQ(Version(Publish("f")), "1");
  Reply created = CreateAlias("f", {{"Name", "live"}, {"FunctionVersion", "1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["AliasArn"].as_string(),
            "arn:aws:lambda:us-east-1:000000000000:function:f:live");
  EXPECT_EQ(created.Json()["Description"].as_string(), "");
  Reply dup = CreateAlias("f", {{"Name", "live"}, {"FunctionVersion", "1"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.Message(),
            "Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:f:live");

  Reply got = Call("GET", "/2015-03-31/functions/f/aliases/live");
  EXPECT_EQ(got.Json()["FunctionVersion"].as_string(), "1");
  Reply via_alias = Call("GET", "/2015-03-31/functions/f?Qualifier=live");
  EXPECT_EQ(via_alias.Json()["Configuration"].as_object().at("FunctionArn").as_string(),
            "arn:aws:lambda:us-east-1:000000000000:function:f:live");
  EXPECT_EQ(via_alias.Json()["Configuration"].as_object().at("Version").as_string(), "1");

  std::string revision(got.Json()["RevisionId"].as_string());
  Reply stale = Call("PUT", "/2015-03-31/functions/f/aliases/live",
                     Dump(json::object{{"Description", "x"}, {"RevisionId", "old"}}));
  EXPECT_EQ(stale.status, 412);
  Reply updated =
      Call("PUT", "/2015-03-31/functions/f/aliases/live",
           Dump(json::object{{"FunctionVersion", "$LATEST"}, {"RevisionId", revision}}));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["FunctionVersion"].as_string(), "$LATEST");
  EXPECT_NE(updated.Json()["RevisionId"].as_string(), revision);

  ASSERT_EQ(CreateAlias("f", {{"Name", "beta"}, {"FunctionVersion", "1"}}).status, 201);
  Reply filtered = Call("GET", "/2015-03-31/functions/f/aliases?FunctionVersion=1");
  ASSERT_EQ(filtered.Json()["Aliases"].as_array().size(), 1u);
  EXPECT_EQ(filtered.Json()["Aliases"].as_array()[0].as_object().at("Name").as_string(), "beta");

  Reply blocked = Call("DELETE", "/2015-03-31/functions/f?Qualifier=1");
  EXPECT_EQ(blocked.status, 409);
  EXPECT_EQ(blocked.Message(),
            "Unable to delete version because the following aliases reference it: [beta]");
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f/aliases/beta").status, 204);
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f/aliases/beta").status, 204);
  Reply gone = Call("GET", "/2015-03-31/functions/f/aliases/beta");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.Message(),
            "Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:f:beta");
}

TEST_F(VersionsOpsTest, AliasInputValidation) {
  ASSERT_EQ(Create("f").status, 201);
  ASSERT_EQ(Version(Publish("f")), "1");
  ASSERT_EQ(UpdateTimeout("f", 4).status, 200);
  ASSERT_EQ(Version(Publish("f")), "2");
  Reply numeric = CreateAlias("f", {{"Name", "123"}, {"FunctionVersion", "1"}});
  EXPECT_EQ(numeric.Message(),
            "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  Reply missing = CreateAlias("f", {{"Name", "a"}, {"FunctionVersion", "9"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Message(),
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:9");

  auto routed = [&](json::object weights, std::string target = "1") {
    return CreateAlias("f",
                       {{"Name", "r"},
                        {"FunctionVersion", target},
                        {"RoutingConfig", json::object{{"AdditionalVersionWeights", weights}}}});
  };
  EXPECT_EQ(routed({{"2", 0.1}, {"3", 0.1}}).Message(),
            "Number of items in AdditionalVersionWeights cannot be greater than 1");
  EXPECT_EQ(routed({{"2", 1.5}}).Message(),
            "1 validation error detected: Value '{2=1.5}' at "
            "'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value "
            "must satisfy constraint: [Member must have value less than or equal to 1.0, Member "
            "must have value greater than or equal to 0.0, Member must not be null]");
  EXPECT_EQ(routed({{"1", 0.5}}).Message(),
            "Invalid function version 1. Function version 1 is already included in routing "
            "configuration.");
  EXPECT_EQ(routed({{"2", 0.5}}, "$LATEST").Message(),
            "$LATEST is not supported for an alias pointing to more than 1 version");
  EXPECT_EQ(routed({{"7", 0.5}}).status, 404);
  Reply ok = routed({{"2", 0.25}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(Dump(ok.Json()["RoutingConfig"]), R"({"AdditionalVersionWeights":{"2":2.5E-1}})");
}

TEST_F(VersionsOpsTest, ResolveFollowsAliasWeights) {
  ASSERT_EQ(Create("f").status, 201);
  ASSERT_EQ(Version(Publish("f")), "1");
  ASSERT_EQ(UpdateTimeout("f", 4).status, 200);
  ASSERT_EQ(Version(Publish("f")), "2");
  ASSERT_EQ(CreateAlias(
                "f", {{"Name", "live"},
                      {"FunctionVersion", "1"},
                      {"RoutingConfig", json::object{{"AdditionalVersionWeights", {{"2", 0.25}}}}}})
                .status,
            201);
  randoms_ = {0.1, 0.9, 0.24, 0.26};
  std::vector<std::string> got;
  for (int i = 0; i < 4; ++i) {
    Result<FunctionConfig> c = service_->Resolve("us-east-1", "f", "live");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->alias, "live");
    got.push_back(c->version);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"2", "1", "2", "1"}));
  Result<FunctionConfig> v2 = service_->Resolve("us-east-1", "f:2", "");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->timeout_seconds, 4);
  EXPECT_EQ(v2->qualified_arn, "arn:aws:lambda:us-east-1:000000000000:function:f:2");
  EXPECT_FALSE(service_->Resolve("us-east-1", "f", "nope").ok());
}

}  // namespace
}  // namespace kumo::functions

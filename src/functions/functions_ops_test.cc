// Function operations through the edge handler: what AWS answers on success
// and the errors (code, status, message) it answers on bad input.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "common/encoding.h"
#include "functions/testing/service_fixture.h"
#include "functions/testing/test_zip.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::OneFileZip;
using testing::Reply;
using testing::ZipCode;

class FunctionsOpsTest : public testing::ServiceTest {};

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "<absent>";
}

TEST_F(FunctionsOpsTest, CreateAnswersPendingThenReadsAreActive) {
  Reply r = Create("hello", {{"Environment", json::object{{"Variables", {{"AB", "1"}}}}},
                             {"MemorySize", 256},
                             {"Timeout", 30},
                             {"Description", "d"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json::object c = r.Json();
  EXPECT_EQ(Str(c, "FunctionName"), "hello");
  EXPECT_EQ(Str(c, "FunctionArn"), "arn:aws:lambda:us-east-1:000000000000:function:hello");
  EXPECT_EQ(Str(c, "State"), "Pending");
  EXPECT_EQ(Str(c, "StateReasonCode"), "Creating");
  EXPECT_EQ(Str(c, "LastUpdateStatus"), "<absent>");
  EXPECT_EQ(Str(c, "Version"), "$LATEST");
  EXPECT_EQ(Str(c, "Runtime"), "python3.12");
  EXPECT_EQ(Str(c, "LastModified"), "2023-11-14T22:13:20.000+0000");
  EXPECT_EQ(Str(c, "CodeSha256"), Base64Encode(Sha256(OneFileZip())));
  EXPECT_EQ(c["CodeSize"].as_int64(), static_cast<int64_t>(OneFileZip().size()));
  EXPECT_EQ(c["MemorySize"].as_int64(), 256);
  EXPECT_EQ(c["Timeout"].as_int64(), 30);
  EXPECT_EQ(Dump(c["Environment"]), R"({"Variables":{"AB":"1"}})");
  EXPECT_EQ(Dump(c["LoggingConfig"]), R"({"LogFormat":"Text","LogGroup":"/aws/lambda/hello"})");
  EXPECT_EQ(Str(c, "PackageType"), "Zip");

  Reply get = Call("GET", "/2015-03-31/functions/hello/configuration");
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(Str(get.Json(), "State"), "Active");
  EXPECT_EQ(Str(get.Json(), "LastUpdateStatus"), "Successful");
  EXPECT_EQ(Str(get.Json(), "RevisionId"), Str(c, "RevisionId"));
}

TEST_F(FunctionsOpsTest, GetFunctionServesTheZipOnTheCallersHost) {
  ASSERT_EQ(Create("f", {{"Tags", json::object{{"team", "x"}}}}).status, 201);
  Reply r = Call("GET", "/2015-03-31/functions/f");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = r.Json();
  std::string location = Str(o["Code"].as_object(), "Location");
  std::string hex = HexEncode(Sha256(OneFileZip()));
  EXPECT_EQ(location, "http://localhost:4566/_kumo/code/" + hex + ".zip");
  EXPECT_EQ(Str(o["Code"].as_object(), "RepositoryType"), "S3");
  EXPECT_EQ(Dump(o["Tags"]), R"({"team":"x"})");
  EXPECT_EQ(Str(o["Configuration"].as_object(), "State"), "Active");

  Reply zip = Call("GET", "/_kumo/code/" + hex + ".zip");
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.body, OneFileZip());
  EXPECT_EQ(zip.headers.Get("Content-Type"), "application/zip");
  EXPECT_EQ(Call("GET", "/_kumo/code/" + std::string(64, 'a') + ".zip").status, 404);
  EXPECT_EQ(Call("GET", "/_kumo/code/..%2F..%2Fetc.zip").status, 404);
}

TEST_F(FunctionsOpsTest, AddressesFunctionsByArnAndPartialArn) {
  ASSERT_EQ(Create("f").status, 201);
  for (std::string name : {"f", "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af",
                           "000000000000%3Afunction%3Af"}) {
    EXPECT_EQ(Call("GET", "/2015-03-31/functions/" + name).status, 200) << name;
  }
  Reply other = Call(
      "GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A000000000000%3Afunction%3Af");
  EXPECT_EQ(other.status, 404);
  Reply missing = Call("GET", "/2015-03-31/functions/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code, "ResourceNotFoundException");
  EXPECT_EQ(missing.Message(),
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");
  Reply missing_version = Call("GET", "/2015-03-31/functions/f?Qualifier=7");
  EXPECT_EQ(missing_version.Message(),
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f:7");
}

TEST_F(FunctionsOpsTest, CreateRejectsDuplicatesAndUnsupportedCode) {
  ASSERT_EQ(Create("f").status, 201);
  Reply dup = Create("f");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.error_code, "ResourceConflictException");
  EXPECT_EQ(dup.Message(), "Function already exist: f");

  Reply s3 = Create("g", {{"Code", json::object{{"S3Bucket", "b"}, {"S3Key", "k.zip"}}}});
  EXPECT_EQ(s3.status, 400);
  EXPECT_EQ(s3.error_code, "InvalidParameterValueException");
  EXPECT_NE(s3.Message().find("S3"), std::string::npos);
  EXPECT_NE(s3.Message().find("not support"), std::string::npos);

  Reply bad_zip = Create("g", {{"Code", ZipCode("not a zip")}});
  EXPECT_EQ(bad_zip.error_code, "InvalidParameterValueException");
  EXPECT_EQ(bad_zip.Message(),
            "Could not unzip uploaded file. Please check your file, then try to upload again.");
  Reply escaping = Create("g", {{"Code", ZipCode(testing::MakeZip({{"../../x", "y"}}))}});
  EXPECT_EQ(escaping.error_code, "InvalidParameterValueException");
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/g").status, 404) << "nothing was created";
}

TEST_F(FunctionsOpsTest, CreateValidatesLikeAws) {
  struct Case {
    json::object extra;
    std::string code;
    std::string message;
  };
  std::vector<Case> cases = {
      {{{"MemorySize", 64}},
       "ValidationException",
       "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: "
       "Member must have value greater than or equal to 128"},
      {{{"MemorySize", 10241}},
       "ValidationException",
       "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: "
       "Member must have value less than or equal to 10240"},
      {{{"Timeout", 901}, {"MemorySize", 1}},
       "ValidationException",
       "2 validation errors detected: Value '901' at 'timeout' failed to satisfy constraint: "
       "Member must have value less than or equal to 900; Value '1' at 'memorySize' failed to "
       "satisfy constraint: Member must have value greater than or equal to 128"},
      {{{"Runtime", "python3.7"}},
       "InvalidParameterValueException",
       "The runtime parameter of python3.7 is no longer supported for creating or updating AWS "
       "Lambda functions. We recommend you use the new runtime (python3.12) while creating or "
       "updating functions."},
      {{{"Runtime", "java21"}},
       "InvalidParameterValueException",
       "Value java21 at 'runtime' failed to satisfy constraint: Member must satisfy enum value "
       "set: [nodejs18.x, nodejs20.x, nodejs22.x, python3.9, python3.10, python3.11, "
       "python3.12, python3.13, provided, provided.al2, provided.al2023] or be a valid ARN"},
      {{{"Handler", "has space"}},
       "ValidationException",
       "1 validation error detected: Value 'has space' at 'handler' failed to satisfy "
       "constraint: Member must satisfy regular expression pattern: [^\\s]+"},
      {{{"Role", "not-a-role"}},
       "ValidationException",
       "1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: "
       "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"},
      {{{"Environment", json::object{{"Variables", {{"AWS_REGION", "x"}}}}}},
       "InvalidParameterValueException",
       "Lambda was unable to configure your environment variables because the environment "
       "variables you have provided contains reserved keys that are currently not supported for "
       "modification. Reserved keys used in this request: AWS_REGION"},
      {{{"FunctionName", std::string(65, 'a')}},
       "InvalidParameterValueException",
       "1 validation error detected: Value '" + std::string(65, 'a') +
           "' at 'functionName' failed to satisfy constraint: Member must have length less than "
           "or equal to 64"},
      {{{"Architectures", json::array{"sparc"}}},
       "ValidationException",
       "1 validation error detected: Value '[sparc]' at 'architectures' failed to satisfy "
       "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
       "[x86_64, arm64], Member must not be null]"},
  };
  for (const Case& c : cases) {
    Reply r = Create("v", c.extra);
    EXPECT_EQ(r.status, 400) << Dump(c.extra);
    EXPECT_EQ(r.error_code, c.code) << Dump(c.extra);
    EXPECT_EQ(r.Message(), c.message) << Dump(c.extra);
  }
  json::object big;
  big["Variables"] = json::object{{"BIG", std::string(4100, 'x')}};
  Reply r = Create("v", {{"Environment", big}});
  EXPECT_EQ(r.error_code, "InvalidParameterValueException");
  EXPECT_TRUE(r.Message().starts_with(
      "Lambda was unable to configure your environment variables because the environment "
      "variables you have provided exceeded the 4KB limit. String measured: {\"BIG\":\"xxx"));

  json::object no_handler{{"FunctionName", "v"},
                          {"Role", "arn:aws:iam::000000000000:role/r"},
                          {"Code", ZipCode(OneFileZip())}};
  r = Call("POST", "/2015-03-31/functions", Dump(no_handler));
  EXPECT_EQ(r.Message(),
            "Runtime and Handler are mandatory parameters for functions created with deployment "
            "packages.");
  EXPECT_EQ(Call("POST", "/2015-03-31/functions", "{not json").error_code,
            "SerializationException");
}

TEST_F(FunctionsOpsTest, ListFunctionsPaginatesAndListsAllVersions) {
  for (std::string name : {"c", "a", "b"}) ASSERT_EQ(Create(name).status, 201);
  ASSERT_EQ(Call("POST", "/2015-03-31/functions/a/versions", "{}").status, 201);
  Reply page1 = Call("GET", "/2015-03-31/functions/?MaxItems=2");
  ASSERT_EQ(page1.status, 200);
  json::object o = page1.Json();
  ASSERT_EQ(o["Functions"].as_array().size(), 2u);
  EXPECT_EQ(Str(o["Functions"].as_array()[0].as_object(), "FunctionName"), "a");
  EXPECT_EQ(Str(o["Functions"].as_array()[0].as_object(), "State"), "<absent>")
      << "list items carry no state";
  std::string marker = Str(o, "NextMarker");
  ASSERT_NE(marker, "<absent>");
  Reply page2 =
      Call("GET", "/2015-03-31/functions/?MaxItems=2&Marker=" + edge::PercentEncode(marker, false));
  json::object o2 = page2.Json();
  ASSERT_EQ(o2["Functions"].as_array().size(), 1u);
  EXPECT_EQ(Str(o2["Functions"].as_array()[0].as_object(), "FunctionName"), "c");
  EXPECT_FALSE(o2.contains("NextMarker"));

  Reply all = Call("GET", "/2015-03-31/functions/?FunctionVersion=ALL");
  json::array fns = all.Json()["Functions"].as_array();
  ASSERT_EQ(fns.size(), 4u);
  EXPECT_EQ(Str(fns[0].as_object(), "FunctionArn"),
            "arn:aws:lambda:us-east-1:000000000000:function:a:$LATEST");
  EXPECT_EQ(Str(fns[1].as_object(), "FunctionArn"),
            "arn:aws:lambda:us-east-1:000000000000:function:a:1");
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/?FunctionVersion=SOME").error_code,
            "ValidationException");
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/?MaxItems=0").error_code, "ValidationException");
}

TEST_F(FunctionsOpsTest, ListAllVersionsPagesAcrossNamesThatSharePrefixes) {
  // "f" sorts before "f-2" and "f1", but "f:..." would sort after "f-2:..."
  // and "f1:...": page markers must follow the list's own order.
  for (std::string name : {"f", "f-2", "f1"}) {
    ASSERT_EQ(Create(name, {{"Publish", true}}).status, 201);
  }
  std::vector<std::string> seen;
  std::string marker;
  for (int page = 0; page < 10; ++page) {
    std::string target = "/2015-03-31/functions/?FunctionVersion=ALL&MaxItems=1";
    if (!marker.empty()) target += "&Marker=" + edge::PercentEncode(marker, false);
    json::object o = Call("GET", target).Json();
    for (const auto& f : o["Functions"].as_array())
      seen.push_back(Str(f.as_object(), "FunctionArn"));
    marker = o.contains("NextMarker") ? Str(o, "NextMarker") : "";
    if (marker.empty()) break;
  }
  std::string prefix = "arn:aws:lambda:us-east-1:000000000000:function:";
  EXPECT_EQ(seen,
            (std::vector<std::string>{prefix + "f:$LATEST", prefix + "f:1", prefix + "f-2:$LATEST",
                                      prefix + "f-2:1", prefix + "f1:$LATEST", prefix + "f1:1"}));
}

TEST_F(FunctionsOpsTest, UpdateConfigurationChecksRevisionAndReportsInProgress) {
  json::object created = Create("f").Json();
  std::string revision = Str(created, "RevisionId");
  Reply stale = Call("PUT", "/2015-03-31/functions/f/configuration",
                     Dump(json::object{{"Timeout", 10}, {"RevisionId", "stale"}}));
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.error_code, "PreconditionFailedException");
  EXPECT_EQ(stale.Message(),
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id");
  Reply r = Call("PUT", "/2015-03-31/functions/f/configuration",
                 Dump(json::object{{"Timeout", 10},
                                   {"RevisionId", revision},
                                   {"Runtime", "nodejs20.x"},
                                   {"Environment", json::object{{"Variables", {{"KEY", "v"}}}}}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = r.Json();
  EXPECT_EQ(Str(o, "LastUpdateStatus"), "InProgress");
  EXPECT_EQ(Str(o, "State"), "Active");
  EXPECT_EQ(o["Timeout"].as_int64(), 10);
  EXPECT_EQ(Str(o, "Runtime"), "nodejs20.x");
  EXPECT_NE(Str(o, "RevisionId"), revision);
  Reply after = Call("GET", "/2015-03-31/functions/f/configuration");
  EXPECT_EQ(Str(after.Json(), "LastUpdateStatus"), "Successful");
  EXPECT_EQ(Dump(after.Json()["Environment"]), R"({"Variables":{"KEY":"v"}})");
  EXPECT_EQ(Call("PUT", "/2015-03-31/functions/f/configuration",
                 Dump(json::object{{"MemorySize", 99999}}))
                .error_code,
            "ValidationException");
  EXPECT_EQ(Call("PUT", "/2015-03-31/functions/nope/configuration", "{}").status, 404);
}

TEST_F(FunctionsOpsTest, UpdateCodeReplacesTheCodeAndCanPublish) {
  ASSERT_EQ(Create("f").status, 201);
  std::string zip = OneFileZip("index.py", "def handler(e, c):\n  return 2\n");
  json::object body = ZipCode(zip);
  body["Publish"] = true;
  Reply r = Call("PUT", "/2015-03-31/functions/f/code", Dump(body));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object o = r.Json();
  EXPECT_EQ(Str(o, "Version"), "1");
  EXPECT_EQ(Str(o, "FunctionArn"), "arn:aws:lambda:us-east-1:000000000000:function:f:1");
  EXPECT_EQ(Str(o, "CodeSha256"), Base64Encode(Sha256(zip)));
  Reply latest = Call("GET", "/2015-03-31/functions/f/configuration");
  EXPECT_EQ(Str(latest.Json(), "CodeSha256"), Base64Encode(Sha256(zip)));

  Reply plain = Call("PUT", "/2015-03-31/functions/f/code", Dump(ZipCode(OneFileZip())));
  EXPECT_EQ(Str(plain.Json(), "LastUpdateStatus"), "InProgress");
  EXPECT_EQ(Str(plain.Json(), "Version"), "$LATEST");
  Reply s3 = Call("PUT", "/2015-03-31/functions/f/code",
                  Dump(json::object{{"S3Bucket", "b"}, {"S3Key", "k"}}));
  EXPECT_EQ(s3.error_code, "InvalidParameterValueException");
  Reply stale = Call("PUT", "/2015-03-31/functions/f/code",
                     Dump(json::object{{"ZipFile", Base64Encode(zip)}, {"RevisionId", "x"}}));
  EXPECT_EQ(stale.status, 412);
}

TEST_F(FunctionsOpsTest, CreateWithPublishAnswersVersionOneByItsQualifiedArn) {
  Reply r = Create("f", {{"Publish", true}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(r.Json(), "Version"), "1");
  EXPECT_EQ(Str(r.Json(), "FunctionArn"), "arn:aws:lambda:us-east-1:000000000000:function:f:1");
  Reply unpublished = Create("g");
  EXPECT_EQ(Str(unpublished.Json(), "FunctionArn"),
            "arn:aws:lambda:us-east-1:000000000000:function:g");
}

TEST_F(FunctionsOpsTest, DeleteFunctionAndVersions) {
  ASSERT_EQ(Create("f", {{"Publish", true}}).status, 201);
  Reply latest = Call("DELETE", "/2015-03-31/functions/f?Qualifier=%24LATEST");
  EXPECT_EQ(latest.error_code, "InvalidParameterValueException");
  EXPECT_EQ(latest.Message(), "$LATEST version cannot be deleted without deleting the function.");
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f?Qualifier=1").status, 204);
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f?Qualifier=1").status, 404);
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f").status, 200);
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f").status, 204);
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/f").status, 404);
  EXPECT_EQ(Call("DELETE", "/2015-03-31/functions/f").status, 404);
  ASSERT_EQ(Create("f").status, 201) << "the name is free again";
}

TEST_F(FunctionsOpsTest, DescriptorsClaimTheirPaths) {
  EXPECT_EQ(descriptor_.name, "lambda");
  EXPECT_EQ(descriptor_.protocol, edge::Protocol::kRestJson);
  EXPECT_EQ(descriptor_.signing_names, std::vector<std::string>{"lambda"});
  EXPECT_TRUE(descriptor_.authenticate);
  EXPECT_EQ(descriptor_.path_prefixes.size(), 8u);
  EXPECT_FALSE(code_descriptor_.authenticate) << "clients fetch Code.Location unsigned";
  EXPECT_EQ(code_descriptor_.path_prefixes, std::vector<std::string>{"/_kumo/code/"});
  EXPECT_TRUE(code_descriptor_.signing_names.empty());
}

TEST_F(FunctionsOpsTest, UnknownRoutesAreAnswered) {
  Reply r = Call("PATCH", "/2015-03-31/functions/f");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code, "UnknownOperationException");
}

}  // namespace
}  // namespace kumo::functions

#include "apis/parameter_mapping.h"

#include <gtest/gtest.h>

namespace kumo::apis {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

edge::Request Incoming() {
  edge::Request r;
  r.method = "POST";
  r.raw_path = "/prod/pets/7";
  r.path = "/prod/pets/7";
  r.raw_query = "a=1&a=2&b=x%20y";
  r.query = {{"a", "1"}, {"a", "2"}, {"b", "x y"}};
  r.headers.Add("X-Tenant", "acme");
  r.headers.Add("Accept", "text/html");
  r.headers.Add("Accept", "application/json");
  r.body = R"({"user":{"name":"ann","tags":["x","y"],"age":7},"ok":true})";
  return r;
}

struct Fixture {
  edge::Request request = Incoming();
  Fields path_parameters = {{"id", "7"}};
  std::map<std::string, std::string> stage_variables = {{"env", "prod"}};
  MappingSources Sources() {
    MappingSources s;
    s.request = &request;
    s.route_path = "/pets/7";
    s.path_parameters = &path_parameters;
    s.stage_variables = &stage_variables;
    s.context = [](std::string_view name) -> std::optional<std::string> {
      if (name == "requestId") return "req-1";
      return std::nullopt;
    };
    return s;
  }
};

// Each value evaluates to what it is paired with.
void ExpectValues(const MappingSources& s,
                  std::initializer_list<std::pair<std::string_view, std::string_view>> cases) {
  for (const auto& [value, expected] : cases) {
    EXPECT_EQ(EvaluateMappingValue(value, s), expected) << value;
  }
}

TEST(ParameterMappingTest, ValuesReadEachRequestSource) {
  Fixture f;
  ExpectValues(f.Sources(),
               {{"static", "static"},
                {"$request.header.x-tenant", "acme"},
                {"$request.header.accept", "text/html,application/json"},
                {"$request.querystring.a", "1,2"},
                {"$request.querystring.b", "x y"},
                {"$request.path", "/pets/7"},
                {"$request.path.id", "7"},
                {"$request.body.user.name", "ann"},
                {"$request.body.user.tags[1]", "y"},
                {"$request.body.user.age", "7"},
                {"$request.body.user.tags", R"(["x","y"])"},
                {"$request.body", f.request.body},
                {"$context.requestId", "req-1"},
                {"$stageVariables.env", "prod"},
                {"${request.path.id}-${stageVariables.env}/x", "7-prod/x"}});
}

TEST(ParameterMappingTest, WhatIsNotThereIsEmpty) {
  Fixture f;
  ExpectValues(f.Sources(), {{"$request.header.missing", ""},
                             {"$request.querystring.missing", ""},
                             {"$request.path.missing", ""},
                             {"$request.body.user.tags[9]", ""},
                             {"$request.body.nope.deeper", ""},
                             {"$context.unknown", ""},
                             {"$stageVariables.missing", ""},
                             {"$response.header.x", ""}});  // no response here
  f.request.body = "not json";
  ExpectValues(f.Sources(), {{"$request.body.user", ""}});
}

TEST(ParameterMappingTest, RequestMappingsChangeHeadersQueryAndPath) {
  Fixture f;
  const edge::Request before = f.request;
  const MappingSources s = f.Sources();
  ApplyRequestParameters({{"append:header.x-tenant", "extra"},
                          {"overwrite:header.accept", "$request.header.x-tenant"},
                          {"remove:header.x-tenant", "''"},
                          {"append:header.x-id", "$request.path.id"},
                          {"overwrite:querystring.a", "$request.querystring.b"},
                          {"append:querystring.c", "${stageVariables.env}!"},
                          {"remove:querystring.b", "''"},
                          {"overwrite:path", "/v2${request.path}"},
                          {"overwrite:header.x-empty", "$request.header.missing"}},
                         s, f.request);
  // Values are read from the request as it came: accept took x-tenant's
  // value although x-tenant is removed.
  EXPECT_EQ(f.request.headers.Get("accept"), "acme");
  EXPECT_FALSE(f.request.headers.Has("x-tenant"));
  EXPECT_EQ(f.request.headers.Get("x-id"), "7");
  EXPECT_FALSE(f.request.headers.Has("x-empty"));
  EXPECT_EQ(f.request.query, (Fields{{"a", "x y"}, {"c", "prod!"}}));
  EXPECT_EQ(f.request.raw_query, "a=x%20y&c=prod%21");
  EXPECT_EQ(f.request.raw_path, "/v2/pets/7");
  EXPECT_EQ(f.request.path, "/v2/pets/7");
  EXPECT_EQ(f.request.body, before.body);
  EXPECT_EQ(f.request.method, before.method);
}

TEST(ParameterMappingTest, AppendKeepsEarlierValues) {
  Fixture f;
  ApplyRequestParameters({{"append:header.accept", "text/plain"}, {"append:querystring.a", "3"}},
                         f.Sources(), f.request);
  EXPECT_EQ(f.request.headers.GetAll("accept"),
            (std::vector<std::string_view>{"text/html", "application/json", "text/plain"}));
  EXPECT_EQ(f.request.raw_query, "a=1&a=2&b=x%20y&a=3");
}

TEST(ParameterMappingTest, NoQueryMappingKeepsTheRawQueryAsSent) {
  Fixture f;
  ApplyRequestParameters({{"overwrite:header.x-a", "1"}}, f.Sources(), f.request);
  EXPECT_EQ(f.request.raw_query, "a=1&a=2&b=x%20y");
}

edge::Response Backend(int status) {
  edge::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.headers.Set("X-Backend", "b1");
  r.body = R"({"error":{"code":"E42"},"retry":"30"})";
  return r;
}

TEST(ParameterMappingTest, ResponseMappingsFollowTheStatusCode) {
  const ResponseParameters parameters = {
      {"500",
       {{"overwrite:statuscode", "503"},
        {"append:header.x-error", "$response.body.error.code"},
        {"overwrite:header.retry-after", "${response.body.retry}"},
        {"remove:header.x-backend", "''"},
        {"overwrite:header.x-stage", "$stageVariables.env"}}},
      {"200", {{"overwrite:header.x-ok", "yes"}}}};
  std::map<std::string, std::string> variables = {{"env", "prod"}};
  edge::Response failed = Backend(500);
  const edge::Response as_sent = failed;
  MappingSources s;
  s.response = &as_sent;
  s.stage_variables = &variables;
  ApplyResponseParameters(parameters, s, failed);
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(failed.headers.Get("x-error"), "E42");
  EXPECT_EQ(failed.headers.Get("retry-after"), "30");
  EXPECT_FALSE(failed.headers.Has("x-backend"));
  EXPECT_EQ(failed.headers.Get("x-stage"), "prod");
  EXPECT_FALSE(failed.headers.Has("x-ok"));

  edge::Response other = Backend(404);
  s.response = &other;
  ApplyResponseParameters(parameters, s, other);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.headers.Get("x-backend"), "b1");
}

TEST(ParameterMappingTest, AStatusCodeThatIsNotOneIsNotApplied) {
  edge::Response r = Backend(200);
  const edge::Response as_sent = r;
  MappingSources s;
  s.response = &as_sent;
  ApplyResponseParameters({{"200", {{"overwrite:statuscode", "$response.header.x-backend"}}}}, s, r);
  EXPECT_EQ(r.status, 200);
}

TEST(ParameterMappingTest, ValidationTakesWhatHttpApisTake) {
  EXPECT_TRUE(ValidateRequestParameters({{"append:header.x-a", "$request.header.b"},
                                         {"overwrite:querystring.q", "${request.body.a[0]}-x"},
                                         {"remove:header.x-c", "''"},
                                         {"overwrite:path", "/new${request.path}"},
                                         {"overwrite:header.x-d", "$context.requestId"}})
                  .ok());
  EXPECT_TRUE(ValidateResponseParameters({{"200", {{"overwrite:statuscode", "204"}}},
                                          {"404", {{"append:header.x-a", "$response.header.b"}}}})
                  .ok());
}

TEST(ParameterMappingTest, ValidationRefusesWhatHttpApisRefuse) {
  auto refused = [](const Status& s, std::string_view fragment) {
    EXPECT_FALSE(s.ok());
    if (s.ok()) return;
    EXPECT_EQ(s.error().code, "BadRequestException");
    EXPECT_EQ(s.error().http_status, 400);
    EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().message;
  };
  refused(ValidateRequestParameters({{"replace:header.x", "1"}}), "replace:header.x");
  refused(ValidateRequestParameters({{"append:path", "/x"}}), "append:path");
  refused(ValidateRequestParameters({{"overwrite:statuscode", "200"}}), "overwrite:statuscode");
  refused(ValidateRequestParameters({{"overwrite:header.Authorization", "x"}}), "reserved");
  refused(ValidateRequestParameters({{"append:header.x-amz-date", "x"}}), "reserved");
  refused(ValidateRequestParameters({{"overwrite:header.x", "$response.header.y"}}), "$response");
  refused(ValidateRequestParameters({{"overwrite:header.x", "$request.cookie.y"}}), "$request.cookie");
  refused(ValidateRequestParameters({{"overwrite:header.x", "$request.body..a"}}), "body..a");
  refused(ValidateRequestParameters({{"overwrite:header.x", "${request.path"}}), "${request.path");
  refused(ValidateResponseParameters({{"600", {{"overwrite:statuscode", "200"}}}}), "'600'");
  refused(ValidateResponseParameters({{"ok", {{"overwrite:statuscode", "200"}}}}), "'ok'");
  refused(ValidateResponseParameters({{"200", {{"overwrite:statuscode", "99"}}}}), "'99'");
  refused(ValidateResponseParameters({{"200", {{"overwrite:path", "/x"}}}}), "overwrite:path");
  refused(ValidateResponseParameters({{"200", {{"overwrite:header.x", "$request.header.y"}}}}),
          "$request.header.y");
  refused(ValidateResponseParameters({{"200", {{"remove:header.Content-Length", "''"}}}}), "reserved");
}

}  // namespace
}  // namespace kumo::apis

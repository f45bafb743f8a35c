#include "apis/proxy_response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kumo::apis {
namespace {

namespace json = boost::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kId = "JTHoQgr2oAMEPMg=";

ProxyResult V2(std::string_view payload) {
  return MapLambdaResponse(PayloadFormat::kV2, 200, "", payload, kId);
}
ProxyResult V1(std::string_view payload) {
  return MapLambdaResponse(PayloadFormat::kV1, 200, "", payload, kId);
}

void ExpectInternalError(const ProxyResult& r) {
  EXPECT_EQ(r.response.status, 500);
  EXPECT_EQ(json::parse(r.response.body), json::parse(R"({"message":"Internal Server Error"})"));
  EXPECT_EQ(r.response.headers.fields(),
            (Fields{{"content-type", "application/json"}, {"apigw-requestid", std::string(kId)}}));
  EXPECT_FALSE(r.integration_error.empty());
}

TEST(GatewayResponseTest, ErrorsHaveAwsBodies) {
  struct Case {
    edge::Response response;
    int status;
    std::string body;
  };
  for (const Case& c : std::vector<Case>{
           {GatewayResponse(kNotFound, kId), 404, R"({"message":"Not Found"})"},
           {GatewayResponse(kPayloadTooLarge, kId), 413, R"({"message":"Request Entity Too Large"})"},
           {GatewayResponse(kTooManyRequests, kId), 429, R"({"message":"Too Many Requests"})"},
           {GatewayResponse(kInternalServerError, kId), 500,
            R"({"message":"Internal Server Error"})"},
           {GatewayResponse(kServiceUnavailable, kId), 503, R"({"message":"Service Unavailable"})"}}) {
    EXPECT_EQ(c.response.status, c.status);
    EXPECT_EQ(json::parse(c.response.body), json::parse(c.body));
    EXPECT_EQ(c.response.headers.fields(), (Fields{{"content-type", "application/json"},
                                                   {"apigw-requestid", std::string(kId)}}));
  }
}

TEST(MapLambdaResponseV2Test, ProxyShape) {
  ProxyResult r = V2(R"({
    "statusCode": 201,
    "headers": {"Content-Type": "text/html", "X-Num": 5, "X-Bool": true, "X-Null": null},
    "cookies": ["a=1; Path=/", "b=2"],
    "body": "<p>hi</p>",
    "isBase64Encoded": false
  })");
  EXPECT_TRUE(r.integration_error.empty());
  EXPECT_EQ(r.response.status, 201);
  EXPECT_EQ(r.response.body, "<p>hi</p>");
  EXPECT_EQ(r.response.headers.fields(), (Fields{{"set-cookie", "a=1; Path=/"},
                                                 {"set-cookie", "b=2"},
                                                 {"Content-Type", "text/html"},
                                                 {"X-Num", "5"},
                                                 {"X-Bool", "true"},
                                                 {"apigw-requestid", std::string(kId)}}));
}

TEST(MapLambdaResponseV2Test, CookiesComeBeforeHeaderSetCookie) {
  ProxyResult r = V2(R"({"statusCode":200,"cookies":["a=1"],"headers":{"Set-Cookie":"b=2"}})");
  EXPECT_THAT(r.response.headers.GetAll("set-cookie"), testing::ElementsAre("a=1", "b=2"));
}

TEST(MapLambdaResponseV2Test, DefaultsOfTheProxyShape) {
  ProxyResult r = V2(R"({"statusCode":"404"})");
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.response.body, "");
  EXPECT_EQ(r.response.headers.fields(), (Fields{{"content-type", "text/plain; charset=utf-8"},
                                                 {"apigw-requestid", std::string(kId)}}));
  // multiValueHeaders is not part of 2.0.
  r = V2(R"({"statusCode":200,"body":null,"multiValueHeaders":{"X-A":["1"]}})");
  EXPECT_FALSE(r.response.headers.Has("x-a"));
}

TEST(MapLambdaResponseV2Test, Base64BodyIsDecoded) {
  ProxyResult r = V2(R"({"statusCode":200,"body":"AAEC/w==","isBase64Encoded":true,
                         "headers":{"content-type":"image/png"}})");
  EXPECT_EQ(r.response.body, std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(r.response.headers.Get("content-type"), "image/png");
}

TEST(MapLambdaResponseV2Test, InferredResponses) {
  struct Case {
    std::string payload;
    std::string body;
  };
  for (const Case& c : std::vector<Case>{
           {R"("Hello from Lambda!")", "Hello from Lambda!"},
           {R"({ "message": "Hello from Lambda!" })", R"({ "message": "Hello from Lambda!" })"},
           {"[1, 2]", "[1, 2]"},
           {"42", "42"},
           {"true", "true"},
           {"null", "null"},
           {R"({"statuscode": 400})", R"({"statuscode": 400})"}}) {
    ProxyResult r = V2(c.payload);
    EXPECT_TRUE(r.integration_error.empty()) << c.payload;
    EXPECT_EQ(r.response.status, 200) << c.payload;
    EXPECT_EQ(r.response.body, c.body) << c.payload;
    EXPECT_EQ(r.response.headers.fields(),
              (Fields{{"content-type", "application/json"}, {"apigw-requestid", std::string(kId)}}))
        << c.payload;
  }
}

TEST(MapLambdaResponseV2Test, MalformedIsInternalError) {
  for (const char* payload :
       {"", "not json", "{\"statusCode\":", R"({"statusCode":"abc"})", R"({"statusCode":99})",
        R"({"statusCode":600})", R"({"statusCode":200.5})", R"({"statusCode":null})",
        R"({"statusCode":200,"body":{"a":1}})", R"({"statusCode":200,"body":5})",
        R"({"statusCode":200,"headers":"x"})", R"({"statusCode":200,"headers":{"a":{"b":1}}})",
        R"({"statusCode":200,"headers":{"a":["1"]}})", R"({"statusCode":200,"cookies":"a=1"})",
        R"({"statusCode":200,"cookies":[1]})",
        R"({"statusCode":200,"body":"!!!","isBase64Encoded":true})"}) {
    SCOPED_TRACE(payload);
    ExpectInternalError(V2(payload));
  }
}

TEST(MapLambdaResponseTest, FunctionErrorsAndInvokeFailuresAre500) {
  ExpectInternalError(MapLambdaResponse(PayloadFormat::kV2, 200, "Unhandled",
                                        R"({"errorMessage":"boom","errorType":"Error"})", kId));
  ExpectInternalError(
      MapLambdaResponse(PayloadFormat::kV1, 200, "Handled", R"({"statusCode":200})", kId));
  ExpectInternalError(MapLambdaResponse(PayloadFormat::kV2, 429, "",
                                        R"({"Type":"User","message":"Rate Exceeded."})", kId));
  ExpectInternalError(MapLambdaResponse(PayloadFormat::kV2, 502, "", "{}", kId));
}

TEST(MapLambdaResponseV1Test, MergesHeadersAndMultiValueHeaders) {
  ProxyResult r = V1(R"({
    "statusCode": 200,
    "headers": {"X-A": "1", "x-b": "3", "X-C": "c", "Content-Type": "text/html"},
    "multiValueHeaders": {"X-A": ["1", "2"], "X-B": ["2"], "Set-Cookie": ["s=1", "t=2"],
                          "content-type": ["text/html"]},
    "body": "ok"
  })");
  EXPECT_TRUE(r.integration_error.empty());
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "ok");
  EXPECT_EQ(r.response.headers.fields(), (Fields{{"X-A", "1"},
                                                 {"X-A", "2"},
                                                 {"X-B", "2"},
                                                 {"Set-Cookie", "s=1"},
                                                 {"Set-Cookie", "t=2"},
                                                 {"content-type", "text/html"},
                                                 {"X-A", "1"},
                                                 {"x-b", "3"},
                                                 {"X-C", "c"},
                                                 {"apigw-requestid", std::string(kId)}}));
}

TEST(MapLambdaResponseV1Test, Base64AndStringStatus) {
  ProxyResult r = V1(R"({"statusCode":"302","headers":{"Location":"/x"},
                         "body":"aGk=","isBase64Encoded":true})");
  EXPECT_EQ(r.response.status, 302);
  EXPECT_EQ(r.response.body, "hi");
  EXPECT_EQ(r.response.headers.Get("location"), "/x");
}

TEST(MapLambdaResponseV1Test, RequiresTheProxyShape) {
  for (const char* payload : {R"("Hello")", R"({"body":"x"})", "[]", "42", "null",
                              R"({"statusCode":200,"multiValueHeaders":{"a":"1"}})",
                              R"({"statusCode":200,"multiValueHeaders":{"a":[{}]}})"}) {
    SCOPED_TRACE(payload);
    ExpectInternalError(V1(payload));
  }
}

}  // namespace
}  // namespace kumo::apis

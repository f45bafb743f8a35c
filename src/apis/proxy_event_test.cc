#include "apis/proxy_event.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kumo::apis {
namespace {

namespace json = boost::json;

constexpr int64_t kTime = 1583348638390;  // 04/Mar/2020:19:03:58 +0000

edge::Request MakeRequest(std::string method, std::string raw_path, std::string raw_query = "") {
  edge::Request r;
  r.method = std::move(method);
  r.raw_path = std::move(raw_path);
  r.raw_query = std::move(raw_query);
  r.query = edge::ParseQueryString(r.raw_query, true);
  r.target = r.raw_path + (r.raw_query.empty() ? "" : "?" + r.raw_query);
  r.remote_address = "192.0.2.7:53210";
  return r;
}

ProxyEventInput MakeInput() {
  ProxyEventInput in;
  in.api_id = "abc123";
  in.stage = "$default";
  in.route_key = "$default";
  in.domain_name = "abc123.execute-api.localhost";
  in.time_ms = kTime;
  in.request_id = "JTHoQgr2oAMEPMg=";
  return in;
}

void ExpectJson(const json::object& got, std::string_view want) {
  json::value expected = json::parse(want);
  EXPECT_EQ(json::value(got), expected)
      << "got:  " << json::serialize(got) << "\nwant: " << json::serialize(expected);
}

TEST(ProxyEventV2Test, GetWithQueryCookiesAndRepeatedHeaders) {
  edge::Request r = MakeRequest("GET", "/pets/7", "a=1&a=2&b=x%20y&empty");
  r.headers.Add("Host", "abc123.execute-api.localhost:4566");
  r.headers.Add("User-Agent", "curl/8.0");
  r.headers.Add("X-Multi", "one");
  r.headers.Add("x-multi", "two");
  r.headers.Add("Cookie", "c1=v1; c2=v2");
  r.headers.Add("Cookie", "c3=v3");
  r.headers.Add("X-MULTI", "th\"ree\\");
  ProxyEventInput in = MakeInput();
  in.route_key = "GET /pets/{id}";
  in.path_parameters = {{"id", "7"}};
  in.stage_variables = {{"env", "test"}};
  in.authorizer = json::object{{"lambda", json::object{{"user", "u1"}}}};
  ExpectJson(BuildProxyEventV2(r, in), R"({
    "version": "2.0",
    "routeKey": "GET /pets/{id}",
    "rawPath": "/pets/7",
    "rawQueryString": "a=1&a=2&b=x%20y&empty",
    "cookies": ["c1=v1", "c2=v2", "c3=v3"],
    "headers": {
      "host": "abc123.execute-api.localhost:4566",
      "user-agent": "curl/8.0",
      "x-multi": "one,two,th\"ree\\",
      "content-length": "0",
      "x-forwarded-for": "192.0.2.7"
    },
    "queryStringParameters": {"a": "1,2", "b": "x y", "empty": ""},
    "requestContext": {
      "accountId": "000000000000",
      "apiId": "abc123",
      "authorizer": {"lambda": {"user": "u1"}},
      "domainName": "abc123.execute-api.localhost",
      "domainPrefix": "abc123",
      "http": {
        "method": "GET",
        "path": "/pets/7",
        "protocol": "HTTP/1.1",
        "sourceIp": "192.0.2.7",
        "userAgent": "curl/8.0"
      },
      "requestId": "JTHoQgr2oAMEPMg=",
      "routeKey": "GET /pets/{id}",
      "stage": "$default",
      "time": "04/Mar/2020:19:03:58 +0000",
      "timeEpoch": 1583348638390
    },
    "pathParameters": {"id": "7"},
    "isBase64Encoded": false,
    "stageVariables": {"env": "test"}
  })");
}

TEST(ProxyEventV2Test, MinimalRequestOmitsEmptyMembers) {
  edge::Request r = MakeRequest("DELETE", "/dev/items");
  ProxyEventInput in = MakeInput();
  in.stage = "dev";
  in.account_id = "123456789012";
  in.forwarded_port = "4566";
  in.forwarded_proto = "http";
  in.trace_id = "Root=1-5e5f6c5e-0123456789abcdef01234567";
  ExpectJson(BuildProxyEventV2(r, in), R"({
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/dev/items",
    "rawQueryString": "",
    "headers": {
      "content-length": "0",
      "x-forwarded-for": "192.0.2.7",
      "x-forwarded-port": "4566",
      "x-forwarded-proto": "http",
      "x-amzn-trace-id": "Root=1-5e5f6c5e-0123456789abcdef01234567"
    },
    "requestContext": {
      "accountId": "123456789012",
      "apiId": "abc123",
      "domainName": "abc123.execute-api.localhost",
      "domainPrefix": "abc123",
      "http": {"method": "DELETE", "path": "/dev/items", "protocol": "HTTP/1.1",
               "sourceIp": "192.0.2.7", "userAgent": ""},
      "requestId": "JTHoQgr2oAMEPMg=",
      "routeKey": "$default",
      "stage": "dev",
      "time": "04/Mar/2020:19:03:58 +0000",
      "timeEpoch": 1583348638390
    },
    "isBase64Encoded": false
  })");
}

// The body reaches the function whole: its length, never the client's framing.
TEST(ProxyEventV2Test, ContentLengthIsTheBodysAndTransferEncodingIsDropped) {
  edge::Request r = MakeRequest("POST", "/");
  r.headers.Add("Transfer-Encoding", "chunked");
  r.body = "hello";
  json::object v2 = BuildProxyEventV2(r, MakeInput());
  EXPECT_EQ(v2.at("headers").at("content-length"), "5");
  EXPECT_FALSE(v2.at("headers").as_object().contains("transfer-encoding"));
  json::object v1 = BuildProxyEventV1(r, MakeInput());
  EXPECT_EQ(v1.at("headers").at("Content-Length"), "5");
  EXPECT_FALSE(v1.at("headers").as_object().contains("Transfer-Encoding"));
}

TEST(ProxyEventV2Test, ForwardedForAppendsToTheClients) {
  edge::Request r = MakeRequest("GET", "/");
  r.headers.Add("X-Forwarded-For", "203.0.113.9");
  json::object event = BuildProxyEventV2(r, MakeInput());
  EXPECT_EQ(event.at("headers").at("x-forwarded-for"), "203.0.113.9, 192.0.2.7");
}

TEST(ProxyEventV2Test, TextBodiesStayTextOthersAreBase64) {
  struct Case {
    std::string content_type;
    bool base64;
  };
  for (const Case& c : std::vector<Case>{{"application/json", false},
                                         {"Application/JSON; charset=utf-8", false},
                                         {"text/plain", false},
                                         {"text/html;charset=UTF-8", false},
                                         {"application/xml", false},
                                         {"application/javascript", false},
                                         {"", true},
                                         {"application/x-www-form-urlencoded", true},
                                         {"multipart/form-data; boundary=x", true},
                                         {"application/octet-stream", true},
                                         {"application/vnd.api+json", true},
                                         {"image/png", true}}) {
    edge::Request r = MakeRequest("POST", "/");
    if (!c.content_type.empty()) r.headers.Add("Content-Type", c.content_type);
    r.body = "a=1&b=2";
    json::object event = BuildProxyEventV2(r, MakeInput());
    EXPECT_EQ(event.at("isBase64Encoded"), c.base64) << c.content_type;
    EXPECT_EQ(event.at("body"), c.base64 ? "YT0xJmI9Mg==" : "a=1&b=2") << c.content_type;
  }
}

TEST(ProxyEventV2Test, InvalidUtf8UnderATextTypeIsBase64) {
  edge::Request r = MakeRequest("POST", "/");
  r.headers.Add("Content-Type", "text/plain");
  r.body = std::string("\xff\xfe", 2);
  json::object event = BuildProxyEventV2(r, MakeInput());
  EXPECT_EQ(event.at("isBase64Encoded"), true);
  EXPECT_EQ(event.at("body"), "//4=");
}

// The request's raw_path is the path as the gateway routed it (the client's,
// decoded once): the event's is that decoded again.
TEST(ProxyEventV2Test, RawPathIsTheRoutedPathDecodedAgain) {
  edge::Request r = MakeRequest("GET", "/a%20b/c%2Fd/e%25");
  json::object event = BuildProxyEventV2(r, MakeInput());
  EXPECT_EQ(event.at("rawPath"), "/a b/c/d/e%");
  EXPECT_EQ(event.at("requestContext").at("http").at("path"), "/a b/c/d/e%");
}

TEST(ProxyEventV1Test, FullEvent) {
  edge::Request r = MakeRequest("POST", "/prod/pets/7", "a=1&a=2&b=x");
  r.headers.Add("Host", "abc123.execute-api.localhost");
  r.headers.Add("User-Agent", "boto3");
  r.headers.Add("X-Multi", "one");
  r.headers.Add("x-multi", "two");
  r.headers.Add("Cookie", "c1=v1; c2=v2");
  r.headers.Add("Content-Type", "application/json");
  r.body = R"({"n":1})";
  ProxyEventInput in = MakeInput();
  in.stage = "prod";
  in.route_key = "POST /pets/{id}";
  in.path_parameters = {{"id", "7"}};
  in.stage_variables = {{"env", "test"}};
  in.authorizer = json::object{{"claims", json::object{{"sub", "u1"}}}, {"scopes", nullptr}};
  ExpectJson(BuildProxyEventV1(r, in), R"({
    "version": "1.0",
    "resource": "/pets/{id}",
    "path": "/prod/pets/7",
    "httpMethod": "POST",
    "headers": {
      "Host": "abc123.execute-api.localhost",
      "User-Agent": "boto3",
      "X-Multi": "two",
      "Cookie": "c1=v1; c2=v2",
      "Content-Type": "application/json",
      "Content-Length": "7",
      "X-Forwarded-For": "192.0.2.7"
    },
    "multiValueHeaders": {
      "Host": ["abc123.execute-api.localhost"],
      "User-Agent": ["boto3"],
      "X-Multi": ["one", "two"],
      "Cookie": ["c1=v1; c2=v2"],
      "Content-Type": ["application/json"],
      "Content-Length": ["7"],
      "X-Forwarded-For": ["192.0.2.7"]
    },
    "queryStringParameters": {"a": "2", "b": "x"},
    "multiValueQueryStringParameters": {"a": ["1", "2"], "b": ["x"]},
    "requestContext": {
      "accountId": "000000000000",
      "apiId": "abc123",
      "authorizer": {"claims": {"sub": "u1"}, "scopes": null},
      "domainName": "abc123.execute-api.localhost",
      "domainPrefix": "abc123",
      "extendedRequestId": "JTHoQgr2oAMEPMg=",
      "httpMethod": "POST",
      "identity": {
        "accessKey": null, "accountId": null, "caller": null,
        "cognitoAuthenticationProvider": null, "cognitoAuthenticationType": null,
        "cognitoIdentityId": null, "cognitoIdentityPoolId": null, "principalOrgId": null,
        "sourceIp": "192.0.2.7", "user": null, "userAgent": "boto3", "userArn": null
      },
      "path": "/prod/pets/7",
      "protocol": "HTTP/1.1",
      "requestId": "JTHoQgr2oAMEPMg=",
      "requestTime": "04/Mar/2020:19:03:58 +0000",
      "requestTimeEpoch": 1583348638390,
      "resourceId": null,
      "resourcePath": "/pets/{id}",
      "stage": "prod"
    },
    "pathParameters": {"id": "7"},
    "stageVariables": {"env": "test"},
    "body": "{\"n\":1}",
    "isBase64Encoded": false
  })");
}

TEST(ProxyEventV1Test, MinimalRequestHasNulls) {
  edge::Request r = MakeRequest("GET", "/");
  ExpectJson(BuildProxyEventV1(r, MakeInput()), R"({
    "version": "1.0",
    "resource": "$default",
    "path": "/",
    "httpMethod": "GET",
    "headers": {"Content-Length": "0", "X-Forwarded-For": "192.0.2.7"},
    "multiValueHeaders": {"Content-Length": ["0"], "X-Forwarded-For": ["192.0.2.7"]},
    "queryStringParameters": null,
    "multiValueQueryStringParameters": null,
    "requestContext": {
      "accountId": "000000000000",
      "apiId": "abc123",
      "authorizer": {"claims": null, "scopes": null},
      "domainName": "abc123.execute-api.localhost",
      "domainPrefix": "abc123",
      "extendedRequestId": "JTHoQgr2oAMEPMg=",
      "httpMethod": "GET",
      "identity": {
        "accessKey": null, "accountId": null, "caller": null,
        "cognitoAuthenticationProvider": null, "cognitoAuthenticationType": null,
        "cognitoIdentityId": null, "cognitoIdentityPoolId": null, "principalOrgId": null,
        "sourceIp": "192.0.2.7", "user": null, "userAgent": "", "userArn": null
      },
      "path": "/",
      "protocol": "HTTP/1.1",
      "requestId": "JTHoQgr2oAMEPMg=",
      "requestTime": "04/Mar/2020:19:03:58 +0000",
      "requestTimeEpoch": 1583348638390,
      "resourceId": null,
      "resourcePath": "$default",
      "stage": "$default"
    },
    "pathParameters": null,
    "stageVariables": null,
    "body": null,
    "isBase64Encoded": false
  })");
}

TEST(ProxyEventV1Test, BinaryBodyIsBase64) {
  edge::Request r = MakeRequest("PUT", "/upload");
  r.headers.Add("Content-Type", "application/octet-stream");
  r.body = std::string("\x00\x01\x02", 3);
  json::object event = BuildProxyEventV1(r, MakeInput());
  EXPECT_EQ(event.at("body"), "AAEC");
  EXPECT_EQ(event.at("isBase64Encoded"), true);
}

TEST(ProxyEventTest, SerializedEventParsesBack) {
  edge::Request r = MakeRequest("GET", "/x", "q=1");
  ProxyEventInput in = MakeInput();
  EXPECT_EQ(json::parse(BuildProxyEvent(PayloadFormat::kV2, r, in)),
            json::value(BuildProxyEventV2(r, in)));
  EXPECT_EQ(json::parse(BuildProxyEvent(PayloadFormat::kV1, r, in)),
            json::value(BuildProxyEventV1(r, in)));
}

TEST(ProxyEventTest, Helpers) {
  EXPECT_EQ(ParsePayloadFormat("1.0"), PayloadFormat::kV1);
  EXPECT_EQ(ParsePayloadFormat("2.0"), PayloadFormat::kV2);
  EXPECT_EQ(ParsePayloadFormat("2"), std::nullopt);
  EXPECT_EQ(FormatRequestTime(0), "01/Jan/1970:00:00:00 +0000");
  EXPECT_EQ(FormatRequestTime(1584040438000), "12/Mar/2020:19:13:58 +0000");
  EXPECT_EQ(SourceIp("127.0.0.1:80"), "127.0.0.1");
  EXPECT_EQ(SourceIp("[::1]:4566"), "::1");
  EXPECT_EQ(SourceIp("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(SourceIp("::1"), "::1");
  EXPECT_EQ(EventPath("/%41%2f%25"), "/A/%");
  std::string id = NewApiRequestId();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.back(), '=');
  EXPECT_NE(id, NewApiRequestId());
  // URL-safe base64: over 200 ids, 6 bits each of 15 characters, a '+' or
  // '/' would all but surely show up in the standard alphabet.
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(NewApiRequestId().find_first_of("+/"), std::string::npos);
  }
}

}  // namespace
}  // namespace kumo::apis

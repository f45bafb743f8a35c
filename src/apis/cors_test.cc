#include "apis/cors.h"

#include <gtest/gtest.h>

namespace kumo::apis {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

edge::Request Preflight(std::string origin, std::string method = "PUT") {
  edge::Request r;
  r.method = "OPTIONS";
  r.raw_path = "/pets";
  r.headers.Add("Origin", std::move(origin));
  r.headers.Add("Access-Control-Request-Method", std::move(method));
  r.headers.Add("Access-Control-Request-Headers", "authorization");
  return r;
}

edge::Request Actual(std::string origin) {
  edge::Request r;
  r.method = "GET";
  r.raw_path = "/pets";
  if (!origin.empty()) r.headers.Add("Origin", std::move(origin));
  return r;
}

CorsConfig FullConfig() {
  CorsConfig c;
  c.allow_origins = {"https://www.example.com", "https://app.example.com"};
  c.allow_methods = {"GET", "PUT", "DELETE"};
  c.allow_headers = {"authorization", "content-type"};
  c.expose_headers = {"date", "x-api-id"};
  c.max_age = 300;
  c.allow_credentials = true;
  return c;
}

edge::Response Backend() {
  edge::Response r;
  r.status = 201;
  r.body = "created";
  r.headers.Add("Content-Type", "text/plain");
  r.headers.Add("Access-Control-Allow-Origin", "*");
  r.headers.Add("access-control-allow-methods", "POST");
  r.headers.Add("apigw-requestid", "id1");
  return r;
}

TEST(CorsTest, IsPreflightNeedsOptionsOriginAndRequestMethod) {
  EXPECT_TRUE(IsPreflightRequest(Preflight("https://a.com")));
  edge::Request no_method = Preflight("https://a.com");
  no_method.headers.Remove("access-control-request-method");
  EXPECT_FALSE(IsPreflightRequest(no_method));
  edge::Request no_origin = Preflight("https://a.com");
  no_origin.headers.Remove("origin");
  EXPECT_FALSE(IsPreflightRequest(no_origin));
  edge::Request get = Preflight("https://a.com");
  get.method = "GET";
  EXPECT_FALSE(IsPreflightRequest(get));
}

TEST(CorsTest, OriginMatching) {
  CorsConfig c = FullConfig();
  EXPECT_TRUE(OriginAllowed(c, "https://www.example.com"));
  EXPECT_TRUE(OriginAllowed(c, "HTTPS://WWW.EXAMPLE.COM"));
  EXPECT_FALSE(OriginAllowed(c, "https://www.example.com:8443"));
  EXPECT_FALSE(OriginAllowed(c, "http://www.example.com"));
  EXPECT_FALSE(OriginAllowed(c, ""));
  c.allow_origins = {"*"};
  EXPECT_TRUE(OriginAllowed(c, "null"));
  EXPECT_FALSE(OriginAllowed(c, ""));
  c.allow_origins.clear();
  EXPECT_FALSE(OriginAllowed(c, "https://www.example.com"));
}

TEST(CorsTest, PreflightForAnAllowedOrigin) {
  edge::Response r = PreflightResponse(FullConfig(), Preflight("https://app.example.com"), "id1");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers.fields(),
            (Fields{{"access-control-allow-origin", "https://app.example.com"},
                    {"access-control-allow-credentials", "true"},
                    {"access-control-allow-methods", "GET,PUT,DELETE"},
                    {"access-control-allow-headers", "authorization,content-type"},
                    {"access-control-max-age", "300"},
                    {"apigw-requestid", "id1"}}));
}

TEST(CorsTest, PreflightWithWildcards) {
  CorsConfig c;
  c.allow_origins = {"*"};
  c.allow_methods = {"*"};
  c.allow_headers = {"*"};
  edge::Response r = PreflightResponse(c, Preflight("https://a.com"), "id1");
  EXPECT_EQ(r.headers.fields(), (Fields{{"access-control-allow-origin", "*"},
                                        {"access-control-allow-methods", "*"},
                                        {"access-control-allow-headers", "*"},
                                        {"apigw-requestid", "id1"}}));
  // With credentials a browser refuses "*": the origin is echoed.
  c.allow_credentials = true;
  r = PreflightResponse(c, Preflight("https://a.com"), "id1");
  EXPECT_EQ(r.headers.Get("access-control-allow-origin"), "https://a.com");
  EXPECT_EQ(r.headers.Get("access-control-allow-credentials"), "true");
}

TEST(CorsTest, PreflightForAForeignOriginHasNoCorsHeaders) {
  edge::Response r = PreflightResponse(FullConfig(), Preflight("https://evil.com"), "id1");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers.fields(), (Fields{{"apigw-requestid", "id1"}}));
}

TEST(CorsTest, MaxAgeZeroIsSent) {
  CorsConfig c;
  c.allow_origins = {"*"};
  c.max_age = 0;
  edge::Response r = PreflightResponse(c, Preflight("https://a.com"), "id1");
  EXPECT_EQ(r.headers.Get("access-control-max-age"), "0");
}

TEST(CorsTest, ActualResponseReplacesBackendCorsHeaders) {
  edge::Response r = ApplyCors(FullConfig(), Actual("https://www.example.com"), Backend());
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "created");
  EXPECT_EQ(r.headers.fields(), (Fields{{"Content-Type", "text/plain"},
                                        {"apigw-requestid", "id1"},
                                        {"access-control-allow-origin", "https://www.example.com"},
                                        {"access-control-allow-credentials", "true"},
                                        {"access-control-expose-headers", "date,x-api-id"}}));
}

TEST(CorsTest, ActualResponseWithoutOrKnownOriginGetsNoCorsHeaders) {
  Fields stripped = {{"Content-Type", "text/plain"}, {"apigw-requestid", "id1"}};
  EXPECT_EQ(ApplyCors(FullConfig(), Actual(""), Backend()).headers.fields(), stripped);
  EXPECT_EQ(ApplyCors(FullConfig(), Actual("https://evil.com"), Backend()).headers.fields(),
            stripped);
}

TEST(CorsTest, OptionsThatIsNotAPreflightGetsNoCorsHeaders) {
  edge::Request options = Actual("https://www.example.com");
  options.method = "OPTIONS";
  EXPECT_EQ(ApplyCors(FullConfig(), options, Backend()).headers.fields(),
            (Fields{{"Content-Type", "text/plain"}, {"apigw-requestid", "id1"}}));
}

TEST(CorsTest, ActualResponseWithWildcardOrigin) {
  CorsConfig c;
  c.allow_origins = {"*"};
  edge::Response r = ApplyCors(c, Actual("https://a.com"), Backend());
  EXPECT_EQ(r.headers.fields(), (Fields{{"Content-Type", "text/plain"},
                                        {"apigw-requestid", "id1"},
                                        {"access-control-allow-origin", "*"}}));
}

TEST(CorsTest, PreflightRoutedToAnIntegrationGetsThePreflightSet) {
  edge::Response r = ApplyCors(FullConfig(), Preflight("https://www.example.com"), Backend());
  EXPECT_EQ(r.headers.fields(),
            (Fields{{"Content-Type", "text/plain"},
                    {"apigw-requestid", "id1"},
                    {"access-control-allow-origin", "https://www.example.com"},
                    {"access-control-allow-credentials", "true"},
                    {"access-control-allow-methods", "GET,PUT,DELETE"},
                    {"access-control-allow-headers", "authorization,content-type"},
                    {"access-control-max-age", "300"}}));
}

}  // namespace
}  // namespace kumo::apis

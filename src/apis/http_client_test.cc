// HttpClient against a real HTTP server on port 0: methods, headers and
// bodies both ways, and each failure it reports as a value.
#include "apis/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "apis/auth_test_util.h"

namespace kumo::apis {
namespace {

using testing::TestHttpServer;

// Runs one exchange on a private io_context until it ends.
Result<HttpClientResponse> Exchange(HttpClientRequest request) {
  boost::asio::io_context io;
  HttpClient client(io.get_executor());
  std::optional<Result<HttpClientResponse>> out;
  int calls = 0;
  client.Send(std::move(request), [&](Result<HttpClientResponse> r) {
    ++calls;
    out.emplace(std::move(r));
  });
  io.run();
  EXPECT_EQ(calls, 1);
  return out ? std::move(*out) : Result<HttpClientResponse>(Internal("no callback"));
}

HttpClientRequest Get(std::string url) {
  HttpClientRequest request;
  request.url = std::move(url);
  return request;
}

TEST(HttpClientTest, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  TestHttpServer server([](const edge::Request& r) -> std::optional<edge::Response> {
    edge::Response response = edge::Response::Text(
        201, r.method + " " + r.target + " " + std::string(r.headers.Get("x-token").value_or("-")) +
                 " " + std::string(r.headers.Get("host").value_or("-")) + " " + r.body);
    response.headers.Add("X-Reply", "yes");
    return response;
  });
  HttpClientRequest request = Get(server.base_url() + "/a%20b/c?x=1&y=2");
  request.method = "PATCH";
  request.headers.Add("X-Token", "abc");
  request.headers.Add("Content-Length", "999");  // the client frames the body itself
  request.body = "payload";
  Result<HttpClientResponse> response = Exchange(std::move(request));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->reason, "Created");
  EXPECT_EQ(response->body,
            "PATCH /a%20b/c?x=1&y=2 abc " + server.base_url().substr(7) + " payload");
  EXPECT_EQ(response->headers.Get("x-reply").value_or(""), "yes");
}

TEST(HttpClientTest, ErrorStatusesAreResponsesNotErrors) {
  TestHttpServer server([](const edge::Request&) -> std::optional<edge::Response> {
    return edge::Response::Json(404, R"({"message":"Not Found"})");
  });
  Result<HttpClientResponse> response = Exchange(Get(server.base_url() + "/missing"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->body, R"({"message":"Not Found"})");
}

TEST(HttpClientTest, CustomMethodsAndEmptyPathsWork) {
  TestHttpServer server([](const edge::Request& r) -> std::optional<edge::Response> {
    return edge::Response::Text(200, r.method + " " + r.target);
  });
  HttpClientRequest request = Get(server.base_url());
  request.method = "PROPFIND";
  Result<HttpClientResponse> response = Exchange(std::move(request));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "PROPFIND /");
}

TEST(HttpClientTest, HeadRequestsDoNotWaitForABody) {
  TestHttpServer server([](const edge::Request&) -> std::optional<edge::Response> {
    return edge::Response::Text(200, "twelve bytes");
  });
  HttpClientRequest request = Get(server.base_url() + "/");
  request.method = "HEAD";
  request.timeout = std::chrono::milliseconds(5000);
  Result<HttpClientResponse> response = Exchange(std::move(request));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
}

TEST(HttpClientTest, HttpsIsRefusedAtOnceWithAClearError) {
  Result<HttpClientResponse> response = Exchange(Get("https://example.com/jwks"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().http_status, 400);
  EXPECT_EQ(response.error().code, "UnsupportedScheme");
  EXPECT_NE(response.error().message.find("TLS"), std::string::npos);
}

TEST(HttpClientTest, MalformedUrlsAndMethodsAreInvalidArguments) {
  for (const char* url : {"not a url", "http:///nohost", "ftp://example.com/"}) {
    Result<HttpClientResponse> response = Exchange(Get(url));
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.error().http_status, 400) << url;
  }
  HttpClientRequest request = Get("http://127.0.0.1:1/");
  request.method = "GET X";
  Result<HttpClientResponse> response = Exchange(std::move(request));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "InvalidArgument");
}

TEST(HttpClientTest, RefusedConnectionIsConnectionFailed) {
  uint16_t port;
  {
    // A port that was just free: nobody listens there once the server is gone.
    TestHttpServer gone([](const edge::Request&) { return std::optional<edge::Response>(); });
    port = static_cast<uint16_t>(std::stoi(gone.base_url().substr(17)));
  }
  Result<HttpClientResponse> response =
      Exchange(Get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().http_status, 502);
  EXPECT_EQ(response.error().code, "ConnectionFailed");
}

TEST(HttpClientTest, ASilentServerTimesOut) {
  TestHttpServer server([](const edge::Request&) { return std::optional<edge::Response>(); });
  HttpClientRequest request = Get(server.base_url() + "/slow");
  request.timeout = std::chrono::milliseconds(200);
  auto started = std::chrono::steady_clock::now();
  Result<HttpClientResponse> response = Exchange(std::move(request));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().http_status, 504);
  EXPECT_EQ(response.error().code, "Timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(HttpClientTest, BodiesPastTheCapAreRefused) {
  TestHttpServer server([](const edge::Request&) -> std::optional<edge::Response> {
    return edge::Response::Text(200, std::string(5000, 'x'));
  });
  HttpClientRequest request = Get(server.base_url() + "/big");
  request.max_response_body_bytes = 4999;
  Result<HttpClientResponse> response = Exchange(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "ResponseTooLarge");
  request.max_response_body_bytes = 5000;
  response = Exchange(request);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body.size(), 5000u);
}

TEST(HttpClientTest, ManyExchangesShareOneExecutor) {
  TestHttpServer server([](const edge::Request& r) -> std::optional<edge::Response> {
    return edge::Response::Text(200, r.path);
  });
  boost::asio::io_context io;
  HttpClient client(io.get_executor());
  std::vector<std::string> bodies;
  for (int i = 0; i < 20; ++i) {
    client.Send(Get(server.base_url() + "/n" + std::to_string(i)),
                [&](Result<HttpClientResponse> r) {
                  ASSERT_TRUE(r.ok()) << r.error().message;
                  bodies.push_back(r->body);
                });
  }
  io.run();
  ASSERT_EQ(bodies.size(), 20u);
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies.front(), "/n0");
}

}  // namespace
}  // namespace kumo::apis

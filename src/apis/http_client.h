// HttpClient: an asynchronous HTTP/1.1 client on Boost.Beast, for the HTTP API
// gateway's own outbound calls (JWKS discovery for JWT authorizers, HTTP_PROXY
// integrations).
//
// Plain http:// only. An https:// URL fails at once with 400
// UnsupportedScheme: Kumo runs offline and carries no trust store, so it does
// not speak TLS to integrations or identity providers.
//
// One connection per request, closed afterwards (no pooling). Any method,
// header and body; the client adds Host, and Content-Length when a body is
// sent or the method normally carries one. The response body is read whole,
// up to a cap; chunked responses are decoded.
//
// Errors are values: the callback receives Result<HttpClientResponse>. An
// HTTP error status (404, 500, ...) is a response, not an error. Failures:
//   400 InvalidArgument    malformed URL or method
//   400 UnsupportedScheme  https:// or any scheme but http
//   502 ConnectionFailed   resolve/connect/read/write failed, or the peer sent
//                          something that is not HTTP
//   502 ResponseTooLarge   the body passed max_response_body_bytes
//   504 Timeout            the whole exchange took longer than `timeout`
//
// Threading: Send() may be called from any thread. The callback runs once, on
// the client's executor. If that executor's io_context is stopped or
// destroyed before the exchange ends, the callback is dropped, never called.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "common/status.h"
#include "edge/http_types.h"

namespace kumo::apis {

struct HttpClientRequest {
  std::string method = "GET";  // any token: GET, POST, PATCH, PROPFIND, ...
  std::string url;             // http://host[:port][/path][?query]
  edge::Headers headers;       // sent as given; Host is added when absent
  std::string body;
  // Deadline for the whole exchange: resolve, connect, write, read.
  std::chrono::milliseconds timeout{30000};
  size_t max_response_body_bytes = 10 * 1024 * 1024;
};

struct HttpClientResponse {
  int status = 0;
  std::string reason;  // "OK"
  edge::Headers headers;
  std::string body;
};

using HttpClientCallback = std::function<void(Result<HttpClientResponse>)>;

class HttpClient {
 public:
  explicit HttpClient(boost::asio::any_io_executor executor);

  // Starts one exchange; `done` runs exactly once, on the executor.
  void Send(HttpClientRequest request, HttpClientCallback done) const;

 private:
  boost::asio::any_io_executor executor_;
};

}  // namespace kumo::apis

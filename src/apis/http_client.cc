#include "apis/http_client.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <memory>
#include <optional>
#include <utility>

namespace kumo::apis {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kHeaderLimit = 64 * 1024;

struct Endpoint {
  std::string host;  // for the resolver: no brackets around IPv6
  std::string port;
  std::string host_header;  // as written in the URL, with the port when given
  std::string target;       // origin-form: /path?query
};

Result<Endpoint> ParseHttpUrl(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Error(400, "InvalidArgument", "invalid URL: " + url);
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::http) {
    return Error(400, "UnsupportedScheme",
                 "only http:// URLs are supported (Kumo speaks no TLS offline): " + url);
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    return Error(400, "InvalidArgument", "URL has no host: " + url);
  }
  Endpoint endpoint;
  endpoint.host = u.host_address();
  endpoint.port = u.has_port() ? std::string(u.port()) : "80";
  endpoint.host_header = std::string(u.encoded_host_and_port());
  endpoint.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) endpoint.target += "?" + std::string(u.encoded_query());
  return endpoint;
}

bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Fields the client owns: it frames the body itself and closes after one exchange.
bool IsFramingField(std::string_view name) {
  return EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
         EqualsIgnoreCase(name, "connection");
}

Result<http::request<http::string_body>> BuildRequest(HttpClientRequest& in,
                                                      const Endpoint& endpoint) {
  if (!IsToken(in.method)) return Error(400, "InvalidArgument", "invalid method: " + in.method);
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(in.method);
  if (verb == http::verb::unknown) {
    req.method_string(in.method);
  } else {
    req.method(verb);
  }
  req.target(endpoint.target);
  req.version(11);
  for (const auto& [name, value] : in.headers.fields()) {
    if (IsFramingField(name)) continue;
    req.insert(name, value);
  }
  if (!in.headers.Has("host")) req.set(http::field::host, endpoint.host_header);
  bool carries_body = !in.body.empty() || verb == http::verb::post || verb == http::verb::put ||
                      verb == http::verb::patch;
  req.body() = std::move(in.body);
  if (carries_body) req.content_length(req.body().size());
  return req;
}

// One request/response exchange. Every handler runs on `strand_`, so the
// timeout and the I/O completions never race.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::any_io_executor executor, Endpoint endpoint,
           http::request<http::string_body> request, const HttpClientRequest& options,
           HttpClientCallback done)
      : strand_(asio::make_strand(executor)),
        resolver_(strand_),
        stream_(strand_),
        timer_(strand_),
        endpoint_(std::move(endpoint)),
        request_(std::move(request)),
        timeout_(options.timeout),
        done_(std::move(done)) {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(options.max_response_body_bytes);
    if (request_.method() == http::verb::head) parser_->skip(true);
  }

  void Start() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->Begin(); });
  }

 private:
  void Begin() {
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->OnTimeout();
    });
    resolver_.async_resolve(
        endpoint_.host, endpoint_.port,
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
          self->OnResolve(ec, std::move(results));
        });
  }

  void OnTimeout() {
    timed_out_ = true;
    resolver_.cancel();
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  void OnResolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return Fail("resolve " + endpoint_.host, ec);
    stream_.async_connect(results,
                          [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
                            self->OnConnect(ec);
                          });
  }

  void OnConnect(beast::error_code ec) {
    if (ec) return Fail("connect to " + endpoint_.host_header, ec);
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    if (ec) return Fail("write to " + endpoint_.host_header, ec);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return Finish(
          Error(502, "ResponseTooLarge",
                "response body from " + endpoint_.host_header + " is larger than the limit"));
    }
    if (ec) return Fail("read from " + endpoint_.host_header, ec);
    http::response<http::string_body> msg = parser_->release();
    HttpClientResponse response;
    response.status = static_cast<int>(msg.result_int());
    response.reason = std::string(msg.reason());
    for (const auto& field : msg) {
      response.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(msg.body());
    Finish(std::move(response));
  }

  void Fail(const std::string& what, beast::error_code ec) {
    if (timed_out_) {
      return Finish(
          Error(504, "Timeout", "HTTP request to " + endpoint_.host_header + " timed out"));
    }
    Finish(Error(502, "ConnectionFailed", what + ": " + ec.message()));
  }

  void Finish(Result<HttpClientResponse> result) {
    if (!done_) return;
    timer_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    HttpClientCallback done = std::move(done_);
    done_ = nullptr;
    done(std::move(result));
  }

  asio::strand<asio::any_io_executor> strand_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  Endpoint endpoint_;
  http::request<http::string_body> request_;
  std::chrono::milliseconds timeout_;
  HttpClientCallback done_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool timed_out_ = false;
};

}  // namespace

HttpClient::HttpClient(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

void HttpClient::Send(HttpClientRequest request, HttpClientCallback done) const {
  auto fail_later = [&](Error error) {
    asio::post(executor_, [done = std::move(done), error = std::move(error)]() mutable {
      done(std::move(error));
    });
  };
  Result<Endpoint> endpoint = ParseHttpUrl(request.url);
  if (!endpoint.ok()) return fail_later(endpoint.error());
  auto built = BuildRequest(request, *endpoint);
  if (!built.ok()) return fail_later(built.error());
  auto exchange = std::make_shared<Exchange>(executor_, std::move(endpoint).value(),
                                             std::move(built).value(), request, std::move(done));
  exchange->Start();
}

}  // namespace kumo::apis

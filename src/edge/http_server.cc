#include "edge/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <set>

namespace kumo::edge {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

}  // namespace

struct HttpServer::State {
  asio::io_context& io;
  HttpServerOptions options;
  RequestHandler handler;
  std::optional<tcp::acceptor> acceptor;
  std::atomic<int64_t> in_flight{0};
  std::atomic<bool> stopping{false};
  uint16_t port = 0;
  std::mutex sessions_mu;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;

  State(asio::io_context& io_in, HttpServerOptions o, RequestHandler h)
      : io(io_in), options(std::move(o)), handler(std::move(h)) {}
};

namespace {

// One TCP connection: read a request, hand it to the handler, write the
// answer, repeat while keep-alive. All socket work runs on the strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::State> server)
      : stream_(std::move(socket)), server_(std::move(server)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Closes the connection if it is idle (between requests); a busy one closes
  // after its answer because `stopping` turns keep-alive off.
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

  // Called by the sink, from any thread.
  void Answer(Response response) {
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), r = std::move(response)]() mutable {
                 self->Write(std::move(r));
               });
  }

 private:
  void ReadHeader() {
    busy_ = false;
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(server_->options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    busy_ = true;
    stream_.expires_after(server_->options.request_timeout);
    auto& req = parser_->get();
    auto expect = req[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      // The client waits for this before sending the body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->Fail(ec);
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  // A failed read: the peer left or timed out (close quietly), or sent
  // something we refuse (answer, then close).
  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return WriteAndClose(413, "Request body exceeds the limit of " +
                                    std::to_string(server_->options.body_limit) + " bytes");
    }
    if (ec == http::error::header_limit) return WriteAndClose(431, "Request header too large");
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == http::error::partial_message) {
      return Fail(ec);
    }
    WriteAndClose(400, "Malformed HTTP request: " + ec.message());
  }

  void OnBody(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    Request request = ToRequest(std::move(msg));
    stream_.expires_never();  // the handler may take as long as it needs
    server_->in_flight.fetch_add(1);
    server_->handler(std::move(request), std::make_shared<Sink>(shared_from_this()));
  }

  Request ToRequest(http::request<http::string_body>&& msg) {
    Request r;
    r.method = std::string(msg.method_string());
    r.target = std::string(msg.target());
    size_t q = r.target.find('?');
    r.raw_path = r.target.substr(0, q);
    if (q != std::string::npos) r.raw_query = r.target.substr(q + 1);
    auto decoded = PercentDecode(r.raw_path, false);
    r.path = decoded ? std::move(*decoded) : r.raw_path;
    r.query = ParseQueryString(r.raw_query, true);
    for (const auto& f : msg) {
      r.headers.Add(std::string(f.name_string()), std::string(f.value()));
    }
    r.body = std::move(msg.body());
    r.remote_address = remote_;
    return r;
  }

  class Sink : public ResponseSink {
   public:
    explicit Sink(std::shared_ptr<Session> s) : session_(std::move(s)) {}
    void Complete(Response response, std::string_view) override {
      session_->Answer(std::move(response));
    }

   private:
    std::shared_ptr<Session> session_;
  };

  void Write(Response response) {
    server_->in_flight.fetch_sub(1);
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    for (auto& [k, v] : response.headers.fields()) res->insert(k, v);
    res->body() = std::move(response.body);
    bool keep = keep_alive_ && !server_->stopping.load();
    res->keep_alive(keep);
    res->prepare_payload();
    stream_.expires_after(server_->options.request_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
      if (ec) return self->Fail(ec);
      if (!keep) return self->Close();
      self->ReadHeader();
    });
  }

  void WriteAndClose(int status, std::string message) {
    keep_alive_ = false;
    server_->in_flight.fetch_add(1);  // Write() balances it
    Response r = Response::Json(status, "{\"message\":\"" + message + "\"}");
    Write(std::move(r));
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  void Fail(beast::error_code) { Close(); }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::State> server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  bool keep_alive_ = true;
  bool busy_ = false;
  unsigned version_ = 11;
};

void Accept(std::shared_ptr<HttpServer::State> state) {
  state->acceptor->async_accept(
      asio::make_strand(state->io), [state](beast::error_code ec, tcp::socket socket) {
        if (state->stopping.load() || !state->acceptor->is_open()) return;
        if (!ec) {
          socket.set_option(tcp::no_delay(true), ec);
          auto session = std::make_shared<Session>(std::move(socket), state);
          {
            std::lock_guard lock(state->sessions_mu);
            // Forget sessions that ended, so the set stays small.
            std::erase_if(state->sessions, [](const auto& w) { return w.expired(); });
            state->sessions.insert(session);
          }
          session->Start();
        }
        Accept(state);
      });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, HttpServerOptions options, RequestHandler handler)
    : state_(std::make_shared<State>(io, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(state_->options.host, ec);
  if (ec) return InvalidArgument("Invalid listen address '" + state_->options.host + "'");
  tcp::endpoint endpoint(address, state_->options.port);
  std::string where = state_->options.host + ":" + std::to_string(state_->options.port);
  auto& acceptor = state_->acceptor.emplace(asio::make_strand(state_->io));
  if (acceptor.open(endpoint.protocol(), ec); ec) return Internal("open " + where + ": " + ec.message());
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return Internal("setsockopt " + where + ": " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) return Internal("bind " + where + ": " + ec.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Internal("listen " + where + ": " + ec.message());
  }
  state_->port = acceptor.local_endpoint().port();
  Accept(state_);
  return state_->port;
}

void HttpServer::Stop() {
  if (state_->stopping.exchange(true)) return;
  if (state_->acceptor) {
    asio::post(state_->acceptor->get_executor(), [state = state_] {
      beast::error_code ec;
      state->acceptor->close(ec);
    });
  }
  std::lock_guard lock(state_->sessions_mu);
  for (auto& weak : state_->sessions) {
    if (auto s = weak.lock()) s->CloseIfIdle();
  }
}

int64_t HttpServer::InFlight() const { return state_->in_flight.load(); }
uint16_t HttpServer::port() const { return state_->port; }

}  // namespace kumo::edge

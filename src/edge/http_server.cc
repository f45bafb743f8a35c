#include "edge/http_server.h"

#include <time.h>
#include <unistd.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>

#include "common/clock.h"
#include "edge/request_target.h"

namespace kumo::edge {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
// A socket bound to a concrete io_context executor: no polymorphic executor
// to copy on every operation.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
using SteadyClock = std::chrono::steady_clock;

namespace {

class Session;

// Connection deadlines need seconds, not nanoseconds: the coarse clock (a
// memory read in the vDSO, same epoch as steady_clock) is cheaper than a TSC
// read, and it is taken several times per request.
SteadyClock::time_point CoarseNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return SteadyClock::time_point(std::chrono::seconds(ts.tv_sec) +
                                 std::chrono::nanoseconds(ts.tv_nsec));
}

// The Date header of a response sent now (RFC 9110 §6.6.1: an origin server
// with a clock sends one), formatted once a second per thread.
std::string_view DateNow() {
  thread_local int64_t formatted_at = -1;
  thread_local std::string text;
  const int64_t second = Clock::System().NowMillis() / 1000;
  if (second != formatted_at) {
    formatted_at = second;
    text = FormatHttpDate(second * 1000);
  }
  return text;
}

// Per-context bookkeeping, touched only on that context's thread.
struct ContextState {
  explicit ContextState(asio::io_context& io_in) : io(io_in), sweep(io_in) {}
  asio::io_context& io;
  asio::steady_timer sweep;
  std::list<std::weak_ptr<Session>> sessions;
  // Requests handed to the handler and not yet answered. Per context, on its
  // own cache line: two threads bumping one shared counter per request
  // would bounce it between cores.
  alignas(64) std::atomic<int64_t> in_flight{0};
};

}  // namespace

struct HttpServer::State {
  IoPool& pool;
  HttpServerOptions options;
  RequestHandler handler;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::unique_ptr<ContextState>> contexts;
  std::atomic<bool> stopping{false};
  uint16_t port = 0;

  State(IoPool& p, HttpServerOptions o, RequestHandler h)
      : pool(p), options(std::move(o)), handler(std::move(h)) {
    for (size_t i = 0; i < pool.size(); ++i)
      contexts.push_back(std::make_unique<ContextState>(pool.At(i)));
  }
  ContextState& ContextFor(asio::io_context& io) {
    for (auto& c : contexts) {
      if (&c->io == &io) return *c;
    }
    return *contexts.front();  // unreachable: every socket is made on a pool context
  }
};

namespace {

// Header names are HTTP tokens; values must not contain CR, LF or NUL. A
// field that breaks these rules is dropped (its value may come from function
// output, which must not be able to inject header lines).
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = 33; c < 127; ++c) t[c] = true;
  for (unsigned char c : std::string_view("()<>@,;:\\\"/[]?={}")) t[c] = false;
  return t;
}();

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!kTokenChars[c]) return false;
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

// Writes the status line and header fields of `response` into `out`, with
// Content-Length and Connection set by the server. For a HEAD request the
// service's own Content-Length (the size a GET would return) is kept, else
// the length of the body it answered (which is not sent).
void SerializeHead(const Response& response, bool keep_alive, bool head_request, std::string& out) {
  out.clear();
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += http::obsolete_reason(static_cast<http::status>(response.status));
  out += "\r\n";
  bool own_length = false;
  bool own_date = false;
  for (const auto& [name, value] : response.headers.fields()) {
    if (!IsToken(name) || !IsFieldValue(value) || EqualsIgnoreCase(name, "connection") ||
        EqualsIgnoreCase(name, "transfer-encoding")) {
      continue;
    }
    if (EqualsIgnoreCase(name, "content-length")) {
      if (!head_request) continue;
      own_length = true;
    }
    own_date = own_date || EqualsIgnoreCase(name, "date");
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  // 1xx, 204 and 304 answers carry no body and no Content-Length (RFC 9110).
  bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless && (!head_request || (!own_length && !response.body.empty()))) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  if (!own_date) {
    out += "Date: ";
    out += DateNow();
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
}

// Parses one request straight into a Request: header fields are copied once,
// from the read buffer into Headers, with no intermediate Beast field list.
// Beast's basic_parser does the HTTP work (framing, chunked bodies, limits,
// keep-alive); this class only stores what it reports.
class RequestParser final : public http::basic_parser<true> {
 public:
  Request& request() { return request_; }
  http::verb method() const { return method_; }
  bool expects_continue() const { return expects_continue_; }

 private:
  void on_request_impl(http::verb method, beast::string_view method_string,
                       beast::string_view target, int, beast::error_code&) override {
    method_ = method;
    request_.method.assign(method_string.data(), method_string.size());
    request_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = http::error::bad_version;  // unreachable: a request parser sees no status lines
  }
  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code&) override {
    if (name == http::field::expect && beast::iequals(value, "100-continue"))
      expects_continue_ = true;
    request_.headers.Add(std::string(name_string.data(), name_string.size()),
                         std::string(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    // The parser has checked a declared length against the body limit.
    if (length) request_.body.reserve(static_cast<size_t>(*length));
  }
  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    request_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  Request request_;
  http::verb method_ = http::verb::unknown;
  bool expects_continue_ = false;
};

// One TCP connection: read a request, hand it to the handler, write the
// answer, repeat while keep-alive. Everything runs on its context's thread.
class Session : public ResponseSink, public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, std::shared_ptr<HttpServer::State> server, ContextState& ctx)
      : socket_(std::move(socket)), server_(std::move(server)), ctx_(ctx) {
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    auto local = socket_.local_endpoint(ec);
    if (!ec) local_ = local.address().to_string();
  }

  void Start() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->ctx_.sessions.push_back(self);
      self->ReadHeader();
    });
  }

  // Runs on the context's thread: closes the socket when its deadline passed.
  void Sweep(SteadyClock::time_point now, bool stopping) {
    if (deadline_ != SteadyClock::time_point{} && now >= deadline_)
      Close();
    else if (stopping && !busy_)
      Close();
  }

  // The answer to the request in flight, from any thread. A session answers
  // one request at a time, so it is its own sink.
  void Complete(Response response, std::string_view) override {
    if (ctx_.io.get_executor().running_in_this_thread()) return Write(std::move(response));
    asio::post(socket_.get_executor(),
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
    deadline_ = CoarseNow() + server_->options.idle_timeout;
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    busy_ = true;
    deadline_ = CoarseNow() + server_->options.request_timeout;
    if (parser_->expects_continue()) {
      // The client waits for this before sending the body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(socket_, *cont,
                        [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnBody({});
    http::async_read(
        socket_, buffer_, *parser_,
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
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::bad_descriptor || ec == http::error::partial_message) {
      return Close();
    }
    WriteAndClose(400, "Malformed HTTP request: " + ec.message());
  }

  void OnBody(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    keep_alive_ = parser_->keep_alive();
    head_request_ = parser_->method() == http::verb::head;
    Request request = std::move(parser_->request());
    SplitTarget(request);
    request.remote_address = remote_;
    request.local_address = local_;
    deadline_ = {};  // the handler may take as long as it needs
    ctx_.in_flight.fetch_add(1, std::memory_order_relaxed);
    server_->handler(std::move(request), std::shared_ptr<ResponseSink>(shared_from_this()));
  }

  void Write(Response response) {
    ctx_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    bool keep = keep_alive_ && !server_->stopping.load(std::memory_order_relaxed);
    SerializeHead(response, keep, head_request_, head_);
    body_ = head_request_ ? std::string() : std::move(response.body);
    deadline_ = CoarseNow() + server_->options.request_timeout;
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(socket_, buffers,
                      [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                        if (ec || !keep) return self->Close();
                        self->ReadHeader();
                      });
  }

  void WriteAndClose(int status, std::string message) {
    keep_alive_ = false;
    head_request_ = false;
    ctx_.in_flight.fetch_add(1, std::memory_order_relaxed);  // Write() balances it
    Write(Response::Json(status, "{\"message\":\"" + message + "\"}"));
  }

  void Close() {
    deadline_ = {};
    if (!socket_.is_open()) return;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  Socket socket_;
  std::shared_ptr<HttpServer::State> server_;
  ContextState& ctx_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string head_;  // status line and header fields of the response being written
  std::string body_;  // its body
  std::string remote_;
  std::string local_;
  SteadyClock::time_point deadline_{};
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool busy_ = false;
};

void ScheduleSweep(std::shared_ptr<HttpServer::State> state, ContextState* ctx) {
  ctx->sweep.expires_after(std::chrono::seconds(1));
  ctx->sweep.async_wait([state, ctx](beast::error_code ec) {
    if (ec) return;
    auto now = CoarseNow();
    bool stopping = state->stopping.load();
    for (auto it = ctx->sessions.begin(); it != ctx->sessions.end();) {
      if (auto s = it->lock()) {
        s->Sweep(now, stopping);
        ++it;
      } else {
        it = ctx->sessions.erase(it);
      }
    }
    // A stopped server sweeps until its last connection is gone, then lets
    // go of its state.
    if (stopping && ctx->sessions.empty()) return;
    ScheduleSweep(state, ctx);
  });
}

// Moves an accepted socket to `target`'s reactor (a descriptor registers
// with one context's epoll).
bool MoveTo(Socket& socket, asio::io_context& target) {
  if (&socket.get_executor().context() == &target) return true;
  beast::error_code ec;
  const tcp protocol = socket.local_endpoint(ec).protocol();
  Socket::native_handle_type fd = ec ? -1 : socket.release(ec);
  if (ec) return false;
  Socket moved(target.get_executor());
  if (moved.assign(protocol, fd, ec); ec) {
    ::close(fd);
    return false;
  }
  socket = std::move(moved);
  return true;
}

void Accept(std::shared_ptr<HttpServer::State> state) {
  // With connection_context the choice waits until the connection arrives.
  asio::io_context& first =
      state->options.connection_context ? state->pool.At(0) : state->pool.Next();
  auto socket = std::make_shared<Socket>(first.get_executor());
  state->acceptor->async_accept(*socket, [state, socket, &first](beast::error_code ec) {
    if (state->stopping.load() || !state->acceptor->is_open()) return;
    asio::io_context& target =
        state->options.connection_context ? state->options.connection_context() : first;
    if (!ec && MoveTo(*socket, target)) {
      socket->set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(*socket), state, state->ContextFor(target))->Start();
    }
    Accept(state);
  });
}

}  // namespace

HttpServer::HttpServer(IoPool& pool, HttpServerOptions options, RequestHandler handler)
    : state_(std::make_shared<State>(pool, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(state_->options.host, ec);
  if (ec) return InvalidArgument("Invalid listen address '" + state_->options.host + "'");
  tcp::endpoint endpoint(address, state_->options.port);
  std::string where = state_->options.host + ":" + std::to_string(state_->options.port);
  auto& acceptor = state_->acceptor.emplace(state_->pool.At(0));
  if (acceptor.open(endpoint.protocol(), ec); ec)
    return Internal("open " + where + ": " + ec.message());
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return Internal("setsockopt " + where + ": " + ec.message());
  }
  if (acceptor.bind(endpoint, ec); ec) return Internal("bind " + where + ": " + ec.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Internal("listen " + where + ": " + ec.message());
  }
  state_->port = acceptor.local_endpoint().port();
  for (auto& ctx : state_->contexts) {
    asio::post(ctx->io, [state = state_, c = ctx.get()] { ScheduleSweep(state, c); });
  }
  Accept(state_);
  return state_->port;
}

void HttpServer::Stop() {
  if (state_->stopping.exchange(true)) return;
  if (state_->acceptor) {
    asio::post(state_->pool.At(0), [state = state_] {
      beast::error_code ec;
      state->acceptor->close(ec);
    });
  }
  // Idle connections close now; busy ones after their answer (keep-alive is off).
  for (auto& ctx : state_->contexts) {
    asio::post(ctx->io, [c = ctx.get()] {
      for (auto& weak : c->sessions) {
        if (auto s = weak.lock()) s->Sweep(CoarseNow(), true);
      }
    });
  }
}

int64_t HttpServer::InFlight() const {
  int64_t total = 0;
  for (const auto& ctx : state_->contexts) total += ctx->in_flight.load();
  return total;
}
uint16_t HttpServer::port() const { return state_->port; }

}  // namespace kumo::edge

// HttpServer: an HTTP/1.1 server on Boost.Beast that hands each request to one
// asynchronous handler and writes the handler's answer whenever it arrives.
//
// Per connection: keep-alive, `Expect: 100-continue`, chunked request bodies,
// a body limit (413 past it), a timeout for reading a request once its first
// byte arrived and an idle timeout between requests. No timeout applies while
// the handler holds the request (a long poll may wait for minutes).
//
// Each connection lives on one context of an IoPool; its reads, the handler
// call and its writes all run on that context's thread. An answer given on
// that thread is written at once; from another thread it is posted there.
// Timeouts are enforced by a once-a-second sweep per context, not a timer per
// operation, to keep the hot path free of timer work.
//
// Thread-safety: Listen/Stop from any thread. Handlers may answer from any
// thread through the ResponseSink.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "edge/http_types.h"
#include "edge/io_pool.h"
#include "edge/service.h"

namespace kumo::edge {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4566;  // 0 picks a free port
  // A 50 MB zip arrives base64-encoded inside JSON: ~67 MB.
  uint64_t body_limit = 80ull * 1024 * 1024;
  std::chrono::seconds request_timeout{60};  // to read one whole request
  std::chrono::seconds idle_timeout{120};    // between requests on a connection
  // The context an accepted connection lives on, asked on an I/O thread as
  // it is accepted; unset means the pool's round-robin (IoPool::Next). A
  // Runtime API endpoint answers its environment's, so an invocation's
  // runtime traffic stays on the environment's thread.
  std::function<boost::asio::io_context&()> connection_context;
};

using RequestHandler = std::function<void(Request&&, std::shared_ptr<ResponseSink>)>;

class HttpServer {
 public:
  HttpServer(IoPool& pool, HttpServerOptions options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Returns the bound port (useful with port 0).
  // Fails with a message naming the address when it cannot bind.
  Result<uint16_t> Listen();
  // Stops accepting and closes idle connections; requests in flight finish
  // and their connections close after answering.
  void Stop();
  // Requests read but not yet answered.
  int64_t InFlight() const;
  uint16_t port() const;

  struct State;  // private to http_server.cc; named here so its sessions can hold it

 private:
  std::shared_ptr<State> state_;
};

}  // namespace kumo::edge

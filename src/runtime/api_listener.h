// RuntimeApiListener: one Runtime API endpoint (an edge::HttpServer on
// 127.0.0.1, port 0) that forwards every request to the environment
// attached to it. The engine recycles listeners: an environment gets a free
// one at its cold start and gives it back when it ends, so ports and servers
// are created only when concurrency grows. Requests from a previous
// environment's leftover connections reach the new one and fail its peer
// check (environment.cc), so recycling never mixes environments.
//
// Thread-safety: Attach/Detach from any thread; the server's handler runs on
// I/O threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "common/status.h"
#include "edge/http_server.h"
#include "edge/io_pool.h"

namespace kumo::runtime {

class ExecutionEnvironment;

class RuntimeApiListener {
 public:
  // Binds 127.0.0.1:0. `body_limit` bounds what a runtime may post.
  static Result<std::unique_ptr<RuntimeApiListener>> Open(edge::IoPool& pool, uint64_t body_limit);
  ~RuntimeApiListener();
  RuntimeApiListener(const RuntimeApiListener&) = delete;
  RuntimeApiListener& operator=(const RuntimeApiListener&) = delete;

  uint16_t port() const { return port_; }
  void Attach(std::shared_ptr<ExecutionEnvironment> env);
  void Detach();

 private:
  struct Slot {
    std::mutex mu;
    std::shared_ptr<ExecutionEnvironment> env;
  };
  RuntimeApiListener() = default;

  std::shared_ptr<Slot> slot_ = std::make_shared<Slot>();
  std::unique_ptr<edge::HttpServer> server_;
  uint16_t port_ = 0;
};

}  // namespace kumo::runtime

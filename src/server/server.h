// Server: builds every part of Kumo from a ServerConfig and runs it.
//
// Start() opens the store, registers the services with the router, binds the
// port and starts the I/O threads; it returns once Kumo is serving.
// Shutdown: Stop() (also triggered by SIGINT/SIGTERM in Run()) stops
// accepting, lets requests in flight finish (bounded), stops the services,
// closes the store and joins the threads.
//
// Thread-safety: Stop() from any thread; the rest from the owning thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "server/config.h"

namespace kumo::server {

class Server {
 public:
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config);
  ~Server();

  uint16_t port() const;
  std::vector<std::string> ServiceNames() const;
  // Blocks until SIGINT/SIGTERM or Stop(), then shuts down. Returns the
  // process exit code: 0 after a clean shutdown.
  int Run();
  void Stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::server

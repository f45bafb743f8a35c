// IoPool: one boost::asio::io_context per thread ("one loop per core").
//
// Each connection lives on one context for its whole life, so its handlers
// never run concurrently and need no strand or lock. Work for a connection
// from another thread is posted to its context.
//
// Thread-safety: Next()/At() from any thread; Start/Stop/Join from the owner.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kumo::edge {

class IoPool {
 public:
  // `threads` <= 0 means one per core.
  explicit IoPool(int threads);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Runs every context on its own thread until Stop().
  void Start();
  // Stops every context; pending handlers are abandoned.
  void Stop();
  void Join();

  // Contexts in round-robin order, to spread connections.
  boost::asio::io_context& Next();
  boost::asio::io_context& At(size_t i);
  size_t size() const { return contexts_.size(); }

 private:
  struct Context;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace kumo::edge

#include "edge/io_pool.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace kumo::edge {

namespace {

// An io_context whose shutdown phase can be run on its own. Destroying a
// context destroys its pending handlers, and a handler may own objects bound
// to another context (a server's acceptor, a timer). Shutting every context
// down before destroying any of them makes those objects die while all
// contexts still exist.
class PoolContext : public boost::asio::io_context {
 public:
  using boost::asio::io_context::io_context;
  void Shutdown() { shutdown(); }
};

}  // namespace

IoPool::IoPool(int threads) {
  if (threads <= 0) {
    unsigned n = std::thread::hardware_concurrency();
    threads = n == 0 ? 2 : static_cast<int>(n);
  }
  for (int i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread, so Asio
    // can skip the scheduler's locking.
    contexts_.push_back(std::make_unique<PoolContext>(1));
  }
}

IoPool::~IoPool() {
  Stop();
  Join();
  for (auto& ctx : contexts_) static_cast<PoolContext*>(ctx.get())->Shutdown();
  contexts_.clear();
}

void IoPool::Start() {
  for (auto& ctx : contexts_) {
    threads_.emplace_back([io = ctx.get()] {
      auto guard = boost::asio::make_work_guard(*io);
      io->run();
    });
  }
}

void IoPool::Stop() {
  for (auto& ctx : contexts_) ctx->stop();
}

void IoPool::Join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

boost::asio::io_context& IoPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

boost::asio::io_context& IoPool::At(size_t i) { return *contexts_[i % contexts_.size()]; }

}  // namespace kumo::edge

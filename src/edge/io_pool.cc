#include "edge/io_pool.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace kumo::edge {

IoPool::IoPool(int threads) {
  if (threads <= 0) {
    unsigned n = std::thread::hardware_concurrency();
    threads = n == 0 ? 2 : static_cast<int>(n);
  }
  for (int i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is run by exactly one thread, so Asio
    // can skip the scheduler's locking.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoPool::~IoPool() {
  Stop();
  Join();
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

// WorkerPool: a few long-lived threads for the engine's blocking work
// (launching a sandbox waits ~1 ms for the runtime's exec; tearing one down
// waits for the kernel to reap it), so none of it runs on an I/O thread and
// no invocation creates a thread.
//
// Thread-safety: Post from any thread; Shutdown from one (the owner).
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kumo::runtime {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // Shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a worker, in FIFO order of posting. After Shutdown began
  // the task runs on the calling thread (so teardowns are never dropped).
  void Post(std::function<void()> task);
  // Runs every task posted so far, then joins the threads. Idempotent.
  void Shutdown();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace kumo::runtime

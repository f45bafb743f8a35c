// RocksStore: the Store implementation on RocksDB. Private to src/storage;
// callers use Store::Open.
//
// Threading: reads and blocking writes run on the caller's thread under a
// shared lifecycle lock, so Close() waits for operations in flight and later
// ones fail. WriteAsync batches go to one commit thread that merges every
// queued batch into one RocksDB write (group commit) and then runs the
// callbacks in call order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "storage/rocks_engine.h"
#include "storage/store.h"

namespace kumo::storage {

class RocksStore final : public Store {
 public:
  explicit RocksStore(std::shared_ptr<Engine> engine);
  ~RocksStore() override;

  Result<Family> OpenFamily(const std::string& name) override;
  Result<std::optional<std::string>> Get(Family family, std::string_view key,
                                         const Snapshot* snapshot) override;
  Status Write(const WriteBatch& batch) override;
  void WriteAsync(WriteBatch batch, std::function<void(Status)> done) override;
  std::unique_ptr<Snapshot> GetSnapshot() override;
  std::unique_ptr<Iterator> NewIterator(Family family, const ReadOptions& options) override;
  bool WriteWaitsForDisk() const override { return waits_for_disk_; }
  CommitStats GetCommitStats() const override;
  Status Close() override;

 private:
  // The open engine, with the lifecycle lock held for as long as it lives;
  // `engine` is null once the store is closed.
  struct Lease {
    std::shared_lock<std::shared_mutex> lock;
    const std::shared_ptr<Engine>* shared = nullptr;
    Engine& engine() const { return **shared; }
  };
  Result<Lease> Acquire() const;
  Error ClosedError() const;

  struct PendingWrite {
    WriteBatch batch;
    std::function<void(Status)> done;
  };
  void CommitLoop();
  void CommitGroup(std::deque<PendingWrite>& group);
  void StopCommitThread();

  const std::string path_;  // for messages, also after Close
  const bool waits_for_disk_;

  mutable std::shared_mutex lifecycle_mu_;
  std::shared_ptr<Engine> engine_;   // guarded by lifecycle_mu_; null after Close
  std::atomic<bool> closed_{false};  // set first, so new operations skip the lock
  std::mutex close_mu_;              // serializes Close() calls

  // The commit thread owns its own reference to the engine (commit_engine_)
  // and is joined before engine_ is released.
  std::shared_ptr<Engine> commit_engine_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingWrite> queue_;  // guarded by queue_mu_
  bool stopping_ = false;           // guarded by queue_mu_
  std::atomic<uint64_t> committed_batches_{0};
  std::atomic<uint64_t> committed_groups_{0};
  std::thread commit_thread_;
  std::atomic<std::thread::id> commit_thread_id_;  // empty once the thread is joined
};

}  // namespace kumo::storage

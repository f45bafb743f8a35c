#include "storage/rocks_store.h"

#include <utility>
#include <vector>

#include "storage/rocks_views.h"

namespace kumo::storage {
namespace {

// Upper bound on one group commit. Enough to amortize an fsync over
// thousands of small batches while bounding the merged batch's memory.
constexpr size_t kMaxGroupBytes = 4 << 20;

}  // namespace

RocksStore::RocksStore(std::shared_ptr<Engine> engine)
    : path_(engine->path()),
      waits_for_disk_(engine->write_options().sync),
      engine_(engine),
      commit_engine_(std::move(engine)) {
  commit_thread_ = std::thread([this] { CommitLoop(); });
  commit_thread_id_.store(commit_thread_.get_id());
}

RocksStore::~RocksStore() {
  // A destructor cannot report; callers who care call Close() first.
  IgnoreError(Close());
}

Error RocksStore::ClosedError() const { return Internal("storage: " + path_ + " is closed"); }

Result<RocksStore::Lease> RocksStore::Acquire() const {
  if (closed_.load(std::memory_order_acquire)) return ClosedError();
  Lease lease{std::shared_lock(lifecycle_mu_), &engine_};
  if (engine_ == nullptr) return ClosedError();
  return lease;
}

Result<Family> RocksStore::OpenFamily(const std::string& name) {
  KUMO_ASSIGN_OR_RETURN(Lease lease, Acquire());
  KUMO_ASSIGN_OR_RETURN(uint32_t id, lease.engine().OpenFamily(name));
  return Family(id);
}

Result<std::optional<std::string>> RocksStore::Get(Family family, std::string_view key,
                                                   const Snapshot* snapshot) {
  KUMO_ASSIGN_OR_RETURN(Lease lease, Acquire());
  rocksdb::ColumnFamilyHandle* handle = lease.engine().Handle(family.id());
  if (handle == nullptr) return Internal("storage: read from a family of another store");
  KUMO_ASSIGN_OR_RETURN(const rocksdb::Snapshot* rocks_snapshot,
                        ResolveSnapshot(lease.engine(), snapshot));
  rocksdb::ReadOptions read;
  read.snapshot = rocks_snapshot;
  std::string value;
  rocksdb::Status s = lease.engine().db()->Get(read, handle, key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return ToError(s, "read from " + path_);
  return std::optional<std::string>(std::move(value));
}

Status RocksStore::Write(const WriteBatch& batch) {
  // Straight to RocksDB: it already merges concurrent writers into one WAL
  // write and one fsync, and measured faster than a hop through the commit
  // thread (see README.md).
  KUMO_ASSIGN_OR_RETURN(Lease lease, Acquire());
  if (batch.empty()) return Status::Ok();
  rocksdb::WriteBatch rocks_batch;
  KUMO_RETURN_IF_ERROR(lease.engine().Append(batch, rocks_batch));
  rocksdb::Status s = lease.engine().db()->Write(lease.engine().write_options(), &rocks_batch);
  if (!s.ok()) return ToError(s, "write to " + path_);
  return Status::Ok();
}

void RocksStore::WriteAsync(WriteBatch batch, std::function<void(Status)> done) {
  {
    std::unique_lock lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(PendingWrite{std::move(batch), std::move(done)});
      lock.unlock();
      queue_cv_.notify_one();
      return;
    }
  }
  if (done) done(ClosedError());
}

void RocksStore::CommitLoop() {
  std::deque<PendingWrite> group;
  for (;;) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      size_t bytes = 0;
      while (!queue_.empty() &&
             (group.empty() || bytes + queue_.front().batch.ByteSize() <= kMaxGroupBytes)) {
        bytes += queue_.front().batch.ByteSize();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
    group.clear();
  }
}

void RocksStore::CommitGroup(std::deque<PendingWrite>& group) {
  // One RocksDB batch for the whole group: one WAL write, one fsync. A batch
  // that cannot be appended (a foreign family) fails alone.
  rocksdb::WriteBatch merged;
  std::vector<Status> results;
  results.reserve(group.size());
  for (const PendingWrite& pending : group) {
    results.push_back(commit_engine_->Append(pending.batch, merged));
  }
  if (merged.Count() > 0) {
    rocksdb::Status s = commit_engine_->db()->Write(commit_engine_->write_options(), &merged);
    if (!s.ok()) {
      const Error error = ToError(s, "write to " + path_);
      for (Status& result : results) {
        if (result.ok()) result = error;
      }
    }
    committed_groups_.fetch_add(1, std::memory_order_relaxed);
  }
  committed_batches_.fetch_add(group.size(), std::memory_order_relaxed);
  for (size_t i = 0; i < group.size(); ++i) {
    if (group[i].done) group[i].done(std::move(results[i]));
  }
}

Store::CommitStats RocksStore::GetCommitStats() const {
  return CommitStats{committed_batches_.load(std::memory_order_relaxed),
                     committed_groups_.load(std::memory_order_relaxed)};
}

std::unique_ptr<Snapshot> RocksStore::GetSnapshot() {
  Result<Lease> lease = Acquire();
  if (!lease.ok()) return nullptr;
  return std::make_unique<RocksSnapshot>(*lease.value().shared);
}

std::unique_ptr<Iterator> RocksStore::NewIterator(Family family, const ReadOptions& options) {
  Result<Lease> lease = Acquire();
  if (!lease.ok()) return std::make_unique<FailedIterator>(lease.error());
  const std::shared_ptr<Engine>& engine = *lease.value().shared;
  rocksdb::ColumnFamilyHandle* handle = engine->Handle(family.id());
  if (handle == nullptr) {
    return std::make_unique<FailedIterator>(Internal("storage: iterate a family of another store"));
  }
  Result<const rocksdb::Snapshot*> snapshot = ResolveSnapshot(*engine, options.snapshot);
  if (!snapshot.ok()) return std::make_unique<FailedIterator>(snapshot.error());
  return std::make_unique<RocksIterator>(engine, handle, options, snapshot.value());
}

void RocksStore::StopCommitThread() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (commit_thread_.joinable()) commit_thread_.join();
  commit_thread_id_.store(std::thread::id());
  commit_engine_.reset();
}

Status RocksStore::Close() {
  if (std::this_thread::get_id() == commit_thread_id_.load()) {
    return Internal("storage: Close() must not be called from a WriteAsync callback");
  }
  std::lock_guard close_lock(close_mu_);
  closed_.store(true, std::memory_order_release);
  StopCommitThread();  // commits everything queued before Close
  std::shared_ptr<Engine> engine;
  {
    // Waits for reads and writes in flight; later ones see the store closed.
    std::unique_lock lock(lifecycle_mu_);
    engine = std::move(engine_);
  }
  if (engine == nullptr) return Status::Ok();  // closed before
  Status flushed = engine->Flush();
  // A live iterator or snapshot still holds the engine: it closes with the last one.
  Status shut_down = engine.use_count() == 1 ? engine->Shutdown() : Status::Ok();
  return flushed.ok() ? shut_down : flushed;
}

}  // namespace kumo::storage

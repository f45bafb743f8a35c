// Store: Kumo's one embedded database (RocksDB), behind a narrow interface.
//
// No RocksDB type appears here, so the engine can be swapped (a distributed
// engine later, an in-memory fake in tests). Data is grouped in named
// families (RocksDB column families): each module opens its own.
//
// Durability: Write() returns only after the batch is in the write-ahead log
// and, with Durability::kSync (the default), fsynced. Concurrent writers are
// group-committed: many batches share one WAL write and one fsync, so a
// write-heavy service should issue writes from several threads (or use
// WriteAsync) rather than serialize them.
//
// Thread-safety: every method is safe to call from any thread. Iterators and
// snapshots are used by one thread at a time and should not outlive the Store.
// Each keeps the database open: one still alive at Close() (or destruction)
// keeps working, and the directory stays locked until the last one is gone.
//
// After Close(), every operation fails with a 500 InternalFailure Error
// instead of crashing (see each method for how the failure is reported).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::storage {

enum class Durability {
  kSync,     // fsync the WAL before acknowledging: survives power loss
  kProcess,  // WAL written to the OS before acknowledging: survives kill -9
};

struct Options {
  std::string path;        // a directory; created if missing. Ignored when in_memory.
  bool in_memory = false;  // nothing touches the disk; everything is lost on Close
  Durability durability = Durability::kSync;
};

// A handle to one family. Cheap to copy; valid while its Store lives.
class Family {
 public:
  Family() = default;
  uint32_t id() const { return id_; }
  bool valid() const { return id_ != kInvalid; }

 private:
  friend class Store;
  friend class RocksStore;
  static constexpr uint32_t kInvalid = UINT32_MAX;
  explicit Family(uint32_t id) : id_(id) {}
  uint32_t id_ = kInvalid;
};

// An ordered set of puts and deletes applied atomically by Store::Write.
class WriteBatch {
 public:
  void Put(Family family, std::string_view key, std::string_view value);
  void Delete(Family family, std::string_view key);
  // Deletes every key k with begin <= k < end.
  void DeleteRange(Family family, std::string_view begin, std::string_view end);
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  size_t ByteSize() const { return bytes_; }

  enum class OpType { kPut, kDelete, kDeleteRange };
  struct Op {
    OpType type;
    Family family;
    std::string key;
    std::string value;  // the value for kPut, the end key for kDeleteRange
  };
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
  size_t bytes_ = 0;
};

// A consistent point-in-time view for reads.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
};

struct ReadOptions {
  const Snapshot* snapshot = nullptr;  // nullptr: the latest state
  // Iterator bounds: lower inclusive, upper exclusive; empty means unbounded.
  std::string lower_bound;
  std::string upper_bound;
};

// Iterates one family in byte order of keys. Typical use:
//   for (it->Seek(k); it->Valid(); it->Next()) { ... }  then check it->status().
class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual void Seek(std::string_view key) = 0;         // first key >= key
  virtual void SeekForPrev(std::string_view key) = 0;  // last key <= key
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // Valid only until the iterator moves.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Not ok when iteration stopped because of an error rather than the end.
  virtual Status status() const = 0;
};

class Store {
 public:
  // Opens (creating if missing) the database described by `options`.
  // Fails with a message naming the path when it is locked by another
  // process, unreadable, or corrupt.
  static Result<std::unique_ptr<Store>> Open(const Options& options);

  virtual ~Store() = default;

  // Returns the family `name`, creating it on first use. Names are stable
  // across restarts; the same name always yields the same data.
  virtual Result<Family> OpenFamily(const std::string& name) = 0;

  // nullopt when the key is absent.
  virtual Result<std::optional<std::string>> Get(Family family, std::string_view key,
                                                 const Snapshot* snapshot = nullptr) = 0;

  // Applies `batch` atomically and durably (see Durability). Blocks the
  // calling thread until then.
  virtual Status Write(const WriteBatch& batch) = 0;

  // Like Write, but returns at once; `done` runs on a store thread once the
  // batch is durable (or failed). Batches are applied in call order, and
  // `done` callbacks run in call order. Batches queued together are
  // committed as one group (one WAL write, one fsync). `done` must not block
  // for long: it delays every later batch. After Close(), `done` runs at once
  // on the calling thread with an error.
  virtual void WriteAsync(WriteBatch batch, std::function<void(Status)> done) = 0;

  // True when Write() waits for an fsync (Durability::kSync on disk). When
  // false a write costs microseconds, and a caller that would otherwise hand
  // it to WriteAsync's commit thread answers sooner by writing on its own
  // thread: the hand-off costs more than the write.
  virtual bool WriteWaitsForDisk() const = 0;

  // nullptr after Close().
  virtual std::unique_ptr<Snapshot> GetSnapshot() = 0;
  // After Close(), an iterator that is never Valid() and whose status() is
  // the error.
  virtual std::unique_ptr<Iterator> NewIterator(Family family, const ReadOptions& options = {}) = 0;

  // Counters of the WriteAsync commit thread, for tests and metrics.
  struct CommitStats {
    uint64_t batches = 0;  // WriteAsync batches committed (or failed)
    uint64_t groups = 0;   // storage writes that carried them
  };
  virtual CommitStats GetCommitStats() const = 0;

  // Commits every queued WriteAsync batch, flushes memory tables to disk and
  // closes the database. Idempotent: later calls return OK. Called by the
  // destructor too. Must not be called from a WriteAsync callback.
  virtual Status Close() = 0;
};

}  // namespace kumo::storage

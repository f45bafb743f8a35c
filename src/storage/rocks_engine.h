// Engine: one open RocksDB database and its column families. Private to
// src/storage; the rest of Kumo sees only store.h.
//
// The Engine is shared (std::shared_ptr) by the RocksStore and by every live
// iterator and snapshot, so the database closes when the last of them lets go.
//
// Thread-safety: OpenFamily, Handle and db() are safe from any thread.
// Shutdown() requires that nobody else uses the Engine any more.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace kumo::storage {

// The one place RocksDB statuses become Kumo errors: 500 InternalFailure,
// "storage: <context>: <RocksDB message>".
Error ToError(const rocksdb::Status& status, std::string_view context);
inline Status ToStatus(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::Ok();
  return ToError(status, context);
}

class Engine {
 public:
  static constexpr uint32_t kMaxFamilies = 1024;

  // Opens the database and every family it already has.
  static Result<std::shared_ptr<Engine>> Open(const Options& options);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  rocksdb::DB* db() const { return db_; }
  const std::string& path() const { return path_; }
  bool in_memory() const { return in_memory_; }
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // The family id for `name`, creating the column family on first use.
  Result<uint32_t> OpenFamily(const std::string& name);

  // The column family behind a family id, or nullptr when the id was not
  // handed out by this Engine (another store's handle, or a default Family).
  rocksdb::ColumnFamilyHandle* Handle(uint32_t family_id) const {
    const uint32_t index = family_id - id_base_;  // wraps for foreign ids
    if (index >= count_.load(std::memory_order_acquire)) return nullptr;
    return handles_[index];
  }

  // Appends `batch` to `out` all or nothing: on error `out` is unchanged.
  Status Append(const WriteBatch& batch, rocksdb::WriteBatch& out) const;

  // Writes in-memory data to disk (WAL sync, memtable flush). No-op in memory.
  Status Flush();

  // Releases the families and closes the database. Later calls return OK.
  Status Shutdown();

 private:
  Engine() = default;

  std::string path_;
  bool in_memory_ = false;
  rocksdb::WriteOptions write_options_;
  rocksdb::ColumnFamilyOptions family_options_;
  std::unique_ptr<rocksdb::Env> memory_env_;  // set in memory mode; outlives db_
  rocksdb::DB* db_ = nullptr;
  uint32_t id_base_ = 0;  // ids of this engine are id_base_ + index

  std::mutex families_mu_;                         // serializes family creation
  std::unordered_map<std::string, uint32_t> ids_;  // guarded by families_mu_
  // handles_[i] is written once, before count_ is published past i.
  std::array<rocksdb::ColumnFamilyHandle*, kMaxFamilies> handles_{};
  std::atomic<uint32_t> count_{0};
};

}  // namespace kumo::storage

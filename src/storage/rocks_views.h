// Snapshots and iterators over an Engine. Private to src/storage.
//
// Each view holds a reference to its Engine, so the database stays open
// while a view lives, even past Store::Close(). Views are used by one thread
// at a time (see store.h).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>

#include <memory>
#include <string>
#include <string_view>

#include "storage/rocks_engine.h"
#include "storage/store.h"

namespace kumo::storage {

class RocksSnapshot final : public Snapshot {
 public:
  explicit RocksSnapshot(std::shared_ptr<Engine> engine);
  ~RocksSnapshot() override;

  const Engine* engine() const { return engine_.get(); }
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  std::shared_ptr<Engine> engine_;
  const rocksdb::Snapshot* snapshot_;
};

// The RocksDB snapshot behind `snapshot` (nullptr for nullptr), or an error
// when it was not taken from `engine`.
Result<const rocksdb::Snapshot*> ResolveSnapshot(const Engine& engine, const Snapshot* snapshot);

class RocksIterator final : public Iterator {
 public:
  RocksIterator(std::shared_ptr<Engine> engine, rocksdb::ColumnFamilyHandle* family,
                const ReadOptions& options, const rocksdb::Snapshot* snapshot);

  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  void SeekForPrev(std::string_view key) override {
    it_->SeekForPrev(rocksdb::Slice(key.data(), key.size()));
  }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override { return it_->value().ToStringView(); }
  Status status() const override;

 private:
  // Destroyed in reverse order: the RocksDB iterator before the bounds it
  // points into, and both before the engine.
  std::shared_ptr<Engine> engine_;
  std::string lower_;
  std::string upper_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Stands in for an iterator that could not be created: never Valid(), and
// status() is the reason.
class FailedIterator final : public Iterator {
 public:
  explicit FailedIterator(Error error) : error_(std::move(error)) {}
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  bool Valid() const override { return false; }
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return error_; }

 private:
  Error error_;
};

}  // namespace kumo::storage

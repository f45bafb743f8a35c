#include "storage/rocks_views.h"

#include <utility>

namespace kumo::storage {

RocksSnapshot::RocksSnapshot(std::shared_ptr<Engine> engine)
    : engine_(std::move(engine)), snapshot_(engine_->db()->GetSnapshot()) {}

RocksSnapshot::~RocksSnapshot() { engine_->db()->ReleaseSnapshot(snapshot_); }

Result<const rocksdb::Snapshot*> ResolveSnapshot(const Engine& engine, const Snapshot* snapshot) {
  if (snapshot == nullptr) return static_cast<const rocksdb::Snapshot*>(nullptr);
  const auto* rocks = dynamic_cast<const RocksSnapshot*>(snapshot);
  if (rocks == nullptr || rocks->engine() != &engine) {
    return Internal("storage: the snapshot was taken from another store");
  }
  return rocks->get();
}

RocksIterator::RocksIterator(std::shared_ptr<Engine> engine, rocksdb::ColumnFamilyHandle* family,
                             const ReadOptions& options, const rocksdb::Snapshot* snapshot)
    : engine_(std::move(engine)), lower_(options.lower_bound), upper_(options.upper_bound) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  if (!lower_.empty()) {
    lower_slice_ = rocksdb::Slice(lower_);
    read.iterate_lower_bound = &lower_slice_;
  }
  if (!upper_.empty()) {
    upper_slice_ = rocksdb::Slice(upper_);
    read.iterate_upper_bound = &upper_slice_;
  }
  it_.reset(engine_->db()->NewIterator(read, family));
}

Status RocksIterator::status() const { return ToStatus(it_->status(), "iterate"); }

}  // namespace kumo::storage

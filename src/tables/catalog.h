// Catalog: the tables of every region, in memory, loaded from the
// tables_meta family at start-up.
//
// A table is a TableState that lives as long as anyone holds it; its
// TableMeta is immutable and replaced whole by control-plane operations
// (Publish). A request takes a Handle (state + the meta of that moment) and
// uses it to the end; writers re-read the meta under their item locks
// (write_path.h), so a metadata change that holds every lock is seen by
// every later write.
//
// Thread-safety: every method is safe from any thread. Lookups take a shared
// lock for a map lookup; changes an exclusive one.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/store.h"
#include "tables/storage_layout.h"
#include "tables/table_meta.h"

namespace kumo::tables {

class TableState {
 public:
  explicit TableState(std::shared_ptr<const TableMeta> meta) : meta_(std::move(meta)) {}

  std::shared_ptr<const TableMeta> meta() const {
    std::lock_guard lock(mu_);
    return meta_;
  }
  void set_meta(std::shared_ptr<const TableMeta> meta) {
    std::lock_guard lock(mu_);
    meta_ = std::move(meta);
  }
  // Set once DeleteTable has taken the table out of the catalog.
  bool deleted() const { return deleted_.load(std::memory_order_acquire); }
  void mark_deleted() { deleted_.store(true, std::memory_order_release); }

  TableStats stats() const {
    std::lock_guard lock(mu_);
    return stats_;
  }
  void set_stats(TableStats stats) {
    std::lock_guard lock(mu_);
    stats_ = std::move(stats);
  }
  // Adds `count`/`bytes` to the table (index_id 0) or to an index.
  void AddStats(uint16_t index_id, int64_t count, int64_t bytes) {
    std::lock_guard lock(mu_);
    IndexStats& s = index_id == 0 ? stats_.table : stats_.indexes[index_id];
    s.item_count += count;
    s.size_bytes += bytes;
  }

  // Item collection sizes (tables with local secondary indexes), by
  // collection name (storage_layout.h); an absent collection is empty.
  // WritePath::Commit changes them when it builds a batch.
  CollectionSizes collections() const {
    std::lock_guard lock(mu_);
    return collections_;
  }
  void set_collections(CollectionSizes sizes) {
    std::lock_guard lock(mu_);
    collections_ = std::move(sizes);
  }
  int64_t CollectionBytes(const std::string& collection) const {
    std::lock_guard lock(mu_);
    auto it = collections_.find(collection);
    return it == collections_.end() ? 0 : it->second;
  }
  // Adds `delta` and returns the new size.
  int64_t AddCollectionBytes(const std::string& collection, int64_t delta) {
    std::lock_guard lock(mu_);
    int64_t& bytes = collections_[collection];
    bytes += delta;
    const int64_t now = bytes;
    if (now == 0) collections_.erase(collection);
    return now;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const TableMeta> meta_;
  TableStats stats_;
  CollectionSizes collections_;
  std::atomic<bool> deleted_{false};
};

struct TableHandle {
  std::shared_ptr<TableState> state;
  std::shared_ptr<const TableMeta> meta;
};

class Catalog {
 public:
  Catalog(storage::Store& store, storage::Family meta_family)
      : store_(store), family_(meta_family) {}

  // Reads every table record and the saved counters and item collection
  // sizes (recounting tables whose counters were not saved by a clean
  // shutdown).
  Status Load(storage::Family items, storage::Family indexes);
  // Saves counters and marks the shutdown clean. Blocking; call once the
  // service has no writes in flight.
  Status SaveStats();

  // `name` may be a table name or a table ARN (whose region then wins).
  std::optional<TableHandle> Find(std::string_view region, std::string_view name) const;
  // Table names of `region` after `start_after` (exclusive), sorted, at most `limit`.
  std::vector<std::string> List(std::string_view region, std::string_view start_after,
                                size_t limit, bool& more) const;
  std::vector<TableHandle> All() const;

  // Adds a new table or replaces the meta of an existing one.
  std::shared_ptr<TableState> Publish(std::shared_ptr<const TableMeta> meta);
  // Takes the table out (and marks its state deleted).
  void Remove(std::string_view region, std::string_view name);
  // The next storage id for a new table (persist it with the table record).
  uint32_t AllocateId();

 private:
  storage::Store& store_;
  storage::Family family_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::map<std::string, std::shared_ptr<TableState>, std::less<>>,
           std::less<>>
      regions_;
  uint32_t next_id_ = 1;
};

// Counts the entries under `prefix` of `family` and their item sizes.
Result<IndexStats> CountEntries(storage::Store& store, storage::Family family, const std::string& prefix);
// Sums ItemCollectionBytes over the table's items, by collection.
Result<CollectionSizes> CountCollections(storage::Store& store, storage::Family items,
                                         const TableMeta& meta);

// Splits "arn:aws:dynamodb:{region}:{account}:table/{name}" into its region
// and name; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> ParseTableArn(std::string_view arn);

}  // namespace kumo::tables

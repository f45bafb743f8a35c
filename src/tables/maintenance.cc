// Background work, on the service's one background thread: the TTL sweeper
// and the backfill of global secondary indexes added by UpdateTable.
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>

#include "tables/item_codec.h"
#include "tables/key_codec.h"
#include "tables/service_impl.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

// TTL values further in the past than this are not expired (as on AWS).
constexpr int64_t kTtlHorizonSeconds = 5LL * 365 * 24 * 3600;
constexpr size_t kSweepChunk = 256;

// Counts callbacks still to come and waits for them.
class Pending {
 public:
  void Add() {
    std::lock_guard lock(mu_);
    ++count_;
  }
  void Done() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t count_ = 0;
};

bool Expired(const Item& item, const std::string& attribute, const Number& now, const Number& horizon) {
  auto it = item.find(attribute);
  if (it == item.end() || it->second.type() != AttrType::kN) return false;
  const Number& at = it->second.num();
  return at.Compare(now) <= 0 && at.Compare(horizon) >= 0;
}

}  // namespace

void TableService::Impl::SweepExpiredItems() {
  const int64_t now_seconds = options.clock->NowMillis() / 1000;
  const Number now = Number::FromInt(now_seconds);
  const Number horizon = Number::FromInt(now_seconds - kTtlHorizonSeconds);
  for (const TableHandle& table : catalog.All()) {
    if (!table.meta->ttl_enabled || shut_down.load()) continue;
    const std::string attribute = table.meta->ttl_attribute;
    const std::string prefix = TablePrefix(table.meta->id);
    storage::ReadOptions read;
    read.lower_bound = prefix;
    read.upper_bound = PrefixSuccessor(prefix);
    std::unique_ptr<storage::Iterator> it = store.NewIterator(items, read);
    std::vector<std::string> expired;
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      Result<Item> item = DecodeItem(it->value());
      if (item.ok() && Expired(*item, attribute, now, horizon)) {
        expired.emplace_back(it->key().substr(prefix.size()));
      }
    }
    Pending pending;
    for (size_t i = 0; i < expired.size() && !shut_down.load(); ++i) {
      std::vector<WriteSlot> slots(1);
      slots[0].table = table;
      slots[0].item_key = expired[i];
      slots[0].by_ttl = true;
      pending.Add();
      // The item is deleted only if it is still expired now that it is locked.
      writes.Commit(
          std::move(slots),
          [attribute, now, horizon](std::vector<WriteSlot>& s) {
            if (s[0].old_item && s[0].table.meta->ttl_enabled &&
                Expired(*s[0].old_item, attribute, now, horizon)) {
              s[0].action = WriteSlot::Action::kDelete;
            }
            return Status::Ok();
          },
          [&pending](Status status, std::vector<WriteSlot>&) {
            if (!status.ok()) spdlog::warn("tables: TTL deletion failed: {}", status.error().message);
            pending.Done();
          });
      if ((i + 1) % kSweepChunk == 0) pending.Wait();
    }
    pending.Wait();
  }
}

void TableService::Impl::Backfill(std::string region, std::string table_name, std::string index_name) {
  std::optional<TableHandle> table = catalog.Find(region, table_name);
  if (!table) return;
  const IndexMeta* start_index = table->meta->FindIndex(index_name);
  if (start_index == nullptr || !start_index->backfilling) return;
  const uint16_t index_id = start_index->id;
  const std::string prefix = TablePrefix(table->meta->id);
  storage::ReadOptions read;
  read.lower_bound = prefix;
  read.upper_bound = PrefixSuccessor(prefix);
  std::unique_ptr<storage::Iterator> it = store.NewIterator(items, read);
  Pending pending;
  bool index_gone = false;
  for (it->Seek(prefix); it->Valid() && !shut_down.load() && !index_gone; it->Next()) {
    const std::string storage_key(it->key());
    std::lock_guard lock(writes.StripeOf(storage_key));
    // Under the item's stripe: the current value, and the current meta (the
    // index may have been deleted meanwhile; then nothing more is written).
    std::shared_ptr<const TableMeta> meta = table->state->meta();
    const IndexMeta* index = meta->FindIndex(index_name);
    if (table->state->deleted() || index == nullptr || index->id != index_id) {
      index_gone = true;
      break;
    }
    Result<std::optional<std::string>> current = writes.ReadLocked(storage_key);
    if (!current.ok() || !current->has_value()) continue;
    Result<Item> item = DecodeItem(**current);
    if (!item.ok()) continue;
    const std::string item_key = storage_key.substr(prefix.size());
    std::optional<std::string> entry = IndexEntryKey(*meta, *index, *item, item_key);
    if (!entry) continue;
    storage::WriteBatch batch;
    batch.Put(indexes, *entry, EncodeItem(ProjectForIndex(*meta, *index, *item)));
    pending.Add();
    Status queued = writes.Enqueue(std::move(batch), [&pending](Status) { pending.Done(); });
    if (!queued.ok()) {
      pending.Done();
      index_gone = true;  // shutting down: stop, the next start resumes
    }
  }
  pending.Wait();
  if (shut_down.load() || index_gone) return;

  Result<IndexStats> counted = CountEntries(store, indexes, IndexPrefix(table->meta->id, index_id));
  std::lock_guard control(control_mu);
  std::shared_ptr<const TableMeta> meta = table->state->meta();
  const IndexMeta* index = meta->FindIndex(index_name);
  if (table->state->deleted() || index == nullptr || index->id != index_id) return;
  auto next = std::make_shared<TableMeta>(*meta);
  for (IndexMeta& i : next->indexes) {
    if (i.id == index_id) i.backfilling = false;
  }
  if (counted.ok()) {
    TableStats stats = table->state->stats();
    stats.indexes[index_id] = *counted;
    table->state->set_stats(std::move(stats));
  }
  storage::WriteBatch batch;
  batch.Put(meta_family, MetaKey(next->region, next->name), boost::json::serialize(ToStored(*next)));
  catalog.Publish(next);
  Pending done;
  done.Add();
  if (writes.Enqueue(std::move(batch), [&done](Status) { done.Done(); }).ok()) {
    done.Wait();
  }
}

}  // namespace kumo::tables

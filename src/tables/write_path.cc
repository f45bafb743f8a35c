#include "tables/write_path.h"

#include <fmt/format.h>

#include <algorithm>

#include "tables/item_codec.h"
#include "tables/key_codec.h"
#include "tables/request.h"
#include "tables/storage_layout.h"

namespace kumo::tables {
namespace {

Error ShutDownError() { return Internal("tables: the service is shutting down"); }

}  // namespace

Error ItemCollectionSizeLimitExceeded() {
  return Error{400, "ItemCollectionSizeLimitExceededException", "Collection size exceeded"};
}

double WriteUnits(size_t bytes) {
  size_t units = (bytes + 1023) / 1024;
  return static_cast<double>(std::max<size_t>(units, 1));
}

Status ValidateIndexKeys(const TableMeta& meta, const Item& item) {
  for (const IndexMeta& index : meta.indexes) {
    const KeyAttribute* attributes[2] = {&index.key_schema.partition,
                                         index.key_schema.sort ? &*index.key_schema.sort : nullptr};
    for (int i = 0; i < 2 && attributes[i] != nullptr; ++i) {
      auto it = item.find(attributes[i]->name);
      if (it == item.end()) continue;
      const AttributeValue& value = it->second;
      if (value.type() != attributes[i]->type) {
        return ValidationError(
            fmt::format("One or more parameter values were invalid: Type mismatch for Index Key {} "
                        "Expected: {} "
                        "Actual: {} IndexName: {}",
                        attributes[i]->name, TypeName(attributes[i]->type), TypeName(value.type()),
                        index.name));
      }
      if ((value.type() == AttrType::kS || value.type() == AttrType::kB) && value.str().empty()) {
        return ValidationError(fmt::format(
            "One or more parameter values are not valid. A value specified for a secondary index "
            "key "
            "is not supported. The AttributeValue for a key attribute cannot contain an empty {} "
            "value. IndexName: {}, IndexKey: {}",
            value.type() == AttrType::kS ? "string" : "binary", index.name, attributes[i]->name));
      }
      KUMO_RETURN_IF_ERROR(ValidateKeyValue(*attributes[i], value, i == 0));
    }
  }
  return Status::Ok();
}

WritePath::WritePath(storage::Store& store, storage::Family items, storage::Family indexes,
                     ChangeRecorder* recorder, const Clock& clock, int64_t collection_limit)
    : store_(store),
      items_(items),
      indexes_(indexes),
      recorder_(recorder),
      clock_(clock),
      collection_limit_(collection_limit) {}

WritePath::~WritePath() { Shutdown(); }

size_t WritePath::StripeIndex(const std::string& storage_key) const {
  return std::hash<std::string>{}(storage_key) % kStripes;
}

std::mutex& WritePath::StripeOf(const std::string& storage_key) {
  return stripes_[StripeIndex(storage_key)].mu;
}

Result<std::optional<std::string>> WritePath::ReadLocked(const std::string& storage_key) {
  Stripe& stripe = stripes_[StripeIndex(storage_key)];
  auto it = stripe.pending.find(storage_key);
  if (it != stripe.pending.end()) {
    if (!it->second.present) return std::optional<std::string>();
    return std::optional<std::string>(it->second.encoded);
  }
  return store_.Get(items_, storage_key);
}

WritePath::AllLocked::AllLocked(WritePath& path) : path_(path) {
  for (Stripe& stripe : path_.stripes_) stripe.mu.lock();
}

WritePath::AllLocked::~AllLocked() {
  for (auto it = path_.stripes_.rbegin(); it != path_.stripes_.rend(); ++it) it->mu.unlock();
}

Status WritePath::Enqueue(storage::WriteBatch batch, std::function<void(Status)> done) {
  {
    std::lock_guard lock(idle_mu_);
    if (shut_down_) return ShutDownError();
    ++in_flight_;
    ++queued_;
  }
  store_.WriteAsync(std::move(batch), [this, done = std::move(done)](Status status) {
    done(std::move(status));
    std::lock_guard lock(idle_mu_);
    --queued_;
    if (--in_flight_ == 0) idle_cv_.notify_all();
  });
  return Status::Ok();
}

void WritePath::Commit(std::vector<WriteSlot> slots, Decide decide, Done done) {
  std::vector<std::string> keys;
  keys.reserve(slots.size());
  std::vector<size_t> stripe_ids;
  stripe_ids.reserve(slots.size());
  for (const WriteSlot& slot : slots) {
    keys.push_back(ItemStorageKey(slot.table.meta->id, slot.item_key));
    stripe_ids.push_back(StripeIndex(keys.back()));
  }
  std::sort(stripe_ids.begin(), stripe_ids.end());
  stripe_ids.erase(std::unique(stripe_ids.begin(), stripe_ids.end()), stripe_ids.end());
  for (size_t id : stripe_ids) stripes_[id].mu.lock();
  auto unlock = [&] {
    for (auto it = stripe_ids.rbegin(); it != stripe_ids.rend(); ++it) stripes_[*it].mu.unlock();
  };

  Status status;
  for (size_t i = 0; i < slots.size() && status.ok(); ++i) {
    WriteSlot& slot = slots[i];
    if (slot.table.state->deleted()) {
      status = TableNotFound();
      break;
    }
    slot.table.meta = slot.table.state->meta();
    Result<std::optional<std::string>> current = ReadLocked(keys[i]);
    if (!current.ok()) {
      status = current.error();
      break;
    }
    if (current->has_value()) {
      Result<Item> item = DecodeItem(**current);
      if (!item.ok()) {
        status = item.error();
        break;
      }
      slot.old_item = std::move(item).value();
    }
  }
  if (status.ok()) status = decide(slots);
  for (size_t i = 0; i < slots.size() && status.ok(); ++i) {
    if (slots[i].action == WriteSlot::Action::kPut) {
      status = ValidateIndexKeys(*slots[i].table.meta, slots[i].new_item);
    }
  }
  std::vector<CollectionChange> reserved;
  if (status.ok()) status = ReserveCollections(slots, reserved);
  storage::WriteBatch batch;
  std::vector<uint64_t> stream_tokens;
  std::vector<std::string> encoded(slots.size());
  if (status.ok()) status = BuildBatch(slots, keys, batch, stream_tokens, encoded);
  if (!status.ok()) {
    ReleaseCollections(reserved);
    unlock();
    if (recorder_ != nullptr) {
      for (uint64_t token : stream_tokens) recorder_->Aborted(token);
    }
    done(status, slots);
    return;
  }

  // A store that does not wait for the disk is written on this thread,
  // under the stripe locks (so writes to one item still reach it in the order
  // they were decided), unless queued batches are pending: those land first.
  const bool write_here = !store_.WriteWaitsForDisk() && BeginWriteHere();
  std::vector<uint64_t> seqs(slots.size(), 0);
  for (size_t i = 0; i < slots.size() && !write_here; ++i) {
    const WriteSlot& slot = slots[i];
    if (slot.action == WriteSlot::Action::kNone) continue;
    Pending& pending = stripes_[StripeIndex(keys[i])].pending[keys[i]];
    pending.seq = seqs[i] = next_seq_.fetch_add(1, std::memory_order_relaxed);
    pending.present = slot.action == WriteSlot::Action::kPut;
    pending.encoded = std::move(encoded[i]);
  }
  // The slots move into the callback; the keys and seqs too, to clear the overlay.
  auto shared = std::make_shared<std::vector<WriteSlot>>(std::move(slots));
  auto shared_keys = std::make_shared<std::vector<std::string>>(std::move(keys));
  auto tokens = std::make_shared<std::vector<uint64_t>>(std::move(stream_tokens));
  auto shared_done = std::make_shared<Done>(std::move(done));
  auto finish = [this, shared, shared_keys, seqs, tokens, shared_done](Status status) {
    if (recorder_ != nullptr) {
      for (uint64_t token : *tokens) {
        if (status.ok()) {
          recorder_->Committed(token);
        } else {
          recorder_->Aborted(token);
        }
      }
    }
    Finish(*shared_keys, seqs);
    (*shared_done)(std::move(status), *shared);
  };
  if (write_here) {
    Status written = store_.Write(batch);
    unlock();
    finish(std::move(written));
    EndWriteHere();
    return;
  }
  Status queued = Enqueue(std::move(batch), finish);
  unlock();
  if (!queued.ok()) finish(queued);
}

bool WritePath::BeginWriteHere() {
  std::lock_guard lock(idle_mu_);
  if (shut_down_ || queued_ > 0) return false;
  ++in_flight_;
  return true;
}

void WritePath::EndWriteHere() {
  std::lock_guard lock(idle_mu_);
  if (--in_flight_ == 0) idle_cv_.notify_all();
}

Status WritePath::ReserveCollections(std::vector<WriteSlot>& slots,
                                     std::vector<CollectionChange>& applied) {
  // One change per collection; `members[i]` are the slots of changes[i].
  std::vector<CollectionChange> changes;
  std::vector<std::vector<size_t>> members;
  std::vector<int64_t> slot_delta(slots.size(), 0);
  for (size_t i = 0; i < slots.size(); ++i) {
    WriteSlot& slot = slots[i];
    const TableMeta& meta = *slot.table.meta;
    if (!meta.has_local_indexes()) continue;
    KUMO_ASSIGN_OR_RETURN(std::string collection,
                          CollectionOfItemKey(meta.key_schema, slot.item_key));
    int64_t delta = 0;
    if (slot.action != WriteSlot::Action::kNone) {
      if (slot.old_item) delta -= ItemCollectionBytes(meta, *slot.old_item);
      if (slot.action == WriteSlot::Action::kPut) delta += ItemCollectionBytes(meta, slot.new_item);
    }
    size_t c = 0;
    while (c < changes.size() &&
           (changes[c].state != slot.table.state.get() || changes[c].collection != collection)) {
      ++c;
    }
    if (c == changes.size()) {
      changes.push_back(CollectionChange{slot.table.state.get(), std::move(collection), 0});
      members.emplace_back();
    }
    changes[c].delta += delta;
    members[c].push_back(i);
    slot_delta[i] = delta;
  }
  if (changes.empty()) return Status::Ok();

  std::lock_guard lock(collections_mu_);
  bool full = false;
  for (size_t c = 0; c < changes.size(); ++c) {
    const CollectionChange& change = changes[c];
    // A write that does not grow its collection always passes, so items
    // can be removed or shrunk from a collection at or past the limit.
    if (change.delta <= 0) continue;
    if (change.state->CollectionBytes(change.collection) + change.delta <= collection_limit_) {
      continue;
    }
    full = true;
    for (size_t i : members[c]) slots[i].collection_full = slot_delta[i] > 0;
  }
  if (full) return ItemCollectionSizeLimitExceeded();
  for (size_t c = 0; c < changes.size(); ++c) {
    const int64_t bytes =
        changes[c].state->AddCollectionBytes(changes[c].collection, changes[c].delta);
    for (size_t i : members[c]) slots[i].collection_bytes = bytes;
    if (changes[c].delta != 0) applied.push_back(std::move(changes[c]));
  }
  return Status::Ok();
}

void WritePath::ReleaseCollections(const std::vector<CollectionChange>& applied) {
  if (applied.empty()) return;
  std::lock_guard lock(collections_mu_);
  for (const CollectionChange& change : applied) {
    change.state->AddCollectionBytes(change.collection, -change.delta);
  }
}

void WritePath::Finish(const std::vector<std::string>& keys, const std::vector<uint64_t>& seqs) {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (seqs[i] == 0) continue;
    Stripe& stripe = stripes_[StripeIndex(keys[i])];
    std::lock_guard lock(stripe.mu);
    auto it = stripe.pending.find(keys[i]);
    if (it != stripe.pending.end() && it->second.seq == seqs[i]) stripe.pending.erase(it);
  }
}

Status WritePath::BuildBatch(std::vector<WriteSlot>& slots, const std::vector<std::string>& keys,
                             storage::WriteBatch& batch, std::vector<uint64_t>& stream_tokens,
                             std::vector<std::string>& encoded) {
  const int64_t now = clock_.NowMillis();
  for (size_t i = 0; i < slots.size(); ++i) {
    WriteSlot& slot = slots[i];
    if (slot.action == WriteSlot::Action::kNone) continue;
    const TableMeta& meta = *slot.table.meta;
    const bool put = slot.action == WriteSlot::Action::kPut;
    const Item* old_item = slot.old_item ? &*slot.old_item : nullptr;
    const Item* new_item = put ? &slot.new_item : nullptr;
    const size_t old_size = old_item ? ItemSize(*old_item) : 0;
    const size_t new_size = new_item ? ItemSize(*new_item) : 0;

    if (put) {
      encoded[i] = EncodeItem(*new_item);
      batch.Put(items_, keys[i], encoded[i]);
      slot.table_units = WriteUnits(std::max(old_size, new_size));
      slot.table.state->AddStats(0, old_item ? 0 : 1,
                                 static_cast<int64_t>(new_size) - static_cast<int64_t>(old_size));
    } else {
      batch.Delete(items_, keys[i]);
      slot.table_units = WriteUnits(old_size);
      if (old_item) slot.table.state->AddStats(0, -1, -static_cast<int64_t>(old_size));
    }

    for (const IndexMeta& index : meta.indexes) {
      std::optional<std::string> old_key, new_key;
      if (old_item) old_key = IndexEntryKey(meta, index, *old_item, slot.item_key);
      if (new_item) new_key = IndexEntryKey(meta, index, *new_item, slot.item_key);
      if (!old_key && !new_key) continue;
      double units = 0;
      std::optional<Item> old_projected;
      if (old_key) old_projected = ProjectForIndex(meta, index, *old_item);
      const int64_t old_projected_size =
          old_projected ? static_cast<int64_t>(ItemSize(*old_projected)) : 0;
      if (old_key && (!new_key || *old_key != *new_key)) {
        batch.Delete(indexes_, *old_key);
        units += WriteUnits(static_cast<size_t>(old_projected_size));
        slot.table.state->AddStats(index.id, -1, -old_projected_size);
      }
      if (new_key) {
        Item projected = ProjectForIndex(meta, index, *new_item);
        const int64_t size = static_cast<int64_t>(ItemSize(projected));
        if (old_key && *old_key == *new_key) {
          if (projected == *old_projected) continue;  // the entry is unchanged: no index write
          slot.table.state->AddStats(index.id, 0, size - old_projected_size);
        } else {
          slot.table.state->AddStats(index.id, 1, size);
        }
        batch.Put(indexes_, *new_key, EncodeItem(projected));
        units += WriteUnits(static_cast<size_t>(size));
      }
      if (units > 0) slot.index_units[index.name] += units;
    }

    if (recorder_ != nullptr && meta.stream_enabled) {
      if (!old_item && !new_item) continue;                          // deleting nothing
      if (old_item && new_item && *old_item == *new_item) continue;  // no change: no record
      StreamTarget target{meta.name, meta.region, meta.StreamArn(), meta.stream_view_type,
                          meta.key_schema};
      ItemChange change;
      change.kind = !old_item  ? ChangeKind::kInsert
                    : new_item ? ChangeKind::kModify
                               : ChangeKind::kRemove;
      change.old_image = old_item;
      change.new_image = new_item;
      change.by_ttl = slot.by_ttl;
      change.approximate_creation_millis = now;
      Result<uint64_t> token = recorder_->Record(batch, target, change);
      if (!token.ok()) return token.error();
      stream_tokens.push_back(*token);
    }
  }
  return Status::Ok();
}

void WritePath::Shutdown() {
  std::unique_lock lock(idle_mu_);
  shut_down_ = true;
  idle_cv_.wait(lock, [this] { return in_flight_ == 0; });
}

void WritePath::WaitIdle() {
  std::unique_lock lock(idle_mu_);
  idle_cv_.wait(lock, [this] { return in_flight_ == 0; });
}

}  // namespace kumo::tables

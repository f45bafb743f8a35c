// StreamStore retention: deleting expired records and expired DISABLED streams.
#include <spdlog/spdlog.h>

#include "tables/streams/stream_keys.h"
#include "tables/streams/stream_record.h"
#include "tables/streams/stream_store.h"

namespace kumo::tables::streams {

Status StreamStore::Sweep() {
  std::lock_guard sweep(sweep_mu_);
  std::vector<std::string> arns;
  {
    std::lock_guard lock(mu_);
    for (const auto& [arn, meta] : streams_) arns.push_back(arn);
  }
  for (const std::string& arn : arns) KUMO_RETURN_IF_ERROR(SweepStream(arn));
  return Status::Ok();
}

Status StreamStore::SweepStream(const std::string& arn) {
  int64_t floor = RetentionFloor();
  uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(arn);
    if (it == streams_.end()) return Status::Ok();
    id = it->second.id;
  }

  // The newest expired record, stopping at the first one still kept (records
  // are in sequence order, and so, but for clock jitter, in time order).
  uint64_t last_expired = 0;
  std::unique_ptr<storage::Iterator> it =
      store_.NewIterator(family_, storage::ReadOptions{nullptr, RecordKey(id, 0), RecordEnd(id)});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    KUMO_ASSIGN_OR_RETURN(StoredRecordView record, DecodeStoredRecord(it->value()));
    if (record.creation_millis >= floor) break;
    last_expired = SequenceOfRecordKey(it->key());
  }
  KUMO_RETURN_IF_ERROR(it->status());

  std::lock_guard persist(persist_mu_);
  storage::WriteBatch batch;
  {
    std::lock_guard lock(mu_);
    auto found = streams_.find(arn);
    if (found == streams_.end()) return Status::Ok();
    StreamMeta& meta = found->second;
    // The high-water mark keeps sequence numbers unique once the records
    // that carried the highest ones are gone.
    std::string mark;
    AppendBigEndian64(mark, next_sequence_ - 1);
    if (meta.status == StreamStatus::kDisabled && meta.disabled_millis < floor) {
      batch.Delete(family_, MetaKey(arn));
      batch.DeleteRange(family_, RecordKey(id, 0), RecordEnd(id));
      batch.Put(family_, SequenceKey(), mark);
      for (auto p = pending_.begin(); p != pending_.end();) {
        p = p->second.stream_id == id ? pending_.erase(p) : std::next(p);
      }
      arn_by_id_.erase(id);
      streams_.erase(found);
    } else if (last_expired > meta.trimmed_through) {
      // Readers treat everything up to here as trimmed from now on, before
      // the deletion is durable: those records are expired already.
      meta.trimmed_through = last_expired;
      batch.DeleteRange(family_, RecordKey(id, 0), RecordKey(id, last_expired + 1));
      batch.Put(family_, MetaKey(arn), EncodeStreamMeta(meta));
      batch.Put(family_, SequenceKey(), mark);
    } else {
      return Status::Ok();
    }
  }
  return store_.Write(batch);
}

void StreamStore::SweepLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, options_.sweep_interval, [this] { return stop_; })) {
    lock.unlock();
    Status status = Sweep();
    if (!status.ok()) spdlog::warn("streams: retention sweep: {}", status.error().message);
    lock.lock();
  }
}

}  // namespace kumo::tables::streams

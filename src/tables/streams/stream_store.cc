// StreamStore: opening, the ChangeRecorder write path, stream metadata and
// listeners. Reads are in stream_store_read.cc, the sweep in stream_sweep.cc.
#include "tables/streams/stream_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "tables/streams/stream_keys.h"
#include "tables/streams/stream_record.h"

namespace kumo::tables::streams {
namespace {

// Past this many unsettled reservations, Record() settles the oldest: keeps
// memory bounded when the write path never calls Committed().
constexpr size_t kPendingSoftLimit = 1024;

}  // namespace

Result<std::unique_ptr<StreamStore>> StreamStore::Open(storage::Store& store,
                                                       StreamStoreOptions options) {
  KUMO_ASSIGN_OR_RETURN(storage::Family family, store.OpenFamily("streams"));
  std::unique_ptr<StreamStore> streams(new StreamStore(store, family, options));
  KUMO_RETURN_IF_ERROR(streams->Load());
  if (options.sweep_interval.count() > 0) {
    streams->sweeper_ = std::thread([raw = streams.get()] { raw->SweepLoop(); });
  }
  return streams;
}

StreamStore::StreamStore(storage::Store& store, storage::Family family, StreamStoreOptions options)
    : store_(store), family_(family), options_(options) {}

StreamStore::~StreamStore() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

Status StreamStore::Load() {
  uint64_t highest = 0;
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> mark, store_.Get(family_, SequenceKey()));
  if (mark && mark->size() >= 8) highest = ReadBigEndian64(*mark);

  std::string prefix = MetaPrefix();
  std::string prefix_end = prefix;
  ++prefix_end.back();
  std::unique_ptr<storage::Iterator> it =
      store_.NewIterator(family_, storage::ReadOptions{nullptr, prefix, prefix_end});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view arn = it->key().substr(prefix.size());
    KUMO_ASSIGN_OR_RETURN(StreamMeta meta, DecodeStreamMeta(arn, it->value()));
    // The newest record of the stream gives its last sequence number.
    std::unique_ptr<storage::Iterator> last = store_.NewIterator(
        family_, storage::ReadOptions{nullptr, RecordKey(meta.id, 0), RecordEnd(meta.id)});
    last->SeekToLast();
    if (last->Valid()) meta.last_sequence = SequenceOfRecordKey(last->key());
    KUMO_RETURN_IF_ERROR(last->status());
    highest = std::max({highest, meta.start_sequence, meta.trimmed_through, meta.last_sequence});
    next_stream_id_ = std::max(next_stream_id_, meta.id + 1);
    arn_by_id_[meta.id] = meta.arn;
    streams_.emplace(meta.arn, std::move(meta));
  }
  KUMO_RETURN_IF_ERROR(it->status());
  next_sequence_ = highest + 1;
  return Status::Ok();
}

Result<uint64_t> StreamStore::Record(storage::WriteBatch& batch, const StreamTarget& target,
                                     const ItemChange& change) {
  int64_t created = change.approximate_creation_millis > 0 ? change.approximate_creation_millis
                                                           : clock().NowMillis();
  uint64_t id = 0;
  uint64_t seq = 0;
  bool settle = false;
  for (int attempt = 0; attempt < 2 && id == 0; ++attempt) {
    {
      std::lock_guard lock(mu_);
      auto it = streams_.find(target.stream_arn);
      if (it != streams_.end()) {
        if (it->second.status == StreamStatus::kDisabled) return uint64_t{0};
        id = it->second.id;
        seq = next_sequence_++;
        it->second.last_sequence = seq;
        pending_[seq] = Pending{id, clock().MonotonicNanos()};
        settle = pending_.size() > kPendingSoftLimit;
        break;
      }
    }
    // A stream the tables never announced: create it, then reserve.
    KUMO_RETURN_IF_ERROR(Enable(target, created));
  }
  if (id == 0) return Internal("stream " + target.stream_arn + " could not be created");
  if (settle) SettlePending(0);
  RecordContext context{target.stream_arn, target.region, target.view_type, target.key_schema};
  batch.Put(family_, RecordKey(id, seq),
            EncodeStoredRecord(created, RenderRecord(context, change, seq, created)));
  return seq;
}

void StreamStore::Aborted(uint64_t token) {
  std::lock_guard lock(mu_);
  pending_.erase(token);
}

void StreamStore::Committed(uint64_t token) {
  std::string arn;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(token);
    if (it == pending_.end()) return;
    auto owner = arn_by_id_.find(it->second.stream_id);
    if (owner != arn_by_id_.end()) arn = owner->second;
    pending_.erase(it);
  }
  if (arn.empty()) return;
  std::lock_guard lock(listeners_mu_);
  for (const auto& [id, listener] : listeners_) listener(arn, token);
}

void StreamStore::StreamEnabled(const StreamTarget& target, int64_t creation_millis) {
  Status status = Enable(target, creation_millis);
  if (!status.ok()) {
    spdlog::error("streams: enabling {}: {}", target.stream_arn, status.error().message);
  }
}

Status StreamStore::Enable(const StreamTarget& target, int64_t creation_millis) {
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(target.stream_arn);
    if (it == streams_.end()) {
      StreamMeta meta;
      meta.id = next_stream_id_++;
      meta.arn = target.stream_arn;
      meta.creation_millis = creation_millis;
      meta.shard_id = MakeShardId(target.stream_arn, creation_millis);
      // Consumed so that every record, and LATEST, lies strictly after it.
      meta.start_sequence = next_sequence_++;
      arn_by_id_[meta.id] = meta.arn;
      it = streams_.emplace(meta.arn, std::move(meta)).first;
    }
    StreamMeta& meta = it->second;
    meta.table_name = target.table_name;
    meta.region = target.region;
    meta.view_type = target.view_type;
    meta.key_schema = target.key_schema;
    meta.status = StreamStatus::kEnabled;
    meta.disabled_millis = 0;
  }
  return PersistMeta(target.stream_arn);
}

void StreamStore::StreamDisabled(const std::string& stream_arn) {
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_arn);
    if (it == streams_.end() || it->second.status == StreamStatus::kDisabled) return;
    it->second.status = StreamStatus::kDisabled;
    it->second.disabled_millis = clock().NowMillis();
  }
  Status status = PersistMeta(stream_arn);
  if (!status.ok()) spdlog::error("streams: disabling {}: {}", stream_arn, status.error().message);
}

Status StreamStore::PersistMeta(const std::string& arn) {
  // Encoding under persist_mu_ means whichever write lands last carries the
  // newest in-memory state.
  std::lock_guard persist(persist_mu_);
  storage::WriteBatch batch;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(arn);
    if (it == streams_.end()) return Status::Ok();  // swept meanwhile
    batch.Put(family_, MetaKey(arn), EncodeStreamMeta(it->second));
  }
  return store_.Write(batch);
}

uint64_t StreamStore::SettlePending(uint64_t stream_id) {
  constexpr size_t kProbeLimit = 256;
  constexpr int64_t kAbandonNanos = 30'000'000'000;
  std::vector<std::pair<uint64_t, Pending>> candidates;
  {
    std::lock_guard lock(mu_);
    for (const auto& [seq, pending] : pending_) {
      if (stream_id != 0 && pending.stream_id != stream_id) continue;
      candidates.emplace_back(seq, pending);
      if (candidates.size() >= kProbeLimit) break;
    }
  }
  // Probe without the lock: the write path must never wait for a reader's Gets.
  int64_t now = clock().MonotonicNanos();
  std::vector<uint64_t> settled;
  for (const auto& [seq, pending] : candidates) {
    if (now - pending.reserved_nanos > kAbandonNanos) {
      spdlog::warn("streams: sequence {} was never committed nor aborted; skipping it", seq);
      settled.push_back(seq);
      continue;
    }
    Result<std::optional<std::string>> found =
        store_.Get(family_, RecordKey(pending.stream_id, seq));
    if (found.ok() && found->has_value()) {
      settled.push_back(seq);
    } else if (stream_id != 0) {
      break;  // the stream's horizon: later ones cannot become visible yet anyway
    }
  }
  std::lock_guard lock(mu_);
  for (uint64_t seq : settled) pending_.erase(seq);
  if (stream_id == 0) return UINT64_MAX;
  // Taken under the same lock as the pending scan: a reservation made after
  // this point lies beyond last_sequence, so it cannot slip under the horizon.
  uint64_t horizon = UINT64_MAX;
  auto owner = arn_by_id_.find(stream_id);
  if (owner != arn_by_id_.end()) {
    auto meta = streams_.find(owner->second);
    if (meta != streams_.end()) horizon = meta->second.last_sequence + 1;
  }
  for (const auto& [seq, pending] : pending_) {
    if (pending.stream_id == stream_id) return std::min(seq, horizon);
  }
  return horizon;
}

uint64_t StreamStore::Subscribe(Listener listener) {
  std::lock_guard lock(listeners_mu_);
  uint64_t id = next_listener_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void StreamStore::Unsubscribe(uint64_t id) {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

}  // namespace kumo::tables::streams

// StreamStore reads: descriptions, positions and record pages.
#include <algorithm>

#include "tables/streams/stream_keys.h"
#include "tables/streams/stream_record.h"
#include "tables/streams/stream_store.h"

namespace kumo::tables::streams {
namespace {

Error StreamNotFound(const std::string& arn) {
  return Error{400, "ResourceNotFoundException",
               "Requested resource not found: Stream: " + arn + " not found"};
}

Error Trimmed() {
  return Error{400, "TrimmedDataAccessException",
               "The operation attempted to read past the oldest stream record in a shard."};
}

Error ForeignSequence(uint64_t seq, const StreamMeta& meta) {
  return Error{400, "ValidationException",
               "Invalid SequenceNumber: " + FormatSequence(seq) + " is not in shard " +
                   meta.shard_id + " of stream " + meta.arn};
}

}  // namespace

int64_t StreamStore::RetentionFloor() const {
  return clock().NowMillis() - options_.retention.count();
}

StreamInfo StreamStore::InfoLocked(const StreamMeta& meta) const {
  StreamInfo info;
  info.arn = meta.arn;
  info.label = StreamLabel(meta.arn);
  info.table_name = meta.table_name;
  info.region = meta.region;
  info.view_type = meta.view_type;
  info.key_schema = meta.key_schema;
  info.creation_millis = meta.creation_millis;
  info.enabled = meta.status == StreamStatus::kEnabled;
  info.shard_id = meta.shard_id;
  info.start_sequence = meta.start_sequence;
  if (!info.enabled) info.end_sequence = std::max(meta.last_sequence, meta.start_sequence);
  return info;
}

Result<StreamInfo> StreamStore::Describe(const std::string& stream_arn) const {
  std::lock_guard lock(mu_);
  auto it = streams_.find(stream_arn);
  if (it == streams_.end()) return StreamNotFound(stream_arn);
  return InfoLocked(it->second);
}

std::vector<StreamInfo> StreamStore::List(const std::string& region,
                                          const std::optional<std::string>& table_name) const {
  std::vector<StreamInfo> out;
  std::lock_guard lock(mu_);
  for (const auto& [arn, meta] : streams_) {
    if (meta.region != region) continue;
    if (table_name && meta.table_name != *table_name) continue;
    out.push_back(InfoLocked(meta));
  }
  return out;
}

Result<uint64_t> StreamStore::StartPosition(const std::string& stream_arn, PositionType type,
                                            uint64_t sequence) {
  StreamMeta meta;
  uint64_t issued = 0;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_arn);
    if (it == streams_.end()) return StreamNotFound(stream_arn);
    meta = it->second;
    issued = next_sequence_ - 1;
  }
  switch (type) {
    case PositionType::kTrimHorizon:
      return kTrimHorizon;
    case PositionType::kLatest: {
      uint64_t horizon = SettlePending(meta.id);
      return std::max(meta.start_sequence, std::min(horizon, issued + 1) - 1);
    }
    case PositionType::kAtSequence:
    case PositionType::kAfterSequence:
      break;
  }
  uint64_t end = meta.status == StreamStatus::kDisabled
                     ? std::max(meta.last_sequence, meta.start_sequence)
                     : issued;
  if (sequence < meta.start_sequence || sequence > end) return ForeignSequence(sequence, meta);
  uint64_t position = type == PositionType::kAtSequence ? sequence - 1 : sequence;
  if (position < meta.trimmed_through) return Trimmed();
  return position;
}

Result<RecordPage> StreamStore::ReadAfter(const std::string& stream_arn, uint64_t after,
                                          size_t limit, size_t max_bytes) {
  uint64_t id = 0;
  uint64_t trimmed_through = 0;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_arn);
    if (it == streams_.end()) return StreamNotFound(stream_arn);
    id = it->second.id;
    trimmed_through = it->second.trimmed_through;
  }
  if (after != kTrimHorizon && after < trimmed_through) return Trimmed();
  uint64_t horizon = SettlePending(id);
  // Read after settling: a DISABLED stream takes no new reservations, so
  // once the horizon passes its last sequence nothing more can appear.
  bool disabled = false;
  uint64_t last_sequence = 0;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(stream_arn);
    if (it == streams_.end()) return StreamNotFound(stream_arn);
    disabled = it->second.status == StreamStatus::kDisabled;
    last_sequence = it->second.last_sequence;
  }

  RecordPage page;
  page.position = after;
  int64_t floor = RetentionFloor();
  size_t bytes = 0;
  bool exhausted = true;
  bool first = true;
  std::string upper = horizon == UINT64_MAX ? RecordEnd(id) : RecordKey(id, horizon);
  std::unique_ptr<storage::Iterator> it =
      store_.NewIterator(family_, storage::ReadOptions{nullptr, RecordKey(id, after + 1), upper});
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    KUMO_ASSIGN_OR_RETURN(StoredRecordView record, DecodeStoredRecord(it->value()));
    bool expired = record.creation_millis < floor;
    if (expired && first && after != kTrimHorizon) return Trimmed();
    first = false;
    if (expired) continue;  // not swept yet; never returned
    if (page.records.size() >= limit ||
        (!page.records.empty() && bytes + record.json.size() > max_bytes)) {
      exhausted = false;
      break;
    }
    bytes += record.json.size();
    uint64_t seq = SequenceOfRecordKey(it->key());
    page.records.push_back(
        StoredStreamRecord{seq, record.creation_millis, std::string(record.json)});
    page.position = seq;
  }
  KUMO_RETURN_IF_ERROR(it->status());
  if (disabled && exhausted && horizon > last_sequence) {
    page.closed = true;
    page.position = std::max(page.position, last_sequence);
  }
  return page;
}

}  // namespace kumo::tables::streams

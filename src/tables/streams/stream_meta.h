// StreamMeta: what the StreamStore keeps about one stream, in memory and as
// a JSON value under MetaKey(arn). Private to src/tables/streams.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tables/key_codec.h"

namespace kumo::tables::streams {

enum class StreamStatus { kEnabled, kDisabled };

struct StreamMeta {
  uint64_t id = 0;  // names the stream's record range (stream_keys.h)
  std::string arn;
  std::string table_name;
  std::string region;
  std::string view_type;
  KeySchema key_schema;
  int64_t creation_millis = 0;
  StreamStatus status = StreamStatus::kEnabled;
  int64_t disabled_millis = 0;  // when it became DISABLED
  std::string shard_id;
  uint64_t start_sequence = 0;   // StartingSequenceNumber of the one shard
  uint64_t trimmed_through = 0;  // highest sequence deleted by the sweep, 0: none

  // Not persisted: derived at load, kept current by the StreamStore.
  uint64_t last_sequence = 0;  // highest sequence reserved for this stream, 0: none
};

std::string EncodeStreamMeta(const StreamMeta& meta);
// Internal error when `json` is not a StreamMeta written by EncodeStreamMeta.
Result<StreamMeta> DecodeStreamMeta(std::string_view arn, std::string_view json);

// "2024-01-01T00:00:00.000" from ".../stream/2024-01-01T00:00:00.000"; the
// whole ARN's tail after the last '/' otherwise.
std::string StreamLabel(std::string_view arn);

}  // namespace kumo::tables::streams

// Key encodings of the "streams" family, sequence-number text and shard
// ids. Private to src/tables/streams.
//
// Keys:
//   'S' stream_arn              -> the stream's metadata (JSON, stream_meta.h)
//   'R' id(be64) seq(be64)      -> a record: be64 creation millis + its JSON
//   'M'                         -> be64 highest sequence number ever issued
// A stream's records are one contiguous range in sequence order, so a
// reader's page is one range scan and the retention sweep one DeleteRange.
//
// Sequence numbers are uint64 counters shown as AWS shows them: 21 decimal
// digits, here "1" followed by the counter zero-padded to 20 digits, so
// text order is numeric order.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::tables::streams {

void AppendBigEndian64(std::string& out, uint64_t value);
uint64_t ReadBigEndian64(std::string_view bytes);  // precondition: size >= 8

std::string MetaKey(std::string_view stream_arn);
std::string MetaPrefix();  // every metadata key
// Records of stream `id` from sequence `seq` on.
std::string RecordKey(uint64_t id, uint64_t seq);
// The key just past every record of stream `id`.
std::string RecordEnd(uint64_t id);
std::string SequenceKey();
// The sequence number of a record key (precondition: built by RecordKey).
uint64_t SequenceOfRecordKey(std::string_view key);

// "100000000000000000042" for 42.
std::string FormatSequence(uint64_t seq);
// The inverse of FormatSequence; nullopt for anything Kumo never issued.
std::optional<uint64_t> ParseSequence(std::string_view text);

// "shardId-00000001700000000000-1a2b3c4d": creation millis, then 8 hex
// digits derived from the stream ARN (stable across restarts).
std::string MakeShardId(std::string_view stream_arn, int64_t creation_millis);

}  // namespace kumo::tables::streams

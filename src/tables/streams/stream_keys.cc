#include "tables/streams/stream_keys.h"

#include <fmt/format.h>

#include "common/encoding.h"

namespace kumo::tables::streams {

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

std::string MetaKey(std::string_view stream_arn) {
  std::string key = "S";
  key.append(stream_arn);
  return key;
}

std::string MetaPrefix() { return "S"; }

std::string RecordKey(uint64_t id, uint64_t seq) {
  std::string key = "R";
  AppendBigEndian64(key, id);
  AppendBigEndian64(key, seq);
  return key;
}

std::string RecordEnd(uint64_t id) {
  // Stream ids stay far below UINT64_MAX, so id + 1 never wraps.
  return RecordKey(id + 1, 0);
}

std::string SequenceKey() { return "M"; }

uint64_t SequenceOfRecordKey(std::string_view key) { return ReadBigEndian64(key.substr(9)); }

std::string FormatSequence(uint64_t seq) { return fmt::format("1{:020d}", seq); }

std::optional<uint64_t> ParseSequence(std::string_view text) {
  if (text.size() != 21 || text[0] != '1') return std::nullopt;
  // 20 digits can exceed UINT64_MAX: accumulate with an overflow check.
  uint64_t value = 0;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string MakeShardId(std::string_view stream_arn, int64_t creation_millis) {
  std::string hash = HexEncode(Sha256(stream_arn)).substr(0, 8);
  return fmt::format("shardId-{:020d}-{}", creation_millis < 0 ? 0 : creation_millis, hash);
}

}  // namespace kumo::tables::streams

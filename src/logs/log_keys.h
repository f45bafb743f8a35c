// Key and value encodings of the "logs" family, and the 56-digit event
// positions used in event ids and pagination tokens. Private to src/logs.
//
// Keys (names escaped so that byte order is name order and no name is a
// prefix of another: 0x00 -> 0x00 0xFF, then a 0x00 0x01 terminator):
//   'G' region group                 -> group record (JSON)
//   'S' region group stream          -> stream record (JSON)
//   'E' region group stream ts seq   -> be64 ingestion time + message bytes
//   'M' "seq"                        -> be64 highest sequence number issued
// ts and seq are big-endian uint64, so the events of one stream are one
// contiguous range ordered by (timestamp, arrival sequence).
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kumo::logs {

// Where an event sits in time order: sequence numbers are unique across the
// whole store, so a position names at most one event.
struct EventPosition {
  int64_t timestamp = 0;
  uint64_t sequence = 0;
  friend auto operator<=>(const EventPosition&, const EventPosition&) = default;
};

namespace keys {

void AppendBigEndian64(std::string& out, uint64_t value);
uint64_t ReadBigEndian64(std::string_view bytes);  // precondition: size >= 8

// The smallest key greater than every key starting with `prefix`.
std::string PrefixEnd(std::string prefix);

std::string GroupKey(std::string_view region, std::string_view group);
std::string GroupPrefix();  // every group key
std::string StreamKey(std::string_view region, std::string_view group, std::string_view stream);
std::string StreamPrefix(std::string_view region, std::string_view group);  // a group's streams
std::string StreamPrefixAll();                                              // every stream key
// All events of one stream; append EventSuffix for one event.
std::string EventPrefix(std::string_view region, std::string_view group, std::string_view stream);
// All events of every stream of a group.
std::string GroupEventPrefix(std::string_view region, std::string_view group);
std::string EventSuffix(EventPosition position);
std::string SequenceKey();

// Splits a group or stream key back into its names; nullopt when malformed.
struct Names {
  std::string region;
  std::string group;
  std::string stream;  // empty for a group key
};
std::optional<Names> ParseGroupKey(std::string_view key);
std::optional<Names> ParseStreamKey(std::string_view key);
// The position of an event key whose stream prefix is `prefix_size` bytes.
std::optional<EventPosition> ParseEventPosition(std::string_view key, size_t prefix_size);

}  // namespace keys

// 56 decimal digits: the timestamp (36) then the sequence (20). Byte order
// equals position order. Event ids and GetLogEvents tokens carry this form.
std::string FormatPosition(EventPosition position);
std::optional<EventPosition> ParsePosition(std::string_view digits);

}  // namespace kumo::logs

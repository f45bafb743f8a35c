// The in-memory metadata of log groups and streams, and its records in the
// "logs" family (small JSON objects, so fields can be added later). Private
// to src/logs. Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::logs {

struct StreamMeta {
  int64_t creation_time = 0;
  std::optional<int64_t> first_event_timestamp;
  std::optional<int64_t> last_event_timestamp;
  std::optional<int64_t> last_ingestion_time;
  int64_t stored_bytes = 0;
};

struct GroupMeta {
  int64_t creation_time = 0;
  std::optional<int32_t> retention_in_days;
  std::string log_group_class = "STANDARD";
  std::map<std::string, std::string> tags;
  std::map<std::string, StreamMeta, std::less<>> streams;  // not part of the group record
};

std::string EncodeStreamRecord(const StreamMeta& meta);
Result<StreamMeta> DecodeStreamRecord(std::string_view record);
std::string EncodeGroupRecord(const GroupMeta& meta);
Result<GroupMeta> DecodeGroupRecord(std::string_view record);

}  // namespace kumo::logs

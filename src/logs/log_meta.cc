#include "logs/log_meta.h"

#include <boost/json/object.hpp>

#include "common/json.h"

namespace kumo::logs {
namespace {

void PutOptional(boost::json::object& out, std::string_view key, std::optional<int64_t> value) {
  if (value) out[key] = *value;
}

Error Corrupt(std::string_view what, const Error& cause) {
  return Internal("logs: corrupt " + std::string(what) + " record: " + cause.message);
}

// Parses a record with `read`; any failure is a 500 naming the record kind.
template <typename T>
Result<T> DecodeRecord(std::string_view record, std::string_view what,
                       Result<T> (*read)(const boost::json::object&)) {
  Result<boost::json::object> in = ParseJsonObject(record);
  Result<T> meta = in.ok() ? read(*in) : Result<T>(in.error());
  if (!meta.ok()) return Corrupt(what, meta.error());
  return meta;
}

}  // namespace

std::string EncodeStreamRecord(const StreamMeta& meta) {
  boost::json::object out{{"creationTime", meta.creation_time}, {"storedBytes", meta.stored_bytes}};
  PutOptional(out, "firstEventTimestamp", meta.first_event_timestamp);
  PutOptional(out, "lastEventTimestamp", meta.last_event_timestamp);
  PutOptional(out, "lastIngestionTime", meta.last_ingestion_time);
  return ToJson(out);
}

Result<StreamMeta> DecodeStreamRecord(std::string_view record) {
  return DecodeRecord<StreamMeta>(
      record, "log stream", [](const boost::json::object& in) -> Result<StreamMeta> {
        StreamMeta meta;
        KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> created, GetInt(in, "creationTime"));
        KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> bytes, GetInt(in, "storedBytes"));
        KUMO_ASSIGN_OR_RETURN(meta.first_event_timestamp, GetInt(in, "firstEventTimestamp"));
        KUMO_ASSIGN_OR_RETURN(meta.last_event_timestamp, GetInt(in, "lastEventTimestamp"));
        KUMO_ASSIGN_OR_RETURN(meta.last_ingestion_time, GetInt(in, "lastIngestionTime"));
        meta.creation_time = created.value_or(0);
        meta.stored_bytes = bytes.value_or(0);
        return meta;
      });
}

std::string EncodeGroupRecord(const GroupMeta& meta) {
  boost::json::object tags;
  for (const auto& [key, value] : meta.tags) tags[key] = value;
  boost::json::object out{{"creationTime", meta.creation_time},
                          {"logGroupClass", meta.log_group_class},
                          {"tags", std::move(tags)}};
  if (meta.retention_in_days) out["retentionInDays"] = *meta.retention_in_days;
  return ToJson(out);
}

Result<GroupMeta> DecodeGroupRecord(std::string_view record) {
  return DecodeRecord<GroupMeta>(
      record, "log group", [](const boost::json::object& in) -> Result<GroupMeta> {
        GroupMeta meta;
        KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> created, GetInt(in, "creationTime"));
        KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> days, GetInt(in, "retentionInDays"));
        KUMO_ASSIGN_OR_RETURN(std::optional<std::string> log_class, GetString(in, "logGroupClass"));
        meta.creation_time = created.value_or(0);
        if (days) meta.retention_in_days = static_cast<int32_t>(*days);
        if (log_class) meta.log_group_class = *log_class;
        if (const boost::json::value* tags = in.if_contains("tags"); tags && tags->is_object()) {
          for (const auto& [key, value] : tags->as_object()) {
            if (value.is_string()) meta.tags[std::string(key)] = std::string(value.as_string());
          }
        }
        return meta;
      });
}

}  // namespace kumo::logs

#include "tables/streams/stream_meta.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kumo::tables::streams {
namespace {

boost::json::object KeyAttributeJson(const KeyAttribute& attribute) {
  return {{"name", attribute.name}, {"type", std::string(TypeName(attribute.type))}};
}

Result<KeyAttribute> KeyAttributeFromJson(const boost::json::value& json) {
  const auto* object = json.if_object();
  const boost::json::value* name = object ? object->if_contains("name") : nullptr;
  const boost::json::value* type = object ? object->if_contains("type") : nullptr;
  if (!name || !name->is_string() || !type || !type->is_string()) {
    return Internal("corrupt stream key schema");
  }
  std::optional<AttrType> parsed = TypeFromName(type->as_string());
  if (!parsed) return Internal("corrupt stream key type");
  return KeyAttribute{std::string(name->as_string()), *parsed};
}

}  // namespace

std::string EncodeStreamMeta(const StreamMeta& meta) {
  boost::json::object json{
      {"id", meta.id},
      {"table", meta.table_name},
      {"region", meta.region},
      {"view", meta.view_type},
      {"pk", KeyAttributeJson(meta.key_schema.partition)},
      {"created", meta.creation_millis},
      {"status", meta.status == StreamStatus::kEnabled ? "ENABLED" : "DISABLED"},
      {"disabled", meta.disabled_millis},
      {"shard", meta.shard_id},
      {"start", meta.start_sequence},
      {"trimmed", meta.trimmed_through},
  };
  if (meta.key_schema.sort) json["sk"] = KeyAttributeJson(*meta.key_schema.sort);
  return boost::json::serialize(json);
}

Result<StreamMeta> DecodeStreamMeta(std::string_view arn, std::string_view json) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return Internal("corrupt stream metadata");
  const boost::json::object& o = parsed.as_object();
  auto text = [&](std::string_view key) -> const boost::json::string* {
    const boost::json::value* v = o.if_contains(key);
    return v ? v->if_string() : nullptr;
  };
  auto number = [&](std::string_view key) -> std::optional<int64_t> {
    const boost::json::value* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    return std::nullopt;
  };
  StreamMeta meta;
  meta.arn = std::string(arn);
  auto id = number("id");
  auto created = number("created");
  auto disabled = number("disabled");
  auto start = number("start");
  auto trimmed = number("trimmed");
  const auto *table = text("table"), *region = text("region"), *view = text("view"),
             *status = text("status"), *shard = text("shard");
  const boost::json::value* pk = o.if_contains("pk");
  if (!id || !created || !disabled || !start || !trimmed || !table || !region || !view || !status ||
      !shard || !pk) {
    return Internal("corrupt stream metadata for " + meta.arn);
  }
  meta.id = static_cast<uint64_t>(*id);
  meta.table_name = std::string(*table);
  meta.region = std::string(*region);
  meta.view_type = std::string(*view);
  KUMO_ASSIGN_OR_RETURN(meta.key_schema.partition, KeyAttributeFromJson(*pk));
  if (const boost::json::value* sk = o.if_contains("sk")) {
    KUMO_ASSIGN_OR_RETURN(KeyAttribute sort, KeyAttributeFromJson(*sk));
    meta.key_schema.sort = std::move(sort);
  }
  meta.creation_millis = *created;
  meta.status = *status == "ENABLED" ? StreamStatus::kEnabled : StreamStatus::kDisabled;
  meta.disabled_millis = *disabled;
  meta.shard_id = std::string(*shard);
  meta.start_sequence = static_cast<uint64_t>(*start);
  meta.trimmed_through = static_cast<uint64_t>(*trimmed);
  return meta;
}

std::string StreamLabel(std::string_view arn) {
  size_t slash = arn.rfind('/');
  return std::string(slash == std::string_view::npos ? arn : arn.substr(slash + 1));
}

}  // namespace kumo::tables::streams

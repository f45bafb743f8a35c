// TableMeta: everything DynamoDB knows about a table except its items: key
// schema, attribute definitions, billing, indexes, stream, TTL, tags. It is
// persisted as JSON in the "tables_meta" family and rendered as the
// TableDescription of CreateTable / DescribeTable / UpdateTable /
// DeleteTable.
//
// A TableMeta is immutable once published (see catalog.h): a change builds
// a new one and swaps it in.
//
// Thread-safety: plain values.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/key_codec.h"

namespace kumo::tables {

inline constexpr std::string_view kAccountId = "000000000000";

enum class ProjectionType { kAll, kKeysOnly, kInclude };
std::string_view ProjectionTypeName(ProjectionType type);

struct Throughput {
  int64_t read = 0;
  int64_t write = 0;
  int64_t last_increase_millis = 0;
  int64_t last_decrease_millis = 0;
};

struct IndexMeta {
  std::string name;
  bool global = false;
  uint16_t id = 0;  // storage id, unique within the table, never reused
  KeySchema key_schema;
  ProjectionType projection = ProjectionType::kAll;
  std::vector<std::string> non_key_attributes;  // kInclude
  std::optional<Throughput> throughput;          // GSIs of PROVISIONED tables
  bool backfilling = false;  // GSI added by UpdateTable, not yet ACTIVE

  // True if the index stores `attribute` (always true for kAll).
  bool Projects(std::string_view attribute, const KeySchema& table_keys) const;
};

struct TableMeta {
  std::string region;
  std::string name;
  uint32_t id = 0;        // storage prefix, unique, never reused
  std::string table_id;   // the TableId UUID
  KeySchema key_schema;
  std::vector<std::pair<std::string, AttrType>> attribute_definitions;
  bool pay_per_request = false;
  Throughput throughput;
  int64_t creation_millis = 0;
  int64_t billing_mode_updated_millis = 0;
  std::vector<IndexMeta> indexes;  // local ones first, in creation order
  uint16_t next_index_id = 1;

  bool stream_enabled = false;
  std::string stream_view_type;  // while enabled (and kept after)
  std::string stream_label;      // LatestStreamLabel, kept after disabling

  bool ttl_enabled = false;
  std::string ttl_attribute;

  bool sse_enabled = false;
  std::string sse_type;  // "KMS" when enabled
  std::string sse_kms_key;
  bool deletion_protection = false;
  std::string table_class = "STANDARD";

  std::map<std::string, std::string> tags;

  std::string Arn() const;
  std::string StreamArn() const;  // empty without a label
  const IndexMeta* FindIndex(std::string_view index_name) const;
  // The attribute type from AttributeDefinitions, or nullopt.
  std::optional<AttrType> DefinedType(std::string_view attribute) const;
  bool has_local_indexes() const;
};

// "arn:aws:dynamodb:{region}:000000000000:table/{name}".
std::string TableArn(std::string_view region, std::string_view name);

// Persistence: a JSON object with every field; FromStored fails with an
// Internal error on a record it cannot read.
boost::json::object ToStored(const TableMeta& meta);
Result<TableMeta> FromStored(const boost::json::object& stored);

// Live counters shown in descriptions.
struct IndexStats {
  int64_t item_count = 0;
  int64_t size_bytes = 0;
};
struct TableStats {
  IndexStats table;
  std::map<uint16_t, IndexStats> indexes;  // by IndexMeta::id
};

// TableDescription as DynamoDB renders it. `status` is "ACTIVE",
// "DELETING", ...
boost::json::object DescribeTable(const TableMeta& meta, const TableStats& stats,
                                  std::string_view status);

}  // namespace kumo::tables

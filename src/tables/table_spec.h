// Reads and validates CreateTable and UpdateTable requests into TableMeta,
// with DynamoDB's checks and messages (key schema shape, attribute
// definitions, billing mode and throughput, index limits and projections).
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "tables/table_meta.h"

namespace kumo::tables {

// A new table's meta from a CreateTable request. The caller fills id.
Result<TableMeta> ParseCreateTable(const boost::json::object& input, const std::string& region,
                                   int64_t now_millis);

struct TableChange {
  TableMeta meta;                          // the table after the update
  std::vector<std::string> created_indexes;  // GSIs to backfill
  std::vector<uint16_t> deleted_indexes;     // index ids whose entries to drop
  bool stream_changed = false;
};

// Applies an UpdateTable request to `current`.
Result<TableChange> ParseUpdateTable(const boost::json::object& input, const TableMeta& current,
                                     int64_t now_millis);

// The stream label DynamoDB derives from a time: "2024-01-01T00:00:00.000".
std::string StreamLabel(int64_t millis);

}  // namespace kumo::tables

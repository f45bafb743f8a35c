// ConsumedCapacity as DynamoDB computes and renders it: reads cost one unit
// per 4 KB (rounded up; half for eventually consistent reads), writes one
// unit per 1 KB, transactions twice that. ReturnConsumedCapacity TOTAL gives
// the sum; INDEXES adds the table's and each index's share.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "tables/table_meta.h"

namespace kumo::tables {

enum class CapacityMode { kNone, kTotal, kIndexes };

// Reads ReturnConsumedCapacity (already checked by Constraints).
CapacityMode CapacityModeOf(const boost::json::object& input);

// Read units for `bytes` read in one request (at least one 4 KB unit).
double ReadUnits(size_t bytes, bool consistent);

struct Consumed {
  bool read = false;  // ReadCapacityUnits vs WriteCapacityUnits
  double table = 0;
  std::map<std::string, double> indexes;  // by index name

  void Add(const Consumed& other);
  double Total() const;
};

// Appends the ConsumedCapacity object (no member name) for `meta`'s table.
void AppendConsumedCapacity(const TableMeta& meta, const Consumed& consumed, CapacityMode mode,
                            std::string& out);
// Appends `"ConsumedCapacity":{...},` when mode is not kNone.
void AppendConsumedCapacityMember(const TableMeta& meta, const Consumed& consumed,
                                  CapacityMode mode, std::string& out);
// Consumed capacity per table, in the order tables first appear (batch and
// transaction responses). Holds pointers: the metas must outlive it.
class CapacityByTable {
 public:
  Consumed& For(const TableMeta& meta, bool read);
  // Appends `"ConsumedCapacity":[...],` when mode is not kNone.
  void AppendMember(CapacityMode mode, std::string& out) const;

 private:
  std::vector<std::pair<const TableMeta*, Consumed>> tables_;
};

// A JSON number as DynamoDB writes capacity: "1.0", "0.5".
std::string FormatUnits(double units);

}  // namespace kumo::tables

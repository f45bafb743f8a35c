// The range reader behind Query, Scan and PartiQL SELECT: one pass over the
// items family (the table) or the indexes family (a GSI or LSI), with
// DynamoDB's paging: a page ends after `limit` items were evaluated or once
// the items read (before the filter) reach 1 MB; the page's last key is the
// key of the last item read. Reads take no lock and see the last durable
// state. Private to src/tables.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/capacity.h"
#include "tables/catalog.h"
#include "tables/expression_ast.h"
#include "tables/service_impl.h"

namespace kumo::tables {

// What each returned item holds (Query/Scan's Select).
enum class Select { kAll, kAllProjected, kSpecific, kCount };

struct ReadPlan {
  TableHandle table;
  const IndexMeta* index = nullptr;
  std::string begin, end;  // family bounds: begin inclusive, end exclusive
  bool forward = true;
  std::optional<std::string> start_after;  // ExclusiveStartKey's position
  std::optional<Condition> filter;
  std::optional<std::vector<Path>> projection;
  Select select = Select::kAll;
  bool fetch_from_table = false;  // an LSI read needing attributes it does not project
  std::optional<int64_t> limit;
  bool consistent = false;
  CapacityMode capacity = CapacityMode::kNone;
};

struct ReadPage {
  std::string items = "[]";      // the JSON array of the items returned (none for kCount)
  int64_t count = 0;             // items that passed the filter
  int64_t scanned = 0;           // items evaluated
  size_t bytes = 0;              // their size (read capacity)
  std::optional<Item> last_key;  // LastEvaluatedKey when the page stopped early
};

// Reads one page of `plan`. Fails on a Store error or an undecodable item.
Result<ReadPage> ReadRange(TableService::Impl& impl, const ReadPlan& plan);

// The read capacity of a page of `bytes` under `plan` (table or index).
Consumed ReadConsumed(const ReadPlan& plan, size_t bytes);

// The index a read names (nullptr for none): "The table does not have the
// specified index: X", no consistent reads on a GSI, none from a GSI still
// being backfilled.
Result<const IndexMeta*> FindReadIndex(const TableMeta& meta,
                                       const std::optional<std::string>& name, bool consistent);

// The position of ExclusiveStartKey (`start`) in the family `index` (or the
// table) is read from; "The provided starting key is invalid: ..." when it
// does not hold exactly the key attributes.
Result<std::string> StartPosition(const TableMeta& meta, const IndexMeta* index, const Item& start);

// Whether `plan`'s LSI read must fetch the table item for `projection`
// (the attributes requested that the index does not project).
bool NeedsTableFetch(const TableMeta& meta, const IndexMeta& index,
                     const std::vector<Path>& projection);

}  // namespace kumo::tables

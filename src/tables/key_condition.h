// Query key conditions: checks a resolved KeyConditionExpression (or legacy
// KeyConditions converted to a Condition) against the key schema of the
// table or index queried, and turns it into the key range to scan.
//
// Allowed: "pk = :v" alone, or AND-ed with one condition on the sort key
// using =, <, <=, >, >=, BETWEEN or begins_with. Everything else fails with
// AWS's messages ("Invalid operator used in KeyConditionExpression: OR",
// "Query condition missed key schema element: pk", ...).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/expression_ast.h"
#include "tables/key_codec.h"

namespace kumo::tables {

struct SortKeyCondition {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  Op op = Op::kEq;
  AttributeValue value;  // the operand; the lower bound for kBetween
  AttributeValue upper;  // kBetween only
};

struct KeyCondition {
  AttributeValue partition;
  std::optional<SortKeyCondition> sort;
};

Result<KeyCondition> ExtractKeyCondition(const Condition& condition, const KeySchema& schema);

// The keys [begin, end) of exactly the items matching `condition`, for item
// keys (EncodeItemKey) and for index keys built the same way (the index's
// partition prefix and sort value first). `end` is never empty.
KeyRange KeyConditionRange(const KeyCondition& condition);

// True if `value` (the item's sort key) satisfies `condition`.
bool SortKeyMatches(const SortKeyCondition& condition, const AttributeValue& value);

}  // namespace kumo::tables

// Evaluates resolved conditions (ConditionExpression, FilterExpression,
// KeyConditionExpression, and the legacy parameters converted to the same
// trees) over an Item, with DynamoDB's semantics:
//   - a missing attribute compares false with anything, except that <>
//     is true; values of different types are never equal or ordered;
//   - <, <=, >, >=, BETWEEN order S and B by unsigned bytes and N by value,
//     and are false for other types;
//   - size() is the length of S (UTF-8 bytes) and B, and the element count
//     of sets, L and M; it has no value for other types;
//   - contains() finds substrings (S, B), set members and list elements.
// Evaluation never fails: every type mismatch makes the comparison false.
//
// Thread-safety: pure functions.
#pragma once

#include "tables/attribute_value.h"
#include "tables/expression_ast.h"

namespace kumo::tables {

// The value at `path` in `item`, or nullptr when any step is missing or of
// the wrong kind (a name into a non-map, an index into a non-list).
const AttributeValue* FindPath(const Item& item, const Path& path);
// The same for the first `depth` elements of `path` (1 <= depth <= size).
const AttributeValue* FindPathPrefix(const Item& item, const Path& path, size_t depth);

bool EvaluateCondition(const Condition& condition, const Item& item);

}  // namespace kumo::tables

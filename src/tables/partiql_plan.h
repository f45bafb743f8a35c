// From a parsed PartiQL statement (partiql_parser.h) to what the service
// runs: the one item a write or a batch read names, the key condition that
// turns a SELECT into a Query, and the NextToken of a paged SELECT.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/expression_ast.h"
#include "tables/key_codec.h"
#include "tables/key_condition.h"

namespace kumo::tables {

// The item a single-item statement (UPDATE, DELETE, EXISTS, a SELECT in a
// batch or transaction) names: its WHERE must AND together one equality
// with a value on every key attribute; the other conjuncts are `rest`, a
// condition on the item. Fails with AWS's messages: "Where clause does not
// contain a mandatory equality on all key attributes", "Multiple
// conditions on same key pk. Only single item Update/Insert/Delete are
// supported".
struct ItemTarget {
  Item key;
  std::optional<Condition> rest;
};
Result<ItemTarget> TargetItem(const std::optional<Condition>& where, const KeySchema& schema);

// The key condition of a SELECT whose WHERE ANDs an equality on the
// partition key of `schema` with the rest (and then, if it can, one
// condition on the sort key: a comparison, BETWEEN or begins_with):
// the SELECT reads that key range (a Query) and filters it with the whole
// WHERE. nullopt when the WHERE pins no partition: a Scan.
std::optional<KeyCondition> SelectKeyCondition(const Condition& where, const KeySchema& schema);

// A NextToken: the key to resume after, bound to the request it pages
// (`request`: the statement and its parameters, serialized).
std::string EncodeNextToken(const Item& last_key, std::string_view request);
// The key of a NextToken; 400 ValidationException "Invalid NextToken" for
// anything EncodeNextToken did not make, "NextToken does not match
// request" for another request's token.
Result<Item> DecodeNextToken(std::string_view token, std::string_view request);

}  // namespace kumo::tables

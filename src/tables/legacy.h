// The legacy (pre-expression) request parameters, converted to the same
// resolved trees the expression languages produce, so one evaluator serves
// both:
//   Expected (+ ConditionalOperator)              -> Condition
//   QueryFilter / ScanFilter (+ ConditionalOperator) -> Condition
//   KeyConditions                                 -> Condition (for ExtractKeyCondition)
//   AttributesToGet                               -> projection paths
//   AttributeUpdates                              -> UpdateExpression
// Each takes the parameter's JSON value as received and validates it with
// AWS's messages. Attribute names are taken literally (no path syntax).
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <vector>

#include "common/status.h"
#include "tables/expression_ast.h"

namespace kumo::tables {

// `conditional_operator` is the request's ConditionalOperator member, or
// nullptr when absent. An empty map yields an always-true condition.
Result<Condition> ConditionFromExpected(const boost::json::value& expected,
                                        const boost::json::value* conditional_operator);
// `parameter` names the map in messages: "QueryFilter", "ScanFilter", "KeyConditions".
Result<Condition> ConditionFromFilter(const boost::json::value& filter,
                                      const boost::json::value* conditional_operator,
                                      std::string_view parameter);
Result<std::vector<Path>> PathsFromAttributesToGet(const boost::json::value& attributes);
Result<UpdateExpression> UpdateFromAttributeUpdates(const boost::json::value& updates);

}  // namespace kumo::tables

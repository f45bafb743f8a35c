// Pieces shared by the item operations (single-item, batch, transactions,
// Query/Scan): the expression/legacy parameter rules, conditions,
// projections, ReturnValues, and the response fragments.
//
// Thread-safety: pure functions over one request.
#pragma once

#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tables/attribute_value.h"
#include "tables/expression_ast.h"
#include "tables/expression_attributes.h"
#include "tables/table_meta.h"

namespace kumo::tables {

// DynamoDB's rules on mixing the two parameter styles: "Can not use both
// expression and non-expression parameters in the same request: ...",
// "ExpressionAttributeNames can only be specified when using expressions",
// "ExpressionAttributeValues can only be specified when using expressions:
// X and Y are null". `expressions` in the order AWS names them.
Status CheckExpressionParams(const boost::json::object& input,
                             std::initializer_list<std::string_view> expressions,
                             std::initializer_list<std::string_view> legacy);

// ConditionExpression, or Expected (+ ConditionalOperator); nullopt if neither.
Result<std::optional<Condition>> ReadCondition(const boost::json::object& input,
                                               ExpressionAttributes& attributes);
// ProjectionExpression, or AttributesToGet; nullopt if neither.
Result<std::optional<std::vector<Path>>> ReadProjection(const boost::json::object& input,
                                                        ExpressionAttributes& attributes);

enum class ReturnValues { kNone, kAllOld, kUpdatedOld, kAllNew, kUpdatedNew };
// Reads ReturnValues (already checked against the enum by Constraints).
ReturnValues ReturnValuesOf(const boost::json::object& input);
// True when ReturnValuesOnConditionCheckFailure is ALL_OLD.
bool ReturnOldOnConditionFailure(const boost::json::object& input);

// Checks that an update touches no key attribute: "One or more parameter
// values were invalid: Cannot update attribute pk. This attribute is part
// of the key".
Status CheckUpdateSparesKeys(const UpdateExpression& update, const KeySchema& keys);

// 400 ConditionalCheckFailedException "The conditional request failed".
Error ConditionFailed();

// `"name":{item json},`
void AppendItemMember(std::string_view name, const Item& item, std::string& out);
// `"ItemCollectionMetrics":{...},` for tables with local indexes: the
// partition key of `item` and the estimate of its collection's size,
// `collection_bytes` (WriteSlot::collection_bytes), as AWS gives it: a
// range of whole gigabytes [floor, floor + 1].
void AppendItemCollectionMetrics(const TableMeta& meta, const Item& item, int64_t collection_bytes,
                                 std::string& out);
// The object of an ItemCollectionMetrics entry (no member name).
void AppendItemCollectionMetricsObject(const TableMeta& meta, const Item& item,
                                       int64_t collection_bytes, std::string& out);

// The common constraint checks of an item request: TableName (a name or an
// ARN), ReturnConsumedCapacity, ReturnValues, ReturnItemCollectionMetrics,
// ConditionalOperator, ReturnValuesOnConditionCheckFailure.
Status CheckItemRequestConstraints(const boost::json::object& input, bool has_return_values);

// Reads TableName, accepting table ARNs.
Result<std::string> TableNameOf(const boost::json::object& input);

}  // namespace kumo::tables

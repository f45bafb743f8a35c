#include "tables/item_request.h"

#include <fmt/format.h>

#include <algorithm>

#include "tables/expression_resolver.h"
#include "tables/legacy.h"
#include "tables/request.h"

namespace kumo::tables {
namespace {

std::string JoinNames(const std::vector<std::string_view>& names, std::string_view separator) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += separator;
    out += n;
  }
  return out;
}

}  // namespace

Status CheckExpressionParams(const boost::json::object& input,
                             std::initializer_list<std::string_view> expressions,
                             std::initializer_list<std::string_view> legacy) {
  std::vector<std::string_view> used_expressions, used_legacy;
  for (std::string_view e : expressions) {
    if (Member(input, e) != nullptr) used_expressions.push_back(e);
  }
  const bool key_conditions_alone =
      Member(input, "KeyConditions") != nullptr && Member(input, "KeyConditionExpression") == nullptr;
  for (std::string_view l : legacy) {
    if (l == "KeyConditions" && key_conditions_alone) continue;
    if (Member(input, l) != nullptr) used_legacy.push_back(l);
  }
  if (!used_expressions.empty() && !used_legacy.empty()) {
    return ValidationError(fmt::format(
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
        JoinNames(used_legacy, ", "), JoinNames(used_expressions, ", ")));
  }
  if (Member(input, "ExpressionAttributeNames") != nullptr && used_expressions.empty()) {
    return ValidationError("ExpressionAttributeNames can only be specified when using expressions");
  }
  std::vector<std::string_view> value_expressions;
  for (std::string_view e : expressions) {
    if (e != "ProjectionExpression") value_expressions.push_back(e);
  }
  if (Member(input, "ExpressionAttributeValues") != nullptr && !value_expressions.empty()) {
    bool any = false;
    for (std::string_view e : value_expressions) any = any || Member(input, e) != nullptr;
    if (!any) {
      return ValidationError(fmt::format(
          "ExpressionAttributeValues can only be specified when using expressions: {} {} null",
          JoinNames(value_expressions, " and "), value_expressions.size() > 1 ? "are" : "is"));
    }
  }
  return Status::Ok();
}

Result<std::optional<Condition>> ReadCondition(const boost::json::object& input,
                                               ExpressionAttributes& attributes) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> text, StringMember(input, "ConditionExpression"));
  if (text) {
    KUMO_ASSIGN_OR_RETURN(Condition condition,
                          CompileCondition(*text, ExpressionKind::kCondition, attributes));
    return std::optional<Condition>(std::move(condition));
  }
  if (const boost::json::value* expected = Member(input, "Expected")) {
    KUMO_ASSIGN_OR_RETURN(Condition condition,
                          ConditionFromExpected(*expected, Member(input, "ConditionalOperator")));
    return std::optional<Condition>(std::move(condition));
  }
  return std::optional<Condition>();
}

Result<std::optional<std::vector<Path>>> ReadProjection(const boost::json::object& input,
                                                        ExpressionAttributes& attributes) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> text, StringMember(input, "ProjectionExpression"));
  if (text) {
    KUMO_ASSIGN_OR_RETURN(ProjectionExpression projection, CompileProjection(*text, attributes));
    return std::optional<std::vector<Path>>(std::move(projection.paths));
  }
  if (const boost::json::value* attrs = Member(input, "AttributesToGet")) {
    KUMO_ASSIGN_OR_RETURN(std::vector<Path> paths, PathsFromAttributesToGet(*attrs));
    return std::optional<std::vector<Path>>(std::move(paths));
  }
  return std::optional<std::vector<Path>>();
}

ReturnValues ReturnValuesOf(const boost::json::object& input) {
  const boost::json::value* v = Member(input, "ReturnValues");
  if (v == nullptr || !v->is_string()) return ReturnValues::kNone;
  const auto& s = v->as_string();
  if (s == "ALL_OLD") return ReturnValues::kAllOld;
  if (s == "UPDATED_OLD") return ReturnValues::kUpdatedOld;
  if (s == "ALL_NEW") return ReturnValues::kAllNew;
  if (s == "UPDATED_NEW") return ReturnValues::kUpdatedNew;
  return ReturnValues::kNone;
}

bool ReturnOldOnConditionFailure(const boost::json::object& input) {
  const boost::json::value* v = Member(input, "ReturnValuesOnConditionCheckFailure");
  return v != nullptr && v->is_string() && v->as_string() == "ALL_OLD";
}

Status CheckUpdateSparesKeys(const UpdateExpression& update, const KeySchema& keys) {
  for (const UpdateAction& action : update.actions) {
    const std::string& top = action.path.top();
    if (top == keys.partition.name || (keys.sort && top == keys.sort->name)) {
      return ValidationError("One or more parameter values were invalid: Cannot update attribute " +
                             top + ". This attribute is part of the key");
    }
  }
  return Status::Ok();
}

Error ConditionFailed() {
  return Error{400, "ConditionalCheckFailedException", "The conditional request failed"};
}

void AppendItemMember(std::string_view name, const Item& item, std::string& out) {
  out += '"';
  out += name;
  out += "\":";
  AppendItemJsonText(item, out);
  out += ',';
}

void AppendItemCollectionMetricsObject(const TableMeta& meta, const Item& item,
                                       int64_t collection_bytes, std::string& out) {
  Item key;
  auto it = item.find(meta.key_schema.partition.name);
  if (it != item.end()) key.emplace(it->first, it->second);
  out += "{\"ItemCollectionKey\":";
  AppendItemJsonText(key, out);
  const int64_t gigabytes = std::max<int64_t>(collection_bytes, 0) >> 30;
  out += fmt::format(",\"SizeEstimateRangeGB\":[{}.0,{}.0]}}", gigabytes, gigabytes + 1);
}

void AppendItemCollectionMetrics(const TableMeta& meta, const Item& item, int64_t collection_bytes,
                                 std::string& out) {
  if (!meta.has_local_indexes()) return;
  out += "\"ItemCollectionMetrics\":";
  AppendItemCollectionMetricsObject(meta, item, collection_bytes, out);
  out += ',';
}

Result<std::string> TableNameOf(const boost::json::object& input) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(input, "TableName"));
  Constraints c;
  if (name && name->starts_with("arn:")) {
    c.TableNameOrArn(name, "tableName");
  } else {
    c.Name(name, "tableName", true);
  }
  KUMO_RETURN_IF_ERROR(c.Finish());
  return *name;
}

Status CheckItemRequestConstraints(const boost::json::object& input, bool has_return_values) {
  Constraints c;
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, StringMember(input, "TableName"));
  if (name && name->starts_with("arn:")) {
    c.TableNameOrArn(name, "tableName");
  } else {
    c.Name(name, "tableName", true);
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> capacity, StringMember(input, "ReturnConsumedCapacity"));
  c.Enum(capacity, "returnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"});
  if (has_return_values) {
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> rv, StringMember(input, "ReturnValues"));
    c.Enum(rv, "returnValues", {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"});
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> metrics,
                          StringMember(input, "ReturnItemCollectionMetrics"));
    c.Enum(metrics, "returnItemCollectionMetrics", {"SIZE", "NONE"});
    KUMO_ASSIGN_OR_RETURN(std::optional<std::string> on_failure,
                          StringMember(input, "ReturnValuesOnConditionCheckFailure"));
    c.Enum(on_failure, "returnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> op, StringMember(input, "ConditionalOperator"));
  c.Enum(op, "conditionalOperator", {"AND", "OR"});
  return c.Finish();
}

}  // namespace kumo::tables

#include "tables/legacy.h"

#include <algorithm>
#include <array>
#include <set>

namespace kumo::tables {
namespace {

using Json = boost::json::value;

Error InvalidParam(const std::string& what) {
  return InvalidArgument("One or more parameter values were invalid: " + what);
}

Error Serialization(std::string message) {
  return Error{400, "SerializationException", std::move(message)};
}

Error EnumError(const std::string& value, const std::string& where, std::string_view allowed) {
  return InvalidArgument("1 validation error detected: Value '" + value + "' at '" + where +
                         "' failed to satisfy constraint: Member must satisfy enum value set: [" +
                         std::string(allowed) + "]");
}

std::string LowerFirst(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

// Legacy comparison operators and what they accept.
struct OperatorInfo {
  std::string_view name;
  int min_values;
  int max_values;  // -1: unbounded
  bool any_type;   // else only S, N, B (BEGINS_WITH: S, B)
};

constexpr std::array<OperatorInfo, 13> kOperators = {{
    {"EQ", 1, 1, true},        {"NE", 1, 1, true},          {"LE", 1, 1, false},
    {"LT", 1, 1, false},       {"GE", 1, 1, false},         {"GT", 1, 1, false},
    {"NOT_NULL", 0, 0, true},  {"NULL", 0, 0, true},        {"CONTAINS", 1, 1, false},
    {"NOT_CONTAINS", 1, 1, false}, {"BEGINS_WITH", 1, 1, false}, {"IN", 1, -1, false},
    {"BETWEEN", 2, 2, false},
}};
constexpr std::string_view kOperatorEnum =
    "IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS";

Result<const boost::json::object*> ObjectOf(const Json& v, std::string_view what) {
  if (!v.is_object()) return Serialization("Expected a map for " + std::string(what));
  return &v.get_object();
}

Result<std::vector<AttributeValue>> ValueList(const Json* list) {
  std::vector<AttributeValue> values;
  if (list == nullptr || list->is_null()) return values;
  if (!list->is_array()) return Serialization("Expected list for AttributeValueList");
  for (const Json& element : list->get_array()) {
    KUMO_ASSIGN_OR_RETURN(AttributeValue v, AttributeValueFromJson(element));
    values.push_back(std::move(v));
  }
  return values;
}

// The condition "attribute <op> values" after validating counts and types.
Result<Condition> MakeCondition(const std::string& attribute, std::string_view op,
                                std::vector<AttributeValue> values, const std::string& where) {
  auto info = std::find_if(kOperators.begin(), kOperators.end(),
                           [&](const OperatorInfo& o) { return o.name == op; });
  if (info == kOperators.end()) return EnumError(std::string(op), where, kOperatorEnum);
  int n = static_cast<int>(values.size());
  if (n < info->min_values || (info->max_values >= 0 && n > info->max_values)) {
    return InvalidParam("Invalid number of argument(s) for the " + std::string(op) +
                        " ComparisonOperator");
  }
  for (const AttributeValue& v : values) {
    if (v.type() != values[0].type()) {
      return InvalidParam("AttributeValues inside AttributeValueList must be of same type");
    }
    bool ok = info->any_type || v.is_scalar_key_type();
    if (op == "BEGINS_WITH") ok = v.type() == AttrType::kS || v.type() == AttrType::kB;
    if (!ok) {
      return InvalidParam("ComparisonOperator " + std::string(op) + " is not valid for " +
                          std::string(TypeName(v.type())) + " AttributeValue type");
    }
  }
  if (op == "BETWEEN" && CompareScalars(values[0], values[1]) > 0) {
    return InvalidArgument(
        "The BETWEEN condition was provided a range where the lower bound is greater than the "
        "upper bound");
  }
  Operand path = Operand::OfPath(MakePath({attribute}));
  std::vector<Operand> operands;
  operands.push_back(path);
  for (AttributeValue& v : values) operands.push_back(Operand::OfValue(std::move(v)));
  Condition c;
  if (op == "NULL")
    return FunctionCondition(Function::kAttributeNotExists, "attribute_not_exists", {path});
  if (op == "NOT_NULL")
    return FunctionCondition(Function::kAttributeExists, "attribute_exists", {path});
  if (op == "BEGINS_WITH")
    return FunctionCondition(Function::kBeginsWith, "begins_with", std::move(operands));
  if (op == "CONTAINS")
    return FunctionCondition(Function::kContains, "contains", std::move(operands));
  if (op == "NOT_CONTAINS") {
    // Legacy NOT_CONTAINS is false for a missing attribute.
    return Combine(Condition::Kind::kAnd,
                   FunctionCondition(Function::kAttributeExists, "attribute_exists", {path}),
                   Negate(FunctionCondition(Function::kContains, "contains", std::move(operands))));
  }
  c.operands = std::move(operands);
  if (op == "IN") {
    c.kind = Condition::Kind::kIn;
  } else if (op == "BETWEEN") {
    c.kind = Condition::Kind::kBetween;
  } else {
    static constexpr std::pair<std::string_view, Comparator> kComparators[] = {
        {"EQ", Comparator::kEq}, {"NE", Comparator::kNe}, {"LT", Comparator::kLt},
        {"LE", Comparator::kLe}, {"GT", Comparator::kGt}, {"GE", Comparator::kGe}};
    c.kind = Condition::Kind::kCompare;
    for (const auto& [name, comparator] : kComparators) {
      if (name == op) c.comparator = comparator;
    }
  }
  return c;
}

Result<bool> UseOr(const Json* conditional_operator) {
  if (conditional_operator == nullptr || conditional_operator->is_null()) return false;
  if (conditional_operator->is_string()) {
    if (conditional_operator->get_string() == "OR") return true;
    if (conditional_operator->get_string() == "AND") return false;
    return EnumError(std::string(conditional_operator->get_string()), "conditionalOperator", "AND, OR");
  }
  return Serialization("Expected a string for ConditionalOperator");
}

Result<Condition> Join(std::vector<Condition> conditions, const Json* conditional_operator) {
  KUMO_ASSIGN_OR_RETURN(bool use_or, UseOr(conditional_operator));
  if (conditions.empty()) {
    // An empty map checks nothing: a condition that always holds (two
    // different literals are unequal).
    Condition always;
    always.kind = Condition::Kind::kCompare;
    always.comparator = Comparator::kNe;
    always.operands = {Operand::OfValue(AttributeValue::Null()), Operand::OfValue(AttributeValue::Bool(true))};
    return always;
  }
  Condition out = std::move(conditions[0]);
  for (size_t i = 1; i < conditions.size(); ++i) {
    out = Combine(use_or ? Condition::Kind::kOr : Condition::Kind::kAnd, std::move(out),
                  std::move(conditions[i]));
  }
  return out;
}

Result<Condition> ExpectedCondition(const std::string& attribute, const boost::json::object& spec) {
  const Json* value = spec.if_contains("Value");
  const Json* exists = spec.if_contains("Exists");
  const Json* op = spec.if_contains("ComparisonOperator");
  const Json* list = spec.if_contains("AttributeValueList");
  auto present = [](const Json* v) { return v != nullptr && !v->is_null(); };
  std::string for_attribute = " for Attribute: " + attribute;
  if (present(value) && present(list)) {
    return InvalidParam("Value and AttributeValueList cannot be used together" + for_attribute);
  }
  if (present(op)) {
    if (!op->is_string()) return Serialization("Expected a string for ComparisonOperator");
    std::string op_name(op->get_string());
    if (present(exists)) {
      return InvalidParam("Exists and ComparisonOperator cannot be used together" + for_attribute);
    }
    if (op_name != "NULL" && op_name != "NOT_NULL" && !present(value) && !present(list)) {
      return InvalidParam("Value or AttributeValueList must be used with ComparisonOperator: " +
                          op_name + for_attribute);
    }
    std::vector<AttributeValue> values;
    if (present(value)) {
      KUMO_ASSIGN_OR_RETURN(AttributeValue v, AttributeValueFromJson(*value));
      values.push_back(std::move(v));
    } else {
      KUMO_ASSIGN_OR_RETURN(values, ValueList(list));
    }
    return MakeCondition(attribute, op_name, std::move(values),
                         "expected." + attribute + ".member.comparisonOperator");
  }
  if (present(list)) {
    return InvalidParam("AttributeValueList can only be used with a ComparisonOperator" + for_attribute);
  }
  if (present(exists) && !exists->is_bool()) return Serialization("Expected a boolean for Exists");
  bool must_exist = !present(exists) || exists->get_bool();
  if (must_exist && !present(value)) {
    return InvalidParam("Value must be provided when Exists is " +
                        std::string(present(exists) ? "true" : "null") + for_attribute);
  }
  if (!must_exist && present(value)) {
    return InvalidParam("Value cannot be used when Exists is false" + for_attribute);
  }
  if (!must_exist) return MakeCondition(attribute, "NULL", {}, "expected");
  KUMO_ASSIGN_OR_RETURN(AttributeValue v, AttributeValueFromJson(*value));
  std::vector<AttributeValue> values;
  values.push_back(std::move(v));
  return MakeCondition(attribute, "EQ", std::move(values), "expected");
}

}  // namespace

Result<Condition> ConditionFromExpected(const Json& expected, const Json* conditional_operator) {
  KUMO_ASSIGN_OR_RETURN(const boost::json::object* map, ObjectOf(expected, "Expected"));
  std::vector<Condition> conditions;
  for (const auto& member : *map) {
    KUMO_ASSIGN_OR_RETURN(const boost::json::object* spec, ObjectOf(member.value(), "Expected"));
    KUMO_ASSIGN_OR_RETURN(Condition c, ExpectedCondition(std::string(member.key()), *spec));
    conditions.push_back(std::move(c));
  }
  return Join(std::move(conditions), conditional_operator);
}

Result<Condition> ConditionFromFilter(const Json& filter, const Json* conditional_operator,
                                      std::string_view parameter) {
  KUMO_ASSIGN_OR_RETURN(const boost::json::object* map, ObjectOf(filter, parameter));
  std::vector<Condition> conditions;
  for (const auto& member : *map) {
    std::string attribute(member.key());
    KUMO_ASSIGN_OR_RETURN(const boost::json::object* spec, ObjectOf(member.value(), parameter));
    const Json* op = spec->if_contains("ComparisonOperator");
    std::string where = LowerFirst(parameter) + "." + attribute + ".member.comparisonOperator";
    if (op == nullptr || op->is_null()) {
      return InvalidArgument("1 validation error detected: Value null at '" + where +
                             "' failed to satisfy constraint: Member must not be null");
    }
    if (!op->is_string()) return Serialization("Expected a string for ComparisonOperator");
    KUMO_ASSIGN_OR_RETURN(std::vector<AttributeValue> values,
                          ValueList(spec->if_contains("AttributeValueList")));
    KUMO_ASSIGN_OR_RETURN(Condition c,
                          MakeCondition(attribute, op->get_string(), std::move(values), where));
    conditions.push_back(std::move(c));
  }
  return Join(std::move(conditions), conditional_operator);
}

Result<std::vector<Path>> PathsFromAttributesToGet(const Json& attributes) {
  if (!attributes.is_array()) return Serialization("Expected list for AttributesToGet");
  std::vector<Path> paths;
  std::set<std::string, std::less<>> seen;
  for (const Json& name : attributes.get_array()) {
    if (!name.is_string()) return Serialization("Expected a string in AttributesToGet");
    if (!seen.insert(std::string(name.get_string())).second) {
      return InvalidParam("Duplicate value in attribute name: " + std::string(name.get_string()));
    }
    paths.push_back(MakePath({name.get_string()}));
  }
  if (paths.empty()) {
    return InvalidArgument(
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1");
  }
  return paths;
}

Result<UpdateExpression> UpdateFromAttributeUpdates(const Json& updates) {
  KUMO_ASSIGN_OR_RETURN(const boost::json::object* map, ObjectOf(updates, "AttributeUpdates"));
  UpdateExpression out;
  for (const auto& member : *map) {
    std::string attribute(member.key());
    KUMO_ASSIGN_OR_RETURN(const boost::json::object* spec, ObjectOf(member.value(), "AttributeUpdates"));
    const Json* action_json = spec->if_contains("Action");
    std::string action = "PUT";
    if (action_json != nullptr && !action_json->is_null()) {
      if (!action_json->is_string()) return Serialization("Expected a string for Action");
      action = std::string(action_json->get_string());
    }
    if (action != "PUT" && action != "ADD" && action != "DELETE") {
      return EnumError(action, "attributeUpdates." + attribute + ".member.action", "ADD, PUT, DELETE");
    }
    const Json* value_json = spec->if_contains("Value");
    UpdateAction update;
    update.path = MakePath({attribute});
    if (value_json == nullptr || value_json->is_null()) {
      if (action != "DELETE") {
        return InvalidParam("Only DELETE action is allowed when no attribute value is specified");
      }
      update.kind = UpdateAction::Kind::kRemove;
      out.actions.push_back(std::move(update));
      continue;
    }
    KUMO_ASSIGN_OR_RETURN(AttributeValue value, AttributeValueFromJson(*value_json));
    AttrType t = value.type();
    if (action == "ADD" && !(value.is_set() || t == AttrType::kN || t == AttrType::kL)) {
      return InvalidParam("ADD action is not supported for the type " + std::string(TypeName(t)));
    }
    if (action == "DELETE" && !value.is_set()) {
      return InvalidParam("DELETE action with value is not supported for the type " +
                          std::string(TypeName(t)));
    }
    update.kind = action == "PUT"   ? UpdateAction::Kind::kSet
                  : action == "ADD" ? UpdateAction::Kind::kAdd
                                    : UpdateAction::Kind::kDelete;
    update.legacy_add = action == "ADD";
    update.value = Operand::OfValue(std::move(value));
    out.actions.push_back(std::move(update));
  }
  return out;
}

}  // namespace kumo::tables

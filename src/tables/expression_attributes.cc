#include "tables/expression_attributes.h"

namespace kumo::tables {
namespace {

// "#name" / ":value": the sigil, then one or more letters, digits or '_'.
Status CheckPlaceholder(std::string_view key, char sigil, std::string_view parameter) {
  bool ok = key.size() >= 2 && key[0] == sigil;
  for (char c : key.substr(ok ? 1 : key.size())) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (ok) return Status::Ok();
  return InvalidArgument(std::string(parameter) + " contains invalid key: Syntax error; key: \"" +
                         std::string(key) + "\"");
}

// The member `name` as an object, or nullptr when absent or null.
Result<const boost::json::object*> OptionalObject(const boost::json::object& request,
                                                  std::string_view name) {
  auto it = request.find(name);
  if (it == request.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_object()) {
    return Error{400, "SerializationException",
                 "Unexpected value type for " + std::string(name) + ": expected a map"};
  }
  return &it->value().get_object();
}

template <typename Map>
std::string UnusedKeys(const Map& map) {
  std::string keys;
  for (const auto& [key, entry] : map) {
    if (entry.used) continue;
    if (!keys.empty()) keys += ", ";
    keys += key;
  }
  return keys;
}

}  // namespace

Result<ExpressionAttributes> ExpressionAttributes::FromRequest(const boost::json::object& request) {
  ExpressionAttributes out;
  KUMO_ASSIGN_OR_RETURN(const boost::json::object* names,
                        OptionalObject(request, "ExpressionAttributeNames"));
  if (names != nullptr) {
    if (names->empty()) return InvalidArgument("ExpressionAttributeNames must not be empty");
    for (const auto& member : *names) {
      KUMO_RETURN_IF_ERROR(CheckPlaceholder(member.key(), '#', "ExpressionAttributeNames"));
      if (!member.value().is_string()) {
        return Error{400, "SerializationException",
                     "Unexpected value type in ExpressionAttributeNames: expected a string"};
      }
      out.AddName(std::string(member.key()), std::string(member.value().get_string()));
    }
  }
  KUMO_ASSIGN_OR_RETURN(const boost::json::object* values,
                        OptionalObject(request, "ExpressionAttributeValues"));
  if (values != nullptr) {
    if (values->empty()) return InvalidArgument("ExpressionAttributeValues must not be empty");
    for (const auto& member : *values) {
      KUMO_RETURN_IF_ERROR(CheckPlaceholder(member.key(), ':', "ExpressionAttributeValues"));
      Result<AttributeValue> value = AttributeValueFromJson(member.value());
      if (!value.ok()) {
        if (value.error().code != "ValidationException") return value.error();
        return InvalidArgument("ExpressionAttributeValues contains invalid value: " +
                               value.error().message + " for key " + std::string(member.key()));
      }
      out.AddValue(std::string(member.key()), std::move(value).value());
    }
  }
  return out;
}

void ExpressionAttributes::AddName(std::string placeholder, std::string name) {
  names_[std::move(placeholder)] = {std::move(name), false};
}

void ExpressionAttributes::AddValue(std::string placeholder, AttributeValue value) {
  values_[std::move(placeholder)] = {std::move(value), false};
}

const std::string* ExpressionAttributes::UseName(std::string_view placeholder) {
  auto it = names_.find(placeholder);
  if (it == names_.end()) return nullptr;
  it->second.used = true;
  return &it->second.value;
}

const AttributeValue* ExpressionAttributes::UseValue(std::string_view placeholder) {
  auto it = values_.find(placeholder);
  if (it == values_.end()) return nullptr;
  it->second.used = true;
  return &it->second.value;
}

Status ExpressionAttributes::CheckAllUsed() const {
  std::string unused = UnusedKeys(names_);
  if (!unused.empty()) {
    return InvalidArgument("Value provided in ExpressionAttributeNames unused in expressions: keys: {" +
                           unused + "}");
  }
  unused = UnusedKeys(values_);
  if (!unused.empty()) {
    return InvalidArgument(
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {" + unused + "}");
  }
  return Status::Ok();
}

}  // namespace kumo::tables

#include "tables/request.h"

#include <fmt/format.h>

#include "common/json.h"

namespace kumo::tables {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

Error ValidationError(std::string message) {
  return Error{400, "ValidationException", std::move(message)};
}

Error SerializationError(std::string message) {
  return Error{400, "SerializationException", std::move(message)};
}

Error TableNotFound() {
  return Error{400, "ResourceNotFoundException", "Requested resource not found"};
}

Error NamedTableNotFound(std::string_view name) {
  return Error{400, "ResourceNotFoundException",
               fmt::format("Requested resource not found: Table: {} not found", name)};
}

const boost::json::value* Member(const boost::json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

Result<std::optional<std::string>> StringMember(const boost::json::object& obj,
                                                std::string_view key) {
  return GetString(obj, key);
}

Result<std::optional<int64_t>> IntMember(const boost::json::object& obj, std::string_view key) {
  return GetInt(obj, key);
}

Result<std::optional<bool>> BoolMember(const boost::json::object& obj, std::string_view key) {
  return GetBool(obj, key);
}

Result<const boost::json::object*> ObjectMember(const boost::json::object& obj,
                                                std::string_view key) {
  const boost::json::value* v = Member(obj, key);
  if (v == nullptr) return static_cast<const boost::json::object*>(nullptr);
  if (v->is_array()) return SerializationError("Start of list found where not expected");
  if (!v->is_object()) return SerializationError("Expected map or null");
  return &v->as_object();
}

Result<const boost::json::array*> ArrayMember(const boost::json::object& obj,
                                              std::string_view key) {
  const boost::json::value* v = Member(obj, key);
  if (v == nullptr) return static_cast<const boost::json::array*>(nullptr);
  if (v->is_object()) return SerializationError("Start of structure or map found where not expected.");
  if (!v->is_array()) return SerializationError("Expected list or null");
  return &v->as_array();
}

Result<std::optional<Item>> ItemMember(const boost::json::object& obj, std::string_view key) {
  const boost::json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<Item>();
  KUMO_ASSIGN_OR_RETURN(Item item, ItemFromJson(*v));
  return std::optional<Item>(std::move(item));
}

Result<Item> RequiredItemMember(const boost::json::object& obj, std::string_view key,
                                std::string_view member) {
  KUMO_ASSIGN_OR_RETURN(std::optional<Item> item, ItemMember(obj, key));
  if (!item) return MissingMember(member);
  return std::move(*item);
}

Error MissingMember(std::string_view member) {
  Constraints c;
  c.Required(false, member);
  return c.Finish().error();
}

void Constraints::Fail(std::optional<std::string_view> value, std::string_view member,
                       std::string_view constraint) {
  std::string shown = value ? fmt::format("'{}'", *value) : std::string("null");
  errors_.push_back(fmt::format("Value {} at '{}' failed to satisfy constraint: {}", shown, member,
                                constraint));
}

void Constraints::Name(const std::optional<std::string>& name, std::string_view member,
                       bool required) {
  if (!name) {
    if (required) Fail(std::nullopt, member, "Member must not be null");
    return;
  }
  bool pattern_ok = !name->empty();
  for (char c : *name) pattern_ok = pattern_ok && IsNameChar(c);
  if (!pattern_ok) Fail(*name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  if (name->size() < 3) Fail(*name, member, "Member must have length greater than or equal to 3");
  if (name->size() > 255) Fail(*name, member, "Member must have length less than or equal to 255");
}

void Constraints::TableNameOrArn(const std::optional<std::string>& name, std::string_view member) {
  if (!name) return Fail(std::nullopt, member, "Member must not be null");
  if (name->empty()) Fail(*name, member, "Member must have length greater than or equal to 1");
  if (name->size() > 1024) Fail(*name, member, "Member must have length less than or equal to 1024");
}

void Constraints::Enum(const std::optional<std::string>& value, std::string_view member,
                       std::initializer_list<std::string_view> allowed) {
  if (!value) return;
  for (std::string_view a : allowed) {
    if (*value == a) return;
  }
  std::string set;
  for (std::string_view a : allowed) {
    if (!set.empty()) set += ", ";
    set += a;
  }
  Fail(*value, member, "Member must satisfy enum value set: [" + set + "]");
}

void Constraints::Min(const std::optional<int64_t>& value, std::string_view member, int64_t min) {
  if (value && *value < min) {
    Fail(std::to_string(*value), member,
         fmt::format("Member must have value greater than or equal to {}", min));
  }
}

void Constraints::Max(const std::optional<int64_t>& value, std::string_view member, int64_t max) {
  if (value && *value > max) {
    Fail(std::to_string(*value), member,
         fmt::format("Member must have value less than or equal to {}", max));
  }
}

void Constraints::Required(bool present, std::string_view member) {
  if (!present) Fail(std::nullopt, member, "Member must not be null");
}

Status Constraints::Finish() const {
  if (errors_.empty()) return Status::Ok();
  std::string message = fmt::format("{} validation error{} detected: ", errors_.size(),
                                    errors_.size() > 1 ? "s" : "");
  for (size_t i = 0; i < errors_.size(); ++i) {
    if (i > 0) message += "; ";
    message += errors_[i];
  }
  return ValidationError(std::move(message));
}

}  // namespace kumo::tables

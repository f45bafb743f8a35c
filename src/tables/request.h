// Reading DynamoDB request members: typed getters that reject JSON of the
// wrong shape (SerializationException), and Constraints, which collects the
// model-level checks (lengths, patterns, ranges, enums) into AWS's one
// message: "2 validation errors detected: Value 'x' at 'tableName' failed to
// satisfy constraint: Member must ...; Value ...".
//
// Thread-safety: plain values, one per request.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tables/attribute_value.h"

namespace kumo::tables {

Error ValidationError(std::string message);  // 400 ValidationException
Error SerializationError(std::string message);  // 400 SerializationException
// 400 ResourceNotFoundException "Requested resource not found".
Error TableNotFound();
// 400 ResourceNotFoundException "Requested resource not found: Table: X not found".
Error NamedTableNotFound(std::string_view name);

// The member `key` of `obj`, or nullptr when absent or JSON null.
const boost::json::value* Member(const boost::json::object& obj, std::string_view key);

// Typed reads of optional members. Wrong JSON types are SerializationException.
Result<std::optional<std::string>> StringMember(const boost::json::object& obj,
                                                std::string_view key);
Result<std::optional<int64_t>> IntMember(const boost::json::object& obj, std::string_view key);
Result<std::optional<bool>> BoolMember(const boost::json::object& obj, std::string_view key);
// nullptr when absent; an error when present but not an object / array.
Result<const boost::json::object*> ObjectMember(const boost::json::object& obj,
                                                std::string_view key);
Result<const boost::json::array*> ArrayMember(const boost::json::object& obj,
                                              std::string_view key);
// An optional map of attribute name -> AttributeValue (Item, Key, ExclusiveStartKey).
Result<std::optional<Item>> ItemMember(const boost::json::object& obj, std::string_view key);

// A required map of attribute values: absent is "1 validation error
// detected: Value null at '<member>' failed to satisfy constraint: Member
// must not be null".
Result<Item> RequiredItemMember(const boost::json::object& obj, std::string_view key,
                                std::string_view member);
// That same error for any required member.
Error MissingMember(std::string_view member);

class Constraints {
 public:
  // Records "Value <value> at '<member>' failed to satisfy constraint:
  // <constraint>". `value` is rendered 'text', or null when nullopt.
  void Fail(std::optional<std::string_view> value, std::string_view member,
            std::string_view constraint);

  // A table or index name: required (when `required`), 3..255 characters of
  // [a-zA-Z0-9_.-]. `member` is the lower-camel path ("tableName").
  void Name(const std::optional<std::string>& name, std::string_view member, bool required);
  // A table name or ARN (the 2019+ operations accept ARNs): 1..1024 characters.
  void TableNameOrArn(const std::optional<std::string>& name, std::string_view member);
  void Enum(const std::optional<std::string>& value, std::string_view member,
            std::initializer_list<std::string_view> allowed);
  void Min(const std::optional<int64_t>& value, std::string_view member, int64_t min);
  void Max(const std::optional<int64_t>& value, std::string_view member, int64_t max);
  void Required(bool present, std::string_view member);

  bool ok() const { return errors_.empty(); }
  // OK, or the ValidationException listing every recorded failure.
  Status Finish() const;

 private:
  std::vector<std::string> errors_;
};

}  // namespace kumo::tables

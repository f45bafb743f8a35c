// AttributeValue: one DynamoDB value (S, N, B, BOOL, NULL, M, L, SS, NS, BS)
// as a tree, and Item, the map from attribute name to value.
//
// Invariants (established by every constructor):
//   - sets are sorted (strings and binaries by unsigned bytes, numbers by
//     value) and hold no duplicates, so == on sets is set equality;
//   - numbers are normalised (see number.h).
// Emptiness of sets is *not* an invariant: DynamoDB rejects empty sets in
// requests (the JSON parser below does), but DELETE can empty a set on the
// way to removing the attribute.
//
// JSON: AttributeValueFromJson/ItemFromJson read DynamoDB's wire JSON with
// AWS's validation messages (ValidationException, or SerializationException
// for JSON of the wrong shape). ToJson and AppendJsonText write it back.
//
// Thread-safety: plain values.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "tables/number.h"

namespace kumo::tables {

enum class AttrType : uint8_t { kS, kN, kB, kBool, kNull, kM, kL, kSS, kNS, kBS };

// "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
std::string_view TypeName(AttrType type);
// "STRING", "NUMBER", "BINARY", "BOOLEAN", "NULL", "MAP", "LIST", "STRING_SET", ...
std::string_view LongTypeName(AttrType type);
// The inverse of TypeName; nullopt for anything else (case-sensitive).
std::optional<AttrType> TypeFromName(std::string_view name);

class AttributeValue {
 public:
  using List = std::vector<AttributeValue>;
  using Map = std::map<std::string, AttributeValue, std::less<>>;

  AttributeValue() = default;  // NULL
  static AttributeValue S(std::string value);
  static AttributeValue N(Number value);
  static AttributeValue B(std::string bytes);
  static AttributeValue Bool(bool value);
  static AttributeValue Null() { return AttributeValue(); }
  static AttributeValue L(List values);
  static AttributeValue M(Map values);
  // Sets: the elements are sorted and deduplicated here.
  static AttributeValue SS(std::vector<std::string> values);
  static AttributeValue BS(std::vector<std::string> values);
  static AttributeValue NS(std::vector<Number> values);

  AttrType type() const { return type_; }
  bool is_set() const {
    return type_ == AttrType::kSS || type_ == AttrType::kNS || type_ == AttrType::kBS;
  }
  bool is_scalar_key_type() const {
    return type_ == AttrType::kS || type_ == AttrType::kN || type_ == AttrType::kB;
  }

  // Accessors; each has the precondition that type() matches.
  const std::string& str() const { return std::get<std::string>(data_); }  // S, or B's bytes
  const Number& num() const { return std::get<Number>(data_); }
  bool boolean() const { return std::get<bool>(data_); }
  const List& list() const { return std::get<List>(data_); }
  List& list() { return std::get<List>(data_); }
  const Map& map() const { return std::get<Map>(data_); }
  Map& map() { return std::get<Map>(data_); }
  const std::vector<std::string>& strings() const {  // SS or BS
    return std::get<std::vector<std::string>>(data_);
  }
  const std::vector<Number>& numbers() const { return std::get<std::vector<Number>>(data_); }
  // Number of elements of a set (precondition: is_set()).
  size_t set_size() const;

  // DynamoDB equality: same type and equal value; sets compare as sets,
  // numbers by value, lists element-wise, maps by key and value.
  friend bool operator==(const AttributeValue& a, const AttributeValue& b);

 private:
  template <typename T>
  static AttributeValue Make(AttrType type, T data) {
    AttributeValue v;
    v.type_ = type;
    v.data_ = std::move(data);
    return v;
  }

  AttrType type_ = AttrType::kNull;
  std::variant<std::monostate, bool, std::string, Number, List, Map, std::vector<std::string>,
               std::vector<Number>>
      data_;
};

using Item = AttributeValue::Map;

// Orders two values of the same scalar type (S, N or B): strings and
// binaries by unsigned bytes, numbers by value. Returns <0, 0 or >0.
// Precondition: a.type() == b.type() and both are S, N or B.
int CompareScalars(const AttributeValue& a, const AttributeValue& b);

// Set algebra for ADD and DELETE. Precondition: a and b are sets of the same type.
AttributeValue SetUnion(const AttributeValue& a, const AttributeValue& b);
AttributeValue SetDifference(const AttributeValue& a, const AttributeValue& b);
// True if `element` (S, N or B) is in `set` of the matching set type.
bool SetContains(const AttributeValue& set, const AttributeValue& element);

// ---- JSON ----------------------------------------------------------------

// Parses {"S": "..."} and friends. Nested values are validated too.
Result<AttributeValue> AttributeValueFromJson(const boost::json::value& json);
// Parses a JSON object of attribute name -> AttributeValue.
Result<Item> ItemFromJson(const boost::json::value& json);

boost::json::value ToJson(const AttributeValue& value);
boost::json::object ItemToJson(const Item& item);
// Appends the DynamoDB JSON text of `value` / `item` to `out` (fast path:
// no intermediate boost::json tree).
void AppendJsonText(const AttributeValue& value, std::string& out);
void AppendItemJsonText(const Item& item, std::string& out);
// Appends `text` as a quoted, escaped JSON string.
void AppendQuotedJson(std::string_view text, std::string& out);

// ---- Size ----------------------------------------------------------------

// The size DynamoDB charges for a value / an item (names in UTF-8 bytes plus
// values: strings and binaries by length, numbers ~1 byte per two digits
// plus one, BOOL and NULL 1, lists and maps 3 plus 1 per element).
size_t AttributeValueSize(const AttributeValue& value);
size_t ItemSize(const Item& item);
inline constexpr size_t kMaxItemSize = 400 * 1024;
// Fails above kMaxItemSize with AWS's message for a put ("Item size has
// exceeded the maximum allowed size") or an update ("Item size to update
// has exceeded the maximum allowed size").
Status CheckItemSize(const Item& item, bool is_update = false);

// The nesting limit for M and L values.
inline constexpr int kMaxNestingDepth = 32;

}  // namespace kumo::tables

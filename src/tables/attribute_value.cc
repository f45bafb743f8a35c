#include "tables/attribute_value.h"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>
#include <iterator>

#include "common/encoding.h"
#include "common/json_text.h"

namespace kumo::tables {
namespace {

constexpr std::string_view kShortNames[] = {"S", "N", "B",  "BOOL", "NULL",
                                            "M", "L", "SS", "NS",   "BS"};
constexpr std::string_view kLongNames[] = {"STRING",     "NUMBER",    "BINARY", "BOOLEAN",
                                           "NULL",       "MAP",       "LIST",   "STRING_SET",
                                           "NUMBER_SET", "BINARY_SET"};

Error SerializationError(std::string message) {
  return Error{400, "SerializationException", std::move(message)};
}

// AWS's JSON deserializer names the token it could not convert.
Error WrongJsonType(const boost::json::value& v, std::string_view want) {
  if (v.is_object())
    return SerializationError("Start of structure or map found where not expected.");
  if (v.is_array()) return SerializationError("Start of list found where not expected");
  std::string_view token = "VALUE_NULL";
  if (v.is_string()) token = "STRING_VALUE";
  if (v.is_number()) token = "NUMBER_VALUE";
  if (v.is_bool()) token = v.get_bool() ? "VALUE_TRUE" : "VALUE_FALSE";
  return SerializationError(std::string(token) + " cannot be converted to " + std::string(want));
}

Result<std::string> StringFromJson(const boost::json::value& v) {
  if (!v.is_string()) return WrongJsonType(v, "String");
  return std::string(v.get_string());
}

Result<std::string> BinaryFromJson(const boost::json::value& v) {
  if (!v.is_string()) return WrongJsonType(v, "Blob");
  std::string_view text = v.get_string();
  std::optional<std::string> bytes = Base64Decode(text);
  if (!bytes) {
    std::string why = text.size() % 4 != 0
                          ? "Base64 encoded length is expected a multiple of 4 bytes but found: " +
                                std::to_string(text.size())
                          : "Invalid Base64 character";
    return SerializationError("'" + std::string(text) + "' can not be converted to a Blob: " + why);
  }
  return std::move(*bytes);
}

Result<Number> NumberFromJson(const boost::json::value& v) {
  if (!v.is_string()) return WrongJsonType(v, "String");
  return Number::Parse(v.get_string());
}

std::string JoinRaw(const boost::json::array& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    if (values[i].is_string()) out += values[i].get_string();
  }
  return out + "]";
}

Error InvalidParam(std::string_view what) {
  return InvalidArgument("One or more parameter values were invalid: " + std::string(what));
}

template <typename T>
bool HasAdjacentDuplicate(const std::vector<T>& sorted) {
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

Result<AttributeValue> StringSetFromJson(const boost::json::value& v, AttrType type) {
  if (!v.is_array()) return WrongJsonType(v, "List");
  const boost::json::array& array = v.get_array();
  bool binary = type == AttrType::kBS;
  if (array.empty()) {
    return InvalidParam(binary ? "Binary sets should not be empty"
                               : "An string set  may not be empty");
  }
  std::vector<std::string> elements;
  elements.reserve(array.size());
  for (const auto& element : array) {
    KUMO_ASSIGN_OR_RETURN(std::string s,
                          binary ? BinaryFromJson(element) : StringFromJson(element));
    if (s.empty()) {
      return InvalidParam(binary ? "Binary sets may not contain null or empty values"
                                 : "An string set may not have a empty string as a member");
    }
    elements.push_back(std::move(s));
  }
  std::sort(elements.begin(), elements.end());
  if (HasAdjacentDuplicate(elements)) {
    return InvalidParam("Input collection " + JoinRaw(array) +
                        (binary ? "of type BS contains duplicates." : " contains duplicates."));
  }
  return binary ? AttributeValue::BS(std::move(elements)) : AttributeValue::SS(std::move(elements));
}

Result<AttributeValue> NumberSetFromJson(const boost::json::value& v) {
  if (!v.is_array()) return WrongJsonType(v, "List");
  const boost::json::array& array = v.get_array();
  if (array.empty()) return InvalidParam("An number set  may not be empty");
  std::vector<Number> elements;
  elements.reserve(array.size());
  for (const auto& element : array) {
    KUMO_ASSIGN_OR_RETURN(Number n, NumberFromJson(element));
    elements.push_back(n);
  }
  std::sort(elements.begin(), elements.end());
  if (HasAdjacentDuplicate(elements))
    return InvalidArgument("Input collection contains duplicates");
  return AttributeValue::NS(std::move(elements));
}

Result<AttributeValue> ParseValue(const boost::json::value& json, int depth);

Result<AttributeValue::Map> ParseMap(const boost::json::value& json, int depth) {
  if (!json.is_object()) return WrongJsonType(json, "Map");
  AttributeValue::Map out;
  for (const auto& member : json.get_object()) {
    KUMO_ASSIGN_OR_RETURN(AttributeValue value, ParseValue(member.value(), depth));
    out.emplace(std::string(member.key()), std::move(value));
  }
  return out;
}

Result<AttributeValue> ParseTyped(AttrType type, const boost::json::value& v, int depth) {
  switch (type) {
    case AttrType::kS: {
      KUMO_ASSIGN_OR_RETURN(std::string s, StringFromJson(v));
      return AttributeValue::S(std::move(s));
    }
    case AttrType::kN: {
      KUMO_ASSIGN_OR_RETURN(Number n, NumberFromJson(v));
      return AttributeValue::N(n);
    }
    case AttrType::kB: {
      KUMO_ASSIGN_OR_RETURN(std::string b, BinaryFromJson(v));
      return AttributeValue::B(std::move(b));
    }
    case AttrType::kBool:
      if (!v.is_bool()) return WrongJsonType(v, "Boolean");
      return AttributeValue::Bool(v.get_bool());
    case AttrType::kNull:
      if (!v.is_bool()) return WrongJsonType(v, "Boolean");
      if (!v.get_bool())
        return InvalidParam("Null attribute value types must have the value of true");
      return AttributeValue::Null();
    case AttrType::kM: {
      if (depth >= kMaxNestingDepth) {
        return InvalidArgument("Nesting Levels have exceeded supported limits");
      }
      KUMO_ASSIGN_OR_RETURN(AttributeValue::Map m, ParseMap(v, depth + 1));
      return AttributeValue::M(std::move(m));
    }
    case AttrType::kL: {
      if (depth >= kMaxNestingDepth) {
        return InvalidArgument("Nesting Levels have exceeded supported limits");
      }
      if (!v.is_array()) return WrongJsonType(v, "List");
      AttributeValue::List list;
      list.reserve(v.get_array().size());
      for (const auto& element : v.get_array()) {
        KUMO_ASSIGN_OR_RETURN(AttributeValue value, ParseValue(element, depth + 1));
        list.push_back(std::move(value));
      }
      return AttributeValue::L(std::move(list));
    }
    case AttrType::kSS:
    case AttrType::kBS:
      return StringSetFromJson(v, type);
    case AttrType::kNS:
      return NumberSetFromJson(v);
  }
  return Internal("unknown attribute type");
}

Result<AttributeValue> ParseValue(const boost::json::value& json, int depth) {
  constexpr std::string_view kEmpty =
      "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
  if (json.is_null()) return InvalidArgument(std::string(kEmpty));
  if (!json.is_object()) return WrongJsonType(json, "AttributeValue");
  // Members the model does not know, and null members, are ignored, as
  // AWS's deserializer does.
  std::optional<AttributeValue> parsed;
  int present = 0;
  for (const auto& member : json.get_object()) {
    std::optional<AttrType> type = TypeFromName(member.key());
    if (!type || member.value().is_null()) continue;
    ++present;
    KUMO_ASSIGN_OR_RETURN(AttributeValue value, ParseTyped(*type, member.value(), depth));
    if (!parsed) parsed = std::move(value);
  }
  if (present == 0) return InvalidArgument(std::string(kEmpty));
  if (present > 1) {
    return InvalidArgument(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
        "supported datatypes");
  }
  return std::move(*parsed);
}

size_t NumberSize(const Number& n) {
  if (n.is_zero()) return 1;
  int digits = n.digit_count();
  int exponent = n.scientific_exponent();
  // Base-100 digits aligned on the decimal point, plus an exponent byte,
  // plus a terminator byte for negative numbers.
  size_t size = 1 + static_cast<size_t>((digits + 1) / 2);
  if (digits % 2 == 0 && exponent % 2 == 0) ++size;
  if (n.is_negative()) ++size;
  return size;
}

}  // namespace

std::string_view TypeName(AttrType type) { return kShortNames[static_cast<int>(type)]; }
std::string_view LongTypeName(AttrType type) { return kLongNames[static_cast<int>(type)]; }

std::optional<AttrType> TypeFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kShortNames); ++i) {
    if (kShortNames[i] == name) return static_cast<AttrType>(i);
  }
  return std::nullopt;
}

AttributeValue AttributeValue::S(std::string value) { return Make(AttrType::kS, std::move(value)); }
AttributeValue AttributeValue::N(Number value) { return Make(AttrType::kN, value); }
AttributeValue AttributeValue::B(std::string bytes) { return Make(AttrType::kB, std::move(bytes)); }
AttributeValue AttributeValue::Bool(bool value) { return Make(AttrType::kBool, value); }
AttributeValue AttributeValue::L(List values) { return Make(AttrType::kL, std::move(values)); }
AttributeValue AttributeValue::M(Map values) { return Make(AttrType::kM, std::move(values)); }

AttributeValue AttributeValue::SS(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return Make(AttrType::kSS, std::move(values));
}

AttributeValue AttributeValue::BS(std::vector<std::string> values) {
  AttributeValue v = SS(std::move(values));
  v.type_ = AttrType::kBS;
  return v;
}

AttributeValue AttributeValue::NS(std::vector<Number> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return Make(AttrType::kNS, std::move(values));
}

size_t AttributeValue::set_size() const {
  return type_ == AttrType::kNS ? numbers().size() : strings().size();
}

bool operator==(const AttributeValue& a, const AttributeValue& b) {
  return a.type_ == b.type_ && a.data_ == b.data_;
}

int CompareScalars(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttrType::kN) return a.num().Compare(b.num());
  return a.str().compare(b.str());  // char_traits<char> compares as unsigned char
}

AttributeValue SetUnion(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttrType::kNS) {
    std::vector<Number> out;
    std::set_union(a.numbers().begin(), a.numbers().end(), b.numbers().begin(), b.numbers().end(),
                   std::back_inserter(out));
    return AttributeValue::NS(std::move(out));
  }
  std::vector<std::string> out;
  std::set_union(a.strings().begin(), a.strings().end(), b.strings().begin(), b.strings().end(),
                 std::back_inserter(out));
  return a.type() == AttrType::kSS ? AttributeValue::SS(std::move(out))
                                   : AttributeValue::BS(std::move(out));
}

AttributeValue SetDifference(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == AttrType::kNS) {
    std::vector<Number> out;
    std::set_difference(a.numbers().begin(), a.numbers().end(), b.numbers().begin(),
                        b.numbers().end(), std::back_inserter(out));
    return AttributeValue::NS(std::move(out));
  }
  std::vector<std::string> out;
  std::set_difference(a.strings().begin(), a.strings().end(), b.strings().begin(),
                      b.strings().end(), std::back_inserter(out));
  return a.type() == AttrType::kSS ? AttributeValue::SS(std::move(out))
                                   : AttributeValue::BS(std::move(out));
}

bool SetContains(const AttributeValue& set, const AttributeValue& element) {
  switch (set.type()) {
    case AttrType::kSS:
    case AttrType::kBS:
      if (element.type() != (set.type() == AttrType::kSS ? AttrType::kS : AttrType::kB))
        return false;
      return std::binary_search(set.strings().begin(), set.strings().end(), element.str());
    case AttrType::kNS:
      return element.type() == AttrType::kN &&
             std::binary_search(set.numbers().begin(), set.numbers().end(), element.num());
    default:
      return false;
  }
}

Result<AttributeValue> AttributeValueFromJson(const boost::json::value& json) {
  return ParseValue(json, 0);
}

Result<Item> ItemFromJson(const boost::json::value& json) { return ParseMap(json, 0); }

boost::json::value ToJson(const AttributeValue& value) {
  boost::json::object out;
  std::string_view name = TypeName(value.type());
  switch (value.type()) {
    case AttrType::kS:
      out[name] = value.str();
      break;
    case AttrType::kN:
      out[name] = value.num().ToString();
      break;
    case AttrType::kB:
      out[name] = Base64Encode(value.str());
      break;
    case AttrType::kBool:
      out[name] = value.boolean();
      break;
    case AttrType::kNull:
      out[name] = true;
      break;
    case AttrType::kM:
      out[name] = ItemToJson(value.map());
      break;
    case AttrType::kL: {
      boost::json::array array;
      array.reserve(value.list().size());
      for (const auto& element : value.list()) array.push_back(ToJson(element));
      out[name] = std::move(array);
      break;
    }
    case AttrType::kSS:
    case AttrType::kBS: {
      boost::json::array array;
      for (const auto& s : value.strings()) {
        array.emplace_back(value.type() == AttrType::kSS ? s : Base64Encode(s));
      }
      out[name] = std::move(array);
      break;
    }
    case AttrType::kNS: {
      boost::json::array array;
      for (const auto& n : value.numbers()) array.emplace_back(n.ToString());
      out[name] = std::move(array);
      break;
    }
  }
  return out;
}

boost::json::object ItemToJson(const Item& item) {
  boost::json::object out;
  out.reserve(item.size());
  for (const auto& [name, value] : item) out[name] = ToJson(value);
  return out;
}

void AppendQuotedJson(std::string_view text, std::string& out) { AppendJsonString(text, out); }

void AppendJsonText(const AttributeValue& value, std::string& out) {
  out += "{\"";
  out += TypeName(value.type());
  out += "\":";
  switch (value.type()) {
    case AttrType::kS:
      AppendQuotedJson(value.str(), out);
      break;
    case AttrType::kN:
      out.push_back('"');
      out += value.num().ToString();
      out.push_back('"');
      break;
    case AttrType::kB:
      out.push_back('"');
      out += Base64Encode(value.str());
      out.push_back('"');
      break;
    case AttrType::kBool:
      out += value.boolean() ? "true" : "false";
      break;
    case AttrType::kNull:
      out += "true";
      break;
    case AttrType::kM:
      AppendItemJsonText(value.map(), out);
      break;
    case AttrType::kL:
      out.push_back('[');
      for (size_t i = 0; i < value.list().size(); ++i) {
        if (i) out.push_back(',');
        AppendJsonText(value.list()[i], out);
      }
      out.push_back(']');
      break;
    case AttrType::kSS:
    case AttrType::kBS:
      out.push_back('[');
      for (size_t i = 0; i < value.strings().size(); ++i) {
        if (i) out.push_back(',');
        if (value.type() == AttrType::kSS) {
          AppendQuotedJson(value.strings()[i], out);
        } else {
          out.push_back('"');
          out += Base64Encode(value.strings()[i]);
          out.push_back('"');
        }
      }
      out.push_back(']');
      break;
    case AttrType::kNS:
      out.push_back('[');
      for (size_t i = 0; i < value.numbers().size(); ++i) {
        if (i) out.push_back(',');
        out.push_back('"');
        out += value.numbers()[i].ToString();
        out.push_back('"');
      }
      out.push_back(']');
      break;
  }
  out.push_back('}');
}

void AppendItemJsonText(const Item& item, std::string& out) {
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : item) {
    if (!first) out.push_back(',');
    first = false;
    AppendQuotedJson(name, out);
    out.push_back(':');
    AppendJsonText(value, out);
  }
  out.push_back('}');
}

size_t AttributeValueSize(const AttributeValue& value) {
  switch (value.type()) {
    case AttrType::kS:
    case AttrType::kB:
      return value.str().size();
    case AttrType::kN:
      return NumberSize(value.num());
    case AttrType::kBool:
    case AttrType::kNull:
      return 1;
    case AttrType::kSS:
    case AttrType::kBS: {
      size_t size = 0;
      for (const auto& s : value.strings()) size += s.size();
      return size;
    }
    case AttrType::kNS: {
      size_t size = 0;
      for (const auto& n : value.numbers()) size += NumberSize(n);
      return size;
    }
    case AttrType::kL: {
      size_t size = 3;
      for (const auto& element : value.list()) size += 1 + AttributeValueSize(element);
      return size;
    }
    case AttrType::kM:
      return 3 + value.map().size() + ItemSize(value.map());
  }
  return 0;
}

size_t ItemSize(const Item& item) {
  size_t size = 0;
  for (const auto& [name, value] : item) size += name.size() + AttributeValueSize(value);
  return size;
}

Status CheckItemSize(const Item& item, bool is_update) {
  if (ItemSize(item) <= kMaxItemSize) return Status::Ok();
  return InvalidArgument(is_update ? "Item size to update has exceeded the maximum allowed size"
                                   : "Item size has exceeded the maximum allowed size");
}

}  // namespace kumo::tables

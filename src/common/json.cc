#include "common/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/json_members.h"
#include "common/json_text.h"

namespace kumo {
Result<boost::json::object> ParseJsonObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return boost::json::object();
  boost::system::error_code ec;
  // DynamoDB items nest 32 levels, which is about 67 levels of JSON.
  boost::json::parse_options options;
  options.max_depth = 160;
  boost::json::value v = boost::json::parse(body, ec, {}, options);
  if (ec) return Error{400, "SerializationException", "Malformed JSON: " + ec.message()};
  if (!v.is_object())
    return Error{400, "SerializationException", "Request body must be a JSON object"};
  return std::move(v.as_object());
}

std::string ToJson(const boost::json::value& value) { return boost::json::serialize(value); }

std::string JsonText(const boost::json::value& value) {
  if (const boost::json::string* text = value.if_string()) return std::string(*text);
  if (const double* number = value.if_double()) return FormatDouble(*number);
  return ToJson(value);
}

Result<std::optional<std::string>> GetString(const boost::json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return SerializationTypeError(key, "a string");
  return std::optional<std::string>(std::string(it->value().as_string()));
}

Result<std::optional<int64_t>> GetInt(const boost::json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null()) return std::optional<int64_t>();
  const auto& v = it->value();
  if (v.is_int64()) return std::optional<int64_t>(v.as_int64());
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_uint64()));
  }
  if (v.is_double() && v.as_double() == static_cast<double>(static_cast<int64_t>(v.as_double()))) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_double()));
  }
  return SerializationTypeError(key, "an integer");
}

Result<std::optional<bool>> GetBool(const boost::json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null()) return std::optional<bool>();
  if (!it->value().is_bool()) return SerializationTypeError(key, "a boolean");
  return std::optional<bool>(it->value().as_bool());
}

}  // namespace kumo

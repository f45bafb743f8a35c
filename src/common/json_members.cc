#include "common/json_members.h"

#include <boost/json/value.hpp>
#include <cmath>

namespace kumo {
namespace {

namespace json = boost::json;

const json::value* Member(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

}  // namespace

Error SerializationTypeError(std::string_view key, std::string_view want) {
  return Error{400, "SerializationException",
               "Value for '" + std::string(key) + "' must be " + std::string(want)};
}

Result<std::optional<std::map<std::string, std::string>>> GetStringMap(const json::object& obj,
                                                                       std::string_view key,
                                                                       JsonTypeError type_error) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<std::map<std::string, std::string>>();
  if (!v->is_object()) return type_error(key, "a map of strings");
  std::map<std::string, std::string> out;
  for (const auto& kv : v->as_object()) {
    if (!kv.value().is_string()) return type_error(key, "a map of strings");
    out[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Result<std::optional<std::vector<std::string>>> GetStringList(const json::object& obj,
                                                              std::string_view key,
                                                              JsonTypeError type_error) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return type_error(key, "a list of strings");
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) return type_error(key, "a list of strings");
    out.emplace_back(e.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<const json::object*> GetObject(const json::object& obj, std::string_view key,
                                      JsonTypeError type_error) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return type_error(key, "a structure");
  return &v->as_object();
}

Result<std::optional<double>> GetDouble(const json::object& obj, std::string_view key,
                                        JsonTypeError type_error) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return type_error(key, "a number");
  // 1e400 parses as infinity, which JSON cannot carry back out: refused.
  const double number = v->to_number<double>();
  if (!std::isfinite(number)) return type_error(key, "a number within a double's range");
  return std::optional<double>(number);
}

}  // namespace kumo

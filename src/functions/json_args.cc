#include "functions/json_args.h"

#include <algorithm>
#include <charconv>

#include "common/encoding.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

Error TypeError(std::string_view key, std::string_view want) {
  return Error{400, "SerializationException",
               "Value for '" + std::string(key) + "' must be " + std::string(want)};
}

const json::value* Member(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

}  // namespace

Result<std::optional<std::map<std::string, std::string>>> GetStringMap(const json::object& obj,
                                                                       std::string_view key) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<std::map<std::string, std::string>>();
  if (!v->is_object()) return TypeError(key, "a map of strings");
  std::map<std::string, std::string> out;
  for (const auto& kv : v->as_object()) {
    if (!kv.value().is_string()) return TypeError(key, "a map of strings");
    out[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Result<std::optional<std::vector<std::string>>> GetStringList(const json::object& obj,
                                                              std::string_view key) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return TypeError(key, "a list of strings");
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) return TypeError(key, "a list of strings");
    out.emplace_back(e.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<const json::object*> GetObject(const json::object& obj, std::string_view key) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return TypeError(key, "a structure");
  return &v->as_object();
}

Result<std::optional<double>> GetDouble(const json::object& obj, std::string_view key) {
  const json::value* v = Member(obj, key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return TypeError(key, "a number");
  return std::optional<double>(v->to_number<double>());
}

Result<std::optional<int64_t>> QueryInt(std::optional<std::string_view> raw, std::string_view field,
                                        int64_t min, int64_t max) {
  if (!raw.has_value()) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (ec != std::errc() || end != raw->data() + raw->size()) {
    return InvalidParameterValue("Invalid value for " + std::string(field) + ": " +
                                 std::string(*raw));
  }
  ConstraintErrors errors;
  errors.Range(field, value, min, max);
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  return std::optional<int64_t>(value);
}

Result<PageBounds> Paginate(const std::vector<std::string>& keys, std::string_view marker,
                            size_t max_items) {
  PageBounds page;
  if (!marker.empty()) {
    std::optional<std::string> start = Base64Decode(marker);
    if (!start.has_value()) return InvalidParameterValue("Invalid marker: " + std::string(marker));
    page.begin =
        static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), *start) - keys.begin());
  }
  page.end = std::min(keys.size(), page.begin + max_items);
  if (page.end < keys.size()) page.next_marker = Base64Encode(keys[page.end]);
  return page;
}

}  // namespace kumo::functions

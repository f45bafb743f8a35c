// JSON helpers over Boost.JSON shared by the JSON-speaking services.
// Thread-safety: free functions, no shared state.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo {

// Parses a request body that must be a JSON object. An empty body is {}.
// On failure: 400 SerializationException, as AWS's JSON protocols answer.
Result<boost::json::object> ParseJsonObject(std::string_view body);

std::string ToJson(const boost::json::value& value);
// A string's own text; a fractional number as FormatDouble writes it ("1.5",
// where Boost.JSON would write "1.5E0"); any other value as JSON.
std::string JsonText(const boost::json::value& value);

// Typed reads of an optional member; a member of the wrong type is an error
// naming the member, so bad input is rejected rather than misread.
Result<std::optional<std::string>> GetString(const boost::json::object& obj, std::string_view key);
Result<std::optional<int64_t>> GetInt(const boost::json::object& obj, std::string_view key);
Result<std::optional<bool>> GetBool(const boost::json::object& obj, std::string_view key);

}  // namespace kumo

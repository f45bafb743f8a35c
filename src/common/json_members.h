// Typed reads of optional structured members of a JSON request (string
// maps and lists, objects, numbers), shared by the services' argument
// readers. An absent or null member is "not given"; a member of the wrong
// type is the Error `type_error(key, want)` makes, so each service answers
// in its own wording ("a map of strings", "a structure", ...).
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo {

using JsonTypeError = Error (*)(std::string_view key, std::string_view want);

// 400 SerializationException "Value for 'key' must be <want>" (common/json.h's wording).
Error SerializationTypeError(std::string_view key, std::string_view want);

Result<std::optional<std::map<std::string, std::string>>> GetStringMap(
    const boost::json::object& obj, std::string_view key,
    JsonTypeError type_error = SerializationTypeError);
Result<std::optional<std::vector<std::string>>> GetStringList(
    const boost::json::object& obj, std::string_view key,
    JsonTypeError type_error = SerializationTypeError);
// nullptr when absent or null.
Result<const boost::json::object*> GetObject(const boost::json::object& obj, std::string_view key,
                                             JsonTypeError type_error = SerializationTypeError);
Result<std::optional<double>> GetDouble(const boost::json::object& obj, std::string_view key,
                                        JsonTypeError type_error = SerializationTypeError);

}  // namespace kumo

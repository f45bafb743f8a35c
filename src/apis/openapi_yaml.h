// YAML text to and from Boost.JSON values, for the OpenAPI module (private
// to openapi_*.cc). openapi_yaml.cc is the only file that includes yaml-cpp;
// every yaml-cpp exception stops there.
// Thread-safety: free functions.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::apis {

// One YAML document as a JSON value. Plain scalars take the YAML 1.2 core
// schema's types (null, true/false, integers, floats) when their text is the
// number's own spelling ("1.10" and "007" stay strings, so no text is lost);
// quoted scalars and `!!str` stay strings. Malformed YAML, a non-scalar
// mapping key, or nesting or aliases past sane bounds are 400
// BadRequestException.
Result<boost::json::value> ParseYaml(std::string_view text);

// `value` as a block-style YAML document. Strings a YAML reader would take
// for another type are quoted, so ParseYaml (and other readers) give back
// the same value.
std::string EmitYaml(const boost::json::value& value);

// True when `text` written as a plain YAML scalar would not read back as
// the same string: empty, null/bool words (YAML 1.1's yes/no/on/off too),
// anything number-like.
bool YamlNeedsQuotes(std::string_view text);

}  // namespace kumo::apis

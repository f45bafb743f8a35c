// Writing JSON text directly, for hot paths that would otherwise build a
// Boost.JSON tree only to serialize it.
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>

namespace kumo {

// Appends `text` as a quoted JSON string: '"' and '\\' escaped, control
// characters as \n, \t, ... or \u00XX, every other byte as is (as Boost.JSON
// writes strings).
void AppendJsonString(std::string_view text, std::string& out);

// The same without the quotes: `text` escaped, to continue a string already
// opened in `out`.
void AppendJsonEscaped(std::string_view text, std::string& out);

// A double's shortest decimal text that reads back as a floating-point
// number, as Java services print one: "1.0", "0.5", "1e+20".
std::string FormatDouble(double value);

}  // namespace kumo

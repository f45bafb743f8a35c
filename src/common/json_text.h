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

}  // namespace kumo

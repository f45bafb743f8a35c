// UTF-8 checks for text that must be valid before it is stored or sent as
// JSON (log messages, event bodies).
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>

namespace kumo {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(std::string_view text);

// `text` with each byte that is not part of a valid sequence replaced by
// U+FFFD, one per byte; valid text is returned unchanged.
std::string ToValidUtf8(std::string_view text);

}  // namespace kumo

// Path matching for REST-JSON control planes (Lambda, API Gateway): an
// operation's route is a pattern such as "/2015-03-31/functions/{}/aliases/{}"
// where each "{}" matches one non-empty path segment.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::edge {

// Non-empty segments of a path ("/a//b/" -> a, b), as views into `path`.
std::vector<std::string_view> PathSegments(std::string_view path);

// The percent-decoded values of the "{}" segments of `pattern` when the raw
// (still percent-encoded) segments match it, else nullopt. Decoding per
// segment keeps an encoded '/' inside its segment.
std::optional<std::vector<std::string>> MatchPathPattern(std::string_view pattern,
                                                         const std::vector<std::string_view>& raw);

}  // namespace kumo::edge

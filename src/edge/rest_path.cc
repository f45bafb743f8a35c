#include "edge/rest_path.h"

#include "edge/http_types.h"

namespace kumo::edge {

std::vector<std::string_view> PathSegments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<std::vector<std::string>> MatchPathPattern(std::string_view pattern,
                                                         const std::vector<std::string_view>& raw) {
  std::vector<std::string_view> want = PathSegments(pattern);
  if (want.size() != raw.size()) return std::nullopt;
  std::vector<std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{}") {
      std::optional<std::string> decoded = PercentDecode(raw[i], false);
      if (!decoded || decoded->empty()) return std::nullopt;
      found.push_back(std::move(*decoded));
    } else if (want[i] != raw[i]) {
      return std::nullopt;
    }
  }
  return found;
}

}  // namespace kumo::edge

#include "functions/json_args.h"

#include <algorithm>
#include <charconv>

#include "common/encoding.h"
#include "functions/validation.h"

namespace kumo::functions {

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

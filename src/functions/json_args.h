// Typed reads of request members and query parameters, and list pagination,
// shared by the operation files. A member of the wrong JSON type is a 400
// SerializationException naming it; constraint violations are left to the
// operation (they need AWS's wording and field names).
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/json_members.h"
#include "common/status.h"

namespace kumo::functions {

// An integer query parameter; nullopt when absent. `field` is the model's
// member name as AWS echoes it ("maxItems"); the range is checked.
Result<std::optional<int64_t>> QueryInt(std::optional<std::string_view> raw, std::string_view field,
                                        int64_t min, int64_t max);

// One page of a list sorted by `keys` (ascending, unique). The marker is the
// opaque token of the first key to return; `next_marker` is empty on the
// last page.
struct PageBounds {
  size_t begin = 0;
  size_t end = 0;
  std::string next_marker;
};
Result<PageBounds> Paginate(const std::vector<std::string>& keys, std::string_view marker,
                            size_t max_items);

}  // namespace kumo::functions

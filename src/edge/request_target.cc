#include "edge/request_target.h"

namespace kumo::edge {

void SplitTarget(Request& r) {
  size_t q = r.target.find('?');
  r.raw_path.assign(r.target, 0, q);
  if (q != std::string::npos) r.raw_query.assign(r.target, q + 1);
  if (r.raw_path.find('%') == std::string::npos) {
    r.path = r.raw_path;
  } else {
    auto decoded = PercentDecode(r.raw_path, false);
    r.path = decoded ? std::move(*decoded) : r.raw_path;
  }
  if (!r.raw_query.empty()) r.query = ParseQueryString(r.raw_query, true);
}

}  // namespace kumo::edge

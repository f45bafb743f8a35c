#include "common/trace_id.h"

#include <algorithm>

#include "common/encoding.h"

namespace kumo {
namespace {

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string NewTraceRoot(int64_t epoch_millis) {
  const auto seconds = static_cast<uint32_t>(epoch_millis / 1000);
  const char time[4] = {static_cast<char>(seconds >> 24), static_cast<char>(seconds >> 16),
                        static_cast<char>(seconds >> 8), static_cast<char>(seconds)};
  std::string root;
  root.reserve(35);
  root.append("1-").append(HexEncode(std::string_view(time, sizeof time)));
  root.append("-").append(FastRandomHex(12));
  return root;
}

bool IsTraceRoot(std::string_view root) {
  return root.size() == 35 && root.substr(0, 2) == "1-" && root[10] == '-' &&
         IsLowerHex(root.substr(2, 8)) && IsLowerHex(root.substr(11));
}

}  // namespace kumo

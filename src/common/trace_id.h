// X-Ray trace ids, the Root of an X-Amzn-Trace-Id header:
// "1-<8 hex: epoch seconds>-<24 hex: random>". Unique, not secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kumo {

// A new trace id started at `epoch_millis`.
std::string NewTraceRoot(int64_t epoch_millis);
// Whether `root` is a well-formed trace id (lower-case hex).
bool IsTraceRoot(std::string_view root);

}  // namespace kumo

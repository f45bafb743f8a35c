// FunctionMeter: per-function counters for /_kumo/metrics (Prometheus text):
// invocations, function errors, throttles, cold starts, duration, billed
// GB-seconds, and gauges for invocations in flight and live environments.
//
// Thread-safety: For() takes a lock on a new function only (a shared lock
// otherwise); counters are atomics; Render may run while counters move.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace kumo::runtime {

struct FunctionCounters {
  std::atomic<int64_t> invocations{0};  // finished, any outcome
  std::atomic<int64_t> errors{0};       // function errors and platform faults
  std::atomic<int64_t> throttles{0};    // rejected with 429
  std::atomic<int64_t> cold_starts{0};  // invocations that started an environment
  std::atomic<int64_t> duration_nanos{0};
  std::atomic<int64_t> billed_mb_ms{0};  // billed ms x memory MB
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> environments{0};  // live environments
};

class FunctionMeter {
 public:
  // The counters of `function` in `region`, created on first use; the
  // reference stays valid for the meter's life.
  FunctionCounters& For(std::string_view region, std::string_view function);
  // Appends every series, with # HELP and # TYPE lines.
  void Render(std::string& out) const;

 private:
  mutable std::shared_mutex mu_;
  // "region\0function" -> counters
  std::map<std::string, std::unique_ptr<FunctionCounters>, std::less<>> counters_;
};

}  // namespace kumo::runtime

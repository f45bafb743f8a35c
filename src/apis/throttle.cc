#include "apis/throttle.h"

#include <algorithm>
#include <cmath>

namespace kumo::apis {
namespace {

// Negative or NaN limits (not accepted by the control plane) act as 0.
ThrottleLimits Sanitized(const ThrottleLimits& limits) {
  ThrottleLimits out = limits;
  if (!(out.rate_limit > 0)) out.rate_limit = 0;
  if (out.burst_limit < 0) out.burst_limit = 0;
  return out;
}

}  // namespace

ThrottleLimits LimitsFor(const RouteSettings& settings) {
  ThrottleLimits limits;
  if (settings.throttling_rate_limit) limits.rate_limit = *settings.throttling_rate_limit;
  if (settings.throttling_burst_limit) limits.burst_limit = *settings.throttling_burst_limit;
  return limits;
}

std::string ThrottleKey(std::string_view api_id, std::string_view stage,
                        std::string_view route_key) {
  std::string key;
  key.reserve(api_id.size() + stage.size() + route_key.size() + 2);
  key.append(api_id).append("/").append(stage).append("/").append(route_key);
  return key;
}

Throttler::Throttler(const Clock& clock) : clock_(clock) {}

bool Throttler::TryAcquire(std::string_view key, const ThrottleLimits& requested) {
  ThrottleLimits limits = Sanitized(requested);
  int64_t now = clock_.MonotonicNanos();
  Shard& shard = shards_[KeyHash()(key) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    it =
        shard.buckets
            .emplace(std::string(key), Bucket{limits, static_cast<double>(limits.burst_limit), now})
            .first;
  }
  Bucket& b = it->second;
  double burst = static_cast<double>(limits.burst_limit);
  if (!(b.limits == limits)) {
    b.limits = limits;
    b.tokens = std::min(b.tokens, burst);
  }
  if (now > b.refilled_ns) {
    double refill = static_cast<double>(now - b.refilled_ns) * limits.rate_limit / 1e9;
    b.tokens = std::min(burst, b.tokens + refill);
    b.refilled_ns = now;
  }
  if (b.tokens < 1 - 1e-9) return false;  // slack for rounding in the refill
  b.tokens -= 1;
  return true;
}

void Throttler::Clear() {
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.buckets.clear();
  }
}

size_t Throttler::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.buckets.size();
  }
  return n;
}

}  // namespace kumo::apis

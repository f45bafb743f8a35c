// Request throttling for HTTP APIs ("Throttling requests to your HTTP API"):
// token buckets, one per key, as API Gateway throttles.
//
// A bucket holds at most `burst_limit` tokens, starts full and refills at
// `rate_limit` tokens per second; each request takes one token, and a request
// that finds less than one is throttled: the caller answers
// GatewayResponse(kTooManyRequests) (429 {"message":"Too Many Requests"},
// proxy_response.h). A burst of 0 (or a rate and burst of 0) throttles every
// request, which is how AWS users switch a route off.
//
// Keys: a stage's DefaultRouteSettings apply to each route on its own, and a
// RouteSettings entry replaces them member by member for its route
// (DeployedStage::SettingsFor), so the natural key is ThrottleKey(api, stage,
// route key) with LimitsFor(stage.SettingsFor(route_key)). The account-level
// limit AWS also applies (10,000 requests per second, burst 5,000, across all
// APIs of a Region) is one more bucket the caller may keep under its own key.
//
// Time comes from the injected Clock's monotonic reading.
// Thread-safety: Throttler is safe to call from any thread; buckets are
// sharded under separate mutexes, so unrelated keys rarely contend.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "apis/api_catalog.h"
#include "common/clock.h"

namespace kumo::apis {

// AWS's default account-level limits per Region.
constexpr double kAccountRateLimit = 10000;
constexpr int64_t kAccountBurstLimit = 5000;

struct ThrottleLimits {
  double rate_limit = kAccountRateLimit;     // tokens per second
  int64_t burst_limit = kAccountBurstLimit;  // bucket size

  bool operator==(const ThrottleLimits&) const = default;
};

// The members of `settings` that are set, the account defaults for the others.
ThrottleLimits LimitsFor(const RouteSettings& settings);

// "{api_id}/{stage}/{route_key}".
std::string ThrottleKey(std::string_view api_id, std::string_view stage,
                        std::string_view route_key);

class Throttler {
 public:
  // `clock` must outlive the throttler.
  explicit Throttler(const Clock& clock = Clock::System());

  // Takes a token from `key`'s bucket, creating it full on first use. When
  // `limits` differ from the bucket's, the bucket takes the new ones (its
  // tokens capped at the new burst). False: throttled.
  bool TryAcquire(std::string_view key, const ThrottleLimits& limits);

  // Forgets every bucket (they start full again).
  void Clear();

  // How many buckets exist.
  size_t size() const;

 private:
  struct Bucket {
    ThrottleLimits limits;
    double tokens = 0;
    int64_t refilled_ns = 0;  // monotonic time of the last refill
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
  };
  static constexpr size_t kShards = 16;

  const Clock& clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace kumo::apis

#include "apis/throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace kumo::apis {
namespace {

// How many of `n` back-to-back requests pass.
int Passes(Throttler& t, std::string_view key, const ThrottleLimits& limits, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += t.TryAcquire(key, limits) ? 1 : 0;
  return ok;
}

TEST(ThrottleTest, BurstThenRate) {
  ManualClock clock(1000);
  Throttler t(clock);
  ThrottleLimits limits{2.0, 5};
  EXPECT_EQ(Passes(t, "k", limits, 10), 5);  // starts full: the burst passes
  clock.AdvanceMillis(499);
  EXPECT_FALSE(t.TryAcquire("k", limits));  // 0.998 tokens
  clock.AdvanceMillis(1);
  EXPECT_TRUE(t.TryAcquire("k", limits));  // 1 token after 500 ms at 2/s
  EXPECT_FALSE(t.TryAcquire("k", limits));
  clock.AdvanceMillis(60'000);
  EXPECT_EQ(Passes(t, "k", limits, 10), 5);  // refills up to the burst only
}

TEST(ThrottleTest, KeysAreIndependent) {
  ManualClock clock(0);
  Throttler t(clock);
  ThrottleLimits limits{1.0, 1};
  EXPECT_TRUE(t.TryAcquire("a", limits));
  EXPECT_FALSE(t.TryAcquire("a", limits));
  EXPECT_TRUE(t.TryAcquire("b", limits));
  EXPECT_EQ(t.size(), 2u);
  t.Clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.TryAcquire("a", limits));
}

TEST(ThrottleTest, ZeroLimitsThrottleEverything) {
  ManualClock clock(0);
  Throttler t(clock);
  EXPECT_EQ(Passes(t, "off", {0.0, 0}, 3), 0);
  clock.AdvanceMillis(10'000);
  EXPECT_EQ(Passes(t, "off", {0.0, 0}, 3), 0);
  EXPECT_EQ(Passes(t, "no-burst", {100.0, 0}, 3), 0);  // a bucket of size 0 never holds a token
  EXPECT_EQ(Passes(t, "no-rate", {0.0, 2}, 3), 2);     // the burst, then nothing ever again
  clock.AdvanceMillis(10'000);
  EXPECT_EQ(Passes(t, "no-rate", {0.0, 2}, 3), 0);
}

TEST(ThrottleTest, NewLimitsApplyToAnExistingBucket) {
  ManualClock clock(0);
  Throttler t(clock);
  EXPECT_EQ(Passes(t, "k", {1.0, 10}, 3), 3);  // 7 left
  EXPECT_EQ(Passes(t, "k", {1.0, 2}, 5), 2);   // capped at the new burst
  clock.AdvanceMillis(1000);
  EXPECT_EQ(Passes(t, "k", {10.0, 20}, 30), 10);  // refills at the new rate, from 0
}

TEST(ThrottleTest, FractionalRates) {
  ManualClock clock(0);
  Throttler t(clock);
  ThrottleLimits limits{0.5, 1};
  EXPECT_TRUE(t.TryAcquire("k", limits));
  clock.AdvanceMillis(1999);
  EXPECT_FALSE(t.TryAcquire("k", limits));
  clock.AdvanceMillis(1);
  EXPECT_TRUE(t.TryAcquire("k", limits));
}

TEST(ThrottleTest, LimitsFromRouteSettings) {
  EXPECT_EQ(LimitsFor(RouteSettings{}), (ThrottleLimits{10000, 5000}));
  RouteSettings s;
  s.throttling_rate_limit = 2000;
  EXPECT_EQ(LimitsFor(s), (ThrottleLimits{2000, 5000}));
  s.throttling_burst_limit = 100;
  EXPECT_EQ(LimitsFor(s), (ThrottleLimits{2000, 100}));
  EXPECT_EQ(ThrottleKey("abc", "$default", "GET /pets"), "abc/$default/GET /pets");
}

// Under contention the bucket hands out exactly its tokens: no request is
// lost or double-counted.
TEST(ThrottleTest, ConcurrentCallersShareOneBucket) {
  ManualClock clock(0);  // time stands still: only the burst can pass
  Throttler t(clock);
  ThrottleLimits limits{1.0, 1000};
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 500; ++j) {
        if (t.TryAcquire("shared", limits)) passed.fetch_add(1);
        t.TryAcquire("own" + std::to_string(j % 4), limits);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(passed.load(), 1000);
  EXPECT_EQ(t.size(), 5u);
}

}  // namespace
}  // namespace kumo::apis

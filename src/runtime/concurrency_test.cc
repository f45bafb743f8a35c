// Lambda's concurrency accounting: reservations cap a function and are
// subtracted from what unreserved functions share.
#include "runtime/concurrency.h"

#include <gtest/gtest.h>

namespace kumo::runtime {
namespace {

constexpr auto kNone = ThrottleReason::kNone;
constexpr auto kReserved = ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded;
constexpr auto kAccount = ThrottleReason::kConcurrentInvocationLimitExceeded;

TEST(ConcurrencyTest, ReservedConcurrencyCapsTheFunction) {
  ConcurrencyLimiter limiter(10);
  limiter.SetReserved("f", 2);
  EXPECT_EQ(limiter.TryAcquire("f"), kNone);
  EXPECT_EQ(limiter.TryAcquire("f"), kNone);
  EXPECT_EQ(limiter.TryAcquire("f"), kReserved);
  EXPECT_EQ(limiter.InFlight("f"), 2);
  limiter.Release("f");
  EXPECT_EQ(limiter.TryAcquire("f"), kNone);
  EXPECT_EQ(limiter.total_in_flight(), 2);
}

TEST(ConcurrencyTest, ZeroReservationThrottlesEverything) {
  ConcurrencyLimiter limiter(10);
  limiter.SetReserved("f", 0);
  EXPECT_EQ(limiter.TryAcquire("f"), kReserved);
  EXPECT_EQ(limiter.total_in_flight(), 0);
}

TEST(ConcurrencyTest, UnreservedFunctionsShareWhatReservationsLeave) {
  ConcurrencyLimiter limiter(5);
  limiter.SetReserved("r", 3);
  EXPECT_EQ(limiter.unreserved_capacity(), 2);
  EXPECT_EQ(limiter.TryAcquire("a"), kNone);
  EXPECT_EQ(limiter.TryAcquire("b"), kNone);
  EXPECT_EQ(limiter.TryAcquire("a"), kAccount);
  // The reservation is guaranteed whatever the others do.
  EXPECT_EQ(limiter.TryAcquire("r"), kNone);
  EXPECT_EQ(limiter.TryAcquire("r"), kNone);
  EXPECT_EQ(limiter.TryAcquire("r"), kNone);
  EXPECT_EQ(limiter.TryAcquire("r"), kReserved);
  limiter.Release("b");
  EXPECT_EQ(limiter.TryAcquire("a"), kNone);
}

TEST(ConcurrencyTest, ChangingAReservationMovesInFlightInvocations) {
  ConcurrencyLimiter limiter(4);
  EXPECT_EQ(limiter.TryAcquire("f"), kNone);
  EXPECT_EQ(limiter.TryAcquire("f"), kNone);
  limiter.SetReserved("f", 2);  // its two now count against its reservation
  EXPECT_EQ(limiter.unreserved_capacity(), 2);
  EXPECT_EQ(limiter.TryAcquire("g"), kNone);
  EXPECT_EQ(limiter.TryAcquire("g"), kNone);
  EXPECT_EQ(limiter.TryAcquire("g"), kAccount);
  limiter.SetReserved("f", std::nullopt);  // back in the shared pool: 4 of 4 used
  EXPECT_EQ(limiter.unreserved_capacity(), 4);
  limiter.Release("g");
  EXPECT_EQ(limiter.TryAcquire("g"), kNone);
  EXPECT_EQ(limiter.TryAcquire("f"), kAccount);
}

TEST(ConcurrencyTest, ForgetDropsAnIdleFunctionsReservation) {
  ConcurrencyLimiter limiter(4);
  limiter.SetReserved("f", 3);
  EXPECT_EQ(limiter.TryAcquire("f"), kNone);
  limiter.Forget("f");  // still in flight: kept
  EXPECT_EQ(limiter.unreserved_capacity(), 1);
  limiter.Release("f");
  limiter.Forget("f");
  EXPECT_EQ(limiter.unreserved_capacity(), 4);
}

TEST(ConcurrencyTest, ThrottleErrorIsLambdas) {
  Error e = ThrottleError(ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
  EXPECT_EQ(e.details_json, R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"})");
  EXPECT_EQ(e.http_status, 429);
  EXPECT_EQ(e.code, "TooManyRequestsException");
  EXPECT_EQ(e.message, "Rate Exceeded.");
  EXPECT_EQ(ThrottleReasonName(kReserved), "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_EQ(ThrottleReasonName(kAccount), "ConcurrentInvocationLimitExceeded");
}

}  // namespace
}  // namespace kumo::runtime

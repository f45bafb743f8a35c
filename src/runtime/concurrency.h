// ConcurrencyLimiter: Lambda's concurrency accounting. Concurrency is the
// number of invocations in flight (one per busy execution environment).
//
//  - A function with reserved concurrency R runs at most R at once (R = 0
//    throttles it entirely): ReservedFunctionConcurrentInvocationLimitExceeded.
//  - Functions without a reservation share what the reservations leave of
//    the account limit (1000 by default): ConcurrentInvocationLimitExceeded.
//
// Past either limit Invoke fails with 429 TooManyRequestsException, message
// "Rate Exceeded." (the botocore model's ThrottleReason names the reason; the
// Error type carries no Reason field, so the reason goes to metrics only).
//
// Thread-safety: none; the engine guards it with its mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/status.h"

namespace kumo::runtime {

enum class ThrottleReason {
  kNone,
  kReservedFunctionConcurrentInvocationLimitExceeded,
  kConcurrentInvocationLimitExceeded,
};

std::string_view ThrottleReasonName(ThrottleReason reason);
// 429 TooManyRequestsException "Rate Exceeded.".
// Lambda's 429, with the Reason member naming `reason`.
Error ThrottleError(ThrottleReason reason);

class ConcurrencyLimiter {
 public:
  explicit ConcurrencyLimiter(int account_limit) : account_limit_(account_limit) {}

  // The function's reservation (nullopt: none). Invocations in flight move
  // between the reserved and the shared pool with it.
  void SetReserved(const std::string& function, std::optional<int> reserved);
  // Takes a slot for one invocation of `function`, or says which limit stops it.
  ThrottleReason TryAcquire(const std::string& function);
  // Gives back a slot taken by TryAcquire.
  void Release(const std::string& function);
  // Drops a function with nothing in flight (after it was deleted).
  void Forget(const std::string& function);

  int InFlight(const std::string& function) const;
  int total_in_flight() const { return total_in_flight_; }
  // What unreserved functions may run at once: the account limit less every reservation.
  int unreserved_capacity() const;

 private:
  struct Account {
    std::optional<int> reserved;
    int in_flight = 0;
  };
  const int account_limit_;
  std::unordered_map<std::string, Account> functions_;
  int64_t reserved_sum_ = 0;
  int unreserved_in_flight_ = 0;
  int total_in_flight_ = 0;
};

}  // namespace kumo::runtime

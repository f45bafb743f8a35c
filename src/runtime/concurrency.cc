#include "runtime/concurrency.h"

#include <algorithm>

namespace kumo::runtime {

std::string_view ThrottleReasonName(ThrottleReason reason) {
  switch (reason) {
    case ThrottleReason::kNone:
      return "";
    case ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded:
      return "ReservedFunctionConcurrentInvocationLimitExceeded";
    case ThrottleReason::kConcurrentInvocationLimitExceeded:
      return "ConcurrentInvocationLimitExceeded";
  }
  return "";
}

Error ThrottleError(ThrottleReason reason) {
  return Error{429, "TooManyRequestsException", "Rate Exceeded.",
               "{\"Reason\":\"" + std::string(ThrottleReasonName(reason)) + "\"}"};
}

void ConcurrencyLimiter::SetReserved(const std::string& function, std::optional<int> reserved) {
  auto it = functions_.find(function);
  if (it == functions_.end()) {
    if (!reserved) return;  // unreserved and idle: nothing to remember
    it = functions_.emplace(function, Account{}).first;
  }
  Account& a = it->second;
  if (a.reserved == reserved) return;
  if (a.reserved) {
    reserved_sum_ -= *a.reserved;
  } else {
    unreserved_in_flight_ -= a.in_flight;
  }
  a.reserved = reserved;
  if (a.reserved) {
    reserved_sum_ += *a.reserved;
  } else {
    unreserved_in_flight_ += a.in_flight;
  }
}

int ConcurrencyLimiter::unreserved_capacity() const {
  return static_cast<int>(std::max<int64_t>(0, account_limit_ - reserved_sum_));
}

ThrottleReason ConcurrencyLimiter::TryAcquire(const std::string& function) {
  auto it = functions_.find(function);
  if (it == functions_.end()) it = functions_.emplace(function, Account{}).first;
  Account& a = it->second;
  if (a.reserved) {
    if (a.in_flight >= *a.reserved) {
      return ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded;
    }
  } else {
    if (unreserved_in_flight_ >= unreserved_capacity()) {
      return ThrottleReason::kConcurrentInvocationLimitExceeded;
    }
    ++unreserved_in_flight_;
  }
  ++a.in_flight;
  ++total_in_flight_;
  return ThrottleReason::kNone;
}

void ConcurrencyLimiter::Release(const std::string& function) {
  auto it = functions_.find(function);
  if (it == functions_.end() || it->second.in_flight == 0) return;  // unreachable: paired calls
  Account& a = it->second;
  --a.in_flight;
  --total_in_flight_;
  if (!a.reserved) --unreserved_in_flight_;
}

void ConcurrencyLimiter::Forget(const std::string& function) {
  auto it = functions_.find(function);
  if (it == functions_.end() || it->second.in_flight > 0) return;
  if (it->second.reserved) reserved_sum_ -= *it->second.reserved;
  functions_.erase(it);
}

int ConcurrencyLimiter::InFlight(const std::string& function) const {
  auto it = functions_.find(function);
  return it == functions_.end() ? 0 : it->second.in_flight;
}

}  // namespace kumo::runtime

// Lambda's platform text: the START / END / REPORT log lines, the fault
// payloads an Invoke returns when the platform (not the function) ends an
// invocation, billing arithmetic and log stream names. Pure functions, so
// the exact wording is tested without running anything.
//
// Wording follows current AWS behaviour (checked against Lambda's own logs
// and the runtime interface emulator):
//   START RequestId: <id> Version: $LATEST
//   END RequestId: <id>
//   REPORT RequestId: <id>\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\t
//          Max Memory Used: 40 MB\t[Init Duration: 95.12 ms\t][Status: timeout\t |
//          Status: error\tError Type: Runtime.ExitError\t]
// Every line ends with "\n", as Lambda's CloudWatch events do.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/sandbox.h"

namespace kumo::runtime {

// Lambda's limit on a synchronous response: 6 MB plus 100 bytes of slack.
inline constexpr size_t kMaxResponseBytes = 6291556;

// Billed duration in ms: `duration_nanos` rounded up to the next whole
// millisecond (1 ms granularity), at least 1.
int64_t BilledMillis(int64_t duration_nanos);
// GB-seconds billed for `billed_ms` at `memory_mb` (1 GB = 1024 MB).
double BilledGbSeconds(int64_t billed_ms, int memory_mb);
// Peak memory in whole MB (MiB, rounded up) for the REPORT line; 0 when unknown.
int64_t MemoryUsedMb(int64_t peak_bytes);

// "2024/01/15/[$LATEST]" + `env_hex` (32 hex digits), dated `epoch_millis` (UTC).
std::string LogStreamName(int64_t epoch_millis, std::string_view version, std::string_view env_hex);

// How an invocation ended, as far as the REPORT line cares.
enum class ReportStatus { kSuccess, kTimeout, kError };

struct ReportLine {
  std::string_view request_id;
  int64_t duration_nanos = 0;
  int memory_mb = 128;
  int64_t max_memory_used_mb = 0;
  std::optional<int64_t> init_duration_nanos;  // cold starts only
  ReportStatus status = ReportStatus::kSuccess;
  std::string_view error_type;  // with kError: "Runtime.ExitError", ...
};

std::string StartLine(std::string_view request_id, std::string_view version);
std::string EndLine(std::string_view request_id);
std::string FormatReportLine(const ReportLine& report);
// "<ISO-8601 with ms> <id> Task timed out after 3.00 seconds\n".
std::string TimeoutLogLine(int64_t epoch_millis, std::string_view request_id, int seconds);

// The fault payloads of an Invoke (status 200, X-Amz-Function-Error
// Unhandled), each a JSON object text.
//
// {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 3.00
// seconds"}
std::string TimeoutPayload(std::string_view request_id, int seconds);
// The runtime process ended during the invocation (or before its init
// finished): errorType Runtime.ExitError, or Runtime.OutOfMemory when the
// memory cgroup's OOM killer ended it; errorMessage "RequestId: <id> Error:
// Runtime exited with error: exit status 1" ("signal: killed", ...), or
// "Runtime exited without providing a reason" for a clean exit.
std::string ExitErrorType(bool oom_killed);
std::string ExitErrorMessage(std::string_view request_id, const SandboxExit& exit);
// {"errorType":<type>,"errorMessage":<message>} with JSON escaping.
std::string ErrorPayload(std::string_view error_type, std::string_view error_message);
// {"errorMessage":"Response payload size exceeded maximum allowed payload
// size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}
std::string ResponseTooLargePayload();

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace kumo::runtime

#include "runtime/lambda_log.h"

#include <fmt/format.h>

#include <ctime>

#include "common/clock.h"
#include "common/json_text.h"

namespace kumo::runtime {

int64_t BilledMillis(int64_t duration_nanos) {
  if (duration_nanos <= 0) return 1;
  return (duration_nanos + 999999) / 1000000;
}

double BilledGbSeconds(int64_t billed_ms, int memory_mb) {
  return static_cast<double>(billed_ms) / 1000.0 * static_cast<double>(memory_mb) / 1024.0;
}

int64_t MemoryUsedMb(int64_t peak_bytes) {
  if (peak_bytes <= 0) return 0;
  return (peak_bytes + (1 << 20) - 1) >> 20;
}

std::string LogStreamName(int64_t epoch_millis, std::string_view version,
                          std::string_view env_hex) {
  std::time_t secs = static_cast<std::time_t>(epoch_millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}/{:02}/{:02}/[{}]{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     version, env_hex);
}

std::string StartLine(std::string_view request_id, std::string_view version) {
  return fmt::format("START RequestId: {} Version: {}\n", request_id, version);
}

std::string EndLine(std::string_view request_id) {
  return fmt::format("END RequestId: {}\n", request_id);
}

std::string FormatReportLine(const ReportLine& r) {
  std::string line = fmt::format(
      "REPORT RequestId: {}\tDuration: {:.2f} ms\tBilled Duration: {} ms\tMemory Size: {} "
      "MB\tMax Memory Used: {} MB\t",
      r.request_id, static_cast<double>(r.duration_nanos) / 1e6, BilledMillis(r.duration_nanos),
      r.memory_mb, r.max_memory_used_mb);
  if (r.init_duration_nanos) {
    fmt::format_to(std::back_inserter(line), "Init Duration: {:.2f} ms\t",
                   static_cast<double>(*r.init_duration_nanos) / 1e6);
  }
  switch (r.status) {
    case ReportStatus::kSuccess:
      break;
    case ReportStatus::kTimeout:
      line += "Status: timeout\t";
      break;
    case ReportStatus::kError:
      fmt::format_to(std::back_inserter(line), "Status: error\tError Type: {}\t", r.error_type);
      break;
  }
  line += '\n';
  return line;
}

std::string TimeoutLogLine(int64_t epoch_millis, std::string_view request_id, int seconds) {
  return fmt::format("{} {} Task timed out after {}.00 seconds\n",
                     FormatIso8601(epoch_millis, /*with_millis=*/true), request_id, seconds);
}

std::string JsonQuote(std::string_view text) {
  std::string out;
  AppendJsonString(text, out);
  return out;
}

std::string ErrorPayload(std::string_view error_type, std::string_view error_message) {
  return fmt::format("{{\"errorType\":{},\"errorMessage\":{}}}", JsonQuote(error_type),
                     JsonQuote(error_message));
}

std::string TimeoutPayload(std::string_view request_id, int seconds) {
  return ErrorPayload(
      "Sandbox.Timedout",
      fmt::format("RequestId: {} Error: Task timed out after {}.00 seconds", request_id, seconds));
}

std::string ExitErrorType(bool oom_killed) {
  return oom_killed ? "Runtime.OutOfMemory" : "Runtime.ExitError";
}

std::string ExitErrorMessage(std::string_view request_id, const SandboxExit& exit) {
  if (exit.signal == 0 && exit.exit_code == 0) {
    return fmt::format("RequestId: {} Error: Runtime exited without providing a reason",
                       request_id);
  }
  return fmt::format("RequestId: {} Error: Runtime exited with error: {}", request_id,
                     exit.ToString());
}

std::string ResponseTooLargePayload() {
  return fmt::format(
      "{{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size ({} "
      "bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}}",
      kMaxResponseBytes);
}

}  // namespace kumo::runtime

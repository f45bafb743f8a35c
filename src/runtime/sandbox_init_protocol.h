// The messages kumo-sandbox-init (sandbox_init_main.cc) writes to Kumo.
//
// Init is process 1 of an isolated environment. It receives a descriptor at
// kReportFd (a pipe to Kumo) and writes fixed-size records, each a single
// write() of less than PIPE_BUF bytes, so records never interleave or tear:
//   kStarted once, after fork + exec of the runtime (errno 0 on success);
//   kExited once, when the runtime exits (its raw wait status and max RSS).
// Kumo treats the records as untrusted input (init runs unprivileged inside
// the sandbox): it validates the kind and only uses them as numbers.
//
// Init's command line: kumo-sandbox-init <mode> [runtime argv...], where mode
// is kInitModeIsolated or kInitModePlain. Without a runtime argv init reports
// kStarted and exits 0 (ProbeSandbox uses this).
#pragma once

#include <cstdint>

namespace kumo::runtime::internal {

inline constexpr int kReportFd = 3;
inline constexpr const char* kInitModeIsolated = "isolated";
inline constexpr const char* kInitModePlain = "plain";

enum class InitReportKind : uint32_t { kStarted = 0x4b53, kExited = 0x4b45 };

struct InitReport {
  InitReportKind kind;
  int32_t value;  // kStarted: errno of fork/exec (0 = ok); kExited: wait status
  int32_t pid;    // the runtime's pid as init sees it (Kumo's view in plain mode)
  int32_t reserved;
  int64_t max_rss_kb;  // kExited: the runtime's ru_maxrss
};
static_assert(sizeof(InitReport) == 24);

}  // namespace kumo::runtime::internal

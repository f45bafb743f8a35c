// `kumo logs NAME [--follow]`: prints a function's log (or any log group's)
// through Kumo's CloudWatch Logs API, like `aws logs tail`.
#pragma once

#include <string>

namespace kumo::cli {

struct LogsOptions {
  std::string name;  // a function name, or a log group starting with '/'
  bool follow = false;
  std::string since = "1h";  // how far back to start: 30s, 10m, 2h, 1d
  std::string endpoint = "http://127.0.0.1:4566";
  std::string region = "us-east-1";
  std::string filter;  // a CloudWatch Logs filter pattern
};

// Returns the process exit code.
int RunLogs(const LogsOptions& options);

}  // namespace kumo::cli

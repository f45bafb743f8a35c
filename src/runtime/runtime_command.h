// What an execution environment runs: the command, the Lambda environment
// variables and the read-only binds for a function's runtime.
//
//   nodejs18.x / 20.x / 22.x   the system node running runtimes/node/index.js
//   python3.9 .. python3.13    the system python3 (found once at start-up)
//                              running runtimes/python/bootstrap.py
//   provided, provided.al2,    /var/task/bootstrap, else /opt/bootstrap
//   provided.al2023
//
// Kumo runs one interpreter per language whatever minor version the function
// names (AWS_EXECUTION_ENV still says the configured runtime).
//
// Thread-safety: plain values and pure functions, except
// DiscoverRuntimeInstallation (runs python3 once; call it at start-up).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "functions/function_config.h"
#include "runtime/sandbox.h"

namespace kumo::runtime {

// Where Kumo's runtime clients and interpreters are on the host.
struct RuntimeInstallation {
  std::string runtimes_dir;       // holds node/index.js and python/bootstrap.py
  std::string node_modules_dir;   // Kumo's node_modules (@aws-sdk v3); empty if absent
  std::string node_path;          // the node binary
  std::string python_executable;  // sys.executable of the system python3; empty if none
  std::string python_prefix;      // sys.base_prefix (bound read-only when outside /usr)
  std::string python_version;     // "3.11"
  std::string python_error;       // why python is unavailable
};

struct RuntimeLocations {
  std::string runtimes_dir;
  std::string node_modules_dir;
  std::string node_path = "/usr/bin/node";
  std::string python_command = "python3";
};

// Canonicalizes the directories and asks `python_command` once for its
// sys.executable, sys.base_prefix and version. A missing python3 is not an
// error (python functions then fail with a clear message); a missing
// runtimes_dir is InvalidArgument.
Result<RuntimeInstallation> DiscoverRuntimeInstallation(const RuntimeLocations& locations);

// The per-environment facts that go into its variables.
struct EnvironmentFacts {
  std::string runtime_api;   // "127.0.0.1:41234"
  std::string log_group;     // "/aws/lambda/my-fn"
  std::string log_stream;    // "2024/01/15/[$LATEST]0123..."
  std::string endpoint_url;  // "http://127.0.0.1:4566"
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: not set
};

// The command, variables and binds for `config`, for an environment
// launched in `mode` (plain processes see host paths instead of /var/task
// and /opt). Errors: 502 Runtime.InvalidEntrypoint when a provided runtime
// has no bootstrap ("Couldn't find valid bootstrap(s): [...]") or the
// language's interpreter is missing; 400 InvalidRuntimeException for a
// runtime Kumo cannot run.
Result<SandboxSpec> BuildSandboxSpec(const functions::FunctionConfig& config,
                                     const RuntimeInstallation& installation,
                                     const EnvironmentFacts& facts, SandboxMode mode);

}  // namespace kumo::runtime

// FunctionConfig: one function version as the runtime needs it to run code.
//
// A FunctionConfig is a resolved, self-contained value: the version an
// invocation runs (alias routing already applied), where its code and layers
// are unpacked, and the limits and environment it runs with. The control
// plane produces it (FunctionRegistry::Resolve); the runtime consumes it.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kumo::functions {

// The asynchronous-invocation settings of the qualifier that was invoked
// (PutFunctionEventInvokeConfig). Absent fields mean Lambda's defaults:
// 2 retries, 6 hours of event age, no destinations.
struct EventInvokeConfig {
  std::optional<int> maximum_retry_attempts;     // 0..2
  std::optional<int> maximum_event_age_seconds;  // 60..21600
  std::string on_success_destination;            // an ARN, or empty
  std::string on_failure_destination;            // an ARN, or empty
};

struct FunctionConfig {
  std::string region;         // "us-east-1"
  std::string function_name;  // "my-fn"
  std::string function_arn;   // arn:aws:lambda:{region}:000000000000:function:my-fn
  std::string version;        // "$LATEST" or "1", "2", ...: what X-Amz-Executed-Version says
  std::string qualified_arn;  // function_arn + ":" + version
  std::string alias;          // the alias invoked through, or empty
  std::string runtime;        // "python3.12", "nodejs20.x", "provided.al2023", ...
  std::string handler;        // "app.handler"; may be empty for provided runtimes
  std::string code_dir;       // absolute path of the unpacked code (never written to)
  std::vector<std::string> layer_dirs;  // absolute paths of the unpacked layers, in order
  std::string code_sha256;              // base64 SHA-256 of the zip, as CodeSha256
  int memory_mb = 128;                  // 128..10240
  int timeout_seconds = 3;              // 1..900
  int ephemeral_storage_mb = 512;       // /tmp size, 512..10240
  std::string architecture = "x86_64";
  std::map<std::string, std::string> environment;  // the function's own variables only
  std::string role;                                // the execution role ARN
  std::string log_format = "Text";                 // "Text" or "JSON"
  std::string log_group;                           // "/aws/lambda/my-fn"
  std::string dead_letter_target_arn;              // empty when none
  // Function-wide reserved concurrency: nullopt when unreserved, 0 when the
  // function is throttled entirely.
  std::optional<int> reserved_concurrency;
  // For the invoked qualifier (the alias when invoked through one, else the
  // version); nullopt when none was configured.
  std::optional<EventInvokeConfig> event_invoke_config;
  // Changes whenever this version's configuration or code changes. A warm
  // environment built from a different revision_id must be retired.
  std::string revision_id;
};

// What FunctionRegistry listeners hear after a change is durable.
struct FunctionChange {
  enum class Kind {
    kUpdated,  // configuration, code, concurrency, aliases or invoke settings changed
    kDeleted,  // the function (version empty) or one version was deleted
  };
  Kind kind = Kind::kUpdated;
  std::string region;
  std::string function_name;
  // "$LATEST", a version number, or empty when the change concerns the whole
  // function (delete, reserved concurrency, aliases, event invoke configs).
  std::string version;
};

}  // namespace kumo::functions

// ExecutionEngine: runs Lambda invocations in execution environments
// (shared/design/ARCHITECTURE.md, "Functions: the execution model").
//
//  - One invocation at a time per environment; an idle environment of the
//    same function version and revision is reused (most recently used
//    first); a cold start happens only when none is idle.
//  - Parallel invocations run in parallel environments, up to the function's
//    reserved concurrency or what the reservations leave of the account
//    limit; past it Invoke fails with 429 TooManyRequestsException
//    ("Rate Exceeded.").
//  - Idle environments are reaped after `keep_alive`; a change of a
//    version's configuration or code (its revision_id) retires its
//    environments (idle ones at once, busy ones when they finish).
//  - Timeouts, crashes, out-of-memory kills, init errors and oversized
//    responses are contained in the environment and reported as Lambda
//    reports them (a 200 with X-Amz-Function-Error: Unhandled); the next
//    invocation gets a fresh environment.
//  - Each environment's output goes to /aws/lambda/NAME, stream
//    YYYY/MM/DD/[VERSION]<32 hex>, with START / END / REPORT lines; LogType
//    Tail returns the last 4 KB of the invocation's lines.
//
// Only RequestResponse invocations run here; the asynchronous queue (another
// module) calls Invoke with RequestResponse itself.
//
// Thread-safety: Invoke, RenderMetrics and Stats from any thread at once.
// Shutdown (also run by the destructor) from the owner. The IoPool, the
// registry and the log sink must outlive the engine; the IoPool must still
// be running when Shutdown runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "edge/io_pool.h"
#include "functions/invoker.h"
#include "functions/registry.h"
#include "runtime/log_sink.h"
#include "runtime/sandbox.h"

namespace kumo::runtime {

struct EngineOptions {
  // Kumo's runtime clients (node/index.js, python/bootstrap.py). Empty:
  // <directory of the kumo binary>/../runtimes.
  std::string runtimes_dir;
  // node_modules with the AWS SDK for JavaScript v3, bound read-only and put
  // on NODE_PATH. Empty: <directory of the kumo binary>/../node_modules when
  // it exists.
  std::string node_modules_dir;
  std::string node_path = "/usr/bin/node";
  // Asked once at Create for sys.executable and sys.base_prefix.
  std::string python_command = "python3";

  // What functions' AWS SDKs are pointed at (AWS_ENDPOINT_URL) and sign with.
  std::string endpoint_url = "http://127.0.0.1:4566";
  std::string access_key_id = "test";
  std::string secret_access_key = "test";
  std::string session_token;  // empty: AWS_SESSION_TOKEN is not set

  int account_concurrency = 1000;
  std::chrono::milliseconds keep_alive = std::chrono::minutes(10);
  // Lambda's limit on an environment's init phase (start to first /next).
  std::chrono::milliseconds init_timeout = std::chrono::seconds(10);
  // Largest body a runtime may post; responses past 6 MB are already
  // refused as Lambda refuses them, this bounds what is read at all.
  uint64_t runtime_api_body_limit = 32ull << 20;
  int worker_threads = 2;
  // Unset: the strongest mode the kernel allows.
  std::optional<SandboxMode> sandbox_mode;
  const Clock* clock = &Clock::System();
};

struct EngineStats {
  int live_environments = 0;
  int idle_environments = 0;
  int in_flight = 0;
};

class ExecutionEngine : public functions::Invoker {
 public:
  // Finds the runtime clients and the interpreters, probes the sandbox, and
  // subscribes to `registry`'s changes. Errors: InvalidArgument when the
  // runtime clients are missing.
  static Result<std::unique_ptr<ExecutionEngine>> Create(EngineOptions options, edge::IoPool& pool,
                                                         functions::FunctionRegistry& registry,
                                                         LogSink& logs);
  ~ExecutionEngine() override;

  // RequestResponse only: an Event invocation fails with 500
  // ServiceException. Throttled: 429 TooManyRequestsException. A function
  // that fails is a result with function_error set, not an Error.
  void Invoke(functions::InvokeRequest request,
              std::function<void(Result<functions::InvokeResult>)> done) override;

  // Per-function counters in Prometheus text (edge::Metrics::AddCollector).
  void RenderMetrics(std::string& out) const;
  std::string RenderMetrics() const;
  EngineStats Stats() const;

  // Stops taking invocations, fails the ones in flight with 500
  // ServiceException, ends every environment and waits (bounded) until they
  // are torn down. Idempotent.
  void Shutdown();

  class Core;  // execution_engine.cc

 private:
  explicit ExecutionEngine(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  std::shared_ptr<Core> core_;
};

}  // namespace kumo::runtime

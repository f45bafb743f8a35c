// ExecutionEnvironment: one runtime process tree (a sandbox) serving one
// invocation at a time over its own Runtime API endpoint, as in Lambda.
//
// Life: created for a cold start with its first invocation assigned;
// Launch() starts the runtime (on a worker thread: it blocks for about a
// millisecond); the runtime's first GET /next ends init and receives the
// invocation; its POST .../response or .../error ends the invocation and the
// environment can take the next one (Assign) before or after the runtime
// parks on /next again. It ends when the runtime exits, an invocation times
// out, init fails, or the engine retires it; then it never runs anything
// again and tells its observer, handing back an invocation that was assigned
// but never delivered so the engine can run it elsewhere.
//
// Faults are reported as Lambda reports them (lambda_log.h); output on
// stdout/stderr becomes log events, written per invocation with START / END /
// REPORT lines. Runtime API requests are honoured only from the
// environment's own processes (peer_check.h).
//
// Thread-safety: every public method is safe from any thread. One mutex
// guards the state; observer calls, log appends and Runtime API answers
// happen after it is released, so the observer may call back in.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "edge/http_types.h"
#include "edge/service.h"
#include "functions/invoker.h"
#include "runtime/lambda_log.h"
#include "runtime/log_sink.h"
#include "runtime/output_lines.h"
#include "runtime/runtime_api.h"
#include "runtime/sandbox.h"

namespace kumo::runtime {

// One admitted invocation on its way through the engine.
struct Invocation {
  functions::InvokeRequest request;
  std::function<void(Result<functions::InvokeResult>)> done;
  std::string function_key;  // the engine's key for concurrency accounting
  int redispatches = 0;      // times an environment handed it back undelivered
};

// What the engine meters about a finished invocation.
struct InvocationOutcome {
  bool cold = false;      // it waited for this environment's init
  bool error = false;     // a function error or a platform fault
  bool reusable = false;  // the environment can take another invocation
  int64_t duration_nanos = 0;
  int64_t billed_ms = 0;
};

class ExecutionEnvironment;

class EnvironmentObserver {
 public:
  virtual ~EnvironmentObserver() = default;
  // The invocation is over. Runs once per assigned invocation that was not
  // handed back, on the thread that ended it.
  virtual void OnInvocationDone(const std::shared_ptr<ExecutionEnvironment>& env,
                                std::unique_ptr<Invocation> invocation,
                                Result<functions::InvokeResult> result,
                                const InvocationOutcome& outcome) = 0;
  // The environment ended (after OnInvocationDone for a faulted
  // invocation). `undelivered`: assigned but never handed to the runtime.
  virtual void OnEnvironmentEnded(const std::shared_ptr<ExecutionEnvironment>& env,
                                  std::unique_ptr<Invocation> undelivered) = 0;
};

struct EnvironmentParams {
  functions::FunctionConfig config;  // the version and revision it runs
  std::string log_stream;
  uint16_t port = 0;  // its Runtime API listener
  boost::asio::io_context* io = nullptr;
  LogSink* logs = nullptr;
  const Clock* clock = nullptr;
  std::chrono::milliseconds init_timeout{10000};
  std::shared_ptr<EnvironmentObserver> observer;
};

class ExecutionEnvironment : public std::enable_shared_from_this<ExecutionEnvironment> {
 public:
  // Starts in init with `first` assigned (a cold start).
  ExecutionEnvironment(EnvironmentParams params, std::unique_ptr<Invocation> first);
  ~ExecutionEnvironment();
  ExecutionEnvironment(const ExecutionEnvironment&) = delete;
  ExecutionEnvironment& operator=(const ExecutionEnvironment&) = delete;

  // Starts the runtime described by `spec` (blocks ~1 ms: call it on a
  // worker thread). A spec error or a failed launch fails the first
  // invocation: Runtime.InvalidEntrypoint as a function error (200,
  // Unhandled), anything else as the Invoke's Error.
  void Launch(Result<SandboxSpec> spec);

  // Takes `invocation` to run next. Returns it untouched when the
  // environment has ended or is busy (the caller runs it elsewhere);
  // nullptr when taken.
  std::unique_ptr<Invocation> Assign(std::unique_ptr<Invocation> invocation);

  // A request from this environment's Runtime API listener.
  void HandleRuntimeApi(edge::Request request, std::shared_ptr<edge::ResponseSink> sink);

  // Ends the environment now (keep-alive expired, new revision, shutdown).
  // A delivered invocation fails with `error`; an undelivered one is handed back.
  void Retire(const Error& error);

  // After it ended: its process, whose destructor blocks until the tree is
  // reaped (destroy it on a worker). Null before Launch stored one.
  std::unique_ptr<SandboxProcess> TakeProcess();

  const functions::FunctionConfig& config() const { return params_.config; }
  // The I/O context its timer, output and runtime connection live on.
  boost::asio::io_context& io() const { return *params_.io; }
  const std::string& log_stream() const { return params_.log_stream; }
  uint16_t port() const { return params_.port; }

 private:
  struct Completion {
    std::unique_ptr<Invocation> invocation;
    Result<functions::InvokeResult> result = Error{};
    InvocationOutcome outcome;
  };
  // Effects gathered under mu_ and carried out after it is released.
  struct Actions {
    std::vector<std::pair<std::shared_ptr<edge::ResponseSink>, edge::Response>> replies;
    std::shared_ptr<edge::ResponseSink> dropped;  // released outside the lock
    std::vector<LogEvent> logs;
    std::optional<Completion> completion;
    bool ended = false;
    std::unique_ptr<Invocation> undelivered;
  };
  struct EarlyRequest {
    edge::Request request;
    std::shared_ptr<edge::ResponseSink> sink;
  };

  void Run(Actions actions);
  bool Authenticate(const std::string& remote_address);
  void Dispatch(edge::Request request, std::shared_ptr<edge::ResponseSink> sink);
  void OnNext(std::shared_ptr<edge::ResponseSink> sink);
  void OnResult(edge::Request& request, std::string_view request_id, bool is_error,
                std::shared_ptr<edge::ResponseSink> sink);
  void OnInitError(const edge::Request& request, std::shared_ptr<edge::ResponseSink> sink);
  void OnTimer(uint64_t generation);
  void OnExitReady();
  void OnOutputReady();

  // Under mu_:
  void DeliverLocked(std::shared_ptr<edge::ResponseSink> sink, Actions& a);
  void ArmTimerLocked(std::chrono::milliseconds after);
  void WatchExitLocked();
  void WatchOutputLocked();
  void DrainOutputLocked(Actions& a);
  void TakeEventsLocked(Actions& a);
  void MarkInitializedLocked();
  // Ends the assigned invocation: END / REPORT lines after `platform_lines`,
  // the tail for LogType Tail, metering facts.
  void CompleteLocked(Result<functions::InvokeResult> result,
                      const std::vector<std::string>& platform_lines, ReportStatus status,
                      std::string_view error_type, bool reusable, Actions& a);
  // A platform fault ends the invocation and the environment.
  void FaultLocked(std::string error_type, std::string payload,
                   std::vector<std::string> platform_lines, ReportStatus status, Actions& a);
  void EndLocked(Actions& a);

  const EnvironmentParams params_;
  const int64_t created_nanos_;

  mutable std::mutex mu_;
  RuntimeApiState state_;
  std::unique_ptr<Invocation> invocation_;  // assigned (maybe delivered)
  bool delivered_ = false;                  // invocation_ went out on a /next
  int64_t assigned_nanos_ = 0;
  int64_t delivered_nanos_ = 0;
  bool served_one_ = false;                     // an invocation finished here
  std::optional<int64_t> init_nanos_;           // creation to first /next
  std::shared_ptr<edge::ResponseSink> parked_;  // the runtime's waiting /next
  std::unique_ptr<SandboxProcess> process_;
  pid_t root_pid_ = 0;
  bool launched_ = false;
  bool ended_ = false;
  std::vector<EarlyRequest> early_;  // arrived before Launch stored the process
  std::vector<std::pair<std::string, uint64_t>> verified_peers_;  // remote address, inode

  std::optional<boost::asio::posix::stream_descriptor> output_;
  bool output_eof_ = false;
  std::optional<boost::asio::posix::stream_descriptor> exit_watch_;
  boost::asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  boost::asio::steady_timer exit_poll_;  // without pidfds: polls Wait(0)
  OutputLines lines_;
  LogTail tail_;
};

}  // namespace kumo::runtime

#include "runtime/environment.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/encoding.h"
#include "runtime/lambda_log.h"
#include "runtime/peer_check.h"

namespace kumo::runtime {
namespace {

namespace asio = boost::asio;
using functions::InvokeResult;
using std::chrono::milliseconds;

// Output beyond this is written out during a long invocation instead of
// waiting for its end (the tail still sees it).
constexpr size_t kFlushBytes = 1 << 20;
constexpr size_t kMaxVerifiedPeers = 8;

edge::Response InvalidState(std::string_view message) {
  return RuntimeApiErrorResponse(403, "InvalidStateTransition", message);
}

InvokeResult FunctionError(std::string payload) {
  InvokeResult r;
  r.payload = std::move(payload);
  r.function_error = "Unhandled";
  return r;
}

}  // namespace

ExecutionEnvironment::ExecutionEnvironment(EnvironmentParams params,
                                           std::unique_ptr<Invocation> first)
    : params_(std::move(params)),
      created_nanos_(params_.clock->MonotonicNanos()),
      timer_(*params_.io),
      exit_poll_(*params_.io) {
  assigned_nanos_ = created_nanos_;
  state_.Assign(first->request.request_id);
  invocation_ = std::move(first);
}

ExecutionEnvironment::~ExecutionEnvironment() = default;

std::unique_ptr<SandboxProcess> ExecutionEnvironment::TakeProcess() {
  std::lock_guard lock(mu_);
  return std::move(process_);
}

// ---------------------------------------------------------------- launch

void ExecutionEnvironment::Launch(Result<SandboxSpec> spec) {
  Actions a;
  auto fail = [&](const Error& error) {
    std::lock_guard lock(mu_);
    if (ended_) return;
    if (error.code == "Runtime.InvalidEntrypoint") {
      const std::string message =
          "RequestId: " + invocation_->request.request_id + " Error: " + error.message;
      FaultLocked(error.code, ErrorPayload(error.code, message), {message + "\n"},
                  ReportStatus::kError, a);
    } else {
      CompleteLocked(error, {}, ReportStatus::kError, error.code, false, a);
      EndLocked(a);
    }
  };
  if (!spec.ok()) {
    fail(spec.error());
    return Run(std::move(a));
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    fail(Internal(std::string("runtime: pipe2: ") + strerror(errno)));
    return Run(std::move(a));
  }
  fcntl(fds[0], F_SETFL, O_NONBLOCK);    // the runtime's end stays blocking
  fcntl(fds[0], F_SETPIPE_SZ, 1 << 18);  // fewer wake-ups for chatty functions; best effort
  spec->stdout_fd = spec->stderr_fd = fds[1];
  Result<std::unique_ptr<SandboxProcess>> process = LaunchSandbox(*spec);
  close(fds[1]);
  if (!process.ok()) {
    close(fds[0]);
    fail(process.error());
    return Run(std::move(a));
  }
  std::vector<EarlyRequest> early;
  {
    std::unique_lock lock(mu_);
    if (ended_) {
      // Retired while launching: nothing will run here. We are on a worker,
      // so the blocking teardown may happen right here.
      lock.unlock();
      close(fds[0]);
      process.value().reset();
      return;
    }
    process_ = std::move(process).value();
    root_pid_ = process_->pid();
    launched_ = true;
    output_.emplace(*params_.io, fds[0]);
    WatchOutputLocked();
    WatchExitLocked();
    if (!state_.initialized()) ArmTimerLocked(params_.init_timeout);
    early.swap(early_);
  }
  for (EarlyRequest& r : early) HandleRuntimeApi(std::move(r.request), std::move(r.sink));
}

void ExecutionEnvironment::WatchExitLocked() {
  auto self = shared_from_this();
  if (process_->exit_fd() >= 0) {
    const int fd = fcntl(process_->exit_fd(), F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) {
      exit_watch_.emplace(*params_.io, fd);
      exit_watch_->async_wait(asio::posix::descriptor_base::wait_read,
                              [self](const boost::system::error_code& ec) {
                                if (!ec) self->OnExitReady();
                              });
      return;
    }
  }
  // No pidfd: ask the sandbox every 50 ms.
  exit_poll_.expires_after(milliseconds(50));
  exit_poll_.async_wait([self](const boost::system::error_code& ec) {
    if (!ec) self->OnExitReady();
  });
}

void ExecutionEnvironment::WatchOutputLocked() {
  output_->async_wait(asio::posix::descriptor_base::wait_read,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                        if (!ec) self->OnOutputReady();
                      });
}

// ---------------------------------------------------------------- output

void ExecutionEnvironment::DrainOutputLocked(Actions& a) {
  if (!output_ || output_eof_) return;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(output_->native_handle(), buf, sizeof buf);
    if (n > 0) {
      lines_.Feed(std::string_view(buf, static_cast<size_t>(n)), params_.clock->NowMillis());
      if (lines_.bytes() >= kFlushBytes) TakeEventsLocked(a);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) output_eof_ = true;  // every process of the tree closed it
    return;
  }
}

void ExecutionEnvironment::TakeEventsLocked(Actions& a) {
  if (lines_.empty()) return;
  std::vector<LogEvent> events = lines_.Take();
  if (invocation_) {
    for (const LogEvent& e : events) tail_.Append(e.message);
  }
  if (a.logs.empty()) {
    a.logs = std::move(events);
  } else {
    for (LogEvent& e : events) a.logs.push_back(std::move(e));
  }
}

void ExecutionEnvironment::OnOutputReady() {
  Actions a;
  {
    std::lock_guard lock(mu_);
    if (!output_) return;
    DrainOutputLocked(a);
    // Between invocations output is written at once; during one it waits
    // for the invocation's END so the batch (and the tail) stay together.
    if (!invocation_) {
      lines_.Flush();
      TakeEventsLocked(a);
    }
    if (!output_eof_ && output_->is_open()) WatchOutputLocked();
  }
  Run(std::move(a));
}

// ---------------------------------------------------------------- invocations

std::unique_ptr<Invocation> ExecutionEnvironment::Assign(std::unique_ptr<Invocation> invocation) {
  Actions a;
  {
    std::lock_guard lock(mu_);
    if (ended_ || invocation_) return invocation;
    assigned_nanos_ = params_.clock->MonotonicNanos();
    delivered_ = false;
    tail_.Clear();
    const bool parked = state_.Assign(invocation->request.request_id);
    invocation_ = std::move(invocation);
    if (parked) DeliverLocked(std::move(parked_), a);
  }
  Run(std::move(a));
  return nullptr;
}

void ExecutionEnvironment::DeliverLocked(std::shared_ptr<edge::ResponseSink> sink, Actions& a) {
  functions::InvokeRequest& req = invocation_->request;
  const functions::FunctionConfig& config = req.config;
  const int64_t now_ms = params_.clock->NowMillis();
  delivered_nanos_ = params_.clock->MonotonicNanos();
  delivered_ = true;
  state_.Delivered();
  lines_.Add(StartLine(req.request_id, config.version), now_ms);

  const std::string arn = InvokedFunctionArn(config);
  const std::string trace = NewTraceId(now_ms, req.trace_header);
  const std::string client_context = DecodeClientContext(req.client_context);
  NextHeaders headers;
  headers.request_id = req.request_id;
  headers.deadline_ms = now_ms + int64_t{config.timeout_seconds} * 1000;
  headers.invoked_function_arn = arn;
  headers.trace_id = trace;
  headers.client_context = client_context;
  // The event is not needed here again: it moves into the answer.
  std::string event = req.payload.empty() ? std::string("{}") : std::move(req.payload);
  a.replies.emplace_back(std::move(sink), NextResponse(headers, std::move(event)));
  ArmTimerLocked(milliseconds(int64_t{config.timeout_seconds} * 1000));
}

void ExecutionEnvironment::ArmTimerLocked(milliseconds after) {
  const uint64_t generation = ++timer_generation_;
  // expires_after cancels the previous wait, whose handler then sees
  // operation_aborted (or a stale generation if it was already queued).
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
    if (!ec) self->OnTimer(generation);
  });
}

void ExecutionEnvironment::MarkInitializedLocked() {
  if (init_nanos_) return;
  init_nanos_ = params_.clock->MonotonicNanos() - created_nanos_;
  ++timer_generation_;  // the init timeout no longer applies
}

void ExecutionEnvironment::CompleteLocked(Result<InvokeResult> result,
                                          const std::vector<std::string>& platform_lines,
                                          ReportStatus status, std::string_view error_type,
                                          bool reusable, Actions& a) {
  DrainOutputLocked(a);
  lines_.Flush();
  Invocation& inv = *invocation_;
  const std::string& id = inv.request.request_id;
  const int64_t now_ms = params_.clock->NowMillis();
  const int64_t now = params_.clock->MonotonicNanos();
  if (!delivered_) lines_.Add(StartLine(id, inv.request.config.version), now_ms);
  for (const std::string& line : platform_lines) lines_.Add(line, now_ms);
  lines_.Add(EndLine(id), now_ms);

  InvocationOutcome outcome;
  outcome.cold = !served_one_;
  outcome.reusable = reusable;
  outcome.duration_nanos = now - (delivered_ ? delivered_nanos_ : assigned_nanos_);
  outcome.billed_ms = BilledMillis(outcome.duration_nanos);
  outcome.error = !result.ok() || !result->function_error.empty();

  ReportLine report;
  report.request_id = id;
  report.duration_nanos = outcome.duration_nanos;
  report.memory_mb = inv.request.config.memory_mb;
  report.max_memory_used_mb = MemoryUsedMb(process_ ? process_->PeakMemoryBytes() : -1);
  if (outcome.cold) report.init_duration_nanos = init_nanos_.value_or(now - created_nanos_);
  report.status = status;
  report.error_type = error_type;
  lines_.Add(FormatReportLine(report), now_ms);
  TakeEventsLocked(a);

  if (result.ok()) {
    result->executed_version = inv.request.config.version;
    if (inv.request.log_type == functions::LogType::kTail) {
      result->log_result = Base64Encode(tail_.View());
    }
  }
  tail_.Clear();
  served_one_ = true;
  delivered_ = false;
  ++timer_generation_;  // its timeout no longer applies
  a.completion.emplace(Completion{std::move(invocation_), std::move(result), outcome});
}

void ExecutionEnvironment::FaultLocked(std::string error_type, std::string payload,
                                       std::vector<std::string> platform_lines, ReportStatus status,
                                       Actions& a) {
  if (process_) process_->Kill();
  platform_lines.push_back(error_type + "\n");
  CompleteLocked(FunctionError(std::move(payload)), platform_lines, status, error_type, false, a);
  EndLocked(a);
}

void ExecutionEnvironment::EndLocked(Actions& a) {
  if (ended_) return;
  ended_ = true;
  state_.Kill();
  if (process_) process_->Kill();
  DrainOutputLocked(a);
  lines_.Flush();
  TakeEventsLocked(a);
  boost::system::error_code ignored;
  if (output_) output_->close(ignored);
  if (exit_watch_) exit_watch_->close(ignored);
  timer_.cancel();
  exit_poll_.cancel();
  a.dropped = std::move(parked_);
  for (EarlyRequest& r : early_) {
    a.replies.emplace_back(std::move(r.sink), InvalidState("The environment has ended"));
  }
  early_.clear();
  // An invocation the runtime never saw after a good init can run elsewhere;
  // one waiting for a failed init shares its fate (completed before this).
  if (invocation_) a.undelivered = std::move(invocation_);
  a.ended = true;
}

void ExecutionEnvironment::Retire(const Error& error) {
  Actions a;
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    if (invocation_ && (delivered_ || !state_.initialized())) {
      CompleteLocked(error, {}, ReportStatus::kError, error.code, false, a);
    }
    EndLocked(a);
  }
  Run(std::move(a));
}

void ExecutionEnvironment::OnTimer(uint64_t generation) {
  Actions a;
  {
    std::lock_guard lock(mu_);
    if (ended_ || generation != timer_generation_ || !invocation_) return;
    if (state_.initialized() && !delivered_) return;  // unreachable: delivery re-arms
    const std::string& id = invocation_->request.request_id;
    // Before the first /next the init limit applies, after it the function's timeout.
    const int seconds =
        state_.initialized()
            ? invocation_->request.config.timeout_seconds
            : static_cast<int>(
                  std::chrono::ceil<std::chrono::seconds>(params_.init_timeout).count());
    std::vector<std::string> lines = {TimeoutLogLine(params_.clock->NowMillis(), id, seconds)};
    if (process_) process_->Kill();
    CompleteLocked(FunctionError(TimeoutPayload(id, seconds)), lines, ReportStatus::kTimeout, "",
                   false, a);
    EndLocked(a);
  }
  Run(std::move(a));
}

void ExecutionEnvironment::OnExitReady() {
  Actions a;
  {
    std::lock_guard lock(mu_);
    if (ended_ || !process_) return;
    std::optional<SandboxExit> exit = process_->Wait(milliseconds(0));
    if (!exit) {  // spurious: watch again
      WatchExitLocked();
      return;
    }
    if (invocation_ && (delivered_ || !state_.initialized())) {
      const std::string& id = invocation_->request.request_id;
      const std::string type = ExitErrorType(process_->OomKilled());
      const std::string message = ExitErrorMessage(id, *exit);
      FaultLocked(type, ErrorPayload(type, message), {message + "\n"}, ReportStatus::kError, a);
    } else {
      EndLocked(a);
    }
  }
  Run(std::move(a));
}

// ---------------------------------------------------------------- Runtime API

void ExecutionEnvironment::HandleRuntimeApi(edge::Request request,
                                            std::shared_ptr<edge::ResponseSink> sink) {
  {
    std::lock_guard lock(mu_);
    if (!launched_ && !ended_) {
      // The runtime can be quicker than Launch() storing its process.
      early_.push_back({std::move(request), std::move(sink)});
      return;
    }
  }
  if (!Authenticate(request.remote_address)) {
    sink->Complete(RuntimeApiErrorResponse(
                       403, "AccessDeniedException",
                       "This Runtime API endpoint belongs to another execution environment"),
                   "AccessDeniedException");
    return;
  }
  Dispatch(std::move(request), std::move(sink));
}

bool ExecutionEnvironment::Authenticate(const std::string& remote_address) {
  Result<uint64_t> inode = ClientSocketInode(remote_address, params_.port);
  if (!inode.ok()) return false;
  pid_t root;
  {
    std::lock_guard lock(mu_);
    for (const auto& [address, known] : verified_peers_) {
      if (known == *inode && address == remote_address) return true;
    }
    root = root_pid_;
  }
  if (!ProcessTreeHoldsSocket(root, *inode)) return false;
  std::lock_guard lock(mu_);
  if (verified_peers_.size() >= kMaxVerifiedPeers) verified_peers_.erase(verified_peers_.begin());
  verified_peers_.emplace_back(remote_address, *inode);
  return true;
}

void ExecutionEnvironment::Dispatch(edge::Request request,
                                    std::shared_ptr<edge::ResponseSink> sink) {
  const RuntimeApiCall call = ParseRuntimeApiCall(request.method, request.path);
  switch (call.op) {
    case RuntimeApiOp::kNext:
      return OnNext(std::move(sink));
    case RuntimeApiOp::kResponse:
    case RuntimeApiOp::kError:
      return OnResult(request, call.request_id, call.op == RuntimeApiOp::kError, std::move(sink));
    case RuntimeApiOp::kInitError:
      return OnInitError(request, std::move(sink));
    case RuntimeApiOp::kMethodNotAllowed:
      return sink->Complete(RuntimeApiErrorResponse(405, "MethodNotAllowed", "Method not allowed"),
                            "");
    case RuntimeApiOp::kNotFound:
      return sink->Complete(RuntimeApiErrorResponse(404, "NotFound", "Not found"), "");
  }
}

void ExecutionEnvironment::OnNext(std::shared_ptr<edge::ResponseSink> sink) {
  Actions a;
  {
    std::lock_guard lock(mu_);
    switch (state_.OnNext()) {
      case RuntimeApiState::NextAction::kReject:
        a.replies.emplace_back(
            std::move(sink),
            InvalidState(ended_ ? "The environment has ended" : "An invocation is in progress"));
        break;
      case RuntimeApiState::NextAction::kPark:
        MarkInitializedLocked();
        a.dropped = std::move(parked_);
        parked_ = std::move(sink);
        break;
      case RuntimeApiState::NextAction::kDeliver:
        MarkInitializedLocked();
        DeliverLocked(std::move(sink), a);
        break;
    }
  }
  Run(std::move(a));
}

void ExecutionEnvironment::OnResult(edge::Request& request, std::string_view request_id,
                                    bool is_error, std::shared_ptr<edge::ResponseSink> sink) {
  Actions a;
  {
    std::lock_guard lock(mu_);
    switch (state_.OnResult(request_id)) {
      case RuntimeApiState::ResultAction::kInvalidState:
        a.replies.emplace_back(std::move(sink), InvalidState("No invocation is in progress"));
        break;
      case RuntimeApiState::ResultAction::kInvalidRequestId:
        a.replies.emplace_back(std::move(sink), RuntimeApiErrorResponse(400, "InvalidRequestID",
                                                                        "Invalid request ID"));
        break;
      case RuntimeApiState::ResultAction::kAccept: {
        // A streamed response reports a failure in trailers (merged into the fields).
        const std::optional<std::string_view> trailer_type =
            is_error ? std::nullopt : request.headers.Get("Lambda-Runtime-Function-Error-Type");
        if (is_error || trailer_type) {
          std::string body = request.body;
          if (trailer_type) {
            std::optional<std::string> decoded = Base64Decode(
                request.headers.Get("Lambda-Runtime-Function-Error-Body").value_or(""));
            body = decoded.value_or("");
          }
          const std::string_view type = trailer_type.value_or(
              request.headers.Get("Lambda-Runtime-Function-Error-Type").value_or(""));
          a.replies.emplace_back(std::move(sink), AcceptedResponse());
          CompleteLocked(FunctionError(ErrorBody(body, type)), {}, ReportStatus::kSuccess, "", true,
                         a);
        } else if (request.body.size() > kMaxResponseBytes) {
          a.replies.emplace_back(
              std::move(sink),
              RuntimeApiErrorResponse(413, "RequestEntityTooLarge",
                                      "Exceeded maximum allowed payload size (" +
                                          std::to_string(kMaxResponseBytes) + " bytes)."));
          CompleteLocked(FunctionError(ResponseTooLargePayload()), {}, ReportStatus::kError,
                         "Function.ResponseSizeTooLarge", true, a);
        } else {
          a.replies.emplace_back(std::move(sink), AcceptedResponse());
          InvokeResult result;
          result.payload = std::move(request.body);
          CompleteLocked(std::move(result), {}, ReportStatus::kSuccess, "", true, a);
        }
        break;
      }
    }
  }
  Run(std::move(a));
}

void ExecutionEnvironment::OnInitError(const edge::Request& request,
                                       std::shared_ptr<edge::ResponseSink> sink) {
  Actions a;
  {
    std::lock_guard lock(mu_);
    if (!state_.OnInitError()) {
      a.replies.emplace_back(std::move(sink), InvalidState("Init has already finished"));
    } else {
      a.replies.emplace_back(std::move(sink), AcceptedResponse());
      const std::string_view type =
          request.headers.Get("Lambda-Runtime-Function-Error-Type").value_or("Runtime.Unknown");
      if (process_) process_->Kill();
      if (invocation_) {
        CompleteLocked(FunctionError(ErrorBody(request.body, type)), {}, ReportStatus::kError, type,
                       false, a);
      }
      EndLocked(a);
    }
  }
  Run(std::move(a));
}

void ExecutionEnvironment::Run(Actions a) {
  for (auto& [sink, response] : a.replies) sink->Complete(std::move(response), "");
  a.dropped.reset();
  if (!a.logs.empty()) {
    params_.logs->Append(params_.config.region, params_.config.log_group, params_.log_stream,
                         std::move(a.logs));
  }
  auto self = shared_from_this();
  if (a.completion) {
    params_.observer->OnInvocationDone(self, std::move(a.completion->invocation),
                                       std::move(a.completion->result), a.completion->outcome);
  }
  if (a.ended) params_.observer->OnEnvironmentEnded(self, std::move(a.undelivered));
}

}  // namespace kumo::runtime

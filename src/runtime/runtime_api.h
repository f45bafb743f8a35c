// The Lambda Runtime API (2018-06-01) as one execution environment sees it:
// request routing, the answers it gets, and the state machine that decides
// which call is legal when. No sockets here (environment.cc owns those), so
// every transition is unit-tested.
//
//   GET  /2018-06-01/runtime/invocation/next            long poll for the next event
//   POST /2018-06-01/runtime/invocation/{id}/response   the event's result
//   POST /2018-06-01/runtime/invocation/{id}/error      the event's error
//   POST /2018-06-01/runtime/init/error                 init failed; the runtime exits
//
// Thread-safety: plain values and free functions; RuntimeApiState is guarded
// by its owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edge/http_types.h"
#include "functions/function_config.h"

namespace kumo::runtime {

enum class RuntimeApiOp { kNext, kResponse, kError, kInitError, kNotFound, kMethodNotAllowed };

struct RuntimeApiCall {
  RuntimeApiOp op = RuntimeApiOp::kNotFound;
  std::string_view request_id;  // kResponse / kError: the {id} of the path
};

// Routes `method` + `path` (the decoded path, no query).
RuntimeApiCall ParseRuntimeApiCall(std::string_view method, std::string_view path);

// What GET /next answers with, besides the event body.
struct NextHeaders {
  std::string_view request_id;
  int64_t deadline_ms = 0;  // epoch ms
  std::string_view invoked_function_arn;
  std::string_view trace_id;
  std::string_view client_context;  // decoded JSON, or empty
};
edge::Response NextResponse(const NextHeaders& headers, std::string event);
// 202 {"status":"OK"}
edge::Response AcceptedResponse();
// {"errorMessage":..., "errorType":...} with `status`.
edge::Response RuntimeApiErrorResponse(int status, std::string_view error_type,
                                       std::string_view message);

// The ARN the caller invoked: with the alias, or the version when a
// published version was invoked, or unqualified for $LATEST.
std::string InvokedFunctionArn(const functions::FunctionConfig& config);
// The function's X-Ray trace header, "Root=1-<8 hex time>-<24 hex>;Parent=<16
// hex>;Sampled=<0|1>": the trace `incoming` (the Invoke caller's
// X-Amzn-Trace-Id) continues, with its Root and Sampled and a new Parent;
// without a well-formed Root a new trace starts, not sampled.
std::string NewTraceId(int64_t epoch_millis, std::string_view incoming = {});
// X-Amz-Client-Context arrives base64-encoded; the runtime gets the JSON.
// Empty when absent or not valid base64.
std::string DecodeClientContext(std::string_view base64);
// The body of an invocation error: the posted body when it is JSON,
// otherwise built from the Lambda-Runtime-Function-Error-Type header as the
// Runtime API specification says.
std::string ErrorBody(std::string_view posted_body, std::string_view error_type_header);

// Which Runtime API call is legal now, for one environment.
//
//   kInit ──/next──▶ kParked ──Assign──▶ kInvoking ──result──▶ kBetween ──/next──▶ kParked
//     │ Assign (cold start)                  ▲                    │ Assign
//     ▼                                      │                    ▼
//   kInit+assigned ──/next──────────────────┘   kBetween+assigned ──/next──▶ kInvoking
//
// /init/error is legal only before the first /next. Any phase ends in kDead.
class RuntimeApiState {
 public:
  enum class Phase { kInit, kParked, kInvoking, kBetween, kDead };
  enum class NextAction {
    kDeliver,  // hand the assigned invocation to this /next now
    kPark,     // keep the /next until an invocation is assigned (replacing
               // an older parked /next, whose connection may have dropped)
    kReject,   // 403: an invocation is in progress, or the environment is dead
  };
  enum class ResultAction {
    kAccept,            // 202; the invocation is over
    kInvalidRequestId,  // 400: not the invocation in progress
    kInvalidState,      // 403: nothing in progress
  };

  Phase phase() const { return phase_; }
  bool initialized() const { return initialized_; }
  bool assigned() const { return assigned_; }
  // True when an invocation was assigned but not yet handed to the runtime.
  bool undelivered() const { return assigned_ && phase_ != Phase::kInvoking; }
  const std::string& request_id() const { return request_id_; }

  // An invocation is assigned. Precondition: !assigned() and not dead.
  // Returns true when the runtime is parked on /next, so it must be
  // delivered at once (the caller then calls Delivered()).
  bool Assign(std::string request_id);
  // The runtime called /next.
  NextAction OnNext();
  // The assigned invocation went out on a /next (kDeliver, or Assign() true).
  void Delivered();
  // /response or /error for `request_id`.
  ResultAction OnResult(std::string_view request_id);
  // /init/error: true when legal (before the first /next).
  bool OnInitError();
  void Kill() { phase_ = Phase::kDead; }

 private:
  Phase phase_ = Phase::kInit;
  bool initialized_ = false;  // the first /next arrived
  bool assigned_ = false;     // an invocation is assigned (delivered or not)
  std::string request_id_;
};

}  // namespace kumo::runtime

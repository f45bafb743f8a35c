// Invoker: how the Lambda API hands an invocation to the code that runs it.
//
// The control plane validates an Invoke call (function and qualifier exist,
// payload size, JSON payload, DryRun) and resolves the version to run; the
// Invoker (implemented by src/runtime) runs it and reports back. The Invoke
// handler never waits: it passes a callback and answers the client when the
// callback runs.
//
// Thread-safety: implementations must accept concurrent Invoke calls from
// any thread. `done` may run on any thread, exactly once.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "common/status.h"
#include "functions/function_config.h"

namespace kumo::functions {

enum class InvocationType {
  kRequestResponse,  // synchronous: the result carries the function's response
  kEvent,            // asynchronous: done() once the event is queued (status 202)
  kDryRun,           // never reaches an Invoker: the API answers 204 itself
};

enum class LogType { kNone, kTail };

// Lambda's limits on an invocation's payload (the event), in bytes.
inline constexpr size_t kMaxSyncPayloadBytes = 6291456;   // 6 MB, RequestResponse
inline constexpr size_t kMaxAsyncPayloadBytes = 1048576;  // 1 MB, Event (the model's Payload)

// Lambda's 413 RequestTooLargeException for a payload of `bytes` over the
// limit of `type`, before anything runs; Ok otherwise.
Status CheckPayloadSize(size_t bytes, InvocationType type);

struct InvokeRequest {
  InvocationType type = InvocationType::kRequestResponse;
  FunctionConfig config;  // the version to run, alias routing applied
  std::string payload;    // the event, JSON text (possibly empty)
  LogType log_type = LogType::kNone;
  std::string client_context;  // X-Amz-Client-Context as received: base64 JSON, or empty
  std::string request_id;      // the invocation's AWS request id (x-amzn-RequestId)
  std::string trace_header;    // the caller's X-Amzn-Trace-Id, which the function's continues
};

struct InvokeResult {
  int status_code = 200;         // 200 for RequestResponse, 202 for Event
  std::string payload;           // the function's response or error object
  std::string function_error;    // "Unhandled" or "Handled" when the function failed, else empty
  std::string executed_version;  // empty: the request's config.version
  std::string log_result;        // base64 of the last 4 KB of logs when LogType Tail
};

class Invoker {
 public:
  virtual ~Invoker() = default;
  // Runs `request`. `done` receives the result, or an Error the API answers
  // with as is (429 TooManyRequestsException when throttled, 502
  // ServiceException when the runtime failed, ...). A function that fails
  // is not an Error: it is a result with function_error set.
  virtual void Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) = 0;
};

}  // namespace kumo::functions

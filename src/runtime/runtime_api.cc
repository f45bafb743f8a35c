#include "runtime/runtime_api.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>

#include "common/encoding.h"
#include "common/trace_id.h"
#include "runtime/lambda_log.h"

namespace kumo::runtime {

namespace {
constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr std::string_view kInvocation = "invocation/";
}  // namespace

RuntimeApiCall ParseRuntimeApiCall(std::string_view method, std::string_view path) {
  RuntimeApiCall call;
  if (!path.starts_with(kPrefix)) return call;
  path.remove_prefix(kPrefix.size());
  const bool get = method == "GET";
  const bool post = method == "POST";
  if (path == "invocation/next") {
    call.op = get ? RuntimeApiOp::kNext : RuntimeApiOp::kMethodNotAllowed;
    return call;
  }
  if (path == "init/error") {
    call.op = post ? RuntimeApiOp::kInitError : RuntimeApiOp::kMethodNotAllowed;
    return call;
  }
  if (!path.starts_with(kInvocation)) return call;
  path.remove_prefix(kInvocation.size());
  const size_t slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos) return call;
  const std::string_view rest = path.substr(slash + 1);
  RuntimeApiOp op;
  if (rest == "response") {
    op = RuntimeApiOp::kResponse;
  } else if (rest == "error") {
    op = RuntimeApiOp::kError;
  } else {
    return call;
  }
  call.op = post ? op : RuntimeApiOp::kMethodNotAllowed;
  call.request_id = path.substr(0, slash);
  return call;
}

edge::Response NextResponse(const NextHeaders& h, std::string event) {
  edge::Response r;
  r.status = 200;
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("Lambda-Runtime-Aws-Request-Id", std::string(h.request_id));
  r.headers.Add("Lambda-Runtime-Deadline-Ms", std::to_string(h.deadline_ms));
  r.headers.Add("Lambda-Runtime-Invoked-Function-Arn", std::string(h.invoked_function_arn));
  r.headers.Add("Lambda-Runtime-Trace-Id", std::string(h.trace_id));
  if (!h.client_context.empty()) {
    r.headers.Add("Lambda-Runtime-Client-Context", std::string(h.client_context));
  }
  r.body = std::move(event);
  return r;
}

edge::Response AcceptedResponse() { return edge::Response::Json(202, R"({"status":"OK"})"); }

edge::Response RuntimeApiErrorResponse(int status, std::string_view error_type,
                                       std::string_view message) {
  return edge::Response::Json(status, fmt::format("{{\"errorMessage\":{},\"errorType\":{}}}",
                                                  JsonQuote(message), JsonQuote(error_type)));
}

std::string InvokedFunctionArn(const functions::FunctionConfig& config) {
  if (!config.alias.empty()) return config.function_arn + ":" + config.alias;
  if (config.version != "$LATEST" && !config.version.empty()) return config.qualified_arn;
  return config.function_arn;
}

namespace {

struct CallerTrace {
  std::string_view root;  // "1-<8 hex>-<24 hex>", or empty when missing or malformed
  bool sampled = false;
};

// The fields of an X-Amzn-Trace-Id the function's trace continues.
CallerTrace ParseCallerTrace(std::string_view header) {
  CallerTrace trace;
  while (!header.empty()) {
    size_t semicolon = header.find(';');
    std::string_view field = TrimAsciiSpace(header.substr(0, semicolon));
    header =
        semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    if (field.substr(0, 5) == "Root=") {
      if (IsTraceRoot(field.substr(5))) trace.root = field.substr(5);
    } else if (field == "Sampled=1") {
      trace.sampled = true;
    }
  }
  return trace;
}

}  // namespace

std::string NewTraceId(int64_t epoch_millis, std::string_view incoming) {
  // Tracing is not sampled here, so the ids need to be unique, not secret.
  CallerTrace caller = ParseCallerTrace(incoming);
  const bool continued = !caller.root.empty();
  return fmt::format("Root={};Parent={};Sampled={}",
                     continued ? std::string(caller.root) : NewTraceRoot(epoch_millis),
                     FastRandomHex(8), continued && caller.sampled ? 1 : 0);
}

std::string DecodeClientContext(std::string_view base64) {
  if (base64.empty()) return {};
  std::optional<std::string> decoded = Base64Decode(base64);
  return decoded ? std::move(*decoded) : std::string();
}

std::string ErrorBody(std::string_view posted_body, std::string_view error_type_header) {
  if (!posted_body.empty()) {
    boost::system::error_code ec;
    boost::json::parse(posted_body, ec);
    if (!ec) return std::string(posted_body);
  }
  const std::string_view type = error_type_header.empty() ? "Runtime.Unknown" : error_type_header;
  return ErrorPayload(type, posted_body);
}

bool RuntimeApiState::Assign(std::string request_id) {
  assigned_ = true;
  request_id_ = std::move(request_id);
  return phase_ == Phase::kParked;
}

RuntimeApiState::NextAction RuntimeApiState::OnNext() {
  if (phase_ == Phase::kDead || phase_ == Phase::kInvoking) return NextAction::kReject;
  // kParked: the runtime asks again on a new connection (the old one may have
  // dropped); the caller replaces the parked request.
  initialized_ = true;
  if (assigned_) return NextAction::kDeliver;
  phase_ = Phase::kParked;
  return NextAction::kPark;
}

void RuntimeApiState::Delivered() { phase_ = Phase::kInvoking; }

RuntimeApiState::ResultAction RuntimeApiState::OnResult(std::string_view request_id) {
  if (phase_ != Phase::kInvoking) return ResultAction::kInvalidState;
  if (request_id != request_id_) return ResultAction::kInvalidRequestId;
  phase_ = Phase::kBetween;
  assigned_ = false;
  return ResultAction::kAccept;
}

bool RuntimeApiState::OnInitError() {
  if (initialized_ || phase_ == Phase::kDead) return false;
  return true;
}

}  // namespace kumo::runtime

// Invoke and InvokeAsync, and FunctionRegistry::Resolve behind them: the
// checks Lambda makes before running anything, then the Invoker.
#include <boost/json.hpp>

#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

Status CheckJsonPayload(const std::string& payload) {
  if (payload.empty()) return Status::Ok();
  boost::system::error_code ec;
  // Parsed only to be checked, then dropped: its nodes come from one
  // monotonic buffer (on the stack for a usual event) instead of a malloc each.
  unsigned char buffer[4096];
  boost::json::monotonic_resource resource(buffer, sizeof buffer);
  boost::json::parse(payload, ec, boost::json::storage_ptr(&resource));
  if (!ec) return Status::Ok();
  return Error{
      400, "InvalidRequestContentException",
      "Could not parse request body into json: Could not parse payload into json: " + ec.message()};
}

Result<InvocationType> ReadInvocationType(const edge::Request& request) {
  std::string_view type = request.headers.Get("X-Amz-Invocation-Type").value_or("RequestResponse");
  if (type == "RequestResponse") return InvocationType::kRequestResponse;
  if (type == "Event") return InvocationType::kEvent;
  if (type == "DryRun") return InvocationType::kDryRun;
  ConstraintErrors errors;
  errors.Enum("invocationType", type, "[Event, RequestResponse, DryRun]");
  return errors.ToStatus().error();
}

Result<LogType> ReadLogType(const edge::Request& request) {
  std::string_view log = request.headers.Get("X-Amz-Log-Type").value_or("None");
  if (log == "None") return LogType::kNone;
  if (log == "Tail") return LogType::kTail;
  ConstraintErrors errors;
  errors.Enum("logType", log, "[None, Tail]");
  return errors.ToStatus().error();
}

}  // namespace

Status CheckPayloadSize(size_t bytes, InvocationType type) {
  size_t limit = type == InvocationType::kEvent ? kMaxAsyncPayloadBytes : kMaxSyncPayloadBytes;
  if (bytes <= limit) return Status::Ok();
  return Error{413, "RequestTooLargeException",
               "Request must be smaller than " + std::to_string(limit) +
                   " bytes for the InvokeFunction operation"};
}

Result<FunctionConfig> LambdaService::Impl::Resolve(std::string_view region,
                                                    std::string_view function,
                                                    std::string_view qualifier) const {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(function, qualifier, region, NameShape::kNamespacedName));
  FunctionPtr fn = FindFunction(region, ref.name);
  if (fn == nullptr) return FunctionNotFound(QualifiedArn(region, ref.name, ref.qualifier));
  auto alias = fn->fn.aliases.find(ref.qualifier);
  if (alias == fn->fn.aliases.end()) {
    KUMO_ASSIGN_OR_RETURN(auto version, VersionFor(*fn, ref.qualifier));
    return MakeConfig(*fn, *version, "");
  }
  // Routing: each additional version takes its weight of the traffic.
  std::string chosen = alias->second.function_version;
  if (!alias->second.weights.empty()) {
    double r = Random();
    for (const auto& [version, weight] : alias->second.weights) {
      if (r < weight) {
        chosen = version;
        break;
      }
      r -= weight;
    }
  }
  std::shared_ptr<const VersionRecord> version = fn->FindVersion(chosen);
  if (version == nullptr) return FunctionNotFound(QualifiedArn(region, ref.name, chosen));
  return MakeConfig(*fn, *version, alias->first);
}

void LambdaService::Impl::Invoke(const OpContext& ctx, edge::Responder responder) {
  Result<InvocationType> type = ReadInvocationType(ctx.request);
  if (!type.ok()) return responder.Fail(type.error());
  Result<LogType> log_type = ReadLogType(ctx.request);
  if (!log_type.ok()) return responder.Fail(log_type.error());
  RunInvocation(ctx, std::move(responder), *type, *log_type, /*legacy_async=*/false);
}

void LambdaService::Impl::InvokeAsync(const OpContext& ctx, edge::Responder responder) {
  RunInvocation(ctx, std::move(responder), InvocationType::kEvent, LogType::kNone,
                /*legacy_async=*/true);
}

void LambdaService::Impl::RunInvocation(const OpContext& ctx, edge::Responder responder,
                                        InvocationType type, LogType log_type, bool legacy_async) {
  const std::string& payload = ctx.request.body;
  if (Status s = CheckPayloadSize(payload.size(), type); !s.ok()) return responder.Fail(s.error());
  Result<FunctionConfig> config = Resolve(ctx.region(), ctx.params.at(0), ctx.Query("Qualifier"));
  if (!config.ok()) return responder.Fail(config.error());
  if (Status s = CheckJsonPayload(payload); !s.ok()) return responder.Fail(s.error());
  if (type == InvocationType::kDryRun) return responder.Send(EmptyResponse(204));
  std::shared_ptr<Invoker> invoker;
  {
    std::lock_guard lock(mu_);
    invoker = invoker_;
  }
  if (invoker == nullptr) return responder.Fail(ServiceError("No invoker is configured"));

  InvokeRequest request;
  request.type = type;
  request.config = std::move(config).value();
  request.payload = payload;
  request.log_type = log_type;
  request.client_context =
      std::string(ctx.request.headers.Get("X-Amz-Client-Context").value_or(""));
  request.request_id = ctx.request.request_id;
  request.trace_header = std::string(ctx.request.headers.Get("X-Amzn-Trace-Id").value_or(""));
  std::string version = request.config.version;
  // std::function needs a copyable callable; the Responder answers once.
  auto shared = std::make_shared<edge::Responder>(std::move(responder));
  invoker->Invoke(std::move(request), [shared, version, type, log_type,
                                       legacy_async](Result<InvokeResult> result) {
    if (!result.ok()) return shared->Fail(result.error());
    InvokeResult& r = result.value();
    edge::Response response;
    response.status = r.status_code;
    if (legacy_async) {
      response.headers.Set("Content-Type", "application/json");
      response.body = R"({"Status":202})";
      response.status = 202;
      return shared->Send(std::move(response));
    }
    if (type == InvocationType::kRequestResponse) {
      response.headers.Set("Content-Type", "application/json");
      response.headers.Set("X-Amz-Executed-Version",
                           r.executed_version.empty() ? version : r.executed_version);
      response.body = std::move(r.payload);
    }
    if (!r.function_error.empty()) response.headers.Set("X-Amz-Function-Error", r.function_error);
    if (log_type == LogType::kTail && !r.log_result.empty()) {
      response.headers.Set("X-Amz-Log-Result", r.log_result);
    }
    shared->Send(std::move(response));
  });
}

}  // namespace kumo::functions

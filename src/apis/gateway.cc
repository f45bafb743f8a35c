#include "apis/gateway.h"

#include "apis/cors.h"
#include "apis/gateway_impl.h"
#include "apis/proxy_response.h"
#include "common/json.h"
#include "common/trace_id.h"
#include "functions/registry.h"
#include "logs/log_store.h"

namespace kumo::apis {
namespace {

// The first segment of `path` ("/dev/pets" -> "dev") and the rest ("/pets").
std::pair<std::string_view, std::string_view> SplitFirstSegment(std::string_view path) {
  if (path.empty() || path[0] != '/') return {{}, path};
  size_t end = path.find('/', 1);
  if (end == std::string_view::npos) return {path.substr(1), "/"};
  return {path.substr(1, end - 1), path.substr(end)};
}

// The log group named by an access-log DestinationArn
// ("arn:aws:logs:us-east-1:000000000000:log-group:name[:*]").
std::optional<std::string> LogGroupOf(std::string_view arn) {
  constexpr std::string_view kMarker = ":log-group:";
  size_t at = arn.find(kMarker);
  if (!arn.starts_with("arn:") || at == std::string_view::npos) return std::nullopt;
  std::string_view name = arn.substr(at + kMarker.size());
  if (name.ends_with(":*")) name.remove_suffix(2);
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

// Replaces each $context.name of `format` with its value ("-" when unknown
// or empty), as API Gateway writes access logs.
std::string FormatAccessLog(
    std::string_view format,
    const std::function<std::optional<std::string>(std::string_view)>& value) {
  constexpr std::string_view kPrefix = "$context.";
  std::string out;
  size_t pos = 0;
  while (pos < format.size()) {
    size_t at = format.find(kPrefix, pos);
    if (at == std::string_view::npos) {
      out.append(format.substr(pos));
      break;
    }
    out.append(format.substr(pos, at - pos));
    size_t end = at + kPrefix.size();
    while (end < format.size() && (std::isalnum(static_cast<unsigned char>(format[end])) ||
                                   format[end] == '_' || format[end] == '.')) {
      ++end;
    }
    while (end > at + kPrefix.size() && format[end - 1] == '.') --end;
    std::string_view name = format.substr(at + kPrefix.size(), end - at - kPrefix.size());
    std::optional<std::string> v = value(name);
    out += v && !v->empty() ? *v : "-";
    pos = end;
  }
  return out;
}

// $context.authorizer.claims.{name} (a JWT authorizer's claim) or
// $context.authorizer.{name} (a Lambda authorizer's context value): strings
// as they are, other values as JSON.
std::optional<std::string> AuthorizerValue(const Exchange& ex, std::string_view name) {
  if (!ex.authorizer) return std::nullopt;
  const boost::json::object* scope = &*ex.authorizer;
  const bool claim = name.starts_with("claims.");
  if (claim) name.remove_prefix(7);
  // Payload 2.0 nests each kind under its name; 1.0 does not, so there a
  // Lambda authorizer's context key may itself be named "lambda" or "jwt".
  if (ex.Format() == PayloadFormat::kV2) {
    const boost::json::value* nested = scope->if_contains(claim ? "jwt" : "lambda");
    scope = nested != nullptr ? nested->if_object() : nullptr;
  }
  if (scope != nullptr && claim) {
    const boost::json::value* claims = scope->if_contains("claims");
    scope = claims != nullptr ? claims->if_object() : nullptr;
  }
  const boost::json::value* value = scope != nullptr ? scope->if_contains(name) : nullptr;
  if (value == nullptr) return std::nullopt;
  return JsonText(*value);
}

}  // namespace

std::string SubstituteStageVariables(std::string_view text,
                                     const std::map<std::string, std::string>& variables) {
  constexpr std::string_view kOpen = "${stageVariables.";
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t at = text.find(kOpen, pos);
    size_t close = at == std::string_view::npos ? at : text.find('}', at);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, at - pos));
    std::string name(text.substr(at + kOpen.size(), close - at - kOpen.size()));
    if (auto it = variables.find(name); it != variables.end()) out += it->second;
    pos = close + 1;
  }
  return out;
}

PayloadFormat Exchange::Format() const {
  if (integration != nullptr) {
    if (auto f = ParsePayloadFormat(integration->payload_format_version)) return *f;
  }
  return PayloadFormat::kV2;
}

ProxyEventInput Exchange::EventInput(const GatewayOptions& options) const {
  ProxyEventInput in;
  in.account_id = options.account_id;
  in.api_id = stage->api.id;
  in.stage = stage->stage.name;
  if (match) {
    in.route_key = std::string(match->route_key);
    in.path_parameters = match->path_parameters;
  }
  in.stage_variables = stage->stage.variables;
  in.authorizer = authorizer;
  in.domain_name = domain_name;
  in.time_ms = start_ms;
  in.request_id = api_request_id;
  in.forwarded_port = forwarded_port;
  in.forwarded_proto = "http";
  in.trace_id = trace_id;
  return in;
}

Gateway::Impl::Impl(const ApiCatalog& catalog, const functions::FunctionRegistry& functions,
                    GatewayOptions options)
    : catalog_(catalog),
      functions_(functions),
      options_(std::move(options)),
      throttler_(*options_.clock),
      http_(options_.executor),
      jwks_(http_, *options_.clock),
      lambda_authorizer_(*options_.clock),
      deadlines_(options_.executor) {}

void Gateway::Impl::SetInvoker(std::shared_ptr<functions::Invoker> invoker) {
  std::lock_guard lock(mu_);
  invoker_ = std::move(invoker);
}

std::optional<Gateway::Impl::Target> Gateway::Impl::TargetOf(const edge::Request& request) const {
  std::string host = request.HostName();
  if (host.size() > std::char_traits<char>::length(kExecuteApiHostSuffix) &&
      host.ends_with(kExecuteApiHostSuffix)) {
    std::string api_id = host.substr(0, host.find('.'));
    return Target{std::move(api_id), request.raw_path, std::move(host)};
  }
  std::string_view raw = request.raw_path;
  if (!raw.starts_with(kExecuteApiPathPrefix)) return std::nullopt;
  raw.remove_prefix(std::char_traits<char>::length(kExecuteApiPathPrefix));
  size_t slash = raw.find('/');
  std::string api_id(raw.substr(0, slash));
  std::string path = slash == std::string_view::npos ? "/" : std::string(raw.substr(slash));
  if (api_id.empty()) return std::nullopt;
  return Target{api_id, std::move(path), api_id + kExecuteApiHostSuffix};
}

Result<RouteMatcher> Gateway::Impl::MatcherFor(
    const std::shared_ptr<const Deployment>& deployment) {
  {
    std::lock_guard lock(mu_);
    auto it = matchers_.find(deployment.get());
    if (it != matchers_.end() && it->second.deployment.lock() == deployment)
      return it->second.matcher;
  }
  std::vector<RouteEntry> entries;
  entries.reserve(deployment->routes.size());
  for (const Route& r : deployment->routes) entries.push_back({r.key, r.id});
  KUMO_ASSIGN_OR_RETURN(RouteMatcher matcher, RouteMatcher::Build(entries));
  std::lock_guard lock(mu_);
  if (matchers_.size() > 256) {
    std::erase_if(matchers_, [](const auto& entry) { return entry.second.deployment.expired(); });
  }
  matchers_[deployment.get()] = CachedMatcher{deployment, matcher};
  return matcher;
}

void Gateway::Impl::Handle(edge::Call call, edge::Responder responder) {
  std::optional<Target> target = TargetOf(call.request);
  auto ex = std::make_shared<Exchange>(std::move(call.request), std::move(responder));
  ex->api_request_id = NewApiRequestId();
  ex->start_ms = options_.clock->NowMillis();
  if (!target) return ex->responder.Send(GatewayResponse(kNotFound, ex->api_request_id));
  std::shared_ptr<const CatalogApi> api = catalog_.FindApi(target->api_id);
  if (api == nullptr) return ex->responder.Send(GatewayResponse(kNotFound, ex->api_request_id));
  if (api->api.disable_execute_api_endpoint) {
    return ex->responder.Send(GatewayResponse(kForbidden, ex->api_request_id));
  }
  ex->domain_name = std::move(target->domain_name);
  std::string_view host = ex->request.headers.Get("host").value_or("");
  size_t colon = host.rfind(':');
  ex->forwarded_port =
      colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos
          ? std::string(host.substr(colon + 1))
          : std::string("80");
  ex->trace_id = "Root=" + NewTraceRoot(ex->start_ms);
  // API Gateway decodes the path on the API's own host (stage included) once,
  // and a '?' that decoding produced ends it ("/a%3Fb" is "/a"). Stages and
  // routes are matched on that path, each segment decoded again, so "%2F"
  // separates segments and "%252F" is a '/' inside one; the event's rawPath
  // is it decoded again. A path that does not decode twice is refused.
  std::optional<std::string> routed = edge::PercentDecode(target->path, false);
  std::optional<std::string> decoded;
  if (routed) {
    routed->resize(std::min(routed->find('?'), routed->size()));
    decoded = edge::PercentDecode(*routed, false);
  }
  if (!decoded) return ex->responder.Send(GatewayResponse(kBadRequest, ex->api_request_id));
  ex->request.raw_path = std::move(*routed);
  ex->request.path = std::move(*decoded);

  auto [first, rest] = SplitFirstSegment(ex->request.raw_path);
  std::shared_ptr<const DeployedStage> stage;
  if (!first.empty() && first != "$default") stage = api->Stage(first);
  if (stage != nullptr) {
    ex->route_path = std::string(rest);
  } else {
    stage = api->Stage("$default");
    ex->route_path = ex->request.raw_path;
  }
  if (stage == nullptr || stage->deployment == nullptr) {
    return ex->responder.Send(GatewayResponse(kNotFound, ex->api_request_id));
  }
  ex->stage = stage;
  ex->responder.SetOperation(stage->api.id);
  // An HTTP API takes at most 10 MB of payload (API Gateway's quota).
  constexpr size_t kMaxPayloadBytes = 10 * 1024 * 1024;
  if (ex->request.body.size() > kMaxPayloadBytes) {
    return Refuse(ex, kPayloadTooLarge, false);
  }

  Result<RouteMatcher> matcher = MatcherFor(stage->deployment);
  if (!matcher.ok()) return Refuse(ex, kInternalServerError, false);
  ex->matcher = std::move(matcher).value();
  ex->match = ex->matcher.Match(ex->request.method, ex->route_path);
  const std::optional<CorsConfig>& cors = stage->api.cors;
  if (!ex->match) {
    if (cors && IsPreflightRequest(ex->request)) {
      return Finish(ex, PreflightResponse(*cors, ex->request, ex->api_request_id), false);
    }
    return Refuse(ex, kNotFound, false);
  }
  ex->route = stage->deployment->FindRouteByKey(ex->match->route_key);
  if (ex->route == nullptr) return Refuse(ex, kNotFound, false);
  if (!ex->route->integration_id.empty()) {
    ex->integration = stage->deployment->FindIntegration(ex->route->integration_id);
  }
  std::string key = ThrottleKey(stage->api.id, stage->stage.name, ex->route->key);
  if (!throttler_.TryAcquire(key, LimitsFor(stage->SettingsFor(ex->route->key)))) {
    return Refuse(ex, kTooManyRequests, false);
  }
  Authorize(ex, [self = shared_from_this(), ex] { self->Integrate(ex); });
}

void Gateway::Impl::Refuse(const ExchangePtr& ex, const GatewayError& error, bool with_cors) {
  ex->error_message = error.message;
  Finish(ex, GatewayResponse(error, ex->api_request_id), with_cors);
}

void Gateway::Impl::Finish(const ExchangePtr& ex, edge::Response response, bool with_cors) {
  if (with_cors && ex->stage && ex->stage->api.cors) {
    response = ApplyCors(*ex->stage->api.cors, ex->request, std::move(response));
  }
  if (!response.headers.Has("apigw-requestid"))
    response.headers.Set("apigw-requestid", ex->api_request_id);
  WriteAccessLog(*ex, response);
  ex->responder.Send(std::move(response));
}

std::optional<std::string> Gateway::Impl::ContextVariable(const Exchange& ex, std::string_view name,
                                                          int status,
                                                          size_t response_length) const {
  const edge::Request& r = ex.request;
  if (name == "requestId" || name == "extendedRequestId") return ex.api_request_id;
  if (name == "apiId") return ex.stage ? ex.stage->api.id : "";
  if (name == "stage") return ex.stage ? ex.stage->stage.name : "";
  if (name == "routeKey") return ex.match ? std::string(ex.match->route_key) : "";
  if (name == "httpMethod") return r.method;
  if (name == "path") return r.path;
  if (name == "protocol") return std::string("HTTP/1.1");
  if (name == "domainName") return ex.domain_name;
  if (name == "domainPrefix") return ex.domain_name.substr(0, ex.domain_name.find('.'));
  if (name == "accountId") return options_.account_id;
  if (name == "identity.sourceIp") return SourceIp(r.remote_address);
  if (name == "identity.userAgent") return std::string(r.headers.Get("user-agent").value_or(""));
  if (name == "requestTime") return FormatRequestTime(ex.start_ms);
  if (name == "requestTimeEpoch") return std::to_string(ex.start_ms);
  if (name == "status") return status > 0 ? std::to_string(status) : "";
  if (name == "responseLength") return status > 0 ? std::to_string(response_length) : "";
  if (name == "responseLatency") {
    return status > 0 ? std::to_string(options_.clock->NowMillis() - ex.start_ms) : "";
  }
  if (name == "integrationStatus" || name == "integration.status" ||
      name == "integration.integrationStatus") {
    return ex.integration_status;
  }
  if (name == "integrationLatency" || name == "integration.latency") {
    return ex.integration_latency_ms >= 0 ? std::to_string(ex.integration_latency_ms) : "";
  }
  if (name == "integrationErrorMessage" || name == "integration.error") return ex.integration_error;
  if (name == "integration.requestId" || name == "awsEndpointRequestId") {
    return ex.integration_request_id;
  }
  if (name == "awsEndpointRequestId2") return ex.integration_request_id2;
  if (name == "authorizer.error") return ex.authorizer_error;
  if (name == "authorizer.principalId") return ex.authorizer_principal;
  if (name.starts_with("authorizer.")) return AuthorizerValue(ex, name.substr(11));
  if (name == "error.message") return std::string(ex.error_message);
  if (name == "error.messageString") {
    return ex.error_message.empty() ? std::string() : "\"" + std::string(ex.error_message) + "\"";
  }
  return std::nullopt;
}

void Gateway::Impl::WriteAccessLog(const Exchange& ex, const edge::Response& response) {
  if (options_.log_store == nullptr || !ex.stage || !ex.stage->stage.access_log) return;
  const AccessLogSettings& settings = *ex.stage->stage.access_log;
  std::optional<std::string> group = LogGroupOf(settings.destination_arn);
  if (!group || settings.format.empty()) return;
  std::string line = FormatAccessLog(settings.format, [&](std::string_view name) {
    return ContextVariable(ex, name, response.status, response.body.size());
  });
  std::string stream = ex.stage->api.id + "_" + ex.stage->stage.name;
  options_.log_store->Append(logs::GroupRef{ex.stage->api.region, *group}, stream,
                             {logs::LogEvent{options_.clock->NowMillis(), std::move(line)}});
}

Gateway::Gateway(const ApiCatalog& catalog, const functions::FunctionRegistry& functions,
                 GatewayOptions options)
    : impl_(std::make_shared<Impl>(catalog, functions, std::move(options))) {}

Gateway::~Gateway() = default;

void Gateway::SetInvoker(std::shared_ptr<functions::Invoker> invoker) {
  impl_->SetInvoker(std::move(invoker));
}

edge::ServiceDescriptor Gateway::Descriptor() {
  edge::ServiceDescriptor d;
  d.name = "execute-api";
  d.protocol = edge::Protocol::kRestJson;
  d.host_suffixes = {kExecuteApiHostSuffix};
  d.path_prefixes = {kExecuteApiPathPrefix};
  d.authenticate = false;
  d.stamps_request_id = false;
  d.handler = [impl = impl_.get()](edge::Call call, edge::Responder responder) {
    impl->Handle(std::move(call), std::move(responder));
  };
  return d;
}

}  // namespace kumo::apis

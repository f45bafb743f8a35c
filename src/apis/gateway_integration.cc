// The gateway's integrations: AWS_PROXY (a Lambda invocation with the proxy
// event) and HTTP_PROXY (the request forwarded to a URL), each bounded by the
// integration's TimeoutInMillis.
#include <atomic>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <chrono>

#include "apis/gateway_impl.h"
#include "apis/parameter_mapping.h"
#include "apis/proxy_response.h"
#include "common/encoding.h"
#include "functions/registry.h"

namespace kumo::apis {
namespace {

namespace asio = boost::asio;

// Hop-by-hop headers (RFC 9110 §7.6.1) and those the client library sets
// itself: never copied between the client's and the integration's messages.
bool IsHopByHop(std::string_view name) {
  for (std::string_view h : {"connection", "keep-alive", "transfer-encoding", "te", "trailer",
                             "upgrade", "proxy-connection", "content-length", "host", "expect"}) {
    if (EqualsIgnoreCase(name, h)) return true;
  }
  return false;
}

// The function ARN of an AWS_PROXY integration: as the control plane parsed
// it, else out of the invocation-URI form
// (arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations).
std::string FunctionArnOf(const Integration& integration) {
  if (!integration.function_arn.empty()) return integration.function_arn;
  std::string_view uri = integration.uri;
  constexpr std::string_view kFunctions = "/functions/";
  size_t at = uri.find(kFunctions);
  if (at == std::string_view::npos) return std::string(uri);
  uri.remove_prefix(at + kFunctions.size());
  if (size_t end = uri.rfind("/invocations"); end != std::string_view::npos)
    uri = uri.substr(0, end);
  return std::string(uri);
}

// "{name}" in an HTTP_PROXY URI replaced by the route's path parameter
// (greedy ones referenced without '+'), percent-encoded but for '/'.
std::string SubstitutePathParameters(
    std::string_view uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out(uri);
  for (const auto& [name, value] : params) {
    std::string token = "{" + name + "}";
    std::string encoded = edge::PercentEncode(value, true);
    for (size_t at = out.find(token); at != std::string::npos;
         at = out.find(token, at + encoded.size())) {
      out.replace(at, token.size(), encoded);
    }
  }
  return out;
}

// `url` with its path replaced by `path`, percent-encoded as it stands
// (encoded here where it is not), its query string kept.
std::string WithPath(std::string_view url, std::string_view path) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::string(url);
  boost::urls::url u(*parsed);
  if (auto encoded = boost::urls::make_pct_string_view(path)) {
    u.set_encoded_path(*encoded);
  } else {
    u.set_path(path);
  }
  return std::string(u.buffer());
}

// `url` with `path` (percent-encoded) after its own path, its query string
// kept: "http://h/base?x=1" + "/a/b" is "http://h/base/a/b?x=1".
std::string WithPathAppended(std::string_view url, std::string_view path) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::string(url);
  std::string joined(parsed->encoded_path());
  while (!joined.empty() && joined.back() == '/') joined.pop_back();
  joined += path;
  return WithPath(url, joined);
}

// A node of RFC 7239's Forwarded header: an IPv6 address is quoted and
// bracketed ("[::1]").
std::string ForwardedNode(std::string ip) {
  return ip.find(':') == std::string::npos ? ip : "\"[" + ip + "]\"";
}

// API Gateway's element of the Forwarded header of `client`'s request: the
// gateway's address, the client's, the Host it called and the scheme.
std::string ForwardedElement(const edge::Request& client) {
  std::string element = "by=" + ForwardedNode(client.local_address) +
                        ";for=" + ForwardedNode(SourceIp(client.remote_address));
  if (auto host = client.headers.Get("host"); host && !host->empty()) {
    // With a port, not a token: quoted.
    element += host->find(':') == std::string_view::npos ? ";host=" + std::string(*host)
                                                         : ";host=\"" + std::string(*host) + "\"";
  }
  return element + ";proto=http";
}

// Fires a callback once: with the result, or with a timeout, whichever
// comes first.
struct InvokeRace {
  std::atomic<bool> fired{false};
  std::function<void(Result<LambdaOutcome>)> done;
  Deadlines* deadlines = nullptr;
  Deadlines::Handle deadline;

  // `expired`: called by the deadline itself (nothing to cancel).
  void Fire(Result<LambdaOutcome> outcome, bool expired = false) {
    if (fired.exchange(true)) return;
    if (!expired) deadlines->Cancel(deadline);
    done(std::move(outcome));
  }
};

}  // namespace

void Gateway::Impl::InvokeFunction(LambdaCall call,
                                   std::function<void(Result<LambdaOutcome>)> done) {
  std::shared_ptr<functions::Invoker> invoker;
  {
    std::lock_guard lock(mu_);
    invoker = invoker_;
  }
  if (invoker == nullptr)
    return done(Error{500, "ServiceException", "Functions are not running yet"});
  // Lambda refuses a synchronous event over its limit before running anything.
  if (Status s = functions::CheckPayloadSize(call.payload.size(),
                                             functions::InvocationType::kRequestResponse);
      !s.ok()) {
    return done(s.error());
  }
  Result<functions::FunctionConfig> config =
      functions_.Resolve(options_.region, call.function_arn, "");
  if (!config.ok()) return done(config.error());

  auto race = std::make_shared<InvokeRace>();
  race->done = std::move(done);
  race->deadlines = &deadlines_;
  race->deadline = deadlines_.Add(
      std::chrono::steady_clock::now() + std::chrono::milliseconds(call.timeout_ms), [race] {
        LambdaOutcome outcome;
        outcome.timed_out = true;
        race->Fire(outcome, true);
      });
  functions::InvokeRequest request;
  request.type = functions::InvocationType::kRequestResponse;
  request.config = std::move(config).value();
  request.payload = std::move(call.payload);
  request.request_id = std::move(call.request_id);
  invoker->Invoke(std::move(request), [race](Result<functions::InvokeResult> result) {
    if (!result.ok()) {
      LambdaOutcome failed;
      failed.status = result.error().http_status;
      failed.function_error = result.error().code;
      failed.payload = result.error().message;
      return race->Fire(failed);
    }
    LambdaOutcome outcome;
    outcome.status = result->status_code;
    outcome.function_error = std::move(result->function_error);
    outcome.payload = std::move(result->payload);
    race->Fire(outcome);
  });
}

bool Gateway::Impl::MapRequest(Exchange& ex) const {
  if (ex.integration->request_parameters.empty()) return false;
  MappingSources sources;
  sources.request = &ex.request;
  sources.route_path = ex.route_path;
  if (ex.match) sources.path_parameters = &ex.match->path_parameters;
  sources.stage_variables = &ex.stage->stage.variables;
  sources.context = [&](std::string_view name) { return ContextVariable(ex, name, 0, 0); };
  return ApplyRequestParameters(ex.integration->request_parameters, sources, ex.request);
}

void Gateway::Impl::MapResponse(const Exchange& ex, edge::Response& response) const {
  if (ex.integration->response_parameters.empty()) return;
  MappingSources sources;
  sources.response = &response;
  sources.stage_variables = &ex.stage->stage.variables;
  sources.context = [&](std::string_view name) {
    return ContextVariable(ex, name, response.status, response.body.size());
  };
  ApplyResponseParameters(ex.integration->response_parameters, sources, response);
}

void Gateway::Impl::Integrate(const ExchangePtr& ex) {
  const Integration* integration = ex->integration;
  if (integration == nullptr) return Refuse(ex, kNotFound, true);
  const bool path_mapped = MapRequest(*ex);
  const auto& variables = ex->stage->stage.variables;
  const int64_t started = options_.clock->NowMillis();
  auto self = shared_from_this();

  if (integration->type == IntegrationType::kAwsProxy) {
    PayloadFormat format = ex->Format();
    ex->integration_request_id = NewUuid();
    LambdaCall call{SubstituteStageVariables(FunctionArnOf(*integration), variables),
                    BuildProxyEvent(format, ex->request, ex->EventInput(options_)),
                    ex->integration_request_id, integration->timeout_ms};
    InvokeFunction(std::move(call), [self, ex, format, started](Result<LambdaOutcome> outcome) {
      ex->integration_latency_ms = self->options_.clock->NowMillis() - started;
      if (!outcome.ok()) {
        ex->integration_status = std::to_string(outcome.error().http_status);
        ex->integration_error = outcome.error().message;
        // An event over Lambda's payload limit: the client's request was too large.
        if (outcome.error().http_status == 413) {
          return self->Refuse(ex, kPayloadTooLarge, true);
        }
        return self->Refuse(ex, kInternalServerError, true);
      }
      if (outcome->timed_out) {
        ex->integration_error = "The integration timed out";
        return self->Refuse(ex, kServiceUnavailable, true);
      }
      ex->integration_status = std::to_string(outcome->status);
      ProxyResult result = MapLambdaResponse(format, outcome->status, outcome->function_error,
                                             outcome->payload, ex->api_request_id);
      ex->integration_error = std::move(result.integration_error);
      // A malformed answer or a function error is the gateway's 500, not the
      // integration's response.
      if (ex->integration_error.empty()) {
        self->MapResponse(*ex, result.response);
      } else {
        ex->error_message = kInternalServerError.message;
      }
      self->Finish(ex, std::move(result.response), true);
    });
    return;
  }

  // HTTP_PROXY: the request goes on to the URL, the answer comes back as is.
  HttpClientRequest request;
  request.method = integration->method.empty() || integration->method == "ANY"
                       ? ex->request.method
                       : integration->method;
  request.url = SubstitutePathParameters(SubstituteStageVariables(integration->uri, variables),
                                         ex->match->path_parameters);
  // "When the $default route receives a request, API Gateway sends the full
  // request path to the integration" (the path after a named stage).
  if (ex->match->route_key == "$default") {
    request.url = WithPathAppended(request.url, edge::PercentEncode(ex->route_path, true));
  }
  if (path_mapped) request.url = WithPath(request.url, ex->request.raw_path);
  if (!ex->request.raw_query.empty()) {
    request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + ex->request.raw_query;
  }
  // The client's headers, with API Gateway's proxy headers after any the
  // client sent: Forwarded (RFC 7239) and Via, not X-Forwarded-*, as users
  // of HTTP APIs see them ("forwarded: by=...;for=...;host=...;proto=https",
  // "via: HTTP/1.1 AmazonAPIGateway"; expressjs/session#886, express#5459).
  std::string forwarded = ForwardedElement(ex->request);
  std::string via = "HTTP/1.1 AmazonAPIGateway";
  for (const auto& [name, value] : ex->request.headers.fields()) {
    if (IsHopByHop(name)) continue;
    if (EqualsIgnoreCase(name, "forwarded")) {
      forwarded = value + ", " + forwarded;
    } else if (EqualsIgnoreCase(name, "via")) {
      via = value + ", " + via;
    } else {
      request.headers.Add(name, value);
    }
  }
  request.headers.Set("forwarded", forwarded);
  request.headers.Set("via", via);
  request.body = ex->request.body;
  request.timeout = std::chrono::milliseconds(integration->timeout_ms);
  http_.Send(std::move(request), [self, ex, started](Result<HttpClientResponse> answer) {
    ex->integration_latency_ms = self->options_.clock->NowMillis() - started;
    if (!answer.ok()) {
      ex->integration_error = answer.error().message;
      bool timed_out = answer.error().code == "Timeout";
      return self->Refuse(ex, timed_out ? kServiceUnavailable : kInternalServerError, true);
    }
    ex->integration_status = std::to_string(answer->status);
    ex->integration_request_id =
        answer->headers.Get("x-amzn-requestid")
            .value_or(answer->headers.Get("x-amz-request-id").value_or(""));
    ex->integration_request_id2 = answer->headers.Get("x-amz-id-2").value_or("");
    edge::Response response;
    response.status = answer->status;
    // A HEAD's answer keeps the backend's Content-Length: the length a GET
    // would have (the edge sends it as it is, with no body).
    const bool head = ex->request.method == "HEAD";
    for (const auto& [name, value] : answer->headers.fields()) {
      if (!IsHopByHop(name) || (head && EqualsIgnoreCase(name, "content-length"))) {
        response.headers.Add(name, value);
      }
    }
    response.body = std::move(answer->body);
    self->MapResponse(*ex, response);
    self->Finish(ex, std::move(response), true);
  });
}

}  // namespace kumo::apis

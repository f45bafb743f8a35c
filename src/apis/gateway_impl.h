// The gateway's insides, shared by gateway.cc (request flow),
// gateway_auth.cc (authorizers) and gateway_integration.cc (Lambda and
// HTTP proxy integrations). Not a public header.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "apis/api_catalog.h"
#include "apis/deadlines.h"
#include "apis/gateway.h"
#include "apis/http_client.h"
#include "apis/jwks_cache.h"
#include "apis/lambda_authorizer.h"
#include "apis/proxy_event.h"
#include "apis/proxy_response.h"
#include "apis/route_matcher.h"
#include "apis/throttle.h"
#include "edge/http_types.h"
#include "edge/service.h"
#include "functions/invoker.h"

namespace kumo::functions {
class FunctionRegistry;
}

namespace kumo::apis {

// One request on its way through the gateway. Shared by the callbacks of
// the steps that answer later (authorizer, integration); answered once.
struct Exchange {
  Exchange(edge::Request r, edge::Responder resp)
      : request(std::move(r)), responder(std::move(resp)) {}

  edge::Request request;
  edge::Responder responder;
  std::string api_request_id;  // requestContext.requestId, apigw-requestid
  int64_t start_ms = 0;
  std::string domain_name;     // "{apiId}.execute-api.localhost" or the Host the client used
  std::string route_path;      // the raw path after the stage segment
  std::string forwarded_port;  // x-forwarded-port: the port the client called
  std::string trace_id;        // x-amzn-trace-id: Root=1-{time}-{random}
  std::shared_ptr<const DeployedStage> stage;
  RouteMatcher matcher;  // keeps `match`'s views valid
  std::optional<RouteMatch> match;
  const Route* route = nullptr;
  const Integration* integration = nullptr;
  std::optional<boost::json::object> authorizer;  // requestContext.authorizer
  std::string authorizer_principal;               // $context.authorizer.principalId
  // For the access log.
  std::string integration_status;
  std::string integration_error;
  std::string authorizer_error;
  // $context.error.message: API Gateway's own error answer, when it gave one.
  std::string_view error_message;
  int64_t integration_latency_ms = -1;
  // $context.integration.requestId (= awsEndpointRequestId): the Lambda
  // invocation's request id, or an HTTP backend's x-amzn-RequestId or
  // x-amz-request-id; awsEndpointRequestId2 is a backend's x-amz-id-2.
  std::string integration_request_id;
  std::string integration_request_id2;

  PayloadFormat Format() const;
  // The ProxyEventInput of this request (stage, route, authorizer so far).
  ProxyEventInput EventInput(const GatewayOptions& options) const;
};
using ExchangePtr = std::shared_ptr<Exchange>;

// A synchronous invocation the gateway makes (integration or authorizer).
// It carries no trace header: HTTP APIs do not take part in X-Ray, so on AWS
// the function's _X_AMZN_TRACE_ID starts a trace of its own, with a Root
// other than the event's x-amzn-trace-id.
struct LambdaCall {
  std::string function_arn;  // stage variables already substituted
  std::string payload;
  std::string request_id;  // Lambda's request id: the function's context.awsRequestId
  int64_t timeout_ms = 0;
};

// What a Lambda invocation returned, for MapLambdaResponse and authorizers.
struct LambdaOutcome {
  int status = 200;            // the Invoke API's status (Lambda errors: theirs)
  std::string function_error;  // X-Amz-Function-Error
  std::string payload;
  bool timed_out = false;  // past the timeout: nothing else is set
};

class Gateway::Impl : public std::enable_shared_from_this<Gateway::Impl> {
 public:
  Impl(const ApiCatalog& catalog, const functions::FunctionRegistry& functions,
       GatewayOptions options);

  void Handle(edge::Call call, edge::Responder responder);
  void SetInvoker(std::shared_ptr<functions::Invoker> invoker);

  // gateway_auth.cc: runs the route's authorizer, then `next`; or answers.
  void Authorize(const ExchangePtr& ex, std::function<void()> next);
  // gateway_integration.cc: runs the route's integration and answers.
  void Integrate(const ExchangePtr& ex);
  // Invokes `call`; `done` runs once, on any thread, at the latest after
  // `call.timeout_ms`.
  void InvokeFunction(LambdaCall call, std::function<void(Result<LambdaOutcome>)> done);

  // gateway_integration.cc: the integration's parameter mapping applied to
  // the request on its way in (true when it overwrote the path), and to the
  // integration's response.
  bool MapRequest(Exchange& ex) const;
  void MapResponse(const Exchange& ex, edge::Response& response) const;

  // Sends `response` (with CORS when `with_cors`, and apigw-requestid),
  // writes the access log line.
  void Finish(const ExchangePtr& ex, edge::Response response, bool with_cors);
  // Finish with API Gateway's own error answer.
  void Refuse(const ExchangePtr& ex, const GatewayError& error, bool with_cors);

  // $context.{name} for access logs and identity sources; nullopt: unknown.
  std::optional<std::string> ContextVariable(const Exchange& ex, std::string_view name, int status,
                                             size_t response_length) const;

  const GatewayOptions& options() const { return options_; }

 private:
  struct Target {
    std::string api_id;
    std::string path;  // raw, from the first '/' after the API id (host form: the whole path)
    std::string domain_name;
  };
  std::optional<Target> TargetOf(const edge::Request& request) const;
  Result<RouteMatcher> MatcherFor(const std::shared_ptr<const Deployment>& deployment);
  void WriteAccessLog(const Exchange& ex, const edge::Response& response);

  const ApiCatalog& catalog_;
  const functions::FunctionRegistry& functions_;
  GatewayOptions options_;
  Throttler throttler_;
  HttpClient http_;
  JwksCache jwks_;
  LambdaAuthorizer lambda_authorizer_;
  Deadlines deadlines_;  // integration and authorizer timeouts

  mutable std::mutex mu_;
  std::shared_ptr<functions::Invoker> invoker_;
  struct CachedMatcher {
    std::weak_ptr<const Deployment> deployment;
    RouteMatcher matcher;
  };
  std::unordered_map<const Deployment*, CachedMatcher> matchers_;

  friend class Gateway;
};

// "${stageVariables.name}" replaced by the stage's value ("" when unset).
std::string SubstituteStageVariables(std::string_view text,
                                     const std::map<std::string, std::string>& variables);

}  // namespace kumo::apis

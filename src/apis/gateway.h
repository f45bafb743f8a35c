// Gateway: the HTTP API data plane. It serves user traffic for the APIs the
// control plane (ApiControlService) defines, at
//   http://{apiId}.execute-api.localhost:{port}/{stage}/path
//   http://127.0.0.1:{port}/_aws/execute-api/{apiId}/{stage}/path
// (the $default stage has no stage segment), and runs each request the way
// API Gateway HTTP APIs do:
//   1. the API and stage: a first path segment naming a stage selects it,
//      anything else goes to $default; no such API/stage, or a stage never
//      deployed: 404 {"message":"Not Found"};
//   2. the route (RouteMatcher, built once per deployment); none: a CORS
//      preflight is answered by the gateway, anything else 404;
//   3. throttling: the route's token bucket (stage DefaultRouteSettings /
//      RouteSettings, else the account's 10,000 rps, burst 5,000): 429;
//   4. the route's authorizer: JWT (keys from the issuer's JWKS over HTTP)
//      or a Lambda REQUEST authorizer (cached by identity for its TTL);
//   5. the integration: AWS_PROXY invokes the function with the payload 1.0
//      or 2.0 event and reads its answer (proxy_response.h); HTTP_PROXY
//      forwards the request to the URL; past TimeoutInMillis: 503;
//   6. CORS headers (cors.h), `apigw-requestid`, and an access-log line in
//      the stage's log group when the stage sets AccessLogSettings.
//
// Threading: the handler runs on an I/O thread and never blocks: an
// invocation or an outbound HTTP call answers later from whichever thread
// completes it. Everything the gateway reads from the control plane is an
// immutable snapshot (api_catalog.h), so a request sees one consistent
// deployment however the API changes meanwhile.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "apis/api_catalog.h"
#include "common/clock.h"
#include "edge/service.h"

namespace kumo::functions {
class FunctionRegistry;
class Invoker;
}  // namespace kumo::functions

namespace kumo::logs {
class LogStore;
}

namespace kumo::apis {

inline constexpr char kExecuteApiHostSuffix[] = ".execute-api.localhost";
inline constexpr char kExecuteApiPathPrefix[] = "/_aws/execute-api/";

struct GatewayOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  const Clock* clock = &Clock::System();
  // Runs timers (integration timeouts) and outbound HTTP (JWKS, HTTP_PROXY).
  boost::asio::any_io_executor executor;
  // Where access logs go; null: access logging is off.
  logs::LogStore* log_store = nullptr;
};

class Gateway {
 public:
  // `catalog`, `functions` and `options.log_store` must outlive the gateway.
  Gateway(const ApiCatalog& catalog, const functions::FunctionRegistry& functions,
          GatewayOptions options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Who runs Lambda integrations and authorizers; until set, they answer 500.
  // May be called at any time, from any thread.
  void SetInvoker(std::shared_ptr<functions::Invoker> invoker);

  // name "execute-api", never authenticated, host suffix
  // kExecuteApiHostSuffix and path prefix kExecuteApiPathPrefix. The handler
  // refers to this gateway, which must outlive every call.
  edge::ServiceDescriptor Descriptor();

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kumo::apis

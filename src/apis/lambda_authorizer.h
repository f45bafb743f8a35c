// Lambda (REQUEST) authorizers of HTTP APIs: identity sources, the event the
// authorizer function receives (payload format 1.0 and 2.0), how its answer
// is read (simple responses and IAM policies), and the result cache.
//
// The function itself is invoked through an AuthorizerInvoker the caller
// supplies, so this file does not depend on the runtime.
//
// Outcomes, as API Gateway answers them:
//   401 {"message":"Unauthorized"}           an identity source is missing or empty
//                                             (the function is not invoked)
//   403 {"message":"Forbidden"}              isAuthorized false, or the policy does not
//                                             allow the route (explicit or implicit deny)
//   500 {"message":"Internal Server Error"}  the invoke failed, the function raised an
//                                             error, or its answer is malformed
//
// Threading: free functions are pure. LambdaAuthorizer may be used from any
// thread; its cache is guarded by a mutex never held while calling out.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apis/jwt.h"
#include "common/clock.h"
#include "common/status.h"
#include "edge/http_types.h"

namespace kumo::apis {

// ---- identity sources -------------------------------------------------------

struct IdentitySource {
  enum class Kind { kHeader, kQueryString, kContext, kStageVariable };
  Kind kind = Kind::kHeader;
  std::string name;        // "Authorization", "token", "routeKey", "stageVar"
  std::string expression;  // as configured: "$request.header.Authorization"
};

// Parses "$request.header.NAME", "$request.querystring.NAME", "$context.NAME"
// or "$stageVariables.NAME". Anything else: 400 BadRequestException.
Result<IdentitySource> ParseIdentitySource(std::string_view expression);

// What identity sources read from a request.
struct IdentityInputs {
  const edge::Headers& headers;                                   // names ignore case
  const std::vector<std::pair<std::string, std::string>>& query;  // decoded; names match exactly
  const std::map<std::string, std::string>& stage_variables;
  // $context.NAME; nullopt when the variable is unknown. May be empty.
  std::function<std::optional<std::string>(std::string_view name)> context_variable;
};

// The value of each source, in order. A header or query parameter given more
// than once yields its values joined by ','. A missing or empty value refuses
// the request with 401 (no www-authenticate header).
AuthOutcome<std::vector<std::string>> ResolveIdentitySources(
    const std::vector<IdentitySource>& sources, const IdentityInputs& inputs);

// ---- events -----------------------------------------------------------------

// arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH, where `path`
// is the request's path after the stage segment, as the route sees it
// (stage "dev", GET /dev/pets: BuildRouteArn(..., "dev", "GET", "/pets")
// gives ".../dev/GET/pets").
std::string BuildRouteArn(std::string_view region, std::string_view account,
                          std::string_view api_id, std::string_view stage, std::string_view method,
                          std::string_view path);

// Payload 2.0: {"version":"2.0","type":"REQUEST","routeArn","identitySource":[...],
// then routeKey, rawPath, rawQueryString, cookies, headers, queryStringParameters,
// requestContext, pathParameters, stageVariables} copied from `proxy_event`, a
// 2.0 proxy integration event of the request (members it lacks are left out;
// body, isBase64Encoded and requestContext.authorizer are never copied).
boost::json::object BuildAuthorizerEventV2(const boost::json::object& proxy_event,
                                           std::string_view route_arn,
                                           const std::vector<std::string>& identity_values);

// Payload 1.0: {"version":"1.0","type":"REQUEST","methodArn","identitySource":"a,b",
// "authorizationToken":"a,b", then resource, path, httpMethod, headers,
// multiValueHeaders, queryStringParameters, multiValueQueryStringParameters,
// pathParameters, stageVariables, requestContext} copied from `proxy_event`, a
// 1.0 proxy integration event of the request (same omissions as above).
boost::json::object BuildAuthorizerEventV1(const boost::json::object& proxy_event,
                                           std::string_view method_arn,
                                           const std::vector<std::string>& identity_values);

// ---- responses ---------------------------------------------------------------

// '*' matches any run of characters (including none and '/'), '?' exactly one.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case);

// A policy document's verdict for execute-api:Invoke on `route_arn`, IAM
// style: an explicit Deny wins, else an Allow allows, else deny. Action and
// Resource may be a string or a list, with wildcards; actions ignore case.
// Statements with NotAction, NotResource or Condition are not supported and
// are ignored. Fails (500) when the document is malformed.
Result<bool> PolicyAllows(const boost::json::object& policy_document, std::string_view route_arn);

// An authorizer function's answer, checked for shape.
struct AuthorizerResponse {
  bool simple = false;
  bool is_authorized = false;           // simple responses
  boost::json::object policy_document;  // IAM responses
  std::string principal_id;             // IAM responses; "" when absent
  boost::json::object context;          // {} when absent
};

// Reads the function's payload: {"isAuthorized": bool, "context": {...}} when
// `simple_responses`, else {"principalId", "policyDocument", "context"}.
// Fails (500 reasons) when it is not JSON or not of that shape.
Result<AuthorizerResponse> ParseAuthorizerResponse(std::string_view payload, bool simple_responses);

// ---- the authorizer ----------------------------------------------------------

struct LambdaAuthorizerConfig {
  std::string authorizer_id;
  // Where cached answers are shared: answers are cached per (scope,
  // authorizer id, identity values). The gateway scopes them to the API,
  // the stage, its deployment and its cache generation.
  std::string cache_scope;
  std::string payload_format_version = "2.0";  // "1.0" or "2.0"
  bool enable_simple_responses = false;        // honoured for 2.0 only
  int64_t result_ttl_seconds = 0;              // 0: no caching
  std::vector<IdentitySource> identity_sources;
};

struct AuthorizerInvokeResult {
  int status_code = 200;
  std::string function_error;  // X-Amz-Function-Error ("Unhandled"); "" on success
  std::string payload;
};
using AuthorizerInvokeCallback = std::function<void(Result<AuthorizerInvokeResult>)>;
// Invokes the authorizer function synchronously (RequestResponse) with the
// event's JSON text and calls back once, from any thread.
using AuthorizerInvoker =
    std::function<void(std::string event_json, AuthorizerInvokeCallback done)>;

// What the integration sees in requestContext.authorizer.
struct LambdaAuthorization {
  boost::json::object context;
  std::string principal_id;  // IAM responses only
  bool from_cache = false;
};

using LambdaAuthorizationCallback = std::function<void(AuthOutcome<LambdaAuthorization>)>;

class LambdaAuthorizer {
 public:
  // `clock` (monotonic time) ages cache entries; it must outlive this object.
  explicit LambdaAuthorizer(const Clock& clock, size_t max_cache_entries = 10000);
  ~LambdaAuthorizer();
  LambdaAuthorizer(const LambdaAuthorizer&) = delete;
  LambdaAuthorizer& operator=(const LambdaAuthorizer&) = delete;

  // Authorizes one request for `route_arn`. `identity_values` come from
  // ResolveIdentitySources (a missing source was already refused there).
  // When a cached answer for (authorizer id, identity values) is younger than
  // result_ttl_seconds it is used, its policy evaluated against this route;
  // else `proxy_event()` is called (the 1.0 or 2.0 proxy event, matching the
  // config's payload format), the event is built and `invoke` runs. Well-formed
  // answers, allow or deny, are cached when caching is on and there is at least
  // one identity source; failures never are. `done` runs once: inline on a
  // cache hit, else from the invoke callback's thread.
  void Authorize(const LambdaAuthorizerConfig& config, const std::string& route_arn,
                 const std::vector<std::string>& identity_values,
                 const std::function<boost::json::object()>& proxy_event,
                 const AuthorizerInvoker& invoke, LambdaAuthorizationCallback done);

  size_t cached_entries() const;

  struct Cache;

 private:
  std::shared_ptr<Cache> cache_;
};

}  // namespace kumo::apis

// The control plane's errors and the checks of names, keys, URIs and ARNs
// that more than one operation makes. Private to src/apis.
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "apis/api_catalog.h"
#include "apis/control_records.h"
#include "common/status.h"

namespace kumo::apis {

inline constexpr std::string_view kAccountId = "000000000000";

Error BadRequest(std::string message);  // 400 BadRequestException
Error Conflict(std::string message);    // 409 ConflictException
// 404 NotFoundException; `resource_type` ("Api", "Route", ...) goes in the
// body's resourceType member, as AWS answers.
Error NotFoundError(std::string message, std::string_view resource_type);

// AWS's wording: "Invalid API identifier specified 000000000000:{id}",
// "Invalid Route identifier specified {id}", ...
Error ApiNotFound(std::string_view api_id);
Error RouteNotFound(std::string_view id);
Error IntegrationNotFound(std::string_view id);
Error AuthorizerNotFound(std::string_view id);
Error DeploymentNotFound(std::string_view id);
Error StageNotFound(std::string_view name);

// "GET /pets/{id}" -> method "GET", path "/pets/{id}"; "$default" -> empty
// method and path. nullopt when the key is not an HTTP API route key: a
// method of GET POST PUT PATCH DELETE HEAD OPTIONS ANY, one space, a path of
// '/'-separated non-empty segments, each literal or a whole "{name}", with
// "{name+}" only last and no name twice.
struct RouteKeyParts {
  std::string method;
  std::string path;
};
std::optional<RouteKeyParts> ParseRouteKey(std::string_view key);
// The BadRequestException for a malformed route key, in AWS's words.
Error BadRouteKey();

// The integration id of a route Target "integrations/{id}"; nullopt otherwise.
std::optional<std::string> IntegrationIdFromTarget(std::string_view target);

// The Lambda function ARN an integration or authorizer URI names: the ARN
// itself ("arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]")
// or the invocation-URI form
// ("arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{ARN}/invocations").
// A name or qualifier may be a stage variable reference ("${stageVariables.fn}").
// With `invocation_form_only`, a bare ARN is refused. nullopt when invalid.
std::optional<std::string> LambdaArnFromUri(std::string_view uri, bool invocation_form_only);

// An http:// or https:// URL with a host (stage variables allowed in it).
bool IsHttpUrl(std::string_view uri);

// "$default", or 1-128 of [A-Za-z0-9_-].
bool IsValidStageName(std::string_view name);
bool IsHttpMethod(std::string_view method);  // GET ... OPTIONS, ANY

// Resource ARNs: arn:aws:apigateway:{region}::/apis/{id}[/stages/{name}].
std::string ApiArn(std::string_view region, std::string_view api_id);
std::string StageArn(std::string_view region, std::string_view api_id, std::string_view stage);
struct ResourceRef {
  std::string region;
  std::string api_id;
  std::string stage;  // empty for the API itself
};
std::optional<ResourceRef> ParseResourceArn(std::string_view arn);

// `length` random characters of [a-z0-9], the shape of API Gateway ids.
std::string RandomId(std::mt19937_64& rng, size_t length);

// Model and AWS constraints, each a 400 BadRequestException when violated.
Status CheckLength(std::string_view member, std::string_view value, size_t min, size_t max);
Status CheckCors(const CorsConfig& cors);
Status CheckTags(const std::map<std::string, std::string>& tags);
Status CheckRouteSettings(const RouteSettings& settings);
Status CheckAccessLog(const AccessLogSettings& settings);
Status CheckStageVariables(const std::map<std::string, std::string>& variables);
// Completes and checks an integration (defaults, function_arn); the checks
// that need no other resource of the API.
Status FinishIntegration(Integration& integration);
// The same for an authorizer.
Status FinishAuthorizer(Authorizer& authorizer);

// The API members' constraints (CreateApi, UpdateApi, ImportApi).
Status CheckApi(const ApiRecord& api);
// What a route may refer to and how it may be authorized, against the rest
// of the API (`route` is already, or about to be, in `state`).
Status CheckRoute(const ApiState& state, const Route& route);

std::string_view AuthorizationTypeName(AuthorizationType type);
std::string_view IntegrationTypeName(IntegrationType type);
std::string_view AuthorizerTypeName(AuthorizerType type);

}  // namespace kumo::apis

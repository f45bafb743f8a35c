#include "apis/control_validation.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <set>
#include <vector>

#include "apis/parameter_mapping.h"
#include "apis/route_matcher.h"

namespace kumo::apis {
namespace {

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool AllOf(std::string_view s, bool (*ok)(char)) {
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

// Characters of a literal path segment: RFC 3986 pchar without '%' escapes,
// which HTTP API route paths do not take.
bool IsPathChar(char c) {
  return IsAlnum(c) || std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
}

bool IsParamNameChar(char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '.'; }

// "${stageVariables.name}" at the start of `text`; its length, or 0.
size_t StageVariableRef(std::string_view text) {
  constexpr std::string_view kOpen = "${stageVariables.";
  if (!text.starts_with(kOpen)) return 0;
  size_t close = text.find('}', kOpen.size());
  if (close == std::string_view::npos || close == kOpen.size()) return 0;
  for (char c : text.substr(kOpen.size(), close - kOpen.size())) {
    if (!IsAlnum(c) && c != '_') return 0;
  }
  return close + 1;
}

// A function name or qualifier: [A-Za-z0-9_-]+ (qualifiers also $LATEST),
// where any part may be a stage variable reference.
bool IsFunctionPart(std::string_view part, bool qualifier) {
  if (part.empty() || part.size() > 140) return false;
  if (qualifier && part == "$LATEST") return true;
  for (size_t i = 0; i < part.size();) {
    if (size_t n = StageVariableRef(part.substr(i)); n > 0) {
      i += n;
      continue;
    }
    char c = part[i];
    if (!IsAlnum(c) && c != '-' && c != '_') return false;
    ++i;
  }
  return true;
}

bool IsRegion(std::string_view region) {
  if (region.empty() || region.size() > 32) return false;
  return AllOf(region,
               [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool IsBareLambdaArn(std::string_view arn) {
  std::vector<std::string_view> parts = Split(arn, ':');
  // arn aws lambda region account function name [qualifier]
  if (parts.size() != 7 && parts.size() != 8) return false;
  if (parts[0] != "arn" || parts[1] != "aws" || parts[2] != "lambda" || parts[5] != "function") {
    return false;
  }
  if (!IsRegion(parts[3]) || parts[4].size() != 12 ||
      !AllOf(parts[4], [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  if (!IsFunctionPart(parts[6], false)) return false;
  return parts.size() == 7 || IsFunctionPart(parts[7], true);
}

}  // namespace

Error BadRequest(std::string message) {
  return Error{400, "BadRequestException", std::move(message)};
}

Error Conflict(std::string message) { return Error{409, "ConflictException", std::move(message)}; }

Error NotFoundError(std::string message, std::string_view resource_type) {
  std::string details;
  if (!resource_type.empty()) {
    details = boost::json::serialize(boost::json::object{{"resourceType", resource_type}});
  }
  return Error{404, "NotFoundException", std::move(message), std::move(details)};
}

Error ApiNotFound(std::string_view api_id) {
  return NotFoundError(
      "Invalid API identifier specified " + std::string(kAccountId) + ":" + std::string(api_id),
      "Api");
}

Error RouteNotFound(std::string_view id) {
  return NotFoundError("Invalid Route identifier specified " + std::string(id), "Route");
}

Error IntegrationNotFound(std::string_view id) {
  return NotFoundError("Invalid Integration identifier specified " + std::string(id),
                       "Integration");
}

Error AuthorizerNotFound(std::string_view id) {
  return NotFoundError("Invalid Authorizer identifier specified " + std::string(id), "Authorizer");
}

Error DeploymentNotFound(std::string_view id) {
  return NotFoundError("Invalid Deployment identifier specified " + std::string(id), "Deployment");
}

Error StageNotFound(std::string_view name) {
  return NotFoundError("Invalid stage identifier specified " + std::string(name), "Stage");
}

bool IsHttpMethod(std::string_view method) {
  for (std::string_view m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}) {
    if (method == m) return true;
  }
  return false;
}

std::optional<RouteKeyParts> ParseRouteKey(std::string_view key) {
  if (key == "$default") return RouteKeyParts{};
  size_t space = key.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view method = key.substr(0, space);
  std::string_view path = key.substr(space + 1);
  if (!IsHttpMethod(method) || !path.starts_with('/') || path.size() > 1024) return std::nullopt;
  if (path != "/") {
    std::vector<std::string_view> segments = Split(path.substr(1), '/');
    std::set<std::string_view> names;
    for (size_t i = 0; i < segments.size(); ++i) {
      std::string_view s = segments[i];
      if (s.empty()) return std::nullopt;
      if (s.front() != '{') {
        if (!AllOf(s, IsPathChar) || s.find_first_of("{}") != std::string_view::npos) {
          return std::nullopt;
        }
        continue;
      }
      if (s.size() < 3 || s.back() != '}') return std::nullopt;
      std::string_view name = s.substr(1, s.size() - 2);
      if (name.ends_with('+')) {
        if (i + 1 != segments.size()) return std::nullopt;  // greedy only last
        name.remove_suffix(1);
      }
      if (name.empty() || !AllOf(name, IsParamNameChar) || !names.insert(name).second) {
        return std::nullopt;
      }
    }
  }
  return RouteKeyParts{std::string(method), std::string(path)};
}

Error BadRouteKey() {
  return BadRequest(
      "The provided route key is not formatted properly for HTTP protocol. Format should be "
      "\"<HTTP METHOD> /<RESOURCE PATH>\" or \"$default\"");
}

std::optional<std::string> IntegrationIdFromTarget(std::string_view target) {
  constexpr std::string_view kPrefix = "integrations/";
  if (!target.starts_with(kPrefix)) return std::nullopt;
  std::string_view id = target.substr(kPrefix.size());
  if (id.empty() || id.size() > 64 || !AllOf(id, IsAlnum)) return std::nullopt;
  return std::string(id);
}

std::optional<std::string> LambdaArnFromUri(std::string_view uri, bool invocation_form_only) {
  constexpr std::string_view kInvocationPath = ":lambda:path/2015-03-31/functions/";
  constexpr std::string_view kInvocationsSuffix = "/invocations";
  if (uri.starts_with("arn:aws:apigateway:")) {
    std::string_view rest = uri.substr(std::string_view("arn:aws:apigateway:").size());
    size_t at = rest.find(kInvocationPath);
    if (at == std::string_view::npos || !IsRegion(rest.substr(0, at))) return std::nullopt;
    std::string_view inner = rest.substr(at + kInvocationPath.size());
    if (!inner.ends_with(kInvocationsSuffix)) return std::nullopt;
    inner.remove_suffix(kInvocationsSuffix.size());
    if (!IsBareLambdaArn(inner)) return std::nullopt;
    return std::string(inner);
  }
  if (invocation_form_only || !IsBareLambdaArn(uri)) return std::nullopt;
  return std::string(uri);
}

bool IsHttpUrl(std::string_view uri) {
  if (!uri.starts_with("http://") && !uri.starts_with("https://")) return false;
  // Stage variables and route parameters ("{proxy}") may stand anywhere
  // in the URL; check it with each replaced by a plain word.
  std::string plain;
  for (size_t i = 0; i < uri.size();) {
    size_t n = StageVariableRef(uri.substr(i));
    if (n == 0 && uri[i] == '{') {
      size_t close = uri.find('}', i);
      std::string_view name =
          close == std::string_view::npos ? "" : uri.substr(i + 1, close - i - 1);
      if (name.ends_with('+')) name.remove_suffix(1);
      if (!name.empty() && AllOf(name, IsParamNameChar)) n = close - i + 1;
    }
    if (n > 0) {
      plain += "param";
      i += n;
    } else {
      plain += uri[i++];
    }
  }
  auto parsed = boost::urls::parse_uri(plain);
  return parsed.has_value() && !parsed->host().empty();
}

bool IsValidStageName(std::string_view name) {
  if (name == "$default") return true;
  if (name.empty() || name.size() > 128) return false;
  return AllOf(name, [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

std::string ApiArn(std::string_view region, std::string_view api_id) {
  return "arn:aws:apigateway:" + std::string(region) + "::/apis/" + std::string(api_id);
}

std::string StageArn(std::string_view region, std::string_view api_id, std::string_view stage) {
  return ApiArn(region, api_id) + "/stages/" + std::string(stage);
}

std::optional<ResourceRef> ParseResourceArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:apigateway:";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = arn.substr(kPrefix.size());
  size_t sep = rest.find("::/apis/");
  if (sep == std::string_view::npos || !IsRegion(rest.substr(0, sep))) return std::nullopt;
  ResourceRef ref;
  ref.region = std::string(rest.substr(0, sep));
  std::vector<std::string_view> parts = Split(rest.substr(sep + 8), '/');
  if (parts[0].empty()) return std::nullopt;
  ref.api_id = std::string(parts[0]);
  if (parts.size() == 1) return ref;
  if (parts.size() != 3 || parts[1] != "stages" || parts[2].empty()) return std::nullopt;
  ref.stage = std::string(parts[2]);
  return ref;
}

std::string RandomId(std::mt19937_64& rng, size_t length) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string id;
  for (size_t i = 0; i < length; ++i) id += kAlphabet[pick(rng)];
  return id;
}

Status CheckLength(std::string_view member, std::string_view value, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) {
    return BadRequest("Invalid " + std::string(member) + ": its length must be between " +
                      std::to_string(min) + " and " + std::to_string(max));
  }
  return Status::Ok();
}

Status CheckCors(const CorsConfig& cors) {
  for (const std::string& method : cors.allow_methods) {
    if (method != "*" && !IsHttpMethod(method)) {
      return BadRequest("Invalid CORS allowMethods: " + method +
                        ". Allowed values are GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS and *");
    }
  }
  bool any_origin = false;
  for (const std::string& origin : cors.allow_origins) {
    if (origin == "*") {
      any_origin = true;
    } else if (!origin.starts_with("http://") && !origin.starts_with("https://")) {
      return BadRequest("Invalid CORS allowOrigins: " + origin +
                        ". An origin is * or a scheme and host, like https://example.com");
    }
  }
  if (any_origin && cors.allow_credentials.value_or(false)) {
    return BadRequest(
        "allowCredentials cannot be true when allowOrigins contains *: browsers refuse "
        "credentialed responses with a wildcard origin");
  }
  if (cors.max_age && (*cors.max_age < -1 || *cors.max_age > 86400)) {
    return BadRequest("Invalid CORS maxAge: " + std::to_string(*cors.max_age) +
                      ". It must be between -1 and 86400");
  }
  return Status::Ok();
}

Status CheckTags(const std::map<std::string, std::string>& tags) {
  if (tags.size() > 50) return BadRequest("A resource can have at most 50 tags");
  for (const auto& [key, value] : tags) {
    KUMO_RETURN_IF_ERROR(CheckLength("tag key", key, 1, 128));
    KUMO_RETURN_IF_ERROR(CheckLength("tag value", value, 0, 1600));
    if (key.starts_with("aws:")) return BadRequest("Tag keys cannot start with 'aws:': " + key);
  }
  return Status::Ok();
}

Status CheckRouteSettings(const RouteSettings& settings) {
  if (settings.throttling_burst_limit && *settings.throttling_burst_limit < 0) {
    return BadRequest("throttlingBurstLimit must be 0 or more");
  }
  if (settings.throttling_rate_limit && *settings.throttling_rate_limit < 0) {
    return BadRequest("throttlingRateLimit must be 0 or more");
  }
  return Status::Ok();
}

Status CheckAccessLog(const AccessLogSettings& settings) {
  const std::string& arn = settings.destination_arn;
  std::vector<std::string_view> parts = Split(arn, ':');
  if (parts.size() < 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" ||
      parts[6].empty()) {
    return BadRequest(
        "Invalid ARN specified in the request: destinationArn must be a "
        "CloudWatch Logs log group ARN, not '" +
        arn + "'");
  }
  if (settings.format.empty()) return BadRequest("Access Log format must be specified");
  return CheckLength("access log format", settings.format, 1, 1024);
}

Status CheckStageVariables(const std::map<std::string, std::string>& variables) {
  for (const auto& [name, value] : variables) {
    if (name.empty() || name.size() > 64 ||
        !AllOf(name, [](char c) { return IsAlnum(c) || c == '_'; })) {
      return BadRequest("Invalid stage variable name '" + name +
                        "': names are 1 to 64 characters of [A-Za-z0-9_]");
    }
    KUMO_RETURN_IF_ERROR(CheckLength("stage variable value", value, 0, 2048));
    // The model's Stage.StageVariables: "the values must match [A-Za-z0-9-._~:/?#&=,]+".
    if (value.empty() || !AllOf(value, [](char c) {
          return IsAlnum(c) || std::string_view("-._~:/?#&=,").find(c) != std::string_view::npos;
        })) {
      return BadRequest("Invalid stage variable value '" + value + "' of '" + name +
                        "': values must match [A-Za-z0-9-._~:/?#&=,]+");
    }
  }
  return Status::Ok();
}

Status FinishIntegration(Integration& integration) {
  KUMO_RETURN_IF_ERROR(CheckLength("description", integration.description, 0, 1024));
  KUMO_RETURN_IF_ERROR(ValidateRequestParameters(integration.request_parameters));
  KUMO_RETURN_IF_ERROR(ValidateResponseParameters(integration.response_parameters));
  if (integration.timeout_ms < 50 || integration.timeout_ms > 30000) {
    return BadRequest("Invalid timeoutInMillis " + std::to_string(integration.timeout_ms) +
                      ": it must be between 50 and 30000 milliseconds");
  }
  if (integration.connection_type != "INTERNET") {
    return BadRequest(
        "Kumo does not support VPC_LINK integrations; connectionType must be INTERNET");
  }
  const std::string& pfv = integration.payload_format_version;
  if (integration.type == IntegrationType::kAwsProxy) {
    if (integration.uri.empty())
      return BadRequest("IntegrationUri is required for AWS_PROXY integrations");
    std::optional<std::string> arn = LambdaArnFromUri(integration.uri, false);
    if (!arn) {
      return BadRequest("Invalid integrationUri for AWS_PROXY: '" + integration.uri +
                        "'. Use a Lambda function ARN or "
                        "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/"
                        "invocations");
    }
    integration.function_arn = *arn;
    if (pfv.empty()) {
      return BadRequest(
          "PayloadFormatVersion is required for AWS_PROXY integrations of HTTP APIs. Supported "
          "values are 1.0 and 2.0");
    }
    if (pfv != "1.0" && pfv != "2.0") {
      return BadRequest("Unsupported payloadFormatVersion " + pfv +
                        " for AWS_PROXY integrations. Supported values are 1.0 and 2.0");
    }
    if (integration.method.empty()) integration.method = "POST";
    return Status::Ok();
  }
  integration.function_arn.clear();
  if (!IsHttpUrl(integration.uri)) {
    return BadRequest("Invalid integrationUri for HTTP_PROXY: '" + integration.uri +
                      "'. Use an http:// or https:// URL");
  }
  if (integration.method.empty()) {
    return BadRequest("IntegrationMethod is required for HTTP_PROXY integrations");
  }
  if (!IsHttpMethod(integration.method)) {
    return BadRequest("Invalid integrationMethod " + integration.method +
                      ". Use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY");
  }
  if (pfv.empty()) integration.payload_format_version = "1.0";
  if (integration.payload_format_version != "1.0") {
    return BadRequest("Unsupported payloadFormatVersion " + pfv +
                      " for HTTP_PROXY integrations. The only supported value is 1.0");
  }
  return Status::Ok();
}

Status FinishAuthorizer(Authorizer& authorizer) {
  KUMO_RETURN_IF_ERROR(CheckLength("authorizer name", authorizer.name, 1, 128));
  for (const std::string& source : authorizer.identity_source) {
    bool ok = false;
    for (std::string_view prefix :
         {"$request.header.", "$request.querystring.", "$context.", "$stageVariables."}) {
      ok = ok || (source.starts_with(prefix) && source.size() > prefix.size());
    }
    if (!ok) {
      return BadRequest("Invalid identity source '" + source +
                        "'. Use $request.header.{name}, $request.querystring.{name}, "
                        "$context.{name} or $stageVariables.{name}");
    }
  }
  if (authorizer.result_ttl_seconds < 0 || authorizer.result_ttl_seconds > 3600) {
    return BadRequest("Invalid authorizerResultTtlInSeconds " +
                      std::to_string(authorizer.result_ttl_seconds) +
                      ": it must be between 0 and 3600");
  }
  if (authorizer.type == AuthorizerType::kJwt) {
    if (authorizer.identity_source.size() != 1) {
      return BadRequest(
          "A JWT authorizer takes exactly one identity source, such as "
          "$request.header.Authorization");
    }
    // "Currently only header-based and query parameter-based selections are
    // supported" (the model's CreateAuthorizerRequest.IdentitySource).
    const std::string& source = authorizer.identity_source.front();
    if (!source.starts_with("$request.header.") && !source.starts_with("$request.querystring.")) {
      return BadRequest("Invalid identity source '" + source +
                        "' for a JWT authorizer. Use $request.header.{name} or "
                        "$request.querystring.{name}");
    }
    if (authorizer.jwt_issuer.empty() || authorizer.jwt_audience.empty()) {
      return BadRequest(
          "A JWT authorizer needs a jwtConfiguration with an issuer and at least one audience");
    }
    if (!IsHttpUrl(authorizer.jwt_issuer)) {
      return BadRequest("Invalid JWT issuer '" + authorizer.jwt_issuer + "': it must be a URL");
    }
    if (!authorizer.authorizer_uri.empty()) {
      return BadRequest("authorizerUri is only supported for REQUEST authorizers");
    }
    authorizer.function_arn.clear();
    return Status::Ok();
  }
  std::optional<std::string> arn = LambdaArnFromUri(authorizer.authorizer_uri, true);
  if (!arn) {
    return BadRequest("Invalid authorizerUri '" + authorizer.authorizer_uri +
                      "'. Use arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/"
                      "{function arn}/invocations");
  }
  authorizer.function_arn = *arn;
  const std::string& pfv = authorizer.payload_format_version;
  if (pfv != "1.0" && pfv != "2.0") {
    return BadRequest(pfv.empty()
                          ? std::string("AuthorizerPayloadFormatVersion is required for "
                                        "REQUEST authorizers. Supported values are 1.0 and 2.0")
                          : "Unsupported authorizerPayloadFormatVersion " + pfv +
                                ". Supported values are 1.0 and 2.0");
  }
  if (authorizer.enable_simple_responses && pfv != "2.0") {
    return BadRequest(
        "enableSimpleResponses is only supported with authorizerPayloadFormatVersion 2.0");
  }
  if (authorizer.result_ttl_seconds > 0 && authorizer.identity_source.empty()) {
    return BadRequest(
        "An identity source is required when authorizer caching is enabled "
        "(authorizerResultTtlInSeconds > 0)");
  }
  if (!authorizer.jwt_issuer.empty() || !authorizer.jwt_audience.empty()) {
    return BadRequest("jwtConfiguration is only supported for JWT authorizers");
  }
  return Status::Ok();
}

std::string_view AuthorizationTypeName(AuthorizationType type) {
  switch (type) {
    case AuthorizationType::kJwt:
      return "JWT";
    case AuthorizationType::kCustom:
      return "CUSTOM";
    case AuthorizationType::kNone:
      break;
  }
  return "NONE";
}

std::string_view IntegrationTypeName(IntegrationType type) {
  return type == IntegrationType::kHttpProxy ? "HTTP_PROXY" : "AWS_PROXY";
}

std::string_view AuthorizerTypeName(AuthorizerType type) {
  return type == AuthorizerType::kRequest ? "REQUEST" : "JWT";
}

constexpr std::string_view kHttpRouteSelection = "${request.method} ${request.path}";

Status CheckApi(const ApiRecord& api) {
  KUMO_RETURN_IF_ERROR(CheckLength("name", api.info.name, 1, 128));
  KUMO_RETURN_IF_ERROR(CheckLength("description", api.description, 0, 1024));
  KUMO_RETURN_IF_ERROR(CheckLength("version", api.version, 0, 64));
  if (api.info.cors) KUMO_RETURN_IF_ERROR(CheckCors(*api.info.cors));
  if (api.ip_address_type != "ipv4" && api.ip_address_type != "dualstack") {
    return BadRequest("Invalid ipAddressType " + api.ip_address_type +
                      ". Must be one of [ipv4, dualstack]");
  }
  if (api.route_selection_expression != kHttpRouteSelection) {
    return BadRequest("Unsupported routeSelectionExpression for an HTTP API: only " +
                      std::string(kHttpRouteSelection) + " is supported");
  }
  return Status::Ok();
}

Status CheckRoute(const ApiState& state, const Route& route) {
  std::vector<RouteEntry> entries;
  for (const auto& [id, other] : state.routes) {
    if (id == route.id) continue;
    if (other.key == route.key) {
      return Conflict("Route with key " + route.key + " already exists for this API");
    }
    entries.push_back({other.key, id});
  }
  // Variables named otherwise at one level (ConflictException), which the
  // data plane could not route by.
  entries.push_back({route.key, route.id});
  KUMO_RETURN_IF_ERROR(RouteMatcher::Build(entries).status());
  if (!route.integration_id.empty() && state.integrations.count(route.integration_id) == 0) {
    return IntegrationNotFound(route.integration_id);
  }
  KUMO_RETURN_IF_ERROR(CheckLength("operationName", route.operation_name, 0, 64));
  for (const std::string& scope : route.authorization_scopes) {
    KUMO_RETURN_IF_ERROR(CheckLength("authorization scope", scope, 1, 64));
  }
  if (route.api_key_required) {
    return BadRequest("API keys are not supported for HTTP APIs; apiKeyRequired must be false");
  }
  if (route.authorization_type == AuthorizationType::kNone) {
    if (!route.authorizer_id.empty()) {
      return BadRequest("authorizerId can only be set when authorizationType is JWT or CUSTOM");
    }
    if (!route.authorization_scopes.empty()) {
      return BadRequest("authorizationScopes are only supported with authorizationType JWT");
    }
    return Status::Ok();
  }
  std::string_view type = AuthorizationTypeName(route.authorization_type);
  if (route.authorizer_id.empty()) {
    return BadRequest("authorizerId is required when authorizationType is " + std::string(type));
  }
  auto it = state.authorizers.find(route.authorizer_id);
  if (it == state.authorizers.end()) return AuthorizerNotFound(route.authorizer_id);
  AuthorizerType want = route.authorization_type == AuthorizationType::kJwt
                            ? AuthorizerType::kJwt
                            : AuthorizerType::kRequest;
  if (it->second.type != want) {
    return BadRequest("Authorizer " + route.authorizer_id + " is a " +
                      std::string(AuthorizerTypeName(it->second.type)) +
                      " authorizer; routes with authorizationType " + std::string(type) +
                      " need a " + std::string(AuthorizerTypeName(want)) + " authorizer");
  }
  if (route.authorization_type != AuthorizationType::kJwt && !route.authorization_scopes.empty()) {
    return BadRequest("authorizationScopes are only supported with authorizationType JWT");
  }
  return Status::Ok();
}

}  // namespace kumo::apis

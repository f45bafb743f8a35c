#include "apis/control_members.h"

#include <boost/json.hpp>

#include "apis/control_validation.h"
#include "common/json.h"
#include "common/json_members.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

Error TypeError(std::string_view key, std::string_view want) {
  return BadRequest("Invalid value for '" + std::string(key) + "': it must be " +
                    std::string(want));
}

// common/json.h answers type errors as SerializationException; API Gateway
// answers BadRequestException.
template <typename T>
Result<std::optional<T>> AsBadRequest(Result<std::optional<T>> r) {
  if (r.ok()) return r;
  return BadRequest(r.error().message);
}

Status ReadParameterMaps(const json::object& o, Integration& integration) {
  KUMO_RETURN_IF_ERROR(
      Assign(OptStringMap(o, "requestParameters"), integration.request_parameters));
  KUMO_ASSIGN_OR_RETURN(const json::object* response, OptObject(o, "responseParameters"));
  if (response != nullptr) {
    integration.response_parameters.clear();
    for (const auto& kv : *response) {
      if (!kv.value().is_object())
        return TypeError("responseParameters", "a map of maps of strings");
      KUMO_ASSIGN_OR_RETURN(auto inner, OptStringMap(*response, kv.key()));
      integration.response_parameters[std::string(kv.key())] =
          inner.value_or(std::map<std::string, std::string>{});
    }
  }
  return Status::Ok();
}

}  // namespace

Result<json::object> ParseBody(std::string_view body) {
  Result<json::object> parsed = ParseJsonObject(body);
  if (!parsed.ok())
    return BadRequest("Could not parse request body into json: " + parsed.error().message);
  return parsed;
}

Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key) {
  return AsBadRequest(GetString(o, key));
}

Result<std::optional<int64_t>> OptInt(const json::object& o, std::string_view key) {
  return AsBadRequest(GetInt(o, key));
}

Result<std::optional<bool>> OptBool(const json::object& o, std::string_view key) {
  return AsBadRequest(GetBool(o, key));
}

Result<std::optional<double>> OptDouble(const json::object& o, std::string_view key) {
  return GetDouble(o, key, TypeError);
}

Result<std::optional<std::vector<std::string>>> OptStringList(const json::object& o,
                                                              std::string_view key) {
  return GetStringList(o, key, TypeError);
}

Result<std::optional<std::map<std::string, std::string>>> OptStringMap(const json::object& o,
                                                                       std::string_view key) {
  return GetStringMap(o, key, TypeError);
}

Result<const json::object*> OptObject(const json::object& o, std::string_view key) {
  return GetObject(o, key, TypeError);
}

Status ApplyCors(const json::object& o, CorsConfig& cors) {
  KUMO_RETURN_IF_ERROR(Assign(OptStringList(o, "allowOrigins"), cors.allow_origins));
  KUMO_RETURN_IF_ERROR(Assign(OptStringList(o, "allowMethods"), cors.allow_methods));
  KUMO_RETURN_IF_ERROR(Assign(OptStringList(o, "allowHeaders"), cors.allow_headers));
  KUMO_RETURN_IF_ERROR(Assign(OptStringList(o, "exposeHeaders"), cors.expose_headers));
  KUMO_RETURN_IF_ERROR(Assign(OptInt(o, "maxAge"), cors.max_age));
  return Assign(OptBool(o, "allowCredentials"), cors.allow_credentials);
}

Status ApplyRouteSettings(const json::object& o, RouteSettings& settings) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> level, OptString(o, "loggingLevel"));
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> trace, OptBool(o, "dataTraceEnabled"));
  if ((level && *level != "OFF") || trace.value_or(false)) {
    return BadRequest("Execution logs are not supported on protocolType HTTP");
  }
  KUMO_RETURN_IF_ERROR(Assign(OptInt(o, "throttlingBurstLimit"), settings.throttling_burst_limit));
  KUMO_RETURN_IF_ERROR(Assign(OptDouble(o, "throttlingRateLimit"), settings.throttling_rate_limit));
  return Assign(OptBool(o, "detailedMetricsEnabled"), settings.detailed_metrics_enabled);
}

Status ApplyAccessLog(const json::object& o, AccessLogSettings& settings) {
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "destinationArn"), settings.destination_arn));
  return Assign(OptString(o, "format"), settings.format);
}

Status ApplyNewApiMembers(const json::object& o, ApiRecord& api) {
  KUMO_RETURN_IF_ERROR(ApplyApiMembers(o, api, false));
  KUMO_RETURN_IF_ERROR(Assign(OptStringMap(o, "tags"), api.tags));
  KUMO_RETURN_IF_ERROR(CheckApi(api));
  return CheckTags(api.tags);
}

Status ApplyApiMembers(const json::object& o, ApiRecord& api, bool stored) {
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "name"), api.info.name));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "description"), api.description));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "version"), api.version));
  KUMO_RETURN_IF_ERROR(
      Assign(OptBool(o, "disableExecuteApiEndpoint"), api.info.disable_execute_api_endpoint));
  KUMO_RETURN_IF_ERROR(
      Assign(OptString(o, "routeSelectionExpression"), api.route_selection_expression));
  KUMO_RETURN_IF_ERROR(
      Assign(OptString(o, "apiKeySelectionExpression"), api.api_key_selection_expression));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "ipAddressType"), api.ip_address_type));
  KUMO_ASSIGN_OR_RETURN(const json::object* cors, OptObject(o, "corsConfiguration"));
  if (cors != nullptr) {
    CorsConfig config;
    KUMO_RETURN_IF_ERROR(ApplyCors(*cors, config));
    api.info.cors = std::move(config);
  }
  if (stored) {
    KUMO_RETURN_IF_ERROR(Assign(OptString(o, "apiId"), api.info.id));
    KUMO_RETURN_IF_ERROR(Assign(OptStringMap(o, "tags"), api.tags));
  }
  return Status::Ok();
}

Status ApplyRouteMembers(const json::object& o, Route& route, bool stored) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> key, OptString(o, "routeKey"));
  if (key) {
    std::optional<RouteKeyParts> parts = ParseRouteKey(*key);
    if (!parts) return BadRouteKey();
    route.key = *key;
    route.method = parts->method;
    route.path = parts->path;
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> target, OptString(o, "target"));
  if (target) {
    std::optional<std::string> id = IntegrationIdFromTarget(*target);
    if (!id && !target->empty()) {
      return BadRequest("Invalid target '" + *target +
                        "': a route target must be integrations/{integrationId}");
    }
    route.target = *target;
    route.integration_id = id.value_or("");
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(o, "authorizationType"));
  if (type) {
    if (*type == "NONE") {
      route.authorization_type = AuthorizationType::kNone;
    } else if (*type == "JWT") {
      route.authorization_type = AuthorizationType::kJwt;
    } else if (*type == "CUSTOM") {
      route.authorization_type = AuthorizationType::kCustom;
    } else if (*type == "AWS_IAM") {
      return BadRequest(
          "Kumo does not support AWS_IAM authorization on HTTP API routes; use "
          "NONE, JWT or CUSTOM");
    } else {
      return BadRequest("Invalid authorizationType " + *type +
                        ". Must be one of [NONE, AWS_IAM, CUSTOM, JWT]");
    }
  }
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "authorizerId"), route.authorizer_id));
  KUMO_RETURN_IF_ERROR(Assign(OptStringList(o, "authorizationScopes"), route.authorization_scopes));
  KUMO_RETURN_IF_ERROR(Assign(OptBool(o, "apiKeyRequired"), route.api_key_required));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "operationName"), route.operation_name));
  if (stored) {
    KUMO_RETURN_IF_ERROR(Assign(OptString(o, "routeId"), route.id));
    KUMO_RETURN_IF_ERROR(Assign(OptBool(o, "apiGatewayManaged"), route.api_gateway_managed));
  }
  return Status::Ok();
}

Status ApplyIntegrationMembers(const json::object& o, Integration& integration, bool stored) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(o, "integrationType"));
  if (type) {
    if (*type == "AWS_PROXY") {
      integration.type = IntegrationType::kAwsProxy;
    } else if (*type == "HTTP_PROXY") {
      integration.type = IntegrationType::kHttpProxy;
    } else if (*type == "AWS" || *type == "HTTP" || *type == "MOCK") {
      return BadRequest(
          "Currently, an API with a protocol type of HTTP may only be associated "
          "with proxy integrations (AWS_PROXY, HTTP_PROXY)");
    } else {
      return BadRequest("Invalid integrationType " + *type +
                        ". Must be one of [AWS, HTTP, MOCK, HTTP_PROXY, AWS_PROXY]");
    }
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> subtype, OptString(o, "integrationSubtype"));
  if (subtype) {
    return BadRequest("Kumo does not support AWS service integrations (integrationSubtype)");
  }
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "integrationUri"), integration.uri));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "integrationMethod"), integration.method));
  KUMO_RETURN_IF_ERROR(
      Assign(OptString(o, "payloadFormatVersion"), integration.payload_format_version));
  KUMO_RETURN_IF_ERROR(Assign(OptInt(o, "timeoutInMillis"), integration.timeout_ms));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "description"), integration.description));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "credentialsArn"), integration.credentials_arn));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "connectionType"), integration.connection_type));
  KUMO_RETURN_IF_ERROR(ReadParameterMaps(o, integration));
  KUMO_ASSIGN_OR_RETURN(const json::object* tls, OptObject(o, "tlsConfig"));
  if (tls != nullptr) {
    KUMO_RETURN_IF_ERROR(
        Assign(OptString(*tls, "serverNameToVerify"), integration.tls_server_name_to_verify));
  }
  if (stored) {
    KUMO_RETURN_IF_ERROR(Assign(OptString(o, "integrationId"), integration.id));
    KUMO_RETURN_IF_ERROR(Assign(OptBool(o, "apiGatewayManaged"), integration.api_gateway_managed));
  }
  return Status::Ok();
}

Status ApplyAuthorizerMembers(const json::object& o, Authorizer& authorizer, bool stored) {
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "name"), authorizer.name));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(o, "authorizerType"));
  if (type) {
    if (*type == "JWT") {
      authorizer.type = AuthorizerType::kJwt;
    } else if (*type == "REQUEST") {
      authorizer.type = AuthorizerType::kRequest;
    } else {
      return BadRequest("Invalid authorizerType " + *type + ". Must be one of [REQUEST, JWT]");
    }
  }
  KUMO_RETURN_IF_ERROR(Assign(OptStringList(o, "identitySource"), authorizer.identity_source));
  KUMO_ASSIGN_OR_RETURN(const json::object* jwt, OptObject(o, "jwtConfiguration"));
  if (jwt != nullptr) {
    KUMO_RETURN_IF_ERROR(Assign(OptStringList(*jwt, "audience"), authorizer.jwt_audience));
    KUMO_RETURN_IF_ERROR(Assign(OptString(*jwt, "issuer"), authorizer.jwt_issuer));
  }
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "authorizerUri"), authorizer.authorizer_uri));
  KUMO_RETURN_IF_ERROR(
      Assign(OptString(o, "authorizerPayloadFormatVersion"), authorizer.payload_format_version));
  KUMO_RETURN_IF_ERROR(
      Assign(OptBool(o, "enableSimpleResponses"), authorizer.enable_simple_responses));
  KUMO_RETURN_IF_ERROR(
      Assign(OptInt(o, "authorizerResultTtlInSeconds"), authorizer.result_ttl_seconds));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "identityValidationExpression"),
                              authorizer.identity_validation_expression));
  KUMO_RETURN_IF_ERROR(
      Assign(OptString(o, "authorizerCredentialsArn"), authorizer.credentials_arn));
  if (stored) {
    KUMO_RETURN_IF_ERROR(Assign(OptString(o, "authorizerId"), authorizer.id));
  }
  return Status::Ok();
}

Status ApplyStageMembers(const json::object& o, StageRecord& stage, bool stored) {
  StageInfo& info = stage.info;
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "description"), stage.description));
  KUMO_RETURN_IF_ERROR(Assign(OptBool(o, "autoDeploy"), info.auto_deploy));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "deploymentId"), info.deployment_id));
  KUMO_RETURN_IF_ERROR(Assign(OptStringMap(o, "stageVariables"), info.variables));
  KUMO_RETURN_IF_ERROR(Assign(OptString(o, "clientCertificateId"), stage.client_certificate_id));
  KUMO_ASSIGN_OR_RETURN(const json::object* defaults, OptObject(o, "defaultRouteSettings"));
  if (defaults != nullptr) {
    RouteSettings settings;
    KUMO_RETURN_IF_ERROR(ApplyRouteSettings(*defaults, settings));
    info.default_route_settings = settings;
  }
  KUMO_ASSIGN_OR_RETURN(const json::object* per_route, OptObject(o, "routeSettings"));
  if (per_route != nullptr) {
    for (const auto& kv : *per_route) {
      if (!kv.value().is_object()) return TypeError("routeSettings", "a map of RouteSettings");
      RouteSettings settings;
      KUMO_RETURN_IF_ERROR(ApplyRouteSettings(kv.value().as_object(), settings));
      info.route_settings[std::string(kv.key())] = settings;
    }
  }
  KUMO_ASSIGN_OR_RETURN(const json::object* access_log, OptObject(o, "accessLogSettings"));
  if (access_log != nullptr) {
    AccessLogSettings settings;
    KUMO_RETURN_IF_ERROR(ApplyAccessLog(*access_log, settings));
    // An empty structure turns access logging off.
    if (settings.destination_arn.empty() && settings.format.empty()) {
      info.access_log.reset();
    } else {
      info.access_log = settings;
    }
  }
  if (stored) {
    KUMO_RETURN_IF_ERROR(Assign(OptString(o, "stageName"), info.name));
    KUMO_RETURN_IF_ERROR(Assign(OptStringMap(o, "tags"), stage.tags));
    KUMO_RETURN_IF_ERROR(Assign(OptBool(o, "apiGatewayManaged"), stage.api_gateway_managed));
    KUMO_RETURN_IF_ERROR(
        Assign(OptString(o, "lastDeploymentStatusMessage"), stage.last_deployment_status_message));
  }
  return Status::Ok();
}

}  // namespace kumo::apis

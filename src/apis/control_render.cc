#include "apis/control_render.h"

#include <boost/json.hpp>

#include "apis/control_validation.h"
#include "common/clock.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

json::array List(const std::vector<std::string>& items) {
  json::array a;
  for (const std::string& s : items) a.emplace_back(s);
  return a;
}

void PutIfSet(json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

}  // namespace

std::string IsoDate(int64_t epoch_millis) { return FormatIso8601(epoch_millis); }

json::object RenderStringMap(const std::map<std::string, std::string>& map) {
  json::object o;
  for (const auto& [k, v] : map) o[k] = v;
  return o;
}

json::object RenderCors(const CorsConfig& cors) {
  json::object o;
  if (!cors.allow_origins.empty()) o["allowOrigins"] = List(cors.allow_origins);
  if (!cors.allow_methods.empty()) o["allowMethods"] = List(cors.allow_methods);
  if (!cors.allow_headers.empty()) o["allowHeaders"] = List(cors.allow_headers);
  if (!cors.expose_headers.empty()) o["exposeHeaders"] = List(cors.expose_headers);
  if (cors.max_age) o["maxAge"] = *cors.max_age;
  if (cors.allow_credentials) o["allowCredentials"] = *cors.allow_credentials;
  return o;
}

json::object RenderRouteSettings(const RouteSettings& settings) {
  json::object o;
  if (settings.detailed_metrics_enabled)
    o["detailedMetricsEnabled"] = *settings.detailed_metrics_enabled;
  if (settings.throttling_burst_limit) o["throttlingBurstLimit"] = *settings.throttling_burst_limit;
  if (settings.throttling_rate_limit) o["throttlingRateLimit"] = *settings.throttling_rate_limit;
  return o;
}

json::object RenderApi(const ApiRecord& api, std::string_view endpoint) {
  json::object o;
  if (!endpoint.empty()) o["apiEndpoint"] = endpoint;
  o["apiId"] = api.info.id;
  o["apiKeySelectionExpression"] = api.api_key_selection_expression;
  if (api.info.cors) o["corsConfiguration"] = RenderCors(*api.info.cors);
  o["createdDate"] = IsoDate(api.created_ms);
  PutIfSet(o, "description", api.description);
  o["disableExecuteApiEndpoint"] = api.info.disable_execute_api_endpoint;
  o["ipAddressType"] = api.ip_address_type;
  o["name"] = api.info.name;
  o["protocolType"] = "HTTP";
  o["routeSelectionExpression"] = api.route_selection_expression;
  o["tags"] = RenderStringMap(api.tags);
  PutIfSet(o, "version", api.version);
  return o;
}

json::object RenderRoute(const Route& route) {
  json::object o;
  if (route.api_gateway_managed) o["apiGatewayManaged"] = true;
  o["apiKeyRequired"] = route.api_key_required;
  if (!route.authorization_scopes.empty()) {
    o["authorizationScopes"] = List(route.authorization_scopes);
  }
  o["authorizationType"] = AuthorizationTypeName(route.authorization_type);
  PutIfSet(o, "authorizerId", route.authorizer_id);
  PutIfSet(o, "operationName", route.operation_name);
  o["routeId"] = route.id;
  o["routeKey"] = route.key;
  PutIfSet(o, "target", route.target);
  return o;
}

json::object RenderIntegration(const Integration& integration) {
  json::object o;
  if (integration.api_gateway_managed) o["apiGatewayManaged"] = true;
  o["connectionType"] = integration.connection_type;
  PutIfSet(o, "credentialsArn", integration.credentials_arn);
  PutIfSet(o, "description", integration.description);
  o["integrationId"] = integration.id;
  o["integrationMethod"] = integration.method;
  o["integrationType"] = IntegrationTypeName(integration.type);
  o["integrationUri"] = integration.uri;
  o["payloadFormatVersion"] = integration.payload_format_version;
  if (!integration.request_parameters.empty()) {
    o["requestParameters"] = RenderStringMap(integration.request_parameters);
  }
  if (!integration.response_parameters.empty()) {
    json::object response;
    for (const auto& [status, map] : integration.response_parameters) {
      response[status] = RenderStringMap(map);
    }
    o["responseParameters"] = std::move(response);
  }
  o["timeoutInMillis"] = integration.timeout_ms;
  if (!integration.tls_server_name_to_verify.empty()) {
    o["tlsConfig"] = json::object{{"serverNameToVerify", integration.tls_server_name_to_verify}};
  }
  return o;
}

json::object RenderAuthorizer(const Authorizer& authorizer) {
  json::object o;
  o["authorizerId"] = authorizer.id;
  o["authorizerType"] = AuthorizerTypeName(authorizer.type);
  o["identitySource"] = List(authorizer.identity_source);
  o["name"] = authorizer.name;
  if (authorizer.type == AuthorizerType::kJwt) {
    o["jwtConfiguration"] = json::object{{"audience", List(authorizer.jwt_audience)},
                                         {"issuer", authorizer.jwt_issuer}};
    return o;
  }
  PutIfSet(o, "authorizerCredentialsArn", authorizer.credentials_arn);
  o["authorizerPayloadFormatVersion"] = authorizer.payload_format_version;
  o["authorizerResultTtlInSeconds"] = authorizer.result_ttl_seconds;
  o["authorizerUri"] = authorizer.authorizer_uri;
  o["enableSimpleResponses"] = authorizer.enable_simple_responses;
  PutIfSet(o, "identityValidationExpression", authorizer.identity_validation_expression);
  return o;
}

json::object RenderStage(const StageRecord& stage) {
  const StageInfo& info = stage.info;
  json::object o;
  if (info.access_log) {
    o["accessLogSettings"] = json::object{{"destinationArn", info.access_log->destination_arn},
                                          {"format", info.access_log->format}};
  }
  if (stage.api_gateway_managed) o["apiGatewayManaged"] = true;
  o["autoDeploy"] = info.auto_deploy;
  PutIfSet(o, "clientCertificateId", stage.client_certificate_id);
  o["createdDate"] = IsoDate(stage.created_ms);
  json::object defaults = RenderRouteSettings(info.default_route_settings);
  if (!defaults.contains("detailedMetricsEnabled")) defaults["detailedMetricsEnabled"] = false;
  o["defaultRouteSettings"] = std::move(defaults);
  PutIfSet(o, "deploymentId", info.deployment_id);
  PutIfSet(o, "description", stage.description);
  PutIfSet(o, "lastDeploymentStatusMessage", stage.last_deployment_status_message);
  o["lastUpdatedDate"] = IsoDate(stage.updated_ms);
  json::object route_settings;
  for (const auto& [key, settings] : info.route_settings) {
    route_settings[key] = RenderRouteSettings(settings);
  }
  o["routeSettings"] = std::move(route_settings);
  o["stageName"] = info.name;
  o["stageVariables"] = RenderStringMap(info.variables);
  o["tags"] = RenderStringMap(stage.tags);
  return o;
}

json::object RenderDeployment(const Deployment& deployment) {
  json::object o;
  o["autoDeployed"] = deployment.auto_deployed;
  o["createdDate"] = IsoDate(deployment.created_ms);
  o["deploymentId"] = deployment.id;
  o["deploymentStatus"] = "DEPLOYED";
  PutIfSet(o, "description", deployment.description);
  return o;
}

edge::Response JsonResponse(int status, const json::object& body) {
  edge::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

edge::Response EmptyResponse(int status) {
  edge::Response r;
  r.status = status;
  return r;
}

}  // namespace kumo::apis

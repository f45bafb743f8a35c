// Reading request members (the model's camelCase locationNames) into
// records. Private to src/apis.
//
// Each Apply* sets the members present in a JSON object onto a record and
// leaves the others alone: CreateX applies a request onto a default record,
// UpdateX (PATCH) onto the current one, and the Store's decoder onto a
// default record with `stored` set, which also reads the members only the
// service writes (ids, apiGatewayManaged). A member of the wrong JSON type
// is a 400 BadRequestException naming it; constraints are checked elsewhere.
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apis/api_catalog.h"
#include "apis/control_records.h"
#include "common/status.h"

namespace kumo::apis {

// The request body as an object; malformed JSON is 400 BadRequestException.
Result<boost::json::object> ParseBody(std::string_view body);

// Typed reads of an optional member (absent or null: nullopt).
Result<std::optional<std::string>> OptString(const boost::json::object& o, std::string_view key);
Result<std::optional<int64_t>> OptInt(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> OptBool(const boost::json::object& o, std::string_view key);
Result<std::optional<double>> OptDouble(const boost::json::object& o, std::string_view key);
Result<std::optional<std::vector<std::string>>> OptStringList(const boost::json::object& o,
                                                              std::string_view key);
Result<std::optional<std::map<std::string, std::string>>> OptStringMap(const boost::json::object& o,
                                                                       std::string_view key);
// nullptr when absent or null.
Result<const boost::json::object*> OptObject(const boost::json::object& o, std::string_view key);

// Sets `out` to what `read` found, when the member was present:
//   KUMO_RETURN_IF_ERROR(Assign(OptString(body, "name"), api.info.name));
template <typename T, typename U>
Status Assign(Result<std::optional<T>> read, U& out) {
  if (!read.ok()) return read.error();
  if (read->has_value()) out = std::move(**read);
  return Status::Ok();
}

Status ApplyCors(const boost::json::object& o, CorsConfig& cors);
Status ApplyRouteSettings(const boost::json::object& o, RouteSettings& settings);
Status ApplyAccessLog(const boost::json::object& o, AccessLogSettings& settings);

// name, description, version, corsConfiguration, disableExecuteApiEndpoint,
// routeSelectionExpression, apiKeySelectionExpression, ipAddressType; and
// with `stored`: apiId, protocolType, tags.
Status ApplyApiMembers(const boost::json::object& o, ApiRecord& api, bool stored);
// A new API's members from a request (CreateApi, ImportApi): ApplyApiMembers,
// tags, then the API's and the tags' checks.
Status ApplyNewApiMembers(const boost::json::object& o, ApiRecord& api);
// routeKey, target, authorizationType, authorizerId, authorizationScopes,
// apiKeyRequired, operationName. Derives method/path and integration_id.
Status ApplyRouteMembers(const boost::json::object& o, Route& route, bool stored);
// integrationType, integrationUri, integrationMethod, payloadFormatVersion,
// timeoutInMillis, description, credentialsArn, connectionType,
// requestParameters, responseParameters, tlsConfig.
Status ApplyIntegrationMembers(const boost::json::object& o, Integration& integration, bool stored);
// name, authorizerType, identitySource, jwtConfiguration, authorizerUri,
// authorizerPayloadFormatVersion, enableSimpleResponses,
// authorizerResultTtlInSeconds, identityValidationExpression,
// authorizerCredentialsArn.
Status ApplyAuthorizerMembers(const boost::json::object& o, Authorizer& authorizer, bool stored);
// description, autoDeploy, deploymentId, stageVariables (replaced),
// defaultRouteSettings (replaced), routeSettings (merged by route key),
// accessLogSettings, clientCertificateId; with `stored`: stageName, tags,
// apiGatewayManaged, lastDeploymentStatusMessage.
Status ApplyStageMembers(const boost::json::object& o, StageRecord& stage, bool stored);

}  // namespace kumo::apis

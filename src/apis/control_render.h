// Output shapes of the control plane, with the model's camelCase member
// names; the Store's records reuse them. Private to src/apis.
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "apis/api_catalog.h"
#include "apis/control_records.h"
#include "edge/http_types.h"

namespace kumo::apis {

// ISO 8601 as the model's __timestampIso8601: "2024-01-02T03:04:05Z".
std::string IsoDate(int64_t epoch_millis);

boost::json::object RenderCors(const CorsConfig& cors);
boost::json::object RenderRouteSettings(const RouteSettings& settings);
boost::json::object RenderStringMap(const std::map<std::string, std::string>& map);

// `endpoint` empty: no apiEndpoint member (the Store's form).
boost::json::object RenderApi(const ApiRecord& api, std::string_view endpoint);
boost::json::object RenderRoute(const Route& route);
boost::json::object RenderIntegration(const Integration& integration);
boost::json::object RenderAuthorizer(const Authorizer& authorizer);
boost::json::object RenderStage(const StageRecord& stage);
boost::json::object RenderDeployment(const Deployment& deployment);

// A JSON answer with Content-Type application/json.
edge::Response JsonResponse(int status, const boost::json::object& body);
// An answer without a body (204).
edge::Response EmptyResponse(int status);

}  // namespace kumo::apis

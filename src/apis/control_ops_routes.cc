// Routes and integrations. Every change redeploys AutoDeploy stages.
#include <boost/json.hpp>

#include "apis/control_impl.h"
#include "apis/control_members.h"
#include "apis/control_render.h"
#include "apis/control_validation.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using Impl = ApiControlService::Impl;

}  // namespace

Result<edge::Response> Impl::CreateRoute(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> key, OptString(body, "routeKey"));
  if (!key) return BadRequest("routeKey is required to create a route");
  Route route;
  KUMO_RETURN_IF_ERROR(ApplyRouteMembers(body, route, false));
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    route.id = NewChildId(next);
    KUMO_RETURN_IF_ERROR(CheckRoute(next, route));
    next.routes[route.id] = route;
    return JsonResponse(201, RenderRoute(route));
  });
}

Result<edge::Response> Impl::GetRoute(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  const Route* route = FindIn(api->routes, ctx.params.at(1));
  if (route == nullptr) return RouteNotFound(ctx.params.at(1));
  return JsonResponse(200, RenderRoute(*route));
}

Result<edge::Response> Impl::GetRoutes(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  return ListResponse(api->routes, ctx, RenderRoute);
}

Result<edge::Response> Impl::UpdateRoute(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    Route* current = FindIn(next.routes, ctx.params.at(1));
    if (current == nullptr) return RouteNotFound(ctx.params.at(1));
    Route route = *current;
    KUMO_RETURN_IF_ERROR(ApplyRouteMembers(body, route, false));
    // Switching a route to NONE drops its authorizer, unless the request
    // names one (which is then an error).
    if (route.authorization_type == AuthorizationType::kNone && !body.contains("authorizerId")) {
      route.authorizer_id.clear();
      if (!body.contains("authorizationScopes")) route.authorization_scopes.clear();
    }
    KUMO_RETURN_IF_ERROR(CheckRoute(next, route));
    *current = route;
    return JsonResponse(200, RenderRoute(route));
  });
}

Result<edge::Response> Impl::DeleteRoute(const OpContext& ctx) {
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    const std::string& id = ctx.params.at(1);
    if (next.routes.erase(id) == 0) return RouteNotFound(id);
    if (next.api.quick_route_id == id) next.api.quick_route_id.clear();
    return EmptyResponse(204);
  });
}

Result<edge::Response> Impl::CreateIntegration(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(body, "integrationType"));
  if (!type) return BadRequest("integrationType is required to create an integration");
  Integration integration;
  KUMO_RETURN_IF_ERROR(ApplyIntegrationMembers(body, integration, false));
  KUMO_RETURN_IF_ERROR(FinishIntegration(integration));
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    integration.id = NewChildId(next);
    next.integrations[integration.id] = integration;
    return JsonResponse(201, RenderIntegration(integration));
  });
}

Result<edge::Response> Impl::GetIntegration(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  const Integration* integration = FindIn(api->integrations, ctx.params.at(1));
  if (integration == nullptr) return IntegrationNotFound(ctx.params.at(1));
  return JsonResponse(200, RenderIntegration(*integration));
}

Result<edge::Response> Impl::GetIntegrations(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  return ListResponse(api->integrations, ctx, RenderIntegration);
}

Result<edge::Response> Impl::UpdateIntegration(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    Integration* current = FindIn(next.integrations, ctx.params.at(1));
    if (current == nullptr) return IntegrationNotFound(ctx.params.at(1));
    Integration integration = *current;
    KUMO_RETURN_IF_ERROR(ApplyIntegrationMembers(body, integration, false));
    KUMO_RETURN_IF_ERROR(FinishIntegration(integration));
    *current = integration;
    return JsonResponse(200, RenderIntegration(integration));
  });
}

Result<edge::Response> Impl::DeleteIntegration(const OpContext& ctx) {
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    const std::string& id = ctx.params.at(1);
    if (next.integrations.count(id) == 0) return IntegrationNotFound(id);
    // API Gateway's words: "... referenced by the following Routes with Ids: [a, b]".
    std::string users;
    for (const auto& [route_id, route] : next.routes) {
      if (route.integration_id == id) users += (users.empty() ? "" : ", ") + route_id;
    }
    if (!users.empty()) {
      return Conflict(
          "Cannot delete Integration because it is referenced by the following Routes with Ids: [" +
          users + "]");
    }
    next.integrations.erase(id);
    if (next.api.quick_integration_id == id) next.api.quick_integration_id.clear();
    return EmptyResponse(204);
  });
}

}  // namespace kumo::apis

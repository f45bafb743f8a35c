// JWT and Lambda (REQUEST) authorizers. Every change redeploys AutoDeploy stages.
#include <boost/json.hpp>

#include "apis/control_impl.h"
#include "apis/control_members.h"
#include "apis/control_render.h"
#include "apis/control_validation.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using Impl = ApiControlService::Impl;

// The first route that uses authorizer `id`, or nullptr.
const Route* RouteUsing(const ApiState& state, std::string_view id) {
  for (const auto& [route_id, route] : state.routes) {
    if (route.authorization_type != AuthorizationType::kNone && route.authorizer_id == id) {
      return &route;
    }
  }
  return nullptr;
}

}  // namespace

Result<edge::Response> Impl::CreateAuthorizer(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(body, "authorizerType"));
  if (!type) return BadRequest("authorizerType is required to create an authorizer");
  Authorizer authorizer;
  KUMO_RETURN_IF_ERROR(ApplyAuthorizerMembers(body, authorizer, false));
  KUMO_RETURN_IF_ERROR(FinishAuthorizer(authorizer));
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    authorizer.id = NewChildId(next);
    next.authorizers[authorizer.id] = authorizer;
    return JsonResponse(201, RenderAuthorizer(authorizer));
  });
}

Result<edge::Response> Impl::GetAuthorizer(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  const Authorizer* authorizer = FindIn(api->authorizers, ctx.params.at(1));
  if (authorizer == nullptr) return AuthorizerNotFound(ctx.params.at(1));
  return JsonResponse(200, RenderAuthorizer(*authorizer));
}

Result<edge::Response> Impl::GetAuthorizers(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  return ListResponse(api->authorizers, ctx, RenderAuthorizer);
}

Result<edge::Response> Impl::UpdateAuthorizer(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    Authorizer* current = FindIn(next.authorizers, ctx.params.at(1));
    if (current == nullptr) return AuthorizerNotFound(ctx.params.at(1));
    Authorizer authorizer = *current;
    KUMO_RETURN_IF_ERROR(ApplyAuthorizerMembers(body, authorizer, false));
    KUMO_RETURN_IF_ERROR(FinishAuthorizer(authorizer));
    const Route* user = RouteUsing(next, authorizer.id);
    if (user != nullptr && authorizer.type != current->type) {
      return Conflict("Authorizer " + authorizer.id + " is used by route " + user->key +
                      " and cannot change its type");
    }
    *current = authorizer;
    return JsonResponse(200, RenderAuthorizer(authorizer));
  });
}

Result<edge::Response> Impl::DeleteAuthorizer(const OpContext& ctx) {
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    const std::string& id = ctx.params.at(1);
    if (next.authorizers.count(id) == 0) return AuthorizerNotFound(id);
    if (const Route* user = RouteUsing(next, id); user != nullptr) {
      return Conflict("Cannot delete authorizer '" + next.authorizers.at(id).name +
                      "', is referenced in route: " + user->key);
    }
    next.authorizers.erase(id);
    return EmptyResponse(204);
  });
}

}  // namespace kumo::apis

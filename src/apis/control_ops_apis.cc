// APIs (with quick create), their CORS configuration, and tags.
#include <boost/json.hpp>

#include "apis/control_impl.h"
#include "apis/control_members.h"
#include "apis/control_render.h"
#include "apis/control_validation.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using Impl = ApiControlService::Impl;

// Points a quick-create integration at `target`: a Lambda function ARN
// makes it AWS_PROXY (payload 2.0), an http(s) URL HTTP_PROXY (method ANY),
// as AWS's quick create does.
Status SetQuickTarget(Integration& integration, const std::string& target) {
  integration.uri = target;
  if (target.starts_with("arn:")) {
    integration.type = IntegrationType::kAwsProxy;
    integration.method = "POST";
    integration.payload_format_version = "2.0";
  } else {
    integration.type = IntegrationType::kHttpProxy;
    integration.method = "ANY";
    integration.payload_format_version = "1.0";
  }
  return FinishIntegration(integration);
}

// The quick-create members of CreateApi and UpdateApi.
struct QuickCreate {
  std::optional<std::string> target;
  std::optional<std::string> route_key;
  std::optional<std::string> credentials_arn;
};

Result<QuickCreate> ReadQuickCreate(const json::object& body) {
  QuickCreate q;
  KUMO_ASSIGN_OR_RETURN(q.target, OptString(body, "target"));
  KUMO_ASSIGN_OR_RETURN(q.route_key, OptString(body, "routeKey"));
  KUMO_ASSIGN_OR_RETURN(q.credentials_arn, OptString(body, "credentialsArn"));
  if (q.route_key && !ParseRouteKey(*q.route_key)) return BadRouteKey();
  return q;
}

Status SetTags(ApiState& next, const ResourceRef& ref,
               const std::map<std::string, std::string>& tags) {
  std::map<std::string, std::string>* target = &next.api.tags;
  if (!ref.stage.empty()) {
    auto it = next.stages.find(ref.stage);
    if (it == next.stages.end()) return StageNotFound(ref.stage);
    target = &it->second.tags;
  }
  *target = tags;
  return CheckTags(tags);
}

}  // namespace

Result<edge::Response> Impl::CreateApi(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> protocol, OptString(body, "protocolType"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, OptString(body, "name"));
  if (!name) return BadRequest("name is required to create an API");
  if (!protocol) return BadRequest("protocolType is required to create an API");
  if (*protocol == "WEBSOCKET") return BadRequest("WebSocket APIs are not supported by Kumo");
  if (*protocol != "HTTP")
    return BadRequest("Invalid protocol specified. Must be one of [HTTP, WEBSOCKET]");
  auto state = std::make_shared<ApiState>();
  ApiRecord& api = state->api;
  KUMO_RETURN_IF_ERROR(ApplyNewApiMembers(body, api));
  KUMO_ASSIGN_OR_RETURN(QuickCreate quick, ReadQuickCreate(body));
  if (!quick.target && (quick.route_key || quick.credentials_arn)) {
    return BadRequest("routeKey and credentialsArn are part of quick create and need a target");
  }
  api.info.region = ctx.region();
  api.created_ms = NowMillis();

  std::lock_guard write(write_mu_);
  api.info.id = NewApiId();
  if (quick.target) {
    Integration integration;
    integration.api_gateway_managed = true;
    integration.credentials_arn = quick.credentials_arn.value_or("");
    KUMO_RETURN_IF_ERROR(SetQuickTarget(integration, *quick.target));
    integration.id = NewChildId(*state);
    Route route;
    route.api_gateway_managed = true;
    route.key = quick.route_key.value_or("$default");
    RouteKeyParts parts = ParseRouteKey(route.key).value();  // checked by ReadQuickCreate
    route.method = parts.method;
    route.path = parts.path;
    route.integration_id = integration.id;
    route.target = "integrations/" + integration.id;
    state->integrations[integration.id] = integration;
    route.id = NewChildId(*state);
    state->routes[route.id] = route;
    api.quick_integration_id = integration.id;
    api.quick_route_id = route.id;
    StageRecord stage;
    stage.info.name = "$default";
    stage.info.auto_deploy = true;
    stage.api_gateway_managed = true;
    stage.created_ms = stage.updated_ms = api.created_ms;
    state->stages["$default"] = stage;
    AutoDeploy(*state);
  }
  KUMO_RETURN_IF_ERROR(Commit(nullptr, state));
  return JsonResponse(201, RenderApi(state->api, Endpoint(ctx.request, state->api.info.id)));
}

Result<edge::Response> Impl::GetApi(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  return JsonResponse(200, RenderApi(api->api, Endpoint(ctx.request, api->api.info.id)));
}

Result<edge::Response> Impl::GetApis(const OpContext& ctx) {
  std::vector<ApiPtr> apis = ApisIn(ctx.region());
  std::vector<std::string> ids;
  for (const ApiPtr& api : apis) ids.push_back(api->api.info.id);
  KUMO_ASSIGN_OR_RETURN(Page page, Paginate(ids, ctx));
  json::array items;
  for (size_t i = page.begin; i < page.end; ++i) {
    items.push_back(RenderApi(apis[i]->api, Endpoint(ctx.request, ids[i])));
  }
  json::object out{{"items", std::move(items)}};
  if (!page.next_token.empty()) out["nextToken"] = page.next_token;
  return JsonResponse(200, out);
}

Result<edge::Response> Impl::UpdateApi(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(QuickCreate quick, ReadQuickCreate(body));
  bool quick_change = quick.target || quick.route_key || quick.credentials_arn;
  return Mutate(ctx, quick_change, [&](ApiState& next) -> Result<edge::Response> {
    KUMO_RETURN_IF_ERROR(ApplyApiMembers(body, next.api, false));
    KUMO_RETURN_IF_ERROR(CheckApi(next.api));
    if (quick_change) {
      auto integration = next.integrations.find(next.api.quick_integration_id);
      auto route = next.routes.find(next.api.quick_route_id);
      if (integration == next.integrations.end() || route == next.routes.end()) {
        return BadRequest(
            "target, routeKey and credentialsArn can only be updated on an API made "
            "by quick create, while its quick-create route and integration exist");
      }
      if (quick.target) KUMO_RETURN_IF_ERROR(SetQuickTarget(integration->second, *quick.target));
      if (quick.credentials_arn) integration->second.credentials_arn = *quick.credentials_arn;
      if (quick.route_key && *quick.route_key != route->second.key) {
        RouteKeyParts parts = ParseRouteKey(*quick.route_key).value();  // checked above
        Route changed = route->second;
        changed.key = *quick.route_key;
        changed.method = parts.method;
        changed.path = parts.path;
        KUMO_RETURN_IF_ERROR(CheckRoute(next, changed));
        route->second = std::move(changed);
      }
    }
    return JsonResponse(200, RenderApi(next.api, Endpoint(ctx.request, next.api.info.id)));
  });
}

Result<edge::Response> Impl::DeleteApi(const OpContext& ctx) {
  std::lock_guard write(write_mu_);
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  KUMO_RETURN_IF_ERROR(Commit(api, nullptr));
  return EmptyResponse(204);
}

Result<edge::Response> Impl::DeleteCorsConfiguration(const OpContext& ctx) {
  return Mutate(ctx, false, [](ApiState& next) -> Result<edge::Response> {
    next.api.info.cors.reset();
    return EmptyResponse(204);
  });
}

namespace {

// The tagged resource of a /v2/tags/{resource-arn} call, in the caller's region.
Result<ResourceRef> TaggedResource(const OpContext& ctx) {
  const std::string& arn = ctx.params.at(0);
  std::optional<ResourceRef> ref = ParseResourceArn(arn);
  if (!ref) {
    return BadRequest("Invalid resource ARN " + arn +
                      ": Kumo tags APIs (arn:aws:apigateway:{region}::/apis/{id}) and their "
                      "stages (.../stages/{name})");
  }
  if (ref->region != ctx.region()) return ApiNotFound(ref->api_id);
  return *ref;
}

const std::map<std::string, std::string>* TagsOf(const ApiState& state, const ResourceRef& ref) {
  if (ref.stage.empty()) return &state.api.tags;
  auto it = state.stages.find(ref.stage);
  return it == state.stages.end() ? nullptr : &it->second.tags;
}

}  // namespace

Result<edge::Response> Impl::TagResource(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ResourceRef ref, TaggedResource(ctx));
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  using TagMap = std::map<std::string, std::string>;
  KUMO_ASSIGN_OR_RETURN(std::optional<TagMap> tags, OptStringMap(body, "tags"));
  return Mutate(OpContext{ctx.request, {ref.api_id}}, false,
                [&](ApiState& next) -> Result<edge::Response> {
                  const std::map<std::string, std::string>* current = TagsOf(next, ref);
                  if (current == nullptr) return StageNotFound(ref.stage);
                  std::map<std::string, std::string> merged = *current;
                  if (tags) {
                    for (const auto& [k, v] : *tags) merged[k] = v;
                  }
                  KUMO_RETURN_IF_ERROR(SetTags(next, ref, merged));
                  return JsonResponse(201, json::object{});
                });
}

Result<edge::Response> Impl::UntagResource(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ResourceRef ref, TaggedResource(ctx));
  std::vector<std::string> keys = ctx.QueryAll("tagKeys");
  return Mutate(OpContext{ctx.request, {ref.api_id}}, false,
                [&](ApiState& next) -> Result<edge::Response> {
                  const std::map<std::string, std::string>* current = TagsOf(next, ref);
                  if (current == nullptr) return StageNotFound(ref.stage);
                  std::map<std::string, std::string> kept = *current;
                  for (const std::string& key : keys) kept.erase(key);
                  KUMO_RETURN_IF_ERROR(SetTags(next, ref, kept));
                  return EmptyResponse(204);
                });
}

Result<edge::Response> Impl::GetTags(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ResourceRef ref, TaggedResource(ctx));
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(OpContext{ctx.request, {ref.api_id}}));
  const std::map<std::string, std::string>* tags = TagsOf(*api, ref);
  if (tags == nullptr) return StageNotFound(ref.stage);
  return JsonResponse(200, json::object{{"tags", RenderStringMap(*tags)}});
}

}  // namespace kumo::apis

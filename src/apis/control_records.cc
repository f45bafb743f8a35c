#include "apis/control_records.h"

#include <boost/json.hpp>

#include "apis/control_members.h"
#include "apis/control_render.h"
#include "apis/control_validation.h"
#include "common/json.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

Error Corrupt(std::string_view what, const Error& error) {
  return Internal("corrupt " + std::string(what) + " record: " + error.message);
}

int64_t Millis(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The objects of array member `key` (a missing member is an empty list).
Result<std::vector<const json::object*>> Objects(const json::object& o, std::string_view key) {
  std::vector<const json::object*> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return Internal(std::string(key) + " is not a list");
  for (const json::value& e : v->as_array()) {
    if (!e.is_object()) return Internal(std::string(key) + " holds a non-object");
    out.push_back(&e.as_object());
  }
  return out;
}

// The children every deployment and the api record carry.
void PutChildren(json::object& o, const std::vector<const Route*>& routes,
                 const std::map<std::string, Integration>& integrations,
                 const std::map<std::string, Authorizer>& authorizers) {
  json::array r, i, a;
  for (const Route* route : routes) r.push_back(RenderRoute(*route));
  for (const auto& [id, integration] : integrations) i.push_back(RenderIntegration(integration));
  for (const auto& [id, authorizer] : authorizers) a.push_back(RenderAuthorizer(authorizer));
  o["routes"] = std::move(r);
  o["integrations"] = std::move(i);
  o["authorizers"] = std::move(a);
}

struct Children {
  std::vector<Route> routes;
  std::map<std::string, Integration> integrations;
  std::map<std::string, Authorizer> authorizers;
};

Result<Children> ReadChildren(const json::object& o) {
  Children c;
  KUMO_ASSIGN_OR_RETURN(auto routes, Objects(o, "routes"));
  for (const json::object* r : routes) {
    Route route;
    KUMO_RETURN_IF_ERROR(ApplyRouteMembers(*r, route, true));
    c.routes.push_back(std::move(route));
  }
  KUMO_ASSIGN_OR_RETURN(auto integrations, Objects(o, "integrations"));
  for (const json::object* i : integrations) {
    Integration integration;
    KUMO_RETURN_IF_ERROR(ApplyIntegrationMembers(*i, integration, true));
    if (integration.type == IntegrationType::kAwsProxy) {
      integration.function_arn = LambdaArnFromUri(integration.uri, false).value_or("");
    }
    c.integrations[integration.id] = std::move(integration);
  }
  KUMO_ASSIGN_OR_RETURN(auto authorizers, Objects(o, "authorizers"));
  for (const json::object* a : authorizers) {
    Authorizer authorizer;
    KUMO_RETURN_IF_ERROR(ApplyAuthorizerMembers(*a, authorizer, true));
    if (authorizer.type == AuthorizerType::kRequest) {
      authorizer.function_arn = LambdaArnFromUri(authorizer.authorizer_uri, true).value_or("");
    }
    c.authorizers[authorizer.id] = std::move(authorizer);
  }
  return c;
}

}  // namespace

bool ApiState::UsesId(std::string_view id) const {
  std::string key(id);
  return routes.count(key) > 0 || integrations.count(key) > 0 || authorizers.count(key) > 0 ||
         deployments.count(key) > 0;
}

const Route* ApiState::FindRouteByKey(std::string_view key) const {
  for (const auto& [id, route] : routes) {
    if (route.key == key) return &route;
  }
  return nullptr;
}

std::string ApiStoreKey(std::string_view api_id) {
  return std::string(kApiKeyPrefix) + std::string(api_id);
}

std::string DeploymentStoreKey(std::string_view api_id, std::string_view deployment_id) {
  return std::string(kDeploymentKeyPrefix) + std::string(api_id) + "/" + std::string(deployment_id);
}

std::string EncodeApiState(const ApiState& state) {
  json::object api = RenderApi(state.api, "");
  api["region"] = state.api.info.region;
  api["createdMs"] = state.api.created_ms;
  api["quickRouteId"] = state.api.quick_route_id;
  api["quickIntegrationId"] = state.api.quick_integration_id;
  json::object o{{"api", std::move(api)}};
  std::vector<const Route*> routes;
  for (const auto& [id, route] : state.routes) routes.push_back(&route);
  PutChildren(o, routes, state.integrations, state.authorizers);
  json::array stages;
  for (const auto& [name, stage] : state.stages) {
    json::object s = RenderStage(stage);
    s["createdMs"] = stage.created_ms;
    s["updatedMs"] = stage.updated_ms;
    stages.push_back(std::move(s));
  }
  o["stages"] = std::move(stages);
  return json::serialize(o);
}

Result<ApiState> DecodeApiState(std::string_view text) {
  Result<json::object> parsed = ParseJsonObject(text);
  if (!parsed.ok()) return Corrupt("api", parsed.error());
  const json::object& o = *parsed;
  const json::value* api = o.if_contains("api");
  if (api == nullptr || !api->is_object()) return Internal("corrupt api record: no api member");
  ApiState state;
  const json::object& a = api->as_object();
  Status applied = ApplyApiMembers(a, state.api, true);
  if (!applied.ok()) return Corrupt("api", applied.error());
  state.api.info.region = Text(a, "region");
  state.api.created_ms = Millis(a, "createdMs");
  state.api.quick_route_id = Text(a, "quickRouteId");
  state.api.quick_integration_id = Text(a, "quickIntegrationId");
  Result<Children> children = ReadChildren(o);
  if (!children.ok()) return Corrupt("api", children.error());
  for (Route& route : children->routes) state.routes[route.id] = std::move(route);
  state.integrations = std::move(children->integrations);
  state.authorizers = std::move(children->authorizers);
  Result<std::vector<const json::object*>> stages = Objects(o, "stages");
  if (!stages.ok()) return Corrupt("api", stages.error());
  for (const json::object* s : *stages) {
    StageRecord stage;
    Status stage_applied = ApplyStageMembers(*s, stage, true);
    if (!stage_applied.ok()) return Corrupt("stage", stage_applied.error());
    stage.created_ms = Millis(*s, "createdMs");
    stage.updated_ms = Millis(*s, "updatedMs");
    state.stages[stage.info.name] = std::move(stage);
  }
  if (state.api.info.id.empty()) return Internal("corrupt api record: no apiId");
  return state;
}

std::string EncodeDeployment(const Deployment& deployment) {
  json::object o = RenderDeployment(deployment);
  o["createdMs"] = deployment.created_ms;
  std::vector<const Route*> routes;
  for (const Route& route : deployment.routes) routes.push_back(&route);
  PutChildren(o, routes, deployment.integrations, deployment.authorizers);
  return json::serialize(o);
}

Result<Deployment> DecodeDeployment(std::string_view text) {
  Result<json::object> parsed = ParseJsonObject(text);
  if (!parsed.ok()) return Corrupt("deployment", parsed.error());
  const json::object& o = *parsed;
  Deployment d;
  d.id = Text(o, "deploymentId");
  d.description = Text(o, "description");
  d.created_ms = Millis(o, "createdMs");
  const json::value* auto_deployed = o.if_contains("autoDeployed");
  d.auto_deployed =
      auto_deployed != nullptr && auto_deployed->is_bool() && auto_deployed->as_bool();
  Result<Children> children = ReadChildren(o);
  if (!children.ok()) return Corrupt("deployment", children.error());
  d.routes = std::move(children->routes);
  d.integrations = std::move(children->integrations);
  d.authorizers = std::move(children->authorizers);
  if (d.id.empty()) return Internal("corrupt deployment record: no deploymentId");
  return d;
}

}  // namespace kumo::apis

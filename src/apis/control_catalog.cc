// The catalog's value types, and building a CatalogApi from an ApiState.
#include "apis/api_catalog.h"
#include "apis/control_impl.h"

namespace kumo::apis {

const Route* Deployment::FindRouteByKey(std::string_view key) const {
  for (const Route& route : routes) {
    if (route.key == key) return &route;
  }
  return nullptr;
}

const Integration* Deployment::FindIntegration(std::string_view id) const {
  auto it = integrations.find(std::string(id));
  return it == integrations.end() ? nullptr : &it->second;
}

const Authorizer* Deployment::FindAuthorizer(std::string_view id) const {
  auto it = authorizers.find(std::string(id));
  return it == authorizers.end() ? nullptr : &it->second;
}

RouteSettings DeployedStage::SettingsFor(std::string_view route_key) const {
  RouteSettings merged = stage.default_route_settings;
  auto it = stage.route_settings.find(std::string(route_key));
  if (it == stage.route_settings.end()) return merged;
  const RouteSettings& own = it->second;
  if (own.throttling_burst_limit) merged.throttling_burst_limit = own.throttling_burst_limit;
  if (own.throttling_rate_limit) merged.throttling_rate_limit = own.throttling_rate_limit;
  if (own.detailed_metrics_enabled) merged.detailed_metrics_enabled = own.detailed_metrics_enabled;
  return merged;
}

std::shared_ptr<const DeployedStage> CatalogApi::Stage(std::string_view name) const {
  auto it = stages.find(name);
  return it == stages.end() ? nullptr : it->second;
}

bool ApiCatalog::HasStage(std::string_view api_id, std::string_view stage) const {
  std::shared_ptr<const CatalogApi> api = FindApi(api_id);
  return api != nullptr && api->Stage(stage) != nullptr;
}

std::shared_ptr<const CatalogApi> BuildCatalogApi(const ApiState& state) {
  auto api = std::make_shared<CatalogApi>();
  api->api = state.api.info;
  for (const auto& [name, record] : state.stages) {
    auto stage = std::make_shared<DeployedStage>();
    stage->api = state.api.info;
    stage->stage = record.info;
    auto it = state.deployments.find(record.info.deployment_id);
    if (it != state.deployments.end()) stage->deployment = it->second;
    api->stages[name] = std::move(stage);
  }
  return api;
}

}  // namespace kumo::apis

// ApiControlService::Impl: the state and operations behind the control
// plane. Private to src/apis; operations are split by family across
// control_ops_*.cc, the dispatch table is in control_service.cc.
//
// Concurrency: readers copy a shared_ptr to an immutable ApiState (or
// CatalogApi) under mu_, held only for that. Writers hold write_mu_ across
// read-modify-write: they copy the ApiState, change the copy, make it
// durable with one Store::Write, then publish it and its CatalogApi under
// mu_. The random id generator is used only under write_mu_.
#pragma once

#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "apis/api_catalog.h"
#include "apis/control_records.h"
#include "apis/control_render.h"
#include "apis/control_service.h"
#include "apis/openapi.h"
#include "edge/service.h"
#include "storage/store.h"

namespace kumo::apis {

// One API call as an operation sees it.
struct OpContext {
  const edge::Request& request;
  std::vector<std::string> params;  // decoded path parameters, in path order

  const std::string& region() const { return request.region; }
  std::string Query(std::string_view name) const;  // "" when absent
  std::vector<std::string> QueryAll(std::string_view name) const;
  Result<boost::json::object> Body() const;
};

class ApiControlService::Impl final : public ApiCatalog {
 public:
  Impl(storage::Store& store, storage::Family family, ApiControlOptions options);

  Status Load();
  void Handle(edge::Call call, edge::Responder responder);
  void SetEndpointPort(uint16_t port) { endpoint_port_ = port; }

  // ApiCatalog
  std::shared_ptr<const CatalogApi> FindApi(std::string_view api_id) const override;
  Result<std::shared_ptr<const DeployedStage>> Lookup(std::string_view api_id,
                                                      std::string_view stage) const override;
  std::vector<StageSummary> ListStages() const override;
  uint64_t Generation() const override;

  using Op = Result<edge::Response> (Impl::*)(const OpContext&);
  // control_ops_apis.cc
  Result<edge::Response> CreateApi(const OpContext& ctx);
  Result<edge::Response> GetApi(const OpContext& ctx);
  Result<edge::Response> GetApis(const OpContext& ctx);
  Result<edge::Response> UpdateApi(const OpContext& ctx);
  Result<edge::Response> DeleteApi(const OpContext& ctx);
  Result<edge::Response> DeleteCorsConfiguration(const OpContext& ctx);
  Result<edge::Response> TagResource(const OpContext& ctx);
  Result<edge::Response> UntagResource(const OpContext& ctx);
  Result<edge::Response> GetTags(const OpContext& ctx);
  // control_ops_openapi.cc
  Result<edge::Response> ImportApi(const OpContext& ctx);
  Result<edge::Response> ReimportApi(const OpContext& ctx);
  Result<edge::Response> ExportApi(const OpContext& ctx);
  // control_ops_routes.cc
  Result<edge::Response> CreateRoute(const OpContext& ctx);
  Result<edge::Response> GetRoute(const OpContext& ctx);
  Result<edge::Response> GetRoutes(const OpContext& ctx);
  Result<edge::Response> UpdateRoute(const OpContext& ctx);
  Result<edge::Response> DeleteRoute(const OpContext& ctx);
  Result<edge::Response> CreateIntegration(const OpContext& ctx);
  Result<edge::Response> GetIntegration(const OpContext& ctx);
  Result<edge::Response> GetIntegrations(const OpContext& ctx);
  Result<edge::Response> UpdateIntegration(const OpContext& ctx);
  Result<edge::Response> DeleteIntegration(const OpContext& ctx);
  // control_ops_authorizers.cc
  Result<edge::Response> CreateAuthorizer(const OpContext& ctx);
  Result<edge::Response> GetAuthorizer(const OpContext& ctx);
  Result<edge::Response> GetAuthorizers(const OpContext& ctx);
  Result<edge::Response> UpdateAuthorizer(const OpContext& ctx);
  Result<edge::Response> DeleteAuthorizer(const OpContext& ctx);
  // control_ops_stages.cc
  Result<edge::Response> CreateStage(const OpContext& ctx);
  Result<edge::Response> GetStage(const OpContext& ctx);
  Result<edge::Response> GetStages(const OpContext& ctx);
  Result<edge::Response> UpdateStage(const OpContext& ctx);
  Result<edge::Response> DeleteStage(const OpContext& ctx);
  Result<edge::Response> DeleteAccessLogSettings(const OpContext& ctx);
  Result<edge::Response> DeleteRouteSettings(const OpContext& ctx);
  Result<edge::Response> ResetAuthorizersCache(const OpContext& ctx);
  Result<edge::Response> CreateDeployment(const OpContext& ctx);
  Result<edge::Response> GetDeployment(const OpContext& ctx);
  Result<edge::Response> GetDeployments(const OpContext& ctx);
  Result<edge::Response> UpdateDeployment(const OpContext& ctx);
  Result<edge::Response> DeleteDeployment(const OpContext& ctx);

 private:
  // --- state (control_state.cc) ---
  ApiPtr FindState(std::string_view api_id) const;
  // The API of path parameter 0 in the caller's region; 404 otherwise.
  Result<ApiPtr> RequireApi(const OpContext& ctx) const;
  std::vector<ApiPtr> ApisIn(std::string_view region) const;
  // Makes `after` durable and visible (null: deletes `before`'s API). Only
  // with write_mu_ held.
  Status Commit(const ApiPtr& before, ApiPtr after);
  // Read-modify-write of the API of path parameter 0: `change` edits a copy
  // and returns the answer; then, when `redeploy`, AutoDeploy stages get a
  // new deployment; then the copy is committed. Nothing is written when
  // `change` fails.
  using Change = std::function<Result<edge::Response>(ApiState& next)>;
  Result<edge::Response> Mutate(const OpContext& ctx, bool redeploy, const Change& change);
  // Mutate's form for the stage of path parameter 1 (404 when missing),
  // answering 204 when `change` succeeds.
  Result<edge::Response> MutateStage(const OpContext& ctx,
                                     const std::function<Status(StageRecord&)>& change);

  // A fresh id of `length` characters unused by the API (and, for APIs, by
  // any API). Only with write_mu_ held.
  std::string NewApiId();
  std::string NewChildId(const ApiState& state);
  // Freezes the routes, integrations and authorizers of `state`. Fails with
  // AWS's error when there are no routes. Only with write_mu_ held.
  Result<std::shared_ptr<const Deployment>> Snapshot(const ApiState& state, std::string description,
                                                     bool auto_deployed);
  // Deploys the current state to every AutoDeploy stage of `next` (or only
  // to `stage_name`), recording success or failure in each stage's
  // LastDeploymentStatusMessage, then drops automatic deployments no stage
  // serves any more. Only with write_mu_ held.
  void AutoDeploy(ApiState& next, std::string_view stage_name = {});
  static void DropUnusedAutoDeployments(ApiState& next);

  // Replaces the API members, routes, integrations and authorizers of `next`
  // with an imported definition's, each applied and checked as its Create*
  // operation does; drops stage RouteSettings of routes that are gone. Only
  // with write_mu_ held.
  Status ApplyDefinition(const OpenApiImport& definition, ApiState& next);

  std::string Endpoint(const edge::Request& request, std::string_view api_id) const;
  int64_t NowMillis() const { return options_.clock->NowMillis(); }

  storage::Store& store_;
  storage::Family family_;
  ApiControlOptions options_;
  std::atomic<uint16_t> endpoint_port_;

  mutable std::mutex mu_;                            // guards apis_, catalog_, generation_
  std::map<std::string, ApiPtr, std::less<>> apis_;  // by id
  std::map<std::string, std::shared_ptr<const CatalogApi>, std::less<>> catalog_;
  uint64_t generation_ = 0;

  std::mutex write_mu_;  // serializes every read-modify-write
  std::mt19937_64 rng_;
};

// The catalog entry of `state`: its settings and a DeployedStage per stage.
std::shared_ptr<const CatalogApi> BuildCatalogApi(const ApiState& state);

// One page of a list sorted by `keys` (ascending, unique) for GetX's
// maxResults/nextToken query parameters. The token is the opaque key of the
// first item not returned; empty on the last page.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::string next_token;
};
Result<Page> Paginate(const std::vector<std::string>& keys, const OpContext& ctx);

// GetRoutes, GetStages, ...: one page of `map`'s values, rendered, as
// {"items": [...], "nextToken": ...}.
template <typename Map, typename Render>
Result<edge::Response> ListResponse(const Map& map, const OpContext& ctx, Render render) {
  std::vector<std::string> keys;
  for (const auto& entry : map) keys.push_back(entry.first);
  KUMO_ASSIGN_OR_RETURN(Page page, Paginate(keys, ctx));
  boost::json::array items;
  auto it = std::next(map.begin(), static_cast<std::ptrdiff_t>(page.begin));
  for (size_t i = page.begin; i < page.end; ++i, ++it) items.push_back(render(it->second));
  boost::json::object out{{"items", std::move(items)}};
  if (!page.next_token.empty()) out["nextToken"] = page.next_token;
  return JsonResponse(200, out);
}

// The value of `map` at `key`, or nullptr.
template <typename Map>
auto* FindIn(Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace kumo::apis

// The in-memory view, its persistence in the Store, deployments, and the
// catalog published to the data plane.
#include <algorithm>
#include <charconv>
#include <set>

#include "apis/control_impl.h"
#include "apis/control_members.h"
#include "apis/control_validation.h"
#include "common/encoding.h"

namespace kumo::apis {
namespace {

constexpr std::string_view kNoRoutes = "Unable to deploy API because no routes exist in this API";

// The port of a Host header value ("a.localhost:4566", "[::1]:8080"), or 0.
uint16_t HostPort(std::string_view host) {
  size_t colon = host.rfind(':');
  if (colon == std::string_view::npos) return 0;
  if (host.starts_with('[') && host.find(']') > colon) return 0;  // "[::1]" without a port
  std::string_view digits = host.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
    return 0;
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

std::string OpContext::Query(std::string_view name) const {
  return std::string(request.QueryParam(name).value_or(""));
}

std::vector<std::string> OpContext::QueryAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : request.query) {
    if (k == name) out.push_back(v);
  }
  return out;
}

Result<boost::json::object> OpContext::Body() const { return ParseBody(request.body); }

ApiControlService::Impl::Impl(storage::Store& store, storage::Family family,
                              ApiControlOptions options)
    : store_(store),
      family_(family),
      options_(options),
      endpoint_port_(options.endpoint_port),
      rng_(std::random_device{}()) {}

Status ApiControlService::Impl::Load() {
  std::map<std::string, std::shared_ptr<ApiState>> loaded;
  std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = it->key();
    if (key.starts_with(kApiKeyPrefix)) {
      KUMO_ASSIGN_OR_RETURN(ApiState state, DecodeApiState(it->value()));
      std::string id = state.api.info.id;
      loaded[id] = std::make_shared<ApiState>(std::move(state));
    } else if (key.starts_with(kDeploymentKeyPrefix)) {
      std::string_view rest = key.substr(kDeploymentKeyPrefix.size());
      std::string api_id(rest.substr(0, rest.find('/')));
      KUMO_ASSIGN_OR_RETURN(Deployment deployment, DecodeDeployment(it->value()));
      auto api = loaded.find(api_id);
      // "api/" sorts before "dep/", and an API and its deployments are
      // written and deleted in one batch: a deployment without its API is
      // corruption.
      if (api == loaded.end()) return Internal("deployment " + std::string(key) + " has no API");
      std::string id = deployment.id;
      api->second->deployments[id] = std::make_shared<const Deployment>(std::move(deployment));
    }
  }
  KUMO_RETURN_IF_ERROR(it->status());
  std::lock_guard lock(mu_);
  for (auto& [id, state] : loaded) {
    catalog_[id] = BuildCatalogApi(*state);
    apis_[id] = std::move(state);
  }
  ++generation_;
  return Status::Ok();
}

ApiPtr ApiControlService::Impl::FindState(std::string_view api_id) const {
  std::lock_guard lock(mu_);
  auto it = apis_.find(api_id);
  return it == apis_.end() ? nullptr : it->second;
}

Result<ApiPtr> ApiControlService::Impl::RequireApi(const OpContext& ctx) const {
  const std::string& id = ctx.params.at(0);
  ApiPtr api = FindState(id);
  // APIs are regional: another region's API is not found, as on AWS.
  if (api == nullptr || api->api.info.region != ctx.region()) return ApiNotFound(id);
  return api;
}

std::vector<ApiPtr> ApiControlService::Impl::ApisIn(std::string_view region) const {
  std::vector<ApiPtr> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, api] : apis_) {
    if (api->api.info.region == region) out.push_back(api);
  }
  return out;
}

Status ApiControlService::Impl::Commit(const ApiPtr& before, ApiPtr after) {
  const std::string id = after ? after->api.info.id : before->api.info.id;
  storage::WriteBatch batch;
  if (after) {
    batch.Put(family_, ApiStoreKey(id), EncodeApiState(*after));
    for (const auto& [dep_id, deployment] : after->deployments) {
      bool unchanged = before && before->deployments.count(dep_id) > 0 &&
                       before->deployments.at(dep_id) == deployment;
      if (!unchanged)
        batch.Put(family_, DeploymentStoreKey(id, dep_id), EncodeDeployment(*deployment));
    }
  } else {
    batch.Delete(family_, ApiStoreKey(id));
  }
  if (before) {
    for (const auto& [dep_id, deployment] : before->deployments) {
      if (!after || after->deployments.count(dep_id) == 0) {
        batch.Delete(family_, DeploymentStoreKey(id, dep_id));
      }
    }
  }
  KUMO_RETURN_IF_ERROR(store_.Write(batch));
  std::shared_ptr<const CatalogApi> entry = after ? BuildCatalogApi(*after) : nullptr;
  std::lock_guard lock(mu_);
  if (after) {
    apis_[id] = std::move(after);
    catalog_[id] = std::move(entry);
  } else {
    apis_.erase(id);
    catalog_.erase(id);
  }
  ++generation_;
  return Status::Ok();
}

Result<edge::Response> ApiControlService::Impl::Mutate(const OpContext& ctx, bool redeploy,
                                                       const Change& change) {
  std::lock_guard write(write_mu_);
  KUMO_ASSIGN_OR_RETURN(ApiPtr before, RequireApi(ctx));
  auto next = std::make_shared<ApiState>(*before);
  KUMO_ASSIGN_OR_RETURN(edge::Response response, change(*next));
  if (redeploy) AutoDeploy(*next);
  KUMO_RETURN_IF_ERROR(Commit(before, std::move(next)));
  return response;
}

std::string ApiControlService::Impl::NewApiId() {
  while (true) {
    std::string id = RandomId(rng_, 10);
    if (FindState(id) == nullptr) return id;
  }
}

std::string ApiControlService::Impl::NewChildId(const ApiState& state) {
  while (true) {
    std::string id = RandomId(rng_, 7);
    if (!state.UsesId(id)) return id;
  }
}

Result<std::shared_ptr<const Deployment>> ApiControlService::Impl::Snapshot(const ApiState& state,
                                                                            std::string description,
                                                                            bool auto_deployed) {
  if (state.routes.empty()) return BadRequest(std::string(kNoRoutes));
  auto deployment = std::make_shared<Deployment>();
  deployment->id = NewChildId(state);
  deployment->description = std::move(description);
  deployment->created_ms = NowMillis();
  deployment->auto_deployed = auto_deployed;
  for (const auto& [id, route] : state.routes) deployment->routes.push_back(route);
  std::sort(deployment->routes.begin(), deployment->routes.end(),
            [](const Route& a, const Route& b) { return a.key < b.key; });
  deployment->integrations = state.integrations;
  deployment->authorizers = state.authorizers;
  return std::shared_ptr<const Deployment>(std::move(deployment));
}

void ApiControlService::Impl::AutoDeploy(ApiState& next, std::string_view stage_name) {
  std::vector<StageRecord*> targets;
  for (auto& [name, stage] : next.stages) {
    if (stage.info.auto_deploy && (stage_name.empty() || name == stage_name)) {
      targets.push_back(&stage);
    }
  }
  if (targets.empty()) return;
  int64_t now = NowMillis();
  Result<std::shared_ptr<const Deployment>> deployment =
      Snapshot(next, "Automatic deployment triggered by changes to the Api configuration", true);
  for (StageRecord* stage : targets) {
    if (!deployment.ok()) {
      // As on AWS: the change is kept, the stage records why it was not deployed.
      stage->last_deployment_status_message =
          "Deployment attempt failed: " + deployment.error().message;
      continue;
    }
    stage->info.deployment_id = (*deployment)->id;
    stage->last_deployment_status_message =
        "Successfully deployed stage with deployment ID '" + (*deployment)->id + "'";
    stage->updated_ms = now;
  }
  if (deployment.ok()) next.deployments[(*deployment)->id] = *deployment;
  DropUnusedAutoDeployments(next);
}

void ApiControlService::Impl::DropUnusedAutoDeployments(ApiState& next) {
  std::set<std::string> served;
  for (const auto& [name, stage] : next.stages) served.insert(stage.info.deployment_id);
  for (auto it = next.deployments.begin(); it != next.deployments.end();) {
    if (it->second->auto_deployed && served.count(it->first) == 0) {
      it = next.deployments.erase(it);
    } else {
      ++it;
    }
  }
}

std::string ApiControlService::Impl::Endpoint(const edge::Request& request,
                                              std::string_view api_id) const {
  uint16_t port = HostPort(request.headers.Get("Host").value_or(""));
  if (port == 0) port = endpoint_port_.load();
  if (port == 0) port = 4566;
  return "http://" + std::string(api_id) + ".execute-api.localhost:" + std::to_string(port);
}

std::shared_ptr<const CatalogApi> ApiControlService::Impl::FindApi(std::string_view api_id) const {
  std::lock_guard lock(mu_);
  auto it = catalog_.find(api_id);
  return it == catalog_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<const DeployedStage>> ApiControlService::Impl::Lookup(
    std::string_view api_id, std::string_view stage) const {
  std::shared_ptr<const CatalogApi> api = FindApi(api_id);
  if (api == nullptr) return ApiNotFound(api_id);
  std::shared_ptr<const DeployedStage> found = api->Stage(stage);
  if (found == nullptr) return StageNotFound(stage);
  return found;
}

std::vector<StageSummary> ApiControlService::Impl::ListStages() const {
  std::vector<StageSummary> out;
  std::lock_guard lock(mu_);
  for (const auto& [id, api] : catalog_) {
    for (const auto& [name, stage] : api->stages) {
      out.push_back(StageSummary{id, api->api.name, api->api.region, name,
                                 stage->deployment != nullptr, stage->stage.auto_deploy});
    }
  }
  return out;
}

uint64_t ApiControlService::Impl::Generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

Result<Page> Paginate(const std::vector<std::string>& keys, const OpContext& ctx) {
  size_t max = keys.size();
  std::string max_text = ctx.Query("maxResults");
  if (!max_text.empty()) {
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(max_text.data(), max_text.data() + max_text.size(), parsed);
    if (ec != std::errc() || end != max_text.data() + max_text.size() || parsed < 1) {
      return BadRequest("Invalid maxResults: " + max_text + ". It must be a positive integer");
    }
    max = static_cast<size_t>(std::min<int64_t>(parsed, static_cast<int64_t>(keys.size())));
  }
  Page page;
  std::string token = ctx.Query("nextToken");
  if (!token.empty()) {
    std::optional<std::string> start = Base64Decode(token);
    if (!start) return BadRequest("Invalid nextToken: " + token);
    page.begin =
        static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), *start) - keys.begin());
  }
  page.end = std::min(keys.size(), page.begin + max);
  if (page.end < keys.size()) page.next_token = Base64Encode(keys[page.end]);
  return page;
}

}  // namespace kumo::apis

// Stages and deployments.
#include <boost/json.hpp>

#include "apis/control_impl.h"
#include "apis/control_members.h"
#include "apis/control_render.h"
#include "apis/control_validation.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using Impl = ApiControlService::Impl;

// A stage's settings, as `body` (the request) changed them, against the rest
// of the API. Only the route settings the request gives must name a route: a
// route renamed or deleted since keeps its settings, as on AWS.
Status CheckStage(const ApiState& state, const StageRecord& stage, const json::object& body) {
  const StageInfo& info = stage.info;
  KUMO_RETURN_IF_ERROR(CheckLength("description", stage.description, 0, 1024));
  if (!info.deployment_id.empty() && state.deployments.count(info.deployment_id) == 0) {
    return DeploymentNotFound(info.deployment_id);
  }
  if (info.auto_deploy && body.contains("deploymentId")) {
    return BadRequest("Deployment ID cannot be set on this stage " + std::string(kAccountId) + ":" +
                      state.api.info.id + " because AutoDeploy is enabled.");
  }
  KUMO_RETURN_IF_ERROR(CheckRouteSettings(info.default_route_settings));
  const json::value* given = body.if_contains("routeSettings");
  for (const auto& [key, settings] : info.route_settings) {
    if (given != nullptr && given->is_object() && given->as_object().contains(key) &&
        state.FindRouteByKey(key) == nullptr) {
      return NotFoundError(
          "Unable to find Route by key " + key + " within the provided RouteSettings", "Route");
    }
    KUMO_RETURN_IF_ERROR(CheckRouteSettings(settings));
  }
  if (info.access_log) KUMO_RETURN_IF_ERROR(CheckAccessLog(*info.access_log));
  KUMO_RETURN_IF_ERROR(CheckStageVariables(info.variables));
  return CheckTags(stage.tags);
}

std::string DeployedMessage(std::string_view deployment_id) {
  return "Successfully deployed stage with deployment ID '" + std::string(deployment_id) + "'";
}

}  // namespace

Result<edge::Response> Impl::CreateStage(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name, OptString(body, "stageName"));
  if (!name) return BadRequest("stageName is required to create a stage");
  if (!IsValidStageName(*name)) {
    return BadRequest("Invalid stage name '" + *name +
                      "': stage names are $default or 1 to 128 characters of [A-Za-z0-9_-]");
  }
  StageRecord stage;
  stage.info.name = *name;
  KUMO_RETURN_IF_ERROR(ApplyStageMembers(body, stage, false));
  KUMO_RETURN_IF_ERROR(Assign(OptStringMap(body, "tags"), stage.tags));
  stage.created_ms = stage.updated_ms = NowMillis();
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    if (next.stages.count(*name) > 0) return Conflict("Stage already exists");
    KUMO_RETURN_IF_ERROR(CheckStage(next, stage, body));
    if (!stage.info.deployment_id.empty()) {
      stage.last_deployment_status_message = DeployedMessage(stage.info.deployment_id);
    }
    next.stages[*name] = stage;
    if (stage.info.auto_deploy) AutoDeploy(next, *name);
    return JsonResponse(201, RenderStage(next.stages.at(*name)));
  });
}

Result<edge::Response> Impl::GetStage(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  const StageRecord* stage = FindIn(api->stages, ctx.params.at(1));
  if (stage == nullptr) return StageNotFound(ctx.params.at(1));
  return JsonResponse(200, RenderStage(*stage));
}

Result<edge::Response> Impl::GetStages(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  return ListResponse(api->stages, ctx, RenderStage);
}

Result<edge::Response> Impl::UpdateStage(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  const std::string& name = ctx.params.at(1);
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    StageRecord* current = FindIn(next.stages, name);
    if (current == nullptr) return StageNotFound(name);
    StageRecord stage = *current;
    KUMO_RETURN_IF_ERROR(ApplyStageMembers(body, stage, false));
    KUMO_RETURN_IF_ERROR(CheckStage(next, stage, body));
    if (stage.info.deployment_id != current->info.deployment_id) {
      stage.last_deployment_status_message = DeployedMessage(stage.info.deployment_id);
    }
    stage.updated_ms = NowMillis();
    bool turned_on = stage.info.auto_deploy && !current->info.auto_deploy;
    *current = stage;
    if (turned_on) AutoDeploy(next, name);
    DropUnusedAutoDeployments(next);
    return JsonResponse(200, RenderStage(next.stages.at(name)));
  });
}

Result<edge::Response> Impl::DeleteStage(const OpContext& ctx) {
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    const std::string& name = ctx.params.at(1);
    if (next.stages.erase(name) == 0) return StageNotFound(name);
    DropUnusedAutoDeployments(next);
    return EmptyResponse(204);
  });
}

Result<edge::Response> Impl::MutateStage(const OpContext& ctx,
                                         const std::function<Status(StageRecord&)>& change) {
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    StageRecord* stage = FindIn(next.stages, ctx.params.at(1));
    if (stage == nullptr) return StageNotFound(ctx.params.at(1));
    KUMO_RETURN_IF_ERROR(change(*stage));
    return EmptyResponse(204);
  });
}

Result<edge::Response> Impl::DeleteAccessLogSettings(const OpContext& ctx) {
  return MutateStage(ctx, [&](StageRecord& stage) {
    stage.info.access_log.reset();
    stage.updated_ms = NowMillis();
    return Status::Ok();
  });
}

Result<edge::Response> Impl::DeleteRouteSettings(const OpContext& ctx) {
  const std::string& route_key = ctx.params.at(2);
  return MutateStage(ctx, [&](StageRecord& stage) -> Status {
    if (stage.info.route_settings.erase(route_key) == 0) {
      return NotFoundError("Unable to find RouteSettings for route key " + route_key +
                               " in stage " + stage.info.name,
                           "RouteSettings");
    }
    stage.updated_ms = NowMillis();
    return Status::Ok();
  });
}

// The stage's cached Lambda authorizer answers are keyed on its generation
// (gateway_auth.cc); a new one leaves them unused until they age out.
Result<edge::Response> Impl::ResetAuthorizersCache(const OpContext& ctx) {
  return MutateStage(ctx, [](StageRecord& stage) {
    ++stage.info.authorizer_cache_generation;
    return Status::Ok();
  });
}

Result<edge::Response> Impl::CreateDeployment(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> description, OptString(body, "description"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> stage_name, OptString(body, "stageName"));
  KUMO_RETURN_IF_ERROR(CheckLength("description", description.value_or(""), 0, 1024));
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    StageRecord* stage = nullptr;
    if (stage_name) {
      stage = FindIn(next.stages, *stage_name);
      if (stage == nullptr) return StageNotFound(*stage_name);
    }
    KUMO_ASSIGN_OR_RETURN(std::shared_ptr<const Deployment> deployment,
                          Snapshot(next, description.value_or(""), false));
    next.deployments[deployment->id] = deployment;
    if (stage != nullptr) {
      stage->info.deployment_id = deployment->id;
      stage->last_deployment_status_message = DeployedMessage(deployment->id);
      stage->updated_ms = NowMillis();
      DropUnusedAutoDeployments(next);
    }
    return JsonResponse(201, RenderDeployment(*deployment));
  });
}

Result<edge::Response> Impl::GetDeployment(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  const std::shared_ptr<const Deployment>* deployment = FindIn(api->deployments, ctx.params.at(1));
  if (deployment == nullptr) return DeploymentNotFound(ctx.params.at(1));
  return JsonResponse(200, RenderDeployment(**deployment));
}

Result<edge::Response> Impl::GetDeployments(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  return ListResponse(api->deployments, ctx, [](const std::shared_ptr<const Deployment>& d) {
    return RenderDeployment(*d);
  });
}

Result<edge::Response> Impl::UpdateDeployment(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> description, OptString(body, "description"));
  if (description) KUMO_RETURN_IF_ERROR(CheckLength("description", *description, 0, 1024));
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    const std::string& id = ctx.params.at(1);
    std::shared_ptr<const Deployment>* current = FindIn(next.deployments, id);
    if (current == nullptr) return DeploymentNotFound(id);
    if (description) {
      // Deployments are shared immutable snapshots: replace, never edit.
      auto changed = std::make_shared<Deployment>(**current);
      changed->description = *description;
      *current = std::move(changed);
    }
    return JsonResponse(200, RenderDeployment(**current));
  });
}

Result<edge::Response> Impl::DeleteDeployment(const OpContext& ctx) {
  return Mutate(ctx, false, [&](ApiState& next) -> Result<edge::Response> {
    const std::string& id = ctx.params.at(1);
    if (next.deployments.count(id) == 0) return DeploymentNotFound(id);
    for (const auto& [name, stage] : next.stages) {
      if (stage.info.deployment_id == id) {
        return BadRequest("Active stages pointing to this deployment must be moved or deleted");
      }
    }
    next.deployments.erase(id);
    return EmptyResponse(204);
  });
}

}  // namespace kumo::apis

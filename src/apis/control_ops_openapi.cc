// ImportApi, ReimportApi and ExportApi: an API as an OpenAPI 3.0 definition.
// openapi.h maps between OpenAPI and the wire's request members; here those
// members are applied and checked exactly as CreateRoute, CreateIntegration,
// CreateAuthorizer and CreateApi apply and check them.
#include <boost/json.hpp>

#include "apis/control_impl.h"
#include "apis/control_members.h"
#include "apis/control_render.h"
#include "apis/control_validation.h"
#include "apis/openapi.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using Impl = ApiControlService::Impl;

// A true/false query parameter; `absent` when it is missing or empty.
Result<bool> BoolQuery(const OpContext& ctx, const std::string& name, bool absent) {
  std::string value = ctx.Query(name);
  if (value.empty()) return absent;
  if (value != "true" && value != "false") {
    return BadRequest("Invalid " + name + " " + value + ": it must be true or false");
  }
  return value == "true";
}

// `text` with the AWS variables of an OpenAPI import resolved ("API Gateway
// resolves the variables when the API is imported"): ${AWS::AccountId},
// ${AWS::Partition} and ${AWS::Region}, wherever they appear.
std::string ResolveAwsVariables(std::string text, std::string_view region) {
  const std::pair<std::string_view, std::string_view> variables[] = {
      {"${AWS::AccountId}", kAccountId}, {"${AWS::Partition}", "aws"}, {"${AWS::Region}", region}};
  for (const auto& [name, value] : variables) {
    for (size_t at = text.find(name); at != std::string::npos;
         at = text.find(name, at + value.size())) {
      text.replace(at, name.size(), value);
    }
  }
  return text;
}

// ImportApi's and ReimportApi's definition: the body's `body` member read
// with the `basepath` query parameter; with `failOnWarnings=true`, a warning
// refuses the import.
Result<OpenApiImport> ReadDefinition(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object request, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> body, OptString(request, "body"));
  if (!body || body->empty())
    return BadRequest("body is required: the OpenAPI definition to import");
  KUMO_ASSIGN_OR_RETURN(
      OpenApiImport definition,
      ReadOpenApi(ResolveAwsVariables(std::move(*body), ctx.region()), ctx.Query("basepath")));
  KUMO_ASSIGN_OR_RETURN(bool fail, BoolQuery(ctx, "failOnWarnings", false));
  if (fail && !definition.warnings.empty()) {
    std::string message = "Warnings found during import:";
    for (const std::string& warning : definition.warnings) message += "\n\t" + warning;
    return BadRequest(message);
  }
  return definition;
}

// The answer of ImportApi and ReimportApi: the API, with the warnings.
json::object ImportAnswer(json::object api, const OpenApiImport& definition) {
  if (!definition.warnings.empty()) {
    json::array warnings;
    for (const std::string& warning : definition.warnings) warnings.emplace_back(warning);
    api["warnings"] = std::move(warnings);
  }
  return api;
}

// "2023-11-14 22:13:20UTC", the form of an exported info.version.
std::string ExportDate(int64_t epoch_millis) {
  std::string date = IsoDate(epoch_millis);  // 2023-11-14T22:13:20Z
  date[10] = ' ';
  date.pop_back();
  return date + "UTC";
}

const Route& RouteOf(const Route& route) { return route; }
const Route& RouteOf(const std::pair<const std::string, Route>& entry) { return entry.second; }

// The routes (an API's, by id, or a deployment's list), integrations and
// authorizers to export.
template <typename Routes>
void AddParts(OpenApiSource& source, const Routes& routes,
              const std::map<std::string, Integration>& integrations,
              const std::map<std::string, Authorizer>& authorizers) {
  for (const auto& route : routes) source.routes.push_back(RenderRoute(RouteOf(route)));
  for (const auto& [id, integration] : integrations) {
    source.integrations.push_back(RenderIntegration(integration));
  }
  for (const auto& [id, authorizer] : authorizers) {
    source.authorizers.push_back(RenderAuthorizer(authorizer));
  }
}

}  // namespace

Status Impl::ApplyDefinition(const OpenApiImport& definition, ApiState& next) {
  // The definition replaces the API's members; its identity and tags stay.
  ApiRecord api;
  api.info.id = next.api.info.id;
  api.info.region = next.api.info.region;
  api.created_ms = next.api.created_ms;
  api.tags = next.api.tags;
  next.api = std::move(api);
  KUMO_RETURN_IF_ERROR(ApplyNewApiMembers(definition.api, next.api));
  next.routes.clear();
  next.integrations.clear();
  next.authorizers.clear();

  // Each integration and authorizer as its Create* makes it; their new ids
  // in definition order.
  auto add_all = [&](const std::vector<json::object>& all, auto& into, auto apply,
                     auto finish) -> Result<std::vector<std::string>> {
    std::vector<std::string> ids;
    for (const json::object& members : all) {
      typename std::decay_t<decltype(into)>::mapped_type part;
      KUMO_RETURN_IF_ERROR(apply(members, part, false));
      KUMO_RETURN_IF_ERROR(finish(part));
      part.id = NewChildId(next);
      ids.push_back(part.id);
      into[part.id] = std::move(part);
    }
    return ids;
  };
  KUMO_ASSIGN_OR_RETURN(std::vector<std::string> integration_ids,
                        add_all(definition.integrations, next.integrations, ApplyIntegrationMembers,
                                FinishIntegration));
  KUMO_ASSIGN_OR_RETURN(
      std::vector<std::string> authorizer_ids,
      add_all(definition.authorizers, next.authorizers, ApplyAuthorizerMembers, FinishAuthorizer));
  for (const OpenApiImport::RouteSpec& spec : definition.routes) {
    json::object members = spec.members;
    if (spec.integration)
      members["target"] = "integrations/" + integration_ids.at(*spec.integration);
    if (spec.authorizer) members["authorizerId"] = authorizer_ids.at(*spec.authorizer);
    Route route;
    KUMO_RETURN_IF_ERROR(ApplyRouteMembers(members, route, false));  // checks routeKey
    route.id = NewChildId(next);
    KUMO_RETURN_IF_ERROR(CheckRoute(next, route));
    next.routes[route.id] = std::move(route);
  }
  // Stage settings of routes the definition no longer has go with them.
  for (auto& [name, stage] : next.stages) {
    std::erase_if(stage.info.route_settings,
                  [&](const auto& entry) { return next.FindRouteByKey(entry.first) == nullptr; });
  }
  return Status::Ok();
}

Result<edge::Response> Impl::ImportApi(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(OpenApiImport definition, ReadDefinition(ctx));
  auto state = std::make_shared<ApiState>();
  state->api.info.region = ctx.region();
  state->api.created_ms = NowMillis();
  std::lock_guard write(write_mu_);
  state->api.info.id = NewApiId();
  KUMO_RETURN_IF_ERROR(ApplyDefinition(definition, *state));
  KUMO_RETURN_IF_ERROR(Commit(nullptr, state));
  return JsonResponse(
      201,
      ImportAnswer(RenderApi(state->api, Endpoint(ctx.request, state->api.info.id)), definition));
}

Result<edge::Response> Impl::ReimportApi(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(OpenApiImport definition, ReadDefinition(ctx));
  return Mutate(ctx, true, [&](ApiState& next) -> Result<edge::Response> {
    KUMO_RETURN_IF_ERROR(ApplyDefinition(definition, next));
    return JsonResponse(
        201,
        ImportAnswer(RenderApi(next.api, Endpoint(ctx.request, next.api.info.id)), definition));
  });
}

Result<edge::Response> Impl::ExportApi(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ApiPtr api, RequireApi(ctx));
  const std::string& specification = ctx.params.at(1);
  if (specification != "OAS30") {
    return BadRequest("Invalid specification " + specification + ": it must be OAS30");
  }
  std::string output_type = ctx.Query("outputType");
  if (output_type != "JSON" && output_type != "YAML") {
    return BadRequest(output_type.empty()
                          ? std::string("outputType is required: JSON or YAML")
                          : "Invalid outputType " + output_type + ": it must be JSON or YAML");
  }
  std::string version = ctx.Query("exportVersion");
  if (!version.empty() && version != "1.0") {
    return BadRequest("Invalid exportVersion " + version + ": it must be 1.0");
  }
  KUMO_ASSIGN_OR_RETURN(bool extensions, BoolQuery(ctx, "includeExtensions", true));

  OpenApiSource source;
  source.api = RenderApi(api->api, "");
  source.server_url = Endpoint(ctx.request, api->api.info.id);
  std::string stage_name = ctx.Query("stageName");
  if (stage_name.empty()) {
    AddParts(source, api->routes, api->integrations, api->authorizers);
    source.updated = ExportDate(api->api.created_ms);
  } else {
    // A stage exports what it serves: its deployment's snapshot.
    const StageRecord* stage = FindIn(api->stages, stage_name);
    if (stage == nullptr) return StageNotFound(stage_name);
    const std::shared_ptr<const Deployment>* deployment =
        FindIn(api->deployments, stage->info.deployment_id);
    if (deployment == nullptr) {
      return BadRequest("Stage " + stage_name + " has no deployment to export");
    }
    const Deployment& served = **deployment;
    AddParts(source, served.routes, served.integrations, served.authorizers);
    source.stage = RenderStage(*stage);
    source.updated = ExportDate(served.created_ms);
  }
  OpenApiWriteOptions options;
  options.yaml = output_type == "YAML";
  options.include_extensions = extensions;
  edge::Response response;
  response.status = 200;
  response.headers.Set("Content-Type", options.yaml ? "application/yaml" : "application/json");
  response.body = WriteOpenApi(source, options);
  return response;
}

}  // namespace kumo::apis

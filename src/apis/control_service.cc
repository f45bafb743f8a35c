// ApiControlService: opening, the edge descriptor, and the dispatch table
// from (method, path) to operation.
#include "apis/control_service.h"

#include "apis/control_impl.h"
#include "apis/control_validation.h"
#include "edge/rest_path.h"

namespace kumo::apis {
namespace {

using Impl = ApiControlService::Impl;

struct OpRoute {
  std::string_view method;
  std::string_view path;  // "{}" matches one path segment, handed to the op in order
  Impl::Op op;
  std::string_view name;  // for metrics
};

// Every implemented operation, by the model's requestUri.
const std::vector<OpRoute>& Routes() {
  static const std::vector<OpRoute> routes = {
      {"POST", "/v2/apis", &Impl::CreateApi, "CreateApi"},
      {"GET", "/v2/apis", &Impl::GetApis, "GetApis"},
      {"GET", "/v2/apis/{}", &Impl::GetApi, "GetApi"},
      {"PATCH", "/v2/apis/{}", &Impl::UpdateApi, "UpdateApi"},
      {"DELETE", "/v2/apis/{}", &Impl::DeleteApi, "DeleteApi"},
      {"DELETE", "/v2/apis/{}/cors", &Impl::DeleteCorsConfiguration, "DeleteCorsConfiguration"},
      {"PUT", "/v2/apis", &Impl::ImportApi, "ImportApi"},
      {"PUT", "/v2/apis/{}", &Impl::ReimportApi, "ReimportApi"},
      {"GET", "/v2/apis/{}/exports/{}", &Impl::ExportApi, "ExportApi"},
      {"POST", "/v2/apis/{}/routes", &Impl::CreateRoute, "CreateRoute"},
      {"GET", "/v2/apis/{}/routes", &Impl::GetRoutes, "GetRoutes"},
      {"GET", "/v2/apis/{}/routes/{}", &Impl::GetRoute, "GetRoute"},
      {"PATCH", "/v2/apis/{}/routes/{}", &Impl::UpdateRoute, "UpdateRoute"},
      {"DELETE", "/v2/apis/{}/routes/{}", &Impl::DeleteRoute, "DeleteRoute"},
      {"POST", "/v2/apis/{}/integrations", &Impl::CreateIntegration, "CreateIntegration"},
      {"GET", "/v2/apis/{}/integrations", &Impl::GetIntegrations, "GetIntegrations"},
      {"GET", "/v2/apis/{}/integrations/{}", &Impl::GetIntegration, "GetIntegration"},
      {"PATCH", "/v2/apis/{}/integrations/{}", &Impl::UpdateIntegration, "UpdateIntegration"},
      {"DELETE", "/v2/apis/{}/integrations/{}", &Impl::DeleteIntegration, "DeleteIntegration"},
      {"POST", "/v2/apis/{}/authorizers", &Impl::CreateAuthorizer, "CreateAuthorizer"},
      {"GET", "/v2/apis/{}/authorizers", &Impl::GetAuthorizers, "GetAuthorizers"},
      {"GET", "/v2/apis/{}/authorizers/{}", &Impl::GetAuthorizer, "GetAuthorizer"},
      {"PATCH", "/v2/apis/{}/authorizers/{}", &Impl::UpdateAuthorizer, "UpdateAuthorizer"},
      {"DELETE", "/v2/apis/{}/authorizers/{}", &Impl::DeleteAuthorizer, "DeleteAuthorizer"},
      {"POST", "/v2/apis/{}/stages", &Impl::CreateStage, "CreateStage"},
      {"GET", "/v2/apis/{}/stages", &Impl::GetStages, "GetStages"},
      {"GET", "/v2/apis/{}/stages/{}", &Impl::GetStage, "GetStage"},
      {"PATCH", "/v2/apis/{}/stages/{}", &Impl::UpdateStage, "UpdateStage"},
      {"DELETE", "/v2/apis/{}/stages/{}", &Impl::DeleteStage, "DeleteStage"},
      {"DELETE", "/v2/apis/{}/stages/{}/accesslogsettings", &Impl::DeleteAccessLogSettings,
       "DeleteAccessLogSettings"},
      {"DELETE", "/v2/apis/{}/stages/{}/routesettings/{}", &Impl::DeleteRouteSettings,
       "DeleteRouteSettings"},
      {"DELETE", "/v2/apis/{}/stages/{}/cache/authorizers", &Impl::ResetAuthorizersCache,
       "ResetAuthorizersCache"},
      {"POST", "/v2/apis/{}/deployments", &Impl::CreateDeployment, "CreateDeployment"},
      {"GET", "/v2/apis/{}/deployments", &Impl::GetDeployments, "GetDeployments"},
      {"GET", "/v2/apis/{}/deployments/{}", &Impl::GetDeployment, "GetDeployment"},
      {"PATCH", "/v2/apis/{}/deployments/{}", &Impl::UpdateDeployment, "UpdateDeployment"},
      {"DELETE", "/v2/apis/{}/deployments/{}", &Impl::DeleteDeployment, "DeleteDeployment"},
  };
  return routes;
}

constexpr std::string_view kTagsPrefix = "/v2/tags/";

}  // namespace

void Impl::Handle(edge::Call call, edge::Responder responder) {
  edge::Request& request = call.request;
  if (request.region.empty()) request.region = "us-east-1";
  // The tag operations take a resource ARN whose '/' clients may or may
  // not percent-encode: everything after the prefix is the ARN.
  if (request.raw_path.starts_with(kTagsPrefix)) {
    std::optional<std::string> arn =
        edge::PercentDecode(std::string_view(request.raw_path).substr(kTagsPrefix.size()), false);
    Op op = request.method == "POST"     ? &Impl::TagResource
            : request.method == "DELETE" ? &Impl::UntagResource
            : request.method == "GET"    ? &Impl::GetTags
                                         : nullptr;
    if (arn && !arn->empty() && op != nullptr) {
      responder.SetOperation(op == &Impl::TagResource     ? "TagResource"
                             : op == &Impl::UntagResource ? "UntagResource"
                                                          : "GetTags");
      responder.Reply((this->*op)(OpContext{request, {std::move(*arn)}}));
      return;
    }
  }
  std::vector<std::string_view> raw = edge::PathSegments(request.raw_path);
  for (const OpRoute& route : Routes()) {
    if (route.method != request.method) continue;
    std::optional<std::vector<std::string>> params = edge::MatchPathPattern(route.path, raw);
    if (!params) continue;
    responder.SetOperation(route.name);
    responder.Reply((this->*route.op)(OpContext{request, std::move(*params)}));
    return;
  }
  responder.Fail(NotFoundError("Kumo does not implement " + request.method + " " +
                                   request.raw_path + " of API Gateway v2 (HTTP APIs)",
                               ""));
}

ApiControlService::ApiControlService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiControlService::~ApiControlService() = default;

Result<std::unique_ptr<ApiControlService>> ApiControlService::Open(storage::Store& store,
                                                                   ApiControlOptions options) {
  if (options.clock == nullptr) options.clock = &Clock::System();
  KUMO_ASSIGN_OR_RETURN(storage::Family family, store.OpenFamily("apis"));
  auto impl = std::make_unique<Impl>(store, family, options);
  KUMO_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<ApiControlService>(new ApiControlService(std::move(impl)));
}

edge::ServiceDescriptor ApiControlService::Descriptor() {
  edge::ServiceDescriptor d;
  d.name = "apigateway";
  d.protocol = edge::Protocol::kRestJson;
  d.signing_names = {"apigateway"};
  d.path_prefixes = {"/v2/apis", "/v2/tags"};
  Impl* impl = impl_.get();
  d.handler = [impl](edge::Call call, edge::Responder responder) {
    impl->Handle(std::move(call), std::move(responder));
  };
  return d;
}

const ApiCatalog& ApiControlService::catalog() const { return *impl_; }

void ApiControlService::SetEndpointPort(uint16_t port) { impl_->SetEndpointPort(port); }

}  // namespace kumo::apis

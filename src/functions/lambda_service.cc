// LambdaService: opening, the edge descriptor, and the dispatch table from
// (method, path) to operation.
#include "functions/lambda_service.h"

#include <array>

#include "functions/service_impl.h"
#include "functions/validation.h"
#include "edge/rest_path.h"

namespace kumo::functions {
namespace {

using Impl = LambdaService::Impl;

struct Route {
  std::string_view method;
  std::string_view path;  // "{}" matches one path segment, handed to the op in order
  SyncOp sync = nullptr;
  AsyncOp async = nullptr;
};

// Every implemented operation, by the model's requestUri.
const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = {
      {"POST", "/2015-03-31/functions", &Impl::CreateFunction},
      {"GET", "/2015-03-31/functions", &Impl::ListFunctions},
      {"GET", "/2015-03-31/functions/{}", &Impl::GetFunction},
      {"DELETE", "/2015-03-31/functions/{}", &Impl::DeleteFunction},
      {"GET", "/2015-03-31/functions/{}/configuration", &Impl::GetFunctionConfiguration},
      {"PUT", "/2015-03-31/functions/{}/configuration", &Impl::UpdateFunctionConfiguration},
      {"PUT", "/2015-03-31/functions/{}/code", &Impl::UpdateFunctionCode},
      {"POST", "/2015-03-31/functions/{}/versions", &Impl::PublishVersion},
      {"GET", "/2015-03-31/functions/{}/versions", &Impl::ListVersionsByFunction},
      {"POST", "/2015-03-31/functions/{}/aliases", &Impl::CreateAlias},
      {"GET", "/2015-03-31/functions/{}/aliases", &Impl::ListAliases},
      {"GET", "/2015-03-31/functions/{}/aliases/{}", &Impl::GetAlias},
      {"PUT", "/2015-03-31/functions/{}/aliases/{}", &Impl::UpdateAlias},
      {"DELETE", "/2015-03-31/functions/{}/aliases/{}", &Impl::DeleteAlias},
      {"POST", "/2015-03-31/functions/{}/policy", &Impl::AddPermission},
      {"GET", "/2015-03-31/functions/{}/policy", &Impl::GetPolicy},
      {"DELETE", "/2015-03-31/functions/{}/policy/{}", &Impl::RemovePermission},
      {"POST", "/2015-03-31/functions/{}/invocations", nullptr, &Impl::Invoke},
      {"POST", "/2014-11-13/functions/{}/invoke-async", nullptr, &Impl::InvokeAsync},
      {"POST", "/2018-10-31/layers/{}/versions", &Impl::PublishLayerVersion},
      {"GET", "/2018-10-31/layers/{}/versions", &Impl::ListLayerVersions},
      {"GET", "/2018-10-31/layers/{}/versions/{}", &Impl::GetLayerVersion},
      {"DELETE", "/2018-10-31/layers/{}/versions/{}", &Impl::DeleteLayerVersion},
      {"GET", "/2018-10-31/layers", &Impl::ListLayers},
      {"PUT", "/2017-10-31/functions/{}/concurrency", &Impl::PutFunctionConcurrency},
      {"DELETE", "/2017-10-31/functions/{}/concurrency", &Impl::DeleteFunctionConcurrency},
      {"GET", "/2019-09-30/functions/{}/concurrency", &Impl::GetFunctionConcurrency},
      {"PUT", "/2019-09-25/functions/{}/event-invoke-config", &Impl::PutFunctionEventInvokeConfig},
      {"POST", "/2019-09-25/functions/{}/event-invoke-config",
       &Impl::UpdateFunctionEventInvokeConfig},
      {"GET", "/2019-09-25/functions/{}/event-invoke-config", &Impl::GetFunctionEventInvokeConfig},
      {"DELETE", "/2019-09-25/functions/{}/event-invoke-config",
       &Impl::DeleteFunctionEventInvokeConfig},
      {"GET", "/2019-09-25/functions/{}/event-invoke-config/list",
       &Impl::ListFunctionEventInvokeConfigs},
      {"GET", "/2016-08-19/account-settings", &Impl::GetAccountSettings},
      {"POST", "/2017-03-31/tags/{}", &Impl::TagResource},
      {"DELETE", "/2017-03-31/tags/{}", &Impl::UntagResource},
      {"GET", "/2017-03-31/tags/{}", &Impl::ListTags},
  };
  return routes;
}

// Served without authentication: GetFunction hands the URL to any client.
const std::vector<Route>& CodeRoutes() {
  static const std::vector<Route> routes = {
      {"GET", "/_kumo/code/{}", &Impl::GetCodeZip},
  };
  return routes;
}

}  // namespace

void Impl::Handle(edge::Call call, edge::Responder responder, bool code_download) {
  edge::Request& request = call.request;
  if (request.region.empty()) request.region = "us-east-1";
  std::vector<std::string_view> raw = edge::PathSegments(request.raw_path);
  for (const Route& route : code_download ? CodeRoutes() : Routes()) {
    if (route.method != request.method) continue;
    std::optional<std::vector<std::string>> params = edge::MatchPathPattern(route.path, raw);
    if (!params) continue;
    OpContext ctx{request, std::move(*params)};
    if (route.async != nullptr) {
      (this->*route.async)(ctx, std::move(responder));
    } else {
      responder.Reply((this->*route.sync)(ctx));
    }
    return;
  }
  responder.Fail(Error{404, "UnknownOperationException",
                       "Unknown operation " + request.method + " " + request.raw_path});
}

LambdaService::LambdaService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LambdaService::~LambdaService() = default;

Result<std::unique_ptr<LambdaService>> LambdaService::Open(storage::Store& store,
                                                           LambdaServiceOptions options) {
  if (!options.in_memory && options.data_dir.empty()) {
    return Internal("LambdaService needs a data directory unless in memory");
  }
  if (options.clock == nullptr) options.clock = &Clock::System();
  KUMO_ASSIGN_OR_RETURN(storage::Family family, store.OpenFamily("lambda"));
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<CodeStore> code,
                        CodeStore::Open(options.data_dir + "/code", options.in_memory));
  auto impl = std::make_unique<Impl>(store, family, std::move(code), std::move(options));
  KUMO_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<LambdaService>(new LambdaService(std::move(impl)));
}

edge::ServiceDescriptor LambdaService::Descriptor() {
  edge::ServiceDescriptor d;
  d.name = "lambda";
  d.protocol = edge::Protocol::kRestJson;
  d.signing_names = {"lambda"};
  d.path_prefixes = {"/2015-03-31/functions",        "/2014-11-13/functions",
                     "/2016-08-19/account-settings", "/2017-03-31/tags",
                     "/2017-10-31/functions",        "/2018-10-31/layers",
                     "/2019-09-25/functions",        "/2019-09-30/functions"};
  Impl* impl = impl_.get();
  d.handler = [impl](edge::Call call, edge::Responder responder) {
    impl->Handle(std::move(call), std::move(responder), /*code_download=*/false);
  };
  return d;
}

edge::ServiceDescriptor LambdaService::CodeDownloadDescriptor() {
  edge::ServiceDescriptor d;
  d.name = "lambda-code";
  d.protocol = edge::Protocol::kRestJson;
  d.path_prefixes = {std::string(kCodePathPrefix)};
  d.authenticate = false;
  Impl* impl = impl_.get();
  d.handler = [impl](edge::Call call, edge::Responder responder) {
    impl->Handle(std::move(call), std::move(responder), /*code_download=*/true);
  };
  return d;
}

void LambdaService::SetInvoker(std::shared_ptr<Invoker> invoker) {
  impl_->SetInvoker(std::move(invoker));
}

Result<FunctionConfig> LambdaService::Resolve(std::string_view region, std::string_view function,
                                              std::string_view qualifier) const {
  return impl_->Resolve(region, function, qualifier);
}

uint64_t LambdaService::AddChangeListener(ChangeListener listener) {
  return impl_->AddListener(std::move(listener));
}

void LambdaService::RemoveChangeListener(uint64_t id) { impl_->RemoveListener(id); }

}  // namespace kumo::functions

// The control plane's state of one API and its encoding in the Store.
// Private to src/apis.
//
// Keys in the "apis" family (ids never contain '/'):
//   api/{apiId}                   the ApiState but its deployments (JSON)
//   dep/{apiId}/{deploymentId}    one Deployment with its snapshot (JSON)
// One API change is one WriteBatch: the api record and the deployments it
// added or dropped. The JSON uses the wire's member names, plus a few
// members the wire does not carry (region, dates in milliseconds).
// Thread-safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "apis/api_catalog.h"
#include "common/status.h"

namespace kumo::apis {

struct ApiRecord {
  ApiInfo info;  // id, name, region, cors, disable_execute_api_endpoint
  std::string description;
  std::string version;
  std::string route_selection_expression = "${request.method} ${request.path}";
  std::string api_key_selection_expression = "$request.header.x-api-key";
  std::string ip_address_type = "ipv4";
  int64_t created_ms = 0;
  std::map<std::string, std::string> tags;
  // The route and integration quick create made, which UpdateApi's RouteKey
  // and Target change; empty when the API was not quick-created.
  std::string quick_route_id;
  std::string quick_integration_id;
};

struct StageRecord {
  StageInfo info;  // name, auto_deploy, deployment_id, variables, settings, access log
  std::string description;
  std::string client_certificate_id;
  std::string last_deployment_status_message;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::map<std::string, std::string> tags;
  bool api_gateway_managed = false;
};

struct ApiState {
  ApiRecord api;
  std::map<std::string, Route> routes;                                   // by id
  std::map<std::string, Integration> integrations;                       // by id
  std::map<std::string, Authorizer> authorizers;                         // by id
  std::map<std::string, StageRecord> stages;                             // by name
  std::map<std::string, std::shared_ptr<const Deployment>> deployments;  // by id

  // True when `id` names any route, integration, authorizer or deployment.
  bool UsesId(std::string_view id) const;
  const Route* FindRouteByKey(std::string_view key) const;
};
using ApiPtr = std::shared_ptr<const ApiState>;

std::string ApiStoreKey(std::string_view api_id);
std::string DeploymentStoreKey(std::string_view api_id, std::string_view deployment_id);
inline constexpr std::string_view kApiKeyPrefix = "api/";
inline constexpr std::string_view kDeploymentKeyPrefix = "dep/";

// The api record: everything but the deployments.
std::string EncodeApiState(const ApiState& state);
Result<ApiState> DecodeApiState(std::string_view json);
std::string EncodeDeployment(const Deployment& deployment);
Result<Deployment> DecodeDeployment(std::string_view json);

}  // namespace kumo::apis

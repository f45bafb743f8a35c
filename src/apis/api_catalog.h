// ApiCatalog: what the HTTP API data plane reads from the control plane.
//
// For each API, the catalog holds one immutable CatalogApi: the API's
// settings and, per stage, a DeployedStage joining the stage's live settings
// (variables, throttling, access logs) with the deployment it serves (the
// routes, integrations and authorizers as they were when it was deployed). A
// non-AutoDeploy stage serves the deployment named by its DeploymentId; an
// AutoDeploy stage gets a new deployment on every change to the API's
// routes, integrations or authorizers. API-level settings (CORS,
// DisableExecuteApiEndpoint) are read live, not from the deployment.
//
// Thread-safety: every method may be called from any thread. Lookups copy a
// shared_ptr under a short mutex and never touch storage; the values they
// return are immutable and stay valid however long they are held, whatever
// the control plane does next (a change publishes new values, never edits
// old ones).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::apis {

// The API's CorsConfiguration; members the user did not set are empty / nullopt.
struct CorsConfig {
  std::vector<std::string> allow_origins;
  std::vector<std::string> allow_methods;
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;
  std::optional<int64_t> max_age;  // seconds, -1..86400
  std::optional<bool> allow_credentials;
};

// DefaultRouteSettings, or one entry of RouteSettings.
struct RouteSettings {
  std::optional<int64_t> throttling_burst_limit;
  std::optional<double> throttling_rate_limit;  // requests per second
  std::optional<bool> detailed_metrics_enabled;
};

struct AccessLogSettings {
  std::string destination_arn;  // arn:aws:logs:{region}:{account}:log-group:{name}
  std::string format;           // $context variables, as the user wrote it
};

enum class AuthorizationType { kNone, kJwt, kCustom };

struct Route {
  std::string id;
  std::string key;             // "$default" or "GET /pets/{id}"
  std::string method;          // "GET", ..., "ANY"; empty for $default
  std::string path;            // "/pets/{id}", "/files/{proxy+}"; empty for $default
  std::string integration_id;  // from Target "integrations/{id}"; empty: no target
  AuthorizationType authorization_type = AuthorizationType::kNone;
  std::string authorizer_id;                      // set for kJwt and kCustom
  std::vector<std::string> authorization_scopes;  // JWT only
  // Control-plane members, echoed by the API.
  std::string target;  // as given: "integrations/{id}"
  bool api_key_required = false;
  std::string operation_name;
  bool api_gateway_managed = false;  // created by quick create
};

enum class IntegrationType { kAwsProxy, kHttpProxy };

struct Integration {
  std::string id;
  IntegrationType type = IntegrationType::kAwsProxy;
  // As given: a Lambda function ARN (qualified or not), the invocation-URI
  // form, or (HTTP_PROXY) an http(s) URL. May contain ${stageVariables.x}.
  std::string uri;
  // AWS_PROXY: the Lambda function ARN taken out of `uri`
  // ("arn:aws:lambda:us-east-1:000000000000:function:f[:qualifier]").
  std::string function_arn;
  std::string method;                  // HTTP_PROXY: the method to call ("ANY" passes through)
  std::string payload_format_version;  // "1.0" or "2.0"
  int64_t timeout_ms = 30000;          // 50..30000
  std::map<std::string, std::string> request_parameters;  // parameter mapping, as given
  std::map<std::string, std::map<std::string, std::string>> response_parameters;
  std::string tls_server_name_to_verify;
  // Control-plane members, echoed by the API.
  std::string description;
  std::string credentials_arn;
  std::string connection_type = "INTERNET";
  bool api_gateway_managed = false;
};

enum class AuthorizerType { kJwt, kRequest };

struct Authorizer {
  std::string id;
  std::string name;
  AuthorizerType type = AuthorizerType::kJwt;
  // "$request.header.Authorization", "$request.querystring.q", "$context.x", "$stageVariables.x".
  std::vector<std::string> identity_source;
  // JWT
  std::vector<std::string> jwt_audience;
  std::string jwt_issuer;
  // REQUEST (a Lambda authorizer)
  // arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations
  std::string authorizer_uri;
  std::string function_arn;              // the Lambda function ARN inside authorizer_uri
  std::string payload_format_version;    // "1.0" or "2.0"
  bool enable_simple_responses = false;  // 2.0 only
  int64_t result_ttl_seconds = 0;        // 0..3600; 0 disables caching
  std::string identity_validation_expression;
  std::string credentials_arn;
};

// A deployment's frozen copy of an API's routes, integrations and authorizers.
struct Deployment {
  std::string id;
  std::string description;
  int64_t created_ms = 0;
  bool auto_deployed = false;
  std::vector<Route> routes;                        // in route-key order
  std::map<std::string, Integration> integrations;  // by id
  std::map<std::string, Authorizer> authorizers;    // by id

  const Route* FindRouteByKey(std::string_view key) const;
  const Integration* FindIntegration(std::string_view id) const;
  const Authorizer* FindAuthorizer(std::string_view id) const;
};

struct ApiInfo {
  std::string id;  // 10 lower-case alphanumerics
  std::string name;
  std::string region;
  std::optional<CorsConfig> cors;  // nullopt: CORS not configured
  bool disable_execute_api_endpoint = false;
};

struct StageInfo {
  std::string name;  // "$default" (served without a stage segment) or a stage name
  bool auto_deploy = false;
  std::string deployment_id;  // empty: never deployed
  std::map<std::string, std::string> variables;
  RouteSettings default_route_settings;
  std::map<std::string, RouteSettings> route_settings;  // by route key
  std::optional<AccessLogSettings> access_log;
  // Bumped by ResetAuthorizersCache: Lambda authorizer answers cached under
  // an earlier value are not used. Not stored (the cache is in memory).
  uint64_t authorizer_cache_generation = 0;
};

struct DeployedStage {
  ApiInfo api;
  StageInfo stage;
  // The deployment the stage serves; nullptr when it has none yet (the data
  // plane then answers 404 Not Found, as AWS does).
  std::shared_ptr<const Deployment> deployment;

  // The settings that apply to `route_key`: its RouteSettings entry's
  // members, falling back to DefaultRouteSettings member by member.
  RouteSettings SettingsFor(std::string_view route_key) const;
};

// One API and all its stages.
struct CatalogApi {
  ApiInfo api;
  std::map<std::string, std::shared_ptr<const DeployedStage>, std::less<>> stages;  // by name

  // nullptr when there is no such stage.
  std::shared_ptr<const DeployedStage> Stage(std::string_view name) const;
  bool HasDefaultStage() const { return stages.count(std::string_view("$default")) > 0; }
};

// One line of `kumo apis ls`-style listings.
struct StageSummary {
  std::string api_id;
  std::string api_name;
  std::string region;
  std::string stage_name;
  bool deployed = false;  // the stage has a deployment to serve
  bool auto_deploy = false;
};

class ApiCatalog {
 public:
  virtual ~ApiCatalog() = default;

  // The API `api_id` with its stages, or nullptr when there is none.
  virtual std::shared_ptr<const CatalogApi> FindApi(std::string_view api_id) const = 0;

  // The stage `stage` ("$default" or a name) of `api_id`. Fails with 404
  // NotFoundException when the API or the stage does not exist.
  virtual Result<std::shared_ptr<const DeployedStage>> Lookup(std::string_view api_id,
                                                              std::string_view stage) const = 0;

  bool ApiExists(std::string_view api_id) const { return FindApi(api_id) != nullptr; }
  bool HasStage(std::string_view api_id, std::string_view stage) const;
  bool HasDefaultStage(std::string_view api_id) const { return HasStage(api_id, "$default"); }

  // Every stage of every API, by API id then stage name.
  virtual std::vector<StageSummary> ListStages() const = 0;

  // Changes whenever anything in the catalog changes; for caches keyed on it.
  virtual uint64_t Generation() const = 0;
};

}  // namespace kumo::apis

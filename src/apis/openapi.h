// OpenAPI 3.0 definitions of HTTP APIs, both ways: what ImportApi and
// ReimportApi read, and what ExportApi writes (Specification OAS30), with
// API Gateway's extensions (x-amazon-apigateway-integration,
// x-amazon-apigateway-authorizer, x-amazon-apigateway-cors, ...).
//
// The module speaks the control plane's wire shapes (the botocore
// apigatewayv2 model's camelCase member names, as CreateRoute and GetRoute
// carry them), not its records: an import is a set of Create* request
// bodies that the control plane applies and checks like any other request,
// and an export reads Get* answers. So the control plane keeps every rule
// about what a route or an integration may be, and this module only the
// mapping between OpenAPI and those shapes.
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::apis {

// What a definition describes, as request members.
struct OpenApiImport {
  // CreateApi members: name (info.title), description, version,
  // corsConfiguration, disableExecuteApiEndpoint, tags.
  boost::json::object api;
  // CreateIntegration members, one per distinct integration (operations
  // that share one through a $ref share its entry).
  std::vector<boost::json::object> integrations;
  // CreateAuthorizer members (with name), one per security scheme that
  // routes use or that carries x-amazon-apigateway-authorizer.
  std::vector<boost::json::object> authorizers;
  struct RouteSpec {
    // CreateRoute members but target and authorizerId: routeKey,
    // operationName, authorizationType, authorizationScopes.
    boost::json::object members;
    std::optional<size_t> integration;  // index into integrations
    std::optional<size_t> authorizer;   // index into authorizers
  };
  std::vector<RouteSpec> routes;
  // What was ignored or could not be read, in AWS's words; with
  // FailOnWarnings the control plane refuses the import instead.
  std::vector<std::string> warnings;
};

// Reads a definition in JSON or YAML. `basepath` is ImportApi's Basepath:
// "ignore" (or empty), "prepend" or "split". A document that is not an
// OpenAPI 3.0 definition, or that no API can be made of, is 400
// BadRequestException.
Result<OpenApiImport> ReadOpenApi(std::string_view body, std::string_view basepath);

// An API as its Get* answers show it, for ExportApi.
struct OpenApiSource {
  boost::json::object api;                        // GetApi
  std::vector<boost::json::object> routes;        // GetRoutes items
  std::vector<boost::json::object> integrations;  // GetIntegrations items
  std::vector<boost::json::object> authorizers;   // GetAuthorizers items
  std::optional<boost::json::object> stage;       // GetStage, when exporting a stage
  std::string server_url;  // the API's endpoint URL, for `servers`
  std::string updated;     // info.version when the API has no version: "2026-11-22 10:00:00UTC"
};

struct OpenApiWriteOptions {
  bool yaml = false;               // OutputType YAML, else JSON
  bool include_extensions = true;  // IncludeExtensions
};

// The definition of `source`, as ExportApi answers it.
std::string WriteOpenApi(const OpenApiSource& source, const OpenApiWriteOptions& options);

}  // namespace kumo::apis

// Parameter mapping of HTTP API integrations: an integration's
// requestParameters change the request before it reaches the integration,
// its responseParameters change the integration's response before the
// client gets it (AWS's "Transforming API requests and responses").
//
// Request keys:  append|overwrite|remove:header.{name}
//                append|overwrite|remove:querystring.{name}
//                overwrite:path
// Response keys, under a selection key that is the integration response's
// status code ("200".."599"):
//                append|overwrite|remove:header.{name}
//                overwrite:statuscode
// Values: static text, one expression ("$request.header.x"), or text with
// expressions in braces ("${request.path.id}-${stageVariables.v}"). Request
// mappings read $request.header.{name}, $request.querystring.{name},
// $request.body[.{JSON path}], $request.path[.{name}]; response mappings read
// $response.header.{name} and $response.body[.{JSON path}]; both read
// $context.{name} and $stageVariables.{name}. Several values of one header or
// query string parameter are joined with commas. An expression that finds
// nothing is empty, and a mapping whose value is empty is not applied.
//
// Pure functions: no I/O. Every value is read from the message as it came,
// before any mapping of the same map changes it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "edge/http_types.h"

namespace kumo::apis {

using RequestParameters = std::map<std::string, std::string>;
using ResponseParameters = std::map<std::string, std::map<std::string, std::string>>;

// Where mapping values read from. A null member is a source this mapping
// does not have (the response in a request mapping).
struct MappingSources {
  const edge::Request* request = nullptr;
  std::string_view route_path;  // $request.path: the path after the stage, percent-encoded
  const std::vector<std::pair<std::string, std::string>>* path_parameters = nullptr;
  const edge::Response* response = nullptr;
  const std::map<std::string, std::string>* stage_variables = nullptr;
  // $context.{name}; nullopt for a name it does not know.
  std::function<std::optional<std::string>(std::string_view)> context;
};

// BadRequestException naming the first key or value that is not a mapping
// HTTP APIs accept (a malformed key, an expression of another source, a
// reserved header such as Authorization or x-amz-*).
Status ValidateRequestParameters(const RequestParameters& parameters);
Status ValidateResponseParameters(const ResponseParameters& parameters);

// The value `value` stands for.
std::string EvaluateMappingValue(std::string_view value, const MappingSources& sources);

// Applies `parameters` to `request` (headers, query string, path); `sources`
// reads the request as it was. True when `overwrite:path` changed the path.
bool ApplyRequestParameters(const RequestParameters& parameters, const MappingSources& sources,
                            edge::Request& request);

// Applies the mappings selected by `response.status` to `response`.
void ApplyResponseParameters(const ResponseParameters& parameters, const MappingSources& sources,
                             edge::Response& response);

}  // namespace kumo::apis

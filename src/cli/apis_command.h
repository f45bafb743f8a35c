// `kumo apis ls`: lists the HTTP APIs of a region with their stages and the
// two URLs each stage is served on, through Kumo's API Gateway v2 API.
#pragma once

#include <string>

namespace kumo::cli {

struct ApisOptions {
  std::string endpoint = "http://127.0.0.1:4566";
  std::string region = "us-east-1";
};

// Prints, per API, a line "{apiId}  {name}" and per stage a line
//   "  {stage}  http://{apiId}.execute-api.localhost:{port}/{stage}/
//   http://{host}:{port}/_aws/execute-api/{apiId}/{stage}/"
// ($default has no stage segment; "(not deployed)" ends the line of a stage
// with nothing to serve). Returns the process exit code.
int RunApisList(const ApisOptions& options);

}  // namespace kumo::cli

#include "apis/cors.h"

#include <algorithm>
#include <string>
#include <vector>

namespace kumo::apis {
namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

bool HasWildcardOrigin(const CorsConfig& cors) {
  return std::find(cors.allow_origins.begin(), cors.allow_origins.end(), "*") !=
         cors.allow_origins.end();
}

bool Credentials(const CorsConfig& cors) { return cors.allow_credentials.value_or(false); }

// Adds access-control-allow-origin (and -credentials) when `origin` is
// allowed; returns whether it is.
bool AddOriginHeaders(const CorsConfig& cors, std::string_view origin, edge::Response& response) {
  if (!OriginAllowed(cors, origin)) return false;
  bool wildcard = HasWildcardOrigin(cors) && !Credentials(cors);
  response.headers.Add("access-control-allow-origin", wildcard ? "*" : std::string(origin));
  if (Credentials(cors)) response.headers.Add("access-control-allow-credentials", "true");
  return true;
}

void AddPreflightHeaders(const CorsConfig& cors, edge::Response& response) {
  if (!cors.allow_methods.empty()) {
    response.headers.Add("access-control-allow-methods", Join(cors.allow_methods));
  }
  if (!cors.allow_headers.empty()) {
    response.headers.Add("access-control-allow-headers", Join(cors.allow_headers));
  }
  if (cors.max_age) response.headers.Add("access-control-max-age", std::to_string(*cors.max_age));
}

}  // namespace

bool IsPreflightRequest(const edge::Request& request) {
  return request.method == "OPTIONS" && request.headers.Has("origin") &&
         request.headers.Has("access-control-request-method");
}

bool OriginAllowed(const CorsConfig& cors, std::string_view origin) {
  if (origin.empty()) return false;
  for (const std::string& allowed : cors.allow_origins) {
    if (allowed == "*" || EqualsIgnoreCase(allowed, origin)) return true;
    // "https://*" and "http://*" allow any origin of that scheme (AWS's
    // documented patterns).
    if (allowed.ends_with("://*")) {
      std::string_view scheme = std::string_view(allowed).substr(0, allowed.size() - 1);
      if (origin.size() > scheme.size() && StartsWithIgnoreCase(origin, scheme)) return true;
    }
  }
  return false;
}

edge::Response PreflightResponse(const CorsConfig& cors, const edge::Request& request,
                                 std::string_view request_id) {
  edge::Response response;
  response.status = 204;
  std::string_view origin = request.headers.Get("origin").value_or("");
  if (AddOriginHeaders(cors, origin, response)) AddPreflightHeaders(cors, response);
  response.headers.Add("apigw-requestid", std::string(request_id));
  return response;
}

edge::Response ApplyCors(const CorsConfig& cors, const edge::Request& request,
                         edge::Response response) {
  std::vector<std::string> backend_cors;
  for (const auto& [name, value] : response.headers.fields()) {
    if (StartsWithIgnoreCase(name, "access-control-")) backend_cors.push_back(name);
  }
  for (const std::string& name : backend_cors) response.headers.Remove(name);
  // "For the OPTIONS method, your request must contain an origin header and
  // an Access-Control-Request-Method header" (Configuring CORS for an HTTP API).
  if (request.method == "OPTIONS" && !IsPreflightRequest(request)) return response;
  std::string_view origin = request.headers.Get("origin").value_or("");
  if (!AddOriginHeaders(cors, origin, response)) return response;
  if (IsPreflightRequest(request)) {
    AddPreflightHeaders(cors, response);
  } else if (!cors.expose_headers.empty()) {
    response.headers.Add("access-control-expose-headers", Join(cors.expose_headers));
  }
  return response;
}

}  // namespace kumo::apis

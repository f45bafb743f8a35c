// WriteOpenApi: an HTTP API's Get* answers as the OpenAPI 3.0 definition
// ExportApi answers, in the shape AWS exports (members in AWS's order,
// inline integrations, generated path parameters and default responses).
#include <boost/json.hpp>
#include <map>
#include <set>

#include "apis/openapi.h"
#include "apis/openapi_yaml.h"
#include "common/encoding.h"
#include "common/json_text.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

constexpr std::string_view kAnyMethod = "x-amazon-apigateway-any-method";
constexpr int64_t kDefaultTimeoutMs = 30000;

// A string member's text, "" when absent or not a string.
std::string Str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

const json::object* Obj(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

const json::array* Arr(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

// Copies a member when it is present and not an empty string, list or map.
void CopyIfSet(const json::object& in, std::string_view key, json::object& out,
               std::string_view out_key) {
  auto it = in.find(key);
  if (it == in.end() || it->value().is_null()) return;
  const json::value& v = it->value();
  if ((v.is_string() && v.get_string().empty()) || (v.is_array() && v.get_array().empty()) ||
      (v.is_object() && v.get_object().empty())) {
    return;
  }
  out[out_key] = v;
}

// "integrations/abc" → "abc".
std::string TargetIntegrationId(const json::object& route) {
  std::string target = Str(route, "target");
  constexpr std::string_view kPrefix = "integrations/";
  return target.starts_with(kPrefix) ? target.substr(kPrefix.size()) : "";
}

// AWS's generated parameter per {name} or {name+} segment, named as written
// between the braces.
json::array PathParameters(std::string_view path) {
  json::array parameters;
  size_t open = 0;
  while ((open = path.find('{', open)) != std::string_view::npos) {
    size_t close = path.find('}', open);
    if (close == std::string_view::npos) break;
    std::string name(path.substr(open + 1, close - open - 1));
    parameters.push_back(json::object{{"name", name},
                                      {"in", "path"},
                                      {"description", "Generated path parameter for " + name},
                                      {"required", true},
                                      {"schema", json::object{{"type", "string"}}}});
    open = close + 1;
  }
  return parameters;
}

// JSON the way AWS's exporter prints it (Jackson's pretty printer).
void PrettyPrint(const json::value& v, int indent, std::string& out) {
  if (v.is_object()) {
    const json::object& o = v.get_object();
    if (o.empty()) {
      out += "{ }";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      out.append(indent + 2, ' ');
      AppendJsonString(kv.key(), out);
      out += " : ";
      PrettyPrint(kv.value(), indent + 2, out);
    }
    out += "\n";
    out.append(indent, ' ');
    out += "}";
  } else if (v.is_array()) {
    const json::array& a = v.get_array();
    if (a.empty()) {
      out += "[ ]";
      return;
    }
    out += "[ ";
    for (size_t i = 0; i < a.size(); ++i) {
      if (i > 0) out += ", ";
      PrettyPrint(a[i], indent, out);
    }
    out += " ]";
  } else {
    out += json::serialize(v);
  }
}

class Writer {
 public:
  Writer(const OpenApiSource& source, const OpenApiWriteOptions& options)
      : source_(source), extensions_(options.include_extensions) {
    for (const json::object& integration : source.integrations) {
      integrations_[Str(integration, "integrationId")] = &integration;
    }
    for (const json::object& authorizer : source.authorizers) {
      authorizers_[Str(authorizer, "authorizerId")] = &authorizer;
    }
    for (const json::object& route : source.routes) {
      std::string id = TargetIntegrationId(route);
      if (integrations_.contains(id)) targeted_.insert(std::move(id));
    }
  }

  json::object Document() {
    const json::object& api = source_.api;
    json::object doc;
    doc["openapi"] = "3.0.1";
    json::object info{{"title", Str(api, "name")}};
    CopyIfSet(api, "description", info, "description");
    std::string version = Str(api, "version");
    info["version"] = version.empty() ? source_.updated : version;
    doc["info"] = std::move(info);
    if (!source_.server_url.empty()) doc["servers"] = json::array{Server()};
    if (extensions_) {
      json::array tags;
      if (const json::object* api_tags = Obj(api, "tags")) {
        for (const auto& kv : *api_tags) {
          tags.push_back(
              json::object{{"name", kv.key()}, {"x-amazon-apigateway-tag-value", kv.value()}});
        }
      }
      if (!tags.empty()) doc["tags"] = std::move(tags);
    }
    doc["paths"] = Paths();
    json::object components = Components();
    if (!components.empty()) doc["components"] = std::move(components);
    if (extensions_) {
      CopyIfSet(api, "corsConfiguration", doc, "x-amazon-apigateway-cors");
      doc["x-amazon-apigateway-importexport-version"] = "1.0";
    }
    return doc;
  }

 private:
  // The endpoint with the stage as the basePath variable ("" for $default
  // and for the API's latest configuration).
  json::object Server() const {
    std::string url = source_.server_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    std::string stage = source_.stage ? Str(*source_.stage, "stageName") : "";
    if (stage == "$default") stage.clear();
    json::object server{
        {"url", url + "/{basePath}"},
        {"variables", json::object{{"basePath", json::object{{"default", stage}}}}}};
    const json::object& api = source_.api;
    auto disabled = api.find("disableExecuteApiEndpoint");
    json::object endpoint;
    if (disabled != api.end() && disabled->value() == true) {
      endpoint["disableExecuteApiEndpoint"] = true;
    }
    if (Str(api, "ipAddressType") == "dualstack") endpoint["ipAddressType"] = "dualstack";
    if (extensions_ && !endpoint.empty()) {
      server["x-amazon-apigateway-endpoint-configuration"] = std::move(endpoint);
    }
    return server;
  }

  json::object Paths() {
    json::object paths;
    for (const json::object& route : source_.routes) {
      std::string key = Str(route, "routeKey");
      std::string path = "/$default";
      std::string method_key(kAnyMethod);
      if (key != "$default") {
        size_t space = key.find(' ');
        if (space == std::string::npos) continue;  // not an HTTP API route key
        std::string method = key.substr(0, space);
        path = key.substr(space + 1);
        if (method != "ANY") method_key = AsciiLower(method);
      }
      if (!paths.contains(path)) paths[path] = json::object();
      paths[path].get_object()[method_key] = Operation(route, key);
    }
    // Path parameters follow the operations, as AWS writes them.
    for (auto& kv : paths) {
      json::array parameters = PathParameters(kv.key());
      if (!parameters.empty()) kv.value().get_object()["parameters"] = std::move(parameters);
    }
    return paths;
  }

  json::object Operation(const json::object& route, const std::string& key) {
    json::object op;
    // The $default route is the ANY method of "/$default", as AWS documents.
    if (key == "$default") op["isDefaultRoute"] = true;
    CopyIfSet(route, "operationName", op, "operationId");
    op["responses"] =
        json::object{{"default", json::object{{"description", "Default response for " + key}}}};
    std::string type = Str(route, "authorizationType");
    auto authorizer = authorizers_.find(Str(route, "authorizerId"));
    if ((type == "JWT" || type == "CUSTOM") && authorizer != authorizers_.end()) {
      const json::array* scopes = Arr(route, "authorizationScopes");
      op["security"] = json::array{
          json::object{{Str(*authorizer->second, "name"), scopes ? *scopes : json::array()}}};
    }
    auto integration = integrations_.find(TargetIntegrationId(route));
    if (integration != integrations_.end() && extensions_) {
      op["x-amazon-apigateway-integration"] = Integration(*integration->second);
    }
    return op;
  }

  static json::object Integration(const json::object& in) {
    json::object out;
    CopyIfSet(in, "responseParameters", out, "responseParameters");
    CopyIfSet(in, "requestParameters", out, "requestParameters");
    CopyIfSet(in, "payloadFormatVersion", out, "payloadFormatVersion");
    std::string type = Str(in, "integrationType");
    out["type"] = AsciiLower(type);
    std::string method = Str(in, "integrationMethod");
    if (method.empty() && type == "AWS_PROXY") method = "POST";  // Lambda is invoked with POST
    if (!method.empty()) out["httpMethod"] = method;
    CopyIfSet(in, "integrationUri", out, "uri");
    CopyIfSet(in, "connectionType", out, "connectionType");
    auto timeout = in.find("timeoutInMillis");
    if (timeout != in.end() && timeout->value().is_int64() &&
        timeout->value().get_int64() != kDefaultTimeoutMs) {
      out["timeoutInMillis"] = timeout->value();
    }
    CopyIfSet(in, "credentialsArn", out, "credentials");
    CopyIfSet(in, "tlsConfig", out, "tlsConfig");
    CopyIfSet(in, "description", out, "description");
    return out;
  }

  json::object Components() {
    json::object components;
    json::object schemes;
    for (const json::object& authorizer : source_.authorizers) {
      schemes[Str(authorizer, "name")] = SecurityScheme(authorizer);
    }
    if (!schemes.empty()) components["securitySchemes"] = std::move(schemes);
    // Integrations no route targets, so that an import recreates them.
    json::object unused;
    for (const json::object& integration : source_.integrations) {
      std::string id = Str(integration, "integrationId");
      if (extensions_ && !targeted_.contains(id)) {
        unused["unusedIntegration_" + id] = Integration(integration);
      }
    }
    if (!unused.empty()) components["x-amazon-apigateway-integrations"] = std::move(unused);
    return components;
  }

  json::object SecurityScheme(const json::object& authorizer) const {
    json::object scheme;
    std::string identity;
    std::string header;
    std::string query;
    const json::array* sources = Arr(authorizer, "identitySource");
    for (size_t i = 0; sources != nullptr && i < sources->size(); ++i) {
      std::string source = (*sources)[i].is_string() ? std::string((*sources)[i].get_string()) : "";
      identity += (i > 0 ? ", " : "") + source;
      if (sources->size() != 1) continue;
      if (source.starts_with("$request.header.")) header = source.substr(16);
      if (source.starts_with("$request.querystring.")) query = source.substr(21);
    }
    json::object ext;
    if (!identity.empty()) ext["identitySource"] = identity;
    if (Str(authorizer, "authorizerType") == "JWT") {
      scheme["type"] = "oauth2";
      scheme["flows"] = json::object();
      json::object jwt;
      if (const json::object* config = Obj(authorizer, "jwtConfiguration")) {
        const json::array* audience = Arr(*config, "audience");
        jwt["audience"] = audience ? *audience : json::array();
        CopyIfSet(*config, "issuer", jwt, "issuer");
      }
      ext["jwtConfiguration"] = std::move(jwt);
      ext["type"] = "jwt";
    } else {
      // OpenAPI's apiKey names one header or query parameter; AWS writes
      // "Unused" when the identity is anything else.
      scheme["type"] = "apiKey";
      scheme["name"] = !header.empty() ? header : !query.empty() ? query : "Unused";
      scheme["in"] = query.empty() ? "header" : "query";
      CopyIfSet(authorizer, "authorizerUri", ext, "authorizerUri");
      CopyIfSet(authorizer, "authorizerCredentialsArn", ext, "authorizerCredentials");
      CopyIfSet(authorizer, "authorizerPayloadFormatVersion", ext,
                "authorizerPayloadFormatVersion");
      CopyIfSet(authorizer, "authorizerResultTtlInSeconds", ext, "authorizerResultTtlInSeconds");
      ext["type"] = "request";
      CopyIfSet(authorizer, "enableSimpleResponses", ext, "enableSimpleResponses");
      CopyIfSet(authorizer, "identityValidationExpression", ext, "identityValidationExpression");
    }
    if (extensions_) scheme["x-amazon-apigateway-authorizer"] = std::move(ext);
    return scheme;
  }

  const OpenApiSource& source_;
  bool extensions_;
  std::map<std::string, const json::object*> integrations_;  // by integrationId
  std::map<std::string, const json::object*> authorizers_;   // by authorizerId
  std::set<std::string> targeted_;                           // integrationIds routes target
};

}  // namespace

std::string WriteOpenApi(const OpenApiSource& source, const OpenApiWriteOptions& options) {
  Writer writer(source, options);
  json::object doc = writer.Document();
  if (options.yaml) return EmitYaml(doc);
  std::string out;
  PrettyPrint(doc, 0, out);
  out += '\n';
  return out;
}

}  // namespace kumo::apis

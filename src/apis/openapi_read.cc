// ReadOpenApi: an OpenAPI 3.0 definition (JSON or YAML) as the Create*
// request members of an HTTP API. The control plane checks the members like
// any other request; this file reports only what it cannot map (400) and
// what it ignores (warnings).
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>

#include "apis/openapi.h"
#include "apis/openapi_yaml.h"
#include "common/encoding.h"
#include "common/json_text.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

constexpr std::string_view kAnyMethod = "x-amazon-apigateway-any-method";
constexpr std::string_view kIntegration = "x-amazon-apigateway-integration";
constexpr std::string_view kAuthorizer = "x-amazon-apigateway-authorizer";
constexpr std::string_view kIntegrationRef = "#/components/x-amazon-apigateway-integrations/";
constexpr std::string_view kExtensionPrefix = "x-amazon-apigateway-";

Error BadRequest(std::string message) {
  return Error{400, "BadRequestException", std::move(message)};
}

Error TypeError(std::string_view where, std::string_view key, std::string_view want) {
  std::string at(where);
  if (!key.empty()) at += (at.empty() ? "" : ".") + std::string(key);
  return BadRequest("Invalid OpenAPI definition: " + at + " must be " + std::string(want));
}

// A member that is present and not null.
const json::value* Member(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

// A scalar's text: YAML and hand-written JSON give numbers where the model
// wants strings (`payloadFormatVersion: 1.0`, `version: 2`).
std::optional<std::string> ScalarText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_:
      return FormatDouble(v.get_double());
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> Integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= std::numeric_limits<int64_t>::max()) {
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (d == static_cast<double>(static_cast<int64_t>(d)) && d > -9e18 && d < 9e18) {
      return static_cast<int64_t>(d);
    }
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t i = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return i;
  }
  return std::nullopt;
}

std::optional<bool> Boolean(const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_string()) {
    std::string text = AsciiLower(v.get_string());
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return std::nullopt;
}

// Typed copies of an optional member of `in` to `out[out_key]`; a member of
// the wrong type is a 400 naming where it is.
template <typename Convert>
Status CopyAs(Convert convert, std::string_view want, const json::object& in, std::string_view key,
              json::object& out, std::string_view out_key, std::string_view where) {
  const json::value* v = Member(in, key);
  if (v == nullptr) return Status::Ok();
  auto converted = convert(*v);
  if (!converted) return TypeError(where, key, want);
  out[out_key] = *converted;
  return Status::Ok();
}

Status CopyText(const json::object& in, std::string_view key, json::object& out,
                std::string_view out_key, std::string_view where) {
  return CopyAs(ScalarText, "a string", in, key, out, out_key, where);
}

Status CopyInt(const json::object& in, std::string_view key, json::object& out,
               std::string_view out_key, std::string_view where) {
  return CopyAs(Integer, "an integer", in, key, out, out_key, where);
}

Status CopyBool(const json::object& in, std::string_view key, json::object& out,
                std::string_view out_key, std::string_view where) {
  return CopyAs(Boolean, "a boolean", in, key, out, out_key, where);
}

// A list of strings; a single string is one item, or with `split_commas`
// a comma-separated list (identitySource is written both ways).
Status CopyTextList(const json::object& in, std::string_view key, json::object& out,
                    std::string_view out_key, std::string_view where, bool split_commas = false) {
  const json::value* v = Member(in, key);
  if (v == nullptr) return Status::Ok();
  json::array list;
  if (v->is_array()) {
    for (const json::value& item : v->get_array()) {
      std::optional<std::string> text = ScalarText(item);
      if (!text) return TypeError(where, key, "a list of strings");
      list.emplace_back(*text);
    }
  } else if (std::optional<std::string> text = ScalarText(*v)) {
    std::string_view rest = *text;
    while (split_commas && !rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = TrimAsciiSpace(rest.substr(0, comma));
      if (!item.empty()) list.emplace_back(item);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!split_commas) list.emplace_back(*text);
  } else {
    return TypeError(where, key, "a list of strings");
  }
  out[out_key] = std::move(list);
  return Status::Ok();
}

Result<json::object> TextMap(const json::value& v, std::string_view where, std::string_view key) {
  if (!v.is_object()) return TypeError(where, key, "a map of strings");
  json::object map;
  for (const auto& kv : v.get_object()) {
    std::optional<std::string> text = ScalarText(kv.value());
    if (!text) return TypeError(where, key, "a map of strings");
    map[kv.key()] = *text;
  }
  return map;
}

// "#/components/x/a~1b" names "a/b" (JSON pointer escapes).
std::string UnescapePointer(std::string_view token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

Result<json::object> ParseDocument(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return BadRequest("The OpenAPI definition is empty");
  json::value doc;
  if (body[first] == '{') {
    boost::system::error_code ec;
    json::parse_options options;
    options.max_depth = 256;
    doc = json::parse(body, ec, {}, options);
    if (ec) {
      // A YAML flow mapping starts with '{' too, but its first key is not
      // quoted the way JSON's are.
      size_t key = body.find_first_not_of(" \t\r\n", first + 1);
      bool json_like = key == std::string_view::npos || body[key] == '"' || body[key] == '}';
      Result<json::value> yaml = json_like ? Result<json::value>(BadRequest("")) : ParseYaml(body);
      if (!yaml.ok()) {
        return BadRequest("Unable to parse the OpenAPI definition as JSON: " + ec.message());
      }
      doc = std::move(yaml).value();
    }
  } else {
    KUMO_ASSIGN_OR_RETURN(doc, ParseYaml(body));
  }
  if (!doc.is_object())
    return BadRequest("The OpenAPI definition must be a JSON object or YAML map");
  return std::move(doc.as_object());
}

enum class BasepathMode { kIgnore, kPrepend, kSplit };

Result<BasepathMode> ParseBasepathMode(std::string_view basepath) {
  std::string mode = AsciiLower(basepath);
  if (mode.empty() || mode == "ignore") return BasepathMode::kIgnore;
  if (mode == "prepend") return BasepathMode::kPrepend;
  if (mode == "split") return BasepathMode::kSplit;
  return BadRequest("Invalid Basepath '" + std::string(basepath) +
                    "': it must be one of ignore, prepend, split");
}

// How a route uses a security scheme.
struct SchemeUse {
  enum Kind { kAuthorizer, kIam, kIgnored } kind = kIgnored;
  size_t authorizer = 0;  // index into OpenApiImport::authorizers, for kAuthorizer
};

class Reader {
 public:
  Reader(const json::object& doc, BasepathMode mode) : doc_(doc), mode_(mode) {}

  Result<OpenApiImport> Read() {
    KUMO_RETURN_IF_ERROR(CheckVersion());
    KUMO_RETURN_IF_ERROR(ReadInfo());
    KUMO_RETURN_IF_ERROR(ReadServers());
    KUMO_RETURN_IF_ERROR(ReadCors());
    KUMO_RETURN_IF_ERROR(ReadTags());
    WarnUnknownExtensions(doc_, "the root",
                          {"x-amazon-apigateway-cors", "x-amazon-apigateway-importexport-version",
                           "x-amazon-apigateway-endpoint-configuration"});
    if (const json::value* v = Member(doc_, "x-amazon-apigateway-importexport-version")) {
      if (ScalarText(*v) != "1.0") {
        Warn("x-amazon-apigateway-importexport-version: only version 1.0 is supported");
      }
    }
    KUMO_RETURN_IF_ERROR(ReadComponents());
    KUMO_RETURN_IF_ERROR(ReadPaths());
    return std::move(out_);
  }

 private:
  void Warn(std::string message) { out_.warnings.push_back(std::move(message)); }

  void WarnUnknownExtensions(const json::object& o, std::string_view where,
                             std::initializer_list<std::string_view> known) {
    for (const auto& kv : o) {
      std::string_view key = kv.key();
      if (!key.starts_with(kExtensionPrefix)) continue;
      bool is_known = false;
      for (std::string_view k : known) is_known = is_known || k == key;
      if (!is_known) {
        Warn(std::string(key) + " in " + std::string(where) +
             " is not supported for HTTP APIs and was ignored");
      }
    }
  }

  Status CheckVersion() {
    const json::value* openapi = Member(doc_, "openapi");
    std::optional<std::string> version = openapi ? ScalarText(*openapi) : std::nullopt;
    if (version && (*version == "3.0" || version->starts_with("3.0."))) return Status::Ok();
    std::string found = version                   ? "OpenAPI " + *version
                        : Member(doc_, "swagger") ? std::string("a Swagger 2.0 definition")
                                                  : std::string("a definition without a version");
    return BadRequest("Only OpenAPI 3.0 definitions are supported for HTTP APIs; found " + found);
  }

  Status ReadInfo() {
    const json::value* info = Member(doc_, "info");
    if (info == nullptr) return BadRequest("Invalid OpenAPI definition: info.title is required");
    if (!info->is_object()) return TypeError("info", "", "an object");
    const json::object& o = info->get_object();
    KUMO_RETURN_IF_ERROR(CopyText(o, "title", out_.api, "name", "info"));
    if (!out_.api.contains("name") || out_.api["name"].get_string().empty()) {
      return BadRequest("Invalid OpenAPI definition: info.title is required");
    }
    KUMO_RETURN_IF_ERROR(CopyText(o, "description", out_.api, "description", "info"));
    return CopyText(o, "version", out_.api, "version", "info");
  }

  // The first server's URL gives the base path; a server (or, as Swagger
  // writes it, the root) carries x-amazon-apigateway-endpoint-configuration.
  Status ReadServers() {
    const json::value* servers = Member(doc_, "servers");
    if (servers != nullptr && !servers->is_array()) return TypeError("servers", "", "a list");
    const json::object* endpoint_config = nullptr;
    constexpr std::string_view kEndpoint = "x-amazon-apigateway-endpoint-configuration";
    if (const json::value* v = Member(doc_, kEndpoint); v != nullptr && v->is_object()) {
      endpoint_config = &v->get_object();
    }
    for (size_t i = 0; servers != nullptr && i < servers->get_array().size(); ++i) {
      const json::value& server = servers->get_array()[i];
      if (!server.is_object()) return TypeError("servers", "", "a list of server objects");
      const json::value* v = Member(server.get_object(), kEndpoint);
      if (v != nullptr && v->is_object() && endpoint_config == nullptr) {
        endpoint_config = &v->get_object();
      }
      if (i == 0 && mode_ != BasepathMode::kIgnore) base_path_ = BasePath(server.get_object());
    }
    if (endpoint_config == nullptr) return Status::Ok();
    KUMO_RETURN_IF_ERROR(CopyBool(*endpoint_config, "disableExecuteApiEndpoint", out_.api,
                                  "disableExecuteApiEndpoint", kEndpoint));
    KUMO_RETURN_IF_ERROR(
        CopyText(*endpoint_config, "ipAddressType", out_.api, "ipAddressType", kEndpoint));
    if (Member(*endpoint_config, "vpcEndpointIds") != nullptr) {
      Warn(std::string(kEndpoint) + ".vpcEndpointIds applies to private REST APIs only; ignored");
    }
    return Status::Ok();
  }

  // The server URL's path with its variables' defaults substituted:
  // "https://example.com/{basePath}" with basePath "v1" is "/v1". For
  // "split", the first segment is dropped ("/a/b/c" is "/b/c").
  std::string BasePath(const json::object& server) {
    const json::value* url_value = Member(server, "url");
    std::optional<std::string> url = url_value ? ScalarText(*url_value) : std::nullopt;
    if (!url) return {};
    const json::value* variables = Member(server, "variables");
    std::string expanded;
    for (size_t i = 0; i < url->size(); ++i) {
      size_t close = (*url)[i] == '{' ? url->find('}', i) : std::string::npos;
      if (close == std::string::npos) {
        expanded += (*url)[i];
        continue;
      }
      std::string name = url->substr(i + 1, close - i - 1);
      const json::value* var =
          variables && variables->is_object() ? Member(variables->get_object(), name) : nullptr;
      const json::value* def =
          var && var->is_object() ? Member(var->get_object(), "default") : nullptr;
      expanded += def ? ScalarText(*def).value_or("") : "";
      i = close;
    }
    auto parsed = boost::urls::parse_uri_reference(expanded);
    if (!parsed) {
      Warn("servers[0].url '" + *url + "' is not a valid URL; the base path was ignored");
      return {};
    }
    std::string path = parsed->path();
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (!path.empty() && path.front() != '/') path.insert(path.begin(), '/');
    if (mode_ == BasepathMode::kSplit) {
      size_t second = path.find('/', 1);
      path = second == std::string::npos ? std::string() : path.substr(second);
    }
    return path;
  }

  Status ReadCors() {
    const json::value* v = Member(doc_, "x-amazon-apigateway-cors");
    if (v == nullptr) return Status::Ok();
    constexpr std::string_view kWhere = "x-amazon-apigateway-cors";
    if (!v->is_object()) return TypeError(kWhere, "", "an object");
    const json::object& in = v->get_object();
    json::object cors;
    for (std::string_view key : {"allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders"}) {
      KUMO_RETURN_IF_ERROR(CopyTextList(in, key, cors, key, kWhere));
    }
    KUMO_RETURN_IF_ERROR(CopyInt(in, "maxAge", cors, "maxAge", kWhere));
    KUMO_RETURN_IF_ERROR(CopyBool(in, "allowCredentials", cors, "allowCredentials", kWhere));
    out_.api["corsConfiguration"] = std::move(cors);
    return Status::Ok();
  }

  // Root tags are API tags; one without x-amazon-apigateway-tag-value gets
  // an empty value, as AWS documents.
  Status ReadTags() {
    const json::value* v = Member(doc_, "tags");
    if (v == nullptr) return Status::Ok();
    if (!v->is_array()) return TypeError("tags", "", "a list of tag objects");
    json::object tags;
    for (const json::value& tag : v->get_array()) {
      if (!tag.is_object()) return TypeError("tags", "", "a list of tag objects");
      json::object entry;
      KUMO_RETURN_IF_ERROR(CopyText(tag.get_object(), "name", entry, "name", "tags"));
      KUMO_RETURN_IF_ERROR(
          CopyText(tag.get_object(), "x-amazon-apigateway-tag-value", entry, "value", "tags"));
      if (!entry.contains("name"))
        return BadRequest("Invalid OpenAPI definition: a tag has no name");
      tags[entry["name"].get_string()] = entry.contains("value") ? entry["value"] : json::string();
    }
    if (!tags.empty()) out_.api["tags"] = std::move(tags);
    return Status::Ok();
  }

  Status ReadComponents() {
    const json::value* v = Member(doc_, "components");
    if (v == nullptr) return Status::Ok();
    if (!v->is_object()) return TypeError("components", "", "an object");
    const json::object& components = v->get_object();
    if (const json::value* schemes = Member(components, "securitySchemes")) {
      if (!schemes->is_object()) return TypeError("components.securitySchemes", "", "an object");
      for (const auto& kv : schemes->get_object()) {
        KUMO_RETURN_IF_ERROR(ReadSecurityScheme(kv.key(), kv.value()));
      }
    }
    // Every component integration is created, used or not: an export lists
    // the integrations no route targets there.
    if (const json::value* integrations = Member(components, "x-amazon-apigateway-integrations")) {
      std::string where = "components.x-amazon-apigateway-integrations";
      if (!integrations->is_object()) return TypeError(where, "", "an object");
      for (const auto& kv : integrations->get_object()) {
        KUMO_ASSIGN_OR_RETURN(std::optional<json::object> integration,
                              MapIntegration(kv.value(), where + "." + std::string(kv.key())));
        std::optional<size_t> index;
        if (integration) {
          index = out_.integrations.size();
          out_.integrations.push_back(std::move(*integration));
        }
        component_integrations_[std::string(kv.key())] = index;
      }
    }
    return Status::Ok();
  }

  Status ReadSecurityScheme(std::string_view name, const json::value& v) {
    std::string where = "components.securitySchemes." + std::string(name);
    if (!v.is_object()) return TypeError(where, "", "an object");
    const json::object& scheme = v.get_object();
    SchemeUse& use = schemes_[std::string(name)];
    const json::value* ext = Member(scheme, kAuthorizer);
    if (ext == nullptr) {
      const json::value* authtype = Member(scheme, "x-amazon-apigateway-authtype");
      std::optional<std::string> text = authtype ? ScalarText(*authtype) : std::nullopt;
      if (text && AsciiLower(*text) == "awssigv4") use.kind = SchemeUse::kIam;
      return Status::Ok();
    }
    where += "." + std::string(kAuthorizer);
    if (!ext->is_object()) return TypeError(where, "", "an object");
    const json::object& in = ext->get_object();
    json::object out;
    out["name"] = name;
    const json::value* type_value = Member(in, "type");
    std::optional<std::string> type = type_value ? ScalarText(*type_value) : std::nullopt;
    if (!type) return BadRequest("Invalid OpenAPI definition: " + where + ".type is required");
    out["authorizerType"] = AsciiUpper(*type);
    KUMO_RETURN_IF_ERROR(CopyTextList(in, "identitySource", out, "identitySource", where, true));
    if (const json::value* jwt = Member(in, "jwtConfiguration")) {
      if (!jwt->is_object()) return TypeError(where, "jwtConfiguration", "an object");
      json::object config;
      std::string jwt_where = where + ".jwtConfiguration";
      KUMO_RETURN_IF_ERROR(
          CopyTextList(jwt->get_object(), "audience", config, "audience", jwt_where));
      KUMO_RETURN_IF_ERROR(CopyText(jwt->get_object(), "issuer", config, "issuer", jwt_where));
      // An openIdConnect scheme names the issuer through its discovery URL.
      const json::value* oidc = Member(scheme, "openIdConnectUrl");
      std::optional<std::string> url = oidc ? ScalarText(*oidc) : std::nullopt;
      constexpr std::string_view kDiscovery = "/.well-known/openid-configuration";
      if (!config.contains("issuer") && url && url->ends_with(kDiscovery)) {
        config["issuer"] = url->substr(0, url->size() - kDiscovery.size());
      }
      out["jwtConfiguration"] = std::move(config);
    }
    KUMO_RETURN_IF_ERROR(CopyText(in, "authorizerUri", out, "authorizerUri", where));
    KUMO_RETURN_IF_ERROR(
        CopyText(in, "authorizerCredentials", out, "authorizerCredentialsArn", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "authorizerPayloadFormatVersion", out,
                                  "authorizerPayloadFormatVersion", where));
    KUMO_RETURN_IF_ERROR(
        CopyBool(in, "enableSimpleResponses", out, "enableSimpleResponses", where));
    KUMO_RETURN_IF_ERROR(
        CopyInt(in, "authorizerResultTtlInSeconds", out, "authorizerResultTtlInSeconds", where));
    KUMO_RETURN_IF_ERROR(
        CopyText(in, "identityValidationExpression", out, "identityValidationExpression", where));
    use.kind = SchemeUse::kAuthorizer;
    use.authorizer = out_.authorizers.size();
    out_.authorizers.push_back(std::move(out));
    return Status::Ok();
  }

  // CreateIntegration members, or nothing (with a warning) for an
  // integration type HTTP APIs do not have.
  Result<std::optional<json::object>> MapIntegration(const json::value& v,
                                                     const std::string& where) {
    if (!v.is_object()) return TypeError(where, "", "an object");
    const json::object& in = v.get_object();
    const json::value* type_value = Member(in, "type");
    std::optional<std::string> type = type_value ? ScalarText(*type_value) : std::nullopt;
    std::string upper = AsciiUpper(type.value_or(""));
    if (upper != "AWS_PROXY" && upper != "HTTP_PROXY") {
      Warn(where + ": " +
           (type ? "integration type " + *type + " is not supported"
                 : std::string("the integration has no type")) +
           "; HTTP APIs support only Lambda proxy (aws_proxy) and HTTP proxy (http_proxy) "
           "integrations, so the integration was not created");
      return std::optional<json::object>();
    }
    json::object out;
    out["integrationType"] = upper;
    KUMO_RETURN_IF_ERROR(CopyText(in, "uri", out, "integrationUri", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "httpMethod", out, "integrationMethod", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "payloadFormatVersion", out, "payloadFormatVersion", where));
    // REST API exports imported as HTTP APIs have no payloadFormatVersion.
    if (!out.contains("payloadFormatVersion")) out["payloadFormatVersion"] = "1.0";
    KUMO_RETURN_IF_ERROR(CopyInt(in, "timeoutInMillis", out, "timeoutInMillis", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "connectionType", out, "connectionType", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "connectionId", out, "connectionId", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "credentials", out, "credentialsArn", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "description", out, "description", where));
    KUMO_RETURN_IF_ERROR(CopyText(in, "integrationSubtype", out, "integrationSubtype", where));
    if (const json::value* request = Member(in, "requestParameters")) {
      KUMO_ASSIGN_OR_RETURN(out["requestParameters"],
                            TextMap(*request, where, "requestParameters"));
    }
    if (const json::value* response = Member(in, "responseParameters")) {
      if (!response->is_object()) return TypeError(where, "responseParameters", "a map of maps");
      json::object by_status;
      for (const auto& kv : response->get_object()) {
        KUMO_ASSIGN_OR_RETURN(by_status[kv.key()],
                              TextMap(kv.value(), where, "responseParameters"));
      }
      out["responseParameters"] = std::move(by_status);
    }
    if (const json::value* tls = Member(in, "tlsConfig")) {
      if (!tls->is_object()) return TypeError(where, "tlsConfig", "an object");
      json::object config;
      KUMO_RETURN_IF_ERROR(CopyText(tls->get_object(), "serverNameToVerify", config,
                                    "serverNameToVerify", where + ".tlsConfig"));
      out["tlsConfig"] = std::move(config);
    }
    return std::optional<json::object>(std::move(out));
  }

  Status ReadPaths() {
    const json::value* paths = Member(doc_, "paths");
    if (paths == nullptr) return Status::Ok();
    if (!paths->is_object()) return TypeError("paths", "", "an object");
    for (const auto& [path, item] : paths->get_object()) {
      std::string where = "paths." + std::string(path);
      if (!item.is_object()) return TypeError(where, "", "an object");
      for (const auto& [key, operation] : item.get_object()) {
        static constexpr std::string_view kMethods[] = {"get",     "put",  "post", "delete",
                                                        "options", "head", "patch"};
        std::string method;
        for (std::string_view m : kMethods) {
          if (key == m) method = AsciiUpper(m);
        }
        if (key == kAnyMethod) method = "ANY";
        if (key == "trace") Warn(where + ": TRACE routes are not supported and were ignored");
        if (key.starts_with(kExtensionPrefix) && key != kAnyMethod) {
          Warn(where + ": " + std::string(key) + " is not supported for HTTP APIs and was ignored");
        }
        if (!method.empty()) KUMO_RETURN_IF_ERROR(ReadOperation(path, method, operation, key));
      }
    }
    return Status::Ok();
  }

  Status ReadOperation(std::string_view path, const std::string& method, const json::value& v,
                       std::string_view key) {
    std::string where = "paths." + std::string(path) + "." + std::string(key);
    if (!v.is_object()) return TypeError(where, "", "an object");
    const json::object& op = v.get_object();
    OpenApiImport::RouteSpec route;
    const json::value* is_default = Member(op, "isDefaultRoute");
    bool default_route = (method == "ANY" && (path == "$default" || path == "/$default")) ||
                         (is_default != nullptr && Boolean(*is_default) == true);
    std::string route_key = "$default";
    if (!default_route) {
      std::string full = base_path_.empty() ? std::string(path)
                         : path == "/"      ? base_path_
                                            : base_path_ + std::string(path);
      route_key = method + " " + full;
    }
    route.members["routeKey"] = route_key;
    KUMO_RETURN_IF_ERROR(CopyText(op, "operationId", route.members, "operationName", where));
    KUMO_RETURN_IF_ERROR(ReadRouteIntegration(op, where, route));
    KUMO_RETURN_IF_ERROR(ReadRouteAuthorization(op, where, route));
    WarnUnknownExtensions(op, where, {kIntegration, "x-amazon-apigateway-auth"});
    out_.routes.push_back(std::move(route));
    return Status::Ok();
  }

  // AWS creates one integration per operation; a $ref to a component shares it.
  Status ReadRouteIntegration(const json::object& op, const std::string& where,
                              OpenApiImport::RouteSpec& route) {
    const json::value* spec = Member(op, kIntegration);
    if (spec == nullptr) return Status::Ok();
    std::string at = where + "." + std::string(kIntegration);
    const json::value* ref = spec->is_object() ? Member(spec->get_object(), "$ref") : nullptr;
    if (ref == nullptr) {
      KUMO_ASSIGN_OR_RETURN(std::optional<json::object> integration, MapIntegration(*spec, at));
      if (integration) {
        route.integration = out_.integrations.size();
        out_.integrations.push_back(std::move(*integration));
      }
      return Status::Ok();
    }
    std::string target = ScalarText(*ref).value_or("");
    auto it = target.starts_with(kIntegrationRef)
                  ? component_integrations_.find(
                        UnescapePointer(std::string_view(target).substr(kIntegrationRef.size())))
                  : component_integrations_.end();
    if (it == component_integrations_.end()) {
      Warn(at + ": $ref '" + target +
           "' does not name an integration in components.x-amazon-apigateway-integrations; the "
           "route has no integration");
      return Status::Ok();
    }
    route.integration = it->second;
    return Status::Ok();
  }

  // The operation's security (else the root's): at most one requirement
  // with one scheme, as HTTP API routes have one authorization.
  Status ReadRouteAuthorization(const json::object& op, const std::string& where,
                                OpenApiImport::RouteSpec& route) {
    if (const json::value* auth = Member(op, "x-amazon-apigateway-auth")) {
      const json::value* type = auth->is_object() ? Member(auth->get_object(), "type") : nullptr;
      std::optional<std::string> text = type ? ScalarText(*type) : std::nullopt;
      if (!text) return TypeError(where, "x-amazon-apigateway-auth.type", "a string");
      if (AsciiUpper(*text) != "NONE") route.members["authorizationType"] = AsciiUpper(*text);
      return Status::Ok();
    }
    const json::value* security = Member(op, "security");
    std::string at = where + ".security";
    if (security == nullptr) {
      security = Member(doc_, "security");
      at = "security";
    }
    if (security == nullptr) return Status::Ok();
    if (!security->is_array()) return TypeError(at, "", "a list of security requirements");
    const json::array& requirements = security->get_array();
    if (requirements.empty()) return Status::Ok();
    if (!requirements[0].is_object()) return TypeError(at, "", "a list of security requirements");
    const json::object& requirement = requirements[0].get_object();
    if (requirements.size() > 1 || requirement.size() > 1) {
      return BadRequest("Invalid OpenAPI definition: " + at +
                        " has more than one security requirement; a route can use only one of "
                        "IAM authorization, a Lambda authorizer or a JWT authorizer");
    }
    if (requirement.empty()) return Status::Ok();
    std::string_view name = requirement.begin()->key();
    json::object scopes_holder;
    KUMO_RETURN_IF_ERROR(CopyTextList(requirement, name, scopes_holder, "scopes", at));
    auto it = schemes_.find(std::string(name));
    if (it == schemes_.end()) {
      Warn(at + ": security scheme " + std::string(name) +
           " is not defined in components.securitySchemes; the route has no authorization");
      return Status::Ok();
    }
    switch (it->second.kind) {
      case SchemeUse::kIgnored:
        Warn(at + ": security scheme " + std::string(name) + " has no " + std::string(kAuthorizer) +
             "; the route has no authorization");
        return Status::Ok();
      case SchemeUse::kIam:
        route.members["authorizationType"] = "AWS_IAM";
        return Status::Ok();
      case SchemeUse::kAuthorizer:
        break;
    }
    route.authorizer = it->second.authorizer;
    const json::value& type = out_.authorizers[it->second.authorizer]["authorizerType"];
    route.members["authorizationType"] = type == "JWT" ? "JWT" : "CUSTOM";
    json::value& scopes = scopes_holder["scopes"];
    if (scopes.is_array() && !scopes.get_array().empty()) {
      route.members["authorizationScopes"] = std::move(scopes);
    }
    return Status::Ok();
  }

  const json::object& doc_;
  BasepathMode mode_;
  std::string base_path_;  // "" or "/a/b", prepended to every path
  OpenApiImport out_;
  std::map<std::string, SchemeUse> schemes_;
  std::map<std::string, std::optional<size_t>> component_integrations_;
};

}  // namespace

Result<OpenApiImport> ReadOpenApi(std::string_view body, std::string_view basepath) {
  KUMO_ASSIGN_OR_RETURN(BasepathMode mode, ParseBasepathMode(basepath));
  KUMO_ASSIGN_OR_RETURN(json::object doc, ParseDocument(body));
  Reader reader(doc, mode);
  return reader.Read();
}

}  // namespace kumo::apis

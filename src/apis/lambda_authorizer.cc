#include "apis/lambda_authorizer.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <list>
#include <mutex>
#include <unordered_map>

#include "common/encoding.h"

namespace kumo::apis {
namespace json = boost::json;

// ---- identity sources -------------------------------------------------------

Result<IdentitySource> ParseIdentitySource(std::string_view expression) {
  static constexpr std::pair<std::string_view, IdentitySource::Kind> kPrefixes[] = {
      {"$request.header.", IdentitySource::Kind::kHeader},
      {"$request.querystring.", IdentitySource::Kind::kQueryString},
      {"$context.", IdentitySource::Kind::kContext},
      {"$stageVariables.", IdentitySource::Kind::kStageVariable},
  };
  for (const auto& [prefix, kind] : kPrefixes) {
    if (expression.size() > prefix.size() && expression.substr(0, prefix.size()) == prefix) {
      return IdentitySource{kind, std::string(expression.substr(prefix.size())),
                            std::string(expression)};
    }
  }
  return Error(400, "BadRequestException",
               "Invalid identity source expression: " + std::string(expression));
}

namespace {

std::optional<std::string> JoinValues(const std::vector<std::string_view>& values) {
  if (values.empty()) return std::nullopt;
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

std::optional<std::string> SourceValue(const IdentitySource& source, const IdentityInputs& inputs) {
  switch (source.kind) {
    case IdentitySource::Kind::kHeader:
      return JoinValues(inputs.headers.GetAll(source.name));
    case IdentitySource::Kind::kQueryString: {
      std::vector<std::string_view> values;
      for (const auto& [name, value] : inputs.query) {
        if (name == source.name) values.push_back(value);
      }
      return JoinValues(values);
    }
    case IdentitySource::Kind::kContext:
      return inputs.context_variable ? inputs.context_variable(source.name) : std::nullopt;
    case IdentitySource::Kind::kStageVariable: {
      auto it = inputs.stage_variables.find(source.name);
      if (it == inputs.stage_variables.end()) return std::nullopt;
      return it->second;
    }
  }
  return std::nullopt;
}

}  // namespace

AuthOutcome<std::vector<std::string>> ResolveIdentitySources(
    const std::vector<IdentitySource>& sources, const IdentityInputs& inputs) {
  std::vector<std::string> values;
  values.reserve(sources.size());
  for (const IdentitySource& source : sources) {
    std::optional<std::string> value = SourceValue(source, inputs);
    if (!value || value->empty()) {
      return AuthFailure::Unauthorized("identity source " + source.expression + " is missing");
    }
    values.push_back(std::move(*value));
  }
  return values;
}

// ---- events -----------------------------------------------------------------

std::string BuildRouteArn(std::string_view region, std::string_view account,
                          std::string_view api_id, std::string_view stage, std::string_view method,
                          std::string_view path) {
  std::string arn = "arn:aws:execute-api:";
  arn.append(region).append(":").append(account).append(":").append(api_id);
  arn.append("/").append(stage).append("/").append(method);
  if (path.empty() || path.front() != '/') arn += '/';
  arn.append(path);
  return arn;
}

namespace {

void CopyMembers(const json::object& from, std::initializer_list<std::string_view> names,
                 json::object& to) {
  for (std::string_view name : names) {
    const json::value* v = from.if_contains(name);
    if (v == nullptr) continue;
    json::value& copied = to[name] = *v;
    if (name == "requestContext" && copied.is_object()) copied.get_object().erase("authorizer");
  }
}

}  // namespace

json::object BuildAuthorizerEventV2(const json::object& proxy_event, std::string_view route_arn,
                                    const std::vector<std::string>& identity_values) {
  json::object event;
  event["version"] = "2.0";
  event["type"] = "REQUEST";
  event["routeArn"] = route_arn;
  json::array identity;
  for (const std::string& v : identity_values) identity.emplace_back(v);
  event["identitySource"] = std::move(identity);
  CopyMembers(proxy_event,
              {"routeKey", "rawPath", "rawQueryString", "cookies", "headers",
               "queryStringParameters", "requestContext", "pathParameters", "stageVariables"},
              event);
  return event;
}

json::object BuildAuthorizerEventV1(const json::object& proxy_event, std::string_view method_arn,
                                    const std::vector<std::string>& identity_values) {
  std::string joined;
  for (const std::string& v : identity_values) {
    if (!joined.empty()) joined += ',';
    joined += v;
  }
  json::object event;
  event["version"] = "1.0";
  event["type"] = "REQUEST";
  event["methodArn"] = method_arn;
  event["identitySource"] = joined;
  event["authorizationToken"] = joined;
  CopyMembers(
      proxy_event,
      {"resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
       "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext"},
      event);
  return event;
}

// ---- responses ---------------------------------------------------------------

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto same = [ignore_case](char a, char b) {
    if (!ignore_case) return a == b;
    return AsciiLower(a) == AsciiLower(b);
  };
  // Greedy matching with one backtrack point: the last '*' seen.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

Error BadResponse(std::string message) {
  return Error(500, "InvalidAuthorizerResponse", std::move(message));
}

// A string or a list of strings.
Result<std::vector<std::string>> StringList(const json::value& v, std::string_view member) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.emplace_back(v.get_string());
    return out;
  }
  if (v.is_array()) {
    for (const json::value& item : v.get_array()) {
      if (!item.is_string()) break;
      out.emplace_back(item.get_string());
    }
    if (out.size() == v.get_array().size()) return out;
  }
  return BadResponse("policy statement " + std::string(member) + " is not a string or list");
}

struct Statement {
  bool allow = false;
  bool supported = true;
  std::vector<std::string> actions;
  std::vector<std::string> resources;
};

Result<std::vector<Statement>> ParseStatements(const json::object& policy) {
  const json::value* raw = policy.if_contains("Statement");
  if (raw == nullptr) return BadResponse("policyDocument has no Statement");
  std::vector<const json::value*> items;
  if (raw->is_array()) {
    for (const json::value& item : raw->get_array()) items.push_back(&item);
  } else {
    items.push_back(raw);
  }
  std::vector<Statement> out;
  for (const json::value* item : items) {
    if (!item->is_object()) return BadResponse("policy statement is not an object");
    const json::object& obj = item->get_object();
    Statement statement;
    const json::value* effect = obj.if_contains("Effect");
    if (effect == nullptr || !effect->is_string() ||
        (effect->get_string() != "Allow" && effect->get_string() != "Deny")) {
      return BadResponse("policy statement Effect must be Allow or Deny");
    }
    statement.allow = effect->get_string() == "Allow";
    statement.supported =
        !obj.contains("NotAction") && !obj.contains("NotResource") && !obj.contains("Condition");
    if (statement.supported) {
      const json::value* action = obj.if_contains("Action");
      const json::value* resource = obj.if_contains("Resource");
      if (action == nullptr || resource == nullptr) {
        return BadResponse("policy statement needs Action and Resource");
      }
      KUMO_ASSIGN_OR_RETURN(statement.actions, StringList(*action, "Action"));
      KUMO_ASSIGN_OR_RETURN(statement.resources, StringList(*resource, "Resource"));
    }
    out.push_back(std::move(statement));
  }
  return out;
}

bool AnyMatches(const std::vector<std::string>& patterns, std::string_view text, bool ignore_case) {
  for (const std::string& pattern : patterns) {
    if (WildcardMatch(pattern, text, ignore_case)) return true;
  }
  return false;
}

}  // namespace

Result<bool> PolicyAllows(const json::object& policy_document, std::string_view route_arn) {
  KUMO_ASSIGN_OR_RETURN(std::vector<Statement> statements, ParseStatements(policy_document));
  bool allowed = false;
  for (const Statement& statement : statements) {
    if (!statement.supported || !AnyMatches(statement.actions, "execute-api:Invoke", true) ||
        !AnyMatches(statement.resources, route_arn, false)) {
      continue;
    }
    if (!statement.allow) return false;
    allowed = true;
  }
  return allowed;
}

Result<AuthorizerResponse> ParseAuthorizerResponse(std::string_view payload,
                                                   bool simple_responses) {
  json::error_code ec;
  json::value doc = json::parse(payload, ec);
  if (ec || !doc.is_object()) return BadResponse("authorizer response is not a JSON object");
  const json::object& obj = doc.get_object();
  AuthorizerResponse response;
  response.simple = simple_responses;
  if (const json::value* context = obj.if_contains("context");
      context != nullptr && !context->is_null()) {
    if (!context->is_object()) return BadResponse("authorizer context is not an object");
    response.context = context->get_object();
  }
  if (simple_responses) {
    const json::value* is_authorized = obj.if_contains("isAuthorized");
    if (is_authorized == nullptr || !is_authorized->is_bool()) {
      return BadResponse("simple authorizer response needs a boolean isAuthorized");
    }
    response.is_authorized = is_authorized->get_bool();
    return response;
  }
  if (const json::value* principal = obj.if_contains("principalId"); principal != nullptr) {
    if (principal->is_string()) {
      response.principal_id = std::string(principal->get_string());
    } else if (!principal->is_null()) {
      return BadResponse("authorizer principalId is not a string");
    }
  }
  const json::value* policy = obj.if_contains("policyDocument");
  if (policy == nullptr || !policy->is_object()) {
    return BadResponse("authorizer response has no policyDocument object");
  }
  KUMO_RETURN_IF_ERROR(ParseStatements(policy->get_object()).status());
  response.policy_document = policy->get_object();
  return response;
}

// ---- the authorizer ----------------------------------------------------------

// Answers by (scope, authorizer id, identity values), least recently used
// evicted first once full. Entries expire by the clock's monotonic time.
struct LambdaAuthorizer::Cache {
  using Answer = std::shared_ptr<const AuthorizerResponse>;
  struct Entry {
    Answer answer;
    int64_t expires_at;                    // monotonic ns
    std::list<std::string>::iterator lru;  // position in `order`
  };

  Cache(const Clock& c, size_t max) : clock(c), max_entries(max) {}

  Answer Lookup(const std::string& key) {
    std::lock_guard lock(mu);
    auto it = entries.find(key);
    if (it == entries.end()) return nullptr;
    if (clock.MonotonicNanos() >= it->second.expires_at) {
      order.erase(it->second.lru);
      entries.erase(it);
      return nullptr;
    }
    order.splice(order.begin(), order, it->second.lru);
    return it->second.answer;
  }

  void Insert(const std::string& key, Answer answer, int64_t ttl_seconds) {
    if (max_entries == 0) return;
    int64_t expires_at = clock.MonotonicNanos() + ttl_seconds * 1000000000;
    std::lock_guard lock(mu);
    auto it = entries.find(key);
    if (it != entries.end()) {
      order.erase(it->second.lru);
      entries.erase(it);
    }
    while (entries.size() >= max_entries) {
      entries.erase(order.back());
      order.pop_back();
    }
    order.push_front(key);
    entries.emplace(key, Entry{std::move(answer), expires_at, order.begin()});
  }

  const Clock& clock;
  const size_t max_entries;
  mutable std::mutex mu;
  std::list<std::string> order;                    // most recent first; guarded by mu
  std::unordered_map<std::string, Entry> entries;  // guarded by mu
};

namespace {

// Length-prefixed parts, so no two value lists share a key.
std::string CacheKey(const LambdaAuthorizerConfig& config, const std::vector<std::string>& values) {
  std::string key = std::to_string(config.cache_scope.size()) + ":" + config.cache_scope +
                    std::to_string(config.authorizer_id.size()) + ":" + config.authorizer_id;
  for (const std::string& v : values) key += std::to_string(v.size()) + ":" + v;
  return key;
}

AuthOutcome<LambdaAuthorization> Decide(const AuthorizerResponse& response,
                                        std::string_view route_arn, bool from_cache) {
  if (response.simple) {
    if (!response.is_authorized) return AuthFailure::Forbidden("isAuthorized is false");
  } else {
    Result<bool> allowed = PolicyAllows(response.policy_document, route_arn);
    if (!allowed.ok()) return AuthFailure::InternalError(allowed.error().message);
    if (!allowed.value()) return AuthFailure::Forbidden("the policy does not allow the route");
  }
  return LambdaAuthorization{response.context, response.principal_id, from_cache};
}

}  // namespace

LambdaAuthorizer::LambdaAuthorizer(const Clock& clock, size_t max_cache_entries)
    : cache_(std::make_shared<Cache>(clock, max_cache_entries)) {}

LambdaAuthorizer::~LambdaAuthorizer() = default;

void LambdaAuthorizer::Authorize(const LambdaAuthorizerConfig& config, const std::string& route_arn,
                                 const std::vector<std::string>& identity_values,
                                 const std::function<json::object()>& proxy_event,
                                 const AuthorizerInvoker& invoke,
                                 LambdaAuthorizationCallback done) {
  bool v2 = config.payload_format_version == "2.0";
  bool simple = v2 && config.enable_simple_responses;
  bool cacheable = config.result_ttl_seconds > 0 && !config.identity_sources.empty();
  std::string key;
  if (cacheable) {
    key = CacheKey(config, identity_values);
    if (Cache::Answer hit = cache_->Lookup(key); hit != nullptr && hit->simple == simple) {
      return done(Decide(*hit, route_arn, true));
    }
  }
  json::object base = proxy_event();
  json::object event = v2 ? BuildAuthorizerEventV2(base, route_arn, identity_values)
                          : BuildAuthorizerEventV1(base, route_arn, identity_values);
  auto on_answer = [cache = cache_, key = std::move(key), cacheable, simple, route_arn,
                    ttl = config.result_ttl_seconds,
                    done = std::move(done)](Result<AuthorizerInvokeResult> result) {
    if (!result.ok()) {
      return done(
          AuthFailure::InternalError("authorizer invoke failed: " + result.error().message));
    }
    if (!result->function_error.empty()) {
      return done(
          AuthFailure::InternalError("authorizer function error: " + result->function_error));
    }
    if (result->status_code < 200 || result->status_code > 299) {
      return done(AuthFailure::InternalError("authorizer invoke answered " +
                                             std::to_string(result->status_code)));
    }
    Result<AuthorizerResponse> parsed = ParseAuthorizerResponse(result->payload, simple);
    if (!parsed.ok()) return done(AuthFailure::InternalError(parsed.error().message));
    auto answer = std::make_shared<const AuthorizerResponse>(std::move(parsed).value());
    if (cacheable) cache->Insert(key, answer, ttl);
    done(Decide(*answer, route_arn, false));
  };
  invoke(json::serialize(event), std::move(on_answer));
}

size_t LambdaAuthorizer::cached_entries() const {
  std::lock_guard lock(cache_->mu);
  return cache_->entries.size();
}

}  // namespace kumo::apis

#include "apis/parameter_mapping.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "common/json.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

Error BadMapping(std::string message) {
  return Error{400, "BadRequestException", std::move(message)};
}

enum class Action { kAppend, kOverwrite, kRemove };
enum class Target { kHeader, kQueryString, kPath, kStatusCode };

struct MappingKey {
  Action action = Action::kOverwrite;
  Target target = Target::kHeader;
  std::string_view name;  // the header or parameter; empty for path and statuscode
};

// "append:header.x-a" and its kind, or nullopt when malformed.
std::optional<MappingKey> ParseKey(std::string_view key) {
  const size_t colon = key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::string_view action = key.substr(0, colon);
  const std::string_view rest = key.substr(colon + 1);
  MappingKey k;
  if (action == "append") {
    k.action = Action::kAppend;
  } else if (action == "overwrite") {
    k.action = Action::kOverwrite;
  } else if (action == "remove") {
    k.action = Action::kRemove;
  } else {
    return std::nullopt;
  }
  if (EqualsIgnoreCase(rest, "path") || EqualsIgnoreCase(rest, "statuscode")) {
    if (k.action != Action::kOverwrite) return std::nullopt;
    k.target = EqualsIgnoreCase(rest, "path") ? Target::kPath : Target::kStatusCode;
    return k;
  }
  for (auto [prefix, target] : {std::pair{std::string_view("header."), Target::kHeader},
                                std::pair{std::string_view("querystring."), Target::kQueryString}}) {
    if (rest.size() > prefix.size() && rest.substr(0, prefix.size()) == prefix) {
      k.target = target;
      k.name = rest.substr(prefix.size());
      return k;
    }
  }
  return std::nullopt;
}

// Headers no mapping may set or remove (AWS's reserved headers).
bool IsReservedHeader(std::string_view name) {
  for (std::string_view prefix : {"access-control-", "apigw-", "x-amz-", "x-amzn-"}) {
    if (StartsWithIgnoreCase(name, prefix)) return true;
  }
  for (std::string_view reserved :
       {"authorization", "connection", "content-encoding", "content-length", "content-location",
        "forwarded", "keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te",
        "trailers", "transfer-encoding", "upgrade", "x-forwarded-for", "x-forwarded-host",
        "x-forwarded-proto", "via"}) {
    if (EqualsIgnoreCase(name, reserved)) return true;
  }
  return false;
}

// Calls `part(text, is_expression)` for each static run and each expression
// (without its '$' and braces) of a mapping value. False when a brace is
// left open.
template <typename Part>
bool ForEachPart(std::string_view value, Part&& part) {
  if (value.find("${") == std::string_view::npos) {
    const bool expression = value.size() > 1 && value[0] == '$';
    part(expression ? value.substr(1) : value, expression);
    return true;
  }
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t open = value.find("${", pos);
    if (open == std::string_view::npos) {
      part(value.substr(pos), false);
      break;
    }
    if (open > pos) part(value.substr(pos, open - pos), false);
    const size_t close = value.find('}', open);
    if (close == std::string_view::npos) return false;
    part(value.substr(open + 2, close - open - 2), true);
    pos = close + 1;
  }
  return true;
}

// A JSON path after "request.body" or "response.body": ".a.b[0]" walks
// members and elements; recursive descent and filters are not JSON paths
// HTTP APIs take.
bool IsJsonPath(std::string_view path) {
  if (path.find("..") != std::string_view::npos || path.find('?') != std::string_view::npos ||
      path.find('*') != std::string_view::npos) {
    return false;
  }
  return path.empty() || path[0] == '.' || path[0] == '[';
}

enum class Source {
  kContext,
  kStageVariable,
  kRequestHeader,
  kRequestQueryString,
  kRequestBody,
  kRequestPath,
  kRequestPathParameter,
  kResponseHeader,
  kResponseBody,
};

// One expression of a value: its source and what follows the source's
// name (a header, parameter or variable name, or a JSON path).
struct Expression {
  Source source;
  std::string_view argument;
};

// `text` (an expression without '$' and braces) parsed; nullopt when it
// names nothing a mapping reads.
std::optional<Expression> ParseExpression(std::string_view text) {
  enum class Argument { kName, kNone, kJsonPath };
  struct Form {
    std::string_view prefix;
    Source source;
    Argument argument;
  };
  static constexpr Form kForms[] = {
      {"context.", Source::kContext, Argument::kName},
      {"stageVariables.", Source::kStageVariable, Argument::kName},
      {"request.header.", Source::kRequestHeader, Argument::kName},
      {"request.querystring.", Source::kRequestQueryString, Argument::kName},
      {"request.body", Source::kRequestBody, Argument::kJsonPath},
      {"request.path.", Source::kRequestPathParameter, Argument::kName},
      {"request.path", Source::kRequestPath, Argument::kNone},
      {"response.header.", Source::kResponseHeader, Argument::kName},
      {"response.body", Source::kResponseBody, Argument::kJsonPath},
  };
  for (const Form& form : kForms) {
    if (!text.starts_with(form.prefix)) continue;
    const std::string_view argument = text.substr(form.prefix.size());
    const bool fits = form.argument == Argument::kName   ? !argument.empty()
                      : form.argument == Argument::kNone ? argument.empty()
                                                         : IsJsonPath(argument);
    if (!fits) return std::nullopt;
    return Expression{form.source, argument};
  }
  return std::nullopt;
}

// Whether a request mapping (or a response mapping) may read `source`.
bool ReadableBy(Source source, bool response) {
  switch (source) {
    case Source::kContext:
    case Source::kStageVariable:
      return true;
    case Source::kResponseHeader:
    case Source::kResponseBody:
      return response;
    default:
      return !response;
  }
}

Status ValidateValue(std::string_view key, std::string_view value, bool response) {
  bool ok = true;
  const bool closed = ForEachPart(value, [&](std::string_view text, bool expression) {
    if (!expression) return;
    std::optional<Expression> parsed = ParseExpression(text);
    if (!parsed || !ReadableBy(parsed->source, response)) ok = false;
  });
  if (!closed || !ok) {
    return BadMapping("Invalid mapping expression specified: '" + std::string(value) +
                      "' for '" + std::string(key) + "'");
  }
  return Status::Ok();
}

Status ValidateKey(std::string_view key, const std::optional<MappingKey>& k, bool response) {
  const bool fits = k && (response ? k->target == Target::kHeader || k->target == Target::kStatusCode
                                   : k->target != Target::kStatusCode);
  if (!fits) {
    return BadMapping("Invalid mapping key specified: '" + std::string(key) + "'. Use " +
                      (response ? "append|overwrite|remove:header.{name} or overwrite:statuscode"
                                : "append|overwrite|remove:header.{name}, "
                                  "append|overwrite|remove:querystring.{name} or overwrite:path"));
  }
  if (k->target == Target::kHeader && IsReservedHeader(k->name)) {
    return BadMapping("Invalid mapping key specified: '" + std::string(key) + "'. The header '" +
                      std::string(k->name) + "' is reserved and cannot be mapped");
  }
  return Status::Ok();
}

// `text` as a whole number from `low` to `high`, else nullopt.
std::optional<int> WholeInt(std::string_view text, int low, int high) {
  int n = 0;
  auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (err != std::errc() || ptr != text.data() + text.size() || n < low || n > high) {
    return std::nullopt;
  }
  return n;
}

// What a JSON path finds in `root` (a parsed body; null when the body is
// not JSON): strings as they are, other values as JSON; empty when the path
// finds nothing.
std::string SelectJson(const json::value* root, std::string_view path) {
  const json::value* at = root;
  size_t pos = 0;
  while (pos < path.size() && at != nullptr) {
    if (path[pos] == '.') {
      size_t end = path.find_first_of(".[", pos + 1);
      if (end == std::string_view::npos) end = path.size();
      const json::object* o = at->if_object();
      at = o != nullptr ? o->if_contains(path.substr(pos + 1, end - pos - 1)) : nullptr;
      pos = end;
    } else if (path[pos] == '[') {
      const size_t end = path.find(']', pos);
      if (end == std::string_view::npos) return {};
      std::string_view inside = path.substr(pos + 1, end - pos - 1);
      const json::array* a = at->if_array();
      size_t index = 0;
      auto [ptr, err] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
      at = a != nullptr && err == std::errc() && ptr == inside.data() + inside.size() && index < a->size()
               ? &(*a)[index]
               : nullptr;
      pos = end + 1;
    } else {
      return {};
    }
  }
  return at != nullptr ? JsonText(*at) : std::string();
}

// Several values of one name, comma-joined.
template <typename Values>
std::string JoinValues(const Values& values) {
  std::string out;
  for (std::string_view v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

// Evaluates mapping values against `sources`, parsing the request's and the
// response's body (for $request.body / $response.body paths) at most once.
class Evaluator {
 public:
  explicit Evaluator(const MappingSources& sources) : s_(sources) {}

  std::string Value(std::string_view value) {
    std::string out;
    ForEachPart(value, [&](std::string_view text, bool expression) {
      if (expression) {
        out += Evaluate(text);
      } else {
        out += text;
      }
    });
    return out;
  }

 private:
  // A body's JSON, parsed on first use; null when it is not JSON.
  struct ParsedBody {
    bool parsed = false;
    std::optional<json::value> value;
  };

  std::string Select(const std::string& body, ParsedBody& parsed, std::string_view path) {
    if (path.empty()) return body;
    if (!parsed.parsed) {
      parsed.parsed = true;
      boost::system::error_code ec;
      json::value root = json::parse(body, ec);
      if (!ec) parsed.value = std::move(root);
    }
    return parsed.value ? SelectJson(&*parsed.value, path) : std::string();
  }

  std::string Evaluate(std::string_view text);

  const MappingSources& s_;
  ParsedBody request_body_;
  ParsedBody response_body_;
};

std::string Evaluator::Evaluate(std::string_view text) {
  const std::optional<Expression> e = ParseExpression(text);
  if (!e) return {};
  const MappingSources& s = s_;
  const std::string_view name = e->argument;
  const edge::Request* request = s.request;
  const edge::Response* response = s.response;
  switch (e->source) {
    case Source::kContext:
      return s.context ? s.context(name).value_or("") : std::string();
    case Source::kStageVariable: {
      if (s.stage_variables == nullptr) return {};
      auto it = s.stage_variables->find(std::string(name));
      return it != s.stage_variables->end() ? it->second : std::string();
    }
    case Source::kRequestHeader:
      return request ? JoinValues(request->headers.GetAll(name)) : std::string();
    case Source::kRequestQueryString: {
      if (request == nullptr) return {};
      std::vector<std::string_view> values;
      for (const auto& [n, v] : request->query) {
        if (n == name) values.push_back(v);
      }
      return JoinValues(values);
    }
    case Source::kRequestBody:
      return request ? Select(request->body, request_body_, name) : std::string();
    case Source::kRequestPath:
      return request ? std::string(s.route_path) : std::string();
    case Source::kRequestPathParameter:
      if (request == nullptr || s.path_parameters == nullptr) return {};
      for (const auto& [n, v] : *s.path_parameters) {
        if (n == name) return v;
      }
      return {};
    case Source::kResponseHeader:
      return response ? JoinValues(response->headers.GetAll(name)) : std::string();
    case Source::kResponseBody:
      return response ? Select(response->body, response_body_, name) : std::string();
  }
  return {};
}

// The query string of `query`, percent-encoded.
std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += edge::PercentEncode(name, false);
    out += '=';
    out += edge::PercentEncode(value, false);
  }
  return out;
}

// One mapping to apply: its key and its value as evaluated beforehand.
struct Evaluated {
  MappingKey key;
  std::string value;
};

std::vector<Evaluated> EvaluateAll(const std::map<std::string, std::string>& parameters,
                                   const MappingSources& sources) {
  std::vector<Evaluated> out;
  out.reserve(parameters.size());
  Evaluator evaluator(sources);
  for (const auto& [key, value] : parameters) {
    std::optional<MappingKey> k = ParseKey(key);
    if (!k) continue;  // refused when the integration was saved
    out.push_back({*k, k->action == Action::kRemove ? std::string() : evaluator.Value(value)});
  }
  return out;
}

void ApplyToHeaders(const Evaluated& m, edge::Headers& headers) {
  if (m.key.action == Action::kRemove) return headers.Remove(m.key.name);
  if (m.value.empty()) return;
  if (m.key.action == Action::kOverwrite) return headers.Set(m.key.name, m.value);
  headers.Add(std::string(m.key.name), m.value);
}

}  // namespace

Status ValidateRequestParameters(const RequestParameters& parameters) {
  for (const auto& [key, value] : parameters) {
    KUMO_RETURN_IF_ERROR(ValidateKey(key, ParseKey(key), false));
    if (!key.starts_with("remove:")) KUMO_RETURN_IF_ERROR(ValidateValue(key, value, false));
  }
  return Status::Ok();
}

Status ValidateResponseParameters(const ResponseParameters& parameters) {
  for (const auto& [selection, mappings] : parameters) {
    if (!WholeInt(selection, 200, 599)) {
      return BadMapping("Invalid response parameters selection key '" + selection +
                        "': it must be an HTTP status code from 200 to 599");
    }
    for (const auto& [key, value] : mappings) {
      std::optional<MappingKey> k = ParseKey(key);
      KUMO_RETURN_IF_ERROR(ValidateKey(key, k, true));
      if (!key.starts_with("remove:")) KUMO_RETURN_IF_ERROR(ValidateValue(key, value, true));
      if (k->target == Target::kStatusCode && value.find('$') == std::string::npos) {
        if (!WholeInt(value, 100, 599)) {
          return BadMapping("Invalid status code '" + value + "' for '" + key +
                            "': it must be from 100 to 599");
        }
      }
    }
  }
  return Status::Ok();
}

std::string EvaluateMappingValue(std::string_view value, const MappingSources& sources) {
  return Evaluator(sources).Value(value);
}

bool ApplyRequestParameters(const RequestParameters& parameters, const MappingSources& sources,
                            edge::Request& request) {
  bool query_changed = false;
  bool path_changed = false;
  for (const Evaluated& m : EvaluateAll(parameters, sources)) {
    switch (m.key.target) {
      case Target::kHeader:
        ApplyToHeaders(m, request.headers);
        break;
      case Target::kQueryString: {
        if (m.key.action != Action::kRemove && m.value.empty()) break;
        query_changed = true;
        auto& query = request.query;
        auto named = [&](const auto& kv) { return kv.first == m.key.name; };
        if (m.key.action == Action::kRemove) {
          std::erase_if(query, named);
          break;
        }
        auto first = m.key.action == Action::kOverwrite ? std::find_if(query.begin(), query.end(), named)
                                                        : query.end();
        if (first == query.end()) {
          query.emplace_back(std::string(m.key.name), m.value);
          break;
        }
        // Overwrite keeps the parameter where it first was.
        first->second = m.value;
        query.erase(std::remove_if(std::next(first), query.end(), named), query.end());
        break;
      }
      case Target::kPath: {
        if (m.value.empty()) break;
        request.raw_path = m.value.front() == '/' ? m.value : "/" + m.value;
        request.path = edge::PercentDecode(request.raw_path, false).value_or(request.raw_path);
        path_changed = true;
        break;
      }
      case Target::kStatusCode:
        break;
    }
  }
  if (query_changed) request.raw_query = EncodeQuery(request.query);
  return path_changed;
}

void ApplyResponseParameters(const ResponseParameters& parameters, const MappingSources& sources,
                             edge::Response& response) {
  auto selected = parameters.find(std::to_string(response.status));
  if (selected == parameters.end()) return;
  for (const Evaluated& m : EvaluateAll(selected->second, sources)) {
    if (m.key.target == Target::kHeader) {
      ApplyToHeaders(m, response.headers);
    } else if (m.key.target == Target::kStatusCode) {
      if (std::optional<int> code = WholeInt(m.value, 100, 599)) response.status = *code;
    }
  }
}

}  // namespace kumo::apis

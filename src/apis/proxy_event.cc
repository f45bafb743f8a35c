#include "apis/proxy_event.h"

#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <ctime>

#include "common/encoding.h"
#include "common/json_text.h"
#include "common/utf8.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

// The body member and isBase64Encoded, by the Content-Type rule.
std::pair<std::string, bool> EncodeBody(const edge::Request& request) {
  std::string_view content_type = request.headers.Get("content-type").value_or("");
  if (IsTextContentType(content_type) && IsValidUtf8(request.body)) return {request.body, false};
  return {Base64Encode(request.body), true};
}

std::string_view DomainPrefix(std::string_view domain_name) {
  return domain_name.substr(0, domain_name.find('.'));
}

// A header that API Gateway adds, in the casing of each payload format.
struct AddedHeader {
  std::string_view v2_name;
  std::string_view v1_name;
  std::string_view value;
};

// The headers API Gateway adds to `request`: views into `input` and into its
// own values, so it is neither copied nor moved. Content-Length is always
// there, "0" without a body (as captured events show, for a curl GET too):
// the body arrives whole, so a client's Transfer-Encoding is not passed on.
class AddedHeaders {
 public:
  AddedHeaders(const edge::Request& request, const ProxyEventInput& input)
      : content_length_(std::to_string(request.body.size())),
        forwarded_for_(SourceIp(request.remote_address)) {
    if (auto prior = request.headers.Get("x-forwarded-for"); prior && !prior->empty()) {
      forwarded_for_ = std::string(*prior) + ", " + forwarded_for_;
    }
    Add("content-length", "Content-Length", content_length_);
    Add("x-forwarded-for", "X-Forwarded-For", forwarded_for_);
    Add("x-forwarded-port", "X-Forwarded-Port", input.forwarded_port);
    Add("x-forwarded-proto", "X-Forwarded-Proto", input.forwarded_proto);
    Add("x-amzn-trace-id", "X-Amzn-Trace-Id", input.trace_id);
  }
  AddedHeaders(const AddedHeaders&) = delete;
  AddedHeaders& operator=(const AddedHeaders&) = delete;

  const AddedHeader* begin() const { return items_.data(); }
  const AddedHeader* end() const { return items_.data() + count_; }

  // True if the client's `name` is not passed on: the gateway sets it
  // itself, or it is Transfer-Encoding.
  bool Has(std::string_view name) const {
    for (const AddedHeader& h : *this) {
      if (EqualsIgnoreCase(name, h.v2_name)) return true;
    }
    return EqualsIgnoreCase(name, "transfer-encoding");
  }

 private:
  // An empty value: the header is not added.
  void Add(std::string_view v2_name, std::string_view v1_name, std::string_view value) {
    if (!value.empty()) items_[count_++] = {v2_name, v1_name, value};
  }

  std::string content_length_;
  std::string forwarded_for_;
  std::array<AddedHeader, 5> items_{};
  size_t count_ = 0;
};

bool IsCookieHeader(std::string_view name) { return EqualsIgnoreCase(name, "cookie"); }

json::object StringMap(const std::vector<std::pair<std::string, std::string>>& pairs,
                       const json::storage_ptr& sp) {
  json::object out(sp);
  for (const auto& [k, v] : pairs) out[k] = v;
  return out;
}

json::object StringMap(const std::map<std::string, std::string>& map, const json::storage_ptr& sp) {
  json::object out(sp);
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

// JSON text writing for the 2.0 event (written directly: building a tree to
// serialize it cost more than the rest of the gateway's work).
using Members = std::vector<std::pair<std::string, std::string>>;

// `"key":`, after a comma unless it opens its object. For the keys this file
// names, which have nothing to escape.
void Key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  out += '"';
  out.append(key);
  out.append("\":", 2);
}

// The same for a key that comes from the request or the API: escaped.
void EscapedKey(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  AppendJsonString(key, out);
  out += ':';
}

// EscapedKey with the key lower-cased (ASCII; an escape's hex digits are
// already lower-case, and the comma and colon have no case).
void LowerKey(std::string& out, std::string_view key) {
  size_t from = out.size();
  EscapedKey(out, key);
  for (size_t i = from; i < out.size(); ++i) out[i] = AsciiLower(out[i]);
}

// A member whose key this file names.
void StringMember(std::string& out, std::string_view key, std::string_view value) {
  Key(out, key);
  AppendJsonString(value, out);
}

// `text` (fixed JSON text: a comma, a key and its colon), then `value` as a
// JSON string.
void Then(std::string& out, std::string_view text, std::string_view value) {
  out.append(text);
  AppendJsonString(value, out);
}

// A member whose key comes from the request or the API.
void EscapedMember(std::string& out, std::string_view key, std::string_view value) {
  EscapedKey(out, key);
  AppendJsonString(value, out);
}

// Adds `name`, or appends ",value" to it when present: how 2.0 folds
// repeated headers and query parameters.
void Fold(Members& members, std::string name, std::string_view value) {
  for (auto& [n, v] : members) {
    if (n == name) {
      v.append(",").append(value);
      return;
    }
  }
  members.emplace_back(std::move(name), std::string(value));
}

// Adds `name`, or replaces its value when present (the last one wins).
void Assign(Members& members, const std::string& name, const std::string& value) {
  for (auto& [n, v] : members) {
    if (n == name) {
      v = value;
      return;
    }
  }
  members.emplace_back(name, value);
}

void AppendMembers(const Members& members, std::string& out) {
  out += '{';
  for (const auto& [name, value] : members) EscapedMember(out, name, value);
  out += '}';
}

// Splits "a=1; b=2" into cookies.
void SplitCookies(std::string_view header, std::vector<std::string_view>& out) {
  while (!header.empty()) {
    size_t sep = header.find("; ");
    std::string_view cookie = header.substr(0, sep);
    if (!cookie.empty()) out.push_back(cookie);
    if (sep == std::string_view::npos) break;
    header.remove_prefix(sep + 2);
  }
}

// The requestContext members both formats open with.
json::object ContextHead(const ProxyEventInput& input, const json::storage_ptr& sp) {
  json::object context(16, sp);  // room for either format's members: no rehash
  context["accountId"] = input.account_id;
  context["apiId"] = input.api_id;
  if (input.authorizer) context["authorizer"] = *input.authorizer;
  context["domainName"] = input.domain_name;
  context["domainPrefix"] = DomainPrefix(input.domain_name);
  return context;
}

// The path part of a route key: "/pets/{id}" for "GET /pets/{id}".
std::string ResourcePath(std::string_view route_key) {
  size_t space = route_key.find(' ');
  return std::string(space == std::string_view::npos ? route_key : route_key.substr(space + 1));
}

}  // namespace

std::optional<PayloadFormat> ParsePayloadFormat(std::string_view version) {
  if (version == "1.0") return PayloadFormat::kV1;
  if (version == "2.0") return PayloadFormat::kV2;
  return std::nullopt;
}

bool IsTextContentType(std::string_view content_type) {
  std::string type = AsciiLower(content_type.substr(0, content_type.find(';')));
  size_t begin = type.find_first_not_of(" \t");
  size_t end = type.find_last_not_of(" \t");
  if (begin == std::string::npos) return false;
  std::string_view t = std::string_view(type).substr(begin, end - begin + 1);
  return t.starts_with("text/") || t == "application/json" || t == "application/xml" ||
         t == "application/javascript";
}

std::string FormatRequestTime(int64_t epoch_millis) {
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t secs = static_cast<std::time_t>(epoch_millis / 1000);
  // Every request within a second has the same text: format it once.
  thread_local std::time_t cached_secs = -1;
  thread_local std::string cached;
  if (secs == cached_secs) return cached;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[static_cast<size_t>(tm.tm_mon) % 12], tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  cached_secs = secs;
  cached = buf;
  return cached;
}

std::string SourceIp(std::string_view remote_address) {
  if (remote_address.starts_with('[')) {
    size_t end = remote_address.find(']');
    return std::string(remote_address.substr(1, end == std::string_view::npos ? end : end - 1));
  }
  size_t colon = remote_address.find(':');
  // One colon: "ip:port". None: a bare IPv4. More: a bare IPv6 address.
  if (colon != std::string_view::npos &&
      remote_address.find(':', colon + 1) == std::string_view::npos) {
    return std::string(remote_address.substr(0, colon));
  }
  return std::string(remote_address);
}

std::string EventPath(std::string_view raw_path) {
  return edge::PercentDecode(raw_path, false).value_or(std::string(raw_path));
}

std::string NewApiRequestId() {
  // API Gateway's ids are base64 in the URL-safe alphabet ("LV7fzho-PHcEJPw=").
  std::string id = Base64Encode(FastRandomBytes(11));
  std::replace(id.begin(), id.end(), '+', '-');
  std::replace(id.begin(), id.end(), '/', '_');
  return id;
}

namespace {

// A generous guess at the 2.0 event's length, so its text is allocated once.
size_t EventV2SizeHint(const edge::Request& request, const ProxyEventInput& input) {
  size_t n = 640 + 2 * (request.raw_path.size() + request.raw_query.size() +
                        input.route_key.size()) +
             3 * input.domain_name.size() + input.trace_id.size() + input.request_id.size() +
             request.body.size() * 4 / 3;
  for (const auto& [name, value] : request.headers.fields()) n += name.size() + value.size() + 6;
  return n;
}

}  // namespace

std::string ProxyEventV2Text(const edge::Request& request, const ProxyEventInput& input) {
  const auto& fields = request.headers.fields();
  AddedHeaders added(request, input);
  std::vector<std::string_view> cookies;
  for (const auto& [name, value] : fields) {
    if (IsCookieHeader(name)) SplitCookies(value, cookies);
  }

  const std::string path = EventPath(request.raw_path);
  std::string out;
  out.reserve(EventV2SizeHint(request, input));
  // The members every event has are written as fixed text: comma, key, value.
  out += R"({"version":"2.0")";
  Then(out, R"(,"routeKey":)", input.route_key);
  Then(out, R"(,"rawPath":)", path);
  Then(out, R"(,"rawQueryString":)", request.raw_query);
  if (!cookies.empty()) {
    Key(out, "cookies");
    out += '[';
    for (size_t i = 0; i < cookies.size(); ++i) {
      if (i > 0) out += ',';
      AppendJsonString(cookies[i], out);
    }
    out += ']';
  }
  // Under the first spelling of each name, lower-cased, all its values
  // joined with ",".
  out += R"(,"headers":{)";
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string_view name = fields[i].first;
    if (IsCookieHeader(name) || added.Has(name)) continue;
    bool repeat = false;
    for (size_t j = 0; j < i && !repeat; ++j) repeat = EqualsIgnoreCase(fields[j].first, name);
    if (repeat) continue;
    LowerKey(out, name);
    out += '"';
    AppendJsonEscaped(fields[i].second, out);
    for (size_t j = i + 1; j < fields.size(); ++j) {
      if (!EqualsIgnoreCase(fields[j].first, name)) continue;
      out += ',';
      AppendJsonEscaped(fields[j].second, out);
    }
    out += '"';
  }
  for (const AddedHeader& h : added) StringMember(out, h.v2_name, h.value);
  out += '}';
  if (!request.query.empty()) {
    Members query;
    for (const auto& [k, v] : request.query) Fold(query, k, v);
    Key(out, "queryStringParameters");
    AppendMembers(query, out);
  }

  Then(out, R"(,"requestContext":{"accountId":)", input.account_id);
  Then(out, R"(,"apiId":)", input.api_id);
  if (input.authorizer) {
    Key(out, "authorizer");
    out += json::serialize(*input.authorizer);
  }
  Then(out, R"(,"domainName":)", input.domain_name);
  Then(out, R"(,"domainPrefix":)", DomainPrefix(input.domain_name));
  Then(out, R"(,"http":{"method":)", request.method);
  Then(out, R"(,"path":)", path);
  Then(out, R"(,"protocol":"HTTP/1.1","sourceIp":)", SourceIp(request.remote_address));
  Then(out, R"(,"userAgent":)", request.headers.Get("user-agent").value_or(""));
  Then(out, R"(},"requestId":)", input.request_id);
  Then(out, R"(,"routeKey":)", input.route_key);
  Then(out, R"(,"stage":)", input.stage);
  Then(out, R"(,"time":)", FormatRequestTime(input.time_ms));
  out += R"(,"timeEpoch":)";
  out += std::to_string(input.time_ms);
  out += '}';

  bool base64 = false;
  if (!request.body.empty()) {
    auto [body, encoded] = EncodeBody(request);
    StringMember(out, "body", body);
    base64 = encoded;
  }
  if (!input.path_parameters.empty()) {
    Members params;
    for (const auto& [k, v] : input.path_parameters) Assign(params, k, v);
    Key(out, "pathParameters");
    AppendMembers(params, out);
  }
  Key(out, "isBase64Encoded");
  out += base64 ? "true" : "false";
  if (!input.stage_variables.empty()) {
    Key(out, "stageVariables");
    out += '{';
    for (const auto& [k, v] : input.stage_variables) EscapedMember(out, k, v);
    out += '}';
  }
  out += '}';
  return out;
}

json::object BuildProxyEventV2(const edge::Request& request, const ProxyEventInput& input,
                               json::storage_ptr sp) {
  json::parse_options options;
  options.max_depth = 1000;  // an authorizer's context may nest deeper than Boost's default
  return json::parse(ProxyEventV2Text(request, input), std::move(sp), options).as_object();
}

json::object BuildProxyEventV1(const edge::Request& request, const ProxyEventInput& input,
                               json::storage_ptr sp) {
  AddedHeaders added(request, input);
  // Grouped case-insensitively under the first spelling, in arrival order.
  std::vector<std::pair<std::string, std::vector<std::string>>> grouped;
  auto add = [&grouped](std::string_view name, std::string value) {
    for (auto& [n, values] : grouped) {
      if (EqualsIgnoreCase(n, name)) {
        values.push_back(std::move(value));
        return;
      }
    }
    grouped.push_back({std::string(name), {std::move(value)}});
  };
  for (const auto& [name, value] : request.headers.fields()) {
    if (!added.Has(name)) add(name, value);
  }
  for (const AddedHeader& h : added) add(h.v1_name, std::string(h.value));

  json::object headers(sp);
  json::object multi_headers(sp);
  for (const auto& [name, values] : grouped) {
    headers[name] = values.back();
    json::array all(sp);
    for (const std::string& v : values) all.emplace_back(v);
    multi_headers[name] = std::move(all);
  }

  json::value query(nullptr, sp);
  json::value multi_query(nullptr, sp);
  if (!request.query.empty()) {
    json::object single(sp);
    json::object multi(sp);
    for (const auto& [k, v] : request.query) {
      single[k] = v;  // the last value wins
      json::value& all = multi[k];
      if (!all.is_array()) all.emplace_array();
      all.as_array().emplace_back(v);
    }
    query = std::move(single);
    multi_query = std::move(multi);
  }

  std::string path = EventPath(request.raw_path);
  std::string resource = ResourcePath(input.route_key);

  json::object identity(sp);
  for (const char* member : {"accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
                             "cognitoAuthenticationType", "cognitoIdentityId",
                             "cognitoIdentityPoolId", "principalOrgId"}) {
    identity[member] = nullptr;
  }
  identity["sourceIp"] = SourceIp(request.remote_address);
  identity["user"] = nullptr;
  identity["userAgent"] = request.headers.Get("user-agent").value_or("");
  identity["userArn"] = nullptr;

  json::object context = ContextHead(input, sp);
  // Without an authorizer, 1.0 still has one, empty in JWT's shape (2.0
  // leaves the member out).
  if (!input.authorizer) {
    context["authorizer"] = json::object{{"claims", nullptr}, {"scopes", nullptr}};
  }
  context["extendedRequestId"] = input.request_id;
  context["httpMethod"] = request.method;
  context["identity"] = std::move(identity);
  context["path"] = path;
  context["protocol"] = "HTTP/1.1";
  context["requestId"] = input.request_id;
  context["requestTime"] = FormatRequestTime(input.time_ms);
  context["requestTimeEpoch"] = input.time_ms;
  context["resourceId"] = nullptr;
  context["resourcePath"] = resource;
  context["stage"] = input.stage;

  json::object event(sp);
  event["version"] = "1.0";
  event["resource"] = std::move(resource);
  event["path"] = std::move(path);
  event["httpMethod"] = request.method;
  event["headers"] = std::move(headers);
  event["multiValueHeaders"] = std::move(multi_headers);
  event["queryStringParameters"] = std::move(query);
  event["multiValueQueryStringParameters"] = std::move(multi_query);
  event["requestContext"] = std::move(context);
  event["pathParameters"] = input.path_parameters.empty()
                                ? json::value(nullptr)
                                : json::value(StringMap(input.path_parameters, sp));
  event["stageVariables"] = input.stage_variables.empty()
                                ? json::value(nullptr)
                                : json::value(StringMap(input.stage_variables, sp));
  bool base64 = false;
  if (request.body.empty()) {
    event["body"] = nullptr;
  } else {
    auto [body, encoded] = EncodeBody(request);
    event["body"] = std::move(body);
    base64 = encoded;
  }
  event["isBase64Encoded"] = base64;
  return event;
}

std::string BuildProxyEvent(PayloadFormat format, const edge::Request& request,
                            const ProxyEventInput& input) {
  if (format == PayloadFormat::kV2) return ProxyEventV2Text(request, input);
  // 1.0 is built as a tree, its nodes from one monotonic buffer (on the
  // stack for a usual request) instead of a malloc each.
  unsigned char buffer[8192];
  json::monotonic_resource resource(buffer, sizeof buffer);
  return json::serialize(BuildProxyEventV1(request, input, json::storage_ptr(&resource)));
}

}  // namespace kumo::apis

#include "edge/router.h"

#include <algorithm>

#include "common/encoding.h"

namespace kumo::edge {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<CredentialScope> ParseCredential(std::string_view credential) {
  // AKID/20150830/us-east-1/service/aws4_request
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = credential.find('/');
    parts.push_back(credential.substr(0, slash));
    if (slash == std::string_view::npos) break;
    credential.remove_prefix(slash + 1);
  }
  if (parts.size() != 5) return std::nullopt;
  return CredentialScope{std::string(parts[0]), std::string(parts[2]), std::string(parts[3])};
}

bool IsFormBody(const Request& request) {
  auto type = request.headers.Get("content-type");
  return type && StartsWith(*type, "application/x-www-form-urlencoded");
}

// Answers for the router itself: adds the request id, meters, forwards.
class MeteredSink : public ResponseSink {
 public:
  MeteredSink(std::shared_ptr<ResponseSink> next, Metrics& metrics, const Clock& clock,
              std::string service, std::string operation, std::string request_id, bool s3_style)
      : next_(std::move(next)),
        metrics_(metrics),
        clock_(clock),
        service_(std::move(service)),
        operation_(std::move(operation)),
        request_id_(std::move(request_id)),
        s3_style_(s3_style),
        start_(clock.MonotonicNanos()) {}

  void Complete(Response response, std::string_view error_code) override {
    if (s3_style_) {
      response.headers.Set("x-amz-request-id", request_id_);
    } else if (!response.headers.Has("x-amzn-RequestId")) {
      response.headers.Set("x-amzn-RequestId", request_id_);
    }
    metrics_.Record(service_, operation_, response.status, std::string(error_code),
                    clock_.MonotonicNanos() - start_);
    next_->Complete(std::move(response), error_code);
  }
  void SetOperation(std::string_view operation) override { operation_ = operation; }

 private:
  std::shared_ptr<ResponseSink> next_;
  Metrics& metrics_;
  const Clock& clock_;
  std::string service_;
  std::string operation_;
  std::string request_id_;
  bool s3_style_;
  int64_t start_;
};

}  // namespace

std::optional<CredentialScope> ReadCredentialScope(const Request& request) {
  if (auto auth = request.headers.Get("authorization")) {
    size_t at = auth->find("Credential=");
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = auth->substr(at + 11);
    rest = rest.substr(0, rest.find_first_of(", "));
    return ParseCredential(rest);
  }
  if (auto credential = request.QueryParam("X-Amz-Credential")) return ParseCredential(*credential);
  return std::nullopt;
}

Router::Router(std::string default_region, const Clock& clock)
    : default_region_(std::move(default_region)), clock_(clock) {}

void Router::Register(ServiceDescriptor service) {
  services_.push_back(std::make_unique<ServiceDescriptor>(std::move(service)));
  const ServiceDescriptor* s = services_.back().get();
  for (const auto& t : s->target_prefixes) by_target_[t] = s;
  for (const auto& n : s->signing_names) by_signing_name_.emplace(n, s);
  for (const auto& v : s->query_versions) by_query_version_[v] = s;
  for (const auto& p : s->path_prefixes) by_path_.emplace_back(p, s);
  for (const auto& h : s->host_suffixes) by_host_.emplace_back(h, s);
  std::stable_sort(by_path_.begin(), by_path_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

void Router::AddInternal(std::string prefix, Handler handler) {
  auto d = std::make_unique<ServiceDescriptor>();
  d->name = "kumo";
  d->protocol = Protocol::kRestJson;
  d->path_prefixes = {std::move(prefix)};
  d->authenticate = false;
  d->handler = std::move(handler);
  internal_.push_back(std::move(d));
}

void Router::SetAuthenticator(Authenticator authenticator) {
  authenticator_ = std::move(authenticator);
}

std::vector<std::string> Router::ServiceNames() const {
  std::vector<std::string> names;
  for (const auto& s : services_) names.push_back(s->name);
  return names;
}

Router::Route Router::Select(const Request& request,
                             const std::optional<CredentialScope>& scope) const {
  if (StartsWith(request.path, "/_kumo/")) {
    for (const auto& d : internal_) {
      if (StartsWith(request.path, d->path_prefixes.front())) return {d.get(), ""};
    }
  }
  if (!by_host_.empty()) {
    std::string host = request.HostName();
    for (const auto& [suffix, s] : by_host_) {
      if (EndsWith(host, suffix)) return {s, ""};
    }
  }
  if (auto target = request.headers.Get("x-amz-target")) {
    size_t dot = target->find('.');
    if (dot != std::string_view::npos) {
      auto it = by_target_.find(std::string(target->substr(0, dot)));
      if (it != by_target_.end()) return {it->second, std::string(target->substr(dot + 1))};
    }
    return {nullptr, std::string(*target)};
  }
  const ServiceDescriptor* chosen = nullptr;
  if (scope) {
    auto range = by_signing_name_.equal_range(scope->service);
    for (auto it = range.first; it != range.second; ++it) {
      // Several services may share a signing name: prefer one whose path matches.
      if (chosen == nullptr) chosen = it->second;
      for (const auto& p : it->second->path_prefixes) {
        if (StartsWith(request.path, p)) chosen = it->second;
      }
    }
  }
  if (chosen == nullptr) {
    for (const auto& [prefix, s] : by_path_) {
      if (StartsWith(request.path, prefix)) {
        chosen = s;
        break;
      }
    }
  }
  if (chosen == nullptr && IsFormBody(request)) {
    for (const auto& [k, v] : ParseQueryString(request.body, true)) {
      if (k == "Version") {
        auto it = by_query_version_.find(v);
        if (it != by_query_version_.end()) chosen = it->second;
      }
    }
  }
  if (chosen != nullptr && chosen->protocol == Protocol::kQuery) {
    // The operation is the Action, in the form body or the query string.
    auto params = IsFormBody(request) ? ParseQueryString(request.body, true) : request.query;
    for (const auto& [k, v] : params) {
      if (k == "Action") return {chosen, v};
    }
  }
  return {chosen, ""};
}

void Router::Handle(Request request, std::shared_ptr<ResponseSink> sink) {
  request.request_id = NewUuid();
  std::optional<CredentialScope> scope = ReadCredentialScope(request);
  request.region = scope && !scope->region.empty() ? scope->region : default_region_;
  if (scope) request.access_key = scope->access_key;

  Route route = Select(request, scope);
  if (route.service == nullptr) {
    // Answer in the shape the client speaks.
    Protocol protocol = Protocol::kRestJson;
    std::string code = "UnknownOperationException";
    std::string message = "No Kumo service handles " + request.method + " " + request.path;
    if (request.headers.Has("x-amz-target")) {
      protocol = Protocol::kJson;
      message = "Unknown operation target '" + route.operation + "'";
    } else if (IsFormBody(request)) {
      protocol = Protocol::kQuery;
      code = "InvalidAction";
      message = "Could not find a service for this query request";
    }
    MeteredSink metered(std::move(sink), metrics_, clock_, "unknown", "", request.request_id, false);
    metered.Complete(SerializeError(protocol, Error{400, code, message}, request.request_id), code);
    return;
  }
  const ServiceDescriptor& service = *route.service;
  auto metered = std::make_shared<MeteredSink>(std::move(sink), metrics_, clock_, service.name,
                                               route.operation, request.request_id,
                                               service.protocol == Protocol::kRestXml);
  if (service.authenticate && authenticator_) {
    Status status = authenticator_(request, service);
    if (!status.ok()) {
      Responder(metered, service.protocol, request.request_id).Fail(status.error());
      return;
    }
  }
  std::string rid = request.request_id;
  service.handler(Call{std::move(request), std::move(route.operation)},
                  Responder(std::move(metered), service.protocol, std::move(rid)));
}

}  // namespace kumo::edge

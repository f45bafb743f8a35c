#include "edge/router.h"

#include <algorithm>

#include "common/encoding.h"
#include "edge/sigv4.h"

namespace kumo::edge {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// The Host header without its port ("[::1]" keeps its brackets).
std::string_view HostWithoutPort(const Request& request) {
  std::string_view host = request.headers.Get("host").value_or("");
  if (!host.empty() && host[0] == '[') {
    size_t end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(0, end + 1);
  }
  return host.substr(0, host.rfind(':'));
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

bool IsFormBody(const Request& request) {
  auto type = request.headers.Get("content-type");
  return type && StartsWith(*type, "application/x-www-form-urlencoded");
}

// Answers for the router itself: adds the request id, meters, forwards.
class MeteredSink : public ResponseSink {
 public:
  // Which header carries the request id: S3's, the other AWS APIs', or none
  // (a data plane whose answers are the user's).
  enum class IdHeader { kS3, kAmzn, kNone };
  static IdHeader IdHeaderOf(const ServiceDescriptor& service) {
    if (service.protocol == Protocol::kRestXml) return IdHeader::kS3;
    return service.stamps_request_id ? IdHeader::kAmzn : IdHeader::kNone;
  }

  MeteredSink(std::shared_ptr<ResponseSink> next, Metrics& metrics, const Clock& clock,
              std::string service, std::string operation, std::string request_id,
              IdHeader id_header)
      : next_(std::move(next)),
        metrics_(metrics),
        clock_(clock),
        service_(std::move(service)),
        operation_(std::move(operation)),
        request_id_(std::move(request_id)),
        id_header_(id_header),
        start_(clock.MonotonicNanos()) {}

  void Complete(Response response, std::string_view error_code) override {
    if (id_header_ == IdHeader::kS3) {
      response.headers.Set("x-amz-request-id", request_id_);
    } else if (id_header_ == IdHeader::kAmzn && !response.headers.Has("x-amzn-RequestId")) {
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
  IdHeader id_header_;
  int64_t start_;
};

}  // namespace

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

void Router::RequireSigV4(CredentialStore credentials) { credentials_ = std::move(credentials); }

std::vector<std::string> Router::ServiceNames() const {
  std::vector<std::string> names;
  for (const auto& s : services_) names.push_back(s->name);
  return names;
}

Router::Route Router::Select(const Request& request, const std::string* signing_service) const {
  if (StartsWith(request.path, "/_kumo/")) {
    for (const auto& d : internal_) {
      if (StartsWith(request.path, d->path_prefixes.front())) return {d.get(), ""};
    }
  }
  if (!by_host_.empty()) {
    std::string_view host = HostWithoutPort(request);
    for (const auto& [suffix, s] : by_host_) {
      if (EndsWithIgnoreCase(host, suffix)) return {s, ""};
    }
  }
  if (auto target = request.headers.Get("x-amz-target")) {
    size_t dot = target->find('.');
    if (dot != std::string_view::npos) {
      auto it = by_target_.find(target->substr(0, dot));
      if (it != by_target_.end()) return {it->second, std::string(target->substr(dot + 1))};
    }
    return {nullptr, std::string(*target)};
  }
  const ServiceDescriptor* chosen = nullptr;
  if (signing_service != nullptr) {
    auto range = by_signing_name_.equal_range(*signing_service);
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

void Router::Handle(Request&& request, std::shared_ptr<ResponseSink> sink) {
  request.request_id = NewUuid();
  SigV4ParseResult signature = ParseSigV4(request);
  const SigV4Auth* auth = signature.auth ? &*signature.auth : nullptr;
  request.region = auth && !auth->region.empty() ? auth->region : default_region_;
  if (auth) request.access_key = auth->access_key;

  Route route = Select(request, auth ? &auth->service : nullptr);
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
    MeteredSink metered(std::move(sink), metrics_, clock_, "unknown", "", request.request_id,
                        MeteredSink::IdHeader::kAmzn);
    metered.Complete(SerializeError(protocol, Error{400, code, message}, request.request_id), code);
    return;
  }
  const ServiceDescriptor& service = *route.service;
  auto metered = std::make_shared<MeteredSink>(std::move(sink), metrics_, clock_, service.name,
                                               route.operation, request.request_id,
                                               MeteredSink::IdHeaderOf(service));
  if (service.authenticate && credentials_) {
    std::optional<SigV4Failure> failure = signature.failure;
    if (!failure && auth == nullptr) {
      failure = SigV4Failure{SigV4FailureKind::kMissingAuthentication, ""};
    } else if (!failure) {
      if (auto secret = credentials_->SecretFor(auth->access_key)) {
        failure = VerifySigV4(request, *auth, *secret, clock_.NowMillis());
      } else {
        failure = SigV4Failure{SigV4FailureKind::kUnknownAccessKey, ""};
      }
    }
    if (failure) {
      const std::string& scope_service =
          auth ? auth->service
               : (service.signing_names.empty() ? service.name : service.signing_names[0]);
      Responder(metered, service.protocol, request.request_id)
          .Fail(AuthError(service.protocol, scope_service, *failure));
      return;
    }
  }
  std::string rid = request.request_id;
  service.handler(Call{std::move(request), std::move(route.operation)},
                  Responder(std::move(metered), service.protocol, std::move(rid)));
}

}  // namespace kumo::edge

// Router: picks the one service a request is for, authenticates it, meters
// it and calls the service's handler.
//
// Selection, first match wins (shared/design/ARCHITECTURE.md):
//   1. internal routes (/_kumo/...), registered by the server;
//   2. the Host name suffix (*.execute-api.localhost);
//   3. X-Amz-Target "Prefix.Operation" (JSON protocols);
//   4. the SigV4 credential scope's service (header or presigned query);
//   5. the longest REST path prefix;
//   6. a query-protocol body's Version (unsigned query requests).
// A request no service claims gets an unknown-operation error in the shape
// its protocol suggests, never a crash.
//
// Thread-safety: Register/AddInternal/SetAuthenticator before serving;
// Handle from any thread concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "edge/http_types.h"
#include "edge/metrics.h"
#include "edge/service.h"

namespace kumo::edge {

// The SigV4 credential scope of a request, when it has one.
struct CredentialScope {
  std::string access_key;
  std::string region;
  std::string service;
};
// Reads the scope from `Authorization: AWS4-HMAC-SHA256 Credential=...` or a
// presigned `X-Amz-Credential` query parameter. Does not verify anything.
std::optional<CredentialScope> ReadCredentialScope(const Request& request);

// Verifies a request for `service`; returns the error to answer with when
// it must be refused. Installed only when --auth sigv4.
using Authenticator =
    std::function<Status(const Request& request, const ServiceDescriptor& service)>;

class Router {
 public:
  Router(std::string default_region, const Clock& clock);

  void Register(ServiceDescriptor service);
  // `prefix` must start with "/_kumo/". Internal routes are never authenticated.
  void AddInternal(std::string prefix, Handler handler);
  void SetAuthenticator(Authenticator authenticator);

  void Handle(Request request, std::shared_ptr<ResponseSink> sink);

  Metrics& metrics() { return metrics_; }
  std::vector<std::string> ServiceNames() const;

 private:
  struct Route {
    const ServiceDescriptor* service;
    std::string operation;
  };
  Route Select(const Request& request, const std::optional<CredentialScope>& scope) const;
  void Dispatch(const ServiceDescriptor& service, Call call, std::shared_ptr<ResponseSink> sink);

  std::string default_region_;
  const Clock& clock_;
  std::vector<std::unique_ptr<ServiceDescriptor>> services_;
  std::vector<std::unique_ptr<ServiceDescriptor>> internal_;
  std::unordered_map<std::string, const ServiceDescriptor*> by_target_;
  std::unordered_map<std::string, const ServiceDescriptor*> by_signing_name_;
  std::unordered_map<std::string, const ServiceDescriptor*> by_query_version_;
  std::vector<std::pair<std::string, const ServiceDescriptor*>> by_path_;  // longest first
  std::vector<std::pair<std::string, const ServiceDescriptor*>> by_host_;
  Authenticator authenticator_;
  Metrics metrics_;
};

}  // namespace kumo::edge

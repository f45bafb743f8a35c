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
// Thread-safety: Register/AddInternal/RequireSigV4 before serving;
// Handle from any thread concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "edge/credentials.h"
#include "edge/http_types.h"
#include "edge/metrics.h"
#include "edge/service.h"

namespace kumo::edge {

class Router {
 public:
  Router(std::string default_region, const Clock& clock);

  void Register(ServiceDescriptor service);
  // `prefix` must start with "/_kumo/". Internal routes are never authenticated.
  void AddInternal(std::string prefix, Handler handler);
  // From now on every request to a service with `authenticate` must carry a
  // valid SigV4 signature by a key in `credentials` (--auth sigv4).
  void RequireSigV4(CredentialStore credentials);

  void Handle(Request&& request, std::shared_ptr<ResponseSink> sink);

  Metrics& metrics() { return metrics_; }
  std::vector<std::string> ServiceNames() const;

 private:
  struct Route {
    const ServiceDescriptor* service;
    std::string operation;
  };
  Route Select(const Request& request, const std::string* signing_service) const;

  std::string default_region_;
  const Clock& clock_;
  std::vector<std::unique_ptr<ServiceDescriptor>> services_;
  std::vector<std::unique_ptr<ServiceDescriptor>> internal_;
  std::map<std::string, const ServiceDescriptor*, std::less<>> by_target_;
  std::unordered_map<std::string, const ServiceDescriptor*> by_signing_name_;
  std::unordered_map<std::string, const ServiceDescriptor*> by_query_version_;
  std::vector<std::pair<std::string, const ServiceDescriptor*>> by_path_;  // longest first
  std::vector<std::pair<std::string, const ServiceDescriptor*>> by_host_;
  std::optional<CredentialStore> credentials_;
  Metrics metrics_;
};

}  // namespace kumo::edge

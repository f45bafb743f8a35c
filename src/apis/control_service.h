// ApiControlService: the API Gateway v2 control plane (REST-JSON API
// 2018-11-29) for HTTP APIs.
//
// APIs (with quick create and CORS), routes, integrations (AWS_PROXY to
// Lambda, HTTP_PROXY), stages, deployments, JWT and Lambda (REQUEST)
// authorizers, and tags, with the shapes, status codes and error codes of the
// botocore `apigatewayv2` model. Everything is persisted in the Store family
// "apis" and published to an ApiCatalog that the data plane reads.
// WebSocket APIs are refused with 400 BadRequestException.
//
// ApiEndpoint is "http://{apiId}.execute-api.localhost:{port}", where port is
// the one in the request's Host header (the port the client reached Kumo on),
// else the one given to SetEndpointPort, else 4566.
//
// Threading: handlers run on the edge's I/O threads and answer before they
// return. Reads are served from an in-memory view and never block on
// storage; writes are serialized, durable (Store::Write) before they are
// answered, and then published to the catalog.
#pragma once

#include <cstdint>
#include <memory>

#include "apis/api_catalog.h"
#include "common/clock.h"
#include "common/status.h"
#include "edge/service.h"

namespace kumo::storage {
class Store;
}

namespace kumo::apis {

struct ApiControlOptions {
  const Clock* clock = &Clock::System();
  // The port put in ApiEndpoint when a request's Host header names none.
  // May be set later with SetEndpointPort. 0: 4566.
  uint16_t endpoint_port = 0;
};

class ApiControlService {
 public:
  // Opens the "apis" family of `store` (which must outlive the service) and
  // loads every API into memory. Fails when the store cannot be read or a
  // record is corrupt.
  static Result<std::unique_ptr<ApiControlService>> Open(storage::Store& store,
                                                         ApiControlOptions options);
  ~ApiControlService();

  // name "apigateway", Protocol::kRestJson, signing name "apigateway", path
  // prefixes "/v2/apis" and "/v2/tags". The handler refers to this service,
  // which must outlive every call.
  edge::ServiceDescriptor Descriptor();

  // The read side for the data plane; lives as long as the service.
  const ApiCatalog& catalog() const;

  // Sets the fallback port of ApiEndpoint (see above). Any thread, any time.
  void SetEndpointPort(uint16_t port);

  class Impl;

 private:
  explicit ApiControlService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::apis

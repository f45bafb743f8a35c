// The contract between the edge and the services behind it.
//
// A service describes how AWS clients address it (protocol, SigV4 signing
// name, X-Amz-Target prefix, REST path prefixes) and gives one Handler. The
// edge routes a request to exactly one service, authenticates it, and calls
// the handler on an I/O thread. The handler answers through its Responder,
// now or later, from any thread: a handler must never block on I/O that can
// take long (a long poll, an invocation); it keeps the Responder and answers
// when the work is done. Errors are answered with Fail(Error), which the edge
// writes in the service's own protocol shape.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "edge/http_types.h"

namespace kumo::edge {

// The wire protocols of the botocore models; each has one error serializer.
enum class Protocol {
  kJson,      // awsJson1_0 / awsJson1_1: X-Amz-Target, {"__type","message"}
  kRestJson,  // restJson1: x-amzn-ErrorType header and {"message"} body
  kRestXml,   // restXml (S3): <Error><Code>..</Code><Message>..</Message></Error>
  kQuery,     // query (STS, SQS legacy): <ErrorResponse><Error>..</Error></ErrorResponse>
};

// Writes `error` as `protocol` would: status, headers and body.
Response SerializeError(Protocol protocol, const Error& error, const std::string& request_id);

// The state shared by a Responder and the connection that waits for it.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // `error_code` is the AWS error code when the response is an error, else empty.
  virtual void Complete(Response response, std::string_view error_code) = 0;
  // Names the operation for metrics when the edge could not (REST services).
  virtual void SetOperation(std::string_view operation) {}
};

// Answers one request exactly once. Move-only. If a Responder is destroyed
// without answering, the client gets a 500 InternalFailure rather than a hang.
class Responder {
 public:
  Responder(std::shared_ptr<ResponseSink> sink, Protocol protocol, std::string request_id);
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void Send(Response response);
  void Fail(const Error& error);
  // Send(result) when ok, Fail(error) otherwise.
  void Reply(Result<Response> result);
  // REST services call this once they know the operation ("Invoke"), so
  // /_kumo/metrics counts by operation.
  void SetOperation(std::string_view operation) {
    if (sink_) sink_->SetOperation(operation);
  }
  bool answered() const { return sink_ == nullptr; }
  Protocol protocol() const { return protocol_; }
  const std::string& request_id() const { return request_id_; }

 private:
  std::shared_ptr<ResponseSink> sink_;
  Protocol protocol_;
  std::string request_id_;
};

// `operation` is set for JSON-target protocols ("PutItem") and for query
// protocols ("GetCallerIdentity"); REST services find theirs from the path.
struct Call {
  Request request;
  std::string operation;
};

// Arguments by rvalue reference: a request passes through several
// std::function layers, and each by-value parameter would move it again.
using Handler = std::function<void(Call&& call, Responder&& responder)>;

struct ServiceDescriptor {
  std::string name;  // the name shown in /_kumo/health: "dynamodb", "lambda"
  Protocol protocol = Protocol::kJson;
  // SigV4 credential-scope service names that reach this service ("dynamodb").
  std::vector<std::string> signing_names;
  // X-Amz-Target prefixes before the '.' ("DynamoDB_20120810").
  std::vector<std::string> target_prefixes;
  // REST path prefixes ("/2015-03-31/functions"); the longest match wins.
  std::vector<std::string> path_prefixes;
  // Query-protocol API versions ("2011-06-15"), used when a request is unsigned.
  std::vector<std::string> query_versions;
  // Host name suffixes that reach this service whatever the path
  // (".execute-api.localhost" for API Gateway user traffic).
  std::vector<std::string> host_suffixes;
  // False for user-facing data planes (API Gateway traffic, code downloads):
  // they are never SigV4-authenticated, whatever --auth says.
  bool authenticate = true;
  // False when the answers are the user's own (API Gateway traffic, which
  // carries apigw-requestid): the router adds no x-amzn-RequestId.
  bool stamps_request_id = true;
  Handler handler;
};

}  // namespace kumo::edge

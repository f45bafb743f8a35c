// AwsClient: the `kumo` command line's own client for Kumo's AWS APIs.
// Sends SigV4-signed JSON-protocol requests (so it works with --auth sigv4
// too) over one keep-alive HTTP connection, using Beast's synchronous client.
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else the
// conventional test/test. Not thread-safe: one per thread.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>

#include "common/status.h"

namespace kumo::cli {

class AwsClient {
 public:
  // `endpoint` like "http://127.0.0.1:4566".
  static Result<std::unique_ptr<AwsClient>> Connect(const std::string& endpoint,
                                                    const std::string& region);
  ~AwsClient();

  // POSTs `body` with X-Amz-Target `target` ("Logs_20140328.FilterLogEvents"),
  // signed for `service` ("logs"). Returns the response object, or the AWS
  // error (code and message) the server answered with.
  Result<boost::json::object> CallJson(const std::string& service, const std::string& target,
                                       const boost::json::object& body);

  // GETs a REST-JSON path ("/v2/apis", "/v2/apis?nextToken=t"), signed for `service`.
  Result<boost::json::object> GetJson(const std::string& service, const std::string& path);

  struct Impl;

 private:
  explicit AwsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::cli

// A control plane on a Store (in memory, or on disk for restart tests),
// driven through its edge handler as the server drives it, with a manual
// clock and a recording response sink.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <memory>
#include <string>

#include "apis/control_service.h"
#include "common/clock.h"
#include "edge/service.h"
#include "storage/store.h"

namespace kumo::apis::testing {

inline constexpr char kFunctionArn[] = "arn:aws:lambda:us-east-1:000000000000:function:hello";

struct Reply {
  int status = 0;
  std::string error_code;  // x-amzn-ErrorType, empty on success
  edge::Headers headers;
  std::string body;

  boost::json::object Json() const;             // the body as an object ({} when empty)
  std::string Message() const;                  // the error's message
  std::string Str(std::string_view key) const;  // a string member, "<absent>" otherwise
};

class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Closes the service and the store and opens both again on the same
  // directory (on-disk tests only: set on_disk_ before SetUp).
  void Reopen();

  // Sends one request; `target` is the raw request-target.
  Reply Call(const std::string& method, const std::string& target,
             const boost::json::object& body = {}, const std::string& host = "localhost:4566",
             const std::string& region = "us-east-1");

  // Creates an HTTP API (plus `extra` members); returns its id.
  std::string CreateApi(boost::json::object extra = {});
  // An AWS_PROXY integration to kFunctionArn, payload 2.0; returns its id.
  std::string CreateIntegration(const std::string& api);
  // A route `key` targeting `integration` (none when empty); returns its id.
  std::string CreateRoute(const std::string& api, const std::string& key,
                          const std::string& integration = "");

  bool on_disk_ = false;
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ApiControlService> service_;
  edge::ServiceDescriptor descriptor_;
  ManualClock clock_{1700000000000};  // 2023-11-14T22:13:20Z

 private:
  void Open();
};

}  // namespace kumo::apis::testing

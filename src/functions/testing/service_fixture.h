// A LambdaService on an in-memory Store, driven through its edge handler the
// way the server drives it, with a recording response sink, a manual clock,
// a scripted random source and a fake Invoker.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "edge/service.h"
#include "functions/lambda_service.h"
#include "storage/store.h"

namespace kumo::functions::testing {

// What the service answered.
struct Reply {
  int status = 0;
  std::string error_code;  // x-amzn-ErrorType, empty on success
  edge::Headers headers;
  std::string body;

  boost::json::object Json() const;  // the body as an object ({} when empty)
  std::string Message() const;       // the error's message
};

class RecordingSink : public edge::ResponseSink {
 public:
  void Complete(edge::Response response, std::string_view error_code) override;
  int calls = 0;
  edge::Response last;
  std::string last_error;
};

// Records invocations; answers with `next_result` (or keeps the callback
// pending when `hold` is set, to test that the handler does not wait).
class FakeInvoker : public Invoker {
 public:
  void Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) override;

  std::mutex mu;
  std::vector<InvokeRequest> requests;
  Result<InvokeResult> next_result = InvokeResult{};
  bool hold = false;
  std::vector<std::function<void(Result<InvokeResult>)>> pending;
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Sends one request through the service's edge handler. `target` is the
  // raw request-target ("/2015-03-31/functions/f?Qualifier=1").
  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::vector<std::pair<std::string, std::string>>& headers = {});
  // The same, without requiring an answer yet: returns the sink to inspect.
  std::shared_ptr<RecordingSink> Send(
      const std::string& method, const std::string& target, const std::string& body = "",
      const std::vector<std::pair<std::string, std::string>>& headers = {});

  // CreateFunction with a valid python function; `extra` members override.
  Reply Create(const std::string& name, boost::json::object extra = {});
  // PublishLayerVersion of a one-file layer.
  Reply PublishLayer(const std::string& name, const std::string& content = "layer",
                     boost::json::object extra = {});

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<LambdaService> service_;
  edge::ServiceDescriptor descriptor_;       // the API
  edge::ServiceDescriptor code_descriptor_;  // /_kumo/code/
  std::shared_ptr<FakeInvoker> invoker_ = std::make_shared<FakeInvoker>();
  ManualClock clock_{1700000000000};
  std::deque<double> randoms_;  // consumed by alias routing; 0.5 when empty
};

// {"ZipFile": base64(zip)}
boost::json::object ZipCode(const std::string& zip);
Reply ToReply(const RecordingSink& sink);
// A request as the router hands it to a service: `method`, the raw
// request-target split into path and query, Host, a fresh request id and
// region us-east-1.
edge::Request MakeRequest(const std::string& method, const std::string& target,
                          const std::string& host = "localhost:4566");
std::string Dump(const boost::json::value& v);

}  // namespace kumo::functions::testing

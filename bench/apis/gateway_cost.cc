// bench/apis/cost: the work Kumo does per request through an HTTP API (the
// gateway: route, event, response mapping) next to a direct Invoke's (the
// Lambda API: path, payload check, answer), both in process, through each
// service's edge handler, with an Invoker that answers at once. No sockets,
// no runtime: what is left is each path's own code, which is what the
// gateway adds to a request and what it can be compared with.
//
// Under callgrind (`bench/apis/cost`, collecting in RepeatMeasured only) the
// counts are instructions, which do not move with the host's speed; run bare
// it prints nanoseconds.
//   N=2000 build/src/apis/apis_gateway_cost --gtest_filter=GatewayCost.Api
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "apis/control_service.h"
#include "apis/gateway.h"
#include "functions/testing/service_fixture.h"

namespace kumo::functions::testing {
namespace {

constexpr char kFunctionAnswer[] = R"({"statusCode":200,"body":"ok"})";

// The measured loop: bench/apis/cost has callgrind count in here only.
[[gnu::noinline]] void RepeatMeasured(int n, const std::function<void()>& once) {
  for (int i = 0; i < n; ++i) once();
}

// Keeps the last answer; nothing else.
class LastAnswer : public edge::ResponseSink {
 public:
  void Complete(edge::Response response, std::string_view) override { last = std::move(response); }
  edge::Response last;
};

// The function's answer, at once, on the caller's thread.
class InstantInvoker : public Invoker {
 public:
  void Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) override {
    if (capture != nullptr) *capture = request.payload;
    InvokeResult result;
    result.payload = kFunctionAnswer;
    done(std::move(result));
  }
  std::string* capture = nullptr;  // set: receives the next payload
};

class GatewayCost : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    invoker_ = std::make_shared<InstantInvoker>();
    service_->SetInvoker(invoker_);
    Reply function = Create("f");
    ASSERT_EQ(function.status, 201) << function.body;
    auto control = apis::ApiControlService::Open(*store_, {});
    ASSERT_TRUE(control.ok());
    control_ = std::move(control).value();
    apis::GatewayOptions options;
    options.executor = io_.get_executor();  // timers are armed, never run
    gateway_ = std::make_unique<apis::Gateway>(control_->catalog(), *service_, options);
    gateway_->SetInvoker(invoker_);
    api_descriptor_ = gateway_->Descriptor();

    // Quick create, as the end-to-end benchmark does.
    edge::Request create = MakeRequest("POST", "/v2/apis", "localhost:4566");
    create.body = R"({"name":"bench","protocolType":"HTTP","target":")" +
                  std::string(function.Json().at("FunctionArn").as_string()) + "\"}";
    Through(control_->Descriptor(), std::move(create));
    ASSERT_EQ(sink_->last.status, 201) << sink_->last.body;
    api_id_ = std::string(boost::json::parse(sink_->last.body).at("apiId").as_string());
  }

  void TearDown() override {
    gateway_.reset();
    control_.reset();
    ServiceTest::TearDown();
  }

  // The fixture's request, from the address wrk connects from.
  static edge::Request MakeRequest(const std::string& method, const std::string& target,
                                   const std::string& host) {
    edge::Request r = functions::testing::MakeRequest(method, target, host);
    r.remote_address = "127.0.0.1:50000";
    return r;
  }

  // The service's answer is in sink_->last.
  void Through(const edge::ServiceDescriptor& service, edge::Request request) {
    edge::Call call;
    call.request = std::move(request);
    service.handler(std::move(call), edge::Responder(sink_, edge::Protocol::kRestJson, "rid"));
  }

  // What wrk sends in bench/apis/run: GET / on the API's host...
  void Api() {
    Through(api_descriptor_, MakeRequest("GET", "/", api_id_ + ".execute-api.localhost:4566"));
  }

  // ... and the direct Invoke with its 7-byte payload, or with the API's event.
  void Direct(const std::string& payload = R"({"n":1})") {
    edge::Request r = MakeRequest("POST", "/2015-03-31/functions/f/invocations", "127.0.0.1:4566");
    r.headers.Add("Content-Type", "application/json");
    r.headers.Add("Content-Length", std::to_string(payload.size()));
    r.body = payload;
    Through(descriptor_, std::move(r));
  }

  // Runs `once` N times (default 2000: under the stage's default burst, so
  // no request is throttled) with callgrind collecting, and prints the time.
  void Measure(const char* name, const std::function<void()>& once) {
    const char* n_env = std::getenv("N");
    const int n = n_env ? std::atoi(n_env) : 2000;
    for (int i = 0; i < 100; ++i) once();  // first-use allocations out of the count
    auto start = std::chrono::steady_clock::now();
    RepeatMeasured(n, once);
    std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    std::printf("%s: %d requests, %.0f ns/request\n", name, n, took.count() / n);
  }

  boost::asio::io_context io_;
  std::unique_ptr<apis::ApiControlService> control_;
  std::unique_ptr<apis::Gateway> gateway_;
  std::shared_ptr<InstantInvoker> invoker_;
  edge::ServiceDescriptor api_descriptor_;
  std::shared_ptr<LastAnswer> sink_ = std::make_shared<LastAnswer>();
  std::string api_id_;

};

TEST_F(GatewayCost, Api) {
  Measure("api", [&] { Api(); });
  EXPECT_EQ(sink_->last.status, 200);
  EXPECT_EQ(sink_->last.body, "ok");
}

TEST_F(GatewayCost, Direct) {
  Measure("direct", [&] { Direct(); });
  EXPECT_EQ(sink_->last.status, 200);
  EXPECT_EQ(sink_->last.body, kFunctionAnswer);
}

// The direct Invoke carrying the event the API hands the function: what the
// gateway's path costs against the Lambda API's for the same payload.
TEST_F(GatewayCost, DirectWithTheApisEvent) {
  std::string event;
  invoker_->capture = &event;
  Api();
  invoker_->capture = nullptr;
  ASSERT_GT(event.size(), 500u) << event;
  Measure("direct, the API's event as payload", [&] { Direct(event); });
  EXPECT_EQ(sink_->last.status, 200);
  EXPECT_EQ(sink_->last.body, kFunctionAnswer);
}

}  // namespace
}  // namespace kumo::functions::testing

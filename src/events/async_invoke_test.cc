#include "events/async_invoke.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "storage/store.h"

namespace kumo::events {
namespace {

using functions::FunctionConfig;
using functions::InvocationType;
using functions::InvokeRequest;
using functions::InvokeResult;

// Waits for `pred` with a bound; no fixed sleeps.
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds bound = std::chrono::milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return pred();
}

class FakeRegistry : public functions::FunctionRegistry {
 public:
  Result<FunctionConfig> Resolve(std::string_view region, std::string_view function,
                                 std::string_view qualifier) const override {
    std::lock_guard lock(mu);
    std::string name(function.substr(function.rfind(':') + 1));
    if (function.find(":function:") != std::string_view::npos) {
      // arn:aws:lambda:r:a:function:NAME[:QUALIFIER]
      std::string_view rest = function.substr(function.find(":function:") + 10);
      name = std::string(rest.substr(0, rest.find(':')));
    }
    auto it = functions.find(name);
    if (it == functions.end()) return NotFound("ResourceNotFoundException", "Function not found: " + name);
    return it->second;
  }
  uint64_t AddChangeListener(functions::ChangeListener) override { return 1; }
  void RemoveChangeListener(uint64_t) override {}

  void Add(const std::string& name, std::optional<functions::EventInvokeConfig> eic = std::nullopt) {
    FunctionConfig c;
    c.region = "us-east-1";
    c.function_name = name;
    c.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name;
    c.version = "$LATEST";
    c.qualified_arn = c.function_arn + ":$LATEST";
    c.event_invoke_config = eic;
    std::lock_guard lock(mu);
    functions[name] = c;
  }

  mutable std::mutex mu;
  std::map<std::string, FunctionConfig> functions;
};

// Answers each invocation from a script: per function, a list of outcomes
// ("ok", "error", "throttle"), the last one repeating.
class ScriptedInvoker : public functions::Invoker {
 public:
  void Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) override {
    std::string outcome;
    {
      std::lock_guard lock(mu);
      calls.push_back(request);
      auto& script = scripts[request.config.function_name];
      outcome = script.empty() ? "ok" : script.front();
      if (script.size() > 1) script.erase(script.begin());
    }
    if (outcome == "throttle") return done(Error{429, "TooManyRequestsException", "Rate Exceeded."});
    InvokeResult r;
    r.payload = outcome == "ok" ? R"({"ok":true})" : R"({"errorMessage":"boom","errorType":"Error"})";
    if (outcome != "ok") r.function_error = "Unhandled";
    done(std::move(r));
  }
  std::vector<InvokeRequest> Calls(const std::string& fn) {
    std::lock_guard lock(mu);
    std::vector<InvokeRequest> out;
    for (const auto& c : calls) {
      if (c.config.function_name == fn) out.push_back(c);
    }
    return out;
  }
  std::mutex mu;
  std::vector<InvokeRequest> calls;
  std::map<std::string, std::vector<std::string>> scripts;
};

class AsyncInvokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kumo-async-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    OpenStore();
    registry_.Add("fn");
    registry_.Add("dest");
    options_.retry_base = std::chrono::milliseconds(10);
    options_.throttle_delay = std::chrono::milliseconds(10);
  }
  void TearDown() override {
    async_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void OpenStore() {
    auto store = storage::Store::Open(storage::Options{.path = dir_.string()});
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }
  void OpenAsync(bool start = true) {
    auto a = AsyncInvoker::Open(*store_, registry_, invoker_, options_);
    ASSERT_TRUE(a.ok()) << a.error().message;
    async_ = std::move(a).value();
    if (start) async_->Start();
  }
  Result<InvokeResult> InvokeEvent(const std::string& fn, const std::string& payload) {
    InvokeRequest req;
    req.type = InvocationType::kEvent;
    auto config = registry_.Resolve("us-east-1", fn, "");
    req.config = config.value();
    req.payload = payload;
    req.request_id = "req-" + payload;
    std::mutex mu;
    std::optional<Result<InvokeResult>> out;
    async_->Invoke(req, [&](Result<InvokeResult> r) {
      std::lock_guard lock(mu);
      out.emplace(std::move(r));
    });
    EXPECT_TRUE(WaitFor([&] { std::lock_guard lock(mu); return out.has_value(); }));
    return *out;
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  FakeRegistry registry_;
  std::shared_ptr<ScriptedInvoker> invoker_ = std::make_shared<ScriptedInvoker>();
  AsyncInvokeOptions options_;
  std::unique_ptr<AsyncInvoker> async_;
};

TEST_F(AsyncInvokeTest, EventIsAcceptedWith202AndRunsSynchronouslyOnce) {
  OpenAsync();
  auto r = InvokeEvent("fn", R"({"n":1})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status_code, 202);
  ASSERT_TRUE(WaitFor([&] { return invoker_->Calls("fn").size() == 1 && async_->Pending() == 0; }));
  auto call = invoker_->Calls("fn")[0];
  EXPECT_EQ(call.type, InvocationType::kRequestResponse);
  EXPECT_EQ(call.payload, R"({"n":1})");
  EXPECT_EQ(call.request_id, R"(req-{"n":1})");
}

TEST_F(AsyncInvokeTest, FunctionErrorsAreRetriedTwiceThenGoToOnFailure) {
  functions::EventInvokeConfig eic;
  eic.on_failure_destination = "arn:aws:lambda:us-east-1:000000000000:function:dest";
  registry_.Add("fn", eic);
  invoker_->scripts["fn"] = {"error"};
  OpenAsync();
  ASSERT_TRUE(InvokeEvent("fn", R"({"n":2})").ok());
  ASSERT_TRUE(WaitFor([&] { return invoker_->Calls("dest").size() == 1; }));
  EXPECT_EQ(invoker_->Calls("fn").size(), 3u);  // the first run and two retries
  auto record = boost::json::parse(invoker_->Calls("dest")[0].payload).as_object();
  EXPECT_EQ(record["requestContext"].as_object()["condition"].as_string(), "RetriesExhausted");
  EXPECT_EQ(record["requestContext"].as_object()["approximateInvokeCount"].as_int64(), 3);
  EXPECT_EQ(record["requestPayload"].as_object()["n"].as_int64(), 2);
  EXPECT_EQ(record["responseContext"].as_object()["functionError"].as_string(), "Unhandled");
  EXPECT_EQ(record["responsePayload"].as_object()["errorMessage"].as_string(), "boom");
}

TEST_F(AsyncInvokeTest, MaximumRetryAttemptsZeroRunsOnce) {
  functions::EventInvokeConfig eic;
  eic.maximum_retry_attempts = 0;
  registry_.Add("fn", eic);
  invoker_->scripts["fn"] = {"error"};
  OpenAsync();
  ASSERT_TRUE(InvokeEvent("fn", "{}").ok());
  ASSERT_TRUE(WaitFor([&] { return async_->Pending() == 0; }));
  EXPECT_EQ(invoker_->Calls("fn").size(), 1u);
}

TEST_F(AsyncInvokeTest, ThrottlesAreRetriedWithoutUsingAttemptsThenOnSuccess) {
  functions::EventInvokeConfig eic;
  eic.maximum_retry_attempts = 0;
  eic.on_success_destination = "arn:aws:lambda:us-east-1:000000000000:function:dest";
  registry_.Add("fn", eic);
  invoker_->scripts["fn"] = {"throttle", "throttle", "throttle", "ok"};
  OpenAsync();
  ASSERT_TRUE(InvokeEvent("fn", R"("hello")").ok());
  ASSERT_TRUE(WaitFor([&] { return invoker_->Calls("dest").size() == 1; }));
  EXPECT_EQ(invoker_->Calls("fn").size(), 4u);
  auto record = boost::json::parse(invoker_->Calls("dest")[0].payload).as_object();
  EXPECT_EQ(record["requestContext"].as_object()["condition"].as_string(), "Success");
  EXPECT_EQ(record["requestPayload"].as_string(), "hello");
  EXPECT_TRUE(record["responsePayload"].as_object()["ok"].as_bool());
}

TEST_F(AsyncInvokeTest, QueuedEventsSurviveARestart) {
  OpenAsync(/*start=*/false);
  ASSERT_TRUE(InvokeEvent("fn", R"({"n":5})").ok());
  async_.reset();
  store_.reset();
  EXPECT_EQ(invoker_->Calls("fn").size(), 0u);
  OpenStore();
  OpenAsync();
  ASSERT_TRUE(WaitFor([&] { return invoker_->Calls("fn").size() == 1 && async_->Pending() == 0; }));
  EXPECT_EQ(invoker_->Calls("fn")[0].payload, R"({"n":5})");
}

// Holds every invocation until the test answers it (a long-running function).
class HeldInvoker : public functions::Invoker {
 public:
  void Invoke(InvokeRequest, std::function<void(Result<InvokeResult>)> done) override {
    std::lock_guard lock(mu);
    held.push_back(std::move(done));
  }
  size_t Held() {
    std::lock_guard lock(mu);
    return held.size();
  }
  std::mutex mu;
  std::vector<std::function<void(Result<InvokeResult>)>> held;
};

TEST_F(AsyncInvokeTest, ShutdownDoesNotWaitForALongInvocationWhichRunsAgainAfterRestart) {
  auto held = std::make_shared<HeldInvoker>();
  options_.shutdown_grace = std::chrono::milliseconds(50);
  auto opened = AsyncInvoker::Open(*store_, registry_, held, options_);
  ASSERT_TRUE(opened.ok());
  async_ = std::move(opened).value();
  async_->Start();
  ASSERT_TRUE(InvokeEvent("fn", R"({"n":7})").ok());
  ASSERT_TRUE(WaitFor([&] { return held->Held() == 1; }));

  const auto started = std::chrono::steady_clock::now();
  async_->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  // The engine's shutdown fails the invocation later; the event stays queued.
  held->held[0](Error{500, "ServiceException", "Kumo is shutting down"});
  async_.reset();  // waits for that callback's queue write
  store_.reset();

  OpenStore();
  OpenAsync();
  ASSERT_TRUE(WaitFor([&] { return invoker_->Calls("fn").size() == 1 && async_->Pending() == 0; }));
  EXPECT_EQ(invoker_->Calls("fn")[0].payload, R"({"n":7})");
}

TEST_F(AsyncInvokeTest, EventsOlderThanTheirMaximumAgeAreDropped) {
  ManualClock clock(1'000'000);
  options_.clock = &clock;
  functions::EventInvokeConfig eic;
  eic.maximum_event_age_seconds = 60;
  eic.on_failure_destination = "arn:aws:lambda:us-east-1:000000000000:function:dest";
  registry_.Add("fn", eic);
  OpenAsync(/*start=*/false);
  ASSERT_TRUE(InvokeEvent("fn", "{}").ok());
  clock.AdvanceMillis(61'000);
  async_->Start();
  ASSERT_TRUE(WaitFor([&] { return invoker_->Calls("dest").size() == 1; }));
  EXPECT_EQ(invoker_->Calls("fn").size(), 0u);
  auto record = boost::json::parse(invoker_->Calls("dest")[0].payload).as_object();
  EXPECT_EQ(record["requestContext"].as_object()["condition"].as_string(), "EventAgeExceeded");
}

TEST_F(AsyncInvokeTest, DeletedFunctionsDropTheirEvents) {
  OpenAsync(/*start=*/false);
  ASSERT_TRUE(InvokeEvent("fn", "{}").ok());
  registry_.functions.erase("fn");
  async_->Start();
  ASSERT_TRUE(WaitFor([&] { return async_->Pending() == 0; }));
  EXPECT_EQ(invoker_->Calls("fn").size(), 0u);
}

TEST_F(AsyncInvokeTest, RequestResponsePassesThroughToTheSyncInvoker) {
  OpenAsync();
  InvokeRequest req;
  req.type = InvocationType::kRequestResponse;
  req.config = registry_.Resolve("us-east-1", "fn", "").value();
  req.payload = "{}";
  bool answered = false;
  async_->Invoke(req, [&](Result<InvokeResult> r) {
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status_code, 200);
    answered = true;
  });
  EXPECT_TRUE(answered);
}

}  // namespace
}  // namespace kumo::events

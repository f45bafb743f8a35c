// Engine tests: real Node, Python and shell `provided` runtimes run in real
// sandboxes through ExecutionEngine, with a fake registry and a recording log
// sink. Each test protects one promise of execution_engine.h. Waits are
// bounded polls on a condition, never fixed sleeps.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "common/encoding.h"
#include "edge/io_pool.h"
#include "runtime/execution_engine.h"
#include "runtime/lambda_log.h"
#include "runtime/runtime_command.h"
#include "runtime/runtime_test_util.h"

extern char** environ;

namespace kumo::runtime {
namespace {

using functions::FunctionConfig;
using functions::InvokeResult;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::CodeDir;
using testing::InvokeAndWait;
using testing::MakeConfig;
using testing::MakeRequest;
using testing::WaitUntil;

constexpr char kNodeHandler[] = R"JS(
let count = 0;
exports.handler = async (event, context) => {
  count += 1;
  console.log('hello from node', JSON.stringify(event));
  if (event.exit !== undefined) process.exit(event.exit);
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.big) return 'x'.repeat(event.big);
  const env = {};
  for (const k of ['AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'LAMBDA_TASK_ROOT',
    'AWS_REGION', 'AWS_ENDPOINT_URL', 'AWS_EXECUTION_ENV', 'MY_VAR', 'TZ',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME', '_HANDLER']) {
    env[k] = process.env[k];
  }
  return {
    count, event, env,
    stream: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    api: process.env.AWS_LAMBDA_RUNTIME_API,
    requestId: context.awsRequestId,
    arn: context.invokedFunctionArn,
  };
};
)JS";

constexpr char kPythonHandler[] = R"PY(
import os
import time

count = 0

def handler(event, context):
    global count
    count += 1
    print("hello from python", event.get("n"))
    if event.get("allocMb"):
        hog = "x" * (event["allocMb"] << 20)
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {"count": count, "stream": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"],
            "requestId": context.aws_request_id, "version": "v1"}
)PY";

boost::json::object Json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text.substr(0, 200);
  return v.is_object() ? v.as_object() : boost::json::object();
}

std::string Str(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t Int(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : -1;
}

// One I/O pool for the whole binary, never destroyed: edge::HttpServer's
// once-a-second sweep timers outlive HttpServer::Stop(), so destroying a
// multi-threaded IoPool after any HttpServer ran on it is a use-after-free
// inside ~io_context (reported to the edge's owner; see README.md).
edge::IoPool& SharedPool() {
  static edge::IoPool* pool = [] {
    auto* p = new edge::IoPool(2);
    p->Start();
    return p;
  }();
  return *pool;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Recreate([](EngineOptions&) {});
  }
  void TearDown() override { engine_.reset(); }

  void Recreate(const std::function<void(EngineOptions&)>& adjust) {
    engine_.reset();
    EngineOptions options;
    options.runtimes_dir = std::string(KUMO_SOURCE_DIR) + "/runtimes";
    options.endpoint_url = "http://127.0.0.1:4566";
    adjust(options);
    auto engine = ExecutionEngine::Create(options, pool_, registry_, sink_);
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    engine_ = std::move(engine).value();
  }

  FunctionConfig Node(const std::string& name) {
    code_.Write("index.js", kNodeHandler);
    FunctionConfig c = MakeConfig(name, "nodejs20.x", "index.handler", code_.path());
    registry_.Put(c);
    return c;
  }
  FunctionConfig Python(const std::string& name) {
    code_.Write("app.py", kPythonHandler);
    FunctionConfig c = MakeConfig(name, "python3.12", "app.handler", code_.path());
    registry_.Put(c);
    return c;
  }

  Result<InvokeResult> Invoke(const FunctionConfig& config, std::string payload,
                              functions::LogType log = functions::LogType::kNone) {
    functions::InvokeRequest request = MakeRequest(config, std::move(payload));
    request.log_type = log;
    return InvokeAndWait(*engine_, std::move(request));
  }

  // Invokes `payload` expecting a platform fault: Unhandled, with
  // {"errorType":<type>,"errorMessage":"RequestId: <id> Error: <error>"}.
  // Returns the request id.
  std::string ExpectFault(const FunctionConfig& config, std::string payload,
                          const std::string& type, const std::string& error) {
    const std::string id = NewUuid();
    functions::InvokeRequest request = MakeRequest(config, std::move(payload));
    request.request_id = id;
    Result<InvokeResult> r = InvokeAndWait(*engine_, std::move(request));
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (r.ok()) {
      EXPECT_EQ(r->function_error, "Unhandled");
      EXPECT_EQ(r->payload, ErrorPayload(type, "RequestId: " + id + " Error: " + error));
    }
    return id;
  }

  // The value of `name` in the engine's Prometheus text for function `fn`.
  std::string Metric(const std::string& name, const std::string& fn) {
    const std::string text = engine_->RenderMetrics();
    const std::string prefix = name + "{region=\"us-east-1\",function=\"" + fn + "\"} ";
    const size_t at = text.find(prefix);
    if (at == std::string::npos) return "";
    return text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size());
  }

  edge::IoPool& pool_ = SharedPool();
  testing::FakeRegistry registry_;
  testing::RecordingSink sink_;
  CodeDir code_;
  std::unique_ptr<ExecutionEngine> engine_;
};

// A Node handler runs; its result, environment variables, logs (START, the
// function's output, END, REPORT with Init Duration) and tail come back.
TEST_F(EngineTest, NodeInvocationReturnsResultLogsAndTail) {
  FunctionConfig c = Node("node-ok");
  c.environment = {{"MY_VAR", "mine"}, {"AWS_REGION", "eu-north-1"}, {"TZ", "Europe/Paris"}};
  Result<InvokeResult> r = Invoke(c, R"({"a":1})", functions::LogType::kTail);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->function_error, "") << r->payload;
  EXPECT_EQ(r->executed_version, "$LATEST");
  boost::json::object out = Json(r->payload);
  EXPECT_EQ(Int(out, "count"), 1);
  EXPECT_EQ(out["event"].as_object()["a"].as_int64(), 1);
  EXPECT_EQ(Str(out, "arn"), c.function_arn);
  const boost::json::object env = out["env"].as_object();
  EXPECT_EQ(Str(env, "AWS_LAMBDA_FUNCTION_NAME"), "node-ok");
  EXPECT_EQ(Str(env, "AWS_LAMBDA_FUNCTION_VERSION"), "$LATEST");
  EXPECT_EQ(Str(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), "128");
  EXPECT_EQ(Str(env, "AWS_LAMBDA_LOG_GROUP_NAME"), "/aws/lambda/node-ok");
  EXPECT_EQ(Str(env, "LAMBDA_TASK_ROOT"), "/var/task");
  EXPECT_EQ(Str(env, "AWS_ENDPOINT_URL"), "http://127.0.0.1:4566");
  EXPECT_EQ(Str(env, "AWS_EXECUTION_ENV"), "AWS_Lambda_nodejs20.x");
  EXPECT_EQ(Str(env, "_HANDLER"), "index.handler");
  EXPECT_EQ(Str(env, "MY_VAR"), "mine");
  EXPECT_EQ(Str(env, "AWS_REGION"), "us-east-1") << "a reserved variable was overridden";
  EXPECT_EQ(Str(env, "TZ"), "Europe/Paris") << "TZ is the function's to set";

  const std::string stream = Str(out, "stream");
  EXPECT_TRUE(stream.find("/[$LATEST]") == 10 && stream.size() == 10 + 10 + 32) << stream;
  const std::string id = Str(out, "requestId");
  ASSERT_TRUE(sink_.WaitFor(stream, "REPORT RequestId: " + id));
  const std::string text = sink_.StreamText(stream);
  const size_t start = text.find("START RequestId: " + id + " Version: $LATEST\n");
  const size_t hello = text.find("hello from node {\"a\":1}");
  const size_t end = text.find("END RequestId: " + id + "\n");
  const size_t report = text.find("REPORT RequestId: " + id + "\tDuration: ");
  ASSERT_NE(start, std::string::npos) << text;
  EXPECT_LT(start, hello);
  EXPECT_LT(hello, end);
  EXPECT_LT(end, report);
  EXPECT_NE(text.find("\tMemory Size: 128 MB\tMax Memory Used: ", report), std::string::npos);
  EXPECT_NE(text.find("\tInit Duration: ", report), std::string::npos) << "a cold start";
  for (const auto& e : sink_.Entries()) {
    if (e.stream == stream) {
      EXPECT_EQ(e.group, "/aws/lambda/node-ok");
      EXPECT_EQ(e.region, "us-east-1");
    }
  }
  std::optional<std::string> tail = Base64Decode(r->log_result);
  ASSERT_TRUE(tail.has_value());
  EXPECT_NE(tail->find("START RequestId: " + id), std::string::npos) << *tail;
  EXPECT_NE(tail->find("hello from node"), std::string::npos);
  EXPECT_NE(tail->find("REPORT RequestId: " + id), std::string::npos);

  EXPECT_EQ(Metric("kumo_function_invocations_total", "node-ok"), "1");
  EXPECT_EQ(Metric("kumo_function_cold_starts_total", "node-ok"), "1");
  EXPECT_EQ(Metric("kumo_function_errors_total", "node-ok"), "0");
}

// The same environment serves consecutive invocations: module state
// survives, the stream stays, and only the first REPORT has Init Duration.
TEST_F(EngineTest, PythonEnvironmentIsReusedWarm) {
  FunctionConfig c = Python("py-warm");
  Result<InvokeResult> first = Invoke(c, R"({"n":1})");
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->function_error, "") << first->payload;
  Result<InvokeResult> second = Invoke(c, R"({"n":2})");
  ASSERT_TRUE(second.ok()) << second.error().message;
  boost::json::object a = Json(first->payload), b = Json(second->payload);
  EXPECT_EQ(Int(a, "count"), 1);
  EXPECT_EQ(Int(b, "count"), 2);
  EXPECT_EQ(Str(a, "stream"), Str(b, "stream"));
  EXPECT_EQ(engine_->Stats().live_environments, 1);
  EXPECT_EQ(Metric("kumo_function_cold_starts_total", "py-warm"), "1");
  EXPECT_EQ(Metric("kumo_function_invocations_total", "py-warm"), "2");

  const std::string stream = Str(b, "stream");
  const std::string second_id = Str(b, "requestId");
  ASSERT_TRUE(sink_.WaitFor(stream, "REPORT RequestId: " + second_id));
  const std::string text = sink_.StreamText(stream);
  const size_t report2 = text.find("REPORT RequestId: " + second_id);
  EXPECT_EQ(text.find("Init Duration", report2), std::string::npos) << "a warm start";
  EXPECT_NE(text.find("Init Duration"), std::string::npos) << "the cold start reports it";
  EXPECT_NE(text.find("hello from python 2\n"), std::string::npos) << text;
}

// Invocations that overlap run in separate environments at once.
TEST_F(EngineTest, ParallelInvocationsUseParallelEnvironments) {
  FunctionConfig c = Node("node-parallel");
  std::vector<std::future<Result<InvokeResult>>> results;
  for (int i = 0; i < 3; ++i) {
    results.push_back(
        std::async(std::launch::async, [&] { return Invoke(c, R"({"sleepMs":300})"); }));
  }
  std::set<std::string> streams;
  for (auto& f : results) {
    Result<InvokeResult> r = f.get();
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->function_error, "") << r->payload;
    streams.insert(Str(Json(r->payload), "stream"));
  }
  EXPECT_EQ(streams.size(), 3u);
  EXPECT_EQ(engine_->Stats().live_environments, 3);
  EXPECT_EQ(engine_->Stats().idle_environments, 3);
}

// Past the function's reserved concurrency Invoke fails with 429; with a
// reservation of 0 every invocation does.
TEST_F(EngineTest, ThrottlesAtReservedConcurrency) {
  FunctionConfig c = Node("node-reserved");
  c.reserved_concurrency = 1;
  functions::InvokeRequest first = MakeRequest(c, R"({"sleepMs":200})");
  std::promise<Result<InvokeResult>> first_done;
  engine_->Invoke(std::move(first), [&](Result<InvokeResult> r) { first_done.set_value(r); });
  // Admission is synchronous: the first invocation holds the only slot now.
  EXPECT_EQ(engine_->Stats().in_flight, 1);
  Result<InvokeResult> second = Invoke(c, "{}");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().http_status, 429);
  EXPECT_EQ(second.error().code, "TooManyRequestsException");
  EXPECT_EQ(second.error().message, "Rate Exceeded.");
  auto future = first_done.get_future();
  ASSERT_EQ(future.wait_for(seconds(60)), std::future_status::ready);
  Result<InvokeResult> first_result = future.get();
  ASSERT_TRUE(first_result.ok()) << first_result.error().message;
  EXPECT_EQ(first_result->function_error, "");
  EXPECT_TRUE(Invoke(c, "{}").ok()) << "the slot is free again";

  c.reserved_concurrency = 0;
  Result<InvokeResult> blocked = Invoke(c, "{}");
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().http_status, 429);
  EXPECT_EQ(Metric("kumo_function_throttles_total", "node-reserved"), "2");
}

// The account limit bounds unreserved functions together.
TEST_F(EngineTest, ThrottlesAtAccountConcurrency) {
  Recreate([](EngineOptions& o) { o.account_concurrency = 1; });
  FunctionConfig c = Node("node-account");
  std::promise<Result<InvokeResult>> first_done;
  engine_->Invoke(MakeRequest(c, "{}"), [&](Result<InvokeResult> r) { first_done.set_value(r); });
  Result<InvokeResult> second = Invoke(c, "{}");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().http_status, 429);
  auto future = first_done.get_future();
  ASSERT_EQ(future.wait_for(seconds(60)), std::future_status::ready);
  EXPECT_TRUE(future.get().ok());
}

// A handler past its timeout is killed and reported as Sandbox.Timedout;
// the next invocation gets a fresh environment.
TEST_F(EngineTest, TimeoutKillsTheEnvironmentAndTheNextInvocationRecovers) {
  FunctionConfig c = Python("py-timeout");
  c.timeout_seconds = 1;
  const std::string id =
      ExpectFault(c, R"({"sleep":30})", "Sandbox.Timedout", "Task timed out after 1.00 seconds");
  ASSERT_TRUE(WaitUntil([&] { return engine_->Stats().live_environments == 0; }));

  Result<InvokeResult> next = Invoke(c, "{}");
  ASSERT_TRUE(next.ok()) << next.error().message;
  ASSERT_EQ(next->function_error, "") << next->payload;
  EXPECT_EQ(Int(Json(next->payload), "count"), 1) << "a new environment";
  EXPECT_EQ(Metric("kumo_function_errors_total", "py-timeout"), "1");

  bool found = false;
  for (const auto& e : sink_.Entries()) {
    if (e.event.message.find(id + " Task timed out after 1.00 seconds\n") != std::string::npos) {
      found = true;
      const std::string text = sink_.StreamText(e.stream);
      EXPECT_NE(text.find("REPORT RequestId: " + id), std::string::npos);
      EXPECT_NE(text.find("\tStatus: timeout\t"), std::string::npos) << text;
    }
  }
  EXPECT_TRUE(found) << "the timeout line is logged";
}

// process.exit(1) mid-invocation: Runtime.ExitError, environment replaced.
TEST_F(EngineTest, CrashIsReportedAsRuntimeExitError) {
  FunctionConfig c = Node("node-crash");
  ExpectFault(c, R"({"exit":1})", "Runtime.ExitError", "Runtime exited with error: exit status 1");
  Result<InvokeResult> next = Invoke(c, "{}");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->function_error, "") << next->payload;
  EXPECT_EQ(Int(Json(next->payload), "count"), 1);
}

// Memory past MemorySize: the cgroup's OOM killer ends the runtime.
TEST_F(EngineTest, OutOfMemoryIsReportedAsRuntimeOutOfMemory) {
  if (CachedSandboxCapabilities().memory_cgroup == CgroupVersion::kNone) {
    GTEST_SKIP() << "no memory cgroup: " << CachedSandboxCapabilities().cgroup_error;
  }
  FunctionConfig c = Python("py-oom");
  ExpectFault(c, R"({"allocMb":300})", "Runtime.OutOfMemory",
              "Runtime exited with error: signal: killed");
  EXPECT_TRUE(Invoke(c, "{}").ok());
}

// An init failure posted to /runtime/init/error is the invocation's error;
// the environment is discarded, so the next invocation starts cold again.
TEST_F(EngineTest, InitErrorIsTheInvocationErrorAndTheEnvironmentIsDiscarded) {
  code_.Write("broken.py", "raise ValueError('boom at init')\n");
  FunctionConfig c = MakeConfig("py-init-error", "python3.12", "broken.handler", code_.path());
  Result<InvokeResult> r = Invoke(c, "{}", functions::LogType::kTail);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->function_error, "Unhandled");
  boost::json::object error = Json(r->payload);
  // awslambdaric reports an exception raised while importing by its own type.
  EXPECT_EQ(Str(error, "errorType"), "ValueError") << r->payload;
  EXPECT_NE(Str(error, "errorMessage").find("boom at init"), std::string::npos) << r->payload;
  std::optional<std::string> tail = Base64Decode(r->log_result);
  ASSERT_TRUE(tail.has_value());
  EXPECT_NE(tail->find("[ERROR] ValueError: boom at init"), std::string::npos) << *tail;
  EXPECT_NE(tail->find("Status: error\tError Type: ValueError"), std::string::npos) << *tail;
  ASSERT_TRUE(WaitUntil([&] { return engine_->Stats().live_environments == 0; }));
  Result<InvokeResult> again = Invoke(c, "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->function_error, "Unhandled");
  EXPECT_EQ(Metric("kumo_function_cold_starts_total", "py-init-error"), "2");
}

// A response over 6 MB is replaced by Function.ResponseSizeTooLarge.
TEST_F(EngineTest, ResponseOverSixMegabytesIsRejected) {
  FunctionConfig c = Node("node-big");
  Result<InvokeResult> r = Invoke(c, R"({"big":7000000})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(r->payload, ResponseTooLargePayload());
  Result<InvokeResult> small = Invoke(c, R"({"big":6000000})");
  ASSERT_TRUE(small.ok()) << small.error().message;
  EXPECT_EQ(small->function_error, "");
  EXPECT_EQ(small->payload.size(), 6000002u) << "a JSON string of 6,000,000 x";
}

// A `provided` runtime: a shell bootstrap speaking the Runtime API with curl.
TEST_F(EngineTest, ProvidedRuntimeRunsTheBootstrap) {
  if (access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "curl is not installed";
  code_.Write("bootstrap", R"SH(#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/next")"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d: -f2 | tr -d ' \r')"
  echo "handling $ID"
  curl -sS -X POST "$API/$ID/response" -d "{\"echo\":$EVENT,\"handler\":\"$_HANDLER\"}" >/dev/null
done
)SH",
              /*executable=*/true);
  FunctionConfig c = MakeConfig("provided-sh", "provided.al2023", "my.handler", code_.path());
  for (int n = 1; n <= 2; ++n) {
    Result<InvokeResult> r = Invoke(c, "{\"n\":" + std::to_string(n) + "}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->function_error, "") << r->payload;
    boost::json::object out = Json(r->payload);
    EXPECT_EQ(out["echo"].as_object()["n"].as_int64(), n);
    EXPECT_EQ(Str(out, "handler"), "my.handler");
  }
  EXPECT_EQ(Metric("kumo_function_cold_starts_total", "provided-sh"), "1");
}

// A provided runtime without a bootstrap fails as Lambda says.
TEST_F(EngineTest, ProvidedRuntimeWithoutBootstrapIsInvalidEntrypoint) {
  FunctionConfig c = MakeConfig("provided-none", "provided.al2", "", code_.path());
  ExpectFault(c, "{}", "Runtime.InvalidEntrypoint",
              "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
}

// A new revision retires the old environments; invocations run the new code.
TEST_F(EngineTest, RevisionChangeRetiresEnvironments) {
  FunctionConfig c = Python("py-revision");
  Result<InvokeResult> v1 = Invoke(c, "{}");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(Str(Json(v1->payload), "version"), "v1");
  ASSERT_EQ(engine_->Stats().idle_environments, 1);

  CodeDir v2_code;
  std::string source = kPythonHandler;
  source.replace(source.find("\"v1\""), 4, "\"v2\"");
  v2_code.Write("app.py", source);
  c.code_dir = v2_code.path();
  c.revision_id = "r2";
  registry_.Put(c);
  registry_.Notify(
      {functions::FunctionChange::Kind::kUpdated, c.region, c.function_name, "$LATEST"});
  ASSERT_TRUE(WaitUntil([&] { return engine_->Stats().live_environments == 0; }));
  Result<InvokeResult> v2 = Invoke(c, "{}");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(Str(Json(v2->payload), "version"), "v2") << v2->payload;
  EXPECT_EQ(Int(Json(v2->payload), "count"), 1);
}

// An invocation carrying a new revision never runs in an old environment,
// even before the change listener fired.
TEST_F(EngineTest, StaleEnvironmentIsNotReusedForANewRevision) {
  FunctionConfig c = Python("py-stale");
  ASSERT_TRUE(Invoke(c, "{}").ok());
  c.revision_id = "r2";
  Result<InvokeResult> r = Invoke(c, "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Int(Json(r->payload), "count"), 1);
  EXPECT_EQ(Metric("kumo_function_cold_starts_total", "py-stale"), "2");
}

// Idle environments are reaped after the keep-alive.
TEST_F(EngineTest, IdleEnvironmentsAreReapedAfterKeepAlive) {
  Recreate([](EngineOptions& o) { o.keep_alive = milliseconds(200); });
  FunctionConfig c = Python("py-reap");
  ASSERT_TRUE(Invoke(c, "{}").ok());
  ASSERT_TRUE(WaitUntil([&] { return engine_->Stats().live_environments == 0; }, seconds(10)));
  Result<InvokeResult> again = Invoke(c, "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Int(Json(again->payload), "count"), 1);
  EXPECT_EQ(Metric("kumo_function_cold_starts_total", "py-reap"), "2");
}

// The asynchronous queue is another module's job.
TEST_F(EngineTest, EventInvocationIsRejected) {
  FunctionConfig c = Node("node-event");
  functions::InvokeRequest request = MakeRequest(c, "{}");
  request.type = functions::InvocationType::kEvent;
  Result<InvokeResult> r = InvokeAndWait(*engine_, std::move(request));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ServiceException");
  EXPECT_EQ(engine_->Stats().live_environments, 0);
}

// Another process (here: the test itself) cannot take an environment's
// invocations from its Runtime API port.
TEST_F(EngineTest, RuntimeApiRefusesForeignProcesses) {
  FunctionConfig c = Node("node-foreign");
  Result<InvokeResult> r = Invoke(c, "{}");
  ASSERT_TRUE(r.ok());
  const std::string api = Str(Json(r->payload), "api");
  const uint16_t port = static_cast<uint16_t>(std::stoi(api.substr(api.find(':') + 1)));

  const int fd = testing::ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  const std::string request = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string answer;
  char buf[4096];
  while (answer.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 403")) << answer;

  Result<InvokeResult> again = Invoke(c, "{}");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Int(Json(again->payload), "count"), 2) << "the environment still works";
}

// Measures warm latency and cold start next to the bare interpreter. Prints
// the figures (README.md quotes them); asserts only that invocations work.
TEST_F(EngineTest, MeasureWarmLatencyAndColdStart) {
  auto spawn_and_wait = [](std::vector<std::string> argv) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    pid_t pid;
    if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1.0;
    int status;
    waitpid(pid, &status, 0);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  RuntimeLocations locations;
  locations.runtimes_dir = std::string(KUMO_SOURCE_DIR) + "/runtimes";
  Result<RuntimeInstallation> installation = DiscoverRuntimeInstallation(locations);
  ASSERT_TRUE(installation.ok());
  const std::string python = installation->python_executable;  // not a pyenv shim
  for (const std::string lang : {"python", "node"}) {
    std::vector<double> bare, cold, warm;
    for (int i = 0; i < 5; ++i) {
      bare.push_back(lang == "node" ? spawn_and_wait({"/usr/bin/node", "-e", "0"})
                                    : spawn_and_wait({python, "-c", "0"}));
      FunctionConfig c = lang == "node" ? Node("m-node") : Python("m-py");
      c.revision_id = "cold-" + std::to_string(i);  // a new environment each round
      const auto start = std::chrono::steady_clock::now();
      ASSERT_TRUE(Invoke(c, "{}").ok());
      cold.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    FunctionConfig c = lang == "node" ? Node("m-node") : Python("m-py");
    c.revision_id = "cold-4";
    for (int i = 0; i < 300; ++i) {
      const auto start = std::chrono::steady_clock::now();
      Result<InvokeResult> r = Invoke(c, R"({"n":1})");
      ASSERT_TRUE(r.ok());
      warm.push_back(
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count());
    }
    // Throughput: 8 clients invoking back to back for a second.
    std::atomic<int64_t> done{0};
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    const auto until = std::chrono::steady_clock::now() + seconds(1);
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&] {
        while (std::chrono::steady_clock::now() < until) {
          if (Invoke(c, R"({"n":1})").ok()) done.fetch_add(1);
        }
      });
    }
    for (auto& t : clients) t.join();
    getrusage(RUSAGE_SELF, &after);
    auto cpu_us = [](const rusage& r) {
      return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec +
             r.ru_stime.tv_usec;
    };
    std::printf("%s: kumo-side cpu per invoke %.0f us\n", lang.c_str(),
                (cpu_us(after) - cpu_us(before)) / std::max<int64_t>(1, done.load()));
    std::sort(warm.begin(), warm.end());
    std::printf(
        "%s: bare interpreter %.1f ms, cold invoke %.1f ms, warm invoke p50 %.0f us "
        "p99 %.0f us, 8 clients %lld invokes/s\n",
        lang.c_str(), median(bare), median(cold), warm[warm.size() / 2],
        warm[warm.size() * 99 / 100], static_cast<long long>(done.load()));
  }
}

}  // namespace
}  // namespace kumo::runtime

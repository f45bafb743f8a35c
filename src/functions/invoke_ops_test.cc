// Invoke: the checks before the Invoker, what the Invoker is given, how its
// result becomes the HTTP answer, that the handler never waits for it, and
// the change notifications the runtime relies on.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "functions/testing/service_fixture.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::Reply;

class InvokeOpsTest : public testing::ServiceTest {
 protected:
  Reply Invoke(const std::string& target, const std::string& payload,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Call("POST", "/2015-03-31/functions/" + target + "/invocations", payload, headers);
  }
};

TEST_F(InvokeOpsTest, SynchronousInvocationReachesTheInvoker) {
  ASSERT_EQ(Create("f", {{"Environment", json::object{{"Variables", {{"KEY", "v"}}}}},
                         {"MemorySize", 512}})
                .status,
            201);
  InvokeResult result;
  result.payload = R"({"ok":true})";
  result.log_result = "bG9ncw==";
  invoker_->next_result = result;
  Reply r =
      Invoke("f", R"({"in":1})", {{"X-Amz-Log-Type", "Tail"}, {"X-Amz-Client-Context", "e30="}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(r.headers.Get("X-Amz-Executed-Version"), "$LATEST");
  EXPECT_EQ(r.headers.Get("X-Amz-Log-Result"), "bG9ncw==");
  EXPECT_FALSE(r.headers.Has("X-Amz-Function-Error"));
  ASSERT_EQ(invoker_->requests.size(), 1u);
  const InvokeRequest& req = invoker_->requests[0];
  EXPECT_EQ(req.type, InvocationType::kRequestResponse);
  EXPECT_EQ(req.payload, R"({"in":1})");
  EXPECT_EQ(req.log_type, LogType::kTail);
  EXPECT_EQ(req.client_context, "e30=");
  EXPECT_FALSE(req.request_id.empty());
  EXPECT_EQ(req.config.function_name, "f");
  EXPECT_EQ(req.config.runtime, "python3.12");
  EXPECT_EQ(req.config.handler, "index.handler");
  EXPECT_EQ(req.config.memory_mb, 512);
  EXPECT_EQ(req.config.environment.at("KEY"), "v");
  EXPECT_FALSE(req.config.code_dir.empty());
  EXPECT_FALSE(req.config.revision_id.empty());
}

TEST_F(InvokeOpsTest, FunctionErrorsAndServiceErrorsAreAnsweredAsAws) {
  ASSERT_EQ(Create("f").status, 201);
  InvokeResult failed;
  failed.payload = R"({"errorMessage":"boom"})";
  failed.function_error = "Unhandled";
  invoker_->next_result = failed;
  Reply r = Invoke("f", "{}");
  EXPECT_EQ(r.status, 200) << "a failing function is still a successful Invoke";
  EXPECT_EQ(r.headers.Get("X-Amz-Function-Error"), "Unhandled");
  invoker_->next_result = Error{429, "TooManyRequestsException", "Rate Exceeded."};
  Reply throttled = Invoke("f", "{}");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.error_code, "TooManyRequestsException");
}

TEST_F(InvokeOpsTest, ChecksBeforeInvoking) {
  ASSERT_EQ(Create("f").status, 201);
  Reply dry = Invoke("f", "{}", {{"X-Amz-Invocation-Type", "DryRun"}});
  EXPECT_EQ(dry.status, 204);
  Reply missing = Invoke("nope", "{}");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Message(),
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");
  EXPECT_EQ(Invoke("f?Qualifier=5", "{}").status, 404);
  Reply big = Invoke("f", "\"" + std::string(6 * 1024 * 1024, 'x') + "\"");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error_code, "RequestTooLargeException");
  EXPECT_EQ(big.Message(),
            "Request must be smaller than 6291456 bytes for the InvokeFunction operation");
  Reply big_event = Invoke("f", "\"" + std::string(1024 * 1024, 'x') + "\"",
                           {{"X-Amz-Invocation-Type", "Event"}});
  EXPECT_EQ(big_event.status, 413);
  EXPECT_EQ(big_event.Message(),
            "Request must be smaller than 1048576 bytes for the InvokeFunction operation");
  Reply not_json = Invoke("f", "{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.error_code, "InvalidRequestContentException");
  EXPECT_EQ(Invoke("f", "{}", {{"X-Amz-Invocation-Type", "Later"}}).error_code,
            "ValidationException");
  EXPECT_TRUE(invoker_->requests.empty()) << "none of these reached the runtime";

  service_->SetInvoker(nullptr);
  Reply no_runtime = Invoke("f", "{}");
  EXPECT_EQ(no_runtime.status, 500);
  EXPECT_EQ(no_runtime.error_code, "ServiceException");
}

TEST_F(InvokeOpsTest, EventInvocationsAnswer202) {
  ASSERT_EQ(Create("f").status, 201);
  InvokeResult queued;
  queued.status_code = 202;
  invoker_->next_result = queued;
  Reply r = Invoke("f", "{}", {{"X-Amz-Invocation-Type", "Event"}});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "");
  ASSERT_EQ(invoker_->requests.size(), 1u);
  EXPECT_EQ(invoker_->requests[0].type, InvocationType::kEvent);
  // Asynchronous payloads may reach 1 MB (once 256 KB).
  std::string payload = "\"" + std::string(600 * 1024, 'x') + "\"";
  EXPECT_EQ(Invoke("f", payload, {{"X-Amz-Invocation-Type", "Event"}}).status, 202);
  ASSERT_EQ(invoker_->requests.size(), 2u);
  EXPECT_EQ(invoker_->requests[1].payload.size(), payload.size());
  Reply legacy = Call("POST", "/2014-11-13/functions/f/invoke-async/", "{}");
  EXPECT_EQ(legacy.status, 202);
  EXPECT_EQ(legacy.body, R"({"Status":202})");
}

TEST_F(InvokeOpsTest, TheHandlerDoesNotWaitForTheInvoker) {
  ASSERT_EQ(Create("f").status, 201);
  invoker_->hold = true;
  auto sink = Send("POST", "/2015-03-31/functions/f/invocations", "{}");
  EXPECT_EQ(sink->calls, 0) << "the handler returned before the function ran";
  ASSERT_EQ(invoker_->pending.size(), 1u);
  InvokeResult done;
  done.payload = "42";
  done.executed_version = "$LATEST";
  invoker_->pending[0](done);
  EXPECT_EQ(sink->calls, 1);
  EXPECT_EQ(sink->last.body, "42");
}

TEST_F(InvokeOpsTest, AliasesRouteToVersions) {
  ASSERT_EQ(Create("f", {{"Publish", true}}).status, 201);
  ASSERT_EQ(Call("POST", "/2015-03-31/functions/f/aliases",
                 Dump(json::object{{"Name", "live"}, {"FunctionVersion", "1"}}))
                .status,
            201);
  Reply r = Invoke("f:live", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.Get("X-Amz-Executed-Version"), "1");
  EXPECT_EQ(invoker_->requests.at(0).config.alias, "live");
  EXPECT_EQ(invoker_->requests.at(0).config.version, "1");
}

TEST_F(InvokeOpsTest, ListenersHearUpdatesAndDeletes) {
  std::vector<FunctionChange> changes;
  uint64_t id = service_->AddChangeListener([&](const FunctionChange& c) { changes.push_back(c); });
  ASSERT_EQ(Create("f").status, 201);
  std::string before = service_->Resolve("us-east-1", "f", "")->revision_id;
  ASSERT_EQ(Call("PUT", "/2015-03-31/functions/f/configuration", R"({"Timeout":9})").status, 200);
  EXPECT_NE(service_->Resolve("us-east-1", "f", "")->revision_id, before)
      << "warm environments see the change";
  ASSERT_EQ(Call("DELETE", "/2015-03-31/functions/f").status, 204);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[1].kind, FunctionChange::Kind::kUpdated);
  EXPECT_EQ(changes[1].version, "$LATEST");
  EXPECT_EQ(changes[2].kind, FunctionChange::Kind::kDeleted);
  EXPECT_EQ(changes[2].function_name, "f");
  EXPECT_EQ(changes[2].version, "");
  service_->RemoveChangeListener(id);
  ASSERT_EQ(Create("g").status, 201);
  EXPECT_EQ(changes.size(), 3u);
}

}  // namespace
}  // namespace kumo::functions

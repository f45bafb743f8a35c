// The Runtime API: routing, the answers a runtime gets, and which call is
// legal in which phase (a runtime that breaks the protocol gets an error,
// never another environment's invocation).
#include "runtime/runtime_api.h"

#include <gtest/gtest.h>

#include <regex>

namespace kumo::runtime {
namespace {

using Next = RuntimeApiState::NextAction;
using ResultAction = RuntimeApiState::ResultAction;
using Phase = RuntimeApiState::Phase;

TEST(RuntimeApiRoutingTest, KnownCalls) {
  EXPECT_EQ(ParseRuntimeApiCall("GET", "/2018-06-01/runtime/invocation/next").op,
            RuntimeApiOp::kNext);
  RuntimeApiCall r = ParseRuntimeApiCall("POST", "/2018-06-01/runtime/invocation/abc-1/response");
  EXPECT_EQ(r.op, RuntimeApiOp::kResponse);
  EXPECT_EQ(r.request_id, "abc-1");
  RuntimeApiCall e = ParseRuntimeApiCall("POST", "/2018-06-01/runtime/invocation/abc-1/error");
  EXPECT_EQ(e.op, RuntimeApiOp::kError);
  EXPECT_EQ(e.request_id, "abc-1");
  EXPECT_EQ(ParseRuntimeApiCall("POST", "/2018-06-01/runtime/init/error").op,
            RuntimeApiOp::kInitError);
}

TEST(RuntimeApiRoutingTest, WrongMethodsAndUnknownPaths) {
  EXPECT_EQ(ParseRuntimeApiCall("POST", "/2018-06-01/runtime/invocation/next").op,
            RuntimeApiOp::kMethodNotAllowed);
  EXPECT_EQ(ParseRuntimeApiCall("GET", "/2018-06-01/runtime/invocation/x/response").op,
            RuntimeApiOp::kMethodNotAllowed);
  EXPECT_EQ(ParseRuntimeApiCall("GET", "/2018-06-01/runtime/init/error").op,
            RuntimeApiOp::kMethodNotAllowed);
  for (const char* path :
       {"/", "/2018-06-01/runtime/invocation//response", "/2018-06-01/runtime/invocation/x/other",
        "/2018-06-01/runtime/invocation/x", "/2020-01-01/extension/register",
        "/2018-06-01/runtime/invocation/next/more"}) {
    EXPECT_EQ(ParseRuntimeApiCall("POST", path).op, RuntimeApiOp::kNotFound) << path;
  }
}

TEST(RuntimeApiAnswersTest, NextCarriesLambdasHeaders) {
  NextHeaders h;
  h.request_id = "id-1";
  h.deadline_ms = 1700000003000;
  h.invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
  h.trace_id = "Root=1-abc";
  edge::Response r = NextResponse(h, R"({"a":1})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_EQ(r.headers.Get("Lambda-Runtime-Aws-Request-Id"), "id-1");
  EXPECT_EQ(r.headers.Get("Lambda-Runtime-Deadline-Ms"), "1700000003000");
  EXPECT_EQ(r.headers.Get("Lambda-Runtime-Invoked-Function-Arn"), h.invoked_function_arn);
  EXPECT_EQ(r.headers.Get("Lambda-Runtime-Trace-Id"), "Root=1-abc");
  EXPECT_FALSE(r.headers.Has("Lambda-Runtime-Client-Context"));
  h.client_context = R"({"custom":{}})";
  EXPECT_EQ(NextResponse(h, "").headers.Get("Lambda-Runtime-Client-Context"), R"({"custom":{}})");
}

TEST(RuntimeApiAnswersTest, AcceptedAndErrors) {
  edge::Response ok = AcceptedResponse();
  EXPECT_EQ(ok.status, 202);
  EXPECT_EQ(ok.body, R"({"status":"OK"})");
  edge::Response bad = RuntimeApiErrorResponse(400, "InvalidRequestID", "Invalid request ID");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})");
}

TEST(RuntimeApiAnswersTest, InvokedFunctionArnNamesWhatWasInvoked) {
  functions::FunctionConfig c;
  c.function_arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
  c.version = "$LATEST";
  c.qualified_arn = c.function_arn + ":$LATEST";
  EXPECT_EQ(InvokedFunctionArn(c), c.function_arn);
  c.version = "3";
  c.qualified_arn = c.function_arn + ":3";
  EXPECT_EQ(InvokedFunctionArn(c), c.function_arn + ":3");
  c.alias = "live";
  EXPECT_EQ(InvokedFunctionArn(c), c.function_arn + ":live");
}

TEST(RuntimeApiAnswersTest, TraceIdShape) {
  const std::string trace = NewTraceId(1700000000000);
  EXPECT_TRUE(std::regex_match(trace, std::regex("Root=1-6553f100-[0-9a-f]{24};Parent=[0-9a-f]{16};"
                                                 "Sampled=0")))
      << trace;
  EXPECT_NE(NewTraceId(1700000000000), trace);
}

TEST(RuntimeApiAnswersTest, TraceContinuesTheCallersRootWithANewParent) {
  const std::string root = "1-5759e988-bd862e3fe1be46a994272793";
  const std::string trace = NewTraceId(1700000000000, "Root=" + root + ";Parent=53995c3f42cd8ad8");
  EXPECT_TRUE(
      std::regex_match(trace, std::regex("Root=" + root + ";Parent=[0-9a-f]{16};Sampled=0")))
      << trace;
  EXPECT_EQ(trace.find("53995c3f42cd8ad8"), std::string::npos);
  EXPECT_TRUE(std::regex_match(NewTraceId(1700000000000, "Sampled=1; Root=" + root),
                               std::regex("Root=" + root + ";Parent=[0-9a-f]{16};Sampled=1")));
}

TEST(RuntimeApiAnswersTest, AMalformedCallerTraceStartsANewOne) {
  for (const char* bad :
       {"Root=1-xyz", "Root=2-5759e988-bd862e3fe1be46a994272793",
        "Root=1-5759E988-bd862e3fe1be46a994272793", "Parent=53995c3f42cd8ad8", "garbage"}) {
    const std::string trace = NewTraceId(1700000000000, bad);
    EXPECT_TRUE(std::regex_match(
        trace, std::regex("Root=1-6553f100-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0")))
        << bad << " -> " << trace;
  }
}

TEST(RuntimeApiAnswersTest, ClientContextIsDecoded) {
  EXPECT_EQ(DecodeClientContext("eyJjdXN0b20iOnt9fQ=="), R"({"custom":{}})");
  EXPECT_EQ(DecodeClientContext(""), "");
  EXPECT_EQ(DecodeClientContext("not base64!"), "");
}

TEST(RuntimeApiAnswersTest, ErrorBodyPassesJsonAndBuildsTheRest) {
  EXPECT_EQ(ErrorBody(R"({"errorMessage":"x","errorType":"E"})", "E"),
            R"({"errorMessage":"x","errorType":"E"})");
  EXPECT_EQ(ErrorBody("", "Custom.Error"), R"({"errorType":"Custom.Error","errorMessage":""})");
  EXPECT_EQ(ErrorBody("plain text", ""),
            R"({"errorType":"Runtime.Unknown","errorMessage":"plain text"})");
}

TEST(RuntimeApiStateTest, ColdStartDeliversOnTheFirstNext) {
  RuntimeApiState s;
  EXPECT_FALSE(s.Assign("id-1")) << "nobody is parked yet";
  EXPECT_TRUE(s.undelivered());
  EXPECT_EQ(s.OnNext(), Next::kDeliver);
  EXPECT_TRUE(s.initialized());
  s.Delivered();
  EXPECT_EQ(s.phase(), Phase::kInvoking);
  EXPECT_FALSE(s.undelivered());
  EXPECT_EQ(s.OnResult("id-1"), ResultAction::kAccept);
  EXPECT_EQ(s.phase(), Phase::kBetween);
  EXPECT_FALSE(s.assigned());
}

TEST(RuntimeApiStateTest, WarmInvocationGoesToTheParkedNext) {
  RuntimeApiState s;
  EXPECT_EQ(s.OnNext(), Next::kPark);
  EXPECT_EQ(s.phase(), Phase::kParked);
  EXPECT_TRUE(s.Assign("id-2"));
  s.Delivered();
  EXPECT_EQ(s.OnResult("id-2"), ResultAction::kAccept);
  // Assigned between the result and the next /next: delivered on that /next.
  EXPECT_FALSE(s.Assign("id-3"));
  EXPECT_EQ(s.OnNext(), Next::kDeliver);
  s.Delivered();
  EXPECT_EQ(s.request_id(), "id-3");
}

TEST(RuntimeApiStateTest, ProtocolViolationsAreRejected) {
  RuntimeApiState s;
  EXPECT_EQ(s.OnResult("id-1"), ResultAction::kInvalidState) << "nothing in progress";
  s.Assign("id-1");
  EXPECT_EQ(s.OnResult("id-1"), ResultAction::kInvalidState) << "not delivered yet";
  EXPECT_EQ(s.OnNext(), Next::kDeliver);
  s.Delivered();
  EXPECT_EQ(s.OnNext(), Next::kReject) << "an invocation is in progress";
  EXPECT_EQ(s.OnResult("id-other"), ResultAction::kInvalidRequestId);
  EXPECT_EQ(s.OnResult("id-1"), ResultAction::kAccept);
  EXPECT_EQ(s.OnResult("id-1"), ResultAction::kInvalidState) << "answered twice";
}

TEST(RuntimeApiStateTest, ParkingAgainReplacesTheOlderRequest) {
  RuntimeApiState s;
  EXPECT_EQ(s.OnNext(), Next::kPark);
  EXPECT_EQ(s.OnNext(), Next::kPark);
  EXPECT_TRUE(s.Assign("id-1"));
}

TEST(RuntimeApiStateTest, InitErrorOnlyBeforeTheFirstNext) {
  RuntimeApiState s;
  s.Assign("id-1");
  EXPECT_TRUE(s.OnInitError());
  EXPECT_EQ(s.OnNext(), Next::kDeliver);
  EXPECT_FALSE(s.OnInitError());
}

TEST(RuntimeApiStateTest, DeadRejectsEverything) {
  RuntimeApiState s;
  s.Kill();
  EXPECT_EQ(s.OnNext(), Next::kReject);
  EXPECT_FALSE(s.OnInitError());
  EXPECT_EQ(s.OnResult("x"), ResultAction::kInvalidState);
}

}  // namespace
}  // namespace kumo::runtime

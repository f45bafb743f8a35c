#include "edge/service.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kumo::edge {
namespace {

class RecordingSink : public ResponseSink {
 public:
  void Complete(Response response, std::string_view error_code) override {
    ++calls;
    last = std::move(response);
    last_error = std::string(error_code);
  }
  int calls = 0;
  Response last;
  std::string last_error;
};

TEST(SerializeErrorTest, JsonProtocolUsesTypeAndMessage) {
  Response r = SerializeError(Protocol::kJson, Error{400, "ValidationException", "bad"}, "rid");
  EXPECT_EQ(r.status, 400);
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v["__type"].as_string(), "ValidationException");
  EXPECT_EQ(v["message"].as_string(), "bad");
}

TEST(SerializeErrorTest, RestJsonSetsErrorTypeHeader) {
  Response r = SerializeError(Protocol::kRestJson,
                              Error{404, "ResourceNotFoundException", "Function not found"}, "rid");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("x-amzn-ErrorType"), "ResourceNotFoundException");
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v["Type"].as_string(), "User");
  EXPECT_EQ(v["message"].as_string(), "Function not found");
}

// A message quoting the client's bytes ("%ff" decoded) is still UTF-8 text.
TEST(SerializeErrorTest, MessagesAreMadeUtf8) {
  for (Protocol protocol : {Protocol::kJson, Protocol::kRestJson}) {
    Response r = SerializeError(
        protocol, Error{404, "NotFoundException", "Invalid API identifier specified \xff"}, "rid");
    auto v = boost::json::parse(r.body).as_object();
    EXPECT_EQ(v["message"].as_string(), "Invalid API identifier specified \xEF\xBF\xBD");
  }
}

TEST(SerializeErrorTest, JsonBodiesCarryTheErrorDetails) {
  Error e{429, "TooManyRequestsException", "Rate Exceeded.",
          R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","message":"not me"})"};
  auto rest = boost::json::parse(SerializeError(Protocol::kRestJson, e, "rid").body).as_object();
  EXPECT_EQ(rest["Reason"].as_string(), "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_EQ(rest["message"].as_string(), "Rate Exceeded.");  // details never replace the message
  Error c{400, "ConditionalCheckFailedException", "The conditional request failed",
          R"({"Item":{"pk":{"S":"a"}}})"};
  auto json = boost::json::parse(SerializeError(Protocol::kJson, c, "rid").body).as_object();
  EXPECT_EQ(json["Item"].as_object()["pk"].as_object()["S"].as_string(), "a");
}

TEST(SerializeErrorTest, XmlProtocolsEscapeText) {
  Response s3 = SerializeError(Protocol::kRestXml, Error{404, "NoSuchKey", "a<b"}, "rid");
  EXPECT_NE(s3.body.find("<Code>NoSuchKey</Code><Message>a&lt;b</Message>"), std::string::npos);
  Response q = SerializeError(Protocol::kQuery, Error{500, "InternalFailure", "x"}, "rid");
  EXPECT_NE(q.body.find("<Type>Receiver</Type><Code>InternalFailure</Code>"), std::string::npos);
  EXPECT_NE(q.body.find("<RequestId>rid</RequestId>"), std::string::npos);
}

TEST(ResponderTest, AnswersOnceAndFailsWhenDropped) {
  auto sink = std::make_shared<RecordingSink>();
  {
    Responder r(sink, Protocol::kJson, "rid");
    r.Send(Response::Json(200, "{}"));
    r.Send(Response::Json(201, "{}"));  // ignored: already answered
    EXPECT_TRUE(r.answered());
  }
  EXPECT_EQ(sink->calls, 1);
  EXPECT_EQ(sink->last.status, 200);

  auto dropped = std::make_shared<RecordingSink>();
  { Responder r(dropped, Protocol::kJson, "rid"); }
  EXPECT_EQ(dropped->calls, 1);
  EXPECT_EQ(dropped->last.status, 500);
  EXPECT_EQ(dropped->last_error, "InternalFailure");
}

TEST(ResponderTest, ReplyRoutesErrorsThroughTheProtocolSerializer) {
  auto sink = std::make_shared<RecordingSink>();
  Responder r(sink, Protocol::kRestJson, "rid");
  r.Reply(Result<Response>(Error{409, "ResourceConflictException", "exists"}));
  EXPECT_EQ(sink->last.status, 409);
  EXPECT_EQ(sink->last_error, "ResourceConflictException");
  EXPECT_EQ(sink->last.headers.Get("x-amzn-ErrorType"), "ResourceConflictException");
}

}  // namespace
}  // namespace kumo::edge

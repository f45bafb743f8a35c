#include "edge/service.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.h"
#include "common/utf8.h"

namespace kumo::edge {
namespace {

// Adds the members of `error.details_json` to `body` (never replacing the
// serializer's own members). Malformed details are dropped: they come from
// Kumo's own code, and an error answer must still go out.
void MergeDetails(const Error& error, boost::json::object& body) {
  if (error.details_json.empty()) return;
  boost::system::error_code ec;
  boost::json::value details = boost::json::parse(error.details_json, ec);
  if (ec || !details.is_object()) return;
  for (auto& member : details.as_object()) {
    if (!body.contains(member.key())) body[member.key()] = std::move(member.value());
  }
}

}  // namespace

Response SerializeError(Protocol protocol, const Error& error, const std::string& request_id) {
  // A message may quote what the client sent ("%ff" in an id, decoded):
  // the answer is text all the same.
  const std::string message = ToValidUtf8(error.message);
  Response r;
  r.status = error.http_status;
  switch (protocol) {
    case Protocol::kJson: {
      boost::json::object body{{"__type", error.code}, {"message", message}};
      MergeDetails(error, body);
      r.headers.Set("Content-Type", "application/x-amz-json-1.0");
      r.body = boost::json::serialize(body);
      break;
    }
    case Protocol::kRestJson: {
      boost::json::object body{{"Type", error.SenderFault() ? "User" : "Server"},
                               {"message", message}};
      MergeDetails(error, body);
      r.headers.Set("Content-Type", "application/json");
      r.headers.Set("x-amzn-ErrorType", error.code);
      r.body = boost::json::serialize(body);
      break;
    }
    case Protocol::kRestXml:
      r.headers.Set("Content-Type", "application/xml");
      r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + XmlEscape(error.code) +
               "</Code><Message>" + XmlEscape(message) + "</Message><RequestId>" +
               XmlEscape(request_id) + "</RequestId></Error>";
      break;
    case Protocol::kQuery:
      r.headers.Set("Content-Type", "text/xml");
      r.body = std::string("<ErrorResponse><Error><Type>") +
               (error.SenderFault() ? "Sender" : "Receiver") + "</Type><Code>" +
               XmlEscape(error.code) + "</Code><Message>" + XmlEscape(message) +
               "</Message></Error><RequestId>" + XmlEscape(request_id) +
               "</RequestId></ErrorResponse>";
      break;
  }
  return r;
}

Responder::Responder(std::shared_ptr<ResponseSink> sink, Protocol protocol, std::string request_id)
    : sink_(std::move(sink)), protocol_(protocol), request_id_(std::move(request_id)) {}

Responder::~Responder() {
  if (sink_ != nullptr) Fail(Internal("The service did not answer the request"));
}

void Responder::Send(Response response) {
  if (sink_ == nullptr) return;  // answered already: a second answer is dropped
  std::shared_ptr<ResponseSink> sink = std::move(sink_);
  sink_ = nullptr;
  sink->Complete(std::move(response), {});
}

void Responder::Fail(const Error& error) {
  if (sink_ == nullptr) return;
  std::shared_ptr<ResponseSink> sink = std::move(sink_);
  sink_ = nullptr;
  sink->Complete(SerializeError(protocol_, error, request_id_), error.code);
}

void Responder::Reply(Result<Response> result) {
  if (result.ok()) {
    Send(std::move(result).value());
  } else {
    Fail(result.error());
  }
}

}  // namespace kumo::edge

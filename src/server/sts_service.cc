#include "server/sts_service.h"

#include "common/encoding.h"
#include "server/config.h"

namespace kumo::server {
namespace {

constexpr char kXmlns[] = "https://sts.amazonaws.com/doc/2011-06-15/";

void Handle(edge::Call call, edge::Responder responder) {
  if (call.operation == "GetCallerIdentity") {
    // Kumo has one account; the caller is its root, named by the access key used.
    std::string user_id = call.request.access_key.empty() ? kAccountId : call.request.access_key;
    std::string body = std::string("<GetCallerIdentityResponse xmlns=\"") + kXmlns +
                       "\"><GetCallerIdentityResult><Arn>arn:aws:iam::" + kAccountId +
                       ":root</Arn><UserId>" + XmlEscape(user_id) + "</UserId><Account>" +
                       kAccountId + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>" +
                       responder.request_id() + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    responder.Send(edge::Response::Xml(200, std::move(body)));
    return;
  }
  if (call.operation.empty()) {
    responder.Fail(Error{400, "MissingAction", "Missing Action"});
    return;
  }
  responder.Fail(Error{400, "InvalidAction",
                       "Could not find operation " + call.operation + " for version 2011-06-15"});
}

}  // namespace

edge::ServiceDescriptor StsService() {
  edge::ServiceDescriptor d;
  d.name = "sts";
  d.protocol = edge::Protocol::kQuery;
  d.signing_names = {"sts"};
  d.query_versions = {"2011-06-15"};
  d.handler = Handle;
  return d;
}

}  // namespace kumo::server

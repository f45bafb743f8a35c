// LogsService: the descriptor, the dispatch table and the JSON 1.1 answers.
#include "logs/logs_service.h"

#include <memory>
#include <string_view>
#include <unordered_map>

#include "common/json.h"
#include "logs/logs_ops.h"

namespace kumo::logs {
namespace {

using Operation = void (*)(OpContext&);

const std::unordered_map<std::string_view, Operation>& Operations() {
  static const std::unordered_map<std::string_view, Operation> operations = {
      {"CreateLogGroup", &CreateLogGroup},
      {"DeleteLogGroup", &DeleteLogGroup},
      {"DescribeLogGroups", &DescribeLogGroups},
      {"CreateLogStream", &CreateLogStream},
      {"DeleteLogStream", &DeleteLogStream},
      {"DescribeLogStreams", &DescribeLogStreams},
      {"PutLogEvents", &PutLogEvents},
      {"GetLogEvents", &GetLogEvents},
      {"FilterLogEvents", &FilterLogEvents},
      {"PutRetentionPolicy", &PutRetentionPolicy},
      {"DeleteRetentionPolicy", &DeleteRetentionPolicy},
      {"TagResource", &TagResource},
      {"UntagResource", &UntagResource},
      {"ListTagsForResource", &ListTagsForResource},
      {"TagLogGroup", &TagLogGroup},
      {"UntagLogGroup", &UntagLogGroup},
      {"ListTagsLogGroup", &ListTagsLogGroup},
  };
  return operations;
}

void Handle(LogStore& store, edge::Call call, edge::Responder responder) {
  auto op = Operations().find(call.operation);
  if (op == Operations().end()) {
    return responder.Fail(
        Error{400, "UnknownOperationException",
              "Kumo does not implement the CloudWatch Logs operation '" + call.operation + "'"});
  }
  Result<boost::json::object> input = ParseJsonObject(call.request.body);
  if (!input.ok()) return responder.Fail(input.error());
  auto shared = std::make_shared<edge::Responder>(std::move(responder));
  Reply reply = [shared](Result<boost::json::object> output) {
    if (!output.ok()) return shared->Fail(output.error());
    edge::Response response = edge::Response::Json(200, ToJson(*output));
    response.headers.Set("Content-Type", "application/x-amz-json-1.1");
    shared->Send(std::move(response));
  };
  std::string region = call.request.region.empty() ? "us-east-1" : call.request.region;
  OpContext ctx{store, std::move(region), *input, std::move(reply)};
  op->second(ctx);
}

}  // namespace

Done ReplyEmpty(Reply reply) {
  return [reply = std::move(reply)](Status status) {
    if (status.ok()) {
      reply(boost::json::object());
    } else {
      reply(status.error());
    }
  };
}

bool Rejected(OpContext& ctx, const Input& input) {
  Status status = input.Check();
  if (status.ok()) return false;
  ctx.reply(status.error());
  return true;
}

edge::ServiceDescriptor LogsService(LogStore& store) {
  edge::ServiceDescriptor service;
  service.name = "logs";
  service.protocol = edge::Protocol::kJson;
  service.signing_names = {"logs"};
  service.target_prefixes = {"Logs_20140328"};
  service.handler = [&store](edge::Call call, edge::Responder responder) {
    Handle(store, std::move(call), std::move(responder));
  };
  return service;
}

}  // namespace kumo::logs

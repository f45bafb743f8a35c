// StreamsService: the descriptor, the dispatch table and the four operations.
#include "tables/streams/streams_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string_view>
#include <unordered_map>

#include "common/json.h"
#include "tables/streams/stream_keys.h"
#include "tables/streams/streams_input.h"

namespace kumo::tables::streams {
namespace {

constexpr size_t kArnMin = 37, kArnMax = 1024;
constexpr size_t kShardIdMin = 28, kShardIdMax = 65;

struct OpContext {
  StreamStore& store;
  const std::string& region;
  const boost::json::object& input;
};

// An operation's answer: the response body (JSON text) or its error.
using Output = Result<std::string>;

boost::json::array KeySchemaJson(const KeySchema& schema) {
  boost::json::array out;
  out.push_back({{"AttributeName", schema.partition.name}, {"KeyType", "HASH"}});
  if (schema.sort) out.push_back({{"AttributeName", schema.sort->name}, {"KeyType", "RANGE"}});
  return out;
}

Error ShardNotFound(const std::string& shard_id, const std::string& arn) {
  return Error{
      400, "ResourceNotFoundException",
      "Requested resource not found: Shard: " + shard_id + " in Stream: " + arn + " not found"};
}

Output ListStreams(OpContext& ctx) {
  Input input(ctx.input);
  std::optional<std::string> table = input.String("TableName", 3, 255);
  std::optional<int64_t> limit = input.Int("Limit", 1, 100);
  std::optional<std::string> start = input.String("ExclusiveStartStreamArn", kArnMin, kArnMax);
  KUMO_RETURN_IF_ERROR(input.Check());
  std::vector<StreamInfo> streams = ctx.store.List(ctx.region, table);
  boost::json::array out;
  boost::json::object body;
  size_t max = static_cast<size_t>(limit.value_or(100));
  for (const StreamInfo& info : streams) {
    if (start && info.arn <= *start) continue;
    if (out.size() == max) {
      body["LastEvaluatedStreamArn"] = out.back().as_object().at("StreamArn");
      break;
    }
    out.push_back(
        {{"StreamArn", info.arn}, {"TableName", info.table_name}, {"StreamLabel", info.label}});
  }
  body["Streams"] = std::move(out);
  return kumo::ToJson(body);
}

Output DescribeStream(OpContext& ctx) {
  Input input(ctx.input);
  std::optional<std::string> arn = input.String("StreamArn", kArnMin, kArnMax, true);
  input.Int("Limit", 1, 100);
  std::optional<std::string> start_shard =
      input.String("ExclusiveStartShardId", kShardIdMin, kShardIdMax);
  std::optional<std::string> filter_type;
  if (const boost::json::object* filter = input.Object("ShardFilter")) {
    Input filter_input(*filter);
    filter_type = filter_input.Enum("Type", {"CHILD_SHARDS"});
    filter_input.String("ShardId", kShardIdMin, kShardIdMax);
    KUMO_RETURN_IF_ERROR(filter_input.Check());
  }
  KUMO_RETURN_IF_ERROR(input.Check());
  KUMO_ASSIGN_OR_RETURN(StreamInfo info, ctx.store.Describe(*arn));

  boost::json::array shards;
  // The one shard has no parent and no children; an exclusive start at or
  // past it leaves nothing.
  if (!filter_type && (!start_shard || *start_shard < info.shard_id)) {
    boost::json::object range{{"StartingSequenceNumber", FormatSequence(info.start_sequence)}};
    if (info.end_sequence) range["EndingSequenceNumber"] = FormatSequence(*info.end_sequence);
    shards.push_back({{"ShardId", info.shard_id}, {"SequenceNumberRange", std::move(range)}});
  }
  boost::json::object description{
      {"StreamArn", info.arn},
      {"StreamLabel", info.label},
      {"StreamStatus", info.enabled ? "ENABLED" : "DISABLED"},
      {"StreamViewType", info.view_type},
      {"CreationRequestDateTime", static_cast<double>(info.creation_millis) / 1000.0},
      {"TableName", info.table_name},
      {"KeySchema", KeySchemaJson(info.key_schema)},
      {"Shards", std::move(shards)},
  };
  return kumo::ToJson(boost::json::object{{"StreamDescription", std::move(description)}});
}

Output GetShardIterator(OpContext& ctx) {
  Input input(ctx.input);
  std::optional<std::string> arn = input.String("StreamArn", kArnMin, kArnMax, true);
  std::optional<std::string> shard_id = input.String("ShardId", kShardIdMin, kShardIdMax, true);
  std::optional<std::string> type =
      input.Enum("ShardIteratorType",
                 {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"}, true);
  std::optional<std::string> sequence_text = input.String("SequenceNumber", 21, 40);
  KUMO_RETURN_IF_ERROR(input.Check());
  KUMO_ASSIGN_OR_RETURN(StreamInfo info, ctx.store.Describe(*arn));
  if (*shard_id != info.shard_id) return ShardNotFound(*shard_id, *arn);

  PositionType position_type = PositionType::kTrimHorizon;
  uint64_t sequence = 0;
  if (*type == "LATEST") {
    position_type = PositionType::kLatest;
  } else if (*type != "TRIM_HORIZON") {
    position_type =
        *type == "AT_SEQUENCE_NUMBER" ? PositionType::kAtSequence : PositionType::kAfterSequence;
    if (!sequence_text) {
      return ValidationError("SequenceNumber is required for ShardIteratorType " + *type);
    }
    std::optional<uint64_t> parsed = ParseSequence(*sequence_text);
    if (!parsed) return ValidationError("Invalid SequenceNumber: " + *sequence_text);
    sequence = *parsed;
  }  // TRIM_HORIZON and LATEST ignore a SequenceNumber
  KUMO_ASSIGN_OR_RETURN(uint64_t position, ctx.store.StartPosition(*arn, position_type, sequence));
  std::string iterator = EncodeShardIterator(
      ShardIteratorToken{*arn, info.shard_id, position, ctx.store.clock().NowMillis()});
  return kumo::ToJson(boost::json::object{{"ShardIterator", iterator}});
}

Output GetRecords(OpContext& ctx) {
  Input input(ctx.input);
  std::optional<std::string> iterator = input.String("ShardIterator", 1, 2048, true);
  std::optional<int64_t> limit = input.Int("Limit", 1, 1000);
  KUMO_RETURN_IF_ERROR(input.Check());
  KUMO_ASSIGN_OR_RETURN(ShardIteratorToken token, DecodeShardIterator(*iterator));
  int64_t now = ctx.store.clock().NowMillis();
  if (now - token.issued_millis > kIteratorLifetimeMillis) {
    return Error{400, "ExpiredIteratorException",
                 "Iterator expired. The iterator was created at time " +
                     FormatIso8601(token.issued_millis, true) + " while right now it is " +
                     FormatIso8601(now, true) +
                     " which is further in the future than the tolerated delay of " +
                     std::to_string(kIteratorLifetimeMillis) + " milliseconds."};
  }
  KUMO_ASSIGN_OR_RETURN(RecordPage page,
                        ctx.store.ReadAfter(token.stream_arn, token.position,
                                            static_cast<size_t>(limit.value_or(1000))));
  std::string body = R"({"Records":[)";
  for (size_t i = 0; i < page.records.size(); ++i) {
    if (i > 0) body += ',';
    body += page.records[i].json;
  }
  body += ']';
  if (!page.closed) {
    token.position = page.position;
    token.issued_millis = now;
    body += R"(,"NextShardIterator":")";
    body += EncodeShardIterator(token);  // base64: nothing to escape
    body += '"';
  }
  body += '}';
  return body;
}

using Operation = Output (*)(OpContext&);

const std::unordered_map<std::string_view, Operation>& Operations() {
  static const std::unordered_map<std::string_view, Operation> operations = {
      {"ListStreams", &ListStreams},
      {"DescribeStream", &DescribeStream},
      {"GetShardIterator", &GetShardIterator},
      {"GetRecords", &GetRecords},
  };
  return operations;
}

void Handle(StreamStore& store, edge::Call call, edge::Responder responder) {
  auto op = Operations().find(call.operation);
  if (op == Operations().end()) {
    return responder.Fail(
        Error{400, "UnknownOperationException",
              "Kumo does not implement the DynamoDB Streams operation '" + call.operation + "'"});
  }
  Result<boost::json::object> input = ParseJsonObject(call.request.body);
  if (!input.ok()) return responder.Fail(input.error());
  std::string region = call.request.region.empty() ? "us-east-1" : call.request.region;
  OpContext ctx{store, region, *input};
  Output output = op->second(ctx);
  if (!output.ok()) return responder.Fail(output.error());
  edge::Response response = edge::Response::Json(200, std::move(output).value());
  response.headers.Set("Content-Type", "application/x-amz-json-1.0");
  responder.Send(std::move(response));
}

}  // namespace

edge::ServiceDescriptor StreamsService(StreamStore& store) {
  edge::ServiceDescriptor service;
  service.name = "dynamodbstreams";
  service.protocol = edge::Protocol::kJson;
  service.signing_names = {"dynamodb"};
  service.target_prefixes = {"DynamoDBStreams_20120810"};
  service.handler = [&store](edge::Call call, edge::Responder responder) {
    Handle(store, std::move(call), std::move(responder));
  };
  return service;
}

}  // namespace kumo::tables::streams

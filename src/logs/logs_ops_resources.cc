// Log groups, log streams, retention policies and tags.
#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <set>

#include "logs/logs_input.h"
#include "logs/logs_ops.h"

namespace kumo::logs {
namespace {

constexpr int64_t kDefaultDescribeLimit = 50;
constexpr std::array<int64_t, 22> kRetentionDays = {1,    3,    5,    7,    14,   30,  60,  90,
                                                    120,  150,  180,  365,  400,  545, 731, 1096,
                                                    1827, 2192, 2557, 2922, 3288, 3653};

boost::json::object GroupJson(const LogGroupInfo& group, bool names_only) {
  boost::json::object out{{"logGroupName", group.name},
                          {"creationTime", group.creation_time},
                          {"arn", group.arn + ":*"}};
  if (names_only) return out;
  if (group.retention_in_days) out["retentionInDays"] = *group.retention_in_days;
  out["metricFilterCount"] = 0;
  out["storedBytes"] = group.stored_bytes;
  out["logGroupClass"] = group.log_group_class;
  out["logGroupArn"] = group.arn;
  return out;
}

boost::json::object StreamJson(const LogStreamInfo& stream) {
  boost::json::object out{{"logStreamName", stream.name},
                          {"creationTime", stream.creation_time},
                          {"arn", stream.arn},
                          // Deprecated for streams in 2019: AWS always reports 0.
                          {"storedBytes", 0}};
  if (stream.first_event_timestamp) out["firstEventTimestamp"] = *stream.first_event_timestamp;
  if (stream.last_event_timestamp) out["lastEventTimestamp"] = *stream.last_event_timestamp;
  if (stream.last_ingestion_time) out["lastIngestionTime"] = *stream.last_ingestion_time;
  return out;
}

boost::json::object TagsJson(const Tags& tags) {
  boost::json::object out;
  for (const auto& [key, value] : tags) out[key] = value;
  return out;
}

// The log group named by a tagging ARN; its problems are recorded in `input`.
GroupRef ReadResourceArn(Input& input) {
  std::optional<std::string> arn = input.String("resourceArn", kResourceArnRule, true);
  if (!arn) return {};
  std::optional<GroupRef> group = ParseGroupArn(*arn);
  if (!group) {
    input.Fail(InvalidParameter("Kumo supports tags on log groups only; '" + *arn +
                                "' is not a log group ARN"));
    return {};
  }
  return *group;
}

void ReplyTags(OpContext& ctx, const GroupRef& group) {
  Result<LogGroupInfo> info = ctx.store.DescribeGroup(group);
  if (!info.ok()) return ctx.reply(info.error());
  ctx.reply(boost::json::object{{"tags", TagsJson(info->tags)}});
}

// The order DescribeLogStreams pages through: (last event time or 0, name).
using StreamKey = std::pair<int64_t, std::string>;

Result<StreamKey> DecodeStreamToken(std::string_view token) {
  KUMO_ASSIGN_OR_RETURN(std::string payload, DecodeToken(token));
  size_t slash = payload.find('/');
  if (slash == std::string::npos) return InvalidToken();
  char* end = nullptr;
  std::string number = payload.substr(0, slash);
  int64_t time = std::strtoll(number.c_str(), &end, 10);
  if (number.empty() || end != number.c_str() + number.size()) return InvalidToken();
  return StreamKey{time, payload.substr(slash + 1)};
}

// CreateLogStream and DeleteLogStream: read the group and stream, then `change`.
void OnStream(OpContext& ctx, void (LogStore::*change)(const GroupRef&, std::string_view, Done)) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  std::optional<std::string> stream = in.String("logStreamName", kLogStreamNameRule, true);
  if (Rejected(ctx, in)) return;
  (ctx.store.*change)(group, *stream, ReplyEmpty(ctx.reply));
}

}  // namespace

void CreateLogGroup(OpContext& ctx) {
  Input in(ctx.input);
  std::optional<std::string> name = in.String("logGroupName", kLogGroupNameRule, true);
  in.String("kmsKeyId", StringRule{0, 256, "", nullptr});
  std::optional<Tags> tags = in.TagMap("tags");
  std::optional<std::string> log_class =
      in.Enum("logGroupClass", {"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"});
  in.Bool("deletionProtectionEnabled");
  if (Rejected(ctx, in)) return;
  ctx.store.CreateGroup(GroupRef{ctx.region, *name}, tags.value_or(Tags()),
                        log_class.value_or("STANDARD"), ReplyEmpty(ctx.reply));
}

void DeleteLogGroup(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  if (Rejected(ctx, in)) return;
  ctx.store.DeleteGroup(group, ReplyEmpty(ctx.reply));
}

void DescribeLogGroups(OpContext& ctx) {
  Input in(ctx.input);
  std::optional<std::string> prefix = in.String("logGroupNamePrefix", kLogGroupNameRule);
  std::optional<std::string> pattern = in.String("logGroupNamePattern", kLogGroupNamePatternRule);
  std::optional<std::string> token = in.String("nextToken", kNextTokenRule);
  std::optional<int64_t> limit = in.Int("limit", 1, 50);
  std::optional<std::string> log_class =
      in.Enum("logGroupClass", {"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"});
  std::optional<std::vector<std::string>> identifiers =
      in.StringList("logGroupIdentifiers", kLogGroupIdentifierRule, 1, 50);
  in.Bool("includeLinkedAccounts");
  if (prefix && pattern) {
    in.Fail(InvalidParameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."));
  }
  if (identifiers && (prefix || pattern)) {
    in.Fail(InvalidParameter(
        "logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern."));
  }
  if (Rejected(ctx, in)) return;
  std::string after;
  if (token) {
    Result<std::string> decoded = DecodeToken(*token);
    if (!decoded.ok()) return ctx.reply(decoded.error());
    after = *decoded;
  }
  std::set<std::string, std::less<>> names;
  for (const std::string& identifier : identifiers.value_or(std::vector<std::string>())) {
    std::optional<GroupRef> group = ParseGroupArn(identifier);
    if (!group) {
      names.insert(identifier);
    } else if (group->region == ctx.region) {
      names.insert(group->name);
    }
  }
  GroupPage page = ctx.store.ListGroups(
      ctx.region, prefix.value_or(""), after,
      static_cast<size_t>(limit.value_or(kDefaultDescribeLimit)), [&](const LogGroupInfo& group) {
        return (!pattern || group.name.find(*pattern) != std::string::npos) &&
               (!log_class || group.log_group_class == *log_class) &&
               (!identifiers || names.contains(group.name));
      });
  boost::json::array groups;
  for (const LogGroupInfo& group : page.groups)
    groups.push_back(GroupJson(group, pattern.has_value()));
  boost::json::object out{{"logGroups", std::move(groups)}};
  if (page.more) out["nextToken"] = EncodeToken(page.groups.back().name);
  ctx.reply(std::move(out));
}

void CreateLogStream(OpContext& ctx) { OnStream(ctx, &LogStore::CreateStream); }

void DeleteLogStream(OpContext& ctx) { OnStream(ctx, &LogStore::DeleteStream); }

void DescribeLogStreams(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/true);
  std::optional<std::string> prefix = in.String("logStreamNamePrefix", kLogStreamNameRule);
  std::optional<std::string> order = in.Enum("orderBy", {"LogStreamName", "LastEventTime"});
  bool descending = in.Bool("descending").value_or(false);
  std::optional<std::string> token = in.String("nextToken", kNextTokenRule);
  std::optional<int64_t> limit = in.Int("limit", 1, 50);
  bool by_time = order == "LastEventTime";
  if (by_time && prefix) {
    in.Fail(InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix."));
  }
  if (Rejected(ctx, in)) return;
  std::optional<StreamKey> after;
  if (token) {
    Result<StreamKey> decoded = DecodeStreamToken(*token);
    if (!decoded.ok()) return ctx.reply(decoded.error());
    after = *decoded;
  }
  Result<std::vector<LogStreamInfo>> streams = ctx.store.ListStreams(group);
  if (!streams.ok()) return ctx.reply(streams.error());
  auto key_of = [by_time](const LogStreamInfo& stream) {
    return StreamKey{by_time ? stream.last_event_timestamp.value_or(0) : 0, stream.name};
  };
  auto before = [descending](const StreamKey& a, const StreamKey& b) {
    return descending ? b < a : a < b;
  };
  std::vector<LogStreamInfo>& all = *streams;
  std::erase_if(all, [&](const LogStreamInfo& stream) {
    return (prefix && !stream.name.starts_with(*prefix)) ||
           (after && !before(*after, key_of(stream)));
  });
  std::sort(all.begin(), all.end(), [&](const LogStreamInfo& a, const LogStreamInfo& b) {
    return before(key_of(a), key_of(b));
  });
  size_t count = std::min(all.size(), static_cast<size_t>(limit.value_or(kDefaultDescribeLimit)));
  boost::json::array out_streams;
  for (size_t i = 0; i < count; ++i) out_streams.push_back(StreamJson(all[i]));
  boost::json::object out{{"logStreams", std::move(out_streams)}};
  if (count < all.size()) {
    StreamKey last = key_of(all[count - 1]);
    out["nextToken"] = EncodeToken(std::to_string(last.first) + "/" + last.second);
  }
  ctx.reply(std::move(out));
}

void PutRetentionPolicy(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  std::optional<int64_t> days = in.Int("retentionInDays", INT64_MIN, INT64_MAX, true);
  if (days &&
      std::find(kRetentionDays.begin(), kRetentionDays.end(), *days) == kRetentionDays.end()) {
    std::vector<std::string> allowed;
    for (int64_t value : kRetentionDays) allowed.push_back(std::to_string(value));
    in.Violation("retentionInDays", "'" + std::to_string(*days) + "'", EnumConstraint(allowed));
  }
  if (Rejected(ctx, in)) return;
  ctx.store.SetRetention(group, static_cast<int32_t>(*days), ReplyEmpty(ctx.reply));
}

void DeleteRetentionPolicy(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  if (Rejected(ctx, in)) return;
  ctx.store.SetRetention(group, std::nullopt, ReplyEmpty(ctx.reply));
}

void TagResource(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadResourceArn(in);
  std::optional<Tags> tags = in.TagMap("tags", true);
  if (Rejected(ctx, in)) return;
  ctx.store.TagGroup(group, *tags, ReplyEmpty(ctx.reply));
}

void UntagResource(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadResourceArn(in);
  std::optional<std::vector<std::string>> keys = in.StringList("tagKeys", kTagKeyRule, 0, 50, true);
  if (Rejected(ctx, in)) return;
  ctx.store.UntagGroup(group, *keys, ReplyEmpty(ctx.reply));
}

void ListTagsForResource(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadResourceArn(in);
  if (Rejected(ctx, in)) return;
  ReplyTags(ctx, group);
}

void TagLogGroup(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  std::optional<Tags> tags = in.TagMap("tags", true);
  if (Rejected(ctx, in)) return;
  ctx.store.TagGroup(group, *tags, ReplyEmpty(ctx.reply));
}

void UntagLogGroup(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  std::optional<std::vector<std::string>> keys =
      in.StringList("tags", kTagKeyRule, 1, SIZE_MAX, true);
  if (Rejected(ctx, in)) return;
  ctx.store.UntagGroup(group, *keys, ReplyEmpty(ctx.reply));
}

void ListTagsLogGroup(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  if (Rejected(ctx, in)) return;
  ReplyTags(ctx, group);
}

}  // namespace kumo::logs

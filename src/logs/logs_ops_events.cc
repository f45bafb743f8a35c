// PutLogEvents, GetLogEvents and FilterLogEvents.
#include <boost/json/array.hpp>

#include "logs/filter_pattern.h"
#include "logs/logs_input.h"
#include "logs/logs_ops.h"

namespace kumo::logs {
namespace {

constexpr size_t kMaxBatchEvents = 10000;
constexpr size_t kMaxBatchBytes = 1048576;
constexpr size_t kEventOverhead = 26;
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kMaxPastAge = 14 * kDay;
constexpr int64_t kMaxFutureSkew = 2 * kHour;
constexpr int64_t kMaxBatchSpan = kDay;

// The events of a PutLogEvents request; problems are recorded in `in`.
std::vector<LogEvent> ReadEvents(Input& in) {
  std::vector<LogEvent> events;
  const boost::json::value* raw = in.Raw("logEvents", true);
  if (raw == nullptr) return events;
  if (!raw->is_array()) {
    in.Fail(Error{400, "SerializationException", "Value for 'logEvents' must be a list"});
    return events;
  }
  const boost::json::array& list = raw->as_array();
  if (list.empty() || list.size() > kMaxBatchEvents) {
    in.Violation("logEvents", "'[...]'",
                 list.empty() ? "Member must have length greater than or equal to 1"
                              : "Member must have length less than or equal to 10000");
    return events;
  }
  events.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string member = "logEvents." + std::to_string(i + 1) + ".member";
    if (!list[i].is_object()) {
      in.Fail(Error{400, "SerializationException", "Value for '" + member + "' must be an object"});
      return events;
    }
    Input event(list[i].as_object(), member + ".");
    std::optional<int64_t> timestamp = event.Int("timestamp", INT64_MIN, INT64_MAX, true);
    std::optional<std::string> message =
        event.String("message", StringRule{1, SIZE_MAX, "", nullptr}, true);
    Status status = event.Check();
    if (!status.ok()) {
      in.Fail(status.error());
      return events;
    }
    events.push_back(LogEvent{*timestamp, std::move(*message)});
  }
  return events;
}

// "f/<56 digits>[/s]" or "b/...": the direction and the position.
std::optional<std::pair<bool, EventPosition>> ParseGetToken(std::string_view token) {
  if (token.size() < 2 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/') {
    return std::nullopt;
  }
  bool forward = token[0] == 'f';
  token.remove_prefix(2);
  if (token.ends_with("/s")) token.remove_suffix(2);
  std::optional<EventPosition> position = ParsePosition(token);
  if (!position) return std::nullopt;
  return std::make_pair(forward, *position);
}

std::string GetToken(char direction, EventPosition position) {
  return std::string(1, direction) + "/" + FormatPosition(position) + "/s";
}

}  // namespace

void PutLogEvents(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/false);
  std::optional<std::string> stream = in.String("logStreamName", kLogStreamNameRule, true);
  in.String("sequenceToken", kNextTokenRule);  // ignored, as AWS now does
  std::vector<LogEvent> events = ReadEvents(in);
  if (Rejected(ctx, in)) return;

  size_t bytes = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    bytes += events[i].message.size() + kEventOverhead;
    if (i > 0 && events[i].timestamp < events[i - 1].timestamp) {
      return ctx.reply(InvalidParameter(
          "Log events in a single PutLogEvents request must be in chronological order."));
    }
  }
  if (bytes > kMaxBatchBytes) {
    return ctx.reply(InvalidParameter("Upload too large: " + std::to_string(bytes) +
                                      " bytes exceeds limit of " + std::to_string(kMaxBatchBytes)));
  }
  Result<LogGroupInfo> info = ctx.store.DescribeGroup(group);
  if (!info.ok()) return ctx.reply(info.error());

  // In chronological order, rejected events are a prefix (too old, then
  // expired) and a suffix (too new).
  const int64_t now = ctx.store.clock().NowMillis();
  const int64_t too_old = now - kMaxPastAge;
  const int64_t expired =
      info->retention_in_days ? now - *info->retention_in_days * kDay : INT64_MIN;
  size_t old_end = 0, expired_end = 0, new_start = events.size();
  while (old_end < events.size() && events[old_end].timestamp < too_old) ++old_end;
  expired_end = old_end;
  while (expired_end < events.size() && events[expired_end].timestamp < expired) ++expired_end;
  while (new_start > expired_end && events[new_start - 1].timestamp > now + kMaxFutureSkew) {
    --new_start;
  }
  if (new_start > expired_end &&
      events[new_start - 1].timestamp - events[expired_end].timestamp > kMaxBatchSpan) {
    return ctx.reply(InvalidParameter(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 "
        "hours."));
  }
  boost::json::object rejected;
  if (old_end > 0) rejected["tooOldLogEventEndIndex"] = old_end;
  if (expired_end > old_end) rejected["expiredLogEventEndIndex"] = expired_end;
  if (new_start < events.size()) rejected["tooNewLogEventStartIndex"] = new_start;
  std::vector<LogEvent> accepted(std::make_move_iterator(events.begin() + expired_end),
                                 std::make_move_iterator(events.begin() + new_start));
  ctx.store.Put(group, *stream, std::move(accepted),
                [reply = ctx.reply, rejected = std::move(rejected)](Status status) {
                  if (!status.ok()) return reply(status.error());
                  boost::json::object out;
                  if (!rejected.empty()) out["rejectedLogEventsInfo"] = rejected;
                  reply(std::move(out));
                });
}

void GetLogEvents(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/true);
  std::optional<std::string> stream = in.String("logStreamName", kLogStreamNameRule, true);
  EventQuery query;
  query.start_time = in.Int("startTime", 0, INT64_MAX);
  query.end_time = in.Int("endTime", 0, INT64_MAX);
  std::optional<std::string> token = in.String("nextToken", kNextTokenRule);
  query.limit = static_cast<size_t>(in.Int("limit", 1, 10000).value_or(10000));
  query.from_head = in.Bool("startFromHead").value_or(false);
  in.Bool("unmask");
  if (Rejected(ctx, in)) return;
  if (token) {
    auto parsed = ParseGetToken(*token);
    if (!parsed) return ctx.reply(InvalidToken());
    query.from_head = parsed->first;
    query.cursor = parsed->second;
  }
  Result<std::vector<StoredEvent>> events = ctx.store.GetEvents(group, *stream, query);
  if (!events.ok()) return ctx.reply(events.error());
  boost::json::array out_events;
  for (const StoredEvent& event : *events) {
    out_events.push_back(boost::json::object{{"timestamp", event.timestamp},
                                             {"message", event.message},
                                             {"ingestionTime", event.ingestion_time}});
  }
  boost::json::object out{{"events", std::move(out_events)}};
  if (!events->empty()) {
    out["nextForwardToken"] = GetToken('f', events->back().position());
    out["nextBackwardToken"] = GetToken('b', events->front().position());
  } else {
    // At the end: the token passed in comes back, as AWS does.
    EventPosition at = query.cursor.value_or(EventPosition{});
    out["nextForwardToken"] = token && query.from_head ? *token : GetToken('f', at);
    out["nextBackwardToken"] = token && !query.from_head ? *token : GetToken('b', at);
  }
  ctx.reply(std::move(out));
}

void FilterLogEvents(OpContext& ctx) {
  Input in(ctx.input);
  GroupRef group = ReadGroup(in, ctx.region, /*allow_identifier=*/true);
  FilterQuery query;
  std::optional<std::vector<std::string>> names =
      in.StringList("logStreamNames", kLogStreamNameRule, 1, 100);
  std::optional<std::string> prefix = in.String("logStreamNamePrefix", kLogStreamNameRule);
  query.start_time = in.Int("startTime", 0, INT64_MAX);
  query.end_time = in.Int("endTime", 0, INT64_MAX);
  std::optional<std::string> pattern = in.String("filterPattern", StringRule{0, 1024, "", nullptr});
  std::optional<std::string> token = in.String("nextToken", kNextTokenRule);
  query.limit = static_cast<size_t>(in.Int("limit", 1, 10000).value_or(10000));
  in.Bool("interleaved");
  in.Bool("unmask");
  if (names && prefix) {
    in.Fail(InvalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."));
  }
  if (Rejected(ctx, in)) return;
  Result<FilterPattern> compiled = FilterPattern::Parse(pattern.value_or(""));
  if (!compiled.ok()) return ctx.reply(compiled.error());
  if (token) {
    Result<std::string> payload = DecodeToken(*token);
    query.after = payload.ok() ? ParsePosition(*payload) : std::nullopt;
    if (!query.after) return ctx.reply(InvalidToken());
  }
  query.stream_names = names.value_or(std::vector<std::string>());
  query.stream_prefix = prefix.value_or("");
  if (!compiled->MatchesEverything()) {
    query.match = [pattern = *compiled](std::string_view message) {
      return pattern.Matches(message);
    };
  }
  Result<FilterPage> page = ctx.store.FilterEvents(group, query);
  if (!page.ok()) return ctx.reply(page.error());
  boost::json::array out_events;
  for (const FilteredEvent& found : page->events) {
    out_events.push_back(boost::json::object{{"logStreamName", found.stream},
                                             {"timestamp", found.event.timestamp},
                                             {"message", found.event.message},
                                             {"ingestionTime", found.event.ingestion_time},
                                             {"eventId", FormatPosition(found.event.position())}});
  }
  // searchedLogStreams has been empty on AWS since 2020.
  boost::json::object out{{"events", std::move(out_events)},
                          {"searchedLogStreams", boost::json::array()}};
  if (page->more)
    out["nextToken"] = EncodeToken(FormatPosition(page->events.back().event.position()));
  ctx.reply(std::move(out));
}

}  // namespace kumo::logs

// LogStore reads: describing groups and streams, reading one stream, and
// filtering several streams interleaved by time.
#include <algorithm>
#include <queue>

#include "logs/log_store.h"

namespace kumo::logs {
namespace {

constexpr size_t kEventOverhead = 26;  // bytes AWS counts per event

LogGroupInfo GroupInfo(const std::string& region, const std::string& name, const GroupMeta& meta) {
  LogGroupInfo info;
  info.name = name;
  info.arn = LogGroupArn(region, name);
  info.creation_time = meta.creation_time;
  info.retention_in_days = meta.retention_in_days;
  info.log_group_class = meta.log_group_class;
  info.tags = meta.tags;
  for (const auto& [stream, stream_meta] : meta.streams)
    info.stored_bytes += stream_meta.stored_bytes;
  return info;
}

StoredEvent DecodeEvent(EventPosition position, std::string_view value) {
  StoredEvent event;
  event.timestamp = position.timestamp;
  event.sequence = position.sequence;
  if (value.size() >= 8) {
    event.ingestion_time = static_cast<int64_t>(keys::ReadBigEndian64(value));
    event.message = std::string(value.substr(8));
  }
  return event;
}

// The key range of one stream's events with timestamps in [lower, upper).
storage::ReadOptions EventRange(const std::string& prefix, int64_t lower,
                                std::optional<int64_t> upper) {
  storage::ReadOptions range;
  range.lower_bound = prefix + keys::EventSuffix({lower, 0});
  range.upper_bound = upper ? prefix + keys::EventSuffix({std::max<int64_t>(0, *upper), 0})
                            : keys::PrefixEnd(prefix);
  return range;
}

// Positions `it` on the first event strictly after `key`.
void SeekAfter(storage::Iterator& it, const storage::ReadOptions& range, const std::string& key) {
  it.Seek(std::max(key, range.lower_bound));
  if (it.Valid() && it.key() == key) it.Next();
}

}  // namespace

Result<LogGroupInfo> LogStore::DescribeGroup(const GroupRef& group) const {
  std::lock_guard lock(mu_);
  Error error;
  const GroupMeta* meta = FindGroupLocked(group, &error);
  if (meta == nullptr) return error;
  return GroupInfo(group.region, group.name, *meta);
}

GroupPage LogStore::ListGroups(std::string_view region, std::string_view prefix,
                               std::string_view after, size_t limit,
                               const std::function<bool(const LogGroupInfo&)>& keep) const {
  GroupPage page;
  std::lock_guard lock(mu_);
  std::string start(std::max(prefix, after));
  for (auto it = groups_.lower_bound(GroupKey{std::string(region), start}); it != groups_.end();
       ++it) {
    const auto& [region_name, name] = it->first;
    if (region_name != region || !name.starts_with(prefix)) break;
    if (name == after) continue;
    LogGroupInfo info = GroupInfo(region_name, name, it->second);
    if (keep && !keep(info)) continue;
    if (page.groups.size() == limit) {
      page.more = true;
      break;
    }
    page.groups.push_back(std::move(info));
  }
  return page;
}

Result<std::vector<LogStreamInfo>> LogStore::ListStreams(const GroupRef& group) const {
  std::lock_guard lock(mu_);
  Error error;
  const GroupMeta* meta = FindGroupLocked(group, &error);
  if (meta == nullptr) return error;
  std::vector<LogStreamInfo> streams;
  streams.reserve(meta->streams.size());
  for (const auto& [name, stream] : meta->streams) {
    streams.push_back(LogStreamInfo{name, LogStreamArn(group.region, group.name, name),
                                    stream.creation_time, stream.first_event_timestamp,
                                    stream.last_event_timestamp, stream.last_ingestion_time,
                                    stream.stored_bytes});
  }
  return streams;
}

Result<std::vector<StoredEvent>> LogStore::GetEvents(const GroupRef& group, std::string_view stream,
                                                     const EventQuery& query) const {
  int64_t floor = 0;
  {
    std::lock_guard lock(mu_);
    Error error;
    const GroupMeta* meta = FindGroupLocked(group, &error);
    if (meta == nullptr || FindStreamLocked(*meta, stream, &error) == nullptr) return error;
    floor = RetentionFloor(*meta);
  }
  std::vector<StoredEvent> events;
  const int64_t lower = std::max(floor, query.start_time.value_or(0));
  if (query.end_time && *query.end_time <= lower) return events;
  const std::string prefix = keys::EventPrefix(group.region, group.name, stream);
  const storage::ReadOptions range = EventRange(prefix, lower, query.end_time);
  std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_, range);
  const std::string cursor = query.cursor ? prefix + keys::EventSuffix(*query.cursor) : "";
  if (query.from_head) {
    if (query.cursor) {
      SeekAfter(*it, range, cursor);
    } else {
      it->SeekToFirst();
    }
  } else if (query.cursor && cursor <= range.lower_bound) {
    return events;  // nothing lies before the cursor
  } else if (query.cursor && cursor < range.upper_bound) {
    it->SeekForPrev(cursor);
    if (it->Valid() && it->key() == cursor) it->Prev();
  } else {
    it->SeekToLast();
  }
  size_t bytes = 0;
  while (it->Valid() && events.size() < query.limit) {
    std::optional<EventPosition> position = keys::ParseEventPosition(it->key(), prefix.size());
    if (!position) return Internal("logs: malformed event key");
    bytes += it->value().size() - 8 + kEventOverhead;
    if (bytes > query.max_bytes && !events.empty()) break;
    events.push_back(DecodeEvent(*position, it->value()));
    if (query.from_head) {
      it->Next();
    } else {
      it->Prev();
    }
  }
  KUMO_RETURN_IF_ERROR(it->status());
  if (!query.from_head) std::reverse(events.begin(), events.end());
  return events;
}

Result<FilterPage> LogStore::FilterEvents(const GroupRef& group, const FilterQuery& query) const {
  FilterPage page;
  int64_t lower = 0;
  std::vector<std::string> streams;
  {
    std::lock_guard lock(mu_);
    Error error;
    const GroupMeta* meta = FindGroupLocked(group, &error);
    if (meta == nullptr) return error;
    lower = std::max(RetentionFloor(*meta), query.start_time.value_or(0));
    for (const auto& [name, stream] : meta->streams) {
      if (!query.stream_names.empty() &&
          std::find(query.stream_names.begin(), query.stream_names.end(), name) ==
              query.stream_names.end()) {
        continue;
      }
      if (!name.starts_with(query.stream_prefix)) continue;
      // Streams whose events all lie outside the range are not opened.
      if (!stream.last_event_timestamp || *stream.last_event_timestamp < lower) continue;
      if (query.end_time && stream.first_event_timestamp &&
          *stream.first_event_timestamp > *query.end_time) {
        continue;
      }
      streams.push_back(name);
    }
  }
  if (query.end_time && *query.end_time < lower) return page;
  // One iterator per stream, merged by position (unique across streams).
  struct Cursor {
    std::string prefix;
    std::unique_ptr<storage::Iterator> it;
  };
  std::vector<Cursor> cursors;
  using Head = std::pair<EventPosition, size_t>;  // (position, cursor index)
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  auto push_head = [&](size_t index) -> Status {
    Cursor& cursor = cursors[index];
    if (!cursor.it->Valid()) return cursor.it->status();
    std::optional<EventPosition> position =
        keys::ParseEventPosition(cursor.it->key(), cursor.prefix.size());
    if (!position) return Internal("logs: malformed event key");
    heads.push({*position, index});
    return Status::Ok();
  };
  std::optional<int64_t> upper;
  if (query.end_time) upper = *query.end_time + 1;  // endTime is inclusive here
  for (const std::string& name : streams) {
    std::string prefix = keys::EventPrefix(group.region, group.name, name);
    storage::ReadOptions range = EventRange(prefix, lower, upper);
    std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_, range);
    if (query.after) {
      SeekAfter(*it, range, prefix + keys::EventSuffix(*query.after));
    } else {
      it->SeekToFirst();
    }
    cursors.push_back(Cursor{std::move(prefix), std::move(it)});
    KUMO_RETURN_IF_ERROR(push_head(cursors.size() - 1));
  }
  size_t bytes = 0;
  while (!heads.empty()) {
    auto [position, index] = heads.top();
    heads.pop();
    Cursor& cursor = cursors[index];
    std::string_view value = cursor.it->value();
    std::string_view message = value.size() >= 8 ? value.substr(8) : std::string_view();
    if (!query.match || query.match(message)) {
      bytes += message.size() + kEventOverhead;
      if (page.events.size() == query.limit || (bytes > query.max_bytes && !page.events.empty())) {
        page.more = true;
        break;
      }
      page.events.push_back(FilteredEvent{streams[index], DecodeEvent(position, value)});
    }
    cursor.it->Next();
    KUMO_RETURN_IF_ERROR(push_head(index));
  }
  return page;
}

}  // namespace kumo::logs

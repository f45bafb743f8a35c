// LogStore: CloudWatch Logs' data model (log groups, log streams, events)
// kept in the Store family "logs", and the append path the function runtime
// writes every invocation's output to.
//
// Groups and streams are per region, as in AWS. Their metadata lives in
// memory (loaded at Open, written through on every change); events live only
// in the Store, one contiguous key range per stream ordered by (timestamp,
// arrival sequence), so reading a time range of a stream is one range scan.
//
// Writes never block the caller: they are applied to the in-memory metadata
// at once, queued with Store::WriteAsync, and `done` runs once they are
// durable. Reads are synchronous range scans and see an event once its write
// is durable. Events older than a group's retention are skipped on read and
// deleted by a periodic sweep.
//
// Errors are AWS CloudWatch Logs errors, ready for the wire:
// ResourceNotFoundException, ResourceAlreadyExistsException,
// TooManyTagsException (all HTTP 400), or a 500 from the Store.
//
// Thread-safety: every method is safe from any thread. `done` callbacks and
// listeners run on a Store thread (or, when the Store is closed, on the
// calling thread after every LogStore lock is released); they must be short.
// The Store must outlive the LogStore. Destroying the LogStore stops the
// sweep and waits for its queued writes' callbacks; destroy it before
// closing the Store.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "logs/log_keys.h"
#include "logs/log_meta.h"
#include "storage/store.h"

namespace kumo::logs {

inline constexpr char kAccountId[] = "000000000000";

// arn:aws:logs:{region}:000000000000:log-group:{group} (AWS adds ":*" in
// LogGroup.arn and omits it in LogGroup.logGroupArn).
std::string LogGroupArn(std::string_view region, std::string_view group);
std::string LogStreamArn(std::string_view region, std::string_view group, std::string_view stream);

struct GroupRef {
  std::string region;
  std::string name;
};

using Tags = std::map<std::string, std::string>;
using Done = std::function<void(Status)>;

struct LogEvent {
  int64_t timestamp = 0;  // ms since the epoch
  std::string message;
};

struct StoredEvent {
  int64_t timestamp = 0;
  uint64_t sequence = 0;  // arrival order, unique in the store
  int64_t ingestion_time = 0;
  std::string message;
  EventPosition position() const { return {timestamp, sequence}; }
};

struct LogGroupInfo {
  std::string name;
  std::string arn;  // without ":*"
  int64_t creation_time = 0;
  std::optional<int32_t> retention_in_days;
  int64_t stored_bytes = 0;  // message bytes of the group's events
  std::string log_group_class;
  Tags tags;
};

struct LogStreamInfo {
  std::string name;
  std::string arn;
  int64_t creation_time = 0;
  std::optional<int64_t> first_event_timestamp;  // unset until the first event
  std::optional<int64_t> last_event_timestamp;
  std::optional<int64_t> last_ingestion_time;
  int64_t stored_bytes = 0;
};

struct GroupPage {
  std::vector<LogGroupInfo> groups;
  bool more = false;  // further groups follow the last one
};

// GetEvents: one stream, in either direction from an optional cursor.
struct EventQuery {
  std::optional<int64_t> start_time;  // inclusive
  std::optional<int64_t> end_time;    // exclusive
  // true: oldest first, after `cursor`; false: the newest events before
  // `cursor` (or the end). Events come back oldest first either way.
  bool from_head = false;
  std::optional<EventPosition> cursor;
  size_t limit = 10000;
  size_t max_bytes = 1048576;  // message bytes + 26 per event, as AWS counts
};

// FilterEvents: several streams of a group, interleaved by time.
struct FilterQuery {
  std::vector<std::string> stream_names;  // empty: every stream
  std::string stream_prefix;
  std::optional<int64_t> start_time;   // inclusive
  std::optional<int64_t> end_time;     // inclusive
  std::optional<EventPosition> after;  // resume strictly after this event
  size_t limit = 10000;
  size_t max_bytes = 1048576;
  std::function<bool(std::string_view message)> match;  // nullptr: every event
};

struct FilteredEvent {
  std::string stream;
  StoredEvent event;
};

struct FilterPage {
  std::vector<FilteredEvent> events;
  bool more = false;  // another matching event follows the last one
};

struct LogStoreOptions {
  const Clock* clock = &Clock::System();
  // How often events older than their group's retention are deleted. Zero:
  // no sweep thread (they are still never returned).
  std::chrono::milliseconds retention_sweep_interval = std::chrono::hours(1);
};

class LogStore {
 public:
  // Opens the "logs" family of `store` and loads every group and stream.
  static Result<std::unique_ptr<LogStore>> Open(storage::Store& store,
                                                LogStoreOptions options = {});
  ~LogStore();
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  // Control plane. `done` runs exactly once: with the error at once, or
  // with OK (or a Store error) once the change is durable.
  void CreateGroup(const GroupRef& group, Tags tags, std::string log_group_class, Done done);
  void DeleteGroup(const GroupRef& group, Done done);  // its streams and events too
  void CreateStream(const GroupRef& group, std::string_view stream, Done done);
  void DeleteStream(const GroupRef& group, std::string_view stream, Done done);
  void SetRetention(const GroupRef& group, std::optional<int32_t> days, Done done);
  // Adds or replaces tags; TooManyTagsException past 50 tags in all.
  void TagGroup(const GroupRef& group, const Tags& tags, Done done);
  void UntagGroup(const GroupRef& group, const std::vector<std::string>& keys, Done done);

  Result<LogGroupInfo> DescribeGroup(const GroupRef& group) const;
  // Groups of `region` whose names start with `prefix` and that `keep`
  // accepts (nullptr: all), by name, from the first after `after`
  // (exclusive; empty: from the start), at most `limit`.
  GroupPage ListGroups(std::string_view region, std::string_view prefix, std::string_view after,
                       size_t limit,
                       const std::function<bool(const LogGroupInfo&)>& keep = nullptr) const;
  // Every stream of the group, by name.
  Result<std::vector<LogStreamInfo>> ListStreams(const GroupRef& group) const;

  // PutLogEvents: the group and stream must exist. Events need not be in
  // order; timestamps below 0 are stored as 0.
  void Put(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events, Done done);
  // The runtime's path: like Put, but creates the group and the stream on
  // first use, as Lambda does for /aws/lambda/NAME. Never blocks on I/O.
  void Append(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events,
              Done done = nullptr);

  Result<std::vector<StoredEvent>> GetEvents(const GroupRef& group, std::string_view stream,
                                             const EventQuery& query) const;
  Result<FilterPage> FilterEvents(const GroupRef& group, const FilterQuery& query) const;

  // Tailing: `listener` gets every batch appended to `group` once it is
  // durable, in append order, until Unsubscribe. It runs on a Store thread,
  // must not block, and must not call Subscribe/Unsubscribe. Once
  // Unsubscribe returns the listener is not running and never runs again.
  using Listener =
      std::function<void(const std::string& stream, const std::vector<StoredEvent>& events)>;
  uint64_t Subscribe(const GroupRef& group, Listener listener);
  void Unsubscribe(uint64_t id);

  const Clock& clock() const { return *options_.clock; }

  // Deletes every event older than its group's retention and returns once
  // the deletions are durable. The sweep thread calls this; so can tests.
  Status SweepRetention();

 private:
  using GroupKey = std::pair<std::string, std::string>;  // (region, name)
  struct Subscription {
    GroupKey group;
    Listener listener;
  };
  class Locked;

  LogStore(storage::Store& store, storage::Family family, LogStoreOptions options);
  Status Load();
  void Write(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events,
             bool create, Done done);
  // Queues `batch` (with mu_ held, so batches reach the Store in the order
  // their changes were made in memory); `after` runs once it is durable.
  void CommitLocked(storage::WriteBatch batch, Done after);
  void FinishWrite();
  void Notify(const GroupKey& group, const std::string& stream,
              const std::vector<StoredEvent>& events);
  void UpdateGroup(const GroupRef& group, const std::function<Status(GroupMeta&)>& change,
                   Done done);
  // Find a group or a stream; nullptr with `error` set when it is missing.
  GroupMeta* FindGroupLocked(const GroupRef& group, Error* error);
  const GroupMeta* FindGroupLocked(const GroupRef& group, Error* error) const;
  static const StreamMeta* FindStreamLocked(const GroupMeta& group, std::string_view stream,
                                            Error* error);
  // The earliest timestamp a read may return under the group's retention.
  int64_t RetentionFloor(const GroupMeta& group) const;
  void PutGroupRecordLocked(storage::WriteBatch& batch, const GroupRef& group,
                            const GroupMeta& meta);
  void PutStreamRecordLocked(storage::WriteBatch& batch, const GroupRef& group,
                             std::string_view stream, const StreamMeta& meta);
  void SweepLoop();

  storage::Store& store_;
  const storage::Family family_;
  const LogStoreOptions options_;

  mutable std::mutex mu_;  // guards groups_, next_sequence_, in_flight_
  std::map<GroupKey, GroupMeta, std::less<>> groups_;
  uint64_t next_sequence_ = 1;
  size_t in_flight_ = 0;  // queued writes whose callbacks have not run
  std::condition_variable drained_;

  std::mutex listeners_mu_;  // held while listeners run
  std::map<uint64_t, Subscription> listeners_;
  uint64_t next_listener_id_ = 1;
  std::atomic<size_t> listener_count_{0};

  std::mutex sweep_mu_;  // one sweep at a time
  std::mutex stop_mu_;   // guards stop_
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread sweeper_;
};

}  // namespace kumo::logs

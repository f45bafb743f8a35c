// LogStore: opening, the write path (control plane, Put, Append), listeners
// and the retention sweep. Reads are in log_store_read.cc.
#include "logs/log_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "common/utf8.h"

namespace kumo::logs {
namespace {

constexpr int kMaxTags = 50;
constexpr int64_t kMillisPerDay = 86400000;

// Callbacks that became due while this thread held LogStore::mu_: they run
// once it is released, so a callback may call back into the LogStore.
thread_local std::vector<std::function<void()>>* t_deferred = nullptr;

Error GroupNotFound() {
  return Error{400, "ResourceNotFoundException", "The specified log group does not exist."};
}
Error StreamNotFound() {
  return Error{400, "ResourceNotFoundException", "The specified log stream does not exist."};
}

}  // namespace

std::string LogGroupArn(std::string_view region, std::string_view group) {
  return "arn:aws:logs:" + std::string(region) + ":" + kAccountId +
         ":log-group:" + std::string(group);
}

std::string LogStreamArn(std::string_view region, std::string_view group, std::string_view stream) {
  return LogGroupArn(region, group) + ":log-stream:" + std::string(stream);
}

// Holds mu_; callbacks queued while it is held run after it is released.
class LogStore::Locked {
 public:
  explicit Locked(const LogStore& store) : lock_(store.mu_), previous_(t_deferred) {
    t_deferred = &deferred_;
  }
  ~Locked() {
    t_deferred = previous_;
    lock_.unlock();
    for (auto& callback : deferred_) callback();
  }
  // Runs `done(status)` once the lock is released.
  void Answer(Done done, Status status) {
    if (done) deferred_.push_back([done = std::move(done), status] { done(status); });
  }

 private:
  std::unique_lock<std::mutex> lock_;
  std::vector<std::function<void()>>* previous_;
  std::vector<std::function<void()>> deferred_;
};

LogStore::LogStore(storage::Store& store, storage::Family family, LogStoreOptions options)
    : store_(store), family_(family), options_(options) {}

Result<std::unique_ptr<LogStore>> LogStore::Open(storage::Store& store, LogStoreOptions options) {
  KUMO_ASSIGN_OR_RETURN(storage::Family family, store.OpenFamily("logs"));
  std::unique_ptr<LogStore> logs(new LogStore(store, family, options));
  KUMO_RETURN_IF_ERROR(logs->Load());
  if (options.retention_sweep_interval.count() > 0) {
    logs->sweeper_ = std::thread([raw = logs.get()] { raw->SweepLoop(); });
  }
  return logs;
}

LogStore::~LogStore() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  std::unique_lock lock(mu_);
  drained_.wait(lock, [this] { return in_flight_ == 0; });
}

Status LogStore::Load() {
  auto scan = [&](const std::string& prefix, auto&& visit) -> Status {
    storage::ReadOptions range{nullptr, prefix, keys::PrefixEnd(prefix)};
    std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_, range);
    for (it->SeekToFirst(); it->Valid(); it->Next())
      KUMO_RETURN_IF_ERROR(visit(it->key(), it->value()));
    return it->status();
  };
  KUMO_RETURN_IF_ERROR(
      scan(keys::GroupPrefix(), [&](std::string_view key, std::string_view value) -> Status {
        std::optional<keys::Names> names = keys::ParseGroupKey(key);
        if (!names) return Internal("logs: malformed log group key");
        KUMO_ASSIGN_OR_RETURN(GroupMeta meta, DecodeGroupRecord(value));
        groups_[{names->region, names->group}] = std::move(meta);
        return Status::Ok();
      }));
  KUMO_RETURN_IF_ERROR(
      scan(keys::StreamPrefixAll(), [&](std::string_view key, std::string_view value) -> Status {
        std::optional<keys::Names> names = keys::ParseStreamKey(key);
        if (!names) return Internal("logs: malformed log stream key");
        auto group = groups_.find(GroupKey{names->region, names->group});
        if (group == groups_.end()) return Status::Ok();  // a stream of a deleted group
        KUMO_ASSIGN_OR_RETURN(StreamMeta meta, DecodeStreamRecord(value));
        group->second.streams[names->stream] = meta;
        return Status::Ok();
      }));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> sequence,
                        store_.Get(family_, keys::SequenceKey()));
  if (sequence && sequence->size() == 8) next_sequence_ = keys::ReadBigEndian64(*sequence) + 1;
  return Status::Ok();
}

void LogStore::CommitLocked(storage::WriteBatch batch, Done after) {
  ++in_flight_;
  store_.WriteAsync(std::move(batch), [this, after = std::move(after)](Status status) {
    auto finish = [this, after, status] {
      if (after) after(status);
      FinishWrite();
    };
    // Only a closed Store answers on the calling thread, inside Locked.
    if (t_deferred != nullptr) {
      t_deferred->push_back(std::move(finish));
    } else {
      finish();
    }
  });
}

void LogStore::FinishWrite() {
  std::lock_guard lock(mu_);
  if (--in_flight_ == 0) drained_.notify_all();
}

GroupMeta* LogStore::FindGroupLocked(const GroupRef& group, Error* error) {
  auto it = groups_.find(GroupKey{group.region, group.name});
  if (it != groups_.end()) return &it->second;
  *error = GroupNotFound();
  return nullptr;
}

const GroupMeta* LogStore::FindGroupLocked(const GroupRef& group, Error* error) const {
  return const_cast<LogStore*>(this)->FindGroupLocked(group, error);
}

const StreamMeta* LogStore::FindStreamLocked(const GroupMeta& group, std::string_view stream,
                                             Error* error) {
  auto it = group.streams.find(stream);
  if (it != group.streams.end()) return &it->second;
  *error = StreamNotFound();
  return nullptr;
}

void LogStore::PutGroupRecordLocked(storage::WriteBatch& batch, const GroupRef& group,
                                    const GroupMeta& meta) {
  batch.Put(family_, keys::GroupKey(group.region, group.name), EncodeGroupRecord(meta));
}

void LogStore::PutStreamRecordLocked(storage::WriteBatch& batch, const GroupRef& group,
                                     std::string_view stream, const StreamMeta& meta) {
  batch.Put(family_, keys::StreamKey(group.region, group.name, stream), EncodeStreamRecord(meta));
}

void LogStore::CreateGroup(const GroupRef& group, Tags tags, std::string log_group_class,
                           Done done) {
  Locked lock(*this);
  auto [it, inserted] = groups_.try_emplace(GroupKey{group.region, group.name});
  if (!inserted) {
    return lock.Answer(std::move(done), Error{400, "ResourceAlreadyExistsException",
                                              "The specified log group already exists"});
  }
  it->second.creation_time = options_.clock->NowMillis();
  it->second.tags = std::move(tags);
  if (!log_group_class.empty()) it->second.log_group_class = std::move(log_group_class);
  storage::WriteBatch batch;
  PutGroupRecordLocked(batch, group, it->second);
  CommitLocked(std::move(batch), std::move(done));
}

void LogStore::DeleteGroup(const GroupRef& group, Done done) {
  Locked lock(*this);
  if (groups_.erase(GroupKey{group.region, group.name}) == 0) {
    return lock.Answer(std::move(done), GroupNotFound());
  }
  storage::WriteBatch batch;
  batch.Delete(family_, keys::GroupKey(group.region, group.name));
  std::string streams = keys::StreamPrefix(group.region, group.name);
  batch.DeleteRange(family_, streams, keys::PrefixEnd(streams));
  std::string events = keys::GroupEventPrefix(group.region, group.name);
  batch.DeleteRange(family_, events, keys::PrefixEnd(events));
  CommitLocked(std::move(batch), std::move(done));
}

void LogStore::CreateStream(const GroupRef& group, std::string_view stream, Done done) {
  Locked lock(*this);
  Error error;
  GroupMeta* meta = FindGroupLocked(group, &error);
  if (meta == nullptr) return lock.Answer(std::move(done), error);
  auto [it, inserted] = meta->streams.try_emplace(std::string(stream));
  if (!inserted) {
    return lock.Answer(std::move(done), Error{400, "ResourceAlreadyExistsException",
                                              "The specified log stream already exists"});
  }
  it->second.creation_time = options_.clock->NowMillis();
  storage::WriteBatch batch;
  PutStreamRecordLocked(batch, group, stream, it->second);
  CommitLocked(std::move(batch), std::move(done));
}

void LogStore::DeleteStream(const GroupRef& group, std::string_view stream, Done done) {
  Locked lock(*this);
  Error error;
  GroupMeta* meta = FindGroupLocked(group, &error);
  if (meta == nullptr) return lock.Answer(std::move(done), error);
  auto it = meta->streams.find(stream);
  if (it == meta->streams.end()) return lock.Answer(std::move(done), StreamNotFound());
  meta->streams.erase(it);
  storage::WriteBatch batch;
  batch.Delete(family_, keys::StreamKey(group.region, group.name, stream));
  std::string events = keys::EventPrefix(group.region, group.name, stream);
  batch.DeleteRange(family_, events, keys::PrefixEnd(events));
  CommitLocked(std::move(batch), std::move(done));
}

void LogStore::UpdateGroup(const GroupRef& group, const std::function<Status(GroupMeta&)>& change,
                           Done done) {
  Locked lock(*this);
  Error error;
  GroupMeta* meta = FindGroupLocked(group, &error);
  if (meta == nullptr) return lock.Answer(std::move(done), error);
  GroupMeta changed = *meta;
  Status status = change(changed);
  if (!status.ok()) return lock.Answer(std::move(done), status);
  *meta = std::move(changed);
  storage::WriteBatch batch;
  PutGroupRecordLocked(batch, group, *meta);
  CommitLocked(std::move(batch), std::move(done));
}

void LogStore::SetRetention(const GroupRef& group, std::optional<int32_t> days, Done done) {
  UpdateGroup(
      group,
      [days](GroupMeta& meta) {
        meta.retention_in_days = days;
        return Status::Ok();
      },
      std::move(done));
}

void LogStore::TagGroup(const GroupRef& group, const Tags& tags, Done done) {
  UpdateGroup(
      group,
      [&](GroupMeta& meta) -> Status {
        for (const auto& [key, value] : tags) meta.tags[key] = value;
        if (meta.tags.size() > kMaxTags) {
          return Error{400, "TooManyTagsException", "A resource can have no more than 50 tags."};
        }
        return Status::Ok();
      },
      std::move(done));
}

void LogStore::UntagGroup(const GroupRef& group, const std::vector<std::string>& keys, Done done) {
  UpdateGroup(
      group,
      [&](GroupMeta& meta) {
        for (const std::string& key : keys) meta.tags.erase(key);
        return Status::Ok();
      },
      std::move(done));
}

void LogStore::Put(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events,
                   Done done) {
  Write(group, stream, std::move(events), /*create=*/false, std::move(done));
}

void LogStore::Append(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events,
                      Done done) {
  Write(group, stream, std::move(events), /*create=*/true, std::move(done));
}

void LogStore::Write(const GroupRef& group, std::string_view stream, std::vector<LogEvent> events,
                     bool create, Done done) {
  // Messages are text: bytes that are not UTF-8 (a function's output, a
  // request's path in an access log) would make every later read of the
  // stream invalid JSON.
  for (LogEvent& event : events) {
    if (!IsValidUtf8(event.message)) event.message = ToValidUtf8(event.message);
  }
  // Copies for listeners only when someone listens.
  auto stored = listener_count_.load() > 0 ? std::make_shared<std::vector<StoredEvent>>() : nullptr;
  Locked lock(*this);
  const int64_t now = options_.clock->NowMillis();
  storage::WriteBatch batch;
  auto group_it = groups_.find(GroupKey{group.region, group.name});
  if (group_it == groups_.end()) {
    if (!create) return lock.Answer(std::move(done), GroupNotFound());
    group_it = groups_.try_emplace(GroupKey{group.region, group.name}).first;
    group_it->second.creation_time = now;
    PutGroupRecordLocked(batch, group, group_it->second);
  }
  auto stream_it = group_it->second.streams.find(stream);
  if (stream_it == group_it->second.streams.end()) {
    if (!create) return lock.Answer(std::move(done), StreamNotFound());
    stream_it = group_it->second.streams.try_emplace(std::string(stream)).first;
    stream_it->second.creation_time = now;
  }
  StreamMeta& meta = stream_it->second;
  const std::string prefix = keys::EventPrefix(group.region, group.name, stream);
  for (LogEvent& event : events) {
    const EventPosition position{std::max<int64_t>(0, event.timestamp), next_sequence_++};
    std::string value;
    value.reserve(8 + event.message.size());
    keys::AppendBigEndian64(value, static_cast<uint64_t>(now));
    value += event.message;
    batch.Put(family_, prefix + keys::EventSuffix(position), value);
    meta.first_event_timestamp =
        std::min(meta.first_event_timestamp.value_or(INT64_MAX), position.timestamp);
    meta.last_event_timestamp = std::max(meta.last_event_timestamp.value_or(0), position.timestamp);
    meta.stored_bytes += static_cast<int64_t>(event.message.size());
    if (stored) {
      stored->push_back(
          StoredEvent{position.timestamp, position.sequence, now, std::move(event.message)});
    }
  }
  if (!events.empty()) {
    meta.last_ingestion_time = now;
    std::string high_water;
    keys::AppendBigEndian64(high_water, next_sequence_ - 1);
    batch.Put(family_, keys::SequenceKey(), high_water);
  }
  PutStreamRecordLocked(batch, group, stream, meta);
  CommitLocked(std::move(batch),
               [this, key = GroupKey{group.region, group.name}, stream = std::string(stream),
                stored, done = std::move(done)](Status status) {
                 if (status.ok() && stored && !stored->empty()) Notify(key, stream, *stored);
                 if (done) done(status);
               });
}

uint64_t LogStore::Subscribe(const GroupRef& group, Listener listener) {
  std::lock_guard lock(listeners_mu_);
  uint64_t id = next_listener_id_++;
  listeners_[id] = Subscription{GroupKey{group.region, group.name}, std::move(listener)};
  listener_count_ = listeners_.size();
  return id;
}

void LogStore::Unsubscribe(uint64_t id) {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
  listener_count_ = listeners_.size();
}

void LogStore::Notify(const GroupKey& group, const std::string& stream,
                      const std::vector<StoredEvent>& events) {
  std::lock_guard lock(listeners_mu_);
  for (const auto& [id, subscription] : listeners_) {
    if (subscription.group == group) subscription.listener(stream, events);
  }
}

int64_t LogStore::RetentionFloor(const GroupMeta& group) const {
  if (!group.retention_in_days) return 0;
  return std::max<int64_t>(0,
                           options_.clock->NowMillis() - *group.retention_in_days * kMillisPerDay);
}

Status LogStore::SweepRetention() {
  std::lock_guard sweep(sweep_mu_);
  struct Target {
    GroupRef group;
    std::string stream;
    int64_t floor;
  };
  std::vector<Target> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, group] : groups_) {
      int64_t floor = RetentionFloor(group);
      if (floor == 0) continue;
      for (const auto& [name, stream] : group.streams) {
        if (stream.first_event_timestamp && *stream.first_event_timestamp < floor) {
          targets.push_back(Target{GroupRef{key.first, key.second}, name, floor});
        }
      }
    }
  }
  std::vector<std::future<Status>> pending;
  for (const Target& target : targets) {
    // Count what goes, so storedBytes stays the size of what is left.
    const std::string prefix =
        keys::EventPrefix(target.group.region, target.group.name, target.stream);
    const std::string end = prefix + keys::EventSuffix({target.floor, 0});
    std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_, {nullptr, prefix, end});
    int64_t bytes = 0;
    size_t count = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += static_cast<int64_t>(it->value().size()) - 8;
      ++count;
    }
    KUMO_RETURN_IF_ERROR(it->status());
    if (count == 0) continue;
    auto promise = std::make_shared<std::promise<Status>>();
    pending.push_back(promise->get_future());
    Locked lock(*this);
    auto group = groups_.find(GroupKey{target.group.region, target.group.name});
    StreamMeta* meta = nullptr;
    if (group != groups_.end()) {
      auto stream = group->second.streams.find(target.stream);
      if (stream != group->second.streams.end()) meta = &stream->second;
    }
    if (meta == nullptr) {
      promise->set_value(Status::Ok());  // deleted meanwhile, events and all
      continue;
    }
    meta->stored_bytes = std::max<int64_t>(0, meta->stored_bytes - bytes);
    storage::WriteBatch batch;
    batch.DeleteRange(family_, prefix, end);
    PutStreamRecordLocked(batch, target.group, target.stream, *meta);
    CommitLocked(std::move(batch), [promise](Status status) { promise->set_value(status); });
  }
  Status result;
  for (auto& future : pending) {
    Status status = future.get();
    if (result.ok() && !status.ok()) result = status;
  }
  return result;
}

void LogStore::SweepLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, options_.retention_sweep_interval, [this] { return stop_; })) {
    lock.unlock();
    Status status = SweepRetention();
    if (!status.ok()) spdlog::warn("logs: retention sweep: {}", status.error().message);
    lock.lock();
  }
}

}  // namespace kumo::logs

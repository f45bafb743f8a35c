#include "events/async_invoke.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/encoding.h"
#include "storage/store.h"

namespace kumo::events {
namespace {

namespace json = boost::json;
using functions::InvocationType;
using functions::InvokeRequest;
using functions::InvokeResult;

constexpr int kDefaultRetries = 2;
constexpr int64_t kDefaultMaxAgeSeconds = 6 * 3600;

// One queued event, as stored.
struct QueuedEvent {
  std::string request_id;
  std::string region;
  std::string function;   // the function ARN, unqualified
  std::string qualifier;  // the alias or version invoked
  std::string payload;
  std::string client_context;
  // The caller's X-Amzn-Trace-Id; absent in events queued before it was kept.
  std::string trace_header;
  int64_t enqueued_ms = 0;
  int attempts = 0;  // runs that ended in a function error
};

std::string Encode(const QueuedEvent& e) {
  return json::serialize(json::object{{"id", e.request_id},      {"region", e.region},
                                      {"function", e.function},  {"qualifier", e.qualifier},
                                      {"payload", e.payload},    {"client_context", e.client_context},
                                      {"trace", e.trace_header},
                                      {"enqueued_ms", e.enqueued_ms}, {"attempts", e.attempts}});
}

Result<QueuedEvent> Decode(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Internal("corrupt queued event");
  const json::object& o = v.as_object();
  QueuedEvent e;
  try {
    e.request_id = json::value_to<std::string>(o.at("id"));
    e.region = json::value_to<std::string>(o.at("region"));
    e.function = json::value_to<std::string>(o.at("function"));
    e.qualifier = json::value_to<std::string>(o.at("qualifier"));
    e.payload = json::value_to<std::string>(o.at("payload"));
    e.client_context = json::value_to<std::string>(o.at("client_context"));
    if (const json::value* trace = o.if_contains("trace")) {
      e.trace_header = json::value_to<std::string>(*trace);
    }
    e.enqueued_ms = o.at("enqueued_ms").to_number<int64_t>();
    e.attempts = static_cast<int>(o.at("attempts").to_number<int64_t>());
  } catch (const std::exception& ex) {
    return Internal(std::string("corrupt queued event: ") + ex.what());
  }
  return e;
}

// Keys order by due time, then by sequence: "q" + big-endian due + big-endian seq.
std::string QueueKey(int64_t due_ms, uint64_t seq) {
  std::string key = "q";
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>((static_cast<uint64_t>(due_ms) >> (8 * i)) & 0xff));
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>((seq >> (8 * i)) & 0xff));
  return key;
}

int64_t DueOf(const std::string& key) {
  uint64_t v = 0;
  for (int i = 1; i <= 8; ++i) v = (v << 8) | static_cast<unsigned char>(key[i]);
  return static_cast<int64_t>(v);
}

uint64_t SeqOf(const std::string& key) {
  uint64_t v = 0;
  for (int i = 9; i <= 16; ++i) v = (v << 8) | static_cast<unsigned char>(key[i]);
  return v;
}

// A payload as JSON when it is JSON, else as a string (destination records).
json::value AsJson(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return json::string(text);
  return v;
}

}  // namespace

class AsyncInvoker::Impl {
 public:
  Impl(storage::Store& store, storage::Family family, functions::FunctionRegistry& registry,
       std::shared_ptr<functions::Invoker> sync, AsyncInvokeOptions options)
      : store_(store), family_(family), registry_(registry), sync_(std::move(sync)), options_(options) {}

  Status Load() {
    auto it = store_.NewIterator(family_);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string key(it->key());
      if (key.size() != 17 || key[0] != 'q') continue;
      auto event = Decode(it->value());
      if (!event.ok()) {
        spdlog::error("async invoke: dropping unreadable queued event: {}", event.error().message);
        continue;
      }
      next_seq_ = std::max(next_seq_, SeqOf(key) + 1);
      queue_.emplace(std::move(key), std::move(event).value());
    }
    return it->status();
  }

  void Enqueue(QueuedEvent event, int64_t due_ms, std::function<void(Status)> done) {
    std::string key;
    {
      std::lock_guard lock(mu_);
      key = QueueKey(due_ms, next_seq_++);
    }
    storage::WriteBatch batch;
    batch.Put(family_, key, Encode(event));
    // Only a durable event is acknowledged; the worker sees it after that.
    store_.WriteAsync(std::move(batch), [this, key, event = std::move(event),
                                         done = std::move(done)](Status status) mutable {
      if (status.ok()) {
        std::lock_guard lock(mu_);
        queue_.emplace(key, std::move(event));
        cv_.notify_all();
      }
      done(std::move(status));
    });
  }

  void Start() {
    worker_ = std::thread([this] { Run(); });
  }

  void Shutdown() {
    {
      std::unique_lock lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      cv_.notify_all();
    }
    if (worker_.joinable()) worker_.join();
    // An Event can run for up to 15 minutes: a stop must not wait for it.
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.shutdown_grace, [this] { return in_flight_ == 0; });
  }

  // Callbacks still due hold `this`.
  ~Impl() {
    Shutdown();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ == 0; });
  }

  size_t Pending() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

  functions::Invoker* sync() const { return sync_.get(); }

  void HandleEvent(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) {
    QueuedEvent event;
    event.request_id = request.request_id.empty() ? NewUuid() : request.request_id;
    event.region = request.config.region;
    event.function = request.config.function_arn;
    event.qualifier = request.config.alias.empty() ? request.config.version : request.config.alias;
    event.payload = std::move(request.payload);
    event.client_context = std::move(request.client_context);
    event.trace_header = std::move(request.trace_header);
    event.enqueued_ms = options_.clock->NowMillis();
    const int64_t due = event.enqueued_ms;
    Enqueue(std::move(event), due, [done = std::move(done)](Status status) {
      if (!status.ok()) return done(status.error());
      InvokeResult accepted;
      accepted.status_code = 202;
      done(std::move(accepted));
    });
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      int64_t now = options_.clock->NowMillis();
      if (queue_.empty() || in_flight_ >= options_.max_in_flight) {
        cv_.wait(lock);
        continue;
      }
      // The first event not already running.
      auto it = queue_.begin();
      while (it != queue_.end() && running_.count(it->first)) ++it;
      if (it == queue_.end()) {
        cv_.wait(lock);
        continue;
      }
      int64_t due = DueOf(it->first);
      if (due > now) {
        cv_.wait_for(lock, std::chrono::milliseconds(due - now));
        continue;
      }
      running_.insert(it->first);
      ++in_flight_;
      std::string key = it->first;
      QueuedEvent event = it->second;
      lock.unlock();
      Dispatch(std::move(key), std::move(event));
      lock.lock();
    }
  }

  // Runs one event; `Finish` decides what happens next.
  void Dispatch(std::string key, QueuedEvent event) {
    auto config = registry_.Resolve(event.region, event.function, event.qualifier);
    if (!config.ok()) {
      spdlog::warn("async invoke {}: {} no longer resolves ({}); event dropped", event.request_id,
                   event.function, config.error().message);
      return Remove(key, std::nullopt);
    }
    int max_retries = kDefaultRetries;
    int64_t max_age_s = kDefaultMaxAgeSeconds;
    functions::EventInvokeConfig destinations;
    if (config->event_invoke_config) {
      destinations = *config->event_invoke_config;
      max_retries = destinations.maximum_retry_attempts.value_or(kDefaultRetries);
      max_age_s = destinations.maximum_event_age_seconds.value_or(kDefaultMaxAgeSeconds);
    }
    if (options_.clock->NowMillis() - event.enqueued_ms > max_age_s * 1000) {
      SendToDestination(destinations.on_failure_destination, event, *config, nullptr, "EventAgeExceeded");
      return Remove(key, std::nullopt);
    }
    InvokeRequest request;
    request.type = InvocationType::kRequestResponse;
    request.config = *config;
    request.payload = event.payload;
    request.client_context = event.client_context;
    request.trace_header = event.trace_header;
    request.request_id = event.request_id;
    functions::FunctionConfig resolved = std::move(config).value();
    sync_->Invoke(std::move(request), [this, key = std::move(key), event = std::move(event), max_retries,
                                       destinations, resolved](Result<InvokeResult> result) mutable {
      Finish(std::move(key), std::move(event), max_retries, destinations, resolved, std::move(result));
    });
  }

  void Finish(std::string key, QueuedEvent event, int max_retries,
              const functions::EventInvokeConfig& destinations,
              const functions::FunctionConfig& config, Result<InvokeResult> result) {
    int64_t now = options_.clock->NowMillis();
    if (!result.ok()) {
      if (result.error().http_status == 404) return Remove(key, std::nullopt);
      // Throttles and service errors: try again later without using an attempt.
      return Remove(key, std::make_pair(now + options_.throttle_delay.count(), std::move(event)));
    }
    if (result->function_error.empty()) {
      SendToDestination(destinations.on_success_destination, event, config, &*result, "Success");
      return Remove(key, std::nullopt);
    }
    ++event.attempts;
    if (event.attempts <= max_retries) {
      int64_t delay = options_.retry_base.count() << (event.attempts - 1);
      return Remove(key, std::make_pair(now + delay, std::move(event)));
    }
    SendToDestination(destinations.on_failure_destination, event, config, &*result, "RetriesExhausted");
    Remove(key, std::nullopt);
  }

  // Deletes `key` and, when `again` is set, queues the event at its new due
  // time, in one atomic write.
  void Remove(const std::string& key, std::optional<std::pair<int64_t, QueuedEvent>> again) {
    storage::WriteBatch batch;
    batch.Delete(family_, key);
    std::string new_key;
    if (again) {
      std::lock_guard lock(mu_);
      new_key = QueueKey(again->first, next_seq_++);
    }
    if (again) batch.Put(family_, new_key, Encode(again->second));
    store_.WriteAsync(std::move(batch), [this, key, new_key, again = std::move(again)](Status status) mutable {
      if (!status.ok()) spdlog::error("async invoke queue write failed: {}", status.error().message);
      std::lock_guard lock(mu_);
      queue_.erase(key);
      running_.erase(key);
      if (again && status.ok()) queue_.emplace(new_key, std::move(again->second));
      --in_flight_;
      cv_.notify_all();
    });
  }

  void SendToDestination(const std::string& arn, const QueuedEvent& event,
                         const functions::FunctionConfig& config, const InvokeResult* result,
                         const char* condition) {
    if (arn.empty()) return;
    if (arn.find(":lambda:") == std::string::npos || arn.find(":function:") == std::string::npos) {
      spdlog::warn("async invoke {}: destination {} is not a Lambda function; Kumo delivers only to "
                   "functions", event.request_id, arn);
      return;
    }
    auto target = registry_.Resolve(event.region, arn, "");
    if (!target.ok()) {
      spdlog::warn("async invoke {}: destination {}: {}", event.request_id, arn, target.error().message);
      return;
    }
    json::object context{{"requestId", event.request_id},
                         {"functionArn", config.qualified_arn},
                         {"condition", condition},
                         {"approximateInvokeCount", event.attempts + (result && result->function_error.empty() ? 1 : 0)}};
    json::object record{{"version", "1.0"},
                        {"timestamp", FormatIso8601(options_.clock->NowMillis(), true)},
                        {"requestContext", context},
                        {"requestPayload", AsJson(event.payload)}};
    if (result != nullptr) {
      json::object response{{"statusCode", 200},
                            {"executedVersion", result->executed_version.empty() ? config.version : result->executed_version}};
      if (!result->function_error.empty()) response["functionError"] = result->function_error;
      record["responseContext"] = response;
      record["responsePayload"] = AsJson(result->payload);
    }
    QueuedEvent next;
    next.request_id = NewUuid();
    next.region = event.region;
    next.function = target->function_arn;
    next.qualifier = target->alias.empty() ? target->version : target->alias;
    next.payload = json::serialize(record);
    next.enqueued_ms = options_.clock->NowMillis();
    const int64_t due = next.enqueued_ms;
    Enqueue(std::move(next), due, [arn](Status status) {
      if (!status.ok()) spdlog::error("async invoke: queueing for destination {} failed", arn);
    });
  }

  storage::Store& store_;
  storage::Family family_;
  functions::FunctionRegistry& registry_;
  std::shared_ptr<functions::Invoker> sync_;
  AsyncInvokeOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, QueuedEvent> queue_;  // by key: due time, then sequence
  std::set<std::string> running_;
  uint64_t next_seq_ = 0;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::thread worker_;
};

Result<std::unique_ptr<AsyncInvoker>> AsyncInvoker::Open(storage::Store& store,
                                                         functions::FunctionRegistry& registry,
                                                         std::shared_ptr<functions::Invoker> sync,
                                                         AsyncInvokeOptions options) {
  KUMO_ASSIGN_OR_RETURN(storage::Family family, store.OpenFamily("async-invoke"));
  auto impl = std::make_unique<Impl>(store, family, registry, std::move(sync), options);
  KUMO_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<AsyncInvoker>(new AsyncInvoker(std::move(impl)));
}

AsyncInvoker::AsyncInvoker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AsyncInvoker::~AsyncInvoker() { impl_->Shutdown(); }
void AsyncInvoker::Start() { impl_->Start(); }
void AsyncInvoker::Shutdown() { impl_->Shutdown(); }
size_t AsyncInvoker::Pending() const { return impl_->Pending(); }

void AsyncInvoker::Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) {
  if (request.type == InvocationType::kEvent) return impl_->HandleEvent(std::move(request), std::move(done));
  // Not ours: the synchronous invoker runs RequestResponse calls.
  impl_->sync()->Invoke(std::move(request), std::move(done));
}

}  // namespace kumo::events

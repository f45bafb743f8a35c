#include "runtime/execution_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/encoding.h"
#include "runtime/api_listener.h"
#include "runtime/concurrency.h"
#include "runtime/environment.h"
#include "runtime/function_meter.h"
#include "runtime/lambda_log.h"
#include "runtime/runtime_command.h"
#include "runtime/worker_pool.h"

namespace kumo::runtime {
namespace {

namespace fs = std::filesystem;
using functions::FunctionChange;
using functions::FunctionConfig;
using functions::InvokeRequest;
using functions::InvokeResult;

constexpr int kMaxRedispatches = 3;

// <directory of the running binary>/../<name>
std::string NextToBinary(const char* name) {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return (exe.parent_path().parent_path() / name).lexically_normal().string();
}

std::string FunctionKey(const FunctionConfig& config) {
  std::string key;
  key.reserve(config.region.size() + config.function_name.size() + 1);
  key.append(config.region).push_back(':');
  key.append(config.function_name);
  return key;
}

Error ServiceError(std::string message) {
  return Error{500, "ServiceException", std::move(message)};
}

}  // namespace

class ExecutionEngine::Core : public EnvironmentObserver,
                              public std::enable_shared_from_this<ExecutionEngine::Core> {
 public:
  Core(EngineOptions options, RuntimeInstallation installation, SandboxMode mode,
       edge::IoPool& pool, functions::FunctionRegistry& registry, LogSink& logs)
      : options_(std::move(options)),
        installation_(std::move(installation)),
        mode_(mode),
        pool_(pool),
        registry_(registry),
        logs_(logs),
        limiter_(options_.account_concurrency),
        workers_(options_.worker_threads),
        reaper_(pool.At(0)) {}

  void Start() {
    std::weak_ptr<Core> weak = weak_from_this();
    listener_id_ = registry_.AddChangeListener([weak](const FunctionChange& change) {
      if (auto core = weak.lock()) core->OnChange(change);
    });
    std::lock_guard lock(mu_);
    ScheduleReapLocked();
  }

  void Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done);
  void Shutdown();
  void RenderMetrics(std::string& out) const { meter_.Render(out); }
  EngineStats Stats() const;

  void OnInvocationDone(const std::shared_ptr<ExecutionEnvironment>& env,
                        std::unique_ptr<Invocation> invocation, Result<InvokeResult> result,
                        const InvocationOutcome& outcome) override;
  void OnEnvironmentEnded(const std::shared_ptr<ExecutionEnvironment>& env,
                          std::unique_ptr<Invocation> undelivered) override;

 private:
  struct IdleEnvironment {
    std::shared_ptr<ExecutionEnvironment> env;
    int64_t idle_since_nanos = 0;
  };
  struct FunctionState {
    FunctionCounters* counters = nullptr;
    std::vector<IdleEnvironment> idle;  // most recently used last
    // version -> the revision new invocations run; environments of another
    // revision are retired.
    std::map<std::string, std::string, std::less<>> revisions;
  };
  struct LiveEnvironment {
    std::shared_ptr<ExecutionEnvironment> env;
    RuntimeApiListener* listener = nullptr;
    std::string function_key;
  };

  FunctionState& StateLocked(const FunctionConfig& config, const std::string& key);
  void Dispatch(std::unique_ptr<Invocation> invocation);
  void ColdStart(std::unique_ptr<Invocation> invocation);
  // Ends an admitted invocation that never reached an environment.
  void Fail(std::unique_ptr<Invocation> invocation, const Error& error);
  Result<RuntimeApiListener*> AcquireListener();
  void ScheduleReapLocked();
  void Reap();
  void OnChange(const FunctionChange& change);

  const EngineOptions options_;
  const RuntimeInstallation installation_;
  const SandboxMode mode_;
  edge::IoPool& pool_;
  functions::FunctionRegistry& registry_;
  LogSink& logs_;
  FunctionMeter meter_;
  uint64_t listener_id_ = 0;

  mutable std::mutex mu_;  // guards everything below
  std::unordered_map<std::string, FunctionState> functions_;
  ConcurrencyLimiter limiter_;
  std::unordered_map<const ExecutionEnvironment*, LiveEnvironment> live_;
  std::vector<std::unique_ptr<RuntimeApiListener>> listeners_;
  std::vector<RuntimeApiListener*> free_listeners_;
  bool shutting_down_ = false;
  WorkerPool workers_;
  boost::asio::steady_timer reaper_;
};

// ---------------------------------------------------------------- invoke

ExecutionEngine::Core::FunctionState& ExecutionEngine::Core::StateLocked(
    const FunctionConfig& config, const std::string& key) {
  FunctionState& fn = functions_[key];
  if (fn.counters == nullptr) fn.counters = &meter_.For(config.region, config.function_name);
  return fn;
}

void ExecutionEngine::Core::Invoke(InvokeRequest request,
                                   std::function<void(Result<InvokeResult>)> done) {
  if (request.type != functions::InvocationType::kRequestResponse) {
    return done(ServiceError(
        "The execution engine runs RequestResponse invocations; Event invocations go through "
        "the asynchronous queue"));
  }
  if (request.request_id.empty()) request.request_id = NewUuid();
  std::string key = FunctionKey(request.config);
  {
    std::unique_lock lock(mu_);
    if (shutting_down_) {
      lock.unlock();
      return done(ServiceError("Kumo is shutting down"));
    }
    FunctionState& fn = StateLocked(request.config, key);
    limiter_.SetReserved(key, request.config.reserved_concurrency);
    if (ThrottleReason reason = limiter_.TryAcquire(key); reason != ThrottleReason::kNone) {
      fn.counters->throttles.fetch_add(1, std::memory_order_relaxed);
      lock.unlock();
      return done(ThrottleError(reason));
    }
    fn.counters->in_flight.fetch_add(1, std::memory_order_relaxed);
    std::string& revision = fn.revisions[request.config.version];
    if (revision != request.config.revision_id) revision = request.config.revision_id;
  }
  auto invocation = std::make_unique<Invocation>();
  invocation->request = std::move(request);
  invocation->done = std::move(done);
  invocation->function_key = std::move(key);
  Dispatch(std::move(invocation));
}

void ExecutionEngine::Core::Dispatch(std::unique_ptr<Invocation> invocation) {
  const FunctionConfig& config = invocation->request.config;
  while (invocation) {
    std::shared_ptr<ExecutionEnvironment> env;
    std::vector<std::shared_ptr<ExecutionEnvironment>> stale;
    {
      std::lock_guard lock(mu_);
      auto it = functions_.find(invocation->function_key);
      if (it != functions_.end()) {
        std::vector<IdleEnvironment>& idle = it->second.idle;
        for (size_t i = idle.size(); i-- > 0;) {
          const FunctionConfig& c = idle[i].env->config();
          if (c.version != config.version) continue;
          std::shared_ptr<ExecutionEnvironment> candidate = std::move(idle[i].env);
          idle.erase(idle.begin() + static_cast<ptrdiff_t>(i));
          if (c.revision_id != config.revision_id) {
            stale.push_back(std::move(candidate));
            continue;
          }
          env = std::move(candidate);
          break;
        }
      }
    }
    for (auto& s : stale) s->Retire(ServiceError("The function changed"));
    if (!env) return ColdStart(std::move(invocation));
    // Hands it back when the environment ended meanwhile: try the next one.
    invocation = env->Assign(std::move(invocation));
  }
}

Result<RuntimeApiListener*> ExecutionEngine::Core::AcquireListener() {
  {
    std::lock_guard lock(mu_);
    if (shutting_down_) return ServiceError("Kumo is shutting down");
    if (!free_listeners_.empty()) {
      RuntimeApiListener* listener = free_listeners_.back();
      free_listeners_.pop_back();
      return listener;
    }
  }
  KUMO_ASSIGN_OR_RETURN(std::unique_ptr<RuntimeApiListener> listener,
                        RuntimeApiListener::Open(pool_, options_.runtime_api_body_limit));
  RuntimeApiListener* raw = listener.get();
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
  return raw;
}

void ExecutionEngine::Core::ColdStart(std::unique_ptr<Invocation> invocation) {
  Result<RuntimeApiListener*> listener = AcquireListener();
  if (!listener.ok()) return Fail(std::move(invocation), listener.error());

  EnvironmentParams params;
  params.config = invocation->request.config;
  const FunctionConfig& config = params.config;
  if (params.config.log_group.empty()) {
    params.config.log_group = "/aws/lambda/" + config.function_name;
  }
  params.log_stream = LogStreamName(options_.clock->NowMillis(), config.version, RandomHex(16));
  params.port = (*listener)->port();
  params.io = &pool_.Next();
  params.logs = &logs_;
  params.clock = options_.clock;
  params.init_timeout = options_.init_timeout;
  params.observer = shared_from_this();

  EnvironmentFacts facts;
  facts.runtime_api = "127.0.0.1:" + std::to_string(params.port);
  facts.log_group = params.config.log_group;
  facts.log_stream = params.log_stream;
  facts.endpoint_url = options_.endpoint_url;
  facts.access_key_id = options_.access_key_id;
  facts.secret_access_key = options_.secret_access_key;
  facts.session_token = options_.session_token;

  const std::string key = invocation->function_key;
  auto env = std::make_shared<ExecutionEnvironment>(std::move(params), std::move(invocation));
  {
    std::unique_lock lock(mu_);
    if (shutting_down_) {  // began while the listener was being opened
      lock.unlock();
      return env->Retire(ServiceError("Kumo is shutting down"));
    }
    FunctionState& fn = StateLocked(env->config(), key);
    fn.counters->cold_starts.fetch_add(1, std::memory_order_relaxed);
    fn.counters->environments.fetch_add(1, std::memory_order_relaxed);
    live_[env.get()] = LiveEnvironment{env, *listener, key};
    (*listener)->Attach(env);
  }
  // Building the spec checks files and the launch waits for the exec: both
  // on a worker, never on an I/O thread.
  workers_.Post([core = shared_from_this(), env, facts = std::move(facts)]() {
    env->Launch(BuildSandboxSpec(env->config(), core->installation_, facts, core->mode_));
  });
}

void ExecutionEngine::Core::Fail(std::unique_ptr<Invocation> invocation, const Error& error) {
  {
    std::lock_guard lock(mu_);
    limiter_.Release(invocation->function_key);
    FunctionState& fn = StateLocked(invocation->request.config, invocation->function_key);
    fn.counters->in_flight.fetch_sub(1, std::memory_order_relaxed);
    fn.counters->invocations.fetch_add(1, std::memory_order_relaxed);
    fn.counters->errors.fetch_add(1, std::memory_order_relaxed);
  }
  invocation->done(error);
}

// ---------------------------------------------------------------- observer

void ExecutionEngine::Core::OnInvocationDone(const std::shared_ptr<ExecutionEnvironment>& env,
                                             std::unique_ptr<Invocation> invocation,
                                             Result<InvokeResult> result,
                                             const InvocationOutcome& outcome) {
  bool pooled = false;
  {
    std::lock_guard lock(mu_);
    limiter_.Release(invocation->function_key);
    FunctionState& fn = StateLocked(invocation->request.config, invocation->function_key);
    FunctionCounters& c = *fn.counters;
    c.in_flight.fetch_sub(1, std::memory_order_relaxed);
    c.invocations.fetch_add(1, std::memory_order_relaxed);
    if (outcome.error) c.errors.fetch_add(1, std::memory_order_relaxed);
    c.duration_nanos.fetch_add(outcome.duration_nanos, std::memory_order_relaxed);
    c.billed_mb_ms.fetch_add(outcome.billed_ms * invocation->request.config.memory_mb,
                             std::memory_order_relaxed);
    if (outcome.reusable && !shutting_down_ && live_.contains(env.get())) {
      auto rev = fn.revisions.find(env->config().version);
      if (rev != fn.revisions.end() && rev->second == env->config().revision_id) {
        fn.idle.push_back({env, options_.clock->MonotonicNanos()});
        pooled = true;
      }
    }
  }
  if (outcome.reusable && !pooled) env->Retire(ServiceError("The function changed"));
  invocation->done(std::move(result));
}

void ExecutionEngine::Core::OnEnvironmentEnded(const std::shared_ptr<ExecutionEnvironment>& env,
                                               std::unique_ptr<Invocation> undelivered) {
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(env.get());
    if (it != live_.end()) {
      auto fn = functions_.find(it->second.function_key);
      if (fn != functions_.end()) {
        fn->second.counters->environments.fetch_sub(1, std::memory_order_relaxed);
        std::erase_if(fn->second.idle, [&](const IdleEnvironment& e) { return e.env == env; });
      }
      // Under mu_: Shutdown destroys the listeners under it too. The caller
      // holds `env`, so detaching cannot destroy it here.
      if (!shutting_down_) {
        it->second.listener->Detach();
        free_listeners_.push_back(it->second.listener);
      }
      live_.erase(it);
    }
  }
  // The process's destructor waits for the kernel to reap the tree.
  workers_.Post([process = std::shared_ptr<SandboxProcess>(env->TakeProcess())]() mutable {
    process.reset();
  });
  if (undelivered) {
    if (++undelivered->redispatches > kMaxRedispatches) {
      return Fail(std::move(undelivered),
                  ServiceError("The function's environments kept ending before it could run"));
    }
    Dispatch(std::move(undelivered));
  }
}

// ---------------------------------------------------------------- upkeep

void ExecutionEngine::Core::ScheduleReapLocked() {
  const auto interval = std::clamp<std::chrono::milliseconds>(
      options_.keep_alive / 4, std::chrono::milliseconds(10), std::chrono::seconds(1));
  reaper_.expires_after(interval);
  reaper_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto core = weak.lock()) core->Reap();
  });
}

void ExecutionEngine::Core::Reap() {
  std::vector<std::shared_ptr<ExecutionEnvironment>> expired;
  {
    std::lock_guard lock(mu_);
    if (shutting_down_) return;
    const int64_t cutoff =
        options_.clock->MonotonicNanos() -
        std::chrono::duration_cast<std::chrono::nanoseconds>(options_.keep_alive).count();
    for (auto& [key, fn] : functions_) {
      std::erase_if(fn.idle, [&](IdleEnvironment& e) {
        if (e.idle_since_nanos > cutoff) return false;
        expired.push_back(std::move(e.env));
        return true;
      });
    }
    ScheduleReapLocked();
  }
  for (auto& env : expired) env->Retire(ServiceError("The environment expired"));
}

void ExecutionEngine::Core::OnChange(const FunctionChange& change) {
  const std::string key = change.region + ":" + change.function_name;
  const std::string version = change.version.empty() ? "$LATEST" : change.version;
  Result<FunctionConfig> current = registry_.Resolve(change.region, change.function_name, version);
  std::vector<std::shared_ptr<ExecutionEnvironment>> retire;
  {
    std::lock_guard lock(mu_);
    auto it = functions_.find(key);
    if (it == functions_.end()) return;  // never invoked here: nothing to retire
    FunctionState& fn = it->second;
    if (!current.ok() && change.version.empty()) {
      // The function is gone: nothing of it may be reused.
      fn.revisions.clear();
      limiter_.SetReserved(key, std::nullopt);
    } else if (!current.ok()) {
      fn.revisions.erase(change.version);
    } else {
      fn.revisions[current->version] = current->revision_id;
      limiter_.SetReserved(key, current->reserved_concurrency);
    }
    std::erase_if(fn.idle, [&](IdleEnvironment& e) {
      auto rev = fn.revisions.find(e.env->config().version);
      if (rev != fn.revisions.end() && rev->second == e.env->config().revision_id) return false;
      retire.push_back(std::move(e.env));
      return true;
    });
  }
  for (auto& env : retire) env->Retire(ServiceError("The function changed"));
}

EngineStats ExecutionEngine::Core::Stats() const {
  std::lock_guard lock(mu_);
  EngineStats stats;
  stats.live_environments = static_cast<int>(live_.size());
  for (const auto& [key, fn] : functions_) {
    stats.idle_environments += static_cast<int>(fn.idle.size());
  }
  stats.in_flight = limiter_.total_in_flight();
  return stats;
}

void ExecutionEngine::Core::Shutdown() {
  std::vector<std::weak_ptr<ExecutionEnvironment>> envs;
  std::vector<std::shared_ptr<ExecutionEnvironment>> live;
  {
    std::lock_guard lock(mu_);
    if (shutting_down_) return;
    shutting_down_ = true;
    reaper_.cancel();
    for (auto& [ptr, record] : live_) live.push_back(record.env);
    for (auto& [key, fn] : functions_) fn.idle.clear();
  }
  registry_.RemoveChangeListener(listener_id_);
  for (auto& env : live) {
    envs.push_back(env);
    env->Retire(ServiceError("Kumo is shutting down"));
  }
  live.clear();
  workers_.Shutdown();  // launches in progress and every teardown
  {
    std::lock_guard lock(mu_);
    for (auto& listener : listeners_) listener->Detach();
    listeners_.clear();
    free_listeners_.clear();
  }
  // Pending I/O handlers hold environments until they see the cancellation.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (const auto& weak : envs) {
    while (!weak.expired() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

// ---------------------------------------------------------------- facade

Result<std::unique_ptr<ExecutionEngine>> ExecutionEngine::Create(
    EngineOptions options, edge::IoPool& pool, functions::FunctionRegistry& registry,
    LogSink& logs) {
  RuntimeLocations locations;
  locations.runtimes_dir =
      options.runtimes_dir.empty() ? NextToBinary("runtimes") : options.runtimes_dir;
  locations.node_modules_dir = options.node_modules_dir;
  if (locations.node_modules_dir.empty()) {
    std::string candidate = NextToBinary("node_modules");
    std::error_code ec;
    if (!candidate.empty() && fs::is_directory(candidate, ec))
      locations.node_modules_dir = candidate;
  }
  locations.node_path = options.node_path;
  locations.python_command = options.python_command;
  KUMO_ASSIGN_OR_RETURN(RuntimeInstallation installation, DiscoverRuntimeInstallation(locations));
  if (!installation.python_error.empty()) {
    spdlog::warn("runtime: python functions cannot run: {}", installation.python_error);
  }
  const SandboxCapabilities& caps = CachedSandboxCapabilities();
  const SandboxMode mode = options.sandbox_mode.value_or(caps.best_mode());
  auto core = std::make_shared<Core>(std::move(options), std::move(installation), mode, pool,
                                     registry, logs);
  core->Start();
  return std::unique_ptr<ExecutionEngine>(new ExecutionEngine(std::move(core)));
}

ExecutionEngine::~ExecutionEngine() { Shutdown(); }

void ExecutionEngine::Invoke(InvokeRequest request,
                             std::function<void(Result<InvokeResult>)> done) {
  core_->Invoke(std::move(request), std::move(done));
}

void ExecutionEngine::RenderMetrics(std::string& out) const { core_->RenderMetrics(out); }

std::string ExecutionEngine::RenderMetrics() const {
  std::string out;
  core_->RenderMetrics(out);
  return out;
}

EngineStats ExecutionEngine::Stats() const { return core_->Stats(); }

void ExecutionEngine::Shutdown() { core_->Shutdown(); }

}  // namespace kumo::runtime

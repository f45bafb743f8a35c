#include "server/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "apis/control_service.h"
#include "apis/gateway.h"
#include "common/clock.h"
#include "edge/http_server.h"
#include "edge/io_pool.h"
#include "edge/router.h"
#include "events/async_invoke.h"
#include "functions/lambda_service.h"
#include "logs/log_store.h"
#include "logs/logs_service.h"
#include "runtime/execution_engine.h"
#include "runtime/log_store_sink.h"
#include "runtime/sandbox.h"
#include "server/sts_service.h"
#include "storage/store.h"
#include "tables/streams/stream_store.h"
#include "tables/streams/streams_service.h"
#include "tables/table_service.h"

namespace kumo::server {

namespace asio = boost::asio;

struct Server::Impl {
  ServerConfig config;
  edge::IoPool pool;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<logs::LogStore> log_store;  // before `store`: destroyed first
  std::unique_ptr<tables::streams::StreamStore> stream_store;
  std::unique_ptr<tables::TableService> tables;  // after stream_store: it records into it
  std::unique_ptr<functions::LambdaService> lambda;
  std::unique_ptr<apis::ApiControlService> apis;  // reset before the store closes
  std::unique_ptr<apis::Gateway> gateway;         // reads `apis` and `lambda`: reset first
  std::unique_ptr<runtime::LogStoreSink> log_sink;
  std::shared_ptr<runtime::ExecutionEngine> engine;
  std::shared_ptr<events::AsyncInvoker> async_invoker;
  std::unique_ptr<edge::Router> router;
  std::unique_ptr<edge::HttpServer> http;
  std::optional<asio::signal_set> signals;
  int64_t started_millis = 0;
  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;
  bool stopped = false;

  explicit Impl(ServerConfig c) : config(std::move(c)), pool(config.threads) {}

  void AddInternalRoutes() {
    // Health is polled by load balancers and benchmarks: the fixed part is
    // rendered once, only the uptime per request.
    boost::json::object services;
    for (const auto& name : router->ServiceNames()) services[name] = "running";
    std::string fixed = fmt::format(
        R"("version":"{}","region":"{}","storage":"{}","services":{}}})", kVersion, config.region,
        config.in_memory ? "memory" : "rocksdb", boost::json::serialize(services));
    router->AddInternal("/_kumo/health", [this, fixed](edge::Call, edge::Responder responder) {
      int64_t uptime = (Clock::System().NowMillis() - started_millis) / 1000;
      responder.Send(edge::Response::Text(
          200, fmt::format(R"({{"uptime_seconds":{},{})", uptime, fixed), "application/json"));
    });
    router->AddInternal("/_kumo/metrics", [this](edge::Call, edge::Responder responder) {
      responder.Send(
          edge::Response::Text(200, router->metrics().Render(), "text/plain; version=0.0.4"));
    });
  }

  // The execution engine and the async queue in front of it. They need the
  // bound port: functions' SDKs are pointed at it.
  Status StartFunctions(uint16_t port) {
    spdlog::info("sandbox: {}", runtime::CachedSandboxCapabilities().Describe());
    log_sink = std::make_unique<runtime::LogStoreSink>(*log_store);
    runtime::EngineOptions options;
    bool wildcard = config.host == "0.0.0.0" || config.host == "::";
    std::string host = wildcard ? "127.0.0.1" : config.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    options.endpoint_url = "http://" + host + ":" + std::to_string(port);
    options.account_concurrency = config.account_concurrency;
    options.keep_alive = std::chrono::seconds(config.function_keep_alive_s);
    KUMO_ASSIGN_OR_RETURN(auto created,
                          runtime::ExecutionEngine::Create(options, pool, *lambda, *log_sink));
    engine = std::shared_ptr<runtime::ExecutionEngine>(std::move(created));
    events::AsyncInvokeOptions async_options;
    async_options.retry_base = std::chrono::milliseconds(config.event_retry_base_ms);
    KUMO_ASSIGN_OR_RETURN(auto async,
                          events::AsyncInvoker::Open(*store, *lambda, engine, async_options));
    async_invoker = std::shared_ptr<events::AsyncInvoker>(std::move(async));
    async_invoker->Start();
    lambda->SetInvoker(async_invoker);
    gateway->SetInvoker(async_invoker);
    router->metrics().AddCollector([e = engine.get()](std::string& out) { e->RenderMetrics(out); });
    return Status::Ok();
  }

  void Shutdown() {
    {
      std::lock_guard lock(mu);
      if (stopped) return;
      stopped = true;
    }
    spdlog::info("shutting down: no new connections; finishing {} request(s) in flight",
                 http->InFlight());
    http->Stop();
    if (signals) {
      boost::system::error_code ignored;
      signals->cancel(ignored);
    }
    // Requests in flight get a bounded grace period to finish.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (http->InFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Responses written after the last handler answered need a moment on the wire.
    // The engine first: invocations in flight fail fast, so the queue's
    // events stay queued for the next start instead of holding up the stop.
    if (engine) engine->Shutdown();  // needs the pool running to end environments
    if (async_invoker) async_invoker->Shutdown();
    pool.Stop();
    pool.Join();
    gateway.reset();
    if (tables) tables->Shutdown();  // TTL sweep stopped, queued writes answered
    tables.reset();
    apis.reset();
    stream_store.reset();
    log_store.reset();  // stops the retention sweep, waits for queued log writes
    Status closed = store->Close();
    if (!closed.ok()) spdlog::error("closing the store: {}", closed.error().message);
    spdlog::info("stopped");
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { impl_->Shutdown(); }

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config) {
  auto impl = std::make_unique<Impl>(config);
  impl->started_millis = Clock::System().NowMillis();

  storage::Options store_options;
  store_options.path = config.data_dir + "/db";
  store_options.in_memory = config.in_memory;
  store_options.durability =
      config.fsync ? storage::Durability::kSync : storage::Durability::kProcess;
  KUMO_ASSIGN_OR_RETURN(impl->store, storage::Store::Open(store_options));

  impl->router = std::make_unique<edge::Router>(config.region, Clock::System());
  impl->router->Register(StsService());
  KUMO_ASSIGN_OR_RETURN(impl->log_store, logs::LogStore::Open(*impl->store));
  impl->router->Register(logs::LogsService(*impl->log_store));

  KUMO_ASSIGN_OR_RETURN(impl->stream_store, tables::streams::StreamStore::Open(*impl->store, {}));
  tables::TableServiceOptions table_options;
  table_options.region = config.region;
  table_options.ttl_sweep_interval = std::chrono::seconds(config.ttl_interval_s);
  table_options.recorder = impl->stream_store.get();
  KUMO_ASSIGN_OR_RETURN(impl->tables, tables::TableService::Open(*impl->store, table_options));
  impl->router->Register(impl->tables->Descriptor());
  impl->router->Register(tables::streams::StreamsService(*impl->stream_store));

  functions::LambdaServiceOptions lambda_options;
  lambda_options.data_dir = config.data_dir;
  lambda_options.in_memory = config.in_memory;
  KUMO_ASSIGN_OR_RETURN(impl->lambda, functions::LambdaService::Open(*impl->store, lambda_options));
  impl->router->Register(impl->lambda->Descriptor());
  impl->router->Register(impl->lambda->CodeDownloadDescriptor());
  KUMO_ASSIGN_OR_RETURN(impl->apis, apis::ApiControlService::Open(*impl->store, {}));
  impl->router->Register(impl->apis->Descriptor());
  apis::GatewayOptions gateway_options;
  gateway_options.region = config.region;
  gateway_options.account_id = kAccountId;
  gateway_options.executor = impl->pool.At(0).get_executor();
  gateway_options.log_store = impl->log_store.get();
  impl->gateway =
      std::make_unique<apis::Gateway>(impl->apis->catalog(), *impl->lambda, gateway_options);
  impl->router->Register(impl->gateway->Descriptor());
  if (config.auth == "sigv4") {
    if (config.credentials_file.empty()) {
      impl->router->RequireSigV4(edge::CredentialStore::Default());
    } else {
      KUMO_ASSIGN_OR_RETURN(edge::CredentialStore credentials,
                            edge::CredentialStore::LoadFile(config.credentials_file));
      impl->router->RequireSigV4(std::move(credentials));
    }
  }

  impl->AddInternalRoutes();  // after every service, so health lists them all

  edge::HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.body_limit = config.max_body_mb * 1024 * 1024;
  http_options.idle_timeout = std::chrono::seconds(config.idle_timeout_s);
  http_options.request_timeout = std::chrono::seconds(config.request_timeout_s);
  edge::Router* router = impl->router.get();
  impl->http = std::make_unique<edge::HttpServer>(
      impl->pool, http_options,
      [router](edge::Request&& request, std::shared_ptr<edge::ResponseSink> sink) {
        router->Handle(std::move(request), std::move(sink));
      });
  KUMO_ASSIGN_OR_RETURN(uint16_t port, impl->http->Listen());
  impl->apis->SetEndpointPort(port);
  KUMO_RETURN_IF_ERROR(impl->StartFunctions(port));
  // Signals are caught from before the ready line, so a stop right after it
  // is still a clean shutdown.
  Impl* raw = impl.get();
  raw->signals.emplace(raw->pool.At(0), SIGINT, SIGTERM);
  raw->signals->async_wait([raw](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}", signal);
    std::lock_guard lock(raw->mu);
    raw->stop_requested = true;
    raw->cv.notify_all();
  });
  raw->pool.Start();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->http->port(); }

std::vector<std::string> Server::ServiceNames() const { return impl_->router->ServiceNames(); }

void Server::Stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stop_requested = true;
  impl_->cv.notify_all();
}

int Server::Run() {
  {
    std::unique_lock lock(impl_->mu);
    impl_->cv.wait(lock, [this] { return impl_->stop_requested; });
  }
  impl_->Shutdown();
  return 0;
}

}  // namespace kumo::server

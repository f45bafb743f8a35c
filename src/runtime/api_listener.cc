#include "runtime/api_listener.h"

#include "runtime/environment.h"
#include "runtime/runtime_api.h"

namespace kumo::runtime {

Result<std::unique_ptr<RuntimeApiListener>> RuntimeApiListener::Open(edge::IoPool& pool,
                                                                     uint64_t body_limit) {
  std::unique_ptr<RuntimeApiListener> listener(new RuntimeApiListener());
  edge::HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.body_limit = body_limit;
  // A runtime keeps its connection between invocations; a parked /next is
  // held by the handler and is not subject to either timeout.
  options.idle_timeout = std::chrono::hours(1);
  // The runtime's connection lives on its environment's context: an
  // invocation's /next, response and timer then share one thread, and the
  // environments (spread by IoPool::Next at cold start) spread the runtimes.
  options.connection_context = [slot = listener->slot_, &pool]() -> boost::asio::io_context& {
    std::lock_guard lock(slot->mu);
    return slot->env ? slot->env->io() : pool.Next();
  };
  listener->server_ = std::make_unique<edge::HttpServer>(
      pool, options,
      [slot = listener->slot_](edge::Request request, std::shared_ptr<edge::ResponseSink> sink) {
        std::shared_ptr<ExecutionEnvironment> env;
        {
          std::lock_guard lock(slot->mu);
          env = slot->env;
        }
        if (env == nullptr) {
          sink->Complete(RuntimeApiErrorResponse(403, "AccessDeniedException",
                                                 "No execution environment uses this endpoint"),
                         "AccessDeniedException");
          return;
        }
        env->HandleRuntimeApi(std::move(request), std::move(sink));
      });
  KUMO_ASSIGN_OR_RETURN(listener->port_, listener->server_->Listen());
  return listener;
}

RuntimeApiListener::~RuntimeApiListener() {
  if (server_) server_->Stop();
  Detach();
}

void RuntimeApiListener::Attach(std::shared_ptr<ExecutionEnvironment> env) {
  std::lock_guard lock(slot_->mu);
  slot_->env = std::move(env);
}

void RuntimeApiListener::Detach() {
  std::shared_ptr<ExecutionEnvironment> old;
  std::lock_guard lock(slot_->mu);
  old.swap(slot_->env);
}

}  // namespace kumo::runtime

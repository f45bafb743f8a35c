// AsyncInvoker: Lambda's asynchronous invocation (InvocationType=Event).
//
// An Event invocation is written to a durable queue (the Store family
// "async-invoke") and acknowledged (202) only once it is durable. A worker
// thread runs queued events through the synchronous Invoker, at most
// `max_in_flight` at a time, and follows Lambda's rules:
//   - a function error is retried MaximumRetryAttempts times (default 2),
//     after back-off delays (base, then 2x base, ...);
//   - throttles (429) and runtime/service errors (5xx) are retried without
//     counting as attempts, until MaximumEventAgeInSeconds (default 6 h);
//   - an event older than its maximum age is dropped;
//   - on success / on final failure the OnSuccess / OnFailure destination,
//     when it is a Lambda function, is invoked asynchronously with Lambda's
//     destination record. Other destination types are logged and skipped.
// Delivery is at least once: events in flight when Kumo dies run again
// after restart, as in Lambda.
//
// AsyncInvoker is itself an Invoker: Event requests are queued, every other
// type is passed to the synchronous invoker unchanged, so the Lambda API can
// be given this one object.
//
// Thread-safety: Invoke from any thread. Start/Shutdown from the owner.
#pragma once

#include <chrono>
#include <memory>

#include "common/clock.h"
#include "common/status.h"
#include "functions/invoker.h"
#include "functions/registry.h"

namespace kumo::storage {
class Store;
}

namespace kumo::events {

struct AsyncInvokeOptions {
  // The first retry waits this long; each further retry doubles it (Lambda:
  // about a minute, then two).
  std::chrono::milliseconds retry_base{60000};
  // After a throttle or a service error.
  std::chrono::milliseconds throttle_delay{1000};
  int max_in_flight = 64;
  // Shutdown waits this long for invocations in flight; those still running
  // stay queued and run again after a restart.
  std::chrono::milliseconds shutdown_grace{3000};
  const Clock* clock = &Clock::System();
};

class AsyncInvoker final : public functions::Invoker {
 public:
  // Opens the queue in `store`; events left from an earlier run are due at
  // once. `sync` runs the invocations; `registry` resolves them again at
  // run time (so $LATEST runs the code current then, as in Lambda).
  static Result<std::unique_ptr<AsyncInvoker>> Open(storage::Store& store,
                                                    functions::FunctionRegistry& registry,
                                                    std::shared_ptr<functions::Invoker> sync,
                                                    AsyncInvokeOptions options);
  ~AsyncInvoker() override;

  void Start();
  // Stops dispatching and waits up to `shutdown_grace` for invocations in
  // flight. Queued events stay, and so do events whose invocation is still
  // running: their callbacks may come later (when the synchronous invoker
  // shuts down and fails them), so the destructor waits for every callback.
  // The synchronous invoker must therefore end its invocations before the
  // AsyncInvoker is destroyed.
  void Shutdown();

  void Invoke(functions::InvokeRequest request,
              std::function<void(Result<functions::InvokeResult>)> done) override;

  // Events queued and not yet finished (for tests and metrics).
  size_t Pending() const;

  class Impl;

 private:
  explicit AsyncInvoker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::events

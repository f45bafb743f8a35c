// LambdaService: the Lambda control plane (REST-JSON API 2015-03-31).
//
// Functions, versions, aliases, layers, reserved concurrency, event invoke
// configs, tags and resource policies, persisted in the Store family
// "lambda"; function and layer code unpacked once into a content-addressed
// directory ({data_dir}/code/{sha256 hex}/, the zip beside it). Invoke is
// validated here and run by an Invoker (src/runtime).
//
// Threading: handlers run on the edge's I/O threads. Reads are served from an
// in-memory view and never block on storage; writes are serialized, durable
// (Store::Write) before they are answered, and then announced to change
// listeners. Unzipping runs on the calling I/O thread. Invoke never blocks:
// it answers when the Invoker calls back.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "edge/service.h"
#include "functions/invoker.h"
#include "functions/registry.h"

namespace kumo::storage {
class Store;
}

namespace kumo::functions {

// Where stored zips are served: "http://{Host}/_kumo/code/{sha256 hex}.zip".
inline constexpr std::string_view kCodePathPrefix = "/_kumo/code/";

struct LambdaServiceOptions {
  // Code lives in {data_dir}/code. Ignored when in_memory: code then goes to
  // a temporary directory removed when the service is destroyed.
  std::string data_dir;
  bool in_memory = false;
  const Clock* clock = &Clock::System();
  // Uniform in [0, 1), used for alias routing weights. Default: a PRNG.
  std::function<double()> random;
};

class LambdaService final : public FunctionRegistry {
 public:
  // Opens the "lambda" family of `store` (which must outlive the service),
  // loads every function and layer, and removes unpacked code no record
  // refers to. Fails when the store or the code directory cannot be used.
  static Result<std::unique_ptr<LambdaService>> Open(storage::Store& store,
                                                     LambdaServiceOptions options);
  ~LambdaService() override;

  // name "lambda", Protocol::kRestJson, signing name "lambda", and the REST
  // path prefixes of the operations implemented. The handler refers to this
  // service, which must outlive every call.
  edge::ServiceDescriptor Descriptor();

  // name "lambda-code", authenticate = false, path prefix kCodePathPrefix:
  // GET {prefix}{sha256 hex}.zip serves the zip behind GetFunction's and
  // GetLayerVersion's Content.Location (clients fetch it unsigned, as they
  // would a presigned S3 URL).
  edge::ServiceDescriptor CodeDownloadDescriptor();

  // Sets who runs invocations; until then Invoke answers 500 ServiceException.
  // May be called at any time, from any thread.
  void SetInvoker(std::shared_ptr<Invoker> invoker);

  // FunctionRegistry
  Result<FunctionConfig> Resolve(std::string_view region, std::string_view function,
                                 std::string_view qualifier) const override;
  uint64_t AddChangeListener(ChangeListener listener) override;
  void RemoveChangeListener(uint64_t id) override;

  class Impl;

 private:
  explicit LambdaService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kumo::functions

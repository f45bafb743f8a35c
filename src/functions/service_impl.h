// LambdaService::Impl: the state and the operations behind LambdaService.
// Private to the module; the operations are split by family across
// ops_*.cc files, the dispatch table is in lambda_service.cc.
//
// Concurrency: readers copy a shared_ptr to an immutable FunctionState or
// LayerState under mu_ (held only for that) and read it without locks.
// Writers hold write_mu_ across read-modify-write: they build a new state,
// make it durable with one Store::Write, then publish it under mu_. Code is
// unpacked before write_mu_ is taken. Listeners run after write_mu_ is
// released.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "edge/service.h"
#include "functions/code_store.h"
#include "functions/lambda_service.h"
#include "functions/names.h"
#include "functions/records.h"
#include "functions/render.h"
#include "storage/store.h"

namespace kumo::functions {

struct FunctionState {
  FunctionRecord fn;
  std::shared_ptr<const VersionRecord> latest;
  std::map<int64_t, std::shared_ptr<const VersionRecord>> versions;  // published

  // "$LATEST" or a version number; nullptr when absent.
  std::shared_ptr<const VersionRecord> FindVersion(std::string_view version) const;
};
using FunctionPtr = std::shared_ptr<const FunctionState>;

struct LayerState {
  LayerRecord layer;
  std::map<int64_t, std::shared_ptr<const LayerVersionRecord>> versions;
};
using LayerPtr = std::shared_ptr<const LayerState>;

// One API call as an operation sees it.
struct OpContext {
  const edge::Request& request;
  std::vector<std::string> params;  // decoded path parameters, in path order

  const std::string& region() const { return request.region; }
  // The first query value named `name`, or "".
  std::string Query(std::string_view name) const;
  // The request body as a JSON object (400 SerializationException otherwise).
  Result<boost::json::object> Body() const;
};

using SyncOp = Result<edge::Response> (LambdaService::Impl::*)(const OpContext&);
using AsyncOp = void (LambdaService::Impl::*)(const OpContext&, edge::Responder);

class LambdaService::Impl {
 public:
  Impl(storage::Store& store, storage::Family family, std::unique_ptr<CodeStore> code,
       LambdaServiceOptions options);

  // Loads every record, then removes code no record refers to.
  Status Load();
  // Dispatches an API call, or (`code_download`) a GET of a stored zip.
  void Handle(edge::Call call, edge::Responder responder, bool code_download);

  Result<FunctionConfig> Resolve(std::string_view region, std::string_view function,
                                 std::string_view qualifier) const;
  uint64_t AddListener(ChangeListener listener);
  void RemoveListener(uint64_t id);
  void SetInvoker(std::shared_ptr<Invoker> invoker);

  // ops_functions.cc
  Result<edge::Response> CreateFunction(const OpContext& ctx);
  Result<edge::Response> GetFunction(const OpContext& ctx);
  Result<edge::Response> GetFunctionConfiguration(const OpContext& ctx);
  Result<edge::Response> ListFunctions(const OpContext& ctx);
  Result<edge::Response> UpdateFunctionCode(const OpContext& ctx);
  Result<edge::Response> UpdateFunctionConfiguration(const OpContext& ctx);
  Result<edge::Response> DeleteFunction(const OpContext& ctx);
  Result<edge::Response> GetCodeZip(const OpContext& ctx);
  // ops_versions.cc
  Result<edge::Response> PublishVersion(const OpContext& ctx);
  Result<edge::Response> ListVersionsByFunction(const OpContext& ctx);
  Result<edge::Response> CreateAlias(const OpContext& ctx);
  Result<edge::Response> GetAlias(const OpContext& ctx);
  Result<edge::Response> UpdateAlias(const OpContext& ctx);
  Result<edge::Response> DeleteAlias(const OpContext& ctx);
  Result<edge::Response> ListAliases(const OpContext& ctx);
  // ops_layers.cc
  Result<edge::Response> PublishLayerVersion(const OpContext& ctx);
  Result<edge::Response> GetLayerVersion(const OpContext& ctx);
  Result<edge::Response> ListLayers(const OpContext& ctx);  // and GetLayerVersionByArn
  Result<edge::Response> ListLayerVersions(const OpContext& ctx);
  Result<edge::Response> DeleteLayerVersion(const OpContext& ctx);
  // ops_config.cc
  Result<edge::Response> PutFunctionConcurrency(const OpContext& ctx);
  Result<edge::Response> GetFunctionConcurrency(const OpContext& ctx);
  Result<edge::Response> DeleteFunctionConcurrency(const OpContext& ctx);
  Result<edge::Response> PutFunctionEventInvokeConfig(const OpContext& ctx);
  Result<edge::Response> UpdateFunctionEventInvokeConfig(const OpContext& ctx);
  // Put (replace) or Update (`merge`) of an event invoke config.
  Result<edge::Response> WriteEventInvokeConfig(const OpContext& ctx, bool merge);
  Result<edge::Response> GetFunctionEventInvokeConfig(const OpContext& ctx);
  Result<edge::Response> DeleteFunctionEventInvokeConfig(const OpContext& ctx);
  Result<edge::Response> ListFunctionEventInvokeConfigs(const OpContext& ctx);
  Result<edge::Response> GetAccountSettings(const OpContext& ctx);
  // ops_policy.cc
  Result<edge::Response> AddPermission(const OpContext& ctx);
  Result<edge::Response> RemovePermission(const OpContext& ctx);
  Result<edge::Response> GetPolicy(const OpContext& ctx);
  Result<edge::Response> TagResource(const OpContext& ctx);
  Result<edge::Response> UntagResource(const OpContext& ctx);
  Result<edge::Response> ListTags(const OpContext& ctx);
  // ops_invoke.cc
  void Invoke(const OpContext& ctx, edge::Responder responder);
  void InvokeAsync(const OpContext& ctx, edge::Responder responder);
  // The checks both make, then the Invoker; answers through `responder`.
  void RunInvocation(const OpContext& ctx, edge::Responder responder, InvocationType type,
                     LogType log_type, bool legacy_async);

 private:
  // --- state (state.cc) ---
  FunctionPtr FindFunction(std::string_view region, std::string_view name) const;
  // 404 "Function not found: <unqualified arn>" when absent.
  Result<FunctionPtr> RequireFunction(std::string_view region, std::string_view name) const;
  // Every function of `region`, in name order.
  std::vector<FunctionPtr> FunctionsIn(std::string_view region) const;
  // Makes `after` durable and visible; `after` null deletes `before`'s
  // function. Only with write_mu_ held.
  Status CommitFunction(const FunctionPtr& before, FunctionPtr after);
  LayerPtr FindLayer(std::string_view region, std::string_view name) const;
  std::vector<LayerPtr> LayersIn(std::string_view region) const;
  Status CommitLayer(const LayerPtr& before, LayerPtr after);
  void Notify(const FunctionChange& change);
  std::string NowTimestamp() const;
  double Random() const;

  // --- shared by operation families (ops_common.cc) ---
  struct Target {
    FunctionRef ref;
    FunctionPtr fn;
  };
  // Parses the FunctionName path parameter (merging `qualifier`) and finds
  // the function: 404 "Function not found: <arn>", qualified when a
  // qualifier was given.
  Result<Target> FindTarget(const OpContext& ctx, NameShape shape,
                            std::string_view qualifier) const;
  // Unpacks a base64 ZipFile member (or rejects S3 code) for `operation`.
  Result<StoredCode> StoreZipFile(const boost::json::object& code, std::string_view operation,
                                  size_t body_size);
  // Resolves layer version ARNs to references (existence, region, limits).
  Result<std::vector<LayerRef>> ResolveLayers(std::string_view region,
                                              const std::vector<std::string>& arns) const;
  // The version a qualifier names, following an alias to its main version.
  // 404 with AWS's message when the version or alias does not exist.
  Result<std::shared_ptr<const VersionRecord>> VersionFor(const FunctionState& fn,
                                                          std::string_view qualifier) const;
  // GetFunction's and GetFunctionConfiguration's target: the function, the
  // version its Qualifier names, and how to present it.
  struct ReadTarget {
    Target target;
    std::shared_ptr<const VersionRecord> version;
    ConfigView view;
  };
  Result<ReadTarget> FindReadTarget(const OpContext& ctx) const;
  // Publishes $LATEST of `next` as a new version, unless its content equals
  // the newest published version, which is then returned as is (as AWS
  // does). `published` says which happened. (ops_versions.cc)
  std::shared_ptr<const VersionRecord> PublishLatest(FunctionState& next,
                                                     const std::optional<std::string>& description,
                                                     bool* published);
  // Builds the FunctionConfig of `version` reached through `qualifier`.
  FunctionConfig MakeConfig(const FunctionState& fn, const VersionRecord& version,
                            std::string_view alias) const;
  // GetLayerVersion's answer for version `number` of `layer` (404 if absent).
  Result<edge::Response> LayerVersionResponse(const edge::Request& request, const LayerPtr& layer,
                                              int64_t number) const;
  // The public URL of a stored zip, on the host the client called.
  static std::string CodeLocation(const edge::Request& request, std::string_view sha_hex);

  storage::Store& store_;
  storage::Family family_;
  std::unique_ptr<CodeStore> code_;
  LambdaServiceOptions options_;

  mutable std::mutex mu_;                         // guards functions_, layers_ and invoker_
  std::map<std::string, FunctionPtr> functions_;  // by "{region}/{name}"
  std::map<std::string, LayerPtr> layers_;        // by "{region}/{name}"
  std::shared_ptr<Invoker> invoker_;

  std::mutex write_mu_;  // serializes every read-modify-write of records

  std::shared_mutex listeners_mu_;  // shared while listeners run
  std::map<uint64_t, ChangeListener> listeners_;
  uint64_t next_listener_id_ = 1;

  mutable std::mutex random_mu_;
  mutable std::mt19937_64 rng_;
};

// JSON response helpers shared by the operation files.
edge::Response JsonResponse(int status, const boost::json::value& body);
edge::Response EmptyResponse(int status);

}  // namespace kumo::functions

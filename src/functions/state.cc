// The in-memory view of the control plane and its persistence in the Store.
#include <boost/json.hpp>
#include <set>

#include "common/clock.h"
#include "common/encoding.h"
#include "common/json.h"
#include "functions/names.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

std::string MapKey(std::string_view region, std::string_view name) {
  return std::string(region) + "/" + std::string(name);
}

// Splits "{prefix}/{region}/{name}[/{rest}]" (the prefix already removed).
struct KeyParts {
  std::string region;
  std::string name;
  std::string rest;
};

std::optional<KeyParts> SplitKey(std::string_view key) {
  size_t a = key.find('/');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = key.find('/', a + 1);
  KeyParts parts;
  parts.region = std::string(key.substr(0, a));
  if (b == std::string_view::npos) {
    parts.name = std::string(key.substr(a + 1));
  } else {
    parts.name = std::string(key.substr(a + 1, b - a - 1));
    parts.rest = std::string(key.substr(b + 1));
  }
  return parts;
}

template <typename Ptr>
std::vector<Ptr> RangeOf(const std::map<std::string, Ptr>& map, std::string_view region) {
  std::vector<Ptr> out;
  std::string prefix = std::string(region) + "/";
  for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->second);
  }
  return out;
}

}  // namespace

std::shared_ptr<const VersionRecord> FunctionState::FindVersion(std::string_view version) const {
  if (version == "$LATEST") return latest;
  if (!IsVersionNumber(version)) return nullptr;
  auto it = versions.find(std::stoll(std::string(version)));
  return it == versions.end() ? nullptr : it->second;
}

std::string OpContext::Query(std::string_view name) const {
  return std::string(request.QueryParam(name).value_or(""));
}

Result<boost::json::object> OpContext::Body() const { return ParseJsonObject(request.body); }

edge::Response JsonResponse(int status, const boost::json::value& body) {
  edge::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = boost::json::serialize(body);
  return r;
}

edge::Response EmptyResponse(int status) {
  edge::Response r;
  r.status = status;
  return r;
}

LambdaService::Impl::Impl(storage::Store& store, storage::Family family,
                          std::unique_ptr<CodeStore> code, LambdaServiceOptions options)
    : store_(store),
      family_(family),
      code_(std::move(code)),
      options_(std::move(options)),
      rng_(std::random_device{}()) {}

Status LambdaService::Impl::Load() {
  std::map<std::string, std::shared_ptr<FunctionState>> functions;
  std::map<std::string, std::shared_ptr<LayerState>> layers;
  std::set<std::string> referenced;
  std::unique_ptr<storage::Iterator> it = store_.NewIterator(family_);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view key = it->key();
    std::string_view value = it->value();
    if (key.starts_with("fn/")) {
      KUMO_ASSIGN_OR_RETURN(FunctionRecord fn, DecodeFunction(value));
      auto& state = functions[MapKey(fn.region, fn.name)];
      if (!state) state = std::make_shared<FunctionState>();
      state->fn = std::move(fn);
    } else if (key.starts_with("ver/")) {
      std::optional<KeyParts> parts = SplitKey(key.substr(4));
      if (!parts) return Internal("corrupt version key " + std::string(key));
      KUMO_ASSIGN_OR_RETURN(VersionRecord v, DecodeVersion(value));
      referenced.insert(v.code_sha_hex);
      for (const LayerRef& l : v.layers) referenced.insert(l.sha_hex);
      auto& state = functions[MapKey(parts->region, parts->name)];
      if (!state) state = std::make_shared<FunctionState>();
      auto record = std::make_shared<const VersionRecord>(std::move(v));
      if (record->version == "$LATEST") {
        state->latest = record;
      } else {
        state->versions[std::stoll(record->version)] = record;
      }
    } else if (key.starts_with("layer/")) {
      KUMO_ASSIGN_OR_RETURN(LayerRecord layer, DecodeLayer(value));
      auto& state = layers[MapKey(layer.region, layer.name)];
      if (!state) state = std::make_shared<LayerState>();
      state->layer = std::move(layer);
    } else if (key.starts_with("lver/")) {
      KUMO_ASSIGN_OR_RETURN(LayerVersionRecord v, DecodeLayerVersion(value));
      referenced.insert(v.code_sha_hex);
      auto& state = layers[MapKey(v.region, v.name)];
      if (!state) state = std::make_shared<LayerState>();
      int64_t number = v.version;
      state->versions[number] = std::make_shared<const LayerVersionRecord>(std::move(v));
    }
  }
  KUMO_RETURN_IF_ERROR(it->status());
  std::lock_guard lock(mu_);
  for (auto& [key, state] : functions) {
    // A crash cannot leave half a function (records are written in one
    // batch), so a state without $LATEST or a function record is corrupt.
    if (!state->latest || state->fn.name.empty()) return Internal("incomplete function " + key);
    functions_[key] = std::move(state);
  }
  for (auto& [key, state] : layers) {
    if (state->layer.name.empty()) return Internal("incomplete layer " + key);
    layers_[key] = std::move(state);
  }
  return code_->RemoveAllExcept(referenced);
}

FunctionPtr LambdaService::Impl::FindFunction(std::string_view region,
                                              std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = functions_.find(MapKey(region, name));
  return it == functions_.end() ? nullptr : it->second;
}

Result<FunctionPtr> LambdaService::Impl::RequireFunction(std::string_view region,
                                                         std::string_view name) const {
  FunctionPtr fn = FindFunction(region, name);
  if (fn == nullptr) return FunctionNotFound(FunctionArn(region, name));
  return fn;
}

std::vector<FunctionPtr> LambdaService::Impl::FunctionsIn(std::string_view region) const {
  std::lock_guard lock(mu_);
  return RangeOf(functions_, region);
}

Status LambdaService::Impl::CommitFunction(const FunctionPtr& before, FunctionPtr after) {
  const FunctionRecord& fn = after ? after->fn : before->fn;
  storage::WriteBatch batch;
  auto put_version = [&](const VersionRecord& v) {
    batch.Put(family_, VersionStoreKey(fn.region, fn.name, v.version), EncodeVersion(v));
  };
  if (after) {
    batch.Put(family_, FunctionKey(fn.region, fn.name), EncodeFunction(after->fn));
    if (!before || before->latest != after->latest) put_version(*after->latest);
    for (const auto& [number, v] : after->versions) {
      if (!before) {
        put_version(*v);
        continue;
      }
      auto old = before->versions.find(number);
      if (old == before->versions.end() || old->second != v) put_version(*v);
    }
  }
  if (before) {
    if (!after) {
      batch.Delete(family_, FunctionKey(fn.region, fn.name));
      batch.Delete(family_, VersionStoreKey(fn.region, fn.name, "$LATEST"));
    }
    for (const auto& [number, v] : before->versions) {
      if (!after || after->versions.count(number) == 0) {
        batch.Delete(family_, VersionStoreKey(fn.region, fn.name, v->version));
      }
    }
  }
  KUMO_RETURN_IF_ERROR(store_.Write(batch));
  std::lock_guard lock(mu_);
  if (after) {
    functions_[MapKey(fn.region, fn.name)] = std::move(after);
  } else {
    functions_.erase(MapKey(fn.region, fn.name));
  }
  return Status::Ok();
}

LayerPtr LambdaService::Impl::FindLayer(std::string_view region, std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = layers_.find(MapKey(region, name));
  return it == layers_.end() ? nullptr : it->second;
}

std::vector<LayerPtr> LambdaService::Impl::LayersIn(std::string_view region) const {
  std::lock_guard lock(mu_);
  return RangeOf(layers_, region);
}

Status LambdaService::Impl::CommitLayer(const LayerPtr& before, LayerPtr after) {
  const LayerRecord& layer = after->layer;
  storage::WriteBatch batch;
  batch.Put(family_, LayerKey(layer.region, layer.name), EncodeLayer(layer));
  for (const auto& [number, v] : after->versions) {
    bool is_new = !before || before->versions.count(number) == 0;
    if (is_new) {
      batch.Put(family_, LayerVersionKey(layer.region, layer.name, number), EncodeLayerVersion(*v));
    }
  }
  if (before) {
    for (const auto& [number, v] : before->versions) {
      if (after->versions.count(number) == 0) {
        batch.Delete(family_, LayerVersionKey(layer.region, layer.name, number));
      }
    }
  }
  KUMO_RETURN_IF_ERROR(store_.Write(batch));
  std::lock_guard lock(mu_);
  layers_[MapKey(layer.region, layer.name)] = std::move(after);
  return Status::Ok();
}

uint64_t LambdaService::Impl::AddListener(ChangeListener listener) {
  std::unique_lock lock(listeners_mu_);
  uint64_t id = next_listener_id_++;
  listeners_[id] = std::move(listener);
  return id;
}

void LambdaService::Impl::RemoveListener(uint64_t id) {
  std::unique_lock lock(listeners_mu_);
  listeners_.erase(id);
}

void LambdaService::Impl::Notify(const FunctionChange& change) {
  std::shared_lock lock(listeners_mu_);
  for (const auto& [id, listener] : listeners_) listener(change);
}

void LambdaService::Impl::SetInvoker(std::shared_ptr<Invoker> invoker) {
  std::lock_guard lock(mu_);
  invoker_ = std::move(invoker);
}

std::string LambdaService::Impl::NowTimestamp() const {
  return LambdaTimestamp(options_.clock->NowMillis());
}

double LambdaService::Impl::Random() const {
  if (options_.random) return options_.random();
  std::lock_guard lock(random_mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

}  // namespace kumo::functions

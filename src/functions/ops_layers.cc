// Layers: PublishLayerVersion, GetLayerVersion, GetLayerVersionByArn,
// ListLayers, ListLayerVersions, DeleteLayerVersion.
#include <boost/json.hpp>

#include "functions/json_args.h"
#include "functions/render.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr int64_t kMaxLayerListItems = 50;
constexpr char kLayerNamePattern[] =
    R"((arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+)";
constexpr char kLayerVersionArnPattern[] =
    R"(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)";

Error LayerNotFound() { return ResourceNotFound("The resource you requested does not exist."); }

std::string Bracketed(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

// The layer a LayerName parameter names (a name or an unversioned ARN).
Result<std::string> LayerNameParam(std::string_view param, std::string_view region) {
  if (param.starts_with("arn:")) {
    std::optional<LayerVersionRef> ref = ParseLayerArn(param);
    if (ref && ref->version == 0 && param.size() <= 140) {
      if (ref->region != region || ref->account != kAccountId) return LayerNotFound();
      return ref->name;
    }
  } else if (param.size() <= 140 && IsNameToken(param, false)) {
    return std::string(param);
  }
  ConstraintErrors errors;
  errors.MaxLength("layerName", param, 140);
  if (errors.empty()) errors.Pattern("layerName", param, kLayerNamePattern);
  return errors.ToStatus().error();
}

Result<int64_t> VersionNumberParam(std::string_view param) {
  KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> v,
                        QueryInt(param, "versionNumber", INT64_MIN, INT64_MAX));
  if (*v < 1) return InvalidParameterValue("Layer Version Cannot be less than 1");
  return *v;
}

// The filters of ListLayers and ListLayerVersions.
struct LayerFilter {
  std::string runtime;
  std::string architecture;

  bool Matches(const LayerVersionRecord& v) const {
    auto has = [](const std::vector<std::string>& list, const std::string& x) {
      return x.empty() || std::find(list.begin(), list.end(), x) != list.end();
    };
    return has(v.compatible_runtimes, runtime) && has(v.compatible_architectures, architecture);
  }
};

Result<LayerFilter> ReadFilter(const OpContext& ctx) {
  LayerFilter f{ctx.Query("CompatibleRuntime"), ctx.Query("CompatibleArchitecture")};
  ConstraintErrors errors;
  if (!f.runtime.empty() && !IsModelRuntime(f.runtime)) {
    errors.Enum("compatibleRuntime", f.runtime, ModelRuntimesList());
  }
  if (!f.architecture.empty() && !IsArchitecture(f.architecture)) {
    errors.Enum("compatibleArchitecture", f.architecture, "[x86_64, arm64]");
  }
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  return f;
}

}  // namespace

Result<edge::Response> LambdaService::Impl::LayerVersionResponse(const edge::Request& request,
                                                                 const LayerPtr& layer,
                                                                 int64_t number) const {
  if (!layer || layer->versions.count(number) == 0) return LayerNotFound();
  const LayerVersionRecord& v = *layer->versions.at(number);
  return JsonResponse(200, RenderLayerVersion(v, CodeLocation(request, v.code_sha_hex)));
}

Result<edge::Response> LambdaService::Impl::PublishLayerVersion(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(std::string name, LayerNameParam(ctx.params.at(0), ctx.region()));
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(const json::object* content, GetObject(body, "Content"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> description, GetString(body, "Description"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> license, GetString(body, "LicenseInfo"));
  KUMO_ASSIGN_OR_RETURN(auto runtimes, GetStringList(body, "CompatibleRuntimes"));
  KUMO_ASSIGN_OR_RETURN(auto architectures, GetStringList(body, "CompatibleArchitectures"));
  ConstraintErrors errors;
  if (content == nullptr) errors.AddWithoutValue("content", "Member must not be null");
  if (description) errors.MaxLength("description", *description, 256);
  if (license) errors.MaxLength("licenseInfo", *license, 512);
  if (runtimes) {
    bool valid = runtimes->size() <= 15;
    for (const auto& r : *runtimes) valid = valid && IsModelRuntime(r);
    if (runtimes->size() > 15) {
      errors.Add("compatibleRuntimes", Bracketed(*runtimes),
                 "Member must have length less than or equal to 15");
    } else if (!valid) {
      errors.Add("compatibleRuntimes", Bracketed(*runtimes),
                 "Member must satisfy enum value set: " + ModelRuntimesList());
    }
  }
  if (architectures) {
    bool valid = architectures->size() <= 2;
    for (const auto& a : *architectures) valid = valid && IsArchitecture(a);
    if (!valid) {
      errors.Add("compatibleArchitectures", Bracketed(*architectures),
                 architectures->size() > 2
                     ? "Member must have length less than or equal to 2"
                     : "Member must satisfy constraint: [Member must satisfy enum value set: "
                       "[x86_64, arm64]]");
    }
  }
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(StoredCode stored,
                        StoreZipFile(*content, "PublishLayerVersion", ctx.request.body.size()));

  auto version = std::make_shared<LayerVersionRecord>();
  version->region = ctx.region();
  version->name = name;
  version->description = description.value_or("");
  version->license_info = license.value_or("");
  version->has_runtimes = runtimes.has_value();
  if (runtimes) version->compatible_runtimes = *runtimes;
  version->has_architectures = architectures.has_value();
  if (architectures) version->compatible_architectures = *architectures;
  version->created = NowTimestamp();
  version->code_sha_hex = stored.sha256_hex;
  version->code_sha256 = stored.sha256_base64;
  version->code_size = stored.size;
  {
    std::lock_guard write(write_mu_);
    LayerPtr current = FindLayer(ctx.region(), name);
    auto next = current ? std::make_shared<LayerState>(*current) : std::make_shared<LayerState>();
    if (!current) next->layer = LayerRecord{ctx.region(), name, 1};
    version->version = next->layer.next_version++;
    next->versions[version->version] = version;
    KUMO_RETURN_IF_ERROR(CommitLayer(current, next));
  }
  return JsonResponse(201,
                      RenderLayerVersion(*version, CodeLocation(ctx.request, stored.sha256_hex)));
}

Result<edge::Response> LambdaService::Impl::GetLayerVersion(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(std::string name, LayerNameParam(ctx.params.at(0), ctx.region()));
  KUMO_ASSIGN_OR_RETURN(int64_t number, VersionNumberParam(ctx.params.at(1)));
  return LayerVersionResponse(ctx.request, FindLayer(ctx.region(), name), number);
}

Result<edge::Response> LambdaService::Impl::ListLayers(const OpContext& ctx) {
  if (ctx.Query("find") == "LayerVersion") {  // GetLayerVersionByArn shares the path
    std::string arn = ctx.Query("Arn");
    std::optional<LayerVersionRef> ref = ParseLayerArn(arn);
    if (!ref || ref->version == 0 || arn.size() > 140) {
      ConstraintErrors errors;
      errors.Pattern("arn", arn, kLayerVersionArnPattern);
      return errors.ToStatus().error();
    }
    LayerPtr layer = ref->region == ctx.region() && ref->account == kAccountId
                         ? FindLayer(ref->region, ref->name)
                         : nullptr;
    return LayerVersionResponse(ctx.request, layer, ref->version);
  }
  KUMO_ASSIGN_OR_RETURN(LayerFilter filter, ReadFilter(ctx));
  KUMO_ASSIGN_OR_RETURN(auto max_items, QueryInt(ctx.request.QueryParam("MaxItems"), "maxItems", 1,
                                                 kMaxLayerListItems));
  std::vector<std::string> keys;
  std::vector<json::object> items;
  for (const LayerPtr& layer : LayersIn(ctx.region())) {
    for (auto it = layer->versions.rbegin(); it != layer->versions.rend(); ++it) {
      if (!filter.Matches(*it->second)) continue;
      keys.push_back(layer->layer.name);
      items.push_back(
          json::object{{"LayerName", layer->layer.name},
                       {"LayerArn", LayerArn(layer->layer.region, layer->layer.name)},
                       {"LatestMatchingVersion", RenderLayerVersionListItem(*it->second)}});
      break;
    }
  }
  KUMO_ASSIGN_OR_RETURN(PageBounds page,
                        Paginate(keys, ctx.Query("Marker"),
                                 static_cast<size_t>(max_items.value_or(kMaxLayerListItems))));
  json::array layers;
  for (size_t i = page.begin; i < page.end; ++i) layers.push_back(std::move(items[i]));
  json::object out{{"Layers", std::move(layers)}};
  if (!page.next_marker.empty()) out["NextMarker"] = page.next_marker;
  return JsonResponse(200, out);
}

Result<edge::Response> LambdaService::Impl::ListLayerVersions(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(std::string name, LayerNameParam(ctx.params.at(0), ctx.region()));
  KUMO_ASSIGN_OR_RETURN(LayerFilter filter, ReadFilter(ctx));
  KUMO_ASSIGN_OR_RETURN(auto max_items, QueryInt(ctx.request.QueryParam("MaxItems"), "maxItems", 1,
                                                 kMaxLayerListItems));
  std::vector<std::string> keys;  // ascending keys for descending versions
  std::vector<std::shared_ptr<const LayerVersionRecord>> items;
  if (LayerPtr layer = FindLayer(ctx.region(), name)) {
    for (auto it = layer->versions.rbegin(); it != layer->versions.rend(); ++it) {
      if (!filter.Matches(*it->second)) continue;
      keys.push_back(VersionKey(INT32_MAX - it->first));
      items.push_back(it->second);
    }
  }
  KUMO_ASSIGN_OR_RETURN(PageBounds page,
                        Paginate(keys, ctx.Query("Marker"),
                                 static_cast<size_t>(max_items.value_or(kMaxLayerListItems))));
  json::array versions;
  for (size_t i = page.begin; i < page.end; ++i) {
    versions.push_back(RenderLayerVersionListItem(*items[i]));
  }
  json::object out{{"LayerVersions", std::move(versions)}};
  if (!page.next_marker.empty()) out["NextMarker"] = page.next_marker;
  return JsonResponse(200, out);
}

Result<edge::Response> LambdaService::Impl::DeleteLayerVersion(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(std::string name, LayerNameParam(ctx.params.at(0), ctx.region()));
  KUMO_ASSIGN_OR_RETURN(int64_t number, VersionNumberParam(ctx.params.at(1)));
  std::lock_guard write(write_mu_);
  LayerPtr current = FindLayer(ctx.region(), name);
  if (current && current->versions.count(number) > 0) {
    // Functions that use the version keep its code: they refer to it by digest.
    auto next = std::make_shared<LayerState>(*current);
    next->versions.erase(number);
    KUMO_RETURN_IF_ERROR(CommitLayer(current, next));
  }
  return EmptyResponse(204);
}

}  // namespace kumo::functions

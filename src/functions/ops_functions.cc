// Function operations: CreateFunction, GetFunction, GetFunctionConfiguration,
// ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration,
// DeleteFunction, and the zip download behind GetFunction's Code.Location.
#include <boost/json.hpp>

#include "common/encoding.h"
#include "functions/config_args.h"
#include "functions/json_args.h"
#include "functions/render.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr size_t kMaxTags = 50;
constexpr size_t kMaxCreateNameLength = 64;
constexpr int64_t kListPageLimit = 50;

// CreateFunction answers a bare name's violations as InvalidParameterValue.
Error AsInvalidParameter(Error e) {
  if (e.code == "ValidationException") e.code = "InvalidParameterValueException";
  return e;
}

Status CheckTagCount(const std::map<std::string, std::string>& tags) {
  if (tags.size() > kMaxTags) {
    return InvalidParameterValue("Number of tags exceeds resource tag limit.");
  }
  return Status::Ok();
}

}  // namespace

Result<edge::Response> LambdaService::Impl::CreateFunction(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> name_in, GetString(body, "FunctionName"));
  KUMO_ASSIGN_OR_RETURN(const json::object* code, GetObject(body, "Code"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> package, GetString(body, "PackageType"));
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> publish, GetBool(body, "Publish"));
  KUMO_ASSIGN_OR_RETURN(auto tags, GetStringMap(body, "Tags"));
  ConstraintErrors required;
  if (!name_in) required.AddWithoutValue("functionName", "Member must not be null");
  if (!body.contains("Role")) required.AddWithoutValue("role", "Member must not be null");
  if (code == nullptr) required.AddWithoutValue("code", "Member must not be null");
  if (package && *package != "Zip" && *package != "Image") {
    required.Enum("packageType", *package, "[Zip, Image]");
  }
  KUMO_RETURN_IF_ERROR(required.ToStatus());

  Result<FunctionRef> parsed =
      ParseFunctionRef(*name_in, "", ctx.region(), NameShape::kFunctionName);
  bool bare = name_in->find(':') == std::string::npos;
  if (!parsed.ok()) return bare ? AsInvalidParameter(parsed.error()) : parsed.error();
  if (!parsed->qualifier.empty()) {
    return ValidationError(FunctionNamePatternViolation(*name_in, NameShape::kFunctionName));
  }
  const std::string name = parsed->name;
  if (name.size() > kMaxCreateNameLength) {
    ConstraintErrors errors;
    errors.MaxLength("functionName", name, kMaxCreateNameLength);
    return AsInvalidParameter(errors.ToStatus().error());
  }
  if (package == "Image") {
    return InvalidParameterValue(
        "Kumo does not support container image functions (PackageType Image): upload the "
        "deployment package as ZipFile instead.");
  }
  KUMO_ASSIGN_OR_RETURN(ConfigChanges changes, ReadConfigChanges(body));
  if (!changes.runtime || !changes.handler) {
    return InvalidParameterValue(
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages.");
  }
  if (tags) KUMO_RETURN_IF_ERROR(CheckTagCount(*tags));

  auto latest = std::make_shared<VersionRecord>();
  latest->log_group = "/aws/lambda/" + name;
  KUMO_RETURN_IF_ERROR(ApplyConfigChanges(changes, *latest));
  if (changes.layers) {
    KUMO_ASSIGN_OR_RETURN(latest->layers, ResolveLayers(ctx.region(), *changes.layers));
  }
  auto conflict = [&] { return ResourceConflict("Function already exist: " + name); };
  if (FindFunction(ctx.region(), name) != nullptr) return conflict();  // before unzipping
  KUMO_ASSIGN_OR_RETURN(StoredCode stored,
                        StoreZipFile(*code, "CreateFunction", ctx.request.body.size()));
  latest->code_sha_hex = stored.sha256_hex;
  latest->code_sha256 = stored.sha256_base64;
  latest->code_size = stored.size;
  latest->last_modified = NowTimestamp();
  latest->revision_id = NewUuid();

  auto next = std::make_shared<FunctionState>();
  next->fn.region = ctx.region();
  next->fn.name = name;
  if (tags) next->fn.tags = *tags;
  next->latest = latest;
  std::shared_ptr<const VersionRecord> shown = latest;
  {
    std::lock_guard write(write_mu_);
    if (FindFunction(ctx.region(), name) != nullptr) return conflict();
    if (publish.value_or(false)) {
      bool published = false;
      shown = PublishLatest(*next, std::nullopt, &published);
    }
    KUMO_RETURN_IF_ERROR(CommitFunction(nullptr, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), name, "$LATEST"});
  ConfigView view;
  view.moment = ConfigView::Moment::kCreating;
  view.qualified_arn = publish.value_or(false);  // the answer is version 1, ARN and all
  return JsonResponse(201, RenderConfiguration(next->fn, *shown, view));
}

Result<LambdaService::Impl::ReadTarget> LambdaService::Impl::FindReadTarget(
    const OpContext& ctx) const {
  ReadTarget out;
  KUMO_ASSIGN_OR_RETURN(out.target,
                        FindTarget(ctx, NameShape::kNamespacedName, ctx.Query("Qualifier")));
  const std::string& qualifier = out.target.ref.qualifier;
  KUMO_ASSIGN_OR_RETURN(out.version, VersionFor(*out.target.fn, qualifier));
  out.view.qualified_arn = !qualifier.empty();
  if (out.target.fn->fn.aliases.count(qualifier) > 0) out.view.alias = qualifier;
  return out;
}

Result<edge::Response> LambdaService::Impl::GetFunction(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ReadTarget t, FindReadTarget(ctx));
  const FunctionRecord& fn = t.target.fn->fn;
  json::object out;
  out["Configuration"] = RenderConfiguration(fn, *t.version, t.view);
  out["Code"] = json::object{{"RepositoryType", "S3"},
                             {"Location", CodeLocation(ctx.request, t.version->code_sha_hex)}};
  if (!fn.tags.empty()) {
    json::object tags;
    for (const auto& [k, v] : fn.tags) tags[k] = v;
    out["Tags"] = std::move(tags);
  }
  if (fn.reserved_concurrency) {
    out["Concurrency"] = json::object{{"ReservedConcurrentExecutions", *fn.reserved_concurrency}};
  }
  return JsonResponse(200, out);
}

Result<edge::Response> LambdaService::Impl::GetFunctionConfiguration(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(ReadTarget t, FindReadTarget(ctx));
  return JsonResponse(200, RenderConfiguration(t.target.fn->fn, *t.version, t.view));
}

Result<edge::Response> LambdaService::Impl::ListFunctions(const OpContext& ctx) {
  std::optional<std::string_view> version_filter = ctx.request.QueryParam("FunctionVersion");
  if (version_filter && *version_filter != "ALL") {
    ConstraintErrors errors;
    errors.Enum("functionVersion", *version_filter, "[ALL]");
    KUMO_RETURN_IF_ERROR(errors.ToStatus());
  }
  KUMO_ASSIGN_OR_RETURN(auto max_items,
                        QueryInt(ctx.request.QueryParam("MaxItems"), "maxItems", 1, 10000));
  bool all = version_filter.has_value();
  struct Item {
    FunctionPtr fn;
    std::shared_ptr<const VersionRecord> version;
  };
  std::vector<std::string> keys;
  std::vector<Item> items;
  // Paginate needs keys in item order: the separator sorts below every
  // character of a name, so "f" and its versions come before "f-2" and "f1".
  constexpr char kVersionSeparator = ' ';
  for (const FunctionPtr& fn : FunctionsIn(ctx.region())) {
    keys.push_back(all ? fn->fn.name + kVersionSeparator + "$LATEST" : fn->fn.name);
    items.push_back({fn, fn->latest});
    if (!all) continue;
    for (const auto& [number, v] : fn->versions) {
      keys.push_back(fn->fn.name + kVersionSeparator + VersionKey(number));
      items.push_back({fn, v});
    }
  }
  size_t limit = static_cast<size_t>(std::min(max_items.value_or(kListPageLimit), kListPageLimit));
  KUMO_ASSIGN_OR_RETURN(PageBounds page, Paginate(keys, ctx.Query("Marker"), limit));
  json::array functions;
  ConfigView view;
  view.for_list = true;
  view.qualified_arn = all;
  for (size_t i = page.begin; i < page.end; ++i) {
    functions.push_back(RenderConfiguration(items[i].fn->fn, *items[i].version, view));
  }
  json::object out{{"Functions", std::move(functions)}};
  if (!page.next_marker.empty()) out["NextMarker"] = page.next_marker;
  return JsonResponse(200, out);
}

Result<edge::Response> LambdaService::Impl::UpdateFunctionCode(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> publish, GetBool(body, "Publish"));
  KUMO_ASSIGN_OR_RETURN(std::optional<bool> dry_run, GetBool(body, "DryRun"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> revision, GetString(body, "RevisionId"));
  ConfigChanges arch;
  {
    json::object only_arch;
    if (const json::value* a = body.if_contains("Architectures")) only_arch["Architectures"] = *a;
    KUMO_ASSIGN_OR_RETURN(arch, ReadConfigChanges(only_arch));
  }
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));
  if (revision && *revision != t.fn->latest->revision_id) return PreconditionFailed();
  KUMO_ASSIGN_OR_RETURN(StoredCode stored,
                        StoreZipFile(body, "UpdateFunctionCode", ctx.request.body.size()));

  std::shared_ptr<const VersionRecord> shown;
  FunctionPtr next_ptr;
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    if (revision && *revision != current->latest->revision_id) return PreconditionFailed();
    auto next = std::make_shared<FunctionState>(*current);
    auto latest = std::make_shared<VersionRecord>(*current->latest);
    latest->code_sha_hex = stored.sha256_hex;
    latest->code_sha256 = stored.sha256_base64;
    latest->code_size = stored.size;
    if (arch.architecture) latest->architecture = *arch.architecture;
    latest->last_modified = NowTimestamp();
    latest->revision_id = NewUuid();
    next->latest = latest;
    shown = latest;
    bool published = false;
    if (publish.value_or(false)) shown = PublishLatest(*next, std::nullopt, &published);
    next_ptr = next;
    if (dry_run.value_or(false)) {
      ConfigView view;
      return JsonResponse(200, RenderConfiguration(next->fn, *shown, view));
    }
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), t.ref.name, "$LATEST"});
  ConfigView view;
  view.moment =
      shown->version == "$LATEST" ? ConfigView::Moment::kUpdating : ConfigView::Moment::kCreating;
  view.qualified_arn = publish.value_or(false);
  return JsonResponse(200, RenderConfiguration(next_ptr->fn, *shown, view));
}

Result<edge::Response> LambdaService::Impl::UpdateFunctionConfiguration(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> revision, GetString(body, "RevisionId"));
  json::object config = body;
  config.erase("Architectures");  // not a member of this operation
  KUMO_ASSIGN_OR_RETURN(ConfigChanges changes, ReadConfigChanges(config));
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));
  std::vector<LayerRef> layers;
  if (changes.layers) {
    KUMO_ASSIGN_OR_RETURN(layers, ResolveLayers(ctx.region(), *changes.layers));
  }

  FunctionPtr next;
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    if (revision && *revision != current->latest->revision_id) return PreconditionFailed();
    auto latest = std::make_shared<VersionRecord>(*current->latest);
    KUMO_RETURN_IF_ERROR(ApplyConfigChanges(changes, *latest));
    if (changes.layers) latest->layers = layers;
    latest->last_modified = NowTimestamp();
    latest->revision_id = NewUuid();
    auto state = std::make_shared<FunctionState>(*current);
    state->latest = latest;
    next = state;
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), t.ref.name, "$LATEST"});
  ConfigView view;
  view.moment = ConfigView::Moment::kUpdating;
  return JsonResponse(200, RenderConfiguration(next->fn, *next->latest, view));
}

Result<edge::Response> LambdaService::Impl::DeleteFunction(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(ctx.params.at(0), ctx.Query("Qualifier"), ctx.region(),
                                         NameShape::kNamespacedName));
  if (ref.qualifier == "$LATEST") {
    return InvalidParameterValue(
        "$LATEST version cannot be deleted without deleting the function.");
  }
  FunctionChange change{FunctionChange::Kind::kDeleted, ctx.region(), ref.name, ref.qualifier};
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), ref.name));
    if (ref.qualifier.empty()) {
      KUMO_RETURN_IF_ERROR(CommitFunction(current, nullptr));
    } else {
      if (!IsVersionNumber(ref.qualifier)) {
        return InvalidParameterValue(
            "Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.");
      }
      int64_t number = std::stoll(ref.qualifier);
      if (current->versions.count(number) == 0) {
        return FunctionNotFound(QualifiedArn(ctx.region(), ref.name, ref.qualifier));
      }
      std::string referencing;
      for (const auto& [alias_name, alias] : current->fn.aliases) {
        if (alias.function_version == ref.qualifier || alias.weights.count(ref.qualifier) > 0) {
          referencing += (referencing.empty() ? "" : ", ") + alias_name;
        }
      }
      if (!referencing.empty()) {
        return ResourceConflict(
            "Unable to delete version because the following aliases reference it: [" + referencing +
            "]");
      }
      auto next = std::make_shared<FunctionState>(*current);
      next->versions.erase(number);
      next->fn.policies.erase(ref.qualifier);
      next->fn.event_invoke.erase(ref.qualifier);
      KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
    }
  }
  Notify(change);
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::GetCodeZip(const OpContext& ctx) {
  const std::string& file = ctx.params.at(0);
  std::string digest = file.ends_with(".zip") ? file.substr(0, file.size() - 4) : "";
  bool hex =
      digest.size() == 64 && digest.find_first_not_of("0123456789abcdef") == std::string::npos;
  std::optional<std::string> zip = hex ? code_->ReadZip(digest) : std::nullopt;
  if (!zip) return ResourceNotFound("The code you requested does not exist.");
  edge::Response r;
  r.status = 200;
  r.headers.Set("Content-Type", "application/zip");
  r.body = std::move(*zip);
  return r;
}

}  // namespace kumo::functions

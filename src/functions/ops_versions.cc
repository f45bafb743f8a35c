// Versions and aliases: PublishVersion, ListVersionsByFunction, and
// Create/Get/Update/Delete/ListAliases with routing weights.
#include <boost/json.hpp>
#include <charconv>

#include "common/encoding.h"
#include "common/json_text.h"
#include "functions/json_args.h"
#include "functions/render.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr int64_t kListPageLimit = 50;
constexpr char kAliasPattern[] = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
constexpr char kVersionPattern[] = R"((\$LATEST|[0-9]+))";

void CheckAliasName(ConstraintErrors& errors, std::string_view name) {
  if (!IsAliasName(name)) {
    if (name.size() > 128) {
      errors.MaxLength("name", name, 128);
    } else {
      errors.Pattern("name", name, kAliasPattern);
    }
  }
}

void CheckVersionValue(ConstraintErrors& errors, std::string_view field, std::string_view v) {
  if (v != "$LATEST" && !IsVersionNumber(v)) errors.Pattern(field, v, kVersionPattern);
}

Error AliasNotFound(const FunctionRecord& fn, std::string_view alias) {
  return ResourceNotFound("Cannot find alias arn: " + QualifiedArn(fn.region, fn.name, alias));
}

// Reads RoutingConfig.AdditionalVersionWeights; nullopt when RoutingConfig is absent.
Result<std::optional<std::map<std::string, double>>> ReadWeights(const json::object& body) {
  KUMO_ASSIGN_OR_RETURN(const json::object* routing, GetObject(body, "RoutingConfig"));
  if (routing == nullptr) return std::optional<std::map<std::string, double>>();
  KUMO_ASSIGN_OR_RETURN(const json::object* weights,
                        GetObject(*routing, "AdditionalVersionWeights"));
  std::map<std::string, double> out;
  if (weights != nullptr) {
    for (const auto& kv : *weights) {
      if (!kv.value().is_number()) {
        return Error{400, "SerializationException",
                     "Value for 'AdditionalVersionWeights' must be a map of numbers"};
      }
      out[std::string(kv.key())] = kv.value().to_number<double>();
    }
  }
  return std::optional<std::map<std::string, double>>(std::move(out));
}

}  // namespace

std::shared_ptr<const VersionRecord> LambdaService::Impl::PublishLatest(
    FunctionState& next, const std::optional<std::string>& description, bool* published) {
  if (!next.versions.empty()) {
    const auto& newest = next.versions.rbegin()->second;
    if (newest->ContentFingerprint() == next.latest->ContentFingerprint()) {
      *published = false;
      return newest;
    }
  }
  int64_t number = next.fn.next_version++;
  auto version = std::make_shared<VersionRecord>(*next.latest);
  version->version = std::to_string(number);
  if (description) version->description = *description;
  // Reads report it Active and Successful (the `function-updated` waiter
  // works on a version too); the publish answer itself says Pending.
  version->last_update_status = "Successful";
  version->last_modified = NowTimestamp();
  version->revision_id = NewUuid();
  next.versions[number] = version;
  auto latest = std::make_shared<VersionRecord>(*next.latest);
  latest->revision_id = NewUuid();  // publishing is a change to $LATEST's revision, as in AWS
  next.latest = latest;
  *published = true;
  return version;
}

Result<edge::Response> LambdaService::Impl::PublishVersion(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> sha, GetString(body, "CodeSha256"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> description, GetString(body, "Description"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> revision, GetString(body, "RevisionId"));
  ConstraintErrors errors;
  if (description) errors.MaxLength("description", *description, 256);
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));

  std::shared_ptr<const VersionRecord> version;
  FunctionPtr next_ptr;
  bool published = false;
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    if (revision && *revision != current->latest->revision_id) return PreconditionFailed();
    if (sha && *sha != current->latest->code_sha256) {
      return InvalidParameterValue(
          "CodeSHA256 (" + *sha + ") is different from current CodeSHA256 in $LATEST (" +
          current->latest->code_sha256 + "). Please try again with the CodeSHA256 in $LATEST.");
    }
    auto next = std::make_shared<FunctionState>(*current);
    version = PublishLatest(*next, description, &published);
    next_ptr = next;
    if (published) KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  if (published)
    Notify({FunctionChange::Kind::kUpdated, ctx.region(), t.ref.name, version->version});
  ConfigView view;
  view.qualified_arn = true;
  if (published) view.moment = ConfigView::Moment::kCreating;
  return JsonResponse(201, RenderConfiguration(next_ptr->fn, *version, view));
}

Result<edge::Response> LambdaService::Impl::ListVersionsByFunction(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(auto max_items,
                        QueryInt(ctx.request.QueryParam("MaxItems"), "maxItems", 1, 10000));
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kNamespacedName, ""));
  std::vector<std::string> keys{"$LATEST"};
  std::vector<std::shared_ptr<const VersionRecord>> items{t.fn->latest};
  for (const auto& [number, v] : t.fn->versions) {
    keys.push_back(VersionKey(number));
    items.push_back(v);
  }
  size_t limit = static_cast<size_t>(std::min(max_items.value_or(kListPageLimit), kListPageLimit));
  KUMO_ASSIGN_OR_RETURN(PageBounds page, Paginate(keys, ctx.Query("Marker"), limit));
  ConfigView view;
  view.for_list = true;
  view.qualified_arn = true;
  json::array versions;
  for (size_t i = page.begin; i < page.end; ++i) {
    versions.push_back(RenderConfiguration(t.fn->fn, *items[i], view));
  }
  json::object out{{"Versions", std::move(versions)}};
  if (!page.next_marker.empty()) out["NextMarker"] = page.next_marker;
  return JsonResponse(200, out);
}

namespace {

// AWS's checks of an alias's routing weights against the version it points to.
Status CheckRouting(const FunctionState& fn, const std::string& target,
                    const std::map<std::string, double>& weights) {
  if (weights.size() > 1) {
    return InvalidParameterValue(
        "Number of items in AdditionalVersionWeights cannot be greater than 1");
  }
  for (const auto& [version, weight] : weights) {
    std::string entry = "{" + version + "=" + FormatDouble(weight) + "}";
    if (weight < 0.0 || weight >= 1.0) {
      return ValidationError(
          "1 validation error detected: Value '" + entry +
          "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map "
          "value must satisfy constraint: [Member must have value less than or equal to 1.0, "
          "Member must have value greater than or equal to 0.0, Member must not be null]");
    }
    if (!IsVersionNumber(version)) {
      return ValidationError(
          "1 validation error detected: Value '" + entry +
          "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys "
          "must satisfy constraint: [Member must have length less than or equal to 1024, Member "
          "must have length greater than or equal to 1, Member must satisfy regular expression "
          "pattern: [0-9]+, Member must not be null]");
    }
    if (version == target) {
      return InvalidParameterValue("Invalid function version " + target + ". Function version " +
                                   target + " is already included in routing configuration.");
    }
    if (target == "$LATEST") {
      return InvalidParameterValue(
          "$LATEST is not supported for an alias pointing to more than 1 version");
    }
    if (fn.FindVersion(version) == nullptr) {
      return FunctionNotFound(QualifiedArn(fn.fn.region, fn.fn.name, version));
    }
  }
  return Status::Ok();
}

// The members of CreateAlias and UpdateAlias, checked against the model.
struct AliasInput {
  std::optional<std::string> name;  // CreateAlias's body; UpdateAlias's path
  std::optional<std::string> version;
  std::optional<std::string> description;
  std::optional<std::string> revision;
  std::optional<std::map<std::string, double>> weights;
};

Result<AliasInput> ReadAliasInput(const OpContext& ctx, bool creating) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  AliasInput in;
  if (creating) {
    KUMO_ASSIGN_OR_RETURN(in.name, GetString(body, "Name"));
  } else {
    in.name = ctx.params.at(1);
    KUMO_ASSIGN_OR_RETURN(in.revision, GetString(body, "RevisionId"));
  }
  KUMO_ASSIGN_OR_RETURN(in.version, GetString(body, "FunctionVersion"));
  KUMO_ASSIGN_OR_RETURN(in.description, GetString(body, "Description"));
  KUMO_ASSIGN_OR_RETURN(in.weights, ReadWeights(body));
  ConstraintErrors errors;
  if (in.name) {
    CheckAliasName(errors, *in.name);
  } else {
    errors.AddWithoutValue("name", "Member must not be null");
  }
  if (in.version) {
    CheckVersionValue(errors, "functionVersion", *in.version);
  } else if (creating) {
    errors.AddWithoutValue("functionVersion", "Member must not be null");
  }
  if (in.description) errors.MaxLength("description", *in.description, 256);
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  return in;
}

}  // namespace

Result<edge::Response> LambdaService::Impl::CreateAlias(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(AliasInput in, ReadAliasInput(ctx, /*creating=*/true));
  const std::string& name = *in.name;
  const std::string& version = *in.version;
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));

  AliasRecord alias;
  FunctionPtr next_ptr;
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    if (current->FindVersion(version) == nullptr) {
      return FunctionNotFound(QualifiedArn(ctx.region(), t.ref.name, version));
    }
    if (current->fn.aliases.count(name) > 0) {
      return ResourceConflict("Alias already exists: " +
                              QualifiedArn(ctx.region(), t.ref.name, name));
    }
    if (in.weights) KUMO_RETURN_IF_ERROR(CheckRouting(*current, version, *in.weights));
    alias.name = name;
    alias.function_version = version;
    alias.description = in.description.value_or("");
    if (in.weights) alias.weights = *in.weights;
    alias.revision_id = NewUuid();
    auto next = std::make_shared<FunctionState>(*current);
    next->fn.aliases[alias.name] = alias;
    next_ptr = next;
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), t.ref.name, ""});
  return JsonResponse(201, RenderAlias(next_ptr->fn, alias));
}

Result<edge::Response> LambdaService::Impl::GetAlias(const OpContext& ctx) {
  ConstraintErrors errors;
  CheckAliasName(errors, ctx.params.at(1));
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));
  auto it = t.fn->fn.aliases.find(ctx.params.at(1));
  if (it == t.fn->fn.aliases.end()) return AliasNotFound(t.fn->fn, ctx.params.at(1));
  return JsonResponse(200, RenderAlias(t.fn->fn, it->second));
}

Result<edge::Response> LambdaService::Impl::UpdateAlias(const OpContext& ctx) {
  const std::string& name = ctx.params.at(1);
  KUMO_ASSIGN_OR_RETURN(AliasInput in, ReadAliasInput(ctx, /*creating=*/false));
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));

  AliasRecord alias;
  FunctionPtr next_ptr;
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    auto it = current->fn.aliases.find(name);
    if (it == current->fn.aliases.end()) return AliasNotFound(current->fn, name);
    alias = it->second;
    if (in.revision && *in.revision != alias.revision_id) return PreconditionFailed();
    if (in.version) {
      if (current->FindVersion(*in.version) == nullptr) {
        return FunctionNotFound(QualifiedArn(ctx.region(), t.ref.name, *in.version));
      }
      alias.function_version = *in.version;
    }
    if (in.description) alias.description = *in.description;
    if (in.weights) alias.weights = *in.weights;
    KUMO_RETURN_IF_ERROR(CheckRouting(*current, alias.function_version, alias.weights));
    alias.revision_id = NewUuid();
    auto next = std::make_shared<FunctionState>(*current);
    next->fn.aliases[name] = alias;
    next_ptr = next;
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), t.ref.name, ""});
  return JsonResponse(200, RenderAlias(next_ptr->fn, alias));
}

Result<edge::Response> LambdaService::Impl::DeleteAlias(const OpContext& ctx) {
  const std::string& name = ctx.params.at(1);
  ConstraintErrors errors;
  CheckAliasName(errors, name);
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(ctx.params.at(0), "", ctx.region(),
                                                          NameShape::kFunctionName));
  bool deleted = false;
  {
    std::lock_guard write(write_mu_);
    FunctionPtr current = FindFunction(ctx.region(), ref.name);
    // Deleting what does not exist succeeds: the model gives DeleteAlias no
    // ResourceNotFoundException.
    if (current != nullptr && current->fn.aliases.count(name) > 0) {
      auto next = std::make_shared<FunctionState>(*current);
      next->fn.aliases.erase(name);
      next->fn.policies.erase(name);
      next->fn.event_invoke.erase(name);
      KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
      deleted = true;
    }
  }
  if (deleted) Notify({FunctionChange::Kind::kUpdated, ctx.region(), ref.name, ""});
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::ListAliases(const OpContext& ctx) {
  std::optional<std::string_view> version = ctx.request.QueryParam("FunctionVersion");
  ConstraintErrors errors;
  if (version) CheckVersionValue(errors, "functionVersion", *version);
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(auto max_items,
                        QueryInt(ctx.request.QueryParam("MaxItems"), "maxItems", 1, 10000));
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));
  std::vector<std::string> keys;
  std::vector<const AliasRecord*> items;
  for (const auto& [name, alias] : t.fn->fn.aliases) {
    if (version && alias.function_version != *version) continue;
    keys.push_back(name);
    items.push_back(&alias);
  }
  size_t limit = static_cast<size_t>(std::min(max_items.value_or(kListPageLimit), kListPageLimit));
  KUMO_ASSIGN_OR_RETURN(PageBounds page, Paginate(keys, ctx.Query("Marker"), limit));
  json::array aliases;
  for (size_t i = page.begin; i < page.end; ++i)
    aliases.push_back(RenderAlias(t.fn->fn, *items[i]));
  json::object out{{"Aliases", std::move(aliases)}};
  if (!page.next_marker.empty()) out["NextMarker"] = page.next_marker;
  return JsonResponse(200, out);
}

}  // namespace kumo::functions

// Function-wide settings: reserved concurrency, asynchronous invocation
// (event invoke) configs, and the account's settings and usage.
#include <boost/json.hpp>
#include <functional>
#include <tuple>

#include "functions/json_args.h"
#include "functions/render.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr int64_t kConcurrentExecutions = 1000;
constexpr int64_t kMinimumUnreserved = 100;
constexpr int64_t kTotalCodeSize = 80530636800;
constexpr int64_t kCodeSizeZipped = 52428800;
constexpr int64_t kCodeSizeUnzipped = 262144000;
constexpr int64_t kMaxEventInvokeListItems = 50;
constexpr char kDestinationPattern[] =
    R"($|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:)"
    R"(([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*))";

// The qualifier configs are stored under: "$LATEST" when none was given.
std::string ConfigKey(const FunctionRef& ref) {
  return ref.qualifier.empty() ? "$LATEST" : ref.qualifier;
}

Error NoEventInvokeConfig(std::string_view region, const FunctionRef& ref) {
  return ResourceNotFound("The function " + QualifiedArn(region, ref.name, ConfigKey(ref)) +
                          " doesn't have an EventInvokeConfig");
}

struct EventInvokeArgs {
  std::optional<int64_t> retries;
  std::optional<int64_t> max_age;
  bool has_destinations = false;
  std::optional<std::string> on_success;
  std::optional<std::string> on_failure;
};

Result<EventInvokeArgs> ReadEventInvokeArgs(const json::object& body) {
  EventInvokeArgs args;
  KUMO_ASSIGN_OR_RETURN(args.retries, GetInt(body, "MaximumRetryAttempts"));
  KUMO_ASSIGN_OR_RETURN(args.max_age, GetInt(body, "MaximumEventAgeInSeconds"));
  KUMO_ASSIGN_OR_RETURN(const json::object* destinations, GetObject(body, "DestinationConfig"));
  ConstraintErrors errors;
  if (args.retries) errors.Range("maximumRetryAttempts", *args.retries, 0, 2);
  if (args.max_age) errors.Range("maximumEventAgeInSeconds", *args.max_age, 60, 21600);
  if (destinations != nullptr) {
    args.has_destinations = true;
    for (auto [member, field, out] :
         {std::tuple{"OnSuccess", "destinationConfig.onSuccess.destination", &args.on_success},
          std::tuple{"OnFailure", "destinationConfig.onFailure.destination", &args.on_failure}}) {
      KUMO_ASSIGN_OR_RETURN(const json::object* d, GetObject(*destinations, member));
      if (d == nullptr) continue;
      KUMO_ASSIGN_OR_RETURN(std::optional<std::string> arn, GetString(*d, "Destination"));
      *out = arn.value_or("");
      const std::string& value = **out;
      if (!value.empty() && !value.starts_with("arn:") && !value.starts_with("kafka://")) {
        errors.Pattern(field, value, kDestinationPattern);
      }
    }
  }
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  return args;
}

// Lambda's rules for a destination ARN: an existing function other than
// `self`, a queue, a topic, an event bus, or (on failure) a bucket.
Status CheckDestination(std::string_view region, std::string_view self, const std::string& arn,
                        const EventInvokeArgs& args,
                        const std::function<bool(std::string_view)>& function_exists) {
  if (arn.empty()) return Status::Ok();
  std::string service;
  if (size_t a = arn.find(':'), b = arn.find(':', a + 1); b != std::string::npos) {
    size_t c = arn.find(':', b + 1);
    service = arn.substr(b + 1, c == std::string::npos ? std::string::npos : c - b - 1);
  }
  if (service == "lambda") {
    std::optional<FunctionRef> target;
    if (auto parsed = ParseFunctionRef(arn, "", region, NameShape::kFunctionName); parsed.ok()) {
      target = std::move(parsed).value();
    }
    if (!target || !function_exists(target->name)) {
      return InvalidParameterValue("The destination ARN " + arn + " is invalid.");
    }
    if (target->name == self) {
      return InvalidParameterValue("You can't specify the function as a destination for itself.");
    }
    return Status::Ok();
  }
  bool s3_on_failure = service == "s3" && args.on_failure == arn;
  if (service == "sqs" || service == "sns" || service == "events" || s3_on_failure) {
    return Status::Ok();
  }
  auto part = [](const char* label, const std::optional<std::string>& d) {
    return d && !d->empty() ? std::string(label) + "(destination=" + *d + ")" : std::string("null");
  };
  return InvalidParameterValue("The provided destination config DestinationConfig(onSuccess=" +
                               part("OnSuccess", args.on_success) + ", onFailure=" +
                               part("OnFailure", args.on_failure) + ") is invalid.");
}

}  // namespace

Result<edge::Response> LambdaService::Impl::PutFunctionConcurrency(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(std::optional<int64_t> reserved,
                        GetInt(body, "ReservedConcurrentExecutions"));
  ConstraintErrors errors;
  if (!reserved) {
    errors.AddWithoutValue("reservedConcurrentExecutions", "Member must not be null");
  } else if (*reserved < 0) {
    errors.Range("reservedConcurrentExecutions", *reserved, 0, INT32_MAX);
  }
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(ctx.params.at(0), "", ctx.region(),
                                                          NameShape::kFunctionName));
  if (!ref.qualifier.empty()) {
    return InvalidParameterValue(
        "This operation is permitted on Lambda functions only. Aliases and versions do not "
        "support this operation. Please specify either a function name or an unqualified "
        "function ARN.");
  }
  {
    std::lock_guard write(write_mu_);
    FunctionPtr current = FindFunction(ctx.region(), ref.name);
    if (current == nullptr)
      return FunctionNotFound(QualifiedArn(ctx.region(), ref.name, "$LATEST"));
    int64_t others = 0;
    for (const FunctionPtr& fn : FunctionsIn(ctx.region())) {
      if (fn->fn.name != ref.name) others += fn->fn.reserved_concurrency.value_or(0);
    }
    if (kConcurrentExecutions - others - *reserved < kMinimumUnreserved) {
      return InvalidParameterValue(
          "Specified ReservedConcurrentExecutions for function decreases account's "
          "UnreservedConcurrentExecution below its minimum value of [" +
          std::to_string(kMinimumUnreserved) + "].");
    }
    auto next = std::make_shared<FunctionState>(*current);
    next->fn.reserved_concurrency = *reserved;
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), ref.name, ""});
  return JsonResponse(200, json::object{{"ReservedConcurrentExecutions", *reserved}});
}

Result<edge::Response> LambdaService::Impl::GetFunctionConcurrency(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));
  json::object out;
  if (t.fn->fn.reserved_concurrency) {
    out["ReservedConcurrentExecutions"] = *t.fn->fn.reserved_concurrency;
  }
  return JsonResponse(200, out);
}

Result<edge::Response> LambdaService::Impl::DeleteFunctionConcurrency(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(Target t, FindTarget(ctx, NameShape::kFunctionName, ""));
  {
    std::lock_guard write(write_mu_);
    KUMO_ASSIGN_OR_RETURN(FunctionPtr current, RequireFunction(ctx.region(), t.ref.name));
    auto next = std::make_shared<FunctionState>(*current);
    next->fn.reserved_concurrency.reset();
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), t.ref.name, ""});
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::PutFunctionEventInvokeConfig(const OpContext& ctx) {
  return WriteEventInvokeConfig(ctx, /*merge=*/false);
}

Result<edge::Response> LambdaService::Impl::UpdateFunctionEventInvokeConfig(const OpContext& ctx) {
  return WriteEventInvokeConfig(ctx, /*merge=*/true);
}

Result<edge::Response> LambdaService::Impl::WriteEventInvokeConfig(const OpContext& ctx,
                                                                   bool merge) {
  KUMO_ASSIGN_OR_RETURN(json::object body, ctx.Body());
  KUMO_ASSIGN_OR_RETURN(EventInvokeArgs args, ReadEventInvokeArgs(body));
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(ctx.params.at(0), ctx.Query("Qualifier"), ctx.region(),
                                         NameShape::kNamespacedName));
  if (!args.retries && !args.max_age && !args.has_destinations) {
    return InvalidParameterValue(
        "You must specify at least one of error handling or destination setting.");
  }
  EventInvokeRecord config;
  FunctionPtr next_ptr;
  {
    std::lock_guard write(write_mu_);
    FunctionPtr current = FindFunction(ctx.region(), ref.name);
    bool exists = current != nullptr &&
                  (ref.qualifier.empty() || current->FindVersion(ref.qualifier) != nullptr ||
                   current->fn.aliases.count(ref.qualifier) > 0);
    if (!exists) return ResourceNotFound("The function doesn't exist.");
    auto existing = current->fn.event_invoke.find(ConfigKey(ref));
    if (merge) {
      if (existing == current->fn.event_invoke.end()) {
        return NoEventInvokeConfig(ctx.region(), ref);
      }
      config = existing->second;
    }
    for (const std::optional<std::string>* d : {&args.on_success, &args.on_failure}) {
      if (!d->has_value()) continue;
      KUMO_RETURN_IF_ERROR(CheckDestination(ctx.region(), ref.name, **d, args, [&](auto name) {
        return FindFunction(ctx.region(), name) != nullptr;
      }));
    }
    if (args.retries || !merge) config.maximum_retry_attempts = args.retries;
    if (args.max_age || !merge) config.maximum_event_age_seconds = args.max_age;
    if (args.has_destinations || !merge) {
      config.on_success = args.on_success.value_or("");
      config.on_failure = args.on_failure.value_or("");
    }
    config.last_modified_ms = options_.clock->NowMillis();
    auto next = std::make_shared<FunctionState>(*current);
    next->fn.event_invoke[ConfigKey(ref)] = config;
    next_ptr = next;
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), ref.name, ""});
  return JsonResponse(200, RenderEventInvokeConfig(next_ptr->fn, ConfigKey(ref), config));
}

Result<edge::Response> LambdaService::Impl::GetFunctionEventInvokeConfig(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(ctx.params.at(0), ctx.Query("Qualifier"), ctx.region(),
                                         NameShape::kNamespacedName));
  FunctionPtr fn = FindFunction(ctx.region(), ref.name);
  if (fn == nullptr) return NoEventInvokeConfig(ctx.region(), ref);
  auto it = fn->fn.event_invoke.find(ConfigKey(ref));
  if (it == fn->fn.event_invoke.end()) return NoEventInvokeConfig(ctx.region(), ref);
  return JsonResponse(200, RenderEventInvokeConfig(fn->fn, it->first, it->second));
}

Result<edge::Response> LambdaService::Impl::DeleteFunctionEventInvokeConfig(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref,
                        ParseFunctionRef(ctx.params.at(0), ctx.Query("Qualifier"), ctx.region(),
                                         NameShape::kNamespacedName));
  {
    std::lock_guard write(write_mu_);
    FunctionPtr current = FindFunction(ctx.region(), ref.name);
    if (current == nullptr || current->fn.event_invoke.count(ConfigKey(ref)) == 0) {
      return NoEventInvokeConfig(ctx.region(), ref);
    }
    auto next = std::make_shared<FunctionState>(*current);
    next->fn.event_invoke.erase(ConfigKey(ref));
    KUMO_RETURN_IF_ERROR(CommitFunction(current, next));
  }
  Notify({FunctionChange::Kind::kUpdated, ctx.region(), ref.name, ""});
  return EmptyResponse(204);
}

Result<edge::Response> LambdaService::Impl::ListFunctionEventInvokeConfigs(const OpContext& ctx) {
  KUMO_ASSIGN_OR_RETURN(auto max_items, QueryInt(ctx.request.QueryParam("MaxItems"), "maxItems", 1,
                                                 kMaxEventInvokeListItems));
  KUMO_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(ctx.params.at(0), "", ctx.region(),
                                                          NameShape::kNamespacedName));
  FunctionPtr fn = FindFunction(ctx.region(), ref.name);
  if (fn == nullptr) return ResourceNotFound("The function doesn't exist.");
  std::vector<std::string> keys;
  for (const auto& [qualifier, config] : fn->fn.event_invoke) keys.push_back(qualifier);
  KUMO_ASSIGN_OR_RETURN(
      PageBounds page, Paginate(keys, ctx.Query("Marker"),
                                static_cast<size_t>(max_items.value_or(kMaxEventInvokeListItems))));
  json::array configs;
  for (size_t i = page.begin; i < page.end; ++i) {
    configs.push_back(RenderEventInvokeConfig(fn->fn, keys[i], fn->fn.event_invoke.at(keys[i])));
  }
  json::object out{{"FunctionEventInvokeConfigs", std::move(configs)}};
  if (!page.next_marker.empty()) out["NextMarker"] = page.next_marker;
  return JsonResponse(200, out);
}

Result<edge::Response> LambdaService::Impl::GetAccountSettings(const OpContext& ctx) {
  int64_t reserved = 0;
  int64_t code_size = 0;
  std::vector<FunctionPtr> functions = FunctionsIn(ctx.region());
  for (const FunctionPtr& fn : functions) {
    reserved += fn->fn.reserved_concurrency.value_or(0);
    code_size += fn->latest->code_size;
    for (const auto& [number, v] : fn->versions) code_size += v->code_size;
  }
  for (const LayerPtr& layer : LayersIn(ctx.region())) {
    for (const auto& [number, v] : layer->versions) code_size += v->code_size;
  }
  json::object limit{{"TotalCodeSize", kTotalCodeSize},
                     {"CodeSizeUnzipped", kCodeSizeUnzipped},
                     {"CodeSizeZipped", kCodeSizeZipped},
                     {"ConcurrentExecutions", kConcurrentExecutions},
                     {"UnreservedConcurrentExecutions", kConcurrentExecutions - reserved}};
  json::object usage{{"TotalCodeSize", code_size},
                     {"FunctionCount", static_cast<int64_t>(functions.size())}};
  return JsonResponse(
      200, json::object{{"AccountLimit", std::move(limit)}, {"AccountUsage", std::move(usage)}});
}

}  // namespace kumo::functions

#include "functions/render.h"

#include <boost/json.hpp>

#include "common/encoding.h"
#include "functions/names.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr char kBeingCreated[] = "The function is being created.";

json::array StringArray(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return a;
}

}  // namespace

json::object RenderConfiguration(const FunctionRecord& fn, const VersionRecord& v,
                                 const ConfigView& view) {
  std::string arn = FunctionArn(fn.region, fn.name);
  if (!view.alias.empty()) {
    arn += ":" + view.alias;
  } else if (view.qualified_arn) {
    arn += ":" + v.version;
  }
  json::object o;
  o["FunctionName"] = fn.name;
  o["FunctionArn"] = arn;
  o["Runtime"] = v.runtime;
  o["Role"] = v.role;
  o["Handler"] = v.handler;
  o["CodeSize"] = v.code_size;
  o["Description"] = v.description;
  o["Timeout"] = v.timeout;
  o["MemorySize"] = v.memory_size;
  o["LastModified"] = v.last_modified;
  o["CodeSha256"] = v.code_sha256;
  o["Version"] = v.version;
  if (v.has_environment) {
    json::object vars;
    for (const auto& [k, val] : v.environment) vars[k] = val;
    o["Environment"] = json::object{{"Variables", std::move(vars)}};
  }
  if (!v.kms_key_arn.empty()) o["KMSKeyArn"] = v.kms_key_arn;
  o["TracingConfig"] = json::object{{"Mode", v.tracing_mode}};
  o["RevisionId"] = v.revision_id;
  if (!v.layers.empty()) {
    json::array layers;
    for (const LayerRef& l : v.layers) {
      layers.push_back(json::object{{"Arn", l.arn}, {"CodeSize", l.code_size}});
    }
    o["Layers"] = std::move(layers);
  }
  if (!v.dead_letter_arn.empty()) {
    o["DeadLetterConfig"] = json::object{{"TargetArn", v.dead_letter_arn}};
  }
  if (!view.for_list) {
    if (view.moment == ConfigView::Moment::kCreating) {
      o["State"] = "Pending";
      o["StateReason"] = kBeingCreated;
      o["StateReasonCode"] = "Creating";
    } else {
      o["State"] = v.state;
    }
    if (view.moment == ConfigView::Moment::kUpdating) {
      o["LastUpdateStatus"] = "InProgress";
      o["LastUpdateStatusReason"] = kBeingCreated;
      o["LastUpdateStatusReasonCode"] = "Creating";
    } else if (view.moment == ConfigView::Moment::kSteady && !v.last_update_status.empty()) {
      o["LastUpdateStatus"] = v.last_update_status;
    }
  }
  o["PackageType"] = "Zip";
  o["Architectures"] = json::array{json::value(v.architecture)};
  o["EphemeralStorage"] = json::object{{"Size", v.ephemeral_storage}};
  o["SnapStart"] = json::object{{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}};
  if (!view.for_list) {
    // Kumo runs the host's interpreter; the id only has to be stable per runtime.
    o["RuntimeVersionConfig"] =
        json::object{{"RuntimeVersionArn",
                      "arn:aws:lambda:" + fn.region + "::runtime:" + HexEncode(Sha256(v.runtime))}};
  }
  json::object logging{{"LogFormat", v.log_format}, {"LogGroup", v.log_group}};
  if (!v.application_log_level.empty()) logging["ApplicationLogLevel"] = v.application_log_level;
  if (!v.system_log_level.empty()) logging["SystemLogLevel"] = v.system_log_level;
  o["LoggingConfig"] = std::move(logging);
  return o;
}

json::object RenderAlias(const FunctionRecord& fn, const AliasRecord& alias) {
  json::object o{{"AliasArn", QualifiedArn(fn.region, fn.name, alias.name)},
                 {"Name", alias.name},
                 {"FunctionVersion", alias.function_version},
                 {"Description", alias.description}};
  if (!alias.weights.empty()) {
    json::object weights;
    for (const auto& [v, w] : alias.weights) weights[v] = w;
    o["RoutingConfig"] = json::object{{"AdditionalVersionWeights", std::move(weights)}};
  }
  o["RevisionId"] = alias.revision_id;
  return o;
}

json::object RenderLayerVersionListItem(const LayerVersionRecord& v) {
  json::object o{{"LayerVersionArn", LayerVersionArn(v.region, v.name, v.version)},
                 {"Version", v.version},
                 {"Description", v.description},
                 {"CreatedDate", v.created}};
  if (v.has_runtimes) o["CompatibleRuntimes"] = StringArray(v.compatible_runtimes);
  if (!v.license_info.empty()) o["LicenseInfo"] = v.license_info;
  if (v.has_architectures) o["CompatibleArchitectures"] = StringArray(v.compatible_architectures);
  return o;
}

json::object RenderLayerVersion(const LayerVersionRecord& v, std::string_view location) {
  json::object o;
  o["Content"] = json::object{
      {"Location", location}, {"CodeSha256", v.code_sha256}, {"CodeSize", v.code_size}};
  o["LayerArn"] = LayerArn(v.region, v.name);
  for (auto& kv : RenderLayerVersionListItem(v)) o[kv.key()] = kv.value();
  return o;
}

json::object RenderEventInvokeConfig(const FunctionRecord& fn, std::string_view qualifier,
                                     const EventInvokeRecord& c) {
  json::object o;
  o["LastModified"] = static_cast<double>(c.last_modified_ms) / 1000.0;
  o["FunctionArn"] = QualifiedArn(fn.region, fn.name, qualifier);
  if (c.maximum_retry_attempts) o["MaximumRetryAttempts"] = *c.maximum_retry_attempts;
  if (c.maximum_event_age_seconds) o["MaximumEventAgeInSeconds"] = *c.maximum_event_age_seconds;
  json::object on_success;
  if (!c.on_success.empty()) on_success["Destination"] = c.on_success;
  json::object on_failure;
  if (!c.on_failure.empty()) on_failure["Destination"] = c.on_failure;
  o["DestinationConfig"] =
      json::object{{"OnSuccess", std::move(on_success)}, {"OnFailure", std::move(on_failure)}};
  return o;
}

}  // namespace kumo::functions

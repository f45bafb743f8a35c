// Pieces several operation families share: code upload, layer references,
// qualifier resolution and the FunctionConfig handed to the runtime.
#include <boost/json.hpp>

#include "common/encoding.h"
#include "common/json.h"
#include "functions/names.h"
#include "functions/service_impl.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

// AWS's limits on a direct upload.
constexpr size_t kMaxRequestBytes = 70167211;
constexpr size_t kMaxZipBytes = 52428800;
constexpr size_t kMaxLayers = 5;

constexpr char kLayerPattern[] =
    "[Member must have length less than or equal to 140, Member must have length greater than "
    "or equal to 1, Member must satisfy regular expression pattern: "
    "(arn:[a-zA-Z0-9-]+:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:layer:"
    "[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must "
    "not be null]";

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
}

}  // namespace

Result<StoredCode> LambdaService::Impl::StoreZipFile(const boost::json::object& code,
                                                     std::string_view operation, size_t body_size) {
  if (body_size > kMaxRequestBytes) {
    return RequestEntityTooLarge("Request must be smaller than " +
                                 std::to_string(kMaxRequestBytes) + " bytes for the " +
                                 std::string(operation) + " operation");
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> s3_bucket, GetString(code, "S3Bucket"));
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> s3_key, GetString(code, "S3Key"));
  if (s3_bucket || s3_key) {
    return InvalidParameterValue(
        "Kumo does not support function code from S3 (S3Bucket/S3Key): upload the deployment "
        "package as ZipFile instead.");
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> image, GetString(code, "ImageUri"));
  if (image) {
    return InvalidParameterValue(
        "Kumo does not support container image functions (ImageUri): upload the deployment "
        "package as ZipFile instead.");
  }
  KUMO_ASSIGN_OR_RETURN(std::optional<std::string> zip_b64, GetString(code, "ZipFile"));
  if (!zip_b64) return InvalidParameterValue("Please provide a source for function code.");
  std::optional<std::string> zip = Base64Decode(*zip_b64);
  if (!zip) {
    return Error{400, "SerializationException", "Value for 'ZipFile' must be base64 encoded"};
  }
  if (zip->size() > kMaxZipBytes) {
    return RequestEntityTooLarge("Zipped size must be smaller than " +
                                 std::to_string(kMaxZipBytes) + " bytes");
  }
  return code_->Put(*zip);
}

Result<std::vector<LayerRef>> LambdaService::Impl::ResolveLayers(
    std::string_view region, const std::vector<std::string>& arns) const {
  if (arns.size() > kMaxLayers)
    return InvalidParameterValue("Cannot reference more than 5 layers.");
  std::vector<LayerRef> refs;
  std::map<std::string, std::string> seen;  // layer name -> version ARN
  for (const std::string& arn : arns) {
    std::optional<LayerVersionRef> ref = ParseLayerArn(arn);
    if (!ref || ref->version == 0) {
      ConstraintErrors errors;
      errors.Add("layers", "[" + arn + "]",
                 std::string("Member must satisfy constraint: ") + kLayerPattern);
      return errors.ToStatus().error();
    }
    if (ref->region != region) {
      return InvalidParameterValue(
          "Layers are not in the same region as the function. Layers are expected to be in "
          "region " +
          std::string(region) + ".");
    }
    std::shared_ptr<const LayerVersionRecord> found;
    if (LayerPtr layer = ref->account == kAccountId ? FindLayer(ref->region, ref->name) : nullptr) {
      auto it = layer->versions.find(ref->version);
      if (it != layer->versions.end()) found = it->second;
    }
    if (found == nullptr) return InvalidParameterValue("Layer version " + arn + " does not exist.");
    if (auto dup = seen.find(ref->name); dup != seen.end()) {
      return InvalidParameterValue(
          "Two different versions of the same layer are not allowed to be referenced in the "
          "same function. " +
          dup->second + " and " + arn + " are versions of the same layer.");
    }
    seen[ref->name] = arn;
    refs.push_back(LayerRef{LayerVersionArn(ref->region, ref->name, ref->version),
                            found->code_sha_hex, found->code_size});
  }
  return refs;
}

Result<LambdaService::Impl::Target> LambdaService::Impl::FindTarget(
    const OpContext& ctx, NameShape shape, std::string_view qualifier) const {
  Target target;
  KUMO_ASSIGN_OR_RETURN(target.ref,
                        ParseFunctionRef(ctx.params.at(0), qualifier, ctx.region(), shape));
  target.fn = FindFunction(ctx.region(), target.ref.name);
  if (target.fn == nullptr) {
    return FunctionNotFound(QualifiedArn(ctx.region(), target.ref.name, target.ref.qualifier));
  }
  return target;
}

Result<std::shared_ptr<const VersionRecord>> LambdaService::Impl::VersionFor(
    const FunctionState& fn, std::string_view qualifier) const {
  if (qualifier.empty()) return fn.latest;
  std::string arn = QualifiedArn(fn.fn.region, fn.fn.name, qualifier);
  if (qualifier == "$LATEST" || IsVersionNumber(qualifier)) {
    std::shared_ptr<const VersionRecord> v = fn.FindVersion(qualifier);
    if (v == nullptr) return FunctionNotFound(arn);
    return v;
  }
  auto alias = fn.fn.aliases.find(std::string(qualifier));
  if (alias == fn.fn.aliases.end()) return FunctionNotFound(arn);
  std::shared_ptr<const VersionRecord> v = fn.FindVersion(alias->second.function_version);
  if (v == nullptr) return FunctionNotFound(arn);  // cannot happen: versions under an alias stay
  return v;
}

FunctionConfig LambdaService::Impl::MakeConfig(const FunctionState& fn, const VersionRecord& v,
                                               std::string_view alias) const {
  FunctionConfig c;
  c.region = fn.fn.region;
  c.function_name = fn.fn.name;
  c.function_arn = FunctionArn(fn.fn.region, fn.fn.name);
  c.version = v.version;
  c.qualified_arn = c.function_arn + ":" + v.version;
  c.alias = std::string(alias);
  c.runtime = v.runtime;
  c.handler = v.handler;
  c.code_dir = code_->DirFor(v.code_sha_hex);
  for (const LayerRef& l : v.layers) c.layer_dirs.push_back(code_->DirFor(l.sha_hex));
  c.code_sha256 = v.code_sha256;
  c.memory_mb = static_cast<int>(v.memory_size);
  c.timeout_seconds = static_cast<int>(v.timeout);
  c.ephemeral_storage_mb = static_cast<int>(v.ephemeral_storage);
  c.architecture = v.architecture;
  c.environment = v.environment;
  c.role = v.role;
  c.log_format = v.log_format;
  c.log_group = v.log_group;
  c.dead_letter_target_arn = v.dead_letter_arn;
  if (fn.fn.reserved_concurrency)
    c.reserved_concurrency = static_cast<int>(*fn.fn.reserved_concurrency);
  auto invoke = fn.fn.event_invoke.find(alias.empty() ? v.version : std::string(alias));
  if (invoke != fn.fn.event_invoke.end()) {
    const EventInvokeRecord& e = invoke->second;
    EventInvokeConfig config;
    if (e.maximum_retry_attempts)
      config.maximum_retry_attempts = static_cast<int>(*e.maximum_retry_attempts);
    if (e.maximum_event_age_seconds) {
      config.maximum_event_age_seconds = static_cast<int>(*e.maximum_event_age_seconds);
    }
    config.on_success_destination = e.on_success;
    config.on_failure_destination = e.on_failure;
    c.event_invoke_config = std::move(config);
  }
  c.revision_id = v.revision_id;
  return c;
}

std::string LambdaService::Impl::CodeLocation(const edge::Request& request,
                                              std::string_view sha_hex) {
  std::string host(request.headers.Get("Host").value_or(""));
  bool usable = !host.empty();
  for (char c : host) usable = usable && IsHostChar(c);
  if (!usable) host = "localhost:4566";
  return "http://" + host + std::string(kCodePathPrefix) + std::string(sha_hex) + ".zip";
}

}  // namespace kumo::functions

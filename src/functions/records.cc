#include "functions/records.h"

#include <boost/json.hpp>

#include "common/clock.h"
#include "common/encoding.h"
#include "common/json.h"
#include "functions/names.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> OptInt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  return std::nullopt;
}

int64_t Int(const json::object& o, std::string_view key, int64_t fallback) {
  return OptInt(o, key).value_or(fallback);
}

bool Bool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

json::object FromMap(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::map<std::string, std::string> ToMap(const json::object& o, std::string_view key) {
  std::map<std::string, std::string> m;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) return m;
  for (const auto& kv : v->as_object()) {
    if (kv.value().is_string()) m[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return m;
}

json::array FromList(const std::vector<std::string>& list) {
  json::array a;
  for (const auto& s : list) a.emplace_back(s);
  return a;
}

std::vector<std::string> ToList(const json::object& o, std::string_view key) {
  std::vector<std::string> list;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return list;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) list.emplace_back(e.as_string());
  }
  return list;
}

const json::object* Obj(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

Result<json::object> Parse(std::string_view text, std::string_view what) {
  Result<json::object> o = ParseJsonObject(text);
  if (!o.ok()) return Internal("corrupt " + std::string(what) + " record: " + o.error().message);
  return o;
}

json::object VersionObject(const VersionRecord& r) {
  json::array layers;
  for (const LayerRef& l : r.layers) {
    layers.push_back(json::object{{"arn", l.arn}, {"sha", l.sha_hex}, {"size", l.code_size}});
  }
  return json::object{
      {"version", r.version},
      {"description", r.description},
      {"role", r.role},
      {"runtime", r.runtime},
      {"handler", r.handler},
      {"memory", r.memory_size},
      {"timeout", r.timeout},
      {"ephemeral", r.ephemeral_storage},
      {"has_env", r.has_environment},
      {"env", FromMap(r.environment)},
      {"code_hex", r.code_sha_hex},
      {"code_sha256", r.code_sha256},
      {"code_size", r.code_size},
      {"layers", std::move(layers)},
      {"arch", r.architecture},
      {"tracing", r.tracing_mode},
      {"dlq", r.dead_letter_arn},
      {"kms", r.kms_key_arn},
      {"log_format", r.log_format},
      {"log_group", r.log_group},
      {"app_log_level", r.application_log_level},
      {"sys_log_level", r.system_log_level},
      {"last_modified", r.last_modified},
      {"revision", r.revision_id},
      {"state", r.state},
      {"update_status", r.last_update_status},
  };
}

}  // namespace

std::string VersionRecord::ContentFingerprint() const {
  json::object o = VersionObject(*this);
  for (const char* volatile_field :
       {"version", "description", "last_modified", "revision", "state", "update_status"}) {
    o.erase(volatile_field);
  }
  return ToJson(o);
}

std::string EncodeVersion(const VersionRecord& r) { return ToJson(VersionObject(r)); }

Result<VersionRecord> DecodeVersion(std::string_view text) {
  KUMO_ASSIGN_OR_RETURN(json::object o, Parse(text, "version"));
  VersionRecord r;
  r.version = Str(o, "version");
  r.description = Str(o, "description");
  r.role = Str(o, "role");
  r.runtime = Str(o, "runtime");
  r.handler = Str(o, "handler");
  r.memory_size = Int(o, "memory", 128);
  r.timeout = Int(o, "timeout", 3);
  r.ephemeral_storage = Int(o, "ephemeral", 512);
  r.has_environment = Bool(o, "has_env");
  r.environment = ToMap(o, "env");
  r.code_sha_hex = Str(o, "code_hex");
  r.code_sha256 = Str(o, "code_sha256");
  r.code_size = Int(o, "code_size", 0);
  if (const json::value* layers = o.if_contains("layers"); layers && layers->is_array()) {
    for (const auto& l : layers->as_array()) {
      if (!l.is_object()) continue;
      r.layers.push_back(LayerRef{Str(l.as_object(), "arn"), Str(l.as_object(), "sha"),
                                  Int(l.as_object(), "size", 0)});
    }
  }
  r.architecture = Str(o, "arch");
  r.tracing_mode = Str(o, "tracing");
  r.dead_letter_arn = Str(o, "dlq");
  r.kms_key_arn = Str(o, "kms");
  r.log_format = Str(o, "log_format");
  r.log_group = Str(o, "log_group");
  r.application_log_level = Str(o, "app_log_level");
  r.system_log_level = Str(o, "sys_log_level");
  r.last_modified = Str(o, "last_modified");
  r.revision_id = Str(o, "revision");
  r.state = Str(o, "state");
  r.last_update_status = Str(o, "update_status");
  if (r.version.empty() || r.code_sha_hex.empty()) return Internal("corrupt version record");
  return r;
}

std::string EncodeFunction(const FunctionRecord& r) {
  json::object aliases;
  for (const auto& [name, a] : r.aliases) {
    json::object weights;
    for (const auto& [v, w] : a.weights) weights[v] = w;
    aliases[name] = json::object{{"version", a.function_version},
                                 {"description", a.description},
                                 {"weights", std::move(weights)},
                                 {"revision", a.revision_id}};
  }
  json::object policies;
  for (const auto& [q, statements] : r.policies) policies[q] = FromList(statements);
  json::object invoke;
  for (const auto& [q, e] : r.event_invoke) {
    json::object c{{"on_success", e.on_success},
                   {"on_failure", e.on_failure},
                   {"modified", e.last_modified_ms}};
    if (e.maximum_retry_attempts) c["retries"] = *e.maximum_retry_attempts;
    if (e.maximum_event_age_seconds) c["max_age"] = *e.maximum_event_age_seconds;
    invoke[q] = std::move(c);
  }
  json::object o{{"region", r.region},
                 {"name", r.name},
                 {"next_version", r.next_version},
                 {"tags", FromMap(r.tags)},
                 {"aliases", std::move(aliases)},
                 {"policies", std::move(policies)},
                 {"event_invoke", std::move(invoke)}};
  if (r.reserved_concurrency) o["reserved"] = *r.reserved_concurrency;
  return ToJson(o);
}

Result<FunctionRecord> DecodeFunction(std::string_view text) {
  KUMO_ASSIGN_OR_RETURN(json::object o, Parse(text, "function"));
  FunctionRecord r;
  r.region = Str(o, "region");
  r.name = Str(o, "name");
  r.next_version = Int(o, "next_version", 1);
  r.tags = ToMap(o, "tags");
  r.reserved_concurrency = OptInt(o, "reserved");
  if (const json::object* aliases = Obj(o, "aliases")) {
    for (const auto& kv : *aliases) {
      if (!kv.value().is_object()) continue;
      const json::object& a = kv.value().as_object();
      AliasRecord alias;
      alias.name = std::string(kv.key());
      alias.function_version = Str(a, "version");
      alias.description = Str(a, "description");
      alias.revision_id = Str(a, "revision");
      if (const json::object* w = Obj(a, "weights")) {
        for (const auto& wkv : *w) {
          if (wkv.value().is_number())
            alias.weights[std::string(wkv.key())] = wkv.value().to_number<double>();
        }
      }
      r.aliases[alias.name] = std::move(alias);
    }
  }
  if (const json::object* policies = Obj(o, "policies")) {
    for (const auto& kv : *policies)
      r.policies[std::string(kv.key())] = ToList(*policies, kv.key());
  }
  if (const json::object* invoke = Obj(o, "event_invoke")) {
    for (const auto& kv : *invoke) {
      if (!kv.value().is_object()) continue;
      const json::object& c = kv.value().as_object();
      EventInvokeRecord e;
      e.maximum_retry_attempts = OptInt(c, "retries");
      e.maximum_event_age_seconds = OptInt(c, "max_age");
      e.on_success = Str(c, "on_success");
      e.on_failure = Str(c, "on_failure");
      e.last_modified_ms = Int(c, "modified", 0);
      r.event_invoke[std::string(kv.key())] = std::move(e);
    }
  }
  if (r.name.empty() || r.region.empty()) return Internal("corrupt function record");
  return r;
}

std::string EncodeLayer(const LayerRecord& r) {
  return ToJson(
      json::object{{"region", r.region}, {"name", r.name}, {"next_version", r.next_version}});
}

Result<LayerRecord> DecodeLayer(std::string_view text) {
  KUMO_ASSIGN_OR_RETURN(json::object o, Parse(text, "layer"));
  LayerRecord r{Str(o, "region"), Str(o, "name"), Int(o, "next_version", 1)};
  if (r.name.empty() || r.region.empty()) return Internal("corrupt layer record");
  return r;
}

std::string EncodeLayerVersion(const LayerVersionRecord& r) {
  return ToJson(json::object{{"region", r.region},
                             {"name", r.name},
                             {"version", r.version},
                             {"description", r.description},
                             {"license", r.license_info},
                             {"runtimes", FromList(r.compatible_runtimes)},
                             {"architectures", FromList(r.compatible_architectures)},
                             {"has_runtimes", r.has_runtimes},
                             {"has_architectures", r.has_architectures},
                             {"created", r.created},
                             {"code_hex", r.code_sha_hex},
                             {"code_sha256", r.code_sha256},
                             {"code_size", r.code_size}});
}

Result<LayerVersionRecord> DecodeLayerVersion(std::string_view text) {
  KUMO_ASSIGN_OR_RETURN(json::object o, Parse(text, "layer version"));
  LayerVersionRecord r;
  r.region = Str(o, "region");
  r.name = Str(o, "name");
  r.version = Int(o, "version", 0);
  r.description = Str(o, "description");
  r.license_info = Str(o, "license");
  r.compatible_runtimes = ToList(o, "runtimes");
  r.compatible_architectures = ToList(o, "architectures");
  r.has_runtimes = Bool(o, "has_runtimes");
  r.has_architectures = Bool(o, "has_architectures");
  r.created = Str(o, "created");
  r.code_sha_hex = Str(o, "code_hex");
  r.code_sha256 = Str(o, "code_sha256");
  r.code_size = Int(o, "code_size", 0);
  if (r.name.empty() || r.version <= 0 || r.code_sha_hex.empty()) {
    return Internal("corrupt layer version record");
  }
  return r;
}

std::string FunctionKey(std::string_view region, std::string_view name) {
  return "fn/" + std::string(region) + "/" + std::string(name);
}

std::string VersionStoreKey(std::string_view region, std::string_view name,
                            std::string_view version) {
  std::string key = "ver/" + std::string(region) + "/" + std::string(name) + "/";
  if (version == "$LATEST") return key + "$LATEST";
  return key + VersionKey(std::stoll(std::string(version)));
}

std::string LayerKey(std::string_view region, std::string_view name) {
  return "layer/" + std::string(region) + "/" + std::string(name);
}

std::string LayerVersionKey(std::string_view region, std::string_view name, int64_t version) {
  return "lver/" + std::string(region) + "/" + std::string(name) + "/" + VersionKey(version);
}

std::string LambdaTimestamp(int64_t epoch_millis) {
  std::string s = FormatIso8601(epoch_millis, /*with_millis=*/true);  // ...T03:04:05.678Z
  s.pop_back();
  return s + "+0000";
}

}  // namespace kumo::functions

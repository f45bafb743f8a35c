// The control plane's stored records and their JSON encoding in the Store.
//
// Keys in the "lambda" family (names and regions never contain '/'):
//   fn/{region}/{name}                   FunctionRecord (aliases, policies, tags, ...)
//   ver/{region}/{name}/$LATEST          VersionRecord of $LATEST
//   ver/{region}/{name}/{0000000007}     VersionRecord of a published version
//   layer/{region}/{name}                LayerRecord
//   lver/{region}/{name}/{0000000003}    LayerVersionRecord
// Thread-safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::functions {

struct LayerRef {
  std::string arn;  // the layer version ARN
  std::string sha_hex;
  int64_t code_size = 0;
};

// One function version: $LATEST (mutable) or a published, immutable one.
struct VersionRecord {
  std::string version = "$LATEST";
  std::string description;
  std::string role;
  std::string runtime;
  std::string handler;
  int64_t memory_size = 128;
  int64_t timeout = 3;
  int64_t ephemeral_storage = 512;
  bool has_environment = false;  // Environment was given (possibly empty)
  std::map<std::string, std::string> environment;
  std::string code_sha_hex;
  std::string code_sha256;  // base64
  int64_t code_size = 0;
  std::vector<LayerRef> layers;
  std::string architecture = "x86_64";
  std::string tracing_mode = "PassThrough";
  std::string dead_letter_arn;
  std::string kms_key_arn;
  std::string log_format = "Text";
  std::string log_group;
  std::string application_log_level;  // JSON log format only
  std::string system_log_level;
  std::string last_modified;  // "2024-01-02T03:04:05.678+0000"
  std::string revision_id;
  std::string state = "Active";
  std::string last_update_status = "Successful";  // published versions too

  // Everything PublishVersion compares to decide whether $LATEST changed
  // since the last published version (not description, dates, ids, state).
  std::string ContentFingerprint() const;
};

struct AliasRecord {
  std::string name;
  std::string function_version;
  std::string description;
  std::map<std::string, double> weights;  // AdditionalVersionWeights
  std::string revision_id;
};

struct EventInvokeRecord {
  std::optional<int64_t> maximum_retry_attempts;
  std::optional<int64_t> maximum_event_age_seconds;
  std::string on_success;
  std::string on_failure;
  int64_t last_modified_ms = 0;
};

// Function-wide state, and everything keyed by qualifier.
struct FunctionRecord {
  std::string region;
  std::string name;
  int64_t next_version = 1;  // version numbers are never reused
  std::map<std::string, std::string> tags;
  std::optional<int64_t> reserved_concurrency;
  std::map<std::string, AliasRecord> aliases;
  // Qualifier ("$LATEST", version or alias) -> policy statements (JSON objects).
  std::map<std::string, std::vector<std::string>> policies;
  std::map<std::string, EventInvokeRecord> event_invoke;  // by qualifier
};

struct LayerRecord {
  std::string region;
  std::string name;
  int64_t next_version = 1;  // layer version numbers are never reused
};

struct LayerVersionRecord {
  std::string region;
  std::string name;
  int64_t version = 0;
  std::string description;
  std::string license_info;
  std::vector<std::string> compatible_runtimes;
  std::vector<std::string> compatible_architectures;
  bool has_runtimes = false;       // CompatibleRuntimes was given
  bool has_architectures = false;  // CompatibleArchitectures was given
  std::string created;
  std::string code_sha_hex;
  std::string code_sha256;
  int64_t code_size = 0;
};

std::string EncodeVersion(const VersionRecord& r);
Result<VersionRecord> DecodeVersion(std::string_view json);
std::string EncodeFunction(const FunctionRecord& r);
Result<FunctionRecord> DecodeFunction(std::string_view json);
std::string EncodeLayer(const LayerRecord& r);
Result<LayerRecord> DecodeLayer(std::string_view json);
std::string EncodeLayerVersion(const LayerVersionRecord& r);
Result<LayerVersionRecord> DecodeLayerVersion(std::string_view json);

// Store keys (see above).
std::string FunctionKey(std::string_view region, std::string_view name);
std::string VersionStoreKey(std::string_view region, std::string_view name,
                            std::string_view version);
std::string LayerKey(std::string_view region, std::string_view name);
std::string LayerVersionKey(std::string_view region, std::string_view name, int64_t version);

// Lambda's timestamp format: "2024-01-02T03:04:05.678+0000".
std::string LambdaTimestamp(int64_t epoch_millis);

}  // namespace kumo::functions

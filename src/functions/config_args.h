// The configuration members CreateFunction and UpdateFunctionConfiguration
// share: read and checked against the model (one ValidationException listing
// every violation, as AWS does), then checked against Lambda's rules and
// applied to a version (InvalidParameterValueException).
// Thread-safety: free functions.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "functions/records.h"

namespace kumo::functions {

struct ConfigChanges {
  std::optional<std::string> role;
  std::optional<std::string> handler;
  std::optional<std::string> description;
  std::optional<std::string> runtime;
  std::optional<int64_t> timeout;
  std::optional<int64_t> memory_size;
  std::optional<int64_t> ephemeral_storage;
  std::optional<std::map<std::string, std::string>> environment;  // set when Environment given
  std::optional<std::vector<std::string>> layers;
  std::optional<std::string> tracing_mode;
  std::optional<std::string> dead_letter_arn;
  std::optional<std::string> kms_key_arn;
  std::optional<std::string> log_format;
  std::optional<std::string> application_log_level;
  std::optional<std::string> system_log_level;
  std::optional<std::string> log_group;
  std::optional<std::string> architecture;  // from Architectures (create, update code)
};

// Reads the members above from a request body. Errors: 400
// SerializationException (wrong JSON type), 400 ValidationException (model
// constraints: lengths, ranges, patterns, enums).
Result<ConfigChanges> ReadConfigChanges(const boost::json::object& body);

// Applies `changes` (except layers, which need the layer registry) to `v`,
// enforcing Lambda's rules: supported runtime, reserved and oversized
// environment variables. Errors: 400 InvalidParameterValueException.
Status ApplyConfigChanges(const ConfigChanges& changes, VersionRecord& v);

// The model's RoleArn pattern.
bool IsRoleArn(std::string_view s);

}  // namespace kumo::functions

#include "functions/config_args.h"

#include <array>
#include <boost/json.hpp>

#include "common/json.h"
#include "functions/json_args.h"
#include "functions/validation.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;

constexpr size_t kMaxEnvironmentBytes = 4096;
constexpr char kRolePattern[] = R"(arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+)";
constexpr char kArnOrEmptyPattern[] = R"((arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|())";
constexpr char kEnvKeyPattern[] = "[a-zA-Z]([a-zA-Z0-9_])+";
constexpr char kLogGroupPattern[] = R"([\.\-_/#A-Za-z0-9]+)";

// Variables the runtime sets and AWS refuses to let a function override.
constexpr std::array<std::string_view, 18> kReservedVariables = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
};

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsEnvKey(std::string_view k) {
  if (k.size() < 2 || !((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z'))) {
    return false;
  }
  for (char c : k.substr(1)) {
    if (!IsAlnum(c) && c != '_') return false;
  }
  return true;
}

bool IsArnOrEmpty(std::string_view s) {
  if (s.empty()) return true;
  if (!s.starts_with("arn:")) return false;
  size_t service_end = s.find(':', s.find(':', 4) + 1);
  return s.find(':', 4) != std::string_view::npos && service_end != std::string_view::npos;
}

bool IsLogGroup(std::string_view s) {
  if (s.empty() || s.size() > 512) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '.' && c != '-' && c != '_' && c != '/' && c != '#') return false;
  }
  return true;
}

void CheckEnum(ConstraintErrors& errors, std::string_view field,
               const std::optional<std::string>& value,
               std::initializer_list<std::string_view> allowed, std::string_view listed) {
  if (!value) return;
  for (std::string_view a : allowed) {
    if (*value == a) return;
  }
  errors.Enum(field, *value, listed);
}

// Reads Architectures ([x86_64] or [arm64]).
Status ReadArchitectures(const json::object& body, ConstraintErrors& errors, ConfigChanges& out) {
  KUMO_ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> arch,
                        GetStringList(body, "Architectures"));
  if (!arch) return Status::Ok();
  std::string listed = "[";
  for (size_t i = 0; i < arch->size(); ++i) listed += (i ? ", " : "") + (*arch)[i];
  listed += "]";
  if (arch->size() != 1) {
    errors.Add("architectures", listed,
               arch->empty() ? "Member must have length greater than or equal to 1"
                             : "Member must have length less than or equal to 1");
  } else if (!IsArchitecture(arch->front())) {
    errors.Add("architectures", listed,
               "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, "
               "arm64], Member must not be null]");
  } else {
    out.architecture = arch->front();
  }
  return Status::Ok();
}

Status ReadStructures(const json::object& body, ConstraintErrors& errors, ConfigChanges& out) {
  KUMO_ASSIGN_OR_RETURN(const json::object* env, GetObject(body, "Environment"));
  if (env != nullptr) {
    KUMO_ASSIGN_OR_RETURN(auto vars, GetStringMap(*env, "Variables"));
    out.environment = vars.value_or(std::map<std::string, std::string>());
    for (const auto& [k, v] : *out.environment) {
      if (!IsEnvKey(k)) {
        errors.AddWithoutValue("environment.variables",
                               std::string("Map keys must satisfy constraint: [Member must "
                                           "satisfy regular expression pattern: ") +
                                   kEnvKeyPattern + "]");
        break;
      }
    }
  }
  KUMO_ASSIGN_OR_RETURN(const json::object* tracing, GetObject(body, "TracingConfig"));
  if (tracing != nullptr) {
    KUMO_ASSIGN_OR_RETURN(out.tracing_mode, GetString(*tracing, "Mode"));
    CheckEnum(errors, "tracingConfig.mode", out.tracing_mode, {"Active", "PassThrough"},
              "[Active, PassThrough]");
  }
  KUMO_ASSIGN_OR_RETURN(const json::object* dlq, GetObject(body, "DeadLetterConfig"));
  if (dlq != nullptr) {
    KUMO_ASSIGN_OR_RETURN(auto target, GetString(*dlq, "TargetArn"));
    out.dead_letter_arn = target.value_or("");
    if (!IsArnOrEmpty(*out.dead_letter_arn)) {
      errors.Pattern("deadLetterConfig.targetArn", *out.dead_letter_arn, kArnOrEmptyPattern);
    }
  }
  KUMO_ASSIGN_OR_RETURN(const json::object* storage, GetObject(body, "EphemeralStorage"));
  if (storage != nullptr) {
    KUMO_ASSIGN_OR_RETURN(out.ephemeral_storage, GetInt(*storage, "Size"));
    if (!out.ephemeral_storage) {
      errors.AddWithoutValue("ephemeralStorage.size", "Member must not be null");
    } else {
      errors.Range("ephemeralStorage.size", *out.ephemeral_storage, 512, 10240);
    }
  }
  KUMO_ASSIGN_OR_RETURN(const json::object* logging, GetObject(body, "LoggingConfig"));
  if (logging != nullptr) {
    KUMO_ASSIGN_OR_RETURN(out.log_format, GetString(*logging, "LogFormat"));
    KUMO_ASSIGN_OR_RETURN(out.application_log_level, GetString(*logging, "ApplicationLogLevel"));
    KUMO_ASSIGN_OR_RETURN(out.system_log_level, GetString(*logging, "SystemLogLevel"));
    KUMO_ASSIGN_OR_RETURN(out.log_group, GetString(*logging, "LogGroup"));
    CheckEnum(errors, "loggingConfig.logFormat", out.log_format, {"JSON", "Text"}, "[JSON, Text]");
    CheckEnum(errors, "loggingConfig.applicationLogLevel", out.application_log_level,
              {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"},
              "[TRACE, DEBUG, INFO, WARN, ERROR, FATAL]");
    CheckEnum(errors, "loggingConfig.systemLogLevel", out.system_log_level,
              {"DEBUG", "INFO", "WARN"}, "[DEBUG, INFO, WARN]");
    if (out.log_group && !IsLogGroup(*out.log_group)) {
      errors.Pattern("loggingConfig.logGroup", *out.log_group, kLogGroupPattern);
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsRoleArn(std::string_view s) {
  // arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
  if (!s.starts_with("arn:")) return false;
  s.remove_prefix(4);
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view partition = s.substr(0, colon);
  if (!partition.empty() && !partition.starts_with("aws")) return false;
  for (char c : partition) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
  }
  s.remove_prefix(colon + 1);
  if (!s.starts_with("iam::") || s.size() < 5 + 12 + 5) return false;
  s.remove_prefix(5);
  for (char c : s.substr(0, 12)) {
    if (c < '0' || c > '9') return false;
  }
  s.remove_prefix(12);
  if (!s.starts_with(":role")) return false;
  s.remove_prefix(5);
  if (s.starts_with("/")) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsAlnum(c) && std::string_view("_+=,.@-/").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Result<ConfigChanges> ReadConfigChanges(const json::object& body) {
  ConfigChanges out;
  ConstraintErrors errors;
  KUMO_ASSIGN_OR_RETURN(out.role, GetString(body, "Role"));
  KUMO_ASSIGN_OR_RETURN(out.handler, GetString(body, "Handler"));
  KUMO_ASSIGN_OR_RETURN(out.description, GetString(body, "Description"));
  KUMO_ASSIGN_OR_RETURN(out.runtime, GetString(body, "Runtime"));
  KUMO_ASSIGN_OR_RETURN(out.timeout, GetInt(body, "Timeout"));
  KUMO_ASSIGN_OR_RETURN(out.memory_size, GetInt(body, "MemorySize"));
  KUMO_ASSIGN_OR_RETURN(out.kms_key_arn, GetString(body, "KMSKeyArn"));
  KUMO_ASSIGN_OR_RETURN(out.layers, GetStringList(body, "Layers"));
  if (out.role && !IsRoleArn(*out.role)) errors.Pattern("role", *out.role, kRolePattern);
  if (out.handler) {
    errors.MaxLength("handler", *out.handler, 128);
    bool blank =
        out.handler->empty() || out.handler->find_first_of(" \t\r\n\f\v") != std::string::npos;
    if (blank) errors.Pattern("handler", *out.handler, R"([^\s]+)");
  }
  if (out.description) errors.MaxLength("description", *out.description, 256);
  if (out.timeout) errors.Range("timeout", *out.timeout, 1, 900);
  if (out.memory_size) errors.Range("memorySize", *out.memory_size, 128, 10240);
  if (out.kms_key_arn && !IsArnOrEmpty(*out.kms_key_arn)) {
    errors.Pattern("kMSKeyArn", *out.kms_key_arn, kArnOrEmptyPattern);
  }
  KUMO_RETURN_IF_ERROR(ReadStructures(body, errors, out));
  KUMO_RETURN_IF_ERROR(ReadArchitectures(body, errors, out));
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

Status ApplyConfigChanges(const ConfigChanges& c, VersionRecord& v) {
  if (c.runtime) KUMO_RETURN_IF_ERROR(CheckRuntime(*c.runtime));
  if (c.environment) {
    std::string reserved;
    for (const auto& [k, val] : *c.environment) {
      for (std::string_view r : kReservedVariables) {
        if (k == r) reserved += (reserved.empty() ? "" : ", ") + k;
      }
    }
    if (!reserved.empty()) {
      return InvalidParameterValue(
          "Lambda was unable to configure your environment variables because the environment "
          "variables you have provided contains reserved keys that are currently not supported "
          "for modification. Reserved keys used in this request: " +
          reserved);
    }
    json::object vars;
    for (const auto& [k, val] : *c.environment) vars[k] = val;
    std::string measured = ToJson(vars);
    if (measured.size() > kMaxEnvironmentBytes) {
      return InvalidParameterValue(
          "Lambda was unable to configure your environment variables because the environment "
          "variables you have provided exceeded the 4KB limit. String measured: " +
          measured);
    }
    v.has_environment = true;
    v.environment = *c.environment;
  }
  if (c.role) v.role = *c.role;
  if (c.handler) v.handler = *c.handler;
  if (c.description) v.description = *c.description;
  if (c.runtime) v.runtime = *c.runtime;
  if (c.timeout) v.timeout = *c.timeout;
  if (c.memory_size) v.memory_size = *c.memory_size;
  if (c.ephemeral_storage) v.ephemeral_storage = *c.ephemeral_storage;
  if (c.tracing_mode) v.tracing_mode = *c.tracing_mode;
  if (c.dead_letter_arn) v.dead_letter_arn = *c.dead_letter_arn;
  if (c.kms_key_arn) v.kms_key_arn = *c.kms_key_arn;
  if (c.architecture) v.architecture = *c.architecture;
  if (c.log_group) v.log_group = *c.log_group;
  if (c.log_format) {
    if (*c.log_format == "JSON" && v.log_format != "JSON") {
      // Switching to JSON turns on level filtering, at INFO unless given.
      v.application_log_level = "INFO";
      v.system_log_level = "INFO";
    } else if (*c.log_format == "Text") {
      v.application_log_level.clear();
      v.system_log_level.clear();
    }
    v.log_format = *c.log_format;
  }
  if (c.application_log_level) v.application_log_level = *c.application_log_level;
  if (c.system_log_level) v.system_log_level = *c.system_log_level;
  return Status::Ok();
}

}  // namespace kumo::functions

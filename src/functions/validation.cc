#include "functions/validation.h"

#include <algorithm>
#include <array>

namespace kumo::functions {
namespace {

constexpr std::array<std::string_view, 11> kSupportedRuntimes = {
    "nodejs18.x", "nodejs20.x", "nodejs22.x", "python3.9",    "python3.10",      "python3.11",
    "python3.12", "python3.13", "provided",   "provided.al2", "provided.al2023",
};

// The botocore model's Runtime enum, in model order.
constexpr std::array<std::string_view, 46> kModelRuntimes = {
    "nodejs",     "nodejs4.3",       "nodejs6.10",     "nodejs8.10",    "nodejs10.x",
    "nodejs12.x", "nodejs14.x",      "nodejs16.x",     "java8",         "java8.al2",
    "java11",     "python2.7",       "python3.6",      "python3.7",     "python3.8",
    "python3.9",  "dotnetcore1.0",   "dotnetcore2.0",  "dotnetcore2.1", "dotnetcore3.1",
    "dotnet6",    "dotnet8",         "nodejs4.3-edge", "go1.x",         "ruby2.5",
    "ruby2.7",    "provided",        "provided.al2",   "nodejs18.x",    "python3.10",
    "java17",     "ruby3.2",         "ruby3.3",        "ruby3.4",       "python3.11",
    "nodejs20.x", "provided.al2023", "python3.12",     "java21",        "python3.13",
    "nodejs22.x", "nodejs24.x",      "python3.14",     "java25",        "dotnet10",
    "ruby4.0",
};

struct Deprecation {
  std::string_view runtime;
  std::string_view replacement;
};

// Runtimes AWS no longer accepts for creating or updating functions, with the
// runtime its error message recommends.
constexpr std::array<Deprecation, 21> kDeprecated = {{
    {"nodejs", "nodejs22.x"},     {"nodejs4.3", "nodejs22.x"},  {"nodejs4.3-edge", "nodejs22.x"},
    {"nodejs6.10", "nodejs22.x"}, {"nodejs8.10", "nodejs22.x"}, {"nodejs10.x", "nodejs22.x"},
    {"nodejs12.x", "nodejs18.x"}, {"nodejs14.x", "nodejs20.x"}, {"nodejs16.x", "nodejs22.x"},
    {"python2.7", "python3.12"},  {"python3.6", "python3.12"},  {"python3.7", "python3.12"},
    {"python3.8", "python3.13"},  {"java8", "java21"},          {"go1.x", "provided.al2023"},
    {"ruby2.5", "ruby3.2"},       {"ruby2.7", "ruby3.2"},       {"dotnetcore1.0", "dotnet8"},
    {"dotnetcore2.0", "dotnet8"}, {"dotnetcore2.1", "dotnet8"}, {"dotnetcore3.1", "dotnet6"},
}};

template <size_t N>
std::string JoinList(const std::array<std::string_view, N>& items) {
  std::string out = "[";
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out + "]";
}

template <size_t N>
bool Contains(const std::array<std::string_view, N>& items, std::string_view v) {
  return std::find(items.begin(), items.end(), v) != items.end();
}

}  // namespace

Error InvalidParameterValue(std::string message) {
  return Error{400, "InvalidParameterValueException", std::move(message)};
}
Error ValidationError(std::string message) {
  return Error{400, "ValidationException", std::move(message)};
}
Error ResourceNotFound(std::string message) {
  return Error{404, "ResourceNotFoundException", std::move(message)};
}
Error ResourceConflict(std::string message) {
  return Error{409, "ResourceConflictException", std::move(message)};
}
Error PreconditionFailed() {
  return Error{412, "PreconditionFailedException",
               "The Revision Id provided does not match the latest Revision Id. Call the "
               "GetFunction/GetAlias API to retrieve the latest Revision Id"};
}
Error ServiceError(std::string message) {
  return Error{500, "ServiceException", std::move(message)};
}
Error RequestEntityTooLarge(std::string message) {
  return Error{413, "RequestEntityTooLargeException", std::move(message)};
}
Error FunctionNotFound(std::string_view arn) {
  return ResourceNotFound("Function not found: " + std::string(arn));
}

void ConstraintErrors::Add(std::string_view field, std::string_view value,
                           std::string_view constraint) {
  errors_.push_back("Value '" + std::string(value) + "' at '" + std::string(field) +
                    "' failed to satisfy constraint: " + std::string(constraint));
}

void ConstraintErrors::AddWithoutValue(std::string_view field, std::string_view constraint) {
  errors_.push_back("Value null at '" + std::string(field) +
                    "' failed to satisfy constraint: " + std::string(constraint));
}

void ConstraintErrors::MaxLength(std::string_view field, std::string_view value, size_t max) {
  if (value.size() > max) {
    Add(field, value, "Member must have length less than or equal to " + std::to_string(max));
  }
}

void ConstraintErrors::MinLength(std::string_view field, std::string_view value, size_t min) {
  if (value.size() < min) {
    Add(field, value, "Member must have length greater than or equal to " + std::to_string(min));
  }
}

void ConstraintErrors::Range(std::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min) {
    Add(field, std::to_string(value),
        "Member must have value greater than or equal to " + std::to_string(min));
  } else if (value > max) {
    Add(field, std::to_string(value),
        "Member must have value less than or equal to " + std::to_string(max));
  }
}

void ConstraintErrors::Pattern(std::string_view field, std::string_view value,
                               std::string_view pattern) {
  Add(field, value, "Member must satisfy regular expression pattern: " + std::string(pattern));
}

void ConstraintErrors::Enum(std::string_view field, std::string_view value,
                            std::string_view values) {
  Add(field, value, "Member must satisfy enum value set: " + std::string(values));
}

Status ConstraintErrors::ToStatus(std::string code) const {
  if (errors_.empty()) return Status::Ok();
  std::string message = std::to_string(errors_.size()) + " validation error" +
                        (errors_.size() > 1 ? "s" : "") + " detected: ";
  for (size_t i = 0; i < errors_.size(); ++i) {
    if (i > 0) message += "; ";
    message += errors_[i];
  }
  return Error{400, std::move(code), std::move(message)};
}

bool IsSupportedRuntime(std::string_view runtime) { return Contains(kSupportedRuntimes, runtime); }
bool IsModelRuntime(std::string_view runtime) { return Contains(kModelRuntimes, runtime); }
std::string SupportedRuntimesList() { return JoinList(kSupportedRuntimes); }
std::string ModelRuntimesList() { return JoinList(kModelRuntimes); }

Status CheckRuntime(std::string_view runtime) {
  if (IsSupportedRuntime(runtime)) return Status::Ok();
  for (const Deprecation& d : kDeprecated) {
    if (d.runtime == runtime) {
      return InvalidParameterValue(
          "The runtime parameter of " + std::string(runtime) +
          " is no longer supported for creating or updating AWS Lambda functions. We recommend "
          "you use the new runtime (" +
          std::string(d.replacement) + ") while creating or updating functions.");
    }
  }
  return InvalidParameterValue("Value " + std::string(runtime) +
                               " at 'runtime' failed to satisfy constraint: Member must satisfy "
                               "enum value set: " +
                               SupportedRuntimesList() + " or be a valid ARN");
}

bool IsArchitecture(std::string_view arch) { return arch == "x86_64" || arch == "arm64"; }

}  // namespace kumo::functions

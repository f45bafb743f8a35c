// Lambda's errors and input constraints: the error constructors every
// operation uses, the model-constraint collector that words violations as
// AWS does ("1 validation error detected: Value '0' at 'timeout' failed to
// satisfy constraint: ..."), and the runtime list.
// Thread-safety: free functions and a value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::functions {

Error InvalidParameterValue(std::string message);  // 400 InvalidParameterValueException
Error ValidationError(std::string message);        // 400 ValidationException
Error ResourceNotFound(std::string message);       // 404 ResourceNotFoundException
Error ResourceConflict(std::string message);       // 409 ResourceConflictException
Error PreconditionFailed();                        // 412, the RevisionId mismatch message
Error ServiceError(std::string message);           // 500 ServiceException
Error RequestEntityTooLarge(std::string message);  // 413 RequestEntityTooLargeException
// 404 "Function not found: <arn>".
Error FunctionNotFound(std::string_view arn);

// Collects violations of model constraints and turns them into one
// ValidationException, numbered and joined the way AWS words them.
class ConstraintErrors {
 public:
  // Adds "Value '<value>' at '<field>' failed to satisfy constraint: <constraint>".
  void Add(std::string_view field, std::string_view value, std::string_view constraint);
  // The same, for members whose value AWS does not echo (null or sensitive).
  void AddWithoutValue(std::string_view field, std::string_view constraint);

  void MaxLength(std::string_view field, std::string_view value, size_t max);
  void MinLength(std::string_view field, std::string_view value, size_t min);
  void Range(std::string_view field, int64_t value, int64_t min, int64_t max);
  void Pattern(std::string_view field, std::string_view value, std::string_view pattern);
  void Enum(std::string_view field, std::string_view value, std::string_view values);

  bool empty() const { return errors_.empty(); }
  // OK when empty; else 400 `code` with "N validation error(s) detected: ...".
  Status ToStatus(std::string code = "ValidationException") const;

 private:
  std::vector<std::string> errors_;
};

// Runtimes Kumo runs.
bool IsSupportedRuntime(std::string_view runtime);
// Runtimes the model's enum names (layers accept any of them).
bool IsModelRuntime(std::string_view runtime);
// "[nodejs18.x, nodejs20.x, ...]": the supported set, in error messages.
std::string SupportedRuntimesList();
// The model's enum set, in error messages.
std::string ModelRuntimesList();
// OK for a supported runtime; 400 InvalidParameterValueException otherwise:
// a deprecated runtime gets AWS's "no longer supported" message with the
// recommended replacement, anything else the enum-constraint message.
Status CheckRuntime(std::string_view runtime);

bool IsArchitecture(std::string_view arch);  // x86_64 or arm64

}  // namespace kumo::functions

// Function and layer names, qualifiers and ARNs, parsed and validated the way
// the Lambda API does (patterns from the botocore model, messages as AWS
// words them). Thread-safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kumo::functions {

// Every ARN Kumo hands out names this account.
inline constexpr std::string_view kAccountId = "000000000000";

// Which model shape a FunctionName parameter has.
enum class NameShape {
  kFunctionName,    // FunctionName: up to 140 characters, no '.'
  kNamespacedName,  // NamespacedFunctionName: up to 256, '.' allowed
};

struct FunctionRef {
  std::string name;       // the bare function name
  std::string qualifier;  // from the ARN or the Qualifier parameter; empty when none
  bool bare_name = true;  // given as "name" (no ARN, no region, no qualifier)
};

// Parses `input` (name, "name:qualifier", partial or full ARN) and merges the
// `qualifier` parameter. Errors: 400 ValidationException for a malformed name
// or qualifier, 404 ResourceNotFoundException when the ARN names another
// region, 400 InvalidParameterValueException when both qualifiers differ.
Result<FunctionRef> ParseFunctionRef(std::string_view input, std::string_view qualifier,
                                     std::string_view region, NameShape shape);

// The message of a constraint violation on a function name.
std::string FunctionNamePatternViolation(std::string_view value, NameShape shape);

std::string FunctionArn(std::string_view region, std::string_view name);
// FunctionArn + ":" + qualifier, or FunctionArn when `qualifier` is empty.
std::string QualifiedArn(std::string_view region, std::string_view name,
                         std::string_view qualifier);

// "1", "42": a published version number (no sign, no leading '+').
bool IsVersionNumber(std::string_view s);
// An alias name: [a-zA-Z0-9-_]+, not all digits.
bool IsAliasName(std::string_view s);
// [a-zA-Z0-9-_]+ (plus '.' when `allow_dot`).
bool IsNameToken(std::string_view s, bool allow_dot);
// "us-east-1", "us-gov-west-1", "cn-north-1".
bool IsRegion(std::string_view s);

// Versions are kept in key order: zero-padded so "10" sorts after "9".
std::string VersionKey(int64_t version);

struct LayerVersionRef {
  std::string region;
  std::string account;
  std::string name;
  int64_t version = 0;  // 0 when the ARN has no version
};

// Accepts "arn:aws:lambda:{region}:{account}:layer:{name}[:{version}]".
std::optional<LayerVersionRef> ParseLayerArn(std::string_view arn);
std::string LayerArn(std::string_view region, std::string_view name);
std::string LayerVersionArn(std::string_view region, std::string_view name, int64_t version);

}  // namespace kumo::functions

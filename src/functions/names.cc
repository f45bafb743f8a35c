#include "functions/names.h"

#include <cstdio>
#include <vector>

#include "functions/validation.h"

namespace kumo::functions {
namespace {

constexpr std::string_view kFunctionNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?)"
    R"((\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";
constexpr std::string_view kNamespacedNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?)"
    R"((\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?)";
constexpr std::string_view kQualifierPattern = R"(\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+)";

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

bool AllOf(std::string_view s, bool (*pred)(char)) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

bool IsAccount(std::string_view s) { return s.size() == 12 && AllOf(s, IsDigit); }

// aws, aws-cn, aws-us-gov: "aws" then [a-zA-Z-]*.
bool IsPartition(std::string_view s) {
  if (s.substr(0, 3) != "aws") return false;
  for (char c : s.substr(3)) {
    if (!IsAlpha(c) && c != '-') return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  parts.reserve(8);  // an ARN's parts: one allocation, not four
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

bool IsArnQualifier(std::string_view q, NameShape shape) {
  if (q == "$LATEST") return true;
  if (shape == NameShape::kNamespacedName && q == "$LATEST.PUBLISHED") return true;
  return IsNameToken(q, false);
}

bool IsQualifierParam(std::string_view q) {
  if (q.empty() || q.size() > 128) return false;
  if (q == "$LATEST.PUBLISHED") return true;
  for (char c : q) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_' && c != '$') return false;
  }
  return true;
}

struct Parsed {
  std::string_view region;
  std::string_view name;
  std::string_view qualifier;
  bool bare = false;
};

// Splits the accepted forms of the model's FunctionName pattern. Returns
// false when `input` does not match it.
bool SplitFunctionName(std::string_view input, NameShape shape, Parsed& out) {
  std::vector<std::string_view> p = Split(input, ':');
  size_t name_at = 0;
  if (p[0] == "arn") {
    if (p.size() < 7 || p.size() > 8 || !IsPartition(p[1]) || p[2] != "lambda" || !IsRegion(p[3]) ||
        !IsAccount(p[4]) || p[5] != "function") {
      return false;
    }
    out.region = p[3];
    name_at = 6;
  } else if (p.size() >= 3 && p[1] == "function") {
    if (p.size() > 4 || !IsAccount(p[0])) return false;
    name_at = 2;
  } else if (p.size() >= 4 && p[2] == "function") {
    if (p.size() > 5 || !IsRegion(p[0]) || !IsAccount(p[1])) return false;
    out.region = p[0];
    name_at = 3;
  } else if (p.size() <= 2) {
    out.bare = p.size() == 1;
  } else {
    return false;
  }
  out.name = p[name_at];
  if (!IsNameToken(out.name, shape == NameShape::kNamespacedName)) return false;
  if (p.size() > name_at + 1) {
    out.qualifier = p[name_at + 1];
    if (!IsArnQualifier(out.qualifier, shape)) return false;
  }
  return true;
}

}  // namespace

bool IsNameToken(std::string_view s, bool allow_dot) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_' && !(allow_dot && c == '.')) {
      return false;
    }
  }
  return true;
}

bool IsVersionNumber(std::string_view s) { return s.size() <= 10 && AllOf(s, IsDigit); }

bool IsAliasName(std::string_view s) {
  return s.size() <= 128 && IsNameToken(s, false) && !AllOf(s, IsDigit);
}

bool IsRegion(std::string_view s) {
  std::vector<std::string_view> p = Split(s, '-');
  if (p.size() < 3 || p.front().size() != 2 || !AllOf(p.front(), IsLower)) return false;
  if (p.back().size() != 1 || !IsDigit(p.back()[0])) return false;
  for (size_t i = 1; i + 1 < p.size(); ++i) {
    if (!AllOf(p[i], IsLower)) return false;
  }
  return true;
}

std::string FunctionNamePatternViolation(std::string_view value, NameShape shape) {
  ConstraintErrors errors;
  errors.Pattern("functionName", value,
                 shape == NameShape::kFunctionName ? kFunctionNamePattern : kNamespacedNamePattern);
  return errors.ToStatus().error().message;
}

Result<FunctionRef> ParseFunctionRef(std::string_view input, std::string_view qualifier,
                                     std::string_view region, NameShape shape) {
  ConstraintErrors errors;
  size_t max_len = shape == NameShape::kFunctionName ? 140 : 256;
  errors.MaxLength("functionName", input, max_len);
  errors.MinLength("functionName", input, 1);
  Parsed parsed;
  if (!input.empty() && !SplitFunctionName(input, shape, parsed)) {
    errors.Pattern(
        "functionName", input,
        shape == NameShape::kFunctionName ? kFunctionNamePattern : kNamespacedNamePattern);
  }
  if (!qualifier.empty() && !IsQualifierParam(qualifier)) {
    errors.MaxLength("qualifier", qualifier, 128);
    if (qualifier.size() <= 128) errors.Pattern("qualifier", qualifier, kQualifierPattern);
  }
  KUMO_RETURN_IF_ERROR(errors.ToStatus());
  if (!parsed.region.empty() && parsed.region != region) {
    return ResourceNotFound("Functions from '" + std::string(parsed.region) +
                            "' are not reachable in this region ('" + std::string(region) + "')");
  }
  if (!qualifier.empty() && !parsed.qualifier.empty() && qualifier != parsed.qualifier) {
    return InvalidParameterValue(
        "The derived qualifier from the function name does not match the specified qualifier.");
  }
  FunctionRef ref;
  ref.name = std::string(parsed.name);
  ref.qualifier = std::string(qualifier.empty() ? parsed.qualifier : qualifier);
  ref.bare_name = parsed.bare;
  return ref;
}

std::string FunctionArn(std::string_view region, std::string_view name) {
  return "arn:aws:lambda:" + std::string(region) + ":" + std::string(kAccountId) +
         ":function:" + std::string(name);
}

std::string QualifiedArn(std::string_view region, std::string_view name,
                         std::string_view qualifier) {
  std::string arn = FunctionArn(region, name);
  if (!qualifier.empty()) arn += ":" + std::string(qualifier);
  return arn;
}

std::string VersionKey(int64_t version) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%010lld", static_cast<long long>(version));
  return buf;
}

std::optional<LayerVersionRef> ParseLayerArn(std::string_view arn) {
  std::vector<std::string_view> p = Split(arn, ':');
  if (p.size() < 7 || p.size() > 8 || p[0] != "arn" || p[1].empty() || p[2] != "lambda" ||
      !IsRegion(p[3]) || !IsAccount(p[4]) || p[5] != "layer" || !IsNameToken(p[6], false)) {
    return std::nullopt;
  }
  LayerVersionRef ref;
  ref.region = std::string(p[3]);
  ref.account = std::string(p[4]);
  ref.name = std::string(p[6]);
  if (p.size() == 8) {
    if (!IsVersionNumber(p[7])) return std::nullopt;
    ref.version = std::stoll(std::string(p[7]));
  }
  return ref;
}

std::string LayerArn(std::string_view region, std::string_view name) {
  return "arn:aws:lambda:" + std::string(region) + ":" + std::string(kAccountId) +
         ":layer:" + std::string(name);
}

std::string LayerVersionArn(std::string_view region, std::string_view name, int64_t version) {
  return LayerArn(region, name) + ":" + std::to_string(version);
}

}  // namespace kumo::functions

#include "logs/logs_input.h"

#include <algorithm>
#include <cctype>

#include "common/encoding.h"
#include "common/json.h"

namespace kumo::logs {
namespace {

bool IsWord(unsigned char c) { return std::isalnum(c) != 0 || c == '_'; }
bool GroupNameChar(unsigned char c) {
  return std::isalnum(c) != 0 ||
         std::string_view("._-/#").find(static_cast<char>(c)) != std::string_view::npos;
}
bool StreamNameChar(unsigned char c) { return c != ':' && c != '*'; }
bool IdentifierChar(unsigned char c) {
  return IsWord(c) ||
         std::string_view("#+=/:,.@-").find(static_cast<char>(c)) != std::string_view::npos;
}
bool ArnChar(unsigned char c) {
  return IsWord(c) ||
         std::string_view("+=/:,.@-").find(static_cast<char>(c)) != std::string_view::npos;
}
// \p{L}\p{Z}\p{N}_.:/=+\-@ : bytes of non-ASCII characters count as letters.
bool TagChar(unsigned char c) {
  return c >= 0x80 || std::isalnum(c) != 0 ||
         std::string_view(" _.:/=+-@").find(static_cast<char>(c)) != std::string_view::npos;
}

constexpr size_t kMaxTags = 50;
const StringRule kTagValueRule{0, 256, "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", &TagChar};

std::string Quoted(std::string_view value) { return "'" + std::string(value) + "'"; }

}  // namespace

const StringRule kLogGroupNameRule{1, 512, "[\\.\\-_/#A-Za-z0-9]+", &GroupNameChar};
const StringRule kLogGroupNamePatternRule{0, 512, "[\\.\\-_/#A-Za-z0-9]*", &GroupNameChar};
const StringRule kLogStreamNameRule{1, 512, "[^:*]*", &StreamNameChar};
const StringRule kLogGroupIdentifierRule{1, 2048, "[\\w#+=/:,.@-]*", &IdentifierChar};
const StringRule kResourceArnRule{1, 1011, "[\\w+=/:,.@-]*", &ArnChar};
const StringRule kTagKeyRule{1, 128, "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$", &TagChar};
const StringRule kNextTokenRule{1, SIZE_MAX, "", nullptr};

Error InvalidParameter(std::string message) {
  return Error{400, "InvalidParameterException", std::move(message)};
}

Error InvalidToken() { return InvalidParameter("The specified nextToken is invalid."); }

void Input::Violation(std::string_view member, std::string shown, std::string_view constraint) {
  violations_.push_back("Value " + shown + " at '" + path_ + std::string(member) +
                        "' failed to satisfy constraint: " + std::string(constraint));
}

void Input::Fail(Error error) {
  if (!error_) error_ = std::move(error);
}

Status Input::Check() const {
  if (type_error_) return *type_error_;
  if (!violations_.empty()) {
    std::string message = std::to_string(violations_.size()) + " validation error" +
                          (violations_.size() == 1 ? "" : "s") + " detected: ";
    for (size_t i = 0; i < violations_.size(); ++i) {
      if (i > 0) message += "; ";
      message += violations_[i];
    }
    return InvalidParameter(std::move(message));
  }
  if (error_) return *error_;
  return Status::Ok();
}

const boost::json::value* Input::Raw(std::string_view member, bool required) {
  const boost::json::value* value = body_.if_contains(member);
  if (value != nullptr && value->is_null()) value = nullptr;
  if (value == nullptr && required) Violation(member, "null", "Member must not be null");
  return value;
}

void Input::TypeError(Error error) {
  if (!type_error_) type_error_ = std::move(error);
}

template <typename T>
std::optional<T> Input::Typed(std::string_view member, Result<std::optional<T>> value,
                              bool required) {
  if (!value.ok()) {
    TypeError(value.error());
    return std::nullopt;
  }
  if (!*value && required) Violation(member, "null", "Member must not be null");
  return std::move(value).value();
}

void Input::CheckLength(std::string_view member, const std::string& shown, size_t length,
                        size_t min, size_t max) {
  if (length < min) {
    Violation(member, shown,
              "Member must have length greater than or equal to " + std::to_string(min));
  }
  if (length > max) {
    Violation(member, shown,
              "Member must have length less than or equal to " + std::to_string(max));
  }
}

void Input::CheckString(std::string_view member, const std::string& value, const StringRule& rule) {
  CheckLength(member, Quoted(value), value.size(), rule.min_length, rule.max_length);
  if (rule.allowed == nullptr) return;
  for (char c : value) {
    if (!rule.allowed(static_cast<unsigned char>(c))) {
      Violation(member, Quoted(value),
                "Member must satisfy regular expression pattern: " + std::string(rule.pattern));
      return;
    }
  }
}

std::optional<std::string> Input::String(std::string_view member, const StringRule& rule,
                                         bool required) {
  std::optional<std::string> value = Typed(member, GetString(body_, member), required);
  if (value) CheckString(member, *value, rule);
  return value;
}

std::optional<std::string> Input::Enum(std::string_view member,
                                       std::initializer_list<std::string_view> values) {
  std::optional<std::string> value = String(member, StringRule{});
  if (!value) return value;
  std::vector<std::string> allowed(values.begin(), values.end());
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return value;
  Violation(member, Quoted(*value), EnumConstraint(allowed));
  return std::nullopt;
}

std::optional<int64_t> Input::Int(std::string_view member, int64_t min, int64_t max,
                                  bool required) {
  std::optional<int64_t> value = Typed(member, GetInt(body_, member), required);
  if (value && *value < min) {
    Violation(member, Quoted(std::to_string(*value)),
              "Member must have value greater than or equal to " + std::to_string(min));
  } else if (value && *value > max) {
    Violation(member, Quoted(std::to_string(*value)),
              "Member must have value less than or equal to " + std::to_string(max));
  }
  return value;
}

std::optional<bool> Input::Bool(std::string_view member) {
  return Typed(member, GetBool(body_, member), /*required=*/false);
}

std::optional<std::vector<std::string>> Input::StringList(std::string_view member,
                                                          const StringRule& item, size_t min_items,
                                                          size_t max_items, bool required) {
  const boost::json::value* raw = Raw(member, required);
  if (raw == nullptr) return std::nullopt;
  const std::string what = "'" + std::string(member) + "'";
  if (!raw->is_array()) {
    TypeError(Error{400, "SerializationException", "Value for " + what + " must be a list"});
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::string shown;
  for (const boost::json::value& element : raw->as_array()) {
    if (!element.is_string()) {
      TypeError(Error{400, "SerializationException", "Members of " + what + " must be strings"});
      return std::nullopt;
    }
    out.emplace_back(element.as_string());
    shown += (shown.empty() ? "" : ", ") + out.back();
  }
  CheckLength(member, "'[" + shown + "]'", out.size(), min_items, max_items);
  for (const std::string& value : out) CheckString(member, value, item);
  return out;
}

std::optional<Tags> Input::TagMap(std::string_view member, bool required) {
  const boost::json::value* raw = Raw(member, required);
  if (raw == nullptr) return std::nullopt;
  const std::string what = "'" + std::string(member) + "'";
  if (!raw->is_object()) {
    TypeError(Error{400, "SerializationException", "Value for " + what + " must be a map"});
    return std::nullopt;
  }
  Tags tags;
  for (const auto& [key, value] : raw->as_object()) {
    if (!value.is_string()) {
      TypeError(Error{400, "SerializationException", "Tag values of " + what + " must be strings"});
      return std::nullopt;
    }
    tags[std::string(key)] = std::string(value.as_string());
  }
  CheckLength(member, "'{...}'", tags.size(), 1, kMaxTags);
  for (const auto& [key, value] : tags) {
    CheckString(std::string(member) + ".key", key, kTagKeyRule);
    CheckString(std::string(member) + "." + key + ".member", value, kTagValueRule);
  }
  return tags;
}

std::string EnumConstraint(const std::vector<std::string>& values) {
  std::string set;
  for (const std::string& value : values) set += (set.empty() ? "" : ", ") + value;
  return "Member must satisfy enum value set: [" + set + "]";
}

std::optional<GroupRef> ParseGroupArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:logs:";
  if (!arn.starts_with(kPrefix)) return std::nullopt;
  arn.remove_prefix(kPrefix.size());
  size_t region_end = arn.find(':');
  if (region_end == std::string_view::npos || region_end == 0) return std::nullopt;
  std::string_view region = arn.substr(0, region_end);
  arn.remove_prefix(region_end + 1);
  size_t account_end = arn.find(':');
  if (account_end == std::string_view::npos) return std::nullopt;
  arn.remove_prefix(account_end + 1);
  constexpr std::string_view kGroup = "log-group:";
  if (!arn.starts_with(kGroup)) return std::nullopt;
  arn.remove_prefix(kGroup.size());
  if (arn.ends_with(":*")) arn.remove_suffix(2);
  if (arn.empty() || arn.find(':') != std::string_view::npos) return std::nullopt;
  return GroupRef{std::string(region), std::string(arn)};
}

GroupRef ReadGroup(Input& input, const std::string& region, bool allow_identifier) {
  std::optional<std::string> name =
      input.String("logGroupName", kLogGroupNameRule, /*required=*/!allow_identifier);
  if (!allow_identifier) return GroupRef{region, name.value_or("")};
  std::optional<std::string> identifier =
      input.String("logGroupIdentifier", kLogGroupIdentifierRule);
  if (name && identifier) {
    input.Fail(
        InvalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters."));
  } else if (!name && !identifier) {
    input.Fail(InvalidParameter("Either logGroupName or logGroupIdentifier must be specified."));
  } else if (identifier) {
    if (identifier->starts_with("arn:")) {
      std::optional<GroupRef> group = ParseGroupArn(*identifier);
      if (group) return *group;
      input.Fail(InvalidParameter("The specified logGroupIdentifier is not a log group ARN: " +
                                  *identifier));
    }
    return GroupRef{region, *identifier};
  }
  return GroupRef{region, name.value_or("")};
}

std::string EncodeToken(std::string_view payload) { return Base64Encode(payload); }

Result<std::string> DecodeToken(std::string_view token) {
  std::optional<std::string> payload = Base64Decode(token);
  if (!payload) return InvalidToken();
  return *payload;
}

}  // namespace kumo::logs

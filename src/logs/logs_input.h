// Request reading for the CloudWatch Logs operations: typed member reads
// that check the model's constraints and report violations the way AWS
// does ("1 validation error detected: Value 'a b' at 'logGroupName' failed
// to satisfy constraint: Member must satisfy regular expression pattern:
// ..."), pagination tokens, and log group names or ARNs. Private to src/logs.
// Thread-safety: an Input is used by one thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "logs/log_store.h"

namespace kumo::logs {

// A string shape of the model: length bounds and a pattern, checked byte
// by byte by `allowed` (nullptr: any byte) and shown as `pattern`.
struct StringRule {
  size_t min_length = 0;
  size_t max_length = SIZE_MAX;
  std::string_view pattern;
  bool (*allowed)(unsigned char) = nullptr;
};

extern const StringRule kLogGroupNameRule;         // LogGroupName
extern const StringRule kLogGroupNamePatternRule;  // LogGroupNamePattern (may be empty)
extern const StringRule kLogStreamNameRule;        // LogStreamName
extern const StringRule kLogGroupIdentifierRule;   // LogGroupIdentifier (name or ARN)
extern const StringRule kResourceArnRule;          // AmazonResourceName
extern const StringRule kTagKeyRule;
extern const StringRule kNextTokenRule;

Error InvalidParameter(std::string message);  // 400 InvalidParameterException
Error InvalidToken();                         // "The specified nextToken is invalid."

class Input {
 public:
  // `path` prefixes member names in messages ("logEvents.1.member.").
  explicit Input(const boost::json::object& body, std::string path = "")
      : body_(body), path_(std::move(path)) {}

  std::optional<std::string> String(std::string_view member, const StringRule& rule,
                                    bool required = false);
  std::optional<std::string> Enum(std::string_view member,
                                  std::initializer_list<std::string_view> values);
  std::optional<int64_t> Int(std::string_view member, int64_t min, int64_t max,
                             bool required = false);
  std::optional<bool> Bool(std::string_view member);
  std::optional<std::vector<std::string>> StringList(std::string_view member,
                                                     const StringRule& item, size_t min_items,
                                                     size_t max_items, bool required = false);
  // A Tags map: 1 to 50 entries, keys and values checked.
  std::optional<Tags> TagMap(std::string_view member, bool required = false);
  // The member as it came, or nullptr; `required` records a violation when absent.
  const boost::json::value* Raw(std::string_view member, bool required = false);

  // Records "Value <shown> at '<member>' failed to satisfy constraint: <constraint>".
  void Violation(std::string_view member, std::string shown, std::string_view constraint);
  // Records an error to report when there is no violation.
  void Fail(Error error);
  // The first type error (400 SerializationException), else every
  // violation as one 400 InvalidParameterException, else the first Fail.
  Status Check() const;

 private:
  void TypeError(Error error);
  // The value of a typed read; a type error or a missing required member is recorded.
  template <typename T>
  std::optional<T> Typed(std::string_view member, Result<std::optional<T>> value, bool required);
  void CheckLength(std::string_view member, const std::string& shown, size_t length, size_t min,
                   size_t max);
  void CheckString(std::string_view member, const std::string& value, const StringRule& rule);

  const boost::json::object& body_;
  const std::string path_;
  std::optional<Error> type_error_;
  std::optional<Error> error_;
  std::vector<std::string> violations_;
};

// "Member must satisfy enum value set: [a, b]".
std::string EnumConstraint(const std::vector<std::string>& values);

// The group a request names by logGroupName or, when `allow_identifier`,
// logGroupIdentifier (a name or an ARN, whose region then wins). Exactly one
// must be given; problems are recorded in `input`.
GroupRef ReadGroup(Input& input, const std::string& region, bool allow_identifier);
// Parses arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
std::optional<GroupRef> ParseGroupArn(std::string_view arn);

// Opaque pagination tokens: base64 of what the operation needs to resume.
std::string EncodeToken(std::string_view payload);
Result<std::string> DecodeToken(std::string_view token);

}  // namespace kumo::logs

// FilterPattern: a compiled CloudWatch Logs filter pattern (FilterLogEvents'
// filterPattern), matched against event messages.
//
// Supported, as AWS documents them (all matching is case-sensitive):
//   - terms: `ERROR Exception` (every term occurs), `"exact phrase"`,
//     `?ERROR ?WARN` (at least one ?-term occurs), `-DEBUG` (does not
//     occur); kinds combine: required AND (any ?-term) AND NOT excluded.
//     `" "` matches every event.
//   - JSON: `{ $.level = "ERROR" }`, `{ $.latency > 100 && $.path = "/a*" }`,
//     selectors $.a.b[0], operators = != < > <= >=, && || and parentheses,
//     `IS TRUE|FALSE|NULL`, `NOT EXISTS`; `*` wildcards in string values.
//     Messages that are not JSON never match.
// Not supported (InvalidParameterException saying so): space-delimited
// patterns `[ip, user, ...]` and regular expressions `%...%`.
//
// Thread-safety: immutable after Parse; Matches may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kumo::logs {

namespace filter_internal {
struct JsonNode;
}

class FilterPattern {
 public:
  // A blank pattern matches everything. Errors are 400
  // InvalidParameterException naming what is wrong.
  static Result<FilterPattern> Parse(std::string_view pattern);

  bool Matches(std::string_view message) const;
  bool MatchesEverything() const { return !json_ && terms_.empty(); }

 private:
  enum class TermKind { kRequired, kOptional, kExcluded };
  struct Term {
    TermKind kind;
    std::string text;
  };
  static Result<std::vector<Term>> ParseTerms(std::string_view pattern);

  std::vector<Term> terms_;
  std::shared_ptr<const filter_internal::JsonNode> json_;
};

}  // namespace kumo::logs

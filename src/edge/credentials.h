// CredentialStore: the access keys Kumo accepts and their secrets.
//
// Loaded once at start-up from an AWS shared-credentials file (the INI format
// of ~/.aws/credentials) or, when no file is given, the conventional local
// test credentials (access key "test", secret "test"). The edge looks up the
// secret for a request's access key before verifying its SigV4 signature.
//
// File format, as the AWS CLI and botocore read it:
//   [default]                       a profile; "[profile name]" is accepted too
//   aws_access_key_id = AKID        keys are case-insensitive; '=' or ':'
//   aws_secret_access_key = SECRET
//   # comment, ; comment            whole-line comments only
// Other keys (region, aws_session_token, role_arn, ...) and indented
// continuation lines are ignored. A profile without keys is skipped; a profile
// with only one of the two is an error.
//
// Thread-safety: immutable after construction; concurrent const calls are safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace kumo::edge {

class CredentialStore {
 public:
  CredentialStore() = default;

  // Access key "test" with secret "test", what local AWS tooling configures.
  static CredentialStore Default();

  // Parses shared-credentials text. `origin` (a path) prefixes every error
  // message, with the 1-based line: "creds.ini:7: expected 'key = value'".
  static Result<CredentialStore> Parse(std::string_view text, std::string_view origin);

  // Reads and parses the file at `path`; errors name the path (and line).
  static Result<CredentialStore> LoadFile(const std::string& path);

  // The secret for `access_key`, or nullopt when the key is unknown.
  std::optional<std::string_view> SecretFor(std::string_view access_key) const;

  size_t size() const { return secrets_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // access key -> secret key
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> secrets_;
};

}  // namespace kumo::edge

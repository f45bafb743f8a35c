#include "edge/credentials.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>
#include <utility>

#include "common/encoding.h"

namespace kumo::edge {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// One profile while it is being read.
struct Profile {
  std::string name;
  size_t line = 0;  // of its [header]
  std::string access_key;
  std::string secret_key;
};

}  // namespace

CredentialStore CredentialStore::Default() {
  CredentialStore store;
  store.secrets_.emplace("test", "test");
  return store;
}

Result<CredentialStore> CredentialStore::Parse(std::string_view text, std::string_view origin) {
  CredentialStore store;
  auto error_at = [&](size_t line, const std::string& message) {
    return InvalidArgument(std::string(origin) + ":" + std::to_string(line) + ": " + message);
  };
  // Adds a finished profile's pair; a profile with neither key (a role or SSO
  // profile) contributes nothing.
  auto finish = [&](const Profile& p) -> Status {
    if (p.access_key.empty() && p.secret_key.empty()) return Status::Ok();
    if (p.access_key.empty() || p.secret_key.empty()) {
      return error_at(p.line, "profile '" + p.name + "' needs both aws_access_key_id and " +
                                  "aws_secret_access_key");
    }
    auto [it, inserted] = store.secrets_.emplace(p.access_key, p.secret_key);
    if (!inserted && it->second != p.secret_key) {
      return error_at(p.line, "profile '" + p.name + "' gives access key '" + p.access_key +
                                  "' a different secret than an earlier profile");
    }
    return Status::Ok();
  };

  std::optional<Profile> profile;
  std::unordered_set<std::string> seen_profiles;
  bool in_value = false;  // the previous line was a key = value: indented lines continue it
  size_t line_number = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t newline = rest.find('\n');
    std::string_view raw = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    ++line_number;
    std::string_view line = TrimAsciiSpace(raw);
    if (line.empty()) {
      in_value = false;
      continue;
    }
    if (line.front() == '#' || line.front() == ';') continue;
    // An indented line right after a value continues it (nested settings such
    // as "s3 =\n  max_concurrent_requests = 20"); none of them matter here.
    if (in_value && IsBlank(raw.front()) && line.front() != '[') continue;
    in_value = false;

    if (line.front() == '[') {
      if (line.back() != ']') return error_at(line_number, "unterminated profile header");
      std::string_view name = TrimAsciiSpace(line.substr(1, line.size() - 2));
      if (name.substr(0, 8) == "profile " || name.substr(0, 8) == "profile\t") {
        name = TrimAsciiSpace(name.substr(8));
      }
      if (name.empty()) return error_at(line_number, "empty profile name");
      if (profile) KUMO_RETURN_IF_ERROR(finish(*profile));
      if (!seen_profiles.emplace(name).second) {
        return error_at(line_number, "duplicate profile '" + std::string(name) + "'");
      }
      profile = Profile{std::string(name), line_number, "", ""};
      continue;
    }

    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) return error_at(line_number, "expected 'key = value'");
    std::string key = AsciiLower(TrimAsciiSpace(line.substr(0, sep)));
    std::string_view value = TrimAsciiSpace(line.substr(sep + 1));
    if (key.empty()) return error_at(line_number, "expected 'key = value'");
    if (!profile) return error_at(line_number, "'" + key + "' is outside a [profile] section");
    in_value = true;
    if (key == "aws_access_key_id") {
      profile->access_key = value;
    } else if (key == "aws_secret_access_key") {
      profile->secret_key = value;
    }
  }
  if (profile) KUMO_RETURN_IF_ERROR(finish(*profile));
  return store;
}

Result<CredentialStore> CredentialStore::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return InvalidArgument(path + ": read failed: " + std::strerror(errno));
  return Parse(text.str(), path);
}

std::optional<std::string_view> CredentialStore::SecretFor(std::string_view access_key) const {
  auto it = secrets_.find(access_key);
  if (it == secrets_.end()) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace kumo::edge

#include "logs/log_keys.h"

#include <cstdint>
#include <cstdio>
#include <initializer_list>

namespace kumo::logs {
namespace keys {
namespace {

constexpr char kGroupTag = 'G';
constexpr char kStreamTag = 'S';
constexpr char kEventTag = 'E';
constexpr char kMetaTag = 'M';

void AppendName(std::string& out, std::string_view name) {
  for (char c : name) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\x01');
}

// Reads one escaped name from the front of `in`, consuming it.
std::optional<std::string> ReadName(std::string_view& in) {
  std::string name;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\0') {
      name.push_back(in[i]);
      continue;
    }
    if (i + 1 >= in.size()) return std::nullopt;
    if (in[i + 1] == '\x01') {
      in.remove_prefix(i + 2);
      return name;
    }
    if (in[i + 1] != '\xff') return std::nullopt;
    name.push_back('\0');
    ++i;
  }
  return std::nullopt;
}

std::string Tagged(char tag, std::initializer_list<std::string_view> names) {
  std::string out(1, tag);
  for (std::string_view name : names) AppendName(out, name);
  return out;
}

std::optional<Names> ParseNames(std::string_view key, char tag, int count) {
  if (key.empty() || key[0] != tag) return std::nullopt;
  key.remove_prefix(1);
  Names names;
  std::string* fields[] = {&names.region, &names.group, &names.stream};
  for (int i = 0; i < count; ++i) {
    std::optional<std::string> name = ReadName(key);
    if (!name) return std::nullopt;
    *fields[i] = std::move(*name);
  }
  if (!key.empty()) return std::nullopt;
  return names;
}

}  // namespace

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

uint64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  return value;
}

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;  // empty: no upper bound
}

std::string GroupKey(std::string_view region, std::string_view group) {
  return Tagged(kGroupTag, {region, group});
}
std::string GroupPrefix() { return std::string(1, kGroupTag); }

std::string StreamKey(std::string_view region, std::string_view group, std::string_view stream) {
  return Tagged(kStreamTag, {region, group, stream});
}
std::string StreamPrefix(std::string_view region, std::string_view group) {
  return Tagged(kStreamTag, {region, group});
}
std::string StreamPrefixAll() { return std::string(1, kStreamTag); }

std::string EventPrefix(std::string_view region, std::string_view group, std::string_view stream) {
  return Tagged(kEventTag, {region, group, stream});
}
std::string GroupEventPrefix(std::string_view region, std::string_view group) {
  return Tagged(kEventTag, {region, group});
}

std::string EventSuffix(EventPosition position) {
  std::string out;
  AppendBigEndian64(out, static_cast<uint64_t>(position.timestamp));
  AppendBigEndian64(out, position.sequence);
  return out;
}

std::string SequenceKey() { return std::string(1, kMetaTag) + "seq"; }

std::optional<Names> ParseGroupKey(std::string_view key) { return ParseNames(key, kGroupTag, 2); }
std::optional<Names> ParseStreamKey(std::string_view key) { return ParseNames(key, kStreamTag, 3); }

std::optional<EventPosition> ParseEventPosition(std::string_view key, size_t prefix_size) {
  if (key.size() != prefix_size + 16) return std::nullopt;
  key.remove_prefix(prefix_size);
  return EventPosition{static_cast<int64_t>(ReadBigEndian64(key)), ReadBigEndian64(key.substr(8))};
}

}  // namespace keys

std::string FormatPosition(EventPosition position) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%036llu%020llu",
                static_cast<unsigned long long>(position.timestamp),
                static_cast<unsigned long long>(position.sequence));
  return buffer;
}

std::optional<EventPosition> ParsePosition(std::string_view digits) {
  if (digits.size() != 56) return std::nullopt;
  auto parse = [](std::string_view text) -> std::optional<uint64_t> {
    uint64_t value = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      uint64_t digit = static_cast<uint64_t>(c - '0');
      if (value > (UINT64_MAX - digit) / 10) return std::nullopt;  // overflow
      value = value * 10 + digit;
    }
    return value;
  };
  std::optional<uint64_t> ts = parse(digits.substr(0, 36));
  std::optional<uint64_t> seq = parse(digits.substr(36));
  if (!ts || !seq || *ts > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return EventPosition{static_cast<int64_t>(*ts), *seq};
}

}  // namespace kumo::logs

#include "common/json_text.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace kumo {
namespace {

// True if one of the 8 bytes of `w` needs escaping: below 0x20, '"' or '\\'.
// (x - 0x01..01 * n) & ~x & 0x80..80 is non-zero exactly when a byte of x is
// below n (n <= 0x80): a byte at or above 0x80 never counts, having its high
// bit set in x.
bool AnyNeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto below = [](uint64_t x, uint64_t n) { return (x - kOnes * n) & ~x & kHigh; };
  return (below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1)) != 0;
}

}  // namespace

void AppendJsonEscaped(std::string_view text, std::string& out) {
  // Runs of characters that need no escaping are copied whole: on the
  // GetItem path most strings have no escapes at all.
  static constexpr auto kNeedsEscape = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[c] = true;
    table['"'] = table['\\'] = true;
    return table;
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* run = p;
    for (uint64_t w; end - p >= 8; p += 8) {  // a word at a time while nothing needs escaping
      std::memcpy(&w, p, sizeof w);
      if (AnyNeedsEscape(w)) break;
    }
    while (p < end && !kNeedsEscape[static_cast<unsigned char>(*p)]) ++p;
    out.append(run, p - run);
    if (p == end) break;
    unsigned char c = static_cast<unsigned char>(*p++);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(escape, sizeof(escape));
      }
    }
  }
}

void AppendJsonString(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  AppendJsonEscaped(text, out);
  out += '"';
}

std::string FormatDouble(double value) {
  std::array<char, 64> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  std::string text(buf.data(), ec == std::errc() ? end : buf.data());
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

}  // namespace kumo

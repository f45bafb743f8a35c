// Byte encodings and digests shared by every module: hex, base64, SHA-256,
// HMAC-SHA256, MD5, and random identifiers. Thread-safe, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kumo {

std::string HexEncode(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
// Returns nullopt when `text` is not valid (padded, standard-alphabet) base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Raw digests (binary); hex-encode for display.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Md5(std::string_view data);

// A random RFC 4122 version 4 UUID, lower-case: AWS request ids look like
// this. Unique, not secret: it comes from a fast per-thread generator seeded
// from the OS; use RandomHex for tokens.
std::string NewUuid();
// `n` random bytes, hex-encoded (2n characters), from OpenSSL's CSPRNG: for
// tokens and anything else that must not be guessed.
std::string RandomHex(size_t n);
// Like RandomHex, from NewUuid's fast per-thread generator: for identifiers
// that must be unique but need not be secret (trace ids, request ids).
std::string FastRandomHex(size_t n);
// The same `n` bytes, raw.
std::string FastRandomBytes(size_t n);

// ASCII letters lower-cased, every other byte as it is: for names that are
// ASCII by definition (header names, keywords), without std::tolower's
// locale.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view text);
inline char AsciiUpper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}
std::string AsciiUpper(std::string_view text);
// Equality with ASCII letters' case ignored (header names, keywords).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Whether `text` starts with `prefix`, ASCII case ignored.
inline bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}
// `text` without its leading and trailing spaces, tabs, CRs and LFs.
std::string_view TrimAsciiSpace(std::string_view text);

// Escapes &, <, >, " and ' for XML text and attributes.
std::string XmlEscape(std::string_view text);

// Constant-time equality, for comparing signatures and tokens.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kumo

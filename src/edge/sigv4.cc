#include "edge/sigv4.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/encoding.h"

namespace kumo::edge {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool IsS3(std::string_view service) { return service == "s3"; }

// Splits off the text before the first `sep`; `rest` keeps what follows it.
std::string_view NextToken(std::string_view& rest, char sep) {
  size_t at = rest.find(sep);
  std::string_view token = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  return token;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// 20150830T123600Z -> epoch millis, or -1. Allocation-free: it runs on every
// signed request.
int64_t ParseBasicDate(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return -1;
  auto number = [&](size_t pos, size_t len) {
    int64_t n = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return int64_t{-1};
      n = n * 10 + (text[i] - '0');
    }
    return n;
  };
  const int64_t year = number(0, 4), month = number(4, 2), day = number(6, 2);
  const int64_t hour = number(9, 2), minute = number(11, 2), second = number(13, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60) {
    return -1;
  }
  const int64_t seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000;
}

// RFC 7231 IMF-fixdate ("Sun, 30 Aug 2015 12:36:00 GMT") -> epoch millis, or -1.
int64_t ParseHttpDate(std::string_view text) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  // "Sun, 30 Aug 2015 12:36:00 GMT": fixed offsets.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return -1;
  size_t month = kMonths.find(text.substr(8, 3));
  if (month == std::string_view::npos || month % 3 != 0) return -1;
  char basic[17];
  std::snprintf(basic, sizeof basic, "%.4s%02d%.2sT%.2s%.2s%.2sZ", text.data() + 12,
                static_cast<int>(month / 3 + 1), text.data() + 5, text.data() + 17,
                text.data() + 20, text.data() + 23);
  if (text[19] != ':' || text[22] != ':') return -1;
  return ParseBasicDate(basic);
}

std::string BadDateMessage(std::string_view value) {
  return "Date must be in ISO-8601 'basic format'. Got '" + std::string(value) +
         "'. See http://en.wikipedia.org/wiki/ISO_8601";
}

// Fills date, region, service and access key from "AKID/20150830/us-east-1/svc/aws4_request".
std::optional<std::string> ParseCredential(std::string_view credential, SigV4Auth& auth) {
  std::string_view parts[5];
  std::string_view rest = credential;
  size_t count = 0;
  while (count < 5 && !rest.empty()) parts[count++] = NextToken(rest, '/');
  if (count != 5 || !rest.empty() || credential.back() == '/') {
    return "Credential must have exactly 5 slash-delimited elements, e.g. "
           "keyid/date/region/service/term, got '" +
           std::string(credential) + "'";
  }
  if (parts[4] != kTerminator) {
    return "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
           std::string(parts[4]) + "'.";
  }
  if (parts[2].empty())
    return std::string("Credential should be scoped to a valid region, not ''.");
  if (parts[3].empty())
    return std::string("Credential should be scoped to a valid service, not ''.");
  auth.access_key = parts[0];
  auth.date = parts[1];
  auth.region = parts[2];
  auth.service = parts[3];
  return std::nullopt;
}

SigV4ParseResult Malformed(SigV4FailureKind kind, std::string message) {
  return SigV4ParseResult{std::nullopt, SigV4Failure{kind, std::move(message)}};
}

SigV4ParseResult ParseHeader(const Request& request, std::string_view header) {
  std::string_view value = TrimAsciiSpace(header);
  std::string_view rest = value;
  std::string_view algorithm = NextToken(rest, ' ');
  std::string_view credential, signed_headers, signature;
  bool has_credential = false, has_signed_headers = false, has_signature = false;
  while (!rest.empty()) {
    std::string_view part = TrimAsciiSpace(NextToken(rest, ','));
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = TrimAsciiSpace(part.substr(0, eq));
    std::string_view val = TrimAsciiSpace(part.substr(eq + 1));
    if (key == "Credential") {
      credential = val, has_credential = true;
    } else if (key == "SignedHeaders") {
      signed_headers = val, has_signed_headers = true;
    } else if (key == "Signature") {
      signature = val, has_signature = true;
    }
  }
  std::optional<std::string_view> amz_date = request.headers.Get("x-amz-date");
  std::optional<std::string_view> http_date = request.headers.Get("date");

  std::string missing;
  if (!has_credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!has_signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!has_signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!amz_date && !http_date) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) {
    return Malformed(SigV4FailureKind::kMalformedHeader,
                     missing + "Authorization=" + std::string(value));
  }
  if (algorithm != kAlgorithm) {
    return Malformed(SigV4FailureKind::kMalformedHeader,
                     "Unsupported AWS 'algorithm': '" + std::string(algorithm) + "'");
  }

  SigV4Auth auth;
  if (auto error = ParseCredential(credential, auth)) {
    return Malformed(SigV4FailureKind::kMalformedHeader, std::move(*error));
  }
  std::string_view date_text = TrimAsciiSpace(amz_date ? *amz_date : *http_date);
  int64_t millis = ParseBasicDate(date_text);
  if (millis < 0 && !amz_date) millis = ParseHttpDate(date_text);
  if (millis < 0) return Malformed(SigV4FailureKind::kMalformedHeader, BadDateMessage(date_text));
  auth.signed_headers = signed_headers;
  auth.signature = signature;
  // A well-formed X-Amz-Date is already in the canonical form (no re-format
  // on every request); an HTTP Date is converted.
  auth.amz_date = amz_date && date_text.size() == 16 ? std::string(date_text) : FormatAmzDate(millis);
  auth.amz_date_millis = millis;
  if (auto token = request.headers.Get("x-amz-security-token")) {
    auth.security_token = TrimAsciiSpace(*token);
  }
  return SigV4ParseResult{std::move(auth), std::nullopt};
}

// The presigned parameters, still percent-encoded, as found in the raw query.
struct PresignedParams {
  std::optional<std::string_view> algorithm, credential, date, expires, signed_headers, signature,
      token;
  bool any() const { return algorithm || credential || signature; }
};

PresignedParams ScanQuery(std::string_view raw_query) {
  PresignedParams p;
  std::string_view rest = raw_query;
  while (!rest.empty()) {
    std::string_view part = NextToken(rest, '&');
    size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    if (key.size() < 6 || key.substr(0, 6) != "X-Amz-") continue;
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    std::string_view name = key.substr(6);
    std::optional<std::string_view>* slot = name == "Algorithm"        ? &p.algorithm
                                            : name == "Credential"     ? &p.credential
                                            : name == "Date"           ? &p.date
                                            : name == "Expires"        ? &p.expires
                                            : name == "SignedHeaders"  ? &p.signed_headers
                                            : name == "Signature"      ? &p.signature
                                            : name == "Security-Token" ? &p.token
                                                                       : nullptr;
    if (slot != nullptr && !slot->has_value()) *slot = value;
  }
  return p;
}

std::string Decoded(std::string_view raw) {
  std::optional<std::string> decoded = PercentDecode(raw, /*plus_as_space=*/false);
  return decoded ? std::move(*decoded) : std::string(raw);
}

SigV4ParseResult ParseQuery(const PresignedParams& p) {
  const std::pair<const std::optional<std::string_view>*, const char*> required[] = {
      {&p.algorithm, "X-Amz-Algorithm"}, {&p.credential, "X-Amz-Credential"},
      {&p.signature, "X-Amz-Signature"}, {&p.signed_headers, "X-Amz-SignedHeaders"},
      {&p.date, "X-Amz-Date"},
  };
  for (const auto& [param, name] : required) {
    if (!param->has_value()) {
      return Malformed(SigV4FailureKind::kMalformedQuery,
                       std::string("AWS query-string parameters must include '") + name +
                           "'. Re-examine the query-string parameters.");
    }
  }
  if (Decoded(*p.algorithm) != kAlgorithm) {
    return Malformed(SigV4FailureKind::kMalformedQuery,
                     "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  SigV4Auth auth;
  auth.presigned = true;
  std::string credential = Decoded(*p.credential);
  if (auto error = ParseCredential(credential, auth)) {
    return Malformed(SigV4FailureKind::kMalformedQuery, std::move(*error));
  }
  std::string date = Decoded(*p.date);
  auth.amz_date_millis = ParseBasicDate(date);
  if (auth.amz_date_millis < 0)
    return Malformed(SigV4FailureKind::kMalformedQuery, BadDateMessage(date));
  auth.amz_date = std::move(date);
  if (p.expires) {
    std::string_view text = *p.expires;
    int64_t seconds = 0;
    bool digits = !text.empty() && text.size() <= 12;
    for (char c : text) {
      digits = digits && c >= '0' && c <= '9';
      seconds = seconds * 10 + (c - '0');
    }
    if (!digits)
      return Malformed(SigV4FailureKind::kMalformedQuery, "X-Amz-Expires should be a number");
    if (seconds > kMaxPresignExpiresSeconds) {
      return Malformed(SigV4FailureKind::kMalformedQuery,
                       "X-Amz-Expires must be less than a week (in seconds) that is; 604800");
    }
    auth.expires_seconds = seconds;
  } else if (IsS3(auth.service)) {
    return Malformed(SigV4FailureKind::kMalformedQuery,
                     "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                     "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                     "X-Amz-Expires parameters.");
  }
  auth.signed_headers = Decoded(*p.signed_headers);
  auth.signature = Decoded(*p.signature);
  if (p.token) auth.security_token = Decoded(*p.token);
  return SigV4ParseResult{std::move(auth), std::nullopt};
}

// RFC 3986 5.2.4 dot-segment removal plus AWS's collapsing of empty segments,
// as botocore's remove_dot_segments does it.
std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::string_view rest = path;
  while (!rest.empty()) {
    std::string_view segment = NextToken(rest, '/');
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out += '/';
  return out.empty() ? "/" : out;
}

std::string CanonicalUri(const Request& request, const SigV4Auth& auth) {
  if (IsS3(auth.service)) {
    std::string decoded = Decoded(request.raw_path);
    return decoded.empty() ? "/" : PercentEncode(decoded, /*keep_slash=*/true);
  }
  return PercentEncode(NormalizePath(request.raw_path), /*keep_slash=*/true);
}

std::string CanonicalQuery(const Request& request, const SigV4Auth& auth) {
  std::vector<std::pair<std::string, std::string>> params;
  std::string_view rest = request.raw_query;
  while (!rest.empty()) {
    std::string_view part = NextToken(rest, '&');
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = Decoded(part.substr(0, eq));
    if (auth.presigned && key == "X-Amz-Signature") continue;
    std::string value = eq == std::string_view::npos ? "" : Decoded(part.substr(eq + 1));
    params.emplace_back(PercentEncode(key, false), PercentEncode(value, false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

// Appends `value` trimmed, with each run of spaces and tabs as one space.
void AppendTrimmedValue(std::string& out, std::string_view value) {
  value = TrimAsciiSpace(value);
  bool in_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
  }
}

std::string PayloadHash(const Request& request, const SigV4Auth& auth) {
  if (auto header = request.headers.Get("x-amz-content-sha256")) {
    return std::string(TrimAsciiSpace(*header));
  }
  if (auth.presigned && IsS3(auth.service)) return std::string(kUnsignedPayload);
  return HexEncode(Sha256(request.body));
}

bool IsHexSha256(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

// "Signature expired: <t> is now earlier than <now - n> (<now> - <n> min.)" and its mirror.
std::string TimeMessage(const SigV4Auth& auth, int64_t now_millis, int64_t window_millis) {
  std::string minutes = std::to_string(window_millis / 60000);
  if (auth.amz_date_millis < now_millis) {
    return "Signature expired: " + auth.amz_date + " is now earlier than " +
           FormatAmzDate(now_millis - window_millis) + " (" + FormatAmzDate(now_millis) + " - " +
           minutes + " min.)";
  }
  return "Signature not yet current: " + auth.amz_date + " is still later than " +
         FormatAmzDate(now_millis + window_millis) + " (" + FormatAmzDate(now_millis) + " + " +
         minutes + " min.)";
}

std::optional<SigV4Failure> CheckTime(const SigV4Auth& auth, int64_t now_millis) {
  int64_t t = auth.amz_date_millis;
  if (t - now_millis > kMaxClockSkewMillis) {
    return SigV4Failure{SigV4FailureKind::kRequestTimeSkewed,
                        TimeMessage(auth, now_millis, kMaxClockSkewMillis)};
  }
  if (auth.presigned && auth.expires_seconds >= 0) {
    // S3 honours X-Amz-Expires exactly; other services never expire a
    // signature before their usual 15-minute window.
    int64_t lifetime = auth.expires_seconds * 1000;
    if (!IsS3(auth.service)) lifetime = std::max(lifetime, kMaxClockSkewMillis);
    if (now_millis - t > lifetime) {
      return SigV4Failure{SigV4FailureKind::kPresignExpired,
                          TimeMessage(auth, now_millis, lifetime)};
    }
    return std::nullopt;
  }
  if (now_millis - t > kMaxClockSkewMillis) {
    return SigV4Failure{SigV4FailureKind::kRequestTimeSkewed,
                        TimeMessage(auth, now_millis, kMaxClockSkewMillis)};
  }
  return std::nullopt;
}

constexpr std::string_view kMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

}  // namespace

SigV4ParseResult ParseSigV4(const Request& request) {
  std::optional<std::string_view> header = request.headers.Get("authorization");
  PresignedParams query = ScanQuery(request.raw_query);
  if (header && query.any()) {
    return Malformed(SigV4FailureKind::kMalformedHeader,
                     "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                     "Signature query string parameter or the Authorization header should be "
                     "specified");
  }
  if (header) return ParseHeader(request, *header);
  if (query.any()) return ParseQuery(query);
  return SigV4ParseResult{};
}

std::string CanonicalRequest(const Request& request, const SigV4Auth& auth) {
  std::string out = request.method;
  out += '\n';
  out += CanonicalUri(request, auth);
  out += '\n';
  out += CanonicalQuery(request, auth);
  out += '\n';
  std::string_view names = auth.signed_headers;
  while (!names.empty()) {
    std::string_view name = NextToken(names, ';');
    out += name;
    out += ':';
    bool first = true;
    for (std::string_view value : request.headers.GetAll(name)) {
      if (!first) out += ',';
      first = false;
      AppendTrimmedValue(out, value);
    }
    out += '\n';
  }
  out += '\n';
  out += auth.signed_headers;
  out += '\n';
  out += PayloadHash(request, auth);
  return out;
}

std::string StringToSign(const SigV4Auth& auth, std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += auth.amz_date;
  out += '\n';
  out += auth.date + '/' + auth.region + '/' + auth.service + '/';
  out += kTerminator;
  out += '\n';
  out += HexEncode(Sha256(canonical_request));
  return out;
}

std::string SigningKey(std::string_view secret_key, std::string_view date, std::string_view region,
                       std::string_view service) {
  // Keys change once a day per (secret, region, service); a few dozen entries
  // cover any realistic mix, and clearing when full keeps the bound simple.
  static constexpr size_t kMaxEntries = 64;
  thread_local std::unordered_map<std::string, std::string> cache;
  std::string cache_key;
  cache_key.reserve(secret_key.size() + date.size() + region.size() + service.size() + 3);
  cache_key.append(secret_key).append(1, '\n').append(date).append(1, '\n');
  cache_key.append(region).append(1, '\n').append(service);
  if (auto it = cache.find(cache_key); it != cache.end()) return it->second;
  std::string key = HmacSha256("AWS4" + std::string(secret_key), date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, kTerminator);
  if (cache.size() >= kMaxEntries) cache.clear();
  cache.emplace(std::move(cache_key), key);
  return key;
}

std::string ComputeSignature(std::string_view secret_key, const SigV4Auth& auth,
                             std::string_view string_to_sign) {
  return HexEncode(
      HmacSha256(SigningKey(secret_key, auth.date, auth.region, auth.service), string_to_sign));
}

std::optional<SigV4Failure> VerifySigV4(const Request& request, const SigV4Auth& auth,
                                        std::string_view secret_key, int64_t now_millis) {
  std::string_view amz_day = std::string_view(auth.amz_date).substr(0, 8);
  if (auth.date != amz_day) {
    return SigV4Failure{SigV4FailureKind::kSignatureMismatch,
                        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                        "of date from HTTP: '" +
                            auth.date + "' != '" + std::string(amz_day) + "', from '" +
                            auth.amz_date + "'."};
  }
  if (auto failure = CheckTime(auth, now_millis)) return failure;
  std::string expected =
      ComputeSignature(secret_key, auth, StringToSign(auth, CanonicalRequest(request, auth)));
  if (!ConstantTimeEquals(expected, auth.signature)) {
    return SigV4Failure{SigV4FailureKind::kSignatureMismatch, std::string(kMismatchMessage)};
  }
  // The signature covers the declared hash, not the body: check they agree.
  if (auto declared = request.headers.Get("x-amz-content-sha256")) {
    std::string_view hash = TrimAsciiSpace(*declared);
    if (IsHexSha256(hash) && !EqualsIgnoreCase(hash, HexEncode(Sha256(request.body)))) {
      return SigV4Failure{SigV4FailureKind::kPayloadHashMismatch,
                          "The provided 'x-amz-content-sha256' header does not match what was "
                          "computed."};
    }
  }
  return std::nullopt;
}

Error AuthError(Protocol protocol, const std::string& service, const SigV4Failure& failure) {
  const std::string& message = failure.message;
  auto with_default = [&](std::string_view fallback) {
    return message.empty() ? std::string(fallback) : message;
  };
  if (protocol == Protocol::kRestXml || IsS3(service)) {
    switch (failure.kind) {
      case SigV4FailureKind::kMalformedHeader:
        return Error{400, "AuthorizationHeaderMalformed",
                     "The authorization header is malformed; " + with_default("invalid header")};
      case SigV4FailureKind::kMalformedQuery:
        return Error{400, "AuthorizationQueryParametersError", with_default("Invalid query")};
      case SigV4FailureKind::kSignatureMismatch:
        return Error{403, "SignatureDoesNotMatch",
                     "The request signature we calculated does not match the signature you "
                     "provided. Check your key and signing method."};
      case SigV4FailureKind::kUnknownAccessKey:
        return Error{403, "InvalidAccessKeyId",
                     "The AWS Access Key Id you provided does not exist in our records."};
      case SigV4FailureKind::kRequestTimeSkewed:
        return Error{403, "RequestTimeTooSkewed",
                     "The difference between the request time and the current time is too large."};
      case SigV4FailureKind::kPresignExpired:
        return Error{403, "AccessDenied", "Request has expired"};
      case SigV4FailureKind::kMissingAuthentication:
        return Error{403, "AccessDenied", "Access Denied"};
      case SigV4FailureKind::kPayloadHashMismatch:
        return Error{400, "XAmzContentSHA256Mismatch",
                     "The provided 'x-amz-content-sha256' header does not match what was "
                     "computed."};
    }
  }
  // JSON services (DynamoDB) answer every authentication error with 400; the
  // REST-JSON ones (Lambda) with 403; query services (STS) 400 for a malformed
  // signature and 403 otherwise.
  const bool query = protocol == Protocol::kQuery;
  const int status = protocol == Protocol::kJson ? 400 : 403;
  const char* mismatch_code = query ? "SignatureDoesNotMatch" : "InvalidSignatureException";
  switch (failure.kind) {
    case SigV4FailureKind::kMalformedHeader:
    case SigV4FailureKind::kMalformedQuery:
      return Error{query ? 400 : status,
                   query ? "IncompleteSignature" : "IncompleteSignatureException",
                   with_default("The request signature does not conform to AWS standards.")};
    case SigV4FailureKind::kUnknownAccessKey:
      return Error{status, query ? "InvalidClientTokenId" : "UnrecognizedClientException",
                   with_default("The security token included in the request is invalid.")};
    case SigV4FailureKind::kSignatureMismatch:
    case SigV4FailureKind::kRequestTimeSkewed:
    case SigV4FailureKind::kPresignExpired:
      return Error{status, mismatch_code, with_default(kMismatchMessage)};
    case SigV4FailureKind::kPayloadHashMismatch:
      return Error{status, mismatch_code, std::string(kMismatchMessage)};
    case SigV4FailureKind::kMissingAuthentication:
      return Error{status,
                   query ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException",
                   protocol == Protocol::kRestJson ? "Missing Authentication Token"
                                                   : "Request is missing Authentication Token"};
  }
  return Error{status, mismatch_code, std::string(kMismatchMessage)};
}

Status AuthenticateSigV4(const Request& request, Protocol protocol,
                         const CredentialStore& credentials, int64_t now_millis) {
  SigV4ParseResult parsed = ParseSigV4(request);
  if (parsed.failure) return AuthError(protocol, "", *parsed.failure);
  if (!parsed.auth) {
    return AuthError(protocol, "", SigV4Failure{SigV4FailureKind::kMissingAuthentication, ""});
  }
  const SigV4Auth& auth = *parsed.auth;
  std::optional<std::string_view> secret = credentials.SecretFor(auth.access_key);
  if (!secret) {
    return AuthError(protocol, auth.service, SigV4Failure{SigV4FailureKind::kUnknownAccessKey, ""});
  }
  if (auto failure = VerifySigV4(request, auth, *secret, now_millis)) {
    return AuthError(protocol, auth.service, *failure);
  }
  return Status::Ok();
}

}  // namespace kumo::edge

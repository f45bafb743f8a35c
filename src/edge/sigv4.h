// AWS Signature Version 4: parsing and verification of signed requests.
//
// Two steps, because routing needs the first without the second:
//   1. ParseSigV4 reads the Authorization header or the presigned query
//      (X-Amz-Algorithm, X-Amz-Credential, ...) into a SigV4Auth. It is cheap
//      (one pass, no allocation beyond the result's strings) because the
//      router calls it on every request to route by the credential scope's
//      service and region, even when authentication is off.
//   2. VerifySigV4 rebuilds the canonical request exactly as AWS does, derives
//      the signing key (cached) and compares signatures in constant time.
//
// Failures are a small SigV4Failure (kind + message); AuthError maps one to
// the code, HTTP status and message the calling service's protocol uses on AWS
// (DynamoDB's InvalidSignatureException, STS's SignatureDoesNotMatch, S3's
// RequestTimeTooSkewed, ...).
//
// Only AWS API traffic should be parsed: API Gateway user traffic carries its
// own Authorization header (a JWT, a Lambda authorizer token), which is not a
// malformed signature.
//
// Thread-safety: every function is safe to call from any thread. The
// signing-key cache is per thread (no locks on the hot path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "edge/credentials.h"
#include "edge/http_types.h"
#include "edge/service.h"

namespace kumo::edge {

// A signature as the client sent it, well formed but not yet verified.
struct SigV4Auth {
  std::string access_key;      // "AKIDEXAMPLE"
  std::string date;            // credential-scope date, "20150830"
  std::string region;          // "us-east-1"
  std::string service;         // credential-scope service, "dynamodb"
  std::string signed_headers;  // as sent, lower case, ';'-separated: "host;x-amz-date"
  std::string signature;       // hex, as sent
  // The request time in ISO 8601 basic form ("20150830T123600Z"), from
  // X-Amz-Date (header or presigned query), else from the Date header.
  std::string amz_date;
  int64_t amz_date_millis = 0;   // the same instant, epoch milliseconds
  bool presigned = false;        // from the query string, not the header
  int64_t expires_seconds = -1;  // X-Amz-Expires; -1 when absent (header auth)
  std::string security_token;    // X-Amz-Security-Token (header or query), or empty
};

enum class SigV4FailureKind {
  kMalformedHeader,        // Authorization header incomplete or malformed (400)
  kMalformedQuery,         // presigned query parameters incomplete or malformed (400)
  kSignatureMismatch,      // the signature does not match (includes scope-date mismatch)
  kUnknownAccessKey,       // no secret for the access key (set by the caller)
  kRequestTimeSkewed,      // request time more than 15 minutes from now
  kPresignExpired,         // presigned URL used after X-Amz-Date + X-Amz-Expires
  kPayloadHashMismatch,    // x-amz-content-sha256 is a hash and the body differs
  kMissingAuthentication,  // unsigned request where a signature is required
};

struct SigV4Failure {
  SigV4FailureKind kind;
  // The message AWS's JSON and query services give; AuthError substitutes S3's
  // own wording where S3 differs. May be empty (AuthError fills the default).
  std::string message;
};

// The outcome of ParseSigV4. At most one of `auth` and `failure` is set;
// neither means the request is unsigned, which is not an error here (the
// router decides whether unsigned requests are allowed).
struct SigV4ParseResult {
  std::optional<SigV4Auth> auth;
  std::optional<SigV4Failure> failure;
};

// Reads the signature from the Authorization header or, failing that, from
// presigned query parameters (read from `raw_query`). A request with both is
// malformed, as on S3. Never reads the body.
SigV4ParseResult ParseSigV4(const Request& request);

// The maximum distance between the request time and now, and the longest
// presigned lifetime AWS accepts.
inline constexpr int64_t kMaxClockSkewMillis = 15 * 60 * 1000;
inline constexpr int64_t kMaxPresignExpiresSeconds = 7 * 24 * 3600;

// The canonical request AWS builds for `request` signed as `auth`: method,
// canonical URI (non-S3: dot segments and empty segments removed from the raw
// path, then URI-encoded again, so each segment ends up encoded twice; S3: the
// decoded path encoded once), canonical query (every parameter decoded and
// re-encoded, sorted by key then value, X-Amz-Signature left out when
// presigned), the signed headers' trimmed values, the signed-header list and
// the payload hash (x-amz-content-sha256 when sent, else UNSIGNED-PAYLOAD for
// presigned S3, else the body's SHA-256).
std::string CanonicalRequest(const Request& request, const SigV4Auth& auth);

// "AWS4-HMAC-SHA256\n<amz_date>\n<date>/<region>/<service>/aws4_request\n<hex sha256>".
std::string StringToSign(const SigV4Auth& auth, std::string_view canonical_request);

// The raw 32-byte key HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
// service), "aws4_request"), from a small per-thread cache keyed by all four.
std::string SigningKey(std::string_view secret_key, std::string_view date, std::string_view region,
                       std::string_view service);

// Lower-case hex HMAC-SHA256 of `string_to_sign` under the signing key.
std::string ComputeSignature(std::string_view secret_key, const SigV4Auth& auth,
                             std::string_view string_to_sign);

// Checks `auth` against `request` for the holder of `secret_key`, at
// `now_millis`. Returns nullopt when the signature is valid; otherwise the
// first failure in the order AWS checks: scope date, request time (or
// presigned expiry), signature, then payload hash.
std::optional<SigV4Failure> VerifySigV4(const Request& request, const SigV4Auth& auth,
                                        std::string_view secret_key, int64_t now_millis);

// The error the service answers with on AWS: code, HTTP status and message
// for `failure` under `protocol` (S3 when `protocol` is kRestXml or `service`
// is "s3").
Error AuthError(Protocol protocol, const std::string& service, const SigV4Failure& failure);

// The whole check for a service that requires signatures, for the router's
// Authenticator: parse, refuse unsigned requests, look the access key up in
// `credentials`, verify at `now_millis`. Returns the error in the shape of
// `protocol` when the request must be refused.
Status AuthenticateSigV4(const Request& request, Protocol protocol,
                         const CredentialStore& credentials, int64_t now_millis);

}  // namespace kumo::edge

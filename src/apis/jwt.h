// JWT authorizer core for HTTP APIs: decoding a compact JWS, public keys from
// a JWKS, signature verification (OpenSSL 3 EVP) and the claim checks API
// Gateway's JWT authorizer applies. No I/O: keys come from the caller
// (jwks_cache.h fetches them).
//
// Also home of AuthFailure/AuthOutcome, the refusal every HTTP API authorizer
// (JWT and Lambda) answers with.
//
// Supported algorithms: RS256, RS384, RS512 (RSA keys), ES256 (EC P-256) and
// ES384 (EC P-384); ES signatures are the JWS form, raw r||s. Anything else
// ("none", HS256, PS256, ...) is refused as AWS refuses it.
//
// Refusals, as API Gateway sends them:
//   401 {"message":"Unauthorized"} with
//       www-authenticate: Bearer scope="" error="invalid_token" error_description="..."
//       (a token that is malformed, has no/unknown kid, a wrong alg or
//       signature, or a failing iss/aud/exp/nbf/iat check). For an empty token
//       the header is just `Bearer` (RFC 6750 §3.1: no error code when no
//       credentials were sent).
//   403 {"message":"Forbidden"} with
//       www-authenticate: Bearer scope="<route scopes>" error="insufficient_scope" ...
//       when the route has AuthorizationScopes and the token holds none of them.
// Only "the token does not have a valid audience" is a description AWS
// documents; the other descriptions are Kumo's, in the same style.
//
// Thread-safety: values and free functions; JsonWebKey is immutable and may
// be shared across threads.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/status.h"

namespace kumo::apis {

// How an HTTP API authorizer refuses a request.
struct AuthFailure {
  int status = 401;              // 401, 403 or 500
  std::string www_authenticate;  // the header's value; empty: no header
  std::string reason;            // for logs ($context.authorizer.error); not sent

  // "Unauthorized", "Forbidden" or "Internal Server Error", by status: the
  // answer's {"message": ...} and $context.error.message.
  std::string_view Message() const;

  static AuthFailure Unauthorized(std::string reason, std::string www_authenticate = {});
  static AuthFailure Forbidden(std::string reason, std::string www_authenticate = {});
  static AuthFailure InternalError(std::string reason);
};

// Either a T or an AuthFailure. Preconditions as for Result<T>.
template <typename T>
class [[nodiscard]] AuthOutcome {
 public:
  AuthOutcome(T value) : v_(std::move(value)) {}                // NOLINT: implicit on purpose
  AuthOutcome(AuthFailure failure) : v_(std::move(failure)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const AuthFailure& failure() const { return std::get<1>(v_); }

 private:
  std::variant<T, AuthFailure> v_;
};

// 401 with `Bearer scope="" error="invalid_token" error_description="<description>"`.
AuthFailure InvalidTokenFailure(std::string description);

// base64url without padding (RFC 7515 §2). Decode refuses padding, '+', '/'
// and anything outside the alphabet.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// One public key of a JWKS.
class JsonWebKey {
 public:
  // RSA: "n" and "e". EC: "crv" ("P-256" or "P-384"), "x", "y". "kid" and
  // "alg" are optional. Fails with 400 InvalidArgument naming the problem.
  static Result<JsonWebKey> FromJson(const boost::json::object& jwk);

  const std::string& kid() const;
  const std::string& kty() const;  // "RSA" or "EC"
  const std::string& alg() const;  // "" when the JWK names none

  // True when `alg` is one this key can verify: the key's type and curve
  // fit, and the JWK's own "alg", if any, is the same.
  bool Accepts(std::string_view alg) const;
  // Verifies a JWS signature over `signing_input` (base64url header "."
  // base64url payload). False on a bad signature or an alg the key does not
  // accept.
  bool Verify(std::string_view alg, std::string_view signing_input,
              std::string_view signature) const;

  struct Impl;

 private:
  explicit JsonWebKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Parses a JWKS document {"keys":[...]}. Keys that cannot verify JWS
// signatures here (other kty or curve, "use" other than "sig") are skipped,
// as identity providers publish encryption keys beside signing keys. Fails
// (400) when the text is not a JWKS.
Result<std::vector<JsonWebKey>> ParseJwks(std::string_view json);

// A compact JWS split and decoded, not yet verified.
struct DecodedJwt {
  boost::json::object header;
  boost::json::object claims;
  std::string alg;
  std::string kid;            // "" when the header has none
  std::string signing_input;  // header "." payload, as received
  std::string signature;      // raw bytes
};

// Decodes `token`, which may carry a "Bearer " prefix (any case), as an
// identity source value may. Refuses (401, see above) an empty or malformed
// token and an unsupported "alg".
AuthOutcome<DecodedJwt> DecodeJwt(std::string_view token);

// The authorizer's JwtConfiguration and the route's AuthorizationScopes.
struct JwtValidation {
  std::string issuer;                        // `iss` must equal it
  std::vector<std::string> audiences;        // `aud` (or `client_id` when no aud) must be one
  std::vector<std::string> required_scopes;  // empty: no scope check
};

// What the integration sees as requestContext.authorizer.jwt.
struct JwtAuthorization {
  // Every claim, stringified as API Gateway does: strings as they are,
  // numbers and booleans as JSON writes them ("1700000000", "true"), arrays
  // as "[a b]", objects as "map[k:v]" (keys sorted), null as "null".
  std::map<std::string, std::string> claims;
  // From `scope` (space-separated) or else `scp` (string or array).
  std::vector<std::string> scopes;
};

// Checks, in API Gateway's order: a key in `keys` whose kid equals the
// token's; the key accepts the alg; the signature; iss; aud or client_id;
// exp (required, must be after now); nbf and iat (optional, must not be after
// now); then the scopes (403 when none of required_scopes is held).
// `now_seconds` is the Unix time; no clock skew is allowed.
AuthOutcome<JwtAuthorization> ValidateJwt(const DecodedJwt& token,
                                          const std::vector<JsonWebKey>& keys,
                                          const JwtValidation& validation, int64_t now_seconds);

// The claim stringification described at JwtAuthorization::claims.
std::string ClaimToString(const boost::json::value& value);

}  // namespace kumo::apis

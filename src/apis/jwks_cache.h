// JwksCache: the signing keys of OpenID Connect issuers, fetched over HTTP and
// cached, for HTTP API JWT authorizers; and AuthorizeJwt, the whole JWT
// authorizer (decode, keys, signature and claim checks) on top of it.
//
// Discovery as API Gateway does it: GET {issuer}/.well-known/openid-configuration
// (a trailing '/' of the issuer is dropped first), then GET its "jwks_uri".
// Both must answer 200 with JSON. Only http:// issuers and jwks_uris can be
// fetched (HttpClient speaks no TLS); an https:// issuer fails like an
// unreachable one.
//
// Caching, per issuer: keys are kept for `ttl`, then fetched again when next
// asked for. A token whose kid is not among fresh keys triggers a refetch
// when the last fetch began at least `min_refresh_interval` ago (so a rotated
// key is picked up within that interval, and a flood of made-up kids costs
// at most one fetch per interval). Concurrent requests
// for one issuer share a single fetch. A failed fetch is not cached: each
// waiter gets the error (AuthorizeJwt answers 401) and the next request tries
// again.
//
// Threading: every method may be called from any thread. Callbacks run
// either inline, before the call returns (cache hit), or on the HttpClient's
// executor. Pending fetches keep the cache's state alive, so the JwksCache
// object itself may be destroyed with fetches in flight.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "apis/http_client.h"
#include "apis/jwt.h"
#include "common/clock.h"
#include "common/status.h"

namespace kumo::apis {

struct JwksCacheOptions {
  std::chrono::seconds ttl{2 * 3600};
  std::chrono::seconds min_refresh_interval{30};
  std::chrono::milliseconds fetch_timeout{5000};  // per HTTP request
  size_t max_document_bytes = 1024 * 1024;
};

using JwksKeys = std::shared_ptr<const std::vector<JsonWebKey>>;

class JwksCache {
 public:
  // `clock` must outlive the cache and its fetches.
  JwksCache(HttpClient client, const Clock& clock, JwksCacheOptions options = {});
  ~JwksCache();
  JwksCache(const JwksCache&) = delete;
  JwksCache& operator=(const JwksCache&) = delete;

  using KeysCallback = std::function<void(Result<JwksKeys>)>;

  // The issuer's keys, fetched when absent or stale, or refetched (rate
  // limited) when none has `kid` ("" asks for no particular kid). The keys
  // given may still lack `kid`: the caller decides what that means. Fails
  // with 502 (unreachable, not 200, not JSON, no jwks_uri, not a JWKS) or the
  // HttpClient's error.
  void GetKeys(const std::string& issuer, const std::string& kid, KeysCallback done);

  const Clock& clock() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// The JWT authorizer: decodes `identity_value` (the token, "Bearer " prefix
// allowed), gets the issuer's keys from `cache` and validates the token as
// ValidateJwt does, at the cache's clock. A failed key fetch is a 401. `done`
// runs once, inline or on the HttpClient's executor.
void AuthorizeJwt(JwksCache& cache, const JwtValidation& validation,
                  std::string_view identity_value,
                  std::function<void(AuthOutcome<JwtAuthorization>)> done);

}  // namespace kumo::apis

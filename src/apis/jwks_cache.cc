#include "apis/jwks_cache.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace kumo::apis {
namespace json = boost::json;

namespace {

Error FetchError(std::string message) { return Error(502, "JwksFetchFailed", std::move(message)); }

bool HasKid(const JwksKeys& keys, const std::string& kid) {
  return std::any_of(keys->begin(), keys->end(),
                     [&](const JsonWebKey& key) { return key.kid() == kid; });
}

}  // namespace

struct JwksCache::State : std::enable_shared_from_this<JwksCache::State> {
  struct Entry {
    JwksKeys keys;                      // null until the first fetch succeeds
    int64_t fetched_at = 0;             // monotonic ns of the last success
    std::optional<int64_t> last_fetch;  // monotonic ns the last fetch began
    std::vector<KeysCallback> waiters;  // non-empty while a fetch runs
  };

  State(HttpClient c, const Clock& k, JwksCacheOptions o)
      : client(std::move(c)), clock(k), options(o) {}

  void GetKeys(const std::string& issuer, const std::string& kid, KeysCallback done) {
    JwksKeys ready;
    bool start = false;
    {
      std::lock_guard lock(mu);
      Entry& entry = entries[issuer];
      int64_t now = clock.MonotonicNanos();
      if (!entry.waiters.empty()) {
        entry.waiters.push_back(std::move(done));
        return;
      }
      bool fresh = entry.keys && now - entry.fetched_at < Nanos(options.ttl);
      bool may_refresh =
          !entry.last_fetch || now - *entry.last_fetch >= Nanos(options.min_refresh_interval);
      if (fresh && (kid.empty() || HasKid(entry.keys, kid) || !may_refresh)) {
        ready = entry.keys;
      } else {
        entry.last_fetch = now;
        entry.waiters.push_back(std::move(done));
        start = true;
      }
    }
    if (ready) return done(std::move(ready));
    if (start) Fetch(issuer);
  }

  static int64_t Nanos(std::chrono::nanoseconds d) { return d.count(); }

  HttpClientRequest Get(std::string url) const {
    HttpClientRequest request;
    request.url = std::move(url);
    request.headers.Add("Accept", "application/json");
    request.timeout = options.fetch_timeout;
    request.max_response_body_bytes = options.max_document_bytes;
    return request;
  }

  // The body of a 200 answer.
  static Result<std::string> OkBody(const std::string& url, Result<HttpClientResponse> response) {
    if (!response.ok()) return FetchError(url + ": " + response.error().message);
    if (response->status != 200) {
      return FetchError(url + " answered " + std::to_string(response->status));
    }
    return std::move(response->body);
  }

  void Fetch(const std::string& issuer) {
    std::string base = issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string discovery = base + "/.well-known/openid-configuration";
    client.Send(Get(discovery), [self = shared_from_this(), issuer,
                                 discovery](Result<HttpClientResponse> response) {
      Result<std::string> body = OkBody(discovery, std::move(response));
      if (!body.ok()) return self->Complete(issuer, body.error());
      json::error_code ec;
      json::value doc = json::parse(*body, ec);
      const json::value* uri =
          !ec && doc.is_object() ? doc.get_object().if_contains("jwks_uri") : nullptr;
      if (uri == nullptr || !uri->is_string()) {
        return self->Complete(issuer, FetchError(discovery + " names no jwks_uri"));
      }
      self->FetchJwks(issuer, std::string(uri->get_string()));
    });
  }

  void FetchJwks(const std::string& issuer, const std::string& jwks_uri) {
    client.Send(Get(jwks_uri), [self = shared_from_this(), issuer,
                                jwks_uri](Result<HttpClientResponse> response) {
      Result<std::string> body = OkBody(jwks_uri, std::move(response));
      if (!body.ok()) return self->Complete(issuer, body.error());
      Result<std::vector<JsonWebKey>> keys = ParseJwks(*body);
      if (!keys.ok())
        return self->Complete(issuer, FetchError(jwks_uri + ": " + keys.error().message));
      self->Complete(issuer,
                     std::make_shared<const std::vector<JsonWebKey>>(std::move(keys).value()));
    });
  }

  void Complete(const std::string& issuer, Result<JwksKeys> result) {
    std::vector<KeysCallback> waiters;
    {
      std::lock_guard lock(mu);
      Entry& entry = entries[issuer];
      if (result.ok()) {
        entry.keys = result.value();
        entry.fetched_at = clock.MonotonicNanos();
      }
      waiters.swap(entry.waiters);
    }
    for (KeysCallback& waiter : waiters) waiter(result);
  }

  HttpClient client;
  const Clock& clock;
  const JwksCacheOptions options;
  std::mutex mu;
  std::map<std::string, Entry> entries;  // guarded by mu
};

JwksCache::JwksCache(HttpClient client, const Clock& clock, JwksCacheOptions options)
    : state_(std::make_shared<State>(std::move(client), clock, options)) {}

JwksCache::~JwksCache() = default;

void JwksCache::GetKeys(const std::string& issuer, const std::string& kid, KeysCallback done) {
  state_->GetKeys(issuer, kid, std::move(done));
}

const Clock& JwksCache::clock() const { return state_->clock; }

void AuthorizeJwt(JwksCache& cache, const JwtValidation& validation,
                  std::string_view identity_value,
                  std::function<void(AuthOutcome<JwtAuthorization>)> done) {
  AuthOutcome<DecodedJwt> decoded = DecodeJwt(identity_value);
  if (!decoded.ok()) return done(decoded.failure());
  if (decoded.value().kid.empty()) return done(InvalidTokenFailure("the token has no kid"));
  auto token = std::make_shared<const DecodedJwt>(std::move(decoded).value());
  const Clock& clock = cache.clock();
  cache.GetKeys(validation.issuer, token->kid,
                [token, validation, &clock, done = std::move(done)](Result<JwksKeys> keys) {
                  if (!keys.ok()) {
                    return done(InvalidTokenFailure("unable to fetch the issuer's signing keys"));
                  }
                  done(ValidateJwt(*token, *keys.value(), validation, clock.NowMillis() / 1000));
                });
}

}  // namespace kumo::apis

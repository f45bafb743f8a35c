// JwksCache and AuthorizeJwt against an identity provider served on port 0:
// discovery, shared fetches, refresh on an unknown kid (rate limited), TTL,
// and failed fetches answered 401.
#include "apis/jwks_cache.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "apis/auth_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::MakeKey;
using testing::SignJwt;
using testing::TestHttpServer;
using testing::TestKey;

constexpr int64_t kStart = 1700000000000;  // ms

// An OpenID provider: discovery at /.well-known/openid-configuration, keys at /jwks.
class FakeIssuer {
 public:
  FakeIssuer()
      : server_([this](const edge::Request& r) -> std::optional<edge::Response> {
          std::lock_guard lock(mu_);
          if (broken_) return edge::Response::Text(500, "down");
          if (r.path == "/.well-known/openid-configuration") {
            return edge::Response::Json(
                200, json::serialize(
                         json::object{{"issuer", issuer_}, {"jwks_uri", issuer_ + "/jwks"}}));
          }
          if (r.path == "/jwks") return edge::Response::Json(200, testing::JwksText(keys_));
          return edge::Response::Text(404, "no");
        }) {
    issuer_ = server_.base_url();
  }

  const std::string& issuer() const { return issuer_; }
  int discovery_hits() { return server_.hits("/.well-known/openid-configuration"); }
  int jwks_hits() { return server_.hits("/jwks"); }
  void set_keys(std::vector<TestKey> keys) {
    std::lock_guard lock(mu_);
    keys_ = std::move(keys);
  }
  void set_broken(bool broken) {
    std::lock_guard lock(mu_);
    broken_ = broken;
  }

 private:
  std::mutex mu_;
  std::vector<TestKey> keys_;
  bool broken_ = false;
  std::string issuer_;
  TestHttpServer server_;  // last: it calls into the members above
};

class JwksCacheTest : public ::testing::Test {
 protected:
  JwksCacheTest() : clock_(kStart), cache_(HttpClient(io_.get_executor()), clock_, Options()) {
    key_ = MakeKey("RS256", "k1");
    issuer_.set_keys({key_});
  }

  static JwksCacheOptions Options() {
    JwksCacheOptions options;
    options.ttl = std::chrono::seconds(3600);
    options.min_refresh_interval = std::chrono::seconds(30);
    return options;
  }

  std::string Token(const TestKey& key, json::object extra = {}) {
    json::object claims{{"iss", issuer_.issuer()},
                        {"aud", "app"},
                        {"exp", clock_.NowMillis() / 1000 + 3600},
                        {"scope", "read"}};
    for (const auto& member : extra) claims[member.key()] = member.value();
    return SignJwt(key, claims);
  }

  JwtValidation Validation() { return JwtValidation{issuer_.issuer(), {"app"}, {}}; }

  // Starts an authorization; its outcome lands in the returned slot once io_ runs.
  std::shared_ptr<std::optional<AuthOutcome<JwtAuthorization>>> Start(const std::string& token) {
    auto slot = std::make_shared<std::optional<AuthOutcome<JwtAuthorization>>>();
    AuthorizeJwt(cache_, Validation(), token,
                 [slot](AuthOutcome<JwtAuthorization> outcome) { slot->emplace(outcome); });
    return slot;
  }

  AuthOutcome<JwtAuthorization> Run(const std::string& token) {
    auto slot = Start(token);
    io_.restart();
    io_.run();
    EXPECT_TRUE(slot->has_value());
    return slot->has_value() ? **slot : AuthOutcome<JwtAuthorization>(AuthFailure{});
  }

  boost::asio::io_context io_;
  ManualClock clock_;
  FakeIssuer issuer_;
  JwksCache cache_;
  TestKey key_;
};

TEST_F(JwksCacheTest, FetchesKeysThroughDiscoveryAndAuthorizes) {
  AuthOutcome<JwtAuthorization> outcome = Run(Token(key_));
  ASSERT_TRUE(outcome.ok()) << outcome.failure().reason;
  EXPECT_EQ(outcome.value().claims.at("aud"), "app");
  EXPECT_EQ(outcome.value().scopes, std::vector<std::string>{"read"});
  EXPECT_EQ(issuer_.discovery_hits(), 1);
  EXPECT_EQ(issuer_.jwks_hits(), 1);
}

TEST_F(JwksCacheTest, ConcurrentRequestsShareOneFetchThenHitTheCacheInline) {
  std::vector<std::shared_ptr<std::optional<AuthOutcome<JwtAuthorization>>>> slots;
  for (int i = 0; i < 5; ++i) slots.push_back(Start(Token(key_)));
  io_.run();
  for (auto& slot : slots) {
    ASSERT_TRUE(slot->has_value());
    EXPECT_TRUE((*slot)->ok());
  }
  EXPECT_EQ(issuer_.discovery_hits(), 1);
  EXPECT_EQ(issuer_.jwks_hits(), 1);
  // Cached: answered before AuthorizeJwt returns, no I/O.
  auto slot = Start(Token(key_));
  ASSERT_TRUE(slot->has_value());
  EXPECT_TRUE((*slot)->ok());
  EXPECT_EQ(issuer_.jwks_hits(), 1);
}

TEST_F(JwksCacheTest, UnknownKidRefetchesAtMostOncePerInterval) {
  ASSERT_TRUE(Run(Token(key_)).ok());
  TestKey rotated = MakeKey("ES256", "k2");
  issuer_.set_keys({key_, rotated});
  // Right after a fetch, an unknown kid is refused without fetching again...
  ASSERT_FALSE(Run(Token(rotated)).ok());
  EXPECT_EQ(issuer_.jwks_hits(), 1);
  // ...and once the interval has passed, the rotated key is fetched.
  clock_.AdvanceMillis(30 * 1000);
  AuthOutcome<JwtAuthorization> outcome = Run(Token(rotated));
  ASSERT_TRUE(outcome.ok()) << outcome.failure().reason;
  EXPECT_EQ(issuer_.jwks_hits(), 2);
  // Made-up kids within the interval cost nothing more.
  TestKey stranger = MakeKey("RS256", "k3");
  for (int i = 0; i < 3; ++i) {
    AuthOutcome<JwtAuthorization> refused = Run(Token(stranger));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.failure().status, 401);
  }
  EXPECT_EQ(issuer_.jwks_hits(), 2);
  clock_.AdvanceMillis(30 * 1000);
  EXPECT_FALSE(Run(Token(stranger)).ok());
  EXPECT_EQ(issuer_.jwks_hits(), 3);
}

TEST_F(JwksCacheTest, KeysExpireAfterTheTtl) {
  ASSERT_TRUE(Run(Token(key_)).ok());
  clock_.AdvanceMillis(3599 * 1000);
  ASSERT_TRUE(Run(Token(key_)).ok());
  EXPECT_EQ(issuer_.jwks_hits(), 1);
  clock_.AdvanceMillis(1000);
  ASSERT_TRUE(Run(Token(key_)).ok());
  EXPECT_EQ(issuer_.jwks_hits(), 2);
  EXPECT_EQ(issuer_.discovery_hits(), 2);
}

TEST_F(JwksCacheTest, AFailedFetchIs401AndIsNotCached) {
  issuer_.set_broken(true);
  AuthOutcome<JwtAuthorization> refused = Run(Token(key_));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().status, 401);
  EXPECT_EQ(refused.failure().Message(), "Unauthorized");
  EXPECT_NE(refused.failure().www_authenticate.find("invalid_token"), std::string::npos);
  issuer_.set_broken(false);
  EXPECT_TRUE(Run(Token(key_)).ok());
  EXPECT_EQ(issuer_.discovery_hits(), 2);
}

TEST_F(JwksCacheTest, BadTokensAreRefusedWithoutFetching) {
  EXPECT_EQ(Run("").failure().status, 401);
  EXPECT_EQ(Run("garbage").failure().status, 401);
  EXPECT_EQ(Run(Token(key_, {}) + "x").failure().status, 401);  // fetches: the kid is fine
  EXPECT_EQ(issuer_.discovery_hits(), 1);
}

TEST_F(JwksCacheTest, ExpiredTokenFromAFreshCacheIs401) {
  ASSERT_TRUE(Run(Token(key_)).ok());
  std::string token = Token(key_, {{"exp", clock_.NowMillis() / 1000 + 5}});
  clock_.AdvanceMillis(5000);
  AuthOutcome<JwtAuthorization> refused = Run(token);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().reason, "the token has expired");
}

TEST(JwksCacheStandaloneTest, IssuerWithTrailingSlashAndHttpsIssuers) {
  FakeIssuer issuer;
  TestKey key = MakeKey("RS256", "k1");
  issuer.set_keys({key});
  boost::asio::io_context io;
  ManualClock clock(kStart);
  JwksCache cache(HttpClient(io.get_executor()), clock);
  std::optional<Result<JwksKeys>> keys;
  cache.GetKeys(issuer.issuer() + "/", "k1", [&](Result<JwksKeys> r) { keys.emplace(r); });
  io.run();
  ASSERT_TRUE(keys.has_value() && keys->ok());
  EXPECT_EQ(keys->value()->size(), 1u);
  keys.reset();
  cache.GetKeys("https://cognito-idp.us-east-1.amazonaws.com/pool", "k1",
                [&](Result<JwksKeys> r) { keys.emplace(r); });
  io.restart();
  io.run();
  ASSERT_TRUE(keys.has_value());
  ASSERT_FALSE(keys->ok());
  EXPECT_NE(keys->error().message.find("http://"), std::string::npos);
}

}  // namespace
}  // namespace kumo::apis

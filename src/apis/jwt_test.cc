// JWT decoding, JWKs, signatures and API Gateway's claim checks, with keys
// and tokens made by OpenSSL in the test. No network.
#include "apis/jwt.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "apis/auth_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::MakeKey;
using testing::SignJwt;
using testing::TestKey;

constexpr int64_t kNow = 1700000000;
constexpr char kIssuer[] = "http://127.0.0.1:9/issuer";

json::object GoodClaims() {
  return {{"iss", kIssuer},    {"aud", "client-1"}, {"sub", "user-1"},
          {"exp", kNow + 600}, {"iat", kNow - 10},  {"nbf", kNow - 10}};
}

JwtValidation Validation(std::vector<std::string> scopes = {}) {
  return JwtValidation{kIssuer, {"client-0", "client-1"}, std::move(scopes)};
}

std::vector<JsonWebKey> Keys(const std::vector<TestKey>& keys) {
  Result<std::vector<JsonWebKey>> parsed = ParseJwks(testing::JwksText(keys));
  EXPECT_TRUE(parsed.ok());
  return parsed.ok() ? parsed.value() : std::vector<JsonWebKey>{};
}

// Decodes and validates `token` against `keys`.
AuthOutcome<JwtAuthorization> Check(const std::string& token, const std::vector<TestKey>& keys,
                                    const JwtValidation& validation = Validation(),
                                    int64_t now = kNow) {
  AuthOutcome<DecodedJwt> decoded = DecodeJwt(token);
  if (!decoded.ok()) return decoded.failure();
  return ValidateJwt(decoded.value(), Keys(keys), validation, now);
}

// Asserts a 401 whose www-authenticate names `description`.
void ExpectInvalidToken(const AuthOutcome<JwtAuthorization>& outcome,
                        const std::string& description) {
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.failure().status, 401);
  EXPECT_EQ(outcome.failure().Message(), "Unauthorized");
  EXPECT_EQ(outcome.failure().www_authenticate,
            R"(Bearer scope="" error="invalid_token" error_description=")" + description + "\"");
}

TEST(Base64UrlTest, RoundTripsAndRefusesOtherAlphabets) {
  std::string bytes = "\xfb\xff\x00\x01 any bytes?";
  bytes += '\0';
  for (size_t n = 0; n <= bytes.size(); ++n) {
    std::string part = bytes.substr(0, n);
    std::string encoded = Base64UrlEncode(part);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), part);
  }
  EXPECT_FALSE(Base64UrlDecode("a+b/").has_value());
  EXPECT_FALSE(Base64UrlDecode("YQ==").has_value());
  EXPECT_FALSE(Base64UrlDecode("Y").has_value());
}

TEST(JsonWebKeyTest, ParsesRsaAndEcKeysAndTheirAlgs) {
  TestKey rsa = MakeKey("RS256", "r1");
  TestKey ec = MakeKey("ES256", "e1");
  Result<JsonWebKey> rsa_key = JsonWebKey::FromJson(rsa.jwk);
  Result<JsonWebKey> ec_key = JsonWebKey::FromJson(ec.jwk);
  ASSERT_TRUE(rsa_key.ok()) << rsa_key.error().message;
  ASSERT_TRUE(ec_key.ok()) << ec_key.error().message;
  EXPECT_EQ(rsa_key->kid(), "r1");
  EXPECT_EQ(rsa_key->kty(), "RSA");
  EXPECT_TRUE(rsa_key->Accepts("RS256"));
  EXPECT_TRUE(rsa_key->Accepts("RS512"));
  EXPECT_FALSE(rsa_key->Accepts("ES256"));
  EXPECT_FALSE(rsa_key->Accepts("HS256"));
  EXPECT_TRUE(ec_key->Accepts("ES256"));
  EXPECT_FALSE(ec_key->Accepts("ES384"));  // a P-256 key
  EXPECT_FALSE(ec_key->Accepts("RS256"));
  json::object pinned = rsa.jwk;
  pinned["alg"] = "RS384";
  Result<JsonWebKey> pinned_key = JsonWebKey::FromJson(pinned);
  ASSERT_TRUE(pinned_key.ok());
  EXPECT_FALSE(pinned_key->Accepts("RS256"));
  EXPECT_TRUE(pinned_key->Accepts("RS384"));
}

TEST(JsonWebKeyTest, RefusesBrokenKeys) {
  TestKey ec = MakeKey("ES256", "e1");
  json::object short_x = ec.jwk;
  short_x["x"] = Base64UrlEncode(std::string(31, 'a'));
  json::object off_curve = ec.jwk;
  off_curve["y"] = Base64UrlEncode(std::string(32, '\x01'));
  json::object no_n = MakeKey("RS256", "r1").jwk;
  no_n.erase("n");
  json::object oct{{"kty", "oct"}, {"k", "c2VjcmV0"}};
  json::object curve{{"kty", "EC"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}};
  for (const json::object& jwk : {short_x, off_curve, no_n, oct, curve}) {
    Result<JsonWebKey> key = JsonWebKey::FromJson(jwk);
    EXPECT_FALSE(key.ok()) << json::serialize(jwk);
  }
}

TEST(JsonWebKeyTest, JwksSkipsKeysItCannotUse) {
  TestKey rsa = MakeKey("RS256", "r1");
  json::object enc = MakeKey("RS256", "r2").jwk;
  enc["use"] = "enc";
  json::array keys{rsa.jwk, enc, json::object{{"kty", "oct"}, {"k", "c2VjcmV0"}}, "junk"};
  Result<std::vector<JsonWebKey>> parsed = ParseJwks(json::serialize(json::object{{"keys", keys}}));
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ(parsed->front().kid(), "r1");
  EXPECT_FALSE(ParseJwks("{}").ok());
  EXPECT_FALSE(ParseJwks("not json").ok());
}

TEST(JwtTest, ValidRs256TokenYieldsClaimsAsApiGatewayFlattensThem) {
  TestKey key = MakeKey("RS256", "r1");
  json::object claims = GoodClaims();
  claims["cognito:groups"] = json::array{"admin", "users"};
  claims["email_verified"] = true;
  claims["ratio"] = 1.5;
  claims["address"] = json::object{{"zip", "123"}, {"city", "X"}};
  claims["scope"] = "read write";
  AuthOutcome<JwtAuthorization> outcome = Check(SignJwt(key, claims), {key});
  ASSERT_TRUE(outcome.ok()) << outcome.failure().reason;
  const auto& out = outcome.value().claims;
  EXPECT_EQ(out.at("sub"), "user-1");
  EXPECT_EQ(out.at("exp"), std::to_string(kNow + 600));
  EXPECT_EQ(out.at("cognito:groups"), "[admin users]");
  EXPECT_EQ(out.at("email_verified"), "true");
  EXPECT_EQ(out.at("ratio"), "1.5");
  EXPECT_EQ(out.at("address"), "map[city:X zip:123]");
  EXPECT_EQ(out.at("scope"), "read write");
  EXPECT_EQ(outcome.value().scopes, (std::vector<std::string>{"read", "write"}));
}

TEST(JwtTest, ValidEs256TokenWithBearerPrefix) {
  TestKey key = MakeKey("ES256", "e1");
  AuthOutcome<JwtAuthorization> outcome =
      Check("Bearer " + SignJwt(key, GoodClaims()), {MakeKey("RS256", "r1"), key});
  ASSERT_TRUE(outcome.ok()) << outcome.failure().reason;
  EXPECT_EQ(outcome.value().claims.at("aud"), "client-1");
  EXPECT_TRUE(outcome.value().scopes.empty());
  EXPECT_TRUE(Check("bearer  " + SignJwt(key, GoodClaims()), {key}).ok());
}

TEST(JwtTest, OtherSupportedAlgorithmsVerify) {
  for (const char* alg : {"RS384", "RS512", "ES384"}) {
    TestKey key = MakeKey(alg, std::string("k-") + alg);
    AuthOutcome<JwtAuthorization> outcome = Check(SignJwt(key, GoodClaims()), {key});
    EXPECT_TRUE(outcome.ok()) << alg << ": " << (outcome.ok() ? "" : outcome.failure().reason);
  }
  // The header's alg must match how the token was signed.
  TestKey rs256 = MakeKey("RS256", "r1");
  ExpectInvalidToken(Check(SignJwt(rs256, GoodClaims(), {{"alg", "RS512"}}), {rs256}),
                     "the token does not have a valid signature");
}

TEST(JwtTest, TamperedTokensFailTheSignature) {
  for (const char* alg : {"RS256", "ES256"}) {
    TestKey key = MakeKey(alg, "k");
    std::string token = SignJwt(key, GoodClaims());
    json::object other = GoodClaims();
    other["sub"] = "admin";
    std::string forged_payload = Base64UrlEncode(json::serialize(other));
    size_t dot1 = token.find('.');
    size_t dot2 = token.find('.', dot1 + 1);
    std::string forged = token.substr(0, dot1 + 1) + forged_payload + token.substr(dot2);
    ExpectInvalidToken(Check(forged, {key}), "the token does not have a valid signature");
    // Signed by another key under the same kid.
    TestKey impostor = MakeKey(alg, "impostor");
    impostor.kid = "k";
    ExpectInvalidToken(Check(SignJwt(impostor, GoodClaims()), {key}),
                       "the token does not have a valid signature");
  }
  TestKey ec = MakeKey("ES256", "e1");
  std::string token = SignJwt(ec, GoodClaims());
  ExpectInvalidToken(Check(token.substr(0, token.size() - 4), {ec}),
                     "the token does not have a valid signature");
}

TEST(JwtTest, KidMustSelectAKeyOfTheRightType) {
  TestKey rsa = MakeKey("RS256", "r1");
  TestKey ec = MakeKey("ES256", "e1");
  ExpectInvalidToken(Check(SignJwt(rsa, GoodClaims(), {{"kid", "other"}}), {rsa}),
                     "no key of the issuer has the token's kid");
  json::object no_kid_header{{"kid", nullptr}};
  ExpectInvalidToken(Check(SignJwt(rsa, GoodClaims(), no_kid_header), {rsa}),
                     "the token has no kid");
  // An RS256 token naming the EC key's kid.
  ExpectInvalidToken(Check(SignJwt(rsa, GoodClaims(), {{"kid", "e1"}}), {rsa, ec}),
                     "signing method RS256 is invalid for the key");
}

TEST(JwtTest, UnsupportedAlgorithmsAndMalformedTokens) {
  TestKey rsa = MakeKey("RS256", "r1");
  json::object hs{{"alg", "HS256"}, {"kid", "r1"}};
  std::string hs_token = Base64UrlEncode(json::serialize(hs)) + "." +
                         Base64UrlEncode(json::serialize(GoodClaims())) + ".c2ln";
  ExpectInvalidToken(Check(hs_token, {rsa}), "signing method HS256 is invalid");
  json::object none{{"alg", "none"}};
  ExpectInvalidToken(Check(Base64UrlEncode(json::serialize(none)) + "." +
                               Base64UrlEncode(json::serialize(GoodClaims())) + ".",
                           {rsa}),
                     "signing method none is invalid");
  for (const char* bad : {"abc", "a.b", "a.b.c.d", "e30.e30.!!", "bm90IGpzb24.e30.AA"}) {
    ExpectInvalidToken(Check(bad, {rsa}), "the token is malformed");
  }
  AuthOutcome<JwtAuthorization> empty = Check("Bearer ", {rsa});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.failure().status, 401);
  EXPECT_EQ(empty.failure().www_authenticate, "Bearer");
}

TEST(JwtTest, IssuerAndAudienceChecks) {
  TestKey key = MakeKey("RS256", "r1");
  auto with = [&](const char* name, json::value value) {
    json::object claims = GoodClaims();
    if (value.is_null()) {
      claims.erase(name);
    } else {
      claims[name] = std::move(value);
    }
    return SignJwt(key, claims);
  };
  ExpectInvalidToken(Check(with("iss", "http://elsewhere"), {key}),
                     "the token does not have a valid issuer");
  ExpectInvalidToken(Check(with("iss", nullptr), {key}), "the token does not have a valid issuer");
  ExpectInvalidToken(Check(with("aud", "client-9"), {key}),
                     "the token does not have a valid audience");
  EXPECT_TRUE(Check(with("aud", json::array{"x", "client-0"}), {key}).ok());
  ExpectInvalidToken(Check(with("aud", json::array{"x", "y"}), {key}),
                     "the token does not have a valid audience");
  // client_id counts only when there is no aud.
  json::object client_only = GoodClaims();
  client_only.erase("aud");
  client_only["client_id"] = "client-1";
  EXPECT_TRUE(Check(SignJwt(key, client_only), {key}).ok());
  json::object both = GoodClaims();
  both["aud"] = "client-9";
  both["client_id"] = "client-1";
  ExpectInvalidToken(Check(SignJwt(key, both), {key}), "the token does not have a valid audience");
  ExpectInvalidToken(Check(with("aud", nullptr), {key}),
                     "the token does not have a valid audience");
}

TEST(JwtTest, TimeChecksUseTheGivenNowWithoutSkew) {
  TestKey key = MakeKey("RS256", "r1");
  std::string token = SignJwt(key, GoodClaims());
  EXPECT_TRUE(Check(token, {key}, Validation(), kNow + 599).ok());
  ExpectInvalidToken(Check(token, {key}, Validation(), kNow + 600), "the token has expired");
  ExpectInvalidToken(Check(token, {key}, Validation(), kNow - 11), "the token is not valid yet");
  json::object no_exp = GoodClaims();
  no_exp.erase("exp");
  ExpectInvalidToken(Check(SignJwt(key, no_exp), {key}), "the token does not have a valid exp");
  json::object future_iat = GoodClaims();
  future_iat.erase("nbf");
  future_iat["iat"] = kNow + 5;
  ExpectInvalidToken(Check(SignJwt(key, future_iat), {key}), "the token was issued in the future");
  json::object string_nbf = GoodClaims();
  string_nbf["nbf"] = "soon";
  ExpectInvalidToken(Check(SignJwt(key, string_nbf), {key}), "the token does not have a valid nbf");
}

TEST(JwtTest, RouteScopesNeedOneHeldScopeElse403) {
  TestKey key = MakeKey("RS256", "r1");
  json::object claims = GoodClaims();
  claims["scope"] = "pets:read profile";
  std::string token = SignJwt(key, claims);
  EXPECT_TRUE(Check(token, {key}, Validation({"pets:write", "pets:read"})).ok());
  AuthOutcome<JwtAuthorization> denied = Check(token, {key}, Validation({"pets:write", "admin"}));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.failure().status, 403);
  EXPECT_EQ(denied.failure().Message(), "Forbidden");
  EXPECT_EQ(denied.failure().www_authenticate,
            R"(Bearer scope="pets:write admin" error="insufficient_scope" )"
            R"(error_description="the token does not have a valid scope")");
  json::object scp = GoodClaims();
  scp["scp"] = json::array{"a", "pets:write"};
  AuthOutcome<JwtAuthorization> by_scp =
      Check(SignJwt(key, scp), {key}, Validation({"pets:write"}));
  ASSERT_TRUE(by_scp.ok());
  EXPECT_EQ(by_scp.value().scopes, (std::vector<std::string>{"a", "pets:write"}));
  EXPECT_FALSE(Check(SignJwt(key, GoodClaims()), {key}, Validation({"pets:write"})).ok());
}

TEST(JwtTest, ClaimToStringMatchesApiGatewayForms) {
  EXPECT_EQ(ClaimToString(json::parse(R"("s")")), "s");
  EXPECT_EQ(ClaimToString(json::parse("12")), "12");
  EXPECT_EQ(ClaimToString(json::parse("-3")), "-3");
  EXPECT_EQ(ClaimToString(json::parse("1700000000.0")), "1700000000");
  EXPECT_EQ(ClaimToString(json::parse("0.25")), "0.25");
  EXPECT_EQ(ClaimToString(json::parse("false")), "false");
  EXPECT_EQ(ClaimToString(json::parse("null")), "null");
  EXPECT_EQ(ClaimToString(json::parse(R"(["a",1,["b"]])")), "[a 1 [b]]");
  EXPECT_EQ(ClaimToString(json::parse("[]")), "[]");
}

}  // namespace
}  // namespace kumo::apis

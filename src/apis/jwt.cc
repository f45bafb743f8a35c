#include "apis/jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common/encoding.h"

namespace kumo::apis {
namespace json = boost::json;

// ---- AuthFailure ----------------------------------------------------------

std::string_view AuthFailure::Message() const {
  if (status == 401) return "Unauthorized";
  if (status == 403) return "Forbidden";
  return "Internal Server Error";
}

AuthFailure AuthFailure::Unauthorized(std::string reason, std::string www_authenticate) {
  return AuthFailure{401, std::move(www_authenticate), std::move(reason)};
}

AuthFailure AuthFailure::Forbidden(std::string reason, std::string www_authenticate) {
  return AuthFailure{403, std::move(www_authenticate), std::move(reason)};
}

AuthFailure AuthFailure::InternalError(std::string reason) {
  return AuthFailure{500, "", std::move(reason)};
}

AuthFailure InvalidTokenFailure(std::string description) {
  std::string header =
      R"(Bearer scope="" error="invalid_token" error_description=")" + description + "\"";
  return AuthFailure::Unauthorized(std::move(description), std::move(header));
}

// ---- base64url ------------------------------------------------------------

std::string Base64UrlEncode(std::string_view bytes) {
  std::string text = Base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string standard;
  standard.reserve(text.size() + 3);
  for (char c : text) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      standard += c;
    } else if (c == '-') {
      standard += '+';
    } else if (c == '_') {
      standard += '/';
    } else {
      return std::nullopt;
    }
  }
  while (standard.size() % 4 != 0) standard += '=';
  return Base64Decode(standard);
}

// ---- keys -----------------------------------------------------------------

namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

struct AlgInfo {
  std::string_view name;
  std::string_view kty;
  std::string_view crv;  // EC only
  const EVP_MD* (*digest)();
  size_t ec_coordinate_bytes;  // EC only
};

constexpr AlgInfo kAlgs[] = {
    {"RS256", "RSA", "", EVP_sha256, 0},      {"RS384", "RSA", "", EVP_sha384, 0},
    {"RS512", "RSA", "", EVP_sha512, 0},      {"ES256", "EC", "P-256", EVP_sha256, 32},
    {"ES384", "EC", "P-384", EVP_sha384, 48},
};

const AlgInfo* FindAlg(std::string_view alg) {
  for (const AlgInfo& info : kAlgs) {
    if (info.name == alg) return &info;
  }
  return nullptr;
}

Error KeyError(std::string message) { return InvalidArgument("invalid JWK: " + message); }

Result<std::string> Base64UrlMember(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr || !v->is_string()) return KeyError("missing \"" + std::string(name) + "\"");
  auto bytes = Base64UrlDecode(v->get_string());
  if (!bytes || bytes->empty()) return KeyError("\"" + std::string(name) + "\" is not base64url");
  return *bytes;
}

// Builds a public key from OSSL parameters ("RSA" or "EC").
Result<PkeyPtr> KeyFromParams(const char* type, OSSL_PARAM* params) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return KeyError(std::string("OpenSSL refused the ") + type + " key");
  }
  PkeyPtr key(raw);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr), EVP_PKEY_CTX_free);
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return KeyError(std::string("the ") + type + " public key is not valid");
  }
  return key;
}

Result<PkeyPtr> RsaKey(const json::object& jwk) {
  KUMO_ASSIGN_OR_RETURN(std::string n, Base64UrlMember(jwk, "n"));
  KUMO_ASSIGN_OR_RETURN(std::string e, Base64UrlMember(jwk, "e"));
  auto bn = [](const std::string& bytes) {
    return std::unique_ptr<BIGNUM, decltype(&BN_free)>(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()), nullptr),
        BN_free);
  };
  auto n_bn = bn(n);
  auto e_bn = bn(e);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      OSSL_PARAM_BLD_free);
  if (!n_bn || !e_bn || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) != 1) {
    return KeyError("cannot build the RSA key");
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()),
                                                                 OSSL_PARAM_free);
  if (!params) return KeyError("cannot build the RSA key");
  return KeyFromParams("RSA", params.get());
}

Result<PkeyPtr> EcKey(const json::object& jwk, std::string_view crv) {
  const AlgInfo* info = crv == "P-256" ? FindAlg("ES256") : FindAlg("ES384");
  KUMO_ASSIGN_OR_RETURN(std::string x, Base64UrlMember(jwk, "x"));
  KUMO_ASSIGN_OR_RETURN(std::string y, Base64UrlMember(jwk, "y"));
  // RFC 7518 §6.2.1.2: coordinates are the full size of the field.
  if (x.size() != info->ec_coordinate_bytes || y.size() != info->ec_coordinate_bytes) {
    return KeyError("\"x\"/\"y\" have the wrong length for " + std::string(crv));
  }
  std::string point = "\x04" + x + y;  // SEC1 uncompressed point
  char group[16];
  std::string_view group_name = crv == "P-256" ? "prime256v1" : "secp384r1";
  group_name.copy(group, sizeof(group) - 1);
  group[group_name.size()] = '\0';
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  return KeyFromParams("EC", params);
}

std::string OptionalString(const json::object& obj, std::string_view name) {
  const json::value* v = obj.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// JWS ECDSA signatures are r||s; OpenSSL verifies DER.
std::optional<std::string> EcdsaRawToDer(std::string_view raw, size_t coordinate_bytes) {
  if (raw.size() != 2 * coordinate_bytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(coordinate_bytes), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + coordinate_bytes, static_cast<int>(coordinate_bytes), nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  int len = i2d_ECDSA_SIG(sig, nullptr);
  std::string der(len > 0 ? len : 0, '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (len <= 0 || i2d_ECDSA_SIG(sig, &out) != len) der.clear();
  ECDSA_SIG_free(sig);
  if (der.empty()) return std::nullopt;
  return der;
}

}  // namespace

struct JsonWebKey::Impl {
  std::string kid;
  std::string kty;
  std::string alg;
  std::string crv;
  PkeyPtr key;
};

Result<JsonWebKey> JsonWebKey::FromJson(const json::object& jwk) {
  auto impl = std::make_shared<Impl>();
  impl->kty = OptionalString(jwk, "kty");
  impl->kid = OptionalString(jwk, "kid");
  impl->alg = OptionalString(jwk, "alg");
  if (impl->kty == "RSA") {
    KUMO_ASSIGN_OR_RETURN(impl->key, RsaKey(jwk));
  } else if (impl->kty == "EC") {
    impl->crv = OptionalString(jwk, "crv");
    if (impl->crv != "P-256" && impl->crv != "P-384") {
      return KeyError("unsupported curve \"" + impl->crv + "\"");
    }
    KUMO_ASSIGN_OR_RETURN(impl->key, EcKey(jwk, impl->crv));
  } else {
    return KeyError("unsupported kty \"" + impl->kty + "\"");
  }
  return JsonWebKey(std::move(impl));
}

const std::string& JsonWebKey::kid() const { return impl_->kid; }
const std::string& JsonWebKey::kty() const { return impl_->kty; }
const std::string& JsonWebKey::alg() const { return impl_->alg; }

bool JsonWebKey::Accepts(std::string_view alg) const {
  const AlgInfo* info = FindAlg(alg);
  if (info == nullptr || info->kty != impl_->kty) return false;
  if (info->kty == "EC" && info->crv != impl_->crv) return false;
  return impl_->alg.empty() || impl_->alg == alg;
}

bool JsonWebKey::Verify(std::string_view alg, std::string_view signing_input,
                        std::string_view signature) const {
  if (!Accepts(alg)) return false;
  const AlgInfo* info = FindAlg(alg);
  std::string der;
  if (info->kty == "EC") {
    auto converted = EcdsaRawToDer(signature, info->ec_coordinate_bytes);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, info->digest(), nullptr, impl_->key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

Result<std::vector<JsonWebKey>> ParseJwks(std::string_view text) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  const json::value* keys = !ec && doc.is_object() ? doc.get_object().if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    return InvalidArgument("not a JWKS: expected an object with a \"keys\" array");
  }
  std::vector<JsonWebKey> out;
  for (const json::value& entry : keys->get_array()) {
    if (!entry.is_object()) continue;
    std::string use = OptionalString(entry.get_object(), "use");
    if (!use.empty() && use != "sig") continue;
    Result<JsonWebKey> key = JsonWebKey::FromJson(entry.get_object());
    if (key.ok()) out.push_back(std::move(key).value());
  }
  return out;
}

// ---- tokens ---------------------------------------------------------------

namespace {

std::optional<json::object> DecodeJsonPart(std::string_view part) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes) return std::nullopt;
  json::error_code ec;
  json::value v = json::parse(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::optional<double> NumberClaim(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

std::vector<std::string> SplitScopes(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.find(' ', i), text.size());
    if (end > i) out.emplace_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

std::vector<std::string> TokenScopes(const json::object& claims) {
  std::vector<std::string> scopes;
  const json::value* v = claims.if_contains("scope");
  if (v == nullptr) v = claims.if_contains("scp");
  if (v == nullptr) return scopes;
  if (v->is_string()) {
    scopes = SplitScopes(v->get_string());
  } else if (v->is_array()) {
    for (const json::value& item : v->get_array()) {
      if (item.is_string()) scopes.emplace_back(item.get_string());
    }
  }
  return scopes;
}

bool AudienceMatches(const json::object& claims, const std::vector<std::string>& audiences) {
  auto allowed = [&](const json::value& v) {
    return v.is_string() &&
           std::find(audiences.begin(), audiences.end(), v.get_string()) != audiences.end();
  };
  // API Gateway reads client_id only when the token has no aud.
  const json::value* aud = claims.if_contains("aud");
  if (aud == nullptr) aud = claims.if_contains("client_id");
  if (aud == nullptr) return false;
  if (aud->is_array()) {
    const json::array& list = aud->get_array();
    return std::any_of(list.begin(), list.end(), allowed);
  }
  return allowed(*aud);
}

// A scope list for a header's quoted-string: RFC 6749 scopes never hold '"'
// or '\', so dropping them only guards against odd configuration.
std::string QuotedScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const std::string& scope : scopes) {
    if (!out.empty()) out += ' ';
    for (char c : scope) {
      if (c != '"' && c != '\\') out += c;
    }
  }
  return out;
}

}  // namespace

AuthOutcome<DecodedJwt> DecodeJwt(std::string_view token) {
  token = TrimAsciiSpace(token);
  if (StartsWithIgnoreCase(token, "bearer") &&
      (token.size() == 6 || token[6] == ' ' || token[6] == '\t')) {
    token = TrimAsciiSpace(token.substr(6));
  }
  if (token.empty()) return AuthFailure::Unauthorized("no token", "Bearer");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return InvalidTokenFailure("the token is malformed");
  }
  DecodedJwt jwt;
  auto header = DecodeJsonPart(token.substr(0, dot1));
  auto claims = DecodeJsonPart(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header || !claims || !signature) return InvalidTokenFailure("the token is malformed");
  jwt.header = std::move(*header);
  jwt.claims = std::move(*claims);
  jwt.signature = std::move(*signature);
  jwt.signing_input = std::string(token.substr(0, dot2));
  const json::value* alg = jwt.header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return InvalidTokenFailure("the token has no alg");
  jwt.alg = std::string(alg->get_string());
  if (FindAlg(jwt.alg) == nullptr) {
    // The alg goes into a quoted header value only when it cannot break it.
    bool plain = !jwt.alg.empty() && jwt.alg.size() <= 16 &&
                 std::all_of(jwt.alg.begin(), jwt.alg.end(),
                             [](unsigned char c) { return std::isalnum(c) != 0; });
    return InvalidTokenFailure("signing method " + (plain ? jwt.alg + " " : "") + "is invalid");
  }
  jwt.kid = OptionalString(jwt.header, "kid");
  return jwt;
}

std::string ClaimToString(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return std::string(value.get_string());
    case json::kind::null:
      return "null";
    case json::kind::array: {
      std::string out = "[";
      for (const json::value& item : value.get_array()) {
        if (out.size() > 1) out += ' ';
        out += ClaimToString(item);
      }
      return out + "]";
    }
    case json::kind::object: {
      std::vector<std::pair<std::string_view, const json::value*>> members;
      for (const auto& member : value.get_object()) {
        members.emplace_back(member.key(), &member.value());
      }
      std::sort(members.begin(), members.end());
      std::string out = "map[";
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out += ' ';
        out += std::string(members[i].first) + ":" + ClaimToString(*members[i].second);
      }
      return out + "]";
    }
    case json::kind::double_: {
      double d = value.get_double();
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<int64_t>(d));
      }
      char buf[32];
      auto result = std::to_chars(buf, buf + sizeof(buf), d);
      return std::string(buf, result.ptr);
    }
    default:  // int64, uint64, bool
      return json::serialize(value);
  }
}

AuthOutcome<JwtAuthorization> ValidateJwt(const DecodedJwt& token,
                                          const std::vector<JsonWebKey>& keys,
                                          const JwtValidation& validation, int64_t now_seconds) {
  if (token.kid.empty()) return InvalidTokenFailure("the token has no kid");
  auto key = std::find_if(keys.begin(), keys.end(),
                          [&](const JsonWebKey& k) { return k.kid() == token.kid; });
  if (key == keys.end()) return InvalidTokenFailure("no key of the issuer has the token's kid");
  if (!key->Accepts(token.alg)) {
    return InvalidTokenFailure("signing method " + token.alg + " is invalid for the key");
  }
  if (!key->Verify(token.alg, token.signing_input, token.signature)) {
    return InvalidTokenFailure("the token does not have a valid signature");
  }
  const json::object& claims = token.claims;
  const json::value* iss = claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string() || iss->get_string() != validation.issuer) {
    return InvalidTokenFailure("the token does not have a valid issuer");
  }
  if (!AudienceMatches(claims, validation.audiences)) {
    return InvalidTokenFailure("the token does not have a valid audience");
  }
  const json::value* exp = claims.if_contains("exp");
  std::optional<double> exp_value = exp != nullptr ? NumberClaim(*exp) : std::nullopt;
  if (!exp_value) return InvalidTokenFailure("the token does not have a valid exp");
  if (*exp_value <= static_cast<double>(now_seconds)) {
    return InvalidTokenFailure("the token has expired");
  }
  struct {
    const char* name;
    const char* refusal;
  } const not_after_now[] = {{"nbf", "the token is not valid yet"},
                             {"iat", "the token was issued in the future"}};
  for (const auto& check : not_after_now) {
    const json::value* v = claims.if_contains(check.name);
    if (v == nullptr) continue;
    std::optional<double> t = NumberClaim(*v);
    if (!t)
      return InvalidTokenFailure(std::string("the token does not have a valid ") + check.name);
    if (*t > static_cast<double>(now_seconds)) return InvalidTokenFailure(check.refusal);
  }
  JwtAuthorization out;
  out.scopes = TokenScopes(claims);
  if (!validation.required_scopes.empty()) {
    bool held = std::any_of(out.scopes.begin(), out.scopes.end(), [&](const std::string& s) {
      return std::find(validation.required_scopes.begin(), validation.required_scopes.end(), s) !=
             validation.required_scopes.end();
    });
    if (!held) {
      return AuthFailure::Forbidden(
          "the token does not have a required scope",
          "Bearer scope=\"" + QuotedScopes(validation.required_scopes) +
              "\" error=\"insufficient_scope\" error_description=\"the token does not have a "
              "valid scope\"");
    }
  }
  for (const auto& member : claims) {
    out.claims.emplace(std::string(member.key()), ClaimToString(member.value()));
  }
  return out;
}

}  // namespace kumo::apis

// Test helpers shared by the authorizer tests: an HTTP server on port 0
// (edge::HttpServer), key pairs made with OpenSSL, JWKs and signed tokens.
#pragma once

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "apis/jwt.h"
#include "edge/http_server.h"
#include "edge/io_pool.h"

namespace kumo::apis::testing {

// One pool for the whole binary, never destroyed: HttpServer's sweep timers
// outlive HttpServer::Stop() (see runtime/engine_test.cc).
inline edge::IoPool& SharedPool() {
  static edge::IoPool* pool = [] {
    auto* p = new edge::IoPool(1);
    p->Start();
    return p;
  }();
  return *pool;
}

// Answers each request with `handler`; counts requests per path. Requests the
// handler keeps (to test timeouts) are answered 503 when the server goes.
class TestHttpServer {
 public:
  using Handler = std::function<std::optional<edge::Response>(const edge::Request&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    edge::HttpServerOptions options;
    options.port = 0;
    server_ = std::make_unique<edge::HttpServer>(
        SharedPool(), options,
        [this](edge::Request request, std::shared_ptr<edge::ResponseSink> sink) {
          std::optional<edge::Response> response;
          {
            std::lock_guard lock(mu_);
            ++hits_[request.path];
            response = handler_(request);
            if (!response) held_.push_back(sink);
          }
          if (response) sink->Complete(std::move(*response), "");
        });
    auto port = server_->Listen();
    EXPECT_TRUE(port.ok());
    port_ = port.ok() ? port.value() : 0;
  }

  ~TestHttpServer() {
    std::vector<std::shared_ptr<edge::ResponseSink>> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    for (auto& sink : held) sink->Complete(edge::Response::Text(503, "gone"), "");
    server_->Stop();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int hits(const std::string& path) {
    std::lock_guard lock(mu_);
    return hits_[path];
  }
  void set_handler(Handler handler) {
    std::lock_guard lock(mu_);
    handler_ = std::move(handler);
  }

 private:
  std::mutex mu_;
  Handler handler_;
  std::map<std::string, int> hits_;
  std::vector<std::shared_ptr<edge::ResponseSink>> held_;
  std::unique_ptr<edge::HttpServer> server_;
  uint16_t port_ = 0;
};

// A key pair, its public JWK and its JWS alg.
struct TestKey {
  std::shared_ptr<EVP_PKEY> pkey;
  std::string alg;  // RS256, RS384, RS512 (RSA); ES256 (P-256); ES384 (P-384)
  std::string kid;
  boost::json::object jwk;
};

inline std::string BnBytes(EVP_PKEY* pkey, const char* param, int pad_to) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(pkey, param, &bn), 1);
  std::string out(pad_to > 0 ? pad_to : BN_num_bytes(bn), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

inline int CoordinateBytes(const std::string& alg) { return alg == "ES256" ? 32 : 48; }

// RSA keys are slow to make: one per kid for the whole binary.
inline TestKey MakeKey(const std::string& alg, const std::string& kid) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<EVP_PKEY>> made;
  std::shared_ptr<EVP_PKEY> pkey;
  {
    std::lock_guard lock(mu);
    auto& slot = made[alg + "/" + kid];
    if (!slot) {
      EVP_PKEY* raw = alg[0] == 'R'    ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                      : alg == "ES256" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      slot.reset(raw, EVP_PKEY_free);
    }
    pkey = slot;
  }
  TestKey key{pkey, alg, kid, {}};
  key.jwk["kid"] = kid;
  key.jwk["use"] = "sig";
  if (alg[0] == 'R') {
    key.jwk["kty"] = "RSA";
    key.jwk["n"] = Base64UrlEncode(BnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0));
    key.jwk["e"] = Base64UrlEncode(BnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0));
  } else {
    key.jwk["kty"] = "EC";
    int size = CoordinateBytes(alg);
    key.jwk["crv"] = size == 32 ? "P-256" : "P-384";
    key.jwk["x"] = Base64UrlEncode(BnBytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, size));
    key.jwk["y"] = Base64UrlEncode(BnBytes(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size));
  }
  return key;
}

inline std::string JwksText(const std::vector<TestKey>& keys) {
  boost::json::array list;
  for (const TestKey& key : keys) list.push_back(key.jwk);
  return boost::json::serialize(boost::json::object{{"keys", std::move(list)}});
}

// Signs `claims` with `key`; `header` members override the default header
// {"alg": key.alg, "kid": key.kid, "typ": "JWT"}.
inline std::string SignJwt(const TestKey& key, const boost::json::object& claims,
                           const boost::json::object& header = {}) {
  boost::json::object head{{"alg", key.alg}, {"kid", key.kid}, {"typ", "JWT"}};
  for (const auto& member : header) head[member.key()] = member.value();
  std::string input = Base64UrlEncode(boost::json::serialize(head)) + "." +
                      Base64UrlEncode(boost::json::serialize(claims));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EXPECT_EQ(
      EVP_DigestSignInit(ctx, nullptr, EVP_get_digestbyname(("SHA" + key.alg.substr(2)).c_str()),
                         nullptr, key.pkey.get()),
      1);
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()),
            1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (key.alg[0] == 'E') {  // DER -> r||s, as JWS wants
    int size = CoordinateBytes(key.alg);
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(2 * size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), out, size);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), out + size, size);
    ECDSA_SIG_free(ecdsa);
    sig = raw;
  }
  return input + "." + Base64UrlEncode(sig);
}

}  // namespace kumo::apis::testing

# HTTP API authorizers (JWT and Lambda) and the outbound HTTP client.
kumo_module(apis_auth
  SOURCES http_client.cc jwt.cc jwks_cache.cc lambda_authorizer.cc
  DEPS kumo_common kumo_edge OpenSSL::Crypto Boost::json Boost::url Boost::system Threads::Threads)
kumo_test(apis_auth_test
  SOURCES http_client_test.cc jwt_test.cc jwks_cache_test.cc lambda_authorizer_test.cc
  DEPS kumo_apis_auth)

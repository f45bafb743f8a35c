# HTTP API data plane library: route matching, Lambda proxy payloads, CORS,
# throttling, parameter mapping. Pure logic: no networking, no storage.
kumo_module(apis_http
  SOURCES route_matcher.cc proxy_event.cc proxy_response.cc cors.cc throttle.cc parameter_mapping.cc
  DEPS kumo_common kumo_edge Boost::json Threads::Threads)
kumo_test(apis_http_test
  SOURCES route_matcher_test.cc proxy_event_test.cc proxy_response_test.cc cors_test.cc
          throttle_test.cc parameter_mapping_test.cc
  DEPS kumo_apis_http)

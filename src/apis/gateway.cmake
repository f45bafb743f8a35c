# kumo_apis: the HTTP API data plane (gateway.h), joining the control plane's
# catalog, the data-plane library, the authorizers and the functions.
kumo_module(apis
  SOURCES gateway.cc gateway_auth.cc gateway_integration.cc deadlines.cc
  DEPS kumo_apis_control kumo_apis_http kumo_apis_auth kumo_functions kumo_logs kumo_edge kumo_common
       Boost::json fmt::fmt)

kumo_test(apis_gateway_test
  SOURCES deadlines_test.cc
  DEPS kumo_apis)

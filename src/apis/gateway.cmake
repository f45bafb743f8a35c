# kumo_apis: the HTTP API data plane (gateway.h), joining the control plane's
# catalog, the data-plane library, the authorizers and the functions.
kumo_module(apis
  SOURCES gateway.cc gateway_auth.cc gateway_integration.cc deadlines.cc
  DEPS kumo_apis_control kumo_apis_http kumo_apis_auth kumo_functions kumo_logs kumo_edge kumo_common
       Boost::json fmt::fmt)

kumo_test(apis_gateway_test
  SOURCES deadlines_test.cc
  DEPS kumo_apis)

# bench/apis/cost: the gateway's own work per request next to a direct
# Invoke's, in process (bench/apis/gateway_cost.cc; not a test).
add_executable(apis_gateway_cost ${CMAKE_SOURCE_DIR}/bench/apis/gateway_cost.cc
               ${CMAKE_SOURCE_DIR}/src/functions/testing/test_zip.cc
               ${CMAKE_SOURCE_DIR}/src/functions/testing/service_fixture.cc)
target_link_libraries(apis_gateway_cost PRIVATE kumo_apis GTest::gtest GTest::gmock GTest::gtest_main)

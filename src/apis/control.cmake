# HTTP API control plane (API Gateway v2 REST-JSON API) and the ApiCatalog
# the data plane reads.
kumo_module(apis_control
  SOURCES
    control_catalog.cc control_members.cc control_ops_apis.cc control_ops_authorizers.cc control_ops_openapi.cc
    control_ops_routes.cc control_ops_stages.cc control_records.cc control_render.cc
    control_service.cc control_state.cc control_validation.cc
  DEPS kumo_common kumo_storage kumo_edge kumo_apis_http kumo_apis_openapi Boost::json Boost::url)

kumo_test(apis_control_test
  SOURCES
    control_test_util.cc control_validation_test.cc control_apis_test.cc control_routes_test.cc
    control_stages_test.cc control_authorizers_test.cc control_catalog_test.cc
    control_persistence_test.cc
  DEPS kumo_apis_control)

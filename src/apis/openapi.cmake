# OpenAPI 3.0 definitions of HTTP APIs: ImportApi/ReimportApi reading and
# ExportApi writing (openapi.h). Pure mapping: no storage, no I/O.
kumo_module(apis_openapi
  SOURCES openapi_read.cc openapi_write.cc openapi_yaml.cc
  DEPS kumo_common Boost::json Boost::url yaml-cpp)

kumo_test(apis_openapi_test SOURCES openapi_test.cc openapi_yaml_test.cc DEPS kumo_apis_openapi)

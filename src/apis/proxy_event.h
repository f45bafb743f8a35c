// The event an HTTP API sends to a Lambda proxy integration, in payload
// format 2.0 or 1.0 ("Working with AWS Lambda proxy integrations for HTTP
// APIs"). Pure functions of the request and a few facts the caller knows.
//
// Both formats:
// - Paths: `request.raw_path` must be the path on the API's own host as the
//   gateway routes it (decoded once, cut at a decoded '?'; see gateway.cc),
//   stage segment included for a named stage (AWS keeps it: stage "dev",
//   GET /dev/pets -> rawPath "/dev/pets"). rawPath / path are that path
//   decoded again, as live captures of HTTP APIs show ("%2525" -> "%",
//   "%252F" -> "/").
// - Body: sent as text when the request's Content-Type is text/*,
//   application/json, application/xml or application/javascript (parameters
//   ignored) and the bytes are valid UTF-8; otherwise base64-encoded with
//   isBase64Encoded true. So a missing Content-Type, octet-stream, multipart
//   and even application/x-www-form-urlencoded arrive base64-encoded, which is
//   what HTTP APIs do (they have no binaryMediaTypes; the split above is the
//   one observed on AWS, the docs only say "binary" bodies are encoded).
// - API Gateway's own headers are added: content-length (the body's length,
//   "0" without one; a client's transfer-encoding is not passed on),
//   x-forwarded-for (the source IP,
//   appended to any the client sent), x-forwarded-port and x-forwarded-proto
//   when given, x-amzn-trace-id when given.
//
// 2.0: header names lower-cased, repeated headers joined with ","; Cookie
// headers become `cookies` (split on "; ") and are left out of `headers`;
// repeated query keys joined with ","; queryStringParameters, cookies,
// pathParameters, stageVariables, body and requestContext.authorizer are
// omitted when empty (rawQueryString is always present, "" when none).
// 1.0: header names as received (grouped case-insensitively under the first
// spelling); `headers` / `queryStringParameters` hold the last value,
// `multiValue*` all of them; members with nothing to hold are null
// (queryStringParameters, multiValue*, pathParameters, stageVariables, body);
// requestContext.identity carries AWS's null members; resource and
// resourcePath are the route's path ("$default" for the $default route).
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edge/http_types.h"

namespace kumo::apis {

enum class PayloadFormat { kV1, kV2 };

// "1.0" -> kV1, "2.0" -> kV2, anything else nullopt.
std::optional<PayloadFormat> ParsePayloadFormat(std::string_view version);

struct ProxyEventInput {
  std::string account_id = "000000000000";
  std::string api_id;
  std::string stage;      // "$default" or the stage name
  std::string route_key;  // the matched route's key: "GET /pets/{id}" or "$default"
  // RouteMatch::path_parameters (decoded), in route order.
  std::vector<std::pair<std::string, std::string>> path_parameters;
  std::map<std::string, std::string> stage_variables;
  // Put verbatim at requestContext.authorizer; nullopt: member omitted. Its
  // shape is the payload format's: 2.0 {"jwt":{"claims":{..},"scopes":[..]}},
  // {"lambda":{..context..}} or {"iam":{..}}; 1.0 {"claims":{..},"scopes":[..]}
  // for JWT, or the Lambda authorizer's context (plus principalId).
  std::optional<boost::json::object> authorizer;
  std::string domain_name;  // "{apiId}.execute-api.localhost"; domainPrefix is its first label
  int64_t time_ms = 0;      // when the request arrived, epoch milliseconds
  std::string request_id;   // requestContext.requestId (and 1.0 extendedRequestId)
  // Values of the x-forwarded-port / x-forwarded-proto / x-amzn-trace-id
  // headers API Gateway adds; empty: header not added.
  std::string forwarded_port;
  std::string forwarded_proto;
  std::string trace_id;
};

// The event as a JSON object, its nodes allocated from `sp` (the default
// resource when null).
boost::json::object BuildProxyEventV2(const edge::Request& request, const ProxyEventInput& input,
                                      boost::json::storage_ptr sp = {});
boost::json::object BuildProxyEventV1(const edge::Request& request, const ProxyEventInput& input,
                                      boost::json::storage_ptr sp = {});
// The event of `format`, serialized: the Invoke payload.
std::string BuildProxyEvent(PayloadFormat format, const edge::Request& request,
                            const ProxyEventInput& input);

// True when a body of this Content-Type is passed as text (see above).
bool IsTextContentType(std::string_view content_type);

// "12/Mar/2020:19:03:58 +0000": requestContext.time (2.0) / requestTime (1.0).
std::string FormatRequestTime(int64_t epoch_millis);

// The IP of "127.0.0.1:53210" / "[::1]:53210" (also accepts a bare address).
std::string SourceIp(std::string_view remote_address);

// `raw_path` (the path as the gateway routed it, decoded once) decoded again:
// rawPath (2.0), path (1.0).
std::string EventPath(std::string_view raw_path);

// A request id in the form HTTP APIs use ("JTHoQgr2oAMEPMg="): 11 random
// bytes, base64. For requestContext.requestId and the apigw-requestid header.
std::string NewApiRequestId();

}  // namespace kumo::apis

// How an HTTP API turns a Lambda proxy integration's result into the client's
// response, and the error responses API Gateway answers with by itself.
//
// Every response carries `apigw-requestid: <request id>`, as HTTP APIs send.
// Gateway errors are `content-type: application/json` with a body
// {"message":"..."}:
//   400 {"message":"Bad Request"}            a path that does not decode twice
//   404 {"message":"Not Found"}              no stage / route matches
//   429 {"message":"Too Many Requests"}      stage or route throttling
//   500 {"message":"Internal Server Error"}  the function failed, could not be
//       invoked (Lambda's own 429 throttle and every other non-200 Invoke
//       status included), or returned a response API Gateway cannot read
//   503 {"message":"Service Unavailable"}    the integration timed out
//
// Reading a function's output (payload format 2.0):
// - a JSON object with a "statusCode" member is the proxy shape:
//   statusCode (integer, or a string of digits, 100..599), headers (values
//   strings; numbers and booleans are written as JSON writes them; null
//   skipped), cookies (strings, each one a set-cookie header, before any
//   set-cookie of `headers`), body (string; absent or null: empty),
//   isBase64Encoded (true: body is base64 and is decoded). multiValueHeaders
//   is not part of 2.0 and is ignored.
// - any other valid JSON (an object without statusCode, an array, a number,
//   true/false/null, a string) is the body of a 200 response with
//   content-type application/json: the payload's text as the function sent
//   it, except that a JSON string gives its value ("Hello" -> Hello), as
//   the HTTP API guide's table shows.
// - invalid JSON, or a proxy shape with a member of the wrong type: 500.
// Format 1.0 requires the proxy shape (statusCode, headers,
// multiValueHeaders, body, isBase64Encoded); anything else is a 500. headers
// and multiValueHeaders are merged: every multiValueHeaders value, then every
// headers pair, a pair in both sent twice (as HTTP APIs do, unlike REST
// APIs), except content-type: its first value only.
// A proxy response that sets no content-type gets
// `content-type: text/plain; charset=utf-8`.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>

#include "apis/proxy_event.h"
#include "edge/http_types.h"

namespace kumo::apis {

// API Gateway's own error answers: a status and {"message": message}, which
// is also $context.error.message.
struct GatewayError {
  int status;
  std::string_view message;
};
inline constexpr GatewayError kBadRequest{400, "Bad Request"};
inline constexpr GatewayError kForbidden{403, "Forbidden"};
inline constexpr GatewayError kNotFound{404, "Not Found"};
inline constexpr GatewayError kPayloadTooLarge{413, "Request Entity Too Large"};
inline constexpr GatewayError kTooManyRequests{429, "Too Many Requests"};
inline constexpr GatewayError kInternalServerError{500, "Internal Server Error"};
inline constexpr GatewayError kServiceUnavailable{503, "Service Unavailable"};

// `error` with content-type application/json and apigw-requestid.
edge::Response GatewayResponse(const GatewayError& error, std::string_view request_id);

struct ProxyResult {
  edge::Response response;
  // Empty when the function's response was used; otherwise why the client
  // got a 500 (for $context.integrationErrorMessage and logs).
  std::string integration_error;
};

// The client's response for a Lambda Invoke that finished (a timeout is the
// caller's kServiceUnavailable): `invoke_status` is the Invoke API's
// HTTP status (200 when Lambda ran the function), `function_error` its
// X-Amz-Function-Error header (empty when none), `payload` its body.
ProxyResult MapLambdaResponse(PayloadFormat format, int invoke_status,
                              std::string_view function_error, std::string_view payload,
                              std::string_view request_id);

}  // namespace kumo::apis

// CORS for HTTP APIs ("Configuring CORS for an HTTP API"): the API's
// CorsConfiguration (apis::CorsConfig, api_catalog.h) answered by the
// gateway itself.
//
// Where it sits in a request (for the caller), when the API has a CORS
// configuration:
//   1. Route the request as usual. A preflight that matches a route (an
//      OPTIONS or ANY route, or $default) goes through that route's
//      authorizer and integration like any request; this is why AWS tells
//      users with an authorized $default or ANY route to add an unauthorized
//      OPTIONS /{proxy+} route.
//   2. A preflight that matches no route is answered by PreflightResponse
//      instead of 404, without an integration: "API Gateway automatically
//      sends a response to preflight OPTIONS requests, even if there isn't an
//      OPTIONS route configured".
//   3. Every response built from an integration goes through ApplyCors:
//      "API Gateway ignores CORS headers returned from your backend
//      integration" and adds the configured ones.
//
// Rules:
// - A preflight is OPTIONS with both Origin and Access-Control-Request-Method.
// - An origin is allowed when AllowOrigins holds "*" or the origin itself
//   (scheme/host/port compare ignoring ASCII case, as browsers send them
//   lower-case). An origin that is not allowed gets no CORS headers at all
//   (a preflight still gets its 204), so the browser refuses the call.
// - access-control-allow-origin is "*" when AllowOrigins holds "*" and
//   AllowCredentials is not true; otherwise the request's Origin, echoed
//   (a browser rejects "*" on a credentialed request).
// - Preflight answer: 204, no body, with access-control-allow-origin,
//   -allow-credentials: true (when AllowCredentials), -allow-methods and
//   -allow-headers (the configured lists joined with ",", when not empty)
//   and -max-age (when MaxAge is set). Expose headers are not sent on a
//   preflight (they concern the actual response only).
// - Actual response: every access-control-* header the integration returned
//   is removed; then access-control-allow-origin, -allow-credentials: true
//   (when AllowCredentials) and -expose-headers (joined with ",", when not
//   empty). A preflight routed to an integration (step 1) gets the preflight
//   set instead, so that an OPTIONS route's integration need not know CORS.
//   An OPTIONS request that is not a preflight gets no CORS headers ("For
//   the OPTIONS method, your request must contain an origin header and an
//   Access-Control-Request-Method header").
// Header names are lower-case, as HTTP APIs send them.
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <string_view>

#include "apis/api_catalog.h"
#include "edge/http_types.h"

namespace kumo::apis {

bool IsPreflightRequest(const edge::Request& request);

bool OriginAllowed(const CorsConfig& cors, std::string_view origin);

// The gateway's own answer to a preflight (precondition: IsPreflightRequest),
// with apigw-requestid.
edge::Response PreflightResponse(const CorsConfig& cors, const edge::Request& request,
                                 std::string_view request_id);

// `response` (from an integration) with its CORS headers replaced by the
// configured ones for `request`.
edge::Response ApplyCors(const CorsConfig& cors, const edge::Request& request,
                         edge::Response response);

}  // namespace kumo::apis

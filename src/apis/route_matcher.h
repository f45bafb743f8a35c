// RouteMatcher: picks the route of an HTTP API that serves a request, as API
// Gateway does ("Routing API requests" in the HTTP API developer guide).
//
// Route keys are "$default" or "METHOD /path", METHOD one of GET POST PUT
// PATCH DELETE HEAD OPTIONS ANY. A path is matched segment by segment; a
// segment is a literal, a "{name}" variable (one non-empty segment) or, last
// only, a greedy "{name+}" variable (one or more segments: the rest of the
// path, which must not be empty).
//
// Selection, most specific first:
//   1. a full match (no greedy variable). Among full matches, the path is
//      compared left to right: at the first segment where two routes differ,
//      a literal beats a {variable}. For equal paths, the request's own method
//      beats ANY.
//   2. a match with a greedy variable, ranked the same way (more leading
//      literals, then a deeper greedy variable, then method over ANY).
//   3. the $default route.
// No match: nullopt; the caller answers 404 {"message":"Not Found"}.
//
// Paths are case-sensitive and compared after percent-decoding each segment
// ("%2F" inside a segment stays inside it). A trailing slash is a segment of
// its own: "/pets/" does not match "GET /pets" (nor "GET /pets/{id}", whose
// variable would be empty); it falls to a greedy route or $default. Extra
// leading slashes are ignored ("//pets" selects as "/pets"). HEAD does not
// match GET routes.
//
// Thread-safety: immutable after Build; Match may be called from any thread.
// Copies share one built structure (cheap to copy).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kumo::apis {

struct RouteEntry {
  std::string route_key;  // "$default" or "GET /pets/{id}"
  std::string route_id;
};

struct RouteMatch {
  // Point into the RouteMatcher (valid while any copy of it lives).
  std::string_view route_key;
  std::string_view route_id;
  // URL-decoded values in route order; a greedy variable is named without
  // its '+' ("{proxy+}" -> "proxy") and holds the rest of the path without
  // the leading slash ("a/b" for "/files/a/b" against "/files/{proxy+}").
  std::vector<std::pair<std::string, std::string>> path_parameters;
};

class RouteMatcher {
 public:
  // An empty matcher: matches nothing.
  RouteMatcher();

  // Fails with 400 BadRequestException naming the first route key that is
  // malformed or duplicated, and with 409 ConflictException for one equal to
  // an earlier one but for its variables' names ("GET /pets/{name}" after
  // "GET /pets/{id}"), in API Gateway's words.
  static Result<RouteMatcher> Build(const std::vector<RouteEntry>& routes);

  // `raw_path` is the request path after the stage, still percent-encoded
  // ("/pets/a%20b"); `method` the request method ("GET").
  std::optional<RouteMatch> Match(std::string_view method, std::string_view raw_path) const;

  // OK when `route_key` is a well-formed route key, else 400 BadRequestException.
  static Status ValidateRouteKey(std::string_view route_key);

  size_t size() const;

  class Impl;

 private:
  explicit RouteMatcher(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace kumo::apis

// Plain HTTP request and response values shared by the edge and the services.
// No Boost types here: services include this header without paying for Beast.
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/encoding.h"  // EqualsIgnoreCase, for header names

namespace kumo::edge {

// Header fields in arrival order. Lookups ignore case, as HTTP requires.
class Headers {
 public:
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Every value of `name`, in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Replaces every field named `name` with one field.
  void Set(std::string_view name, std::string value);
  void Add(std::string name, std::string value);
  void Remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;     // "GET", "POST", ...
  std::string target;     // the raw request-target: "/a%20b/c?x=1"
  std::string raw_path;   // "/a%20b/c" (still percent-encoded)
  std::string path;       // "/a b/c" (decoded)
  std::string raw_query;  // "x=1" (still percent-encoded, no '?')
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:53210"
  std::string local_address;   // the server's side: "127.0.0.1" (no port)

  // Set by the edge before a handler runs.
  std::string request_id;  // a UUID, echoed as x-amzn-RequestId / x-amz-request-id
  std::string region;      // from the SigV4 scope, or the server's default region
  std::string access_key;  // from the SigV4 credential, empty when unsigned

  // The first decoded query value named `name`, or nullopt.
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  // The Host header without a port, lower-cased.
  std::string HostName() const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response Json(int status, std::string body);
  static Response Xml(int status, std::string body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain");
};

// Percent-decoding of a path or query component. `plus_as_space` for
// application/x-www-form-urlencoded. Returns nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);
// Encodes everything but RFC 3986 unreserved characters; '/' too unless `keep_slash`.
std::string PercentEncode(std::string_view text, bool keep_slash);
// Parses "a=1&b=2" (form or query). Malformed escapes are kept verbatim.
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view text,
                                                                  bool plus_as_space);

}  // namespace kumo::edge

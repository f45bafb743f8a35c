#include "apis/proxy_response.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "common/encoding.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;

constexpr std::string_view kRequestIdHeader = "apigw-requestid";
constexpr std::string_view kMalformed =
    "The response from the Lambda function doesn't match the format that API Gateway expects. ";

using HeaderList = std::vector<std::pair<std::string, std::string>>;

ProxyResult Failure(std::string reason, std::string_view request_id) {
  return {GatewayResponse(kInternalServerError, request_id), std::move(reason)};
}

// A header value as the function gave it: strings as they are, numbers and
// booleans as JSON writes them; nullopt for anything else.
std::optional<std::string> HeaderValue(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_number() || v.is_bool()) return json::serialize(v);
  return std::nullopt;
}

std::optional<int> StatusCode(const json::value& v) {
  int64_t code = -1;
  if (v.is_int64()) {
    code = v.as_int64();
  } else if (v.is_uint64()) {
    code = v.as_uint64() > 1000 ? -1 : static_cast<int64_t>(v.as_uint64());
  } else if (v.is_double()) {
    double d = v.as_double();
    if (d >= 0 && d < 1000 && d == static_cast<double>(static_cast<int64_t>(d))) {
      code = static_cast<int64_t>(d);
    }
  } else if (v.is_string()) {
    std::string_view s = v.as_string();
    if (!s.empty() && s.size() <= 3 &&
        s.find_first_not_of("0123456789") == std::string_view::npos) {
      code = std::stoi(std::string(s));
    }
  }
  if (code < 100 || code > 599) return std::nullopt;
  return static_cast<int>(code);
}

// The proxy shape's members but headers, into `response`; an error message
// when one has the wrong type.
std::optional<std::string> ReadStatusAndBody(const json::object& shape, edge::Response& response) {
  std::optional<int> status = StatusCode(shape.at("statusCode"));
  if (!status) return std::string(kMalformed) + "statusCode must be an HTTP status code.";
  response.status = *status;
  const json::value* body = shape.if_contains("body");
  if (body && !body->is_null() && !body->is_string()) {
    return std::string(kMalformed) + "body must be a string.";
  }
  std::string text = body && body->is_string() ? std::string(body->as_string()) : std::string();
  const json::value* base64 = shape.if_contains("isBase64Encoded");
  if (base64 && base64->is_bool() && base64->as_bool()) {
    std::optional<std::string> decoded = Base64Decode(text);
    if (!decoded) return std::string(kMalformed) + "body is not valid base64.";
    text = std::move(*decoded);
  }
  response.body = std::move(text);
  return std::nullopt;
}

// Reads `member` of `shape`, an object of single values, into `out`.
std::optional<std::string> ReadHeaders(const json::object& shape, std::string_view member,
                                       HeaderList& out) {
  const json::value* headers = shape.if_contains(member);
  if (!headers || headers->is_null()) return std::nullopt;
  if (!headers->is_object()) {
    return std::string(kMalformed) + std::string(member) + " must be an object.";
  }
  for (const auto& [name, value] : headers->as_object()) {
    if (value.is_null()) continue;
    std::optional<std::string> v = HeaderValue(value);
    if (!v) return std::string(kMalformed) + "header values must be strings.";
    out.emplace_back(std::string(name), std::move(*v));
  }
  return std::nullopt;
}

// Reads multiValueHeaders, an object of arrays, into `out`.
std::optional<std::string> ReadMultiValueHeaders(const json::object& shape, HeaderList& out) {
  const json::value* headers = shape.if_contains("multiValueHeaders");
  if (!headers || headers->is_null()) return std::nullopt;
  if (!headers->is_object()) {
    return std::string(kMalformed) + "multiValueHeaders must be an object.";
  }
  for (const auto& [name, values] : headers->as_object()) {
    if (values.is_null()) continue;
    if (!values.is_array()) {
      return std::string(kMalformed) + "multiValueHeaders values must be arrays.";
    }
    for (const json::value& value : values.as_array()) {
      if (value.is_null()) continue;
      std::optional<std::string> v = HeaderValue(value);
      if (!v) return std::string(kMalformed) + "header values must be strings.";
      out.emplace_back(std::string(name), std::move(*v));
    }
  }
  return std::nullopt;
}

void Finish(edge::Response& response, const HeaderList& headers, std::string_view request_id) {
  for (const auto& [name, value] : headers) response.headers.Add(name, value);
  if (!response.headers.Has("content-type")) {
    response.headers.Add("content-type", "text/plain; charset=utf-8");
  }
  response.headers.Set(kRequestIdHeader, std::string(request_id));
}

ProxyResult MapV2(const json::value& output, std::string_view payload,
                  std::string_view request_id) {
  const json::object* shape = output.if_object();
  if (!shape || !shape->contains("statusCode")) {
    edge::Response response;
    response.status = 200;
    response.headers.Add("content-type", "application/json");
    response.body = output.is_string() ? std::string(output.as_string()) : std::string(payload);
    response.headers.Set(kRequestIdHeader, std::string(request_id));
    return {std::move(response), {}};
  }
  edge::Response response;
  if (auto error = ReadStatusAndBody(*shape, response)) {
    return Failure(std::move(*error), request_id);
  }
  HeaderList headers;
  if (const json::value* cookies = shape->if_contains("cookies"); cookies && !cookies->is_null()) {
    if (!cookies->is_array()) {
      return Failure(std::string(kMalformed) + "cookies must be an array.", request_id);
    }
    for (const json::value& cookie : cookies->as_array()) {
      if (!cookie.is_string()) {
        return Failure(std::string(kMalformed) + "cookies must be strings.", request_id);
      }
      headers.emplace_back("set-cookie", std::string(cookie.as_string()));
    }
  }
  if (auto error = ReadHeaders(*shape, "headers", headers)) {
    return Failure(std::move(*error), request_id);
  }
  Finish(response, headers, request_id);
  return {std::move(response), {}};
}

ProxyResult MapV1(const json::value& output, std::string_view request_id) {
  const json::object* shape = output.if_object();
  if (!shape || !shape->contains("statusCode")) {
    return Failure(std::string(kMalformed) + "Payload format 1.0 requires statusCode.", request_id);
  }
  edge::Response response;
  if (auto error = ReadStatusAndBody(*shape, response)) {
    return Failure(std::move(*error), request_id);
  }
  HeaderList merged;
  if (auto error = ReadMultiValueHeaders(*shape, merged)) {
    return Failure(std::move(*error), request_id);
  }
  HeaderList single;
  if (auto error = ReadHeaders(*shape, "headers", single)) {
    return Failure(std::move(*error), request_id);
  }
  // Unlike REST APIs, HTTP APIs send a pair that is in both twice (users see
  // the duplicates: aws-lambda-go-api-proxy#75, aws-lambda-rust-runtime#567),
  // but for content-type, sent once.
  for (auto& pair : single) merged.push_back(std::move(pair));
  bool typed = false;
  std::erase_if(merged, [&typed](const auto& pair) {
    if (!EqualsIgnoreCase(pair.first, "content-type")) return false;
    return std::exchange(typed, true);
  });
  Finish(response, merged, request_id);
  return {std::move(response), {}};
}

}  // namespace

edge::Response GatewayResponse(const GatewayError& error, std::string_view request_id) {
  edge::Response response;
  response.status = error.status;
  response.headers.Add("content-type", "application/json");
  response.headers.Add(std::string(kRequestIdHeader), std::string(request_id));
  response.body = json::serialize(json::object{{"message", error.message}});
  return response;
}

ProxyResult MapLambdaResponse(PayloadFormat format, int invoke_status,
                              std::string_view function_error, std::string_view payload,
                              std::string_view request_id) {
  if (invoke_status != 200) {
    return Failure("Lambda Invoke answered HTTP " + std::to_string(invoke_status) + ".",
                   request_id);
  }
  if (!function_error.empty()) {
    return Failure("The Lambda function returned an error (" + std::string(function_error) + ").",
                   request_id);
  }
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 1000;
  // Read once and dropped: its nodes come from one monotonic buffer.
  unsigned char buffer[4096];
  json::monotonic_resource resource(buffer, sizeof buffer);
  json::value output = json::parse(payload, ec, json::storage_ptr(&resource), options);
  if (ec) return Failure(std::string(kMalformed) + "It is not valid JSON.", request_id);
  return format == PayloadFormat::kV2 ? MapV2(output, payload, request_id)
                                      : MapV1(output, request_id);
}

}  // namespace kumo::apis

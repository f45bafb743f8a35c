#include "cli/aws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdlib>

#include "common/clock.h"
#include "common/encoding.h"
#include "edge/request_target.h"
#include "edge/sigv4.h"

namespace kumo::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct AwsClient::Impl {
  asio::io_context io;
  beast::tcp_stream stream{io};
  std::string host;
  std::string port;
  std::string region;
  std::string access_key;
  std::string secret_key;

  Status Open() {
    asio::ip::tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(host, port, ec);
    if (ec) return Error{503, "ConnectionError", "resolve " + host + ": " + ec.message()};
    stream.connect(results, ec);
    if (ec) {
      return Error{503, "ConnectionError",
                   "cannot reach Kumo at " + host + ":" + port + " (" + ec.message() +
                       "); is `kumo server` running?"};
    }
    return Status::Ok();
  }

  struct Reply {
    int status = 0;
    std::string body;
    std::string error_type;  // x-amzn-ErrorType (REST-JSON errors)
  };

  // Signs and sends one request. `path` may carry a query ("/v2/apis?nextToken=x").
  Result<Reply> Send(const std::string& method, const std::string& path, const std::string& service,
                     const std::string& target, const std::string& body,
                     const std::string& content_type) {
    int64_t now = Clock::System().NowMillis();
    std::string amz_date = FormatAmzDate(now);
    edge::Request req;
    req.method = method;
    req.target = path;
    edge::SplitTarget(req);
    req.body = body;
    req.headers.Set("host", host + ":" + port);
    req.headers.Set("x-amz-date", amz_date);
    if (!content_type.empty()) req.headers.Set("content-type", content_type);
    if (!target.empty()) req.headers.Set("x-amz-target", target);
    edge::SigV4Auth auth;
    auth.access_key = access_key;
    auth.date = amz_date.substr(0, 8);
    auth.region = region;
    auth.service = service;
    auth.amz_date = amz_date;
    auth.signed_headers = std::string(content_type.empty() ? "" : "content-type;") +
                          "host;x-amz-date" + (target.empty() ? "" : ";x-amz-target");
    std::string signature = edge::ComputeSignature(
        secret_key, auth, edge::StringToSign(auth, edge::CanonicalRequest(req, auth)));

    http::request<http::string_body> msg(method == "GET" ? http::verb::get : http::verb::post, path,
                                         11);
    for (const auto& [k, v] : req.headers.fields()) msg.set(k, v);
    msg.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=" + access_key + "/" +
                                            auth.date + "/" + region + "/" + service +
                                            "/aws4_request, SignedHeaders=" + auth.signed_headers +
                                            ", Signature=" + signature);
    msg.body() = body;
    msg.prepare_payload();
    boost::system::error_code ec;
    http::write(stream, msg, ec);
    if (ec) return Error{503, "ConnectionError", "sending to Kumo: " + ec.message()};
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    if (ec) return Error{503, "ConnectionError", "reading from Kumo: " + ec.message()};
    return Reply{static_cast<int>(res.result_int()), std::move(res.body()),
                 std::string(res["x-amzn-ErrorType"])};
  }

  // The response object, or the error it carries: its code from `__type`
  // (JSON protocols) or x-amzn-ErrorType (REST-JSON, "Code:detail").
  Result<boost::json::object> Decode(const Reply& reply) {
    const int status = reply.status;
    const std::string& body = reply.body;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec || !v.is_object())
      return Error{502, "InvalidResponse", "Kumo answered " + std::to_string(status) + ": " + body};
    boost::json::object& o = v.as_object();
    if (status >= 300) {
      std::string code =
          o.contains("__type") && o["__type"].is_string() ? std::string(o["__type"].as_string())
          : !reply.error_type.empty() ? reply.error_type.substr(0, reply.error_type.find(':'))
                                      : "Error";
      std::string message = o.contains("message") && o["message"].is_string()
                                ? std::string(o["message"].as_string())
                                : body;
      return Error{status, code.substr(code.find('#') + 1), message};
    }
    return std::move(o);
  }
};

AwsClient::AwsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AwsClient::~AwsClient() = default;

Result<std::unique_ptr<AwsClient>> AwsClient::Connect(const std::string& endpoint,
                                                      const std::string& region) {
  auto url = boost::urls::parse_uri(endpoint);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    return InvalidArgument("--endpoint must look like http://127.0.0.1:4566, not '" + endpoint +
                           "'");
  }
  auto impl = std::make_unique<Impl>();
  impl->host = std::string(url->host());
  impl->port = url->has_port() ? std::string(url->port()) : "80";
  impl->region = region;
  const char* key = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  impl->access_key = key && *key ? key : "test";
  impl->secret_key = secret && *secret ? secret : "test";
  KUMO_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<AwsClient>(new AwsClient(std::move(impl)));
}

Result<boost::json::object> AwsClient::CallJson(const std::string& service,
                                                const std::string& target,
                                                const boost::json::object& body) {
  KUMO_ASSIGN_OR_RETURN(auto reply,
                        impl_->Send("POST", "/", service, target, boost::json::serialize(body),
                                    "application/x-amz-json-1.1"));
  return impl_->Decode(reply);
}

Result<boost::json::object> AwsClient::GetJson(const std::string& service,
                                               const std::string& path) {
  KUMO_ASSIGN_OR_RETURN(auto reply, impl_->Send("GET", path, service, "", "", ""));
  return impl_->Decode(reply);
}

}  // namespace kumo::cli

#include "cli/apis_command.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdio>

#include "cli/aws_client.h"

namespace kumo::cli {
namespace {

std::string Member(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The two URLs a stage is served on; `host_port` is the endpoint's "host:port".
std::pair<std::string, std::string> StageUrls(const std::string& api_id, const std::string& stage,
                                              const std::string& host, const std::string& port) {
  std::string suffix = stage == "$default" ? "/" : "/" + stage + "/";
  return {"http://" + api_id + ".execute-api.localhost:" + port + suffix,
          "http://" + host + ":" + port + "/_aws/execute-api/" + api_id + suffix};
}

}  // namespace

int RunApisList(const ApisOptions& options) {
  auto url = boost::urls::parse_uri(options.endpoint);
  auto client = AwsClient::Connect(options.endpoint, options.region);
  if (!url || !client.ok()) {
    std::fprintf(stderr, "kumo apis: %s\n",
                 client.ok() ? "bad --endpoint" : client.error().message.c_str());
    return 1;
  }
  std::string host(url->host());
  std::string port = url->has_port() ? std::string(url->port()) : "80";
  // Kumo answers GetApis and GetStages whole when no maxResults is given.
  auto apis = (*client)->GetJson("apigateway", "/v2/apis");
  if (!apis.ok()) {
    std::fprintf(stderr, "kumo apis: %s: %s\n", apis.error().code.c_str(),
                 apis.error().message.c_str());
    return 1;
  }
  const boost::json::value* items = apis->if_contains("items");
  if (items == nullptr || !items->is_array() || items->as_array().empty()) {
    std::printf("no HTTP APIs in %s\n", options.region.c_str());
    return 0;
  }
  for (const boost::json::value& item : items->as_array()) {
    if (!item.is_object()) continue;
    std::string id = Member(item.as_object(), "apiId");
    std::printf("%s  %s\n", id.c_str(), Member(item.as_object(), "name").c_str());
    auto stages = (*client)->GetJson("apigateway", "/v2/apis/" + id + "/stages");
    if (!stages.ok()) {
      std::fprintf(stderr, "kumo apis: %s: %s\n", stages.error().code.c_str(),
                   stages.error().message.c_str());
      return 1;
    }
    const boost::json::value* list = stages->if_contains("items");
    if (list == nullptr || !list->is_array() || list->as_array().empty()) {
      std::printf("  (no stages)\n");
      continue;
    }
    for (const boost::json::value& s : list->as_array()) {
      if (!s.is_object()) continue;
      std::string name = Member(s.as_object(), "stageName");
      auto [host_url, path_url] = StageUrls(id, name, host, port);
      bool deployed = !Member(s.as_object(), "deploymentId").empty();
      std::printf("  %s  %s  %s%s\n", name.c_str(), host_url.c_str(), path_url.c_str(),
                  deployed ? "" : "  (not deployed)");
    }
  }
  return 0;
}

}  // namespace kumo::cli

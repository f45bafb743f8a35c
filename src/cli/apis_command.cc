#include "cli/apis_command.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdio>
#include <vector>

#include "cli/aws_client.h"
#include "edge/http_types.h"

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

// Appends the `items` of every page of the list at `path`, following nextToken.
Status ForEachPage(AwsClient& client, const std::string& path,
                   std::vector<boost::json::object>& out) {
  std::string token;
  do {
    std::string page = path;
    if (!token.empty()) page += "?nextToken=" + edge::PercentEncode(token, false);
    KUMO_ASSIGN_OR_RETURN(boost::json::object reply, client.GetJson("apigateway", page));
    if (const boost::json::value* items = reply.if_contains("items"); items && items->is_array()) {
      for (const boost::json::value& item : items->as_array()) {
        if (item.is_object()) out.push_back(item.as_object());
      }
    }
    token = Member(reply, "nextToken");
  } while (!token.empty());
  return Status::Ok();
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
  std::vector<boost::json::object> items;
  Status listed = ForEachPage(**client, "/v2/apis", items);
  if (!listed.ok()) {
    std::fprintf(stderr, "kumo apis: %s: %s\n", listed.error().code.c_str(),
                 listed.error().message.c_str());
    return 1;
  }
  if (items.empty()) {
    std::printf("no HTTP APIs in %s\n", options.region.c_str());
    return 0;
  }
  for (const boost::json::object& item : items) {
    std::string id = Member(item, "apiId");
    std::printf("%s  %s\n", id.c_str(), Member(item, "name").c_str());
    std::vector<boost::json::object> stages;
    Status got = ForEachPage(**client, "/v2/apis/" + id + "/stages", stages);
    if (!got.ok()) {
      std::fprintf(stderr, "kumo apis: %s: %s\n", got.error().code.c_str(),
                   got.error().message.c_str());
      return 1;
    }
    if (stages.empty()) std::printf("  (no stages)\n");
    for (const boost::json::object& s : stages) {
      std::string name = Member(s, "stageName");
      auto [host_url, path_url] = StageUrls(id, name, host, port);
      bool deployed = !Member(s, "deploymentId").empty();
      std::printf("  %s  %s  %s%s\n", name.c_str(), host_url.c_str(), path_url.c_str(),
                  deployed ? "" : "  (not deployed)");
    }
  }
  return 0;
}

}  // namespace kumo::cli

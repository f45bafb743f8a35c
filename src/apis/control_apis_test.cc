// APIs through the edge handler: CreateApi (and quick create), GetApi(s),
// UpdateApi, DeleteApi, CORS and tags, with AWS's codes and messages.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "apis/control_test_util.h"

namespace kumo::apis {
namespace {

namespace json = boost::json;
using testing::kFunctionArn;
using testing::Reply;

class ApisOpsTest : public testing::ControlTest {};

std::string Dump(const json::value& v) { return json::serialize(v); }

TEST_F(ApisOpsTest, CreateAnswers201WithHttpApiDefaults) {
  Reply r = Call("POST", "/v2/apis",
                 {{"name", "shop"},
                  {"protocolType", "HTTP"},
                  {"description", "d"},
                  {"tags", {{"team", "x"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  json::object o = r.Json();
  std::string id = r.Str("apiId");
  ASSERT_EQ(id.size(), 10u);
  for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
  EXPECT_EQ(r.Str("apiEndpoint"), "http://" + id + ".execute-api.localhost:4566");
  EXPECT_EQ(r.Str("name"), "shop");
  EXPECT_EQ(r.Str("protocolType"), "HTTP");
  EXPECT_EQ(r.Str("routeSelectionExpression"), "${request.method} ${request.path}");
  EXPECT_EQ(r.Str("apiKeySelectionExpression"), "$request.header.x-api-key");
  EXPECT_EQ(r.Str("createdDate"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(r.Str("description"), "d");
  EXPECT_EQ(o["disableExecuteApiEndpoint"], json::value(false));
  EXPECT_EQ(Dump(o["tags"]), R"({"team":"x"})");
  EXPECT_FALSE(o.contains("corsConfiguration"));

  Reply get = Call("GET", "/v2/apis/" + id);
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body, r.body) << "GetApi answers what CreateApi did";
}

TEST_F(ApisOpsTest, ApiEndpointUsesTheCallersPortElseTheConfiguredOne) {
  std::string id = CreateApi();
  EXPECT_EQ(Call("GET", "/v2/apis/" + id, {}, "127.0.0.1:9123").Str("apiEndpoint"),
            "http://" + id + ".execute-api.localhost:9123");
  EXPECT_EQ(Call("GET", "/v2/apis/" + id, {}, "[::1]:7000").Str("apiEndpoint"),
            "http://" + id + ".execute-api.localhost:7000");
  EXPECT_EQ(Call("GET", "/v2/apis/" + id, {}, "").Str("apiEndpoint"),
            "http://" + id + ".execute-api.localhost:4566");
  service_->SetEndpointPort(8000);
  EXPECT_EQ(Call("GET", "/v2/apis/" + id, {}, "kumo.internal").Str("apiEndpoint"),
            "http://" + id + ".execute-api.localhost:8000");
}

TEST_F(ApisOpsTest, CreateRefusesWebSocketAndBadInput) {
  Reply ws = Call("POST", "/v2/apis", {{"name", "ws"}, {"protocolType", "WEBSOCKET"}});
  EXPECT_EQ(ws.status, 400);
  EXPECT_EQ(ws.error_code, "BadRequestException");
  EXPECT_EQ(ws.Message(), "WebSocket APIs are not supported by Kumo");

  Reply bad_protocol = Call("POST", "/v2/apis", {{"name", "x"}, {"protocolType", "GRPC"}});
  EXPECT_EQ(bad_protocol.Message(), "Invalid protocol specified. Must be one of [HTTP, WEBSOCKET]");
  EXPECT_EQ(Call("POST", "/v2/apis", {{"protocolType", "HTTP"}}).status, 400);
  EXPECT_EQ(Call("POST", "/v2/apis", {{"name", ""}, {"protocolType", "HTTP"}}).status, 400);
  EXPECT_EQ(Call("POST", "/v2/apis", {{"name", 7}, {"protocolType", "HTTP"}}).error_code,
            "BadRequestException");
  Reply wildcard_credentials = Call(
      "POST", "/v2/apis",
      {{"name", "c"},
       {"protocolType", "HTTP"},
       {"corsConfiguration", {{"allowOrigins", json::array{"*"}}, {"allowCredentials", true}}}});
  EXPECT_EQ(wildcard_credentials.status, 400);
  Reply aws_tag = Call("POST", "/v2/apis",
                       {{"name", "t"}, {"protocolType", "HTTP"}, {"tags", {{"aws:x", "y"}}}});
  EXPECT_EQ(aws_tag.status, 400);
  EXPECT_EQ(Call("GET", "/v2/apis").Json()["items"].as_array().size(), 0u) << "nothing created";
}

TEST_F(ApisOpsTest, UnknownIdsAre404WithAwsMessage) {
  Reply r = Call("GET", "/v2/apis/nope123456");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code, "NotFoundException");
  EXPECT_EQ(r.Message(), "Invalid API identifier specified 000000000000:nope123456");
  EXPECT_EQ(r.Str("resourceType"), "Api");
  EXPECT_EQ(Call("DELETE", "/v2/apis/nope123456").status, 404);
  EXPECT_EQ(Call("PATCH", "/v2/apis/nope123456", {{"name", "x"}}).status, 404);
  EXPECT_EQ(Call("GET", "/v2/apis/nope123456/routes").status, 404);
}

TEST_F(ApisOpsTest, ApisAreRegional) {
  std::string id = CreateApi();
  EXPECT_EQ(Call("GET", "/v2/apis/" + id, {}, "localhost:4566", "eu-west-1").status, 404);
  EXPECT_EQ(
      Call("GET", "/v2/apis", {}, "localhost:4566", "eu-west-1").Json()["items"].as_array().size(),
      0u);
}

TEST_F(ApisOpsTest, GetApisPages) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) created.insert(CreateApi());
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string query = token.empty() ? "" : "&nextToken=" + edge::PercentEncode(token, false);
    Reply r = Call("GET", "/v2/apis?maxResults=2" + query);
    ASSERT_EQ(r.status, 200) << r.body;
    json::object o = r.Json();
    EXPECT_LE(o["items"].as_array().size(), 2u);
    for (const auto& item : o["items"].as_array()) {
      seen.insert(std::string(item.as_object().at("apiId").as_string()));
    }
    token = o.contains("nextToken") ? std::string(o["nextToken"].as_string()) : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
  EXPECT_EQ(Call("GET", "/v2/apis?maxResults=zero").status, 400);
}

TEST_F(ApisOpsTest, UpdatePatchesOnlyTheMembersGiven) {
  std::string id = CreateApi({{"description", "keep"}});
  Reply r = Call("PATCH", "/v2/apis/" + id,
                 {{"name", "renamed"},
                  {"corsConfiguration",
                   {{"allowOrigins", json::array{"https://app.example.com"}},
                    {"allowMethods", json::array{"GET", "POST"}},
                    {"maxAge", 300},
                    {"allowCredentials", true}}},
                  {"disableExecuteApiEndpoint", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Str("name"), "renamed");
  EXPECT_EQ(r.Str("description"), "keep");
  EXPECT_EQ(Dump(r.Json()["corsConfiguration"]),
            R"({"allowOrigins":["https://app.example.com"],"allowMethods":["GET","POST"],)"
            R"("maxAge":300,"allowCredentials":true})");
  EXPECT_EQ(r.Json()["disableExecuteApiEndpoint"], json::value(true));

  auto catalog = service_->catalog().FindApi(id);
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->api.cors.has_value());
  EXPECT_EQ(catalog->api.cors->max_age, 300);
  EXPECT_TRUE(catalog->api.disable_execute_api_endpoint);

  Reply deleted = Call("DELETE", "/v2/apis/" + id + "/cors");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.body, "");
  EXPECT_FALSE(Call("GET", "/v2/apis/" + id).Json().contains("corsConfiguration"));
  EXPECT_FALSE(service_->catalog().FindApi(id)->api.cors.has_value());
}

TEST_F(ApisOpsTest, DeleteAnswers204AndForgetsEverything) {
  std::string id = CreateApi({{"target", kFunctionArn}});
  ASSERT_TRUE(service_->catalog().ApiExists(id));
  Reply r = Call("DELETE", "/v2/apis/" + id);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Call("GET", "/v2/apis/" + id).status, 404);
  EXPECT_FALSE(service_->catalog().ApiExists(id));
  EXPECT_TRUE(service_->catalog().ListStages().empty());
}

TEST_F(ApisOpsTest, QuickCreateWithALambdaMakesIntegrationRouteAndDeployedDefaultStage) {
  std::string id = CreateApi({{"target", kFunctionArn}, {"routeKey", "GET /hello"}});
  json::object integrations = Call("GET", "/v2/apis/" + id + "/integrations").Json();
  ASSERT_EQ(integrations["items"].as_array().size(), 1u);
  const json::object& integration = integrations["items"].as_array()[0].as_object();
  EXPECT_EQ(integration.at("integrationType"), "AWS_PROXY");
  EXPECT_EQ(integration.at("integrationUri"), kFunctionArn);
  EXPECT_EQ(integration.at("payloadFormatVersion"), "2.0");
  EXPECT_EQ(integration.at("integrationMethod"), "POST");
  EXPECT_EQ(integration.at("timeoutInMillis"), 30000);
  EXPECT_EQ(integration.at("apiGatewayManaged"), true);

  json::object routes = Call("GET", "/v2/apis/" + id + "/routes").Json();
  ASSERT_EQ(routes["items"].as_array().size(), 1u);
  const json::object& route = routes["items"].as_array()[0].as_object();
  EXPECT_EQ(route.at("routeKey"), "GET /hello");
  EXPECT_EQ(
      route.at("target"),
      json::value("integrations/" + std::string(integration.at("integrationId").as_string())));
  EXPECT_EQ(route.at("authorizationType"), "NONE");

  Reply stage = Call("GET", "/v2/apis/" + id + "/stages/$default");
  ASSERT_EQ(stage.status, 200) << stage.body;
  EXPECT_EQ(stage.Json()["autoDeploy"], json::value(true));
  EXPECT_EQ(stage.Json()["apiGatewayManaged"], json::value(true));
  std::string deployment = stage.Str("deploymentId");
  EXPECT_EQ(deployment.size(), 7u);
  EXPECT_EQ(stage.Str("lastDeploymentStatusMessage"),
            "Successfully deployed stage with deployment ID '" + deployment + "'");

  auto served = service_->catalog().Lookup(id, "$default");
  ASSERT_TRUE(served.ok());
  ASSERT_NE((*served)->deployment, nullptr);
  ASSERT_EQ((*served)->deployment->routes.size(), 1u);
  EXPECT_EQ((*served)->deployment->routes[0].method, "GET");
  EXPECT_EQ((*served)->deployment->routes[0].path, "/hello");
  EXPECT_TRUE(service_->catalog().HasDefaultStage(id));
}

TEST_F(ApisOpsTest, QuickCreateWithAUrlMakesAnHttpProxyAndUpdateRetargets) {
  std::string id = CreateApi({{"target", "http://127.0.0.1:9000/backend"}});
  json::object integration =
      Call("GET", "/v2/apis/" + id + "/integrations").Json()["items"].as_array()[0].as_object();
  EXPECT_EQ(integration.at("integrationType"), "HTTP_PROXY");
  EXPECT_EQ(integration.at("integrationMethod"), "ANY");
  EXPECT_EQ(integration.at("payloadFormatVersion"), "1.0");
  json::object route =
      Call("GET", "/v2/apis/" + id + "/routes").Json()["items"].as_array()[0].as_object();
  EXPECT_EQ(route.at("routeKey"), "$default");

  std::string before = Call("GET", "/v2/apis/" + id + "/stages/$default").Str("deploymentId");
  Reply update =
      Call("PATCH", "/v2/apis/" + id, {{"target", kFunctionArn}, {"routeKey", "ANY /{proxy+}"}});
  ASSERT_EQ(update.status, 200) << update.body;
  integration =
      Call("GET", "/v2/apis/" + id + "/integrations").Json()["items"].as_array()[0].as_object();
  EXPECT_EQ(integration.at("integrationType"), "AWS_PROXY");
  EXPECT_EQ(integration.at("payloadFormatVersion"), "2.0");
  route = Call("GET", "/v2/apis/" + id + "/routes").Json()["items"].as_array()[0].as_object();
  EXPECT_EQ(route.at("routeKey"), "ANY /{proxy+}");
  std::string after = Call("GET", "/v2/apis/" + id + "/stages/$default").Str("deploymentId");
  EXPECT_NE(after, before) << "the $default stage auto-deploys the change";
  EXPECT_EQ(Call("GET", "/v2/apis/" + id + "/deployments").Json()["items"].as_array().size(), 1u)
      << "automatic deployments no stage serves are dropped";
}

TEST_F(ApisOpsTest, QuickCreateRefusesBadTargetsAndQuickMembersWithoutOne) {
  EXPECT_EQ(Call("POST", "/v2/apis", {{"name", "a"}, {"protocolType", "HTTP"}, {"target", "nope"}})
                .status,
            400);
  EXPECT_EQ(
      Call("POST", "/v2/apis",
           {{"name", "a"}, {"protocolType", "HTTP"}, {"target", kFunctionArn}, {"routeKey", "GET"}})
          .Message(),
      "The provided route key is not formatted properly for HTTP protocol. Format should be "
      "\"<HTTP METHOD> /<RESOURCE PATH>\" or \"$default\"");
  EXPECT_EQ(
      Call("POST", "/v2/apis", {{"name", "a"}, {"protocolType", "HTTP"}, {"routeKey", "GET /"}})
          .status,
      400);
  std::string plain = CreateApi();
  EXPECT_EQ(Call("PATCH", "/v2/apis/" + plain, {{"target", kFunctionArn}}).status, 400);
}

TEST_F(ApisOpsTest, TagsOnApisAndStages) {
  std::string id = CreateApi({{"tags", {{"a", "1"}}}});
  std::string arn = "arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Fapis%2F" + id;
  Reply tag = Call("POST", "/v2/tags/" + arn, {{"tags", {{"b", "2"}}}});
  EXPECT_EQ(tag.status, 201) << tag.body;
  EXPECT_EQ(Dump(Call("GET", "/v2/tags/" + arn).Json()), R"({"tags":{"a":"1","b":"2"}})");
  Reply untag = Call("DELETE", "/v2/tags/" + arn + "?tagKeys=a&tagKeys=zz");
  EXPECT_EQ(untag.status, 204);
  EXPECT_EQ(Dump(Call("GET", "/v2/tags/" + arn).Json()), R"({"tags":{"b":"2"}})");
  EXPECT_EQ(Dump(Call("GET", "/v2/apis/" + id).Json()["tags"]), R"({"b":"2"})");

  // An unencoded ARN reaches the same resource.
  EXPECT_EQ(Call("GET", "/v2/tags/arn:aws:apigateway:us-east-1::/apis/" + id).status, 200);

  ASSERT_EQ(
      Call("POST", "/v2/apis/" + id + "/stages", {{"stageName", "prod"}, {"tags", {{"s", "1"}}}})
          .status,
      201);
  std::string stage_arn = arn + "%2Fstages%2Fprod";
  EXPECT_EQ(Dump(Call("GET", "/v2/tags/" + stage_arn).Json()), R"({"tags":{"s":"1"}})");
  EXPECT_EQ(Call("POST", "/v2/tags/" + stage_arn, {{"tags", {{"t", "2"}}}}).status, 201);
  EXPECT_EQ(Dump(Call("GET", "/v2/apis/" + id + "/stages/prod").Json()["tags"]),
            R"({"s":"1","t":"2"})");

  EXPECT_EQ(Call("GET", "/v2/tags/" + arn + "%2Fstages%2Fnope").status, 404);
  EXPECT_EQ(Call("GET", "/v2/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Fapis%2Fnope").status,
            404);
  EXPECT_EQ(Call("GET", "/v2/tags/not-an-arn").status, 400);
}

TEST_F(ApisOpsTest, UnknownOperationsAndMalformedBodies) {
  Reply unknown = Call("GET", "/v2/apis/x/models");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code, "NotFoundException");
  edge::Call call;
  call.request.method = "POST";
  call.request.raw_path = call.request.path = "/v2/apis";
  call.request.body = "{not json";
  call.request.region = "us-east-1";
  class Sink : public edge::ResponseSink {
   public:
    void Complete(edge::Response response, std::string_view code) override {
      status = response.status;
      error = std::string(code);
    }
    int status = 0;
    std::string error;
  };
  auto sink = std::make_shared<Sink>();
  descriptor_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kRestJson, "r"));
  EXPECT_EQ(sink->status, 400);
  EXPECT_EQ(sink->error, "BadRequestException");
}

TEST_F(ApisOpsTest, DescriptorClaimsTheV2Paths) {
  EXPECT_EQ(descriptor_.name, "apigateway");
  EXPECT_EQ(descriptor_.protocol, edge::Protocol::kRestJson);
  EXPECT_EQ(descriptor_.signing_names, std::vector<std::string>{"apigateway"});
  EXPECT_EQ(descriptor_.path_prefixes, (std::vector<std::string>{"/v2/apis", "/v2/tags"}));
  EXPECT_TRUE(descriptor_.authenticate);
}

}  // namespace
}  // namespace kumo::apis

#include "apis/control_test_util.h"

#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>

#include "common/encoding.h"
#include "edge/request_target.h"

namespace kumo::apis::testing {
namespace {

namespace json = boost::json;

class RecordingSink : public edge::ResponseSink {
 public:
  void Complete(edge::Response response, std::string_view error_code) override {
    ++calls;
    last = std::move(response);
    last_error = std::string(error_code);
  }
  int calls = 0;
  edge::Response last;
  std::string last_error;
};

}  // namespace

json::object Reply::Json() const {
  if (body.empty()) return {};
  return json::parse(body).as_object();
}

std::string Reply::Message() const { return Json().contains("message") ? Str("message") : ""; }

std::string Reply::Str(std::string_view key) const {
  json::object o = Json();
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "<absent>";
}

void ControlTest::SetUp() {
  if (on_disk_) {
    char tmpl[] = "/tmp/kumo-apis-control-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  Open();
}

void ControlTest::TearDown() {
  service_.reset();
  store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

void ControlTest::Open() {
  storage::Options options;
  options.in_memory = !on_disk_;
  options.path = dir_ + "/db";
  auto store = storage::Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_ = std::move(store).value();
  ApiControlOptions service_options;
  service_options.clock = &clock_;
  auto service = ApiControlService::Open(*store_, service_options);
  ASSERT_TRUE(service.ok()) << service.error().message;
  service_ = std::move(service).value();
  descriptor_ = service_->Descriptor();
}

void ControlTest::Reopen() {
  ASSERT_TRUE(on_disk_);
  service_.reset();
  store_.reset();
  Open();
}

Reply ControlTest::Call(const std::string& method, const std::string& target,
                        const json::object& body, const std::string& host,
                        const std::string& region) {
  edge::Call call;
  edge::Request& r = call.request;
  r.method = method;
  r.target = target;
  edge::SplitTarget(r);
  if (!host.empty()) r.headers.Set("Host", host);
  if (!body.empty()) r.body = json::serialize(body);
  r.request_id = NewUuid();
  r.region = region;
  auto sink = std::make_shared<RecordingSink>();
  descriptor_.handler(std::move(call), edge::Responder(sink, edge::Protocol::kRestJson, "rid"));
  EXPECT_EQ(sink->calls, 1) << "the handler must answer exactly once, before it returns";
  return Reply{sink->last.status, sink->last_error, sink->last.headers, sink->last.body};
}

std::string ControlTest::CreateApi(json::object extra) {
  json::object body{{"name", "api"}, {"protocolType", "HTTP"}};
  for (auto& kv : extra) body[kv.key()] = kv.value();
  Reply r = Call("POST", "/v2/apis", body);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.Str("apiId");
}

std::string ControlTest::CreateIntegration(const std::string& api) {
  Reply r = Call("POST", "/v2/apis/" + api + "/integrations",
                 {{"integrationType", "AWS_PROXY"},
                  {"integrationUri", kFunctionArn},
                  {"payloadFormatVersion", "2.0"}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.Str("integrationId");
}

std::string ControlTest::CreateRoute(const std::string& api, const std::string& key,
                                     const std::string& integration) {
  json::object body{{"routeKey", key}};
  if (!integration.empty()) body["target"] = "integrations/" + integration;
  Reply r = Call("POST", "/v2/apis/" + api + "/routes", body);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.Str("routeId");
}

}  // namespace kumo::apis::testing

#include "functions/testing/service_fixture.h"

#include <boost/json.hpp>

#include "common/encoding.h"
#include "edge/request_target.h"
#include "functions/testing/test_zip.h"

namespace kumo::functions::testing {
void RecordingSink::Complete(edge::Response response, std::string_view error_code) {
  ++calls;
  last = std::move(response);
  last_error = std::string(error_code);
}

Reply ToReply(const RecordingSink& sink) {
  Reply reply;
  reply.status = sink.last.status;
  reply.error_code = sink.last_error;
  reply.headers = sink.last.headers;
  reply.body = sink.last.body;
  return reply;
}

boost::json::object Reply::Json() const {
  if (body.empty()) return {};
  return boost::json::parse(body).as_object();
}

std::string Reply::Message() const {
  boost::json::object o = Json();
  auto* m = o.if_contains("message");
  return m != nullptr && m->is_string() ? std::string(m->as_string()) : std::string();
}

void FakeInvoker::Invoke(InvokeRequest request, std::function<void(Result<InvokeResult>)> done) {
  Result<InvokeResult> result = InvokeResult{};
  {
    std::lock_guard lock(mu);
    requests.push_back(request);
    if (hold) {
      pending.push_back(std::move(done));
      return;
    }
    result = next_result;
  }
  done(std::move(result));
}

void ServiceTest::SetUp() {
  storage::Options options;
  options.in_memory = true;
  auto store = storage::Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_ = std::move(store).value();
  LambdaServiceOptions service_options;
  service_options.in_memory = true;
  service_options.clock = &clock_;
  service_options.random = [this] {
    if (randoms_.empty()) return 0.5;
    double r = randoms_.front();
    randoms_.pop_front();
    return r;
  };
  auto service = LambdaService::Open(*store_, service_options);
  ASSERT_TRUE(service.ok()) << service.error().message;
  service_ = std::move(service).value();
  service_->SetInvoker(invoker_);
  descriptor_ = service_->Descriptor();
  code_descriptor_ = service_->CodeDownloadDescriptor();
}

void ServiceTest::TearDown() {
  service_.reset();
  store_.reset();
}

Reply ServiceTest::Call(const std::string& method, const std::string& target,
                        const std::string& body,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  std::shared_ptr<RecordingSink> sink = Send(method, target, body, headers);
  EXPECT_EQ(sink->calls, 1) << "the handler must answer exactly once, synchronously here";
  return ToReply(*sink);
}

std::shared_ptr<RecordingSink> ServiceTest::Send(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  edge::Call call;
  edge::Request& r = call.request;
  r = MakeRequest(method, target);
  for (const auto& [k, v] : headers) r.headers.Set(k, v);
  r.body = body;
  auto sink = std::make_shared<RecordingSink>();
  // As the router would: each descriptor gets the paths it claims.
  const edge::ServiceDescriptor& target_service =
      r.raw_path.starts_with(kCodePathPrefix) ? code_descriptor_ : descriptor_;
  target_service.handler(std::move(call), edge::Responder(sink, edge::Protocol::kRestJson, "rid"));
  return sink;
}

edge::Request MakeRequest(const std::string& method, const std::string& target,
                          const std::string& host) {
  edge::Request r;
  r.method = method;
  r.target = target;
  edge::SplitTarget(r);
  r.headers.Set("Host", host);
  r.request_id = NewUuid();
  r.region = "us-east-1";
  return r;
}

boost::json::object ZipCode(const std::string& zip) {
  return boost::json::object{{"ZipFile", Base64Encode(zip)}};
}

std::string Dump(const boost::json::value& v) { return boost::json::serialize(v); }

Reply ServiceTest::Create(const std::string& name, boost::json::object extra) {
  boost::json::object body{{"FunctionName", name},
                           {"Runtime", "python3.12"},
                           {"Role", "arn:aws:iam::000000000000:role/lambda-role"},
                           {"Handler", "index.handler"},
                           {"Code", ZipCode(OneFileZip())}};
  for (auto& kv : extra) body[kv.key()] = kv.value();
  return Call("POST", "/2015-03-31/functions", Dump(body));
}

Reply ServiceTest::PublishLayer(const std::string& name, const std::string& content,
                                boost::json::object extra) {
  boost::json::object body{{"Content", ZipCode(OneFileZip("python/lib.py", content))}};
  for (auto& kv : extra) body[kv.key()] = kv.value();
  return Call("POST", "/2018-10-31/layers/" + name + "/versions", Dump(body));
}

}  // namespace kumo::functions::testing

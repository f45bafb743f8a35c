// Reserved concurrency (with the account's unreserved minimum), event invoke
// configs, and account settings.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "functions/testing/service_fixture.h"

namespace kumo::functions {
namespace {

namespace json = boost::json;
using testing::Dump;
using testing::Reply;

class ConfigOpsTest : public testing::ServiceTest {
 protected:
  Reply PutConcurrency(const std::string& fn, int64_t n) {
    return Call("PUT", "/2017-10-31/functions/" + fn + "/concurrency",
                Dump(json::object{{"ReservedConcurrentExecutions", n}}));
  }
  Reply PutInvokeConfig(const std::string& fn, json::object body, const std::string& query = "") {
    return Call("PUT", "/2019-09-25/functions/" + fn + "/event-invoke-config" + query, Dump(body));
  }
};

TEST_F(ConfigOpsTest, ReservedConcurrencyKeepsTheUnreservedMinimum) {
  ASSERT_EQ(Create("a").status, 201);
  ASSERT_EQ(Create("b").status, 201);
  Reply put = PutConcurrency("a", 500);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Dump(put.Json()), R"({"ReservedConcurrentExecutions":500})");
  EXPECT_EQ(PutConcurrency("a", 900).status, 200) << "its own old value does not count";
  Reply over = PutConcurrency("b", 1);
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.error_code, "InvalidParameterValueException");
  EXPECT_EQ(over.Message(),
            "Specified ReservedConcurrentExecutions for function decreases account's "
            "UnreservedConcurrentExecution below its minimum value of [100].");
  Reply settings = Call("GET", "/2016-08-19/account-settings/");
  json::object limit = settings.Json()["AccountLimit"].as_object();
  EXPECT_EQ(limit["ConcurrentExecutions"].as_int64(), 1000);
  EXPECT_EQ(limit["UnreservedConcurrentExecutions"].as_int64(), 100);
  EXPECT_EQ(settings.Json()["AccountUsage"].as_object()["FunctionCount"].as_int64(), 2);

  EXPECT_EQ(Dump(Call("GET", "/2019-09-30/functions/a/concurrency").Json()),
            R"({"ReservedConcurrentExecutions":900})");
  EXPECT_EQ(Call("GET", "/2015-03-31/functions/a")
                .Json()["Concurrency"]
                .as_object()
                .at("ReservedConcurrentExecutions")
                .as_int64(),
            900);
  EXPECT_EQ(Call("DELETE", "/2017-10-31/functions/a/concurrency").status, 204);
  EXPECT_EQ(Call("GET", "/2019-09-30/functions/a/concurrency").body, "{}");
  EXPECT_EQ(PutConcurrency("a", 0).status, 200) << "zero throttles the function";
  Result<FunctionConfig> c = service_->Resolve("us-east-1", "a", "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->reserved_concurrency, 0);

  EXPECT_EQ(PutConcurrency("a", -1).error_code, "ValidationException");
  EXPECT_EQ(PutConcurrency("a:1", 5).Message(),
            "This operation is permitted on Lambda functions only. Aliases and versions do not "
            "support this operation. Please specify either a function name or an unqualified "
            "function ARN.");
  EXPECT_EQ(PutConcurrency("nope", 5).status, 404);
}

TEST_F(ConfigOpsTest, EventInvokeConfigLifecycle) {
  ASSERT_EQ(Create("f").status, 201);
  ASSERT_EQ(Create("dest").status, 201);
  std::string queue = "arn:aws:sqs:us-east-1:000000000000:failures";
  Reply put = PutInvokeConfig(
      "f",
      {{"MaximumRetryAttempts", 1},
       {"DestinationConfig", json::object{{"OnFailure", json::object{{"Destination", queue}}}}}});
  ASSERT_EQ(put.status, 200) << put.body;
  json::object o = put.Json();
  EXPECT_EQ(o["FunctionArn"].as_string(),
            "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST");
  EXPECT_EQ(o["MaximumRetryAttempts"].as_int64(), 1);
  EXPECT_DOUBLE_EQ(o["LastModified"].as_double(), 1700000000.0);
  EXPECT_EQ(Dump(o["DestinationConfig"]),
            R"({"OnSuccess":{},"OnFailure":{"Destination":")" + queue + R"("}})");

  Reply update = Call("POST", "/2019-09-25/functions/f/event-invoke-config",
                      Dump(json::object{{"MaximumEventAgeInSeconds", 120}}));
  ASSERT_EQ(update.status, 200) << update.body;
  EXPECT_EQ(update.Json()["MaximumRetryAttempts"].as_int64(), 1) << "update merges";
  EXPECT_EQ(update.Json()["MaximumEventAgeInSeconds"].as_int64(), 120);
  Result<FunctionConfig> c = service_->Resolve("us-east-1", "f", "");
  ASSERT_TRUE(c.ok() && c->event_invoke_config.has_value());
  EXPECT_EQ(c->event_invoke_config->maximum_event_age_seconds, 120);
  EXPECT_EQ(c->event_invoke_config->on_failure_destination, queue);

  Reply replaced = PutInvokeConfig("f", {{"MaximumEventAgeInSeconds", 60}});
  EXPECT_FALSE(replaced.Json().contains("MaximumRetryAttempts")) << "put replaces";
  Reply list = Call("GET", "/2019-09-25/functions/f/event-invoke-config/list");
  EXPECT_EQ(list.Json()["FunctionEventInvokeConfigs"].as_array().size(), 1u);
  EXPECT_EQ(Call("DELETE", "/2019-09-25/functions/f/event-invoke-config").status, 204);
  Reply gone = Call("GET", "/2019-09-25/functions/f/event-invoke-config");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.Message(),
            "The function arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST doesn't have "
            "an EventInvokeConfig");
}

TEST_F(ConfigOpsTest, EventInvokeConfigValidation) {
  ASSERT_EQ(Create("f").status, 201);
  EXPECT_EQ(PutInvokeConfig("f", {{"MaximumRetryAttempts", 3}}).Message(),
            "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy "
            "constraint: Member must have value less than or equal to 2");
  EXPECT_EQ(PutInvokeConfig("f", {}).Message(),
            "You must specify at least one of error handling or destination setting.");
  auto on_success = [](std::string arn) {
    return json::object{
        {"DestinationConfig", json::object{{"OnSuccess", json::object{{"Destination", arn}}}}}};
  };
  EXPECT_EQ(PutInvokeConfig("f", on_success("arn:aws:lambda:us-east-1:000000000000:function:f"))
                .Message(),
            "You can't specify the function as a destination for itself.");
  EXPECT_EQ(PutInvokeConfig("f", on_success("arn:aws:lambda:us-east-1:000000000000:function:nope"))
                .Message(),
            "The destination ARN arn:aws:lambda:us-east-1:000000000000:function:nope is invalid.");
  EXPECT_EQ(
      PutInvokeConfig("f", on_success("arn:aws:dynamodb:us-east-1:000000000000:table/t")).Message(),
      "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
      "arn:aws:dynamodb:us-east-1:000000000000:table/t), onFailure=null) is invalid.");
  EXPECT_EQ(PutInvokeConfig("f", {{"MaximumRetryAttempts", 0}}, "?Qualifier=9").Message(),
            "The function doesn't exist.");
  Reply update_missing = Call("POST", "/2019-09-25/functions/f/event-invoke-config",
                              Dump(json::object{{"MaximumRetryAttempts", 0}}));
  EXPECT_EQ(update_missing.status, 404);
}

}  // namespace
}  // namespace kumo::functions

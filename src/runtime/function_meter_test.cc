// The function meter's Prometheus text: one series per counter per function.
#include "runtime/function_meter.h"

#include <gtest/gtest.h>

namespace kumo::runtime {
namespace {

TEST(FunctionMeterTest, RendersEveryCounterPerFunction) {
  FunctionMeter meter;
  FunctionCounters& c = meter.For("us-east-1", "fn");
  c.invocations += 3;
  c.errors += 1;
  c.throttles += 2;
  c.cold_starts += 1;
  c.duration_nanos += 1500000000;
  c.billed_mb_ms += 2 * 1024 * 1000;  // 2 GB-s
  c.in_flight += 1;
  c.environments += 2;
  EXPECT_EQ(&meter.For("us-east-1", "fn"), &c) << "the same counters";
  std::string text;
  meter.Render(text);
  for (const char* line : {
           "# TYPE kumo_function_invocations_total counter\n",
           "kumo_function_invocations_total{region=\"us-east-1\",function=\"fn\"} 3\n",
           "kumo_function_errors_total{region=\"us-east-1\",function=\"fn\"} 1\n",
           "kumo_function_throttles_total{region=\"us-east-1\",function=\"fn\"} 2\n",
           "kumo_function_cold_starts_total{region=\"us-east-1\",function=\"fn\"} 1\n",
           "kumo_function_duration_seconds_total{region=\"us-east-1\",function=\"fn\"} 1.5\n",
           "kumo_function_billed_gb_seconds_total{region=\"us-east-1\",function=\"fn\"} 2\n",
           "# TYPE kumo_function_concurrent_executions gauge\n",
           "kumo_function_concurrent_executions{region=\"us-east-1\",function=\"fn\"} 1\n",
           "kumo_function_environments{region=\"us-east-1\",function=\"fn\"} 2\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
}

TEST(FunctionMeterTest, RegionsAreSeparateAndLabelsEscaped) {
  FunctionMeter meter;
  meter.For("us-east-1", "fn").invocations += 1;
  meter.For("eu-west-1", "fn").invocations += 5;
  meter.For("us-east-1", "we\"ird").invocations += 7;
  std::string text;
  meter.Render(text);
  EXPECT_NE(text.find("{region=\"eu-west-1\",function=\"fn\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("{region=\"us-east-1\",function=\"fn\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("function=\"we\\\"ird\"} 7\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace kumo::runtime

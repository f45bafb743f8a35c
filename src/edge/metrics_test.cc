// Metrics: what /_kumo/metrics renders, the cap on client-chosen operation
// names, and counting from several threads and several Metrics objects.
#include "edge/metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace kumo::edge {
namespace {

// The value of the one line of `text` that starts with `prefix`, or -1.
int64_t ValueOf(const std::string& text, const std::string& prefix) {
  size_t at = text.find("\n" + prefix);
  if (at == std::string::npos) return -1;
  size_t end = text.find('\n', at + 1);
  std::string line = text.substr(at + 1, end - at - 1);
  return std::stoll(line.substr(line.rfind(' ') + 1));
}

TEST(MetricsTest, RendersCountsHistogramsAndErrors) {
  Metrics m;
  m.Record("dynamodb", "GetItem", 200, "", 50'000);     // 50 us
  m.Record("dynamodb", "GetItem", 200, "", 2'000'000);  // 2 ms
  m.Record("dynamodb", "GetItem", 400, "ValidationException", 300'000);
  std::string text = m.Render();
  EXPECT_EQ(ValueOf(text, R"m(kumo_requests_total{service="dynamodb",operation="GetItem"})m"), 3);
  EXPECT_EQ(
      ValueOf(
          text,
          R"m(kumo_request_duration_seconds_bucket{service="dynamodb",operation="GetItem",le="0.0001"})m"),
      1);
  EXPECT_EQ(
      ValueOf(
          text,
          R"m(kumo_request_duration_seconds_bucket{service="dynamodb",operation="GetItem",le="0.0005"})m"),
      2);
  EXPECT_EQ(
      ValueOf(
          text,
          R"m(kumo_request_duration_seconds_bucket{service="dynamodb",operation="GetItem",le="+Inf"})m"),
      3);
  EXPECT_EQ(
      ValueOf(
          text,
          R"m(kumo_errors_total{service="dynamodb",operation="GetItem",code="ValidationException"})m"),
      1);
  EXPECT_EQ(m.TotalRequests(), 3);
}

TEST(MetricsTest, ClientChosenOperationNamesAreCapped) {
  Metrics m;
  for (int i = 0; i < 1500; ++i) {
    m.Record("dynamodb", "Bogus" + std::to_string(i), 400, "UnknownOperationException", 1000);
  }
  std::string text = m.Render();
  std::regex series(R"m(\nkumo_requests_total\{)m");
  auto lines =
      std::distance(std::sregex_iterator(text.begin(), text.end(), series), std::sregex_iterator());
  EXPECT_LE(lines, 1001);
  EXPECT_EQ(ValueOf(text, "kumo_requests_total{service=\"dynamodb\",operation=\"(other)\"}"), 500);
  EXPECT_EQ(ValueOf(text,
                    "kumo_errors_total{service=\"dynamodb\",operation=\"(other)\","
                    "code=\"UnknownOperationException\"}"),
            500);
  // A name already known keeps its own series.
  m.Record("dynamodb", "Bogus7", 400, "UnknownOperationException", 1000);
  EXPECT_EQ(ValueOf(m.Render(), R"m(kumo_requests_total{service="dynamodb",operation="Bogus7"})m"),
            2);
}

TEST(MetricsTest, CountsFromManyThreadsAddUp) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) m.Record("lambda", "Invoke", 200, "", 1000);
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.Render();
  EXPECT_EQ(ValueOf(text, R"m(kumo_requests_total{service="lambda",operation="Invoke"})m"), 6000);
  EXPECT_EQ(
      ValueOf(text,
              R"m(kumo_request_duration_seconds_count{service="lambda",operation="Invoke"})m"),
      6000);
}

// Each thread caches series per Metrics object: a second object on the same
// thread (or a new one where an old one was) must not see the first's counts.
TEST(MetricsTest, SeveralMetricsOnOneThreadStaySeparate) {
  auto a = std::make_unique<Metrics>();
  Metrics b;
  a->Record("s", "Op", 200, "", 1000);
  b.Record("s", "Op", 200, "", 1000);
  a->Record("s", "Op", 200, "", 1000);
  EXPECT_EQ(ValueOf(a->Render(), R"m(kumo_requests_total{service="s",operation="Op"})m"), 2);
  EXPECT_EQ(ValueOf(b.Render(), R"m(kumo_requests_total{service="s",operation="Op"})m"), 1);
  a.reset();
  auto c = std::make_unique<Metrics>();  // may reuse a's address
  c->Record("s", "Op", 200, "", 1000);
  EXPECT_EQ(ValueOf(c->Render(), R"m(kumo_requests_total{service="s",operation="Op"})m"), 1);
}

}  // namespace
}  // namespace kumo::edge

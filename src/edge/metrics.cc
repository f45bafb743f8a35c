#include "edge/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace kumo::edge {

namespace {

// Operation names come from clients (an X-Amz-Target suffix, a query
// Action), so the series are capped: past kMaxSeries, a new operation is
// counted as "(other)" and memory and /_kumo/metrics stay bounded.
constexpr size_t kMaxSeries = 1000;
constexpr std::string_view kOtherOperation = "(other)";

// "service\0operation[\0code]" with the operation replaced by "(other)".
std::string OverflowKey(std::string_view key) {
  size_t first = key.find('\0');
  std::string out(key.substr(0, first));
  out += '\0';
  out += kOtherOperation;
  if (first != std::string_view::npos) {
    size_t second = key.find('\0', first + 1);
    if (second != std::string_view::npos) out += key.substr(second);
  }
  return out;
}

}  // namespace

template <typename T>
T& Metrics::Find(std::map<std::string, std::unique_ptr<T>, std::less<>>& map,
                 std::string_view key) {
  {
    std::shared_lock lock(mu_);
    auto it = map.find(key);
    if (it != map.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto it = map.find(key);
  if (it == map.end() && map.size() >= kMaxSeries) it = map.find(OverflowKey(key));
  if (it == map.end()) {
    std::string slot_key = map.size() >= kMaxSeries ? OverflowKey(key) : std::string(key);
    it = map.emplace(std::move(slot_key), std::make_unique<T>()).first;
  }
  return *it->second;
}

namespace {

std::atomic<uint64_t> next_metrics_id{1};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// This thread's shard of every series.
size_t ThreadShard(size_t shards) {
  static std::atomic<size_t> next{0};
  thread_local const size_t shard = next.fetch_add(1, std::memory_order_relaxed);
  return shard % shards;
}

}  // namespace

Metrics::Metrics() : id_(next_metrics_id.fetch_add(1, std::memory_order_relaxed)) {}

Metrics::Series& Metrics::SeriesFor(std::string_view key) {
  // Series are never removed while their Metrics lives, so the pointers
  // stay valid; the cache starts over when the thread records into another
  // Metrics (told apart by id, not address, which a new one may reuse).
  struct Cache {
    uint64_t owner = 0;
    std::unordered_map<std::string, Series*, StringHash, std::equal_to<>> series;
  };
  thread_local Cache cache;
  if (cache.owner != id_ || cache.series.size() > 2 * kMaxSeries) {
    cache.owner = id_;
    cache.series.clear();
  }
  if (auto it = cache.series.find(key); it != cache.series.end()) return *it->second;
  Series& series = Find(series_, key);
  cache.series.emplace(std::string(key), &series);
  return series;
}

void Metrics::Record(const std::string& service, const std::string& operation, int status,
                     const std::string& error_code, int64_t latency_nanos) {
  total_.fetch_add(1, std::memory_order_relaxed);
  // Keys are built in a stack buffer: the common case allocates nothing.
  char buf[256];
  size_t n = 0;
  auto append = [&](std::string_view part) {
    size_t take = std::min(part.size(), sizeof buf - n);
    std::memcpy(buf + n, part.data(), take);
    n += take;
  };
  append(service);
  append(std::string_view("\0", 1));
  append(operation);
  Shard& s = SeriesFor(std::string_view(buf, n)).shards[ThreadShard(kShards)];
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_nanos.fetch_add(latency_nanos, std::memory_order_relaxed);
  double seconds = static_cast<double>(latency_nanos) / 1e9;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      s.buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  if (!error_code.empty()) {
    append(std::string_view("\0", 1));
    append(error_code);
    Find(errors_, std::string_view(buf, n)).count.fetch_add(1, std::memory_order_relaxed);
  }
}

void Metrics::AddCollector(std::function<void(std::string&)> collector) {
  std::unique_lock lock(mu_);
  collectors_.push_back(std::move(collector));
}

namespace {

// Prometheus label values escape backslash, quote and newline.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::pair<std::string_view, std::string_view> SplitKey(std::string_view key) {
  size_t z = key.find('\0');
  return {key.substr(0, z), key.substr(z + 1)};
}

}  // namespace

std::string Metrics::Render() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::shared_lock lock(mu_);
    out += "# HELP kumo_requests_total Requests answered, by service and operation.\n";
    out += "# TYPE kumo_requests_total counter\n";
    for (const auto& [key, s] : series_) {
      auto [service, op] = SplitKey(key);
      out +=
          fmt::format("kumo_requests_total{{service=\"{}\",operation=\"{}\"}} {}\n", Label(service),
                      Label(op), s->Sum([](const Shard& h) -> auto& { return h.count; }));
    }
    out += "# HELP kumo_request_duration_seconds Request latency at the edge.\n";
    out += "# TYPE kumo_request_duration_seconds histogram\n";
    for (const auto& [key, s] : series_) {
      auto [service, op] = SplitKey(key);
      std::string labels =
          fmt::format("service=\"{}\",operation=\"{}\"", Label(service), Label(op));
      int64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += s->Sum([i](const Shard& h) -> auto& { return h.buckets[i]; });
        out += fmt::format("kumo_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels,
                           kBuckets[i], cumulative);
      }
      const int64_t count = s->Sum([](const Shard& h) -> auto& { return h.count; });
      const int64_t sum_nanos = s->Sum([](const Shard& h) -> auto& { return h.sum_nanos; });
      out +=
          fmt::format("kumo_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, count);
      out += fmt::format("kumo_request_duration_seconds_sum{{{}}} {:.6f}\n", labels,
                         static_cast<double>(sum_nanos) / 1e9);
      out += fmt::format("kumo_request_duration_seconds_count{{{}}} {}\n", labels, count);
    }
    out += "# HELP kumo_errors_total Error answers, by service, operation and AWS error code.\n";
    out += "# TYPE kumo_errors_total counter\n";
    for (const auto& [key, e] : errors_) {
      auto [service, rest] = SplitKey(key);
      auto [op, code] = SplitKey(rest);
      out += fmt::format("kumo_errors_total{{service=\"{}\",operation=\"{}\",code=\"{}\"}} {}\n",
                         Label(service), Label(op), Label(code), e->count.load());
    }
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(out);
  return out;
}

}  // namespace kumo::edge

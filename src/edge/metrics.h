// Metrics: request counts, latency histograms and error counts by service
// and operation, served as Prometheus text at /_kumo/metrics. Other modules
// add their own lines through collectors (e.g. the function meter).
//
// Thread-safety: all methods are safe from any thread. Recording finds its
// series in a per-thread cache and adds to the thread's shard with relaxed
// atomics; a (service, operation) pair new to a thread takes the shared lock
// once, a pair new to the process the exclusive lock once.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kumo::edge {

class Metrics {
 public:
  // Latency bucket upper bounds in seconds (Prometheus `le`).
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  Metrics();

  // One finished request. `error_code` empty on success.
  void Record(const std::string& service, const std::string& operation, int status,
              const std::string& error_code, int64_t latency_nanos);

  // A collector appends Prometheus text (with its own # HELP/# TYPE lines).
  void AddCollector(std::function<void(std::string&)> collector);

  // The whole exposition, in Prometheus text format 0.0.4.
  std::string Render() const;

  int64_t TotalRequests() const { return total_.load(); }

 private:
  // The counters of one (service, operation), in shards on cache lines of
  // their own: each thread adds to its shard (no line bouncing between
  // cores on every request); Render sums them.
  static constexpr size_t kShards = 4;
  struct alignas(64) Shard {
    std::atomic<int64_t> count{0};
    std::atomic<int64_t> sum_nanos{0};
    std::array<std::atomic<int64_t>, kBuckets.size()> buckets{};
  };
  struct Series {
    std::array<Shard, kShards> shards;
    template <typename F>
    int64_t Sum(F field) const {
      int64_t total = 0;
      for (const Shard& shard : shards) total += field(shard).load(std::memory_order_relaxed);
      return total;
    }
  };
  struct ErrorSeries {
    std::atomic<int64_t> count{0};
  };
  template <typename T>
  T& Find(std::map<std::string, std::unique_ptr<T>, std::less<>>& map, std::string_view key);
  // Find(series_, key) through a per-thread cache: no shared lock per request.
  Series& SeriesFor(std::string_view key);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<Series>, std::less<>> series_;  // "service\0operation"
  std::map<std::string, std::unique_ptr<ErrorSeries>, std::less<>>
      errors_;  // "service\0operation\0code"
  std::vector<std::function<void(std::string&)>> collectors_;
  std::atomic<int64_t> total_{0};
  const uint64_t id_;  // tells the per-thread caches of two Metrics apart
};

}  // namespace kumo::edge

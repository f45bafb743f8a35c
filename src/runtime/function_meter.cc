#include "runtime/function_meter.h"

#include <fmt/format.h>

#include <mutex>

namespace kumo::runtime {
namespace {

std::string Key(std::string_view region, std::string_view function) {
  std::string key;
  key.reserve(region.size() + function.size() + 1);
  key.append(region).push_back('\0');
  key.append(function);
  return key;
}

// Prometheus label values escape backslash, quote and newline.
std::string LabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

struct Series {
  const char* name;
  const char* type;
  const char* help;
  double (*value)(const FunctionCounters&);
};

const Series kSeries[] = {
    {"kumo_function_invocations_total", "counter", "Invocations finished, any outcome.",
     [](const FunctionCounters& c) { return static_cast<double>(c.invocations.load()); }},
    {"kumo_function_errors_total", "counter",
     "Invocations that ended in a function error or a platform fault.",
     [](const FunctionCounters& c) { return static_cast<double>(c.errors.load()); }},
    {"kumo_function_throttles_total", "counter", "Invocations rejected with 429.",
     [](const FunctionCounters& c) { return static_cast<double>(c.throttles.load()); }},
    {"kumo_function_cold_starts_total", "counter", "Invocations that started an environment.",
     [](const FunctionCounters& c) { return static_cast<double>(c.cold_starts.load()); }},
    {"kumo_function_duration_seconds_total", "counter", "Sum of invocation durations.",
     [](const FunctionCounters& c) { return static_cast<double>(c.duration_nanos.load()) / 1e9; }},
    {"kumo_function_billed_gb_seconds_total", "counter",
     "Billed duration times memory, in GB-seconds.",
     [](const FunctionCounters& c) {
       return static_cast<double>(c.billed_mb_ms.load()) / 1024.0 / 1000.0;
     }},
    {"kumo_function_concurrent_executions", "gauge", "Invocations in flight.",
     [](const FunctionCounters& c) { return static_cast<double>(c.in_flight.load()); }},
    {"kumo_function_environments", "gauge", "Live execution environments.",
     [](const FunctionCounters& c) { return static_cast<double>(c.environments.load()); }},
};

}  // namespace

FunctionCounters& FunctionMeter::For(std::string_view region, std::string_view function) {
  const std::string key = Key(region, function);
  {
    std::shared_lock lock(mu_);
    auto it = counters_.find(key);
    if (it != counters_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& slot = counters_[key];
  if (!slot) slot = std::make_unique<FunctionCounters>();
  return *slot;
}

void FunctionMeter::Render(std::string& out) const {
  std::shared_lock lock(mu_);
  for (const Series& s : kSeries) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", s.name, s.help, s.name,
                   s.type);
    for (const auto& [key, counters] : counters_) {
      const size_t nul = key.find('\0');
      fmt::format_to(std::back_inserter(out), "{}{{region=\"{}\",function=\"{}\"}} {}\n", s.name,
                     LabelValue(std::string_view(key).substr(0, nul)),
                     LabelValue(std::string_view(key).substr(nul + 1)), s.value(*counters));
    }
  }
}

}  // namespace kumo::runtime

#include "runtime/log_store_sink.h"

#include <spdlog/spdlog.h>

namespace kumo::runtime {

void LogStoreSink::Append(const std::string& region, const std::string& group,
                          const std::string& stream, std::vector<LogEvent> events) {
  std::vector<logs::LogEvent> converted;
  converted.reserve(events.size());
  for (LogEvent& e : events) converted.push_back({e.timestamp, std::move(e.message)});
  store_.Append(logs::GroupRef{region, group}, stream, std::move(converted), [](Status status) {
    if (!status.ok()) {
      spdlog::warn("runtime: a function log write failed: {}", status.error().message);
    }
  });
}

}  // namespace kumo::runtime

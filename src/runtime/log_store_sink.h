// LogStoreSink: the LogSink that writes to Kumo's CloudWatch Logs store, so
// function output is readable with `aws logs get-log-events` / filter-log-events.
//
// Thread-safety: as LogStore (any thread). The LogStore must outlive it.
#pragma once

#include <memory>

#include "logs/log_store.h"
#include "runtime/log_sink.h"

namespace kumo::runtime {

class LogStoreSink : public LogSink {
 public:
  explicit LogStoreSink(logs::LogStore& store) : store_(store) {}
  // LogStore::Append: creates the group and stream on first use, never
  // blocks; a failed write is logged by the store's callback, not retried.
  void Append(const std::string& region, const std::string& group, const std::string& stream,
              std::vector<LogEvent> events) override;

 private:
  logs::LogStore& store_;
};

}  // namespace kumo::runtime

// LogSink: where the execution engine writes each environment's log events
// (CloudWatch Logs' model: region, log group, log stream, events). The server
// gives the engine a LogStoreSink (log_store_sink.h) over logs::LogStore;
// tests give a recording sink.
//
// Thread-safety: implementations must accept Append from any thread at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kumo::runtime {

struct LogEvent {
  int64_t timestamp = 0;  // ms since the epoch
  std::string message;    // one line, "\n" included, as Lambda writes it
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  // Appends `events` (in order) to `stream` of `group`, creating both on
  // first use. Must not block on I/O: the engine calls it on I/O threads.
  virtual void Append(const std::string& region, const std::string& group,
                      const std::string& stream, std::vector<LogEvent> events) = 0;
};

}  // namespace kumo::runtime

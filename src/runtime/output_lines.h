// OutputLines: turns the bytes an environment writes to stdout/stderr into
// log events the way Lambda does: one event per line ("\n" ends a line and
// stays in the message; Kumo's runtime clients turn newlines inside one log
// call into "\r", so a multi-line message stays one event), lines longer than
// CloudWatch's 256 KB event limit split, and a partial last line kept until
// its newline arrives or Flush() is called.
//
// LogTail: the last 4 KB of an invocation's log text (LogType Tail).
//
// Thread-safety: none; the owning environment serializes access.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/log_sink.h"

namespace kumo::runtime {

class OutputLines {
 public:
  static constexpr size_t kMaxEventBytes = 256 * 1024;

  // Appends `bytes` read at `timestamp`; complete lines become events.
  void Feed(std::string_view bytes, int64_t timestamp);
  // Turns a pending partial line into an event.
  void Flush();
  // Appends one already-formed event (a platform line).
  void Add(std::string message, int64_t timestamp);
  // The events so far, in order; leaves the collector empty but keeps a
  // pending partial line.
  std::vector<LogEvent> Take();
  bool empty() const { return events_.empty(); }
  size_t bytes() const { return bytes_; }
  const std::vector<LogEvent>& events() const { return events_; }

 private:
  std::vector<LogEvent> events_;
  size_t bytes_ = 0;     // message bytes in events_
  std::string partial_;  // the current line, without its newline yet
  int64_t partial_timestamp_ = 0;
};

class LogTail {
 public:
  static constexpr size_t kTailBytes = 4096;
  void Append(std::string_view text);
  // The last kTailBytes bytes appended since the last Clear().
  std::string_view View() const;
  void Clear() { text_.clear(); }

 private:
  std::string text_;  // trimmed to kTailBytes once it grows past twice that
};

}  // namespace kumo::runtime

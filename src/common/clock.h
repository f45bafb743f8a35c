// Clock: the one seam through which Kumo reads time, so tests inject a fake.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace kumo {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
  // Monotonic time in nanoseconds, for durations; unrelated to the epoch.
  virtual int64_t MonotonicNanos() const = 0;

  // The process-wide real clock.
  static const Clock& System();
};

// A clock that moves only when told. For tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_millis) : now_(now_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  int64_t MonotonicNanos() const override { return now_.load() * 1000000; }
  void AdvanceMillis(int64_t ms) { now_ += ms; }
  void SetMillis(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_;
};

// Formats: 2015-08-30T12:36:00Z (ISO 8601 basic is FormatAmzDate).
std::string FormatIso8601(int64_t epoch_millis, bool with_millis = false);
// 20150830T123600Z, the x-amz-date form.
std::string FormatAmzDate(int64_t epoch_millis);
// Sun, 30 Aug 2015 12:36:00 GMT (RFC 7231 IMF-fixdate).
std::string FormatHttpDate(int64_t epoch_millis);
// Parses 20150830T123600Z; returns -1 when malformed.
int64_t ParseAmzDate(const std::string& text);

}  // namespace kumo

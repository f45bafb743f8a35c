// Deadlines: many timeouts on one Asio timer. Integration timeouts are set
// for every gateway request and almost never fire; a timer object per
// request would cost an allocation, a timer-queue operation and, to cancel
// it from the thread that got the answer, a hop to the timer's thread. Here
// Add and Cancel only touch a map under a mutex; the single timer is re-armed
// (one post to its executor) only when a new deadline is earlier than every
// pending one.
//
// Thread-safety: Add and Cancel from any thread. Callbacks run on the
// executor's thread, without the mutex held. Destroy only once the
// executor no longer runs (its pending handlers then never run).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

namespace kumo::apis {

class Deadlines {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Handle {
    TimePoint when;
    uint64_t id = 0;
  };

  explicit Deadlines(boost::asio::any_io_executor executor);
  Deadlines(const Deadlines&) = delete;
  Deadlines& operator=(const Deadlines&) = delete;

  // `fire` runs once `when` has passed, unless cancelled first.
  Handle Add(TimePoint when, std::function<void()> fire);
  // False when the deadline already fired (or is firing).
  bool Cancel(const Handle& handle);

 private:
  void Rearm();   // on the timer's executor
  void Expire();  // on the timer's executor

  boost::asio::steady_timer timer_;
  std::mutex mu_;
  std::map<std::pair<TimePoint, uint64_t>, std::function<void()>> pending_;
  uint64_t next_id_ = 0;
  TimePoint armed_ = TimePoint::max();  // the timer's expiry; max: not armed
};

}  // namespace kumo::apis

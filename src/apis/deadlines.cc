#include "apis/deadlines.h"

#include <boost/asio/post.hpp>
#include <vector>

namespace kumo::apis {

Deadlines::Deadlines(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {}

Deadlines::Handle Deadlines::Add(TimePoint when, std::function<void()> fire) {
  std::lock_guard lock(mu_);
  Handle handle{when, ++next_id_};
  pending_.emplace(std::make_pair(when, handle.id), std::move(fire));
  if (when < armed_) {
    armed_ = when;
    boost::asio::post(timer_.get_executor(), [this] { Rearm(); });
  }
  return handle;
}

bool Deadlines::Cancel(const Handle& handle) {
  std::lock_guard lock(mu_);
  return pending_.erase(std::make_pair(handle.when, handle.id)) > 0;
}

void Deadlines::Rearm() {
  TimePoint next;
  {
    std::lock_guard lock(mu_);
    if (pending_.empty()) {
      armed_ = TimePoint::max();
      timer_.cancel();
      return;
    }
    next = pending_.begin()->first.first;
    armed_ = next;
  }
  timer_.expires_at(next);  // cancels a wait armed for a later deadline
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) Expire();
  });
}

void Deadlines::Expire() {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mu_);
    const TimePoint now = std::chrono::steady_clock::now();
    while (!pending_.empty() && pending_.begin()->first.first <= now) {
      due.push_back(std::move(pending_.begin()->second));
      pending_.erase(pending_.begin());
    }
  }
  for (auto& fire : due) fire();
  Rearm();
}

}  // namespace kumo::apis

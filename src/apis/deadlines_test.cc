// Deadlines: many timeouts on one timer. Protects: a deadline fires once
// after its time, a cancelled one never fires, and an earlier deadline
// added after a later one still fires first (the timer is re-armed).
#include "apis/deadlines.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>
#include <vector>

namespace kumo::apis {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class DeadlinesTest : public ::testing::Test {
 protected:
  DeadlinesTest() : work_(io_.get_executor()), deadlines_(io_.get_executor()) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~DeadlinesTest() override {
    io_.stop();
    thread_.join();
  }
  // Waits (bounded) until `n` deadlines fired.
  bool WaitFor(size_t n) {
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard lock(mu_);
        if (fired_.size() >= n) return true;
      }
      std::this_thread::sleep_for(milliseconds(1));
    }
    return false;
  }
  std::function<void()> Record(int tag) {
    return [this, tag] {
      std::lock_guard lock(mu_);
      fired_.push_back(tag);
    };
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  Deadlines deadlines_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<int> fired_;
};

TEST_F(DeadlinesTest, FiresAfterItsTimeUnlessCancelled) {
  Clock::time_point start = Clock::now();
  Deadlines::Handle kept = deadlines_.Add(start + milliseconds(30), Record(1));
  Deadlines::Handle cancelled = deadlines_.Add(start + milliseconds(20), Record(2));
  EXPECT_TRUE(deadlines_.Cancel(cancelled));
  ASSERT_TRUE(WaitFor(1));
  EXPECT_GE(Clock::now() - start, milliseconds(30));
  EXPECT_FALSE(deadlines_.Cancel(kept)) << "already fired";
  std::this_thread::sleep_for(milliseconds(30));
  std::lock_guard lock(mu_);
  EXPECT_EQ(fired_, std::vector<int>({1}));
}

TEST_F(DeadlinesTest, AnEarlierDeadlineAddedLaterFiresFirst) {
  Clock::time_point start = Clock::now();
  deadlines_.Add(start + milliseconds(400), Record(1));
  deadlines_.Add(start + milliseconds(20), Record(2));
  ASSERT_TRUE(WaitFor(1));
  EXPECT_LT(Clock::now() - start, milliseconds(390)) << "the timer was re-armed for the earlier one";
  ASSERT_TRUE(WaitFor(2));
  std::lock_guard lock(mu_);
  EXPECT_EQ(fired_, std::vector<int>({2, 1}));
}

}  // namespace
}  // namespace kumo::apis

// WriteAsync: call order, group commit, per-batch failures, draining on
// Close; and concurrent blocking writers.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "storage/store_test_util.h"

namespace kumo::storage {
namespace {

using testing::FamilyOrFail;
using testing::GetOrMarker;
using testing::OpenOrFail;
using testing::TempDir;

constexpr auto kWaitBound = std::chrono::seconds(60);

// Counts events from other threads; waits with a bound instead of sleeping.
class Counter {
 public:
  void Add() {
    std::lock_guard lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  bool WaitFor(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kWaitBound, [&] { return count_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
};

WriteBatch OnePut(Family family, const std::string& key, const std::string& value) {
  WriteBatch batch;
  batch.Put(family, key, value);
  return batch;
}

// Queues a batch whose callback blocks the commit thread until Open() is
// called, so that everything queued meanwhile lands in the next group.
class Gate {
 public:
  void Queue(Store& store, Family family) {
    store.WriteAsync(OnePut(family, "gate", "x"), [this](Status s) {
      EXPECT_TRUE(s.ok());
      EXPECT_TRUE(opened_.WaitFor(1));
    });
  }
  void Open() { opened_.Add(); }

 private:
  Counter opened_;
};

class StoreAsyncTest : public ::testing::Test {
 protected:
  Options DiskOptions() const { return Options{dir_.path() + "/db", false}; }
  TempDir dir_;
};

TEST_F(StoreAsyncTest, AppliesAndAcknowledgesInCallOrder) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  constexpr int kBatches = 1000;
  std::vector<int> acknowledged;  // written by the commit thread only
  Counter done;
  for (int i = 0; i < kBatches; ++i) {
    WriteBatch batch = OnePut(f, "last", std::to_string(i));
    batch.Put(f, "key" + std::to_string(i), "v");
    store->WriteAsync(std::move(batch), [&, i](Status s) {
      EXPECT_TRUE(s.ok());
      acknowledged.push_back(i);
      done.Add();
    });
  }
  ASSERT_TRUE(done.WaitFor(kBatches));
  std::vector<int> expected(kBatches);
  for (int i = 0; i < kBatches; ++i) expected[i] = i;
  EXPECT_EQ(acknowledged, expected);
  EXPECT_EQ(GetOrMarker(*store, f, "last"), std::to_string(kBatches - 1));
  EXPECT_EQ(GetOrMarker(*store, f, "key0"), "v");
}

TEST_F(StoreAsyncTest, BatchesFromEightThreadsShareOneGroupCommit) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;

  Gate gate;
  gate.Queue(*store, f);
  std::vector<std::vector<int>> acknowledged(kThreads);  // appended on the commit thread
  Counter done;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = "t" + std::to_string(t);
        store->WriteAsync(OnePut(f, key, std::to_string(i)), [&, t, i](Status s) {
          EXPECT_TRUE(s.ok());
          acknowledged[t].push_back(i);
          done.Add();
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  gate.Open();
  ASSERT_TRUE(done.WaitFor(kThreads * kPerThread));

  const Store::CommitStats stats = store->GetCommitStats();
  EXPECT_EQ(stats.batches, 1u + kThreads * kPerThread);
  // The gate's group, then one group with everything queued behind it.
  EXPECT_LE(stats.groups, 2u);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(acknowledged[t].size(), size_t{kPerThread});
    for (int i = 0; i < kPerThread; ++i) ASSERT_EQ(acknowledged[t][i], i) << "thread " << t;
    EXPECT_EQ(GetOrMarker(*store, f, "t" + std::to_string(t)), std::to_string(kPerThread - 1));
  }
}

TEST_F(StoreAsyncTest, BadBatchFailsAloneInsideItsGroup) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  Gate gate;
  gate.Queue(*store, f);
  std::vector<bool> ok(3);
  Counter done;
  auto record = [&](int i) {
    return [&, i](Status s) {
      ok[i] = s.ok();
      done.Add();
    };
  };
  store->WriteAsync(OnePut(f, "before", "v"), record(0));
  WriteBatch bad = OnePut(f, "bad", "v");
  bad.Put(Family(), "bad", "v");
  store->WriteAsync(std::move(bad), record(1));
  store->WriteAsync(OnePut(f, "after", "v"), record(2));
  gate.Open();
  ASSERT_TRUE(done.WaitFor(3));

  EXPECT_EQ(ok, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(GetOrMarker(*store, f, "before"), "v");
  EXPECT_EQ(GetOrMarker(*store, f, "bad"), "<absent>");
  EXPECT_EQ(GetOrMarker(*store, f, "after"), "v");
  EXPECT_LE(store->GetCommitStats().groups, 2u);
}

TEST_F(StoreAsyncTest, CloseCommitsEverythingQueued) {
  constexpr int kBatches = 500;
  int acknowledged = 0;  // the commit thread has finished when Close returns
  {
    auto store = OpenOrFail(DiskOptions());
    ASSERT_NE(store, nullptr);
    Family f = FamilyOrFail(*store, "f");
    for (int i = 0; i < kBatches; ++i) {
      store->WriteAsync(OnePut(f, "k" + std::to_string(i), "v"), [&](Status s) {
        EXPECT_TRUE(s.ok());
        ++acknowledged;
      });
    }
    ASSERT_TRUE(store->Close().ok());
  }
  EXPECT_EQ(acknowledged, kBatches);
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  for (int i = 0; i < kBatches; ++i) {
    ASSERT_EQ(GetOrMarker(*store, f, "k" + std::to_string(i)), "v") << i;
  }
}

TEST_F(StoreAsyncTest, CloseFromCallbackFailsInsteadOfDeadlocking) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  Counter done;
  bool close_failed = false;
  bool nested_write_ok = false;
  store->WriteAsync(OnePut(f, "k", "v"), [&](Status s) {
    close_failed = !store->Close().ok();
    nested_write_ok = testing::Put(*store, f, "nested", "v").ok();  // blocking Write works here
    done.Add();
  });
  ASSERT_TRUE(done.WaitFor(1));
  EXPECT_TRUE(close_failed);
  EXPECT_TRUE(nested_write_ok);
  EXPECT_TRUE(store->Close().ok());
}

TEST_F(StoreAsyncTest, ConcurrentBlockingWritersAllLand) {
  auto store = OpenOrFail(DiskOptions());
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, "f");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string key = std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(testing::Put(*store, f, key, key).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto it = store->NewIterator(f);
  int count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    EXPECT_EQ(it->key(), it->value());
    ++count;
  }
  EXPECT_EQ(count, kThreads * kPerThread);
}

}  // namespace
}  // namespace kumo::storage

// storage_bench: writes per second through Store::Write for 1, 8 and 32
// concurrent writers, with kSync and kProcess durability, plus one thread
// feeding WriteAsync. Each case uses a fresh database in a temporary
// directory (or under --dir) and writes 100-byte values for --seconds.
//
//   storage_bench [--seconds=2] [--dir=/path/on/the/disk/to/measure]
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/store.h"

namespace kumo::storage {
namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  double seconds = 2;
  std::string dir;  // empty: the system temporary directory
};

// A fresh database directory, removed afterwards.
class Scratch {
 public:
  explicit Scratch(const std::string& parent) {
    std::string pattern =
        (parent.empty() ? std::filesystem::temp_directory_path().string() : parent) +
        "/kumo-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    path_ = pattern;
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Opened {
  std::unique_ptr<Store> store;
  Family family;
};

Opened OpenOrDie(const std::string& path, Durability durability) {
  auto store = Store::Open(Options{path, false, durability});
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    std::exit(1);
  }
  auto family = store.value()->OpenFamily("bench");
  if (!family.ok()) {
    std::fprintf(stderr, "open family: %s\n", family.error().message.c_str());
    std::exit(1);
  }
  return Opened{std::move(store).value(), family.value()};
}

const std::string& Value() {
  static const std::string value(100, 'v');
  return value;
}

double BlockingWritesPerSecond(const Config& config, Durability durability, int writers) {
  Scratch scratch(config.dir);
  Opened db = OpenOrDie(scratch.path(), durability);
  std::atomic<uint64_t> total{0};
  const auto deadline = Clock::now() + std::chrono::duration<double>(config.seconds);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      uint64_t n = 0;
      const std::string prefix = std::to_string(t) + "/";
      while (Clock::now() < deadline) {
        WriteBatch batch;
        batch.Put(db.family, prefix + std::to_string(n), Value());
        if (!db.store->Write(batch).ok()) {
          std::fprintf(stderr, "write failed\n");
          std::exit(1);
        }
        ++n;
      }
      total += n;
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return total / elapsed;
}

struct AsyncResult {
  double writes_per_second;
  Store::CommitStats stats;
};

// One producer keeping up to kInFlight WriteAsync batches outstanding.
AsyncResult AsyncWritesPerSecond(const Config& config, Durability durability) {
  constexpr uint64_t kInFlight = 4096;
  Scratch scratch(config.dir);
  Opened db = OpenOrDie(scratch.path(), durability);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t acknowledged = 0;
  uint64_t issued = 0;
  const auto deadline = Clock::now() + std::chrono::duration<double>(config.seconds);
  const auto start = Clock::now();
  while (Clock::now() < deadline) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return issued - acknowledged < kInFlight; });
    }
    WriteBatch batch;
    batch.Put(db.family, std::to_string(issued), Value());
    ++issued;
    db.store->WriteAsync(std::move(batch), [&](Status s) {
      if (!s.ok()) std::exit(1);
      std::lock_guard lock(mu);
      ++acknowledged;
      cv.notify_one();
    });
  }
  if (!db.store->Close().ok()) std::exit(1);  // drains everything issued
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return AsyncResult{issued / elapsed, db.store->GetCommitStats()};
}

int Main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--seconds=", 0) == 0) {
      config.seconds = std::stod(arg.substr(10));
    } else if (arg.rfind("--dir=", 0) == 0) {
      config.dir = arg.substr(6);
    } else {
      std::fprintf(stderr, "usage: %s [--seconds=2] [--dir=PATH]\n", argv[0]);
      return 2;
    }
  }
  for (Durability durability : {Durability::kSync, Durability::kProcess}) {
    const char* name = durability == Durability::kSync ? "kSync" : "kProcess";
    for (int writers : {1, 8, 32}) {
      std::printf("%-8s Write       writers=%-2d %10.0f writes/s\n", name, writers,
                  BlockingWritesPerSecond(config, durability, writers));
      std::fflush(stdout);
    }
    const AsyncResult async = AsyncWritesPerSecond(config, durability);
    std::printf(
        "%-8s WriteAsync  producer=1  %10.0f writes/s (%.0f batches per group commit)\n", name,
        async.writes_per_second,
        static_cast<double>(async.stats.batches) / std::max<uint64_t>(async.stats.groups, 1));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace kumo::storage

int main(int argc, char** argv) { return kumo::storage::Main(argc, argv); }

// Guarantees that involve a second process (store_test_child.cc): a locked
// directory is refused with its path, and no acknowledged write is lost to
// kill -9.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "storage/store.h"
#include "storage/store_test_child.h"
#include "storage/store_test_util.h"

namespace kumo::storage {
namespace {

using testing::FamilyOrFail;
using testing::GetOrMarker;
using testing::OpenOrFail;
using testing::TempDir;

constexpr int kReadBoundMillis = 60'000;

// A running store_test_child with pipes to its stdin and from its stdout.
class Child {
 public:
  Child(const std::string& mode, const std::string& dir) {
    int out[2], in[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2";
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      dup2(out[1], STDOUT_FILENO);
      dup2(in[0], STDIN_FILENO);
      execl(KUMO_STORAGE_TEST_CHILD, KUMO_STORAGE_TEST_CHILD, mode.c_str(), dir.c_str(), nullptr);
      _exit(127);
    }
    close(out[1]);
    close(in[0]);
    from_child_ = out[0];
    to_child_ = in[1];
    if (pid_ < 0) ADD_FAILURE() << "fork";
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
    CloseStdin();
    if (from_child_ >= 0) close(from_child_);
  }

  // The next line the child printed; nullopt at EOF or after the bound.
  std::optional<std::string> ReadLine() {
    for (;;) {
      if (size_t end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
      }
      pollfd p{from_child_, POLLIN, 0};
      if (poll(&p, 1, kReadBoundMillis) <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = read(from_child_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  void CloseStdin() {
    if (to_child_ >= 0) close(to_child_);
    to_child_ = -1;
  }
  void Kill() { kill(pid_, SIGKILL); }
  // The raw wait status; blocks until the child has exited.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int from_child_ = -1;
  int to_child_ = -1;
  std::string buffer_;
};

TEST(StoreProcessTest, LockedDirectoryIsRefusedNamingThePath) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  Child holder("hold", path);
  ASSERT_EQ(holder.ReadLine(), "ready");

  Result<std::unique_ptr<Store>> second = Store::Open(Options{path, false});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().http_status, 500);
  EXPECT_NE(second.error().message.find(path), std::string::npos) << second.error().message;
  EXPECT_NE(second.error().message.find("locked"), std::string::npos) << second.error().message;

  holder.CloseStdin();  // the child closes the store and exits
  EXPECT_EQ(holder.ReadLine(), std::nullopt);
  const int status = holder.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(OpenOrFail(Options{path, false}), nullptr);  // free again
}

TEST(StoreProcessTest, AcknowledgedWritesSurviveSigkill) {
  TempDir dir;
  const std::string path = dir.path() + "/db";
  constexpr long kAcksBeforeKill = 400;
  long last_ack = -1;
  {
    Child writer("write", path);
    while (last_ack + 1 < kAcksBeforeKill) {
      std::optional<std::string> line = writer.ReadLine();
      ASSERT_TRUE(line.has_value()) << "the writer stopped after " << last_ack + 1 << " writes";
      ASSERT_EQ(std::stol(*line), last_ack + 1);
      last_ack = std::stol(*line);
    }
    writer.Kill();
    // Acknowledgements already in the pipe count too.
    while (std::optional<std::string> line = writer.ReadLine()) last_ack = std::stol(*line);
    const int status = writer.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }

  auto store = OpenOrFail(Options{path, false});
  ASSERT_NE(store, nullptr);
  Family f = FamilyOrFail(*store, testing::kChildFamily);
  for (long i = 0; i <= last_ack; ++i) {
    ASSERT_EQ(GetOrMarker(*store, f, testing::ChildKey(i)), testing::ChildValue(i))
        << "acknowledged write " << i << " of " << last_ack + 1 << " was lost";
  }
}

}  // namespace
}  // namespace kumo::storage

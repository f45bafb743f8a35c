// PeerCheck names the process tree behind a loopback connection; the
// Runtime API relies on it to refuse other environments.
#include "runtime/peer_check.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "runtime/runtime_test_util.h"

namespace kumo::runtime {
namespace {

class PeerCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener_, 8), 0);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  void TearDown() override { close(listener_); }

  int Connect() {
    const int fd = testing::ConnectLoopback(port_);
    EXPECT_GE(fd, 0);
    return fd;
  }
  // Accepts one connection; returns its remote address as the edge prints it.
  std::string Accept(int* accepted) {
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    *accepted = accept4(listener_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(peer.sin_port));
  }

  int listener_ = -1;
  uint16_t port_ = 0;
};

TEST_F(PeerCheckTest, FindsTheClientSocketAndItsOwner) {
  const int client = Connect();
  int server = -1;
  const std::string remote = Accept(&server);
  struct stat st {};
  ASSERT_EQ(fstat(client, &st), 0);
  Result<uint64_t> inode = ClientSocketInode(remote, port_);
  ASSERT_TRUE(inode.ok()) << inode.error().message;
  EXPECT_EQ(*inode, static_cast<uint64_t>(st.st_ino));
  EXPECT_TRUE(ProcessTreeHoldsSocket(getpid(), *inode));

  // Cost of the check made on every Runtime API request (printed, not asserted).
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(ClientSocketInode(remote, port_).ok());
  std::printf(
      "sock_diag lookup: %.1f us\n",
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
          1000);
  close(client);
  close(server);
}

TEST_F(PeerCheckTest, FindsASocketHeldByADescendant) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  if (child == 0) {
    // The child connects and waits to be killed.
    if (testing::ConnectLoopback(port_) < 0) _exit(1);
    char c = 'x';
    if (write(ready[1], &c, 1) != 1) _exit(1);
    pause();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  int server = -1;
  const std::string remote = Accept(&server);
  Result<uint64_t> inode = ClientSocketInode(remote, port_);
  ASSERT_TRUE(inode.ok()) << inode.error().message;
  EXPECT_TRUE(ProcessTreeHoldsSocket(getpid(), *inode)) << "found through our child";
  EXPECT_TRUE(ProcessTreeHoldsSocket(child, *inode));

  // A process outside the tree (our own socket, checked against the child).
  const int mine = Connect();
  int server2 = -1;
  const std::string remote2 = Accept(&server2);
  Result<uint64_t> my_inode = ClientSocketInode(remote2, port_);
  ASSERT_TRUE(my_inode.ok());
  EXPECT_FALSE(ProcessTreeHoldsSocket(child, *my_inode));

  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  for (int fd : {ready[0], ready[1], server, mine, server2}) close(fd);
}

TEST_F(PeerCheckTest, ClosedAndMalformedAddresses) {
  const int client = Connect();
  int server = -1;
  const std::string remote = Accept(&server);
  close(client);
  close(server);
  // Both ends closed by the client first: what is left is TIME_WAIT at most,
  // which has no inode.
  Result<uint64_t> gone = ClientSocketInode(remote, port_);
  if (gone.ok()) {
    EXPECT_EQ(*gone, 0u);
  }
  EXPECT_FALSE(ProcessTreeHoldsSocket(getpid(), gone.ok() ? *gone : 0));
  EXPECT_EQ(ClientSocketInode("nonsense", port_).error().code, "ValidationException");
  EXPECT_EQ(ClientSocketInode("127.0.0.1:99999", port_).error().code, "ValidationException");
  EXPECT_EQ(ClientSocketInode("[::1]:80", port_).error().code, "ValidationException");
}

}  // namespace
}  // namespace kumo::runtime

#include "runtime/peer_check.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

namespace kumo::runtime {
namespace {

// One NETLINK_SOCK_DIAG socket per thread, closed when the thread ends.
class DiagSocket {
 public:
  ~DiagSocket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() {
    if (fd_ < 0) fd_ = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    return fd_;
  }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  uint32_t NextSeq() { return ++seq_; }

 private:
  int fd_ = -1;
  uint32_t seq_ = 0;
};

bool ParseIpv4Address(std::string_view address, in_addr* ip, uint16_t* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string host(address.substr(0, colon));
  if (inet_pton(AF_INET, host.c_str(), ip) != 1) return false;
  const std::string_view port_text = address.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
      value > 65535) {
    return false;
  }
  *port = static_cast<uint16_t>(value);
  return true;
}

// Appends the pids listed in /proc/<pid>/task/*/children.
void AppendChildren(pid_t pid, std::vector<pid_t>& out) {
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = opendir(task_dir.c_str());
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string path = task_dir + "/" + e->d_name + "/children";
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n <= 0) continue;
    std::string_view text(buf, static_cast<size_t>(n));
    while (!text.empty()) {
      const size_t space = text.find(' ');
      const std::string_view word = text.substr(0, space);
      pid_t child = 0;
      if (std::from_chars(word.data(), word.data() + word.size(), child).ec == std::errc() &&
          child > 0) {
        out.push_back(child);
      }
      if (space == std::string_view::npos) break;
      text.remove_prefix(space + 1);
    }
  }
  closedir(dir);
}

bool ProcessHoldsSocket(pid_t pid, std::string_view link) {
  const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  const int dir_fd = open(fd_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return false;
  DIR* dir = fdopendir(dir_fd);
  if (dir == nullptr) {
    close(dir_fd);
    return false;
  }
  bool found = false;
  char target[64];
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const ssize_t n = readlinkat(dir_fd, e->d_name, target, sizeof target);
    if (n > 0 && std::string_view(target, static_cast<size_t>(n)) == link) {
      found = true;
      break;
    }
  }
  closedir(dir);
  return found;
}

}  // namespace

Result<uint64_t> ClientSocketInode(std::string_view client_address, uint16_t server_port) {
  in_addr client_ip{};
  uint16_t client_port = 0;
  if (!ParseIpv4Address(client_address, &client_ip, &client_port)) {
    return InvalidArgument("not an IPv4 address and port: " + std::string(client_address));
  }
  thread_local DiagSocket diag;
  const int fd = diag.fd();
  if (fd < 0) return Internal(std::string("socket(NETLINK_SOCK_DIAG): ") + strerror(errno));

  struct {
    nlmsghdr header;
    inet_diag_req_v2 req;
  } request{};
  const uint32_t seq = diag.NextSeq();
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = seq;
  request.req.sdiag_family = AF_INET;
  request.req.sdiag_protocol = IPPROTO_TCP;
  request.req.idiag_states = ~0u;
  // The kernel looks the socket up from its own side: local = src, remote = dst.
  request.req.id.idiag_sport = htons(client_port);
  request.req.id.idiag_dport = htons(server_port);
  request.req.id.idiag_src[0] = client_ip.s_addr;
  request.req.id.idiag_dst[0] = htonl(INADDR_LOOPBACK);
  request.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  request.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
      0) {
    const int err = errno;
    diag.Reset();
    return Internal(std::string("sock_diag sendto: ") + strerror(err));
  }
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      diag.Reset();
      return Internal(std::string("sock_diag recv: ") + strerror(err));
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq) continue;  // a late answer to an earlier query
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (err->error == -ENOENT) {
          return NotFound("NotFound", "no connection from " + std::string(client_address));
        }
        return Internal(std::string("sock_diag: ") + strerror(-err->error));
      }
      if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
        const auto* msg = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
        return static_cast<uint64_t>(msg->idiag_inode);
      }
    }
  }
}

bool ProcessTreeHoldsSocket(pid_t root, uint64_t inode, int max_processes) {
  if (root <= 0 || inode == 0) return false;
  const std::string link = "socket:[" + std::to_string(inode) + "]";
  std::vector<pid_t> pending{root};
  for (int visited = 0; !pending.empty() && visited < max_processes; ++visited) {
    const pid_t pid = pending.back();
    pending.pop_back();
    if (ProcessHoldsSocket(pid, link)) return true;
    AppendChildren(pid, pending);
  }
  return false;
}

}  // namespace kumo::runtime

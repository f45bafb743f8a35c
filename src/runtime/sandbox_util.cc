#include "runtime/sandbox_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <charconv>

namespace kumo::runtime::internal {

Error StepError(const std::string& what, const std::string& syscall, const std::string& path,
                int err) {
  return Internal("sandbox: " + what + ": " + syscall + "(" + path + "): " + strerrordesc_np(err) +
                  " (errno " + std::to_string(err) + ")");
}

std::optional<std::string> ReadSmallFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      errno = err;
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

int WriteSmallFile(const std::string& path, const std::string& data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n;
  while ((n = write(fd, data.data(), data.size())) < 0 && errno == EINTR) {
  }
  const int err = n < 0 ? errno : (static_cast<size_t>(n) == data.size() ? 0 : EIO);
  close(fd);
  return err;
}

bool FileExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void RemoveDirsOfDeadProcesses(const std::string& parent, std::string_view prefix) {
  DIR* dir = opendir(parent.c_str());
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name.substr(0, prefix.size()) != prefix) continue;
    const std::string_view rest = name.substr(prefix.size());
    int pid = 0;
    const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc() || ptr == rest.data() + rest.size() || *ptr != '-' || pid <= 0) continue;
    if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH) continue;
    rmdir((parent + "/" + std::string(name)).c_str());  // fails while busy or non-empty: fine
  }
  closedir(dir);
}

}  // namespace kumo::runtime::internal

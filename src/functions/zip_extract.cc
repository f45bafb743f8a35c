#include "functions/zip_extract.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "functions/validation.h"

namespace kumo::functions {
namespace {

constexpr char kCouldNotUnzip[] =
    "Could not unzip uploaded file. Please check your file, then try to upload again.";
constexpr int kMaxLinkHops = 40;
constexpr size_t kMaxLinkTarget = 4095;

Error CouldNotUnzip() { return InvalidParameterValue(kCouldNotUnzip); }
// Rejections Kumo adds to AWS's checks say which entry and why.
Error Rejected(std::string_view entry, std::string_view why) {
  return InvalidParameterValue(std::string(kCouldNotUnzip) + " Entry '" + std::string(entry) +
                               "' " + std::string(why) + ".");
}
Error TooLarge(int64_t max) {
  return InvalidParameterValue("Unzipped size must be smaller than " + std::to_string(max) +
                               " bytes");
}

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_;
};

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

enum class Kind { kFile, kDir, kLink };

struct Entry {
  zip_uint64_t index = 0;
  std::string name;                // as in the archive, for messages
  std::vector<std::string> parts;  // path components, "." and "" dropped
  Kind kind = Kind::kFile;
  mode_t perm = 0644;
};

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = end + 1;
  }
  return parts;
}

bool HasDotDot(const std::vector<std::string>& parts) {
  for (const auto& p : parts) {
    if (p == "..") return true;
  }
  return false;
}

Result<std::vector<Entry>> ReadEntries(zip_t* za, int64_t max_bytes) {
  zip_int64_t n = zip_get_num_entries(za, 0);
  if (n < 0) return CouldNotUnzip();
  std::vector<Entry> entries;
  entries.reserve(static_cast<size_t>(n));
  int64_t declared = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        (st.valid & ZIP_STAT_NAME) == 0) {
      return CouldNotUnzip();
    }
    Entry e;
    e.index = static_cast<zip_uint64_t>(i);
    e.name = st.name;
    if (e.name.empty()) return CouldNotUnzip();
    if (e.name.front() == '/') return Rejected(e.name, "has an absolute path");
    e.parts = SplitPath(e.name);
    if (HasDotDot(e.parts)) return Rejected(e.name, "escapes the code directory");
    if (e.parts.empty()) continue;  // "./": the root itself
    bool dir = e.name.back() == '/';
    zip_uint8_t opsys = 0;
    zip_uint32_t attr = 0;
    bool unix_mode = zip_file_get_external_attributes(za, e.index, 0, &opsys, &attr) == 0 &&
                     opsys == ZIP_OPSYS_UNIX && (attr >> 16) != 0;
    mode_t mode = static_cast<mode_t>(attr >> 16);
    if (unix_mode && S_ISDIR(mode)) dir = true;
    if (dir) {
      e.kind = Kind::kDir;
      e.perm = 0755;
    } else if (unix_mode && S_ISLNK(mode)) {
      e.kind = Kind::kLink;
    } else if (unix_mode) {
      e.perm = (mode & 0111) != 0 ? 0755 : 0644;
    } else {
      e.perm = (e.parts.size() == 1 && e.parts[0] == "bootstrap") ? 0755 : 0644;
    }
    if ((st.valid & ZIP_STAT_SIZE) != 0) declared += static_cast<int64_t>(st.size);
    if (declared > max_bytes) return TooLarge(max_bytes);
    entries.push_back(std::move(e));
  }
  return entries;
}

// Opens (creating as needed) the directory made of parts[0, count) under
// `root`, refusing to pass through anything but real directories.
Result<Fd> OpenDir(int root, const Entry& e, size_t count) {
  Fd cur(::dup(root));
  if (!cur.ok()) return Internal("dup: " + std::string(std::strerror(errno)));
  for (size_t i = 0; i < count; ++i) {
    const char* comp = e.parts[i].c_str();
    int fd = ::openat(cur.get(), comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(cur.get(), comp, 0755) != 0 && errno != EEXIST) {
        return Internal("mkdir " + e.name + ": " + std::strerror(errno));
      }
      fd = ::openat(cur.get(), comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) ::fchmod(fd, 0755);  // whatever the umask: the sandbox user reads it
    }
    if (fd < 0) {
      if (errno == ELOOP || errno == ENOTDIR) {
        return Rejected(e.name, "passes through a symbolic link or a file");
      }
      return Internal("open " + e.name + ": " + std::strerror(errno));
    }
    cur = Fd(fd);
  }
  return cur;
}

Status WriteAll(int fd, const char* data, size_t len, const std::string& name) {
  while (len > 0) {
    ssize_t w = ::write(fd, data, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Internal("write " + name + ": " + std::strerror(errno));
    }
    data += w;
    len -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Reads the whole entry `e`, handing chunks to `sink`; counts into `total`.
template <typename Sink>
Status ReadEntry(zip_t* za, const Entry& e, int64_t max_bytes, int64_t& total, Sink sink) {
  std::unique_ptr<zip_file_t, ZipFileCloser> zf(zip_fopen_index(za, e.index, 0));
  if (zf == nullptr) return CouldNotUnzip();
  std::vector<char> buf(1 << 16);
  while (true) {
    zip_int64_t r = zip_fread(zf.get(), buf.data(), buf.size());
    if (r < 0) return CouldNotUnzip();
    if (r == 0) return Status::Ok();
    total += r;
    if (total > max_bytes) return TooLarge(max_bytes);
    KUMO_RETURN_IF_ERROR(sink(buf.data(), static_cast<size_t>(r)));
  }
}

Status WriteFile(zip_t* za, int root, const Entry& e, int64_t max_bytes, int64_t& total) {
  KUMO_ASSIGN_OR_RETURN(Fd parent, OpenDir(root, e, e.parts.size() - 1));
  Fd out(::openat(parent.get(), e.parts.back().c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out.ok()) {
    if (errno == ELOOP || errno == EISDIR) return Rejected(e.name, "collides with another entry");
    return Internal("create " + e.name + ": " + std::strerror(errno));
  }
  KUMO_RETURN_IF_ERROR(ReadEntry(za, e, max_bytes, total, [&](const char* d, size_t n) {
    return WriteAll(out.get(), d, n, e.name);
  }));
  if (::fchmod(out.get(), e.perm) != 0) {
    return Internal("chmod " + e.name + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::string> ReadLinkTarget(zip_t* za, const Entry& e, int64_t max_bytes, int64_t& total) {
  std::string target;
  KUMO_RETURN_IF_ERROR(ReadEntry(za, e, max_bytes, total, [&](const char* d, size_t n) {
    target.append(d, n);
    if (target.size() > kMaxLinkTarget) return Status(Rejected(e.name, "is too long a link"));
    return Status::Ok();
  }));
  if (target.empty() || target.find('\0') != std::string::npos) {
    return Rejected(e.name, "is an invalid symbolic link");
  }
  if (target.front() == '/') return Rejected(e.name, "links outside the code directory");
  return target;
}

// Follows `target` from the directory `dir` (components under root), through
// any symbolic links in the finished tree, and says whether every step stays
// inside root. Components that do not exist are taken lexically.
bool StaysInside(int root, std::vector<std::string> dir, const std::string& target) {
  std::deque<std::string> pending;
  for (auto& p : SplitPath(target)) pending.push_back(std::move(p));
  int hops = 0;
  while (!pending.empty()) {
    std::string comp = std::move(pending.front());
    pending.pop_front();
    if (comp == "..") {
      if (dir.empty()) return false;
      dir.pop_back();
      continue;
    }
    std::string path;
    for (const auto& d : dir) path += d + "/";
    path += comp;
    struct stat st;
    if (::fstatat(root, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      if (++hops > kMaxLinkHops) return false;
      char buf[kMaxLinkTarget + 1];
      ssize_t n = ::readlinkat(root, path.c_str(), buf, sizeof buf - 1);
      if (n <= 0 || buf[0] == '/') return false;
      std::vector<std::string> next = SplitPath(std::string_view(buf, static_cast<size_t>(n)));
      pending.insert(pending.begin(), next.begin(), next.end());
      continue;
    }
    dir.push_back(std::move(comp));
  }
  return true;
}

}  // namespace

Result<ExtractStats> ExtractZip(std::string_view zip, const std::string& dir,
                                int64_t max_unzipped_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return CouldNotUnzip();
  }
  std::unique_ptr<zip_t, ZipCloser> za(zip_open_from_source(source, ZIP_RDONLY, &error));
  zip_error_fini(&error);
  if (za == nullptr) {
    zip_source_free(source);
    return CouldNotUnzip();
  }
  KUMO_ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadEntries(za.get(), max_unzipped_bytes));

  Fd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.ok()) return Internal("open " + dir + ": " + std::strerror(errno));

  // Directories and files first, while the tree has no links to pass through.
  ExtractStats stats;
  for (const Entry& e : entries) {
    if (e.kind == Kind::kDir) {
      KUMO_ASSIGN_OR_RETURN(Fd d, OpenDir(root.get(), e, e.parts.size()));
    } else if (e.kind == Kind::kFile) {
      KUMO_RETURN_IF_ERROR(
          WriteFile(za.get(), root.get(), e, max_unzipped_bytes, stats.unzipped_bytes));
    }
  }
  // Links next, each created in a real directory (never through another link).
  for (const Entry& e : entries) {
    if (e.kind != Kind::kLink) continue;
    KUMO_ASSIGN_OR_RETURN(std::string target,
                          ReadLinkTarget(za.get(), e, max_unzipped_bytes, stats.unzipped_bytes));
    KUMO_ASSIGN_OR_RETURN(Fd parent, OpenDir(root.get(), e, e.parts.size() - 1));
    if (::symlinkat(target.c_str(), parent.get(), e.parts.back().c_str()) != 0) {
      if (errno == EEXIST) return Rejected(e.name, "collides with another entry");
      return Internal("symlink " + e.name + ": " + std::strerror(errno));
    }
  }
  // Then, with the tree final, every link must resolve inside it.
  for (const Entry& e : entries) {
    if (e.kind != Kind::kLink) continue;
    std::string path;
    for (const auto& p : e.parts) path += (path.empty() ? "" : "/") + p;
    char buf[kMaxLinkTarget + 1];
    ssize_t n = ::readlinkat(root.get(), path.c_str(), buf, sizeof buf - 1);
    std::vector<std::string> parent(e.parts.begin(), e.parts.end() - 1);
    if (n <= 0 || !StaysInside(root.get(), parent, std::string(buf, static_cast<size_t>(n)))) {
      return Rejected(e.name, "links outside the code directory");
    }
  }
  stats.entries = static_cast<int64_t>(entries.size());
  if (::syncfs(root.get()) != 0) return Internal("syncfs " + dir + ": " + std::strerror(errno));
  return stats;
}

}  // namespace kumo::functions

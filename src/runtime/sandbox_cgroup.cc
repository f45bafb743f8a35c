#include "runtime/sandbox_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <thread>

#include "runtime/sandbox_util.h"

namespace kumo::runtime::internal {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string UnescapeOctal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string_view digits = s.substr(i + 1, 3);
      if (digits.size() == 3 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out.push_back(
            static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0')));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The value of "key N" in a flat-keyed cgroup file (memory.events, memory.oom_control).
int64_t ReadKeyed(const std::string& path, std::string_view key) {
  const std::optional<std::string> text = ReadSmallFile(path);
  if (!text) return 0;
  for (std::string_view line : Split(*text, '\n')) {
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ') {
      int64_t v = 0;
      const std::string_view num = line.substr(key.size() + 1);
      std::from_chars(num.data(), num.data() + num.size(), v);
      return v;
    }
  }
  return 0;
}

std::atomic<uint64_t> g_sequence{0};

std::string CgroupName(std::string_view suffix) {
  return "kumo-" + std::to_string(getpid()) + "-" + std::string(suffix);
}

// v2 only delivers a controller to children when the parent's
// cgroup.subtree_control enables it, and a non-root cgroup with processes
// cannot enable any ("no internal processes"): then Kumo moves itself into
// a leaf child first, as container runtimes do.
std::string EnableV2Controllers(const std::string& dir, const std::string& controllers) {
  const std::string control = dir + "/cgroup.subtree_control";
  int err = WriteSmallFile(control, controllers);
  if (err == EBUSY) {
    const std::string leaf = dir + "/kumo-server";
    if (mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) {
      return StepError("move Kumo into a leaf cgroup", "mkdir", leaf, errno).message;
    }
    err = WriteSmallFile(leaf + "/cgroup.procs", "0");
    if (err != 0) return StepError("move Kumo into a leaf cgroup", "write", leaf, err).message;
    err = WriteSmallFile(control, controllers);
  }
  if (err != 0) return StepError("enable cgroup v2 controllers", "write", control, err).message;
  return "";
}

void AppendError(std::string& errors, const std::string& e) {
  if (e.empty()) return;
  if (!errors.empty()) errors += "; ";
  errors += e;
}

}  // namespace

std::vector<CgroupMount> ParseCgroupMounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  for (std::string_view line : Split(mountinfo, '\n')) {
    const size_t dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    const std::vector<std::string_view> head = Split(line.substr(0, dash), ' ');
    const std::vector<std::string_view> tail = Split(line.substr(dash + 3), ' ');
    if (head.size() < 5 || tail.size() < 3) continue;
    CgroupMount m;
    if (tail[0] == "cgroup2") {
      m.unified = true;
    } else if (tail[0] != "cgroup") {
      continue;
    }
    m.root = UnescapeOctal(head[3]);
    m.mount_point = UnescapeOctal(head[4]);
    if (!m.unified) {
      for (std::string_view opt : Split(tail[2], ',')) m.controllers.emplace_back(opt);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<CgroupMembership> ParseProcCgroup(std::string_view proc_cgroup) {
  std::vector<CgroupMembership> out;
  for (std::string_view line : Split(proc_cgroup, '\n')) {
    const size_t first = line.find(':');
    if (first == std::string_view::npos) continue;
    const size_t second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    CgroupMembership m;
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    if (!controllers.empty()) {
      for (std::string_view c : Split(controllers, ',')) m.controllers.emplace_back(c);
    }
    m.path = std::string(line.substr(second + 1));
    out.push_back(std::move(m));
  }
  return out;
}

ControllerHome LocateController(const std::vector<CgroupMount>& mounts,
                                const std::vector<CgroupMembership>& membership,
                                std::string_view controller) {
  auto join = [](const CgroupMount& m, const std::string& path) -> std::optional<std::string> {
    if (m.root == "/") return path == "/" ? m.mount_point : m.mount_point + path;
    if (path == m.root) return m.mount_point;
    if (path.size() > m.root.size() && path.compare(0, m.root.size(), m.root) == 0 &&
        path[m.root.size()] == '/') {
      return m.mount_point + path.substr(m.root.size());
    }
    return std::nullopt;  // our cgroup is outside the mounted subtree
  };
  for (const CgroupMount& m : mounts) {
    if (m.unified || !Contains(m.controllers, controller)) continue;
    for (const CgroupMembership& c : membership) {
      if (!Contains(c.controllers, controller)) continue;
      if (std::optional<std::string> dir = join(m, c.path)) return {CgroupVersion::kV1, *dir};
    }
    return {};  // bound to v1 but unusable: v2 cannot have it either
  }
  for (const CgroupMount& m : mounts) {
    if (!m.unified) continue;
    for (const CgroupMembership& c : membership) {
      if (!c.controllers.empty()) continue;
      if (std::optional<std::string> dir = join(m, c.path)) return {CgroupVersion::kV2, *dir};
    }
  }
  return {};
}

CgroupSetup DiscoverCgroups() {
  CgroupSetup setup;
  const std::optional<std::string> mountinfo = ReadSmallFile("/proc/self/mountinfo");
  const std::optional<std::string> proc_cgroup = ReadSmallFile("/proc/self/cgroup");
  if (!mountinfo || !proc_cgroup) {
    setup.error = "cannot read /proc/self/mountinfo or /proc/self/cgroup";
    return setup;
  }
  const std::vector<CgroupMount> mounts = ParseCgroupMounts(*mountinfo);
  const std::vector<CgroupMembership> membership = ParseProcCgroup(*proc_cgroup);
  setup.memory = LocateController(mounts, membership, "memory");
  setup.pids = LocateController(mounts, membership, "pids");
  if (setup.memory.version == CgroupVersion::kNone)
    AppendError(setup.error, "no memory controller");
  if (setup.pids.version == CgroupVersion::kNone) AppendError(setup.error, "no pids controller");

  // v2: the controllers must be delegated to Kumo's cgroup and enabled for its children.
  std::string v2_enable;
  for (auto [home, name] : {std::pair{&setup.memory, "memory"}, std::pair{&setup.pids, "pids"}}) {
    if (home->version != CgroupVersion::kV2) continue;
    const std::optional<std::string> available = ReadSmallFile(home->dir + "/cgroup.controllers");
    std::vector<std::string> names;
    if (available) {
      for (std::string_view c : Split(*available, ' ')) {
        if (!c.empty() && c.back() == '\n') c.remove_suffix(1);
        names.emplace_back(c);
      }
    }
    if (!Contains(names, name)) {
      AppendError(setup.error,
                  std::string("cgroup v2 ") + name + " controller not delegated to " + home->dir);
      *home = {};
      continue;
    }
    v2_enable += std::string(v2_enable.empty() ? "+" : " +") + name;
  }
  if (!v2_enable.empty()) {
    ControllerHome& home = setup.memory.version == CgroupVersion::kV2 ? setup.memory : setup.pids;
    const std::optional<std::string> enabled = ReadSmallFile(home.dir + "/cgroup.subtree_control");
    bool all_enabled = enabled.has_value();
    for (std::string_view want : Split(v2_enable, ' ')) {
      want.remove_prefix(1);
      if (enabled && enabled->find(want) == std::string::npos) all_enabled = false;
    }
    if (!all_enabled) {
      const std::string e = EnableV2Controllers(home.dir, v2_enable);
      if (!e.empty()) {
        AppendError(setup.error, e);
        if (setup.memory.version == CgroupVersion::kV2) setup.memory = {};
        if (setup.pids.version == CgroupVersion::kV2) setup.pids = {};
      }
    }
  }

  // Prove each controller works with a probe cgroup, and learn its files.
  for (ControllerHome* home : {&setup.memory, &setup.pids}) {
    if (home->version == CgroupVersion::kNone) continue;
    RemoveDirsOfDeadProcesses(home->dir, "kumo-");
    CgroupSetup only;
    (home == &setup.memory ? only.memory : only.pids) = *home;
    Result<std::unique_ptr<SandboxCgroups>> probe = SandboxCgroups::Create(
        only, home == &setup.memory ? (64 << 20) : 0, home == &setup.pids ? 64 : 0);
    if (!probe.ok()) {
      AppendError(setup.error, probe.error().message);
      *home = {};
      continue;
    }
    if (home == &setup.memory) {
      const std::string dir = (*probe)->procs_files().front();
      const std::string base = dir.substr(0, dir.rfind('/'));
      const bool v1 = home->version == CgroupVersion::kV1;
      setup.swap_limit =
          FileExists(base + (v1 ? "/memory.memsw.limit_in_bytes" : "/memory.swap.max"));
      setup.memory_peak = FileExists(base + (v1 ? "/memory.max_usage_in_bytes" : "/memory.peak"));
    }
    if (Status removed = (*probe)->Remove(); !removed.ok()) {
      AppendError(setup.error, removed.error().message);
    }
  }
  return setup;
}

Result<std::unique_ptr<SandboxCgroups>> SandboxCgroups::Create(const CgroupSetup& setup,
                                                               int64_t memory_bytes, int pids_max) {
  auto cg = std::unique_ptr<SandboxCgroups>(new SandboxCgroups());
  const std::string name = CgroupName(std::to_string(g_sequence.fetch_add(1)));
  const bool memory = setup.memory.version != CgroupVersion::kNone;
  const bool pids = setup.pids.version != CgroupVersion::kNone;
  if (memory && pids && setup.memory.version == CgroupVersion::kV2 &&
      setup.pids.version == CgroupVersion::kV2 && setup.memory.dir == setup.pids.dir) {
    cg->dirs_.push_back({setup.memory.dir + "/" + name, CgroupVersion::kV2, true, true});
  } else {
    if (memory)
      cg->dirs_.push_back({setup.memory.dir + "/" + name, setup.memory.version, true, false});
    if (pids) cg->dirs_.push_back({setup.pids.dir + "/" + name, setup.pids.version, false, true});
  }
  for (size_t i = 0; i < cg->dirs_.size(); ++i) {
    const Dir& d = cg->dirs_[i];
    if (mkdir(d.path.c_str(), 0755) != 0) {
      Error error = StepError("create cgroup", "mkdir", d.path, errno);
      cg->dirs_.resize(i);  // only remove what we created
      return error;
    }
    const bool v1 = d.version == CgroupVersion::kV1;
    // The child joins by writing "0". On v1, `tasks` moves just the writing
    // thread (the child is single-threaded: the whole process) without the
    // kernel's global threadgroup lock. `cgroup.procs` takes that lock, whose
    // first writer waits for an RCU grace period: 6-17 ms on the busy 2-core
    // VM for any launch that does not closely follow another. v2 moves single
    // threads only inside threaded subtrees, so it keeps cgroup.procs.
    cg->procs_files_.push_back(d.path + (v1 ? "/tasks" : "/cgroup.procs"));
    std::vector<std::pair<std::string, std::string>> writes;
    if (d.memory && memory_bytes > 0) {
      const std::string bytes = std::to_string(memory_bytes);
      writes.push_back({v1 ? "memory.limit_in_bytes" : "memory.max", bytes});
      if (setup.swap_limit) {
        writes.push_back(v1 ? std::pair{std::string("memory.memsw.limit_in_bytes"), bytes}
                            : std::pair{std::string("memory.swap.max"), std::string("0")});
      }
      if (!v1) writes.push_back({"memory.oom.group", "1"});
    }
    if (d.pids && pids_max > 0) writes.push_back({"pids.max", std::to_string(pids_max)});
    for (const auto& [file, value] : writes) {
      const std::string path = d.path + "/" + file;
      if (int err = WriteSmallFile(path, value); err != 0) {
        return StepError("set cgroup limit " + value, "write", path, err);
      }
    }
  }
  // The peak is read after every invocation (REPORT's Max Memory Used): the
  // file stays open and is re-read with pread instead of an open, read and
  // close each time. Close-on-exec: no sandboxed process inherits it.
  for (const Dir& d : cg->dirs_) {
    if (!d.memory) continue;
    const std::string path =
        d.path + (d.version == CgroupVersion::kV1 ? "/memory.max_usage_in_bytes" : "/memory.peak");
    cg->peak_fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);  // -1: the kernel has no peak file
    break;
  }
  return cg;
}

SandboxCgroups::~SandboxCgroups() {
  // The owner reads errors through Remove(); a destructor has no one to tell.
  IgnoreError(Remove());
}

int64_t SandboxCgroups::PeakMemoryBytes() const {
  if (peak_fd_ < 0) return -1;
  char buf[32];
  const ssize_t n =
      pread(peak_fd_, buf, sizeof buf, 0);  // a cgroup file renders afresh at offset 0
  int64_t v = 0;
  if (n <= 0 || std::from_chars(buf, buf + n, v).ec != std::errc()) return -1;
  return v;
}

bool SandboxCgroups::OomKilled() const {
  for (const Dir& d : dirs_) {
    if (!d.memory) continue;
    const char* file = d.version == CgroupVersion::kV1 ? "/memory.oom_control" : "/memory.events";
    return ReadKeyed(d.path + file, "oom_kill") > 0;
  }
  return false;
}

void SandboxCgroups::KillAll() const {
  for (const Dir& d : dirs_) {
    if (d.version == CgroupVersion::kV2 && WriteSmallFile(d.path + "/cgroup.kill", "1") == 0)
      continue;
    const std::optional<std::string> procs = ReadSmallFile(d.path + "/cgroup.procs");
    if (!procs) continue;
    for (std::string_view line : Split(*procs, '\n')) {
      int pid = 0;
      if (std::from_chars(line.data(), line.data() + line.size(), pid).ec == std::errc() &&
          pid > 0) {
        kill(pid, SIGKILL);
      }
    }
  }
}

Status SandboxCgroups::Remove() {
  if (removed_) return Status::Ok();
  if (peak_fd_ >= 0) {
    close(peak_fd_);
    peak_fd_ = -1;
  }
  // Exiting processes leave the cgroup a moment after they are reaped; the
  // bound keeps a stuck (D-state) process from hanging the caller.
  constexpr int kAttempts = 500;
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    int err = 0;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      if (rmdir(it->path.c_str()) == 0 || errno == ENOENT) {
        err = 0;
        break;
      }
      err = errno;
      if (err != EBUSY) break;
      KillAll();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (err != 0) return StepError("remove cgroup", "rmdir", it->path, err);
  }
  removed_ = true;
  return Status::Ok();
}

}  // namespace kumo::runtime::internal

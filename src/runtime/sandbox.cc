// LaunchSandbox and SandboxProcess: prepares a plan (sandbox_plan.cc),
// clones the child that runs it (sandbox_child.cc) on the launcher thread,
// and follows init's reports (sandbox_init_protocol.h) until the runtime exits.
#include "runtime/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <thread>

#include "runtime/sandbox_init_blob.h"
#include "runtime/sandbox_init_protocol.h"
#include "runtime/sandbox_launcher.h"
#include "runtime/sandbox_util.h"

namespace kumo::runtime {
namespace internal {
namespace {

// The one thread that clones sandboxes. PR_SET_PDEATHSIG fires when the
// thread that forked exits, so it must live as long as the process: it is
// never joined, and the object is leaked on purpose. It blocks every signal
// for good, so children start with all signals blocked (see sandbox_child.cc).
class LauncherThread {
 public:
  static LauncherThread& Instance() {
    static LauncherThread* const instance = new LauncherThread();
    return *instance;
  }

  // Runs `fn` on the launcher thread and returns what it returned.
  template <typename F>
  auto Run(F fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back([&task] { task(); });
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  LauncherThread() {
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, nullptr);
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

constexpr std::string_view kStagingPrefix = "kumo-sandbox-";

// Stack of the cloned child until it execs; used by the launcher thread only.
alignas(64) char g_child_stack[256 * 1024];

std::string CloneFlagNames(int flags) {
  std::string out = "CLONE_VM|CLONE_VFORK";
  for (auto [bit, name] :
       {std::pair{CLONE_NEWNS, "CLONE_NEWNS"}, std::pair{CLONE_NEWPID, "CLONE_NEWPID"},
        std::pair{CLONE_NEWIPC, "CLONE_NEWIPC"}, std::pair{CLONE_NEWUTS, "CLONE_NEWUTS"}}) {
    if (flags & bit) out += std::string("|") + name;
  }
  return out;
}

// Writes the init program to an anonymous executable file and returns a
// read-only descriptor of it (exec refuses files open for writing).
Result<int> CreateInitFd(const std::string& staging_dir) {
  const std::string_view program = SandboxInitProgram();
  constexpr unsigned int kMfdExec = 0x10;  // MFD_EXEC, Linux 6.3+: say exec is intended
  int fd = memfd_create("kumo-sandbox-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | kMfdExec);
  if (fd < 0 && errno == EINVAL)
    fd = memfd_create("kumo-sandbox-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) fd = open(staging_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0755);
  if (fd < 0)
    return StepError("store the init program", "memfd_create", "kumo-sandbox-init", errno);
  for (size_t done = 0; done < program.size();) {
    const ssize_t n = write(fd, program.data() + done, program.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      close(fd);
      return StepError("store the init program", "write", "kumo-sandbox-init", err);
    }
    done += static_cast<size_t>(n);
  }
  fchmod(fd, 0755);
  fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);  // memfd only
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  const int ro = open(self.c_str(), O_RDONLY | O_CLOEXEC);
  const int err = errno;
  close(fd);
  if (ro < 0) return StepError("reopen the init program read-only", "open", self, err);
  return ro;
}

std::string TempRoot() {
  const char* tmp = getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

Result<HostLayout*> MakeHostLayout() {
  auto host = std::make_unique<HostLayout>();
  std::string dir =
      TempRoot() + "/" + std::string(kStagingPrefix) + std::to_string(getpid()) + "-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    return StepError("create the staging directory", "mkdtemp", dir, errno);
  }
  host->staging_dir = dir;
  for (const char* path :
       {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    struct stat st {};
    if (lstat(path, &st) != 0) continue;
    HostLayout::SystemEntry e;
    e.path = path;
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      const ssize_t n = readlink(path, target, sizeof target - 1);
      if (n <= 0) continue;
      e.is_symlink = true;
      e.link_target.assign(target, static_cast<size_t>(n));
    } else if (!S_ISDIR(st.st_mode)) {
      continue;
    }
    host->system.push_back(std::move(e));
  }
  host->root = geteuid() == 0;
  if (std::optional<std::string> last = ReadSmallFile("/proc/sys/kernel/cap_last_cap")) {
    host->cap_last_cap = atoi(last->c_str());
  }
  rlimit nofile{};
  getrlimit(RLIMIT_NOFILE, &nofile);
  host->nofile_hard = nofile.rlim_max;
  int lifeline[2];
  if (pipe2(lifeline, O_CLOEXEC) != 0) return StepError("create the lifeline", "pipe2", "", errno);
  host->lifeline_read_fd = lifeline[0];
  host->lifeline_write_fd = lifeline[1];
  KUMO_ASSIGN_OR_RETURN(host->init_fd, CreateInitFd(dir));
  return host.release();  // lives as long as the process, like its descriptors
}

void RemoveStagingDir() {
  Result<const HostLayout*> host = GetHostLayout();
  if (host.ok()) rmdir((*host)->staging_dir.c_str());
}

SandboxExit FromWaitStatus(int status) {
  if (WIFSIGNALED(status)) return SandboxExit{0, WTERMSIG(status)};
  return SandboxExit{WEXITSTATUS(status), 0};
}

}  // namespace

void RemoveStaleStagingDirs() { RemoveDirsOfDeadProcesses(TempRoot(), kStagingPrefix); }

Result<const HostLayout*> GetHostLayout() {
  static const Result<const HostLayout*> layout = [] {
    Result<HostLayout*> made = MakeHostLayout();
    if (!made.ok()) return Result<const HostLayout*>(made.error());
    atexit(RemoveStagingDir);
    return Result<const HostLayout*>(*made);
  }();
  return layout;
}

Result<std::unique_ptr<SandboxProcess>> SandboxLauncher::Launch(const SandboxSpec& spec,
                                                                SandboxMode mode,
                                                                const CgroupSetup& cgroup_setup) {
  KUMO_ASSIGN_OR_RETURN(const HostLayout* host, GetHostLayout());
  std::unique_ptr<SandboxCgroups> cgroups;
  std::vector<std::string> procs_files;
  if (cgroup_setup.memory.version != CgroupVersion::kNone ||
      cgroup_setup.pids.version != CgroupVersion::kNone) {
    KUMO_ASSIGN_OR_RETURN(
        cgroups, SandboxCgroups::Create(cgroup_setup, spec.memory_limit_mb << 20, spec.pids_max));
    procs_files = cgroups->procs_files();
  }
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) return StepError("create the report pipe", "pipe2", "", errno);
  Result<std::unique_ptr<LaunchPlan>> plan = BuildPlan(
      spec, mode, procs_files, cgroup_setup.pids.version != CgroupVersion::kNone, *host, report[1]);
  if (!plan.ok()) {
    close(report[0]);
    close(report[1]);
    return plan.error();
  }
  LaunchPlan* p = plan->get();
  const int flags = CLONE_VM | CLONE_VFORK | SIGCHLD | p->clone_flags;
  const auto [pid, clone_errno] = LauncherThread::Instance().Run([p, flags] {
    const pid_t child = clone(RunPlanInChild, g_child_stack + sizeof g_child_stack, flags, p);
    return std::pair<pid_t, int>{child, child < 0 ? errno : 0};
  });
  close(report[1]);
  if (pid < 0) {
    close(report[0]);
    return StepError("create the environment's first process", "clone", CloneFlagNames(flags),
                     clone_errno);
  }
  if (p->failed_step >= 0) {  // the child has _exited; it is a zombie to reap
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    close(report[0]);
    return p->Failure();
  }
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  fcntl(report[0], F_SETFL, O_NONBLOCK);
  auto process = std::unique_ptr<SandboxProcess>(
      new SandboxProcess(mode, pid, pidfd, report[0], std::move(cgroups)));
  KUMO_RETURN_IF_ERROR(
      process->AwaitStart(spec.start_timeout, spec.argv.empty() ? "" : spec.argv[0]));
  return process;
}

}  // namespace internal

std::string SandboxExit::ToString() const {
  if (signal == 0) return "exit status " + std::to_string(exit_code);
  const char* name = sigdescr_np(signal);
  if (name == nullptr) return "signal: signal " + std::to_string(signal);
  std::string text(name);
  if (!text.empty()) text[0] = static_cast<char>(tolower(static_cast<unsigned char>(text[0])));
  return "signal: " + text;
}

SandboxProcess::SandboxProcess(SandboxMode mode, pid_t pid, int pidfd, int report_fd,
                               std::unique_ptr<internal::SandboxCgroups> cgroups)
    : mode_(mode), pid_(pid), pidfd_(pidfd), cgroups_(std::move(cgroups)), report_fd_(report_fd) {}

SandboxProcess::~SandboxProcess() {
  Kill();
  Wait();
  if (cgroups_ != nullptr) {
    // Nobody is left to tell; the next start-up removes what stays behind.
    IgnoreError(cgroups_->Remove());
  }
  if (pidfd_ >= 0) close(pidfd_);
  std::lock_guard<std::mutex> lock(reap_mu_);
  if (report_fd_ >= 0) close(report_fd_);
}

void SandboxProcess::ReadReports() {
  using internal::InitReport;
  using internal::InitReportKind;
  while (report_fd_ >= 0) {
    InitReport records[8];
    const ssize_t n = read(report_fd_, records, sizeof records);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // EAGAIN: nothing more for now
    if (n == 0) {       // init and everything holding the pipe are gone
      close(report_fd_);
      report_fd_ = -1;
      return;
    }
    // Whole records only: init writes each with one atomic write().
    for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof(InitReport)); ++i) {
      const InitReport& r = records[i];
      if (r.kind == InitReportKind::kStarted && !started_) {
        started_ = true;
        start_errno_ = r.value;
        runtime_pid_ = r.pid;
      } else if (r.kind == InitReportKind::kExited && !reported_exit_) {
        reported_exit_ = internal::FromWaitStatus(r.value);
        if (r.max_rss_kb > 0) max_rss_bytes_ = r.max_rss_kb * 1024;
      }
    }
  }
}

Status SandboxProcess::AwaitStart(std::chrono::milliseconds timeout, const std::string& argv0) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(reap_mu_);
  for (;;) {
    ReadReports();
    if (started_) break;
    if (report_fd_ < 0) {
      lock.unlock();
      return Internal("sandbox: init ended before starting the runtime (" + Wait().ToString() +
                      ")");
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Internal("sandbox: the runtime did not start within " +
                      std::to_string(timeout.count()) + " ms");
    }
    pollfd p{report_fd_, POLLIN, 0};
    poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30)));
  }
  if (start_errno_ != 0) {
    return Error{502, "Runtime.InvalidEntrypoint",
                 "sandbox: exec " + argv0 + ": " + strerrordesc_np(start_errno_) + " (errno " +
                     std::to_string(start_errno_) + ")"};
  }
  return Status::Ok();
}

bool SandboxProcess::TryReap() {
  std::lock_guard<std::mutex> lock(reap_mu_);
  if (reaped_) return true;
  int status = 0;
  pid_t r;
  while ((r = waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == 0) return false;
  ReadReports();  // init writes the runtime's exit before it exits itself
  if (reported_exit_) {
    exit_ = *reported_exit_;
  } else if (r == pid_) {
    exit_ = internal::FromWaitStatus(status);  // init itself was killed
  } else {
    exit_ = SandboxExit{0, SIGKILL};  // ECHILD: reaped behind our back (contract broken)
  }
  reaped_ = true;
  return true;
}

std::optional<SandboxExit> SandboxProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (TryReap()) return exit_;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30)));
    } else {
      std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(1)));
    }
  }
}

SandboxExit SandboxProcess::Wait() {
  for (;;) {
    if (std::optional<SandboxExit> e = Wait(std::chrono::hours(24))) return *e;
  }
}

void SandboxProcess::Kill() {
  if (reaped_) return;
  if (pidfd_ >= 0) {
    syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);  // fails harmlessly once dead
  }
  std::lock_guard<std::mutex> lock(reap_mu_);
  if (reaped_) return;
  if (pidfd_ < 0) kill(pid_, SIGKILL);  // not reaped, so the pid is still ours
  if (mode_ == SandboxMode::kPlainProcess) {
    // No pid namespace tears the tree down: the runtime's process group and
    // whatever the cgroup still holds.
    if (runtime_pid_ > 0) kill(-runtime_pid_, SIGKILL);
    if (cgroups_ != nullptr) cgroups_->KillAll();
  }
}

int64_t SandboxProcess::PeakMemoryBytes() const {
  const int64_t peak = cgroups_ != nullptr ? cgroups_->PeakMemoryBytes() : -1;
  return peak >= 0 ? peak : max_rss_bytes_.load();
}

bool SandboxProcess::OomKilled() const { return cgroups_ != nullptr && cgroups_->OomKilled(); }

Result<std::unique_ptr<SandboxProcess>> LaunchSandbox(const SandboxSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return InvalidArgument("sandbox: argv must name the runtime to execute");
  }
  // tmpfs reads size=0 as "unlimited": refuse it rather than lift the bound.
  if (spec.tmp_size_mb <= 0 || spec.memory_limit_mb < 0 || spec.pids_max < 0 || spec.nofile <= 0) {
    return InvalidArgument(
        "sandbox: tmp_size_mb and nofile must be positive, memory_limit_mb and "
        "pids_max not negative");
  }
  if (spec.uid == 0 || spec.gid == 0) {
    return InvalidArgument("sandbox: the runtime never runs as uid or gid 0");
  }
  const internal::ProbeResult& probe = internal::CachedProbe();
  const SandboxMode mode = spec.mode.value_or(probe.caps.best_mode());
  if (mode == SandboxMode::kIsolated && !probe.caps.isolation) {
    return Internal("sandbox: isolation unavailable: " + probe.caps.isolation_error);
  }
  if (mode == SandboxMode::kIsolated && spec.layer_dirs.size() > 1 && !probe.caps.overlayfs) {
    return Internal("sandbox: more than one layer needs overlayfs, which the kernel lacks");
  }
  return internal::SandboxLauncher::Launch(spec, mode, probe.cgroups);
}

}  // namespace kumo::runtime

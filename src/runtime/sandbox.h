// Sandbox: starts one Lambda execution environment (a runtime process tree)
// isolated as in shared/design/ARCHITECTURE.md, "Functions: the execution
// model", and watches it until it exits.
//
// An isolated environment runs in its own mount, pid, ipc and uts namespaces
// (the network is shared so the function reaches Kumo on 127.0.0.1). Its root
// is a read-only tmpfs holding bind mounts of the system directories, its code
// at /var/task, its layers at /opt, a fresh /proc, a minimal /dev and a
// private size-limited /tmp; nothing else of the host is mounted, so Kumo's
// data directory and other functions' code are not in its view. It runs as an
// unprivileged uid with no capabilities and no_new_privs, under a memory
// cgroup (hard limit, no swap) and a pids cgroup, with Lambda's rlimits.
// Process 1 of the namespace is a tiny init (embedded in Kumo) that starts the
// runtime, reaps orphans and reports the runtime's exit status; when the
// runtime exits, init exits and the kernel kills whatever is left.
//
// docs/sandbox.md lists the tenets, the threat model and the exact ordered
// steps and system calls. Every step that fails yields one Error naming the
// step, the path and errno. When the kernel forbids a step, ProbeSandbox()
// says so and the weaker mode it falls back to (also in docs/sandbox.md).
//
// Thread-safety: LaunchSandbox and ProbeSandbox may be called from any thread
// at once. SandboxProcess: Kill() and the const methods are safe from any
// thread at any time; Wait() may be called from several threads.
//
// Process-wide contracts (the caller's side):
//  - Nothing else in the process reaps children it did not start
//    (waitpid(-1, ...)) or sets SIGCHLD to SIG_IGN: each SandboxProcess reaps
//    its own init.
//  - Environments die with the Kumo process (PR_SET_PDEATHSIG). The kernel
//    ties that signal to the thread that forked, so launches run on one
//    internal thread that lives as long as the process.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kumo::runtime {

namespace internal {
class SandboxCgroups;   // sandbox_cgroup.h
class SandboxLauncher;  // sandbox_launcher.h
}  // namespace internal

enum class SandboxMode {
  // Namespaces, a new root built from bind mounts, pivot_root, dropped uid.
  kIsolated,
  // A plain child process: same cgroups, rlimits, dropped uid and
  // no_new_privs when allowed, but it sees the host file system. code_dir is
  // its working directory; /var/task, /opt and a private /tmp do not exist,
  // so the caller points LAMBDA_TASK_ROOT, TMPDIR and the layer paths at the
  // host directories itself.
  kPlainProcess,
};

enum class CgroupVersion { kNone, kV1, kV2 };

// What the kernel lets Kumo do, found by trying it (see ProbeSandbox).
struct SandboxCapabilities {
  bool root = false;            // effective uid 0 with CAP_SYS_ADMIN
  bool isolation = false;       // kIsolated works end to end
  std::string isolation_error;  // the failing step, path and errno
  bool overlayfs = false;       // needed for more than one layer
  CgroupVersion memory_cgroup = CgroupVersion::kNone;
  CgroupVersion pids_cgroup = CgroupVersion::kNone;
  bool swap_limit = false;   // swap can be forbidden (memsw / memory.swap.max)
  bool memory_peak = false;  // the cgroup records peak usage
  std::string cgroup_error;  // why a controller is missing
  bool pidfd = false;        // pidfd_open works (race-free kill and wait)

  SandboxMode best_mode() const {
    return isolation ? SandboxMode::kIsolated : SandboxMode::kPlainProcess;
  }
  // One line for the server's start-up log, e.g. "sandbox: isolated
  // (namespaces, pivot_root, uid 993); memory cgroup v1 (no swap); ...".
  std::string Describe() const;
};

// Tries every isolation feature now: finds the cgroup controllers (creating
// and removing a probe cgroup, and removing cgroups left by dead Kumo
// processes), and launches a real isolated environment whose init exits at
// once. Takes a few milliseconds. Never fails: what does not work is
// reported in the fields.
SandboxCapabilities ProbeSandbox();

// The result of ProbeSandbox() run once per process; LaunchSandbox uses it.
// Call it at start-up, to log Describe() and keep the probe off the first
// cold start.
const SandboxCapabilities& CachedSandboxCapabilities();

struct SandboxSpec {
  // The runtime command. argv[0] without a '/' is looked up on env's PATH.
  std::vector<std::string> argv;
  // Exactly the environment the runtime sees, "NAME=value" each.
  std::vector<std::string> env;
  // Host directory shown read-only at /var/task (also the working
  // directory). Empty: /var/task exists and is empty.
  std::string code_dir;
  // Host directories merged in order at /opt, read-only; a later layer's
  // file wins over an earlier one's, as in Lambda. More than one needs
  // overlayfs; paths must not contain ':' or ','.
  std::vector<std::string> layer_dirs;
  // Host paths (directories or files) shown read-only at the same path, e.g.
  // an interpreter's prefix outside /usr or Kumo's runtime clients. Paths are
  // canonicalized (symlinks resolved) and mounted at the canonical path.
  std::vector<std::string> extra_ro_binds;
  // Host directories shown read-only at another path: {host path, path in
  // the sandbox}. The Node.js SDK is shown at /node_modules, where ES module
  // resolution from /var/task finds it (ESM ignores NODE_PATH), as on Lambda.
  std::vector<std::pair<std::string, std::string>> extra_ro_mounts;
  int64_t memory_limit_mb = 128;  // hard limit incl. /tmp pages; 0: none
  int64_t tmp_size_mb = 512;      // size of the private /tmp tmpfs
  int pids_max = 1024;            // processes and threads; 0: none
  int nofile = 1024;              // RLIMIT_NOFILE, as in Lambda
  // Descriptors the runtime writes to (not owned; may be the same pipe).
  // -1: /dev/null. stdin is always /dev/null.
  int stdout_fd = -1;
  int stderr_fd = -1;
  std::string hostname = "localhost";
  // Used when Kumo runs as root: Lambda's sbx_user1051 is uid 993, gid 990.
  // 0 is refused.
  uid_t uid = 993;
  gid_t gid = 990;
  // Unset: the strongest mode CachedSandboxCapabilities() allows.
  std::optional<SandboxMode> mode;
  // Bound on how long LaunchSandbox waits for the runtime's exec.
  std::chrono::milliseconds start_timeout{10000};
};

// How the runtime process ended.
struct SandboxExit {
  int exit_code = 0;  // meaningful when signal == 0
  int signal = 0;     // the signal that killed it, or 0

  // Lambda's wording (Go's os/exec): "exit status 1", "signal: killed".
  std::string ToString() const;
};

class SandboxProcess {
 public:
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;
  // Kills the tree, reaps it and removes its cgroups. Blocks until the
  // kernel has torn the tree down (milliseconds).
  ~SandboxProcess();

  // The init process as seen from Kumo's pid namespace.
  pid_t pid() const { return pid_; }
  SandboxMode mode() const { return mode_; }
  // A descriptor that becomes readable when the environment has exited
  // (a pidfd), for an event loop; then Wait(0ms) returns at once. -1 when
  // the kernel has no pidfds.
  int exit_fd() const { return pidfd_; }

  // SIGKILLs the whole tree. Idempotent; harmless after exit.
  void Kill();
  // Waits up to `timeout` for the runtime to exit and returns how, or
  // nullopt if it is still running.
  std::optional<SandboxExit> Wait(std::chrono::milliseconds timeout);
  SandboxExit Wait();

  // Peak memory of the whole tree in bytes (the memory cgroup's peak); when
  // the cgroup has no peak, the runtime process's max RSS once it exited.
  // -1 if unknown.
  int64_t PeakMemoryBytes() const;
  // True when the kernel's OOM killer killed a process of this environment
  // (the memory cgroup's oom_kill count).
  bool OomKilled() const;

 private:
  friend class internal::SandboxLauncher;
  SandboxProcess(SandboxMode mode, pid_t pid, int pidfd, int report_fd,
                 std::unique_ptr<internal::SandboxCgroups> cgroups);
  // Reads init's reports until the runtime's exec result arrives.
  Status AwaitStart(std::chrono::milliseconds timeout, const std::string& argv0);
  bool TryReap();      // takes reap_mu_
  void ReadReports();  // under reap_mu_: drains what init wrote

  const SandboxMode mode_;
  const pid_t pid_;
  const int pidfd_;
  const std::unique_ptr<internal::SandboxCgroups> cgroups_;
  mutable std::mutex reap_mu_;
  int report_fd_;          // guarded by reap_mu_
  bool started_ = false;   // guarded by reap_mu_: the runtime's exec result arrived
  int start_errno_ = 0;    // guarded by reap_mu_
  pid_t runtime_pid_ = 0;  // guarded by reap_mu_; Kumo's view in plain mode
  std::optional<SandboxExit> reported_exit_;  // guarded by reap_mu_
  std::atomic<bool> reaped_{false};
  SandboxExit exit_;  // written once before reaped_ is set
  std::atomic<int64_t> max_rss_bytes_{-1};
};

// Starts an environment and returns once the runtime has been exec'd.
// Errors: InvalidArgument for a bad spec (missing directory, bad layer path,
// empty argv); Internal naming the failing step, its path and errno for a
// launch step the kernel refused; code "Runtime.InvalidEntrypoint" (502)
// when argv[0] cannot be executed inside the environment.
Result<std::unique_ptr<SandboxProcess>> LaunchSandbox(const SandboxSpec& spec);

}  // namespace kumo::runtime

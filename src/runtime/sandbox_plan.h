// The launch plan: the ordered steps the launcher's child performs between
// clone() and exec, as data. docs/sandbox.md lists the same steps.
//
// The plan is built in Kumo (BuildPlan: allocation, path checks) and run by
// the cloned child (RunPlanInChild). The child shares Kumo's memory until it
// execs (CLONE_VM | CLONE_VFORK, like posix_spawn) so it may only make system
// calls: every string is prepared here, and the child reports a failure by
// writing the step's index and errno into the plan before it _exits. Failure()
// turns that into one Error naming the step, the system call, the path and
// errno.
//
// Thread-safety: a plan is owned by one launch; nothing is shared.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "runtime/sandbox.h"

namespace kumo::runtime::internal {

// Facts about the host read once per process (sandbox.cc owns them).
struct HostLayout {
  // An empty directory of Kumo's own. Every isolated child mounts its new
  // root here, inside its private mount namespace, so the host never sees
  // the mount and concurrent launches do not collide.
  std::string staging_dir;
  // Top-level system directories shown read-only: /usr, /etc, and /bin,
  // /sbin, /lib, /lib32, /lib64, /libx32 when they exist. With merged /usr
  // the latter are symlinks, recreated as such.
  struct SystemEntry {
    std::string path;
    bool is_symlink = false;
    std::string link_target;
  };
  std::vector<SystemEntry> system;
  bool root = false;         // effective uid 0: drop to the spec's uid
  int cap_last_cap = 40;     // /proc/sys/kernel/cap_last_cap
  uint64_t nofile_hard = 0;  // Kumo's RLIMIT_NOFILE hard limit (cannot be raised)
  int init_fd = -1;          // read-only executable descriptor of kumo-sandbox-init
  // Kumo holds the write end; a child whose read end reports a hang-up
  // knows Kumo died before its PR_SET_PDEATHSIG took effect.
  int lifeline_read_fd = -1;
  int lifeline_write_fd = -1;
};

// MOUNT_ATTR_* and AT_RECURSIVE for kReadOnly steps (linux/mount.h is not
// included: it clashes with sys/mount.h).
inline constexpr unsigned long kAttrReadOnly = 0x1;
inline constexpr unsigned long kAttrNoSuid = 0x2;
inline constexpr unsigned long kAttrNoDev = 0x4;
inline constexpr unsigned long kAttrNoExec = 0x8;
inline constexpr long kAtRecursive = 0x8000;

enum class Op : uint8_t {
  kJoinCgroup,         // open(path, O_WRONLY) + write("0") + close
  kMount,              // mount(source, path, fstype, flags, data)
  kReadOnly,           // mount_setattr(path, flags=MOUNT_ATTR_*, value=AT_RECURSIVE or 0)
                       //   falling back to mount(MS_REMOUNT | MS_BIND | ...)
  kMkdir,              // mkdir(path, 0755); EEXIST is fine
  kCreateFile,         // open(path, O_CREAT | O_NOFOLLOW, 0444) + close: a file's mount point
  kSymlink,            // symlink(source, path)
  kSetHostname,        // sethostname(path)
  kChdir,              // chdir(path)
  kPivotRoot,          // pivot_root(".", ".")
  kDetachOldRoot,      // umount2(".", MNT_DETACH)
  kSetRlimit,          // setrlimit(value, {flags, flags})
  kRedirectStdio,      // /dev/null, stdout, stderr, report pipe -> fds 0..3; others close-on-exec
  kDropBoundingSet,    // prctl(PR_CAPBSET_DROP, 0..value)
  kSetGroups,          // setgroups(0, NULL)
  kSetGid,             // setresgid(value, value, value)
  kSetUid,             // setresuid(value, value, value)
  kClearCapabilities,  // capset(): permitted, effective, inheritable empty
  kNoNewPrivs,         // prctl(PR_SET_NO_NEW_PRIVS, 1)
  kParentDeathSignal,  // prctl(PR_SET_PDEATHSIG, SIGKILL), then poll(lifeline): Kumo alive?
  kExecInit,           // execveat(init_fd, "", argv, envp, AT_EMPTY_PATH)
};

struct Step {
  Op op;
  const char* what;  // the step's name in errors, e.g. "bind the code directory"
  const char* path = nullptr;
  const char* source = nullptr;
  const char* fstype = nullptr;
  const char* data = nullptr;
  unsigned long flags = 0;
  long value = 0;
};

struct LaunchPlan {
  SandboxMode mode = SandboxMode::kIsolated;
  int clone_flags = 0;  // namespaces to create
  std::vector<Step> steps;
  std::deque<std::string> strings;  // owns every char* in steps, argv, envp
  std::vector<char*> argv;          // init's argv, null-terminated
  std::vector<char*> envp;          // the runtime's environment, null-terminated
  int init_fd = -1;
  int report_fd = -1;  // write end of the report pipe
  int stdout_fd = -1;
  int stderr_fd = -1;
  int lifeline_read_fd = -1;
  int lifeline_write_fd = -1;

  // Written by the child before it _exits, read by Kumo after clone returns.
  int failed_step = -1;
  int failed_errno = 0;

  const char* Keep(std::string s);
  Step& Add(Op op, const char* what);
  // The error for failed_step / failed_errno. Precondition: failed_step >= 0.
  Error Failure() const;
};

// Builds the plan for `mode`. `runtime_argv` empty makes init exit at once
// (the probe). Errors: InvalidArgument for a missing or unusable path.
Result<std::unique_ptr<LaunchPlan>> BuildPlan(const SandboxSpec& spec, SandboxMode mode,
                                              const std::vector<std::string>& cgroup_procs_files,
                                              bool pids_cgroup, const HostLayout& host,
                                              int report_fd);

// The clone() entry point of the child: runs the plan and execs init, or
// records the failed step and _exits(127). Never returns.
int RunPlanInChild(void* plan);

}  // namespace kumo::runtime::internal

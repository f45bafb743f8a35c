// The launcher's child: runs a LaunchPlan between clone() and exec.
//
// This code runs in a child created with CLONE_VM | CLONE_VFORK: it shares
// Kumo's memory (and the launching thread's TLS) while that thread waits. So
// it only makes system calls: no allocation, no locks, no stdio. Where a
// libc wrapper does more than the call it is bypassed with syscall():
// glibc's set*id() and setgroups() signal every thread of the process (here
// Kumo's), and its cancellation points (open, write, close, poll) update the
// calling thread's control block (here the launcher thread's).
// All signals stay blocked until init unblocks them after exec, so no Kumo
// signal handler can run here.
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include "runtime/sandbox_init_protocol.h"
#include "runtime/sandbox_plan.h"

namespace kumo::runtime::internal {
namespace {

constexpr unsigned int kCloseRangeCloexec = 1u << 2;  // CLOSE_RANGE_CLOEXEC

struct MountAttr {  // struct mount_attr
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

int Open(const char* path, int flags, mode_t mode = 0) {
  return static_cast<int>(syscall(SYS_openat, AT_FDCWD, path, flags, mode));
}
void Close(int fd) {
  const int err = errno;
  syscall(SYS_close, fd);
  errno = err;
}

// Each returns true on success, false with errno set.

bool JoinCgroup(const char* procs) {
  const int fd = Open(procs, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = syscall(SYS_write, fd, "0", 1) == 1;
  Close(fd);
  return ok;
}

bool ReadOnly(const Step& s) {
  MountAttr attr{s.flags, 0, 0, 0};
  if (syscall(SYS_mount_setattr, AT_FDCWD, s.path, static_cast<unsigned int>(s.value), &attr,
              sizeof attr) == 0) {
    return true;
  }
  if (errno != ENOSYS) return false;
  // Before Linux 5.12: a bind remount changes only the top mount.
  unsigned long flags = MS_REMOUNT | MS_BIND;
  if (s.flags & kAttrReadOnly) flags |= MS_RDONLY;
  if (s.flags & kAttrNoSuid) flags |= MS_NOSUID;
  if (s.flags & kAttrNoDev) flags |= MS_NODEV;
  if (s.flags & kAttrNoExec) flags |= MS_NOEXEC;
  return mount(nullptr, s.path, nullptr, flags, nullptr) == 0;
}

bool CreateFile(const char* path) {
  const int fd = Open(path, O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
  if (fd < 0) return false;
  Close(fd);
  return true;
}

// fds 0..3 become /dev/null, stdout, stderr and the report pipe; every other
// descriptor (Kumo's sockets, files) is marked close-on-exec.
bool RedirectStdio(const LaunchPlan& plan, const char* dev_null) {
  const int null_fd = Open(dev_null, O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return false;
  const int sources[4] = {null_fd, plan.stdout_fd >= 0 ? plan.stdout_fd : null_fd,
                          plan.stderr_fd >= 0 ? plan.stderr_fd : null_fd, plan.report_fd};
  int high[4];
  for (int i = 0; i < 4; ++i) {
    // Copies above the targets first, so one dup2 cannot clobber another's source.
    high[i] = fcntl(sources[i], F_DUPFD_CLOEXEC, 10);
    if (high[i] < 0) return false;
  }
  for (int i = 0; i < 4; ++i) {
    if (dup2(high[i], i) < 0) return false;  // the copy at i is not close-on-exec
  }
  if (syscall(SYS_close_range, kReportFd + 1, ~0u, kCloseRangeCloexec) == 0) return true;
  // Before Linux 5.11: mark them one by one, within a bound.
  for (int fd = kReportFd + 1; fd < 65536; ++fd) {
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return true;
}

bool DropBoundingSet(long last_cap) {
  for (long cap = 0; cap <= last_cap; ++cap) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return false;
  }
  return true;
}

bool ClearCapabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  return syscall(SYS_capset, &header, data) == 0;
}

// PR_SET_PDEATHSIG only covers a parent that dies after it is set; the
// lifeline catches one that died before (its write end would be closed).
bool DieWithKumo(const LaunchPlan& plan) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return false;
  pollfd p{plan.lifeline_read_fd, POLLIN, 0};
  const timespec now{0, 0};  // do not wait
  if (syscall(SYS_ppoll, &p, 1, &now, nullptr, 0) < 0) return false;
  if (p.revents != 0) {
    errno = ESRCH;  // Kumo is gone
    return false;
  }
  return true;
}

bool RunStep(const LaunchPlan& plan, const Step& s) {
  switch (s.op) {
    case Op::kJoinCgroup:
      return JoinCgroup(s.path);
    case Op::kMount:
      return mount(s.source, s.path, s.fstype, s.flags, s.data) == 0;
    case Op::kReadOnly:
      return ReadOnly(s);
    case Op::kMkdir:
      return mkdir(s.path, 0755) == 0 || errno == EEXIST;
    case Op::kCreateFile:
      return CreateFile(s.path);
    case Op::kSymlink:
      return symlink(s.source, s.path) == 0;
    case Op::kSetHostname: {
      size_t len = 0;
      while (s.path[len] != '\0') ++len;
      return sethostname(s.path, len) == 0;
    }
    case Op::kChdir:
      return chdir(s.path) == 0;
    case Op::kPivotRoot:
      return syscall(SYS_pivot_root, ".", ".") == 0;
    case Op::kDetachOldRoot:
      return umount2(".", MNT_DETACH) == 0;
    case Op::kSetRlimit: {
      const rlimit limit{s.flags, s.flags};
      return setrlimit(static_cast<__rlimit_resource>(s.value), &limit) == 0;
    }
    case Op::kRedirectStdio:
      return RedirectStdio(plan, s.path);
    case Op::kDropBoundingSet:
      return DropBoundingSet(s.value);
    case Op::kSetGroups:
      return syscall(SYS_setgroups, 0, nullptr) == 0;
    case Op::kSetGid:
      return syscall(SYS_setresgid, s.value, s.value, s.value) == 0;
    case Op::kSetUid:
      return syscall(SYS_setresuid, s.value, s.value, s.value) == 0;
    case Op::kClearCapabilities:
      return ClearCapabilities();
    case Op::kNoNewPrivs:
      return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    case Op::kParentDeathSignal:
      return DieWithKumo(plan);
    case Op::kExecInit:
      syscall(SYS_execveat, plan.init_fd, "", plan.argv.data(), plan.envp.data(), AT_EMPTY_PATH);
      return false;  // execveat returns only on failure
  }
  errno = EINVAL;
  return false;
}

}  // namespace

int RunPlanInChild(void* arg) {
  LaunchPlan& plan = *static_cast<LaunchPlan*>(arg);
  Close(plan.lifeline_write_fd);  // our copy; Kumo keeps its own
  const Step* steps = plan.steps.data();
  const size_t count = plan.steps.size();
  for (size_t i = 0; i < count; ++i) {
    if (!RunStep(plan, steps[i])) {
      plan.failed_errno = errno;
      plan.failed_step = static_cast<int>(i);
      _exit(127);
    }
  }
  _exit(127);  // unreachable: the last step execs
}

}  // namespace kumo::runtime::internal
